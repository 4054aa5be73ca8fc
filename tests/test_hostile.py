"""Issue 12: every class of bad input is one clear line and a documented exit code, never an
internal error (exit 3), a traceback or a hang; nothing already entered is lost.

The command-line cases (tests/hostile.py) run in their own processes, as a user would run
them; bench/safety.py prints their time and memory. The rest are in-process tests of the
same classes where a process cannot show them (no terminal, root reads every file).
"""

from __future__ import annotations

import io
import json
import os
import sqlite3
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from clientcheck import catalog_cache
from clientcheck.answers import parse_answers_text, validate
from clientcheck.errors import MAX_SHOWN, AnswersError, ClientcheckError, Mark, Problems
from clientcheck.files import read_text
from clientcheck.history import History, HistoryImportError, import_records, validate_export
from clientcheck.loader import load_catalog
from clientcheck.model import Catalog
from clientcheck.readers import Source, resolve
from clientcheck.readers.csvfile import CsvReader
from tests.conftest import SMALL_QUESTIONS, SMALL_RULES, invoke
from tests.hostile import CASES, csv_case, csv_with_bad_rows, export, run
from tests.keys import typed


@pytest.fixture
def catalog(small_catalog: tuple[Path, Path]) -> Catalog:
    return load_catalog(*small_catalog)


# ---------------------------------------------------------------- the command line, case by case


@pytest.mark.slow
@pytest.mark.parametrize("name", list(CASES))
def test_every_hostile_case_is_one_clear_outcome(name: str, tmp_path: Path) -> None:
    case = CASES[name]
    ran = run(case, tmp_path)
    assert "[hung: killed]" not in ran.stderr, f"{name}: hung"
    assert ran.code == case.code, f"{name}: {ran.stderr}"
    assert "Traceback" not in ran.stderr and "internal error" not in ran.stderr, ran.stderr
    assert ran.stderr == (case.stderr or "").replace("{here}", str(tmp_path))
    if case.stdout_lines is not None:
        assert len(ran.stdout.splitlines()) == case.stdout_lines


# ---------------------------------------------------------------- CSV: a bad row costs that row only


def csv_rows(catalog: Catalog, data: bytes) -> list[tuple[int, object]]:
    reader = CsvReader(io.BytesIO(data), Source("x.csv", "x.csv", "csv"), catalog)
    return [(line, str(r) if isinstance(r, ClientcheckError) else r) for line, r in reader.rows()]


def test_three_bad_rows_among_many_cost_three_rows(catalog: Catalog) -> None:
    rows = csv_rows(catalog, csv_with_bad_rows(2_000, (5, 1_000, 1_990)))
    bad = [r for _, r in rows if isinstance(r, str)]
    assert bad == [
        "x.csv:7: this row is not UTF-8 text",
        "x.csv:1002: a quote in this row is left open",
        "x.csv:1992: a cell of this row is longer than 131072 characters",
    ]
    good = [(line, r) for line, r in rows if not isinstance(r, str)]
    assert len(good) == 1_997
    assert good[-1] == (2_001, {"client": "c1999", "cost": 1999, "revenue": 2000})


def test_a_quoted_cell_over_several_lines_is_still_one_row(catalog: Catalog) -> None:
    data = b'client,notes,cost\nA,"two\nlines",1\nB,"open,2\nC,,3\n'
    assert csv_rows(catalog, data) == [
        (2, {"client": "A", "notes": "two\nlines", "cost": 1}),
        (4, "x.csv:4: a quote in this row is left open"),
        (5, {"client": "C", "cost": 3}),
    ]


def test_what_is_left_of_a_broken_row_is_not_taken_for_a_client(catalog: Catalog) -> None:
    # found by tests/test_fuzz.py: the end of a broken row, `0"`, was scored as a client
    data = b'client,cost,notes\nA,"12,"\n0"\nB,1,"x, ""y"""\nC,"2\n"\nD,"1"x\nE,1,a"b"c\n'
    assert csv_rows(catalog, data) == [
        (2, {"client": "A", "cost": 12.0}),  # "12," with a decimal comma
        (3, 'x.csv:3: a quote inside a cell that does not start with one (write the cell in quotes, each " doubled)'),
        (4, {"client": "B", "cost": 1, "notes": 'x, "y"'}),
        (5, "x.csv:5: a quote in this row is left open"),
        (6, "x.csv:6: a quote in this row is left open"),
        (7, 'x.csv:7: text after the quote that closes a cell (write the cell in quotes, each " doubled)'),
        (8, 'x.csv:8: a quote inside a cell that does not start with one (write the cell in quotes, each " doubled)'),
    ]


def test_a_bare_quote_with_no_partner_is_named_and_takes_no_lines_after_it(catalog: Catalog) -> None:
    """`12"` opens no quoted cell (the csv module reads the row whole), so the rows after it are read."""
    data = b'client,cost,notes\nD,12",1\nE,2,x\nF,3,y\n'
    assert csv_rows(catalog, data) == [
        (2, 'x.csv:2: a quote inside a cell that does not start with one (write the cell in quotes, each " doubled)'),
        (3, {"client": "E", "cost": 2, "notes": "x"}),
        (4, {"client": "F", "cost": 3, "notes": "y"}),
    ]


def test_a_line_longer_than_the_cap_is_reported_and_skipped(catalog: Catalog) -> None:
    data = b"client,cost\n" + b"A," + b"9" * 1_100_000 + b"\nB,2\n"
    assert csv_rows(catalog, data) == [(2, "x.csv:2: this row is longer than 1000 kB"), (3, {"client": "B", "cost": 2})]


def test_a_header_that_is_not_utf8_is_one_error(catalog: Catalog) -> None:
    with pytest.raises(AnswersError) as err:
        csv_rows(catalog, b"client,\xffcost\nA,1\n")
    assert str(err.value) == "x.csv:1: header: not UTF-8 text"


def test_the_csv_case_of_the_benchmark_names_its_lines() -> None:
    case = csv_case(100)
    assert case.stdout_lines == 98
    assert (case.stderr or "").splitlines()[:3] == [
        "a.csv:12: this row is not UTF-8 text",
        "a.csv:52: a quote in this row is left open",
        "a.csv:92: a cell of this row is longer than 131072 characters",
    ]


# ---------------------------------------------------------------- answers


def test_a_flood_of_problems_is_capped_with_a_count_and_stays_fast(catalog: Catalog) -> None:
    text = "{" + ",".join(f'"k{i}": 1' for i in range(50_000)) + "}"
    with pytest.raises(AnswersError) as err:
        parse_answers_text(text, "a.json", "json", catalog)
    lines = str(err.value).splitlines()
    assert len(lines) == MAX_SHOWN + 1
    assert lines[1] == "a.json:1:10: unknown question 'k1'"
    assert lines[-1] == f"… and {50_000 - MAX_SHOWN} more problems like these"


def test_keys_are_located_through_escapes_and_on_later_lines(catalog: Catalog) -> None:
    text = '{\n  "cost": 1,\n  "revenu\\u0065": "x",\n  "nötes": 2\n}'
    with pytest.raises(AnswersError) as err:
        parse_answers_text(text, "a.json", "json", catalog)
    assert str(err.value) == (
        "a.json:3:3: revenue: 'x' is not a number; expected a number\na.json:4:3: unknown question 'nötes'; did you mean 'notes'?"
    )


def test_problems_count_the_rest() -> None:
    many = [ClientcheckError(f"p{i}", Mark("f", i + 1)) for i in range(MAX_SHOWN + 2)]
    assert str(Problems(many, more=3)).splitlines()[-1] == "… and 5 more problems like these"
    assert str(Problems(many[:1])) == "f:1: p0"


@pytest.mark.parametrize(
    ("text", "outcome"),
    [
        ("cost: 99999999999999999\n", "a.yaml:1:1: cost: 99999999999999999 is too large; expected a number"),
        ("cost: 0o17\n", "a.yaml:1:1: cost: '0o17' is not a number; expected a number"),  # YAML 1.1 has no 0o: text
        ("cost: 1_000\n", 1000),  # YAML 1.1 reads the underscore as a digit separator
    ],
)
def test_out_of_range_answers(catalog: Catalog, text: str, outcome: str | int) -> None:
    if isinstance(outcome, int):
        assert parse_answers_text(text, "a.yaml", "yaml", catalog).values == {"cost": outcome}
        return
    with pytest.raises(AnswersError) as err:
        parse_answers_text(text, "a.yaml", "yaml", catalog)
    assert str(err.value) == outcome


def test_a_mapping_where_an_answer_belongs_is_an_error_not_a_crash(catalog: Catalog) -> None:
    with pytest.raises(AnswersError) as err:
        validate({"advance": {"a": 1}, "asks": [["x"]]}, catalog, "a.json")
    assert str(err.value) == (
        'a.json: advance: expected one of: none, partial, got {"a": 1}\na.json: asks: ["x"] is not a choice; '
        "expected a list of: free_sample, discount"
    )


# ---------------------------------------------------------------- files that are not files


def test_config_files_must_be_regular_files(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "rules.yaml")
    with pytest.raises(ClientcheckError) as err:
        read_text(tmp_path / "rules.yaml", "rules.yaml")
    assert str(err.value) == "rules.yaml: not a regular file (a pipe, socket or device is not read here)"


def test_a_folder_that_cannot_be_listed_is_a_usage_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "d").mkdir()

    def refused(self: Path) -> object:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "iterdir", refused)
    with pytest.raises(ClientcheckError) as err:
        resolve([str(tmp_path / "d")], None)
    assert str(err.value) == f"{tmp_path / 'd'}: cannot list this folder: Permission denied"


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every folder")
def test_an_unreadable_folder_for_real(tmp_path: Path) -> None:
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "a.yaml").write_text("{}\n", encoding="utf-8")
    os.chmod(tmp_path / "d", 0)
    try:
        with pytest.raises(ClientcheckError) as err:
            resolve([str(tmp_path / "d")], None)
        assert str(err.value) == f"{tmp_path / 'd'}: cannot list this folder: Permission denied"
    finally:
        os.chmod(tmp_path / "d", 0o755)


# ---------------------------------------------------------------- recovery files


@pytest.fixture
def interviews(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    folder = tmp_path / "data" / "clientcheck" / "interviews"
    folder.mkdir(parents=True)
    return folder


def test_an_invalid_client_name_in_a_paused_interview_does_not_stop_its_resume(
    small_catalog: tuple[Path, Path], interviews: Path, tmp_path: Path
) -> None:
    rules, questions = small_catalog
    paused = interviews / "1-x.yaml"
    name = "x" * 300  # longer than the history takes
    paused.write_text(
        f"client: {name}\nworked_before: false\nadvance: partial\nasks: []\ncost: 1\nrevenue: 2\n", encoding="utf-8"
    )
    args = ["interview", "--resume", "--rules", str(rules), "--questions", str(questions), "--lang", "en"]
    code, out, err = typed(CliRunner(), *args, "--db", str(tmp_path / "h.sqlite3"), "-f", "json", keys="\r\r")
    assert code == 0, err
    assert json.loads(out)["client"] == name
    assert err.splitlines()[0] == (
        "clientcheck: the client's name in this interview cannot be used for the history "
        "(the client's name is longer than 200 characters); it goes on without the history"
    )
    assert not (tmp_path / "h.sqlite3").exists()


@pytest.mark.slow
def test_a_failed_history_save_still_shows_the_verdict_and_says_where_the_answers_are(
    small_catalog: tuple[Path, Path], interviews: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rules, questions = small_catalog
    db = tmp_path / "h.sqlite3"
    from clientcheck import history as history_mod

    def fails(*args: object, **kwargs: object) -> object:  # the disk fills up during the interview
        raise history_mod.HistoryError("cannot use the history database: disk I/O error", Mark(str(db), 0))

    monkeypatch.setattr(history_mod, "save", fails)
    args = ["interview", "--rules", str(rules), "--questions", str(questions), "--lang", "en", "-f", "json"]
    args.append("--in-order")  # the keys follow the questions files' order (issue 10)
    keys = "2\r" + "2\r" + "\r" + "1\r" + "2\r" + "\r" + "\r" + "\r"  # the last Enter skips the note
    code, out, err = typed(CliRunner(), *args, "--client", "ACME", "--db", str(db), keys=keys)
    assert out.startswith("{"), err
    assert json.loads(out)["verdict"] == "go"
    [kept] = interviews.iterdir()
    last = err.splitlines()[-2:]
    assert last[0] == f"clientcheck: error: {db}: cannot use the history database: disk I/O error"
    assert last[1] == (
        f"clientcheck: the verdict above was not saved in the history; the answers are kept in {kept}; "
        f"to save it later: clientcheck check {kept} --client ACME"
    )
    assert code == 2


# ---------------------------------------------------------------- history


def test_the_history_file_is_created_owner_only(tmp_path: Path) -> None:
    os.umask(0o022)
    with History.open(tmp_path / "h.sqlite3") as history:
        history.record_payment("ACME", __import__("datetime").date(2025, 1, 2), late=False)
    for path in tmp_path.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


def test_a_read_only_open_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    with History.open(path) as history:
        history.record_payment("ACME", __import__("datetime").date(2025, 1, 2), late=False)
    before = path.read_bytes()
    found = History.open(path, create=False, readonly=True)
    assert found is not None
    with found as history:
        assert [p.client for p in history.payments()] == ["ACME"]
        with pytest.raises(sqlite3.OperationalError):
            history.conn.execute("DELETE FROM payments")
    assert path.read_bytes() == before


def test_a_database_in_a_read_only_folder_can_be_read(tmp_path: Path) -> None:
    import datetime
    import subprocess

    folder = tmp_path / "rw"
    folder.mkdir()
    with History.open(folder / "h.sqlite3") as history:
        history.record_payment("ACME", datetime.date(2025, 1, 2), late=False)
    seen = tmp_path / "ro"  # the same folder, read-only even for root (a read-only bind mount)
    seen.mkdir()
    if os.geteuid() == 0:
        mounted = subprocess.run(["mount", "--bind", str(folder), str(seen)], capture_output=True).returncode == 0
        if mounted and subprocess.run(["mount", "-o", "remount,bind,ro", str(seen)], capture_output=True).returncode:
            subprocess.run(["umount", str(seen)], capture_output=True)
            mounted = False
        if not mounted:
            pytest.skip("root, and no read-only bind mount here")
    else:
        seen.rmdir()
        seen = folder
        os.chmod(folder, 0o555)
    try:
        assert not os.access(seen, os.W_OK)
        found = History.open(seen / "h.sqlite3", create=False, readonly=True)
        assert found is not None
        with found as history:
            assert [p.client for p in history.payments()] == ["ACME"]
        code, _, err = invoke(CliRunner(), "history", "ACME", "--db", str(seen / "h.sqlite3"), "--format", "json")
        assert (code, err) == (0, "")
    finally:
        if seen != folder:
            subprocess.run(["umount", str(seen)], capture_output=True)
        os.chmod(folder, 0o755)


@pytest.mark.slow
def test_a_reader_that_goes_away_ends_every_command_quietly(tmp_path: Path) -> None:
    import datetime
    import subprocess
    import sys

    db = tmp_path / "h.sqlite3"
    with History.open(db) as history, history.write() as conn:  # more than a pipe holds (64 kB)
        for i in range(3_000):
            day = datetime.date(2020, 1, 1) + datetime.timedelta(days=i)
            record = {"uid": f"p{i}", "client": "ACME", "paid_on": day.isoformat(), "late": True}
            history.insert_payment(conn, {**record, "days_late": 3, "recorded_at": "2025-01-01T00:00:00Z"})
    for command in ("history ACME", "history ACME --format csv", "history --format json"):
        run = subprocess.run(
            ["bash", "-c", f"{sys.executable} -m clientcheck {command} --db {db} | head -1"],
            capture_output=True,
            timeout=60,
            env={**os.environ, "PYTHONIOENCODING": "utf-8"},
        )
        assert run.stderr == b"", command
        # the exit code of clientcheck itself, not of head
        status = subprocess.run(
            ["bash", "-c", f"{sys.executable} -m clientcheck {command} --db {db} | head -1; exit ${{PIPESTATUS[0]}}"],
            capture_output=True,
            timeout=60,
        )
        assert status.returncode == 0, command


def test_import_refuses_what_it_cannot_store_and_says_which(tmp_path: Path) -> None:
    data = json.loads(export(score=2e15).decode())
    with pytest.raises(HistoryImportError) as err:
        validate_export(data, "x.json")
    assert str(err.value) == "x.json: assessments[0].score: expected a finite number, got 2000000000000000.0"
    records = validate_export(json.loads(export().decode()), "x.json")
    with History.open(tmp_path / "h.sqlite3") as history:
        history.conn.execute("CREATE TRIGGER no BEFORE INSERT ON assessments BEGIN SELECT RAISE(ABORT, 'no'); END")
        with pytest.raises(HistoryImportError) as refused:
            import_records(history, records)
        assert str(refused.value) == "assessments[0]: refused by the database (no); nothing was imported"
        history.conn.execute("DROP TRIGGER no")
        assert import_records(history, records).assessments == 1
        assert import_records(history, records).skipped == 1  # the same uid: already there


# ---------------------------------------------------------------- links and the catalog cache


def test_extends_through_a_link_out_of_the_folder_is_refused_unread(tmp_path: Path) -> None:
    outside = tmp_path / "outside.yaml"
    outside.write_text("secret_key: hunter2\n", encoding="utf-8")
    home = tmp_path / "home"
    (home / "questions").mkdir(parents=True)
    (home / "questions" / "10-x.yaml").write_text(SMALL_QUESTIONS, encoding="utf-8")
    (home / "base.yaml").symlink_to(outside)
    (home / "rules.yaml").write_text("version: 1\nextends: base.yaml\n", encoding="utf-8")
    with pytest.raises(ClientcheckError) as err:
        load_catalog(home / "rules.yaml", home / "questions")
    text = str(err.value)
    assert "secret_key" not in text
    assert text.endswith(
        "rules.yaml:2:10: extends: 'base.yaml' leads outside "
        f"{home}; extends takes 'builtin' or a path inside that folder (copy the rules file there) "
        "(through a symbolic link)"
    )


def test_a_link_inside_the_folder_is_fine(tmp_path: Path) -> None:
    (tmp_path / "questions").mkdir()
    (tmp_path / "questions" / "10-x.yaml").write_text(SMALL_QUESTIONS, encoding="utf-8")
    (tmp_path / "real.yaml").write_text(SMALL_RULES, encoding="utf-8")
    (tmp_path / "base.yaml").symlink_to(tmp_path / "real.yaml")
    (tmp_path / "rules.yaml").write_text("version: 1\nextends: base.yaml\n", encoding="utf-8")
    assert len(load_catalog(tmp_path / "rules.yaml", tmp_path / "questions").rules) == 4


def test_init_writes_through_no_link(tmp_path: Path, cli: object) -> None:
    from typer.testing import CliRunner

    target = tmp_path / "elsewhere.txt"
    target.write_text("keep me\n", encoding="utf-8")
    here = tmp_path / "here"
    here.mkdir()
    (here / "rules.yaml").symlink_to(target)
    code, _, err = invoke(CliRunner(), "init", str(here), "--force", "--lang", "en")
    assert code == 2
    assert err == (
        f"clientcheck: error: {here / 'rules.yaml'} is a symbolic link (to {target}); init writes no file through "
        "a link, even with --force; remove the link or choose another folder\n"
    )
    assert target.read_text(encoding="utf-8") == "keep me\n"


def test_the_catalog_cache_unpickles_only_private_entries(tmp_path: Path, small_catalog: tuple[Path, Path]) -> None:
    rules, questions = small_catalog
    os.environ.pop("CLIENTCHECK_NO_CACHE", None)
    catalog_cache.load(rules, questions)
    entry = catalog_cache._entry(rules, questions)
    assert stat.S_IMODE(entry.parent.stat().st_mode) == 0o700
    assert catalog_cache._read(entry) is not None
    # a planted entry that would run code when unpickled
    import pickle

    class Boom:
        def __reduce__(self) -> tuple[object, tuple[str]]:
            return (os.system, (f"touch {tmp_path / 'PWNED'}",))

    entry.write_bytes(pickle.dumps(Boom()))
    os.chmod(entry, 0o666)  # anyone may write it: not trusted, so not unpickled
    assert catalog_cache._read(entry) is None
    os.chmod(entry, 0o600)
    os.chmod(entry.parent, 0o777)
    assert catalog_cache._read(entry) is None
    os.chmod(entry.parent, 0o700)
    assert not (tmp_path / "PWNED").exists()


# ---------------------------------------------------------------- output injection


def test_csv_cells_from_the_input_cannot_be_formulas_or_split_rows(catalog: Catalog) -> None:
    from clientcheck import emit
    from clientcheck.evaluate import evaluate
    from clientcheck.formats import Output
    from clientcheck.model import Answers

    out = io.StringIO()
    for name in ("=HYPERLINK(1)", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "a\rb", "ok\u202e"):
        verdict = evaluate(catalog, Answers({}, name, "in.yaml"))
        emit.show("csv", verdict, Output(catalog, catalog.rules[:1], "en", out))
    rows = [line for line in out.getvalue().split("\n") if line and not line.startswith("input")]
    assert [r.split(",")[2] for r in rows] == [
        "'=HYPERLINK(1)",
        "'+1",
        "'-1",
        "'@SUM(A1)",
        "'\tx",
        '"\'\rx"',
        '"a\rb"',
        "ok",
    ]


def test_markdown_from_the_input_stays_text() -> None:
    from clientcheck.render.markdown import md

    assert md("~~x~~ &amp; https://e.vil www.e.vil a@b.c \u202eabc") == (
        "\\~\\~x\\~\\~ \\&amp; https\\://e.vil www\\.e.vil a\\@b.c abc"
    )


def test_json_keeps_bidi_controls_as_escapes(catalog: Catalog) -> None:
    from clientcheck import emit
    from clientcheck.evaluate import evaluate
    from clientcheck.formats import Output
    from clientcheck.model import Answers

    verdict = evaluate(catalog, Answers({"notes": "a\u202eb"}, "x\u2066y", "in.yaml"))
    for fmt in ("json", "jsonl"):
        out = io.StringIO()
        emit.show(fmt, verdict, Output(catalog, catalog.rules, "en", out))
        text = out.getvalue()
        assert "\u202e" not in text and "\u2066" not in text
        assert "x\\u2066y" in text
        assert json.loads(text)["client"] == "x\u2066y"  # the data is all there


@pytest.mark.slow
def test_an_ascii_terminal_gets_escapes_that_json_reads_back(tmp_path: Path) -> None:
    import subprocess
    import sys

    (tmp_path / "a.yaml").write_text("{}\n", encoding="utf-8")
    name = "Ромашка·é😀"
    run = subprocess.run(
        [sys.executable, "-m", "clientcheck", "check", "a.yaml", "-f", "json", "--client", name, "--no-save"],
        cwd=tmp_path,
        capture_output=True,
        timeout=60,
        env={**os.environ, "PYTHONIOENCODING": "ascii", "CLIENTCHECK_DB": str(tmp_path / "h.sqlite3")},
    )
    assert (run.returncode, run.stderr) == (0, b"")
    assert run.stdout.isascii()
    assert json.loads(run.stdout)["client"] == name


def test_history_names_cannot_reorder_text_and_stay_text_in_a_spreadsheet(tmp_path: Path) -> None:
    import datetime

    from clientcheck.history import check_client_name

    with pytest.raises(ClientcheckError) as err:
        check_client_name("ACME\u202eemca")
    assert str(err.value) == "--client: the client's name contains control characters"
    db = tmp_path / "h.sqlite3"
    with History.open(db) as history:
        history.record_payment("=HYPERLINK(1)", datetime.date(2025, 1, 2), late=False)
    catalog_dir = tmp_path / "c"
    (catalog_dir / "questions").mkdir(parents=True)
    (catalog_dir / "questions" / "10-x.yaml").write_text(SMALL_QUESTIONS, encoding="utf-8")
    (catalog_dir / "rules.yaml").write_text(SMALL_RULES, encoding="utf-8")
    (tmp_path / "a.yaml").write_text("{}\n", encoding="utf-8")
    options = ["--rules", str(catalog_dir / "rules.yaml"), "--questions", str(catalog_dir / "questions")]
    code, _, err_text = invoke(
        CliRunner(), "check", str(tmp_path / "a.yaml"), "--client", "=HYPERLINK(1)", "--db", str(db), *options
    )
    assert code == 0, err_text
    code, out, _ = invoke(CliRunner(), "history", "--format", "csv", "--db", str(db))
    assert code == 0
    assert out.splitlines()[1].split(",")[2] == "'=HYPERLINK(1)"


def test_csv_with_lines_ending_in_cr_alone(catalog: Catalog) -> None:
    data = b'client,cost,notes\rA,1,x\rB,"2",\xff\rC,3,"two\rlines"\r'
    assert csv_rows(catalog, data) == [
        (2, {"client": "A", "cost": 1, "notes": "x"}),
        (3, "x.csv:3: this row is not UTF-8 text"),
        (4, {"client": "C", "cost": 3, "notes": "two\rlines"}),
    ]


def test_a_header_longer_than_the_cap_is_one_error(catalog: Catalog) -> None:
    with pytest.raises(AnswersError) as err:
        csv_rows(catalog, b"client," + b"x" * 1_100_000 + b"\nA\n")
    assert str(err.value) == "x.csv:1: header: longer than 1000 kB"


def test_yaml_errors_are_one_line(catalog: Catalog) -> None:
    # PyYAML's reader error spans two lines ("... in <unicode string>, position 8")
    with pytest.raises(AnswersError) as err:
        parse_answers_text("notes: x\x00y\n", "a.yaml", "yaml", catalog)
    assert str(err.value) == "a.yaml:1: YAML error: character '\\x00' is not allowed"
    assert str(ClientcheckError("first\nsecond", Mark("f", 2))) == "f:2: first second"


def test_a_header_name_past_the_csv_modules_limit_is_one_error_not_an_internal_one(catalog: Catalog) -> None:
    with pytest.raises(AnswersError) as err:
        csv_rows(catalog, b"client," + b"x" * 140_000 + b"\nA,1\n")
    assert str(err.value) == "x.csv:1: header: a column name is longer than 131072 characters"
