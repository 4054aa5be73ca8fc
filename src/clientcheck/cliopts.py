"""Options every command shares that are not about the catalog: -q/--quiet with the notes it
silences, and the completers of `autocompletion=` that import clientcheck.completion only when
the shell asks."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Annotated, Any

import typer


def completer(name: str) -> Callable[[Any, str], list[Any]]:
    """An `autocompletion=` callback that imports clientcheck.completion only when the shell asks:
    completer("ASSESSMENT") stands for completion.ASSESSMENT."""

    def complete(ctx: Any, incomplete: str) -> list[Any]:
        from clientcheck import completion

        found: list[Any] = getattr(completion, name)(ctx, incomplete)
        return found

    return complete


_quiet = False  # -q/--quiet of this command line (set again by every command that takes it)


def _set_quiet(value: bool) -> bool:
    global _quiet
    _quiet = value
    return value


def quiet() -> bool:
    """-q/--quiet: notes and hints are left out; results, warnings and errors stay."""
    return _quiet


def say_note(text: str) -> None:
    """A note on stderr (what was saved where, what a result leaves out); nothing with -q."""
    if not _quiet:
        sys.stderr.write(text + "\n")
        sys.stderr.flush()


# One definition for every command that prints notes or hints; a command that takes it may leave
# its notes to say_note(), which reads the flag, instead of passing the value down.
QuietOpt = Annotated[
    bool, typer.Option("--quiet", "-q", help="Print the results only: no notes or hints.", callback=_set_quiet)
]
