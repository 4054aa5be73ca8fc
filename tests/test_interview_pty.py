"""`clientcheck interview` in a real pseudo-terminal (pexpect), on the bundled catalog.

Every expect has a timeout, so none of these can hang. pexpect is not a terminal emulator and
never answers prompt_toolkit's cursor-position request: PROMPT_TOOLKIT_NO_CPR=1 tells
prompt_toolkit not to wait for the answer.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pexpect
import pytest
import yaml

from clientcheck.answers import validate
from clientcheck.loader import load_catalog
from clientcheck.session import Session

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "late-payer.yaml"
TIMEOUT = 20  # seconds per expect; generous for a loaded CI machine
CLIENTCHECK = f"{sys.executable} -m clientcheck"

pytestmark = [
    pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal"),
    pytest.mark.pty,
    pytest.mark.slow,
]


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    out = dict(os.environ, XDG_DATA_HOME=str(tmp_path / "data"), PROMPT_TOOLKIT_NO_CPR="1", TERM="xterm")
    out.update(LANG="C.UTF-8", COLUMNS="120", LINES="40")
    out.pop("LC_ALL", None)
    return out


def spawn(shell_command: str, env: dict[str, str], cwd: Path) -> pexpect.spawn:
    """Run a shell command line in a fresh pseudo-terminal."""
    return pexpect.spawn(
        "/bin/sh", ["-c", shell_command], env=env, cwd=str(cwd), encoding="utf-8", timeout=TIMEOUT, dimensions=(40, 120)
    )


def finish(child: pexpect.spawn) -> tuple[str, int]:
    """Wait for the end; everything printed after the last expect, and the exit status."""
    try:
        child.expect(pexpect.EOF)
        rest = child.before or ""
    finally:
        child.close(force=True)
    status = child.exitstatus if child.exitstatus is not None else 128 + (child.signalstatus or 0)
    return rest, status


def check_json(answers: Path, env: dict[str, str]) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-m", "clientcheck", "check", str(answers), "--lang", "en", "-f", "json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    result: dict[str, object] = json.loads(done.stdout)
    return result


def test_ctrl_c_in_the_middle_then_resume_gives_the_same_verdict(tmp_path: Path, env: dict[str, str]) -> None:
    full = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    asked = ["contract", "advance", "asks", "hours_to_deadline", "rude"]  # terms, timing, behaviour
    partial = tmp_path / "partial.yaml"
    partial.write_text(yaml.safe_dump({k: v for k, v in full.items() if k not in asked}, allow_unicode=True))

    child = spawn(f"{CLIENTCHECK} interview --answers partial.yaml --lang en -f json", env, tmp_path)
    child.expect_exact("Will the client sign a contract?")
    child.send("1\r")  # yes
    child.expect_exact("What advance will the client pay?")
    child.send("2\r")  # part of the price
    child.expect_exact("What has the client asked you for?")
    child.sendcontrol("c")
    rest, status = finish(child)
    assert status == 130
    [recovery] = (tmp_path / "data" / "clientcheck" / "interviews").iterdir()
    command = shlex.join(["clientcheck", "interview", "--resume", str(recovery), "--lang", "en", "--format", "json"])
    answered = len(full) - 1 - len(asked) + 2  # the example's answers but the client's name, plus two
    assert f"clientcheck: interrupted: {answered} answers are saved in {recovery}; to continue: {command}" in rest
    kept = yaml.safe_load(recovery.read_text(encoding="utf-8"))
    assert (kept["contract"], kept["advance"]) == (True, "partial")

    child = spawn(f"{CLIENTCHECK} interview --resume --lang en -f json > out.json", env, tmp_path)
    child.expect_exact(f"Continuing {recovery}: {answered} answers so far.")
    child.expect_exact("What has the client asked you for?")  # the first unanswered question
    child.send("\r")  # nothing
    child.expect_exact("How many hours from first contact to the deadline?")
    child.send("504\r")
    child.expect_exact("Has the client treated you or your team rudely?")
    child.send("2\r")  # no
    child.expect_exact("Number of an answer to change, or Enter for the verdict:")
    child.send("\r")
    _, status = finish(child)
    resumed = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    assert resumed == check_json(EXAMPLE, env)  # the example answers these five the same way
    assert resumed["verdict"] == "caution"
    assert status == 0


def test_back_dont_know_and_review_change_on_the_real_terminal(tmp_path: Path, env: dict[str, str]) -> None:
    full = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    partial = tmp_path / "partial.yaml"
    partial.write_text(
        yaml.safe_dump({k: v for k, v in full.items() if k not in ("contract", "advance")}, allow_unicode=True)
    )
    questions = load_catalog().questions
    contract, advance = questions["contract"].text.get("ru"), questions["advance"].text.get("ru")
    child = spawn(
        f"{CLIENTCHECK} interview --answers partial.yaml --lang ru --save saved.yaml -f json > out.json", env, tmp_path
    )
    child.expect_exact(contract)
    child.expect_exact("Ctrl-B: назад")
    child.send("3\r")  # не знаю
    child.expect(f"✔(\\x1b\\[0m)? {re.escape(contract)} (\\x1b\\[36m)?не знаю")  # the record of the answer, coloured
    child.expect_exact(advance)
    child.sendcontrol("b")  # back: the contract question again
    child.expect_exact(contract)
    child.send("1\r")  # да
    child.expect_exact(advance)
    child.send("4\r")  # не знаю
    child.expect_exact("Номер ответа, который нужно изменить, или Enter — показать вердикт:")
    given = validate({**full, "contract": True, "advance": None}, load_catalog(), "given").values
    row = Session(load_catalog(), given).review_ids().index("advance") + 1
    child.send(f"{row}\r")  # the review row of "advance"
    child.expect_exact(advance)
    child.send("2\r")  # частичная
    child.expect_exact("Номер ответа, который нужно изменить, или Enter — показать вердикт:")
    child.send("\r")
    _, status = finish(child)
    saved = yaml.safe_load((tmp_path / "saved.yaml").read_text(encoding="utf-8"))
    assert (saved["contract"], saved["advance"]) == (True, "partial")
    assert json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))["language"] == "ru"
    assert status == 0


@pytest.mark.parametrize("redirect", ["< /dev/null", "<<< ignored", "| cat"])
def test_stdin_not_a_terminal_is_refused_at_once(tmp_path: Path, env: dict[str, str], redirect: str) -> None:
    if redirect == "<<< ignored":  # /bin/sh may not have here-strings: pipe from echo instead
        line = f"echo ignored | {CLIENTCHECK} interview --lang en"
    elif redirect == "| cat":
        line = f"echo 1 | {CLIENTCHECK} interview --lang en 2>&1 | cat"
    else:
        line = f"{CLIENTCHECK} interview --lang en {redirect}"
    child = spawn(line + "; echo status=$?", env, tmp_path)
    rest, _ = finish(child)
    assert rest.replace("\r\n", "\n").splitlines()[-2:] == [
        "clientcheck: error: the interview needs a terminal, and standard input is not one; "
        "to check answers from a file or a pipe, use: clientcheck check FILE",
        "status=0" if redirect == "| cat" else "status=2",  # `| cat`: the pipeline's status is cat's
    ]


def test_format_json_to_a_file_shows_prompts_and_writes_valid_json(tmp_path: Path, env: dict[str, str]) -> None:
    child = spawn(f"{CLIENTCHECK} interview --answers {EXAMPLE} --lang en --format json > out.json", env, tmp_path)
    child.expect_exact("Your answers")  # every question answered: straight to the review, drawn on the terminal
    child.expect_exact("Number of an answer to change, or Enter for the verdict:")
    child.send("\r")
    _, status = finish(child)
    written = (tmp_path / "out.json").read_text(encoding="utf-8")
    assert json.loads(written) == check_json(EXAMPLE, env)
    assert "\x1b" not in written
    assert status == 0
