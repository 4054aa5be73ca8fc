"""Which Parquet column types hold the answers of each question type, checked before a row is read.

A Parquet column is typed, as DuckDB reads it (its DESCRIBE). A column whose type can never hold
its question's answers (text for yes/no, a date for a number, a list for a single choice) makes
the whole file bad, one line per such column, as an unknown column in a CSV header does; no row
of it is scored or written. A type that holds good and bad values alike (text for a choice, a
float for a whole number) is taken, and each row is checked as an answers file's value is: the
Python path's meaning (qtypes.coerce on the value pyarrow gives) decides what fits, so a Parquet
file and the same answers in JSON Lines are judged alike. A column of type NULL (no value in
it) fits every question.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from clientcheck.conditions import suggest
from clientcheck.errors import ClientcheckError, Mark
from clientcheck.i18n import say
from clientcheck.model import CLIENT_KEY, NOTE_KEY, Catalog, Question

INTEGERS = frozenset(
    ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT", "UHUGEINT")
)
FRACTIONS = frozenset(("FLOAT", "DOUBLE", "DECIMAL"))
TIMESTAMPS = frozenset(("TIMESTAMP", "TIMESTAMP_S", "TIMESTAMP_MS", "TIMESTAMP_NS"))  # wall-clock: its day is known
_NAMED = {
    "BOOLEAN": "bool",
    "VARCHAR": "text",
    "DATE": "date",
    "TIMESTAMP WITH TIME ZONE": "moment",  # an instant: which day it is depends on the zone
    "TIME": "time",
    "TIME_NS": "time",
    "TIME WITH TIME ZONE": "time",
    "INTERVAL": "interval",
    "BLOB": "bytes",
    "BIT": "bytes",
    "JSON": "json",
    "UUID": "uuid",
    "STRUCT": "struct",
    "MAP": "map",
    "UNION": "union",
}

NUMBERS = frozenset(("int", "float"))
# the shapes of column each question type takes; "null" (a column of NULLs) fits every one
TAKES: dict[str, frozenset[str]] = {
    "yesno": frozenset(("bool",)),
    "choice": frozenset(("text",)),
    "multi": frozenset(("texts", "text", "nulls")),  # a list of choice ids, or one; a list of no values
    "integer": NUMBERS,  # with a measure also text: "150k", "3 days" (qtypes.Number.with_unit)
    "number": NUMBERS,
    "text": frozenset(("text", *NUMBERS)),  # a number is written as text, as for a JSON number
    "date": frozenset(("date", "timestamp", "text")),  # text as YYYY-MM-DD; a timestamp's day
    CLIENT_KEY: frozenset(("text", *NUMBERS)),
}
SHOWN = 60  # a longer type (a STRUCT of many fields) is cut: the line stays one line


def shape(kind: str) -> str:
    """The kind of values a DuckDB type holds, as this module decides what fits: null, bool, int,
    float, text, date, timestamp, texts (a list of text), nulls (a list of NULLs), or a word for
    the rest (moment, time, interval, bytes, json, uuid, list, struct, map, union, other)."""
    kind = kind.strip()
    if kind == '"NULL"':
        return "null"
    if kind.endswith("]"):  # a list (X[]) or an array (X[3])
        inner = kind[: kind.rindex("[")]
        return {"VARCHAR": "texts", '"NULL"': "nulls"}.get(inner, "list")
    if kind in _NAMED:
        return _NAMED[kind]
    base = kind.split("(")[0].strip()
    if base in INTEGERS:
        return "int"
    if base in FRACTIONS:
        return "float"
    if base in TIMESTAMPS:
        return "timestamp"
    return _NAMED.get(base, "other")


def fits(q: Question | None, kind: str) -> bool:
    """Whether a column of DuckDB type `kind` can hold answers of q (None: the client's name)."""
    found = shape(kind)
    if found == "null":
        return True
    if q is None:
        return found in TAKES[CLIENT_KEY]
    if q.type in ("integer", "number") and q.measure is not None and found == "text":
        return True
    return found in TAKES[q.type]


def problems(catalog: Catalog, types: Mapping[str, str], name: str) -> list[ClientcheckError]:
    """Each column that is no question id, or whose type cannot hold its question's answers, in
    the file's order, as `FILE: message` lines."""
    note = [NOTE_KEY] if NOTE_KEY not in catalog.questions else []  # the note about the client, as text
    known = [CLIENT_KEY, *note, *catalog.questions]
    found: list[ClientcheckError] = []
    for column, kind in types.items():
        if column not in known:
            message = say("sql.unknown_column", name=column) + suggest(column, known)
        elif column in note:
            if shape(kind) in ("text", "null"):
                continue
            shown = kind if len(kind) <= SHOWN else kind[: SHOWN - 1] + "…"
            message = say("sql.note_type", name=column, type=shown, family=say(f"sql.type.{shape(kind)}"))
        elif not fits(catalog.questions.get(column), kind):
            message = _wrong_type(catalog.questions.get(column), column, kind)
        else:
            continue
        found.append(ClientcheckError(message, Mark(name, 0)))
    return found


def twice(names: Sequence[str], name: str) -> list[ClientcheckError]:
    """Each column whose name an earlier one has, in any case (SQL's names are the same in any
    case, and DuckDB renames the second): the file is bad, as a CSV header with a name twice."""
    first: dict[str, str] = {}
    seen: set[str] = set()
    found: list[ClientcheckError] = []
    for column in names:
        earlier = first.setdefault(column.lower(), column)
        if column in seen:
            found.append(ClientcheckError(say("sql.column_twice", name=column), Mark(name, 0)))
        elif earlier != column:
            found.append(ClientcheckError(say("sql.column_case", first=earlier, name=column), Mark(name, 0)))
        seen.add(column)
    return found


def _wrong_type(q: Question | None, column: str, kind: str) -> str:
    shown = kind if len(kind) <= SHOWN else kind[: SHOWN - 1] + "…"
    family = say(f"sql.type.{shape(kind)}")
    if q is None:
        return say("sql.client_type", name=column, type=shown, family=family, fit=say("sql.fit.client"))
    fit = say(f"sql.fit.{q.type}")
    if q.type in ("integer", "number") and q.measure is not None:
        fit = say("sql.fit.units", fit=fit, example=say(f"sql.units.{q.measure}"))
    return say("sql.column_type", name=column, type=shown, family=family, question=say(f"sql.q.{q.type}"), fit=fit)


def text_size(data: dict[str, Any]) -> int:
    """The bytes of a row's texts, those in lists too (a Parquet row's, held to a line's limit)."""
    size = 0
    for value in data.values():
        for item in value if isinstance(value, list) else (value,):
            if isinstance(item, str):
                size += len(item.encode("utf-8", "surrogatepass"))
    return size


def answers(catalog: Catalog, columns: Sequence[str], values: Sequence[Any]) -> dict[str, Any]:
    """A row's answers from its values as read, a column's each (a NULL: not answered)."""
    data: dict[str, Any] = {}
    for name, value in zip(columns, values, strict=True):
        if value is not None:
            data[name] = _decimal(catalog, name, value) if type(value).__name__ == "Decimal" else value
    return data


def _decimal(catalog: Catalog, name: str, value: Any) -> int | float:
    """A DECIMAL: for a number question, whole, an int (as the same number in JSON Lines: a
    message quotes all its digits); else, and as text, a float, as a DOUBLE is."""
    q = catalog.questions.get(name)
    whole = q is not None and q.type in ("integer", "number") and value == value.to_integral_value()
    return int(value) if whole else float(value)


def column_names(con: Any, path: str) -> list[str]:
    """A Parquet file's column names as written: DuckDB's own rename a name that comes twice (in
    any case: to SQL, `Rude` and `rude` are one name) to `rude_1`, which the file does not have.
    The top level of the file's schema, which lists nested fields after their column."""
    from clientcheck.sql.guard import caught

    with caught():
        schema = con.execute("SELECT name, num_children FROM parquet_schema(?)", [path]).fetchall()
    names: list[str] = []
    at = 1  # after the root
    for _ in range(schema[0][1] or 0):
        names.append(str(schema[at][0]))
        inside = 1
        while inside:  # this column and the fields nested in it
            inside += (schema[at][1] or 0) - 1
            at += 1
    return names
