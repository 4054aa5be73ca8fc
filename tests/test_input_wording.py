"""How input problems are worded (the try-out's findings): the did-you-mean in every language,
case in a CSV header, an empty CSV file. Whole lines asserted, in English and Russian."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.conftest import invoke


def test_a_choice_typo_gets_its_did_you_mean_in_russian_too(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_text('advance: "None"\n', encoding="utf-8")
    said = {lang: invoke(CliRunner(), "check", str(path), "--lang", lang)[2] for lang in ("en", "ru")}
    assert said == {
        "en": f'clientcheck: error: {path}:1:1: advance: "None" is not a choice; expected one of: none, partial, '
        "full; did you mean 'none'?\n",
        "ru": f'clientcheck: ошибка: {path}:1:1: advance: "None" — такого варианта нет; нужен один из вариантов: '
        "none, partial, full; может быть, 'none'?\n",
    }


@pytest.mark.slow
def test_a_capitalised_csv_header_gets_a_did_you_mean(tmp_path: Path) -> None:
    path = tmp_path / "crm.csv"
    path.write_text("Client,Late_Payments\nA,1\n", encoding="utf-8")
    _, _, err = invoke(CliRunner(), "check", str(path), "-q")
    assert err.splitlines() == [
        f"{path}:1: header: unknown question 'Client'; did you mean 'client'?",
        f"{path}:1: header: unknown question 'Late_Payments'; did you mean 'late_payments'?",
    ]
    _, _, err = invoke(CliRunner(), "check", str(path), "-q", "--lang", "ru")
    assert err.splitlines() == [
        f"{path}:1: заголовок: неизвестный вопрос 'Client'; может быть, 'client'?",
        f"{path}:1: заголовок: неизвестный вопрос 'Late_Payments'; может быть, 'late_payments'?",
    ]


def test_an_empty_csv_file_is_said_and_is_no_error(tmp_path: Path) -> None:
    """Zero bytes: no header and no clients, most often a failed export. Zero records is an answer
    (exit 0, as for a header alone), but the missing header is worth a line on stderr."""
    path = tmp_path / "export.csv"
    path.write_bytes(b"")
    code, out, err = invoke(CliRunner(), "check", str(path), "-q", "-f", "jsonl")
    assert (code, out, err) == (0, "", f"{path}: the file is empty: no header and no clients\n")
    code, out, err = invoke(CliRunner(), "check", str(path), "-q", "-f", "jsonl", "--lang", "ru")
    assert (code, out, err) == (0, "", f"{path}: файл пуст: ни заголовка, ни клиентов\n")
    path.write_text("client,rude\n", encoding="utf-8")
    assert invoke(CliRunner(), "check", str(path), "-q", "-f", "jsonl") == (0, "", "")
