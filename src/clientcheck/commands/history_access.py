"""What the history commands share: CLIENT or --client, opening the file, finding an assessment,
the day a payment was made.

clientcheck.history (and with it sqlite3) is imported inside the functions, so `--help` and
`check` without a client pay for none of it.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

from clientcheck import functions
from clientcheck.cliopts import client_option
from clientcheck.errors import Mark, UsageError
from clientcheck.i18n import t

if TYPE_CHECKING:
    from clientcheck.history import Assessment, History


ClientOnly = Annotated[str | None, client_option("The client's name (the same as the CLIENT argument).")]


def one_client(argument: str | None, option: str | None, lang: str) -> str | None:
    """CLIENT or --client: one vocabulary with check and interview, and the short form kept."""
    if argument is not None and option is not None and argument != option:
        raise UsageError(t(lang, "history.err.two_clients", argument=argument, option=option))
    return option if option is not None else argument


def open_to_read(db: Path | None) -> History | None:
    """The database opened read-only; None when there is none (reading never creates it)."""
    from clientcheck.history import History

    return History.open(db, create=False, readonly=True)


def need(db: Path | None, lang: str = "en", readonly: bool = True) -> History:
    """The database for a command that reads stored assessments (or, not readonly, adds to what
    they say); a clear error if there is none."""
    from clientcheck.history import History, HistoryError, resolve_path

    found = History.open(db, create=False, readonly=readonly)
    if found is None:
        raise HistoryError(t(lang, "history.err.no_db"), Mark(str(resolve_path(db)), 0))
    return found


def find(history: History, rid: int, lang: str = "en") -> Assessment:
    """Assessment number rid; a clear error naming the file if there is none."""
    from clientcheck.history import HistoryError

    found = history.assessment(rid)
    if found is None:
        raise HistoryError(t(lang, "history.err.no_assessment", id=rid), Mark(str(history.path), 0))
    return found


def parse_day(text: str | None, lang: str = "en") -> date:
    """--date YYYY-MM-DD, not in the future; today when not given."""
    today = functions.today()  # CLIENTCHECK_TODAY, as conditions take it
    if text is None:
        return today
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(t(lang, "history.err.bad_date", example=today.isoformat(), value=text)) from None
    if day > today:
        raise UsageError(t(lang, "history.err.future_date", date=day.isoformat()))
    return day
