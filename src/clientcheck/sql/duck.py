"""`clientcheck check` through an embedded DuckDB: Parquet, and JSON Lines or CSV with --engine duckdb.

The rules run as the query of gen.Plan, in DuckDB, on every core. In front of it a layer reads
and checks the answers (for JSON Lines: parses each line with DuckDB's JSON functions; for
Parquet: the typed columns); behind it, for `--format jsonl`, a layer writes each client's
`clientcheck.result/2` record from pieces prepared once per rule level by render/jsonl.py, so
the records are byte for byte those of the Python path. Other formats get the rule outcomes and
build the batch's compact results (compiled.Result) from them.

A row the SQL check does not pass (a wrong answer, an unknown key, broken JSON, a text it would
escape differently) is not dropped: it goes the ordinary way (answers.validate + evaluate) in its
place in the output, which either scores it or reports it as FILE:LINE: message, exactly as the
Python path does. So the SQL check only has to be right about what it passes.

Lines of JSON Lines and rows of CSV are read by clientcheck (so line numbers, byte order marks,
CSV conventions and messages are the usual ones) and handed to DuckDB as Arrow batches.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import duckdb
import orjson
import pyarrow as pa
from sqlglot import exp

from clientcheck.batch import Runner, Sink
from clientcheck.compiled import FindingInfo, OpenRule, Result, _known_when
from clientcheck.conditions import suggest
from clientcheck.errors import ClientcheckError, Mark
from clientcheck.model import (
    CLIENT_KEY,
    Answers,
    AskNext,
    Catalog,
    Evidence,
    Finding,
    Question,
    Rule,
    Undecided,
    Verdict,
)
from clientcheck.readers import Source, chunks, open_binary
from clientcheck.render.jsonl import _finding
from clientcheck.sql.gen import Plan, alias, and_, case, col, ident, is_null, lit, not_, or_, paren

BATCH = 1 << 13  # JSON Lines / CSV records per query (a few megabytes of text)
FETCH = 8192  # result rows fetched at a time: the output of a batch is a few megabytes


def fn(name: str, *args: exp.Expression) -> exp.Expression:
    return exp.Anonymous(this=name, expressions=list(args))


def s(text: str) -> exp.Expression:
    return exp.Literal.string(text)


def concat(*parts: exp.Expression) -> exp.Expression:
    """One variadic concat(): a chain of || would copy the growing text once per piece."""
    return fn("concat", *parts)


def concat_ws(items: Sequence[exp.Expression]) -> exp.Expression:
    """The non-NULL items joined with commas ('' for none)."""
    if not items:
        return s("")
    return fn("concat_ws", s(","), *items)


def json_text(value: object) -> str:
    return orjson.dumps(value).decode("utf-8")


def lambda_(body: exp.Expression) -> exp.Expression:
    return exp.Lambda(this=body, expressions=[exp.to_identifier("x")])


X = exp.column("x")


# ---------------------------------------------------------------- reading and checking


def _in(e: exp.Expression, values: Sequence[str]) -> exp.Expression:
    return exp.In(this=paren(e), expressions=[s(v) for v in values])


def _range(q: Question, v: exp.Expression) -> list[exp.Expression]:
    tests: list[exp.Expression] = []
    if q.min is not None:
        tests.append(exp.GTE(this=v, expression=lit(q.min)))
    if q.max is not None:
        tests.append(exp.LTE(this=v, expression=lit(q.max)))
    return tests


def json_source(catalog: Catalog) -> exp.Select:
    """JSON Lines text (columns line, raw) as typed answers, an `ok` flag and `answered` tests.

    `ok` is true only for what the Python fast path takes as it is: an object of known keys,
    none repeated, each answer of its question's type and range, the client's name as text
    without control characters (their escapes are written differently)."""
    j = exp.column("j")
    known = [CLIENT_KEY, *catalog.questions]
    outs: list[exp.Expression] = [exp.column("line")]
    oks: list[exp.Expression] = [
        exp.EQ(this=fn("json_type", j), expression=s("OBJECT")),
        exp.EQ(
            this=fn("len", fn("list_filter", fn("json_keys", j), lambda_(not_(_in(X, known))))),
            expression=lit(0),
        ),
        exp.EQ(this=fn("len", fn("json_keys", j)), expression=fn("len", fn("list_distinct", fn("json_keys", j)))),
    ]
    for at, name in enumerate(known, 1):
        v = fn("list_extract", exp.column("vs"), lit(at))  # each line is parsed once, below
        t = fn("json_type", v)
        text = fn("json_extract_string", v, s("$"))
        q = catalog.questions.get(name)
        null = or_(is_null(v), exp.EQ(this=t, expression=s("NULL")))
        if q is None:  # the client
            value: exp.Expression = case([(exp.EQ(this=t, expression=s("VARCHAR")), text)])
            ok = or_(
                null,
                and_(
                    exp.EQ(this=t, expression=s("VARCHAR")),
                    not_(fn("regexp_matches", text, s("[\\x00-\\x1f\\x7f]"))),
                ),
            )
        elif q.type == "yesno":
            value = case(
                [(exp.EQ(this=t, expression=s("BOOLEAN")), exp.TryCast(this=v, to=exp.DataType.build("BOOLEAN")))]
            )
            ok = or_(null, exp.EQ(this=t, expression=s("BOOLEAN")))
        elif q.type in ("choice", "text"):
            value = case([(exp.EQ(this=t, expression=s("VARCHAR")), text)])
            fits = exp.EQ(this=t, expression=s("VARCHAR"))
            ok = or_(null, and_(fits, _in(text, q.choice_ids)) if q.type == "choice" else fits)
        elif q.type in ("integer", "number"):
            numeric = _in(t, ["BIGINT", "UBIGINT", "DOUBLE"])
            as_double = exp.TryCast(this=v, to=exp.DataType.build("DOUBLE"))
            if q.type == "integer":
                value = case(
                    [
                        (_in(t, ["BIGINT", "UBIGINT"]), exp.TryCast(this=v, to=exp.DataType.build("BIGINT"))),
                        (
                            exp.EQ(this=t, expression=s("DOUBLE")),
                            exp.TryCast(this=as_double, to=exp.DataType.build("BIGINT")),
                        ),
                    ]
                )
                whole = or_(
                    _in(t, ["BIGINT", "UBIGINT"]),
                    and_(fn("isfinite", as_double), exp.EQ(this=as_double, expression=fn("trunc", as_double))),
                )
                ok = or_(null, and_(numeric, whole, not_(is_null(value)), *_range(q, value)))
            else:
                value = case([(numeric, as_double)])
                ok = or_(null, and_(numeric, fn("isfinite", as_double), *_range(q, as_double)))
        elif q.type == "date":
            # YYYY-MM-DD exactly; anything looser (spaces around it) the ordinary way decides
            iso = and_(
                exp.EQ(this=t, expression=s("VARCHAR")),
                fn("regexp_full_match", text, s("[0-9]{4}-[0-9]{2}-[0-9]{2}")),
            )
            day = exp.TryCast(this=text.copy(), to=exp.DataType.build("DATE"))
            value = case([(iso, day)])
            ok = or_(null, and_(iso.copy(), not_(is_null(day.copy()))))
        else:  # multi: a list of choice ids (no repeats: it is a set), or one choice id
            items = exp.TryCast(this=v, to=exp.DataType.build("JSON[]"))  # SQL does not short-circuit
            bad_item = or_(
                exp.NEQ(this=fn("json_type", X), expression=s("VARCHAR")),
                not_(_in(fn("json_extract_string", X, s("$")), q.choice_ids)),
            )
            value = case(
                [
                    (
                        exp.EQ(this=t, expression=s("ARRAY")),
                        fn("list_transform", items, lambda_(fn("json_extract_string", X, s("$")))),
                    ),
                    (exp.EQ(this=t, expression=s("VARCHAR")), exp.Array(expressions=[text])),
                ]
            )
            ok = or_(
                null,
                and_(
                    exp.EQ(this=t, expression=s("ARRAY")),
                    exp.EQ(this=fn("len", fn("list_filter", items, lambda_(bad_item))), expression=lit(0)),
                    exp.EQ(this=fn("len", items.copy()), expression=fn("len", fn("list_distinct", items.copy()))),
                ),
                and_(exp.EQ(this=t, expression=s("VARCHAR")), _in(text, q.choice_ids)),
            )
        outs.append(alias(value, ident(name)))
        outs.append(alias(not_(is_null(v)), ident("cc_answered_" + name)))
        oks.append(ok)
    outs.append(alias(exp.Coalesce(this=and_(*oks), expressions=[exp.false()]), "ok"))
    parsed_json = exp.TryCast(this=exp.column("raw"), to=exp.DataType.build("JSON"))
    paths = exp.Array(expressions=[s(f'$."{name}"') for name in known])
    parsed = exp.select(
        exp.column("line"), alias(parsed_json, "j"), alias(fn("json_extract", parsed_json.copy(), paths), "vs")
    ).from_("batch")
    return exp.select(*outs).from_(parsed.subquery("parsed"))


_INTS = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT", "HUGEINT")
_FLOATS = ("FLOAT", "DOUBLE")


def parquet_source(catalog: Catalog, path: str, types: dict[str, str]) -> exp.Select:
    """A Parquet file's typed columns as answers, with an `ok` flag per row, as json_source."""
    outs: list[exp.Expression] = [alias(exp.Add(this=exp.column("file_row_number"), expression=lit(1)), "line")]
    oks: list[exp.Expression] = []
    for name in (CLIENT_KEY, *catalog.questions):
        kind = types.get(name)
        q = catalog.questions.get(name)
        v = col(name)
        null = is_null(v)
        value: exp.Expression = v
        if kind is None:
            continue
        base = kind.split("(")[0]
        if q is None:
            ok = or_(null, not_(fn("regexp_matches", v, s("[\\x00-\\x1f\\x7f]")))) if base == "VARCHAR" else null
        elif q.type == "yesno":
            ok = exp.true() if base == "BOOLEAN" else null
        elif q.type in ("choice", "text"):
            fits = or_(null, _in(v, q.choice_ids)) if q.type == "choice" else exp.true()
            ok = fits if base == "VARCHAR" else null
        elif q.type in ("integer", "number"):
            if base in _INTS or base in _FLOATS or base == "DECIMAL":
                d = exp.cast(v, "DOUBLE")
                tests = [fn("isfinite", d), *_range(q, d)]
                if q.type == "integer" and base not in _INTS:
                    tests.append(exp.EQ(this=d, expression=fn("trunc", d)))
                ok = or_(null, and_(*tests))
                value = exp.cast(v, "BIGINT") if q.type == "integer" else d
                if q.type == "integer" and base not in _INTS:
                    value = exp.TryCast(this=v, to=exp.DataType.build("BIGINT"))
            else:
                ok = null
        elif q.type == "date":
            ok = exp.true() if base == "DATE" else null
        else:  # multi
            if kind == "VARCHAR[]":
                bad = fn("list_filter", v, lambda_(or_(is_null(X), not_(_in(X, q.choice_ids)))))
                once = exp.EQ(this=fn("len", v.copy()), expression=fn("len", fn("list_distinct", v.copy())))
                ok = or_(null, and_(exp.EQ(this=fn("len", bad), expression=lit(0)), once))
            elif base == "VARCHAR":
                ok = or_(null, _in(v, q.choice_ids))
                value = case([(not_(null), exp.Array(expressions=[v]))])
            else:
                ok = null
        outs.append(alias(value, ident(name)))
        oks.append(ok)
    outs.append(alias(exp.Coalesce(this=and_(*oks), expressions=[exp.false()]), "ok"))
    scan = fn("read_parquet", s(path), exp.EQ(this=exp.column("file_row_number"), expression=exp.true()))
    return exp.select(*outs).from_(exp.Table(this=scan))


# ---------------------------------------------------------------- results


class Layout:
    """The queries for one catalog and selection of rules, and the pieces of their records."""

    def __init__(self, catalog: Catalog, rules: Sequence[Rule], all_raw: bool = False) -> None:
        self.all_raw = all_raw
        self.catalog = catalog
        self.rules = tuple(rules)
        self.index = {qid: i for i, qid in enumerate(catalog.questions)}
        red_levels = [
            (r, i) for r, rule in enumerate(self.rules) if rule.kind == "red-flag" for i in range(len(rule.levels))
        ]
        ranked = sorted(red_levels, key=lambda ri: (-self.rules[ri[0]].levels[ri[1]].weight, red_levels.index(ri)))
        self.rank = {ri: n for n, ri in enumerate(ranked)}
        self.infos: dict[tuple[int, int], FindingInfo] = {}
        for r, rule in enumerate(self.rules):
            for i, level in enumerate(rule.levels):
                names = tuple((n, self.index[n]) for n in level.when.names)
                self.infos[(r, i)] = FindingInfo(
                    rule,
                    r,
                    level.severity,
                    level.weight,
                    names,
                    _known_when(level.when.tree, True),
                    self.rank.get((r, i), 0),
                )
        self.level_of = {id(info): i for (_, i), info in self.infos.items()}
        self.open_rules: dict[tuple[int, int, tuple[str, ...], tuple[int, ...]], OpenRule] = {}

    def plan(self, source: exp.Select, columns: Sequence[str], answered: bool, raw: Sequence[str] = ()) -> Plan:
        marks = {qid: col("cc_answered_" + qid) for qid in self.catalog.questions} if answered else None
        keep = ("line", "ok", *(f"cc_answered_{q}" for q in self.catalog.questions if answered))
        keep += tuple("cc_raw_" + name for name in raw)
        from clientcheck.functions import today

        return Plan(
            self.catalog,
            self.rules,
            columns=columns,
            keep=keep,
            answered=marks,
            source=source,
            today=today().isoformat(),
        )

    # -- for --format jsonl: the record, written by DuckDB

    def ask_list(self, plan: Plan, r: int, tag: str = "k") -> exp.Expression:
        """The questions that would decide rule r, in evaluate's order, as JSON strings joined."""
        items = []
        entries = plan.entries[tag][r]
        for n, entry in enumerate(entries):
            earlier = [e.cond for e in entries[:n] if e.question == entry.question]
            test = and_(entry.cond, not_(or_(*earlier))) if earlier else entry.cond
            items.append(case([(test, s(json_text(entry.question)))]))
        return concat_ws(items)

    def record(self, plan: Plan, head: bytes, tail: bytes) -> exp.Expression:
        """The clientcheck.result/2 record of a row, as render/jsonl.Encoder writes it."""
        at = plan.chosen_index  # this layout's rule r is the plan's rule at[r]
        o = [col(plan.name("ko", at[r])) for r in range(len(self.rules))]
        t = [col(plan.name("kt", at[r])) for r in range(len(self.rules))]
        p = [[col(plan.name("kp", at[r], i)) for i in range(len(rule.levels))] for r, rule in enumerate(self.rules)]

        def fired(r: int, i: int) -> exp.Expression:
            return exp.EQ(this=o[r].copy(), expression=lit(i + 1))

        red = [
            case([(fired(r, i), s(_finding(self.infos[(r, i)]).decode()))])
            for (r, i) in sorted(self.rank, key=self.rank.__getitem__)
        ]
        good = [
            case([(fired(r, i), s(_finding(self.infos[(r, i)]).decode()))])
            for r, rule in enumerate(self.rules)
            if rule.kind == "good-sign"
            for i in range(len(rule.levels))
        ]
        notes = [
            case([(fired(r, i), s(_finding(self.infos[(r, i)]).decode()))])
            for r, rule in enumerate(self.rules)
            if rule.kind == "note"
            for i in range(len(rule.levels))
        ]
        # an undecided rule's JSON, once per rule, in a layer of its own: it is listed below once
        # per weight its open levels may have
        texts: list[exp.Expression] = []
        for r, rule in enumerate(self.rules):
            start = json_text({"id": rule.id, "kind": rule.kind})[:-1] + ',"max_severity":'
            severity = case(
                [
                    (exp.EQ(this=t[r].copy(), expression=lit(i + 1)), s(json_text(lv.severity)))
                    for i, lv in enumerate(rule.levels)
                ]
            )
            # every severity it could still fire at: of the open levels, in level order, once each
            could = []
            for i, lv in enumerate(rule.levels):
                if lv.severity is None:
                    continue
                same = [p[r][j].copy() for j in range(i) if rule.levels[j].severity == lv.severity]
                opened = and_(p[r][i].copy(), not_(or_(*same))) if same else p[r][i].copy()
                could.append(case([(opened, s(json_text(lv.severity)))]))
            item = concat(
                s(start),
                severity,
                s(',"severities":['),
                concat_ws(could),
                s('],"ask":['),
                self.ask_list(plan, at[r]),
                s("]}"),
            )
            texts.append(alias(case([(is_null(o[r].copy()), item)]), plan.name("ud", r)))
        plan.add_layer("ud", texts)
        # undecided rules, heaviest open level first, ties in rule order: by weight, then rule
        undecided = []
        weights = sorted({lv.weight for rule in self.rules for lv in rule.levels}, reverse=True)
        for w in weights:
            for r, rule in enumerate(self.rules):
                levels = [i + 1 for i, lv in enumerate(rule.levels) if lv.weight == w]
                if levels:
                    test = exp.In(this=t[r].copy(), expressions=[lit(i) for i in levels])
                    undecided.append(case([(test, col(plan.name("ud", r)))]))
        ignored = [
            case([(col(plan.name("i", qid)), s(json_text(qid)))])
            for qid, q in self.catalog.questions.items()
            if q.when is not None
        ]
        client = col(CLIENT_KEY)
        score = col(plan.name("score"))
        score_text: exp.Expression = exp.cast(score, "TEXT")
        if not plan.integral():
            # a score with float weights in it is written as a float, like Python's: 2.0, not 2
            floats = [
                fired(r, i)
                for r, rule in enumerate(self.rules)
                if rule.kind != "note"
                for i, lv in enumerate(rule.levels)
                if not isinstance(lv.weight, int)
            ]
            score_text = case([(or_(*floats), exp.cast(score, "TEXT"))], exp.cast(exp.cast(score, "BIGINT"), "TEXT"))
        return concat(
            s(head.decode()),
            exp.cast(col("line"), "TEXT"),
            s(',"client":'),
            case([(is_null(client), s("null"))], exp.cast(fn("to_json", client), "TEXT")),
            s(',"verdict":"'),
            col(plan.name("verdict")),
            s('","range":{"best":"'),
            col(plan.name("best")),
            s('","worst":"'),
            col(plan.name("worst")),
            s('"},"settled":'),
            case([(exp.EQ(this=col(plan.name("best")), expression=col(plan.name("worst"))), s("true"))], s("false")),
            s(',"score":'),
            score_text,
            s(',"findings":['),
            concat_ws(red),
            s('],"good_signs":['),
            concat_ws(good),
            s('],"notes":['),
            concat_ws(notes),
            s('],"undecided":['),
            concat_ws(undecided),
            s('],"ignored_answers":['),
            concat_ws(ignored),
            s("]"),
            s(tail.decode()),
        )

    def records_query(self, plan: Plan, head: bytes, tail: bytes, raw: Sequence[str] = ()) -> str:
        """line, the record (NULL for a row to take the ordinary way), and for such rows the
        answers as read (Parquet; `raw` names the columns)."""
        ok = col("ok")
        fast: exp.Expression = ok
        if not plan.integral():
            # a fractional score is written by Python: DuckDB would round its digits
            score = col(plan.name("score"))
            fast = and_(ok, exp.EQ(this=score, expression=fn("trunc", score)))
        outs: list[exp.Expression] = [col("line"), alias(case([(fast, self.record(plan, head, tail))]), "record")]
        for name in raw:
            outs.append(alias(case([(not_(fast), col("cc_raw_" + name))]), ident("cc_raw_" + name)))
        return plan.query(outs).sql(dialect="duckdb")

    # -- for the other formats: rule outcomes, made into compiled.Result in Python

    def outcomes_query(self, plan: Plan, raw: Sequence[str] = ()) -> str:
        outs: list[exp.Expression] = [
            col("line"),
            col("ok"),
            col(CLIENT_KEY),
            col(plan.name("verdict")),
            col(plan.name("score")),
            col(plan.name("best")),
            col(plan.name("worst")),
        ]
        for r, rule in enumerate(self.rules):
            at = plan.chosen_index[r]
            outs.append(col(plan.name("ko", at)))
            outs.append(col(plan.name("kt", at)))
            undecided = is_null(col(plan.name("ko", at)))
            outs.append(case([(undecided, self.ask_list(plan, at))]))
            opened = [case([(col(plan.name("kp", at, i)), lit(i))]) for i in range(len(rule.levels))]
            outs.append(case([(undecided.copy(), exp.Array(expressions=opened))]))
            # what could still happen: for the questions to ask next (evaluate._ask_next)
            x_undecided = is_null(col(plan.name("xo", at)))
            outs.append(col(plan.name("xo", at)))
            outs.append(case([(x_undecided, self.ask_list(plan, at, "x"))]))
            opened = [case([(col(plan.name("xp", at, i)), lit(i))]) for i in range(len(rule.levels))]
            outs.append(case([(x_undecided.copy(), exp.Array(expressions=opened))]))
        ignored = [
            case([(col(plan.name("i", qid)), s(qid))])
            for qid, q in self.catalog.questions.items()
            if q.when is not None
        ]
        outs.append(concat_ws(ignored))
        for qid in self.catalog.questions:
            outs.append(plan.value(qid, "k"))
        for name in raw:
            # the answers as read: for the rows that take the ordinary way, or all (--format json)
            value = col("cc_raw_" + name)
            outs.append(value if self.all_raw else case([(not_(col("ok")), value)]))
        return plan.query(outs).sql(dialect="duckdb")

    def result(self, row: Sequence[Any]) -> Result:
        """A row of outcomes_query as the batch formats take it."""
        client, verdict, score, best, worst = row[2], row[3], row[4], row[5], row[6]
        red: list[FindingInfo] = []
        good: list[FindingInfo] = []
        notes: list[FindingInfo] = []
        open_rules: list[OpenRule] = []
        at = 7
        possible: list[tuple[Rule, int | None, str | None, Any]] = []
        for r, rule in enumerate(self.rules):
            o, t, ask, opened = row[at], row[at + 1], row[at + 2], row[at + 3]
            possible.append((rule, row[at + 4], row[at + 5], row[at + 6]))
            at += 7
            if o is None:
                levels = tuple(i for i in opened if i is not None)
                key = (r, t, tuple(orjson.loads("[" + ask + "]")), levels)
                found = self.open_rules.get(key)
                if found is None:
                    level = rule.levels[t - 1]
                    severities = tuple(
                        dict.fromkeys(rule.levels[i].severity for i in levels if rule.levels[i].severity)
                    )
                    found = self.open_rules[key] = OpenRule(rule, r, level.severity, level.weight, key[2], severities)
                open_rules.append(found)
            elif o:
                info = self.infos[(r, o - 1)]
                {"red-flag": red, "good-sign": good, "note": notes}[rule.kind].append(info)
        ignored = tuple(row[at].split(",")) if row[at] else ()
        at += 1
        values = tuple(frozenset(v) if isinstance(v, list) else v for v in row[at : at + len(self.catalog.questions)])
        red.sort(key=lambda f: f.rank)
        order = (self.index, self.catalog.policy)
        if (
            not isinstance(score, int)
            and float(score).is_integer()
            and not any(not isinstance(f.weight, int) for f in (*red, *good))
        ):
            score = int(score)
        ask_next = self.ask_next(open_rules, possible)
        return Result(
            (client, verdict, score, red, good, notes, open_rules, ignored, values, order, ask_next, best, worst)
        )

    def ask_next(
        self, open_rules: list[OpenRule], possible: list[tuple[Rule, int | None, str | None, Any]]
    ) -> list[tuple[str, tuple[str, ...]]]:
        """evaluate._ask_next on the outcomes DuckDB worked out."""
        from clientcheck.evaluate import OpenItem, pivots, rank_questions

        counts: dict[str, int] = {}
        red = good = 0.0
        items: list[OpenItem] = []
        open_ids: list[str] = []
        x_ask: dict[str, tuple[str, ...]] = {}
        x_weight: dict[str, float] = {}
        for rule, o, ask, opened in possible:
            if o is None:
                levels = [rule.levels[i] for i in opened if i is not None]
                severities = tuple(dict.fromkeys(lv.severity for lv in levels if lv.severity))
                weight = max(lv.weight for lv in levels)
                items.append(OpenItem(rule.kind, severities, weight))
                open_ids.append(rule.id)
                x_ask[rule.id] = tuple(orjson.loads("[" + (ask or "") + "]"))
                x_weight[rule.id] = weight
            elif o:
                level = rule.levels[o - 1]
                if rule.kind == "red-flag":
                    red += level.weight
                    if level.severity:
                        counts[level.severity] = counts.get(level.severity, 0) + 1
                elif rule.kind == "good-sign":
                    good += level.weight
        worth = dict(zip(open_ids, pivots(self.catalog.policy, counts, red, good, items), strict=True))
        entries = [(u.ask, u.id, u.max_weight, worth.get(u.id, 0)) for u in open_rules]
        listed = {u.id for u in open_rules}
        entries += [(x_ask[rid], rid, x_weight[rid], worth[rid]) for rid in open_ids if rid not in listed]
        return rank_questions(entries, self.index)

    def verdict(self, r: Result, answers: Answers) -> Verdict:
        """The full verdict of a result, for the formats that show everything (--format json)."""

        from clientcheck.evaluate import effective

        env, _ = effective(self.catalog, answers)

        def finding(info: FindingInfo) -> Finding:
            rule = self.rules[info.rule_index]
            n = self.level_of[id(info)]
            level = rule.levels[n]
            # the answers as read: a whole number stays whole where SQL computed in DOUBLE
            evidence = tuple(Evidence(q, answers.values[q]) for q, _ in r.evidence(info))
            # the later levels that hold too, with what they read: detail for the full format
            also = tuple(
                (lv, tuple(Evidence(q, env[q]) for q in lv.when.names if q in env))
                for lv in rule.levels[n + 1 :]
                if lv.when(env) is True
            )
            return Finding(rule, info.severity, info.weight, evidence, level.advice or rule.advice, n, also)

        undecided = tuple(
            Undecided(self.rules[u.rule_index], u.ask, u.max_severity, u.max_weight, u.severities) for u in r.undecided
        )
        return Verdict(
            r.verdict,  # type: ignore[arg-type]
            r.score,
            tuple(finding(f) for f in r.red),
            tuple(finding(f) for f in r.good),
            tuple(finding(f) for f in r.notes),
            undecided,
            tuple(AskNext(q, rules) for q, rules in r.ask_next),
            answers,
            tuple(r.ignored),
            r.best,
            r.worst,
        )


# ---------------------------------------------------------------- the runner


def _joined(records: Any) -> bytes:
    """A batch of records (each ends with a line break) as one piece of output: for a plain
    Arrow string array the records already lie end to end in its data buffer."""
    if type(records).__name__ == "StringArray" and len(records):
        _, offsets_buffer, data = records.buffers()
        offsets = memoryview(offsets_buffer).cast("i")  # int32 offsets into the data buffer
        start, end = offsets[records.offset], offsets[records.offset + len(records)]
        return bytes(memoryview(data)[start:end])
    return "".join(records.to_pylist()).encode("utf-8")


class DuckRunner(Runner):
    """batch.Runner with JSON Lines, CSV and Parquet scored in DuckDB; YAML and JSON answers
    files (one client each) the usual way."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # results in input order; a bounded memory (it spills to disk rather than grow past it)
        self.con = duckdb.connect(config={"preserve_insertion_order": True, "memory_limit": "256MB"})
        self.layout = Layout(self.catalog, self.rules, all_raw=self.sink.needs_verdict)
        self.plans: dict[tuple[str, ...], tuple[Plan, str]] = {}
        self.fused = getattr(self.sink, "record_format", None) is not None and not self.sink.needs_verdict

    # -- inputs

    def _run(self, sources: Any) -> int:
        try:
            return super()._run(sources)
        finally:
            self.con.close()

    def _answers_file(self, source: Source) -> None:
        if source.format == "parquet":
            self._parquet(source)
        else:
            super()._answers_file(source)

    def _jsonl(self, source: Source) -> None:
        stream = open_binary(source)
        try:
            self._lines(source, chunks(stream))
        except BrokenPipeError:
            raise
        except OSError as exc:
            self._bad(ClientcheckError(f"{source.name}: cannot read: {exc.strerror}"))
        finally:
            if source.path != "-":
                stream.close()

    def _csv_rows(self, source: Source, reader: Any) -> None:
        # the rows are read by clientcheck's CSV reader (its conventions, its messages) and
        # scored in DuckDB as JSON
        batch: list[tuple[int, bytes]] = []
        for line, record in reader.rows():
            if isinstance(record, ClientcheckError):
                self._score_json(source, batch)
                batch = []
                self._bad(record)
                continue
            batch.append((line, orjson.dumps(record)))
            if len(batch) >= BATCH:
                self._score_json(source, batch)
                batch = []
        self._score_json(source, batch)

    def _lines(self, source: Source, pieces: Iterator[bytes]) -> None:
        line = 0
        rest = b""
        first = True
        batch: list[tuple[int, bytes]] = []
        for piece in pieces:
            if first:
                piece = piece.removeprefix(b"\xef\xbb\xbf")
                first = False
            self.done += len(piece)
            lines = (rest + piece).split(b"\n") if rest else piece.split(b"\n")
            rest = lines.pop()
            for raw in lines:
                line += 1
                batch.append((line, raw))
            if len(batch) >= BATCH:
                self._score_json(source, batch)
                batch = []
        if rest:
            batch.append((line + 1, rest))
        self._score_json(source, batch)

    # -- scoring

    def _query(self, kind: str, source: Source, columns: Sequence[str], make: Any) -> str:
        key = (kind, source.name, *columns)
        found = self.plans.get(key)
        if found is None:
            plan = self.layout.plan(make(), columns, answered=kind == "json", raw=self._raw)
            sink_format = getattr(self.sink, "record_format", None)
            if self.fused and sink_format is not None:
                text = self.layout.records_query(plan, sink_format.head(source.name), sink_format.tail, self._raw)
            else:
                text = self.layout.outcomes_query(plan, self._raw)
            found = self.plans[key] = (plan, text)
        return found[1]

    _raw: Sequence[str] = ()

    def _score_json(self, source: Source, batch: list[tuple[int, bytes]]) -> None:
        if not batch:
            return
        lines = [line for line, _ in batch]
        texts: list[str | None] = []
        for _, raw in batch:
            try:
                texts.append(raw.decode("utf-8"))
            except UnicodeDecodeError:
                texts.append(None)  # the ordinary way says which line is not UTF-8
        table = pa.table({"line": pa.array(lines, pa.int64()), "raw": pa.array(texts, pa.string())})
        self._raw = ()
        query = self._query("json", source, [CLIENT_KEY, *self.catalog.questions], lambda: json_source(self.catalog))
        cursor = self.con.cursor()  # a cursor of its own: the Arrow batch is its `batch` table
        try:
            cursor.register("batch", table)
            self._emit(source, cursor.sql(query), {line: raw for line, raw in batch}, raw_columns=())
        finally:
            cursor.close()
        self.sink.flush()

    def _parquet(self, source: Source) -> None:
        try:
            described = self.con.execute(
                "SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet(?))", [source.path]
            ).fetchall()
        except duckdb.Error as exc:
            self._bad(ClientcheckError(f"{source.name}: cannot read as Parquet: {str(exc).splitlines()[0]}"))
            return
        types = {str(name): str(kind) for name, kind in described}
        known = [CLIENT_KEY, *self.catalog.questions]
        problems = [
            ClientcheckError(f"column {name!r} is not a question id{suggest(name, known)}", Mark(source.name, 0))
            for name in types
            if name not in known
        ]
        if problems:  # as a CSV header with an unknown column: the whole file is bad
            for problem in problems:
                self.reporter.bad(problem)
            self.stats.bad += 1
            return
        columns = list(types)
        self._raw = columns
        path = source.path

        def make() -> exp.Select:
            src = parquet_source(self.catalog, path, types)
            # the answers as read, for the rows that take the ordinary way
            return src.select(*(alias(col(c), ident("cc_raw_" + c)) for c in columns))

        query = self._query("parquet", source, columns, make)
        cursor = self.con.cursor()
        try:
            self._emit(source, cursor.sql(query), None, raw_columns=columns)
        finally:
            cursor.close()
        self.sink.flush()

    def _emit(self, source: Source, cursor: Any, raws: dict[int, bytes] | None, raw_columns: Sequence[str]) -> None:
        """Write the results in input order; rows the SQL did not pass go the ordinary way."""
        reader = cursor.to_arrow_reader(FETCH)
        stats = self.stats
        tick = self.reporter.progress.tick
        fused = self.fused
        for batch in reader:
            if fused:
                self._emit_records(source, batch, raws, raw_columns)
            else:
                self._emit_results(source, batch, raws, raw_columns)
            tick(stats.scored, stats.bad, self.done or None)
            self.sink.flush()  # a batch at a time: memory stays flat for any number of rows

    def _emit_records(
        self, source: Source, batch: Any, raws: dict[int, bytes] | None, raw_columns: Sequence[str]
    ) -> None:
        records = batch.column(1)
        out: list[bytes] = self.sink.buffer
        if records.null_count == 0:
            out.append(_joined(records))
            self._count_verdicts(records)
            return
        lines = batch.column(0).to_pylist()
        texts = records.to_pylist()
        start = 0
        for n, text in enumerate(texts):
            if text is not None:
                continue
            if n > start:
                chunk = texts[start:n]
                out.append("".join(chunk).encode("utf-8"))
                self._count_texts(chunk)
            self.sink.flush()
            self._ordinary(source, lines[n], raws, batch, n, raw_columns, 2)
            start = n + 1
        if start < len(texts):
            chunk = texts[start:]
            out.append("".join(chunk).encode("utf-8"))
            self._count_texts(chunk)

    def _count_verdicts(self, records: Any) -> None:
        import pyarrow.compute as pc

        for verdict in ("go", "caution", "decline"):
            hits = pc.sum(pc.match_substring(records, f',"verdict":"{verdict}",')).as_py() or 0
            if hits:
                self.stats.verdicts[verdict] += hits

    def _count_texts(self, texts: list[Any]) -> None:
        for verdict in ("go", "caution", "decline"):
            needle = f',"verdict":"{verdict}",'
            hits = sum(1 for t in texts if needle in t)
            if hits:
                self.stats.verdicts[verdict] += hits

    def _emit_results(
        self, source: Source, batch: Any, raws: dict[int, bytes] | None, raw_columns: Sequence[str]
    ) -> None:
        columns = [c.to_pylist() for c in batch.columns]
        width = len(columns) - len(raw_columns)
        for n in range(batch.num_rows):
            line = columns[0][n]
            if not columns[1][n]:
                self._ordinary(source, line, raws, batch, n, raw_columns, width)
                continue
            r = self.layout.result([c[n] for c in columns[:width]])
            if self.sink.needs_verdict:
                self._full(source, r, line, raws, batch, n, raw_columns, width)
            else:
                self._result(r, line)

    def _full(
        self,
        source: Source,
        r: Result,
        line: int,
        raws: dict[int, bytes] | None,
        batch: Any,
        n: int,
        raw_columns: Sequence[str],
        at: int,
    ) -> None:
        """A scored row with its answers as read, for a format that shows them."""
        from clientcheck.answers import validate

        data = orjson.loads(raws[line]) if raws is not None else self._row(batch, n, raw_columns, at)
        answers = validate(data, self.catalog, source.name)  # the SQL check passed them: they are valid
        verdict = self.layout.verdict(r, answers)
        self.stats.verdicts[r.verdict] += 1
        self.stats.flags.update(f.id for f in r.red)
        self.sink.add_verdict(verdict, r, line)

    @staticmethod
    def _row(batch: Any, n: int, raw_columns: Sequence[str], at: int) -> dict[str, Any]:
        data: dict[str, Any] = {}
        for k, name in enumerate(raw_columns):
            value = batch.column(at + k)[n].as_py()
            if value is not None:
                data[name] = float(value) if type(value).__name__ == "Decimal" else value
        return data

    def _ordinary(
        self,
        source: Source,
        line: int,
        raws: dict[int, bytes] | None,
        batch: Any,
        n: int,
        raw_columns: Sequence[str],
        at: int,
    ) -> None:
        """One row the ordinary way: validate and evaluate in Python, or report why it is bad."""
        from clientcheck.readers import decode_line

        try:
            if raws is not None:
                raw = raws[line]
                if not raw.strip():
                    return  # an empty line is not a record
                data = decode_line(raw, source.name, line)
            else:
                data = self._row(batch, n, raw_columns, at)
            self._careful(data, source.name, line)
        except ClientcheckError as exc:
            self._bad(exc)


def run_check(
    sources: list[Source],
    catalog: Catalog,
    rules: Sequence[Rule],
    sink: Sink,
    reporter: Any,
) -> Runner:
    runner = DuckRunner(catalog, rules, sink, reporter)
    runner.run(sources)
    return runner


__all__ = ["DuckRunner", "Layout", "run_check"]
