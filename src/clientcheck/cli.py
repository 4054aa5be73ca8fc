"""The command line. Parses options, calls the core, and is the one place errors become exit codes.

Commands return an int exit code. _Group.main wraps every invocation (the console script,
`python -m clientcheck` and CliRunner in tests alike) in one error boundary.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from typer.core import TyperGroup

from clientcheck import __version__
from clientcheck.errors import (
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_USAGE,
    ClientcheckError,
    Interrupted,
)

if TYPE_CHECKING:
    from clientcheck.model import Catalog

EXIT_CODES_HELP = (
    "Exit codes: 0 = go or caution (below --fail-on); 1 = verdict at or above --fail-on (with --fail-on-reachable: "
    "the worst verdict it could still reach) "
    "(decline by default; for many clients: any of them); 2 = usage or input error; 3 = internal error; "
    "4 = some records of a batch were bad and skipped (each reported on stderr as FILE:LINE: message; "
    "the others were scored; outranks 1); 130 = interrupted."
)


def _say(message: str) -> None:
    try:
        sys.stderr.write(message + "\n")
        sys.stderr.flush()
    except (OSError, ValueError):
        pass  # stderr closed: nowhere left to say it


def run_guarded(body: Callable[[], Any]) -> int:
    """The error boundary: run a command, turn every outcome into an exit code."""
    from typer._click.exceptions import ClickException  # click is vendored in typer >= 0.29

    try:
        rv = body()
        return EXIT_OK if rv is None else int(rv)
    except Interrupted as exc:
        _say(f"clientcheck: {exc}")
        return exc.exit_code
    except ClientcheckError as exc:
        for line in str(exc).splitlines():
            _say(f"clientcheck: error: {line}")
        return exc.exit_code
    except ClickException as exc:
        message = exc.format_message().replace("Value error, ", "")  # pydantic's prefix, via Typer
        ctx = getattr(exc, "ctx", None)
        hint = f" (see '{ctx.command_path} --help')" if ctx is not None else ""
        _say(f"clientcheck: error: {message}{hint}")
        return EXIT_USAGE
    except (KeyboardInterrupt, typer.Abort):
        _say("clientcheck: interrupted")
        return EXIT_INTERRUPTED
    except typer.Exit as exc:
        return exc.exit_code
    except (BrokenPipeError, _ReaderGone):
        # the reader went away (`| head`): it has all it wanted, so stop quietly with 0; point
        # stdout at devnull so that the interpreter's final flush has nowhere to fail either
        # (in-process tests have no real file descriptor: nothing buffered can fail at exit there)
        with contextlib.suppress(OSError, ValueError, AttributeError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except Exception as exc:  # the last line of defence: a bug, said plainly
        if os.environ.get("CLIENTCHECK_DEBUG"):
            raise
        _say(
            f"clientcheck: internal error: {type(exc).__name__}: {exc}. This is a bug in clientcheck; "
            "please report it with the command you ran (CLIENTCHECK_DEBUG=1 shows the traceback)."
        )
        return EXIT_INTERNAL


class _ReaderGone(Exception):
    """stdout's reader closed the pipe. Not an OSError, so that Typer's own EPIPE handling
    (exit 1, which for us means "a verdict at or above --fail-on") lets it through."""


class _Group(TyperGroup):
    def invoke(self, ctx: Any) -> Any:
        # Typer turns these into exit codes of its own; the boundary decides what they mean
        try:
            return super().invoke(ctx)
        except (KeyboardInterrupt, EOFError):
            raise Interrupted() from None
        except BrokenPipeError:
            raise _ReaderGone() from None

    def main(self, *args: Any, **kwargs: Any) -> NoReturn:
        kwargs["standalone_mode"] = False
        sys.exit(run_guarded(lambda: super(_Group, self).main(*args, **kwargs)))


app = typer.Typer(
    cls=_Group,
    name="clientcheck",
    help="Decide whether to take on a client: answers are checked against red-flag rules. " + EXIT_CODES_HELP,
    add_completion=False,
    pretty_exceptions_enable=False,
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
    rich_markup_mode=None,
)


class Format(StrEnum):
    table = "table"
    json = "json"


class Lang(StrEnum):
    en = "en"
    ru = "ru"


class FailOn(StrEnum):
    caution = "caution"
    decline = "decline"
    never = "never"


def _version(value: bool) -> None:
    if value:
        typer.echo(f"clientcheck {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """Decide whether to take on a client."""


RulesOpt = Annotated[
    Path | None,
    typer.Option(
        "--rules", help="Rules file to use instead of the ones in effect (see docs/rules.md).", dir_okay=False
    ),
]
QuestionsOpt = Annotated[
    Path | None,
    typer.Option("--questions", help="Questions folder to use instead of the one in effect.", file_okay=False),
]
LangOpt = Annotated[
    Lang | None, typer.Option("--lang", help="Language of the output: en or ru (default: from LC_ALL / LANG, else en).")
]

DbOpt = Annotated[
    Path | None,
    typer.Option(
        "--db",
        help="History database file (default: $CLIENTCHECK_DB, else history.sqlite3 in the user data folder).",
        dir_okay=False,
    ),
]
ClientOpt = Annotated[
    str | None,
    typer.Option(
        "--client",
        help="The client's name: their payment record fills in answers, and the assessment is saved in the history.",
    ),
]
NoSaveOpt = Annotated[bool, typer.Option("--no-save", help="Do not save this assessment in the history.")]


def load_catalog_for(rules: Path | None, questions: Path | None) -> Catalog:
    """The catalog in effect: the options, else CLIENTCHECK_RULES / CLIENTCHECK_QUESTIONS, else
    ./rules.yaml and ./questions/, else the user config folder, else the bundled files (config.py).
    Every command loads rules through here."""
    from clientcheck import catalog_cache
    from clientcheck.config import check_env, resolve

    sources = resolve(rules, questions)
    check_env(sources)
    return catalog_cache.load(sources.rules.path, sources.questions.path)


def language_for(lang: Lang | None) -> str:
    from clientcheck.i18n import detect_language

    return detect_language(lang.value if lang else None)


# Each module registers its commands on `app` when imported; one module per area. Typer builds
# every registered command, options and all, on every run, so a run registers only the module
# of the command it was given (all of them for the top-level help or an unknown name).
COMMANDS = {  # in the order `--help` lists them: the main job first
    "interview": "interview",
    "check": "check",
    "reply": "reply",  # issue 16
    **dict.fromkeys(("history", "show", "diff", "paid", "rescore", "import"), "history"),
    "outcome": "outcome",  # issue 15
    "report": "report",
    **dict.fromkeys(("init", "config", "lint", "schema", "rules", "explain"), "rules"),
    "sql": "sql",  # issue 14
}


def register(argv: list[str] | None = None) -> None:
    """Import the command modules a command line needs (argv without the program name)."""
    args = sys.argv[1:] if argv is None else argv
    first = next((a for a in args if not a.startswith("-")), None)
    names = [COMMANDS[first]] if first in COMMANDS else list(dict.fromkeys(COMMANDS.values()))
    for name in names:
        importlib.import_module(f"clientcheck.commands.{name}")


def main(argv: list[str] | None = None) -> int:
    """Console-script entry point."""
    register(argv)
    try:
        app(args=argv, prog_name="clientcheck")
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    return EXIT_OK
