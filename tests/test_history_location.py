"""clientcheck.history.location: where the history file is, and which names can be a client's."""

from __future__ import annotations

from pathlib import Path

import pytest

from clientcheck import history as hist
from clientcheck.errors import UsageError


def test_path_is_the_option_else_the_environment_else_the_user_data_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CLIENTCHECK_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert hist.resolve_path() == tmp_path / "xdg" / "clientcheck" / "history.sqlite3"
    monkeypatch.setenv("CLIENTCHECK_DB", str(tmp_path / "env.db"))
    assert hist.resolve_path() == tmp_path / "env.db"
    assert hist.resolve_path(tmp_path / "opt.db") == tmp_path / "opt.db"


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("  ", "--client: the client's name is empty"),
        ("x" * 201, "--client: the client's name is longer than 200 characters"),
        ("AC\x1b[31mME", "--client: the client's name contains control characters"),
    ],
)
def test_a_name_that_cannot_be_a_client_is_refused(name: str, message: str) -> None:
    with pytest.raises(UsageError) as info:
        hist.check_client_name(name)
    assert str(info.value) == message


@pytest.mark.parametrize(
    ("name", "problem", "reason_ru"),
    [
        ("  ", "empty", "имя клиента пустое"),
        ("x" * 201, "long", "имя клиента длиннее 200 символов"),
        ("AC\u202eME", "controls", "в имени клиента есть управляющие символы"),
        ("AC\udce9ME", "not_utf8", "имя клиента не в кодировке UTF-8"),
    ],
)
def test_a_refused_name_says_which_rule_it_breaks_without_the_options_name(
    name: str, problem: str, reason_ru: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a resumed interview words the reason in its own sentence: the error carries it, no message is cut apart
    monkeypatch.setattr("clientcheck.i18n._preferred", "ru")  # as `--lang ru` sets it
    with pytest.raises(hist.ClientNameError) as info:
        hist.check_client_name(name)
    assert (info.value.problem, info.value.reason, info.value.limit) == (problem, reason_ru, 200)
    assert str(info.value) == f"--client: {reason_ru}"
    assert info.value.exit_code == 2


def test_names_match_ignoring_case_and_spacing_and_are_stored_as_typed_but_trimmed() -> None:
    assert hist.client_key("  ACME \t Ltd ") == hist.client_key("acme ltd") == "acme ltd"
    assert hist.check_client_name("  ACME \t Ltd ") == "ACME Ltd"
    with pytest.raises(UsageError):
        hist.client_key("AC\udce9ME")
