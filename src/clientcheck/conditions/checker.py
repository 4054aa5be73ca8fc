"""The type checker: names, choice ids and types checked against the questions.

Every branch is checked (a typo behind ``and`` is found even when evaluation would short-circuit
past it); the functions' own checks come from the registry in functions.py.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from clientcheck.conditions.syntax import (
    Arith,
    BoolOp,
    Call,
    Compare,
    ConditionError,
    Kind,
    ListLit,
    Lit,
    Name,
    Neg,
    Node,
    Not,
    VarType,
    suggest,
)
from clientcheck.i18n import say


def _lit_kind(value: Any) -> Kind:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    return "text"


class TypeChecker:
    """Checks one tree; collects the question ids and rule ids it reads on the way."""

    def __init__(self, types: Mapping[str, VarType], rules: Collection[str] | None = None) -> None:
        self.types = types
        self.rules = rules  # rule ids fired() may name; None: not checked here
        self.names: list[str] = []
        self.refs: list[str] = []  # rule ids named by fired()
        self.multi_counts: dict[int, int] = {}  # position of count(multi) -> its number of choices

    def kind(self, node: Node) -> VarType:
        if isinstance(node, Lit):
            return VarType(_lit_kind(node.value))
        if isinstance(node, Call):
            from clientcheck.functions import FUNCTIONS

            result: VarType = FUNCTIONS[node.name].check(self, node)
            if node.name == "count" and len(node.args) == 1 and isinstance(node.args[0], Name):
                arg = self.types.get(node.args[0].name)
                if arg is not None and arg.kind == "multi":
                    self.multi_counts[node.pos] = len(arg.choices)
            return result
        if isinstance(node, Name):
            vt = self.types.get(node.name)
            if vt is None:
                hint = suggest(node.name, list(self.types))
                raise ConditionError(say("cond.unknown_question", name=node.name, hint=hint), node.pos, node.name)
            if node.name not in self.names:
                self.names.append(node.name)
            return vt
        if isinstance(node, ListLit):
            kinds = {_lit_kind(i.value) for i in node.items}
            if len(kinds) > 1 or kinds == {"bool"}:
                raise ConditionError(say("cond.list_kinds"), node.pos)
            return VarType("list", (kinds.pop(),))
        if isinstance(node, Not):
            self.want_bool(node.operand, "'not'")
            return VarType("bool")
        if isinstance(node, BoolOp):
            for operand in node.operands:
                self.want_bool(operand, f"'{node.op}'")
            return VarType("bool")
        if isinstance(node, Neg):
            self.want_number(node.operand, "'-'")
            return VarType("number")
        if isinstance(node, Arith):
            self.want_number(node.left, f"'{node.op}'")
            self.want_number(node.right, f"'{node.op}'")
            return VarType("number")
        if isinstance(node, Compare):
            self.compare(node)
            return VarType("bool")
        raise AssertionError(node)  # pragma: no cover

    def describe(self, node: Node, vt: VarType) -> str:
        kind = say(f"cond.kind.{vt.kind}")
        if isinstance(node, Name):
            return say("cond.is.name", name=node.name, kind=kind)
        if isinstance(node, Lit):
            shown = repr(node.value).replace("True", "true").replace("False", "false")
            return say("cond.is.lit", value=shown, kind=kind)
        return say("cond.is.this", kind=kind)

    def want_bool(self, node: Node, where: str) -> None:
        vt = self.kind(node)
        if vt.kind != "bool":
            extra = ""
            if not isinstance(node, Name):
                pass
            elif vt.kind == "number":
                extra = say("cond.want_bool.number")
            elif vt.kind == "choice":
                extra = say("cond.want_bool.choice", choice=vt.choices[0]) if vt.choices else ""
            desc = self.describe(node, vt)
            raise ConditionError(say("cond.want_bool", where=where, desc=desc, extra=extra), node.pos)

    def want_number(self, node: Node, where: str) -> None:
        vt = self.kind(node)
        if vt.kind != "number":
            raise ConditionError(say("cond.want_number", where=where, desc=self.describe(node, vt)), node.pos)

    def check_choice(self, lit: Lit, choice_node: Node, vt: VarType) -> None:
        if not isinstance(lit.value, str) or isinstance(lit.value, bool):
            raise ConditionError(say("cond.choice_quoted", desc=self.describe(choice_node, vt)), lit.pos)
        if lit.value not in vt.choices:
            if isinstance(choice_node, Name):
                owner = say("cond.owner.name", name=choice_node.name)
            else:
                owner = say("cond.owner.this")
            allowed, hint = ", ".join(vt.choices), suggest(lit.value, vt.choices)
            raise ConditionError(
                say("cond.not_a_choice", value=lit.value, owner=owner, allowed=allowed, hint=hint), lit.pos
            )

    def compare(self, node: Compare) -> None:
        left, right = node.left, node.right
        lt, rt = self.kind(left), self.kind(right)
        op = node.op
        if op in ("in", "notin"):
            word = "in" if op == "in" else "not in"
            if rt.kind == "multi":
                if isinstance(left, Lit):
                    self.check_choice(left, right, rt)
                    return
                raise ConditionError(say("cond.in_left_multi", word=word), left.pos)
            if rt.kind == "list":
                assert isinstance(right, ListLit)
                if lt.kind == "choice":
                    for item in right.items:
                        self.check_choice(item, left, lt)
                    return
                if lt.kind in ("number", "text") and lt.kind == rt.choices[0]:
                    return
                raise ConditionError(say("cond.in_list_left", word=word, desc=self.describe(left, lt)), left.pos)
            raise ConditionError(say("cond.in_right", word=word, desc=self.describe(right, rt)), right.pos)
        if op in ("<", "<=", ">", ">=") and lt.kind == "date" and rt.kind == "date":
            return
        if op in ("<", "<=", ">", ">="):
            for side, vt in ((left, lt), (right, rt)):
                if vt.kind != "number":
                    raise ConditionError(say("cond.order", op=op, desc=self.describe(side, vt)), side.pos)
            return
        # == and !=
        if lt.kind == "choice" and isinstance(right, Lit):
            self.check_choice(right, left, lt)
            return
        if rt.kind == "choice" and isinstance(left, Lit):
            self.check_choice(left, right, rt)
            return
        if lt.kind == "multi" or rt.kind == "multi":
            side, vt = (left, lt) if lt.kind == "multi" else (right, rt)
            desc, name = self.describe(side, vt), getattr(side, "name", "...")
            raise ConditionError(say("cond.multi_eq", desc=desc, name=name), side.pos)
        if lt.kind == "choice" and rt.kind == "choice":
            if lt.choices != rt.choices:
                raise ConditionError(say("cond.choices_differ"), node.pos)
            return
        if lt.kind != rt.kind or lt.kind == "list":
            described = {"left": self.describe(left, lt), "right": self.describe(right, rt)}
            raise ConditionError(say("cond.cannot_compare", op=op, **described), node.pos)


def with_multi_counts(node: Node, counts: Mapping[int, int]) -> Node:
    """The tree with each count(multi_question) told its number of choices."""
    if isinstance(node, Call):
        args = tuple(with_multi_counts(a, counts) for a in node.args)
        return Call(node.pos, node.name, args, counts.get(node.pos, 0) if node.name == "count" else 0)
    if isinstance(node, (Not, Neg)):
        return node._replace(operand=with_multi_counts(node.operand, counts))
    if isinstance(node, BoolOp):
        return node._replace(operands=tuple(with_multi_counts(o, counts) for o in node.operands))
    if isinstance(node, (Compare, Arith)):
        return node._replace(left=with_multi_counts(node.left, counts), right=with_multi_counts(node.right, counts))
    return node
