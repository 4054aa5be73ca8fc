"""Reading input files as text, and noting which were read.

Kept apart from yamlsrc so that reading a JSON answers file, or a cached catalog, does not
import PyYAML.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from clientcheck.errors import ClientcheckError, Mark

MAX_BYTES = 1_000_000


class YamlError(ClientcheckError):
    """A file that is not safe, well-formed YAML (or not readable text at all)."""


_watched: list[Path] | None = None


def _t(key: str, **fields: object) -> str:
    """A message in the language of the run: these reach the user as they are."""
    from clientcheck.i18n import detect_language, t

    return t(detect_language(None), key, **fields)


@contextmanager
def watching() -> Iterator[list[Path]]:
    """Collect every file read and every folder listed while loading (for the catalog cache)."""
    global _watched
    outer, _watched = _watched, []
    try:
        yield _watched
    finally:
        _watched = outer


def note(path: Path) -> None:
    """Tell a watcher that this file or folder decides what is loaded."""
    if _watched is not None:
        _watched.append(path.absolute())


PIPE_BYTES = 1 << 20


def widen_pipe(stream: Any) -> bool:
    """Let the pipe under a stream hold 1 MB, where Linux allows it; True when it was widened.

    A batch writes its records a piece at a time (those of 256 KB of JSON Lines come to about
    700 KB) and reads its input in pieces as big. Through a pipe of the default 64 KB the two ends
    take turns, about ten times a piece, each turn a pair of context switches. Anything but a
    pipe is left alone, and a refusal (the user's pipe limit, a system without F_SETPIPE_SZ)
    leaves the pipe as it was.
    """
    import fcntl
    import stat

    setsize = getattr(fcntl, "F_SETPIPE_SZ", None)
    getsize = getattr(fcntl, "F_GETPIPE_SZ", None)
    try:
        fd = stream.fileno()
        if setsize is None or getsize is None or not stat.S_ISFIFO(os.fstat(fd).st_mode):
            return False
        if fcntl.fcntl(fd, getsize) >= PIPE_BYTES:
            return False
        fcntl.fcntl(fd, setsize, PIPE_BYTES)
    except (AttributeError, OSError, ValueError):  # no descriptor (a test's stream), or refused
        return False
    return True


def open_input(path: str | Path, display: str | None = None, regular_only: bool = False) -> int:
    """A file descriptor to read `path` from, opened without ever blocking.

    A FIFO with no writer would block open() for ever, so the file is opened non-blocking and
    switched back to blocking reads once open (a FIFO with no writer then reads as empty).
    Rules, questions and the files they extend must be regular files (regular_only); answers
    may also come from a pipe (`<(...)`) or a device, whose reads the caller bounds.
    """
    import errno
    import fcntl
    import stat

    name = display or str(path)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise ClientcheckError(_t("files.missing", path=name)) from None
    except IsADirectoryError:
        raise ClientcheckError(_t("files.is_dir", path=name)) from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise ClientcheckError(_t("files.cannot_read", path=name, reason=_t("files.link_loop"))) from None
        raise ClientcheckError(_t("files.cannot_read", path=name, reason=exc.strerror)) from None
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise ClientcheckError(_t("files.is_dir", path=name))
        if regular_only and not stat.S_ISREG(mode):
            raise ClientcheckError(_t("files.not_regular", path=name))
        fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) & ~os.O_NONBLOCK)
    except BaseException:
        os.close(fd)
        raise
    return fd


def read_capped(read: Callable[[int], bytes], limit: int) -> bytes:
    """At most limit + 1 bytes from `read`: enough to tell that a source is over the limit
    without ever holding more (an endless stdin or /dev/zero stops here). The copy into bytes at
    the end costs no more memory over the limit than it does for a file just under it."""
    buffer = bytearray()
    while len(buffer) <= limit:
        data = read(min(1 << 20, limit + 1 - len(buffer)))
        if not data:
            break
        buffer += data
    return bytes(buffer)


def read_bytes(path: Path, display: str | None = None, limit: int = MAX_BYTES, regular_only: bool = True) -> bytes:
    """A file's bytes, refused at once when it holds more than `limit` (a file:1:1 YamlError)."""
    name = display or str(path)
    fd = open_input(path, name, regular_only)
    try:
        data = read_capped(lambda n: os.read(fd, n), limit)
    except OSError as exc:
        raise ClientcheckError(_t("files.cannot_read", path=name, reason=exc.strerror)) from None
    finally:
        os.close(fd)
    if len(data) > limit:
        raise YamlError(_t("files.too_big", kb=limit // 1000), Mark(name, 1, 1))
    return data


def decode(data: bytes, name: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise YamlError(_t("files.not_utf8"), Mark(name, line)) from None


def read_text(path: Path, display: str | None = None, regular_only: bool = True) -> str:
    name = display or str(path)
    note(path)
    return decode(read_bytes(path, name, regular_only=regular_only), name)
