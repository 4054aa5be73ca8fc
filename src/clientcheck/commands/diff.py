"""`clientcheck diff`: what changed between a client's latest two assessments, or two by number."""

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
from clientcheck.commands.history_access import ClientOnly, find, need
from clientcheck.errors import UsageError
from clientcheck.i18n import t


@app.command()
def diff(
    refs: Annotated[
        list[str] | None,
        typer.Argument(
            help="A client (their latest two assessments), or two assessment numbers.",
            metavar="CLIENT|ID ID",
            autocompletion=completer("ASSESSMENT_OR_CLIENT"),
        ),
    ] = None,
    fmt: FormatOpt = Format.table,
    client_opt: ClientOnly = None,
    color: ColorOpt = ColorMode.auto,
    quiet: QuietOpt = False,
    db: DbOpt = None,
    lang: LangOpt = None,
    rules: RulesOpt = None,
    questions: QuestionsOpt = None,
) -> int:
    """Show what changed between two assessments.

    The answers that changed, the red flags and good signs gained and lost, and the verdict.
    """
    from clientcheck.history import diff_assessments

    language = language_for(lang)
    refs = list(refs or [])
    if client_opt is not None:
        if refs:
            raise UsageError(t(language, "history.err.diff_both"))
        refs = [client_opt]
    with need(db, language) as history:
        if len(refs) == 1:
            found = history.assessments(refs[0])
            if len(found) < 2:
                raise UsageError(t(language, "history.err.diff_count", client=refs[0], count=len(found)))
            before, after = found[-2], found[-1]
        elif len(refs) == 2 and all(r.isdigit() for r in refs):
            before, after = (find(history, int(r), language) for r in refs)
        else:
            raise UsageError(t(language, "history.err.diff_usage"))
    d = diff_assessments(before, after)
    if fmt is Format.json:
        from clientcheck.render.plain import write_json

        write_json(d.to_dict())
        return 0
    from clientcheck.render.history_diff import print_diff
    from clientcheck.terminal import rich_color, use_color

    catalog = load_catalog_for(rules, questions)
    with rich_color(use_color(color.value, sys.stdout)):
        print_diff(d, catalog, language, quiet)
    return 0
