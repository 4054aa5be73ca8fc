"""Where the history file is, and how a client's name is checked and matched."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Literal

from clientcheck.errors import UsageError

DB_ENV = "CLIENTCHECK_DB"
DB_FILE = "history.sqlite3"
MAX_CLIENT_CHARS = 200

# the bidirectional controls (terminal.BIDI): a name that reads in another order than it is written
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")

NameProblem = Literal["empty", "long", "controls", "not_utf8"]


class ClientNameError(UsageError):
    """A name that cannot be a client's. `problem` says which rule it breaks and `reason` words it
    without the option's name, for a caller that tells it in its own sentence (a resumed interview)."""

    def __init__(self, problem: NameProblem, limit: int = MAX_CLIENT_CHARS) -> None:
        from clientcheck.i18n import detect_language, t

        self.problem = problem
        self.limit = limit
        lang = detect_language(None)  # the language of the run: the message reaches the user as it is
        self.reason = t(lang, f"history.client.reason.{problem}", max=limit)
        super().__init__(t(lang, f"history.client.{problem}", max=limit))


def default_path() -> Path:
    from platformdirs import user_data_path

    return user_data_path("clientcheck") / DB_FILE


def resolve_path(option: Path | None = None) -> Path:
    """--db, else CLIENTCHECK_DB, else the user data dir."""
    if option is not None:
        return option
    env = os.environ.get(DB_ENV, "").strip()
    return Path(env).expanduser() if env else default_path()


def _not_utf8(text: str) -> bool:
    return any(0xD800 <= ord(c) <= 0xDFFF for c in text)  # bytes that were not UTF-8, as Python keeps them


def client_key(name: str) -> str:
    """How clients are matched: "ACME", "acme" and " ACME " are one client."""
    if _not_utf8(name):
        from clientcheck.i18n import say

        raise UsageError(say("history.client.reason.not_utf8"))
    return " ".join(name.split()).casefold()


def check_client_name(name: str) -> str:
    """The name as it will be stored; a ClientNameError for a name that cannot be one."""
    clean = " ".join(name.split())
    if not clean:
        raise ClientNameError("empty")
    if len(clean) > MAX_CLIENT_CHARS:
        raise ClientNameError("long")
    if any(ord(c) < 32 or 0x7F <= ord(c) < 0xA0 or c in _BIDI_CONTROLS for c in clean):
        raise ClientNameError("controls")
    if _not_utf8(clean):
        raise ClientNameError("not_utf8")
    return clean


def create_private(path: Path) -> None:
    """Create the database file owner-only (0600) before SQLite opens it: it holds notes about
    clients. SQLite gives its -wal and -shm files the same permissions."""
    with contextlib.suppress(FileExistsError):  # another clientcheck created it first
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
