"""session.Session: question order under `when`, going back, dropping, progress, live flags, typed answers."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from clientcheck.adaptive import Chooser
from clientcheck.answers import coerce
from clientcheck.loader import load_catalog
from clientcheck.model import UNKNOWN, Catalog
from clientcheck.session import Session, allowed_text, parse_typed, plain_value, typed_default
from tests.conftest import SELLER, UNKNOWN_ADVANCE


@pytest.fixture
def catalog(small_catalog: tuple[Path, Path]) -> Catalog:
    rules, questions = small_catalog
    return load_catalog(rules, questions)


ALL_BUT_LATE = ["worked_before", "advance", "asks", "cost", "revenue", "notes"]


def test_plan_skips_a_question_whose_when_is_false_or_undecided(catalog: Catalog) -> None:
    s = Session(catalog)
    assert s.plan() == ALL_BUT_LATE  # worked_before not answered yet: its follow-up waits
    s.answer("worked_before", True)
    assert s.plan() == ["worked_before", "late_payments", *ALL_BUT_LATE[1:]]
    assert s.current == "late_payments"
    s.back()
    s.answer("worked_before", UNKNOWN)
    assert s.plan() == ALL_BUT_LATE
    assert s.current == "advance"


def test_progress_names_the_section_and_counts_the_questions_in_effect(catalog: Catalog) -> None:
    s = Session(catalog)
    step = s.step()
    assert step is not None
    assert step.progress("en") == "Payment · question 1 of 6"
    assert step.progress("ru") == "Оплата · вопрос 1 из 6"
    s.answer("worked_before", True)
    step = s.step()
    assert step is not None and step.question.id == "late_payments"
    assert step.progress("en") == "Payment · question 2 of 7"


def test_answers_that_stop_applying_are_dropped(catalog: Catalog) -> None:
    s = Session(catalog)
    s.answer("worked_before", True)
    s.answer("late_payments", 2)
    s.edit("worked_before")
    change = s.answer("worked_before", False)
    assert change.dropped == ("late_payments",)
    assert "late_payments" not in s.values
    assert s.current == "advance"


def test_undecided_gate_keeps_an_answer_given_in_a_file(catalog: Catalog) -> None:
    s = Session(catalog, {"worked_before": UNKNOWN, "late_payments": 1})
    assert s.values["late_payments"] == 1
    assert "late_payments" not in s.plan()
    assert s.review_ids() == ["worked_before", "late_payments", "advance", "asks", "cost", "revenue", "notes"]


def test_initial_answers_with_a_false_gate_are_dropped(catalog: Catalog) -> None:
    s = Session(catalog, {"worked_before": False, "late_payments": 4, "advance": "none"})
    assert s.values == {"worked_before": False, "advance": "none"}
    assert s.current == "asks"


def test_back_goes_to_the_previous_question_and_answering_returns_to_the_first_open_one(catalog: Catalog) -> None:
    s = Session(catalog)
    assert s.back() is False  # nothing before the first question
    assert s.current == "worked_before"
    s.answer("worked_before", False)
    s.answer("advance", "none")
    assert s.current == "asks"
    assert s.back() is True
    assert s.current == "advance"
    assert s.back() is True
    assert s.current == "worked_before"
    s.answer("worked_before", False)  # the same answer again
    assert s.current == "asks"


def test_back_from_the_review_goes_to_the_last_question(catalog: Catalog) -> None:
    s = Session(catalog, {"worked_before": False, "advance": "none", "asks": frozenset(), "cost": 1, "revenue": 2})
    s.answer("notes", "ok")
    assert s.done
    assert s.step() is None
    assert s.back() is True
    assert s.current == "notes"


def test_live_flag_fires_once_when_a_decline_level_flag_first_fires(catalog: Catalog) -> None:
    s = Session(catalog)
    s.answer("worked_before", True)
    change = s.answer("late_payments", 2)  # caution: not a decline level
    assert change.new_flags == ()
    s.back()
    change = s.answer("late_payments", 3)
    assert [(f.rule.id, f.severity) for f in change.new_flags] == [("late-payer", "decline")]
    assert s.answer("advance", "none").new_flags == ()  # still firing: not news
    assert [(f.rule.id, f.severity) for f in s.verdict().red_flags] == [("late-payer", "decline")]
    s.edit("late_payments")
    s.answer("late_payments", 1)
    s.edit("late_payments")
    again = s.answer("late_payments", 5)
    assert [f.rule.id for f in again.new_flags] == ["late-payer"]


def test_a_flag_resting_on_an_unasked_question_is_raised_by_the_answer_not_before(
    small_catalog: tuple[Path, Path],
) -> None:
    rules, questions = small_catalog
    rules.write_text(rules.read_text(encoding="utf-8") + UNKNOWN_ADVANCE, encoding="utf-8")
    s = Session(load_catalog(rules, questions))
    # it fires (advance is not known), but nothing said raised it: an answer may yet drop it
    assert [f.rule.id for f in s.verdict().red_flags] == ["advance-unknown"]
    assert s.raised_flags() == []
    assert s.answer("worked_before", False).new_flags == ()
    assert [f.rule.id for f in s.answer("advance", UNKNOWN).new_flags] == ["advance-unknown"]
    s.back()
    assert s.answer("advance", "none").new_flags == ()
    assert s.raised_flags() == []


def test_high_severity_is_not_a_live_flag(catalog: Catalog) -> None:
    # pay-if-i-like is "high": it counts towards the score but alone does not decline
    s = Session(catalog)
    s.answer("worked_before", False)
    s.answer("advance", "none")
    assert s.answer("asks", frozenset({"free_sample"})).new_flags == ()
    # the control: the rule did fire, at "high"; it was not announced because "high" alone does not decline
    assert [(f.rule.id, f.severity) for f in s.verdict().red_flags] == [("pay-if-i-like", "high")]


def test_flags_raised_by_the_starting_answers_are_not_announced(catalog: Catalog) -> None:
    s = Session(catalog, {"worked_before": True, "late_payments": 4})
    assert s.answer("advance", "none").new_flags == ()
    # the control: late-payer does fire at its decline level; it was there before the first answer
    assert ("late-payer", "decline") in [(f.rule.id, f.severity) for f in s.verdict().red_flags]


def test_to_mapping_is_an_answers_file(catalog: Catalog) -> None:
    s = Session(catalog, client="ACME")
    s.answer("worked_before", True)
    s.answer("late_payments", UNKNOWN)
    s.answer("advance", "partial")
    s.answer("asks", frozenset({"discount", "free_sample"}))
    assert s.to_mapping() == {
        "client": "ACME",
        "worked_before": True,
        "late_payments": None,
        "advance": "partial",
        "asks": ["free_sample", "discount"],
    }
    assert s.answers().client == "ACME"
    assert list(s.answers().values) == ["worked_before", "late_payments", "advance", "asks"]


def test_plain_value(catalog: Catalog) -> None:
    asks = catalog.questions["asks"]
    assert plain_value(asks, frozenset()) == []
    assert plain_value(asks, UNKNOWN) is None


@pytest.mark.parametrize(
    ("qid", "text", "lang", "expected"),
    [
        ("late_payments", "3", "en", 3),
        ("late_payments", " 2.0 ", "en", 2),
        ("late_payments", "", "en", UNKNOWN),
        ("cost", "1 000 000", "ru", 1000000),
        ("cost", "1\u00a0000", "ru", 1000),
        ("cost", "2,5", "ru", 2.5),
        ("cost", "2,5", "en", 2.5),
        ("cost", "1,000,000", "en", 1000000),
        ("cost", "1,000,000", "ru", 1000000),
        ("cost", "1,250.5", "en", 1250.5),
        ("cost", "1,250.5", "ru", 1250.5),
        ("cost", "1.5", "ru", 1.5),
        ("cost", "-4", "en", -4),
        ("notes", "  call back  ", "en", "call back"),
        ("notes", "   ", "en", UNKNOWN),
    ],
)
def test_parse_typed(catalog: Catalog, qid: str, text: str, lang: str, expected: object) -> None:
    assert parse_typed(catalog.questions[qid], text, lang) == expected


@pytest.mark.parametrize(
    ("text", "lang", "message"),
    [
        (
            "abc",
            "en",
            "“abc” does not fit: it is not a number. Enter a whole number from 0 to 100 (times), or leave it empty "
            "for don't know",
        ),
        (
            "2.5",
            "en",
            "“2.5” does not fit: it is not a whole number. Enter a whole number from 0 to 100 (times), or leave it "
            "empty for don't know",
        ),
        (
            "101",
            "en",
            "“101” does not fit: it is more than 100. Enter a whole number from 0 to 100 (times), or leave it empty "
            "for don't know",
        ),
        (
            "-1",
            "ru",
            "«-1» не подходит: это меньше 0. Нужно: целое число от 0 до 100 (раз); если не знаете, оставьте поле "
            "пустым",
        ),
    ],
)
def test_parse_typed_says_what_is_allowed(catalog: Catalog, text: str, lang: str, message: str) -> None:
    with pytest.raises(ValueError) as info:
        parse_typed(catalog.questions["late_payments"], text, lang)
    assert str(info.value) == message


@pytest.mark.slow
def test_allowed_text_on_the_bundled_questions() -> None:
    bundled = load_catalog()
    assert allowed_text(bundled.questions["late_payments"], "en") == "a whole number from 0 to 1000"
    assert (
        allowed_text(bundled.questions["payment_term_days"], "en")
        == "a whole number from 0 to 365 (days); or with a unit: 4h, 3 days, 2 weeks, 3 months"
    )
    assert allowed_text(bundled.questions["min_price"], "en") == "a number from 0 to 1,000,000,000; or 150k, 1.5m"
    assert (
        allowed_text(bundled.questions["min_price"], "ru")
        == "число от 0 до 1\u00a0000\u00a0000\u00a0000; или 150 тыс, 1,5 млн"
    )


def test_allowed_text_without_bounds(catalog: Catalog) -> None:
    assert allowed_text(catalog.questions["cost"], "en") == "a number (RUB)"
    assert allowed_text(catalog.questions["notes"], "ru") == "любой текст"


def test_typed_default_prefers_the_earlier_answer_then_the_default() -> None:
    q = load_catalog().questions["payment_term_days"]  # default: 15
    assert typed_default(q, None) == "15"
    assert typed_default(q, 30) == "30"
    assert typed_default(q, UNKNOWN) == ""
    assert typed_default(q, 2.5) == "2.5"
    # as typed back in the interview's language, nothing rounded
    assert (typed_default(q, 12.5, "ru"), typed_default(q, 0.001, "ru")) == ("12,5", "0,001")
    budget = load_catalog().questions["budget_amount"]
    assert parse_typed(budget, typed_default(budget, 1500000.25, "ru"), "ru") == 1500000.25


@pytest.mark.slow
def test_importing_session_does_not_load_questionary() -> None:
    code = (
        "import sys, clientcheck.session, clientcheck.recovery;"
        "print(sorted(m for m in sys.modules if m.startswith(('questionary', 'prompt_toolkit', 'rich'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert out.stdout == "[]\n"


# ---- checklists: several yes/no questions in one tick-all-that-apply prompt ----------------


@pytest.fixture
def bundled() -> Catalog:
    return load_catalog()


def test_a_checklist_asks_its_open_lines_and_unticked_means_the_other_answer(bundled: Catalog) -> None:
    s = Session(bundled, chooser=Chooser(bundled))
    s.current = "rude"
    assert s.checklist
    assert s.lines() == [
        "roadmap_change",
        "everything_urgent",
        "written_brief",
        "brief_clear",
        "has_kpis",
        "rude",
        "petty_complaints",
        "self_estimates",
        "long_term",
    ]
    s.answer_checklist({"rude", "written_brief"})
    assert {q: s.values[q] for q in ("rude", "written_brief", "petty_complaints", "has_kpis")} == {
        "rude": True,
        "written_brief": True,
        "petty_complaints": False,
        "has_kpis": False,
    }
    # the lines are one step: going back from the next question shows the checklist again, once
    assert s.current is not None and s.group(s.current) != "call"
    assert s.back()
    assert s.checklist and "rude" in s.lines()
    assert not s.back()  # the checklist was the first step of this run


def test_a_line_phrased_as_the_bad_case_ticks_to_no(bundled: Catalog) -> None:
    s = Session(bundled)
    s.current = "contract"
    s.answer_checklist({"contract", "budget_stated"})
    assert (s.values["contract"], s.values["in_segment"], s.values["budget_stated"]) == (False, True, True)


def test_not_sure_leaves_the_unticked_lines_to_be_asked_one_by_one(bundled: Catalog) -> None:
    s = Session(bundled)
    s.current = "rude"
    s.answer_checklist({"petty_complaints"}, unsure=True)
    assert s.values["petty_complaints"] is True
    assert "rude" not in s.values and "rude" in s.single
    s.current = "rude"
    assert not s.checklist and s.lines() == ["rude"]


def test_a_checklist_counts_as_one_step_in_the_progress(bundled: Catalog) -> None:
    s = Session(bundled)
    step = s.step()
    assert step is not None
    ungrouped = [q for q in s.plan() if bundled.questions[q].checklist is None]
    assert step.total == len(ungrouped) + 2  # two checklists, one step each


def test_nothing_can_move_the_verdict_once_only_dont_know_answers_hold_it(held_open: tuple[Path, Path]) -> None:
    catalog = load_catalog(*held_open)
    s = Session(catalog)
    s.answer("rude", UNKNOWN)
    assert s.can_move()  # calls still decides a rule
    s.answer("calls", 1)
    # the remark decides nothing: rude's "don't know" holds the range open, and asking on cannot narrow it
    assert s.current == "remark" and not s.settled and not s.can_move()


def test_the_chooser_asks_a_checklist_first_and_counts_it_as_one_prompt(bundled: Catalog) -> None:
    chooser = Chooser(bundled)
    s = Session(bundled, SELLER, chooser=chooser)
    assert s.checklist  # the checklists decide the most deal-breakers in one prompt each
    groups = [p for p in chooser.prompts(s.todo()) if len(p) > 1]
    assert sorted(bundled.questions[p[0]].checklist.group for p in groups) == ["call", "deal"]  # type: ignore[union-attr]


def test_the_amount_that_decides_a_rule_alone_comes_before_the_billing_that_does_not(bundled: Catalog) -> None:
    # "can't afford" needs the billing and the amount; an amount above both minimums rules it out
    # whatever the billing, while the billing alone never decides it
    chooser = Chooser(bundled)
    s = Session(bundled, SELLER, chooser=chooser)
    s.current = "budget_stated"
    s.answer_checklist({"budget_stated"})
    ranked = [qid for qid, _ in chooser.scores(s.answers(), ["billing", "budget_amount"])]
    assert ranked == ["budget_amount", "billing"]


# ---- a paused run goes on where it stood (TRYOUT 6) ---------------------------------------


def test_a_restored_run_walks_back_through_its_checklist_and_answers_and_counts_on(bundled: Catalog) -> None:
    s = Session(bundled, SELLER, chooser=Chooser(bundled))
    assert s.checklist  # the chooser's first prompts are the two checklists
    s.answer_checklist({"rude", "written_brief"})
    assert s.checklist
    s.answer_checklist(set())
    first = s.current
    assert first is not None and not s.checklist
    s.answer(first, UNKNOWN)
    step = s.step()
    assert step is not None and step.number == 4
    # what the recovery file keeps: the answers and the state; a new session from them
    again = Session(bundled, {**SELLER, **s.values}, chooser=Chooser(bundled))
    again.restore(s.state())
    resumed = again.step()
    assert resumed is not None and (resumed.number, resumed.total) == (step.number, step.total)
    assert again.back() and again.current == first
    assert again.back() and again.checklist and "rude" not in again.lines()  # the second checklist
    assert again.back() and again.checklist and "rude" in again.lines()  # the first, as one step
    assert not again.back()


def test_restore_ignores_what_no_longer_fits(bundled: Catalog) -> None:
    s = Session(bundled, {"rude": True}, chooser=Chooser(bundled))
    s.restore({"asked": ["rude", "nonsense", 3, "contract"], "together": [["rude", "x"]], "putoff": [["a", "b"]]})
    assert s.asked == ["rude"]  # contract has no answer; unknown ids and non-strings are dropped
    assert s.state() == {"asked": ["rude"], "together": [], "single": [], "putoff": []}


@pytest.mark.parametrize("chooser", [True, False], ids=["adaptive", "in-order"])
def test_a_checklist_put_off_whole_still_counts_as_a_step(bundled: Catalog, chooser: bool) -> None:
    s = Session(bundled, SELLER, chooser=Chooser(bundled) if chooser else None)
    while not s.checklist:  # in file order, a few questions come before the first checklist
        assert s.current is not None
        s.answer(s.current, UNKNOWN)
    before = s.step()
    assert before is not None and s.checklist
    s.answer_checklist((), unsure=True)  # "not sure about some" alone: nothing answered
    after = s.step()
    assert after is not None and after.number == before.number + 1
    assert after.total >= after.number


@pytest.mark.parametrize("chooser", [True, False], ids=["adaptive", "in-order"])
def test_back_returns_to_a_checklist_put_off_whole_and_asks_it_as_a_checklist(bundled: Catalog, chooser: bool) -> None:
    s = Session(bundled, SELLER, chooser=Chooser(bundled) if chooser else None)
    while not s.checklist:
        assert s.current is not None
        s.answer(s.current, UNKNOWN)
    lines, answered = s.lines(), dict(s.values)
    s.answer_checklist((), unsure=True)  # "not sure about some" alone: the whole checklist put off
    assert s.lines() != lines and set(lines) <= s.single
    # the next prompt (in file order: the checklist's first line on its own); Ctrl-B: the checklist
    assert s.back() is True
    assert s.checklist and s.lines() == lines and s.values == answered
    assert s.state()["putoff"] == [] and not set(lines) & s.single
    # and from there, back as before the checklist was ever answered
    s.answer_checklist({lines[0]})
    assert s.back() is True and s.checklist and s.values[lines[0]] is True


def test_a_put_off_checklist_shown_again_keeps_its_place_when_later_steps_were_answered(bundled: Catalog) -> None:
    s = Session(bundled, SELLER, chooser=Chooser(bundled))
    call = s.lines()
    s.answer_checklist((), unsure=True)  # step 1 put off
    deal = s.lines()
    s.answer_checklist({deal[0]})  # step 2
    after = s.current

    def at() -> tuple[str | None, int | None]:
        step = s.step()
        return (s.current if not s.checklist else "call" if s.lines() == call else "deal"), step and step.number

    assert at() == (after, 3)
    assert s.back() and at() == ("deal", 2)
    assert s.back() and at() == ("call", 1)  # the put-off checklist, in its place
    assert not s.back() and at() == ("call", 1)  # before it: nothing (it was the first step)
    s.answer_checklist({call[1]})
    assert at() == (after, 3) and s.asked.index(call[0]) < s.asked.index(deal[0])
    assert s.back() and at() == ("deal", 2)
    assert s.back() and at() == ("call", 1)


def test_a_line_of_a_put_off_checklist_answered_since_is_a_step_of_its_own(bundled: Catalog) -> None:
    s = Session(bundled, SELLER)  # file order: the put-off lines come one by one
    while not s.checklist:
        assert s.current is not None
        s.answer(s.current, UNKNOWN)
    lines = s.lines()
    s.answer_checklist((), unsure=True)
    assert s.current == lines[0]
    s.answer(lines[0], True)
    assert s.current not in (None, lines[0])
    assert s.back() is True and s.current == lines[0] and not s.checklist  # the line answered, alone
    assert s.state()["putoff"] != []


@pytest.mark.parametrize("given", [{}, SELLER], ids=["no-profile", "profile"])
def test_back_before_the_first_answer_stays_out_of_order_too(bundled: Catalog, given: dict[str, object]) -> None:
    # asked out of file order, the question before the first one in file order is not asked yet:
    # going there would skip the first one (TRYOUT: Ctrl-B at the first checklist went forward)
    s = Session(bundled, given, chooser=Chooser(bundled))
    first = s.current
    assert first is not None and s.checklist
    assert s.back() is False
    assert s.current == first
    s.answer_checklist(set())
    assert s.back() is True and s.current == first  # the step just answered, not the one before it in the files
    s.answer_checklist({"rude"})
    assert s.back() is True and s.current == first and s.values["rude"] is True
    assert s.back() is False and s.current == first


@pytest.mark.parametrize(
    ("text", "lang", "message"),
    [
        (
            "1,000",
            "en",
            "“1,000” does not fit: it can be read as 1000 or as 1.0: write the one you mean. Enter a number from 0 "
            "to 1,000,000,000; or 150k, 1.5m, or leave it empty for don't know",
        ),
        (
            "200,000",
            "ru",
            "«200,000» не подходит: это можно понять и как 200000, и как 200,0: напишите то, что имели в виду. "
            "Нужно: число от 0 до 1\u00a0000\u00a0000\u00a0000; или 150 тыс, 1,5 млн; если не знаете, оставьте поле "
            "пустым",
        ),
    ],
)
def test_a_typed_number_is_read_as_an_answers_file_reads_it(
    bundled: Catalog, text: str, lang: str, message: str
) -> None:
    # one reading in both languages: Russian took `1,000` for 1 and English for 1000; a file refuses it
    budget = bundled.questions["budget_amount"]
    with pytest.raises(ValueError) as info:
        parse_typed(budget, text, lang)
    assert str(info.value) == message
    with pytest.raises(ValueError, match="ambiguous"):
        coerce(budget, text)
    for lang in ("en", "ru"):
        assert parse_typed(budget, "1 000 000", lang) == 1000000 == coerce(budget, "1 000 000")
        assert parse_typed(budget, "1,5", lang) == 1.5 == coerce(budget, "1,5")
        assert parse_typed(budget, "1.5", lang) == 1.5 == coerce(budget, "1.5")


def test_an_answer_whose_question_left_the_plan_is_no_step_for_the_count_or_ctrl_b() -> None:
    # the deal checklist ticked (worked before: yes), late payments answered, then back to the
    # checklist and put off whole: worked_before is unanswered, late_payments leaves the plan
    catalog = load_catalog()
    s = Session(catalog, chooser=Chooser(catalog))
    if s.group(s.current or "") == "call":
        s.answer_checklist(set())
    s.answer_checklist({"worked_before", "budget_stated", "contract", "pay_after_delivery"})
    s.answer("late_payments", 3)
    assert s.back() and s.back() and s.checklist
    deal = s.step()
    assert deal is not None
    s.answer_checklist(set(), unsure=True)
    after = s.step()
    assert after is not None and after.number == deal.number + 1 <= after.total
    assert s.back() and s.checklist and "worked_before" in s.lines()
    again = s.step()
    assert again is not None and again.number == deal.number
