"""clientcheck.history.compare: stored assessments under other rules (rescore) and against each other (diff)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from clientcheck.evaluate import evaluate
from clientcheck.history import (
    Fired,
    diff_assessments,
    rescore,
    restore_answers,
    save_verdict,
)
from clientcheck.loader import load_catalog
from clientcheck.model import UNKNOWN, Answers, Catalog
from tests.conftest import SMALL_QUESTIONS, SMALL_RULES, WriteYaml
from tests.history_helpers import opened

pytest_plugins = ["tests.history_fixtures"]  # the fixtures catalog and db


def test_restoring_answers_drops_those_the_questions_no_longer_take(catalog: Catalog) -> None:
    values, dropped = restore_answers(
        {"asks": ["discount"], "late_payments": 500, "gone": True, "cost": None, "advance": "partial"}, catalog
    )
    assert values == {"asks": frozenset({"discount"}), "cost": UNKNOWN, "advance": "partial"}
    assert dropped == ("late_payments", "gone")


def stricter(write_yaml: WriteYaml) -> Catalog:
    """The small catalog with late-payer declining from two late payments."""
    rules = SMALL_RULES.replace("late_payments >= 3\n", "late_payments >= 2\n", 1).replace(
        "      - when: late_payments >= 2\n        severity: caution\n", ""
    )
    write_yaml("strict/questions/10-pay.yaml", SMALL_QUESTIONS)
    path = write_yaml("strict/rules.yaml", rules)
    return load_catalog(path, path.parent / "questions")


def test_rescore_lists_every_verdict_the_new_rules_would_change(
    db: Path, catalog: Catalog, write_yaml: WriteYaml
) -> None:
    with opened(db) as h:
        two = save_verdict(
            h, evaluate(catalog, Answers({"worked_before": True, "late_payments": 2})), catalog, "en", "A"
        )
        save_verdict(h, evaluate(catalog, Answers({"worked_before": True, "late_payments": 1})), catalog, "en", "B")
        three = save_verdict(
            h,
            evaluate(catalog, Answers({"worked_before": True, "late_payments": 2, "cost": 2, "revenue": 1})),
            catalog,
            "en",
            "C",
        )
        assert rescore(h, catalog) == (3, [])
        total, changed = rescore(h, stricter(write_yaml))
    assert total == 3
    assert [(r.assessment.id, r.assessment.verdict, r.verdict.verdict) for r in changed] == [
        (two.id, "caution", "decline"),
        (three.id, "caution", "decline"),
    ]
    first = changed[0].change
    assert first.gained == () and first.lost == ()
    assert first.moved == ((Fired("late-payer", "red-flag", "caution"), Fired("late-payer", "red-flag", "decline")),)


def test_diff_shows_answers_flags_and_good_signs_that_changed(db: Path, catalog: Catalog) -> None:
    with opened(db) as h:
        a = save_verdict(
            h,
            evaluate(catalog, Answers({"worked_before": True, "late_payments": 0, "cost": 1, "revenue": 2})),
            catalog,
            "en",
            "ACME",
        )
        b = save_verdict(
            h,
            evaluate(catalog, Answers({"worked_before": True, "late_payments": 2, "advance": "none"})),
            catalog,
            "en",
            "ACME",
            from_history=("late_payments",),
        )
    d = diff_assessments(a, b)
    assert d.answers == ("late_payments", "cost", "revenue", "advance")
    assert d.flags.gained == (Fired("late-payer", "red-flag", "caution"),)
    assert d.flags.lost == () and d.flags.moved == ()
    assert d.good.lost == (Fired("pays-on-time", "good-sign", None),)
    data = d.to_dict()
    assert data["answers"] == [
        {"question": "late_payments", "before": 0, "after": 2, "after_from_history": True},
        {"question": "cost", "before": 1},
        {"question": "revenue", "before": 2},
        {"question": "advance", "after": "none"},
    ]
    assert (data["before"]["verdict"], data["after"]["verdict"], data["verdict_changed"]) == ("go", "caution", True)
    assert data["flags_gained"] == [{"id": "late-payer", "severity": "caution"}]
    assert data["good_signs_lost"] == [{"id": "pays-on-time"}]


def test_a_rescored_assessment_as_json_says_what_was_and_what_would_be(
    db: Path, catalog: Catalog, write_yaml: WriteYaml
) -> None:
    with opened(db) as h:
        two = save_verdict(
            h,
            evaluate(catalog, Answers({"worked_before": True, "late_payments": 2})),
            catalog,
            "en",
            "A",
            at=datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC),
        )
        _, [changed] = rescore(h, stricter(write_yaml))
    assert changed.to_dict() == {
        "id": two.id,
        "client": "A",
        "created_at": "2025-01-02T03:04:05Z",
        "verdict": {"was": "caution", "now": "decline"},
        "score": {"was": two.score, "now": changed.verdict.score},
        "flags_gained": [],
        "flags_lost": [],
        "flags_moved": [{"id": "late-payer", "was": "caution", "now": "decline"}],
        "answers_dropped": [],
    }
