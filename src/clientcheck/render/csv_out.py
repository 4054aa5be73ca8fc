"""--format csv: a row per client and a column per rule, for spreadsheets.

Columns: input, line, client, verdict, best, worst, settled (the verdict range), score, then one per rule in rules order. A rule's cell
is the severity of the red flag that fired (decline, high, caution, low, note), "good" for a
good sign, "note" for a note, "?" when the rule is undecided, and empty when it did not fire.

Cells from the input (file and client names) are neutralised for spreadsheets: a leading =, +,
-, @, tab or CR gets a ' before it, bidi controls go, and a cell with CR or LF is always quoted.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Sequence
from typing import IO, Any

from clientcheck import fmt
from clientcheck.formats import InputView, Output, ResultView, RowFormat, StatsView, TextSink, binary, whole_file
from clientcheck.model import Rule
from clientcheck.terminal import spreadsheet_cell as safe
from clientcheck.terminal import strip_controls

FIXED = ("input", "line", "client", "verdict", "best", "worst", "settled", "score")
UNDECIDED = "?"


def writerow(writer: Any, stream: IO[str], cells: list[str]) -> None:
    """csv.writer quotes a cell holding a line feed but not one holding a bare carriage return,
    which spreadsheets take as a line end: such a row is quoted as if lines ended in CR LF."""
    if any("\r" in cell for cell in cells):
        out = io.StringIO()
        csv.writer(out, lineterminator="\r\n").writerow(cells)
        stream.write(out.getvalue()[:-2] + "\n")
    else:
        writer.writerow(cells)


def header(rules: Sequence[Rule]) -> list[str]:
    return [*FIXED, *(r.id for r in rules)]


def cell(kind: str, severity: str | None) -> str:
    """A rule's cell when it fired at a level of this severity (DuckDB's rows are written from
    the same words, sql/records.py)."""
    return {"good-sign": "good", "note": "note"}.get(kind, severity or "")


def row(r: ResultView, name: str, line: int | None, rules: Sequence[Rule]) -> list[str]:
    state: dict[str, str] = {}
    for u in r.undecided:
        state[u.id] = UNDECIDED
    for f in (*r.red, *r.good, *r.notes):
        state[f.id] = cell(f.kind, f.severity)
    settled = "true" if r.best == r.worst else "false"
    fixed = [
        safe(name),
        "" if line is None else str(line),
        safe(r.client or ""),
        r.verdict,
        r.best,
        r.worst,
        settled,
        fmt.plain(r.score),
    ]
    return fixed + [state.get(rule.id, "") for rule in rules]


def _utf8(stream: IO[str]) -> bool:
    """The stream writes text as UTF-8, or takes text as it is (no bytes under it)."""
    encoding = getattr(stream, "encoding", None)
    if encoding is None:
        return getattr(stream, "buffer", None) is None
    try:
        return codecs.lookup(encoding).name == "utf-8"
    except LookupError:
        return False


def on_terminal(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError, OSError):
        return False


class CsvSink(TextSink):
    def __init__(
        self, rules: Sequence[Rule], stream: IO[str], with_header: bool = True, terminal: bool | None = None
    ) -> None:
        self.rules = rules
        self.stream = stream
        self.writer = csv.writer(stream, lineterminator="\n")
        # on a terminal, text from the input loses its escape sequences (a client named
        # "\x1b]0;pwned\x07" would retitle the window); piped, the data stays as it is
        self.terminal = on_terminal(stream) if terminal is None else terminal
        # rows DuckDB may write itself (sql/duck.py), as this sink would: not on a terminal, where
        # the cells lose their control characters, and only in UTF-8, which DuckDB writes
        self.row_format: RowFormat | None = None if self.terminal or not _utf8(stream) else self
        if with_header:
            self.put(header(rules))
        self.name = ""
        self.whole_file = False

    def put(self, cells: list[str]) -> None:
        """One row out."""
        self.row([strip_controls(cell) for cell in cells] if self.terminal else cells)

    def row(self, cells: list[str]) -> None:
        """Write one row (render/tsv.py writes it its own way)."""
        writerow(self.writer, self.stream, cells)

    def begin(self, source: InputView) -> None:
        self.name = source.name
        self.whole_file = whole_file(source)

    def add(self, r: ResultView, line: int) -> None:
        self.put(row(r, self.name, None if self.whole_file else line, self.rules))
        self.wrote()

    def write(self, out: Any) -> None:
        self.stream.write(out)

    separator = ","

    def row_head(self, name: str) -> bytes:
        """The cells of every row from this input before its line number, as this sink writes
        them, the separator after them: the start of each row DuckDB writes."""
        buffer = io.StringIO()
        type(self)(self.rules, buffer, with_header=False, terminal=False).put([safe(name), ""])
        # without the line end; what UTF-8 cannot take (a file name that was not UTF-8), as the
        # stream's own handler writes it (the command line's: \u escapes), or UnicodeEncodeError
        return buffer.getvalue()[:-1].encode("utf-8", getattr(self.stream, "errors", None) or "strict")

    def write_bytes(self, data: bytes | memoryview) -> None:
        """Rows DuckDB wrote, after those written before."""
        self.stream.flush()
        binary(self.stream).write(data)

    def finish(self, stats: StatsView) -> None:
        self.flush()


def sink(out: Output) -> CsvSink:
    return CsvSink(out.rules, out.stream)


def worker_sink(out: Output) -> tuple[io.StringIO, CsvSink]:
    """A sink writing rows (no header) to memory, for a worker process."""
    buffer = io.StringIO()
    return buffer, CsvSink(out.rules, buffer, with_header=False, terminal=on_terminal(out.stream))
