from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from clientcheck.conditions import compile_condition, parse
from clientcheck.explain import Distance, explain, unparse
from clientcheck.loader import load_catalog
from clientcheck.model import UNKNOWN, Answers, Catalog
from tests.conftest import SMALL_QUESTIONS, SMALL_RULES, WriteYaml, invoke

FEW_LATE = """\
  - id: few-late
    kind: good-sign
    title: {en: Rarely late, ru: Редко опаздывает}
    source: marketer
    why: {en: W, ru: П}
    advice: {en: A, ru: С}
    when: worked_before and not (late_payments > 2)
"""


@pytest.fixture
def catalog(write_yaml: WriteYaml, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Catalog:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "clientcheck.yaml").write_text("", encoding="utf-8")  # a project: its files are used
    write_yaml("questions/10-pay.yaml", SMALL_QUESTIONS)
    write_yaml("rules.yaml", SMALL_RULES + FEW_LATE)
    return load_catalog(Path("rules.yaml"), Path("questions"))


def test_unparse_gives_back_a_condition_that_means_the_same() -> None:
    for source in (
        'not (a >= 3 or b == "x") and c in ["p", "q"] and d * 2 > -1 and "s" not in m',
        "cost > revenue * 1.1",
        "a - b - (c - d) * (e + f) > --g",
        "a - (b - c) / (d * e) >= 0",
        "a or b and (c or d)",
        "not not a",
    ):
        assert unparse(parse(source)) == source
    assert unparse(parse("((a)) and ((b > 1))")) == "a and b > 1"


def test_every_rule_with_its_status_values_and_distances(catalog: Catalog) -> None:
    answers = Answers({"worked_before": True, "late_payments": 1, "advance": "partial", "cost": 100, "revenue": 120})
    reports, ignored = explain(catalog, answers)
    assert ignored == ()
    by_id = {r.rule.id: r for r in reports}
    assert [(r.rule.id, r.status) for r in reports] == [
        ("late-payer", "fired"),
        ("pay-if-i-like", "not-fired"),
        ("unprofitable", "not-fired"),
        ("pays-on-time", "not-fired"),
        ("few-late", "fired"),
    ]
    late = by_id["late-payer"]
    assert late.fired_level == 2 and [lv.result for lv in late.levels] == [False, False, True]
    assert [t.distance for lv in late.levels for t in lv.tests] == [
        Distance("late_payments", 1, ">= 3", 2),
        Distance("late_payments", 1, ">= 2", 1),
        None,
    ]
    pay = by_id["pay-if-i-like"].levels[0].tests
    assert [(t.text, t.result, t.answers) for t in pay] == [
        ('advance == "none"', False, (("advance", "partial"),)),
        ('"free_sample" in asks', None, (("asks", None),)),
    ]
    unprofitable = by_id["unprofitable"].levels[0].tests[0]
    assert unprofitable.distance == Distance("cost", 100, "> revenue", 20)
    assert unprofitable.answers == (("cost", 100), ("revenue", 120))


def test_under_not_the_distance_is_to_fail_the_comparison(catalog: Catalog) -> None:
    reports, _ = explain(catalog, Answers({"worked_before": True, "late_payments": 5}))
    tests = next(r for r in reports if r.rule.id == "few-late").levels[0].tests
    assert [(t.text, t.result, t.wanted) for t in tests] == [
        ("worked_before", True, True),
        ("late_payments > 2", True, False),
    ]
    assert tests[1].distance == Distance("late_payments", 5, "<= 2", 3)


def test_undecided_rules_say_what_to_ask_and_ignored_answers_are_listed(catalog: Catalog) -> None:
    reports, ignored = explain(catalog, Answers({"worked_before": False, "late_payments": 4, "cost": UNKNOWN}))
    assert ignored == ("late_payments",)
    by_id = {r.rule.id: r for r in reports}
    assert (by_id["late-payer"].status, by_id["late-payer"].ask) == ("not-fired", ())
    assert (by_id["unprofitable"].status, by_id["unprofitable"].ask) == ("undecided", ("cost", "revenue"))
    assert by_id["pay-if-i-like"].ask == ("advance", "asks")


def test_a_literal_on_the_left_is_said_from_the_questions_side(catalog: Catalog) -> None:
    from clientcheck.explain import _split, _test

    cond = compile_condition("3 <= late_payments", {"late_payments": catalog.questions["late_payments"].var_type()})
    out = [_test(node, {"late_payments": 1}, catalog, wanted) for node, wanted in _split(cond.tree)]
    assert out[0].distance == Distance("late_payments", 1, ">= 3", 2)


def test_explain_command_text(catalog: Catalog, cli: CliRunner, write_yaml: WriteYaml) -> None:
    write_yaml("a.yaml", "worked_before: true\nlate_payments: 1\nadvance: ~\n")
    code, out, err = invoke(cli, "explain", "a.yaml", "--rule", "late-payer", "--lang", "en")
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "late-payer · red flag · FIRED at note",
        "  the earlier levels were ruled out by: late_payments = 1 time",
        "  level 1: when late_payments >= 3 (decline)",
        "      late_payments >= 3 → false   [late_payments = 1 time]   (late_payments is 1; it needs >= 3: 2 away)",
        "  level 2: when late_payments >= 2 (caution)",
        "      late_payments >= 2 → false   [late_payments = 1 time]   (late_payments is 1; it needs >= 2: 1 away)",
        "  level 3: when late_payments >= 1 (note)  ←",
        "      late_payments >= 1 → true   [late_payments = 1 time]",
    ]
    code, out, _ = invoke(cli, "explain", "a.yaml", "--rule", "pay-if-i-like", "--lang", "ru")
    assert out.splitlines() == [
        "pay-if-i-like · красный флаг · не решено",
        "  чтобы решить, ответьте: advance, asks",
        '  когда advance == "none" and "free_sample" in asks',
        '      advance == "none" → ?   [advance = не знаю]',
        '      "free_sample" in asks → ?   [asks = без ответа]',
    ]
    # the result of a test and the level that fired in Russian words, the level's name quoted
    code, out, _ = invoke(cli, "explain", "a.yaml", "--rule", "late-payer", "--lang", "ru")
    assert out.splitlines() == [
        "late-payer · красный флаг · СРАБОТАЛО на уровне «заметка»",
        "  уровни выше исключены ответами: late_payments = 1 раз",
        "  уровень 1: когда late_payments >= 3 (отказ)",
        "      late_payments >= 3 → нет   [late_payments = 1 раз]   (late_payments = 1; нужно >= 3: разница 2)",
        "  уровень 2: когда late_payments >= 2 (осторожно)",
        "      late_payments >= 2 → нет   [late_payments = 1 раз]   (late_payments = 1; нужно >= 2: разница 1)",
        "  уровень 3: когда late_payments >= 1 (заметка)  ←",
        "      late_payments >= 1 → да   [late_payments = 1 раз]",
    ]


def test_explain_command_json_and_mistakes(catalog: Catalog, cli: CliRunner) -> None:
    code, out, _ = invoke(cli, "explain", "-", "--format", "json", input='{"worked_before": false, "late_payments": 4}')
    data = json.loads(out)
    assert code == 0 and data["schema"] == "clientcheck.explain/1"
    assert data["ignored_answers"] == ["late_payments"]
    first = data["rules"][0]
    assert (first["id"], first["status"], first["level"], first["severity"]) == ("late-payer", "not-fired", None, None)
    assert first["levels"][0]["tests"] == [
        {
            "test": "late_payments >= 3",
            "result": None,
            "needed": True,
            "answers": {"late_payments": None},
            "distance": None,
        }
    ]
    assert invoke(cli, "explain", "-", "--rule", "late-payr", input="{}") == (
        2,
        "",
        "clientcheck: error: no rule 'late-payr'; did you mean 'late-payer'?\n",
    )
    code, out, err = invoke(cli, "explain", "-", input="late_paymnts: 2\n")
    assert (code, out) == (2, "")
    assert err == "clientcheck: error: <stdin>:1:1: unknown question 'late_paymnts'; did you mean 'late_payments'?\n"
