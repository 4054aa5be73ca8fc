"""Differential property tests: one meaning of a rule, whichever part of clientcheck asks.

Random catalogs use every construct of the condition language (comparisons of yes/no
expressions, arithmetic near the length limit, division by zero, levels, `when` chains, known,
count, dates, fired, a counting policy) and random partly answered sets. For each, the engine
(evaluate), the compiled batch scorer, the JSON Lines record, `explain`, `rules test`, every batch
output format and lint's "can never fire" must agree; and every completion of the answers must
end inside the verdict range.

A scratch run that broke one consumer on purpose (the compiled path's old comparison of two
yes/no expressions) failed here within the first examples: see the closing note of issue 9.
"""

from __future__ import annotations

import csv
import io
import json
import random
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from clientcheck import formats
from clientcheck.answers import validate
from clientcheck.cli import app
from clientcheck.compiled import Engine, Result
from clientcheck.conditions import compile_node, must_know, walk
from clientcheck.evaluate import effective, evaluate, outcomes, possible_env, read_when_also, read_when_fired
from clientcheck.explain import explain
from clientcheck.loader import load, load_catalog
from clientcheck.model import VERDICTS, Answers, Catalog, Example, Verdict
from clientcheck.render.jsonl import Encoder
from clientcheck.rulestest import check_example
from tests import engine_gen
from tests.conftest import examples

SEEDS = st.integers(min_value=0, max_value=2**32 - 1)
FAST = settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(autouse=True)
def _today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLIENTCHECK_TODAY", engine_gen.TODAY.isoformat())
    monkeypatch.setenv("CLIENTCHECK_NO_CACHE", "1")


def _catalog(seed: int, folder: Path) -> Catalog:
    rules, questions = engine_gen.write_catalog(folder, random.Random(seed))
    loaded = load(rules, questions)
    assert loaded.catalog is not None, [str(p) for p in loaded.problems]
    return loaded.catalog


def _outcomes(v: Verdict) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in (*v.red_flags, *v.good_signs, *v.notes):
        out[f.rule.id] = ("fired", f.severity)
    for u in v.undecided:
        out[u.rule.id] = ("undecided", tuple(u.ask))
    return out


@given(SEEDS)
@FAST
def test_every_consumer_agrees_and_the_range_holds_every_completion(seed: int) -> None:
    rnd = random.Random(seed)
    with tempfile.TemporaryDirectory() as tmp:
        catalog = _catalog(seed, Path(tmp))
    engine = Engine(catalog)
    encoder = Encoder(catalog)
    fused = engine.record_scorer(encoder)
    loop = engine.record_scorer(encoder, decoded=True)
    for _ in range(25):
        data = engine_gen.answers(rnd)
        answers = validate(data, catalog, "x")
        verdict = evaluate(catalog, answers)
        assert VERDICTS.index(verdict.best) <= VERDICTS.index(verdict.verdict) <= VERDICTS.index(verdict.worst)
        expected = engine.from_verdict(verdict)
        # the compiled scorer, when it takes the client, and its JSON Lines record
        fast = engine.score(data)
        if fast is not None:  # that it is taken at all: tests/test_compiled.py, the random catalogs test
            assert isinstance(fast, Result)
            assert fast.as_data() == expected.as_data(), (data, catalog.rules)
            record = fused(data, b"H", 1)
            assert record is not None and record[1] == encoder.encode(expected, b"H", 1), data
        # the JSON Lines loop (msgspec): the same record, or the line handed to the ordinary path
        out: list[bytes] = []
        handed: list[int] = []
        loop([json.dumps(data).encode() + b"\n"], 0, b"H", out, [0] * 27, lambda raw, n, to=handed: to.append(n))
        assert out == [encoder.encode(expected, b"H", 1)] if not handed else (out, handed) == ([], [1]), data
        assert out or fast is None, data  # it takes every client the dict scorer takes
        # explain: the same status and level for every rule
        reports, _ = explain(catalog, answers)
        outcomes = _outcomes(verdict)
        for r in reports:
            got = outcomes.get(r.rule.id)
            if r.status == "fired":
                assert got is not None and got[0] == "fired", (r.rule.id, data)
                assert r.levels[r.fired_level or 0].severity == got[1]
            elif r.status == "undecided":
                assert got == ("undecided", r.ask), (r.rule.id, data)
            else:
                assert got is None, (r.rule.id, data)
        # rules test: an example that says what the engine says passes
        for rule in catalog.rules:
            got = outcomes.get(rule.id)
            if got is not None and got[0] == "undecided":
                continue
            fires: bool | str = False if got is None else (got[1] or True)
            alone = evaluate(catalog, answers, rules=[rule])
            if _outcomes(alone).get(rule.id, (None,))[0] == "undecided":
                continue  # the whole catalog decides fired() rules this one does not
            assert check_example(catalog, rule, Example(answers.values, fires)) is None, (rule.id, data)
        # soundness: whatever the missing answers turn out to be, the verdict stays in range
        lo, hi = VERDICTS.index(verdict.best), VERDICTS.index(verdict.worst)
        for _ in range(6):
            final = evaluate(catalog, validate(engine_gen.completion(data, rnd), catalog, "x"))
            assert lo <= VERDICTS.index(final.verdict) <= hi, (data, final.verdict, verdict.best, verdict.worst)


@given(SEEDS)
@FAST
def test_a_settled_verdict_is_the_final_verdict(seed: int) -> None:
    rnd = random.Random(seed)
    with tempfile.TemporaryDirectory() as tmp:
        catalog = _catalog(seed, Path(tmp))
    for _ in range(25):
        data = engine_gen.answers(rnd)
        verdict = evaluate(catalog, validate(data, catalog, "x"))
        if verdict.settled:
            for _ in range(4):
                final = evaluate(catalog, validate(engine_gen.completion(data, rnd), catalog, "x"))
                assert final.verdict == verdict.best, data


@pytest.mark.slow
@given(SEEDS)
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_what_a_condition_must_have_read_holds_on_every_node_and_every_fired_level(seed: int) -> None:
    """must_know (placeholders' "needs a fallback") against the evaluator itself: whenever a node
    comes out a way, every answer must_know names for that way is in the environment."""
    rnd = random.Random(seed)
    with tempfile.TemporaryDirectory() as tmp:
        catalog = _catalog(seed, Path(tmp))
    trees = [lv.when.tree for r in catalog.rules for lv in r.levels]
    nodes = [(n, compile_node(n)) for tree in trees for n in walk(tree)]
    checked = 0
    for _ in range(25):
        data = engine_gen.answers(rnd)
        answers = validate(data, catalog, "x")
        env = effective(catalog, answers)[0]
        for rule_id, o in outcomes(catalog, env).items():
            if o.status == "fired" and o.level is not None:
                rule = catalog.rule(rule_id)
                assert rule is not None
                assert read_when_fired(rule, o.level) <= env.keys(), (rule_id, data)
                for i in range(o.level + 1, len(rule.levels)):  # the levels listed as also true
                    if rule.levels[i].when(env) is True:
                        assert read_when_also(rule, i) <= env.keys(), (rule_id, i, data)
        for scope in (env, possible_env(catalog, answers)):
            for node, fn in nodes:
                value = fn(scope)
                if value is not None:
                    want = value if isinstance(value, bool) else None
                    missing = must_know(node, want) - scope.keys()
                    assert not missing, (node, want, missing, data)
                    checked += 1
    assert checked > 0


@pytest.mark.slow
@given(SEEDS)
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_every_batch_output_format_says_what_the_engine_says(seed: int) -> None:
    rnd = random.Random(seed)
    cli = CliRunner()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        rules, questions = engine_gen.write_catalog(folder, random.Random(seed))
        catalog = load_catalog(rules, questions)
        records = [engine_gen.answers(rnd) for _ in range(30)]
        leads = folder / "leads.jsonl"
        leads.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
        verdicts = [evaluate(catalog, validate(r, catalog, "x")) for r in records]
        base = ["check", str(leads), "--rules", str(rules), "--questions", str(questions), "--fail-on", "never"]
        runs = {
            fmt: cli.invoke(app, [*base, "-f", fmt, "--jobs", "1", "--lang", "en"])
            for fmt in formats.names()  # every registered format, a new one too
        }
    for fmt, run in runs.items():
        assert run.exit_code == 0, (fmt, run.stdout, run.stderr)
    jsonl = [json.loads(line) for line in runs["jsonl"].stdout.splitlines()]
    full = json.loads(runs["json"].stdout)["results"]
    rows = list(csv.DictReader(io.StringIO(runs["csv"].stdout)))
    # tsv: the CSV cells, tab-separated (a cell from these catalogs holds no tab, line end or backslash)
    assert [line.split("\t") for line in runs["tsv"].stdout.splitlines()] == list(
        csv.reader(io.StringIO(runs["csv"].stdout))
    )
    markdown = [line for line in runs["markdown"].stdout.splitlines() if line.startswith("| ")][1:]
    table = runs["table"].stdout.splitlines()[1 : 1 + len(records)]
    labels = {"go": "GO", "caution": "CAUTION", "decline": "DECLINE"}
    for i, v in enumerate(verdicts):
        fired = {f.rule.id: f.severity for f in (*v.red_flags, *v.good_signs, *v.notes)}
        open_ = {u.rule.id: list(u.ask) for u in v.undecided}
        for doc in (jsonl[i], full[i]):
            assert (doc["verdict"], doc["range"], doc["settled"]) == (
                v.verdict,
                {"best": v.best, "worst": v.worst},
                v.settled,
            )
            assert {f["id"] for f in (*doc["findings"], *doc["good_signs"], *doc["notes"])} == set(fired)
            assert {u["id"]: u["ask"] for u in doc["undecided"]} == open_
        row = rows[i]
        assert (row["verdict"], row["best"], row["worst"], row["settled"]) == (
            v.verdict,
            v.best,
            v.worst,
            "true" if v.settled else "false",
        )
        for rule in catalog.rules:
            want = "?" if rule.id in open_ else ""
            if rule.id in fired:
                want = fired[rule.id] or ("good" if rule.kind == "good-sign" else "note")
            assert row[rule.id] == want, (rule.id, records[i])
        assert f"| {labels[v.verdict]} |" in markdown[i]
        assert labels[v.verdict] in table[i].split()


def test_lint_never_fires_agrees_with_an_exhaustive_search(tmp_path: Path) -> None:
    """On small domains, lint's "can never fire" is exactly "no answers make it fire"."""
    from itertools import product

    from clientcheck.lint import lint

    rnd = random.Random(11)
    compared = 0
    catalogs = examples(40)
    for n in range(catalogs):
        folder = tmp_path / str(n)
        rules, questions = engine_gen.write_catalog(folder, rnd)
        catalog = load_catalog(rules, questions)
        report = lint(rules, questions)
        warned = {
            d.message.split("'")[1]
            for d in report.diagnostics
            if d.message.startswith("rule '") and "can never fire" in d.message  # not issue 16's reply warning
        }
        small = ("b0", "b1", "b2", "g0", "c0")
        for rule in catalog.rules:
            if any(n not in small for n in (*rule.names, *(q for r in rule.refs for q in r))) or rule.refs:
                continue
            domains = [[None, *engine_gen.VALUES[q]] for q in small]
            can_fire = False
            for combo in product(*domains):
                data = {q: v for q, v in zip(small, combo, strict=True) if v is not None}
                v = evaluate(catalog, validate(data, catalog, "x"), rules=[rule])
                if v.red_flags or v.good_signs or v.notes:
                    can_fire = True
                    break
            assert (rule.id in warned) is (not can_fire), (rule.id, [lv.when.source for lv in rule.levels])
            compared += 1
    assert compared > catalogs // 2


def test_the_range_of_an_empty_client_is_open_and_reaches_decline() -> None:
    catalog = load_catalog()
    verdict = evaluate(catalog, Answers({}))
    assert (verdict.verdict, verdict.best, verdict.worst, verdict.settled) == ("go", "go", "decline", False)
