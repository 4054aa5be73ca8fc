"""`clientcheck profile`: the answers about your own business, given once (profile.py).

    clientcheck profile                  ask the seller questions (the current answers are offered)
    clientcheck profile set Q=A ...      set answers without asking (units allowed: min_price=150k)
    clientcheck profile show             print the profile
    clientcheck profile edit             open the profile file in $VISUAL / $EDITOR, then check it
    clientcheck profile list             the profiles there are

Every subcommand takes --profile NAME (default: $CLIENTCHECK_PROFILE, else "default").
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any

import typer

from clientcheck.cli import (
    App,
    ColorMode,
    ColorOpt,
    LangOpt,
    QuestionsOpt,
    QuietOpt,
    RulesOpt,
    app,
    language_for,
    load_catalog_for,
    say_note,
)
from clientcheck.cliopts import format_option, profile_option, say
from clientcheck.errors import EXIT_INTERRUPTED, InteractiveSessionError, UsageError
from clientcheck.i18n import t

if TYPE_CHECKING:
    from clientcheck.model import Catalog

profile_app = App(
    name="profile",
    help="Your seller profile: the answers about your own business, given once and used for every client.",
    invoke_without_command=True,
    no_args_is_help=False,
)
app.add_typer(profile_app, name="profile")

ProfileOpt = Annotated[str | None, profile_option("Which profile (default: $CLIENTCHECK_PROFILE, else 'default').")]


class ShowFormat(StrEnum):
    table = "table"
    yaml = "yaml"
    json = "json"


def _seller_catalog(catalog: Catalog) -> Catalog:
    """Only the seller questions and their sections: what a profile interview asks."""
    from clientcheck.profile import seller_questions

    ids = [q.id for q in seller_questions(catalog)]
    sections = tuple(
        s._replace(questions=tuple(qid for qid in s.questions if qid in ids))
        for s in catalog.sections
        if any(qid in ids for qid in s.questions)
    )
    questions = {qid: catalog.questions[qid] for qid in ids}
    return catalog._replace(questions=questions, sections=sections, rules=())


@profile_app.callback()
def _profile(
    ctx: typer.Context,
    profile: ProfileOpt = None,
    lang: LangOpt = None,
    rules: RulesOpt = None,
    questions: QuestionsOpt = None,
) -> int | None:
    """Without a subcommand: answer the questions about your business (the current answers are offered)."""
    if ctx.invoked_subcommand is not None:
        return None
    return ask(profile, lang, rules, questions)


@profile_app.command("set")
def set_(
    assignments: Annotated[
        list[str] | None,
        typer.Argument(metavar="[QUESTION=ANSWER]...", help="Answers to set, e.g. min_price=150k currency=EUR."),
    ] = None,
    profile: ProfileOpt = None,
    quiet: QuietOpt = False,
    lang: LangOpt = None,
    rules: RulesOpt = None,
    questions: QuestionsOpt = None,
) -> int:
    """Set answers: those given as QUESTION=ANSWER, or, with none, ask every question on the terminal."""
    if not assignments:
        return ask(profile, lang, rules, questions)
    from clientcheck import profile as profiles
    from clientcheck.conditions import suggest

    code = language_for(lang)
    catalog = load_catalog_for(rules, questions)
    name, _ = profiles.chosen_name(profile)
    current = profiles.read(catalog, name)
    values: dict[str, Any] = dict(current.values) if current else {}
    seller = {q.id: q for q in profiles.seller_questions(catalog)}
    for item in assignments:
        qid, sep, text = item.partition("=")
        qid = qid.strip()
        if not sep:
            raise UsageError(t(code, "profile.set_syntax", item=item))
        q = seller.get(qid)
        if q is None:
            raise UsageError(
                t(code, "profile.not_seller", id=qid, ids=", ".join(seller)) + suggest(qid, list(seller), code)
            )
        values[qid] = _parse_answer(q, text, code)
    path = profiles.write(catalog, name, values)
    say_note(t(code, "profile.saved", name=name, path=path))
    return 0


def _parse_answer(q: Any, text: str, lang: str) -> Any:
    """An answer typed on the command line: yes/no, a choice id, a number with units, text."""
    from clientcheck.answers import coerce
    from clientcheck.session import parse_typed

    text = text.strip()
    if text == "?":  # "don't know", as in a CSV cell (empty says it too)
        text = ""
    try:
        if q.type == "yesno":
            low = text.lower()
            yes, no = {"yes", "y", "true", "да"}, {"no", "n", "false", "нет"}
            if low not in yes | no and low:
                raise ValueError(t(lang, "profile.yes_no", text=text))
            return coerce(q, None if not low else low in yes, lang=lang)
        if q.type == "choice":
            return coerce(q, text or None, lang=lang)
        if q.type == "multi":
            return coerce(q, [x.strip() for x in text.split(",") if x.strip()], lang=lang)
        return parse_typed(q, text, lang)
    except ValueError as exc:
        raise UsageError(f"{q.id}: {exc}") from None


def ask(profile: str | None, lang: Any, rules: Any, questions: Any) -> int:
    """Ask the seller questions on the terminal and save the profile after every answer."""
    from clientcheck import profile as profiles
    from clientcheck.commands.interview import _stdin_is_terminal
    from clientcheck.session import Session

    code = language_for(lang)
    if not _stdin_is_terminal():
        raise InteractiveSessionError(t(code, "profile.not_a_terminal"))
    catalog = load_catalog_for(rules, questions)
    name, _ = profiles.chosen_name(profile)
    current = profiles.read(catalog, name)
    seller = _seller_catalog(catalog)
    session = Session(seller, current.values if current else {})

    from clientcheck.interview import Prompter, prompt_stream, terminal

    stream = prompt_stream()
    prompter = Prompter(profiles.with_currency(seller, session.values), code, stream)
    prompter.review_texts = ("profile.review.prompt", "profile.keys.review")

    def autosave(s: Session) -> None:
        profiles.write(catalog, name, s.values)
        prompter.catalog = profiles.with_currency(seller, s.values)  # amounts in the currency just given

    try:
        with terminal(stream):
            prompter.run(session, autosave, note=False)
    except (KeyboardInterrupt, EOFError):
        if session.values:
            autosave(session)
            say(f"clientcheck: {t(code, 'profile.saved', name=name, path=profiles.path_for(name))}")
        return EXIT_INTERRUPTED
    path = profiles.write(catalog, name, session.values)
    say_note(t(code, "profile.saved", name=name, path=path))
    return 0


@profile_app.command("show")
def show(
    profile: ProfileOpt = None,
    fmt: Annotated[ShowFormat, format_option("table, yaml or json.")] = ShowFormat.table,
    color: ColorOpt = ColorMode.auto,
    lang: LangOpt = None,
    rules: RulesOpt = None,
    questions: QuestionsOpt = None,
) -> int:
    """Print the profile's answers."""
    from clientcheck import profile as profiles

    code = language_for(lang)
    catalog = load_catalog_for(rules, questions)
    name, _ = profiles.chosen_name(profile)
    current = profiles.read(catalog, name)
    if current is None:
        raise UsageError(t(code, "profile.empty", name=name, path=profiles.path_for(name)))
    catalog = profiles.with_currency(catalog, current.values)
    mapping = profiles.to_mapping(catalog, current.values)
    if fmt is ShowFormat.json:
        from clientcheck.render.plain import write_json

        write_json(mapping)
        return 0
    if fmt is ShowFormat.yaml:
        from clientcheck.recovery import dump_answers
        from clientcheck.render.plain import write_text

        write_text(dump_answers(mapping, current.path))
        return 0
    from rich.table import Table
    from rich.text import Text

    from clientcheck.model import UNKNOWN
    from clientcheck.render.table import print_to, show_answer

    table = Table(title=t(code, "profile.title", name=name, path=current.path), title_justify="left")
    table.add_column(t(code, "interview.col.question"))
    table.add_column(t(code, "interview.col.answer"))
    table.add_column("id", style="dim")
    for q in profiles.seller_questions(catalog):
        value = current.values.get(q.id, UNKNOWN) if q.id in current.values else None
        shown = show_answer(catalog, q.id, value, code) if q.id in current.values else "—"
        table.add_row(Text(q.text.get(code)), Text(shown), q.id)
    from clientcheck.terminal import rich_color, use_color

    with rich_color(use_color(color.value, sys.stdout)):
        print_to(sys.stdout, table)
    return 0


@profile_app.command("edit")
def edit(
    profile: ProfileOpt = None,
    quiet: QuietOpt = False,
    lang: LangOpt = None,
    rules: RulesOpt = None,
    questions: QuestionsOpt = None,
) -> int:
    """Open the profile file in $VISUAL or $EDITOR, then check what was saved."""
    from clientcheck import profile as profiles

    code = language_for(lang)
    catalog = load_catalog_for(rules, questions)
    name, _ = profiles.chosen_name(profile)
    path = profiles.path_for(name)
    if not path.exists():
        current = profiles.read(catalog, name)
        profiles.write(catalog, name, dict(current.values) if current else {})
    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or ("notepad" if os.name == "nt" else "vi")
    try:
        subprocess.run([*shlex.split(editor), str(path)], check=False)
    except OSError as exc:
        raise UsageError(t(code, "profile.editor_failed", editor=editor, reason=exc.strerror or exc)) from None
    profiles.read(catalog, name)  # a mistake is reported with its file:line; the file keeps what was typed
    say_note(t(code, "profile.saved", name=name, path=path))
    return 0


@profile_app.command("list")
def list_(lang: LangOpt = None) -> int:
    """The profiles there are, one name a line."""
    from clientcheck import profile as profiles

    code = language_for(lang)
    folder = profiles.profiles_dir()
    names = sorted(p.stem for p in folder.glob("*.yaml")) if folder.is_dir() else []
    if not names:
        say(t(code, "profile.none", dir=folder))
        return 0
    from clientcheck.render.plain import out

    for n in names:
        out(n)
    return 0
