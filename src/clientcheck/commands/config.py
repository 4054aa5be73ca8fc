"""`clientcheck config`: which rules and questions files are in effect, and why."""

from __future__ import annotations

from clientcheck.cli import Format, LangOpt, QuestionsOpt, RulesOpt, app, language_for
from clientcheck.cliopts import FormatOpt
from clientcheck.errors import EXIT_OK


@app.command()
def config(
    rules: RulesOpt = None,
    questions: QuestionsOpt = None,
    fmt: FormatOpt = Format.table,
    lang: LangOpt = None,
) -> int:
    """Show which rules and questions are in effect, and why."""
    from clientcheck.config import check_env, resolve
    from clientcheck.render.project_text import print_sources, sources_to_dict

    language = language_for(lang)
    sources = resolve(rules, questions, full=True)
    if fmt is Format.json:
        from clientcheck.render.plain import write_json

        write_json(sources_to_dict(sources))
    else:
        print_sources(sources, language)
    check_env(sources)  # after the listing: a variable naming a missing path is still a mistake
    return EXIT_OK
