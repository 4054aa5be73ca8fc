"""`clientcheck init`: copy the bundled rules and questions (and their JSON Schemas) into a folder."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated

import typer

from clientcheck.cli import LangOpt, app, language_for
from clientcheck.errors import EXIT_OK, UsageError
from clientcheck.i18n import t

SCHEMA_DIR = "schema"
MODELINE = "# yaml-language-server: $schema="


def _with_modeline(text: str, schema: str) -> str:
    lines = text.splitlines(keepends=True)
    if lines and lines[0].startswith(MODELINE):
        lines = lines[1:]
    return f"{MODELINE}{schema}\n" + "".join(lines)


def _plan(directory: Path) -> dict[Path, str]:
    """Every file init writes, with its text."""
    from clientcheck.bundled import bundled_questions, bundled_rules
    from clientcheck.extends import question_files
    from clientcheck.schema import FORMATS, json_schema

    plan: dict[Path, str] = {
        directory / "rules.yaml": _with_modeline(
            bundled_rules().read_text(encoding="utf-8"), f"{SCHEMA_DIR}/rules.schema.json"
        )
    }
    for path in question_files(bundled_questions()):
        text = path.read_text(encoding="utf-8")
        plan[directory / "questions" / path.name] = _with_modeline(text, f"../{SCHEMA_DIR}/questions.schema.json")
    for fmt in FORMATS:
        plan[directory / SCHEMA_DIR / f"{fmt}.schema.json"] = (
            json.dumps(json_schema(fmt), ensure_ascii=False, indent=2) + "\n"
        )
    return plan


@app.command()
def init(
    directory: Annotated[
        Path, typer.Argument(help="Where to write rules.yaml, questions/ and schema/ (default: here).", file_okay=False)
    ] = Path("."),
    force: Annotated[bool, typer.Option("--force", help="Overwrite files that already exist.")] = False,
    lang: LangOpt = None,
) -> int:
    """Copy the bundled rules and questions into a folder, to edit.

    Also writes their JSON Schemas, for editors. The folder becomes a clientcheck project.
    """
    from clientcheck.render.project_text import print_initialised

    language = language_for(lang)
    plan = _plan(directory)
    for path in plan:  # a link (the file's, or its folder's) could send a write anywhere
        for link in (path, path.parent):
            if link.is_symlink():
                raise UsageError(t(language, "rules.init.symlink", path=str(link), target=os.readlink(link)))
    existing = [p for p in plan if p.exists()]
    if existing and not force:
        raise UsageError(t(language, "rules.init.exists", path=str(existing[0]), more=len(existing) - 1))
    try:
        for path, text in plan.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            # O_NOFOLLOW: a link put in place since the check above is refused, not followed
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o666)
            with open(fd, "w", encoding="utf-8") as f:
                f.write(text)
    except OSError as exc:
        raise UsageError(t(language, "rules.init.cannot_write", path=str(exc.filename), reason=exc.strerror)) from None
    questions = sum(1 for p in plan if p.parent.name == "questions")
    print_initialised(directory, SCHEMA_DIR, questions, language)
    return EXIT_OK
