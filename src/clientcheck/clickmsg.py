"""Click's own usage errors, in the language of the run, as one line each.

Typer raises them while it parses the command line (an unknown option, a missing argument, a
value that is not one of the choices); they come in English only, so the message is built again
here from the exception's fields, with a "did you mean" of our own.
"""

from __future__ import annotations

import difflib
import re
from typing import Any

from clientcheck.fmt import short
from clientcheck.i18n import detect_language, t


def _hint(param: Any, lang: str) -> str:
    """How the user wrote the parameter: '--format' / '-f' for an option, 'ANSWERS...' for an argument."""
    if param is None:
        return ""
    if param.param_type_name == "option":
        return " / ".join(sorted(param.opts, key=lambda o: (not o.startswith("--"), o)))
    from clientcheck.helptext import argument_term

    return argument_term(param, lang)


def _options(ctx: Any) -> list[str]:
    if ctx is None:
        return []
    return [o for p in ctx.command.get_params(ctx) for o in (*p.opts, *p.secondary_opts) if o.startswith("-")]


_NOT_AN_INTEGER = {"int_parsing", "int_from_float", "int_type"}
_NOT_A_NUMBER = {"float_parsing", "float_type", "finite_number"}


def _checked(exc: Any) -> dict[str, Any] | None:
    """The first of pydantic's structured errors behind a value Typer refused (its type, its
    context: the bound, the ValueError raised), or None when Typer refused it itself."""
    errors = getattr(exc.__cause__, "errors", None)
    if not callable(errors):
        return None
    found = errors()
    return dict(found[0]) if found else None


def _value_problem(exc: Any, lang: str) -> str:
    """Why a value was refused: from pydantic's structured error when there is one, else from
    Click's or Typer's own message (their exceptions carry no fields for the value or the reason)."""
    from clientcheck.helptext import _choices

    message = str(exc.message)
    checked = _checked(exc)
    if checked is not None:
        kind, context = checked.get("type"), checked.get("ctx") or {}
        if kind in _NOT_AN_INTEGER:
            return t(lang, "click.not_an_integer")
        if kind in _NOT_A_NUMBER:
            return t(lang, "click.not_a_number")
        if "ge" in context:  # a bound is a number however it was declared: 100, not 100.0
            return t(lang, "click.at_least", min=short(context["ge"]))
        if "le" in context:
            return t(lang, "click.at_most", max=short(context["le"]))
        # a check that raised ValueError: its own words, not pydantic's wrapping of them
        message = str(context["error"]) if kind == "value_error" and "error" in context else str(checked["msg"])
    param = getattr(exc, "param", None)
    choices = _choices(param) if param is not None else []
    m = re.match(r"'(.*)' is not one of ", message, re.S)
    if m and choices:
        return t(lang, "click.not_a_choice", value=m.group(1), choices=", ".join(choices))
    m = re.search(r"'(.*)' is a directory", message)
    if m:
        return t(lang, "click.is_a_directory", path=m.group(1))
    m = re.search(r"'(.*)' is a file", message)
    if m:
        return t(lang, "click.is_a_file", path=m.group(1))
    m = re.search(r"'(.*)' does not exist", message)
    if m:
        return t(lang, "click.does_not_exist", path=m.group(1))
    return t(lang, "click.bad_value", value=message) if lang != "en" else message


def message(exc: Any, lang: str | None = None) -> str:
    """The error, in one line, without the "clientcheck: error: " prefix."""
    from typer._click import exceptions as ce

    code = lang or detect_language(None)
    ctx = getattr(exc, "ctx", None)
    if isinstance(exc, ce.NoSuchOption):
        name = exc.option_name
        close = difflib.get_close_matches(name, _options(ctx), n=1, cutoff=0.75)
        text = t(code, "click.no_such_option", option=name)
        return text + (t(code, "click.did_you_mean", name=close[0]) if close else "")
    if isinstance(exc, ce.MissingParameter):
        param = exc.param
        kind = (
            "click.missing_argument"
            if param is not None and param.param_type_name == "argument"
            else "click.missing_option"
        )
        return t(code, kind, name=_hint(param, code))
    if isinstance(exc, ce.BadParameter):
        return t(code, "click.bad_parameter", name=_hint(exc.param, code) or "?", problem=_value_problem(exc, code))
    text = str(exc.message)
    m = re.match(r"No such command '(.*?)'\.", text)
    if m:
        commands = (
            list(ctx.command.list_commands(ctx)) if ctx is not None and hasattr(ctx.command, "list_commands") else []
        )
        close = difflib.get_close_matches(m.group(1), commands, n=1, cutoff=0.6)
        out = t(code, "click.no_such_command", name=m.group(1))
        return out + (t(code, "click.did_you_mean", name=close[0]) if close else "")
    m = re.match(r"Option '(.*)' requires (an argument|\d+ arguments)\.$", text)
    if m:
        return t(code, "click.needs_value", option=m.group(1))
    m = re.match(r"Option '(.*)' does not take a value\.$", text)
    if m:
        return t(code, "click.takes_no_value", option=m.group(1))
    m = re.match(r"Got unexpected extra argument(?:s|\(s\))? \((.*)\)$", text)
    if m:
        return t(code, "click.extra_arguments", args=m.group(1))
    if text == "Missing command.":
        return t(code, "click.missing_command")
    return text if code == "en" else t(code, "click.other", message=text)


def describe(exc: Any) -> str:
    """The line on stderr: the error and where to read more."""
    lang = detect_language(None)
    ctx = getattr(exc, "ctx", None)
    hint = t(lang, "click.see_help", command=ctx.command_path) if ctx is not None else ""
    return f"clientcheck: {t(lang, 'error')}: {message(exc, lang)}{hint}"
