"""The checks every rules and questions file shares: fields, texts, ids, numbers, conditions.

Every problem is collected with its file:line:col, so a user fixes them all in one pass."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from clientcheck.bundled import bundled_dir as bundled_dir  # re-exported: part of the loader's API
from clientcheck.bundled import bundled_questions as bundled_questions
from clientcheck.bundled import bundled_rules as bundled_rules
from clientcheck.conditions import Condition, ConditionError, VarType, compile_condition, suggest
from clientcheck.conditions.syntax import closest
from clientcheck.errors import ClientcheckError, Mark
from clientcheck.files import read_text
from clientcheck.i18n import say
from clientcheck.model import (
    LANGUAGES,
    Text,
)
from clientcheck.yamlsrc import YMap, parse_document

# \Z, not $: "$" also matches before a final newline, and "late\n" is not an id

IDENT = re.compile(r"[a-z][a-z0-9_]*\Z")
RULE_ID = re.compile(r"[a-z][a-z0-9-]*\Z")
LANG_CODE = re.compile(r"[a-z]{2}\Z")
MAX_NUMBER = 10**15  # bounds, weights and scores: finite, and exact in every output format
MAX_WINDOW_DAYS = 36_500  # a hundred years of payments
MAX_LOAD_NODES = 60_000  # every rules and questions file of one load together (see yamlsrc.MAX_NODES)


class _Checker:
    """Collects problems while reading one file's YAML tree."""

    def __init__(self) -> None:
        self.problems: list[ClientcheckError] = []
        self._said: set[tuple[str, Mark | None]] = set()
        # (format, tree) of every file as validated (after extends), for lint's warnings
        self.trees: list[tuple[str, Any]] = []

    def err(self, message: str, mark: Mark | None) -> None:
        # a part read by two checks (the rule's fields, then its texts) is one mistake: said once
        if (message, mark) in self._said:
            return
        self._said.add((message, mark))
        self.problems.append(ClientcheckError(message, mark))

    def fields(self, m: Any, where: Mark, what: str, required: Iterable[str], optional: Iterable[str]) -> bool:
        """Is m a mapping with all required keys? Reports those missing and every unknown key.

        An unknown key does not make the object unusable: the rest of it is still checked, so one
        typo does not hide the object's other problems or make everything that uses it fail too.
        """
        if not isinstance(m, YMap):
            self.err(say("cfg.mapping", what=what), where)
            return False
        required = tuple(required)
        known = required + tuple(optional)
        ok = True
        meant: set[str] = set()  # required fields an unknown one is a typo of (`advise` for advice)
        for key in m:
            if key not in known:
                close = closest(key, known)
                if close in required and close not in m:
                    meant.add(close)
                self.err(say("cfg.unknown_field", key=key, what=what, hint=suggest(key, known)), m.key_at(key))
        for key in required:
            if key not in m:
                missing = say("cfg.missing_field", what=what, key=key)
                if key in meant:
                    # one mistake, one line: the typo's line says it; later checks of the field stay quiet
                    self._said.add((missing, m.mark))
                else:
                    self.err(missing, m.mark)
                ok = False
        return ok

    def text(self, m: YMap, key: str, what: str, required: bool = True) -> Text | None:
        if key not in m:
            if required:
                self.err(say("cfg.missing_field", what=what, key=key), m.mark)
            return None
        value = m[key]
        if isinstance(value, str) and value.strip():
            return Text({"en": value})
        if isinstance(value, YMap) and value:
            out: dict[str, str] = {}
            for lang, text in value.items():
                if not LANG_CODE.match(lang):
                    self.err(say("cfg.lang_code", key=key, lang=lang, langs=", ".join(LANGUAGES)), value.key_at(lang))
                elif isinstance(text, bool) and lang in value.raw:  # `en: Yes` is true, not the word
                    word = value.raw[lang]
                    self.err(
                        say("cfg.yaml_bool", key=f"{key}.{lang}", raw=word, value=str(text).lower()), value.at(lang)
                    )
                elif not isinstance(text, str) or not text.strip():
                    self.err(say("cfg.empty_text", key=key, lang=lang), value.at(lang))
                else:
                    out[lang] = text
            return Text(out) if out else None
        raw = m.raw.get(key)
        if isinstance(value, bool) and raw is not None:
            self.err(say("cfg.yaml_bool", key=key, raw=raw, value=str(value).lower()), m.at(key))
            return None
        self.err(say("cfg.text", key=key, langs=", ".join(LANGUAGES)), m.at(key))
        return None

    def ident(self, m: YMap, key: str, pattern: re.Pattern[str], what: str) -> str | None:
        value = m.get(key)
        if isinstance(value, str) and pattern.match(value):
            return value
        raw = m.raw.get(key)
        if isinstance(value, bool) and raw is not None:
            self.err(say("cfg.yaml_bool", key=key, raw=raw, value=str(value).lower()), m.at(key))
            return None
        form = say("cfg.form.underscore" if pattern is IDENT else "cfg.form.dash")
        self.err(say("cfg.ident", key=key, what=what, form=form, value=value), m.at(key))
        return None

    def number(self, m: YMap, key: str, default: float | None = None) -> float | None:
        if key not in m:
            return default
        value = m[key]
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            if value != value or abs(value) > MAX_NUMBER:  # NaN, ±inf, or digits by the hundred
                shown = repr(value) if isinstance(value, float) else say("cfg.digits", n=len(str(abs(value))))
                self.err(say("cfg.number_range", key=key, max=f"{MAX_NUMBER:.0e}", shown=shown), m.at(key))
                return default
            return value
        self.err(say("cfg.number", key=key, value=value), m.at(key))
        return default

    def condition(
        self,
        m: YMap,
        key: str,
        types: dict[str, VarType],
        later: Iterable[str] = (),
        rules: Iterable[str] | None = None,
    ) -> Condition | None:
        source = m.get(key)
        mark = m.at(key)
        if isinstance(source, bool):
            self.err(say("cfg.condition_bool", key=key), mark)
            return None
        if not isinstance(source, str):
            self.err(say("cfg.condition_type", key=key, value=source), mark)
            return None
        try:
            return compile_condition(source, types, None if rules is None else tuple(rules))
        except ConditionError as exc:
            message = exc.message
            if exc.unknown is not None and exc.unknown in later:
                message = say("cfg.asked_later", name=exc.unknown)
            # plain scalars start at the mark; quoted ones one character later
            shift = exc.offset + (0 if key in m.raw else 1) if "\n" not in source else 0
            self.err(f"{key}: {message}", mark.shifted(shift))
            return None


def _load_yaml(path: Path, display: str, checker: _Checker) -> tuple[Any, bytes]:
    try:
        text = read_text(path, display)
        return parse_document(text, display), text.encode("utf-8")
    except ClientcheckError as exc:
        checker.problems.append(exc)
        return None, b""


def _display(path: Path) -> str:
    """Paths as the user would type them: relative to the current directory when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return str(path)
