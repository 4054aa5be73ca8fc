"""Rounds of the DuckDB path against the hand-written query, one command after the other.

    python bench/rounds.py FILE.parquet ROUNDS NAME=TREE[:VAR=VALUE] ...

Each round runs bench/redflags_duckdb.py (the 17 red flags written by hand) and then, for each
NAME=TREE, `clientcheck check FILE -f jsonl` with the clientcheck of that source tree (its
`src` on PYTHONPATH, an environment variable set if given), output to /dev/null. It prints the
load average before and after, and per contender the least wall and CPU time (user and system,
from getrusage) over the rounds, their ratios to the hand-written query's, and every round's.
Interleaving is what makes two versions comparable on a machine whose speed moves with other
work: a lull favours no one. Each tree's first run (its query built and kept) is not counted.

    python bench/rounds.py clients.parquet 6 now=. before=../clientcheck-old
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
USAGE = "usage: python bench/rounds.py FILE.parquet ROUNDS NAME=TREE[:VAR=VALUE] ..."


def timed(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU time of one run (CPU: user and system time of it and its children)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):  # 1: a client to decline, the run is whole
        sys.exit(f"{' '.join(command)}: exit {done.returncode}: {done.stderr.decode()[-300:]}")
    return wall, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


def main(argv: list[str]) -> int:
    if len(argv) < 3 or not argv[1].isdigit():
        print(USAGE, file=sys.stderr)
        return 2
    path, rounds = argv[0], int(argv[1])
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    contenders: dict[str, tuple[list[str], dict[str, str]]] = {
        "by hand": ([sys.executable, str(HERE / "redflags_duckdb.py"), path], env)
    }
    for spec in argv[2:]:
        name, _, rest = spec.partition("=")
        tree, _, setting = rest.partition(":")
        extra = dict([setting.split("=", 1)]) if setting else {}
        source = str(Path(tree).resolve() / "src")
        command = [sys.executable, "-m", "clientcheck", "check", path, "-f", "jsonl"]
        contenders[name] = (command, {**env, "PYTHONPATH": source, **extra})
        timed(*contenders[name])  # the query built and kept: the rounds read it back
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in contenders}
    print("load average before: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    for _ in range(rounds):
        for name, (command, run_env) in contenders.items():
            times[name].append(timed(command, run_env))
    print("load average after:  {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    hand_wall = min(w for w, _ in times["by hand"])
    hand_cpu = min(c for _, c in times["by hand"])
    for name, runs in times.items():
        wall, cpu = min(w for w, _ in runs), min(c for _, c in runs)
        every = " ".join(f"{w:.2f}/{c:.2f}" for w, c in runs)
        print(
            f"{name:10} wall {wall:6.2f} s  CPU {cpu:6.2f} s  "
            f"x hand {wall / hand_wall:.2f} / {cpu / hand_cpu:.2f}   rounds (wall/CPU): {every}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
