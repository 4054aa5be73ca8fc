"""`--help` pages: written here rather than by Typer, in the language of the run.

Typer's own pages cut summaries with "…", show Python types (`<list[str]>`, `<int range>`) and have
no room for examples. A page here has: the summary, the usage line, the longer description,
arguments and options with metavars a person reads (FILE, ID, NAME), their choices, default and
environment variables in brackets, then Examples and the command's own exit codes. Text is
English in the code and translated at display time (helptext_ru.RU, keyed by the English text,
as gettext does); tests check that every text on every page has its translation.
"""

from __future__ import annotations

import os
import textwrap
from typing import Any

from clientcheck.helpexamples import EXAMPLES as EXAMPLES  # the Examples of every page
from clientcheck.helpexamples import Example as Example
from clientcheck.i18n import detect_language, t

MAX_WIDTH = 100  # long lines are hard to read, however wide the terminal
MIN_WIDTH = 40
TERM_WIDTH = 30  # an option column wider than this puts its help on the next line


# ---------------------------------------------------------------- what each page says

# The environment variables an option falls back to (read by the code, not by Click).
ENV_FOR = {
    "rules": "CLIENTCHECK_RULES",
    "questions": "CLIENTCHECK_QUESTIONS",
    "db": "CLIENTCHECK_DB",
    "lang": "LANGUAGE, LC_ALL, LC_MESSAGES, LANG",
    "color": "NO_COLOR, FORCE_COLOR",
}

ENVIRONMENT = (
    ("CLIENTCHECK_RULES", "Rules file to use (below --rules, above the current folder)."),
    ("CLIENTCHECK_QUESTIONS", "Questions folder to use (below --questions, above the current folder)."),
    ("CLIENTCHECK_DB", "History database file."),
    ("LANGUAGE, LC_ALL, LC_MESSAGES, LANG", "Language of the output when --lang is not given (en or ru)."),
    ("NO_COLOR, FORCE_COLOR", "Turn colour off, or on in a pipe (--color wins over both)."),
    ("COLUMNS", "Width to lay tables out for (at least 40)."),
    ("CLIENTCHECK_DEBUG", "Show the traceback of an internal error."),
)

OK = (0, "Success.")
USAGE = (2, "Bad usage or input (options, files, answers): one line on stderr says what and where.")
INTERRUPTED = (130, "Interrupted (Ctrl-C).")
# every command writes to standard output and can be interrupted: these two are added to each list
OUTPUT = (5, "The output could not be written (standard output closed, disk full).")
VERDICT_OK = (0, "The verdict is below --fail-on (go or caution by default).")
VERDICT_FAIL = (
    1,
    "The verdict is at or above --fail-on (decline by default; with --fail-on-reachable, the worst verdict "
    "still reachable; for many clients: any of them).",
)

EXIT_CODES: dict[str, tuple[tuple[int, str], ...]] = {
    "": (
        (0, "Success; for a verdict: below --fail-on."),
        (1, "A verdict at or above --fail-on (check, interview); a failed example (rules test)."),
        USAGE,
        (3, "Internal error: a bug in clientcheck; please report it."),
        (4, "Some records of a batch were bad and skipped (check)."),
        INTERRUPTED,
    ),
    "check": (
        VERDICT_OK,
        VERDICT_FAIL,
        USAGE,
        (4, "Some records of a batch were bad and skipped (each on stderr as FILE:LINE: message); outranks 1."),
        INTERRUPTED,
    ),
    "interview": (
        VERDICT_OK,
        (1, "The verdict is at or above --fail-on (decline by default)."),
        USAGE,
        (130, "Interrupted; the answers are kept and --resume continues."),
    ),
    "profile": (OK, USAGE, (130, "Interrupted; the answers given so far are saved.")),
    "profile set": (OK, USAGE, (130, "Interrupted; the answers given so far are saved.")),
    "lint": ((0, "No errors (warnings are allowed)."), (2, "Errors found, or the files cannot be read.")),
    "outcome": (OK, USAGE, (130, "Interrupted: nothing was recorded.")),
    "rules test": (
        (0, "Every example passes (and the coverage is enough)."),
        (1, "An example failed, or the coverage is below --min-coverage."),
        (2, "The rules or questions have errors."),
    ),
}
DEFAULT_EXIT_CODES = (OK, USAGE)


def exit_codes(path: str) -> tuple[tuple[int, str], ...]:
    """The codes a command can return: its own, then 5 and 130 that any command can (by code)."""
    own = EXIT_CODES.get(path, DEFAULT_EXIT_CODES)
    taken = {code for code, _ in own}
    return tuple(sorted((*own, *(c for c in (OUTPUT, INTERRUPTED) if c[0] not in taken)), key=lambda c: c[0]))


# Command groups of the top-level page, in order; a command not listed goes under "Other commands".
GROUPS = (
    ("Assess a client", ("interview", "check", "explain", "reply", "profile", "sql")),
    ("Client history", ("history", "show", "diff", "paid", "outcome", "report", "rescore", "import")),
    ("Rules and questions", ("rules", "questions", "lint", "init", "config", "schema")),
    ("Shell", ("completion",)),
)


# ---------------------------------------------------------------- translation


def language() -> str:
    return detect_language(None)


def tr(text: str, lang: str) -> str:
    """The text in lang: English as written, else its translation (English when there is none)."""
    if lang == "en" or not text:
        return text
    from clientcheck.helptext_ru import RU

    return RU.get(text) or text


# ---------------------------------------------------------------- layout


def width() -> int:
    try:
        columns = int(os.environ.get("COLUMNS", ""))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(1).columns
        except OSError:
            columns = 80
    return max(MIN_WIDTH, min(columns, MAX_WIDTH))


def _wrap(text: str, width: int, indent: int = 0, first: int | None = None) -> list[str]:
    pad = " " * indent
    lines = textwrap.wrap(
        text,
        width=width,
        initial_indent=" " * (indent if first is None else first),
        subsequent_indent=pad,
        break_long_words=False,  # an id or a path is never split across lines
        break_on_hyphens=False,
    )
    return lines or [""]


def _definitions(rows: list[tuple[str, str]], width: int) -> list[str]:
    """Term and description; a long term puts its description on the next line."""
    term_width = min(max((len(term) for term, _ in rows), default=0), TERM_WIDTH)
    col = 2 + term_width + 2
    out: list[str] = []
    for term, text in rows:
        if len(term) <= term_width:
            lines = _wrap(text, width, col) if text else [""]
            out.append(f"  {term.ljust(term_width)}  {lines[0].lstrip()}".rstrip())
            out += lines[1:]
        else:
            out.append(f"  {term}")
            out += _wrap(text, width, col) if text else []
    return out


def _paragraphs(text: str) -> list[str]:
    return [" ".join(p.split()) for p in text.strip().split("\n\n") if p.strip()]


def summary(command: Any, lang: str) -> str:
    """The command's one-line summary: the first paragraph of its help."""
    paragraphs = _paragraphs(command.help or "")
    return tr(paragraphs[0], lang) if paragraphs else ""


# ---------------------------------------------------------------- parameters


# metavars in Russian: a placeholder is read as a word, so it is translated like one
METAVARS_RU = {
    "ANSWERS": "ОТВЕТЫ",
    "FILE": "ФАЙЛ",
    "DIR": "ПАПКА",
    "PATH": "ПУТЬ",
    "ID": "КОД",
    "IDS": "КОДЫ",
    "NAME": "ИМЯ",
    "CLIENT": "КЛИЕНТ",
    "FORMAT": "ФОРМАТ",
    "WHEN": "КОГДА",
    "VERDICT": "ВЕРДИКТ",
    "LANG": "ЯЗЫК",
    "SHELL": "ОБОЛОЧКА",
    "DATE": "ДАТА",
    "PCT": "П",
    "NUMBER": "ЧИСЛО",
    "DIRECTORY": "ПАПКА",
}


def localized(name: str, lang: str) -> str:
    """A metavar in lang: each word of it (CLIENT|ID ID, ANSWERS...) translated."""
    if lang != "ru":
        return name
    import re

    return re.sub(r"[A-Z_]+", lambda m: METAVARS_RU.get(m.group(0), m.group(0)), name)


def metavar(param: Any, lang: str = "en") -> str:
    """What to write for a parameter's value: FILE, DIR, ID, NAME, N…; never a Python type."""
    return localized(_metavar(param), lang)


def _metavar(param: Any) -> str:
    if param.metavar:
        return str(param.metavar)
    desc = getattr(param, "type_descriptor", None)
    if desc is not None and desc.is_path:
        info = desc.parameter_info
        if getattr(info, "dir_okay", True) is False:
            return "FILE"
        if getattr(info, "file_okay", True) is False:
            return "DIR"
        return "PATH"
    if desc is not None and desc.is_choice:  # --input-format -> FORMAT
        longest: str = max(param.opts, key=len)
        return longest.lstrip("-").rsplit("-", 1)[-1].upper()
    annotation = getattr(desc, "annotation", None)
    if annotation is int:
        return "N"
    if annotation is float:
        return "NUMBER"
    return str(param.name).upper()


def _choices(param: Any) -> list[str]:
    desc = getattr(param, "type_descriptor", None)
    if desc is None or not desc.is_choice or desc.choices is None:
        return []
    return [str(getattr(c, "value", c)) for c in desc.choices]


def _is_flag(param: Any) -> bool:
    return (
        bool(getattr(param, "is_flag", False))
        or getattr(getattr(param, "type_descriptor", None), "annotation", None) is bool
    )


def option_term(param: Any, lang: str = "en") -> str:
    names = sorted(param.opts, key=lambda o: (o.startswith("--"), o))  # -f before --format
    term = ", ".join(names)
    if not _is_flag(param):
        term += f" {metavar(param, lang)}"
    if param.secondary_opts:
        term += " / " + ", ".join(param.secondary_opts)
    return term


def argument_term(param: Any, lang: str = "en") -> str:
    name = metavar(param, lang)
    if param.nargs == -1 and not name.endswith("..."):
        name += "..."
    return name


def param_help(param: Any, lang: str) -> str:
    text = tr(" ".join((param.help or "").split()), lang)
    extra: list[str] = []
    choices = _choices(param)
    if choices:
        extra.append(t(lang, "help.one_of", values=", ".join(choices)))
    default = param.default
    if choices and default is not None and not _is_flag(param):
        extra.append(t(lang, "help.default", value=str(getattr(default, "value", default))))
    env = ENV_FOR.get(str(param.name))
    if env:
        extra.append(t(lang, "help.env", names=env))
    if extra:
        text = f"{text} [{'; '.join(extra)}]" if text else f"[{'; '.join(extra)}]"
    return text


# ---------------------------------------------------------------- pages


def command_path(ctx: Any) -> str:
    """ "rules show" for `clientcheck rules show`; "" for the top level."""
    return " ".join(ctx.command_path.split()[1:])


def usage(command: Any, ctx: Any, lang: str) -> str:
    pieces = [ctx.command_path]
    if any(p.param_type_name == "option" for p in command.get_params(ctx)):
        pieces.append(t(lang, "help.options_metavar"))
    for p in command.get_params(ctx):
        if p.param_type_name == "argument":
            term = argument_term(p, lang)
            pieces.append(term if p.required else f"[{term}]")
    if hasattr(command, "commands"):
        pieces.append(t(lang, "help.command_metavar"))
    return " ".join(pieces)


def page(command: Any, ctx: Any) -> str:
    """The whole --help page of a command or a group."""
    lang = language()
    w = width()
    path = command_path(ctx)
    out: list[str] = []
    paragraphs = [tr(p, lang) for p in _paragraphs(command.help or "")]
    if paragraphs:
        out += _wrap(paragraphs[0], w)
        out.append("")
    out += _wrap(f"{t(lang, 'help.usage')}: {usage(command, ctx, lang)}", w, 4, 0)
    for p in paragraphs[1:]:
        out.append("")
        out += _wrap(p, w)

    params = [p for p in command.get_params(ctx) if not getattr(p, "hidden", False)]
    arguments = [(argument_term(p, lang), param_help(p, lang)) for p in params if p.param_type_name == "argument"]
    options = [(option_term(p, lang), param_help(p, lang)) for p in params if p.param_type_name == "option"]
    if arguments:
        out += ["", f"{t(lang, 'help.arguments')}:", *_definitions(arguments, w)]
    if hasattr(command, "commands"):
        out += _commands(command, ctx, lang, w, grouped=not path)
    if options:
        out += ["", f"{t(lang, 'help.options')}:", *_definitions(options, w)]

    examples = EXAMPLES.get(path, ())
    if examples:
        out += ["", f"{t(lang, 'help.examples')}:"]
        for ex in examples:
            out += _wrap(tr(ex.what, lang), w, 2, 2)
            out.append(f"    $ {ex.command}")
    if not path:
        out += ["", f"{t(lang, 'help.environment')}:"]
        out += _definitions([(name, tr(what, lang)) for name, what in ENVIRONMENT], w)
    # a group that also runs by itself (`clientcheck profile`) has exit codes of its own
    if not hasattr(command, "commands") or not path or getattr(command, "invoke_without_command", False):
        codes = exit_codes(path)
        out += ["", f"{t(lang, 'help.exit_codes')}:"]
        out += _definitions([(str(code), tr(what, lang)) for code, what in codes], w)
    if not path:
        out += ["", t(lang, "help.more")]
    return "\n".join(line.rstrip() for line in out) + "\n"


def _commands(group: Any, ctx: Any, lang: str, w: int, grouped: bool) -> list[str]:
    names = [n for n in group.list_commands(ctx) if not group.get_command(ctx, n).hidden]
    rows = {n: (n, summary(group.get_command(ctx, n), lang)) for n in names}
    out: list[str] = []
    if not grouped:
        return ["", f"{t(lang, 'help.commands')}:", *_definitions(list(rows.values()), w)]
    listed: set[str] = set()
    sections: list[tuple[str, list[tuple[str, str]]]] = []
    for title, members in GROUPS:
        present = [rows[m] for m in members if m in rows]
        listed.update(m for m in members if m in rows)
        if present:
            sections.append((tr(title, lang), present))
    rest = [rows[n] for n in names if n not in listed]
    if rest:
        sections.append((t(lang, "help.other_commands"), rest))
    # one column for every group, so that the summaries line up down the page
    every = [row for _, rows_ in sections for row in rows_]
    term_width = min(max(len(n) for n, _ in every), TERM_WIDTH)
    for title, present in sections:
        out += ["", f"{title}:"]
        padded = [(n.ljust(term_width), s) for n, s in present]
        out += _definitions(padded, w)
    return out
