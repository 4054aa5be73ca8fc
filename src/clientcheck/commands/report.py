"""`clientcheck report`: how well each rule predicted trouble, from the outcomes in the history.

The statistics are clientcheck.report; the table, JSON and HTML renderers are render/report_*.
matplotlib (for --html) is imported only when --html is given.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from clientcheck.cli import (
    ColorMode,
    ColorOpt,
    DbOpt,
    Format,
    LangOpt,
    QuestionsOpt,
    QuietOpt,
    RulesOpt,
    app,
    language_for,
    load_catalog_for,
    say_note,
)
from clientcheck.cliopts import FormatOpt
from clientcheck.errors import UsageError
from clientcheck.i18n import t


@app.command()
def report(
    rules: RulesOpt = None,
    questions: QuestionsOpt = None,
    fmt: FormatOpt = Format.table,
    html: Annotated[
        Path | None,
        typer.Option(
            "--html",
            help="Also write the report as an HTML page with a chart (needs: pip install 'clientcheck[charts]').",
            dir_okay=False,
        ),
    ] = None,
    color: ColorOpt = ColorMode.auto,
    quiet: QuietOpt = False,
    db: DbOpt = None,
    lang: LangOpt = None,
) -> int:
    """How well each rule predicted trouble, over the clients with a recorded outcome.

    With --rules FILE the report is made under FILE, and it also shows how the verdicts and
    the trouble caught would have differed from the rules in effect. Suggestions are only shown,
    never applied.
    """
    from clientcheck.commands.history_access import need as _need
    from clientcheck.report import build

    code = language_for(lang)
    catalog = load_catalog_for(rules, questions)
    # the what-if's baseline: the rules and questions in effect, as without the options
    baseline = load_catalog_for(None, None) if rules is not None else None
    if html is not None and not html.absolute().parent.is_dir():
        raise UsageError(t(code, "report.html.no_dir", path=html, dir=html.absolute().parent))
    with _need(db, code) as history:
        made = build(history, catalog, baseline)
    if made.with_outcome == 0:
        say_note(t(code, "report.no_outcomes"))
    page = None
    if html is not None:  # drawn before anything is printed: a missing matplotlib fails cleanly
        from clientcheck.render.report_html import render as render_html

        page = render_html(made, catalog, code)
    if fmt is Format.json:
        from clientcheck.render.plain import write_json
        from clientcheck.render.report_data import report_to_dict

        write_json(report_to_dict(made, catalog, code))
    else:
        from clientcheck.render.report_table import render as render_table
        from clientcheck.terminal import rich_color, use_color

        with rich_color(use_color(color.value, sys.stdout)):
            render_table(made, catalog, code, sys.stdout)
    sys.stdout.flush()
    if html is not None and page is not None:
        try:
            html.write_text(page, encoding="utf-8")
        except OSError as exc:
            raise UsageError(t(code, "report.html.failed", path=html, reason=exc.strerror or exc)) from None
        say_note(t(code, "report.html.written", path=html))
    return 0
