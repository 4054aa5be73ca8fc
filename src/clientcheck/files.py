"""Reading input files as text, and noting which were read.

Kept apart from yamlsrc so that reading a JSON answers file, or a cached catalog, does not
import PyYAML.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from clientcheck.errors import ClientcheckError, Mark

MAX_BYTES = 1_000_000


class YamlError(ClientcheckError):
    """A file that is not safe, well-formed YAML (or not readable text at all)."""


_watched: list[Path] | None = None


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


def read_text(path: Path, display: str | None = None) -> str:
    from clientcheck.i18n import detect_language, t

    lang = detect_language(None)  # the language of the run: these reach the user as they are
    name = display or str(path)
    note(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise YamlError(t(lang, "files.too_big", kb=MAX_BYTES // 1000), Mark(name, 1, 1))
        data = path.read_bytes()
    except FileNotFoundError:
        raise ClientcheckError(t(lang, "files.missing", path=name)) from None
    except IsADirectoryError:
        raise ClientcheckError(t(lang, "files.is_dir", path=name)) from None
    except OSError as exc:
        raise ClientcheckError(t(lang, "files.cannot_read", path=name, reason=exc.strerror)) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise YamlError(t(lang, "files.not_utf8"), Mark(name, line)) from None
