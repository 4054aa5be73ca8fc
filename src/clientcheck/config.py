"""Which rules file and questions folder are in effect, and why.

Highest first: the --rules / --questions options, the CLIENTCHECK_RULES / CLIENTCHECK_QUESTIONS
environment variables, ./rules.yaml and ./questions/ in the current directory, the same names
in the user config folder (platformdirs), and the bundled defaults. The rules file and the
questions folder are looked up independently of each other.

The current folder counts only when it is a clientcheck project, as ruff counts a pyproject.toml
only with a [tool.ruff] table: it holds a clientcheck.yaml, or a rules.yaml whose top level has
the `clientcheck:` marker key. A rules.yaml or a questions/ folder that belongs to something else
is never taken for ours (it would take over every command, or fail them all).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Literal, NamedTuple

from clientcheck.errors import UsageError

Origin = Literal["option", "env", "cwd", "user", "bundled"]
RULES_FILE = "rules.yaml"
QUESTIONS_DIR = "questions"
PROJECT_FILE = "clientcheck.yaml"
MARKER = "clientcheck"
# the marker key at the top level: a line that starts with it (block scalars are always indented,
# so a line at column 0 is a key of the top mapping); read without PyYAML, which costs start-up time
_MARKER_LINE = re.compile(rb"^clientcheck[ \t]*:", re.MULTILINE)
MARKER_SCAN = 64 * 1024  # a rules file has its marker near the top; a huge unrelated file is not read whole
ENV = {"rules": "CLIENTCHECK_RULES", "questions": "CLIENTCHECK_QUESTIONS"}
OPTION = {"rules": "--rules", "questions": "--questions"}


class Candidate(NamedTuple):
    """One place looked at: where, and whether something usable is there."""

    origin: Origin
    path: Path | None  # None: the option was not given / the variable is not set
    found: bool
    # the current folder only: something is there, but the folder is not a clientcheck project
    foreign: bool = False


class Project(NamedTuple):
    """Whether the current folder is a clientcheck project, and what says so."""

    is_project: bool
    because: Literal["project-file", "marker", "none"]
    rules_unmarked: bool  # a rules.yaml is there without the marker (not ours)


def has_marker(path: Path) -> bool:
    """Does this rules file carry the top-level `clientcheck:` key?"""
    try:
        with path.open("rb") as f:
            head = f.read(MARKER_SCAN)
    except OSError:
        return False
    return _MARKER_LINE.search(head) is not None


def project(cwd: Path) -> Project:
    rules = cwd / RULES_FILE
    rules_there = rules.is_file()
    if (cwd / PROJECT_FILE).is_file():
        return Project(True, "project-file", False)
    if rules_there and has_marker(rules):
        return Project(True, "marker", False)
    return Project(False, "none", rules_there)


class Choice(NamedTuple):
    what: Literal["rules", "questions"]
    path: Path
    origin: Origin
    candidates: tuple[Candidate, ...]  # every place, highest first


class Sources(NamedTuple):
    rules: Choice
    questions: Choice
    project: Project = Project(False, "none", False)


def user_dir() -> Path:
    """The user config folder: ~/.config/clientcheck on Linux (XDG_CONFIG_HOME is honoured)."""
    import platformdirs  # only when the first three places did not decide: it costs start-up time

    return platformdirs.user_config_path("clientcheck", appauthor=False)


def _exists(path: Path, what: str) -> bool:
    return path.is_file() if what == "rules" else path.is_dir()


def _choose(
    what: Literal["rules", "questions"],
    given: Path | None,
    environ: Mapping[str, str],
    cwd: Path,
    full: bool,
    here: Project,
) -> Choice:
    from clientcheck.bundled import bundled_questions, bundled_rules

    name = RULES_FILE if what == "rules" else QUESTIONS_DIR
    env_value = environ.get(ENV[what], "")
    there = _exists(cwd / name, what)
    candidates: list[Candidate] = [
        Candidate("option", given, given is not None),
        # an explicit choice counts even when the path is wrong: falling through to another
        # file would silently check answers against rules the user did not pick
        Candidate("env", Path(env_value).expanduser() if env_value else None, bool(env_value)),
        Candidate("cwd", cwd / name, there and here.is_project, foreign=there and not here.is_project),
    ]
    if full or not any(c.found for c in candidates):
        user = user_dir() / name
        candidates.append(Candidate("user", user, _exists(user, what)))
    bundled = bundled_rules() if what == "rules" else bundled_questions()
    candidates.append(Candidate("bundled", bundled, True))
    chosen = next(c for c in candidates if c.found)
    assert chosen.path is not None
    return Choice(what, chosen.path, chosen.origin, tuple(candidates))


def resolve(
    rules: Path | None = None,
    questions: Path | None = None,
    environ: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    full: bool = False,
) -> Sources:
    """The files in effect. full=True also looks at the places below the one chosen (for `config`)."""
    env = os.environ if environ is None else environ
    folder = Path.cwd() if cwd is None else cwd
    here = project(folder)
    return Sources(
        _choose("rules", rules, env, folder, full, here),
        _choose("questions", questions, env, folder, full, here),
        here,
    )


def check_env(sources: Sources) -> None:
    """A variable naming a missing file is a mistake to report, not a reason to use another file."""
    from clientcheck.i18n import detect_language, t

    for choice in (sources.rules, sources.questions):
        if choice.origin == "env" and not _exists(choice.path, choice.what):
            key = "config.env.no_file" if choice.what == "rules" else "config.env.no_folder"
            raise UsageError(t(detect_language(None), key, name=ENV[choice.what], path=choice.path))
