"""`clientcheck questions list|show`: what an answers file may contain, from the questions in effect."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated, Any

import typer

from clientcheck.cli import (
    App,
    ColorMode,
    ColorOpt,
    Format,
    LangOpt,
    QuestionsOpt,
    QuietOpt,
    RulesOpt,
    app,
    language_for,
    load_catalog_for,
)
from clientcheck.cliopts import FormatOpt
from clientcheck.errors import EXIT_OK, UsageError
from clientcheck.i18n import t

if TYPE_CHECKING:
    from clientcheck.model import Catalog, Question


def _question_ids(ctx: Any, incomplete: str) -> list[Any]:
    from clientcheck.completion import QUESTION_ID

    return QUESTION_ID(ctx, incomplete)


questions_app = App(name="questions", help="List the questions and what each one accepts.")
app.add_typer(questions_app, name="questions")


def _number(x: float | None) -> float | int | None:
    if x is None:
        return None
    return int(x) if float(x).is_integer() else x


def _used_by(catalog: Catalog, qid: str) -> list[str]:
    return [r.id for r in catalog.rules if any(qid in lv.when.names for lv in r.levels)]


def _asks_after(catalog: Catalog, qid: str) -> list[str]:
    return [q.id for q in catalog.questions.values() if q.when is not None and qid in q.when.names]


def question_to_dict(catalog: Catalog, q: Question, lang: str, full: bool = False) -> dict[str, Any]:
    """A question as JSON data (docs/json.md): the same keys for `list` and, with more, `show`."""
    from clientcheck.render.data import plain

    out: dict[str, Any] = {
        "id": q.id,
        "type": q.type,
        "section": q.section,
        "text": q.text.get(lang),
        "help": q.help.get(lang) if q.help else None,
        "unit": q.unit.get(lang) if q.unit else None,
        "min": _number(q.min),
        "max": _number(q.max),
        "choices": [{"id": c.id, "text": c.text.get(lang)} for c in q.choices],
        "default": plain(q.default),
        "when": q.when.source if q.when else None,
    }
    if full:
        out["used_by_rules"] = _used_by(catalog, q.id)
        out["defined_at"] = str(q.mark) if q.mark else None
    return out


def _accepts(q: Question, lang: str) -> str:
    """What an answers file may give, in words."""

    if q.type == "yesno":
        return t(lang, "questions.accepts.yesno")
    if q.type == "choice":
        return t(lang, "questions.accepts.choice")
    if q.type == "multi":
        return t(lang, "questions.accepts.multi")
    if q.type == "text":
        return t(lang, "questions.accepts.text")
    from clientcheck.answers import allowed

    # in the words the interview's hint and the answers' messages use (bounds typed back as shown)
    return allowed(q, lang) + (f" ({q.unit.get(lang)})" if q.unit else "")


def _example(q: Question) -> str:
    """One line of an answers file that answers q."""
    if q.type == "yesno":
        value = "true"
    elif q.type == "choice":
        value = q.choice_ids[0] if q.choice_ids else '""'
    elif q.type == "multi":
        value = "[" + ", ".join(q.choice_ids[:2]) + "]"
    elif q.type in ("integer", "number"):
        low = q.min if q.min is not None else 0
        value = str(_number(max(low, min(q.max, 1) if q.max is not None else low)))
    else:
        value = '"…"'
    return f"{q.id}: {value}"


@questions_app.command("list")
def questions_list(
    fmt: FormatOpt = Format.table,
    color: ColorOpt = ColorMode.auto,
    quiet: QuietOpt = False,
    lang: LangOpt = None,
    rules: RulesOpt = None,
    questions: QuestionsOpt = None,
) -> int:
    """List the questions in effect: id, type and text."""
    language = language_for(lang)
    catalog = load_catalog_for(rules, questions)
    if fmt is Format.json:
        from clientcheck.render.plain import write_json

        write_json([question_to_dict(catalog, q, language) for q in catalog.questions.values()])
        return EXIT_OK
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    from clientcheck.render.table import layout_width, plain_text, print_to
    from clientcheck.terminal import rich_color, use_color

    width = layout_width(sys.stdout)
    parts: list[Any] = []
    for section in catalog.sections:
        parts.append(Text(section.title.get(language), style="bold"))
        ids = [q for q in section.questions if q in catalog.questions]
        grid = Table.grid(padding=(0, 2, 0, 0))
        id_width = max((len(q) for q in ids), default=0)
        narrow = width < 60
        if narrow:  # id and type on one line, the question below it
            grid.add_column(ratio=1)
        else:
            grid.add_column(no_wrap=True, min_width=id_width)
            grid.add_column(no_wrap=True, style="dim")
            grid.add_column(ratio=1)
        for qid in ids:
            q = catalog.questions[qid]
            kind = t(language, f"questions.type.{q.type}")
            if narrow:
                head = plain_text(qid)
                head.append(f" · {kind}", style="dim")
                grid.add_row(Group(head, plain_text("  " + q.text.get(language))))
            else:
                grid.add_row(plain_text(qid), kind, plain_text(q.text.get(language)))
        parts += [grid, Text("")]
    if quiet:
        parts.pop()  # the blank line after the last section led to the hint
    else:
        parts.append(Text(t(language, "questions.list.hint"), style="dim"))
    with rich_color(use_color(color.value, sys.stdout)):
        print_to(sys.stdout, Group(*parts), width=width)
    return EXIT_OK


@questions_app.command("show")
def questions_show(
    question_id: Annotated[
        str,
        typer.Argument(
            help="The question's id (see 'clientcheck questions list').", metavar="ID", autocompletion=_question_ids
        ),
    ],
    fmt: FormatOpt = Format.table,
    color: ColorOpt = ColorMode.auto,
    quiet: QuietOpt = False,
    lang: LangOpt = None,
    rules: RulesOpt = None,
    questions: QuestionsOpt = None,
) -> int:
    """Show what one question accepts.

    Its text and help, its choices or range, when it is asked and which rules use it.
    """
    from clientcheck.conditions import suggest

    language = language_for(lang)
    catalog = load_catalog_for(rules, questions)
    q = catalog.questions.get(question_id)
    if q is None:
        raise UsageError(
            t(language, "questions.unknown", id=question_id) + suggest(question_id, list(catalog.questions), language)
        )
    if fmt is Format.json:
        from clientcheck.render.plain import write_json

        write_json(question_to_dict(catalog, q, language, full=True))
        return EXIT_OK
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    from clientcheck.render.table import plain_text, print_to
    from clientcheck.terminal import rich_color, use_color

    def field(label: str, *values: Any) -> Table:
        grid = Table.grid(padding=(0, 1, 0, 0))
        grid.add_column(no_wrap=True, style="bold")
        grid.add_column(ratio=1)
        grid.add_row(label, Group(*values))
        return grid

    section = next((s for s in catalog.sections if s.id == q.section), None)
    head = plain_text(q.id, "bold")
    head.append(f" · {t(language, f'questions.type.{q.type}')}", style="")
    if section is not None:
        head.append(f" · {section.title.get(language)}", style="dim")
    parts: list[Any] = [head, plain_text(q.text.get(language))]
    if q.help:
        parts.append(plain_text(q.help.get(language), "dim"))
    parts.append(Text(""))
    parts.append(field(t(language, "questions.show.accepts"), plain_text(_accepts(q, language))))
    if q.choices:
        choices = Table.grid(padding=(0, 2, 0, 0))
        choices.add_column(no_wrap=True, min_width=max(len(c.id) for c in q.choices))
        choices.add_column(ratio=1)
        for c in q.choices:
            choices.add_row(plain_text(c.id), plain_text(c.text.get(language), "dim"))
        parts.append(field(t(language, "questions.show.choices"), choices))
    if q.when is not None:
        parts.append(field(t(language, "questions.show.when"), plain_text(q.when.source)))
    used = _used_by(catalog, q.id)
    parts.append(field(t(language, "questions.show.used_by"), plain_text(", ".join(used) or "—")))
    after = _asks_after(catalog, q.id)
    if after:
        parts.append(field(t(language, "questions.show.gates"), plain_text(", ".join(after))))
    parts.append(field(t(language, "questions.show.example"), plain_text(_example(q))))
    if not quiet:
        parts.append(plain_text(t(language, "questions.show.unknown"), "dim"))
    with rich_color(use_color(color.value, sys.stdout)):
        print_to(sys.stdout, Group(*parts))
    return EXIT_OK
