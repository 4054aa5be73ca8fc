"""The built-in functions of the condition language: one typed registry.

Each entry says everything about one function: how the type checker checks its arguments, what
it means on an environment of answers (three-valued, as every condition), how the compiled batch
scorer writes it in Python, and the text the docs and the JSON Schema show. The parser, the type
checker, the evaluator (the conditions package), the compiled scorer (compiled.py), `explain`'s rendering
and the JSON Schema all read this table, so a new function is one entry here.

Values a function may see or return besides the answers: ``None`` (unknown), a ``datetime.date``
and a ``Span`` — a whole number known only to lie between two bounds (``count`` of yes/no tests
some of which are unknown). Comparisons and arithmetic on a Span are decided when every number
in the span gives the same result, and are unknown otherwise.

The environment carries a few reserved entries, never question ids (those start with a letter):
``@today`` (the date conditions take as today), ``@fired`` (other rules' outcomes: True, False or
None while undecided), and in the engine's "what could still happen" pass ``@range`` with
``@never`` (questions that can no longer be asked).
"""

from __future__ import annotations

import datetime as _dt
import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from clientcheck.conditions import Call, Env, Fn, Kind, Node, TypeChecker, VarType

    Needs = Callable[[Node, bool | None], frozenset[str]]  # conditions.knowing.must_know

TODAY = "@today"
FIRED = "@fired"
RANGE = "@range"
NEVER = "@never"


class Span(NamedTuple):
    """A whole number known to lie in [lo, hi] (lo < hi)."""

    lo: int
    hi: int


def today() -> _dt.date:
    """The date conditions take as today: CLIENTCHECK_TODAY (YYYY-MM-DD) when set, else the clock.

    The variable makes verdicts that use dates reproducible (tests, re-running an old batch).
    """
    fixed = os.environ.get("CLIENTCHECK_TODAY")
    if fixed:
        try:
            return _dt.date.fromisoformat(fixed)
        except ValueError:
            from clientcheck.errors import UsageError
            from clientcheck.i18n import detect_language, t

            raise UsageError(t(detect_language(None), "env.bad_today", value=fixed)) from None
    return _dt.date.today()


def parse_date(value: Any) -> _dt.date | None:
    """A date answer from text (YYYY-MM-DD) or a date; None when it is not one."""
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    if isinstance(value, str) and len(value.strip()) == 10:
        try:
            return _dt.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


# ---------------------------------------------------------------- three-valued helpers on spans


def _bounds(v: Any) -> tuple[Any, Any]:
    return (v.lo, v.hi) if isinstance(v, Span) else (v, v)


def _span(lo: Any, hi: Any) -> Any:
    return lo if lo == hi else Span(lo, hi)


def compare(op: Callable[[Any, Any], bool], a: Any, b: Any) -> bool | None:
    """A comparison where either side may be unknown (None) or a Span."""
    if a is None or b is None:
        return None
    if not isinstance(a, Span) and not isinstance(b, Span):
        return op(a, b)
    (a1, a2), (b1, b2) = _bounds(a), _bounds(b)
    if op.__name__ not in ("eq", "ne", "lt", "le", "gt", "ge"):
        return None  # membership of a span in a list: unknown, never wrong
    if op.__name__ in ("eq", "ne"):
        overlap = not (a2 < b1 or b2 < a1)
        if not overlap:
            return op.__name__ == "ne"
        return None  # one side spans several numbers that overlap the other
    results = {op(x, y) for x in (a1, a2) for y in (b1, b2)}
    return results.pop() if len(results) == 1 else None


def arith(op: str, a: Any, b: Any) -> Any:
    """+ - * / where either side may be unknown or a Span; division by zero is unknown."""
    if a is None or b is None:
        return None
    (a1, a2), (b1, b2) = _bounds(a), _bounds(b)
    if op == "+":
        return _span(a1 + b1, a2 + b2)
    if op == "-":
        return _span(a1 - b2, a2 - b1)
    if op == "*":
        products = [x * y for x in (a1, a2) for y in (b1, b2)]
        return _span(min(products), max(products))
    if isinstance(a, Span) or isinstance(b, Span):
        return None  # a quotient of spans is rarely a whole-number span: say unknown, never wrong
    try:
        return None if b == 0 else a / b
    except OverflowError:
        return None


def negate(a: Any) -> Any:
    if a is None:
        return None
    if isinstance(a, Span):
        return Span(-a.hi, -a.lo)
    return -a


# ---------------------------------------------------------------- the registry


class Function(NamedTuple):
    name: str
    signature: str  # as the docs and the schema show it
    summary: str  # one line: what it returns
    check: Callable[[TypeChecker, Call], VarType]  # (the type checker, the call) -> the result's type
    build: Callable[[Call, Callable[[Node], Fn]], Fn]  # (the call, compile_node) -> closure
    python: Callable[[Any, Call], tuple[str, bool]]  # (compiled._Expr, the call) -> (source, may be None)
    # (the call, True/False/None, must_know) -> the questions always answered when the call comes
    # out so (None: has a value at all); see conditions/knowing.py
    needs: Callable[[Call, bool | None, Needs], frozenset[str]]
    # for a function that may return a Span: (the call, the comparison it is in as a test of its
    # value, True/False, must_know) -> what the comparison needs from the call's arguments
    needs_compared: Callable[[Call, Callable[[Any], bool | None], bool, Needs], frozenset[str]] | None = None
    spans: bool = False  # may return a Span (compiled code then uses the span-aware helpers)
    dated: bool = False  # its value depends on the day (`today`): rule examples should pin one


def _vt(kind: Kind, choices: tuple[str, ...] = ()) -> VarType:
    from clientcheck.conditions import VarType

    return VarType(kind, choices)


def question_of(call: Call) -> str:
    """The question a known()/count(multi) call names (the type checker made sure it is one)."""
    from clientcheck.conditions import Name

    arg = call.args[0]
    assert isinstance(arg, Name)
    return arg.name


def rule_of(call: Call) -> str:
    """The rule id a fired() call names (the type checker made sure it is a quoted string)."""
    value = getattr(call.args[0], "value", None)
    assert isinstance(value, str)
    return value


def _no_needs(call: Call, want: bool | None, must_know: Needs) -> frozenset[str]:
    return frozenset()


def _arity(checker: TypeChecker, call: Call, n: int) -> None:
    from clientcheck.conditions import ConditionError
    from clientcheck.i18n import say

    if len(call.args) != n:
        key = "fn.arity.0" if n == 0 else "fn.arity.1" if n == 1 else "fn.arity.n"
        raise ConditionError(say(key, name=call.name, n=n, got=len(call.args)), call.pos)


def _question_arg(checker: TypeChecker, call: Call, what: str) -> VarType:
    from clientcheck.conditions import ConditionError, Name
    from clientcheck.i18n import say

    _arity(checker, call, 1)
    arg = call.args[0]
    if not isinstance(arg, Name):
        raise ConditionError(say("fn.question_arg", name=call.name, what=say(what)), arg.pos)
    return checker.kind(arg)


# known(q)


def _check_known(checker: TypeChecker, call: Call) -> VarType:
    _question_arg(checker, call, "cfg.what.question_id")
    return _vt("bool")


def _build_known(call: Call, compile_node: Callable[[Node], Fn]) -> Fn:
    name = question_of(call)

    def known(env: Env) -> Any:
        if name in env:
            return True
        if RANGE in env and name not in env[NEVER]:
            return None  # not answered yet, and it still can be
        return False

    return known


def _py_known(ex: Any, call: Call) -> tuple[str, bool]:
    code, _ = ex(call.args[0])
    ex.uses_known.add(question_of(call))
    return f"({code} is not None)", False


def _needs_known(call: Call, want: bool | None, must_know: Needs) -> frozenset[str]:
    # true only when the question is answered; false and "has a value" need nothing
    return frozenset((question_of(call),)) if want is True else frozenset()


# count(a, b, ...) and count(multi)


def _check_count(checker: TypeChecker, call: Call) -> VarType:
    from clientcheck.conditions import ConditionError, Name
    from clientcheck.i18n import say

    if not call.args:
        raise ConditionError(say("fn.count_needs"), call.pos)
    if len(call.args) == 1 and isinstance(call.args[0], Name):
        vt = checker.kind(call.args[0])
        if vt.kind == "multi":
            return _vt("number")
    for arg in call.args:
        checker.want_bool(arg, "count()")
    return _vt("number")


def _build_count(call: Call, compile_node: Callable[[Node], Fn]) -> Fn:
    if call.multi:
        inner = compile_node(call.args[0])

        unknown = Span(0, call.multi)  # not answered yet: anywhere from none to every choice

        def ticked(env: Env) -> Any:
            v = inner(env)
            return unknown if v is None else len(v)

        return ticked
    fns = tuple(compile_node(a) for a in call.args)

    def count(env: Env) -> Any:
        yes = unknown = 0
        for fn in fns:
            v = fn(env)
            if v is True:
                yes += 1
            elif v is None:
                unknown += 1
        return Span(yes, yes + unknown) if unknown else yes

    return count


def _py_count(ex: Any, call: Call) -> tuple[str, bool]:
    if call.multi:
        code, _ = ex(call.args[0])
        first, later = ex.bind(code)
        return f"({ex.src.const(Span(0, call.multi))} if {first} is None else len({later}))", False
    parts = [ex(a)[0] for a in call.args]
    return f"_count(({', '.join(parts)},))", False


def _needs_count_compared(
    call: Call, test: Callable[[Any], bool | None], want: bool, must_know: Needs
) -> frozenset[str]:
    """Which of count's inputs a comparison `count(...) <op> number` needs to come out `want`.

    With an input unknown, count is a Span (_build_count). If no such span can give `want`, every
    input must be known; and if then only "all true" (or "all false") gives it, each input must
    have come out that way.
    """
    if call.multi:
        # the question unknown is the span 0..every choice, nothing narrower
        return frozenset() if test(Span(0, call.multi)) is want else must_know(call.args[0], None)
    n = len(call.args)
    if any(test(Span(y, y + 1)) is want for y in range(n)):
        return frozenset()  # one unknown input (some number of others true) can still give it
    exact = [y for y in range(n + 1) if test(y) is want]
    if exact == [n] or exact == [0]:
        each = exact == [n]
        return frozenset().union(*(must_know(a, each) for a in call.args))
    return frozenset().union(*(must_know(a, True) & must_know(a, False) for a in call.args))


def count_values(values: tuple[Any, ...]) -> Any:
    """count() over already evaluated yes/no values, for the compiled scorer."""
    yes = sum(1 for v in values if v is True)
    unknown = sum(1 for v in values if v is None)
    return Span(yes, yes + unknown) if unknown else yes


# today, days_since(q), days_until(q)


def _check_today(checker: TypeChecker, call: Call) -> VarType:
    _arity(checker, call, 0)
    return _vt("date")


def _build_today(call: Call, compile_node: Callable[[Node], Fn]) -> Fn:
    return lambda env: env.get(TODAY) or today()


def _py_today(ex: Any, call: Call) -> tuple[str, bool]:
    return "today", False


def _check_days(checker: TypeChecker, call: Call) -> VarType:
    from clientcheck.conditions import ConditionError
    from clientcheck.i18n import say

    _arity(checker, call, 1)
    vt = checker.kind(call.args[0])
    if vt.kind != "date":
        raise ConditionError(
            say("fn.needs_date", name=call.name, desc=checker.describe(call.args[0], vt)), call.args[0].pos
        )
    return _vt("number")


def _build_days(call: Call, compile_node: Callable[[Node], Fn]) -> Fn:
    inner = compile_node(call.args[0])
    since = call.name == "days_since"

    def days(env: Env) -> Any:
        v = inner(env)
        if v is None:
            return None
        now = env.get(TODAY) or today()
        return (now - v).days if since else (v - now).days

    return days


def _py_days(ex: Any, call: Call) -> tuple[str, bool]:
    code, maybe = ex(call.args[0])
    first, later = ex.bind(code) if maybe else (code, code)
    diff = f"(today - {later}).days" if call.name == "days_since" else f"({later} - today).days"
    return (f"(None if {first} is None else {diff})", True) if maybe else (diff, False)


def _needs_days(call: Call, want: bool | None, must_know: Needs) -> frozenset[str]:
    return must_know(call.args[0], None)  # no date, no number of days


# fired("rule-id")


def _check_fired(checker: TypeChecker, call: Call) -> VarType:
    from clientcheck.conditions import ConditionError, Lit, suggest
    from clientcheck.i18n import say

    _arity(checker, call, 1)
    arg = call.args[0]
    if not isinstance(arg, Lit) or not isinstance(arg.value, str):
        raise ConditionError(say("fn.fired_arg"), arg.pos)
    rules = checker.rules
    if rules is not None and arg.value not in rules:
        raise ConditionError(say("fn.unknown_rule", id=arg.value, hint=suggest(arg.value, rules)), arg.pos)
    checker.refs.append(arg.value)
    return _vt("bool")


def _build_fired(call: Call, compile_node: Callable[[Node], Fn]) -> Fn:
    rule_id = rule_of(call)

    def fired(env: Env) -> Any:
        outcomes = env.get(FIRED)
        return None if outcomes is None else outcomes.get(rule_id)

    return fired


def _py_fired(ex: Any, call: Call) -> tuple[str, bool]:
    return ex.rule_state(rule_of(call)), True


FUNCTIONS: dict[str, Function] = {
    f.name: f
    for f in (
        Function(
            "known",
            "known(question)",
            "true when the question is answered; false when it is 'don't know' or not asked (never undecided)",
            _check_known,
            _build_known,
            _py_known,
            _needs_known,
        ),
        Function(
            "count",
            "count(test, test, ...) or count(multi_question)",
            "how many of the yes/no tests are true, or how many choices are ticked",
            _check_count,
            _build_count,
            _py_count,
            _no_needs,  # never unknown: a count with unknown tests is a span
            _needs_count_compared,
            spans=True,
        ),
        Function(
            "today",
            "today",
            "today's date (CLIENTCHECK_TODAY=YYYY-MM-DD fixes it)",
            _check_today,
            _build_today,
            _py_today,
            _no_needs,
            dated=True,
        ),
        Function(
            "days_since",
            "days_since(date)",
            "whole days from the date to today (negative for a future date)",
            _check_days,
            _build_days,
            _py_days,
            _needs_days,
            dated=True,
        ),
        Function(
            "days_until",
            "days_until(date)",
            "whole days from today to the date (negative for a past date)",
            _check_days,
            _build_days,
            _py_days,
            _needs_days,
            dated=True,
        ),
        Function(
            "fired",
            'fired("rule-id")',
            "another rule's outcome: true when it fired, false when it did not, undecided while it is",
            _check_fired,
            _build_fired,
            _py_fired,
            _no_needs,  # another rule's answers: not this condition's to say
        ),
    )
}
BARE = frozenset({"today"})  # functions written without brackets
