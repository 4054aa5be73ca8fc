"""Moving a history between machines: export to JSON data, and import with its validation.

An import is checked whole before anything is written (every problem in one
HistoryImportError), then written in one transaction: all of it, or none.
"""

from __future__ import annotations

import json
import math
import sqlite3
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from clientcheck.errors import ClientcheckError, Mark, Problems
from clientcheck.fmt import stamp
from clientcheck.history.location import check_client_name
from clientcheck.history.records import now, parse_stamp
from clientcheck.history.store import History, HistoryError
from clientcheck.i18n import say
from clientcheck.model import VERDICTS

EXPORT_SCHEMA = "clientcheck.history/2"  # /2 adds outcomes
EXPORT_SCHEMAS = ("clientcheck.history/1", EXPORT_SCHEMA)  # what import takes
MAX_DAYS_LATE = 36_500  # a hundred years: more is a typo (and would not fit SQLite's integers)
MAX_SCORE = 1e15


class HistoryImportError(Problems):
    """An import file that is not a clientcheck history export; one line per problem."""


@dataclass(frozen=True)
class ImportResult:
    assessments: int
    payments: int
    skipped: int  # already present (same uid)
    outcomes: int = 0


class ExportChecker:
    """Collects the problems of an export file, each named by where it is (assessments[3].score)."""

    def __init__(self, origin: str) -> None:
        self.origin = origin
        self.problems: list[ClientcheckError] = []

    def err(self, where: str, message: str) -> None:
        self.problems.append(ClientcheckError(f"{where}: {message}", Mark(self.origin, 0)))

    def field(
        self, record: Mapping[str, Any], where: str, key: str, check: Callable[[Any], bool], what: str, **fields: str
    ) -> bool:
        """Is record[key] there and right? what: the history.export.what.* key saying what it must be
        (worded only for a problem: an export of ten thousand records checks every field)."""
        problem = field_problem(record, key, check, what, **fields)
        if problem is not None:
            self.err(where if key not in record else f"{where}.{key}", problem)
            return False
        return True


def field_problem(
    record: Mapping[str, Any], key: str, check: Callable[[Any], bool], what: str, **fields: str
) -> str | None:
    """What is wrong with record[key], in the language of the run; None when nothing is."""
    if key not in record:
        return say("history.export.missing", key=key)
    if check(record[key]):
        return None
    value = json.dumps(record[key], ensure_ascii=False)[:60]
    return say("history.export.expected", what=say(f"history.export.what.{what}", **fields), value=value)


def is_text(v: Any) -> bool:
    return isinstance(v, str) and bool(v.strip())


def is_stamp(v: Any) -> bool:
    try:
        parse_stamp(v)
    except (TypeError, ValueError, AttributeError, OverflowError):  # year 1 with an offset overflows
        return False
    return True


def is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) and abs(v) <= MAX_SCORE


def is_date(v: Any) -> bool:
    try:
        date.fromisoformat(v)
    except (TypeError, ValueError):
        return False
    return True


def is_client(v: Any) -> bool:
    try:
        check_client_name(v)
    except (ClientcheckError, AttributeError, TypeError):
        return False
    return True


def is_fired(v: Any) -> bool:
    return isinstance(v, list) and all(
        isinstance(f, dict)
        and is_text(f.get("id"))
        and f.get("kind") in ("red-flag", "good-sign", "note")
        and (f.get("severity") is None or isinstance(f.get("severity"), str))
        for f in v
    )


# (assessments, payments, outcomes, where they came from), checked
ExportRecords = tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]], str]


def validate_export(data: Any, origin: str) -> ExportRecords:
    """Check a decoded export; every problem in one HistoryImportError."""
    c = ExportChecker(origin)
    if not isinstance(data, dict) or data.get("schema") not in EXPORT_SCHEMAS:
        c.err("schema", say("history.export.schema", schema=EXPORT_SCHEMA))
        raise HistoryImportError(c.problems)
    out_a: list[dict[str, Any]] = []
    out_p: list[dict[str, Any]] = []
    for key, out in (("assessments", out_a), ("payments", out_p)):
        items = data.get(key, [])
        if not isinstance(items, list):
            c.err(key, say("history.export.list"))
            continue
        for i, r in enumerate(items):
            where = f"{key}[{i}]"
            if not isinstance(r, dict):
                c.err(where, say("history.export.object"))
                continue
            before = len(c.problems)
            c.field(r, where, "uid", is_text, "id_text")
            c.field(r, where, "client", is_client, "client")
            if key == "assessments":
                c.field(r, where, "created_at", is_stamp, "stamp")
                c.field(r, where, "language", lambda v: isinstance(v, str), "language")
                c.field(r, where, "verdict", lambda v: v in VERDICTS, "verdict", ids=", ".join(VERDICTS))
                c.field(r, where, "score", is_number, "number")
                c.field(r, where, "rules_sha256", lambda v: isinstance(v, str), "digest")
                c.field(r, where, "answers", lambda v: isinstance(v, dict), "answers")
                c.field(r, where, "fired", is_fired, "fired", fields="{id, kind, severity}")
                c.field(
                    r,
                    where,
                    "from_history",
                    lambda v: isinstance(v, list) and all(isinstance(x, str) for x in v),
                    "question_ids",
                )
                c.field(
                    r,
                    where,
                    "verdict_data",
                    lambda v: isinstance(v, dict) and bool(v) and all(isinstance(x, dict) for x in v.values()),
                    "verdict_data",
                )
                if len(c.problems) == before and r["language"] not in r["verdict_data"]:
                    c.err(f"{where}.verdict_data", say("history.export.no_verdict", lang=r["language"]))
            else:
                c.field(r, where, "paid_on", is_date, "date")
                c.field(r, where, "late", lambda v: isinstance(v, bool), "bool")
                c.field(
                    r,
                    where,
                    "days_late",
                    lambda v: v is None or (isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= MAX_DAYS_LATE),
                    "days",
                )
                c.field(r, where, "recorded_at", is_stamp, "stamp")
            if len(c.problems) == before:
                record = dict(r)
                record["client"] = check_client_name(r["client"])
                if key == "assessments":
                    record["created_at"] = stamp(parse_stamp(r["created_at"]))
                else:
                    record["recorded_at"] = stamp(parse_stamp(r["recorded_at"]))
                out.append(record)
    from clientcheck.outcomes import check_records

    out_o = check_records(data.get("outcomes", []), c.problems, origin)
    if c.problems:
        raise HistoryImportError(c.problems)
    return out_a, out_p, out_o, origin


# an export of about ten thousand assessments; more is refused (read without holding more than
# this, so an endless input stays within 100 MB)
MAX_IMPORT_BYTES = 32_000_000


class _NotJsonNumber(ValueError):
    """NaN or Infinity in an export: Python's json takes them, JSON does not."""


def _refuse_constant(name: str) -> Any:
    raise _NotJsonNumber(say("history.export.not_json_number", name=name))


def read_export(path: str) -> tuple[Any, str]:
    """Decode an export file (or - for stdin); JSON errors keep their line and column."""
    import sys

    from clientcheck.files import open_input, read_capped

    origin = "<stdin>" if path == "-" else path
    try:
        if path == "-":
            if sys.stdin is None:
                raise HistoryError(say("history.export.no_stdin"), Mark(origin, 0))
            buffer = getattr(sys.stdin, "buffer", None)
            data = (
                read_capped(buffer.read, MAX_IMPORT_BYTES)
                if buffer is not None
                else sys.stdin.read(MAX_IMPORT_BYTES + 1).encode("utf-8", "surrogateescape")
            )
        else:
            try:
                fd = open_input(path, path)
            except ClientcheckError as exc:  # its message names the file already
                raise HistoryError(exc.message) from None
            with open(fd, "rb") as f:
                data = read_capped(f.read, MAX_IMPORT_BYTES)
    except OSError as exc:
        raise HistoryError(say("history.export.cannot_read", reason=exc.strerror), Mark(origin, 0)) from None
    if len(data) > MAX_IMPORT_BYTES:
        raise HistoryError(say("history.export.too_big", mb=MAX_IMPORT_BYTES // 1_000_000), Mark(origin, 0))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise HistoryError(say("history.export.not_utf8"), Mark(origin, 0)) from None
    try:
        decoded = json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as exc:
        raise HistoryError(
            say("history.export.json_syntax", problem=exc.msg), Mark(origin, exc.lineno, exc.colno)
        ) from None
    except _NotJsonNumber as exc:
        raise HistoryError(str(exc), Mark(origin, 0)) from None
    except ValueError:  # an integer past Python's digit limit
        raise HistoryError(say("answers.too_many_digits"), Mark(origin, 0)) from None
    except RecursionError:
        raise HistoryError(say("answers.too_deep"), Mark(origin, 0)) from None
    from clientcheck.answers import SURROGATE, lone_surrogate

    if "\\u" in text and lone_surrogate(decoded):
        raise HistoryError(say(SURROGATE), Mark(origin, 0))
    return decoded, origin


# ---------------------------------------------------------------- export and import


def export(history: History, client: str | None = None) -> dict[str, Any]:
    """Everything (or one client's everything) as JSON data that import_data takes back."""
    from clientcheck.outcomes import export_rows

    return {
        "schema": EXPORT_SCHEMA,
        "exported_at": stamp(now()),
        # in the order they were stored, so an import into an empty file keeps the numbers
        "assessments": [a.to_dict() for a in sorted(history.assessments(client), key=lambda a: a.id)],
        "payments": [p.to_dict() for p in sorted(history.payments(client), key=lambda p: p.id)],
        "outcomes": export_rows(history, client),
    }


def import_data(history: History, data: Any, origin: str) -> ImportResult:
    """Take an export back, all or nothing; records already here (same uid) are skipped."""
    return import_records(history, validate_export(data, origin))


def import_records(history: History, records: ExportRecords) -> ImportResult:
    from clientcheck.outcomes import import_rows

    assessments, payments, outcomes, origin = records
    added_a = added_p = 0
    with history.guard(), history.write() as db:
        # only a uid already here is skipped; any other refusal stops the import, named
        for key, records_of, insert in (
            ("assessments", assessments, history.insert_assessment),
            ("payments", payments, history.insert_payment),
        ):
            for i, record in enumerate(records_of):
                try:
                    added = insert(db, record)
                except (sqlite3.IntegrityError, ValueError, OverflowError) as exc:
                    raise HistoryImportError(
                        [ClientcheckError(say("history.export.refused", where=f"{key}[{i}]", problem=exc))]
                    ) from None
                if key == "assessments":
                    added_a += 1 if added else 0
                else:
                    added_p += 1 if added else 0
        added_o = import_rows(db, outcomes, origin)
    skipped = len(assessments) + len(payments) + len(outcomes) - added_a - added_p - added_o
    return ImportResult(added_a, added_p, skipped, added_o)
