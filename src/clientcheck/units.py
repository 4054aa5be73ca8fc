"""Numbers in the user's own words and units: `4h`, `3 days`, `2 недели`, `150k`, `1,5 млн`.

A number question may declare what it measures (`measure:` in its questions file):

* ``hours`` or ``days``: a duration, stored in that unit. `3 months` is 90 days or 2160 hours
  (a month counts as 30 days, a year as 365, a week as 7).
* ``money``: an amount, stored as a plain number; `k` / `тыс` multiply by a thousand, `m` /
  `млн` by a million, `bn` / `млрд` by a billion. A currency sign or code around it is ignored
  (the currency is the seller's, from the profile).

A bare number is always taken as it is, in the question's own unit. Both languages' words are
understood whatever the interface language, so an answers file reads the same for everyone.
Pure functions, no imports that cost start-up time.
"""

from __future__ import annotations

import math
import re
from typing import Final

from clientcheck.i18n import say  # the language of the run: files carry none of their own

MEASURES: Final = ("hours", "days", "money")

_HOURS_PER: Final[dict[str, float]] = {}


def _words(factor: float, *words: str) -> dict[str, float]:
    return dict.fromkeys(words, factor)


# Duration words in hours. "m" alone is refused: months or minutes, nobody can tell.
_HOURS_PER.update(
    _words(1 / 60, "min", "mins", "minute", "minutes", "мин", "минута", "минуты", "минут", "минуту")
    | _words(1, "h", "hr", "hrs", "hour", "hours", "ч", "час", "часа", "часов", "часы")
    | _words(24, "d", "day", "days", "д", "дн", "день", "дня", "дней", "сут", "сутки", "суток")
    | _words(24 * 7, "w", "wk", "wks", "week", "weeks", "нед", "неделя", "недели", "недель", "неделю")
    | _words(24 * 30, "mo", "mon", "mos", "month", "months", "мес", "месяц", "месяца", "месяцев")
    | _words(24 * 365, "y", "yr", "yrs", "year", "years", "г", "год", "года", "лет")
)
_HOURS_IN: Final = {"hours": 1.0, "days": 24.0}

_MONEY_TIMES: Final[dict[str, float]] = (
    _words(1e3, "k", "thousand", "thousands", "тыс", "т", "к", "тысяча", "тысячи", "тысяч", "тысячу")
    | _words(1e6, "m", "mn", "mln", "million", "millions", "млн", "миллион", "миллиона", "миллионов")
    | _words(1e9, "b", "bn", "billion", "billions", "млрд", "миллиард", "миллиарда", "миллиардов")
)
# the currency each name stands for: an amount named in another currency than the seller's is
# refused rather than read as the seller's (`$5000` in a profile in roubles is not 5000 ₽)
_CODES: Final[dict[str, str]] = {
    **dict.fromkeys(("$", "usd", "dollar", "dollars", "доллар", "доллара", "долларов"), "USD"),
    **dict.fromkeys(("€", "eur", "euro", "euros", "евро"), "EUR"),
    **dict.fromkeys(("£", "gbp", "pound", "pounds", "фунт", "фунта", "фунтов"), "GBP"),
    **dict.fromkeys(("₽", "руб", "р", "rub", "rur", "рубль", "рубля", "рублей", "рубли"), "RUB"),
    **dict.fromkeys(("ruble", "rubles", "rouble", "roubles"), "RUB"),
    **dict.fromkeys(("₸", "kzt", "тенге", "tenge"), "KZT"),
    **dict.fromkeys(("₴", "uah", "гривна", "гривны", "гривен"), "UAH"),
    "cny": "CNY",
    "byn": "BYN",
}
# every currency name an amount may carry (¥ is yen or yuan: no code, so never refused)
_CURRENCY: Final = frozenset(_CODES) | {"¥"}


_SIGNS: Final = "$€£₽¥₸₴"  # a currency sign may come before the amount


def currency_code(name: str) -> str | None:
    """The currency a sign, code or word names (`₽`, `RUB`, `рублей`: RUB), or None."""
    return _CODES.get(name.strip().lower().rstrip("."))


_SPACES: Final = re.compile(r"[\s_\u00a0\u202f\u2009']+")
# an exponent (1e5) belongs to the number, so that `1e400` is quoted whole, not as the unit 'e400'
_SPLIT: Final = re.compile(r"^([+-]?(?:\d|[.,]\d)[\d\s\u00a0\u202f\u2009_.,']*(?:[eE][+-]?\d+)?)(.*)$", re.S)
_THOUSANDS: Final = re.compile(r"^[+-]?[1-9]\d{0,2}(,\d{3})+(\.\d+)?$")
# 1,000: a thousand, or one and no thousandths? (0,001 can only be a decimal comma)
AMBIGUOUS: Final = re.compile(r"^[+-]?[1-9]\d{0,2},\d{3}$")


class UnitError(ValueError):
    """Text that is not a number in a unit we know. str() is the reason, in the language of the run;
    key and fields say it again in another (the interview's)."""

    def __init__(self, key: str, **fields: object) -> None:
        super().__init__(say(key, **fields))
        self.key = key
        self.fields = fields


def to_number(text: str) -> int | float:
    """A number as people type it: `1 000 000`, `1,000,000`, `2,5` (a decimal comma).

    The one reading of a number for answers files, CSV cells with a unit and the interview in
    either language: `1,500` is refused rather than guessed (1.5 in Russian, 1500 in English),
    so the same text never means two numbers. Raises UnitError (a ValueError).
    """
    s = _SPACES.sub("", text)
    if len(s) > 40:  # past any answer's limit (10**15), and past what int() reads (4,300 digits)
        shown = text.strip()
        raise UnitError("units.too_large", text=shown if len(shown) <= 40 else shown[:20] + "…")
    if AMBIGUOUS.match(s):
        raise UnitError("units.ambiguous", text=text.strip(), **_readings(s))
    if _THOUSANDS.match(s):
        s = s.replace(",", "")
    elif s.count(",") == 1 and "." not in s:
        s = s.replace(",", ".")  # a decimal comma, as Russian (and most of Europe) writes it
    if re.fullmatch(r"[+-]?\d+", s):
        return int(s)
    if re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", s):
        value = float(s)
        if math.isinf(value):
            raise UnitError("units.too_large", text=text.strip())
        return value
    raise UnitError("units.not_a_number", text=text.strip())


def _readings(s: str) -> dict[str, str]:
    """The two numbers `2,000` can be (s matches AMBIGUOUS): 2000 with a thousands comma, 2.0 with a
    decimal one. The message writes them so that neither can be misread (`2,0` in Russian)."""
    whole, fraction = s.split(",")
    return {"thousands": whole + fraction, "whole": whole, "fraction": fraction.rstrip("0") or "0"}


def _split(text: str) -> tuple[str, str] | None:
    s = text.strip()
    # a currency sign written first ($150k, ₽ 150 000) changes nothing
    while s and s[0] in _SIGNS:
        s = s[1:].lstrip()
    m = _SPLIT.match(s)
    if m is None:
        return None
    number, unit = m.group(1).strip(), m.group(2).strip().lower()
    if any(c.isdigit() for c in unit):  # `0o17`, `12a5`: not a number and a unit, just not a number
        return None
    # "150 тыс. руб.": dots that end abbreviations, and a currency after the multiplier
    words = [w.strip(".") for w in re.split(r"[\s.]+", unit) if w.strip(".")]
    return number, " ".join(words)


def has_unit(text: str) -> bool:
    """Does text carry a unit word or multiplier after its number, or a currency sign before it
    (so a bare number parser won't do)?"""
    parts = _split(text)
    return parts is not None and (parts[1] != "" or text.strip()[:1] in _SIGNS)


def parse(measure: str, text: str, currency: tuple[str, str] | None = None) -> int | float:
    """text in the question's unit: hours or days for a duration, a plain amount for money.

    A bare number is returned as it is. Raises UnitError with the reason in the language of the
    run; callers in the interview say it in the user's language with the units this measure accepts.
    currency: (code, as shown) of the seller's currency, when known: an amount named in another
    one is refused.
    """
    parts = _split(text)
    if parts is None:
        raise UnitError("units.not_a_number", text=text.strip())
    number_text, unit = parts
    if currency is not None and measure == "money":
        lead = text.strip()[:1]
        for word in ([lead] if lead in _SIGNS else []) + unit.split():
            code = currency_code(word)
            if code is not None and code != currency[0]:
                raise UnitError("units.other_currency", unit=word, currency=currency[1])
    number = to_number(number_text)
    if not unit:
        return number
    if measure in _HOURS_IN:
        if unit not in _HOURS_PER:
            key = unit.replace(" ", "")
            if key in ("m", "м"):
                raise UnitError("units.months_or_minutes", unit=key, n=number_text)
            if key not in _HOURS_PER:
                raise UnitError("units.not_time", unit=unit)
            unit = key
        value = number * _HOURS_PER[unit] / _HOURS_IN[measure]
        return _tidy(value)
    if measure == "money":
        words = unit.split()
        times = 1.0
        rest = [w for w in words if w not in _CURRENCY]
        if len(rest) > 1 or (rest and rest[0] not in _MONEY_TIMES):
            raise UnitError("units.not_amount", unit=unit)
        if rest:
            times = _MONEY_TIMES[rest[0]]
        return _tidy(number * times)
    raise UnitError("units.not_a_number", text=text.strip())


# The words that name the same unit: a question whose unit is one of them takes them all after
# its number (`40%`, `40 percent`, `2 times`, `2 раза`). A question with no unit and no measure
# that takes whole numbers counts something, and takes the counting words.
_SAME_UNIT: Final = (
    frozenset({"%", "pct", "percent", "per cent", "percents", "процент", "процента", "процентов", "проц"}),
    frozenset({"time", "times", "x", "×", "раз", "раза"}),
)
COUNT_WORDS: Final = _SAME_UNIT[1]


def unit_words(*names: str) -> frozenset[str]:
    """The words that name a unit whose texts (one per language) are names."""
    words = {w for name in names if (w := " ".join(x.strip(".") for x in name.lower().split()))}
    for family in _SAME_UNIT:
        if words & family:
            words |= family
    return frozenset(words)


def strip_unit(text: str, words: frozenset[str], shown: str) -> str:
    """The number in text, without a unit after it when that unit is one of words (unit_words).

    Raises UnitError when a word after the number is not the unit (shown: the unit as the
    question says it, "" when it has none).
    """
    parts = _split(text)
    if parts is None or not parts[1]:
        return text
    number, unit = parts
    if unit in words or unit.replace(" ", "") in words:
        return number
    if shown:
        raise UnitError("interview.not_this_unit", unit=unit, expected=shown)
    raise UnitError("interview.no_unit", unit=unit)


def _tidy(value: float) -> int | float:
    """Whole results as int; float noise (1.1 * 1000 = 1100.0000000000002) rounded away."""
    rounded = round(value, 6)
    return int(rounded) if rounded.is_integer() else rounded


def whole_duration(value: int | float) -> int:
    """A duration for a whole-number question: a part of a day or hour counts as a whole one."""
    return math.ceil(value - 1e-9)
