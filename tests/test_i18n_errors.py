"""Issue 11: every problem of a rules or questions file reads as Russian in Russian mode.

Proved for the class, not by example: (1) every message key of the loader, extends, the YAML
reader, the condition language, its functions and the placeholder lint has a Russian text with no
English word in it; (2) a hostile corpus drives every one of those keys (the test fails when a key
is never reached, so a new message needs a new case) and no line it prints in Russian holds an
English word; (3) the parser's own problems (libyaml's and PyYAML's) have their own texts too.

"An English word" is a Latin-alphabet word outside what a Russian text legitimately holds: quoted
text ('x', "x", «x», `x`, {x}), file paths and marks, ids (anything with _ - . / or a digit), the
ids of the catalog at hand, and the words of the file format itself (its field names, question
types, rule kinds, verdicts, the condition language's keywords and functions, YAML).
"""

from __future__ import annotations

import contextlib
import re
import string
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from clientcheck import i18n, loader, yamlsrc
from clientcheck.errors import ClientcheckError, ConfigError
from clientcheck.functions import FUNCTIONS
from clientcheck.model import LANGUAGES, QUESTION_TYPES, RULE_KINDS, VERDICTS
from clientcheck.schema import OBJECTS
from clientcheck.units import MEASURES
from tests.conftest import SMALL_QUESTIONS, SMALL_RULES, invoke

SRC = Path(__file__).resolve().parent.parent / "src" / "clientcheck"
MODULES = (  # every module of the packages, so a split of one cannot hide a key from this test
    *sorted(str(p.relative_to(SRC)) for d in ("loader", "extends", "conditions") for p in (SRC / d).glob("*.py")),
    *("yamlsrc.py", "functions.py", "placeholders.py", "errors.py"),
)
PREFIXES = ("cfg.", "ext.", "yaml.", "cond.", "fn.", "ph.", "problems.", "suggest")

FORMAT_WORDS = {
    *(f.name for fields in OBJECTS.values() for f in fields),
    *QUESTION_TYPES,
    *RULE_KINDS,
    *VERDICTS,
    *LANGUAGES,
    *MEASURES,
    *FUNCTIONS,
    *("and", "or", "not", "in", "true", "false", "null"),
    *("YAML", "clientcheck", "builtin"),
}
# the ids of the small catalog (severities, sources, choices), which messages list unquoted
CATALOG_IDS = {
    "unprofitable",
    "note",
    "caution",
    "high",
    "decline",
    "marketer",
    "none",
    "partial",
    "free_sample",
    "discount",
}


def english_words(line: str, allowed: set[str] = FORMAT_WORDS) -> list[str]:
    """The English words of one line of a Russian message (see the module's docstring)."""
    line = re.sub(r"«[^»]*»|'[^']*'|\"[^\"]*\"|`[^`]*`|\{[^}]*\}", " ", line)
    tokens = (w.rstrip(":.") for w in re.findall(r"[A-Za-z0-9_\-./*:~]+", line))
    return [w for w in tokens if re.fullmatch(r"[A-Za-z]+", w) and w not in allowed]


def error_keys() -> set[str]:
    return {k for k in i18n.keys("en") if k.startswith(PREFIXES)}


def sample(lang: str, key: str) -> str:
    """The text of key with every field filled in by a number (which also picks plural forms)."""
    text = i18n.t(lang, key)
    try:
        fields = {name for _, name, _, _ in string.Formatter().parse(text) if name}
    except ValueError:  # a text without fields is shown as it is, braces and all
        return text
    return i18n.t(lang, key, **dict.fromkeys(fields, 5)) if fields else text


# ---------------------------------------------------------------- (1) the catalog of messages


def test_every_error_key_has_a_russian_text_without_english() -> None:
    keys = error_keys()
    assert len(keys) > 200  # the whole class, not a handful
    assert sorted(keys - i18n.keys("ru")) == []
    problems = {k: english_words(sample("ru", k)) for k in sorted(keys)}
    assert {k: w for k, w in problems.items() if w} == {}
    same = [k for k in keys if sample("ru", k) == sample("en", k)]
    assert same == []


def test_the_check_finds_english_where_there_is_some() -> None:
    """Positive control: the English texts of the same keys are found out, nearly all of them."""
    keys = [k for k in error_keys() if not k.startswith("yaml.p.")]  # English: the parser's own words
    flagged = [k for k in keys if english_words(sample("en", k))]
    assert len(flagged) >= 0.9 * len(keys)
    assert english_words("severity: 'x' is not a severity (уровни: high)") == ["is", "a", "high"]
    assert english_words("СРАБОТАЛО на уровне caution", set()) == ["caution"]


def test_every_key_the_modules_name_exists_and_every_key_is_named() -> None:
    source = "\n".join((SRC / m).read_text(encoding="utf-8") for m in MODULES)
    named = set(re.findall(r"\"((?:cfg|ext|yaml|cond|fn|ph|problems)\.[a-z0-9_.]+)\"", source))
    assert sorted(named - error_keys()) == []
    dynamic = {"cond.kind."}  # _say(f"cond.kind.{vt.kind}")
    assert 'f"cond.kind.{vt.kind}"' in source
    unused = {k for k in error_keys() - named - {"suggest"} if not k.startswith(tuple(dynamic))}
    assert sorted(unused) == []


# ---------------------------------------------------------------- (2) a hostile corpus

Files = dict[str, str | None]  # path -> text; None: a folder
Step = Callable[[Files], None]


def rules(old: str, new: str) -> Step:
    def step(files: Files) -> None:
        text = files["rules.yaml"]
        assert text is not None and old in text, old
        files["rules.yaml"] = text.replace(old, new, 1)

    return step


def questions(old: str, new: str) -> Step:
    def step(files: Files) -> None:
        text = files["questions/10-pay.yaml"]
        assert text is not None and old in text, old
        files["questions/10-pay.yaml"] = text.replace(old, new, 1)

    return step


def write(path: str, text: str | None) -> Step:
    def step(files: Files) -> None:
        files[path] = text

    return step


def when(condition: str) -> Step:
    """The condition of rule `unprofitable`, as YAML single-quoted text."""
    return rules("when: cost > revenue", "when: '" + condition.replace("'", "''") + "'")


def flag(extra: str) -> Step:
    """Fields added to rule `unprofitable`."""
    return rules("    when: cost > revenue\n", "    when: cost > revenue\n" + extra)


def extending(text: str) -> list[Step]:
    """A rules file that extends the bundled one, next to questions that do the same."""
    return [write("rules.yaml", EXTENDS_RULES + text), write("questions/10-pay.yaml", EXTENDS_QUESTIONS)]


RULE = "  - id: extra\n    kind: {kind}\n    title: T\n    source: marketer\n    why: W\n    advice: A\n"
EXTENDS_RULES = "version: 1\nextends: builtin\n"
EXTENDS_QUESTIONS = "extends: builtin\n"
MANY = "x: [" + "0," * 24_000 + "0]\n"
CHECKLIST = "checklists:\n  call: {text: {en: Which?, ru: Что из этого?}}\n"

CASES: dict[str, list[Step]] = {
    # the YAML reader
    "tag": [questions("max: 100", "max: !!binary 100")],
    "digits": [rules("weight: 0,", "weight: " + "9" * 5000 + ",")],
    "bad int": [rules("weight: 0,", "weight: !!int 1.5,")],
    "two documents": [rules("version: 1\n", "version: 1\n---\nx: 1\n")],
    "alias": [rules("good_sign_weight: 1", "good_sign_weight: *one")],
    "anchor": [rules("good_sign_weight: 1", "good_sign_weight: &one 1")],
    "too many values": [write("rules.yaml", "x: [" + "0," * 25_001 + "0]\n")],
    "too many values together": [write(f"questions/2{i}.yaml", MANY) for i in range(3)],
    "too deep": [write("rules.yaml", "x: " + "[" * 70 + "]" * 70 + "\n")],
    "syntax": [rules("version: 1\n", "version: 1: 2\n")],
    "control character": [rules("version: 1\n", "version: 1\x07\n")],
    "key is a list": [rules("version: 1\n", "version: 1\n? [a]\n: 1\n")],
    "key is yes": [rules("version: 1\n", "version: 1\nyes: 1\n")],
    "key is a number": [rules("version: 1\n", "version: 1\n1: 1\n")],
    "duplicate key": [rules("version: 1\n", "version: 1\nversion: 1\n")],
    "empty file": [write("rules.yaml", "")],
    # fields, texts, ids and numbers
    "rule not a mapping": [rules("rules:\n", "rules:\n  - 5\n")],
    "unknown field": [flag("    sourc: x\n")],
    "missing field": [rules('    why: {en: Costs more than it brings., ru: "Стоит дороже, чем приносит."}\n', "")],
    "language code": [rules("title: {en: Unprofitable, ru: Убыточный}", "title: {en: Unprofitable, rus: Убыточный}")],
    "empty text": [rules("title: {en: Unprofitable, ru: Убыточный}", "title: {en: '', ru: Убыточный}")],
    "text is yes": [rules("title: {en: Unprofitable, ru: Убыточный}", "title: yes")],
    "id is no": [rules("- id: unprofitable", "- id: no")],
    "text is a number": [rules("title: {en: Unprofitable, ru: Убыточный}", "title: 5")],
    "bad rule id": [rules("- id: unprofitable", "- id: Un_profitable")],
    "bad question id": [questions("- id: notes", "- id: Notes-x")],
    "huge float": [rules("weight: 0,", "weight: 1.0e+20,")],
    "huge integer": [rules("weight: 0,", "weight: 10000000000000000,")],
    "many problems": [flag("".join(f"    extra{i}: 1\n" for i in range(25)))],
    "not a number": [rules("weight: 0,", "weight: abc,")],
    "condition true": [when("x"), rules("when: 'x'", "when: true")],
    "condition number": [when("x"), rules("when: 'x'", "when: 5")],
    "asked later": [questions("when: worked_before", "when: cost > 0")],
    "question type": [questions("type: text", "type: txt")],
    "client id": [questions("- id: notes", "- id: client")],
    "unit on yes/no": [questions("    type: yesno\n", "    type: yesno\n    unit: x\n")],
    "unit forms, Russian": [questions("ru: [раз, раза, раз]}", "ru: [раз, раза]}")],
    "unit forms, English": [questions("en: [time, times]", "en: [time, times, times]")],
    "min over max": [questions("min: 0", "min: 200")],
    "measure": [questions("max: 100", "max: 100\n    measure: weeks")],
    "seller": [questions("max: 100", "max: 100\n    seller: 5")],
    "no choices": [questions("    choices:\n      - {id: none", "    chooses:\n      - {id: none")],
    "duplicate choice": [questions("{id: partial,", "{id: none,")],
    "choices on yes/no": [questions("    type: yesno\n", "    type: yesno\n    choices: [a]\n")],
    "choice not a mapping": [questions("- {id: partial, text: {en: Partial, ru: Частичный}}", "- 5")],
    "no questions folder": [write("questions/10-pay.yaml", None)],
    "questions folder a file": [write("questions/10-pay.yaml", None), write("questions", "x")],
    "no question files": [write("questions/10-pay.yaml", None), write("questions/README", "x")],
    "duplicate section": [
        write("questions/20-more.yaml", "section: pay\ntitle: X\nquestions:\n  - {id: y, type: text, text: Y}\n")
    ],
    "questions not a list": [write("questions/10-pay.yaml", "section: pay\ntitle: X\nquestions: 5\n")],
    "questions file a list": [write("questions/10-pay.yaml", "- 1\n")],
    "duplicate question": [questions("- id: notes", "- id: cost")],
    # the policy
    "severities not a mapping": [rules("  severities:\n", "  severities: 5\n  old:\n")],
    "severity name": [rules("    note: {weight: 0,", "    Note: {weight: 0,")],
    "severity without weight": [rules("note: {weight: 0, label:", "note: {label:")],
    "threshold not a mapping": [rules("decline_if: {any_severity: [decline], min_score: 6}", "decline_if: 5")],
    "any_severity not a list": [rules("any_severity: [decline]", "any_severity: decline")],
    "unknown severity": [rules("any_severity: [decline]", "any_severity: [declin]")],
    "count not a mapping": [rules("min_score: 6}", "min_score: 6, count: 5}")],
    "count of an unknown severity": [rules("min_score: 6}", "min_score: 6, count: {hihg: 2}}")],
    "count of zero": [rules("min_score: 6}", "min_score: 6, count: {high: 0}}")],
    "policy not a mapping": [rules("policy:\n  severities:", "policy: 5\nold:\n  severities:")],
    # examples
    "examples not a list": [flag("    examples: 5\n")],
    "example not a mapping": [flag("    examples: [5]\n")],
    "example verdict": [flag("    examples: [{answers: {cost: 2, revenue: 1}, fires: true, verdict: maybe}]\n")],
    "example fires": [flag("    examples: [{answers: {cost: 2, revenue: 1}, fires: maybe}]\n")],
    "example date": [flag("    examples: [{answers: {cost: 2, revenue: 1}, fires: true, today: 2026-13-01}]\n")],
    # checklists (questions asked together in one tick-all prompt)
    "checklists not a mapping": [questions("section: pay\n", "checklists: 5\nsection: pay\n")],
    "checklist id": [questions("section: pay\n", "checklists:\n  Call: {text: {en: W, ru: Ч}}\nsection: pay\n")],
    "checklist without text": [
        questions("section: pay\n", "checklists:\n  call: {help: {en: H, ru: П}}\nsection: pay\n")
    ],
    "duplicate checklist": [
        questions("section: pay\n", CHECKLIST + "section: pay\n"),
        write(
            "questions/11-more.yaml",
            CHECKLIST
            + "section: more\ntitle: {en: M, ru: Д}\nquestions:\n  - {id: m1, type: yesno, text: {en: M?, ru: Д?}}\n",
        ),
    ],
    "checklist line not yes/no": [
        questions("section: pay\n", CHECKLIST + "section: pay\n"),
        questions("    type: integer\n", "    type: integer\n    checklist: {group: call, item: {en: I, ru: И}}\n"),
    ],
    "unknown checklist": [
        questions("section: pay\n", CHECKLIST + "section: pay\n"),
        questions("    type: yesno\n", "    type: yesno\n    checklist: {group: cal, item: {en: I, ru: И}}\n"),
    ],
    "checklist ticked": [
        questions("section: pay\n", CHECKLIST + "section: pay\n"),
        questions(
            "    type: yesno\n", "    type: yesno\n    checklist: {group: call, item: {en: I, ru: И}, ticked: 5}\n"
        ),
    ],
    # rules
    "rule kind": [rules("kind: good-sign", "kind: good-signs")],
    "unknown source": [rules("source: marketer\n    why: {en: A good", "source: marketr\n    why: {en: A good")],
    "not a severity": [rules("severity: high\n  - id: unprofitable", "severity: hihg\n  - id: unprofitable")],
    "levels and severity": [rules("    levels:\n", "    severity: high\n    levels:\n")],
    "levels empty": [
        rules(
            "    levels:\n      - when: late_payments >= 3",
            "    levels: []\n    old:\n      - when: late_payments >= 3",
        )
    ],
    "level not a mapping": [rules("      - when: late_payments >= 1\n        severity: note\n", "      - 5\n")],
    "red flag without when": [rules("    when: cost > revenue\n", "")],
    "good sign with severity": [
        rules(
            "    when: worked_before and late_payments == 0\n",
            "    when: worked_before and late_payments == 0\n    severity: high\n",
        )
    ],
    "good sign without when": [rules("    when: worked_before and late_payments == 0\n", "")],
    "version": [rules("version: 1", "version: 2")],
    "sources not a mapping": [rules("sources:\n  marketer: {en: A marketer, ru: Маркетолог}\n", "sources: 5\n")],
    "rules not a list": [rules("rules:\n  - id: late-payer", "rules: 5\nold:\n  - id: late-payer")],
    "duplicate rule": [rules("- id: unprofitable", "- id: late-payer")],
    "fired loop": [
        when('fired("pays-on-time")'),
        rules("when: worked_before and late_payments == 0", 'when: fired("unprofitable")'),
    ],
    "history window": [rules("rules:\n", "history: {late_payments_window_days: 0}\nrules:\n")],
    "history not a mapping": [rules("rules:\n", "history: 5\nrules:\n")],
    "rules file a list": [write("rules.yaml", "- 1\n")],
    # extends: rules
    "extends a number": [write("rules.yaml", "version: 1\nextends: 5\n")],
    "extends outside": [write("rules.yaml", "version: 1\nextends: ../x.yaml\n")],
    "extends outside by a link": [
        write("rules.yaml", "version: 1\nextends: base.yaml\n"),
        write("base.yaml", "->/etc/hostname"),
    ],
    "extends a link loop": [
        write("rules.yaml", "version: 1\nextends: a.yaml\n"),
        write("a.yaml", "->b.yaml"),
        write("b.yaml", "->a.yaml"),
    ],
    "extends itself": [write("rules.yaml", "version: 1\nextends: rules.yaml\n")],
    "extends a long chain": [write("rules.yaml", "version: 1\nextends: r1.yaml\n")]
    + [write(f"r{i}.yaml", f"version: 1\nextends: r{i + 1}.yaml\n") for i in range(1, 7)]
    + [write("r7.yaml", SMALL_RULES)],
    "disable without extends": [rules("version: 1\n", "version: 1\ndisable: [x]\n")],
    "extends a list": [write("rules.yaml", "version: 1\nextends: base.yaml\n"), write("base.yaml", "- 1\n")],
    "extending sources not a mapping": extending("sources: 5\n"),
    "extending policy not a mapping": extending("policy: 5\n"),
    "extending rules not a list": extending("rules: 5\n"),
    "extending unknown field": extending("rulez: 5\n"),
    "disable not a list": extending("disable: rude\n"),
    "disable an unknown rule": extending("disable: [rudee]\n"),
    "override not a mapping": extending("override: 5\n"),
    "override an unknown rule": extending("override: {rudee: {title: X}}\n"),
    "override a disabled rule": extending("disable: [rude]\noverride: {rude: {title: X}}\n"),
    "override not a mapping of fields": extending("override: {rude: 5}\n"),
    "override levels of a plain rule": extending("override: {rude: {levels: [{}]}}\n"),
    "override levels count": extending("override: {late-payer: {levels: [{}]}}\n"),
    "override a level badly": extending("override: {late-payer: {levels: [5, {}, {}]}}\n"),
    "override examples": extending("override: {rude: {examples: 5}}\n"),
    "rule uses a disabled question": [write("questions/10-pay.yaml", EXTENDS_QUESTIONS + "disable: [rude_signs]\n")],
    # extends: questions
    "too many question files": [write(f"questions/{i:03}.yaml", "{}\n") for i in range(201)],
    "section without extends": [questions("section: pay\n", "section: pay\ndisable: [x]\n")],
    "two files extend": [
        write("questions/20-a.yaml", EXTENDS_QUESTIONS),
        write("questions/30-b.yaml", EXTENDS_QUESTIONS),
    ],
    "extending questions file half a section": [write("questions/10-pay.yaml", EXTENDS_QUESTIONS + "section: x\n")],
    "extends a file as a folder": [write("questions/10-pay.yaml", "extends: rules.yaml\n")],
    "questions extend outside": [write("questions/10-pay.yaml", "extends: ../../x\n")],
    "extending questions unknown field": [write("questions/10-pay.yaml", EXTENDS_QUESTIONS + "disabled: [x]\n")],
    "disable questions not a list": [write("questions/10-pay.yaml", EXTENDS_QUESTIONS + "disable: x\n")],
    "disable an unknown question": [write("questions/10-pay.yaml", EXTENDS_QUESTIONS + "disable: [rude_sign]\n")],
    "override questions not a mapping": [write("questions/10-pay.yaml", EXTENDS_QUESTIONS + "override: 5\n")],
    "override an unknown question": [write("questions/10-pay.yaml", EXTENDS_QUESTIONS + "override: {rude_sign: {}}\n")],
    "override a question badly": [write("questions/10-pay.yaml", EXTENDS_QUESTIONS + "override: {rude_signs: 5}\n")],
    "question depends on a disabled one": [
        write("questions/10-pay.yaml", EXTENDS_QUESTIONS + "disable: [worked_before]\n")
    ],
    # the condition language
    "unterminated": [when('advance == "none')],
    "character": [when("cost > 1 $")],
    "power": [when("cost ** 2 > 1")],
    "assign": [when("cost = 1")],
    "=>": [when("cost => 1")],
    "chained": [when("1 < cost < 5")],
    "modulo": [when("cost % 2 > 1")],
    "&&": [when("cost > 1 && revenue > 1")],
    "||": [when("cost > 1 || revenue > 1")],
    "!": [when("!worked_before")],
    "True": [when("worked_before == True")],
    "null": [when("cost == null")],
    "unclosed (": [when("(cost > 1")],
    "nested": [when("(" * 17 + "cost > 1" + ")" * 17)],
    "empty": [when("")],
    "trailing": [when("cost > 1 revenue")],
    "too large": [when("cost > 9999999999999999")],
    "no value": [when("cost > )")],
    "attribute": [when("cost.x > 1")],
    "unknown function": [when("foo(cost)")],
    "indexing": [when("cost[1] > 1")],
    "comma in a call": [when("count(worked_before worked_before) > 1")],
    "comma in a list": [when('advance in ["none" "partial"]')],
    "list of names": [when("advance in [cost]")],
    "empty list": [when("advance in []")],
    "too long": [when("cost > 1" + " " * 500)],
    "unknown question": [when("cots > 1")],
    "list of two kinds": [when('advance in ["none", 1]')],
    "number as yes/no": [when("cost and worked_before")],
    "choice as yes/no": [when("advance and worked_before")],
    "literal as yes/no": [when("1 and worked_before")],
    "text in arithmetic": [when("notes + 1 > 2")],
    "choice against a number": [when("advance == 1")],
    "not a choice": [when('advance == "nonee"')],
    "name in a multi": [when("cost in asks")],
    "yes/no in a list": [when("worked_before in [1, 2]")],
    "in a number": [when("1 in cost")],
    "text ordered": [when("notes < 1")],
    "date ordered": [when("today > 1")],
    "multi equal": [when('asks == "discount"')],
    "different choices": [
        questions(
            "  - id: cost\n",
            "  - id: other\n    type: choice\n    text: O\n    choices: [{id: a, text: A}]\n  - id: cost\n",
        ),
        when("advance == other"),
    ],
    "text against a number": [when("notes == 1")],
    "list compared": [when("[1] == [1]")],
    "yes/no ordered": [when("worked_before > 1")],
    "multi ordered": [when("asks > 1")],
    "today()": [when("today(1) > 1")],
    "known of two": [when("known(cost, revenue)")],
    "known of a number": [when("known(1)")],
    "count of nothing": [when("count() > 1")],
    "days_since of a number": [when("days_since(cost) > 1")],
    "fired without quotes": [when("fired(x)")],
    "fired unknown": [when('fired("nope")')],
    # placeholders
    "lone }": [flag("    client_reason: a } b\n")],
    "unclosed {": [flag("    client_reason: 'a { b'\n")],
    "{ in {": [flag("    client_reason: 'a {b {c}'\n")],
    "not a placeholder": [flag("    client_reason: 'a {b c}'\n")],
    "empty fallback": [flag("    client_reason: 'a {cost|}'\n")],
    "empty word form": [flag("    client_reason: 'a {cost:day/}'\n")],
    "client forms": [flag("    client_reason: 'a {client:x/y|z}'\n")],
    "client without fallback": [flag("    client_reason: 'a {client}'\n")],
    "unknown placeholder": [flag("    client_reason: 'a {cots|x}'\n")],
    "yes/no placeholder": [flag("    client_reason: 'a {worked_before|x}'\n")],
    "forms of text": [flag("    client_reason: 'a {notes:a/b|x}'\n")],
    "forms count": [flag("    client_reason: {en: 'a {cost:a/b/c|x}', ru: 'а {cost:а/б|x}'}\n")],
    "may be unknown": [flag("    client_reason: 'a {notes}'\n")],
    "client_reason not text": [flag("    client_reason: 5\n")],
    "level client text not text": [
        rules("        severity: caution\n", "        severity: caution\n        client_offer: 5\n")
    ],
}

# Keys no file can reach: said here with why, so that the coverage check stays exact.
UNREACHABLE = {
    "yaml.too_deep": "a RecursionError inside PyYAML; MAX_DEPTH stops nesting long before",
    "cfg.no_policy": "a safety net: every way to a missing policy reports its own problem first",
    "cond.owner.this": "only a question (a name) has choices, so the owner of a choice is always named",
    "fn.arity.n": "every function takes 0 or 1 arguments today; kept for the next one",
}


def build(here: Path, steps: list[Step]) -> None:
    files: Files = {"rules.yaml": SMALL_RULES, "questions/10-pay.yaml": SMALL_QUESTIONS}
    for step in steps:
        step(files)
    for name, text in files.items():
        if text is None:
            continue
        path = here / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if text.startswith("->"):
            path.symlink_to(text[2:])
        else:
            path.write_text(text, encoding="utf-8")


@pytest.fixture
def keys_said(monkeypatch: pytest.MonkeyPatch) -> Iterator[set[str]]:
    """Every message key looked up while the test runs."""
    said: set[str] = set()
    real = i18n.t

    def t(lang: str, key: str, /, **fields: object) -> str:
        said.add(key)
        return real(lang, key, **fields)

    monkeypatch.setattr(i18n, "t", t)
    yield said


def problems_of(here: Path, lang: str) -> list[str]:
    i18n.prefer(lang)
    try:
        loaded = loader.load(Path("rules.yaml"), Path("questions"))
        # as the user sees them: one line each, the 21st and on counted
        return str(ConfigError(list(loaded.problems))).splitlines() if loaded.problems else []
    finally:
        i18n.prefer(None)


@pytest.mark.slow
def test_a_hostile_corpus_reaches_every_message_and_each_reads_as_russian(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, keys_said: set[str]
) -> None:
    allowed = FORMAT_WORDS | CATALOG_IDS
    english: dict[str, list[str]] = {}
    silent: list[str] = []
    for n, (name, steps) in enumerate(CASES.items()):
        here = tmp_path / str(n)
        here.mkdir()
        build(here, steps)
        monkeypatch.chdir(here)
        lines = problems_of(here, "ru")
        if not lines:
            silent.append(name)
        for line in lines:
            if english_words(line, allowed):
                english.setdefault(name, []).append(line)
        # the same case in English is found out by the same check: the corpus tests something
        if lines and not any(english_words(line, allowed) for line in problems_of(here, "en")):
            english.setdefault(name, []).append("(its English text was not recognised as English)")
    assert silent == []
    assert english == {}
    reached = {k for k in keys_said if k.startswith(PREFIXES) and not k.startswith("yaml.p.")}
    expected = {k for k in error_keys() if not k.startswith("yaml.p.")} - set(UNREACHABLE)
    assert sorted(expected - reached) == [], sorted(expected - reached)
    assert sorted(set(UNREACHABLE) & reached) == []  # an unreachable key reached: remove it from the list


# ---------------------------------------------------------------- (3) the parser's own problems

SYNTAX = {
    "mapping values": "a: b: c\n",
    "sequence entry": "a: 1\n- b\n",
    "no colon": "a:\n  b: 1\n  c\n  d: 2\n",
    "bad start": "a: `x\n",
    "end of stream": 'a: "abc\n',
    "separator": 'a: "x\n---\n"\n',
    "escape": 'a: "\\q"\n',
    "tag handle": "a: !x!y z\n",
    "unclosed [": "a: [b\n",
    "unclosed {": "a: {b: 1\n",
    "document start": "%YAML 1.1\na: 1\n",
    "line break": "%YAML 1.1 x\n---\n",
    "sequence entry inline": "a: - b\n",
    "tab in indentation": "a: 1\n\t\n- b\n",
    "dash expected": "- a\nb: 1\n",
    "flow closed by the other bracket": "a: [b, {c: d]\n",
    "directive name": "%YAML1.1\n---\n",
    "alphanumeric": "a: &\n",
    "block scalar": "a: |x\n  b\n",
    "indentation 0": "a: |0\n  b\n",
    "version 2": "%YAML 2.0\n---\na: 1\n",
    "tab": "a:\n\t- b\n",
    "key": "a: 1\n b: 2\n",
    "node": "a: [- x]\n",
    "dash": "- a\nb\n",
    "mapping key": "a: 1\n? b\n",
    "flow mapping": "{a: 1 b}\n",
    "flow sequence": "[a b: c]\n",
    "block end": "a:\n  - b\n c: 1\n",
    "comment": "a: 'b' c\n",
}


@pytest.mark.parametrize("parser", ["libyaml", "python"])
def test_yaml_syntax_errors_are_russian_with_either_parser(
    parser: str, monkeypatch: pytest.MonkeyPatch, keys_said: set[str]
) -> None:
    if parser == "python":
        monkeypatch.setattr(yamlsrc, "_Parser", yaml.SafeLoader)
    elif not hasattr(yaml, "CSafeLoader"):
        pytest.skip("PyYAML without libyaml")
    said: dict[str, str] = {}
    for name, text in SYNTAX.items():
        for lang in ("ru", "en"):
            i18n.prefer(lang)
            try:
                yamlsrc.parse_text(text, "f.yaml")
            except ClientcheckError as exc:
                said[f"{name} {lang}"] = str(exc)
            finally:
                i18n.prefer(None)
    russian = {k: v for k, v in said.items() if k.endswith(" ru")}
    assert len(russian) >= 20
    assert {k: v for k, v in russian.items() if english_words(v.split(": ", 1)[1])} == {}
    # English keeps the parser's own words, and each problem has its own key (none falls to "other")
    assert all("YAML" in v for k, v in said.items() if k.endswith(" en"))
    assert "yaml.p.other" not in keys_said, {k: v for k, v in said.items() if "так сообщает" in v}


def test_every_parser_problem_key_is_reached_by_one_parser_or_the_other(monkeypatch: pytest.MonkeyPatch) -> None:
    reached: set[str] = set()
    parsers = [yaml.SafeLoader, *([yaml.CSafeLoader] if hasattr(yaml, "CSafeLoader") else [])]
    real = i18n.t

    def t(lang: str, key: str, /, **fields: object) -> str:
        reached.add(key)
        return real(lang, key, **fields)

    monkeypatch.setattr(i18n, "t", t)
    for parser in parsers:
        monkeypatch.setattr(yamlsrc, "_Parser", parser)
        for text in SYNTAX.values():
            with contextlib.suppress(ClientcheckError):  # a text one parser takes and the other refuses
                yamlsrc.parse_text(text, "f.yaml")
    # texts neither parser gives for ordinary mistakes (each parser's wording is matched, still)
    rare = {"yaml.p.colon", "yaml.p.other", "yaml.p.invalid", "yaml.p.control", "yaml.p.mapping_keys"}
    rare |= {"yaml.p.indentation", "yaml.p.space"}
    expected = {k for k in error_keys() if k.startswith("yaml.p.")} - rare
    assert sorted(expected - reached) == [], sorted(expected - reached)


# ---------------------------------------------------------------- (4) through the command line


@pytest.mark.parametrize(
    "case", ["unknown field", "syntax", "not a choice", "many problems", "rule uses a disabled question"]
)
def test_the_command_line_prints_them_in_russian(
    case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: CliRunner
) -> None:
    build(tmp_path, CASES[case])
    (tmp_path / "clientcheck.yaml").touch()  # a project folder: its rules and questions are the ones in effect
    monkeypatch.chdir(tmp_path)
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "CLIENTCHECK_RULES", "CLIENTCHECK_QUESTIONS"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("LANG", "ru_RU.UTF-8")
    code, out, err = invoke(cli, "check", "-", input="{}")
    assert (code, out) == (2, "")
    lines = err.splitlines()
    assert lines and all(line.startswith("clientcheck: ошибка: ") for line in lines), err
    assert [w for line in lines for w in english_words(line, FORMAT_WORDS | CATALOG_IDS)] == [], err
