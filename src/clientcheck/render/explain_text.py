"""`clientcheck explain` as text: each rule's status, then every test in its conditions with the
answers it read and, for a number, how far it was from turning."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from clientcheck import fmt
from clientcheck.i18n import t
from clientcheck.render.names import kind_name, severity_name
from clientcheck.render.plain import out

if TYPE_CHECKING:
    from clientcheck.explain import RuleReport, Test
    from clientcheck.model import Answers, Catalog


def _value(catalog: Catalog, answers: Answers, ignored: tuple[str, ...], qid: str, value: Any, lang: str) -> str:
    from clientcheck.model import UNKNOWN
    from clientcheck.render.table import show_answer

    if qid in ignored:
        return t(lang, "rules.explain.does_not_apply")
    if value is None:
        given = answers.values.get(qid, None)
        return t(lang, "dont_know") if given is UNKNOWN else t(lang, "rules.explain.not_answered")
    return show_answer(catalog, qid, value, lang)


def _test_line(catalog: Catalog, answers: Answers, ignored: tuple[str, ...], test: Test, lang: str) -> str:
    result = "?" if test.result is None else t(lang, f"rules.explain.{str(test.result).lower()}")
    given = ", ".join(f"{q} = {_value(catalog, answers, ignored, q, v, lang)}" for q, v in test.answers)
    line = f"{test.text} → {result}" + (f"   [{given}]" if given else "")
    d = test.distance
    if d is not None:
        amount, value = fmt.number(d.amount, lang), fmt.number(d.value, lang)
        line += "   " + t(lang, "rules.explain.away", subject=d.subject, value=value, target=d.target, amount=amount)
    return line


def _rule(catalog: Catalog, answers: Answers, ignored: tuple[str, ...], r: RuleReport, lang: str) -> None:
    from clientcheck.terminal import strip_controls as clean

    status = t(lang, f"rules.explain.{r.status}")
    fired_severity = r.levels[r.fired_level].severity if r.fired_level is not None else None
    if r.status == "fired" and fired_severity:
        label = severity_name(catalog, fired_severity, lang)
        status += " " + t(lang, "rules.explain.at", severity=label)
    out(clean(f"{r.rule.id} · {kind_name(lang, r.rule.kind)} · {status}"))
    if r.status == "undecided" and r.ask:
        out("  " + t(lang, "rules.explain.ask", ids=", ".join(r.ask)))
    if r.kept:
        given = ", ".join(f"{q} = {_value(catalog, answers, ignored, q, v, lang)}" for q, v in r.kept)
        key = "rules.explain.kept" if r.status == "not-fired" else "rules.explain.kept_above"
        out(clean("  " + t(lang, key, answers=given)))
    many = len(r.levels) > 1
    for lv in r.levels:
        head = "  " + (t(lang, "rules.explain.level", n=lv.index + 1) + " " if many else "")
        sev = f" ({severity_name(catalog, lv.severity, lang)})" if lv.severity is not None and many else ""
        mark = "  ←" if r.fired_level == lv.index else ""
        out(clean(f"{head}{t(lang, 'rules.explain.when')} {lv.condition}{sev}{mark}"))
        if r.fired_level is not None and lv.index > r.fired_level:
            continue  # levels after the one that fired were never looked at
        for test in lv.tests:
            out(clean("      " + _test_line(catalog, answers, ignored, test, lang)))


def print_explained(
    catalog: Catalog,
    answers: Answers,
    reports: Sequence[RuleReport],
    ignored: tuple[str, ...],
    lang: str,
    quiet: bool = False,
) -> None:
    """Every report, a blank line between rules; then the rules that do not apply."""
    for i, r in enumerate(reports):
        if i:
            out()
        _rule(catalog, answers, ignored, r, lang)
    if ignored and not quiet:  # a note: the rules above already say "does not apply"
        out()
        out(t(lang, "ignored", ids=", ".join(ignored)))
