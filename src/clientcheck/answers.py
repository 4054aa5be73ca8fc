"""Reading and validating answers: from YAML / JSON files or stdin, against the questions."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from clientcheck import qtypes
from clientcheck.conditions import suggest
from clientcheck.errors import AnswersError, ClientcheckError, Mark, UsageError
from clientcheck.files import YamlError, read_text
from clientcheck.i18n import t
from clientcheck.model import CLIENT_KEY, NOTE_KEY, UNKNOWN, Answers, Catalog, Question

Locate = Callable[[str], Mark | None]

_YAML11 = {"y", "yes", "n", "no", "on", "off"}


def allowed(q: Question, lang: str = "en") -> str:
    """What a question accepts, in words, for error messages and prompts."""
    if lang == "en" or q.type not in _TRANSLATED:
        return qtypes.of(q).allowed(q)
    if q.type == "yesno":
        return t(lang, "answers.allowed.yesno")
    if q.type in ("choice", "multi"):
        ids = ", ".join(q.choice_ids)
        return t(lang, "answers.allowed.choice" if q.type == "choice" else "answers.allowed.multi", ids=ids)
    if q.type in ("integer", "number"):
        kind = t(lang, "interview.allowed.integer" if q.type == "integer" else "interview.allowed.number")
        if q.min is not None and q.max is not None:
            return t(lang, "interview.allowed.range", kind=kind, min=qtypes.fmt_num(q.min), max=qtypes.fmt_num(q.max))
        if q.min is not None:
            return t(lang, "interview.allowed.min", kind=kind, min=qtypes.fmt_num(q.min))
        if q.max is not None:
            return t(lang, "interview.allowed.max", kind=kind, max=qtypes.fmt_num(q.max))
        return kind
    if q.type == "date":
        return t(lang, "interview.allowed.date")
    return t(lang, "answers.allowed.text")


_TRANSLATED = ("yesno", "choice", "multi", "integer", "number", "text", "date")
# qtypes says why a value is refused in English; in another language the reason is said again
_REASONS = (
    (
        re.compile(r"^(?P<value>.*) is not a choice; expected .*?(?:; did you mean '(?P<close>.*)'\?)?$", re.S),
        "answers.not_a_choice",
    ),
    (re.compile(r"^(?P<value>.*) is not a usable number; expected .*$", re.S), "answers.unusable_number"),
    (re.compile(r"^(?P<value>.*) is out of range; expected .*$", re.S), "answers.out_of_range"),
    (re.compile(r"^(?P<value>.*) is not whole; expected .*$", re.S), "answers.not_whole"),
    (re.compile(r"^(?P<value>.*) is not a date; expected .*$", re.S), "answers.not_a_date"),
)


def _reason(q: Question, message: str, lang: str) -> str:
    """qtypes' English reason for refusing a value, in lang (unchanged when it is not one we know)."""
    if lang == "en":
        return message
    for pattern, key in _REASONS:
        m = pattern.match(message)
        if m is not None:
            close = m.groupdict().get("close")
            hint = suggest(close, [close], lang) if close else ""
            return t(lang, key, value=m.group("value"), expected=allowed(q, lang)) + hint
    return message


def coerce(q: Question, value: Any, raw: str | None = None, lang: str = "en") -> Any:
    """Validate one answer; return its canonical value or raise ValueError with the reason (in lang)."""
    if value is None or value is UNKNOWN:
        return UNKNOWN
    try:
        return qtypes.of(q).coerce(q, value)
    except ValueError as exc:
        if exc.args:
            raise ValueError(_reason(q, str(exc), lang)) from None
    hint = ""
    if isinstance(value, bool) and raw is not None and raw.lower() in _YAML11:
        hint = t(lang, "answers.yaml11", raw=raw, value=qtypes.show_json(value))
    raise ValueError(t(lang, "answers.expected", expected=allowed(q, lang), value=qtypes.show_json(value)) + hint)


def validate(data: Any, catalog: Catalog, origin: str, locate: Locate | None = None, lang: str = "en") -> Answers:
    """Check a decoded answers mapping against the questions; every problem in one error (in lang)."""
    locate = locate or (lambda key: None)
    if data is None:
        data = {}
    if not isinstance(data, Mapping):
        raise AnswersError([ClientcheckError(t(lang, "answers.not_a_mapping"), Mark(origin, 1))])
    problems: list[ClientcheckError] = []
    values: dict[str, Any] = {}
    client: str | None = None
    note: str | None = None
    raws: Mapping[str, str] = getattr(data, "raw", {})
    for key, value in data.items():
        mark = locate(key) or Mark(origin, 0)
        if not isinstance(key, str):
            problems.append(ClientcheckError(t(lang, "answers.bad_key", name=repr(key)), mark))
            continue
        if key == CLIENT_KEY:
            if isinstance(value, bool) or (value is not None and not isinstance(value, (str, int, float))):
                problems.append(ClientcheckError(t(lang, "answers.bad_client"), mark))
            elif value is not None:
                client = str(value)
            continue
        if key == NOTE_KEY and key not in catalog.questions:
            if value is not None and not isinstance(value, str):
                problems.append(ClientcheckError("note: expected your note about the client as text", mark))
            elif value:
                note = value
            continue
        q = catalog.questions.get(key)
        if q is None:
            hint = suggest(key, list(catalog.questions), lang)
            problems.append(ClientcheckError(t(lang, "answers.unknown_question", name=key) + hint, mark))
            continue
        try:
            values[key] = coerce(q, value, raws.get(key), lang)
        except ValueError as exc:
            problems.append(ClientcheckError(f"{key}: {exc}", mark))
    if problems:
        raise AnswersError(problems)
    return Answers(values, client, origin, note=note)


def _json_locator(text: str, origin: str) -> Locate:
    def locate(key: str) -> Mark | None:
        m = re.search(r'"' + re.escape(json.dumps(key)[1:-1]) + r'"\s*:', text)
        if m is None:
            return None
        line = text.count("\n", 0, m.start()) + 1
        return Mark(origin, line, m.start() - (text.rfind("\n", 0, m.start()) + 1) + 1)

    return locate


def no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """json's object_pairs_hook: a repeated key is an error, not a silent overwrite."""
    out: dict[str, Any] = {}
    for k, v in pairs:
        if k in out:
            raise ValueError(f"duplicate key {k!r}")
        out[k] = v
    return out


def parse_answers_text(text: str, origin: str, fmt: str, catalog: Catalog, lang: str = "en") -> Answers:
    """Decode and validate. fmt is "json" or "yaml"; JSON errors keep their line and column."""
    if fmt == "json":
        try:
            data = json.loads(text, object_pairs_hook=no_duplicate_keys)
        except json.JSONDecodeError as exc:
            # json's own wording is English only: in another language the place says where to look
            problem = (
                t(lang, "answers.json_syntax", problem=exc.msg) if lang == "en" else t(lang, "answers.json_syntax")
            )
            raise AnswersError([ClientcheckError(problem, Mark(origin, exc.lineno, exc.colno))]) from None
        except ValueError as exc:  # a duplicate key: point at its second appearance
            key = str(exc).split("'", 1)[1].rsplit("'", 1)[0] if "'" in str(exc) else ""
            found = list(re.finditer(r'"' + re.escape(json.dumps(key)[1:-1]) + r'"\s*:', text)) if key else []
            line = text.count("\n", 0, found[1].start()) + 1 if len(found) > 1 else 1
            message = t(lang, "answers.duplicate_key", name=key) if key else str(exc)
            raise AnswersError([ClientcheckError(message, Mark(origin, line))]) from None
        except RecursionError:  # json's recursion is Python's: thousands of [[[...]]] exhaust it
            raise AnswersError([ClientcheckError(t(lang, "answers.too_deep"), Mark(origin, 1))]) from None
        return validate(data, catalog, origin, _json_locator(text, origin), lang)
    try:
        from clientcheck.yamlsrc import parse_text  # PyYAML only for YAML answers

        data = parse_text(text, origin)
    except YamlError as exc:
        raise AnswersError([exc]) from None
    locate: Locate = data.key_at if hasattr(data, "key_at") else (lambda key: None)
    return validate(data, catalog, origin, locate, lang)


def guess_format(name: str, text: str) -> str:
    suffix = Path(name).suffix.lower()
    if suffix == ".json":
        return "json"
    if suffix in (".yaml", ".yml"):
        return "yaml"
    return "json" if text.lstrip().startswith("{") else "yaml"


def read_answers(path: str, catalog: Catalog, fmt: str | None = None, lang: str = "en") -> Answers:
    """Read one answers file, or stdin for "-"; problems are reported in lang."""
    if path == "-":
        if sys.stdin is None:
            raise UsageError(t(lang, "answers.no_stdin"))
        try:
            text = sys.stdin.read()
        except UnicodeDecodeError:
            raise AnswersError([ClientcheckError(t(lang, "answers.stdin_not_utf8"), Mark("<stdin>", 1))]) from None
        origin = "<stdin>"
    else:
        try:
            text = read_text(Path(path))
        except YamlError as exc:
            raise AnswersError([exc]) from None
        origin = path
    return parse_answers_text(text, origin, fmt or guess_format(origin, text), catalog, lang)
