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
from prompt_toolkit.application.current import create_app_session
from prompt_toolkit.data_structures import Size
from prompt_toolkit.output.plain_text import PlainTextOutput
from typer.testing import CliRunner

from clientcheck.promptkit import wrap_rows
from tests.conftest import SELLER, UNKNOWN_ADVANCE, invoke
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


@pytest.fixture
def private(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A private data and config folder, with no seller profile (the small catalog has no seller questions)."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))


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


# ---- 2. a number typed means what it means in an answers file -------------------------------

# the start of the refusal (the pipe terminal is 80 columns wide; test_session asserts it whole)
AMBIGUOUS = {
    "en": "“1,000” does not fit: it can be read as 1000 or as 1.0: write the one you mean.",
    "ru": "«1,000» не подходит: это можно понять и как 1000, и как 1,0:",
}


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_a_comma_that_could_be_thousands_or_decimals_is_refused_in_both_languages(
    small_catalog: tuple[Path, Path], private: None, lang: str
) -> None:
    rules, questions = small_catalog
    options = ("--rules", str(rules), "--questions", str(questions), "--lang", lang, "--in-order")
    term = Terminal("interview", *options)
    # no name; worked before: no; advance: none; asks: a free sample; then the cost
    term.send(ENTER + "2" + ENTER + "1" + ENTER + " " + ENTER)
    term.expect("Cost?" if lang == "en" else "Затраты?")
    term.send("1,000" + ENTER)  # Russian read it as 1, English as 1000; an answers file refuses it
    term.expect(AMBIGUOUS[lang])
    term.send("\x15" + "1,000,000" + ENTER)  # groups of three after the first: thousands, in both
    term.expect("Revenue?" if lang == "en" else "Выручка?")
    term.send(BACK + "\x15" + "1,5" + ENTER)  # one comma, not three digits after it: a decimal comma
    term.expect("Revenue?" if lang == "en" else "Выручка?")
    term.send(CTRL_C)
    code, _, err = term.finish()
    assert ticks(err)[-2:] == (
        ["✔ Cost? 1,000,000 RUB", "✔ Cost? 1.5 RUB"]
        if lang == "en"
        else ["✔ Затраты? 1\u00a0000\u00a0000 ₽", "✔ Затраты? 1,5 ₽"]
    )
    assert code == 130


# ---- 4. the red flag that settled a paused interview is said again on --resume ----------------

FLAG = {
    "en": "⚑ Red flag: Pays late (decline). This alone means decline; you may end the call. "
    "The verdict is settled: you can finish now or go on.",
    "ru": "⚑ Красный флаг: Платит с опозданием (отказ). Одного его достаточно для отказа, разговор можно "
    "заканчивать. Вердикт ясен: можно закончить сейчас или продолжить.",
}
SETTLED = {
    "en": "The verdict is settled: DECLINE. No answer still to come can change it.",
    "ru": "Вердикт уже ясен: ОТКАЗАТЬ. Оставшиеся ответы его не изменят.",
}


@pytest.mark.parametrize("lang", ["en", "ru"])
@pytest.mark.parametrize("source", ["resume", "answers"])
def test_a_verdict_settled_before_the_first_question_says_which_red_flag_settled_it(
    cli: CliRunner, small_catalog: tuple[Path, Path], private: None, tmp_path: Path, lang: str, source: str
) -> None:
    rules, questions = small_catalog
    options = ("--rules", str(rules), "--questions", str(questions), "--lang", lang)
    if source == "resume":
        # worked before, 3 late payments: the flag, the offer; go on (2), then pause
        keys = ENTER + "1" + ENTER + "3" + ENTER + "2" + ENTER + CTRL_C
        code, _, err = run(cli, "interview", *options, keys=keys)
        assert (code, err.splitlines().count(FLAG[lang])) == (130, 1)
        again, keys = ["--resume", *options[:4]], ENTER + NOTE  # the offer: Enter finishes
    else:
        given = tmp_path / "known.yaml"
        given.write_text("worked_before: true\nlate_payments: 3\n", encoding="utf-8")
        again, keys = ["--answers", str(given), *options], ENTER + ENTER + NOTE  # no name; the offer
    code, _, err = run(cli, "interview", *again, keys=keys)
    lines = err.splitlines()
    # the flag says why, then the choice (which leaves its settled line once it is answered)
    assert lines.index(FLAG[lang]) < lines.index(SETTLED[lang])
    assert (lines.count(FLAG[lang]), code) == (1, 1)


# ---- 3. choice lines wrap on a narrow screen, under their own text ---------------------------


class _Sized(PlainTextOutput):
    columns = 60

    def get_size(self) -> Size:
        return Size(rows=40, columns=self.columns)


class NarrowTerminal(Terminal):
    """The pipe terminal of test_interview, 60 columns wide (the tester's tmux window)."""

    output = _Sized

    def _run(self, args: tuple[str, ...]) -> None:
        with create_app_session(input=self.pipe, output=self.output(self.screen)):
            self.result = invoke(CliRunner(), *args)


class _Wide(_Sized):
    columns = 200


class WideTerminal(NarrowTerminal):
    """200 columns: a hint or a legend on one row, to be expected whole."""

    output = _Wide


@pytest.mark.parametrize(
    ("lang", "keys", "rows"),
    [
        (
            "en",
            "",
            "   ○ Not sure about some: ask me the unticked ones one by\r\n     one\r\n",
        ),
        (
            "ru",
            ENTER,  # the second checklist
            "   ○ Бюджет зависит от денег, которых у клиента ещё нет:\r\n     инвестор, грант, кредит\r\n",
        ),
    ],
)
def test_a_choice_line_wider_than_the_screen_wraps_under_its_text(
    seller: Path, lang: str, keys: str, rows: str
) -> None:
    term = NarrowTerminal("interview", "--lang", lang, "--client", "Y", "--no-save")
    term.expect(CHECKLIST[lang].format(n=1))
    term.send(keys)
    term.expect(rows)
    term.send(CTRL_C)
    assert term.finish()[0] == 130


@pytest.mark.parametrize(
    ("lang", "rows"),
    [
        # (a no-break space within an item is drawn as a space)
        ("en", "↑↓ move · 1–9, 0 or Space tick · Enter answer · ? help ·\r\nCtrl-B back · Ctrl-C pause"),
        ("ru", "↑↓ · 1–9, 0 или Пробел: отметить · Enter: ответ ·\r\n?: подсказка · Ctrl-B: назад · Ctrl-C: пауза"),
    ],
)
def test_the_key_legend_wraps_at_a_space_on_a_narrow_screen(seller: Path, lang: str, rows: str) -> None:
    term = NarrowTerminal("interview", "--lang", lang, "--client", "Y", "--no-save")
    term.expect(CHECKLIST[lang].format(n=1))
    term.expect(rows)  # was cut inside "Ctrl-|B"
    term.send(CTRL_C)
    assert term.finish()[0] == 130


def test_wrap_rows_breaks_at_spaces_keeps_styles_and_cuts_only_a_word_too_wide() -> None:
    line = [
        ("class:pointer", " » "),
        ("[SetCursorPosition]", ""),
        ("class:text", "○ "),
        ("class:highlighted", "Not sure about some: ask me"),
        ("", "\n"),
        ("class:text", "   1) Short"),
        ("", "\n"),
        ("class:text", "   2) Supercalifragilistic expialidocious"),
    ]
    assert wrap_rows(line, 20) == [
        ("class:pointer", " » "),
        ("[SetCursorPosition]", ""),
        ("class:text", "○ "),
        ("class:highlighted", "Not sure about"),
        ("", "\n     "),
        ("class:highlighted", "some: ask me"),
        ("", "\n"),
        ("class:text", "   1) Short"),
        ("", "\n"),
        ("class:text", "   2) Supercalifragi"),
        ("", "\n      "),
        ("class:text", "listic"),
        ("", "\n      "),
        ("class:text", "expialidocious"),
    ]
    assert wrap_rows(line, 80) == line


# ---- 7. Enter on "Don't know / skip" in a tick-all-that-apply list means don't know ----------

UP, DOWN = "\x1b[A", "\x1b[B"


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_enter_on_dont_know_with_nothing_ticked_is_dont_know(
    cli: CliRunner, small_catalog: tuple[Path, Path], private: None, lang: str
) -> None:
    rules, questions = small_catalog
    options = ("--rules", str(rules), "--questions", str(questions), "--lang", lang, "--in-order")
    # no name; worked before: no; advance: none; asks: down to "Don't know / skip", Enter (nothing ticked)
    keys = ENTER + "2" + ENTER + "1" + ENTER + DOWN + DOWN + ENTER
    # back to it (shown with "Don't know" ticked): untick it; Enter on the first line is "none of these"
    keys += BACK + "3" + UP + UP + ENTER + CTRL_C
    code, _, err = run(cli, "interview", *options, keys=keys)
    assert ticks(err)[2:] == (
        ["✔ Asks for don't know", "✔ Asks for nothing"] if lang == "en" else ["✔ Просит не знаю", "✔ Просит ничего"]
    )
    assert code == 130


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "ru"])
def test_enter_on_not_sure_about_some_with_nothing_ticked_puts_the_checklist_off(
    cli: CliRunner, seller: Path, lang: str
) -> None:
    keys = UP + ENTER + CTRL_C  # the cursor on the last line, "Not sure about some"; nothing ticked
    code, _, err = run(cli, "interview", "--lang", lang, "--client", "Y", "--no-save", keys=keys)
    assert ticks(err) == (
        ["✔ Which of these has the client done so far? all: not sure yet"]
        if lang == "en"
        else ["✔ Что из этого клиент уже сделал? всё: пока не знаю"]
    )
    assert code == 130


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_not_sure_about_some_with_a_line_ticked_leaves_the_rest(cli: CliRunner, seller: Path, lang: str) -> None:
    keys = "1" + "0" + ENTER + CTRL_C  # the first line and "Not sure about some" ticked
    code, _, err = run(cli, "interview", "--lang", lang, "--client", "Y", "--no-save", keys=keys)
    assert ticks(err) == (
        [
            "✔ Which of these has the client done so far? Wanted you to reshape your product or plans around them; "
            "the rest: not sure yet"
        ]
        if lang == "en"
        else [
            "✔ Что из этого клиент уже сделал? Хотел, чтобы вы перестроили продукт или планы под него; "
            "остальное: пока не знаю"
        ]
    )
    assert code == 130


# ---- 6. no headings left behind by Ctrl-B; the tenth line has a key ---------------------------


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "ru"])
def test_back_leaves_no_section_headings_behind(cli: CliRunner, seller: Path, lang: str) -> None:
    # both checklists answered (a brief, a clear result, goals; a named budget), a question from
    # some section asked (the budget named); back twice, Enter keeps the first checklist; the budget
    # question again: no heading of a question left with Ctrl-B stays on screen
    keys = "345" + ENTER + "2" + ENTER + BACK + BACK + ENTER + CTRL_C
    code, _, err = run(cli, "interview", "--lang", lang, "--client", "Y", "--no-save", keys=keys)
    assert [line for line in err.splitlines() if line.startswith("──")] == []
    assert len(ticks(err)) == 3  # the two checklists, the first one again
    assert code == 130


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_zero_ticks_the_tenth_line_and_the_hint_says_so(seller: Path, lang: str) -> None:
    term = WideTerminal("interview", "--lang", lang, "--client", "Y", "--no-save")
    if lang == "en":
        term.expect("(tick what is true, 1–9, 0 or Space; unticked means no; Enter when done)")
        term.expect("↑↓ move · 1–9, 0 or Space tick · Enter answer · ? help · Ctrl-B back · Ctrl-C pause")
    else:
        term.expect("(отметьте верное: 1–9, 0 или Пробел; неотмеченное — это «нет»; Enter, когда готово)")
        term.expect("↑↓ · 1–9, 0 или Пробел: отметить · Enter: ответ · ?: подсказка · Ctrl-B: назад · Ctrl-C: пауза")
    term.send("0" + ENTER)  # the tenth line: "Not sure about some"
    term.expect(CHECKLIST[lang].format(n=2).replace(" 11", " 20"))  # its nine lines now count one by one
    term.send(CTRL_C)
    code, _, err = term.finish()
    assert ticks(err) == [
        "✔ Which of these has the client done so far? all: not sure yet"
        if lang == "en"
        else "✔ Что из этого клиент уже сделал? всё: пока не знаю"
    ]
    assert code == 130


@pytest.mark.parametrize(("given", "said"), [("", False), ("advance: null\n", True)], ids=["unasked", "dont-know"])
def test_a_flag_resting_on_questions_not_yet_asked_is_not_announced_before_the_first(
    cli: CliRunner, small_catalog: tuple[Path, Path], private: None, tmp_path: Path, given: str, said: bool
) -> None:
    rules, questions = small_catalog
    rules.write_text(rules.read_text(encoding="utf-8") + UNKNOWN_ADVANCE, encoding="utf-8")
    answers = tmp_path / "given.yaml"
    answers.write_text(given or "{}\n", encoding="utf-8")
    options = ("--rules", str(rules), "--questions", str(questions), "--answers", str(answers), "--in-order")
    code, _, err = run(cli, "interview", *options, keys=ENTER + CTRL_C)
    flag = "⚑ Red flag: No word on the advance (decline). This alone means decline; you may end the call."
    # unasked: the first answer about the advance may drop it; "don't know" from the file raises it
    assert ([line.startswith(flag) for line in err.splitlines()].count(True), code) == (int(said), 130)


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_back_at_an_offer_to_finish_before_any_question_stays_at_the_offer(
    cli: CliRunner, small_catalog: tuple[Path, Path], private: None, tmp_path: Path, lang: str
) -> None:
    rules, questions = small_catalog
    given = tmp_path / "known.yaml"
    given.write_text("worked_before: true\nlate_payments: 3\n", encoding="utf-8")
    options = ("--answers", str(given), "--rules", str(rules), "--questions", str(questions), "--lang", lang)
    # no name; Ctrl-B twice at the offer (it stays), then Enter finishes; the note
    code, _, err = run(cli, "interview", *options, keys=ENTER + BACK + BACK + ENTER + NOTE)
    lines = err.splitlines()
    nothing = {
        "en": "Nothing has been asked yet; there is nothing to go back to.",
        "ru": "Ещё ни один вопрос не задан, возвращаться некуда.",
    }[lang]
    assert (lines.count(nothing), lines.count(SETTLED[lang]), code) == (1, 1, 1)
    assert not [line for line in lines if line.startswith("✔")]  # no question was asked


def _all_but_the_currency_and_budget(tmp_path: Path) -> Path:
    """An answers file (no profile) with a good client's answers and the seller's, but for the
    currency and the budget: the interview asks the currency first, then the budget."""
    good = Path(__file__).parent.parent / "examples" / "good-client.yaml"
    answers = yaml.safe_load(good.read_text(encoding="utf-8"))
    answers = {k: v for k, v in {**answers, **SELLER}.items() if k not in ("currency", "budget_amount")}
    given = tmp_path / "known.yaml"
    given.write_text(yaml.safe_dump(answers, allow_unicode=True), encoding="utf-8")
    return given


@pytest.mark.parametrize(("lang", "shown"), [("en", "150,000 RUB"), ("ru", "150\u00a0000 ₽")])
def test_amounts_are_shown_in_a_currency_answered_during_the_interview(
    cli: CliRunner, private: None, tmp_path: Path, lang: str, shown: str
) -> None:
    given = _all_but_the_currency_and_budget(tmp_path)
    keys = "RUB" + ENTER + "150000" + ENTER + CTRL_C
    code, _, err = run(cli, "interview", "--answers", str(given), "--lang", lang, "--in-order", keys=keys)
    assert (ticks(err)[1].endswith(" " + shown), code) == (True, 130)


def test_an_amount_in_another_currency_than_the_one_just_answered_is_refused(
    cli: CliRunner, private: None, tmp_path: Path
) -> None:
    given = _all_but_the_currency_and_budget(tmp_path)
    keys = "RUB" + ENTER + "$150000" + ENTER + CTRL_C  # refused: the prompt stays, nothing recorded
    code, _, err = run(cli, "interview", "--answers", str(given), "--lang", "en", "--in-order", keys=keys)
    assert (ticks(err), code) == (["✔ In what currency do you quote your prices? RUB"], 130)
