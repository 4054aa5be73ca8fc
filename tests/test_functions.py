"""The built-in functions, dates, rule references, the counting policy and the verdict range."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from clientcheck.answers import validate
from clientcheck.compiled import Engine
from clientcheck.evaluate import evaluate
from clientcheck.loader import load_catalog
from clientcheck.model import Answers
from tests.conftest import SMALL_QUESTIONS, WriteYaml, invoke
from tests.test_loader import HEADER, RULE

DATES = """\
section: dates
title: Dates
questions:
  - {id: last_paid, type: date, text: {en: Last payment, ru: Последняя оплата}}
  - {id: a, type: yesno, text: A}
  - {id: b, type: yesno, text: B}
  - {id: c, type: yesno, text: C}
"""


@pytest.fixture
def catalog_of(write_yaml: WriteYaml, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("CLIENTCHECK_TODAY", "2026-11-30")
    monkeypatch.chdir(tmp_path)
    write_yaml("questions/10-pay.yaml", SMALL_QUESTIONS)
    write_yaml("questions/20-dates.yaml", DATES)

    def make(rules: str):  # type: ignore[no-untyped-def]
        write_yaml("rules.yaml", rules)
        return load_catalog(Path("rules.yaml"), Path("questions"))

    return make


def _red(rule_id: str, when: str, severity: str = "decline") -> str:
    return RULE.replace("late-payer", rule_id) + f"    when: '{when}'\n    severity: {severity}\n"


# ---------------------------------------------------------------- load errors, as whole lines


@pytest.mark.parametrize(
    ("when", "message"),
    [
        (
            "knwn(cost)",
            "rules.yaml:15:12: when: unknown function 'knwn' (functions: count, days_since, days_until, fired, "
            "known, today); did you mean 'known'?",
        ),
        ("known(cost > 1)", "rules.yaml:15:23: when: known() takes a question id, such as known(budget_amount)"),
        ("known(cost, revenue)", "rules.yaml:15:12: when: known() takes one argument, got 2"),
        (
            "count(cost) > 1",
            "rules.yaml:15:18: when: count() needs a yes/no value, but 'cost' is a number (compare it, e.g. '> 0')",
        ),
        ("days_since(cost) > 60", "rules.yaml:15:23: when: days_since() needs a date, but 'cost' is a number"),
        ('fired("late-payr")', "rules.yaml:15:18: when: unknown rule 'late-payr'; did you mean 'late-payer'?"),
        ("fired(late_payer)", 'rules.yaml:15:18: when: fired() takes a rule id in quotes, such as fired("late-payer")'),
        ("today > 1", "rules.yaml:15:12: when: '>' compares numbers, but this is a date"),
    ],
)
def test_function_mistakes_are_one_line_each(catalog_of, when: str, message: str) -> None:  # type: ignore[no-untyped-def]
    from clientcheck.errors import ConfigError

    with pytest.raises(ConfigError) as info:
        catalog_of(HEADER + _red("late-payer", when))
    assert str(info.value).splitlines() == [message]


def test_rules_that_read_each_other_in_a_loop_are_refused(catalog_of) -> None:  # type: ignore[no-untyped-def]
    from clientcheck.errors import ConfigError

    rules = HEADER + _red("first", 'fired("second") or cost > 1') + _red("second", 'fired("first")')
    with pytest.raises(ConfigError) as info:
        catalog_of(rules)
    assert str(info.value).splitlines() == [
        "rules.yaml:9:5: rules read each other through fired() in a loop: first -> second -> first"
    ]


def test_a_loop_closed_by_an_override_is_reported_where_the_override_says_it(catalog_of, write_yaml: WriteYaml) -> None:  # type: ignore[no-untyped-def]
    from clientcheck.errors import ConfigError

    write_yaml("team.yaml", HEADER + _red("first", "cost > 1") + _red("second", 'fired("first")'))
    override = 'version: 1\nextends: team.yaml\noverride:\n  first:\n    when: fired("second") or cost > 1\n'
    with pytest.raises(ConfigError) as info:
        catalog_of(override)
    # not at team.yaml's `- id: first`, which is fine as written: at the line that closes the loop
    assert str(info.value).splitlines() == [
        "rules.yaml:5:11: rules read each other through fired() in a loop: first -> second -> first"
    ]


def test_a_count_policy_names_known_severities(catalog_of) -> None:  # type: ignore[no-untyped-def]
    from clientcheck.errors import ConfigError

    rules = HEADER.replace("decline_if: {any_severity: [decline]}", "decline_if: {count: {cautio: 2}}")
    with pytest.raises(ConfigError) as info:
        catalog_of(rules + _red("late-payer", "cost > 1", "caution"))
    assert str(info.value).splitlines() == [
        "rules.yaml:6:24: count: unknown severity 'cautio'; did you mean 'caution'?"
    ]


# ---------------------------------------------------------------- meanings


def test_known_fires_on_nothing_and_not_once_answered(tmp_path: Path) -> None:
    """The done-when of issue 9: `not known(budget_amount)` on {} and on {budget_amount: 1}."""
    bundled = load_catalog()
    rules = tmp_path / "rules.yaml"
    rules.write_text(
        "version: 1\nextends: builtin\nrules:\n"
        "  - id: budget-unknown\n    kind: red-flag\n    title: Budget unknown\n    why: W\n    advice: Ask.\n"
        "    source: marketer\n"
        "    when: not known(budget_amount)\n    severity: caution\n",
        encoding="utf-8",
    )
    catalog = load_catalog(rules)
    assert len(catalog.rules) == len(bundled.rules) + 1

    def fired(values: dict[str, object]) -> bool:
        v = evaluate(catalog, validate(values, catalog, "x"))
        return any(f.rule.id == "budget-unknown" for f in v.red_flags)

    assert fired({}) is True
    assert fired({"budget_amount": None}) is True  # "don't know" is not known either
    assert fired({"budget_stated": True, "budget_amount": 1}) is False


def test_count_of_signs_decides_as_soon_as_the_unknowns_cannot_change_it(catalog_of) -> None:  # type: ignore[no-untyped-def]
    catalog = catalog_of(HEADER + _red("two-of-three", "count(a, b, c) >= 2"))

    def outcome(values: dict[str, object]) -> str:
        v = evaluate(catalog, validate(values, catalog, "x"))
        if v.red_flags:
            return "fired"
        return "undecided" if v.undecided else "not"

    assert outcome({"a": True, "b": True}) == "fired"
    assert outcome({"a": True}) == "undecided"
    assert outcome({"a": False, "b": False}) == "not"
    assert outcome({"a": True, "b": False, "c": True}) == "fired"


def test_count_of_ticked_choices(catalog_of) -> None:  # type: ignore[no-untyped-def]
    catalog = catalog_of(HEADER + _red("asks-much", "count(asks) >= 2"))
    v = evaluate(catalog, validate({"asks": ["free_sample", "discount"]}, catalog, "x"))
    assert [f.rule.id for f in v.red_flags] == ["asks-much"]
    assert evaluate(catalog, validate({"asks": ["discount"]}, catalog, "x")).red_flags == ()


def test_days_since_a_date_answer(catalog_of, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    catalog = catalog_of(HEADER + _red("long-silence", "days_since(last_paid) > 60"))
    assert validate({"last_paid": "2026-09-01"}, catalog, "x").values["last_paid"] == dt.date(2026, 9, 1)
    assert [f.rule.id for f in evaluate(catalog, validate({"last_paid": "2026-09-01"}, catalog, "x")).red_flags] == [
        "long-silence"
    ]
    assert evaluate(catalog, validate({"last_paid": "2026-11-01"}, catalog, "x")).red_flags == ()
    with pytest.raises(Exception) as info:
        validate({"last_paid": "1st of May"}, catalog, "x.yaml")
    assert str(info.value) == 'x.yaml: last_paid: "1st of May" is not a date; expected a date as YYYY-MM-DD'
    # the compiled batch path reads the same dates
    result = Engine(catalog).score({"last_paid": "2026-09-01"})
    assert result is not None and [f.id for f in result.red] == ["long-silence"]


def test_a_rule_can_read_another_rules_outcome(catalog_of) -> None:  # type: ignore[no-untyped-def]
    rules = HEADER + _red("both", 'fired("loss") and a', "decline") + _red("loss", "cost > revenue", "caution")
    catalog = catalog_of(rules)
    v = evaluate(catalog, validate({"cost": 2, "revenue": 1, "a": True}, catalog, "x"))
    assert [f.rule.id for f in v.red_flags] == ["both", "loss"]
    open_ = evaluate(catalog, validate({"a": True}, catalog, "x"))
    assert [(u.rule.id, u.ask) for u in open_.undecided] == [
        ("both", ("cost", "revenue")),
        ("loss", ("cost", "revenue")),
    ]


def test_two_high_flags_decline_under_a_counting_policy(catalog_of) -> None:  # type: ignore[no-untyped-def]
    header = HEADER.replace("caution: {weight: 2}", "caution: {weight: 2}\n    high: {weight: 3}").replace(
        "decline_if: {any_severity: [decline]}", "decline_if: {any_severity: [decline], count: {high: 2}}"
    )
    catalog = catalog_of(header + _red("one", "a", "high") + _red("two", "b", "high"))
    assert evaluate(catalog, validate({"a": True, "b": False}, catalog, "x")).verdict == "caution"
    both = evaluate(catalog, validate({"a": True, "b": True}, catalog, "x"))
    assert both.verdict == "decline"
    assert Engine(catalog).score({"a": True, "b": True}).verdict == "decline"  # type: ignore[union-attr]
    half = evaluate(catalog, validate({"a": True}, catalog, "x"))
    assert (half.verdict, half.best, half.worst) == ("caution", "caution", "decline")


# ---------------------------------------------------------------- the range on the command line


@pytest.mark.slow
def test_nothing_known_is_not_a_plain_go(cli: CliRunner) -> None:
    code, out, _ = invoke(cli, "check", "-", "--format", "json", input="{}")
    doc = json.loads(out)
    assert (code, doc["schema"], doc["verdict"], doc["range"], doc["settled"]) == (
        0,
        "clientcheck.verdict/2",
        "go",
        {"best": "go", "worst": "decline"},
        False,
    )
    code, out, _ = invoke(cli, "check", "-", "--lang", "en", input="{}")
    assert "GO so far — could still become CAUTION or DECLINE: 24 rules undecided\n" in out.replace(" │", "").replace(
        "  \n", "\n"
    )
    code, out, _ = invoke(cli, "check", "-", "--lang", "ru", "-f", "markdown", input="{}")
    assert "Пока вердикт «БРАТЬ», но он ещё может смениться на «ОСТОРОЖНО» или «ОТКАЗАТЬ» (24 правила не решены)" in out
    assert "Nothing here stops you" not in out


def test_an_unsettled_verdict_can_fail_a_pipeline(cli: CliRunner) -> None:
    assert invoke(cli, "check", "-", input="{}")[0] == 0
    assert invoke(cli, "check", "-", "--fail-on-reachable", input="{}")[0] == 1
    assert invoke(cli, "check", "-", "--fail-on-reachable", "--fail-on", "never", input="{}")[0] == 0


def test_a_settled_verdict_says_so(cli: CliRunner) -> None:
    code, out, _ = invoke(cli, "check", "-", "--format", "json", input='{"rude": true}')
    doc = json.loads(out)
    assert (code, doc["verdict"], doc["range"], doc["settled"]) == (
        1,
        "decline",
        {"best": "decline", "worst": "decline"},
        True,
    )


@pytest.mark.slow
def test_explain_agrees_with_check_where_it_used_to_say_fired(cli: CliRunner) -> None:
    """`asks: [free_sample]` alone: pay-if-i-like waits for the contract and the advance."""
    catalog = load_catalog()
    answers = validate({"asks": ["free_sample"]}, catalog, "x")
    verdict = evaluate(catalog, answers)
    assert "pay-if-i-like" in [u.rule.id for u in verdict.undecided]
    code, out, _ = invoke(cli, "explain", "-", "--format", "json", input='{"asks": ["free_sample"]}')
    assert code == 0
    rule = next(r for r in json.loads(out)["rules"] if r["id"] == "pay-if-i-like")
    assert rule["status"] == "undecided"


def test_a_comparison_of_yes_no_expressions_is_unknown_when_its_sides_are(catalog_of) -> None:  # type: ignore[no-untyped-def]
    """The batch path used to read `(x >= 3) != true` on nothing known as true."""
    catalog = catalog_of(HEADER + _red("odd", "(late_payments >= 3) != true"))
    engine = Engine(catalog)
    assert evaluate(catalog, Answers({})).verdict == "go"
    result = engine.score({})
    assert result is not None and result.verdict == "go" and [u.id for u in result.undecided] == ["odd"]


def test_a_99_operator_chain_runs_on_every_path(catalog_of) -> None:  # type: ignore[no-untyped-def]
    chain = "cost" + " + 1" * 98  # 99 operators with the comparison, within the 500 characters
    catalog = catalog_of(HEADER + _red("long", f"{chain} > 50"))
    engine = Engine(catalog)
    result = engine.score({"cost": 1})
    assert result is not None and [f.id for f in result.red] == ["long"]
    assert [f.rule.id for f in evaluate(catalog, validate({"cost": 1}, catalog, "x")).red_flags] == ["long"]


def test_a_saved_assessment_is_judged_again_as_of_its_own_day(
    catalog_of, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    """Time alone must not change a saved verdict: `today` is the day the assessment was made."""
    from clientcheck.history import reevaluate

    catalog = catalog_of(HEADER + _red("long-silence", "days_since(last_paid) > 60"))
    monkeypatch.setenv("CLIENTCHECK_TODAY", "2027-03-01")  # long after the assessment below
    saved = type("A", (), {})()
    saved.answers = {"last_paid": "2026-11-25"}
    saved.client, saved.id, saved.from_history = "X", 1, ()
    saved.created_at = dt.datetime(2026, 12, 1, 12, tzinfo=dt.UTC)
    verdict, _ = reevaluate(saved, catalog)  # type: ignore[arg-type]
    assert verdict.red_flags == ()
    now = evaluate(catalog, validate({"last_paid": "2026-11-25"}, catalog, "x"))
    assert [f.rule.id for f in now.red_flags] == ["long-silence"]


def test_dates_in_csv_cells_and_explain(catalog_of, tmp_path: Path, cli: CliRunner) -> None:  # type: ignore[no-untyped-def]
    catalog_of(HEADER + _red("long-silence", "days_since(last_paid) > 60"))
    Path("clientcheck.yaml").write_text("", encoding="utf-8")
    Path("leads.csv").write_text("client;last_paid\nA;01.08.2026\nB;2026-11-20\nC;31.02.2026\n", encoding="utf-8")
    code, out, err = invoke(cli, "check", "leads.csv", "-f", "csv", "--fail-on", "never")
    assert code == 4 and err.splitlines()[0] == (
        'leads.csv:4: last_paid: "31.02.2026" is not a date; expected a date as YYYY-MM-DD'
    )
    rows = [line.split(",")[2:4] for line in out.splitlines()[1:]]
    assert rows == [["A", "decline"], ["B", "go"]]
    code, out, _ = invoke(cli, "explain", "-", "--format", "json", input='{"last_paid": "2026-09-01"}')
    rule = next(r for r in json.loads(out)["rules"] if r["id"] == "long-silence")
    assert (code, rule["status"], rule["levels"][0]["tests"][0]["answers"]) == (0, "fired", {"last_paid": "2026-09-01"})


def test_a_huge_number_in_a_condition_is_one_line(catalog_of) -> None:  # type: ignore[no-untyped-def]
    from clientcheck.errors import ConfigError

    with pytest.raises(ConfigError) as info:
        catalog_of(HEADER + _red("huge", "cost * 10000000000000000 > 1"))
    assert str(info.value).splitlines() == [
        "rules.yaml:15:19: when: number is too large (at most 15 digits before the point)"
    ]
    catalog = catalog_of(HEADER + _red("big", " * ".join(["cost"] * 22) + " * 1.5 > 1"))
    verdict = evaluate(catalog, validate({"cost": 10**15}, catalog, "x"))  # past what a float holds
    assert verdict.red_flags == () and [u.rule.id for u in verdict.undecided] == []


def test_a_settled_verdict_lists_nothing_to_ask(cli: CliRunner) -> None:
    code, out, _ = invoke(cli, "check", "-", "--lang", "en", input='{"rude": true}')
    assert code == 1 and "Ask next" not in out
    code, out, _ = invoke(cli, "check", "-", "--lang", "en", input="{}")
    assert code == 0 and "Ask next" in out  # the control: an open verdict does
