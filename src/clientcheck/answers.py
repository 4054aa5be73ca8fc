"""Reading and validating answers: from YAML / JSON files or stdin, against the questions."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from clientcheck.conditions import suggest
from clientcheck.errors import AnswersError, ClientcheckError, Mark, UsageError
from clientcheck.files import YamlError, read_text
from clientcheck.i18n import t
from clientcheck.model import CLIENT_KEY, UNKNOWN, Answers, Catalog, Question

Locate = Callable[[str], Mark | None]

_YAML11 = {"y", "yes", "n", "no", "on", "off"}


def _fmt_num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


def allowed(q: Question, lang: str = "en") -> str:
    """What a question accepts, in words, for error messages and prompts."""
    if q.type == "yesno":
        return t(lang, "answers.allowed.yesno")
    if q.type in ("choice", "multi"):
        ids = ", ".join(q.choice_ids)
        return t(lang, "answers.allowed.choice" if q.type == "choice" else "answers.allowed.multi", ids=ids)
    if q.type in ("integer", "number"):
        kind = t(lang, "interview.allowed.integer" if q.type == "integer" else "interview.allowed.number")
        if q.min is not None and q.max is not None:
            return t(lang, "interview.allowed.range", kind=kind, min=_fmt_num(q.min), max=_fmt_num(q.max))
        if q.min is not None:
            return t(lang, "interview.allowed.min", kind=kind, min=_fmt_num(q.min))
        if q.max is not None:
            return t(lang, "interview.allowed.max", kind=kind, max=_fmt_num(q.max))
        return kind
    return t(lang, "answers.allowed.text")


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return json.dumps(value, ensure_ascii=False) if isinstance(value, (str, list, dict)) else repr(value)


def coerce(q: Question, value: Any, raw: str | None = None, lang: str = "en") -> Any:
    """Validate one answer; return its canonical value or raise ValueError with the reason (in lang)."""
    if value is None or value is UNKNOWN:
        return UNKNOWN
    hint = ""
    if isinstance(value, bool) and raw is not None and raw.lower() in _YAML11:
        hint = t(lang, "answers.yaml11", raw=raw, value=_show(value))
    expected = allowed(q, lang)
    if q.type == "yesno":
        if isinstance(value, bool):
            return value
    elif q.type == "choice":
        if isinstance(value, str) and value in q.choice_ids:
            return value
        if isinstance(value, str):
            extra = suggest(value, q.choice_ids, lang)
            raise ValueError(t(lang, "answers.not_a_choice", value=_show(value), expected=expected) + extra)
    elif q.type == "multi":
        items = [value] if isinstance(value, str) else value
        if isinstance(items, list):
            for item in items:
                if not isinstance(item, str) or item not in q.choice_ids:
                    extra = suggest(item, q.choice_ids, lang) if isinstance(item, str) else ""
                    raise ValueError(t(lang, "answers.not_a_choice", value=_show(item), expected=expected) + extra)
            return frozenset(items)
    elif q.type in ("integer", "number"):
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            if value != value or value in (float("inf"), float("-inf")):
                raise ValueError(t(lang, "answers.unusable_number", value=value, expected=expected))
            if q.type == "integer":
                if isinstance(value, float) and not value.is_integer():
                    raise ValueError(t(lang, "answers.not_whole", value=_show(value), expected=expected))
                value = int(value)
            if (q.min is not None and value < q.min) or (q.max is not None and value > q.max):
                raise ValueError(t(lang, "answers.out_of_range", value=_show(value), expected=expected))
            return value
    elif q.type == "text":
        if isinstance(value, str):
            return value
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return str(value)
    raise ValueError(t(lang, "answers.expected", expected=expected, value=_show(value)) + hint)


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
