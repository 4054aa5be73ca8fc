"""The payment log as answers: what history knows about a named client fills in their answers.

`check --client` and `interview --client` call prefill (the answers, and the Facts behind
them); render/history_text.describe_facts words the Facts; recording.save stores the
assessment, marking the answers that still hold a history value.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from clientcheck import functions
from clientcheck.history.location import check_client_name
from clientcheck.history.records import Payment
from clientcheck.history.store import History
from clientcheck.model import LATE_WINDOW_DAYS, UNKNOWN, Answers, Catalog

WORKED_BEFORE = "worked_before"
LATE_PAYMENTS = "late_payments"


@dataclass(frozen=True)
class Facts:
    """What the payment log says about one client, as answers to the catalog's questions."""

    client: str
    values: Mapping[str, Any]  # question id -> answer; only questions the catalog has
    late: int  # late payments within the window
    on_time: int  # on-time payments, all time
    payments: int  # all payments, all time
    since: date | None  # the window's first day; None when every late payment counts
    used: tuple[str, ...] = field(default=())  # the values that filled a missing or don't-know answer


@dataclass(frozen=True)
class Tally:
    """A client's payments counted under a window."""

    late: int  # late payments within the window
    on_time: int  # on-time payments, all time
    total: int  # all payments, all time
    since: date | None  # the window's first day; None when every late payment counts


def tally(payments: Sequence[Payment], today: date, window_days: int | None = LATE_WINDOW_DAYS) -> Tally:
    """The payments counted; late ones only within the window from rules.yaml
    (`history: {late_payments_window_days: N}`; None counts all)."""
    since = None if window_days is None else today - timedelta(days=window_days)
    late = sum(1 for p in payments if p.late and (since is None or p.paid_on >= since))
    on_time = sum(1 for p in payments if not p.late)
    return Tally(late, on_time, len(payments), since)


def facts_for(history: History | None, catalog: Catalog, client: str, today: date) -> Facts:
    """The facts about client as answers to the catalog's questions (none without a history)."""
    payments = history.payments(client) if history is not None else []
    counted = tally(payments, today, catalog.late_window_days)
    values: dict[str, Any] = {}
    if payments:
        from clientcheck.answers import coerce

        for qid, value in ((WORKED_BEFORE, True), (LATE_PAYMENTS, counted.late)):
            q = catalog.questions.get(qid)
            if q is None:
                continue
            try:
                values[qid] = coerce(q, value)
            except ValueError:
                # the questions in effect cannot hold this fact (another type, a lower max): leave it to the user
                continue
    return Facts(client, values, counted.late, counted.on_time, counted.total, counted.since)


def prefill(
    catalog: Catalog, client: str, db: Path | None = None, given: Answers | None = None, today: date | None = None
) -> tuple[Answers, Facts]:
    """The given answers with what the payment log knows filled in, named for the client.

    An answer given explicitly wins; history fills only questions not answered or answered
    "don't know". Reading never creates the database.
    """
    client = check_client_name(client)
    history = History.open(db, create=False, readonly=True)
    try:
        facts = facts_for(history, catalog, client, today or functions.today())
    finally:
        if history is not None:
            history.close()
    values = dict(given.values) if given is not None else {}
    used: list[str] = []
    for qid, value in facts.values.items():
        if values.get(qid, UNKNOWN) is UNKNOWN:
            values[qid] = value
            used.append(qid)
    origin = given.origin if given is not None else "<history>"
    facts = Facts(facts.client, facts.values, facts.late, facts.on_time, facts.payments, facts.since, tuple(used))
    return Answers(values, client, origin, tuple(sorted(used))), facts


def still_from_history(answers: Answers, facts: Facts | None) -> tuple[str, ...]:
    """The answers history filled in that still hold its value (the interview may have changed one)."""
    if facts is None:
        return ()
    values = answers.values
    return tuple(sorted(k for k in facts.used if k in values and values[k] == facts.values[k]))
