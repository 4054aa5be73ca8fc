"""How long from pressing Enter on `clientcheck interview` until the first question is on screen.

    python bench/first_prompt.py [--runs N] [--lang en|ru] [--command PATH]

Spawns the real console script in a pseudo-terminal (pexpect) N times, measures from just
before the spawn until the first prompt's key legend has been drawn, then stops the interview
with Ctrl-C. Prints each run and the median / min / max in milliseconds. The target is 300 ms.
Autosave files go to a temporary data dir, so your own recovery files are untouched.
Measure on an idle machine: the figure is mostly Python start-up and imports.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pexpect

TARGET_MS = 300.0


def _default_command() -> str:
    beside = Path(sys.executable).with_name("clientcheck")
    return str(beside) if beside.exists() else (shutil.which("clientcheck") or "clientcheck")


def one_run(command: str, lang: str, data_dir: str) -> float:
    env = dict(os.environ, XDG_DATA_HOME=data_dir, LANG="C.UTF-8", TERM="xterm-256color")
    env.pop("LC_ALL", None)
    start = time.perf_counter()
    child = pexpect.spawn(
        command, ["interview", "--lang", lang], env=env, encoding="utf-8", dimensions=(40, 120), timeout=10
    )
    try:
        # the legend is drawn in the same frame as the question, below it
        child.expect("Ctrl-B")
        elapsed = (time.perf_counter() - start) * 1000
        child.sendcontrol("c")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--lang", choices=("en", "ru"), default="en")
    parser.add_argument("--command", default=_default_command(), help="the clientcheck executable")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data_dir:
        one_run(args.command, args.lang, data_dir)  # warm the OS file cache; not counted
        times = []
        for i in range(1, args.runs + 1):
            ms = one_run(args.command, args.lang, data_dir)
            times.append(ms)
            print(f"run {i:2}: {ms:6.1f} ms")
    median = statistics.median(times)
    print(
        f"first prompt ({args.lang}, {args.runs} runs): median {median:.1f} ms, "
        f"min {min(times):.1f} ms, max {max(times):.1f} ms (target {TARGET_MS:.0f} ms)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
