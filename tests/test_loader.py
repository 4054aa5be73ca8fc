from __future__ import annotations

from pathlib import Path

import pytest

from clientcheck.errors import ConfigError
from clientcheck.loader import bundled_questions, bundled_rules, load_catalog
from tests.conftest import SMALL_QUESTIONS, WriteYaml

HEADER = """\
version: 1
policy:
  severities:
    caution: {weight: 2}
    decline: {weight: 10}
  decline_if: {any_severity: [decline]}
  caution_if: {min_score: 2}
rules:
"""  # 8 lines: the first rule starts on line 9

RULE = """\
  - id: late-payer
    kind: red-flag
    title: Pays late
    source: marketer
    why: They make you their lender.
    advice: Ask for payment on time.
"""  # lines 9-14


@pytest.fixture
def load(write_yaml: WriteYaml, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """Write questions + rules under the cwd and load them; returns the problems as text lines."""
    monkeypatch.chdir(tmp_path)
    write_yaml("questions/10-pay.yaml", SMALL_QUESTIONS)

    def run(rules: str, questions: dict[str, str] | None = None) -> list[str]:
        for name, text in (questions or {}).items():
            write_yaml(f"questions/{name}", text)
        write_yaml("rules.yaml", rules)
        try:
            load_catalog(Path("rules.yaml"), Path("questions"))
        except ConfigError as exc:
            return str(exc).splitlines()
        return []

    return run


@pytest.mark.slow
def test_the_bundled_catalog_loads() -> None:
    catalog = load_catalog()
    assert catalog.rules and catalog.questions
    assert load_catalog().digest == catalog.digest  # same files, same digest
    assert bundled_rules().name == "rules.yaml" and bundled_questions().is_dir()


def test_a_valid_small_catalog_has_no_problems(load) -> None:  # type: ignore[no-untyped-def]
    assert load(HEADER + RULE + "    when: late_payments >= 3\n    severity: decline\n") == []


def test_misspelled_question_behind_and_is_refused_with_a_suggestion(load) -> None:  # type: ignore[no-untyped-def]
    problems = load(HEADER + RULE + "    when: worked_before and late_paymnts >= 3\n    severity: decline\n")
    assert problems == ["rules.yaml:15:29: when: unknown question 'late_paymnts'; did you mean 'late_payments'?"]


def test_quoted_conditions_point_inside_the_quotes(load) -> None:  # type: ignore[no-untyped-def]
    problems = load(HEADER + RULE + "    when: 'advance == \"nonee\"'\n    severity: decline\n")
    assert problems == [
        "rules.yaml:15:23: when: 'nonee' is not a choice of 'advance' (choices: none, partial); did you mean 'none'?"
    ]


def test_every_problem_is_reported_in_one_run(load) -> None:  # type: ignore[no-untyped-def]
    rules = (
        HEADER
        + RULE
        + "    when: late_payments >= 3\n    severty: decline\n"  # 15-16
        + RULE.replace("Pays late", "Twice")  # 17-22: a duplicate id
        + "    when: late_payments > 1\n    severity: fatal\n"  # 23-24
        + "  - id: Bad_Id\n    kind: red-flg\n"  # 25-26
    )
    assert load(rules) == [
        # one mistake, one line: not also "a red flag needs 'severity'"
        "rules.yaml:16:5: unknown field 'severty' in a rule; did you mean 'severity'?",
        "rules.yaml:24:15: severity: 'fatal' is not a severity (caution, decline)",
        # said although both rules have mistakes of their own
        "rules.yaml:17:9: duplicate rule id 'late-payer' (first at rules.yaml:9:9)",
        "rules.yaml:25:5: a rule is missing the field 'title'",
        "rules.yaml:25:5: a rule is missing the field 'why'",
        "rules.yaml:25:5: a rule is missing the field 'advice'",
        "rules.yaml:25:5: a rule is missing the field 'source'",
        "rules.yaml:25:9: id: a rule id must start with a letter and use only lowercase letters, digits and -, got 'Bad_Id'",
        "rules.yaml:26:11: kind: 'red-flg' is not a rule kind (red-flag, good-sign, note); did you mean 'red-flag'?",
    ]


def test_duplicate_rule_ids(load) -> None:  # type: ignore[no-untyped-def]
    rule = RULE + "    when: late_payments >= 3\n    severity: decline\n"
    assert load(HEADER + rule + rule) == ["rules.yaml:17:9: duplicate rule id 'late-payer' (first at rules.yaml:9:9)"]


@pytest.mark.slow
def test_yaml_syntax_error_in_rules(load) -> None:  # type: ignore[no-untyped-def]
    assert load(HEADER + "  - id: [unclosed\n") == [
        "rules.yaml:10:1: YAML syntax error: did not find expected ',' or ']'"
    ]


def test_duplicate_keys_are_errors_not_overwrites(load) -> None:  # type: ignore[no-untyped-def]
    rule = RULE + "    when: late_payments >= 3\n    severity: decline\n    severity: caution\n"
    assert load(HEADER + rule) == ["rules.yaml:17:5: duplicate key 'severity' (first at line 16)"]


def test_levels_are_checked_one_by_one(load) -> None:  # type: ignore[no-untyped-def]
    rule = RULE + (
        "    levels:\n"  # 15
        "      - when: late_payments >= 3\n"
        "        severity: decline\n"
        "      - when: late_payments >= two\n"  # 18
        "        severity: caution\n"
    )
    assert load(HEADER + rule) == ["rules.yaml:18:32: when: unknown question 'two'"]


def test_question_problems_and_when_order(load) -> None:  # type: ignore[no-untyped-def]
    extra = """\
    section: more
    title: More
    questions:
      - id: stage
        type: choice
        text: Stage?
        when: later_one
        choices:
          - {id: no, text: No}
      - id: later_one
        type: yesno
        text: Later?
      - id: worked_before
        type: yesno
        text: Duplicate
      - id: count
        type: integer
        text: How many?
        min: 5
        max: 1
        default: 9
    """
    rule = RULE + "    when: late_payments >= 3\n    severity: decline\n"
    assert load(HEADER + rule, {"20-more.yaml": extra}) == [
        'questions/20-more.yaml:9:14: id: YAML reads no as false; write "no" in quotes',
        'questions/20-more.yaml:9:24: text: YAML reads No as false; write "No" in quotes',
        "questions/20-more.yaml:7:11: when: 'later_one' is asked later; 'when' may only use earlier questions",
        "questions/20-more.yaml:13:9: duplicate question id 'worked_before' (first at questions/10-pay.yaml:4:9)",
        "questions/20-more.yaml:19:10: min (5) is greater than max (1)",
        "questions/20-more.yaml:21:14: default: 9 is out of range; expected a whole number from 5 to 1",
    ]


def test_examples_are_validated_like_answers(load) -> None:  # type: ignore[no-untyped-def]
    rule = RULE + (
        "    when: late_payments >= 3\n"
        "    severity: decline\n"
        "    examples:\n"  # 17
        "      - answers: {late_paymets: 3}\n"
        "        fires: fatal\n"
        "      - answers: {late_payments: -1}\n"  # 20
        "        fires: false\n"
    )
    assert load(HEADER + rule) == [
        "rules.yaml:19:16: fires: expected one of true, false, decline, got 'fatal'",
        "rules.yaml:20:19: late_payments: -1 is out of range; expected a whole number from 0 to 100",
    ]


def test_a_misnamed_severity_is_one_line_not_one_more_per_example(load) -> None:  # type: ignore[no-untyped-def]
    """A typo in a level's severity was also reported at every example expecting that level."""
    rule = RULE + (
        "    levels:\n"
        "      - when: late_payments >= 3\n"
        "        severity: declin\n"  # 17
        "    examples:\n"
        "      - answers: {late_payments: 3}\n"
        "        fires: decline\n"  # 20
        "      - answers: {late_payments: 4}\n"
        "        fires: fatal\n"  # 22: wrong whatever the level meant
    )
    assert load(HEADER + rule) == [
        "rules.yaml:17:19: severity: 'declin' is not a severity (caution, decline); did you mean 'decline'?",
        "rules.yaml:22:16: fires: expected one of true, false, caution, decline, got 'fatal'",
    ]


def test_missing_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigError) as info:
        load_catalog(Path("nope.yaml"), Path("noqs"))
    assert str(info.value).splitlines() == ["noqs: no such questions directory", "nope.yaml: no such file"]


def test_empty_files_are_mistakes(load, write_yaml: WriteYaml) -> None:  # type: ignore[no-untyped-def]
    assert load("") == ["rules.yaml:1: the file is empty (see docs/rules.md for what it holds)"]
    rule = RULE + "    when: late_payments >= 3\n    severity: decline\n"
    assert load(HEADER + rule, {"99-new.yml": ""}) == [
        "questions/99-new.yml:1: the file is empty (see docs/rules.md for what it holds)"
    ]


def test_a_rule_missing_its_texts_names_each_missing_field_once(load) -> None:  # type: ignore[no-untyped-def]
    """The fields check and the texts check both read a rule's title, why and advice: one mistake,
    one line (it was said twice)."""
    assert load(HEADER + "  - id: x\n    kind: red-flag\n    when: late_payments >= 3\n") == [
        "rules.yaml:9:5: a rule is missing the field 'title'",
        "rules.yaml:9:5: a rule is missing the field 'why'",
        "rules.yaml:9:5: a rule is missing the field 'advice'",
        "rules.yaml:9:5: a rule is missing the field 'source'",
        "rules.yaml:9:5: a red flag needs 'severity' (or 'levels')",
    ]


def test_unit_word_forms_are_counted_per_language(load) -> None:  # type: ignore[no-untyped-def]
    extra = """\
    section: more
    title: More
    questions:
      - id: wait
        type: number
        text: Wait?
        unit: {en: [day], ru: [день, дня]}
      - id: count
        type: integer
        text: How many?
        unit: {en: [piece, pieces], ru: [штука, штуки, '']}
      - id: fine
        type: integer
        text: Fine?
        unit: {en: [week, weeks], ru: нед.}
    """
    rule = RULE + "    when: late_payments >= 3\n    severity: decline\n"
    assert load(HEADER + rule, {"20-more.yaml": extra}) == [
        "questions/20-more.yaml:7:16: unit.en: expected two word forms, for 1 and for more: `[day, days]`",
        "questions/20-more.yaml:7:27: unit.ru: expected three word forms, for 1, 2 and 5: `[день, дня, дней]`",
        "questions/20-more.yaml:11:37: unit.ru: expected three word forms, for 1, 2 and 5: `[день, дня, дней]`",
    ]
