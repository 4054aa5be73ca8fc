from __future__ import annotations

from pathlib import Path

import pytest

from clientcheck.answers import coerce, parse_answers_text, read_answers
from clientcheck.errors import AnswersError
from clientcheck.loader import load_catalog
from clientcheck.model import UNKNOWN, Catalog


@pytest.fixture
def catalog(small_catalog: tuple[Path, Path]) -> Catalog:
    return load_catalog(*small_catalog)


def problems(catalog: Catalog, text: str, fmt: str = "yaml", origin: str = "a.yaml") -> list[str]:
    with pytest.raises(AnswersError) as info:
        parse_answers_text(text, origin, fmt, catalog)
    return str(info.value).splitlines()


def test_valid_yaml_answers(catalog: Catalog) -> None:
    text = (
        "client: ACME\nworked_before: true\nlate_payments: 2\nadvance: none\nasks: [free_sample]\ncost: 1.5\nnotes: ~\n"
    )
    answers = parse_answers_text(text, "a.yaml", "yaml", catalog)
    assert answers.client == "ACME"
    assert answers.values == {
        "worked_before": True,
        "late_payments": 2,
        "advance": "none",
        "asks": frozenset({"free_sample"}),
        "cost": 1.5,
        "notes": UNKNOWN,
    }


@pytest.mark.parametrize(
    ("written", "name"),
    [
        ("00123", "00123"),
        ("12:30", "12:30"),
        ("0x1F", "0x1F"),
        ("no", "no"),
        ("5", "5"),
        ("1e3", "1e3"),
        ("'007'", "007"),
    ],
)
def test_a_client_name_is_the_text_as_written_in_yaml(catalog: Catalog, written: str, name: str) -> None:
    """YAML 1.1 read `client: 00123` as 83 and `client: 12:30` as 750, and that went to the history."""
    assert parse_answers_text(f"client: {written}\n", "a.yaml", "yaml", catalog).client == name


def test_a_client_name_in_json_is_text_or_a_number(catalog: Catalog) -> None:
    assert parse_answers_text('{"client": 123}', "a.json", "json", catalog).client == "123"
    assert problems(catalog, '{"client": true}', "json", "a.json") == [
        "a.json:1:2: client: expected the client's name as text"
    ]


def test_empty_mapping_and_empty_file_mean_everything_unknown(catalog: Catalog) -> None:
    assert parse_answers_text("{}", "-", "json", catalog).values == {}
    assert parse_answers_text("", "a.yaml", "yaml", catalog).values == {}


def test_yaml_errors_name_file_line_and_what_is_allowed(catalog: Catalog) -> None:
    text = "worked_before: yes please\nlate_payments: 200\nadvance: nonee\nasks: [free_sample, gift]\nlate_paymnt: 1\n"
    assert problems(catalog, text) == [
        'a.yaml:1:1: worked_before: expected true or false, got "yes please"',
        "a.yaml:2:1: late_payments: 200 is out of range; expected a whole number from 0 to 100",
        "a.yaml:3:1: advance: \"nonee\" is not a choice; expected one of: none, partial; did you mean 'none'?",
        'a.yaml:4:1: asks: "gift" is not a choice; expected a list of: free_sample, discount',
        "a.yaml:5:1: unknown question 'late_paymnt'; did you mean 'late_payments'?",
    ]


def test_yaml_1_1_booleans_get_a_hint(catalog: Catalog) -> None:
    assert problems(catalog, "advance: no\n") == [
        'a.yaml:1:1: advance: expected one of: none, partial, got false (YAML reads no as false; write "no" in quotes)'
    ]


def test_yaml_reads_a_number_with_an_exponent_as_json_does_and_names_hex_and_binary(catalog: Catalog) -> None:
    """`late_payments: 1e2` was the text "1e2" (YAML 1.1 wants a point), where a .json file reads
    100; 0x10 was 16 without a word, as 010 is 8 (octal) with one."""
    as_yaml = parse_answers_text("late_payments: 1e2\n", "a.yaml", "yaml", catalog)
    as_json = parse_answers_text('{"late_payments": 1e2}', "a.json", "json", catalog)
    assert as_yaml.values == as_json.values == {"late_payments": 100}
    assert problems(catalog, "late_payments: 0x10\ncost: 0b11\n") == [
        'a.yaml:1:1: late_payments: YAML 1.1 reads 0x10 as 16 (hexadecimal); write the number you mean, or "0x10" in quotes',
        'a.yaml:2:1: cost: YAML 1.1 reads 0b11 as 3 (binary); write the number you mean, or "0b11" in quotes',
    ]


def test_yaml_syntax_error_is_one_line_with_position(catalog: Catalog) -> None:
    assert problems(catalog, "worked_before: true\nadvance: [none\n") == [
        "a.yaml:3:1: YAML syntax error: did not find expected ',' or ']'"
    ]


def test_json_errors_keep_line_and_column(catalog: Catalog) -> None:
    assert problems(catalog, '{\n  "cost": 1,\n  "revenue": x\n}', "json", "a.json") == [
        "a.json:3:14: JSON syntax error: Expecting value"
    ]
    assert problems(catalog, '{\n  "cost": 1,\n  "nope": 2\n}', "json", "a.json") == [
        "a.json:3:3: unknown question 'nope'; did you mean 'notes'?"
    ]
    assert problems(catalog, '{"cost": 1, "cost": 2}', "json", "a.json") == ["a.json:1: duplicate key 'cost'"]
    assert problems(catalog, '{\n  "cost": 1,\n\n  "cost": 2\n}', "json", "a.json") == [
        "a.json:4: duplicate key 'cost'"
    ]
    assert problems(catalog, "[1, 2]", "json", "a.json") == [
        "a.json:1: answers must be a mapping of question id to answer"
    ]


@pytest.mark.parametrize(
    ("qid", "value", "expected"),
    [
        ("late_payments", 3.0, 3),
        ("late_payments", None, UNKNOWN),
        ("asks", "discount", frozenset({"discount"})),
        ("asks", [], frozenset()),
        ("notes", 42, "42"),
        ("cost", -5, -5),
    ],
)
def test_coerce_accepts_forgiving_forms(catalog: Catalog, qid: str, value: object, expected: object) -> None:
    assert coerce(catalog.questions[qid], value) == expected


@pytest.mark.parametrize(
    ("qid", "value", "message"),
    [
        ("late_payments", 2.5, "2.5 is not whole; expected a whole number from 0 to 100"),
        ("late_payments", True, "expected a whole number from 0 to 100, got true"),
        ("cost", float("nan"), "nan is not a usable number; expected a number"),
        ("late_payments", 2e14, "200000000000000 is out of range; expected a whole number from 0 to 100"),
        ("late_payments", -1.0, "-1 is out of range; expected a whole number from 0 to 100"),
        ("asks", [None], "null is not a choice; expected a list of: free_sample, discount"),
        ("worked_before", "true", 'expected true or false, got "true"'),
        ("asks", {"a": 1}, 'expected a list of: free_sample, discount, got {"a": 1}'),
    ],
)
def test_coerce_refuses_with_the_reason(catalog: Catalog, qid: str, value: object, message: str) -> None:
    with pytest.raises(ValueError) as info:
        coerce(catalog.questions[qid], value)
    assert str(info.value) == message


def test_read_answers_from_a_file_and_missing_file(catalog: Catalog, tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_text('{"cost": 3}', encoding="utf-8")
    assert read_answers(str(path), catalog).values == {"cost": 3}
    with pytest.raises(Exception) as info:
        read_answers(str(tmp_path / "none.yaml"), catalog)
    assert str(info.value) == f"{tmp_path / 'none.yaml'}: no such file"


def test_a_text_or_a_note_that_looks_like_a_number_with_an_exponent_stays_text(catalog: Catalog) -> None:
    """The exponent is read as JSON reads it for a number question only: a note `3e4`, as the
    recovery file's YAML writer leaves it unquoted, must load back as the text it was."""
    read = parse_answers_text("note: 3e4\nlate_payments: 2E1\n", "a.yaml", "yaml", catalog)
    assert (read.note, read.values) == ("3e4", {"late_payments": 20})


def test_negative_zero_is_zero_in_every_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """-0.0 compares as 0 but JSON and repr write it "-0.0": answers.coerce makes it the one zero,
    whatever the input (YAML, JSON Lines, a CSV cell, a typed 0 or -0) and wherever it is shown."""
    import json

    from typer.testing import CliRunner

    from tests.conftest import invoke

    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.yaml").write_text("expected_cost: -0.0\nexpected_revenue: 5.0\n", encoding="utf-8")
    (tmp_path / "b.jsonl").write_text('{"expected_cost": -0.0}\n{"expected_cost": -0}\n', encoding="utf-8")
    (tmp_path / "c.csv").write_text('expected_cost\n-0.0\n"-0,0"\n', encoding="utf-8")
    cli = CliRunner()
    code, out, err = invoke(cli, "check", "a.yaml", "--format", "json")
    assert (code, err) == (0, "")
    assert json.loads(out)["answers"] == {"expected_cost": 0.0, "expected_revenue": 5.0}
    assert '"expected_cost": 0.0,' in out  # a float like 5.0, never "-0.0"
    for name, expected in (("b.jsonl", [0.0, 0]), ("c.csv", [0.0, 0.0])):
        code, out, err = invoke(cli, "check", name, "--format", "json")
        assert (code, err) == (0, "")
        assert "-0" not in out
        assert [r["answers"]["expected_cost"] for r in json.loads(out)["results"]] == expected
    code, out, err = invoke(cli, "explain", "a.yaml", "--lang", "en")
    assert "expected_cost = 0," in out and "-0" not in out


def test_negative_zero_coerces_to_a_positive_zero(catalog: Catalog) -> None:
    import math

    cost = catalog.questions["cost"]
    value = coerce(cost, -0.0)
    assert (value, math.copysign(1, value)) == (0.0, 1.0)
    late = catalog.questions["late_payments"]
    value = coerce(late, -0.0)
    assert (value, type(value)) == (0, int)


def test_bounds_in_answer_errors_are_numbers_as_everything_shows_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """fmt.number's grouping in both languages (as the interview and `questions show` write them);
    the refused value itself is quoted as written."""
    from typer.testing import CliRunner

    from tests.conftest import invoke

    monkeypatch.chdir(tmp_path)
    text = "budget_amount: -5\nexpected_cost: abc\nunpaid_meetings: 2.5\nmin_price: 20000000000\n"
    (tmp_path / "a.yaml").write_text(text, encoding="utf-8")
    code, out, err = invoke(CliRunner(), "check", "a.yaml", "--lang", "en")
    assert (code, out) == (2, "")
    assert err.splitlines() == [
        "clientcheck: error: a.yaml:1:1: budget_amount: -5 is out of range; expected a number from 0 to 1,000,000,000",
        "clientcheck: error: a.yaml:2:1: expected_cost: 'abc' is not a number; expected a number from 0 to 10,000,000,000",
        "clientcheck: error: a.yaml:3:1: unpaid_meetings: 2.5 is not whole; expected a whole number from 0 to 100",
        "clientcheck: error: a.yaml:4:1: min_price: 20000000000 is out of range; expected a number from 0 to 1,000,000,000",
    ]
    code, out, err = invoke(CliRunner(), "check", "a.yaml", "--lang", "ru")
    assert err.splitlines() == [
        "clientcheck: ошибка: a.yaml:1:1: budget_amount: -5 — вне допустимого диапазона; "
        "нужно число от 0 до 1\u00a0000\u00a0000\u00a0000",
        "clientcheck: ошибка: a.yaml:2:1: expected_cost: 'abc' — не число; нужно число от 0 до 10\u00a0000\u00a0000\u00a0000",
        "clientcheck: ошибка: a.yaml:3:1: unpaid_meetings: 2.5 — не целое число; нужно целое число от 0 до 100",
        "clientcheck: ошибка: a.yaml:4:1: min_price: 20000000000 — вне допустимого диапазона; "
        "нужно число от 0 до 1\u00a0000\u00a0000\u00a0000",
    ]


def test_a_value_in_a_message_is_written_as_json_writes_it() -> None:
    from clientcheck.qtypes import show_json

    shown = [show_json(v) for v in (None, 20.0, -0.0, 1e15, 1e16, 2.5, True, "x", [None, "a"])]
    assert shown == ["null", "20", "0", "1000000000000000", "1e+16", "2.5", "true", '"x"', '[null, "a"]']
