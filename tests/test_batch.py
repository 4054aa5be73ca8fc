"""`check` with many clients: streaming, bad records, exit codes, worker processes, pipes, colour.
(The compiled fast path against evaluate() is in tests/test_compiled.py.)"""

from __future__ import annotations

import io
import json
import os
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import pexpect
import pytest
from typer.testing import CliRunner

from clientcheck.batch import EXIT_BAD_INPUT
from clientcheck.loader import load_catalog
from clientcheck.model import Catalog
from tests.conftest import WriteYaml, invoke
from tests.varied import random_answers

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
CLIENTCHECK = [sys.executable, "-m", "clientcheck"]


def write_jsonl(path: Path, records: list[Any]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


GOOD = {"client": "Good", "worked_before": True, "late_payments": 0, "rude": False, "long_term": True}
DECLINE = {"client": "Bad", "worked_before": True, "late_payments": 5}
CAUTION = {"client": "Meh", "follows_advice": "insists"}


@pytest.mark.slow
def test_jsonl_streams_a_record_per_client_in_input_order(cli: CliRunner, tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "leads.jsonl", [GOOD, DECLINE, CAUTION])
    code, out, err = invoke(cli, "check", str(path), "--format", "jsonl")
    assert (code, err) == (1, "")
    records = [json.loads(line) for line in out.splitlines()]
    assert [(r["client"], r["verdict"], r["line"]) for r in records] == [
        ("Good", "go", 1),
        ("Bad", "decline", 2),
        ("Meh", "caution", 3),
    ]
    assert all(r["schema"] == "clientcheck.result/2" and r["input"] == str(path) for r in records)
    assert records[1]["findings"][0] == {"id": "late-payer", "severity": "decline", "weight": 10}


def test_three_corrupt_lines_are_reported_by_line_and_the_rest_scored(cli: CliRunner, tmp_path: Path) -> None:
    lines = [json.dumps(GOOD)] * 20
    lines[3] = '{"rude": tru'
    lines[9] = '{"late_payments": "many"}'
    lines[16] = '{"rude": true, "rude": false}'
    lines[18] = '{"rude": true'  # cut at its end: the column is where the line ends, not on a next line
    lines[19] = '{"client": "abc'
    path = tmp_path / "leads.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out, err = invoke(cli, "check", str(path), "-f", "jsonl", "--fail-on", "never")
    assert code == EXIT_BAD_INPUT
    assert err == (
        f"{path}:4:10: JSON syntax error: Expecting value\n"
        f"{path}:10: late_payments: 'many' is not a number; expected a whole number from 0 to 1000\n"
        f"{path}:17: duplicate key 'rude'\n"
        f"{path}:19:14: JSON syntax error: Expecting ',' delimiter\n"
        f"{path}:20:12: JSON syntax error: Unterminated string starting at\n"
        "5 of 20 records were bad and skipped (see above); the others were scored\n"
    )
    assert [json.loads(line)["line"] for line in out.splitlines()] == [n for n in range(1, 19) if n not in (4, 10, 17)]


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_a_whole_number_past_64_bits_is_quoted_as_written(cli: CliRunner, tmp_path: Path, fmt: str) -> None:
    """orjson reads it as a float: the message said 1.2345678901234568e+29 (DuckDB quotes the digits)."""
    path = tmp_path / "leads.jsonl"
    path.write_text('{"late_payments": 123456789012345678901234567890}\n', encoding="utf-8")
    code, _, err = invoke(cli, "check", str(path), "-f", fmt, "--jobs", "1")
    assert (code, err.splitlines()[0]) == (
        EXIT_BAD_INPUT,
        f"{path}:1: late_payments: 123456789012345678901234567890 is too large; expected a whole number from 0 to 1000",
    )


def test_quiet_keeps_the_errors_but_not_the_closing_note(cli: CliRunner, tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "leads.jsonl", [GOOD, [1, 2]])
    code, _, err = invoke(cli, "check", str(path), "-f", "csv", "--quiet")
    assert code == EXIT_BAD_INPUT
    assert err == f"{path}:2: a record must be a JSON object: the answers of one client\n"


@pytest.mark.parametrize(
    ("records", "fail_on", "code"),
    [
        ([GOOD, CAUTION], "decline", 0),
        ([GOOD, CAUTION], "caution", 1),
        ([GOOD, DECLINE], "decline", 1),
        ([GOOD, DECLINE], "never", 0),
        ([GOOD, DECLINE, "bad"], "never", EXIT_BAD_INPUT),
        ([DECLINE, "bad"], "decline", EXIT_BAD_INPUT),
    ],
)
def test_the_exit_code_is_the_worst_verdict_unless_some_input_was_bad(
    cli: CliRunner, tmp_path: Path, records: list[Any], fail_on: str, code: int
) -> None:
    path = write_jsonl(tmp_path / "leads.jsonl", records)
    assert invoke(cli, "check", str(path), "-f", "jsonl", "--fail-on", fail_on)[0] == code


def test_a_folder_entry_that_cannot_be_read_is_a_bad_input_in_its_place(
    cli: CliRunner, tmp_path: Path, write_yaml: WriteYaml
) -> None:
    """A dangling link, a loop of links and a FIFO in a folder were left out without a word (named
    on the command line, each is an error)."""
    import os

    write_yaml("dir/a.yaml", "client: A\nrude: true\n")
    folder = tmp_path / "dir"
    (folder / "b.yaml").symlink_to(folder / "nowhere.yaml")
    (folder / "c.yaml").symlink_to(folder / "c.yaml")
    os.mkfifo(folder / "d.yaml")
    (folder / "sub.yaml").mkdir()  # a folder, whatever its name: not an input
    write_yaml("dir/e.json", '{"client": "E"}')
    code, out, err = invoke(cli, "check", str(folder), "-f", "jsonl")
    assert code == EXIT_BAD_INPUT
    assert [json.loads(line)["client"] for line in out.splitlines()] == ["A", "E"]
    assert err.splitlines() == [
        f"{folder / 'b.yaml'}: no such file",
        f"{folder / 'c.yaml'}: cannot read: a loop of symbolic links",
        f"{folder / 'd.yaml'}:1: nothing to read: the pipe or device gave no data",
        "3 of 5 records were bad and skipped (see above); the others were scored",
    ]


def test_files_and_folders_are_read_in_order(cli: CliRunner, tmp_path: Path, write_yaml: WriteYaml) -> None:
    write_yaml("dir/b.yaml", "client: B\nrude: true\n")
    write_yaml("dir/a.json", '{"client": "A"}')
    write_yaml("dir/notes.txt", "not an answers file")
    one = write_jsonl(tmp_path / "one.jsonl", [CAUTION])
    code, out, err = invoke(cli, "check", str(one), str(tmp_path / "dir"), "-f", "jsonl")
    assert (code, err) == (1, "")
    records = [json.loads(line) for line in out.splitlines()]
    assert [(r["client"], r["input"], r["line"]) for r in records] == [
        ("Meh", str(one), 1),
        ("A", str(tmp_path / "dir" / "a.json"), None),
        ("B", str(tmp_path / "dir" / "b.yaml"), None),
    ]


def test_a_bad_answers_file_in_a_batch_is_skipped_with_its_own_place(
    cli: CliRunner, tmp_path: Path, write_yaml: WriteYaml
) -> None:
    good = write_yaml("good.yaml", "client: G\n")
    bad = write_yaml("bad.yaml", "rude: maybe\n")
    code, out, err = invoke(cli, "check", str(good), str(bad), "-f", "csv")
    assert code == EXIT_BAD_INPUT
    assert err == (
        f'{bad}:1:1: rude: expected true or false, got "maybe"\n'
        "1 of 2 records was bad and skipped (see above); the others were scored\n"
    )
    assert out.splitlines()[1].startswith(f"{good},,G,go,")


@pytest.mark.parametrize(
    ("name", "text", "lang", "said"),
    [
        # a refused CSV header is every row lost
        ("bad.csv", "client,rudee\na,true\nb,false\n", "en", "1 bad record or input (see above); no client was scored"),
        (
            "bad.csv",
            "client,rudee\na,true\n",
            "ru",
            "1 запись или источник с ошибками (см. выше); ни один клиент не оценён",
        ),
        ("two.jsonl", '{"rude": "maybe"}\n[]\n', "en", "2 bad records or inputs (see above); no client was scored"),
        (
            "two.jsonl",
            '{"rude": "maybe"}\n[]\n',
            "ru",
            "2 записи или источника с ошибками (см. выше); ни один клиент не оценён",
        ),
    ],
)
def test_a_batch_that_scored_nobody_does_not_say_the_others_were_scored(
    cli: CliRunner, write_yaml: WriteYaml, name: str, text: str, lang: str, said: str
) -> None:
    """It said "1 of 1 records was bad and skipped (see above); the others were scored"."""
    code, _, err = invoke(cli, "check", str(write_yaml(name, text)), "-f", "csv", "--lang", lang)
    assert (code, err.splitlines()[-1]) == (EXIT_BAD_INPUT, said)


def test_stdin_is_one_answers_document_unless_the_input_format_says_otherwise(cli: CliRunner) -> None:
    stream = json.dumps(GOOD) + "\n" + json.dumps(DECLINE) + "\n"
    code, out, err = invoke(cli, "check", "-", "--input-format", "jsonl", "-f", "jsonl", input=stream)
    assert (code, err) == (1, "")
    assert [json.loads(line)["input"] for line in out.splitlines()] == ["<stdin>", "<stdin>"]
    code, out, _ = invoke(cli, "check", "-", "-f", "json", input=json.dumps(GOOD))
    assert code == 0 and json.loads(out)["schema"] == "clientcheck.verdict/2"


def test_missing_inputs_stop_the_run_before_anything_is_scored(cli: CliRunner, tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "leads.jsonl", [GOOD])
    assert invoke(cli, "check", str(path), "nope.csv") == (2, "", "clientcheck: error: nope.csv: no such file\n")
    (tmp_path / "empty").mkdir()
    code, out, err = invoke(cli, "check", str(tmp_path / "empty"))
    assert (code, out) == (2, "")
    assert err == (
        f"clientcheck: error: {tmp_path / 'empty'}: no answers files in this folder "
        "(*.yaml, *.yml, *.json, *.jsonl, *.csv, *.parquet)\n"
    )


def test_select_and_ignore_limit_the_rules(cli: CliRunner, tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "leads.jsonl", [DECLINE])
    code, out, _ = invoke(cli, "check", str(path), "-f", "csv", "--select", " late-payer, rude,", "--ignore", "rude")
    assert code == 1
    assert out.splitlines() == [
        "input,line,client,verdict,best,worst,settled,score,late-payer",
        f"{path},1,Bad,decline,decline,decline,true,10,decline",
    ]
    code, out, _ = invoke(cli, "check", str(path), "-f", "jsonl", "--ignore", "late-payer")
    assert code == 0 and json.loads(out)["verdict"] == "go"


def test_unknown_rule_ids_are_named_with_a_suggestion(cli: CliRunner) -> None:
    code, out, err = invoke(cli, "check", str(EXAMPLES / "late-payer.yaml"), "--select", "late-payr")
    assert (code, out) == (2, "")
    assert err == "clientcheck: error: --select: unknown rule 'late-payr'; did you mean 'late-payer'?\n"
    code, _, err = invoke(cli, "check", str(EXAMPLES / "late-payer.yaml"), "--ignore", "rude,rudee", "--lang", "ru")
    assert err == "clientcheck: ошибка: --ignore: нет правила 'rudee'; может быть, 'rude'?\n"
    code, _, err = invoke(cli, "check", str(EXAMPLES / "late-payer.yaml"), "--select", "rude", "--ignore", "rude")
    assert (code, err) == (2, "clientcheck: error: --select and --ignore leave no rules to check\n")


def test_one_client_with_a_selection_is_judged_on_those_rules_only(cli: CliRunner) -> None:
    example = str(EXAMPLES / "late-payer.yaml")
    code, out, _ = invoke(cli, "check", example, "-f", "json", "--select", "late-payer", "--fail-on", "caution")
    data = json.loads(out)
    assert code == 1 and [f["id"] for f in data["findings"]] == ["late-payer"] and data["good_signs"] == []
    code, out, _ = invoke(cli, "check", example, "-f", "json", "--ignore", "late-payer", "--fail-on", "caution")
    assert code == 0 and json.loads(out)["verdict"] == "go"


@pytest.mark.slow
def test_several_processes_give_the_same_output_as_one(tmp_path: Path) -> None:
    rnd = random.Random(2)
    catalog = load_catalog()
    records: list[Any] = [random_answers(catalog, rnd, wrong=0.002) for _ in range(3000)]
    records[1234] = "corrupt"
    expected = f"{tmp_path / 'many.jsonl'}:1235: a record must be a JSON object: the answers of one client"
    path = write_jsonl(tmp_path / "many.jsonl", records)
    runs = {}
    for fmt in ("jsonl", "csv", "tsv"):
        for jobs in ("1", "2"):
            proc = subprocess.run(
                [*CLIENTCHECK, "check", str(path), "-f", fmt, "--jobs", jobs, "--fail-on", "never"],
                capture_output=True,
                timeout=120,
                cwd=tmp_path,
            )
            runs[fmt, jobs] = (proc.returncode, proc.stdout, proc.stderr)
    assert runs["jsonl", "1"] == runs["jsonl", "2"]
    assert runs["csv", "1"] == runs["csv", "2"]
    assert runs["tsv", "1"] == runs["tsv", "2"]
    assert runs["tsv", "2"][1].count(b"\n") == runs["csv", "2"][1].count(b"\n")
    assert runs["csv", "2"][1].count(b"\n") == runs["jsonl", "2"][1].count(b"\n") + 1  # and a header
    code, out, err = runs["jsonl", "2"]
    assert code == EXIT_BAD_INPUT and out.count(b"\n") > 500
    assert expected in err.decode().splitlines()


def _pipe_to_head(args: list[str], cwd: Path) -> tuple[int, bytes, bytes]:
    """`clientcheck ARGS | head -3`, with real processes and a real pipe. Standard error goes to
    a file: read from a pipe, it would wait for ever should the run never end."""
    with (cwd / "stderr.txt").open("w+b") as errors:
        producer = subprocess.Popen([*CLIENTCHECK, *args], stdout=subprocess.PIPE, stderr=errors, cwd=cwd)
        assert producer.stdout is not None
        head = subprocess.run(["head", "-3"], stdin=producer.stdout, capture_output=True, timeout=120)
        producer.stdout.close()
        try:
            code = producer.wait(timeout=120)
        finally:
            producer.kill()
        errors.seek(0)
        return code, head.stdout, errors.read()


@pytest.mark.slow
@pytest.mark.parametrize(("fmt", "jobs"), [("jsonl", "1"), ("csv", "1"), ("jsonl", "2")])
def test_unbuffered_output_into_a_full_non_blocking_pipe_is_an_error_not_a_silent_cut(
    tmp_path: Path, fmt: str, jobs: str
) -> None:
    """PYTHONUNBUFFERED=1 left stdout raw: a write that took part of a piece dropped the rest, and
    the run ended with exit 1 and records cut off, with nothing said. As without it now: exit 5."""
    path = write_jsonl(tmp_path / "many.jsonl", [DECLINE] * 30_000)
    r, w = os.pipe()
    os.set_blocking(w, False)  # as a parent process (some event loops) may leave it
    try:
        child = subprocess.Popen(
            [*CLIENTCHECK, "check", str(path), "-f", fmt, "--jobs", jobs],
            stdout=w,
            stderr=subprocess.PIPE,
            cwd=tmp_path,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        os.close(w)
        _, err = child.communicate(timeout=60)  # nothing reads the pipe: it fills up
    finally:
        os.close(r)
    assert (child.returncode, err.decode()) == (
        5,
        "clientcheck: error: cannot write the output: the pipe is full and was set not to wait for the reader "
        "(non-blocking)\n",
    )


@pytest.mark.slow
def test_the_workers_end_when_the_main_process_is_killed(tmp_path: Path) -> None:
    """kill -9 (or the OOM killer) on the main process left its workers waiting for work for
    ever, holding the output pipe open: the program reading it never saw its end."""
    import contextlib
    import select
    import signal
    import time

    path = write_jsonl(tmp_path / "many.jsonl", [DECLINE] * 60_000)
    child = subprocess.Popen(
        [*CLIENTCHECK, "check", str(path), "-f", "jsonl", "--jobs", "2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        cwd=tmp_path,
    )
    assert child.stdout is not None
    fd = child.stdout.fileno()
    workers: list[int] = []
    try:
        assert os.read(fd, 1)  # output has begun: the workers are at work (and the pipe fills up)
        children = Path(f"/proc/{child.pid}/task/{child.pid}/children")
        workers = [int(pid) for pid in children.read_text().split()]  # to clean up if this fails
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)
        deadline = time.monotonic() + 10  # unread output, then the end, once the workers are gone
        while time.monotonic() < deadline:
            if select.select([fd], [], [], 0.5)[0] and not os.read(fd, 1 << 20):
                break
        else:
            pytest.fail("the output pipe was still open 10 s after the main process was killed")
    finally:
        child.kill()
        child.stdout.close()
        for pid in workers:
            with contextlib.suppress(ProcessLookupError):  # gone, as they should be
                os.kill(pid, signal.SIGKILL)


@pytest.mark.parametrize("jobs", ["1", "2"])
@pytest.mark.slow
def test_head_ends_the_run_quietly(tmp_path: Path, jobs: str) -> None:
    header = "client,worked_before,late_payments,rude\n"
    (tmp_path / "leads.csv").write_text(header + "".join(f"c{i},yes,{i % 5},no\n" for i in range(60_000)))
    code, out, err = _pipe_to_head(["check", "leads.csv", "--format", "csv"], tmp_path)
    assert (code, err) == (0, b"")
    assert out.decode().splitlines()[0].startswith("input,line,client,verdict,best,worst,settled,score,late-payer")
    write_jsonl(tmp_path / "leads.jsonl", [DECLINE] * 40_000)
    code, out, err = _pipe_to_head(["check", "leads.jsonl", "-f", "jsonl", "--jobs", jobs], tmp_path)
    assert (code, err) == (0, b"")
    assert [json.loads(line)["line"] for line in out.splitlines()] == [1, 2, 3]


@pytest.mark.slow
def test_progress_shows_on_a_terminal_only_and_not_with_quiet(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "one.jsonl", [GOOD])
    # two records; the progress line is told to show at once (not after half a second), so what
    # the terminal gets does not depend on how fast a loaded machine runs the command
    feed = f"(cat {path}; cat {path})"
    for quiet in ("", "--quiet"):
        command = (
            f"{feed} | CLIENTCHECK_PROGRESS_DELAY=0 {sys.executable} -m clientcheck check - --input-format jsonl "
            f"-f jsonl {quiet} > out.jsonl"
        )
        child = pexpect.spawn("bash", ["-c", command], cwd=str(tmp_path), timeout=60, encoding="utf-8")
        child.expect(pexpect.EOF)
        child.close()
        assert child.exitstatus == 0
        assert ("scoring: 2 clients" in (child.before or "")) is (quiet == "")
        assert len((tmp_path / "out.jsonl").read_text().splitlines()) == 2
    # not a terminal: nothing but the records
    proc = subprocess.run(
        ["bash", "-c", f"{feed} | {sys.executable} -m clientcheck check - --input-format jsonl -f jsonl"],
        capture_output=True,
        timeout=60,
        cwd=tmp_path,
    )
    assert proc.returncode == 0 and proc.stderr == b""


@pytest.mark.parametrize(
    ("option", "env", "coloured"),
    [
        ([], {}, False),
        (["--color", "always"], {}, True),
        (["--color", "always"], {"NO_COLOR": "1"}, True),
        ([], {"FORCE_COLOR": "1"}, True),
        ([], {"FORCE_COLOR": "1", "NO_COLOR": "1"}, False),
        (["--color", "never"], {"FORCE_COLOR": "1"}, False),
        ([], {"FORCE_COLOR": "0"}, False),
    ],
)
def test_colour_follows_the_option_then_no_color_and_force_color(
    cli: CliRunner, tmp_path: Path, option: list[str], env: dict[str, str], coloured: bool
) -> None:
    from clientcheck.cli import app

    path = write_jsonl(tmp_path / "leads.jsonl", [GOOD, DECLINE])
    clean_env = {"NO_COLOR": None, "FORCE_COLOR": None, **env}
    batch = cli.invoke(app, ["check", str(path), *option], env=clean_env)  # type: ignore[arg-type]
    one = cli.invoke(app, ["check", str(EXAMPLES / "late-payer.yaml"), *option], env=clean_env)  # type: ignore[arg-type]
    assert ("\x1b[" in batch.stdout) is coloured
    assert ("\x1b[" in one.stdout) is coloured
    assert batch.exit_code == 1 and "Bad" in batch.stdout
    assert os.environ.get("TTY_COMPATIBLE") is None  # the single-client table left the environment as it was


def test_the_batch_table_has_a_row_per_client_and_a_summary(cli: CliRunner, tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "leads.jsonl", [GOOD, DECLINE, {"late_payments": 1}, "x"])
    code, out, _ = invoke(cli, "check", str(path), "--lang", "en", "--fail-on", "never")
    assert code == EXIT_BAD_INPUT
    lines = out.splitlines()
    assert lines[0].split() == ["Client", "Verdict", "Could", "become", "Score", "Red", "flags"]
    assert lines[1].split() == ["Good", "GO", "DECLINE", "-2", "—"]
    assert lines[2].split() == ["Bad", "DECLINE", "—", "10", "late-payer"]
    assert lines[3].split() == [f"{path}:3", "GO", "DECLINE", "0", "—"]
    assert lines[5:] == [
        "3 clients scored · GO 2 · CAUTION 0 · DECLINE 1",
        "not settled: 2 (see the 'Could become' column)",
        "Bad records skipped: 1",
        "Most frequent red flags: late-payer (1)",
    ]


@pytest.mark.slow
def test_worker_processes_hand_back_their_output_when_stdout_is_not_a_file(cli: CliRunner, tmp_path: Path) -> None:
    records: list[Any] = [GOOD, DECLINE, CAUTION, "bad"] * 500
    path = write_jsonl(tmp_path / "leads.jsonl", records)
    one = invoke(cli, "check", str(path), "-f", "jsonl", "--jobs", "1")
    two = invoke(cli, "check", str(path), "-f", "jsonl", "--jobs", "2")
    assert one == two
    assert one[0] == EXIT_BAD_INPUT and one[1].count("\n") == 1500


@pytest.mark.slow
def test_jsonl_from_a_pipe_answers_each_record_as_it_arrives(tmp_path: Path) -> None:
    import selectors

    proc = subprocess.Popen(
        [*CLIENTCHECK, "check", "-", "--input-format", "jsonl", "-f", "jsonl"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=tmp_path,
    )
    assert proc.stdin is not None and proc.stdout is not None
    selector = selectors.DefaultSelector()
    selector.register(proc.stdout, selectors.EVENT_READ)
    try:
        for record in (GOOD, DECLINE):
            proc.stdin.write((json.dumps(record) + "\n").encode())
            proc.stdin.flush()
            assert selector.select(timeout=30), "no answer while the input stays open"
            assert json.loads(proc.stdout.readline())["client"] == record["client"]
    finally:
        proc.stdin.close()
        assert proc.wait(timeout=30) == 1


def _run_jsonl(catalog: Catalog, path: Path) -> tuple[bytes, list[str], Any]:
    """A batch run in this process, JSON Lines out: (output, stderr lines, the runner)."""
    from clientcheck.batch import Reporter, Runner
    from clientcheck.readers import Source
    from clientcheck.render.jsonl import JsonlSink

    out, err = io.BytesIO(), io.StringIO()
    runner = Runner(catalog, catalog.rules, JsonlSink(catalog, out), Reporter(err, "en", True, None))
    runner.run([Source(str(path), "in.jsonl", "jsonl")])
    return out.getvalue(), err.getvalue().splitlines(), runner


@pytest.mark.slow
def test_msgspec_scores_the_lines_it_takes_and_leaves_the_rest_to_the_careful_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    catalog = load_catalog()
    lines = [
        json.dumps(random_answers(catalog, random.Random(n), wrong=0.0), ensure_ascii=False).encode()
        for n in range(300)
    ]
    lines += [
        b'{"rude": true, "rude": false}',  # a repeated key: msgspec keeps the last, the ordinary path refuses it
        b'{"client": "at 10:30", "rude": true}',  # a colon in a text: the dict path tells it from a repeated key
        b'{"late_payments": 2.0, "worked_before": true}',  # a whole number as 2.0: the dict path takes it
        b'{"rude": "yes"}',
        b"[1, 2]",
        b"",
        '{"client": "Вектор", "rude": true}'.encode(),  # not ASCII, no bidi controls: as it is
        '{"client": "Вектор \u202eливе", "rude": true}'.encode(),  # a bidi control: escaped
    ]
    path = tmp_path / "in.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    out, err, runner = _run_jsonl(catalog, path)
    # the fast path ran: many lines never reached orjson (random_answers writes some whole
    # numbers as 2.0 and some odd clients, which take the dict path)
    assert runner.decoded > 100 and runner.fast > 20
    assert [line.split(b'"client":')[1].split(b',"verdict"')[0].decode() for line in out.splitlines()[-2:]] == [
        '"Вектор"',
        '"Вектор \\u202eливе"',
    ]
    assert [e for e in err if int(e.split(":")[1]) > 300] == [
        "in.jsonl:301: duplicate key 'rude'",
        'in.jsonl:304: rude: expected true or false, got "yes"',
        "in.jsonl:305: a record must be a JSON object: the answers of one client",
    ]
    # the same output as with msgspec away: the dict path and the careful path alone
    monkeypatch.setattr("clientcheck.compiled.record_type", lambda catalog: None)
    alone, err_alone, runner_alone = _run_jsonl(catalog, path)
    assert runner_alone.decoded == 0 and runner_alone.fast == runner.fast + runner.decoded
    assert alone == out and err_alone == err


@pytest.mark.slow
def test_a_line_too_long_is_reported_wherever_the_pieces_read_start_and_with_any_jobs(tmp_path: Path) -> None:
    """A long line read whole in one piece was scored; cut across two pieces it was reported."""
    good = json.dumps(GOOD).encode()
    long = b'{"client": "' + b"x" * 1_020_000 + b'", "rude": true}'  # fits inside the first 1 MiB read
    lines = [long, good, b'{"note": "' + b"y" * 1_200_000 + b'"}', *[good] * 40_000]  # over 4 MB: workers
    path = tmp_path / "long.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    runs = {}
    for jobs in ("1", "2"):
        proc = subprocess.run(
            [*CLIENTCHECK, "check", str(path), "-f", "jsonl", "--jobs", jobs, "--fail-on", "never"],
            capture_output=True,
            timeout=120,
            cwd=tmp_path,
        )
        runs[jobs] = (proc.returncode, proc.stdout, proc.stderr)
    assert runs["1"] == runs["2"]
    code, out, err = runs["1"]
    assert code == EXIT_BAD_INPUT
    assert err.decode().splitlines() == [
        f"{path}:1: this line is longer than 1000 kB",
        f"{path}:3: this line is longer than 1000 kB",
        "2 of 40,003 records were bad and skipped (see above); the others were scored",
    ]
    assert [json.loads(line)["line"] for line in out.splitlines()[:2]] == [2, 4]


@pytest.mark.slow
def test_a_file_cut_down_while_workers_read_it_says_where_its_lines_were_lost(
    cli: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Worker processes read their pieces of a file themselves, after the main process counted
    its lines: a file cut short in between loses lines, and the run says so, once, at the first
    line lost (exit 4), rather than leave them out without a word."""
    from clientcheck import batch, parallel

    records: list[Any] = [GOOD, DECLINE, CAUTION] * 300
    path = write_jsonl(tmp_path / "leads.jsonl", records)
    sizes = [len(line) for line in path.read_bytes().splitlines(keepends=True)]
    monkeypatch.setattr(batch, "PIECE", 4096)  # pieces of about 40 lines
    real = parallel._read_at
    cut = sum(sizes[:400])  # the file as if it ended after line 400, cut down once read

    def read_at(name: str, offset: int, size: int) -> bytes:
        if offset < cut < offset + size:  # this piece is cut short; the file has grown again after it
            return real(name, offset, cut - offset)
        return real(name, offset, size)

    monkeypatch.setattr(parallel, "_read_at", read_at)
    code, out, err = invoke(cli, "check", str(path), "-f", "jsonl", "--jobs", "2")
    lines = [json.loads(record)["line"] for record in out.splitlines()]
    first_lost = lines[-1] + 1
    assert code == EXIT_BAD_INPUT and lines == list(range(1, first_lost)) and first_lost <= 401
    assert err == (
        f"{path}:{first_lost}: the file changed while it was being read (it got shorter or went away); the lines from here on are not scored\n"
        f"1 of {first_lost} records was bad and skipped (see above); the others were scored\n"
    )


def test_a_worker_writes_nothing_after_a_piece_of_its_input_was_cut_short(tmp_path: Path) -> None:
    """Workers write their output to the run's own standard output in turn: once a piece of an
    input found the file cut short, no later piece of that input writes, though the file may
    have grown again; the next input's pieces do."""
    import multiprocessing

    from clientcheck import parallel

    context = multiprocessing.get_context("fork")
    out = tmp_path / "out"
    with out.open("wb") as stream:
        saved = dict(parallel._WORKER)
        parallel._WORKER.update(
            fd=stream.fileno(),
            turn=context.RawValue("q", 0),
            cut_input=context.RawValue("q", 0),
            cut_seq=context.RawValue("q", 0),
            cond=context.Condition(),
            parent=os.getppid(),
            encoding="utf-8",
            errors="strict",
        )
        try:
            parallel._cut(1, 1)  # input 1's piece 1 is short
            for seq, number in ((0, 1), (1, 1), (2, 1), (3, 2)):
                assert parallel._write_in_turn(seq, f"{seq}:{number}\n", number) is False
        finally:
            parallel._WORKER.clear()
            parallel._WORKER.update(saved)
    assert out.read_text(encoding="utf-8") == "0:1\n1:1\n3:2\n"  # piece 1's own output is empty anyway


@pytest.mark.parametrize("how", [("--jobs", "1"), ("--jobs", "2"), ("--engine", "duckdb")])
def test_a_file_cut_short_ahead_of_its_reader_says_so_at_its_end(
    cli: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: tuple[str, str]
) -> None:
    """A file cut down (at a line end) past what has been read just ends, to its reader: the run
    compares it with the size it had when opened and says the rest is lost (exit 4), once."""
    if how[0] == "--engine":
        pytest.importorskip("duckdb")
    from clientcheck import batch

    path = write_jsonl(tmp_path / "leads.jsonl", [GOOD, DECLINE, CAUTION] * 8000)  # ~1.9 MB
    lines = path.read_bytes().splitlines(keepends=True)
    kept = 20_000  # past the first piece read (1 MB for the worker processes)
    real = batch.chunks

    def cutting(stream: Any, size: int = 1 << 18) -> Any:
        for n, piece in enumerate(real(stream, size)):
            yield piece
            if n == 0:
                os.truncate(path, sum(map(len, lines[:kept])))

    monkeypatch.setattr(batch, "chunks", cutting)
    code, out, err = invoke(cli, "check", str(path), "-f", "jsonl", *how)
    assert [json.loads(record)["line"] for record in out.splitlines()] == list(range(1, kept + 1))
    assert (code, err) == (
        EXIT_BAD_INPUT,
        f"{path}: the file got shorter while it was being read: the lines it held after those read are not scored\n"
        f"1 of {kept + 1:,} records was bad and skipped (see above); the others were scored\n",
    )


def test_a_file_read_to_its_end_or_grown_meanwhile_is_not_said_to_be_cut(tmp_path: Path) -> None:
    from clientcheck.readers import InputStream, ReadError

    path = tmp_path / "a.jsonl"
    path.write_bytes(b"1\n2\n3\n")
    stream = InputStream(open(path, "rb"), "a.jsonl")  # noqa: SIM115 - closed below
    assert stream.read(6) == b"1\n2\n3\n"
    os.truncate(path, 2)  # cut down behind the reader: nothing it had not read is lost
    assert stream.read(6) == b""
    stream.close()
    path.write_bytes(b"1\n2\n")
    stream = InputStream(open(path, "rb"), "a.jsonl")  # noqa: SIM115 - closed below
    with path.open("ab") as more:
        more.write(b"3\n")
    assert stream.read1(100) == b"1\n2\n3\n" and stream.read1(100) == b""  # it grew: nothing lost
    stream.close()
    path.write_bytes(b"1\n2\n3\n")
    stream = InputStream(open(path, "rb", buffering=0), "a.jsonl")  # noqa: SIM115 - closed below
    assert stream.readline() == b"1\n"
    os.truncate(path, 4)  # cut down ahead of the reader (unbuffered: it has read 2 bytes)
    assert stream.readline() == b"2\n"
    with pytest.raises(ReadError) as info:
        stream.readline()
    assert str(info.value) == (
        "a.jsonl: the file got shorter while it was being read: the lines it held after those read are not scored"
    )
    stream.close()
