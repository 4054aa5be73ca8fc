"""The tester's key sequences (TRYOUT 5, 6, 13) replayed on a real pseudo-terminal (pexpect).

Every expect has a timeout (tests/keys.py), so none of these can hang.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest
import yaml

from tests.keys import answer, finish, pty_env, spawn

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "late-payer.yaml"
CLIENTCHECK = f"{sys.executable} -m clientcheck"
REVIEW = "Number of an answer to change, or Enter for the verdict:"
NOTE = "Your note about this client"
QUESTION = "What payment term do your invoices give?"

pytestmark = [
    pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal"),
    pytest.mark.pty,
    pytest.mark.slow,
]


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return pty_env(XDG_DATA_HOME=str(tmp_path / "data"))


def test_ctrl_b_at_the_note_brings_the_review_back(tmp_path: Path, env: dict[str, str]) -> None:
    child = spawn(f"{CLIENTCHECK} interview --answers {EXAMPLE} --no-save --lang en -f json > out.json", env, tmp_path)
    answer(child, REVIEW, "\r")
    child.expect_exact(NOTE)
    child.sendcontrol("b")
    answer(child, REVIEW, "\r")  # the review again, not the verdict
    answer(child, NOTE, "checked twice\r")
    _, status = finish(child)
    assert json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))["note"] == "checked twice"
    assert status == 0


def test_ctrl_b_after_resume_reaches_the_answer_typed_before_the_pause(tmp_path: Path, env: dict[str, str]) -> None:
    full = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    partial = tmp_path / "partial.yaml"
    partial.write_text(
        yaml.safe_dump({k: v for k, v in full.items() if k not in ("contract", "advance")}, allow_unicode=True)
    )
    child = spawn(f"{CLIENTCHECK} interview --answers partial.yaml --lang en --in-order", env, tmp_path)
    answer(child, "Will the client sign a contract?", "1\r")  # yes
    child.expect_exact("What advance will the client pay?")
    child.sendcontrol("c")
    _, status = finish(child)
    assert status == 130

    child = spawn(f"{CLIENTCHECK} interview --resume -f json > out.json", env, tmp_path)
    child.expect_exact("What advance will the client pay?")
    child.sendcontrol("b")  # back into the answer given before the pause
    answer(child, "Will the client sign a contract?", "2\r")  # yes -> no
    answer(child, "What advance will the client pay?", "2\r")
    answer(child, REVIEW, "\r")
    answer(child, NOTE, "\r")
    rest, status = finish(child)
    assert "nothing to go back to" not in rest
    answers = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))["answers"]
    assert (answers["contract"], answers["advance"]) == (False, "partial")
    assert status in (0, 1)


def test_a_refused_unit_is_explained_in_full_on_a_narrow_screen(tmp_path: Path, env: dict[str, str]) -> None:
    full = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    partial = tmp_path / "partial.yaml"
    partial.write_text(yaml.safe_dump({k: v for k, v in full.items() if k != "payment_term_days"}, allow_unicode=True))
    child = spawn(
        f"{CLIENTCHECK} interview --answers partial.yaml --lang en --in-order", {**env, "COLUMNS": "100"}, tmp_path
    )
    child.setwinsize(40, 100)  # the tester's window: the refusal is longer than a row
    child.expect_exact(QUESTION)
    child.send("3m\r")
    child.expect_exact("“3m” does not fit")
    child.expect_exact("Ctrl-C pause")  # the key legend, drawn under the refusal
    # the rows of the wrapped refusal put back together: a row's last column is drawn after a jump to it
    drawn = re.sub(r"\r\x1b\[\d+C", "", child.before or "")
    drawn = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]|\r|\n", "", drawn)
    assert drawn.startswith(
        ": 'm' is months or minutes, nobody can tell: write 3 mo or 3 min. Enter a whole number from 0 to 365 (days); "
        "or with a unit: 4h, 3 days, 2 weeks, 3 months, or leave it empty for don't know"
    )
    child.sendcontrol("c")
    _, status = finish(child)
    assert status == 130
