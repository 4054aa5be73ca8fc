"""`clientcheck lint`: every mistake in the rules and questions in effect, a line each."""

from __future__ import annotations

from typing import Annotated

from clientcheck.cli import Format, LangOpt, QuestionsOpt, RulesOpt, app, language_for
from clientcheck.cliopts import format_option
from clientcheck.errors import EXIT_OK, EXIT_USAGE


@app.command()
def lint(
    rules: RulesOpt = None,
    questions: QuestionsOpt = None,
    fmt: Annotated[Format, format_option("Output format (table: a line per problem).")] = Format.table,
    lang: LangOpt = None,
) -> int:
    """Find mistakes in the rules and questions in effect.

    Every problem is one line, FILE:LINE:COL: message.
    """
    from clientcheck.config import check_env, resolve
    from clientcheck.lint import lint as run_lint
    from clientcheck.render.lint_text import print_report, report_to_dict

    language = language_for(lang)
    sources = resolve(rules, questions)
    check_env(sources)
    report = run_lint(sources.rules.path, sources.questions.path, language)
    if fmt is Format.json:
        from clientcheck.render.plain import write_json

        write_json(report_to_dict(report))
    else:
        print_report(report, language)
    return EXIT_USAGE if report.errors else EXIT_OK
