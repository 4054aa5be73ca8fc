"""The answers as read of the Parquet rows DuckDB leaves to the ordinary way, from a query of their own.

A row whose answers fail the SQL checks, or which the format would write otherwise than DuckDB
(a client's name csv quotes, a fractional score), is scored or refused in Python, in its place,
from its answers as read. Carried as a column of the records query, those answers cost DuckDB
0.5 s a million rows (8 % of the run; bench/run.py), though few rows, often none, need them. So
the records query leaves them out, and the first such row starts records.leftovers_query, which
runs only the checks and yields these rows alone, in file order, from that row on (the row groups
before it are not read); each row is taken from it as the records reach it.

A file read twice must be the same file both times, and the two queries must leave out the same
rows: both read the file through one descriptor, opened before the file is first read (pinned(),
where Linux's /proc/self/fd has it), so a file replaced meanwhile is not read in its new version,
and both take one day (conditions may read it). The second query runs in a DuckDB of its own,
on one thread: it needs the row groups the first is reading, and two scans of a file of long texts
would not fit the first one's memory limit together.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterator
from typing import Any

from clientcheck.sql.guard import Stopped, Watched, caught

BATCH = 1024  # rows of answers fetched at a time: a row goes the ordinary way at 50 µs or more


class Leftovers:
    """The rows of one Parquet file that the records query left out, by line, in file order.
    `query` makes the text when it is first needed; `path` is where it reads the file; `connect`
    opens the DuckDB it runs in (one thread)."""

    def __init__(self, query: Callable[[], str], path: str, connect: Callable[[], Any]) -> None:
        self._query = query
        self._path = path
        self._connect = connect
        self._con: Any = None
        self._batches: Iterator[Any] | None = None
        self._lines: list[int] = []
        self._answers: list[dict[str, Any]] = []
        self._at = 0

    def values(self, line: int) -> list[Any]:
        """The answers of the row at `line`, in the order of the file's columns."""
        if self._batches is None:
            if self._con is None:
                with caught():
                    self._con = self._connect()
            # from the first row left out on: the row groups before it are not read (the names
            # are sources.PATH and SKIP; sources.py would import sqlglot, which a kept query spares)
            params: dict[str, Any] = {"path": self._path, "skip": line - 1}
            self._batches = Watched(self._con, self._query(), params).to_arrow_reader(BATCH)
        while True:
            if self._at == len(self._lines):
                batch = next(self._batches, None)
                if batch is None:
                    break
                self._lines = batch.column(0).to_pylist()
                self._answers = batch.column(1).to_pylist()  # a dict a row, at once
                self._at = 0
                continue
            n = self._at
            if self._lines[n] > line:
                break
            self._at += 1
            if self._lines[n] == line:
                return list(self._answers[n].values())
        # both queries decide which rows are left out by one expression (records.written), on
        # one file and one day: a row one leaves out and the other does not is a file changed
        # where it lies while it was read (or DuckDB's fault), and stops the file
        raise Stopped(f"row {line} was not found among the rows left out")

    def close(self) -> None:
        if self._con is not None:
            self._con.close()


def pinned(path: str) -> tuple[str, int | None]:
    """A name of the regular file `path` names now, and the descriptor that keeps it so (its
    caller closes it): /proc/self/fd/N (Linux). Elsewhere, or for what cannot be opened or is
    not a regular file (DuckDB will say what is wrong), the path itself."""
    if not os.path.isdir("/proc/self/fd"):
        return path, None
    try:
        fd = os.open(path, os.O_RDONLY)
    except (OSError, ValueError):
        return path, None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        return path, None
    return f"/proc/self/fd/{fd}", fd
