"""--format json: one JSON object, written straight to the stream (never through Rich)."""

from __future__ import annotations

import json
from typing import IO

from clientcheck.model import Catalog, Verdict
from clientcheck.render.data import verdict_to_dict


def render(verdict: Verdict, catalog: Catalog, lang: str, stream: IO[str]) -> None:
    from clientcheck.terminal import escape_bidi

    stream.write(escape_bidi(json.dumps(verdict_to_dict(verdict, catalog, lang), ensure_ascii=False, indent=2)))
    stream.write("\n")
