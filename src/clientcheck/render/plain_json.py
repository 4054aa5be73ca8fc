"""Plain JSON data on standard output, indented, as the listing commands print it (history,
export, diff, rescore, config, lint, rules, explain)."""

from __future__ import annotations

import json
import sys
from typing import Any


def write_json(data: Any) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
    sys.stdout.flush()
