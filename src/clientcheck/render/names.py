"""How the ids of the rules file read to people: verdicts, rule kinds and severities; and whom a
question still to answer is for (the client, or the seller's profile)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from clientcheck.i18n import t

if TYPE_CHECKING:
    from clientcheck.model import AskNext, Catalog, Question, Rule


def verdict_word(lang: str, verdict: str) -> str:
    return t(lang, f"verdict.{verdict}")


def kind_name(lang: str, kind: str) -> str:
    return t(lang, f"rules.kind.{kind}")


def severity_name(catalog: Catalog, name: str | None, lang: str) -> str:
    """A severity as the rules file names it for people ("осторожно"), not its id ("caution")."""
    if name is None:
        return ""
    sev = catalog.policy.severities.get(name)
    return sev.label.get(lang) if sev else name


def rule_severities(catalog: Catalog, rule: Rule, lang: str) -> str:
    """Every severity a rule can fire at, in order, named; a dash for a rule without any."""
    names = [lv.severity for lv in rule.levels if lv.severity]
    if not names:
        return "—"
    return " / ".join(catalog.policy.severities[n].label.get(lang) for n in dict.fromkeys(names))


def split_asks(catalog: Catalog, asks: Sequence[AskNext]) -> tuple[list[AskNext], list[str]]:
    """What to ask the client, and the seller's own questions still open (ids, in order of use):
    those are not asked of a client but answered once, in the profile."""
    client = [a for a in asks if not _seller(catalog, a.question)]
    return client, [a.question for a in asks if _seller(catalog, a.question)]


def _seller(catalog: Catalog, qid: str) -> bool:
    q = catalog.questions.get(qid)
    return q is not None and q.seller


def profile_hint(lang: str, seller: Sequence[str]) -> str:
    """`complete your profile: clientcheck profile set min_price=... business_stage=...`"""
    return t(lang, "profile.complete", command="clientcheck profile set " + " ".join(f"{q}=..." for q in seller))


def question_named(q: Question, lang: str) -> str:
    """A question as a message names it to people: its text, then its id (what files and `profile set` use)."""
    return t(lang, "names.question", text=q.text.get(lang), id=q.id)


def profile_missing(lang: str, name: str, missing: Sequence[Question]) -> str:
    """`Your profile 'default' does not answer the question “What do you sell…?” (offer): ...`"""
    questions = ", ".join(question_named(q, lang) for q in missing)
    return t(lang, "profile.missing_questions", name=name, n=len(missing), questions=questions)
