from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from clientcheck.config import check_env, resolve, user_dir
from clientcheck.errors import UsageError
from clientcheck.loader import bundled_questions, bundled_rules
from tests.conftest import SMALL_QUESTIONS, SMALL_RULES, WriteYaml, invoke

MARKED_RULES = "clientcheck: rules\n" + SMALL_RULES  # the marker makes the folder a clientcheck project


@pytest.fixture
def places(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, write_yaml: WriteYaml) -> Path:
    """An empty working folder and an empty user config folder; returns the working folder."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("CLIENTCHECK_RULES", raising=False)
    monkeypatch.delenv("CLIENTCHECK_QUESTIONS", raising=False)
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    return work


def _catalog(write_yaml: WriteYaml, where: str) -> tuple[Path, Path]:
    rules = write_yaml(f"{where}/rules.yaml", MARKED_RULES)
    write_yaml(f"{where}/questions/10-pay.yaml", SMALL_QUESTIONS)
    return rules, rules.parent / "questions"


def test_the_bundled_files_when_nothing_else_is_there(places: Path) -> None:
    sources = resolve()
    assert (sources.rules.path, sources.rules.origin) == (bundled_rules(), "bundled")
    assert (sources.questions.path, sources.questions.origin) == (bundled_questions(), "bundled")


def test_each_place_wins_over_the_ones_below_it(places: Path, write_yaml: WriteYaml, tmp_path: Path) -> None:
    _user_rules, user_questions = _catalog(write_yaml, "xdg/clientcheck")
    assert user_dir() == tmp_path / "xdg" / "clientcheck"
    assert resolve().rules.origin == "user" and resolve().questions.path == user_questions

    here_rules, _here_questions = _catalog(write_yaml, "work")
    assert (resolve().rules.origin, resolve().questions.origin) == ("cwd", "cwd")
    assert resolve().rules.path == here_rules

    env_rules, env_questions = _catalog(write_yaml, "env")
    environ = {"CLIENTCHECK_RULES": str(env_rules), "CLIENTCHECK_QUESTIONS": str(env_questions)}
    sources = resolve(environ=environ)
    assert (sources.rules.path, sources.questions.path) == (env_rules, env_questions)
    assert sources.rules.origin == "env"

    opt_rules, opt_questions = _catalog(write_yaml, "opt")
    sources = resolve(opt_rules, opt_questions, environ=environ)
    assert (sources.rules.path, sources.rules.origin) == (opt_rules, "option")
    assert (sources.questions.path, sources.questions.origin) == (opt_questions, "option")


def test_rules_and_questions_are_looked_up_independently(places: Path, write_yaml: WriteYaml) -> None:
    write_yaml("work/rules.yaml", MARKED_RULES)
    sources = resolve()
    assert (sources.rules.origin, sources.questions.origin) == ("cwd", "bundled")


def test_full_lists_every_place_highest_first(places: Path, write_yaml: WriteYaml) -> None:
    write_yaml("work/rules.yaml", MARKED_RULES)
    rules = resolve(full=True).rules
    assert [(c.origin, c.found) for c in rules.candidates] == [
        ("option", False),
        ("env", False),
        ("cwd", True),
        ("user", False),
        ("bundled", True),
    ]


def test_an_environment_variable_naming_a_missing_file_is_an_error(places: Path) -> None:
    sources = resolve(environ={"CLIENTCHECK_RULES": "/nowhere/rules.yaml"})
    assert sources.rules.origin == "env"  # it does not fall through to another file
    with pytest.raises(UsageError) as info:
        check_env(sources)
    assert str(info.value) == "CLIENTCHECK_RULES=/nowhere/rules.yaml: no such file"


def test_check_uses_the_files_in_the_current_folder_with_no_option(
    places: Path, write_yaml: WriteYaml, cli: CliRunner
) -> None:
    _catalog(write_yaml, "work")
    code, out, err = invoke(cli, "check", "-", "--format", "json", input='{"late_payments": 3, "worked_before": true}')
    assert (code, err) == (1, "")
    data = json.loads(out)
    assert [f["id"] for f in data["findings"]] == ["late-payer"]
    assert data["findings"][0]["title"] == "Pays late"  # the small catalog's title, not the bundled one


def test_check_reports_a_wrong_environment_variable(
    places: Path, cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CLIENTCHECK_QUESTIONS", "nope")
    code, out, err = invoke(cli, "check", "-", input="{}")
    assert (code, out, err) == (2, "", "clientcheck: error: CLIENTCHECK_QUESTIONS=nope: no such folder\n")


def test_config_says_which_files_and_why(places: Path, write_yaml: WriteYaml, cli: CliRunner, tmp_path: Path) -> None:
    write_yaml("work/rules.yaml", MARKED_RULES)
    code, out, err = invoke(cli, "config", "--lang", "en")
    assert (code, err) == (0, "")
    work, xdg = tmp_path / "work", tmp_path / "xdg" / "clientcheck"
    assert out.splitlines() == [
        "This folder is a clientcheck project: its rules.yaml starts with the `clientcheck: rules` marker.",
        f"Rules:     {work / 'rules.yaml'}",
        "  because: the current folder",
        f"Questions: {bundled_questions()}",
        "  because: the bundled defaults",
        "",
        "Where clientcheck looks, highest first:",
        "rules file",
        "  1. the --rules option (not set)",
        "  2. the CLIENTCHECK_RULES environment variable (not set)",
        f"  3. the current folder: {work / 'rules.yaml'} (in effect)",
        f"  4. your config folder: {xdg / 'rules.yaml'} (not there)",
        f"  5. the bundled defaults: {bundled_rules()} (found, but a higher place wins)",
        "questions folder",
        "  1. the --questions option (not set)",
        "  2. the CLIENTCHECK_QUESTIONS environment variable (not set)",
        f"  3. the current folder: {work / 'questions'} (not there)",
        f"  4. your config folder: {xdg / 'questions'} (not there)",
        f"  5. the bundled defaults: {bundled_questions()} (in effect)",
    ]


def test_config_json_and_russian(places: Path, cli: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLIENTCHECK_RULES", "team.yaml")
    (places / "team.yaml").write_text(SMALL_RULES, encoding="utf-8")
    code, out, _ = invoke(cli, "config", "--format", "json")
    data = json.loads(out)
    assert code == 0
    assert data["rules"]["origin"] == "env" and data["rules"]["path"] == "team.yaml"
    assert data["questions"]["origin"] == "bundled"
    assert [c["origin"] for c in data["questions"]["looked_at"]] == ["option", "env", "cwd", "user", "bundled"]
    code, out, _ = invoke(cli, "config", "--lang", "ru")
    assert out.splitlines()[:2] == ["Правила: team.yaml", "  источник: переменная окружения CLIENTCHECK_RULES"]


def test_config_lists_the_places_and_then_flags_a_variable_naming_nothing(
    places: Path, cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CLIENTCHECK_QUESTIONS", "/nope")
    code, out, err = invoke(cli, "config", "--lang", "en")
    assert "/nope" in out
    assert (code, err) == (2, "clientcheck: error: CLIENTCHECK_QUESTIONS=/nope: no such folder\n")
