"""`clientcheck history`: list saved assessments, or one client's with their payments and outcomes;
`--format json` exports everything for `clientcheck import`."""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import Annotated

import typer

from clientcheck.cli import (
    ColorMode,
    ColorOpt,
    DbOpt,
    LangOpt,
    QuietOpt,
    app,
    completer,
    language_for,
    load_catalog_for,
)
from clientcheck.cliopts import format_option, say
from clientcheck.commands.history_access import ClientOnly, one_client, open_to_read
from clientcheck.i18n import t


class ListFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


def _severity_labels(lang: str) -> dict[str, str]:
    """Severity ids -> their names in lang, from the rules in effect; ids alone if those cannot load
    (a listing of saved assessments must not fail because today's rules file is broken)."""
    from clientcheck.errors import ClientcheckError

    try:
        catalog = load_catalog_for(None, None)
    except ClientcheckError:
        return {}
    return {name: sev.label.get(lang) for name, sev in catalog.policy.severities.items()}


@app.command("history")
def history_cmd(
    client_arg: Annotated[
        str | None,
        typer.Argument(
            help="Only this client (case and spacing do not matter); the same as --client.",
            metavar="CLIENT",
            autocompletion=completer("CLIENT"),
        ),
    ] = None,
    fmt: Annotated[ListFormat, format_option("Output format (json: everything, for 'clientcheck import').")] = (
        ListFormat.table
    ),
    client_opt: ClientOnly = None,
    color: ColorOpt = ColorMode.auto,
    quiet: QuietOpt = False,
    db: DbOpt = None,
    lang: LangOpt = None,
) -> int:
    """List saved assessments and a client's payments.

    --format json exports everything, for 'clientcheck import'.
    """
    from clientcheck.history import EXPORT_SCHEMA, resolve_path
    from clientcheck.render.history_list import write_csv
    from clientcheck.render.plain import write_json
    from clientcheck.terminal import rich_color, use_color

    language = language_for(lang)
    client = one_client(client_arg, client_opt, language)
    path = resolve_path(db)
    history = open_to_read(db)
    if history is None:
        if fmt is ListFormat.json:
            write_json({"schema": EXPORT_SCHEMA, "assessments": [], "payments": [], "outcomes": []})
        elif fmt is ListFormat.csv:
            write_csv([])
        else:
            say(t(language, "history.no_db", path=path))  # stdout stays pure data
        return 0
    with history:
        if fmt is ListFormat.json:
            from clientcheck.history import export

            write_json(export(history, client))
            return 0
        assessments = history.assessments(client)
        if fmt is ListFormat.csv:
            write_csv(assessments)
            return 0
        payments = history.payments(client) if client else []
        from clientcheck.outcomes import outcomes

        found = outcomes(history, client) if client else []  # issue 15: how it went
    from clientcheck.render.history_list import print_assessments, print_outcomes, print_payments

    with rich_color(use_color(color.value, sys.stdout)):
        labels = _severity_labels(language) if assessments else {}
        print_assessments(assessments, labels, client, str(path), language, quiet)
        if client and payments:
            print_payments(payments, load_catalog_for(None, None).late_window_days, language)
        if found:
            print_outcomes(found, language)
    return 0
