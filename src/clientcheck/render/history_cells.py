"""What the history's tables share: the console, plain cells, times, verdict cells, fired rules.

Rich is imported by the functions that build cells, so `--format json` never pays for it.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from clientcheck import fmt
from clientcheck.render.names import verdict_word

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

    from clientcheck.history.records import Fired


def console() -> Console:
    from clientcheck.render.table import console as make

    return make(sys.stdout)


def text(words: str, style: str = "") -> Text:
    from clientcheck.render.table import plain_text

    return plain_text(words, style)


def when(moment: datetime, lang: str = "en") -> str:
    return fmt.moment(moment, lang)


def verdict_cell(lang: str, verdict: str) -> Text:
    from clientcheck.render.table import COLOURS

    return text(f" {verdict_word(lang, verdict)} ", COLOURS.get(verdict, ""))


def flags(fired: Sequence[Fired], labels: Mapping[str, str] | None = None) -> str:
    """Fired rules in one cell: `id (severity)` each, severities named by labels where known."""
    names = labels or {}
    return ", ".join(f"{f.id} ({names.get(f.severity, f.severity)})" if f.severity else f.id for f in fired)
