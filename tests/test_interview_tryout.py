"""What an independent tester found trying the interview from its docs alone: Ctrl-B at the first
question, numbers typed with commas, the offer to finish after --resume, Enter on "don't know" in
a checklist. Flows through prompt_toolkit pipe input (tests/keys.py, tests.test_interview.Terminal):
nothing can hang.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from tests.conftest import SELLER
from tests.keys import BACK, CTRL_C, ENTER
from tests.keys import typed as run
from tests.test_interview import Terminal, ticks

NOTE = ENTER

FIRST = {
    "en": "This is the first question; there is nothing to go back to.",
    "ru": "Это первый вопрос, возвращаться некуда.",
}
CHECKLIST = {"en": "Checklist · question {n} of 11", "ru": "Список · вопрос {n} из 11"}
RUDE = {
    "en": "✔ Which of these has the client done so far? Was rude to you or your team",
    "ru": "✔ Что из этого клиент уже сделал? Грубил вам или вашей команде",
}


@pytest.fixture
def seller(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The bundled questions with the seller's answers in a profile; a private data folder."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    profile = tmp_path / "config" / "clientcheck" / "profiles" / "default.yaml"
    profile.parent.mkdir(parents=True)
    profile.write_text(yaml.safe_dump(SELLER), encoding="utf-8")
    return tmp_path / "data" / "clientcheck" / "interviews"


# ---- 1. Ctrl-B never goes forward, never skips a question ---------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "ru"])
def test_back_at_the_first_question_stays_there_and_says_so_once(cli: CliRunner, seller: Path, lang: str) -> None:
    # asked out of file order, the first question is not the first in the files: Ctrl-B used to
    # jump to the file's question before it, skipping the one asked
    screen = io.StringIO()
    keys = BACK + BACK + BACK + "6" + ENTER + CTRL_C  # tick "was rude" at the checklist Ctrl-B left in place
    code, _, err = run(cli, "interview", "--lang", lang, "--client", "Y", "--no-save", keys=keys, screen=screen)
    assert err.splitlines().count(FIRST[lang]) == 1
    assert ticks(err) == [RUDE[lang]]
    drawn = screen.getvalue()
    # no other question was drawn (typed ahead, a prompt may end before it is drawn at all)
    assert CHECKLIST[lang].format(n=1) in drawn
    assert CHECKLIST[lang].format(n=2) not in drawn
    assert (" · question 1 of 11" if lang == "en" else " · вопрос 1 из 11") not in drawn.replace(
        CHECKLIST[lang].format(n=1), ""
    )
    assert code == 130


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "ru"])
def test_back_at_the_offer_to_finish_returns_to_the_answer_just_given(seller: Path, lang: str) -> None:
    term = Terminal("interview", "--lang", lang, "--client", "Y", "--no-save")
    term.expect(CHECKLIST[lang].format(n=1))
    term.send("6" + ENTER)  # "was rude": settled, the offer to finish
    term.expect("Finish now?" if lang == "en" else "Закончить сейчас?")
    term.send(BACK)
    term.expect(CHECKLIST[lang].format(n=1))  # the checklist just answered, its tick kept
    term.send(ENTER)
    term.expect("Finish now?" if lang == "en" else "Закончить сейчас?")
    term.send(ENTER + NOTE)
    code, _, err = term.finish()
    assert ticks(err) == [RUDE[lang], RUDE[lang]]
    assert CHECKLIST[lang].format(n=2) not in term.screen.getvalue()
    assert FIRST[lang] not in err
    assert code == 1


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "ru"])
def test_back_at_the_name_prompt_keeps_asking_for_the_name(cli: CliRunner, seller: Path, lang: str) -> None:
    keys = BACK + BACK + "Acme" + ENTER + CTRL_C
    code, _, err = run(cli, "interview", "--lang", lang, "--no-save", keys=keys)
    lines = err.splitlines()
    assert lines.count(FIRST[lang]) == 1
    assert ("✔ Client: Acme" if lang == "en" else "✔ Клиент: Acme") in lines
    assert code == 130
