"""The seller profile: the answers about your own business, given once and used for every client.

Questions marked `seller: true` in the questions files (business stage, order book, minimum
prices, payment term, currency, what you sell) describe the user, not the client. They are kept
in a profile, an ordinary answers file in the user config folder
(~/.config/clientcheck/profiles/NAME.yaml on Linux), so `interview` does not ask them and
`check` does not need them in every answers file. Several profiles (`--profile NAME`) serve
several business lines. An answer given for the client (answers file, interview) still wins.

No printing here: commands say what happened.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, NamedTuple

from clientcheck.errors import UsageError
from clientcheck.i18n import detect_language, say
from clientcheck.model import Answers, Catalog, Question, Text

DEFAULT = "default"
ENV = "CLIENTCHECK_PROFILE"
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
CURRENCY = "currency"  # the seller question whose answer names the money unit


class Profile(NamedTuple):
    name: str
    path: Path
    values: Mapping[str, Any]  # seller question id -> canonical answer (UNKNOWN: don't know)


def profiles_dir() -> Path:
    from clientcheck.config import user_dir

    return user_dir() / "profiles"


def chosen_name(option: str | None) -> tuple[str, bool]:
    """The profile in effect and whether the user named it (--profile, else $CLIENTCHECK_PROFILE)."""
    if option:
        return check_name(option), True
    env = os.environ.get(ENV, "")
    if env:
        return check_name(env), True
    return DEFAULT, False


def check_name(name: str) -> str:
    if not _NAME.fullmatch(name) or name.endswith((".", "-")):
        raise UsageError(say("profile.bad_name", name=name))
    return name


def path_for(name: str) -> Path:
    return profiles_dir() / f"{name}.yaml"


def seller_questions(catalog: Catalog) -> list[Question]:
    return [q for q in catalog.questions.values() if q.seller]


def read(catalog: Catalog, name: str) -> Profile | None:
    """The profile NAME, or None when it does not exist. A bad file raises AnswersError (file:line)."""
    from clientcheck.answers import read_answers
    from clientcheck.errors import AnswersError, ClientcheckError, Mark

    path = path_for(name)
    if not path.is_file():
        return None
    answers = read_answers(str(path), catalog, lang=detect_language(None))  # its problems in the run's language
    stray = [qid for qid in answers.values if not catalog.questions[qid].seller]
    if stray:
        raise AnswersError(
            [
                ClientcheckError(
                    say("profile.about_client", id=qid),
                    Mark(str(path), 0),
                )
                for qid in stray
            ]
        )
    return Profile(name, path, dict(answers.values))


def load_for(catalog: Catalog, option: str | None) -> Profile | None:
    """The profile a command uses: the one named (which must exist), else the default one if any."""
    name, named = chosen_name(option)
    found = read(catalog, name)
    if found is None and named:
        raise UsageError(say("profile.no_such", name=name, path=path_for(name)))
    return found


def apply(given: Answers, profile: Profile | None) -> Answers:
    """The answers with the profile's filled in where the client's answers say nothing."""
    if profile is None:
        return given
    merged = {qid: v for qid, v in profile.values.items() if qid not in given.values}
    if not merged:
        return given._replace(profile=profile.name)
    return given._replace(values={**given.values, **merged}, profile=profile.name)


def fill(catalog: Catalog, given: Answers, profile: Profile | None) -> tuple[Catalog, Answers]:
    """One client's answers with the profile's filled in (apply), and the catalog that shows
    their amounts in the currency then in effect (with_currency): what every command that judges
    one client takes."""
    given = apply(given, profile)
    return with_currency(catalog, given.values), given


def currency_unit(currency: Any) -> Text | None:
    """The unit of amounts in a currency as answered (EUR; RUB is ₽ in Russian), None for no currency."""
    if not isinstance(currency, str) or not currency.strip():
        return None
    from clientcheck import fmt

    return Text({lang: fmt.currency(currency, lang) for lang in ("en", "ru")})


def with_currency(catalog: Catalog, values: Mapping[str, Any]) -> Catalog:
    """The catalog with money amounts shown in the seller's currency (EUR, ₽, $ ...).

    values: the answers in effect (the profile's, or an answers file's, which wins).
    """
    unit = currency_unit(values.get(CURRENCY))
    if unit is None:
        return catalog
    # the currency replaces the unit, word forms and all (a file's "rubles" does not say "EUR")
    questions = {
        qid: q._replace(unit=unit, forms=()) if q.measure == "money" else q for qid, q in catalog.questions.items()
    }
    return catalog._replace(questions=questions)


def to_mapping(catalog: Catalog, values: Mapping[str, Any]) -> dict[str, Any]:
    """A profile as its file holds it: seller questions in catalog order, null for don't know."""
    from clientcheck.session import plain_value

    return {qid: plain_value(q, values[qid]) for qid, q in catalog.questions.items() if q.seller and qid in values}


def write(catalog: Catalog, name: str, values: Mapping[str, Any]) -> Path:
    from clientcheck.recovery import write_answers

    path = path_for(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    header = (
        "Your seller profile for clientcheck: answers about your own business, used for every client.\n"
        "Edit with `clientcheck profile edit`; null means don't know."
    )
    write_answers(path, to_mapping(catalog, values), header)
    return path
