"""Plain results on standard output: lines of text (rules, explain, config, init, lint, profile,
paid, outcome, import), whole texts (a letter, a profile as YAML, a completion script) and
indented JSON data, as the listing commands print it (history, export, diff, rescore, config,
lint, rules, explain, report, questions, profile). The one writer of such output; Rich tables
go through render.table.console, notes and errors to stderr through cliopts.say / say_note."""

from __future__ import annotations

import json
import sys
from typing import Any


def out(line: str = "") -> None:
    """One line of a result (the newline added here)."""
    sys.stdout.write(line + "\n")


def write_text(text: str) -> None:
    """A whole text that brings its own line ends: a letter, a YAML file, a shell script."""
    sys.stdout.write(text)
    sys.stdout.flush()


def write_json(data: Any) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
    sys.stdout.flush()
