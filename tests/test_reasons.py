"""What every format shows as a finding's reasons (reasons.py): the answers, and the answers missing."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.conftest import SMALL_QUESTIONS, SMALL_RULES, WriteYaml, invoke

UNKNOWN_RULES = (
    SMALL_RULES
    + """\
  - id: no-budget
    kind: red-flag
    title: {en: No budget named, ru: Бюджет не назван}
    source: marketer
    why: {en: W, ru: П}
    advice: {en: Ask for the budget., ru: Спросите бюджет.}
    when: not known(revenue)
    severity: caution
  - id: mystery
    kind: good-sign
    title: {en: Mystery, ru: Загадка}
    source: marketer
    why: {en: W, ru: П}
    advice: {en: A, ru: С}
    when: count(not known(cost), not known(late_payments)) >= 2
  - id: either
    kind: note
    title: {en: Either, ru: Либо}
    source: marketer
    why: {en: W, ru: П}
    advice: {en: Either way., ru: Так или иначе.}
    when: advance == "partial" or cost > 5
"""
)


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, write_yaml: WriteYaml) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "clientcheck.yaml").write_text("", encoding="utf-8")
    monkeypatch.delenv("CLIENTCHECK_RULES", raising=False)
    monkeypatch.delenv("CLIENTCHECK_QUESTIONS", raising=False)
    write_yaml("questions/10-pay.yaml", SMALL_QUESTIONS)
    write_yaml("rules.yaml", UNKNOWN_RULES)
    # cost: "don't know"; revenue: not answered; late_payments: its question does not apply
    write_yaml("a.yaml", "worked_before: false\ncost: null\nadvance: partial\n")
    return tmp_path


def test_a_rule_that_fires_on_a_missing_answer_says_which_in_markdown(here: Path, cli: CliRunner) -> None:
    code, out, err = invoke(cli, "check", "a.yaml", "--format", "markdown", "--lang", "en")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert "| **No budget named** (`no-budget`) | caution | `revenue`: not answered | Ask for the budget. |" in lines
    # a count over unknowns: each unknown it counted, as it is unknown
    assert "| Mystery | `cost`: don't know<br>`late_payments`: does not apply |" in lines
    code, out, err = invoke(cli, "check", "a.yaml", "--format", "markdown", "--lang", "ru")
    lines = out.splitlines()
    assert "| **Бюджет не назван** (`no-budget`) | осторожно | `revenue`: без ответа | Спросите бюджет. |" in lines
    assert "| Загадка | `cost`: не знаю<br>`late_payments`: не относится к делу |" in lines


def test_a_rule_that_fires_on_a_missing_answer_says_which_in_the_table(here: Path, cli: CliRunner) -> None:
    code, out, err = invoke(cli, "check", "a.yaml", "--lang", "en")
    assert (code, err) == (0, "")
    verdict_part = out.split("Ask next")[0]
    rows = [line for line in verdict_part.splitlines() if "budget" in line or "ystery" in line]
    cells = [[c.strip() for c in row.split("│")[1:-1]] for row in rows]
    assert cells == [
        ["No budget named", "caution", "revenue: not answered", "Ask for the budget."],
        ["no-budget", "", "", ""],
        ["Mystery", "cost: don't know"],
        ["mystery", "late_payments: does not apply"],
    ]
    code, out, err = invoke(cli, "check", "a.yaml", "--lang", "ru")
    assert (code, err) == (0, "")
    assert "revenue: без ответа" in out and "cost: не знаю" in out and "late_payments: не относится к делу" in out


def test_an_unknown_on_the_untaken_side_of_an_or_is_no_reason(here: Path) -> None:
    """`advance == "partial" or cost > 5` fired on advance: the unknown cost decided nothing."""
    from clientcheck.answers import read_answers
    from clientcheck.evaluate import evaluate
    from clientcheck.loader import load_catalog
    from clientcheck.reasons import all_reasons

    catalog = load_catalog(Path("rules.yaml"), Path("questions"))
    verdict = evaluate(catalog, read_answers("a.yaml", catalog))
    why = all_reasons(verdict, catalog, "en")
    (note,) = verdict.notes
    assert why[id(note)].because(catalog, "en") == [("advance", "Partial")]
    code, out, err = invoke(CliRunner(), "check", "a.yaml", "--lang", "en", "--format", "markdown")
    assert (code, err) == (0, "")
    assert "- Either way." in out.splitlines()
