"""How the ids of the rules file read to people: verdicts, rule kinds and severities."""

from __future__ import annotations

from typing import TYPE_CHECKING

from clientcheck.i18n import t

if TYPE_CHECKING:
    from clientcheck.model import Catalog, Rule


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
