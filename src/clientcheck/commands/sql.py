"""`clientcheck sql`: the rules as one SQL query, for a database or a warehouse to run.

The query is built by clientcheck.sql.gen from the checked rules and printed for a dialect
(docs/sql.md). Only this command imports sqlglot.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import Annotated

import typer

from clientcheck.cli import QuestionsOpt, RulesOpt, app, load_catalog_for
from clientcheck.cliopts import profile_option
from clientcheck.commands.check import choose_rules


class Dialect(StrEnum):
    duckdb = "duckdb"
    postgres = "postgres"
    spark = "spark"
    bigquery = "bigquery"
    snowflake = "snowflake"


def _names(value: str | None) -> list[str]:
    return [item.strip() for item in (value or "").split(",") if item.strip()]


@app.command("sql")
def sql_command(
    dialect: Annotated[
        Dialect, typer.Option("--dialect", "-d", help="SQL dialect: duckdb, postgres, spark, bigquery, snowflake.")
    ] = Dialect.duckdb,
    table: Annotated[
        str,
        typer.Option("--table", "-t", metavar="NAME", help="The table (or view) of answers: a column per question id."),
    ] = "clients",
    view: Annotated[
        str | None, typer.Option("--view", metavar="NAME", help="Print CREATE OR REPLACE VIEW NAME AS the query.")
    ] = None,
    columns: Annotated[
        str | None,
        typer.Option(
            "--columns",
            metavar="IDS",
            help="The columns the table has among the question ids and client (comma-separated; default: all). "
            "A question without a column is unknown for every client.",
        ),
    ] = None,
    keep: Annotated[
        str | None,
        typer.Option("--keep", metavar="COLS", help="More columns of the table to carry into the result (e.g. an id)."),
    ] = None,
    ask: Annotated[
        int, typer.Option("--ask", min=0, max=20, help="How many questions to ask next (columns ask_1 .. ask_N).")
    ] = 3,
    select: Annotated[
        str | None, typer.Option("--select", metavar="IDS", help="Only these rules (comma-separated rule ids).")
    ] = None,
    ignore: Annotated[
        str | None, typer.Option("--ignore", metavar="IDS", help="Leave out these rules (comma-separated rule ids).")
    ] = None,
    compact: Annotated[bool, typer.Option("--compact", help="The query on one line.")] = False,
    profile: Annotated[
        str | None,
        profile_option(
            "The seller profile whose answers fill in what a row leaves unanswered, as `check` does "
            "(default: $CLIENTCHECK_PROFILE, else 'default' if it exists)."
        ),
    ] = None,
    rules: RulesOpt = None,
    questions: QuestionsOpt = None,
) -> None:
    """Print the rules as one SQL query that scores a table of answers (a row per client)."""
    from clientcheck.sql import require

    require("sqlglot", what="clientcheck sql")
    from clientcheck.profile import load_for
    from clientcheck.sql.gen import build

    catalog = load_catalog_for(rules, questions)
    chosen = choose_rules(catalog, select, ignore, "en")
    seller = load_for(catalog, profile)
    text = build(
        catalog,
        chosen,
        dialect=dialect.value,
        table=table,
        columns=_names(columns) if columns is not None else None,
        keep=_names(keep),
        ask=ask,
        view=view,
        pretty=not compact,
        filled=seller.values if seller is not None else None,
    )
    sys.stdout.write(text + "\n")  # no semicolon: spark.sql() and client libraries take it as it is
