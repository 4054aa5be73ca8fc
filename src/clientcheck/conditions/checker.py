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


def _lit_kind(value: Any) -> Kind:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    return "text"


_KIND_WORD = {
    "bool": "a yes/no value",
    "number": "a number",
    "text": "text",
    "choice": "a single choice",
    "multi": "a multiple choice",
    "list": "a list",
    "date": "a date",
}


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
                raise ConditionError(f"unknown question {node.name!r}{suggest(node.name, list(self.types))}", node.pos)
            if node.name not in self.names:
                self.names.append(node.name)
            return vt
        if isinstance(node, ListLit):
            kinds = {_lit_kind(i.value) for i in node.items}
            if len(kinds) > 1 or kinds == {"bool"}:
                raise ConditionError("a list holds strings or numbers, all of one kind", node.pos)
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
        if isinstance(node, Name):
            return f"{node.name!r} is {_KIND_WORD[vt.kind]}"
        if isinstance(node, Lit):
            return f"{node.value!r} is {_KIND_WORD[vt.kind]}".replace("True", "true").replace("False", "false")
        return f"this is {_KIND_WORD[vt.kind]}"

    def want_bool(self, node: Node, where: str) -> None:
        vt = self.kind(node)
        if vt.kind != "bool":
            extra = ""
            if not isinstance(node, Name):
                pass
            elif vt.kind == "number":
                extra = " (compare it, e.g. '> 0')"
            elif vt.kind == "choice":
                extra = f" (compare it, e.g. == {vt.choices[0]!r})" if vt.choices else ""
            raise ConditionError(f"{where} needs a yes/no value, but {self.describe(node, vt)}{extra}", node.pos)

    def want_number(self, node: Node, where: str) -> None:
        vt = self.kind(node)
        if vt.kind != "number":
            raise ConditionError(f"{where} needs numbers, but {self.describe(node, vt)}", node.pos)

    def check_choice(self, lit: Lit, choice_node: Node, vt: VarType) -> None:
        if not isinstance(lit.value, str) or isinstance(lit.value, bool):
            raise ConditionError(f"{self.describe(choice_node, vt)}; compare it with a quoted choice id", lit.pos)
        if lit.value not in vt.choices:
            owner = f"{choice_node.name!r}" if isinstance(choice_node, Name) else "this question"
            allowed = ", ".join(vt.choices)
            raise ConditionError(
                f"{lit.value!r} is not a choice of {owner} (choices: {allowed}){suggest(lit.value, vt.choices)}",
                lit.pos,
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
                raise ConditionError(
                    f"the left side of '{word}' a multiple choice must be a quoted choice id", left.pos
                )
            if rt.kind == "list":
                assert isinstance(right, ListLit)
                if lt.kind == "choice":
                    for item in right.items:
                        self.check_choice(item, left, lt)
                    return
                if lt.kind in ("number", "text") and lt.kind == rt.choices[0]:
                    return
                raise ConditionError(
                    f"'{word}' [...] needs a choice, text or number of the list's kind on the left, but "
                    f"{self.describe(left, lt)}",
                    left.pos,
                )
            raise ConditionError(
                f"'{word}' needs a multiple-choice question or a [list] on the right, but {self.describe(right, rt)}",
                right.pos,
            )
        if op in ("<", "<=", ">", ">=") and lt.kind == "date" and rt.kind == "date":
            return
        if op in ("<", "<=", ">", ">="):
            for side, vt in ((left, lt), (right, rt)):
                if vt.kind != "number":
                    raise ConditionError(f"'{op}' compares numbers, but {self.describe(side, vt)}", side.pos)
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
            raise ConditionError(
                f"{self.describe(side, vt)}; test it with '\"choice_id\" in {getattr(side, 'name', '...')}'", side.pos
            )
        if lt.kind == "choice" and rt.kind == "choice":
            if lt.choices != rt.choices:
                raise ConditionError("these two questions have different choices and can never be equal", node.pos)
            return
        if lt.kind != rt.kind or lt.kind == "list":
            raise ConditionError(
                f"cannot compare with '{op}': {self.describe(left, lt)} and {self.describe(right, rt)}", node.pos
            )


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
