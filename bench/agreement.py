"""Do `explain --format json` and `check --format json` agree, rule by rule?

    python bench/agreement.py [--sets 10000] [--seed 1]

Draws random, partly answered sets for the bundled catalog (each question answered, "don't
know" or left out; answers within the allowed values), builds the two JSON documents with the
code the two commands print them with, and compares every rule's status (fired at which level /
undecided and what to ask / not fired). Prints the counts; exits 1 on any disagreement.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from typing import Any

from make_clients import _value as answer  # bench/ is on the path when run as a script

from clientcheck.answers import validate
from clientcheck.evaluate import evaluate
from clientcheck.explain import explain
from clientcheck.explain import to_dict as explain_json
from clientcheck.loader import load_catalog
from clientcheck.model import Catalog
from clientcheck.render.data import verdict_to_dict


def random_set(catalog: Catalog, rnd: random.Random) -> dict[str, Any]:
    out: dict[str, Any] = {}
    share = rnd.random()  # from almost nothing known to almost everything
    for q in catalog.questions.values():
        r = rnd.random()
        if r < share:
            out[q.id] = answer(q, rnd)
        elif r < share + 0.1:
            out[q.id] = None
    return out


def statuses_check(doc: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in ("findings", "good_signs", "notes"):
        for f in doc[key]:
            out[f["id"]] = ("fired", f["level"], f.get("severity"))
    for u in doc["undecided"]:
        out[u["id"]] = ("undecided", tuple(u["ask"]))
    return out


def statuses_explain(doc: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for r in doc["rules"]:
        if r["status"] == "fired":
            out[r["id"]] = ("fired", r["level"], r["severity"])
        elif r["status"] == "undecided":
            out[r["id"]] = ("undecided", tuple(r["ask"]))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    catalog = load_catalog()
    rnd = random.Random(args.seed)
    agree = disagree = rules_compared = unsettled = 0
    start = time.perf_counter()
    for _ in range(args.sets):
        answers = validate(random_set(catalog, rnd), catalog, "random")
        verdict = evaluate(catalog, answers)
        unsettled += not verdict.settled
        checked = statuses_check(verdict_to_dict(verdict, catalog, "en"))
        reports, ignored = explain(catalog, answers)
        explained = statuses_explain(explain_json(reports, ignored, "en"))
        rules_compared += len(catalog.rules)
        if checked == explained:
            agree += 1
        else:
            disagree += 1
            if disagree <= 5:
                diff = {k: (checked.get(k), explained.get(k)) for k in set(checked) | set(explained)}
                print("disagree:", {k: v for k, v in diff.items() if v[0] != v[1]}, file=sys.stderr)
    took = time.perf_counter() - start
    print(f"sets: {args.sets}  rules compared: {rules_compared}  sets in agreement: {agree}  disagreeing: {disagree}")
    print(f"verdicts not settled: {unsettled} of {args.sets}  ({took:.1f} s)")
    return 1 if disagree else 0


if __name__ == "__main__":
    raise SystemExit(main())
