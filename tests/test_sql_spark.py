"""The generated Spark SQL on a real (local) Spark session: every rule outcome equals the Python
engine's on 10,000 random clients. Needs pyspark and Java (.ci/run installs both)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from clientcheck.loader import load_catalog
from clientcheck.model import CLIENT_KEY, UNKNOWN, Catalog
from tests.conftest import invoke
from tests.sqlcheck import agree, functions_catalog, random_clients, varied_catalog

pytestmark = pytest.mark.slow

pyspark = pytest.importorskip("pyspark", reason="the sql extra and pyspark are not installed")
if shutil.which("java") is None:  # pragma: no cover - .ci/run installs it
    pytest.skip("no Java for Spark", allow_module_level=True)


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[2]")
        .appName("clientcheck-test")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.driver.memory", "3g")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def _frame(spark: Any, catalog: Catalog, clients: list[dict[str, Any]]) -> Any:
    from pyspark.sql import types as T

    kinds = {
        "yesno": T.BooleanType(),
        "choice": T.StringType(),
        "text": T.StringType(),
        "integer": T.LongType(),
        "number": T.DoubleType(),
        "multi": T.ArrayType(T.StringType()),
        "date": T.DateType(),
    }
    fields = [T.StructField(CLIENT_KEY, T.StringType())]
    fields += [T.StructField(qid, kinds[q.type]) for qid, q in catalog.questions.items()]
    rows = []
    for c in clients:
        row: list[Any] = [c.get(CLIENT_KEY)]
        for qid, q in catalog.questions.items():
            v = c.get(qid)
            v = None if v is UNKNOWN else v
            row.append(float(v) if v is not None and q.type == "number" else v)
        rows.append(tuple(row))
    return spark.createDataFrame(rows, T.StructType(fields))


def _compare(catalog: Catalog, clients: list[dict[str, Any]], rows: list[Any]) -> int:
    return agree(catalog, clients, [row.asDict() for row in rows])["undecided"]


def test_the_spark_sql_that_clientcheck_prints_runs_unchanged_and_agrees_on_10000_clients(
    spark: Any, cli: CliRunner
) -> None:
    catalog = load_catalog()
    clients = random_clients(catalog, 10_000, seed=14)
    _frame(spark, catalog, clients).createOrReplaceTempView("leads")
    code, out, err = invoke(cli, "sql", "--dialect", "spark", "--table", "leads")
    assert code == 0, err
    rows = spark.sql(out).collect()
    undecided = _compare(catalog, clients, rows)
    assert undecided > 10_000  # the unknowns are there: many rules wait for answers


def test_spark_on_the_functions_dates_and_a_count_policy(
    spark: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from clientcheck.sql.gen import build

    monkeypatch.setenv("CLIENTCHECK_TODAY", "2026-12-01")  # the engine's today, and the query's
    catalog = functions_catalog(tmp_path)
    clients = random_clients(catalog, 3000, seed=10)
    _frame(spark, catalog, clients).createOrReplaceTempView("functions")
    rows = spark.sql(build(catalog, dialect="spark", table="functions")).collect()
    _compare(catalog, clients, rows)


def test_spark_on_varied_rules_division_by_zero_and_gates_two_deep(spark: Any, tmp_path: Path) -> None:
    from clientcheck.sql.gen import build

    catalog = varied_catalog(tmp_path)
    clients = random_clients(catalog, 3000, seed=9)
    _frame(spark, catalog, clients).createOrReplaceTempView("varied")
    rows = spark.sql(build(catalog, dialect="spark", table="varied")).collect()
    _compare(catalog, clients, rows)
