"""`clientcheck history`: saved assessments as a table (blocks on a narrow terminal) or CSV,
and one client's payments and outcomes."""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from clientcheck import fmt
from clientcheck.history.records import Assessment, Payment
from clientcheck.i18n import t
from clientcheck.render.history_cells import console, flags, text, verdict_cell, when

if TYPE_CHECKING:
    from clientcheck.outcomes import Outcome

CSV_HEADER = ["id", "created_at", "client", "language", "verdict", "score", "red_flags", "good_signs", "rules_sha256"]


def write_csv(assessments: Sequence[Assessment]) -> None:
    import csv

    from clientcheck.terminal import spreadsheet_cell

    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(CSV_HEADER)
    for a in assessments:
        out.writerow(
            [
                a.id,
                fmt.stamp(a.created_at),
                spreadsheet_cell(a.client),  # a name like "=cmd|..." stays text in a spreadsheet
                a.language,
                a.verdict,
                fmt.short(a.score),
                " ".join(f"{f.id}:{f.severity}" for f in a.red_flags),
                " ".join(f.id for f in a.fired if f.kind == "good-sign"),
                a.rules_digest,
            ]
        )
    sys.stdout.flush()


def print_assessments(
    assessments: Sequence[Assessment],
    labels: Mapping[str, str],
    client: str | None,
    path: str,
    lang: str,
    quiet: bool = False,
) -> None:
    """The assessments (or that there are none); labels name the severities."""
    from rich.table import Table

    from clientcheck.render.table import NARROW

    out = console()
    if assessments and out.width < NARROW:
        out.print(_stacked(assessments, labels, lang))
    elif assessments:
        table = Table(title=t(lang, "history.title"), title_justify="left", expand=True)
        table.add_column(t(lang, "history.col.id"), no_wrap=True, justify="right")
        table.add_column(t(lang, "history.col.when"), no_wrap=True)
        table.add_column(t(lang, "history.col.client"), ratio=2)
        table.add_column(t(lang, "history.col.verdict"), no_wrap=True)
        table.add_column(t(lang, "history.col.score"), justify="right", no_wrap=True)
        table.add_column(t(lang, "history.col.flags"), ratio=3)
        table.add_column(t(lang, "history.col.rules"), no_wrap=True, style="dim")
        for a in assessments:
            table.add_row(
                str(a.id),
                when(a.created_at, lang),
                text(a.client),
                verdict_cell(lang, a.verdict),
                fmt.short(a.score),
                text(flags(a.red_flags, labels)),
                a.rules_digest[:8],
            )
        out.print(table)
    else:
        if client:
            out.print(text(t(lang, "history.none.client", client=client, path=path)))
        else:
            out.print(text(t(lang, "history.none", path=path)))
        if not quiet:
            out.print(text(t(lang, "history.none.hint"), "dim"))


def _stacked(assessments: Sequence[Assessment], labels: Mapping[str, str], lang: str) -> Any:
    """The assessments as blocks, for a narrow terminal: a table of seven columns would break every
    id and name across lines there."""
    from rich.console import Group

    from clientcheck.render.table import hang

    parts: list[Any] = [text(t(lang, "history.title"), "bold")]
    for a in assessments:
        head = text(a.client, "bold")
        head.append(f" · {when(a.created_at, lang)}", style="dim")
        line = verdict_cell(lang, a.verdict)
        line.append(f" {t(lang, 'history.col.score').lower()} {fmt.short(a.score)}")
        line.append(f" · {t(lang, 'history.col.rules').lower()} {a.rules_digest[:8]}", style="dim")
        rows = [head, line]
        if a.red_flags:
            rows.append(text(flags(a.red_flags, labels)))
        parts.append(hang(f"#{a.id}", *rows))
    return Group(*parts)


def payment_status(late: bool, days: int | None, lang: str) -> str:
    if not late:
        return t(lang, "history.on_time")
    return t(lang, "history.late.days", days=days) if days else t(lang, "history.late")


def print_payments(payments: Sequence[Payment], window_days: int | None, lang: str) -> None:
    """One client's payments, and their count under the late-payments window in effect."""
    from rich.table import Table

    from clientcheck.render.history_text import describe_tally

    table = Table(title=t(lang, "history.payments"), title_justify="left")
    table.add_column(t(lang, "history.col.paid_on"), no_wrap=True)
    table.add_column(t(lang, "history.col.payment"))
    for p in payments:
        table.add_row(
            fmt.day(p.paid_on, lang), text(payment_status(p.late, p.days_late, lang), "red" if p.late else "green")
        )
    out = console()
    out.print(table)
    out.print(text(describe_tally(payments[-1].client, payments, window_days, lang)))


def print_outcomes(found: Sequence[Outcome], lang: str) -> None:
    """One client's recorded outcomes."""
    from rich.table import Table

    from clientcheck.render.outcome import table as rows

    table = Table(title=t(lang, "history.outcomes"), title_justify="left")
    for key in ("history.col.on", "history.col.assessment", "history.col.outcome", "history.col.counted"):
        table.add_column(t(lang, key))
    for on, assessment, facts, counted in rows(list(found), lang):
        table.add_row(on, assessment, text(facts), counted)
    console().print(table)
