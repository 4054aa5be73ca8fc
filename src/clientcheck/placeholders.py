"""Placeholders in rule texts: `{payment_delay_days}`, `{client|you}`, `{late_payments:time/times}`.

A rule's why, advice and client-facing texts may name the client's answers (any question id, so
the seller's own profile answers such as `min_price` too) and the client's name (`{client}`).
They are checked when the files are loaded and filled in when a verdict or a reply is shown.

    {name}                  the answer, in the verdict's language, with the question's unit
    {name|fallback}         the same, or the fallback text when the answer is not known
    {name:form/forms}       a number with the word forms that agree with it instead of the unit
                            (English: one/other, "day/days"; Russian: 1/2/5, "день/дня/дней")
    {name:forms|fallback}   both
    {{ and }}               literal braces

A placeholder without a fallback is allowed only where its answer is always known when the text
is shown: the text belongs to a rule level that cannot fire without that answer (the engine's
evaluate.read_when_fired says which answers a fired level has always read). Everything else needs a fallback, so no filled text can ever
show a `{` or a made-up fact.
"""

from __future__ import annotations

import datetime as _dt
import functools
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, NamedTuple

from clientcheck.conditions import suggest
from clientcheck.errors import Mark
from clientcheck.fmt import agree, amount, number
from clientcheck.i18n import say
from clientcheck.model import CLIENT_KEY, UNKNOWN, Level, Question, Rule

CLIENT_TEXT_FIELDS = ("client_reason", "client_offer")
TEXT_FIELDS = ("why", "advice", *CLIENT_TEXT_FIELDS)  # the rule texts that may hold placeholders
LEVEL_TEXT_FIELDS = ("advice", *CLIENT_TEXT_FIELDS)
FORMS = {"en": 2, "ru": 3}  # word forms a placeholder gives: English one/other, Russian 1/2/5

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class PlaceholderError(ValueError):
    """A malformed or unknown placeholder; offset is where it starts in the text (0-based)."""

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset


class Slot(NamedTuple):
    name: str
    forms: tuple[str, ...]  # word forms for a number, () for the question's unit
    fallback: str | None
    offset: int  # where the `{` stands


Piece = str | Slot


@functools.lru_cache(maxsize=1024)
def parse(text: str) -> tuple[Piece, ...]:
    """Literal text and slots, in order; raises PlaceholderError on a malformed placeholder.

    Cached: the same few dozen rule texts are filled in for every client of a batch."""
    out: list[Piece] = []
    literal: list[str] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "}":
            if text.startswith("}}", i):
                literal.append("}")
                i += 2
                continue
            raise PlaceholderError(say("ph.lone_brace"), i)
        if ch != "{":
            literal.append(ch)
            i += 1
            continue
        if text.startswith("{{", i):
            literal.append("{")
            i += 2
            continue
        end = text.find("}", i)
        if end < 0:
            raise PlaceholderError(say("ph.unclosed"), i)
        body = text[i + 1 : end]
        if "{" in body:
            raise PlaceholderError(say("ph.nested"), i)
        head, bar, fallback = body.partition("|")
        name, colon, forms = head.partition(":")
        name = name.strip()
        if not _NAME.fullmatch(name):
            raise PlaceholderError(say("ph.not_placeholder", shown=f"{{{body}}}"), i)
        if bar and not fallback.strip():
            raise PlaceholderError(say("ph.empty_fallback", shown=f"{{{body}}}"), i)
        word_forms = tuple(f.strip() for f in forms.split("/")) if colon else ()
        if colon and not all(word_forms):
            raise PlaceholderError(say("ph.forms_syntax", shown=f"{{{body}}}"), i)
        if literal:
            out.append("".join(literal))
            literal = []
        out.append(Slot(name, word_forms, fallback.strip() if bar else None, i))
        i = end + 1
    if literal:
        out.append("".join(literal))
    return tuple(out)


# ---------------------------------------------------------------- what is known when a text shows


def _levels_using(rule: Rule, field: str) -> list[int]:
    if field == "why":
        return list(range(len(rule.levels)))
    return [i for i, lv in enumerate(rule.levels) if getattr(lv, field) is None]


def known_for(rule: Rule, field: str, level: int | None = None) -> frozenset[str]:
    """Questions always answered wherever a rule's text (level None) or a level's text shows.

    The engine says what a fired level has read (evaluate.read_when_fired): one meaning for
    "this answer is known when the text is shown", not a second reading of the conditions here.
    """
    from clientcheck.evaluate import read_when_also, read_when_fired

    if level is not None:
        known = read_when_fired(rule, level)
        if field == "client_reason" and level > 0:
            # a level's own reason is also told when it is true after an earlier level fired (reasons.py)
            known &= read_when_also(rule, level)
        return known
    used = _levels_using(rule, field)
    if not used:
        return frozenset()
    return frozenset.intersection(*(read_when_fired(rule, i) for i in used))


# ---------------------------------------------------------------- checking at load


class Problem(NamedTuple):
    message: str
    offset: int  # in the text, 0-based


def check(text: str, lang: str, questions: Mapping[str, Question], known: Iterable[str]) -> list[Problem]:
    """Every problem of one text's placeholders (empty when they are all fine)."""
    try:
        pieces = parse(text)
    except PlaceholderError as exc:
        return [Problem(exc.message, exc.offset)]
    known = set(known)
    out: list[Problem] = []
    for slot in pieces:
        if not isinstance(slot, Slot):
            continue
        shown = "{" + slot.name + "}"
        if slot.name == CLIENT_KEY:
            if slot.forms:
                out.append(Problem(say("ph.client_forms"), slot.offset))
            if slot.fallback is None:
                out.append(Problem(say("ph.client_fallback"), slot.offset))
            continue
        q = questions.get(slot.name)
        if q is None:
            candidates = [*questions, CLIENT_KEY]
            out.append(Problem(say("ph.unknown", shown=shown, hint=suggest(slot.name, candidates)), slot.offset))
            continue
        if q.type == "yesno":
            out.append(Problem(say("ph.yesno", shown=shown), slot.offset))
            continue
        if slot.forms:
            if q.type not in ("integer", "number"):
                out.append(Problem(say("ph.forms_numbers", shown=shown), slot.offset))
            else:
                want = FORMS.get(lang, 2)
                if len(slot.forms) not in (1, want):
                    example = "день/дня/дней" if lang == "ru" else "day/days"
                    message = say(
                        "ph.forms_count", shown=shown, lang=lang, want=want, example=example, got=len(slot.forms)
                    )
                    out.append(Problem(message, slot.offset))
        if slot.fallback is None and slot.name not in known:
            out.append(Problem(say("ph.maybe_unknown", shown=shown, name=slot.name), slot.offset))
    return out


def text_mark(m: Any, key: str, lang: str | None, offset: int) -> Mark:
    """Where a placeholder stands: the text's value mark, moved along its first line."""
    holder, at = (m, key) if lang is None else (m[key], lang)
    mark: Mark = holder.at(at)
    value = holder.get(at)
    if not isinstance(value, str) or "\n" in value[:offset] or "\\" in value[:offset]:
        return mark
    quoted = at not in holder.raw  # plain scalars start at the mark, quoted ones one later
    return mark.shifted(offset + (1 if quoted else 0))


def attach(c: Any, rules: Sequence[Rule], questions: Mapping[str, Question], tree: Any) -> list[Rule]:
    """The rules with their client-facing texts, after checking every placeholder of every text.

    `c` is the loader's checker (err, text); `tree` the rules file as validated (after extends),
    whose rule mappings carry the marks. A problem is reported where the placeholder stands.
    """
    from clientcheck.yamlsrc import YList, YMap

    raw_rules = tree.get("rules") if isinstance(tree, YMap) else None
    raws: dict[str, YMap] = {}
    if isinstance(raw_rules, YList):
        for raw in raw_rules:
            if isinstance(raw, YMap) and isinstance(raw.get("id"), str):
                raws.setdefault(raw["id"], raw)
    out: list[Rule] = []
    for rule in rules:
        raw = raws.get(rule.id)
        if raw is None:  # pragma: no cover - every rule built comes from the tree
            out.append(rule)
            continue
        texts = {f: c.text(raw, f, say("cfg.what.rule"), required=False) for f in CLIENT_TEXT_FIELDS}
        rule = rule._replace(**texts)
        raw_levels = raw.get("levels")
        level_maps: list[YMap | None] = [None] * len(rule.levels)
        if isinstance(raw_levels, YList) and len(raw_levels) == len(rule.levels):
            levels: list[Level] = []
            for i, (lv, raw_lv) in enumerate(zip(rule.levels, raw_levels, strict=True)):
                if isinstance(raw_lv, YMap):
                    level_maps[i] = raw_lv
                    a_level = say("cfg.what.level")
                    lv = lv._replace(**{f: c.text(raw_lv, f, a_level, required=False) for f in CLIENT_TEXT_FIELDS})
                levels.append(lv)
            rule = rule._replace(levels=tuple(levels))
        for field in TEXT_FIELDS:
            _check_field(c, raw, field, rule, None, questions)
        for i, raw_lv in enumerate(level_maps):
            if raw_lv is not None:
                for field in LEVEL_TEXT_FIELDS:
                    _check_field(c, raw_lv, field, rule, i, questions)
        out.append(rule)
    return out


def _check_field(c: Any, m: Any, field: str, rule: Rule, level: int | None, questions: Mapping[str, Question]) -> None:
    from clientcheck.yamlsrc import YMap

    if field not in m:
        return
    value = m[field]
    known = known_for(rule, field, level)
    if isinstance(value, str):
        items: list[tuple[str | None, str, str]] = [(None, "en", value)]
    elif isinstance(value, YMap):
        items = [(lang, lang, text) for lang, text in value.items() if isinstance(text, str)]
    else:
        return
    for key_lang, lang, text in items:
        for problem in check(text, lang, questions, known):
            where = field if key_lang is None else f"{field}.{key_lang}"
            c.err(f"{where}: {problem.message}", text_mark(m, field, key_lang, problem.offset))


# ---------------------------------------------------------------- filling in


def show_value(q: Question, value: Any, lang: str, forms: Sequence[str] = ()) -> str:
    """An answer inside a sentence: numbers with their unit (or word forms), choices as their text."""
    if isinstance(value, bool):
        from clientcheck.i18n import t

        return t(lang, "yes" if value else "no")
    if isinstance(value, (int, float)):
        if forms:
            return f"{number(value, lang)} {agree(value, forms, lang)}"
        return amount(q, value, lang)
    if isinstance(value, frozenset):
        return ", ".join(q.choice_text(c, lang) for c in q.choice_ids if c in value)
    if q.type == "choice":
        return q.choice_text(str(value), lang)
    if isinstance(value, _dt.date):
        from clientcheck.fmt import day

        return day(value, lang)  # 01.09.2026 in Russian, 2026-09-01 in English
    return str(value)


def fill(
    text: str,
    values: Mapping[str, Any],
    questions: Mapping[str, Question],
    lang: str,
    client: str | None = None,
) -> str:
    """A text with its placeholders filled in from the answers that count (`values`).

    An answer that is not known takes the fallback; a text the loader did not check (one without
    placeholders never needs it) keeps a placeholder that cannot be filled as its fallback or, with
    none, as the i18n "not known" words, never as braces.
    """
    if "{" not in text and "}" not in text:
        return text
    try:
        pieces = parse(text)
    except PlaceholderError:
        return text
    out: list[str] = []
    for p in pieces:
        if isinstance(p, str):
            out.append(p)
            continue
        if p.name == CLIENT_KEY:
            out.append(client or p.fallback or _unknown(lang))
            continue
        value = values.get(p.name)
        q = questions.get(p.name)
        if q is None or value is None or value is UNKNOWN:
            out.append(p.fallback if p.fallback is not None else _unknown(lang))
            continue
        out.append(show_value(q, value, lang, p.forms))
    return "".join(out)


def _unknown(lang: str) -> str:
    from clientcheck.i18n import t

    return t(lang, "dont_know")
