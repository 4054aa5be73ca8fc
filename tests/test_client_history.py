"""clientcheck.commands.client_history: what check, interview and reply print about a client's history."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from clientcheck.commands.client_history import remember, with_history
from clientcheck.evaluate import evaluate
from clientcheck.model import Answers, Catalog
from tests.conftest import TODAY
from tests.history_helpers import opened

pytest_plugins = ["tests.history_fixtures"]  # the fixtures catalog and db


def test_the_command_helpers_say_what_came_from_history_and_where_it_was_saved(
    db: Path, catalog: Catalog, capsys: pytest.CaptureFixture[str]
) -> None:
    with opened(db) as h:
        for _ in range(3):
            h.record_payment("ACME", TODAY, late=True)
    answers, facts = with_history(catalog, Answers({"advance": "none"}), "ACME", db, "ru")
    assert answers.values == {"advance": "none", "worked_before": True, "late_payments": 3}
    saved = remember(evaluate(catalog, answers), catalog, "ru", "ACME", db, facts)
    since = (TODAY - timedelta(days=365)).strftime("%d.%m.%Y")  # a date the Russian way
    assert capsys.readouterr() == (
        "",
        f"Из истории клиента ACME: вы уже работали с ним (записано оплат: 3); просрочек с {since}: 3 (вовремя: 0)\n"
        f"Сохранено как оценка №{saved.id} клиента ACME; посмотреть её снова: clientcheck show {saved.id}\n",
    )
    with_history(catalog, Answers({}), "Nobody", db, "en")
    assert capsys.readouterr() == ("", "")
