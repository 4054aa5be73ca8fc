"""What `init` wrote and what to do next; which rules and questions `config` finds in effect,
and why (text or JSON)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from clientcheck.i18n import t
from clientcheck.render.plain import out

if TYPE_CHECKING:
    from clientcheck.config import Candidate, Choice, Sources


def print_initialised(directory: Path, schema_dir: str, questions: int, lang: str) -> None:
    """The files `init` wrote, and the next steps (with a `cd` when the folder is not this one)."""
    out(
        t(
            lang,
            "rules.init.wrote",
            rules=str(directory / "rules.yaml"),
            questions=str(directory / "questions"),
            schema=str(directory / schema_dir),
            n=questions,
        )
    )
    out()
    out(t(lang, "rules.init.next"))
    if directory.resolve() != Path.cwd().resolve():
        out(t(lang, "rules.init.cd", dir=str(directory)))
    for key in ("rules.init.step_edit", "rules.init.step_lint", "rules.init.step_test", "rules.init.step_check"):
        out(t(lang, key))


def sources_to_dict(sources: Sources) -> dict[str, Any]:
    """`config --format json`: each file in effect, every place looked at, and the project folder."""
    here = sources.project
    return {
        **{
            c.what: {
                "path": str(c.path),
                "origin": c.origin,
                "looked_at": [
                    {
                        "origin": k.origin,
                        "path": None if k.path is None else str(k.path),
                        "found": k.found,
                        **({"ignored": True} if k.foreign else {}),
                    }
                    for k in c.candidates
                ],
            }
            for c in (sources.rules, sources.questions)
        },
        "project": {"folder": str(Path.cwd()), "is_project": here.is_project, "because": here.because},
    }


def _origin(lang: str, what: str, origin: str) -> str:
    from clientcheck.config import ENV, OPTION

    names = {"option": OPTION[what], "env": ENV[what]}
    return t(lang, f"rules.config.origin.{origin}", name=names.get(origin, ""))


def _state(choice: Choice, k: Candidate) -> str:
    """The message key for what was found at one place looked at."""
    if k.path is None:
        return "rules.config.unset"
    if k.origin == choice.origin:
        return "rules.config.in_effect"
    if k.foreign:
        return "rules.config.foreign"
    return "rules.config.found" if k.found else "rules.config.missing"


def print_sources(sources: Sources, lang: str) -> None:
    """Whether this folder is a project, each file in effect and why, then every place looked at in order."""
    from clientcheck.config import PROJECT_FILE

    choices = (sources.rules, sources.questions)
    here = sources.project
    if here.is_project:
        key = "config.project.file" if here.because == "project-file" else "config.project.marker"
        out(t(lang, key, file=PROJECT_FILE))
    elif here.rules_unmarked:
        out(t(lang, "config.project.unmarked"))
    elif any(k.foreign for c in choices for k in c.candidates):
        out(t(lang, "config.project.none"))
    for c in choices:
        out(t(lang, f"rules.config.{c.what}", path=str(c.path)))
        out("  " + t(lang, "rules.config.because", why=_origin(lang, c.what, c.origin)))
    out()
    out(t(lang, "rules.config.order"))
    for c in choices:
        out(t(lang, f"rules.config.order.{c.what}"))
        for i, k in enumerate(c.candidates, 1):
            state = t(lang, _state(c, k))
            label = _origin(lang, c.what, k.origin)
            where = "" if k.path is None else f": {k.path}"
            out(f"  {i}. {label}{where} ({state})")
