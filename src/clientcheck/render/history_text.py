"""The history's one-line texts: which answers came from a client's history, their payment
count, and where an assessment was saved."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from clientcheck import fmt, functions
from clientcheck.history.payments import LATE_PAYMENTS, WORKED_BEFORE, Facts, tally
from clientcheck.history.records import Assessment, Payment
from clientcheck.i18n import t


def describe_facts(facts: Facts, lang: str, keys: Sequence[str] | None = None) -> str | None:
    """One line: which answers came from history (keys, else those used), and what they rest on."""
    keys = facts.used if keys is None else keys
    parts: list[str] = []
    if WORKED_BEFORE in keys:
        parts.append(t(lang, "history.fact.worked_before", payments=facts.payments))
    if LATE_PAYMENTS in keys:
        parts.append(
            t(
                lang,
                "history.fact.late_payments",
                late=facts.late,
                since=fmt.day(facts.since, lang) if facts.since else t(lang, "history.fact.ever"),
                on_time=facts.on_time,
            )
        )
    if not parts:
        return None
    return t(lang, "history.from", client=facts.client, facts="; ".join(parts))


def describe_tally(client: str, payments: Sequence[Payment], window_days: int | None, lang: str) -> str:
    """The one-line count `paid` and `history CLIENT` print, under the window in effect."""
    counted = tally(payments, functions.today(), window_days)
    fields: dict[str, Any] = {
        "client": client,
        "late": counted.late,
        "on_time": counted.on_time,
        "payments": counted.total,
    }
    if counted.since is None:
        return t(lang, "history.tally.ever", **fields)
    return t(lang, "history.tally", window=window_days, since=fmt.day(counted.since, lang), **fields)


def saved_line(assessment: Assessment, lang: str) -> str:
    return t(lang, "history.saved", id=assessment.id, client=assessment.client)
