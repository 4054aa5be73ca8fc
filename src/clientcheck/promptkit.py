"""The prompt_toolkit pieces clientcheck adds around questionary's prompts.

Ctrl-B (back) and Ctrl-D (stop) on every prompt, the progress line, the key legend and the help
panel, typing that replaces a default instead of appending to it, and number keys that tick in
a tick-all-that-apply prompt. interview.Prompter builds its prompts with these.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Final, TextIO

import questionary
from prompt_toolkit.application.current import create_app_session, get_app, get_app_session
from prompt_toolkit.filters import Condition, is_done
from prompt_toolkit.formatted_text import StyleAndTextTuples, to_formatted_text
from prompt_toolkit.key_binding import KeyBindings, KeyPressEvent, merge_key_bindings
from prompt_toolkit.keys import Keys
from prompt_toolkit.layout import ConditionalContainer, Dimension, HSplit, Layout, Window
from prompt_toolkit.layout.controls import FormattedTextControl
from prompt_toolkit.styles import Style
from prompt_toolkit.utils import get_cwidth
from questionary.prompts.common import InquirerControl


class _Back:
    def __repr__(self) -> str:
        return "BACK"


BACK: Final[_Back] = _Back()
# choice ids match [a-z][a-z0-9_]*, so these values never collide with a real choice
_DONT_KNOW: Final = "__dont_know__"
_YES: Final = "__yes__"
_NO: Final = "__no__"

STYLE = Style.from_dict(
    {
        "progress": "bold",
        "legend": "fg:ansibrightblack",
        "help": "fg:ansicyan",
    }
)


def has_host_input() -> bool:
    """Did the program around us (an embedding host, a test) already give prompt_toolkit an input?"""
    # prompt_toolkit's own create_app_session looks at _input the same way: reading .input would
    # create a default input from stdin as a side effect
    return get_app_session()._input is not None


def prompt_stream() -> TextIO:
    """Where prompts draw: stderr, so stdout stays clean for the verdict (`> out.json`)."""
    if sys.stderr is not None and sys.stderr.isatty():
        return sys.stderr
    if sys.stdout is not None and sys.stdout.isatty():
        return sys.stdout  # stderr is redirected but stdout is the screen: nothing to keep clean
    return sys.stderr


@contextmanager
def terminal(stream: TextIO) -> Iterator[None]:
    """Prompts read keys from the terminal on stdin and draw on stream, unless a host set them up."""
    if has_host_input():
        yield
        return
    from prompt_toolkit.input import create_input
    from prompt_toolkit.output import create_output

    with create_app_session(input=create_input(sys.stdin), output=create_output(stdout=stream)):
        yield


def _decorate(
    prompt: questionary.Question,
    header: str,
    legend: str,
    help_text: str | None,
    help_keys: tuple[str, ...],
) -> None:
    """Add the progress line, the key legend, the help panel and our keys to a questionary prompt."""
    app = prompt.application
    help_shown = [False]
    keys = KeyBindings()

    @keys.add("c-b", eager=True)
    def _back(event: KeyPressEvent) -> None:
        event.app.exit(result=BACK)

    @keys.add("c-d", eager=True)
    def _eof(event: KeyPressEvent) -> None:
        # questionary's select and checkbox swallow Ctrl-D; on a call it means "stop", like Ctrl-C
        event.app.exit(exception=EOFError)

    def _toggle_help(event: KeyPressEvent) -> None:
        help_shown[0] = not help_shown[0]

    for key in help_keys:
        keys.add(key, eager=True)(_toggle_help)

    # later bindings win: ours over the prompt's own (Ctrl-B is "cursor left" in a text prompt)
    app.key_bindings = merge_key_bindings([app.key_bindings or KeyBindings(), keys])

    def line(style: str, text: str, after: str = "") -> Window:
        # broken at spaces (wrap_rows), not mid-word as the window's own wrapping would
        rows = FormattedTextControl(lambda: wrap_rows([(style, text)], _columns(), after))
        return Window(rows, wrap_lines=True, dont_extend_height=True)

    prompt_body = app.layout.container
    _wrap_errors(app.layout)
    _wrap_choices(app.layout)

    def body_height() -> Dimension:
        # Without a fixed height the prompt's list window soaks up every free row below the
        # cursor (prompt_toolkit offers a non-full-screen app all of them) and the legend
        # would sink to the bottom of the terminal.
        size = get_app().output.get_size()
        return Dimension.exact(prompt_body.preferred_height(size.columns, size.rows).preferred)

    parts = [
        ConditionalContainer(line("class:progress", header), filter=~is_done),
        HSplit([prompt_body], height=body_height),
    ]
    if help_text is not None:
        parts.append(
            ConditionalContainer(line("class:help", help_text), filter=Condition(lambda: help_shown[0]) & ~is_done)
        )
    # a key stays with what it does ("Ctrl-B back"): the rows break between the legend's items
    parts.append(ConditionalContainer(line("class:legend", legend, after="·"), filter=~is_done))
    app.layout = Layout(HSplit(parts), focused_element=app.layout.current_window)


def _wrap_errors(layout: Layout) -> None:
    """The line that says why an answer is refused wraps instead of being cut at the screen's edge.

    prompt_toolkit's ValidationToolbar is one row high, and the reason comes at the end of the
    message: `3m` on a days question lost "months or minutes, nobody can tell" past column 100.
    """
    from prompt_toolkit.filters import to_filter

    for window in layout.find_all_windows():
        text = getattr(window.content, "text", None)
        if getattr(text, "__qualname__", "").startswith("ValidationToolbar."):
            window.height = None
            window.wrap_lines = to_filter(True)


# a choice line starts with the pointer (" » " or three spaces), then a tick box in a checklist
# ("○ "), then a shortcut in a list ("1) "): its wrapped rows start under the choice's text
_CHOICE_LEAD: Final = re.compile(r"^ (?:»| ) (?:[○●] )?(?:[0-9a-z]\) )?")


def _wrap_choices(layout: Layout) -> None:
    """Choice lines longer than the screen is wide wrap at a space, under the choice's own text.

    questionary draws each choice on one row and prompt_toolkit cuts it at the screen's edge: at
    60 columns "Not sure about some: ask me the unticked ones one by one" lost its end.
    """
    from prompt_toolkit.filters import to_filter

    for window in layout.find_all_windows():
        control = window.content
        # the choices (InquirerControl) and the prompt's other text of its own; the question's
        # line is the input line's prefix, which this does not reach (it may still break mid-word)
        if isinstance(control, FormattedTextControl) and not getattr(control, "_wrapped", False):
            tokens = control.text
            control.text = lambda tokens=tokens: wrap_rows(to_formatted_text(tokens), _columns())
            control._wrapped = True  # type: ignore[attr-defined]
            window.wrap_lines = to_filter(True)  # a word wider than the screen: cut nowhere


def _columns() -> int:
    # one column short of the edge: a row that fills it would put the cursor past the screen
    return get_app().output.get_size().columns - 1


def wrap_rows(fragments: StyleAndTextTuples, columns: int, after: str = "") -> StyleAndTextTuples:
    """Each row of fragments wider than columns broken at its last spaces that fit, the rest
    indented as far as the row's lead (_CHOICE_LEAD); styles are kept. after: only the spaces
    that follow this character may break a row (the legend's " · " between its items)."""
    rows: list[StyleAndTextTuples] = [[]]
    for fragment in fragments:
        style, text = fragment[0], fragment[1]
        parts = text.split("\n")
        for n, part in enumerate(parts):
            if n:
                rows.append([])
            if part or "[" in style:  # [SetCursorPosition] and the like carry no text
                rows[-1].append((style, part))
    out: StyleAndTextTuples = []
    for n, row in enumerate(rows):
        if n:
            out.append(("", "\n"))
        out.extend(_wrap_row(row, columns, after))
    return out


def _wrap_row(row: StyleAndTextTuples, columns: int, after: str = "") -> StyleAndTextTuples:
    text = "".join(f[1] for f in row)
    if get_cwidth(text) <= columns:
        return row
    lead = _CHOICE_LEAD.match(text)
    indent = lead.end() if lead else 0
    if columns - indent < 10:  # no room for words: the window's own wrapping shows everything
        return row
    breaks: set[int] = set()  # the spaces that become a new row
    start, limit = 0, columns
    while get_cwidth(text[start:]) > limit:
        cut = text.rfind(" ", start + 1, start + limit + 1)
        while after and cut > start and text[cut - 1] != after:
            cut = text.rfind(" ", start + 1, cut)
        if cut <= start + (indent if start == 0 else 0):
            cut = start + limit  # one word wider than the row: cut it
            breaks.add(-cut)  # negative: a cut inside a word, no space to drop
            start = cut
        else:
            breaks.add(cut)
            start = cut + 1
        limit = columns - indent
    out: StyleAndTextTuples = []
    at = 0
    for style, chunk, *_ in row:
        piece = ""
        for char in chunk:
            if at in breaks or -at in breaks:
                out.append((style, piece))
                out.append(("", "\n" + " " * indent))
                piece = "" if at in breaks else char
            else:
                piece += char
            at += 1
        out.append((style, piece))
    return out


def _replace_on_type(prompt: questionary.Question) -> None:
    """A default or earlier answer in a text box is shown selected, and typing replaces it.

    prompt_toolkit would put the cursor after the old text and append to it: typing 7 over a
    default of 15 saved 157. Here the first key that types or deletes clears the old text; a
    key that moves the cursor keeps it for editing; Enter keeps it as it is.
    """
    app = prompt.application
    buffer = app.layout.current_buffer
    if buffer is None or not buffer.text:
        return
    from prompt_toolkit.selection import SelectionState

    pristine = [True]
    buffer.cursor_position = len(buffer.text)
    buffer.selection_state = SelectionState(original_cursor_position=0)

    def moved(_: object) -> None:
        # any cursor move (arrows, Home, Ctrl-A) means "edit the old text", not "replace it"
        if pristine[0]:
            pristine[0] = False
            buffer.exit_selection()

    buffer.on_cursor_position_changed += moved
    keys = KeyBindings()
    fresh = Condition(lambda: pristine[0])

    @keys.add(Keys.Any, filter=fresh)
    def _type(event: KeyPressEvent) -> None:
        pristine[0] = False
        buffer.exit_selection()
        buffer.text = ""
        if event.data and event.data.isprintable():
            buffer.insert_text(event.data)

    @keys.add("c-h", filter=fresh)
    @keys.add("delete", filter=fresh)
    @keys.add("c-u", filter=fresh)
    @keys.add("c-w", filter=fresh)
    def _clear(event: KeyPressEvent) -> None:
        pristine[0] = False
        buffer.exit_selection()
        buffer.text = ""

    app.key_bindings = merge_key_bindings([app.key_bindings or KeyBindings(), keys])


def key_range(count: int) -> str:
    """The keys that jump to count choices, as the hint and the legend name them: 1–5, or 1–9, 0
    for a tenth (the 0 key, next to 9, as questionary's lists number it), then letters."""
    keys = InquirerControl.SHORTCUT_KEYS[: max(1, count)]
    if count <= 9:
        return f"1–{keys[-1]}"
    return "1–9, 0" if count == 10 else f"1–9, 0, a–{keys[-1]}"


def _number_keys(prompt: questionary.Question, count: int) -> None:
    """1-9, then 0 for the tenth, tick or untick the choice with that number in a
    tick-all-that-apply question."""
    app = prompt.application
    control = next((c for c in app.layout.find_all_controls() if isinstance(c, InquirerControl)), None)
    bindings = app.key_bindings
    if control is None or bindings is None:
        return
    toggles = bindings.get_bindings_for_keys((" ",))
    if not toggles:
        return
    toggle = toggles[-1].handler
    keys = KeyBindings()

    def jump(index: int) -> Callable[[KeyPressEvent], None]:
        def handler(event: KeyPressEvent) -> None:
            control.pointed_at = index
            toggle(event)  # questionary's own Space: ticks and re-validates

        return handler

    for index in range(min(count, 10)):
        keys.add(str((index + 1) % 10), eager=True)(jump(index))
    app.key_bindings = merge_key_bindings([bindings, keys])


def _enter_on_last(prompt: questionary.Question, value: str) -> None:
    """Enter with nothing ticked and the cursor on the last line ("Don't know / skip", "Not sure
    about some") answers that line, as Enter on it does in a one-choice list; nothing ticked
    elsewhere still means "none of these"."""
    app = prompt.application
    control = next((c for c in app.layout.find_all_controls() if isinstance(c, InquirerControl)), None)
    if control is None:
        return
    ic = control
    on_last = Condition(lambda: ic.pointed_at == len(ic.choices) - 1 and not ic.selected_options)
    keys = KeyBindings()

    @keys.add(Keys.ControlM, filter=on_last, eager=True)
    def _answer(event: KeyPressEvent) -> None:
        ic.selected_options = [value]
        ic.is_answered = True
        event.app.exit(result=[value])

    app.key_bindings = merge_key_bindings([app.key_bindings or KeyBindings(), keys])
