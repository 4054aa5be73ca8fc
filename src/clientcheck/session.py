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

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from clientcheck import qtypes
from clientcheck.evaluate import evaluate, possibilities
from clientcheck.i18n import t
from clientcheck.model import CLIENT_KEY, NOTE_KEY, UNKNOWN, Answers, Catalog, Finding, Question, Section, Verdict

# typed answers lived here; the interview, the profile and the tests still import them from here
from clientcheck.typed import allowed_text, parse_typed, typed_default

__all__ = ["Change", "Session", "Step", "allowed_text", "parse_typed", "plain_value", "typed_default"]

if TYPE_CHECKING:
    from clientcheck.adaptive import Chooser


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
        chooser: Chooser | None = None,
        note: str | None = None,
        profile: str | None = None,
        never: frozenset[str] = frozenset(),
    ) -> None:
        self.catalog = catalog
        self.client = client
        self.origin = origin
        # None: file order; else the question that most narrows the verdict range comes next
        self.chooser = chooser
        self.note = note
        self.profile = profile
        self.never = never  # questions not to ask at all (the seller's, when a profile answers them)
        self.asked: list[str] = []  # the questions answered in this run, in the order they were asked
        # checklist lines left for later ("not sure about some"): asked one by one, as yes/no
        self.single: set[str] = set()
        self._together: dict[str, int] = {}  # checklist lines answered in one prompt -> that prompt's number
        self._prompts = 0
        # checklists put off whole ("not sure about some" alone): (prompts asked before it, its first
        # line). They answered nothing, yet they were a step: the count goes on past them
        self._putoff: list[tuple[int, str]] = []
        # a put-off checklist shown again by Ctrl-B (adaptive order): (its place among the steps
        # asked, its group); it stays in that place for the count, for Ctrl-B and once answered
        self._revisit: tuple[int, str] | None = None
        self._verdict: tuple[tuple[tuple[str, Any], ...], Verdict] | None = None
        self.values: dict[str, Any] = {}
        for qid, value in (initial or {}).items():
            if qid in catalog.questions:
                self.values[qid] = value
        self._section_of = {qid: s for s in catalog.sections for qid in s.questions}
        self._drop_irrelevant()
        # flags the initial answers already raise were known before the interview: not news
        self._fired = {(f.rule.id, f.severity) for f in self.raised_flags()}
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
        return [qid for qid, gate in self._gates() if gate is True and qid not in self.never]

    def todo(self) -> list[str]:
        """The questions in effect that have no answer yet, in file order."""
        return [qid for qid in self.plan() if qid not in self.values]

    def first_unanswered(self) -> str | None:
        """The next question to ask: in file order, or the one the chooser says narrows the verdict most."""
        todo = self.todo()
        if self.chooser is None or len(todo) < 2:
            return todo[0] if todo else None
        return self.chooser.choose(self.answers(), todo, self.single)

    def group(self, qid: str) -> str | None:
        item = self.catalog.questions[qid].checklist
        return None if item is None else item.group

    @property
    def checklist(self) -> bool:
        """Is the current prompt a checklist (see lines())? One line alone is asked as its question."""
        return len(self._group_lines()) > 1

    def lines(self) -> list[str]:
        """The questions the current prompt asks: the current one, or the lines of its checklist.

        A checklist shows its lines still unanswered and those answered in this run (so going
        back shows them again as they were ticked); answers from a file or the profile stay out.
        """
        if self.current is None:
            return []
        group = self._group_lines()
        return group if len(group) > 1 else [self.current]

    def _group_lines(self) -> list[str]:
        if self.current is None or self.current in self.single:
            return []
        group = self.group(self.current)
        if group is None:
            return []
        return [
            qid
            for qid in self.plan()
            if self.group(qid) == group
            and qid not in self.single
            and (qid not in self.values or qid in self.asked or qid == self.current)
        ]

    def _step_key(self, qid: str) -> tuple[str, object] | None:
        """Questions with the same key are one prompt: answered together in one checklist in this
        run, or checklist lines still open (they will be asked together)."""
        if qid in self._together:
            return ("answered", self._together[qid])
        group = self.group(qid)
        if group is not None and qid not in self.values and qid not in self.single:
            return ("open", group)
        return None

    def _steps(self, qids: list[str]) -> list[str]:
        """qids with each prompt kept once, at its first question: one prompt, one step."""
        seen: set[tuple[str, object]] = set()
        out: list[str] = []
        for qid in qids:
            key = self._step_key(qid)
            if key is not None:
                if key in seen:
                    continue
                seen.add(key)
            out.append(qid)
        return out

    def _asked_steps(self, plan: list[str] | None = None) -> list[str]:
        """The steps asked in this run whose questions are still in effect, in the order asked: one
        count for the progress, for Ctrl-B and for where a put-off checklist stands (an answer whose
        question has left the plan, its `when` now undecided, is no step until it is back)."""
        in_plan = set(self.plan() if plan is None else plan)
        return self._steps([qid for qid in self.asked if qid in in_plan])

    def _step_index(self, steps: list[str], qid: str) -> int | None:
        key = self._step_key(qid)
        for i, s in enumerate(steps):
            if s == qid or (key is not None and self._step_key(s) == key):
                return i
        return None

    def can_move(self) -> bool:
        """Could an answer still to be asked change the verdict?

        Only the questions that decide a rule still open (the engine's ask-next list, which names
        what decides whether a follow-up applies too) can; once none of them is left to ask,
        the ones answered "don't know" hold the range where it is, and asking the rest would
        leave the verdict exactly as it is.
        """
        if self.settled:
            return False
        wanted = {a.question for a in self.verdict().ask_next}
        return any(qid in wanted for qid in self.todo())

    def review_ids(self) -> list[str]:
        """What the review screen lists: every question in effect, and any other answer that counts."""
        return [
            qid
            for qid, gate in self._gates()
            if (gate is True and qid not in self.never) or (gate is not False and qid in self.values)
        ]

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
        plan = self._steps(self.plan())
        q = self.catalog.questions[self.current]
        if self.chooser is not None:  # asked out of file order: count what this run asks
            todo = self._steps([qid for qid in self.plan() if qid not in self.values or qid in self.asked])
            asked = self._asked_steps()
            index = self._step_index(asked, self.current)
            place = self._revisiting()
            if place is not None:
                number = place + 1 + sum(1 for before, _ in self._putoff if before < place)
            elif index is None:
                number = len(asked) + 1 + len(self._putoff)
            else:
                number = index + 1 + sum(1 for before, _ in self._putoff if before <= index)
            total = len(todo) + len(self._putoff)
            return Step(q, self._section_of[self.current], min(number, total), total)
        index = self._step_index(plan, self.current)
        number = index + 1 if index is not None else len(plan)
        putoff = sum(1 for _, first in self._putoff if (self._step_index(plan, first) or 0) <= number - 1)
        return Step(q, self._section_of[self.current], number + putoff, len(plan) + len(self._putoff))

    @property
    def done(self) -> bool:
        return self.current is None

    def answer(self, qid: str, value: Any) -> Change:
        """Record an answer (already canonical: see answers.coerce), then move to the next open question."""
        return self.answer_all({qid: value})

    def answer_checklist(self, ticked: Iterable[str], unsure: bool = False) -> Change:
        """Answer the current checklist: a ticked line gives its question the line's `ticked`
        answer, an unticked one the other answer ("not noticed" is "no"). unsure ("not sure about
        some"): the unticked lines stay unanswered, to be asked one by one if they still matter.
        """
        ticked = set(ticked)
        values: dict[str, Any] = {}
        for qid in self.lines():
            item = self.catalog.questions[qid].checklist
            if item is None:
                continue
            if qid in ticked:
                values[qid] = item.ticked
            elif unsure:
                self.values.pop(qid, None)
                self.single.add(qid)
            else:
                values[qid] = not item.ticked
        place = self._revisiting()
        self._revisit = None
        if unsure:
            self.asked = [a for a in self.asked if a in self.values]
            if not values and self.current is not None:
                self._putoff.append((len(self._asked_steps()) if place is None else place, self.current))
        elif place is not None:  # answered where it was put off: its lines go back to that place
            steps = self._asked_steps()
            at = self.asked.index(steps[place]) if place < len(steps) else len(self.asked)
            self.asked[at:at] = [q for q in values if q not in self.asked]
        self._prompts += 1
        self._together.update(dict.fromkeys(values, self._prompts))
        return self.answer_all(values)

    def answer_all(self, values: Mapping[str, Any]) -> Change:
        """Record the answers one prompt gave (a checklist gives several), then move on."""
        for qid, value in values.items():
            self.values[qid] = value
            if qid not in self.asked:
                self.asked.append(qid)
        dropped = self._drop_irrelevant()
        self.asked = [a for a in self.asked if a in self.values]
        findings = self.raised_flags()
        new = tuple(f for f in findings if (f.rule.id, f.severity) not in self._fired)
        self._fired = {(f.rule.id, f.severity) for f in findings}
        self.current = self.first_unanswered()
        return Change(new, dropped)

    def back(self) -> bool:
        """Go to the question before the current one (from the review: the last one). False at the start."""
        if self.chooser is None:
            return self._back_in_file_order()
        # asked out of file order: back walks the order the questions were asked in. The question
        # before this one in file order may not be asked yet: going there would skip this one, so
        # before the first answer there is nothing to go back to (at the review, with every
        # answer from a file: the last one in file order)
        plan = self.plan()
        asked = self._asked_steps(plan)
        place = self._revisiting()
        if place is not None:  # a put-off checklist shown again: the step before its place
            if place == 0:
                return False
            self._revisit = None
            self.current = asked[min(place, len(asked)) - 1]
            return True
        index = None if self.current is None else self._step_index(asked, self.current)
        if self._back_to_putoff(len(asked) if index is None else index):
            return True
        if not asked:
            return self.current is None and self._back_in_file_order()
        return self._back_in(asked)

    def _back_in_file_order(self) -> bool:
        if self.current in self.single and self._back_to_putoff(None):
            return True
        return self._back_in(self._steps(self.plan()))

    def _back_to_putoff(self, position: int | None) -> bool:
        """Ask again, as a checklist, the one put off whole ("not sure about some", nothing ticked)
        just before this step: at position among the steps asked (adaptive order), or, in file
        order (None), the one whose lines are being asked one by one from the current one on.
        Not when one of its lines was answered since: that answer is a step of its own."""
        for k in range(len(self._putoff) - 1, -1, -1):
            before, first = self._putoff[k]
            group = self.group(first) if first in self.catalog.questions else None
            lines = [q for q in self.plan() if group is not None and self.group(q) == group]
            if group is None or not lines or any(q in self.values for q in lines if q in self.single):
                continue
            if position is None and self.current not in lines:
                continue
            if position is not None and before != position:
                continue
            del self._putoff[k]
            self.single.difference_update(lines)
            self.current = first if first in lines else lines[0]
            if position is not None:
                self._revisit = (before, group)
            return True
        return False

    def _revisiting(self) -> int | None:
        """The place among the steps asked of the put-off checklist shown again, while it is the
        prompt (None otherwise)."""
        if self._revisit is None or self.current is None or self.group(self.current) != self._revisit[1]:
            return None
        return self._revisit[0]

    def _back_in(self, steps: list[str]) -> bool:
        """Go to the step before the current one in steps (a checklist is one step)."""
        if not steps:
            return False
        index = None if self.current is None else self._step_index(steps, self.current)
        if index is None:
            self.current = steps[-1]
            return True
        if index == 0:
            return False
        self.current = steps[index - 1]
        return True

    def state(self) -> dict[str, Any]:
        """Where this run stands beyond its answers (the order they were asked in, which checklist
        lines went together, what was put off), as plain data for the recovery file."""
        together: dict[int, list[str]] = {}
        for qid, prompt in self._together.items():
            together.setdefault(prompt, []).append(qid)
        return {
            "asked": list(self.asked),
            "together": [lines for lines in together.values() if len(lines) > 1],
            "single": sorted(self.single),
            "putoff": [[before, first] for before, first in self._putoff],
        }

    def restore(self, state: Mapping[str, Any]) -> None:
        """Continue a paused run where state() left it: Ctrl-B walks back into the answers given
        before the pause, and the count goes on. What no longer fits the answers is left out."""
        known = self.catalog.questions

        def ids(x: object) -> list[str]:
            return [q for q in x if isinstance(q, str) and q in known] if isinstance(x, list) else []

        self.asked = [q for q in dict.fromkeys(ids(state.get("asked"))) if q in self.values and q not in self.never]
        self.single = {q for q in ids(state.get("single")) if self.group(q) is not None}
        for lines in state.get("together") or []:
            lines = [q for q in ids(lines) if q in self.asked]
            if len(lines) > 1:
                self._prompts += 1
                self._together.update(dict.fromkeys(lines, self._prompts))
        putoff = state.get("putoff")
        for entry in putoff if isinstance(putoff, list) else []:
            if isinstance(entry, list) and len(entry) == 2 and isinstance(entry[0], int) and entry[1] in known:
                self._putoff.append((entry[0], entry[1]))
        self.current = self.first_unanswered()

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
        return Answers(ordered, self.client, self.origin, note=self.note, profile=self.profile)

    def verdict(self) -> Verdict:
        """The verdict on the answers so far (kept until an answer changes)."""
        key = tuple((qid, self.values[qid]) for qid in self.values)
        if self._verdict is None or self._verdict[0] != key:
            self._verdict = (key, evaluate(self.catalog, self.answers()))
        return self._verdict[1]

    @property
    def settled(self) -> bool:
        """No answer still to come can change the verdict (the engine's best == worst)."""
        return bool(self.verdict().settled)

    def to_mapping(self) -> dict[str, Any]:
        """The answers as an answers file holds them: `client` first, null for don't know, lists for multi."""
        out: dict[str, Any] = {}
        if self.client is not None:
            out[CLIENT_KEY] = self.client
        if self.note and NOTE_KEY not in self.catalog.questions:
            out[NOTE_KEY] = self.note
        for qid, q in self.catalog.questions.items():
            if qid in self.values:
                out[qid] = plain_value(q, self.values[qid])
        return out

    def raised_flags(self) -> list[Finding]:
        """Red flags the answers raise now at a severity that alone declines (decline_if.any_severity).

        A flag that fires only because a question is not answered yet (`not known(budget)`) is not
        raised: nothing was said that raised it, and the answer may drop it. It is once the answers
        settle it, or every question it reads is answered ("don't know" counts).
        """
        decline = set(self.catalog.policy.decline_if.any_severity)
        found = [f for f in self.verdict().red_flags if f.severity in decline]
        if not found:
            return found
        settled = possibilities(self.catalog, self.answers())
        questions = self.catalog.questions
        return [
            f
            for f in found
            if settled[f.rule.id].status == "fired"
            or {n for n in f.rule.levels[f.level].when.names if n in questions} <= self.values.keys()
        ]


def plain_value(q: Question, value: Any) -> Any:
    """An answer as file data: null for don't know, multi answers as lists in the questions' order."""
    if value is UNKNOWN:
        return None
    return qtypes.of(q).plain(q, value)
