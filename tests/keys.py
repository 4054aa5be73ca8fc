"""Keys for the interactive commands, shared by their tests.

Two ways to type them:
- `typed`: the command runs in-process (CliRunner) with the keys sent to a prompt_toolkit pipe
  input before it starts; prompt_toolkit hands what one prompt did not read to the next, and the
  pipe is closed after the keys, so a prompt that gets no key sees end of input (exit 130)
  instead of waiting. Nothing can hang.
- `spawn` and friends: the command runs as its own process in a real pseudo-terminal (pexpect);
  every expect has a timeout. pexpect is not a terminal emulator and never answers
  prompt_toolkit's cursor-position request, so `pty_env` sets PROMPT_TOOLKIT_NO_CPR=1.
"""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import TYPE_CHECKING

from typer.testing import CliRunner

from tests.conftest import invoke

if TYPE_CHECKING:
    import pexpect

ENTER = "\r"
BACK = "\x02"  # Ctrl-B
CTRL_C = "\x03"
CTRL_D = "\x04"
CTRL_U = "\x15"  # clear the line
DOWN = "\x1b[B"
F1 = "\x1bOP"

TIMEOUT = 20  # seconds per expect on a pseudo-terminal; generous for a loaded CI machine
ROWS, COLUMNS = 40, 120


def typed(cli: CliRunner, *args: str, keys: str, screen: io.StringIO | None = None) -> tuple[int, str, str]:
    """Run `clientcheck ARGS` with keys typed on a (pipe) terminal; screen, if given, gets what was drawn."""
    from prompt_toolkit.application.current import create_app_session
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output import DummyOutput
    from prompt_toolkit.output.plain_text import PlainTextOutput

    with create_pipe_input() as inp:
        output = PlainTextOutput(screen) if screen is not None else DummyOutput()
        with create_app_session(input=inp, output=output):
            inp.send_text(keys)
            inp.close()
            return invoke(cli, *args)


def pty_env(**extra: str) -> dict[str, str]:
    """The environment of a command on a pseudo-terminal: UTF-8, 120 by 40, no cursor-position requests."""
    env = dict(os.environ, PROMPT_TOOLKIT_NO_CPR="1", TERM="xterm", LANG="C.UTF-8")
    env.update(COLUMNS=str(COLUMNS), LINES=str(ROWS), **extra)
    env.pop("LC_ALL", None)
    return env


def spawn(shell_command: str, env: dict[str, str], cwd: Path | str) -> pexpect.spawn:
    """Run a shell command line in a fresh pseudo-terminal."""
    import pexpect

    return pexpect.spawn(
        "/bin/sh",
        ["-c", shell_command],
        env=env,
        cwd=str(cwd),
        encoding="utf-8",
        timeout=TIMEOUT,
        dimensions=(ROWS, COLUMNS),
    )


def finish(child: pexpect.spawn) -> tuple[str, int]:
    """Wait for the end; everything printed after the last expect, and the exit status."""
    import pexpect

    try:
        child.expect(pexpect.EOF)
        rest = child.before or ""
    finally:
        child.close(force=True)
    status = child.exitstatus if child.exitstatus is not None else 128 + (child.signalstatus or 0)
    return rest, status


def answer(child: pexpect.spawn, question: str, keys: str, hint: str | None = None) -> None:
    """Wait for a question (and, when given, the key hint drawn under it), then type the keys."""
    child.expect_exact(question)
    if hint is not None:
        child.expect_exact(hint)
    child.send(keys)


def end_interview(child: pexpect.spawn, note: str = "") -> tuple[str, int]:
    """From the review of an English interview: Enter for the verdict, the note, then the end."""
    answer(child, "Number of an answer to change, or Enter for the verdict:", ENTER)
    answer(child, "Your note about this client", note + ENTER)
    return finish(child)
