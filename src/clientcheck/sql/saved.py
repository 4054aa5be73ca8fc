"""The DuckDB path's queries kept on disk, as the text sqlglot printed.

Building the query for the bundled rules costs a run more than scoring a few thousand clients:
importing sqlglot (0.1 s) and building and printing the tree (0.2 to 0.3 s). The text depends
only on what it was built from, so a run keeps it, keyed by all of that: the catalog and the
chosen rules (their pickle, which holds every condition), the seller profile's answers, today's
date, the input's kind and its columns (a Parquet file's types), the output's shape, and the
code that builds it (clientcheck's modules and sqlglot's, by time and size). The next run with
the same key reads the text back and never imports sqlglot. The file's name and the input's
name are the query's parameters ($path, $head), so every file of the same columns shares one
entry. Nothing else of the query is written by hand: the text is sqlglot's, as it printed it.

Entries live next to the catalog cache (catalog_cache.py), under the same rules: only in a
folder that is the user's own and nobody else may write to (the text is run by DuckDB, which
can read and write files), each with the hash of its text, checked on reading. An entry that is
missing, damaged, foreign or unreadable is rebuilt; a cache that cannot be written costs speed,
never a result, and says nothing. CLIENTCHECK_NO_CACHE=1 turns it off, as it does the catalogs'.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import pickle
import tempfile
from pathlib import Path
from typing import Any

from clientcheck import __version__
from clientcheck.catalog_cache import _private, cache_dir, private_bytes

FORMAT = b"clientcheck query 1\n"  # an entry: this line, the sha256 of the text, a line break, the text
KEEP = 32  # entries kept (one per catalog, profile, day and kind of input; ~100 kB each); oldest go first
reads = 0  # queries taken from the cache in this process (the tests read it)


def _code() -> list[tuple[str, int, int]]:
    """clientcheck's modules and sqlglot's: a change to any of them may change the text."""
    stamps: list[tuple[str, int, int]] = []
    spec = importlib.util.find_spec("sqlglot")  # found, not imported
    roots = [Path(__file__).resolve().parent.parent]
    if spec is not None and spec.origin:
        roots.append(Path(spec.origin).parent)
    for root in roots:
        stack = [str(root)]
        while stack:
            with os.scandir(stack.pop()) as entries:
                for entry in entries:
                    if entry.is_dir(follow_symlinks=False):
                        if entry.name != "__pycache__" and root == roots[0]:
                            stack.append(entry.path)  # sqlglot's version is in its top folder
                    elif entry.name.endswith(".py"):
                        st = entry.stat()
                        stamps.append((entry.path, st.st_mtime_ns, st.st_size))
    return sorted(stamps)


def _canonical(value: Any) -> Any:
    """A profile's answer as the same bytes in every run: a set pickles in hash order."""
    if isinstance(value, frozenset | set):
        return ("set", tuple(sorted(value)))
    return value


def key(catalog: Any, rules: Any, filled: Any, *shape: Any) -> str | None:
    """The entry's name for a query built from these; None (no cache) when it cannot be told."""
    if os.environ.get("CLIENTCHECK_NO_CACHE"):
        return None
    try:
        profile = sorted((k, _canonical(v)) for k, v in (filled or {}).items())
        data = pickle.dumps(
            (FORMAT, __version__, _code(), catalog, tuple(rules), profile, shape), protocol=pickle.HIGHEST_PROTOCOL
        )
    except Exception:  # a catalog that does not pickle, a folder that cannot be listed: build it
        return None
    return hashlib.sha256(data).hexdigest()[:32]


def folder() -> Path:
    return cache_dir().parent / "queries"


def read(name: str | None) -> str | None:
    """The text kept under this name, if it is there, whole, and ours alone."""
    global reads
    if name is None:
        return None
    data = private_bytes(folder() / f"{name}.sql")  # someone else's could say anything: DuckDB would run it
    if data is None or not data.startswith(FORMAT):
        return None
    digest, _, text = data[len(FORMAT) :].partition(b"\n")
    if hashlib.sha256(text).hexdigest().encode() != digest:
        return None  # cut short or changed since it was written
    try:
        query = text.decode("utf-8")
    except ValueError:
        return None
    reads += 1
    return query


def write(name: str | None, query: str) -> None:
    """Keep the text under this name; a cache that cannot be written is simply not kept."""
    if name is None:
        return
    entry = folder() / f"{name}.sql"
    text = query.encode("utf-8")
    try:
        entry.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not _private(os.stat(entry.parent)):
            return
        fd, tmp = tempfile.mkstemp(dir=entry.parent, prefix=".tmp-", suffix=".sql")  # 0600
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(FORMAT + hashlib.sha256(text).hexdigest().encode() + b"\n" + text)
            os.replace(tmp, entry)  # a reader sees the old entry or the new one, never half of one
        except BaseException:
            os.unlink(tmp)
            raise
        entries = sorted(entry.parent.glob("*.sql"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
        for old in entries[KEEP:]:
            old.unlink(missing_ok=True)
    except OSError:
        pass
