"""Batch speed against another clientcheck (an older commit): the issue 9 target, side by side.

    python bench/speed_vs.py OLD_CHECKOUT [--catalog old|own] [--new NEW_CLIENTCHECK]
                             [--clients 100000] [--rounds 3] [--work DIR]

OLD_CHECKOUT is a checkout of the version to compare with, with its own venv (for issue 9:
`git worktree add ../old21 21fa1c8 && cd ../old21 && python3 -m venv .venv &&
.venv/bin/pip install -e .`). --new defaults to this checkout's clientcheck (the one next to
this Python).

--catalog old (the default): both score the same --clients random clients, made by the old
checkout's bench/make_clients.py for its bundled questions, with the old checkout's rules.yaml
and questions/ (the new version is given them with --rules and --questions: every old rules
file keeps working). --catalog own: each scores its own bundled rules, on clients made by its
own make_clients.py (the same number; the catalogs differ, so this compares more than speed).

Both run `check F.jsonl --format jsonl`, with --jobs 1 and with the default jobs, output to a
pipe that is counted, from a fresh empty folder (an old version reads ./rules.yaml: it must
find none), interleaved old, new, old, new, ... for --rounds rounds, after one run of each that is not
counted (as installed, with the compiled-module cache on: the first run writes it). For each it prints the best wall time and the best CPU time
(user + system of the process and its children: on a shared machine it moves less with the
load than wall time), the ratio new/old in throughput, and the load average before and after.
Both must write the same number of records. Exits 1 if --jobs 1 misses the target (1.5x the old
throughput in wall time, or in CPU time when the machine is loaded: load average above the
number of CPUs).
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
TARGET = 1.5  # issue 9: single-process batch at least 1.5x the throughput before the engine work
# as installed: Python's compiled-module cache on (an environment may turn it off, and then every
# run compiles the modules again, which costs the version with more modules more)
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} ({os.cpu_count()} CPUs)"


def run(cmd: list[str], cwd: Path) -> tuple[float, float, int]:
    """(wall seconds, CPU seconds, lines written) of one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    # the lines are counted as they come, a megabyte at a time, as `wc -l` would: holding the
    # whole output (100 MB and more) made this process compete with the one measured for the CPU
    # and the memory
    lines = 0
    with subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=ENV) as child:
        assert child.stdout is not None
        while piece := child.stdout.read1(1 << 20):
            lines += piece.count(b"\n")
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if child.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)}: exit {child.returncode}")
    return wall, cpu, lines


def make(python: Path, checkout: Path, n: int, folder: Path) -> Path:
    """n random clients for a checkout's bundled questions, by its own bench/make_clients.py."""
    folder.mkdir(parents=True, exist_ok=True)
    out = folder / f"clients-{n}.jsonl"
    if not out.exists():
        script = checkout / "bench" / "make_clients.py"
        subprocess.run([str(python), str(script), str(n), "--out", str(out)], check=True, cwd=folder, env=ENV)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("old", help="a checkout of the other version, with its own .venv")
    parser.add_argument("--catalog", choices=("old", "own"), default="old")
    parser.add_argument("--new", default=str(Path(sys.executable).with_name("clientcheck")))
    parser.add_argument("--clients", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--work", help="folder for the generated clients (default: a temporary one)")
    args = parser.parse_args(argv)
    if args.work:
        return _measure(args, Path(args.work))
    with tempfile.TemporaryDirectory(prefix="clientcheck-speed-") as work:
        return _measure(args, Path(work))


def _measure(args: argparse.Namespace, work: Path) -> int:
    old = Path(args.old).resolve()
    old_exe = str(old / ".venv" / "bin" / "clientcheck")
    inputs = {"old": make(old / ".venv" / "bin" / "python", old, args.clients, work / "old")}
    options: dict[str, list[str]] = {"old": [], "new": []}
    if args.catalog == "old":
        inputs["new"] = inputs["old"]
        options["new"] = ["--rules", str(old / "rules.yaml"), "--questions", str(old / "questions")]
    else:
        inputs["new"] = make(Path(sys.executable), HERE.parent, args.clients, work / "new")
    clients = inputs["new"]
    with tempfile.TemporaryDirectory(prefix="clientcheck-cwd-") as empty:  # no rules.yaml, no project config
        return _compare(args, Path(empty), old_exe, inputs, options, clients)


def _compare(
    args: argparse.Namespace,
    empty: Path,
    old_exe: str,
    inputs: dict[str, Path],
    options: dict[str, list[str]],
    clients: Path,
) -> int:
    print(f"before: {load()}")
    print(f"old: {old_exe}\nnew: {args.new} {' '.join(options['new'])}")
    print(f"{args.clients:,} clients, {clients.stat().st_size / 1e6:.0f} MB; catalog: {args.catalog}")
    for who, exe in (("old", old_exe), ("new", args.new)):  # a first run writes the compiled-module cache
        run([exe, "check", str(inputs[who]), "--format", "jsonl", *options[who], "--jobs", "1"], empty)
    missed = False
    for label, extra in (("--jobs 1", ["--jobs", "1"]), ("default jobs", [])):
        best: dict[str, tuple[float, float]] = {}
        lines: dict[str, int] = {}
        for _ in range(args.rounds):
            for who, exe in (("old", old_exe), ("new", args.new)):
                cmd = [exe, "check", str(inputs[who]), "--format", "jsonl", *options[who], *extra]
                wall, cpu, n = run(cmd, empty)
                w, c = best.get(who, (wall, cpu))
                best[who] = (min(w, wall), min(c, cpu))
                lines[who] = n
        if lines["old"] != lines["new"] or lines["new"] != args.clients:
            raise SystemExit(f"records written: old {lines['old']}, new {lines['new']}, clients {args.clients}")
        (ow, oc), (nw, nc) = best["old"], best["new"]
        print(f"\n{label} (best of {args.rounds}, interleaved)")
        for who, (w, c) in best.items():
            print(f"  {who}: {w:6.2f} s wall  {w / args.clients * 1e6:6.2f} us/client   {c:6.2f} s CPU")
        print(f"  new/old throughput: {ow / nw:.2f}x wall, {oc / nc:.2f}x CPU")
        if label == "--jobs 1":
            loaded = os.getloadavg()[0] > (os.cpu_count() or 1)
            ratio = oc / nc if loaded else ow / nw
            missed = ratio < TARGET
            print(
                f"  target {TARGET}x ({'CPU: the machine is loaded' if loaded else 'wall'}): {'met' if not missed else 'MISSED'}"
            )
    print(f"\nafter: {load()}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
