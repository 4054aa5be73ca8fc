"""An undecided rule's questions to ask, looked up by a number rather than joined row by row.

plan.Plan lists them as entries (question, condition), the way evaluate.ask_for walks a rule: per
open level, per name its condition reads, what plan.askable gives for it; a question once, where
it first comes. Joining those per row (a CASE per entry, each excluding the earlier ones of its
question) was a third of the DuckDB path's time. Here the same list follows from a few small
numbers: which levels are open (a bit each) and, per name, which of the few lists
askable can give for it holds (its state, computed once per name for every rule that reads it).
The rule's number is those in mixed radix, and its text a constant of a list built in Python
from the same walk. A rule whose list could be too long (or that reads another rule through
fired(), whose questions it would take over) keeps the entries.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlglot import exp

from clientcheck.sql.lookup import LIMIT, Lists
from clientcheck.sql.nodes import add, alias, and_, case, col, is_null, is_true, lit, not_, or_, paren
from clientcheck.sql.plan import ASK_DEPTH, Plan
from clientcheck.sql.sources import json_text

Alternative = tuple[exp.Expression, tuple[str, ...]]


def _joined(*parts: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(q for part in parts for q in part))


def alternatives(plan: Plan, qid: str, tag: str, depth: int = 0) -> list[Alternative]:
    """What plan.askable(qid) gives for an unknown qid, its entries taken each once in order, as
    exclusive conditions (2-valued) and the questions each gives. None holds: nothing to ask
    (its `when` is false)."""
    q = plan.questions[qid]
    if q.when is None or depth > ASK_DEPTH:
        return [(exp.true(), (qid,))]
    gate = col(plan.name(tag + "g", qid))
    # the gate unknown: what each name it reads gives while unknown, in order; nothing at all: qid
    combos: list[Alternative] = [(is_null(gate), ())]
    for name in q.when.names:
        unknown = is_null(plan.value(name, tag))
        subs = alternatives(plan, name, tag, depth + 1)
        if not (len(subs) == 1 and isinstance(subs[0][0], exp.Boolean)):
            subs.append((not_(or_(*(c.copy() for c, _ in subs))), ()))  # its `when` is false: none
        grown: list[Alternative] = []
        for cond, got in combos:
            grown.append((and_(cond.copy(), not_(unknown.copy())), got))
            for sub, more in subs:
                grown.append((and_(cond.copy(), unknown.copy(), sub.copy()), _joined(got, more)))
        combos = grown
    found: dict[tuple[str, ...], list[exp.Expression]] = {(qid,): [is_true(gate.copy())]}
    for cond, got in combos:
        found.setdefault(got or (qid,), []).append(cond)
    return [(or_(*conds), got) for got, conds in found.items()]


class Asks:
    """The questions to ask of each rule of a plan in one pass ("k" or "x"), as looked-up text."""

    def __init__(self, plan: Plan, tag: str) -> None:
        self.plan = plan
        self.tag = tag
        self.alts: dict[str, list[Alternative]] = {}
        self.states: dict[str, list[tuple[str, ...]]] = {}  # per name: its lists, for state 1, 2, ...
        self.columns: list[exp.Expression] = []
        self.made: set[str] = set()  # the names whose state has its column

    def lists(self, name: str) -> list[tuple[str, ...]]:
        if name not in self.states:
            self.alts[name] = alternatives(self.plan, name, self.tag)
            self.states[name] = [got for _, got in self.alts[name]]
        return self.states[name]

    def state(self, name: str) -> exp.Expression:
        """The column numbering which of its lists askable gives for name (0: none, or known)."""
        column = self.plan.name(self.tag + "as", self.plan.order[name])
        if name not in self.made:
            self.made.add(name)
            self.lists(name)
            alts = self.alts[name]
            unknown = is_null(self.plan.value(name, self.tag))
            if len(alts) == 1 and isinstance(alts[0][0], exp.Boolean):
                value: exp.Expression = case([(unknown, lit(1))], lit(0))
            else:
                value = case([(and_(unknown.copy(), cond), lit(n + 1)) for n, (cond, _) in enumerate(alts)], lit(0))
            self.columns.append(alias(value, column))
        return col(column)

    def table(
        self, r: int, head: Callable[[int], str | None] | None = None, tail: str = ""
    ) -> tuple[list[str | None], exp.Expression] | None:
        """Rule r's questions to ask as JSON strings joined with commas (as records.ask_list
        writes them), for every number it can have, and its number (1-based); None if there
        would be more than LIMIT; the number holds only while the rule is undecided. head: the
        text before them for the open levels' bits (None: no text at all for those), tail: after
        them."""
        plan = self.plan
        rule = plan.rules[r]
        if any(level.when.refs for level in rule.levels):
            return None
        names = list(dict.fromkeys(n for level in rule.levels for n in level.when.names))
        sizes = [1 + len(self.lists(n)) for n in names]
        size = 1 << len(rule.levels)
        for k in sizes:
            size *= k
        if size > LIMIT:
            return None
        states = [self.state(n) for n in names]
        texts: list[str | None] = []
        for number in range(size):
            mask, rest = number % (1 << len(rule.levels)), number >> len(rule.levels)
            first = head(mask) if head else ""
            if first is None:
                texts.append(None)
                continue
            picked: dict[str, tuple[str, ...]] = {}
            for name, k in zip(names, sizes, strict=True):
                rest, got = divmod(rest, k)
                picked[name] = self.states[name][got - 1] if got else ()
            opened = [level for i, level in enumerate(rule.levels) if mask >> i & 1]
            asked = _joined(*(picked[n] for level in opened for n in level.when.names))
            texts.append(first + ",".join(json_text(q) for q in asked) + tail)
        terms: list[exp.Expression] = [
            exp.Mul(this=exp.cast(paren(col(plan.name(self.tag + "p", r, i))), "INT"), expression=lit(1 << i))
            for i in range(len(rule.levels))
        ]
        if len(rule.levels) == 1:
            # the number is read only while the rule is undecided (its callers' CASE), when its
            # one level is open: no need to look
            terms = [lit(1)]
        stride = 1 << len(rule.levels)
        for state, k in zip(states, sizes, strict=True):
            terms.append(exp.Mul(this=state, expression=lit(stride)))
            stride *= k
        return texts, add(terms, lit(1))

    def text(self, r: int, lists: Lists) -> exp.Expression | None:
        """Rule r's questions to ask, looked up in lists (None: see table)."""
        found = self.table(r)
        return lists.pick(found[0], found[1]) if found is not None else None

    def layer(self) -> None:
        """Add the states' columns to the plan, after the rules' tables were asked for."""
        if self.columns:
            self.plan.add_layer(self.tag + "as", self.columns)
            self.columns = []
