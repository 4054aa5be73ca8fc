"""Renderers: one module per output format, each registered in formats.FORMATS.

Modules are imported only when chosen, so `--format json` never pays for Rich.
"""

from __future__ import annotations

from clientcheck.formats import Renderer, renderer


def get(name: str) -> Renderer:
    """The view of one client in full of a format that has one (table, json, markdown)."""
    found = renderer(name)
    if found is None:
        raise KeyError(f"--format {name} shows one client as a batch of one: use emit.show")
    return found
