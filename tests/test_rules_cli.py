"""init, schema, rules list|show|test through the CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from clientcheck.extends import question_files
from clientcheck.lint import lint
from clientcheck.loader import bundled_questions, bundled_rules, load_catalog
from clientcheck.schema import json_schema
from tests.conftest import SMALL_QUESTIONS, SMALL_RULES, WriteYaml, invoke

NEXT = [
    "Next:",
    "  1. Edit rules.yaml and questions/*.yaml: add a question, add a rule with examples (docs/rules.md).",
    "  2. clientcheck lint          finds every mistake, with file:line",
    "  3. clientcheck rules test    runs the examples of every rule",
    "  4. clientcheck check FILE    now uses your files, with no option",
]


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "clientcheck.yaml").write_text("", encoding="utf-8")  # a project: its files are used
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("CLIENTCHECK_RULES", raising=False)
    monkeypatch.delenv("CLIENTCHECK_QUESTIONS", raising=False)
    return tmp_path


@pytest.mark.slow
def test_init_writes_editable_copies_with_their_schemas(here: Path, cli: CliRunner) -> None:
    code, out, err = invoke(cli, "init", "--lang", "en")
    assert (code, err) == (0, "")
    n = len(question_files(bundled_questions()))
    assert out.splitlines() == [
        f"Wrote rules.yaml, {n} question files in questions/ and their JSON Schemas in schema/.",
        "",
        *NEXT,
    ]
    rules = (here / "rules.yaml").read_text(encoding="utf-8")
    assert rules.splitlines()[0] == "# yaml-language-server: $schema=schema/rules.schema.json"
    assert rules.split("\n", 1)[1] == bundled_rules().read_text(encoding="utf-8")
    for path in question_files(bundled_questions()):
        copy = (here / "questions" / path.name).read_text(encoding="utf-8")
        assert copy.split("\n", 1) == [
            "# yaml-language-server: $schema=../schema/questions.schema.json",
            path.read_text(encoding="utf-8"),
        ]
    for fmt in ("rules", "questions"):
        assert json.loads((here / "schema" / f"{fmt}.schema.json").read_text(encoding="utf-8")) == json_schema(fmt)
    # the copies are what clientcheck now uses here, and they are as good as the originals
    code, out, _ = invoke(cli, "config", "--format", "json")
    assert json.loads(out)["rules"]["origin"] == "cwd" and json.loads(out)["questions"]["origin"] == "cwd"
    assert load_catalog(here / "rules.yaml", here / "questions").digest != ""
    assert lint(here / "rules.yaml", here / "questions").errors == 0


def test_init_never_overwrites_without_force(here: Path, cli: CliRunner) -> None:
    (here / "rules.yaml").write_text("# mine\n", encoding="utf-8")
    code, out, err = invoke(cli, "init", "--lang", "en")
    assert (code, out) == (2, "")
    total = len(question_files(bundled_questions())) + 3
    assert err == (
        "clientcheck: error: rules.yaml already exists (and 0 more of the files init writes); nothing was written; "
        "use --force to overwrite them\n"
    )
    assert not (here / "questions").exists() and (here / "rules.yaml").read_text(encoding="utf-8") == "# mine\n"
    code, _, _ = invoke(cli, "init", "--force")
    assert code == 0 and (here / "rules.yaml").read_text(encoding="utf-8").startswith("# yaml-language-server")
    code, _, err = invoke(cli, "init", "--lang", "en")
    assert code == 2 and f"(and {total - 1} more of the files init writes)" in err


def test_init_into_another_folder_says_to_go_there(here: Path, cli: CliRunner) -> None:
    code, out, _ = invoke(cli, "init", "team", "--lang", "ru")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("Записаны team/rules.yaml, файлы вопросов в team/questions/")
    assert lines[3] == "  0. cd team   (clientcheck берёт ./rules.yaml и ./questions/ из папки, где вы его запускаете)"
    assert (here / "team" / "schema" / "rules.schema.json").is_file()


def test_schema_command(cli: CliRunner) -> None:
    code, out, err = invoke(cli, "schema", "questions")
    assert (code, err) == (0, "") and json.loads(out) == json_schema("questions")
    code, out, err = invoke(cli, "schema", "rulez")
    assert (code, out) == (2, "")
    assert err == (
        "clientcheck: error: FORMAT: 'rulez' is not one of: questions, rules (see 'clientcheck schema --help')\n"
    )


@pytest.fixture
def small(here: Path, write_yaml: WriteYaml) -> Path:
    write_yaml("questions/10-pay.yaml", SMALL_QUESTIONS)
    write_yaml(
        "rules.yaml",
        SMALL_RULES.replace(
            "    when: cost > revenue\n    severity: high\n",
            "    when: cost > revenue\n    severity: high\n    examples:\n"
            "      - {answers: {cost: 2, revenue: 1}, fires: high}\n"
            "      - {answers: {cost: 1, revenue: 2}, fires: high}\n",
        ),
    )
    return here


def test_rules_list(small: Path, cli: CliRunner) -> None:
    code, out, err = invoke(cli, "rules", "list", "--lang", "en")
    assert (code, err) == (0, "")
    assert [line.rstrip() for line in out.splitlines()] == [
        "Id             Kind       Severity                  Title",
        "late-payer     red flag   decline / caution / note  Pays late",
        "pay-if-i-like  red flag   high                      Pays if they like it",
        "unprofitable   red flag   high                      Unprofitable",
        "pays-on-time   good sign  —                         Pays on time",
    ]
    code, out, _ = invoke(cli, "rules", "list", "--format", "json", "--lang", "ru")
    assert json.loads(out)[0] == {
        "id": "late-payer",
        "kind": "red-flag",
        "severities": ["decline", "caution", "note"],
        "title": "Платит с опозданием",
        "source": "marketer",
        "examples": 0,
    }


def test_rules_show(small: Path, cli: CliRunner) -> None:
    code, out, err = invoke(cli, "rules", "show", "unprofitable", "--lang", "en")
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "unprofitable · red flag · Unprofitable",
        "defined at rules.yaml:36:5",
        "",
        "Why it matters:",
        "  Costs more than it brings.",
        "Fires when:",
        "  cost > revenue → high (3)",
        "What to do or say:",
        "  Renegotiate.",
        "Source:",
        "  A marketer",
        "Examples (2):",
        '  {"cost": 2, "revenue": 1} → fires: high',
        '  {"cost": 1, "revenue": 2} → fires: high',
    ]
    code, out, _ = invoke(cli, "rules", "show", "late-payer", "--format", "json")
    data = json.loads(out)
    assert [lv["when"] for lv in data["levels"]] == ["late_payments >= 3", "late_payments >= 2", "late_payments >= 1"]
    assert data["levels"][0]["advice"] == "Stop working with them." and data["levels"][1]["advice"] is None
    assert data["source"] == {"id": "marketer", "title": "A marketer"}
    assert invoke(cli, "rules", "show", "unprofitabel") == (
        2,
        "",
        "clientcheck: error: no rule 'unprofitabel'; did you mean 'unprofitable'?\n",
    )


def test_rules_test_reports_failures_coverage_and_exit_codes(small: Path, cli: CliRunner) -> None:
    code, out, err = invoke(cli, "rules", "test", "--lang", "en")
    assert (code, err) == (1, "")
    assert out.splitlines() == [
        "FAIL rules.yaml:46:9: unprofitable: expected it to fire at 'high', but it did not fire",
        "2 examples of 4 rules: 1 passed, 1 failed",
        "coverage: 25% of the rules (1 of 4) have an example where they fire",
        "not covered: late-payer, pay-if-i-like, pays-on-time",
    ]
    Path("rules.yaml").write_text(
        Path("rules.yaml")
        .read_text(encoding="utf-8")
        .replace("{cost: 1, revenue: 2}, fires: high", "{cost: 1, revenue: 2}, fires: false"),
        encoding="utf-8",
    )
    assert invoke(cli, "rules", "test", "--lang", "en")[0] == 0
    code, out, _ = invoke(cli, "rules", "test", "--min-coverage", "30", "--lang", "en")
    assert code == 1 and out.splitlines()[-1] == "coverage 25% is below --min-coverage 30%"
    assert invoke(cli, "rules", "test", "--min-coverage", "25")[0] == 0
    assert invoke(cli, "rules", "test", "--min-coverage", "120") == (
        2,
        "",
        "clientcheck: error: --min-coverage: must be at most 100 (see 'clientcheck rules test --help')\n",
    )


@pytest.mark.slow
def test_bundled_rules_test_is_100_percent(here: Path, cli: CliRunner) -> None:
    code, out, err = invoke(cli, "rules", "test", "--lang", "en")
    assert (code, err) == (0, "")
    n = len(load_catalog().rules)
    assert out.splitlines()[-1] == f"coverage: 100% of the rules ({n} of {n}) have an example where they fire"
    assert invoke(cli, "rules", "test", "--min-coverage", "100")[0] == 0


@pytest.mark.slow
def test_errors_in_the_files_exit_2(small: Path, cli: CliRunner) -> None:
    Path("rules.yaml").write_text("version: 1\nversion: 1\n", encoding="utf-8")
    for args in (("rules", "list"), ("rules", "test"), ("rules", "show", "x"), ("explain", "-")):
        code, out, err = invoke(cli, *args, input="{}")
        assert (code, out, err) == (
            2,
            "",
            "clientcheck: error: rules.yaml:2:1: duplicate key 'version' (first at line 1)\n",
        )


@pytest.mark.slow
def test_help_of_these_commands_does_not_load_the_interview_libraries() -> None:
    code = (
        "import sys\n"
        "from clientcheck.cli import main\n"
        "for args in (['init', '--help'], ['lint', '--help'], ['rules', 'test', '--help'], ['explain', '--help']):\n"
        "    try:\n"
        "        main(args)\n"
        "    except SystemExit:\n"
        "        pass\n"
        "bad = [m for m in ('questionary', 'prompt_toolkit') if m in sys.modules]\n"
        "print('LOADED', bad)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60).stdout
    assert out.splitlines()[-1] == "LOADED []"
