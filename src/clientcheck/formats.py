"""Output formats: the one registry of them, and the protocols a format implements.

A format is a module in render/ and one line in FORMATS. The module gives:

- `sink(out: Output) -> Sink`: many clients, a result at a time (required);
- `render(verdict, catalog, lang, stream, *, rules=None)`: one client in full (optional: a format
  without it shows one client as its sink shows a batch of one);
- `worker_sink(out: Output) -> (buffer, Sink)`: a sink writing to memory for a worker process
  (optional: only formats whose records stand alone, without a header or a summary to keep).

Renderers read results through the protocols below, which describe the batch's records by their
shape: render/* imports neither batch.py nor compiled.py, and this module imports nothing costly
(modules are imported only when their format is chosen, so `--format json` never pays for Rich).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping, Sequence
from typing import IO, TYPE_CHECKING, Any, NamedTuple, Protocol

if TYPE_CHECKING:
    from clientcheck.model import Catalog, Rule, Verdict


class Format(NamedTuple):
    name: str  # the value of --format
    module: str  # imported only when the format is chosen


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("table", "clientcheck.render.batch_table"),
        Format("json", "clientcheck.render.json_out"),
        Format("jsonl", "clientcheck.render.jsonl"),
        Format("csv", "clientcheck.render.csv_out"),
        Format("markdown", "clientcheck.render.markdown"),
        Format("tsv", "clientcheck.render.tsv"),
    )
}
DEFAULT = "table"


# ---------------------------------------------------------------- what a format reads


class FindingView(Protocol):
    """A rule that fired, at one of its levels (compiled.FindingInfo)."""

    @property
    def id(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def severity(self) -> str | None: ...
    @property
    def weight(self) -> float: ...
    @property
    def fixed(self) -> tuple[tuple[str, Any], ...] | None:
        """The evidence of a finding made for one client alone (from evaluate); None when shared."""


class OpenView(Protocol):
    """A rule still undecided, and what would decide it (compiled.OpenRule)."""

    @property
    def id(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def max_severity(self) -> str | None: ...
    @property
    def severities(self) -> tuple[str, ...]: ...
    @property
    def ask(self) -> tuple[str, ...]: ...


class ResultView(Protocol):
    """One client's verdict in the compact form of a batch (compiled.Result)."""

    @property
    def client(self) -> str | None: ...
    @property
    def verdict(self) -> str: ...
    @property
    def score(self) -> float: ...
    @property
    def red(self) -> Sequence[FindingView]: ...
    @property
    def good(self) -> Sequence[FindingView]: ...
    @property
    def notes(self) -> Sequence[FindingView]: ...
    @property
    def undecided(self) -> Sequence[OpenView]: ...
    @property
    def ignored(self) -> Sequence[str]: ...
    @property
    def best(self) -> str: ...
    @property
    def worst(self) -> str: ...


class StatsView(Protocol):
    """What a batch's summary says (batch.Stats)."""

    @property
    def verdicts(self) -> Mapping[str, int]: ...
    @property
    def scored(self) -> int: ...
    @property
    def bad(self) -> int: ...
    @property
    def unsettled(self) -> int: ...
    def top_flags(self, n: int = 5) -> list[tuple[str, int]]: ...


class InputView(Protocol):
    """One input of a batch (readers.Source)."""

    @property
    def name(self) -> str: ...
    @property
    def format(self) -> str: ...


LINE_INPUTS = ("jsonl", "csv", "parquet")  # a record per line (or row); any other input is one client


def whole_file(source: InputView) -> bool:
    """The input is one client (an answers file): its results have no line number."""
    return source.format not in LINE_INPUTS


class RecordWriter(Protocol):
    """How a format writes one client as bytes, for the compiled path to fill in (compiled.RecordFormat).

    template takes, in order: the head (bytes), the line (int), the client (str or None, through
    quick and escape), the verdict with its range (verdicts[9 * verdict + 3 * worst + best], each an index
    in VERDICTS), the score (as JSON), the red flags, good signs, notes and undecided rules
    (each: pieces joined with commas), the ignored answers (as JSON) and the tail.
    """

    template: bytes
    tail: bytes
    verdicts: tuple[bytes, ...]

    def finding(self, info: FindingView) -> bytes: ...
    def open_rule(self, rule: OpenView) -> bytes: ...
    def head(self, name: str) -> bytes: ...

    def quick(self, value: Any) -> bytes:
        """A value as JSON, as it comes (a C function: the compiled path calls it per client)."""
        ...

    def escape(self, data: bytes) -> bytes:
        """What the JSON of a value from the input needs besides, when it is not ASCII: the
        record holds escape(quick(x))."""
        ...


class RowFormat(Protocol):
    """A format of a line of cells per client (csv, tsv), which DuckDB writes itself from the rule
    outcomes (sql/records.py): the input's cells and the separator after them (row_head), then the
    line number, the client, verdict, best, worst, settled, score and a cell per rule, each cell
    as render/csv_out.cell words it. A cell it would quote or escape is left to the sink."""

    separator: str

    def row_head(self, name: str) -> bytes: ...


# ---------------------------------------------------------------- what a format gives


class Renderer(Protocol):
    """One client in full."""

    def __call__(
        self, verdict: Verdict, catalog: Catalog, lang: str, stream: IO[str], *, rules: Sequence[Rule] | None = None
    ) -> None: ...


class Sink(Protocol):
    """Where a batch's results go, one client at a time, in input order."""

    needs_verdict: bool  # True: give it the full Verdict of every client (slower)
    counts_flags: bool  # True: keep flag counts for its summary

    @property
    def record_format(self) -> RecordWriter | None:
        """A format whose records the compiled path writes itself, into `buffer` after `head`."""

    @property
    def row_format(self) -> RowFormat | None:
        """A format whose rows DuckDB may write itself, through write_bytes."""

    head: bytes
    buffer: list[bytes]

    def begin(self, source: InputView) -> None: ...
    def add(self, r: ResultView, line: int) -> None: ...
    def add_verdict(self, verdict: Verdict, r: ResultView, line: int) -> None: ...
    def flush(self) -> None: ...
    def write(self, out: Any) -> None: ...
    def write_bytes(self, data: bytes | memoryview) -> None: ...
    def finish(self, stats: StatsView) -> None: ...


class BaseSink:
    """The defaults of a Sink: only add (or add_verdict) is every format's own."""

    needs_verdict = False
    counts_flags = False
    record_format: RecordWriter | None = None
    row_format: RowFormat | None = None
    head = b""
    buffer: list[bytes]  # only a sink with a record_format has one

    def begin(self, source: InputView) -> None:
        """A new input starts."""

    def add(self, r: ResultView, line: int) -> None:
        raise NotImplementedError

    def add_verdict(self, verdict: Verdict, r: ResultView, line: int) -> None:
        self.add(r, line)

    def flush(self) -> None:
        """Push out what is buffered: called when input pauses, so output keeps up with a stream."""

    def write(self, out: Any) -> None:
        """Output a worker process made with this format's worker_sink, as it is."""
        raise NotImplementedError

    def write_bytes(self, data: bytes | memoryview) -> None:
        """Records or rows DuckDB wrote (its record_format's or row_format's), as they are."""
        self.write(data)

    def finish(self, stats: StatsView) -> None:
        """After the last record: summaries, closing brackets."""


class TextSink(BaseSink):
    """A sink that writes rows of text to a stream, flushed every `flush_every` rows so a pipe
    (`| head`, `| less`) sees the output as it goes rather than in one block at the end."""

    flush_every = 256
    stream: IO[str]
    pending = 0

    def wrote(self) -> None:
        """One more row is out."""
        self.pending += 1
        if self.pending >= self.flush_every:
            self.flush()

    def flush(self) -> None:
        self.pending = 0
        self.stream.flush()


class Output(NamedTuple):
    """What a format is given for a run: the catalog, the rules checked, the language, colour, where.

    (A NamedTuple, like the model's records: immutable, and a tenth of a dataclass's start-up cost.)
    """

    catalog: Catalog
    rules: Sequence[Rule]  # every rule, or those --select / --ignore leave
    lang: str
    stream: IO[str]
    color: bool = False

    def binary(self) -> BinaryOut:
        """The bytes under the stream, for formats that write UTF-8 bytes (JSON Lines)."""
        return binary(self.stream)


def binary(stream: IO[str]) -> BinaryOut:
    """The bytes under a text stream: text written before is flushed first. A stream of text
    alone (a host program's, a test's) takes them decoded."""
    stream.flush()
    buffer: BinaryOut | None = getattr(stream, "buffer", None)
    return _TextBytes(stream) if buffer is None else buffer


class BinaryOut(Protocol):
    """Where a format writes bytes."""

    def write(self, data: bytes | memoryview, /) -> int: ...
    def flush(self) -> None: ...


class _TextBytes:
    """UTF-8 bytes written to a text stream."""

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream

    def write(self, data: bytes | memoryview, /) -> int:
        # bytes, or a view of an Arrow buffer (the DuckDB path writes its records as they lie)
        self.stream.write(str(data, "utf-8"))
        return len(data)

    def flush(self) -> None:
        self.stream.flush()


class FormatModule(Protocol):
    def sink(self, out: Output) -> Sink: ...


# ---------------------------------------------------------------- the registry's use


def names() -> list[str]:
    return list(FORMATS)


def load(name: str) -> FormatModule:
    module: FormatModule = importlib.import_module(FORMATS[name].module)
    return module


def renderer(name: str) -> Renderer | None:
    """The format's view of one client in full, or None (then one client is a batch of one)."""
    found: Renderer | None = getattr(load(name), "render", None)
    return found


def worker_sink(name: str) -> Callable[[Output], tuple[Any, Sink]] | None:
    """What makes a worker process's sink for the format, or None when workers cannot write it."""
    found: Callable[[Output], tuple[Any, Sink]] | None = getattr(load(name), "worker_sink", None)
    return found
