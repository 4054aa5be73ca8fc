"""The fixtures the history tests share, as a plugin: `pytest_plugins = ["tests.history_fixtures"]`."""

from __future__ import annotations

from pathlib import Path

import pytest

from clientcheck.loader import load_catalog
from clientcheck.model import Catalog


@pytest.fixture
def catalog(small_catalog: tuple[Path, Path]) -> Catalog:
    return load_catalog(*small_catalog)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "data" / "history.sqlite3"
