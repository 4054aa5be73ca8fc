"""Commands for editing the criteria: init, config, lint, schema, rules list|show|test, explain."""

from __future__ import annotations

import json
import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from clientcheck import fmt as fmt_
from clientcheck.cli import (
    App,
    ColorMode,
    ColorOpt,
    Format,
    LangOpt,
    QuestionsOpt,
    QuietOpt,
    RulesOpt,
    app,
    language_for,
    load_catalog_for,
)
from clientcheck.errors import EXIT_FAIL, EXIT_OK, EXIT_USAGE, UsageError
from clientcheck.i18n import t

if TYPE_CHECKING:
    from clientcheck.explain import RuleReport, Test
    from clientcheck.model import Answers, Catalog, Rule

SCHEMA_DIR = "schema"
MODELINE = "# yaml-language-server: $schema="

rules_app = App(name="rules", help="List, show and test the rules in effect.")
app.add_typer(rules_app, name="rules")


def _rule_ids(ctx: Any, incomplete: str) -> list[Any]:
    from clientcheck.completion import RULE_IDS

    return RULE_IDS(ctx, incomplete)


def _rule_id(ctx: Any, incomplete: str) -> list[Any]:
    from clientcheck.completion import RULE_ID

    return RULE_ID(ctx, incomplete)


class SchemaFormat(StrEnum):
    questions = "questions"
    rules = "rules"


def _out(line: str = "") -> None:
    sys.stdout.write(line + "\n")


def _dump(data: Any) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


# ---------------------------------------------------------------- init


def _with_modeline(text: str, schema: str) -> str:
    lines = text.splitlines(keepends=True)
    if lines and lines[0].startswith(MODELINE):
        lines = lines[1:]
    return f"{MODELINE}{schema}\n" + "".join(lines)


@app.command()
def init(
    directory: Annotated[
        Path, typer.Argument(help="Where to write rules.yaml, questions/ and schema/ (default: here).", file_okay=False)
    ] = Path("."),
    force: Annotated[bool, typer.Option("--force", help="Overwrite files that already exist.")] = False,
    lang: LangOpt = None,
) -> int:
    """Copy the bundled rules and questions into a folder, to edit.

    Also writes their JSON Schemas, for editors. The folder becomes a clientcheck project.
    """
    from clientcheck.bundled import bundled_questions, bundled_rules
    from clientcheck.extends import question_files
    from clientcheck.schema import FORMATS, json_schema

    language = language_for(lang)
    plan: dict[Path, str] = {
        directory / "rules.yaml": _with_modeline(
            bundled_rules().read_text(encoding="utf-8"), f"{SCHEMA_DIR}/rules.schema.json"
        )
    }
    for path in question_files(bundled_questions()):
        text = path.read_text(encoding="utf-8")
        plan[directory / "questions" / path.name] = _with_modeline(text, f"../{SCHEMA_DIR}/questions.schema.json")
    for fmt in FORMATS:
        plan[directory / SCHEMA_DIR / f"{fmt}.schema.json"] = (
            json.dumps(json_schema(fmt), ensure_ascii=False, indent=2) + "\n"
        )
    for path in plan:  # a link (the file's, or its folder's) could send a write anywhere
        for link in (path, path.parent):
            if link.is_symlink():
                raise UsageError(t(language, "rules.init.symlink", path=str(link), target=os.readlink(link)))
    existing = [p for p in plan if p.exists()]
    if existing and not force:
        raise UsageError(t(language, "rules.init.exists", path=str(existing[0]), more=len(existing) - 1))
    try:
        for path, text in plan.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            # O_NOFOLLOW: a link put in place since the check above is refused, not followed
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o666)
            with open(fd, "w", encoding="utf-8") as f:
                f.write(text)
    except OSError as exc:
        raise UsageError(t(language, "rules.init.cannot_write", path=str(exc.filename), reason=exc.strerror)) from None
    questions = sum(1 for p in plan if p.parent.name == "questions")
    where = str(directory)
    _out(
        t(
            language,
            "rules.init.wrote",
            rules=str(directory / "rules.yaml"),
            questions=str(directory / "questions"),
            schema=str(directory / SCHEMA_DIR),
            n=questions,
        )
    )
    _out()
    _out(t(language, "rules.init.next"))
    here = directory.resolve() == Path.cwd().resolve()
    if not here:
        _out(t(language, "rules.init.cd", dir=where))
    for key in ("rules.init.step_edit", "rules.init.step_lint", "rules.init.step_test", "rules.init.step_check"):
        _out(t(language, key))
    return EXIT_OK


# ---------------------------------------------------------------- config


def _origin(language: str, what: str, origin: str) -> str:
    from clientcheck.config import ENV, OPTION

    names = {"option": OPTION[what], "env": ENV[what]}
    return t(language, f"rules.config.origin.{origin}", name=names.get(origin, ""))


@app.command()
def config(
    rules: RulesOpt = None,
    questions: QuestionsOpt = None,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.table,
    lang: LangOpt = None,
) -> int:
    """Show which rules and questions are in effect, and why."""
    from clientcheck.config import PROJECT_FILE, check_env, resolve

    language = language_for(lang)
    sources = resolve(rules, questions, full=True)
    choices = (sources.rules, sources.questions)
    here = sources.project
    if fmt is Format.json:
        _dump(
            {
                **{
                    c.what: {
                        "path": str(c.path),
                        "origin": c.origin,
                        "looked_at": [
                            {
                                "origin": k.origin,
                                "path": None if k.path is None else str(k.path),
                                "found": k.found,
                                **({"ignored": True} if k.foreign else {}),
                            }
                            for k in c.candidates
                        ],
                    }
                    for c in choices
                },
                "project": {"folder": str(Path.cwd()), "is_project": here.is_project, "because": here.because},
            }
        )
        check_env(sources)
        return EXIT_OK
    if here.is_project:
        _out(
            t(
                language,
                "config.project.file" if here.because == "project-file" else "config.project.marker",
                file=PROJECT_FILE,
            )
        )
    elif here.rules_unmarked:
        _out(t(language, "config.project.unmarked"))
    elif any(k.foreign for c in choices for k in c.candidates):
        _out(t(language, "config.project.none"))
    for c in choices:
        _out(t(language, f"rules.config.{c.what}", path=str(c.path)))
        _out("  " + t(language, "rules.config.because", why=_origin(language, c.what, c.origin)))
    _out()
    _out(t(language, "rules.config.order"))
    for c in choices:
        _out(t(language, f"rules.config.order.{c.what}"))
        for i, k in enumerate(c.candidates, 1):
            if k.path is None:
                state = t(language, "rules.config.unset")
            elif k.origin == c.origin:
                state = t(language, "rules.config.in_effect")
            elif k.foreign:
                state = t(language, "rules.config.foreign")
            else:
                state = t(language, "rules.config.found" if k.found else "rules.config.missing")
            label = _origin(language, c.what, k.origin)
            where = "" if k.path is None else f": {k.path}"
            _out(f"  {i}. {label}{where} ({state})")
    check_env(sources)  # after the listing: a variable naming a missing path is still a mistake
    return EXIT_OK


# ---------------------------------------------------------------- lint


@app.command()
def lint(
    rules: RulesOpt = None,
    questions: QuestionsOpt = None,
    fmt: Annotated[
        Format, typer.Option("--format", "-f", help="Output format (table: a line per problem).")
    ] = Format.table,
    lang: LangOpt = None,
) -> int:
    """Find mistakes in the rules and questions in effect.

    Every problem is one line, FILE:LINE:COL: message.
    """
    from clientcheck.config import check_env, resolve
    from clientcheck.lint import lint as run_lint

    language = language_for(lang)
    sources = resolve(rules, questions)
    check_env(sources)
    report = run_lint(sources.rules.path, sources.questions.path, language)
    if fmt is Format.json:
        _dump(
            {
                "schema": "clientcheck.lint/1",
                "files": list(report.files),
                "errors": report.errors,
                "warnings": report.warnings,
                "problems": [d.as_dict() for d in report.diagnostics],
            }
        )
    else:
        for d in report.diagnostics:
            _out(str(d))
        if report.diagnostics:
            _out(t(language, "lint.summary", errors=report.errors, warnings=report.warnings))
        else:
            _out(t(language, "lint.clean", n=len(report.files)))
    return EXIT_USAGE if report.errors else EXIT_OK


# ---------------------------------------------------------------- schema


@app.command()
def schema(
    fmt: Annotated[SchemaFormat, typer.Argument(help="Which file format: questions or rules.", metavar="FORMAT")],
) -> int:
    """Print the JSON Schema of the rules or questions format.

    JSON Schema draft 2020-12, for editors that check YAML as you type.
    """
    from clientcheck.schema import json_schema

    _dump(json_schema(fmt.value))
    return EXIT_OK


# ---------------------------------------------------------------- rules list / show / test


def _kind(language: str, kind: str) -> str:
    return t(language, f"rules.kind.{kind}")


def _severity_label(catalog: Catalog, name: str, language: str) -> str:
    """A severity as the rules file names it for people ("осторожно"), not its id ("caution")."""
    sev = catalog.policy.severities.get(name)
    return sev.label.get(language) if sev else name


def _severity(catalog: Catalog, rule: Rule, language: str) -> str:
    names = [lv.severity for lv in rule.levels if lv.severity]
    if not names:
        return "—"
    return " / ".join(catalog.policy.severities[n].label.get(language) for n in dict.fromkeys(names))


@rules_app.command("list")
def rules_list(
    rules: RulesOpt = None,
    questions: QuestionsOpt = None,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.table,
    color: ColorOpt = ColorMode.auto,
    lang: LangOpt = None,
) -> int:
    """List the rules in effect: id, kind, severity and title."""
    language = language_for(lang)
    catalog = load_catalog_for(rules, questions)
    if fmt is Format.json:
        _dump(
            [
                {
                    "id": r.id,
                    "kind": r.kind,
                    "severities": list(dict.fromkeys(lv.severity for lv in r.levels if lv.severity)),
                    "title": r.title.get(language),
                    "source": r.source,
                    "examples": len(r.examples),
                }
                for r in catalog.rules
            ]
        )
        return EXIT_OK
    from rich.console import Group
    from rich.table import Table

    from clientcheck.render.table import NARROW, hang, layout_width, plain_text

    shown: Any
    if layout_width(sys.stdout) < NARROW:  # blocks: id, then kind and severity, then the title
        blocks = []
        for r in catalog.rules:
            line = plain_text(f"{_kind(language, r.kind)} · {_severity(catalog, r, language)}", "dim")
            blocks.append(hang("•", plain_text(r.id, "bold"), line, plain_text(r.title.get(language))))
        shown = Group(*blocks)
    else:
        table = Table(box=None, pad_edge=False, header_style="bold")
        ids = max((len(r.id) for r in catalog.rules), default=0)
        table.add_column(t(language, "rules.col.id"), no_wrap=True, min_width=ids)
        for key in ("rules.col.kind", "rules.col.severity", "rules.col.title"):
            table.add_column(t(language, key))
        for r in catalog.rules:
            table.add_row(
                plain_text(r.id),
                _kind(language, r.kind),
                plain_text(_severity(catalog, r, language)),
                plain_text(r.title.get(language)),
            )
        shown = table
    from clientcheck.render.table import print_to
    from clientcheck.terminal import rich_color, use_color

    with rich_color(use_color(color.value, sys.stdout)):
        print_to(sys.stdout, shown)
    return EXIT_OK


def _answers_line(answers: Any) -> str:
    from clientcheck.render.data import plain

    return json.dumps({k: plain(v) for k, v in answers.items()}, ensure_ascii=False)


@rules_app.command("show")
def rules_show(
    rule_id: Annotated[
        str,
        typer.Argument(help="The rule's id (see 'clientcheck rules list').", metavar="ID", autocompletion=_rule_id),
    ],
    rules: RulesOpt = None,
    questions: QuestionsOpt = None,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.table,
    lang: LangOpt = None,
) -> int:
    """Show one rule in full.

    What it means, why it matters, when it fires, what to do or say, its source and examples.
    """
    from clientcheck.conditions import suggest
    from clientcheck.terminal import strip_controls as clean

    language = language_for(lang)
    catalog = load_catalog_for(rules, questions)
    rule = catalog.rule(rule_id)
    if rule is None:
        ids = [r.id for r in catalog.rules]
        raise UsageError(t(language, "rules.show.unknown", id=rule_id) + suggest(rule_id, ids, language))
    source = catalog.sources.get(rule.source)
    if fmt is Format.json:
        _dump(
            {
                "id": rule.id,
                "kind": rule.kind,
                "title": rule.title.get(language),
                "why": rule.why.get(language),
                "advice": rule.advice.get(language),
                "client_reason": rule.client_reason.get(language) if rule.client_reason else None,
                "client_offer": rule.client_offer.get(language) if rule.client_offer else None,
                "source": {"id": rule.source, "title": source.get(language) if source else None},
                "levels": [
                    {
                        "when": lv.when.source,
                        "severity": lv.severity,
                        "weight": lv.weight,
                        "advice": lv.advice.get(language) if lv.advice else None,
                        "client_reason": lv.client_reason.get(language) if lv.client_reason else None,
                        "client_offer": lv.client_offer.get(language) if lv.client_offer else None,
                    }
                    for lv in rule.levels
                ],
                "examples": [
                    {"answers": json.loads(_answers_line(ex.answers)), "fires": ex.fires, "at": str(ex.mark)}
                    for ex in rule.examples
                ],
                "defined_at": str(rule.mark) if rule.mark else None,
            }
        )
        return EXIT_OK
    _out(clean(f"{rule.id} · {_kind(language, rule.kind)} · {rule.title.get(language)}"))
    if rule.mark:
        _out(t(language, "rules.show.defined_at", at=str(rule.mark)))
    _out()
    _out(t(language, "rules.show.why"))
    _out("  " + clean(rule.why.get(language)))
    _out(t(language, "rules.show.when"))
    for i, lv in enumerate(rule.levels, 1):
        sev = (
            f" → {_severity_label(catalog, lv.severity, language)} ({fmt_.number(lv.weight, language)})"
            if lv.severity
            else f" ({t(language, 'rules.show.weight')} {fmt_.number(lv.weight, language)})"
        )
        prefix = f"  {i}. " if len(rule.levels) > 1 else "  "
        _out(clean(f"{prefix}{lv.when.source}{sev if rule.kind != 'note' else ''}"))
        if lv.advice:
            _out(clean("       " + lv.advice.get(language)))
        for said in (lv.client_reason, lv.client_offer):  # the texts as written, placeholders and all
            if said:
                _out(clean("       " + t(language, "reasons.to_client") + ": " + said.get(language)))
    _out(t(language, "rules.show.advice"))
    _out("  " + clean(rule.advice.get(language)))
    said_all = [x.get(language) for x in (rule.client_reason, rule.client_offer) if x]
    if said_all:
        _out(t(language, "rules.show.to_client"))
        _out("  " + clean(" ".join(said_all)))
    _out(t(language, "rules.show.source"))
    _out("  " + clean(source.get(language) if source else rule.source))
    _out(t(language, "rules.show.examples", n=len(rule.examples)))
    for ex in rule.examples:
        fires = {True: "true", False: "false"}.get(ex.fires, ex.fires) if isinstance(ex.fires, bool) else ex.fires
        _out(clean(f"  {_answers_line(ex.answers)} → fires: {fires}"))
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
    from clientcheck.rulestest import run

    language = language_for(lang)
    catalog = load_catalog_for(rules, questions)
    result = run(catalog, language)
    for failure in result.failures:
        _out(t(language, "rules.test.fail", failure=str(failure)))
    passed = result.examples - len(result.failures)
    _out(
        t(
            language,
            "rules.test.summary",
            examples=result.examples,
            passed=passed,
            failed=len(result.failures),
            rules=result.rules,
        )
    )
    _out(
        t(
            language,
            "rules.test.coverage",
            pct=fmt_.number(round(result.coverage), language),
            covered=result.covered,
            rules=result.rules,
        )
    )
    if result.uncovered:
        _out(t(language, "rules.test.uncovered", ids=", ".join(result.uncovered)))
    code = EXIT_FAIL if result.failures else EXIT_OK
    if min_coverage is not None and result.coverage < min_coverage:
        _out(t(language, "rules.test.below", pct=f"{result.coverage:.0f}", min=f"{min_coverage:g}"))
        code = EXIT_FAIL
    return code


# ---------------------------------------------------------------- explain


def _value(catalog: Catalog, answers: Answers, ignored: tuple[str, ...], qid: str, value: Any, language: str) -> str:
    from clientcheck.model import UNKNOWN
    from clientcheck.render.table import show_answer

    if qid in ignored:
        return t(language, "rules.explain.does_not_apply")
    if value is None:
        given = answers.values.get(qid, None)
        return t(language, "dont_know") if given is UNKNOWN else t(language, "rules.explain.not_answered")
    return show_answer(catalog, qid, value, language)


def _test_line(catalog: Catalog, answers: Answers, ignored: tuple[str, ...], test: Test, language: str) -> str:
    result = {True: "true", False: "false", None: "?"}[test.result]
    given = ", ".join(f"{q} = {_value(catalog, answers, ignored, q, v, language)}" for q, v in test.answers)
    line = f"{test.text} → {result}" + (f"   [{given}]" if given else "")
    d = test.distance
    if d is not None:
        amount, value = fmt_.number(d.amount, language), fmt_.number(d.value, language)
        line += "   " + t(
            language, "rules.explain.away", subject=d.subject, value=value, target=d.target, amount=amount
        )
    return line


def _explain_rule(catalog: Catalog, answers: Answers, ignored: tuple[str, ...], r: RuleReport, language: str) -> None:
    from clientcheck.terminal import strip_controls as clean

    status = t(language, f"rules.explain.{r.status}")
    fired_severity = r.levels[r.fired_level].severity if r.fired_level is not None else None
    if r.status == "fired" and fired_severity:
        label = _severity_label(catalog, fired_severity, language)
        status += " " + t(language, "rules.explain.at", severity=label)
    _out(clean(f"{r.rule.id} · {_kind(language, r.rule.kind)} · {status}"))
    if r.status == "undecided" and r.ask:
        _out("  " + t(language, "rules.explain.ask", ids=", ".join(r.ask)))
    if r.kept:
        given = ", ".join(f"{q} = {_value(catalog, answers, ignored, q, v, language)}" for q, v in r.kept)
        key = "rules.explain.kept" if r.status == "not-fired" else "rules.explain.kept_above"
        _out(clean("  " + t(language, key, answers=given)))
    many = len(r.levels) > 1
    for lv in r.levels:
        head = "  " + (t(language, "rules.explain.level", n=lv.index + 1) + " " if many else "")
        sev = f" ({_severity_label(catalog, lv.severity, language)})" if lv.severity is not None and many else ""
        mark = "  ←" if r.fired_level == lv.index else ""
        _out(clean(f"{head}{t(language, 'rules.explain.when')} {lv.condition}{sev}{mark}"))
        if r.fired_level is not None and lv.index > r.fired_level:
            continue  # levels after the one that fired were never looked at
        for test in lv.tests:
            _out(clean("      " + _test_line(catalog, answers, ignored, test, language)))


@app.command()
def explain(
    answers: Annotated[
        str, typer.Argument(help="Answers file (YAML or JSON), or - for standard input.", metavar="ANSWERS")
    ],
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.table,
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
    rules: RulesOpt = None,
    questions: QuestionsOpt = None,
    lang: LangOpt = None,
) -> int:
    """Explain why each rule fired, did not fire, or is undecided."""
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
    reports, ignored = run_explain(catalog, given)
    if wanted:
        reports = tuple(r for r in reports if r.rule.id in wanted)
    if fmt is Format.json:
        _dump(to_dict(reports, ignored, language))
        return EXIT_OK
    for i, r in enumerate(reports):
        if i:
            _out()
        _explain_rule(catalog, given, ignored, r, language)
    if ignored and not quiet:  # a note: the rules above already say "does not apply"
        _out()
        _out(t(language, "ignored", ids=", ".join(ignored)))
    return EXIT_OK
