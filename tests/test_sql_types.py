"""Issue 14 (tester's finding 1): a Parquet column's type against its question.

A column whose type cannot hold its question's answers makes the file bad, one line a column,
before anything of it is written (exit 4, as an unknown column in a CSV header); every type that
fits is read with the Python path's meaning, so a Parquet file scores as the same answers in
JSON Lines do, bad values included; and no failure of DuckDB's ends in exit 3 or exit 5.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tests.conftest import invoke

duckdb = pytest.importorskip("duckdb", reason="the sql extra is not installed")
pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")
pytest.importorskip("sqlglot")

from clientcheck.sql import duck, guard  # noqa: E402
from clientcheck.sql.coltypes import fits, shape  # noqa: E402

QUESTIONS = """\
section: all
title: All
questions:
  - {id: yn, type: yesno, text: YN}
  - id: ch
    type: choice
    text: CH
    choices: [{id: a, text: A}, {id: b, text: B}]
  - id: mu
    type: multi
    text: MU
    choices: [{id: a, text: A}, {id: b, text: B}, {id: c, text: C}]
  - {id: n, type: integer, text: N, min: 0, max: 1000}
  - {id: big, type: integer, text: BIG}
  - {id: x, type: number, text: X, min: 0}
  - {id: money, type: number, text: M, min: 0, measure: money}
  - {id: tx, type: text, text: TX}
  - {id: d, type: date, text: D}
"""
_WHEN = {
    "yn": "yn",
    "ch": 'ch == "a"',
    "mu": '"b" in mu',
    "n": "n > 3",
    "big": "big > 100",
    "x": "x >= 2.5",
    "money": "money < 200000",
    "tx": 'tx == "5"',
    "d": "days_since(d) > 30",
}
RULES = "\n".join(
    [
        "version: 1",
        "sources: {s: S}",
        "policy: {severities: {low: {weight: 1, label: low}, high: {weight: 3, label: high}},"
        " decline_if: {min_score: 6}, caution_if: {min_score: 2}}",
        "rules:",
        *(
            f"  - {{id: r-{q}, kind: red-flag, source: s, title: T, why: W, advice: A, severity: "
            f"{'high' if i % 2 else 'low'}, when: '{when}'}}"
            for i, (q, when) in enumerate(_WHEN.items())
        ),
    ]
)
SKIPPED = "{n} bad {what} (see above); no client was scored\n"


@pytest.fixture
def rules(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The options that point check at the catalog above (a question of every type)."""
    monkeypatch.setenv("CLIENTCHECK_TODAY", "2026-06-01")
    (tmp_path / "questions").mkdir()
    (tmp_path / "questions" / "10.yaml").write_text(QUESTIONS, encoding="utf-8")
    (tmp_path / "rules.yaml").write_text(RULES, encoding="utf-8")
    return ["--rules", str(tmp_path / "rules.yaml"), "--questions", str(tmp_path / "questions")]


def _copy(path: Path, select: str) -> Path:
    """A Parquet file written by DuckDB itself, its columns as `select` makes them."""
    duckdb.sql(f"COPY (SELECT {select}) TO '{path}' (FORMAT parquet)")
    return path


def _skipped(n: int) -> str:
    return SKIPPED.format(n=n, what="record or input" if n == 1 else "records or inputs")


# ---------------------------------------------------------------- a type that cannot hold the answers

FIT_NUMBER = "types that fit: integer types, FLOAT, DOUBLE, DECIMAL"
REFUSED = [  # column, DuckDB's SELECT, the message after "column 'COLUMN' is "
    ("yn", "'yes'", "VARCHAR (text), but the question is yes/no; types that fit: BOOLEAN"),
    ("yn", "1", "INTEGER (whole number), but the question is yes/no; types that fit: BOOLEAN"),
    ("yn", "[1, 2]", "INTEGER[] (list), but the question is yes/no; types that fit: BOOLEAN"),
    ("yn", "MAP {'a': 1}", "MAP(VARCHAR, INTEGER) (map), but the question is yes/no; types that fit: BOOLEAN"),
    ("yn", "'{}'::JSON", "JSON (JSON), but the question is yes/no; types that fit: BOOLEAN"),
    ("ch", "3", "INTEGER (whole number), but the question is a single choice; types that fit: VARCHAR (a choice id)"),
    (
        "ch",
        "['a']",
        "VARCHAR[] (list of text), but the question is a single choice; types that fit: VARCHAR (a choice id)",
    ),
    ("ch", "uuid()", "UUID (UUID), but the question is a single choice; types that fit: VARCHAR (a choice id)"),
    (
        "mu",
        "3",
        "INTEGER (whole number), but the question is a multiple choice; types that fit: VARCHAR[] (a list of "
        "choice ids), VARCHAR (one)",
    ),
    (
        "mu",
        "[[ 'a' ]]",
        "VARCHAR[][] (list), but the question is a multiple choice; types that fit: VARCHAR[] (a list "
        "of choice ids), VARCHAR (one)",
    ),
    (
        "mu",
        "[true]",
        "BOOLEAN[] (list), but the question is a multiple choice; types that fit: VARCHAR[] (a list of "
        "choice ids), VARCHAR (one)",
    ),
    ("n", "'x'", f"VARCHAR (text), but the question is a whole number; {FIT_NUMBER} (whole values)"),
    ("n", "true", f"BOOLEAN (yes/no), but the question is a whole number; {FIT_NUMBER} (whole values)"),
    (
        "n",
        "'2026-01-01 10:00'::TIMESTAMP",
        f"TIMESTAMP (date and time), but the question is a whole number; {FIT_NUMBER} (whole values)",
    ),
    ("big", "'x'::BLOB", f"BLOB (bytes), but the question is a whole number; {FIT_NUMBER} (whole values)"),
    ("x", "'2026-01-01'::DATE", f"DATE (date), but the question is a number; {FIT_NUMBER}"),
    ("x", "INTERVAL 1 DAY", f"INTERVAL (duration), but the question is a number; {FIT_NUMBER}"),
    (
        "money",
        "'2026-01-01'::DATE",
        f"DATE (date), but the question is a number; {FIT_NUMBER}, VARCHAR with units (150k, 1.5m)",
    ),
    (
        "tx",
        "{'a': 1}",
        "STRUCT(a INTEGER) (structure), but the question is text; types that fit: VARCHAR, integer "
        "types, FLOAT, DOUBLE, DECIMAL",
    ),
    (
        "tx",
        "true",
        "BOOLEAN (yes/no), but the question is text; types that fit: VARCHAR, integer types, FLOAT, DOUBLE, DECIMAL",
    ),
    (
        "d",
        "5",
        "INTEGER (whole number), but the question is a date; types that fit: DATE, TIMESTAMP (without time "
        "zone), VARCHAR (YYYY-MM-DD)",
    ),
    (
        "d",
        "'2026-01-01 10:00+03'::TIMESTAMPTZ",
        "TIMESTAMP WITH TIME ZONE (date and time with time zone), but the "
        "question is a date; types that fit: DATE, TIMESTAMP (without time zone), VARCHAR (YYYY-MM-DD)",
    ),
    (
        "d",
        "'10:00'::TIME",
        "TIME (time of day), but the question is a date; types that fit: DATE, TIMESTAMP (without "
        "time zone), VARCHAR (YYYY-MM-DD)",
    ),
    (
        "client",
        "'x'::BLOB",
        "BLOB (bytes), but it holds the client's name; types that fit: VARCHAR, integer types, FLOAT, DOUBLE, DECIMAL",
    ),
    (
        "client",
        "true",
        "BOOLEAN (yes/no), but it holds the client's name; types that fit: VARCHAR, integer types, "
        "FLOAT, DOUBLE, DECIMAL",
    ),
]


def test_every_type_that_cannot_hold_the_answers_is_said_in_one_line(rules: list[str]) -> None:
    from clientcheck.loader import load_catalog
    from clientcheck.sql.coltypes import problems

    catalog = load_catalog(Path(rules[1]), Path(rules[3]))
    for column, _, said in REFUSED:
        kind = said.split(" (", 1)[0]  # as DuckDB names the type (the test below reads it from real files)
        assert [str(p) for p in problems(catalog, {column: kind}, "f.parquet")] == [
            f"f.parquet: column '{column}' is {said}"
        ]
        assert problems(catalog, {column: '"NULL"'}, "f.parquet") == []


@pytest.mark.slow
def test_a_column_whose_type_cannot_hold_its_answers_makes_the_file_bad_and_nothing_is_written(
    tmp_path: Path, rules: list[str], cli: CliRunner
) -> None:
    paths = [
        _copy(tmp_path / f"bad{i}.parquet", f"{select} AS {column}") for i, (column, select, _) in enumerate(REFUSED)
    ]
    code, out, err = invoke(cli, "check", *map(str, paths), "-f", "jsonl", *rules)
    assert (code, out) == (4, "")
    lines = [f"{path}: column '{column}' is {said}\n" for path, (column, _, said) in zip(paths, REFUSED, strict=True)]
    assert err == "".join(lines) + _skipped(len(REFUSED))


def test_the_csv_output_of_a_bad_file_is_that_of_a_bad_csv_header(
    tmp_path: Path, rules: list[str], cli: CliRunner
) -> None:
    path = _copy(tmp_path / "p.parquet", "'c' AS client, 'yes' AS yn")
    code, out, err = invoke(cli, "check", str(path), "-f", "csv", *rules)
    (tmp_path / "h.csv").write_text("client,ynn\nc,yes\n", encoding="utf-8")
    assert (code, out) == invoke(cli, "check", str(tmp_path / "h.csv"), "-f", "csv", *rules)[:2]
    assert out.count("\n") == 1  # the header: no row of the bad file, and no half of one
    assert err == f"{path}: column 'yn' is VARCHAR (text), but the question is yes/no; types that fit: BOOLEAN\n" + (
        _skipped(1)
    )


def test_every_column_of_the_file_is_named_in_its_order_unknown_ones_too(
    tmp_path: Path, rules: list[str], cli: CliRunner
) -> None:
    path = _copy(tmp_path / "p.parquet", "'yes' AS yn, 1 AS nn, 'a' AS ch, 3 AS advance, 2 AS client")
    code, out, err = invoke(cli, "check", str(path), "-f", "jsonl", *rules)
    assert (code, out) == (4, "")
    assert err == (
        f"{path}: column 'yn' is VARCHAR (text), but the question is yes/no; types that fit: BOOLEAN\n"
        f"{path}: column 'nn' is not a question id; did you mean 'n'?\n"
        f"{path}: column 'advance' is not a question id\n" + _skipped(1)
    )


def test_a_column_name_that_comes_twice_in_any_case_is_named_as_the_file_has_it(
    tmp_path: Path, rules: list[str], cli: CliRunner
) -> None:
    """DuckDB renames the second of two names that are one to SQL (`N`, `n`) to `n_1`: the
    messages name the columns as the file has them, and the file is bad, as a CSV header with a
    name twice; a nested column's fields are not columns."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    arrays = [pa.array(["c"]), pa.array([1]), pa.array([2]), pa.array([{"a": 1, "b": [1]}]), pa.array([3])]
    pq.write_table(pa.table(arrays, names=["client", "N", "n", "s", "n"]), tmp_path / "p.parquet")
    path = tmp_path / "p.parquet"
    code, out, err = invoke(cli, "check", str(path), "-f", "jsonl", *rules)
    assert (code, out) == (4, "")
    assert err == (
        f"{path}: columns 'N' and 'n' have one name to SQL, which does not tell names apart by case\n"
        f"{path}: column 'n' appears twice\n"
        f"{path}: column 'N' is not a question id; did you mean 'n'?\n"
        f"{path}: column 's' is not a question id\n" + _skipped(1)
    )


def test_a_row_longer_than_a_json_lines_line_may_be_is_a_bad_record(
    tmp_path: Path, rules: list[str], cli: CliRunner
) -> None:
    """A Parquet row's texts (its list items too) may be as long as a line of JSON Lines or a row
    of CSV, 1,000 kB in all; a longer row is a bad record, in every format, and the rest is scored."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    client = ["a", "b" * 500_000, "c", "d"]
    tx = ["x" * 999_000, "y", "z" * 1_000_000, None]  # row 1: 999,002 bytes in all
    mu = [["a"], ["q" * 500_000], ["a"], None]
    path = tmp_path / "p.parquet"
    pq.write_table(pa.table({"client": client, "tx": tx, "mu": mu}), path)
    for fmt in ("jsonl", "csv"):
        code, out, err = invoke(cli, "check", str(path), "-f", fmt, *rules)
        assert (code, err) == (
            4,
            f"{path}:2: this row is longer than 1000 kB\n"
            f"{path}:3: this row is longer than 1000 kB\n"
            "2 of 4 records were bad and skipped (see above); the others were scored\n",
        )
        rows = out.splitlines()[1:] if fmt == "csv" else out.splitlines()
        assert [row.split(",")[1] if fmt == "csv" else row.split('"line":')[1].split(",")[0] for row in rows] == [
            "1",
            "4",
        ]


@pytest.mark.slow
def test_a_bad_file_costs_that_file_only(tmp_path: Path, rules: list[str], cli: CliRunner) -> None:
    bad = _copy(tmp_path / "bad.parquet", "'c' AS client, 'x' AS n")
    good = _copy(tmp_path / "good.parquet", "* FROM (VALUES ('A', 5, true), ('B', 1, false)) t(client, n, yn)")
    alone = invoke(cli, "check", str(good), "-f", "jsonl", *rules)
    code, out, err = invoke(cli, "check", str(bad), str(good), "-f", "jsonl", *rules)
    assert alone[0] == 0 and out == alone[1] and out.count("\n") == 2
    assert code == 4
    assert err == (
        f"{bad}: column 'n' is VARCHAR (text), but the question is a whole number; {FIT_NUMBER} (whole values)\n"
        "1 of 3 records was bad and skipped (see above); the others were scored\n"
    )


def test_the_messages_in_russian(tmp_path: Path, rules: list[str], cli: CliRunner) -> None:
    one = _copy(tmp_path / "one.parquet", "'yes' AS yn, '2026-01-01'::DATE AS money")
    two = _copy(tmp_path / "two.parquet", "'x'::BLOB AS client, [1] AS mu, 2 AS d")
    code, out, err = invoke(cli, "check", str(one), str(two), "-f", "jsonl", "--lang", "ru", *rules)
    assert (code, out) == (4, "")
    numbers = "целочисленные типы, FLOAT, DOUBLE, DECIMAL"
    assert err == (
        f"{one}: столбец 'yn' типа VARCHAR (текст), а ответ на вопрос — да/нет; подходящие типы: BOOLEAN\n"
        f"{one}: столбец 'money' типа DATE (дата), а ответ на вопрос — число; подходящие типы: {numbers}, VARCHAR с "
        "единицами (150 тыс, 1,5 млн)\n"
        f"{two}: столбец 'client' типа BLOB (байты), а в нём имя клиента; подходящие типы: VARCHAR, {numbers}\n"
        f"{two}: столбец 'mu' типа INTEGER[] (список), а ответ на вопрос — несколько вариантов; подходящие типы: "
        "VARCHAR[] (список кодов вариантов), VARCHAR (один код)\n"
        f"{two}: столбец 'd' типа INTEGER (целое число), а ответ на вопрос — дата; подходящие типы: DATE, TIMESTAMP "
        "(без часового пояса), VARCHAR (ГГГГ-ММ-ДД)\n"
        "2 записи или источника с ошибками (см. выше); ни один клиент не оценён\n"
    )


@pytest.mark.parametrize(
    ("kind", "found"),
    [
        ('"NULL"', "null"),
        ("BOOLEAN", "bool"),
        ("UHUGEINT", "int"),
        ("DECIMAL(38,0)", "float"),
        ("FLOAT", "float"),
        ("VARCHAR", "text"),
        ("VARCHAR[]", "texts"),
        ("VARCHAR[3]", "texts"),
        ('"NULL"[]', "nulls"),
        ("VARCHAR[][]", "list"),
        ("STRUCT(a VARCHAR[])", "struct"),
        ("STRUCT(a INTEGER)[]", "list"),
        ("TIMESTAMP_NS", "timestamp"),
        ("TIMESTAMP WITH TIME ZONE", "moment"),
        ("TIME WITH TIME ZONE", "time"),
        ("GEOMETRY", "other"),
    ],
)
def test_the_shape_of_a_duckdb_type(kind: str, found: str) -> None:
    assert shape(kind) == found


def test_a_column_of_nulls_fits_every_question_and_a_long_type_is_cut() -> None:
    from clientcheck.loader import load_catalog

    catalog = load_catalog()
    assert all(fits(q, '"NULL"') for q in catalog.questions.values()) and fits(None, '"NULL"')
    from clientcheck.sql.coltypes import problems

    struct = "STRUCT(" + ", ".join(f"field{i} INTEGER" for i in range(20)) + ")"
    (problem,) = problems(catalog, {"rude": struct}, "f.parquet")
    assert str(problem) == (
        "f.parquet: column 'rude' is STRUCT(field0 INTEGER, field1 INTEGER, field2 INTEGER, fiel… (structure), "
        "but the question is yes/no; types that fit: BOOLEAN"
    )


# ---------------------------------------------------------------- the types that fit: as JSON Lines

EPOCH = dt.date(1970, 1, 1)
NS_DAY_END = (dt.datetime(2026, 1, 2, 23, 59, 59) - dt.datetime(1970, 1, 1)).days * 86_400_000_000_000 + (
    (23 * 3600 + 59 * 60 + 59) * 10**9 + 999_999_999
)


def _days(day: dt.date) -> int:
    return (day - EPOCH).days


# file -> {column: (Arrow array, the same answers as JSON values, None: not answered)}
FITTING: dict[str, dict[str, tuple[Any, list[Any]]]] = {
    "yn": {"yn": (pa.array([True, False, None]), [True, False, None])},
    "ch": {"ch": (pa.array(["a", "b", "z", None]), ["a", "b", "z", None])},
    "ch_dict": {"ch": (pa.array(["a", "b", "a"]).dictionary_encode(), ["a", "b", "a"])},
    "ch_large": {"ch": (pa.array(["b", "A"], pa.large_string()), ["b", "A"])},
    "mu": {
        "mu": (
            pa.array([["a", "b"], [], ["a", "a"], ["z"], [None], None], pa.list_(pa.string())),
            [["a", "b"], [], ["a", "a"], ["z"], [None], None],
        )
    },
    "mu_one": {"mu": (pa.array(["b", "z", None]), ["b", "z", None])},
    "mu_nulls": {"mu": (pa.array([[], None, [None]], pa.list_(pa.null())), [[], None, [None]])},
    "n_int8": {"n": (pa.array([1, -1, 7, None], pa.int8()), [1, -1, 7, None])},
    "n_uint64": {"n": (pa.array([5, 2**64 - 1], pa.uint64()), [5, 2**64 - 1])},
    "n_double": {
        "n": (
            pa.array([2.0, 4.0, 2.5, math.nan, math.inf, 1e300, None]),
            [2.0, 4.0, 2.5, math.nan, math.inf, 1e300, None],
        )
    },
    "n_float": {"n": (pa.array([3.0, 0.5, 1001.0], pa.float32()), [3.0, 0.5, 1001.0])},
    "n_decimal": {"n": (pa.array([Decimal("4.00"), Decimal("4.50")], pa.decimal128(10, 2)), [4, 4.5])},
    "big": {
        "big": (
            pa.array([2**53 + 1, 10**15, 10**15 + 1, -(10**15) - 1, None], pa.int64()),
            [2**53 + 1, 10**15, 10**15 + 1, -(10**15) - 1, None],
        )
    },
    "big_uint64": {"big": (pa.array([2**63 + 5, 101], pa.uint64()), [2**63 + 5, 101])},
    "big_decimal": {"big": (pa.array([Decimal(10**20), Decimal(200)], pa.decimal128(38, 0)), [10**20, 200])},
    "x": {"x": (pa.array([2.5, -1.0, math.nan, 1.0, None]), [2.5, -1.0, math.nan, 1.0, None])},
    "x_int": {"x": (pa.array([7, 2], pa.int32()), [7, 2])},
    "x_float": {"x": (pa.array([0.1, 2.5], pa.float32()), [float(pa.scalar(0.1, pa.float32()).as_py()), 2.5])},
    "x_decimal": {"x": (pa.array([Decimal("2.5"), Decimal("0.1")], pa.decimal128(5, 1)), [2.5, 0.1])},
    "money": {
        "money": (pa.array(["150k", "12 apples", "1,5 млн", "-5", None]), ["150k", "12 apples", "1,5 млн", "-5", None])
    },
    "money_double": {"money": (pa.array([100.0, 300000.0]), [100.0, 300000.0])},
    "tx": {"tx": (pa.array(["hello", "5", "tab\there", None]), ["hello", "5", "tab\there", None])},
    "tx_int": {"tx": (pa.array([5, -3], pa.int64()), [5, -3])},
    "tx_uint64": {"tx": (pa.array([2**64 - 1], pa.uint64()), [2**64 - 1])},
    "tx_double": {"tx": (pa.array([5.0, 2.5, 1e16]), [5.0, 2.5, 1e16])},
    "tx_decimal": {"tx": (pa.array([Decimal("1.10"), Decimal("4.00")], pa.decimal128(4, 2)), [1.1, 4.0])},
    "client_decimal": {"client": (pa.array([Decimal("7.00")], pa.decimal128(4, 2)), [7.0])},
    "d": {
        "d": (
            pa.array([_days(dt.date(2026, 1, 1)), _days(dt.date(2026, 5, 30)), None], pa.date32()),
            ["2026-01-01", "2026-05-30", None],
        )
    },
    "d_far": {
        "d": (
            pa.array(
                [_days(dt.date(9999, 12, 31)) + 1, _days(dt.date(1, 1, 1)) - 1, _days(dt.date(1, 1, 1))], pa.date32()
            ),
            ["10000-01-01", "0000-12-31", "0001-01-01"],
        )
    },
    "d_timestamp": {
        "d": (
            pa.array([dt.datetime(2026, 1, 2, 23, 59), dt.datetime(2026, 5, 31, 0, 0)], pa.timestamp("us")),
            ["2026-01-02", "2026-05-31"],
        )
    },
    "d_timestamp_ns": {"d": (pa.array([NS_DAY_END], pa.timestamp("ns")), ["2026-01-02"])},
    "d_timestamp_s": {"d": (pa.array([dt.datetime(2026, 1, 2, 12)], pa.timestamp("s")), ["2026-01-02"])},
    "d_text": {
        "d": (
            pa.array(["2026-01-01", " 2026-01-01 ", "0000-01-01", "2026-02-30", "01.02.2026", "2026-1-1"]),
            ["2026-01-01", " 2026-01-01 ", "0000-01-01", "2026-02-30", "01.02.2026", "2026-1-1"],
        )
    },
    "client": {
        "client": (pa.array(["A", "B\x01", None]), ["A", "B\x01", None]),
        "yn": (pa.array([True] * 3), [True] * 3),
    },
    "client_int": {"client": (pa.array([12, 2**64 - 1], pa.uint64()), [12, 2**64 - 1])},
    "client_double": {"client": (pa.array([1.5, 2.0]), [1.5, 2.0])},
    "nulls": {
        name: (pa.array([None, None], pa.null()), [None, None])
        for name in ("client", "yn", "ch", "mu", "n", "big", "x", "money", "tx", "d")
    },
}


def _files(folder: Path) -> tuple[list[str], list[str]]:
    """FITTING as Parquet files and as JSON Lines files of the same answers (NULL: left out)."""
    parquet, jsonl = [], []
    folder.mkdir()
    for name, columns in FITTING.items():
        pq.write_table(pa.table({column: array for column, (array, _) in columns.items()}), folder / f"{name}.parquet")
        rows = len(next(iter(columns.values()))[1])
        lines = []
        for i in range(rows):
            record = {column: values[i] for column, (_, values) in columns.items() if values[i] is not None}
            lines.append(json.dumps(record, ensure_ascii=False) + "\n")  # NaN and Infinity: as Python reads them
        (folder / f"{name}.jsonl").write_text("".join(lines), encoding="utf-8")
        parquet.append(str(folder / f"{name}.parquet"))
        jsonl.append(str(folder / f"{name}.jsonl"))
    return parquet, jsonl


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["jsonl", "csv", "json"])
def test_every_type_that_fits_scores_as_the_same_answers_in_json_lines(
    tmp_path: Path, rules: list[str], cli: CliRunner, fmt: str
) -> None:
    parquet, jsonl = _files(tmp_path / "in")
    code, out, err = invoke(cli, "check", *parquet, "-f", fmt, *rules)
    want = invoke(cli, "check", *jsonl, "-f", fmt, "--engine", "python", *rules)
    out, err = (text.replace(".parquet", ".jsonl") for text in (out, err))
    assert code == want[0] == 4
    assert err == want[2]
    if fmt == "json":  # the answers as read: 2.0 from a DOUBLE column where JSON says 2
        assert json.loads(out) == json.loads(want[1])
    else:
        assert out == want[1]
    assert err.count("\n") > 30  # the bad values of every kind, each reported where it is


@pytest.mark.slow
def test_a_few_fitting_types_score_in_duckdb_where_python_would(
    tmp_path: Path, rules: list[str], cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The cases above that DuckDB passes itself (no row of these goes the Python way), one run."""
    table = pa.table(
        {
            "client": pa.array([7, 8], pa.int32()),
            "tx": pa.array([5, 6], pa.int64()),
            "n": pa.array([4.0, 2.0], pa.float32()),
            "mu": pa.array([[], []], pa.list_(pa.null())),
            "d": pa.array([NS_DAY_END, NS_DAY_END], pa.timestamp("ns")),
            "yn": pa.array([None, None], pa.null()),
        }
    )
    pq.write_table(table, tmp_path / "p.parquet")
    ran: list[int] = []
    real = duck.DuckRunner._ordinary

    def ordinary(self: Any, *args: Any) -> None:
        ran.append(1)
        real(self, *args)

    monkeypatch.setattr(duck.DuckRunner, "_ordinary", ordinary)
    code, out, err = invoke(cli, "check", str(tmp_path / "p.parquet"), "-f", "jsonl", "--fail-on", "never", *rules)
    assert (code, err, ran) == (0, "", [])
    records = [json.loads(line) for line in out.splitlines()]
    assert [r["client"] for r in records] == ["7", "8"]
    assert [[f["id"] for f in r["findings"]] for r in records] == [["r-n", "r-tx", "r-d"], ["r-d"]]


# ---------------------------------------------------------------- DuckDB failing while it runs


@pytest.mark.slow
def test_a_value_duckdb_cannot_read_costs_that_file_only(tmp_path: Path, rules: list[str], cli: CliRunner) -> None:
    broken = pa.array([b"a", b"\xff\xfe"], pa.binary()).view(pa.string())  # not UTF-8, written unchecked
    pq.write_table(pa.table({"ch": broken}), tmp_path / "bad.parquet")
    good = _copy(tmp_path / "good.parquet", "'A' AS client, 5 AS n")
    code, out, err = invoke(cli, "check", str(tmp_path / "bad.parquet"), str(good), "-f", "jsonl", *rules)
    assert code == 4 and out.count("\n") == 1 and '"client":"A"' in out
    assert err == (
        f"{tmp_path / 'bad.parquet'}: DuckDB could not score it: Invalid Input Error: Invalid string encoding found "
        f'in Parquet file "{tmp_path / "bad.parquet"}": value "\\xFF\\xFE" is not valid UTF8!\n'
        "1 of 2 records was bad and skipped (see above); the others were scored\n"
    )
    code, _, err = invoke(cli, "check", str(tmp_path / "bad.parquet"), "-f", "jsonl", "--lang", "ru", *rules)
    assert (code, err.splitlines()[0]) == (4, f"{tmp_path / 'bad.parquet'}: DuckDB не смог обработать файл")


class _Failing:
    """A relation whose stream gives its first batch and then fails as DuckDB's does (pyarrow's
    OSError): a failure in the middle of a result cannot be made to happen on purpose."""

    def __init__(self, relation: Any, size: list[int]) -> None:
        self.relation = relation
        self.size = size

    def to_arrow_reader(self, size: int) -> Any:
        self.size.append(size)
        reader = self.relation.to_arrow_reader(size)
        first = reader.read_next_batch()

        class Reader:
            calls = 0

            def read_next_batch(self) -> Any:
                self.calls += 1
                if self.calls == 1:
                    return first
                raise OSError("IO Error: the disk went away\n\nLINE 1: more detail")

        return Reader()


@pytest.fixture
def failing(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Every query's stream fails after its first batch of 2 rows."""
    sizes: list[int] = []
    real = guard.Watched.__init__

    def init(self: guard.Watched, cursor: Any, query: str, params: dict[str, str]) -> None:
        real(self, cursor, query, params)
        self.relation = _Failing(self.relation, sizes)

    monkeypatch.setattr(guard.Watched, "__init__", init)
    monkeypatch.setattr(duck, "FETCH", 2)
    monkeypatch.setattr(duck, "FETCH_OUTCOMES", 2)
    return sizes


@pytest.mark.slow
def test_duckdb_failing_in_the_middle_of_a_parquet_file_says_where(
    tmp_path: Path, rules: list[str], cli: CliRunner, failing: list[int]
) -> None:
    path = _copy(tmp_path / "p.parquet", "* FROM (VALUES ('A', 5), ('B', 1), ('C', 2), ('D', 9)) t(client, n)")
    code, out, err = invoke(cli, "check", str(path), "-f", "csv", *rules)
    assert failing == [2] and code == 4
    assert [line.split(",")[2] for line in out.splitlines()] == ["client", "A", "B"]
    assert err == (
        f"{path}: DuckDB stopped after 2 rows of it: IO Error: the disk went away; the rest of the file was not "
        "scored\n1 of 3 records was bad and skipped (see above); the others were scored\n"
    )
    code, _, err = invoke(cli, "check", str(path), "-f", "csv", "--lang", "ru", *rules)
    assert err.splitlines()[0] == f"{path}: DuckDB остановился после 2 строк файла; остальные строки не оценены"


@pytest.mark.slow
@pytest.mark.parametrize("engine_input", ["jsonl", "csv"])
def test_duckdb_failing_on_json_lines_or_csv_leaves_the_rest_to_python_and_nothing_is_lost(
    tmp_path: Path, rules: list[str], cli: CliRunner, failing: list[int], engine_input: str
) -> None:
    if engine_input == "jsonl":
        text = "".join(f'{{"client": "c{i}", "n": {i}, "yn": {str(i % 2 == 0).lower()}}}\n' for i in range(7))
        text += '{"n": "bad"}\n\n{"client": "last", "d": "2026-01-01"}\n'
    else:
        text = "client,n,yn\n" + "".join(f"c{i},{i},{'yes' if i % 2 else 'no'}\n" for i in range(7)) + "x,bad,no\n"
    path = tmp_path / f"in.{engine_input}"
    path.write_text(text, encoding="utf-8")
    ours = invoke(cli, "check", str(path), "-f", "jsonl", "--engine", "duckdb", *rules)
    assert failing == [2]  # DuckDB gave two rows, then failed: the rest went the Python way
    assert ours == invoke(cli, "check", str(path), "-f", "jsonl", "--engine", "python", *rules)
    assert ours[0] == 4 and ours[1].count("\n") == (8 if engine_input == "jsonl" else 7)


def test_a_query_duckdb_refuses_and_ctrl_c_while_it_runs() -> None:
    con = duckdb.connect()
    with pytest.raises(guard.Stopped) as caught:
        guard.Watched(con.cursor(), "SELECT nope")
    assert (
        caught.value.problem
        == 'Binder Error: Referenced column "nope" was not found because the FROM clause is missing'
    )
    interrupts = (
        duckdb.InterruptException("INTERRUPT Error: Interrupted!"),
        OSError("INTERRUPT Error: Interrupted!"),
        RuntimeError("Query interrupted"),  # what DuckDB 2.0 raises when a Ctrl-C lands as a query starts
    )
    for interrupted in interrupts:
        with pytest.raises(KeyboardInterrupt), guard.caught():
            raise interrupted
    watched = guard.Watched(con.cursor(), "SELECT i FROM range(5) t(i)")
    assert [b.num_rows for b in watched.to_arrow_reader(2)] == [2, 2, 1]
    assert (watched.rows, watched.last) == (5, 4)


@pytest.mark.slow
def test_an_answer_past_ten_to_the_fifteen_is_refused_by_every_path(
    tmp_path: Path, rules: list[str], cli: CliRunner
) -> None:
    """answers.coerce refuses it; the compiled checks, msgspec's bounds and the DuckDB check did not
    for a question without bounds of its own, so a batch scored in JSON Lines what --format json refused."""
    big = ['{"big": 9007199254740993}', '{"big": -1000000000000001}', '{"x": 1e16}', '{"big": 1000000000000000}']
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(big) + "\n", encoding="utf-8")
    said = (
        f"{path}:1: big: 9007199254740993 is too large; expected a whole number\n"
        f"{path}:2: big: -1000000000000001 is too large; expected a whole number\n"
        f"{path}:3: x: 1e+16 is too large; expected a number of at least 0\n"
        "3 of 4 records were bad and skipped (see above); the others were scored\n"
    )
    for engine in ("python", "duckdb"):
        for fmt in ("jsonl", "csv", "json"):
            code, out, err = invoke(cli, "check", str(path), "-f", fmt, "--engine", engine, "--jobs", "1", *rules)
            assert (code, err) == (4, said), (engine, fmt)
            scored = len(json.loads(out)["results"]) if fmt == "json" else out.count("\n") - (fmt == "csv")
            assert scored == 1, (engine, fmt)  # 10**15 itself is an answer


@pytest.mark.slow
def test_a_note_column_is_the_note_about_the_client_as_in_every_other_format(
    tmp_path: Path, rules: list[str], cli: CliRunner
) -> None:
    """`note` is a key of answers files and JSON Lines and a CSV column; Parquet refused it."""
    text = _copy(tmp_path / "text.parquet", "'c' AS client, 'call back in May' AS note, true AS yn")
    lines = tmp_path / "text.jsonl"
    lines.write_text('{"client": "c", "note": "call back in May", "yn": true}\n', encoding="utf-8")
    for fmt in ("jsonl", "json"):
        code, out, err = invoke(cli, "check", str(text), "-f", fmt, *rules)
        want = invoke(cli, "check", str(lines), "-f", fmt, *rules)
        assert (code, out.replace(str(text), str(lines)), err) == want
    assert '"note": "call back in May"' in out  # the json format's verdicts carry it
    number = _copy(tmp_path / "number.parquet", "'c' AS client, 5 AS note")
    for lang, said in (
        (
            "en",
            "column 'note' is INTEGER (whole number), but the note about the client is text; types that fit: VARCHAR",
        ),
        ("ru", "столбец 'note' типа INTEGER (целое число), а заметка о клиенте — текст; подходящие типы: VARCHAR"),
    ):
        code, out, err = invoke(cli, "check", str(number), "-f", "jsonl", "--lang", lang, *rules)
        assert (code, out, err.splitlines()[0]) == (4, "", f"{number}: {said}")
