"""Evaluation: a checked tree compiled into closures with three-valued logic.

``None`` is "unknown": a condition that needs an unknown answer is undecided, not false.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Collection, Mapping
from typing import Any, NamedTuple

from clientcheck.conditions.checker import TypeChecker, with_multi_counts
from clientcheck.conditions.syntax import (
    Arith,
    BoolOp,
    Call,
    Compare,
    Env,
    Fn,
    ListLit,
    Lit,
    Name,
    Neg,
    Node,
    Not,
    VarType,
    parse,
)
from clientcheck.conditions.walk import has_spans
from clientcheck.functions import Span, arith, compare, negate


def _kleene(fns: tuple[Fn, ...], stop: bool) -> Fn:
    """`and` (stop=False) or `or` (stop=True): one operand equal to stop decides; else unknown
    if any operand is, else the other value."""

    def run(env: Env) -> Any:
        unknown = False
        for fn in fns:
            v = fn(env)
            if v is stop:
                return stop
            if v is None:
                unknown = True
        return None if unknown else not stop

    return run


COMPARISONS: dict[str, Callable[[Any, Any], bool]] = {  # functions.compare knows them by name
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


def _divide(a: Any, b: Any) -> Any:
    return None if b == 0 else a / b


_ARITH: dict[str, Callable[[Any, Any], Any]] = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": _divide,
}


def compile_node(node: Node) -> Fn:
    if isinstance(node, Call):
        from clientcheck.functions import FUNCTIONS

        return FUNCTIONS[node.name].build(node, compile_node)
    if isinstance(node, Lit):
        value = node.value
        return lambda env: value
    if isinstance(node, Name):
        name = node.name
        return lambda env: env.get(name)
    if isinstance(node, ListLit):
        items = frozenset(i.value for i in node.items)
        return lambda env: items
    if isinstance(node, Not):
        inner = compile_node(node.operand)

        def not_(env: Env) -> Any:
            v = inner(env)
            return None if v is None else not v

        return not_
    if isinstance(node, Neg):
        inner = compile_node(node.operand)

        def neg(env: Env) -> Any:
            v = inner(env)
            if v.__class__ is Span:
                return negate(v)
            return None if v is None else -v

        return neg
    if isinstance(node, BoolOp):
        fns = tuple(compile_node(o) for o in node.operands)
        return _kleene(fns, node.op == "or")
    if isinstance(node, (Compare, Arith)):
        left, right = compile_node(node.left), compile_node(node.right)
        is_arith = isinstance(node, Arith)
        if isinstance(node, Arith):
            op = _ARITH[node.op]
        elif node.op == "in":
            op = operator.contains
            left, right = right, left  # contains(container, item)
        elif node.op == "notin":

            def op(container: Any, item: Any) -> bool:
                return item not in container

            left, right = right, left
        else:
            op = COMPARISONS[node.op]

        spans = has_spans(node)
        symbol = node.op

        def binary(env: Env) -> Any:
            a = left(env)
            if a is None:
                return None
            b = right(env)
            if b is None:
                return None
            if spans and (a.__class__ is Span or b.__class__ is Span):
                return arith(symbol, a, b) if is_arith else compare(op, a, b)
            if is_arith:
                try:
                    return op(a, b)
                except OverflowError:  # beyond what a float holds: unknown, never a crash
                    return None
            return op(a, b)

        return binary
    raise AssertionError(node)  # pragma: no cover


class Condition(NamedTuple):
    """A parsed, checked and compiled condition."""

    source: str
    tree: Node
    names: tuple[str, ...]  # question ids it reads, in order of first use
    run: Fn
    refs: tuple[str, ...] = ()  # rule ids it reads through fired()

    def __call__(self, env: Env) -> bool | None:
        result: bool | None = self.run(env)
        return result

    def __reduce__(self) -> tuple[Any, ...]:
        # the closures cannot be pickled; the checked tree can, and compiles again quickly
        # (so a loaded catalog can be cached on disk and read back without parsing YAML)
        return (_recompiled, (self.source, self.tree, self.names, self.refs))


def _recompiled(source: str, tree: Node, names: tuple[str, ...], refs: tuple[str, ...] = ()) -> Condition:
    return Condition(source, tree, names, compile_node(tree), refs)


def compile_condition(source: str, types: Mapping[str, VarType], rules: Collection[str] | None = None) -> Condition:
    """Parse, type-check and compile; raises ConditionError with a 0-based offset.

    rules: the rule ids a fired() may name (None: fired() is not allowed here, e.g. in `when`).
    """
    tree = parse(source)
    checker = TypeChecker(types, rules if rules is not None else ())
    checker.want_bool(tree, "a condition")
    if checker.multi_counts:
        tree = with_multi_counts(tree, checker.multi_counts)
    refs = tuple(dict.fromkeys(checker.refs))
    return Condition(source, tree, tuple(checker.names), compile_node(tree), refs)
