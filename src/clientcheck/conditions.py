"""The rule condition language.

A condition is parsed once, when its file is loaded, by a small recursive-descent parser
that only knows the grammar below; rule text is never handed to eval/exec. Names, choice
ids and types are checked against the questions at the same time, on every branch (a typo
behind ``and`` is found even when evaluation would short-circuit past it). The checked
tree is then compiled into closures that evaluate with three-valued logic: ``None`` is
"unknown", and a condition that needs an unknown answer is undecided, not false.

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
"""

from __future__ import annotations

import functools
import operator
import re
from collections.abc import Callable, Collection, Mapping
from typing import Any, Literal, NamedTuple

from clientcheck.functions import Span, arith, compare, negate

MAX_LENGTH = 500
MAX_DEPTH = 16
MAX_DIGITS = 15  # as answers: a number past this is a typo, and arithmetic on it can overflow a float

Kind = Literal["bool", "number", "text", "choice", "multi", "list", "date"]
Env = Mapping[str, Any]
Fn = Callable[[Env], Any]


class ConditionError(Exception):
    """A condition that cannot be parsed or does not type-check; ``offset`` is 0-based."""

    def __init__(self, message: str, offset: int, unknown: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset
        self.unknown = unknown  # the question id, when the problem is an unknown question


def _say(key: str, /, **fields: object) -> str:
    """A message in the language of the run (i18n only when there is a mistake to explain)."""
    from clientcheck.i18n import say

    return say(key, **fields)


class VarType(NamedTuple):
    """What a question's answer looks like to a condition."""

    kind: Kind
    choices: tuple[str, ...] = ()


# ---------------------------------------------------------------- tokens

_TOKEN_PATTERN = r"""
    (?P<ws>\s+)
  | (?P<number>\d+(?:\.\d+)?)
  | (?P<string>"[^"\\\n]*"|'[^'\\\n]*')
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<op>\*\*|==|!=|<=|>=|<|>|\+|-|\*|/|\(|\)|\[|\]|,|\.|=|%|&&|\|\||!)
    """


@functools.cache
def _token_re() -> re.Pattern[str]:
    # compiled on first use: a run that reads its catalog from the cache parses no condition
    return re.compile(_TOKEN_PATTERN, re.VERBOSE)


_KEYWORDS = {"and", "or", "not", "in", "true", "false"}
_FORBIDDEN_OPS = {  # the message key of each
    "**": "cond.op.pow",
    "=": "cond.op.assign",
    "%": "cond.op.mod",
    "&&": "cond.op.and",
    "||": "cond.op.or",
    "!": "cond.op.not",
}


class Token(NamedTuple):
    kind: str  # number | string | name | keyword | op | end
    text: str
    pos: int


def tokenize(source: str) -> list[Token]:
    tokens: list[Token] = []
    pos = 0
    while pos < len(source):
        m = _token_re().match(source, pos)
        if m is None:
            ch = source[pos]
            if ch in "\"'":
                raise ConditionError(_say("cond.unterminated"), pos)
            raise ConditionError(_say("cond.char", ch=ch), pos)
        kind = m.lastgroup or ""
        text = m.group()
        if kind == "op" and text in _FORBIDDEN_OPS:
            raise ConditionError(_say(_FORBIDDEN_OPS[text]), pos)
        if kind == "name" and text in _KEYWORDS:
            kind = "keyword"
        elif kind == "name" and text in ("True", "False", "None", "null", "AND", "OR", "NOT"):
            hint = {"True": "true", "False": "false", "AND": "and", "OR": "or", "NOT": "not"}.get(text)
            msg = _say("cond.keyword.write", hint=hint) if hint else _say("cond.keyword.null")
            raise ConditionError(_say("cond.keyword", text=text, hint=msg), pos)
        if kind != "ws":
            tokens.append(Token(kind, text, pos))
        pos = m.end()
    tokens.append(Token("end", "", len(source)))
    return tokens


# ---------------------------------------------------------------- syntax tree


# Syntax tree nodes are NamedTuples: immutable like frozen dataclasses, and about five times
# cheaper to define, which every run of the command line pays at import.


class Lit(NamedTuple):
    pos: int
    value: Any  # bool | int | float | str


class Name(NamedTuple):
    pos: int
    name: str


class ListLit(NamedTuple):
    pos: int
    items: tuple[Lit, ...]


class Not(NamedTuple):
    pos: int
    operand: Node


class Neg(NamedTuple):
    pos: int
    operand: Node


class BoolOp(NamedTuple):
    pos: int
    op: Literal["and", "or"]
    operands: tuple[Node, ...]


class Compare(NamedTuple):
    pos: int
    op: str  # == != < <= > >= in notin
    left: Node
    right: Node


class Arith(NamedTuple):
    pos: int
    op: str  # + - * /
    left: Node
    right: Node


class Call(NamedTuple):
    pos: int
    name: str  # a function of the registry (functions.FUNCTIONS)
    args: tuple[Node, ...]
    multi: int = 0  # count() of a multiple-choice question: its number of choices (set by the checker)


Node = Lit | Name | ListLit | Not | Neg | BoolOp | Compare | Arith | Call


class _Parser:
    def __init__(self, source: str) -> None:
        self.tokens = tokenize(source)
        self.i = 0
        self.depth = 0

    @property
    def tok(self) -> Token:
        return self.tokens[self.i]

    def take(self) -> Token:
        t = self.tokens[self.i]
        self.i += 1
        return t

    def at(self, kind: str, text: str | None = None) -> bool:
        t = self.tok
        return t.kind == kind and (text is None or t.text == text)

    def expect_close(self) -> Token:
        if not self.at("op", ")"):
            raise ConditionError(_say("cond.expected_close", found=self._describe(self.tok)), self.tok.pos)
        return self.take()

    @staticmethod
    def _describe(t: Token) -> str:
        return _say("cond.found_end") if t.kind == "end" else repr(t.text)

    def deeper(self, pos: int) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ConditionError(_say("cond.depth", max=MAX_DEPTH), pos)

    def parse(self) -> Node:
        if self.tok.kind == "end":
            raise ConditionError(_say("cond.empty"), 0)
        node = self.or_expr()
        if self.tok.kind != "end":
            t = self.tok
            raise ConditionError(_say("cond.trailing", found=self._describe(t)), t.pos)
        return node

    def or_expr(self) -> Node:
        first = self.and_expr()
        items = [first]
        while self.at("keyword", "or"):
            self.take()
            items.append(self.and_expr())
        return first if len(items) == 1 else BoolOp(first.pos, "or", tuple(items))

    def and_expr(self) -> Node:
        first = self.not_expr()
        items = [first]
        while self.at("keyword", "and"):
            self.take()
            items.append(self.not_expr())
        return first if len(items) == 1 else BoolOp(first.pos, "and", tuple(items))

    def not_expr(self) -> Node:
        if self.at("keyword", "not"):
            t = self.take()
            self.deeper(t.pos)
            node = Not(t.pos, self.not_expr())
            self.depth -= 1
            return node
        return self.comparison()

    def comparison(self) -> Node:
        left = self.sum()
        t = self.tok
        if t.kind == "op" and t.text in ("==", "!=", "<", "<=", ">", ">="):
            self.take()
            return Compare(t.pos, t.text, left, self.sum())
        if t.kind == "keyword" and t.text == "in":
            self.take()
            return Compare(t.pos, "in", left, self.sum())
        if t.kind == "keyword" and t.text == "not" and self.tokens[self.i + 1].text == "in":
            self.take()
            self.take()
            return Compare(t.pos, "notin", left, self.sum())
        return left

    def sum(self) -> Node:
        node = self.product()
        while self.tok.kind == "op" and self.tok.text in ("+", "-"):
            t = self.take()
            node = Arith(t.pos, t.text, node, self.product())
        return node

    def product(self) -> Node:
        node = self.unary()
        while self.tok.kind == "op" and self.tok.text in ("*", "/"):
            t = self.take()
            node = Arith(t.pos, t.text, node, self.unary())
        return node

    def unary(self) -> Node:
        if self.at("op", "-"):
            t = self.take()
            self.deeper(t.pos)
            node = Neg(t.pos, self.unary())
            self.depth -= 1
            return node
        return self.atom()

    def atom(self) -> Node:
        t = self.take()
        node: Node
        if t.kind == "number":
            if len(t.text.split(".")[0]) > MAX_DIGITS:
                raise ConditionError(_say("cond.too_large", max=MAX_DIGITS), t.pos)
            node = Lit(t.pos, float(t.text) if "." in t.text else int(t.text))
        elif t.kind == "string":
            node = Lit(t.pos, t.text[1:-1])
        elif t.kind == "keyword" and t.text in ("true", "false"):
            node = Lit(t.pos, t.text == "true")
        elif t.kind == "name" and self.at("op", "(") and t.text in _functions():
            node = self.call(t)
        elif t.kind == "name" and t.text in _bare():
            node = Call(t.pos, t.text, ())
        elif t.kind == "name":
            node = Name(t.pos, t.text)
        elif t.kind == "op" and t.text == "(":
            self.deeper(t.pos)
            node = self.or_expr()
            self.expect_close()
            self.depth -= 1
        elif t.kind == "op" and t.text == "[":
            node = self.list_items(t)
        else:
            raise ConditionError(_say("cond.expected_value", found=self._describe(t)), t.pos)
        nxt = self.tok
        if nxt.kind == "op" and nxt.text == "." and isinstance(node, Name):
            raise ConditionError(_say("cond.attribute"), nxt.pos)
        if nxt.kind == "op" and nxt.text == "(" and isinstance(node, Name):
            known = ", ".join(sorted(_functions()))
            hint = suggest(node.name, list(_functions()))
            raise ConditionError(_say("cond.unknown_function", name=node.name, known=known, hint=hint), node.pos)
        if nxt.kind == "op" and nxt.text == "[" and not isinstance(node, ListLit):
            raise ConditionError(_say("cond.indexing"), nxt.pos)
        return node

    def call(self, name: Token) -> Call:
        self.take()  # (
        self.deeper(name.pos)
        args: list[Node] = []
        while not self.at("op", ")"):
            args.append(self.or_expr())
            if self.at("op", ","):
                self.take()
            elif not self.at("op", ")"):
                raise ConditionError(_say("cond.expected_comma_paren", found=self._describe(self.tok)), self.tok.pos)
        self.take()
        self.depth -= 1
        return Call(name.pos, name.text, tuple(args))

    def list_items(self, open_tok: Token) -> ListLit:
        items: list[Lit] = []
        while not self.at("op", "]"):
            t = self.tok
            value = self.atom()
            if not isinstance(value, Lit):
                raise ConditionError(_say("cond.list_literals"), t.pos)
            items.append(value)
            if self.at("op", ","):
                self.take()
            elif not self.at("op", "]"):
                raise ConditionError(_say("cond.expected_comma_bracket", found=self._describe(self.tok)), self.tok.pos)
        self.take()
        if not items:
            raise ConditionError(_say("cond.empty_list"), open_tok.pos)
        return ListLit(open_tok.pos, tuple(items))


def _functions() -> dict[str, Any]:
    from clientcheck.functions import FUNCTIONS

    return FUNCTIONS


def _bare() -> frozenset[str]:
    from clientcheck.functions import BARE

    return BARE


def parse(source: str) -> Node:
    if len(source) > MAX_LENGTH:
        raise ConditionError(_say("cond.too_long", max=MAX_LENGTH), MAX_LENGTH)
    return _Parser(source).parse()


# ---------------------------------------------------------------- type check


def suggest(name: str, candidates: list[str] | tuple[str, ...] | set[str], lang: str | None = None) -> str:
    """A did-you-mean suffix, or an empty string; in lang, else in the language of the run."""
    import difflib  # only when there is a mistake to explain

    close = difflib.get_close_matches(name, sorted(candidates), n=1, cutoff=0.6)
    if not close:
        return ""
    from clientcheck.i18n import say, t

    return say("suggest", name=close[0]) if lang is None else t(lang, "suggest", name=close[0])


def _lit_kind(value: Any) -> Kind:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    return "text"


class _TypeChecker:
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
                raise ConditionError(_say("cond.unknown_question", name=node.name, hint=hint), node.pos, node.name)
            if node.name not in self.names:
                self.names.append(node.name)
            return vt
        if isinstance(node, ListLit):
            kinds = {_lit_kind(i.value) for i in node.items}
            if len(kinds) > 1 or kinds == {"bool"}:
                raise ConditionError(_say("cond.list_kinds"), node.pos)
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
        kind = _say(f"cond.kind.{vt.kind}")
        if isinstance(node, Name):
            return _say("cond.is.name", name=node.name, kind=kind)
        if isinstance(node, Lit):
            shown = repr(node.value).replace("True", "true").replace("False", "false")
            return _say("cond.is.lit", value=shown, kind=kind)
        return _say("cond.is.this", kind=kind)

    def want_bool(self, node: Node, where: str) -> None:
        vt = self.kind(node)
        if vt.kind != "bool":
            extra = ""
            if not isinstance(node, Name):
                pass
            elif vt.kind == "number":
                extra = _say("cond.want_bool.number")
            elif vt.kind == "choice":
                extra = _say("cond.want_bool.choice", choice=vt.choices[0]) if vt.choices else ""
            desc = self.describe(node, vt)
            raise ConditionError(_say("cond.want_bool", where=where, desc=desc, extra=extra), node.pos)

    def want_number(self, node: Node, where: str) -> None:
        vt = self.kind(node)
        if vt.kind != "number":
            raise ConditionError(_say("cond.want_number", where=where, desc=self.describe(node, vt)), node.pos)

    def check_choice(self, lit: Lit, choice_node: Node, vt: VarType) -> None:
        if not isinstance(lit.value, str) or isinstance(lit.value, bool):
            raise ConditionError(_say("cond.choice_quoted", desc=self.describe(choice_node, vt)), lit.pos)
        if lit.value not in vt.choices:
            if isinstance(choice_node, Name):
                owner = _say("cond.owner.name", name=choice_node.name)
            else:
                owner = _say("cond.owner.this")
            allowed, hint = ", ".join(vt.choices), suggest(lit.value, vt.choices)
            raise ConditionError(
                _say("cond.not_a_choice", value=lit.value, owner=owner, allowed=allowed, hint=hint), lit.pos
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
                raise ConditionError(_say("cond.in_left_multi", word=word), left.pos)
            if rt.kind == "list":
                assert isinstance(right, ListLit)
                if lt.kind == "choice":
                    for item in right.items:
                        self.check_choice(item, left, lt)
                    return
                if lt.kind in ("number", "text") and lt.kind == rt.choices[0]:
                    return
                raise ConditionError(_say("cond.in_list_left", word=word, desc=self.describe(left, lt)), left.pos)
            raise ConditionError(_say("cond.in_right", word=word, desc=self.describe(right, rt)), right.pos)
        if op in ("<", "<=", ">", ">=") and lt.kind == "date" and rt.kind == "date":
            return
        if op in ("<", "<=", ">", ">="):
            for side, vt in ((left, lt), (right, rt)):
                if vt.kind != "number":
                    raise ConditionError(_say("cond.order", op=op, desc=self.describe(side, vt)), side.pos)
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
            raise ConditionError(_say("cond.multi_eq", desc=desc, name=name), side.pos)
        if lt.kind == "choice" and rt.kind == "choice":
            if lt.choices != rt.choices:
                raise ConditionError(_say("cond.choices_differ"), node.pos)
            return
        if lt.kind != rt.kind or lt.kind == "list":
            described = {"left": self.describe(left, lt), "right": self.describe(right, rt)}
            raise ConditionError(_say("cond.cannot_compare", op=op, **described), node.pos)


# ---------------------------------------------------------------- evaluation


def _kleene_and(fns: tuple[Fn, ...]) -> Fn:
    def run(env: Env) -> Any:
        unknown = False
        for fn in fns:
            v = fn(env)
            if v is False:
                return False
            if v is None:
                unknown = True
        return None if unknown else True

    return run


def _kleene_or(fns: tuple[Fn, ...]) -> Fn:
    def run(env: Env) -> Any:
        unknown = False
        for fn in fns:
            v = fn(env)
            if v is True:
                return True
            if v is None:
                unknown = True
        return None if unknown else False

    return run


_CMP: dict[str, Callable[[Any, Any], bool]] = {
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
        return _kleene_and(fns) if node.op == "and" else _kleene_or(fns)
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
            op = _CMP[node.op]

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


def has_spans(node: Node) -> bool:
    """Can this node's value, or a side of it, be a Span (a count with unknowns)?"""
    if isinstance(node, Call):
        return node.name == "count"
    if isinstance(node, (Arith, Compare)):
        return has_spans(node.left) or has_spans(node.right)
    if isinstance(node, Neg):
        return has_spans(node.operand)
    return False


def _with_multi_counts(node: Node, counts: Mapping[int, int]) -> Node:
    """The tree with each count(multi_question) told its number of choices."""
    if isinstance(node, Call):
        args = tuple(_with_multi_counts(a, counts) for a in node.args)
        return Call(node.pos, node.name, args, counts.get(node.pos, 0) if node.name == "count" else 0)
    if isinstance(node, (Not, Neg)):
        return node._replace(operand=_with_multi_counts(node.operand, counts))
    if isinstance(node, BoolOp):
        return node._replace(operands=tuple(_with_multi_counts(o, counts) for o in node.operands))
    if isinstance(node, (Compare, Arith)):
        return node._replace(left=_with_multi_counts(node.left, counts), right=_with_multi_counts(node.right, counts))
    return node


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
    checker = _TypeChecker(types, rules if rules is not None else ())
    checker.want_bool(tree, "a condition")
    if checker.multi_counts:
        tree = _with_multi_counts(tree, checker.multi_counts)
    refs = tuple(dict.fromkeys(checker.refs))
    return Condition(source, tree, tuple(checker.names), compile_node(tree), refs)
