"""Time and peak memory of clientcheck refusing hostile input: every case of tests/test_safety.py
(hostile rules and questions) and of tests/hostile.py (issue 12: every class of bad input), and a
CSV of 100,000 clients with 3 bad rows.

    python bench/safety.py            # every case
    python bench/safety.py csv fifo   # the cases whose name holds one of these words

Each case runs in a fresh process (as a user would run it); the figures are that process's wall
time and its own peak RSS (VmHWM). Per case: exit code, lines on stderr, seconds, peak MB, and
whether it is what the case must give (exit code and the whole of stderr), and its time as a
ratio to a normal `check` of a valid file measured between the cases. Targets: no exit 3, no
hang, no traceback, every case under 1 s and 100 MB. The machine is shared: the load average
is printed first; quote it with the figures, and the ratios when it is high.

`lint` of 1,000 generated rules is timed against `check` of the same rules, interleaved, median of
3 each (target: lint within 3x of check).
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.conftest import SMALL_QUESTIONS, SMALL_RULES  # noqa: E402
from tests.hostile import CASES as HOSTILE  # noqa: E402
from tests.hostile import Case, csv_case, run  # noqa: E402
from tests.test_safety import CASES as CATALOG_CASES  # noqa: E402
from tests.test_safety import run_check  # noqa: E402

SECONDS, MEGABYTES = 1.0, 100.0
NORMAL = Case(["check", "--format", "json", "answers.json"], 0, None)


def catalog_case(name: str) -> tuple[int, str, float, float]:
    """A case of tests/test_safety.py: a hostile rules or questions file under `check`."""
    with tempfile.TemporaryDirectory() as tmp:
        here = Path(tmp)
        (here / "questions").mkdir()
        if name == "baseline: bundled catalog":
            rules, questions = ROOT / "rules.yaml", ROOT / "questions"
        else:
            which, text, _ = CATALOG_CASES[name]
            rules, questions = here / "rules.yaml", here / "questions"
            rules.write_text(text if which == "rules" else SMALL_RULES, encoding="utf-8")
            (questions / "10-x.yaml").write_text(text if which == "questions" else SMALL_QUESTIONS, encoding="utf-8")
        code, err, seconds, peak_kb = run_check(rules, questions, here)
    return code, err, seconds, peak_kb / 1024


def hostile_case(case: Case) -> tuple[int, str, float, float, bool, bytes]:
    with tempfile.TemporaryDirectory() as tmp:
        ran = run(case, Path(tmp))
        expected = (case.stderr or "").replace("{here}", tmp)
    ok = ran.code == case.code and (case.stderr is None or ran.stderr == expected)
    if case.stdout_lines is not None:
        ok = ok and len(ran.stdout.splitlines()) == case.stdout_lines
    return ran.code, ran.stderr, ran.seconds, ran.peak_kb / 1024, ok, ran.stdout


def generated_rules(n: int) -> str:
    """n red flags over the bundled questions, extending the bundled rules: a big team's rules.yaml."""
    import random

    rnd = random.Random(1)
    shapes = (
        "late_payments >= {n}",
        "rude",
        'not contract and advance == "none"',
        '"free_sample" in asks and not contract',
        "unpaid_meetings > {n} and not written_brief",
        "expected_cost > expected_revenue",
        "hours_to_deadline < {n}",
        "budget_amount < min_price",
        'follows_advice == "insists"',
        "petty_complaints or rude",
        "in_segment == false and needs_missing_features",
    )
    out = ["clientcheck: rules", "version: 1", "extends: builtin", "rules:"]
    for i in range(n):
        when = rnd.choice(shapes).format(n=rnd.randint(1, 20))
        severity = rnd.choice(["caution", "high", "decline"])
        out += [f"  - id: gen-{i}", "    kind: red-flag", "    title: T", "    why: W", "    advice: A"]
        out += ["    source: marketer", f"    when: '{when}'", f"    severity: {severity}"]
    return "\n".join(out) + "\n"


def lint_against_check(n: int) -> tuple[float, float]:
    """Median seconds of `lint` and of `check` on {} with n generated rules, interleaved."""
    import statistics
    import subprocess
    import time

    with tempfile.TemporaryDirectory() as tmp:
        here = Path(tmp)
        (here / "rules.yaml").write_text(generated_rules(n), encoding="utf-8")
        env = {**os.environ, "CLIENTCHECK_NO_CACHE": "1"}
        runs: dict[str, list[float]] = {"lint": [], "check": []}
        commands = {
            "lint": [sys.executable, "-m", "clientcheck", "lint", "--rules", "rules.yaml"],
            "check": [sys.executable, "-m", "clientcheck", "check", "-", "--rules", "rules.yaml", "-f", "json"],
        }
        for _ in range(3):
            for name, cmd in commands.items():
                start = time.perf_counter()
                subprocess.run(cmd, cwd=here, env=env, input=b"{}", capture_output=True, timeout=120, check=False)
                runs[name].append(time.perf_counter() - start)
    return statistics.median(runs["lint"]), statistics.median(runs["check"])


def main(argv: list[str]) -> int:
    words = [w.lower() for w in argv]

    def wanted(name: str) -> bool:
        return not words or any(w in name.lower() for w in words)

    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs")
    print(f"{'case':45} {'exit':>4} {'lines':>5} {'seconds':>8} {'peak MB':>8}  as it must be")
    worst_s, worst_mb, failures = 0.0, 0.0, 0
    rows: list[tuple[str, int, str, float, float, bool]] = []
    for name in ["baseline: bundled catalog", *CATALOG_CASES]:
        if wanted(name):
            code, err, seconds, mb = catalog_case(name)
            ok = code == (0 if name.startswith("baseline") else 2) and "Traceback" not in err
            rows.append((name, code, err, seconds, mb, ok))
    # a plain `check` of a valid answers file, measured between the cases: on a loaded machine the
    # ratio to it says more than the seconds do
    normal: list[float] = []
    for i, (name, case) in enumerate(HOSTILE.items()):
        if i % 8 == 0:
            normal.append(hostile_case(NORMAL)[2])
        if wanted(name):
            code, err, seconds, mb, ok, _ = hostile_case(case)
            # a Ctrl-C case: the time from the signal to the end, not the wait before it
            rows.append((name, code, err, seconds - (case.interrupt_after or 0.0), mb, ok))
    base = sorted(normal)[len(normal) // 2]
    print(f"{'(a normal check of a valid file, median)':45} {0:>4} {0:>5} {base:>8.2f} {'':>8}  ratio 1.0")
    for name, code, err, seconds, mb, ok in rows:
        fine = ok and code != 3 and "Traceback" not in err and seconds <= SECONDS and mb <= MEGABYTES
        failures += not fine
        worst_s, worst_mb = max(worst_s, seconds), max(worst_mb, mb)
        mark = "yes" if ok else "NO"
        slow = "" if seconds <= SECONDS and mb <= MEGABYTES else "  over target"
        ratio = seconds / base if base else 0.0
        print(
            f"{name[:45]:45} {code:>4} {len(err.splitlines()):>5} {seconds:>8.2f} {mb:>8.1f}  {mark}"
            f"  ratio {ratio:.1f}{slow}"
        )

    if wanted("csv 100,000"):
        case = csv_case(100_000)
        code, err, seconds, mb, ok, out = hostile_case(case)
        scored = len(out.splitlines()) - 1  # less the header row
        print()
        print("CSV of 100,000 clients with 3 bad rows (check --format csv):")
        print(f"  exit {code}, {scored:,} scored, {seconds:.2f} s, {mb:.1f} MB peak; stderr:")
        for line in err.splitlines():
            print(f"    {line}")
        failures += not (ok and scored == 99_997)
        worst_s, worst_mb = max(worst_s, seconds), max(worst_mb, mb)
    if wanted("lint 1,000 rules"):
        lint_s, check_s = lint_against_check(1000)
        print()
        print(
            f"lint of 1,000 generated rules: {lint_s:.2f} s; check of the same rules: {check_s:.2f} s; "
            f"ratio {lint_s / check_s:.2f} (target <= 3)"
        )
        failures += lint_s > 3 * check_s
    print()
    print(f"worst: {worst_s:.2f} s, {worst_mb:.1f} MB; cases not as they must be (or over target): {failures}")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
