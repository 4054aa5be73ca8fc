"""`clientcheck check`: answers file -> verdict."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from clientcheck.cli import (
    EXIT_CODES_HELP,
    FailOn,
    Format,
    LangOpt,
    QuestionsOpt,
    RulesOpt,
    app,
    language_for,
    load_catalog_for,
)


@app.command(epilog=EXIT_CODES_HELP)
def check(
    answers: Annotated[
        str, typer.Argument(help="Answers file (YAML or JSON), or - for standard input.", metavar="ANSWERS")
    ],
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.table,
    lang: LangOpt = None,
    fail_on: Annotated[
        FailOn, typer.Option("--fail-on", help="Lowest verdict that makes the exit code 1.")
    ] = FailOn.decline,
    rules: RulesOpt = None,
    questions: QuestionsOpt = None,
) -> int:
    """Check an answers file against the rules and print the verdict."""
    from clientcheck.answers import read_answers
    from clientcheck.evaluate import evaluate
    from clientcheck.render import get as get_renderer

    catalog = load_catalog_for(rules, questions)
    given = read_answers(answers, catalog)
    verdict = evaluate(catalog, given)
    get_renderer(fmt.value)(verdict, catalog, language_for(lang), sys.stdout)
    sys.stdout.flush()
    return verdict.exit_code(fail_on.value)
