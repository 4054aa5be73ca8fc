"""Issue 11: every error about an answers file, a batch input, the profile or `sql` reads as Russian
in Russian mode (the rules and questions files' errors: test_i18n_errors.py).

Proved for the class: each message key of the block "# issue 11: errors of answers, inputs, the
profile and sql" (i18n/*/commandline.py) is driven by a case below — through the command line,
once with `--lang ru` and once with LANG=ru_RU.UTF-8 — or, for the few no command line can reach
on this machine, by calling the code that raises it; a key no case reaches fails the test, so a new
message needs a new case. No line any case prints in Russian holds an English word
(`english_words`), and the English text of each is recognised as English (a positive control).
"""

from __future__ import annotations

import errno
import importlib.util
import io
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, NamedTuple, cast

import pytest
from typer.testing import CliRunner

from clientcheck import answers, i18n, readers, sql
from clientcheck.cli import COMMANDS
from clientcheck.errors import ClientcheckError
from clientcheck.history.migrations import APPLICATION_ID, SCHEMA_VERSION
from clientcheck.model import CLIENT_KEY, NOTE_KEY
from tests.conftest import SMALL_QUESTIONS, SMALL_RULES, invoke
from tests.hostile import write
from tests.test_i18n_errors import CATALOG_IDS, FORMAT_WORDS, english_words

SRC = Path(__file__).resolve().parent.parent / "src" / "clientcheck"
# besides the file format's words: the command names (a command line to type) and the names of
# formats, extras and environment variables a Russian text names as they are
ALLOWED = (
    FORMAT_WORDS
    | CATALOG_IDS
    | set(COMMANDS)
    | {CLIENT_KEY, NOTE_KEY, "Parquet", "CSV", "JSON", "UTF", "sql", "VISUAL", "EDITOR", "k", "m"}
)
# the words of the operating system's own error text (strerror), which Python gives in English
OS_WORDS = {os.strerror(e) for e in (errno.ENOENT, errno.EACCES, errno.EIO, errno.EEXIST, errno.ENOTDIR)}

SELLER_QUESTIONS = """\
section: me
title: {en: Your business, ru: Ваш бизнес}
questions:
  - id: term_days
    type: integer
    text: {en: Payment term?, ru: Срок оплаты?}
    unit: {en: days, ru: дней}
    measure: days
    min: 0
    max: 365
    seller: true
  - id: currency
    type: text
    text: {en: Currency?, ru: Валюта?}
    seller: true
  - id: min_price
    type: number
    text: {en: Smallest order?, ru: Минимальный заказ?}
    measure: money
    min: 0
    seller: true
  - id: remote
    type: yesno
    text: {en: Remote only?, ru: Только удалённо?}
    seller: true
"""


# the ids of the catalog at hand, which messages name unquoted (lists of choices and questions)
ALLOWED |= {"duckdb", "postgres", "spark", "bigquery", "snowflake"}  # the SQL dialects' names
ALLOWED |= set(re.findall(r"id: ([a-z_]+)", SMALL_QUESTIONS + SELLER_QUESTIONS))


BLOCKS = {  # area module -> the comment that opens this block in it
    "commandline": "# issue 11: errors of answers, inputs, the profile and sql",
    "outcomes": "# issue 11: errors of the history database and of history exports",
}


def block_keys() -> set[str]:
    """The keys of this issue's blocks in the English area modules."""
    keys: set[str] = set()
    for area, opening in BLOCKS.items():
        text = (SRC / "i18n" / "en" / f"{area}.py").read_text(encoding="utf-8")
        block = text.split(opening, 1)[1].split("\n    # issue ", 1)[0]  # up to the next issue's block
        keys |= set(re.findall(r'^    "([a-z0-9_.]+)":', block, re.M))
    return keys


class Case(NamedTuple):
    args: tuple[str, ...]
    stdin: str | None = None
    files: dict[str, str | bytes] = {}  # noqa: RUF012 - a NamedTuple default, never changed


CSV_HEAD = "client,late_payments,notes\n"
BIG = 1_000_001

CASES: dict[str, Case] = {
    "note not text": Case(("check", "-"), '{"note": 5}'),
    "YAML 1.1 base 60": Case(("check", "-"), "late_payments: 1:30\n"),
    "YAML 1.1 octal": Case(("check", "-"), "late_payments: 010\n"),
    "YAML 1.1 hex": Case(("check", "-"), "late_payments: 0x10\n"),
    "YAML 1.1 binary": Case(("check", "-"), "late_payments: 0b11\n"),
    "too large": Case(("check", "-"), '{"cost": 10000000000000000}'),
    "thousands of digits": Case(("check", "-"), '{"cost": 1' + "0" * 60 + "}"),
    "not a unit of time": Case(("check", "-"), '{"term_days": "3 fortnights"}'),
    "months or minutes": Case(("check", "-"), '{"term_days": "3m"}'),
    "not an amount": Case(("check", "-"), '{"min_price": "5 bananas"}'),
    "another currency": Case(("check", "-"), '{"currency": "RUB", "min_price": "$5"}'),
    "ambiguous number": Case(("check", "-"), '{"min_price": "1,500"}'),
    "number too large with an exponent": Case(("check", "-"), 'min_price: "1e400 k"\n'),  # with a unit: units.py
    "not a number": Case(("check", "-"), '{"term_days": "soon"}'),
    "lone surrogate": Case(("check", "-"), '{"notes": "\\ud800"}'),
    "lone surrogate in JSON Lines": Case(("check", "x.jsonl"), None, {"x.jsonl": '{"notes": "\\ud800"}\n'}),
    "too many digits": Case(("check", "-"), '{"cost": 1' + "0" * 5000 + "}"),
    "too many digits in JSON Lines": Case(("check", "x.jsonl"), None, {"x.jsonl": '{"cost": 1' + "0" * 5000 + "}\n"}),
    "duplicate key in JSON Lines": Case(("check", "x.jsonl"), None, {"x.jsonl": '{"notes": "a", "notes": "b"}\n'}),
    "JSON Lines with --jobs": Case(
        ("check", "x.jsonl", "--jobs", "2", "-f", "jsonl"),
        None,
        {"x.jsonl": '{"notes": "a", "notes": "b"}\n[1]\n{"cost": "5 bananas"}\n{"late_payments": 1.5}\n' * 50},
    ),
    "input too big": Case(("check", "-"), "#" * BIG),
    "no data": Case(("check", "empty.fifo")),
    "line too long": Case(("check", "x.jsonl"), None, {"x.jsonl": '{"notes": "' + "a" * 3 * BIG + '"}\n{}\n'}),
    "header too long": Case(("check", "x.csv"), None, {"x.csv": "notes" + "," * BIG + "\n"}),
    "header not UTF-8": Case(("check", "x.csv"), None, {"x.csv": b"\xff\xfe,notes\n"}),
    "header name too long": Case(("check", "x.csv"), None, {"x.csv": "client," + "x" * 140_000 + "\nA,1\n"}),
    "row too long": Case(("check", "x.csv"), None, {"x.csv": CSV_HEAD + "a,1," + "b" * BIG + "\n"}),
    "row not UTF-8": Case(("check", "x.csv"), None, {"x.csv": CSV_HEAD.encode() + b"a,1,\xff\n"}),
    "quoted row not UTF-8": Case(("check", "x.csv"), None, {"x.csv": CSV_HEAD.encode() + b'"a",1,\xff\n'}),
    "cell too long": Case(("check", "x.csv"), None, {"x.csv": CSV_HEAD + "a,1," + "b" * 140_000 + "\n"}),
    "quoted cell too long": Case(("check", "x.csv"), None, {"x.csv": CSV_HEAD + 'a,1,"' + "b" * 140_000 + '"\n'}),
    "too many cells": Case(("check", "x.csv"), None, {"x.csv": CSV_HEAD + "a,1,b,c,d\n"}),
    "quote left open": Case(("check", "x.csv"), None, {"x.csv": CSV_HEAD + 'a,"1,b\nc,2,d\n'}),
    "quote open too long": Case(
        ("check", "x.csv"), None, {"x.csv": CSV_HEAD + 'a,1,"b\n' + ("c" * 999 + "\n") * 8_200}
    ),
    "text after a quote": Case(("check", "x.csv"), None, {"x.csv": CSV_HEAD + 'a,1,"b"c\n'}),
    "bare quote": Case(("check", "x.csv"), None, {"x.csv": CSV_HEAD + 'a,1,b"c"d\n'}),
    "--client with many": Case(
        ("check", "a.yaml", "b.yaml", "--client", "acme"), None, {"a.yaml": "{}", "b.yaml": "{}"}
    ),
    "--profile with many": Case(
        ("check", "a.yaml", "b.yaml", "--profile", "p"), None, {"a.yaml": "{}", "b.yaml": "{}"}
    ),
    "bad profile name": Case(("check", "a.yaml", "--profile", "no good!"), None, {"a.yaml": "{}"}),
    "no such profile": Case(("check", "a.yaml", "--profile", "nobody"), None, {"a.yaml": "{}"}),
    "profile about the client": Case(
        ("check", "a.yaml", "--profile", "p"),
        None,
        {"a.yaml": "{}", "cfg/clientcheck/profiles/p.yaml": "late_payments: 1\n"},
    ),
    "profile set without =": Case(("profile", "set", "remote")),
    "profile set a client question": Case(("profile", "set", "late_payments=1")),
    "profile set yes or no": Case(("profile", "set", "remote=maybe")),
    "profile set a bad amount": Case(("profile", "set", "min_price=5 bananas")),
    "editor missing": Case(("profile", "edit")),
    "sql bad table": Case(("sql", "--table", "a..b")),
    "sql unknown column": Case(("sql", "--columns", "late_paymnts")),
    "sql keep a question": Case(("sql", "--keep", "late_payments")),
    "sql keep a result column": Case(("sql", "--keep", "verdict")),
    "sql keep twice": Case(("sql", "--keep", "lead_id,lead_id")),
}


# without the sql extra, `clientcheck sql` stops at sql.needs: its other messages are not reached
NO_SQL = (
    set()
    if importlib.util.find_spec("sqlglot")
    else {"sql.bad_table", "sql.bad_column", "sql.keep_known", "sql.keep_taken", "sql.keep_twice", "sql.bad_dialect"}
)


def _sqlite(application_id: int, version: int) -> bytes:
    """A SQLite file with one table, marked with this application id and schema version."""
    import sqlite3

    db = sqlite3.connect(":memory:")
    db.execute(f"PRAGMA application_id = {application_id}")
    db.execute(f"PRAGMA user_version = {version}")
    db.execute("CREATE TABLE t (x)")
    db.commit()
    return db.serialize()


def _export(**parts: Any) -> str:
    return json.dumps({"schema": "clientcheck.history/2", **parts})


WRONG_ASSESSMENT = dict.fromkeys(
    ("uid", "client", "created_at", "language", "verdict", "rules_sha256", "answers", "fired"), 1.5
) | {"score": "x", "from_history": 1, "verdict_data": 1}
GOOD_ASSESSMENT = {
    "uid": "a1",
    "client": "acme",
    "created_at": "2025-06-01T09:12:03Z",
    "language": "ru",
    "verdict": "go",
    "score": 0,
    "rules_sha256": "d",
    "answers": {},
    "fired": [],
    "from_history": [],
    "verdict_data": {"en": {}},
}
WRONG_PAYMENT = {"uid": "p1", "client": "acme", "paid_on": 1, "late": 1, "days_late": "x", "recorded_at": 1}
WRONG_OUTCOME = dict.fromkeys(
    ("uid", "assessment_uid", "client", "on", "taken", "payment", "profitable", "dispute", "referral", "ongoing"), 1.5
) | {"note": 1, "recorded_at": 1}
LOST_OUTCOME = dict.fromkeys(("profitable", "dispute", "referral", "ongoing", "note"), None) | {
    "uid": "o1",
    "assessment_uid": "nowhere",
    "client": "acme",
    "on": "2025-06-01",
    "taken": True,
    "payment": "on_time",
    "recorded_at": "2025-06-01T09:12:03Z",
}
HISTORY_CASES: dict[str, Case] = {
    "export not JSON": Case(("import", "x.json"), None, {"x.json": "{"}),
    "export NaN": Case(("import", "x.json"), None, {"x.json": '{"a": NaN}'}),
    "export not UTF-8": Case(("import", "x.json"), None, {"x.json": b"\xff{}"}),
    "export nested too deeply": Case(("import", "x.json"), None, {"x.json": "[" * 100_000}),
    "export digits": Case(("import", "x.json"), None, {"x.json": '{"a": 1' + "0" * 5000 + "}"}),
    "export surrogate": Case(("import", "x.json"), None, {"x.json": '{"a": "\\ud800"}'}),
    "not an export": Case(("import", "x.json"), None, {"x.json": '{"schema": "x"}'}),
    "export lists": Case(("import", "x.json"), None, {"x.json": _export(assessments=1, outcomes=1)}),
    "export records": Case(
        ("import", "x.json"), None, {"x.json": _export(assessments=[1], payments=[{}], outcomes=[1])}
    ),
    "export fields": Case(
        ("import", "x.json"),
        None,
        {
            "x.json": _export(
                assessments=[WRONG_ASSESSMENT, GOOD_ASSESSMENT], payments=[WRONG_PAYMENT], outcomes=[WRONG_OUTCOME]
            )
        },
    ),
    "outcome facts": Case(("import", "x.json"), None, {"x.json": _export(outcomes=[{**LOST_OUTCOME, "taken": False}])}),
    "outcome of no assessment": Case(("import", "x.json"), None, {"x.json": _export(outcomes=[LOST_OUTCOME])}),
    "damaged database": Case(("history", "--db", "h.db"), None, {"h.db": "not a database " * 100}),
    "foreign database": Case(("history", "--db", "h.db"), None, {"h.db": _sqlite(0, 0)}),
    "newer database": Case(("history", "--db", "h.db"), None, {"h.db": _sqlite(APPLICATION_ID, SCHEMA_VERSION + 1)}),
    "cannot create the database": Case(("paid", "acme", "--on-time", "--db", "afile/h.db"), None, {"afile": ""}),
}
CASES |= HISTORY_CASES
# the export format's own names (its sections and fields), what JSON does not allow, SQLite
ALLOWED |= {"assessments", "payments", "outcomes", "NaN", "Infinity", "SQLite"}
ALLOWED |= {*WRONG_ASSESSMENT, *WRONG_PAYMENT, *WRONG_OUTCOME}


def build(here: Path, case: Case) -> None:
    (here / "clientcheck.yaml").touch()  # a project folder: its rules and questions are the ones in effect
    (here / "rules.yaml").write_text(SMALL_RULES, encoding="utf-8")
    (here / "questions").mkdir()
    (here / "questions" / "10-pay.yaml").write_text(SMALL_QUESTIONS, encoding="utf-8")
    (here / "questions" / "20-me.yaml").write_text(SELLER_QUESTIONS, encoding="utf-8")
    os.mkfifo(here / "empty.fifo")
    for name, content in case.files.items():
        write(name, content)(here)


@pytest.fixture
def keys_said(monkeypatch: pytest.MonkeyPatch) -> Iterator[set[str]]:
    """Every message key looked up in either language while the test runs (whoever imported t)."""
    said: set[str] = set()

    class Recording(dict[str, str]):
        def get(self, key: str, default: Any = None) -> Any:
            said.add(key)
            return super().get(key, default)

    for lang in ("en", "ru"):
        monkeypatch.setitem(i18n._STRINGS, lang, Recording(i18n._STRINGS[lang]))
    yield said


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG", "CLIENTCHECK_RULES", "CLIENTCHECK_QUESTIONS"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.delenv("CLIENTCHECK_PROFILE", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    monkeypatch.setenv("CLIENTCHECK_DB", str(tmp_path / "history.db"))
    monkeypatch.setenv("VISUAL", str(tmp_path / "no-such-editor"))
    return tmp_path


def run(cli: CliRunner, monkeypatch: pytest.MonkeyPatch, case: Case, how: str) -> tuple[int, str]:
    """One case in one language: how is "--lang ru", "LANG=ru" or "en"."""
    if how == "LANG=ru":
        monkeypatch.setenv("LANG", "ru_RU.UTF-8")
        args = case.args
    else:
        monkeypatch.delenv("LANG", raising=False)
        args = ("--lang", "ru" if how == "--lang ru" else "en", *case.args)
    try:
        code, _, err = invoke(cli, *args, input=case.stdin)
    finally:
        i18n.prefer(None)
    return code, err


def words_of(line: str) -> list[str]:
    line = line.replace("<stdin>", "")  # the name of an input, as a path is
    for said in OS_WORDS:
        line = line.replace(said, "")
    return english_words(line, ALLOWED)


def test_every_key_of_the_block_has_a_russian_text_without_english() -> None:
    keys = block_keys()
    assert len(keys) >= 40
    texts = {k: i18n.t("ru", k, **dict.fromkeys(_fields(i18n.t("en", k) + i18n.t("ru", k)), 5)) for k in keys}
    assert {k: english_words(v, ALLOWED) for k, v in texts.items() if english_words(v, ALLOWED)} == {}
    english = {k: i18n.t("en", k, **dict.fromkeys(_fields(i18n.t("en", k)), 5)) for k in keys}
    assert [k for k in keys if texts[k] == english[k]] == []
    # positive control: nearly all English texts are recognised as English
    assert len([k for k in keys if english_words(english[k], ALLOWED)]) >= 0.9 * len(keys)


def _fields(text: str) -> set[str]:
    return {m.split(":")[0].split("!")[0] for m in re.findall(r"\{([^{}]+)\}", text)}


@pytest.mark.slow  # about a second: 37 cases, three runs each
def test_each_error_of_an_input_is_russian_in_russian_mode(
    here: Path, monkeypatch: pytest.MonkeyPatch, cli: CliRunner, keys_said: set[str]
) -> None:
    english: dict[str, list[str]] = {}
    silent: list[str] = []
    not_recognised: list[str] = []
    for n, (name, case) in enumerate(CASES.items()):
        if NO_SQL and case.args[0] == "sql":
            continue
        folder = here / str(n)
        folder.mkdir()
        build(folder, case)
        monkeypatch.chdir(folder)
        monkeypatch.setenv("XDG_CONFIG_HOME", str(folder / "cfg"))
        for how in ("--lang ru", "LANG=ru", "en"):
            code, err = run(cli, monkeypatch, case, how)
            lines = [line for line in err.splitlines() if line.strip()]
            if code in (0, 3) or not lines:
                silent.append(f"{name} ({how}): exit {code}, {err!r}")
                continue
            found = [w for line in lines for w in words_of(line)]
            if how == "en" and not found:
                not_recognised.append(name)
            elif how != "en" and found:
                english[f"{name} ({how})"] = [*found, err]
    assert silent == []
    assert english == {}, "\n".join(f"{k}: {v}" for k, v in english.items())
    assert not_recognised == []
    reached = keys_said & block_keys()
    assert sorted(block_keys() - reached - set(DIRECT) - NO_SQL) == []
    assert sorted(set(DIRECT) & reached) == []  # a key the command line now reaches: drive it there


# keys no command line reaches on this machine (tests run as root, in a folder that can always be
# listed; the dialect is a choice Click checks first), each raised here by the code that says it
def _folder_unlisted(monkeypatch: pytest.MonkeyPatch, here: Path) -> None:
    (here / "leads").mkdir(parents=True)
    monkeypatch.chdir(here)

    def refuse(self: Path) -> Iterator[Path]:
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))

    monkeypatch.setattr(Path, "iterdir", refuse)
    readers.resolve(["./leads"], None)


def _cannot_read(monkeypatch: pytest.MonkeyPatch, here: Path) -> None:
    class Broken(io.RawIOBase):
        def read(self, size: int = -1) -> bytes:
            raise OSError(errno.EIO, os.strerror(errno.EIO))

    readers.InputStream(cast("IO[bytes]", Broken()), "x.jsonl").read()


def _file_shrank(monkeypatch: pytest.MonkeyPatch, here: Path) -> None:
    here.mkdir(parents=True, exist_ok=True)
    path = here / "x.jsonl"
    path.write_bytes(b"1\n2\n")
    with open(path, "rb", buffering=0) as raw:
        stream = readers.InputStream(raw, "x.jsonl")
        os.truncate(path, 0)  # cut down before a byte of it was read
        stream.read(10)


def _stdin_failed(monkeypatch: pytest.MonkeyPatch, here: Path) -> None:
    def fail() -> bytes:
        raise OSError(errno.EIO, os.strerror(errno.EIO))

    monkeypatch.setattr(answers, "_stdin_bytes", fail)
    answers.read_answers("-", _catalog(here), lang=i18n.detect_language(None))  # as check passes its --lang


def _bad_dialect(monkeypatch: pytest.MonkeyPatch, here: Path) -> None:
    from clientcheck.sql.gen import build as build_sql

    build_sql(_catalog(here), dialect="oracle")


def _needs(monkeypatch: pytest.MonkeyPatch, here: Path) -> None:
    sql.require("no_such_module_for_clientcheck", what="clientcheck sql")


def _csv_error(monkeypatch: pytest.MonkeyPatch, here: Path) -> None:
    import csv

    real = csv.reader

    def reader(stream: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(stream, io.StringIO):  # a row with quotes (the header comes as a list)
            raise csv.Error("a problem only the csv module can name")
        return real(stream, *args, **kwargs)

    monkeypatch.setattr(csv, "reader", reader)
    try:
        catalog = _catalog(here)
        from clientcheck.readers.csvfile import CsvReader

        rows = CsvReader(io.BytesIO(b'client,notes\n"a",b\n'), readers.Source("x.csv", "x.csv", "csv"), catalog)
        for _, record in rows.rows():
            if isinstance(record, ClientcheckError):
                raise record
    finally:
        monkeypatch.setattr(csv, "reader", real)


def _catalog(here: Path) -> Any:
    from clientcheck import loader

    if not (here / "rules.yaml").exists():
        here.mkdir(parents=True, exist_ok=True)
        build(here, Case(()))
    return loader.load_catalog(here / "rules.yaml", here / "questions")


def _busy(monkeypatch: pytest.MonkeyPatch, here: Path) -> None:
    from clientcheck.history import store

    raise store._busy(here / "h.db")


def _cannot_use(monkeypatch: pytest.MonkeyPatch, here: Path) -> None:
    import sqlite3

    from clientcheck.history import store

    exc = sqlite3.OperationalError("unable to open database file")
    exc.sqlite_errorname = "SQLITE_CANTOPEN"
    raise store._problem(here / "h.db", exc)


def _is_dir(monkeypatch: pytest.MonkeyPatch, here: Path) -> None:
    from clientcheck.history.store import History

    here.mkdir(parents=True)
    History.open(here)


def _assessment_damaged(monkeypatch: pytest.MonkeyPatch, here: Path) -> None:
    import sqlite3

    from clientcheck.history.store import History

    History(here / "h.db", sqlite3.connect(":memory:"))._assessment((7, "u", "acme", "not a time", "en", "{", "[]"))


def _no_stdin(monkeypatch: pytest.MonkeyPatch, here: Path) -> None:
    import sys

    from clientcheck.history import transfer

    monkeypatch.setattr(sys, "stdin", None)
    transfer.read_export("-")


def _too_big(monkeypatch: pytest.MonkeyPatch, here: Path) -> None:
    from clientcheck.history import transfer

    here.mkdir(parents=True)
    (here / "x.json").write_text("{}" + " " * 100, encoding="utf-8")
    monkeypatch.setattr(transfer, "MAX_IMPORT_BYTES", 10)
    transfer.read_export(str(here / "x.json"))


def _export_cannot_read(monkeypatch: pytest.MonkeyPatch, here: Path) -> None:
    from clientcheck import files
    from clientcheck.history import transfer

    def fail(*args: Any) -> bytes:
        raise OSError(errno.EIO, os.strerror(errno.EIO))

    here.mkdir(parents=True)
    (here / "x.json").write_text("{}", encoding="utf-8")
    monkeypatch.setattr(files, "read_capped", fail)
    transfer.read_export(str(here / "x.json"))


DIRECT = {
    "history.db.busy": _busy,
    "history.db.cannot_use": _cannot_use,
    "history.db.is_dir": _is_dir,
    "history.db.assessment_damaged": _assessment_damaged,
    "history.export.no_stdin": _no_stdin,
    "history.export.too_big": _too_big,
    "history.export.cannot_read": _export_cannot_read,
    # a record every check passed and SQLite still refused: no export makes one on purpose
    "history.export.refused": None,
    "readers.folder_unlisted": _folder_unlisted,
    "readers.cannot_read": _cannot_read,
    "readers.file_shrank": _file_shrank,
    "answers.stdin_failed": _stdin_failed,
    "sql.bad_dialect": _bad_dialect,
    "sql.needs": _needs,
    "readers.csv_error": _csv_error,
    # DuckDB's paths (check on Parquet): test_parquet_errors_are_russian drives them, slow
    "sql.not_parquet": None,  # test_parquet_errors_are_russian
    "sql.unknown_column": None,  # test_parquet_errors_are_russian
    "sql.parquet_not_file": None,  # test_parquet_errors_are_russian
    "sql.column_case": None,  # test_parquet_errors_are_russian
    "sql.column_twice": None,  # test_parquet_errors_are_russian
    "output.failed": None,  # test_an_output_that_fails_is_said_in_russian
    "output.closed": None,  # test_an_output_that_fails_is_said_in_russian
}


@pytest.mark.parametrize("key", sorted(k for k, v in DIRECT.items() if v is not None and k not in NO_SQL))
def test_the_keys_no_command_line_reaches_are_russian_too(
    key: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, keys_said: set[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    call = DIRECT[key]
    assert call is not None
    said = {}
    for lang in ("ru", "en"):
        i18n.prefer(lang)
        keys_said.clear()
        try:
            with pytest.raises(ClientcheckError) as caught:
                call(monkeypatch, tmp_path / lang)
        finally:
            i18n.prefer(None)
        assert key in keys_said
        said[lang] = str(caught.value)
    assert words_of(said["ru"]) == [], said["ru"]
    assert words_of(said["en"]) != [], said["en"]


# ---------------------------------------------------------------- whole lines, both languages

WHOLE = {
    "note not text": (
        "clientcheck: error: <stdin>:1:2: note: expected your note about the client as text",
        "clientcheck: ошибка: <stdin>:1:2: note: заметка о клиенте должна быть текстом",
    ),
    "not a unit of time": (
        "clientcheck: error: <stdin>:1:2: term_days: 'fortnights' is not a unit of time (h, days, weeks, months,"
        " years); expected a whole number from 0 to 365",
        "clientcheck: ошибка: <stdin>:1:2: term_days: 'fortnights' — не единица времени (ч, дни, недели, месяцы,"
        " годы); нужно целое число от 0 до 365",
    ),
    "too many cells": (
        "x.csv:2: this row has 5 cells, the header has 3",
        "x.csv:2: в этой строке 5 ячеек, а в заголовке 3",
    ),
    "profile set a client question": (
        "clientcheck: error: 'late_payments' is not a question about your business; one of: term_days, currency, min_price,"
        " remote",
        "clientcheck: ошибка: 'late_payments' — не вопрос о вашем бизнесе; вопросы о бизнесе: term_days, currency, min_price,"
        " remote",
    ),
    "newer database": (
        f"clientcheck: error: h.db: written by a newer clientcheck (history schema {SCHEMA_VERSION + 1}; this one"
        f" reads up to {SCHEMA_VERSION}); upgrade clientcheck to use it",
        f"clientcheck: ошибка: h.db: база записана более новой версией clientcheck (схема истории {SCHEMA_VERSION + 1},"
        f" эта версия читает до {SCHEMA_VERSION}); обновите clientcheck",
    ),
    "sql unknown column": (
        "clientcheck: error: --columns: 'late_paymnts' is not a question id; did you mean 'late_payments'?",
        "clientcheck: ошибка: --columns: 'late_paymnts' — не код вопроса; может быть, 'late_payments'?",
    ),
}


@pytest.mark.parametrize("name", sorted(WHOLE))
def test_whole_lines_in_both_languages(name: str, here: Path, monkeypatch: pytest.MonkeyPatch, cli: CliRunner) -> None:
    build(here, CASES[name])
    english, russian = WHOLE[name]
    assert english in run(cli, monkeypatch, CASES[name], "en")[1].splitlines()
    assert russian in run(cli, monkeypatch, CASES[name], "--lang ru")[1].splitlines()
    assert russian in run(cli, monkeypatch, CASES[name], "LANG=ru")[1].splitlines()


def test_plural_forms_of_a_row_with_too_many_cells() -> None:
    said = {n: i18n.t("ru", "readers.row_cells", cells=n, columns=3) for n in (1, 2, 5, 11, 21)}
    assert said == {
        1: "в этой строке 1 ячейка, а в заголовке 3",
        2: "в этой строке 2 ячейки, а в заголовке 3",
        5: "в этой строке 5 ячеек, а в заголовке 3",
        11: "в этой строке 11 ячеек, а в заголовке 3",
        21: "в этой строке 21 ячейка, а в заголовке 3",
    }


@pytest.mark.slow
def test_parquet_errors_are_russian(tmp_path: Path) -> None:
    """check on Parquet (DuckDB, the sql extra), in a process of its own with LANG=ru_RU.UTF-8."""
    pytest.importorskip("duckdb")
    import pyarrow as pa
    import pyarrow.parquet as pq

    build(tmp_path, Case(()))
    pq.write_table(pa.table({"late_payment": [1, 2]}), tmp_path / "x.parquet")
    (tmp_path / "broken.parquet").write_bytes(b"PAR1 not really")
    os.mkfifo(tmp_path / "fifo.parquet")
    pq.write_table(pa.table([[1], [2]], names=["rude", "Rude"]), tmp_path / "case.parquet")
    pq.write_table(pa.table([[1], [2]], names=["rude", "rude"]), tmp_path / "twice.parquet")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANGUAGE", "CLIENTCHECK_"))}
    said = {}
    for lang in ("ru_RU.UTF-8", "C.UTF-8"):
        for name in ("x.parquet", "broken.parquet", "fifo.parquet", "case.parquet", "twice.parquet"):
            done = subprocess.run(
                [sys.executable, "-m", "clientcheck", "check", name, "-f", "jsonl", "-q"],
                env={**env, "LANG": lang},
                cwd=tmp_path,
                capture_output=True,
                text=True,
                timeout=120,
            )
            assert done.returncode == 4, done.stderr
            said[lang, name] = done.stderr.splitlines()[0]
    assert said["ru_RU.UTF-8", "x.parquet"] == (
        "x.parquet: столбец 'late_payment' — не код вопроса; может быть, 'late_payments'?"
    )
    assert (
        said["C.UTF-8", "x.parquet"]
        == "x.parquet: column 'late_payment' is not a question id; did you mean 'late_payments'?"
    )
    assert said["ru_RU.UTF-8", "broken.parquet"] == (
        "broken.parquet: не удаётся прочитать как Parquet (файл повреждён или это не Parquet)"
    )
    assert said["C.UTF-8", "broken.parquet"].startswith("broken.parquet: cannot read as Parquet: ")
    assert said["ru_RU.UTF-8", "fifo.parquet"] == (
        "fifo.parquet: не обычный файл: Parquet читается из файла, а не из канала или устройства"
    )
    assert said["C.UTF-8", "fifo.parquet"] == (
        "fifo.parquet: not a regular file: Parquet is read from a file, not from a pipe or a device"
    )
    assert said["ru_RU.UTF-8", "case.parquet"] == (
        "case.parquet: у столбцов 'rude' и 'Rude' одно имя, если не различать регистр букв, а в запросе он не различается"
    )
    assert said["C.UTF-8", "case.parquet"] == (
        "case.parquet: columns 'rude' and 'Rude' have one name to SQL, which does not tell names apart by case"
    )
    assert said["ru_RU.UTF-8", "twice.parquet"] == "twice.parquet: столбец 'rude' встречается дважды"
    assert said["C.UTF-8", "twice.parquet"] == "twice.parquet: column 'rude' appears twice"
    names = ("x.parquet", "broken.parquet", "fifo.parquet", "case.parquet", "twice.parquet")
    assert [words_of(said["ru_RU.UTF-8", name]) for name in names] == [[], [], [], [], []]


def test_an_output_that_fails_is_said_in_russian(capsys: pytest.CaptureFixture[str]) -> None:
    from clientcheck import cli

    said = {}
    for lang in ("ru", "en"):
        i18n.prefer(lang)
        try:
            assert cli._output_failed(i18n.say("output.closed")) == 5
        finally:
            i18n.prefer(None)
        said[lang] = capsys.readouterr().err
    assert said == {
        "ru": "clientcheck: ошибка: не удаётся записать вывод: стандартный вывод закрыт\n",
        "en": "clientcheck: error: cannot write the output: standard output is closed\n",
    }


def test_the_closing_note_of_a_batch_agrees_with_its_count() -> None:
    said = {c: i18n.t("ru", "batch.skipped", count=c, total=30) for c in (1, 2, 5, 21)}
    assert said == {
        1: "1 из 30 записей с ошибками пропущена (см. выше); остальные оценены",
        2: "2 из 30 записей с ошибками пропущены (см. выше); остальные оценены",
        5: "5 из 30 записей с ошибками пропущены (см. выше); остальные оценены",
        21: "21 из 30 записей с ошибками пропущена (см. выше); остальные оценены",
    }
