"""`report --format table`: the report for a terminal, with a bar chart per rule.

A bar shows a trouble rate and its 95% interval in one line: █ up to the interval's low end
(as sure as the data gets), ▓ from there to the rate itself, ░ on to the interval's high end.
A rule seen three times gets a long ░ tail, so a short history reads as uncertain at a glance.
"""

from __future__ import annotations

from typing import IO

from rich.console import Console
from rich.table import Table
from rich.text import Text

from clientcheck.i18n import t
from clientcheck.model import VERDICTS, Catalog
from clientcheck.render.report_data import (
    clients_text,
    compared,
    kind_text,
    pct,
    rate_text,
    reading_text,
    signed_span,
    suggestion_text,
    title,
    uncompared,
)
from clientcheck.render.table import COLOURS, plain_text
from clientcheck.render.table import console as make_console
from clientcheck.report import MIN_CASES, Rate, Report

BAR_WIDTH = 30
READING_STYLE = {
    "predicts-trouble": "bold red",
    "predicts-less-trouble": "bold green",
    "no-clear-link": "",
    "too-few-cases": "yellow",
    "never-fired": "dim",
}


def bar(r: Rate, width: int = BAR_WIDTH) -> str:
    """The rate and its interval as a bar of `width` cells (see the module's docstring)."""
    iv, p = r.interval, r.rate
    if iv is None or p is None:
        return " " * width
    cells = []
    for i in range(width):
        x = (i + 0.5) / width
        cells.append("█" if x <= iv.low else "▓" if x <= p else "░" if x <= iv.high else " ")
    return "".join(cells)


def chart(report: Report, catalog: Catalog, lang: str) -> Table:
    table = Table(title=t(lang, "report.chart.title"), title_justify="left", show_header=False, box=None, expand=False)
    table.add_column(no_wrap=True)
    table.add_column(no_wrap=True)
    table.add_column(no_wrap=True)
    table.add_column(no_wrap=True)
    for s in compared(report):
        fired_label, not_label = t(lang, "report.chart.fired"), t(lang, "report.chart.not_fired")
        table.add_row(
            plain_text(s.id, "bold"),
            plain_text(fired_label),
            Text(bar(s.fired), style="red"),
            plain_text(f"{pct(s.fired.rate, lang)} ({s.fired.k}/{s.fired.n})"),
        )
        table.add_row(
            plain_text(""),
            plain_text(not_label),
            Text(bar(s.not_fired), style="green"),
            plain_text(f"{pct(s.not_fired.rate, lang)} ({s.not_fired.k}/{s.not_fired.n})"),
        )
    return table


def render(report: Report, catalog: Catalog, lang: str, stream: IO[str]) -> None:
    console = make_console(stream)  # as wide as the terminal, never under MIN_WIDTH; no trailing padding
    overall = report.overall
    console.print(
        plain_text(
            t(
                lang,
                "report.head",
                assessments=report.assessments,
                outcomes=report.with_outcome,
                cases=len(report.cases),
                trouble=rate_text(overall, lang),
            ),
            "bold",
        )
    )
    if report.not_taken or report.unknown:
        console.print(plain_text(t(lang, "report.head.left_out", not_taken=report.not_taken, unknown=report.unknown)))
    console.print(plain_text(t(lang, "report.interval_note"), "dim"))
    if report.skipped:
        console.print(plain_text(t(lang, "history.dropped", ids=", ".join(report.skipped)), "yellow"))

    console.print(plain_text(t(lang, "report.by_verdict")))
    width = max(len(t(lang, f"verdict.{v}")) for v in VERDICTS)
    for v in VERDICTS:
        line = plain_text("  ")
        line.append(f" {t(lang, f'verdict.{v}'):<{width}} ", COLOURS[v])
        line.append(f" {rate_text(report.by_verdict[v], lang)}")
        console.print(line)

    if compared(report):
        console.print(_rules_table(report, catalog, lang))
    else:  # a header without rows says nothing: one line does
        console.print(plain_text(t(lang, "report.rules.title"), "bold"))
        console.print(plain_text(t(lang, "report.rules.none"), "dim"))
    for key, ids in uncompared(report):
        console.print(plain_text(t(lang, key, cases=len(report.cases), ids=", ".join(ids)), "dim"))
    if compared(report):
        console.print(chart(report, catalog, lang))
        console.print(plain_text(t(lang, "report.chart.legend"), "dim"))

    console.print(plain_text(t(lang, "report.overruled.title"), "bold"))
    if not report.overruled:
        console.print(plain_text(t(lang, "report.overruled.none"), "dim"))
    for o in report.overruled:
        key = "report.overruled.taken" if o.taken else "report.overruled.not_taken"
        head = t(lang, key, verdict=t(lang, f"verdict.{o.verdict}"), count=o.count)
        if o.taken:
            head += " " + t(lang, "report.overruled.how", trouble=rate_text(o.trouble, lang))
        console.print(plain_text("• " + head))
        console.print(plain_text("  " + clients_text(o, lang), "dim"))

    console.print(plain_text(t(lang, "report.suggestions.title"), "bold"))
    if not report.suggestions:
        console.print(plain_text(t(lang, "report.suggestions.none", min=MIN_CASES), "dim"))
    for n, sug in enumerate(report.suggestions, 1):
        console.print(plain_text(f"{n}. {suggestion_text(sug, catalog, lang)}"))
    if report.suggestions:
        console.print(plain_text(t(lang, "report.suggestions.never_applied"), "dim"))

    if report.what_if is not None:
        _what_if(console, report, lang)


def _what_if(console: Console, report: Report, lang: str) -> None:
    w = report.what_if
    assert w is not None
    console.print(
        plain_text(t(lang, "report.what_if.title", base=w.base_digest[:12], other=w.other_digest[:12]), "bold")
    )
    table = Table(expand=False)
    table.add_column(t(lang, "history.col.verdict"), no_wrap=True)
    table.add_column(t(lang, "report.what_if.in_effect"), justify="right")
    table.add_column(t(lang, "report.what_if.other"), justify="right")
    for v in VERDICTS:
        table.add_row(
            Text(f" {t(lang, f'verdict.{v}')} ", COLOURS[v]),
            plain_text(t(lang, "report.what_if.cell", n=w.base[v].n, k=w.base[v].k)),
            plain_text(t(lang, "report.what_if.cell", n=w.other[v].n, k=w.other[v].k)),
        )
    console.print(table)
    (bk, bf), (ok, of) = w.caught(w.base), w.caught(w.other)
    total = sum(1 for c in report.cases if c.trouble)
    console.print(plain_text(t(lang, "report.what_if.caught", before=bk, after=ok, total=total)))
    console.print(plain_text(t(lang, "report.what_if.false", before=bf, after=of, total=len(report.cases) - total)))
    if not w.changed:
        console.print(plain_text(t(lang, "report.what_if.same"), "dim"))
        return
    table = Table(title=t(lang, "report.what_if.changed", count=len(w.changed)), title_justify="left", expand=False)
    table.add_column(t(lang, "history.col.id"), justify="right", no_wrap=True)
    table.add_column(t(lang, "history.col.client"))
    table.add_column(t(lang, "report.col.outcome"), no_wrap=True)
    table.add_column(t(lang, "history.col.was"), no_wrap=True)
    table.add_column(t(lang, "history.col.now"), no_wrap=True)
    for c, before, after in w.changed:
        table.add_row(
            str(c.assessment.id),
            plain_text(c.assessment.client),
            plain_text(t(lang, "report.trouble" if c.trouble else "report.fine"), "red" if c.trouble else "green"),
            Text(f" {t(lang, f'verdict.{before}')} ", COLOURS[before]),
            Text(f" {t(lang, f'verdict.{after}')} ", COLOURS[after]),
        )
    console.print(table)


def _rules_table(report: Report, catalog: Catalog, lang: str) -> Table:
    table = Table(title=t(lang, "report.rules.title"), title_justify="left", expand=True)
    table.add_column(t(lang, "report.col.rule"), ratio=3)
    table.add_column(t(lang, "report.col.level"), no_wrap=True)
    table.add_column(t(lang, "report.col.fired"), ratio=2)
    table.add_column(t(lang, "report.col.not_fired"), ratio=2)
    table.add_column(t(lang, "report.col.difference"), no_wrap=True)
    table.add_column(t(lang, "report.col.reading"), ratio=2)
    for s in compared(report):
        name = plain_text(s.id, "bold")
        name.append("\n" + title(catalog, s.id, lang), style="dim")
        not_fired = rate_text(s.not_fired, lang)
        if s.undecided:
            not_fired += "\n" + t(lang, "report.undecided", count=s.undecided)
        table.add_row(
            name,
            plain_text(kind_text(catalog, s, lang)),
            plain_text(rate_text(s.fired, lang)),
            plain_text(not_fired),
            plain_text(signed_span(s.difference, lang)),
            plain_text(reading_text(s, lang), READING_STYLE[s.reading]),
        )
    return table
