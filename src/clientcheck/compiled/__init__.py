"""A catalog's questions and rules compiled into one Python function, to score many clients fast.

evaluate() walks dataclasses and calls a closure per condition node; that is clear and quick
for one client, but a million clients need a tighter loop. Here the *checked* condition trees
(never the rule text) are turned into Python source for one function that validates a decoded
answers mapping, drops the answers whose question does not apply, and evaluates every rule on
local variables. Question ids and literals reach the source only as repr() of str/int/bool/finite
float, or as named constants; local names are generated (v0, v1, ...), never taken from the files.

The three-valued logic is kept exactly, but cheaply: each level is tested with two plain Python
tests, "is it true?" and, only when it is not, "is it false?" (_Expr.truth). What to ask about
an undecided rule depends only on which of its answers are unknown (and the gates in front of
them), so it is worked out once per such shape by evaluate's own code and remembered.

The function gives a client up on anything it does not handle itself: a wrong or unusual
answer, an unknown key, a number where text is expected. It returns None then (the JSON Lines
loop hands the line to its `slow` callback, in its place), and the ordinary path
(answers.validate + evaluate) takes the client and gives the exact error messages, so the fast
path only ever has to be right about valid answers. tests/test_compiled.py checks on random
answers that both paths give the same results, in every flavour (a Result, a JSON Lines record
as bytes, the JSON Lines loop).

The package: result.py (what a scorer gives back), expr.py (condition trees as Python
expressions), rulecode.py (the rules' part of the source), codegen.py (the rest of the
function's source, in its modes), and Engine here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from clientcheck.compiled.codegen import _Compiler
from clientcheck.compiled.expr import INLINE_LIMIT, _known_when
from clientcheck.compiled.result import (
    Evidence,
    FindingInfo,
    OpenRule,
    RecordFormat,
    Result,
    Unsupported,
    result_from_verdict,
)
from clientcheck.compiled.runtime import MEMO_LIMIT
from clientcheck.decode import RecordType, record_type
from clientcheck.model import UNKNOWN, Catalog, Rule, Verdict

__all__ = [
    "INLINE_LIMIT",
    "MEMO_LIMIT",
    "Engine",
    "Evidence",
    "FindingInfo",
    "OpenRule",
    "RecordFormat",
    "Result",
    "Unsupported",
    "_known_when",
    "result_from_verdict",
]

Scorer = Callable[..., Any]


def _ordinary(data: Any, head: bytes = b"", line: int = 0, *rest: Any) -> None:
    """The scorer of a catalog the compiler does not take: every client goes to evaluate()."""
    return None


def _ordinary_lines(lines: Sequence[bytes], line: int, head: bytes, out: Any, verdicts: Any, slow: Scorer) -> None:
    """The JSON Lines loop of a catalog the compiler does not take: every line goes to slow."""
    for raw in lines:
        line += 1
        slow(raw, line)


class Engine:
    """The compiled rules of one catalog (or a selection of its rules)."""

    def __init__(
        self, catalog: Catalog, rules: Sequence[Rule] | None = None, filled: Mapping[str, Any] | None = None
    ) -> None:
        """filled: answers for what a client's answers leave out (a seller profile's: profile.apply)."""
        self.catalog = catalog
        # "don't know" is None here, as in the compiled function's locals
        self.filled = {qid: None if v is UNKNOWN else v for qid, v in (filled or {}).items()}
        self.rules = tuple(catalog.rules if rules is None else rules)
        self.order = {qid: i for i, qid in enumerate(catalog.questions)}
        self._rule_index = {rule.id: i for i, rule in enumerate(self.rules)}
        self._record_scorers: dict[tuple[type, bytes, bytes, bool], Scorer] = {}
        self._record_type: tuple[RecordType | None] | None = None  # made on first use
        self._scorer: Scorer | None = None
        self.source = ""

    def _score(self, data: Mapping[str, Any]) -> Any:
        # compiled on first use: a JSON Lines run only needs the record scorer
        if self._scorer is None:
            compiler = _Compiler(self.catalog, self.rules, filled=self.filled)
            try:
                self._scorer = compiler.build()
            except Unsupported:
                self._scorer = _ordinary
            self.source = compiler.source
        return self._scorer(data)

    def record_type(self) -> RecordType | None:
        """The msgspec record type of this catalog's JSON Lines (None without msgspec)."""
        if self._record_type is None:
            self._record_type = (record_type(self.catalog),)
        return self._record_type[0]

    def record_scorer(self, record: RecordFormat, decoded: bool = False) -> Scorer:
        """The fused function for a format: (answers, head, line) -> (9 * verdict index + 3 * worst
        reachable verdict's index + best one's, record bytes), or None when the answers need the
        ordinary path. May raise TypeError (unhashable answer) or OverflowError.

        decoded: the JSON Lines loop instead, for lines msgspec decodes with record_type():
        (lines, the line before the first, head, out, verdicts, slow) appends each record to out,
        adds 1 to verdicts[verdict index as above], and calls slow(raw, line) for a line the
        ordinary path must take, in its place.
        """
        key = (type(record), record.template, record.tail, decoded)  # the same format: the same function
        fn = self._record_scorers.get(key)
        if fn is None:
            reader = self.record_type() if decoded else None
            try:
                if decoded and reader is None:
                    raise Unsupported("msgspec")
                fn = _Compiler(self.catalog, self.rules, record, reader=reader, filled=self.filled).build()
            except Unsupported:
                fn = _ordinary_lines if decoded else _ordinary
            self._record_scorers[key] = fn
        return fn

    def score(self, data: Mapping[str, Any]) -> Result | None:
        """The result for decoded answers, or None when they need the ordinary path."""
        try:
            result: Result | None = self._score(data)
        except (TypeError, OverflowError):  # an unhashable answer, a number past a float: the ordinary path
            return None
        return result

    def from_verdict(self, verdict: Verdict) -> Result:
        """The compact form of a verdict that evaluate() gave (the ordinary path)."""
        return result_from_verdict(verdict, self.catalog, self._rule_index, self.order)
