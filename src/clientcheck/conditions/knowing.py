"""Which answers a condition must have read to come out a given way.

`must_know(node, want)` is the set of question ids that are answered (present in the
environment) whenever `node` evaluates to `want` — True or False for a yes/no node, None for
"has a value at all" (any node). It follows evaluation.py's closures rule by rule: a comparison
or arithmetic with an unknown side is unknown; `and` is true only when every operand is, false
when one is; `not` swaps true and false; a function says its own part in its registry entry
(functions.Function.needs), and `count` compared with a number says which of its tests must be
known for the comparison to be decided (functions.Function.needs_compared).

It is a safe under-estimate: a name in the set is always answered when the node comes out so,
but a name may be left out (then a placeholder asks for a fallback it did not need, never the
reverse). tests/test_engine_properties.py checks it against the evaluator on random catalogs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from clientcheck.conditions.evaluation import COMPARISONS
from clientcheck.conditions.syntax import Arith, BoolOp, Call, Compare, ListLit, Lit, Name, Neg, Node, Not

Want = bool | None  # True, False: the node comes out so; None: it has a value (known at all)

_NONE: frozenset[str] = frozenset()
_MIRROR = {"==": "==", "!=": "!=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}


def must_know(node: Node, want: Want) -> frozenset[str]:
    """Question ids always answered when `node` evaluates to `want` (see the module's docstring)."""
    if isinstance(node, Name):
        return frozenset((node.name,))
    if isinstance(node, (Lit, ListLit)):
        return _NONE
    if want is None and isinstance(node, (Not, BoolOp)):
        # a yes/no node has a value when it is true or when it is false
        return must_know(node, True) & must_know(node, False)
    if isinstance(node, Not):
        return must_know(node.operand, None if want is None else not want)
    if isinstance(node, BoolOp):
        parts = [must_know(o, want) for o in node.operands]
        # `and` is true only when every operand is, false when any one is (`or` the other way)
        if (node.op == "and") == want:
            return frozenset().union(*parts)
        return frozenset.intersection(*parts)
    if isinstance(node, Neg):
        return must_know(node.operand, None)
    if isinstance(node, Arith):
        return must_know(node.left, None) | must_know(node.right, None)
    if isinstance(node, Compare):
        both = must_know(node.left, None) | must_know(node.right, None)
        if want is None:
            return both | (_counted(node, True) & _counted(node, False))
        return both | _counted(node, want)
    if isinstance(node, Call):
        from clientcheck.functions import FUNCTIONS

        return FUNCTIONS[node.name].needs(node, want, must_know)
    raise AssertionError(node)  # pragma: no cover


def _counted(node: Compare, want: bool) -> frozenset[str]:
    """What a comparison of a span-valued function (count) with a number needs to come out `want`."""
    from clientcheck.functions import FUNCTIONS, compare

    if node.op not in _MIRROR:
        return _NONE
    for call, other, symbol in ((node.left, node.right, node.op), (node.right, node.left, _MIRROR[node.op])):
        if not isinstance(call, Call) or not isinstance(other, Lit):
            continue
        hook = FUNCTIONS[call.name].needs_compared
        if hook is None or isinstance(other.value, (bool, str)):
            continue
        cmp, bound = COMPARISONS[symbol], other.value

        def test(value: Any, cmp: Callable[[Any, Any], bool] = cmp, bound: Any = bound) -> bool | None:
            return compare(cmp, value, bound)

        return hook(call, test, want, must_know)
    return _NONE
