"""Renderers by name. Each module renders a Verdict to a given text stream.

Modules are imported only when chosen, so `--format json` never pays for Rich.
"""

from __future__ import annotations

import importlib
from typing import IO, Protocol

from clientcheck.model import Catalog, Verdict


class Renderer(Protocol):
    def __call__(self, verdict: Verdict, catalog: Catalog, lang: str, stream: IO[str]) -> None: ...


FORMATS = {
    "table": "clientcheck.render.table",
    "json": "clientcheck.render.json_out",
    "jsonl": "clientcheck.render.jsonl",
    "csv": "clientcheck.render.csv_out",
    "markdown": "clientcheck.render.markdown",
}


def get(name: str) -> Renderer:
    module = importlib.import_module(FORMATS[name])
    renderer: Renderer = module.render
    return renderer
