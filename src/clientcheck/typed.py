"""Typed answers (integer, number, date, text) at a prompt: what a question takes, in words, and
what the user typed read as a canonical answer, or refused in one layout that says why.

Numbers are read as answers files read them (qtypes, units.to_number), whatever the language.
"""

from __future__ import annotations

from typing import Any

from clientcheck import fmt, qtypes
from clientcheck.answers import allowed, coerce
from clientcheck.i18n import t
from clientcheck.model import UNKNOWN, Question


def allowed_text(q: Question, lang: str) -> str:
    """What a typed question accepts, in words, with its unit: "a whole number from 0 to 365 (days)"."""
    if q.type == "date":
        return t(lang, "interview.allowed.date")
    if not qtypes.of(q).numeric:
        return t(lang, "interview.allowed.text")
    text = allowed(q, lang)  # as the answers files' messages say it
    if q.unit:
        text = f"{text} ({q.unit.get(lang)})"
    if q.measure is not None:
        text += t(lang, f"interview.units.{'money' if q.measure == 'money' else 'duration'}")
    return text


def parse_typed(q: Question, text: str, lang: str) -> Any:
    """What the user typed, as a canonical answer; empty means don't know.

    Raises ValueError with one message in the user's language, in one layout whatever is wrong:
    what was typed, why it does not fit (out of range, not whole, ambiguous, a unit it does not
    take), then what the question takes.
    """
    text = text.strip()
    if not text:
        return UNKNOWN
    kind = qtypes.of(q)
    if kind.name == "text":
        return coerce(q, text)
    from clientcheck.units import UnitError

    def refused(reason: str) -> ValueError:
        return ValueError(t(lang, "interview.bad_unit", value=text, reason=reason, allowed=allowed_text(q, lang)))

    not_it = t(lang, "interview.why.not_date" if q.type == "date" else "interview.why.not_number")
    try:
        value = kind.from_typed(q, text, lang)
    except UnitError as exc:
        raise refused(_unit_reason(exc, lang) or not_it) from None
    except ValueError:
        raise refused(not_it) from None
    if kind.numeric:
        from clientcheck.units import has_unit

        why = _out_of_range(q, value, lang, q.measure is not None and has_unit(text))
        if why:
            raise refused(why)
    try:
        return coerce(q, value)
    except ValueError:  # a check of the type's own that the ones above do not make
        raise refused(not_it) from None


def _unit_reason(exc: Any, lang: str) -> str:
    """Why units refused the text, said without repeating it (the message starts with it);
    "" when it is simply not a number."""
    if exc.key == "units.not_a_number":
        return ""
    if exc.key in ("units.ambiguous", "units.too_large"):
        return t(lang, f"interview.why.{exc.key.removeprefix('units.')}", **exc.fields)
    return t(lang, exc.key, **exc.fields)


def _out_of_range(q: Question, value: Any, lang: str, converted: bool) -> str:
    """Why a number read from the text does not fit q ("" when it fits); converted: from a unit."""
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return ""
    if value != value or value in (float("inf"), float("-inf")):
        return t(lang, "interview.why.too_large")
    if q.type == "integer" and isinstance(value, float) and not value.is_integer():
        return t(lang, "interview.why.not_whole")
    # `3 years` on a days question: say the number it came to, which is what is out of range
    said = ".as" if converted else ""
    # the number a unit came to, with the question's unit ("that is 1095 days"); the bound without
    # one: Russian would need the genitive after больше/меньше, which the word forms are not
    came = fmt.amount(q, value, lang, typed=True) if converted else fmt.exact(value, lang)
    if q.min is not None and value < q.min:
        return t(lang, f"interview.why.below{said}", min=fmt.exact(q.min, lang), value=came)
    if q.max is not None and value > q.max:
        return t(lang, f"interview.why.above{said}", max=fmt.exact(q.max, lang), value=came)
    return ""


def typed_default(q: Question, value: Any, lang: str = "en") -> str:
    """The text a typed prompt starts with: the earlier answer, else the question's default, as
    it would be typed in lang (a Russian decimal comma: 12,5)."""
    if value is UNKNOWN:
        return ""
    if value is None:
        value = q.default
    if value is None or value is UNKNOWN:
        return ""
    if isinstance(value, bool):
        return ""
    return qtypes.of(q).typed_text(q, value, lang)
