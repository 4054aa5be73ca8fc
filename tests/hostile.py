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
from clientcheck.launch import main  # as the console script does: nothing but this before main()
open(os.environ["CLIENTCHECK_TEST_READY"], "w").close()
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
    stdout_lines: int | None = None  # lines it must write on stdout


def scratch(here: Path) -> None:
    """The small catalog as ./rules.yaml and ./questions/10-x.yaml, in a clientcheck project folder."""
    (here / "questions").mkdir(exist_ok=True)
    (here / "clientcheck.yaml").touch()
    (here / "rules.yaml").write_text(SMALL_RULES, encoding="utf-8")
    (here / "questions" / "10-x.yaml").write_text(SMALL_QUESTIONS, encoding="utf-8")


def environment(here: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CLIENTCHECK_", "XDG_"))}
    env.update(
        LC_ALL="C.UTF-8",
        LANG="C.UTF-8",
        CLIENTCHECK_TEST_PEAK=str(here / ".peak"),
        CLIENTCHECK_TEST_READY=str(here / ".ready"),
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
    (here / "answers.json").write_text("{}", encoding="utf-8")
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
            # timed from the moment main() is called, as the console script calls it: a Ctrl-C
            # while the interpreter itself starts up is Python's, before any program runs
            ready = here / ".ready"
            deadline = time.monotonic() + TIMEOUT_S
            while not ready.exists() and time.monotonic() < deadline:
                time.sleep(0.001)
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


def assessment(**fields: object) -> dict[str, object]:
    """One assessment as `clientcheck export` writes it, with some fields overridden."""
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
    return record


def export(**fields: object) -> bytes:
    """A history export with one assessment whose fields are overridden."""
    import json

    text = json.dumps({"schema": "clientcheck.history/1", "assessments": [assessment(**fields)], "payments": []})
    return text.replace('"__NaN__"', "NaN").encode()


def base36(n: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        n, r = divmod(n, 36)
        out = digits[r] + out
        if not n:
            return "k" + out


def csv_with_bad_rows(rows: int, bad: tuple[int, int, int]) -> bytes:
    """A CSV of `rows` clients where the rows at these indexes are broken, one way each: a byte
    that is not UTF-8, a quote left open, a cell of 200,000 characters."""
    out = [b"client,cost,revenue\n"]
    for i in range(rows):
        if i == bad[0]:
            out.append(b"c\xff,1,2\n")
        elif i == bad[1]:
            out.append(b'c,"1,2\n')
        elif i == bad[2]:
            out.append(b'c,1,"' + b"x" * 200_000 + b'"\n')
        else:
            out.append(f"c{i},{i},{i + 1}\n".encode())
    return b"".join(out)


def csv_case(rows: int) -> Case:
    bad = (rows // 10, rows // 2, rows - rows // 10)
    return Case(
        ["check", "--format", "csv", "a.csv"],
        4,
        f"a.csv:{bad[0] + 2}: this row is not UTF-8 text\n"
        f"a.csv:{bad[1] + 2}: a quote in this row is left open\n"
        f"a.csv:{bad[2] + 2}: a cell of this row is longer than 131072 characters\n"
        f"3 of {rows:,} records were bad and skipped (see above); the others were scored\n",
        setup=write("a.csv", csv_with_bad_rows(rows, bad)),
        stdout_lines=rows - 3 + 1,  # the header, and every good row
    )


def new_history(here: Path) -> None:
    from clientcheck.history import History

    history = History.open(here / "history.sqlite3")
    assert history is not None
    history.close()


CHECK = ["check", "--format", "json"]
RULES_CHECK = ["check", "--format", "json", "answers.json"]  # a catalog's problems, one a line on stderr
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
        RULES_CHECK,
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
    "rules: 5,000-digit weight": Case(RULES_CHECK, 2, None, setup=rules_with("weight: 0,", f"weight: {BIG},")),
    # a mapping or list where a name belongs
    "rules: severity is a mapping": Case(
        RULES_CHECK, 2, None, setup=rules_with("severity: high\n", "severity: {a: 1}\n")
    ),
    "rules: fires is a list": Case(
        RULES_CHECK,
        2,
        None,
        setup=rules_with(
            "    severity: high\n  - id: pays-on-time",
            "    severity: high\n    examples: [{answers: {cost: 2, revenue: 1}, fires: [decline]}]\n  - id: pays-on-time",
        ),
    ),
    "rules: any_severity holds a list": Case(
        RULES_CHECK, 2, None, setup=rules_with("any_severity: [decline]", "any_severity: [[decline]]")
    ),
    "rules: source is a mapping": Case(
        RULES_CHECK, 2, None, setup=rules_with("source: marketer\n", "source: {a: 1}\n")
    ),
    "rules: disable holds a list": Case(
        RULES_CHECK,
        2,
        "clientcheck: error: rules.yaml:3:11: disable: no rule ['x'] to disable\n",
        setup=both(
            write("rules.yaml", "version: 1\nextends: builtin\ndisable: [[x]]\n"),
            write("questions/10-x.yaml", "extends: builtin\n"),
        ),
    ),
    "questions: type is a list": Case(
        RULES_CHECK, 2, None, setup=questions_with("    type: text\n", "    type: [text]\n")
    ),
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
    "history NAME: not UTF-8": Case(
        ["history", os.fsdecode(b"AC\xffME")],
        2,
        "clientcheck: error: the client's name is not UTF-8 text\n",
        setup=lambda here: new_history(here),
    ),
    "file name: not UTF-8": Case(
        [*CHECK, os.fsdecode(b"caf\xe9.yaml")], 2, "clientcheck: error: caf\\udce9.yaml: no such file\n"
    ),
    "PYTHONIOENCODING=ascii": Case(
        ["check", "a.yaml", "--lang", "ru"],
        0,
        "",
        setup=write("a.yaml", "notes: Привет\n"),
        env={"PYTHONIOENCODING": "ascii"},
    ),
    # out-of-range numbers
    "questions: 400-digit bound": Case(RULES_CHECK, 2, None, setup=questions_with("max: 100", "max: 1" + "0" * 400)),
    "questions: min .nan": Case(RULES_CHECK, 2, None, setup=questions_with("min: 0", "min: .nan")),
    "questions: max .inf": Case(RULES_CHECK, 2, None, setup=questions_with("max: 100", "max: .inf")),
    "rules: weight .nan": Case(RULES_CHECK, 2, None, setup=rules_with("weight: 0,", "weight: .nan,")),
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
    "parallel batch to /dev/full": Case(
        ["check", "--format", "jsonl", "--jobs", "2", "a.jsonl"],
        5,
        "clientcheck: error: cannot write the output: No space left on device\n",
        setup=write("a.jsonl", '{"cost": 1}\n' * 3000),
        stdout="full",
    ),
    # special files
    "answers file is a FIFO": Case([*CHECK, "a.yaml"], 2, None, setup=fifo("a.yaml")),
    "JSONL file is a FIFO": Case([*CHECK, "a.jsonl"], 0, "", setup=fifo("a.jsonl")),
    "extends target is a FIFO": Case(
        RULES_CHECK,
        2,
        None,
        setup=both(write("rules.yaml", "version: 1\nextends: base.yaml\n"), fifo("base.yaml")),
    ),
    # passed over, like a folder: only regular files are question files
    "question file is a FIFO": Case(RULES_CHECK, 0, None, setup=fifo("questions/20-y.yaml")),
    "symlink loop as answers": Case(
        [*CHECK, "a.yaml"], 2, None, setup=both(symlink("a.yaml", "b.yaml"), symlink("b.yaml", "a.yaml"))
    ),
    "extends a symlink loop": Case(
        RULES_CHECK,
        2,
        None,
        setup=both(
            write("rules.yaml", "version: 1\nextends: base.yaml\n"),
            symlink("base.yaml", "loop.yaml"),
            symlink("loop.yaml", "base.yaml"),
        ),
    ),
    "answers from /dev/zero": Case([*CHECK, "/dev/zero"], 2, None),
    "import from /dev/zero": Case(
        ["import", "/dev/zero"], 2, "clientcheck: error: /dev/zero: larger than 32 MB; not a history export\n"
    ),
    "endless stdin": Case([*CHECK, "-"], 2, None, stdin=b"# " + b"x" * 3_000_000 + b"\n"),
    "JSONL line of 3 MB": Case(
        [*CHECK, "a.jsonl"],
        4,
        None,
        setup=write("a.jsonl", '{"notes": "' + "x" * 3_000_000 + '"}\n{"cost": 1}\n'),
    ),
    # a bad row costs that row only
    "CSV: 3 bad rows among 1,000": csv_case(1000),
    # escape sequences and bidi controls in a file name never reach the terminal
    "file name with escape sequences": Case(
        [*CHECK, "x\x1b]0;pwned\x07\u202e\x1b[31m.yaml"],
        2,
        "clientcheck: error: x.yaml:1:1: cost: 'x' is not a number; expected a number\n",
        setup=write("x\x1b]0;pwned\x07\u202e\x1b[31m.yaml", "cost: x\n"),
    ),
    # Ctrl-C as soon as it starts
    "Ctrl-C 20 ms into the start": Case([*CHECK, "-"], 130, "clientcheck: interrupted\n", interrupt_after=0.02),
    "Ctrl-C while reading stdin": Case([*CHECK, "-"], 130, "clientcheck: interrupted\n", interrupt_after=0.8),
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
        RULES_CHECK, 2, None, setup=rules_with("- id: unprofitable\n", '- id: "unprofitable\\n"\n')
    ),
}


# The whole of stderr each case must print ({here}: the scratch folder it runs in).
EXPECTED: dict[str, str] = {
    "rules: !!int 1.5": "clientcheck: error: rules.yaml:6:20: bad int value '1.5'\n",
    "recovery file: !!float x": "clientcheck: error: r.yaml:1:7: bad float value 'x'\n",
    "YAML answers: 5,000 digits": "clientcheck: error: a.yaml:1:7: number '9999999999999999999999999999999999999999…' has too many digits\n",
    "JSON answers: 5,000 digits": "clientcheck: error: a.json:1: a number in it has too many digits\n",
    "JSONL: 5,000 digits": "a.jsonl:1: a number in it has too many digits\n1 of 2 records was bad and skipped (see above); the others were scored\n",
    "rules: 5,000-digit weight": "clientcheck: error: rules.yaml:6:20: number '9999999999999999999999999999999999999999…' has too many digits\n",
    "rules: severity is a mapping": "clientcheck: error: rules.yaml:35:15: severity: {'a': 1} is not a severity (note, caution, high, decline)\n",
    "rules: fires is a list": "clientcheck: error: rules.yaml:44:56: fires: expected one of true, false, high, got ['decline']\n",
    "rules: any_severity holds a list": "clientcheck: error: rules.yaml:11:31: any_severity: unknown severity ['decline']; did you mean 'decline'?\n",
    "rules: source is a mapping": "clientcheck: error: rules.yaml:17:13: source: unknown source {'a': 1} (sources: marketer)\n",
    "questions: type is a list": "clientcheck: error: questions/10-x.yaml:35:11: type: ['text'] is not a question type (yesno, choice, multi, integer, number, text, date); did you mean 'text'?\n",
    "JSON answers: lone surrogate": "clientcheck: error: a.json:1: JSON text holds a lone surrogate (a \\ud800-\\udfff escape without its pair), which is not a character\n",
    "JSONL: lone surrogate": "a.jsonl:1: JSON text holds a lone surrogate (a \\ud800-\\udfff escape without its pair), which is not a character\n1 of 2 records was bad and skipped (see above); the others were scored\n",
    "stdin: not UTF-8": "clientcheck: error: <stdin>:1: standard input is not UTF-8 text\n",
    "client name: not UTF-8": "clientcheck: error: --client: the client's name is not UTF-8 text\n",
    "questions: 400-digit bound": "clientcheck: error: questions/10-x.yaml:12:10: max: expected a number from -1e+15 to 1e+15, got a number of 401 digits\n",
    "questions: min .nan": "clientcheck: error: questions/10-x.yaml:11:10: min: expected a number from -1e+15 to 1e+15, got nan\n",
    "questions: max .inf": "clientcheck: error: questions/10-x.yaml:12:10: max: expected a number from -1e+15 to 1e+15, got inf\n",
    "rules: weight .nan": "clientcheck: error: rules.yaml:6:20: weight: expected a number from -1e+15 to 1e+15, got nan\n",
    "rules: history window of 800,000 days": "clientcheck: error: rules.yaml:13:38: late_payments_window_days: expected a whole number of days from 1 to 36,500, or null for no window; got 800000\n",
    "paid --days 10**20": "clientcheck: error: --days: must be at most 36500 (see 'clientcheck paid --help')\n",
    "show 10**20": "clientcheck: error: {here}/history.sqlite3: no assessment #99999999999999999999 (list them with 'clientcheck history')\n",
    "diff 10**20": "clientcheck: error: {here}/history.sqlite3: no assessment #1 (list them with 'clientcheck history')\n",
    "import: year 1 with an offset": 'clientcheck: error: <stdin>: assessments[0].created_at: expected a time like 2025-06-01T09:12:03Z, got "0001-01-01T00:00:00+01:00"\n',
    "import: score NaN": "clientcheck: error: <stdin>: NaN is not a number JSON allows\n",
    "stdout closed": "clientcheck: error: cannot write the output: standard output is closed\n",
    "stdout /dev/full": "clientcheck: error: cannot write the output: No space left on device\n",
    "batch to /dev/full": "clientcheck: error: cannot write the output: No space left on device\n",
    "answers file is a FIFO": "clientcheck: error: a.yaml:1: nothing to read: the pipe or device gave no data\n",
    "extends target is a FIFO": "clientcheck: error: base.yaml: not a regular file (a pipe, socket or device is not read here)\n",
    "question file is a FIFO": "",
    "symlink loop as answers": "clientcheck: error: a.yaml: cannot read: a loop of symbolic links\n",
    "extends a symlink loop": "clientcheck: error: rules.yaml:2:10: extends: 'base.yaml' is a loop of symbolic links\n",
    "answers from /dev/zero": "clientcheck: error: /dev/zero:1:1: file is larger than 1000 kB\n",
    "endless stdin": "clientcheck: error: <stdin>:1:1: input is larger than 1000 kB\n",
    "JSONL line of 3 MB": "a.jsonl:1: this line is longer than 1000 kB\n1 of 2 records was bad and skipped (see above); the others were scored\n",
    "JSON answers: 100,000 unknown keys": "clientcheck: error: a.json:1:2: unknown question 'k0'\nclientcheck: error: a.json:1:9: unknown question 'k1'\nclientcheck: error: a.json:1:16: unknown question 'k2'\nclientcheck: error: a.json:1:23: unknown question 'k3'\nclientcheck: error: a.json:1:30: unknown question 'k4'\nclientcheck: error: a.json:1:37: unknown question 'k5'\nclientcheck: error: a.json:1:44: unknown question 'k6'\nclientcheck: error: a.json:1:51: unknown question 'k7'\nclientcheck: error: a.json:1:58: unknown question 'k8'\nclientcheck: error: a.json:1:65: unknown question 'k9'\nclientcheck: error: a.json:1:72: unknown question 'ka'\nclientcheck: error: a.json:1:79: unknown question 'kb'\nclientcheck: error: a.json:1:86: unknown question 'kc'\nclientcheck: error: a.json:1:93: unknown question 'kd'\nclientcheck: error: a.json:1:100: unknown question 'ke'\nclientcheck: error: a.json:1:107: unknown question 'kf'\nclientcheck: error: a.json:1:114: unknown question 'kg'\nclientcheck: error: a.json:1:121: unknown question 'kh'\nclientcheck: error: a.json:1:128: unknown question 'ki'\nclientcheck: error: a.json:1:135: unknown question 'kj'\nclientcheck: error: … and 99980 more problems like these\n",
    "answers: 1:30 sexagesimal": 'clientcheck: error: a.yaml:1:1: cost: YAML 1.1 reads 1:30 as 90 (base 60); write the number you mean, or "1:30" in quotes\n',
    "answers: 010 octal": 'clientcheck: error: a.yaml:1:1: cost: YAML 1.1 reads 010 as 8 (octal); write the number you mean, or "010" in quotes\n',
    "rule id with a trailing newline": "clientcheck: error: rules.yaml:36:9: id: a rule id must start with a letter and use only lowercase letters, digits and -, got 'unprofitable\\n'\n",
}
CASES = {name: case._replace(stderr=EXPECTED.get(name, case.stderr)) for name, case in CASES.items()}
