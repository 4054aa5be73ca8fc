"""Run bench/redflags.sql, the 17 red flags written by hand for DuckDB, on a Parquet or JSON Lines
file; print a JSON object per client ({"client", "red_flags": [{"id", "severity"}]}).

    python bench/redflags_duckdb.py clients.parquet > flags.jsonl

The yardstick for clientcheck's DuckDB path (bench/run.py): the least work DuckDB can do to find
the red flags, without the verdict, the range, the undecided rules or the checks of each answer.
"""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb


def main(argv: list[str]) -> int:
    path = argv[0]
    con = duckdb.connect()
    source = con.read_parquet(path) if path.endswith(".parquet") else con.read_json(path)
    # the query reads every column it needs: those the file lacks are NULL (not answered), as
    # clientcheck takes a missing question (bench/make_clients.py writes no `billing`)
    missing = {"billing": "VARCHAR", "min_monthly_price": "DOUBLE"}
    extra = ", ".join(f"NULL::{kind} AS {name}" for name, kind in missing.items() if name not in source.columns)
    source = source.project("*" + (", " + extra if extra else ""))
    source.create_view("clients")
    query = (Path(__file__).parent / "redflags.sql").read_text(encoding="utf-8")
    out = sys.stdout.buffer
    for batch in con.sql(query).to_arrow_reader(1 << 16):
        lines = batch.column(0).to_pylist()
        out.write(("\n".join(lines) + "\n").encode("utf-8"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
