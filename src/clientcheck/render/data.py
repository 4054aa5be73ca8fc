"""The verdict as plain data: the one layout behind JSON output (documented in docs/json.md)."""

from __future__ import annotations

import datetime as _dt
from typing import Any

from clientcheck.model import UNKNOWN, Catalog, Evidence, Verdict
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
    }
