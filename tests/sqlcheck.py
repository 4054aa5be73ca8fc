"""What the SQL backend's tests share: random clients, the Python engine's answers for them, and
a typed Arrow table of their answers for DuckDB or Spark to score."""

from __future__ import annotations

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


def oracle_level(catalog: Catalog, rule: Rule, env: dict[str, Any]) -> int:
    """The level of a rule that fired (1-based), by the definition: the first true level, every
    level before it false."""
    for i, level in enumerate(rule.levels):
        value = level.when(env)
        if value is True:
            return i + 1
        assert value is False, (rule.id, env)
    raise AssertionError(rule.id)


def expected(catalog: Catalog, data: dict[str, Any], rules: list[Rule] | None = None) -> dict[str, Any]:
    """The Python engine's result in the shape of the SQL query's columns."""
    answers = validate(data, catalog, "x")
    verdict = evaluate(catalog, answers, rules)
    env, ignored = effective(catalog, answers)
    outcome: dict[str, int | None] = {r.id: 0 for r in (rules or catalog.rules)}
    for finding in (*verdict.red_flags, *verdict.good_signs, *verdict.notes):
        outcome[finding.rule.id] = oracle_level(catalog, finding.rule, env)
    for u in verdict.undecided:
        outcome[u.rule.id] = None
    return {
        "client": answers.client,
        "verdict": verdict.verdict,
        "score": verdict.score,
        "outcome": outcome,
        "ask": [a.question for a in verdict.ask_next],
        "undecided": {u.rule.id: (u.max_severity, u.max_weight, u.ask) for u in verdict.undecided},
        "ignored": list(ignored),
    }


ARROW_TYPES = {"yesno": "bool_", "choice": "string", "text": "string", "integer": "int64", "number": "float64"}


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
    """The catalog of tests/test_batch.py whose conditions use every part of the language:
    arithmetic with division by zero, lists, `not in`, text, float weights, gates two deep."""
    from tests.test_batch import VARIED_QUESTIONS, varied_rules

    (folder / "questions").mkdir(parents=True, exist_ok=True)
    (folder / "questions" / "10.yaml").write_text(VARIED_QUESTIONS, encoding="utf-8")
    (folder / "rules.yaml").write_text(varied_rules(), encoding="utf-8")
    return load_catalog(folder / "rules.yaml", folder / "questions")
