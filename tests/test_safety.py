"""A rules or questions file from someone else cannot run code, read files or exhaust the machine.

Each hostile file is run through `clientcheck check` in its own process, as a user would run it;
the child reports its own peak memory. Time is only held to a generous bound here:
bench/safety.py prints the real figures.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from clientcheck.loader import bundled_questions, bundled_rules
from tests.conftest import SMALL_QUESTIONS, SMALL_RULES, invoke

MEMORY_CAP_KB = 100 * 1024
TIME_BOUND_S = 10.0  # generous: the machine is shared; the target (under a second) is measured in bench/


# The child reports its own peak (VmHWM of its address space) as it exits. ru_maxrss would not
# do: on Linux it keeps the high-water mark of the memory the child was forked from, which is
# the whole test process.
_CHILD = """\
import atexit, os, sys
def _peak():
    with open("/proc/self/status") as f:
        peak = next(line.split()[1] for line in f if line.startswith("VmHWM:"))
    with open(os.environ["CLIENTCHECK_TEST_PEAK"], "w") as out:
        out.write(peak)
atexit.register(_peak)
from clientcheck.cli import main
sys.exit(main(sys.argv[1:]))
"""


def run_check(rules: Path, questions: Path, cwd: Path) -> tuple[int, str, float, int]:
    """(exit code, stderr, seconds, peak RSS in kB) of `clientcheck check - --rules ... --questions ...`."""
    peak_file = cwd / ".peak"
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", _CHILD, "check", "-", "--rules", str(rules), "--questions", str(questions)],
        cwd=cwd,
        input=b"{}",
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8", "CLIENTCHECK_TEST_PEAK": str(peak_file)},
        timeout=60,
    )
    seconds = time.perf_counter() - start
    peak_kb = int(peak_file.read_text())
    peak_file.unlink()
    return proc.returncode, proc.stderr.decode(), seconds, peak_kb


def nested(depth: int, open_: str, close: str, inner: str = "1") -> str:
    return open_ * depth + inner + close * depth


CASES: dict[str, tuple[str, str, str]] = {
    # name: (which file, its text, the one line clientcheck must say)
    "python tag": (
        "rules",
        'version: 1\npolicy: !!python/object/apply:os.system ["touch PWNED"]\n',
        "rules.yaml:2:9: tag !!python/object/apply:os.system is not allowed",
    ),
    "python name tag on a scalar": (
        "questions",
        "section: !!python/name:os.system x\n",
        "questions/10-x.yaml:1:10: tag !!python/name:os.system is not allowed",
    ),
    "billion laughs": (
        "rules",
        'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
        + "".join(f"{chr(98 + i)}: &{chr(98 + i)} [{','.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8)),
        "rules.yaml:1:4: anchors (&a) are not allowed",
    ),
    "alias": ("rules", "version: 1\npolicy: *p\n", "rules.yaml:2:9: aliases (*name) are not allowed"),
    "duplicate keys": (
        "rules",
        "version: 1\nversion: 2\n",
        "rules.yaml:2:1: duplicate key 'version' (first at line 1)",
    ),
    "10,000-deep lists": ("rules", "version: " + nested(10_000, "[", "]") + "\n", "rules.yaml:1:"),
    "10,000-deep mappings": ("questions", "section: " + nested(10_000, "{a: ", "}") + "\n", "questions/10-x.yaml:1:"),
    "over the size cap": (
        "rules",
        "version: 1\n" + "# padding\n" * 120_000,
        "rules.yaml:1:1: file is larger than 1000 kB",
    ),
    "too many values": (
        "rules",
        "version: [" + ",".join(["0"] * 400_000)[:990_000].rstrip(",") + "]\n",
        "rules.yaml:1:50005: file holds more than 25000 values; refused to protect memory",
    ),
    "over-long condition": (
        "rules",
        SMALL_RULES.replace("    when: cost > revenue\n", "    when: " + " or ".join(["cost > revenue"] * 40) + "\n"),
        "rules.yaml:42:511: when: condition is longer than 500 characters",
    ),
    "deeply nested condition": (
        "rules",
        SMALL_RULES.replace("    when: cost > revenue\n", "    when: " + nested(40, "(", ")", "cost > revenue") + "\n"),
        "rules.yaml:42:27: when: condition is nested deeper than 16 levels",
    ),
    "extends outside its folder": (
        "rules",
        "version: 1\nextends: ../../../../../../etc/passwd\n",
        "rules.yaml:2:10: extends: '../../../../../../etc/passwd' leads outside",
    ),
}


def write_case(name: str, here: Path) -> str:
    """The hostile file of a case, with the small catalog's other file, in `here`; returns what
    clientcheck must say about it."""
    which, text, expected = CASES[name]
    (here / "questions").mkdir(exist_ok=True)
    (here / "rules.yaml").write_text(text if which == "rules" else SMALL_RULES, encoding="utf-8")
    (here / "questions" / "10-x.yaml").write_text(text if which != "rules" else SMALL_QUESTIONS, encoding="utf-8")
    return expected


# the biggest files take a second to refuse even in-process: the fast loop leaves them out
HEAVY = ("too many values", "over the size cap")


@pytest.mark.parametrize("name", [pytest.param(n, marks=pytest.mark.slow) if n in HEAVY else n for n in CASES])
def test_hostile_files_are_one_clear_line(
    name: str, tmp_path: Path, cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = write_case(name, tmp_path)
    monkeypatch.chdir(tmp_path)
    code, _, err = invoke(cli, "check", "-", "--rules", "rules.yaml", "--questions", "questions", input="{}")
    assert code == 2
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("clientcheck: error: " + expected), err
    assert not (tmp_path / "PWNED").exists()


@pytest.mark.slow
@pytest.mark.parametrize("name", list(CASES))
def test_hostile_files_are_refused_quickly_and_cheaply(name: str, tmp_path: Path) -> None:
    expected = write_case(name, tmp_path)
    code, err, seconds, peak_kb = run_check(Path("rules.yaml"), Path("questions"), tmp_path)
    assert code == 2
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("clientcheck: error: " + expected), err
    assert "Traceback" not in err
    assert not (tmp_path / "PWNED").exists()
    assert peak_kb < MEMORY_CAP_KB, f"{name}: {peak_kb} kB"
    assert seconds < TIME_BOUND_S, f"{name}: {seconds:.2f} s"


def test_the_depth_messages_name_the_limit(tmp_path: Path, cli: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    # libyaml may stop a flow collection before our own limit does: either way one clear line
    monkeypatch.chdir(tmp_path)
    for which in ("10,000-deep lists", "10,000-deep mappings"):
        write_case(which, tmp_path)
        _, _, err = invoke(cli, "check", "-", "--rules", "rules.yaml", "--questions", "questions", input="{}")
        assert err.rstrip().endswith(("nesting is deeper than 64 levels", "exceeded maximum nesting depth")), err


@pytest.mark.slow
def test_a_normal_catalog_loads_within_the_same_bounds(tmp_path: Path) -> None:
    code, err, seconds, peak_kb = run_check(bundled_rules(), bundled_questions(), tmp_path)
    assert (code, err) == (0, "")
    assert peak_kb < MEMORY_CAP_KB and seconds < TIME_BOUND_S
