"""How long `clientcheck report` takes on a large history, with the bundled rules.

    python bench/report.py [N ...]        (default: 500 2000)

For each N, a fresh history of N assessments with random answers to the bundled questions and
an outcome each (trouble more likely the higher the score) is built, then the report is made
in-process: build (re-evaluating every case under the rules and counting every rule), the
table, the JSON and the HTML page with its chart. Figures are seconds, best of 3, with the
load average; no target is set (a report is run by hand, not per client).
"""

from __future__ import annotations

import io
import json
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from clientcheck.evaluate import evaluate  # noqa: E402
from clientcheck.history import History, save_verdict  # noqa: E402
from clientcheck.loader import load_catalog  # noqa: E402
from clientcheck.model import Answers, Catalog, Question  # noqa: E402
from clientcheck.outcomes import OutcomeFacts, record  # noqa: E402
from clientcheck.render.report_data import report_to_dict  # noqa: E402
from clientcheck.render.report_html import render as render_html  # noqa: E402
from clientcheck.render.report_table import render as render_table  # noqa: E402
from clientcheck.report import build  # noqa: E402


def answer(q: Question, rng: random.Random) -> object:
    if rng.random() < 0.15:
        return None  # not asked
    if q.type == "yesno":
        return rng.random() < 0.5
    if q.type == "choice":
        return rng.choice(q.choice_ids)
    if q.type == "multi":
        return frozenset(c for c in q.choice_ids if rng.random() < 0.3)
    if q.type in ("integer", "number"):
        low = int(q.min if q.min is not None else 0)
        high = int(q.max if q.max is not None else 200_000)
        return rng.randint(low, min(high, low + 200_000))
    return "x"


def make(db: Path, catalog: Catalog, n: int, rng: random.Random) -> None:
    start = datetime(2024, 1, 1, tzinfo=UTC)
    with History.open(db) as h:  # type: ignore[union-attr]
        for i in range(n):
            values = {q.id: a for q in catalog.questions.values() if (a := answer(q, rng)) is not None}
            verdict = evaluate(catalog, Answers(values, f"C{i}"))
            a = save_verdict(h, verdict, catalog, "en", f"C{i}", at=start + timedelta(minutes=i))
            trouble = rng.random() < min(0.9, 0.1 + 0.05 * max(verdict.score, 0))
            facts = OutcomeFacts(True, "late" if trouble else "on_time", not trouble, False)
            record(h, a, facts, date(2025, 12, 1))


def best(fn: Callable[[], object], runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def measure(db: Path, catalog: Catalog) -> tuple[float, float, float, float]:
    with History.open(db) as h:  # type: ignore[union-attr]
        made = build(h, catalog)
        t_build = best(lambda: build(h, catalog))
    return (
        t_build,
        best(lambda: render_table(made, catalog, "en", io.StringIO())),
        best(lambda: json.dumps(report_to_dict(made, catalog, "en"))),
        best(lambda: render_html(made, catalog, "en")),
    )


def main(argv: list[str]) -> int:
    sizes = [int(a) for a in argv] or [500, 2000]
    catalog = load_catalog(ROOT / "rules.yaml", ROOT / "questions")
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}; {os.cpu_count()} CPUs")
    print(f"{'assessments':>11} {'build s':>8} {'table s':>8} {'json s':>8} {'html s':>8} {'per case ms':>11}")
    for n in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            db = Path(tmp) / "h.sqlite3"
            make(db, catalog, n, random.Random(n))
            t_build, t_table, t_json, t_html = measure(db, catalog)
        print(f"{n:>11} {t_build:>8.3f} {t_table:>8.3f} {t_json:>8.3f} {t_html:>8.3f} {1000 * t_build / n:>11.3f}")
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
