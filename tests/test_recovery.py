"""recovery.py: the interview's autosave files: atomic writes, their permissions, the newest
unfinished file, retiring a file at the end, and answers that read back as they were."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
import yaml

from clientcheck import recovery


@pytest.fixture
def interviews(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The recovery folder, in a private data dir (not created yet)."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    return tmp_path / "data" / "clientcheck" / "interviews"


def test_write_atomic_replaces_the_whole_file_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "a.yaml"
    target.write_text("old: 1\n", encoding="utf-8")
    target.chmod(0o640)
    recovery.write_atomic(target, "new: 2\n")
    assert target.read_text(encoding="utf-8") == "new: 2\n"
    assert oct(target.stat().st_mode & 0o777) == "0o640"
    assert [p.name for p in tmp_path.iterdir()] == ["a.yaml"]


def test_a_failed_write_keeps_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "a.yaml"
    target.write_text("old: 1\n", encoding="utf-8")

    def broken(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(recovery.os, "replace", broken)
    with pytest.raises(OSError):
        recovery.write_atomic(target, "new: 2\n")
    assert target.read_text(encoding="utf-8") == "old: 1\n"
    assert [p.name for p in tmp_path.iterdir()] == ["a.yaml"]


def test_latest_is_the_newest_unfinished_file(interviews: Path) -> None:
    assert recovery.latest() is None
    interviews.mkdir(parents=True)
    old, new, done = interviews / "1-old.yaml", interviews / "2-new.yaml", interviews / "3-x.done.yaml"
    for i, p in enumerate((old, new, done)):
        p.write_text("worked_before: true\n", encoding="utf-8")
        os.utime(p, (1000 + i, 1000 + i))
    assert recovery.latest() == new


def test_finish_renames_or_removes_only_files_it_owns(interviews: Path, tmp_path: Path) -> None:
    rec = recovery.RecoveryFile.new("ACME Ltd")
    rec.save({"worked_before": True})
    assert rec.path.name.endswith("-acme-ltd.yaml")
    kept = rec.finish(keep=True)
    assert kept is not None and kept.name.endswith("-acme-ltd.done.yaml") and kept.exists()
    other = recovery.RecoveryFile.new(None)
    other.save({})
    assert other.finish(keep=False) is None
    assert not other.path.exists()
    mine = tmp_path / "mine.yaml"
    mine.write_text("{}\n", encoding="utf-8")
    assert recovery.RecoveryFile.resume(mine).finish(keep=False) == mine
    assert mine.exists()


def test_dump_answers_round_trips_awkward_values(tmp_path: Path) -> None:
    mapping: dict[str, object] = {"client": "yes", "notes": "a: b\n# not a comment", "asks": [], "cost": 2.5}
    text = recovery.dump_answers(mapping, tmp_path / "a.yaml", "line one\nline two")
    assert text.startswith("# line one\n# line two\nclient: 'yes'\n")
    assert yaml.safe_load(text) == mapping


def test_resume_passes_over_empty_files_fifos_and_links(interviews: Path) -> None:
    interviews.mkdir(parents=True)
    paused = interviews / "1-paused.yaml"
    paused.write_text("# header\nworked_before: true\n", encoding="utf-8")
    os.utime(paused, (1000, 1000))
    (interviews / "2-empty.yaml").write_text("# clientcheck interview answers\n{}\n", encoding="utf-8")
    (interviews / "3-nothing.yaml").write_text("", encoding="utf-8")
    os.mkfifo(interviews / "4-fifo.yaml")
    (interviews / "5-link.yaml").symlink_to(paused)
    assert recovery.latest() == paused


def test_a_new_file_is_owner_only_when_private_and_follows_the_umask_otherwise(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        recovery.write_atomic(tmp_path / "private.yaml", "a: 1\n", private=True)
        recovery.write_atomic(tmp_path / "shared.yaml", "a: 1\n")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "private.yaml").stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "shared.yaml").stat().st_mode) == 0o644


def test_a_file_is_named_after_its_client_in_a_form_any_file_system_takes(interviews: Path) -> None:
    names = {
        "ACME Ltd": "-acme-ltd.yaml",
        "Ромашка / ООО": "-ромашка-ооо.yaml",
        "../../etc": "-etc.yaml",
        "   ": "-interview.yaml",
        None: "-interview.yaml",
        "x" * 60: "-" + "x" * 40 + ".yaml",
    }
    for client, ending in names.items():
        path = recovery.RecoveryFile.new(client).path
        assert path.parent == interviews and path.name.endswith(ending), (client, path.name)


def test_only_an_unfinished_file_in_the_recovery_folder_is_owned(interviews: Path, tmp_path: Path) -> None:
    interviews.mkdir(parents=True)
    assert recovery.RecoveryFile.resume(interviews / "1-x.yaml").owned
    assert not recovery.RecoveryFile.resume(interviews / "1-x.done.yaml").owned
    assert not recovery.RecoveryFile.resume(tmp_path / "1-x.yaml").owned
