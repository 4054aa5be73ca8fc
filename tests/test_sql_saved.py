"""The DuckDB path's queries kept on disk (sql/saved.py): a run that finds its query there never
imports sqlglot and writes what a run that built it writes; anything the query depends on makes
another entry; a damaged, foreign or unwritable cache costs the time of building, nothing else."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.conftest import invoke

pytest.importorskip("duckdb", reason="the sql extra is not installed")
pytest.importorskip("sqlglot")
pytest.importorskip("pyarrow")

pytestmark = pytest.mark.slow  # DuckDB's start and a query for each run

ROWS = [
    {"client": "A", "worked_before": True, "late_payments": 3},
    {"client": "B", "advance": "none", "asks": ["free_sample"]},
    {"client": "C", "worked_before": False, "cost": 5.0, "revenue": 2.0},
]

# the bundled catalog's questions (a seller profile answers some of them)
BUNDLED = [{"client": "A", "worked_before": True, "late_payments": 3}, {"client": "B", "min_price": 100.0}, {}]


def _parquet(path: Path, rows: list[dict[str, object]]) -> Path:
    import pyarrow as pa
    import pyarrow.parquet as pq

    keys = list(dict.fromkeys(k for row in rows for k in row))  # from_pylist would take the first row's
    pq.write_table(pa.table({k: [row.get(k) for row in rows] for k in keys}), path)
    return path


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A cache folder of this test's own, and the query cache on."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("CLIENTCHECK_NO_CACHE", raising=False)
    monkeypatch.setenv("CLIENTCHECK_TODAY", "2026-06-01")
    return tmp_path / "cache" / "clientcheck" / "queries"


def _reads() -> int:
    from clientcheck.sql import saved

    return saved.reads


def _entries(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.sql"))


def test_a_warm_run_never_imports_sqlglot_and_writes_what_a_cold_one_does(tmp_path: Path, cache: Path) -> None:
    path = _parquet(tmp_path / "leads.parquet", BUNDLED)
    probe = (
        "import sys\n"
        "from clientcheck.launch import main\n"
        "code = main(sys.argv[1:])\n"
        "sys.stderr.write(f'sqlglot imported: {\"sqlglot\" in sys.modules}\\n')\n"
        "sys.exit(code)\n"
    )
    runs = []
    for _ in range(2):
        done = subprocess.run(
            [sys.executable, "-c", probe, "check", str(path), "-f", "jsonl"],
            capture_output=True,
            text=True,
            timeout=120,
            env=os.environ,
        )
        runs.append((done.returncode, done.stdout, done.stderr))
    cold, warm = runs
    assert cold[2].endswith("sqlglot imported: True\n")  # built it
    assert warm[2].endswith("sqlglot imported: False\n")  # read it back
    assert warm[:2] == cold[:2] and cold[1].count("\n") == 3
    assert len(_entries(cache)) == 1


def test_another_file_of_the_same_columns_shares_the_entry_and_says_its_own_name(
    cli: CliRunner, tmp_path: Path, cache: Path, small_catalog: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    rules = ["--rules", str(small_catalog[0]), "--questions", str(small_catalog[1])]
    first = _parquet(tmp_path / "first.parquet", ROWS)
    second = tmp_path / "second.parquet"
    import pyarrow.parquet as pq

    pq.write_table(pq.read_table(first).take([2, 1, 0]), second)  # the same columns, other rows
    before = _reads()
    invoke(cli, "check", str(first), "-f", "jsonl", *rules)
    assert _reads() == before and len(_entries(cache)) == 1  # built, and kept
    got = invoke(cli, "check", str(second), "-f", "jsonl", *rules)
    assert _reads() == before + 1 and len(_entries(cache)) == 1  # the path and the name are parameters
    assert [json.loads(line)["input"] for line in got[1].splitlines()] == [str(second)] * 3
    assert [json.loads(line)["client"] for line in got[1].splitlines()] == ["C", "B", "A"]
    monkeypatch.setenv("CLIENTCHECK_NO_CACHE", "1")
    assert invoke(cli, "check", str(second), "-f", "jsonl", *rules) == got


@pytest.mark.parametrize("change", ["columns", "types", "rules", "today", "profile", "format"])
def test_whatever_the_query_depends_on_makes_another_entry(
    cli: CliRunner, tmp_path: Path, cache: Path, small_catalog: tuple[Path, Path], change: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    rules_file, questions = small_catalog
    rules = ["--rules", str(rules_file), "--questions", str(questions)] if change != "profile" else []
    path = _parquet(tmp_path / "leads.parquet", ROWS if rules else BUNDLED)
    fmt = "jsonl"
    cold = invoke(cli, "check", str(path), "-f", fmt, *rules)[1]
    before = _reads()
    if change == "columns":
        path = _parquet(tmp_path / "fewer.parquet", [{k: v for k, v in r.items() if k != "cost"} for r in ROWS])
    elif change == "types":  # late_payments as a DOUBLE: its check differs
        path = _parquet(tmp_path / "typed.parquet", [{**r, "late_payments": 1.0} for r in ROWS])
    elif change == "rules":
        text = rules_file.read_text(encoding="utf-8").replace("late_payments >= 3", "late_payments >= 30")
        rules_file.write_text(text, encoding="utf-8")
    elif change == "today":
        monkeypatch.setenv("CLIENTCHECK_TODAY", "2026-06-02")
    elif change == "profile":
        assert invoke(cli, "profile", "set", "min_price=150k", "payment_term_days=14")[0] == 0
    else:
        fmt = "csv"
    code, out, err = invoke(cli, "check", str(path), "-f", fmt, *rules)
    assert _reads() == before and len(_entries(cache)) == 2  # built anew, kept beside the first
    # and it is the right query: as the Python engine scores the same answers
    import pyarrow.parquet as pq

    jsonl = tmp_path / "same.jsonl"
    rows = [{k: v for k, v in r.items() if v is not None} for r in pq.read_table(path).to_pylist()]
    jsonl.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    want = invoke(cli, "check", str(jsonl), "-f", fmt, "--engine", "python", *rules)
    assert (code, out.replace(str(path), str(jsonl)), err) == want
    if change == "rules":
        declined = '{"id":"late-payer","severity":"decline"'  # 3 late payments no longer decline
        assert declined in cold.splitlines()[0] and declined not in out.splitlines()[0]


@pytest.mark.parametrize("damage", ["garbage", "cut short", "edited", "empty", "a folder"])
def test_a_damaged_entry_is_built_anew_and_said_nothing_about(
    cli: CliRunner, tmp_path: Path, cache: Path, damage: str
) -> None:
    path = _parquet(tmp_path / "leads.parquet", BUNDLED)
    want = invoke(cli, "check", str(path), "-f", "jsonl")
    (entry,) = _entries(cache)
    text = entry.read_bytes()
    if damage == "garbage":
        entry.write_bytes(b"\x00\xff" * 100)
    elif damage == "cut short":
        entry.write_bytes(text[: len(text) // 2])
    elif damage == "edited":  # still SQL, but not the text that was kept: never run
        entry.write_bytes(text.replace(b'"verdict":"', b'"verdict":"x'))
    elif damage == "empty":
        entry.write_bytes(b"")
    else:
        entry.unlink()
        entry.mkdir()
    before = _reads()
    assert invoke(cli, "check", str(path), "-f", "jsonl") == want
    assert _reads() == before
    if damage != "a folder":  # written again, whole: the next run reads it
        assert invoke(cli, "check", str(path), "-f", "jsonl") == want and _reads() == before + 1


def test_a_cache_others_may_write_to_is_never_read(cli: CliRunner, tmp_path: Path, cache: Path) -> None:
    path = _parquet(tmp_path / "leads.parquet", BUNDLED)
    want = invoke(cli, "check", str(path), "-f", "jsonl")
    before = _reads()
    cache.chmod(0o777)
    assert invoke(cli, "check", str(path), "-f", "jsonl") == want and _reads() == before
    cache.chmod(0o700)
    (entry,) = _entries(cache)
    entry.chmod(0o666)
    assert invoke(cli, "check", str(path), "-f", "jsonl") == want and _reads() == before


def test_a_cache_that_cannot_be_written_costs_nothing_but_time(
    cli: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _parquet(tmp_path / "leads.parquet", BUNDLED)
    monkeypatch.setenv("CLIENTCHECK_NO_CACHE", "1")
    want = invoke(cli, "check", str(path), "-f", "jsonl")
    monkeypatch.delenv("CLIENTCHECK_NO_CACHE")
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))  # nothing can be made under a file
    before = _reads()
    assert invoke(cli, "check", str(path), "-f", "jsonl") == want
    assert invoke(cli, "check", str(path), "-f", "jsonl") == want and _reads() == before


def test_no_cache_means_none(cli: CliRunner, tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLIENTCHECK_NO_CACHE", "1")
    path = _parquet(tmp_path / "leads.parquet", BUNDLED)
    before = _reads()
    assert invoke(cli, "check", str(path), "-f", "jsonl") == invoke(cli, "check", str(path), "-f", "jsonl")
    assert _reads() == before and not cache.exists()


def test_json_lines_through_duckdb_keep_their_query_too(cli: CliRunner, tmp_path: Path, cache: Path) -> None:
    jsonl = tmp_path / "leads.jsonl"
    jsonl.write_text("".join(json.dumps(r) + "\n" for r in BUNDLED), encoding="utf-8")
    args = ("check", str(jsonl), "-f", "jsonl", "--engine", "duckdb")
    before = _reads()
    cold = invoke(cli, *args)
    assert _reads() == before and len(_entries(cache)) == 1
    assert invoke(cli, *args) == cold and _reads() == before + 1
    assert cold == invoke(cli, "check", str(jsonl), "-f", "jsonl", "--engine", "python")
