"""The bundled catalog encodes ../shared/red-flags.md: every id, its thresholds, both languages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from clientcheck.answers import read_answers, validate
from clientcheck.evaluate import evaluate
from clientcheck.loader import load_catalog
from clientcheck.model import LANGUAGES, Answers, Catalog, Rule, Text

RED_FLAGS = (
    "late-payer", "rude", "wont-listen", "cannot-afford", "petty-complainer", "pay-if-i-like",
    "rush-deadline", "investor-pending", "all-talk", "devalues-expertise", "off-target", "feature-gap",
    "freeloader", "pay-later", "self-estimator", "unprofitable", "vague-brief",
)  # fmt: skip
GOOD_SIGNS = ("clear-brief", "budget-confirmed", "prepayment-agreed", "pays-on-time", "listens-to-expert", "long-term")
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


def outcome(catalog: Catalog, rule: Rule, answers: dict[str, Any] | Answers) -> str | bool | None:
    """The rule alone on these answers: its severity (or True) if it fires, False if not, None if undecided."""
    given = answers if isinstance(answers, Answers) else validate(answers, catalog, "<test>")
    verdict = evaluate(catalog, given, rules=[rule])
    for finding in (*verdict.red_flags, *verdict.good_signs, *verdict.notes):
        return finding.severity or True
    return None if verdict.undecided else False


def test_every_catalog_id_is_bundled_with_its_kind(catalog: Catalog) -> None:
    kinds = {r.id: r.kind for r in catalog.rules}
    assert {i: kinds.get(i) for i in RED_FLAGS} == dict.fromkeys(RED_FLAGS, "red-flag")
    assert {i: kinds.get(i) for i in GOOD_SIGNS} == dict.fromkeys(GOOD_SIGNS, "good-sign")


@pytest.mark.parametrize("rule_id", RED_FLAGS + GOOD_SIGNS)
def test_each_id_has_an_example_that_fires_and_one_that_does_not(catalog: Catalog, rule_id: str) -> None:
    rule = catalog.rule(rule_id)
    assert rule is not None
    fires = [e for e in rule.examples if e.fires is not False]
    quiet = [e for e in rule.examples if e.fires is False]
    assert fires and quiet, f"{rule_id} needs examples both ways"
    for example in rule.examples:
        got = outcome(catalog, rule, Answers(example.answers))
        if example.fires is True and rule.kind == "red-flag":  # fires at any level
            assert got not in (False, None), f"{example.mark}: expected {rule_id} to fire, got {got}"
        else:
            assert got == example.fires, f"{example.mark}: expected {example.fires}, got {got}"


@pytest.mark.parametrize(
    ("late", "expected"), [(0, False), (1, "note"), (2, "caution"), (3, "decline"), (7, "decline")]
)
def test_late_payer_is_graduated(catalog: Catalog, late: int, expected: str | bool) -> None:
    rule = catalog.rule("late-payer")
    assert rule is not None
    assert outcome(catalog, rule, {"worked_before": True, "late_payments": late}) == expected


def test_late_payer_three_times_declines_the_client(catalog: Catalog) -> None:
    verdict = evaluate(catalog, validate({"worked_before": True, "late_payments": 3}, catalog, "<test>"))
    assert verdict.verdict == "decline"
    assert [f.rule.id for f in verdict.red_flags] == ["late-payer"]


def test_rude_overrides_every_good_sign(catalog: Catalog) -> None:
    good = read_answers(str(EXAMPLES / "good-client.yaml"), catalog)
    rude = Answers({**good.values, "rude": True}, good.client)
    verdict = evaluate(catalog, rude)
    assert len(verdict.good_signs) == len(GOOD_SIGNS)
    assert verdict.verdict == "decline"


def test_a_new_business_softens_vague_brief(catalog: Catalog) -> None:
    rule = catalog.rule("vague-brief")
    assert rule is not None
    base = {"brief_clear": False}
    assert outcome(catalog, rule, {**base, "business_stage": "established"}) == "low"
    assert outcome(catalog, rule, {**base, "business_stage": "new"}) == "note"


def test_an_empty_order_book_adds_advice(catalog: Catalog) -> None:
    verdict = evaluate(catalog, validate({"order_book": "empty"}, catalog, "<test>"))
    assert [n.rule.id for n in verdict.notes] == ["empty-order-book"]


@pytest.mark.parametrize(
    ("name", "verdict"),
    [
        ("good-client.yaml", "go"),
        ("late-payer.yaml", "caution"),
        ("startup-with-investor.yaml", "decline"),
        ("big-corp-pay-later.yaml", "decline"),
    ],
)
def test_bundled_examples(catalog: Catalog, name: str, verdict: str) -> None:
    assert evaluate(catalog, read_answers(str(EXAMPLES / name), catalog)).verdict == verdict


def _texts(catalog: Catalog) -> list[tuple[str, Text]]:
    out: list[tuple[str, Text]] = []
    for q in catalog.questions.values():
        out += [(f"question {q.id}.{k}", t) for k, t in (("text", q.text), ("help", q.help), ("unit", q.unit)) if t]
        out += [(f"question {q.id} choice {c.id}", c.text) for c in q.choices]
    for r in catalog.rules:
        out += [(f"rule {r.id}.{k}", t) for k, t in (("title", r.title), ("why", r.why), ("advice", r.advice))]
        out += [(f"rule {r.id} level advice", lv.advice) for lv in r.levels if lv.advice]
    out += [(f"section {s.id}", s.title) for s in catalog.sections]
    out += [(f"severity {s.name}", s.label) for s in catalog.policy.severities.values()]
    out += [(f"source {k}", t) for k, t in catalog.sources.items()]
    return out


def test_every_user_facing_text_is_in_english_and_russian(catalog: Catalog) -> None:
    missing = [where for where, text in _texts(catalog) if set(text.values) != set(LANGUAGES)]
    assert missing == []


def test_every_question_has_help(catalog: Catalog) -> None:
    assert [q.id for q in catalog.questions.values() if q.help is None] == []


def test_a_level_waits_while_an_earlier_level_is_unknown(catalog: Catalog) -> None:
    # investor-pending: own funds for the concept make it a caution, otherwise a decline
    rule = catalog.rule("investor-pending")
    assert rule is not None
    base = {"budget_stated": True, "budget_from_investor": True}
    verdict = evaluate(catalog, validate(base, catalog, "<test>"), rules=[rule])
    assert verdict.red_flags == ()
    assert [(u.rule.id, u.ask, u.max_severity) for u in verdict.undecided] == [
        ("investor-pending", ("own_funds_for_concept",), "decline")
    ]
    assert outcome(catalog, rule, {**base, "own_funds_for_concept": False}) == "decline"
    assert outcome(catalog, rule, {**base, "own_funds_for_concept": True}) == "caution"
