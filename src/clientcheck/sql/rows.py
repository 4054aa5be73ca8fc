"""The rule outcomes of the DuckDB path made into the batch's compact results (compiled.Result)
and full verdicts, in Python: what every output format but `--format jsonl` reads. Kept apart
from the query's builders (records.py) so that a run whose query comes from the cache
(saved.py) never imports sqlglot."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import partial
from typing import Any, Literal

import orjson

from clientcheck.compiled import FindingInfo, OpenRule, Result, _known_when
from clientcheck.model import Answers, AskNext, Catalog, Evidence, Finding, Rule, Undecided, Verdict

OPEN_KINDS = 1 << 16  # kinds of undecided rule remembered; beyond that, worked out each time
WORDS: dict[str, Literal["go", "caution", "decline"]] = {"go": "go", "caution": "caution", "decline": "decline"}


class Rows:
    """The findings of one catalog and selection of rules, and the results of the query's rows."""

    def __init__(
        self, catalog: Catalog, rules: Sequence[Rule], all_raw: bool = False, filled: Mapping[str, Any] | None = None
    ) -> None:
        self.all_raw = all_raw
        self.filled = filled  # the seller profile's answers, for what a row leaves unanswered
        self.catalog = catalog
        self.rules = tuple(rules)
        self.index = {qid: i for i, qid in enumerate(catalog.questions)}
        self.lists = [i for i, q in enumerate(catalog.questions.values()) if q.type == "multi"]
        red_levels = [
            (r, i) for r, rule in enumerate(self.rules) if rule.kind == "red-flag" for i in range(len(rule.levels))
        ]
        ranked = sorted(red_levels, key=lambda ri: (-self.rules[ri[0]].levels[ri[1]].weight, red_levels.index(ri)))
        self.rank = {ri: n for n, ri in enumerate(ranked)}
        self.infos: dict[tuple[int, int], FindingInfo] = {}
        for r, rule in enumerate(self.rules):
            for i, level in enumerate(rule.levels):
                names = tuple((n, self.index[n]) for n in level.when.names)
                self.infos[(r, i)] = FindingInfo(
                    rule,
                    r,
                    level.severity,
                    level.weight,
                    names,
                    _known_when(level.when.tree, True),
                    self.rank.get((r, i), 0),
                )
        self.level_of = {id(info): i for (_, i), info in self.infos.items()}
        self.open_rules: dict[tuple[int, int, str, tuple[int | None, ...]], OpenRule] = {}

    def result(self, row: Sequence[Any]) -> Result:
        """A row of outcomes_query as the batch formats take it."""
        client, verdict, score, best, worst = row[2], row[3], row[4], row[5], row[6]
        red: list[FindingInfo] = []
        good: list[FindingInfo] = []
        notes: list[FindingInfo] = []
        open_rules: list[OpenRule] = []
        at = 7
        possible: list[tuple[Rule, int | None, str | None, Any]] = []
        same = True  # what could still happen is what is known: the range took no second pass
        for r, rule in enumerate(self.rules):
            o, t, ask, opened, x_o, x_ask, x_opened = row[at : at + 7]
            possible.append((rule, x_o, x_ask, x_opened))
            if same and (o != x_o or ask != x_ask or opened != x_opened):
                same = False
            at += 7
            if o is None:
                key = (r, t, ask, tuple(opened))  # as DuckDB gave them: parsed once per kind of row
                found = self.open_rules.get(key)
                if found is None:
                    levels = [rule.levels[i] for i in opened if i is not None]
                    asks = tuple(orjson.loads("[" + ask + "]"))
                    found = OpenRule.of(rule, r, rule.levels[t - 1], levels, asks)
                    if len(self.open_rules) < OPEN_KINDS:
                        self.open_rules[key] = found
                open_rules.append(found)
            elif o:
                info = self.infos[(r, o - 1)]
                {"red-flag": red, "good-sign": good, "note": notes}[rule.kind].append(info)
        ignored = tuple(row[at].split(",")) if row[at] else ()
        at += 1
        answered = list(row[at : at + len(self.catalog.questions)])
        for i in self.lists:  # a multiple choice's list, as a set
            if isinstance(answered[i], list):
                answered[i] = frozenset(answered[i])
        values = tuple(answered)
        red.sort(key=lambda f: f.rank)
        order = (self.index, self.catalog.policy)
        if (
            not isinstance(score, int)
            and float(score).is_integer()
            and not any(not isinstance(f.weight, int) for f in (*red, *good))
        ):
            score = int(score)
        # as the compiled path: from both passes' outcomes after a second pass; else by the Result
        # from its own open rules (the same ranking: the range adds no rule); either only when a
        # format reads it (csv, tsv, table and markdown rows do not)
        ask_next = None if same else partial(self.ask_next, open_rules, possible)
        return Result(
            (client, verdict, score, red, good, notes, open_rules, ignored, values, order, ask_next, best, worst)
        )

    def ask_next(
        self, open_rules: list[OpenRule], possible: list[tuple[Rule, int | None, str | None, Any]]
    ) -> list[tuple[str, tuple[str, ...]]]:
        """evaluate._ask_next on the outcomes DuckDB worked out."""
        from clientcheck.evaluate import RangeState, ask_order

        state = RangeState.tally(
            (rule, o - 1 if o else None, [i for i in opened if i is not None] if o is None else None)
            for rule, o, _, opened in possible
        )
        held_open = [
            (
                tuple(orjson.loads("[" + (ask or "") + "]")),
                rule.id,
                max(rule.levels[i].weight for i in opened if i is not None),
            )
            for rule, o, ask, opened in possible
            if o is None
        ]
        current = [(u.ask, u.id, u.max_weight) for u in open_rules]
        return ask_order(current, held_open, state.worth(self.catalog.policy), self.index)

    def verdict(self, r: Result, answers: Answers) -> Verdict:
        """The full verdict of a result, for the formats that show everything (--format json)."""

        from clientcheck.evaluate import effective, outcomes

        env, _ = effective(self.catalog, answers)
        findings = (*r.red, *r.good, *r.notes)
        if any(self.level_of[id(f)] + 1 < len(self.rules[f.rule_index].levels) for f in findings):
            # a later level may read fired(): every rule's outcome in env, as evaluate has it,
            # worked out by the one engine (only for a verdict with a finding that has one)
            outcomes(self.catalog, env)

        def finding(info: FindingInfo) -> Finding:
            rule = self.rules[info.rule_index]
            n = self.level_of[id(info)]
            level = rule.levels[n]
            # the answers as read: a whole number stays whole where SQL computed in DOUBLE
            evidence = tuple(Evidence(q, answers.values[q]) for q, _ in r.evidence(info))
            # the later levels that hold too, with what they read: detail for the full format
            also = tuple(
                (lv, tuple(Evidence(q, env[q]) for q in lv.when.names if q in env))
                for lv in rule.levels[n + 1 :]
                if lv.when(env) is True
            )
            return Finding(rule, info.severity, info.weight, evidence, level.advice or rule.advice, n, also)

        undecided = tuple(
            Undecided(self.rules[u.rule_index], u.ask, u.max_severity, u.max_weight, u.severities) for u in r.undecided
        )
        return Verdict(
            WORDS[r.verdict],
            r.score,
            tuple(finding(f) for f in r.red),
            tuple(finding(f) for f in r.good),
            tuple(finding(f) for f in r.notes),
            undecided,
            tuple(AskNext(q, rules) for q, rules in r.ask_next),
            answers,
            tuple(r.ignored),
            r.best,
            r.worst,
        )
