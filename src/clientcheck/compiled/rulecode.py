"""The rules' part of the scoring function's source: each rule's levels as nested tests, what it
adds when it fires, and, when it is undecided, what to ask (remembered per shape) and its part in
the verdict range. _Compiler (codegen.py) writes the rest around it.
"""

from __future__ import annotations

from typing import Any

from clientcheck.compiled.expr import _Expr, _known_when, _Source, _undecided_means_unknown
from clientcheck.compiled.result import FindingInfo, OpenRule
from clientcheck.compiled.runtime import _Runtime
from clientcheck.evaluate import severities_of
from clientcheck.model import Level, Rule

# A rule's totals: red weight, good weight, decline / caution flags, the list its open items
# go to ("" when none: the range's pass needs totals only), and the prefix of those items' sums
Acc = tuple[str, str, str, str, str, str]
NEST_LIMIT = 40  # levels of a rule tested nested; past that, as one chain (Python allows 100 indents)


class _RuleCode(_Runtime):
    """Writes the rules, for _Compiler, into its source."""

    src: _Source
    acc: Acc  # where a rule adds its weight and flags, lists an open item, sums its part in the range
    counters: dict[str, str]  # a severity a threshold counts -> its counter's local
    rank: dict[int, int]  # a red level (by id) -> its place among the findings
    finding_infos: list[FindingInfo]
    maybe_unset: set[str]  # locals that may hold UNSET for "not answered" (codegen.prepare)

    def fire(self, rule: Rule, index: int, level: Level, depth: int) -> None:
        e = self.src.emit
        names = tuple((n, self.index[n]) for n in level.when.names)
        info = FindingInfo(
            rule,
            index,
            level.severity,
            level.weight,
            names,
            _known_when(level.when.tree, True),
            self.rank.get(id(level), 0),
        )
        self.finding_infos.append(info)
        if self.record is None:
            name = self.src.const(info)
        elif rule.kind == "red-flag":
            name = ""  # its rank in red
        else:
            name = self.src.const(self.record.finding(info))
        w = self.src.literal(level.weight)
        policy = self.catalog.policy
        sr, sg, dh, ch, listed, _ = self.acc
        start = len(self.src.lines)
        # a whole 0 adds nothing (a float 0.0 would make the sum a float: that one is written)
        adds = not (level.weight == 0 and isinstance(level.weight, int))
        if rule.kind == "red-flag":
            if listed and self.record is not None:
                # a red level's rank, an int: they sort in C, and index their findings' bytes
                self.red_pieces[info.rank] = self.record.finding(info)
                e(depth, f"red.append({info.rank})")
            elif listed:
                e(depth, f"red.append({name})")
            if adds:
                e(depth, f"{sr} = {sr} + {w}")
            if level.severity in self.counters:
                counter = self.counters[level.severity]
                e(depth, f"{counter} = {counter} + 1")
            if level.severity in policy.decline_if.any_severity:
                e(depth, f"{dh} = True")
            if level.severity in policy.caution_if.any_severity:
                e(depth, f"{ch} = True")
        elif rule.kind == "good-sign":
            if listed:
                e(depth, f"good.append({name})")
            if adds:
                e(depth, f"{sg} = {sg} + {w}")
        elif listed:
            e(depth, f"notes.append({name})")
        if len(self.src.lines) == start:  # nothing to add or list here
            e(depth, "pass")

    def ask_key(self, rule: Rule, ex: _Expr) -> str:
        """An int that, with the open levels, decides which questions to ask about the rule.

        The questions depend only on which names of the rule are unknown and, for a name whose
        question has a `when`, on that gate's value, recursively (evaluate._askable). Those are the
        bits; the answer for each key is worked out once by evaluate's own code and remembered.
        """
        bits: list[str] = []
        for name in self.closure(rule):
            local = ex.names.get(name, "None")
            bits.append(f"({local} is None or {local} is _U)" if local in self.maybe_unset else f"({local} is None)")
            when = self.catalog.questions[name].when
            if when is not None:
                bits.append(f"({ex.truth(when.tree, True)})")
                bits.append(f"({ex.truth(when.tree, False)})")
        # two questions behind one `when` test it alike: one bit says as much as two
        bits = list(dict.fromkeys(bits))
        shift = len(rule.levels)
        # (C if test else 0): a conditional jump, cheaper than turning a bool into an int and shifting
        # it; and + for |, the bits being apart: Python 3.11 runs int + int inline, int | int by a call
        return " + ".join(["op", *(f"({1 << (shift + i)} if {bit} else 0)" for i, bit in enumerate(bits))])

    def rule(self, rule: Rule, index: int, ex: _Expr) -> None:
        e = self.src.emit
        trues = [ex.truth(lv.when.tree, True) for lv in rule.levels]
        falses = [ex.truth(lv.when.tree, False) for lv in rule.levels]
        if len(rule.levels) == 1:
            level = rule.levels[0]
            e(1, f"if {trues[0]}:")
            self.fire(rule, index, level, 2)
            # not true: the rule is undecided if the level is not false either
            e(1, f"elif not {falses[0]}:")
            names = level.when.names
            if len(names) == 1 and self.catalog.questions[names[0]].when is None and _undecided_means_unknown(level):
                # the one name must be the unknown one: nothing to work out
                info = OpenRule(rule, index, level.severity, level.weight, names, severities_of([level]))
                shown = self.shown(info)
                self.listed(2, self.src.const(shown))
                self.add_part(2, info.fast)
                return
            e(2, "op = 1")
            self.open_rule(rule, index, ex, 2)
            return
        if len(rule.levels) > NEST_LIMIT:  # Python's parser allows only so many indents
            for i, level in enumerate(rule.levels):
                # as in evaluate: a level fires only when every level before it is known to be false
                e(1, f"{'if' if i == 0 else 'elif'} {' and '.join([*falses[:i], trues[i]])}:")
                self.fire(rule, index, level, 2)
            e(1, "else:")
            self.open_levels(rule, index, ex, trues, falses, 2)
            return
        # as in evaluate: a level fires only when every level before it is known to be false, so
        # each level is tested inside the "false" branch of the one before; each test once
        last = len(rule.levels) - 1
        for i, level in enumerate(rule.levels):
            e(1 + i, f"if {trues[i]}:")
            self.fire(rule, index, level, 2 + i)
            e(1 + i, f"elif {falses[i]}:" if i < last else f"elif not {falses[i]}:")
            if i == last:
                self.open_levels(rule, index, ex, trues, falses, 2 + i, i)
        # a level neither true nor false: the rule is undecided
        for i in range(last - 1, -1, -1):
            e(1 + i, "else:")
            self.open_levels(rule, index, ex, trues, falses, 2 + i, i)

    def open_levels(
        self, rule: Rule, index: int, ex: _Expr, trues: list[str], falses: list[str], depth: int, at: int | None = None
    ) -> None:
        """A rule of several levels that no level decided: which are still open, and the rest.

        at: the level known to be neither true nor false, those before it false (nested tests)."""
        # the levels still open: not known to be false, up to and including the first true one
        start = 0 if at is None else at + 1
        bits = [] if at is None else [str(1 << at)]  # and none before it: they are false
        bits += [
            f"({1 << bit} if not {falses[bit]}{''.join(f' and not {t}' for t in trues[start:bit])} else 0)"
            for bit in range(start, len(rule.levels))
        ]
        self.src.emit(depth, f"op = {' + '.join(bits)}")  # each a bit of its own: + is |, and faster (ask_key)
        if at is None:
            self.src.emit(depth, "if op:")
            depth += 1
        self.open_rule(rule, index, ex, depth)

    def open_rule(self, rule: Rule, index: int, ex: _Expr, depth: int) -> None:
        """An undecided rule (its open levels in op): what to ask, remembered per shape, listed."""
        e = self.src.emit
        memo = self.src.const(self.memos[index])
        values = ", ".join(ex.names.get(q, "None") for q in self.catalog.questions)
        e(depth, f"k = {self.ask_key(rule, ex)}")
        e(depth, f"x = {memo}.get(k)")
        e(depth, f"if x is None: x = _miss({index}, k, op, ({values},))")
        e(depth, "if x:")  # (what the list holds, its part in the range: runtime.miss) or False
        self.listed(depth + 1, "x[0]")
        if len(rule.levels) == 1:
            # one level: whatever is asked, its part in the range is that level's, known here
            level = rule.levels[0]
            one = OpenRule(rule, index, level.severity, level.weight, (), severities_of([level]))
            self.add_part(depth + 1, self.fast_item(one))
        else:
            self.add_part(depth + 1, None)

    def listed(self, depth: int, item: str) -> None:
        """An open rule into its list; the range's evaluation (both_ways) keeps none: it needs only
        the totals (pass stands in where nothing else is written)."""
        self.src.emit(depth, f"{self.acc[4]}.append({item})" if self.acc[4] else "pass")

    def add_part(self, depth: int, fast: tuple[Any, ...] | None) -> None:
        """An open item's part in the range, added where it is listed (evaluate._totals' sums):
        known here when the item is (fast), else read from the memo's entry x (runtime.miss).
        Not with counting thresholds: _range works the range out from the lists."""
        if self.counters:
            return
        e = self.src.emit
        to = self.acc[5]
        if fast is None:
            e(depth, f"{to}r += x[1]; {to}g += x[2]")
            e(depth, f"if x[3]: {to}d = True")
            e(depth, f"if x[4]: {to}c = True")
            return
        _, _, _, worst, best, declines, cautions = fast
        if worst:
            e(depth, f"{to}r += {self.src.literal(worst)}")
        if best:
            e(depth, f"{to}g += {self.src.literal(best)}")
        if declines:
            e(depth, f"{to}d = True")
        if cautions:
            e(depth, f"{to}c = True")

    def closure(self, rule: Rule) -> list[str]:
        """The questions a rule's outcome depends on: its names, and what decides their `when`s."""
        closure: dict[str, None] = {}
        todo = list(rule.names)
        while todo:
            name = todo.pop(0)
            if name in closure:
                continue
            closure[name] = None
            when = self.catalog.questions[name].when
            if when is not None:
                todo.extend(when.names)
        return list(closure)
