"""`clientcheck check` through embedded DuckDB: what the run counts (exit codes, the summary) and
inputs that fail while they are read, against the Python path."""

from __future__ import annotations

import contextlib
import errno
import io
import json
import os
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, cast

import pytest
from typer.testing import CliRunner

from tests.conftest import invoke

pytest.importorskip("duckdb", reason="the sql extra is not installed")
pytest.importorskip("sqlglot")
pytest.importorskip("pyarrow")

pytestmark = pytest.mark.slow  # DuckDB's start and a query for each run

# an unsettled GO that could still become DECLINE and an unsettled CAUTION, both written by DuckDB
CLIENTS = '{"client": "A"}\n{"client": "B", "follows_advice": "insists"}\n'
# and a client whose name DuckDB's check leaves to the Python engine (a control character)
ODD = '{"client": "\\u0001D", "follows_advice": "insists", "worked_before": false}\n'


def _parquet(jsonl: Path) -> Path:
    import duckdb

    path = jsonl.with_suffix(".parquet")
    duckdb.connect().read_json(str(jsonl)).write_parquet(str(path))
    return path


@pytest.mark.parametrize("fail_on", ["caution", "decline", "never"])
@pytest.mark.parametrize("reachable", [False, True])
def test_the_exit_code_through_duckdb_is_the_python_paths(
    cli: CliRunner, tmp_path: Path, fail_on: str, reachable: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    from clientcheck.sql.duck import DuckRunner

    written = []  # the batches of records DuckDB wrote itself (the fused path), not the outcomes
    real = DuckRunner._emit_records
    monkeypatch.setattr(DuckRunner, "_emit_records", lambda self, *a: written.append(1) or real(self, *a))
    jsonl = tmp_path / "leads.jsonl"
    jsonl.write_text(CLIENTS, encoding="utf-8")
    judge = ["--fail-on", fail_on, *(["--fail-on-reachable"] if reachable else [])]
    python = invoke(cli, "check", str(jsonl), "-f", "jsonl", *judge)
    # what the Python path says: decline fails only when judged by what is reachable (A could get there)
    want = {"caution": 1, "decline": 1 if reachable else 0, "never": 0}[fail_on]
    assert python[0] == want
    duck = invoke(cli, "check", str(jsonl), "-f", "jsonl", "--engine", "duckdb", *judge)
    assert duck == python and written
    for fmt in ("table", "csv"):  # built from the outcomes; the table counts the unsettled
        assert invoke(cli, "check", str(jsonl), "-f", fmt, "--engine", "duckdb", *judge) == invoke(
            cli, "check", str(jsonl), "-f", fmt, *judge
        )
    parquet = _parquet(jsonl)
    written.clear()
    code, out, err = invoke(cli, "check", str(parquet), "-f", "jsonl", *judge)
    assert (code, out.replace(str(parquet), str(jsonl)), err) == python and written


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc/self/mem is Linux's")
def test_an_input_that_cannot_be_read_costs_that_input_only(cli: CliRunner, tmp_path: Path) -> None:
    """Reading /proc/self/mem from its start fails (EIO): the run goes on with the next input."""
    good = tmp_path / "good.jsonl"
    good.write_text('{"client": "A", "rude": true}\n', encoding="utf-8")
    _cannot_read(cli, ("/proc/self/mem", str(good), "--input-format", "jsonl"), "/proc/self/mem", scored=1)


def _cannot_read(cli: CliRunner, inputs: tuple[str, ...], failed: str, scored: int) -> None:
    """Through DuckDB as through Python: the records scored, one line about the input that failed."""
    args = ("check", *inputs, "-f", "jsonl", "--jobs", "1")
    code, out, err = invoke(cli, *args, "--engine", "duckdb")
    assert (code, out, err) == invoke(cli, *args)
    assert code == 4 and out.count("\n") == scored
    assert err == (
        f"{failed}: cannot read: {os.strerror(errno.EIO)}\n"
        f"1 of {scored + 1} records was bad and skipped (see above); the others were scored\n"
    )


def test_the_lines_read_before_a_failed_read_are_scored(
    cli: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A read that fails after some lines: those lines are scored and written, then the failure
    is reported as FILE: cannot read, and the next input is scored."""
    from clientcheck import batch, readers

    path = tmp_path / "leads.jsonl"
    path.write_text(CLIENTS + ODD, encoding="utf-8")
    other = tmp_path / "other.jsonl"
    other.write_text('{"client": "E"}\n', encoding="utf-8")

    class Failing(io.RawIOBase):
        def __init__(self) -> None:
            self.given = False

        def readable(self) -> bool:
            return True

        def readinto(self, buffer: Any) -> int:
            if self.given:
                raise OSError(errno.EIO, os.strerror(errno.EIO))
            self.given = True
            data = (CLIENTS + ODD).encode()
            buffer[: len(data)] = data
            return len(data)

    real = batch.open_binary

    def open_binary(source: readers.Source) -> readers.InputStream:
        if source.path == str(path):
            return readers.InputStream(cast("IO[bytes]", Failing()), source.name)
        return real(source)

    monkeypatch.setattr(batch, "open_binary", open_binary)
    _cannot_read(cli, (str(path), str(other)), str(path), scored=4)


def test_a_parquet_query_may_work_ahead_of_its_reader_on_every_core(
    cli: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DuckDB's default result buffer (10 MB) would leave the second thread waiting: the Parquet
    query's cursor takes a larger one (a setting of the cursor, not of the connection)."""
    import duckdb

    from clientcheck.sql import duck

    seen: list[tuple[str, str]] = []
    real = duck.Watched

    def watched(cursor: Any, query: str, params: dict[str, str]) -> Any:
        setting = "SELECT current_setting('streaming_buffer_size')"
        seen.append((cursor.sql(setting).fetchall()[0][0], duckdb.connect().sql(setting).fetchall()[0][0]))
        return real(cursor, query, params)

    monkeypatch.setattr(duck, "Watched", watched)
    jsonl = tmp_path / "leads.jsonl"
    jsonl.write_text(CLIENTS, encoding="utf-8")
    code, out, err = invoke(cli, "check", str(_parquet(jsonl)), "-f", "jsonl")
    assert (code, err) == (0, "") and out.count("\n") == 2
    assert seen == [("95.3 MiB", "10.0 MiB")]  # STREAM_BUFFER, 100 MB; DuckDB's default


@pytest.mark.parametrize(("limit", "mask_levels"), [(0, 0), (0, 8), (4096, 8)])
def test_an_undecided_rules_text_is_one_constant_or_joined_pieces_and_reads_the_same(
    cli: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, limit: int, mask_levels: int
) -> None:
    """An undecided rule's text: by asks.py one constant, by its open levels and what they would
    ask, for a rule whose list of them stays under asks.LIMIT; else its head comes from a list of
    constants (records.open_head, a rule of at most MASK_LEVELS levels) or is joined from pieces,
    and its questions are joined from its entries. All of them are Python's."""
    import json

    from sqlglot import exp

    from clientcheck.loader import load_catalog
    from clientcheck.sql import asks, records
    from tests.sqlcheck import random_clients

    monkeypatch.setenv("CLIENTCHECK_NO_CACHE", "1")  # built with the patches, not read from the cache
    heads: list[bool] = []
    looked: list[bool] = []
    real = records.Layout.open_head
    real_text = asks.Asks.table
    monkeypatch.setattr(asks, "LIMIT", limit)
    monkeypatch.setattr(records, "MASK_LEVELS", mask_levels)
    monkeypatch.setattr(
        records.Layout,
        "open_head",
        lambda self, *a: heads.append(isinstance(h := real(self, *a), exp.Bracket)) or h,
    )
    monkeypatch.setattr(asks.Asks, "table", lambda self, *a: looked.append((t := real_text(self, *a)) is not None) or t)
    catalog = load_catalog()
    assert max(len(rule.levels) for rule in catalog.rules) > 2  # several sets of open levels
    jsonl = tmp_path / "leads.jsonl"
    jsonl.write_text("".join(json.dumps(c) + "\n" for c in random_clients(catalog, 400, seed=3)), encoding="utf-8")
    duck = invoke(cli, "check", str(jsonl), "-f", "jsonl", "--engine", "duckdb")
    assert looked and set(looked) == {limit > 0}
    if limit:
        assert not heads
    else:
        assert heads and set(heads) == {mask_levels > 0}
    assert duck == invoke(cli, "check", str(jsonl), "-f", "jsonl")
    assert duck[1].count('"undecided":[{') > 100


def test_duckdb_writes_bidi_controls_in_a_name_as_escapes_as_the_python_path_does(
    cli: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DuckDB's to_json kept U+202E and the other bidi controls as they are."""
    from clientcheck.sql.duck import DuckRunner
    from clientcheck.terminal import BIDI

    written = []  # DuckDB wrote the records itself (the fused path)
    real = DuckRunner._emit_records
    monkeypatch.setattr(DuckRunner, "_emit_records", lambda self, *a: written.append(1) or real(self, *a))
    names = [f"a{c}b" for c in BIDI] + ["Вектор", "plain", f"Вектор {BIDI[4]}{BIDI[0]}"]
    jsonl = tmp_path / "names.jsonl"
    jsonl.write_text("".join(f'{{"client": "{n}"}}\n' for n in names), encoding="utf-8")
    python = invoke(cli, "check", str(jsonl), "-f", "jsonl")
    assert python[0] == 0 and not any(c in python[1] for c in BIDI) and "\\u202e" in python[1]
    assert invoke(cli, "check", str(jsonl), "-f", "jsonl", "--engine", "duckdb") == python and written
    parquet = _parquet(jsonl)
    code, out, err = invoke(cli, "check", str(parquet), "-f", "jsonl")
    assert (code, out.replace(str(parquet), str(jsonl)), err) == python


@pytest.mark.parametrize("fmt", ["jsonl", "json"])
def test_what_an_undecided_rule_would_ask_behind_gates_two_deep_reads_as_in_python(
    cli: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    """asks.py works out what a rule would ask from each name's state: h is gated by g, g by b.
    Each case here takes another of those states (an answer behind a false gate counts as none,
    a gate whose own gate is false asks nothing), in the records DuckDB writes (jsonl) and in
    the outcomes the other formats read (json: the questions to ask next, both passes)."""
    import json

    from clientcheck.sql.asks import Asks
    from tests.sqlcheck import varied_catalog

    monkeypatch.setenv("CLIENTCHECK_NO_CACHE", "1")  # built, not read from the cache
    made: list[bool] = []
    real = Asks.table
    cases = [
        {"b": False, "g": True},  # g is dropped (its gate is false): h's gate unknown, g never asked
        {"b": True},  # ask g first
        {"b": True, "g": True},  # ask h
        {"b": True, "g": False},  # nothing behind h
        {},  # ask b
        {"g": True},  # g's gate unknown: b before it
        {"a": True, "c": "p"},
        {"a": True, "n": 4, "k": 3},
    ]
    varied_catalog(tmp_path)
    rules = ["--rules", str(tmp_path / "rules.yaml"), "--questions", str(tmp_path / "questions")]
    jsonl = tmp_path / "gates.jsonl"
    jsonl.write_text("".join(json.dumps(c) + "\n" for c in cases), encoding="utf-8")
    monkeypatch.setattr(Asks, "table", lambda self, *a: made.append((t := real(self, *a)) is not None) or t)
    from clientcheck.sql.rows import Rows

    second: list[int] = []  # the rows whose questions to ask took the second pass's outcomes
    real_next = Rows.ask_next
    monkeypatch.setattr(Rows, "ask_next", lambda self, *a: second.append(1) or real_next(self, *a))
    duck = invoke(cli, "check", str(jsonl), "-f", fmt, "--engine", "duckdb", *rules)
    assert made and all(made)  # every rule's questions were looked up, none joined from entries
    # as in the compiled path: only a client whose range took a second pass has them worked out
    # as the result is made; the others' are worked out from the result when a format reads them
    assert 0 < len(second) < len(cases) if fmt == "json" else second == []
    python = invoke(cli, "check", str(jsonl), "-f", fmt, *rules)
    assert duck == python and duck[2] == ""  # and no bad record
    if fmt == "jsonl":
        asked = {tuple(u["ask"]) for line in duck[1].splitlines() for u in json.loads(line)["undecided"]}
        assert {("h",), ("g",), ("b",), ("c",)} <= asked


@pytest.mark.parametrize("suffix", [".jsonl", ".parquet"])
def test_records_go_to_a_text_only_stdout_too(tmp_path: Path, suffix: str) -> None:
    """A stdout with no bytes buffer (an IDE, a notebook, a host that captures text) took the
    records' Arrow buffer as bytes and stopped with an internal error."""
    import contextlib

    from clientcheck.launch import main

    jsonl = tmp_path / "c.jsonl"
    jsonl.write_text(CLIENTS, encoding="utf-8")
    path = jsonl if suffix == ".jsonl" else _parquet(jsonl)
    with_python = io.StringIO()
    with contextlib.redirect_stdout(with_python):
        main(["check", str(jsonl), "--format", "jsonl", "--no-save"])
    text = io.StringIO()
    with contextlib.redirect_stdout(text):
        code = main(["check", str(path), "--engine", "duckdb", "--format", "jsonl", "--no-save"])
    lines = [line.split('"input":')[0] for line in text.getvalue().splitlines()]
    assert (code, lines) == (0, [line.split('"input":')[0] for line in with_python.getvalue().splitlines()])


def test_a_csv_whole_number_past_64_bits_is_reported_as_by_the_python_path(cli: CliRunner, tmp_path: Path) -> None:
    """It stopped the DuckDB path with an internal error (the row's JSON could not be written)."""
    path = tmp_path / "big.csv"
    path.write_text("client,late_payments,worked_before\na,99999999999999999999,yes\nb,2,yes\n", encoding="utf-8")
    python = invoke(cli, "check", str(path), "-f", "jsonl")
    duck = invoke(cli, "check", str(path), "-f", "jsonl", "--engine", "duckdb")
    assert duck == python
    assert python[2] == (
        f"{path}:2: late_payments: 99999999999999999999 is too large; expected a whole number from 0 to 1000\n"
        "1 of 2 records was bad and skipped (see above); the others were scored\n"
    )


def _spied(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """What DuckDB did of a run: the queries it ran, the records it left to the Python way, the
    batches of results it handed over out of their order."""
    from clientcheck.sql import duck

    seen = {"queries": 0, "python": 0, "out_of_order": 0}
    real_watched, real_entry, real_matches = duck.Watched, duck.DuckRunner._entry, duck.Feed.matches

    def watched(*args: Any) -> Any:
        seen["queries"] += 1
        return real_watched(*args)

    def entry(self: Any, *args: Any) -> None:
        seen["python"] += 1
        real_entry(self, *args)

    def matches(self: Any, *args: Any) -> bool:
        ok = real_matches(self, *args)
        seen["out_of_order"] += not ok
        return ok

    monkeypatch.setattr(duck, "Watched", watched)
    monkeypatch.setattr(duck.DuckRunner, "_entry", entry)
    monkeypatch.setattr(duck.Feed, "matches", matches)
    return seen


ODD_LINES = [
    "",  # not a record
    "{",  # broken
    '{"client": "\\u0001D"}',  # a control character in the name: Python writes its escape
    '{"nope": 1}',  # an unknown key
    '{"client": "X", "client": "Y"}',  # a repeated key
    '{"client": "\\ud800"}',  # a lone surrogate, which DuckDB's JSON does not take
    "[1]",
]


def _lines(tmp_path: Path, count: int) -> tuple[Path, int]:
    """random clients as JSON Lines, ODD_LINES among them; and how many lines in all"""
    from clientcheck.loader import load_catalog
    from tests.sqlcheck import random_clients

    lines = [json.dumps(c, ensure_ascii=False) for c in random_clients(load_catalog(), count, seed=11)]
    for i, odd in enumerate(ODD_LINES):
        lines.insert(9 * i + 4, odd)
    path = tmp_path / "leads.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path, len(lines)


def test_json_lines_reach_duckdb_as_one_stream_and_come_back_in_their_order(
    cli: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One query for the whole input, planned once, read in many batches (here of 7 records,
    and results fetched 10 at a time); DuckDB scores every record but the odd ones, whose
    results the Python way writes in their places."""
    from clientcheck.sql import duck, feed

    monkeypatch.setattr(feed, "BATCH", 7)
    monkeypatch.setattr(duck, "FETCH", 10)
    path, _ = _lines(tmp_path, 300)
    python = invoke(cli, "check", str(path), "-f", "jsonl")
    seen = _spied(monkeypatch)
    assert invoke(cli, "check", str(path), "-f", "jsonl", "--engine", "duckdb") == python
    assert seen == {"queries": 1, "python": len(ODD_LINES), "out_of_order": 0}
    assert python[0] == 4 and python[1].count("\n") == 301  # 300 clients and a control character scored


def test_results_handed_over_out_of_order_are_not_written_the_rest_goes_the_python_way(
    cli: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Should DuckDB ever hand a stream's results over out of their order, nothing is written
    out of its place: from the first batch that is not in order on, the Python way scores."""
    from clientcheck.sql import duck, feed

    monkeypatch.setattr(feed, "BATCH", 7)
    monkeypatch.setattr(duck, "FETCH", 10)
    path, count = _lines(tmp_path, 100)
    python = invoke(cli, "check", str(path), "-f", "jsonl")
    seen = _spied(monkeypatch)
    real = duck.Feed.matches
    refused: list[int] = []  # where the rest went the Python way

    def matches(self: Any, ordinal: int, lines: Any) -> bool:
        if ordinal < 30:
            return real(self, ordinal, lines)
        refused.append(ordinal)
        return False

    monkeypatch.setattr(duck.Feed, "matches", matches)
    for fmt in ("jsonl", "csv"):
        assert invoke(cli, "check", str(path), "-f", fmt, "--engine", "duckdb") == (
            python if fmt == "jsonl" else invoke(cli, "check", str(path), "-f", fmt)
        )
    # the odd lines before it went the Python way in their places, all lines after it
    at = refused[0]
    assert 30 <= at < 40 and refused == [at, at]
    before = sum(1 for i in range(len(ODD_LINES)) if 9 * i + 4 < at)
    assert seen["queries"] == 2 and seen["python"] == 2 * (before + count - at)


# answers written other ways than DuckDB writes JSON; the comment says which go the Python way
SPELLINGS = r"""{"client": "A\"B", "rude": true, "follows_advice": "\u0069nsists"}
{"client": "\u0410\u0411", "late_payments": 5.0, "worked_before": true}
{"client": "C", "late_payments": 2, "worked_before": false}
{"client": "D", "late_payments": null, "worked_before": false}
{"client": "E", "asks": "discount"}
{"client": "F", "asks": ["discount", "discount"]}
{"client": "G", "asks": []}
{"client": "H", "budget_amount": 1E6, "discount_pct": 1e1}
{"client": "I", "discount_pct": -0.0, "hours_to_deadline": 12}
{"client": "J", "\u0072ude": false}
{"client": "K", "rude": true }
{ "client" : "L" , "rude" : false }
{"client": "M", "asks": ["discount", "pay_if_liked"], "budget_amount": "150k"}
{"client": "N", "late_payments": 1e20, "worked_before": true}
{"client": "O", "late_payments": -1, "worked_before": true}
{"client": "P", "payment_term_days": 9007199254740993}
{"client": null}
{"client": "Q", "rude": "true"}
{"client": "R", "asks": ["discount",]}
{"client": "S", "rude": false ,}
{"client": "T,]"}
"""
# a repeated choice (F), a unit (M), out of range (N, O, P), a text for a yes/no (Q), a comma
# before `]` or `}` (R, S, which DuckDB's JSON reader takes and Python's does not; T only looks so)
PYTHON_WAY = 9


@pytest.mark.parametrize("fmt", ["jsonl", "json"])
def test_answers_written_in_other_ways_read_as_in_python(
    cli: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    """DuckDB's check compares the text of each answer as DuckDB writes it back (true, "id",
    digits): escapes, exponents, spaces and a whole number written 5.0 are scored there, and
    what it does not pass reads as the Python path has it."""
    path = tmp_path / "spellings.jsonl"
    path.write_text(SPELLINGS, encoding="utf-8")
    python = invoke(cli, "check", str(path), "-f", fmt)
    seen = _spied(monkeypatch)
    assert invoke(cli, "check", str(path), "-f", fmt, "--engine", "duckdb") == python
    assert seen == {"queries": 1, "python": PYTHON_WAY, "out_of_order": 0}
    assert python[0] == 4 and python[2].count("\n") == 7  # six bad records and the summary


def test_a_failure_inside_the_stream_is_not_lost_in_duckdb(
    cli: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Something going wrong while the input is read for DuckDB (here a bug, simulated) is not
    swallowed by DuckDB with the records after it: the records before it are written, and the
    run ends as the same failure would anywhere (exit 3)."""
    from clientcheck.sql import duck

    real = duck.jsonl_lines

    def failing(*args: Any, **kwargs: Any) -> Any:
        yield from real(*args, **kwargs)
        raise RuntimeError("boom")

    monkeypatch.setattr(duck, "jsonl_lines", failing)
    path = tmp_path / "leads.jsonl"
    path.write_text(CLIENTS, encoding="utf-8")
    code, out, err = invoke(cli, "check", str(path), "-f", "csv", "--engine", "duckdb")
    assert (code, out.count("\n")) == (3, 3)  # the header and both clients
    assert err == (
        "clientcheck: internal error: RuntimeError: boom. This is a bug in clientcheck; please report it with "
        "the command you ran (CLIENTCHECK_DEBUG=1 shows the traceback).\n"
    )


def test_a_batch_for_duckdb_is_cut_by_its_bytes_too(
    cli: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Long lines make short batches: DuckDB reads a few batches ahead, outside its memory limit."""
    from clientcheck.sql import feed

    sizes: list[int] = []
    real = feed._arrow
    monkeypatch.setattr(feed, "_arrow", lambda records, start: sizes.append(len(records)) or real(records, start))
    monkeypatch.setattr(feed, "BATCH_BYTES", 1000)
    path = tmp_path / "leads.jsonl"
    path.write_text(
        "".join(json.dumps({"client": f"{i:03} " + "x" * 240}) + "\n" for i in range(100)), encoding="utf-8"
    )
    assert invoke(cli, "check", str(path), "-f", "jsonl", "--engine", "duckdb") == invoke(
        cli, "check", str(path), "-f", "jsonl"
    )
    assert sizes == [4] * 25  # 4 lines of 262 bytes pass 1,000


def _unread(pipe: IO[bytes]) -> int:
    """The bytes written to a pipe that its reader has not read yet."""
    import array
    import fcntl
    import termios

    count = array.array("i", [0])
    fcntl.ioctl(pipe.fileno(), termios.FIONREAD, count)
    return count[0]


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_a_ctrl_c_while_duckdb_waits_for_a_pipe_ends_the_run_at_once(tmp_path: Path, fmt: str) -> None:
    """From a pipe whose writer is quiet, a Ctrl-C ends the run (130) at once, as the Python path
    does, not when the writer writes again; first the batch of results in hand is written, in
    every format (here all the records read, 1,000, fewer than a batch of any format)."""
    import signal
    import subprocess
    import time

    fifo = tmp_path / "leads.jsonl"
    os.mkfifo(fifo)
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    command = [sys.executable, "-m", "clientcheck", "check", str(fifo), "--engine", "duckdb", "-f", fmt]
    run = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    with open(fifo, "wb") as writer:  # kept open, and quiet, while the signal comes
        writer.write(b'{"client": "A", "rude": false}\n' * 1000)
        writer.flush()
        # every line is read (nothing left in the pipe: FIONREAD, on Linux) and DuckDB waits for more
        deadline = time.monotonic() + 60
        while _unread(writer) and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.5)
        run.send_signal(signal.SIGINT)
        try:
            out, err = run.communicate(timeout=30)
        finally:
            run.kill()
    assert (run.returncode, err) == (130, b"clientcheck: interrupted\n")
    assert out.endswith(b"\n") and out.count(b"\n") == 1000 + (fmt == "csv")  # and the header


@pytest.mark.parametrize("where", ["_arrow", "_read", "batches"])
def test_a_ctrl_c_while_duckdb_reads_the_input_ends_the_run_after_what_it_has_written(
    cli: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    """A Ctrl-C lands in whichever thread runs Python: here in DuckDB's reading of the input, as
    the third batch is made or its lines are read, or as DuckDB first asks for a batch (before
    the stream's own code can catch anything). The run ends as interrupted (130) at once: whole
    records of the first lines are written, and nothing is scored the Python way."""
    from clientcheck.sql import feed

    path, _ = _lines(tmp_path, 100)
    first = tmp_path / "first.jsonl"  # the two batches given
    first.write_bytes(b"".join(path.read_bytes().splitlines(keepends=True)[:20]))
    _, python, _ = invoke(cli, "check", str(first), "-f", "csv")
    monkeypatch.setattr(feed, "BATCH", 10)
    owner = feed if where == "_arrow" else feed.Feed
    real = getattr(owner, where)
    calls = []

    def pressed(*args: Any) -> Any:
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real(*args)

    def first_asked(self: Any) -> Iterator[Any]:  # the stream, as DuckDB first asks it for a batch
        raise KeyboardInterrupt
        yield  # a generator

    if where == "batches":
        pressed = first_asked

    monkeypatch.setattr(owner, where, pressed)
    seen = _spied(monkeypatch)
    code, out, err = invoke(cli, "check", str(path), "-f", "csv", "--engine", "duckdb")
    assert (code, err.splitlines()[-1]) == (130, "clientcheck: interrupted")
    assert out.endswith("\n") and python.replace(str(first), str(path)).startswith(out)
    assert seen["python"] <= 2 and seen["out_of_order"] == 0  # the odd lines among the first 20 at most
    if where == "batches":  # not a record
        assert (out.count("\n"), err) == (1, "clientcheck: interrupted\n")


def test_errors_without_a_line_have_keys_of_their_own_in_the_stream() -> None:
    """The order check tells every row of the stream from every other: an error read without a
    line number takes -1 - its ordinal, which no line has, so two of them cannot swap unseen."""
    import pyarrow as pa

    from clientcheck.errors import ClientcheckError
    from clientcheck.sql.feed import Feed

    records = [(1, b"{}"), ClientcheckError("lost"), ClientcheckError("lost too"), (4, b"{}")]
    stream = Feed(iter(records))
    batch = next(stream.batches())
    assert batch.column(0).to_pylist() == [1, -2, -3, 4]
    assert batch.column(1).to_pylist() == ["{}", None, None, "{}"]
    assert stream.matches(0, pa.array([1, -2, -3, 4], pa.int64()))
    assert not stream.matches(0, pa.array([1, -3, -2, 4], pa.int64()))


def test_a_parquet_name_on_a_fifo_is_one_bad_input_not_a_wait(cli: CliRunner, tmp_path: Path) -> None:
    """DuckDB would wait in its own thread for a writer to open a FIFO, deaf to Ctrl-C: a pipe or
    a device named .parquet is reported as one bad input, and the files beside it are scored."""
    import duckdb

    folder = tmp_path / "leads"
    folder.mkdir()
    os.mkfifo(folder / "a.parquet")
    duckdb.sql("COPY (SELECT 'Acme' AS client, true AS rude) TO '" + str(folder / "b.parquet") + "'")

    def unblock() -> None:  # should DuckDB wait to open it again, a writer comes (and goes): no hang
        with contextlib.suppress(OSError):  # no reader waits: the fix holds
            os.close(os.open(folder / "a.parquet", os.O_WRONLY | os.O_NONBLOCK))

    timer = threading.Timer(5, unblock)
    timer.start()
    try:
        code, out, err = invoke(cli, "check", str(folder), "-f", "csv")
    finally:
        timer.cancel()
    assert code == 4
    assert err == (
        f"{folder / 'a.parquet'}: not a regular file: Parquet is read from a file, not from a pipe or a device\n"
        "1 of 2 records was bad and skipped (see above); the others were scored\n"
    )
    assert out.splitlines()[1].startswith(f"{folder / 'b.parquet'},1,Acme,decline,")


def _negative_weights(tmp_path: Path) -> tuple[Path, list[str]]:
    """leads.csv and the options for a catalog with a level of negative weight: its range takes
    a second pass (what could still happen differs from what is known)."""
    import csv
    import random

    questions = tmp_path / "questions"
    questions.mkdir()
    (questions / "q.yaml").write_text(
        "section: all\ntitle: All\nquestions:\n"
        + "".join(f"  - {{id: {q}, type: integer, text: {q.upper()}}}\n" for q in "abc")
        + "  - {id: d, type: yesno, text: D}\n",
        encoding="utf-8",
    )
    rule = "  - {{id: {id}, kind: red-flag, source: s, title: {{en: T, ru: T}}, why: {{en: W, ru: W}}, advice: {{en: A, ru: A}}, {rest}}}\n"
    (tmp_path / "rules.yaml").write_text(
        "clientcheck: rules\nversion: 1\nsources: {s: S}\npolicy:\n  severities:\n"
        "    low: {weight: 1, label: {en: low, ru: низкая}}\n    high: {weight: 3, label: {en: high, ru: высокая}}\n"
        "    decline: {weight: 10, label: {en: decline, ru: отказ}}\n  good_sign_weight: 1\n"
        "  decline_if: {any_severity: [decline], min_score: 6}\n  caution_if: {any_severity: [high], min_score: 2}\n"
        "rules:\n"
        + rule.format(
            id="r1", rest="levels: [{when: a > 5, severity: low, weight: 1}, {when: b > 5, severity: low, weight: -8}]"
        )
        + rule.format(id="r2", rest="when: c > 5, severity: high, weight: 3")
        + rule.format(id="r3", rest="when: d, severity: low, weight: 5"),
        encoding="utf-8",
    )
    pick = random.Random(14)
    path = tmp_path / "leads.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        out = csv.writer(f)
        out.writerow(["client", "a", "b", "c", "d"])
        for n in range(300):
            out.writerow([f"c{n}", *(pick.choice(["", "0", "9"]) for _ in "abc"), pick.choice(["", "yes", "no"])])
    return path, ["--rules", str(tmp_path / "rules.yaml"), "--questions", str(questions), "--fail-on", "never"]


def test_the_questions_to_ask_weigh_an_open_rule_by_its_lightest_level_too(cli: CliRunner, tmp_path: Path) -> None:
    """An open rule's part in the range is from its lightest to its heaviest open level: with a
    level of negative weight, the questions to ask next (`--format json`) rank as in Python."""
    path, rules = _negative_weights(tmp_path)
    python = invoke(cli, "check", str(path), "-f", "json", *rules)
    assert invoke(cli, "check", str(path), "-f", "json", "--engine", "duckdb", *rules) == python
    assert python[0] == 0 and '"ask_next": [{"question": "a"' in python[1]


@pytest.mark.slow
def test_every_format_from_duckdb_reads_as_the_python_paths_on_random_catalogs(
    cli: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The property tests' random catalogs (signed and fractional weights, `when` gates,
    fired(), count(), dates): `--format json` (every finding with what else holds, the questions
    to ask next, both passes), csv and tsv through DuckDB, as the Python path writes them."""
    import random

    from clientcheck.loader import load_catalog
    from tests import engine_gen
    from tests.sqlcheck import random_clients

    monkeypatch.setenv("CLIENTCHECK_TODAY", "2026-12-01")
    reads_fired = 0
    for seed in range(8):
        rules, questions = engine_gen.write_catalog(tmp_path / str(seed), random.Random(seed))
        reads_fired += "fired(" in rules.read_text(encoding="utf-8")
        clients = random_clients(load_catalog(rules, questions), 150, seed)
        path = tmp_path / str(seed) / "leads.jsonl"
        path.write_text("".join(json.dumps(c, default=str) + "\n" for c in clients), encoding="utf-8")
        for fmt in ("json", "csv", "tsv"):  # csv and tsv: rows DuckDB writes itself
            args = ("check", str(path), "-f", fmt, "--rules", str(rules), "--questions", str(questions), "-q")
            python = invoke(cli, *args, "--fail-on", "never")
            assert invoke(cli, *args, "--fail-on", "never", "--engine", "duckdb") == python, (seed, fmt)
            assert python[0] == 0
    assert reads_fired >= 2


def test_the_questions_to_ask_are_worked_out_only_for_a_format_that_shows_them(
    cli: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After a second pass, what to ask next takes both passes' outcomes (Rows.ask_next, 40 % of a
    row's time for a table from Parquet): the table and markdown rows do not show it."""
    from clientcheck.sql.rows import Rows

    calls: list[int] = []
    real = Rows.ask_next
    monkeypatch.setattr(Rows, "ask_next", lambda self, *a: calls.append(1) or real(self, *a))
    import random

    from clientcheck.loader import load_catalog
    from tests.varied import random_answers

    catalog, pick = load_catalog(), random.Random(16)
    path = tmp_path / "leads.jsonl"  # the bundled rules: many of their clients take a second pass
    path.write_text("".join(json.dumps(random_answers(catalog, pick, 0)) + "\n" for _ in range(200)), encoding="utf-8")
    for fmt in ("table", "markdown", "json"):
        calls.clear()
        duck = invoke(cli, "check", str(path), "-f", fmt, "--engine", "duckdb")
        assert duck == invoke(cli, "check", str(path), "-f", fmt)
        assert bool(calls) == (fmt == "json"), fmt


def test_a_connection_is_set_up_as_connect_says() -> None:
    from clientcheck.sql.duck import connect

    expected = {
        "preserve_insertion_order": True,
        "memory_limit": "244.1 MiB",  # 256 MB, as DuckDB shows it
        "disabled_optimizers": "join_order",
        "allocator_background_threads": True,
        "threads": 1,
    }
    con = connect(threads=1)
    got = {name: con.execute(f"SELECT current_setting('{name}')").fetchall()[0][0] for name in expected}
    con.close()
    assert got == expected
