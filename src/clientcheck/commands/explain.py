"""`clientcheck explain`: why each rule fired, did not fire, or is undecided for an answers file."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from clientcheck.cli import Format, LangOpt, QuestionsOpt, QuietOpt, RulesOpt, app, language_for, load_catalog_for
from clientcheck.cliopts import FormatOpt, profile_option
from clientcheck.errors import EXIT_OK, UsageError
from clientcheck.i18n import t


def _rule_ids(ctx: Any, incomplete: str) -> list[Any]:
    from clientcheck.completion import RULE_IDS

    return RULE_IDS(ctx, incomplete)


def _rule_id(ctx: Any, incomplete: str) -> list[Any]:
    from clientcheck.completion import RULE_ID

    return RULE_ID(ctx, incomplete)


@app.command()
def explain(
    answers: Annotated[
        str, typer.Argument(help="Answers file (YAML or JSON), or - for standard input.", metavar="ANSWERS")
    ],
    fmt: FormatOpt = Format.table,
    select: Annotated[
        str | None,
        typer.Option(
            "--select",
            metavar="IDS",
            help="Explain only these rules (comma-separated rule ids).",
            autocompletion=_rule_ids,
        ),
    ] = None,
    only: Annotated[str | None, typer.Option("--rule", hidden=True, autocompletion=_rule_id)] = None,  # before --select
    quiet: QuietOpt = False,
    profile: Annotated[
        str | None,
        profile_option(
            "The seller profile whose answers fill in what the answers file leaves out, as `check` does "
            "(default: $CLIENTCHECK_PROFILE, else 'default' if it exists)."
        ),
    ] = None,
    rules: RulesOpt = None,
    questions: QuestionsOpt = None,
    lang: LangOpt = None,
) -> int:
    """Explain why each rule fired, did not fire, or is undecided."""
    from clientcheck import profile as profiles
    from clientcheck.answers import read_answers
    from clientcheck.conditions import suggest
    from clientcheck.explain import explain as run_explain
    from clientcheck.explain import to_dict

    language = language_for(lang)
    catalog = load_catalog_for(rules, questions)
    known = [r.id for r in catalog.rules]
    wanted: list[str] = [i.strip() for i in (select or "").split(",") if i.strip()]
    if only is not None:
        wanted.append(only)
    for rule_id in wanted:
        if rule_id not in known:
            raise UsageError(t(language, "rules.show.unknown", id=rule_id) + suggest(rule_id, known, language))
    given = read_answers(answers, catalog, lang=language)
    catalog, given = profiles.fill(catalog, given, profiles.load_for(catalog, profile))
    reports, ignored = run_explain(catalog, given)
    if wanted:
        reports = tuple(r for r in reports if r.rule.id in wanted)
    if fmt is Format.json:
        from clientcheck.render.plain import write_json

        write_json(to_dict(reports, ignored, language))
        return EXIT_OK
    from clientcheck.render.explain_text import print_explained

    print_explained(catalog, given, reports, ignored, language, quiet)
    return EXIT_OK
