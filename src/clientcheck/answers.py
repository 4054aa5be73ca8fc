"""Reading and validating answers: from YAML / JSON files or stdin, against the questions."""

from __future__ import annotations

import json
import math
import os
import re
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from clientcheck import fmt, qtypes
from clientcheck.conditions import suggest
from clientcheck.errors import MAX_SHOWN, AnswersError, ClientcheckError, Mark, UsageError
from clientcheck.files import MAX_BYTES, YamlError, decode, read_bytes, read_capped
from clientcheck.i18n import say, t
from clientcheck.model import CLIENT_KEY, NOTE_KEY, UNKNOWN, Answers, Catalog, Question
from clientcheck.profile import CURRENCY, currency_unit

Locate = Callable[[str], Mark | None]

_YAML11 = {"y", "yes", "n", "no", "on", "off"}
# YAML 1.1 reads these as numbers nobody meant: 1:30 is 90 (base 60), 010 is 8 (octal), 0x10 is
# 16 (hexadecimal), 0b11 is 3 (binary); JSON has none of them
_YAML11_NUMBERS = (
    (re.compile(r"[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?\Z"), "answers.base60"),
    (re.compile(r"[-+]?0[0-7_]+\Z"), "answers.octal"),
    (re.compile(r"[-+]?0x[0-9a-fA-F_]+\Z"), "answers.hex"),
    (re.compile(r"[-+]?0b[01_]+\Z"), "answers.binary"),
)


# a number with an exponent but no point: text to YAML 1.1 (which wants `1.0e+2`), a number to JSON
_EXPONENT = re.compile(r"[-+]?[0-9]+(?:\.[0-9]*)?[eE][-+]?[0-9]+\Z")


def json_number(text: str) -> float | str:
    """A JSON number with a point or an exponent (json.loads' parse_float): past a float (1e400),
    the text as written, which the answers check then quotes, as for YAML and CSV, not "inf"."""
    value = float(text)
    return value if math.isfinite(value) else text


def yaml11_base(raw: str) -> str | None:
    """The message key of the base YAML 1.1 reads `raw` in, when it reads it as a number nobody
    meant (answers and lint say so alike)."""
    return next((key for pattern, key in _YAML11_NUMBERS if pattern.match(raw)), None)


MAX_NUMBER = 10**15  # beyond this an answer is a typo, and not every output format holds it exactly


def allowed(q: Question, lang: str = "en") -> str:
    """What a question accepts, in words, for error messages and prompts. Bounds are written to be
    typed back exactly (fmt.exact: 0.001, 1,000,000; Russian 0,001, 1 000 000)."""
    numeric = q.type in ("integer", "number")
    if (lang == "en" and not numeric) or q.type not in _TRANSLATED:
        return qtypes.of(q).allowed(q)
    if q.type == "yesno":
        return t(lang, "answers.allowed.yesno")
    if q.type in ("choice", "multi"):
        ids = ", ".join(q.choice_ids)
        return t(lang, "answers.allowed.choice" if q.type == "choice" else "answers.allowed.multi", ids=ids)
    if numeric:
        kind = t(lang, "interview.allowed.integer" if q.type == "integer" else "interview.allowed.number")
        lo, hi = (None if b is None else fmt.exact(b, lang) for b in (q.min, q.max))
        if lo is not None and hi is not None:
            return t(lang, "interview.allowed.range", kind=kind, min=lo, max=hi)
        if lo is not None:
            return t(lang, "interview.allowed.min", kind=kind, min=lo)
        if hi is not None:
            return t(lang, "interview.allowed.max", kind=kind, max=hi)
        return kind
    if q.type == "date":
        return t(lang, "interview.allowed.date")
    return t(lang, "answers.allowed.text")


def _show(value: Any) -> str:
    """A value as an error message quotes it: a number of thousands of digits by its size, a long
    text cut short."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 10**40:
        return say("answers.digits", n=len(str(abs(value))))
    text = qtypes.show_json(value)
    return text if len(text) <= 80 else text[:79] + "…"


_TRANSLATED = ("yesno", "choice", "multi", "integer", "number", "text", "date")
# qtypes says why a value is refused in English; in another language the reason is said again
_REASONS = (
    (
        # the did-you-mean is in the language of the run (suggest), not always English: any "; …'x'?"
        re.compile(r"^(?P<value>.*) is not a choice; expected [^;]*(?:;[^;']*'(?P<close>[^']*)'\?)?$", re.S),
        "answers.not_a_choice",
    ),
    (re.compile(r"^(?P<value>.*) is not a usable number; expected .*$", re.S), "answers.unusable_number"),
    (re.compile(r"^(?P<value>.*) is out of range; expected .*$", re.S), "answers.out_of_range"),
    (re.compile(r"^(?P<value>.*) is not whole; expected .*$", re.S), "answers.not_whole"),
    (re.compile(r"^(?P<value>.*) is not a date; expected .*$", re.S), "answers.not_a_date"),
    # a unit units.py could not read (its reason already in the run's language): "<reason>; expected …"
    (re.compile(r"^(?P<reason>.*); expected .*$", re.S), "answers.unit_reason"),
)


def _reason(q: Question, message: str, lang: str) -> str:
    """qtypes' English reason for refusing a value, in lang (unchanged when it is not one we know)."""
    if lang == "en":  # the same words, with what it accepts as allowed() says it (bounds formatted)
        plain, said = f"expected {qtypes.of(q).allowed(q)}", f"expected {allowed(q, lang)}"
        return message.replace(plain, said) if plain != said else message
    for pattern, key in _REASONS:
        m = pattern.match(message)
        if m is not None:
            close = m.groupdict().get("close")
            hint = suggest(close, [close], lang) if close else ""
            found = {k: v for k, v in m.groupdict().items() if k != "close"}
            return t(lang, key, **found, expected=allowed(q, lang)) + hint
    return message


def coerce(q: Question, value: Any, raw: str | None = None, lang: str = "en") -> Any:
    """Validate one answer; return its canonical value or raise ValueError with the reason (in lang)."""
    if value is None or value is UNKNOWN:
        return UNKNOWN
    numeric = qtypes.of(q).numeric
    if numeric and isinstance(value, str) and _EXPONENT.match(value.strip()):
        number = float(value)
        if not math.isfinite(number):  # 1e400, in any format (json_number keeps it as written)
            raise ValueError(t(lang, "answers.too_large", value=repr(value.strip()), expected=allowed(q, lang)))
        if value == raw:  # YAML 1.1 reads `1e2` as text; JSON, YAML 1.2 and CSV as 100
            value = number
    if numeric and isinstance(value, (int, float)) and not isinstance(value, bool):
        base = yaml11_base(raw) if raw is not None else None
        if base is not None:
            raise ValueError(t(lang, "answers.yaml11_number", raw=raw, value=_show(value), base=t(lang, base)))
        if (isinstance(value, int) or math.isfinite(value)) and abs(value) > MAX_NUMBER:  # NaN: qtypes says
            raise ValueError(t(lang, "answers.too_large", value=_show(value), expected=allowed(q, lang)))
    try:
        canonical = qtypes.of(q).coerce(q, value)
        if numeric and isinstance(value, str) and abs(canonical) > MAX_NUMBER:  # as for a number written so
            raise ValueError(t(lang, "answers.too_large", value=_show(value), expected=allowed(q, lang)))
        # -0.0 is 0 to every comparison, but JSON and repr write it "-0.0": one zero for every output
        return abs(canonical) if numeric and canonical == 0 else canonical
    except ValueError as exc:
        if exc.args:
            raise ValueError(_reason(q, str(exc), lang)) from None
    hint = ""
    if isinstance(value, bool) and raw is not None and raw.lower() in _YAML11:
        hint = t(lang, "answers.yaml11", raw=raw, value=_show(value))
    raise ValueError(t(lang, "answers.expected", expected=allowed(q, lang), value=_show(value)) + hint)


def validate(data: Any, catalog: Catalog, origin: str, locate: Locate | None = None, lang: str = "en") -> Answers:
    """Check a decoded answers mapping against the questions; every problem in one error (in lang)."""
    locate = locate or (lambda key: None)
    if data is None:
        data = {}
    if not isinstance(data, Mapping):
        raise AnswersError([ClientcheckError(t(lang, "answers.not_a_mapping"), Mark(origin, 1))])
    problems: list[ClientcheckError] = []
    more = 0  # problems past MAX_SHOWN: counted, not described (a file of 100,000 typos stays quick)
    values: dict[str, Any] = {}
    client: str | None = None
    note: str | None = None
    raws: Mapping[str, str] = getattr(data, "raw", {})
    # an amount in another currency than the one the answers name is refused (units.parse)
    currency = currency_unit(data.get(CURRENCY)) if CURRENCY in catalog.questions else None
    for key, value in data.items():
        if len(problems) >= MAX_SHOWN:
            if key != CLIENT_KEY and (key not in catalog.questions or _fails(catalog.questions[key], value, raws)):
                more += 1
            continue
        mark = locate(key) or Mark(origin, 0)
        if not isinstance(key, str):
            problems.append(ClientcheckError(t(lang, "answers.bad_key", name=repr(key)), mark))
            continue
        if key == CLIENT_KEY:
            raw = raws.get(key)
            if raw is not None and value is not None and not isinstance(value, str):
                client = raw  # a name is the text as written: YAML 1.1 reads 00123 as 83, 12:30 as 750, no as false
            elif isinstance(value, bool) or (value is not None and not isinstance(value, (str, int, float))):
                problems.append(ClientcheckError(t(lang, "answers.bad_client"), mark))
            elif value is not None:
                client = str(value)
            continue
        if key == NOTE_KEY and key not in catalog.questions:
            if value is not None and not isinstance(value, str):
                problems.append(ClientcheckError(t(lang, "answers.note_not_text"), mark))
            elif value:
                note = value
            continue
        q = catalog.questions.get(key)
        if q is None:
            hint = suggest(key, list(catalog.questions), lang)
            problems.append(ClientcheckError(t(lang, "answers.unknown_question", name=key) + hint, mark))
            continue
        if currency is not None and q.measure == "money":
            q = q._replace(unit=currency, forms=())
        try:
            values[key] = coerce(q, value, raws.get(key), lang)
        except ValueError as exc:
            problems.append(ClientcheckError(f"{key}: {exc}", mark))
    if problems:
        raise AnswersError(problems, more)
    return Answers(values, client, origin, note=note)


def _fails(q: Question, value: Any, raws: Mapping[str, str]) -> bool:
    try:
        coerce(q, value, raws.get(q.id))
    except ValueError:
        return True
    return False


_JSON_KEY = re.compile(r'"((?:[^"\\]|\\.)*)"\s*:')


def _json_locator(text: str, origin: str) -> Locate:
    """Where each key of a JSON text first stands: one pass over the text, built on first use."""
    import bisect

    index: dict[str, int] = {}
    lines: list[int] = []

    def build() -> None:
        lines.extend(m.start() for m in re.finditer("\n", text))
        for m in _JSON_KEY.finditer(text):
            key = m.group(1)
            if "\\" in key:
                try:
                    key = json.loads(f'"{key}"')
                except ValueError:
                    continue
            index.setdefault(key, m.start())

    def locate(key: str) -> Mark | None:
        if not lines and not index:
            build()
        pos = index.get(key)
        if pos is None:
            return None
        before = bisect.bisect_left(lines, pos)
        start = lines[before - 1] + 1 if before else 0
        return Mark(origin, before + 1, pos - start + 1)

    return locate


def lone_surrogate(data: Any) -> bool:
    """Does decoded JSON hold a lone surrogate (`"\\ud800"`)? json accepts one, but it is not a
    character: no output could write it."""
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


# message keys: a JSON text's own problems that every reader of JSON reports the same way
SURROGATE = "answers.surrogate"
TOO_MANY_DIGITS = "answers.too_many_digits"


class DuplicateKey(ValueError):
    """A key given twice in one JSON object; `key` is the key."""

    def __init__(self, key: str) -> None:
        super().__init__(f"duplicate key {key!r}")
        self.key = key


def no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """json's object_pairs_hook: a repeated key is an error, not a silent overwrite."""
    out: dict[str, Any] = {}
    for k, v in pairs:
        if k in out:
            raise DuplicateKey(k)
        out[k] = v
    return out


def parse_answers_text(text: str, origin: str, fmt: str, catalog: Catalog, lang: str = "en") -> Answers:
    """Decode and validate. fmt is "json" or "yaml"; JSON errors keep their line and column."""
    if fmt == "json":
        try:
            data = json.loads(text, object_pairs_hook=no_duplicate_keys, parse_float=json_number)
        except json.JSONDecodeError as exc:
            # json's own wording is English only: in another language the place says where to look
            problem = (
                t(lang, "answers.json_syntax", problem=exc.msg) if lang == "en" else t(lang, "answers.json_syntax")
            )
            raise AnswersError([ClientcheckError(problem, Mark(origin, exc.lineno, exc.colno))]) from None
        except DuplicateKey as exc:  # point at its second appearance
            key = exc.key
            found = list(re.finditer(r'"' + re.escape(json.dumps(key)[1:-1]) + r'"\s*:', text))
            line = text.count("\n", 0, found[1].start()) + 1 if len(found) > 1 else 1
            message = t(lang, "answers.duplicate_key", name=key)
            raise AnswersError([ClientcheckError(message, Mark(origin, line))]) from None
        except RecursionError:  # json's recursion is Python's: thousands of [[[...]]] exhaust it
            raise AnswersError([ClientcheckError(t(lang, "answers.too_deep"), Mark(origin, 1))]) from None
        except ValueError:  # an integer past Python's digit limit
            raise AnswersError([ClientcheckError(t(lang, TOO_MANY_DIGITS), Mark(origin, 1))]) from None
        if "\\u" in text and lone_surrogate(data):
            raise AnswersError([ClientcheckError(t(lang, SURROGATE), Mark(origin, 1))])
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


def _stdin_bytes() -> bytes:
    buffer = getattr(sys.stdin, "buffer", None)
    if buffer is not None:
        return read_capped(buffer.read, MAX_BYTES)
    text: str = sys.stdin.read(MAX_BYTES + 1)  # a text stream without bytes underneath (tests)
    return text.encode("utf-8", "surrogateescape")


def read_answers(path: str, catalog: Catalog, fmt: str | None = None, lang: str = "en") -> Answers:
    """Read one answers file, or stdin for "-", never more than MAX_BYTES of either; problems are
    reported in lang."""
    try:
        if path == "-":
            if sys.stdin is None:
                raise UsageError(t(lang, "answers.no_stdin"))
            origin = "<stdin>"
            try:
                data = _stdin_bytes()
            except OSError as exc:
                raise UsageError(t(lang, "answers.stdin_failed", reason=exc.strerror)) from None
            if len(data) > MAX_BYTES:
                raise YamlError(t(lang, "answers.input_too_big", kb=MAX_BYTES // 1000), Mark(origin, 1, 1))
        else:
            origin = path
            # a pipe (`<(...)`) or a device is fine here: the read is bounded either way
            data = read_bytes(Path(path), origin, regular_only=False)
            if not data and not os.path.isfile(path):
                raise YamlError(t(lang, "answers.no_data"), Mark(origin, 1))
        try:
            text = data.decode("utf-8-sig") if path == "-" else decode(data, origin)
        except UnicodeDecodeError:
            raise YamlError(t(lang, "answers.stdin_not_utf8"), Mark(origin, 1)) from None
    except YamlError as exc:
        raise AnswersError([exc]) from None
    return parse_answers_text(text, origin, fmt or guess_format(origin, text), catalog, lang)
