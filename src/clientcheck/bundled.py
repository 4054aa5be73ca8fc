"""Where the bundled rules.yaml and questions/ are. Light on purpose: resolving which files are
in effect must not import the loader (and PyYAML) when a cached catalog will do."""

from __future__ import annotations

from pathlib import Path


def bundled_dir() -> Path:
    """Inside the wheel (clientcheck/data), or the checkout root for an editable install."""
    here = Path(__file__).resolve().parent
    packaged = here / "data"
    if (packaged / "rules.yaml").is_file():
        return packaged
    return here.parent.parent  # src/clientcheck -> the repository root


def bundled_rules() -> Path:
    return bundled_dir() / "rules.yaml"


def bundled_questions() -> Path:
    return bundled_dir() / "questions"
