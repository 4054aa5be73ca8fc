"""`clientcheck completion SHELL`: the completion script for bash, zsh or fish (completion.py)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from clientcheck.cli import app, language_for
from clientcheck.errors import UsageError
from clientcheck.i18n import t


class Shell(StrEnum):
    bash = "bash"
    zsh = "zsh"
    fish = "fish"


@app.command()
def completion(
    shell: Annotated[
        Shell | None,
        typer.Argument(help="The shell: bash, zsh or fish (default: the one in $SHELL).", metavar="SHELL"),
    ] = None,
) -> int:
    """Print the shell completion script for bash, zsh or fish.

    Completes commands, options, rule ids, question ids, client names from the history and file paths.
    """
    from clientcheck.completion import detect_shell, script

    name = shell.value if shell is not None else detect_shell()
    if name is None:
        raise UsageError(t(language_for(None), "completion.no_shell"))
    from clientcheck.render.plain import write_text

    write_text(script(name))
    return 0
