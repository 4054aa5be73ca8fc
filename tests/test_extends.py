"""extends / disable / override in rules and questions files."""

from __future__ import annotations

from pathlib import Path

import pytest

from clientcheck.errors import ConfigError
from clientcheck.loader import bundled_questions, load_catalog
from clientcheck.model import Catalog
from clientcheck.rulestest import run
from tests.conftest import SMALL_QUESTIONS, SMALL_RULES, WriteYaml

NEW_RULE = """\
  - id: crypto-only
    kind: red-flag
    title: {en: Pays only in crypto, ru: Платит только криптовалютой}
    source: marketer
    why: {en: Hard to get back., ru: Трудно вернуть.}
    advice: {en: Ask for a bank transfer., ru: Попросите банковский перевод.}
    when: crypto_only
    severity: caution
    examples:
      - {answers: {crypto_only: true}, fires: caution}
"""

CRYPTO_SECTION = """\
section: crypto
title: {en: Crypto, ru: Криптовалюта}
questions:
  - id: crypto_only
    type: yesno
    text: {en: Do they pay only in crypto?, ru: Платят только криптовалютой?}
"""


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "clientcheck.yaml").write_text("", encoding="utf-8")  # a project: its files are used
    return tmp_path


def _load(questions: str = "questions") -> Catalog:
    return load_catalog(Path("rules.yaml"), Path(questions))


def _problems(questions: str = "questions") -> list[str]:
    with pytest.raises(ConfigError) as info:
        _load(questions)
    return str(info.value).splitlines()


@pytest.mark.slow
def test_add_disable_and_override_without_copying(here: Path, write_yaml: WriteYaml) -> None:
    write_yaml("questions/00-extends.yaml", "extends: builtin\n")
    write_yaml("questions/35-crypto.yaml", CRYPTO_SECTION)
    write_yaml(
        "rules.yaml",
        "version: 1\n"
        "extends: builtin\n"
        "disable: [rude]\n"
        "override:\n"
        "  petty-complainer:\n"
        "    severity: high\n"
        "    advice: {en: Write every complaint down., ru: Записывайте каждую жалобу.}\n"
        "  long-term: {weight: 3}\n"
        "  late-payer:\n"
        "    levels: [{}, {severity: high, weight: 4}, {}]\n"
        "rules:\n" + NEW_RULE,
    )
    catalog = _load()
    builtin = load_catalog()
    ids = [r.id for r in catalog.rules]
    assert ids == [r.id for r in builtin.rules if r.id != "rude"] + ["crypto-only"]
    petty = catalog.rule("petty-complainer")
    assert petty is not None and petty.levels[0].severity == "high" and petty.levels[0].weight == 3
    assert petty.advice.get("ru") == "Записывайте каждую жалобу."
    assert petty.title == builtin.rule("petty-complainer").title  # type: ignore[union-attr]
    long_term = catalog.rule("long-term")
    assert long_term is not None and long_term.levels[0].weight == 3
    late = catalog.rule("late-payer")
    assert late is not None and [(lv.severity, lv.weight) for lv in late.levels] == [
        ("decline", 10),
        ("high", 4),
        ("note", 0),
    ]
    # the new section sits between the builtin 30-budget and 40-terms, by file name
    assert [s.id for s in catalog.sections][2:5] == ["budget", "crypto", "terms"]
    crypto = catalog.rule("crypto-only")
    assert crypto is not None and crypto.mark is not None and crypto.mark.file == "rules.yaml"
    # inherited examples still run; after a new severity they check only that the rule fires
    result = run(catalog)
    assert (result.failures, result.uncovered, result.coverage) == ((), (), 100.0)


@pytest.mark.slow
def test_mistakes_in_overrides_point_into_the_users_file(here: Path, write_yaml: WriteYaml) -> None:
    write_yaml(
        "rules.yaml",
        """\
        version: 1
        extends: builtin
        disable: [rudee]
        override:
          late-payr: {weight: 2}
          petty-complainer:
            severity: hihg
            colour: red
          late-payer:
            severity: high
            levels: [{}, {}]
        """,
    )
    assert _problems(str(bundled_questions())) == [
        "rules.yaml:3:11: disable: no rule 'rudee' to disable; did you mean 'rude'?",
        "rules.yaml:5:3: override: no rule 'late-payr' to override; did you mean 'late-payer'?",
        "rules.yaml:8:5: unknown field 'colour' in the override of 'petty-complainer'",
        "rules.yaml:11:13: levels: rule 'late-payer' has 3 levels; give one entry per level, in order ({} keeps a level)",
        "rules.yaml:10:5: severity: a rule with levels sets 'severity' on each level",
        "rules.yaml:7:15: severity: 'hihg' is not a severity (note, low, caution, high, decline); did you mean 'high'?",
    ]


def test_disable_and_override_need_extends(here: Path, write_yaml: WriteYaml) -> None:
    write_yaml("questions/10-pay.yaml", SMALL_QUESTIONS + "disable: [notes]\n")
    write_yaml("rules.yaml", SMALL_RULES + "disable: [unprofitable]\n")
    assert _problems() == [
        "questions/10-pay.yaml:37:1: disable: only a file that extends another can use 'disable'; add 'extends: builtin'",
        "rules.yaml:51:1: disable: only a file that extends another can use 'disable'; add 'extends: builtin'",
    ]


def test_extends_a_relative_path_and_a_policy_patch(here: Path, write_yaml: WriteYaml) -> None:
    write_yaml("base/rules.yaml", SMALL_RULES)
    write_yaml("questions/10-pay.yaml", SMALL_QUESTIONS)
    write_yaml(
        "rules.yaml",
        """\
        version: 1
        extends: base/rules.yaml
        policy:
          severities:
            high: {weight: 5, label: {en: high, ru: высокая}}
            fatal: {weight: 20, label: {en: fatal, ru: фатально}}
          caution_if: {min_score: 1}
        override:
          unprofitable: {severity: fatal}
        """,
    )
    catalog = _load()
    assert list(catalog.policy.severities) == ["note", "caution", "high", "decline", "fatal"]
    assert catalog.policy.severities["high"].weight == 5
    assert catalog.policy.caution_if.min_score == 1 and catalog.policy.decline_if.min_score == 6
    rule = catalog.rule("unprofitable")
    assert rule is not None and (rule.levels[0].severity, rule.levels[0].weight) == ("fatal", 20)


def test_extends_may_not_leave_its_folder_nor_go_round_in_circles(here: Path, write_yaml: WriteYaml) -> None:
    write_yaml("questions/10-pay.yaml", SMALL_QUESTIONS)
    write_yaml("rules.yaml", "version: 1\nextends: ../elsewhere/rules.yaml\n")
    assert _problems() == [
        "rules.yaml:2:10: extends: '../elsewhere/rules.yaml' leads outside this folder; extends takes 'builtin' or a "
        "path inside that folder (copy the rules file there)"
    ]
    write_yaml("rules.yaml", "version: 1\nextends: /etc/passwd\n")
    assert _problems()[0].startswith("rules.yaml:2:10: extends: '/etc/passwd' leads outside")
    write_yaml("rules.yaml", "version: 1\nextends: other.yaml\n")
    write_yaml("other.yaml", "version: 1\nextends: rules.yaml\n")
    assert _problems() == [
        "other.yaml:2:10: extends: rules.yaml is already being extended (a file cannot extend itself, directly or not)"
    ]
    write_yaml("rules.yaml", "version: 1\nextends: missing.yaml\n")
    assert _problems() == ["missing.yaml: no such file"]


@pytest.mark.slow
def test_questions_disable_override_and_what_depends_on_them(here: Path, write_yaml: WriteYaml) -> None:
    write_yaml("rules.yaml", "version: 1\nextends: builtin\n")
    write_yaml(
        "questions/00-extends.yaml",
        """\
        extends: builtin
        disable: [worked_before, rude]
        override:
          late_payments: {max: 50, text: {en: Late invoices?, ru: Просроченных счетов?}}
        """,
    )
    builtin = load_catalog()

    def at(rule: str = "", question: str = "") -> str:
        found = builtin.rule(rule).mark if rule else builtin.questions[question].mark  # type: ignore[union-attr]
        assert found is not None and found.file.endswith(("rules.yaml", "20-history.yaml", "70-behaviour.yaml"))
        return str(found)

    assert _problems() == [
        f"questions/00-extends.yaml:2:11: disable: question 'worked_before' is disabled, but question "
        f"'late_payments' ({at(question='late_payments')}) is asked only depending on it; disable that question too, or "
        "override its 'when'",
        f"questions/00-extends.yaml:2:11: disable: question 'worked_before' is disabled, but rule 'late-payer' "
        f"({at('late-payer')}) uses it; disable or override that rule too",
        f"questions/00-extends.yaml:2:26: disable: question 'rude' is disabled, but rule 'rude' ({at('rude')}) "
        "uses it; disable or override that rule too",
        f"questions/00-extends.yaml:2:11: disable: question 'worked_before' is disabled, but rule 'pays-on-time' "
        f"({at('pays-on-time')}) uses it; disable or override that rule too",
    ]


@pytest.mark.slow
def test_questions_override_applies(here: Path, write_yaml: WriteYaml) -> None:
    write_yaml("rules.yaml", "version: 1\nextends: builtin\n")
    write_yaml(
        "questions/00-extends.yaml",
        """\
        extends: builtin
        override:
          late_payments: {max: 50, text: {en: Late invoices?, ru: Просроченных счетов?}}
          discount_pct: {min: -1}
          nope_question: {max: 1}
        """,
    )
    assert _problems() == [
        "questions/00-extends.yaml:5:3: override: no question 'nope_question' to override",
    ]
    write_yaml(
        "questions/00-extends.yaml",
        "extends: builtin\noverride:\n  late_payments: {max: 50, text: {en: Late invoices?, ru: Просроченных счетов?}}\n",
    )
    q = _load().questions["late_payments"]
    assert (q.max, q.text.get("en"), q.section) == (50, "Late invoices?", "history")


def test_a_new_condition_drops_inherited_examples_and_overrides_can_add_some(here: Path, write_yaml: WriteYaml) -> None:
    write_yaml("questions/10-pay.yaml", SMALL_QUESTIONS)
    write_yaml(
        "base.yaml",
        SMALL_RULES.replace(
            "    when: cost > revenue\n    severity: high\n",
            "    when: cost > revenue\n    severity: high\n    examples:\n"
            "      - {answers: {cost: 2, revenue: 1}, fires: high}\n",
        ),
    )
    write_yaml(
        "rules.yaml",
        """\
        version: 1
        extends: base.yaml
        override:
          unprofitable:
            when: cost > revenue * 2
            examples:
              - {answers: {cost: 3, revenue: 1}, fires: high}
              - {answers: {cost: 2, revenue: 1}, fires: false}
        """,
    )
    rule = _load().rule("unprofitable")
    assert rule is not None and rule.levels[0].when.source == "cost > revenue * 2"
    assert [(dict(e.answers), e.fires, str(e.mark)) for e in rule.examples] == [
        ({"cost": 3, "revenue": 1}, "high", "rules.yaml:7:9"),
        ({"cost": 2, "revenue": 1}, False, "rules.yaml:8:9"),
    ]
