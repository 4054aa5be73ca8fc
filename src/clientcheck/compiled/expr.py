"""Condition trees written as Python expressions over the compiled function's local variables.

The three-valued logic is kept exactly, but cheaply: each level is tested with two plain Python
tests, "is it true?" and, only when it is not, "is it false?" (_Expr.truth). Question ids and
literals reach the source only as repr() of str/int/bool/finite float, or as named constants;
local names are generated (v0, v1, ...), never taken from the files.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from clientcheck import functions
from clientcheck.compiled.result import Unsupported
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
    children,
    compile_node,
    has_spans,
    names_read,
    walk,
)
from clientcheck.conditions.evaluation import COMPARISONS
from clientcheck.model import Level

INLINE_LIMIT = 40  # condition nodes written inline; a larger expression calls the condition's own closure


class _Source:
    """Python source being written, with its constants."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.consts: dict[str, Any] = {}
        self.temps = 0
        self.bail = "return None"  # how the function gives a client up to the ordinary path

    def emit(self, depth: int, line: str) -> None:
        if self.bail != "return None" and (line == "return None" or line.endswith(": return None")):
            line = line[: -len("return None")] + self.bail
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
        names = names_read(node)
        for n in walk(node):
            if isinstance(n, Call) and n.name == "known" and isinstance(n.args[0], Name):
                self.uses_known.add(n.args[0].name)
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
    return not any(isinstance(n, Call) or (isinstance(n, Arith) and n.op == "/") for n in walk(level.when.tree))


def valued_names(trees: Iterable[Node]) -> set[str]:
    """The names some tree reads as a value: compared, counted, passed to a function, or in a tree
    too large to write inline. The others are only tested as yes/no (truth writes `v is True`,
    `v is False`), where a left-out answer (UNSET) reads as None does: neither."""
    out: set[str] = set()
    for tree in trees:
        if _size(tree) > INLINE_LIMIT:
            out.update(names_read(tree))
            continue
        stack = [tree]
        while stack:
            node = stack.pop()
            if isinstance(node, (Not, BoolOp)):
                stack.extend(children(node))
            elif not isinstance(node, Name):
                out.update(names_read(node))
    return out


def _calls_known(tree: Node) -> bool:
    return any(isinstance(n, Call) and n.name == "known" for n in walk(tree))


def _env(names: tuple[str, ...], values: tuple[Any, ...], today: Any) -> dict[str, Any]:
    """The environment a condition's closure reads, from the compiled function's locals."""
    env = {n: v for n, v in zip(names, values, strict=True) if v is not None}
    env[functions.TODAY] = today
    return env


def _plain_sides(node: Compare) -> bool:
    """Both sides a question, a literal or a list: the comparison can be written as a plain test."""
    return all(isinstance(side, (Name, Lit, ListLit)) for side in (node.left, node.right))


def _size(node: Node) -> int:
    return sum(1 for _ in walk(node))


def _in(a: Any, b: Any) -> bool:
    return a in b


def _notin(a: Any, b: Any) -> bool:
    return a not in b


# functions.compare tells the comparisons apart by these functions' names
_COMPARE: dict[str, Callable[[Any, Any], Any]] = {**COMPARISONS, "in": _in, "notin": _notin}


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
