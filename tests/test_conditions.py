from __future__ import annotations

from typing import Any

import pytest

from clientcheck.conditions import MAX_DEPTH, ConditionError, VarType, compile_condition

TYPES = {
    "late_payments": VarType("number"),
    "contract": VarType("bool"),
    "advance": VarType("choice", ("none", "partial", "full")),
    "stage": VarType("choice", ("new", "established")),
    "asks": VarType("multi", ("free_sample", "free_work")),
    "cost": VarType("number"),
    "revenue": VarType("number"),
    "notes": VarType("text"),
}


def error(source: str) -> tuple[int, str]:
    with pytest.raises(ConditionError) as info:
        compile_condition(source, TYPES)
    return info.value.offset, info.value.message


def run(source: str, env: dict[str, Any]) -> bool | None:
    return compile_condition(source, TYPES)(env)


@pytest.mark.parametrize(
    ("source", "env", "expected"),
    [
        ("late_payments >= 3", {"late_payments": 3}, True),
        ("late_payments >= 3", {"late_payments": 2}, False),
        ('advance == "none" and not contract', {"advance": "none", "contract": False}, True),
        ('advance == "none" and not contract', {"advance": "partial", "contract": False}, False),
        ("cost > revenue", {"cost": 10, "revenue": 5}, True),
        ('"free_sample" in asks', {"asks": frozenset({"free_sample"})}, True),
        ('"free_sample" not in asks', {"asks": frozenset()}, True),
        ('advance in ["none", "partial"]', {"advance": "partial"}, True),
        ('advance not in ["none", "partial"]', {"advance": "full"}, True),
        ("cost / revenue > 1.5", {"cost": 4, "revenue": 2}, True),
        ("cost - revenue * 2 > 0", {"cost": 5, "revenue": 2}, True),  # * binds tighter than -
        ("-cost < 0", {"cost": 1}, True),
        ("not (contract or late_payments > 0)", {"contract": False, "late_payments": 0}, True),
        ("contract == true", {"contract": True}, True),
        ('notes == "vip"', {"notes": "vip"}, True),
        ('stage != "new" or true', {}, True),  # <unknown> or true is true
    ],
)
def test_evaluates(source: str, env: dict[str, Any], expected: bool) -> None:
    assert run(source, env) is expected


@pytest.mark.parametrize(
    ("source", "env", "expected"),
    [
        # three-valued logic: unknown is not false
        ("late_payments >= 3", {}, None),
        ("not contract", {}, None),
        ("contract and late_payments > 1", {"contract": True}, None),
        ("contract and late_payments > 1", {"contract": False}, False),
        ("contract or late_payments > 1", {"contract": True}, True),
        ("contract or late_payments > 1", {"contract": False}, None),
        ('"free_sample" in asks', {}, None),
        ("cost / revenue > 1", {"cost": 1, "revenue": 0}, None),  # no answer from a division by zero
    ],
)
def test_unknown_answers_make_conditions_undecided(source: str, env: dict[str, Any], expected: bool | None) -> None:
    assert run(source, env) is expected


def test_names_are_the_questions_read_in_order() -> None:
    cond = compile_condition('contract and (late_payments > 1 or advance == "none") and late_payments < 9', TYPES)
    assert cond.names == ("contract", "late_payments", "advance")


@pytest.mark.parametrize(
    ("source", "offset", "message"),
    [
        ("contract and late_paymnts > 2", 13, "unknown question 'late_paymnts'; did you mean 'late_payments'?"),
        ("contract or late_paymnts > 2", 12, "unknown question 'late_paymnts'; did you mean 'late_payments'?"),
        ("false and zzz", 10, "unknown question 'zzz'"),
        (
            'advance == "nonee"',
            11,
            "'nonee' is not a choice of 'advance' (choices: none, partial, full); did you mean 'none'?",
        ),
        (
            '"free_smaple" in asks',
            0,
            "'free_smaple' is not a choice of 'asks' (choices: free_sample, free_work); did you mean 'free_sample'?",
        ),
        (
            'advance in ["none", "parial"]',
            20,
            "'parial' is not a choice of 'advance' (choices: none, partial, full); did you mean 'partial'?",
        ),
        (
            "late_payments",
            0,
            "a condition needs a yes/no value, but 'late_payments' is a number (compare it, e.g. '> 0')",
        ),
        ('late_payments > "3"', 16, "'>' compares numbers, but '3' is text"),
        ("contract == 1", 9, "cannot compare with '==': 'contract' is a yes/no value and 1 is a number"),
        ('asks == "free_work"', 0, "'asks' is a multiple choice; test it with '\"choice_id\" in asks'"),
        ("contract and 3", 13, "'and' needs a yes/no value, but 3 is a number"),
        ("stage == advance", 6, "these two questions have different choices and can never be equal"),
        ("late_payments in asks", 0, "the left side of 'in' a multiple choice must be a quoted choice id"),
        (
            "contract in [1, 2]",
            0,
            "'in' [...] needs a choice, text or number of the list's kind on the left, but 'contract' is a yes/no value",
        ),
        (
            "late_payments in contract",
            17,
            "'in' needs a multiple-choice question or a [list] on the right, but 'contract' is a yes/no value",
        ),
    ],
)
def test_type_errors_are_found_at_load_on_every_branch(source: str, offset: int, message: str) -> None:
    assert error(source) == (offset, message)


@pytest.mark.parametrize(
    ("source", "offset", "message"),
    [
        ("", 0, "empty condition"),
        ("contract and", 12, "expected a value, found the end of the condition"),
        ("(contract", 9, "expected ')' to close '(', found the end of the condition"),
        ("contract contract", 9, "unexpected 'contract'; expected 'and', 'or' or the end"),
        (
            'open("/etc/passwd")',
            0,
            "unknown function 'open' (functions: count, days_since, days_until, fired, known, today)",
        ),
        ("contract.__class__", 8, "attribute access (.) is not allowed"),
        ("cost ** 99999999", 5, "exponentiation (**) is not allowed"),
        ("asks[0]", 4, "indexing ([...] after a value) is not allowed"),
        ("contract = true", 9, "use == to compare"),
        ("contract && true", 9, "use 'and' instead of &&"),
        ("True", 0, "'True' is not a keyword here; write 'true'"),
        (
            "cost > None",
            7,
            "'None' is not a keyword here; there is no null: an unknown answer makes the condition undecided",
        ),
        ('notes == "abc', 9, "unterminated string (strings take no backslashes or line breaks)"),
        ("cost > 3 $", 9, "unexpected character '$'"),
        ("advance in []", 11, "empty list"),
        ("x" * 501, 500, "condition is longer than 500 characters"),
        ("not " * (MAX_DEPTH + 1) + "contract", 4 * MAX_DEPTH, f"condition is nested deeper than {MAX_DEPTH} levels"),
        ("(" * 40 + "contract" + ")" * 40, MAX_DEPTH, f"condition is nested deeper than {MAX_DEPTH} levels"),
    ],
)
def test_syntax_errors_and_refused_constructs(source: str, offset: int, message: str) -> None:
    assert error(source) == (offset, message)


def test_rule_text_is_never_evaluated_as_python() -> None:
    # __import__ is just an unknown name to this language, never something to call
    assert error("__import__ == 1") == (0, "unknown question '__import__'")
