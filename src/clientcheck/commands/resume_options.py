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
    from clientcheck import recovery

    path = file or recovery.latest()
    if path is None:
        return lang, save, profile, quick, in_order
    found = header_data(path, _OPTIONS)
    if found is None:
        return lang, save, profile, quick, in_order  # reading the answers will say what is wrong with it
    data, line = found
    if lang is None and data.get("lang") in {x.value for x in Lang}:
        from clientcheck.i18n import prefer

        lang = Lang(str(data["lang"]))
        prefer(lang.value)  # the whole run speaks it, "error:" and the units' reasons too, as --lang would
    if save is None and isinstance(data.get("save"), str):
        save = Path(str(data["save"]))
    if profile is None and isinstance(data.get("profile"), str):
        profile = _saved_profile(str(data["profile"]), path, line, lang)
    return lang, save, profile, quick or data.get("quick") is True, in_order or data.get("in_order") is True


_STATE = "clientcheck-state: "


def state_line(state: dict[str, object]) -> str:
    """Where the interview stands beyond its answers (Session.state), saved with every answer."""
    import json

    return _STATE + json.dumps(state, ensure_ascii=False, separators=(",", ":"))


def saved_state(path: Path) -> dict[str, object] | None:
    """The state a paused interview left in its recovery file; None for a file without one."""
    found = header_data(path, _STATE)
    return None if found is None else found[0]


def _saved_profile(name: str, path: Path, line: int, lang: Lang | None) -> str:
    """The profile a recovery file names; a bad one is blamed on that file, not on --profile."""
    from clientcheck.cli import language_for
    from clientcheck.errors import UsageError
    from clientcheck.i18n import t
    from clientcheck.profile import check_name

    try:
        return check_name(name)
    except UsageError:
        raise UsageError(
            t(language_for(lang), "interview.resume.bad_profile", at=f"{path}:{line}", name=name)
        ) from None


def header_data(path: Path, prefix: str) -> tuple[dict[str, object], int] | None:
    """The JSON object on the comment line that starts with prefix, and that line's number."""
    import json

    try:
        with open(path, encoding="utf-8") as f:
            for number, text in enumerate(f, 1):
                if not text.startswith("#"):
                    break
                body = text[1:].strip()
                if body.startswith(prefix):
                    loaded = json.loads(body[len(prefix) :])
                    return (loaded if isinstance(loaded, dict) else {}), number
    except (OSError, UnicodeDecodeError, ValueError):
        return None
    return None
