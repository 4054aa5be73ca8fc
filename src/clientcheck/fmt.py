"""Numbers, shares, dates and answers as everything shown writes them: one vocabulary, in each language.

For people (tables, Markdown, messages, texts filled in): `number` groups thousands and uses the
language's decimal mark (English 120,000.5; Russian 120 000,5 with a no-break space, so a number
never breaks across lines); `short` is a score or weight in a cell (-2, 3.5); `percent` and
`percent_span` a share (47%, 47–91%; Russian 47 %); `day` and `moment` write dates the way the
language does (English 2026-12-01, Russian 01.12.2026) in local time; `answer` is an answer with
its unit (amounts in the profile's currency are a unit too: `currency`), yes/no, choice texts or a date;
`amount` a number with its unit, in the word form that agrees with it (`agree`: 1 day, 3 дня).
For machines (CSV, TSV, JSON, JSON Lines): `plain` writes a number Python and spreadsheets read
back exactly, and `stamp` an ISO 8601 UTC time. Nothing here imports anything costly.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from clientcheck.model import Catalog, Question

NBSP = "\u00a0"


def number(x: float, lang: str = "en") -> str:
    """A number for people: thousands grouped, at most two decimals, no trailing zeros."""
    if isinstance(x, bool):  # True is an int to Python, never a number to a person
        return str(x)
    text = f"{int(x):,}" if float(x).is_integer() else f"{x:,.2f}".rstrip("0").rstrip(".")
    if lang == "ru":  # Russian groups thousands with a space and uses a decimal comma
        return text.replace(",", NBSP).replace(".", ",")
    return text


def exact(x: float, lang: str = "en") -> str:
    """A number to be typed back, exactly: every decimal it has (0.001, not 0) with the language's
    decimal mark, and thousands grouped only where a reader cannot take the group for decimals
    (units.to_number refuses 12,000 as ambiguous): English from a million (1,000,000; 12000),
    Russian from 10 000, with a no-break space. For bounds and values in messages about answers."""
    if float(x).is_integer():
        whole, frac = str(int(x)), ""
    else:
        text = repr(float(x))
        if "e" in text:  # 1e-05: written out, as people type it
            from decimal import Decimal

            text = format(Decimal(text), "f")
        whole, _, frac = text.partition(".")
    sign, digits = ("-", whole[1:]) if whole.startswith("-") else ("", whole)
    if lang == "ru":
        digits = f"{int(digits):,}".replace(",", NBSP) if len(digits) > 4 else digits
        return sign + digits + ("," + frac if frac else "")
    if len(digits) > 6 or (frac and len(digits) > 3):
        digits = f"{int(digits):,}"
    return sign + digits + ("." + frac if frac else "")


# Russian writes the rouble as its sign after the amount (4 500 000 ₽), whichever way the profile
# names it; other currencies keep the profile's own word (EUR, $) in every language
_RUSSIAN_SIGN = dict.fromkeys(("rub", "rur", "руб", "руб.", "р", "р.", "₽"), "₽")


def currency(name: str, lang: str) -> str:
    """The profile's currency as an amount's unit in lang: RUB is `₽` in Russian, as it is written there."""
    return _RUSSIAN_SIGN.get(name.strip().lower(), name.strip()) if lang == "ru" else name.strip()


def short(x: float) -> str:
    """A score or weight in a table cell: as short as it can be written, no grouping (-2, 3.5)."""
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def plain(x: float) -> str:
    """A number for machines: integers without a point, other numbers exactly (repr round-trips)."""
    return str(int(x)) if float(x).is_integer() else repr(float(x))


def percent(share: float, lang: str = "en") -> str:
    """A share (0.47) as a whole percentage: 47%; Russian puts a no-break space before the sign."""
    return f"{round(100 * share)}{NBSP}%" if lang == "ru" else f"{round(100 * share)}%"


def percent_span(low: float, high: float, lang: str = "en") -> str:
    """An interval of shares: 47–91%."""
    span = f"{round(100 * low)}–{round(100 * high)}"
    return f"{span}{NBSP}%" if lang == "ru" else f"{span}%"


def day(d: date, lang: str = "en") -> str:
    """A calendar date for people."""
    return d.strftime("%d.%m.%Y") if lang == "ru" else d.isoformat()


def moment(t: datetime, lang: str = "en") -> str:
    """A point in time for people, in local time, to the minute."""
    local = t.astimezone()
    return f"{day(local.date(), lang)} {local:%H:%M}"


def stamp(t: datetime) -> str:
    """A point in time for machines: ISO 8601 in UTC, to the second (2026-12-01T09:30:00Z)."""
    return t.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def answer(catalog: Catalog, qid: str, value: Any, lang: str) -> str:
    """An answer as a person reads it: choice texts, yes/no, numbers with their unit."""
    from clientcheck.i18n import t
    from clientcheck.model import UNKNOWN

    q = catalog.questions.get(qid)
    if value is UNKNOWN or value is None:
        return t(lang, "dont_know")
    if isinstance(value, bool):
        return t(lang, "yes" if value else "no")
    if q is None:
        return str(value)
    if isinstance(value, frozenset):
        return ", ".join(q.choice_text(c, lang) for c in q.choice_ids if c in value) or t(lang, "nothing")
    if q.type == "choice":
        return q.choice_text(value, lang)
    if isinstance(value, (int, float)):
        return amount(q, value, lang)
    if isinstance(value, date):
        return day(value, lang)
    return str(value)


def amount(q: Question, value: float, lang: str, typed: bool = False) -> str:
    """A number with its question's unit: `90 days`, `1 day`, `35%`; Russian `4 500 000 ₽`, `21 день`.
    typed: the number as `exact` writes it (in a message about an answer), not rounded."""
    shown = exact(value, lang) if typed else number(value, lang)
    # the word agrees with the number as shown: 1.001 hours is "1 hour"
    unit = q.unit_for(value if typed else round(value, 2), lang)
    if not unit:
        return shown
    return f"{shown}{'' if unit == '%' else ' '}{unit}"


def agree(x: float, forms: Sequence[str], lang: str) -> str:
    """The word form that agrees with the number x, by i18n.plural's categories: English two
    forms (1 day, 2 days), Russian three, for 1, 2 and 5 (1 день, 3 дня, 5 дней; 1,5 дня)."""
    from clientcheck.i18n import plural

    if len(forms) == 1:
        return forms[0]
    category = plural(lang, x)
    if lang == "ru" and len(forms) == 3:
        return forms[{"one": 0, "many": 2}.get(category, 1)]  # few, and fractions (other)
    return forms[0] if category == "one" else forms[-1]
