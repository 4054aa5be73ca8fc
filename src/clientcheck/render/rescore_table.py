"""`clientcheck rescore`: the saved verdicts the rules in effect would change, and why."""

from __future__ import annotations

from collections.abc import Sequence

from clientcheck.history.compare import Rescored
from clientcheck.i18n import t
from clientcheck.model import Catalog
from clientcheck.render.history_cells import console, text, verdict_cell, when
from clientcheck.render.names import severity_name


def why(r: Rescored, catalog: Catalog, lang: str) -> list[str]:
    """What would change in one rescored assessment, a line each."""
    lines: list[str] = []
    lines += [f"+ {f.id} ({severity_name(catalog, f.severity, lang)})" for f in r.change.gained]
    lines += [
        f"~ {new.id} ({severity_name(catalog, old.severity, lang)} → {severity_name(catalog, new.severity, lang)})"
        for old, new in r.change.moved
    ]
    lines += [f"- {f.id}" for f in r.change.lost]
    if r.dropped:
        lines.append(t(lang, "history.dropped", ids=", ".join(r.dropped)))
    return lines


def print_rescored(
    total: int, changed: Sequence[Rescored], catalog: Catalog, path: str, lang: str, quiet: bool = False
) -> None:
    """How many of the total saved verdicts would change, then each (blocks on a narrow terminal)."""
    from rich.console import Group
    from rich.table import Table

    from clientcheck.render.table import NARROW, hang

    out = console()
    digest = catalog.digest[:12]
    if total == 0:
        out.print(text(t(lang, "history.none", path=path)))
        return
    if not changed:
        out.print(text(t(lang, "history.rescore.none", total=total, digest=digest)))
        return
    if not quiet:  # the heading: with -q, the changed verdicts only
        some = t(lang, "history.rescore.some", changed=len(changed), total=total, digest=digest)
        out.print(text(some, "bold"))
    if out.width < NARROW:
        blocks = []
        for r in changed:
            head = text(r.assessment.client, "bold")
            head.append(f" · {when(r.assessment.created_at, lang)}", style="dim")
            move = verdict_cell(lang, r.assessment.verdict)
            move.append(" → ")
            move.append_text(verdict_cell(lang, r.verdict.verdict))
            blocks.append(hang(f"#{r.assessment.id}", head, move, text("\n".join(why(r, catalog, lang)))))
        out.print(Group(*blocks))
        return
    table = Table(expand=True)
    table.add_column(t(lang, "history.col.id"), justify="right", no_wrap=True)
    table.add_column(t(lang, "history.col.when"), no_wrap=True)
    table.add_column(t(lang, "history.col.client"), ratio=2)
    table.add_column(t(lang, "history.col.was"), no_wrap=True)
    table.add_column(t(lang, "history.col.would_be"), no_wrap=True)
    table.add_column(t(lang, "history.col.why"), ratio=4)
    for r in changed:
        table.add_row(
            str(r.assessment.id),
            when(r.assessment.created_at, lang),
            text(r.assessment.client),
            verdict_cell(lang, r.assessment.verdict),
            verdict_cell(lang, r.verdict.verdict),
            text("\n".join(why(r, catalog, lang))),
        )
    out.print(table)
