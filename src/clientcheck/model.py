"""The data model: immutable records that every other module passes around.

They are NamedTuples rather than frozen dataclasses: as immutable and as typed, and about five
times cheaper to define, which matters because every run of the command line imports them.

Nothing here reads files or prints; the loader builds these, evaluate.py turns them into a
Verdict, render.py shows it. The Verdict owns its exit code.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final, Literal, NamedTuple, get_args

from clientcheck.errors import Mark, judge
from clientcheck.i18n import LANGUAGES as LANGUAGES  # defined with the words (re-exported)
from clientcheck.qtypes import TYPES

if TYPE_CHECKING:
    # the condition language loads with a catalog, not with every import of the model
    # (the interview's first prompt needs no conditions)
    from clientcheck.conditions import Condition, VarType

QUESTION_TYPES = tuple(TYPES)  # the registry of question types: qtypes.py
RuleKind = Literal["red-flag", "good-sign", "note"]
RULE_KINDS: tuple[RuleKind, ...] = get_args(RuleKind)
VERDICTS = ("go", "caution", "decline")
CLIENT_KEY = "client"  # an answers key that is not a question: the client's name
NOTE_KEY = "note"  # an answers key that is not a question: the user's free-text note about the client


class Unknown:
    """The explicit "don't know" answer; a singleton, falsy, distinct from "not asked"."""

    _instance: Unknown | None = None

    def __new__(cls) -> Unknown:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNKNOWN"

    def __bool__(self) -> bool:
        return False

    def __reduce__(self) -> str:
        return "UNKNOWN"


UNKNOWN: Final[Unknown] = Unknown()


class Text(NamedTuple):
    """A user-facing text in several languages."""

    values: Mapping[str, str]

    def get(self, lang: str) -> str:
        if lang in self.values:
            return self.values[lang]
        if "en" in self.values:
            return self.values["en"]
        return next(iter(self.values.values()), "")


class Choice(NamedTuple):
    id: str
    text: Text


class ChecklistItem(NamedTuple):
    """A yes/no question the interview may ask as one line of a "tick all that apply" checklist.

    The checklist (`group`) asks several such questions in one prompt: a ticked line gives its
    question the answer `ticked`, an unticked line the other answer; "not sure about the rest"
    leaves the unticked lines "don't know". Answers files still answer each question by its id.
    """

    group: str
    prompt: Text  # the checklist's question, shared by its lines
    help: Text | None
    item: Text  # this line: a short statement that is true when ticked
    ticked: bool = True  # the answer a tick gives the question


class Question(NamedTuple):
    id: str
    type: str
    text: Text
    section: str
    help: Text | None = None
    unit: Text | None = None
    min: float | None = None
    max: float | None = None
    default: Any = None
    when: Condition | None = None
    choices: tuple[Choice, ...] = ()
    mark: Mark | None = None
    measure: str | None = None  # hours | days | money: typed answers may carry units (units.py)
    seller: bool = False  # about the user's own business: answered once, in the seller profile
    checklist: ChecklistItem | None = None  # yes/no only: asked in the interview as a checklist line
    # per language, the unit's word forms that agree with a number: (("en", ("day", "days")), ...)
    forms: tuple[tuple[str, tuple[str, ...]], ...] = ()

    @property
    def choice_ids(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.choices)

    def var_type(self) -> VarType:
        from clientcheck.conditions import VarType

        return VarType(TYPES[self.type].kind, self.choice_ids)

    def unit_for(self, value: float, lang: str) -> str:
        """The unit after the number value: the word form that agrees with it (`1 day`, `3 дня`)
        when the unit is given as word forms, else the unit's text; "" without a unit."""
        from clientcheck.fmt import agree

        if self.unit is None or not self.unit.values:
            return ""
        names = self.unit.values
        # the language Text.get falls back to: the forms must agree by that language's rules
        used = lang if lang in names else "en" if "en" in names else next(iter(names))
        words = dict(self.forms).get(used)
        return agree(value, words, used) if words else names[used]

    def unit_words(self) -> tuple[str, ...]:
        """Every way the unit is written, in every language (what a typed answer may follow with)."""
        named = tuple(self.unit.values.values()) if self.unit else ()
        return named + tuple(w for _, words in self.forms for w in words)

    def choice_text(self, choice_id: str, lang: str) -> str:
        for c in self.choices:
            if c.id == choice_id:
                return c.text.get(lang)
        return choice_id


class Section(NamedTuple):
    id: str
    title: Text
    questions: tuple[str, ...]  # question ids, in order


class Severity(NamedTuple):
    name: str
    weight: float
    label: Text


class Threshold(NamedTuple):
    """When a verdict applies: any red flag of these severities, a score, or enough flags of a severity.

    Every test only grows with more flags and a higher score, which is what lets the engine bound
    the verdict a client could still reach (evaluate.verdict_range).
    """

    any_severity: tuple[str, ...] = ()
    min_score: float | None = None
    counts: tuple[tuple[str, int], ...] = ()  # (severity, how many red flags of it) e.g. (("high", 2),)

    def met(self, counts: Mapping[str, int], score: float) -> bool:
        if any(counts.get(s, 0) > 0 for s in self.any_severity):
            return True
        if any(counts.get(s, 0) >= n for s, n in self.counts):
            return True
        return self.min_score is not None and score >= self.min_score


class Policy(NamedTuple):
    severities: Mapping[str, Severity]
    good_sign_weight: float
    decline_if: Threshold
    caution_if: Threshold

    def verdict(self, counts: Mapping[str, int], score: float) -> Literal["go", "caution", "decline"]:
        """counts: how many red flags fired at each severity."""
        if self.decline_if.met(counts, score):
            return "decline"
        if self.caution_if.met(counts, score):
            return "caution"
        return "go"


class Level(NamedTuple):
    when: Condition
    severity: str | None  # None for good signs and notes
    weight: float
    advice: Text | None = None
    # issue 16: what to tell the client when this level fires, instead of the rule's
    client_reason: Text | None = None
    client_offer: Text | None = None


class Example(NamedTuple):
    answers: Mapping[str, Any]
    fires: bool | str  # False, True, or the expected severity
    mark: Mark | None = None
    verdict: str | None = None  # the verdict the whole catalog must give, if the example says
    today: _dt.date | None = None  # the date `today` means for it (None: the real date, or CLIENTCHECK_TODAY)


class Rule(NamedTuple):
    id: str
    kind: RuleKind
    title: Text
    why: Text
    advice: Text
    source: str
    levels: tuple[Level, ...]
    examples: tuple[Example, ...] = ()
    mark: Mark | None = None
    # issue 16: the reason in the client's terms, and what you offer them (a way forward, a
    # condition, a next step); a rule without client_reason is left out of `clientcheck reply`
    client_reason: Text | None = None
    client_offer: Text | None = None

    @property
    def names(self) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for level in self.levels:
            seen.update(dict.fromkeys(level.when.names))
        return tuple(seen)

    @property
    def max_weight(self) -> float:
        return max(level.weight for level in self.levels)

    @property
    def refs(self) -> tuple[str, ...]:
        """The rules this rule's conditions read through fired()."""
        seen: dict[str, None] = {}
        for level in self.levels:
            seen.update(dict.fromkeys(level.when.refs))
        return tuple(seen)


# How far back late payments count when rules.yaml does not say (`history: late_payments_window_days`)
LATE_WINDOW_DAYS = 365


class Catalog(NamedTuple):
    """Everything loaded: questions (in interview order), rules, policy and their origin."""

    questions: Mapping[str, Question]
    sections: tuple[Section, ...]
    rules: tuple[Rule, ...]
    policy: Policy
    sources: Mapping[str, Text]
    digest: str  # sha256 of the rules and questions files, to tell verdicts of different rules apart
    files: tuple[str, ...] = ()
    late_window_days: int | None = LATE_WINDOW_DAYS  # history: late payments counted over this many days (None: all)

    def rule(self, rule_id: str) -> Rule | None:
        return next((r for r in self.rules if r.id == rule_id), None)


class Answers(NamedTuple):
    """Answers by question id. A value of UNKNOWN is an explicit "don't know"."""

    values: Mapping[str, Any]
    client: str | None = None
    origin: str = "<answers>"
    from_history: tuple[str, ...] = ()  # question ids whose answers the client's history supplied
    note: str | None = None  # the user's free-text note about this client (the interview asks for it)
    profile: str | None = None  # the seller profile whose answers were used


class Evidence(NamedTuple):
    question: str
    value: Any


class Finding(NamedTuple):
    """A rule that fired: a red flag (with severity), a good sign or a note."""

    rule: Rule
    severity: str | None
    weight: float
    evidence: tuple[Evidence, ...]
    advice: Text
    level: int = 0  # which level fired (0-based)
    also: tuple[tuple[Level, tuple[Evidence, ...]], ...] = ()  # later levels that are true as well


class Undecided(NamedTuple):
    rule: Rule
    ask: tuple[str, ...]  # the unknown questions that would decide it
    max_severity: str | None
    max_weight: float
    severities: tuple[str, ...] = ()  # every severity it could still fire at
    min_weight: float | None = None  # its lightest open level's weight (None: max_weight)


class AskNext(NamedTuple):
    question: str
    rules: tuple[str, ...]


class Verdict(NamedTuple):
    verdict: Literal["go", "caution", "decline"]
    score: float
    red_flags: tuple[Finding, ...]
    good_signs: tuple[Finding, ...]
    notes: tuple[Finding, ...]
    undecided: tuple[Undecided, ...]
    ask_next: tuple[AskNext, ...]
    answers: Answers
    ignored: tuple[str, ...] = ()  # answered questions whose `when` is false
    best: str = "go"  # the best verdict still reachable when the unknown answers become known
    worst: str = "decline"  # the worst one (the verdict itself always lies between the two)

    @property
    def settled(self) -> bool:
        """No answer still to come can change the verdict."""
        return self.best == self.worst

    def exit_code(self, fail_on: str = "decline", fail_on_worst: bool = False) -> int:
        """EXIT_FAIL when the verdict (or, with fail_on_worst, the worst reachable one) reaches fail_on."""
        return judge(self.worst if fail_on_worst else self.verdict, fail_on, VERDICTS)
