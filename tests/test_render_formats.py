"""The output formats of `check`: JSON Lines, CSV, Markdown, the batch table and JSON.
(Colour, widths and cleaning of terminal text: tests/test_terminal.py.)"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from clientcheck.answers import validate
from clientcheck.batch import Stats
from clientcheck.compiled import Engine
from clientcheck.evaluate import evaluate
from clientcheck.loader import load_catalog
from clientcheck.model import Catalog
from clientcheck.readers import Source
from clientcheck.render.batch_table import TableSink
from clientcheck.render.markdown import md
from clientcheck.terminal import clean, width
from tests.conftest import invoke

ROOT = Path(__file__).resolve().parent.parent
LATE = str(ROOT / "examples" / "late-payer.yaml")


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


def test_jsonl_for_one_client_is_the_documented_compact_layout(cli: CliRunner, catalog: Catalog) -> None:
    code, out, err = invoke(cli, "check", LATE, "--format", "jsonl")
    assert (code, err) == (0, "")
    assert out.count("\n") == 1
    record = json.loads(out)
    assert list(record) == [
        "schema",
        "input",
        "line",
        "client",
        "verdict",
        "range",
        "settled",
        "score",
        "findings",
        "good_signs",
        "notes",
        "undecided",
        "ignored_answers",
        "rules_sha256",
    ]
    assert record["schema"] == "clientcheck.result/2"
    assert (record["input"], record["line"]) == (LATE, None)
    assert (record["client"], record["verdict"], record["score"]) == ("Цветочный магазин «Ромашка»", "caution", -2)
    assert record["findings"] == [{"id": "late-payer", "severity": "caution", "weight": 2}]
    assert record["good_signs"][0] == {"id": "budget-confirmed", "weight": 1}
    assert record["rules_sha256"] == catalog.digest
    assert "«Ромашка»" in out  # UTF-8 as is, not \u escapes


def test_jsonl_keys_mean_what_they_mean_in_the_full_layout(cli: CliRunner, tmp_path: Path) -> None:
    answers = {"client": "X", "worked_before": False, "late_payments": 4, "order_book": "empty", "contract": None}
    (tmp_path / "a.jsonl").write_text(json.dumps(answers) + "\n")
    _, line, _ = invoke(cli, "check", str(tmp_path / "a.jsonl"), "-f", "jsonl")
    _, full, _ = invoke(cli, "check", "-", "-f", "json", input=json.dumps(answers))
    compact, verdict = json.loads(line), json.loads(full)
    for key in ("client", "verdict", "score", "undecided", "ignored_answers", "rules_sha256"):
        assert compact[key] == verdict[key], key
    assert compact["ignored_answers"] == ["late_payments"]
    assert compact["notes"] == [{"id": n["id"]} for n in verdict["notes"]] == [{"id": "empty-order-book"}]
    for kind in ("findings", "good_signs"):
        keep = ("id", "severity", "weight") if kind == "findings" else ("id", "weight")
        assert compact[kind] == [{k: f[k] for k in keep} for f in verdict[kind]]


def test_csv_for_one_client_has_a_column_per_rule(cli: CliRunner, catalog: Catalog) -> None:
    code, out, _ = invoke(cli, "check", LATE, "-f", "csv", "--lang", "ru")
    assert code == 0
    header, row = out.splitlines()
    fixed = ["input", "line", "client", "verdict", "best", "worst", "settled", "score"]
    assert header == ",".join([*fixed, *(r.id for r in catalog.rules)])
    cells = dict(zip(header.split(","), row.split(","), strict=True))
    assert (cells["input"], cells["line"], cells["verdict"], cells["score"]) == (LATE, "", "caution", "-2")
    assert (cells["late-payer"], cells["long-term"], cells["rude"]) == ("caution", "good", "")


def test_csv_cells_say_undecided_and_notes(cli: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "a.jsonl").write_text('{"order_book": "empty", "rude": null}\n')
    _, out, _ = invoke(cli, "check", str(tmp_path / "a.jsonl"), "-f", "csv", "--select", "rude,empty-order-book")
    assert out.splitlines() == [
        "input,line,client,verdict,best,worst,settled,score,rude,empty-order-book",
        f"{tmp_path / 'a.jsonl'},1,,go,go,decline,false,0,?,note",
    ]


def test_markdown_for_one_client_is_a_report_section(cli: CliRunner) -> None:
    code, out, _ = invoke(cli, "check", LATE, "-f", "markdown", "--lang", "en")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "## Цветочный магазин «Ромашка» — CAUTION"
    assert "### Red flags" in lines and "### Good signs" in lines
    assert (
        "| **Pays late** (`late-payer`) | caution | `worked_before`: yes<br>`late_payments`: 2<br>"
        "_also true (note)_ | Ask plainly for payment on time and say what "
        "happens next: 'This is the second late invoice. From now on we start each stage once the previous one is "
        "paid.'<br>**To the client:** So far 2 invoices have been paid after the agreed term. |"
    ) in out
    assert lines[-1].startswith("_rules ") and lines[-1].endswith(" answered · 5 unknown_")


def test_markdown_escapes_what_comes_from_files(cli: CliRunner, tmp_path: Path) -> None:
    assert md("a|b <script> *x* [l](u) `c`\n\x1b[31mred") == r"a\|b \<script\> \*x\* \[l\](u) \`c\` red"
    (tmp_path / "a.jsonl").write_text(json.dumps({"client": "A | B <b>"}) + "\n")
    _, out, _ = invoke(cli, "check", str(tmp_path / "a.jsonl"), "-f", "markdown", "--lang", "en")
    assert out.splitlines()[2] == rf"| {md(str(tmp_path / 'a.jsonl'))}:1 | A \| B \<b\> | GO | DECLINE | 0 | — |"


def test_markdown_for_many_clients_is_a_table_and_a_summary(cli: CliRunner, tmp_path: Path) -> None:
    records = [{"client": "A", "rude": True}, {"client": "B", "rude": True, "follows_advice": "insists"}]
    (tmp_path / "a.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    code, out, _ = invoke(cli, "check", str(tmp_path / "a.jsonl"), "-f", "markdown", "--lang", "en")
    name = md(str(tmp_path / "a.jsonl"))
    assert code == 1
    assert out.splitlines() == [
        "| Input | Client | Verdict | Could become | Score | Red flags |",
        "|---|---|---|---|--:|---|",
        rf"| {name}:1 | A | DECLINE | — | 10 | `rude` |",
        rf"| {name}:2 | B | DECLINE | — | 12 | `rude`, `wont-listen` |",
        "",
        "**2 clients scored** · GO 0 · CAUTION 0 · DECLINE 2",
        "",
        "**Most frequent red flags:** `rude` (2), `wont-listen` (1)",
    ]


def test_json_for_many_clients_is_one_document_of_full_results(cli: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "a.jsonl").write_text('{"client": "A"}\n{"rude": true}\nnot json\n')
    code, out, err = invoke(cli, "check", str(tmp_path / "a.jsonl"), "-f", "json")
    assert code == 4 and err.startswith(f"{tmp_path / 'a.jsonl'}:3:1: JSON syntax error")
    doc = json.loads(out)
    assert doc["schema"] == "clientcheck.batch/1"
    assert [(r["schema"], r["client"], r["line"], r["verdict"]) for r in doc["results"]] == [
        ("clientcheck.verdict/2", "A", 1, "go"),
        ("clientcheck.verdict/2", None, 2, "decline"),
    ]
    assert doc["results"][1]["findings"][0]["advice"]  # the full layout, prose and all
    assert doc["summary"] == {
        "clients": 2,
        "go": 1,
        "caution": 0,
        "decline": 1,
        "bad_records": 1,
        "top_red_flags": [{"id": "rude", "clients": 1}],
    }


def test_json_for_no_clients_is_still_a_document(cli: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "a.jsonl").write_text("\n")
    code, out, _ = invoke(cli, "check", str(tmp_path / "a.jsonl"), "-f", "json")
    assert code == 0 and json.loads(out)["results"] == []


def test_the_table_on_a_terminal_cuts_to_its_width_and_cleans_names(
    catalog: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr("shutil.get_terminal_size", lambda: __import__("os").terminal_size((60, 20)))
    stream = Tty()
    sink = TableSink("en", stream, color=True)
    engine = Engine(catalog)
    sink.begin(Source("f.jsonl", "f.jsonl", "jsonl"))
    data = {
        "client": "\x1b]0;title\x07A very long client name that goes on and on",
        "rude": True,
        "petty_complaints": True,
    }
    result = engine.from_verdict(evaluate(catalog, validate(data, catalog, "f")))
    sink.add(result, 1)
    sink.finish(Stats(catalog.rules))
    row = stream.getvalue().splitlines()[1]
    assert "\x07" not in row and "]0;" not in row
    # the name gives way first on a narrow terminal; the verdict, its range and the score stay whole
    assert row.startswith("A very long clie…  \x1b[1;37;41mDECLINE\x1b[0m  —  ")
    assert width(clean(row.replace("\x1b[1;37;41m", "").replace("\x1b[0m", ""))) <= 60
    # the flags go on to the next line, under their column, rather than being cut ("pet…")
    assert row.endswith("  12  rude,")
    following = stream.getvalue().splitlines()[2]
    assert following.strip() == "petty-complainer" and len(following) <= 60
    assert following.rstrip().endswith("petty-complainer")  # too long for the column: moved left, whole


# ---------------------------------------------------------------- tsv: the format added in one file + one registry line


def test_tsv_for_one_client_is_a_header_and_a_row(cli: CliRunner) -> None:
    code, out, err = invoke(cli, "check", LATE, "-f", "tsv", "--select", "late-payer,rude,long-term")
    assert (code, err) == (0, "")
    assert out == (
        "input\tline\tclient\tverdict\tbest\tworst\tsettled\tscore\tlate-payer\trude\tlong-term\n"
        f"{LATE}\t\tЦветочный магазин «Ромашка»\tcaution\tcaution\tcaution\ttrue\t1\tcaution\t\tgood\n"
    )


def test_tsv_escapes_tabs_and_line_ends_and_neutralises_formulas(cli: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    records = [{"client": "=A\tB\\C\r\nD", "late_payments": 3, "worked_before": True}, {"client": "ok"}]
    path.write_text("".join(json.dumps(r) + "\n" for r in records) + "bad\n", encoding="utf-8")
    code, out, err = invoke(cli, "check", str(path), "-f", "tsv", "--select", "late-payer,rude")
    assert code == 4
    assert out == (
        "input\tline\tclient\tverdict\tbest\tworst\tsettled\tscore\tlate-payer\trude\n"
        f"{path}\t1\t'=A\\tB\\\\C\\r\\nD\tdecline\tdecline\tdecline\ttrue\t10\tdecline\t?\n"
        f"{path}\t2\tok\tgo\tgo\tdecline\tfalse\t0\t?\t?\n"
    )
    assert err == (
        f"{path}:3:1: JSON syntax error: Expecting value\n"
        "1 of 3 records was bad and skipped (see above); the others were scored\n"
    )


@pytest.mark.slow
def test_tsv_is_written_by_worker_processes_as_by_one(
    cli: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from clientcheck import batch, parallel

    if not parallel.parallel_ok(2):
        pytest.skip("no fork here")
    monkeypatch.setattr(parallel, "cpus", lambda: 2)
    taken: list[int] = []
    use = batch.Runner.use_processes

    def spy(self: batch.Runner, jobs: int, *args: Any) -> None:
        use(self, jobs, *args)
        taken.append(self.jobs)

    monkeypatch.setattr(batch.Runner, "use_processes", spy)
    lines = [json.dumps({"client": f"c{i}", "late_payments": i % 4, "worked_before": True}) for i in range(40)]
    path = tmp_path / "leads.jsonl"
    path.write_text("\n".join(lines) + "\n")
    one = invoke(cli, "check", str(path), "-f", "tsv", "--jobs", "1", "--fail-on", "never")
    assert taken == []
    two = invoke(cli, "check", str(path), "-f", "tsv", "--jobs", "2", "--fail-on", "never")
    assert taken == [2]  # the workers wrote it
    assert one == two and one[1].count("\n") == 41


def test_every_registered_format_is_a_check_choice_and_loads(cli: CliRunner) -> None:
    from clientcheck import formats

    assert list(formats.FORMATS) == ["table", "json", "jsonl", "csv", "markdown", "tsv"]
    for name in formats.FORMATS:
        assert callable(formats.load(name).sink)
        code, out, _ = invoke(cli, "check", LATE, "-f", name, "--fail-on", "never")
        assert code == 0 and out


# ---------------------------------------------------------------- fmt: one vocabulary


def test_shares_and_dates_read_the_same_in_every_format(catalog: Catalog) -> None:
    import datetime as dt

    from clientcheck import fmt
    from clientcheck.model import Question, Text

    assert (fmt.percent(0.745), fmt.percent(0.745, "ru")) == ("74%", "74\u00a0%")
    assert (fmt.percent_span(0.47, 0.914), fmt.percent_span(0.47, 0.914, "ru")) == ("47–91%", "47–91\u00a0%")
    when = Question("met_on", "date", Text({"en": "When?"}), "s")
    dated = catalog._replace(questions={**catalog.questions, "met_on": when})
    day = dt.date(2026, 9, 1)
    # the table, Markdown and the filled-in texts write a date answer as the language does
    assert (fmt.answer(dated, "met_on", day, "en"), fmt.answer(dated, "met_on", day, "ru")) == (
        "2026-09-01",
        "01.09.2026",
    )
    assert (fmt.number(4500000.5, "en"), fmt.number(4500000.5, "ru")) == ("4,500,000.5", "4\u00a0500\u00a0000,5")


@pytest.mark.slow
def test_jsonl_is_utf8_bytes_for_one_client_as_for_many_whatever_the_terminal(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    env = {**os.environ, "PYTHONIOENCODING": "ascii"}
    runs = [
        subprocess.run(
            [sys.executable, "-m", "clientcheck", "check", LATE, "-f", "jsonl", *more],
            capture_output=True,
            env=env,
            timeout=60,
        )
        for more in ([], ["--batch"])
    ]
    assert [r.returncode for r in runs] == [0, 0]
    assert runs[0].stdout == runs[1].stdout
    assert "«Ромашка»".encode() in runs[0].stdout  # JSON Lines is UTF-8, not \u escapes


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("fmt", ["csv", "tsv"])
def test_csv_and_tsv_on_a_terminal_drop_escape_sequences_from_the_input(catalog: Catalog, fmt: str) -> None:
    """A client named with an OSC title and a colour reached the terminal as they were."""
    from clientcheck import emit
    from clientcheck.formats import Output

    hostile = "\x1b]0;pwned\x07\x1b[31mRED"
    r = Engine(catalog).score({"client": hostile})
    assert r is not None
    cells: dict[str, list[str]] = {}
    for where, stream in (("terminal", _Terminal()), ("pipe", io.StringIO())):
        sink = emit.sink(fmt, Output(catalog, catalog.rules, "en", stream))
        sink.begin(Source("leads.jsonl", "leads.jsonl", "jsonl"))
        sink.add(r, 7)
        sink.finish(Stats(catalog.rules))
        line = stream.getvalue().splitlines()[1]
        cells[where] = line.split("," if fmt == "csv" else "\t")[:3]
    assert cells == {"terminal": ["leads.jsonl", "7", "RED"], "pipe": ["leads.jsonl", "7", hostile]}
    # a worker process builds its rows in memory, for the same terminal
    make = emit.worker_sink(fmt, Output(catalog, catalog.rules, "en", _Terminal()))
    assert make is not None
    assert getattr(make()[1], "terminal", None) is True
