from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from clientcheck import catalog_cache
from tests.conftest import WriteYaml


@pytest.fixture
def files(small_catalog: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("CLIENTCHECK_NO_CACHE", raising=False)
    monkeypatch.chdir(tmp_path)
    return small_catalog


def entries(tmp_path: Path) -> list[Path]:
    return sorted((tmp_path / "cache" / "clientcheck" / "catalogs").glob("*.pickle"))


def test_a_second_load_comes_from_the_cache(files: tuple[Path, Path], tmp_path: Path) -> None:
    first = catalog_cache.load(*files)
    [entry] = entries(tmp_path)
    second = catalog_cache.load(*files)
    assert second is not first and second.digest == first.digest
    # the conditions work after the round trip: they were compiled again from their trees
    rule = second.rule("late-payer")
    assert rule is not None and rule.levels[0].when({"late_payments": 3}) is True
    assert entries(tmp_path) == [entry]


def test_an_edit_of_the_same_size_is_seen(files: tuple[Path, Path]) -> None:
    rules, questions = files
    assert catalog_cache.load(rules, questions).rule("late-payer").levels[0].when.source == "late_payments >= 3"  # type: ignore[union-attr]
    rules.write_text(rules.read_text(encoding="utf-8").replace(">= 3", ">= 4"), encoding="utf-8")
    assert catalog_cache.load(rules, questions).rule("late-payer").levels[0].when.source == "late_payments >= 4"  # type: ignore[union-attr]


def test_a_question_file_added_to_the_folder_is_seen(files: tuple[Path, Path], write_yaml: WriteYaml) -> None:
    rules, questions = files
    assert "extra" not in catalog_cache.load(rules, questions).questions
    write_yaml(
        "small/questions/20-more.yaml",
        "section: more\ntitle: More\nquestions:\n  - {id: extra, type: yesno, text: Extra?}\n",
    )
    assert "extra" in catalog_cache.load(rules, questions).questions


def test_a_broken_entry_is_rebuilt_and_errors_are_never_cached(files: tuple[Path, Path], tmp_path: Path) -> None:
    rules, questions = files
    catalog_cache.load(rules, questions)
    [entry] = entries(tmp_path)
    entry.write_bytes(b"not a pickle")
    assert catalog_cache.load(rules, questions).rule("late-payer") is not None
    rules.write_text("version: [\n", encoding="utf-8")
    with pytest.raises(Exception) as info:
        catalog_cache.load(rules, questions)
    assert "YAML syntax error" in str(info.value)


def test_an_unwritable_cache_costs_speed_not_results(files: tuple[Path, Path], tmp_path: Path) -> None:
    (tmp_path / "cache").write_text("a file where the folder should be", encoding="utf-8")
    assert catalog_cache.load(*files).rule("late-payer") is not None


def test_clientcheck_no_cache_turns_it_off(
    files: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CLIENTCHECK_NO_CACHE", "1")
    catalog_cache.load(*files)
    assert entries(tmp_path) == []


@pytest.mark.slow
def test_a_cached_json_check_imports_neither_yaml_nor_the_loader(tmp_path: Path) -> None:
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    env.pop("CLIENTCHECK_NO_CACHE", None)
    probe = (
        "import sys, runpy\n"
        "sys.argv = ['clientcheck', 'check', '-', '--format', 'json']\n"
        "try:\n    runpy.run_module('clientcheck', run_name='__main__')\n"
        "except SystemExit:\n    pass\n"
        "print(sorted(m for m in sys.modules if m in ('yaml', 'clientcheck.loader')), file=sys.stderr)\n"
    )
    run = [sys.executable, "-c", probe]
    first = subprocess.run(run, input="{}", capture_output=True, text=True, timeout=60, cwd=tmp_path, env=env)
    assert first.stderr.strip() == "['clientcheck.loader', 'yaml']"  # built and cached
    second = subprocess.run(run, input="{}", capture_output=True, text=True, timeout=60, cwd=tmp_path, env=env)
    assert second.stderr.strip() == "[]"
    assert second.stdout == first.stdout


def test_the_cache_keeps_a_bounded_number_of_entries(
    files: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(catalog_cache, "KEEP", 2)
    for name in ("a", "b", "c"):  # the working folder is part of the key: three entries written
        (tmp_path / name).mkdir()
        monkeypatch.chdir(tmp_path / name)
        catalog_cache.load(*files)
    assert len(entries(tmp_path)) == 2
