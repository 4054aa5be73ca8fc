"""The records of a JSON Lines or CSV input as one stream of Arrow batches, for one DuckDB query.

DuckDB reads the stream in its own threads (the main thread too, while it waits for results),
so everything here is shared between threads: the records held until their results are written
under one lock, the input read by one thread at a time under another. A failure while the
input is read (a read, a CSV header, a bug, a Ctrl-C) ends the stream and is kept in `failed`,
for the caller to raise after the records before it are written: raised in DuckDB's reading, it
would come back as DuckDB's own error, and the records after it would be lost without a word.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Iterator
from typing import Any

import pyarrow as pa

from clientcheck.errors import ClientcheckError

Record = tuple[int, bytes] | ClientcheckError  # (line, text), or the error read in a record's place

# Records per Arrow batch: about 3 MB of text for the usual records (16,384: as fast, and 100 MB
# more at the peak). A batch is also cut at BATCH_BYTES, so long lines do not make it big: DuckDB
# reads two or three batches ahead of its results, and its memory limit does not count them.
BATCH = 4096
BATCH_BYTES = 4 << 20


class Feed:
    """Records as Arrow batches of (line, text) for DuckDB, each held until its result is
    written: a record SQL did not pass is taken from here by its place in the input (its
    ordinal), and an error read in a record's place is a row whose text is NULL."""

    SCHEMA = pa.schema([("line", pa.int64()), ("raw", pa.string())])

    def __init__(self, records: Iterator[Record]) -> None:
        self.records = records
        self.held: deque[Held] = deque()
        self.lock = threading.Lock()  # self.held: filled in DuckDB's threads, read in the main one
        self.reading = threading.Lock()  # self.records: one thread at a time
        self.next = 0  # the ordinal of the next record read
        self.written = 0  # the ordinal of the first record whose result is not written yet
        self.failed: BaseException | None = None  # what ended the input early (a Ctrl-C too)
        self.stopped = False  # the rest is read the Python way (rest())

    def batches(self) -> Iterator[Any]:
        try:
            while not self.stopped:
                with self.reading:
                    held = self._read()
                if held is None:
                    return
                yield held.batch()
        except (Exception, KeyboardInterrupt) as exc:  # as in _read (not GeneratorExit: a close)
            self.failed = exc

    def _read(self) -> Held | None:
        """The next batch's records, held as they are read: a stop in between loses none."""
        if self.failed is not None or self.stopped:
            return None
        held = Held(self.next)
        with self.lock:
            self.held.append(held)
        size = 0
        try:
            for record in self.records:
                held.records.append(record)
                self.next += 1
                size += len(record[1]) if isinstance(record, tuple) else 0
                if len(held.records) >= BATCH or size >= BATCH_BYTES:
                    break
        except (Exception, KeyboardInterrupt) as exc:  # a Ctrl-C too: raised again by the caller
            self.failed = exc
        return held if held.records else None

    def stop_if_pressed(self) -> None:
        """Raise the Ctrl-C pressed while DuckDB read the input, if one was."""
        if isinstance(self.failed, KeyboardInterrupt):
            raise self.failed

    def matches(self, ordinal: int, lines: Any) -> bool:
        """Whether these lines (an Arrow array) are those given to DuckDB from this record on."""
        expected: list[Any] = []
        count = 0
        with self.lock:
            self._release(ordinal)
            for held in self.held:
                if held.lines is None or count >= len(lines):
                    break
                part = held.lines.slice(max(ordinal - held.start, 0))
                expected.append(part)
                count += len(part)
        if count < len(lines):
            return False
        joined = expected[0] if len(expected) == 1 else pa.concat_arrays(expected)
        return bool(joined.slice(0, len(lines)).equals(lines))

    def entry(self, ordinal: int) -> Record:
        with self.lock:
            self._release(ordinal)
            held = self.held[0]
            return held.records[ordinal - held.start]

    def done(self, ordinal: int) -> None:
        """The results of the records before this one are written: they are let go."""
        self.written = ordinal
        with self.lock:
            self._release(ordinal)

    def _release(self, ordinal: int) -> None:
        held = self.held
        while len(held) > 1 and held[1].start <= ordinal:
            held.popleft()

    def rest(self) -> Iterator[Record]:
        """After a stop: the records whose results are not written, those held, then the rest
        of the input (unless it failed)."""
        self.stopped = True
        with self.reading, self.lock:  # a batch DuckDB's thread is reading is finished first
            held, ordinal = list(self.held), self.written
            self.held.clear()
        for batch in held:
            yield from batch.records[max(ordinal - batch.start, 0) :]
        if self.failed is not None:
            return
        # held while this yields: DuckDB's threads are done with the stream by now (the query
        # stopped, its cursor closed), and a stream DuckDB would still read ends at `stopped`
        with self.reading:
            try:
                yield from self.records
            except Exception as exc:  # as in _read; a Ctrl-C here is the main thread's own
                self.failed = exc


class Held:
    """Records read for DuckDB: `start`, the ordinal of the first; `lines`, as DuckDB got them."""

    __slots__ = ("lines", "records", "start")

    def __init__(self, start: int) -> None:
        self.start = start
        self.records: list[Record] = []
        self.lines: Any = None

    def batch(self) -> Any:
        batch = _arrow(self.records, self.start)
        self.lines = batch.column(0)
        return batch


def _arrow(records: list[Record], start: int) -> Any:
    """Records as an Arrow batch of (line, text); an error's text is NULL, and so is a text that
    is not UTF-8 (the ordinary way says so). `start`: the first record's ordinal."""
    lines = [_line_of(r, start + n) for n, r in enumerate(records)]
    raws = [None if isinstance(r, ClientcheckError) else r[1] for r in records]
    try:
        texts = pa.array(raws, pa.binary()).cast(pa.string())  # checks the UTF-8 in one go
    except pa.ArrowInvalid:
        texts = pa.array([_utf8(raw) for raw in raws], pa.string())
    return pa.record_batch([pa.array(lines, pa.int64()), texts], schema=Feed.SCHEMA)


def _line_of(record: Record, ordinal: int) -> int:
    """The record's line; for an error without one, a number no line has (-1 - its ordinal): the
    order check (Feed.matches) tells every row of the stream from every other by this column."""
    if isinstance(record, ClientcheckError):
        return record.mark.line if record.mark is not None else -1 - ordinal
    return record[0]


def _utf8(raw: bytes | None) -> str | None:
    try:
        return raw.decode("utf-8") if raw is not None else None
    except UnicodeDecodeError:
        return None


__all__ = ["BATCH", "BATCH_BYTES", "Feed", "Record"]
