"""Issue 11: a command line that feels native, in English and in Russian.

Completion, help pages, the project-file rule, `questions`, narrow layouts, one vocabulary,
plural forms, the language of the run and Click's own errors in Russian.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tomllib
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pexpect
import pytest
import typer
from typer.testing import CliRunner

from clientcheck import __version__, fmt, helptext
from clientcheck.cli import app
from clientcheck.completion import Item, complete, respond, script, split_line
from clientcheck.config import resolve
from clientcheck.helptext_ru import RU
from clientcheck.loader import bundled_questions, bundled_rules
from tests.conftest import SMALL_QUESTIONS, SMALL_RULES, WriteYaml, invoke

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
BIN = Path(sys.executable).parent


@pytest.fixture(autouse=True)
def _plain_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG", "CLIENTCHECK_RULES", "CLIENTCHECK_QUESTIONS", "COLUMNS"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("CLIENTCHECK_DB", str(tmp_path / "history.sqlite3"))


@pytest.fixture
def unrelated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder of some other project: a rules.yaml that is not ours and a questions/ folder."""
    folder = tmp_path / "p"
    (folder / "questions").mkdir(parents=True)
    (folder / "questions" / "faq.md").write_text("x\n", encoding="utf-8")
    (folder / "rules.yaml").write_text("rules:\n  - no-console\n  - eqeqeq\n", encoding="utf-8")
    monkeypatch.chdir(folder)
    return folder


def words(items: list[Item]) -> list[str]:
    return [i.value for i in items]


# ---------------------------------------------------------------- completion


@pytest.mark.slow
def test_completion_offers_commands_options_ids_and_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert words(complete([], "ch")) == ["check"]
    assert "completion" in words(complete([], "co")) and "config" in words(complete([], "co"))
    assert words(complete(["check"], "--se")) == ["--select"]
    assert words(complete(["--lang", "ru", "check"], "--ign")) == ["--ignore"]
    late = complete(["check", "--select"], "la")
    assert words(late) == ["late-payer"] and late[0].help == "Pays late"
    # a comma list completes its last item and leaves out the ids already given
    assert words(complete(["check", "--select"], "late-payer,al")) == ["late-payer,all-talk"]
    assert "late-payer,late-payer" not in words(complete(["check", "--select"], "late-payer,"))
    assert words(complete(["questions", "show"], "late_")) == ["late_payments"]
    assert words(complete(["rules", "show"], "pay-l")) == ["pay-later"]
    assert words(complete(["explain", "x.yaml", "--select"], "rush")) == ["rush-deadline"]
    assert words(complete(["check", "-f"], "js")) == ["json", "jsonl"]
    # titles follow the language asked for
    assert complete(["--lang", "ru", "check", "--select"], "late-")[0].help == "Задерживает оплату"
    # files and folders are the shell's to list
    assert complete(["check"], "exa") == [Item("exa", "file")]
    assert complete(["check", "--rules"], "") == [Item("", "file")]
    assert complete(["check", "--questions"], "q") == [Item("q", "dir")]
    assert complete(["import"], "") == [Item("", "file")]


@pytest.mark.slow
def test_completion_reads_client_names_without_writing(tmp_path: Path, cli: CliRunner) -> None:
    db = tmp_path / "history.sqlite3"
    assert words(complete(["history"], "")) == []
    assert not db.exists()  # completing never creates the database
    assert invoke(cli, "paid", "ACME Ltd", "--on-time")[0] == 0
    assert invoke(cli, "paid", "--client", "Acorn", "--late")[0] == 0
    before = (db.stat().st_mtime_ns, db.read_bytes())
    assert words(complete(["history"], "A")) == ["ACME Ltd", "Acorn"]
    assert words(complete(["check", "x.yaml", "--client"], "ACM")) == ["ACME Ltd"]
    assert words(complete(["paid"], "Aco")) == ["Acorn"]
    assert words(complete(["diff"], "")) == ["ACME Ltd", "Acorn"]
    assert (db.stat().st_mtime_ns, db.read_bytes()) == before
    assert words(complete(["history", "--db", str(tmp_path / "other.sqlite3")], "")) == []


@pytest.mark.slow
def test_completion_of_assessment_numbers(tmp_path: Path, cli: CliRunner) -> None:
    """Where a command takes an assessment number: newest first, with client, day and verdict."""
    db = tmp_path / "history.sqlite3"
    assert words(complete(["show"], "")) == []
    assert not db.exists()
    for name in ("ACME", "Beta", "ACME", *["Gamma"] * 9):
        assert invoke(cli, "check", "-", "--client", name, "--lang", "en", input="{}")[0] == 0
    before = (db.stat().st_mtime_ns, db.read_bytes())
    day = date.today().isoformat()
    shown = complete(["show"], "")
    assert words(shown) == [str(n) for n in range(12, 0, -1)]
    assert shown[-1] == Item("1", "plain", f"ACME · {day} · GO")
    assert words(complete(["show"], "1")) == ["12", "11", "10", "1"]
    assert complete(["--lang", "ru", "show"], "2")[0].help == f"Beta · {day} · БРАТЬ"
    assert words(complete(["outcome", "ACME", "--assessment"], "")) == ["3", "1"]  # that client's only
    assert words(complete(["diff"], "")) == ["ACME", "Beta", "Gamma"]  # a client, or
    assert words(complete(["diff"], "1")) == ["12", "11", "10", "1"]  # a number,
    assert words(complete(["diff", "3"], "")) == words(shown)  # and after a number, another
    assert words(complete(["reply"], "2")) == ["2"]
    assert complete(["reply"], "") == [Item("", "file")]  # an answers file first of all
    assert complete(["reply"], "99") == [Item("99", "file")]  # no such number: perhaps a file
    assert words(complete(["show", "--db", str(tmp_path / "other.sqlite3")], "")) == []
    assert (db.stat().st_mtime_ns, db.read_bytes()) == before  # read-only


@pytest.mark.slow
def test_completing_numbers_loads_nothing_heavy(tmp_path: Path) -> None:
    env = {**os.environ, "CLIENTCHECK_DB": str(tmp_path / "h.sqlite3"), "_CLIENTCHECK_COMPLETE": "bash"}
    env["_CLIENTCHECK_COMPLETE_LINE"] = "clientcheck show "
    code = "import sys; from clientcheck.launch import main; main([]); print(sorted(sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=30)
    loaded = done.stdout.splitlines()[-1]
    assert "clientcheck.cli" in loaded  # the run happened
    for heavy in ("rich", "questionary", "prompt_toolkit", "yaml", "duckdb", "pydantic", "clientcheck.commands.check"):
        assert f"'{heavy}'" not in loaded, heavy


@pytest.mark.slow
def test_completion_offers_nothing_rather_than_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "rules.yaml").write_text("clientcheck: rules\nversion: 1\nrules: [\n", encoding="utf-8")
    assert complete(["check", "--select"], "la") == []
    (tmp_path / "history.sqlite3").write_text("not a database", encoding="utf-8")
    assert complete(["history"], "") == []
    assert capsys.readouterr() == ("", "")


@pytest.mark.slow
def test_respond_writes_kind_value_and_help(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    monkeypatch.chdir(tmp_path)
    out = io.StringIO()
    assert respond("bash", "clientcheck check --select late-p", out) == 0
    assert out.getvalue() == "plain\tlate-payer\tPays late\n"
    out = io.StringIO()
    respond("zsh", "clientcheck check ", out)
    assert out.getvalue() == "file\t\t\n"
    assert respond("tcsh", "clientcheck ch", io.StringIO()) == 2
    assert split_line("clientcheck history 'ACME L") == (["history"], "ACME L")
    assert split_line("clientcheck check ") == (["check"], "")


def test_completion_scripts_and_how_to_get_them(cli: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    for shell in ("bash", "zsh", "fish"):
        code, out, err = invoke(cli, "completion", shell)
        assert (code, err) == (0, "") and out == script(shell)
        assert "_CLIENTCHECK_COMPLETE" in out
        assert invoke(cli, "--show-completion", shell) == (0, script(shell), "")
    monkeypatch.setenv("SHELL", "/usr/bin/zsh")
    assert invoke(cli, "completion")[1] == script("zsh")
    monkeypatch.setenv("SHELL", "/bin/tcsh")
    assert invoke(cli, "completion") == (
        2,
        "",
        "clientcheck: error: cannot tell which shell this is; name it: clientcheck completion bash (or zsh, fish)\n",
    )
    assert invoke(cli, "--show-completion", "tcsh")[2] == (
        "clientcheck: error: --show-completion: no script for 'tcsh'; choose bash, zsh or fish\n"
    )


@pytest.mark.pty
@pytest.mark.slow
@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_bash_completes_a_command_and_a_rule_id(tmp_path: Path) -> None:
    """The script, sourced in a real bash on a pty: TAB completes `ch` and `--select la`."""
    env = {
        "HOME": str(tmp_path),
        "PATH": f"{BIN}:/usr/bin:/bin",
        "TERM": "dumb",
        "PS1": "$ ",
        "CLIENTCHECK_DB": str(tmp_path / "h.sqlite3"),
        "XDG_CACHE_HOME": os.environ.get("XDG_CACHE_HOME", str(tmp_path / "cache")),
    }
    child = pexpect.spawn("bash", ["--norc", "--noprofile"], env=env, cwd=str(tmp_path), encoding="utf-8", timeout=30)
    try:
        child.expect_exact("$ ")
        child.sendline('eval "$(clientcheck completion bash)"; echo loaded')
        child.expect_exact("loaded")
        child.expect_exact("$ ")
        child.send("clientcheck ch\t")
        child.expect_exact("clientcheck check ")
        child.send("--select la\t")
        child.expect_exact("--select late-payer")
        child.sendcontrol("c")
    finally:
        child.close(force=True)


# ---------------------------------------------------------------- help pages


def _pages() -> list[list[str]]:
    """Every command path: [], ["check"], ["rules", "show"], ..."""
    root = typer.main.get_command(app)
    out: list[list[str]] = [[]]

    def walk(group: Any, path: list[str]) -> None:
        for name, command in group.commands.items():
            out.append([*path, name])
            if hasattr(command, "commands"):
                walk(command, [*path, name])

    walk(root, [])
    return out


PAGES = _pages()


@pytest.mark.slow
@pytest.mark.parametrize("path", PAGES, ids=lambda p: " ".join(p) or "clientcheck")
def test_every_help_page_has_examples_and_its_own_exit_codes(path: list[str], cli: CliRunner) -> None:
    code, out, err = invoke(cli, *path, "--help")
    assert (code, err) == (0, "")
    assert "\nExamples:\n" in out and "    $ clientcheck" in out
    assert not re.search(r"<\w|list\[|\[x>=|\.\.\.\.|…", out)  # no Python types, nothing cut
    assert all(line == line.rstrip() for line in out.splitlines())
    key = " ".join(path)
    if not any(hasattr(c, "commands") for c in [typer.main.get_command(app)]) or key not in ("rules", "questions"):
        codes = re.findall(r"^  (\d+) ", out.split("\nExit codes:\n")[1], re.M)
        expected = [str(c) for c, _ in helptext.exit_codes(key)]
        assert codes == expected
        assert {"5", "130"} <= set(codes)  # any command's output can fail, and any can be interrupted
    _, russian, _ = invoke(cli, "--lang", "ru", *path, "--help")
    assert "\nПримеры:\n" in russian


def test_exit_codes_only_where_they_apply(cli: CliRunner) -> None:
    history = invoke(cli, "history", "--help")[1].split("\nExit codes:\n")[1]
    assert re.findall(r"^  (\d+) ", history, re.M) == ["0", "2", "5", "130"]
    test = invoke(cli, "rules", "test", "--help")[1].split("\nExit codes:\n")[1]
    assert re.search(r"^  1 +An example failed, or the coverage is below --min-coverage\.$", test, re.M)


def test_summaries_fit_and_metavars_read_as_words(cli: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    out = invoke(cli, "--help")[1]
    rows = [line for line in out.splitlines() if re.match(r"^  [a-z]+ +\S", line)]
    assert len(rows) >= 16 and all(len(line) <= 100 for line in rows)  # one line each, never cut
    check = invoke(cli, "check", "--help")[1]
    for term in ("ANSWERS...", "-f, --format FORMAT", "--select IDS", "--client NAME", "--db FILE", "--questions DIR"):
        assert term in check
    flat = " ".join(check.split())
    assert "[env: CLIENTCHECK_DB]" in flat and "[env: CLIENTCHECK_RULES]" in flat
    assert "[one of: table, json, jsonl, csv, markdown, tsv; default: table]" in flat
    russian = invoke(cli, "--lang", "ru", "check", "--help")[1]
    assert "Запуск: clientcheck check [ПАРАМЕТРЫ] ОТВЕТЫ..." in russian and "--db ФАЙЛ" in russian


def _english_sentences(text: str) -> list[str]:
    """Three English words in a row, outside commands, options, ids and paths."""
    found = []
    # quoted text is a command or a value to type («clientcheck rules test --help»), not a sentence
    text = re.sub(r"«[^»]*»|'[^']*'|`[^`]*`", " ", text)
    text = re.sub(r"\bclientcheck( [a-z]+)*", " ", text)  # a command line: names, not words
    for line in text.splitlines():
        if line.lstrip().startswith("$ "):
            continue  # an example command line
        kept = [w for w in line.split() if not re.search(r"[-_./$=|@\d]|^[A-Z_]+[,;.]?$", w)]
        found += re.findall(r"\b[A-Za-z]{2,}\s+[A-Za-z]{2,}\s+[A-Za-z]{2,}\b", " ".join(kept))
    return found


def test_russian_help_is_russian_everywhere(cli: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANG", "ru_RU.UTF-8")
    for path in PAGES:
        code, out, _ = invoke(cli, *path, "--help")
        assert code == 0
        assert _english_sentences(out) == [], (path, _english_sentences(out))
    assert _english_sentences("Show this message and exit.") != []  # the check itself can fail


def test_every_help_text_has_its_translation() -> None:
    root = typer.main.get_command(app)
    texts: set[str] = set()

    def walk(command: Any, ctx: Any) -> None:
        texts.update(helptext._paragraphs(command.help or ""))
        texts.update(" ".join((p.help or "").split()) for p in command.get_params(ctx) if getattr(p, "help", None))
        for name, sub in getattr(command, "commands", {}).items():
            walk(sub, typer._click.Context(sub, parent=ctx, info_name=name))

    walk(root, typer._click.Context(root, info_name="clientcheck"))
    texts.update(e.what for examples in helptext.EXAMPLES.values() for e in examples)
    texts.update(w for codes in [*helptext.EXIT_CODES.values(), helptext.DEFAULT_EXIT_CODES] for _, w in codes)
    texts.add(helptext.OUTPUT[1])
    texts.update(w for _, w in helptext.ENVIRONMENT)
    texts.update(title for title, _ in helptext.GROUPS)
    assert sorted(texts - set(RU)) == []
    assert sorted(set(RU) - texts) == []  # no translation of a text that is gone


# ---------------------------------------------------------------- errors in Russian


@pytest.mark.parametrize(
    "args",
    [
        ["check"],
        ["check", "x.yaml", "-f", "bogus"],
        ["check", "x.yaml", "--jobs", "-3"],
        ["check", "x.yaml", "--jobs", "abc"],
        ["check", "x.yaml", "--forma", "json"],
        ["check", "x.yaml", "--select"],
        ["chek"],
        ["rules", "bogus"],
        ["show", "abc"],
        ["history", "a", "b"],
        ["init", "--force=3"],
        ["rules", "test", "--min-coverage", "200"],
        ["interview", "--answers", "/tmp"],
        ["check", "--lang", "de", "x"],
        ["check", "nope.yaml"],
        ["check", "{bad}"],
        ["check", "-", "--select", "late-payr"],
        ["paid"],
        ["paid", "ACME"],
        ["paid", "ACME", "--on-time", "--date", "yesterday"],
        ["paid", "ACME", "--on-time", "--days", "3"],
        ["paid", " ", "--on-time"],
        ["check", "-", "--client", "ACME", "--select", "rude"],
        ["show", "7"],
        ["diff", "ACME"],
        ["rules", "show", "late-payr"],
        ["questions", "show", "late_paymnts"],
        ["explain", "-", "--select", "nope"],
        ["interview"],
    ],
    ids=lambda a: " ".join(a),
)
def test_errors_in_russian_mode_are_russian(args: list[str], cli: CliRunner, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("late_payments: -3\nadvance: nope\nfoo: 1\n", encoding="utf-8")
    argv = [str(bad) if a == "{bad}" else a for a in args]
    if "paid" not in args:  # some errors need a history database to exist
        assert invoke(cli, "paid", "ACME", "--on-time")[0] == 0
    code, out, err = invoke(cli, "--lang", "ru", *argv, input="{}")
    assert (code, out) == (2, ""), err
    assert err.startswith("clientcheck: ошибка: ") and err.count("\n") >= 1
    assert _english_sentences(err) == [], err
    assert "Traceback" not in err


def test_click_errors_read_the_same_in_english(cli: CliRunner) -> None:
    assert invoke(cli, "check", "x", "--forma", "json")[2] == (
        "clientcheck: error: no such option: --forma; did you mean --format? (see 'clientcheck check --help')\n"
    )
    assert (
        invoke(cli, "chek")[2]
        == "clientcheck: error: no such command: 'chek'; did you mean check? (see 'clientcheck --help')\n"
    )
    assert (
        invoke(cli, "check")[2] == "clientcheck: error: missing argument ANSWERS... (see 'clientcheck check --help')\n"
    )
    assert invoke(cli, "--lang", "ru", "check", "x", "--jobs", "-3")[2] == (
        "clientcheck: ошибка: --jobs / -j: значение должно быть не меньше 0 (см. «clientcheck check --help»)\n"
    )


# ---------------------------------------------------------------- the language of the run


def test_lang_before_or_after_the_command(cli: CliRunner) -> None:
    for args in (["--lang", "ru", "check", "-"], ["check", "-", "--lang", "ru"], ["--lang=ru", "check", "-"]):
        code, out, _ = invoke(cli, *args, "-f", "json", input="{}")
        assert (code, json.loads(out)["language"]) == (0, "ru")
    # the last one given wins, as for any option
    assert (
        json.loads(invoke(cli, "--lang", "ru", "check", "-", "--lang", "en", "-f", "json", input="{}")[1])["language"]
        == "en"
    )


# ---------------------------------------------------------------- numbers and dates


def test_one_formatting_vocabulary() -> None:
    assert (fmt.number(120000, "en"), fmt.number(120000, "ru")) == ("120,000", "120\u00a0000")
    assert (fmt.number(1234.5, "en"), fmt.number(1234.5, "ru")) == ("1,234.5", "1\u00a0234,5")
    assert (fmt.short(-2.0), fmt.short(3.5), fmt.plain(0.1), fmt.plain(7.0)) == ("-2", "3.5", "0.1", "7")
    assert (fmt.day(date(2026, 3, 9), "en"), fmt.day(date(2026, 3, 9), "ru")) == ("2026-03-09", "09.03.2026")
    moment = datetime(2026, 3, 9, 8, 30, 5, tzinfo=UTC)
    assert fmt.stamp(moment) == "2026-03-09T08:30:05Z"
    assert re.fullmatch(r"09\.03\.2026 \d\d:30", fmt.moment(moment, "ru"))


# ---------------------------------------------------------------- the project-file rule


def test_an_unrelated_folder_uses_the_bundled_files(unrelated: Path, cli: CliRunner) -> None:
    sources = resolve()
    assert (sources.rules.path, sources.questions.path) == (bundled_rules(), bundled_questions())
    assert sources.project.is_project is False and sources.project.rules_unmarked is True
    code, out, err = invoke(cli, "check", "-", "-f", "json", input="{}")
    assert (code, err) == (0, "") and json.loads(out)["verdict"] == "go"
    code, out, _ = invoke(cli, "config")
    assert out.splitlines()[0] == (
        "The rules.yaml here is not a clientcheck file (its top level has no `clientcheck: rules`), so it is "
        "ignored; to use it, add that line or create an empty clientcheck.yaml."
    )
    assert (
        f"  3. the current folder: {unrelated / 'questions'} (there, but ignored: this folder is not a clientcheck project)"
        in out
    )
    data = json.loads(invoke(cli, "config", "-f", "json")[1])
    assert data["project"] == {"folder": str(unrelated), "is_project": False, "because": "none"}
    assert data["rules"]["looked_at"][2] == {
        "origin": "cwd",
        "path": str(unrelated / "rules.yaml"),
        "found": False,
        "ignored": True,
    }


def test_paid_in_an_unrelated_folder_records_once(unrelated: Path, cli: CliRunner, tmp_path: Path) -> None:
    code, out, err = invoke(cli, "paid", "Y", "--on-time")
    assert (code, err) == (0, "") and out.startswith("Recorded: Y paid on time on ")
    with sqlite3.connect(tmp_path / "history.sqlite3") as db:
        assert db.execute("SELECT count(*) FROM payments").fetchone() == (1,)


def test_a_marked_folder_is_a_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, write_yaml: WriteYaml) -> None:
    monkeypatch.chdir(tmp_path)
    write_yaml("questions/10-pay.yaml", SMALL_QUESTIONS)
    write_yaml("rules.yaml", SMALL_RULES)
    assert resolve().rules.origin == "bundled"  # unmarked: not ours
    write_yaml("rules.yaml", "# our rules\nclientcheck: rules\n" + SMALL_RULES)
    sources = resolve()
    assert (sources.rules.origin, sources.questions.origin, sources.project.because) == ("cwd", "cwd", "marker")
    write_yaml("rules.yaml", SMALL_RULES)
    write_yaml("clientcheck.yaml", "")
    assert resolve().project.because == "project-file" and resolve().rules.origin == "cwd"
    # a marker inside a block scalar is text, not a key: the line is indented
    (tmp_path / "clientcheck.yaml").unlink()
    write_yaml("rules.yaml", "notes: |\n  clientcheck: rules\n" + SMALL_RULES)
    assert resolve().project.is_project is False


@pytest.mark.slow
def test_no_command_writes_before_the_rules_load(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: CliRunner, write_yaml: WriteYaml
) -> None:
    monkeypatch.chdir(tmp_path)
    write_yaml("rules.yaml", "clientcheck: rules\nversion: 1\npolicy: [\n")  # ours, and broken
    db = tmp_path / "history.sqlite3"
    code, _, err = invoke(cli, "paid", "ACME", "--on-time")
    assert code == 2 and err.startswith("clientcheck: error: rules.yaml:")
    assert not db.exists()
    export = tmp_path / "export.json"
    export.write_text(json.dumps({"schema": "clientcheck.history/1", "assessments": [], "payments": []}))
    assert invoke(cli, "import", str(export))[0] == 2
    assert not db.exists()


def test_init_makes_a_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: CliRunner) -> None:
    monkeypatch.chdir(tmp_path)
    assert invoke(cli, "init", "mine")[0] == 0
    monkeypatch.chdir(tmp_path / "mine")
    sources = resolve()
    assert (sources.rules.origin, sources.questions.origin) == ("cwd", "cwd")


# ---------------------------------------------------------------- questions


def out_en(cli: CliRunner) -> str:
    return invoke(cli, "questions", "show", "advance")[1]


@pytest.mark.slow
def test_questions_list_and_show(cli: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = invoke(cli, "questions", "list")
    assert (code, err) == (0, "")
    assert re.search(r"^late_payments +whole number +How many times", out, re.M)
    data = json.loads(invoke(cli, "questions", "list", "-f", "json")[1])
    late = next(q for q in data if q["id"] == "late_payments")
    assert (late["type"], late["min"], late["when"]) == ("integer", 0, "worked_before")
    code, out, _ = invoke(cli, "questions", "show", "advance")
    assert code == 0
    assert "advance: none" in out and "prepayment-agreed" in out and "Accepts: one of the choice ids below" in out
    shown = json.loads(invoke(cli, "questions", "show", "advance", "-f", "json")[1])
    assert [c["id"] for c in shown["choices"]] == ["none", "partial", "full"]
    assert "pay-if-i-like" in shown["used_by_rules"]
    code, out, _ = invoke(cli, "--lang", "ru", "questions", "show", "late_payments")
    assert "Ответ: целое число от 0 до 1000" in out
    assert invoke(cli, "questions", "list", "--quiet")[1].splitlines()[-1].startswith("long_term ")
    assert "null (or ~)" in out_en(cli) and "null (or ~)" not in invoke(cli, "questions", "show", "advance", "-q")[1]
    assert invoke(cli, "questions", "show", "late_paymnts")[2] == (
        "clientcheck: error: no question 'late_paymnts'; did you mean 'late_payments'?\n"
    )


# ---------------------------------------------------------------- layout


@pytest.mark.slow
@pytest.mark.parametrize("columns", [40, 52, 60, 80, 120])
@pytest.mark.parametrize("lang", ["en", "ru"])
def test_verdicts_fit_the_width_and_never_break_an_id(
    columns: int, lang: str, cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", str(columns))
    for example in sorted(EXAMPLES.glob("*.yaml")):
        code, out, _ = invoke(cli, "check", str(example), "--lang", lang)
        assert code in (0, 1)  # go or caution; decline
        data = json.loads(invoke(cli, "check", str(example), "--lang", lang, "-f", "json")[1])
        lines = out.splitlines()
        assert max(len(line) for line in lines) <= columns, example.name
        assert all(line == line.rstrip() for line in lines)  # no padding at the ends of lines
        ids = [f["id"] for f in data["findings"]]  # good signs show their titles only
        ids += [e["question"] for key in ("findings", "good_signs") for f in data[key] for e in f["evidence"]]
        if not data["settled"]:  # a settled verdict lists nothing to ask
            ids += [a["question"] for a in data["ask_next"]]
        for rule_or_question in ids:
            assert re.search(rf"(?<![\w-]){re.escape(rule_or_question)}(?![\w-])", out), (
                example.name,
                rule_or_question,
            )


@pytest.mark.slow
def test_other_tables_fit_forty_columns(cli: CliRunner, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    invoke(cli, "check", str(EXAMPLES / "late-payer.yaml"), "--client", "ACME Ltd")
    invoke(cli, "check", str(EXAMPLES / "startup-with-investor.yaml"), "--client", "ACME Ltd")
    invoke(cli, "paid", "ACME Ltd", "--late", "--days", "4")
    rules = tmp_path / "stricter.yaml"
    rules.write_text("extends: builtin\nversion: 1\ndisable: [late-payer]\n", encoding="utf-8")
    monkeypatch.setenv("COLUMNS", "40")
    for args in (
        ["questions", "list"],
        ["questions", "show", "advance"],
        ["--lang", "ru", "questions", "list"],
        ["history", "ACME Ltd"],
        ["--lang", "ru", "history"],
        ["diff", "ACME Ltd"],
        ["rules", "list"],
        ["rescore", "--rules", str(rules)],
    ):
        code, out, err = invoke(cli, *args)
        assert (code, err) == (0, ""), args
        assert max(len(line) for line in out.splitlines()) <= 40, args
        assert all(line == line.rstrip() for line in out.splitlines())
        joined = re.sub(r"\n *[│┃]? *", "", out)  # lines glued back: a split id shows up whole here
        for rule_id in ("late-payer", "investor-pending", "pay-if-i-like", "all-talk", "worked_before"):
            assert rule_id in out or rule_id not in joined, (args, rule_id)


# ---------------------------------------------------------------- one vocabulary


def test_one_json_shape_on_request(cli: CliRunner) -> None:
    one = str(EXAMPLES / "good-client.yaml")
    assert json.loads(invoke(cli, "check", one, "-f", "json")[1])["schema"] == "clientcheck.verdict/2"
    batch = json.loads(invoke(cli, "check", one, "--batch", "-f", "json")[1])
    assert batch["schema"] == "clientcheck.batch/1" and len(batch["results"]) == 1
    two = json.loads(invoke(cli, "check", one, str(EXAMPLES / "late-payer.yaml"), "--batch", "-f", "json")[1])
    assert two["schema"] == "clientcheck.batch/1" and len(two["results"]) == 2


def test_client_is_an_option_everywhere(cli: CliRunner) -> None:
    assert invoke(cli, "paid", "--client", "ACME", "--on-time")[0] == 0
    assert invoke(cli, "check", str(EXAMPLES / "good-client.yaml"), "--client", "ACME")[0] == 0
    assert invoke(cli, "check", str(EXAMPLES / "late-payer.yaml"), "--client", "ACME")[0] == 0
    assert "ACME" in invoke(cli, "history", "--client", "ACME")[1]
    assert invoke(cli, "diff", "--client", "ACME", "-f", "json")[0] == 0
    assert invoke(cli, "history", "ACME", "--client", "Other")[2] == (
        "clientcheck: error: two different clients given: 'ACME' and --client 'Other'\n"
    )


@pytest.mark.slow
def test_color_and_format_words_are_the_same_everywhere(cli: CliRunner) -> None:
    assert invoke(cli, "check", str(EXAMPLES / "late-payer.yaml"), "--client", "ACME")[0] == 0
    for args in (
        ["history"],
        ["show", "1"],
        ["diff", "1", "1"],
        ["questions", "list"],
        ["check", str(EXAMPLES / "good-client.yaml")],
    ):
        code, out, _ = invoke(cli, *args, "--color", "always")
        assert code == 0 and "\x1b[" in out, args
        assert "\x1b[" not in invoke(cli, *args, "--color", "never")[1]
    assert invoke(cli, "lint", "-f", "table")[0] == 0  # table, as everywhere (it was "text")
    assert json.loads(invoke(cli, "lint", "-f", "json")[1])["errors"] == 0


@pytest.mark.slow
def test_show_speaks_the_language_of_the_run(cli: CliRunner) -> None:
    invoke(cli, "check", str(EXAMPLES / "late-payer.yaml"), "--client", "ACME", "--lang", "ru")
    assert "Red flags" in invoke(cli, "show", "1")[1]
    assert "Красные флаги" in invoke(cli, "show", "1", "--lang", "ru")[1]


# ---------------------------------------------------------------- packaging


@pytest.mark.slow
def test_license_and_one_version() -> None:
    assert (ROOT / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert "version" not in project and project["dynamic"] == ["version"] and project["license"] == "MIT"
    done = subprocess.run(
        [str(BIN / "clientcheck"), "--version"], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout == f"clientcheck {__version__}\n"


@pytest.mark.pty
@pytest.mark.slow
@pytest.mark.parametrize("columns", [40, 100])
def test_a_batch_on_a_narrow_terminal_keeps_ids_whole(tmp_path: Path, columns: int) -> None:
    records = [
        {
            "client": "ACME Ltd",
            "late_payments": 3,
            "worked_before": True,
            "advance": "none",
            "asks": ["free_sample"],
            "contract": False,
        },
        {"client": "Globex Corporation International Holdings", "rude": True},
        {},
    ]
    (tmp_path / "c.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    env = {**os.environ, "COLUMNS": str(columns), "CLIENTCHECK_DB": str(tmp_path / "h.sqlite3")}
    child = pexpect.spawn(
        str(BIN / "clientcheck"),
        ["check", "c.jsonl", "--color", "never"],
        env=env,
        cwd=str(tmp_path),
        encoding="utf-8",
        timeout=60,
        dimensions=(40, columns),
    )
    child.expect(pexpect.EOF)
    child.close()
    lines = (child.before or "").replace("\r", "").splitlines()
    assert child.exitstatus == 1  # a decline
    assert max(len(line) for line in lines) <= columns
    text = "\n".join(lines)
    for rule_id in ("late-payer", "pay-if-i-like", "rude"):
        assert re.search(rf"(?<![\w-]){re.escape(rule_id)}(?![\w-])", text), rule_id
    assert "…" not in text.split("Globex")[0]  # only a long name is cut, never a flag
