"""Assessments compared: a stored one under other rules (rescore), and two of them (diff)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from clientcheck.fmt import stamp
from clientcheck.history.records import Assessment, Fired
from clientcheck.history.store import History
from clientcheck.model import Answers, Catalog, Verdict


def restore_answers(stored: Mapping[str, Any], catalog: Catalog) -> tuple[dict[str, Any], tuple[str, ...]]:
    """Stored JSON answers as the catalog's values; those it no longer accepts are dropped and named."""
    from clientcheck.answers import coerce

    values: dict[str, Any] = {}
    dropped: list[str] = []
    for qid, value in stored.items():
        q = catalog.questions.get(qid)
        if q is None:
            dropped.append(qid)
            continue
        try:
            values[qid] = coerce(q, value)
        except ValueError:
            dropped.append(qid)
    return values, tuple(dropped)


def reevaluate(a: Assessment, catalog: Catalog) -> tuple[Verdict, tuple[str, ...]]:
    """A stored assessment's answers under the given rules; also the answers the rules no longer take."""
    from clientcheck.evaluate import evaluate

    values, dropped = restore_answers(a.answers, catalog)
    # the note and the profile live in the stored verdict (an assessment from before them has none)
    stored = (getattr(a, "verdict_data", None) or {}).get(getattr(a, "language", "")) or {}
    note, profile = stored.get("note"), stored.get("profile")
    answers = Answers(
        values,
        a.client,
        f"assessment #{a.id}",
        tuple(sorted(a.from_history)),
        note if isinstance(note, str) else None,
        profile if isinstance(profile, str) else None,
    )
    # as of the day it was made: `today` in a condition is that day, not this one
    return evaluate(catalog, answers, now=a.created_at.astimezone().date()), dropped


def fired_of(verdict: Verdict) -> tuple[Fired, ...]:
    return tuple(
        Fired(f.rule.id, f.rule.kind, f.severity) for f in (*verdict.red_flags, *verdict.good_signs, *verdict.notes)
    )


@dataclass(frozen=True)
class FiredChange:
    """How two sets of fired rules differ: gained, lost, and red flags whose severity moved."""

    gained: tuple[Fired, ...]
    lost: tuple[Fired, ...]
    moved: tuple[tuple[Fired, Fired], ...]  # (before, after)

    @classmethod
    def between(cls, before: Sequence[Fired], after: Sequence[Fired]) -> FiredChange:
        old = {f.id: f for f in before}
        new = {f.id: f for f in after}
        return cls(
            tuple(f for f in after if f.id not in old),
            tuple(f for f in before if f.id not in new),
            tuple((old[i], new[i]) for i in new if i in old and old[i].severity != new[i].severity),
        )

    def __bool__(self) -> bool:
        return bool(self.gained or self.lost or self.moved)


@dataclass(frozen=True)
class Rescored:
    """A stored assessment whose verdict the rules in effect would change."""

    assessment: Assessment
    verdict: Verdict
    change: FiredChange
    dropped: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """One entry of `rescore --format json`'s `changed`."""
        a = self.assessment
        return {
            "id": a.id,
            "client": a.client,
            "created_at": stamp(a.created_at),
            "verdict": {"was": a.verdict, "now": self.verdict.verdict},
            "score": {"was": a.score, "now": self.verdict.score},
            "flags_gained": [{"id": f.id, "severity": f.severity} for f in self.change.gained],
            "flags_lost": [{"id": f.id, "severity": f.severity} for f in self.change.lost],
            "flags_moved": [{"id": new.id, "was": old.severity, "now": new.severity} for old, new in self.change.moved],
            "answers_dropped": list(self.dropped),
        }


def rescore(history: History, catalog: Catalog) -> tuple[int, list[Rescored]]:
    """Every stored assessment re-evaluated under catalog: (how many, those whose verdict changes)."""
    stored = history.assessments()
    changed: list[Rescored] = []
    for a in stored:
        verdict, dropped = reevaluate(a, catalog)
        if verdict.verdict != a.verdict:
            changed.append(Rescored(a, verdict, FiredChange.between(a.fired, fired_of(verdict)), dropped))
    return len(stored), changed


@dataclass(frozen=True)
class Diff:
    """What changed from one assessment to another."""

    before: Assessment
    after: Assessment
    answers: tuple[str, ...]  # question ids whose answer changed, appeared or went
    flags: FiredChange  # red flags
    good: FiredChange  # good signs

    def to_dict(self) -> dict[str, Any]:
        def side(a: Assessment) -> dict[str, Any]:
            return {
                "id": a.id,
                "client": a.client,
                "created_at": stamp(a.created_at),
                "verdict": a.verdict,
                "score": a.score,
                "rules_sha256": a.rules_digest,
            }

        def answer(qid: str) -> dict[str, Any]:
            # a side's key is left out when that assessment did not answer the question
            out: dict[str, Any] = {"question": qid}
            for key, a in (("before", self.before), ("after", self.after)):
                if qid in a.answers:
                    out[key] = a.answers[qid]
                if qid in a.from_history:
                    out[f"{key}_from_history"] = True
            return out

        def flag(f: Fired) -> dict[str, Any]:
            return {"id": f.id, "severity": f.severity} if f.severity else {"id": f.id}

        return {
            "schema": "clientcheck.diff/1",
            "before": side(self.before),
            "after": side(self.after),
            "verdict_changed": self.before.verdict != self.after.verdict,
            "answers": [answer(q) for q in self.answers],
            "flags_gained": [flag(f) for f in self.flags.gained],
            "flags_lost": [flag(f) for f in self.flags.lost],
            "flags_moved": [
                {"id": new.id, "before": old.severity, "after": new.severity} for old, new in self.flags.moved
            ],
            "good_signs_gained": [flag(f) for f in self.good.gained],
            "good_signs_lost": [flag(f) for f in self.good.lost],
        }


def diff_assessments(before: Assessment, after: Assessment) -> Diff:
    keys = list(before.answers) + [k for k in after.answers if k not in before.answers]
    changed = tuple(
        k
        for k in keys
        if (k in before.answers) != (k in after.answers) or before.answers.get(k) != after.answers.get(k)
    )

    def kind(a: Assessment, k: str) -> tuple[Fired, ...]:
        return tuple(f for f in a.fired if f.kind == k)

    return Diff(
        before,
        after,
        changed,
        FiredChange.between(kind(before, "red-flag"), kind(after, "red-flag")),
        FiredChange.between(kind(before, "good-sign"), kind(after, "good-sign")),
    )
