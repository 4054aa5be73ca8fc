"""What the compiled scorer gives back: one client's verdict in a compact form.

The batch formats read a Result (a plain tuple with named properties: the compiled function
builds one per client, and nothing is cheaper); the JSON Lines format fills a RecordFormat's
template directly. FindingInfo and OpenRule are shared by every client they apply to, so a
format can prepare their output once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from operator import attrgetter, itemgetter
from typing import TYPE_CHECKING, Any, Protocol

from clientcheck.evaluate import OpenItem, ask_order, pivots, severities_of
from clientcheck.model import Catalog, Finding, Level, Rule, Verdict


class Unsupported(Exception):
    """A catalog this compiler does not take: its clients are scored by evaluate() directly."""


Evidence = tuple[tuple[str, Any], ...]  # (question id, answer) pairs, answers as in conditions


class FindingInfo:
    """What is fixed about a finding: its rule and level. Shared by every client it fires for."""

    __slots__ = ("all_known", "fixed", "id", "kind", "names", "rank", "rule_index", "severity", "weight")

    def __init__(
        self,
        rule: Rule,
        rule_index: int,
        severity: str | None,
        weight: float,
        names: tuple[tuple[str, int], ...] = (),
        all_known: bool = True,
        rank: int = 0,
        fixed: Evidence | None = None,
    ) -> None:
        self.id = rule.id
        self.kind = rule.kind
        self.rule_index = rule_index
        self.severity = severity
        self.weight = weight
        self.names = names  # (question id, index in the answers tuple) of the level's condition
        self.all_known = all_known  # the condition cannot be true with any of them unknown
        self.rank = rank  # red flags: the place among all levels, heaviest first, ties in rule order
        self.fixed = fixed  # the evidence, for a finding that came from evaluate()

    def evidence(self, values: Sequence[Any]) -> Evidence:
        """The known answers the condition read, as evaluate() lists them."""
        if self.fixed is not None:
            return self.fixed
        if self.all_known:
            return tuple([(n, values[i]) for n, i in self.names])
        return tuple([(n, values[i]) for n, i in self.names if values[i] is not None])


class OpenRule:
    """An undecided rule: the heaviest level still open, and the questions that would decide it.

    The compiled path shares one object per shape of undecided rule among all clients, so the
    formats can prepare its output once (and key caches on it: it hashes by identity).
    """

    __slots__ = (
        "ask",
        "fast",
        "id",
        "item",
        "kind",
        "max_severity",
        "max_weight",
        "rule_index",
        "severities",
        "sort_key",
    )

    def __init__(
        self,
        rule: Rule,
        rule_index: int,
        max_severity: str | None,
        max_weight: float,
        ask: tuple[str, ...],
        severities: tuple[str, ...] = (),
        min_weight: float | None = None,
    ) -> None:
        self.id = rule.id
        self.kind = rule.kind
        self.rule_index = rule_index
        self.max_severity = max_severity
        self.max_weight = max_weight
        self.ask = ask
        self.severities = severities
        lightest = max_weight if min_weight is None else min_weight
        self.item = OpenItem(rule.kind, severities, max_weight, lightest)  # as evaluate._open_item makes it
        self.fast: tuple[Any, ...] = ()  # compiled._Compiler.fast_item, for the compiled range
        self.sort_key = (-max_weight, rule_index)  # heaviest first, ties in rule order

    @classmethod
    def of(cls, rule: Rule, rule_index: int, top: Level, opened: Sequence[Level], ask: tuple[str, ...]) -> OpenRule:
        """An undecided rule from its open levels, `top` the heaviest: as every engine makes one
        (its severities, and its part in the range from its lightest open level to the heaviest)."""
        lightest = min(lv.weight for lv in opened)
        return cls(rule, rule_index, top.severity, top.weight, ask, severities_of(opened), lightest)


class RecordFormat(Protocol):
    """formats.RecordWriter (what the template takes is said there) as the compiled path sees it:
    its findings and open rules come as FindingInfo and OpenRule (render/jsonl.py writes one)."""

    template: bytes
    tail: bytes
    verdicts: tuple[bytes, ...]

    def finding(self, info: FindingInfo) -> bytes: ...

    def open_rule(self, rule: OpenRule) -> bytes: ...

    def quick(self, value: Any) -> bytes: ...  # escape(quick(x)): a value from the input as JSON (formats.py)

    def escape(self, data: bytes) -> bytes: ...


_by_rank = attrgetter("rank")
_by_weight = attrgetter("sort_key")


def _pivots(r: Result) -> list[int]:
    """evaluate.pivots for the open rules of a result whose pass had nothing else open."""
    _, policy = r[9]
    counts: dict[str, int] = {}
    for f in r[3]:
        if f.severity:
            counts[f.severity] = counts.get(f.severity, 0) + 1
    red = sum(f.weight for f in r[3])
    good = sum(f.weight for f in r[4])
    return pivots(policy, counts, red, good, [u.item for u in r[6]])


class Result(tuple[Any, ...]):
    """One client's verdict in the compact form the batch formats need (no prose, no dataclasses).

    A tuple, because the compiled function builds one per client and nothing is cheaper:
    (client, verdict, score, red, good, notes, open rules in rule order, ignored, answer values,
    (question order, policy), ask_next or None, best, worst). Read it through the properties: red
    flags heaviest first; good signs and notes in rule order; undecided heaviest first; ask_next
    (question id, rule ids), most at stake first; ignored: answered questions that do not apply.
    """

    __slots__ = ()

    if TYPE_CHECKING:  # what the itemgetter properties below give, for the type checker

        @property
        def client(self) -> str | None: ...
        @property
        def verdict(self) -> str: ...
        @property
        def score(self) -> float: ...
        @property
        def red(self) -> list[FindingInfo]: ...
        @property
        def good(self) -> list[FindingInfo]: ...
        @property
        def notes(self) -> list[FindingInfo]: ...
        @property
        def ignored(self) -> Sequence[str]: ...
        @property
        def values(self) -> Sequence[Any]: ...
        @property
        def best(self) -> str: ...
        @property
        def worst(self) -> str: ...

    else:  # itemgetter properties: read in C, for every client of a batch
        client = property(itemgetter(0))
        verdict = property(itemgetter(1))
        score = property(itemgetter(2))
        red = property(itemgetter(3))
        good = property(itemgetter(4))
        notes = property(itemgetter(5))
        ignored = property(itemgetter(7))
        values = property(itemgetter(8))
        best = property(itemgetter(11))
        worst = property(itemgetter(12))

    @property
    def settled(self) -> bool:
        return bool(self[11] == self[12])

    def evidence(self, finding: FindingInfo) -> Evidence:
        return finding.evidence(self[8])

    @property
    def undecided(self) -> list[OpenRule]:
        open_rules: list[OpenRule] = self[6]
        return sorted(open_rules, key=_by_weight) if len(open_rules) > 1 else open_rules

    @property
    def ask_next(self) -> list[tuple[str, tuple[str, ...]]]:
        given = self[10]
        if given is not None:
            # the list, or the function that works it out when a format reads it (sql/rows.py)
            found: list[tuple[str, tuple[str, ...]]] = given() if callable(given) else given
            return found
        order, _ = self[9]
        open_rules: list[OpenRule] = self[6]
        worth = _pivots(self)
        by_id = dict(zip((u.id for u in open_rules), worth, strict=True))
        return ask_order([(u.ask, u.id, u.max_weight) for u in open_rules], (), by_id, order)

    def as_data(self) -> dict[str, Any]:
        """Everything in plain values, for comparing two results in tests."""

        def findings(items: list[FindingInfo]) -> list[Any]:
            return [(f.id, f.severity, f.weight, self.evidence(f)) for f in items]

        return {
            "client": self.client,
            "verdict": self.verdict,
            "score": self.score,
            "red": findings(self.red),
            "good": findings(self.good),
            "notes": findings(self.notes),
            "undecided": [(u.id, u.kind, u.max_severity, u.max_weight, u.ask) for u in self.undecided],
            "ask_next": self.ask_next,
            "ignored": list(self.ignored),
            "best": self.best,
            "worst": self.worst,
        }


def result_from_verdict(
    verdict: Verdict,
    catalog: Catalog,
    rule_index: Mapping[str, int] | None = None,
    order: Mapping[str, int] | None = None,
) -> Result:
    """A Verdict from evaluate() in the compact form the batch formats take."""
    if rule_index is None:
        rule_index = {rule.id: i for i, rule in enumerate(catalog.rules)}
    if order is None:
        order = {qid: i for i, qid in enumerate(catalog.questions)}

    def findings(items: Sequence[Finding]) -> list[FindingInfo]:
        return [
            FindingInfo(
                f.rule,
                rule_index.get(f.rule.id, -1),
                f.severity,
                f.weight,
                fixed=tuple((e.question, e.value) for e in f.evidence),
            )
            for f in items
        ]

    open_rules = [
        OpenRule(u.rule, rule_index.get(u.rule.id, -1), u.max_severity, u.max_weight, u.ask, u.severities, u.min_weight)
        for u in verdict.undecided
    ]
    answers = verdict.answers
    return Result(
        (
            answers.client,
            verdict.verdict,
            verdict.score,
            findings(verdict.red_flags),
            findings(verdict.good_signs),
            findings(verdict.notes),
            open_rules,
            verdict.ignored,
            (),
            (order, catalog.policy),
            [(a.question, a.rules) for a in verdict.ask_next],
            verdict.best,
            verdict.worst,
        )
    )
