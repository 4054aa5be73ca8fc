"""The score, the verdict and its range (evaluate.verdict_range) as SQL: the Plan's steps after
the rules' outcomes."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from sqlglot import exp

from clientcheck.model import Level
from clientcheck.sql.layers import Layers
from clientcheck.sql.nodes import add, alias, and_, case, col, is_null, lit, not_, or_, paren


def _double(w: float) -> exp.Expression:
    return lit(float(w))


def _by_weight(
    levels: Sequence[Level], weight: Callable[[float], exp.Expression], zero: exp.Expression
) -> list[tuple[exp.Expression, list[int]]]:
    """The levels' weights as literals, each with the levels (1-based) that have it, in level
    order; a weight that is the zero's is left to the ELSE (one test a weight, not a level)."""
    out: dict[str, tuple[exp.Expression, list[int]]] = {}
    for i, lv in enumerate(levels):
        w = weight(lv.weight)
        out.setdefault(w.sql(), (w, []))[1].append(i + 1)
    out.pop(zero.sql(), None)
    return list(out.values())


def _one_of(level: exp.Expression, levels: Sequence[int]) -> exp.Expression:
    if len(levels) == 1:
        return exp.EQ(this=level.copy(), expression=lit(levels[0]))
    return exp.In(this=level.copy(), expressions=[lit(i) for i in levels])


class Scoring(Layers):
    def integral(self) -> bool:
        """Are the weights that make the score all whole (the score then is a whole number)?"""
        return all(isinstance(lv.weight, int) for rule in self.chosen if rule.kind != "note" for lv in rule.levels)

    def weight(self, w: float) -> exp.Expression:
        return exp.Literal.number(w) if self.integral() else lit(float(w))

    def level_is(self, tag: str, r: int, levels: Sequence[int]) -> exp.Expression:
        """Did rule r fire at one of these levels (1-based)? NULL while it is undecided: for a CASE
        condition or an OR, where that counts as no (a COALESCE would cost a step a row)."""
        o = col(self.name(tag + "o", r))
        return exp.In(this=o, expressions=[lit(i) for i in levels])

    def level_weight(
        self, level: exp.Expression, r: int, weight: Callable[[float], exp.Expression], zero: exp.Expression
    ) -> exp.Expression:
        """The weight of rule r's level whose number (1, 2, ...) `level` holds; zero for none."""
        whens = [(_one_of(level, levels), w) for w, levels in _by_weight(self.rules[r].levels, weight, zero)]
        return case(whens, zero) if whens else zero

    def score(self) -> exp.Expression:
        zero = self.weight(0)
        red: list[exp.Expression] = []
        good: list[exp.Expression] = []
        for r in self.chosen_index:
            rule = self.rules[r]
            if rule.kind == "note":
                continue
            term = self.level_weight(col(self.name("ko", r)), r, self.weight, zero.copy())
            (red if rule.kind == "red-flag" else good).append(term)
        return exp.Sub(this=paren(add(red, zero)), expression=paren(add(good, zero.copy())))

    def severities(self) -> list[str]:
        return list(self.catalog.policy.severities)

    def _fired_at(self, tag: str, sev: str) -> list[exp.Expression]:
        """Per chosen red flag with a level of this severity: did it fire at one (NULL: no)."""
        tests = []
        for r in self.chosen_index:
            rule = self.rules[r]
            levels = [i + 1 for i, lv in enumerate(rule.levels) if lv.severity == sev]
            if rule.kind == "red-flag" and levels:
                tests.append(self.level_is(tag, r, levels))
        return tests

    def counts(self, tag: str) -> dict[str, exp.Expression]:
        """How many chosen red flags fired at each severity, in a pass."""
        return {
            sev: add([case([(test, lit(1))], lit(0)) for test in self._fired_at(tag, sev)], lit(0))
            for sev in self.severities()
        }

    def any_fired(self, tag: str) -> dict[str, exp.Expression]:
        """Did a chosen red flag fire at each severity, in a pass: an OR of the rules' tests, which
        is true, or else false or NULL, never counted (a CASE condition takes NULL for no)."""
        return {sev: or_(*self._fired_at(tag, sev)) for sev in self.severities()}

    def verdict(
        self,
        counts: Mapping[str, exp.Expression],
        score: exp.Expression,
        fired: Mapping[str, exp.Expression] | None = None,
    ) -> exp.Expression:
        """Policy.verdict in SQL; fired: per severity, a test that one fired, for `any_severity`
        (cheaper than its count)."""
        policy = self.catalog.policy
        whens = []
        for word, threshold in (("decline", policy.decline_if), ("caution", policy.caution_if)):
            tests: list[exp.Expression] = []
            for sev in threshold.any_severity:
                if fired is not None and sev in fired:
                    tests.append(paren(fired[sev].copy()))
                elif sev in counts:
                    tests.append(exp.GT(this=paren(counts[sev].copy()), expression=lit(0)))
            for sev, n in threshold.counts:
                if sev in counts:
                    tests.append(exp.GTE(this=paren(counts[sev].copy()), expression=lit(n)))
            if threshold.min_score is not None:
                tests.append(exp.GTE(this=paren(score.copy()), expression=self.weight(threshold.min_score)))
            whens.append((or_(*tests), exp.Literal.string(word)))
        return case(whens, exp.Literal.string("go"))

    def range_columns(self) -> list[exp.Expression]:
        """What evaluate.verdict_range starts from, in the "could still happen" pass: the settled
        counts and weights, and per open rule what it could still add."""
        out: list[exp.Expression] = []
        for sev, count in self.counts("x").items():
            out.append(alias(count, self.name("xc", sev)))
        red: list[exp.Expression] = []
        good: list[exp.Expression] = []
        for r in self.chosen_index:
            rule = self.rules[r]
            if rule.kind == "note":
                continue
            o = col(self.name("xo", r))
            fired = self.level_weight(o, r, _double, lit(0.0))
            (red if rule.kind == "red-flag" else good).append(fired)
            # its heaviest open level's weight while undecided (then a level is open), else 0
            weights = _by_weight(rule.levels, _double, lit(0.0))
            if len({float(lv.weight) for lv in rule.levels}) == 1:
                most = case([(is_null(o.copy()), lit(float(rule.levels[0].weight)))], lit(0.0))
            else:
                t = col(self.name("xt", r))
                whens = [(not_(is_null(o.copy())), lit(0.0))]
                whens += [(_one_of(t, levels), w) for w, levels in weights]
                most = case(whens, lit(0.0))
            out.append(alias(most, self.name("xm", r)))
            if self.signed():  # the lightest open level's weight too (evaluate.OpenItem.worst/best)
                lightest = case(
                    [
                        (col(self.name("xp", r, i)), lit(float(rule.levels[i].weight)))
                        for i in sorted(range(len(rule.levels)), key=lambda i: rule.levels[i].weight)
                    ],
                    lit(0.0),
                )
                out.append(alias(case([(is_null(o.copy()), lightest)], lit(0.0)), self.name("xlo", r)))
            if rule.kind == "red-flag":
                for sev in self.severities():
                    levels = [i for i, lv in enumerate(rule.levels) if lv.severity == sev]
                    if len(levels) == len(rule.levels):  # undecided, it has an open level: one of these
                        out.append(alias(case([(is_null(o.copy()), lit(1))], lit(0)), self.name("xw", r, sev)))
                    elif levels:
                        could = or_(*(col(self.name("xp", r, i)) for i in levels))
                        out.append(
                            alias(case([(and_(is_null(o.copy()), could), lit(1))], lit(0)), self.name("xw", r, sev))
                        )
        out.append(alias(add(red, lit(0.0)), self.name("xred")))
        out.append(alias(add(good, lit(0.0)), self.name("xgood")))
        return out

    def signed(self) -> bool:
        """Has a chosen rule a negative weight? Then what an open rule can still add to the score,
        or take off it, is not simply its heaviest open weight (evaluate.OpenItem.worst/best)."""
        return any(
            lv.weight < 0 for r in self.chosen_index if self.rules[r].kind != "note" for lv in self.rules[r].levels
        )

    def worst_part(self, r: int) -> exp.Expression:
        """evaluate.OpenItem.worst of rule r (0 when it is settled), for a catalog that is signed()."""
        if self.rules[r].kind == "red-flag":
            return exp.Greatest(this=col(self.name("xm", r)), expressions=[lit(0.0)])
        return exp.Neg(this=exp.Least(this=col(self.name("xlo", r)), expressions=[lit(0.0)]))

    def best_part(self, r: int) -> exp.Expression:
        """evaluate.OpenItem.best of rule r (0 when it is settled), for a catalog that is signed()."""
        if self.rules[r].kind == "red-flag":
            return exp.Neg(this=exp.Least(this=col(self.name("xlo", r)), expressions=[lit(0.0)]))
        return exp.Greatest(this=col(self.name("xm", r)), expressions=[lit(0.0)])

    def _kinds(self, kind: str) -> list[int]:
        return [r for r in self.chosen_index if self.rules[r].kind == kind]

    def exact(self) -> bool:
        """Are the weights such that every sum of them is exact in floating point? Then a total
        less one term equals the sum without it, as evaluate.pivots computes it."""
        weights = [lv.weight for r in self.chosen_index for lv in self.rules[r].levels]
        return all(float(w * 1024).is_integer() and abs(w) < 2**30 for w in weights)

    def worst_counts(self, without: int | None = None) -> dict[str, exp.Expression]:
        counts: dict[str, exp.Expression] = {}
        for sev in self.severities():
            terms = [
                col(self.name("xw", r, sev))
                for r in self._kinds("red-flag")
                if r != without and any(lv.severity == sev for lv in self.rules[r].levels)
            ]
            counts[sev] = add(terms, col(self.name("xc", sev)))
        return counts

    def worst_score(self, without: int | None = None) -> exp.Expression:
        base = exp.Sub(this=col(self.name("xred")), expression=col(self.name("xgood")))
        if self.signed():  # evaluate._totals: every open rule's part, in rule order
            return add([self.worst_part(r) for r in self.chosen_index if self.rules[r].kind != "note"], base)
        return add([col(self.name("xm", r)) for r in self._kinds("red-flag") if r != without], base)

    def best_score(self, heavy: int | None = None, without: int | None = None) -> exp.Expression:
        if self.signed():  # evaluate._totals: every open rule's part taken off, in rule order
            total: exp.Expression = exp.Sub(this=col(self.name("xred")), expression=col(self.name("xgood")))
            for r in self.chosen_index:
                if self.rules[r].kind != "note":
                    total = exp.Sub(this=total, expression=paren(self.best_part(r)))
            return total
        red: exp.Expression = col(self.name("xred"))
        if heavy is not None:
            red = exp.Add(this=red, expression=col(self.name("xm", heavy)))
        score: exp.Expression = exp.Sub(this=paren(red), expression=col(self.name("xgood")))
        for r in self._kinds("good-sign"):
            if r != without:
                score = exp.Sub(this=score, expression=col(self.name("xm", r)))
        return score

    def worst(self, without: int | None = None) -> exp.Expression:
        """The worst verdict of verdict_range, leaving out one open rule (pivots) or none."""
        if without is None:
            totals: dict[str, exp.Expression] = {sev: col(self.name("wc", sev)) for sev in self.severities()}
            return self.verdict(totals, col(self.name("ws")))
        if not self.exact() and not self.signed():
            return self.verdict(self.worst_counts(without), self.worst_score(without))
        counts: dict[str, exp.Expression] = {}
        for sev in self.severities():
            count: exp.Expression = col(self.name("wc", sev))
            if any(lv.severity == sev for lv in self.rules[without].levels):
                count = exp.Sub(this=count, expression=col(self.name("xw", without, sev)))
            counts[sev] = count
        part = self.worst_part(without) if self.signed() else col(self.name("xm", without))
        return self.verdict(counts, exp.Sub(this=col(self.name("ws")), expression=paren(part)))

    def best(self, heavy: int | None = None, without: int | None = None) -> exp.Expression:
        """The best verdict of verdict_range; heavy: a red flag counted as fired at its heaviest;
        without: a good sign left out."""
        counts: dict[str, exp.Expression] = {}
        for sev in self.severities():
            count: exp.Expression = col(self.name("xc", sev))
            if heavy is not None and any(lv.severity == sev for lv in self.rules[heavy].levels):
                count = exp.Add(this=count, expression=col(self.name("xw", heavy, sev)))
            counts[sev] = count
        if heavy is None and without is None:
            return self.verdict(counts, col(self.name("bs")))
        if self.signed():  # evaluate.pivots: b + it.best (+ it.max_weight for a red flag at its heaviest)
            moved = heavy if heavy is not None else without
            assert moved is not None
            score = exp.Add(this=col(self.name("bs")), expression=paren(self.best_part(moved)))
            if heavy is not None:
                score = exp.Add(this=score, expression=col(self.name("xm", heavy)))
            return self.verdict(counts, score)
        if not self.exact():
            return self.verdict(counts, self.best_score(heavy, without))
        moved = heavy if heavy is not None else without
        assert moved is not None
        return self.verdict(counts, exp.Add(this=col(self.name("bs")), expression=col(self.name("xm", moved))))

    @staticmethod
    def step(verdict: exp.Expression) -> exp.Expression:
        return case(
            [
                (exp.EQ(this=verdict, expression=exp.Literal.string("go")), lit(0)),
                (exp.EQ(this=verdict.copy(), expression=exp.Literal.string("caution")), lit(1)),
            ],
            lit(2),
        )
