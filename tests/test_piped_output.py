"""Output piped into a file or another program: Rich lays tables and titles out for a width, and
pads every line to it. On a terminal that is invisible; in a pipe it is noise that breaks diffs
and `grep 'x$'`. Every command that draws with Rich writes its lines without trailing spaces."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from typer.testing import CliRunner

from clientcheck import profile as profiles
from tests.conftest import SMALL_QUESTIONS, SMALL_RULES, WriteYaml, invoke

SRC = Path(__file__).resolve().parent.parent / "src" / "clientcheck"


@pytest.fixture
def project(
    write_yaml: WriteYaml, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: CliRunner
) -> tuple[str, str, str]:
    """(rules, other rules, questions) with a history of three clients, their outcomes and a profile."""
    write_yaml("small/questions/10-pay.yaml", SMALL_QUESTIONS)
    rules = write_yaml("small/rules.yaml", SMALL_RULES)
    other = write_yaml("small/other.yaml", SMALL_RULES.replace("late_payments >= 3", "late_payments >= 2"))
    monkeypatch.setenv("CLIENTCHECK_DB", str(tmp_path / "history.sqlite3"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("COLUMNS", "80")
    # a short, known path in the profile's title: the title is asserted whole, as it is laid out
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(profiles, "profiles_dir", lambda: Path("profiles"))
    questions = str(rules.parent / "questions")
    given = ["--rules", str(rules), "--questions", questions]
    for client, answers, paid in (
        ("ACME", '{"worked_before": true, "late_payments": 2}', "late"),
        ("Beta", '{"advance": "none", "asks": ["free_sample"]}', "unpaid"),
        ("Gamma", '{"worked_before": true, "late_payments": 0}', "on-time"),
    ):
        assert invoke(cli, "check", "-", "--client", client, *given, input=answers)[0] in (0, 1)
        assert (
            invoke(cli, "outcome", client, "--taken", "--paid", paid, "--db", str(tmp_path / "history.sqlite3"))[0] == 0
        )
    assert invoke(cli, "check", "-", "--client", "ACME", *given, input='{"late_payments": 5}')[0] == 1
    # the bundled seller questions, under a name of its own: `check` (the default profile) leaves it alone
    assert invoke(cli, "profile", "set", "min_price=150k", "currency=EUR", "--profile", "studio")[0] == 0
    return str(rules), str(other), questions


def commands(rules: str, other: str, questions: str) -> list[list[str]]:
    given = ["--rules", rules, "--questions", questions]
    return [
        ["profile", "show", "--profile", "studio"],
        ["check", "-", *given],
        ["history"],
        ["history", "ACME"],
        ["show", "1"],
        ["diff", "ACME"],
        ["rescore", "--rules", other, "--questions", questions],
        ["report", *given],
        ["report", "--rules", other, "--questions", questions],  # with what the other rules would change
        ["rules", "list", *given],
        ["rules", "show", "late-payer", *given],
        ["questions", "list", *given],
        ["questions", "show", "late_payments", *given],
        ["explain", "-", *given],
        ["config", *given],
    ]


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_no_command_pads_its_lines_when_piped(cli: CliRunner, project: tuple[str, str, str], lang: str) -> None:
    for args in commands(*project):
        code, out, err = invoke(cli, *args, "--lang", lang, input='{"worked_before": true, "late_payments": 2}')
        assert code in (0, 1), (args, err)
        assert len(out.splitlines()) > 2, args  # something was drawn
        padded = [line for line in out.splitlines() if line != line.rstrip()]
        assert padded == [], args


@pytest.mark.parametrize(
    ("lang", "title"),
    [
        ("en", "Seller profile 'studio' (profiles/studio.yaml)"),
        ("ru", "Профиль продавца «studio» (profiles/studio.yaml)"),
    ],
)
def test_the_profile_title_is_one_unpadded_line(
    cli: CliRunner, project: tuple[str, str, str], lang: str, title: str
) -> None:
    code, out, _ = invoke(cli, "profile", "show", "--profile", "studio", "--lang", lang)
    assert code == 0
    assert out.splitlines()[0] == title
    assert out.splitlines()[1].startswith("┏━") and out.splitlines()[1].endswith("━┓")


@pytest.mark.slow
def test_every_console_is_made_where_lines_lose_their_padding() -> None:
    """A command that builds its own rich Console pads its lines again: render.table.console (and
    print_to) are the one way to draw on stdout; the interview's review draws through trimmed()."""
    made = []
    for path in sorted(SRC.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) == "Console":
                where = f"{path.relative_to(SRC)}"
                trimmed = any(kw.arg == "file" and ast.unparse(kw.value).startswith("trimmed(") for kw in node.keywords)
                made.append((where, trimmed or where == "render/table.py"))
    assert made and all(ok for _, ok in made), made
