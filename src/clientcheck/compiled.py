"""A catalog's questions and rules compiled into one Python function, to score many clients fast.

evaluate() walks dataclasses and calls a closure per condition node; that is clear and quick
for one client, but a million clients need a tighter loop. Here the *checked* condition trees
(never the rule text) are turned into Python source for one function that validates a decoded
answers mapping, drops the answers whose question does not apply, and evaluates every rule on
local variables. Question ids and literals reach the source only as repr() of str/int/bool/finite
float, or as named constants; local names are generated (v0, v1, ...), never taken from the files.

The three-valued logic is kept exactly, but cheaply: each level is tested with two plain Python
tests, "is it true?" and, only when it is not, "is it false?" (_Expr.truth). What to ask about
an undecided rule depends only on which of its answers are unknown (and the gates in front of
them), so it is worked out once per such shape by evaluate's own code and remembered.

The function bails out (returns None) on anything it does not handle itself: a wrong or unusual
answer, an unknown key, a number where text is expected. The caller then takes the ordinary path
(answers.validate + evaluate), which gives the exact error messages, so the fast path only ever
has to be right about valid answers. tests/test_compiled.py checks on random answers that both
paths give the same results, in both flavours (a Result, or a JSON Lines record as bytes).
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Mapping, Sequence
from functools import partial
from operator import attrgetter, itemgetter
from typing import Any, Protocol

from clientcheck import functions, qtypes
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
    has_spans,
)
from clientcheck.evaluate import OpenItem, ask_for, pivots, rank_questions, verdict_range
from clientcheck.model import CLIENT_KEY, VERDICTS, Catalog, Finding, Level, Question, Rule, Verdict

MEMO_LIMIT = 4096  # shapes of undecided rule remembered per rule; beyond that, worked out each time
INLINE_LIMIT = 40  # condition nodes written inline; a larger expression calls the condition's own closure


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
    ) -> None:
        self.id = rule.id
        self.kind = rule.kind
        self.rule_index = rule_index
        self.max_severity = max_severity
        self.max_weight = max_weight
        self.ask = ask
        self.severities = severities
        self.item = OpenItem(rule.kind, severities, max_weight)  # as evaluate._open_item makes it
        self.fast: tuple[Any, ...] = ()  # compiled._Compiler.fast_item, for the compiled range
        self.sort_key = (-max_weight, rule_index)  # heaviest first, ties in rule order


class RecordFormat(Protocol):
    """How a format writes one client as bytes, for the compiled path to fill in (render/jsonl.py).

    template takes, in order: the head (bytes), the line (int), the client (str or None, through
    dumps), the verdict, the best and the worst verdict (bytes), "true" or "false" for settled, the score (through dumps), the red flags, good signs, notes and
    undecided rules (each: pieces joined with commas), the ignored answers (dumps) and the tail.
    """

    template: bytes
    tail: bytes

    def finding(self, info: FindingInfo) -> bytes: ...

    def open_rule(self, rule: OpenRule) -> bytes: ...

    def dumps(self, value: Any) -> bytes: ...


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


class Result(tuple):  # type: ignore[type-arg]
    """One client's verdict in the compact form the batch formats need (no prose, no dataclasses).

    A tuple, because the compiled function builds one per client and nothing is cheaper:
    (client, verdict, score, red, good, notes, open rules in rule order, ignored, answer values,
    (question order, policy), ask_next or None, best, worst). Read it through the properties: red flags heaviest first;
    good signs and notes in rule order; undecided heaviest first; ask_next (question id, rule ids),
    most at stake first; ignored: answered questions that do not apply.
    """

    __slots__ = ()

    client: str | None = property(itemgetter(0))  # type: ignore[assignment]
    verdict: str = property(itemgetter(1))  # type: ignore[assignment]
    score: float = property(itemgetter(2))  # type: ignore[assignment]
    red: list[FindingInfo] = property(itemgetter(3))  # type: ignore[assignment]
    good: list[FindingInfo] = property(itemgetter(4))  # type: ignore[assignment]
    notes: list[FindingInfo] = property(itemgetter(5))  # type: ignore[assignment]
    ignored: Sequence[str] = property(itemgetter(7))  # type: ignore[assignment]
    values: Sequence[Any] = property(itemgetter(8))  # type: ignore[assignment]
    best: str = property(itemgetter(11))  # type: ignore[assignment]
    worst: str = property(itemgetter(12))  # type: ignore[assignment]

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
        if self[10] is not None:
            given: list[tuple[str, tuple[str, ...]]] = self[10]
            return given
        order, _ = self[9]
        open_rules: list[OpenRule] = self[6]
        worth = _pivots(self)
        return rank_questions([(u.ask, u.id, u.max_weight, p) for u, p in zip(open_rules, worth, strict=True)], order)

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


# ---------------------------------------------------------------- code generation


class _Source:
    """Python source being written, with its constants."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.consts: dict[str, Any] = {}
        self.temps = 0

    def emit(self, depth: int, line: str) -> None:
        self.lines.append("    " * depth + line)

    def const(self, value: Any) -> str:
        name = f"K{len(self.consts)}"
        self.consts[name] = value
        return name

    def literal(self, value: Any) -> str:
        if isinstance(value, (bool, str, int)):
            return repr(value)
        if isinstance(value, float) and math.isfinite(value):
            return repr(value)  # round-trips exactly
        return self.const(value)

    def temp(self) -> str:
        self.temps += 1
        return f"t{self.temps}"


def _simple(src: str) -> bool:
    """A local name or a literal: cheap and safe to repeat in an expression."""
    return src.isidentifier() or src.lstrip("-").replace(".", "", 1).isdigit() or src[:1] in "'\""


class _Expr:
    """Compiles a checked condition tree to a Python expression over local variables.

    Mirrors conditions.compile_node exactly: None is unknown; a comparison or arithmetic with an
    unknown side is unknown; division by zero is unknown; and/or are Kleene's. Every node is pure,
    so evaluating a side the closures would skip cannot change a result, only cost time.
    """

    def __init__(self, src: _Source, names: Mapping[str, str]) -> None:
        self.src = src
        self.names = names
        self.uses_known: set[str] = set()  # questions known() reads: the client is bailed out when unknown

    def rule_state(self, rule_id: str) -> str:
        raise Unsupported("fired()")  # catalogs with rule references are scored by evaluate()

    def delegate(self, node: Node) -> str:
        """A call of the condition's own closure, for expressions too large to write inline.

        Python's parser refuses deeply nested expressions (a long arithmetic chain becomes one);
        the closures evaluate the same tree with the same meaning, at a little more cost.
        """
        fn = self.src.const(compile_node(node))
        names = _names_in(node)
        for n in _walk(node):
            if isinstance(n, Call) and n.name == "known":
                self.uses_known.add(n.args[0].name)  # type: ignore[union-attr]
        keys = self.src.const(tuple(names))
        values = "".join(f"{self.names.get(n, 'None')}, " for n in names)
        # the closures read an unknown answer as a missing key (known() tells the two apart)
        return f"{fn}(_env({keys}, ({values}), today))"

    def bind(self, code: str) -> tuple[str, str]:
        """(first use, later uses) of a value: a walrus into a temporary unless it is simple."""
        if _simple(code):
            return code, code
        t = self.src.temp()
        return f"({t} := {code})", t

    def __call__(self, node: Node) -> tuple[str, bool]:
        """(source, may be None)."""
        if _size(node) > INLINE_LIMIT:
            return self.delegate(node), True
        if isinstance(node, Call):
            return functions.FUNCTIONS[node.name].python(self, node)
        if isinstance(node, Lit):
            return self.src.literal(node.value), False
        if isinstance(node, Name):
            local = self.names.get(node.name)
            return (local, True) if local is not None else ("None", True)
        if isinstance(node, ListLit):
            return self.src.const(frozenset(i.value for i in node.items)), False
        if isinstance(node, (Not, Neg)):
            code, maybe = self(node.operand)
            op = "not " if isinstance(node, Not) else "-"
            if isinstance(node, Neg) and has_spans(node.operand):
                return f"_neg({code})", True
            if not maybe:
                return f"({op}{code})", False
            first, later = self.bind(code)
            return f"(None if {first} is None else {op}{later})", True
        if isinstance(node, BoolOp):
            return self.boolop(node)
        if isinstance(node, (Compare, Arith)):
            return self.binary(node)
        raise AssertionError(node)  # pragma: no cover

    def truth(self, node: Node, want: bool) -> str:
        """A plain Python test that is true exactly when `node` evaluates to `want` (True or False).

        Kleene logic splits cleanly this way: `a and b` is True when both are True and False when
        either is False; `not a` is True when `a` is False. Comparisons need their names known.
        Two such tests replace one three-valued expression, and each short-circuits like plain
        Python, which is what makes the compiled rules fast.
        """
        if _size(node) > INLINE_LIMIT:
            return f"({self.delegate(node)} is {want})"
        if isinstance(node, Lit):
            return "True" if node.value is want else "False"
        if isinstance(node, Name):
            code, _ = self(node)
            return f"{code} is {want}"
        if isinstance(node, Not):
            return self.truth(node.operand, not want)
        if isinstance(node, BoolOp):
            joiner = " and " if (node.op == "and") == want else " or "
            return "(" + joiner.join(self.truth(o, want) for o in node.operands) + ")"
        if isinstance(node, Compare) and _plain_sides(node):
            left, _ = self(node.left)
            right, _ = self(node.right)
            core = {"in": f"{left} in {right}", "notin": f"{left} not in {right}"}.get(
                node.op, f"{left} {node.op} {right}"
            )
            names = [code for side, code in ((node.left, left), (node.right, right)) if isinstance(side, Name)]
            if want and len(names) == 1 and node.op in ("==", "in") and not isinstance(node.right, Name):
                # None == "x" and None in {"x"} are simply false: an unknown answer needs no test
                return f"({core})"
            known = [f"{code} is not None" for code in dict.fromkeys(names)]
            return "(" + " and ".join([*known, core if want else f"not ({core})"]) + ")"
        code, _ = self(node)
        return f"({code} is {want})"

    def boolop(self, node: BoolOp) -> tuple[str, bool]:
        parts = [self(o) for o in node.operands]
        if not any(maybe for _, maybe in parts):
            joiner = " and " if node.op == "and" else " or "
            return "(" + joiner.join(code for code, _ in parts) + ")", False
        # and: the first False decides; else unknown if any is unknown; else True. or: mirrored.
        stop, done = ("False", "True") if node.op == "and" else ("True", "False")
        checks: list[str] = []
        unknowns: list[str] = []
        for code, maybe in parts:
            first, later = self.bind(code)
            checks.append(first)
            if maybe:
                unknowns.append(later)
        tail = f"(None if {' or '.join(f'{u} is None' for u in unknowns)} else {done})"
        for first in reversed(checks):
            tail = f"({stop} if {first} is {stop} else {tail})"
        return tail, True

    def binary(self, node: Compare | Arith) -> tuple[str, bool]:
        left, lmaybe = self(node.left)
        right, rmaybe = self(node.right)
        if has_spans(node):
            # a count() with unknowns is a Span: the span-aware helpers of functions.py decide
            if isinstance(node, Arith):
                return f"_ar({node.op!r}, {left}, {right})", True
            return f"_cmp({self.src.const(_COMPARE[node.op])}, {left}, {right})", True
        lfirst, llater = self.bind(left) if lmaybe else (left, left)
        divide = isinstance(node, Arith) and node.op == "/"
        rfirst, rlater = self.bind(right) if (rmaybe or divide) else (right, right)
        if divide:
            op = f"(None if {rlater} == 0 else {llater} / {rlater})"
        elif isinstance(node, Arith):
            op = f"({llater} {node.op} {rlater})"
        elif node.op == "in":
            op = f"({llater} in {rlater})"
        elif node.op == "notin":
            op = f"({llater} not in {rlater})"
        else:
            op = f"({llater} {node.op} {rlater})"
        code = op
        if rmaybe:
            code = f"(None if {rfirst} is None else {code})"
        elif rfirst != rlater:  # a bound right side that cannot be unknown (a divisor): bind it first
            code = f"({rfirst}, {code})[1]"
        if lmaybe:
            code = f"(None if {lfirst} is None else {code})"
        return code, lmaybe or rmaybe or divide


def _undecided_means_unknown(level: Level) -> bool:
    """Is this level undecided only when an answer it reads is unknown?

    Not when it divides (division by zero is undecided with every answer known) or calls a
    function (fired() waits for another rule; count() and known() decide with unknowns).
    """
    return not any(isinstance(n, Call) or (isinstance(n, Arith) and n.op == "/") for n in _walk(level.when.tree))


def _env(names: tuple[str, ...], values: tuple[Any, ...], today: Any) -> dict[str, Any]:
    """The environment a condition's closure reads, from the compiled function's locals."""
    env = {n: v for n, v in zip(names, values, strict=True) if v is not None}
    env[functions.TODAY] = today
    return env


def _severities(levels: Sequence[Level]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(lv.severity for lv in levels if lv.severity))


def _plain_sides(node: Compare) -> bool:
    """Both sides a question, a literal or a list: the comparison can be written as a plain test."""
    return all(isinstance(side, (Name, Lit, ListLit)) for side in (node.left, node.right))


def _children(node: Node) -> tuple[Node, ...]:
    if isinstance(node, (Not, Neg)):
        return (node.operand,)
    if isinstance(node, BoolOp):
        return node.operands
    if isinstance(node, (Compare, Arith)):
        return (node.left, node.right)
    if isinstance(node, Call):
        return node.args
    return ()


def _size(node: Node) -> int:
    total = 0
    stack = [node]
    while stack:
        n = stack.pop()
        total += 1
        stack.extend(_children(n))
    return total


def _names_in(node: Node) -> list[str]:
    out: dict[str, None] = {}
    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, Name):
            out[n.name] = None
        stack.extend(_children(n))
    return list(out)


def _in(a: Any, b: Any) -> bool:
    return a in b


def _notin(a: Any, b: Any) -> bool:
    return a not in b


# functions.compare tells the comparisons apart by these functions' names
_COMPARE: dict[str, Callable[[Any, Any], Any]] = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "in": _in,
    "notin": _notin,
}


def _known_when(node: Node, value: bool) -> bool:
    """Does `node` evaluating to `value` (True or False) prove every name in it is known?"""
    if isinstance(node, Not):
        return _known_when(node.operand, not value)
    if isinstance(node, BoolOp):
        # and is True (or is False) only when every operand is: all of them are known then
        if (node.op == "and") == value:
            return all(_known_when(o, value) for o in node.operands)
        return False
    return _strict(node)


def _strict(node: Node) -> bool:
    """Is this node's value unknown as soon as any name in it is unknown?

    Arithmetic and comparisons are; `a or b` is not (true with b unknown), nor known() (decided
    with its question unknown) or count() (decided with some of its tests unknown).
    """
    if isinstance(node, (Not, Neg)):
        return _strict(node.operand)
    if isinstance(node, (Compare, Arith)):
        return _strict(node.left) and _strict(node.right)
    return not isinstance(node, (BoolOp, Call))


def _walk(node: Node) -> list[Node]:
    out: list[Node] = []
    stack = [node]
    while stack:
        n = stack.pop()
        out.append(n)
        stack.extend(_children(n))
    return out


class _Compiler:
    """Writes the scoring function. Two flavours: by default it returns a Result; given a
    RecordFormat, it returns (verdict index, the client's record as bytes), with the findings
    as bytes prepared once per rule level: the JSON Lines path, where every microsecond shows."""

    def __init__(
        self, catalog: Catalog, rules: Sequence[Rule], record: RecordFormat | None = None, possible: bool = False
    ) -> None:
        self.catalog = catalog
        self.rules = rules
        self.record = record
        self.possible = possible  # the range's second pass (evaluate.possible_env): always a Result
        self.src = _Source()
        self.index = {qid: i for i, qid in enumerate(catalog.questions)}
        self.local = {qid: f"v{i}" for qid, i in self.index.items()}
        self.memos: list[dict[int, Any]] = [{} for _ in rules]
        self.finding_infos: list[FindingInfo] = []
        self.rank: dict[int, int] = {}
        self.rank_severity: list[str | None] = []
        self.counters: dict[str, str] = {}
        self.source = ""

    # -- questions

    def question(self, q: Question, depth: int) -> None:
        """Read, check and canonicalise one answer into its local; bail out on anything unusual."""
        e = self.src.emit
        v = self.local[q.id]
        if not self.possible:
            e(depth, f"{v} = get({q.id!r})")
            qtypes.of(q).python_check(q, v, depth, e, self.src.const)
        if q.when is not None:
            # a `when` sees only the earlier answers that count, as in evaluate.effective
            earlier = list(self.catalog.questions)[: self.index[q.id]]
            gate = _Expr(self.src, {qid: self.local[qid] for qid in earlier})
            gate_false = gate.truth(q.when.tree, False)
            gate_true = gate.truth(q.when.tree, True)
            if self.possible:
                # evaluate.possible_env: an answer counts only where its question surely applies
                e(depth, f"if {v} is not None and not {gate_true}: {v} = None")
                return
            e(depth, f"if {q.id!r} in d and {gate_false}:")
            e(depth + 1, f"ign = (*ign, {q.id!r})")
            e(depth + 1, f"{v} = None")
            # an answer whose question may yet turn out not to apply counts now, but the verdict
            # range is worked out without it (evaluate.possible_env): a second pass does that
            e(depth, f"elif {v} is not None and not {gate_true}: unst = True")

    # -- rules

    def fire(self, rule: Rule, index: int, level: Level, depth: int) -> None:
        e = self.src.emit
        names = tuple((n, self.index[n]) for n in level.when.names)
        info = FindingInfo(
            rule,
            index,
            level.severity,
            level.weight,
            names,
            _known_when(level.when.tree, True),
            self.rank.get(id(level), 0),
        )
        self.finding_infos.append(info)
        if self.record is None:
            name = self.src.const(info)
        elif rule.kind == "red-flag":
            name = self.src.const((info.rank, self.record.finding(info)))  # sorts by rank, in C
        else:
            name = self.src.const(self.record.finding(info))
        w = self.src.literal(level.weight)
        policy = self.catalog.policy
        if rule.kind == "red-flag":
            e(depth, f"red.append({name})")
            e(depth, f"sr = sr + {w}")
            if level.severity in self.counters:
                counter = self.counters[level.severity]
                e(depth, f"{counter} = {counter} + 1")
            if level.severity in policy.decline_if.any_severity:
                e(depth, "dh = True")
            if level.severity in policy.caution_if.any_severity:
                e(depth, "ch = True")
        elif rule.kind == "good-sign":
            e(depth, f"good.append({name})")
            e(depth, f"sg = sg + {w}")
        else:
            e(depth, f"notes.append({name})")

    def ask_key(self, rule: Rule, ex: _Expr) -> str:
        """An int that, with the open levels, decides which questions to ask about the rule.

        The questions depend only on which names of the rule are unknown and, for a name whose
        question has a `when`, on that gate's value, recursively (evaluate._askable). Those are the
        bits; the answer for each key is worked out once by evaluate's own code and remembered.
        """
        closure: dict[str, None] = {}
        todo = list(rule.names)
        while todo:
            name = todo.pop(0)
            if name in closure:
                continue
            closure[name] = None
            when = self.catalog.questions[name].when
            if when is not None:
                todo.extend(when.names)
        bits: list[str] = []
        for name in closure:
            bits.append(f"({self.local[name]} is None)")
            when = self.catalog.questions[name].when
            if when is not None:
                bits.append(f"({ex.truth(when.tree, True)})")
                bits.append(f"({ex.truth(when.tree, False)})")
        shift = len(rule.levels)
        return " | ".join(["op", *(f"{bit} << {shift + i}" for i, bit in enumerate(bits))])

    def rule(self, rule: Rule, index: int, ex: _Expr) -> None:
        e = self.src.emit
        trues = [ex.truth(lv.when.tree, True) for lv in rule.levels]
        falses = [ex.truth(lv.when.tree, False) for lv in rule.levels]
        for i, level in enumerate(rule.levels):
            # as in evaluate: a level fires only when every level before it is known to be false
            e(1, f"{'if' if i == 0 else 'elif'} {' and '.join([*falses[:i], trues[i]])}:")
            self.fire(rule, index, level, 2)
        # no level is true: the rule is undecided if some level is not false either
        if len(rule.levels) == 1:
            level = rule.levels[0]
            e(1, f"elif not {ex.truth(level.when.tree, False)}:")
            names = level.when.names
            if len(names) == 1 and self.catalog.questions[names[0]].when is None and _undecided_means_unknown(level):
                # the one name must be the unknown one: nothing to work out
                info = OpenRule(rule, index, level.severity, level.weight, names, _severities([level]))
                e(2, f"und.append({self.src.const(self.shown(info))})")
                return
            e(2, "op = 1")
            depth = 2
        else:
            e(1, "else:")
            # the levels still open: not known to be false, up to and including the first true one
            mask = " | ".join(
                f"((not {falses[bit]}{''.join(f' and not {t}' for t in trues[:bit])}) << {bit})"
                for bit in range(len(rule.levels))
            )
            e(2, f"op = {mask}")
            e(2, "if op:")
            depth = 3
        memo = self.src.const(self.memos[index])
        values = ", ".join(self.local.values())
        e(depth, f"k = {self.ask_key(rule, ex)}")
        e(depth, f"x = {memo}.get(k)")
        e(depth, f"if x is None: x = _miss({index}, k, op, ({values},))")
        e(depth, "if x: und.append(x)")

    def fast_item(self, rule: OpenRule) -> tuple[Any, ...]:
        """An open rule's part in the range, as evaluate.verdict_range counts it: (kind, severities,
        max weight, its weight in the worst case (red flags), in the best case (good signs), and
        whether one of its severities alone meets decline_if / caution_if)."""
        policy = self.catalog.policy
        red = rule.kind == "red-flag"
        return (
            *rule.item,
            rule.max_weight if red else 0,
            rule.max_weight if rule.kind == "good-sign" else 0,
            red and any(s in policy.decline_if.any_severity for s in rule.severities),
            red and any(s in policy.caution_if.any_severity for s in rule.severities),
        )

    def verdict_of(self, declined: bool, cautioned: bool, score: float) -> str:
        """Policy.verdict, given whether its severity tests are met (no counting thresholds)."""
        policy = self.catalog.policy
        if declined or (policy.decline_if.min_score is not None and score >= policy.decline_if.min_score):
            return "decline"
        if cautioned or (policy.caution_if.min_score is not None and score >= policy.caution_if.min_score):
            return "caution"
        return "go"

    def range(self, red: list[Any], red_score: float, good_score: float, und: list[Any]) -> tuple[str, str]:
        """(best, worst) for a client with undecided rules, by evaluate's own verdict_range."""
        counts: dict[str, int] = {}
        for f in red:
            severity = self.rank_severity[f[0]] if f.__class__ is tuple else f.severity
            if severity:
                counts[severity] = counts.get(severity, 0) + 1
        items = [(u[2] if u.__class__ is tuple else u).item for u in und]
        return verdict_range(self.catalog.policy, counts, red_score, good_score, items)

    def shown(self, rule: OpenRule) -> Any:
        """An undecided rule as the function's output holds it: itself, or (sort key, bytes, itself)."""
        rule.fast = self.fast_item(rule)
        return rule if self.record is None else (rule.sort_key, self.record.open_rule(rule), rule, rule.fast)

    def miss(self, index: int, key: int, mask: int, values: tuple[Any, ...]) -> Any:
        """An undecided rule not seen in this shape before: evaluate's own code decides."""
        rule = self.rules[index]
        open_levels = [lv for bit, lv in enumerate(rule.levels) if mask & (1 << bit)]
        env = {qid: values[i] for qid, i in self.index.items() if values[i] is not None}
        top = max(open_levels, key=lambda lv: lv.weight)
        ask = ask_for(open_levels, env, self.catalog)
        # as in evaluate: a rule no question could decide does not fire, and is not listed
        found = (
            self.shown(OpenRule(rule, index, top.severity, top.weight, ask, _severities(open_levels))) if ask else False
        )
        memo = self.memos[index]
        if len(memo) < MEMO_LIMIT:
            memo[key] = found
        return found

    def build(self) -> Callable[..., Any]:
        e = self.src.emit
        # red flags are listed heaviest first, ties in rule order: a level's rank says where
        red_levels = [lv for r in self.rules if r.kind == "red-flag" for lv in r.levels]
        positions = {id(lv): i for i, lv in enumerate(red_levels)}
        ordered = sorted(red_levels, key=lambda lv: (-lv.weight, positions[id(lv)]))
        self.rank = {id(lv): i for i, lv in enumerate(ordered)}
        self.rank_severity = [lv.severity for lv in ordered]

        if any(r.refs for r in self.catalog.rules):
            raise Unsupported("fired()")
        # every weight at least 0: then the score only grows with red flags and falls with good signs
        self.monotone = all(lv.weight >= 0 for r in self.catalog.rules for lv in r.levels) and all(
            sev.weight >= 0 for sev in self.catalog.policy.severities.values()
        )
        policy = self.catalog.policy
        counted = {s for th in (policy.decline_if, policy.caution_if) for s, _ in th.counts}
        self.counters = {sev: f"n{i}" for i, sev in enumerate(sorted(counted))}
        known = self.src.const(frozenset((*self.catalog.questions, CLIENT_KEY)))
        order = self.src.const((self.index, policy))
        values = ", ".join(self.local.values())
        if self.possible:
            # the range's second pass takes the answers already checked, as the first left them
            e(0, f"def score({values}, today):")
            e(1, "cl = None; ign = (); unst = False")
        else:
            e(0, "def score(d, head=b'', line=0, today=_today):")
            e(1, f"if not {known}.issuperset(d): return None")
            e(1, "get = d.get")
            e(1, f"cl = get({CLIENT_KEY!r})")
            e(1, "if cl is not None and cl.__class__ is not str: return None")
            e(1, "ign = (); unst = False")
        for q in self.catalog.questions.values():
            self.question(q, 1)
        e(1, "red = []; good = []; notes = []; und = []")
        e(1, "sr = 0; sg = 0; dh = False; ch = False")
        for counter in self.counters.values():
            e(1, f"{counter} = 0")
        ex = _Expr(self.src, self.local)
        for index, rule in enumerate(self.rules):
            self.rule(rule, index, ex)
        for qid in sorted(ex.uses_known):
            # known() of an unanswered question may still change: the range is evaluate()'s to find
            e(1, f"if {self.local[qid]} is None: return None")
        e(1, "s = sr - sg")
        for verdict, threshold, hit in (("decline", policy.decline_if, "dh"), ("caution", policy.caution_if, "ch")):
            test = [hit, *(f"{self.counters[sev]} >= {n}" for sev, n in threshold.counts)]
            if threshold.min_score is not None:
                test.append(f"s >= {self.src.literal(threshold.min_score)}")
            vi = VERDICTS.index(verdict)
            e(1, f"{'if' if vi == 2 else 'elif'} {' or '.join(test)}: vd = {verdict!r}; vi = {vi}")
        e(1, "else: vd = 'go'; vi = 0")
        # the range of what is known, from the open rules (as evaluate.verdict_range sums them)
        e(1, "if und:")
        if self.counters:
            e(2, "bs, ws = _range(red, sr, sg, und)")
        else:
            # without counting thresholds, the range needs only sums and flags over the open rules
            e(2, "wr = 0; wg = 0; wd = dh; wc = ch")
            e(2, "for x in map(_item, und):")
            e(3, "wr += x[3]; wg += x[4]; wd = wd or x[5]; wc = wc or x[6]")
            e(2, "bs = _verdict(dh, ch, s - wg); ws = _verdict(wd, wc, s + wr)")
        e(1, "else: bs = ws = vd")
        # an answer whose question may not apply: the range is the second pass's (possible_env).
        # Knowing less never narrows a range, so with weights that are not negative a range that
        # is already go..decline stays so, and a record needs no second pass then.
        skip = self.record is not None and self.monotone
        e(1, "if unst and (bs != 'go' or ws != 'decline'):" if skip else "if unst:")
        e(2, f"pr = _possible({values}, today)")
        e(2, "bs = pr[11]; ws = pr[12]")
        namespace: dict[str, Any] = dict(self.src.consts)
        if self.record is None:
            e(1, "if len(red) > 1: red.sort(key=_rank)")
            values = ", ".join(self.local.values())
            e(1, f"return _result((cl, vd, s, red, good, notes, und, ign, ({values},), {order},")
            e(2, "_asknext(und, pr) if unst else None, bs, ws))")
            namespace.update(_result=partial(tuple.__new__, Result), _rank=_by_rank)
        else:
            e(1, "if len(red) > 1: red.sort()")
            e(1, "if len(und) > 1: und.sort()")
            e(
                1,
                "return (9 * vi + 3 * _vi[ws] + _vi[bs], _template % (head, line, _dumps(cl), _vb[vi], _vb[_vi[bs]], _vb[_vi[ws]],",
            )
            e(2, "_settled[bs == ws], _dumps(s),")
            e(2, "b','.join(map(_second, red)), b','.join(good), b','.join(notes), b','.join(map(_second, und)),")
            e(2, "_dumps(ign) if ign else b'[]', _tail))")
            namespace.update(
                _template=self.record.template,
                _tail=self.record.tail,
                _dumps=self.record.dumps,
                _second=itemgetter(1),
                _vb=tuple(v.encode() for v in VERDICTS),
                _vi={v: i for i, v in enumerate(VERDICTS)},
                _settled=(b"false", b"true"),
            )
        namespace.update(_miss=self.miss)
        namespace.update(
            _date=functions.parse_date,
            _cmp=functions.compare,
            _ar=functions.arith,
            _neg=functions.negate,
            _count=functions.count_values,
            _range=self.range,
            _item=attrgetter("fast") if self.record is None else itemgetter(3),
            _verdict=self.verdict_of,
            _asknext=self.ask_next,
            _today=functions.today(),
            _env=_env,
        )
        self.source = "\n".join(self.src.lines) + "\n"
        if not self.possible:
            namespace["_possible"] = _Compiler(self.catalog, self.rules, possible=True).build()
        exec(compile(self.source, "<clientcheck rules>", "exec"), namespace)  # source built from the checked trees
        fn: Callable[..., Any] = namespace["score"]
        return fn

    def ask_next(self, current: list[OpenRule], possible: Result) -> list[tuple[str, tuple[str, ...]]]:
        """What to ask, ranked as evaluate._ask_next ranks it, for a client whose range took a
        second pass: rules open now first, then those only the range still holds open."""
        open_rules: list[OpenRule] = possible[6]
        worth = dict(zip((u.id for u in open_rules), _pivots(possible), strict=True))
        entries = [(u.ask, u.id, u.max_weight, worth.get(u.id, 0)) for u in current]
        listed = {u.id for u in current}
        entries += [(u.ask, u.id, u.max_weight, worth[u.id]) for u in open_rules if u.id not in listed]
        return rank_questions(entries, self.index)


def _ordinary(data: Mapping[str, Any], head: bytes = b"", line: int = 0) -> None:
    """The scorer of a catalog the compiler does not take: every client goes to evaluate()."""
    return None


class Engine:
    """The compiled rules of one catalog (or a selection of its rules)."""

    def __init__(self, catalog: Catalog, rules: Sequence[Rule] | None = None) -> None:
        self.catalog = catalog
        self.rules = tuple(catalog.rules if rules is None else rules)
        self.order = {qid: i for i, qid in enumerate(catalog.questions)}
        self._rule_index = {rule.id: i for i, rule in enumerate(self.rules)}
        self._record_scorers: dict[tuple[type, bytes, bytes], Callable[[Mapping[str, Any], bytes, int], Any]] = {}
        self._scorer: Callable[[Mapping[str, Any]], Any] | None = None
        self.source = ""

    def _score(self, data: Mapping[str, Any]) -> Any:
        # compiled on first use: a JSON Lines run only needs the record scorer
        if self._scorer is None:
            compiler = _Compiler(self.catalog, self.rules)
            try:
                self._scorer = compiler.build()
            except Unsupported:
                self._scorer = _ordinary
            self.source = compiler.source
        return self._scorer(data)

    def record_scorer(self, record: RecordFormat) -> Callable[[Mapping[str, Any], bytes, int], Any]:
        """The fused function for a format: (answers, head, line) -> (9 * verdict index + 3 * worst
        reachable verdict's index + best one's, record bytes),
        or None when the answers need the ordinary path. May raise TypeError (unhashable answer)."""
        key = (type(record), record.template, record.tail)  # the same format: the same function
        fn = self._record_scorers.get(key)
        if fn is None:
            try:
                fn = _Compiler(self.catalog, self.rules, record).build()
            except Unsupported:
                fn = _ordinary
            self._record_scorers[key] = fn
        return fn

    def score(self, data: Mapping[str, Any]) -> Result | None:
        """The result for decoded answers, or None when they need the ordinary path."""
        try:
            result: Result | None = self._score(data)
        except (TypeError, OverflowError):  # an unhashable answer, a number past a float: the ordinary path
            return None
        return result

    def from_verdict(self, verdict: Verdict) -> Result:
        """The compact form of a verdict that evaluate() gave (the ordinary path)."""
        return result_from_verdict(verdict, self.catalog, self._rule_index, self.order)


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
        OpenRule(u.rule, rule_index.get(u.rule.id, -1), u.max_severity, u.max_weight, u.ask, u.severities)
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
