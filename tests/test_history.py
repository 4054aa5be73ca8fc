"""clientcheck.history as a library: the database, payment facts, rescoring, diff, export/import."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from clientcheck import history as hist
from clientcheck.errors import UsageError
from clientcheck.evaluate import evaluate
from clientcheck.history import (
    APPLICATION_ID,
    SCHEMA_VERSION,
    Fired,
    History,
    HistoryError,
    HistoryImportError,
    diff_assessments,
    prefill,
    rescore,
    restore_answers,
    save,
)
from clientcheck.loader import load_catalog
from clientcheck.model import UNKNOWN, Answers, Catalog
from clientcheck.render.data import verdict_to_dict
from tests.conftest import SMALL_QUESTIONS, SMALL_RULES, WriteYaml

TODAY = date(2025, 6, 1)


@pytest.fixture
def catalog(small_catalog: tuple[Path, Path]) -> Catalog:
    return load_catalog(*small_catalog)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "data" / "history.sqlite3"


def opened(path: Path) -> History:
    h = History.open(path)
    assert h is not None
    return h


def late(path: Path, client: str, *days_ago: int) -> None:
    with opened(path) as h:
        for d in days_ago:
            h.record_payment(client, TODAY - timedelta(days=d), late=True, days_late=3)


# ---------------------------------------------------------------- where and how the file is made


def test_path_is_the_option_else_the_environment_else_the_user_data_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CLIENTCHECK_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert hist.resolve_path() == tmp_path / "xdg" / "clientcheck" / "history.sqlite3"
    monkeypatch.setenv("CLIENTCHECK_DB", str(tmp_path / "env.db"))
    assert hist.resolve_path() == tmp_path / "env.db"
    assert hist.resolve_path(tmp_path / "opt.db") == tmp_path / "opt.db"


def test_first_use_creates_a_versioned_wal_database_marked_as_ours(db: Path) -> None:
    assert History.open(db, create=False) is None
    assert not db.exists() and not db.parent.exists()
    opened(db).close()
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 3
    assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"assessments", "payments"} <= tables


def test_a_failed_write_stores_nothing(db: Path) -> None:
    with opened(db) as h:
        with pytest.raises(RuntimeError), h.write() as conn:
            conn.execute(
                "INSERT INTO payments (uid, client, client_key, paid_on, late, recorded_at) VALUES "
                "('u1', 'ACME', 'acme', '2025-01-01', 1, '2025-01-01T00:00:00Z')"
            )
            raise RuntimeError("midway")
        assert h.payments() == []
        assert not h.conn.in_transaction


def test_client_names_are_matched_ignoring_case_and_spacing(db: Path) -> None:
    with opened(db) as h:
        h.record_payment("ACME  Ltd", TODAY, late=True)
        h.record_payment(" acme ltd", TODAY, late=False)
        h.record_payment("Other", TODAY, late=False)
        assert [p.client for p in h.payments("Acme Ltd")] == ["ACME Ltd", "acme ltd"]
        assert len(h.payments()) == 3


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("  ", "--client: the client's name is empty"),
        ("x" * 201, "--client: the client's name is longer than 200 characters"),
        ("AC\x1b[31mME", "--client: the client's name contains control characters"),
    ],
)
def test_a_name_that_cannot_be_a_client_is_refused(name: str, message: str) -> None:
    with pytest.raises(UsageError) as info:
        hist.check_client_name(name)
    assert str(info.value) == message


# ---------------------------------------------------------------- saving assessments


def test_an_assessment_keeps_answers_verdict_findings_digest_and_the_rendered_verdict(
    db: Path, catalog: Catalog
) -> None:
    answers = Answers(
        {
            "worked_before": True,
            "late_payments": 2,
            "advance": "none",
            "asks": frozenset({"free_sample"}),
            "cost": UNKNOWN,
        }
    )
    verdict = evaluate(catalog, answers)
    moment = datetime(2025, 6, 1, 9, 30, tzinfo=UTC)
    with opened(db) as h:
        a = h.save_verdict(verdict, catalog, "ru", " ACME ", from_history=("late_payments",), at=moment)
        again = h.assessment(a.id)
    assert again == a
    assert (a.client, a.created_at, a.language, a.verdict, a.score) == ("ACME", moment, "ru", "caution", 5.0)
    assert a.answers == {
        "worked_before": True,
        "late_payments": 2,
        "advance": "none",
        "asks": ["free_sample"],
        "cost": None,
    }
    assert a.fired == (Fired("pay-if-i-like", "red-flag", "high"), Fired("late-payer", "red-flag", "caution"))
    assert a.rules_digest == catalog.digest
    assert a.from_history == ("late_payments",)
    named = Answers(answers.values, "ACME", from_history=("late_payments",))
    for lang in ("en", "ru"):
        assert a.stored_verdict(lang) == verdict_to_dict(evaluate(catalog, named), catalog, lang)
    assert a.stored_verdict()["language"] == "ru"


def test_assessments_are_listed_oldest_first_and_by_client(db: Path, catalog: Catalog) -> None:
    verdict = evaluate(catalog, Answers({}))
    with opened(db) as h:
        second = h.save_verdict(verdict, catalog, "en", "ACME", at=datetime(2025, 2, 1, tzinfo=UTC))
        first = h.save_verdict(verdict, catalog, "en", "acme", at=datetime(2025, 1, 1, tzinfo=UTC))
        other = h.save_verdict(verdict, catalog, "en", "Other", at=datetime(2025, 3, 1, tzinfo=UTC))
        assert [a.id for a in h.assessments("ACME")] == [first.id, second.id]
        assert [a.id for a in h.assessments()] == [first.id, second.id, other.id]
        assert h.assessment(999) is None


def test_restoring_answers_drops_those_the_questions_no_longer_take(catalog: Catalog) -> None:
    values, dropped = restore_answers(
        {"asks": ["discount"], "late_payments": 500, "gone": True, "cost": None, "advance": "partial"}, catalog
    )
    assert values == {"asks": frozenset({"discount"}), "cost": UNKNOWN, "advance": "partial"}
    assert dropped == ("late_payments", "gone")


# ---------------------------------------------------------------- facts from the payment log


def test_no_database_means_no_facts_and_creates_no_file(db: Path, catalog: Catalog) -> None:
    answers, facts = prefill(catalog, "ACME", db, today=TODAY)
    assert answers == Answers({}, "ACME", "<history>")
    assert facts.values == {} and facts.used == ()
    assert facts.describe("en") is None
    assert not db.exists()


@pytest.mark.slow
def test_three_late_payments_make_late_payer_fire_at_decline(db: Path, catalog: Catalog) -> None:
    late(db, "ACME", 1, 10, 100)
    answers, facts = prefill(catalog, "acme", db, today=TODAY)
    assert answers.values == {"worked_before": True, "late_payments": 3}
    assert answers.client == "acme"
    assert facts.used == ("worked_before", "late_payments")
    verdict = evaluate(catalog, answers)
    assert verdict.verdict == "decline"
    assert [(f.rule.id, f.severity) for f in verdict.red_flags] == [("late-payer", "decline")]
    assert facts.describe("en") == (
        "From acme's history: worked with before (3 payments recorded); late payments: 3 since 2024-06-01 (on time: 0)"
    )
    assert facts.describe("ru") == (
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
    assert facts.describe("en") == "From ACME's history: worked with before (3 payments recorded)"


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


# ---------------------------------------------------------------- rescore and diff


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
        two = h.save_verdict(
            evaluate(catalog, Answers({"worked_before": True, "late_payments": 2})), catalog, "en", "A"
        )
        h.save_verdict(evaluate(catalog, Answers({"worked_before": True, "late_payments": 1})), catalog, "en", "B")
        three = h.save_verdict(
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
        a = h.save_verdict(
            evaluate(catalog, Answers({"worked_before": True, "late_payments": 0, "cost": 1, "revenue": 2})),
            catalog,
            "en",
            "ACME",
        )
        b = h.save_verdict(
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


# ---------------------------------------------------------------- export and import


def test_export_then_import_on_another_machine_gives_the_same_history(
    tmp_path: Path, db: Path, catalog: Catalog
) -> None:
    late(db, "ACME", 1, 2)
    answers, facts = prefill(catalog, "ACME", db, today=TODAY)
    save(evaluate(catalog, answers), catalog, "ru", "ACME", db, facts)
    with opened(db) as h:
        exported = json.loads(json.dumps(h.export()))
        original = (h.assessments(), h.payments())
    other = tmp_path / "other.sqlite3"
    with opened(other) as h:
        assert h.import_data(exported, "export.json") == hist.ImportResult(1, 2, 0)
        assert h.import_data(exported, "export.json") == hist.ImportResult(0, 0, 3)
        copied = (h.assessments(), h.payments())
    assert copied == original  # ids too: the new file numbers them in the same order


def test_an_export_of_one_client_holds_only_that_client(db: Path, catalog: Catalog) -> None:
    late(db, "ACME", 1)
    late(db, "Other", 1)
    with opened(db) as h:
        data = h.export("acme")
    assert data["schema"] == "clientcheck.history/2"
    assert [p["client"] for p in data["payments"]] == ["ACME"]


def test_an_import_that_is_not_an_export_is_refused_whole(db: Path) -> None:
    bad: dict[str, Any] = {
        "schema": "clientcheck.history/1",
        "assessments": [{"uid": "x", "client": "ACME", "verdict": "maybe"}],
        "payments": [
            {"uid": "p1", "client": "", "paid_on": "2025-13-01", "late": "yes", "days_late": -1, "recorded_at": "now"},
            {"uid": "p2", "client": "ACME", "paid_on": "2025-01-01", "late": True, "days_late": 2,
             "recorded_at": "2025-01-01T00:00:00Z"},
        ],
    }  # fmt: skip
    with opened(db) as h:
        with pytest.raises(HistoryImportError) as info:
            h.import_data(bad, "e.json")
        assert h.payments() == []  # the good record is not imported either
        with pytest.raises(HistoryImportError) as other:
            h.import_data([], "e.json")
    assert str(info.value).splitlines() == [
        "e.json: assessments[0]: missing 'created_at'",
        "e.json: assessments[0]: missing 'language'",
        'e.json: assessments[0].verdict: expected one of go, caution, decline, got "maybe"',
        "e.json: assessments[0]: missing 'score'",
        "e.json: assessments[0]: missing 'rules_sha256'",
        "e.json: assessments[0]: missing 'answers'",
        "e.json: assessments[0]: missing 'fired'",
        "e.json: assessments[0]: missing 'from_history'",
        "e.json: assessments[0]: missing 'verdict_data'",
        'e.json: payments[0].client: expected the client\'s name, got ""',
        'e.json: payments[0].paid_on: expected a date like 2025-06-01, got "2025-13-01"',
        'e.json: payments[0].late: expected true or false, got "yes"',
        "e.json: payments[0].days_late: expected a whole number of days or null, got -1",
        'e.json: payments[0].recorded_at: expected a time like 2025-06-01T09:12:03Z, got "now"',
    ]
    assert (
        str(other.value)
        == 'e.json: schema: not a clientcheck history export (expected "schema": "clientcheck.history/2")'
    )


def test_a_damaged_record_is_one_clear_error(db: Path, catalog: Catalog) -> None:
    with opened(db) as h:
        a = h.save_verdict(evaluate(catalog, Answers({})), catalog, "en", "ACME")
        h.conn.execute("UPDATE assessments SET answers = '{not json' WHERE id = ?", (a.id,))
        with pytest.raises(HistoryError) as info:
            h.assessment(a.id)
    assert str(info.value).startswith(f"{db}: assessment #{a.id} is damaged (JSONDecodeError: ")


def test_the_command_helpers_say_what_came_from_history_and_where_it_was_saved(
    db: Path, catalog: Catalog, capsys: pytest.CaptureFixture[str]
) -> None:
    with opened(db) as h:
        for _ in range(3):
            h.record_payment("ACME", date.today(), late=True)
    answers, facts = hist.with_history(catalog, Answers({"advance": "none"}), "ACME", db, "ru")
    assert answers.values == {"advance": "none", "worked_before": True, "late_payments": 3}
    saved = hist.remember(evaluate(catalog, answers), catalog, "ru", "ACME", db, facts)
    since = (date.today() - timedelta(days=365)).strftime("%d.%m.%Y")  # a date the Russian way
    assert capsys.readouterr() == (
        "",
        f"Из истории клиента ACME: вы уже работали с ним (записано оплат: 3); просрочек с {since}: 3 (вовремя: 0)\n"
        f"Сохранено как оценка №{saved.id} клиента ACME; посмотреть её снова: clientcheck show {saved.id}\n",
    )
    hist.with_history(catalog, Answers({}), "Nobody", db, "en")
    assert capsys.readouterr() == ("", "")
