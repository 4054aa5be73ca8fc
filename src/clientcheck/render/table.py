"""--format table: the Rich verdict for people.

Every text that comes from a rules, questions or answers file goes in as a rich.text.Text
(never as markup) after control characters are stripped, so `[/b]` shows as written and
an escape sequence in a file cannot drive the terminal.

Layout: as wide as the terminal (or $COLUMNS), down to 40 columns. Below NARROW the tables
become stacked blocks, since four columns in a small pane leave a word per line; in every layout
an id is one unbreakable word (a column is never narrower than its longest id). Lines are
written without trailing padding, so piped output diffs and greps cleanly.
"""

from __future__ import annotations

import io
import os
import shutil
from collections.abc import Sequence
from typing import IO, Any, cast

from rich.console import Console, Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from clientcheck import fmt
from clientcheck.i18n import t
from clientcheck.model import UNKNOWN, AskNext, Catalog, Evidence, Rule, Verdict
from clientcheck.reasons import Reasons, all_reasons
from clientcheck.render.data import headline, summary
from clientcheck.render.names import split_asks
from clientcheck.terminal import is_tty
from clientcheck.terminal import strip_controls as clean

MIN_WIDTH = 40  # narrower than this, a terminal wraps our lines rather than we wrap them
NARROW = 72  # below this, the verdict's tables are shown as stacked blocks
DEFAULT_WIDTH = 80  # piped output, when $COLUMNS does not say
COLOURS = {"go": "bold white on green", "caution": "bold black on yellow", "decline": "bold white on red"}
SEVERITY_STYLE = {"decline": "bold red", "high": "red", "caution": "yellow", "low": "cyan", "note": "dim"}


def plain_text(text: str, style: str = "") -> Text:
    return Text(clean(text), style=style)


def layout_width(stream: IO[str] | None = None) -> int:
    """Columns to lay out for: $COLUMNS, else the terminal's width, else 80; never below 40."""
    try:
        columns = int(os.environ.get("COLUMNS", ""))
    except ValueError:
        columns = 0
    if columns <= 0:
        columns = DEFAULT_WIDTH
        if stream is not None and is_tty(stream):
            try:
                columns = os.get_terminal_size(stream.fileno()).columns
            except (OSError, ValueError, AttributeError):
                columns = shutil.get_terminal_size((DEFAULT_WIDTH, 24)).columns
    return max(columns, MIN_WIDTH)


class TrimmedLines(io.TextIOBase):
    """A text stream that passes whole lines on without their trailing spaces.

    Rich pads every line of a table to the full width; on a terminal that is invisible, in a file
    or a pipe it is noise that breaks diffs. Colour decisions still see the real stream (isatty).
    """

    def __init__(self, stream: IO[str]) -> None:
        super().__init__()
        self.stream = stream
        self.pending = ""

    def write(self, text: str) -> int:
        lines = (self.pending + text).split("\n")
        self.pending = lines.pop()
        if lines:
            self.stream.write("".join(line.rstrip(" ") + "\n" for line in lines))
        return len(text)

    def flush(self) -> None:
        if self.pending:
            self.stream.write(self.pending)
            self.pending = ""
        self.stream.flush()

    def isatty(self) -> bool:
        return is_tty(self.stream)

    def fileno(self) -> int:
        return self.stream.fileno()

    def writable(self) -> bool:
        return True


def trimmed(stream: IO[str]) -> IO[str]:
    """`stream`, for a Console to write to without trailing padding."""
    return cast(IO[str], TrimmedLines(stream))


def console(stream: IO[str], width: int | None = None) -> Console:
    """A Console that lays out for `stream` and writes to it without trailing padding."""
    return Console(file=trimmed(stream), width=width or layout_width(stream), highlight=False, soft_wrap=False)


def print_to(stream: IO[str], *renderables: Any, width: int | None = None) -> None:
    """Render for `stream`, lines without their trailing padding."""
    c = console(stream, width)
    c.print(*renderables)
    c.file.flush()


show_answer = fmt.answer  # the name other modules still import (and pay Rich's import for): use fmt.answer


def _longest(words: Any) -> int:
    return max((len(w) for w in words), default=0)


def _because(catalog: Catalog, r: Reasons, lang: str) -> Text:
    return plain_text("\n".join(f"{qid}: {answer}" for qid, answer in r.because(catalog, lang)))


def _answers(catalog: Catalog, evidence: tuple[Evidence, ...], lang: str) -> str:
    return ", ".join(f"{e.question}: {fmt.answer(catalog, e.question, e.value, lang)}" for e in evidence)


def _red_because(catalog: Catalog, r: Reasons, lang: str) -> Text:
    """The firing level's answers, then what ruled out the levels above, then the levels also true."""
    text = _because(catalog, r, lang)
    if r.ruled_out:
        text.append("\n" + t(lang, "reasons.ruled_out") + ": ", style="dim")
        text.append(clean(_answers(catalog, r.ruled_out, lang)))
    shown = {e.question for e in r.evidence} | {qid for qid, _ in r.unknown}
    for a in r.also:
        sev = catalog.policy.severities.get(a.severity) if a.severity else None
        label = f" ({sev.label.get(lang)})" if sev else ""
        new = tuple(e for e in a.evidence if e.question not in shown)  # answers listed above are not repeated
        text.append("\n" + t(lang, "reasons.also") + label + (": " if new else ""), style="dim")
        text.append(clean(_answers(catalog, new, lang)))
    return text


def _advice(r: Reasons, lang: str) -> Text:
    """The advice, and next to it what to tell the client."""
    text = plain_text(r.advice)
    said = " ".join(s for s in (r.client_reason, *r.also_reasons) if s)
    if said:
        text.append("\n" + t(lang, "reasons.to_client") + ": ", style="bold")
        text.append(clean(said), style="italic")
    return text


def build(verdict: Verdict, catalog: Catalog, lang: str, width: int = DEFAULT_WIDTH) -> Group:
    parts: list[Any] = []
    narrow = width < NARROW
    why = all_reasons(verdict, catalog, lang)
    head = Text()
    head.append(f" {t(lang, f'verdict.{verdict.verdict}')} ", style=COLOURS[verdict.verdict])
    head.append("  ")
    head.append(headline(verdict, lang), style="bold")
    head.append("\n")
    head.append(summary(verdict, lang), style="dim")
    client = verdict.answers.client
    parts.append(Panel(head, title=plain_text(client) if client else None, title_align="left", expand=False))

    widths = None if narrow else _flag_widths(verdict, catalog, lang, width, why)
    if verdict.red_flags and widths is None:
        parts.append(_stacked_flags(verdict, catalog, lang, why))
    elif verdict.red_flags and widths is not None:
        table = Table(title=t(lang, "red_flags"), title_justify="left", show_lines=True, expand=True)
        flag_w, sev_w, because_w, advice_w = widths
        table.add_column(t(lang, "col.flag"), width=flag_w)
        table.add_column(t(lang, "col.severity"), width=sev_w, no_wrap=True)
        table.add_column(t(lang, "col.because"), width=because_w)
        table.add_column(t(lang, "col.advice"), width=advice_w)
        for f in verdict.red_flags:
            sev = catalog.policy.severities[f.severity] if f.severity else None
            flag = plain_text(f.rule.title.get(lang), "bold")
            flag.append("\n")
            flag.append(clean(f.rule.id), style="dim")
            table.add_row(
                flag,
                plain_text(sev.label.get(lang) if sev else "", SEVERITY_STYLE.get(f.severity or "", "")),
                _red_because(catalog, why[id(f)], lang),
                _advice(why[id(f)], lang),
            )
        parts.append(table)
    else:
        parts.append(Text(t(lang, "none_fired"), style="green"))

    if verdict.good_signs and narrow:
        parts.append(_stacked_signs(verdict, catalog, lang, why))
    elif verdict.good_signs:
        table = Table(title=t(lang, "good_signs"), title_justify="left", expand=True)
        table.add_column(t(lang, "col.sign"), ratio=1, style="green")
        keys = _longest(f"{q}:" for f in verdict.good_signs for q, _ in why[id(f)].because(catalog, lang))
        table.add_column(t(lang, "col.because"), ratio=1, min_width=keys)
        for f in verdict.good_signs:
            sign = plain_text(f.rule.title.get(lang))
            sign.append(f"\n{clean(f.rule.id)}", style="dim")
            table.add_row(sign, _because(catalog, why[id(f)], lang))
        parts.append(table)

    for f in verdict.notes:
        note = Text(f"{t(lang, 'notes')}: ", style="bold")
        note.append(clean(why[id(f)].advice))
        parts.append(note)

    # a settled verdict: no answer to come can change it, so nothing is worth asking for it
    asking = bool(verdict.ask_next) and not verdict.settled
    asks, seller = split_asks(catalog, verdict.ask_next) if asking else ([], [])
    if asks and narrow:
        parts.append(_stacked_questions(asks, catalog, lang))
    elif asks:
        table = Table(title=t(lang, "ask_next"), title_justify="left", expand=True)
        table.add_column("#", no_wrap=True, style="dim")
        table.add_column(t(lang, "col.question"), ratio=4, min_width=_longest(a.question for a in asks))
        table.add_column(t(lang, "col.decides"), ratio=2, min_width=_longest(r for a in asks for r in a.rules))
        for i, a in enumerate(asks, 1):
            q = catalog.questions[a.question]
            text = plain_text(q.text.get(lang))
            text.append(f"\n{clean(a.question)}", style="dim")
            table.add_row(str(i), text, plain_text(", ".join(a.rules)))
        parts.append(table)
    if seller:  # the seller's own questions: answered once, in the profile, never asked of a client
        command = "clientcheck profile set " + " ".join(f"{clean(q)}=..." for q in seller)
        parts.append(plain_text(t(lang, "ask_next.profile", command=command)))

    if verdict.answers.note:
        parts.append(plain_text(t(lang, "verdict.note", note=verdict.answers.note), "bold"))
    if verdict.answers.profile:
        parts.append(Text(t(lang, "verdict.profile", name=clean(verdict.answers.profile)), style="dim"))
    if verdict.answers.from_history:
        parts.append(Text(t(lang, "from_history", ids=", ".join(verdict.answers.from_history)), style="dim"))
    if verdict.ignored:
        parts.append(Text(t(lang, "ignored", ids=", ".join(verdict.ignored)), style="dim"))
    answered = sum(1 for v in verdict.answers.values.values() if v is not UNKNOWN)
    unknown = len(catalog.questions) - answered
    parts.append(Text(t(lang, "footer", digest=catalog.digest[:12], answered=answered, unknown=unknown), style="dim"))
    return Group(*parts)


def _flag_widths(
    verdict: Verdict, catalog: Catalog, lang: str, width: int, why: dict[int, Reasons]
) -> tuple[int, int, int, int] | None:
    """Column widths of the red flags table, or None when it cannot fit: then blocks are shown.

    Widths are set here rather than by ratios: a column is never narrower than the ids it holds
    (Rich would cut "pay_after_delivery" to "pay_after_deliv…"), and the advice, the longest
    text, takes what is left.
    """
    available = width - 13  # five borders and a space either side of four cells
    labels = [catalog.policy.severities[f.severity].label.get(lang) for f in verdict.red_flags if f.severity]
    sev_w = max(len(t(lang, "col.severity")), _longest(labels))
    ids = _longest(f.rule.id for f in verdict.red_flags)
    keys = _longest(f"{q}:" for f in verdict.red_flags for q, _ in why[id(f)].because(catalog, lang))
    flag_w = max(ids, min(24, available // 4))
    because_w = max(keys, min(30, available // 3))
    advice_w = available - sev_w - flag_w - because_w
    return (flag_w, sev_w, because_w, advice_w) if advice_w >= 20 else None


def _heading(text: str) -> Text:
    return Text(text, style="bold")


def hang(marker: str, *lines: RenderableType) -> Table:
    """`marker` and, beside it, lines that wrap under themselves rather than under the marker."""
    grid = Table.grid(padding=(0, 1, 0, 0))
    grid.add_column(no_wrap=True)
    grid.add_column(ratio=1)
    grid.add_row(marker, Group(*lines))
    return grid


def _stacked_flags(verdict: Verdict, catalog: Catalog, lang: str, why: dict[int, Reasons]) -> RenderableType:
    """The red flags as blocks: title, then id and severity, evidence and advice."""
    blocks: list[RenderableType] = [_heading(t(lang, "red_flags"))]
    for f in verdict.red_flags:
        sev = catalog.policy.severities[f.severity] if f.severity else None
        line = Text(clean(f.rule.id), style="dim")
        if sev is not None:
            line.append(" · ")
            line.append(clean(sev.label.get(lang)), style=SEVERITY_STYLE.get(f.severity or "", ""))
        advice = Text(f"{t(lang, 'col.advice')}: ", style="italic")
        advice.append_text(_advice(why[id(f)], lang))
        title = plain_text(f.rule.title.get(lang), "bold")
        blocks.append(hang("•", title, line, _red_because(catalog, why[id(f)], lang), advice))
    return Group(*blocks)


def _stacked_signs(verdict: Verdict, catalog: Catalog, lang: str, why: dict[int, Reasons]) -> RenderableType:
    blocks: list[RenderableType] = [_heading(t(lang, "good_signs"))]
    for f in verdict.good_signs:
        title = plain_text(f.rule.title.get(lang), "green")
        blocks.append(hang("•", title, _because(catalog, why[id(f)], lang)))
    return Group(*blocks)


def _stacked_questions(asks: Sequence[AskNext], catalog: Catalog, lang: str) -> RenderableType:
    blocks: list[RenderableType] = [_heading(t(lang, "ask_next"))]
    for i, a in enumerate(asks, 1):
        q = catalog.questions[a.question]
        detail = Text(clean(a.question), style="dim")
        detail.append(f" · {t(lang, 'col.decides').lower()}: {clean(', '.join(a.rules))}", style="dim")
        blocks.append(hang(f"{i}.", plain_text(q.text.get(lang)), detail))
    return Group(*blocks)


def render(
    verdict: Verdict, catalog: Catalog, lang: str, stream: IO[str], *, rules: Sequence[Rule] | None = None
) -> None:
    width = layout_width(stream)
    print_to(stream, build(verdict, catalog, lang, width), width=width)


def settle_block(verdict: Verdict, catalog: Catalog, lang: str, settle: list[str]) -> Group:
    """After an interview: that the verdict is settled, or the few questions that would settle it."""
    parts: list[Any] = []
    if verdict.settled:
        parts.append(Text(t(lang, "verdict.settled_by"), style="bold green"))
        return Group(*parts)
    # the headline already gives the range; what a live call needs is the next few questions
    if settle:
        table = Table(title=t(lang, "verdict.to_settle"), title_justify="left", expand=True)
        table.add_column("#", no_wrap=True, style="dim")
        table.add_column(t(lang, "col.question"))
        for i, qid in enumerate(settle, 1):
            text = plain_text(catalog.questions[qid].text.get(lang))
            text.append(f"\n{clean(qid)}", style="dim")
            table.add_row(str(i), text)
        parts.append(table)
    return Group(*parts)


def render_settle(verdict: Verdict, catalog: Catalog, lang: str, settle: list[str], stream: IO[str]) -> None:
    width = layout_width(stream)
    print_to(stream, settle_block(verdict, catalog, lang, settle), width=width)
