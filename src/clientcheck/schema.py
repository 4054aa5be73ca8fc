"""The one table of fields of both file formats, and the JSON Schemas derived from it.

The loader asks this table which fields each object takes (required and optional), and
`clientcheck schema` turns the same table into JSON Schema (draft 2020-12), so what an editor
accepts and what clientcheck accepts cannot drift apart. Fields marked ``extension`` belong
to files that extend another (``extends: builtin``): the extends step consumes them before
the loader sees the merged tree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from clientcheck.conditions import MAX_LENGTH as CONDITION_MAX_LENGTH
from clientcheck.functions import FUNCTIONS
from clientcheck.model import LANGUAGES, LATE_WINDOW_DAYS, QUESTION_TYPES, RULE_KINDS, VERDICTS

DIALECT = "https://json-schema.org/draft/2020-12/schema"
IDENT_PATTERN = "^[a-z][a-z0-9_]*$"
RULE_ID_PATTERN = "^[a-z][a-z0-9-]*$"
LANG_PATTERN = "^[a-z]{2}$"
FORMATS = ("questions", "rules")


@dataclass(frozen=True)
class Field:
    name: str
    schema: dict[str, Any]
    doc: str
    required: bool = False  # in a file that stands alone; an extending file may leave it out
    extension: bool = False  # only in a file that says `extends:`


def _ref(name: str) -> dict[str, Any]:
    return {"$ref": f"#/$defs/{name}"}


_TEXT = _ref("text")
_COND = _ref("condition")
_NUMBER: dict[str, Any] = {"type": "number"}
_IDENT: dict[str, Any] = {"type": "string", "pattern": IDENT_PATTERN}
_RULE_ID: dict[str, Any] = {"type": "string", "pattern": RULE_ID_PATTERN}
_ANSWER: dict[str, Any] = {
    "description": "An answer: true/false, a choice id, a list of choice ids, a number, text, or null for don't know.",
    "type": ["boolean", "number", "string", "array", "null"],
    "items": {"type": "string"},
}

_EXAMPLE = (
    Field(
        "answers",
        {"type": "object", "propertyNames": _IDENT, "additionalProperties": _ANSWER},
        "Answers by question id, as in an answers file.",
        required=True,
    ),
    Field(
        "fires",
        {"type": ["boolean", "string"]},
        "false: the rule must not fire; true: it fires at any level; a severity name: it fires at that severity.",
        required=True,
    ),
    Field("verdict", {"enum": list(VERDICTS)}, "The verdict the whole catalog must give for these answers."),
    Field(
        "today",
        {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"},
        "The date `today` means for this example (YYYY-MM-DD), so that an example with dates does not drift.",
    ),
)

_LEVEL = (
    Field("when", _COND, "The condition of this level.", required=True),
    Field("severity", _IDENT, "A severity named in policy.severities.", required=True),
    Field("weight", _NUMBER, "Overrides the severity's weight for this level."),
    Field("advice", _TEXT, "Advice for this level instead of the rule's."),
    Field("client_reason", _TEXT, "What to tell the client when this level fires, instead of the rule's."),
    Field("client_offer", _TEXT, "What to offer the client when this level fires, instead of the rule's."),
)

_RULE = (
    Field("id", _RULE_ID, "Stable, user-facing rule id.", required=True),
    Field("kind", {"enum": list(RULE_KINDS)}, "red-flag, good-sign or note.", required=True),
    Field("title", _TEXT, "A short name.", required=True),
    Field("why", _TEXT, "Why it matters.", required=True),
    Field("advice", _TEXT, "What to do or say.", required=True),
    Field(
        "client_reason",
        _TEXT,
        "The reason in the client's own terms, for `clientcheck reply`; without it the rule is left out of replies.",
    ),
    Field(
        "client_offer",
        _TEXT,
        "What to offer the client: a way forward (decline), a condition (caution), a next step (good sign).",
    ),
    Field("source", {"type": "string"}, "Where the rule comes from: a key of `sources`.", required=True),
    Field("when", _COND, "The condition (single-level rules, good signs, notes)."),
    Field("severity", _IDENT, "A severity named in policy.severities (single-level red flags)."),
    Field("weight", _NUMBER, "Overrides the severity's weight (red flags) or good_sign_weight (good signs)."),
    Field("levels", {"type": "array", "minItems": 1, "items": _ref("level")}, "Graduated red flag: first true fires."),
    Field("examples", {"type": "array", "items": _ref("example")}, "Answers and the expected outcome."),
)

_SEVERITY = (
    Field("weight", _NUMBER, "Added to the score when a red flag of this severity fires.", required=True),
    Field("label", _TEXT, "How the severity is shown."),
)

_THRESHOLD = (
    Field("any_severity", {"type": "array", "items": _IDENT}, "Met when a red flag of one of these severities fires."),
    Field("min_score", _NUMBER, "Met when the score is at least this."),
    Field(
        "count",
        {"type": "object", "propertyNames": _IDENT, "additionalProperties": {"type": "integer", "minimum": 1}},
        "Met when at least this many red flags of a severity fire, e.g. {high: 2}.",
    ),
)

_POLICY = (
    Field(
        "severities",
        {"type": "object", "propertyNames": _IDENT, "additionalProperties": _ref("severity"), "minProperties": 1},
        "The severity scale.",
        required=True,
    ),
    Field("good_sign_weight", _NUMBER, "Default weight of a good sign, subtracted from the score."),
    Field("decline_if", _ref("threshold"), "When the verdict is decline."),
    Field("caution_if", _ref("threshold"), "When the verdict is caution (if not decline)."),
)

_HISTORY = (
    Field(
        "late_payments_window_days",
        {"type": ["integer", "null"], "minimum": 1},
        "For a named client, late payments recorded with `clientcheck paid` count over this many days "
        f"(null: all of them). Default {LATE_WINDOW_DAYS}.",
    ),
)

_LEVEL_OVERRIDE = (
    Field("when", _COND, "A new condition for this level."),
    Field("severity", _IDENT, "A new severity for this level."),
    Field("weight", _NUMBER, "A new weight for this level."),
    Field("advice", _TEXT, "New advice for this level."),
    Field("client_reason", _TEXT, "A new client-facing reason for this level."),
    Field("client_offer", _TEXT, "A new client-facing offer for this level."),
)

_RULE_OVERRIDE = (
    Field("title", _TEXT, "A new title."),
    Field("why", _TEXT, "A new explanation."),
    Field("advice", _TEXT, "New advice."),
    Field("client_reason", _TEXT, "A new client-facing reason."),
    Field("client_offer", _TEXT, "A new client-facing offer."),
    Field("when", _COND, "A new condition (single-level rules)."),
    Field("severity", _IDENT, "A new severity (single-level red flags)."),
    Field("weight", _NUMBER, "A new weight."),
    Field(
        "levels",
        {"type": "array", "items": _ref("level_override")},
        "One entry per level of the rule, in order; {} leaves a level as it is.",
    ),
    Field("examples", {"type": "array", "items": _ref("example")}, "Examples added to the rule's own."),
)

_CHOICE = (
    Field("id", _IDENT, "Choice id, as answers and conditions write it.", required=True),
    Field("text", _TEXT, "What the user sees.", required=True),
)

_QUESTION = (
    Field("id", _IDENT, "Question id, unique over all files.", required=True),
    Field("type", {"enum": list(QUESTION_TYPES)}, "The kind of answer.", required=True),
    Field("text", _TEXT, "The question.", required=True),
    Field("help", _TEXT, "Shown on demand."),
    Field("unit", _ref("unit"), "integer/number only: hours, RUB, %, or word forms [day, days] ..."),
    Field("min", _NUMBER, "integer/number only: the least valid answer."),
    Field("max", _NUMBER, "integer/number only: the greatest valid answer."),
    Field(
        "measure",
        {"enum": ["hours", "days", "money"]},
        "integer/number only: what the number measures, so answers may carry units (3 days, 2 weeks, 150k).",
    ),
    Field("seller", {"type": "boolean"}, "A question about your own business, answered once in the seller profile."),
    Field(
        "checklist",
        _ref("checklist_item"),
        "yesno only: the interview asks it as one line of a checklist (the file's `checklists`).",
    ),
    Field("default", _ANSWER, "Offered first in the interview; must be a valid answer."),
    Field("when", _COND, "Asked only when this condition on earlier questions is true."),
    Field("choices", {"type": "array", "minItems": 1, "items": _ref("choice")}, "choice/multi only."),
)

_CHECKLIST_ITEM = (
    Field("group", _IDENT, "The checklist (an id under `checklists` in a questions file).", required=True),
    Field("item", _TEXT, "The line: a short statement, true when ticked.", required=True),
    Field("ticked", {"type": "boolean"}, "The answer a tick gives the question (default true)."),
)

_CHECKLIST = (
    Field("text", _TEXT, "The checklist's question.", required=True),
    Field("help", _TEXT, "Shown on demand."),
)

_QUESTION_OVERRIDE = (
    Field("text", _TEXT, "A new question text."),
    Field("help", _TEXT, "A new help text."),
    Field("unit", _ref("unit"), "A new unit."),
    Field("min", _NUMBER, "A new minimum."),
    Field("max", _NUMBER, "A new maximum."),
    Field("default", _ANSWER, "A new default."),
    Field("when", _COND, "A new condition for asking it."),
)

_EXTENDS = Field(
    "extends",
    {"type": "string", "pattern": r"^(builtin|[^/\\].*)$"},
    "builtin, or a path relative to this file (inside its folder) of the file or folder to extend.",
    extension=True,
)

_RULES_FILE = (
    Field(
        "clientcheck",
        {"const": "rules"},
        "Marks the file as clientcheck rules: a rules.yaml with `clientcheck: rules` makes its folder a "
        "clientcheck project (docs/rules.md).",
    ),
    Field("version", {"const": 1}, "The format version: 1.", required=True),
    _EXTENDS,
    Field(
        "sources",
        {"type": "object", "propertyNames": {"type": "string"}, "additionalProperties": _TEXT},
        "Where rules come from: source id -> title.",
    ),
    Field("policy", _ref("policy"), "Severities and the verdict thresholds.", required=True),
    Field("history", _ref("history"), "How the client history (docs/history.md) turns into answers."),
    Field("rules", {"type": "array", "items": _ref("rule")}, "The rules.", required=True),
    Field(
        "disable", {"type": "array", "items": _RULE_ID}, "Rule ids of the extended file to leave out.", extension=True
    ),
    Field(
        "override",
        {"type": "object", "propertyNames": _RULE_ID, "additionalProperties": _ref("rule_override")},
        "Rule id -> the fields to change.",
        extension=True,
    ),
)

_QUESTIONS_FILE = (
    _EXTENDS,
    Field("section", _IDENT, "Section id.", required=True),
    Field("title", _TEXT, "Section title.", required=True),
    Field(
        "questions", {"type": "array", "items": _ref("question")}, "The questions, in interview order.", required=True
    ),
    Field(
        "checklists",
        {"type": "object", "propertyNames": _IDENT, "additionalProperties": _ref("checklist")},
        "Checklist id -> its question: yes/no questions naming it are asked together, one line each.",
    ),
    Field(
        "disable",
        {"type": "array", "items": _IDENT},
        "Question ids of the extended folder to leave out.",
        extension=True,
    ),
    Field(
        "override",
        {"type": "object", "propertyNames": _IDENT, "additionalProperties": _ref("question_override")},
        "Question id -> the fields to change.",
        extension=True,
    ),
)

# every object of both formats: kind -> its fields; the loader and the schemas read this
OBJECTS: dict[str, tuple[Field, ...]] = {
    "rules_file": _RULES_FILE,
    "policy": _POLICY,
    "history": _HISTORY,
    "severity": _SEVERITY,
    "threshold": _THRESHOLD,
    "rule": _RULE,
    "level": _LEVEL,
    "example": _EXAMPLE,
    "rule_override": _RULE_OVERRIDE,
    "level_override": _LEVEL_OVERRIDE,
    "questions_file": _QUESTIONS_FILE,
    "question": _QUESTION,
    "choice": _CHOICE,
    "question_override": _QUESTION_OVERRIDE,
    "checklist_item": _CHECKLIST_ITEM,
    "checklist": _CHECKLIST,
}

_TOP = {"rules": "rules_file", "questions": "questions_file"}


def required(kind: str) -> tuple[str, ...]:
    return tuple(f.name for f in OBJECTS[kind] if f.required and not f.extension)


def optional(kind: str) -> tuple[str, ...]:
    return tuple(f.name for f in OBJECTS[kind] if not f.required and not f.extension)


def extension(kind: str) -> tuple[str, ...]:
    return tuple(f.name for f in OBJECTS[kind] if f.extension)


def _object(kind: str, required_names: tuple[str, ...] | None = None) -> dict[str, Any]:
    fields = OBJECTS[kind]
    out: dict[str, Any] = {
        "type": "object",
        "properties": {f.name: {**f.schema, "description": f.doc} for f in fields},
        "additionalProperties": False,
    }
    names = required(kind) if required_names is None else required_names
    if names:
        out["required"] = list(names)
    return out


def _unit_forms(n: int) -> dict[str, Any]:
    """A unit's text in a language, or its n word forms."""
    words = {"type": "array", "minItems": n, "maxItems": n, "items": {"type": "string", "minLength": 1}}
    return {"anyOf": [{"type": "string", "minLength": 1}, words]}


_SHARED: dict[str, Any] = {
    "text": {
        "description": "Text in every language ({en: ..., ru: ...}), or one string for all languages.",
        "anyOf": [
            {"type": "string", "minLength": 1},
            {
                "type": "object",
                "minProperties": 1,
                "propertyNames": {"pattern": LANG_PATTERN, "examples": list(LANGUAGES)},
                "additionalProperties": {"type": "string", "minLength": 1},
            },
        ],
    },
    "unit": {
        "description": "A unit: a text, or in each language the word forms that agree with a number "
        "(en: [day, days], for 1 and for more; ru: [день, дня, дней], for 1, 2 and 5).",
        "anyOf": [
            {"type": "string", "minLength": 1},
            {
                "type": "object",
                "minProperties": 1,
                "propertyNames": {"pattern": LANG_PATTERN, "examples": list(LANGUAGES)},
                "properties": {"ru": _unit_forms(3)},  # for 1, 2 and 5
                "additionalProperties": _unit_forms(2),  # for 1 and for more
            },
        ],
    },
    "condition": {
        "description": "A condition in clientcheck's condition language (docs/rules.md), e.g. late_payments >= 3. "
        "Functions: " + "; ".join(f"{f.signature}: {f.summary}" for f in FUNCTIONS.values()) + ".",
        "type": "string",
        "minLength": 1,
        "maxLength": CONDITION_MAX_LENGTH,
    },
}

_DEFS = {
    "rules": (
        "rule",
        "level",
        "example",
        "policy",
        "history",
        "severity",
        "threshold",
        "rule_override",
        "level_override",
    ),
    "questions": ("question", "choice", "question_override", "checklist_item", "checklist"),
}


def json_schema(fmt: str) -> dict[str, Any]:
    """The JSON Schema of one format ("rules" or "questions")."""
    top = _TOP[fmt]
    defs: dict[str, Any] = {name: _object(name) for name in _DEFS[fmt]}
    defs.update(_SHARED)
    body = _object(top)
    standalone = list(required(top))
    # a file that extends another needs only what it adds; one that does not needs everything
    body.pop("required", None)
    out: dict[str, Any] = {
        "$schema": DIALECT,
        "title": f"clientcheck {fmt} file",
        "description": f"clientcheck {fmt} file, format version 1 (see docs/rules.md).",
        **body,
        "if": {"required": ["extends"]},
        "then": {"required": ["version"] if fmt == "rules" else []},
        "else": {
            "required": standalone,
            "not": {"anyOf": [{"required": [name]} for name in extension(top) if name != "extends"]},
        },
        "$defs": defs,
    }
    if fmt == "rules":
        # in an extending file the policy is a patch: severities are merged by name
        out["properties"]["policy"] = {"type": "object", "description": "Severities and the verdict thresholds."}
        out["then"]["properties"] = {"policy": _object("policy", ())}
        out["else"]["properties"] = {"policy": _ref("policy")}
    else:
        out["then"]["dependentRequired"] = {"section": ["title", "questions"]}
    return out
