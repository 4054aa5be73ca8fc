"""The rule condition language: a package of small modules, one job each.

- syntax.py: tokens, the tree (immutable nodes), the parser and its limits;
- checker.py: the type checker (names, choice ids and types against the questions);
- evaluation.py: the checked tree compiled into three-valued closures, and `Condition`;
- walk.py: the one tree walker (children, walk, names_read) every consumer of a tree uses;
- knowing.py: which answers a condition must have read to come out true or false.

    or_expr   := and_expr ("or" and_expr)*
    and_expr  := not_expr ("and" not_expr)*
    not_expr  := "not" not_expr | comparison
    comparison:= sum [("==" | "!=" | "<" | "<=" | ">" | ">=" | "in" | "not" "in") sum]
    sum       := product (("+" | "-") product)*
    product   := unary (("*" | "/") unary)*
    unary     := "-" unary | atom
    atom      := NUMBER | STRING | "true" | "false" | NAME | call | "(" or_expr ")" | "[" items "]"
    call      := FUNCTION "(" [or_expr ("," or_expr)*] ")" | "today"

FUNCTION is a name from the registry in functions.py (known, count, days_since, days_until,
fired, today); nothing else can be called.

What other modules import is re-exported here, so `from clientcheck.conditions import X` keeps working.
"""

from __future__ import annotations

from clientcheck.conditions.checker import TypeChecker
from clientcheck.conditions.evaluation import Condition, compile_condition, compile_node
from clientcheck.conditions.knowing import must_know
from clientcheck.conditions.syntax import (
    MAX_DEPTH,
    MAX_DIGITS,
    MAX_LENGTH,
    Arith,
    BoolOp,
    Call,
    Compare,
    ConditionError,
    Env,
    Fn,
    Kind,
    ListLit,
    Lit,
    Name,
    Neg,
    Node,
    Not,
    Token,
    VarType,
    parse,
    suggest,
    tokenize,
)
from clientcheck.conditions.walk import children, has_spans, names_read, walk

__all__ = [
    "MAX_DEPTH",
    "MAX_DIGITS",
    "MAX_LENGTH",
    "Arith",
    "BoolOp",
    "Call",
    "Compare",
    "Condition",
    "ConditionError",
    "Env",
    "Fn",
    "Kind",
    "ListLit",
    "Lit",
    "Name",
    "Neg",
    "Node",
    "Not",
    "Token",
    "TypeChecker",
    "VarType",
    "children",
    "compile_condition",
    "compile_node",
    "has_spans",
    "must_know",
    "names_read",
    "parse",
    "suggest",
    "tokenize",
    "walk",
]
