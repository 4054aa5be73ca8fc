from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from clientcheck.lint import lint
from clientcheck.loader import bundled_questions, bundled_rules
from tests.conftest import SMALL_QUESTIONS, SMALL_RULES, WriteYaml, invoke


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "clientcheck.yaml").write_text("", encoding="utf-8")  # a project: its files are used
    monkeypatch.delenv("CLIENTCHECK_RULES", raising=False)
    monkeypatch.delenv("CLIENTCHECK_QUESTIONS", raising=False)
    return tmp_path


def replied(rules: str) -> str:
    """Rules with a client-facing text on every rule, so that lint has no reply warning to give."""
    return re.sub(r"(?m)^    advice: ", "    client_reason: {en: R, ru: Р}\n    advice: ", rules)


def _lines(path_rules: str = "rules.yaml", questions: str = "questions") -> list[str]:
    return [str(d) for d in lint(Path(path_rules), Path(questions)).diagnostics]


RULE = """\
  - id: {id}
    kind: red-flag
    title: {{en: T, ru: Т}}
    source: marketer
    why: {{en: W, ru: П}}
    advice: {{en: A, ru: С}}
"""


@pytest.mark.slow
def test_the_bundled_files_have_no_errors() -> None:
    report = lint(bundled_rules(), bundled_questions())
    assert report.errors == 0
    assert [d.message for d in report.diagnostics] == []


def test_a_clean_catalog_exits_0(here: Path, write_yaml: WriteYaml, cli: CliRunner) -> None:
    write_yaml("questions/10-pay.yaml", SMALL_QUESTIONS)
    write_yaml("rules.yaml", replied(SMALL_RULES))
    assert invoke(cli, "lint", "--lang", "en") == (0, "No problems found (2 files checked).\n", "")


def test_every_error_in_one_run_with_file_line_and_suggestions(
    here: Path, write_yaml: WriteYaml, cli: CliRunner
) -> None:
    write_yaml("questions/10-pay.yaml", SMALL_QUESTIONS)
    write_yaml(
        "questions/20-more.yaml",
        """\
        section: more
        title: {en: More, ru: Ещё}
        questions:
          - id: urgent
            type: yesno
            text: {en: Urgent?, ru: Срочно?}
            text: {en: Twice, ru: Дважды}
        """,
    )
    rules = SMALL_RULES.replace("    when: cost > revenue\n", "    when: cost > advance\n").replace(
        '    when: advance == "none" and "free_sample" in asks\n',
        '    when: advance == "nne" and "free_sample" in asks\n',
    )
    rules += RULE.format(id="late-payer") + "    when: late_paymnts >= 3\n    severity: hihg\n    colour: red\n"
    write_yaml("rules.yaml", rules)
    code, out, err = invoke(cli, "lint", "--lang", "en")
    assert (code, err) == (2, "")
    assert out.splitlines() == [
        "questions/20-more.yaml:7:5: error: duplicate key 'text' (first at line 6)",
        "rules.yaml:34:22: error: when: 'nne' is not a choice of 'advance' (choices: none, partial); did you mean 'none'?",
        "rules.yaml:42:18: error: when: '>' compares numbers, but 'advance' is a single choice",
        "rules.yaml:59:5: error: unknown field 'colour' in a rule",
        "rules.yaml:57:11: error: when: unknown question 'late_paymnts'; did you mean 'late_payments'?",
        "rules.yaml:58:15: error: severity: 'hihg' is not a severity (note, caution, high, decline); did you mean 'high'?",
        # said in the same run as the other mistakes of the rule, not once they are fixed
        "rules.yaml:51:9: error: duplicate rule id 'late-payer' (first at rules.yaml:14:9)",
        # the warnings about what did load come in the same run as the errors, and what did not
        # load is named: its warnings wait for the fix ('revenue' is unused: no rule names it)
        "questions/10-pay.yaml:30:5: warning: question 'revenue' is not used by any rule, nor by the 'when' of another question",
        "rules.yaml:14:5: warning: rule 'late-payer' has no client_reason or client_offer: clientcheck reply leaves it out of letters",
        "rules.yaml:44:5: warning: rule 'pays-on-time' has no client_reason or client_offer: clientcheck reply leaves it out of letters",
        "7 errors, 3 warnings",
        "Not yet checked for warnings (the errors above keep them from loading): rule 'pay-if-i-like', rule 'unprofitable'",
    ]


def test_warnings_alone_exit_0(here: Path, write_yaml: WriteYaml, cli: CliRunner) -> None:
    questions = SMALL_QUESTIONS + (
        "  - id: rush\n"  # 37
        "    type: yesno\n"
        "    text: {en: In a rush?}\n"  # 39: no Russian text, though every other text has one
    )
    write_yaml("questions/10-pay.yaml", questions)
    write_yaml("rules.yaml", replied(SMALL_RULES))
    code, out, err = invoke(cli, "lint", "--lang", "en")
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "questions/10-pay.yaml:37:5: warning: question 'rush' is not used by any rule, nor by the 'when' of another question",
        "questions/10-pay.yaml:39:11: warning: text: no ru text, though other texts have one",
        "0 errors, 2 warnings",
    ]


def test_yaml_1_1_surprises(here: Path, write_yaml: WriteYaml) -> None:
    questions = SMALL_QUESTIONS.replace("    max: 100\n", "    max: 1:40\n").replace(
        "      - {id: partial,", '      - {id: "no", text: {en: No!, ru: Нет!}}\n      - {id: partial,'
    )
    write_yaml("questions/10-pay.yaml", questions)
    rules = replied(SMALL_RULES) + (
        "    examples:\n"  # 55
        "      - answers: {worked_before: yes, late_payments: 0}\n"
        "        fires: on\n"
    )
    write_yaml("rules.yaml", rules)
    assert _lines() == [
        'questions/10-pay.yaml:12:10: warning: YAML reads 1:40 as the number 100; write 100, or "1:40" in quotes for text',
        "questions/10-pay.yaml:19:14: warning: choice id 'no' turns into true/false when an answers file writes it "
        "without quotes; choose another id",
        'rules.yaml:56:34: warning: YAML reads yes as true; write true if that is what you mean, or "yes" in quotes '
        "for the word",
        'rules.yaml:57:16: warning: YAML reads on as true; write true if that is what you mean, or "on" in quotes '
        "for the word",
    ]


def test_an_error_and_a_warning_at_one_place_are_said_once(here: Path, write_yaml: WriteYaml) -> None:
    write_yaml("questions/10-pay.yaml", SMALL_QUESTIONS.replace("text: {en: Notes, ru: Заметки}", "text: no"))
    write_yaml("rules.yaml", replied(SMALL_RULES))
    assert _lines() == ['questions/10-pay.yaml:36:11: error: text: YAML reads no as false; write "no" in quotes']


REACH_QUESTIONS = """\
section: s
title: {en: S, ru: С}
questions:
  - id: remote
    type: yesno
    text: {en: Remote?, ru: Удалённо?}
  - id: office_days
    type: integer
    text: {en: Office days?, ru: Дней в офисе?}
    min: 0
    max: 5
    when: not remote
  - id: tools
    type: multi
    text: {en: Tools?, ru: Инструменты?}
    choices:
      - {id: jira, text: {en: Jira, ru: Jira}}
      - {id: slack, text: {en: Slack, ru: Slack}}
  - id: stack
    type: choice
    text: {en: Stack?, ru: Стек?}
    when: '"jira" in tools and "slack" in tools'
    choices:
      - {id: a, text: {en: A, ru: А}}
  - id: budget
    type: number
    text: {en: Budget?, ru: Бюджет?}
  - id: hours
    type: number
    text: {en: Hours?, ru: Часы?}
  - id: never
    type: yesno
    text: {en: Never?, ru: Никогда?}
    when: remote and not remote
"""

REACH_RULES = """\
version: 1
sources: {marketer: {en: M, ru: М}}
policy:
  severities:
    low: {weight: 1, label: {en: low, ru: низкая}}
    high: {weight: 3, label: {en: high, ru: высокая}}
  decline_if: {any_severity: [high]}
rules:
"""


def _reach(write_yaml: WriteYaml, rules: str) -> list[str]:
    write_yaml("questions/10-s.yaml", REACH_QUESTIONS)
    write_yaml("rules.yaml", REACH_RULES + rules)
    unrelated = ("is not used by any rule", "clientcheck reply leaves")
    return [line for line in _lines() if not any(u in line for u in unrelated)]


def test_rules_and_levels_that_can_never_fire(here: Path, write_yaml: WriteYaml) -> None:
    rules = (
        RULE.format(id="office-while-remote")  # 9
        + "    when: remote and office_days >= 3\n    severity: high\n"
        + RULE.format(id="too-many-days")  # 17
        + "    when: office_days > 5\n    severity: low\n"
        + RULE.format(id="wrong-order")  # 25
        + "    levels:\n"
        + "      - {when: office_days >= 1, severity: low}\n"  # 32
        + "      - {when: office_days >= 4, severity: high}\n"  # 33
        + RULE.format(id="stack-needs-both")  # 34
        + '    when: stack == "a" and not ("jira" in tools)\n    severity: low\n'
        + RULE.format(id="fine")  # 42
        + '    when: office_days >= 3 or "slack" in tools or never\n    severity: low\n'
        + RULE.format(id="arithmetic")  # 50: not searched, so never claimed
        + "    when: budget < hours * 0\n    severity: low\n"
    )
    assert _reach(write_yaml, rules) == [
        "questions/10-s.yaml:31:5: warning: question 'never' is never asked: no answers make its 'when' true "
        "(remote and not remote)",
        "rules.yaml:9:5: warning: rule 'office-while-remote' can never fire: whenever its condition could be true, "
        "a question it needs does not apply ('office_days' is asked only when not remote)",
        "rules.yaml:17:5: warning: rule 'too-many-days' can never fire: no valid answers make its condition true",
        "rules.yaml:33:9: warning: level 2 of rule 'wrong-order' can never fire: an earlier level fires first "
        "whenever this one would (put the stricter level first)",
        "rules.yaml:34:5: warning: rule 'stack-needs-both' can never fire: whenever its condition could be true, "
        """a question it needs does not apply ('stack' is asked only when "jira" in tools and "slack" in tools)""",
    ]


def test_json_output(here: Path, write_yaml: WriteYaml, cli: CliRunner) -> None:
    write_yaml("questions/10-pay.yaml", SMALL_QUESTIONS)
    write_yaml("rules.yaml", replied(SMALL_RULES.replace("severity: high\n", "severity: hihg\n", 1)))
    code, out, _ = invoke(cli, "lint", "--format", "json")
    data = json.loads(out)
    assert code == 2
    assert data["schema"] == "clientcheck.lint/1" and (data["errors"], data["warnings"]) == (1, 0)
    assert data["files"] == ["rules.yaml", "questions/10-pay.yaml"]
    assert data["problems"] == [
        {
            "file": "rules.yaml",
            "line": 37,
            "col": 15,
            "level": "error",
            "message": "severity: 'hihg' is not a severity (note, caution, high, decline); did you mean 'high'?",
        }
    ]
    assert data["unchecked"] == {"rules": ["pay-if-i-like"], "questions": []}


def test_missing_files_are_errors_with_the_file_as_the_place(here: Path, cli: CliRunner) -> None:
    code, out, _ = invoke(cli, "lint", "--rules", "nope.yaml", "--questions", "noqs", "--lang", "en")
    assert (code, out.splitlines()) == (
        2,
        ["noqs: error: no such questions directory", "nope.yaml: error: no such file", "2 errors, 0 warnings"],
    )


def test_russian_warnings(here: Path, write_yaml: WriteYaml, cli: CliRunner) -> None:
    write_yaml("questions/10-pay.yaml", SMALL_QUESTIONS + "  - id: rush\n    type: yesno\n    text: {en: R, ru: С}\n")
    write_yaml("rules.yaml", replied(SMALL_RULES))
    code, out, _ = invoke(cli, "lint", "--lang", "ru")
    assert (code, out.splitlines()) == (
        0,
        [
            "questions/10-pay.yaml:37:5: предупреждение: вопрос «rush» не используется ни одним правилом и ни одним "
            "условием when других вопросов",
            "0 ошибок, 1 предупреждение",
        ],
    )


def test_rules_without_client_facing_texts_are_left_out_of_replies(here: Path, write_yaml: WriteYaml) -> None:
    write_yaml("questions/10-pay.yaml", SMALL_QUESTIONS)
    rules = SMALL_RULES.replace(
        "        advice: {en: Stop working with them., ru: Прекратите работу.}\n",
        "        advice: {en: Stop working with them., ru: Прекратите работу.}\n"
        "        client_reason: {en: Three late payments., ru: Три просрочки.}\n",
    ).replace(
        "    advice: {en: Keep them., ru: Держитесь за них.}\n",
        "    advice: {en: K, ru: Д}\n    client_offer: {en: O, ru: О}\n",
    )
    write_yaml("rules.yaml", rules)
    assert _lines() == [
        "rules.yaml:14:5: warning: level(s) 2, 3 of rule 'late-payer' have no client_reason or client_offer, nor "
        "does the rule: clientcheck reply leaves them out of letters",
        "rules.yaml:29:5: warning: rule 'pay-if-i-like' has no client_reason or client_offer: clientcheck reply "
        "leaves it out of letters",
        "rules.yaml:37:5: warning: rule 'unprofitable' has no client_reason or client_offer: clientcheck reply "
        "leaves it out of letters",
    ]


# ---------------------------------------------------------------- placeholders: what a fired level has read

# REACH_QUESTIONS (budget, tools, remote, ...) and two more: a count and a date
PLACEHOLDER_QUESTIONS = (
    REACH_QUESTIONS
    + """\
  - {id: late, type: integer, text: {en: Late payments?, ru: Просрочки?}}
  - {id: paid_on, type: date, text: {en: Last paid on?, ru: Последняя оплата?}}
"""
)


def _placeholder_rule(rid: str, when: str, why: str, ru: str = "") -> str:
    texts = f"why: {{en: '{why}', ru: '{ru or why}'}}"
    return RULE.format(id=rid).replace("why: {en: W, ru: П}", texts) + (f"    when: '{when}'\n    severity: low\n")


def test_placeholders_need_no_fallback_where_the_engine_says_a_fired_level_has_read_the_answer(
    here: Path, write_yaml: WriteYaml
) -> None:
    write_yaml("questions/10-s.yaml", PLACEHOLDER_QUESTIONS)
    known = (
        _placeholder_rule("known-budget", "known(budget)", "{budget}")
        + _placeholder_rule("paid-long-ago", "days_since(paid_on) > 30", "{paid_on}")
        + _placeholder_rule("two-tools", "count(tools) >= 1", "{tools}")
        + _placeholder_rule(
            "both-signs",
            "count(late > 2, budget < 1000) >= 2",
            "{late:time/times}, {budget}",
            "{late:раз/раза/раз}, {budget}",
        )
        + _placeholder_rule("no-sign", "count(late > 2, remote) == 0", "{late:time/times}", "{late:раз/раза/раз}")
        + _placeholder_rule(
            "compared",
            "budget * 2 - late > 10 or late > budget",
            "{budget} {late:time/times}",
            "{budget} {late:раз/раза/раз}",
        )
        + RULE.format(id="unknown-then-small")
        + "    levels:\n"
        + "      - {when: not known(budget), severity: high}\n"
        + "      - {when: budget < 100, severity: low, advice: {en: 'Only {budget}.', ru: 'Всего {budget}.'}}\n"
        + RULE.format(id="unknown-or-remote")
        + "    levels:\n"
        + "      - {when: not known(budget), severity: high}\n"
        # shown only when level 2 fires, so budget is known: advice needs no fallback
        + "      - {when: remote, severity: high, advice: {en: '{budget}', ru: '{budget}'},\n"
        # also told when level 1 fired and level 2 is true too (reasons' "also true"): it does
        + "         client_reason: {en: 'Budget {budget}.', ru: 'Бюджет {budget}.'}}\n"
    )
    # where the answer may be missing when the text shows, a fallback is still required
    unknown = (
        _placeholder_rule("zero-or-more", "count(tools) >= 0", "{tools}")  # rules.yaml:81
        + _placeholder_rule("no-budget", "not known(budget)", "{budget}")  # 89
        + _placeholder_rule("one-of-two", "count(remote, budget > 5) >= 1", "{budget}")  # 97
        + _placeholder_rule("either", "known(budget) or days_since(paid_on) > 30", "{budget}")  # 105
    )
    write_yaml("rules.yaml", REACH_RULES.replace("high]}", "high]}\n  caution_if: {min_score: 1}") + known + unknown)
    problems = [d for d in lint(Path("rules.yaml"), Path("questions")).diagnostics if d.level == "error"]
    need = "may be unknown when this text is shown; add a fallback, e.g."
    assert [str(d) for d in problems] == [
        f"rules.yaml:76:38: error: client_reason.en: {{budget}} {need} {{budget|...}}",
        f"rules.yaml:76:62: error: client_reason.ru: {{budget}} {need} {{budget|...}}",
        f"rules.yaml:81:16: error: why.en: {{tools}} {need} {{tools|...}}",
        f"rules.yaml:81:31: error: why.ru: {{tools}} {need} {{tools|...}}",
        f"rules.yaml:89:16: error: why.en: {{budget}} {need} {{budget|...}}",
        f"rules.yaml:89:32: error: why.ru: {{budget}} {need} {{budget|...}}",
        f"rules.yaml:97:16: error: why.en: {{budget}} {need} {{budget|...}}",
        f"rules.yaml:97:32: error: why.ru: {{budget}} {need} {{budget|...}}",
        f"rules.yaml:105:16: error: why.en: {{budget}} {need} {{budget|...}}",
        f"rules.yaml:105:32: error: why.ru: {{budget}} {need} {{budget|...}}",
    ]


# ---------------------------------------------------------------- one mistake, one line


@pytest.mark.parametrize(
    ("spec", "line"),
    [
        ("fatal: 5", "rules.yaml:7:12: error: severity 'fatal' must be a mapping"),
        ("fatal: {label: {en: f, ru: ф}}", "rules.yaml:7:12: error: severity 'fatal' is missing the field 'weight'"),
        ("fatal: {weight: lots}", "rules.yaml:7:21: error: weight: expected a number, got 'lots'"),
        ("Fatal: {weight: 5}", "rules.yaml:7:5: error: severity 'Fatal' must be a lowercase identifier"),
    ],
)
def test_a_broken_severity_weight_is_one_line_not_one_per_rule_that_names_it(
    here: Path, write_yaml: WriteYaml, spec: str, line: str
) -> None:
    name = spec.split(":")[0]
    write_yaml("questions/10-s.yaml", REACH_QUESTIONS)
    policy = REACH_RULES.replace(
        "  decline_if: {any_severity: [high]}",
        f"    {spec}\n  decline_if: {{any_severity: [high, {name}], count: {{{name}: 2}}}}",
    )
    rule = RULE.format(id="tools-named") + (
        f"    levels:\n      - {{when: '\"jira\" in tools', severity: {name}, weight: 2}}\n"
        f"    examples:\n      - {{answers: {{tools: [jira]}}, fires: {name}}}\n"
    )
    write_yaml("rules.yaml", policy + rule)
    assert [str(d) for d in lint(Path("rules.yaml"), Path("questions")).diagnostics if d.level == "error"] == [line]


def test_an_example_of_a_dated_rule_without_its_own_day_is_a_warning(
    here: Path, write_yaml: WriteYaml, cli: CliRunner
) -> None:
    write_yaml("questions/10-s.yaml", PLACEHOLDER_QUESTIONS)
    rules = (
        _placeholder_rule("quiet", "days_since(paid_on) > 60", "W")  # line 9
        + "    examples:\n"
        + "      - {answers: {paid_on: 2026-04-01}, today: 2026-06-01, fires: low}\n"  # 18: pinned
        + "      - {answers: {paid_on: 2026-04-01}, fires: low}\n"  # 19: drifts
        + _placeholder_rule("quiet-and-rude", 'fired("quiet") and remote', "W")  # 20: dated through fired()
        + "    examples:\n"
        + "      - {answers: {remote: false}, fires: false}\n"  # 29
        + _placeholder_rule("just-rude", "remote", "W")  # 30: no dates, no warning
        + "    examples:\n"
        + "      - {answers: {remote: true}, fires: low}\n"
    )
    write_yaml("rules.yaml", REACH_RULES + rules)
    lines = [line for line in _lines() if "today" in line]
    tail = "but the rule depends on today's date: the example passes or fails depending on the day it runs; pin the day, e.g. today: 2026-06-01"
    assert lines == [
        f"rules.yaml:19:9: warning: this example of rule 'quiet' has no 'today:', {tail}",
        f"rules.yaml:29:9: warning: this example of rule 'quiet-and-rude' has no 'today:', {tail}",
    ]
    code, out, _ = invoke(cli, "lint", "--lang", "ru")
    assert code == 0
    assert (
        "rules.yaml:19:9: предупреждение: у этого примера правила «quiet» нет «today:», а правило зависит от "
        "сегодняшней даты: пример будет то проходить, то нет в зависимости от дня запуска; укажите день, "
        "например today: 2026-06-01"
    ) in out.splitlines()


def test_one_line_per_mistake_in_the_language_of_the_run(here: Path, write_yaml: WriteYaml, cli: CliRunner) -> None:
    """A typo of a required field is one line; `=>` and chained comparisons get the way to write them;
    a duplicate id is said next to its rule's other mistakes; labels and quotes in the run's language."""
    write_yaml("questions/10-pay.yaml", SMALL_QUESTIONS)
    rules = replied(SMALL_RULES) + (
        RULE.format(id="late-payer").replace("    advice:", "    advise:")
        + "    when: late_payments => 3\n    severity: caution\n"
        + RULE.format(id="late-payer")
        + "    when: 1 < late_payments < 5 and cost > 1\n    severity: hihg\n"
    )
    write_yaml("rules.yaml", rules)
    code, out, err = invoke(cli, "lint", "--lang", "en")
    assert (code, err) == (2, "")
    assert out.splitlines() == [
        "rules.yaml:60:5: error: unknown field 'advise' in a rule; did you mean 'advice'?",
        "rules.yaml:61:25: error: when: '=>' is not an operator; write '>='",
        "rules.yaml:55:9: error: duplicate rule id 'late-payer' (first at rules.yaml:14:9)",
        "rules.yaml:69:29: error: when: comparisons do not chain: write '1 < late_payments and late_payments < 5'",
        "rules.yaml:70:15: error: severity: 'hihg' is not a severity (note, caution, high, decline); did you mean 'high'?",
        "rules.yaml:63:9: error: duplicate rule id 'late-payer' (first at rules.yaml:14:9)",
        "6 errors, 0 warnings",
    ]
    code, out, err = invoke(cli, "lint", "--lang", "ru")
    assert out.splitlines() == [
        "rules.yaml:60:5: ошибка: правило: неизвестное поле 'advise'; может быть, 'advice'?",
        "rules.yaml:61:25: ошибка: when: '=>' — не оператор; пишите '>='",
        "rules.yaml:55:9: ошибка: правило 'late-payer' повторяется (впервые — rules.yaml:14:9)",
        "rules.yaml:69:29: ошибка: when: сравнения не выстраиваются в цепочку: "
        "пишите '1 < late_payments and late_payments < 5'",
        "rules.yaml:70:15: ошибка: severity: 'hihg' — не уровень серьёзности (уровни: note, caution, high, decline); "
        "может быть, 'high'?",
        "rules.yaml:63:9: ошибка: правило 'late-payer' повторяется (впервые — rules.yaml:14:9)",
        "6 ошибок, 0 предупреждений",
    ]


def test_an_error_does_not_hide_the_warnings_about_the_rest(here: Path, write_yaml: WriteYaml, cli: CliRunner) -> None:
    """Every problem in one run: the warnings about what loaded come with the errors, and what an
    error kept from loading is named (its own warnings need it loaded)."""
    questions = SMALL_QUESTIONS + (
        "  - id: mood\n"  # 37
        "    type: choice\n"
        "    text: {en: Mood?, ru: Настроение?}\n"
        "    choices:\n"
        "      - {id: yes, text: {en: Good, ru: Хорошее}}\n"  # 41: an error, and a trap once quoted
        "      - {id: fine, text: {en: Fine, ru: Нормальное}}\n"
        "  - id: last_payment\n"  # 43
        "    type: date\n"
        "    text: {en: Last payment?, ru: Последний платёж?}\n"
    )
    write_yaml("questions/10-pay.yaml", questions)
    rules = replied(SMALL_RULES) + (
        RULE.format(id="stale-payer")
        + "    client_reason: {en: R, ru: Р}\n    when: days_since(last_payment) > 60\n    severity: caution\n"
        + "    examples:\n      - answers: {last_payment: 2026-05-01}\n        fires: true\n"  # 65: no today
        + RULE.format(id="broken")
        + "    when: cost > advance\n    severity: caution\n"
    )
    write_yaml("rules.yaml", rules)
    code, out, err = invoke(cli, "lint", "--lang", "en")
    assert (code, err) == (2, "")
    assert out.splitlines() == [
        'questions/10-pay.yaml:41:14: error: id: YAML reads yes as true; write "yes" in quotes',
        "rules.yaml:73:18: error: when: '>' compares numbers, but 'advance' is a single choice",
        "questions/10-pay.yaml:37:5: warning: question 'mood' is not used by any rule, nor by the 'when' of another question",
        "questions/10-pay.yaml:41:14: warning: choice id 'yes' turns into true/false when an answers file writes it "
        "without quotes; choose another id",
        "rules.yaml:65:9: warning: this example of rule 'stale-payer' has no 'today:', but the rule depends on today's "
        "date: the example passes or fails depending on the day it runs; pin the day, e.g. today: 2026-06-01",
        "2 errors, 3 warnings",
        "Not yet checked for warnings (the errors above keep it from loading): rule 'broken'",
    ]
    code, out, err = invoke(cli, "lint", "--lang", "ru")
    assert out.splitlines()[-2:] == [
        "2 ошибки, 3 предупреждения",
        "Не загружено из-за ошибок выше и потому пока не проверено на предупреждения (1): правило «broken»",
    ]


def test_a_duplicate_choice_is_said_once_and_the_choices_listed_after_it_name_each_once(
    here: Path, write_yaml: WriteYaml, cli: CliRunner
) -> None:
    """The first of two choices with one id stays; the default's message is in the run's language."""
    questions = SMALL_QUESTIONS.replace(
        "      - {id: discount, text: {en: Discount, ru: Скидка}}\n",
        "      - {id: free_sample, text: {en: Again, ru: Снова}}\n"  # 25
        "      - {id: discount, text: {en: Discount, ru: Скидка}}\n"
        "    default: [nothing]\n",  # 27
    )
    write_yaml("questions/10-pay.yaml", questions)
    write_yaml("rules.yaml", replied(SMALL_RULES).replace('"free_sample" in asks', '"free_smple" in asks'))
    code, out, err = invoke(cli, "lint", "--lang", "en")
    assert (code, err) == (2, "")
    assert out.splitlines() == [
        "questions/10-pay.yaml:25:14: error: duplicate choice id 'free_sample'",
        'questions/10-pay.yaml:27:14: error: default: "nothing" is not a choice; expected a list of: free_sample, discount',
        "rules.yaml:36:33: error: when: 'free_smple' is not a choice of 'asks' (choices: free_sample, discount); "
        "did you mean 'free_sample'?",
        "3 errors, 0 warnings",
        "Not yet checked for warnings (the errors above keep it from loading): rule 'pay-if-i-like'",
    ]
    code, out, err = invoke(cli, "lint", "--lang", "ru")
    assert out.splitlines()[1:3] == [
        'questions/10-pay.yaml:27:14: ошибка: default: "nothing" — такого варианта нет; '
        "нужен список из вариантов: free_sample, discount",
        "rules.yaml:36:33: ошибка: when: 'free_smple' нет среди вариантов ответа вопроса 'asks' "
        "(варианты: free_sample, discount); может быть, 'free_sample'?",
    ]


def test_a_text_yaml_reads_as_true_says_so(here: Path, write_yaml: WriteYaml) -> None:
    """`en: Yes` is true to YAML: the line says that, not "expected non-empty text"."""
    write_yaml(
        "questions/10-pay.yaml",
        SMALL_QUESTIONS.replace("{id: partial, text: {en: Partial,", "{id: partial, text: {en: Yes,"),
    )
    write_yaml("rules.yaml", replied(SMALL_RULES))
    assert _lines() == ['questions/10-pay.yaml:19:34: error: text.en: YAML reads Yes as true; write "Yes" in quotes']


def test_a_question_read_only_by_a_level_in_error_is_not_called_unused(here: Path, write_yaml: WriteYaml) -> None:
    # the rule loads with its first level; its second, which alone reads `revenue`, has an error
    write_yaml("questions/10-pay.yaml", SMALL_QUESTIONS)
    rules = replied(SMALL_RULES).replace(
        "    when: cost > revenue\n    severity: high\n",
        "    levels:\n      - {when: cost > 0, severity: high}\n      - {when: revenue >> 2, severity: high}\n",
    )
    write_yaml("rules.yaml", rules)
    assert _lines() == ["rules.yaml:47:25: error: when: expected a value, found '>'"]


def test_a_rule_loaded_without_a_level_in_error_is_not_said_to_lack_client_texts(here: Path) -> None:
    rules = bundled_rules().read_text(encoding="utf-8")
    broken = rules.replace("worked_before and late_payments >= 3", "worked_before and late_paymets >= 3", 1)
    assert broken != rules
    (here / "rules.yaml").write_text(broken, encoding="utf-8")
    lines = [str(d) for d in lint(Path("rules.yaml"), bundled_questions()).diagnostics]
    assert [line.split(": ", 1)[1] for line in lines] == [
        "error: when: unknown question 'late_paymets'; did you mean 'late_payments'?"
    ]
