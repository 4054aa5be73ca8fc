"""Exit codes, and the error hierarchy: every error a user can cause, with the code it maps to.

Every exit code of clientcheck is named here. An error carries its code (`exit_code`) and its
structured fields (`mark`: where; subclasses add their own), as Click's exceptions do;
cli.run_guarded is the one place where errors become a line on stderr and an exit code, and
anything else that escapes is a bug, reported as an internal error (3). A command that ends
without an error returns its code: `judge` for a verdict, `batch_exit` for many clients.

Exit codes (also in README and ``--help``):
    0  go or caution (below the --fail-on line)
    1  verdict at or above the --fail-on line (decline by default)
    2  usage or input error: bad options, answers, rules or questions files
    3  internal error (a bug in clientcheck)
    4  some records of a batch were bad and skipped (each named on stderr)
    5  output error: the results could not be written (stdout closed, disk full)
    130  interrupted (Ctrl-C, or end of input during an interview)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

EXIT_OK = 0
EXIT_FAIL = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 3
EXIT_BAD_INPUT = 4
EXIT_OUTPUT = 5
EXIT_INTERRUPTED = 130


def judge(verdict: str | None, fail_on: str, verdicts: Sequence[str]) -> int:
    """EXIT_FAIL when `verdict` is at or above the --fail-on line (`verdicts` best first), else EXIT_OK."""
    if verdict is None or fail_on == "never":
        return EXIT_OK
    return EXIT_FAIL if verdicts.index(verdict) >= verdicts.index(fail_on) else EXIT_OK


def batch_exit(bad: int, worst: str | None, fail_on: str, verdicts: Sequence[str]) -> int:
    """Many clients: bad records outrank the verdicts (the results are incomplete, whatever they say)."""
    return EXIT_BAD_INPUT if bad else judge(worst, fail_on, verdicts)


class Mark(NamedTuple):
    """A place in a file, 1-based, as editors and compilers print it."""

    file: str
    line: int
    col: int = 0

    def __str__(self) -> str:
        if not self.line:  # the place within the file is unknown (a key not found in JSON text)
            return self.file
        return f"{self.file}:{self.line}:{self.col}" if self.col else f"{self.file}:{self.line}"

    def shifted(self, offset: int) -> Mark:
        return Mark(self.file, self.line, self.col + offset)


class ClientcheckError(Exception):
    """Base of every error a user can cause; carries its exit code."""

    exit_code = EXIT_USAGE

    def __init__(self, message: str, mark: Mark | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.mark = mark

    def __str__(self) -> str:
        # one problem, one line: a message that quotes a parser's two-line text stays one line
        message = " ".join(self.message.split("\n"))
        return f"{self.mark}: {message}" if self.mark else message


MAX_SHOWN = 20  # problems shown one a line; the rest are counted, so 100,000 of them stay one screen


class Problems(ClientcheckError):
    """Several problems found in one pass, so a user fixes them all in one go; one line each.

    At most MAX_SHOWN are shown; `more` counts those not even put into words (a finder may stop
    describing them once it has MAX_SHOWN, to stay fast).
    """

    def __init__(self, problems: list[ClientcheckError], more: int = 0) -> None:
        self.problems = problems
        self.more = more
        super().__init__(problems[0].message, problems[0].mark)

    def __str__(self) -> str:
        lines = [str(p) for p in self.problems[:MAX_SHOWN]]
        rest = len(self.problems) - len(lines) + self.more
        if rest:
            from clientcheck.i18n import say  # only when there are that many problems to count

            lines.append(say("problems.more", count=rest))
        return "\n".join(lines)


class ConfigError(Problems):
    """A rules or questions file is wrong."""


class AnswersError(Problems):
    """An answers file (or stdin) is not a valid set of answers to the questions."""


class UsageError(ClientcheckError):
    """Options that do not fit together, or a file that cannot be read."""


class OutputError(ClientcheckError):
    """Standard output could not be written: the results did not reach their reader."""

    exit_code = EXIT_OUTPUT


class Interrupted(ClientcheckError):
    """Ctrl-C, or end of input where input was expected; the message says what was kept.

    `kept`: answers kept for later, in `path`, and the command that goes on with them (`resume`).
    """

    exit_code = EXIT_INTERRUPTED

    def __init__(
        self, message: str = "interrupted", kept: int = 0, path: str | None = None, resume: str | None = None
    ) -> None:
        super().__init__(message)
        self.kept = kept
        self.path = path
        self.resume = resume


class InteractiveSessionError(ClientcheckError):
    """The interview cannot run here (for example stdin is not a terminal)."""


def ctrl_c_in(exc: BaseException | None) -> bool:
    """Is a Ctrl-C this exception, or what it was raised from or while handling? Python wraps one
    that lands in a class's __set_name__ in a RuntimeError, for one."""
    seen: set[int] = set()
    todo = [exc]
    while todo:
        e = todo.pop()
        if e is None or id(e) in seen:
            continue
        if isinstance(e, KeyboardInterrupt):
            return True
        seen.add(id(e))
        todo += [e.__cause__, e.__context__]
    return False
