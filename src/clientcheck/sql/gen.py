"""The checked rules compiled to one SQL query, as a sqlglot syntax tree.

The query scores a table with a column per question id (a multiple choice as an array of choice
ids; a question without a column is unknown for every client) and gives, per client, what
evaluate() gives: the verdict, the score, each rule's outcome and the questions to ask next.
SQL's NULL logic is Kleene's three-valued logic, the logic of the conditions, so a condition
translates node for node: NULL is "unknown", AND/OR/NOT/comparisons propagate it exactly as
conditions.compile_node does. The few places where SQL differs are spelled out:

- division by zero is unknown here, an error or infinity in SQL: the divisor goes through NULLIF;
  the dividend is cast to DOUBLE, as `/` divides exactly in the rules (PostgreSQL would truncate);
- `"x" in multi` must be unknown when the answer is: array_contains(NULL, ...) is false in some
  dialects, so the test is guarded by CASE WHEN ... IS NULL;
- "is it true / is it false" on a three-valued level is COALESCE(level, FALSE) / NOT
  COALESCE(level, TRUE), which every dialect has (IS TRUE is not in all of them).

Everything is built as sqlglot nodes: question and rule ids become quoted identifiers or string
literals through sqlglot, never pieces of SQL text, and sqlglot prints the tree for a dialect.

The query is a chain of CTEs, each `SELECT *, new columns FROM the previous one`:

  in    the table's columns, a typed NULL for each missing question
  e1..  effective answers: an answer whose question's `when` is false is dropped, in interview
        order (evaluate.effective); a layer per depth of `when`s that read gated questions
  lv    each level's condition (three-valued)
  op    per rule: the level that fired (0: none), and which levels are still open
  ak    per rule: the heaviest open level, and for each question whether it is one to ask
  oc    per rule: the outcome, the fired level (1, 2, ...), 0 for not fired, NULL for undecided
  sc    score and verdict; what each unknown question has at stake (evaluate.rank_questions)
  rk    the rank of each question to ask
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import NamedTuple, cast

from sqlglot import exp

from clientcheck.conditions import Arith, BoolOp, Call, Compare, ListLit, Lit, Name, Neg, Node, Not, has_spans
from clientcheck.errors import UsageError
from clientcheck.model import CLIENT_KEY, Catalog, Question, Rule

DIALECTS = ("duckdb", "postgres", "spark", "bigquery", "snowflake")
ASK_DEPTH = 8  # as evaluate._askable: gates behind gates are followed this deep
ASK_TOP = 3  # ask_1 .. ask_N in the public query

SQL_TYPES = {
    "yesno": "BOOLEAN",
    "choice": "TEXT",
    "text": "TEXT",
    "integer": "BIGINT",
    "number": "DOUBLE",
    "multi": "ARRAY<TEXT>",
    "date": "DATE",
}


def alias(e: exp.Expression, name: str | exp.Identifier) -> exp.Expression:
    return cast(exp.Expression, exp.alias_(e, name))


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
        c = c.when(cond, value)
    if default is not None:
        c = c.else_(default)
    return c


def add(items: Sequence[exp.Expression], zero: exp.Expression) -> exp.Expression:
    """a + b + c, left to right as Python sums (the order matters for floats)."""
    out: exp.Expression = zero
    for item in items:
        out = exp.Add(this=out, expression=paren(item))  # left-nested: prints without parentheses
    return out


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


def _num(a: exp.Expression) -> exp.Expression:
    return paren(a)


def span(node: Node, ctx: Context) -> tuple[exp.Expression, exp.Expression]:
    """A number that count() may make a span: its (low, high) bounds, both NULL when unknown."""
    if isinstance(node, Call) and node.name == "count":
        if node.multi:
            v = condition(node.args[0], ctx)
            size = exp.ArraySize(this=v)
            return (
                case([(is_null(v), lit(0))], size),
                case([(is_null(v), lit(node.multi))], size.copy()),
            )
        parts = [condition(a, ctx) for a in node.args]
        yes = add([case([(is_true(p), lit(1))], lit(0)) for p in parts], lit(0))
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
            return ctx.known(node.args[0].name)  # type: ignore[union-attr]
        if node.name == "fired":
            return ctx.fired(node.args[0].value)  # type: ignore[union-attr]
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


class AskEntry(NamedTuple):
    """One place a question may be asked for a rule: it is when `cond` holds (a 2-valued test)."""

    question: str
    cond: exp.Expression


class _Pass(Context):
    """The answers one of evaluate's two passes sees: "k", what is known (effective answers), or
    "x", what could still happen (possible_env: an answer counts once its question surely
    applies; a question whose `when` is false can never be asked)."""

    def __init__(self, plan: Plan, tag: str, visible: set[str] | None = None) -> None:
        self.plan = plan
        self.tag = tag
        self.visible = visible  # in a `when`: the earlier questions; None: all
        self.today = plan.today

    def value(self, name: str) -> exp.Expression:
        if self.visible is not None and name not in self.visible:
            return exp.Null()
        return self.plan.value(name, self.tag)

    def number_kind(self, name: str) -> str:
        return "int" if self.plan.questions[name].type == "integer" else "float"

    def known(self, name: str) -> exp.Expression:
        answered = not_(is_null(self.value(name)))
        if self.tag == "k":
            return answered  # never undecided on what is known
        if self.visible is not None and name not in self.visible:
            return exp.Null()
        q = self.plan.questions[name]
        if q.when is None:
            return case([(answered, exp.true())], exp.Null())
        # not answered yet: undecided while it can still be asked, false once it never can
        return case([(answered, exp.true()), (col(self.plan.name("xn", name)), exp.false())], exp.Null())

    def fired(self, rule_id: str) -> exp.Expression:
        o = col(self.plan.name(self.tag + "o", self.plan.rule_index[rule_id]))
        return exp.GT(this=o, expression=lit(0))  # NULL while undecided: Kleene's unknown


class Plan:
    """The CTE chain that scores a table, and the names of what it computes."""

    def __init__(
        self,
        catalog: Catalog,
        rules: Sequence[Rule] | None = None,
        table: exp.Expression | str = "clients",
        columns: Sequence[str] | None = None,
        keep: Sequence[str] = (),
        answered: Mapping[str, exp.Expression] | None = None,
        source: exp.Select | None = None,
        today: str | None = None,
    ) -> None:
        """table: the table's name (or a sqlglot table expression); columns: the question columns it
        has, and `client` if it has the clients' names (None: all of them); keep: more of its
        columns to carry through; answered: per question, a test that it was answered at all
        (default: IS NOT NULL), for the ignored answers; source: a query to read instead of the
        table, whose columns are already named and typed; today: the date conditions take as
        today (YYYY-MM-DD; default: the database's CURRENT_DATE)."""
        from clientcheck.evaluate import evaluation_order

        self.catalog = catalog
        self.chosen = tuple(catalog.rules if rules is None else rules)
        # fired() may read rules outside a selection: they are worked out, not reported
        by_id = {r.id: r for r in catalog.rules}
        needed: dict[str, None] = {}
        todo = [r.id for r in self.chosen]
        while todo:
            rid = todo.pop()
            if rid not in needed:
                needed[rid] = None
                todo.extend(by_id[rid].refs)
        self.rules = tuple(r for r in catalog.rules if r.id in needed)
        self.rule_index = {r.id: i for i, r in enumerate(self.rules)}
        self.chosen_index = [self.rule_index[r.id] for r in self.chosen]
        self.today: exp.Expression = (
            exp.cast(exp.Literal.string(today), "DATE") if today is not None else exp.CurrentDate()
        )
        self.questions: dict[str, Question] = dict(catalog.questions)
        self.order = {qid: i for i, qid in enumerate(self.questions)}
        taken = {q.lower() for q in (*self.questions, *(r.id for r in self.rules), CLIENT_KEY, *keep)}
        prefix = "cc_"
        while any(name.startswith(prefix) for name in taken):
            prefix = "_" + prefix
        self.prefix = prefix
        self.keep = tuple(k for k in keep if k not in self.questions and k != CLIENT_KEY)
        self.ctes: list[tuple[str, exp.Select]] = []
        present = set([*self.questions, CLIENT_KEY] if columns is None else columns)
        answered = answered or {}

        # -- in: the question columns, typed; missing ones are unknown
        if source is not None:
            base: exp.Expression = source.subquery(ident(self.name("src")))
        elif isinstance(table, str):
            base = exp.to_table(table, quoted=True) if "." not in table else exp.to_table(table)
        else:
            base = table
        outs: list[exp.Expression] = [col(k) for k in self.keep]
        outs.append(col(CLIENT_KEY) if CLIENT_KEY in present else alias(exp.cast(exp.Null(), "TEXT"), CLIENT_KEY))
        for qid, q in self.questions.items():
            if qid in present:
                outs.append(col(qid))
            else:
                outs.append(alias(exp.cast(exp.Null(), SQL_TYPES[q.type]), ident(qid)))
        for qid, q in self.questions.items():
            if q.when is not None:
                test = answered.get(qid, exp.Not(this=is_null(col(qid))))
                outs.append(alias(test, self.name("a", qid)))
        self.add_layer("in", exp.select(*outs).from_(base))

        # -- e1..: the answers each pass counts, a layer per depth of gates
        depth: dict[str, int] = {}
        for qid, q in self.questions.items():
            if q.when is None:
                depth[qid] = 0
                continue
            earlier = [n for n in q.when.names if self.order[n] < self.order[qid]]
            depth[qid] = 1 + max((depth[n] for n in earlier), default=0)
        for level in range(1, max(depth.values(), default=0) + 1):
            new: list[exp.Expression] = []
            for qid, q in self.questions.items():
                if depth[qid] != level or q.when is None:
                    continue
                visible = {n for n in self.questions if self.order[n] < self.order[qid]}
                # what is known (evaluate.effective): an answer behind a false `when` is dropped
                gate_false = is_false(condition(q.when.tree, _Pass(self, "k", visible)))
                new.append(alias(case([(gate_false, exp.Null())], col(qid)), self.name("ke", qid)))
                new.append(alias(and_(col(self.name("a", qid)), gate_false.copy()), self.name("i", qid)))
                # what could still happen (evaluate.possible_env): it counts once the `when` is true
                gate = condition(q.when.tree, _Pass(self, "x", visible))
                new.append(alias(case([(is_true(gate), col(qid))], exp.Null()), self.name("xe", qid)))
                new.append(alias(is_false(gate.copy()), self.name("xn", qid)))
            self.add_layer(f"e{level}", new)

        # -- gt: each `when` on all the answers (what to ask reads them, evaluate._askable), once
        gates: list[exp.Expression] = []
        for tag in ("k", "x"):
            for qid, q in self.questions.items():
                if q.when is not None:
                    gates.append(alias(condition(q.when.tree, _Pass(self, tag)), self.name(tag + "g", qid)))
        self.add_layer("gt", gates)

        # -- the rules, a group of layers per depth of fired() references, for both passes
        rank: dict[str, int] = {}
        for rule in evaluation_order(self.rules):
            rank[rule.id] = 1 + max((rank[ref] for ref in rule.refs if ref in rank), default=0)
        self.entries: dict[str, list[list[AskEntry]]] = {"k": [], "x": []}
        for tag in ("k", "x"):
            self.entries[tag] = [[] for _ in self.rules]
        for group in sorted(set(rank.values())):
            members = [r for r, rule in enumerate(self.rules) if rank[rule.id] == group]
            self.rule_layers(group, members)

        # -- sc, xr, vd: score, verdict and range (evaluate.verdict_range) of the chosen rules
        self.candidates: dict[str, None] = {}
        self.add_layer("sc", [alias(self.score(), self.name("score")), *self.range_columns()])
        new = [alias(self.verdict(self.counts("k"), col(self.name("score"))), self.name("verdict"))]
        new += [alias(c, self.name("wc", sev)) for sev, c in self.worst_counts().items()]
        new += [alias(self.worst_score(), self.name("ws")), alias(self.best_score(), self.name("bs"))]
        self.add_layer("vd", new)
        self.add_layer("rg", [alias(self.best(), self.name("best")), alias(self.worst(), self.name("worst"))])

    # -- names and values

    def name(self, *parts: object) -> str:
        return self.prefix + "_".join(str(p) for p in parts)

    def value(self, qid: str, tag: str = "k") -> exp.Expression:
        """A question's answer as a pass counts it (NULL: unknown, or it does not apply)."""
        q = self.questions[qid]
        return col(self.name(tag + "e", qid)) if q.when is not None else col(qid)

    def add_layer(self, label: str, new: Sequence[exp.Expression] | exp.Select) -> None:
        cte = self.name(label)
        if isinstance(new, exp.Select):
            self.ctes.append((cte, new))
        elif new:
            prev = self.ctes[-1][0]
            self.ctes.append((cte, exp.select(exp.Star(), *new).from_(exp.to_table(prev, quoted=True))))

    @property
    def last(self) -> str:
        return self.ctes[-1][0]

    def rule_layers(self, group: int, members: list[int]) -> None:
        """lv, op, ak, oc for these rules in both passes (evaluate.rule_outcome)."""
        lv: list[exp.Expression] = []
        op: list[exp.Expression] = []
        ak: list[exp.Expression] = []
        oc: list[exp.Expression] = []
        for tag in ("k", "x"):
            ctx = _Pass(self, tag)
            for r in members:
                rule = self.rules[r]
                for i, level in enumerate(rule.levels):
                    lv.append(alias(condition(level.when.tree, ctx), self.name(tag + "l", r, i)))
                values: list[exp.Expression] = [col(self.name(tag + "l", r, i)) for i in range(len(rule.levels))]
                fired = []
                for i, v in enumerate(values):
                    fired.append((and_(*(is_false(e) for e in values[:i]), is_true(v)), lit(i + 1)))
                op.append(alias(case(fired, lit(0)), self.name(tag + "f", r)))
                for i, v in enumerate(values):
                    # open: not known false, and no earlier level true (the first true one ends the walk)
                    opened = and_(
                        exp.Coalesce(this=v, expressions=[exp.true()]), *(not_(is_true(e)) for e in values[:i])
                    )
                    op.append(alias(opened, self.name(tag + "p", r, i)))
                heaviest = sorted(range(len(rule.levels)), key=lambda i: (-rule.levels[i].weight, i))
                top = case([(col(self.name(tag + "p", r, i)), lit(i + 1)) for i in heaviest])
                ak.append(alias(top, self.name(tag + "t", r)))
                entries: list[AskEntry] = []
                for i, level in enumerate(rule.levels):
                    opened_i = col(self.name(tag + "p", r, i))
                    for name in level.when.names:
                        unknown = is_null(self.value(name, tag))
                        for qid, cond in self.askable(name, 0, tag):
                            entries.append(AskEntry(qid, and_(opened_i.copy(), unknown.copy(), cond)))
                    for ref in level.when.refs:
                        # what would decide the rule it reads (evaluate.ask_for's pending)
                        pending = is_null(col(self.name(tag + "o", self.rule_index[ref])))
                        for e in self.entries[tag][self.rule_index[ref]]:
                            entries.append(AskEntry(e.question, and_(opened_i.copy(), pending.copy(), e.cond.copy())))
                self.entries[tag][r] = entries
                # some question would decide it (ask_for is not empty): an open level reads an
                # unknown answer whose question may still apply, or a rule still undecided
                could_ask = []
                for i, level in enumerate(rule.levels):
                    reasons: list[exp.Expression] = []
                    for name in level.when.names:
                        unknown = is_null(self.value(name, tag))
                        when = self.questions[name].when
                        if when is None:
                            reasons.append(unknown)
                        else:
                            gate = col(self.name(tag + "g", name))
                            reasons.append(and_(unknown, exp.Coalesce(this=gate, expressions=[exp.true()])))
                    for ref in level.when.refs:
                        reasons.append(is_null(col(self.name(tag + "o", self.rule_index[ref]))))
                    if reasons:
                        could_ask.append(and_(col(self.name(tag + "p", r, i)), or_(*reasons)))
                f = col(self.name(tag + "f", r))
                asks = or_(*could_ask)
                outcome = case([(exp.GT(this=f, expression=lit(0)), f.copy()), (asks, exp.Null())], lit(0))
                oc.append(alias(outcome, self.name(tag + "o", r)))
        for label, new in (("lv", lv), ("op", op), ("ak", ak), ("oc", oc)):
            self.add_layer(f"{label}{group}", new)

    def ask_flags(self) -> list[exp.Expression]:
        """Per chosen rule and pass, whether each question is one that would decide it."""
        out: list[exp.Expression] = []
        for tag in ("k", "x"):
            for r in self.chosen_index:
                entries = self.entries[tag][r]
                for qid in dict.fromkeys(e.question for e in entries):
                    flag = or_(*(e.cond.copy() for e in entries if e.question == qid))
                    out.append(alias(flag, self.name(tag + "k", r, self.order[qid])))
        return out

    def askable(self, qid: str, depth: int, tag: str) -> list[tuple[str, exp.Expression]]:
        """evaluate._askable unrolled: (question, when it is the one to ask) in the order it gives."""
        q = self.questions[qid]
        if q.when is None or depth > ASK_DEPTH:
            return [(qid, exp.true())]
        gate = col(self.name(tag + "g", qid))
        unknown_gate = is_null(gate)
        out: list[tuple[str, exp.Expression]] = [(qid, is_true(gate.copy()))]
        inner: list[tuple[str, exp.Expression]] = []
        for name in q.when.names:
            unknown = is_null(self.value(name, tag))
            for x, cond in self.askable(name, depth + 1, tag):
                inner.append((x, and_(unknown_gate.copy(), unknown.copy(), cond)))
        out.extend(inner)
        # a gate that is unknown with nothing to ask about it: ask the question itself
        out.append((qid, and_(unknown_gate.copy(), not_(or_(*(c.copy() for _, c in inner))))))
        return out

    # -- score, verdict, range

    def integral(self) -> bool:
        """Are the weights that make the score all whole (the score then is a whole number)?"""
        return all(isinstance(lv.weight, int) for rule in self.chosen if rule.kind != "note" for lv in rule.levels)

    def weight(self, w: float) -> exp.Expression:
        return exp.Literal.number(w) if self.integral() else lit(float(w))

    def level_is(self, tag: str, r: int, levels: Sequence[int]) -> exp.Expression:
        """Did rule r fire at one of these levels (1-based)? Never NULL."""
        o = col(self.name(tag + "o", r))
        return is_true(exp.In(this=o, expressions=[lit(i) for i in levels]))

    def score(self) -> exp.Expression:
        zero = self.weight(0)
        red: list[exp.Expression] = []
        good: list[exp.Expression] = []
        for r in self.chosen_index:
            rule = self.rules[r]
            if rule.kind == "note":
                continue
            o = col(self.name("ko", r))
            term = case(
                [
                    (exp.EQ(this=o.copy(), expression=lit(i + 1)), self.weight(lv.weight))
                    for i, lv in enumerate(rule.levels)
                ],
                zero.copy(),
            )
            (red if rule.kind == "red-flag" else good).append(term)
        return exp.Sub(this=paren(add(red, zero)), expression=paren(add(good, zero.copy())))

    def severities(self) -> list[str]:
        return list(self.catalog.policy.severities)

    def counts(self, tag: str) -> dict[str, exp.Expression]:
        """How many chosen red flags fired at each severity, in a pass."""
        out: dict[str, exp.Expression] = {}
        for sev in self.severities():
            terms = []
            for r in self.chosen_index:
                rule = self.rules[r]
                levels = [i + 1 for i, lv in enumerate(rule.levels) if lv.severity == sev]
                if rule.kind == "red-flag" and levels:
                    terms.append(case([(self.level_is(tag, r, levels), lit(1))], lit(0)))
            out[sev] = add(terms, lit(0))
        return out

    def verdict(self, counts: Mapping[str, exp.Expression], score: exp.Expression) -> exp.Expression:
        """Policy.verdict in SQL."""
        policy = self.catalog.policy
        whens = []
        for word, threshold in (("decline", policy.decline_if), ("caution", policy.caution_if)):
            tests: list[exp.Expression] = []
            for sev in threshold.any_severity:
                if sev in counts:
                    tests.append(exp.GT(this=paren(counts[sev].copy()), expression=lit(0)))
            for sev, n in threshold.counts:
                if sev in counts:
                    tests.append(exp.GTE(this=paren(counts[sev].copy()), expression=lit(n)))
            if threshold.min_score is not None:
                tests.append(exp.GTE(this=paren(score.copy()), expression=self.weight(threshold.min_score)))
            whens.append((or_(*tests), exp.Literal.string(word)))
        return case(whens, exp.Literal.string("go"))

    def range_columns(self) -> list[exp.Expression]:
        """What evaluate.verdict_range starts from, in the "could still happen" pass: the settled
        counts and weights, and per open rule what it could still add."""
        out: list[exp.Expression] = []
        for sev, count in self.counts("x").items():
            out.append(alias(count, self.name("xc", sev)))
        red: list[exp.Expression] = []
        good: list[exp.Expression] = []
        for r in self.chosen_index:
            rule = self.rules[r]
            if rule.kind == "note":
                continue
            o = col(self.name("xo", r))
            fired = case(
                [
                    (exp.EQ(this=o.copy(), expression=lit(i + 1)), lit(float(lv.weight)))
                    for i, lv in enumerate(rule.levels)
                ],
                lit(0.0),
            )
            (red if rule.kind == "red-flag" else good).append(fired)
            heaviest = case(
                [
                    (exp.EQ(this=col(self.name("xt", r)), expression=lit(i + 1)), lit(float(lv.weight)))
                    for i, lv in enumerate(rule.levels)
                ],
                lit(0.0),
            )
            out.append(alias(case([(is_null(o.copy()), heaviest)], lit(0.0)), self.name("xm", r)))
            if rule.kind == "red-flag":
                for sev in self.severities():
                    levels = [i for i, lv in enumerate(rule.levels) if lv.severity == sev]
                    if levels:
                        could = or_(*(col(self.name("xp", r, i)) for i in levels))
                        out.append(
                            alias(case([(and_(is_null(o.copy()), could), lit(1))], lit(0)), self.name("xw", r, sev))
                        )
        out.append(alias(add(red, lit(0.0)), self.name("xred")))
        out.append(alias(add(good, lit(0.0)), self.name("xgood")))
        return out

    def _kinds(self, kind: str) -> list[int]:
        return [r for r in self.chosen_index if self.rules[r].kind == kind]

    def exact(self) -> bool:
        """Are the weights such that every sum of them is exact in floating point? Then a total
        less one term equals the sum without it, as evaluate.pivots computes it."""
        weights = [lv.weight for r in self.chosen_index for lv in self.rules[r].levels]
        return all(float(w * 1024).is_integer() and abs(w) < 2**30 for w in weights)

    def worst_counts(self, without: int | None = None) -> dict[str, exp.Expression]:
        counts: dict[str, exp.Expression] = {}
        for sev in self.severities():
            terms = [
                col(self.name("xw", r, sev))
                for r in self._kinds("red-flag")
                if r != without and any(lv.severity == sev for lv in self.rules[r].levels)
            ]
            counts[sev] = add(terms, col(self.name("xc", sev)))
        return counts

    def worst_score(self, without: int | None = None) -> exp.Expression:
        base = exp.Sub(this=col(self.name("xred")), expression=col(self.name("xgood")))
        return add([col(self.name("xm", r)) for r in self._kinds("red-flag") if r != without], base)

    def best_score(self, heavy: int | None = None, without: int | None = None) -> exp.Expression:
        red: exp.Expression = col(self.name("xred"))
        if heavy is not None:
            red = exp.Add(this=red, expression=col(self.name("xm", heavy)))
        score: exp.Expression = exp.Sub(this=paren(red), expression=col(self.name("xgood")))
        for r in self._kinds("good-sign"):
            if r != without:
                score = exp.Sub(this=score, expression=col(self.name("xm", r)))
        return score

    def worst(self, without: int | None = None) -> exp.Expression:
        """The worst verdict of verdict_range, leaving out one open rule (pivots) or none."""
        if without is None:
            totals: dict[str, exp.Expression] = {sev: col(self.name("wc", sev)) for sev in self.severities()}
            return self.verdict(totals, col(self.name("ws")))
        if not self.exact():
            return self.verdict(self.worst_counts(without), self.worst_score(without))
        counts: dict[str, exp.Expression] = {}
        for sev in self.severities():
            count: exp.Expression = col(self.name("wc", sev))
            if any(lv.severity == sev for lv in self.rules[without].levels):
                count = exp.Sub(this=count, expression=col(self.name("xw", without, sev)))
            counts[sev] = count
        return self.verdict(counts, exp.Sub(this=col(self.name("ws")), expression=col(self.name("xm", without))))

    def best(self, heavy: int | None = None, without: int | None = None) -> exp.Expression:
        """The best verdict of verdict_range; heavy: a red flag counted as fired at its heaviest;
        without: a good sign left out."""
        counts: dict[str, exp.Expression] = {}
        for sev in self.severities():
            count: exp.Expression = col(self.name("xc", sev))
            if heavy is not None and any(lv.severity == sev for lv in self.rules[heavy].levels):
                count = exp.Add(this=count, expression=col(self.name("xw", heavy, sev)))
            counts[sev] = count
        if heavy is None and without is None:
            return self.verdict(counts, col(self.name("bs")))
        if not self.exact():
            return self.verdict(counts, self.best_score(heavy, without))
        moved = heavy if heavy is not None else without
        assert moved is not None
        return self.verdict(counts, exp.Add(this=col(self.name("bs")), expression=col(self.name("xm", moved))))

    @staticmethod
    def step(verdict: exp.Expression) -> exp.Expression:
        return case(
            [
                (exp.EQ(this=verdict, expression=exp.Literal.string("go")), lit(0)),
                (exp.EQ(this=verdict.copy(), expression=exp.Literal.string("caution")), lit(1)),
            ],
            lit(2),
        )

    def listed(self, tag: str, r: int) -> exp.Expression:
        """evaluate._ask_next's entries: the rules undecided on what is known ("k"), then those only
        the range still holds open ("x")."""
        known_open = is_null(col(self.name("ko", r)))
        return known_open if tag == "k" else and_(is_null(col(self.name("xo", r))), not_(known_open))

    def stakes(self) -> tuple[list[exp.Expression], list[exp.Expression]]:
        """evaluate._ask_next: each question's pivot and weight sums (rank_questions' stakes)."""
        b, w = self.step(col(self.name("best"))), self.step(col(self.name("worst")))
        pivot: dict[int, exp.Expression] = {}
        columns: list[exp.Expression] = []
        for r in self.chosen_index:
            kind = self.rules[r].kind
            narrow: exp.Expression
            if kind == "red-flag":
                narrow = exp.Add(
                    this=paren(exp.Sub(this=w.copy(), expression=self.step(self.worst(without=r)))),
                    expression=paren(exp.Sub(this=self.step(self.best(heavy=r)), expression=b.copy())),
                )
            elif kind == "good-sign":
                narrow = exp.Sub(this=self.step(self.best(without=r)), expression=b.copy())
            else:
                continue
            pivot[r] = col(self.name("pv", r))
            columns.append(alias(case([(is_null(col(self.name("xo", r))), narrow)], lit(0)), self.name("pv", r)))
        self.candidates = dict.fromkeys(
            sorted(
                {e.question for tag in ("k", "x") for r in self.chosen_index for e in self.entries[tag][r]},
                key=self.order.__getitem__,
            )
        )
        out: list[exp.Expression] = []
        for qid in self.candidates:
            pivots: list[exp.Expression] = []
            weights: list[exp.Expression] = []
            asked: list[exp.Expression] = []
            for tag in ("k", "x"):
                for r in self.chosen_index:
                    if not any(e.question == qid for e in self.entries[tag][r]):
                        continue
                    rule = self.rules[r]
                    hit = and_(self.listed(tag, r), col(self.name(tag + "k", r, self.order[qid])))
                    stake = case(
                        [
                            (
                                exp.EQ(this=col(self.name(tag + "t", r)), expression=lit(i + 1)),
                                lit(float(max(lv.weight, 0.5))),
                            )
                            for i, lv in enumerate(rule.levels)
                        ],
                        lit(0.0),
                    )
                    weights.append(case([(hit, stake)], lit(0.0)))
                    if r in pivot:
                        pivots.append(case([(hit.copy(), pivot[r])], lit(0)))
                    asked.append(hit.copy())
            out.append(alias(add(pivots, lit(0)), self.name("sp", self.order[qid])))
            out.append(alias(add(weights, lit(0.0)), self.name("sw", self.order[qid])))
            out.append(alias(or_(*asked), self.name("sa", self.order[qid])))
        return columns, out

    # -- queries

    def rank_layer(self) -> str:
        """Add the stakes and ranks of the questions to ask (once); returns the CTE to select from."""
        label = self.name("rk")
        if self.last == label:
            return label
        self.add_layer("af", self.ask_flags())
        pivots, stakes_ = self.stakes()
        self.add_layer("pv", pivots)
        self.add_layer("st", stakes_)
        exact = self.exact()
        if exact:
            # one number per question orders like (pivots, weights): the weights' sum is exact and
            # below 2**31, so pivots * 2**31 + weights is exact too; not asked: -1, below all
            keys = []
            for qid in self.candidates:
                n = self.order[qid]
                key = exp.Add(
                    this=exp.Mul(this=exp.cast(col(self.name("sp", n)), "DOUBLE"), expression=lit(float(2**31))),
                    expression=col(self.name("sw", n)),
                )
                keys.append(alias(case([(col(self.name("sa", n)), key)], lit(-1.0)), self.name("sk", n)))
            self.add_layer("sk", keys)
        new = []
        for qid in self.candidates:
            n = self.order[qid]
            beaten = []
            for other in self.candidates:
                if other == qid:
                    continue
                m = self.order[other]
                earlier = m < n  # a tie goes to the question asked first in the interview
                if exact:
                    cmp = exp.GTE if earlier else exp.GT
                    ahead: exp.Expression = cmp(this=col(self.name("sk", m)), expression=col(self.name("sk", n)))
                else:
                    p, w = col(self.name("sp", n)), col(self.name("sw", n))
                    op_, ow = col(self.name("sp", m)), col(self.name("sw", m))
                    ahead = or_(
                        exp.GT(this=op_, expression=p),
                        and_(
                            exp.EQ(this=op_.copy(), expression=p.copy()),
                            (exp.GTE if earlier else exp.GT)(this=ow, expression=w),
                        ),
                    )
                beaten.append(case([(ahead, lit(1))], lit(0)))
            new.append(alias(add(beaten, lit(0)), self.name("r", n)))
        self.add_layer("rk", new)
        return label

    def ask(self, k: int) -> exp.Expression:
        """The k-th question to ask (1-based), as evaluate's ask_next ranks them; NULL if none."""
        whens = []
        for qid in self.candidates:
            asked, rank = col(self.name("sa", self.order[qid])), col(self.name("r", self.order[qid]))
            whens.append((and_(asked, exp.EQ(this=rank, expression=lit(k - 1))), exp.Literal.string(qid)))
        return case(whens, exp.cast(exp.Null(), "TEXT"))

    def query(self, outputs: Sequence[exp.Expression], frm: str | None = None) -> exp.Select:
        select = exp.select(*outputs).from_(exp.to_table(frm or self.last, quoted=True))
        for name, cte in self.ctes:
            select = select.with_(ident(name), as_=cte)
        return select

    def public(self, ask_top: int = ASK_TOP) -> exp.Select:
        """The query of `clientcheck sql`: per client, the kept columns, client, verdict, the range
        (best, worst, settled), score, a column per rule (the level that fired, 0 for not fired,
        NULL for undecided) and the first questions to ask."""
        frm = self.rank_layer() if ask_top else self.last
        outs: list[exp.Expression] = [col(k) for k in self.keep]
        outs.append(col(CLIENT_KEY))
        outs.append(alias(col(self.name("verdict")), "verdict"))
        outs.append(alias(col(self.name("best")), "best"))
        outs.append(alias(col(self.name("worst")), "worst"))
        outs.append(alias(exp.EQ(this=col(self.name("best")), expression=col(self.name("worst"))), "settled"))
        outs.append(alias(col(self.name("score")), "score"))
        for r in self.chosen_index:
            outs.append(alias(col(self.name("ko", r)), ident(self.rules[r].id)))
        for k in range(1, ask_top + 1):
            outs.append(alias(self.ask(k), f"ask_{k}"))
        return self.query(outs, frm)


def to_sql(query: exp.Expression, dialect: str, pretty: bool = True) -> str:
    return query.sql(dialect=dialect, pretty=pretty, identify=True)


def table_name(name: str) -> exp.Table:
    """A table name, dotted into catalog.schema.table, each part a quoted identifier."""
    parts = name.split(".")
    if not name.strip() or len(parts) > 3 or any(not p for p in parts):
        raise UsageError(f"--table: {name!r} is not a table name (NAME, SCHEMA.NAME or CATALOG.SCHEMA.NAME)")
    parts = [""] * (3 - len(parts)) + parts
    return exp.Table(
        this=ident(parts[2]),
        db=ident(parts[1]) if parts[1] else None,
        catalog=ident(parts[0]) if parts[0] else None,
    )


def build(
    catalog: Catalog,
    rules: Sequence[Rule] | None = None,
    dialect: str = "duckdb",
    table: str = "clients",
    columns: Sequence[str] | None = None,
    keep: Sequence[str] = (),
    ask: int = ASK_TOP,
    view: str | None = None,
    pretty: bool = True,
) -> str:
    """The text of `clientcheck sql`: the public query for a dialect, or a view of it."""
    from clientcheck.conditions import suggest

    if dialect not in DIALECTS:
        raise UsageError(f"--dialect: {dialect!r} is not one of {', '.join(DIALECTS)}")
    known = [*catalog.questions, CLIENT_KEY]
    for name in columns or ():
        if name not in known:
            raise UsageError(f"--columns: {name!r} is not a question id{suggest(name, known)}")
    for name in keep:
        if name in known:
            raise UsageError(f"--keep: {name!r} is a question id or client, which the result has anyway")
    import os

    # CLIENTCHECK_TODAY fixes today for the Python engine; the query then takes the same date
    today = os.environ.get("CLIENTCHECK_TODAY") or None
    plan = Plan(catalog, rules, table=table_name(table), columns=columns, keep=keep, today=today)
    query: exp.Expression = plan.public(ask)
    if view is not None:
        query = exp.Create(this=table_name(view), kind="VIEW", replace=True, expression=query)
    return to_sql(query, dialect, pretty)
