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
from clientcheck.model import CLIENT_KEY, UNKNOWN, Answers, Catalog, Question

Locate = Callable[[str], Mark | None]

_YAML11 = {"y", "yes", "n", "no", "on", "off"}


def allowed(q: Question, lang: str = "en") -> str:
    """What a question accepts, in words, for error messages and prompts."""
    return qtypes.of(q).allowed(q)


def coerce(q: Question, value: Any, raw: str | None = None) -> Any:
    """Validate one answer; return its canonical value or raise ValueError with the reason."""
    if value is None or value is UNKNOWN:
        return UNKNOWN
    try:
        return qtypes.of(q).coerce(q, value)
    except ValueError as exc:
        if exc.args:
            raise
    hint = ""
    if isinstance(value, bool) and raw is not None and raw.lower() in _YAML11:
        hint = f' (YAML reads {raw} as {qtypes.show_json(value)}; write "{raw}" in quotes)'
    raise ValueError(f"expected {allowed(q)}, got {qtypes.show_json(value)}{hint}")


def validate(data: Any, catalog: Catalog, origin: str, locate: Locate | None = None) -> Answers:
    """Check a decoded answers mapping against the questions; every problem in one error."""
    locate = locate or (lambda key: None)
    if data is None:
        data = {}
    if not isinstance(data, Mapping):
        raise AnswersError([ClientcheckError("answers must be a mapping of question id to answer", Mark(origin, 1))])
    problems: list[ClientcheckError] = []
    values: dict[str, Any] = {}
    client: str | None = None
    raws: Mapping[str, str] = getattr(data, "raw", {})
    for key, value in data.items():
        mark = locate(key) or Mark(origin, 0)
        if not isinstance(key, str):
            problems.append(ClientcheckError(f"key {key!r} is not a question id", mark))
            continue
        if key == CLIENT_KEY:
            if isinstance(value, bool) or (value is not None and not isinstance(value, (str, int, float))):
                problems.append(ClientcheckError("client: expected the client's name as text", mark))
            elif value is not None:
                client = str(value)
            continue
        q = catalog.questions.get(key)
        if q is None:
            problems.append(ClientcheckError(f"unknown question {key!r}{suggest(key, list(catalog.questions))}", mark))
            continue
        try:
            values[key] = coerce(q, value, raws.get(key))
        except ValueError as exc:
            problems.append(ClientcheckError(f"{key}: {exc}", mark))
    if problems:
        raise AnswersError(problems)
    return Answers(values, client, origin)


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


def parse_answers_text(text: str, origin: str, fmt: str, catalog: Catalog) -> Answers:
    """Decode and validate. fmt is "json" or "yaml"; JSON errors keep their line and column."""
    if fmt == "json":
        try:
            data = json.loads(text, object_pairs_hook=no_duplicate_keys)
        except json.JSONDecodeError as exc:
            raise AnswersError(
                [ClientcheckError(f"JSON syntax error: {exc.msg}", Mark(origin, exc.lineno, exc.colno))]
            ) from None
        except ValueError as exc:  # a duplicate key: point at its second appearance
            key = str(exc).split("'", 1)[1].rsplit("'", 1)[0] if "'" in str(exc) else ""
            found = list(re.finditer(r'"' + re.escape(json.dumps(key)[1:-1]) + r'"\s*:', text)) if key else []
            line = text.count("\n", 0, found[1].start()) + 1 if len(found) > 1 else 1
            raise AnswersError([ClientcheckError(str(exc), Mark(origin, line))]) from None
        except RecursionError:  # json's recursion is Python's: thousands of [[[...]]] exhaust it
            raise AnswersError([ClientcheckError("JSON is nested too deeply", Mark(origin, 1))]) from None
        return validate(data, catalog, origin, _json_locator(text, origin))
    try:
        from clientcheck.yamlsrc import parse_text  # PyYAML only for YAML answers

        data = parse_text(text, origin)
    except YamlError as exc:
        raise AnswersError([exc]) from None
    locate: Locate = data.key_at if hasattr(data, "key_at") else (lambda key: None)
    return validate(data, catalog, origin, locate)


def guess_format(name: str, text: str) -> str:
    suffix = Path(name).suffix.lower()
    if suffix == ".json":
        return "json"
    if suffix in (".yaml", ".yml"):
        return "yaml"
    return "json" if text.lstrip().startswith("{") else "yaml"


def read_answers(path: str, catalog: Catalog, fmt: str | None = None) -> Answers:
    """Read one answers file, or stdin for "-"."""
    if path == "-":
        if sys.stdin is None:
            raise UsageError("no standard input to read answers from")
        try:
            text = sys.stdin.read()
        except UnicodeDecodeError:
            raise AnswersError([ClientcheckError("standard input is not UTF-8 text", Mark("<stdin>", 1))]) from None
        origin = "<stdin>"
    else:
        try:
            text = read_text(Path(path))
        except YamlError as exc:
            raise AnswersError([exc]) from None
        origin = path
    return parse_answers_text(text, origin, fmt or guess_format(origin, text), catalog)
