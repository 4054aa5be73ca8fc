"""The rules as SQL: a backend of the one engine that scores a table where the data lives.

gen.py turns the checked condition trees into a sqlglot syntax tree (never rule text into SQL
strings), which prints for DuckDB, PostgreSQL, Spark, BigQuery or Snowflake; duck.py runs it in
an embedded DuckDB for `clientcheck check` on Parquet (and on JSON Lines or CSV with
`--engine duckdb`). Both need the `sql` extra (sqlglot, duckdb, pyarrow) and are imported only
by the commands that use them.
"""

from __future__ import annotations

import importlib.util

from clientcheck.errors import UsageError

EXTRA = "pip install 'clientcheck[sql]'"


def require(*modules: str, what: str) -> None:
    """Refuse, with the command to install them, when the optional packages are missing."""
    missing = [m for m in modules if importlib.util.find_spec(m) is None]
    if missing:
        from clientcheck.i18n import say

        raise UsageError(say("sql.needs", what=what, modules=", ".join(missing), extra=EXTRA))
