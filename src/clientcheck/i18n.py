"""Interface strings in every language, and how the language is chosen."""

from __future__ import annotations

import os
from collections.abc import Mapping

from clientcheck.model import LANGUAGES

_STRINGS: dict[str, dict[str, str]] = {
    "en": {
        "verdict.go": "GO",
        "verdict.caution": "CAUTION",
        "verdict.decline": "DECLINE",
        "verdict.go.line": "Nothing here stops you from taking this client.",
        "verdict.caution.line": "You can take this client, with open eyes and the advice below.",
        "verdict.decline.line": "Do not take this client on these terms.",
        "summary": "score {score} · red flags: {red} · good signs: {good} · undecided rules: {open}",
        "red_flags": "Red flags",
        "good_signs": "Good signs",
        "notes": "Worth knowing",
        "ask_next": "Ask next",
        "col.flag": "Flag",
        "col.severity": "Severity",
        "col.because": "Because",
        "col.advice": "What to do or say",
        "col.sign": "Sign",
        "col.question": "Question",
        "col.decides": "Would decide",
        "none_fired": "No red flags fired.",
        "dont_know": "don't know",
        "yes": "yes",
        "no": "no",
        "nothing": "nothing",
        "footer": "rules {digest} · {answered} answered · {unknown} unknown",
        "ignored": "Ignored (the question does not apply): {ids}",
        "client": "Client",
    },
    "ru": {
        "verdict.go": "БРАТЬ",
        "verdict.caution": "ОСТОРОЖНО",
        "verdict.decline": "ОТКАЗАТЬ",
        "verdict.go.line": "Ничто не мешает взять этого клиента.",
        "verdict.caution.line": "Клиента можно взять, но с открытыми глазами и с учётом советов ниже.",
        "verdict.decline.line": "На таких условиях этого клиента брать не стоит.",
        "summary": "баллы {score} · красных флагов: {red} · хороших признаков: {good} · не решено правил: {open}",
        "red_flags": "Красные флаги",
        "good_signs": "Хорошие признаки",
        "notes": "Стоит учесть",
        "ask_next": "Что спросить дальше",
        "col.flag": "Флаг",
        "col.severity": "Серьёзность",
        "col.because": "Потому что",
        "col.advice": "Что сделать или сказать",
        "col.sign": "Признак",
        "col.question": "Вопрос",
        "col.decides": "Решит правила",
        "none_fired": "Красных флагов нет.",
        "dont_know": "не знаю",
        "yes": "да",
        "no": "нет",
        "nothing": "ничего",
        "footer": "правила {digest} · ответов: {answered} · неизвестно: {unknown}",
        "ignored": "Не учтены (вопрос не относится к делу): {ids}",
        "client": "Клиент",
    },
}


def detect_language(option: str | None, environ: Mapping[str, str] | None = None) -> str:
    """--lang, else the locale (LC_ALL, LC_MESSAGES, LANG in POSIX order), else English."""
    if option:
        return option
    env = os.environ if environ is None else environ
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(var, "")
        if value:
            code = value.split("_")[0].split(".")[0].lower()
            return code if code in LANGUAGES else "en"
    return "en"


def t(lang: str, key: str, **fields: object) -> str:
    text = _STRINGS.get(lang, _STRINGS["en"]).get(key) or _STRINGS["en"][key]
    return text.format(**fields) if fields else text
