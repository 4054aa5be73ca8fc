"""A verdict recorded as an assessment: the record to store, and saving it.

The record keeps the answers as JSON data and the verdict exactly as `--format json` printed
it, in every language, so `show` gives it back as it was whatever the rules say later. That
is the one place the history takes a rendering (render.data); the store only stores records.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from clientcheck.fmt import stamp
from clientcheck.history.location import check_client_name
from clientcheck.history.payments import Facts, still_from_history
from clientcheck.history.records import Assessment, now
from clientcheck.history.store import History
from clientcheck.model import LANGUAGES, Catalog, Verdict


def assessment_record(
    verdict: Verdict,
    catalog: Catalog,
    lang: str,
    client: str,
    from_history: Sequence[str] = (),
    at: datetime | None = None,
) -> dict[str, Any]:
    """The fields of an assessment as the store and the export hold them (without id and uid)."""
    from clientcheck.render.data import plain, verdict_to_dict

    client = check_client_name(client)
    kept = tuple(sorted(from_history))
    shown = verdict._replace(answers=verdict.answers._replace(client=client, from_history=kept))
    fired = [
        {"id": f.rule.id, "kind": f.rule.kind, "severity": f.severity}
        for f in (*verdict.red_flags, *verdict.good_signs, *verdict.notes)
    ]
    return {
        "client": client,
        "created_at": stamp(at or now()),
        "language": lang,
        "answers": {k: plain(v) for k, v in verdict.answers.values.items()},
        "from_history": list(kept),
        "verdict": verdict.verdict,
        "score": verdict.score,
        "fired": fired,
        "rules_sha256": catalog.digest,
        "verdict_data": {code: verdict_to_dict(shown, catalog, code) for code in LANGUAGES},
    }


def save_verdict(
    history: History,
    verdict: Verdict,
    catalog: Catalog,
    lang: str,
    client: str,
    from_history: Sequence[str] = (),
    at: datetime | None = None,
) -> Assessment:
    """Store one assessment in an open history: its answers, verdict, what fired, and the verdict as JSON."""
    return history.save_assessment(assessment_record(verdict, catalog, lang, client, from_history, at))


def save(
    verdict: Verdict, catalog: Catalog, lang: str, client: str, db: Path | None = None, facts: Facts | None = None
) -> Assessment:
    """Store an assessment. The answers still holding a history value are recorded as from history."""
    from_history = still_from_history(verdict.answers, facts)
    history = History.open(db)
    assert history is not None
    with history:
        return save_verdict(history, verdict, catalog, lang, client, from_history)
