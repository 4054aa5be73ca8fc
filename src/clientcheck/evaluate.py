"""The engine: (catalog, answers) -> Verdict. Pure: no printing, no I/O.

This module is the one definition of what a rule means for a set of answers (`rule_outcome`):
fired at which level, not fired, or undecided and which questions would decide it. `check`,
`explain`, `lint`'s reachability search, `rules test`, the interview, `rescore` and the history
take outcomes from here; the compiled scorer and the SQL backend are generated from the same
checked trees and take the rest (ask_for, verdict_range, ask_order) from here. A property test
(tests/test_engine_properties.py) holds them together on every construct of the language.

Two passes over the rules:
- what is known: the verdict on the answers as they are;
- what could still happen (`@range` in the environment): don't-know and missing answers, and
  answers whose question may yet turn out not to apply, are all "not known yet"; `known(q)` is
  undecided for a question that can still be asked. Every condition is monotone in this pass
  (Kleene logic: more answers only turn undecided into true or false), so a rule decided here stays
  decided, and the rules still open bound the verdict: `verdict_range`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal, NamedTuple

from clientcheck.conditions import must_know
from clientcheck.functions import FIRED, NEVER, RANGE, TODAY, today
from clientcheck.model import (
    UNKNOWN,
    VERDICTS,
    Answers,
    AskNext,
    Catalog,
    Evidence,
    Finding,
    Level,
    Policy,
    Question,
    Rule,
    Undecided,
    Verdict,
)

Status = Literal["fired", "not", "undecided"]


class Outcome(NamedTuple):
    """A rule's outcome on one environment of answers."""

    status: Status
    level: int | None = None  # the level that fired (0-based)
    open: tuple[int, ...] = ()  # undecided: the levels that could still fire
    ask: tuple[str, ...] = ()  # undecided: the unknown questions that would decide it

    @property
    def truth(self) -> bool | None:
        """As fired() reads it."""
        return True if self.status == "fired" else False if self.status == "not" else None


NOT_FIRED = Outcome("not")


def effective(catalog: Catalog, answers: Answers, now: Any = None) -> tuple[dict[str, Any], tuple[str, ...]]:
    """The known answers that count, and the answered questions that do not apply.

    Questions are walked in interview order, so a `when` sees exactly the earlier answers the
    interview would have seen; an answer to a question whose `when` is false is dropped.
    """
    env: dict[str, Any] = {TODAY: now or today()}
    ignored: list[str] = []
    values = answers.values
    for qid, q in catalog.questions.items():
        if qid not in values:
            continue
        if q.when is not None and q.when(env) is False:
            ignored.append(qid)
            continue
        value = values[qid]
        if value is not UNKNOWN:
            env[qid] = value
    return env, tuple(ignored)


def possible_env(catalog: Catalog, answers: Answers, now: Any = None) -> dict[str, Any]:
    """The environment of the "what could still happen" pass (see the module's docstring)."""
    never: set[str] = set()
    env: dict[str, Any] = {TODAY: now or today(), RANGE: True, NEVER: never}
    values = answers.values
    for qid, q in catalog.questions.items():
        gate = None if q.when is None else q.when(env)
        if gate is False:
            never.add(qid)  # cannot be asked, whatever else is answered
        elif gate is True or q.when is None:
            value = values.get(qid, UNKNOWN)
            if value is not UNKNOWN:
                env[qid] = value
        # an undecided gate: the answer may yet be dropped, so it is not known to count
    return env


def _askable(q: Question, env: Mapping[str, Any], catalog: Catalog, depth: int = 0) -> list[str]:
    """Which questions to ask to learn q: q itself, or first what decides whether q applies."""
    if q.when is None or depth > 8:
        return [q.id]
    gate = q.when(env)
    if gate is True:
        return [q.id]
    if gate is False:
        return []
    out: list[str] = []
    for name in q.when.names:
        if name not in env:
            out.extend(_askable(catalog.questions[name], env, catalog, depth + 1))
    return out or [q.id]


def ask_for(
    open_levels: Sequence[Level],
    env: Mapping[str, Any],
    catalog: Catalog,
    pending: Mapping[str, tuple[str, ...]] | None = None,
) -> tuple[str, ...]:
    """The unknown questions that would decide these open levels of a rule, in order, once each.

    pending: the questions that would decide each undecided rule, for levels that read fired().
    """
    ask: dict[str, None] = {}
    for level in open_levels:
        for name in level.when.names:
            if name not in env:
                ask.update(dict.fromkeys(_askable(catalog.questions[name], env, catalog)))
        if pending:
            for ref in level.when.refs:
                ask.update(dict.fromkeys(pending.get(ref, ())))
    return tuple(ask)


def rule_outcome(
    catalog: Catalog, rule: Rule, env: Mapping[str, Any], pending: Mapping[str, tuple[str, ...]] | None = None
) -> Outcome:
    """The one definition of a rule's outcome.

    The first true level fires, unless an earlier level is still undecided: it could turn out
    true and take precedence, so the rule waits for that answer. A rule that no question could
    decide any more (what it needs does not apply to this client) does not fire.
    """
    open_levels: list[int] = []
    for i, level in enumerate(rule.levels):
        result = level.when(env)
        if result is True:
            if not open_levels:
                return Outcome("fired", i)
            open_levels.append(i)
            break
        if result is None:
            open_levels.append(i)
    if not open_levels:
        return NOT_FIRED
    ask = ask_for([rule.levels[i] for i in open_levels], env, catalog, pending)
    return Outcome("undecided", None, tuple(open_levels), ask) if ask else NOT_FIRED


def read_when_fired(rule: Rule, index: int) -> frozenset[str]:
    """The questions always answered when level `index` of the rule fires.

    Read off the one definition above (rule_outcome): a level fires when its condition is true
    and every earlier level's is false (an earlier undecided level makes the rule wait). So a
    text shown for that level may name these answers without a fallback (placeholders.py).
    """
    out = must_know(rule.levels[index].when.tree, True)
    for earlier in rule.levels[:index]:
        out |= must_know(earlier.when.tree, False)
    return out


def read_when_also(rule: Rule, index: int) -> frozenset[str]:
    """The questions always answered when level `index` is listed as also true (Finding.also):
    its condition is true and an earlier level fired; nothing is said of the levels between."""
    if index == 0:
        return frozenset()  # never "also": no level comes before it
    fired_before = frozenset.intersection(*(read_when_fired(rule, j) for j in range(index)))
    return must_know(rule.levels[index].when.tree, True) | fired_before


def evaluation_order(rules: Sequence[Rule]) -> tuple[Rule, ...]:
    """Rules in file order, except that a rule comes after the rules its fired() reads.

    The loader refuses cycles, so this always exists; rules without references keep file order.
    """
    if not any(r.refs for r in rules):
        return tuple(rules)
    by_id = {r.id: r for r in rules}
    done: dict[str, Rule] = {}

    def visit(rule: Rule, depth: int = 0) -> None:
        if rule.id in done or depth > len(rules):
            return
        for ref in rule.refs:
            if ref in by_id:
                visit(by_id[ref], depth + 1)
        done[rule.id] = rule

    for rule in rules:
        visit(rule)
    return tuple(done.values())


def outcomes(catalog: Catalog, env: dict[str, Any]) -> dict[str, Outcome]:
    """Every rule's outcome on env, in rule order (fired() sees the rules it names)."""
    fired: dict[str, bool | None] = {}
    pending: dict[str, tuple[str, ...]] = {}
    env[FIRED] = fired
    out: dict[str, Outcome] = {}
    for rule in evaluation_order(catalog.rules):
        o = rule_outcome(catalog, rule, env, pending)
        out[rule.id] = o
        fired[rule.id] = o.truth
        if o.ask:
            pending[rule.id] = o.ask
    return {r.id: out[r.id] for r in catalog.rules}


# ---------------------------------------------------------------- the verdict range


class OpenItem(NamedTuple):
    """A rule that could still end more than one way, as the range needs it.

    Every open rule has an undecided level, which may stay undecided: it may always end without
    firing. So what it can still add to the score lies between its lightest open level's weight
    and its heaviest one's, and 0 (a weight may be negative: docs/rules.md).
    """

    kind: str
    severities: tuple[str, ...]  # red flags: every severity it could still fire at
    max_weight: float
    min_weight: float

    @property
    def worst(self) -> float:
        """The most it can still add to the score (the worst case)."""
        return max(self.max_weight, 0.0) if self.kind == "red-flag" else -min(self.min_weight, 0.0)

    @property
    def best(self) -> float:
        """The most it can still take off the score (the best case), as a number >= 0."""
        return -min(self.min_weight, 0.0) if self.kind == "red-flag" else max(self.max_weight, 0.0)


def _totals(
    counts: Mapping[str, int], red_score: float, good_score: float, items: Iterable[OpenItem]
) -> tuple[dict[str, int], float, dict[str, int], float]:
    """(worst counts, worst score, best counts, best score) over the open items.

    The worst case lets every open red flag fire at each severity it could still reach and no
    open good sign fire; the best, the reverse (an open item may always end without firing).
    """
    worst_counts = dict(counts)
    worst = best = red_score - good_score
    for item in items:
        if item.kind == "note":
            continue
        if item.kind == "red-flag":
            for s in item.severities:
                worst_counts[s] = worst_counts.get(s, 0) + 1
        worst += item.worst
        best -= item.best
    return worst_counts, worst, dict(counts), best


def verdict_range(
    policy: Policy, counts: Mapping[str, int], red_score: float, good_score: float, items: Iterable[OpenItem]
) -> tuple[str, str]:
    """(best, worst) verdict over every way the open rules could still end.

    counts, red_score and good_score are those of the rules already settled. A safe bound (see
    _totals): it is exact when the open rules do not share questions and each can end in one way
    or not at all; it can be wider when they do (docs/rules.md).
    """
    worst_counts, worst, best_counts, best = _totals(counts, red_score, good_score, items)
    return policy.verdict(best_counts, best), policy.verdict(worst_counts, worst)


def severities_of(levels: Iterable[Level]) -> tuple[str, ...]:
    """The severities of some levels, each once, in level order (an open rule's `severities`)."""
    return tuple(dict.fromkeys(lv.severity for lv in levels if lv.severity))


class RangeState(NamedTuple):
    """The range pass's outcomes of the chosen rules, summed once for the range and for what to ask."""

    counts: dict[str, int]  # fired red flags by severity
    red: float
    good: float
    open_ids: list[str]  # the rules still open, in rule order
    items: list[OpenItem]  # ... their parts in the range

    @classmethod
    def of(cls, catalog: Catalog, possible: Mapping[str, Outcome]) -> RangeState:
        rules = {r.id: r for r in catalog.rules}
        return cls.tally(
            (
                rules[rid],
                o.level if o.status == "fired" else None,
                o.open if o.status == "undecided" else None,
            )
            for rid, o in possible.items()
        )

    @classmethod
    def tally(cls, outcomes: Iterable[tuple[Rule, int | None, Sequence[int] | None]]) -> RangeState:
        """outcomes: per rule, (the rule, the level it fired at or None, its open levels or None
        when it is decided), in rule order; the SQL backend gives them from DuckDB's columns."""
        counts: dict[str, int] = {}
        red = good = 0.0
        open_ids: list[str] = []
        items: list[OpenItem] = []
        for rule, fired, opened in outcomes:
            if opened is not None:
                levels = [rule.levels[i] for i in opened]
                weights = [lv.weight for lv in levels]
                open_ids.append(rule.id)
                items.append(OpenItem(rule.kind, severities_of(levels), max(weights), min(weights)))
            elif fired is not None:
                level = rule.levels[fired]
                if rule.kind == "red-flag":
                    red += level.weight
                    if level.severity:
                        counts[level.severity] = counts.get(level.severity, 0) + 1
                elif rule.kind == "good-sign":
                    good += level.weight
        return cls(counts, red, good, open_ids, items)

    def range(self, policy: Policy) -> tuple[str, str]:
        return verdict_range(policy, self.counts, self.red, self.good, self.items)

    def worth(self, policy: Policy) -> dict[str, int]:
        """Each open rule's pivot (pivots()), by rule id."""
        return dict(zip(self.open_ids, pivots(policy, self.counts, self.red, self.good, self.items), strict=True))


def possibilities(catalog: Catalog, answers: Answers, now: Any = None) -> dict[str, Outcome]:
    """Every rule's outcome in the "what could still happen" pass."""
    return outcomes(catalog, possible_env(catalog, answers, now))


def range_of(catalog: Catalog, possible: Mapping[str, Outcome]) -> tuple[str, str]:
    return RangeState.of(catalog, possible).range(catalog.policy)


# ---------------------------------------------------------------- the verdict


def _evidence(level: Level, env: Mapping[str, Any]) -> tuple[Evidence, ...]:
    return tuple(Evidence(n, env[n]) for n in level.when.names if n in env)


def evaluate(catalog: Catalog, answers: Answers, rules: Sequence[Rule] | None = None, now: Any = None) -> Verdict:
    """The verdict; rules (a selection of the catalog's) limits what is reported and counted.

    now: the date `today` means in conditions (default: functions.today()); a saved assessment
    is judged again as of the day it was made, so that time alone does not change it.
    """
    env, ignored = effective(catalog, answers, now)
    found = outcomes(catalog, env)
    possible = possibilities(catalog, answers, env[TODAY])
    chosen = catalog.rules if rules is None else rules
    red: list[Finding] = []
    good: list[Finding] = []
    notes: list[Finding] = []
    undecided: list[Undecided] = []
    for rule in chosen:
        o = found[rule.id]
        if o.status == "fired" and o.level is not None:
            level = rule.levels[o.level]
            also = tuple((lv, _evidence(lv, env)) for lv in rule.levels[o.level + 1 :] if lv.when(env) is True)
            finding = Finding(
                rule, level.severity, level.weight, _evidence(level, env), level.advice or rule.advice, o.level, also
            )
            {"red-flag": red, "good-sign": good, "note": notes}[rule.kind].append(finding)
        elif o.status == "undecided":
            levels = [rule.levels[i] for i in o.open]
            top = max(levels, key=lambda lv: lv.weight)
            lightest = min(lv.weight for lv in levels)
            undecided.append(Undecided(rule, o.ask, top.severity, top.weight, severities_of(levels), lightest))
    score = sum(f.weight for f in red) - sum(f.weight for f in good)
    counts: dict[str, int] = {}
    for f in red:
        if f.severity:
            counts[f.severity] = counts.get(f.severity, 0) + 1
    verdict = catalog.policy.verdict(counts, score)
    ids = {r.id for r in chosen}
    state = RangeState.of(catalog, {rid: o for rid, o in possible.items() if rid in ids})
    best, worst = state.range(catalog.policy)
    return Verdict(
        verdict,
        score,
        tuple(sorted(red, key=lambda f: -f.weight)),
        tuple(good),
        tuple(notes),
        tuple(sorted(undecided, key=lambda u: -u.max_weight)),
        _ask_next(catalog, undecided, possible, state),
        answers,
        ignored,
        best,
        worst,
    )


# ---------------------------------------------------------------- what to ask next


def pivots(policy: Policy, counts: Mapping[str, int], red: float, good: float, items: Sequence[OpenItem]) -> list[int]:
    """For each open item: by how many verdict steps settling it could narrow the range.

    Settling an item one way (it does not fire) can lower the worst verdict; the other way (it
    fires at its heaviest) can raise the best. The sum of both is what its answers are worth.
    Worked out from the totals of verdict_range with each item's part taken out, so a thousand
    open rules cost a thousand small steps, not a million.
    """
    wc, w, bc, b = _totals(counts, red, good, items)
    best_i, worst_i = VERDICTS.index(policy.verdict(bc, b)), VERDICTS.index(policy.verdict(wc, w))
    out: list[int] = []
    worst_without: str
    best_with: str
    for it in items:
        if it.kind == "red-flag":
            without = dict(wc)
            for sev in it.severities:
                without[sev] -= 1
            worst_without = policy.verdict(without, w - it.worst)
            heavy = dict(bc)
            for sev in it.severities:
                heavy[sev] = heavy.get(sev, 0) + 1
            best_with = policy.verdict(heavy, b + it.best + it.max_weight)
        elif it.kind == "good-sign":
            # not firing: the worst loses what a negative weight would add, the best what it takes off
            worst_without = policy.verdict(wc, w - it.worst)
            best_with = policy.verdict(bc, b + it.best)
        else:
            worst_without = VERDICTS[worst_i]
            best_with = VERDICTS[best_i]
        out.append((worst_i - VERDICTS.index(worst_without)) + (VERDICTS.index(best_with) - best_i))
    return out


def _ask_next(
    catalog: Catalog, undecided: list[Undecided], possible: Mapping[str, Outcome], state: RangeState
) -> tuple[AskNext, ...]:
    rules = {r.id: r for r in catalog.rules}
    current = [(u.ask, u.rule.id, u.max_weight) for u in undecided]
    held_open = []
    for rid in state.open_ids:
        o = possible[rid]
        held_open.append((o.ask, rid, max(rules[rid].levels[i].weight for i in o.open)))
    order = {qid: i for i, qid in enumerate(catalog.questions)}
    ranked = ask_order(current, held_open, state.worth(catalog.policy), order)
    return tuple(AskNext(qid, rs) for qid, rs in ranked)


OpenRuleAsk = tuple[tuple[str, ...], str, float]  # (questions to ask, rule id, heaviest open weight)


def ask_order(
    current: Iterable[OpenRuleAsk],
    held_open: Iterable[OpenRuleAsk],
    worth: Mapping[str, int],
    order: Mapping[str, int],
) -> list[tuple[str, tuple[str, ...]]]:
    """What to ask next, ranked (rank_questions), for every engine: the rules undecided on what is
    known first, in the order the verdict lists them; then each rule only the verdict range still
    holds open (an answer that may not count) asks what it needs too. worth: pivots by rule id."""
    entries = [(ask, rid, weight, worth.get(rid, 0)) for ask, rid, weight in current]
    listed = {rid for _, rid, _, _ in entries}
    entries += [(ask, rid, weight, worth[rid]) for ask, rid, weight in held_open if rid not in listed]
    return rank_questions(entries, order)


def rank_questions(
    items: Iterable[tuple[tuple[str, ...], str, float, int]],
    order: Mapping[str, int],
) -> list[tuple[str, tuple[str, ...]]]:
    """(question, rule ids) ranked by how much its answer can narrow the verdict range.

    items: (questions to ask, rule id, the rule's heaviest open weight, its pivot — see pivots())
    per open rule. A question that can move the range outranks any number that cannot; among
    equals, the weight the answer could still move decides, then interview order. Shared with the
    compiled batch path, so both rank alike.
    """
    stakes: dict[str, tuple[int, float]] = {}
    by_rule: dict[str, list[str]] = {}
    for ask, rule_id, weight, pivot in items:
        for qid in ask:
            p, w = stakes.get(qid, (0, 0.0))
            # a decline-level rule outranks any number of small ones: weight it by its own size
            stakes[qid] = (p + pivot, w + max(weight, 0.5))
            rules = by_rule.setdefault(qid, [])
            if rule_id not in rules:
                rules.append(rule_id)
    ranked = sorted(stakes, key=lambda qid: (-stakes[qid][0], -stakes[qid][1], order.get(qid, 0)))
    return [(qid, tuple(by_rule[qid])) for qid in ranked]
