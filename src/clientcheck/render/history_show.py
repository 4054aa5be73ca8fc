"""`clientcheck show`: a saved assessment's heading, what changed since, then the verdict's table."""

from __future__ import annotations

import sys

from clientcheck.history.records import Assessment
from clientcheck.i18n import t
from clientcheck.model import Catalog, Verdict
from clientcheck.render.history_cells import console, text, when
from clientcheck.render.names import verdict_word


def print_assessment(
    a: Assessment,
    verdict: Verdict,
    dropped: tuple[str, ...],
    faithful: bool,
    catalog: Catalog,
    lang: str,
    quiet: bool = False,
) -> None:
    """The assessment re-evaluated as `verdict`; unless faithful (the same rules, the same verdict),
    a line says that the rules changed and which answers they no longer take."""
    from clientcheck.render.table import render

    out = console()
    head = t(lang, "history.show.head", id=a.id, client=a.client, when=when(a.created_at, lang))
    out.print(text(f"{head} · {t(lang, 'history.col.rules').lower()} {a.rules_digest[:12]}", "bold"))
    if a.from_history and not quiet:
        out.print(text(t(lang, "history.show.from", keys=", ".join(a.from_history)), "dim"))
    if not faithful:
        same_rules = a.rules_digest == catalog.digest
        out.print(
            text(
                t(
                    lang,
                    "history.show.rejudged" if same_rules else "history.show.changed",
                    id=a.id,
                    then=a.rules_digest[:12],
                    now=catalog.digest[:12],
                    was_verdict=verdict_word(lang, a.verdict),
                    now_verdict=verdict_word(lang, verdict.verdict),
                ),
                "yellow",
            )
        )
        if dropped:
            out.print(text(t(lang, "history.dropped", ids=", ".join(dropped)), "yellow"))
    sys.stdout.flush()
    render(verdict, catalog, lang, sys.stdout)
    sys.stdout.flush()
