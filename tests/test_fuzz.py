"""Fuzzing (hypothesis): whatever the input, only clientcheck's own errors come out (never an
internal error, exit 3), and a bad record in a batch costs that record only.

Covers the answers readers (YAML, JSON, JSON Lines, CSV), the rules and questions loader and
`import`. Marked slow so that a quick edit-test loop can leave it out (`-m 'not slow'`); the
whole module stays well under a minute, as CI runs it.
"""

from __future__ import annotations

import io
import json
import os
import string
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clientcheck.answers import parse_answers_text
from clientcheck.batch import Reporter, Runner
from clientcheck.compiled import Result
from clientcheck.errors import ClientcheckError
from clientcheck.evaluate import evaluate
from clientcheck.formats import BaseSink
from clientcheck.history import History, import_records, validate_export
from clientcheck.loader import load_catalog
from clientcheck.model import Catalog
from clientcheck.readers import Source
from tests.conftest import SMALL_QUESTIONS, SMALL_RULES
from tests.hostile import assessment

pytestmark = pytest.mark.slow

# CLIENTCHECK_FUZZ_EXAMPLES=2000 for a longer hunt than CI's
FUZZ = settings(
    max_examples=int(os.environ.get("CLIENTCHECK_FUZZ_EXAMPLES", "120")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def catalog_of(rules: str, questions: str) -> Catalog:
    """The catalog of a rules file and a questions file with these texts. The folder they are
    written to goes as soon as they are read (the catalog holds all it needs): a test run leaves
    nothing behind, and the strategies below can use the catalog while the module is imported."""
    with tempfile.TemporaryDirectory(prefix="clientcheck-fuzz-") as tmp:
        here = Path(tmp)
        (here / "questions").mkdir()
        (here / "rules.yaml").write_text(rules, encoding="utf-8")
        (here / "questions" / "10-x.yaml").write_text(questions, encoding="utf-8")
        return load_catalog(here / "rules.yaml", here / "questions")


CATALOG = catalog_of(SMALL_RULES, SMALL_QUESTIONS)

# values that broke clientcheck once, and their neighbours: hostile YAML / JSON scalars
NASTY_YAML = [
    "!!bool maybe",
    "!!int 1.5",
    "!!float x",
    "!!str",
    "!!null x",
    "!!timestamp nope",
    "9" * 5000,
    "-" + "9" * 400,
    ".nan",
    ".inf",
    "-.inf",
    "1:30",
    "010",
    "0x1F",
    "0b101",
    "1_000",
    "{a: 1}",
    "[[x]]",
    "[decline]",
    "~",
    "yes",
    "'\\ud800'",
    '"\\ud800"',
    '"\\x00"',
    "\u202eabc",
    "*a",
    "&a x",
    "!!python/object/apply:os.system [x]",
    "[" * 80,
    "{" * 80,
    "|\n  two\n  lines",
    "'\x1b[31mred'",
]
NASTY_JSON = [
    "NaN",
    "Infinity",
    "-Infinity",
    "9" * 5000,
    "1e999",
    '"\\ud800"',
    '"\\udc00x"',
    '"\\u202e"',
    "[" * 3000 + "]" * 3000,
    '{"a": 1, "a": 2}',
    "[[]]",
    "{}",
    "null",
    "true",
    "-0",
    "1.5",
    '"x\\u0000y"',
]
QUESTIONS = list(CATALOG.questions)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=10,
)


def only_our_errors(action: Any) -> Any:
    try:
        return action()
    except ClientcheckError as exc:
        assert str(exc), "an error says something"
        return exc


def render_everything(answers: Any, catalog: Catalog = CATALOG) -> None:
    """A set of answers that was accepted also goes through every renderer without an error."""
    from clientcheck import emit, formats

    verdict = evaluate(catalog, answers)
    for fmt in formats.names():
        out = io.StringIO()
        emit.show(fmt, verdict, formats.Output(catalog, catalog.rules, "en", out))
        out.getvalue().encode("utf-8")  # what a UTF-8 terminal or file takes: no lone surrogate


# ---------------------------------------------------------------- one answers file


@FUZZ
@given(st.text(max_size=300))
def test_any_text_as_yaml_or_json_answers(text: str) -> None:
    for fmt in ("yaml", "json"):
        result = only_our_errors(lambda fmt=fmt: parse_answers_text(text, "a", fmt, CATALOG))
        if not isinstance(result, ClientcheckError):
            render_everything(result)


@FUZZ
@given(st.dictionaries(st.sampled_from([*QUESTIONS, "client", "zz"]), st.sampled_from(NASTY_YAML), max_size=4))
def test_hostile_yaml_values(values: dict[str, str]) -> None:
    text = "".join(f"{key}: {value}\n" for key, value in values.items())
    result = only_our_errors(lambda: parse_answers_text(text, "a.yaml", "yaml", CATALOG))
    if not isinstance(result, ClientcheckError):
        render_everything(result)


@FUZZ
@given(st.dictionaries(st.sampled_from([*QUESTIONS, "client", "zz"]), st.sampled_from(NASTY_JSON), max_size=4))
def test_hostile_json_values(values: dict[str, str]) -> None:
    text = "{" + ", ".join(f"{json.dumps(key)}: {value}" for key, value in values.items()) + "}"
    result = only_our_errors(lambda: parse_answers_text(text, "a.json", "json", CATALOG))
    if not isinstance(result, ClientcheckError):
        render_everything(result)


@FUZZ
@given(st.dictionaries(st.sampled_from([*QUESTIONS, "client"]), json_values, max_size=6))
def test_any_json_data_as_answers(data: dict[str, Any]) -> None:
    text = json.dumps(data)
    result = only_our_errors(lambda: parse_answers_text(text, "a.json", "json", CATALOG))
    if not isinstance(result, ClientcheckError):
        render_everything(result)


# ---------------------------------------------------------------- batches: a bad record costs itself only


class Counted(BaseSink):
    def __init__(self) -> None:
        self.lines: list[int] = []

    def add(self, r: Result, line: int) -> None:
        self.lines.append(line)


def good_record() -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {},
        optional={
            "client": st.text(alphabet=string.ascii_letters + " ,;\"'\n\u202e=+-@", min_size=1, max_size=12).filter(
                str.strip
            ),
            "worked_before": st.booleans(),
            "late_payments": st.integers(0, 100),
            "advance": st.sampled_from(["none", "partial"]),
            "asks": st.lists(st.sampled_from(["free_sample", "discount"]), unique=True),
            "cost": st.integers(-(10**9), 10**9),
            "revenue": st.floats(-1e9, 1e9, allow_nan=False),
            "notes": st.text(max_size=30),
        },
    )


JSONL_CORRUPTIONS = [
    lambda line: line[:-1],  # cut short
    lambda line: line.replace(b"{", b'{"zz_unknown": 1, ', 1),
    lambda line: b"\xff" + line,
    lambda line: line.replace(b"}", b', "cost": "lots"}', 1) if b'"cost"' not in line else line[:-2],
    lambda line: b"[" + line + b"]",
    lambda line: b'{"notes": "\\ud800"}',
    lambda line: b'{"cost": ' + b"9" * 5000 + b"}",
    lambda line: b'{"a": 1, "a": 2}',
]


def run_batch(data: bytes, fmt: str) -> tuple[list[int], int, str]:
    with tempfile.NamedTemporaryFile(suffix=f".{fmt}") as f:
        f.write(data)
        f.flush()
        sink, messages = Counted(), io.StringIO()
        runner = Runner(CATALOG, CATALOG.rules, sink, Reporter(messages, "en", True, None))
        bad = runner.run([Source(f.name, "in", fmt)])
    return sink.lines, bad, messages.getvalue()


@FUZZ
@given(st.lists(st.tuples(good_record(), st.none() | st.sampled_from(range(len(JSONL_CORRUPTIONS)))), max_size=25))
def test_jsonl_a_bad_line_costs_that_line_only(records: list[tuple[dict[str, Any], int | None]]) -> None:
    lines, expected_good, expected_bad = [], [], []
    for i, (record, corrupt) in enumerate(records, start=1):
        line = json.dumps(record, ensure_ascii=False).encode()
        if corrupt is not None:
            line = JSONL_CORRUPTIONS[corrupt](line)
            expected_bad.append(i)
        else:
            expected_good.append(i)
        lines.append(line)
    scored, bad, said = run_batch(b"\n".join(lines) + b"\n", "jsonl")
    assert scored == expected_good
    assert bad == len(expected_bad)
    assert sorted({int(m.split(":")[1]) for m in said.splitlines()}) == expected_bad


COLUMNS = ["client", "worked_before", "late_payments", "advance", "asks", "cost", "revenue", "notes"]


def csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ";".join(value) if value else "[]"
    text = str(value)
    if any(c in text for c in ',"\n\r') or text != text.strip():
        return '"' + text.replace('"', '""') + '"'
    return text


CSV_CORRUPTIONS = [
    lambda cells: [*cells[:5], '"12', *cells[6:]],  # a quote left open before a number
    lambda cells: [*cells[:2], "lots", *cells[3:]],  # not a number
    lambda cells: [*cells, "extra", "cells"],
    lambda cells: [*cells[:3], "maybe-not", *cells[4:]],  # not a choice
    lambda cells: [*cells[:5], '"1"x', *cells[6:]],  # text after a closing quote
]


@FUZZ
@given(st.lists(st.tuples(good_record(), st.none() | st.sampled_from(range(len(CSV_CORRUPTIONS) + 1))), max_size=25))
def test_csv_a_bad_row_costs_that_row_only(records: list[tuple[dict[str, Any], int | None]]) -> None:
    rows = [",".join(COLUMNS).encode()]
    expected_good, expected_bad = [], []
    bad_spans: list[range] = []  # the lines of each bad row: one that runs over lines may be named at any
    line = 1
    for record, corrupt in records:
        # answers that CSV cannot tell apart from an unanswered cell are left out
        record = {k: v for k, v in record.items() if not (isinstance(v, str) and not v.strip())}
        cells = [csv_cell(record.get(c)) for c in COLUMNS]
        start = line + 1
        if not any(cells):
            cells[0] = "x"  # a row of empty cells is an empty line, not a client
        if corrupt is None:
            raw = ",".join(cells).encode()
            expected_good.append(start)
        elif corrupt == len(CSV_CORRUPTIONS):
            raw = ",".join(cells).encode() + b"\xff"  # a byte that is not UTF-8
            expected_bad.append(start)
        else:
            raw = ",".join(CSV_CORRUPTIONS[corrupt](cells)).encode()
            expected_bad.append(start)
        line = start + raw.count(b"\n")
        if corrupt is not None:
            bad_spans.append(range(start, line + 1))
        rows.append(raw)
    scored, bad, said = run_batch(b"\n".join(rows) + b"\n", "csv")
    # Every good row is scored; every bad one is named; nothing but a bad row's lines is named.
    # What is left of a broken row can look like a row of its own (`0` on the line after a quote
    # went wrong): CSV cannot tell, so such a line may be scored, but only a bad row's line.
    in_bad = {n for span in bad_spans for n in span}
    assert [n for n in scored if n not in in_bad] == expected_good, said
    named = {int(m.split(":")[1]) for m in said.splitlines()}
    assert named <= in_bad, said
    assert all(named.intersection(span) for span in bad_spans), said
    assert bad >= len(expected_bad)


# ---------------------------------------------------------------- the rules and questions loader


def mutate(text: str, index: int, value: str) -> str:
    """The text with the value of its index-th `key: value` line replaced."""
    lines = text.splitlines()
    candidates = [i for i, line in enumerate(lines) if ": " in line and not line.rstrip().endswith(":")]
    i = candidates[index % len(candidates)]
    key = lines[i].split(": ", 1)[0]
    lines[i] = f"{key}: {value}"
    return "\n".join(lines) + "\n"


def load_from(rules: str, questions: str) -> Catalog | ClientcheckError:
    return only_our_errors(lambda: catalog_of(rules, questions))  # type: ignore[no-any-return]


@FUZZ
@given(st.integers(0, 10_000), st.sampled_from(NASTY_YAML), st.booleans())
def test_a_hostile_value_anywhere_in_the_rules_or_questions(index: int, value: str, in_rules: bool) -> None:
    rules = mutate(SMALL_RULES, index, value) if in_rules else SMALL_RULES
    questions = SMALL_QUESTIONS if in_rules else mutate(SMALL_QUESTIONS, index, value)
    result = load_from(rules, questions)
    if isinstance(result, Catalog):
        render_everything(parse_answers_text("{}", "a", "json", result), result)


@FUZZ
@given(st.text(max_size=400), st.booleans())
def test_any_text_as_a_rules_or_questions_file(text: str, as_rules: bool) -> None:
    load_from(text if as_rules else SMALL_RULES, SMALL_QUESTIONS if as_rules else text)


# ---------------------------------------------------------------- import


FIELDS = list(assessment())


@FUZZ
@given(
    st.lists(
        st.tuples(st.sampled_from(FIELDS), json_values | st.sampled_from(["0001-01-01T00:00:00+01:00", 1e308, -0.0])),
        max_size=3,
    ),
    st.lists(st.tuples(st.text(max_size=10), st.integers(-(10**30), 10**30), json_values), max_size=3),
)
def test_import_takes_every_valid_record_and_refuses_the_rest_with_a_line(
    changes: list[tuple[str, Any]], payments: list[tuple[str, int, Any]]
) -> None:
    records = [{**assessment(uid=f"{i:032x}"), key: value} for i, (key, value) in enumerate(changes)]
    data = {
        "schema": "clientcheck.history/1",
        "assessments": records,
        "payments": [
            {"uid": f"p{i}", "client": c, "paid_on": "2025-01-02", "late": True, "days_late": d, "recorded_at": r}
            for i, (c, d, r) in enumerate(payments)
        ],
    }
    checked = only_our_errors(lambda: validate_export(json.loads(json.dumps(data)), "x.json"))
    if isinstance(checked, ClientcheckError):
        return
    with tempfile.TemporaryDirectory() as tmp, History.open(Path(tmp) / "h.sqlite3") as history:
        result = only_our_errors(lambda: import_records(history, checked))
        if isinstance(result, ClientcheckError):
            return
        uids = {r["uid"] for r in checked[0]}, {r["uid"] for r in checked[1]}
        # nothing new is ever called "already there"
        assert (result.assessments, result.payments) == (len(uids[0]), len(uids[1]))


# ---------------------------------------------------------------- the test run itself


def test_loading_the_tests_leaves_nothing_in_the_temporary_folder(tmp_path: Path) -> None:
    """Every test module is imported (collected) with a temporary folder of its own: a folder made
    at import time and never removed (this module once made one per run) would stay there."""
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    root = Path(__file__).resolve().parent.parent
    collect = ["--collect-only", "-q", "-p", "no:cacheprovider", "--basetemp", str(tmp_path / "base")]
    done = subprocess.run(
        [sys.executable, "-m", "pytest", *collect, str(root / "tests")],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=root,
        env={**os.environ, "TMPDIR": str(scratch)},
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert " tests collected" in done.stdout.splitlines()[-1]
    assert sorted(p.name for p in scratch.iterdir()) == []
