"""How long from pressing Enter on `clientcheck interview` until the first prompt is on screen,
next to a bare questionary select prompt started the same way.

    python bench/first_prompt.py [--runs N] [--lang en|ru] [--command PATH]

Spawns the real console script in a pseudo-terminal (pexpect) N times, measures from just
before the spawn until the first prompt's key legend has been drawn, then stops the interview
with Ctrl-C. Interleaved with those runs, the same for `python -c` running a bare
questionary.select (the floor any questionary prompt pays: Python, questionary and
prompt_toolkit imports, one Application drawn). Prints each run, the medians and their ratio
(target: at most 1.3x the bare prompt), and the load average before and after. Also the time
from Ctrl-C to the process's end. Autosave files go to a temporary data dir, so your own
recovery files are untouched.
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

TARGET_RATIO = 1.3
BARE = (
    "import questionary\n"
    "questionary.select('Ready?', choices=['one', 'two', 'three'], instruction='Ctrl-B').unsafe_ask()\n"
)


def _default_command() -> str:
    beside = Path(sys.executable).with_name("clientcheck")
    return str(beside) if beside.exists() else (shutil.which("clientcheck") or "clientcheck")


def one_run(argv: list[str], data_dir: str, then_enter: bool = False, typing_ms: float = 0.0) -> tuple[float, float]:
    """(ms until the legend is drawn, ms from Ctrl-C until the process has ended).

    then_enter: press Enter at the first prompt (the client's name) and time from there to the
    next legend, the first question's (the ms returned are those of that second step), after
    typing_ms of "typing" (the rules and the session load while the name is typed).
    """
    env = dict(os.environ, XDG_DATA_HOME=data_dir, XDG_CONFIG_HOME=data_dir, LANG="C.UTF-8", TERM="xterm-256color")
    env.pop("LC_ALL", None)
    if then_enter:
        # pexpect is no terminal and never answers prompt_toolkit's cursor-position request; a
        # second prompt would wait for that answer, which a real terminal gives at once
        env["PROMPT_TOOLKIT_NO_CPR"] = "1"
    start = time.perf_counter()
    child = pexpect.spawn(argv[0], argv[1:], env=env, encoding="utf-8", dimensions=(40, 120), timeout=10)
    try:
        # the legend is drawn in the same frame as the question, below it
        child.expect("Ctrl-B")
        elapsed = (time.perf_counter() - start) * 1000
        if then_enter:
            time.sleep(typing_ms / 1000)
            began = time.perf_counter()
            child.send("\r")
            child.expect("Ctrl-B")
            elapsed = (time.perf_counter() - began) * 1000
        stop = time.perf_counter()
        child.sendcontrol("c")
        child.expect(pexpect.EOF)
        ended = (time.perf_counter() - stop) * 1000
    finally:
        child.close(force=True)
    return elapsed, ended


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--lang", choices=("en", "ru"), default="en")
    parser.add_argument("--command", default=_default_command(), help="the clientcheck executable")
    parser.add_argument(
        "--typing-ms",
        type=float,
        default=1000.0,
        help="how long the client's name takes to type before Enter (default 1000: a short name, typed fast)",
    )
    args = parser.parse_args()
    ours_argv = [args.command, "interview", "--lang", args.lang]
    bare_argv = [sys.executable, "-c", BARE]
    print(f"load average before: {_load()}")
    ours: list[float] = []
    bare: list[float] = []
    exits: list[float] = []
    bare_exits: list[float] = []
    with tempfile.TemporaryDirectory() as data_dir:
        one_run(ours_argv, data_dir)  # warm the OS file cache; not counted
        one_run(bare_argv, data_dir)
        for i in range(1, args.runs + 1):
            ms, ended = one_run(ours_argv, data_dir)
            base, base_ended = one_run(bare_argv, data_dir)
            ours.append(ms)
            exits.append(ended)
            bare_exits.append(base_ended)
            bare.append(base)
            print(f"run {i:2}: clientcheck {ms:6.1f} ms   bare questionary {base:6.1f} ms   ratio {ms / base:4.2f}")
    with tempfile.TemporaryDirectory() as data_dir:
        # after the name: the catalog is loaded, the session set up and the first question chosen
        runs = max(3, args.runs // 2)
        after_name = [one_run(ours_argv, data_dir, True, args.typing_ms)[0] for _ in range(runs)]
        at_once = [one_run(ours_argv, data_dir, True)[0] for _ in range(runs)]
    mine, floor = statistics.median(ours), statistics.median(bare)
    print(
        f"first prompt ({args.lang}, {args.runs} runs, medians): clientcheck interview {mine:.1f} ms "
        f"(min {min(ours):.1f}, max {max(ours):.1f}); bare questionary select {floor:.1f} ms "
        f"(min {min(bare):.1f}, max {max(bare):.1f}); ratio {mine / floor:.2f} (target {TARGET_RATIO})"
    )
    print(
        f"from Enter at the client's name to the first question on screen: median {statistics.median(after_name):.1f} ms "
        f"after {args.typing_ms:.0f} ms of typing, {statistics.median(at_once):.1f} ms with Enter at once"
    )
    print(
        f"Ctrl-C to the end of the process (medians): clientcheck {statistics.median(exits):.1f} ms, "
        f"bare questionary {statistics.median(bare_exits):.1f} ms (both wait about a second for the answer "
        "to prompt_toolkit's cursor-position request, which pexpect never gives and a terminal gives at once; "
        "with PROMPT_TOOLKIT_NO_CPR=1 clientcheck ends about 15 ms after Ctrl-C)"
    )
    print(f"load average after: {_load()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
