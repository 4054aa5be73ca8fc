"""Question types: one class per type, everything about that type in one place.

A type says how its answers look to conditions (`kind`), how an answer from a file is checked and
made canonical (`coerce`), how a CSV cell or typed interview input becomes one (`from_text`), how
it is shown to a person and written as JSON data, which interview widget asks it, what the
compiled batch scorer checks, and which answers lint's exhaustive search tries. Adding a type is
one class here and one line in TYPES; answers.py, readers.py, session.py, the renderers,
compiled.py and lint.py all ask this registry.
"""

from __future__ import annotations

import datetime as _dt
import json
import math
import re
from collections.abc import Callable
from itertools import pairwise, product
from typing import TYPE_CHECKING, Any, ClassVar

from clientcheck import units
from clientcheck.i18n import detect_language

if TYPE_CHECKING:
    from clientcheck.conditions import Kind
    from clientcheck.model import Question

Emit = Callable[[int, str], None]
Const = Callable[[Any], str]

_TRUE = {"true", "yes", "y", "1", "да", "д"}
_FALSE = {"false", "no", "n", "0", "нет", "н"}
_CELL_SPACES = re.compile(r"[\s\u00a0\u202f_']")
_SEPARATORS = re.compile(r"[;,|]")


def show_json(value: Any) -> str:
    """A value as an error message quotes it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:  # in a list: JSON's word for it
        return "null"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        # a whole number as a number is shown (1e15, 20.0, -0.0 as 1000000000000000, 20, 0), not
        # as Python's 1000000000000000.0; past 10^16, Python's 1e+16 is the shorter
        return str(int(value))
    return json.dumps(value, ensure_ascii=False) if isinstance(value, (str, list, dict)) else repr(value)


def fmt_num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


class QuestionType:
    """The behaviour every type shares; subclasses override what differs."""

    name: ClassVar[str]
    kind: ClassVar[Kind]  # what conditions see: bool, number, text, choice, multi, date
    widget: ClassVar[str] = "typed"  # select | checkbox | typed
    numeric: ClassVar[bool] = False  # takes unit, min and max
    has_choices: ClassVar[bool] = False

    def allowed(self, q: Question) -> str:
        """What it accepts, in words, for error messages."""
        return "text"

    def coerce(self, q: Question, value: Any) -> Any:
        """The canonical answer for a decoded value, or ValueError saying why not.

        Never called with None (don't know); a value of the wrong kind raises ValueError with no
        message, and the caller says "expected ..., got ..." in the usual words.
        """
        raise ValueError

    def from_cell(self, q: Question, cell: str) -> Any:
        """A CSV cell as the value it stands for; left as text when it cannot be, so that coerce
        says what is wrong with it in its usual words."""
        return cell

    def from_typed(self, q: Question, text: str, lang: str) -> Any:
        """Typed interview input (not empty) as a value for coerce; ValueError when it is none."""
        return text

    def plain(self, q: Question, value: Any) -> Any:
        """The canonical answer as JSON data."""
        return value

    def typed_text(self, q: Question, value: Any, lang: str = "en") -> str:
        """The text a typed prompt starts with for an earlier answer or a default."""
        return str(value)

    def domain(self, q: Question, literals: set[Any]) -> list[Any] | None:
        """The answers lint's exhaustive search tries (None: too many to try)."""
        return [*sorted(str(v) for v in literals if isinstance(v, str)), "\x00something else"]

    def python_check(self, q: Question, v: str, depth: int, emit: Emit, const: Const) -> None:
        """Lines of the compiled scorer that check and canonicalise local v (not None), or return None."""
        emit(depth, f"if {v} is not None and {v}.__class__ is not str: return None")


class YesNo(QuestionType):
    name = "yesno"
    kind = "bool"
    widget = "select"

    def allowed(self, q: Question) -> str:
        return "true or false"

    def coerce(self, q: Question, value: Any) -> Any:
        if isinstance(value, bool):
            return value
        raise ValueError

    def from_cell(self, q: Question, cell: str) -> Any:
        low = cell.lower()
        return True if low in _TRUE else False if low in _FALSE else cell

    def domain(self, q: Question, literals: set[Any]) -> list[Any] | None:
        return [True, False]

    def python_check(self, q: Question, v: str, depth: int, emit: Emit, const: Const) -> None:
        emit(depth, f"if {v} is not None and {v} is not True and {v} is not False: return None")


class SingleChoice(QuestionType):
    name = "choice"
    kind = "choice"
    widget = "select"
    has_choices = True

    def allowed(self, q: Question) -> str:
        return f"one of: {', '.join(q.choice_ids)}"

    def coerce(self, q: Question, value: Any) -> Any:
        from clientcheck.conditions import suggest

        if isinstance(value, str) and value in q.choice_ids:
            return value
        if isinstance(value, str):
            raise ValueError(
                f"{show_json(value)} is not a choice; expected {self.allowed(q)}{suggest(value, q.choice_ids)}"
            )
        raise ValueError

    def domain(self, q: Question, literals: set[Any]) -> list[Any] | None:
        return list(q.choice_ids)

    def python_check(self, q: Question, v: str, depth: int, emit: Emit, const: Const) -> None:
        emit(depth, f"if {v} is not None and {v} not in {const(frozenset(q.choice_ids))}: return None")


class MultiChoice(QuestionType):
    name = "multi"
    kind = "multi"
    widget = "checkbox"
    has_choices = True

    def allowed(self, q: Question) -> str:
        return f"a list of: {', '.join(q.choice_ids)}"

    def coerce(self, q: Question, value: Any) -> Any:
        from clientcheck.conditions import suggest

        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list):
            raise ValueError
        for item in items:
            if not isinstance(item, str) or item not in q.choice_ids:
                extra = suggest(item, q.choice_ids) if isinstance(item, str) else ""
                raise ValueError(f"{show_json(item)} is not a choice; expected {self.allowed(q)}{extra}")
        return frozenset(items)

    def from_cell(self, q: Question, cell: str) -> Any:
        if cell == "[]":
            return []
        return [item.strip() for item in _SEPARATORS.split(cell) if item.strip()]

    def plain(self, q: Question, value: Any) -> Any:
        return [c for c in q.choice_ids if c in value]  # in the questions' order

    def domain(self, q: Question, literals: set[Any]) -> list[Any] | None:
        mentioned = [c for c in q.choice_ids if c in literals]
        if len(mentioned) > 8:
            return None
        return [
            frozenset(c for c, on in zip(mentioned, bits, strict=True) if on)
            for bits in product((0, 1), repeat=len(mentioned))
        ]

    def python_check(self, q: Question, v: str, depth: int, emit: Emit, const: Const) -> None:
        ids = const(frozenset(q.choice_ids))
        emit(depth, f"if {v} is not None:")
        emit(depth + 1, f"if {v}.__class__ is list:")
        emit(depth + 2, f"{v} = frozenset({v})")
        emit(depth + 2, f"if not {v} <= {ids}: return None")
        emit(depth + 1, f"elif {v}.__class__ is str and {v} in {ids}: {v} = frozenset(({v},))")
        emit(depth + 1, "else: return None")


class Number(QuestionType):
    name = "number"
    kind = "number"
    numeric = True
    word = "a number"

    def allowed(self, q: Question) -> str:
        if q.min is not None and q.max is not None:
            return f"{self.word} from {fmt_num(q.min)} to {fmt_num(q.max)}"
        if q.min is not None:
            return f"{self.word} of at least {fmt_num(q.min)}"
        if q.max is not None:
            return f"{self.word} of at most {fmt_num(q.max)}"
        return self.word

    def coerce(self, q: Question, value: Any) -> Any:
        if isinstance(value, str) and q.measure is not None:
            value = self.with_unit(q, value)
        elif isinstance(value, str):
            # text in a file (a CSV cell, a quoted answer) is read as the interview reads what is
            # typed: `1 000`, `2,5`, `40%`, `2 times`; `2,000` said ambiguous, not guessed
            try:  # the unit named as the run's language names it, as UnitError's own words are
                value = self.from_typed(q, value, detect_language(None))
            except units.UnitError as exc:  # `'many' is not a number; expected …`, as for an amount
                raise ValueError(f"{exc}; expected {self.allowed(q)}") from None
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            raise ValueError
        if value != value or value in (math.inf, -math.inf):
            raise ValueError(f"{value} is not a usable number; expected {self.allowed(q)}")
        value = self.whole(q, value)
        if (q.min is not None and value < q.min) or (q.max is not None and value > q.max):
            raise ValueError(f"{show_json(value)} is out of range; expected {self.allowed(q)}")
        return value

    def whole(self, q: Question, value: int | float) -> int | float:
        return value

    def with_unit(self, q: Question, text: str) -> int | float:
        """`3 days`, `2 недели`, `150k`, `1,5 млн` as the number the question stores (units.py):
        both languages' words, and no guessing at `1,500`."""
        try:
            return self._in_unit(q, text)
        except ValueError as exc:
            raise ValueError(f"{exc}; expected {self.allowed(q)}") from None

    def _in_unit(self, q: Question, text: str) -> int | float:
        """with_unit, raising units.UnitError with the reason alone."""
        currency = None
        if q.measure == "money" and q.unit is not None:  # the seller's currency (profile.with_currency)
            code = units.currency_code(q.unit.get("en"))
            currency = (code, q.unit.get(detect_language(None))) if code is not None else None
        value = units.parse(q.measure or "", text, currency)
        if self.name == "integer" and isinstance(value, float) and q.measure in ("hours", "days"):
            return units.whole_duration(value)  # a part of a day counts as a whole one
        return value

    def from_cell(self, q: Question, cell: str) -> Any:
        number = _CELL_SPACES.sub("", cell)
        if units.AMBIGUOUS.match(number):
            return cell  # refused by coerce rather than guessed
        try:
            return int(number)
        except ValueError:
            pass
        try:
            # a comma: read as everywhere else (units.to_number): a decimal comma as spreadsheets
            # in Russian write it (2,5), or thousands (1,000,000)
            value = float(number) if "," not in number else units.to_number(number)
        except ValueError:
            return cell
        return value if value == value and value not in (math.inf, -math.inf) else cell

    def from_typed(self, q: Question, text: str, lang: str) -> Any:
        """What was typed at the prompt, read as an answers file reads it (units.to_number), so a
        number means the same typed in either language or written in a file. units.UnitError
        (a ValueError) says why a unit or the number is refused."""
        if q.measure is not None:
            if units.has_unit(text):
                return self._in_unit(q, text)
        elif q.unit is not None:  # `40%` where the unit is %, `2 раза` where it is times
            text = units.strip_unit(text, units.unit_words(*q.unit_words()), q.unit.get(lang))
        else:  # a count may say `2 times`; a word after another number is a unit it does not take
            text = units.strip_unit(text, units.COUNT_WORDS if self.name == "integer" else frozenset(), "")
        value = units.to_number(text)
        return int(value) if self.name == "integer" and isinstance(value, float) and value.is_integer() else value

    def typed_text(self, q: Question, value: Any, lang: str = "en") -> str:
        from clientcheck import fmt

        return fmt.exact(value, lang)  # as typed back: 12,5 in Russian; nothing rounded

    def domain(self, q: Question, literals: set[Any]) -> list[Any] | None:
        points = {float(v) for v in literals if isinstance(v, (int, float)) and not isinstance(v, bool)}
        bounds = {b for b in (q.min, q.max) if b is not None}
        base = sorted(points | bounds) or [0.0]
        cands: set[float]
        if self.name == "integer":
            cands = {c for v in base for c in (math.floor(v) - 1, math.floor(v), math.ceil(v), math.ceil(v) + 1)}
        else:
            cands = set(base) | {(a + b) / 2 for a, b in pairwise(base)} | {base[0] - 1, base[-1] + 1}
        lo = q.min if q.min is not None else -math.inf
        hi = q.max if q.max is not None else math.inf
        return sorted(c for c in cands if lo <= c <= hi)

    def python_check(self, q: Question, v: str, depth: int, emit: Emit, const: Const) -> None:
        from clientcheck.answers import MAX_NUMBER

        def literal(x: float) -> str:
            return repr(x) if math.isfinite(x) else const(x)

        # past 10**15 an answer is refused (answers.coerce), whatever the question's own bounds
        lo = literal(-MAX_NUMBER if q.min is None else max(q.min, -MAX_NUMBER))
        hi = literal(MAX_NUMBER if q.max is None else min(q.max, MAX_NUMBER))
        in_range = f"{lo} <= {v} <= {hi}"
        emit(depth, f"if {v} is not None:")
        emit(depth + 1, f"if {v}.__class__ is int:")
        emit(depth + 2, f"if not ({in_range}): return None")
        emit(depth + 1, f"elif {v}.__class__ is float:")
        if self.name == "integer":
            emit(depth + 2, f"if not {v}.is_integer(): return None")  # also refuses nan and inf
            emit(depth + 2, f"{v} = int({v})")
        emit(depth + 2, f"if not ({in_range}): return None")  # nan and inf fail it too
        emit(depth + 1, "else: return None")


class Integer(Number):
    name = "integer"
    word = "a whole number"

    def whole(self, q: Question, value: int | float) -> int | float:
        if isinstance(value, float) and not value.is_integer():
            raise ValueError(f"{show_json(value)} is not whole; expected {self.allowed(q)}")
        return int(value)


class Text(QuestionType):
    name = "text"
    kind = "text"

    def coerce(self, q: Question, value: Any) -> Any:
        if isinstance(value, str):
            return value
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return str(value)
        raise ValueError


class Date(QuestionType):
    """A calendar date, written YYYY-MM-DD everywhere (files, CSV, the interview, JSON)."""

    name = "date"
    kind = "date"

    def allowed(self, q: Question) -> str:
        return "a date as YYYY-MM-DD"

    def coerce(self, q: Question, value: Any) -> Any:
        if isinstance(value, _dt.datetime):
            return value.date()
        if isinstance(value, _dt.date):
            return value
        if isinstance(value, str):
            from clientcheck.functions import parse_date

            parsed = parse_date(value)
            if parsed is None:
                raise ValueError(f"{show_json(value)} is not a date; expected {self.allowed(q)}")
            return parsed
        raise ValueError

    def from_cell(self, q: Question, cell: str) -> Any:
        return _day_first(cell) or cell

    def from_typed(self, q: Question, text: str, lang: str) -> Any:
        from clientcheck.functions import parse_date

        parsed = parse_date(text) or _day_first(text)
        if parsed is None:
            raise ValueError(text)
        return parsed

    def plain(self, q: Question, value: Any) -> Any:
        return value.isoformat()

    def typed_text(self, q: Question, value: Any, lang: str = "en") -> str:
        return value.isoformat() if isinstance(value, _dt.date) else str(value)

    def domain(self, q: Question, literals: set[Any]) -> list[Any] | None:
        return None  # dates are compared through today: not a search lint can do exhaustively

    def python_check(self, q: Question, v: str, depth: int, emit: Emit, const: Const) -> None:
        from clientcheck.functions import parse_date

        emit(depth, f"if {v} is not None:")
        emit(depth + 1, f"{v} = {const(parse_date)}({v})")
        emit(depth + 1, f"if {v} is None: return None")


_DAY_FIRST = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")


def _day_first(text: str) -> _dt.date | None:
    """DD.MM.YYYY, as Russian (and most European) spreadsheets and people write a date."""
    m = _DAY_FIRST.fullmatch(text.strip())
    if m is None:
        return None
    try:
        return _dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    except ValueError:
        return None


TYPES: dict[str, QuestionType] = {
    t.name: t for t in (YesNo(), SingleChoice(), MultiChoice(), Integer(), Number(), Text(), Date())
}


def of(q: Question) -> QuestionType:
    return TYPES[q.type]
