"""The interview on a terminal: the only module that imports questionary and prompt_toolkit.

questionary draws each prompt; around it we add what a salesperson on a call needs and
questionary does not give (its issue #81 on going back is still open):

* Ctrl-B exits the prompt with the BACK sentinel (a key binding on the prompt's Application),
  so the caller can step back; Ctrl-C and Ctrl-D raise KeyboardInterrupt / EOFError out of
  ``unsafe_ask()`` instead of turning into a None answer as ``ask()`` would;
* a progress line above the prompt, a key legend and a help panel (? or F1) below it;
* a visible "don't know" in every prompt: a choice, or an empty line for typed answers;
* erase_when_done, and one line of our own per answer, so what stays on screen reads the same
  in every language (questionary's own checkbox summary says "done" in English).

Everything about which question comes next lives in session.Session.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TextIO

import questionary
from questionary.prompts.common import InquirerControl

from clientcheck.i18n import t
from clientcheck.model import NOTE_KEY, UNKNOWN
from clientcheck.profile import CURRENCY, with_currency
from clientcheck.promptkit import (
    _DONT_KNOW,
    _NO,
    _YES,
    BACK,
    STYLE,
    _Back,
    _decorate,
    _enter_on_last,
    _number_keys,
    _replace_on_type,
    has_host_input,
    key_range,
    prompt_stream,
    terminal,
)
from clientcheck.render.names import severity_name
from clientcheck.terminal import fit_lines
from clientcheck.terminal import strip_controls as clean

if TYPE_CHECKING:
    # the session, the engine and the model load after the first prompt (the client's name), which needs none
    from clientcheck.model import Catalog, Finding, Question
    from clientcheck.session import Session, Step

__all__ = ["BACK", "Lines", "Prompter", "has_host_input", "prompt_stream", "terminal"]


class Lines:
    """Our own lines on the terminal and one free line of input: all the client's name needs,
    so that prompt can come before the catalog is loaded."""

    def __init__(self, lang: str, out: TextIO) -> None:
        self.lang = lang
        self.out = out
        self.color = out.isatty() and "NO_COLOR" not in os.environ

    def write(self, text: str, sgr: str = "") -> None:
        lines = fit_lines(clean(text), self.out)
        if self.color and sgr:
            lines = [f"\x1b[{sgr}m{line}\x1b[0m" for line in lines]
        self.out.write("".join(line + "\n" for line in lines))
        self.out.flush()

    def line(
        self, message: str, header: str, hint: str, default: str = "", shown: Callable[[], None] | None = None
    ) -> str | _Back:
        """One free line of text (the client's name, a note); empty means none.

        shown: called once the prompt is on screen (each time it is drawn: it must be idempotent).
        """
        prompt = questionary.text(message, default=default, instruction=hint, style=STYLE, erase_when_done=True)
        _replace_on_type(prompt)
        _decorate(prompt, header, t(self.lang, "interview.keys.line"), None, ())
        if shown is not None:
            prompt.application.after_render += lambda _app: shown()
        result = prompt.unsafe_ask()
        return result if isinstance(result, _Back) else clean(str(result)).strip()


class Prompter(Lines):
    """Asks one question at a time on the terminal and runs an interview to its end."""

    def __init__(self, catalog: Catalog, lang: str, out: TextIO) -> None:
        super().__init__(lang, out)
        self.catalog = catalog
        # what Enter at the review does, in words: show the verdict (the profile: save)
        self.review_texts = ("interview.review.prompt", "interview.keys.review")
        # the keys legend of each question (the outcome's: Ctrl-C stops and records nothing, no pause)
        self.keys = "interview.keys"

    # ---- our own lines --------------------------------------------------------------------

    def echo(self, q: Question, value: Any) -> None:
        from clientcheck.render.table import show_answer

        answer = show_answer(self.catalog, q.id, value, self.lang)
        mark = "\x1b[32m✔\x1b[0m" if self.color else "✔"
        shown = f"\x1b[36m{clean(answer)}\x1b[0m" if self.color else clean(answer)
        self.out.write(f"{mark} {clean(q.text.get(self.lang))} {shown}\n")
        self.out.flush()

    # ---- one question ---------------------------------------------------------------------

    def ask(self, step: Step, current: Any) -> Any:
        """The answer to step's question (canonical, or UNKNOWN), or BACK.

        current is the earlier answer (None if there is none). Raises KeyboardInterrupt on
        Ctrl-C and EOFError on Ctrl-D or end of input.
        """
        # as this prompter's catalog has it: amounts in a currency answered during the interview
        q = self.catalog.questions.get(step.question.id, step.question)
        lang = self.lang
        message = clean(q.text.get(lang))
        help_text = clean(q.help.get(lang)) if q.help else t(lang, "interview.help.none")
        common: dict[str, Any] = {"style": STYLE, "erase_when_done": True}
        from clientcheck import qtypes

        widget = qtypes.of(q).widget
        if widget == "select":
            prompt, legend, help_keys = self._select(q, message, current, common)
        elif widget == "checkbox":
            prompt, legend, help_keys = self._checkbox(q, message, current, common)
        else:
            prompt, legend, help_keys = self._typed(q, message, current, common)
        _decorate(prompt, step.progress(lang), legend, help_text, help_keys)
        result = prompt.unsafe_ask()
        if result is BACK:
            return BACK
        if q.type == "yesno":
            return {_YES: True, _NO: False}.get(result, UNKNOWN)
        if q.type == "choice":
            return UNKNOWN if result == _DONT_KNOW else result
        if q.type == "multi":
            return UNKNOWN if _DONT_KNOW in result else frozenset(result)
        from clientcheck.typed import parse_typed

        return parse_typed(q, result, lang)

    def _select(
        self, q: Question, message: str, current: Any, common: dict[str, Any]
    ) -> tuple[questionary.Question, str, tuple[str, ...]]:
        lang = self.lang
        if q.type == "yesno":
            options = [(_YES, t(lang, "interview.yes")), (_NO, t(lang, "interview.no"))]
            to_value: dict[Any, str] = {True: _YES, False: _NO}
        else:
            options = [(c.id, clean(c.text.get(lang))) for c in q.choices]
            to_value = {c.id: c.id for c in q.choices}
        options.append((_DONT_KNOW, t(lang, "interview.dont_know")))
        chosen = current if current is not None else q.default
        default = _DONT_KNOW if chosen is UNKNOWN else to_value.get(chosen)
        # shortcuts are 1-9, 0, then letters; j and k stay free because jk moving is off
        shortcuts = len(options) <= len(InquirerControl.SHORTCUT_KEYS)
        last = InquirerControl.SHORTCUT_KEYS[len(options) - 1] if shortcuts else str(len(options))
        prompt = questionary.select(
            message,
            choices=[questionary.Choice(title, value=value) for value, title in options],
            default=default,
            use_shortcuts=shortcuts,
            use_jk_keys=False,
            instruction=t(lang, "interview.hint.choice", n=last, keys=key_range(len(options))),
            **common,
        )
        return prompt, t(lang, f"{self.keys}.choice", n=last, keys=key_range(len(options))), ("?", "f1")

    def _checkbox(
        self, q: Question, message: str, current: Any, common: dict[str, Any]
    ) -> tuple[questionary.Question, str, tuple[str, ...]]:
        lang = self.lang
        chosen = current if current is not None else q.default
        ticked = set(chosen) if isinstance(chosen, (frozenset, list, tuple)) else set()
        choices = [questionary.Choice(clean(c.text.get(lang)), value=c.id, checked=c.id in ticked) for c in q.choices]
        choices.append(questionary.Choice(t(lang, "interview.dont_know"), value=_DONT_KNOW, checked=chosen is UNKNOWN))
        alone = t(lang, "interview.multi.alone")

        def validate(selected: list[str]) -> bool | str:
            return True if _DONT_KNOW not in selected or len(selected) == 1 else alone

        prompt = questionary.checkbox(
            message,
            choices=choices,
            validate=validate,
            use_jk_keys=False,
            instruction=t(lang, "interview.hint.multi", keys=key_range(min(len(choices), 10))),
            **common,
        )
        _number_keys(prompt, len(choices))
        _enter_on_last(prompt, _DONT_KNOW)
        return prompt, t(lang, f"{self.keys}.multi", keys=key_range(min(len(choices), 10))), ("?", "f1")

    def _typed(
        self, q: Question, message: str, current: Any, common: dict[str, Any]
    ) -> tuple[questionary.Question, str, tuple[str, ...]]:
        from clientcheck.typed import allowed_text, parse_typed, typed_default

        lang = self.lang

        def validate(text: str) -> bool | str:
            try:
                parse_typed(q, text, lang)
            except ValueError as exc:
                return str(exc)
            return True

        help_keys: tuple[str, ...] = ("?", "f1")
        if q.type == "text":
            hint, legend, help_keys = t(lang, "interview.hint.text"), t(lang, f"{self.keys}.text"), ("f1",)
        else:
            hint = t(lang, "interview.hint.number", allowed=allowed_text(q, lang))
            legend = t(lang, f"{self.keys}.number")
        prompt = questionary.text(
            message, default=typed_default(q, current, lang), validate=validate, instruction=hint, **common
        )
        _replace_on_type(prompt)
        return prompt, legend, help_keys

    def ask_checklist(self, step: Step, lines: list[str], values: dict[str, Any]) -> tuple[set[str], bool] | _Back:
        """A checklist: (the lines ticked, "not sure about some" ticked), or BACK.

        A line starts ticked when its question already has the line's `ticked` answer (going back).
        """
        lang = self.lang
        first = self.catalog.questions[lines[0]].checklist
        assert first is not None  # the session gives a checklist only for checklist lines
        choices = []
        for qid in lines:
            item = self.catalog.questions[qid].checklist
            if item is not None:
                checked = qid in values and values[qid] == item.ticked
                choices.append(questionary.Choice(clean(item.item.get(lang)), value=qid, checked=checked))
        choices.append(questionary.Choice(t(lang, "interview.checklist.unsure"), value=_DONT_KNOW))
        prompt = questionary.checkbox(
            clean(first.prompt.get(lang)),
            choices=choices,
            use_jk_keys=False,
            instruction=t(lang, "interview.checklist.hint", keys=key_range(min(len(choices), 10))),
            style=STYLE,
            erase_when_done=True,
        )
        _number_keys(prompt, len(choices))
        _enter_on_last(prompt, _DONT_KNOW)
        help_text = clean(first.help.get(lang)) if first.help else t(lang, "interview.help.none")
        header = t(lang, "interview.checklist.progress", n=step.number, total=step.total)
        legend = t(lang, "interview.keys.multi", keys=key_range(min(len(choices), 10)))
        _decorate(prompt, header, legend, help_text, ("?", "f1"))
        result = prompt.unsafe_ask()
        if isinstance(result, _Back):
            return result
        return {qid for qid in result if qid != _DONT_KNOW}, _DONT_KNOW in result

    def echo_checklist(self, lines: list[str], ticked: set[str], unsure: bool) -> None:
        item = self.catalog.questions[lines[0]].checklist
        if item is None:
            return
        lang = self.lang
        said = [clean(self.catalog.questions[q].checklist.item.get(lang)) for q in lines if q in ticked]  # type: ignore[union-attr]
        if unsure:  # nothing ticked: the whole checklist is put off, not "the rest" of it
            said.append(t(lang, "interview.checklist.unsure.short" if said else "interview.checklist.unsure.all"))
        answer = "; ".join(said) or t(lang, "interview.checklist.none")
        mark = "\x1b[32m✔\x1b[0m" if self.color else "✔"
        shown = f"\x1b[36m{answer}\x1b[0m" if self.color else answer
        self.out.write(f"{mark} {clean(item.prompt.get(lang))} {shown}\n")
        self.out.flush()

    # ---- the review screen ----------------------------------------------------------------

    def review(self, session: Session) -> str | _Back | None:
        """Show every answer; the id of one to change, None to finish, or BACK."""
        from rich.console import Console
        from rich.table import Table
        from rich.text import Text

        from clientcheck.render.table import show_answer, trimmed

        lang = self.lang
        ids = session.review_ids()
        table = Table(title=t(lang, "interview.review.title"), title_justify="left", expand=False)
        table.add_column("#", justify="right", no_wrap=True)
        table.add_column(t(lang, "interview.col.question"))
        table.add_column(t(lang, "interview.col.answer"))
        for n, qid in enumerate(ids, 1):
            q = self.catalog.questions[qid]
            answer = show_answer(self.catalog, qid, session.values.get(qid, UNKNOWN), lang)
            table.add_row(str(n), Text(clean(q.text.get(lang))), Text(clean(answer)))
        # trimmed: no trailing padding where the screen is a file (stderr redirected)
        Console(file=trimmed(self.out), highlight=False, force_terminal=self.color, no_color=not self.color).print(
            table
        )

        bad = t(lang, "interview.review.bad", n=len(ids))

        def pick(text: str) -> bool | str:
            text = text.strip()
            if not text:
                return True
            return True if text.isdigit() and 1 <= int(text) <= len(ids) else bad

        ask, legend = self.review_texts
        prompt = questionary.text(t(lang, ask), validate=pick, style=STYLE, erase_when_done=True)
        _decorate(prompt, t(lang, "interview.review.progress", n=len(ids)), t(lang, legend), None, ())
        result = prompt.unsafe_ask()
        if isinstance(result, _Back):
            return result
        text = str(result).strip()
        return ids[int(text) - 1] if text else None

    # ---- the whole interview --------------------------------------------------------------

    def offer_finish(self, session: Session) -> bool | _Back:
        """The verdict is settled: Enter finishes (True), the other choice goes on (False)."""
        lang = self.lang
        prompt = questionary.select(
            t(lang, "interview.settled.ask"),
            choices=[
                questionary.Choice(t(lang, "interview.settled.finish"), value="finish"),
                questionary.Choice(t(lang, "interview.settled.go_on"), value="go_on"),
            ],
            use_shortcuts=True,
            use_jk_keys=False,
            instruction=" ",
            style=STYLE,
            erase_when_done=True,
        )
        header = self._settled_text(session) if session.settled else t(lang, "interview.nothing_moves")
        _decorate(prompt, header, t(lang, "interview.keys.settled"), None, ())
        result = prompt.unsafe_ask()
        return result if isinstance(result, _Back) else result == "finish"

    def _settled_text(self, session: Session) -> str:
        verdict = t(self.lang, f"verdict.{session.verdict().verdict}")
        return t(self.lang, "interview.settled", verdict=verdict)

    def settled_line(self, session: Session) -> None:
        """Settled, or nothing left to ask can change the verdict: say which."""
        self.write(self._settled_text(session) if session.settled else t(self.lang, "interview.nothing_moves"), "1")

    def ask_note(self, session: Session) -> bool:
        """The user's own note about the client, kept with the answers and the assessment.

        False: Ctrl-B, go back to the screen before (the note is left as it was).
        """
        lang = self.lang
        result = self.line(
            t(lang, "interview.note.ask"),
            t(lang, "interview.note.header"),
            t(lang, "interview.note.hint"),
            session.note or "",
        )
        if isinstance(result, _Back):
            return False
        session.note = result or None
        return True

    def flag(self, session: Session, finding: Finding, stops: bool, quick: bool) -> None:
        """A red flag that alone declines, and what the interview does next (stops: it is settled
        and not yet offered to finish; quick then ends the interview, otherwise it offers to)."""
        lang = self.lang
        label = severity_name(self.catalog, finding.severity, lang)
        then = ("ends" if quick else "offer") if stops else "goes_on"
        said = t(lang, "interview.live_flag", title=finding.rule.title.get(lang), severity=label)
        self.write(f"{said} {t(lang, f'interview.live_flag.{then}')}", "1;31")

    # ---- the whole interview --------------------------------------------------------------

    def run(
        self, session: Session, autosave: Callable[[Session], None], quick: bool = False, note: bool = True
    ) -> bool:
        """Ask until every question in effect is answered and the review is done, or the verdict is
        settled and the user finishes there (quick: finishes by itself). True when finished early.

        autosave is called after every answer. KeyboardInterrupt / EOFError pass through.
        Ctrl-B at the note goes back: to the review, or after an early finish to the offer to
        finish (quick: to the last question answered).
        """
        again = False
        while True:
            finished_early = self._questions(session, autosave, quick, again)
            # a catalog with its own `note` question keeps it
            if not note or NOTE_KEY in self.catalog.questions or self.ask_note(session):
                break
            again = True
            if finished_early and quick:
                session.back()
        if note and NOTE_KEY not in self.catalog.questions:
            autosave(session)
        return finished_early

    def stops(self, session: Session, offered: bool) -> bool:
        """Does the interview stop here to finish (quick) or offer to: settled, and not offered yet?"""
        return not offered and session.current is not None and not session.can_move()

    def _questions(self, session: Session, autosave: Callable[[Session], None], quick: bool, again: bool) -> bool:
        """again: back from the note; the verdict's state was already said, and quick asks again."""
        lang = self.lang
        shown_section: str | None = None
        # offer to finish only once: the range only narrows, so after "go on" it stays settled
        # --in-order alone is the full walk; with --quick it too finishes once the verdict is settled
        offered = session.chooser is None and not quick
        # back from the note after quick finished: the last answer is to be changed, its new value decides
        if not (again and quick) and self.stops(session, offered):
            # settled before any question (the client's history, an answers file, a resumed file)
            offered = True
            if quick:
                self.settled_line(session)
                return True
            # the offer says it is settled, and is erased once answered: then the line stays, once
            finish = self.offer_finish(session)
            said = False
            # Ctrl-B: to the last answer given (a resumed run has some), else nothing to go back to
            while isinstance(finish, _Back) and not session.back():
                if not said:
                    self.write(t(lang, "interview.nothing_asked"), "33")
                    said = True
                finish = self.offer_finish(session)
            if not again:
                self.settled_line(session)
            if finish is True:
                return True
        first_said = False  # "nothing to go back to" once, not once per Ctrl-B
        while True:
            step = session.step()
            if step is None:
                choice = self.review(session)
                shown_section = None
                if choice is None:
                    return False
                if isinstance(choice, _Back):
                    session.back()
                else:
                    session.edit(choice)
                continue
            lines = session.lines()  # the checklist's lines, or the one question
            checklist = len(lines) > 1
            q = step.question
            if checklist:
                picked = self.ask_checklist(step, lines, session.values)
                back = isinstance(picked, _Back)
            else:
                result = self.ask(step, session.values.get(q.id))
                back = result is BACK
            if back:
                if not session.back() and not first_said:
                    first_said = True
                    self.write(t(lang, "interview.first_question"), "33")
                continue
            first_said = False
            if checklist:  # its lines come from several sections: no section line
                shown_section = None
            elif step.section.id != shown_section:
                # written with the answer, not before the prompt: a prompt left with Ctrl-B leaves
                # no heading behind (the prompt's own progress line names the section meanwhile)
                self.write(t(lang, "interview.section", title=step.section.title.get(lang)), "1")
                shown_section = step.section.id
            if checklist:
                assert not isinstance(picked, _Back)
                change = session.answer_checklist(*picked)
                self.echo_checklist(lines, *picked)
            else:
                change = session.answer(q.id, result)
                if q.id == CURRENCY:  # the amounts from here on are shown in it, as the verdict shows them
                    self.catalog = with_currency(self.catalog, session.values)
                self.echo(q, result)
            autosave(session)
            stops = self.stops(session, offered)
            for finding in change.new_flags:
                self.flag(session, finding, stops, quick)
            # settled, or what is left cannot change the verdict (the "don't know" answers hold its range)
            if not stops:
                continue
            offered = True
            if quick:
                self.settled_line(session)
                return True
            finish = self.offer_finish(session)
            if isinstance(finish, _Back):
                offered = False
                session.back()
            elif finish:
                return True
