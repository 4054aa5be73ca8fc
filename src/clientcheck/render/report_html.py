"""`report --html FILE`: one self-contained HTML page with the chart embedded as inline SVG.

The chart is drawn by matplotlib (the optional extra `clientcheck[charts]`), imported only here,
through its object API (Figure, no pyplot): no GUI backend is touched and nothing global changes.
Text stays text in the SVG (svg.fonttype none), so the page is searchable and Cyrillic is drawn
by the browser's fonts; a fixed hash salt and no date make the same report give the same file.
"""

from __future__ import annotations

import io
from html import escape
from typing import Any

from clientcheck.errors import UsageError
from clientcheck.i18n import t
from clientcheck.model import VERDICTS, Catalog
from clientcheck.render.report_data import (
    clients_text,
    compared,
    kind_text,
    rate_text,
    reading_text,
    signed_span,
    suggestion_text,
    title,
    uncompared,
)
from clientcheck.report import MIN_CASES, Report

FIRED_COLOUR = "#c0392b"
NOT_FIRED_COLOUR = "#27ae60"


def _matplotlib(lang: str) -> Any:
    try:
        import matplotlib
    except ImportError:
        raise UsageError(t(lang, "report.html.no_matplotlib")) from None
    return matplotlib


def chart_svg(report: Report, lang: str) -> str:
    """Per rule: the trouble rate when it fired and when it did not, each with its 95% interval."""
    matplotlib = _matplotlib(lang)
    from matplotlib.figure import Figure

    rows = compared(report)
    with matplotlib.rc_context({"svg.hashsalt": "clientcheck", "svg.fonttype": "none", "font.size": 10}):
        fig = Figure(figsize=(9, 1.2 + 0.55 * max(len(rows), 1)), layout="constrained")
        ax = fig.add_subplot()
        labels = []
        for i, s in enumerate(rows):
            y = len(rows) - 1 - i  # the best predictor on top
            labels.append((y, f"{s.id}  (n={s.fired.n})"))
            for rate, offset, colour in ((s.fired, 0.17, FIRED_COLOUR), (s.not_fired, -0.17, NOT_FIRED_COLOUR)):
                iv, p = rate.interval, rate.rate
                assert iv is not None and p is not None
                ax.errorbar(
                    [100 * p],
                    [y + offset],
                    xerr=[[100 * (p - iv.low)], [100 * (iv.high - p)]],
                    fmt="o",
                    color=colour,
                    capsize=3,
                    markersize=6,
                )
        overall = report.overall.rate
        if overall is not None:
            ax.axvline(100 * overall, color="#888888", linestyle="--", linewidth=1)
        ax.set_yticks([y for y, _ in labels], [label for _, label in labels])
        ax.set_xlim(-2, 102)  # a rate of 0% or 100% keeps its whole marker
        ax.set_xticks([0, 20, 40, 60, 80, 100])
        ax.set_ylim(-0.7, max(len(rows), 1) - 0.3)
        ax.set_xlabel(t(lang, "report.html.x_label"))
        ax.set_title(t(lang, "report.html.chart_title"), loc="left")
        ax.grid(axis="x", color="#dddddd")
        ax.plot([], [], "o", color=FIRED_COLOUR, label=t(lang, "report.chart.fired"))
        ax.plot([], [], "o", color=NOT_FIRED_COLOUR, label=t(lang, "report.chart.not_fired"))
        ax.plot([], [], "--", color="#888888", label=t(lang, "report.html.overall"))
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)  # beside, never over a bar
        buf = io.StringIO()
        fig.savefig(buf, format="svg", metadata={"Date": None})
    svg = buf.getvalue()
    return svg[svg.index("<svg") :]  # inline: no XML declaration or DOCTYPE inside HTML


def _table(head: list[str], rows: list[list[str]]) -> str:
    th = "".join(f"<th>{escape(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>"


STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 60em; color: #222; padding: 0 1em; }
h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 2em; }
table { border-collapse: collapse; width: 100%; font-size: 0.92em; }
th, td { border-bottom: 1px solid #ddd; padding: 0.35em 0.5em; text-align: left; vertical-align: top; }
th { background: #f4f4f4; } .dim { color: #777; } .chart svg { width: 100%; height: auto; }
.predicts-trouble { color: #c0392b; font-weight: bold; } .predicts-less-trouble { color: #27ae60; font-weight: bold; }
.too-few-cases { color: #b7791f; } .never-fired { color: #999; }
.v { padding: 0 0.4em; color: #fff; font-weight: bold; } .go { background: #27ae60; }
.caution { background: #f1c40f; color: #000; } .decline { background: #c0392b; }
"""


def render(report: Report, catalog: Catalog, lang: str) -> str:
    """The whole page."""
    svg = chart_svg(report, lang) if compared(report) else ""

    def verdict(v: str) -> str:
        return f'<span class="v {v}">{escape(t(lang, f"verdict.{v}"))}</span>'

    parts = [
        f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">',
        f"<title>{escape(t(lang, 'report.html.title'))}</title><style>{STYLE}</style></head><body>",
        f"<h1>{escape(t(lang, 'report.html.title'))}</h1>",
        "<p>"
        + escape(
            t(
                lang,
                "report.head",
                assessments=report.assessments,
                outcomes=report.with_outcome,
                cases=len(report.cases),
                trouble=rate_text(report.overall, lang),
            )
        )
        + "</p>",
        f'<p class="dim">{escape(t(lang, "report.interval_note"))}</p>',
        "<p>"
        + escape(t(lang, "report.by_verdict"))
        + " "
        + " &nbsp; ".join(f"{verdict(v)} {escape(rate_text(report.by_verdict[v], lang))}" for v in VERDICTS)
        + "</p>",
    ]
    if svg:
        parts.append(f'<div class="chart">{svg}</div>')
    parts.append(f"<h2>{escape(t(lang, 'report.rules.title'))}</h2>")
    if not compared(report):  # a header without rows says nothing: one line does
        parts.append(f'<p class="dim">{escape(t(lang, "report.rules.none"))}</p>')
    else:
        parts.append(
            _table(
                [
                    t(lang, "report.col.rule"),
                    t(lang, "report.col.level"),
                    t(lang, "report.col.fired"),
                    t(lang, "report.col.not_fired"),
                    t(lang, "report.col.difference"),
                    t(lang, "report.col.reading"),
                ],
                [
                    [
                        f"<b>{escape(s.id)}</b><br><span class='dim'>{escape(title(catalog, s.id, lang))}</span>",
                        escape(kind_text(catalog, s, lang)),
                        escape(rate_text(s.fired, lang)),
                        escape(rate_text(s.not_fired, lang)),
                        escape(signed_span(s.difference, lang)),
                        f'<span class="{s.reading}">{escape(reading_text(s, lang))}</span>',
                    ]
                    for s in compared(report)
                ],
            )
        )
    for key, ids in uncompared(report):
        parts.append(f'<p class="dim">{escape(t(lang, key, cases=len(report.cases), ids=", ".join(ids)))}</p>')
    parts.append(f"<h2>{escape(t(lang, 'report.overruled.title'))}</h2><ul>")
    for o in report.overruled:
        key = "report.overruled.taken" if o.taken else "report.overruled.not_taken"
        line = t(lang, key, verdict=t(lang, f"verdict.{o.verdict}"), count=o.count)
        if o.taken:
            line += " " + t(lang, "report.overruled.how", trouble=rate_text(o.trouble, lang))
        parts.append(f"<li>{escape(line)}<br><span class='dim'>{escape(clients_text(o, lang, 50))}</span></li>")
    if not report.overruled:
        parts.append(f"<li class='dim'>{escape(t(lang, 'report.overruled.none'))}</li>")
    parts.append(f"</ul><h2>{escape(t(lang, 'report.suggestions.title'))}</h2><ol>")
    parts += [f"<li>{escape(suggestion_text(s, catalog, lang))}</li>" for s in report.suggestions]
    parts.append("</ol>")
    if report.suggestions:
        parts.append(f'<p class="dim">{escape(t(lang, "report.suggestions.never_applied"))}</p>')
    else:
        parts.append(f'<p class="dim">{escape(t(lang, "report.suggestions.none", min=MIN_CASES))}</p>')
    w = report.what_if
    if w is not None:
        parts.append(
            f"<h2>{escape(t(lang, 'report.what_if.title', base=w.base_digest[:12], other=w.other_digest[:12]))}</h2>"
        )
        parts.append(
            _table(
                [t(lang, "history.col.verdict"), t(lang, "report.what_if.in_effect"), t(lang, "report.what_if.other")],
                [
                    [
                        verdict(v),
                        escape(t(lang, "report.what_if.cell", n=w.base[v].n, k=w.base[v].k)),
                        escape(t(lang, "report.what_if.cell", n=w.other[v].n, k=w.other[v].k)),
                    ]
                    for v in VERDICTS
                ],
            )
        )
        (bk, bf), (ok, of) = w.caught(w.base), w.caught(w.other)
        total = sum(1 for c in report.cases if c.trouble)
        parts.append(f"<p>{escape(t(lang, 'report.what_if.caught', before=bk, after=ok, total=total))}<br>")
        parts.append(
            f"{escape(t(lang, 'report.what_if.false', before=bf, after=of, total=len(report.cases) - total))}</p>"
        )
        if w.changed:
            parts.append(f"<h2>{escape(t(lang, 'report.what_if.changed', count=len(w.changed)))}</h2>")
            parts.append(
                _table(
                    [
                        t(lang, "history.col.id"),
                        t(lang, "history.col.client"),
                        t(lang, "report.col.outcome"),
                        t(lang, "history.col.was"),
                        t(lang, "history.col.now"),
                    ],
                    [
                        [
                            str(c.assessment.id),
                            escape(c.assessment.client),
                            escape(t(lang, "report.trouble" if c.trouble else "report.fine")),
                            verdict(before),
                            verdict(after),
                        ]
                        for c, before, after in w.changed
                    ],
                )
            )
        else:
            parts.append(f'<p class="dim">{escape(t(lang, "report.what_if.same"))}</p>')
    parts.append(f'<p class="dim">rules_sha256 {escape(report.digest)}</p>')
    parts.append("</body></html>\n")
    return "".join(parts)
