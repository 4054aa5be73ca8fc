"""Option values are checked without importing pydantic (plainparams.py), with the usual messages."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.conftest import invoke

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "late-payer.yaml"


def run(*argv: str) -> tuple[int, str, bool]:
    """(exit code, stderr, whether pydantic was imported) of `clientcheck ARGV` in a fresh interpreter."""
    code = (
        "import sys\n"
        "from clientcheck.cli import main\n"
        f"rc = main({list(argv)!r})\n"
        "sys.stdout.flush()\n"
        "sys.stderr.write('pydantic=' + str('pydantic' in sys.modules))\n"
        "sys.exit(rc)\n"
    )
    env = dict(os.environ, CLIENTCHECK_DEBUG="")
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL, env=env
    )
    *lines, last = done.stderr.splitlines()
    return done.returncode, "\n".join(lines), last == "pydantic=True"


@pytest.mark.slow
def test_ordinary_options_never_import_pydantic() -> None:
    assert run("check", str(EXAMPLE), "--format", "json", "--lang", "ru", "-j", "1")[::2] == (0, False)
    assert run("interview", "--lang", "en", "--in-order")[::2] == (2, False)  # refused: not a terminal


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["check", str(EXAMPLE), "-f", "xml"],
            "--format / -f: 'xml' is not one of: table, json, jsonl, csv, markdown, tsv (see 'clientcheck check --help')",
        ),
        (["interview", "--lang", "xx"], "--lang: 'xx' is not one of: en, ru (see 'clientcheck interview --help')"),
        (
            ["check", str(EXAMPLE), "--db", "/"],
            "--db: / is a folder; a file is expected (see 'clientcheck check --help')",
        ),
        (["check", str(EXAMPLE), "-j", "-1"], "--jobs / -j: must be at least 0 (see 'clientcheck check --help')"),
    ],
)
def test_mistakes_are_reported_as_usual(argv: list[str], message: str, cli: CliRunner) -> None:
    code, _, err = invoke(cli, *argv)
    assert err == f"clientcheck: error: {message}\n"
    assert code == 2
