"""The base of the Plan: what it holds, the names of its columns, its chain of steps."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from sqlglot import exp

from clientcheck.model import Catalog, Question, Rule
from clientcheck.sql.nodes import col, ident

if TYPE_CHECKING:
    from clientcheck.sql.plan import AskEntry


class Layers:
    """Set by Plan.__init__; the mixins above it read them."""

    catalog: Catalog
    chosen: tuple[Rule, ...]
    rules: tuple[Rule, ...]
    rule_index: dict[str, int]
    chosen_index: list[int]
    questions: dict[str, Question]
    order: dict[str, int]
    prefix: str
    keep: tuple[str, ...]
    ctes: list[tuple[str, exp.Select]]
    materialized: set[str]  # CTEs DuckDB computes once before the rest (lookup.py)
    entries: dict[str, list[list[AskEntry]]]
    candidates: dict[str, None]

    # a rule's columns in the "could still happen" pass; a rule in `same` has none of its own
    PASS_COLUMNS = frozenset(("xl", "xf", "xp", "xt", "xo"))
    same: set[int]  # Plan.__init__ sets it before anything is named

    def name(self, *parts: object) -> str:
        if len(parts) > 1 and parts[1] in self.same and parts[0] in self.PASS_COLUMNS:
            # both passes see the same for this rule (plan.rule_layers): the known pass's column
            parts = ("k" + str(parts[0])[1:], *parts[1:])
        return self.prefix + "_".join(str(p) for p in parts)

    def value(self, qid: str, tag: str = "k") -> exp.Expression:
        """A question's answer as a pass counts it (NULL: unknown, or it does not apply)."""
        q = self.questions[qid]
        return col(self.name(tag + "e", qid)) if q.when is not None else col(qid)

    def add_layer(self, label: str, new: Sequence[exp.Expression] | exp.Select) -> None:
        cte = self.name(label)
        if isinstance(new, exp.Select):
            self.ctes.append((cte, new))
        elif new:
            prev = self.ctes[-1][0]
            self.ctes.append((cte, exp.select(exp.Star(), *new).from_(exp.to_table(prev, quoted=True), copy=False)))

    @property
    def last(self) -> str:
        return self.ctes[-1][0]

    def query(self, outputs: Sequence[exp.Expression], frm: str | None = None) -> exp.Select:
        # copy=False throughout: sqlglot's builders otherwise copy the whole tree at every call
        select = exp.select(*outputs).from_(exp.to_table(frm or self.last, quoted=True), copy=False)
        for name, cte in self.ctes:
            select = select.with_(ident(name), as_=cte, copy=False, materialized=name in self.materialized or None)
        return select
