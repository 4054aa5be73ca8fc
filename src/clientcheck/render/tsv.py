"""--format tsv: the CSV layout (render/csv_out.py) with tabs, for `cut`, `awk`, `sort -t$'\\t'` and databases.

A header row, then a row per client: input, line, client, verdict, best, worst, settled, score and
a column per rule, cells as in CSV. Nothing is quoted: a cell never holds a tab or a line end,
because a backslash, tab, line feed and carriage return from the input are written \\\\, \\t, \\n
and \\r (the escapes PostgreSQL's COPY, ClickHouse's TabSeparated and MySQL read back). Cells from
the input are neutralised for spreadsheets as in CSV. Lines end with \\n.
"""

from __future__ import annotations

import io

from clientcheck.formats import Output
from clientcheck.render.csv_out import CsvSink, on_terminal

_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


class TsvSink(CsvSink):
    separator = "\t"

    def row(self, cells: list[str]) -> None:
        self.stream.write("\t".join(cell.translate(_ESCAPES) for cell in cells) + "\n")


def sink(out: Output) -> TsvSink:
    return TsvSink(out.rules, out.stream)


def worker_sink(out: Output) -> tuple[io.StringIO, TsvSink]:
    """Rows without the header, in memory, for a worker process."""
    buffer = io.StringIO()
    return buffer, TsvSink(out.rules, buffer, with_header=False, terminal=on_terminal(out.stream))
