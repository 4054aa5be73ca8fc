"""Never lose an answer: autosave files for interviews, and answers files written atomically.

An interview writes its answers after every answer to a recovery file in the user data dir
(platformdirs; on Linux $XDG_DATA_HOME/clientcheck/interviews). A recovery file is an ordinary
answers file, so `clientcheck check` reads it as it is. Every write goes to a temporary file in
the same folder, is flushed to disk, and replaces the old file in one step (os.replace), so a
crash or a kill leaves either the old answers or the new ones, never half a file.

A finished interview's file is renamed to *.done.yaml (or removed when the answers were saved
elsewhere with --save); `--resume` without a file picks the newest unfinished one.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

SUFFIX = ".yaml"
DONE_SUFFIX = ".done.yaml"


def recovery_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_data_dir("clientcheck", appauthor=False)) / "interviews"


class _Dumper(yaml.SafeDumper):
    """Block mappings (one answer a line), flow lists (`asks: [free_sample, discount]`)."""


def _flow_list(dumper: yaml.SafeDumper, data: list[Any]) -> yaml.Node:
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=True)


_Dumper.add_representer(list, _flow_list)


def dump_answers(mapping: Mapping[str, Any], path: Path, header: str = "") -> str:
    """An answers mapping as the text of an answers file: JSON for *.json, else YAML."""
    if path.suffix.lower() == ".json":
        return json.dumps(dict(mapping), ensure_ascii=False, indent=2) + "\n"
    body = yaml.dump(dict(mapping), Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=1000)
    if not mapping:
        body = "{}\n"
    comments = "".join(f"# {line}\n" for line in header.splitlines())
    return comments + body


def write_atomic(path: Path, text: str, private: bool = False) -> None:
    """Replace path's content with text in one step.

    An existing file keeps its permissions; a new one gets the usual ones (umask), or owner-only
    when private (recovery files hold notes about clients).
    """
    directory = path.parent
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        try:
            os.chmod(tmp, path.stat().st_mode & 0o777)
        except FileNotFoundError:
            os.chmod(tmp, 0o600 if private else 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_answers(path: Path, mapping: Mapping[str, Any], header: str = "", private: bool = False) -> None:
    write_atomic(path, dump_answers(mapping, path, header), private)


def _slug(name: str | None) -> str:
    slug = re.sub(r"[^\w-]+", "-", name or "", flags=re.UNICODE).strip("-_").lower()[:40]
    return slug or "interview"


class RecoveryFile:
    """The autosave file of one interview."""

    def __init__(self, path: Path, owned: bool) -> None:
        self.path = path
        # a file we created in the recovery dir may be renamed or removed when the interview ends;
        # a file the user pointed at with --resume FILE is only ever updated
        self.owned = owned

    @classmethod
    def new(cls, client: str | None, directory: Path | None = None) -> RecoveryFile:
        directory = directory or recovery_dir()
        directory.mkdir(parents=True, exist_ok=True)
        stamp = time.strftime("%Y%m%d-%H%M%S")
        path = directory / f"{stamp}-{os.getpid()}-{_slug(client)}{SUFFIX}"
        return cls(path, owned=True)

    @classmethod
    def resume(cls, path: Path) -> RecoveryFile:
        owned = path.resolve().parent == recovery_dir().resolve() and not path.name.endswith(DONE_SUFFIX)
        return cls(path, owned=owned)

    def save(self, mapping: Mapping[str, Any], header: str = "") -> None:
        write_answers(self.path, mapping, header, private=True)

    def finish(self, keep: bool) -> Path | None:
        """The interview ended with a verdict: retire the file. Returns where the answers now are."""
        if not self.owned or not self.path.exists():
            return self.path if self.path.exists() else None
        if not keep:
            self.path.unlink()
            return None
        done = self.path.with_name(self.path.name[: -len(SUFFIX)] + DONE_SUFFIX)
        os.replace(self.path, done)
        self.path = done
        return done


def _has_answers(path: Path) -> bool:
    """A regular file with at least one answer in it (a recovery file is comments, then YAML)."""
    import stat

    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW)
    except OSError:
        return False
    with open(fd, "rb") as f:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return False  # a FIFO or a device is nobody's interview, and reading one could hang
        head = f.read(64_000)
    body = [line.strip() for line in head.splitlines() if line.strip() and not line.lstrip().startswith(b"#")]
    return bool(body) and body != [b"{}"]


def latest(directory: Path | None = None) -> Path | None:
    """The newest unfinished recovery file that holds an answer, or None.

    A file with no answer (an interview stopped before its first) is passed over: it would
    otherwise hide the interview that was really paused.
    """
    directory = directory or recovery_dir()
    try:
        candidates = [p for p in directory.iterdir() if p.name.endswith(SUFFIX) and not p.name.endswith(DONE_SUFFIX)]
    except OSError:  # missing, not a folder, unreadable
        return None
    stamped: list[tuple[int, str, Path]] = []
    for p in candidates:
        try:
            st = p.lstat()
        except OSError:
            continue
        if _has_answers(p):
            stamped.append((st.st_mtime_ns, p.name, p))
    return max(stamped)[2] if stamped else None
