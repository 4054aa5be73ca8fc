"""Colour and progress on the terminal: when to use them, and never in piped output."""

from __future__ import annotations

import contextlib
import os
import re
import time
import unicodedata
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import IO

# OSC (title, hyperlink: ESC ] ... BEL or ESC \) with its text; CSI; other escapes; control characters
# except newline and tab (one_line() folds those); and the bidirectional controls (U+202A-202E,
# U+2066-2069, U+200E/F, U+061C), which make text read in another order than it is written
BIDI = "".join(map(chr, (*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C)))
_CONTROL = re.compile(
    r"\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b\[[0-?]*[ -/]*[@-~]|\x1b[@-_]|[\x00-\x08\x0b-\x1f\x7f-\x9f" + BIDI + "]"
)


_BIDI = re.compile(f"[{BIDI}]")
# the same in UTF-8: a search of bytes, where `in` first tries the needle as an int and raises
_BIDI_UTF8 = re.compile(b"|".join(c.encode() for c in BIDI))


def escape_bidi(text: str) -> str:
    """JSON text with the bidirectional controls written as \\u escapes: the data keeps them,
    but nothing that shows the JSON is reordered by them. (In JSON they can only stand inside
    strings, where an escape means the same character.)"""
    return _BIDI.sub(lambda m: f"\\u{ord(m.group()):04x}", text) if _BIDI.search(text) else text


def escape_bidi_bytes(data: bytes) -> bytes:
    """escape_bidi for UTF-8 JSON."""
    # isascii() first: the controls are never ASCII, and most text is; then the lead bytes of
    # their UTF-8 (\xe2 for U+2xxx, \xd8\x9c for U+061C), which find() looks for with memchr: a
    # Cyrillic name has neither and costs no search by the pattern (a microsecond a name)
    if data.isascii() or (data.find(b"\xe2") < 0 and data.find(b"\xd8\x9c") < 0) or _BIDI_UTF8.search(data) is None:
        return data
    return escape_bidi(data.decode("utf-8")).encode("utf-8")


def fit_lines(text: str, out: IO[str]) -> list[str]:
    """Text as the lines a terminal shows whole: a line wider than it broken at spaces, keeping its
    indent, where the terminal's own wrapping would cut a word in two. A pipe or a file keeps the
    lines as they are."""
    if not out.isatty():
        return text.split("\n")
    import shutil
    import textwrap

    width = max(20, shutil.get_terminal_size().columns - 1)
    lines: list[str] = []
    for line in text.split("\n"):
        indent = line[: len(line) - len(line.lstrip(" "))]
        if len(line) <= width or len(indent) >= width // 2:
            lines.append(line)
            continue
        # whole words (a long one, a URL, stays whole on a line of its own)
        wrapped = textwrap.wrap(
            line.lstrip(" "),
            width,
            initial_indent=indent,
            subsequent_indent=indent,
            break_long_words=False,
            break_on_hyphens=False,
        )
        lines.extend(wrapped or [line])
    return lines


FORMULA = ("=", "+", "-", "@", "\t", "\r")  # what starts a formula in a spreadsheet cell


def spreadsheet_cell(text: str) -> str:
    """Text from the input as a CSV cell a spreadsheet shows as text: no bidi controls, and a
    cell it would run as a formula starts with ' (OWASP's advice against CSV injection)."""
    text = _BIDI.sub("", text)
    return "'" + text if text.startswith(FORMULA) else text


def strip_controls(text: str) -> str:
    """Text from a file or an answer, safe for a terminal: escape sequences and control characters
    go (an OSC title with its text), newlines and tabs stay. Everything shown to people passes here."""
    return _CONTROL.sub("", text)


def clean(text: str) -> str:
    """One line of text from a file, safe for a terminal: no escape sequences or control characters."""
    return strip_controls(text.replace("\n", " ").replace("\t", " "))


def width(text: str) -> int:
    """Columns the text takes on a terminal (wide East Asian characters take two)."""
    if text.isascii():
        return len(text)
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 0 if unicodedata.combining(c) else 1 for c in text)


def fit(text: str, columns: int) -> str:
    """The text cut to `columns` (with an ellipsis when cut), padded to exactly that width."""
    if width(text) <= columns:
        return text + " " * (columns - width(text))
    out = ""
    for ch in text:
        if width(out + ch) > columns - 1:
            break
        out += ch
    return out + "…" + " " * (columns - 1 - width(out))


def is_tty(stream: IO[str] | None) -> bool:
    try:
        return stream is not None and stream.isatty()
    except (AttributeError, ValueError, OSError):
        return False


def use_color(mode: str, stream: IO[str] | None, environ: Mapping[str, str] | None = None) -> bool:
    """--color wins; else NO_COLOR (any value) turns colour off and FORCE_COLOR (not 0) on; else a terminal."""
    if mode == "always":
        return True
    if mode == "never":
        return False
    env = os.environ if environ is None else environ
    if env.get("NO_COLOR", ""):
        return False
    force = env.get("FORCE_COLOR")
    if force is not None and force != "":
        return force != "0"
    return is_tty(stream) and env.get("TERM") != "dumb"


@contextmanager
def rich_color(on: bool) -> Iterator[None]:
    """Make Rich (which reads the environment) follow the decision made by use_color."""
    saved = {k: os.environ.get(k) for k in ("NO_COLOR", "FORCE_COLOR", "TTY_COMPATIBLE")}
    try:
        if on:
            os.environ.pop("NO_COLOR", None)
            os.environ.pop("TTY_COMPATIBLE", None)
            os.environ["FORCE_COLOR"] = "1"
        else:
            os.environ.pop("FORCE_COLOR", None)
            os.environ["TTY_COMPATIBLE"] = "0"  # Rich then writes no escape codes at all
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


class Progress:
    """One line on stderr, rewritten in place, for runs long enough to wonder about.

    Shown only when stderr is a terminal, first after `delay` seconds, at most every `every`
    seconds; the caller ticks it often and cheaply.
    """

    def __init__(
        self,
        stream: IO[str] | None,
        text: str,
        total: int | None = None,
        delay: float = 0.5,
        every: float = 0.1,
        lang: str = "en",
    ) -> None:
        self.stream = stream
        self.enabled = is_tty(stream)
        # {count} {bad} {rate} {percent}, with plural forms as in i18n.t ("{count:client|clients}")
        self.text = text
        self.lang = lang
        self.total = total
        # CLIENTCHECK_PROGRESS_DELAY (seconds) moves the first showing: the tests set 0 so that
        # what they see does not depend on how fast a loaded machine starts the process
        fixed = os.environ.get("CLIENTCHECK_PROGRESS_DELAY")
        if fixed is not None:
            with contextlib.suppress(ValueError):
                delay = max(float(fixed), 0.0)
                every = min(every, delay)
        self.start = time.monotonic()
        self.next = self.start + delay
        self.every = every
        self.shown = False

    def tick(self, count: int, bad: int, done: int | None = None) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if now < self.next:
            return
        self.next = now + self.every
        rate = count / max(now - self.start, 1e-9)
        percent = f" · {min(done * 100 // self.total, 100)}%" if done is not None and self.total else ""
        from clientcheck.fmt import number
        from clientcheck.i18n import fill

        lang = self.lang
        counts = {"count": number(count, lang), "bad": number(bad, lang), "rate": number(round(rate), lang)}
        line = fill(lang, self.text, **counts, percent=percent)
        self._write(f"\r\x1b[K{line}")
        self.shown = True

    def clear(self) -> None:
        """Take the line away (before an error message, and at the end)."""
        if self.shown:
            self._write("\r\x1b[K")
            self.shown = False

    def _write(self, text: str) -> None:
        assert self.stream is not None
        try:
            self.stream.write(text)
            self.stream.flush()
        except (OSError, ValueError):
            self.enabled = False
