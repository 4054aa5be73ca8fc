"""The command line. Parses options, calls the core, and is the one place errors become exit codes.

Commands return an int exit code. _Group.main wraps every invocation (the console script,
`python -m clientcheck` and CliRunner in tests alike) in one error boundary.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from typer.core import TyperCommand, TyperGroup
from typer.models import CommandFunctionType

from clientcheck import __version__

# -q/--quiet and the lazy completers, shared by every command (re-exported for the commands)
from clientcheck.cliopts import ClientOpt as ClientOpt
from clientcheck.cliopts import ColorMode as ColorMode
from clientcheck.cliopts import ColorOpt as ColorOpt
from clientcheck.cliopts import DbOpt as DbOpt
from clientcheck.cliopts import FailOn as FailOn
from clientcheck.cliopts import Format as Format
from clientcheck.cliopts import Lang as Lang
from clientcheck.cliopts import LangOpt as LangOpt
from clientcheck.cliopts import NoSaveOpt as NoSaveOpt
from clientcheck.cliopts import QuestionsOpt as QuestionsOpt
from clientcheck.cliopts import QuietOpt as QuietOpt
from clientcheck.cliopts import RulesOpt as RulesOpt
from clientcheck.cliopts import completer as completer
from clientcheck.cliopts import quiet as quiet
from clientcheck.cliopts import say as say
from clientcheck.cliopts import say_note as say_note
from clientcheck.errors import (
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_USAGE,
    ClientcheckError,
    Interrupted,
    OutputError,
)

if TYPE_CHECKING:
    from clientcheck.model import Catalog

# Help pages list each command's own exit codes (helptext.EXIT_CODES); this line stays for
# commands that still pass it as an epilog, which the help pages do not show.
EXIT_CODES_HELP = (
    "Exit codes: 0 = go or caution (below --fail-on); 1 = verdict at or above --fail-on (with --fail-on-reachable: "
    "the worst verdict it could still reach) "
    "(decline by default; for many clients: any of them); 2 = usage or input error; 3 = internal error; "
    "4 = some records of a batch were bad and skipped (each reported on stderr as FILE:LINE: message; "
    "the others were scored; outranks 1); 5 = the output could not be written (disk full, stdout closed); "
    "130 = interrupted."
)


def _say(message: str) -> None:
    from clientcheck.terminal import strip_controls

    # one line, and nothing in it (a file name, a value) may move the cursor or reorder the text
    message = strip_controls(message.replace("\n", " "))
    try:
        encoding = getattr(sys.stderr, "encoding", None) or "utf-8"
        say(message.encode(encoding, "backslashreplace").decode(encoding))
    except (OSError, ValueError, AttributeError, LookupError):
        pass  # stderr closed: nowhere left to say it


def _output_failed(reason: str) -> int:
    """Standard output could not be written (disk full, closed): say so, exit 5, and point
    stdout at devnull so that the interpreter's final flush cannot fail a second time."""
    from clientcheck.i18n import detect_language, t

    lang = detect_language(None)
    error = OutputError(t(lang, "output.failed", reason=reason))
    _say(f"clientcheck: {t(lang, 'error')}: {error}")
    with contextlib.suppress(OSError, ValueError, AttributeError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return error.exit_code


def _u_escape(exc: UnicodeError) -> tuple[str, int]:
    """An encoding error handler: what the encoding cannot take becomes \\uXXXX (a surrogate pair
    above U+FFFF), which reads the same in a table and is a valid escape inside JSON strings."""
    if not isinstance(exc, UnicodeEncodeError):
        raise exc
    out = []
    for ch in exc.object[exc.start : exc.end]:
        code = ord(ch)
        if code > 0xFFFF:
            code -= 0x10000
            out.append(f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}")
        else:
            out.append(f"\\u{code:04x}")
    return "".join(out), exc.end


def _prepare_streams() -> int | None:
    """Standard streams fit to write to, or the exit code when stdout is not there at all."""
    import codecs

    codecs.register_error("clientcheck-escape", _u_escape)
    for stream in (sys.stdout, sys.stderr):
        if stream is not None:
            # PYTHONIOENCODING=ascii and the like, or a name from the command line that was not
            # UTF-8: what the encoding cannot take is written as \u escapes, never a crash
            reconfigure = getattr(stream, "reconfigure", None)  # a TextIOWrapper's; a host's stream may lack it
            with contextlib.suppress(AttributeError, ValueError, io.UnsupportedOperation):
                if reconfigure is not None:
                    reconfigure(errors="clientcheck-escape")
    _whole_writes()
    if sys.stdout is None:  # started with stdout closed (`>&-`)
        # hold file descriptor 1 so that no file this run opens can become "standard output"
        with contextlib.suppress(OSError):
            fd = os.open(os.devnull, os.O_WRONLY)
            if fd != 1:
                os.close(fd)
        from clientcheck.i18n import say

        return _output_failed(say("output.closed"))
    return None


def _why(exc: OSError) -> str:
    """Why the output failed, as the system says it; a full non-blocking pipe in the run's language,
    worded the same whether one process wrote (BufferedWriter's words) or workers did (the OS's)."""
    import errno

    if exc.errno in (errno.EAGAIN, errno.EWOULDBLOCK):
        from clientcheck.i18n import say

        return say("output.would_block")
    return exc.strerror or str(exc)


def _whole_writes() -> None:
    """Python's unbuffered mode (PYTHONUNBUFFERED=1, -u: common in containers) leaves stdout's
    bytes layer raw, and a raw write to a non-blocking pipe may take part of the data: the text
    layer above drops the rest without a word (records cut off in the middle, exit 1). Buffered
    again, a short write is carried on, and one that would block is an error (exit 5), as without
    -u. A terminal is left as it is: there every key of an interview is echoed as it is typed."""
    out = sys.stdout
    raw = getattr(out, "buffer", None)
    if not isinstance(raw, io.FileIO) or out.isatty():
        return
    sys.stdout = io.TextIOWrapper(
        _Unbuffered(raw), encoding=out.encoding, errors=out.errors, line_buffering=True, write_through=True
    )


class _Unbuffered(io.BufferedWriter):
    """Every write goes out whole at once, as unbuffered output does (a prompt without a line end
    shows), and one that would block raises instead of being cut short."""

    def write(self, data: Any, /) -> int:
        written = super().write(data)
        self.flush()
        return written


def run_guarded(body: Callable[[], Any]) -> int:
    """The error boundary: run a command, turn every outcome into an exit code."""
    from typer._click.exceptions import ClickException  # click is vendored in typer >= 0.29

    try:
        rv = body()
        if sys.stdout is not None:
            sys.stdout.flush()  # inside the boundary: a full disk is reported, not lost at exit
        return EXIT_OK if rv is None else int(rv)
    except Interrupted as exc:
        from clientcheck.i18n import detect_language, t

        message = str(exc)
        if message == "interrupted":  # the default text: in the language of the run
            message = t(detect_language(None), "interrupted")
        _say(f"clientcheck: {message}")
        return exc.exit_code
    except ClientcheckError as exc:
        from clientcheck.i18n import detect_language, t

        prefix = t(detect_language(None), "error")
        for line in str(exc).splitlines():
            _say(f"clientcheck: {prefix}: {line}")
        return exc.exit_code
    except ClickException as exc:
        from typer._click.exceptions import NoArgsIsHelpError

        if isinstance(exc, NoArgsIsHelpError):  # a bare group: its help page, not an error line
            try:
                sys.stdout.write(exc.format_message().rstrip("\n") + "\n")
                sys.stdout.flush()
            except BrokenPipeError:
                return EXIT_OK
            except OSError as failed:  # outside the try above: said here as any output failure is
                return _output_failed(_why(failed))
            return EXIT_USAGE
        from clientcheck.clickmsg import describe

        _say(describe(exc))
        return EXIT_USAGE
    except (KeyboardInterrupt, typer.Abort):
        from clientcheck.i18n import detect_language, t

        _say(f"clientcheck: {t(detect_language(None), 'interrupted')}")
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
    except OSError as exc:
        # Every input is read through code that turns its failures into ClientcheckErrors, so an
        # OSError that gets here is standard output failing (a full disk, a closed descriptor).
        if exc.filename is None:
            return _output_failed(_why(exc))
        from clientcheck.i18n import detect_language, t

        _say(f"clientcheck: {t(detect_language(None), 'error')}: {exc.filename}: {exc.strerror or exc}")
        return EXIT_USAGE
    except Exception as exc:  # the last line of defence: a bug, said plainly
        from clientcheck.errors import ctrl_c_in

        if ctrl_c_in(exc):  # a Ctrl-C that something wrapped (a class's __set_name__, an import)
            from clientcheck.i18n import detect_language, t

            _say(f"clientcheck: {t(detect_language(None), 'interrupted')}")
            return EXIT_INTERRUPTED
        if os.environ.get("CLIENTCHECK_DEBUG"):
            raise
        from clientcheck.i18n import detect_language, t

        _say(f"clientcheck: {t(detect_language(None), 'internal_error', error=f'{type(exc).__name__}: {exc}')}")
        return EXIT_INTERNAL


class _ReaderGone(Exception):
    """stdout's reader closed the pipe. Not an OSError, so that Typer's own EPIPE handling
    (exit 1, which for us means "a verdict at or above --fail-on") lets it through."""


class _Group(TyperGroup):
    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        from clientcheck.plainparams import install

        install(self, ctx)
        result: list[str] = super().parse_args(ctx, args)
        return result

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        command = super().get_command(ctx, cmd_name)
        if command is not None:
            from clientcheck.plainparams import install

            install(command, ctx)  # its options are checked without importing pydantic
        return command

    def make_context(self, *args: Any, **kwargs: Any) -> Any:
        # Typer would turn a Ctrl-C here into a silent exit code returned as the command's own
        try:
            return super().make_context(*args, **kwargs)
        except KeyboardInterrupt:
            raise Interrupted() from None

    def invoke(self, ctx: Any) -> Any:
        # Typer turns these into exit codes of its own; the boundary decides what they mean
        try:
            return super().invoke(ctx)
        except (KeyboardInterrupt, EOFError):
            raise Interrupted() from None
        except BrokenPipeError:
            raise _ReaderGone() from None
        except SystemExit as exc:
            # Rich answers a broken pipe with exit 1, which for us means "decline": the reader
            # simply went away (`history | head`), so it ends quietly, like every other command
            if isinstance(exc.__context__, BrokenPipeError):
                raise _ReaderGone() from None
            raise

    def main(self, *args: Any, **kwargs: Any) -> NoReturn:
        kwargs["standalone_mode"] = False
        argv = kwargs.get("args", args[0] if args else None)
        _prefer_language(sys.argv[1:] if argv is None else list(argv))
        try:
            code = run_guarded(lambda: super(_Group, self).main(*args, **kwargs))
        finally:
            from clientcheck.i18n import prefer

            prefer(None)  # the run is over: a host program (or the next test) starts from its environment
        sys.exit(code)

    def format_help(self, ctx: Any, formatter: Any) -> None:
        from clientcheck.helptext import page

        formatter.write(page(self, ctx))


class _SubGroup(TyperGroup):
    """A group below the top level (`rules`, `questions`): our help page."""

    def format_help(self, ctx: Any, formatter: Any) -> None:
        from clientcheck.helptext import page

        formatter.write(page(self, ctx))


class _Command(TyperCommand):
    """Every command: our help page (helptext.py) instead of Typer's."""

    def format_help(self, ctx: Any, formatter: Any) -> None:
        from clientcheck.helptext import page

        formatter.write(page(self, ctx))


def _prefer_language(argv: list[str]) -> None:
    """--lang may come before the command or after it; errors that Click raises while it parses
    (before any command runs) must already speak that language. The last --lang given wins."""
    from clientcheck.i18n import LANGUAGES, prefer

    chosen: str | None = None
    for i, arg in enumerate(argv):
        if arg == "--":
            break
        value = argv[i + 1] if arg == "--lang" and i + 1 < len(argv) else None
        if arg.startswith("--lang="):
            value = arg.partition("=")[2]
        if value in LANGUAGES:  # a wrong value is Click's to report, in the language asked for before
            chosen = value
    prefer(chosen)


class App(typer.Typer):
    """typer.Typer with our defaults: our help pages, -h, no Rich, no Typer completion options
    (completion.py does it for three shells, with ids and names)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("cls", _SubGroup)
        kwargs.setdefault("no_args_is_help", True)
        super().__init__(
            add_completion=False,
            pretty_exceptions_enable=False,
            context_settings={"help_option_names": ["-h", "--help"]},
            rich_markup_mode=None,
            **kwargs,
        )

    def command(
        self, name: str | None = None, *, cls: type[TyperCommand] | None = None, **kwargs: Any
    ) -> Callable[[CommandFunctionType], CommandFunctionType]:
        return super().command(name, cls=cls or _Command, **kwargs)


app = App(
    cls=_Group,
    name="clientcheck",
    help="Decide whether to take on a client: answers are checked against red-flag rules.",
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"clientcheck {__version__}")
        raise typer.Exit(EXIT_OK)


def _show_completion(value: str | None) -> None:
    if value:
        from clientcheck.completion import SHELLS, script

        if value not in SHELLS:
            from clientcheck.errors import UsageError
            from clientcheck.i18n import t

            raise UsageError(t(language_for(None), "completion.unknown_shell", shell=value))
        sys.stdout.write(script(value))
        raise typer.Exit(EXIT_OK)


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
    lang: LangOpt = None,  # read by _prefer_language before parsing; here so that it may precede the command
    show_completion: Annotated[
        str | None,
        typer.Option(
            "--show-completion",
            callback=_show_completion,
            is_eager=True,
            metavar="SHELL",
            help="Print the completion script for bash, zsh or fish (the same as 'clientcheck completion SHELL').",
        ),
    ] = None,
) -> None:
    """Decide whether to take on a client."""


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
    "profile": "profile",
    "reply": "reply",  # issue 16
    "history": "history",
    "show": "show",
    "diff": "diff",
    "paid": "paid",
    "rescore": "rescore",
    "import": "history_import",
    "outcome": "outcome",  # issue 15
    "report": "report",
    "init": "init",
    "config": "config",
    "lint": "lint",
    "schema": "schema",
    "rules": "rules",  # the group: rules list, show, test
    "explain": "explain",
    "questions": "questions",
    "completion": "completion",
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
    shell = os.environ.get("_CLIENTCHECK_COMPLETE")
    if shell:  # a completion script asking for candidates (completion.py)
        from clientcheck.completion import respond

        return respond(shell, os.environ.get("_CLIENTCHECK_COMPLETE_LINE", ""))
    failed = _prepare_streams()
    if failed is not None:
        return failed
    register(argv)
    code = EXIT_OK
    try:
        app(args=argv, prog_name="clientcheck")
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else EXIT_USAGE
    if "prompt_toolkit.application" in sys.modules and argv is None:
        _leave_at_once(code)
    return code


def _leave_at_once(code: int) -> NoReturn:
    """After an interview: everything is written and flushed, so skip the interpreter's teardown.

    Tearing down the thousands of objects questionary and prompt_toolkit leave behind took
    60-90 ms, and up to a second after Ctrl-C, between the last line and the shell prompt.
    Files are closed by then (answers are written atomically and synced), so nothing is lost.
    """
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError, AttributeError):
            stream.flush()
    os._exit(code)
