"""The rules as SQL: a backend of the one engine that scores a table where the data lives.

gen.py turns the checked condition trees into a sqlglot syntax tree (never rule text into SQL
strings), which prints for DuckDB, PostgreSQL, Spark, BigQuery or Snowflake; duck.py runs it in
an embedded DuckDB for `clientcheck check` on Parquet (and on JSON Lines or CSV with
`--engine duckdb`). Both need the `sql` extra (sqlglot, duckdb, pyarrow) and are imported only
by the commands that use them.
"""

from __future__ import annotations

import importlib.util
import os

from clientcheck.errors import UsageError

EXTRA = "pip install 'clientcheck[sql]'"

# numpy comes in with pyarrow, never to multiply a matrix here, and its OpenBLAS starts a thread
# per core that spins for a while once loaded: 0.1 s of CPU a run, a core DuckDB's threads would
# use. Set before any module of this package loads pyarrow; a value the user set is kept (an
# empty one is OpenBLAS's default, as if unset).
if not os.environ.get("OPENBLAS_NUM_THREADS"):
    os.environ["OPENBLAS_NUM_THREADS"] = "1"


def require(*modules: str, what: str) -> None:
    """Refuse, with the command to install them, when the optional packages are missing."""
    missing = [m for m in modules if importlib.util.find_spec(m) is None]
    if missing:
        from clientcheck.i18n import say

        raise UsageError(say("sql.needs", what=what, modules=", ".join(missing), extra=EXTRA))
