"""What the history tests share: a fixed day, an open history, late payments recorded."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from clientcheck.history import History

TODAY = date(2025, 6, 1)


def opened(path: Path) -> History:
    h = History.open(path)
    assert h is not None
    return h


def late(path: Path, client: str, *days_ago: int) -> None:
    with opened(path) as h:
        for d in days_ago:
            h.record_payment(client, TODAY - timedelta(days=d), late=True, days_late=3)
