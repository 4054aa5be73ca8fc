"""clientcheck.history.payments: the payment log as answers for a named client."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from clientcheck import history as hist
from clientcheck.evaluate import evaluate
from clientcheck.history import (
    prefill,
    save,
)
from clientcheck.loader import load_catalog
from clientcheck.model import UNKNOWN, Answers, Catalog
from clientcheck.render.history_text import describe_facts
from tests.conftest import SMALL_QUESTIONS, SMALL_RULES, WriteYaml
from tests.history_helpers import TODAY, late, opened

pytest_plugins = ["tests.history_fixtures"]  # the fixtures catalog and db


def test_no_database_means_no_facts_and_creates_no_file(db: Path, catalog: Catalog) -> None:
    answers, facts = prefill(catalog, "ACME", db, today=TODAY)
    assert answers == Answers({}, "ACME", "<history>")
    assert facts.values == {} and facts.used == ()
    assert describe_facts(facts, "en") is None
    assert not db.exists()


def test_three_late_payments_make_late_payer_fire_at_decline(db: Path, catalog: Catalog) -> None:
    late(db, "ACME", 1, 10, 100)
    answers, facts = prefill(catalog, "acme", db, today=TODAY)
    assert answers.values == {"worked_before": True, "late_payments": 3}
    assert answers.client == "acme"
    assert facts.used == ("worked_before", "late_payments")
    verdict = evaluate(catalog, answers)
    assert verdict.verdict == "decline"
    assert [(f.rule.id, f.severity) for f in verdict.red_flags] == [("late-payer", "decline")]
    assert describe_facts(facts, "en") == (
        "From acme's history: worked with before (3 payments recorded); late payments: 3 since 2024-06-01 (on time: 0)"
    )
    assert describe_facts(facts, "ru") == (
        "Из истории клиента acme: вы уже работали с ним (записано оплат: 3); просрочек с 01.06.2024: 3 (вовремя: 0)"
    )


def test_late_payments_count_within_the_window_and_on_time_ones_make_worked_before(db: Path, catalog: Catalog) -> None:
    late(db, "ACME", 10, 365, 366, 900)
    with opened(db) as h:
        h.record_payment("ACME", TODAY - timedelta(days=1000), late=False)
    answers, facts = prefill(catalog, "ACME", db, today=TODAY)
    assert hist.LATE_WINDOW_DAYS == 365
    assert answers.values == {"worked_before": True, "late_payments": 2}
    assert (facts.late, facts.on_time, facts.payments, facts.since) == (2, 1, 5, date(2024, 6, 1))


@pytest.mark.parametrize(("setting", "counted"), [("30", 1), ("1000", 4), ("null", 4)])
def test_the_rules_set_the_late_payments_window(
    db: Path, write_yaml: WriteYaml, small_catalog: tuple[Path, Path], setting: str, counted: int
) -> None:
    rules, questions = small_catalog
    rules.write_text(
        rules.read_text(encoding="utf-8").replace(
            "version: 1\n", f"version: 1\nhistory:\n  late_payments_window_days: {setting}\n"
        ),
        encoding="utf-8",
    )
    windowed = load_catalog(rules, questions)
    late(db, "ACME", 10, 365, 366, 900)
    answers, facts = prefill(windowed, "ACME", db, today=TODAY)
    assert answers.values["late_payments"] == counted
    assert facts.since == (None if setting == "null" else TODAY - timedelta(days=int(setting)))


@pytest.mark.slow
def test_only_on_time_payments_give_the_pays_on_time_good_sign(db: Path, catalog: Catalog) -> None:
    with opened(db) as h:
        h.record_payment("ACME", TODAY, late=False)
    answers, _ = prefill(catalog, "ACME", db, today=TODAY)
    assert answers.values == {"worked_before": True, "late_payments": 0}
    assert [f.rule.id for f in evaluate(catalog, answers).good_signs] == ["pays-on-time"]


def test_explicit_answers_win_and_dont_know_is_filled(db: Path, catalog: Catalog) -> None:
    late(db, "ACME", 1, 2, 3)
    given = Answers({"late_payments": 1, "worked_before": UNKNOWN, "advance": "none"}, None, "a.yaml")
    answers, facts = prefill(catalog, "ACME", db, given, today=TODAY)
    assert answers == Answers(
        {"late_payments": 1, "worked_before": True, "advance": "none"}, "ACME", "a.yaml", ("worked_before",)
    )
    assert facts.used == ("worked_before",)
    assert describe_facts(facts, "en") == "From ACME's history: worked with before (3 payments recorded)"


def test_facts_the_questions_cannot_hold_are_left_out(db: Path, write_yaml: WriteYaml) -> None:
    write_yaml("q/questions/10-pay.yaml", SMALL_QUESTIONS.replace("max: 100", "max: 2"))
    catalog = load_catalog(write_yaml("q/rules.yaml", SMALL_RULES), db.parent.parent / "q" / "questions")
    late(db, "ACME", 1, 2, 3)
    answers, _ = prefill(catalog, "ACME", db, today=TODAY)
    assert answers.values == {"worked_before": True}


def test_saving_records_which_answers_still_hold_the_history_value(db: Path, catalog: Catalog) -> None:
    late(db, "ACME", 1, 2, 3)
    answers, facts = prefill(catalog, "ACME", db, today=TODAY)
    kept = save(evaluate(catalog, answers), catalog, "en", "ACME", db, facts)
    assert kept.from_history == ("late_payments", "worked_before")
    changed = Answers({**answers.values, "late_payments": 0}, "ACME")
    edited = save(evaluate(catalog, changed), catalog, "en", "ACME", db, facts)
    assert edited.from_history == ("worked_before",)
    assert edited.verdict == "go"


def test_tally_counts_late_payments_in_the_window_and_all_on_time_ones() -> None:
    from clientcheck.history import Payment, tally

    moment = datetime(2025, 1, 1, tzinfo=UTC)

    def paid(days_ago: int, late: bool) -> Payment:
        return Payment(days_ago, f"u{days_ago}", "ACME", TODAY - timedelta(days=days_ago), late, None, moment)

    log = [paid(400, True), paid(30, True), paid(10, False), paid(500, False)]
    counted = tally(log, TODAY, 365)
    assert (counted.late, counted.on_time, counted.total, counted.since) == (1, 2, 4, date(2024, 6, 1))
    everything = tally(log, TODAY, None)
    assert (everything.late, everything.since) == (2, None)
    assert tally(log, TODAY) == counted  # the default window is the one the rules file's default gives
