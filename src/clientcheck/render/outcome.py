"""The lines `clientcheck outcome` shows: what the outcome belongs to, and what was recorded."""

from __future__ import annotations

from clientcheck import fmt
from clientcheck.history import Assessment
from clientcheck.i18n import t
from clientcheck.outcomes import FACTS, Outcome, OutcomeFacts
from clientcheck.terminal import clean


def _assessed(a: Assessment, lang: str) -> str:
    return t(
        lang,
        "outcome.of",
        client=a.client,
        id=a.id,
        date=fmt.day(a.created_at.astimezone().date(), lang),
        verdict=t(lang, f"verdict.{a.verdict}"),
    )


def facts_text(facts: OutcomeFacts, lang: str) -> str:
    """taken; paid late; not profitable; dispute: don't know; ..."""
    parts: list[str] = []
    for key in FACTS:
        value = getattr(facts, key)
        if key == "note":
            if value:
                # a note may come from an imported file: nothing in it may drive the terminal
                parts.append(t(lang, "outcome.fact.note", note=clean(value)))
            continue
        if key != "taken" and facts.taken is False:
            continue  # nothing to say about work that was not done
        if value is None:
            parts.append(t(lang, f"outcome.fact.{key}.unknown"))
        elif key == "payment":
            parts.append(t(lang, f"outcome.fact.payment.{value}"))
        else:
            parts.append(t(lang, f"outcome.fact.{key}.{'yes' if value else 'no'}"))
    return "; ".join(parts)


def intro(a: Assessment, earlier: OutcomeFacts | None, log: tuple[int, int], lang: str) -> list[str]:
    lines = [_assessed(a, lang)]
    payments, late = log
    if payments:
        lines.append(t(lang, "outcome.payment_log", count=payments, late=late))
    if earlier is not None:
        lines.append(t(lang, "outcome.earlier", facts=facts_text(earlier, lang)))
    return lines


def summary(o: Outcome, a: Assessment, lang: str) -> list[str]:
    trouble = o.trouble
    key = "outcome.trouble.unknown" if trouble is None else f"outcome.trouble.{'yes' if trouble else 'no'}"
    if o.facts.taken is False:
        key = "outcome.trouble.not_taken"
    return [
        t(lang, "outcome.saved", assessed=_assessed(a, lang), date=fmt.day(o.on, lang)),
        "  " + facts_text(o.facts, lang),
        t(lang, key),
    ]


def table(found: list[Outcome], lang: str) -> list[tuple[str, str, str, str]]:
    """Rows for `history CLIENT`: (as of, assessment, what happened, how the report counts it)."""
    rows = []
    for o in found:
        trouble = o.trouble
        counted = (
            t(lang, "report.not_counted")
            if trouble is None
            else t(lang, "report.trouble" if trouble else "report.fine")
        )
        rows.append((fmt.day(o.on, lang), f"#{o.assessment_id}", facts_text(o.facts, lang), counted))
    return rows
