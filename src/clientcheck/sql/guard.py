"""DuckDB's failures while a query runs, caught where they arise and nowhere else.

A query can fail as it is prepared (cursor.sql: a binder error) or while its results stream
(a conversion, a page of a Parquet file that cannot be read, the memory limit). In the stream
DuckDB's error reaches Python as pyarrow's OSError, which the command line would take for a
failed write of standard output (exit 5), and a DuckDB exception would be an internal error
(exit 3). Watched stands for the relation the scoring loop reads: it turns those failures into
Stopped, which the caller reports with the file's name, and it catches them only in DuckDB's own
calls, so a failed write of the output inside the same loop is still that. Ctrl-C while DuckDB
runs is an interruption (exit 130), as anywhere else.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import duckdb
import pyarrow as pa


class Stopped(Exception):
    """DuckDB failed while running a query; `problem` is the first line of what it said, `rows`
    the rows of the input written before it, where not all those DuckDB handed over."""

    def __init__(self, problem: str, rows: int | None = None) -> None:
        super().__init__(problem)
        self.problem = problem
        self.rows = rows


@contextmanager
def caught() -> Iterator[None]:
    """DuckDB's failures in the block as Stopped; its word for a Ctrl-C as KeyboardInterrupt."""
    try:
        yield
    except (duckdb.Error, OSError, RuntimeError, pa.ArrowException) as exc:
        text = str(exc)
        # DuckDB turns the KeyboardInterrupt of a Ctrl-C into one of its own errors (as the query
        # starts: RuntimeError "Query interrupted"; in the stream: "INTERRUPT Error: Interrupted!";
        # raised in Python code DuckDB called, such as a stream it reads: the Python traceback)
        pressed = "interrupted" in text.lower() or "KeyboardInterrupt" in text
        if isinstance(exc, duckdb.InterruptException) or pressed:
            raise KeyboardInterrupt from exc
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        raise Stopped(lines[0] if lines else type(exc).__name__) from exc


class Watched:
    """A query on a cursor, read as Arrow batches; `rows` counts the rows delivered and `last` is
    the first column's value in the last of them (the line number), for what comes after it."""

    def __init__(self, cursor: Any, query: str, params: dict[str, Any] | None = None) -> None:
        self.rows = 0
        self.last: Any = None
        with caught():
            self.relation = cursor.sql(query, params=params or None)

    def to_arrow_reader(self, size: int) -> Iterator[Any]:
        with caught():
            reader = self.relation.to_arrow_reader(size)
        return self._batches(reader)

    def _batches(self, reader: Any) -> Iterator[Any]:
        while True:
            with caught():
                try:
                    batch = reader.read_next_batch()
                except StopIteration:
                    return
            if batch.num_rows:
                self.rows += batch.num_rows
                self.last = batch.column(0)[-1].as_py()
            yield batch
