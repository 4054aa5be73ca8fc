from __future__ import annotations

from pathlib import Path

import pytest

from clientcheck.loader import load_catalog
from clientcheck.rulestest import run
from tests.conftest import SMALL_QUESTIONS, SMALL_RULES, WriteYaml


@pytest.mark.slow
def test_the_bundled_catalog_passes_with_full_coverage() -> None:
    result = run(load_catalog())
    assert result.failures == ()
    assert result.uncovered == ()
    assert result.coverage == 100.0 and result.rules == len(load_catalog().rules) > 20
    assert result.examples >= 2 * result.rules


EXAMPLES = {
    "late-payer": """\
    examples:
      - {answers: {worked_before: true, late_payments: 2}, fires: caution}
      - {answers: {worked_before: true, late_payments: 2}, fires: decline}
      - {answers: {worked_before: true, late_payments: 1}, fires: false}
      - {answers: {worked_before: true}, fires: false}
      - {answers: {worked_before: true, late_payments: 3}, fires: true, verdict: caution}
""",
    "pay-if-i-like": """\
    examples:
      - {answers: {advance: partial, asks: [free_sample]}, fires: true}
""",
    "unprofitable": """\
    examples:
      - {answers: {cost: 1, revenue: 2}, fires: false}
""",
}


@pytest.fixture
def catalog_with_examples(write_yaml: WriteYaml, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "clientcheck.yaml").write_text("", encoding="utf-8")  # a project: its files are used
    rules = SMALL_RULES
    for rid, block in EXAMPLES.items():
        # each rule's examples go right before the next rule (or at the end)
        start = rules.index(f"  - id: {rid}\n")
        nxt = rules.find("  - id: ", start + 1)
        nxt = len(rules) if nxt < 0 else nxt
        rules = rules[:nxt] + block + rules[nxt:]
    write_yaml("questions/10-pay.yaml", SMALL_QUESTIONS)
    return write_yaml("rules.yaml", rules)


def test_failures_say_where_and_what_happened(catalog_with_examples: Path) -> None:
    result = run(load_catalog(Path("rules.yaml"), Path("questions")))
    assert [str(f) for f in result.failures] == [
        "rules.yaml:30:9: late-payer: expected it to fire at 'decline', but it fired at 'caution' (late_payments: 2)",
        "rules.yaml:31:9: late-payer: expected it not to fire, but it fired at 'note' (late_payments: 1)",
        "rules.yaml:32:9: late-payer: expected it not to fire, but it is undecided (it needs: late_payments)",
        "rules.yaml:33:9: late-payer: expected the verdict caution, got decline (score 10)",
        "rules.yaml:43:9: pay-if-i-like: expected it to fire, but it did not fire",
    ]
    assert result.examples == 7
    # a rule with only examples where it stays silent is not covered
    assert result.uncovered == ("unprofitable", "pays-on-time")
    assert (result.covered, result.rules, result.coverage) == (2, 4, 50.0)


def test_russian_messages(catalog_with_examples: Path) -> None:
    result = run(load_catalog(Path("rules.yaml"), Path("questions")), "ru")
    assert str(result.failures[0]) == (
        "rules.yaml:30:9: late-payer: ожидалось срабатывание на уровне «decline», но оно сработало на уровне "
        "«caution» (late_payments: 2)"
    )


DATED_QUESTIONS = """\
section: dates
title: {en: Dates, ru: Даты}
questions:
  - {id: last_paid, type: date, text: {en: Last payment, ru: Последняя оплата}}
"""

DATED_RULE = """\
  - id: silent-payer
    kind: red-flag
    title: {en: Silent, ru: Молчит}
    source: marketer
    why: {en: W, ru: П}
    advice: {en: A, ru: С}
    when: days_since(last_paid) > 60
    severity: caution
    examples:
      - {answers: {last_paid: 2026-04-01}, fires: caution, today: 2026-06-01}
      - {answers: {last_paid: 2026-04-01}, fires: false, today: 2026-05-01}
      - {answers: {last_paid: 2026-04-01}, fires: caution}
"""


def test_an_example_pins_its_own_date_so_it_does_not_drift(
    write_yaml: WriteYaml, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write_yaml("questions/10-pay.yaml", SMALL_QUESTIONS)
    write_yaml("questions/20-dates.yaml", DATED_QUESTIONS)
    write_yaml("rules.yaml", SMALL_RULES + DATED_RULE)
    start = SMALL_RULES.count("\n") + 1  # the line of `- id: silent-payer`
    catalog = load_catalog(Path("rules.yaml"), Path("questions"))
    for today in ("2026-04-02", "2031-01-01"):  # the day the examples run on does not matter to the pinned ones
        monkeypatch.setenv("CLIENTCHECK_TODAY", today)
        failures = [str(f) for f in run(catalog).failures if f.rule == "silent-payer"]
        # only the unpinned example moves with the day it is run
        unpinned = (
            f"rules.yaml:{start + 11}:9: silent-payer: expected it to fire at 'caution', but it did not fire "
            f"(today: {today}, the day of this run)"
        )
        assert failures == ([unpinned] if today == "2026-04-02" else [])


def test_a_bad_example_date_is_one_line(write_yaml: WriteYaml, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from clientcheck.errors import ConfigError

    monkeypatch.chdir(tmp_path)
    write_yaml("questions/10-pay.yaml", SMALL_QUESTIONS)
    write_yaml("questions/20-dates.yaml", DATED_QUESTIONS)
    write_yaml("rules.yaml", SMALL_RULES + DATED_RULE.replace("today: 2026-05-01", "today: 2026-13-01"))
    start = SMALL_RULES.count("\n") + 1
    with pytest.raises(ConfigError) as info:
        load_catalog(Path("rules.yaml"), Path("questions"))
    assert str(info.value).splitlines() == [
        f"rules.yaml:{start + 10}:65: today: expected a date as YYYY-MM-DD, got '2026-13-01'"
    ]


def test_a_failure_of_a_date_rule_says_the_day_it_was_judged_on(
    write_yaml: WriteYaml, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The example's own today, or the day of the run for a rule that reads the date; without it
    `days_since(last_paid) > 60` failing on `last_paid: 2026-04-01` cannot be understood."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CLIENTCHECK_TODAY", "2026-12-02")
    write_yaml("questions/10-pay.yaml", SMALL_QUESTIONS)
    write_yaml("questions/20-dates.yaml", DATED_QUESTIONS)
    flipped = (
        DATED_RULE.replace("fires: caution, today: 2026-06-01", "fires: false, today: 2026-06-01")
        .replace("fires: false, today: 2026-05-01", "fires: true, today: 2026-05-01")
        .replace("fires: caution}\n", "fires: false}\n")
    )
    missing = """\
  - id: no-revenue
    kind: note
    title: {en: N, ru: Н}
    source: marketer
    why: {en: W, ru: П}
    advice: {en: A, ru: С}
    when: not known(revenue) and cost > 1
    examples:
      - {answers: {cost: 5, revenue: null}, fires: false}
      - {answers: {cost: 5}, fires: false, verdict: decline, today: 2026-01-01}
"""
    write_yaml("rules.yaml", SMALL_RULES + flipped + missing)
    start = SMALL_RULES.count("\n") + 1  # the line of `- id: silent-payer`
    catalog = load_catalog(Path("rules.yaml"), Path("questions"))
    assert [str(f) for f in run(catalog).failures] == [
        f"rules.yaml:{start + 9}:9: silent-payer: expected it not to fire, but it fired at 'caution' "
        "(last_paid: 2026-04-01, today: 2026-06-01)",
        f"rules.yaml:{start + 10}:9: silent-payer: expected it to fire, but it did not fire (today: 2026-05-01)",
        f"rules.yaml:{start + 11}:9: silent-payer: expected it not to fire, but it fired at 'caution' "
        "(last_paid: 2026-04-01, today: 2026-12-02, the day of this run)",
        # a rule that fired on a missing answer names it; a rule that does not read the date gets
        # the day only when its example pins one
        f"rules.yaml:{start + 20}:9: no-revenue: expected it not to fire, but it fired (cost: 5, revenue: don't know)",
        f"rules.yaml:{start + 21}:9: no-revenue: expected it not to fire, but it fired "
        "(cost: 5, revenue: not answered, today: 2026-01-01)",
    ]
    assert [str(f) for f in run(catalog, "ru").failures][1:3] == [
        f"rules.yaml:{start + 10}:9: silent-payer: ожидалось, что правило сработает, но оно не сработало "
        "(сегодня: 2026-05-01)",
        f"rules.yaml:{start + 11}:9: silent-payer: ожидалось, что правило не сработает, но оно сработало на уровне "
        "«caution» (last_paid: 2026-04-01, сегодня: 2026-12-02 — день этого запуска)",
    ]
