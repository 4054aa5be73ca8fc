"""The answers read and checked in SQL, in front of the Plan: JSON Lines text parsed with DuckDB's
JSON functions, or a Parquet file's typed columns. Each row gets an `ok` flag: true only for what
the Python fast path takes as it is; any other row goes the ordinary way (duck.py)."""

from __future__ import annotations

from collections.abc import Sequence

import orjson
from sqlglot import exp

from clientcheck.answers import MAX_NUMBER
from clientcheck.model import CLIENT_KEY, NOTE_KEY, Catalog, Question
from clientcheck.readers import MAX_ROW_BYTES
from clientcheck.sql.coltypes import shape
from clientcheck.sql.nodes import add, alias, and_, case, col, ident, is_null, lit, not_, or_, paren


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
CONTROL = "[\\x00-\\x1f\\x7f]"  # a client's name with one of these: Python writes its JSON escapes
ISO_DAY = "[0-9]{4}-[0-9]{2}-[0-9]{2}"


def _in(e: exp.Expression, values: Sequence[str]) -> exp.Expression:
    return exp.In(this=paren(e), expressions=[s(v) for v in values])


def _range(q: Question, v: exp.Expression) -> list[exp.Expression]:
    tests: list[exp.Expression] = []
    if q.min is not None:
        tests.append(exp.GTE(this=v, expression=lit(q.min)))
    if q.max is not None:
        tests.append(exp.LTE(this=v, expression=lit(q.max)))
    return tests


def _small(d: exp.Expression) -> exp.Expression:
    """Past 10**15 an answer is refused (answers.coerce), whatever its question's own bounds; `d`
    is a DOUBLE (abs of a BIGINT's smallest value would overflow)."""
    return exp.LTE(this=fn("abs", d), expression=lit(MAX_NUMBER))


def _json_literals(values: Sequence[object]) -> list[exp.Expression]:
    return [s(json_text(v)) for v in values]


def _count_in(items: exp.Expression, choices: Sequence[exp.Expression]) -> exp.Expression:
    """How many of these choices the list holds: as many as its items when every item is a
    choice, none repeated (a fraction of the cost of filtering the list and making it distinct)."""
    found = [exp.cast(fn("list_contains", items.copy(), c.copy()), "INT") for c in choices]
    return add(found[1:], found[0])


def json_source(catalog: Catalog) -> exp.Select:
    """JSON Lines text (columns line, raw) as typed answers, an `ok` flag and `answered` tests.

    `ok` is true only for what the Python fast path takes as it is: an object of known keys,
    none repeated, each answer of its question's type and range, the client's name as text
    without control characters (their escapes are written differently).

    Each line is parsed once, into the JSON text of each known key's value (NULL where the key
    is missing), which DuckDB writes in one canonical way: `true`, `"id"`, `[...]`, digits for a
    whole number. Most checks are then comparisons of that text, not parses of it: a yes/no is
    `true` or `false`, a choice one of its ids as JSON text. A value written another way than
    the canonical one only takes the ordinary way, which decides it."""
    known = [CLIENT_KEY, *catalog.questions]
    outs: list[exp.Expression] = [exp.column("line")]
    # each value taken from the list once, a column each (DuckDB computes an expression as often
    # as it is written): its JSON text, and for a number its JSON type and value as a DOUBLE
    values: list[exp.Expression] = [exp.column("line"), exp.column("j"), exp.column("cc_loose")]
    oks: list[exp.Expression] = [exp.EQ(this=fn("json_type", exp.column("j")), expression=s("OBJECT"))]
    present: list[exp.Expression] = []
    for at, name in enumerate(known, 1):
        v = col(f"cc_v{at}")
        values.append(alias(fn("list_extract", exp.column("vs"), lit(at)), ident(f"cc_v{at}")))
        text = fn("json_extract_string", v, s("$"))
        q = catalog.questions.get(name)
        null = or_(is_null(v), exp.EQ(this=v, expression=s("null")))
        present.append(exp.cast(not_(is_null(v)), "INT"))
        if q is None or q.type == "text":  # the client; a text
            string = fn("starts_with", v, s('"'))
            value: exp.Expression = case([(string, text)])
            ok = or_(
                null,
                and_(string.copy(), not_(fn("regexp_matches", text.copy(), s(CONTROL))))
                if q is None
                else string.copy(),
            )
        elif q.type == "yesno":
            value = exp.Case(
                this=v, ifs=[exp.If(this=s(json_text(b)), true=exp.Boolean(this=b)) for b in (True, False)]
            )
            ok = or_(null, _in(v, ["true", "false"]))
        elif q.type == "choice":
            value = exp.Case(this=v, ifs=[exp.If(this=s(json_text(c)), true=s(c)) for c in q.choice_ids])
            ok = or_(null, exp.In(this=paren(v), expressions=_json_literals(q.choice_ids)))
        elif q.type in ("integer", "number"):
            t = col(f"cc_t{at}")
            as_double = col(f"cc_d{at}")
            values.append(alias(fn("json_type", v), ident(f"cc_t{at}")))
            values.append(alias(exp.TryCast(this=v, to=exp.DataType.build("DOUBLE")), ident(f"cc_d{at}")))
            numeric = _in(t, ["BIGINT", "UBIGINT", "DOUBLE"])
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
                small = _small(as_double.copy())
                ok = or_(null, and_(numeric, whole, not_(is_null(value)), small, *_range(q, value)))
            else:
                value = case([(numeric, as_double)])
                finite = fn("isfinite", as_double)
                ok = or_(null, and_(numeric, finite, _small(as_double.copy()), *_range(q, as_double.copy())))
        elif q.type == "date":
            # "YYYY-MM-DD" exactly; anything looser (spaces around it) the ordinary way decides
            iso = fn("regexp_full_match", v, s(f'"{ISO_DAY}"'))
            day = exp.TryCast(this=text.copy(), to=exp.DataType.build("DATE"))
            value = case([(iso, day)])
            # DuckDB has a year 0 (1 BC); Python's dates start at year 1
            first = exp.cast(s("0001-01-01"), "DATE")
            ok = or_(null, and_(iso.copy(), exp.GTE(this=day.copy(), expression=first)))
        else:  # multi: a list of choice ids (no repeats: it is a set), or one choice id
            items = exp.TryCast(this=v, to=exp.DataType.build("JSON[]"))  # SQL does not short-circuit
            ids = _json_literals(q.choice_ids)
            one = exp.In(this=paren(v), expressions=ids)
            value = case(
                [
                    (
                        fn("starts_with", v, s("[")),
                        fn("list_transform", items, lambda_(fn("json_extract_string", X, s("$")))),
                    ),
                    (one, exp.Array(expressions=[text])),
                ]
            )
            ok = or_(
                null,
                and_(
                    fn("starts_with", v.copy(), s("[")),
                    exp.EQ(this=fn("len", items.copy()), expression=_count_in(items, ids)),
                ),
                one.copy(),
            )
        outs.append(alias(value, ident(name)))
        outs.append(alias(not_(is_null(v)), ident("cc_answered_" + name)))
        oks.append(ok)
    oks[1:1] = [
        # every key known and none repeated: as many keys as known keys found
        exp.EQ(this=fn("len", fn("json_keys", exp.column("j"))), expression=add(present[1:], present[0])),
        # DuckDB's JSON reader takes a comma before `]` or `}`, which Python's refuses: such a
        # line (or a text holding one) goes the Python way
        not_(col("cc_loose")),
    ]
    outs.append(alias(exp.Coalesce(this=and_(*oks), expressions=[exp.false()]), "ok"))
    loose = fn("regexp_matches", exp.column("raw"), s(",[ \t\n\r]*[]}]"))
    parsed_json = exp.TryCast(this=exp.column("raw"), to=exp.DataType.build("JSON"))
    paths = exp.Array(expressions=[s(f'$."{name}"') for name in known])
    parsed = exp.select(
        exp.column("line"),
        alias(parsed_json, "j"),
        alias(fn("json_extract", parsed_json.copy(), paths), "vs"),
        alias(loose, "cc_loose"),
    ).from_("batch", copy=False)
    taken = exp.select(*values).from_(parsed.subquery("parsed", copy=False), copy=False)
    return exp.select(*outs).from_(taken.subquery("taken", copy=False), copy=False)


_SQL_TYPES = {
    "yesno": "BOOLEAN",
    "choice": "VARCHAR",
    "text": "VARCHAR",
    "integer": "BIGINT",
    "number": "DOUBLE",
    "date": "DATE",
    "multi": "VARCHAR[]",
}


def parquet_answer(q: Question | None, name: str, kind: str) -> tuple[exp.Expression, exp.Expression]:
    """Column `name`'s answer (typed as the Plan reads it: BOOLEAN, VARCHAR, BIGINT, DOUBLE, DATE,
    VARCHAR[]) and its `ok` test, for a column of shape `kind` (coltypes.shape) that fits q (None:
    the client). Where `ok` is false the value is not used: the row goes the ordinary way, which
    reads the column as it is, so a cast here only has to be typed, never right or safe. A date
    question's DATE or TIMESTAMP column arrives as text (parquet_source)."""

    def v() -> exp.Expression:
        return col(name)

    null = is_null(v())
    if kind == "null":  # no value in the column
        return exp.cast(v(), _SQL_TYPES[q.type] if q is not None else "VARCHAR"), exp.true()
    if q is None or q.type == "text":
        if kind == "text":
            return v(), or_(null, not_(fn("regexp_matches", v(), s(CONTROL)))) if q is None else exp.true()
        # a whole number reads as Python's str() of it; a float's digits Python writes
        return exp.cast(v(), "VARCHAR"), exp.true() if kind == "int" else null
    if q.type in ("yesno", "choice"):  # BOOLEAN; VARCHAR
        return v(), or_(null, _in(v(), q.choice_ids)) if q.type == "choice" else exp.true()
    if q.type in ("integer", "number"):
        if kind == "text":  # with units ("150k", "3 days"): units.py reads them
            return exp.cast(exp.null(), _SQL_TYPES[q.type]), null

        def d() -> exp.Expression:
            return exp.cast(v(), "DOUBLE")

        # a finite number, at most 10**15 either way (answers.coerce), within the question's own
        # bounds. isfinite() is not implied by the bounds here: DuckDB takes a Parquet column's
        # statistics, which leave NaN out, for the truth and drops a bound they always meet
        low = max(q.min, -MAX_NUMBER) if q.min is not None else -MAX_NUMBER
        high = min(q.max, MAX_NUMBER) if q.max is not None else MAX_NUMBER
        tests = [fn("isfinite", d()), exp.Between(this=d(), low=lit(low), high=lit(high))]
        if q.type == "number":
            return d(), or_(null, and_(*tests))
        if kind != "int":
            tests.append(exp.EQ(this=d(), expression=fn("trunc", d())))
        return exp.TryCast(this=v(), to=exp.DataType.build("BIGINT")), or_(null, and_(*tests))
    if q.type == "date":  # text: YYYY-MM-DD exactly, and a day Python has too (not year 0, not BC)

        def iso() -> exp.Expression:
            day = exp.TryCast(this=v(), to=exp.DataType.build("DATE"))
            first = exp.cast(s("0001-01-01"), "DATE")
            return and_(fn("regexp_full_match", v(), s(ISO_DAY)), exp.GTE(this=day, expression=first))

        return case([(iso(), exp.TryCast(this=v(), to=exp.DataType.build("DATE")))]), or_(null, iso())
    # multi: a list of choice ids (no repeats: it is a set), one choice id, or a list of NULLs
    if kind == "texts":
        # as many choices in it as items (_count_in), and none NULL
        count = _count_in(v(), [s(c) for c in q.choice_ids])
        return v(), or_(null, exp.EQ(this=fn("len", v()), expression=count))
    if kind == "nulls":
        return exp.cast(v(), "VARCHAR[]"), or_(null, exp.EQ(this=fn("len", v()), expression=lit(0)))
    return case([(not_(is_null(v())), exp.Array(expressions=[v()]))]), or_(null, _in(v(), q.choice_ids))


PATH = "path"  # the Parquet query's parameter: the file it reads
SKIP = "skip"  # the leftovers query's parameter: the rows before the first it yields (leftovers.py)


def parquet_source(catalog: Catalog, types: dict[str, str], skip: bool = False) -> exp.Select:
    """A Parquet file's typed columns as answers, with an `ok` flag per row, as json_source. The
    file is the query's parameter $path: one query serves every file of these columns.

    Every column's type fits its question (coltypes.problems has said so). A date question's
    DATE or TIMESTAMP column is read as its day's text: so the ordinary way never meets a day
    Python's dates lack (year 0, 10000) nor a nanosecond it would round, and says "not a date".
    With `skip`, the rows before the query's parameter $skip (a number of rows) are not read:
    DuckDB skips the row groups that lie wholly before it."""
    outs: list[exp.Expression] = [alias(exp.Add(this=exp.column("file_row_number"), expression=lit(1)), "line")]
    oks: list[exp.Expression] = []
    as_text: set[str] = set()
    if NOTE_KEY in types and NOTE_KEY not in catalog.questions:  # the note about the client, carried as read
        outs.append(alias(col(NOTE_KEY), ident(NOTE_KEY)))
    for name in (CLIENT_KEY, *catalog.questions):
        if name not in types:
            continue
        q = catalog.questions.get(name)
        kind = shape(types[name])
        if q is not None and q.type == "date" and kind in ("date", "timestamp"):
            as_text.add(name)
            kind = "text"
        value, ok = parquet_answer(q, name, kind)
        outs.append(alias(value, ident(name)))
        oks.append(ok)
    texts = [n for n in (CLIENT_KEY, NOTE_KEY, *catalog.questions) if n in types and shape(types[n]) == "text"]
    if texts:
        # a row's texts, as long as a JSON Lines line may be: a longer row is the ordinary way's
        # to refuse (a list of choices that passes is short: its items are choice ids)
        sizes = [exp.Coalesce(this=fn("strlen", col(n)), expressions=[lit(0)]) for n in dict.fromkeys(texts)]
        oks.append(exp.LTE(this=add(sizes[1:], sizes[0]), expression=lit(MAX_ROW_BYTES)))
    outs.append(alias(exp.Coalesce(this=and_(*oks), expressions=[exp.false()]), "ok"))
    scan: exp.Expression = exp.Table(
        this=fn(
            "read_parquet",
            exp.Placeholder(this=PATH),
            exp.EQ(this=exp.column("file_row_number"), expression=exp.true()),
        )
    )
    if as_text:
        days = [alias(fn("strftime", col(c), s("%Y-%m-%d")), ident(c)) if c in as_text else col(c) for c in types]
        scan = exp.select(exp.column("file_row_number"), *days).from_(scan).subquery("scan")
    select = exp.select(*outs).from_(scan, copy=False)
    if skip:
        select = select.where(exp.GTE(this=exp.column("file_row_number"), expression=exp.Placeholder(this=SKIP)))
    return select
