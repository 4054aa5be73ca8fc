"""What the scoring function calls back while it runs: evaluate's own code, for the rare cases.

An undecided rule in a shape not seen before (what to ask about it is worked out by
evaluate.ask_for and remembered), the verdict range with counting thresholds, and what to ask
next after the range's second pass. _Compiler (codegen.py) writes the calls; these answer them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from clientcheck.compiled.result import OpenRule, RecordFormat, Result, _pivots
from clientcheck.evaluate import ask_for, ask_order, verdict_range
from clientcheck.model import VERDICTS, Catalog, Rule

MEMO_LIMIT = 4096  # shapes of undecided rule remembered per rule; beyond that, worked out each time


class _Runtime:
    """The state the generated function shares with the code that wrote it."""

    def __init__(self, catalog: Catalog, rules: Sequence[Rule], record: RecordFormat | None) -> None:
        self.catalog = catalog
        self.rules = rules
        self.record = record
        self.index = {qid: i for i, qid in enumerate(catalog.questions)}
        self.memos: list[dict[int, Any]] = [{} for _ in rules]
        self.rank_severity: list[str | None] = []  # a red level's severity, by rank
        self.red_pieces: dict[int, bytes] = {}  # a red level's finding as bytes, by rank
        self.shapes: dict[int, bytes] = {}  # an undecided rule's bytes, by its key (shown)
        self.shape_rules: dict[int, OpenRule] = {}
        self.und_rank: dict[tuple[float, int], int] = {}
        self.unset: Any = None  # what a JSON Lines record holds for an answer it left out (maybe_unset)

    def fast_item(self, rule: OpenRule) -> tuple[Any, ...]:
        """An open rule's part in the range, as evaluate.verdict_range counts it: (kind, severities,
        max weight, what it can add to the worst score, what it can take off the best one (both
        OpenItem's), and whether one of its severities alone meets decline_if / caution_if)."""
        policy = self.catalog.policy
        red = rule.kind == "red-flag"
        return (
            rule.kind,
            rule.severities,
            rule.max_weight,
            rule.item.worst,
            rule.item.best,
            red and any(s in policy.decline_if.any_severity for s in rule.severities),
            red and any(s in policy.caution_if.any_severity for s in rule.severities),
        )

    def range(self, red: list[Any], red_score: float, good_score: float, und: list[Any]) -> tuple[int, int]:
        """(best, worst) for a client with undecided rules, by evaluate's own verdict_range, as
        indexes in VERDICTS."""
        counts: dict[str, int] = {}
        for f in red:
            severity = self.rank_severity[f] if f.__class__ is int else f.severity
            if severity:
                counts[severity] = counts.get(severity, 0) + 1
        items = [(self.shape_rules[u] if u.__class__ is int else u).item for u in und]
        best, worst = verdict_range(self.catalog.policy, counts, red_score, good_score, items)
        return VERDICTS.index(best), VERDICTS.index(worst)

    def shown(self, rule: OpenRule) -> Any:
        """An undecided rule as the function's output holds it: itself, or (sort key, bytes, itself)."""
        rule.fast = self.fast_item(rule)
        if self.record is None:
            return rule
        # an int that sorts as OpenRule.sort_key does (sorted in C), and indexes the shape's
        # bytes and range item
        key = self.und_rank[rule.sort_key] << 32 | (len(self.shapes) + 1)  # never 0: "if x:" reads it
        self.shapes[key] = self.record.open_rule(rule)
        self.shape_rules[key] = rule
        return key

    def miss(self, index: int, key: int, mask: int, values: tuple[Any, ...]) -> Any:
        """An undecided rule not seen in this shape before: evaluate's own code decides."""
        rule = self.rules[index]
        open_levels = [lv for bit, lv in enumerate(rule.levels) if mask & (1 << bit)]
        unset = self.unset
        env = {qid: values[i] for qid, i in self.index.items() if values[i] is not None and values[i] is not unset}
        top = max(open_levels, key=lambda lv: lv.weight)
        ask = ask_for(open_levels, env, self.catalog)
        # as in evaluate: a rule no question could decide does not fire, and is not listed
        found: tuple[Any, ...] | bool = False
        if ask:
            info = OpenRule.of(rule, index, top, open_levels, ask)
            # what the function lists, and its part in the range beside it: read where it is
            # added without a second lookup (rulecode.add_part)
            shown = self.shown(info)
            found = (shown, *info.fast[3:])
        memo = self.memos[index]
        if len(memo) < MEMO_LIMIT:
            memo[key] = found
        return found

    def ask_next(self, current: list[OpenRule], possible: Result) -> list[tuple[str, tuple[str, ...]]]:
        """What to ask, ranked as evaluate._ask_next ranks it, for a client whose range took a
        second pass: rules open now first, then those only the range still holds open."""
        open_rules: list[OpenRule] = possible[6]
        worth = dict(zip((u.id for u in open_rules), _pivots(possible), strict=True))
        return ask_order(
            [(u.ask, u.id, u.max_weight) for u in current],
            [(u.ask, u.id, u.max_weight) for u in open_rules],
            worth,
            self.index,
        )
