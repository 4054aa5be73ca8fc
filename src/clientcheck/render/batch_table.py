"""--format table (its registry entry): many clients, a row per client as it is scored, then a summary.

One client is shown in full by render/table.py, imported only then: a batch never loads Rich.

Rows are written as they come, so the widths are fixed up front rather than measured (Rich
would hold every row to measure them): on a terminal the red flags are cut to its width, in
a pipe nothing is cut. Colour follows --color / NO_COLOR / FORCE_COLOR (terminal.use_color).
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from typing import IO, TYPE_CHECKING

from clientcheck import fmt
from clientcheck.formats import InputView, Output, ResultView, StatsView, TextSink, whole_file
from clientcheck.i18n import t
from clientcheck.model import VERDICTS
from clientcheck.render.data import reachable
from clientcheck.terminal import clean, fit, is_tty, width

if TYPE_CHECKING:
    from clientcheck.model import Catalog, Rule, Verdict

CLIENT_WIDTH = 28
SCORE_WIDTH = 6
NARROW = 60  # below this a client takes two lines or more: name, then verdict, score and flags
_RESET = "\x1b[0m"
_VERDICT_STYLE = {"go": "\x1b[1;37;42m", "caution": "\x1b[1;30;43m", "decline": "\x1b[1;37;41m"}
_DIM = "\x1b[2m"
_BOLD = "\x1b[1m"


def pack(ids: list[str], columns: int) -> list[str]:
    """Ids joined with ", " into lines of at most `columns`; an id is never split (a longer one
    has a line of its own)."""
    lines: list[str] = []
    line = ""
    for i, rule_id in enumerate(ids):
        piece = rule_id + ("," if i < len(ids) - 1 else "")
        candidate = f"{line} {piece}" if line else piece
        if line and width(candidate) > columns:
            lines.append(line)
            candidate = piece
        line = candidate
    lines.append(line)
    return lines


class TableSink(TextSink):
    counts_flags = True
    flush_every = 64  # a table on a terminal: rows show up sooner

    def __init__(self, lang: str, stream: IO[str], color: bool) -> None:
        self.lang = lang
        self.stream = stream
        self.color = color
        self.labels = {v: t(lang, f"verdict.{v}") for v in VERDICTS}
        self.verdict_width = max(width(label) for label in self.labels.values())
        # the widest cell: a caution that could still become either go or decline
        both = width(self.labels["go"]) + 1 + width(self.labels["decline"])
        self.reach_width = max(width(t(lang, "batch.col.reach")), self.verdict_width, both)
        self.columns = shutil.get_terminal_size().columns if is_tty(stream) else None
        fixed = self.verdict_width + self.reach_width + SCORE_WIDTH + 8
        # on a narrow terminal the client's name gives way first, keeping ten columns for the flags
        self.client_width = (
            CLIENT_WIDTH if self.columns is None else max(8, min(CLIENT_WIDTH, self.columns - fixed - 10))
        )
        self.name = ""
        self._header()

    def _style(self, text: str, style: str) -> str:
        return f"{style}{text}{_RESET}" if self.color else text

    def _header(self) -> None:
        if self.columns is not None and self.columns < NARROW:
            return  # blocks, not columns: each line says what it is
        cells = [
            fit(t(self.lang, "client"), self.client_width),
            fit(t(self.lang, "batch.col.verdict"), self.verdict_width),
            fit(t(self.lang, "batch.col.reach"), self.reach_width),
            t(self.lang, "batch.col.score").rjust(SCORE_WIDTH),
            t(self.lang, "red_flags"),
        ]
        self.stream.write(self._style("  ".join(cells), _BOLD) + "\n")

    def begin(self, source: InputView) -> None:
        self.name = clean(source.name)  # a file name can hold escape sequences too
        self.whole_file = whole_file(source)

    def add(self, r: ResultView, line: int) -> None:
        who = clean(r.client) if r.client else (self.name if self.whole_file else f"{self.name}:{line}")
        ids = [f.id for f in r.red] or ["—"]
        used = self.client_width + self.verdict_width + self.reach_width + SCORE_WIDTH + 8
        verdict = self.labels[r.verdict]
        label = self._style(verdict, _VERDICT_STYLE[r.verdict]) + " " * (self.verdict_width - width(verdict))
        reach = fit(reachable(r.verdict, r.best, r.worst, self.labels), self.reach_width)
        score = fmt.short(r.score).rjust(SCORE_WIDTH)
        if self.columns is None:  # a pipe: one line per client, the name whole
            row = f"{who.ljust(CLIENT_WIDTH)}  {label}  {reach}  {score}  {', '.join(ids)}"
        elif self.columns < NARROW:
            # a small pane: the name on a line of its own, then the verdict, then the flags
            head = f"{label}  {t(self.lang, 'batch.col.score').lower()} {fmt.short(r.score)}"
            if r.best != r.worst:
                could = reachable(r.verdict, r.best, r.worst, self.labels)
                head += f" · {t(self.lang, 'batch.col.reach').lower()}: {could}"
            import textwrap

            # escape codes count as width here: a coloured line wraps a little early, never late
            heads = textwrap.wrap(head, self.columns - 2, break_long_words=False, break_on_hyphens=False)
            lines = [fit(who, self.columns).rstrip(), *("  " + h for h in heads)]
            lines += ["  " + more for more in pack(ids, self.columns - 2)]
            row = "\n".join(lines)
        else:
            # on a terminal the name is cut to its column, and flags go on to further lines rather
            # than being cut: an id is never split ("late-pa…")
            name = fit(who, self.client_width)
            room = max(self.columns - used, 10)
            packed = pack(ids, room)
            first, rest = (packed[0], packed[1:]) if width(packed[0]) <= room else ("", packed)
            row = f"{name}  {label}  {reach}  {score}  {first}".rstrip()
            for more in rest:  # under the flags column; further left for an id too long for it
                indent = used if used + width(more) <= self.columns else max(0, self.columns - width(more))
                row += "\n" + " " * indent + more
        self.stream.write(row + "\n")
        self.wrote()

    def finish(self, stats: StatsView) -> None:
        lang = self.lang
        counts = " · ".join(f"{self.labels[v]} {stats.verdicts[v]}" for v in VERDICTS)
        lines = ["", self._style(t(lang, "batch.summary", count=stats.scored), _BOLD) + " · " + counts]
        if stats.unsettled:
            lines.append(t(lang, "batch.unsettled", n=stats.unsettled))
        if stats.bad:
            lines.append(t(lang, "batch.bad", bad=stats.bad))
        top = stats.top_flags()
        if top:
            listed = ", ".join(f"{rule_id} ({n})" for rule_id, n in top)
            lines.append(f"{t(lang, 'batch.top_flags')}: {listed}")
        if self.columns is not None:  # a terminal: wrapped between words, never inside an id
            import textwrap

            lines = [
                wrapped
                for line in lines
                for wrapped in (
                    textwrap.wrap(line, self.columns, break_long_words=False, break_on_hyphens=False) or [""]
                )
            ]
        self.stream.write("\n".join(lines) + "\n")
        self.stream.flush()


def sink(out: Output) -> TableSink:
    return TableSink(out.lang, out.stream, out.color)


def render(
    verdict: Verdict, catalog: Catalog, lang: str, stream: IO[str], *, rules: Sequence[Rule] | None = None
) -> None:
    """One client in full, with Rich (render/table.py)."""
    from clientcheck.render import table

    table.render(verdict, catalog, lang, stream, rules=rules)
