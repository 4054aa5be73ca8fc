"""An on-disk cache of loaded catalogs.

Reading and checking the rules and questions costs more than the rest of a `check` together:
importing the loader and PyYAML, parsing ~1,000 lines of YAML, validating them and compiling
every condition. A pickled Catalog reads back in about a millisecond. An entry is used only
while every file the load read has the same bytes, every questions folder it listed has the
same names in it, and the clientcheck code that builds catalogs is unchanged; an entry that is
missing, stale or unreadable is simply rebuilt. The cache lives in the user
cache folder (XDG_CACHE_HOME on Linux); CLIENTCHECK_NO_CACHE=1 turns it off.

Entries are pickles, and unpickling can run code: an entry is read only when it and its folder
belong to the user running clientcheck and nobody else may write to them (the folder is made
0700, entries 0600); anything else is ignored and rebuilt, never unpickled.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import stat
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from clientcheck import __version__

if TYPE_CHECKING:
    from clientcheck.model import Catalog

Stamp = object  # what a path looked like: see _stamp
FORMAT = 2  # the layout of an entry: (FORMAT, [(path, is_code, stamp)], catalog)
KEEP = 32  # entries kept (one per working folder and choice of files, ~75 kB each); oldest go first


def cache_dir() -> Path:
    import platformdirs  # Typer has loaded most of what it needs already: cheap here

    return platformdirs.user_cache_path("clientcheck", appauthor=False) / "catalogs"


def _stamp(path: str, code: bool = False) -> Stamp:
    """A folder: the names in it. Our own code: its time and size. A rules or questions file:
    the hash of its bytes, since an edit of the same size within one tick of the file system's
    clock leaves the time as it was."""
    try:
        if os.path.isdir(path):
            return tuple(sorted(os.listdir(path)))
        if code:
            st = os.stat(path)
            return st.st_mtime_ns, st.st_size
        # never blocks: a path that has become a FIFO is simply not the file that was loaded
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        with open(fd, "rb") as f:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                return None
            return hashlib.sha256(f.read()).hexdigest()
    except OSError:
        return None


def _private(st: os.stat_result) -> bool:
    """Owned by this user, and nobody else may write to it."""
    return st.st_uid == os.geteuid() and not st.st_mode & 0o022


def _code_files() -> list[str]:
    """The modules a catalog is built by: a change to any of them changes what a load gives."""
    here = Path(__file__).resolve().parent
    packages = ("loader", "extends", "conditions")  # the packages a load runs through
    return sorted(str(p) for p in (*here.glob("*.py"), *(f for d in packages for f in here.glob(f"{d}/*.py"))))


def _entry(rules: Path, questions: Path) -> Path:
    # paths are shown relative to the working folder, so it is part of what was loaded
    key = repr((FORMAT, __version__, sys.version, os.getcwd(), str(rules.absolute()), str(questions.absolute())))
    return cache_dir() / f"{hashlib.sha256(key.encode()).hexdigest()[:32]}.pickle"


def private_bytes(entry: Path) -> bytes | None:
    """An entry's bytes, if it is a file that belongs to this user in a folder that does, and
    nobody else may write to either (sql/saved.py reads its entries so too)."""
    try:
        if not _private(os.stat(entry.parent)):
            return None  # a folder someone else could have put an entry in: not trusted
        fd = os.open(entry, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return None
    try:
        with open(fd, "rb") as f:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode) or not _private(st):
                return None
            return f.read()
    except OSError:
        return None


def _read(entry: Path) -> Catalog | None:
    data = private_bytes(entry)
    if data is None:
        return None
    try:
        fmt, stamps, catalog = pickle.loads(data)
    except Exception:  # half-written by a crashed run, or from other code: rebuild
        return None
    if fmt != FORMAT or any(_stamp(path, code) != stamp for path, code, stamp in stamps):
        return None
    from clientcheck import model  # imported already: unpickling a Catalog imports its module

    return catalog if isinstance(catalog, model.Catalog) else None


def _write(entry: Path, watched: list[str], catalog: Catalog) -> None:
    stamps = [(path, False, _stamp(path)) for path in dict.fromkeys(watched)]
    stamps += [(path, True, _stamp(path, code=True)) for path in _code_files()]
    try:
        entry.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not _private(os.stat(entry.parent)):
            return  # not ours alone: a cache nobody may trust is not worth writing
        fd, tmp = tempfile.mkstemp(dir=entry.parent, prefix=".tmp-", suffix=".pickle")
        try:
            with os.fdopen(fd, "wb") as f:
                pickle.dump((FORMAT, stamps, catalog), f, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, entry)  # readers see the old entry or the new one, never half of one
        except BaseException:
            os.unlink(tmp)
            raise
        _prune(entry.parent)
    except (OSError, pickle.PicklingError):
        pass  # a read-only or full disk costs speed, never a result


def _prune(folder: Path) -> None:
    """Keep the KEEP most recently written entries."""
    entries = sorted(folder.glob("*.pickle"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
    for old in entries[KEEP:]:
        old.unlink(missing_ok=True)


def load(rules: Path, questions: Path) -> Catalog:
    """The catalog of these files, from the cache when it is still true to them."""
    if not os.environ.get("CLIENTCHECK_NO_CACHE"):
        entry = _entry(rules, questions)
        cached = _read(entry)
        if cached is not None:
            return cached
    from clientcheck.files import watching
    from clientcheck.loader import load_catalog  # only now: it brings PyYAML and the validators

    if os.environ.get("CLIENTCHECK_NO_CACHE"):
        return load_catalog(rules, questions)

    with watching() as watched:
        catalog = load_catalog(rules, questions)
    _write(entry, [str(p) for p in watched], catalog)
    return catalog
