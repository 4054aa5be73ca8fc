"""The console script's entry point: the command line, with Ctrl-C handled from the first moment.

Importing the command line (Typer, Click, Rich's pieces) takes tens of milliseconds; a Ctrl-C
in that time arrives before cli's error boundary exists. Caught here, it ends the run as any
other interruption does: one line, exit 130, no traceback.
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    try:
        from clientcheck.cli import main as cli_main

        return cli_main(argv)
    except KeyboardInterrupt:
        from clientcheck.errors import EXIT_INTERRUPTED  # a few lines, no imports: quick even now

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
        return EXIT_INTERRUPTED


if __name__ == "__main__":
    raise SystemExit(main())
