"""`clientcheck reply`: a letter to the client that says the verdict in the client's own terms.

Pure: a Verdict in, a Letter out (paragraphs and lists), then plain text or Markdown. The letter
uses only the rules' client-facing texts (`client_reason`, `client_offer` in rules.yaml) with
their placeholders filled in from the answers, and the interface's own letter phrases: never a
rule id, an internal label or a question id, so it can be copied into an email as it is.

    decline  the real reasons (the red flags that decide the decline) and, where the rules offer
             one, a way forward
    caution  the conditions to go ahead (every red flag that fired), then the next steps
    go       what to agree on, if anything fired, then the next steps (from the good signs)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from clientcheck.i18n import t
from clientcheck.model import Catalog, Finding, Verdict
from clientcheck.reasons import Reasons, all_reasons

FORMATS = ("text", "markdown")


class Block(NamedTuple):
    """A paragraph (items empty) or a list with its lead-in line (text may be empty)."""

    text: str
    items: tuple[str, ...] = ()


class Letter(NamedTuple):
    verdict: str
    blocks: tuple[Block, ...]
    cited: tuple[str, ...]  # ids of the rules the letter speaks for
    left_out: tuple[str, ...]  # ids of rules it should speak for but that have no client-facing text


def _deciding(verdict: Verdict, catalog: Catalog) -> list[Finding]:
    """The red flags a decline rests on: those of a declining severity, else the ones that score."""
    red = list(verdict.red_flags)
    if verdict.verdict != "decline":
        return red
    threshold = catalog.policy.decline_if
    fired: dict[str, int] = {}
    for f in red:
        if f.severity:
            fired[f.severity] = fired.get(f.severity, 0) + 1
    # the severities that met the decline test: any_severity, and a count (two high flags) reached
    declining = set(threshold.any_severity) | {sev for sev, n in threshold.counts if fired.get(sev, 0) >= n}
    named = [f for f in red if f.severity in declining]
    return named or [f for f in red if f.weight > 0] or red


def _dedup(items: Sequence[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(i for i in items if i))


def _listed(lead: str, items: Sequence[str]) -> list[Block]:
    """One item reads as a paragraph of its own; several as a list after the lead-in."""
    if not items:
        return []
    if len(items) == 1:
        return [Block(items[0])]
    return [Block(lead, tuple(items))]


def compose(verdict: Verdict, catalog: Catalog, lang: str) -> Letter:
    why = all_reasons(verdict, catalog, lang)
    kind = verdict.verdict
    flags = _deciding(verdict, catalog)
    cited: list[str] = []
    left_out: list[str] = []
    said: list[Reasons] = []
    for f in flags:
        r = why[id(f)]
        if r.client_reason or r.client_offer:
            said.append(r)
            cited.append(f.rule.id)
        else:
            left_out.append(f.rule.id)
    steps: list[str] = []
    if kind != "decline":
        for f in verdict.good_signs:
            r = why[id(f)]
            if r.client_offer:
                steps.append(r.client_offer)
                cited.append(f.rule.id)
            else:
                left_out.append(f.rule.id)
    reasons = _dedup([" ".join(s for s in (r.client_reason, *r.also_reasons) if s) for r in said])
    # a refusal promises its reasons only when it has some to give
    opening = "reply.decline.opening" if kind != "decline" or reasons else "reply.decline.opening.plain"
    blocks = [
        Block(t(lang, "reply.greeting")),
        Block(t(lang, opening if kind == "decline" else f"reply.{kind}.opening")),
    ]
    if kind == "decline":
        offers = _dedup([r.client_offer or "" for r in said])
        blocks += _listed(t(lang, "reply.decline.why"), reasons)
        blocks += _listed(t(lang, "reply.decline.offer"), offers)
    else:
        terms = _dedup([" ".join(s for s in (r.client_reason, *r.also_reasons, r.client_offer) if s) for r in said])
        if terms:
            blocks.append(Block(t(lang, f"reply.{kind}.terms"), terms))
        blocks.append(Block(t(lang, "reply.steps"), _dedup(steps) or (t(lang, "reply.steps.default"),)))
    blocks += [Block(t(lang, f"reply.{kind}.closing")), Block(t(lang, "reply.signoff"))]
    return Letter(kind, tuple(blocks), tuple(dict.fromkeys(cited)), tuple(dict.fromkeys(left_out)))


def as_text(letter: Letter, lang: str) -> str:
    """Plain text for an email: paragraphs apart, list items one a line, nothing wrapped."""
    bullet = t(lang, "reply.bullet")
    out: list[str] = []
    for b in letter.blocks:
        lines = [b.text] if b.text else []
        lines += [f"{bullet}{item}" for item in b.items]
        out.append("\n".join(lines))
    return "\n\n".join(out) + "\n"


def as_markdown(letter: Letter) -> str:
    from clientcheck.render.markdown import md

    out: list[str] = []
    for b in letter.blocks:
        lead = f"**{md(b.text)}**" if b.items else md(b.text)  # a list's lead-in reads as its heading
        lines = [lead] if b.text else []
        lines += [f"- {md(item)}" for item in b.items]
        out.append("\n".join(lines))
    return "\n\n".join(out) + "\n"


def render(letter: Letter, fmt: str, lang: str) -> str:
    return as_markdown(letter) if fmt == "markdown" else as_text(letter, lang)
