"""terminal.py: what reaches a terminal (no escape sequences or bidi controls from the input),
how wide text is, when colour is used, and the progress line, on an injected clock."""

from __future__ import annotations

import io
import os

import pytest

from clientcheck import terminal
from clientcheck.terminal import (
    Progress,
    clean,
    escape_bidi,
    escape_bidi_bytes,
    fit,
    rich_color,
    spreadsheet_cell,
    strip_controls,
    use_color,
    width,
)


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(
    ("mode", "env", "tty", "on"),
    [
        ("auto", {}, True, True),
        ("auto", {}, False, False),
        ("auto", {"NO_COLOR": "1"}, True, False),
        ("auto", {"NO_COLOR": ""}, True, True),
        ("auto", {"FORCE_COLOR": "1"}, False, True),
        ("auto", {"FORCE_COLOR": "0"}, True, False),
        ("auto", {"FORCE_COLOR": "1", "NO_COLOR": "1"}, False, False),
        ("auto", {"TERM": "dumb"}, True, False),
        ("always", {"NO_COLOR": "1"}, False, True),
        ("never", {"FORCE_COLOR": "1"}, True, False),
    ],
)
def test_colour_is_decided_by_option_then_environment_then_terminal(
    mode: str, env: dict[str, str], tty: bool, on: bool
) -> None:
    class Stream(io.StringIO):
        def isatty(self) -> bool:
            return tty

    assert use_color(mode, Stream(), env) is on


def test_text_width_and_cutting_count_terminal_columns() -> None:
    assert width("abc") == 3 and width("Ромашка") == 7 and width("日本") == 4
    assert fit("Ромашка", 10) == "Ромашка   "
    assert fit("日本語のテキスト", 7) == "日本語…"
    assert fit("abcdefgh", 5) == "abcd…"
    assert clean("a\x1b[2Jb\tc\nd\x9b") == "ab c d"


def test_text_from_files_loses_escapes_and_controls_but_keeps_its_lines() -> None:
    title = "\x1b]0;owned\x07"  # an OSC sequence goes with its text
    link = "\x1b]8;;https://e.vil\x1b\\here\x1b]8;;\x1b\\"
    assert strip_controls(f"a{title}b\n\tc{link}\u202ed\x00") == "ab\n\tchered"
    assert clean("one\ntwo\tthree") == "one two three"


def test_a_name_in_cyrillic_is_passed_without_a_search_by_the_pattern(monkeypatch: pytest.MonkeyPatch) -> None:
    import clientcheck.terminal as terminal

    searched: list[bytes] = []

    class Pattern:
        def search(self, data: bytes) -> object:
            searched.append(data)
            return terminal.re.search(b"\xd8\x9c", data)

    monkeypatch.setattr(terminal, "_BIDI_UTF8", Pattern())
    russian = "ООО «Ромашка»".encode()  # « and » are U+00AB/BB: no lead byte of a control
    assert escape_bidi_bytes(russian) is russian
    assert searched == []
    assert escape_bidi_bytes("Ромашка\u061c".encode()) == "Ромашка\\u061c".encode()
    assert searched == ["Ромашка\u061c".encode()]


def test_bidi_controls_are_escaped_in_json_and_dropped_from_spreadsheet_cells() -> None:
    assert escape_bidi("a\u202eb\u2066c") == "a\\u202eb\\u2066c"
    assert escape_bidi_bytes("x\u061cy".encode()) == b"x\\u061cy"
    plain = b"nothing to escape"
    assert escape_bidi_bytes(plain) is plain
    russian = "ООО «Ромашка»".encode()  # not ASCII, no control: as it is
    assert escape_bidi_bytes(russian) is russian
    assert escape_bidi_bytes("«\u202eа»".encode()) == "«\\u202eа»".encode()
    assert [spreadsheet_cell(t) for t in ("=1+1", "-2", "@SUM(A1)", "ok\u202e", "a=b")] == [
        "'=1+1",
        "'-2",
        "'@SUM(A1)",
        "ok",
        "a=b",
    ]


def test_rich_follows_the_decision_and_the_environment_is_left_as_it_was(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.delenv("TTY_COMPATIBLE", raising=False)
    with rich_color(True):
        assert (os.environ.get("NO_COLOR"), os.environ.get("FORCE_COLOR")) == (None, "1")
    with rich_color(False):
        assert (os.environ.get("FORCE_COLOR"), os.environ.get("TTY_COMPATIBLE")) == (None, "0")
    assert (os.environ.get("NO_COLOR"), os.environ.get("FORCE_COLOR"), os.environ.get("TTY_COMPATIBLE")) == (
        "1",
        None,
        None,
    )


class Clock:
    """time.monotonic for terminal.py, moved by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    monkeypatch.delenv("CLIENTCHECK_PROGRESS_DELAY", raising=False)
    fake = Clock()
    monkeypatch.setattr(terminal.time, "monotonic", fake)
    return fake


def test_progress_shows_after_its_delay_then_at_most_every_interval_and_clears(clock: Clock) -> None:
    stream = Tty()
    progress = Progress(stream, "scored {count} ({bad} bad){percent}", total=200, delay=0.5, every=0.1)
    progress.tick(10, 0, 10)
    assert stream.getvalue() == ""  # a run shorter than the delay shows nothing
    clock.now += 0.5
    progress.tick(1000, 2, 50)
    assert stream.getvalue() == "\r\x1b[Kscored 1,000 (2 bad) · 25%"
    clock.now += 0.05
    progress.tick(1100, 2, 60)  # sooner than `every`: not drawn again
    assert stream.getvalue().count("\r\x1b[K") == 1
    clock.now += 0.1
    progress.tick(1200, 3, 400)
    assert stream.getvalue().endswith("\r\x1b[Kscored 1,200 (3 bad) · 100%")
    progress.clear()
    assert stream.getvalue().endswith("\r\x1b[K") and not progress.shown
    progress.clear()  # nothing shown: nothing to take away
    assert stream.getvalue().count("\r\x1b[K") == 3


def test_progress_is_for_terminals_only_and_the_environment_can_show_it_at_once(
    clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    piped = io.StringIO()
    progress = Progress(piped, "{count}")
    clock.now += 60
    progress.tick(5, 0)
    assert piped.getvalue() == ""
    monkeypatch.setenv("CLIENTCHECK_PROGRESS_DELAY", "0")
    stream = Tty()
    Progress(stream, "{count} at {rate}/s").tick(5, 0)
    assert stream.getvalue() == "\r\x1b[K5 at 5,000,000,000/s"  # no time has passed on this clock


def test_a_terminal_that_goes_away_turns_the_progress_off(clock: Clock) -> None:
    writes: list[str] = []

    class Gone(Tty):
        def write(self, text: str) -> int:
            writes.append(text)
            raise OSError(5, "Input/output error")

    progress = Progress(Gone(), "{count}", delay=0)
    progress.tick(1, 0)
    assert not progress.enabled
    clock.now += 1
    progress.tick(2, 0)  # no second try at a terminal that is gone
    progress.clear()  # nor an error from taking the line away
    assert len(writes) <= 2


def test_a_line_wider_than_the_terminal_breaks_at_spaces_keeping_its_indent(monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    from clientcheck.terminal import fit_lines

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setenv("COLUMNS", "31")  # 30 to write in: the last column stays free
    text = "⚠ Красный флаг: клиент просит бесплатную работу\n  отдельная строка с отступом и длинным хвостом\nкоротко"
    assert fit_lines(text, Tty()) == [
        "⚠ Красный флаг: клиент просит",
        "бесплатную работу",
        "  отдельная строка с отступом",
        "  и длинным хвостом",
        "коротко",
    ]
    assert fit_lines("https://example.com/a-very-long-address-without-spaces x", Tty()) == [
        "https://example.com/a-very-long-address-without-spaces",
        "x",
    ]
    assert fit_lines(text, io.StringIO()) == text.split("\n")  # a pipe or a file: as written


def test_the_progress_line_agrees_with_its_count_and_writes_numbers_as_its_language_does(clock: Clock) -> None:
    from clientcheck.i18n import t

    shown = []
    for lang, count in (("en", 1), ("en", 12000), ("ru", 1), ("ru", 12000)):
        stream = Tty()
        Progress(stream, t(lang, "batch.progress"), total=None, delay=0, lang=lang).tick(count, 1000)
        shown.append(stream.getvalue())
    assert shown == [
        "\r\x1b[Kscoring: 1 client · 1,000 bad · 1,000,000,000 a second",
        "\r\x1b[Kscoring: 12,000 clients · 1,000 bad · 12,000,000,000,000 a second",
        "\r\x1b[Kоценка: клиентов 1 · с ошибками 1\u00a0000 · 1\u00a0000\u00a0000\u00a0000 в секунду",
        "\r\x1b[Kоценка: клиентов 12\u00a0000 · с ошибками 1\u00a0000 · 12\u00a0000\u00a0000\u00a0000\u00a0000 в секунду",
    ]
