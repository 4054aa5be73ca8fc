"""An on-disk cache of loaded catalogs.

Reading and checking the rules and questions costs more than the rest of a `check` together:
importing the loader and PyYAML, parsing ~1,000 lines of YAML, validating them and compiling
every condition. A pickled Catalog reads back in about a millisecond. An entry is used only
while every file the load read has the same bytes, every questions folder it listed has the
same names in it, and the clientcheck code that builds catalogs is unchanged; an entry that is
missing, stale or unreadable is simply rebuilt. The cache lives in the user
cache folder (XDG_CACHE_HOME on Linux); CLIENTCHECK_NO_CACHE=1 turns it off.

Entries are pickles in the user's own cache folder: as trusted as the user's own files, and
only ever written by this module.
"""

from __future__ import annotations

import hashlib
import os
import pickle
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
        with open(path, "rb") as f:
            return hashlib.sha256(f.read()).hexdigest()
    except OSError:
        return None


def _code_files() -> list[str]:
    """The modules a catalog is built by: a change to any of them changes what a load gives."""
    here = Path(__file__).resolve().parent
    return sorted(str(p) for p in here.glob("*.py"))


def _entry(rules: Path, questions: Path) -> Path:
    # paths are shown relative to the working folder, so it is part of what was loaded
    key = repr((FORMAT, __version__, sys.version, os.getcwd(), str(rules.absolute()), str(questions.absolute())))
    return cache_dir() / f"{hashlib.sha256(key.encode()).hexdigest()[:32]}.pickle"


def _read(entry: Path) -> Catalog | None:
    try:
        with open(entry, "rb") as f:
            fmt, stamps, catalog = pickle.load(f)
    except Exception:  # missing, half-written by a crashed run, or from other code: rebuild
        return None
    if fmt != FORMAT or any(_stamp(path, code) != stamp for path, code, stamp in stamps):
        return None
    return catalog  # type: ignore[no-any-return]


def _write(entry: Path, watched: list[str], catalog: Catalog) -> None:
    stamps = [(path, False, _stamp(path)) for path in dict.fromkeys(watched)]
    stamps += [(path, True, _stamp(path, code=True)) for path in _code_files()]
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
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
