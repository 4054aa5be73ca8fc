"""Interface strings in every language, and how the language is chosen.

The texts live in one package per language (clientcheck.i18n.en, .ru), one module per area;
a language is imported the first time it is asked for, so an English run never loads Russian.
Where a new text goes: the area module of its topic, in both languages (see i18n/en/__init__.py).
"""

from __future__ import annotations

import importlib
import os
import string
from collections.abc import Mapping
from typing import Any

# the interface languages; here rather than in model.py so that the first prompt of an interview
# (which needs words, not the model) does not wait for the model and the question types to load
LANGUAGES = ("en", "ru")


class _Catalogs(dict[str, dict[str, str]]):
    """Each language's texts (key -> text), imported the first time that language is asked for."""

    def __missing__(self, lang: str) -> dict[str, str]:
        if lang not in LANGUAGES:
            raise KeyError(lang)
        table: dict[str, str] = importlib.import_module(f"clientcheck.i18n.{lang}").STRINGS
        self[lang] = table
        return table


_STRINGS = _Catalogs()


_preferred: str | None = None  # --lang as found on the command line (cli._prefer_language)


def prefer(code: str | None) -> None:
    """The language the command line asked for, before its options are parsed (None: none)."""
    global _preferred
    _preferred = code if code in LANGUAGES else None


def preferred() -> str | None:
    """The --lang of this command line, wherever it was given (None: none)."""
    return _preferred


def detect_language(option: str | None, environ: Mapping[str, str] | None = None) -> str:
    """--lang, else the environment as gettext reads it, else English.

    LANGUAGE is a list of languages in order of preference (ru:en) and wins over the locale, even
    when the locale is C or POSIX. GNU gettext ignores LANGUAGE then, but C.UTF-8 is the default of
    most containers and CI images, where whoever sets LANGUAGE=ru plainly asks for Russian. Then
    LC_ALL, LC_MESSAGES and LANG, the first one set deciding (POSIX order); C or POSIX there is English.
    """
    if option:
        return option
    if _preferred is not None and environ is None:
        return _preferred
    env = os.environ if environ is None else environ
    for item in env.get("LANGUAGE", "").split(":"):
        code = _code(item)
        if code in LANGUAGES:
            return code
    locale = next((env[v] for v in ("LC_ALL", "LC_MESSAGES", "LANG") if env.get(v)), "")
    code = _code(locale)
    return code if code in LANGUAGES else "en"


def _code(value: str) -> str:
    """ru_RU.UTF-8@euro -> ru"""
    return value.split("@")[0].split(".")[0].split("_")[0].split("-")[0].lower()


def plural(lang: str, n: float) -> str:
    """The CLDR plural category of n in lang: one, few, many or other.

    English: one for exactly 1, other for everything else. Russian (CLDR, integers): one when the
    last digit is 1 but not the last two 11 (1, 21, 101); few when the last digit is 2-4 but the
    last two are not 12-14 (2, 23, 104); many for the rest (0, 5-20, 25, 111); other for
    fractions (1,5 дня takes the same form as few).
    """
    whole = float(n).is_integer()
    if lang == "ru":
        if not whole:
            return "other"
        i = abs(int(n))
        if i % 10 == 1 and i % 100 != 11:
            return "one"
        if 2 <= i % 10 <= 4 and not 12 <= i % 100 <= 14:
            return "few"
        return "many"
    return "one" if whole and abs(n) == 1 else "other"


class _Formatter(string.Formatter):
    """str.format, plus plural forms: "{count} {count:ответ|ответа|ответов}" picks the form by
    plural(); English gives two forms (one|other), Russian three (one|few|many; fractions take
    few) or four (one|few|many|other)."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def format_field(self, value: Any, format_spec: str) -> Any:
        if "|" not in format_spec:
            return super().format_field(value, format_spec)
        forms = format_spec.split("|")
        n = _as_number(value, self.lang)
        category = plural(self.lang, n)
        if self.lang == "ru":
            order = {"one": 0, "few": 1, "many": 2, "other": 3 if len(forms) > 3 else 1}
        else:
            order = {"one": 0, "other": 1}
        return forms[min(order.get(category, len(forms) - 1), len(forms) - 1)]


def _as_number(value: Any, lang: str) -> float:
    """A count, also when it comes already formatted for people (fmt.number): 1,000.5 or 1 000,5."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    text = str(value).replace("\u00a0", "").replace(" ", "")
    text = text.replace(",", ".") if lang == "ru" else text.replace(",", "")
    try:
        return float(text)
    except ValueError:
        return 0


_FORMATTERS = {code: _Formatter(code) for code in LANGUAGES}


def t(lang: str, key: str, /, **fields: object) -> str:
    """The text of key in lang (English if missing). Counts take their plural form inside the text
    ("{n} {n:file|files}"); a "<key>.one" text, where a language has one, still wins for count=1."""
    table = _STRINGS[lang if lang in LANGUAGES else "en"]
    if "count" in fields and _as_number(fields["count"], lang) == 1 and f"{key}.one" in table:  # 1, or "1"
        key = f"{key}.one"
    text = table.get(key) or _STRINGS["en"][key]
    return fill(lang, text, **fields) if fields else text


def fill(lang: str, text: str, /, **fields: object) -> str:
    """A text of t()'s with its fields put in, plural forms picked in lang: for a text looked up
    once and filled many times (the progress line)."""
    if "|" not in text:  # no plural forms: the plain (and faster) str.format
        return text.format(**fields)
    return _FORMATTERS.get(lang, _FORMATTERS["en"]).format(text, **fields)


def keys(lang: str) -> set[str]:
    """The message keys a language has (the tests compare them across languages)."""
    return set(_STRINGS[lang])


def say(key: str, /, **fields: object) -> str:
    """t() in the language of this run: for messages built where no language is passed down (the
    loader's problems, the condition checker's), which reach the user as they are."""
    return t(detect_language(None), key, **fields)
