"""clientcheck.history.store: the file made, migrated and locked; records written and read back."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from clientcheck.evaluate import evaluate
from clientcheck.history import (
    APPLICATION_ID,
    SCHEMA_VERSION,
    Fired,
    History,
    HistoryError,
    save_verdict,
)
from clientcheck.model import UNKNOWN, Answers, Catalog
from clientcheck.render.data import verdict_to_dict
from tests.history_helpers import TODAY, opened

pytest_plugins = ["tests.history_fixtures"]  # the fixtures catalog and db


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
        a = save_verdict(h, verdict, catalog, "ru", " ACME ", from_history=("late_payments",), at=moment)
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
        second = save_verdict(h, verdict, catalog, "en", "ACME", at=datetime(2025, 2, 1, tzinfo=UTC))
        first = save_verdict(h, verdict, catalog, "en", "acme", at=datetime(2025, 1, 1, tzinfo=UTC))
        other = save_verdict(h, verdict, catalog, "en", "Other", at=datetime(2025, 3, 1, tzinfo=UTC))
        assert [a.id for a in h.assessments("ACME")] == [first.id, second.id]
        assert [a.id for a in h.assessments()] == [first.id, second.id, other.id]
        assert h.assessment(999) is None


def test_a_damaged_record_is_one_clear_error(db: Path, catalog: Catalog) -> None:
    with opened(db) as h:
        a = save_verdict(h, evaluate(catalog, Answers({})), catalog, "en", "ACME")
        h.conn.execute("UPDATE assessments SET answers = '{not json' WHERE id = ?", (a.id,))
        with pytest.raises(HistoryError) as info:
            h.assessment(a.id)
    assert str(info.value).startswith(f"{db}: assessment #{a.id} is damaged (JSONDecodeError: ")
