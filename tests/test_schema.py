"""The JSON Schemas: valid draft 2020-12 documents that accept exactly what the loader accepts."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from clientcheck import loader
from clientcheck.errors import ConfigError
from clientcheck.extends import question_files
from clientcheck.schema import DIALECT, OBJECTS, json_schema
from clientcheck.yamlsrc import load_file
from tests.conftest import SMALL_QUESTIONS, SMALL_RULES, WriteYaml

# A validator for the keywords our schemas use. It refuses any keyword it does not know, so a
# schema cannot pass here by using something this test silently ignores.
KNOWN = {
    "$schema", "$ref", "$defs", "title", "description", "examples", "type", "properties",
    "additionalProperties", "required", "items", "minItems", "pattern", "enum", "const", "anyOf", "not",
    "if", "then", "else", "minLength", "maxLength", "minProperties", "propertyNames", "dependentRequired",
}  # fmt: skip
TYPES = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
}


def validate(inst: Any, schema: Any, root: dict[str, Any], path: str = "$") -> list[str]:
    if schema is True:
        return []
    if schema is False:
        return [f"{path}: not allowed"]
    unknown = set(schema) - KNOWN
    assert not unknown, f"the test validator does not know {unknown}"
    errors: list[str] = []
    if "$ref" in schema:
        errors += validate(inst, root["$defs"][schema["$ref"].rsplit("/", 1)[-1]], root, path)
    if "type" in schema:
        types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        if not any(TYPES[t](inst) for t in types):
            return [*errors, f"{path}: expected {types}, got {inst!r}"]
    if "enum" in schema and inst not in schema["enum"]:
        errors.append(f"{path}: {inst!r} not in {schema['enum']}")
    if "const" in schema and (inst != schema["const"] or type(inst) is not type(schema["const"])):
        errors.append(f"{path}: {inst!r} is not {schema['const']!r}")
    if isinstance(inst, str):
        if "pattern" in schema and not re.search(schema["pattern"], inst):
            errors.append(f"{path}: {inst!r} does not match {schema['pattern']}")
        if len(inst) < schema.get("minLength", 0) or len(inst) > schema.get("maxLength", 10**9):
            errors.append(f"{path}: length of {inst!r}")
    if isinstance(inst, list):
        if len(inst) < schema.get("minItems", 0):
            errors.append(f"{path}: too few items")
        for i, item in enumerate(inst):
            if "items" in schema:
                errors += validate(item, schema["items"], root, f"{path}[{i}]")
    if isinstance(inst, dict):
        if len(inst) < schema.get("minProperties", 0):
            errors.append(f"{path}: too few properties")
        for key in schema.get("required", []):
            if key not in inst:
                errors.append(f"{path}: missing {key!r}")
        for key, needs in schema.get("dependentRequired", {}).items():
            if key in inst:
                errors += [f"{path}: {key!r} needs {n!r}" for n in needs if n not in inst]
        props = schema.get("properties", {})
        for key, value in inst.items():
            if "propertyNames" in schema:
                errors += validate(key, schema["propertyNames"], root, f"{path}.<{key}>")
            if key in props:
                errors += validate(value, props[key], root, f"{path}.{key}")
            elif "additionalProperties" in schema:
                errors += validate(value, schema["additionalProperties"], root, f"{path}.{key}")
    if "anyOf" in schema and not any(not validate(inst, s, root, path) for s in schema["anyOf"]):
        errors.append(f"{path}: matches none of anyOf")
    if "not" in schema and not validate(inst, schema["not"], root, path):
        errors.append(f"{path}: matches 'not'")
    if "if" in schema:
        branch = "then" if not validate(inst, schema["if"], root, path) else "else"
        if branch in schema:
            errors += validate(inst, schema[branch], root, path)
    return errors


def check(inst: Any, fmt: str) -> list[str]:
    schema = json_schema(fmt)
    return validate(inst, schema, schema)


@pytest.mark.parametrize("fmt", ["rules", "questions"])
def test_schemas_are_draft_2020_12_and_closed(fmt: str) -> None:
    schema = json_schema(fmt)
    assert schema["$schema"] == DIALECT == "https://json-schema.org/draft/2020-12/schema"
    assert schema["additionalProperties"] is False
    objects = [d for d in schema["$defs"].values() if d.get("type") == "object" and "properties" in d]
    assert objects and all(d["additionalProperties"] is False for d in objects)
    json.dumps(schema)  # plain JSON data


def test_the_bundled_files_are_valid() -> None:
    assert check(load_file(loader.bundled_rules()), "rules") == []
    for path in question_files(loader.bundled_questions()):
        assert check(load_file(path), "questions") == [], path


def test_extending_files_are_valid_and_a_standalone_file_needs_everything() -> None:
    assert check({"version": 1, "extends": "builtin", "disable": ["rude"]}, "rules") == []
    assert check({"extends": "builtin", "override": {"late_payments": {"max": 50}}}, "questions") == []
    assert check({"version": 1, "rules": []}, "rules") == ["$: missing 'policy'"]
    assert check({"version": 1, "policy": {"severities": {"x": {"weight": 1}}}, "rules": [], "disable": []}, "rules")
    assert check({"section": "s", "title": "T", "questions": []}, "questions") == []
    assert check({"extends": "builtin", "section": "s"}, "questions") == [
        "$: 'section' needs 'title'",
        "$: 'section' needs 'questions'",
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
    assert any(e.endswith("not allowed") for e in check(tree, fmt)), kind
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
        "decline_if": "threshold",
        "caution_if": "threshold",
        "a rule": "rule",
        "a level": "level",
        "an example": "example",
        "a question": "question",
        "a choice": "choice",
        "a level override": "level_override",
    }
    if what in fixed:
        return fixed[what]
    if what.startswith("severity "):
        return "severity"
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
