"""clientcheck: decide whether to take on a client, from a short interview and red-flag rules."""

from __future__ import annotations

__version__ = "0.1.0"
