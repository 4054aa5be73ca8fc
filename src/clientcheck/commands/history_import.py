"""`clientcheck import`: take back a history export (`history --format json`), e.g. on a new machine."""

from __future__ import annotations

from typing import Annotated

import typer

from clientcheck.cli import DbOpt, LangOpt, app, language_for, load_catalog_for
from clientcheck.i18n import t


@app.command("import")
def import_cmd(
    file: Annotated[
        str,
        typer.Argument(help="A file written by 'clientcheck history --format json', or - for stdin.", metavar="FILE"),
    ],
    db: DbOpt = None,
    lang: LangOpt = None,
) -> int:
    """Take back a history export, e.g. on a new machine.

    Records already present are skipped, so importing twice changes nothing.
    """
    from clientcheck.history import History, import_records, read_export, validate_export

    records = validate_export(*read_export(file))  # before the database is created or touched
    load_catalog_for(None, None)  # no command writes before the rules and questions in effect load
    history = History.open(db)
    assert history is not None
    with history:
        result = import_records(history, records)
    from clientcheck.render.plain import out

    out(
        t(
            language_for(lang),
            "history.import.done",
            path=str(history.path),
            assessments=result.assessments,
            payments=result.payments,
            outcomes=result.outcomes,
            skipped=result.skipped,
        )
    )
    return 0
