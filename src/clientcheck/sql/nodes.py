"""sqlglot nodes for the generated SQL: quoted names, literals, three-valued logic helpers.

Everything the SQL backend writes is built from these (never from pieces of SQL text), so every
identifier and literal is quoted by sqlglot."""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

from sqlglot import exp


def alias(e: exp.Expression, name: str | exp.Identifier) -> exp.Expression:
    return cast(exp.Expression, exp.alias_(e, name, copy=False))


def ident(name: str) -> exp.Identifier:
    return exp.to_identifier(name, quoted=True)


def col(name: str) -> exp.Column:
    return exp.Column(this=ident(name))


def lit(value: object) -> exp.Expression:
    """A literal of a condition: booleans, whole numbers, exact doubles, text."""
    if isinstance(value, bool):
        return exp.Boolean(this=value)
    if isinstance(value, int):
        return exp.Literal.number(value)
    if isinstance(value, float):
        # a decimal literal would make SQL compute in DECIMAL where the rules compute in floats
        return exp.cast(exp.Literal.number(repr(value)), "DOUBLE")
    return exp.Literal.string(str(value))


_ATOMS = (exp.Column, exp.Literal, exp.Boolean, exp.Null, exp.Paren, exp.Cast, exp.Coalesce, exp.Case, exp.Nullif)


def paren(e: exp.Expression) -> exp.Expression:
    if isinstance(e, _ATOMS):
        return e
    return exp.Paren(this=e)


def and_(*items: exp.Expression) -> exp.Expression:
    parts = [i for i in items if not (isinstance(i, exp.Boolean) and i.this is True)]
    if not parts:
        return exp.true()
    out = parts[0] if isinstance(parts[0], exp.And) else paren(parts[0])
    for p in parts[1:]:
        out = exp.And(this=out, expression=paren(p))
    return out


def or_(*items: exp.Expression) -> exp.Expression:
    parts = [i for i in items if not (isinstance(i, exp.Boolean) and i.this is False)]
    if not parts:
        return exp.false()
    out = parts[0] if isinstance(parts[0], exp.Or) else paren(parts[0])
    for p in parts[1:]:
        out = exp.Or(this=out, expression=paren(p))
    return out


def not_(e: exp.Expression) -> exp.Expression:
    return exp.Not(this=paren(e))


def is_true(e: exp.Expression) -> exp.Expression:
    return exp.Coalesce(this=e, expressions=[exp.false()])


def is_false(e: exp.Expression) -> exp.Expression:
    return not_(exp.Coalesce(this=e, expressions=[exp.true()]))


def is_null(e: exp.Expression) -> exp.Expression:
    return exp.Is(this=paren(e), expression=exp.Null())


def case(whens: Sequence[tuple[exp.Expression, exp.Expression]], default: exp.Expression | None = None) -> exp.Case:
    c = exp.Case()
    for cond, value in whens:
        c = c.when(cond, value, copy=False)
    if default is not None:
        c = c.else_(default, copy=False)
    return c


def add(items: Sequence[exp.Expression], zero: exp.Expression) -> exp.Expression:
    """a + b + c, left to right as Python sums (the order matters for floats)."""
    out: exp.Expression = zero
    for item in items:
        out = exp.Add(this=out, expression=paren(item))  # left-nested: prints without parentheses
    return out
