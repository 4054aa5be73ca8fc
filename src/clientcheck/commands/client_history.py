"""What the assessing commands (check, interview, reply) do with a named client's history:
fill in answers from it and save the assessment, saying each on stderr as a note (-q leaves
them out: stdout carries only the verdict, and JSON must stay JSON)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from clientcheck.cliopts import say_note
from clientcheck.errors import UsageError
from clientcheck.history.payments import Facts
from clientcheck.history.records import Assessment
from clientcheck.model import Answers, Catalog, Verdict


def with_history(catalog: Catalog, given: Answers, client: str, db: Path | None, lang: str) -> tuple[Answers, Facts]:
    """prefill, and say on stderr which answers came from the client's history."""
    from clientcheck.history import prefill
    from clientcheck.render.history_text import describe_facts

    answers, facts = prefill(catalog, client, db, given)
    line = describe_facts(facts, lang)
    if line:
        say_note(line)
    return answers, facts


def remember(
    verdict: Verdict, catalog: Catalog, lang: str, client: str, db: Path | None, facts: Facts | None
) -> Assessment:
    """save, and say on stderr under which number."""
    from clientcheck.history import save  # looked up when called: a test may stand in for it
    from clientcheck.render.history_text import saved_line

    saved = save(verdict, catalog, lang, client, db, facts)
    say_note(saved_line(saved, lang))
    return saved


def refuse_partial(chosen: Sequence[object] | None, no_save: bool) -> None:
    """A verdict on some of the rules (--select / --ignore) is not an assessment to keep."""
    if chosen is not None and not no_save:
        from clientcheck.i18n import detect_language, t

        raise UsageError(t(detect_language(None), "history.partial"))
