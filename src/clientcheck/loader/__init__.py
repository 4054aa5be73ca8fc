"""Load questions/*.yaml and rules.yaml into a validated Catalog.

Every problem found is collected with its file:line:col and reported together in one
ConfigError, so a user editing the files fixes them all in one pass. The checks all files share
are in checker.py; questions.py reads a questions folder, rules.py a rules file.
"""

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from clientcheck.bundled import bundled_dir as bundled_dir  # re-exported: part of the loader's API
from clientcheck.bundled import bundled_questions as bundled_questions
from clientcheck.bundled import bundled_rules as bundled_rules
from clientcheck.errors import ClientcheckError, ConfigError, Mark
from clientcheck.files import YamlError
from clientcheck.i18n import say
from clientcheck.loader.checker import MAX_LOAD_NODES as MAX_LOAD_NODES
from clientcheck.loader.checker import _Checker as _Checker
from clientcheck.loader.checker import _display as _display
from clientcheck.loader.questions import load_questions as load_questions
from clientcheck.loader.rules import DEFAULT_LATE_WINDOW as DEFAULT_LATE_WINDOW
from clientcheck.loader.rules import load_rules as load_rules
from clientcheck.model import Catalog
from clientcheck.yamlsrc import node_budget


@dataclass(frozen=True)
class Loaded:
    """What one load found: the catalog if there was no problem, and every problem otherwise."""

    catalog: Catalog | None
    problems: tuple[ClientcheckError, ...]
    files: tuple[str, ...]
    trees: tuple[tuple[str, Any], ...] = ()  # ("rules" | "questions", YAML tree as validated)
    # what did load when something did not (None without a policy): lint's warnings look at it,
    # so that one mistake does not hide the warnings about everything else
    partial: Catalog | None = None


def load(rules_path: Path | None = None, questions_dir: Path | None = None) -> Loaded:
    """Load and validate without raising: for lint, which reports problems next to its own warnings."""
    rules_path = rules_path or bundled_rules()
    questions_dir = questions_dir or bundled_questions()
    c = _Checker()
    digest = hashlib.sha256()
    disabled: dict[str, Mark] = {}
    with node_budget(MAX_LOAD_NODES):
        questions, sections, qfiles = load_questions(questions_dir, c, digest, disabled)
        if questions or not c.problems:
            rules, policy, sources, rfile, window = load_rules(rules_path, questions, sections, c, digest, disabled)
        else:
            # No question could be read: every condition would be an "unknown question". Report
            # only what is wrong with the rules file as a file, and the questions' own problems.
            scratch = _Checker()
            rules, policy, sources, rfile, window = load_rules(
                rules_path, questions, sections, scratch, digest, disabled
            )
            c.problems.extend(p for p in scratch.problems if p.mark is None or isinstance(p, YamlError))
            c.trees.extend(scratch.trees)
            policy = None
    if policy is not None:  # issue 16: client-facing texts, and every placeholder checked
        from clientcheck.placeholders import attach

        rules = attach(c, rules, questions, next((tree for kind, tree in c.trees if kind == "rules"), None))
    files = (rfile, *qfiles)
    if policy is None and not c.problems:  # every way to get here reports why; this is a safety net
        c.err(say("cfg.no_policy"), Mark(rfile, 1))
    if policy is None:
        return Loaded(None, tuple(c.problems), files, tuple(c.trees))
    catalog = Catalog(questions, tuple(sections), tuple(rules), policy, sources, digest.hexdigest(), files, window)
    if c.problems:
        return Loaded(None, tuple(c.problems), files, tuple(c.trees), catalog)
    return Loaded(catalog, (), files, tuple(c.trees), catalog)


def load_catalog(rules_path: Path | None = None, questions_dir: Path | None = None) -> Catalog:
    """Load and validate; raises ConfigError listing every problem found."""
    loaded = load(rules_path, questions_dir)
    if loaded.catalog is None:
        raise ConfigError(list(loaded.problems))
    return loaded.catalog
