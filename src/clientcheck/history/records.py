"""The stored records, as the database rows and the export's JSON hold them."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from clientcheck.fmt import stamp


def now() -> datetime:
    return datetime.now(UTC)


def parse_stamp(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def dumps(value: Any) -> str:
    # key order is kept: the stored verdict must read exactly as it was printed; NaN and
    # infinities are refused (they are not JSON), never written as `NaN`
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


@dataclass(frozen=True)
class Fired:
    """A rule that fired in a stored assessment."""

    id: str
    kind: str  # red-flag | good-sign | note
    severity: str | None


@dataclass(frozen=True)
class Assessment:
    id: int
    uid: str
    client: str
    created_at: datetime
    language: str
    answers: Mapping[str, Any]  # question id -> answer as JSON data (null = don't know)
    from_history: tuple[str, ...]  # the answers that came from the payment log
    verdict: str
    score: float
    fired: tuple[Fired, ...]
    rules_digest: str
    verdict_data: Mapping[str, Any]  # language -> the verdict as render.data.verdict_to_dict gave it

    @property
    def red_flags(self) -> tuple[Fired, ...]:
        return tuple(f for f in self.fired if f.kind == "red-flag")

    def stored_verdict(self, lang: str | None = None) -> dict[str, Any]:
        """The verdict exactly as it was rendered as JSON, in lang if stored, else as assessed."""
        data = self.verdict_data.get(lang or self.language) or self.verdict_data[self.language]
        return dict(data)

    def to_dict(self) -> dict[str, Any]:
        """The record as the export holds it."""
        return {
            "id": self.id,
            "uid": self.uid,
            "client": self.client,
            "created_at": stamp(self.created_at),
            "language": self.language,
            "verdict": self.verdict,
            "score": self.score,
            "red_flags": [{"id": f.id, "severity": f.severity} for f in self.red_flags],
            "fired": [{"id": f.id, "kind": f.kind, "severity": f.severity} for f in self.fired],
            "rules_sha256": self.rules_digest,
            "from_history": list(self.from_history),
            "answers": dict(self.answers),
            "verdict_data": dict(self.verdict_data),
        }


@dataclass(frozen=True)
class Payment:
    id: int
    uid: str
    client: str
    paid_on: date
    late: bool
    days_late: int | None
    recorded_at: datetime

    def to_dict(self) -> dict[str, Any]:
        """The record as the export holds it."""
        return {
            "id": self.id,
            "uid": self.uid,
            "client": self.client,
            "paid_on": self.paid_on.isoformat(),
            "late": self.late,
            "days_late": self.days_late,
            "recorded_at": stamp(self.recorded_at),
        }


ASSESSMENT_COLUMNS = (
    "id, uid, client, created_at, language, answers, from_history, verdict, score, findings, rules_digest, verdict_data"
)
PAYMENT_COLUMNS = "id, uid, client, paid_on, late, days_late, recorded_at"


def assessment_of(row: tuple[Any, ...]) -> Assessment:
    """A row of ASSESSMENT_COLUMNS; ValueError, KeyError or TypeError when it is damaged."""
    rid, uid, client, created, lang, answers, from_history, verdict, score, fired, digest, data = row
    return Assessment(
        rid,
        uid,
        client,
        parse_stamp(created),
        lang,
        json.loads(answers),
        tuple(json.loads(from_history)),
        verdict,
        float(score),
        tuple(Fired(f["id"], f["kind"], f.get("severity")) for f in json.loads(fired)),
        digest,
        json.loads(data),
    )


def payment_of(row: tuple[Any, ...]) -> Payment:
    """A row of PAYMENT_COLUMNS."""
    rid, uid, client, paid_on, late, days_late, recorded = row
    return Payment(rid, uid, client, date.fromisoformat(paid_on), bool(late), days_late, parse_stamp(recorded))
