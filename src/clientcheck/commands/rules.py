"""`clientcheck rules list|show|test`: the rules in effect, one rule in full, and their examples run."""

from __future__ import annotations

import sys
from typing import Annotated, Any

import typer

from clientcheck.cli import (
    App,
    ColorMode,
    ColorOpt,
    Format,
    LangOpt,
    QuestionsOpt,
    RulesOpt,
    app,
    language_for,
    load_catalog_for,
)
from clientcheck.cliopts import FormatOpt
from clientcheck.errors import EXIT_FAIL, EXIT_OK, UsageError
from clientcheck.i18n import t

rules_app = App(name="rules", help="List, show and test the rules in effect.")
app.add_typer(rules_app, name="rules")


def rule_id_names(ctx: Any, incomplete: str) -> list[Any]:
    from clientcheck.completion import RULE_ID

    return RULE_ID(ctx, incomplete)


@rules_app.command("list")
def rules_list(
    rules: RulesOpt = None,
    questions: QuestionsOpt = None,
    fmt: FormatOpt = Format.table,
    color: ColorOpt = ColorMode.auto,
    lang: LangOpt = None,
) -> int:
    """List the rules in effect: id, kind, severity and title."""
    language = language_for(lang)
    catalog = load_catalog_for(rules, questions)
    if fmt is Format.json:
        from clientcheck.render.plain import write_json
        from clientcheck.render.rules_text import rule_summary

        write_json([rule_summary(r, language) for r in catalog.rules])
        return EXIT_OK
    from clientcheck.render.rules_text import print_rules
    from clientcheck.terminal import rich_color, use_color

    with rich_color(use_color(color.value, sys.stdout)):
        print_rules(catalog, language)
    return EXIT_OK


@rules_app.command("show")
def rules_show(
    rule_id: Annotated[
        str,
        typer.Argument(
            help="The rule's id (see 'clientcheck rules list').", metavar="ID", autocompletion=rule_id_names
        ),
    ],
    rules: RulesOpt = None,
    questions: QuestionsOpt = None,
    fmt: FormatOpt = Format.table,
    lang: LangOpt = None,
) -> int:
    """Show one rule in full.

    What it means, why it matters, when it fires, what to do or say, its source and examples.
    """
    from clientcheck.conditions import suggest
    from clientcheck.render.rules_text import print_rule, rule_to_dict

    language = language_for(lang)
    catalog = load_catalog_for(rules, questions)
    rule = catalog.rule(rule_id)
    if rule is None:
        ids = [r.id for r in catalog.rules]
        raise UsageError(t(language, "rules.show.unknown", id=rule_id) + suggest(rule_id, ids, language))
    if fmt is Format.json:
        from clientcheck.render.plain import write_json

        write_json(rule_to_dict(catalog, rule, language))
    else:
        print_rule(catalog, rule, language)
    return EXIT_OK


@rules_app.command("test")
def rules_test(
    rules: RulesOpt = None,
    questions: QuestionsOpt = None,
    min_coverage: Annotated[
        float | None,
        typer.Option(
            "--min-coverage",
            help="Fail when fewer than PCT % of the rules have an example where they fire.",
            metavar="PCT",
            min=0,
            max=100,
        ),
    ] = None,
    lang: LangOpt = None,
) -> int:
    """Run every rule's examples and report the coverage.

    A failing example is reported with its FILE:LINE.
    """
    from clientcheck.render.rules_text import print_test_run
    from clientcheck.rulestest import run

    language = language_for(lang)
    catalog = load_catalog_for(rules, questions)
    result = run(catalog, language)
    print_test_run(result, min_coverage, language)
    below = min_coverage is not None and result.coverage < min_coverage
    return EXIT_FAIL if result.failures or below else EXIT_OK
