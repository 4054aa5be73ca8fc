"""Why a rule fired, ready to show: the answers that decided it, and its texts for this client.

For a fired rule: the answers its firing level read (the engine's evidence), the answers that
kept each earlier level from firing (a level fires only when those above it are false, so they
decided it too), the later levels that are also true with their answers (the engine's
`Finding.also`), and its why, advice and client-facing texts with their placeholders filled in
from this client's answers. Pure: every output format (table, JSON, Markdown) and `reply` take
their reasons from here, so they cannot disagree.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

from clientcheck.model import UNKNOWN, Catalog, Evidence, Finding, Level, Rule, Verdict
from clientcheck.placeholders import fill


class AlsoTrue(NamedTuple):
    level: int  # 0-based index in the rule's levels
    severity: str | None
    weight: float
    evidence: tuple[Evidence, ...]


class Reasons(NamedTuple):
    finding: Finding
    level: int  # the firing level, 0-based
    evidence: tuple[Evidence, ...]
    ruled_out: tuple[Evidence, ...]  # answers that kept the earlier levels from firing
    also: tuple[AlsoTrue, ...]
    why: str
    advice: str
    client_reason: str | None
    client_offer: str | None
    also_reasons: tuple[str, ...]  # client-facing reasons of also-true levels that weigh as much
    # questions not known that the firing level's tests read and went its way (`not known(budget)`):
    # the engine's evidence holds answers only, and such a rule fired *because* they are missing.
    # (question id, i18n key of how it is missing: dont_know, not answered, does not apply)
    unknown: tuple[tuple[str, str], ...] = ()

    def because(self, catalog: Catalog, lang: str) -> list[tuple[str, str]]:
        """The answers that made the level fire, then the missing ones, as (question id, answer) to show."""
        from clientcheck import fmt
        from clientcheck.i18n import t

        known = [(e.question, fmt.answer(catalog, e.question, e.value, lang)) for e in self.evidence]
        return known + [(qid, t(lang, key)) for qid, key in self.unknown]


def answers_that_count(catalog: Catalog, verdict: Verdict) -> dict[str, Any]:
    from clientcheck.evaluate import effective

    return effective(catalog, verdict.answers)[0]


def _index(rule: Rule, level: Level) -> int:
    """Where an also-true level stands in its rule (the engine hands the Level itself)."""
    for i, lv in enumerate(rule.levels):
        if lv is level:
            return i
    return rule.levels.index(level)


def client_text(rule: Rule, level: int, field: str) -> Any:
    """A level's client-facing text (`client_reason` or `client_offer`), else the rule's."""
    own = getattr(rule.levels[level], field)
    return own if own is not None else getattr(rule, field)


def unknown_answers(
    level: Level, env: dict[str, Any], catalog: Catalog, given: Mapping[str, Any]
) -> tuple[tuple[str, str], ...]:
    """The questions not known that decided a fired level, each with how it is missing."""
    from clientcheck.explain import unknown_that_decided

    out: list[tuple[str, str]] = []
    for name in unknown_that_decided(level.when.tree, env):
        q = catalog.questions.get(name)
        if q is None:
            continue
        if q.when is not None and q.when(env) is False:
            out.append((name, "rules.explain.does_not_apply"))
        else:
            out.append((name, "dont_know" if given.get(name) is UNKNOWN else "rules.explain.not_answered"))
    return tuple(out)


def reasons(
    finding: Finding,
    catalog: Catalog,
    env: dict[str, Any],
    lang: str,
    client: str | None,
    given: Mapping[str, Any] | None = None,
) -> Reasons:
    """given: the answers as given (to tell "don't know" from not answered), when there are any."""
    from clientcheck.explain import kept_from_firing

    rule = finding.rule
    level = finding.level
    ruled: dict[str, Any] = {}
    for earlier in rule.levels[:level]:
        for name, value in kept_from_firing(earlier.when.tree, env, catalog):
            ruled.setdefault(name, value)
    shown = {e.question for e in finding.evidence}
    ruled_out = tuple(Evidence(n, v) for n, v in ruled.items() if n not in shown)
    also = tuple(AlsoTrue(_index(rule, lv), lv.severity, lv.weight, ev) for lv, ev in finding.also)
    questions = catalog.questions

    def text(t: Any) -> str | None:
        return None if t is None else fill(t.get(lang), env, questions, lang, client)

    reason = client_text(rule, level, "client_reason")
    also_reasons: list[str] = []
    for a in also:
        # a later level that is also true is a reason of its own for the client only when it weighs
        # as much as the level that fired (it would decide the outcome alone), and only with a text
        # of its own: a lighter level's text speaks of a lighter case ("one invoice was late"), and
        # a heavier one was overruled by the author's earlier, lighter level (an exception: "a new
        # business may do a trial piece" before "no free trial pieces"), so its text contradicts it
        if a.weight != finding.weight:
            continue
        own = rule.levels[a.level].client_reason
        if own is not None and own is not reason:
            filled = text(own)
            if filled and filled not in also_reasons:
                also_reasons.append(filled)
    return Reasons(
        finding,
        level,
        finding.evidence,
        ruled_out,
        also,
        text(rule.why) or "",
        text(finding.advice) or "",
        text(reason),
        text(client_text(rule, level, "client_offer")),
        tuple(also_reasons),
        unknown_answers(rule.levels[level], env, catalog, given or {}),
    )


def all_reasons(verdict: Verdict, catalog: Catalog, lang: str) -> dict[int, Reasons]:
    """Reasons of every finding of a verdict, by id() of the finding."""
    env = answers_that_count(catalog, verdict)
    client = verdict.answers.client
    return {
        id(f): reasons(f, catalog, env, lang, client, verdict.answers.values)
        for f in (*verdict.red_flags, *verdict.good_signs, *verdict.notes)
    }
