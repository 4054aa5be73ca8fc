"""The JSON Schemas: valid draft 2020-12 documents that accept exactly what the loader accepts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from clientcheck import loader
from clientcheck.errors import ConfigError
from clientcheck.extends import question_files
from clientcheck.schema import DIALECT, OBJECTS, json_schema
from clientcheck.yamlsrc import load_file
from tests.conftest import SMALL_QUESTIONS, SMALL_RULES, WriteYaml


def check(inst: Any, fmt: str) -> list[str]:
    """What a real draft 2020-12 validator says of this instance, one line per error."""
    schema = json_schema(fmt)
    validator = Draft202012Validator(schema)
    return sorted(f"{e.json_path}: {e.message}" for e in validator.iter_errors(inst))


@pytest.mark.parametrize("fmt", ["rules", "questions"])
def test_schemas_are_draft_2020_12_and_closed(fmt: str) -> None:
    schema = json_schema(fmt)
    assert schema["$schema"] == DIALECT == "https://json-schema.org/draft/2020-12/schema"
    assert schema["additionalProperties"] is False
    objects = [d for d in schema["$defs"].values() if d.get("type") == "object" and "properties" in d]
    assert objects and all(d["additionalProperties"] is False for d in objects)
    json.dumps(schema)  # plain JSON data
    Draft202012Validator.check_schema(schema)  # a valid schema by the meta-schema


def test_the_bundled_files_are_valid() -> None:
    assert check(load_file(loader.bundled_rules()), "rules") == []
    for path in question_files(loader.bundled_questions()):
        assert check(load_file(path), "questions") == [], path


def test_extending_files_are_valid_and_a_standalone_file_needs_everything() -> None:
    assert check({"version": 1, "extends": "builtin", "disable": ["rude"]}, "rules") == []
    assert check({"extends": "builtin", "override": {"late_payments": {"max": 50}}}, "questions") == []
    assert check({"version": 1, "rules": []}, "rules") == ["$: 'policy' is a required property"]
    assert check({"version": 1, "policy": {"severities": {"x": {"weight": 1}}}, "rules": [], "disable": []}, "rules")
    assert check({"section": "s", "title": "T", "questions": []}, "questions") == []
    assert check({"extends": "builtin", "section": "s"}, "questions") == [
        "$: 'questions' is a dependency of 'section'",
        "$: 'title' is a dependency of 'section'",
    ]


# an instance of every object kind, and where it sits in its file
SAMPLES: dict[str, tuple[str, str]] = {
    "rules_file": ("rules", "$"),
    "policy": ("rules", "policy"),
    "severity": ("rules", "policy.severities.high"),
    "threshold": ("rules", "policy.decline_if"),
    "rule": ("rules", "rules.0"),
    "level": ("rules", "rules.0.levels.0"),
    "example": ("rules", "rules.0.examples.0"),
    "questions_file": ("questions", "$"),
    "question": ("questions", "questions.0"),
    "choice": ("questions", "questions.2.choices.0"),
}


_WHAT = {
    "rules_file": "a rules file",
    "policy": "policy",
    "severity": "severity 'high'",
    "threshold": "decline_if",
    "rule": "a rule",
    "level": "a level",
    "example": "an example",
    "questions_file": "a questions file",
    "question": "a question",
    "choice": "a choice",
}


def _at(tree: Any, where: str) -> Any:
    for part in [] if where == "$" else where.split("."):
        tree = tree[int(part)] if isinstance(tree, list) else tree[part]
    return tree


@pytest.mark.parametrize("kind", sorted(SAMPLES))
def test_an_unknown_field_is_refused_by_the_schema_and_by_the_loader(
    kind: str, write_yaml: WriteYaml, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    fmt, where = SAMPLES[kind]
    with_example = SMALL_RULES.replace(
        "        severity: note\n",
        "        severity: note\n    examples:\n      - {answers: {worked_before: true, late_payments: 1}, fires: note}\n",
    )
    write_yaml("rules.yaml", with_example)
    write_yaml("questions/10-pay.yaml", SMALL_QUESTIONS)
    files = {"rules": tmp_path / "rules.yaml", "questions": tmp_path / "questions" / "10-pay.yaml"}
    tree = load_file(files[fmt])
    target = _at(tree, where)
    assert check(tree, fmt) == []
    target["zzz"] = 1
    assert any("('zzz' was unexpected)" in e for e in check(tree, fmt)), kind
    # the same extra field written into the file: the loader refuses it too
    files[fmt].write_text(json.dumps(tree, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        loader.load_catalog(files["rules"], files["questions"].parent)
    assert [line.split(": ", 1)[1] for line in str(info.value).splitlines()] == [
        f"unknown field 'zzz' in {_WHAT[kind]}"
    ]


# which kind of object the loader means by each `what`
def _kind(what: str) -> str:
    fixed = {
        "a rules file": "rules_file",
        "a rules file that extends another": "rules_file",
        "a questions file": "questions_file",
        "a questions file that extends another": "questions_file",
        "policy": "policy",
        "history": "history",
        "decline_if": "threshold",
        "caution_if": "threshold",
        "a rule": "rule",
        "a level": "level",
        "an example": "example",
        "a question": "question",
        "a choice": "choice",
        "a level override": "level_override",
        "a checklist line": "checklist_item",
    }
    if what in fixed:
        return fixed[what]
    if what.startswith("severity "):
        return "severity"
    if what.startswith("checklist "):
        return "checklist"
    if what.startswith("the override of '"):
        return "question_override" if "_" in what else "rule_override"  # question ids take _, rule ids -
    raise AssertionError(f"unexpected object {what!r}")


def test_the_loader_accepts_exactly_the_fields_of_the_schema(
    write_yaml: WriteYaml, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    accepted: dict[str, set[str]] = {}
    original = loader._Checker.fields

    def spy(self: Any, m: Any, where: Any, what: str, required: Any, optional: Any) -> bool:
        required, optional = tuple(required), tuple(optional)
        accepted.setdefault(_kind(what), set()).update(required, optional)
        return original(self, m, where, what, required, optional)

    monkeypatch.setattr(loader._Checker, "fields", spy)
    loader.load_catalog()  # every standalone object
    monkeypatch.chdir(tmp_path)
    write_yaml(
        "rules.yaml",
        """\
        version: 1
        extends: builtin
        override:
          late-payer:
            levels: [{}, {severity: high}, {}]
        """,
    )
    write_yaml("questions/00-more.yaml", "extends: builtin\noverride:\n  late_payments: {max: 50}\n")
    loader.load_catalog(tmp_path / "rules.yaml", tmp_path / "questions")
    for kind, fields in OBJECTS.items():
        assert accepted.get(kind) == {f.name for f in fields}, kind


def test_a_unit_s_word_forms_are_counted_as_the_loader_counts_them() -> None:
    def unit(value: Any) -> list[str]:
        q = {"id": "wait", "type": "number", "text": "Wait?", "unit": value}
        return check({"section": "s", "title": "T", "questions": [q]}, "questions")

    assert unit({"en": ["day", "days"], "ru": ["день", "дня", "дней"]}) == []
    assert unit({"en": "days", "ru": "дн."}) == []
    assert unit({"en": ["day", "days", "x"]}) != []
    assert unit({"ru": ["день", "дня"]}) != []
