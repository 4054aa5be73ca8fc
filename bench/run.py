"""The batch benchmark: clientcheck against jq on the same clients, with the issue's targets.

    python bench/run.py [--clients 200000] [--big 1000000] [--repeat 3] [--work DIR]

It writes random clients with bench/make_clients.py, checks that bench/redflags.jq finds the
same red flags as clientcheck (so the two do the same work), then times, best of --repeat,
output to /dev/null for every contender:

  throughput   `clientcheck check F --format jsonl` (and with --jobs 1), `jq -c . F`,
               `jq -c -f bench/redflags.jq F`, on --clients clients; clients/s and ratios
  linearity    clientcheck on 1/4, 1/2 and all of --clients: time per client
  memory       peak memory of clientcheck on --big clients (all its processes together, PSS,
               sampled from /proc), and the largest single process (VmHWM)
  bad lines    --big clients with 3 corrupt lines: exactly those 3 reported, the rest scored
  DuckDB       (issue 14; needs the sql extra) on --big clients: `clientcheck check F.parquet`
               (and the same rows as one row group), `clientcheck check F.jsonl --engine duckdb`,
               the 17 red flags written by hand in
               DuckDB (bench/redflags.sql, checked to agree first), `jq -c .`, interleaved, best of
               --repeat; the Python batch path on the same clients (or, quicker but with its
               start-up weighing more, on --python-sample of them) for its rate; peak
               memory (--duckdb-only runs just this part)
  start-up     `clientcheck check - --format json` (answers as JSON on stdin) and
               `clientcheck check examples/late-payer.yaml --format json`, against the one-command
               Typer app bench/hello_typer.py, interleaved, median of 21 runs each
               (--startup-only runs just this part)

The machine's load average is printed before and after: figures from a loaded machine say so.
Needs Linux (/proc) and jq on PATH. Exits 1 if a target is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from itertools import pairwise
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PYTHON = sys.executable
CLIENTCHECK = [PYTHON, "-m", "clientcheck"]
DEVNULL = subprocess.DEVNULL
# as installed: Python's compiled-module cache on (an environment may turn it off, and then every
# run compiles clientcheck's modules again, while Typer's come precompiled)
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} CPUs"


def make(n: int, path: Path) -> Path:
    if not path.exists():
        subprocess.run([PYTHON, str(HERE / "make_clients.py"), str(n), "--out", str(path)], check=True)
    return path


def head(src: Path, n: int, path: Path) -> Path:
    if not path.exists():
        with src.open("rb") as fin, path.open("wb") as fout:
            for i, line in enumerate(fin):
                if i == n:
                    break
                fout.write(line)
    return path


def timed(cmd: Sequence[str], repeat: int, env: dict[str, str] | None = None) -> float:
    """Best wall time of `repeat` runs, output to /dev/null."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        proc = subprocess.run(cmd, stdout=DEVNULL, stderr=subprocess.PIPE, cwd=ROOT, env=env or ENV)
        elapsed = time.perf_counter() - start
        if proc.returncode not in (0, 1):
            raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}): {proc.stderr.decode()[:500]}")
        best = min(best, elapsed)
    return best


def timed_cpu(cmd: Sequence[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """Wall time and CPU time (user + system, all its processes) of one run: on a machine other
    sessions load, CPU time moves much less than wall time."""
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall = timed(cmd, 1, env)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


def same_flags(clients: Path) -> int:
    """Run both on the file; every client must get the same red flags. Returns the count."""
    ours = subprocess.run([*CLIENTCHECK, "check", str(clients), "-f", "jsonl"], capture_output=True, cwd=ROOT, env=ENV)
    theirs = subprocess.run(["jq", "-c", "-f", str(HERE / "redflags.jq"), str(clients)], capture_output=True)
    a, b = ours.stdout.splitlines(), theirs.stdout.splitlines()
    if len(a) != len(b):
        raise SystemExit(f"clientcheck wrote {len(a)} records, jq {len(b)}: {ours.stderr.decode()[:300]}")
    for n, (x, y) in enumerate(zip(a, b, strict=True), 1):
        got = sorted((f["id"], f["severity"]) for f in json.loads(x)["findings"])
        want = sorted((f["id"], f["severity"]) for f in json.loads(y)["red_flags"])
        if got != want:
            raise SystemExit(f"client {n}: clientcheck {got} but jq {want}")
    return len(a)


def _children(pid: int) -> list[int]:
    out = [pid]
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as f:
                for child in f.read().split():
                    out.extend(_children(int(child)))
    except OSError:
        pass
    return out


def _kb(pid: int, file: str, field: str) -> int:
    try:
        with open(f"/proc/{pid}/{file}") as f:
            for line in f:
                if line.startswith(field):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def peak_memory(cmd: Sequence[str]) -> tuple[float, int, int, str]:
    """(seconds, peak PSS of all processes together in kB, largest VmHWM in kB, stderr)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=DEVNULL, stderr=subprocess.PIPE, cwd=ROOT, env=ENV)
    total_peak = single_peak = 0
    while proc.poll() is None:
        pids = _children(proc.pid)
        total_peak = max(total_peak, sum(_kb(p, "smaps_rollup", "Pss:") for p in pids))
        single_peak = max([single_peak, *(_kb(p, "status", "VmHWM:") for p in pids)])
        time.sleep(0.02)
    elapsed = time.perf_counter() - start
    assert proc.stderr is not None
    return elapsed, total_peak, single_peak, proc.stderr.read().decode()


def corrupt(src: Path, path: Path, lines: Sequence[int]) -> Path:
    broken = {n: b'{"client": "broken", "rude": tru\n' for n in lines}
    with src.open("rb") as fin, path.open("wb") as fout:
        for n, line in enumerate(fin, 1):
            fout.write(broken.get(n, line))
    return path


def startup(runs: int) -> dict[str, float]:
    """Median wall time of each command, interleaved so that a burst of load hits all alike.

    "json" is the scripted single-client call (`... | clientcheck check - --format json`);
    "yaml" reads a YAML answers file, which adds PyYAML's own import (about 8 ms here)."""
    answers = json.dumps(json.loads(subprocess.run(
        [*CLIENTCHECK, "check", "examples/late-payer.yaml", "--format", "json"],
        capture_output=True, cwd=ROOT, env=ENV, check=False,
    ).stdout)["answers"] | {"client": "Ромашка"}).encode()  # fmt: skip
    commands = {
        "json": ([*CLIENTCHECK, "check", "-", "--format", "json"], answers),
        "yaml": ([*CLIENTCHECK, "check", "examples/late-payer.yaml", "--format", "json"], b""),
        "hello": ([PYTHON, str(HERE / "hello_typer.py"), "--name", "x"], b""),
    }
    times: dict[str, list[float]] = {name: [] for name in commands}
    for cmd, stdin in commands.values():  # warm up: the compiled-module and catalog caches are written once
        subprocess.run(cmd, input=stdin, stdout=DEVNULL, stderr=DEVNULL, cwd=ROOT, env=ENV)
    for _ in range(runs):
        for name, (cmd, stdin) in commands.items():
            start = time.perf_counter()
            subprocess.run(cmd, input=stdin, stdout=DEVNULL, stderr=DEVNULL, cwd=ROOT, env=ENV)
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(t) for name, t in times.items()}


def report_startup(failed: list[str]) -> None:
    t = startup(21)
    json_ratio, yaml_ratio = t["json"] / t["hello"], t["yaml"] / t["hello"]
    print(
        f"\nstart-up (median of 21, interleaved): Typer hello {t['hello'] * 1e3:.0f} ms\n"
        f"  check - --format json (answers as JSON on stdin)  {t['json'] * 1e3:.0f} ms: {json_ratio:.2f}x"
        " (target <= 1.2)\n"
        f"  check FILE.yaml --format json (PyYAML loaded too)  {t['yaml'] * 1e3:.0f} ms: {yaml_ratio:.2f}x"
    )
    if json_ratio > 1.2:
        failed.append("start-up")


def same_flags_sql(parquet: Path) -> int:
    """bench/redflags.sql and clientcheck on the same Parquet file: the same red flags, client by client."""
    ours = subprocess.run([*CLIENTCHECK, "check", str(parquet), "-f", "jsonl"], capture_output=True, cwd=ROOT, env=ENV)
    theirs = subprocess.run([PYTHON, str(HERE / "redflags_duckdb.py"), str(parquet)], capture_output=True, cwd=ROOT)
    a, b = ours.stdout.splitlines(), theirs.stdout.splitlines()
    if len(a) != len(b) or not a:
        raise SystemExit(f"clientcheck wrote {len(a)} records, the SQL {len(b)}: {theirs.stderr.decode()[:300]}")
    for n, (x, y) in enumerate(zip(a, b, strict=True), 1):
        got = sorted((f["id"], f["severity"]) for f in json.loads(x)["findings"])
        want = sorted((f["id"], f["severity"]) for f in json.loads(y)["red_flags"])
        if got != want:
            raise SystemExit(f"client {n}: clientcheck {got} but bench/redflags.sql {want}")
    return len(a)


def to_parquet(jsonl: Path) -> Path:
    path = jsonl.with_suffix(".parquet")
    if not path.exists():
        import duckdb

        duckdb.connect().read_json(str(jsonl)).write_parquet(str(path))
    return path


def one_group(parquet: Path) -> Path:
    """The same rows as one row group, as pyarrow writes up to 1,048,576 rows unless told
    otherwise (pandas' to_parquet too): DuckDB gives each thread a row group, so such a file is
    scored on one core (docs/sql.md)."""
    path = parquet.with_name(parquet.stem + "-one-group.parquet")
    if not path.exists():
        import pyarrow.parquet as pq

        pq.write_table(pq.read_table(parquet), path, row_group_size=1 << 30)  # one, whatever --big
    return path


def report_duckdb(args: argparse.Namespace, work: Path, failed: list[str]) -> None:
    """clientcheck through DuckDB on --big clients, against the Python batch path, jq and the hand-written query."""
    try:
        import duckdb
    except ImportError:
        print("\nDuckDB: not installed (pip install -e '.[sql]'); skipped")
        return
    big = make(args.big, work / f"clients-{args.big}.jsonl")
    # the same clients by default: on a sample, the start-up (0.3 s) is a large part of the time
    # and the rate comes out low (20,000 clients: a third of the rate on a million)
    sampled = 0 < args.python_sample < args.big
    sample = head(big, args.python_sample, work / f"clients-{args.python_sample}.jsonl") if sampled else big
    python_clients = args.python_sample if sampled else args.big
    parquet = to_parquet(big)
    check = to_parquet(head(big, min(args.big, 100_000), work / "check-100000.jsonl"))
    # DuckDB scores a Parquet file a row group per core at a time: how many there are matters
    groups = duckdb.sql(f"SELECT count(DISTINCT row_group_id) FROM parquet_metadata('{parquet}')").fetchall()[0][0]
    print(f"\nDuckDB on {args.big:,} clients ({big.stat().st_size / 1e6:.0f} MB JSON Lines, "
          f"{parquet.stat().st_size / 1e6:.0f} MB Parquet in {groups} row groups)")  # fmt: skip
    print(f"  same red flags as bench/redflags.sql: {same_flags_sql(check):,} clients checked, all agree")
    n = args.big
    rows = {
        "check clients.parquet": [*CLIENTCHECK, "check", str(parquet), "-f", "jsonl"],
        "check clients.jsonl --engine duckdb": [*CLIENTCHECK, "check", str(big), "-f", "jsonl", "--engine", "duckdb"],
        "check clients.parquet -f csv": [*CLIENTCHECK, "check", str(parquet), "-f", "csv"],
        "check clients.parquet, one row group": [*CLIENTCHECK, "check", str(one_group(parquet)), "-f", "jsonl"],
        "bench/redflags.sql (hand-written)": [PYTHON, str(HERE / "redflags_duckdb.py"), str(parquet)],
        "jq -c .": ["jq", "-c", ".", str(big)],
    }
    python = float("inf")
    python_cmd = [*CLIENTCHECK, "check", str(sample), "-f", "jsonl"]
    # the runs above read back the query the agreement check kept (sql/saved.py), as a user's
    # second run does; a first run builds it: timed too, not a target
    cold_label = "check clients.parquet, query built"
    timings = {**rows, cold_label: rows["check clients.parquet"]}
    best = dict.fromkeys(timings, float("inf"))
    cpu = dict.fromkeys(timings, float("inf"))
    for _ in range(args.repeat):  # interleaved: a burst of load hits every contender alike
        for label, cmd in timings.items():
            wall, used = timed_cpu(cmd, {**ENV, "CLIENTCHECK_NO_CACHE": "1"} if label == cold_label else None)
            best[label], cpu[label] = min(best[label], wall), min(cpu[label], used)
        python = min(python, timed(python_cmd, 1))
    python_rate = python_clients / python
    print(
        f"  (best of {args.repeat}, interleaved, output to /dev/null; CPU time: user + system, least of {args.repeat})"
    )
    for label, seconds in best.items():
        print(f"  {label:38} {seconds:7.2f} s  {n / seconds:>10,.0f} clients/s  CPU {cpu[label]:6.2f} s")
    print(f"  {'Python batch path (check F.jsonl)':38} {python:7.2f} s  {python_rate:>10,.0f} clients/s "
          f"(on {python_clients:,} clients{', start-up included: a low rate' if sampled else ''})")  # fmt: skip
    parquet_rate = n / best["check clients.parquet"]
    jsonl_rate = n / best["check clients.jsonl --engine duckdb"]
    jq_rate = n / best["jq -c ."]
    versus_hand = best["check clients.parquet"] / best["bench/redflags.sql (hand-written)"]
    print(f"  Parquet vs the Python batch path: {parquet_rate / python_rate:.1f}x (target >= 5); "
          f"JSON Lines --engine duckdb: {jsonl_rate / python_rate:.1f}x")  # fmt: skip
    print(f"  Parquet vs jq -c .: {parquet_rate / jq_rate:.2f}x; JSON Lines --engine duckdb vs jq -c .: "
          f"{jsonl_rate / jq_rate:.2f}x")  # fmt: skip
    print(f"  Parquet time / the hand-written query's: {versus_hand:.2f} (target <= 2); CPU time: "
          f"{cpu['check clients.parquet'] / cpu['bench/redflags.sql (hand-written)']:.2f}")  # fmt: skip
    if parquet_rate / python_rate < 5:
        failed.append("DuckDB 5x the Python batch path")
    if versus_hand > 2:
        failed.append("DuckDB within 2x of the hand-written query")
    for label in ("check clients.parquet", "check clients.jsonl --engine duckdb"):
        seconds, total, single, _ = peak_memory(rows[label])
        print(
            f"  memory, {label}: {seconds:6.1f} s, peak {total / 1024:6.1f} MB all processes (PSS; target < 500 MB), {single / 1024:6.1f} MB largest (VmHWM)"
        )
        if total / 1024 >= 500:
            failed.append(f"memory ({label})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=200_000)
    parser.add_argument("--big", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--work", help="folder for the generated files (kept; default: a temporary one)")
    parser.add_argument("--startup-only", action="store_true", help="measure only the start-up")
    parser.add_argument("--duckdb-only", action="store_true", help="measure only the DuckDB path")
    parser.add_argument(
        "--python-sample", type=int, default=0, help="clients for the Python path's rate (default: all of --big)"
    )
    args = parser.parse_args(argv)
    if args.startup_only:
        missed: list[str] = []
        print(f"before: {load()}")
        report_startup(missed)
        print(f"after: {load()}")
        return 1 if missed else 0
    if shutil.which("jq") is None:
        raise SystemExit("jq is not on PATH")
    work = Path(args.work) if args.work else Path(tempfile.mkdtemp(prefix="clientcheck-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    failed: list[str] = []
    if args.duckdb_only:
        print(f"before: {load()}")
        report_duckdb(args, work, failed)
        print(f"after: {load()}")
        print("targets missed: " + ", ".join(failed) if failed else "all targets met")
        return 1 if failed else 0
    print(f"before: {load()}")
    print(
        f"clientcheck: {PYTHON} -m clientcheck; jq: {subprocess.run(['jq', '--version'], capture_output=True, text=True).stdout.strip()}"
    )

    n = args.clients
    clients = make(n, work / f"clients-{n}.jsonl")
    print(f"\n{clients.name}: {n:,} clients, {clients.stat().st_size / 1e6:.0f} MB")
    print(f"same red flags as bench/redflags.jq: {same_flags(clients):,} clients checked, all agree")

    print(f"\nthroughput on {n:,} clients (best of {args.repeat}, output to /dev/null)")
    rows = [
        ("clientcheck check --format jsonl", [*CLIENTCHECK, "check", str(clients), "-f", "jsonl"]),
        ("clientcheck ... --jobs 1", [*CLIENTCHECK, "check", str(clients), "-f", "jsonl", "--jobs", "1"]),
        ("jq -c .", ["jq", "-c", ".", str(clients)]),
        ("jq -c -f bench/redflags.jq", ["jq", "-c", "-f", str(HERE / "redflags.jq"), str(clients)]),
    ]
    times = {label: timed(cmd, args.repeat) for label, cmd in rows}
    for label, seconds in times.items():
        print(f"  {label:34} {seconds:7.2f} s  {n / seconds:>10,.0f} clients/s")
    ours, ours1 = times[rows[0][0]], times[rows[1][0]]
    vs_program = times[rows[3][0]] / ours
    vs_identity = times[rows[2][0]] / ours
    print(
        f"  clientcheck vs the jq program: {vs_program:.2f}x (target >= 5); one process: {times[rows[3][0]] / ours1:.2f}x"
    )
    print(
        f"  clientcheck vs jq -c .:        {vs_identity:.2f}x (target >= 1); one process: {times[rows[2][0]] / ours1:.2f}x"
    )
    if vs_program < 5:
        failed.append("5x the jq program")
    if vs_identity < 1:
        failed.append("no slower than jq -c .")

    print(f"\nlinearity (best of {args.repeat}): each extra client should cost the same")
    points: list[tuple[int, float]] = [
        (0, timed([*CLIENTCHECK, "check", str(head(clients, 1, work / "one.jsonl")), "-f", "jsonl"], args.repeat))
    ]
    print(f"  {1:>9,} client  {points[0][1]:7.2f} s  (start-up)")
    for part in (n // 4, n // 2, n):
        path = head(clients, part, work / f"clients-{part}.jsonl")
        seconds = timed([*CLIENTCHECK, "check", str(path), "-f", "jsonl"], args.repeat)
        last_n, last_s = points[-1]
        points.append((part, seconds))
        print(
            f"  {part:>9,} clients {seconds:7.2f} s  {seconds / part * 1e6:6.2f} us/client overall, "
            f"{(seconds - last_s) / (part - last_n) * 1e6:6.2f} us for each client since the line above"
        )
    marginal = [(s2 - s1) / (n2 - n1) for (n1, s1), (n2, s2) in pairwise(points[1:])]
    slope = marginal[-1] / marginal[0]
    print(f"  cost of a client in the last half vs the second quarter: {slope:.2f} (1.00 = linear)")
    if not 0.75 < slope < 1.33:
        failed.append("linear time")

    big = make(args.big, work / f"clients-{args.big}.jsonl")
    print(f"\nmemory on {args.big:,} clients ({big.stat().st_size / 1e6:.0f} MB)")
    for label, extra in (("default", []), ("--jobs 1", ["--jobs", "1"])):
        seconds, total, single, _ = peak_memory([*CLIENTCHECK, "check", str(big), "-f", "jsonl", *extra])
        print(
            f"  {label:9} {seconds:6.1f} s  peak {total / 1024:6.1f} MB all processes (PSS), "
            f"{single / 1024:6.1f} MB largest process (target < 100 MB)"
        )
        if total / 1024 >= 100:
            failed.append(f"memory ({label})")

    wanted = [1, args.big // 2, args.big]
    bad = corrupt(big, work / f"clients-{args.big}-3-corrupt.jsonl", wanted)
    proc = subprocess.run(
        [*CLIENTCHECK, "check", str(bad), "-f", "jsonl", "-q"], capture_output=True, cwd=ROOT, env=ENV
    )
    reported = [int(line.split(":")[1]) for line in proc.stderr.decode().splitlines()]
    written = proc.stdout.count(b"\n")
    print(f"\n3 corrupt lines in {args.big:,}: reported lines {reported}, exit {proc.returncode}, {written:,} scored")
    if reported != wanted or written != args.big - 3 or proc.returncode != 4:
        failed.append("3 corrupt lines")

    report_duckdb(args, work, failed)
    report_startup(failed)

    print(f"\nafter: {load()}")
    print("targets missed: " + ", ".join(failed) if failed else "all targets met")
    if not args.work:
        shutil.rmtree(work, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
