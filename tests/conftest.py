"""Shared fixtures: one helper to write YAML fixtures, a tiny catalog, and a CLI runner; and how
many random cases a property test runs (`examples`: all of them in a whole run, as CI does, a
tenth in the fast loop, `pytest -m "not slow"`)."""

from __future__ import annotations

import os
import re
import textwrap
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import typer
import typer.testing
from typer.testing import CliRunner

from clientcheck.cli import app, register

register([])  # in-process tests run every command through the one `app`

# A run that crosses midnight would otherwise see two todays: the one a test built its expected
# text with (often at import) and the one a command took minutes later. The whole run takes the
# day it started on: CLIENTCHECK_TODAY is what the product reads as today, and the commands a
# test starts inherit it. Tests that need another day set it themselves.
TODAY = date.fromisoformat(os.environ.setdefault("CLIENTCHECK_TODAY", date.today().isoformat()))

# CliRunner.invoke builds the Click command tree from the Typer app on every call: about two
# thirds of an in-process `check`. The tree only changes when a command is registered, so it is
# built once per set of registered commands (a Typer without this hook is simply slower).
_built: dict[tuple[int, int, int], Any] = {}
_build = getattr(typer.testing, "_get_command", None)


def _command_of(typer_app: typer.Typer) -> Any:
    assert _build is not None
    key = (id(typer_app), len(typer_app.registered_commands), len(typer_app.registered_groups))
    if key not in _built:
        _built[key] = _build(typer_app)
    return _built[key]


if _build is not None:
    typer.testing._get_command = _command_of  # type: ignore[attr-defined]

WriteYaml = Callable[[str, str], Path]

_QUICK = False  # set by pytest_configure before any test module is imported


def pytest_configure(config: pytest.Config) -> None:
    global _QUICK
    _QUICK = re.search(r"\bnot\s+slow\b", config.getoption("markexpr") or "") is not None


def examples(full: int) -> int:
    """How many random cases (hypothesis examples, random clients) a test runs: `full` in a whole
    run, a tenth in the fast loop (a run whose -m says `not slow`)."""
    return max(2, full // 10) if _QUICK else full


SMALL_QUESTIONS = """\
section: pay
title: {en: Payment, ru: Оплата}
questions:
  - id: worked_before
    type: yesno
    text: {en: Worked before?, ru: Работали раньше?}
  - id: late_payments
    type: integer
    text: {en: Late payments?, ru: Просрочки?}
    unit: {en: [time, times], ru: [раз, раза, раз]}
    min: 0
    max: 100
    when: worked_before
  - id: advance
    type: choice
    text: {en: Advance?, ru: Аванс?}
    choices:
      - {id: none, text: {en: No advance, ru: Без аванса}}
      - {id: partial, text: {en: Partial, ru: Частичный}}
  - id: asks
    type: multi
    text: {en: Asks for, ru: Просит}
    choices:
      - {id: free_sample, text: {en: Free sample, ru: Бесплатный образец}}
      - {id: discount, text: {en: Discount, ru: Скидка}}
  - id: cost
    type: number
    text: {en: Cost?, ru: Затраты?}
    unit: {en: RUB, ru: ₽}
  - id: revenue
    type: number
    text: {en: Revenue?, ru: Выручка?}
    unit: {en: RUB, ru: ₽}
  - id: notes
    type: text
    text: {en: Notes, ru: Заметки}
"""

SMALL_RULES = """\
version: 1
sources:
  marketer: {en: A marketer, ru: Маркетолог}
policy:
  severities:
    note: {weight: 0, label: {en: note, ru: заметка}}
    caution: {weight: 2, label: {en: caution, ru: осторожно}}
    high: {weight: 3, label: {en: high, ru: высокая}}
    decline: {weight: 10, label: {en: decline, ru: отказ}}
  good_sign_weight: 1
  decline_if: {any_severity: [decline], min_score: 6}
  caution_if: {any_severity: [caution, high], min_score: 2}
rules:
  - id: late-payer
    kind: red-flag
    title: {en: Pays late, ru: Платит с опозданием}
    source: marketer
    why: {en: You become their lender., ru: Вы становитесь их кредитором.}
    advice: {en: Remind them of the terms., ru: Напомните об условиях.}
    levels:
      - when: late_payments >= 3
        severity: decline
        advice: {en: Stop working with them., ru: Прекратите работу.}
      - when: late_payments >= 2
        severity: caution
      - when: late_payments >= 1
        severity: note
  - id: pay-if-i-like
    kind: red-flag
    title: {en: Pays if they like it, ru: "Заплатит, если понравится"}
    source: marketer
    why: {en: Work before money., ru: Работа до оплаты.}
    advice: {en: Ask for an advance., ru: Попросите аванс.}
    when: advance == "none" and "free_sample" in asks
    severity: high
  - id: unprofitable
    kind: red-flag
    title: {en: Unprofitable, ru: Убыточный}
    source: marketer
    why: {en: Costs more than it brings., ru: "Стоит дороже, чем приносит."}
    advice: {en: Renegotiate., ru: Пересмотрите условия.}
    when: cost > revenue
    severity: high
  - id: pays-on-time
    kind: good-sign
    title: {en: Pays on time, ru: Платит вовремя}
    source: marketer
    why: {en: A good record., ru: Хорошая история.}
    advice: {en: Keep them., ru: Держитесь за них.}
    when: worked_before and late_payments == 0
"""


# a decline flag that fires on a question not answered yet (appended to SMALL_RULES)
UNKNOWN_ADVANCE = """\
  - id: advance-unknown
    kind: red-flag
    title: {en: No word on the advance, ru: Про аванс ничего не известно}
    source: marketer
    why: {en: Terms unknown., ru: Условия неизвестны.}
    advice: {en: Ask., ru: Спросите.}
    when: not known(advance)
    severity: decline
"""


@pytest.fixture(autouse=True, scope="session")
def _private_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """The catalog cache of the test run (and of the commands it starts) stays out of the user's."""
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("cache"))
    # nor does the user's own seller profile (profile.py) fill in answers behind a test's back
    os.environ["XDG_CONFIG_HOME"] = str(tmp_path_factory.mktemp("config"))
    os.environ.pop("CLIENTCHECK_PROFILE", None)


@pytest.fixture
def write_yaml(tmp_path: Path) -> WriteYaml:
    """Write a YAML (or any text) fixture under tmp_path; dedents, returns the path."""

    def write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    return write


@pytest.fixture
def small_catalog(write_yaml: WriteYaml) -> tuple[Path, Path]:
    """(rules.yaml, questions/) of a four-rule catalog, for tests that need exact control."""
    write_yaml("small/questions/10-pay.yaml", SMALL_QUESTIONS)
    rules = write_yaml("small/rules.yaml", SMALL_RULES)
    return rules, rules.parent / "questions"


@pytest.fixture
def cli() -> CliRunner:
    return CliRunner()


def invoke(runner: CliRunner, *args: str, input: str | None = None) -> tuple[int, str, str]:
    """Run clientcheck in-process; returns (exit code, stdout, stderr)."""
    result = runner.invoke(app, list(args), input=input)
    return result.exit_code, result.stdout, result.stderr


# issue 10: the seller's own answers (a profile), and a catalog whose range a "don't know" holds open
SELLER = {
    "business_stage": "established",
    "order_book": "some",
    "offer": "websites",
    "currency": "EUR",
    "min_price": 15000,
    "min_monthly_price": 3000,
    "payment_term_days": 15,
}


@pytest.fixture
def held_open(write_yaml: WriteYaml) -> tuple[Path, Path]:
    """(rules.yaml, questions/): a deal-breaker (rude), a lesser flag (calls > 3), a remark that decides nothing."""
    write_yaml(
        "held/questions/10.yaml",
        """\
        section: s
        title: S
        questions:
          - {id: rude, type: yesno, text: Rude?}
          - {id: calls, type: integer, text: Calls?}
          - {id: remark, type: text, text: Remark?}
        """,
    )
    rules = write_yaml(
        "held/rules.yaml",
        """\
        version: 1
        sources: {me: Me}
        policy:
          severities: {decline: {weight: 10}, low: {weight: 1}}
          decline_if: {any_severity: [decline]}
          caution_if: {min_score: 2}
        rules:
          - {id: rude, kind: red-flag, source: me, when: rude, severity: decline, title: Rude, why: W, advice: A}
          - {id: calls, kind: red-flag, source: me, when: calls > 3, severity: low, title: Calls, why: W, advice: A}
        """,
    )
    return rules, rules.parent / "questions"
