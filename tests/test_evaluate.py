from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from clientcheck.answers import validate
from clientcheck.compiled import Engine
from clientcheck.evaluate import evaluate
from clientcheck.loader import load_catalog
from clientcheck.model import Catalog, Verdict
from tests.conftest import SMALL_QUESTIONS, WriteYaml


@pytest.fixture
def catalog(small_catalog: tuple[Path, Path]) -> Catalog:
    return load_catalog(*small_catalog)


def verdict_for(catalog: Catalog, answers: dict[str, Any]) -> Verdict:
    return evaluate(catalog, validate(answers, catalog, "<test>"))


def test_no_answers_means_go_with_every_rule_undecided(catalog: Catalog) -> None:
    v = verdict_for(catalog, {})
    assert v.verdict == "go"
    assert v.red_flags == () and v.good_signs == ()
    assert [u.rule.id for u in v.undecided] == ["late-payer", "pay-if-i-like", "unprofitable", "pays-on-time"]


def test_ask_next_ranks_by_what_is_at_stake_and_asks_gates_first(catalog: Catalog) -> None:
    v = verdict_for(catalog, {})
    # late_payments is asked only when worked_before: the gate is what to ask first
    assert [(a.question, a.rules) for a in v.ask_next] == [
        ("worked_before", ("late-payer", "pays-on-time")),
        ("advance", ("pay-if-i-like",)),
        ("asks", ("pay-if-i-like",)),
        ("cost", ("unprofitable",)),
        ("revenue", ("unprofitable",)),
    ]
    assert v.undecided[0].ask == ("worked_before",)


def test_graduated_levels_fire_at_the_first_true_level(catalog: Catalog) -> None:
    for late, severity, verdict in ((1, "note", "go"), (2, "caution", "caution"), (3, "decline", "decline")):
        v = verdict_for(catalog, {"worked_before": True, "late_payments": late})
        assert [(f.rule.id, f.severity) for f in v.red_flags] == [("late-payer", severity)]
        assert v.verdict == verdict
    v = verdict_for(catalog, {"worked_before": True, "late_payments": 3})
    assert v.red_flags[0].advice.get("en") == "Stop working with them."  # the level's own advice
    assert [(e.question, e.value) for e in v.red_flags[0].evidence] == [("late_payments", 3)]


def test_score_threshold_declines_without_a_decline_severity(catalog: Catalog) -> None:
    v = verdict_for(catalog, {"advance": "none", "asks": ["free_sample"], "cost": 10, "revenue": 5})
    assert sorted(f.rule.id for f in v.red_flags) == ["pay-if-i-like", "unprofitable"]
    assert (v.score, v.verdict) == (6, "decline")  # 3 + 3 reaches min_score 6


def test_good_signs_lower_the_score(catalog: Catalog) -> None:
    v = verdict_for(catalog, {"worked_before": True, "late_payments": 0, "cost": 10, "revenue": 5})
    assert [f.rule.id for f in v.good_signs] == ["pays-on-time"]
    assert (v.score, v.verdict) == (2, "caution")  # high -> caution by severity, whatever the score


def test_answers_to_questions_that_do_not_apply_are_ignored(catalog: Catalog) -> None:
    v = verdict_for(catalog, {"worked_before": False, "late_payments": 5})
    assert v.ignored == ("late_payments",)
    assert v.red_flags == ()
    # nothing could decide late-payer now: it does not fire, and nobody is told to ask for it
    assert "late-payer" not in [u.rule.id for u in v.undecided]
    assert "late_payments" not in [a.question for a in v.ask_next]
    # and with the gate unknown, the answer counts: the user told us
    v = verdict_for(catalog, {"late_payments": 5})
    assert [f.rule.id for f in v.red_flags] == ["late-payer"]


def test_dont_know_is_unknown_not_false(catalog: Catalog) -> None:
    v = verdict_for(catalog, {"advance": "none", "asks": None})
    assert "pay-if-i-like" in [u.rule.id for u in v.undecided]


@pytest.mark.parametrize(
    ("verdict", "fail_on", "code"),
    [
        ("go", "decline", 0),
        ("caution", "decline", 0),
        ("decline", "decline", 1),
        ("caution", "caution", 1),
        ("go", "caution", 0),
        ("decline", "never", 0),
    ],
)
def test_the_verdict_owns_its_exit_code(catalog: Catalog, verdict: str, fail_on: str, code: int) -> None:
    answers = {
        "go": {},
        "caution": {"worked_before": True, "late_payments": 2},
        "decline": {"worked_before": True, "late_payments": 3},
    }[verdict]
    v = verdict_for(catalog, answers)
    assert v.verdict == verdict
    assert v.exit_code(fail_on) == code


NEGATIVE_RULES = """\
version: 1
policy:
  severities:
    low: {weight: 1, label: low}
    decline: {weight: 10, label: decline}
  decline_if: {any_severity: [decline]}
  caution_if: {min_score: 2}
rules:
  - id: late
    kind: red-flag
    title: Late
    source: s
    why: W
    advice: A
    when: late_payments >= 1
    severity: low
    weight: 3
  - id: sample
    kind: red-flag
    title: Sample
    source: s
    why: W
    advice: A
    when: '"free_sample" in asks'
    severity: low
    weight: -2
"""


def test_a_negative_weight_still_open_widens_the_range_the_right_way(write_yaml: WriteYaml) -> None:
    """An open red flag of weight -2 can only lower the score: the best case takes it, the worst
    leaves it out. (The range took its weight for the worst case: best caution, worst go.)"""
    write_yaml("neg/questions/10-pay.yaml", SMALL_QUESTIONS)
    rules = write_yaml("neg/rules.yaml", NEGATIVE_RULES)
    catalog = load_catalog(rules, rules.parent / "questions")
    answers = {"worked_before": True, "late_payments": 1}
    v = verdict_for(catalog, answers)
    assert (v.verdict, v.score, v.best, v.worst) == ("caution", 3, "go", "caution")
    r = Engine(catalog).score(answers)
    assert r is not None and (r.verdict, r.best, r.worst) == ("caution", "go", "caution")
