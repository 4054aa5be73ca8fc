"""The answers read and checked in SQL, in front of the Plan: JSON Lines text parsed with DuckDB's
JSON functions, or a Parquet file's typed columns. Each row gets an `ok` flag: true only for what
the Python fast path takes as it is; any other row goes the ordinary way (duck.py)."""

from __future__ import annotations

from collections.abc import Sequence

import orjson
from sqlglot import exp

from clientcheck.model import CLIENT_KEY, Catalog, Question
from clientcheck.sql.nodes import alias, and_, case, col, ident, is_null, lit, not_, or_, paren


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
    ).from_("batch", copy=False)
    return exp.select(*outs).from_(parsed.subquery("parsed", copy=False), copy=False)


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
    return exp.select(*outs).from_(exp.Table(this=scan), copy=False)
