"""Options every command shares: the choices (formats, languages, --fail-on, colour), the
options for files, history and client, -q/--quiet with the notes it silences, the one writer of
a command's lines on stderr (say, say_note), and the completers of `autocompletion=` that import
clientcheck.completion only when the shell asks."""

from __future__ import annotations

import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
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


def say(text: str) -> None:
    """A line on stderr that -q does not silence: a warning, an error a command reports itself,
    what an interrupted command kept. Stdout carries only results (JSON must stay JSON)."""
    sys.stderr.write(text + "\n")
    sys.stderr.flush()


def say_note(text: str) -> None:
    """A note on stderr (what was saved where, what a result leaves out); nothing with -q."""
    if not _quiet:
        say(text)


# One definition for every command that prints notes or hints; a command that takes it may leave
# its notes to say_note(), which reads the flag, instead of passing the value down.
QuietOpt = Annotated[
    bool, typer.Option("--quiet", "-q", help="Print the results only: no notes or hints.", callback=_set_quiet)
]


class Format(StrEnum):
    table = "table"
    json = "json"


def format_option(help: str = "Output format.", metavar: str | None = None) -> Any:
    """The one -f/--format option; each command names its choices (an enum) and may say more
    in its help: `Annotated[ListFormat, format_option("Output format (json: everything).")]`."""
    return typer.Option("--format", "-f", help=help, metavar=metavar)


# --format table|json, as most commands take it
FormatOpt = Annotated[Format, format_option()]


class Lang(StrEnum):
    en = "en"
    ru = "ru"


class FailOn(StrEnum):
    caution = "caution"
    decline = "decline"
    never = "never"


class ColorMode(StrEnum):
    auto = "auto"
    always = "always"
    never = "never"


LangOpt = Annotated[
    Lang | None,
    typer.Option("--lang", help="Language of the output (default: from the environment, else en).", metavar="LANG"),
]


RulesOpt = Annotated[
    Path | None,
    typer.Option(
        "--rules", help="Rules file to use instead of the one in effect (see 'clientcheck config').", dir_okay=False
    ),
]
QuestionsOpt = Annotated[
    Path | None,
    typer.Option("--questions", help="Questions folder to use instead of the one in effect.", file_okay=False),
]
ColorOpt = Annotated[
    ColorMode,
    typer.Option("--color", help="When to use colour (auto: on a terminal).", metavar="WHEN"),
]

DbOpt = Annotated[
    Path | None,
    typer.Option(
        "--db",
        help="History database file (default: history.sqlite3 in your data folder).",
        dir_okay=False,
    ),
]


def client_option(help: str) -> Any:
    """The one --client NAME (names from the history complete); each command says what it does with it."""
    return typer.Option("--client", help=help, metavar="NAME", autocompletion=completer("CLIENT"))


def profile_option(help: str) -> Any:
    """The one --profile NAME of the commands that use a seller profile."""
    return typer.Option("--profile", help=help, metavar="NAME")


ClientOpt = Annotated[
    str | None,
    client_option(
        "The client's name: their payment record fills in answers, and the assessment is saved in the history."
    ),
]
NoSaveOpt = Annotated[bool, typer.Option("--no-save", help="Do not save this assessment in the history.")]
