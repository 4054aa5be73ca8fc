"""`clientcheck check` through an embedded DuckDB: Parquet, and JSON Lines or CSV with --engine duckdb.

The rules run as the query of gen.Plan, in DuckDB, on every core. In front of it a layer reads
and checks the answers (for JSON Lines: parses each line with DuckDB's JSON functions; for
Parquet: the typed columns); behind it, for `--format jsonl`, a layer writes each client's
`clientcheck.result/2` record from pieces prepared once per rule level by render/jsonl.py, so
the records are byte for byte those of the Python path. Other formats get the rule outcomes and
build the batch's compact results (compiled.Result) from them.

A row the SQL check does not pass (a wrong answer, an unknown key, broken JSON, a text it would
escape differently) is not dropped: it goes the ordinary way (answers.validate + evaluate) in its
place in the output, which either scores it or reports it as FILE:LINE: message, exactly as the
Python path does. So the SQL check only has to be right about what it passes.

Lines of JSON Lines and rows of CSV are read by clientcheck (so line numbers, byte order marks,
CSV conventions and messages are the usual ones) and handed to DuckDB as a stream of Arrow
batches (Feed), read by one query: planned once, not once a batch (a fifth of a second each).
"""

from __future__ import annotations

import json
import os
import sys
from collections import Counter
from collections.abc import Iterator, Sequence
from functools import partial
from typing import Any

import duckdb
import orjson
import pyarrow as pa

from clientcheck.batch import Runner, Sink
from clientcheck.compiled import Result
from clientcheck.errors import ClientcheckError, Mark
from clientcheck.functions import today
from clientcheck.i18n import say
from clientcheck.model import CLIENT_KEY, Catalog, Rule
from clientcheck.readers import MAX_ROW_BYTES, Source, jsonl_lines, may_not_end
from clientcheck.sql import coltypes, saved
from clientcheck.sql.feed import Feed, Record
from clientcheck.sql.guard import Stopped, Watched, caught
from clientcheck.sql.leftovers import Leftovers, pinned
from clientcheck.sql.rows import Rows

FETCH = 8192  # result rows fetched at a time: the output of a batch is a few megabytes
# ... for the formats Python writes from the outcomes (40 to 650 µs a row): a Ctrl-C ends the
# run once the batch in hand is written, as for JSON Lines, and this keeps that under a second
FETCH_OUTCOMES = 1024
# What a Parquet query may hold of its results, waiting to be read. DuckDB scans a file a row
# group at a time, one per thread, and hands the results over in file order: with its default
# (10 MB, less than one row group's records) the second thread soon waits for the first and
# the query runs on one core. This lets it work ahead on most of a 122,880-row group (DuckDB's
# own) while memory stays bounded (360 to 430 MB at the peak for 1,000,000 clients, bench/run.py).
STREAM_BUFFER = "100MB"


def connect(threads: int | None = None) -> Any:
    """A DuckDB for clientcheck's queries: results in input order, a bounded memory (it spills to
    disk rather than grow past it). join_order is off: the query's one join is with a one-row
    table (lookup.py), and that optimizer walks every expression to find out, 0.04 s a query.
    The allocator's own threads hand freed memory back to the system: else each worker does
    after each task, and the next records take it back a page at a time (a third of the system
    time of a million clients' records; docs/sql.md, Speed)."""
    config: dict[str, str | bool | int | float | list[str]] = {"preserve_insertion_order": True}
    config["memory_limit"] = "256MB"
    config["disabled_optimizers"] = "join_order"
    config["allocator_background_threads"] = True
    if threads is not None:
        config["threads"] = threads
    return duckdb.connect(config=config)


def _joined(records: Any) -> bytes | memoryview:
    """A batch of records (each ends with a line break) as one piece of output: for a plain
    Arrow string array the records already lie end to end in its data buffer, which is written
    as it is, not copied first (1.4 GB for a million clients)."""
    if type(records).__name__ == "StringArray" and len(records):
        _, offsets_buffer, data = records.buffers()
        offsets = memoryview(offsets_buffer).cast("i")  # int32 offsets into the data buffer
        start, end = offsets[records.offset], offsets[records.offset + len(records)]
        return memoryview(data)[start:end]
    return "".join(records.to_pylist()).encode("utf-8")


class DuckRunner(Runner):
    """batch.Runner with JSON Lines, CSV and Parquet scored in DuckDB; YAML and JSON answers
    files (one client each) the usual way."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.con = connect()
        self.filled = filled = self.seller.values if self.seller is not None else None  # as batch.Runner takes it
        self.layout = Rows(self.catalog, self.rules, all_raw=self.sink.needs_verdict, filled=filled)
        self.queries: dict[tuple[Any, ...], str] = {}
        # DuckDB writes the output itself: the records of --format jsonl, the rows of csv and tsv
        self.records = None if self.sink.needs_verdict else getattr(self.sink, "record_format", None)
        self.row_format = None if self.sink.needs_verdict else getattr(self.sink, "row_format", None)
        self.fused = False  # for the input in hand (_start)
        self.head = ""

    # -- inputs

    def _run(self, sources: Any) -> int:
        try:
            return super()._run(sources)
        finally:
            self.con.close()

    def _answers_file(self, source: Source) -> None:
        if source.format == "parquet":
            self._parquet(source)
        else:
            super()._answers_file(source)

    def _csv_rows(self, source: Source, reader: Any) -> None:
        # the rows are read by clientcheck's CSV reader (its conventions, its messages) and
        # scored in DuckDB as JSON
        def records() -> Iterator[Record]:
            for line, record in reader.rows():
                if isinstance(record, ClientcheckError):
                    yield record
                    continue
                try:
                    text = orjson.dumps(record)
                except TypeError:  # a whole number past 64 bits: the standard library writes it whole
                    text = json.dumps(record, ensure_ascii=False).encode("utf-8")
                yield line, text

        self._score_json(source, records())

    def _jsonl_stream(self, source: Source, pieces: Iterator[bytes], line: int = 0, start: bool = True) -> None:
        """Runner._jsonl opens the input, reports a failed read and closes it; here its lines are
        scored in DuckDB. A read that fails costs the rest of that input only: the lines before
        it are scored first, as the Python path has scored them."""

        def lines(line: int) -> Iterator[Record]:
            for item in jsonl_lines(pieces, source, line, start=start):
                if isinstance(item, ClientcheckError):  # a line too long to hold: in its place
                    yield item
                    continue
                line, raws, size = item
                # one writer at a time (the stream is read under Feed.reading); the main thread
                # only reads it, for the progress line
                self.done += size
                for raw in raws:
                    line += 1
                    yield line, raw

        self._score_json(source, lines(line))

    # -- scoring

    def _query(
        self,
        kind: str,
        columns: Sequence[str],
        types: dict[str, str] | None = None,
        leftovers: bool = False,
        day: str | None = None,
    ) -> str:
        """The query for this kind of input and these columns: kept from earlier in the run, else
        from the cache (saved.py), else built (records.py) and kept in both. `leftovers`: the
        query of the rows the records query leaves to the ordinary way (leftovers.py)."""
        day = day or today().isoformat()  # conditions read it: a file's two queries take one day
        memo = (kind, tuple(columns), tuple((types or {}).items()), self.fused, leftovers, day)
        found = self.queries.get(memo)
        if found is not None:
            return found
        # what the text depends on besides the rules: Encoder.head's shape (of a name it is the
        # query's $head), the tail (the rules' digest), the day
        shape: tuple[Any, ...] = (kind, columns, types, self._raw, self.sink.needs_verdict, day)
        shape += ("leftovers",) if leftovers else ()
        if self.fused and self.records is not None:
            shape += (self.records.head(""), self.records.tail)
        elif self.fused and self.row_format is not None:
            shape += ("rows", self.row_format.separator)
        name = saved.key(self.catalog, self.rules, self.filled, *shape)
        text = saved.read(name)
        if text is None:
            text = self._build(kind, columns, types, leftovers, day)
            saved.write(name, text)
        self.queries[memo] = text
        return text

    def _build(self, kind: str, columns: Sequence[str], types: dict[str, str] | None, leftovers: bool, day: str) -> str:
        """The query's text, printed by sqlglot from the tree records.py builds."""
        from clientcheck.sql.nodes import alias, col, ident
        from clientcheck.sql.records import Layout
        from clientcheck.sql.sources import json_source, parquet_source

        layout = Layout(self.catalog, self.rules, all_raw=self.sink.needs_verdict, filled=self.filled)
        # the answers as read, for the rows that take the ordinary way: where DuckDB writes the
        # output, they come from a query of their own (leftovers.py)
        raw = self._raw if leftovers or not self.fused else ()
        if types is None:
            source = json_source(self.catalog)
        else:
            source = parquet_source(self.catalog, types, skip=leftovers)
            source = source.select(*(alias(col(c), ident("cc_raw_" + c)) for c in raw), copy=False)
        plan = layout.plan(source, columns, answered=kind == "json", raw=raw, day=day)
        separator = self.row_format.separator if self.records is None and self.row_format is not None else None
        if leftovers:
            return layout.leftovers_query(plan, raw, separator)
        if self.fused and self.records is not None:
            return layout.records_query(plan, self.records.tail)
        if self.fused and separator is not None:
            return layout.records_query(plan, b"", separator)
        return layout.outcomes_query(plan, raw)

    def _start(self, source: Source) -> None:
        """Whether DuckDB writes this input's records or rows itself, and how each starts. A name
        the output takes only through an error handler, which a stream without one would refuse
        (a file name that was not UTF-8), leaves them to the sink, as on the Python path."""
        head = None
        try:
            if self.records is not None:
                head = self.records.head(source.name).decode("utf-8")
            elif self.row_format is not None:
                head = self.row_format.row_head(source.name).decode("utf-8")
        except UnicodeError:
            head = None
        self.fused, self.head = head is not None, head or ""

    def _params(self, source: Source, **more: str) -> dict[str, str]:
        """The query's parameters: the start of each record ($head), where DuckDB writes them."""
        if self.fused:
            more["head"] = self.head
        return more

    _raw: Sequence[str] = ()
    leftovers: Leftovers | None = None  # of the Parquet file in hand, where DuckDB writes the output

    def _score_json(self, source: Source, records: Iterator[Record]) -> None:
        """All of an input's records in one query: DuckDB reads them as they are read (Feed), so
        the query is planned once. A failure of the input itself (a read, a CSV header) is raised
        here, after the records before it are written."""
        feed = Feed(records)
        self._raw = ()
        self._start(source)
        query = self._query("json", [CLIENT_KEY, *self.catalog.questions])
        # A pipe may wait for its writer: read in another thread of DuckDB's, it would keep a
        # Ctrl-C from the main thread (waiting in DuckDB) until the writer writes. So DuckDB reads
        # it in the main thread, on one core; a file never waits long, and gets every core.
        threads = None
        if may_not_end(source):
            threads = self.con.execute("SELECT current_setting('threads')").fetchall()[0][0]
            self.con.execute("SET threads = 1")
        cursor = self.con.cursor()  # a cursor of its own: the stream is its `batch` table
        watched = None
        try:
            with caught():
                cursor.register("batch", pa.RecordBatchReader.from_batches(Feed.SCHEMA, feed.batches()))
            watched = Watched(cursor, query, self._params(source))
            self._emit(source, watched, feed, raw_columns=())
        except Stopped:  # what DuckDB did not get to goes the Python way: nothing is lost
            cursor.close()  # DuckDB stops reading the stream first (closing twice does no harm)
            if not isinstance(feed.failed, KeyboardInterrupt):  # a Ctrl-C while DuckDB read the input
                for entry in feed.rest():
                    self._entry(entry, source.name)
                self._count(self.verdicts)
        finally:
            cursor.close()
            if threads is not None:
                self.con.execute(f"SET threads = {int(threads)}")
        self.sink.flush()
        if feed.failed is not None:
            raise feed.failed

    def _entry(self, entry: Record, name: str) -> None:
        """A record SQL did not score, the way the Python path takes it, or the error in its place."""
        if isinstance(entry, ClientcheckError):
            self._bad(entry)
        else:
            self._line(entry[1], entry[0], name)

    def _parquet(self, source: Source) -> None:
        if may_not_end(source) and os.path.exists(source.path):
            # a FIFO or a device: DuckDB would wait in its own thread to open it (a Ctrl-C could
            # not end that wait) and could not seek in it anyway
            self._bad(ClientcheckError(say("sql.parquet_not_file", name=source.name)))
            return
        # the file as it is now, for every query of it (one replaced during the run is not read
        # in two versions), under a name DuckDB takes as it is: it cannot take one that was not
        # UTF-8 (os.fsdecode's lone surrogates), and it reads * ? [ ] in one as a pattern
        path, fd = pinned(str(source.path))
        try:
            self._parquet_at(source, path)
        finally:
            if fd is not None:
                os.close(fd)

    def _parquet_at(self, source: Source, path: str) -> None:
        """A Parquet file, read by DuckDB from `path`."""
        try:
            with caught():
                described = self.con.execute(
                    "SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet(?))", [path]
                ).fetchall()
            names = coltypes.column_names(self.con, path)
        except Stopped as exc:
            said = exc.problem.replace(path, str(source.path))  # DuckDB's words name the file
            self._bad(ClientcheckError(say("sql.not_parquet", name=source.name, problem=said)))
            return
        if len(names) != len(described):  # a schema read otherwise than DESCRIBE reads it: DuckDB's names
            names = [str(name) for name, _ in described]
        twice = coltypes.twice(names, source.name)
        types = {name: str(kind) for name, (_, kind) in zip(names, described, strict=True)}
        problems = twice + coltypes.problems(self.catalog, types, source.name)
        if problems:  # as a CSV header with an unknown column: the whole file is bad, nothing written
            for problem in problems:
                self.reporter.bad(problem)
            self.stats.bad += 1
            return
        columns = list(types)
        self._raw = columns
        self._start(source)
        day = today().isoformat()  # the file's two queries take one day
        query = self._query("parquet", columns, types, day=day)
        cursor = self.con.cursor()
        watched = None
        try:
            if self.fused:  # the rows DuckDB leaves to the ordinary way come from a query of their own
                query_of_leftovers = partial(self._query, "parquet", columns, types, True, day)
                self.leftovers = Leftovers(query_of_leftovers, path, partial(connect, threads=1))
            with caught():
                cursor.execute(f"SET streaming_buffer_size = '{STREAM_BUFFER}'")  # a cursor's own setting
            watched = Watched(cursor, query, self._params(source, path=path))
            self._emit(source, watched, None, raw_columns=columns)
        except Stopped as exc:  # the rows before it are written; the rest of this file is lost
            rows = exc.rows if exc.rows is not None else watched.rows if watched is not None else 0
            key = "sql.stopped" if rows else "sql.failed"
            said = exc.problem.replace(path, str(source.path))
            self._bad(ClientcheckError(say(key, name=source.name, rows=rows, problem=said)))
        finally:
            cursor.close()
            if self.leftovers is not None:
                self.leftovers.close()
                self.leftovers = None
        self.sink.flush()

    def _emit(self, source: Source, cursor: Any, feed: Feed | None, raw_columns: Sequence[str]) -> None:
        """Write the results in input order; rows the SQL did not pass go the ordinary way.
        feed: the records as read (JSON Lines, CSV), the n-th result row the n-th of them;
        without it (Parquet) the answers as read come with the row."""
        reader = cursor.to_arrow_reader(FETCH if self.fused else FETCH_OUTCOMES)
        stats = self.stats
        tick = self.reporter.progress.tick
        fused = self.fused
        first = 0  # the ordinal of a batch's first row
        for batch in reader:
            if feed is not None and not feed.matches(first, batch.column(0)):
                # DuckDB would hand a stream over in its order; should it not, nothing of it is
                # written out of place: the rest goes the Python way, from this row on
                raise Stopped("results out of order")  # not shown: the rest is scored, not lost
            if fused:
                self._emit_records(source, batch, feed, first, raw_columns)
            else:
                self._emit_results(source, batch, feed, first, raw_columns)
            first += batch.num_rows
            if feed is not None:
                feed.done(first)
                feed.stop_if_pressed()  # what is written stays; the batches DuckDB holds are not
            tick(stats.scored, stats.bad, self.done or None)
            self.sink.flush()  # a batch at a time: memory stays flat for any number of rows

    def _emit_records(
        self, source: Source, batch: Any, feed: Feed | None, first: int, raw_columns: Sequence[str]
    ) -> None:
        records, codes = batch.column(1), batch.column(2)
        write = self.sink.write_bytes  # after what the sink holds
        if codes.null_count == 0:
            self._count_codes(codes)  # every row DuckDB's
            write(_joined(records))  # while the batch is alive
            return
        texts, listed = records.to_pylist(), codes.to_pylist()
        start = n = 0
        try:
            for n, code in enumerate(listed):
                if code is not None:  # DuckDB's record; without a code, the row goes the ordinary way
                    continue
                if n > start:
                    write("".join(texts[start:n]).encode("utf-8"))
                self._not_passed(source, batch, n, feed, first, raw_columns, 3)  # Parquet: leftovers.py
                start = n + 1
        except Stopped as exc:  # the rows from this one on are neither written nor counted
            self._tally(listed[:n])
            raise Stopped(exc.problem, rows=first + n) from exc
        if start < len(texts):
            write("".join(texts[start:]).encode("utf-8"))
        self._tally(listed)  # the rows DuckDB wrote, and what the ordinary way scored

    def _count_codes(self, codes: Any) -> None:
        """Tally verdict, worst and best of a batch's records from their codes (Runner.verdicts).
        numpy, which pyarrow has loaded, counts a batch without NULLs; pyarrow.compute would
        cost a twentieth of a second to import, more than a run of a few thousand clients."""
        np = sys.modules.get("numpy")
        if np is None or codes.null_count:
            self._tally(codes.to_pylist())
            return
        for code, n in enumerate(np.bincount(codes.to_numpy(), minlength=len(self.verdicts)).tolist()):
            self.verdicts[code] += n
        self._count(self.verdicts)

    def _tally(self, codes: list[int | None]) -> None:
        """Count the codes of records DuckDB wrote (a row without one went the ordinary way and
        is in Runner.verdicts already), and move all to the stats."""
        for code, n in Counter(codes).items():
            if code is not None:
                self.verdicts[code] += n
        self._count(self.verdicts)

    def _emit_results(
        self, source: Source, batch: Any, feed: Feed | None, first: int, raw_columns: Sequence[str]
    ) -> None:
        columns = [c.to_pylist() for c in batch.columns]
        width = len(columns) - len(raw_columns)
        rows = list(zip(*columns[:width], strict=True))  # a tuple per row, made at once
        for n in range(batch.num_rows):
            line = columns[0][n]
            if not columns[1][n]:
                self._not_passed(source, batch, n, feed, first, raw_columns, width)
                continue
            r = self.layout.result(rows[n])
            if self.sink.needs_verdict:
                if feed is None:  # the answers as read: the batch's columns from `width` on
                    self._full(
                        source, r, line, coltypes.answers(self.catalog, raw_columns, [c[n] for c in columns[width:]])
                    )
                    continue
                entry = feed.entry(first + n)
                try:
                    data = orjson.loads(entry[1]) if isinstance(entry, tuple) else None
                except orjson.JSONDecodeError:
                    data = None
                if data.__class__ is dict:
                    self._full(source, r, line, data)
                else:  # DuckDB took a text Python does not: Python's word, for this record
                    self._entry(entry, source.name)
            else:
                self._result(r, line)
        self._count(self.verdicts)  # what the ordinary way scored

    def _full(self, source: Source, r: Result, line: int, data: dict[str, Any]) -> None:
        """A scored row with its answers as read, for a format that shows them."""
        from clientcheck.answers import validate

        try:
            answers = self._filled(validate(data, self.catalog, source.name))  # the SQL check passed them: valid
        except ClientcheckError as exc:  # unless SQL and Python disagree: Python's word, for this row only
            self._bad(exc)
            return
        verdict = self.layout.verdict(r, answers)
        self.stats.tally(r, self.sink.counts_flags)
        self.sink.add_verdict(verdict, r, line)

    def _not_passed(
        self, source: Source, batch: Any, n: int, feed: Feed | None, first: int, raw_columns: Sequence[str], at: int
    ) -> None:
        """Row n of a batch, which the SQL did not pass, the ordinary way: a record from the
        feed as the Python path takes it, or a Parquet row's answers (from column `at` on)."""
        if feed is not None:
            self._entry(feed.entry(first + n), source.name)
        else:
            self._ordinary(source, batch.column(0)[n].as_py(), batch, n, raw_columns, at)

    def _ordinary(self, source: Source, line: int, batch: Any, n: int, raw_columns: Sequence[str], at: int) -> None:
        """A Parquet row the ordinary way, from its answers as read (a column each from `at` on, or
        where DuckDB writes the output, leftovers.py's): scored in Python, or reported as bad."""
        try:
            if self.leftovers is not None:
                values = self.leftovers.values(line)
            else:
                values = [batch.column(at + k)[n].as_py() for k in range(len(raw_columns))]
            data = coltypes.answers(self.catalog, raw_columns, values)
            if coltypes.text_size(data) > MAX_ROW_BYTES:  # as a line of JSON Lines or a row of CSV
                raise ClientcheckError(say("readers.row_too_long", kb=MAX_ROW_BYTES // 1000), Mark(source.name, line))
            if not self._compiled(data, line):  # as a line of JSON Lines: the careful way if need be
                self._careful(data, source.name, line)
        except ClientcheckError as exc:
            self._bad(exc)


def run_check(
    sources: list[Source],
    catalog: Catalog,
    rules: Sequence[Rule],
    sink: Sink,
    reporter: Any,
    seller: Any = None,
) -> Runner:
    runner = DuckRunner(catalog, rules, sink, reporter, seller=seller)
    runner.run(sources)
    return runner


__all__ = ["DuckRunner", "run_check"]
