"""The questions to ask next (evaluate._ask_next, rank_questions) as SQL, and the public query of
`clientcheck sql`."""

from __future__ import annotations

from sqlglot import exp

from clientcheck.model import CLIENT_KEY
from clientcheck.sql.nodes import add, alias, and_, case, col, ident, is_null, lit, not_, or_, paren
from clientcheck.sql.scoring import Scoring

ASK_TOP = 3  # ask_1 .. ask_N in the public query


class Ranking(Scoring):
    def ask_flags(self) -> list[exp.Expression]:
        """Per chosen rule and pass, whether each question is one that would decide it."""
        out: list[exp.Expression] = []
        for tag in ("k", "x"):
            for r in self.chosen_index:
                entries = self.entries[tag][r]
                for qid in dict.fromkeys(e.question for e in entries):
                    flag = or_(*(e.cond.copy() for e in entries if e.question == qid))
                    out.append(alias(flag, self.name(tag + "k", r, self.order[qid])))
        return out

    def listed(self, tag: str, r: int) -> exp.Expression:
        """evaluate._ask_next's entries: the rules undecided on what is known ("k"), then those only
        the range still holds open ("x")."""
        known_open = is_null(col(self.name("ko", r)))
        return known_open if tag == "k" else and_(is_null(col(self.name("xo", r))), not_(known_open))

    def stakes(self) -> tuple[list[exp.Expression], list[exp.Expression]]:
        """evaluate._ask_next: each question's pivot and weight sums (rank_questions' stakes)."""
        b, w = self.step(col(self.name("best"))), self.step(col(self.name("worst")))
        pivot: dict[int, exp.Expression] = {}
        columns: list[exp.Expression] = []
        for r in self.chosen_index:
            kind = self.rules[r].kind
            narrow: exp.Expression
            if kind == "red-flag":
                narrow = exp.Add(
                    this=paren(exp.Sub(this=w.copy(), expression=self.step(self.worst(without=r)))),
                    expression=paren(exp.Sub(this=self.step(self.best(heavy=r)), expression=b.copy())),
                )
            elif kind == "good-sign":
                narrow = exp.Sub(this=self.step(self.best(without=r)), expression=b.copy())
                if self.signed():  # evaluate.pivots: not firing can lower the worst when a weight is negative
                    lower = exp.Sub(this=w.copy(), expression=self.step(self.worst(without=r)))
                    narrow = exp.Add(this=paren(lower), expression=paren(narrow))
            else:
                continue
            pivot[r] = col(self.name("pv", r))
            columns.append(alias(case([(is_null(col(self.name("xo", r))), narrow)], lit(0)), self.name("pv", r)))
        self.candidates = dict.fromkeys(
            sorted(
                {e.question for tag in ("k", "x") for r in self.chosen_index for e in self.entries[tag][r]},
                key=self.order.__getitem__,
            )
        )
        out: list[exp.Expression] = []
        for qid in self.candidates:
            pivots: list[exp.Expression] = []
            weights: list[exp.Expression] = []
            asked: list[exp.Expression] = []
            for tag in ("k", "x"):
                for r in self.chosen_index:
                    if not any(e.question == qid for e in self.entries[tag][r]):
                        continue
                    rule = self.rules[r]
                    hit = and_(self.listed(tag, r), col(self.name(tag + "k", r, self.order[qid])))
                    stake = case(
                        [
                            (
                                exp.EQ(this=col(self.name(tag + "t", r)), expression=lit(i + 1)),
                                lit(float(max(lv.weight, 0.5))),
                            )
                            for i, lv in enumerate(rule.levels)
                        ],
                        lit(0.0),
                    )
                    weights.append(case([(hit, stake)], lit(0.0)))
                    if r in pivot:
                        pivots.append(case([(hit.copy(), pivot[r])], lit(0)))
                    asked.append(hit.copy())
            out.append(alias(add(pivots, lit(0)), self.name("sp", self.order[qid])))
            out.append(alias(add(weights, lit(0.0)), self.name("sw", self.order[qid])))
            out.append(alias(or_(*asked), self.name("sa", self.order[qid])))
        return columns, out

    # -- queries

    def rank_layer(self) -> str:
        """Add the stakes and ranks of the questions to ask (once); returns the CTE to select from."""
        label = self.name("rk")
        if self.last == label:
            return label
        self.add_layer("af", self.ask_flags())
        pivots, stakes_ = self.stakes()
        self.add_layer("pv", pivots)
        self.add_layer("st", stakes_)
        exact = self.exact()
        if exact:
            # one number per question orders like (pivots, weights): the weights' sum is exact and
            # below 2**31, so pivots * 2**31 + weights is exact too; not asked: -1, below all
            keys = []
            for qid in self.candidates:
                n = self.order[qid]
                key = exp.Add(
                    this=exp.Mul(this=exp.cast(col(self.name("sp", n)), "DOUBLE"), expression=lit(float(2**31))),
                    expression=col(self.name("sw", n)),
                )
                keys.append(alias(case([(col(self.name("sa", n)), key)], lit(-1.0)), self.name("sk", n)))
            self.add_layer("sk", keys)
        new = []
        for qid in self.candidates:
            n = self.order[qid]
            beaten = []
            for other in self.candidates:
                if other == qid:
                    continue
                m = self.order[other]
                earlier = m < n  # a tie goes to the question asked first in the interview
                if exact:
                    cmp = exp.GTE if earlier else exp.GT
                    ahead: exp.Expression = cmp(this=col(self.name("sk", m)), expression=col(self.name("sk", n)))
                else:
                    p, w = col(self.name("sp", n)), col(self.name("sw", n))
                    op_, ow = col(self.name("sp", m)), col(self.name("sw", m))
                    ahead = or_(
                        exp.GT(this=op_, expression=p),
                        and_(
                            exp.EQ(this=op_.copy(), expression=p.copy()),
                            (exp.GTE if earlier else exp.GT)(this=ow, expression=w),
                        ),
                    )
                beaten.append(case([(ahead, lit(1))], lit(0)))
            new.append(alias(add(beaten, lit(0)), self.name("r", n)))
        self.add_layer("rk", new)
        return label

    def ask(self, k: int) -> exp.Expression:
        """The k-th question to ask (1-based), as evaluate's ask_next ranks them; NULL if none."""
        whens = []
        for qid in self.candidates:
            asked, rank = col(self.name("sa", self.order[qid])), col(self.name("r", self.order[qid]))
            whens.append((and_(asked, exp.EQ(this=rank, expression=lit(k - 1))), exp.Literal.string(qid)))
        return case(whens, exp.cast(exp.Null(), "TEXT"))

    def public(self, ask_top: int = ASK_TOP) -> exp.Select:
        """The query of `clientcheck sql`: per client, the kept columns, client, verdict, the range
        (best, worst, settled), score, a column per rule (the level that fired, 0 for not fired,
        NULL for undecided) and the first questions to ask."""
        frm = self.rank_layer() if ask_top else self.last
        outs: list[exp.Expression] = [col(k) for k in self.keep]
        outs.append(col(CLIENT_KEY))
        outs.append(alias(col(self.name("verdict")), "verdict"))
        outs.append(alias(col(self.name("best")), "best"))
        outs.append(alias(col(self.name("worst")), "worst"))
        outs.append(alias(exp.EQ(this=col(self.name("best")), expression=col(self.name("worst"))), "settled"))
        outs.append(alias(col(self.name("score")), "score"))
        for r in self.chosen_index:
            outs.append(alias(col(self.name("ko", r)), ident(self.rules[r].id)))
        for k in range(1, ask_top + 1):
            outs.append(alias(self.ask(k), f"ask_{k}"))
        return self.query(outs, frm)
