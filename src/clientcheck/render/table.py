"""--format table: the Rich verdict for people.

Every text that comes from a rules, questions or answers file goes in as a rich.text.Text
(never as markup) after control characters are stripped, so `[/b]` shows as written and
an escape sequence in a file cannot drive the terminal.
"""

from __future__ import annotations

from typing import IO, Any

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from clientcheck.i18n import t
from clientcheck.model import UNKNOWN, Catalog, Evidence, Verdict
from clientcheck.reasons import Reasons, all_reasons
from clientcheck.render.data import headline
from clientcheck.terminal import strip_controls as clean

MIN_WIDTH = 60
COLOURS = {"go": "bold white on green", "caution": "bold black on yellow", "decline": "bold white on red"}
SEVERITY_STYLE = {"decline": "bold red", "high": "red", "caution": "yellow", "low": "cyan", "note": "dim"}


def plain_text(text: str, style: str = "") -> Text:
    return Text(clean(text), style=style)


def _num(x: float, lang: str = "en") -> str:
    text = f"{int(x):,}" if float(x).is_integer() else f"{x:,.2f}".rstrip("0").rstrip(".")
    # Russian groups thousands with a (no-break) space and uses a decimal comma
    return text.replace(",", "\u00a0").replace(".", ",") if lang == "ru" else text


def show_answer(catalog: Catalog, qid: str, value: Any, lang: str) -> str:
    """An answer as a person reads it: choice texts, yes/no, numbers with their unit."""
    q = catalog.questions.get(qid)
    if value is UNKNOWN or value is None:
        return t(lang, "dont_know")
    if q is None:
        return str(value)
    if isinstance(value, bool):
        return t(lang, "yes" if value else "no")
    if isinstance(value, frozenset):
        return ", ".join(q.choice_text(c, lang) for c in q.choice_ids if c in value) or t(lang, "nothing")
    if q.type == "choice":
        return q.choice_text(value, lang)
    if isinstance(value, (int, float)):
        unit = q.unit.get(lang) if q.unit else ""
        return f"{_num(value, lang)}{'' if unit in ('', '%') else ' '}{unit}"
    return str(value)


def _because(catalog: Catalog, evidence: tuple[Evidence, ...], lang: str) -> Text:
    lines = [f"{e.question}: {show_answer(catalog, e.question, e.value, lang)}" for e in evidence]
    return plain_text("\n".join(lines))


def _answers(catalog: Catalog, evidence: tuple[Evidence, ...], lang: str) -> str:
    return ", ".join(f"{e.question}: {show_answer(catalog, e.question, e.value, lang)}" for e in evidence)


def _red_because(catalog: Catalog, r: Reasons, lang: str) -> Text:
    """The firing level's answers, then what ruled out the levels above, then the levels also true."""
    text = _because(catalog, r.evidence, lang)
    if r.ruled_out:
        text.append("\n" + t(lang, "reasons.ruled_out") + ": ", style="dim")
        text.append(clean(_answers(catalog, r.ruled_out, lang)))
    shown = {e.question for e in r.evidence}
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


def build(verdict: Verdict, catalog: Catalog, lang: str) -> Group:
    parts: list[Any] = []
    why = all_reasons(verdict, catalog, lang)
    head = Text()
    head.append(f" {t(lang, f'verdict.{verdict.verdict}')} ", style=COLOURS[verdict.verdict])
    head.append("  ")
    head.append(headline(verdict, lang), style="bold")
    head.append("\n")
    head.append(
        t(
            lang,
            "summary",
            score=_num(verdict.score),
            red=len(verdict.red_flags),
            good=len(verdict.good_signs),
            open=len(verdict.undecided),
        ),
        style="dim",
    )
    client = verdict.answers.client
    parts.append(Panel(head, title=plain_text(client) if client else None, title_align="left", expand=False))

    if verdict.red_flags:
        table = Table(title=t(lang, "red_flags"), title_justify="left", show_lines=True, expand=True)
        table.add_column(t(lang, "col.flag"), ratio=3, overflow="fold")
        table.add_column(t(lang, "col.severity"), no_wrap=True)
        table.add_column(t(lang, "col.because"), ratio=3, overflow="fold")
        table.add_column(t(lang, "col.advice"), ratio=5)
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

    if verdict.good_signs:
        table = Table(title=t(lang, "good_signs"), title_justify="left", expand=True)
        table.add_column(t(lang, "col.sign"), ratio=3, style="green")
        table.add_column(t(lang, "col.because"), ratio=3, overflow="fold")
        for f in verdict.good_signs:
            table.add_row(plain_text(f.rule.title.get(lang)), _because(catalog, f.evidence, lang))
        parts.append(table)

    for f in verdict.notes:
        note = Text(f"{t(lang, 'notes')}: ", style="bold")
        note.append(clean(why[id(f)].advice))
        parts.append(note)

    if verdict.ask_next:
        table = Table(title=t(lang, "ask_next"), title_justify="left", expand=True)
        table.add_column("#", no_wrap=True, style="dim")
        table.add_column(t(lang, "col.question"), ratio=4)
        table.add_column(t(lang, "col.decides"), ratio=2)
        for i, a in enumerate(verdict.ask_next, 1):
            q = catalog.questions[a.question]
            text = plain_text(q.text.get(lang))
            text.append(f"\n{clean(a.question)}", style="dim")
            table.add_row(str(i), text, plain_text(", ".join(a.rules)))
        parts.append(table)

    if verdict.answers.from_history:
        parts.append(Text(t(lang, "from_history", ids=", ".join(verdict.answers.from_history)), style="dim"))
    if verdict.ignored:
        parts.append(Text(t(lang, "ignored", ids=", ".join(verdict.ignored)), style="dim"))
    answered = sum(1 for v in verdict.answers.values.values() if v is not UNKNOWN)
    unknown = len(catalog.questions) - answered
    parts.append(Text(t(lang, "footer", digest=catalog.digest[:12], answered=answered, unknown=unknown), style="dim"))
    return Group(*parts)


def render(verdict: Verdict, catalog: Catalog, lang: str, stream: IO[str]) -> None:
    console = Console(file=stream, highlight=False, soft_wrap=False)
    if console.width < MIN_WIDTH:  # narrower, and Rich leaves whole columns empty: wrap instead
        console = Console(file=stream, highlight=False, soft_wrap=False, width=MIN_WIDTH)
    console.print(build(verdict, catalog, lang))
