from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.conftest import SMALL_QUESTIONS, SMALL_RULES, WriteYaml, invoke

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


def test_table_verdict_for_an_example(cli: CliRunner) -> None:
    code, out, err = invoke(cli, "check", str(EXAMPLES / "startup-with-investor.yaml"), "--lang", "en")
    assert (code, err) == (1, "")
    assert "DECLINE" in out and "Red flags" in out and "investor-pending" in out


def test_json_for_empty_answers_lists_questions_to_ask(cli: CliRunner) -> None:
    code, out, err = invoke(cli, "check", "-", "--format", "json", input="{}")
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert data["schema"] == "clientcheck.verdict/2"
    assert data["verdict"] == "go"
    assert data["findings"] == [] and data["language"] == "en"
    assert len(data["rules_sha256"]) == 64
    asked = [a["question"] for a in data["ask_next"]]
    assert "rude" in asked and "worked_before" in asked
    assert all(u["ask"] for u in data["undecided"])


def test_json_findings_carry_severity_evidence_and_advice(cli: CliRunner) -> None:
    code, out, _ = invoke(cli, "check", "-", "-f", "json", input='{"worked_before": true, "late_payments": 3}')
    data = json.loads(out)
    assert code == 1 and data["verdict"] == "decline"
    finding = data["findings"][0]
    assert (finding["id"], finding["severity"]) == ("late-payer", "decline")
    assert finding["evidence"] == [
        {"question": "worked_before", "answer": True},
        {"question": "late_payments", "answer": 3},
    ]
    assert finding["advice"]


def test_json_is_never_wrapped_even_in_a_narrow_terminal(cli: CliRunner) -> None:
    result = cli.invoke(
        __import__("clientcheck.cli", fromlist=["app"]).app,
        ["check", str(EXAMPLES / "big-corp-pay-later.yaml"), "-f", "json"],
        env={"COLUMNS": "20", "LINES": "5"},
    )
    data = json.loads(result.stdout)
    assert max(len(f["advice"]) for f in data["findings"]) > 20


def test_yaml_syntax_error_in_answers_is_one_line_with_file_and_line(cli: CliRunner, write_yaml: WriteYaml) -> None:
    path = write_yaml("a.yaml", "rude: false\nadvance: [none\n")
    code, out, err = invoke(cli, "check", str(path))
    assert (code, out) == (2, "")
    assert err == f"clientcheck: error: {path}:3:1: YAML syntax error: did not find expected ',' or ']'\n"


def test_unknown_question_id_is_named(cli: CliRunner) -> None:
    code, out, err = invoke(cli, "check", "-", input='{"rudee": true}')
    assert (code, out) == (2, "")
    assert err == "clientcheck: error: <stdin>:1:2: unknown question 'rudee'; did you mean 'rude'?\n"


def test_wrong_value_names_what_is_allowed(cli: CliRunner) -> None:
    code, _, err = invoke(cli, "check", "-", input="advance: half\n")
    assert code == 2
    assert err == (
        'clientcheck: error: <stdin>:1:1: advance: "half" is not a choice; expected one of: none, partial, full\n'
    )


def test_missing_file_and_bad_option(cli: CliRunner) -> None:
    assert invoke(cli, "check", "nope.yaml") == (2, "", "clientcheck: error: nope.yaml: no such file\n")
    code, _, err = invoke(cli, "check", "-", "--format", "xml", input="{}")
    assert code == 2
    assert err == (
        "clientcheck: error: --format / -f: 'xml' is not one of: table, json, jsonl, csv, markdown, tsv "
        "(see 'clientcheck check --help')\n"
    )


def test_russian_from_the_option_and_from_the_locale(cli: CliRunner) -> None:
    code, out, _ = invoke(cli, "check", str(EXAMPLES / "late-payer.yaml"), "--lang", "ru")
    assert code == 0 and "ОСТОРОЖНО" in out and "Красные флаги" in out
    result = cli.invoke(
        __import__("clientcheck.cli", fromlist=["app"]).app,
        ["check", "-", "-f", "json"],
        input="{}",
        env={"LC_ALL": "", "LC_MESSAGES": "", "LANG": "ru_RU.UTF-8"},
    )
    data = json.loads(result.stdout)
    assert data["language"] == "ru"
    assert data["ask_next"][0]["text"].startswith(tuple("АБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЭЮЯ"))


@pytest.mark.parametrize(
    ("example", "fail_on", "code"),
    [
        ("late-payer.yaml", "decline", 0),
        ("late-payer.yaml", "caution", 1),
        ("startup-with-investor.yaml", "never", 0),
        ("good-client.yaml", "caution", 0),
    ],
)
def test_fail_on_moves_the_line(cli: CliRunner, example: str, fail_on: str, code: int) -> None:
    assert invoke(cli, "check", str(EXAMPLES / example), "-f", "json", "--fail-on", fail_on)[0] == code


def test_markup_and_escape_sequences_from_files_are_shown_literally(cli: CliRunner, write_yaml: WriteYaml) -> None:
    write_yaml("q/10.yaml", SMALL_QUESTIONS)
    rules = write_yaml(
        "rules.yaml",
        SMALL_RULES.replace(
            "title: {en: Unprofitable, ru: Убыточный}", 'title: {en: "Loss [/b][x] \\e[31mred", ru: x}'
        ),
    )
    answers = '{"client": "[bold]ACME[/bold]\\u001b]0;pwned\\u0007", "cost": 2, "revenue": 1}'
    code, out, err = invoke(
        cli, "check", "-", "--rules", str(rules), "--questions", str(rules.parent / "q"), input=answers
    )
    assert (code, err) == (0, "")
    assert "Loss [/b][x] red" in out
    assert "[bold]ACME[/bold]" in out
    assert "\x1b" not in out and "\x07" not in out
    assert "pwned" not in out  # a terminal-title sequence goes with its text


def test_an_internal_error_says_so_plainly(cli: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise ZeroDivisionError("boom")

    monkeypatch.setattr("clientcheck.evaluate.evaluate", broken)
    code, out, err = invoke(cli, "check", "-", input="{}")
    assert (code, out) == (3, "")
    assert err == (
        "clientcheck: internal error: ZeroDivisionError: boom. This is a bug in clientcheck; please report it "
        "with the command you ran (CLIENTCHECK_DEBUG=1 shows the traceback).\n"
    )


def test_interrupt_exits_130(cli: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("clientcheck.answers.read_answers", interrupted)
    assert invoke(cli, "check", "-", input="{}") == (130, "", "clientcheck: interrupted\n")


def test_exit_codes_are_judged_in_one_place() -> None:
    from clientcheck.errors import EXIT_BAD_INPUT, EXIT_FAIL, EXIT_OK, batch_exit, judge
    from clientcheck.model import VERDICTS

    assert [judge(v, "caution", VERDICTS) for v in VERDICTS] == [EXIT_OK, EXIT_FAIL, EXIT_FAIL]
    assert [judge(v, "decline", VERDICTS) for v in VERDICTS] == [EXIT_OK, EXIT_OK, EXIT_FAIL]
    assert [judge(v, "never", VERDICTS) for v in VERDICTS] == [EXIT_OK] * 3
    assert judge(None, "caution", VERDICTS) == EXIT_OK  # no client scored: nothing failed
    assert (batch_exit(1, "go", "decline", VERDICTS), batch_exit(0, "decline", "decline", VERDICTS)) == (
        EXIT_BAD_INPUT,
        EXIT_FAIL,
    )


def test_an_interruption_is_raised_with_what_was_kept_and_printed_by_the_boundary() -> None:
    from clientcheck.cli import run_guarded
    from clientcheck.errors import Interrupted

    error = Interrupted("interrupted: 2 answers are saved in r.yaml", kept=2, path="r.yaml", resume="cc --resume")
    assert (error.exit_code, error.kept, error.path, error.resume) == (130, 2, "r.yaml", "cc --resume")

    def body() -> None:
        raise error

    import contextlib
    import io

    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        assert run_guarded(body) == 130
    assert err.getvalue() == "clientcheck: interrupted: 2 answers are saved in r.yaml\n"


def test_a_ctrl_c_wrapped_in_another_error_is_an_interruption_not_an_internal_error() -> None:
    import contextlib
    import io

    from clientcheck.cli import run_guarded

    def body() -> None:
        try:
            raise KeyboardInterrupt
        except KeyboardInterrupt as exc:  # as class creation wraps one raised in __set_name__
            raise RuntimeError("Error calling __set_name__") from exc

    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        assert run_guarded(body) == 130
    assert err.getvalue() == "clientcheck: interrupted\n"


def test_help_documents_exit_codes(cli: CliRunner) -> None:
    code, out, _ = invoke(cli, "check", "--help")
    assert code == 0
    codes = out.split("\nExit codes:\n")[1]
    assert [line.split()[0] for line in codes.splitlines() if line.startswith("  ") and line.split()[0].isdigit()] == [
        "0",
        "1",
        "2",
        "4",
        "5",
        "130",
    ]
    assert "  0    The verdict is below --fail-on (go or caution by default)." in out


@pytest.mark.slow
def test_python_dash_m_and_json_path_imports_no_rich_or_questionary(tmp_path: Path) -> None:
    probe = (
        "import sys, runpy\n"
        "sys.argv = ['clientcheck', 'check', '-', '--format', 'json']\n"
        "try:\n    runpy.run_module('clientcheck', run_name='__main__')\n"
        "except SystemExit as e:\n    code = e.code\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('rich', 'questionary', 'prompt_toolkit'))\n"
        "print('HEAVY', heavy, code, file=sys.stderr)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", probe], input="{}", capture_output=True, text=True, timeout=60, cwd=tmp_path
    )
    assert json.loads(proc.stdout)["verdict"] == "go"
    assert proc.stderr.strip() == "HEAVY [] 0"


@pytest.mark.slow
def test_a_group_help_page_on_a_full_disk_is_an_output_failure() -> None:
    """`clientcheck questions` prints the group's help page: writing it can fail like any output."""
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [sys.executable, "-m", "clientcheck", "--lang", "en", "questions"],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
        )
    assert (done.returncode, done.stderr) == (
        5,
        "clientcheck: error: cannot write the output: No space left on device\n",
    )
