"""The shape of the rules' steps in the generated query (issue 14's last round): a rule's walk over
its levels with no COALESCE over the earlier ones, a one-level rule without a walk, a heaviest open
level that is a constant where every level weighs the same, the verdict's "any fired" tests, and
the records' query that writes a record for every row while the code marks those that go the
ordinary way. Each shape is checked as printed, and against the Python engine on every
combination of answers."""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from clientcheck.loader import load_catalog
from clientcheck.model import Catalog
from tests.conftest import invoke
from tests.sqlcheck import agree, arrow_table

duckdb = pytest.importorskip("duckdb", reason="the sql extra is not installed")
pytest.importorskip("sqlglot")
pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

from clientcheck.sql import duck  # noqa: E402
from clientcheck.sql.gen import Plan, to_sql  # noqa: E402

QUESTIONS = """\
section: all
title: All
questions:
  - {id: a, type: yesno, text: A}
  - {id: b, type: yesno, text: B}
  - {id: n, type: integer, text: N, min: 0, max: 9}
"""

RULES = """\
version: 1
sources: {s: S}
policy:
  severities:
    caution: {weight: 2, label: caution}
    decline: {weight: 10, label: decline}
  good_sign_weight: 1
  decline_if: {any_severity: [decline]}
  caution_if: {any_severity: [caution], min_score: 3}
rules:
  - {id: one, kind: red-flag, source: s, title: T, why: W, advice: A, severity: caution, when: a}
  - id: walk
    kind: red-flag
    source: s
    title: T
    why: W
    advice: A
    levels:
      - {when: 'n > 5', severity: decline}
      - {when: b, severity: caution}
      - {when: 'n > 2', severity: caution}
  - id: even
    kind: red-flag
    source: s
    title: T
    why: W
    advice: A
    levels:
      - {when: 'a and b', severity: decline}
      - {when: 'n > 7', severity: decline}
  - {id: good, kind: good-sign, source: s, title: T, why: W, advice: A, when: 'not a'}
"""


@pytest.fixture
def catalog(tmp_path: Path) -> Catalog:
    (tmp_path / "questions").mkdir()
    (tmp_path / "questions" / "10.yaml").write_text(QUESTIONS, encoding="utf-8")
    (tmp_path / "rules.yaml").write_text(RULES, encoding="utf-8")
    return load_catalog(tmp_path / "rules.yaml", tmp_path / "questions")


def _columns(plan: Plan, step: str) -> list[str]:
    """The columns a step adds, as DuckDB's query prints them."""
    select = dict(plan.ctes)[plan.name(step)]
    return [e.sql(dialect="duckdb", identify=True) for e in select.expressions[1:]]


def test_a_rules_steps_as_printed(catalog: Catalog) -> None:
    plan = Plan(catalog, today="2026-06-01")
    # the walk: an unknown level ends it unfired, the first true one fires; one level: no walk
    assert _columns(plan, "op1")[1] == (
        'CASE WHEN "cc_kl_1_0" IS NULL THEN 0 WHEN "cc_kl_1_0" THEN 1 WHEN "cc_kl_1_1" IS NULL THEN 0 '
        'WHEN "cc_kl_1_1" THEN 2 WHEN "cc_kl_1_2" THEN 3 ELSE 0 END AS "cc_kf_1"'
    )
    assert not any('"cc_kf_0"' in c or '"cc_kf_3"' in c for c in _columns(plan, "op1"))
    outcomes = _columns(plan, "oc1")
    assert outcomes[0] == (
        'CASE WHEN "cc_kl_0_0" THEN 1 WHEN (("cc_kl_0_0" IS NULL) AND ("a" IS NULL)) THEN NULL ELSE 0 END AS "cc_ko_0"'
    )
    # the heaviest open level: read while the rule is undecided; every level of `even` weighs the
    # same at the same severity, so it is its first
    assert _columns(plan, "ak1") == [
        '1 AS "cc_kt_0"',
        'CASE WHEN "cc_kp_1_0" THEN 1 WHEN "cc_kp_1_1" THEN 2 WHEN "cc_kp_1_2" THEN 3 END AS "cc_kt_1"',
        '1 AS "cc_kt_2"',
        '1 AS "cc_kt_3"',
    ]
    # a red flag fired at a severity: the rules' tests ORed, not counted
    assert _columns(plan, "vd")[0] == (
        'CASE WHEN (("cc_ko_1" IN (1)) OR ("cc_ko_2" IN (1, 2))) THEN \'decline\' '
        'WHEN (("cc_ko_0" IN (1)) OR ("cc_ko_1" IN (2, 3))) OR ("cc_score" >= 3) THEN \'caution\' '
        "ELSE 'go' END AS \"cc_verdict\""
    )


def test_every_combination_of_answers_scores_as_the_python_engine_does(catalog: Catalog) -> None:
    clients: list[dict[str, Any]] = []
    for a, b, n in itertools.product((True, False, None), (True, False, None), (None, 0, 3, 6, 8)):
        answers = {k: v for k, v in (("a", a), ("b", b), ("n", n)) if v is not None}
        clients.append({"client": f"c{len(clients)}", **answers})
    con = duckdb.connect()
    con.register("clients", arrow_table(catalog, clients))
    cursor = con.execute(to_sql(Plan(catalog, today="2026-06-01").public(), "duckdb"))
    names = [d[0] for d in cursor.description]
    rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    seen = agree(catalog, clients, rows)
    assert seen["fired"] and seen["not"] and seen["undecided"] and seen["unsettled"], seen
    assert {row["walk"] for row in rows} == {None, 0, 1, 2, 3} and {row["even"] for row in rows} == {None, 0, 1, 2}


def test_a_row_the_sql_check_refuses_takes_the_ordinary_way_and_the_others_are_duckdbs(
    tmp_path: Path, catalog: Catalog, monkeypatch: pytest.MonkeyPatch, cli: CliRunner
) -> None:
    """DuckDB writes a record for every row; the code (NULL) says which go the ordinary way."""
    monkeypatch.setenv("CLIENTCHECK_TODAY", "2026-06-01")
    monkeypatch.setenv("CLIENTCHECK_NO_CACHE", "1")
    rules = ["--rules", str(tmp_path / "rules.yaml"), "--questions", str(tmp_path / "questions")]
    rows = [
        {"client": "A", "a": True, "b": None, "n": 6.0},
        {"client": "B", "a": False, "b": True, "n": 4.5},  # not whole: the ordinary way says so
        {"client": "C", "a": None, "b": False, "n": 3.0},
    ]
    table = pa.table(
        {
            "client": pa.array([r["client"] for r in rows], pa.string()),
            "a": pa.array([r["a"] for r in rows], pa.bool_()),
            "b": pa.array([r["b"] for r in rows], pa.bool_()),
            "n": pa.array([r["n"] for r in rows], pa.float64()),
        }
    )
    parquet = tmp_path / "p.parquet"
    pq.write_table(table, parquet)
    ran: list[int] = []
    real = duck.DuckRunner._ordinary

    def ordinary(self: Any, source: Any, line: int, *args: Any) -> None:
        ran.append(line)
        real(self, source, line, *args)

    monkeypatch.setattr(duck.DuckRunner, "_ordinary", ordinary)
    code, out, err = invoke(cli, "check", str(parquet), "-f", "jsonl", "--fail-on", "never", *rules)
    assert (code, ran) == (4, [2])
    assert err == (
        f"{parquet}:2: n: 4.5 is not whole; expected a whole number from 0 to 9\n"
        "1 of 3 records was bad and skipped (see above); the others were scored\n"
    )
    # the same answers in JSON Lines, the Python path: the same records but for the input's name
    lines = tmp_path / "p.jsonl"
    lines.write_text("".join(json.dumps({k: v for k, v in r.items() if v is not None}) + "\n" for r in rows))
    python = invoke(cli, "check", str(lines), "-f", "jsonl", "--fail-on", "never", *rules)[1]
    assert out == python.replace(json.dumps(str(lines)), json.dumps(str(parquet)))
    assert [json.loads(r)["client"] for r in out.splitlines()] == ["A", "C"]
