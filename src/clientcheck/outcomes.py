"""How a client relationship went: outcomes, stored next to the assessments they follow.

An outcome belongs to one saved assessment (by its uid, so export and import keep the link):
by default the client's latest assessment made on or before the outcome's date, the one the
decision was taken on. A client assessed again later (a new project) gets outcomes of its own
for the new assessment. Recording again for the same assessment keeps the older record and the
report uses the latest one, so "still going" can later become "paid late".

Every fact may be unknown (None): an outcome is recorded as soon as something is known. The
questions are a small Catalog with no rules, so the terminal asks them with the interview's own
prompts and keys (clientcheck.interview.Prompter).

Storage only: nothing here prints.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from clientcheck.errors import ClientcheckError, Mark, UsageError
from clientcheck.i18n import detect_language, say, t

if TYPE_CHECKING:
    from clientcheck.history import Assessment, History
    from clientcheck.model import Catalog

PAYMENTS = ("on_time", "late", "unpaid")
FACTS = ("taken", "payment", "profitable", "dispute", "referral", "ongoing", "note")
TAKEN_ONLY = ("payment", "profitable", "dispute", "referral", "ongoing")  # facts that exist only for a taken client
MAX_NOTE_CHARS = 2000


@dataclass(frozen=True)
class OutcomeFacts:
    """What is known about how it went; None is "don't know"."""

    taken: bool | None = None
    payment: str | None = None  # on_time | late | unpaid
    profitable: bool | None = None
    dispute: bool | None = None
    referral: bool | None = None
    ongoing: bool | None = None
    note: str | None = None

    @property
    def trouble(self) -> bool | None:
        """Late or no payment, a loss, or a dispute. Kleene's logic: one known sign of trouble is
        enough; no trouble needs every sign known to be absent. None for a client not taken (there
        was no work to go wrong) and whenever it cannot be told yet."""
        if self.taken is not True:
            return None
        signs = (
            None if self.payment is None else self.payment in ("late", "unpaid"),
            None if self.profitable is None else not self.profitable,
            self.dispute,
        )
        if any(s is True for s in signs):
            return True
        if all(s is False for s in signs):
            return False
        return None

    def to_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in FACTS}

    def known(self) -> bool:
        return any(getattr(self, k) is not None for k in FACTS)


def check_facts(facts: OutcomeFacts, lang: str = "en") -> OutcomeFacts:
    """Facts that fit together; a UsageError names the first that does not."""
    if facts.payment is not None and facts.payment not in PAYMENTS:
        raise UsageError(t(lang, "outcome.bad_payment", choices=", ".join(PAYMENTS), value=facts.payment))
    given = [k for k in TAKEN_ONLY if getattr(facts, k) is not None]
    if facts.taken is False and given:
        raise UsageError(t(lang, "outcome.not_taken_but", fact=given[0]))
    note = facts.note
    if note is not None:
        note = note.strip() or None
        if note is not None and len(note) > MAX_NOTE_CHARS:
            raise UsageError(t(lang, "outcome.note_too_long", max=MAX_NOTE_CHARS))
    if given and facts.taken is None:  # paid, had a dispute ...: then the work was taken
        return OutcomeFacts(True, facts.payment, facts.profitable, facts.dispute, facts.referral, facts.ongoing, note)
    return OutcomeFacts(
        facts.taken, facts.payment, facts.profitable, facts.dispute, facts.referral, facts.ongoing, note
    )


@dataclass(frozen=True)
class Outcome:
    id: int
    uid: str
    assessment_uid: str
    assessment_id: int
    client: str
    on: date  # when this was the state of things
    facts: OutcomeFacts
    recorded_at: datetime

    @property
    def trouble(self) -> bool | None:
        return self.facts.trouble


# ---------------------------------------------------------------- schema (history's migration 3)


def migrate_v3(db: sqlite3.Connection) -> None:
    """Schema 3: the outcomes table. Called by clientcheck.history's MIGRATIONS."""
    db.execute(
        """CREATE TABLE outcomes (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            uid TEXT NOT NULL,
            assessment_uid TEXT NOT NULL REFERENCES assessments (uid),
            client TEXT NOT NULL,
            client_key TEXT NOT NULL,
            outcome_on TEXT NOT NULL,
            taken INTEGER CHECK (taken IN (0, 1)),
            payment TEXT CHECK (payment IN ('on_time', 'late', 'unpaid')),
            profitable INTEGER CHECK (profitable IN (0, 1)),
            dispute INTEGER CHECK (dispute IN (0, 1)),
            referral INTEGER CHECK (referral IN (0, 1)),
            ongoing INTEGER CHECK (ongoing IN (0, 1)),
            note TEXT,
            recorded_at TEXT NOT NULL
        )"""
    )
    db.execute("CREATE UNIQUE INDEX outcomes_by_uid ON outcomes (uid)")
    db.execute("CREATE INDEX outcomes_by_assessment ON outcomes (assessment_uid, outcome_on)")
    db.execute("CREATE INDEX outcomes_by_client ON outcomes (client_key, outcome_on)")


# ---------------------------------------------------------------- reading and writing

_COLUMNS = (
    "o.id, o.uid, o.assessment_uid, a.id, o.client, o.outcome_on, o.taken, o.payment, o.profitable, "
    "o.dispute, o.referral, o.ongoing, o.note, o.recorded_at"
)
_FROM = "FROM outcomes o JOIN assessments a ON a.uid = o.assessment_uid"


def _flag(value: Any) -> bool | None:
    return None if value is None else bool(value)


def _bit(value: bool | None) -> int | None:
    return None if value is None else int(value)


def _row(row: tuple[Any, ...]) -> Outcome:
    from clientcheck.history import parse_stamp

    rid, uid, a_uid, a_id, client, on, taken, payment, profitable, dispute, referral, ongoing, note, at = row
    facts = OutcomeFacts(
        _flag(taken), payment, _flag(profitable), _flag(dispute), _flag(referral), _flag(ongoing), note
    )
    return Outcome(rid, uid, a_uid, a_id, client, date.fromisoformat(on), facts, parse_stamp(at))


def outcomes(history: History, client: str | None = None) -> list[Outcome]:
    """Every recorded outcome (or one client's), in the order things happened."""
    rows = history.select(f"SELECT {_COLUMNS} {_FROM}", client, "o.outcome_on, o.id", key="o.client_key")
    return [_row(r) for r in rows]


def latest_by_assessment(history: History) -> dict[str, Outcome]:
    """The latest outcome of each assessment that has one, by the assessment's uid."""
    found: dict[str, Outcome] = {}
    for o in outcomes(history):  # in date order: a later one replaces an earlier one
        found[o.assessment_uid] = o
    return found


def assessment_for(history: History, client: str, on: date, assessment_id: int | None, lang: str) -> Assessment:
    """The assessment an outcome belongs to: the one given, else the client's latest on or before `on`."""
    from clientcheck.history import HistoryError, client_key

    where = Mark(str(history.path), 0)
    if assessment_id is not None:
        found = history.assessment(assessment_id)
        if found is None:
            raise HistoryError(t(lang, "outcome.no_such_assessment", id=assessment_id), where)
        if client_key(found.client) != client_key(client):
            raise UsageError(t(lang, "outcome.other_client", id=assessment_id, owner=found.client, client=client))
        return found
    assessed = history.assessments(client)
    if not assessed:
        raise UsageError(t(lang, "outcome.not_assessed", client=client))
    before = [a for a in assessed if a.created_at.astimezone().date() <= on]
    if not before:
        first = assessed[0]
        raise UsageError(
            t(
                lang,
                "outcome.all_later",
                client=client,
                date=on.isoformat(),
                id=first.id,
                first=first.created_at.astimezone().date().isoformat(),
            )
        )
    return before[-1]


def record(
    history: History,
    assessment: Assessment,
    facts: OutcomeFacts,
    on: date,
    client: str | None = None,
    at: datetime | None = None,
    lang: str = "en",
) -> Outcome:
    """Store one outcome of an assessment, in one transaction."""
    from clientcheck.history import check_client_name

    facts = check_facts(facts, lang)
    row = {
        "uid": uuid.uuid4().hex,
        "assessment_uid": assessment.uid,
        "client": check_client_name(client or assessment.client),
        "on": on.isoformat(),
        "facts": facts.to_dict(),
        "recorded_at": (at or datetime.now(UTC)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    with history.guard(), history.write() as db:
        rid = insert(db, row)
        found = db.execute(f"SELECT {_COLUMNS} {_FROM} WHERE o.id = ?", (rid,)).fetchone()
    return _row(found)


def insert(db: sqlite3.Connection, r: Mapping[str, Any]) -> int:
    """One outcome record (as export gives it); 0 when one with its uid is already there."""
    from clientcheck.history import client_key

    f = r["facts"]
    if db.execute("SELECT 1 FROM outcomes WHERE uid = ?", (r["uid"],)).fetchone():
        return 0
    cur = db.execute(
        """INSERT INTO outcomes (uid, assessment_uid, client, client_key, outcome_on, taken, payment, profitable,
               dispute, referral, ongoing, note, recorded_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        (
            r["uid"],
            r["assessment_uid"],
            r["client"],
            client_key(r["client"]),
            r["on"],
            _bit(f["taken"]),
            f["payment"],
            _bit(f["profitable"]),
            _bit(f["dispute"]),
            _bit(f["referral"]),
            _bit(f["ongoing"]),
            f["note"],
            r["recorded_at"],
        ),
    )
    return cur.lastrowid or 0


# ---------------------------------------------------------------- export and import


def to_dict(o: Outcome) -> dict[str, Any]:
    return {
        "id": o.id,
        "uid": o.uid,
        "assessment_uid": o.assessment_uid,
        "client": o.client,
        "on": o.on.isoformat(),
        **o.facts.to_dict(),
        "recorded_at": o.recorded_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


def export_rows(history: History, client: str | None) -> list[dict[str, Any]]:
    return [to_dict(o) for o in sorted(outcomes(history, client), key=lambda o: o.id)]


def _is_flag(v: Any) -> bool:
    return v is None or isinstance(v, bool)


def check_records(items: Any, problems: list[ClientcheckError], origin: str) -> list[dict[str, Any]]:
    """Export records of outcomes, checked; one problem each into `problems` (import is all or nothing)."""
    from clientcheck.history import check_client_name, parse_stamp
    from clientcheck.history.transfer import field_problem, is_client, is_date, is_stamp, is_text

    out: list[dict[str, Any]] = []

    def err(where: str, message: str) -> None:
        problems.append(ClientcheckError(f"{where}: {message}", Mark(origin, 0)))

    if not isinstance(items, list):
        err("outcomes", say("history.export.list"))
        return out
    # (field, its check, the history.export.what.* key saying what it must be)
    checks: tuple[tuple[str, Any, str], ...] = (
        ("uid", is_text, "id_text"),
        ("assessment_uid", is_text, "uid"),
        ("client", is_client, "client"),
        ("on", is_date, "date"),
        ("taken", _is_flag, "flag"),
        ("payment", lambda v: v is None or v in PAYMENTS, "payment"),
        ("profitable", _is_flag, "flag"),
        ("dispute", _is_flag, "flag"),
        ("referral", _is_flag, "flag"),
        ("ongoing", _is_flag, "flag"),
        ("note", lambda v: v is None or (isinstance(v, str) and len(v) <= MAX_NOTE_CHARS), "text"),
        ("recorded_at", is_stamp, "stamp"),
    )
    for i, r in enumerate(items):
        where = f"outcomes[{i}]"
        if not isinstance(r, dict):
            err(where, say("history.export.object"))
            continue
        before = len(problems)
        for key, ok, what in checks:
            problem = field_problem(r, key, ok, what, ids=", ".join(PAYMENTS))
            if problem is not None:
                err(where if key not in r else f"{where}.{key}", problem)
        if len(problems) > before:
            continue
        facts = OutcomeFacts(*(r[k] for k in FACTS))
        try:
            facts = check_facts(facts, detect_language(None))  # said in the run's language
        except UsageError as exc:
            err(where, exc.message)
            continue
        out.append(
            {
                "uid": r["uid"],
                "assessment_uid": r["assessment_uid"],
                "client": check_client_name(r["client"]),
                "on": r["on"],
                "facts": facts.to_dict(),
                "recorded_at": parse_stamp(r["recorded_at"]).strftime("%Y-%m-%dT%H:%M:%SZ"),
            }
        )
    return out


def import_rows(db: sqlite3.Connection, rows: Sequence[Mapping[str, Any]], origin: str) -> int:
    """Insert checked outcome records inside the import's transaction; an outcome of an assessment
    neither in the file nor in the database is refused (the caller rolls everything back)."""
    from clientcheck.history import HistoryImportError

    missing = [
        ClientcheckError(
            f"outcomes[{i}].assessment_uid: " + say("history.export.no_assessment", uid=r["assessment_uid"]),
            Mark(origin, 0),
        )
        for i, r in enumerate(rows)
        if not db.execute("SELECT 1 FROM assessments WHERE uid = ?", (r["assessment_uid"],)).fetchone()
    ]
    if missing:
        raise HistoryImportError(missing)
    return sum(1 for r in rows if insert(db, r))


def payment_log(history: History, assessment: Assessment) -> tuple[int, int]:
    """(payments, late ones) the client's payment log holds from the assessment's day on."""
    since = assessment.created_at.astimezone().date()
    found = [p for p in history.payments(assessment.client) if p.paid_on >= since]
    return len(found), sum(1 for p in found if p.late)


# ---------------------------------------------------------------- the questions, for the terminal


def questions(payment_default: str | None = None) -> Catalog:
    """The outcome questions as a Catalog without rules, so the interview's prompts can ask them.

    payment_default puts the cursor of "How did they pay?" on what the payment log suggests."""
    from clientcheck.conditions import VarType, compile_condition
    from clientcheck.model import Catalog, Choice, Policy, Question, Section, Text, Threshold

    def text(key: str) -> Text:
        return Text({code: t(code, key) for code in ("en", "ru")})

    taken = compile_condition("taken", {"taken": VarType("bool")})
    qs = [
        Question("taken", "yesno", text("outcome.q.taken"), "outcome", help=text("outcome.q.taken.help")),
        Question(
            "payment",
            "choice",
            text("outcome.q.payment"),
            "outcome",
            help=text("outcome.q.payment.help"),
            default=payment_default,
            when=taken,
            choices=tuple(Choice(p, text(f"outcome.payment.{p}")) for p in PAYMENTS),
        ),
        Question("profitable", "yesno", text("outcome.q.profitable"), "outcome", when=taken),
        Question("dispute", "yesno", text("outcome.q.dispute"), "outcome", when=taken),
        Question("referral", "yesno", text("outcome.q.referral"), "outcome", when=taken),
        Question("ongoing", "yesno", text("outcome.q.ongoing"), "outcome", when=taken),
        Question("note", "text", text("outcome.q.note"), "outcome", help=text("outcome.q.note.help")),
    ]
    policy = Policy({}, 0.0, Threshold(), Threshold())
    section = Section("outcome", text("outcome.section"), tuple(q.id for q in qs))
    return Catalog({q.id: q for q in qs}, (section,), (), policy, {}, "outcome-questions")


def facts_from_answers(values: Mapping[str, Any], lang: str = "en") -> OutcomeFacts:
    """The interview's answers (UNKNOWN for don't know) as facts."""
    from clientcheck.model import UNKNOWN

    def get(key: str) -> Any:
        value = values.get(key)
        return None if value is UNKNOWN else value

    return check_facts(OutcomeFacts(*(get(k) for k in FACTS)), lang)


def answers_from_facts(facts: OutcomeFacts) -> dict[str, Any]:
    """Known facts as starting answers for the questions (unknown ones are asked)."""
    return {k: v for k, v in facts.to_dict().items() if v is not None}
