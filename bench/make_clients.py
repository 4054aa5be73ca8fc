"""Write N random but valid clients over the bundled questions as JSON Lines.

    python bench/make_clients.py N [--seed S] [--out FILE]

Every line is a valid answers mapping: each answer fits its question's type, choices and
range. About one answer in ten is "don't know" (null) and one in ten is left out, so the
rules see unknowns as they do in real exports; a question whose `when` is false is mostly
left out, sometimes answered anyway (clientcheck ignores it). The output depends only on
N and the seed.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections.abc import Callable
from typing import Any

from clientcheck.loader import load_catalog
from clientcheck.model import Question

NAMES = ("Acme", "Ромашка", "Northwind", "Globex", "Вектор", "Initech", "Umbrella", "Байкал", "Hooli", "Soylent")


def _value(q: Question, rnd: random.Random) -> Any:
    if q.type == "yesno":
        return rnd.random() < 0.5
    if q.type == "choice":
        return rnd.choice(q.choice_ids)
    if q.type == "multi":
        return [c for c in q.choice_ids if rnd.random() < 0.3]
    if q.type in ("integer", "number"):
        lo = q.min if q.min is not None else 0
        hi = q.max if q.max is not None else 1_000_000
        # most answers are small numbers, as in real life; keep a tail up to the maximum
        top = hi if rnd.random() < 0.05 else min(hi, lo + (10 if hi - lo <= 1000 else 2_000_000))
        if q.type == "integer":
            return rnd.randint(int(lo), int(top))
        return round(rnd.uniform(lo, top), rnd.choice((0, 2)))
    return rnd.choice(("", "asked twice", "wants a call on Monday", "просит скидку"))


def make(n: int, seed: int, write: Callable[[str], object]) -> None:
    catalog = load_catalog()
    rnd = random.Random(seed)
    questions = list(catalog.questions.values())
    for i in range(1, n + 1):
        record: dict[str, Any] = {"client": f"{rnd.choice(NAMES)} {i:07d}"}
        env: dict[str, Any] = {}
        for q in questions:
            roll = rnd.random()
            if q.when is not None and q.when(env) is False and roll < 0.95:
                continue  # the interview would not ask it
            if roll < 0.1:
                continue  # not asked
            if roll < 0.2:
                record[q.id] = None  # "don't know"
                continue
            value = _value(q, rnd)
            record[q.id] = value
            env[q.id] = frozenset(value) if isinstance(value, list) else value
        write(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, help="how many clients")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--out", help="file to write (default: standard output)")
    args = parser.parse_args(argv)
    if args.out:
        with open(args.out, "w", encoding="utf-8") as f:
            make(args.n, args.seed, f.write)
    else:
        make(args.n, args.seed, sys.stdout.write)
    return 0


if __name__ == "__main__":
    sys.exit(main())
