"""Texts looked up by a number, for the records DuckDB writes: an undecided rule's text is one
of a few hundred known in advance (asks.py), so the query picks it from a constant list rather
than joining it from pieces per row.

The lists are the columns of a one-row table joined to every row: a list written in the query as
a constant is built anew for every 2,048 rows it is read in, which for a list of a thousand texts
costs more than the lookups."""

from __future__ import annotations

from collections.abc import Sequence

from sqlglot import exp

from clientcheck.sql.layers import Layers
from clientcheck.sql.nodes import alias, col
from clientcheck.sql.sources import s

LIMIT = 4096  # texts in one list at most


class Lists:
    """Constant lists of texts for a plan, joined to its rows by join()."""

    def __init__(self, plan: Layers, label: str) -> None:
        self.plan = plan
        self.label = label
        self.columns: list[exp.Expression] = []

    def pick(self, texts: Sequence[str | None], index: exp.Expression) -> exp.Expression:
        """The text at index (1-based; NULL at 0 or for None)."""
        name = self.plan.name(self.label, len(self.columns))
        items = [s(t) if t is not None else exp.cast(exp.Null(), "TEXT") for t in texts]
        self.columns.append(alias(exp.Array(expressions=items), name))
        # offset=1: the index is 1-based as written (sqlglot would add one for DuckDB)
        return exp.Bracket(this=col(name), expressions=[index], offset=1)

    def join(self) -> None:
        """Join the lists to the plan's rows, as a layer read by the layers after it."""
        if not self.columns:
            return
        plan = self.plan
        rows = plan.last
        table = plan.name(self.label + "t")
        plan.ctes.append((table, exp.select(*self.columns)))
        # computed first, on its own: joined as an ordinary CTE, it keeps DuckDB from handing a
        # stream's rows (Feed, for JSON Lines) over in their order
        plan.materialized.add(table)
        joined = exp.select(exp.Star()).from_(exp.to_table(rows, quoted=True), copy=False)
        plan.add_layer(self.label + "j", joined.join(exp.to_table(table, quoted=True), join_type="cross", copy=False))
        self.columns = []
