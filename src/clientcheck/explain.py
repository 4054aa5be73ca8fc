"""`clientcheck explain`: why each rule fired, did not fire, or is undecided.

For every rule, every level's condition is taken apart into its tests (comparisons and
yes/no questions), each test is evaluated on the answers that count, and for a numeric
test that went the wrong way we say how far the answer was from making it go the right way.
Pure: returns data; commands/rules.py prints it.
"""

from __future__ import annotations

import datetime as _dt
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

from clientcheck.conditions import (
    Arith,
    BoolOp,
    Call,
    Compare,
    ListLit,
    Lit,
    Name,
    Neg,
    Node,
    Not,
    compile_node,
    names_read,
)
from clientcheck.evaluate import effective, outcomes
from clientcheck.model import UNKNOWN, Answers, Catalog, Rule

Status = Literal["fired", "not-fired", "undecided"]
_MIRROR = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}


def _precedence(node: Node) -> int:
    if isinstance(node, BoolOp):
        return 1 if node.op == "or" else 2
    if isinstance(node, Not):
        return 3
    if isinstance(node, Compare):
        return 4
    if isinstance(node, Arith):
        return 5 if node.op in "+-" else 6
    if isinstance(node, Neg):
        return 7
    return 8


def _side(node: Node, least: int) -> str:
    text = unparse(node)
    return f"({text})" if _precedence(node) < least else text


def unparse(node: Node) -> str:
    """A condition tree back as text, with only the brackets its meaning needs."""
    if isinstance(node, Lit):
        if isinstance(node.value, bool):
            return "true" if node.value else "false"
        return json.dumps(node.value, ensure_ascii=False) if isinstance(node.value, str) else f"{node.value:g}"
    if isinstance(node, Name):
        return node.name
    if isinstance(node, Call):
        from clientcheck.functions import BARE

        if node.name in BARE and not node.args:
            return node.name
        return f"{node.name}({', '.join(unparse(a) for a in node.args)})"
    if isinstance(node, ListLit):
        return "[" + ", ".join(unparse(i) for i in node.items) + "]"
    if isinstance(node, Not):
        return f"not {_side(node.operand, 3)}"
    if isinstance(node, Neg):
        return f"-{_side(node.operand, 7)}"
    if isinstance(node, BoolOp):
        own = _precedence(node)
        return f" {node.op} ".join(_side(o, own + 1) for o in node.operands)
    if isinstance(node, Compare):
        op = {"notin": "not in"}.get(node.op, node.op)
        return f"{_side(node.left, 5)} {op} {_side(node.right, 5)}"
    if isinstance(node, Arith):
        own = _precedence(node)
        return f"{_side(node.left, own)} {node.op} {_side(node.right, own + 1)}"
    raise AssertionError(node)  # pragma: no cover


@dataclass(frozen=True)
class Distance:
    """How far a numeric test was from going the way the rule needs."""

    subject: str  # what would have to change: a question id, or an expression
    value: float  # what it is now
    target: str  # the comparison it would need, e.g. ">= 3"
    amount: float  # how much it would have to move

    def as_dict(self) -> dict[str, Any]:
        return {"subject": self.subject, "value": self.value, "needs": self.target, "away": self.amount}


@dataclass(frozen=True)
class Test:
    text: str
    result: bool | None
    wanted: bool  # the result that helps the rule fire (False under a `not`)
    answers: tuple[tuple[str, Any], ...]  # (question id, answer or None when unknown)
    distance: Distance | None = None


@dataclass(frozen=True)
class LevelReport:
    index: int
    condition: str
    severity: str | None
    weight: float
    result: bool | None
    tests: tuple[Test, ...]


@dataclass(frozen=True)
class RuleReport:
    rule: Rule
    status: Status
    fired_level: int | None  # 0-based
    levels: tuple[LevelReport, ...]
    ask: tuple[str, ...]
    # issue 16: the answers that kept it from firing (for a fired rule: the levels above the one that fired)
    kept: tuple[tuple[str, Any], ...] = ()


def _number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _distance(node: Compare, env: dict[str, Any], integer: bool, wanted: bool) -> Distance | None:
    if node.op not in ("<", "<=", ">", ">="):
        return None
    left, right, op = node.left, node.right, node.op
    if not isinstance(left, Name) and isinstance(right, Name):
        left, right, op = right, left, _MIRROR[op]  # say it from the question's side: `3 <= x` is `x >= 3`
    a, b = compile_node(left)(env), compile_node(right)(env)
    if not (_number(a) and _number(b)):
        return None
    if not wanted:  # under a `not`: the rule needs the comparison to fail
        op = {"<": ">=", "<=": ">", ">": "<=", ">=": "<"}[op]
    step = 1 if integer else 0
    if op == ">=":
        amount = b - a
    elif op == ">":
        amount = b - a + step
    elif op == "<=":
        amount = a - b
    else:
        amount = a - b + step
    if amount <= 0:
        return None
    return Distance(unparse(left), a, f"{op} {unparse(right) if not isinstance(right, Lit) else _num(b)}", amount)


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def _split(node: Node, wanted: bool = True) -> Iterator[tuple[Node, bool]]:
    """A condition's tests (comparisons, yes/no questions, calls) and the result each needs for the
    condition to be true: `and`/`or` are taken apart, a `not` flips what its operand needs."""
    if isinstance(node, BoolOp):
        for operand in node.operands:
            yield from _split(operand, wanted)
    elif isinstance(node, Not) and not isinstance(node.operand, Name):
        yield from _split(node.operand, not wanted)
    else:
        yield node, wanted


def _test(node: Node, env: dict[str, Any], catalog: Catalog, wanted: bool) -> Test:
    result = compile_node(node)(env)
    names = names_read(node)
    answers = tuple((n, env.get(n)) for n in names)
    distance = None
    if isinstance(node, Compare) and result is not None and result != wanted:
        integer = all(catalog.questions[n].type == "integer" for n in names)
        distance = _distance(node, env, integer, wanted)
    return Test(unparse(node), result, wanted, answers, distance)


def explain(catalog: Catalog, answers: Answers) -> tuple[tuple[RuleReport, ...], tuple[str, ...]]:
    """Every rule's report, and the answered questions that do not count (their `when` is false).

    The status of each rule is the engine's (evaluate.outcomes), never worked out here: explain
    only takes each level apart to say why.
    """
    env, ignored = effective(catalog, answers)
    found = outcomes(catalog, env)  # also puts the rules' outcomes in env, for fired()
    reports: list[RuleReport] = []
    for rule in catalog.rules:
        levels: list[LevelReport] = []
        for i, level in enumerate(rule.levels):
            result = level.when(env)
            tests = [_test(node, env, catalog, wanted) for node, wanted in _split(level.when.tree)]
            levels.append(LevelReport(i, level.when.source, level.severity, level.weight, result, tuple(tests)))
        o = found[rule.id]
        status: Status = "fired" if o.status == "fired" else "undecided" if o.status == "undecided" else "not-fired"
        checked = rule.levels if status == "not-fired" else rule.levels[: o.level] if o.level is not None else ()
        kept: dict[str, Any] = {}
        for level in checked:
            for name, value in kept_from_firing(level.when.tree, env, catalog):
                kept.setdefault(name, value)
        reports.append(RuleReport(rule, status, o.level, tuple(levels), o.ask, tuple(kept.items())))
    return tuple(reports), ignored


def plain(value: Any) -> Any:
    if value is None or value is UNKNOWN:
        return None
    if isinstance(value, frozenset):
        return sorted(value)
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()
    return value


def to_dict(reports: tuple[RuleReport, ...], ignored: tuple[str, ...], lang: str) -> dict[str, Any]:
    return {
        "schema": "clientcheck.explain/1",
        "ignored_answers": list(ignored),
        "rules": [
            {
                "id": r.rule.id,
                "kind": r.rule.kind,
                "title": r.rule.title.get(lang),
                "status": r.status,
                "level": None if r.fired_level is None else r.fired_level + 1,
                "severity": None if r.fired_level is None else r.levels[r.fired_level].severity,
                "ask": list(r.ask),
                "kept_from_firing": [{"question": q, "answer": plain(v)} for q, v in r.kept],
                "levels": [
                    {
                        "level": lv.index + 1,
                        "when": lv.condition,
                        "severity": lv.severity,
                        "weight": lv.weight,
                        "result": lv.result,
                        "tests": [
                            {
                                "test": tst.text,
                                "result": tst.result,
                                "needed": tst.wanted,
                                "answers": {n: plain(v) for n, v in tst.answers},
                                "distance": tst.distance.as_dict() if tst.distance else None,
                            }
                            for tst in lv.tests
                        ],
                    }
                    for lv in r.levels
                ],
            }
            for r in reports
        ],
    }


_FLAT: dict[int, tuple[Node, tuple[tuple[Any, tuple[str, ...], bool], ...]]] = {}


def _flat(node: Node) -> tuple[tuple[Any, tuple[str, ...], bool], ...]:
    """A condition's tests as explain shows them (compiled test, names, wanted), made once per tree."""
    entry = _FLAT.get(id(node))
    if entry is not None and entry[0] is node:
        return entry[1]
    flat = tuple((compile_node(n), names_read(n), wanted) for n, wanted in _split(node))
    _FLAT[id(node)] = (node, flat)  # the node is kept alive with it, so its id is never reused
    return flat


def kept_from_firing(when: Node, env: dict[str, Any], catalog: Catalog) -> tuple[tuple[str, Any], ...]:
    """The answers of a condition's tests that went against it: what kept a false level false.

    The tests are those `explain` shows (_split). Only tests with a value count: an unknown test
    did not decide anything. Each question once, in the order the condition reads them.
    """
    out: dict[str, Any] = {}
    for fn, names, wanted in _flat(when):
        result = fn(env)
        if result is not None and result != wanted:
            for name in names:
                value = env.get(name)
                if value is not None:
                    out.setdefault(name, value)
    return tuple(out.items())


def unknown_that_decided(when: Node, env: dict[str, Any]) -> tuple[str, ...]:
    """The questions without an answer that a true condition's tests read and that went its way:
    what made `not known(budget)` or a count over unknowns true. A test that was itself undecided
    (the other side of an `or`) decided nothing. Each question once, in the order the condition reads them.
    """
    out: dict[str, None] = {}
    for fn, names, wanted in _flat(when):
        if fn(env) is wanted:
            out.update((n, None) for n in names if n not in env)
    return tuple(out)
