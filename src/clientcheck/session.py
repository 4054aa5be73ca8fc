"""The state of one interview, with no terminal in sight.

Which questions are in effect (their `when` gates), where the interview stands, going back,
dropping answers that stop applying, progress and live red flags all live here, so they can be
tested without a terminal and reused by any front end. Importing this never loads questionary.

A question is asked only when its `when` is true on the earlier answers. When a gate is
undecided (the answer it needs is "don't know"), the question is not asked, but an answer that
came from a file is kept, exactly as `evaluate.effective` counts it; when a gate is false the
answer is dropped.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from clientcheck import qtypes
from clientcheck.answers import coerce
from clientcheck.evaluate import evaluate
from clientcheck.i18n import t
from clientcheck.model import CLIENT_KEY, UNKNOWN, Answers, Catalog, Finding, Question, Section


@dataclass(frozen=True)
class Step:
    """The question to ask now, and where it stands in the interview."""

    question: Question
    section: Section
    number: int  # 1-based, among the questions in effect
    total: int

    def progress(self, lang: str) -> str:
        return t(lang, "interview.progress", section=self.section.title.get(lang), n=self.number, total=self.total)


@dataclass(frozen=True)
class Change:
    """What one answer did: red flags that newly fire at a decline severity, answers dropped."""

    new_flags: tuple[Finding, ...]
    dropped: tuple[str, ...]


class Session:
    """Answers so far and the question being asked (None: every question in effect is answered)."""

    def __init__(
        self,
        catalog: Catalog,
        initial: Mapping[str, Any] | None = None,
        client: str | None = None,
        origin: str = "<interview>",
    ) -> None:
        self.catalog = catalog
        self.client = client
        self.origin = origin
        self.values: dict[str, Any] = {}
        for qid, value in (initial or {}).items():
            if qid in catalog.questions:
                self.values[qid] = value
        self._section_of = {qid: s for s in catalog.sections for qid in s.questions}
        self._drop_irrelevant()
        # flags the initial answers already raise were known before the interview: not news
        self._fired = {(f.rule.id, f.severity) for f in self._decline_findings()}
        self.current: str | None = self.first_unanswered()

    # ---- what is in effect -------------------------------------------------------------

    def _gates(self) -> Iterator[tuple[str, bool | None]]:
        """Each question in interview order with its gate: True, False or None (undecided)."""
        env: dict[str, Any] = {}
        for qid, q in self.catalog.questions.items():
            gate = True if q.when is None else q.when(env)
            yield qid, gate
            if gate is not False and qid in self.values and self.values[qid] is not UNKNOWN:
                env[qid] = self.values[qid]

    def plan(self) -> list[str]:
        """The questions to ask, in order, given the answers so far."""
        return [qid for qid, gate in self._gates() if gate is True]

    def first_unanswered(self) -> str | None:
        return next((qid for qid in self.plan() if qid not in self.values), None)

    def review_ids(self) -> list[str]:
        """What the review screen lists: every question in effect, and any other answer that counts."""
        return [qid for qid, gate in self._gates() if gate is True or (gate is None and qid in self.values)]

    def _drop_irrelevant(self) -> tuple[str, ...]:
        dropped: list[str] = []
        # one pass suffices: gates only look at earlier questions, and _gates() walks in order
        for qid, gate in list(self._gates()):
            if gate is False and qid in self.values:
                del self.values[qid]
                dropped.append(qid)
        return tuple(dropped)

    # ---- where we are ------------------------------------------------------------------

    def step(self) -> Step | None:
        if self.current is None:
            return None
        plan = self.plan()
        q = self.catalog.questions[self.current]
        number = plan.index(self.current) + 1 if self.current in plan else len(plan)
        return Step(q, self._section_of[self.current], number, len(plan))

    @property
    def done(self) -> bool:
        return self.current is None

    def answer(self, qid: str, value: Any) -> Change:
        """Record an answer (already canonical: see answers.coerce), then move to the next open question."""
        self.values[qid] = value
        dropped = self._drop_irrelevant()
        findings = self._decline_findings()
        new = tuple(f for f in findings if (f.rule.id, f.severity) not in self._fired)
        self._fired = {(f.rule.id, f.severity) for f in findings}
        self.current = self.first_unanswered()
        return Change(new, dropped)

    def back(self) -> bool:
        """Go to the question before the current one (from the review: the last one). False at the start."""
        plan = self.plan()
        if not plan:
            return False
        if self.current is None or self.current not in plan:
            self.current = plan[-1]
            return True
        index = plan.index(self.current)
        if index == 0:
            return False
        self.current = plan[index - 1]
        return True

    def edit(self, qid: str) -> None:
        """Ask qid again (from the review screen)."""
        if qid not in self.catalog.questions:
            raise KeyError(qid)
        self.current = qid

    # ---- results -----------------------------------------------------------------------

    def answered(self) -> int:
        return len(self.values)

    def answers(self) -> Answers:
        ordered = {qid: self.values[qid] for qid in self.catalog.questions if qid in self.values}
        return Answers(ordered, self.client, self.origin)

    def to_mapping(self) -> dict[str, Any]:
        """The answers as an answers file holds them: `client` first, null for don't know, lists for multi."""
        out: dict[str, Any] = {}
        if self.client is not None:
            out[CLIENT_KEY] = self.client
        for qid, q in self.catalog.questions.items():
            if qid in self.values:
                out[qid] = plain_value(q, self.values[qid])
        return out

    def _decline_findings(self) -> list[Finding]:
        """Red flags firing now at a severity that alone declines (the policy's decline_if.any_severity)."""
        decline = set(self.catalog.policy.decline_if.any_severity)
        return [f for f in evaluate(self.catalog, self.answers()).red_flags if f.severity in decline]


def plain_value(q: Question, value: Any) -> Any:
    """An answer as file data: null for don't know, multi answers as lists in the questions' order."""
    if value is UNKNOWN:
        return None
    return qtypes.of(q).plain(q, value)


# ---- typed answers (integer, number, text) ---------------------------------------------


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else repr(float(x))


def _bound(x: float, lang: str) -> str:
    """A bound as people read it: 1,000,000 (en) or 1 000 000 (ru); both forms are accepted back."""
    text = _num(x)
    if abs(x) < 10000 or not float(x).is_integer():
        return text
    grouped = f"{int(x):,}"
    return grouped.replace(",", "\u00a0") if lang == "ru" else grouped


def allowed_text(q: Question, lang: str) -> str:
    """What a typed question accepts, in words, with its unit: "a whole number from 0 to 365 (days)"."""
    if q.type == "date":
        return t(lang, "interview.allowed.date")
    if not qtypes.of(q).numeric:
        return t(lang, "interview.allowed.text")
    kind = t(lang, "interview.allowed.integer" if q.type == "integer" else "interview.allowed.number")
    if q.min is not None and q.max is not None:
        text = t(lang, "interview.allowed.range", kind=kind, min=_bound(q.min, lang), max=_bound(q.max, lang))
    elif q.min is not None:
        text = t(lang, "interview.allowed.min", kind=kind, min=_bound(q.min, lang))
    elif q.max is not None:
        text = t(lang, "interview.allowed.max", kind=kind, max=_bound(q.max, lang))
    else:
        text = kind
    return f"{text} ({q.unit.get(lang)})" if q.unit else text


def parse_typed(q: Question, text: str, lang: str) -> Any:
    """What the user typed, as a canonical answer; empty means don't know.

    Raises ValueError with a message in the user's language that says what is allowed.
    """
    text = text.strip()
    if not text:
        return UNKNOWN
    kind = qtypes.of(q)
    if kind.name == "text":
        return coerce(q, text)
    try:
        return coerce(q, kind.from_typed(q, text, lang))
    except ValueError:
        raise ValueError(t(lang, "interview.bad_number", value=text, allowed=allowed_text(q, lang))) from None


def typed_default(q: Question, value: Any) -> str:
    """The text a typed prompt starts with: the earlier answer, else the question's default."""
    if value is UNKNOWN:
        return ""
    if value is None:
        value = q.default
    if value is None or value is UNKNOWN:
        return ""
    if isinstance(value, bool):
        return ""
    return qtypes.of(q).typed_text(q, value)
