"""`--format csv` and `tsv` through DuckDB: rows DuckDB writes itself (sql/records.py Layout.row),
byte for byte those of the Python path, and the rows whose cells it would have to quote, escape
or neutralise left to the sink."""

from __future__ import annotations

import contextlib
import io
import json
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

# (name, written by DuckDB): a cell csv.writer quotes, tsv escapes or spreadsheet_cell changes
# (a formula's first character, bidi controls) is the sink's to write
NAMES: list[tuple[str | None, bool]] = [
    ("a,b", False),
    ('q"t', False),
    ("line\nbreak", False),
    ("cr\rx", False),
    ("=SUM(1)", False),
    ("+1", False),
    ("-x", False),
    ("@me", False),
    ("\tTab", False),
    ("back\\slash", False),
    ("bidi\u202eX", False),
    ("ctl\x01", False),
    ("x\x7fy", False),
    ("ünïcode ☃", True),
    ("", True),
    (None, True),
    ("trailing ", True),
    (" lead", True),
    ("mid=dle-x@y+z", True),
    ("'quoted'", True),
]


def _clients() -> str:
    lines = []
    for n, (name, _) in enumerate(NAMES):
        data: dict[str, Any] = {"follows_advice": "insists"} if n % 2 else {"rude": True, "worked_before": False}
        if name is not None:
            data["client"] = name
        lines.append(json.dumps(data))
    return "\n".join(lines) + "\n"


@pytest.fixture
def written(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[int]]:
    """The lines DuckDB wrote the rows of itself, and those it left to the sink."""
    from clientcheck.sql.duck import DuckRunner

    seen: dict[str, list[int]] = {"duckdb": [], "sink": []}
    real_records, real_passed = DuckRunner._emit_records, DuckRunner._not_passed

    def records(self: DuckRunner, source: Any, batch: Any, *rest: Any) -> None:
        codes = batch.column(2).to_pylist()
        seen["duckdb"] += [
            line for line, code in zip(batch.column(0).to_pylist(), codes, strict=True) if code is not None
        ]
        real_records(self, source, batch, *rest)

    def passed(self: DuckRunner, source: Any, batch: Any, n: int, *rest: Any) -> None:
        seen["sink"].append(batch.column(0)[n].as_py())
        real_passed(self, source, batch, n, *rest)

    monkeypatch.setattr(DuckRunner, "_emit_records", records)
    monkeypatch.setattr(DuckRunner, "_not_passed", passed)
    return seen


@pytest.mark.parametrize("fmt", ["csv", "tsv"])
@pytest.mark.parametrize("file_name", ["leads.jsonl", 'le,a"ds.jsonl', "=le\tads\\.jsonl"])
def test_duckdb_writes_the_rows_as_the_python_path_and_leaves_odd_names_to_the_sink(
    cli: CliRunner, tmp_path: Path, fmt: str, file_name: str, written: dict[str, list[int]]
) -> None:
    path = tmp_path / file_name
    path.write_text(_clients(), encoding="utf-8")
    python = invoke(cli, "check", str(path), "-f", fmt)
    assert not written["duckdb"]
    assert invoke(cli, "check", str(path), "-f", fmt, "--engine", "duckdb") == python
    by_duckdb = [n + 1 for n, (_, plain) in enumerate(NAMES) if plain]
    assert written["duckdb"] == by_duckdb
    assert written["sink"] == [n + 1 for n in range(len(NAMES)) if n + 1 not in by_duckdb]
    assert python[0] == 1 and python[1].count("\n") >= len(NAMES) + 1


@pytest.mark.parametrize("fmt", ["csv", "tsv"])
def test_a_parquet_files_rows_are_written_by_duckdb(
    cli: CliRunner, tmp_path: Path, fmt: str, written: dict[str, list[int]]
) -> None:
    import duckdb

    jsonl = tmp_path / "leads.jsonl"
    jsonl.write_text(_clients(), encoding="utf-8")
    parquet = tmp_path / "leads.parquet"
    duckdb.connect().read_json(str(jsonl)).write_parquet(str(parquet))
    code, out, err = invoke(cli, "check", str(parquet), "-f", fmt)
    assert (code, out.replace(str(parquet), str(jsonl)), err) == invoke(cli, "check", str(jsonl), "-f", fmt)
    assert written["duckdb"] == [n + 1 for n, (_, plain) in enumerate(NAMES) if plain]


def test_a_fractional_score_is_left_to_the_sink_a_whole_one_written_by_duckdb(
    cli: CliRunner, tmp_path: Path, written: dict[str, list[int]]
) -> None:
    """fmt.plain writes 2.5 as 2.5 and 3.0 as 3: DuckDB writes the whole scores only."""
    options = fractional_catalog(tmp_path, (1.5, 1.5))
    path = tmp_path / "leads.jsonl"
    args = ("check", str(path), "-f", "csv", *options)
    python = invoke(cli, *args)
    assert invoke(cli, *args, "--engine", "duckdb") == python
    assert [line.split(",")[7] for line in python[1].splitlines()[1:]] == ["3", "1.5", "0"]
    assert (written["duckdb"], written["sink"]) == ([1, 3], [2])


def test_rows_go_to_a_text_only_stdout_too(tmp_path: Path) -> None:
    from clientcheck.launch import main

    path = tmp_path / "leads.jsonl"
    path.write_text(_clients(), encoding="utf-8")
    outs = []
    for engine in ("python", "duckdb"):
        text = io.StringIO()
        with contextlib.redirect_stdout(text):
            code = main(["check", str(path), "--engine", engine, "--format", "csv", "--no-save", "-q"])
        outs.append((code, text.getvalue()))
    assert outs[0] == outs[1] and outs[0][1].count("\n") == len(NAMES) + 2  # and the header; a name holds one


def test_a_sink_on_a_terminal_writes_its_own_rows() -> None:
    """There the cells lose their control characters (strip_controls), which DuckDB's rows keep."""
    from clientcheck.render.csv_out import CsvSink
    from clientcheck.render.tsv import TsvSink

    assert CsvSink([], io.StringIO(), terminal=True).row_format is None
    sink = CsvSink([], io.StringIO(), terminal=False)
    assert sink.row_format is sink
    assert sink.row_head("leads.jsonl") == b"leads.jsonl,"
    assert sink.row_head('=a,"b"\rc.jsonl') == b'"\'=a,""b""\rc.jsonl",'
    assert TsvSink([], io.StringIO(), terminal=False).row_head("a\tb\\c.jsonl") == b"a\\tb\\\\c.jsonl\t"


def _run(*args: str, **env: str) -> tuple[int, bytes, bytes]:
    import os
    import subprocess
    import sys

    proc = subprocess.run(
        [sys.executable, "-m", "clientcheck", *args], capture_output=True, timeout=120, env={**os.environ, **env}
    )
    return proc.returncode, proc.stdout, proc.stderr


@pytest.mark.parametrize("encoding", ["latin-1", "utf-16"])
def test_a_stdout_not_in_utf8_gets_the_sinks_rows_in_its_encoding(tmp_path: Path, encoding: str) -> None:
    """DuckDB's rows are UTF-8: they were written as they were into a Latin-1 or UTF-16 stdout."""
    path = tmp_path / "encé.jsonl"
    path.write_text('{"client": "Zoë ☃", "rude": true}\n{"client": "plain", "rude": true}\n', encoding="utf-8")
    for fmt in ("csv", "tsv"):
        python = _run("check", str(path), "-f", fmt, PYTHONIOENCODING=encoding)
        assert _run("check", str(path), "-f", fmt, "--engine", "duckdb", PYTHONIOENCODING=encoding) == python
        rows = python[1].decode(encoding, "replace").splitlines()
        assert rows[2].startswith(f"{path},2,plain," if fmt == "csv" else f"{path}\t2\tplain\t")
    stream = io.TextIOWrapper(io.BytesIO(), encoding=encoding)
    assert _csv_sink(stream).row_format is None
    assert _csv_sink(io.TextIOWrapper(io.BytesIO(), encoding="UTF8")).row_format is not None


def _csv_sink(stream: Any) -> Any:
    from clientcheck.render.csv_out import CsvSink

    return CsvSink([], stream, terminal=False)


def _plain(tmp_path: Path) -> Path:
    path = tmp_path / "plain.jsonl"
    path.write_text('{"client": "A", "rude": true}\n', encoding="utf-8")
    return path


def test_a_file_name_that_is_not_utf8_reads_as_on_the_python_path(tmp_path: Path) -> None:
    """Its rows' start could not be made UTF-8: exit 3 in csv and tsv, and in JSON Lines on
    both paths (orjson refuses the lone surrogate that stands for the byte); DuckDB could not
    open such a Parquet file."""
    import os

    path = Path(os.fsdecode(bytes(tmp_path) + b"/bad\xff.jsonl"))
    path.write_text('{"client": "A", "rude": true}\n', encoding="utf-8")
    for fmt in ("jsonl", "csv", "tsv"):
        python = _run("check", str(path), "-f", fmt)
        assert _run("check", str(path), "-f", fmt, "--engine", "duckdb") == python
        assert python[0] == 1 and b"/bad\\udcff.jsonl" in python[1]
    import duckdb  # a Parquet file of such a name, which DuckDB cannot take: read as /proc/self/fd/N

    duckdb.connect().read_json(str(_plain(tmp_path))).write_parquet(str(tmp_path / "ok.parquet"))
    parquet = Path(os.fsdecode(bytes(tmp_path) + b"/bad\xff.parquet"))
    (tmp_path / "ok.parquet").rename(parquet)
    for fmt in ("jsonl", "csv"):
        code, out_bytes, err = _run("check", str(parquet), "-f", fmt)
        python = _run("check", str(_plain(tmp_path)), "-f", fmt)
        assert (code, err) == (python[0], python[2].replace(b"plain.jsonl", b"bad\\udcff.parquet"))
        assert out_bytes.replace(b"bad\\udcff.parquet", b"plain.jsonl") == python[1]
    out = io.StringIO()  # a text-only stream takes the name as it is: the sink writes it so
    with contextlib.redirect_stdout(out):
        from clientcheck.launch import main

        assert main(["check", str(path), "-f", "csv", "--engine", "duckdb", "--no-save", "-q"]) == 1
    assert out.getvalue().splitlines()[1].startswith(f"{path},1,A,decline")
