"""Answers in the user's own units: durations and money, in the interview and in files and CSV."""

from __future__ import annotations

from pathlib import Path

import pytest

from clientcheck import units
from clientcheck.answers import coerce, read_answers
from clientcheck.errors import AnswersError
from clientcheck.loader import load_catalog
from clientcheck.model import Catalog
from clientcheck.session import parse_typed


@pytest.fixture(scope="module")
def bundled() -> Catalog:
    return load_catalog()


@pytest.mark.parametrize(
    ("measure", "text", "lang", "value"),
    [
        ("hours", "4h", "en", 4),
        ("hours", "4 h", "en", 4),
        ("hours", "3 days", "en", 72),
        ("hours", "2 weeks", "en", 336),
        ("hours", "3 months", "en", 2160),
        ("hours", "30 min", "en", 0.5),
        ("hours", "1,5 дня", "ru", 36),
        ("days", "3 дня", "ru", 3),
        ("days", "2 недели", "ru", 14),
        ("days", "3 мес", "ru", 90),
        ("days", "3 мес.", "ru", 90),
        ("days", "1 год", "ru", 365),
        ("days", "36h", "en", 1.5),
        ("days", "90", "en", 90),
        ("money", "150k", "en", 150000),
        ("money", "1.5m", "en", 1500000),
        ("money", "5 млн рублей", "ru", 5000000),
        ("money", "5000 rubles", "en", 5000),
        ("money", "2 миллиона долларов", "ru", 2000000),
        ("money", "150 тыс", "ru", 150000),
        ("money", "150 тыс. руб.", "ru", 150000),
        ("money", "1,5 млн", "ru", 1500000),
        ("money", "$1.5m", "en", 1500000),
        ("money", "150 000 ₽", "ru", 150000),
        ("money", "1,000,000", "en", 1000000),
        ("money", "1.1k", "en", 1100),
    ],
)
def test_parse_understands_both_languages(measure: str, text: str, lang: str, value: float) -> None:
    assert units.parse(measure, text) == value


@pytest.mark.parametrize(
    ("measure", "text", "message"),
    [
        ("days", "3m", "'m' is months or minutes, nobody can tell: write 3 mo or 3 min"),
        ("hours", "2,5 м", "'м' is months or minutes, nobody can tell: write 2,5 mo or 2,5 min"),
        ("days", "3 parsecs", "'parsecs' is not a unit of time (h, days, weeks, months, years)"),
        ("money", "3 days", "'days' is not an amount (k, m, тыс, млн, or a currency)"),
        ("money", "lots", "'lots' is not a number"),
        ("money", "1,500k", "'1,500' is ambiguous: write 1500 or 1.5"),
    ],
)
def test_parse_refuses_what_it_cannot_read(measure: str, text: str, message: str) -> None:
    with pytest.raises(ValueError) as info:
        units.parse(measure, text)
    assert str(info.value) == message


def test_the_interview_converts_to_the_questions_unit(bundled: Catalog) -> None:
    assert parse_typed(bundled.questions["hours_to_deadline"], "3 months", "en") == 2160
    assert parse_typed(bundled.questions["payment_delay_days"], "2 недели", "ru") == 14
    # a part of a day counts as a whole day in a whole-days question
    assert parse_typed(bundled.questions["payment_delay_days"], "36h", "en") == 2
    assert parse_typed(bundled.questions["budget_amount"], "1,5 млн", "ru") == 1500000
    assert parse_typed(bundled.questions["budget_amount"], "150k", "en") == 150000


def test_the_interview_says_which_units_fit(bundled: Catalog) -> None:
    with pytest.raises(ValueError) as info:
        parse_typed(bundled.questions["payment_delay_days"], "3 parsecs", "en")
    assert str(info.value) == (
        "“3 parsecs” does not fit: 'parsecs' is not a unit of time (h, days, weeks, months, years). Enter a whole "
        "number from 0 to 730 (days); or with a unit: 4h, 3 days, 2 weeks, 3 months, or leave it empty for don't know"
    )
    with pytest.raises(ValueError) as info:
        parse_typed(bundled.questions["payment_delay_days"], "3 года", "ru")
    assert str(info.value) == (
        "«3 года» не подходит: это 1095 дней, больше 730. Нужно: целое число от 0 до 730 (дней); или с единицей: 4 ч, "
        "3 дня, 2 недели, 3 мес; если не знаете, оставьте поле пустым"
    )


@pytest.mark.parametrize("lang", ["en", "ru"])
@pytest.mark.parametrize(
    ("qid", "text", "value"),
    [
        ("discount_pct", "40%", 40),
        ("discount_pct", "40 %", 40),
        ("discount_pct", "12,5 percent", 12.5),
        ("discount_pct", "40 процентов", 40),
        ("late_payments", "2 times", 2),
        ("late_payments", "1 times", 1),
        ("late_payments", "2x", 2),
        ("late_payments", "2 раза", 2),
        ("late_payments", "5 раз", 5),
    ],
)
def test_the_interview_takes_the_questions_own_unit(
    bundled: Catalog, qid: str, text: str, value: float, lang: str
) -> None:
    # both languages' words, whatever the interface language, as for durations and money
    assert parse_typed(bundled.questions[qid], text, lang) == value


@pytest.mark.parametrize(
    ("qid", "text", "lang", "message"),
    [
        (
            "discount_pct",
            "40 days",
            "en",
            "“40 days” does not fit: 'days' is not this question's unit (%). Enter a number from 0 to 100 (%), or "
            "leave it empty for don't know",
        ),
        (
            "discount_pct",
            "40 дней",
            "ru",
            "«40 дней» не подходит: «дней» — не единица этого вопроса (%). Нужно: число от 0 до 100 (%); если не "
            "знаете, оставьте поле пустым",
        ),
        (
            "late_payments",
            "2 weeks",
            "en",
            "“2 weeks” does not fit: this question takes a plain number, without 'weeks'. Enter a whole number from 0 "
            "to 1000, or leave it empty for don't know",
        ),
        (
            "late_payments",
            "2 недели",
            "ru",
            "«2 недели» не подходит: здесь нужно просто число, без «недели». Нужно: целое число от 0 до 1000; если не "
            "знаете, оставьте поле пустым",
        ),
        (
            "payment_delay_days",
            "3m",
            "en",
            "“3m” does not fit: 'm' is months or minutes, nobody can tell: write 3 mo or 3 min. Enter a whole number "
            "from 0 to 730 (days); or with a unit: 4h, 3 days, 2 weeks, 3 months, or leave it empty for don't know",
        ),
        (
            "payment_delay_days",
            "3 м",
            "ru",
            "«3 м» не подходит: 'м' может значить и месяцы, и минуты: напишите 3 мес или 3 мин. Нужно: целое число от "
            "0 до 730 (дней); или с единицей: 4 ч, 3 дня, 2 недели, 3 мес; если не знаете, оставьте поле пустым",
        ),
        # the tester saw "does not fit: enter …" with no reason, and two Russian layouts: one layout,
        # the reason first, whatever is wrong
        (
            "late_payments",
            "1 000 000",
            "en",
            "“1 000 000” does not fit: it is more than 1000. Enter a whole number from 0 to 1000, or leave it empty "
            "for don't know",
        ),
        (
            "late_payments",
            "2.5",
            "ru",
            "«2.5» не подходит: это не целое число. Нужно: целое число от 0 до 1000; если не знаете, оставьте поле "
            "пустым",
        ),
        (
            "revenue_share_pct",
            "150",
            "ru",
            "«150» не подходит: это больше 100. Нужно: число от 0 до 100 (%); если не знаете, оставьте поле пустым",
        ),
        (
            "revenue_share_pct",
            "40 дней",
            "ru",
            "«40 дней» не подходит: «дней» — не единица этого вопроса (%). Нужно: число от 0 до 100 (%); если не "
            "знаете, оставьте поле пустым",
        ),
        (
            "hours_to_deadline",
            "-2 days",
            "en",
            "“-2 days” does not fit: that is -48 hours, less than 0. Enter a number from 0 to 100000 (hours); or with a "
            "unit: 4h, 3 days, 2 weeks, 3 months, or leave it empty for don't know",
        ),
        (
            "budget_amount",
            "1e400",
            "en",
            "“1e400” does not fit: it is too large. Enter a number from 0 to 1,000,000,000; or 150k, 1.5m, or leave "
            "it empty for don't know",
        ),
    ],
)
def test_the_interview_says_why_a_unit_is_refused(
    bundled: Catalog, qid: str, text: str, lang: str, message: str
) -> None:
    with pytest.raises(ValueError) as info:
        parse_typed(bundled.questions[qid], text, lang)
    assert str(info.value) == message


def test_a_question_without_a_measure_takes_no_units(bundled: Catalog) -> None:
    with pytest.raises(ValueError):
        coerce(bundled.questions["late_payments"], "3 days")


def test_answers_files_take_units(bundled: Catalog, tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_text(
        "hours_to_deadline: 2 weeks\npayment_delay_days: 3 мес\nbudget_amount: 150 тыс\nexpected_revenue: 1.5m\n",
        encoding="utf-8",
    )
    values = read_answers(str(path), bundled).values
    assert values == {
        "hours_to_deadline": 336,
        "payment_delay_days": 90,
        "budget_amount": 150000,
        "expected_revenue": 1500000,
    }


def test_a_bad_unit_in_a_file_is_one_line_at_its_place(bundled: Catalog, tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_text("rude: false\nhours_to_deadline: 2 fortnights\n", encoding="utf-8")
    with pytest.raises(AnswersError) as info:
        read_answers(str(path), bundled)
    assert str(info.value) == (
        f"{path}:2:1: hours_to_deadline: 'fortnights' is not a unit of time (h, days, weeks, months, years); "
        "expected a number from 0 to 100000"
    )


def test_csv_cells_take_units(tmp_path: Path) -> None:
    import json

    from typer.testing import CliRunner

    from tests.conftest import invoke

    path = tmp_path / "leads.csv"
    path.write_text(
        'client,hours_to_deadline,payment_delay_days,budget_amount\na,3 days,2 weeks,150k\nb,4h,3 мес,"1,5 млн"\n',
        encoding="utf-8",
    )
    code, out, err = invoke(CliRunner(), "check", str(path), "-f", "json")
    answers = [r["answers"] for r in json.loads(out)["results"]]
    assert [a["hours_to_deadline"] for a in answers] == [72, 4]
    assert [a["payment_delay_days"] for a in answers] == [14, 90]
    assert [a["budget_amount"] for a in answers] == [150000, 1500000]
    assert (code, err) == (0, "")


@pytest.mark.parametrize(
    ("text", "en", "ru"),
    [
        ("2,000", "'2,000' is ambiguous: write 2000 or 2.0", "'2,000' можно понять двояко: напишите 2000 или 2,0"),
        ("3,500", "'3,500' is ambiguous: write 3500 or 3.5", "'3,500' можно понять двояко: напишите 3500 или 3,5"),
        (
            "-1,250",
            "'-1,250' is ambiguous: write -1250 or -1.25",
            "'-1,250' можно понять двояко: напишите -1250 или -1,25",
        ),
        ("1 000", None, None),
    ],
)
def test_an_ambiguous_number_is_answered_with_both_readings_of_what_was_typed(
    text: str, en: str | None, ru: str | None
) -> None:
    from clientcheck.i18n import prefer

    for lang, message in (("en", en), ("ru", ru)):
        prefer(lang)
        try:
            if message is None:
                assert units.parse("money", text) == 1000
                continue
            with pytest.raises(ValueError) as info:
                units.parse("money", text)
            assert str(info.value) == message
        finally:
            prefer(None)


def test_a_number_with_an_exponent_is_quoted_whole(bundled: Catalog, tmp_path: Path) -> None:
    assert units.parse("money", "1e5") == 100000
    assert units.parse("money", "1.5e3 k") == 1500000
    path = tmp_path / "a.yaml"
    path.write_text("budget_amount: 1e400\n", encoding="utf-8")
    with pytest.raises(AnswersError) as info:
        read_answers(str(path), bundled)
    assert (
        str(info.value) == f"{path}:1:1: budget_amount: '1e400' is too large; expected a number from 0 to 1,000,000,000"
    )


def test_a_csv_cell_with_a_huge_exponent_is_quoted_whole(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from tests.conftest import invoke

    path = tmp_path / "leads.csv"
    path.write_text('client,budget_amount\na,1e400\nb,"2,000"\n', encoding="utf-8")
    _, _, err = invoke(CliRunner(), "check", str(path), "-q")
    assert err.splitlines() == [
        f"{path}:2: budget_amount: '1e400' is too large; expected a number from 0 to 1,000,000,000",
        f"{path}:3: budget_amount: '2,000' is ambiguous: write 2000 or 2.0; expected a number from 0 to 1,000,000,000",
    ]
    _, _, err = invoke(CliRunner(), "check", str(path), "-q", "--lang", "ru")
    assert err.splitlines() == [
        f"{path}:2: budget_amount: '1e400' — слишком большое число; нужно число от 0 до 1\u00a0000\u00a0000\u00a0000",
        f"{path}:3: budget_amount: '2,000' можно понять двояко: напишите 2000 или 2,0; нужно число от 0 до 1\u00a0000\u00a0000\u00a0000",
    ]


def test_an_ambiguous_whole_number_is_refused_as_an_amount_is(tmp_path: Path) -> None:
    """A whole-number column said `expected a whole number ..., got "2,000"`, where an amount column
    says what the docs say: ambiguous, and both readings."""
    from typer.testing import CliRunner

    from tests.conftest import invoke

    path = tmp_path / "leads.csv"
    path.write_text('client,worked_before,late_payments\na,yes,"2,000"\n', encoding="utf-8")
    _, _, err = invoke(CliRunner(), "check", str(path), "-q")
    assert err.splitlines() == [
        f"{path}:2: late_payments: '2,000' is ambiguous: write 2000 or 2.0; expected a whole number from 0 to 1000"
    ]


def test_a_number_past_a_float_is_quoted_as_written_in_every_format(tmp_path: Path) -> None:
    """JSON and JSON Lines said "inf is not a usable number" where YAML and CSV quote '1e400'."""
    from typer.testing import CliRunner

    from tests.conftest import invoke

    expected = "late_payments: '1e400' is too large; expected a whole number from 0 to 1000"
    inputs = {
        "a.json": '{"worked_before": true, "late_payments": 1e400}',
        "b.yaml": "worked_before: true\nlate_payments: 1e400\n",
        "c.jsonl": '{"worked_before": true, "late_payments": 1e400}\n',
        "d.csv": "worked_before,late_payments\nyes,1e400\n",
    }
    said = []
    for name, text in inputs.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        said.append(invoke(CliRunner(), "check", str(tmp_path / name), "-q", "--batch")[2].splitlines()[0])
    assert said == [
        f"{tmp_path / 'a.json'}:1:25: {expected}",
        f"{tmp_path / 'b.yaml'}:2:1: {expected}",
        f"{tmp_path / 'c.jsonl'}:1: {expected}",
        f"{tmp_path / 'd.csv'}:2: {expected}",
    ]


@pytest.mark.parametrize(
    ("qid", "value", "lang", "shown"),
    [
        ("payment_delay_days", 1, "en", "1 day"),
        ("payment_delay_days", 90, "en", "90 days"),
        ("payment_delay_days", 1.5, "en", "1.5 days"),
        ("payment_delay_days", 21, "ru", "21 день"),
        ("hours_to_deadline", 1, "en", "1 hour"),
        ("hours_to_deadline", 36, "ru", "36 часов"),
        ("discount_pct", 40, "en", "40%"),
    ],
)
def test_a_unit_with_word_forms_agrees_with_the_number(
    bundled: Catalog, qid: str, value: float, lang: str, shown: str
) -> None:
    from clientcheck import fmt

    assert fmt.answer(bundled, qid, value, lang) == shown


WAIT = """\
  - id: wait
    type: number
    text: {en: Wait?, ru: Ожидание?}
    unit: {en: [day, days], ru: [день, дня, дней]}
"""


@pytest.mark.parametrize(
    ("value", "shown"),
    [(1, "1 день"), (3, "3 дня"), (5, "5 дней"), (11, "11 дней"), (21, "21 день"), (22, "22 дня"), (1.5, "1,5 дня")],
)
def test_russian_word_forms_follow_the_number(small_catalog: tuple[Path, Path], value: float, shown: str) -> None:
    from clientcheck import fmt

    rules, questions = small_catalog
    path = questions / "10-pay.yaml"
    path.write_text(path.read_text(encoding="utf-8") + WAIT, encoding="utf-8")
    catalog = load_catalog(rules, questions)
    assert fmt.answer(catalog, "wait", value, "ru") == shown
    # a label with no number names the unit by its last form; an answer may be typed with any form
    wait = catalog.questions["wait"]
    assert (wait.unit.get("ru") if wait.unit else None) == "дней"
    assert [parse_typed(wait, t, "ru") for t in ("1 день", "2 дня", "7 дней")] == [1, 2, 7]


@pytest.mark.parametrize(
    ("x", "en", "ru"),
    [
        (0.001, "0.001", "0,001"),
        (1e-05, "0.00001", "0,00001"),
        (1000, "1000", "1000"),
        (12000, "12000", "12\u00a0000"),
        (100000, "100000", "100\u00a0000"),
        (1000000, "1,000,000", "1\u00a0000\u00a0000"),
        (12000.5, "12,000.5", "12\u00a0000,5"),
        (-2500.25, "-2,500.25", "-2500,25"),
        (10**15, "1,000,000,000,000,000", "1\u00a0000\u00a0000\u00a0000\u00a0000\u00a0000"),
    ],
)
def test_a_number_in_a_message_reads_back_as_itself(x: float, en: str, ru: str) -> None:
    from clientcheck import fmt

    assert (fmt.exact(x, "en"), fmt.exact(x, "ru")) == (en, ru)
    assert units.to_number(en) == x and units.to_number(ru) == x  # what is shown can be typed back


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_the_interview_and_the_files_say_what_a_number_question_takes_in_the_same_words(
    small_catalog: tuple[Path, Path], lang: str
) -> None:
    from clientcheck.answers import allowed
    from clientcheck.typed import allowed_text

    rules, questions = small_catalog
    path = questions / "10-pay.yaml"
    path.write_text(
        path.read_text(encoding="utf-8") + "  - id: share\n    type: number\n    text: Share?\n    min: 0.001\n"
        "    max: 5000\n",
        encoding="utf-8",
    )
    share = load_catalog(rules, questions).questions["share"]
    said = {"en": "a number from 0.001 to 5000", "ru": "число от 0,001 до 5000"}[lang]
    assert allowed(share, lang) == said
    assert allowed_text(share, lang) == said  # the interview's hint: the same words (no unit here)
    with pytest.raises(ValueError) as refused:
        coerce(share, 0.0001, lang=lang)
    assert (
        str(refused.value)
        == {
            "en": "0.0001 is out of range; expected a number from 0.001 to 5000",
            "ru": "0.0001 — вне допустимого диапазона; нужно число от 0,001 до 5000",
        }[lang]
    )


@pytest.mark.parametrize(("cell", "value"), [("1,000,000", 1000000), ("12,000.5", 12000.5), ("0,001", 0.001)])
def test_a_csv_cell_reads_a_number_as_the_interview_does(bundled: Catalog, cell: str, value: float) -> None:
    from clientcheck.qtypes import of

    q = bundled.questions["budget_amount"]
    assert coerce(q, of(q).from_cell(q, cell)) == value
    assert parse_typed(q, cell, "en") == value


@pytest.mark.parametrize(
    ("lang", "message"),
    [
        (
            "en",
            "“3 years” does not fit: this question takes a plain number, without 'years'. Enter a number, or leave "
            "it empty for don't know",
        ),
        (
            "ru",
            "«3 years» не подходит: здесь нужно просто число, без «years». Нужно: число; если не знаете, оставьте "
            "поле пустым",
        ),
    ],
)
def test_a_word_after_a_number_without_a_unit_is_named_not_called_not_a_number(lang: str, message: str) -> None:
    from clientcheck.model import Question, Text

    share = Question("share", "number", Text({"en": "Share?"}), "s")
    with pytest.raises(ValueError) as refused:
        parse_typed(share, "3 years", lang)
    assert str(refused.value) == message


@pytest.mark.parametrize(
    ("qid", "text", "value"),
    [
        ("late_payments", "2 times", 2),
        ("late_payments", "2 раза", 2),
        ("unpaid_meetings", "3", 3),
        ("discount_pct", "40%", 40),
        ("discount_pct", "12,5 %", 12.5),
        ("budget_amount", "1 000 000", 1000000),
    ],
)
def test_text_in_a_file_is_read_as_the_interview_reads_it(bundled: Catalog, qid: str, text: str, value: float) -> None:
    assert coerce(bundled.questions[qid], text) == value == parse_typed(bundled.questions[qid], text, "en")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("many", "late_payments: 'many' is not a number; expected a whole number from 0 to 1000"),
        ("0o17", "late_payments: '0o17' is not a number; expected a whole number from 0 to 1000"),
        (
            "2 weeks",
            "late_payments: this question takes a plain number, without 'weeks'; expected a whole number from 0 to 1000",
        ),
    ],
)
def test_text_in_a_file_that_is_no_number_is_refused_as_an_amount_is(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "a.json"
    path.write_text(f'{{"worked_before": true, "late_payments": "{text}"}}', encoding="utf-8")
    with pytest.raises(AnswersError) as refused:
        read_answers(path, load_catalog())
    assert str(refused.value) == f"{path}:1:25: {message}"


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("99999999999999999999", '"99999999999999999999"'),
        ("1e20", '"1e20"'),
        ("100 000 000 000 000 000", '"100 000 000 000 000 000"'),
        ("9" * 5000, "'" + "9" * 20 + "…'"),
    ],
)
def test_a_number_written_as_text_keeps_the_limit_of_a_number(text: str, shown: str) -> None:
    from clientcheck.model import Question, Text

    n = Question("n", "number", Text({"en": "N?"}), "s")  # no max of its own: only the limit
    with pytest.raises(ValueError) as refused:
        coerce(n, text)
    assert str(refused.value) == f"{shown} is too large; expected a number"


def test_questions_show_says_what_a_number_takes_as_the_interview_does(bundled: Catalog) -> None:
    from typer.testing import CliRunner

    from clientcheck.typed import allowed_text
    from tests.conftest import invoke

    _, out, _ = invoke(CliRunner(), "questions", "show", "hours_to_deadline")
    accepts = next(line for line in out.splitlines() if line.startswith("Accepts: "))
    assert accepts == "Accepts: a number from 0 to 100000 (hours)"  # 100,000 would read as ambiguous
    assert allowed_text(bundled.questions["hours_to_deadline"], "en").startswith(accepts.removeprefix("Accepts: "))


@pytest.mark.parametrize(("value", "shown"), [(1.001, "1 hour"), (1.5, "1.5 hours"), (0.999, "1 hour")])
def test_the_unit_agrees_with_the_number_as_shown(bundled: Catalog, value: float, shown: str) -> None:
    from clientcheck import fmt

    assert fmt.answer(bundled, "hours_to_deadline", value, "en") == shown


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("$5000", "'$' is another currency than yours (RUB): give the amount in RUB"),
        ("100 dollars", "'dollars' is another currency than yours (RUB): give the amount in RUB"),
        ("5 млн евро", "'евро' is another currency than yours (RUB): give the amount in RUB"),
    ],
)
def test_an_amount_in_another_currency_than_the_sellers_is_refused(
    tmp_path: Path, bundled: Catalog, text: str, said: str
) -> None:
    path = tmp_path / "a.yaml"
    path.write_text(f"currency: RUB\nbudget_amount: {text}\n", encoding="utf-8")
    with pytest.raises(AnswersError) as refused:
        read_answers(path, bundled)
    assert str(refused.value) == f"{path}:2:1: budget_amount: {said}; expected a number from 0 to 1,000,000,000"


@pytest.mark.parametrize("text", ["5000 рублей", "₽5000", "5 тыс руб", "5000 RUB", "5000"])
def test_an_amount_in_the_sellers_currency_or_none_is_read(tmp_path: Path, bundled: Catalog, text: str) -> None:
    path = tmp_path / "a.yaml"
    path.write_text(f"currency: RUB\nbudget_amount: {text}\n", encoding="utf-8")
    assert read_answers(path, bundled).values["budget_amount"] == 5000
    # with no currency of the seller's known, a currency named is taken as it always was
    path.write_text(f"budget_amount: {text}\n", encoding="utf-8")
    assert read_answers(path, bundled).values["budget_amount"] == 5000
