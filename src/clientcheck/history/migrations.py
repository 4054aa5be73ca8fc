"""The history's schema, version by version: MIGRATIONS[n] takes a file from version n to n + 1.

A new file is built by running every migration from version 0, so the upgrade path is the
path every database takes.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Callable

from clientcheck.history.location import client_key

APPLICATION_ID = 0x63636831  # "cch1": marks a SQLite file as a clientcheck history
SCHEMA_VERSION = 3


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


MIGRATIONS: tuple[Callable[[sqlite3.Connection], None], ...] = (_v1, _v2, _v3)
assert len(MIGRATIONS) == SCHEMA_VERSION
