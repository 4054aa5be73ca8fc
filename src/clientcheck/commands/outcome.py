"""`clientcheck outcome CLIENT`: record how a client relationship went.

With any outcome option nothing is asked (for scripts); without one the questions are asked on
the terminal by the interview's own prompts, keys and review screen. Storage is
clientcheck.outcomes; the lines printed come from clientcheck.render.outcome.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

from clientcheck.cli import DbOpt, LangOpt, QuietOpt, app, completer, language_for
from clientcheck.errors import InteractiveSessionError, Interrupted, UsageError
from clientcheck.i18n import t

if TYPE_CHECKING:
    from clientcheck.history import Assessment
    from clientcheck.outcomes import OutcomeFacts


class Paid(StrEnum):
    on_time = "on-time"
    late = "late"
    unpaid = "unpaid"


@app.command()
def outcome(
    client: Annotated[str, typer.Argument(help="The client's name, as assessed.", metavar="CLIENT")],
    taken: Annotated[
        bool | None, typer.Option("--taken/--not-taken", help="Did you take the client on?", show_default=False)
    ] = None,
    paid: Annotated[
        Paid | None, typer.Option("--paid", help="How they paid: on-time, late or unpaid (not at all).")
    ] = None,
    profitable: Annotated[
        bool | None, typer.Option("--profitable/--unprofitable", help="Did the work pay off?", show_default=False)
    ] = None,
    dispute: Annotated[
        bool | None, typer.Option("--dispute/--no-dispute", help="Was there a dispute?", show_default=False)
    ] = None,
    referral: Annotated[
        bool | None,
        typer.Option("--referral/--no-referral", help="Did they refer anyone to you?", show_default=False),
    ] = None,
    ongoing: Annotated[
        bool | None, typer.Option("--ongoing/--ended", help="Is the relationship still going?", show_default=False)
    ] = None,
    note: Annotated[str | None, typer.Option("--note", help="Free text: what happened, in your words.")] = None,
    when: Annotated[str | None, typer.Option("--date", help="As of which day, YYYY-MM-DD (default: today).")] = None,
    assessment_id: Annotated[
        int | None,
        typer.Option(
            "--assessment",
            min=1,
            autocompletion=completer("ASSESSMENT_OF_CLIENT"),
            help="The assessment it follows (default: the client's latest on or before --date).",
        ),
    ] = None,
    quiet: QuietOpt = False,
    db: DbOpt = None,
    lang: LangOpt = None,
) -> int:
    """Record how it went with a client: taken or not, paid on time, late or not at all, profit, dispute, referral.

    Without options the questions are asked on the terminal (Ctrl-B back, ? help, Ctrl-C stops
    and records nothing); with any of them nothing is asked. `clientcheck report` learns from these.
    """
    from clientcheck.commands.history_access import need as _need
    from clientcheck.commands.history_access import parse_day as _parse_date
    from clientcheck.history import check_client_name
    from clientcheck.outcomes import (
        OutcomeFacts,
        assessment_for,
        check_facts,
        latest_by_assessment,
        payment_log,
        record,
    )
    from clientcheck.render.outcome import summary

    code = language_for(lang)
    name = check_client_name(client)
    day = _parse_date(when)
    given = OutcomeFacts(
        taken,
        None if paid is None else paid.name,
        profitable,
        dispute,
        referral,
        ongoing,
        note,
    )
    if taken is False:  # said in the options' own words, before the storage's check says it in the facts'
        for option, value in (
            ("--paid", paid),
            ("--profitable/--unprofitable", profitable),
            ("--dispute/--no-dispute", dispute),
            ("--referral/--no-referral", referral),
            ("--ongoing/--ended", ongoing),
        ):
            if value is not None:
                raise UsageError(t(code, "outcome.options.not_taken", option=option))
    scripted = given.known()
    if scripted:
        facts = check_facts(given, code)  # before the database is opened: a bad combination changes nothing
    elif not _terminal():
        raise InteractiveSessionError(t(code, "outcome.not_a_terminal"))
    with _need(db, code) as history:
        assessment = assessment_for(history, name, day, assessment_id, code)
        earlier = latest_by_assessment(history).get(assessment.uid)
        log = payment_log(history, assessment)
    if not scripted:
        asked = _ask(assessment, earlier.facts if earlier else None, log, code)
        if asked is None:
            raise Interrupted(t(code, "outcome.interrupted"))
        facts = asked
    if not facts.known():
        raise UsageError(t(code, "outcome.nothing_known"))
    with _need(db, code, readonly=False) as history:
        saved = record(history, assessment, facts, day, name, lang=code)
    from clientcheck.render.plain import out

    lines = summary(saved, assessment, code)
    for line in lines[:-1] if quiet else lines:  # the last: a hint of how `report` counts it
        out(line)
    return 0


def _terminal() -> bool:
    from clientcheck.commands.interview import _stdin_is_terminal

    return _stdin_is_terminal()


def _ask(assessment: Assessment, earlier: OutcomeFacts | None, log: tuple[int, int], lang: str) -> OutcomeFacts | None:
    """The outcome asked on the terminal; None when the user stopped (Ctrl-C, Ctrl-D)."""
    from clientcheck.interview import Prompter, prompt_stream, terminal
    from clientcheck.outcomes import answers_from_facts, facts_from_answers, questions
    from clientcheck.render.outcome import intro
    from clientcheck.session import Session

    payments, late = log
    catalog = questions(("late" if late else "on_time") if payments else None)
    start = answers_from_facts(earlier) if earlier is not None else {}
    session = Session(catalog, start, None, "<outcome>")
    stream = prompt_stream()
    prompter = Prompter(catalog, lang, stream)
    # the interview's prompts, with the outcome's own keys: Enter records, Ctrl-C stops (no pause)
    prompter.review_texts, prompter.keys = ("outcome.review.prompt", "outcome.keys.review"), "outcome.keys"
    for line in intro(assessment, earlier, log, lang):
        prompter.write(line)
    try:
        with terminal(stream):
            prompter.run(session, lambda s: None)  # seven questions: nothing worth a recovery file
    except (KeyboardInterrupt, EOFError):
        return None
    return facts_from_answers(session.values, lang)
