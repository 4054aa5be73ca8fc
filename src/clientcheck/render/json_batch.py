"""--format json for many clients: one JSON document, written as the clients are scored.

    {"schema": "clientcheck.batch/1", "results": [
    {...one "clientcheck.verdict/1" object per client, plus "input" and "line"...},
    ...
    ], "summary": {...}}

Each result is the full one-client layout (render/data.py), one per line inside the list, so
the document streams in constant memory. For big runs, --format jsonl is far smaller and faster.
"""

from __future__ import annotations

import json
from typing import IO, Any

from clientcheck.formats import BaseSink, InputView, ResultView, StatsView, whole_file
from clientcheck.model import VERDICTS, Catalog, Verdict
from clientcheck.profile import CURRENCY, with_currency
from clientcheck.render.data import verdict_to_dict
from clientcheck.terminal import escape_bidi

SCHEMA = "clientcheck.batch/1"


def summary(stats: StatsView) -> dict[str, Any]:
    return {
        "clients": stats.scored,
        **{v: stats.verdicts[v] for v in VERDICTS},
        "bad_records": stats.bad,
        "top_red_flags": [{"id": rule_id, "clients": n} for rule_id, n in stats.top_flags()],
    }


class JsonSink(BaseSink):
    needs_verdict = True
    counts_flags = True

    def __init__(self, catalog: Catalog, lang: str, stream: IO[str]) -> None:
        self.catalog = catalog
        self.lang = lang
        self.stream = stream
        self.name = ""
        self.whole_file = False
        self.first = True
        self.by_currency: dict[object, Catalog] = {}  # the catalog in each currency a client's answers name
        stream.write(f'{{"schema": "{SCHEMA}", "results": [')

    def begin(self, source: InputView) -> None:
        self.name = source.name
        self.whole_file = whole_file(source)

    def add(self, r: ResultView, line: int) -> None:  # pragma: no cover - needs_verdict: never called
        raise AssertionError("the JSON sink takes verdicts")

    def add_verdict(self, verdict: Verdict, r: ResultView, line: int) -> None:
        # amounts in the currency the client's answers name (a profile's, or the record's own, which
        # wins), as `check FILE` shows them
        currency = verdict.answers.values.get(CURRENCY)
        catalog = self.by_currency.get(currency)
        if catalog is None:
            catalog = self.by_currency[currency] = with_currency(self.catalog, {CURRENCY: currency})
        record = verdict_to_dict(verdict, catalog, self.lang)
        record["input"] = self.name
        record["line"] = None if self.whole_file else line
        self.stream.write(("\n" if self.first else ",\n") + escape_bidi(json.dumps(record, ensure_ascii=False)))
        self.first = False

    def flush(self) -> None:
        self.stream.flush()

    def finish(self, stats: StatsView) -> None:
        self.stream.write(("" if self.first else "\n") + '], "summary": ')
        self.stream.write(json.dumps(summary(stats), ensure_ascii=False) + "}\n")
        self.stream.flush()
