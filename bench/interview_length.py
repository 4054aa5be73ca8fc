"""How many questions an interview needs before its verdict is settled, over scripted client personas.

    python bench/interview_length.py [--personas bench/personas.yaml] [--rules FILE] [--questions DIR]

Each persona in the personas file is an answer oracle: how a salesperson would answer every
question after a first call with that client (null: don't know). The seller's own answers come
from the file's `profile`, as `clientcheck profile` would give them, so they are never asked.
For every persona the real interview logic (session.Session, with the adaptive chooser of
adaptive.py, as `clientcheck interview --quick` runs it) asks until the verdict is settled or
nothing is left to ask; then the full walk in file order (`--in-order`) asks every question.
A checklist (several yes/no questions in one tick-all prompt) counts as one prompt. Prints, per
persona: prompts in quick mode, prompts in the full walk, both verdicts (with the range while it
is open: `go(go-decline)`) and whether they match; then the medians and the time the chooser
took per prompt; then a client about whom nothing at all is known, who must never be a plain go.

Targets (issue 10): median questions in quick mode <= 10, and every quick verdict equal to the
full walk's. Exits 1 if a verdict differs (the range must never lie); the median is reported
against its target either way.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import yaml

from clientcheck.adaptive import Chooser
from clientcheck.answers import validate
from clientcheck.loader import load_catalog
from clientcheck.model import UNKNOWN, Catalog, Verdict
from clientcheck.session import Session

TARGET_MEDIAN = 10
HERE = Path(__file__).resolve().parent


def walk(
    catalog: Catalog, start: dict[str, Any], oracle: dict[str, Any], chooser: Chooser | None
) -> tuple[int, Verdict]:
    """Prompts shown and the final verdict: quick (chooser, stop when nothing left can change the
    verdict) or the full walk (file order, everything in effect).

    A checklist is one prompt, answered as the salesperson would tick it: the lines the oracle
    says are true ticked, and "not sure about some" ticked when the oracle does not know a line,
    which then comes back as its own yes/no question if it still matters.
    """
    session = Session(catalog, start, chooser=chooser)
    prompts = 0
    while session.current is not None and not (chooser is not None and not session.can_move()):
        lines = session.lines()
        if not session.checklist:
            session.answer(lines[0], oracle.get(lines[0], UNKNOWN))
        else:
            items = {qid: catalog.questions[qid].checklist for qid in lines}
            ticked = [
                qid for qid, item in items.items() if item is not None and oracle.get(qid, UNKNOWN) == item.ticked
            ]
            unsure = any(oracle.get(qid, UNKNOWN) is UNKNOWN for qid in lines)
            session.answer_checklist(ticked, unsure)
        prompts += 1
    return prompts, session.verdict()


def shown(verdict: Verdict) -> str:
    """The verdict as the user reads it: "go" when settled, "go(go-decline)" while a range is open."""
    return verdict.verdict if verdict.settled else f"{verdict.verdict}({verdict.best}-{verdict.worst})"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--personas", type=Path, default=HERE / "personas.yaml")
    parser.add_argument("--rules", type=Path, default=None)
    parser.add_argument("--questions", type=Path, default=None)
    args = parser.parse_args()
    catalog = load_catalog(args.rules, args.questions)
    data = yaml.safe_load(args.personas.read_text(encoding="utf-8"))
    profile = dict(validate(data["profile"], catalog, f"{args.personas}: profile").values)
    chooser = Chooser(catalog)
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"{'persona':40} {'quick':>5} {'full':>5}  {'quick verdict':19} {'full verdict':19} match")
    quick_counts: list[int] = []
    by_verdict: dict[str, list[int]] = {}
    mismatches = 0
    spent = 0.0
    for name, delta in data["personas"].items():
        oracle = dict(validate({**data["base"], **(delta or {})}, catalog, f"{args.personas}: {name}").values)
        began = time.perf_counter()
        quick, quick_result = walk(catalog, profile, oracle, chooser)
        spent += time.perf_counter() - began
        full, full_result = walk(catalog, profile, oracle, None)
        quick_verdict, full_verdict = shown(quick_result), shown(full_result)
        match = quick_verdict == full_verdict
        mismatches += not match
        quick_counts.append(quick)
        by_verdict.setdefault(full_result.verdict, []).append(quick)
        print(f"{name:40} {quick:5} {full:5}  {quick_verdict:19} {full_verdict:19} {'yes' if match else 'NO'}")
    median = statistics.median(quick_counts)
    total = sum(quick_counts)
    print(
        f"{len(quick_counts)} personas: median {median:g} questions in quick mode (target <= {TARGET_MEDIAN}: "
        f"{'met' if median <= TARGET_MEDIAN else 'missed'}); verdicts equal to the full walk's: "
        f"{len(quick_counts) - mismatches} of {len(quick_counts)}; the chooser took "
        f"{spent / max(total, 1) * 1000:.0f} ms per question"
    )
    # a go needs every rule that could still move it ruled out, one answer each at the least; a
    # decline needs one deal-breaker found: the medians per verdict say which the mix is made of
    for verdict in ("go", "caution", "decline"):
        counts = by_verdict.get(verdict, [])
        if counts:
            print(
                f"  {verdict:8} {len(counts):2} personas: median {statistics.median(counts):g}, {min(counts)}-{max(counts)}"
            )
    asked, nothing = walk(catalog, profile, {}, chooser)  # every answer "don't know"
    plain_go = nothing.settled and nothing.verdict == "go"
    print(f"nothing known: {asked} prompts, verdict {shown(nothing)}{' (a plain go: WRONG)' if plain_go else ''}")
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 1 if mismatches or plain_go else 0


if __name__ == "__main__":
    sys.exit(main())
