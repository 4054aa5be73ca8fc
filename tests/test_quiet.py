"""Issue 11: one --quiet/-q, one --color and one -f/--format across commands, each defined once
(cliopts.py).

-q leaves out notes and hints (what was saved where, what a result leaves out, a summary line
above a table); results, warnings and errors stay.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from clientcheck import cli
from tests.conftest import SMALL_QUESTIONS, SMALL_RULES, TODAY, WriteYaml, invoke
from tests.keys import ENTER, typed

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


# every -f/--format as it was before it had one definition (cliopts.format_option): the same
# help and choices, in `--help` too (the Russian help translates these very strings)
FORMAT = {
    "check": ("Output format (jsonl: a line per client).", None, "table"),  # None: formats.py's list
    "config": ("Output format.", ["table", "json"], "table"),
    "diff": ("Output format.", ["table", "json"], "table"),
    "explain": ("Output format.", ["table", "json"], "table"),
    "history": ("Output format (json: everything, for 'clientcheck import').", ["table", "json", "csv"], "table"),
    "interview": ("Output format of the verdict.", ["table", "json"], "table"),
    "lint": ("Output format (table: a line per problem).", ["table", "json"], "table"),
    "profile show": ("table, yaml or json.", ["table", "yaml", "json"], "table"),
    "questions list": ("Output format.", ["table", "json"], "table"),
    "questions show": ("Output format.", ["table", "json"], "table"),
    "reply": ("text (plain, to paste into an email) or markdown.", ["text", "markdown"], "text"),
    "report": ("Output format.", ["table", "json"], "table"),
    "rescore": ("Output format.", ["table", "json"], "table"),
    "rules list": ("Output format.", ["table", "json"], "table"),
    "rules show": ("Output format.", ["table", "json"], "table"),
    "show": ("Output format.", ["table", "json"], "table"),
}


def test_every_format_option_is_the_one_definition() -> None:
    from clientcheck.formats import FORMATS

    found = {}
    for name, command in _commands().items():
        for p in command.params:
            if "--format" in p.opts:
                assert p.opts == ["--format", "-f"], name
                found[name] = (p.help, [str(c) for c in p.type_descriptor.choices], str(p.default))
    assert found.pop("check") == (FORMAT["check"][0], list(FORMATS), FORMAT["check"][2])
    assert found == {name: spec for name, spec in FORMAT.items() if name != "check"}
    # and nowhere else is one made: a command names its choices and help, cliopts makes the option
    src = Path(cli.__file__).parent
    made = [p.name for p in src.rglob("*.py") if 'Option("--format"' in p.read_text(encoding="utf-8")]
    assert made == ["cliopts.py"]


def test_every_client_and_profile_option_is_one_definition(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """--client NAME (completing the names in the history) and --profile NAME, made by cliopts for
    every command; each command keeps its own help. interview and reply once said CLIENT and
    completed nothing."""
    from clientcheck.completion import complete

    commands = _commands()
    for option, taken_by in (
        ("--client", ["check", "diff", "history", "interview", "paid", "reply"]),
        ("--profile", ["check", "explain", "interview", "profile edit", "profile set", "profile show", "sql"]),
    ):
        params = {n: p for n, c in commands.items() for p in c.params if option in p.opts}
        assert sorted(params) == taken_by
        assert {(tuple(p.opts), p.metavar) for p in params.values()} == {((option,), "NAME")}
    src = Path(cli.__file__).parent
    for option in ("--client", "--profile"):
        made_in = [p.name for p in src.rglob("*.py") if f'Option("{option}"' in p.read_text(encoding="utf-8")]
        assert made_in == ["cliopts.py"], option
    monkeypatch.setenv("CLIENTCHECK_DB", str(tmp_path / "history.sqlite3"))
    assert invoke(CliRunner(), "paid", "ACME Ltd", "--on-time")[0] == 0
    for command in ("check", "interview", "reply", "diff"):
        assert [i.value for i in complete([command, "--client"], "AC")] == ["ACME Ltd"], command


def test_commands_and_renderers_write_through_one_writer_for_each_stream() -> None:
    """stdout: render.plain (lines, whole texts, JSON) or render.table's console; stderr: cliopts.say,
    or say_note for what -q silences. A writer of a command's own would not know about -q."""
    src = Path(cli.__file__).parent
    own = [
        str(p.relative_to(src))
        for folder in ("commands", "render")
        for p in sorted((src / folder).glob("*.py"))
        if p.name not in ("sql.py", "jsonl.py")  # the SQL command and the batch's JSON Lines keep their own
        and re.search(r"sys\.std(out|err)\.write\(|(?<![.\w])print\(", p.read_text(encoding="utf-8"))
    ]
    assert own == ["render/plain.py"]


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


# the notes of a named client: which answers the history gave, and under which number the assessment was kept
SINCE = TODAY - timedelta(days=365)
HISTORY_NOTES = {
    "en": [
        f"From ACME's history: worked with before (1 payments recorded); late payments: 1 since {SINCE.isoformat()} "
        "(on time: 0)",
        "Saved as assessment #{n} of ACME; to see it again: clientcheck show {n}",
    ],
    "ru": [
        "Из истории клиента ACME: вы уже работали с ним (записано оплат: 1); просрочек с "
        f"{SINCE.strftime('%d.%m.%Y')}: 1 (вовремя: 0)",
        "Сохранено как оценка №{n} клиента ACME; посмотреть её снова: clientcheck show {n}",
    ],
}


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_check_and_reply_for_a_named_client_quiet_leave_out_the_history_notes(
    cli: CliRunner, small: list[str], lang: str
) -> None:
    assert invoke(cli, "paid", "ACME", "--late")[0] == 0
    small = [*small[:-1], lang]
    loud, quiet = both(cli, "check", "-", "--client", "ACME", "-f", "json", *small, input="{}")
    assert loud[0] == quiet[0] == 0 and loud[1] == quiet[1]
    came, saved = HISTORY_NOTES[lang]
    assert loud[2].splitlines() == [came, saved.format(n=1)]
    assert quiet[2] == ""
    loud, quiet = both(cli, "reply", "-", "--client", "ACME", "--anyway", *small, input="{}")
    assert loud[:2] == quiet[:2] and loud[0] == 0
    assert loud[2].splitlines()[0] == came
    assert quiet[2] == ""


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "ru"])
def test_interview_quiet_leaves_out_where_the_assessment_was_saved(cli: CliRunner, small: list[str], lang: str) -> None:
    """-q on an interview silences its notes as on every command: the number the assessment was
    saved under, where the answers were kept. Errors still print (the two lines in test_history_cli)."""
    keys = "2" + ENTER + "1" + ENTER + ENTER * 6  # not worked before, no advance, nothing else known; then the review
    args = ("interview", "--client", "ACME", *small[:-1], lang, "--in-order", "-f", "json")
    code, out, err = typed(cli, *args, keys=keys)
    assert code == 0
    _, saved = HISTORY_NOTES[lang]
    notes = [line for line in err.splitlines() if not line.startswith(("✔", "──", "┃", "┏", "┡", "│", "└"))]
    kept = "Answers kept in " if lang == "en" else "Ответы сохранены в "
    assert notes[-3:-1] == ["Your answers" if lang == "en" else "Ваши ответы", saved.format(n=1)]
    assert notes[-1].startswith(kept) and notes[-1].endswith("-acme.done.yaml")
    code, quiet_out, quiet_err = typed(cli, *args, "-q", keys=keys)
    assert code == 0 and quiet_out == out
    notes = [line for line in quiet_err.splitlines() if not line.startswith(("✔", "──", "┃", "┏", "┡", "│", "└"))]
    assert notes == ["Your answers" if lang == "en" else "Ваши ответы"]  # the review's title; no notes after it
