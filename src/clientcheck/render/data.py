"""The verdict as plain data: the one layout behind JSON output (documented in docs/json.md),
and the words every format uses for its headline."""

from __future__ import annotations

import datetime as _dt
from typing import Any

from clientcheck.i18n import t
from clientcheck.model import UNKNOWN, VERDICTS, Catalog, Evidence, Verdict
from clientcheck.reasons import Reasons, all_reasons

SCHEMA = "clientcheck.verdict/2"


def plain(value: Any) -> Any:
    """An answer as JSON data: sets become sorted lists, "don't know" becomes null."""
    if value is UNKNOWN:
        return None
    if isinstance(value, frozenset):
        return sorted(value)
    if isinstance(value, _dt.date):
        return value.isoformat()
    return value


def _evidence(evidence: tuple[Evidence, ...]) -> list[dict[str, Any]]:
    return [{"question": e.question, "answer": plain(e.value)} for e in evidence]


def _finding(r: Reasons, lang: str) -> dict[str, Any]:
    f = r.finding
    out: dict[str, Any] = {"id": f.rule.id, "title": f.rule.title.get(lang)}
    if f.rule.kind == "red-flag":
        out["severity"] = f.severity
    if f.rule.kind != "note":
        out["weight"] = f.weight
    out["evidence"] = _evidence(f.evidence)
    out["level"] = f.level + 1
    if f.rule.kind == "red-flag":
        # issue 16: what kept the stricter levels above from firing
        out["ruled_out"] = _evidence(r.ruled_out)
    out["also"] = [
        {"level": a.level + 1, "severity": a.severity, "weight": a.weight, "evidence": _evidence(a.evidence)}
        if f.rule.kind == "red-flag"
        else {"level": a.level + 1, "evidence": _evidence(a.evidence)}
        for a in r.also
    ]
    out["why"] = r.why
    out["advice"] = r.advice
    if f.rule.kind != "note":
        out["client_reason"] = r.client_reason
        out["client_offer"] = r.client_offer
    out["source"] = f.rule.source
    return out


def verdict_to_dict(verdict: Verdict, catalog: Catalog, lang: str) -> dict[str, Any]:
    answers = verdict.answers
    why = all_reasons(verdict, catalog, lang)
    return {
        "schema": SCHEMA,
        "client": answers.client,
        "verdict": verdict.verdict,
        "range": {"best": verdict.best, "worst": verdict.worst},
        "settled": verdict.settled,
        "score": verdict.score,
        "language": lang,
        "rules_sha256": catalog.digest,
        "findings": [_finding(why[id(f)], lang) for f in verdict.red_flags],
        "good_signs": [_finding(why[id(f)], lang) for f in verdict.good_signs],
        "notes": [_finding(why[id(f)], lang) for f in verdict.notes],
        "undecided": [
            {
                "id": u.rule.id,
                "kind": u.rule.kind,
                "max_severity": u.max_severity,
                "severities": list(u.severities),
                "ask": list(u.ask),
            }
            for u in verdict.undecided
        ],
        "ask_next": [
            {"question": a.question, "text": catalog.questions[a.question].text.get(lang), "rules": list(a.rules)}
            for a in verdict.ask_next
        ],
        "answers": {k: plain(v) for k, v in answers.values.items()},
        "from_history": list(answers.from_history),
        "ignored_answers": list(verdict.ignored),
        "note": answers.note,
        "profile": answers.profile,
    }


def summary(verdict: Verdict, lang: str) -> str:
    """The line under the headline: the score and how many flags, signs and open rules."""
    from clientcheck import fmt

    return t(
        lang,
        "summary",
        score=fmt.number(verdict.score, lang),
        red=len(verdict.red_flags),
        good=len(verdict.good_signs),
        open=len(verdict.undecided),
    )


def headline(verdict: Verdict, lang: str) -> str:
    """The verdict's line: what it means, or, while it is not settled, what it could still become.

    A verdict on too little knowledge never reads as a plain go: "GO so far — could still become
    CAUTION or DECLINE: 24 rules undecided".
    """
    if verdict.settled:
        return t(lang, f"verdict.{verdict.verdict}.line")
    others = [
        v for v in VERDICTS[VERDICTS.index(verdict.best) : VERDICTS.index(verdict.worst) + 1] if v != verdict.verdict
    ]
    return t(
        lang,
        "verdict.unsettled",
        verdict=t(lang, f"verdict.{verdict.verdict}"),
        others=t(lang, "verdict.unsettled.or").join(
            t(lang, "verdict.quoted", v=t(lang, f"verdict.{v}")) for v in others
        ),
        n=t(lang, "verdict.unsettled.rules", count=len(verdict.undecided)),
    )


def reachable(verdict: str, best: str, worst: str, labels: dict[str, str]) -> str:
    """Where a client's verdict could still go, for a batch row: the best and the worst verdict
    still reachable, those that differ from the verdict ("—" when it is settled)."""
    ends = [v for v in dict.fromkeys((best, worst)) if v != verdict]
    return "/".join(labels[v] for v in ends) or "—"
