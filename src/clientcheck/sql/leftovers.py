"""The answers as read of the Parquet rows DuckDB leaves to the ordinary way, from a query of their own.

A row whose answers fail the SQL checks, or which the format would write otherwise than DuckDB
(a client's name csv quotes, a fractional score), is scored or refused in Python, in its place,
from its answers as read. Carried as a column of the records query, those answers cost DuckDB
0.5 s a million rows (8 % of the run; bench/run.py), though few rows, often none, need them. So
the records query leaves them out, and the first such row starts records.leftovers_query, which
runs only the checks and yields these rows alone, in file order (a file is scanned the same way
twice); each row is taken from it as the records reach it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from clientcheck.sql.guard import Stopped, Watched

BATCH = 1024  # rows of answers fetched at a time: a row goes the ordinary way at 50 µs or more


class Leftovers:
    """The rows of one Parquet file that the records query left out, by line, in file order.
    `query` makes the text when it is first needed; `params` are its parameters (the file)."""

    def __init__(self, con: Any, query: Callable[[], str], params: dict[str, str]) -> None:
        self._con = con
        self._query = query
        self._params = params
        self._cursor: Any = None
        self._batches: Iterator[Any] | None = None
        self._lines: list[int] = []
        self._answers: list[dict[str, Any]] = []
        self._at = 0

    def values(self, line: int) -> list[Any]:
        """The answers of the row at `line`, in the order of the file's columns."""
        if self._batches is None:
            self._cursor = self._con.cursor()
            self._batches = Watched(self._cursor, self._query(), self._params).to_arrow_reader(BATCH)
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
        # both queries decide which rows are left out by one expression (records.written): a
        # row one leaves out and the other does not is DuckDB's fault, and stops the file
        raise Stopped(f"row {line} was not found among the rows left out")

    def close(self) -> None:
        if self._cursor is not None:
            self._cursor.close()
