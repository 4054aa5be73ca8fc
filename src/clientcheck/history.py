"""Client history: every saved assessment and every recorded payment, in one SQLite file.

The database is created on first write in the user data dir (``--db PATH`` and
``CLIENTCHECK_DB`` override it). Its schema is versioned with ``PRAGMA user_version`` and
brought up to date by the MIGRATIONS below whenever a file is opened; a new file is built by
running every migration from version 0, so the upgrade path is the path every database takes.
``PRAGMA application_id`` marks the file as ours, so another program's SQLite file is refused
instead of being written into.

Concurrency and crashes: WAL journal, ``synchronous=FULL`` and every write in one
``BEGIN IMMEDIATE`` transaction. IMMEDIATE takes the write lock up front, so two writers queue
on the busy timeout instead of one failing at once on a read-to-write upgrade; a process killed
mid-write leaves only uncommitted WAL frames, which SQLite discards on the next open.

Facts for a named client (the three calls `check` and `interview` make): ``prefill`` reads the
payment log into answers, ``Facts.describe`` says which, ``save`` stores the assessment.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import sqlite3
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from clientcheck import fmt
from clientcheck.errors import ClientcheckError, Mark, Problems
from clientcheck.i18n import t
from clientcheck.model import LANGUAGES, UNKNOWN, VERDICTS, Answers, Catalog, Verdict

DB_ENV = "CLIENTCHECK_DB"
DB_FILE = "history.sqlite3"
APPLICATION_ID = 0x63636831  # "cch1": marks a SQLite file as a clientcheck history
SCHEMA_VERSION = 3
BUSY_TIMEOUT_S = 30.0
# How far back late payments count. rules.yaml has no key for it yet (the loader refuses
# unknown top-level keys), so this is the documented default; see docs/history.md.
LATE_WINDOW_DAYS = 365
EXPORT_SCHEMA = "clientcheck.history/2"  # /2 adds outcomes
EXPORT_SCHEMAS = ("clientcheck.history/1", EXPORT_SCHEMA)  # what import takes
MAX_CLIENT_CHARS = 200
MAX_DAYS_LATE = 36_500  # a hundred years: more is a typo (and would not fit SQLite's integers)
MAX_SCORE = 1e15
MAX_ID = 2**63 - 1  # SQLite's largest row id

WORKED_BEFORE = "worked_before"
LATE_PAYMENTS = "late_payments"


class HistoryError(ClientcheckError):
    """The history database cannot be used: damaged, foreign, newer, busy or unreachable."""


class HistoryImportError(Problems):
    """An import file that is not a clientcheck history export; one line per problem."""


# ---------------------------------------------------------------- where the file is


def default_path() -> Path:
    from platformdirs import user_data_path

    return user_data_path("clientcheck") / DB_FILE


def resolve_path(option: Path | None = None) -> Path:
    """--db, else CLIENTCHECK_DB, else the user data dir."""
    if option is not None:
        return option
    env = os.environ.get(DB_ENV, "").strip()
    return Path(env).expanduser() if env else default_path()


def client_key(name: str) -> str:
    """How clients are matched: "ACME", "acme" and " ACME " are one client."""
    if any(0xD800 <= ord(c) <= 0xDFFF for c in name):  # bytes that were not UTF-8, as Python keeps them
        from clientcheck.errors import UsageError

        raise UsageError("the client's name is not UTF-8 text")
    return " ".join(name.split()).casefold()


def check_client_name(name: str) -> str:
    """The name as it will be stored; a UsageError for a name that cannot be one."""
    from clientcheck.errors import UsageError
    from clientcheck.i18n import detect_language

    lang = detect_language(None)  # the language of the run: the message reaches the user as it is
    clean = " ".join(name.split())
    if not clean:
        raise UsageError(t(lang, "history.client.empty"))
    if len(clean) > MAX_CLIENT_CHARS:
        raise UsageError(t(lang, "history.client.long", max=MAX_CLIENT_CHARS))
    if any(ord(c) < 32 or 0x7F <= ord(c) < 0xA0 or c in _BIDI_CONTROLS for c in clean):
        raise UsageError(t(lang, "history.client.controls"))
    if any(0xD800 <= ord(c) <= 0xDFFF for c in clean):  # bytes that were not UTF-8, as Python keeps them
        raise UsageError(t(lang, "history.client.not_utf8"))
    return clean


def _create_private(path: Path) -> None:
    """Create the database file owner-only (0600) before SQLite opens it: it holds notes about
    clients. SQLite gives its -wal and -shm files the same permissions."""
    with contextlib.suppress(FileExistsError):  # another clientcheck created it first
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


# the bidirectional controls (terminal.BIDI): a name that reads in another order than it is written
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")


def _now() -> datetime:
    return datetime.now(UTC)


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_stamp(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def _dumps(value: Any) -> str:
    # key order is kept: the stored verdict must read exactly as it was printed; NaN and
    # infinities are refused (they are not JSON), never written as `NaN`
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


# ---------------------------------------------------------------- records


@dataclass(frozen=True)
class Fired:
    """A rule that fired in a stored assessment."""

    id: str
    kind: str  # red-flag | good-sign | note
    severity: str | None


@dataclass(frozen=True)
class Assessment:
    id: int
    uid: str
    client: str
    created_at: datetime
    language: str
    answers: Mapping[str, Any]  # question id -> answer as JSON data (null = don't know)
    from_history: tuple[str, ...]  # the answers that came from the payment log
    verdict: str
    score: float
    fired: tuple[Fired, ...]
    rules_digest: str
    verdict_data: Mapping[str, Any]  # language -> the verdict as render.data.verdict_to_dict gave it

    @property
    def red_flags(self) -> tuple[Fired, ...]:
        return tuple(f for f in self.fired if f.kind == "red-flag")

    def saved_line(self, lang: str) -> str:
        return t(lang, "history.saved", id=self.id, client=self.client)

    def stored_verdict(self, lang: str | None = None) -> dict[str, Any]:
        """The verdict exactly as it was rendered as JSON, in lang if stored, else as assessed."""
        data = self.verdict_data.get(lang or self.language) or self.verdict_data[self.language]
        return dict(data)


@dataclass(frozen=True)
class Payment:
    id: int
    uid: str
    client: str
    paid_on: date
    late: bool
    days_late: int | None
    recorded_at: datetime


@dataclass(frozen=True)
class ImportResult:
    assessments: int
    payments: int
    skipped: int  # already present (same uid)
    outcomes: int = 0


# ---------------------------------------------------------------- schema and migrations


def _v1(db: sqlite3.Connection) -> None:
    """The first schema: clients matched by their exact name."""
    db.execute(
        """CREATE TABLE assessments (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            client TEXT NOT NULL,
            created_at TEXT NOT NULL,
            language TEXT NOT NULL,
            answers TEXT NOT NULL,
            verdict TEXT NOT NULL CHECK (verdict IN ('go', 'caution', 'decline')),
            score REAL NOT NULL,
            findings TEXT NOT NULL,
            rules_digest TEXT NOT NULL,
            verdict_data TEXT NOT NULL
        )"""
    )
    db.execute("CREATE INDEX assessments_by_client ON assessments (client, created_at)")
    db.execute(
        """CREATE TABLE payments (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            client TEXT NOT NULL,
            paid_on TEXT NOT NULL,
            late INTEGER NOT NULL CHECK (late IN (0, 1)),
            days_late INTEGER,
            recorded_at TEXT NOT NULL
        )"""
    )
    db.execute("CREATE INDEX payments_by_client ON payments (client, paid_on)")
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")


def _v2(db: sqlite3.Connection) -> None:
    """Clients matched case- and space-insensitively; stable uids so an import never duplicates."""
    for table in ("assessments", "payments"):
        db.execute(f"ALTER TABLE {table} ADD COLUMN client_key TEXT NOT NULL DEFAULT ''")
        db.execute(f"ALTER TABLE {table} ADD COLUMN uid TEXT")
        rows = db.execute(f"SELECT id, client FROM {table}").fetchall()
        db.executemany(
            f"UPDATE {table} SET client_key = ?, uid = ? WHERE id = ?",
            [(client_key(name), uuid.uuid4().hex, rid) for rid, name in rows],
        )
        db.execute(f"CREATE UNIQUE INDEX {table}_by_uid ON {table} (uid)")
    db.execute("ALTER TABLE assessments ADD COLUMN from_history TEXT NOT NULL DEFAULT '[]'")
    db.execute("DROP INDEX assessments_by_client")
    db.execute("DROP INDEX payments_by_client")
    db.execute("CREATE INDEX assessments_by_client ON assessments (client_key, created_at)")
    db.execute("CREATE INDEX payments_by_client ON payments (client_key, paid_on)")


def _v3(db: sqlite3.Connection) -> None:
    """How client relationships went (clientcheck.outcomes)."""
    from clientcheck.outcomes import migrate_v3

    migrate_v3(db)


# MIGRATIONS[n] takes a database from schema version n to n + 1.
MIGRATIONS: tuple[Callable[[sqlite3.Connection], None], ...] = (_v1, _v2, _v3)
assert len(MIGRATIONS) == SCHEMA_VERSION


# ---------------------------------------------------------------- the database


def _busy(path: Path) -> HistoryError:
    return HistoryError(
        f"the history database stayed locked by another clientcheck for {BUSY_TIMEOUT_S:g} s; try again",
        Mark(str(path), 0),
    )


def _problem(path: Path, exc: sqlite3.Error) -> HistoryError:
    """One line that says what is wrong with the file and what to do."""
    name = getattr(exc, "sqlite_errorname", "")
    where = Mark(str(path), 0)
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
        return _busy(path)
    if name.startswith(("SQLITE_CANTOPEN", "SQLITE_READONLY", "SQLITE_PERM", "SQLITE_IOERR", "SQLITE_FULL")):
        return HistoryError(f"cannot use the history database: {exc}", where)
    return HistoryError(
        f"not a clientcheck history database, or a damaged one ({exc}); move it aside or choose another file with --db",
        where,
    )


class History:
    """An open history database. Use as a context manager, or call close()."""

    def __init__(self, path: Path, conn: sqlite3.Connection) -> None:
        self.path = path
        self.conn = conn

    # -- opening

    @classmethod
    def open(cls, path: Path | None = None, *, create: bool = True, readonly: bool = False) -> History | None:
        """Open (and migrate) the database; None if it does not exist and create is False.

        readonly: for commands that only read. The file is opened read-only and never changed
        (no journal switch, no migration), so a database in a read-only folder can still be read.
        """
        path = resolve_path(path)
        if path.is_dir():
            raise HistoryError("is a directory, not a history database file", Mark(str(path), 0))
        if not path.exists():
            if not create:
                return None
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                _create_private(path)
            except OSError as exc:
                raise HistoryError(f"cannot create the history database: {exc.strerror}", Mark(str(path), 0)) from None
        if readonly:
            found = cls._open_readonly(path)
            if found is not None:
                return found
        try:
            conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_S, isolation_level=None)
        except sqlite3.Error as exc:
            raise _problem(path, exc) from None
        history = cls(path, conn)
        try:
            with history.guard():
                history._prepare()
        except BaseException:
            conn.close()
            raise
        return history

    @classmethod
    def _open_readonly(cls, path: Path) -> History | None:
        """The database opened read-only; None when it needs a migration first (a write)."""
        from urllib.parse import quote

        uri = f"file:{quote(str(path.absolute()))}?mode=ro"
        # A WAL database needs its -shm file, which a reader creates in the folder. Where that
        # folder is read-only to us, the file is read as immutable (no locks, no -shm): a writer
        # would need that folder too, for its WAL. (One with more rights than us could still be
        # writing; then a read may fail as a damaged file does: one line, exit 2.)
        for attempt in (uri, uri + "&immutable=1"):
            conn: sqlite3.Connection | None = None
            try:
                conn = sqlite3.connect(attempt, uri=True, timeout=BUSY_TIMEOUT_S, isolation_level=None)
                conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
                history = cls(path, conn)
                conn.execute("BEGIN")
                try:
                    history._check_ours()
                    version = conn.execute("PRAGMA user_version").fetchone()[0]
                finally:
                    conn.execute("COMMIT")
            except sqlite3.Error as exc:
                if conn is not None:
                    conn.close()
                name = getattr(exc, "sqlite_errorname", "")
                cannot = name.startswith(("SQLITE_READONLY", "SQLITE_CANTOPEN"))
                if attempt.endswith("immutable=1") or not cannot or os.access(path.parent, os.W_OK):
                    raise _problem(path, exc) from None
                continue
            except BaseException:
                if conn is not None:
                    conn.close()
                raise
            if version == SCHEMA_VERSION:
                return history
            conn.close()
            return None  # an older schema: open it the ordinary way, which migrates it
        return None

    def _prepare(self) -> None:
        db = self.conn
        db.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        # Read the header before writing anything: never change another program's file.
        db.execute("BEGIN")
        try:
            self._check_ours()
        finally:
            if db.in_transaction:
                db.execute("COMMIT")
        self._wal()
        db.execute("PRAGMA synchronous = FULL")
        db.execute("PRAGMA foreign_keys = ON")
        version = db.execute("PRAGMA user_version").fetchone()[0]
        if version == SCHEMA_VERSION:
            return
        with self.write():
            # another process may have migrated while this one waited for the lock
            self._check_ours()
            version = db.execute("PRAGMA user_version").fetchone()[0]
            for step in MIGRATIONS[version:]:
                step(db)
            db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def _wal(self) -> None:
        """Switch to WAL, waiting out other processes.

        Changing the journal mode needs the file to itself, and SQLite answers "busy" at once
        (or leaves the mode as it was) instead of calling the busy handler, so wait here.
        """
        db = self.conn
        deadline = time.monotonic() + BUSY_TIMEOUT_S
        while True:
            try:
                if db.execute("PRAGMA journal_mode = WAL").fetchone()[0] == "wal":
                    return
            except sqlite3.OperationalError as exc:
                if not getattr(exc, "sqlite_errorname", "").startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
                    raise
                if time.monotonic() > deadline:
                    raise
            else:
                if time.monotonic() > deadline:
                    raise _busy(self.path)
            time.sleep(0.005)

    def _check_ours(self) -> None:
        """Is this a clientcheck history (or a new, empty file)? Call inside a transaction, for one snapshot."""
        db = self.conn
        app_id = db.execute("PRAGMA application_id").fetchone()[0]
        version = db.execute("PRAGMA user_version").fetchone()[0]
        tables = db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        where = Mark(str(self.path), 0)
        if app_id == 0 and version == 0 and tables == 0:
            return  # a new, empty file
        if app_id != APPLICATION_ID:
            raise HistoryError(
                "not a clientcheck history database (it is another program's SQLite file); "
                "choose another file with --db",
                where,
            )
        if version > SCHEMA_VERSION:
            raise HistoryError(
                f"written by a newer clientcheck (history schema {version}; this one reads up to "
                f"{SCHEMA_VERSION}); upgrade clientcheck to use it",
                where,
            )

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> History:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def guard(self) -> Iterator[None]:
        """SQLite errors become one HistoryError line."""
        try:
            yield
        except sqlite3.Error as exc:
            raise _problem(self.path, exc) from None

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One transaction, holding the write lock from its start: all of it is stored, or none."""
        db = self.conn
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    # -- writing

    def save_verdict(
        self,
        verdict: Verdict,
        catalog: Catalog,
        lang: str,
        client: str,
        from_history: Sequence[str] = (),
        at: datetime | None = None,
    ) -> Assessment:
        """Store one assessment: its answers, verdict, what fired, and the verdict as JSON."""
        from clientcheck.render.data import plain, verdict_to_dict

        client = check_client_name(client)
        from_history = tuple(sorted(from_history))
        shown = verdict._replace(answers=verdict.answers._replace(client=client, from_history=from_history))
        fired = [
            {"id": f.rule.id, "kind": f.rule.kind, "severity": f.severity}
            for f in (*verdict.red_flags, *verdict.good_signs, *verdict.notes)
        ]
        record = {
            "uid": uuid.uuid4().hex,
            "client": client,
            "created_at": _stamp(at or _now()),
            "language": lang,
            "answers": {k: plain(v) for k, v in verdict.answers.values.items()},
            "from_history": list(from_history),
            "verdict": verdict.verdict,
            "score": verdict.score,
            "fired": fired,
            "rules_sha256": catalog.digest,
            "verdict_data": {code: verdict_to_dict(shown, catalog, code) for code in LANGUAGES},
        }
        with self.guard(), self.write() as db:
            rid = self._insert_assessment(db, record)
        found = self.assessment(rid)
        assert found is not None
        return found

    def _insert_assessment(self, db: sqlite3.Connection, r: Mapping[str, Any]) -> int:
        cur = db.execute(
            """INSERT INTO assessments (uid, client, client_key, created_at, language, answers,
                   from_history, verdict, score, findings, rules_digest, verdict_data)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (uid) DO NOTHING""",
            (
                r["uid"],
                r["client"],
                client_key(r["client"]),
                r["created_at"],
                r["language"],
                _dumps(r["answers"]),
                _dumps(list(r["from_history"])),
                r["verdict"],
                float(r["score"]),
                _dumps(list(r["fired"])),
                r["rules_sha256"],
                _dumps(r["verdict_data"]),
            ),
        )
        return (cur.lastrowid or 0) if cur.rowcount else 0

    def record_payment(
        self, client: str, paid_on: date, late: bool, days_late: int | None = None, at: datetime | None = None
    ) -> Payment:
        client = check_client_name(client)
        record = {
            "uid": uuid.uuid4().hex,
            "client": client,
            "paid_on": paid_on.isoformat(),
            "late": late,
            "days_late": days_late if late else None,
            "recorded_at": _stamp(at or _now()),
        }
        with self.guard(), self.write() as db:
            rid = self._insert_payment(db, record)
            row = db.execute(f"SELECT {_PAYMENT_COLUMNS} FROM payments WHERE id = ?", (rid,)).fetchone()
        return _payment(row)

    def _insert_payment(self, db: sqlite3.Connection, r: Mapping[str, Any]) -> int:
        cur = db.execute(
            """INSERT INTO payments (uid, client, client_key, paid_on, late, days_late, recorded_at)
               VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (uid) DO NOTHING""",
            (
                r["uid"],
                r["client"],
                client_key(r["client"]),
                r["paid_on"],
                1 if r["late"] else 0,
                r["days_late"],
                r["recorded_at"],
            ),
        )
        return (cur.lastrowid or 0) if cur.rowcount else 0

    # -- reading

    def assessments(self, client: str | None = None) -> list[Assessment]:
        """Oldest first."""
        sql = f"SELECT {_ASSESSMENT_COLUMNS} FROM assessments"
        args: tuple[str, ...] = ()
        if client is not None:
            sql += " WHERE client_key = ?"
            args = (client_key(client),)
        with self.guard():
            rows = self.conn.execute(sql + " ORDER BY created_at, id", args).fetchall()
        return [self._assessment(row) for row in rows]

    def assessment(self, rid: int) -> Assessment | None:
        if not 0 < rid <= MAX_ID:  # beyond SQLite's integers: no such row, not an overflow
            return None
        with self.guard():
            row = self.conn.execute(f"SELECT {_ASSESSMENT_COLUMNS} FROM assessments WHERE id = ?", (rid,)).fetchone()
        return None if row is None else self._assessment(row)

    def _assessment(self, row: tuple[Any, ...]) -> Assessment:
        try:
            return _assessment(row)
        except (ValueError, KeyError, TypeError) as exc:
            raise HistoryError(
                f"assessment #{row[0]} is damaged ({type(exc).__name__}: {exc}); export what is readable "
                "with 'clientcheck history CLIENT --format json'",
                Mark(str(self.path), 0),
            ) from None

    def payments(self, client: str | None = None) -> list[Payment]:
        """Oldest first."""
        sql = f"SELECT {_PAYMENT_COLUMNS} FROM payments"
        args: tuple[str, ...] = ()
        if client is not None:
            sql += " WHERE client_key = ?"
            args = (client_key(client),)
        with self.guard():
            rows = self.conn.execute(sql + " ORDER BY paid_on, id", args).fetchall()
        return [_payment(row) for row in rows]

    # -- moving machines

    def export(self, client: str | None = None) -> dict[str, Any]:
        """Everything (or one client's everything) as JSON data that import_data takes back."""
        from clientcheck.outcomes import export_rows

        return {
            "schema": EXPORT_SCHEMA,
            "exported_at": _stamp(_now()),
            # in the order they were stored, so an import into an empty file keeps the numbers
            "assessments": [assessment_to_dict(a) for a in sorted(self.assessments(client), key=lambda a: a.id)],
            "payments": [payment_to_dict(p) for p in sorted(self.payments(client), key=lambda p: p.id)],
            "outcomes": export_rows(self, client),
        }

    def import_data(self, data: Any, origin: str) -> ImportResult:
        """Take an export back, all or nothing; records already here (same uid) are skipped."""
        return self.import_records(validate_export(data, origin))

    def import_records(self, records: ExportRecords) -> ImportResult:
        from clientcheck.outcomes import import_rows

        assessments, payments, outcomes, origin = records
        added_a = added_p = 0
        with self.guard(), self.write() as db:
            # only a uid already here is skipped; any other refusal stops the import, named
            for key, records_of, insert in (
                ("assessments", assessments, self._insert_assessment),
                ("payments", payments, self._insert_payment),
            ):
                for i, record in enumerate(records_of):
                    try:
                        added = insert(db, record)
                    except (sqlite3.IntegrityError, ValueError, OverflowError) as exc:
                        raise HistoryImportError(
                            [ClientcheckError(f"{key}[{i}]: refused by the database ({exc}); nothing was imported")]
                        ) from None
                    if key == "assessments":
                        added_a += 1 if added else 0
                    else:
                        added_p += 1 if added else 0
            added_o = import_rows(db, outcomes, origin)
        skipped = len(assessments) + len(payments) + len(outcomes) - added_a - added_p - added_o
        return ImportResult(added_a, added_p, skipped, added_o)


_ASSESSMENT_COLUMNS = (
    "id, uid, client, created_at, language, answers, from_history, verdict, score, findings, rules_digest, verdict_data"
)
_PAYMENT_COLUMNS = "id, uid, client, paid_on, late, days_late, recorded_at"


def _assessment(row: tuple[Any, ...]) -> Assessment:
    rid, uid, client, created, lang, answers, from_history, verdict, score, fired, digest, data = row
    return Assessment(
        rid,
        uid,
        client,
        parse_stamp(created),
        lang,
        json.loads(answers),
        tuple(json.loads(from_history)),
        verdict,
        float(score),
        tuple(Fired(f["id"], f["kind"], f.get("severity")) for f in json.loads(fired)),
        digest,
        json.loads(data),
    )


def _payment(row: tuple[Any, ...]) -> Payment:
    rid, uid, client, paid_on, late, days_late, recorded = row
    return Payment(rid, uid, client, date.fromisoformat(paid_on), bool(late), days_late, parse_stamp(recorded))


def assessment_to_dict(a: Assessment) -> dict[str, Any]:
    return {
        "id": a.id,
        "uid": a.uid,
        "client": a.client,
        "created_at": _stamp(a.created_at),
        "language": a.language,
        "verdict": a.verdict,
        "score": a.score,
        "red_flags": [{"id": f.id, "severity": f.severity} for f in a.red_flags],
        "fired": [{"id": f.id, "kind": f.kind, "severity": f.severity} for f in a.fired],
        "rules_sha256": a.rules_digest,
        "from_history": list(a.from_history),
        "answers": dict(a.answers),
        "verdict_data": dict(a.verdict_data),
    }


def payment_to_dict(p: Payment) -> dict[str, Any]:
    return {
        "id": p.id,
        "uid": p.uid,
        "client": p.client,
        "paid_on": p.paid_on.isoformat(),
        "late": p.late,
        "days_late": p.days_late,
        "recorded_at": _stamp(p.recorded_at),
    }


# ---------------------------------------------------------------- import validation


class _Checker:
    def __init__(self, origin: str) -> None:
        self.origin = origin
        self.problems: list[ClientcheckError] = []

    def err(self, where: str, message: str) -> None:
        self.problems.append(ClientcheckError(f"{where}: {message}", Mark(self.origin, 0)))

    def field(self, record: Mapping[str, Any], where: str, key: str, check: Callable[[Any], bool], what: str) -> bool:
        if key not in record:
            self.err(where, f"missing {key!r}")
            return False
        if not check(record[key]):
            self.err(f"{where}.{key}", f"expected {what}, got {json.dumps(record[key], ensure_ascii=False)[:60]}")
            return False
        return True


def _is_text(v: Any) -> bool:
    return isinstance(v, str) and bool(v.strip())


def _is_stamp(v: Any) -> bool:
    try:
        parse_stamp(v)
    except (TypeError, ValueError, AttributeError, OverflowError):  # year 1 with an offset overflows
        return False
    return True


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) and abs(v) <= MAX_SCORE


def _is_date(v: Any) -> bool:
    try:
        date.fromisoformat(v)
    except (TypeError, ValueError):
        return False
    return True


def _is_client(v: Any) -> bool:
    try:
        check_client_name(v)
    except (ClientcheckError, AttributeError, TypeError):
        return False
    return True


def _is_fired(v: Any) -> bool:
    return isinstance(v, list) and all(
        isinstance(f, dict)
        and _is_text(f.get("id"))
        and f.get("kind") in ("red-flag", "good-sign", "note")
        and (f.get("severity") is None or isinstance(f.get("severity"), str))
        for f in v
    )


# (assessments, payments, outcomes, where they came from), checked
ExportRecords = tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]], str]


def validate_export(data: Any, origin: str) -> ExportRecords:
    """Check a decoded export; every problem in one HistoryImportError."""
    c = _Checker(origin)
    if not isinstance(data, dict) or data.get("schema") not in EXPORT_SCHEMAS:
        c.err("schema", f'not a clientcheck history export (expected "schema": "{EXPORT_SCHEMA}")')
        raise HistoryImportError(c.problems)
    out_a: list[dict[str, Any]] = []
    out_p: list[dict[str, Any]] = []
    for key, out in (("assessments", out_a), ("payments", out_p)):
        items = data.get(key, [])
        if not isinstance(items, list):
            c.err(key, "expected a list")
            continue
        for i, r in enumerate(items):
            where = f"{key}[{i}]"
            if not isinstance(r, dict):
                c.err(where, "expected an object")
                continue
            before = len(c.problems)
            c.field(r, where, "uid", _is_text, "an id text")
            c.field(r, where, "client", _is_client, "the client's name")
            if key == "assessments":
                c.field(r, where, "created_at", _is_stamp, "a time like 2025-06-01T09:12:03Z")
                c.field(r, where, "language", lambda v: isinstance(v, str), "a language code")
                c.field(r, where, "verdict", lambda v: v in VERDICTS, f"one of {', '.join(VERDICTS)}")
                c.field(r, where, "score", _is_number, "a finite number")
                c.field(r, where, "rules_sha256", lambda v: isinstance(v, str), "the rules' digest")
                c.field(r, where, "answers", lambda v: isinstance(v, dict), "an object of answers")
                c.field(r, where, "fired", _is_fired, "a list of {id, kind, severity}")
                c.field(
                    r,
                    where,
                    "from_history",
                    lambda v: isinstance(v, list) and all(isinstance(x, str) for x in v),
                    "a list of question ids",
                )
                c.field(
                    r,
                    where,
                    "verdict_data",
                    lambda v: isinstance(v, dict) and bool(v) and all(isinstance(x, dict) for x in v.values()),
                    "the stored verdict by language",
                )
                if len(c.problems) == before and r["language"] not in r["verdict_data"]:
                    c.err(f"{where}.verdict_data", f"has no verdict in the assessment's language {r['language']!r}")
            else:
                c.field(r, where, "paid_on", _is_date, "a date like 2025-06-01")
                c.field(r, where, "late", lambda v: isinstance(v, bool), "true or false")
                c.field(
                    r,
                    where,
                    "days_late",
                    lambda v: v is None or (isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= MAX_DAYS_LATE),
                    "a whole number of days or null",
                )
                c.field(r, where, "recorded_at", _is_stamp, "a time like 2025-06-01T09:12:03Z")
            if len(c.problems) == before:
                record = dict(r)
                record["client"] = check_client_name(r["client"])
                if key == "assessments":
                    record["created_at"] = _stamp(parse_stamp(r["created_at"]))
                else:
                    record["recorded_at"] = _stamp(parse_stamp(r["recorded_at"]))
                out.append(record)
    from clientcheck.outcomes import check_records

    out_o = check_records(data.get("outcomes", []), c.problems, origin)
    if c.problems:
        raise HistoryImportError(c.problems)
    return out_a, out_p, out_o, origin


# an export of about ten thousand assessments; more is refused (read without holding more than
# this, so an endless input stays within 100 MB)
MAX_IMPORT_BYTES = 32_000_000


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


def read_export(path: str) -> tuple[Any, str]:
    """Decode an export file (or - for stdin); JSON errors keep their line and column."""
    import sys

    from clientcheck.files import open_input, read_capped

    origin = "<stdin>" if path == "-" else path
    try:
        if path == "-":
            if sys.stdin is None:
                raise HistoryError("no standard input to read", Mark(origin, 0))
            buffer = getattr(sys.stdin, "buffer", None)
            data = (
                read_capped(buffer.read, MAX_IMPORT_BYTES)
                if buffer is not None
                else sys.stdin.read(MAX_IMPORT_BYTES + 1).encode("utf-8", "surrogateescape")
            )
        else:
            try:
                fd = open_input(path, path)
            except ClientcheckError as exc:
                raise HistoryError(exc.message.removeprefix(f"{path}: "), Mark(path, 0)) from None
            with open(fd, "rb") as f:
                data = read_capped(f.read, MAX_IMPORT_BYTES)
    except OSError as exc:
        raise HistoryError(f"cannot read: {exc.strerror}", Mark(origin, 0)) from None
    if len(data) > MAX_IMPORT_BYTES:
        raise HistoryError(f"larger than {MAX_IMPORT_BYTES // 1_000_000} MB; not a history export", Mark(origin, 0))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise HistoryError("not UTF-8 text", Mark(origin, 0)) from None
    try:
        decoded = json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as exc:
        raise HistoryError(f"JSON syntax error: {exc.msg}", Mark(origin, exc.lineno, exc.colno)) from None
    except ValueError as exc:  # NaN / Infinity, or an integer past Python's digit limit
        reason = str(exc) if "JSON allows" in str(exc) else "a number in it has too many digits"
        raise HistoryError(reason, Mark(origin, 0)) from None
    except RecursionError:
        raise HistoryError("JSON is nested too deeply", Mark(origin, 0)) from None
    from clientcheck.answers import SURROGATE, lone_surrogate

    if "\\u" in text and lone_surrogate(decoded):
        raise HistoryError(SURROGATE, Mark(origin, 0))
    return decoded, origin


# ---------------------------------------------------------------- answers, then and now


def restore_answers(stored: Mapping[str, Any], catalog: Catalog) -> tuple[dict[str, Any], tuple[str, ...]]:
    """Stored JSON answers as the catalog's values; those it no longer accepts are dropped and named."""
    from clientcheck.answers import coerce

    values: dict[str, Any] = {}
    dropped: list[str] = []
    for qid, value in stored.items():
        q = catalog.questions.get(qid)
        if q is None:
            dropped.append(qid)
            continue
        try:
            values[qid] = coerce(q, value)
        except ValueError:
            dropped.append(qid)
    return values, tuple(dropped)


def reevaluate(a: Assessment, catalog: Catalog) -> tuple[Verdict, tuple[str, ...]]:
    """A stored assessment's answers under the given rules; also the answers the rules no longer take."""
    from clientcheck.evaluate import evaluate

    values, dropped = restore_answers(a.answers, catalog)
    answers = Answers(values, a.client, f"assessment #{a.id}", tuple(sorted(a.from_history)))
    # as of the day it was made: `today` in a condition is that day, not this one
    return evaluate(catalog, answers, now=a.created_at.astimezone().date()), dropped


def fired_of(verdict: Verdict) -> tuple[Fired, ...]:
    return tuple(
        Fired(f.rule.id, f.rule.kind, f.severity) for f in (*verdict.red_flags, *verdict.good_signs, *verdict.notes)
    )


@dataclass(frozen=True)
class Change:
    """How two sets of fired rules differ: gained, lost, and red flags whose severity moved."""

    gained: tuple[Fired, ...]
    lost: tuple[Fired, ...]
    moved: tuple[tuple[Fired, Fired], ...]  # (before, after)

    @classmethod
    def between(cls, before: Sequence[Fired], after: Sequence[Fired]) -> Change:
        old = {f.id: f for f in before}
        new = {f.id: f for f in after}
        return cls(
            tuple(f for f in after if f.id not in old),
            tuple(f for f in before if f.id not in new),
            tuple((old[i], new[i]) for i in new if i in old and old[i].severity != new[i].severity),
        )

    def __bool__(self) -> bool:
        return bool(self.gained or self.lost or self.moved)


@dataclass(frozen=True)
class Rescored:
    assessment: Assessment
    verdict: Verdict
    change: Change
    dropped: tuple[str, ...]


def rescore(history: History, catalog: Catalog) -> tuple[int, list[Rescored]]:
    """Every stored assessment re-evaluated under catalog: (how many, those whose verdict changes)."""
    stored = history.assessments()
    changed: list[Rescored] = []
    for a in stored:
        verdict, dropped = reevaluate(a, catalog)
        if verdict.verdict != a.verdict:
            changed.append(Rescored(a, verdict, Change.between(a.fired, fired_of(verdict)), dropped))
    return len(stored), changed


@dataclass(frozen=True)
class Diff:
    """What changed from one assessment to another."""

    before: Assessment
    after: Assessment
    answers: tuple[str, ...]  # question ids whose answer changed, appeared or went
    flags: Change  # red flags
    good: Change  # good signs

    def to_dict(self) -> dict[str, Any]:
        def side(a: Assessment) -> dict[str, Any]:
            return {
                "id": a.id,
                "client": a.client,
                "created_at": _stamp(a.created_at),
                "verdict": a.verdict,
                "score": a.score,
                "rules_sha256": a.rules_digest,
            }

        def answer(qid: str) -> dict[str, Any]:
            # a side's key is left out when that assessment did not answer the question
            out: dict[str, Any] = {"question": qid}
            for key, a in (("before", self.before), ("after", self.after)):
                if qid in a.answers:
                    out[key] = a.answers[qid]
                if qid in a.from_history:
                    out[f"{key}_from_history"] = True
            return out

        def flag(f: Fired) -> dict[str, Any]:
            return {"id": f.id, "severity": f.severity} if f.severity else {"id": f.id}

        return {
            "schema": "clientcheck.diff/1",
            "before": side(self.before),
            "after": side(self.after),
            "verdict_changed": self.before.verdict != self.after.verdict,
            "answers": [answer(q) for q in self.answers],
            "flags_gained": [flag(f) for f in self.flags.gained],
            "flags_lost": [flag(f) for f in self.flags.lost],
            "flags_moved": [
                {"id": new.id, "before": old.severity, "after": new.severity} for old, new in self.flags.moved
            ],
            "good_signs_gained": [flag(f) for f in self.good.gained],
            "good_signs_lost": [flag(f) for f in self.good.lost],
        }


def diff_assessments(before: Assessment, after: Assessment) -> Diff:
    keys = list(before.answers) + [k for k in after.answers if k not in before.answers]
    changed = tuple(
        k
        for k in keys
        if (k in before.answers) != (k in after.answers) or before.answers.get(k) != after.answers.get(k)
    )

    def kind(a: Assessment, k: str) -> tuple[Fired, ...]:
        return tuple(f for f in a.fired if f.kind == k)

    return Diff(
        before,
        after,
        changed,
        Change.between(kind(before, "red-flag"), kind(after, "red-flag")),
        Change.between(kind(before, "good-sign"), kind(after, "good-sign")),
    )


# ---------------------------------------------------------------- facts for a named client


@dataclass(frozen=True)
class Facts:
    """What the payment log says about one client, as answers to the catalog's questions."""

    client: str
    values: Mapping[str, Any]  # question id -> answer; only questions the catalog has
    late: int  # late payments within the window
    on_time: int  # on-time payments, all time
    payments: int  # all payments, all time
    since: date | None  # the window's first day; None when every late payment counts
    used: tuple[str, ...] = field(default=())  # the values that filled a missing or don't-know answer

    def describe(self, lang: str, keys: Sequence[str] | None = None) -> str | None:
        """One line: which answers came from history, and what they rest on."""
        keys = self.used if keys is None else keys
        parts: list[str] = []
        if WORKED_BEFORE in keys:
            parts.append(t(lang, "history.fact.worked_before", payments=self.payments))
        if LATE_PAYMENTS in keys:
            parts.append(
                t(
                    lang,
                    "history.fact.late_payments",
                    late=self.late,
                    since=fmt.day(self.since, lang) if self.since else t(lang, "history.fact.ever"),
                    on_time=self.on_time,
                )
            )
        if not parts:
            return None
        return t(lang, "history.from", client=self.client, facts="; ".join(parts))


def tally(
    payments: Sequence[Payment], today: date, window_days: int | None = LATE_WINDOW_DAYS
) -> tuple[int, int, int, date | None]:
    """(late payments within the window, on-time payments, all payments, the window's first day).

    The window comes from rules.yaml (`history: {late_payments_window_days: N}`); None counts all.
    """
    since = None if window_days is None else today - timedelta(days=window_days)
    late = sum(1 for p in payments if p.late and (since is None or p.paid_on >= since))
    on_time = sum(1 for p in payments if not p.late)
    return late, on_time, len(payments), since


def describe_tally(client: str, payments: Sequence[Payment], window_days: int | None, lang: str) -> str:
    """The one-line count `paid` and `history CLIENT` print, under the window in effect."""
    late, on_time, total, since = tally(payments, date.today(), window_days)
    fields: dict[str, Any] = {"client": client, "late": late, "on_time": on_time, "payments": total}
    if since is None:
        return t(lang, "history.tally.ever", **fields)
    return t(lang, "history.tally", window=window_days, since=fmt.day(since, lang), **fields)


def _facts(history: History | None, catalog: Catalog, client: str, today: date) -> Facts:
    payments = history.payments(client) if history is not None else []
    late, on_time, _, since = tally(payments, today, catalog.late_window_days)
    values: dict[str, Any] = {}
    if payments:
        from clientcheck.answers import coerce

        for qid, value in ((WORKED_BEFORE, True), (LATE_PAYMENTS, late)):
            q = catalog.questions.get(qid)
            if q is None:
                continue
            try:
                values[qid] = coerce(q, value)
            except ValueError:
                # the questions in effect cannot hold this fact (another type, a lower max): leave it to the user
                continue
    return Facts(client, values, late, on_time, len(payments), since)


def prefill(
    catalog: Catalog, client: str, db: Path | None = None, given: Answers | None = None, today: date | None = None
) -> tuple[Answers, Facts]:
    """The given answers with what the payment log knows filled in, named for the client.

    An answer given explicitly wins; history fills only questions not answered or answered
    "don't know". Reading never creates the database.
    """
    client = check_client_name(client)
    history = History.open(db, create=False, readonly=True)
    try:
        facts = _facts(history, catalog, client, today or date.today())
    finally:
        if history is not None:
            history.close()
    values = dict(given.values) if given is not None else {}
    used: list[str] = []
    for qid, value in facts.values.items():
        if values.get(qid, UNKNOWN) is UNKNOWN:
            values[qid] = value
            used.append(qid)
    origin = given.origin if given is not None else "<history>"
    facts = Facts(facts.client, facts.values, facts.late, facts.on_time, facts.payments, facts.since, tuple(used))
    return Answers(values, client, origin, tuple(sorted(used))), facts


def still_from_history(answers: Answers, facts: Facts | None) -> tuple[str, ...]:
    """The answers history filled in that still hold its value (the interview may have changed one)."""
    if facts is None:
        return ()
    values = answers.values
    return tuple(sorted(k for k in facts.used if k in values and values[k] == facts.values[k]))


def save(
    verdict: Verdict, catalog: Catalog, lang: str, client: str, db: Path | None = None, facts: Facts | None = None
) -> Assessment:
    """Store an assessment. The answers still holding a history value are recorded as from history."""
    from_history = still_from_history(verdict.answers, facts)
    history = History.open(db)
    assert history is not None
    with history:
        return history.save_verdict(verdict, catalog, lang, client, from_history)


# ---------------------------------------------------------------- for the commands that assess


def _tell(line: str) -> None:
    """Notes go to stderr: stdout carries only the verdict (JSON must stay JSON)."""
    import sys

    sys.stderr.write(line + "\n")
    sys.stderr.flush()


def with_history(catalog: Catalog, given: Answers, client: str, db: Path | None, lang: str) -> tuple[Answers, Facts]:
    """prefill, and say on stderr which answers came from the client's history."""
    answers, facts = prefill(catalog, client, db, given)
    line = facts.describe(lang)
    if line:
        _tell(line)
    return answers, facts


def remember(
    verdict: Verdict, catalog: Catalog, lang: str, client: str, db: Path | None, facts: Facts | None
) -> Assessment:
    """save, and say on stderr under which number."""
    saved = save(verdict, catalog, lang, client, db, facts)
    _tell(saved.saved_line(lang))
    return saved


def refuse_partial(chosen: Sequence[object] | None, no_save: bool) -> None:
    """A verdict on some of the rules (--select / --ignore) is not an assessment to keep."""
    if chosen is not None and not no_save:
        from clientcheck.errors import UsageError
        from clientcheck.i18n import detect_language

        raise UsageError(t(detect_language(None), "history.partial"))
