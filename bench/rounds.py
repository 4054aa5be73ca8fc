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

import sys
from pathlib import Path

from run import ENV, HERE, load, timed_cpu  # bench/run.py, beside this file

USAGE = "usage: python bench/rounds.py FILE.parquet ROUNDS NAME=TREE[:VAR=VALUE] ..."


def main(argv: list[str]) -> int:
    if len(argv) < 3 or not argv[1].isdigit():
        print(USAGE, file=sys.stderr)
        return 2
    path, rounds = str(Path(argv[0]).resolve()), int(argv[1])  # the runs start in the project's folder
    env = {k: v for k, v in ENV.items() if k != "PYTHONUNBUFFERED"}
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
        timed_cpu(*contenders[name])  # the query built and kept: the rounds read it back
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in contenders}
    print("before:", load())
    for _ in range(rounds):
        for name, (command, run_env) in contenders.items():
            times[name].append(timed_cpu(command, run_env))
    print("after: ", load())
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
