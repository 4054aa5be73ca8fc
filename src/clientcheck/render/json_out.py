"""--format json: one JSON object, written straight to the stream (never through Rich).

Many clients: one document streamed as they are scored (render/json_batch.py)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import IO

from clientcheck.formats import Output
from clientcheck.model import Catalog, Rule, Verdict
from clientcheck.render.data import verdict_to_dict
from clientcheck.render.json_batch import JsonSink


def sink(out: Output) -> JsonSink:
    return JsonSink(out.catalog, out.lang, out.stream)


def render(
    verdict: Verdict, catalog: Catalog, lang: str, stream: IO[str], *, rules: Sequence[Rule] | None = None
) -> None:
    from clientcheck.terminal import escape_bidi

    stream.write(escape_bidi(json.dumps(verdict_to_dict(verdict, catalog, lang), ensure_ascii=False, indent=2)))
    stream.write("\n")
