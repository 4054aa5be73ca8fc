"""The compiled engine (compiled.py) against evaluate(): on random answers, right and wrong, for a
catalog that uses every part of the language, for a selection of rules, without the memory of
undecided shapes, and on the bundled rules; each test counts the paths taken, so it fails if the
fast path stops being taken. tests/test_engine_properties.py does the same on random catalogs."""

from __future__ import annotations

import builtins
import contextlib
import json
import random
import tempfile
import textwrap
from pathlib import Path
from typing import Any

import pytest

from clientcheck.answers import validate
from clientcheck.compiled import Engine, Result
from clientcheck.compiled.codegen import _Compiler
from clientcheck.errors import AnswersError
from clientcheck.evaluate import evaluate
from clientcheck.loader import load_catalog
from clientcheck.model import Catalog, Rule
from clientcheck.render.jsonl import Encoder
from tests import engine_gen
from tests.conftest import SMALL_QUESTIONS, SMALL_RULES, WriteYaml, examples
from tests.varied import VARIED_QUESTIONS, random_answers, varied_rules


@pytest.fixture
def varied(write_yaml: WriteYaml) -> Catalog:
    write_yaml("varied/questions/10.yaml", VARIED_QUESTIONS)
    rules = write_yaml("varied/rules.yaml", varied_rules())
    return load_catalog(rules, rules.parent / "questions")


def _compare(catalog: Catalog, data: dict[str, Any], engine: Engine, encoder: Encoder, fused: Any) -> str:
    """Both paths on one answers mapping; returns which path the fast one took."""
    try:
        answers = validate(data, catalog, "x")
    except AnswersError:
        assert engine.score(data) is None, data
        with contextlib.suppress(TypeError):  # the batch loop sends an unhashable answer the careful way
            assert fused(data, b"", 1) is None, data
        return "invalid"
    expected = engine.from_verdict(evaluate(catalog, answers, engine.rules))
    fast = engine.score(data)
    if fast is None:
        return "ordinary"
    assert isinstance(fast, Result)
    assert fast.as_data() == expected.as_data(), data
    record = fused(data, b"H", 7)
    assert record is not None
    assert record[1] == encoder.encode(expected, b"H", 7), data
    order = ("go", "caution", "decline")
    assert record[0] == 9 * order.index(expected.verdict) + 3 * order.index(expected.worst) + order.index(expected.best)
    return "fast"


def _compare_decoded(catalog: Catalog, data: dict[str, Any], engine: Engine, encoder: Encoder) -> str:
    """The msgspec path (decode.py) on the line of one answers mapping, against the ordinary path:
    it scores exactly what the ordinary path takes, alike, and hands the rest to its slow
    callback. Returns whether it scored the line."""
    reader = engine.record_type()
    assert reader is not None  # msgspec is a dependency
    decoded = engine.record_scorer(encoder, decoded=True)
    try:
        line = json.dumps(data, ensure_ascii=False).encode()
    except ValueError:  # 1e400 as inf: not JSON
        return "refused"
    out: list[bytes] = []
    verdicts = [0] * 27
    given_up: list[tuple[bytes, int]] = []
    decoded([line + b"\n"], 6, b"H", out, verdicts, lambda raw, n: given_up.append((raw, n)))
    # each line either has its record and verdict, or goes to the ordinary path, at its number
    assert (len(out), sum(verdicts), given_up) in ((1, 1, []), (0, 0, [(line + b"\n", 7)])), (out, given_up)
    record = (verdicts.index(1), out[0]) if out else None
    try:
        answers = validate(data, catalog, "x")
    except AnswersError:
        assert record is None, data
        return "refused"
    if record is None:
        return "refused"
    expected = engine.from_verdict(evaluate(catalog, answers, engine.rules))
    assert record[1] == encoder.encode(expected, b"H", 7), data
    return "scored"


def paths_taken(
    catalog: Catalog, rounds: int, seed: int, rules: list[Rule] | None = None, wrong: float = 0.08
) -> dict[str, int]:
    """Both paths on `rounds` random answers; how often the fast one took each way."""
    engine = Engine(catalog, rules)
    encoder = Encoder(catalog)
    fused = engine.record_scorer(encoder)
    rnd = random.Random(seed)
    taken = {"fast": 0, "ordinary": 0, "invalid": 0, "scored": 0, "refused": 0}
    for _ in range(rounds):
        data = random_answers(catalog, rnd, wrong)
        taken[_compare(catalog, data, engine, encoder, fused)] += 1
        taken[_compare_decoded(catalog, data, engine, encoder)] += 1  # the msgspec path, on the same
    return taken


def test_the_fast_path_agrees_with_evaluate_on_random_answers(varied: Catalog) -> None:
    rounds = examples(4000)
    taken = paths_taken(varied, rounds, seed=5)
    # the comparison is not vacuous: each path was taken many times
    assert taken["fast"] > rounds // 20 and taken["invalid"] > rounds * 3 // 20, taken
    assert taken["ordinary"] > rounds // 40, taken
    assert taken["scored"] > rounds // 20 and taken["refused"] > rounds * 3 // 20, taken


def test_the_fast_path_agrees_on_a_selection_of_rules_and_without_its_memory(
    varied: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("clientcheck.compiled.runtime.MEMO_LIMIT", 0)  # work out every undecided rule afresh
    worked_out: list[int] = []
    real_miss = _Compiler.miss

    def miss(self: _Compiler, index: int, key: int, mask: int, values: tuple[Any, ...]) -> Any:
        found = real_miss(self, index, key, mask, values)
        assert not any(self.memos), "an undecided shape was remembered with MEMO_LIMIT 0"
        worked_out.append(index)
        return found

    monkeypatch.setattr(_Compiler, "miss", miss)
    chosen = [r for r in varied.rules if r.id in ("r1", "r4", "r6", "r9", "r12")]
    rounds = examples(1500)
    taken = paths_taken(varied, rounds, seed=11, rules=chosen)
    # the fast path was taken, and it worked out undecided rules every time, for each chosen rule
    assert taken["fast"] > rounds // 5 and taken["invalid"] > rounds // 5, taken
    assert len(worked_out) > taken["fast"] and set(worked_out) == set(range(len(chosen))), len(worked_out)


def test_the_fast_path_agrees_on_the_bundled_rules() -> None:
    rounds = examples(1500)
    taken = paths_taken(load_catalog(), rounds, seed=3, wrong=0.005)
    # every path must be taken often enough to be compared (the seller questions added text answers,
    # which the fast path leaves to the ordinary one when they are not text)
    assert taken["fast"] > rounds // 15 and taken["invalid"] > rounds // 15, taken


def test_the_generated_source_holds_no_text_from_the_files(write_yaml: WriteYaml) -> None:
    questions = SMALL_QUESTIONS.replace("Worked before?", "\"x'); import os; os.system('echo pwned') #\"")
    write_yaml("q/10.yaml", questions)
    rules = write_yaml("rules.yaml", SMALL_RULES)
    catalog = load_catalog(rules, rules.parent / "q")
    engine = Engine(catalog)
    assert engine.score({"worked_before": True, "late_payments": 3}) is not None
    assert "import" not in engine.source and "pwned" not in engine.source
    # question ids are identifiers the loader checked; they appear only inside repr() strings
    assert "'worked_before'" in engine.source


def test_the_random_catalogs_of_the_property_tests_take_the_fast_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """tests/test_engine_properties.py compares the compiled path wherever it takes a client; this
    is its positive control: on the same kind of random catalogs it does take most clients."""
    monkeypatch.setenv("CLIENTCHECK_TODAY", engine_gen.TODAY.isoformat())
    supported = clients = taken = 0
    for seed in range(examples(60)):  # at least 6: a catalog or two can take few clients by chance
        rnd = random.Random(seed)
        with tempfile.TemporaryDirectory() as tmp:
            rules, questions = engine_gen.write_catalog(Path(tmp), rnd)
            catalog = load_catalog(rules, questions)
        engine = Engine(catalog)
        if any(rule.refs for rule in catalog.rules):  # fired(): the compiler hands the catalog to evaluate
            assert engine.score(engine_gen.answers(rnd)) is None
            continue
        supported += 1
        for _ in range(25):
            clients += 1
            taken += engine.score(engine_gen.answers(rnd)) is not None
    assert supported > 0 and taken > clients // 4, (supported, clients, taken)


def test_the_fast_path_gives_up_by_returning_none_never_by_raising(monkeypatch: pytest.MonkeyPatch) -> None:
    """When the range pass handed a client back (None), the generated code went on to read pr[11]:
    a TypeError that Engine.score took as "the ordinary path", as it would a real bug."""
    monkeypatch.setenv("CLIENTCHECK_TODAY", engine_gen.TODAY.isoformat())
    handed_back = 0
    for seed in range(examples(60)):
        rnd = random.Random(seed)
        with tempfile.TemporaryDirectory() as tmp:
            rules, questions = engine_gen.write_catalog(Path(tmp), rnd)
            catalog = load_catalog(rules, questions)
        engine = Engine(catalog)
        for _ in range(25):
            handed_back += engine._score(engine_gen.answers(rnd)) is None  # raises on a bug
    assert handed_back > 0


def test_a_profiles_multiple_choice_and_date_answers_keep_the_fast_path(
    write_yaml: WriteYaml, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The profile's answers are canonical (a frozenset, a date), which the record checks refused:
    every client then took the ordinary path (and, in worker processes, lost the profile)."""
    import datetime as dt

    from clientcheck.profile import Profile, apply

    monkeypatch.setenv("CLIENTCHECK_TODAY", engine_gen.TODAY.isoformat())
    rules = write_yaml(
        "r.yaml",
        engine_gen.rules_yaml(random.Random(0)).split("rules:")[0]
        + "rules:\n  - {id: r, kind: red-flag, title: T, why: W, advice: A, source: s, severity: high,\n"
        + "     when: '\"p\" in m0 and days_since(d0) > 30'}\n",
    )
    write_yaml("q/10.yaml", engine_gen.QUESTIONS)
    catalog = load_catalog(rules, rules.parent / "q")
    seller = Profile("p", Path("p.yaml"), {"m0": frozenset({"p", "q"}), "d0": dt.date(2020, 1, 1)})
    engine = Engine(catalog, filled=seller.values)
    for data in ({"client": "c"}, {"client": "c", "m0": ["r"]}, {"client": "c", "d0": None}):
        got = engine.score(data)
        assert got is not None, data  # the fast path took it
        want = evaluate(catalog, apply(validate(data, catalog, "x"), seller))
        assert (got.verdict, [f.id for f in got.red]) == (want.verdict, [f.rule.id for f in want.red_flags]), data


def test_a_rule_of_many_levels_is_tested_level_inside_level_and_past_the_limit_as_one_chain(
    write_yaml: WriteYaml,
) -> None:
    from clientcheck.compiled.rulecode import NEST_LIMIT

    def rule(rule_id: str, count: int) -> list[str]:
        out = [f"  - id: {rule_id}", "    kind: red-flag", "    source: s", "    title: T", "    why: W"]
        out += ["    advice: A", "    levels:"]
        for i in range(count):  # y from 5.5 down; every other level also asks about a or n
            cond = f"y > {5.5 - i * 10.5 / count:.3f}" + (" and (a or n > 2)" if i % 2 else "")
            out += [f"      - when: '{cond}'", f"        severity: {('high', 'caution', 'low')[i % 3]}"]
        return out

    write_yaml("many/questions/10.yaml", VARIED_QUESTIONS)
    text = varied_rules() + "\n".join(rule("few", 5) + rule("many", NEST_LIMIT + 3)) + "\n"
    rules = write_yaml("many/rules.yaml", text)
    catalog = load_catalog(rules, rules.parent / "questions")
    engine = Engine(catalog)
    engine.score({})
    lines = engine.source.splitlines()
    # "few": each level inside the false branch of the one before, 5 deep; "many": one chain
    y = f"v{list(catalog.questions).index('y')} > "  # the local of y, compared
    depths = {len(line) - len(line.lstrip()) for line in lines if line.lstrip().startswith("if (") and y in line}
    assert depths >= {4, 8, 12, 16, 20}, depths
    chains = [line for line in lines if line.startswith("    elif ") and line.count(" and ") >= NEST_LIMIT]
    assert len(chains) >= 2, len(chains)
    rounds = examples(1500)
    taken = paths_taken(catalog, rounds, seed=17)
    assert taken["fast"] > rounds // 20 and taken["scored"] > rounds // 20, taken


def test_a_left_out_yes_no_answer_tested_only_as_yes_no_stays_unset_and_reads_as_unknown() -> None:
    catalog = load_catalog()
    engine = Engine(catalog)
    encoder = Encoder(catalog)
    compiler = _Compiler(catalog, catalog.rules, encoder, reader=engine.record_type())
    loop = compiler.build()
    rude, worked = compiler.local["rude"], compiler.local["worked_before"]
    # the fast path ran as designed: no conversion for them, and UNSET read as unknown where asked
    assert {rude, worked} <= compiler.maybe_unset
    assert f"if {rude} is _U: {rude} = None" not in compiler.source
    assert f"({worked} is None or {worked} is _U)" in compiler.source  # late_payments' gate: what to ask
    for data in ({"client": "a"}, {"rude": None}, {"rude": True}, {"worked_before": True, "late_payments": 2}):
        out: list[bytes] = []
        loop([json.dumps(data).encode() + b"\n"], 0, b"H", out, [0] * 27, lambda raw, n: None)
        expected = engine.from_verdict(evaluate(catalog, validate(data, catalog, "x")))
        assert out == [encoder.encode(expected, b"H", 1)], data


def test_the_json_lines_loop_reads_no_global_name_per_client() -> None:
    catalog = load_catalog()
    engine = Engine(catalog)
    loop = engine.record_scorer(Encoder(catalog), decoded=True)
    # constants, helpers and builtins are the function's defaults: read as locals (codegen.finish)
    read_as_globals = [n for n in loop.__code__.co_names if n in loop.__globals__ or n in vars(builtins)]
    assert read_as_globals == []
    assert {"_U", "_decode", "_template", "map"} <= set(loop.__code__.co_varnames)


def test_a_rule_reading_an_answer_in_doubt_is_scored_both_ways_only_for_the_clients_who_have_one() -> None:
    catalog = load_catalog()
    engine = Engine(catalog)
    encoder = Encoder(catalog)
    compiler = _Compiler(catalog, catalog.rules, encoder, reader=engine.record_type())
    loop = compiler.build()
    assert compiler.gated and compiler.drop_bit["late_payments"]  # the path this test is about
    bit = compiler.drop_bit["late_payments"]
    assert f"unst += {bit}" in compiler.source  # its bit is set where its answer is in doubt
    clients = [
        {"late_payments": 3},  # its gate (worked_before) unknown: in doubt, the verdict counts it, the range not
        {"worked_before": True, "late_payments": 3},  # applies: counted once
        {"worked_before": False, "late_payments": 3},  # does not apply: ignored
        {"worked_before": None, "late_payments": 0, "budget_stated": None, "budget_amount": 10},
        {},
    ]
    head = encoder.head("x")
    out: list[bytes] = []
    loop([json.dumps(data).encode() + b"\n" for data in clients], 0, head, out, [0] * 27, pytest.fail)
    expected = [
        encoder.encode(engine.from_verdict(evaluate(catalog, validate(data, catalog, "x"))), head, n)
        for n, data in enumerate(clients, 1)
    ]
    assert out == expected
    assert f"if unst & {bit}:" in compiler.source  # late-payer, the rule that reads it: both ways


_RULES_HEAD = """\
version: 1
sources: {s: S}
policy:
  severities:
    high: {weight: 3, label: high}
    decline: {weight: 10, label: decline}
  good_sign_weight: 1
  decline_if: {any_severity: [decline]}
  caution_if: {any_severity: [high]}
rules:
"""


def _catalog(write_yaml: WriteYaml, questions: str, rules: str) -> Catalog:
    """A catalog of one questions file (its `questions:` items) and _RULES_HEAD's policy with these rules."""
    write_yaml("q/10.yaml", "section: all\ntitle: All\nquestions:\n" + textwrap.dedent(questions))
    path = write_yaml("rules.yaml", _RULES_HEAD + rules)
    return load_catalog(path, path.parent / "q")


def _lines_against_evaluate(
    catalog: Catalog, lines: list[dict[str, Any]], given_up: int | None = 0
) -> list[dict[str, Any]]:
    """The JSON Lines loop on these answers: each record it writes as evaluate() makes it, and
    `given_up` lines (None: any) left to the ordinary path. Returns every line's record as
    evaluate() has it."""
    engine = Engine(catalog)
    encoder = Encoder(catalog)
    loop = engine.record_scorer(encoder, decoded=True)
    head = encoder.head("x")
    out: list[bytes] = []
    slow: list[int] = []
    loop([json.dumps(data).encode() + b"\n" for data in lines], 0, head, out, [0] * 27, lambda raw, n: slow.append(n))
    expected = [
        encoder.encode(engine.from_verdict(evaluate(catalog, validate(data, catalog, "x"))), head, n)
        for n, data in enumerate(lines, 1)
    ]
    assert given_up is None or len(slow) == given_up
    assert out == [record for n, record in enumerate(expected, 1) if n not in slow]
    return [json.loads(record) for record in expected]


def test_a_text_literal_that_names_a_python_builtin_is_only_text(write_yaml: WriteYaml) -> None:
    catalog = _catalog(
        write_yaml,
        """\
        - {id: t, type: text, text: T}
        - {id: a, type: yesno, text: A, when: 't != "__import__ map"'}
        """,
        """\
  - {id: r1, kind: red-flag, title: T, why: W, advice: A, source: s, when: 't == "__debug__" and a', severity: high}
""",
    )
    records = _lines_against_evaluate(catalog, [{"client": "c1", "t": "__debug__", "a": True}, {"t": "x", "a": True}])
    assert [r["verdict"] for r in records] == ["caution", "go"]


def test_known_in_a_when_leaves_the_range_to_evaluates_own_pass(write_yaml: WriteYaml) -> None:
    catalog = _catalog(
        write_yaml,
        """\
        - {id: b, type: yesno, text: B}
        - {id: a, type: yesno, text: A, when: b}
        - {id: n, type: integer, text: N}
        - {id: g, type: yesno, text: G, when: 'known(a)'}
        - {id: q7, type: integer, text: Q7, when: 'known(a) and n <= 4'}
        """,
        """\
  - {id: r, kind: red-flag, title: T, why: W, advice: A, source: s, when: 'q7 > 0', severity: decline}
  - {id: r1, kind: red-flag, title: T, why: W, advice: A, source: s, when: g, severity: decline}
""",
    )
    answers = [{"client": "c", "a": True}, {"client": "c", "a": True, "g": True}]
    records = _lines_against_evaluate(catalog, answers, given_up=None)  # where it must, evaluate decides
    # a's gate (b) is unknown: the range may not count a, so known(a) is open there, and with it g and q7
    assert [(r["verdict"], r["range"], r["settled"]) for r in records] == [
        ("go", {"best": "go", "worst": "decline"}, False),
        ("decline", {"best": "go", "worst": "decline"}, False),
    ]
