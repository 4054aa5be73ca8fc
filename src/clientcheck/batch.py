"""Scoring many clients: the batch run behind `clientcheck check` with several inputs.

Records are read, scored and written one at a time, in input order, so memory stays flat for
any number of clients. A record that cannot be read or is not a valid set of answers is
reported on stderr as FILE:LINE: message and skipped; the run goes on, and its exit code says
so (EXIT_BAD_INPUT). Each record takes the compiled fast path when it can (compiled.Engine) and
the ordinary path (answers.validate + evaluate) otherwise, which also gives the messages.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import partial
from typing import IO, TYPE_CHECKING, Any

import orjson

from clientcheck.answers import read_answers, validate
from clientcheck.compiled import Engine, Result
from clientcheck.errors import EXIT_BAD_INPUT as EXIT_BAD_INPUT
from clientcheck.errors import ClientcheckError, Mark, Problems, batch_exit
from clientcheck.evaluate import evaluate
from clientcheck.formats import Sink as Sink  # re-exported: the sink protocol a Runner writes to
from clientcheck.i18n import t
from clientcheck.model import VERDICTS, Answers, Catalog, Rule, Verdict
from clientcheck.readers import PIECE, ReadError, Source, chunks, decode_line, jsonl_lines, open_binary
from clientcheck.readers.csvfile import CsvReader
from clientcheck.terminal import Progress

if TYPE_CHECKING:
    from clientcheck.profile import Profile

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

    def tally(self, r: Result, flags: bool) -> None:
        """One more client: its verdict, the worst it could come to, and (flags) its red flags."""
        self.verdicts[r.verdict] += 1
        self.reach[r.worst] += 1
        self.unsettled += r.best != r.worst
        if flags:
            self.flags.update(f.id for f in r.red)

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


class Reporter:
    """stderr: bad records as FILE:LINE: message, the progress line, the closing note."""

    def __init__(self, stream: IO[str] | None, lang: str, quiet: bool, total: int | None) -> None:
        self.stream = stream
        self.lang = lang
        self.quiet = quiet
        self.progress = Progress(None if quiet else stream, t(lang, "batch.progress"), total, lang=lang)

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
            from clientcheck.fmt import number

            bad, total = number(stats.bad, self.lang), number(stats.bad + stats.scored, self.lang)
            if stats.scored:
                self.say(t(self.lang, "batch.skipped", count=bad, total=total))
            else:  # "... the others were scored" where there were none: a refused header, a missing input
                self.say(t(self.lang, "batch.none_scored", count=bad))


class Runner:
    def __init__(
        self,
        catalog: Catalog,
        rules: Sequence[Rule],
        sink: Sink,
        reporter: Reporter,
        engine: Engine | None = None,
        seller: Profile | None = None,
    ) -> None:
        self.catalog = catalog
        self.rules = tuple(rules)
        self.sink = sink
        self.reporter = reporter
        # the seller profile fills in what a record leaves out, as for one client (profile.apply)
        self.seller = seller
        self.engine = engine or Engine(catalog, self.rules, seller.values if seller is not None else None)
        self.stats = Stats(self.rules)
        self.done = 0  # bytes of input read, for the progress line
        self.jobs = 1
        self._pool: Any = None
        self._context: Any = None
        self._seq = 0
        self._inputs = 0  # JSON Lines inputs handed to the worker processes (parallel.py)
        self.verdicts = [0] * 27  # from the fused paths: 9 * verdict + 3 * worst + best, by VERDICTS index
        self.decoded = 0  # records msgspec decoded and the compiled function scored (tests read it)
        self.fast = 0  # records the dict path's compiled function scored
        self._dict_scorer: Callable[..., Any] | None = None  # the dict path's, for the sink's format

    # -- one record, the ordinary way

    def _careful(self, data: Any, name: str, line: int) -> None:
        """Validate and evaluate with the ordinary code: exact results and exact messages."""
        if data is None or not isinstance(data, dict):
            raise ClientcheckError(t(self.reporter.lang, "batch.not_object"), Mark(name, line))
        mark = Mark(name, line)
        answers = validate(data, self.catalog, name, lambda key: mark, self.reporter.lang)
        self._verdict(evaluate(self.catalog, self._filled(answers), self.rules), line)

    def _filled(self, answers: Answers) -> Answers:
        if self.seller is None:
            return answers
        from clientcheck.profile import apply

        return apply(answers, self.seller)

    def _verdict(self, verdict: Verdict, line: int) -> None:
        r = self.engine.from_verdict(verdict)
        self.stats.tally(r, self.sink.counts_flags)
        self.sink.add_verdict(verdict, r, line)

    def _result(self, r: Result, line: int) -> None:
        self.stats.tally(r, self.sink.counts_flags)
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
        self._verdict(evaluate(self.catalog, self._filled(answers), self.rules), 1)
        self.reporter.progress.tick(self.stats.scored, self.stats.bad)

    def _csv(self, source: Source) -> None:
        try:
            stream = open_binary(source)
        except ClientcheckError as exc:
            self._bad(exc)
            return
        try:
            reader = CsvReader(stream, source, self.catalog)
            self._csv_rows(source, reader)
            if reader.empty:
                self.reporter.say(t(self.reporter.lang, "batch.empty_csv", name=source.name))
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
                from clientcheck import parallel

                parallel.score_in_processes(self, source, chunks(stream, PIECE))
            else:
                self._jsonl_stream(source, chunks(stream))
        except ReadError as exc:  # the input failed; an OSError here is about the output
            self._bad(exc)
        finally:
            if source.path != "-":
                stream.close()

    def use_processes(self, jobs: int, body_sink: Callable[[], tuple[Any, Sink]], lang: str) -> None:
        """Score JSON Lines inputs in `jobs` worker processes; body_sink makes a worker's sink."""
        from clientcheck import parallel

        parallel.use_processes(self, jobs, body_sink, lang)

    def _jsonl_stream(self, source: Source, pieces: Iterator[bytes], line: int = 0, start: bool = True) -> None:
        """Score the records in these pieces of a JSON Lines input; `line`: lines before the first;
        start: they begin the input (a worker process's piece does not: readers.jsonl_lines).

        The hot loop of the whole program. For JSON Lines output, the lines of each piece go to
        the compiled function, which decodes and checks each with msgspec and the catalog's record
        type (decode.py) in one step, scores it and writes its record. A line it gives up comes
        back, in its place, to the dict path (_line): orjson, the checks in Python, and the
        careful way (_careful) for anything still unusual, which gives the exact results and
        messages.
        """
        sink = self.sink
        record_format = sink.record_format
        decoded: Any = None  # the compiled JSON Lines loop, when msgspec is there and the format allows
        if record_format is not None and not sink.needs_verdict and self.engine.record_type() is not None:
            decoded = self.engine.record_scorer(record_format, decoded=True)
        name = source.name
        slow = partial(self._line, name=name)
        head = sink.head
        out: list[bytes] = sink.buffer if record_format is not None else []
        verdicts = self.verdicts
        for item in jsonl_lines(pieces, source, line, ends=True, start=start):
            if isinstance(item, ClientcheckError):
                self._bad(item)
                continue
            line, lines, size = item
            self.done += size
            before = self.fast
            if decoded is None:  # no msgspec, or a format the compiled function does not write
                for raw in lines:
                    line += 1
                    self._line(raw, line, name)
            else:  # the loop is the compiled function's own; a line it gives up comes back to slow
                decoded(lines, line, head, out, verdicts, slow)
                line += len(lines)
            self.decoded += sum(verdicts) - (self.fast - before)
            self._piece_done()

    def _line(self, raw: bytes, line: int, name: str) -> None:
        """One line the fastest path did not take: orjson and the compiled checks, else the careful way.

        orjson keeps the last of repeated keys where the ordinary path refuses them (as for a .json
        file), so only an object with as many colons as keys is scored fast.
        """
        try:
            data = orjson.loads(raw)
        except orjson.JSONDecodeError:
            data = raw  # not for orjson: blank, broken, or something it refuses
        if data.__class__ is dict and raw.count(b":") == len(data) and self._compiled(data, line):
            return
        try:
            if data is raw and not raw.strip():
                return  # an empty line is not a record
            # read again by the standard library: it tells of repeated keys, and keeps a whole number
            # past 64 bits whole (orjson reads it as a float), so the message quotes what was written
            self._careful(decode_line(raw.removesuffix(b"\n"), name, line), name, line)
        except ClientcheckError as exc:
            self._bad(exc)

    def _compiled(self, data: dict[str, Any], line: int) -> bool:
        """Score a record's answers by the compiled checks and rules, if they take them (the
        careful way has the exact message for those they do not); whether they did."""
        record_format = self.sink.record_format
        if record_format is not None and not self.sink.needs_verdict:
            if self._dict_scorer is None:
                self._dict_scorer = self.engine.record_scorer(record_format)
            try:
                done = self._dict_scorer(data, self.sink.head, line)
            except (TypeError, OverflowError):  # an unhashable answer, a float overflow: the careful path
                done = None
            if done is not None:
                self.verdicts[done[0]] += 1
                self.fast += 1
                self.sink.buffer.append(done[1])
                return True
        elif not self.sink.needs_verdict:
            r = self.engine.score(data)
            if r is not None:
                self._result(r, line)
                return True
        return False

    def _piece_done(self) -> None:
        self._count(self.verdicts)
        self.reporter.progress.tick(self.stats.scored, self.stats.bad, self.done)
        self.sink.flush()

    def _count(self, verdicts: list[int]) -> None:
        for i, n in enumerate(verdicts):
            if n:
                self.stats.verdicts[VERDICTS[i // 9]] += n
                self.stats.reach[VERDICTS[i // 3 % 3]] += n
                if i // 3 % 3 != i % 3:
                    self.stats.unsettled += n
                verdicts[i] = 0


def exit_code(stats: Stats, fail_on: str, fail_on_worst: bool = False) -> int:
    """Bad input outranks the verdicts: the results are incomplete, whatever they say."""
    return batch_exit(stats.bad, stats.worst(fail_on_worst), fail_on, VERDICTS)
