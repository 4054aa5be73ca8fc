"""A chosen output format at work: one client shown in full, or the sink that takes a batch.

The registry and the protocols are in formats.py; this is the glue between them and the engine's
results, so that render/* never needs the compiled engine: a format without a view of one client
in full (csv, jsonl, tsv) shows one client as a batch of one, its verdict in the compact form.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from clientcheck import formats

if TYPE_CHECKING:
    from clientcheck.formats import Output, Sink
    from clientcheck.model import Verdict


class _Answers:
    """The input a one-client result comes from: its answers file (no line numbers)."""

    format = "answers"

    def __init__(self, name: str) -> None:
        self.name = name


class _OneClient:
    """A batch's summary figures for one client."""

    bad = 0
    scored = 1

    def __init__(self, verdict: Verdict) -> None:
        self.verdicts: Mapping[str, int] = {verdict.verdict: 1}
        self.unsettled = int(not verdict.settled)
        self.red = [f.rule.id for f in verdict.red_flags]

    def top_flags(self, n: int = 5) -> list[tuple[str, int]]:
        return [(rule_id, 1) for rule_id in self.red[:n]]


def show(name: str, verdict: Verdict, out: Output) -> None:
    """One client, in format `name`."""
    from clientcheck.terminal import rich_color

    render = formats.renderer(name)
    with rich_color(out.color):  # Rich reads the environment; other formats write no colour at all
        if render is not None:
            render(verdict, out.catalog, out.lang, out.stream, rules=out.rules)
        else:
            from clientcheck.compiled import result_from_verdict

            sink = formats.load(name).sink(out)
            sink.begin(_Answers(verdict.answers.origin))
            sink.add(result_from_verdict(verdict, out.catalog), 0)
            sink.finish(_OneClient(verdict))
    out.stream.flush()


def sink(name: str, out: Output) -> Sink:
    """The sink that takes a batch's results in format `name`."""
    return formats.load(name).sink(out)


def worker_sink(name: str, out: Output) -> Callable[[], tuple[Any, Sink]] | None:
    """What makes a worker process's sink, or None when the format cannot be written by workers."""
    make = formats.worker_sink(name)
    if make is None:
        return None
    return lambda: make(out)
