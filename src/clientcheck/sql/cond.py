"""A checked condition tree as a three-valued SQL expression (conditions.compile_node in SQL).

SQL's NULL is the conditions' unknown, so AND/OR/NOT and comparisons translate node for node;
count() with unknowns becomes a (low, high) span as in functions.compare; arithmetic runs in
DOUBLE with the Python engine's overflow behaviour (see arithmetic())."""

from __future__ import annotations

from sqlglot import exp

from clientcheck.conditions import Arith, BoolOp, Call, Compare, ListLit, Lit, Name, Neg, Node, Not, has_spans
from clientcheck.sql.nodes import add, and_, case, is_null, lit, not_, or_, paren

_CMP: dict[str, type[exp.Expression]] = {
    "==": exp.EQ,
    "!=": exp.NEQ,
    "<": exp.LT,
    "<=": exp.LTE,
    ">": exp.GT,
    ">=": exp.GTE,
}
_ARITH: dict[str, type[exp.Expression]] = {"+": exp.Add, "-": exp.Sub, "*": exp.Mul}


class Context:
    """What a condition reads besides literals: answers, known(), fired(), today."""

    def value(self, name: str) -> exp.Expression:
        raise NotImplementedError

    def known(self, name: str) -> exp.Expression:
        raise NotImplementedError

    def fired(self, rule_id: str) -> exp.Expression:
        return exp.Null()  # in a `when`: fired() is refused there by the loader

    def number_kind(self, name: str) -> str:
        return "float"

    today: exp.Expression = exp.CurrentDate()


def span(node: Node, ctx: Context) -> tuple[exp.Expression, exp.Expression]:
    """A number that count() may make a span: its (low, high) bounds, both NULL when unknown."""
    if isinstance(node, Call) and node.name == "count":
        if node.multi:
            v = condition(node.args[0], ctx)
            # PostgreSQL gives an empty array no length (NULL), not 0: the answer is known here
            size = exp.Coalesce(this=exp.ArraySize(this=v), expressions=[lit(0)])
            return (
                case([(is_null(v), lit(0))], size),
                case([(is_null(v), lit(node.multi))], size.copy()),
            )
        parts = [condition(a, ctx) for a in node.args]
        yes = add([case([(p, lit(1))], lit(0)) for p in parts], lit(0))  # a CASE takes NULL for no
        unknown = add([case([(is_null(p.copy()), lit(1))], lit(0)) for p in parts], lit(0))
        return yes, exp.Add(this=paren(yes.copy()), expression=paren(unknown))
    if isinstance(node, Neg):
        lo, hi = span(node.operand, ctx)
        return exp.Neg(this=paren(hi)), exp.Neg(this=paren(lo))
    if isinstance(node, Arith) and has_spans(node):
        a1, a2 = span(node.left, ctx)
        b1, b2 = span(node.right, ctx)
        if node.op == "+":
            return exp.Add(this=paren(a1), expression=paren(b1)), exp.Add(this=paren(a2), expression=paren(b2))
        if node.op == "-":
            return exp.Sub(this=paren(a1), expression=paren(b2)), exp.Sub(this=paren(a2), expression=paren(b1))
        if node.op == "*":
            products = [exp.Mul(this=paren(x.copy()), expression=paren(y.copy())) for x in (a1, a2) for y in (b1, b2)]
            unknown = or_(is_null(a1.copy()), is_null(b1.copy()))
            low = case([(unknown, exp.Null())], exp.Least(this=products[0], expressions=products[1:]))
            high = case(
                [(unknown.copy(), exp.Null())],
                exp.Greatest(this=products[0].copy(), expressions=[p.copy() for p in products[1:]]),
            )
            return low, high
        # a quotient with a span in it is unknown (functions.arith); of two plain numbers, as usual
        plain = and_(exp.EQ(this=a1.copy(), expression=a2), exp.EQ(this=b1.copy(), expression=b2))
        quotient = exp.Div(this=exp.cast(paren(a1), "DOUBLE"), expression=exp.Nullif(this=paren(b1), expression=lit(0)))
        value = case([(plain, quotient)])
        return value, value.copy()
    v = condition(node, ctx)
    return v, v.copy()


def _span_compare(node: Compare, ctx: Context) -> exp.Expression:
    """functions.compare: decided when every number in the spans gives the same answer."""
    a1, a2 = span(node.left, ctx)
    if node.op in ("in", "notin"):
        # membership of a span is unknown; of a plain number (equal bounds), as usual
        assert isinstance(node.right, ListLit)  # the checker allows only a list of numbers here
        test: exp.Expression = exp.In(this=paren(a1.copy()), expressions=[lit(i.value) for i in node.right.items])
        if node.op == "notin":
            test = not_(test)
        return case([(exp.EQ(this=a1, expression=a2), test)])
    b1, b2 = span(node.right, ctx)
    unknown = or_(is_null(a1.copy()), is_null(b1.copy()))
    op = _CMP[node.op]
    if node.op in ("==", "!="):
        plain = and_(exp.EQ(this=a1.copy(), expression=a2.copy()), exp.EQ(this=b1.copy(), expression=b2.copy()))
        apart = or_(exp.LT(this=a2.copy(), expression=b1.copy()), exp.LT(this=b2.copy(), expression=a1.copy()))
        return case(
            [
                (unknown, exp.Null()),
                (plain, op(this=paren(a1.copy()), expression=paren(b1.copy()))),
                (apart, exp.Boolean(this=node.op == "!=")),
            ],
            exp.Null(),
        )
    pairs = [op(this=paren(x.copy()), expression=paren(y.copy())) for x in (a1, a2) for y in (b1, b2)]
    return case(
        [
            (unknown, exp.Null()),
            (and_(*pairs), exp.true()),
            (and_(*(not_(p.copy()) for p in pairs)), exp.false()),
        ],
        exp.Null(),
    )


def condition(node: Node, ctx: Context) -> exp.Expression:
    """A checked condition tree as a three-valued SQL expression."""
    if isinstance(node, Lit):
        return lit(node.value)
    if isinstance(node, Name):
        return ctx.value(node.name)
    if isinstance(node, Call):
        if node.name == "known":
            name = node.args[0]
            assert isinstance(name, Name)  # the checker takes only a question id here
            return ctx.known(name.name)
        if node.name == "fired":
            rule = node.args[0]
            assert isinstance(rule, Lit)  # the checker takes only a rule id, as a string, here
            return ctx.fired(str(rule.value))
        if node.name == "today":
            return ctx.today.copy()
        if node.name in ("days_since", "days_until"):
            v = condition(node.args[0], ctx)
            later, earlier = (ctx.today.copy(), v) if node.name == "days_since" else (v, ctx.today.copy())
            return exp.DateDiff(this=later, expression=earlier, unit=exp.var("DAY"))
        lo, hi = span(node, ctx)  # count() on its own: only its value when it is plain
        return case([(exp.EQ(this=lo, expression=hi), lo.copy())])
    if isinstance(node, Not):
        return not_(condition(node.operand, ctx))
    if isinstance(node, Neg):
        if has_spans(node):
            lo, hi = span(node, ctx)
            return case([(exp.EQ(this=lo, expression=hi), lo.copy())])
        return exp.Neg(this=paren(condition(node.operand, ctx)))
    if isinstance(node, BoolOp):
        parts = [condition(o, ctx) for o in node.operands]
        out = paren(parts[0])
        kind = exp.And if node.op == "and" else exp.Or
        for p in parts[1:]:
            out = kind(this=out, expression=paren(p))
        return out
    if isinstance(node, Arith):
        if has_spans(node):
            lo, hi = span(node, ctx)
            return case([(exp.EQ(this=lo, expression=hi), lo.copy())])
        return arithmetic(node, ctx)
    if isinstance(node, Compare):
        if has_spans(node):
            return _span_compare(node, ctx)
        left = condition(node.left, ctx)
        if node.op in ("in", "notin"):
            if isinstance(node.right, ListLit):
                test: exp.Expression = exp.In(this=paren(left), expressions=[lit(i.value) for i in node.right.items])
            else:
                multi = condition(node.right, ctx)
                contains = exp.ArrayContains(this=multi, expression=left)
                test = case([(is_null(multi.copy()), exp.Null())], contains)
            return not_(test) if node.op == "notin" else test
        return _guarded_compare(node, left, condition(node.right, ctx), ctx)
    raise AssertionError(node)  # pragma: no cover


INF = exp.cast(exp.Literal.string("Infinity"), "DOUBLE")
NAN = exp.cast(exp.Literal.string("NaN"), "DOUBLE")


def number_kind(node: Node, ctx: Context) -> str:
    """ "int" or "float": Python keeps whole numbers exact and makes floats of the rest."""
    if isinstance(node, Lit):
        return "int" if isinstance(node.value, int) and not isinstance(node.value, bool) else "float"
    if isinstance(node, Name):
        return ctx.number_kind(node.name)
    if isinstance(node, Call):
        return "int" if node.name in ("count", "days_since", "days_until") else "float"
    if isinstance(node, Neg):
        return number_kind(node.operand, ctx)
    if isinstance(node, Arith):
        if node.op == "/":
            return "float"
        both = number_kind(node.left, ctx) == number_kind(node.right, ctx) == "int"
        return "int" if both else "float"
    return "float"


def may_be_nan(node: Node, ctx: Context) -> bool:
    """Can this number be NaN (infinity minus infinity)? Only arithmetic makes one."""
    if isinstance(node, Neg):
        return may_be_nan(node.operand, ctx)
    return isinstance(node, Arith) and not has_spans(node)


def arithmetic(node: Arith, ctx: Context) -> exp.Expression:
    """+ - * / as the Python engine computes them, in DOUBLE (a BIGINT product would stop the query
    with an overflow error). Python keeps whole numbers exact and makes floats of the rest: a
    float past the float range is infinity in both; a whole number past it is infinity here, which
    compares with every other number as Python's exact one does, until it meets a float or a
    division, where Python stops with an overflow and the rules say unknown. Division by zero is
    unknown. Each operand is written once: DuckDB expands NULLIF and CASE, so a guard at every
    step of a chain of operations would double it at every step."""
    sides = []
    for side in (node.left, node.right):
        value = paren(condition(side, ctx))
        if (node.op == "/" or number_kind(node, ctx) == "float") and huge_whole(side, ctx):
            for special in (INF, exp.Neg(this=INF.copy()), NAN):
                value = exp.Nullif(this=value, expression=special.copy())
        sides.append(value)
    left, right = exp.cast(sides[0], "DOUBLE"), sides[1]
    if node.op == "/":
        return exp.Div(this=left, expression=exp.Nullif(this=right, expression=exp.Literal.number(0)))
    return _ARITH[node.op](this=left, expression=right)


def huge_whole(node: Node, ctx: Context) -> bool:
    """Can this be a whole number past the float range (infinity in the query, or NaN for
    infinity minus infinity or times zero)? Only arithmetic on whole numbers makes one: answers
    and literals have at most 15 digits."""
    if isinstance(node, Neg):
        return huge_whole(node.operand, ctx)
    return isinstance(node, Arith) and not has_spans(node) and number_kind(node, ctx) == "int"


def _guarded_compare(node: Compare, left: exp.Expression, right: exp.Expression, ctx: Context) -> exp.Expression:
    """A comparison of numbers that arithmetic may have made NaN. A float NaN compares false in
    Python, but != is true (SQL engines order NaN above every number); a whole-number NaN stands
    for a number Python knows exactly and the query does not: unknown."""
    test = _CMP[node.op](this=paren(left), expression=paren(right))
    floats: list[exp.Expression] = []
    wholes: list[exp.Expression] = []
    for side, value in ((node.left, left), (node.right, right)):
        if huge_whole(side, ctx):
            wholes.append(exp.EQ(this=paren(value.copy()), expression=NAN.copy()))
        elif may_be_nan(side, ctx):
            floats.append(exp.EQ(this=paren(value.copy()), expression=NAN.copy()))
    if not (floats or wholes):
        return test
    unknown = or_(is_null(left.copy()), is_null(right.copy()))
    whens: list[tuple[exp.Expression, exp.Expression]] = [(unknown, exp.Null())]
    if wholes:
        whens.append((or_(*wholes), exp.Null()))
    if floats:
        whens.append((or_(*floats), exp.Boolean(this=node.op == "!=")))
    return case(whens, test)
