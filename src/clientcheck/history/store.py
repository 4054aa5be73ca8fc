"""The history database: opening it (and migrating it), locking, and reading and writing records.

The file is created on first write in the user data dir (``--db PATH`` and ``CLIENTCHECK_DB``
override it, see location.py). Its schema is versioned with ``PRAGMA user_version`` and brought
up to date by migrations.MIGRATIONS whenever a file is opened. ``PRAGMA application_id`` marks
the file as ours, so another program's SQLite file is refused instead of being written into.

Concurrency and crashes: WAL journal, ``synchronous=FULL`` and every write in one
``BEGIN IMMEDIATE`` transaction. IMMEDIATE takes the write lock up front, so two writers queue
on the busy timeout instead of one failing at once on a read-to-write upgrade; a process killed
mid-write leaves only uncommitted WAL frames, which SQLite discards on the next open.

Storage neither prints nor words anything for a person: it returns records and raises
HistoryError with the file's Mark; the commands render.
"""

from __future__ import annotations

import os
import sqlite3
import time
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any

from clientcheck.errors import ClientcheckError, Mark
from clientcheck.fmt import stamp
from clientcheck.history.location import check_client_name, client_key, create_private, resolve_path
from clientcheck.history.migrations import APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION
from clientcheck.history.records import (
    ASSESSMENT_COLUMNS,
    PAYMENT_COLUMNS,
    Assessment,
    Payment,
    assessment_of,
    dumps,
    now,
    payment_of,
)
from clientcheck.i18n import say

BUSY_TIMEOUT_S = 30.0
MAX_ID = 2**63 - 1  # SQLite's largest row id


class HistoryError(ClientcheckError):
    """The history database cannot be used: damaged, foreign, newer, busy or unreachable."""


def _busy(path: Path) -> HistoryError:
    return HistoryError(
        say("history.db.busy", seconds=f"{BUSY_TIMEOUT_S:g}"),
        Mark(str(path), 0),
    )


def _problem(path: Path, exc: sqlite3.Error) -> HistoryError:
    """One line that says what is wrong with the file and what to do."""
    name = getattr(exc, "sqlite_errorname", "")
    where = Mark(str(path), 0)
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
        return _busy(path)
    if name.startswith(("SQLITE_CANTOPEN", "SQLITE_READONLY", "SQLITE_PERM", "SQLITE_IOERR", "SQLITE_FULL")):
        return HistoryError(say("history.db.cannot_use", problem=exc, code=name), where)
    return HistoryError(say("history.db.damaged", problem=exc, code=name or "SQLITE_ERROR"), where)


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
            raise HistoryError(say("history.db.is_dir"), Mark(str(path), 0))
        if not path.exists():
            if not create:
                return None
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                create_private(path)
            except OSError as exc:
                raise HistoryError(say("history.db.cannot_create", reason=exc.strerror), Mark(str(path), 0)) from None
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
            raise HistoryError(say("history.db.foreign"), where)
        if version > SCHEMA_VERSION:
            raise HistoryError(say("history.db.newer", version=version, supported=SCHEMA_VERSION), where)

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

    def save_assessment(self, record: Mapping[str, Any]) -> Assessment:
        """Store one assessment record (the fields of an export's assessment, without its id)."""
        record = {**record, "uid": record.get("uid") or uuid.uuid4().hex}
        with self.guard(), self.write() as db:
            rid = self.insert_assessment(db, record)
        found = self.assessment(rid)
        assert found is not None
        return found

    def insert_assessment(self, db: sqlite3.Connection, r: Mapping[str, Any]) -> int:
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
                dumps(r["answers"]),
                dumps(list(r["from_history"])),
                r["verdict"],
                float(r["score"]),
                dumps(list(r["fired"])),
                r["rules_sha256"],
                dumps(r["verdict_data"]),
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
            "recorded_at": stamp(at or now()),
        }
        with self.guard(), self.write() as db:
            rid = self.insert_payment(db, record)
            row = db.execute(f"SELECT {PAYMENT_COLUMNS} FROM payments WHERE id = ?", (rid,)).fetchone()
        return payment_of(row)

    def insert_payment(self, db: sqlite3.Connection, r: Mapping[str, Any]) -> int:
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
        rows = self.select(f"SELECT {ASSESSMENT_COLUMNS} FROM assessments", client, "created_at, id")
        return [self._assessment(row) for row in rows]

    def assessment(self, rid: int) -> Assessment | None:
        if not 0 < rid <= MAX_ID:  # beyond SQLite's integers: no such row, not an overflow
            return None
        with self.guard():
            row = self.conn.execute(f"SELECT {ASSESSMENT_COLUMNS} FROM assessments WHERE id = ?", (rid,)).fetchone()
        return None if row is None else self._assessment(row)

    def _assessment(self, row: tuple[Any, ...]) -> Assessment:
        try:
            return assessment_of(row)
        except (ValueError, KeyError, TypeError) as exc:
            raise HistoryError(
                say("history.db.assessment_damaged", id=row[0], problem=f"{type(exc).__name__}: {exc}"),
                Mark(str(self.path), 0),
            ) from None

    def payments(self, client: str | None = None) -> list[Payment]:
        """Oldest first."""
        return [
            payment_of(row) for row in self.select(f"SELECT {PAYMENT_COLUMNS} FROM payments", client, "paid_on, id")
        ]

    def select(self, sql: str, client: str | None, order: str, key: str = "client_key") -> list[tuple[Any, ...]]:
        """The rows of `sql` (a SELECT without WHERE), of one client if named (matched on the
        column `key`), in `order`."""
        args: tuple[str, ...] = ()
        if client is not None:
            sql += f" WHERE {key} = ?"
            args = (client_key(client),)
        with self.guard():
            return self.conn.execute(f"{sql} ORDER BY {order}", args).fetchall()
