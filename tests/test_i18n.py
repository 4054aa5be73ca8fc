"""The i18n package: every message in English and Russian with the same placeholders, the plural
forms each language needs, the language a run speaks; one package per language, one module per
area, loaded on first use."""

from __future__ import annotations

import ast
import string
import subprocess
import sys
from pathlib import Path

import pytest

from clientcheck import fmt
from clientcheck.i18n import detect_language, keys, plural, t
from clientcheck.model import LANGUAGES

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "clientcheck" / "i18n"
AREAS = ("commandline", "core", "loading", "outcomes", "replies")


def _keys_in(path: Path) -> list[str]:
    """The keys a module's STRINGS dict literal defines, duplicates included."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    [assign] = [n for n in tree.body if isinstance(n, ast.AnnAssign) and getattr(n.target, "id", "") == "STRINGS"]
    assert isinstance(assign.value, ast.Dict)
    return [k.value for k in assign.value.keys if isinstance(k, ast.Constant) and isinstance(k.value, str)]


def test_each_language_has_the_same_areas_and_each_area_the_same_keys() -> None:
    for lang in ("en", "ru"):
        assert sorted(p.stem for p in (PACKAGE / lang).glob("*.py") if p.stem != "__init__") == sorted(AREAS)
    seen: dict[str, str] = {}
    for area in AREAS:
        en, ru = _keys_in(PACKAGE / "en" / f"{area}.py"), _keys_in(PACKAGE / "ru" / f"{area}.py")
        assert len(en) == len(set(en)) and len(ru) == len(set(ru)), area  # a key twice: the last would win
        # English alone has "<key>.one" for a singular Russian writes with a plural form
        assert set(ru) <= set(en) and all(k.endswith(".one") for k in set(en) - set(ru)), area
        for key in en:
            assert key not in seen, (key, area, seen.get(key))  # in two areas: the later would win
            seen[key] = area
    assert set(seen) == keys("en")


def test_every_module_is_under_500_lines() -> None:
    sizes = {
        str(p.relative_to(PACKAGE)): len(p.read_text(encoding="utf-8").splitlines()) for p in PACKAGE.rglob("*.py")
    }
    assert {p: n for p, n in sizes.items() if n >= 500} == {}


def test_a_language_is_loaded_when_first_asked_for() -> None:
    code = (
        "import sys; from clientcheck.i18n import t; t('en', 'verdict.go'); en = sorted(sys.modules); "
        "t('ru', 'verdict.go'); print('clientcheck.i18n.ru' in en, 'clientcheck.i18n.ru.core' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=30, check=True)
    assert done.stdout.split() == ["False", "True"]


# Placeholders a language leaves out on purpose, with the reason.
LEFT_OUT = {
    # the JSON decoder's own words are English: the Russian message does not mix them in
    ("ru", "answers.json_syntax"): {"problem"},
    # the YAML parser's problems: English shows PyYAML's own words, Russian says it in Russian
    **{("ru", key): {"problem"} for key in keys("en") if key.startswith("yaml.p.") and key != "yaml.p.other"},
    # Russian names the kind of value ("логическое значение") rather than repeating YAML's reading
    ("ru", "yaml.key_bool_hint"): {"value"},
    # a relative path, said without naming the kind of file in Russian (the gender would vary)
    ("ru", "ext.value"): {"what"},
    # an example of a placeholder with its fallback, in the language of the message
    ("ru", "ph.client_fallback"): {"client|your company"},
    # the csv module's and DuckDB's own words are English: the place (FILE:LINE) says where to look
    ("ru", "readers.csv_error"): {"problem"},
    ("ru", "sql.not_parquet"): {"problem"},
    ("ru", "sql.failed"): {"problem"},
    ("ru", "sql.stopped"): {"problem"},
    ("ru", "history.export.json_syntax"): {"problem"},
    ("ru", "history.export.refused"): {"problem"},
    ("ru", "history.db.assessment_damaged"): {"problem"},
    # SQLite's own words are English: Russian names its error code instead (an id, not a sentence)
    ("ru", "history.db.cannot_use"): {"problem"},
    ("ru", "history.db.damaged"): {"problem"},
}
ADDED = {
    ("ru", "ph.client_fallback"): {"client|ваша компания"},  # the same example, in Russian
    ("ru", "history.db.cannot_use"): {"code"},
    ("ru", "history.db.damaged"): {"code"},
}


def fields(text: str) -> dict[str, list[str]]:
    """The placeholders of a text and their format specs ("{n:file|files}" -> {"n": ["file|files"]})."""
    out: dict[str, list[str]] = {}
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError:  # a text shown as it is (t() formats only when given fields), such as
        return {"<shown as it is>": [text.count("{") * "{" + text.count("}") * "}"]}  # "a lone '}'"
    for _, name, spec, _ in parsed:
        if name is not None:
            out.setdefault(name, []).append(spec or "")
    return out


def plural_forms(text: str) -> list[int]:
    """How many forms each plural placeholder of a text gives."""
    return [len(spec.split("|")) for specs in fields(text).values() for spec in specs if "|" in spec]


@pytest.mark.parametrize(
    ("env", "lang"),
    [
        ({}, "en"),
        ({"LANG": "ru_RU.UTF-8"}, "ru"),
        ({"LC_ALL": "ru_RU.UTF-8", "LANG": "en_US.UTF-8"}, "ru"),
        ({"LANGUAGE": "ru:en", "LANG": "en_US.UTF-8"}, "ru"),
        ({"LANGUAGE": "de:ru", "LANG": "en_US.UTF-8"}, "ru"),
        ({"LANGUAGE": "de:fr", "LANG": "ru_RU.UTF-8"}, "ru"),
        ({"LANGUAGE": "en", "LANG": "ru_RU.UTF-8"}, "en"),
        # unlike gettext: C.UTF-8 is a container's default, and whoever sets LANGUAGE=ru wants Russian
        ({"LANGUAGE": "ru", "LANG": "C"}, "ru"),
        ({"LANGUAGE": "ru", "LC_ALL": "C.UTF-8"}, "ru"),
        ({"LANGUAGE": "ru", "LANG": "POSIX"}, "ru"),
        ({"LANG": "C.UTF-8"}, "en"),
        ({"LANGUAGE": "de", "LANG": "C.UTF-8"}, "en"),
        ({"LANG": "de_DE.UTF-8"}, "en"),
    ],
)
def test_the_language_from_the_environment(env: dict[str, str], lang: str) -> None:
    assert detect_language(None, env) == lang


@pytest.mark.parametrize(
    ("n", "category", "days"),
    [
        (1, "one", "1 день"),
        (2, "few", "2 дня"),
        (5, "many", "5 дней"),
        (11, "many", "11 дней"),
        (12, "many", "12 дней"),
        (14, "many", "14 дней"),
        (21, "one", "21 день"),
        (22, "few", "22 дня"),
        (25, "many", "25 дней"),
        (101, "one", "101 день"),
        (111, "many", "111 дней"),
        (0, "many", "0 дней"),
        (1.5, "other", "1.5 дня"),
    ],
)
def test_russian_plural_rule(n: float, category: str, days: str) -> None:
    assert plural("ru", n) == category
    assert t("ru", "history.late.days", days=n) == f"с опозданием на {days}"


def test_english_plurals_and_formatted_counts() -> None:
    assert [plural("en", n) for n in (0, 1, 2, 1.0, 1.5)] == ["other", "one", "other", "one", "other"]
    assert t("en", "lint.summary", errors=1, warnings=2) == "1 error, 2 warnings"
    assert t("ru", "lint.summary", errors=21, warnings=3) == "21 ошибка, 3 предупреждения"
    assert t("ru", "lint.clean", n=1) == "Проблем не найдено (проверен 1 файл)."
    assert t("ru", "summary", score=fmt.number(-2, "ru"), red=1, good=4, open=0) == (
        "-2 балла · 1 красный флаг · 4 хороших признака · 0 правил не решено"
    )
    assert t("ru", "summary", score=fmt.number(1.5, "ru"), red=21, good=11, open=2).startswith("1,5 балла · 21 красный")
    assert t("ru", "history.tally", client="A", window=21, since="01.01.2026", late=1, on_time=0, payments=1) == (
        "A: просрочек за последний 21 день (с 01.01.2026): 1; вовремя: 0; всего оплат: 1."
    )
    # a count already formatted for people: 1 000 (ru) and 1,000 (en) are read back as numbers
    assert t("ru", "footer", digest="d", answered=fmt.number(1001, "ru"), unknown=2).endswith("2 вопроса без ответа")
    assert "1\u00a0001 ответ " in t("ru", "footer", digest="d", answered=fmt.number(1001, "ru"), unknown=2)


def test_every_message_key_exists_in_both_languages() -> None:
    # "<key>.one" is the English singular; Russian texts carry their plural forms inside
    english = {k for k in keys("en") if not k.endswith(".one")}
    assert sorted(english - keys("ru")) == []
    assert sorted(keys("ru") - keys("en")) == []
    assert all(k[: -len(".one")] in keys("en") for k in keys("en") if k.endswith(".one"))
    assert [k for lang in LANGUAGES for k in keys(lang) if not t(lang, k).strip()] == []


def test_both_languages_fill_in_the_same_placeholders() -> None:
    differ = {}
    for key in sorted(keys("en") & keys("ru")):
        english, russian = fields(t("en", key)), fields(t("ru", key))
        if set(russian) - ADDED.get(("ru", key), set()) != set(english) - LEFT_OUT.get(("ru", key), set()):
            differ[key] = (sorted(english), sorted(russian))
    assert differ == {}


def test_an_english_singular_uses_only_what_its_plural_text_has() -> None:
    singular = [k for k in keys("en") if k.endswith(".one")]
    assert singular  # the check below looks at something
    for key in singular:
        assert set(fields(t("en", key))) <= set(fields(t("en", key[: -len(".one")]))), key


def test_plural_forms_are_as_many_as_the_language_has() -> None:
    # English: one|other; Russian: one|few|many, or one|few|many|other for fractions
    english = {k: plural_forms(t("en", k)) for k in keys("en")}
    russian = {k: plural_forms(t("ru", k)) for k in keys("ru")}
    assert {k: n for k, n in english.items() if set(n) - {2}} == {}
    assert {k: n for k, n in russian.items() if set(n) - {3, 4}} == {}
    assert sum(map(len, russian.values())) > 20  # the checks above looked at many texts


@pytest.mark.parametrize(
    ("n", "answers"),
    [(1, "1 ответ"), (3, "3 ответа"), (11, "11 ответов"), (21, "21 ответ"), (1.5, "1,5 ответа")],
)
def test_a_plural_placeholder_takes_the_form_of_its_number(n: float, answers: str) -> None:
    text = t("ru", "footer", digest="d", answered=fmt.number(n, "ru"), unknown=0)
    assert f"{answers} " in text, text
