"""`clientcheck rules test`: run every rule's examples, like `conftest verify`.

An example is answers and what must happen: `fires: false` (the rule must not fire, and must
not be left undecided either: an example is meant to decide), `fires: true` (it fires at any
level), `fires: <severity>` (it fires at that level), and optionally `verdict:` (what the
whole catalog says for these answers) and `today:` (the date `today` means for the example, so
that an example with `days_since` or `today` passes on any day it is run). A rule counts as covered when at least one example
shows it firing: an example where it stays silent proves nothing about its condition.
"""

from __future__ import annotations

from dataclasses import dataclass

from clientcheck.conditions import Call, walk
from clientcheck.errors import Mark
from clientcheck.evaluate import evaluate
from clientcheck.i18n import t
from clientcheck.model import Answers, Catalog, Example, Finding, Rule, Verdict


@dataclass(frozen=True)
class Failure:
    rule: str
    mark: Mark | None
    message: str

    def __str__(self) -> str:
        return f"{self.mark}: {self.rule}: {self.message}" if self.mark else f"{self.rule}: {self.message}"


@dataclass(frozen=True)
class Result:
    rules: int
    examples: int
    failures: tuple[Failure, ...]
    uncovered: tuple[str, ...]

    @property
    def covered(self) -> int:
        return self.rules - len(self.uncovered)

    @property
    def coverage(self) -> float:
        return 100.0 if not self.rules else 100.0 * self.covered / self.rules


def _finding(verdict: Verdict, rule: Rule) -> Finding | None:
    for f in (*verdict.red_flags, *verdict.good_signs, *verdict.notes):
        if f.rule.id == rule.id:
            return f
    return None


def dated_rules(catalog: Catalog) -> set[str]:
    """The rules whose outcome depends on the day: they read `today` (`days_since`, ...), or
    another rule that does, through fired()."""
    from clientcheck.functions import FUNCTIONS

    by_id = {r.id: r for r in catalog.rules}
    dated: dict[str, bool] = {}

    def depends(rule: Rule, seen: frozenset[str] = frozenset()) -> bool:
        if rule.id not in dated:
            own = any(isinstance(n, Call) and FUNCTIONS[n.name].dated for lv in rule.levels for n in walk(lv.when.tree))
            # the loader refuses fired() loops; `seen` only keeps a broken catalog from recursing
            dated[rule.id] = own or any(
                depends(by_id[ref], seen | {rule.id}) for ref in rule.refs if ref in by_id and ref not in seen
            )
        return dated[rule.id]

    return {r.id for r in catalog.rules if depends(r)}


def _because(catalog: Catalog, finding: Finding, example: Example, day: str | None, lang: str) -> str:
    """The answers that made it fire, those whose absence did (`not known(x)`: reasons.py), and
    the day it was judged on when that mattered."""
    from clientcheck.evaluate import effective
    from clientcheck.reasons import unknown_answers

    env = effective(catalog, Answers(example.answers), example.today)[0]
    missing = unknown_answers(finding.rule.levels[finding.level], env, catalog, example.answers)
    said = [f"{e.question}: {_show(e.value)}" for e in finding.evidence]
    said += [f"{qid}: {t(lang, key)}" for qid, key in missing] + ([day] if day else [])
    return f" ({', '.join(said)})" if said else ""


def _day(example: Example, dated: bool, lang: str) -> str | None:
    """`today: 2026-06-01`: the example's own day, or, for a rule that reads the date, the day of this
    run; a failure of a date rule cannot be understood without it. ISO, as the example writes it."""
    if example.today is not None:
        return t(lang, "rules.test.today", day=example.today.isoformat())
    if dated:
        from clientcheck.functions import today

        return t(lang, "rules.test.today_run", day=today().isoformat())
    return None


def _show(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, frozenset):
        return "[" + ", ".join(sorted(value)) + "]"
    return str(value)


def check_example(
    catalog: Catalog, rule: Rule, example: Example, lang: str = "en", dated: bool | None = None
) -> str | None:
    """Why the example fails, or None when it passes. dated: does the rule depend on the day (see
    dated_rules; worked out here when not given)."""
    if dated is None:
        dated = rule.id in dated_rules(catalog)
    day = _day(example, dated, lang)
    answers = Answers(example.answers)
    alone = evaluate(catalog, answers, rules=[rule], now=example.today)
    finding = _finding(alone, rule)
    open_ = next((u for u in alone.undecided if u.rule.id == rule.id), None)
    expected = example.fires
    if finding is not None:
        got = (
            t(lang, "rules.test.fired_at", severity=finding.severity)
            if finding.severity
            else t(lang, "rules.test.fired")
        )
        got += _because(catalog, finding, example, day, lang)
        if expected is False:
            return t(lang, "rules.test.want_silent", got=got)
        if isinstance(expected, str) and finding.severity != expected:
            return t(lang, "rules.test.want_severity", want=expected, got=got)
    else:
        if open_ is not None:
            got = t(lang, "rules.test.undecided", ask=", ".join(open_.ask))
        else:
            got = t(lang, "rules.test.silent")
        got += f" ({day})" if day else ""
        if expected is True:
            return t(lang, "rules.test.want_fire", got=got)
        if isinstance(expected, str):
            return t(lang, "rules.test.want_severity", want=expected, got=got)
        if open_ is not None:
            return t(lang, "rules.test.want_silent", got=got)
    want_verdict = getattr(example, "verdict", None)
    if want_verdict is not None:
        whole = evaluate(catalog, answers, now=example.today)
        if whole.verdict != want_verdict:
            score = f"{whole.score:g}" + (f"; {day}" if day else "")  # inside the message's parentheses
            return t(lang, "rules.test.want_verdict", want=want_verdict, got=whole.verdict, score=score)
    return None


def run(catalog: Catalog, lang: str = "en") -> Result:
    failures: list[Failure] = []
    uncovered: list[str] = []
    examples = 0
    dated = dated_rules(catalog)
    for rule in catalog.rules:
        fires = False
        for example in rule.examples:
            examples += 1
            fires = fires or example.fires is not False
            problem = check_example(catalog, rule, example, lang, rule.id in dated)
            if problem is not None:
                failures.append(Failure(rule.id, example.mark, problem))
        if not fires:
            uncovered.append(rule.id)
    return Result(len(catalog.rules), examples, tuple(failures), tuple(uncovered))
