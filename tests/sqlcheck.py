"""What the SQL backend's tests share: random clients, the Python engine's answers for them, and
a typed Arrow table of their answers for DuckDB or Spark to score."""

from __future__ import annotations

import datetime as _dt
import random
from pathlib import Path
from typing import Any

from clientcheck.answers import validate
from clientcheck.evaluate import effective, evaluate
from clientcheck.loader import load_catalog
from clientcheck.model import CLIENT_KEY, UNKNOWN, Catalog, Question, Rule


def awkward_answer(q: Question, rnd: random.Random) -> Any:
    """A valid answer, often one of the edge values the rules meet: zero, bounds, an empty list."""
    if q.type == "yesno":
        return rnd.random() < 0.5
    if q.type == "choice":
        return rnd.choice(q.choice_ids)
    if q.type == "multi":
        if rnd.random() < 0.2:
            return []
        return [c for c in q.choice_ids if rnd.random() < 0.4]
    if q.type in ("integer", "number"):
        lo = q.min if q.min is not None else -3
        hi = q.max if q.max is not None else 40
        edges = [lo, hi, 0, 1, 2, 3, 24, 30, 29, 31] if q.type == "integer" else [lo, hi, 0, 0.5, 1.5, 2, 24, 30.0]
        pick = rnd.choice(edges) if rnd.random() < 0.6 else rnd.uniform(lo, min(hi, lo + 200))
        if not lo <= pick <= hi:
            pick = lo
        return round(pick) if q.type == "integer" else pick
    if q.type == "date":
        return _dt.date(2026, 12, 1) + _dt.timedelta(days=rnd.choice([-400, -31, -30, -29, -1, 0, 1, 9, 10, 11, 90]))
    return rnd.choice(["hello", "", "x", "Ромашка"])


def random_clients(catalog: Catalog, n: int, seed: int) -> list[dict[str, Any]]:
    """Valid answers mappings: about one answer in six unknown (null), one in six not given,
    and answers to questions that do not apply now and then (which must be ignored)."""
    rnd = random.Random(seed)
    out: list[dict[str, Any]] = []
    for i in range(n):
        data: dict[str, Any] = {CLIENT_KEY: f"c{i}"} if rnd.random() < 0.9 else {}
        for q in catalog.questions.values():
            roll = rnd.random()
            if roll < 0.16:
                continue
            data[q.id] = None if roll < 0.32 else awkward_answer(q, rnd)
        out.append(data)
    return out


def agree(catalog: Catalog, clients: list[dict[str, Any]], rows: list[dict[str, Any]]) -> dict[str, int]:
    """Each row of the public query, client by client, against the Python engine: verdict, score,
    range, every rule's outcome, the first questions to ask. Returns how often each kind of
    outcome was seen, so a test can show it was not vacuous."""
    seen = {"fired": 0, "not": 0, "undecided": 0, "unsettled": 0}
    assert len(rows) == len(clients)
    for data, got in zip(clients, rows, strict=True):
        want = expected(catalog, data)
        assert (got["client"], got["verdict"], got["score"]) == (want["client"], want["verdict"], want["score"]), data
        assert (got["best"], got["worst"], got["settled"]) == (
            want["best"],
            want["worst"],
            want["best"] == want["worst"],
        )
        assert {r.id: got[r.id] for r in catalog.rules} == want["outcome"], data
        assert [got[f"ask_{k}"] for k in (1, 2, 3) if got[f"ask_{k}"] is not None] == want["ask"][:3], data
        seen["unsettled"] += not got["settled"]
        for value in want["outcome"].values():
            seen["undecided" if value is None else "not" if value == 0 else "fired"] += 1
    return seen


def expected(catalog: Catalog, data: dict[str, Any], rules: list[Rule] | None = None) -> dict[str, Any]:
    """The Python engine's result in the shape of the SQL query's columns."""
    answers = validate(data, catalog, "x")
    verdict = evaluate(catalog, answers, rules)
    _, ignored = effective(catalog, answers)
    outcome: dict[str, int | None] = {r.id: 0 for r in (rules or catalog.rules)}
    for finding in (*verdict.red_flags, *verdict.good_signs, *verdict.notes):
        assert finding.level is not None
        outcome[finding.rule.id] = finding.level + 1
    for u in verdict.undecided:
        outcome[u.rule.id] = None
    return {
        "client": answers.client,
        "verdict": verdict.verdict,
        "best": verdict.best,
        "worst": verdict.worst,
        "score": verdict.score,
        "outcome": outcome,
        "ask": [a.question for a in verdict.ask_next],
        "undecided": {u.rule.id: (u.max_severity, u.max_weight, u.ask) for u in verdict.undecided},
        "ignored": list(ignored),
    }


ARROW_TYPES = {
    "date": "date32",
    "yesno": "bool_",
    "choice": "string",
    "text": "string",
    "integer": "int64",
    "number": "float64",
}


def arrow_table(catalog: Catalog, clients: list[dict[str, Any]], drop: tuple[str, ...] = ()) -> Any:
    """The clients as a typed table: a column per question (but those in `drop`), null for unknown."""
    import pyarrow as pa

    columns: dict[str, Any] = {CLIENT_KEY: pa.array([c.get(CLIENT_KEY) for c in clients], pa.string())}
    for qid, q in catalog.questions.items():
        if qid in drop:
            continue
        values = [c.get(qid) for c in clients]
        values = [None if v is UNKNOWN else v for v in values]
        if q.type == "multi":
            columns[qid] = pa.array(values, pa.list_(pa.string()))
        else:
            if q.type == "number":
                values = [None if v is None else float(v) for v in values]
            columns[qid] = pa.array(values, getattr(pa, ARROW_TYPES[q.type])())
    return pa.table(columns)


def varied_catalog(folder: Path) -> Catalog:
    """The catalog of tests/varied.py whose conditions use every part of the language:
    arithmetic with division by zero, lists, `not in`, text, float weights, gates two deep."""
    from tests.varied import VARIED_QUESTIONS, varied_rules

    (folder / "questions").mkdir(parents=True, exist_ok=True)
    (folder / "questions" / "10.yaml").write_text(VARIED_QUESTIONS, encoding="utf-8")
    (folder / "rules.yaml").write_text(varied_rules(), encoding="utf-8")
    return load_catalog(folder / "rules.yaml", folder / "questions")


# Every function of the condition language, a count policy, fired() between rules, a date
# question: what issue 9 added, on top of the varied catalog's arithmetic and gates.
FUNCTIONS_QUESTIONS = """\
section: all
title: All
questions:
  - {id: a, type: yesno, text: A}
  - {id: b, type: yesno, text: B}
  - {id: c, type: yesno, text: C, when: a}
  - {id: n, type: integer, text: N, min: 0, max: 9}
  - id: m
    type: multi
    text: M
    choices: [{id: u, text: U}, {id: v, text: V}, {id: w, text: W}]
  - {id: d, type: date, text: D}
  - {id: e, type: date, text: E, when: b}
"""

FUNCTIONS_RULES = """\
version: 1
sources: {s: S}
policy:
  severities:
    note: {weight: 0, label: note}
    low: {weight: 1, label: low}
    caution: {weight: 2, label: caution}
    high: {weight: 3, label: high}
    decline: {weight: 10, label: decline}
  good_sign_weight: 1
  decline_if: {any_severity: [decline], count: {high: 2}}
  caution_if: {any_severity: [caution], count: {low: 2}, min_score: 4}
rules:
  - {id: f1, kind: red-flag, source: s, title: T, why: W, advice: A, severity: high, when: 'count(a, b, c) >= 2'}
  - {id: f2, kind: red-flag, source: s, title: T, why: W, advice: A, severity: high, when: 'count(m) + n > 4'}
  - id: f3
    kind: red-flag
    source: s
    title: T
    why: W
    advice: A
    levels:
      - {when: 'days_since(d) > 30', severity: caution}
      - {when: 'days_until(e) < 10 and e > today', severity: low}
  - {id: f4, kind: red-flag, source: s, title: T, why: W, advice: A, severity: low, when: 'not known(c) and fired("f1")'}
  - {id: f5, kind: red-flag, source: s, title: T, why: W, advice: A, severity: low, when: 'known(n) and count(a, not b) == 1'}
  - {id: f6, kind: red-flag, source: s, title: T, why: W, advice: A, severity: decline, when: 'fired("f2") and fired("f3")'}
  - {id: g1, kind: good-sign, source: s, title: T, why: W, advice: A, when: 'count(m) * 2 - n < 0 or d == today'}
  - {id: g2, kind: good-sign, source: s, title: T, why: W, advice: A, when: 'count(a, b) in [0, 2] and not fired("f5")'}
"""


def functions_catalog(folder: Path) -> Catalog:
    (folder / "questions").mkdir(parents=True, exist_ok=True)
    (folder / "questions" / "10.yaml").write_text(FUNCTIONS_QUESTIONS, encoding="utf-8")
    (folder / "rules.yaml").write_text(FUNCTIONS_RULES, encoding="utf-8")
    return load_catalog(folder / "rules.yaml", folder / "questions")


# Arithmetic past the float range: whole numbers are exact in Python until they meet a float or a
# division (then an overflow, which the rules call unknown); floats become infinity, and infinity
# minus infinity is NaN, which compares false (but != true).
_CHAIN = " * ".join(["n"] * 22)
_FLOATS = " * ".join(["x"] * 22)
OVERFLOW_QUESTIONS = """\
section: all
title: All
questions:
  - {id: n, type: integer, text: N, min: -1000000000000000, max: 1000000000000000}
  - {id: x, type: number, text: X, min: -1000000000000000, max: 1000000000000000}
  - {id: k, type: integer, text: K, min: 0, max: 1000000000000000}
"""
OVERFLOW_RULES = f"""\
version: 1
sources: {{s: S}}
policy:
  severities:
    low: {{weight: 1, label: low}}
    decline: {{weight: 10, label: decline}}
  good_sign_weight: 1
  decline_if: {{any_severity: [decline]}}
  caution_if: {{min_score: 2}}
rules:
  - {{id: o1, kind: red-flag, source: s, title: T, why: W, advice: A, severity: low, when: '{_CHAIN} * 1.5 > 1'}}
  - {{id: o2, kind: red-flag, source: s, title: T, why: W, advice: A, severity: low, when: '{_CHAIN} > 1'}}
  - {{id: o3, kind: red-flag, source: s, title: T, why: W, advice: A, severity: low, when: '{_FLOATS} > 1'}}
  - {{id: o4, kind: red-flag, source: s, title: T, why: W, advice: A, severity: low, when: '{_FLOATS} - {_FLOATS} >= 0'}}
  - {{id: o5, kind: red-flag, source: s, title: T, why: W, advice: A, severity: low, when: '{_FLOATS} - {_FLOATS} != 0'}}
  - {{id: o6, kind: red-flag, source: s, title: T, why: W, advice: A, severity: low, when: '({_CHAIN}) / 3 > 1'}}
  - {{id: o7, kind: red-flag, source: s, title: T, why: W, advice: A, severity: decline, when: 'n * n * k > 5 or not (n * k < 0)'}}
  - {{id: o8, kind: good-sign, source: s, title: T, why: W, advice: A, when: '-({_CHAIN}) < x and k * k * k * k > 9'}}
"""


def overflow_catalog(folder: Path) -> Catalog:
    (folder / "questions").mkdir(parents=True, exist_ok=True)
    (folder / "questions" / "10.yaml").write_text(OVERFLOW_QUESTIONS, encoding="utf-8")
    (folder / "rules.yaml").write_text(OVERFLOW_RULES, encoding="utf-8")
    return load_catalog(folder / "rules.yaml", folder / "questions")


def overflow_clients(n: int, seed: int) -> list[dict[str, Any]]:
    """Answers at the edges: the largest numbers a question takes, zero, unknown."""
    rnd = random.Random(seed)
    big = 10**15
    picks: dict[str, list[Any]] = {
        "n": [None, 0, 1, -1, 2, 7, big, -big, 10**7, 3_000_000_000],
        "x": [None, 0.0, 0.5, 1.5, -2.0, float(big), -float(big), 1e7],
        "k": [None, 0, 1, 2, big, 10**5],
    }
    return [
        {"client": f"c{i}", **{q: rnd.choice(values) for q, values in picks.items() if rnd.random() < 0.9}}
        for i in range(n)
    ]


def fractional_catalog(folder: Path, weights: tuple[float, float]) -> tuple[str, ...]:
    """Two yes/no questions a and b, and a low red flag on each (`half`, `more`) of these weights,
    in folder, with leads.jsonl of three clients (both, a, neither): the options for `check` to
    use them (a score may then be fractional)."""
    questions = folder / "questions"
    questions.mkdir()
    (questions / "q.yaml").write_text(
        "section: all\ntitle: All\nquestions:\n  - {id: a, type: yesno, text: A}\n  - {id: b, type: yesno, text: B}\n",
        encoding="utf-8",
    )
    rule = "  - {{id: {id}, kind: red-flag, source: s, title: {{en: T, ru: T}}, why: {{en: W, ru: W}}, advice: {{en: A, ru: A}}, when: {q}, severity: low, weight: {w}}}\n"
    (folder / "rules.yaml").write_text(
        "clientcheck: rules\nversion: 1\nsources: {s: S}\npolicy:\n  severities:\n"
        "    low: {weight: 1, label: {en: low, ru: низкая}}\n    high: {weight: 3, label: {en: high, ru: высокая}}\n"
        "    decline: {weight: 10, label: {en: decline, ru: отказ}}\n  good_sign_weight: 1\n"
        "  decline_if: {any_severity: [decline], min_score: 6}\n  caution_if: {any_severity: [high], min_score: 2}\n"
        "rules:\n" + rule.format(id="half", q="a", w=weights[0]) + rule.format(id="more", q="b", w=weights[1]),
        encoding="utf-8",
    )
    (folder / "leads.jsonl").write_text(
        '{"a": true, "b": true}\n{"a": true, "b": false}\n{"a": false, "b": false}\n', encoding="utf-8"
    )
    return ("--rules", str(folder / "rules.yaml"), "--questions", str(questions), "--fail-on", "never")
