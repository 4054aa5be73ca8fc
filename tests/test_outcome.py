"""Outcomes: storage, the schema 2 -> 3 migration, export/import, and `clientcheck outcome` (options and keys)."""

from __future__ import annotations

import io
import json
import sqlite3
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from clientcheck.evaluate import evaluate
from clientcheck.history import APPLICATION_ID, History, HistoryImportError, export, import_data, save_verdict
from clientcheck.loader import load_catalog
from clientcheck.model import Answers, Catalog
from clientcheck.outcomes import OutcomeFacts, latest_by_assessment, outcomes, record
from tests.conftest import TODAY, invoke
from tests.keys import BACK, CTRL_C, ENTER, answer, finish, pty_env, spawn
from tests.keys import typed as keyed
from tests.test_history_reliability import V1, schema_of


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, small_catalog: tuple[Path, Path]) -> Path:
    db = tmp_path / "history.sqlite3"
    monkeypatch.setenv("CLIENTCHECK_DB", str(db))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("COLUMNS", "200")
    for var in ("CLIENTCHECK_RULES", "CLIENTCHECK_QUESTIONS", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.chdir(small_catalog[0].parent)  # the small catalog is the one in effect
    return db


@pytest.fixture
def catalog(small_catalog: tuple[Path, Path]) -> Catalog:
    return load_catalog(*small_catalog)


def opened(path: Path) -> History:
    h = History.open(path)
    assert h is not None
    return h


def assess(db: Path, catalog: Catalog, client: str, at: datetime | None = None, **answers: Any) -> int:
    with opened(db) as h:
        return save_verdict(h, evaluate(catalog, Answers(answers, client)), catalog, "en", client, at=at).id


# ---------------------------------------------------------------- what counts as trouble


@pytest.mark.parametrize(
    ("facts", "trouble"),
    [
        (OutcomeFacts(True, "on_time", True, False), False),
        (OutcomeFacts(True, "late"), True),  # one known sign is enough
        (OutcomeFacts(True, "unpaid", True, False), True),
        (OutcomeFacts(True, "on_time", False, False), True),
        (OutcomeFacts(True, "on_time", True, True), True),
        (OutcomeFacts(True, "on_time", True, None), None),  # a dispute not known: cannot say "no trouble"
        (OutcomeFacts(True), None),
        (OutcomeFacts(False), None),  # no work, nothing went wrong or right
        (OutcomeFacts(None, "late"), None),
    ],
)
def test_trouble_is_three_valued(facts: OutcomeFacts, trouble: bool | None) -> None:
    assert facts.trouble is trouble


# ---------------------------------------------------------------- storage


def test_an_outcome_belongs_to_the_latest_assessment_before_its_date(catalog: Catalog, isolated: Path) -> None:
    old = datetime(2025, 1, 10, 12, tzinfo=UTC)
    first = assess(isolated, catalog, "ACME", at=old, worked_before=False)
    second = assess(isolated, catalog, "acme", at=old + timedelta(days=100), worked_before=True, late_payments=3)
    code, _, err = invoke(CliRunner(), "outcome", "Acme", "--taken", "--paid", "late", "--date", "2025-03-01")
    assert (code, err) == (0, "")
    code, _, err = invoke(CliRunner(), "outcome", " ACME ", "--taken", "--paid", "on-time", "--profitable")
    assert code == 0
    with opened(isolated) as h:
        found = outcomes(h, "acme")
        latest = latest_by_assessment(h)
    assert [(o.assessment_id, o.facts.payment, o.client) for o in found] == [
        (first, "late", "Acme"),
        (second, "on_time", "ACME"),
    ]
    assert {o.assessment_id for o in latest.values()} == {first, second}


def test_a_later_outcome_of_the_same_assessment_replaces_the_earlier_in_the_report(
    catalog: Catalog, isolated: Path
) -> None:
    rid = assess(isolated, catalog, "ACME", worked_before=False)
    with opened(isolated) as h:
        a = h.assessment(rid)
        assert a is not None
        record(h, a, OutcomeFacts(True, ongoing=True), TODAY - timedelta(days=30))
        record(h, a, OutcomeFacts(True, "late", True, False, None, False), TODAY)
        assert len(outcomes(h)) == 2  # both kept
        [latest] = latest_by_assessment(h).values()
    assert (latest.facts.payment, latest.trouble) == ("late", True)


# ---------------------------------------------------------------- migration


def build_v2(path: Path) -> None:
    """A schema 2 file as clientcheck before outcomes left it, spelled out in SQL."""
    conn = sqlite3.connect(path)
    conn.executescript(V1)
    conn.executescript(
        """
        ALTER TABLE assessments ADD COLUMN client_key TEXT NOT NULL DEFAULT '';
        ALTER TABLE assessments ADD COLUMN uid TEXT;
        CREATE UNIQUE INDEX assessments_by_uid ON assessments (uid);
        ALTER TABLE payments ADD COLUMN client_key TEXT NOT NULL DEFAULT '';
        ALTER TABLE payments ADD COLUMN uid TEXT;
        CREATE UNIQUE INDEX payments_by_uid ON payments (uid);
        ALTER TABLE assessments ADD COLUMN from_history TEXT NOT NULL DEFAULT '[]';
        DROP INDEX assessments_by_client;
        DROP INDEX payments_by_client;
        CREATE INDEX assessments_by_client ON assessments (client_key, created_at);
        CREATE INDEX payments_by_client ON payments (client_key, paid_on);
        """
    )
    verdict = '{"en": {"schema": "clientcheck.verdict/1", "verdict": "decline", "language": "en"}}'
    conn.execute(
        "INSERT INTO assessments (uid, client, client_key, created_at, language, answers, from_history, verdict, "
        "score, findings, rules_digest, verdict_data) VALUES ('a1', 'ACME', 'acme', '2025-01-01T10:00:00Z', 'en', "
        "'{\"worked_before\": true, \"late_payments\": 3}', '[\"late_payments\"]', 'decline', 10.0, "
        '\'[{"id": "late-payer", "kind": "red-flag", "severity": "decline"}]\', \'abc\', ?)',
        (verdict,),
    )
    conn.execute(
        "INSERT INTO payments (uid, client, client_key, paid_on, late, days_late, recorded_at) "
        "VALUES ('p1', 'ACME', 'acme', '2025-01-05', 1, 4, '2025-01-05T00:00:00Z')"
    )
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.execute("PRAGMA user_version = 2")
    conn.commit()
    conn.close()


def test_a_version_2_database_gains_outcomes_and_keeps_its_data(tmp_path: Path) -> None:
    old = tmp_path / "v2.sqlite3"
    build_v2(old)
    with opened(old) as h:
        assert h.conn.execute("PRAGMA user_version").fetchone()[0] == 3
        [a] = h.assessments("ACME")
        assert (a.uid, a.verdict, a.from_history, dict(a.answers)) == (
            "a1",
            "decline",
            ("late_payments",),
            {"worked_before": True, "late_payments": 3},
        )
        assert [(p.uid, p.days_late) for p in h.payments()] == [("p1", 4)]
        assert outcomes(h) == []
        o = record(h, a, OutcomeFacts(True, "unpaid"), date(2025, 6, 1))
        assert (o.assessment_id, o.trouble) == (1, True)
    fresh = tmp_path / "fresh.sqlite3"
    opened(fresh).close()
    assert schema_of(old) == schema_of(fresh)
    conn = sqlite3.connect(old)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    conn.close()


# ---------------------------------------------------------------- export and import


def test_export_and_import_carry_outcomes(catalog: Catalog, isolated: Path, tmp_path: Path) -> None:
    rid = assess(isolated, catalog, "ACME", worked_before=False)
    with opened(isolated) as h:
        a = h.assessment(rid)
        assert a is not None
        record(h, a, OutcomeFacts(True, "late", False, True, False, False, "lawyers"), date(2025, 6, 1))
        data = export(h)
    assert data["schema"] == "clientcheck.history/2"
    [o] = data["outcomes"]
    assert {k: v for k, v in o.items() if k not in ("uid", "recorded_at")} == {
        "id": 1,
        "assessment_uid": a.uid,
        "client": "ACME",
        "on": "2025-06-01",
        "taken": True,
        "payment": "late",
        "profitable": False,
        "dispute": True,
        "referral": False,
        "ongoing": False,
        "note": "lawyers",
    }
    other = tmp_path / "other.sqlite3"
    with opened(other) as h:
        result = import_data(h, json.loads(json.dumps(data)), "all.json")
    assert (result.assessments, result.outcomes, result.skipped) == (1, 1, 0)
    with opened(other) as h:
        assert [x.facts.note for x in outcomes(h)] == ["lawyers"]
        again = import_data(h, data, "all.json")
    assert (again.assessments, again.payments, again.outcomes, again.skipped) == (0, 0, 0, 2)


def test_an_import_counts_outcomes_and_refuses_one_without_its_assessment(
    catalog: Catalog, isolated: Path, tmp_path: Path
) -> None:
    rid = assess(isolated, catalog, "ACME", worked_before=False)
    with opened(isolated) as h:
        a = h.assessment(rid)
        assert a is not None
        record(h, a, OutcomeFacts(False), date(2025, 6, 1))
        data = export(h)
    fresh = tmp_path / "fresh.sqlite3"
    with opened(fresh) as h:
        result = import_data(h, data, "all.json")
    assert (result.assessments, result.payments, result.outcomes, result.skipped) == (1, 0, 1, 0)

    orphan = dict(data, assessments=[])
    orphan["outcomes"] = [dict(data["outcomes"][0], uid="new", assessment_uid="nowhere")]
    bad = dict(orphan, outcomes=[*orphan["outcomes"], {"uid": "x", "taken": "maybe"}])
    empty = tmp_path / "empty.sqlite3"
    with opened(empty) as h:
        with pytest.raises(HistoryImportError) as info:
            import_data(h, bad, "all.json")
        assert str(info.value).splitlines() == [
            "all.json: outcomes[1]: missing 'assessment_uid'",
            "all.json: outcomes[1]: missing 'client'",
            "all.json: outcomes[1]: missing 'on'",
            'all.json: outcomes[1].taken: expected true, false or null, got "maybe"',
            "all.json: outcomes[1]: missing 'payment'",
            "all.json: outcomes[1]: missing 'profitable'",
            "all.json: outcomes[1]: missing 'dispute'",
            "all.json: outcomes[1]: missing 'referral'",
            "all.json: outcomes[1]: missing 'ongoing'",
            "all.json: outcomes[1]: missing 'note'",
            "all.json: outcomes[1]: missing 'recorded_at'",
        ]
        with pytest.raises(HistoryImportError) as info:
            import_data(h, orphan, "all.json")
        assert (
            str(info.value)
            == "all.json: outcomes[0].assessment_uid: no assessment 'nowhere' in the file or the database"
        )
        assert h.assessments() == [] and outcomes(h) == []  # all or nothing
        # an export from before outcomes still imports
        v1 = {k: v for k, v in data.items() if k != "outcomes"} | {"schema": "clientcheck.history/1"}
        assert import_data(h, v1, "old.json").assessments == 1


# ---------------------------------------------------------------- the command, with options


def test_outcome_with_options(cli: CliRunner, catalog: Catalog, isolated: Path) -> None:
    rid = assess(isolated, catalog, "ACME", worked_before=True, late_payments=3)
    day = datetime.now(UTC).astimezone().date().isoformat()
    code, out, err = invoke(
        cli, "outcome", "acme", "--taken", "--paid", "late", "--unprofitable", "--dispute", "--note", "  took 3 months ",
        "--lang", "en",
    )  # fmt: skip
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        f"Recorded the outcome of ACME, assessment #{rid} of {day} (verdict then: DECLINE) as of {TODAY.isoformat()}:",
        "  taken; paid late; not profitable; a dispute; referral: don't know; still going: don't know; note: took 3 months",
        "Counted as trouble in 'clientcheck report'.",
    ]
    code, out, err = invoke(cli, "outcome", "ACME", "--paid", "on-time", "--profitable", "--no-dispute", "--lang", "ru")
    assert code == 0
    assert out.splitlines()[1:] == [
        "  взяли; платил вовремя; окупилось; без споров; рекомендации: не знаю; продолжается ли: не знаю",
        "В «clientcheck report» считается случаем без проблем.",
    ]
    code, out, _ = invoke(cli, "outcome", "ACME", "--not-taken", "--lang", "en")
    assert out.splitlines()[1:] == [
        "  not taken",
        "Not taken: not in the trouble rates of 'clientcheck report'; listed under the verdicts not followed when the "
        "verdict was go.",
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--not-taken", "--paid", "late"],
            "--paid is about work that was done, but --not-taken says the client was not taken",
        ),
        (["--taken", "--date", "2999-01-01"], "--date: 2999-01-01 is in the future"),
        (["--taken", "--assessment", "99"], "{db}: no assessment #99 (list them with 'clientcheck history')"),
        (["--taken", "--note", "x" * 2001], "the note is longer than 2000 characters"),
    ],
)
def test_outcome_option_errors(cli: CliRunner, catalog: Catalog, isolated: Path, args: list[str], message: str) -> None:
    assess(isolated, catalog, "ACME", worked_before=False)
    code, out, err = invoke(cli, "outcome", "ACME", *args, "--lang", "en")
    assert (code, out, err) == (2, "", f"clientcheck: error: {message.format(db=isolated)}\n")
    with opened(isolated) as h:
        assert outcomes(h) == []


def test_outcome_needs_an_assessment_of_that_client(cli: CliRunner, catalog: Catalog, isolated: Path) -> None:
    code, _, err = invoke(cli, "outcome", "ACME", "--taken")
    assert (code, err) == (
        2,
        f"clientcheck: error: {isolated}: no history database here yet; name a client to save one: "
        "clientcheck check ANSWERS --client NAME\n",
    )
    assess(isolated, catalog, "Other", worked_before=False)
    rid = assess(isolated, catalog, "Other", at=datetime(2025, 3, 1, 12, tzinfo=UTC), worked_before=False)
    code, _, err = invoke(cli, "outcome", "ACME", "--taken")
    assert (code, err) == (
        2,
        "clientcheck: error: ACME has no saved assessment; an outcome follows one: clientcheck check ANSWERS "
        "--client 'ACME' (or interview --client)\n",
    )
    code, _, err = invoke(cli, "outcome", "ACME", "--taken", "--assessment", "1")
    assert (code, err) == (2, "clientcheck: error: assessment #1 is of Other, not of ACME\n")
    code, _, err = invoke(cli, "outcome", "Other", "--taken", "--date", "2025-01-01")
    assert (code, err) == (
        2,
        f"clientcheck: error: Other has no assessment on or before 2025-01-01 (the first is #{rid} of 2025-03-01); "
        "give another --date or --assessment ID\n",
    )


def test_outcome_without_options_off_a_terminal_is_refused(cli: CliRunner, catalog: Catalog, isolated: Path) -> None:
    assess(isolated, catalog, "ACME", worked_before=False)
    code, out, err = invoke(cli, "outcome", "ACME", "--lang", "en")
    assert (code, out) == (2, "")
    assert err == (
        "clientcheck: error: outcome asks its questions on a terminal; in a script give the outcome as options, "
        "e.g. --taken --paid late --unprofitable (see 'clientcheck outcome --help')\n"
    )


# ---------------------------------------------------------------- the command, asked with the interview's keys


@pytest.mark.slow
def test_outcome_asked_on_the_terminal(cli: CliRunner, catalog: Catalog, isolated: Path) -> None:
    assess(isolated, catalog, "ACME", worked_before=False)
    # taken: yes; payment: late; profitable: no; at dispute Ctrl-B back to profitable, no again; dispute: don't
    # know; referral: no; still going: yes; a note; then Enter on the review screen
    keys = "1" + ENTER + "2" + ENTER + "2" + ENTER + BACK + "2" + ENTER + "3" + ENTER + "2" + ENTER
    keys += "1" + ENTER + "slow payer" + ENTER + ENTER
    screen = io.StringIO()
    code, out, err = keyed(cli, "outcome", "ACME", "--lang", "en", keys=keys, screen=screen)
    assert code == 0, err
    assert out.splitlines()[1:] == [
        "  taken; paid late; not profitable; dispute: don't know; no referral; still going; note: slow payer",
        "Counted as trouble in 'clientcheck report'.",
    ]
    assert "ACME, assessment #1 of" in err and "(verdict then: GO)" in err
    assert "✔ Did you take the client on? yes" in err
    assert "How did they pay?" in screen.getvalue()
    with opened(isolated) as h:
        [o] = outcomes(h)
    assert o.facts == OutcomeFacts(True, "late", False, None, False, True, "slow payer")
    assert screen.getvalue().count("Did the work pay off (profitable)?") >= 2  # asked again after Ctrl-B


@pytest.mark.slow
def test_a_second_outcome_starts_from_the_first_and_ctrl_c_records_nothing(
    cli: CliRunner, catalog: Catalog, isolated: Path
) -> None:
    assess(isolated, catalog, "ACME", worked_before=False)
    assert invoke(cli, "outcome", "ACME", "--taken", "--ongoing", "--note", "first month")[0] == 0
    code, out, err = keyed(cli, "outcome", "ACME", "--lang", "en", keys=CTRL_C)
    assert (code, out) == (130, "")
    assert "Recorded before: taken; payment: don't know;" in err
    assert err.endswith("clientcheck: interrupted; nothing was recorded\n")
    # what was known is kept; only the rest is asked: payment on time, profitable, no dispute, no referral; review
    keys = "1" + ENTER + "1" + ENTER + "2" + ENTER + "2" + ENTER + ENTER
    code, out, err = keyed(cli, "outcome", "ACME", "--lang", "en", keys=keys)
    assert code == 0, err
    assert out.splitlines()[1] == (
        "  taken; paid on time; profitable; no dispute; no referral; still going; note: first month"
    )
    with opened(isolated) as h:
        assert len(outcomes(h)) == 2


@pytest.mark.slow
def test_the_payment_log_is_shown_and_puts_the_cursor(cli: CliRunner, catalog: Catalog, isolated: Path) -> None:
    assess(isolated, catalog, "ACME", worked_before=False)
    with opened(isolated) as h:
        h.record_payment("ACME", TODAY, late=False)
        h.record_payment("ACME", TODAY, late=True, days_late=5)
    # taken: yes; payment: Enter takes where the cursor stands (late, from the log); the rest don't know
    keys = "1" + ENTER + ENTER + "3" + ENTER + "3" + ENTER + "3" + ENTER + "3" + ENTER + ENTER + ENTER
    code, out, err = keyed(cli, "outcome", "ACME", "--lang", "en", keys=keys)
    assert code == 0, err
    assert "The payment log since that assessment: 2 payments, 1 late." in err
    assert out.splitlines()[1].startswith("  taken; paid late; profit: don't know;")


@pytest.mark.slow
def test_history_of_a_client_lists_its_outcomes(cli: CliRunner, catalog: Catalog, isolated: Path) -> None:
    assess(isolated, catalog, "ACME", worked_before=False)
    assert invoke(cli, "outcome", "ACME", "--taken", "--paid", "on-time", "--profitable", "--no-dispute")[0] == 0
    code, out, _ = invoke(cli, "history", "ACME", "--lang", "en")
    assert code == 0
    tail = out[out.index("Outcomes") :]
    row = next(line for line in tail.splitlines() if "#1" in line)
    assert [cell.strip() for cell in row.strip("│ ").split("│")] == [
        TODAY.isoformat(),
        "#1",
        "taken; paid on time; profitable; no dispute; referral: don't know; still going: don't know",
        "no trouble",
    ]


@pytest.mark.pty
@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
@pytest.mark.slow
def test_outcome_in_a_real_terminal(catalog: Catalog, isolated: Path, tmp_path: Path) -> None:
    """Keys through a pseudo-terminal (pexpect): answer, Ctrl-B back, ? for help, then Ctrl-C stops cleanly."""
    assess(isolated, catalog, "ACME", worked_before=False)
    command = f"{sys.executable} -m clientcheck outcome ACME --lang en"

    child = spawn(command, pty_env(), Path.cwd())
    answer(child, "Did you take the client on?", "1\r")
    answer(child, "How did they pay?", "?")
    answer(child, "Late: at least one invoice paid after its term.", BACK)
    answer(child, "Did you take the client on?", "\r")  # the cursor stays on the earlier answer: yes
    answer(child, "How did they pay?", CTRL_C)
    rest, status = finish(child)
    assert "interrupted; nothing was recorded" in rest
    assert status == 130
    with opened(isolated) as h:
        assert outcomes(h) == []

    child = spawn(command, pty_env(), Path.cwd())
    for prompt, key in (
        ("Did you take the client on?", "1\r"),
        ("How did they pay?", "3\r"),  # not at all
        ("Did the work pay off", "2\r"),
        ("Was there a dispute?", "1\r"),
        ("Did they refer anyone to you?", "2\r"),
        ("Is the relationship still going?", "2\r"),
        ("Anything else worth remembering?", "court in May\r"),
    ):
        answer(child, prompt, key)
    answer(child, "Enter", "\r")  # the review screen
    child.expect_exact("Counted as trouble in 'clientcheck report'.")
    _, status = finish(child)
    assert status == 0
    with opened(isolated) as h:
        [o] = outcomes(h)
    assert o.facts == OutcomeFacts(True, "unpaid", False, True, False, False, "court in May")


def test_a_note_cannot_drive_the_terminal(cli: CliRunner, catalog: Catalog, isolated: Path) -> None:
    assess(isolated, catalog, "ACME", worked_before=False)
    code, out, _ = invoke(cli, "outcome", "ACME", "--taken", "--note", "paid\x1b]0;owned\x07 at last\nin May")
    assert code == 0
    assert out.splitlines()[1].endswith("note: paid at last in May")
    with opened(isolated) as h:
        [o] = outcomes(h)
    assert o.facts.note == "paid\x1b]0;owned\x07 at last\nin May"  # stored as given


@pytest.mark.slow
def test_outcome_prompts_say_what_its_keys_do(cli: CliRunner, catalog: Catalog, isolated: Path) -> None:
    """Not the interview's words: Enter on the review records the outcome, Ctrl-C stops without a pause."""
    assess(isolated, catalog, "ACME", worked_before=False)
    keys = "1" + ENTER + "1" + ENTER + "1" + ENTER + "2" + ENTER + "2" + ENTER + "1" + ENTER + ENTER + ENTER
    for lang, own, interview in (
        ("en", ("Ctrl-C stop, record nothing", "or Enter to record the outcome:"), ("Ctrl-C pause", "verdict")),
        ("ru", ("Ctrl-C: выйти без записи", "или Enter — записать итог:"), ("Ctrl-C: пауза", "вердикт")),
    ):
        screen = io.StringIO()
        code, _, err = keyed(cli, "outcome", "ACME", "--lang", lang, keys=keys, screen=screen)
        assert code == 0, err
        shown = "".join(screen.getvalue().split())  # the screen wraps long legends at 80 columns
        assert all("".join(text.split()) in shown for text in own), shown
        assert not any("".join(text.split()) in shown for text in interview), shown
