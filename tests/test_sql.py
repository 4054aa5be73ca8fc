"""The SQL backend: the generated query on DuckDB against the Python engine, `clientcheck sql`,
and `clientcheck check` through embedded DuckDB (Parquet, --engine duckdb)."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from clientcheck.i18n import t
from clientcheck.loader import load_catalog
from clientcheck.model import Catalog, Rule
from tests.conftest import invoke
from tests.sqlcheck import arrow_table, expected, functions_catalog, random_clients, varied_catalog
from tests.varied import random_answers

duckdb = pytest.importorskip("duckdb", reason="the sql extra is not installed")
pytest.importorskip("sqlglot")
pytest.importorskip("pyarrow")

from clientcheck.sql.gen import DIALECTS, Plan, build, to_sql  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


TODAY = "2026-12-01"


@pytest.fixture(autouse=True)
def _today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLIENTCHECK_TODAY", TODAY)  # the Python engine's today; the SQL gets it as a literal


def _score(
    catalog: Catalog, table: Any, columns: list[str] | None = None, rules: list[Rule] | None = None
) -> list[dict[str, Any]]:
    con = duckdb.connect()
    con.register("clients", table)
    cursor = con.execute(to_sql(Plan(catalog, rules, columns=columns, today=TODAY).public(), "duckdb"))
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _agree(
    catalog: Catalog, clients: list[dict[str, Any]], rows: list[dict[str, Any]], rules: list[Rule] | None = None
) -> dict[str, int]:
    """Every client: verdict, score, each rule's outcome, the first questions to ask. Returns how
    often each kind of outcome was seen, so a test can show it was not vacuous."""
    seen = {"fired": 0, "not": 0, "undecided": 0, "later-level": 0, "unsettled": 0}
    assert len(rows) == len(clients)
    for data, got in zip(clients, rows, strict=True):
        want = expected(catalog, data, rules)
        assert (got["client"], got["verdict"], got["score"]) == (want["client"], want["verdict"], want["score"]), data
        assert (got["best"], got["worst"], got["settled"]) == (
            want["best"],
            want["worst"],
            want["best"] == want["worst"],
        )
        assert {r.id: got[r.id] for r in (rules or catalog.rules)} == want["outcome"], data
        seen["unsettled"] += not got["settled"]
        assert [got[f"ask_{k}"] for k in (1, 2, 3) if got[f"ask_{k}"] is not None] == want["ask"][:3], data
        for value in want["outcome"].values():
            seen["undecided" if value is None else "not" if value == 0 else "fired"] += 1
            seen["later-level"] += bool(value and value > 1)
    return seen


@pytest.mark.slow
def test_duckdb_agrees_with_the_python_engine_on_100000_random_clients() -> None:
    catalog = load_catalog()
    clients = random_clients(catalog, 100_000, seed=1)
    seen = _agree(catalog, clients, _score(catalog, arrow_table(catalog, clients)))
    assert min(seen.values()) > 10_000, seen


@pytest.mark.slow
def test_division_by_zero_gates_two_deep_float_weights_and_missing_columns(tmp_path: Path) -> None:
    catalog = varied_catalog(tmp_path)
    clients = random_clients(catalog, 6000, seed=2)
    seen = _agree(catalog, clients, _score(catalog, arrow_table(catalog, clients)))
    assert min(seen.values()) > 300, seen
    # a question without a column is unknown for every client, as if nobody had answered it
    drop = ("y", "m", "h")
    clients = [{k: v for k, v in c.items() if k not in drop} for c in clients[:2000]]
    columns = ["client", *(q for q in catalog.questions if q not in drop)]
    _agree(catalog, clients, _score(catalog, arrow_table(catalog, clients, drop), columns))


@pytest.mark.slow
def test_awkward_cases_one_by_one(tmp_path: Path) -> None:
    """The cases the three-valued translation could get wrong, each with the answer it must give."""
    catalog = varied_catalog(tmp_path)
    cases: list[tuple[dict[str, Any], str, int | None]] = [
        ({"a": True, "n": None}, "r1", None),  # unknown: the first level waits for it
        ({"a": False}, "r1", 3),  # answered false: the later level fires
        ({"a": True, "n": 0}, "r1", 3),
        ({"x": 1.0, "y": 0}, "r2", 0),  # division by zero is unknown, and nothing would decide it
        ({"x": 5.0, "y": 2}, "r2", 1),
        ({"m": []}, "r4", 0),  # an empty list: "u" in [] is false, not unknown, and z does not apply
        ({"m": [], "z": 5}, "r4", 0),  # (an answer to z is ignored)
        ({"m": ["w"]}, "r4", 2),
        ({"m": ["w", "u"], "z": 0.5}, "r4", 1),
        ({"m": ["u"]}, "r4", 1),
        ({"b": False, "g": True, "h": 5}, "r9", 0),  # answers behind a false gate do not count
        ({"b": True, "g": True, "h": 5}, "r9", 1),
        ({"b": True}, "r9", None),  # asks g first: h's gate is unknown
        ({"c": "q", "y": 2.0}, "r12", 1),
        ({"c": "p", "a": True, "n": 2, "k": 3}, "r12", 0),  # k / (n - 2) divides by zero: unknown, for good
        ({"c": "p", "a": True, "n": 4, "k": 3}, "r12", 2),
        ({"a": True, "n": 4, "k": 3}, "r12", None),  # k is gated by c, unknown: ask c
    ]
    clients = [data for data, _, _ in cases]
    rows = _score(catalog, arrow_table(catalog, clients))
    _agree(catalog, clients, rows)
    for (data, rule, outcome), row in zip(cases, rows, strict=True):
        assert row[rule] == outcome, (data, rule)


@pytest.mark.slow
def test_a_selection_of_rules_scores_with_those_rules_only(tmp_path: Path) -> None:
    catalog = functions_catalog(tmp_path)
    # f6 reads f2 and f3 through fired(): they are worked out, but neither reported nor counted
    chosen = [r for r in catalog.rules if r.id in ("f1", "f6", "g2")]
    clients = random_clients(catalog, 3000, seed=3)
    rows = _score(catalog, arrow_table(catalog, clients), rules=chosen)
    assert list(rows[0]) == [
        "client", "verdict", "best", "worst", "settled", "score", "f1", "f6", "g2", "ask_1", "ask_2", "ask_3"
    ]  # fmt: skip
    _agree(catalog, clients, rows, chosen)


@pytest.mark.slow
def test_the_functions_count_known_dates_fired_and_a_count_policy(tmp_path: Path) -> None:
    catalog = functions_catalog(tmp_path)
    clients = random_clients(catalog, 20_000, seed=6)
    seen = _agree(catalog, clients, _score(catalog, arrow_table(catalog, clients)))
    assert min(seen.values()) > 500, seen


@pytest.mark.slow
def test_negative_and_fractional_weights_bound_the_range_as_the_python_engine_does(tmp_path: Path) -> None:
    """A negative weight turns "an open rule can only add its heaviest weight" around: the random
    catalogs of the property tests that have one, scored in DuckDB against the Python engine."""
    from tests import engine_gen

    signed = 0
    for seed in range(200):
        rnd = random.Random(seed)
        rules, questions = engine_gen.write_catalog(tmp_path / str(seed), rnd)
        catalog = load_catalog(rules, questions)
        if not any(lv.weight < 0 for r in catalog.rules if r.kind != "note" for lv in r.levels):
            continue
        signed += 1
        clients = random_clients(catalog, 400, seed=seed)
        _agree(catalog, clients, _score(catalog, arrow_table(catalog, clients)))
        if signed == 12:
            break
    assert signed == 12


# ---------------------------------------------------------------- clientcheck sql


@pytest.mark.slow
def test_sql_prints_a_query_for_every_dialect(cli: CliRunner) -> None:
    for dialect in DIALECTS:
        code, out, err = invoke(cli, "sql", "--dialect", dialect, "--table", "crm.leads", "--keep", "lead_id")
        assert code == 0, err
        assert out.startswith("WITH ") and out.rstrip().endswith(("`crm`.`leads`", '"crm"."leads"', "cc_rk`", 'cc_rk"'))
    code, out, _ = invoke(cli, "sql", "--view", "scored", "--compact")
    assert code == 0 and out.startswith('CREATE OR REPLACE VIEW "scored" AS WITH ') and out.count("\n") == 1


@pytest.mark.slow
def test_the_printed_query_scores_a_table_in_duckdb_and_names_are_quoted_not_pasted(
    cli: CliRunner, tmp_path: Path
) -> None:
    catalog = load_catalog()
    clients = random_clients(catalog, 300, seed=4)
    con = duckdb.connect()
    table = 'leads"; DROP TABLE x; --'  # a name is an identifier, whatever it holds
    con.register("t", arrow_table(catalog, clients))
    con.execute(f'CREATE TABLE "{table.replace(chr(34), chr(34) * 2)}" AS SELECT *, 7 AS lead_id FROM t')
    code, out, err = invoke(cli, "sql", "--table", table, "--view", "scored", "--keep", "lead_id")
    assert code == 0, err
    con.execute(out)
    cursor = con.execute("SELECT * FROM scored")
    names = [d[0] for d in cursor.description]
    rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    assert names[:7] == ["lead_id", "client", "verdict", "best", "worst", "settled", "score"] and {
        r["lead_id"] for r in rows
    } == {7}
    _agree(catalog, clients, rows)


@pytest.mark.slow
def test_sql_columns_leaves_the_others_unknown_and_refuses_unknown_names(cli: CliRunner) -> None:
    code, out, _ = invoke(cli, "sql", "--columns", "client,rude,late_payments", "--ask", "0")
    assert code == 0
    assert 'CAST(NULL AS BOOLEAN) AS "worked_before"' in out and '"ask_1"' not in out
    code, _, err = invoke(cli, "sql", "--columns", "rude,late_paymnts")
    assert (code, err) == (
        2,
        "clientcheck: error: --columns: 'late_paymnts' is not a question id; did you mean 'late_payments'?\n",
    )
    code, _, err = invoke(cli, "sql", "--keep", "rude")
    assert (code, err) == (
        2,
        "clientcheck: error: --keep: 'rude' is a question id or client, which the result has anyway\n",
    )
    for name in ("Rude", "verdict", "SETTLED", "late-payer", "ask_3"):
        code, _, err = invoke(cli, "sql", "--keep", f"lead_id,{name}")
        kind = "sql.keep_known" if name == "Rude" else "sql.keep_taken"
        assert (code, err) == (2, f"clientcheck: error: {t('en', kind, name=name)}\n")
    code, _, err = invoke(cli, "sql", "--keep", "lead_id,Lead_ID")
    assert (code, err) == (2, "clientcheck: error: --keep: 'Lead_ID' is named twice\n")
    assert t("en", "sql.keep_taken", name="verdict") == (
        "--keep: 'verdict' is a column of the result already (a verdict, a rule or a question to ask); "
        "rename it in a view of the table first"
    )
    code, out, _ = invoke(cli, "sql", "--keep", "ask_4")  # three questions to ask by default
    assert code == 0 and '"ask_4"' in out
    for dialect in ("postgres", "snowflake"):  # their quoted names differ by case: "Rude" is not "rude"
        code, out, _ = invoke(cli, "sql", "-d", dialect, "--keep", "Rude,Verdict")
        assert code == 0 and '"Rude"' in out and '"Verdict"' in out
        code, _, err = invoke(cli, "sql", "-d", dialect, "--keep", "verdict")
        assert (code, err) == (2, f"clientcheck: error: {t('en', 'sql.keep_taken', name='verdict')}\n")
    code, _, err = invoke(cli, "sql", "--table", "a..b")
    assert code == 2 and err.startswith("clientcheck: error: --table: 'a..b' is not a table name")


@pytest.mark.slow
def test_sql_takes_the_seller_profile_for_what_a_row_leaves_unanswered(
    cli: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    monkeypatch.delenv("CLIENTCHECK_PROFILE", raising=False)
    plain = invoke(cli, "sql")[1]
    assert invoke(cli, "profile", "set", "min_price=150k")[0] == 0
    code, out, err = invoke(cli, "sql")
    assert (code, err) == (0, "")
    line = 'CASE WHEN NOT "min_price" IS NULL THEN "min_price" ELSE CAST(150000 AS DOUBLE) END AS "min_price",'
    assert line in out and line not in plain
    assert invoke(cli, "sql", "--profile", "nope")[0] == 2


def test_build_refuses_an_unknown_dialect() -> None:
    with pytest.raises(
        Exception, match="--dialect: 'oracle' is not one of duckdb, postgres, spark, bigquery, snowflake"
    ):
        build(load_catalog(), dialect="oracle")


# ---------------------------------------------------------------- check through DuckDB


def _run(*args: str, stdin: bytes | None = None, env: dict[str, str] | None = None) -> tuple[int, bytes, str]:
    proc = subprocess.run(
        [sys.executable, "-m", "clientcheck", *args], input=stdin, capture_output=True, cwd=ROOT, timeout=120, env=env
    )
    return proc.returncode, proc.stdout, proc.stderr.decode()


def _messy_jsonl(catalog: Catalog, path: Path, n: int, seed: int) -> Path:
    """Random answers, one in three or so wrong, and lines no JSON reader likes."""
    rnd = random.Random(seed)
    lines = [json.dumps(random_answers(catalog, rnd, wrong=0.04), ensure_ascii=False).encode() for _ in range(n)]
    odd = [
        b"",
        b"   ",
        b'{"client": "x", "a": tru',
        b"[1, 2]",
        b'{"a": true, "a": false}',
        b'{"client": "\\u0001bell"}',
        b'{"x": NaN}',
        b'{"client": "caf\xe9"}',
        b"null",
        b'{"client": 12}',
        b'{"nope": 1}',
        b"\r",
    ]
    for i, line in enumerate(odd):
        lines.insert(7 * i + 3, line)
    path.write_bytes(b"\xef\xbb\xbf" + b"\n".join(lines) + b"\n")
    return path


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["jsonl", "csv", "json", "table", "markdown"])
def test_engine_duckdb_writes_what_the_python_engine_writes_bad_records_included(tmp_path: Path, fmt: str) -> None:
    catalog = varied_catalog(tmp_path)
    rules = ["--rules", str(tmp_path / "rules.yaml"), "--questions", str(tmp_path / "questions")]
    path = _messy_jsonl(catalog, tmp_path / "leads.jsonl", 1500, seed=7)
    ours = _run("check", str(path), "-f", fmt, "--engine", "duckdb", "--color", "never", *rules)
    theirs = _run("check", str(path), "-f", fmt, "--jobs", "1", "--color", "never", *rules)
    assert ours == theirs
    assert ours[0] == 4 and ours[2].count("\n") > 100  # many bad records, each reported


@pytest.mark.slow
def test_engine_duckdb_on_the_bundled_rules_and_csv_input(tmp_path: Path) -> None:
    catalog = load_catalog()
    # both ways records.py lists an undecided rule: of one weight (always), of several (by the
    # weight of its heaviest open level)
    assert {len({lv.weight for lv in rule.levels}) > 1 for rule in catalog.rules} == {False, True}
    path = _messy_jsonl(catalog, tmp_path / "leads.jsonl", 3000, seed=8)
    assert _run("check", str(path), "-f", "jsonl", "--engine", "duckdb") == _run("check", str(path), "-f", "jsonl")
    csv = tmp_path / "leads.csv"
    csv.write_text(
        "client;worked_before;late_payments;asks;budget_amount\n"
        "A;yes;3;free_sample,discount;\n"
        "B;no;?;[];1 200\n"
        "C;maybe;x;nope;\n"
        "\n"
        '"D;E";да;1;;12,5\n',
        encoding="utf-8",
    )
    ours = _run("check", str(csv), "-f", "jsonl", "--engine", "duckdb")
    assert ours == _run("check", str(csv), "-f", "jsonl")
    assert ours[0] == 4 and ours[1].count(b"\n") == 3


@pytest.mark.slow
def test_a_seller_profile_fills_in_rows_in_duckdb_as_in_python(tmp_path: Path) -> None:
    """What a row leaves unanswered, the profile answers, in every engine: a missing key, a
    missing column, a NULL in Parquet; a JSON null ("don't know") stays unknown."""
    import os

    env = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path / "config"), "CLIENTCHECK_PROFILE": "p"}
    profile = ("profile", "set", "min_price=150k", "business_stage=new", "payment_term_days=14", "currency=EUR")
    assert _run(*profile, "--profile", "p", env=env)[0] == 0
    catalog = load_catalog()
    path = _messy_jsonl(catalog, tmp_path / "leads.jsonl", 3000, seed=9)
    for fmt in ("jsonl", "json"):
        ours = _run("check", str(path), "-f", fmt, "--engine", "duckdb", env=env)
        assert ours == _run("check", str(path), "-f", fmt, "--jobs", "1", env=env)
        assert ours != _run("check", str(path), "-f", fmt, "--jobs", "1")  # the profile changed verdicts
    clients = [{k: v for k, v in c.items() if v is not None} for c in random_clients(catalog, 2000, seed=10)]
    jsonl = tmp_path / "clean.jsonl"
    jsonl.write_text("".join(json.dumps(c, ensure_ascii=False) + "\n" for c in clients), encoding="utf-8")
    parquet = _parquet(catalog, clients, tmp_path / "clean.parquet")
    code, out, err = _run("check", str(parquet), "-f", "jsonl", env=env)
    assert (code, out.replace(str(parquet).encode(), str(jsonl).encode()), err) == _run(
        "check", str(jsonl), "-f", "jsonl", env=env
    )


def _parquet(catalog: Catalog, clients: list[dict[str, Any]], path: Path, **extra: Any) -> Path:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = arrow_table(catalog, clients)
    for name, column in extra.items():
        table = table.append_column(name, pa.array(column))
    pq.write_table(table, path)
    return path


@pytest.mark.slow
def test_check_a_parquet_file_gives_the_results_of_the_same_clients_as_json_lines(tmp_path: Path) -> None:
    catalog = load_catalog()
    clients = random_clients(catalog, 5000, seed=5)
    # Parquet has no "don't know" beside "not answered": a NULL is not answered
    clients = [{k: v for k, v in c.items() if v is not None} for c in clients]
    jsonl = tmp_path / "leads.jsonl"
    jsonl.write_text("".join(json.dumps(c, ensure_ascii=False) + "\n" for c in clients), encoding="utf-8")
    parquet = _parquet(catalog, clients, tmp_path / "leads.parquet")
    for fmt in ("jsonl", "json", "csv"):
        code, out, err = _run("check", str(parquet), "-f", fmt)
        want = _run("check", str(jsonl), "-f", fmt)
        assert (code, err) == want[::2]
        out = out.replace(str(parquet).encode(), str(jsonl).encode())
        if fmt == "json":  # the answers as read: 2.0 from a DOUBLE column, in the file's column order
            assert json.loads(out) == json.loads(want[1])
        else:
            assert out == want[1], fmt


@pytest.mark.slow
def test_bad_rows_of_a_parquet_file_are_reported_by_row_and_the_rest_scored(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table(
        {
            "client": ["A", "B", "C", "D"],
            "late_payments": pa.array([1, 5000, None, 2], pa.int64()),
            "worked_before": [True, True, None, True],
            "advance": ["none", "half", None, "partial"],
            "asks": pa.array([["free_sample"], [], ["free_lunch"], None], pa.list_(pa.string())),
        }
    )
    path = tmp_path / "leads.parquet"
    pq.write_table(table, path)
    code, out, err = _run("check", str(path), "-f", "jsonl")
    assert code == 4
    assert [json.loads(line)["line"] for line in out.splitlines()] == [1, 4]
    assert err == (
        f"{path}:2: late_payments: 5000 is out of range; expected a whole number from 0 to 1000\n"
        f'{path}:2: advance: "half" is not a choice; expected one of: none, partial, full\n'
        f'{path}:3: asks: "free_lunch" is not a choice; expected a list of: free_sample, free_work, discount, '
        "pay_if_liked\n"
        "2 of 4 records were bad and skipped (see above); the others were scored\n"
    )


@pytest.mark.slow
def test_a_parquet_column_that_is_no_question_makes_the_file_bad(tmp_path: Path) -> None:
    catalog = load_catalog()
    path = _parquet(catalog, random_clients(catalog, 3, seed=1), tmp_path / "x.parquet", late_payment=[1, 2, 3])
    code, out, err = _run("check", str(path), "-f", "jsonl")
    assert (code, out) == (4, b"")
    assert err.startswith(f"{path}: column 'late_payment' is not a question id; did you mean 'late_payments'?\n")
    broken = tmp_path / "broken.parquet"
    broken.write_bytes(b"PAR1 not really")
    code, _, err = _run("check", str(broken), "-f", "jsonl", "-q")
    assert code == 4 and err.startswith(f"{broken}: cannot read as Parquet: ")


@pytest.mark.slow
def test_the_default_check_imports_neither_duckdb_nor_sqlglot(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_text('{"rude": true}\n', encoding="utf-8")
    probe = (
        "import sys\nfrom clientcheck.cli import main\ncode = main(sys.argv[1:])\n"
        "print(code, *sorted(m for m in ('duckdb', 'sqlglot', 'pyarrow') if m in sys.modules))\n"
    )
    for extra, modules in (([], ""), (["--engine", "duckdb"], " duckdb pyarrow sqlglot")):
        proc = subprocess.run(
            [sys.executable, "-c", probe, "check", str(path), "-f", "jsonl", *extra],
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=60,
            env={**os.environ, "CLIENTCHECK_NO_CACHE": "1"},  # the query built, not read back (test_sql_saved)
        )
        assert proc.stdout.splitlines()[-1] == "1" + modules, proc.stderr


def test_without_the_extra_the_duckdb_engine_says_what_to_install(
    cli: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "duckdb" else real(name, *a))
    path = tmp_path / "a.jsonl"
    path.write_text('{"rude": true}\n', encoding="utf-8")
    code, out, err = invoke(cli, "check", str(path), "--engine", "duckdb")
    assert (code, out) == (2, "")
    assert err == (
        "clientcheck: error: --engine duckdb (and Parquet input) needs duckdb: install the sql extra "
        "(pip install 'clientcheck[sql]')\n"
    )


@pytest.mark.slow
def test_engine_duckdb_on_dates_functions_and_repeated_choices(tmp_path: Path) -> None:
    catalog = functions_catalog(tmp_path)
    rules = ["--rules", str(tmp_path / "rules.yaml"), "--questions", str(tmp_path / "questions")]
    clients = random_clients(catalog, 3000, seed=12)
    for n, c in enumerate(clients):
        if n % 7 == 0 and c.get("m"):
            c["m"] = [*c["m"], c["m"][0]]  # a repeated choice: a set has it once
        if n % 11 == 0 and c.get("d"):
            c["d"] = f" {c['d']} "  # spaces around a date: the ordinary way reads it
    lines = "".join(json.dumps(c, default=str) + "\n" for c in clients)
    path = tmp_path / "leads.jsonl"
    path.write_text(lines, encoding="utf-8")
    ours = _run("check", str(path), "-f", "jsonl", "--engine", "duckdb", *rules)
    assert ours == _run("check", str(path), "-f", "jsonl", *rules)
    assert ours[0] in (0, 1) and ours[1].count(b"\n") == 3000
    for fmt in ("csv", "json"):
        assert _run("check", str(path), "-f", fmt, "--engine", "duckdb", *rules) == _run(
            "check", str(path), "-f", fmt, *rules
        )


@pytest.mark.slow
def test_arithmetic_past_the_float_range_agrees_with_the_python_engine(tmp_path: Path) -> None:
    """A BIGINT product would stop DuckDB with an error; a float past the range is infinity in
    both engines; a whole number past it is unknown once it meets a float or a division."""
    from tests.sqlcheck import overflow_catalog, overflow_clients

    catalog = overflow_catalog(tmp_path)
    clients = overflow_clients(3000, seed=14)
    clients[:4] = [{"n": 10**15}, {"x": 1e15}, {"n": 10**15, "x": 1.0, "k": 10**15}, {"n": 2, "k": 3}]
    rows = _score(catalog, arrow_table(catalog, clients))
    seen = _agree(catalog, clients, rows)
    assert min(n for kind, n in seen.items() if kind != "later-level") > 50, seen  # one level per rule
    # Python: 10**330 * 1.5 overflows (unknown, nothing to ask: not fired); 10**330 > 1 is true
    assert (rows[0]["o1"], rows[0]["o2"], rows[0]["o6"]) == (0, 1, 0)
    # inf > 1; inf - inf is NaN: >= 0 false, != 0 true
    assert (rows[1]["o3"], rows[1]["o4"], rows[1]["o5"]) == (1, 0, 1)
    assert rows[2]["o7"] == 1 and rows[2]["o8"] == 1


@pytest.mark.slow
@pytest.mark.parametrize("dialect", ["bigquery", "snowflake"])
def test_bigquery_and_snowflake_output_parses_back_and_transpiled_to_duckdb_agrees(
    tmp_path: Path, dialect: str
) -> None:
    """No BigQuery or Snowflake here: a proxy. sqlglot reads the printed query back in its own
    dialect (so it is valid syntax there, as far as sqlglot knows), and the tree it reads,
    printed for DuckDB, scores the clients as the Python engine does (so nothing was lost)."""
    import sqlglot

    catalog = varied_catalog(tmp_path)
    clients = random_clients(catalog, 1500, seed=31)
    text = build(catalog, dialect=dialect, table="clients")
    tree = sqlglot.parse_one(text, read=dialect)
    assert tree.sql(dialect=dialect, pretty=True) == text  # read back, it prints the same
    con = duckdb.connect()
    con.register("clients", arrow_table(catalog, clients))
    cursor = con.execute(tree.sql(dialect="duckdb"))
    names = [d[0] for d in cursor.description]
    _agree(catalog, clients, [dict(zip(names, row, strict=True)) for row in cursor.fetchall()])


@pytest.mark.slow
@pytest.mark.parametrize(("given", "seen"), [(None, "1"), ("", "1"), ("3", "3")])
def test_numpy_comes_in_with_openblas_on_one_thread_unless_the_user_says(given: str | None, seen: str) -> None:
    # what OPENBLAS_NUM_THREADS says at the moment numpy is first imported (by pyarrow)
    probe = (
        "import os, sys\n"
        "class Spy:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'numpy':\n"
        "            print(os.environ.get('OPENBLAS_NUM_THREADS'))\n"
        "sys.meta_path.insert(0, Spy())\n"
        "import clientcheck.sql.duck\n"
        "print('numpy' in sys.modules)\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    if given is not None:
        env["OPENBLAS_NUM_THREADS"] = given
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, timeout=60, env=env)
    assert (proc.stdout, proc.stderr) == (f"{seen}\nTrue\n", "")
