"""The history commands through the CLI: history, show, diff, paid, rescore, import."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from clientcheck.evaluate import evaluate
from clientcheck.history import save
from clientcheck.loader import load_catalog
from clientcheck.model import Answers, Catalog
from clientcheck.render import get as get_renderer
from tests.conftest import SMALL_QUESTIONS, SMALL_RULES, TODAY, WriteYaml, invoke
from tests.keys import typed

SINCE = (TODAY - timedelta(days=365)).isoformat()
SINCE_RU = (TODAY - timedelta(days=365)).strftime("%d.%m.%Y")


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own history file, config folder and working directory."""
    db = tmp_path / "history.sqlite3"
    monkeypatch.setenv("CLIENTCHECK_DB", str(db))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("COLUMNS", "200")
    for var in ("CLIENTCHECK_RULES", "CLIENTCHECK_QUESTIONS", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(var, raising=False)
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    return db


@pytest.fixture
def catalog(small_catalog: tuple[Path, Path]) -> Catalog:
    return load_catalog(*small_catalog)


def small(small_catalog: tuple[Path, Path]) -> list[str]:
    rules, questions = small_catalog
    return ["--rules", str(rules), "--questions", str(questions)]


def saved(catalog: Catalog, client: str, lang: str = "en", **answers: object) -> int:
    return save(evaluate(catalog, Answers(answers, client)), catalog, lang, client).id


def lines(text: str) -> list[str]:
    return [line.rstrip() for line in text.splitlines()]


# ---------------------------------------------------------------- paid and history


def test_paid_records_a_payment_and_says_what_the_count_now_is(cli: CliRunner, isolated: Path) -> None:
    code, out, err = invoke(cli, "paid", "ACME", "--late", "--days", "12")
    assert (code, err) == (0, "")
    assert lines(out) == [
        f"Recorded: ACME paid 12 days late on {TODAY.isoformat()}.",
        f"ACME: late payments in the last 365 days (since {SINCE}): 1; on time: 0; all payments: 1.",
    ]
    code, out, err = invoke(cli, "paid", "acme", "--on-time", "--date", "2020-02-03", "--lang", "ru")
    assert (code, err) == (0, "")
    assert lines(out) == [
        "Записано: оплата от клиента acme 03.02.2020, вовремя.",
        f"acme: просрочек за последние 365 дней (с {SINCE_RU}): 1; вовремя: 1; всего оплат: 2.",
    ]
    assert isolated.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["ACME"], "say how the invoice was paid: --on-time or --late (one of them)"),
        (["ACME", "--late", "--on-time"], "say how the invoice was paid: --on-time or --late (one of them)"),
        (["ACME", "--on-time", "--days", "3"], "--days is how late a payment was; it goes with --late"),
        (["ACME", "--late", "--date", "31.01.2025"], f"--date: expected a date such as {TODAY}, got '31.01.2025'"),
        (["ACME", "--late", "--date", "2999-01-01"], "--date: 2999-01-01 is in the future"),
        (["  ", "--late"], "--client: the client's name is empty"),
    ],
)
def test_paid_refuses_what_it_cannot_record(cli: CliRunner, isolated: Path, args: list[str], message: str) -> None:
    code, out, err = invoke(cli, "paid", *args)
    assert (code, out, err) == (2, "", f"clientcheck: error: {message}\n")
    assert not isolated.exists()


def test_paid_and_history_take_today_from_clientcheck_today(
    cli: CliRunner, isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One today: the day conditions take (CLIENTCHECK_TODAY) is the day a payment defaults to,
    the end of the late-payment window and the limit of --date, so a re-run gives the same text."""
    monkeypatch.setenv("CLIENTCHECK_TODAY", "2026-06-15")
    code, out, err = invoke(cli, "paid", "ACME", "--late", "--date", "2025-06-15")
    assert (code, err) == (0, "")
    assert lines(out) == [
        "Recorded: ACME paid late on 2025-06-15.",
        "ACME: late payments in the last 365 days (since 2025-06-15): 1; on time: 0; all payments: 1.",
    ]
    code, out, err = invoke(cli, "paid", "ACME", "--on-time")
    assert lines(out)[0] == "Recorded: ACME paid on time on 2026-06-15."
    code, out, err = invoke(cli, "paid", "ACME", "--on-time", "--date", "2026-06-16")
    assert (code, out, err) == (2, "", "clientcheck: error: --date: 2026-06-16 is in the future\n")


def test_history_before_anything_is_saved_creates_nothing(cli: CliRunner, isolated: Path) -> None:
    code, out, err = invoke(cli, "history")
    assert (code, out) == (0, "")
    assert err == (
        f"No history yet: {isolated} does not exist. It is created when you name a client: "
        "clientcheck check ANSWERS --client NAME\n"
    )
    code, out, _ = invoke(cli, "history", "--format", "json")
    assert json.loads(out) == {"schema": "clientcheck.history/2", "assessments": [], "payments": [], "outcomes": []}
    code, out, _ = invoke(cli, "history", "--format", "csv")
    assert out == "id,created_at,client,language,verdict,score,red_flags,good_signs,rules_sha256\n"
    assert not isolated.exists()


@pytest.mark.slow
def test_history_lists_assessments_and_a_clients_payments(cli: CliRunner, catalog: Catalog) -> None:
    first = saved(catalog, "ACME", worked_before=True, late_payments=2)
    saved(catalog, "Other")
    invoke(cli, "paid", "ACME", "--late", "--days", "4")
    code, out, err = invoke(cli, "history")
    assert (code, err) == (0, "")
    assert "Assessments" in out and "ACME" in out and "Other" in out and "late-payer (caution)" in out
    assert "Payments" not in out
    code, out, _ = invoke(cli, "history", "acme", "--lang", "ru")
    assert "ОСТОРОЖНО" in out and "Other" not in out and "Оплаты" in out and "с опозданием на 4 дня" in out
    assert f"ACME: просрочек за последние 365 дней (с {SINCE_RU}): 1; вовремя: 0; всего оплат: 1." in lines(out)
    code, out, _ = invoke(cli, "history", "--format", "csv")
    rows = out.splitlines()
    assert rows[1].startswith(f"{first},") and rows[1].endswith(
        f",ACME,en,caution,2,late-payer:caution,,{catalog.digest}"
    )
    code, out, _ = invoke(cli, "history", "nobody")
    assert lines(out)[0].startswith("No saved assessments of nobody in ")


@pytest.mark.slow
def test_export_and_import_move_the_history_to_another_file(cli: CliRunner, catalog: Catalog, tmp_path: Path) -> None:
    saved(catalog, "ACME", worked_before=True, late_payments=1)
    invoke(cli, "paid", "ACME", "--late")
    code, exported, _ = invoke(cli, "history", "--format", "json")
    assert code == 0
    export = tmp_path / "export.json"
    export.write_text(exported, encoding="utf-8")
    other = tmp_path / "laptop.sqlite3"
    code, out, err = invoke(cli, "import", str(export), "--db", str(other))
    assert (code, err) == (0, "")
    assert out == f"Imported into {other}: 1 assessment, 1 payment, 0 outcomes; 0 already there.\n"
    code, out, _ = invoke(cli, "import", "-", "--db", str(other), "--lang", "ru", input=exported)
    assert out == f"Загружено в {other}: 0 оценок, 0 оплат, 0 итогов; уже были там: 2.\n"
    code, again, _ = invoke(cli, "history", "--format", "json", "--db", str(other))
    strip = lambda text: {k: v for k, v in json.loads(text).items() if k != "exported_at"}  # noqa: E731
    assert strip(again) == strip(exported)


def test_import_errors_are_one_line_each(cli: CliRunner, tmp_path: Path, isolated: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"schema": "clientcheck.history/1",\n  oops}', encoding="utf-8")
    code, out, err = invoke(cli, "import", str(bad))
    assert (code, out) == (2, "")
    assert (
        err == f"clientcheck: error: {bad}:2:3: JSON syntax error: Expecting property name enclosed in double quotes\n"
    )
    code, _, err = invoke(cli, "import", str(tmp_path / "missing.json"))
    assert (code, err) == (2, f"clientcheck: error: {tmp_path / 'missing.json'}: no such file\n")
    code, _, err = invoke(cli, "import", "-", input='{"payments": []}')
    assert (code, err) == (
        2,
        'clientcheck: error: <stdin>: schema: not a clientcheck history export (expected "schema": "clientcheck.history/2")\n',
    )
    assert not isolated.exists()


# ---------------------------------------------------------------- show


def test_show_json_is_the_verdict_exactly_as_it_was_saved(cli: CliRunner, catalog: Catalog) -> None:
    rid = saved(catalog, "ACME", "ru", worked_before=True, late_payments=3)
    # the language of the run, as everywhere (not the language it was saved in)
    code, out, err = invoke(cli, "show", str(rid), "--format", "json", "--lang", "ru")
    assert (code, err) == (0, "")
    stored = json.loads(out)
    verdict = evaluate(catalog, Answers({"worked_before": True, "late_payments": 3}, "ACME"))
    from clientcheck.render.data import verdict_to_dict

    assert stored == verdict_to_dict(verdict, catalog, "ru")
    _, english, _ = invoke(cli, "show", str(rid), "-f", "json", "--lang", "en")
    assert json.loads(english) == verdict_to_dict(verdict, catalog, "en")


def test_show_prints_the_assessment_with_the_verdict_renderer(
    cli: CliRunner, catalog: Catalog, small_catalog: tuple[Path, Path]
) -> None:
    rid = saved(catalog, "ACME", worked_before=True, late_payments=2, advance="none")
    code, out, err = invoke(cli, "show", str(rid), *small(small_catalog))
    assert (code, err) == (0, "")
    first, rest = out.split("\n", 1)
    assert first.startswith(f"Assessment #{rid} · ACME · ") and first.endswith(f" · rules {catalog.digest[:12]}")
    expected = io.StringIO()
    verdict = evaluate(catalog, Answers({"worked_before": True, "late_payments": 2, "advance": "none"}, "ACME"))
    get_renderer("table")(verdict, catalog, "en", expected)
    assert rest == expected.getvalue()


def test_show_under_changed_rules_says_so_and_shows_them(
    cli: CliRunner,
    catalog: Catalog,
    small_catalog: tuple[Path, Path],
    write_yaml: WriteYaml,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("COLUMNS", "400")
    rid = saved(catalog, "ACME", worked_before=True, late_payments=2)
    rules = write_yaml(
        "strict.yaml",
        SMALL_RULES.replace(
            "late_payments >= 2\n        severity: caution", "late_payments >= 2\n        severity: decline"
        ),
    )
    code, out, _ = invoke(cli, "show", str(rid), "--rules", str(rules), "--questions", str(small_catalog[1]))
    assert code == 0
    strict = load_catalog(rules, small_catalog[1])
    assert "DECLINE" in out
    assert lines(out)[1] == (
        f"The rules have changed since this assessment (then {catalog.digest[:12]}, now {strict.digest[:12]}). "
        "Below are its answers under the current rules, verdict DECLINE; the stored verdict was CAUTION. "
        f"To see the stored verdict exactly: clientcheck show {rid} --format json"
    )


def test_show_of_an_unknown_number_or_without_a_database(cli: CliRunner, catalog: Catalog, isolated: Path) -> None:
    code, _, err = invoke(cli, "show", "1")
    assert (code, err) == (
        2,
        f"clientcheck: error: {isolated}: no history database here yet; name a client to save one: "
        "clientcheck check ANSWERS --client NAME\n",
    )
    saved(catalog, "ACME")
    code, _, err = invoke(cli, "show", "7")
    assert (code, err) == (
        2,
        f"clientcheck: error: {isolated}: no assessment #7 (list them with 'clientcheck history')\n",
    )


# ---------------------------------------------------------------- diff


def test_diff_of_a_clients_latest_two(cli: CliRunner, catalog: Catalog, small_catalog: tuple[Path, Path]) -> None:
    saved(catalog, "ACME", worked_before=True, late_payments=0)
    a = saved(catalog, "ACME", worked_before=True, late_payments=0, cost=1, revenue=2)
    b = saved(catalog, "acme", worked_before=True, late_payments=2, cost=3, revenue=2)
    code, out, err = invoke(cli, "diff", "Acme", *small(small_catalog))
    assert (code, err) == (0, "")
    got = lines(out)
    assert got[0].startswith(f"acme: #{a} (") and f") → #{b} (" in got[0]
    assert got[1] == "Verdict:  GO  →  CAUTION   (score -1 → 5)"
    assert "Answers changed" in out
    row = [cell.strip() for cell in next(line for line in got if "Late payments?" in line).split("│")]
    assert row[1:4] == ["Late payments?", "0 times", "2 times"]
    assert any(
        line.startswith("Red flag gained") and "Pays late (late-payer)" in line and line.endswith("caution")
        for line in got
    )
    assert any(line.startswith("Red flag gained") and "Unprofitable (unprofitable)" in line for line in got)
    assert any(line.startswith("Good sign lost") and "Pays on time (pays-on-time)" in line for line in got)


def test_diff_says_not_answered_in_a_word_that_cannot_read_as_no(
    cli: CliRunner, catalog: Catalog, small_catalog: tuple[Path, Path]
) -> None:
    saved(catalog, "ACME", worked_before=False)
    saved(catalog, "ACME", late_payments=1)
    code, out, err = invoke(cli, "diff", "ACME", *small(small_catalog), "--lang", "ru")
    assert (code, err) == (0, "")
    rows = [[c.strip() for c in line.split("│")][2:4] for line in lines(out) if line.startswith("│ ")]
    assert ["нет", "без ответа"] in rows and ["без ответа", "1 раз"] in rows


@pytest.mark.slow
def test_diff_of_two_numbers_as_json(cli: CliRunner, catalog: Catalog) -> None:
    a = saved(catalog, "ACME", worked_before=True, late_payments=2)
    b = saved(catalog, "Other", worked_before=True, late_payments=3)
    code, out, _ = invoke(cli, "diff", str(a), str(b), "--format", "json")
    data = json.loads(out)
    assert code == 0
    assert data["answers"] == [{"question": "late_payments", "before": 2, "after": 3}]
    assert data["flags_moved"] == [{"id": "late-payer", "before": "caution", "after": "decline"}]
    assert (data["before"]["verdict"], data["after"]["verdict"]) == ("caution", "decline")
    assert (data["before"]["client"], data["after"]["client"]) == ("ACME", "Other")
    _, out, _ = invoke(cli, "diff", str(a), str(b))
    assert lines(out)[0].startswith(f"ACME #{a} (") and f") → Other #{b} (" in lines(out)[0]


def test_diff_needs_two(cli: CliRunner, catalog: Catalog) -> None:
    saved(catalog, "ACME")
    code, _, err = invoke(cli, "diff", "ACME")
    assert (code, err) == (
        2,
        "clientcheck: error: 'ACME' has 1 saved assessment; diff needs two (or give two assessment numbers)\n",
    )
    code, _, err = invoke(cli, "diff", "1", "x")
    assert (code, err) == (
        2,
        "clientcheck: error: diff takes a client's name, or two assessment numbers such as: clientcheck diff 3 7\n",
    )


# ---------------------------------------------------------------- rescore


def test_rescore_lists_the_verdicts_a_rules_edit_would_change(
    cli: CliRunner, catalog: Catalog, small_catalog: tuple[Path, Path], write_yaml: WriteYaml
) -> None:
    two = saved(catalog, "ACME", worked_before=True, late_payments=2)
    saved(catalog, "Other", worked_before=True, late_payments=1)
    code, out, _ = invoke(cli, "rescore", *small(small_catalog))
    assert (code, out) == (0, f"None of the 2 saved verdicts would change under rules {catalog.digest[:12]}.\n")
    write_yaml("edited/questions/10-pay.yaml", SMALL_QUESTIONS)
    rules = write_yaml("edited/rules.yaml", SMALL_RULES.replace("late_payments >= 3", "late_payments >= 2", 1))
    edited = ["--rules", str(rules), "--questions", str(rules.parent / "questions")]
    code, out, _ = invoke(cli, "rescore", *edited)
    digest = load_catalog(rules, rules.parent / "questions").digest
    got = lines(out)
    assert got[0] == f"1 of 2 saved verdicts would change under rules {digest[:12]}:"
    row = next(line for line in got if "ACME" in line)
    assert row.split("│")[1].strip() == str(two)
    assert "CAUTION" in row and "DECLINE" in row and "~ late-payer (caution → decline)" in row
    code, out, _ = invoke(cli, "rescore", *edited, "--format", "json")
    data = json.loads(out)
    assert data["assessments"] == 2 and data["rules_sha256"] == digest
    assert [(c["id"], c["verdict"]) for c in data["changed"]] == [(two, {"was": "caution", "now": "decline"})]
    assert data["changed"][0]["flags_moved"] == [{"id": "late-payer", "was": "caution", "now": "decline"}]


# ---------------------------------------------------------------- start-up cost


@pytest.mark.slow
@pytest.mark.parametrize(
    ("args", "imported"),
    [
        (["--help"], False),
        (["history", "--help"], False),
        (["check", "{answers}", "--format", "json"], False),
        (["history", "--format", "json"], True),
    ],
)
def test_sqlite_is_not_imported_unless_history_is_used(tmp_path: Path, args: list[str], imported: bool) -> None:
    answers = tmp_path / "a.json"
    answers.write_text("{}", encoding="utf-8")
    argv = [a.replace("{answers}", str(answers)) for a in args]
    code = (
        "import sys\n"
        "from clientcheck.cli import main\n"
        f"main({argv!r})\n"
        "sys.stderr.write('SQLITE=' + str('sqlite3' in sys.modules) + ' RICH=' + str('rich' in sys.modules))\n"
    )
    env = {**os.environ, "CLIENTCHECK_DB": str(tmp_path / "h.sqlite3")}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=tmp_path, env=env
    )
    assert f"SQLITE={imported}" in done.stderr


# ---------------------------------------------------------------- interview --client


def interview(cli: CliRunner, *args: str, keys: str) -> tuple[int, str, str]:
    """`clientcheck interview ARGS` with keys typed on a pipe terminal (closed after them: cannot hang)."""
    return typed(cli, "interview", *args, keys=keys)


@pytest.mark.slow
def test_interview_for_a_named_client_prefills_from_history_says_so_and_saves(
    cli: CliRunner, small_catalog: tuple[Path, Path], isolated: Path
) -> None:
    for _ in range(3):
        invoke(cli, "paid", "ACME", "--late")
    enter = "\r"
    # worked_before and late_payments are known: asked are advance (none), asks, cost, revenue, notes; then the review
    keys = "1" + enter + enter + enter + enter + enter + enter + enter  # the last one skips the note
    args = ("--client", "ACME", *small(small_catalog), "--in-order")  # the full walk, in file order
    code, out, err = interview(cli, *args, "-f", "json", keys=keys)
    verdict = json.loads(out)
    assert code == 1
    assert verdict["answers"] == {
        "worked_before": True,
        "late_payments": 3,
        "advance": "none",
        "asks": [],
        "cost": None,
        "revenue": None,
        "notes": None,
    }
    assert [(f["id"], f["severity"]) for f in verdict["findings"]] == [("late-payer", "decline")]
    assert (
        f"From ACME's history: worked with before (3 payments recorded); late payments: 3 since {SINCE} (on time: 0)"
        in err.splitlines()
    )
    assert "Saved as assessment #1 of ACME; to see it again: clientcheck show 1" in err.splitlines()
    assert not any(line.startswith("✔ Worked before?") for line in err.splitlines())  # not asked: history knew
    code, shown, _ = invoke(cli, "show", "1", "--format", "json")
    assert json.loads(shown) == verdict
    code, exported, _ = invoke(cli, "history", "--format", "json")
    assert json.loads(exported)["assessments"][0]["from_history"] == ["late_payments", "worked_before"]


@pytest.mark.slow
def test_interview_without_a_client_or_with_no_save_stores_nothing(
    cli: CliRunner, small_catalog: tuple[Path, Path], isolated: Path
) -> None:
    enter = "\r"
    keys = "2" + enter + "1" + enter + enter + enter + enter + enter + enter + enter  # then Enter skips the note
    options = (*small(small_catalog), "--in-order", "-f", "json")
    code, out, err = interview(cli, *options, keys=enter + keys)  # Enter: no name for the client
    assert (code, json.loads(out)["verdict"]) == (0, "go") and "Saved as" not in err
    code, out, err = interview(cli, "--client", "ACME", "--no-save", *options, keys=keys)
    assert (code, json.loads(out)["client"]) == (0, "ACME") and "Saved as" not in err and "history" not in err
    assert not isolated.exists()


def test_history_alone_settling_a_decline_is_said_before_the_first_question(
    cli: CliRunner, small_catalog: tuple[Path, Path], isolated: Path
) -> None:
    for _ in range(3):
        invoke(cli, "paid", "ACME", "--late")
    enter = "\r"
    code, out, err = interview(cli, "--client", "ACME", *small(small_catalog), "--quick", "-f", "json", keys=enter)
    verdict = json.loads(out)
    assert (code, verdict["verdict"], verdict["range"]) == (1, "decline", {"best": "decline", "worst": "decline"})
    lines = err.splitlines()
    flag = (  # --quick: the line says the interview ends, as it does
        "⚑ Red flag: Pays late (decline). This alone means decline; you may end the call. "
        "The verdict is settled: the interview ends here."
    )
    settled = "The verdict is settled: DECLINE. No answer still to come can change it."
    assert lines.index(flag) < lines.index(settled)
    assert not any(line.startswith("✔ ") for line in lines)  # --quick: not one question asked
    assert verdict["answers"] == {"worked_before": True, "late_payments": 3}


# ---------------------------------------------------------------- check --client


@pytest.mark.slow
def test_three_late_payments_then_check_declines_with_late_payer(cli: CliRunner, isolated: Path) -> None:
    for _ in range(3):
        invoke(cli, "paid", "ACME", "--late")
    code, out, err = invoke(cli, "check", "-", "--client", "ACME", "--format", "json", input="{}")
    verdict = json.loads(out)
    assert code == 1
    assert verdict["verdict"] == "decline" and verdict["client"] == "ACME"
    assert [(f["id"], f["severity"]) for f in verdict["findings"]] == [("late-payer", "decline")]
    assert verdict["answers"] == {"worked_before": True, "late_payments": 3}
    assert verdict["from_history"] == ["late_payments", "worked_before"]
    code, shown_table, _ = invoke(cli, "show", "1")
    assert "ACME" in shown_table and "The rules have changed" not in shown_table
    code, table, _ = invoke(cli, "check", "-", "--client", "ACME", "--no-save", input="{}")
    assert "From the client's history (clientcheck paid): late_payments, worked_before" in table
    assert err.splitlines() == [
        f"From ACME's history: worked with before (3 payments recorded); late payments: 3 since {SINCE} (on time: 0)",
        "Saved as assessment #1 of ACME; to see it again: clientcheck show 1",
    ]
    _, listed, _ = invoke(cli, "history", "--format", "csv")
    assert listed.splitlines()[1].split(",")[2:7] == ["ACME", "en", "decline", "10", "late-payer:decline"]
    _, shown, _ = invoke(cli, "show", "1", "-f", "json")
    assert json.loads(shown) == verdict


@pytest.mark.slow
def test_check_of_a_named_client_in_a_table_and_in_russian(cli: CliRunner, tmp_path: Path) -> None:
    for _ in range(2):
        invoke(cli, "paid", "ACME", "--late")
    answers = tmp_path / "a.yaml"
    answers.write_text("advance: partial\n", encoding="utf-8")
    code, out, err = invoke(cli, "check", str(answers), "--client", "acme", "--lang", "ru")
    assert code == 0
    assert "ОСТОРОЖНО" in out and "late-payer" in out
    assert err.splitlines()[-1] == "Сохранено как оценка №1 клиента acme; посмотреть её снова: clientcheck show 1"


def test_explicit_answers_win_over_history(cli: CliRunner) -> None:
    for _ in range(3):
        invoke(cli, "paid", "ACME", "--late")
    code, out, err = invoke(
        cli, "check", "-", "--client", "ACME", "-f", "json", input='{"worked_before": true, "late_payments": 0}'
    )
    assert code == 0 and json.loads(out)["verdict"] == "go"
    assert err.splitlines() == ["Saved as assessment #1 of ACME; to see it again: clientcheck show 1"]
    _, exported, _ = invoke(cli, "history", "-f", "json")
    assert json.loads(exported)["assessments"][0]["from_history"] == []


def test_check_without_a_client_or_with_no_save_stores_nothing(cli: CliRunner, isolated: Path) -> None:
    code, out, err = invoke(cli, "check", "-", "-f", "json", input="{}")
    assert (code, err) == (0, "")
    code, out, err = invoke(cli, "check", "-", "--client", "ACME", "--no-save", "-f", "json", input="{}")
    assert (code, err) == (0, "")
    assert json.loads(out)["client"] == "ACME"
    assert not isolated.exists()
    invoke(cli, "paid", "ACME", "--late")
    code, out, err = invoke(cli, "check", "-", "--client", "ACME", "--no-save", "-f", "json", input="{}")
    assert json.loads(out)["answers"] == {"worked_before": True, "late_payments": 1}
    assert err.startswith("From ACME's history: ") and "Saved" not in err
    _, listed, _ = invoke(cli, "history", "-f", "csv")
    assert len(listed.splitlines()) == 1


def test_check_refuses_a_client_for_a_batch_or_a_partial_verdict(cli: CliRunner, tmp_path: Path) -> None:
    for name in ("a", "b"):
        (tmp_path / f"{name}.yaml").write_text("rude: false\n", encoding="utf-8")
    code, out, err = invoke(cli, "check", str(tmp_path / "a.yaml"), str(tmp_path / "b.yaml"), "--client", "ACME")
    assert (code, out, err) == (2, "", "clientcheck: error: --client names one client: give it a single answers file\n")
    code, out, err = invoke(cli, "check", "-", "--client", "ACME", "--ignore", "rude", input="{}")
    assert (code, out, err) == (
        2,
        "",
        "clientcheck: error: --select and --ignore give a partial verdict, which is not saved: add --no-save\n",
    )
    code, out, _ = invoke(cli, "check", "-", "--client", "ACME", "--ignore", "rude", "--no-save", input="{}")
    assert code == 0


@pytest.mark.slow
def test_check_of_a_named_client_with_a_broken_history_is_one_line(cli: CliRunner, isolated: Path) -> None:
    isolated.write_bytes(b"\x00garbage" * 200)
    code, out, err = invoke(cli, "check", "-", "--client", "ACME", input="{}")
    assert (code, out) == (2, "")
    assert err == (
        f"clientcheck: error: {isolated}: not a clientcheck history database, or a damaged one (file is not a "
        "database); move it aside or choose another file with --db\n"
    )
