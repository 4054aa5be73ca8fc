"""`clientcheck sql`: the Plan's public query printed for a dialect, or as a view of it.

The query is built in plan.py (the chain of steps), scoring.py (score, verdict, range) and
ranking.py (the questions to ask), from the condition translation of cond.py."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlglot import exp

from clientcheck.errors import UsageError
from clientcheck.i18n import say
from clientcheck.model import CLIENT_KEY, Catalog, Rule
from clientcheck.sql.nodes import ident
from clientcheck.sql.plan import Plan
from clientcheck.sql.ranking import ASK_TOP

DIALECTS = ("duckdb", "postgres", "spark", "bigquery", "snowflake")


def to_sql(query: exp.Expression, dialect: str, pretty: bool = True) -> str:
    """The query's text; the tree is printed in place, not copied first (copying a tree this size
    costs more than printing it): build a tree for each printing."""
    if dialect == "postgres":
        # PostgreSQL inlines a CTE read once, and then writes each step's expressions into the
        # next: the query's size, and its planning time, grow with every step. Materialized,
        # each step is computed once per row.
        query = query.copy()
        for cte in query.find_all(exp.CTE):
            cte.set("materialized", True)
    return query.sql(dialect=dialect, pretty=pretty, identify=True, copy=False)


def table_name(name: str) -> exp.Table:
    """A table name, dotted into catalog.schema.table, each part a quoted identifier."""
    parts = name.split(".")
    if not name.strip() or len(parts) > 3 or any(not p for p in parts):
        raise UsageError(say("sql.bad_table", name=name))
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
    filled: Mapping[str, Any] | None = None,
) -> str:
    """The text of `clientcheck sql`: the public query for a dialect, or a view of it."""
    from clientcheck.conditions import suggest

    if dialect not in DIALECTS:
        raise UsageError(say("sql.bad_dialect", dialect=dialect, dialects=", ".join(DIALECTS)))
    known = [*catalog.questions, CLIENT_KEY]
    for name in columns or ():
        if name not in known:
            raise UsageError(say("sql.bad_column", name=name) + suggest(name, known))
    # a kept column named as one of the result's would be a second column of that name, which
    # reads as the first; DuckDB, Spark and BigQuery take names in any case even quoted (as the
    # query writes every name), Postgres and Snowflake tell quoted names apart by case
    fold = str.lower if dialect in ("duckdb", "spark", "bigquery") else str
    result = ["verdict", "best", "worst", "settled", "score", *(r.id for r in rules or catalog.rules)]
    result += [f"ask_{k}" for k in range(1, ask + 1)]
    taken, asked = {fold(name) for name in known}, {fold(name) for name in result}
    seen: set[str] = set()
    for name in keep:
        if fold(name) in taken:
            raise UsageError(say("sql.keep_known", name=name))
        if fold(name) in asked:
            raise UsageError(say("sql.keep_taken", name=name))
        if fold(name) in seen:
            raise UsageError(say("sql.keep_twice", name=name))
        seen.add(fold(name))
    import os

    # CLIENTCHECK_TODAY fixes today for the Python engine; the query then takes the same date
    today = os.environ.get("CLIENTCHECK_TODAY") or None
    plan = Plan(catalog, rules, table=table_name(table), columns=columns, keep=keep, today=today, filled=filled)
    query: exp.Expression = plan.public(ask)
    if view is not None:
        query = exp.Create(this=table_name(view), kind="VIEW", replace=True, expression=query)
    return to_sql(query, dialect, pretty)


__all__ = ["ASK_TOP", "DIALECTS", "Plan", "build", "table_name", "to_sql"]
