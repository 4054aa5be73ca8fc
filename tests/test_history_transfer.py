"""clientcheck.history.transfer: export, and import with its validation."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from clientcheck import history as hist
from clientcheck.evaluate import evaluate
from clientcheck.history import (
    HistoryError,
    HistoryImportError,
    export,
    import_data,
    prefill,
    read_export,
    save,
    validate_export,
)
from clientcheck.model import Catalog
from tests.history_helpers import TODAY, late, opened

pytest_plugins = ["tests.history_fixtures"]  # the fixtures catalog and db


def test_export_then_import_on_another_machine_gives_the_same_history(
    tmp_path: Path, db: Path, catalog: Catalog
) -> None:
    late(db, "ACME", 1, 2)
    answers, facts = prefill(catalog, "ACME", db, today=TODAY)
    save(evaluate(catalog, answers), catalog, "ru", "ACME", db, facts)
    with opened(db) as h:
        exported = json.loads(json.dumps(export(h)))
        original = (h.assessments(), h.payments())
    other = tmp_path / "other.sqlite3"
    with opened(other) as h:
        assert import_data(h, exported, "export.json") == hist.ImportResult(1, 2, 0)
        assert import_data(h, exported, "export.json") == hist.ImportResult(0, 0, 3)
        copied = (h.assessments(), h.payments())
    assert copied == original  # ids too: the new file numbers them in the same order


def test_an_export_of_one_client_holds_only_that_client(db: Path, catalog: Catalog) -> None:
    late(db, "ACME", 1)
    late(db, "Other", 1)
    with opened(db) as h:
        data = export(h, "acme")
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
            import_data(h, bad, "e.json")
        assert h.payments() == []  # the good record is not imported either
        with pytest.raises(HistoryImportError) as other:
            import_data(h, [], "e.json")
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


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ('{"schema": "clientcheck.history/2", "x": NaN}', "NaN is not a number JSON allows"),
        ('{"schema": "clientcheck.history/2", "x": -Infinity}', "-Infinity is not a number JSON allows"),
        ('{"x": ' + "9" * 5000 + "}", "a number in it has too many digits"),
        ('{"schema": \n oops}', "JSON syntax error: Expecting value"),
    ],
)
def test_an_export_file_that_is_not_json_is_one_line_naming_the_file(tmp_path: Path, text: str, reason: str) -> None:
    path = tmp_path / "e.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(HistoryError) as info:
        read_export(str(path))
    where = f"{path}:2:2" if "oops" in text else str(path)
    assert str(info.value) == f"{where}: {reason}"


def test_a_missing_export_file_keeps_the_files_own_message(tmp_path: Path) -> None:
    with pytest.raises(HistoryError) as info:
        read_export(str(tmp_path / "gone.json"))
    assert str(info.value) == f"{tmp_path / 'gone.json'}: no such file"


def test_every_problem_of_an_export_is_named_by_where_it_is() -> None:
    bad = {
        "schema": "clientcheck.history/2",
        "assessments": [{"uid": "u", "client": "", "score": float("nan")}],
        "payments": [{"uid": "p", "client": "A", "paid_on": "2025-13-01", "late": 1}],
    }
    with pytest.raises(HistoryImportError) as info:
        validate_export(bad, "e.json")
    lines = str(info.value).splitlines()
    assert lines[:3] == [
        'e.json: assessments[0].client: expected the client\'s name, got ""',
        "e.json: assessments[0]: missing 'created_at'",
        "e.json: assessments[0]: missing 'language'",
    ]
    assert 'e.json: payments[0].paid_on: expected a date like 2025-06-01, got "2025-13-01"' in lines
    assert "e.json: payments[0].late: expected true or false, got 1" in lines
