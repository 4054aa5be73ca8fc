"""How a paused interview remembers its options and says how to continue it.

The recovery file starts with one machine-readable comment line (`# clientcheck-options: {...}`)
holding the language, --save, --profile, --quick and --in-order, so a bare `--resume` goes on as
the interview was started; the interrupted line repeats the whole command.
"""

from __future__ import annotations

import shlex
from pathlib import Path

from clientcheck.cli import FailOn, Format, Lang


def resume_command(
    path: Path,
    lang: Lang | None,
    fmt: Format,
    fail_on: FailOn,
    save: Path | None,
    rules: Path | None,
    questions: Path | None,
    db: Path | None = None,
    no_save: bool = False,
    profile: str | None = None,
    quick: bool = False,
    in_order: bool = False,
    reply: bool = False,
) -> str:
    """The exact command that continues this interview with the same options, from any folder."""
    parts = ["clientcheck", "interview", "--resume", str(path)]
    if profile is not None:
        parts += ["--profile", profile]
    if quick:
        parts.append("--quick")
    if in_order:
        parts.append("--in-order")
    if lang is not None:
        parts += ["--lang", lang.value]
    if fmt is not Format.table:
        parts += ["--format", fmt.value]
    if fail_on is not FailOn.decline:
        parts += ["--fail-on", fail_on.value]
    for option, value in (("--save", save), ("--rules", rules), ("--questions", questions), ("--db", db)):
        if value is not None:
            parts += [option, str(value.absolute())]
    if no_save:
        parts.append("--no-save")
    if reply:
        parts.append("--reply")
    return shlex.join(parts)


_OPTIONS = "clientcheck-options: "


def options_line(code: str, save: Path | None, profile: str | None, quick: bool, in_order: bool) -> str:
    """A machine-readable header line, so that a bare --resume continues with the same options."""
    import json

    data: dict[str, object] = {"lang": code, "save": str(save.absolute()) if save else None, "profile": profile}
    data.update(quick=quick, in_order=in_order)
    return _OPTIONS + json.dumps(data, ensure_ascii=False)


def started_with(
    file: Path | None, lang: Lang | None, save: Path | None, profile: str | None, quick: bool, in_order: bool
) -> tuple[Lang | None, Path | None, str | None, bool, bool]:
    """The options on the command line, completed by those the resumed interview was started with."""
    import json

    from clientcheck import recovery

    path = file or recovery.latest()
    if path is None:
        return lang, save, profile, quick, in_order
    data: dict[str, object] = {}
    try:
        with open(path, encoding="utf-8") as f:
            for text in f:
                if not text.startswith("#"):
                    break
                body = text[1:].strip()
                if body.startswith(_OPTIONS):
                    loaded = json.loads(body[len(_OPTIONS) :])
                    data = loaded if isinstance(loaded, dict) else {}
    except (OSError, UnicodeDecodeError, ValueError):
        return lang, save, profile, quick, in_order  # reading the answers will say what is wrong with it
    if lang is None and data.get("lang") in {x.value for x in Lang}:
        lang = Lang(str(data["lang"]))
    if save is None and isinstance(data.get("save"), str):
        save = Path(str(data["save"]))
    if profile is None and isinstance(data.get("profile"), str):
        profile = str(data["profile"])
    return lang, save, profile, quick or data.get("quick") is True, in_order or data.get("in_order") is True
