"""The checked rules as a chain of SQL steps (CTEs), as a sqlglot syntax tree.

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
  op    per rule: the level that fired (0: none; a rule of one level needs none), and which
        levels are still open
  ak    per rule: the heaviest open level, and for each question whether it is one to ask
  oc    per rule: the outcome, the fired level (1, 2, ...), 0 for not fired, NULL for undecided
  sc    score and verdict; what each unknown question has at stake (evaluate.rank_questions)
  rk    the rank of each question to ask
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

from sqlglot import exp

from clientcheck.model import CLIENT_KEY, UNKNOWN, Catalog, Question, Rule
from clientcheck.sql.cond import Context, condition
from clientcheck.sql.nodes import alias, and_, case, col, ident, is_false, is_null, is_true, lit, not_, or_
from clientcheck.sql.ranking import Ranking

ASK_DEPTH = 8  # as evaluate._askable: gates behind gates are followed this deep

SQL_TYPES = {
    "yesno": "BOOLEAN",
    "choice": "TEXT",
    "text": "TEXT",
    "integer": "BIGINT",
    "number": "DOUBLE",
    "multi": "ARRAY<TEXT>",
    "date": "DATE",
}


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


def literal(q: Question, value: Any) -> exp.Expression:
    """An answer to q as a typed SQL literal (None or "don't know": a typed NULL)."""
    kind = SQL_TYPES[q.type]
    if value is None or value is UNKNOWN:
        return exp.cast(exp.Null(), kind)
    if isinstance(value, frozenset):
        return exp.cast(exp.Array(expressions=[exp.Literal.string(v) for v in sorted(value)]), kind)
    if isinstance(value, _dt.date):
        return exp.cast(exp.Literal.string(value.isoformat()), kind)
    if isinstance(value, str):
        return exp.cast(exp.Literal.string(value), kind)
    return exp.cast(lit(value), kind)


class Plan(Ranking):
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
        filled: Mapping[str, Any] | None = None,
    ) -> None:
        """table: the table's name (or a sqlglot table expression); columns: the question columns it
        has, and `client` if it has the clients' names (None: all of them); keep: more of its
        columns to carry through; answered: per question, a test that it was answered at all
        (default: IS NOT NULL), for the ignored answers; source: a query to read instead of the
        table, whose columns are already named and typed; today: the date conditions take as
        today (YYYY-MM-DD; default: the database's CURRENT_DATE); filled: answers for the
        questions a row leaves unanswered (a seller profile's, as profile.apply fills them in)."""
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
        self.materialized = set()
        self.same = set()
        present = set([*self.questions, CLIENT_KEY] if columns is None else columns)
        answered = dict(answered or {})
        filled = filled or {}

        # -- in: the question columns, typed; missing ones are unknown
        if source is not None:
            base: exp.Expression = source.subquery(ident(self.name("src")), copy=False)
        elif isinstance(table, str):
            base = exp.to_table(table, quoted=True) if "." not in table else exp.to_table(table)
        else:
            base = table
        outs: list[exp.Expression] = [col(k) for k in self.keep]
        outs.append(col(CLIENT_KEY) if CLIENT_KEY in present else alias(exp.cast(exp.Null(), "TEXT"), CLIENT_KEY))
        for qid, q in self.questions.items():
            if qid in filled:  # what the row leaves unanswered, the profile answers
                given = literal(q, filled[qid])
                if qid in present:
                    test = answered.get(qid, exp.Not(this=is_null(col(qid))))
                    given = case([(test, col(qid))], given)
                outs.append(alias(given, ident(qid)))
                answered[qid] = exp.true()
            elif qid in present:
                outs.append(col(qid))
            else:
                outs.append(alias(exp.cast(exp.Null(), SQL_TYPES[q.type]), ident(qid)))
        for qid, q in self.questions.items():
            if q.when is not None:
                test = answered.get(qid, exp.Not(this=is_null(col(qid))))
                outs.append(alias(test, self.name("a", qid)))
        self.add_layer("in", exp.select(*outs).from_(base, copy=False))

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
                new.append(alias(case([(gate, col(qid))]), self.name("xe", qid)))  # a CASE takes NULL for no
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
        new = [
            alias(self.verdict(self.counts("k"), col(self.name("score")), self.any_fired("k")), self.name("verdict"))
        ]
        new += [alias(c, self.name("wc", sev)) for sev, c in self.worst_counts().items()]
        new += [alias(self.worst_score(), self.name("ws")), alias(self.best_score(), self.name("bs"))]
        self.add_layer("vd", new)
        self.add_layer("rg", [alias(self.best(), self.name("best")), alias(self.worst(), self.name("worst"))])

    def rule_layers(self, group: int, members: list[int]) -> None:
        """lv, op, ak, oc for these rules in both passes (evaluate.rule_outcome)."""
        lv: list[exp.Expression] = []
        op: list[exp.Expression] = []
        ak: list[exp.Expression] = []
        oc: list[exp.Expression] = []
        known: dict[int, list[str]] = {}
        for tag in ("k", "x"):
            ctx = _Pass(self, tag)
            for r in members:
                rule = self.rules[r]
                conditions = [condition(level.when.tree, ctx) for level in rule.levels]
                texts = [c.sql(dialect="duckdb", identify=True) for c in conditions]
                if tag == "k":
                    known[r] = texts
                elif texts == known[r]:
                    # what could still happen is what is known: every answer it reads applies
                    # surely (no `when`), no known(), no fired() of a rule that differs. Its
                    # outcome is the known pass's (Layers.name): a third less of the rules' work
                    self.same.add(r)
                    self.entries[tag][r] = self.entries["k"][r]
                    continue
                for i, c in enumerate(conditions):
                    lv.append(alias(c, self.name(tag + "l", r, i)))
                values: list[exp.Expression] = [col(self.name(tag + "l", r, i)) for i in range(len(rule.levels))]
                if len(values) > 1:
                    # the walk of evaluate.rule_outcome: an unknown level ends it unfired, the first
                    # true one fires (a CASE takes NULL for no: no COALESCE over the earlier levels)
                    fired: list[tuple[exp.Expression, exp.Expression]] = []
                    for i, v in enumerate(values):
                        if i < len(values) - 1:
                            fired.append((is_null(v.copy()), lit(0)))
                        fired.append((v.copy(), lit(i + 1)))
                    op.append(alias(case(fired, lit(0)), self.name(tag + "f", r)))
                for i, v in enumerate(values):
                    # open: not known false, and no earlier level true (the first true one ends the walk)
                    opened = and_(
                        exp.Coalesce(this=v, expressions=[exp.true()]), *(not_(is_true(e)) for e in values[:i])
                    )
                    op.append(alias(opened, self.name(tag + "p", r, i)))
                heaviest = sorted(range(len(rule.levels)), key=lambda i: (-rule.levels[i].weight, i))
                top: exp.Expression = case([(col(self.name(tag + "p", r, i)), lit(i + 1)) for i in heaviest])
                if len({(lv.weight, lv.severity) for lv in rule.levels}) == 1:
                    # the heaviest open level is read only while the rule is undecided (then some
                    # level is open), for its weight and severity: here every level's are the same
                    top = lit(1)
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
                        # with one level, asked once it is not true: open is unknown then
                        opened = is_null(values[0].copy()) if len(values) == 1 else col(self.name(tag + "p", r, i))
                        could_ask.append(and_(opened, or_(*reasons)))
                asks = or_(*could_ask)
                if len(values) == 1:  # fired when its one level is true: no walk to keep
                    outcome = case([(values[0].copy(), lit(1)), (asks, exp.Null())], lit(0))
                else:
                    f = col(self.name(tag + "f", r))
                    outcome = case([(exp.GT(this=f, expression=lit(0)), f.copy()), (asks, exp.Null())], lit(0))
                oc.append(alias(outcome, self.name(tag + "o", r)))
        for label, new in (("lv", lv), ("op", op), ("ak", ak), ("oc", oc)):
            self.add_layer(f"{label}{group}", new)

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
