"""Batch cost against another clientcheck in CPU instructions: the issue 9 target, without the noise.

    python bench/instructions_vs.py OLD_CHECKOUT [--new NEW_CLIENTCHECK] [--clients 10000] [--work DIR]

Wall and CPU time on a shared 2-core machine move by tens of percent with the load; the number of
instructions a run executes does not. This runs `check F.jsonl --format jsonl --jobs 1` of the old
checkout and of this one under valgrind (cachegrind, no cache simulation) on 1 client and on
1 + --clients clients of the old checkout's random clients and catalog (as bench/speed_vs.py
--catalog old does), and prints, for each, the start-up (the 1-client run) and the instructions
per client (the difference over --clients), and the ratio old/new for 100,000 clients: the
throughput ratio on a machine where instructions are the cost. Both run as installed (the
compiled-module cache on, a first run not counted). Needs valgrind on PATH. Exits 1 if the ratio
misses the target (1.5).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
TARGET = 1.5
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
_REFS = re.compile(r"I\s+refs:\s+([\d,]+)")


def instructions(cmd: list[str], cwd: Path) -> int:
    """The instructions one run executes (valgrind's "I refs")."""
    out = subprocess.run(
        ["valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null", *cmd],
        cwd=cwd,
        env=ENV,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        check=False,
    )
    found = _REFS.search(out.stderr)
    if found is None:
        raise SystemExit(f"no instruction count from valgrind for {' '.join(cmd)}:\n{out.stderr[-500:]}")
    return int(found.group(1).replace(",", ""))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("old", help="a checkout of the other version, with its own .venv")
    parser.add_argument("--new", default=str(Path(sys.executable).with_name("clientcheck")))
    parser.add_argument("--clients", type=int, default=10_000)
    parser.add_argument("--work", help="folder for the generated clients (default: a temporary one)")
    args = parser.parse_args(argv)
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not on PATH")
    with tempfile.TemporaryDirectory(prefix="clientcheck-instr-") as tmp:
        work = Path(args.work) if args.work else Path(tmp)
        return _measure(args, work, Path(tmp))


def _measure(args: argparse.Namespace, work: Path, empty: Path) -> int:
    old = Path(args.old).resolve()
    work.mkdir(parents=True, exist_ok=True)
    many = work / f"instr-{args.clients + 1}.jsonl"
    if not many.exists():
        script = old / "bench" / "make_clients.py"
        subprocess.run(
            [str(old / ".venv" / "bin" / "python"), str(script), str(args.clients + 1), "--out", str(many)],
            check=True,
            env=ENV,
        )
    one = work / "instr-1.jsonl"
    one.write_bytes(many.read_bytes().split(b"\n", 1)[0] + b"\n")
    catalog = ["--rules", str(old / "rules.yaml"), "--questions", str(old / "questions")]
    who = {
        "old": ([str(old / ".venv" / "bin" / "python"), str(old / ".venv" / "bin" / "clientcheck")], []),
        "new": ([str(Path(args.new).with_name("python")), args.new], catalog),
    }
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())} (instructions do not depend on it)")
    per: dict[str, tuple[int, float]] = {}
    for name, (exe, extra) in who.items():
        for path in (one, many):
            subprocess.run([*exe, "check", str(path), "--format", "jsonl", "--jobs", "1", *extra], cwd=empty, env=ENV,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)  # fmt: skip
        start = instructions([*exe, "check", str(one), "--format", "jsonl", "--jobs", "1", *extra], empty)
        total = instructions([*exe, "check", str(many), "--format", "jsonl", "--jobs", "1", *extra], empty)
        per[name] = (start, (total - start) / args.clients)
        print(f"{name}: start-up {start / 1e6:,.0f}M instructions, {per[name][1] / 1e3:,.1f}k per client")
    (os_, oc), (ns, nc) = per["old"], per["new"]
    client_ratio = oc / nc
    ratio = (os_ + oc * 100_000) / (ns + nc * 100_000)
    print(f"new/old per client: {client_ratio:.2f}x fewer; for 100,000 clients: {ratio:.2f}x (target {TARGET}x)")
    return 0 if ratio >= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
