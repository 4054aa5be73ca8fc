"""`clientcheck reply`: a letter to the client, ready to send (reply.py composes it)."""

from __future__ import annotations

import re
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from clientcheck.cli import (
    DbOpt,
    LangOpt,
    QuestionsOpt,
    QuietOpt,
    RulesOpt,
    app,
    completer,
    language_for,
    load_catalog_for,
)
from clientcheck.cliopts import client_option, format_option

if TYPE_CHECKING:
    from clientcheck.model import Catalog, Verdict

_ASSESSMENT = re.compile(r"^#?([0-9]+)$")  # any length: a number too large is "no such assessment"


class ReplyFormat(StrEnum):
    text = "text"
    markdown = "markdown"


@app.command()
def reply(
    source: Annotated[
        str,
        typer.Argument(
            metavar="ANSWERS|ID",
            autocompletion=completer("ASSESSMENT_OR_FILE"),
            help="An answers file (YAML or JSON; - for standard input), or the number of a saved "
            "assessment as 'clientcheck history' lists it.",
        ),
    ],
    fmt: Annotated[ReplyFormat, format_option("text (plain, to paste into an email) or markdown.")] = ReplyFormat.text,
    client: Annotated[
        str | None,
        client_option(
            "With an answers file: the client's name; their payment record fills in answers, as for "
            "'clientcheck check --client' (nothing is saved)."
        ),
    ] = None,
    anyway: Annotated[
        bool,
        typer.Option(
            "--anyway",
            help="Write the letter even when the verdict is not settled (answers still unknown could change it).",
        ),
    ] = False,
    quiet: QuietOpt = False,
    db: DbOpt = None,
    lang: LangOpt = None,
    rules: RulesOpt = None,
    questions: QuestionsOpt = None,
) -> int:
    """Write a ready-to-send letter to the client.

    The verdict in the client's terms: for a decline the real reasons and a way forward, for
    caution the conditions to go ahead, for go the next steps. Copy-ready: no tables, no rule ids. Rules without client-facing texts are left out (named on
    stderr). A verdict that is not settled yet gets no letter unless --anyway: a letter on half the
    facts could promise what the missing answers would take back. Exit 0 when the letter is
    written, whatever the verdict; 2 on bad input or an unsettled verdict.
    """
    _one_client(source, language_for(lang))
    catalog = load_catalog_for(rules, questions)
    found = _ASSESSMENT.match(source)
    if source != "-" and found and not Path(source).exists():
        if client is not None:
            from clientcheck.errors import UsageError
            from clientcheck.i18n import t

            raise UsageError(t(language_for(lang), "reply.client_with_id"))
        verdict, saved_lang = _saved(int(found.group(1)), catalog, db, language_for(lang))
        language = language_for(lang) if lang else saved_lang
    else:
        from clientcheck import profile as profiles
        from clientcheck.answers import read_answers
        from clientcheck.evaluate import evaluate

        language = language_for(lang)
        # the seller profile fills in what the answers leave out, as for `check` (issue 10)
        given = profiles.apply(read_answers(source, catalog), profiles.load_for(catalog, None))
        if client is not None:  # the payment log fills in what it knows (docs/history.md)
            from clientcheck.commands.client_history import with_history

            given, _facts = with_history(catalog, given, client, db, language)
        verdict = evaluate(catalog, given)
    if not verdict.settled and not anyway:
        from clientcheck.errors import UsageError
        from clientcheck.i18n import t

        words = {v: t(language, f"verdict.{v}") for v in (verdict.verdict, verdict.best, verdict.worst)}
        other = verdict.worst if verdict.worst != verdict.verdict else verdict.best
        from clientcheck.render.names import profile_hint, split_asks

        client_asks, seller = split_asks(catalog, verdict.ask_next)
        todo = (
            [t(language, "reply.ask_first", asks=", ".join(a.question for a in client_asks[:3]))] if client_asks else []
        )
        todo += [profile_hint(language, seller)] if seller else []
        raise UsageError(
            t(language, "reply.not_settled", verdict=words[verdict.verdict], other=words[other], todo="; ".join(todo))
        )
    from clientcheck.profile import with_currency

    write_reply(verdict, with_currency(catalog, verdict.answers.values), language, fmt.value)
    return 0


_MANY = {".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "table", ".tsv": "table", ".parquet": "table"}


def _one_client(source: str, lang: str) -> None:
    """A letter is to one client: a batch input (JSON Lines, CSV, Parquet, a folder) is refused
    with the way to pick one client of it, before the JSON reader calls line 2 `Extra data`."""
    path = Path(source)
    if source == "-" or not path.exists():
        return  # standard input is one document; a missing file is said where it is read
    kind = "table" if path.is_dir() else _MANY.get(path.suffix.lower())
    if kind is not None:
        from clientcheck.errors import UsageError
        from clientcheck.i18n import t

        raise UsageError(t(lang, f"reply.many.{kind}", name=source))


def _saved(rid: int, catalog: Catalog, db: Path | None, lang: str) -> tuple[Verdict, str]:
    """A saved assessment's answers, judged by the rules in effect, and the language it was made in."""
    from clientcheck.commands.history_access import find as _find
    from clientcheck.commands.history_access import need as _need
    from clientcheck.history import reevaluate

    with _need(db, lang) as history:
        a = _find(history, rid, lang)
    verdict, _dropped = reevaluate(a, catalog)
    return verdict, a.language


def write_reply(verdict: Verdict, catalog: Catalog, lang: str, fmt: str) -> None:
    """The letter on stdout; what it leaves out, and an unsettled verdict, said on stderr."""
    from clientcheck.cli import say_note
    from clientcheck.i18n import t
    from clientcheck.reply import compose, render

    letter = compose(verdict, catalog, lang)
    from clientcheck.render.plain import write_text

    write_text(render(letter, fmt, lang))
    notes = []
    if letter.left_out:
        notes.append(t(lang, "reply.left_out", ids=", ".join(letter.left_out)))
    if not verdict.settled:  # rules undecided that could still change the verdict
        words = {v: t(lang, f"verdict.{v}") for v in (verdict.best, verdict.worst)}
        notes.append(t(lang, "reply.unsettled", best=words[verdict.best], worst=words[verdict.worst]))
    for line in notes:
        say_note(f"clientcheck: {line}")
