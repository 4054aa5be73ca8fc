"""The condition language's syntax: tokens, the tree, the parser.

A condition is parsed once, when its file is loaded, by a small recursive-descent parser that
only knows the grammar in the package's docstring; rule text is never handed to eval/exec.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Literal, NamedTuple

from clientcheck.i18n import say  # the language of the run: files carry none of their own

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


_COMPARISONS = ("==", "!=", "<", "<=", ">", ">=")
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
                raise ConditionError(say("cond.unterminated"), pos)
            raise ConditionError(say("cond.char", ch=ch), pos)
        kind = m.lastgroup or ""
        text = m.group()
        if kind == "op" and text == "=" and source[m.end() : m.end() + 1] in ("<", ">"):
            # `=>` and `=<` mean >= and <=, not ==
            written = text + source[m.end()]
            raise ConditionError(say("cond.op.reversed", written=written, op=written[::-1]), pos)
        if kind == "op" and text in _FORBIDDEN_OPS:
            raise ConditionError(say(_FORBIDDEN_OPS[text]), pos)
        if kind == "name" and text in _KEYWORDS:
            kind = "keyword"
        elif kind == "name" and text in ("True", "False", "None", "null", "AND", "OR", "NOT"):
            hint = {"True": "true", "False": "false", "AND": "and", "OR": "or", "NOT": "not"}.get(text)
            msg = say("cond.keyword.write", hint=hint) if hint else say("cond.keyword.null")
            raise ConditionError(say("cond.keyword", text=text, hint=msg), pos)
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
        self.source = source
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
            raise ConditionError(say("cond.expected_close", found=self._describe(self.tok)), self.tok.pos)
        return self.take()

    @staticmethod
    def _describe(t: Token) -> str:
        return say("cond.found_end") if t.kind == "end" else repr(t.text)

    def deeper(self, pos: int) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ConditionError(say("cond.depth", max=MAX_DEPTH), pos)

    def parse(self) -> Node:
        if self.tok.kind == "end":
            raise ConditionError(say("cond.empty"), 0)
        node = self.or_expr()
        if self.tok.kind != "end":
            t = self.tok
            raise ConditionError(say("cond.trailing", found=self._describe(t)), t.pos)
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
        begin = self.tok.pos
        left = self.sum()
        t = self.tok
        if t.kind == "op" and t.text in _COMPARISONS:
            start = self.take().pos
            right = self.sum()
            nxt = self.tok
            if nxt.kind == "op" and nxt.text in _COMPARISONS:
                # `1 < x < 5`: said the way to write it, with the user's own operands
                first = self.source[begin : nxt.pos].strip()
                middle = self.source[start + len(t.text) : nxt.pos].strip()
                self.take()
                self.sum()
                rest = self.source[nxt.pos : self.tok.pos].strip()
                raise ConditionError(say("cond.chain", first=first, second=f"{middle} {rest}"), nxt.pos)
            return Compare(t.pos, t.text, left, right)
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
                raise ConditionError(say("cond.too_large", max=MAX_DIGITS), t.pos)
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
            raise ConditionError(say("cond.expected_value", found=self._describe(t)), t.pos)
        nxt = self.tok
        if nxt.kind == "op" and nxt.text == "." and isinstance(node, Name):
            raise ConditionError(say("cond.attribute"), nxt.pos)
        if nxt.kind == "op" and nxt.text == "(" and isinstance(node, Name):
            known = ", ".join(sorted(_functions()))
            hint = suggest(node.name, list(_functions()))
            raise ConditionError(say("cond.unknown_function", name=node.name, known=known, hint=hint), node.pos)
        if nxt.kind == "op" and nxt.text == "[" and not isinstance(node, ListLit):
            raise ConditionError(say("cond.indexing"), nxt.pos)
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
                raise ConditionError(say("cond.expected_comma_paren", found=self._describe(self.tok)), self.tok.pos)
        self.take()
        self.depth -= 1
        return Call(name.pos, name.text, tuple(args))

    def list_items(self, open_tok: Token) -> ListLit:
        items: list[Lit] = []
        while not self.at("op", "]"):
            t = self.tok
            value = self.atom()
            if not isinstance(value, Lit):
                raise ConditionError(say("cond.list_literals"), t.pos)
            items.append(value)
            if self.at("op", ","):
                self.take()
            elif not self.at("op", "]"):
                raise ConditionError(say("cond.expected_comma_bracket", found=self._describe(self.tok)), self.tok.pos)
        self.take()
        if not items:
            raise ConditionError(say("cond.empty_list"), open_tok.pos)
        return ListLit(open_tok.pos, tuple(items))


def _functions() -> dict[str, Any]:
    from clientcheck.functions import FUNCTIONS

    return FUNCTIONS


def _bare() -> frozenset[str]:
    from clientcheck.functions import BARE

    return BARE


def parse(source: str) -> Node:
    if len(source) > MAX_LENGTH:
        raise ConditionError(say("cond.too_long", max=MAX_LENGTH), MAX_LENGTH)
    return _Parser(source).parse()


def closest(name: str, candidates: Iterable[str]) -> str | None:
    """The candidate name was most likely meant to be, if any is close enough."""
    import difflib  # only when there is a mistake to explain

    ordered = sorted(candidates)
    # `Client` for `client`, as CRMs capitalise a header: case alone is a typo difflib scores low
    close = [c for c in ordered if c.casefold() == name.casefold()][:1]
    close = close or difflib.get_close_matches(name, ordered, n=1, cutoff=0.6)
    return close[0] if close else None


def suggest(name: str, candidates: Iterable[str], lang: str | None = None) -> str:
    """A did-you-mean suffix, or an empty string; in lang, else in the language of the run."""
    close = closest(name, candidates)
    if close is None:
        return ""
    from clientcheck.i18n import say, t

    return say("suggest", name=close) if lang is None else t(lang, "suggest", name=close)
