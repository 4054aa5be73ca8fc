"""What the history teaches: how well each rule predicted trouble, over the clients with known outcomes.

The cases are the saved assessments whose latest outcome says the client was taken and tells
whether there was trouble (clientcheck.outcomes.OutcomeFacts.trouble). Each case's answers are
re-evaluated under the rules in effect (or --rules), so every rule is judged on every case,
including rules written after the assessment, and "did not fire" means decided not to fire: a
rule left undecided by "don't know" answers is counted apart, never as a non-firing.

For each rule: the trouble rate when it fired and when it did not, each with a 95% Wilson score
interval, and the difference with Newcombe's hybrid score interval (Newcombe 1998, method 10),
built from the two Wilson intervals. Why these: the plain normal ("Wald") interval collapses to
zero width at 0/n or n/n and is far too narrow for small counts, which is exactly when a user
must be told "too few cases"; Wilson keeps close to its nominal 95% coverage down to a handful
of cases and never leaves [0, 1], and Newcombe's difference inherits that, in closed form (no
SciPy). A rule fired on 3 clients, 3 with trouble, gets a trouble rate interval of 44%..100%.

Rules are ranked by the lower end of the difference's interval: a rule rises only as far as the
evidence for it allows, so a rule seen three times cannot outrank one seen fifty times.

Suggestions are only printed, never applied, and only where the interval says something and
the rule has fired on at least MIN_CASES clients.

Pure: no printing, no I/O beyond the history read by build().
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from clientcheck.model import VERDICTS, Catalog, Verdict

if TYPE_CHECKING:
    from clientcheck.history import Assessment, History
    from clientcheck.outcomes import Outcome

Z95 = 1.959963984540054  # the standard normal's 97.5% point: two-sided 95%
MIN_CASES = 10  # a rule must have fired on this many clients (with outcomes) before it gets a suggestion
# To suggest raising a flag the interval must show it predicts trouble (significance), and at least
# this share of the clients it fired on must have had trouble (size): a flag that doubles a 5% risk
# to 10% predicts trouble but is no reason to turn clients away.
RAISE_IF_TROUBLE_AT_LEAST = 0.5
LOWER_IF_EXCESS_BELOW = 0.10  # ... or the upper end of the excess trouble must stay below this to suggest lowering


@dataclass(frozen=True)
class Interval:
    low: float
    high: float

    @property
    def width(self) -> float:
        return self.high - self.low

    def to_dict(self) -> dict[str, float]:
        return {"low": round(self.low, 4), "high": round(self.high, 4)}


def wilson(k: int, n: int, z: float = Z95) -> Interval | None:
    """The Wilson score interval for k successes in n trials; None when n is 0."""
    if n <= 0:
        return None
    p = k / n
    z2 = z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = z / (1 + z2 / n) * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    # at k = 0 or k = n the bound is exactly 0 or 1; rounding must not move it past
    low = 0.0 if k == 0 else max(0.0, centre - half)
    high = 1.0 if k == n else min(1.0, centre + half)
    return Interval(low, high)


def newcombe(k1: int, n1: int, k2: int, n2: int, z: float = Z95) -> Interval | None:
    """Newcombe's hybrid score interval for p1 - p2 (method 10); None when either side is empty."""
    w1, w2 = wilson(k1, n1, z), wilson(k2, n2, z)
    if w1 is None or w2 is None:
        return None
    p1, p2 = k1 / n1, k2 / n2
    d = p1 - p2
    low = d - math.sqrt((p1 - w1.low) ** 2 + (w2.high - p2) ** 2)
    high = d + math.sqrt((w1.high - p1) ** 2 + (p2 - w2.low) ** 2)
    return Interval(max(-1.0, low), min(1.0, high))


@dataclass(frozen=True)
class Rate:
    """k of n had trouble."""

    k: int
    n: int

    @property
    def rate(self) -> float | None:
        return self.k / self.n if self.n else None

    @property
    def interval(self) -> Interval | None:
        return wilson(self.k, self.n)

    def to_dict(self) -> dict[str, Any]:
        iv = self.interval
        rate = self.rate
        return {
            "trouble": self.k,
            "of": self.n,
            "rate": None if rate is None else round(rate, 4),
            "interval": None if iv is None else iv.to_dict(),
        }


# How strongly a rule's firing goes with trouble, as the difference's interval reads.
PREDICTS = "predicts-trouble"  # the whole interval above 0
PROTECTS = "predicts-less-trouble"  # the whole interval below 0
NO_LINK = "no-clear-link"  # contains 0, and narrow enough to say that any link is small
TOO_FEW = "too-few-cases"  # contains 0 and is wide: anything from helpful to harmful fits the data
NEVER = "never-fired"  # no interval: the rule never fired (or always did)
NO_LINK_MAX_WIDTH = 0.5
MIN_READING = 5  # a rule seen fewer times is "too few cases", whatever its interval says


@dataclass(frozen=True)
class RuleStats:
    id: str
    kind: str
    title: Mapping[str, str]  # language -> title
    fired: Rate
    not_fired: Rate
    undecided: int  # cases where the rule could not be decided ("don't know" answers)
    severities: Mapping[str, int]  # severity -> how often it fired at it (red flags)

    @property
    def difference(self) -> Interval | None:
        return newcombe(self.fired.k, self.fired.n, self.not_fired.k, self.not_fired.n)

    @property
    def excess(self) -> float | None:
        """The trouble rate when fired minus when not fired."""
        a, b = self.fired.rate, self.not_fired.rate
        return None if a is None or b is None else a - b

    @property
    def reading(self) -> str:
        d = self.difference
        if d is None:
            return NEVER
        if self.fired.n < MIN_READING or self.not_fired.n < MIN_READING:
            return TOO_FEW  # one unlucky client must not read as "predicts trouble"
        if d.low > 0:
            return PREDICTS
        if d.high < 0:
            return PROTECTS
        return NO_LINK if d.width <= NO_LINK_MAX_WIDTH else TOO_FEW

    @property
    def severity(self) -> str | None:
        """The severity it fired at most often (red flags), the one a suggestion is about."""
        if not self.severities:
            return None
        return max(self.severities.items(), key=lambda kv: (kv[1], kv[0]))[0]


@dataclass(frozen=True)
class Suggestion:
    rule: str
    action: str  # raise | lower | review-good-sign | make-red-flag | decline-too-strict
    fields: Mapping[str, Any]  # what the text needs: counts, severities


@dataclass(frozen=True)
class Overruled:
    """Verdicts not followed: `verdict` given at the time, taken (or not) anyway, and how it went."""

    verdict: str
    taken: bool
    count: int
    trouble: Rate  # among those with a known trouble (taken only)
    clients: tuple[tuple[int, str, bool | None], ...]  # (assessment id, client, trouble)


@dataclass(frozen=True)
class Case:
    assessment: Assessment
    outcome: Outcome
    verdict: Verdict  # under the rules the report is made with

    @property
    def trouble(self) -> bool | None:
        return self.outcome.trouble


@dataclass(frozen=True)
class WhatIf:
    """The same cases under the rules in effect and under other rules."""

    base_digest: str
    other_digest: str
    base: Mapping[str, Rate]  # verdict -> trouble among the cases given it
    other: Mapping[str, Rate]
    changed: tuple[tuple[Case, str, str], ...]  # (case, verdict before, verdict after), trouble known

    def caught(self, side: Mapping[str, Rate]) -> tuple[int, int]:
        """(trouble cases declined, cases without trouble declined)."""
        d = side.get("decline", Rate(0, 0))
        return d.k, d.n - d.k


@dataclass(frozen=True)
class Report:
    digest: str
    assessments: int  # all saved assessments
    with_outcome: int  # with an outcome recorded
    not_taken: int
    unknown: int  # taken, but whether there was trouble is not known yet
    cases: tuple[Case, ...]  # taken, trouble known: what the statistics rest on
    rules: tuple[RuleStats, ...]  # ranked: strongest evidence of predicting trouble first
    overruled: tuple[Overruled, ...]
    by_verdict: Mapping[str, Rate]  # trouble by the verdict given at the time
    suggestions: tuple[Suggestion, ...]
    what_if: WhatIf | None = None
    skipped: tuple[str, ...] = field(default=())  # answers the rules no longer take, by question id

    @property
    def overall(self) -> Rate:
        return Rate(sum(1 for c in self.cases if c.trouble), len(self.cases))


# ---------------------------------------------------------------- building it


def _rank_key(s: RuleStats) -> tuple[int, float, float, str]:
    d = s.difference
    if d is None:
        return (2, 0.0, 0.0, s.id)
    # a rule seen a few times ranks after every rule seen often enough to read, whatever its interval
    return (1 if s.reading == TOO_FEW else 0, -d.low, -d.high, s.id)


def rule_stats(catalog: Catalog, cases: Sequence[Case]) -> list[RuleStats]:
    out: list[RuleStats] = []
    for rule in catalog.rules:
        fk = fn = nk = nn = undecided = 0
        severities: Counter[str] = Counter()
        for c in cases:
            v = c.verdict
            fired = next(
                (f for f in (*v.red_flags, *v.good_signs, *v.notes) if f.rule.id == rule.id),
                None,
            )
            if fired is not None:
                fn += 1
                fk += 1 if c.trouble else 0
                if fired.severity:
                    severities[fired.severity] += 1
            elif any(u.rule.id == rule.id for u in v.undecided):
                undecided += 1
            else:
                nn += 1
                nk += 1 if c.trouble else 0
        out.append(
            RuleStats(rule.id, rule.kind, dict(rule.title.values), Rate(fk, fn), Rate(nk, nn), undecided, severities)
        )
    return sorted(out, key=_rank_key)


def _ladder(catalog: Catalog) -> list[str]:
    """Severities from the lightest to the heaviest, weightless ones (notes) left out."""
    sev = catalog.policy.severities
    return [s.name for s in sorted(sev.values(), key=lambda s: (s.weight, s.name)) if s.weight > 0]


def suggest(catalog: Catalog, stats: Sequence[RuleStats], overruled: Sequence[Overruled]) -> list[Suggestion]:
    ladder = _ladder(catalog)
    out: list[Suggestion] = []
    for s in stats:
        d, fired, rate = s.difference, s.fired, s.fired.rate
        if d is None or rate is None or fired.n < MIN_CASES:
            continue
        counts = {
            "fired": fired.n,
            "trouble": fired.k,
            "without": s.not_fired.n,
            "without_trouble": s.not_fired.k,
        }
        if s.kind == "red-flag" and s.severity in ladder:
            step = ladder.index(s.severity)
            if d.low > 0 and rate >= RAISE_IF_TROUBLE_AT_LEAST and step + 1 < len(ladder):
                out.append(Suggestion(s.id, "raise", {**counts, "now": s.severity, "to": ladder[step + 1]}))
            elif d.high < LOWER_IF_EXCESS_BELOW and step > 0:
                out.append(Suggestion(s.id, "lower", {**counts, "now": s.severity, "to": ladder[step - 1]}))
        elif s.kind == "good-sign" and d.low > 0:
            out.append(Suggestion(s.id, "review-good-sign", counts))
        elif s.kind == "note" and d.low > 0 and rate >= RAISE_IF_TROUBLE_AT_LEAST:
            out.append(Suggestion(s.id, "make-red-flag", counts))
    for o in overruled:
        iv = o.trouble.interval
        # declined, taken anyway, and mostly fine: the line for decline may be drawn too low
        if o.verdict == "decline" and o.taken and o.trouble.n >= MIN_CASES and iv is not None and iv.high < 0.5:
            out.append(Suggestion("", "decline-too-strict", {"count": o.trouble.n, "trouble": o.trouble.k}))
    return out


def _overruled(stored: Sequence[tuple[Assessment, Outcome]]) -> list[Overruled]:
    """Decline taken anyway; go not taken. Caution leaves the choice to the user, so both ways follow it."""
    groups: dict[tuple[str, bool], list[tuple[Assessment, Outcome]]] = {}
    for a, o in stored:
        taken = o.facts.taken
        if taken is None:
            continue
        if (a.verdict == "decline" and taken) or (a.verdict == "go" and not taken):
            groups.setdefault((a.verdict, taken), []).append((a, o))
    out: list[Overruled] = []
    for (verdict, taken), items in sorted(groups.items(), key=lambda kv: (-VERDICTS.index(kv[0][0]), kv[0][1])):
        known = [o.trouble for _, o in items if o.trouble is not None]
        out.append(
            Overruled(
                verdict,
                taken,
                len(items),
                Rate(sum(1 for x in known if x), len(known)),
                tuple((a.id, a.client, o.trouble) for a, o in items),
            )
        )
    return out


def _by_verdict(verdicts: Sequence[tuple[str, bool]]) -> dict[str, Rate]:
    return {
        v: Rate(sum(1 for w, tr in verdicts if w == v and tr), sum(1 for w, _ in verdicts if w == v)) for v in VERDICTS
    }


def what_if(base: Catalog, base_cases: Sequence[Case], other: Catalog, other_cases: Sequence[Case]) -> WhatIf:
    pairs = list(zip(base_cases, other_cases, strict=True))
    changed = tuple(
        (b, b.verdict.verdict, o.verdict.verdict) for b, o in pairs if b.verdict.verdict != o.verdict.verdict
    )
    return WhatIf(
        base.digest,
        other.digest,
        _by_verdict([(c.verdict.verdict, bool(c.trouble)) for c in base_cases]),
        _by_verdict([(c.verdict.verdict, bool(c.trouble)) for c in other_cases]),
        changed,
    )


def _cases(catalog: Catalog, stored: Sequence[tuple[Assessment, Outcome]]) -> tuple[list[Case], set[str]]:
    from clientcheck.history import reevaluate

    cases: list[Case] = []
    dropped: set[str] = set()
    for a, o in stored:
        if o.trouble is None:
            continue
        verdict, lost = reevaluate(a, catalog)
        dropped.update(lost)
        cases.append(Case(a, o, verdict))
    return cases, dropped


def build(history: History, catalog: Catalog, baseline: Catalog | None = None) -> Report:
    """The report under catalog; with a baseline (the rules in effect), also what would change from it."""
    from clientcheck.outcomes import latest_by_assessment

    assessments = history.assessments()
    latest = latest_by_assessment(history)
    stored = [(a, latest[a.uid]) for a in assessments if a.uid in latest]
    cases, dropped = _cases(catalog, stored)
    stats = rule_stats(catalog, cases)
    overruled = _overruled(stored)
    comparison = None
    if baseline is not None:
        base_cases, _ = _cases(baseline, stored)
        comparison = what_if(baseline, base_cases, catalog, cases)
    taken = [o for _, o in stored if o.facts.taken]
    return Report(
        catalog.digest,
        len(assessments),
        len(stored),
        sum(1 for _, o in stored if o.facts.taken is False),
        sum(1 for o in taken if o.trouble is None),
        tuple(cases),
        tuple(stats),
        tuple(overruled),
        _by_verdict([(c.assessment.verdict, bool(c.trouble)) for c in cases]),
        tuple(suggest(catalog, stats, overruled)),
        comparison,
        tuple(sorted(dropped)),
    )
