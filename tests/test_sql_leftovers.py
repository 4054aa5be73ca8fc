"""sql/leftovers.py: the answers of the Parquet rows DuckDB leaves to the ordinary way come from a
query of their own, started at the first such row, and those rows are scored in their place
exactly as the same answers in JSON Lines are on the Python path."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tests.conftest import invoke
from tests.sqlcheck import fractional_catalog

pytest.importorskip("duckdb", reason="the sql extra is not installed")
pytest.importorskip("sqlglot")
pytest.importorskip("pyarrow")

pytestmark = pytest.mark.slow  # DuckDB's start and a query for each run


def test_the_rows_come_by_line_in_order_from_the_file_as_it_was_and_a_row_not_among_them_stops_it(
    tmp_path: Path,
) -> None:
    import duckdb

    from clientcheck.sql.guard import Stopped
    from clientcheck.sql.leftovers import Leftovers, pinned

    path = tmp_path / "rows.parquet"
    con = duckdb.connect()
    con.execute("COPY (SELECT range AS line FROM range(1, 3000, 2)) TO ? (FORMAT parquet)", [str(path)])
    # as leftovers_query: from the row ($skip rows in) where the first row left out lies
    query = "SELECT line, {'a': line * 10, 'b': 'x' || line} AS cc_raw FROM read_parquet($path) WHERE line > $skip"
    where, fd = pinned(str(path))  # as DuckRunner._parquet does, before the file is first read
    assert fd is not None and where == f"/proc/self/fd/{fd}"
    rows = Leftovers(lambda: query, where, duckdb.connect)
    # replaced after the run began: its rows are still those of the file it reads
    con.execute("COPY (SELECT 1 AS line) TO ? (FORMAT parquet)", [str(tmp_path / "new.parquet")])
    (tmp_path / "new.parquet").replace(path)
    assert rows.values(1) == [10, "x1"]
    assert rows.values(2001) == [20010, "x2001"]  # past a batch (leftovers.BATCH)
    with pytest.raises(Stopped) as stopped:
        rows.values(2002)  # skipped over: the query and the records disagree
    assert stopped.value.problem == "row 2002 was not found among the rows left out"
    rows.close()
    rows = Leftovers(lambda: query.replace("line * 10", "line"), where, duckdb.connect)
    with pytest.raises(Stopped) as stopped:
        rows.values(3001)  # past the last row
    assert stopped.value.problem == "row 3001 was not found among the rows left out"
    rows.close()
    rows = Leftovers(lambda: query.replace("line >", "line - 1 >="), where, duckdb.connect)
    assert rows.values(1) == [10, "x1"]  # the first row left out: $skip is 0
    rows.close()
    os.close(fd)
    assert pinned(str(tmp_path)) == (str(tmp_path), None)  # not a regular file: DuckDB's to refuse


def _leads(tmp_path: Path) -> tuple[Path, Path, list[int], list[int]]:
    """leads.jsonl and the same answers in leads.parquet: the lines of answers the checks refuse
    (a choice that is not one), and those of names csv quotes (a comma)."""
    import duckdb

    bad, odd, lines = [], [], []
    for n in range(1, 3001):
        data: dict[str, Any] = {"client": f"Client {n}", "rude": n % 3 == 0, "business_stage": "new"}
        if n % 97 == 0:
            data["business_stage"] = "bankrupt"
            bad.append(n)
        elif n % 89 == 0:
            data["client"] = f"Client {n}, Inc."
            odd.append(n)
        lines.append(json.dumps(data))
    jsonl = tmp_path / "leads.jsonl"
    jsonl.write_text("\n".join(lines) + "\n", encoding="utf-8")
    parquet = tmp_path / "leads.parquet"
    duckdb.connect().read_json(str(jsonl)).write_parquet(str(parquet))
    return jsonl, parquet, bad, odd


@pytest.fixture
def queries(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[str]]:
    """The texts of the queries started: the records queries and the leftovers queries."""
    from clientcheck.sql import duck, guard, leftovers

    started: dict[str, list[str]] = {"records": [], "leftovers": []}

    def spy(kind: str) -> Any:
        def watched(cursor: Any, query: str, params: Any = None) -> guard.Watched:
            started[kind].append(query)
            return guard.Watched(cursor, query, params)

        return watched

    monkeypatch.setattr(duck, "Watched", spy("records"))
    monkeypatch.setattr(leftovers, "Watched", spy("leftovers"))
    return started


@pytest.fixture
def careful(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The lines scored the careful way (validate and evaluate), not by the compiled rules."""
    from clientcheck.sql.duck import DuckRunner

    lines: list[int] = []
    real = DuckRunner._careful

    def spy(self: DuckRunner, data: Any, name: str, line: int) -> None:
        lines.append(line)
        real(self, data, name, line)

    monkeypatch.setattr(DuckRunner, "_careful", spy)
    return lines


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "tsv"])
def test_rows_left_out_are_scored_in_their_place_as_in_json_lines(
    cli: CliRunner, tmp_path: Path, fmt: str, queries: dict[str, list[str]], careful: list[int]
) -> None:
    jsonl, parquet, bad, odd = _leads(tmp_path)
    python = invoke(cli, "check", str(jsonl), "-f", fmt)
    careful.clear()
    code, out, err = invoke(cli, "check", str(parquet), "-f", fmt)
    assert (code, out.replace(str(parquet), str(jsonl)), err.replace(str(parquet), str(jsonl))) == python
    assert err.splitlines()[0] == (
        f'{parquet}:97: business_stage: "bankrupt" is not a choice; expected one of: new, established'
    )
    assert all(f"Client {n}, Inc." in out for n in odd)
    # the answers as read are not a column of the records query, but the leftovers query's
    [records], [left] = queries["records"], queries["leftovers"]
    assert "cc_raw" not in records and "$skip" not in records
    assert "READ_PARQUET($path, file_row_number = TRUE) WHERE file_row_number >= $skip)" in left  # at the scan
    assert (
        left.startswith('WITH "_cc_in" AS (SELECT "line", "ok", "cc_raw_client", ') and " AS cc_raw FROM _cc_" in left
    )
    # the rows the checks passed (csv's odd names) are scored by the compiled rules, as a line of
    # JSON Lines is; only those they refuse take the careful way, for its message
    assert careful == bad


def test_a_file_whose_rows_duckdb_writes_all_starts_no_second_query(
    cli: CliRunner, tmp_path: Path, queries: dict[str, list[str]]
) -> None:
    import duckdb

    _, parquet, _, _ = _leads(tmp_path)
    clean = tmp_path / "clean.parquet"
    duckdb.connect().execute(
        "COPY (SELECT * FROM read_parquet(?) WHERE business_stage = 'new' AND client NOT LIKE '%,%') TO ? (FORMAT parquet)",
        [str(parquet), str(clean)],
    )
    code, out, _ = invoke(cli, "check", str(clean), "-f", "csv")
    assert code == 1 and out.count("\n") == 1 + 3000 - 30 - 33
    assert (len(queries["records"]), queries["leftovers"]) == (1, [])


def test_a_fractional_score_from_parquet_is_written_as_python_writes_it(
    cli: CliRunner, tmp_path: Path, queries: dict[str, list[str]]
) -> None:
    """fmt.plain and JSON write 2.5 as Python does: DuckDB leaves those rows to the sink."""
    import duckdb

    options = fractional_catalog(tmp_path, (1.5, 2.5))
    jsonl = tmp_path / "leads.jsonl"
    parquet = tmp_path / "leads.parquet"
    duckdb.connect().read_json(str(jsonl)).write_parquet(str(parquet))
    scores: dict[str, list[str]] = {}
    for fmt in ("jsonl", "csv"):
        python = invoke(cli, "check", str(jsonl), "-f", fmt, *options)
        code, out, err = invoke(cli, "check", str(parquet), "-f", fmt, *options)
        assert (code, out.replace(str(parquet), str(jsonl)), err) == python
        if fmt == "csv":
            scores[fmt] = [line.split(",")[7] for line in out.splitlines()[1:]]
        else:
            scores[fmt] = [line.split('"score":')[1].split(",")[0] for line in out.splitlines()]
    assert scores == {"jsonl": ["4.0", "1.5", "0"], "csv": ["4", "1.5", "0"]}
    assert len(queries["leftovers"]) == 2  # one a run, for the row whose score is 1.5


def test_a_leftovers_query_that_stops_costs_the_rest_of_the_file_and_the_counts_say_so(
    cli: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from clientcheck.sql.guard import Stopped
    from clientcheck.sql.leftovers import Leftovers

    _, parquet, bad, _ = _leads(tmp_path)
    real = Leftovers.values

    def values(self: Leftovers, line: int) -> list[Any]:
        if line == bad[2]:  # as DuckDB out of memory would
            raise Stopped("Out of Memory Error: failed to allocate data of size 128.0 MiB")
        return real(self, line)

    monkeypatch.setattr(Leftovers, "values", values)
    code, out, err = invoke(cli, "check", str(parquet), "-f", "jsonl")
    written = bad[2] - 1  # the rows before it, the two bad ones among them reported
    assert (code, out.count("\n")) == (4, written - 2)
    assert err.splitlines()[2:] == [
        f"{parquet}: DuckDB stopped after {written:,} rows of it: Out of Memory Error: failed to allocate data "
        "of size 128.0 MiB; the rest of the file was not scored",
        f"3 of {written + 1:,} records were bad and skipped (see above); the others were scored",
    ]


def test_a_files_two_queries_take_one_day(
    cli: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, queries: dict[str, list[str]]
) -> None:
    """Midnight may pass between the records query's start and the first row left out."""
    import datetime as dt

    from clientcheck.sql.duck import DuckRunner

    _, parquet, _, _ = _leads(tmp_path)
    days: list[str | None] = []
    real = DuckRunner._query

    def spy(self: DuckRunner, *args: Any, **kwargs: Any) -> str:
        days.append(kwargs.get("day", args[4] if len(args) > 4 else None))
        monkeypatch.setenv("CLIENTCHECK_TODAY", (dt.date(2026, 12, 3) + dt.timedelta(days=len(days))).isoformat())
        return real(self, *args, **kwargs)

    monkeypatch.setattr(DuckRunner, "_query", spy)
    assert invoke(cli, "check", str(parquet), "-f", "csv")[0] == 4
    assert len(queries["leftovers"]) == 1 and len(days) == 2 and days[0] == days[1] is not None


def test_a_file_name_duckdb_would_take_for_a_pattern_reads_that_file(cli: CliRunner, tmp_path: Path) -> None:
    """`[1]` in a name: DuckDB would read x1.parquet for x[1].parquet; the file is read as it is."""
    import duckdb

    jsonl, parquet, _, _ = _leads(tmp_path)
    odd = tmp_path / "x[1].parquet"
    parquet.rename(odd)
    duckdb.connect().execute("COPY (SELECT 'Other' AS client) TO ? (FORMAT parquet)", [str(tmp_path / "x1.parquet")])
    python = invoke(cli, "check", str(jsonl), "-f", "csv")
    code, out, err = invoke(cli, "check", str(odd), "-f", "csv")
    assert (code, out.replace(str(odd), str(jsonl)), err.replace(str(odd), str(jsonl))) == python
