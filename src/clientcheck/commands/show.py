"""`clientcheck show ID`: a saved assessment again, as JSON exactly as it was saved, or as a table
under the rules in effect."""

from __future__ import annotations

import sys
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
    completer,
    language_for,
    load_catalog_for,
)
from clientcheck.cliopts import FormatOpt
from clientcheck.commands.history_access import find, need


@app.command()
def show(
    assessment_id: Annotated[
        int,
        typer.Argument(
            help="The assessment's number, as 'clientcheck history' lists it.",
            metavar="ID",
            autocompletion=completer("ASSESSMENT"),
        ),
    ],
    fmt: FormatOpt = Format.table,
    color: ColorOpt = ColorMode.auto,
    quiet: QuietOpt = False,
    db: DbOpt = None,
    lang: LangOpt = None,
    rules: RulesOpt = None,
    questions: QuestionsOpt = None,
) -> int:
    """Show a saved assessment again."""
    from clientcheck.history import reevaluate

    # the language of this run, like every other command (the stored verdict keeps its own texts)
    language = language_for(lang)
    with need(db, language) as history:
        a = find(history, assessment_id, language)
    if fmt is Format.json:
        from clientcheck.render.plain import write_json

        # the verdict exactly as it was when saved, whatever the rules say today
        write_json(a.stored_verdict(language))
        return 0
    from clientcheck.profile import with_currency

    catalog = load_catalog_for(rules, questions)
    verdict, dropped = reevaluate(a, catalog)
    catalog = with_currency(catalog, verdict.answers.values)  # as check showed it: amounts in the seller's currency
    from clientcheck.render.data import verdict_to_dict
    from clientcheck.render.history_show import print_assessment
    from clientcheck.terminal import rich_color, use_color

    stored = a.stored_verdict(language)
    faithful = a.rules_digest == catalog.digest and verdict_to_dict(verdict, catalog, language) == stored
    with rich_color(use_color(color.value, sys.stdout)):
        print_assessment(a, verdict, dropped, faithful or quiet, catalog, language, quiet)
    return 0
