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

from collections.abc import Callable, Mapping, Sequence
from typing import NamedTuple, cast

from sqlglot import exp

from clientcheck.conditions import Arith, BoolOp, Compare, ListLit, Lit, Name, Neg, Node, Not
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
}

Ref = Callable[[str], exp.Expression]


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


def condition(node: Node, ref: Ref) -> exp.Expression:
    """A checked condition tree as a three-valued SQL expression; ref gives a question's value."""
    if isinstance(node, Lit):
        return lit(node.value)
    if isinstance(node, Name):
        return ref(node.name)
    if isinstance(node, Not):
        return not_(condition(node.operand, ref))
    if isinstance(node, Neg):
        return exp.Neg(this=paren(condition(node.operand, ref)))
    if isinstance(node, BoolOp):
        parts = [condition(o, ref) for o in node.operands]
        out = paren(parts[0])
        kind = exp.And if node.op == "and" else exp.Or
        for p in parts[1:]:
            out = kind(this=out, expression=paren(p))
        return out
    if isinstance(node, Arith):
        left, right = paren(condition(node.left, ref)), paren(condition(node.right, ref))
        if node.op == "/":
            return exp.Div(
                this=exp.cast(left, "DOUBLE"), expression=exp.Nullif(this=right, expression=exp.Literal.number(0))
            )
        return _ARITH[node.op](this=left, expression=right)
    if isinstance(node, Compare):
        left = condition(node.left, ref)
        if node.op in ("in", "notin"):
            if isinstance(node.right, ListLit):
                test: exp.Expression = exp.In(this=paren(left), expressions=[lit(i.value) for i in node.right.items])
            else:
                multi = condition(node.right, ref)
                contains = exp.ArrayContains(this=multi, expression=left)
                test = case([(is_null(multi), exp.Null())], contains)
            return not_(test) if node.op == "notin" else test
        right = condition(node.right, ref)
        return _CMP[node.op](this=paren(left), expression=paren(right))
    raise AssertionError(node)  # pragma: no cover


class AskEntry(NamedTuple):
    """One place a question may be asked for a rule: it is when `cond` holds (a 2-valued test)."""

    question: str
    cond: exp.Expression


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
    ) -> None:
        """table: the table's name (or a sqlglot table expression); columns: the question columns it
        has, and `client` if it has the clients' names (None: all of them); keep: more of its columns to carry through; answered: per question, a test
        that it was answered at all (default: IS NOT NULL), for the ignored answers; source: a
        query to read instead of the table, whose columns are already named and typed."""
        self.catalog = catalog
        self.rules = tuple(catalog.rules if rules is None else rules)
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
        self.add_layer("in", exp.select(*outs).from_(base), star=False)

        # -- e1..: effective answers, a layer per depth of gates
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

                def before(name: str, visible: set[str] = visible) -> exp.Expression:
                    # a `when` sees only the earlier answers, as in the interview
                    return self.value(name) if name in visible else exp.Null()

                gate_false = is_false(condition(q.when.tree, before))
                new.append(alias(case([(gate_false, exp.Null())], col(qid)), self.name("e", qid)))
                new.append(alias(and_(col(self.name("a", qid)), gate_false), self.name("i", qid)))
            self.add_layer(f"e{level}", new)

        # -- lv: the levels
        new = []
        for r, rule in enumerate(self.rules):
            for i, lv in enumerate(rule.levels):
                new.append(alias(condition(lv.when.tree, self.value), self.name("l", r, i)))
        self.add_layer("lv", new)

        # -- op: fired level and open levels
        new = []
        for r, rule in enumerate(self.rules):
            values: list[exp.Expression] = [col(self.name("l", r, i)) for i in range(len(rule.levels))]
            fired = []
            for i, v in enumerate(values):
                fired.append((and_(*(is_false(e) for e in values[:i]), is_true(v)), exp.Literal.number(i + 1)))
            new.append(alias(case(fired, exp.Literal.number(0)), self.name("f", r)))
            for i, v in enumerate(values):
                # open: not known false, and no earlier level true (the first true level ends the walk)
                opened = and_(exp.Coalesce(this=v, expressions=[exp.true()]), *(not_(is_true(e)) for e in values[:i]))
                new.append(alias(opened, self.name("p", r, i)))
        self.add_layer("op", new)

        # -- ak: the heaviest open level; which questions would decide the rule
        self.entries: list[list[AskEntry]] = []
        self.candidates: dict[str, None] = {}
        new = []
        for r, rule in enumerate(self.rules):
            heaviest = sorted(range(len(rule.levels)), key=lambda i: (-rule.levels[i].weight, i))
            top = case([(col(self.name("p", r, i)), exp.Literal.number(i + 1)) for i in heaviest])
            new.append(alias(top, self.name("t", r)))
            entries: list[AskEntry] = []
            for i, lv in enumerate(rule.levels):
                for name in lv.when.names:
                    unknown = is_null(self.value(name))
                    for qid, cond in self.askable(name, 0):
                        entries.append(AskEntry(qid, and_(col(self.name("p", r, i)), unknown, cond)))
            self.entries.append(entries)
            for qid in dict.fromkeys(e.question for e in entries):
                self.candidates[qid] = None
                new.append(
                    alias(or_(*(e.cond for e in entries if e.question == qid)), self.name("k", r, self.order[qid]))
                )
        self.candidates = dict.fromkeys(sorted(self.candidates, key=self.order.__getitem__))
        self.add_layer("ak", new)

        # -- oc: the outcome of each rule
        new = []
        for r, _rule in enumerate(self.rules):
            f = col(self.name("f", r))
            asks = or_(
                *(col(self.name("k", r, self.order[q])) for q in dict.fromkeys(e.question for e in self.entries[r]))
            )
            outcome = case(
                [(exp.GT(this=f, expression=exp.Literal.number(0)), f), (asks, exp.Null())], exp.Literal.number(0)
            )
            new.append(alias(outcome, self.name("o", r)))
        self.add_layer("oc", new)

        # -- sc: score and verdict, the stakes of each question to ask
        new = [alias(self.score(), self.name("score"))]
        self.add_layer("sc", new)
        new = [alias(self.verdict(col(self.name("score"))), self.name("verdict"))]
        for qid in self.candidates:
            terms = []
            for r, rule in enumerate(self.rules):
                if not any(e.question == qid for e in self.entries[r]):
                    continue
                stake = case(
                    [
                        (
                            exp.EQ(this=col(self.name("t", r)), expression=exp.Literal.number(i + 1)),
                            lit(float(max(lv.weight, 0.5))),
                        )
                        for i, lv in enumerate(rule.levels)
                    ]
                )
                undecided = and_(is_null(col(self.name("o", r))), col(self.name("k", r, self.order[qid])))
                terms.append(case([(undecided, stake)], lit(0.0)))
            new.append(alias(add(terms, lit(0.0)), self.name("s", self.order[qid])))
        self.add_layer("vd", new)

    # -- names and values

    def name(self, *parts: object) -> str:
        return self.prefix + "_".join(str(p) for p in parts)

    def value(self, qid: str) -> exp.Expression:
        """A question's effective answer (NULL: unknown, or its question does not apply)."""
        q = self.questions[qid]
        return col(self.name("e", qid)) if q.when is not None else col(qid)

    def add_layer(self, label: str, new: Sequence[exp.Expression] | exp.Select, star: bool = True) -> None:
        cte = self.name(label)
        if isinstance(new, exp.Select):
            select = new
        else:
            prev = self.ctes[-1][0]
            select = exp.select(exp.Star(), *new).from_(exp.to_table(prev, quoted=True)) if new else None  # type: ignore[assignment]
            if select is None:
                return
        self.ctes.append((cte, select))

    @property
    def last(self) -> str:
        return self.ctes[-1][0]

    def askable(self, qid: str, depth: int) -> list[tuple[str, exp.Expression]]:
        """evaluate._askable unrolled: (question, when it is the one to ask) in the order it gives."""
        q = self.questions[qid]
        if q.when is None or depth > ASK_DEPTH:
            return [(qid, exp.true())]
        gate = condition(q.when.tree, self.value)
        unknown_gate = is_null(gate)
        out: list[tuple[str, exp.Expression]] = [(qid, is_true(gate))]
        inner: list[tuple[str, exp.Expression]] = []
        for name in q.when.names:
            unknown = is_null(self.value(name))
            for x, cond in self.askable(name, depth + 1):
                inner.append((x, and_(unknown_gate, unknown, cond)))
        out.extend(inner)
        # a gate that is unknown with nothing to ask about it: ask the question itself
        out.append((qid, and_(unknown_gate, not_(or_(*(c for _, c in inner))))))
        return out

    def integral(self) -> bool:
        """Are the weights that make the score all whole (the score then is a whole number)?"""
        return all(isinstance(lv.weight, int) for rule in self.rules if rule.kind != "note" for lv in rule.levels)

    def weight(self, w: float) -> exp.Expression:
        return exp.Literal.number(w) if self.integral() else lit(float(w))

    def score(self) -> exp.Expression:
        zero = self.weight(0)
        red: list[exp.Expression] = []
        good: list[exp.Expression] = []
        for r, rule in enumerate(self.rules):
            if rule.kind == "note":
                continue
            o = col(self.name("o", r))
            term = case(
                [
                    (exp.EQ(this=o, expression=exp.Literal.number(i + 1)), self.weight(lv.weight))
                    for i, lv in enumerate(rule.levels)
                ],
                zero,
            )
            (red if rule.kind == "red-flag" else good).append(term)
        return exp.Sub(this=paren(add(red, zero)), expression=paren(add(good, zero)))

    def hit(self, severities: Sequence[str]) -> exp.Expression:
        """Did a red flag of one of these severities fire?"""
        tests = []
        for r, rule in enumerate(self.rules):
            if rule.kind != "red-flag":
                continue
            levels = [i + 1 for i, lv in enumerate(rule.levels) if lv.severity in severities]
            if levels:
                o = col(self.name("o", r))
                tests.append(is_true(exp.In(this=o, expressions=[exp.Literal.number(i) for i in levels])))
        return or_(*tests)

    def verdict(self, score: exp.Expression) -> exp.Expression:
        policy = self.catalog.policy
        whens = []
        for word, threshold in (("decline", policy.decline_if), ("caution", policy.caution_if)):
            tests = [self.hit(threshold.any_severity)]
            if threshold.min_score is not None:
                tests.append(exp.GTE(this=score, expression=self.weight(threshold.min_score)))
            whens.append((or_(*tests), exp.Literal.string(word)))
        return case(whens, exp.Literal.string("go"))

    # -- queries

    def rank_layer(self) -> str:
        """Add the ranks of the questions to ask (once); returns the CTE to select from."""
        label = self.name("rk")
        if self.last == label:
            return label
        new = []
        stakes = {qid: col(self.name("s", self.order[qid])) for qid in self.candidates}
        for qid, s in stakes.items():
            beaten = []
            for other, t in stakes.items():
                if other == qid:
                    continue
                ahead: exp.Expression = exp.GT(this=t, expression=s)
                if self.order[other] < self.order[qid]:
                    ahead = or_(ahead, exp.EQ(this=t, expression=s))
                beaten.append(case([(ahead, exp.Literal.number(1))], exp.Literal.number(0)))
            new.append(alias(add(beaten, exp.Literal.number(0)), self.name("r", self.order[qid])))
        self.add_layer("rk", new)
        return label

    def ask(self, k: int) -> exp.Expression:
        """The k-th question to ask (1-based), as evaluate's ask_next ranks them; NULL if none."""
        whens = []
        for qid in self.candidates:
            s, rank = col(self.name("s", self.order[qid])), col(self.name("r", self.order[qid]))
            test = and_(exp.GT(this=s, expression=lit(0.0)), exp.EQ(this=rank, expression=exp.Literal.number(k - 1)))
            whens.append((test, exp.Literal.string(qid)))
        return case(whens, exp.cast(exp.Null(), "TEXT"))

    def query(self, outputs: Sequence[exp.Expression], frm: str | None = None) -> exp.Select:
        select = exp.select(*outputs).from_(exp.to_table(frm or self.last, quoted=True))
        for name, cte in self.ctes:
            select = select.with_(ident(name), as_=cte)
        return select

    def public(self, ask_top: int = ASK_TOP) -> exp.Select:
        """The query of `clientcheck sql`: per client, the kept columns, client, verdict, score, a
        column per rule (the level that fired, 0 for not fired, NULL for undecided) and the first
        questions to ask."""
        frm = self.rank_layer() if ask_top else self.last
        outs: list[exp.Expression] = [col(k) for k in self.keep]
        outs.append(col(CLIENT_KEY))
        outs.append(alias(col(self.name("verdict")), "verdict"))
        outs.append(alias(col(self.name("score")), "score"))
        for r, rule in enumerate(self.rules):
            outs.append(alias(col(self.name("o", r)), ident(rule.id)))
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
    plan = Plan(catalog, rules, table=table_name(table), columns=columns, keep=keep)
    query: exp.Expression = plan.public(ask)
    if view is not None:
        query = exp.Create(this=table_name(view), kind="VIEW", replace=True, expression=query)
    return to_sql(query, dialect, pretty)
