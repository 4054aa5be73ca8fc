"""How long a TAB takes: the completion answer, next to the cheapest run of the same program.

    python bench/completion.py [--runs N] [--command PATH]

Every TAB starts clientcheck once (the shell scripts of `clientcheck completion SHELL` call it
back with _CLIENTCHECK_COMPLETE set). This runs, interleaved so that a noisy machine weighs on all
of them alike, `clientcheck --version` (start-up alone) and completions of a command name, a rule
id, a question id, a client name and an assessment number, plus `check --help`. It prints the median of each in
milliseconds, its ratio to `--version`, and the load average. The history database and caches
live in a temporary folder.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _default_command() -> str:
    beside = Path(sys.executable).with_name("clientcheck")
    return str(beside) if beside.exists() else (shutil.which("clientcheck") or "clientcheck")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--command", default=_default_command())
    args = parser.parse_args()
    exe = args.command

    def complete(line: str) -> tuple[list[str], dict[str, str]]:
        return [exe], {"_CLIENTCHECK_COMPLETE": "bash", "_CLIENTCHECK_COMPLETE_LINE": line}

    cases: dict[str, tuple[list[str], dict[str, str]]] = {
        "--version": ([exe, "--version"], {}),
        "TAB: clientcheck ch": complete("clientcheck ch"),
        "TAB: check --select la": complete("clientcheck check --select la"),
        "TAB: questions show late_": complete("clientcheck questions show late_"),
        "TAB: history AC": complete("clientcheck history AC"),
        "TAB: show (numbers)": complete("clientcheck show "),
        "check --help": ([exe, "check", "--help"], {}),
    }
    with tempfile.TemporaryDirectory() as tmp:
        base = {
            **os.environ,
            "CLIENTCHECK_DB": str(Path(tmp) / "history.sqlite3"),
            "XDG_CACHE_HOME": str(Path(tmp) / "cache"),
        }
        subprocess.run([exe, "paid", "ACME Ltd", "--on-time"], env=base, capture_output=True, check=True, cwd=tmp)
        for _ in range(3):  # assessments, for the numbers `show` completes
            subprocess.run(
                [exe, "check", "-", "--client", "ACME Ltd"],
                input=b"{}",
                env=base,
                capture_output=True,
                check=True,
                cwd=tmp,
            )
        times: dict[str, list[float]] = {name: [] for name in cases}
        for _ in range(args.runs):
            for name, (argv, extra) in cases.items():
                start = time.perf_counter()
                done = subprocess.run(argv, env={**base, **extra}, capture_output=True, cwd=tmp, timeout=60)
                times[name].append(time.perf_counter() - start)
                if done.returncode != 0:
                    print(f"{name}: exit {done.returncode}: {done.stderr.decode()[:200]}", file=sys.stderr)
                    return 1
    floor = statistics.median(times["--version"])
    for name, values in times.items():
        median = statistics.median(values)
        print(f"{name:28s} median {median * 1000:6.0f} ms   x{median / floor:4.2f} of --version")
    print("load average: " + " ".join(f"{x:.2f}" for x in os.getloadavg()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
