"""The varied catalog, whose conditions use every part of the language, and random answers
(right, wrong and unusual) for any catalog: shared by the tests that hold the compiled path to
evaluate() (tests/test_compiled.py), the batch command tests and the SQL tests (tests/sqlcheck.py)."""

from __future__ import annotations

import random
from typing import Any

from clientcheck.model import Catalog

# A catalog whose conditions use every part of the language: and/or/not, comparisons of two
# answers, arithmetic (division by zero is unknown), lists, `in` / `not in` on multiple choice,
# literals, text, and `when` gates two deep, so that asking what to ask next recurses.
VARIED_QUESTIONS = """\
section: all
title: All
questions:
  - {id: a, type: yesno, text: A}
  - {id: b, type: yesno, text: B}
  - {id: n, type: integer, text: N, min: 0, max: 10, when: a}
  - {id: x, type: number, text: X}
  - {id: y, type: number, text: Y, min: -5, max: 5.5}
  - id: c
    type: choice
    text: C
    choices: [{id: p, text: P}, {id: q, text: Q}, {id: r, text: R}]
  - id: m
    type: multi
    text: M
    choices: [{id: u, text: U}, {id: v, text: V}, {id: w, text: W}]
  - {id: t, type: text, text: T}
  - {id: k, type: integer, text: K, when: 'c == "p"'}
  - {id: g, type: yesno, text: G, when: b}
  - {id: h, type: integer, text: H, min: 0, max: 9, when: g}
  - {id: z, type: number, text: Z, when: '"w" in m'}
"""

_LEVELS = [
    ("r1", "red-flag", ["a and n >= 3", "a and n >= 1", "not a or n == 0"], ["decline", "caution", "note"]),
    ("r2", "red-flag", ["x / y > 2"], ["high"]),
    ("r3", "red-flag", ['-x + y * 2 < 0 or c in ["p", "q"]'], ["caution"]),
    ("r4", "red-flag", ['"u" in m and "v" not in m', '"w" in m or z > 1'], ["low", "high"]),
    ("r5", "red-flag", ['c != "r" and not (t == "hello")'], ["low"]),
    ("r6", "good-sign", ["b and (k > 5 or h < 2)"], [None]),
    ("r7", "note", ["n in [1, 2, 3]"], [None]),
    ("r8", "red-flag", ["x - y >= 0 and x * 1.5 <= 100", "x == y"], ["high", "decline"]),
    ("r9", "red-flag", ["g and h >= 3", "g and (h >= 1 or not b)"], ["decline", "caution"]),
    ("r10", "red-flag", ["true and a", "false or b"], ["caution", "low"]),
    ("r11", "good-sign", ["not (a and b) and x >= 0.5"], [None]),
    ("r12", "red-flag", ['c == "q" and -(y) < -1.5', "k / (n - 2) >= 1"], ["caution", "high"]),
]


def varied_rules() -> str:
    out = [
        "version: 1",
        "sources: {s: S}",
        "policy:",
        "  severities:",
        "    note: {weight: 0, label: note}",
        "    low: {weight: 1, label: low}",
        "    caution: {weight: 2, label: caution}",
        "    high: {weight: 3.5, label: high}",
        "    decline: {weight: 10, label: decline}",
        "  good_sign_weight: 1.25",
        "  decline_if: {any_severity: [decline], min_score: 9}",
        "  caution_if: {any_severity: [caution], min_score: 2}",
        "rules:",
    ]
    for rule_id, kind, conds, sevs in _LEVELS:
        out += [
            f"  - id: {rule_id}",
            f"    kind: {kind}",
            "    source: s",
            "    title: T",
            "    why: W",
            "    advice: A",
        ]
        if len(conds) == 1:
            out.append(f"    when: '{conds[0]}'")
            if sevs[0]:
                out.append(f"    severity: {sevs[0]}")
        else:
            out.append("    levels:")
            for cond, sev in zip(conds, sevs, strict=True):
                out += [f"      - when: '{cond}'", f"        severity: {sev}"]
    return "\n".join(out) + "\n"


def random_answer(q: Any, rnd: random.Random, wrong: float) -> Any:
    roll = rnd.random()
    if roll < 0.12:
        return None
    if roll < 0.12 + wrong:  # something wrong, or unusual, for the type
        return rnd.choice(
            [True, "yes", 1.5, 7, -1, 11, 3.0, 2.5, [], ["u", "zz"], ["u", 1], "u", "p", {}, [[1]], 1e400]
        )
    if q.type == "yesno":
        return rnd.random() < 0.5
    if q.type == "choice":
        return rnd.choice(q.choice_ids)
    if q.type == "multi":
        picked = [c for c in q.choice_ids if rnd.random() < 0.4]
        return picked[0] if len(picked) == 1 and rnd.random() < 0.3 else picked
    if q.type == "integer":
        lo, hi = int(q.min if q.min is not None else -3), int(q.max if q.max is not None else 12)
        value = rnd.randint(lo, hi)
        return float(value) if rnd.random() < 0.1 else value
    if q.type == "number":
        value = rnd.choice([0, 0.0, 1, 2, -1.5, 3.25, 5.5, 100, 66.7, rnd.uniform(-5, 5)])
        if q.min is not None and q.max is not None and not q.min <= value <= q.max:
            value = rnd.choice([q.min, q.max, rnd.uniform(q.min, q.max)])
        return value
    return rnd.choice(["hello", "", "x", 12])


def random_answers(catalog: Catalog, rnd: random.Random, wrong: float = 0.08) -> dict[str, Any]:
    data: dict[str, Any] = {}
    if rnd.random() < 0.5:
        data["client"] = rnd.choice(["Acme", "Ромашка", 42, None, True, ""])
    for q in catalog.questions.values():
        if rnd.random() < 0.75:
            data[q.id] = random_answer(q, rnd, wrong)
    if rnd.random() < 0.03:
        data["nope"] = 1
    return data
