"""`clientcheck paid`: record a client's payment, on time or late."""

from __future__ import annotations

from typing import Annotated

import typer

from clientcheck import fmt as fmt_
from clientcheck.cli import DbOpt, LangOpt, QuietOpt, app, completer, language_for, load_catalog_for
from clientcheck.commands.history_access import ClientOnly, one_client, parse_day
from clientcheck.errors import UsageError
from clientcheck.i18n import t


@app.command()
def paid(
    client_arg: Annotated[
        str | None,
        typer.Argument(
            help="The client's name; the same as --client.", metavar="CLIENT", autocompletion=completer("CLIENT")
        ),
    ] = None,
    on_time: Annotated[bool, typer.Option("--on-time", help="The invoice was paid on time.")] = False,
    late: Annotated[bool, typer.Option("--late", help="The invoice was paid late.")] = False,
    days: Annotated[
        # max: transfer.MAX_DAYS_LATE, written out so that `--help` does not load the history package
        int | None, typer.Option("--days", min=1, max=36_500, help="With --late: how many days late.", metavar="N")
    ] = None,
    when: Annotated[
        str | None, typer.Option("--date", help="When it was paid, YYYY-MM-DD (default: today).", metavar="DATE")
    ] = None,
    client_opt: ClientOnly = None,
    quiet: QuietOpt = False,
    db: DbOpt = None,
    lang: LangOpt = None,
) -> int:
    """Record a client's payment, on time or late.

    The late payments answer of 'check --client' and 'interview --client' is counted from these.
    """
    from clientcheck.history import History, check_client_name
    from clientcheck.render.history_list import payment_status
    from clientcheck.render.history_text import describe_tally

    language = language_for(lang)
    client = one_client(client_arg, client_opt, language)
    if client is None:
        raise UsageError(t(language, "history.err.paid_who"))
    if on_time == late:  # neither, or both
        raise UsageError(t(language, "history.err.paid_how"))
    if days is not None and on_time:
        raise UsageError(t(language, "history.err.days_on_time"))
    name = check_client_name(client)
    day = parse_day(when, language)
    # the rules in effect load before the payment is written: a broken rules file must fail the
    # command before it records anything, or a retry would record the payment twice
    window = load_catalog_for(None, None).late_window_days
    history = History.open(db)
    assert history is not None
    with history:
        payment = history.record_payment(name, day, late=not on_time, days_late=days)
        payments = history.payments(name)
    from clientcheck.render.plain import out

    status = payment_status(not on_time, days, language)
    out(t(language, "history.paid.saved", client=payment.client, status=status, date=fmt_.day(day, language)))
    if not quiet:
        out(describe_tally(payment.client, payments, window, language))
    return 0
