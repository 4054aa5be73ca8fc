"""The generated PostgreSQL on a real PostgreSQL server: every rule outcome, the verdict, its range,
the score and the questions to ask equal the Python engine's on thousands of random clients.

The server is the distribution's (`apt-get install postgresql`, which .ci/run does), started in a
temporary folder for this module and stopped after it; the query goes through `psql`, as a user
would send it. Without the server programs the module is skipped."""

from __future__ import annotations

import datetime as _dt
import glob
import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from clientcheck.loader import load_catalog
from clientcheck.model import CLIENT_KEY, UNKNOWN, Catalog
from tests.conftest import invoke
from tests.sqlcheck import (
    agree,
    functions_catalog,
    overflow_catalog,
    overflow_clients,
    random_clients,
    varied_catalog,
)

pytestmark = pytest.mark.slow

pytest.importorskip("sqlglot", reason="the sql extra is not installed")
_BIN = sorted(glob.glob("/usr/lib/postgresql/*/bin"))
if not _BIN or shutil.which("psql") is None:  # pragma: no cover - .ci/run installs it
    pytest.skip("no PostgreSQL server programs (apt-get install postgresql)", allow_module_level=True)
BIN = Path(_BIN[-1])
TODAY = "2026-12-01"

PG_TYPES = {
    "yesno": "BOOLEAN",
    "choice": "TEXT",
    "text": "TEXT",
    "integer": "BIGINT",
    "number": "DOUBLE PRECISION",
    "multi": "TEXT[]",
    "date": "DATE",
}


class Server:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.socket = folder / "s"
        self.user: list[str] = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    def run(self, *cmd: str) -> None:
        subprocess.run([*self.user, *cmd], check=True, capture_output=True, timeout=120)

    def psql(self, sql: str) -> str:
        proc = subprocess.run(
            [
                "psql",
                "-X",
                "-q",
                "-At",
                "-v",
                "ON_ERROR_STOP=1",
                "-h",
                str(self.socket),
                "-p",
                "5439",
                "-U",
                "postgres",
            ],
            input=sql,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert proc.returncode == 0, proc.stderr[-2000:]
        return proc.stdout


@pytest.fixture(scope="module")
def pg() -> Iterator[Server]:
    folder = Path(tempfile.mkdtemp(prefix="clientcheck-pg-"))
    server = Server(folder)
    server.socket.mkdir()
    if server.user:  # the server refuses to run as root: its files belong to the postgres user
        shutil.chown(folder, "postgres")
        shutil.chown(server.socket, "postgres")
    data = folder / "data"
    server.run(str(BIN / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync")
    options = f"-k {server.socket} -p 5439 -c listen_addresses='' -c fsync=off"
    server.run(str(BIN / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(folder / "log"), "-w", "start")
    try:
        yield server
    finally:
        server.run(str(BIN / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop")
        shutil.rmtree(folder, ignore_errors=True)


def _literal(value: Any, kind: str) -> str:
    if value is None or value is UNKNOWN:
        return "NULL"
    if kind == "yesno":
        return "TRUE" if value else "FALSE"
    if kind == "multi":
        return "ARRAY[" + ",".join(_literal(v, "text") for v in value) + "]::TEXT[]"
    if kind == "integer":
        return str(int(value))
    if kind == "number":
        return repr(float(value))
    if kind == "date":
        return f"DATE '{value.isoformat() if isinstance(value, _dt.date) else value}'"
    return "'" + str(value).replace("'", "''") + "'"


def _load(pg: Server, catalog: Catalog, table: str, clients: list[dict[str, Any]]) -> None:
    columns = [f'"{CLIENT_KEY}" TEXT', *(f'"{qid}" {PG_TYPES[q.type]}' for qid, q in catalog.questions.items())]
    rows = []
    for c in clients:
        values = [_literal(c.get(CLIENT_KEY), "text")]
        values += [_literal(c.get(qid), q.type) for qid, q in catalog.questions.items()]
        rows.append("(" + ",".join(values) + ")")
    pg.psql(f'DROP TABLE IF EXISTS "{table}"; CREATE TABLE "{table}" ({", ".join(columns)});\n')
    for start in range(0, len(rows), 1000):
        pg.psql(f'INSERT INTO "{table}" VALUES {",".join(rows[start : start + 1000])};\n')


def _score(pg: Server, query: str) -> list[dict[str, Any]]:
    """The query's rows, in the table's order (the clients are named c0, c1, ...)."""
    out = pg.psql(f"SELECT json_agg(t) FROM ({query}) AS t;\n")
    rows: list[dict[str, Any]] = json.loads(out)
    return sorted(rows, key=lambda r: int(r["client"][1:]))


def _named(clients: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every client named by its place, so the rows can be put back in order."""
    return [{**c, CLIENT_KEY: f"c{i}"} for i, c in enumerate(clients)]


@pytest.fixture(autouse=True)
def _today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLIENTCHECK_TODAY", TODAY)  # the Python engine's today; the query gets it as a literal


def test_the_postgres_query_clientcheck_prints_runs_in_psql_and_agrees(pg: Server, cli: CliRunner) -> None:
    catalog = load_catalog()
    clients = _named(random_clients(catalog, 3000, seed=21))
    _load(pg, catalog, "leads", clients)
    code, out, err = invoke(cli, "sql", "--dialect", "postgres", "--table", "public.leads", "--view", "scored")
    assert code == 0, err
    pg.psql(out + ";\n")  # the printed text, unchanged, creates the view
    seen = agree(catalog, clients, _score(pg, "SELECT * FROM scored"))
    assert min(seen.values()) > 100, seen


@pytest.mark.parametrize("make", [varied_catalog, functions_catalog], ids=["varied", "functions"])
def test_postgres_on_division_by_zero_gates_empty_lists_known_count_dates(
    pg: Server, tmp_path: Path, make: Any
) -> None:
    from clientcheck.sql.gen import build

    catalog = make(tmp_path)
    clients = _named(random_clients(catalog, 3000, seed=22))
    _load(pg, catalog, "t", clients)
    seen = agree(catalog, clients, _score(pg, build(catalog, dialect="postgres", table="t")))
    assert min(seen.values()) > 100, seen


def test_postgres_on_whole_numbers_past_bigint(pg: Server, tmp_path: Path) -> None:
    """Products of whole numbers past BIGINT are computed in DOUBLE PRECISION, as in the other
    dialects. (A result past the float range itself stops PostgreSQL with an error: its floats do
    not overflow to infinity; the data here stays below that.)"""
    from clientcheck.sql.gen import build

    catalog = overflow_catalog(tmp_path)
    small = [c for c in overflow_clients(4000, seed=23) if all(abs(c.get(q) or 0) < 10**7 for q in ("n", "x", "k"))]
    clients = _named([*small[:2000], {"n": 3_000_000, "k": 3_000_000}])
    _load(pg, catalog, "o", clients)
    seen = agree(catalog, clients, _score(pg, build(catalog, dialect="postgres", table="o")))
    assert min(seen.values()) > 50, seen
