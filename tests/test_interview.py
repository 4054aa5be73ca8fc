"""`clientcheck interview` flows, driven through prompt_toolkit pipe input and CliRunner.

Keys are sent before the command starts; prompt_toolkit hands what one prompt did not read
to the next. The pipe is closed after the keys, so a prompt that gets no key sees end of input
(exit 130) instead of waiting: no test here can hang.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import yaml
from prompt_toolkit.application.current import create_app_session
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output.plain_text import PlainTextOutput
from typer.testing import CliRunner

from tests.conftest import SELLER, WriteYaml, invoke
from tests.keys import BACK, CTRL_C, CTRL_D, CTRL_U, DOWN, ENTER, F1
from tests.keys import typed as run

NAME = ENTER  # no --client: the interview first asks for the client's name; Enter skips it
NOTE = ENTER  # and at the end for a note about the client; Enter skips it


@pytest.fixture
def interviews(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The recovery folder, in a private data dir."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    return tmp_path / "data" / "clientcheck" / "interviews"


@pytest.fixture
def small(small_catalog: tuple[Path, Path], interviews: Path) -> list[str]:
    """Options selecting the small catalog, English."""
    rules, questions = small_catalog
    # the key sequences below follow the questions files' order
    return ["--rules", str(rules), "--questions", str(questions), "--lang", "en", "--in-order"]


class Terminal:
    """The command running in a thread on a pipe terminal, for tests that watch what is drawn between keys.

    expect() waits (with a timeout) until newly drawn output contains a text; finish() ends the
    input and waits for the exit code. A command that never ends fails the test instead of hanging.
    """

    def __init__(self, *args: str) -> None:
        self.screen = io.StringIO()
        self.seen = 0
        self.result: tuple[int, str, str] | None = None
        self._pipe = create_pipe_input()
        self.pipe = self._pipe.__enter__()
        self.thread = threading.Thread(target=self._run, args=(args,), daemon=True)
        self.thread.start()

    def _run(self, args: tuple[str, ...]) -> None:
        # the app session is a context variable: it must be set in the thread that runs the prompts
        with create_app_session(input=self.pipe, output=PlainTextOutput(self.screen)):
            self.result = invoke(CliRunner(), *args)

    def send(self, keys: str) -> None:
        self.pipe.send_text(keys)

    def expect(self, text: str, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.screen.getvalue().find(text, self.seen)
            if found >= 0:
                self.seen = found + len(text)
                return
            if not self.thread.is_alive():
                break
            time.sleep(0.01)
        self.pipe.close()
        tail = self.screen.getvalue()[-800:]
        raise AssertionError(f"not drawn: {text!r}\nscreen tail: {tail!r}\ncommand result: {self.result!r}")

    def finish(self, timeout: float = 10.0) -> tuple[int, str, str]:
        self.pipe.close()
        self.thread.join(timeout)
        self._pipe.__exit__(None, None, None)
        assert self.result is not None, "the command did not end"
        return self.result


def ticks(stderr: str) -> list[str]:
    """The lines the interview leaves for each answer."""
    return [line for line in stderr.splitlines() if line.startswith("✔ ")]


# a full interview of the small catalog, each type once; late_payments is skipped (worked_before: no)
FULL = (
    "2" + ENTER + "1" + ENTER + " " + ENTER + "100" + ENTER + "50" + ENTER + "call back Monday" + ENTER + ENTER + NOTE
)
FULL_ANSWERS = {
    "worked_before": False,
    "advance": "none",
    "asks": ["free_sample"],
    "cost": 100,
    "revenue": 50,
    "notes": "call back Monday",
}


@pytest.mark.slow
def test_every_question_type_and_a_when_skipped_question(cli: CliRunner, small: list[str]) -> None:
    code, out, err = run(cli, "interview", *small, "-f", "json", keys=NAME + FULL)
    verdict = json.loads(out)
    assert verdict["answers"] == FULL_ANSWERS
    assert verdict["verdict"] == "decline"  # two high flags: score 6
    assert [f["id"] for f in verdict["findings"]] == ["pay-if-i-like", "unprofitable"]
    assert code == 1
    assert ticks(err) == [
        "✔ Worked before? no",
        "✔ Advance? No advance",
        "✔ Asks for Free sample",
        "✔ Cost? 100 RUB",
        "✔ Revenue? 50 RUB",
        "✔ Notes call back Monday",
    ]
    assert err.splitlines()[0] == "── Payment ──"


@pytest.mark.slow
def test_dont_know_on_every_type(cli: CliRunner, small: list[str]) -> None:
    keys = NAME + "3" + ENTER + "3" + ENTER + DOWN + DOWN + " " + ENTER + ENTER + ENTER + ENTER + ENTER + NOTE
    code, out, err = run(cli, "interview", *small, "-f", "json", keys=keys)
    verdict = json.loads(out)
    assert verdict["answers"] == {q: None for q in ("worked_before", "advance", "asks", "cost", "revenue", "notes")}
    assert verdict["verdict"] == "go"
    assert code == 0
    assert ticks(err) == [
        "✔ Worked before? don't know",
        "✔ Advance? don't know",
        "✔ Asks for don't know",
        "✔ Cost? don't know",
        "✔ Revenue? don't know",
        "✔ Notes don't know",
    ]


@pytest.mark.slow
def test_dont_know_cannot_be_ticked_with_other_choices(small: list[str]) -> None:
    term = Terminal("interview", *small, "-f", "json")
    term.send(NAME + "2" + ENTER + "1" + ENTER)
    term.expect("Asks for")
    term.send(" " + DOWN + DOWN + " " + ENTER)  # free sample and don't know together
    term.expect("“Don't know” cannot be ticked together with other choices")
    term.send(" " + ENTER + "1" + ENTER + "1" + ENTER + ENTER + ENTER + NOTE)  # untick don't know
    code, out, _ = term.finish()
    assert json.loads(out)["answers"]["asks"] == ["free_sample"]
    assert code == 0


@pytest.mark.slow
def test_back_returns_to_the_previous_question_with_its_answer_prefilled(cli: CliRunner, small: list[str]) -> None:
    # yes, 2 late payments, then Ctrl-B at "Advance?": Enter keeps the prefilled 2
    keys = NAME + "1" + ENTER + "2" + ENTER + BACK + ENTER + "2" + ENTER + ENTER + "10" + ENTER + "20" + ENTER + ENTER
    keys += ENTER + NOTE
    code, out, err = run(cli, "interview", *small, "-f", "json", keys=keys)
    answers = json.loads(out)["answers"]
    assert answers["late_payments"] == 2
    assert answers["advance"] == "partial"
    assert ticks(err)[:3] == ["✔ Worked before? yes", "✔ Late payments? 2 times", "✔ Late payments? 2 times"]
    assert code == 0


def test_back_on_the_first_question_says_so(cli: CliRunner, small: list[str]) -> None:
    code, _, err = run(cli, "interview", *small, keys=NAME + BACK + CTRL_C)
    assert "This is the first question; there is nothing to go back to." in err.splitlines()
    assert code == 130


@pytest.mark.slow
def test_review_lists_every_answer_and_changes_one(cli: CliRunner, small: list[str]) -> None:
    keys = NAME + "1" + ENTER + "3" + ENTER + "2" + ENTER + ENTER + "10" + ENTER + "20" + ENTER + ENTER
    keys += "1" + ENTER + "2" + ENTER + ENTER + NOTE  # review: change #1 (worked before) to no, then finish
    code, out, err = run(cli, "interview", *small, "-f", "json", keys=keys)
    verdict = json.loads(out)
    assert "late_payments" not in verdict["answers"]  # dropped: it no longer applies
    assert verdict["answers"]["worked_before"] is False
    assert verdict["verdict"] == "go"
    assert code == 0
    first, second = (part.splitlines() for part in err.split("Your answers")[1:])
    assert [row for row in first if row.startswith("│")] == [
        "│ 1 │ Worked before? │ yes        │",
        "│ 2 │ Late payments? │ 3 times    │",
        "│ 3 │ Advance?       │ Partial    │",
        "│ 4 │ Asks for       │ nothing    │",
        "│ 5 │ Cost?          │ 10 RUB     │",
        "│ 6 │ Revenue?       │ 20 RUB     │",
        "│ 7 │ Notes          │ don't know │",
    ]
    assert "✔ Worked before? no" in first  # the change, made after the first review
    assert [row for row in second if row.startswith("│")][:2] == [
        "│ 1 │ Worked before? │ no         │",
        "│ 2 │ Advance?       │ Partial    │",
    ]


@pytest.mark.slow
def test_review_refuses_a_number_out_of_range(small: list[str]) -> None:
    term = Terminal("interview", *small)
    term.send(NAME + "2" + ENTER + "1" + ENTER + ENTER + "1" + ENTER + "2" + ENTER + ENTER)
    term.expect("Number of an answer to change, or Enter for the verdict:")
    term.send("9" + ENTER)
    term.expect("Enter a number from 1 to 6, or nothing to see the verdict")
    term.send(CTRL_U + ENTER + NOTE)
    code, out, _ = term.finish()
    assert "GO" in out
    assert code == 0


@pytest.mark.slow
def test_live_flag_the_moment_a_decline_level_flag_fires(cli: CliRunner, small: list[str]) -> None:
    keys = NAME + "1" + ENTER + "3" + ENTER + CTRL_C
    code, _, err = run(cli, "interview", *small, keys=keys)
    lines = err.splitlines()
    assert lines[:4] == [
        "── Payment ──",
        "✔ Worked before? yes",
        "✔ Late payments? 3 times",
        "⚑ Red flag: Pays late (decline). This alone means decline; you may end the call. The interview goes on.",
    ]
    assert code == 130


@pytest.mark.slow
@pytest.mark.parametrize("before", [False, True], ids=["lang-after", "lang-before"])
def test_russian_interview(cli: CliRunner, small_catalog: tuple[Path, Path], interviews: Path, before: bool) -> None:
    rules, questions = small_catalog
    keys = NAME + "1" + ENTER + "3" + ENTER + CTRL_C
    args = ["interview", "--rules", str(rules), "--questions", str(questions), "--in-order"]
    # --lang before the command is the same --lang: the resume line keeps it as well
    args = ["--lang", "ru", *args] if before else [*args, "--lang", "ru"]
    code, _, err = run(cli, *args, keys=keys)
    path = next(interviews.iterdir())
    assert err.splitlines() == [
        "── Оплата ──",
        "✔ Работали раньше? да",
        "✔ Просрочки? 3 раза",
        "⚑ Красный флаг: Платит с опозданием (отказ). Одного его достаточно для отказа, разговор можно "
        "заканчивать. Интервью продолжается.",
        f"clientcheck: прервано; 2 ответа сохранены в {path}; чтобы продолжить: clientcheck interview "
        f"--resume {path} --in-order --lang ru --rules {rules} --questions {questions}",
    ]
    assert code == 130


@pytest.mark.slow
def test_prompt_shows_progress_hint_legend_and_help(small: list[str]) -> None:
    term = Terminal("interview", *small)
    term.expect("Who is the client?")
    term.send(NAME)
    term.expect("Payment · question 1 of 6")
    term.expect("? Worked before? (1–3 or ↑↓, then Enter)")
    term.expect("3) Don't know / skip")
    term.expect("1–3 or ↑↓ pick · Enter answer · ? help · Ctrl-B back · Ctrl-C pause")
    term.send("?")
    term.expect("No help for this question: answer as best you can, or choose don't know.")
    term.send(CTRL_C)
    code, _, _ = term.finish()
    assert code == 130


HELP_QUESTIONS = """\
section: a
title: {en: Terms, ru: Условия}
questions:
  - id: days
    type: integer
    text: {en: Payment term?, ru: Срок оплаты?}
    help: {en: Days after the invoice., ru: Дней после счёта.}
    unit: {en: days, ru: дн.}
    min: 0
    max: 365
    default: 15
  - id: note
    type: text
    text: {en: Note?, ru: Заметка?}
    help: {en: Anything worth keeping., ru: "Всё, что стоит запомнить."}
"""

HELP_RULES = """\
version: 1
sources: {me: {en: Me, ru: Я}}
policy:
  severities: {decline: {weight: 10, label: {en: decline, ru: отказ}}}
  decline_if: {any_severity: [decline]}
rules:
  - id: long-term
    kind: red-flag
    title: {en: Long term, ru: Долгий срок}
    source: me
    why: {en: Slow money., ru: Медленные деньги.}
    advice: {en: Shorten it., ru: Сократите.}
    when: days > 60
    severity: decline
"""


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "ru"])
def test_typed_prompts_help_validation_and_default(write_yaml: WriteYaml, interviews: Path, lang: str) -> None:
    questions = write_yaml("h/questions/10-a.yaml", HELP_QUESTIONS).parent
    rules = write_yaml("h/rules.yaml", HELP_RULES)
    options = ("--rules", str(rules), "--questions", str(questions), "--lang", lang, "--in-order")
    term = Terminal("interview", *options, "-f", "json")
    term.send(NAME)
    if lang == "en":
        prompt = "? Payment term?  [a whole number from 0 to 365 (days); empty = don't know] 15"
        refusal = "“500” does not fit: it is more than 365. Enter a whole number from 0 to 365"  # 80 wide
        help_days, legend, help_note = (
            "Days after the invoice.",
            "Enter answer · empty = don't know · F1 help",
            "Anything",
        )
    else:
        prompt = "? Срок оплаты?  [целое число от 0 до 365 (дн.); пусто — не знаю] 15"
        refusal = "«500» не подходит: это больше 365. Нужно: целое число от 0 до 365 (дн.)"
        help_days, legend, help_note = "Дней после счёта.", "Enter: ответ · пусто: не знаю · F1: подсказка", "Всё"
    term.expect(prompt)  # the default is prefilled
    term.send("?")
    term.expect(help_days)
    term.send(CTRL_U + "500" + ENTER)
    term.expect(refusal)
    term.send(CTRL_U + "30" + ENTER)
    term.expect(legend)
    term.send(F1)
    term.expect(help_note)
    term.send("ok?" + ENTER + ENTER)  # "?" is text in a text prompt
    code, out, _ = term.finish()
    assert json.loads(out)["answers"] == {"days": 30, "note": "ok?"}
    assert code == 0


@pytest.mark.slow
def test_answers_file_prefills_and_only_the_rest_is_asked(
    cli: CliRunner, small: list[str], write_yaml: WriteYaml
) -> None:
    given = write_yaml("given.yaml", "client: ACME\nworked_before: false\nadvance: none\n")
    keys = ENTER + "1" + ENTER + "2" + ENTER + ENTER + ENTER + NOTE  # the file names the client: no name asked
    code, out, err = run(cli, "interview", *small, "--answers", str(given), "-f", "json", keys=keys)
    verdict = json.loads(out)
    assert verdict["client"] == "ACME"
    assert verdict["answers"] == {
        "worked_before": False,
        "advance": "none",
        "asks": [],
        "cost": 1,
        "revenue": 2,
        "notes": None,
    }
    assert err.splitlines()[0] == f"2 answers taken from {given}; only the rest will be asked."
    assert ticks(err) == ["✔ Asks for nothing", "✔ Cost? 1 RUB", "✔ Revenue? 2 RUB", "✔ Notes don't know"]
    assert code == 0


@pytest.mark.slow
def test_client_option_wins_over_the_answers_file(cli: CliRunner, small: list[str], write_yaml: WriteYaml) -> None:
    given = write_yaml("given.yaml", "client: ACME\n")
    keys = "2" + ENTER + "1" + ENTER + ENTER + "1" + ENTER + "2" + ENTER + ENTER + ENTER + NOTE
    code, out, _ = run(cli, "interview", *small, "--answers", str(given), "--client", "Globex", "-f", "json", keys=keys)
    assert json.loads(out)["client"] == "Globex"
    assert code == 0


@pytest.mark.slow
def test_a_client_key_in_the_answers_file_names_the_client_but_saves_nothing(
    cli: CliRunner, small: list[str], write_yaml: WriteYaml, tmp_path: Path
) -> None:
    given = write_yaml("given.yaml", "client: ACME\n")
    db = tmp_path / "h.sqlite3"
    keys = "2" + ENTER + "1" + ENTER + ENTER + "1" + ENTER + "2" + ENTER + ENTER + ENTER + NOTE
    code, out, _ = run(cli, "interview", *small, "--answers", str(given), "--db", str(db), "-f", "json", keys=keys)
    assert (code, json.loads(out)["client"]) == (0, "ACME")
    assert not db.exists()  # as with `check`: only --client saves to the history


@pytest.mark.slow
def test_save_writes_an_answers_file_that_check_accepts_with_the_same_verdict(
    cli: CliRunner, small: list[str], tmp_path: Path, interviews: Path
) -> None:
    saved = tmp_path / "a.yaml"
    code, out, err = run(
        cli, "interview", *small, "--client", "Цветы «Ромашка»", "--save", str(saved), "-f", "json", keys=FULL
    )
    assert code == 1
    assert saved.read_text(encoding="utf-8") == (
        "client: Цветы «Ромашка»\n"
        "worked_before: false\n"
        "advance: none\n"
        "asks: [free_sample]\n"
        "cost: 100\n"
        "revenue: 50\n"
        "notes: call back Monday\n"
    )
    assert err.splitlines()[-1] == f"Answers saved to {saved}; to check them again: clientcheck check {saved}"
    assert list(interviews.iterdir()) == []  # saved elsewhere: the autosave file is retired
    check_code, check_out, _ = invoke(cli, "check", str(saved), *small[:-1], "-f", "json")  # check takes no --in-order
    assert json.loads(check_out) == json.loads(out)
    assert check_code == code


@pytest.mark.slow
def test_save_as_json_and_dont_know_as_null(cli: CliRunner, small: list[str], tmp_path: Path) -> None:
    saved = tmp_path / "a.json"
    keys = NAME + "3" + ENTER + "3" + ENTER + DOWN + DOWN + " " + ENTER + ENTER + ENTER + ENTER + ENTER + NOTE
    code, out, _ = run(cli, "interview", *small, "--save", str(saved), "-f", "json", keys=keys)
    assert json.loads(saved.read_text(encoding="utf-8")) == {
        q: None for q in ("worked_before", "advance", "asks", "cost", "revenue", "notes")
    }
    _, check_out, _ = invoke(cli, "check", str(saved), *small[:-1], "-f", "json")  # check takes no --in-order
    assert json.loads(check_out) == json.loads(out)
    assert code == 0


def test_save_to_a_missing_folder_is_refused_before_the_first_question(
    cli: CliRunner, small: list[str], tmp_path: Path
) -> None:
    target = tmp_path / "nope" / "a.yaml"
    code, out, err = run(cli, "interview", *small, "--save", str(target), keys="")
    assert err == f"clientcheck: error: cannot save answers to {target}: the folder {target.parent} does not exist\n"
    assert (code, out) == (2, "")


def test_the_resume_command_keeps_the_history_options(
    cli: CliRunner, small: list[str], interviews: Path, small_catalog: tuple[Path, Path], tmp_path: Path
) -> None:
    rules, questions = small_catalog
    db = tmp_path / "h.sqlite3"
    args = ("interview", *small, "--client", "ACME", "--db", str(db), "--no-save")
    code, _, err = run(cli, *args, keys="1" + ENTER + CTRL_C)
    assert code == 130
    [path] = interviews.iterdir()
    command = (
        f"clientcheck interview --resume {path} --in-order --lang en --rules {rules} --questions {questions} "
        f"--db {db} --no-save"
    )
    assert err.splitlines()[-1] == f"clientcheck: interrupted: 1 answer is saved in {path}; to continue: {command}"


@pytest.mark.slow
def test_ctrl_c_says_where_the_answers_are_and_resume_continues(
    cli: CliRunner, small: list[str], interviews: Path, small_catalog: tuple[Path, Path]
) -> None:
    rules, questions = small_catalog
    code, out, err = run(cli, "interview", *small, "-f", "json", keys=NAME + "1" + ENTER + "3" + ENTER + CTRL_C)
    assert (code, out) == (130, "")
    [path] = interviews.iterdir()
    command = (
        f"clientcheck interview --resume {path} --in-order --lang en --format json --rules {rules} "
        f"--questions {questions}"
    )
    assert err.splitlines()[-1] == f"clientcheck: interrupted: 2 answers are saved in {path}; to continue: {command}"
    assert path.read_text(encoding="utf-8") == (
        "# clientcheck interview answers, saved after every answer.\n"
        f"# To continue: {command}\n"
        '# clientcheck-options: {"lang": "en", "save": null, "profile": null, "quick": false, "in_order": true}\n'
        '# clientcheck-state: {"asked":["worked_before","late_payments"],"together":[],"single":[],"putoff":[]}\n'
        "worked_before: true\n"
        "late_payments: 3\n"
    )
    assert oct(path.stat().st_mode & 0o777) == "0o600"

    rest = "2" + ENTER + ENTER + "10" + ENTER + "20" + ENTER + ENTER + ENTER + NOTE
    code, resumed, err = run(cli, "interview", "--resume", *small, "-f", "json", keys=rest)
    assert err.splitlines()[0] == f"Continuing {path}: 2 answers so far."
    assert json.loads(resumed)["answers"] == {
        "worked_before": True,
        "late_payments": 3,
        "advance": "partial",
        "asks": [],
        "cost": 10,
        "revenue": 20,
        "notes": None,
    }
    assert code == 1  # late-payer at decline level
    done = path.with_name(path.name.replace(".yaml", ".done.yaml"))
    assert err.splitlines()[-1] == f"Answers kept in {done}"
    assert list(interviews.iterdir()) == [done]

    # the same answers in one go give the same verdict
    straight = NAME + "1" + ENTER + "3" + ENTER + rest
    _, direct, _ = run(cli, "interview", *small, "-f", "json", keys=straight)
    assert json.loads(direct) == json.loads(resumed)


def test_resume_a_given_file(cli: CliRunner, small: list[str], write_yaml: WriteYaml, interviews: Path) -> None:
    given = write_yaml("mine.yaml", "worked_before: false\nadvance: partial\nasks: []\ncost: 5\nrevenue: 9\n")
    code, out, err = run(
        cli, "interview", "--resume", str(given), *small, "-f", "json", keys="x" + ENTER + ENTER + NOTE
    )
    assert json.loads(out)["answers"]["notes"] == "x"
    assert err.splitlines()[0] == f"Continuing {given}: 5 answers so far."
    # a file the user named is kept up to date, never renamed or removed
    assert yaml.safe_load(given.read_text(encoding="utf-8"))["notes"] == "x"
    assert code == 0


def test_resume_with_nothing_to_resume(cli: CliRunner, small: list[str], interviews: Path) -> None:
    code, _, err = run(cli, "interview", "--resume", *small, keys="")
    assert err == (
        f"clientcheck: error: there is no interrupted interview to resume in {interviews}; "
        "start one with: clientcheck interview\n"
    )
    assert code == 2


@pytest.mark.slow
def test_ctrl_d_stops_like_ctrl_c(cli: CliRunner, small: list[str], interviews: Path) -> None:
    code, _, err = run(cli, "interview", *small, keys=NAME + "2" + ENTER + CTRL_D)
    [path] = interviews.iterdir()
    assert err.splitlines()[-1].startswith(f"clientcheck: interrupted: 1 answer is saved in {path}; to continue: ")
    assert code == 130


@pytest.mark.slow
def test_end_of_input_mid_interview_keeps_the_answers(cli: CliRunner, small: list[str], interviews: Path) -> None:
    code, _, _ = run(cli, "interview", *small, keys=NAME + "2" + ENTER + "1" + ENTER)  # then the keys run out
    [path] = interviews.iterdir()
    assert yaml.safe_load(path.read_text(encoding="utf-8")) == {"worked_before": False, "advance": "none"}
    assert code == 130


@pytest.mark.slow
def test_ctrl_c_before_any_answer_leaves_nothing_behind(cli: CliRunner, small: list[str], interviews: Path) -> None:
    code, out, err = run(cli, "interview", *small, keys=NAME + CTRL_C)
    assert err == "clientcheck: interrupted before the first answer; there is nothing to resume\n"
    assert (code, out) == (130, "")
    assert list(interviews.iterdir()) == []


def test_ctrl_c_at_the_client_name_leaves_nothing_behind(cli: CliRunner, small: list[str], interviews: Path) -> None:
    code, out, err = run(cli, "interview", *small, keys="Acme" + CTRL_C)
    assert err == "clientcheck: interrupted before the first answer; there is nothing to resume\n"
    assert (code, out) == (130, "")
    assert not interviews.exists() or list(interviews.iterdir()) == []


def test_stdin_not_a_terminal_is_refused(cli: CliRunner, small: list[str]) -> None:
    code, out, err = invoke(cli, "interview", *small, input="yes\n")
    assert err == (
        "clientcheck: error: the interview needs a terminal, and standard input is not one; "
        "to check answers from a file or a pipe, use: clientcheck check FILE\n"
    )
    assert (code, out) == (2, "")


def test_stdin_not_a_terminal_is_refused_in_russian(cli: CliRunner) -> None:
    code, _, err = invoke(cli, "interview", "--lang", "ru", input="")
    assert err == (
        "clientcheck: ошибка: для интервью нужен терминал, а стандартный ввод им не является; "
        "чтобы проверить ответы из файла или канала, запустите: clientcheck check ФАЙЛ\n"
    )
    assert code == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["old.yaml"],
            "a file argument is only taken with --resume: use --resume old.yaml to continue it, "
            "or --answers old.yaml to prefill from it",
        ),
        (
            ["--resume", "--answers", "a.yaml"],
            "--resume and --answers cannot be used together: a resumed interview already has its answers",
        ),
    ],
)
def test_option_mistakes(cli: CliRunner, small: list[str], args: list[str], message: str) -> None:
    code, _, err = run(cli, "interview", *small, *args, keys="")
    assert err == f"clientcheck: error: {message}\n"
    assert code == 2


def _loaded_modules(*argv: str, stdin: int | None = subprocess.DEVNULL) -> list[str]:
    code = (
        "import sys\n"
        "from clientcheck.cli import main\n"
        f"rc = main({list(argv)!r})\n"
        "sys.stdout.flush()\n"
        "sys.stderr.write(repr(sorted({m.split('.')[0] for m in sys.modules} & {'questionary', 'prompt_toolkit'})))\n"
    )
    env = dict(os.environ, CLIENTCHECK_DEBUG="")
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, stdin=stdin, env=env
    )
    return [done.stderr.splitlines()[-1]]


@pytest.mark.slow
def test_help_and_check_never_import_questionary(tmp_path: Path) -> None:
    answers = tmp_path / "a.yaml"
    answers.write_text("worked_before: false\n", encoding="utf-8")
    assert _loaded_modules("--help") == ["[]"]
    assert _loaded_modules("interview", "--help") == ["[]"]
    assert _loaded_modules("check", str(answers)) == ["[]"]
    assert _loaded_modules("check", str(answers), "--format", "json") == ["[]"]
    assert _loaded_modules("interview") == ["[]"]  # stdin is not a terminal: refused before the import


# ---- issue 10: adaptive order, early finish, notes, resume options ---------------------


def test_quick_asks_the_deal_breaker_first_and_finishes_when_settled(
    cli: CliRunner, small_catalog: tuple[Path, Path], interviews: Path
) -> None:
    rules, questions = small_catalog
    options = ("--rules", str(rules), "--questions", str(questions), "--lang", "en")
    keys = NAME + "1" + ENTER + "3" + ENTER + NOTE
    code, out, err = run(cli, "interview", *options, "--quick", keys=keys)
    assert ticks(err) == ["✔ Worked before? yes", "✔ Late payments? 3 times"]
    assert "The verdict is settled: DECLINE. No answer still to come can change it." in err.splitlines()
    assert "DECLINE" in out
    assert "Settled: no answer still to come can change it." in out
    assert code == 1


@pytest.mark.slow
def test_a_settled_verdict_offers_to_finish_and_can_go_on(
    cli: CliRunner, small_catalog: tuple[Path, Path], interviews: Path
) -> None:
    rules, questions = small_catalog
    options = ("--rules", str(rules), "--questions", str(questions), "--lang", "en", "-f", "json")
    settled = NAME + "1" + ENTER + "3" + ENTER
    code, out, err = run(cli, "interview", *options, keys=settled + ENTER + NOTE)  # Enter finishes
    assert (code, len(ticks(err)), json.loads(out)["range"]) == (1, 2, {"best": "decline", "worst": "decline"})
    rest = "1" + ENTER + " " + ENTER + "1" + ENTER + "2" + ENTER + ENTER + ENTER + NOTE  # advance, asks, cost...
    code, out, err = run(cli, "interview", *options, keys=settled + "2" + ENTER + rest)  # 2, Enter: go on
    assert len(ticks(err)) == 7 and code == 1
    assert json.loads(out)["answers"]["notes"] is None


@pytest.mark.slow
def test_an_unsettled_verdict_shows_its_range_and_what_would_settle_it(cli: CliRunner, small: list[str]) -> None:
    keys = NAME + "3" + ENTER + "3" + ENTER + DOWN + DOWN + " " + ENTER + ENTER + ENTER + ENTER + ENTER + NOTE
    code, out, _ = run(cli, "interview", *small, keys=keys)
    assert "GO so far — could still become CAUTION or DECLINE" in out
    assert "To settle it, ask" in out
    assert "worked_before" in out.split("To settle it, ask")[1]
    assert code == 0


@pytest.mark.slow
def test_the_note_goes_with_the_answers_the_verdict_and_the_history(
    cli: CliRunner, small: list[str], tmp_path: Path
) -> None:
    db = tmp_path / "h.sqlite3"
    saved = tmp_path / "a.yaml"
    keys = FULL[: -len(NOTE)] + "met at the fair; call back in May" + ENTER
    args = ("interview", *small, "--client", "ACME", "--db", str(db), "--save", str(saved), "-f", "json")
    code, out, _ = run(cli, *args, keys=keys)
    assert json.loads(out)["note"] == "met at the fair; call back in May"
    assert yaml.safe_load(saved.read_text(encoding="utf-8"))["note"] == "met at the fair; call back in May"
    _, shown, _ = invoke(cli, "show", "1", "--db", str(db), "-f", "json")
    assert json.loads(shown)["note"] == "met at the fair; call back in May"
    _, table, _ = invoke(cli, "show", "1", "--db", str(db))
    assert "Note: met at the fair; call back in May" in table
    assert code == 1


@pytest.mark.slow
def test_a_bare_resume_keeps_the_language_and_save(
    cli: CliRunner, small_catalog: tuple[Path, Path], interviews: Path, tmp_path: Path
) -> None:
    rules, questions = small_catalog
    saved = tmp_path / "kept.yaml"
    catalog = ("--rules", str(rules), "--questions", str(questions))
    code, _, _ = run(
        cli, "interview", *catalog, "--lang", "ru", "--in-order", "--save", str(saved), keys=NAME + "2" + ENTER + CTRL_C
    )
    assert code == 130
    rest = "1" + ENTER + ENTER + "1" + ENTER + "2" + ENTER + ENTER + ENTER + NOTE
    code, out, err = run(cli, "interview", "--resume", *catalog, "-f", "json", keys=rest)
    assert json.loads(out)["language"] == "ru"
    assert err.splitlines()[-1] == f"Ответы сохранены в {saved}; проверить их снова: clientcheck check {saved}"
    assert yaml.safe_load(saved.read_text(encoding="utf-8"))["worked_before"] is False
    assert code == 0


# ---- issue 10: checklists and the early finish on the bundled questions -----------------


@pytest.fixture
def seller(tmp_path: Path, interviews: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Options: the bundled questions, with the seller's own answers from a profile."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    profile = tmp_path / "config" / "clientcheck" / "profiles" / "default.yaml"
    profile.parent.mkdir(parents=True)
    profile.write_text(yaml.safe_dump(SELLER), encoding="utf-8")
    return ["--lang", "en", "--quick", "--no-save", "--client", "Nova"]


@pytest.mark.slow
def test_an_investor_client_is_declined_in_three_prompts_with_two_checklists(
    cli: CliRunner, seller: list[str], tmp_path: Path
) -> None:
    saved = tmp_path / "nova.yaml"
    # the call checklist: nothing ticked; the deal checklist: a budget named (2), waiting for an investor (3)
    keys = ENTER + "2" + "3" + ENTER + "2" + ENTER + NOTE
    screen = io.StringIO()
    code, out, err = run(cli, "interview", *seller, "--save", str(saved), "-f", "json", keys=keys, screen=screen)
    assert ticks(err) == [
        "✔ Which of these has the client done so far? none of these",
        "✔ Which of these are true of this client and the deal? They have named a budget; "
        "The budget waits for money they don't have yet: an investor, a grant, a loan",
        "✔ Will they pay for a small concept from their own money now? no",
    ]
    assert "Checklist · question 1 of 11" in screen.getvalue()
    assert (
        "How established is your business?" not in screen.getvalue() + err
    )  # the profile answers the seller's questions
    assert (code, json.loads(out)["verdict"]) == (1, "decline")
    answers = yaml.safe_load(saved.read_text(encoding="utf-8"))
    # one answer per question, as answers files always had: unticked is "no", a line stated the
    # bad way round ("They won't sign a contract") unticked is "yes"
    assert {q: answers[q] for q in ("rude", "written_brief", "budget_stated", "budget_from_investor", "contract")} == {
        "rude": False,
        "written_brief": False,
        "budget_stated": True,
        "budget_from_investor": True,
        "contract": True,
    }


@pytest.mark.slow
def test_not_sure_about_some_asks_the_unticked_lines_one_by_one(
    cli: CliRunner, seller: list[str], tmp_path: Path
) -> None:
    saved = tmp_path / "n.yaml"
    # call checklist: "Not sure about some" alone (the 10th line: down to it, Space); the deal
    # checklist: nothing ticked; then the call's lines come one by one, the deal-breaker first
    keys = DOWN * 9 + " " + ENTER + ENTER + "1" + ENTER + NOTE
    code, out, err = run(cli, "interview", *seller, "--save", str(saved), "-f", "json", keys=keys)
    assert ticks(err) == [
        "✔ Which of these has the client done so far? all: not sure yet",
        "✔ Which of these are true of this client and the deal? none of these",
        "✔ Has the client treated you or your team rudely? yes",
    ]
    assert (code, json.loads(out)["verdict"]) == (1, "decline")
    answers = yaml.safe_load(saved.read_text(encoding="utf-8"))
    assert answers["rude"] is True and "petty_complaints" not in answers


def test_a_checklist_line_in_an_old_answers_file_still_answers_its_question(
    cli: CliRunner, seller: list[str], tmp_path: Path
) -> None:
    given = tmp_path / "old.yaml"
    given.write_text("rude: true\n", encoding="utf-8")
    code, out, err = run(cli, "interview", *seller, "--answers", str(given), "-f", "json", keys=NOTE)
    assert ticks(err) == []  # settled by the file: nothing asked
    assert (code, json.loads(out)["verdict"]) == (1, "decline")


@pytest.mark.slow
def test_quick_finishes_when_only_dont_know_answers_hold_the_verdict_open(
    cli: CliRunner, held_open: tuple[Path, Path], interviews: Path
) -> None:
    rules, questions = held_open
    options = ("--rules", str(rules), "--questions", str(questions), "--lang", "en", "-f", "json")
    keys = NAME + "3" + ENTER + "1" + ENTER + NOTE  # rude: don't know; one call
    code, out, err = run(cli, "interview", *options, "--quick", keys=keys)
    assert ticks(err) == ["✔ Rude? don't know", "✔ Calls? 1"]  # the remark, which decides nothing, is not asked
    assert "Nothing left to ask can change the verdict: the “don't know” answers keep it open." in err.splitlines()
    verdict = json.loads(out)
    assert (verdict["verdict"], verdict["range"], code) == ("go", {"best": "go", "worst": "decline"}, 0)
    # without --quick the same line comes with the offer to finish: Enter finishes there
    code, out, err = run(cli, "interview", *options, keys=NAME + "3" + ENTER + "1" + ENTER + ENTER + NOTE)
    assert ticks(err) == ["✔ Rude? don't know", "✔ Calls? 1"]
    assert (json.loads(out)["range"], code) == ({"best": "go", "worst": "decline"}, 0)
