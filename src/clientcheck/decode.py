"""JSON Lines records decoded and checked in one step: a msgspec record type made from the questions.

orjson gives a dict that the compiled scorer then reads key by key, checking each answer's type,
choices and range in Python. msgspec can do both at once, in C: from the questions we make a
Struct type whose fields say what each answer may be (a choice is one of its ids, an integer an
int within the question's bounds, ...), and a decoder for it. Whatever it refuses (a wrong
answer, an unknown key, a whole number written as 5.0, a line that is not an object) goes on to
the dict path and, from there, to the careful path that says what is wrong; so this only has to
be right, never complete, about what it accepts: for every field it accepts exactly what the
question type's python_check accepts, or it takes the value as it is and the scorer runs that
check itself (dates, and any type not listed in _NATIVE).

Every field defaults to UNSET, so the scorer can tell a missing answer from a null one (which
`ignored_answers` needs) and count the keys the line held: msgspec keeps the last of repeated
keys, which the careful path refuses, so a line with fewer fields set than colons is left to it.

msgspec is imported only when a batch reads JSON Lines; without it, the dict path does all.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable, Sequence
from typing import Annotated, Any, Literal

from clientcheck.answers import MAX_NUMBER
from clientcheck.model import CLIENT_KEY, Catalog, Question

_LITERAL: Any = Literal  # subscripted with the ids of each question, at run time


class RecordType:
    """The decoder of one catalog's records, and which questions it checks natively."""

    def __init__(self, decode: Callable[[bytes], Any], error: type[Exception], native: frozenset[str]) -> None:
        self.decode = decode
        self.error = error  # what decode raises on a line it does not take (msgspec.MsgspecError)
        self.native = native  # question ids whose answers need no further check but canonicalising
        self.unset: Any = None  # msgspec.UNSET: the value of a field the line did not hold


def _integer_bound(x: float | None, default: int) -> int:
    return default if x is None else max(-MAX_NUMBER, min(MAX_NUMBER, int(x)))


def _interned(ids: Sequence[str]) -> tuple[str, ...]:
    """Choice ids as the compiler keeps the ones it writes as constants in the scorer's source.

    msgspec gives back the very object of the Literal a text matched, and a comparison of two
    texts that are one object stops there: the scorer's `v == 'discount'` then costs no memcmp.
    """
    return tuple(sys.intern(i) for i in ids)


def _native(q: Question) -> Any:
    """The msgspec type that takes exactly the answers qtypes' python_check takes, or None."""
    from msgspec import Meta

    if q.type == "text":
        return str
    if q.type == "yesno":
        return bool
    if q.type == "choice":
        return _LITERAL[_interned(q.choice_ids)]
    if q.type == "multi":
        one = _LITERAL[_interned(q.choice_ids)]
        return frozenset.__class_getitem__(one) | one  # a list of choices, or one choice on its own
    if q.type in ("integer", "number"):
        bounds = (q.min, q.max)
        if any(b is not None and not math.isfinite(b) for b in bounds):
            return None
        if not all(b is None or (float(b).is_integer() and abs(b) < 2**63) for b in bounds):
            return None
        # past 10**15 an answer is refused (answers.coerce), whatever the question's own bounds
        lo, hi = _integer_bound(q.min, -MAX_NUMBER), _integer_bound(q.max, MAX_NUMBER)
        if q.type == "integer":
            # python_check also takes a whole float (5.0) as 5: msgspec refuses it, the dict path takes it
            return Annotated[int, Meta(ge=lo, le=hi)]
        return Annotated[int, Meta(ge=lo, le=hi)] | Annotated[float, Meta(ge=float(lo), le=float(hi))]
    return None  # dates and anything else: taken as decoded, checked by the scorer


def record_type(catalog: Catalog) -> RecordType | None:
    """The record type of a catalog's JSON Lines, or None when msgspec is not installed."""
    try:
        import msgspec
    except ImportError:
        return None
    # the client's name first, as files usually have it: msgspec looks a key up from the field
    # after the one it read last, so keys in the fields' order are found at the first try
    fields: list[tuple[str, Any, Any]] = [("fc", str | None | msgspec.UnsetType, _field(msgspec, CLIENT_KEY))]
    native: set[str] = set()
    for i, q in enumerate(catalog.questions.values()):
        try:
            kind = _native(q)
            if kind is not None:
                msgspec.json.Decoder(kind)  # a bound msgspec does not support is refused here
        except (TypeError, ValueError):
            kind = None
        if kind is not None:
            native.add(q.id)
        fields.append((f"f{i}", (Any if kind is None else kind | None | msgspec.UnsetType), _field(msgspec, q.id)))
    # a record holds texts, numbers and sets of texts, never itself: the garbage collector need
    # not track it (a record made and dropped per line costs less so)
    struct = msgspec.defstruct("Record", fields, forbid_unknown_fields=True, gc=False)
    out = RecordType(msgspec.json.Decoder(struct).decode, msgspec.MsgspecError, frozenset(native))
    out.unset = msgspec.UNSET
    return out


def _field(msgspec: Any, key: str) -> Any:
    return msgspec.field(name=key, default=msgspec.UNSET)


def astuple() -> Callable[[Any], tuple[Any, ...]]:
    """msgspec.structs.astuple: a record's fields in order, in one call."""
    from msgspec.structs import astuple as fields

    return fields
