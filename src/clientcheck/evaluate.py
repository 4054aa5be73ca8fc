"""(catalog, answers) -> Verdict. Pure: no printing, no I/O."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from clientcheck.model import (
    UNKNOWN,
    Answers,
    AskNext,
    Catalog,
    Evidence,
    Finding,
    Level,
    Question,
    Rule,
    Undecided,
    Verdict,
)


def effective(catalog: Catalog, answers: Answers) -> tuple[dict[str, Any], tuple[str, ...]]:
    """The known answers that count, and the answered questions that do not apply.

    Questions are walked in interview order, so a `when` sees exactly the earlier answers the
    interview would have seen; an answer to a question whose `when` is false is dropped.
    """
    env: dict[str, Any] = {}
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


def _askable(q: Question, env: dict[str, Any], catalog: Catalog, depth: int = 0) -> list[str]:
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


def ask_for(open_levels: Sequence[Level], env: dict[str, Any], catalog: Catalog) -> tuple[str, ...]:
    """The unknown questions that would decide these open levels of a rule, in order, once each."""
    ask: dict[str, None] = {}
    for level in open_levels:
        for name in level.when.names:
            if name not in env:
                ask.update(dict.fromkeys(_askable(catalog.questions[name], env, catalog)))
    return tuple(ask)


def evaluate(catalog: Catalog, answers: Answers, rules: Sequence[Rule] | None = None) -> Verdict:
    env, ignored = effective(catalog, answers)
    policy = catalog.policy
    red: list[Finding] = []
    good: list[Finding] = []
    notes: list[Finding] = []
    undecided: list[Undecided] = []
    for rule in catalog.rules if rules is None else rules:
        fired: Level | None = None
        open_levels: list[Level] = []
        for level in rule.levels:
            result = level.when(env)
            if result is True:
                # the first true level fires, unless an earlier level is still unknown: it could
                # turn out true and take precedence, so the rule waits for that answer
                if open_levels:
                    open_levels.append(level)
                else:
                    fired = level
                break
            if result is None:
                open_levels.append(level)
        if fired is not None:
            evidence = tuple(Evidence(n, env[n]) for n in fired.when.names if n in env)
            finding = Finding(rule, fired.severity, fired.weight, evidence, fired.advice or rule.advice)
            {"red-flag": red, "good-sign": good, "note": notes}[rule.kind].append(finding)
        elif open_levels:
            ask = ask_for(open_levels, env, catalog)
            # no question could decide it (what it needs does not apply to this client): it does
            # not fire, rather than wait for an answer that will never be asked
            if ask:
                top = max(open_levels, key=lambda lv: lv.weight)
                undecided.append(Undecided(rule, ask, top.severity, top.weight))
    score = sum(f.weight for f in red) - sum(f.weight for f in good)
    verdict = policy.verdict({f.severity for f in red if f.severity}, score)
    return Verdict(
        verdict,  # type: ignore[arg-type]
        score,
        tuple(sorted(red, key=lambda f: -f.weight)),
        tuple(good),
        tuple(notes),
        tuple(sorted(undecided, key=lambda u: -u.max_weight)),
        _ask_next(catalog, undecided),
        answers,
        ignored,
    )


def _ask_next(catalog: Catalog, undecided: list[Undecided]) -> tuple[AskNext, ...]:
    """Unknown questions ranked by how much weight their answers could still move."""
    order = {qid: i for i, qid in enumerate(catalog.questions)}
    ranked = rank_questions(((u.ask, u.rule.id, u.max_weight) for u in undecided), order)
    return tuple(AskNext(qid, rules) for qid, rules in ranked)


def rank_questions(
    items: Iterable[tuple[tuple[str, ...], str, float]],
    order: Mapping[str, int],
) -> list[tuple[str, tuple[str, ...]]]:
    """(question, rule ids) ranked by how much weight the answer could still move, highest first.

    items: (questions to ask, rule id, the rule's heaviest open weight) per undecided rule, in
    rule order. Shared with the compiled batch path, so both rank alike.
    """
    stakes: dict[str, float] = {}
    by_rule: dict[str, list[str]] = {}
    for ask, rule_id, weight in items:
        for qid in ask:
            # a decline-level rule outranks any number of small ones: weight it by its own size
            stakes[qid] = stakes.get(qid, 0.0) + max(weight, 0.5)
            by_rule.setdefault(qid, []).append(rule_id)
    ranked = sorted(stakes, key=lambda qid: (-stakes[qid], order.get(qid, 0)))
    return [(qid, tuple(by_rule[qid])) for qid in ranked]
