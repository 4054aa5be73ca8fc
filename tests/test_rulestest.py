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
