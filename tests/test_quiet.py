"""Issue 11: one --quiet/-q and one --color across commands, each defined once in cli.py.

-q leaves out notes and hints (what was saved where, what a result leaves out, a summary line
above a table); results, warnings and errors stay.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from clientcheck import cli
from tests.conftest import SMALL_QUESTIONS, SMALL_RULES, WriteYaml, invoke

QUIET = {
    "interview", "check", "history", "show", "diff", "paid", "rescore", "reply", "outcome", "report", "explain",
    "profile set", "profile edit", "questions list", "questions show",
}  # fmt: skip
COLOR = {
    "interview", "check", "history", "show", "diff", "rescore", "report", "rules list", "questions list",
    "questions show", "profile show",
}  # fmt: skip


def _commands() -> dict[str, Any]:
    cli.register([])
    found: dict[str, Any] = {}

    def walk(command: Any, path: list[str]) -> None:
        for name, sub in getattr(command, "commands", {}).items():
            walk(sub, [*path, name])
        if not getattr(command, "commands", None):
            found[" ".join(path)] = command

    walk(typer.main.get_command(cli.app), [])
    return found


def test_every_command_that_prints_notes_takes_the_one_quiet_and_color() -> None:
    commands = _commands()
    quiet = {name for name, c in commands.items() if any("--quiet" in p.opts for p in c.params)}
    color = {name for name, c in commands.items() if any("--color" in p.opts for p in c.params)}
    assert quiet == QUIET
    assert color == COLOR
    for name in QUIET:  # the one definition: the same flags, help and callback everywhere
        [p] = [p for p in commands[name].params if "--quiet" in p.opts]
        assert (p.opts, p.help, p.callback.__name__) == (
            ["--quiet", "-q"],
            "Print the results only: no notes or hints.",
            "_set_quiet",
        ), name
    helps = {next(p.help for p in commands[n].params if "--color" in p.opts) for n in COLOR}
    assert helps == {"When to use colour (auto: on a terminal)."}


@pytest.fixture
def small(write_yaml: WriteYaml, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    write_yaml("small/questions/10-pay.yaml", SMALL_QUESTIONS)
    rules = write_yaml("small/rules.yaml", SMALL_RULES)
    monkeypatch.setenv("CLIENTCHECK_DB", str(tmp_path / "history.sqlite3"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    return ["--rules", str(rules), "--questions", str(rules.parent / "questions"), "--lang", "en"]


def both(cli_: CliRunner, *args: str, input: str | None = None) -> tuple[tuple[int, str, str], tuple[int, str, str]]:
    return invoke(cli_, *args, input=input), invoke(cli_, *args, "-q", input=input)


def test_reply_quiet_leaves_out_its_notes(cli: CliRunner, small: list[str]) -> None:
    loud, quiet = both(cli, "reply", "-", "--anyway", *small, input='{"cost": 2, "revenue": 1}')
    assert loud[:2] == quiet[:2] and loud[0] == 0
    assert loud[2].splitlines() == [
        "clientcheck: left out of the letter (no client_reason or client_offer in the rules): unprofitable",
        "clientcheck: the verdict is not settled (unknown answers could still make it anything from CAUTION to "
        "DECLINE): the letter says only what is known; clientcheck check shows what to ask",
    ]
    assert quiet[2] == ""


def test_explain_quiet_leaves_out_what_was_ignored(cli: CliRunner, small: list[str]) -> None:
    answers = '{"worked_before": false, "late_payments": 2}'
    loud, quiet = both(cli, "explain", "-", *small, input=answers)
    assert loud[0] == quiet[0] == 0
    assert loud[1].endswith("\n\nIgnored (the question does not apply): late_payments\n")
    assert quiet[1] == loud[1].removesuffix("\nIgnored (the question does not apply): late_payments\n")


def test_report_and_outcome_quiet(cli: CliRunner, small: list[str]) -> None:
    assert invoke(cli, "check", "-", "--client", "ACME", *small, input="{}")[0] == 0
    loud, quiet = both(cli, "report", *small)
    assert loud[:2] == quiet[:2] and loud[0] == 0
    assert loud[2] == "No outcomes recorded yet: record how it went with a client with 'clientcheck outcome CLIENT'.\n"
    assert quiet[2] == ""
    code, out, _ = invoke(cli, "outcome", "ACME", "--taken", "--paid", "late", "--lang", "en")
    assert code == 0 and out.splitlines()[-1] == "Counted as trouble in 'clientcheck report'."
    code, quiet_out, _ = invoke(cli, "outcome", "ACME", "--taken", "--paid", "late", "--lang", "en", "-q")
    assert code == 0 and quiet_out.splitlines()[1:] == out.splitlines()[1:-1]


def test_quiet_does_not_leak_into_the_next_command(cli: CliRunner, small: list[str]) -> None:
    answers = '{"worked_before": false, "late_payments": 2}'
    assert "Ignored" not in invoke(cli, "explain", "-", *small, "-q", input=answers)[1]
    assert "Ignored" in invoke(cli, "explain", "-", *small, input=answers)[1]
