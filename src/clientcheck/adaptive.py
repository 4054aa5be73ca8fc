"""Which question to ask next, so that an interview settles its verdict in as few as it can.

The engine gives every verdict a range: the best and the worst verdict still reachable when the
unknown answers become known (Verdict.best / Verdict.worst; settled when they are equal). For
each question that may be asked now (its `when` true, not yet answered), we try each answer it
can take and see how far the range would narrow; the question whose answers narrow it most on
average is asked next. Ties go to the engine's own ask-next ranking, then to file order.

A number question's possible answers are found in the rules: the numbers it is compared with
(and one either side), its bounds, and the known answers it is compared against. A text question
narrows nothing and is asked last. Pure: no terminal, no printing.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from typing import Any

from clientcheck.evaluate import evaluate, possibilities, range_of
from clientcheck.model import UNKNOWN, VERDICTS, Answers, Catalog, Question, Verdict


def width(verdict: Verdict) -> int:
    """How many verdict steps apart the best and worst reachable verdicts are (0: settled)."""
    return VERDICTS.index(verdict.worst) - VERDICTS.index(verdict.best)


def _nodes(node: Any) -> Iterator[Any]:
    """Every node of a condition tree, whatever its kind (new kinds included)."""
    yield node
    if isinstance(node, tuple):
        for part in node:
            if isinstance(part, tuple):
                yield from _nodes(part)


def _compared(catalog: Catalog) -> dict[str, set[Any]]:
    """Per number question: the literals and other question names it is compared with."""
    out: dict[str, set[Any]] = {}
    conditions = [lv.when for r in catalog.rules for lv in r.levels]
    conditions += [q.when for q in catalog.questions.values() if q.when is not None]
    for cond in conditions:
        for node in _nodes(cond.tree):
            if type(node).__name__ != "Compare":
                continue
            left, right = node.left, node.right
            for a, b in ((left, right), (right, left)):
                if type(a).__name__ == "Name":
                    other = b.value if type(b).__name__ == "Lit" else b.name if type(b).__name__ == "Name" else None
                    if other is not None and not isinstance(other, bool):
                        out.setdefault(a.name, set()).add(other)
    return out


class Chooser:
    """Picks the next question for one catalog; built once per interview."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.compared = _compared(catalog)
        self.order = {qid: i for i, qid in enumerate(catalog.questions)}

    def possible_answers(self, q: Question, known: Mapping[str, Any]) -> list[Any]:
        if q.type == "yesno":
            return [True, False]
        if q.type == "choice":
            return list(q.choice_ids)
        if q.type == "multi":
            return [frozenset(), *(frozenset({c}) for c in q.choice_ids)]
        if q.type == "text":
            return []
        points: set[float] = set()
        for other in self.compared.get(q.id, ()):
            value = known.get(other) if isinstance(other, str) else other
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                points.update((value - 1, value, value + 1))
        for bound in (q.min, q.max):
            if bound is not None:
                points.add(bound)
        lo = q.min if q.min is not None else float("-inf")
        hi = q.max if q.max is not None else float("inf")
        fit = sorted(p for p in points if lo <= p <= hi)
        if q.type == "integer":
            fit = sorted({int(p) for p in fit if float(p).is_integer()})
        return list(fit)

    def scores(
        self, answers: Answers, candidates: Iterable[str], single: Collection[str] = ()
    ) -> list[tuple[str, float]]:
        """(question, what its answer is worth in narrowing the verdict range), best first.

        First, how far the rules a question opens could move the best verdict: a yes to "worked
        with them before?" narrows nothing by itself, but it opens a rule that alone means
        decline, so the deal-breakers are asked before the lesser flags. Among those, what one
        answer narrows now (the range's width less its width after each possible answer, on
        average) plus how short the rule's path is (one over its questions still unknown): the
        decline that takes one or two answers to confirm is asked before the one that takes four.
        Ties go to the engine's ask-next ranking, then to file order.
        """
        base = evaluate(self.catalog, answers)
        now = width(base)
        candidates = list(candidates)
        best = VERDICTS.index(base.best)
        policy = self.catalog.policy
        known = {k: v for k, v in answers.values.items() if v is not UNKNOWN}
        reach: dict[str, tuple[int, float]] = {}  # question -> (verdict steps its rules could add, 1 / path)
        for u in base.undecided:
            alone = VERDICTS.index(policy.verdict({u.max_severity: 1} if u.max_severity else {}, u.max_weight))
            path = len({n for lv in u.rule.levels for n in lv.when.names if n not in known}) or 1
            for qid in u.ask:
                reach[qid] = max(reach.get(qid, (0, 0.0)), (max(alone - best, 0), 1 / path))
        engine_rank = {a.question: i for i, a in enumerate(base.ask_next)}
        open_flags = [u.rule.id for u in base.undecided if u.rule.kind == "red-flag"]
        scored: list[tuple[str, int, float, int, int]] = []
        for members in self.prompts(candidates, single):
            qid = members[0]
            outcomes = self.possible_sets(members, known)
            gain = 0.0
            if outcomes and now > 0:
                total = 0.0
                for values in outcomes:
                    # only the range is needed here: the engine's own range, without the rest of a verdict
                    after = answers._replace(values={**answers.values, **values})
                    possible = possibilities(self.catalog, after)
                    best_after, worst_after = range_of(self.catalog, possible)
                    total += now - (VERDICTS.index(worst_after) - VERDICTS.index(best_after))
                    # and, worth less than any narrowing, the open red flags it decides by itself: a
                    # budget of 20,000 rules out "can't afford" whatever the billing, while the
                    # billing alone decides nothing until the amount is known
                    decided = sum(1 for rid in open_flags if possible[rid].status != "undecided")
                    total += decided / (len(open_flags) + 1)
                gain = total / len(outcomes)
            steps, shortness = max(reach.get(m, (0, 0.0)) for m in members) if now > 0 else (0, 0.0)
            # a checklist settles its lines in one prompt: each line it decides counts
            lines = sum(1 for m in members if m in reach) if now > 0 else 0
            scored.append(
                (
                    qid,
                    steps,
                    gain + shortness + max(lines - 1, 0),
                    min(engine_rank.get(m, len(engine_rank)) for m in members),
                    self.order.get(qid, 0),
                )
            )
        scored.sort(key=lambda s: (-s[1], -s[2], s[3], s[4]))
        return [(qid, steps + worth) for qid, steps, worth, _, _ in scored]

    def prompts(self, candidates: Iterable[str], single: Collection[str] = ()) -> list[list[str]]:
        """The candidates as the interview would ask them: a checklist's lines together, one prompt
        (single: lines put off with "not sure about some", now asked one by one)."""
        out: list[list[str]] = []
        groups: dict[str, list[str]] = {}
        for qid in candidates:
            item = self.catalog.questions[qid].checklist
            if item is None or qid in single:
                out.append([qid])
            elif item.group in groups:
                groups[item.group].append(qid)
            else:
                groups[item.group] = [qid]
                out.append(groups[item.group])
        return out

    def possible_sets(self, members: Sequence[str], known: Mapping[str, Any]) -> list[dict[str, Any]]:
        """The answers one prompt can give: a question's possible answers, or for a checklist,
        nothing ticked and each line ticked alone (every combination would be 2**lines)."""
        if len(members) == 1:
            qid = members[0]
            return [{qid: v} for v in self.possible_answers(self.catalog.questions[qid], known)]
        items = {m: self.catalog.questions[m].checklist for m in members}
        none = {m: not item.ticked for m, item in items.items() if item is not None}
        return [none, *({**none, m: item.ticked} for m, item in items.items() if item is not None)]

    def choose(self, answers: Answers, candidates: Sequence[str], single: Collection[str] = ()) -> str | None:
        if not candidates:
            return None
        if len(candidates) == 1:
            return candidates[0]
        return self.scores(answers, candidates, single)[0][0]
