"""`clientcheck interview` in a real pseudo-terminal (pexpect), on the bundled catalog.

Every expect has a timeout, so none of these can hang (tests/keys.py: spawn, answer, finish).
"""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from clientcheck.answers import validate
from clientcheck.loader import load_catalog
from clientcheck.session import Session
from tests.conftest import SELLER
from tests.keys import answer, end_interview, finish, pty_env, spawn

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "late-payer.yaml"
CLIENTCHECK = f"{sys.executable} -m clientcheck"

pytestmark = [
    pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal"),
    pytest.mark.pty,
    pytest.mark.slow,
]


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return pty_env(XDG_DATA_HOME=str(tmp_path / "data"))


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

    child = spawn(f"{CLIENTCHECK} interview --answers partial.yaml --lang en -f json --in-order", env, tmp_path)
    answer(child, "Will the client sign a contract?", "1\r")  # yes
    answer(child, "What advance will the client pay?", "2\r")  # part of the price
    child.expect_exact("What has the client asked you for?")
    child.sendcontrol("c")
    rest, status = finish(child)
    assert status == 130
    [recovery] = (tmp_path / "data" / "clientcheck" / "interviews").iterdir()
    command = shlex.join(
        ["clientcheck", "interview", "--resume", str(recovery), "--in-order", "--lang", "en", "--format", "json"]
    )
    answered = len(full) - 1 - len(asked) + 2  # the example's answers but the client's name, plus two
    assert f"clientcheck: interrupted: {answered} answers are saved in {recovery}; to continue: {command}" in rest
    kept = yaml.safe_load(recovery.read_text(encoding="utf-8"))
    assert (kept["contract"], kept["advance"]) == (True, "partial")

    child = spawn(f"{CLIENTCHECK} interview --resume --lang en -f json > out.json", env, tmp_path)
    # the line is wider than the terminal with a long temporary path: it breaks at its spaces
    said = f"Continuing {recovery}: {answered} answers so far."
    child.expect(r"\s+".join(re.escape(word) for word in said.split(" ")))
    answer(child, "What has the client asked you for?", "\r")  # nothing
    answer(child, "How many hours from first contact to the deadline?", "504\r")
    answer(child, "Has the client treated you or your team rudely?", "2\r")  # no
    _, status = end_interview(child)
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
        f"{CLIENTCHECK} interview --answers partial.yaml --lang ru --save saved.yaml -f json --in-order > out.json",
        env,
        tmp_path,
    )
    answer(child, contract, "3\r", hint="Ctrl-B: назад")  # не знаю
    child.expect(f"✔(\\x1b\\[0m)? {re.escape(contract)} (\\x1b\\[36m)?не знаю")  # the record of the answer, coloured
    child.expect_exact(advance)
    child.sendcontrol("b")  # back: the contract question again
    answer(child, contract, "1\r")  # да
    answer(child, advance, "4\r")  # не знаю
    child.expect_exact("Номер ответа, который нужно изменить, или Enter — показать вердикт:")
    given = validate({**full, "contract": True, "advance": None}, load_catalog(), "given").values
    row = Session(load_catalog(), given).review_ids().index("advance") + 1
    child.send(f"{row}\r")  # the review row of "advance"
    answer(child, advance, "2\r")  # частичная
    answer(child, "Номер ответа, который нужно изменить, или Enter — показать вердикт:", "\r")
    answer(child, "Ваша заметка о клиенте", "новый клиент от партнёров\r")
    _, status = finish(child)
    saved = yaml.safe_load((tmp_path / "saved.yaml").read_text(encoding="utf-8"))
    assert (saved["contract"], saved["advance"], saved["note"]) == (True, "partial", "новый клиент от партнёров")
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
    _, status = end_interview(child)
    written = (tmp_path / "out.json").read_text(encoding="utf-8")
    assert json.loads(written) == check_json(EXAMPLE, env)
    assert "\x1b" not in written
    assert status == 0


def _without(tmp_path: Path, *ids: str) -> Path:
    """The example's answers less some, in a file: the interview asks just those."""
    full = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    partial = tmp_path / "partial.yaml"
    partial.write_text(yaml.safe_dump({k: v for k, v in full.items() if k not in ids}, allow_unicode=True))
    return partial


def test_typing_replaces_a_default_and_an_earlier_answer(tmp_path: Path, env: dict[str, str]) -> None:
    _without(tmp_path, "payment_term_days")
    child = spawn(
        f"{CLIENTCHECK} interview --answers partial.yaml --lang en --in-order --save saved.yaml -f json", env, tmp_path
    )
    child.expect_exact("What payment term do your invoices give?")
    child.expect_exact("15")  # the default, shown selected
    answer(child, "Ctrl-B back", "7\r")  # typing replaces the default: 7, not 157
    child.expect_exact("Number of an answer to change, or Enter for the verdict:")
    row = Session(
        load_catalog(), validate(yaml.safe_load((tmp_path / "partial.yaml").read_text()), load_catalog(), "x").values
    )
    number = row.review_ids().index("payment_term_days") + 1
    child.send(f"{number}\r")
    # the earlier answer (7) is replaced too: 30, not 730
    answer(child, "What payment term do your invoices give?", "30\r", hint="Ctrl-B back")
    _, status = end_interview(child)
    saved = yaml.safe_load((tmp_path / "saved.yaml").read_text(encoding="utf-8"))
    assert saved["payment_term_days"] == 30
    assert status == 0


def test_typing_seven_over_a_default_of_fifteen_saves_seven(tmp_path: Path, env: dict[str, str]) -> None:
    _without(tmp_path, "payment_term_days")
    child = spawn(
        f"{CLIENTCHECK} interview --answers partial.yaml --lang en --in-order --save saved.yaml", env, tmp_path
    )
    answer(child, "What payment term do your invoices give?", "7\r", hint="Ctrl-B back")
    child.expect(r"What payment term do your invoices give\? (\x1b\[36m)?7 days")  # the record of the answer
    _, status = end_interview(child)
    assert yaml.safe_load((tmp_path / "saved.yaml").read_text(encoding="utf-8"))["payment_term_days"] == 7
    assert status == 0


def test_number_keys_tick_choices_and_units_are_understood(tmp_path: Path, env: dict[str, str]) -> None:
    _without(tmp_path, "asks", "hours_to_deadline")
    child = spawn(
        f"{CLIENTCHECK} interview --answers partial.yaml --lang en --in-order --save saved.yaml", env, tmp_path
    )
    answer(child, "What has the client asked you for?", "1", hint="Ctrl-B back")  # a free test piece
    child.send("3")  # a discount
    child.send("3")  # ... no: untick it again
    child.send("3\r")  # and tick it once more
    # asked because "discount" is ticked
    answer(child, "How big a discount do they want?", "10\r", hint="Ctrl-B back")
    answer(child, "How many hours from first contact to the deadline?", "2 weeks\r", hint="Ctrl-B back")
    _, status = end_interview(child, note="call again on Friday")
    saved = yaml.safe_load((tmp_path / "saved.yaml").read_text(encoding="utf-8"))
    assert (saved["asks"], saved["discount_pct"], saved["hours_to_deadline"]) == (["free_sample", "discount"], 10, 336)
    assert saved["note"] == "call again on Friday"
    assert status in (0, 1)


SELLER_KEYS = {  # what a new user answers in `clientcheck profile`
    "How established is your business?": "2\r",
    "How full is your order book right now?": "2\r",
    "What do you sell, and to whom?": "Websites for small manufacturers\r",
    "In what currency do you quote your prices?": "EUR\r",
    "What is your minimum price for a one-off project?": "15k\r",
    "What is your minimum price for a month of ongoing work?": "3k\r",
    "What payment term do your invoices give?": "2 weeks\r",
}
INVESTOR_CLIENT = {  # a founder whose budget depends on an investor, and no money of their own for a concept
    "Which of these has the client done so far?": "\r",  # nothing ticked
    "Which of these are true of this client and the deal?": "23\r",  # a named budget, waiting for an investor
    "Has the client treated you or your team rudely?": "2\r",
    "Is the client in your target audience?": "1\r",
    "Is this a one-off project or ongoing monthly work?": "1\r",
    "What budget did they name?": "300k\r",
    "Will they pay for a small concept from their own money now?": "2\r",
    "Do they pay only after the work is delivered?": "2\r",
}


def test_a_new_user_profile_once_then_a_quick_interview(tmp_path: Path, env: dict[str, str]) -> None:
    env = dict(env, XDG_CONFIG_HOME=str(tmp_path / "config"))
    child = spawn(f"{CLIENTCHECK} profile --lang en", env, tmp_path)
    for text, keys in SELLER_KEYS.items():
        answer(child, text, keys, hint="Ctrl-B back")
    answer(child, "Number of an answer to change, or Enter to save the profile:", "\r")
    _, status = finish(child)
    assert status == 0
    profile = yaml.safe_load((tmp_path / "config" / "clientcheck" / "profiles" / "default.yaml").read_text())
    assert (profile["min_price"], profile["min_monthly_price"], profile["payment_term_days"]) == (15000, 3000, 14)

    child = spawn(f"{CLIENTCHECK} interview --quick --lang en > verdict.txt", env, tmp_path)
    answer(child, "Who is the client?", "Startup Foodies\r")
    asked = []
    while True:
        found = child.expect_exact([*INVESTOR_CLIENT, *SELLER_KEYS, "The verdict is settled"])
        if found >= len(INVESTOR_CLIENT):
            break
        text = list(INVESTOR_CLIENT)[found]
        answer(child, "Ctrl-B back", INVESTOR_CLIENT[text])
        child.expect("✔(\x1b\\[0m)? " + re.escape(text))  # the line that records the answer
        asked.append(text)
    assert found == len(INVESTOR_CLIENT) + len(SELLER_KEYS), "a question about the seller was asked"
    answer(child, "Your note about this client", "\r")
    _, status = finish(child)
    verdict = (tmp_path / "verdict.txt").read_text(encoding="utf-8")
    assert status == 1
    assert "DECLINE" in verdict and "investor-pending" in verdict and "Seller profile: default" in verdict
    assert asked == [
        "Which of these has the client done so far?",
        "Which of these are true of this client and the deal?",
        "Will they pay for a small concept from their own money now?",
    ]


# ---- the tester's key sequences (TRYOUT 5, 6, 13) ------------------------------------------

REVIEW = "Number of an answer to change, or Enter for the verdict:"
NOTE = "Your note about this client"
QUESTION = "What payment term do your invoices give?"


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
    _without(tmp_path, "contract", "advance")
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
    _without(tmp_path, "payment_term_days")
    child = spawn(
        f"{CLIENTCHECK} interview --answers partial.yaml --lang en --in-order", {**env, "COLUMNS": "100"}, tmp_path
    )
    child.setwinsize(40, 100)  # the tester's window: the refusal is longer than a row
    child.expect_exact(QUESTION)
    child.send("3m\r")
    child.expect_exact("“3m” does not fit")
    child.expect_exact("Ctrl-C pause")  # the key legend, drawn under the refusal
    # the rows of the wrapped refusal put back together: a row's last column is drawn after a jump to it
    # (rows are broken at spaces: a row's end is a space)
    drawn = re.sub(r"\r\x1b\[\d+C", "", child.before or "")
    drawn = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]|\r", "", drawn)
    drawn = re.sub(r" *\n *", " ", drawn)
    assert drawn.startswith(
        ": 'm' is months or minutes, nobody can tell: write 3 mo or 3 min. Enter a whole number from 0 to 365 (days); "
        "or with a unit: 4h, 3 days, 2 weeks, 3 months, or leave it empty for don't know"
    )
    child.sendcontrol("c")
    _, status = finish(child)
    assert status == 130


def test_ctrl_b_at_the_first_question_and_enter_on_not_sure_on_the_real_terminal(
    tmp_path: Path, env: dict[str, str]
) -> None:
    # the tester's keys: Ctrl-B at the first checklist went forward to a later question; the cursor
    # on "Not sure about some" and Enter answered every line "no"
    profile = tmp_path / "config" / "clientcheck" / "profiles" / "default.yaml"
    profile.parent.mkdir(parents=True)
    profile.write_text(yaml.safe_dump(SELLER), encoding="utf-8")
    env = dict(env, XDG_CONFIG_HOME=str(tmp_path / "config"))
    child = spawn(f"{CLIENTCHECK} interview --lang en --client Y --no-save", env, tmp_path)
    answer(child, "Checklist · question 1 of 11", "\x02", hint="Ctrl-B back")
    child.expect_exact("This is the first question; there is nothing to go back to.")
    answer(child, "Checklist · question 1 of 11", "\x1b[A\r", hint="Ctrl-B back")  # up to the last line, Enter
    child.expect_exact("Which of these has the client done so far? \x1b[36mall: not sure yet")  # in colour
    answer(child, "Checklist · question 2 of 20", "\x03", hint="Ctrl-B back")  # its lines now count one by one
    rest, status = finish(child)
    assert "none of these" not in rest
    assert status == 130
