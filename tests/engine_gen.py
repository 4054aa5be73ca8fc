"""Random catalogs that use every construct of the condition language, and random answers.

Shared by the differential property tests (tests/test_engine_properties.py) and the agreement
benchmark (bench/agreement.py). A catalog is written as real YAML files and loaded by the real
loader, so the loader's checks are part of what is tested.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path
from typing import Any

QUESTIONS = """\
section: all
title: All
questions:
  - {id: b0, type: yesno, text: B0}
  - {id: b1, type: yesno, text: B1}
  - {id: b2, type: yesno, text: B2}
  - {id: c0, type: choice, text: C0, choices: [{id: x, text: X}, {id: y, text: Y}, {id: z, text: Z}]}
  - {id: m0, type: multi, text: M0, choices: [{id: p, text: P}, {id: q, text: Q}, {id: r, text: R}]}
  - {id: n0, type: integer, text: N0, min: 0, max: 10}
  - {id: n1, type: number, text: N1}
  - {id: d0, type: date, text: D0}
  - {id: g0, type: yesno, text: G0, when: b0}
  - {id: g1, type: integer, text: G1, min: 0, max: 20, when: 'c0 == "x" or b1 == false'}
  - {id: g2, type: number, text: G2, when: g0 and n0 > 2}
"""

BOOLS = ("b0", "b1", "b2", "g0")
NUMS = ("n0", "n1", "g1", "g2")
TODAY = dt.date(2026, 6, 15)  # tests set CLIENTCHECK_TODAY to this
SEVERITIES = ("decline", "high", "caution", "low")


class Gen:
    def __init__(self, rnd: random.Random, rule_ids: list[str]) -> None:
        self.rnd = rnd
        self.rule_ids = rule_ids  # the rules a fired() may name (earlier ones: no cycles)

    def num(self, depth: int) -> str:
        r = self.rnd.random()
        if depth <= 0 or r < 0.35:
            return self.rnd.choice([*NUMS, "0", "1", "2", "3", "5", "2.5", "10"])
        if r < 0.45:
            return f"-{self.num(depth - 1)}"
        if r < 0.5:
            return f"count({', '.join(self.bool(depth - 1) for _ in range(self.rnd.randint(1, 3)))})"
        if r < 0.53:
            return "count(m0)"
        if r < 0.56:
            return self.rnd.choice(["days_since(d0)", "days_until(d0)"])
        if r < 0.58:  # a long arithmetic chain, near the length limit
            terms = [self.rnd.choice([*NUMS, "1", "2"]) for _ in range(self.rnd.randint(20, 60))]
            ops = [self.rnd.choice("+-*") for _ in terms[1:]]
            return "(" + terms[0] + "".join(f" {o} {t}" for o, t in zip(ops, terms[1:], strict=True)) + ")"
        op = self.rnd.choice("+-*/")
        return f"({self.num(depth - 1)} {op} {self.num(depth - 1)})"

    def bool(self, depth: int) -> str:
        r = self.rnd.random()
        if depth <= 0 or r < 0.2:
            return self.rnd.choice(BOOLS)
        if r < 0.35:
            op = self.rnd.choice(["<", "<=", ">", ">=", "==", "!="])
            return f"{self.num(depth - 1)} {op} {self.num(depth - 1)}"
        if r < 0.45:
            return self.rnd.choice(
                ['c0 == "x"', 'c0 != "y"', 'c0 in ["x", "z"]', '"p" in m0', '"q" not in m0', "d0 < today"]
            )
        if r < 0.52:  # comparisons of yes/no expressions
            return f"({self.bool(depth - 1)}) {self.rnd.choice(['==', '!='])} ({self.bool(depth - 1)})"
        if r < 0.6:
            return f"not ({self.bool(depth - 1)})"
        if r < 0.66:
            return f"known({self.rnd.choice([*BOOLS, *NUMS, 'c0', 'm0', 'd0'])})"
        if r < 0.7 and self.rule_ids:
            return f'fired("{self.rnd.choice(self.rule_ids)}")'
        if r < 0.74:
            return f"count({', '.join(self.bool(depth - 1) for _ in range(self.rnd.randint(2, 4)))}) >= {self.rnd.randint(0, 3)}"
        op = self.rnd.choice(["and", "or"])
        return "(" + f" {op} ".join(self.bool(depth - 1) for _ in range(self.rnd.randint(2, 3))) + ")"

    def condition(self) -> str:
        for _ in range(20):
            text = self.bool(self.rnd.randint(1, 4))
            if len(text) <= 480:
                return text
        return self.rnd.choice(BOOLS)


def _q(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def rules_yaml(rnd: random.Random) -> str:
    decline_if = ["any_severity: [decline]"]
    if rnd.random() < 0.5:
        decline_if.append(f"count: {{high: {rnd.randint(1, 3)}}}")
    if rnd.random() < 0.5:
        decline_if.append(f"min_score: {rnd.choice([6, 9, 12])}")
    caution_if = [f"any_severity: [{rnd.choice(['high, caution', 'caution', 'high'])}]"]
    if rnd.random() < 0.5:
        caution_if.append(f"min_score: {rnd.choice([1, 2, 3])}")
    if rnd.random() < 0.2:
        caution_if.append(f"count: {{low: {rnd.randint(1, 2)}}}")
    # weights of their own now and then: fractions (sums no longer exact whole numbers) and
    # negative ones (knowing more can then lower the score): each takes its own way in the scorer
    odd = rnd.random() < 0.3
    out = [
        "version: 1",
        "policy:",
        "  severities:",
        "    decline: {weight: 10, label: decline}",
        "    high: {weight: 4, label: high}",
        "    caution: {weight: 2, label: caution}",
        "    low: {weight: 1, label: low}",
        "  good_sign_weight: 1",
        f"  decline_if: {{{', '.join(decline_if)}}}",
        f"  caution_if: {{{', '.join(caution_if)}}}",
        "rules:",
    ]
    ids: list[str] = []
    for i in range(rnd.randint(2, 7)):
        rid = f"r{i}"
        gen = Gen(rnd, list(ids))
        kind = rnd.choice(["red-flag", "red-flag", "red-flag", "good-sign", "note"])
        out += [f"  - id: {rid}", f"    kind: {kind}", "    title: T", "    why: W", "    advice: A", "    source: s"]
        if kind == "red-flag" and rnd.random() < 0.5:
            out.append("    levels:")
            for _ in range(rnd.randint(2, 3)):
                out.append(f"      - when: {_q(gen.condition())}")
                out.append(f"        severity: {rnd.choice(SEVERITIES)}")
                if odd and rnd.random() < 0.5:
                    out.append(f"        weight: {rnd.choice([0, 0.5, 2.5, -1, 7])}")
        else:
            out.append(f"    when: {_q(gen.condition())}")
            if kind == "red-flag":
                out.append(f"    severity: {rnd.choice(SEVERITIES)}")
                if odd and rnd.random() < 0.5:
                    out.append(f"    weight: {rnd.choice([0, 0.5, 2.5, -1, 7])}")
            elif kind == "good-sign":
                out.append(f"    weight: {rnd.choice([1, 2, 3, 0.5, -2] if odd else [1, 2, 3])}")
        ids.append(rid)
    return "\n".join(out) + "\n"


def write_catalog(folder: Path, rnd: random.Random) -> tuple[Path, Path]:
    (folder / "questions").mkdir(parents=True, exist_ok=True)
    (folder / "questions" / "10.yaml").write_text(QUESTIONS, encoding="utf-8")
    rules = folder / "rules.yaml"
    rules.write_text(rules_yaml(rnd), encoding="utf-8")
    return rules, folder / "questions"


VALUES: dict[str, list[Any]] = {
    "b0": [True, False],
    "b1": [True, False],
    "b2": [True, False],
    "g0": [True, False],
    "c0": ["x", "y", "z"],
    "m0": [[], ["p"], ["q", "r"], ["p", "q", "r"]],
    "n0": [0, 1, 2, 3, 5, 10],
    "n1": [-1.5, 0, 2.5, 3, 100],
    "g1": [0, 2, 3, 20],
    "g2": [0, 2.5, 7],
    "d0": ["2026-01-01", "2026-06-15", "2026-12-31", "2020-02-29"],
}


def answers(rnd: random.Random) -> dict[str, Any]:
    """A partly answered set: each question answered, "don't know" (null) or left out."""
    out: dict[str, Any] = {}
    for qid, values in VALUES.items():
        r = rnd.random()
        if r < 0.5:
            out[qid] = rnd.choice(values)
        elif r < 0.62:
            out[qid] = None
    return out


def completion(given: dict[str, Any], rnd: random.Random) -> dict[str, Any]:
    """The same answers with every missing or "don't know" answer now known."""
    out = dict(given)
    for qid, values in VALUES.items():
        if out.get(qid) is None:
            out[qid] = rnd.choice(values)
    return out
