"""Hostile inputs for the whole command line, one per class of issue 12, shared by the tests
(tests/test_hostile.py: exit code, message, no traceback) and by bench/safety.py (the figures).

Each case runs `clientcheck` in its own process, as a user would, in a scratch folder that holds
the small catalog as ./rules.yaml and ./questions/, with its own history database and data
folders. The child reports its own peak memory (VmHWM) as it exits.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

from tests.conftest import SMALL_QUESTIONS, SMALL_RULES

# The child reports its own peak as it exits, even when killed by Ctrl-C (atexit runs then too).
CHILD = """\
import atexit, os, sys
def _peak():
    try:
        with open("/proc/self/status") as f:
            peak = next(line.split()[1] for line in f if line.startswith("VmHWM:"))
        with open(os.environ["CLIENTCHECK_TEST_PEAK"], "w") as out:
            out.write(peak)
    except OSError:
        pass
atexit.register(_peak)
from clientcheck.launch import main
sys.exit(main(sys.argv[1:]))
"""

TIMEOUT_S = 20.0  # a hang is a failure, never a stuck run


class Ran(NamedTuple):
    code: int
    stdout: bytes
    stderr: str
    seconds: float
    peak_kb: int


class Case(NamedTuple):
    """argv and stdin of one run; `setup` writes what the case needs into the scratch folder first."""

    argv: list[str]
    code: int  # the exit code it must give
    stderr: str | None  # the whole stderr it must print ("" for nothing), or None: any one line
    stdin: bytes | None = b""
    setup: Callable[[Path], None] | None = None
    env: dict[str, str] | None = None
    stdout: str | None = None  # "closed" | "full"
    interrupt_after: float | None = None  # send SIGINT after this many seconds


def scratch(here: Path) -> None:
    """The small catalog as ./rules.yaml and ./questions/10-x.yaml."""
    (here / "questions").mkdir(exist_ok=True)
    (here / "rules.yaml").write_text(SMALL_RULES, encoding="utf-8")
    (here / "questions" / "10-x.yaml").write_text(SMALL_QUESTIONS, encoding="utf-8")


def environment(here: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CLIENTCHECK_", "XDG_"))}
    env.update(
        LC_ALL="C.UTF-8",
        LANG="C.UTF-8",
        CLIENTCHECK_TEST_PEAK=str(here / ".peak"),
        CLIENTCHECK_DB=str(here / "history.sqlite3"),
        XDG_DATA_HOME=str(here / ".data"),
        XDG_CACHE_HOME=str(here / ".cache"),
        XDG_CONFIG_HOME=str(here / ".config"),
        PYTHONIOENCODING="utf-8",
    )
    env.update(extra or {})
    return env


def run(case: Case, here: Path) -> Ran:
    """Run one case in `here` (already holding the catalog); never hangs."""
    scratch(here)
    if case.setup is not None:
        case.setup(here)
    peak_file = here / ".peak"
    peak_file.unlink(missing_ok=True)
    out: int | None = subprocess.PIPE
    opened: list[int] = []
    if case.stdout == "full":
        out = os.open("/dev/full", os.O_WRONLY)
        opened.append(out)
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD, *case.argv],
        cwd=here,
        stdin=subprocess.PIPE if case.stdin is not None else subprocess.DEVNULL,
        stdout=out,
        stderr=subprocess.PIPE,
        env=environment(here, case.env),
        # stdout closed (`>&-`): the child starts with no file descriptor 1 at all
        preexec_fn=(lambda: os.close(1)) if case.stdout == "closed" else None,
        start_new_session=True,
    )
    for fd in opened:
        os.close(fd)
    try:
        if case.interrupt_after is not None:
            time.sleep(case.interrupt_after)
            proc.send_signal(signal.SIGINT)
        stdout, stderr = proc.communicate(case.stdin, timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        stdout, stderr = proc.communicate()
        seconds = time.perf_counter() - start
        return Ran(-9, stdout or b"", (stderr or b"").decode("utf-8", "replace") + "\n[hung: killed]", seconds, 0)
    seconds = time.perf_counter() - start
    peak_kb = int(peak_file.read_text() or 0) if peak_file.exists() else 0
    return Ran(proc.returncode, stdout or b"", stderr.decode("utf-8", "replace"), seconds, peak_kb)


# ---------------------------------------------------------------- helpers for the cases


def write(name: str, content: str | bytes) -> Callable[[Path], None]:
    def setup(here: Path) -> None:
        path = here / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")

    return setup


def both(*steps: Callable[[Path], None]) -> Callable[[Path], None]:
    def setup(here: Path) -> None:
        for step in steps:
            step(here)

    return setup


def fifo(name: str) -> Callable[[Path], None]:
    def setup(here: Path) -> None:
        path = here / name
        path.parent.mkdir(parents=True, exist_ok=True)
        os.mkfifo(path)

    return setup


def symlink(name: str, target: str) -> Callable[[Path], None]:
    def setup(here: Path) -> None:
        path = here / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.symlink_to(target)

    return setup


def rules_with(old: str, new: str) -> Callable[[Path], None]:
    assert old in SMALL_RULES
    return write("rules.yaml", SMALL_RULES.replace(old, new, 1))


def questions_with(old: str, new: str) -> Callable[[Path], None]:
    assert old in SMALL_QUESTIONS
    return write("questions/10-x.yaml", SMALL_QUESTIONS.replace(old, new, 1))


def export(**fields: object) -> bytes:
    """A history export with one assessment whose fields are overridden."""
    import json

    record: dict[str, object] = {
        "uid": "a" * 32,
        "client": "ACME",
        "created_at": "2025-06-01T09:12:03Z",
        "language": "en",
        "answers": {},
        "from_history": [],
        "verdict": "go",
        "score": 0,
        "fired": [],
        "rules_sha256": "0" * 64,
        "verdict_data": {"en": {"verdict": "go"}},
    }
    record.update(fields)
    text = json.dumps({"schema": "clientcheck.history/1", "assessments": [record], "payments": []})
    return text.replace('"__NaN__"', "NaN").encode()


def base36(n: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        n, r = divmod(n, 36)
        out = digits[r] + out
        if not n:
            return "k" + out


def new_history(here: Path) -> None:
    from clientcheck.history import History

    history = History.open(here / "history.sqlite3")
    assert history is not None
    history.close()


CHECK = ["check", "--format", "json"]
BIG = "9" * 5000

CASES: dict[str, Case] = {
    # explicit YAML tags with a bad value
    "answers: !!bool maybe": Case(
        [*CHECK, "a.yaml"],
        2,
        "clientcheck: error: a.yaml:1:16: bad bool value 'maybe'\n",
        setup=write("a.yaml", "worked_before: !!bool maybe\n"),
    ),
    "rules: !!int 1.5": Case(
        ["lint"],
        2,
        None,
        setup=rules_with("weight: 0,", "weight: !!int 1.5,"),
    ),
    "recovery file: !!float x": Case(
        ["check", "--format", "json", "r.yaml"],
        2,
        None,
        setup=write("r.yaml", "cost: !!float x\n"),
    ),
    # integers beyond Python's digit limit
    "YAML answers: 5,000 digits": Case([*CHECK, "a.yaml"], 2, None, setup=write("a.yaml", f"cost: {BIG}\n")),
    "JSON answers: 5,000 digits": Case([*CHECK, "a.json"], 2, None, setup=write("a.json", f'{{"cost": {BIG}}}')),
    "JSONL: 5,000 digits": Case(
        [*CHECK, "a.jsonl"],
        4,
        None,
        setup=write("a.jsonl", f'{{"cost": {BIG}}}\n{{"cost": 1}}\n'),
    ),
    "rules: 5,000-digit weight": Case(["lint"], 2, None, setup=rules_with("weight: 0,", f"weight: {BIG},")),
    # a mapping or list where a name belongs
    "rules: severity is a mapping": Case(["lint"], 2, None, setup=rules_with("severity: high\n", "severity: {a: 1}\n")),
    "rules: fires is a list": Case(
        ["lint"],
        2,
        None,
        setup=rules_with(
            "    severity: high\n  - id: pays-on-time",
            "    severity: high\n    examples: [{answers: {cost: 2, revenue: 1}, fires: [decline]}]\n  - id: pays-on-time",
        ),
    ),
    "rules: any_severity holds a list": Case(
        ["lint"], 2, None, setup=rules_with("any_severity: [decline]", "any_severity: [[decline]]")
    ),
    "rules: source is a mapping": Case(["lint"], 2, None, setup=rules_with("source: marketer\n", "source: {a: 1}\n")),
    "rules: disable holds a list": Case(
        ["lint"],
        2,
        None,
        setup=write("rules.yaml", "extends: builtin\ndisable: [[x]]\n"),
    ),
    "questions: type is a list": Case(["lint"], 2, None, setup=questions_with("type: yesno", "type: [yesno]")),
    # text that is not text
    "JSON answers: lone surrogate": Case(
        [*CHECK, "a.json"],
        2,
        None,
        setup=write("a.json", '{"notes": "\\ud800"}'),
    ),
    "JSONL: lone surrogate": Case(
        [*CHECK, "a.jsonl"],
        4,
        None,
        setup=write("a.jsonl", '{"notes": "\\ud800"}\n{"cost": 1}\n'),
    ),
    "stdin: not UTF-8": Case([*CHECK, "-"], 2, None, stdin=b"notes: \xff\xfe\n"),
    "client name: not UTF-8": Case(
        [*CHECK, "a.yaml", "--client", os.fsdecode(b"AC\xffME"), "--no-save"],
        2,
        None,
        setup=write("a.yaml", "{}\n"),
    ),
    "PYTHONIOENCODING=ascii": Case(
        ["check", "a.yaml", "--lang", "ru"],
        0,
        "",
        setup=write("a.yaml", "notes: Привет\n"),
        env={"PYTHONIOENCODING": "ascii"},
    ),
    # out-of-range numbers
    "questions: 400-digit bound": Case(["lint"], 2, None, setup=questions_with("max: 100", "max: 1" + "0" * 400)),
    "questions: min .nan": Case(["lint"], 2, None, setup=questions_with("min: 0", "min: .nan")),
    "questions: max .inf": Case(["lint"], 2, None, setup=questions_with("max: 100", "max: .inf")),
    "rules: weight .nan": Case(["lint"], 2, None, setup=rules_with("weight: 0,", "weight: .nan,")),
    "rules: history window of 800,000 days": Case(
        [*CHECK, "a.yaml", "--client", "ACME", "--no-save"],
        2,
        None,
        setup=both(
            write("a.yaml", "{}\n"),
            rules_with("rules:\n", "history: {late_payments_window_days: 800000}\nrules:\n"),
        ),
    ),
    "paid --days 10**20": Case(
        ["paid", "ACME", "--late", "--days", "99999999999999999999"],
        2,
        None,
    ),
    "show 10**20": Case(["show", "99999999999999999999"], 2, None, setup=lambda here: new_history(here)),
    "diff 10**20": Case(["diff", "1", "99999999999999999999"], 2, None, setup=lambda here: new_history(here)),
    "import: year 1 with an offset": Case(
        ["import", "-"],
        2,
        None,
        stdin=export(created_at="0001-01-01T00:00:00+01:00"),
    ),
    "import: score NaN": Case(["import", "-"], 2, None, stdin=export(score="__NaN__")),
    # output failures
    "stdout closed": Case([*CHECK, "a.yaml"], 5, None, setup=write("a.yaml", "{}\n"), stdout="closed"),
    "stdout /dev/full": Case([*CHECK, "a.yaml"], 5, None, setup=write("a.yaml", "{}\n"), stdout="full"),
    "batch to /dev/full": Case(
        ["check", "--format", "csv", "a.jsonl"], 5, None, setup=write("a.jsonl", '{"cost": 1}\n' * 3), stdout="full"
    ),
    # special files
    "answers file is a FIFO": Case([*CHECK, "a.yaml"], 2, None, setup=fifo("a.yaml")),
    "JSONL file is a FIFO": Case([*CHECK, "a.jsonl"], 0, "", setup=fifo("a.jsonl")),
    "extends target is a FIFO": Case(
        ["lint"],
        2,
        None,
        setup=both(write("rules.yaml", "extends: base.yaml\n"), fifo("base.yaml")),
    ),
    "question file is a FIFO": Case(["lint"], 2, None, setup=fifo("questions/20-y.yaml")),
    "interviews folder holds a FIFO": Case(
        ["interview", "--resume"],
        2,
        None,
        stdin=None,
        setup=fifo(".data/clientcheck/interviews/x.yaml"),
    ),
    "symlink loop as answers": Case(
        [*CHECK, "a.yaml"], 2, None, setup=both(symlink("a.yaml", "b.yaml"), symlink("b.yaml", "a.yaml"))
    ),
    "extends a symlink loop": Case(
        ["lint"],
        2,
        None,
        setup=both(
            write("rules.yaml", "extends: base.yaml\n"),
            symlink("base.yaml", "loop.yaml"),
            symlink("loop.yaml", "base.yaml"),
        ),
    ),
    "unreadable answers folder": Case(
        [*CHECK, "d"],
        2,
        None,
        setup=both(write("d/a.yaml", "{}\n"), lambda here: os.chmod(here / "d", 0)),
    ),
    "answers from /dev/zero": Case([*CHECK, "/dev/zero"], 2, None),
    "endless stdin": Case([*CHECK, "-"], 2, None, stdin=b"# " + b"x" * 3_000_000 + b"\n"),
    "JSONL line of 3 MB": Case(
        [*CHECK, "a.jsonl"],
        4,
        None,
        setup=write("a.jsonl", '{"notes": "' + "x" * 3_000_000 + '"}\n{"cost": 1}\n'),
    ),
    # Ctrl-C as soon as it starts
    "Ctrl-C at 30 ms": Case([*CHECK, "-"], 130, None, stdin=None, interrupt_after=0.03),
    # many problems at once
    "JSON answers: 100,000 unknown keys": Case(
        [*CHECK, "a.json"],
        2,
        None,
        setup=write("a.json", "{" + ",".join(f'"{base36(i)}":1' for i in range(100_000)) + "}"),
    ),
    # YAML 1.1 surprises
    "answers: 1:30 sexagesimal": Case([*CHECK, "a.yaml"], 2, None, setup=write("a.yaml", "cost: 1:30\n")),
    "answers: 010 octal": Case([*CHECK, "a.yaml"], 2, None, setup=write("a.yaml", "cost: 010\n")),
    # ids with a trailing newline
    "rule id with a trailing newline": Case(
        ["lint"], 2, None, setup=rules_with("- id: unprofitable\n", '- id: "unprofitable\\n"\n')
    ),
}
