"""Scoring many clients: the batch run behind `clientcheck check` with several inputs.

Records are read, scored and written one at a time, in input order, so memory stays flat for
any number of clients. A record that cannot be read or is not a valid set of answers is
reported on stderr as FILE:LINE: message and skipped; the run goes on, and its exit code says
so (EXIT_BAD_INPUT). Each record takes the compiled fast path when it can (compiled.Engine) and
the ordinary path (answers.validate + evaluate) otherwise, which also gives the messages.
"""

from __future__ import annotations

import io
import os
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import IO, Any

import orjson

from clientcheck.answers import read_answers, validate
from clientcheck.compiled import Engine, Result
from clientcheck.errors import EXIT_BAD_INPUT as EXIT_BAD_INPUT
from clientcheck.errors import EXIT_INTERRUPTED, ClientcheckError, Mark, Problems, batch_exit
from clientcheck.evaluate import evaluate
from clientcheck.formats import Sink as Sink  # re-exported: the sink protocol a Runner writes to
from clientcheck.i18n import t
from clientcheck.model import VERDICTS, Catalog, Rule, Verdict
from clientcheck.readers import MAX_ROW_BYTES, CsvReader, ReadError, Source, chunks, decode_line, open_binary
from clientcheck.terminal import Progress


def _too_long() -> str:
    return f"this line is longer than {MAX_ROW_BYTES // 1000} kB"


TICK = 1024  # records between looks at the clock for the progress line


class Stats:
    """What the summary and the exit code need, in constant memory."""

    def __init__(self, rules: Sequence[Rule]) -> None:
        self.verdicts: Counter[str] = Counter()
        self.reach: Counter[str] = Counter()  # the worst verdict each client could still reach
        self.unsettled = 0  # clients whose verdict could still change
        self.flags: Counter[str] = Counter()
        self.rules = rules
        self.bad = 0

    @property
    def scored(self) -> int:
        return sum(self.verdicts.values())

    def worst(self, reachable: bool = False) -> str | None:
        """The worst verdict of any client (reachable: the worst any client could still come to)."""
        counts = self.reach if reachable else self.verdicts
        return next((v for v in reversed(VERDICTS) if counts[v]), None)

    def top_flags(self, n: int = 5) -> list[tuple[str, int]]:
        order = {r.id: i for i, r in enumerate(self.rules)}
        return sorted(self.flags.items(), key=lambda kv: (-kv[1], order.get(kv[0], 0)))[:n]


class _Said(ClientcheckError):
    """A message a worker process already put into words."""

    def __str__(self) -> str:
        return self.message


class Reporter:
    """stderr: bad records as FILE:LINE: message, the progress line, the closing note."""

    def __init__(self, stream: IO[str] | None, lang: str, quiet: bool, total: int | None) -> None:
        self.stream = stream
        self.lang = lang
        self.quiet = quiet
        self.progress = Progress(None if quiet else stream, t(lang, "batch.progress"), total)

    def bad(self, error: ClientcheckError) -> None:
        self.progress.clear()
        from clientcheck.terminal import strip_controls

        # file names and record text can hold escape sequences: none reaches the terminal
        for line in str(error).splitlines():
            self.say(strip_controls(line))

    def say(self, text: str) -> None:
        if self.stream is None:
            return
        try:
            self.stream.write(text + "\n")
            self.stream.flush()
        except (OSError, ValueError):
            pass  # stderr closed: nowhere left to say it

    def finish(self, stats: Stats) -> None:
        self.progress.clear()
        if stats.bad and not self.quiet:
            self.say(t(self.lang, "batch.skipped", count=stats.bad, total=stats.bad + stats.scored))


class Runner:
    def __init__(
        self,
        catalog: Catalog,
        rules: Sequence[Rule],
        sink: Sink,
        reporter: Reporter,
        engine: Engine | None = None,
    ) -> None:
        self.catalog = catalog
        self.rules = tuple(rules)
        self.sink = sink
        self.reporter = reporter
        self.engine = engine or Engine(catalog, self.rules)
        self.stats = Stats(self.rules)
        self.done = 0  # bytes of input read, for the progress line
        self.jobs = 1
        self._pool: Any = None
        self._context: Any = None
        self._seq = 0

    # -- one record, the ordinary way

    def _careful(self, data: Any, name: str, line: int) -> None:
        """Validate and evaluate with the ordinary code: exact results and exact messages."""
        if data is None or not isinstance(data, dict):
            raise ClientcheckError(t(self.reporter.lang, "batch.not_object"), Mark(name, line))
        mark = Mark(name, line)
        answers = validate(data, self.catalog, name, lambda key: mark, self.reporter.lang)
        self._verdict(evaluate(self.catalog, answers, self.rules), line)

    def _verdict(self, verdict: Verdict, line: int) -> None:
        r = self.engine.from_verdict(verdict)
        self.stats.verdicts[r.verdict] += 1
        self.stats.reach[r.worst] += 1
        self.stats.unsettled += r.best != r.worst
        if self.sink.counts_flags:
            self.stats.flags.update(f.id for f in r.red)
        self.sink.add_verdict(verdict, r, line)

    def _result(self, r: Result, line: int) -> None:
        self.stats.verdicts[r.verdict] += 1
        self.stats.reach[r.worst] += 1
        self.stats.unsettled += r.best != r.worst
        if self.sink.counts_flags:
            self.stats.flags.update(f.id for f in r.red)
        self.sink.add(r, line)

    def _bad(self, error: ClientcheckError) -> None:
        self.stats.bad += 1
        self.reporter.bad(error)

    # -- inputs

    def run(self, sources: Iterable[Source]) -> int:
        try:
            return self._run(sources)
        finally:
            if self._pool is not None:
                self._pool.shutdown(wait=True, cancel_futures=True)
                self._pool = None

    def _run(self, sources: Iterable[Source]) -> int:
        try:
            for source in sources:
                self.sink.begin(source)
                if source.format == "jsonl":
                    self._jsonl(source)
                elif source.format == "csv":
                    self._csv(source)
                else:
                    self._answers_file(source)
                self.sink.flush()
            self.sink.finish(self.stats)
        except BrokenPipeError:
            self.reporter.progress.clear()  # the reader stopped early: no closing note about a cut run
            raise
        except BaseException:
            self.reporter.progress.clear()
            raise
        self.reporter.finish(self.stats)
        return self.stats.bad

    def _answers_file(self, source: Source) -> None:
        fmt = source.format if source.format in ("yaml", "json") else None
        try:
            answers = read_answers(source.path, self.catalog, fmt, self.reporter.lang)
        except ClientcheckError as exc:
            self._bad(exc)
            return
        self._verdict(evaluate(self.catalog, answers, self.rules), 1)
        self.reporter.progress.tick(self.stats.scored, self.stats.bad)

    def _csv(self, source: Source) -> None:
        try:
            stream = open_binary(source)
        except ClientcheckError as exc:
            self._bad(exc)
            return
        try:
            self._csv_rows(source, CsvReader(stream, source, self.catalog))
        except Problems as exc:  # the header
            self._bad(exc)
        except ReadError as exc:  # the input failed; an OSError here is about the output
            self._bad(exc)
        finally:
            if source.path != "-":
                stream.close()

    def _csv_rows(self, source: Source, reader: CsvReader) -> None:
        score = None if self.sink.needs_verdict else self.engine.score
        tick = self.reporter.progress.tick
        count = 0
        for line, record in reader.rows():
            if isinstance(record, ClientcheckError):
                self._bad(record)
                continue
            r = score(record) if score is not None else None
            if r is not None:
                self._result(r, line)
            else:
                try:
                    self._careful(record, source.name, line)
                except ClientcheckError as exc:
                    self._bad(exc)
            count += 1
            if count % TICK == 0:
                tick(self.stats.scored, self.stats.bad)
                self.sink.flush()

    def _jsonl(self, source: Source) -> None:
        try:
            stream = open_binary(source)
        except ClientcheckError as exc:
            self._bad(exc)
            return
        try:
            if self.jobs > 1:
                self._jsonl_parallel(source, chunks(stream))
            else:
                self._jsonl_stream(source, chunks(stream))
        except ReadError as exc:  # the input failed; an OSError here is about the output
            self._bad(exc)
        finally:
            if source.path != "-":
                stream.close()

    def use_processes(self, jobs: int, body_sink: Callable[[], tuple[Any, Sink]], lang: str) -> None:
        """Score JSON Lines inputs in `jobs` worker processes; body_sink makes a worker's sink."""
        if not parallel_ok(jobs):
            return
        import multiprocessing

        context = multiprocessing.get_context("fork")
        stream = getattr(self.sink, "stream", None)
        try:
            fd: int | None = stream.fileno() if stream is not None else None
        except (AttributeError, OSError, ValueError, io.UnsupportedOperation):
            fd = None  # not a real file (tests): the workers hand their output back instead
        _WORKER.update(
            catalog=self.catalog,
            rules=self.rules,
            engine=self.engine,
            sink=body_sink,
            lang=lang,
            fd=fd,
            turn=context.RawValue("q", 0),
            cond=context.Condition(),
            parent=os.getpid(),
            encoding=getattr(stream, "encoding", None) or "utf-8",
            errors=getattr(stream, "errors", None) or "strict",
        )
        self.jobs = jobs
        self._context = context
        self._seq = 0

    def _jsonl_parallel(self, source: Source, pieces: Iterator[bytes]) -> None:
        from collections import deque
        from concurrent.futures import Future, ProcessPoolExecutor

        if self._pool is None:
            self._pool = ProcessPoolExecutor(self.jobs, mp_context=self._context, initializer=_init_worker)
        self.sink.flush()  # what this process wrote comes first
        pending: deque[Future[Done]] = deque()
        stats = self.stats

        def collect() -> None:
            out, messages, verdicts, reach, unsettled, flags, bad, broken = pending.popleft().result()
            for message in messages:
                self.reporter.bad(_Said(message))
            stats.verdicts.update(verdicts)
            stats.reach.update(reach)
            stats.unsettled += unsettled
            stats.flags.update(flags)
            stats.bad += bad
            if broken:
                raise BrokenPipeError
            if out is not None:
                self.sink.write(out)
            self.reporter.progress.tick(stats.scored, stats.bad, self.done)

        def submit(where: bytes | tuple[int, int], line: int) -> None:
            pending.append(self._pool.submit(_work, (self._seq, source, where, line)))
            self._seq += 1

        seekable = source.path != "-" and os.path.isfile(source.path)
        line = 0
        offset = 0  # where in the file `rest` starts
        rest = b""
        skipping = False
        for piece in pieces:
            if offset == 0 and not rest and piece.startswith(b"\xef\xbb\xbf"):
                piece = piece[3:]  # a UTF-8 byte order mark
                offset = 3
            self.done += len(piece)
            if skipping:  # inside a line too long to hold, reported already: drop it up to its end
                end = piece.find(b"\n")
                if end < 0:
                    offset += len(piece)
                    continue
                offset += end + 1
                piece, skipping = piece[end + 1 :], False
                line += 1
            buf = rest + piece if rest else piece
            cut = buf.rfind(b"\n") + 1
            if cut == 0:  # not one whole line yet
                rest = buf
                if len(rest) > MAX_ROW_BYTES:
                    while pending:  # what came before it is reported before it
                        collect()
                    self._bad(ClientcheckError(_too_long(), Mark(source.name, line + 1)))
                    offset += len(rest)
                    rest, skipping = b"", True
                continue
            task = buf[:cut]
            rest = buf[cut:]
            # a file's workers read their piece themselves; a stream's piece goes to them
            submit((offset, cut) if seekable else task, line)
            offset += cut
            line += task.count(b"\n")
            while len(pending) > 2 * self.jobs or (pending and pending[0].done()):
                collect()
        if rest:
            submit(rest + b"\n", line)
        while pending:
            collect()

    def _jsonl_stream(self, source: Source, pieces: Iterator[bytes], line: int = 0) -> None:
        """Score the records in these pieces of a JSON Lines input; `line`: lines before the first.

        The hot loop of the whole program. For each line: orjson decodes it; if it is an object
        that cannot hold a repeated key (as many colons as keys: orjson would keep the last of
        repeated keys where the ordinary path refuses them, as for a .json file), the compiled
        function scores it, and for JSON Lines output writes its record too. Anything else goes
        the careful way (_careful), which gives the exact results and messages.
        """
        name = source.name
        loads = orjson.loads
        decode_error = orjson.JSONDecodeError
        sink = self.sink
        fast = None if sink.needs_verdict else self.engine.score
        record_format = sink.record_format
        fused = None if record_format is None else self._fused(record_format)
        head = sink.head if fused is not None else b""
        out: list[bytes] = sink.buffer if fused is not None else []
        verdicts = [0] * 27  # from the fused path: 9 * verdict + 3 * worst + best, by VERDICTS index
        add = self._result
        careful = self._careful
        tick = self.reporter.progress.tick
        stats = self.stats
        rest = b""
        first = line == 0
        skipping = False  # inside a line too long to hold, reported already: drop it up to its end
        for piece in pieces:
            if first:
                piece = piece.removeprefix(b"\xef\xbb\xbf")  # a UTF-8 byte order mark
                first = False
            self.done += len(piece)
            if skipping:
                end = piece.find(b"\n")
                if end < 0:
                    continue
                piece, skipping = piece[end + 1 :], False
                line += 1  # the long line, now over
            lines = (rest + piece).split(b"\n") if rest else piece.split(b"\n")
            rest = lines.pop()
            if len(rest) > MAX_ROW_BYTES:
                rest, skipping = b"", True
                self._bad(ClientcheckError(_too_long(), Mark(name, line + len(lines) + 1)))
            for raw in lines:
                line += 1
                try:
                    data = loads(raw)
                except decode_error:
                    data = raw  # not for orjson: blank, broken, or something it refuses
                if data.__class__ is dict and raw.count(b":") == len(data):
                    if fused is not None:
                        try:
                            done = fused(data, head, line)
                        except (TypeError, OverflowError):  # an unhashable answer, a float overflow: the careful path
                            done = None
                        if done is not None:
                            verdicts[done[0]] += 1
                            out.append(done[1])
                            continue
                    elif fast is not None:
                        r = fast(data)
                        if r is not None:
                            add(r, line)
                            continue
                try:
                    if data is raw:
                        if not raw.strip():
                            continue  # an empty line is not a record
                        data = decode_line(raw, name, line)
                    elif data.__class__ is dict and raw.count(b":") != len(data):
                        data = decode_line(raw, name, line)  # to hear about repeated keys
                    careful(data, name, line)
                except ClientcheckError as exc:
                    self._bad(exc)
            self._count(verdicts)
            tick(stats.scored, stats.bad, self.done)
            sink.flush()
        if rest.strip():
            line += 1
            try:
                data = decode_line(rest, name, line)
                careful(data, name, line)
            except ClientcheckError as exc:
                self._bad(exc)

    def _count(self, verdicts: list[int]) -> None:
        for i, n in enumerate(verdicts):
            if n:
                self.stats.verdicts[VERDICTS[i // 9]] += n
                self.stats.reach[VERDICTS[i // 3 % 3]] += n
                if i // 3 % 3 != i % 3:
                    self.stats.unsettled += n
                verdicts[i] = 0

    def _fused(self, record_format: Any) -> Any:
        return self.engine.record_scorer(record_format)


# ---------------------------------------------------------------- several processes
#
# A JSON Lines input is cut into pieces at line ends. Worker processes score the pieces with
# their own copy of the compiled rules (they are forked, so they start with it) and write their
# output to standard output themselves, each waiting for its turn, so the output is in input
# order without passing through the main process. They give back the messages and the counts,
# which the main process reports in order. At most two pieces per worker are out at a time, so
# memory stays flat. A worker that fails still passes the turn on, so none waits forever.

PARALLEL_FROM = 4 << 20  # bytes of JSON Lines (~6,000 clients) before extra processes pay for themselves
_WORKER: dict[str, Any] = {}  # what a forked worker needs; set in the parent just before forking

Done = tuple[Any, list[str], dict[str, int], dict[str, int], int, dict[str, int], int, bool]


class _Collector:
    """A worker's Reporter: it keeps the messages for the main process to print, in order."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.messages: list[str] = []
        self.progress = Progress(None, "")

    def bad(self, error: ClientcheckError) -> None:
        self.messages.append(str(error))


def _init_worker() -> None:
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the main process's to handle


def _read_at(path: str, offset: int, size: int) -> bytes:
    """A piece of a file, read by the worker itself: cheaper than sending it through a pipe."""
    files: dict[str, int] = _WORKER.setdefault("files", {})
    fd = files.get(path)
    if fd is None:
        fd = files[path] = os.open(path, os.O_RDONLY)
    return os.pread(fd, size, offset)


def _write_in_turn(seq: int, out: bytes | str) -> bool:
    """Write a piece's output when every earlier piece's is written; True if the reader is gone."""
    cond, turn, fd = _WORKER["cond"], _WORKER["turn"], _WORKER["fd"]
    data = out if isinstance(out, bytes) else out.encode(_WORKER["encoding"], _WORKER["errors"])
    with cond:
        while not cond.wait_for(lambda: turn.value == seq, timeout=1.0):
            if os.getppid() != _WORKER["parent"]:  # the main process is gone: nobody will pass the turn
                os._exit(EXIT_INTERRUPTED)  # the run was cut short; an orphan has nobody to raise to
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            return False
        except BrokenPipeError:
            return True
        finally:
            turn.value = seq + 1
            cond.notify_all()


def _work(task: tuple[int, Source, bytes | tuple[int, int], int]) -> Done:
    seq, source, where, line = task
    out: bytes | str = b""
    direct = _WORKER["fd"] is not None
    broken = False
    try:
        piece = where if isinstance(where, bytes) else _read_at(source.path, *where)
        buffer, sink = _WORKER["sink"]()
        collector = _Collector(_WORKER["lang"])
        runner = Runner(_WORKER["catalog"], _WORKER["rules"], sink, collector, engine=_WORKER["engine"])  # type: ignore[arg-type]
        sink.begin(source)
        runner._jsonl_stream(source, iter((piece,)), line)
        sink.flush()
        out = buffer.getvalue()
        stats = runner.stats
    finally:
        if direct:
            broken = _write_in_turn(seq, out)
    return (
        (None if direct else out),
        collector.messages,
        dict(stats.verdicts),
        dict(stats.reach),
        stats.unsettled,
        dict(stats.flags),
        stats.bad,
        broken,
    )


def parallel_ok(jobs: int) -> bool:
    import multiprocessing

    return jobs > 1 and "fork" in multiprocessing.get_all_start_methods()


def cpus() -> int:
    import os

    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def exit_code(stats: Stats, fail_on: str, fail_on_worst: bool = False) -> int:
    """Bad input outranks the verdicts: the results are incomplete, whatever they say."""
    return batch_exit(stats.bad, stats.worst(fail_on_worst), fail_on, VERDICTS)
