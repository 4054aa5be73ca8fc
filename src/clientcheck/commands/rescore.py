"""`clientcheck rescore`: which saved verdicts the rules in effect (or --rules) would change."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

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
)
from clientcheck.cliopts import FormatOpt
from clientcheck.commands.history_access import open_to_read

if TYPE_CHECKING:
    from clientcheck.history import Rescored


@app.command()
def rescore(
    rules: RulesOpt = None,
    questions: QuestionsOpt = None,
    fmt: FormatOpt = Format.table,
    color: ColorOpt = ColorMode.auto,
    quiet: QuietOpt = False,
    db: DbOpt = None,
    lang: LangOpt = None,
) -> int:
    """List the saved verdicts that the current rules would change.

    Every saved assessment is evaluated again with the rules in effect (or --rules).
    """
    from clientcheck.history import rescore as rescore_all
    from clientcheck.history import resolve_path

    language = language_for(lang)
    catalog = load_catalog_for(rules, questions)
    history = open_to_read(db)
    total = 0
    changed: list[Rescored] = []
    if history is not None:
        with history:
            total, changed = rescore_all(history, catalog)
    if fmt is Format.json:
        from clientcheck.render.plain import write_json

        write_json({"rules_sha256": catalog.digest, "assessments": total, "changed": [r.to_dict() for r in changed]})
        return 0
    from clientcheck.render.rescore_table import print_rescored
    from clientcheck.terminal import rich_color, use_color

    with rich_color(use_color(color.value, sys.stdout)):
        print_rescored(total, changed, catalog, str(resolve_path(db)), language, quiet)
    return 0
