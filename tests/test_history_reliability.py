"""The history database under stress: concurrent writers, SIGKILL mid-save, bad files, old schemas.

Child processes are real interpreters (subprocess), every wait has a timeout, and each test
checks the file afterwards with SQLite's own integrity check.
"""

from __future__ import annotations

import hashlib
import os
import re
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from typer.testing import CliRunner

from clientcheck.history import APPLICATION_ID, History, prefill, save_verdict
from clientcheck.loader import load_catalog
from tests.conftest import invoke

TIMEOUT = 60  # seconds for any child process; far above what a loaded CI machine needs

# Saves `count` assessments and payments for one client, after every sibling is ready.
WRITER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from clientcheck.evaluate import evaluate
    from clientcheck.history import History, save_verdict
    from clientcheck.loader import load_catalog
    from clientcheck.model import Answers
    from datetime import date

    db, name, count, barrier = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3]), Path(sys.argv[4])
    catalog = load_catalog()
    verdict = evaluate(catalog, Answers({"worked_before": True, "late_payments": 2}))
    (barrier / f"ready-{name}").touch()
    deadline = time.monotonic() + 30
    while not (barrier / "go").exists():
        if time.monotonic() > deadline:
            sys.exit("never started")
        time.sleep(0.005)
    start = time.time()
    for i in range(count):
        h = History.open(db)  # a fresh connection each time, as separate clientcheck runs would
        with h:
            save_verdict(h, verdict, catalog, "en", name)
            h.record_payment(name, date(2025, 1, 1), late=i % 2 == 0)
    print("done", start, time.time(), flush=True)
    """
)


def spawn(script: str, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", script, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def opened(path: Path) -> History:
    h = History.open(path)
    assert h is not None
    return h


def integrity(db: Path) -> str:
    conn = sqlite3.connect(db)
    try:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        conn.close()


@contextmanager
def reaped(*procs: subprocess.Popen[str]) -> Iterator[None]:
    """Never leave a child behind, whatever the test does."""
    try:
        yield
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
            p.wait(timeout=TIMEOUT)


# ---------------------------------------------------------------- concurrency


@pytest.mark.slow
def test_two_processes_saving_at_once_both_succeed(tmp_path: Path) -> None:
    db = tmp_path / "new" / "history.sqlite3"  # neither process finds the file: both race to create it
    count = 40
    writers = [spawn(WRITER, str(db), name, str(count), str(tmp_path)) for name in ("ACME", "Globex")]
    with reaped(*writers):
        deadline = time.monotonic() + TIMEOUT
        while not all((tmp_path / f"ready-{n}").exists() for n in ("ACME", "Globex")):
            assert time.monotonic() < deadline, "writers never got ready"
            assert all(w.poll() is None for w in writers), [w.communicate() for w in writers]
            time.sleep(0.01)
        (tmp_path / "go").touch()
        results = [w.communicate(timeout=TIMEOUT) for w in writers]
    assert [(w.returncode, out.split()[0], err) for w, (out, err) in zip(writers, results, strict=True)] == [
        (0, "done", ""),
        (0, "done", ""),
    ]
    spans = [tuple(float(x) for x in out.split()[1:]) for out, _ in results]
    assert max(s for s, _ in spans) < min(e for _, e in spans), "the writers did not run at the same time"
    with opened(db) as h:
        assert len(h.assessments("ACME")) == len(h.assessments("Globex")) == count
        assert len(h.payments()) == 2 * count
        assert len({a.id for a in h.assessments()}) == 2 * count
    assert integrity(db) == "ok"


@pytest.mark.slow
def test_two_clientcheck_commands_at_once_both_succeed(tmp_path: Path) -> None:
    db = tmp_path / "history.sqlite3"
    env = {**os.environ, "CLIENTCHECK_DB": str(db)}
    cmd = [sys.executable, "-m", "clientcheck", "paid", "ACME", "--late"]
    procs = [subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in "ab"]
    with reaped(*procs):
        results = [p.communicate(timeout=TIMEOUT) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], results
    assert sorted(out.splitlines()[1].split("; ")[0][-1] for out, _ in results) == ["1", "2"]
    with opened(db) as h:
        assert len(h.payments("ACME")) == 2


# ---------------------------------------------------------------- SIGKILL

# Saves assessments forever, printing each committed id. With MID set, the save after the
# fifth stops inside its transaction (row written, pages spilled to the WAL, not committed)
# and says so, so the kill lands exactly mid-save.
KILLED = textwrap.dedent(
    """
    import os, sys, time
    from pathlib import Path
    from clientcheck import history as hist
    from clientcheck.evaluate import evaluate
    from clientcheck.loader import load_catalog
    from clientcheck.model import Answers

    db = Path(sys.argv[1])
    catalog = load_catalog()
    verdict = evaluate(catalog, Answers({"worked_before": True, "late_payments": 3, "rude": False}))
    h = hist.History.open(db)
    h.conn.execute("PRAGMA cache_size = 1")  # spill uncommitted pages to the WAL before COMMIT
    if os.environ.get("MID"):
        insert = hist.History.insert_assessment
        def stall(self, db, record):
            rid = insert(self, db, record)
            if rid > 5:
                print("mid", rid, flush=True)
                time.sleep(600)
            return rid
        hist.History.insert_assessment = stall
    while True:
        a = hist.save_verdict(h, verdict, catalog, "en", "ACME")
        print("saved", a.id, flush=True)
    """
)


def committed_then_killed(db: Path, stop_after: int, mid: bool) -> list[int]:
    env = {**os.environ, **({"MID": "1"} if mid else {})}
    child = subprocess.Popen(
        [sys.executable, "-c", KILLED, str(db)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    )
    saved: list[int] = []
    with reaped(child):
        assert child.stdout is not None
        deadline = time.monotonic() + TIMEOUT
        while True:
            assert time.monotonic() < deadline, "the child never got there"
            line = child.stdout.readline()
            assert line, child.stderr.read() if child.stderr else "child ended"
            word, rid = line.split()
            if word == "mid":
                break
            saved.append(int(rid))
            if len(saved) >= stop_after:
                break
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=TIMEOUT)
        assert child.returncode == -signal.SIGKILL
    return saved


@pytest.mark.slow
def test_sigkill_mid_save_loses_nothing_committed_and_leaves_a_usable_database(tmp_path: Path) -> None:
    db = tmp_path / "history.sqlite3"
    saved = committed_then_killed(db, stop_after=100, mid=True)
    assert saved == [1, 2, 3, 4, 5]
    wal = db.with_name(db.name + "-wal")
    assert wal.exists() and wal.stat().st_size > 0  # the killed transaction's frames are in it
    assert integrity(db) == "ok"
    with opened(db) as h:
        assert [a.id for a in h.assessments()] == saved  # the half-written sixth is gone
        assert all(a.verdict == "decline" and a.stored_verdict()["verdict"] == "decline" for a in h.assessments())
        catalog = load_catalog()
        from clientcheck.evaluate import evaluate
        from clientcheck.model import Answers

        after = save_verdict(h, evaluate(catalog, Answers({})), catalog, "en", "ACME")
        assert after.id == 6  # the killed save never existed, its number included
    assert integrity(db) == "ok"


@pytest.mark.slow
def test_sigkill_at_arbitrary_moments_never_loses_a_committed_save(tmp_path: Path) -> None:
    db = tmp_path / "history.sqlite3"
    everything: list[int] = []
    for stop_after in (3, 17, 9):
        everything += committed_then_killed(db, stop_after=stop_after, mid=False)
        assert integrity(db) == "ok"
        with opened(db) as h:
            stored = [a.id for a in h.assessments()]
        assert set(everything) <= set(stored)
        # at most the one save in flight when the kill landed got committed without being reported
        assert len(stored) - len(everything) <= 3


# ---------------------------------------------------------------- bad files


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def cli_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    db = tmp_path / "history.sqlite3"
    monkeypatch.setenv("CLIENTCHECK_DB", str(db))
    monkeypatch.chdir(tmp_path)
    return db


def test_a_file_that_is_not_a_database_is_one_line_and_exit_2(cli: CliRunner, cli_db: Path) -> None:
    cli_db.write_bytes(b"these are my notes, not a database\n" * 100)
    before = digest(cli_db)
    for args in (["history"], ["paid", "ACME", "--late"], ["show", "1"], ["rescore"]):
        code, out, err = invoke(cli, *args)
        assert (code, out, err) == (
            2,
            "",
            f"clientcheck: error: {cli_db}: not a clientcheck history database, or a damaged one "
            "(file is not a database); move it aside or choose another file with --db\n",
        )
    assert digest(cli_db) == before


def test_another_programs_sqlite_file_is_refused_and_left_alone(cli: CliRunner, cli_db: Path) -> None:
    conn = sqlite3.connect(cli_db)
    conn.execute("CREATE TABLE notes (body TEXT)")
    conn.execute("INSERT INTO notes VALUES ('mine')")
    conn.commit()
    conn.close()
    before = digest(cli_db)
    code, out, err = invoke(cli, "paid", "ACME", "--late")
    assert (code, out, err) == (
        2,
        "",
        f"clientcheck: error: {cli_db}: not a clientcheck history database (it is another program's SQLite file); "
        "choose another file with --db\n",
    )
    assert digest(cli_db) == before
    assert not cli_db.with_name(cli_db.name + "-wal").exists()  # its journal mode was not touched


@pytest.mark.slow
def test_damaged_pages_are_one_line_and_exit_2(cli: CliRunner, cli_db: Path) -> None:
    for _ in range(30):
        invoke(cli, "paid", "ACME", "--late")
    conn = sqlite3.connect(cli_db)
    page = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    data = bytearray(cli_db.read_bytes())
    data[page:] = b"\xa5" * (len(data) - page)  # every page but the header page
    cli_db.write_bytes(bytes(data))
    code, out, err = invoke(cli, "history", "ACME")
    assert (code, out) == (2, "")
    assert err.count("\n") == 1
    assert err.startswith(f"clientcheck: error: {cli_db}: not a clientcheck history database, or a damaged one (")
    assert err.endswith("); move it aside or choose another file with --db\n")


def test_a_newer_schema_is_refused(cli: CliRunner, cli_db: Path) -> None:
    invoke(cli, "paid", "ACME", "--late")
    conn = sqlite3.connect(cli_db)
    conn.execute("PRAGMA user_version = 4")
    conn.close()
    code, _, err = invoke(cli, "history")
    assert (code, err) == (
        2,
        f"clientcheck: error: {cli_db}: written by a newer clientcheck (history schema 4; this one reads up to 3); "
        "upgrade clientcheck to use it\n",
    )


def test_a_folder_given_as_the_database_is_refused(
    cli: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, _, err = invoke(cli, "history", "--db", str(tmp_path))
    assert (code, err) == (
        2,
        f"clientcheck: error: --db: {tmp_path} is a folder; a file is expected (see 'clientcheck history --help')\n",
    )
    monkeypatch.setenv("CLIENTCHECK_DB", str(tmp_path))
    code, _, err = invoke(cli, "paid", "ACME", "--late")
    assert (code, err) == (2, f"clientcheck: error: {tmp_path}: is a directory, not a history database file\n")


# ---------------------------------------------------------------- an older schema

# Schema version 1 as the first clientcheck with a history wrote it, spelled out here so the
# test does not depend on the code it checks.
V1 = """
CREATE TABLE assessments (
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
);
CREATE INDEX assessments_by_client ON assessments (client, created_at);
CREATE TABLE payments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    client TEXT NOT NULL,
    paid_on TEXT NOT NULL,
    late INTEGER NOT NULL CHECK (late IN (0, 1)),
    days_late INTEGER,
    recorded_at TEXT NOT NULL
);
CREATE INDEX payments_by_client ON payments (client, paid_on);
"""


def build_v1(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.executescript(V1)
    verdict = '{"en": {"schema": "clientcheck.verdict/2", "verdict": "caution", "language": "en"}}'
    conn.execute(
        "INSERT INTO assessments (client, created_at, language, answers, verdict, score, findings, rules_digest, "
        "verdict_data) VALUES ('ACME', '2024-05-01T10:00:00Z', 'en', '{\"worked_before\": true, \"late_payments\": 2}',"
        ' \'caution\', 2.0, \'[{"id": "late-payer", "kind": "red-flag", "severity": "caution"}]\', \'abc\', ?)',
        (verdict,),
    )
    rows = [("ACME", "2025-01-10", 1, 5), ("acme ", "2025-02-10", 1, None), ("Acme", "2025-03-10", 0, None)]
    conn.executemany(
        "INSERT INTO payments (client, paid_on, late, days_late, recorded_at) VALUES (?, ?, ?, ?, '2025-03-10T00:00:00Z')",
        rows,
    )
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.close()


def schema_of(path: Path) -> list[tuple[str, str]]:
    """Every table and index with its SQL, layout whitespace aside."""
    conn = sqlite3.connect(path)
    try:
        rows = conn.execute("SELECT name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'").fetchall()
    finally:
        conn.close()
    return sorted((name, re.sub(r"\s*([(),])\s*", r"\1", " ".join(sql.split()))) for name, sql in rows)


@pytest.mark.slow
def test_a_version_1_database_is_migrated_with_its_data(
    tmp_path: Path, cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    old = tmp_path / "old.sqlite3"
    build_v1(old)
    with opened(old) as h:
        assert h.conn.execute("PRAGMA user_version").fetchone()[0] == 3
        [a] = h.assessments("acme")  # v2 matches names regardless of case and spacing
        assert (a.id, a.client, a.verdict, a.from_history, dict(a.answers)) == (
            1,
            "ACME",
            "caution",
            (),
            {"worked_before": True, "late_payments": 2},
        )
        payments = h.payments("ACME")
        assert [(p.client, p.late, p.days_late) for p in payments] == [
            ("ACME", True, 5),
            ("acme ", True, None),
            ("Acme", False, None),
        ]
        assert len({p.uid for p in payments} | {a.uid}) == 4 and all(len(p.uid) == 32 for p in payments)
    fresh = tmp_path / "fresh.sqlite3"
    opened(fresh).close()
    assert schema_of(old) == schema_of(fresh)
    assert integrity(old) == "ok"
    _, facts = prefill(load_catalog(), "ACME", old)
    assert (facts.payments, facts.on_time) == (3, 1)
    code, out, _ = invoke(cli, "history", "ACME", "--db", str(old))
    assert code == 0 and "late-payer (caution)" in out and "5 days late" in out
