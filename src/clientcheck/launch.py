"""The console script's entry point: the command line, with Ctrl-C handled from the first moment.

Importing the command line (Typer, Click, Rich's pieces) takes tens of milliseconds; a Ctrl-C
in that time arrives before cli's error boundary exists. Caught here, it ends the run as any
other interruption does: one line, exit 130, no traceback. The handler goes in as this module is
imported (the console script's first import), before even `typing` is.
"""

from __future__ import annotations

import signal
import sys

_pressed: list[int] = []  # the Ctrl-Cs this run received


def _on_ctrl_c(signum: int, frame: FrameType | None) -> None:
    # Python's own handler raises KeyboardInterrupt, and so does this one; but when the signal
    # lands inside a weakref callback or a __del__ (the import system's module locks run one),
    # the interpreter reports it as "Exception ignored" and carries on as if nothing was pressed.
    # Remembering it lets main() still end the run as interrupted.
    _pressed.append(signum)
    raise KeyboardInterrupt


def _unraisable(report: Any) -> None:
    if isinstance(report.exc_value, KeyboardInterrupt):  # remembered by _on_ctrl_c: not a traceback
        return
    sys.__unraisablehook__(report)


def _install() -> None:
    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:  # not when embedded with its own
        signal.signal(signal.SIGINT, _on_ctrl_c)
        sys.unraisablehook = _unraisable


_install()

TYPE_CHECKING = False  # typing is not imported for this: the handler above is in before it could be
if TYPE_CHECKING:
    from types import FrameType
    from typing import Any


def main(argv: list[str] | None = None) -> int:
    _pressed.clear()  # a Ctrl-C of an earlier run in this process (an embedding program's) is not this run's
    _install()
    try:
        from clientcheck.cli import main as cli_main

        code = cli_main(argv)
    except KeyboardInterrupt:
        return _interrupted()
    except Exception as exc:
        from clientcheck.errors import ctrl_c_in

        if ctrl_c_in(exc):  # raised inside something that wrapped it (an import's class creation)
            return _interrupted()
        raise
    if _pressed and code != _interrupted_code():  # a Ctrl-C the interpreter swallowed (see _on_ctrl_c)
        return _interrupted()
    return code


def _interrupted_code() -> int:
    from clientcheck.errors import EXIT_INTERRUPTED  # a few lines, no imports: quick even now

    return EXIT_INTERRUPTED


def _interrupted() -> int:
    try:  # in the run's language; a second Ctrl-C while that loads leaves it in English
        from clientcheck.i18n import say

        word = say("interrupted")
    except BaseException:
        word = "interrupted"
    try:
        sys.stderr.write(f"clientcheck: {word}\n")
        sys.stderr.flush()
    except (OSError, ValueError, AttributeError):
        pass
    return _interrupted_code()


if __name__ == "__main__":
    raise SystemExit(main())
