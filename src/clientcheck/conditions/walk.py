"""The one walker of condition trees: a node's children, the whole tree, the questions it reads.

Every module that takes a checked tree apart (the engine, explain, lint, placeholders, the
compiled scorer, the SQL generator) walks it with these, so a new kind of node is taught here once.
"""

from __future__ import annotations

from collections.abc import Iterator

from clientcheck.conditions.syntax import Arith, BoolOp, Call, Compare, Name, Neg, Node, Not


def children(node: Node) -> tuple[Node, ...]:
    """The node's direct sub-expressions, left to right (a list's items are literals, not children)."""
    if isinstance(node, (Not, Neg)):
        return (node.operand,)
    if isinstance(node, BoolOp):
        return node.operands
    if isinstance(node, (Compare, Arith)):
        return (node.left, node.right)
    if isinstance(node, Call):
        return node.args
    return ()


def walk(node: Node) -> Iterator[Node]:
    """Every node of the tree, the node itself first, then its children left to right (pre-order).

    Iterative: a chain of arithmetic is as deep as it is long, and the language allows 500 characters.
    """
    stack = [node]
    while stack:
        n = stack.pop()
        yield n
        stack.extend(reversed(children(n)))


def names_read(node: Node) -> tuple[str, ...]:
    """The question ids the tree reads, each once, in the order they are written."""
    return tuple(dict.fromkeys(n.name for n in walk(node) if isinstance(n, Name)))


def has_spans(node: Node) -> bool:
    """Can this node's value, or a side of it, be a Span (a count with unknowns)?"""
    if isinstance(node, Call):
        return node.name == "count"
    if isinstance(node, (Arith, Compare)):
        return has_spans(node.left) or has_spans(node.right)
    if isinstance(node, Neg):
        return has_spans(node.operand)
    return False
