"""The `rules` group's output: the rules in effect as a table (blocks on a narrow terminal) or JSON,
one rule in full, and the result of running the rules' examples."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Any

from clientcheck import fmt
from clientcheck.i18n import t
from clientcheck.render.names import kind_name, rule_severities, severity_name
from clientcheck.render.plain import out

if TYPE_CHECKING:
    from clientcheck.model import Catalog, Rule
    from clientcheck.rulestest import Result as TestRun


def rule_summary(rule: Rule, lang: str) -> dict[str, Any]:
    """One entry of `rules list --format json`."""
    return {
        "id": rule.id,
        "kind": rule.kind,
        "severities": list(dict.fromkeys(lv.severity for lv in rule.levels if lv.severity)),
        "title": rule.title.get(lang),
        "source": rule.source,
        "examples": len(rule.examples),
    }


def print_rules(catalog: Catalog, lang: str) -> None:
    """id, kind, severity and title of every rule."""
    from rich.console import Group
    from rich.table import Table

    from clientcheck.render.table import NARROW, hang, layout_width, plain_text, print_to

    shown: Any
    if layout_width(sys.stdout) < NARROW:  # blocks: id, then kind and severity, then the title
        blocks = []
        for r in catalog.rules:
            line = plain_text(f"{kind_name(lang, r.kind)} · {rule_severities(catalog, r, lang)}", "dim")
            blocks.append(hang("•", plain_text(r.id, "bold"), line, plain_text(r.title.get(lang))))
        shown = Group(*blocks)
    else:
        table = Table(box=None, pad_edge=False, header_style="bold")
        ids = max((len(r.id) for r in catalog.rules), default=0)
        table.add_column(t(lang, "rules.col.id"), no_wrap=True, min_width=ids)
        for key in ("rules.col.kind", "rules.col.severity", "rules.col.title"):
            table.add_column(t(lang, key))
        for r in catalog.rules:
            table.add_row(
                plain_text(r.id),
                kind_name(lang, r.kind),
                plain_text(rule_severities(catalog, r, lang)),
                plain_text(r.title.get(lang)),
            )
        shown = table
    print_to(sys.stdout, shown)


def answers_line(answers: Any) -> str:
    """An example's answers as one line of JSON."""
    from clientcheck.render.data import plain

    return json.dumps({k: plain(v) for k, v in answers.items()}, ensure_ascii=False)


def rule_to_dict(catalog: Catalog, rule: Rule, lang: str) -> dict[str, Any]:
    """`rules show ID --format json`."""
    source = catalog.sources.get(rule.source)
    return {
        "id": rule.id,
        "kind": rule.kind,
        "title": rule.title.get(lang),
        "why": rule.why.get(lang),
        "advice": rule.advice.get(lang),
        "client_reason": rule.client_reason.get(lang) if rule.client_reason else None,
        "client_offer": rule.client_offer.get(lang) if rule.client_offer else None,
        "source": {"id": rule.source, "title": source.get(lang) if source else None},
        "levels": [
            {
                "when": lv.when.source,
                "severity": lv.severity,
                "weight": lv.weight,
                "advice": lv.advice.get(lang) if lv.advice else None,
                "client_reason": lv.client_reason.get(lang) if lv.client_reason else None,
                "client_offer": lv.client_offer.get(lang) if lv.client_offer else None,
            }
            for lv in rule.levels
        ],
        "examples": [
            {"answers": json.loads(answers_line(ex.answers)), "fires": ex.fires, "at": str(ex.mark)}
            for ex in rule.examples
        ],
        "defined_at": str(rule.mark) if rule.mark else None,
    }


def print_rule(catalog: Catalog, rule: Rule, lang: str) -> None:
    """One rule in full: what it means, why, when it fires, what to do or say, its source, examples."""
    from clientcheck.terminal import strip_controls as clean

    source = catalog.sources.get(rule.source)
    out(clean(f"{rule.id} · {kind_name(lang, rule.kind)} · {rule.title.get(lang)}"))
    if rule.mark:
        out(t(lang, "rules.show.defined_at", at=str(rule.mark)))
    out()
    out(t(lang, "rules.show.why"))
    out("  " + clean(rule.why.get(lang)))
    out(t(lang, "rules.show.when"))
    for i, lv in enumerate(rule.levels, 1):
        sev = (
            f" → {severity_name(catalog, lv.severity, lang)} ({fmt.number(lv.weight, lang)})"
            if lv.severity
            else f" ({t(lang, 'rules.show.weight')} {fmt.number(lv.weight, lang)})"
        )
        prefix = f"  {i}. " if len(rule.levels) > 1 else "  "
        out(clean(f"{prefix}{lv.when.source}{sev if rule.kind != 'note' else ''}"))
        if lv.advice:
            out(clean("       " + lv.advice.get(lang)))
        for said in (lv.client_reason, lv.client_offer):  # the texts as written, placeholders and all
            if said:
                out(clean("       " + t(lang, "reasons.to_client") + ": " + said.get(lang)))
    out(t(lang, "rules.show.advice"))
    out("  " + clean(rule.advice.get(lang)))
    said_all = [x.get(lang) for x in (rule.client_reason, rule.client_offer) if x]
    if said_all:
        out(t(lang, "rules.show.to_client"))
        out("  " + clean(" ".join(said_all)))
    out(t(lang, "rules.show.source"))
    out("  " + clean(source.get(lang) if source else rule.source))
    out(t(lang, "rules.show.examples", n=len(rule.examples)))
    for ex in rule.examples:
        fires = {True: "true", False: "false"}.get(ex.fires, ex.fires) if isinstance(ex.fires, bool) else ex.fires
        out(clean(f"  {answers_line(ex.answers)} → fires: {fires}"))


def print_test_run(run: TestRun, min_coverage: float | None, lang: str) -> None:
    """Each failing example, the counts, the coverage, and whether it is below --min-coverage."""
    for failure in run.failures:
        out(t(lang, "rules.test.fail", failure=str(failure)))
    passed = run.examples - len(run.failures)
    out(
        t(
            lang,
            "rules.test.summary",
            examples=run.examples,
            passed=passed,
            failed=len(run.failures),
            rules=run.rules,
        )
    )
    out(t(lang, "rules.test.coverage", pct=fmt.number(round(run.coverage), lang), covered=run.covered, rules=run.rules))
    if run.uncovered:
        out(t(lang, "rules.test.uncovered", ids=", ".join(run.uncovered)))
    if min_coverage is not None and run.coverage < min_coverage:
        out(t(lang, "rules.test.below", pct=f"{run.coverage:.0f}", min=f"{min_coverage:g}"))
