"""A JSON Lines input scored in several processes (`check --jobs N`).

A JSON Lines input is cut into pieces at line ends. Worker processes score the pieces with
their own copy of the compiled rules (they are forked, so they start with it) and write their
output to standard output themselves, each waiting for its turn, so the output is in input
order without passing through the main process. They give back the messages and the counts,
which the main process reports in order. At most two pieces per worker are out at a time, so
memory stays flat. A worker that fails still passes the turn on, so none waits forever.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from clientcheck.batch import Reporter
from clientcheck.errors import EXIT_INTERRUPTED, ClientcheckError, Mark
from clientcheck.readers import (
    BOM,
    MAX_ROW_BYTES,
    MAX_SKIP_BYTES,
    ReadError,
    Source,
    endless,
    may_not_end,
    too_long,
    without_bom,
)

if TYPE_CHECKING:
    from clientcheck.batch import Runner, Sink

PARALLEL_FROM = 4 << 20  # bytes of JSON Lines (~6,000 clients) before extra processes pay for themselves
_WORKER: dict[str, Any] = {}  # what a forked worker needs; set in the parent just before forking

# output, messages, verdicts, reach, unsettled, flags, bad, the reader gone, the file shorter
Done = tuple[Any, list[str], dict[str, int], dict[str, int], int, dict[str, int], int, bool, bool]


class _Said(ClientcheckError):
    """A message a worker process already put into words."""

    def __str__(self) -> str:
        return self.message


class _Collector(Reporter):
    """A worker's Reporter: it keeps the messages for the main process to print, in order."""

    def __init__(self, lang: str) -> None:
        super().__init__(None, lang, True, None)
        self.messages: list[str] = []

    def bad(self, error: ClientcheckError) -> None:
        self.messages.append(str(error))


def _init_worker() -> None:
    import signal
    import threading

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the main process's to handle
    # A main process killed outright (kill -9, the OOM killer) says nothing to its workers: they
    # would wait for work for ever, holding the output pipe open, so `| cat` never ended. They
    # look for it twice a second and end with it.
    threading.Thread(target=_end_with_parent, args=(_WORKER["parent"],), daemon=True).start()


def _end_with_parent(parent: int) -> None:
    import time

    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(EXIT_INTERRUPTED)  # the run was cut short; an orphan has nobody to raise to


def _read_at(path: str, offset: int, size: int) -> bytes:
    """A piece of a file, read by the worker itself: cheaper than sending it through a pipe."""
    files: dict[str, int] = _WORKER.setdefault("files", {})
    fd = files.get(path)
    if fd is None:
        fd = files[path] = os.open(path, os.O_RDONLY)
    return os.pread(fd, size, offset)


def _write_in_turn(seq: int, out: bytes | str, number: int) -> bool:
    """Write a piece's output when every earlier piece's is written; True if the reader is gone.
    number: the input's, in the run (a piece after one of its input that was cut short writes
    nothing: the run has said its lines from there on are not scored)."""
    cond, turn, fd = _WORKER["cond"], _WORKER["turn"], _WORKER["fd"]
    data = out if isinstance(out, bytes) else out.encode(_WORKER["encoding"], _WORKER["errors"])
    with cond:
        while not cond.wait_for(lambda: turn.value == seq, timeout=1.0):
            if os.getppid() != _WORKER["parent"]:  # the main process is gone: nobody will pass the turn
                os._exit(EXIT_INTERRUPTED)  # the run was cut short; an orphan has nobody to raise to
        if _WORKER["cut_input"].value == number and seq > _WORKER["cut_seq"].value:
            data = b""
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


def _cut(seq: int, number: int) -> None:
    """Piece `seq` of input `number` found its file cut short: no later piece of it writes."""
    with _WORKER["cond"]:
        cut_input, cut_seq = _WORKER["cut_input"], _WORKER["cut_seq"]
        if cut_input.value != number or seq < cut_seq.value:
            cut_input.value, cut_seq.value = number, seq


def _work(task: tuple[int, Source, bytes | tuple[int, int], int, int]) -> Done:
    from clientcheck.batch import Runner

    seq, source, where, line, number = task
    out: bytes | str = b""
    direct = _WORKER["fd"] is not None
    broken = False
    try:
        try:
            piece = where if isinstance(where, bytes) else _read_at(source.path, *where)
        except FileNotFoundError:  # removed since the main process read it
            piece = b""
        # the main process cut this piece from what it read; shorter now, the file has been cut
        # down since (or rewritten, or removed): its lines are not where they were counted, nor
        # maybe at all
        shrank = len(piece) < where[1] if isinstance(where, tuple) else False
        if shrank:
            _cut(seq, number)
        buffer, sink = _WORKER["sink"]()
        collector = _Collector(_WORKER["lang"])
        runner = Runner(
            _WORKER["catalog"], _WORKER["rules"], sink, collector, engine=_WORKER["engine"], seller=_WORKER["seller"]
        )
        sink.begin(source)
        if shrank:
            from clientcheck.i18n import t

            runner._bad(ClientcheckError(t(_WORKER["lang"], "batch.file_shrank"), Mark(source.name, line + 1)))
        else:
            runner._jsonl_stream(source, iter((piece,)), line, start=False)  # a byte order mark is gone already
        sink.flush()
        out = buffer.getvalue()
        stats = runner.stats
    finally:
        if direct:
            broken = _write_in_turn(seq, out, number)
    return (
        (None if direct else out),
        collector.messages,
        dict(stats.verdicts),
        dict(stats.reach),
        stats.unsettled,
        dict(stats.flags),
        stats.bad,
        broken,
        shrank,
    )


def parallel_ok(jobs: int) -> bool:
    import multiprocessing

    return jobs > 1 and "fork" in multiprocessing.get_all_start_methods()


def cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def use_processes(runner: Runner, jobs: int, body_sink: Callable[[], tuple[Any, Sink]], lang: str) -> None:
    """Score JSON Lines inputs in `jobs` worker processes; body_sink makes a worker's sink."""
    if not parallel_ok(jobs):
        return
    import multiprocessing

    context = multiprocessing.get_context("fork")
    stream = getattr(runner.sink, "stream", None)
    try:
        fd: int | None = stream.fileno() if stream is not None else None
    except (AttributeError, OSError, ValueError, io.UnsupportedOperation):
        fd = None  # not a real file (tests): the workers hand their output back instead
    _WORKER.update(
        catalog=runner.catalog,
        rules=runner.rules,
        engine=runner.engine,
        seller=runner.seller,  # the profile fills in what a record leaves out, on every path (batch.Runner)
        sink=body_sink,
        lang=lang,
        fd=fd,
        turn=context.RawValue("q", 0),
        cut_input=context.RawValue("q", 0),  # the input (its number) cut short, and at which piece
        cut_seq=context.RawValue("q", 0),
        cond=context.Condition(),
        parent=os.getpid(),
        encoding=getattr(stream, "encoding", None) or "utf-8",
        errors=getattr(stream, "errors", None) or "strict",
    )
    runner.jobs = jobs
    runner._context = context
    runner._seq = 0
    runner._inputs = 0


def _until_failed(pieces: Iterator[bytes], failed: list[ReadError]) -> Iterator[bytes]:
    """The pieces until a read fails; the failure is kept in `failed`."""
    try:
        yield from pieces
    except ReadError as exc:
        failed.append(exc)


def score_in_processes(runner: Runner, source: Source, pieces: Iterator[bytes]) -> None:
    from collections import deque
    from concurrent.futures import Future, ProcessPoolExecutor

    if runner._pool is None:
        runner._pool = ProcessPoolExecutor(runner.jobs, mp_context=runner._context, initializer=_init_worker)
    runner.sink.flush()  # what this process wrote comes first
    pending: deque[Future[Done]] = deque()
    stats = runner.stats

    shrank_before = False

    def collect() -> None:
        nonlocal shrank_before
        out, messages, verdicts, reach, unsettled, flags, bad, broken, shrank = pending.popleft().result()
        if shrank_before:  # said once, at the first line lost: what comes after it is not scored
            return
        shrank_before = shrank
        for message in messages:
            runner.reporter.bad(_Said(message))
        stats.verdicts.update(verdicts)
        stats.reach.update(reach)
        stats.unsettled += unsettled
        stats.flags.update(flags)
        stats.bad += bad
        if broken:
            raise BrokenPipeError
        if out is not None:
            runner.sink.write(out)
        runner.reporter.progress.tick(stats.scored, stats.bad, runner.done)

    runner._inputs += 1
    number = runner._inputs

    def submit(where: bytes | tuple[int, int], line: int) -> None:
        pending.append(runner._pool.submit(_work, (runner._seq, source, where, line, number)))
        runner._seq += 1

    seekable = source.path != "-" and os.path.isfile(source.path)
    line = 0
    offset = 0  # where in the file `rest` starts
    rest = b""
    skipping = False
    # bytes of the line being skipped, all of them: readers.jsonl_lines stops an endless one the
    # same way, whatever the size of the pieces
    skipped = 0
    stoppable = not seekable and may_not_end(source)
    if not seekable:  # a stream's reads may cut a byte order mark; a file's first piece is whole
        pieces = without_bom(pieces)
    failed: list[ReadError] = []  # a read that failed: raised after the pieces before it are in
    for piece in _until_failed(pieces, failed):
        if seekable and offset == 0 and not rest and piece.startswith(BOM):
            piece = piece[len(BOM) :]  # the workers read from after it
            offset = len(BOM)
        runner.done += len(piece)
        if skipping:  # inside a line too long to hold: drop it up to its end, and say so then
            end = piece.find(b"\n")
            if end < 0 or (skipped + end > MAX_SKIP_BYTES and stoppable):
                offset += len(piece)
                skipped += len(piece)
                if skipped > MAX_SKIP_BYTES and stoppable:  # ends past the bound, or not in sight
                    while pending:
                        collect()
                    runner._bad(endless(source, line + 1))
                    return
                continue
            offset += end + 1
            skipped = 0
            piece, skipping = piece[end + 1 :], False
            runner._bad(ClientcheckError(too_long(), Mark(source.name, line + 1)))
            line += 1
        buf = rest + piece if rest else piece
        cut = buf.rfind(b"\n") + 1
        if cut == 0:  # not one whole line yet
            rest = buf
            if len(rest) > MAX_ROW_BYTES:
                while pending:  # what came before it is reported before it
                    collect()
                offset += len(rest)
                rest, skipping, skipped = b"", True, len(rest)
            continue
        task = buf[:cut]
        rest = buf[cut:]
        # a file's workers read their piece themselves; a stream's piece goes to them
        submit((offset, cut) if seekable else task, line)
        offset += cut
        line += task.count(b"\n")
        while len(pending) > 2 * runner.jobs or (pending and pending[0].done()):
            collect()
    if failed:
        while pending:
            collect()
        if not shrank_before:  # a worker has said where its file was cut short: once is enough
            raise failed[0]
        return
    if skipping:  # the input ended inside the long line
        runner._bad(ClientcheckError(too_long(), Mark(source.name, line + 1)))
    elif rest:
        submit(rest + b"\n", line)
    while pending:
        collect()
