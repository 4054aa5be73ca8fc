"""Going back where the tester found it could not (TRYOUT 5, 6, 16): at the note, into the answers
given before a pause; and what the screen says around it (the count, the settled line, the red
flag's next step). Flows through prompt_toolkit pipe input (tests/keys.py: nothing can hang).
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from tests.keys import BACK, CTRL_C, CTRL_U, ENTER
from tests.keys import typed as run
from tests.test_interview import Terminal, ticks

NAME = ENTER  # no --client: Enter skips the client's name
NOTE = ENTER
UP = "\x1b[A"

pytestmark = pytest.mark.slow  # each runs whole interviews in-process


@pytest.fixture
def catalog(small_catalog: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Options selecting the small catalog; recovery files go to a private data folder (saved_in)."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    rules, questions = small_catalog
    return ["--rules", str(rules), "--questions", str(questions)]


def saved_in(tmp_path: Path) -> Path:
    return tmp_path / "data" / "clientcheck" / "interviews"


# ---- Ctrl-B at the note -------------------------------------------------------------------

# the small catalog in file order: worked before no, advance none, asks free sample, cost, revenue, notes
WALK = "2" + ENTER + "1" + ENTER + " " + ENTER + "100" + ENTER + "50" + ENTER + "call back" + ENTER


def test_back_at_the_note_returns_to_the_review(cli: CliRunner, catalog: list[str]) -> None:
    # review: Enter; note: Ctrl-B; the review again: change #4 (cost) to 7; review: Enter; note: "kept"
    keys = NAME + WALK + ENTER + BACK + "4" + ENTER + CTRL_U + "7" + ENTER + ENTER + "kept" + ENTER
    code, out, err = run(cli, "interview", *catalog, "--lang", "en", "--in-order", "-f", "json", keys=keys)
    result = json.loads(out)
    assert (result["answers"]["cost"], result["note"]) == (7, "kept")
    assert err.count("Your answers") == 3  # the review, again after Ctrl-B at the note, after the change
    assert ticks(err)[-1] == "✔ Cost? 7 RUB"
    assert code == 0


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_back_at_the_note_after_quick_finished_asks_the_last_answer_again(
    cli: CliRunner, catalog: list[str], lang: str
) -> None:
    # yes, 3 late payments: settled, --quick finishes; Ctrl-B at the note: the 3 again, Enter keeps it
    keys = NAME + "1" + ENTER + "3" + ENTER + BACK + ENTER + "late again" + ENTER
    code, out, err = run(cli, "interview", *catalog, "--lang", lang, "--quick", "-f", "json", keys=keys)
    result = json.loads(out)
    assert (result["answers"], result["note"]) == ({"worked_before": True, "late_payments": 3}, "late again")
    if lang == "en":
        late, settled = (
            "✔ Late payments? 3 times",
            "The verdict is settled: DECLINE. No answer still to come can change it.",
        )
        assert ticks(err) == ["✔ Worked before? yes", late, late]
    else:
        late, settled = "✔ Просрочки? 3 раза", "Вердикт уже ясен: ОТКАЗАТЬ. Оставшиеся ответы его не изменят."
        assert ticks(err) == ["✔ Работали раньше? да", late, late]
    assert err.splitlines().count(settled) == 2  # once per finish
    assert code == 1


def test_back_at_the_note_after_finishing_early_offers_to_finish_again(cli: CliRunner, catalog: list[str]) -> None:
    screen = io.StringIO()
    # settled: Enter finishes; Ctrl-B at the note: the offer again, where 2 goes on with the questions
    rest = "1" + ENTER + " " + ENTER + "1" + ENTER + "2" + ENTER + ENTER + ENTER + NOTE
    keys = NAME + "1" + ENTER + "3" + ENTER + ENTER + BACK + "2" + ENTER + rest
    code, out, err = run(cli, "interview", *catalog, "--lang", "en", "-f", "json", keys=keys, screen=screen)
    assert len(ticks(err)) == 7  # every question of the catalog asked after going on
    assert json.loads(out)["answers"]["cost"] == 1
    assert code == 1


# ---- Ctrl-B and the count after a pause ---------------------------------------------------


@pytest.mark.parametrize("order", [[], ["--in-order"]], ids=["adaptive", "in-order"])
def test_back_after_resume_walks_into_the_answers_given_before_the_pause(
    cli: CliRunner, catalog: list[str], tmp_path: Path, order: list[str]
) -> None:
    code, _, _ = run(cli, "interview", *catalog, "--lang", "en", *order, keys=NAME + "1" + ENTER + CTRL_C)
    assert code == 130
    [path] = saved_in(tmp_path).iterdir()
    assert path.read_text(encoding="utf-8").splitlines()[3] == (
        '# clientcheck-state: {"asked":["worked_before"],"together":[],"single":[],"putoff":[]}'
    )
    term = Terminal("interview", "--resume", *catalog, "-f", "json")
    # the count goes on from the answer before the pause, and Ctrl-B steps back into it
    term.expect("Payment · question 2 of 7")
    term.send(BACK)
    term.expect("Payment · question 1 of 7")
    term.expect("Worked before?")
    term.send("2" + ENTER + ENTER * 12)  # yes -> no; then Enter to the end
    code, out, err = term.finish()
    assert ticks(err)[0] == "✔ Worked before? no"
    assert json.loads(out)["answers"]["worked_before"] is False
    assert "nothing to go back to" not in err
    assert code == 0


def test_a_recovery_file_without_its_state_is_walked_back_in_its_order(
    cli: CliRunner, catalog: list[str], tmp_path: Path
) -> None:
    # a file written by hand, or before the state line existed: its answers count as asked in order
    given = tmp_path / "mine.yaml"
    given.write_text("worked_before: false\nadvance: partial\n", encoding="utf-8")
    keys = BACK + BACK + ENTER * 12
    code, _, err = run(cli, "interview", "--resume", str(given), *catalog, "--lang", "en", "--in-order", keys=keys)
    # two steps back from "Asks for", past "Advance?" to "Worked before?"; Enter keeps it, then the rest
    assert ticks(err)[:2] == ["✔ Worked before? no", "✔ Asks for nothing"]
    assert code == 0


def test_nothing_to_go_back_to_is_said_once(cli: CliRunner, catalog: list[str]) -> None:
    code, _, err = run(
        cli, "interview", *catalog, "--lang", "en", "--in-order", keys=NAME + BACK + BACK + BACK + CTRL_C
    )
    assert err.splitlines().count("This is the first question; there is nothing to go back to.") == 1
    assert code == 130


@pytest.mark.parametrize("lang", ["en", "ru"])
@pytest.mark.parametrize("choice", ["go on", "finish"])
def test_a_resumed_settled_interview_says_so_once(cli: CliRunner, catalog: list[str], lang: str, choice: str) -> None:
    code, _, _ = run(cli, "interview", *catalog, "--lang", lang, keys=NAME + "1" + ENTER + "3" + ENTER + CTRL_C)
    assert code == 130
    # resumed settled: the offer to finish. Enter finishes; 2 goes on, then Ctrl-B walks back to the 3
    keys = ENTER + NOTE if choice == "finish" else "2" + ENTER + BACK + ENTER + ENTER * 12
    code, _, err = run(cli, "interview", "--resume", *catalog, keys=keys)
    settled = {
        "en": "The verdict is settled: DECLINE. No answer still to come can change it.",
        "ru": "Вердикт уже ясен: ОТКАЗАТЬ. Оставшиеся ответы его не изменят.",
    }[lang]
    assert err.splitlines().count(settled) == 1
    late = {"en": "✔ Late payments? 3 times", "ru": "✔ Просрочки? 3 раза"}[lang]
    assert ticks(err)[:1] == ([] if choice == "finish" else [late])
    assert code == 1


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_back_at_the_offer_of_a_resumed_settled_interview_goes_to_the_last_answer(
    cli: CliRunner, catalog: list[str], lang: str
) -> None:
    code, _, _ = run(cli, "interview", *catalog, "--lang", lang, keys=NAME + "1" + ENTER + "3" + ENTER + CTRL_C)
    assert code == 130
    # the offer; Ctrl-B: the 3 late payments again, kept with Enter; then the rest and the note
    code, _, err = run(cli, "interview", "--resume", *catalog, keys=BACK + ENTER + ENTER * 12)
    late = {"en": "✔ Late payments? 3 times", "ru": "✔ Просрочки? 3 раза"}[lang]
    assert ticks(err)[:1] == [late]
    assert "Nothing has been asked yet" not in err and "Ещё ни один вопрос не задан" not in err
    assert code == 1


def test_a_checklist_put_off_whole_still_counts_as_a_question(catalog: list[str]) -> None:
    # the bundled catalog (its checklists); the fixture only gives the run a private data folder
    term = Terminal("interview", "--lang", "ru", "--quick")
    term.send(NAME)
    term.expect("Список · вопрос 1 из ")  # the total depends on the seller's profile
    term.send(UP + " " + ENTER)  # only the last line, "not sure about some": the whole checklist put off
    term.expect(" · вопрос 2 из ")  # it was a step: the count goes on
    term.send(CTRL_C)
    code, _, _ = term.finish()
    assert code == 130


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_back_after_a_checklist_put_off_whole_asks_the_checklist_again(catalog: list[str], lang: str) -> None:
    first = {"en": "Checklist · question 1 of ", "ru": "Список · вопрос 1 из "}[lang]
    term = Terminal("interview", "--lang", lang)
    term.send(NAME)
    term.expect(first)
    term.send(UP + ENTER)  # "not sure about some", nothing ticked: the checklist put off whole
    term.expect(" 2 ")
    term.send(BACK)
    term.expect(first)  # the checklist itself, to be answered again
    term.send(" " + ENTER)  # the first line ticked this time
    term.expect(" 2 ")
    term.send(CTRL_C)
    code, _, err = term.finish()
    assert "first question" not in err and "первый вопрос" not in err
    assert code == 130


# ---- the red flag says what happens next --------------------------------------------------

FLAG = {
    "en": "⚑ Red flag: Pays late (decline). This alone means decline; you may end the call.",
    "ru": "⚑ Красный флаг: Платит с опозданием (отказ). Одного его достаточно для отказа, разговор можно заканчивать.",
}
THEN = {
    ("en", "quick"): "The verdict is settled: the interview ends here.",
    ("en", "offer"): "The verdict is settled: you can finish now or go on.",
    ("en", "in-order"): "The interview goes on.",
    ("ru", "quick"): "Вердикт ясен: на этом интервью заканчивается.",
    ("ru", "offer"): "Вердикт ясен: можно закончить сейчас или продолжить.",
    ("ru", "in-order"): "Интервью продолжается.",
}


@pytest.mark.parametrize("lang", ["en", "ru"])
@pytest.mark.parametrize("mode", ["quick", "offer", "in-order"])
def test_the_red_flag_line_says_what_the_interview_does_next(
    cli: CliRunner, catalog: list[str], lang: str, mode: str
) -> None:
    options = {"quick": ["--quick"], "offer": [], "in-order": ["--in-order"]}[mode]
    keys = NAME + "1" + ENTER + "3" + ENTER + CTRL_C
    code, _, err = run(cli, "interview", *catalog, "--lang", lang, *options, keys=keys)
    assert f"{FLAG[lang]} {THEN[lang, mode]}" in err.splitlines()
    assert code in (1, 130)  # --quick has finished (and Ctrl-C skips the note); the others are paused


# ---- a bad options line in a recovery file ------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_a_bad_profile_in_a_recovery_file_names_the_file_and_line(
    cli: CliRunner, catalog: list[str], tmp_path: Path, lang: str
) -> None:
    saved_in(tmp_path).mkdir(parents=True)
    path = saved_in(tmp_path) / "20261201-120000-acme.yaml"
    options = {"lang": lang, "save": None, "profile": "../../x", "quick": False, "in_order": False}
    path.write_text(
        "# clientcheck interview answers, saved after every answer.\n"
        "# To continue: clientcheck interview --resume\n"
        f"# clientcheck-options: {json.dumps(options)}\n" + yaml.safe_dump({"worked_before": True}),
        encoding="utf-8",
    )
    code, out, err = run(cli, "interview", "--resume", *catalog, keys="")
    if lang == "en":
        said = (
            f"clientcheck: error: {path}:3: the profile '../../x' this interview was started with is not a profile "
            "name; use letters, digits, '.', '_' or '-' (up to 64), or give --profile\n"
        )
    else:
        said = (
            f"clientcheck: ошибка: {path}:3: профиль '../../x', с которым начато это интервью, — недопустимое имя; "
            "можно буквы, цифры, «.», «_» и «-» (до 64 символов), или укажите --profile\n"
        )
    assert (code, out, err) == (2, "", said)
