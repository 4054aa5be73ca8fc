"""The report as plain data (`report --format json`, schema clientcheck.report/1) and its shared texts.

Every report renderer (table, JSON, HTML) takes its words from here, so a suggestion or a
reading says the same thing in every format.
"""

from __future__ import annotations

from typing import Any

from clientcheck import fmt
from clientcheck.i18n import t
from clientcheck.model import VERDICTS, Catalog
from clientcheck.render.names import severity_name
from clientcheck.report import Interval, Overruled, Rate, Report, RuleStats, Suggestion

SCHEMA = "clientcheck.report/1"


def pct(x: float | None, lang: str) -> str:
    """A share as a whole percentage; Russian puts a space before the sign."""
    return "—" if x is None else fmt.percent(x, lang)


def span(iv: Interval | None, lang: str) -> str:
    """An interval of shares: 47–91%."""
    return "—" if iv is None else fmt.percent_span(iv.low, iv.high, lang)


def signed_span(iv: Interval | None, lang: str) -> str:
    """A difference in percentage points: −12…+40 pp."""
    if iv is None:
        return "—"

    def one(x: float) -> str:
        v = round(100 * x)
        return f"+{v}" if v > 0 else ("0" if v == 0 else f"−{-v}")

    return f"{one(iv.low)}…{one(iv.high)} {t(lang, 'report.pp')}"


def rate_text(r: Rate, lang: str) -> str:
    """9 of 12 (75%, 47–91%)."""
    if r.n == 0:
        return t(lang, "report.no_cases")
    return t(lang, "report.rate", k=r.k, n=r.n, pct=pct(r.rate, lang), span=span(r.interval, lang))


def reading_text(s: RuleStats, lang: str) -> str:
    return t(lang, f"report.reading.{s.reading}", n=s.fired.n)


def title(catalog: Catalog, rule_id: str, lang: str) -> str:
    rule = catalog.rule(rule_id)
    return rule.title.get(lang) if rule else rule_id


def suggestion_text(s: Suggestion, catalog: Catalog, lang: str) -> str:
    fields = dict(s.fields)
    for key in ("now", "to"):
        if key in fields:
            fields[key] = severity_name(catalog, fields[key], lang)
    return t(lang, f"report.suggest.{s.action}", rule=s.rule, **fields)


def kind_text(catalog: Catalog, s: RuleStats, lang: str) -> str:
    if s.kind == "red-flag":
        return severity_name(catalog, s.severity, lang) or t(lang, "report.kind.red-flag")
    return t(lang, f"report.kind.{s.kind}")


def clients_text(o: Overruled, lang: str, limit: int = 12) -> str:
    """ACME (#3, trouble), Beta (#9, no trouble) and 4 more."""
    shown = ", ".join(
        f"{client} (#{rid}{'' if tr is None else ', ' + t(lang, 'report.trouble' if tr else 'report.fine')})"
        for rid, client, tr in o.clients[:limit]
    )
    more = len(o.clients) - limit
    return shown + (" " + t(lang, "report.more", count=more) if more > 0 else "")


def compared(report: Report) -> list[RuleStats]:
    """The rules with cases on both sides (fired and not), in the report's order: the ones a table row
    or a chart bar can say something about."""
    return [s for s in report.rules if s.fired.n and s.not_fired.n]


def uncompared(report: Report) -> list[tuple[str, list[str]]]:
    """(text key, rule ids) for the rules with nothing to compare: never fired, or fired on every case."""
    never = [s.id for s in report.rules if not s.fired.n and report.cases]
    always = [s.id for s in report.rules if s.fired.n and not s.not_fired.n]
    return [(key, ids) for key, ids in (("report.never_fired", never), ("report.always_fired", always)) if ids]


def _rule(s: RuleStats, catalog: Catalog, lang: str) -> dict[str, Any]:
    d = s.difference
    return {
        "id": s.id,
        "kind": s.kind,
        "title": s.title.get(lang) or s.title.get("en") or s.id,
        "fired_at": dict(sorted(s.severities.items())),
        "when_fired": s.fired.to_dict(),
        "when_not_fired": s.not_fired.to_dict(),
        "undecided": s.undecided,
        "difference": None if d is None else {"estimate": round(s.excess or 0.0, 4), **d.to_dict()},
        "reading": s.reading,
    }


def report_to_dict(report: Report, catalog: Catalog, lang: str) -> dict[str, Any]:
    out: dict[str, Any] = {
        "schema": SCHEMA,
        "language": lang,
        "rules_sha256": report.digest,
        "interval": "95% Wilson score for rates; Newcombe hybrid score (method 10) for differences",
        "assessments": report.assessments,
        "with_outcome": report.with_outcome,
        "not_taken": report.not_taken,
        "trouble_unknown": report.unknown,
        "cases": len(report.cases),
        "overall": report.overall.to_dict(),
        "by_verdict": {v: report.by_verdict[v].to_dict() for v in VERDICTS},
        "rules": [_rule(s, catalog, lang) for s in report.rules],
        "overruled": [
            {
                "verdict": o.verdict,
                "taken": o.taken,
                "count": o.count,
                "trouble": o.trouble.to_dict(),
                "assessments": [{"id": i, "client": c, "trouble": tr} for i, c, tr in o.clients],
            }
            for o in report.overruled
        ],
        "suggestions": [
            {"rule": s.rule or None, "action": s.action, **dict(s.fields), "text": suggestion_text(s, catalog, lang)}
            for s in report.suggestions
        ],
        "answers_dropped": list(report.skipped),
    }
    w = report.what_if
    if w is not None:
        out["what_if"] = {
            "rules_sha256": {"in_effect": w.base_digest, "other": w.other_digest},
            "in_effect": {v: w.base[v].to_dict() for v in VERDICTS},
            "other": {v: w.other[v].to_dict() for v in VERDICTS},
            "changed": [
                {
                    "id": c.assessment.id,
                    "client": c.assessment.client,
                    "trouble": c.trouble,
                    "verdict": {"in_effect": before, "other": after},
                }
                for c, before, after in w.changed
            ],
        }
    return out
