"""Safe YAML with line marks.

We build the tree from PyYAML's event stream ourselves instead of calling a loader:
that way no Python object can be constructed from a tag, anchors/aliases (the billion
laughs) are refused before they expand, nesting depth is bounded without recursion,
duplicate keys are errors instead of silent overwrites, and every key and value keeps
the file:line:col where it was written.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import ScalarNode
from yaml.resolver import Resolver

from clientcheck.errors import Mark
from clientcheck.files import MAX_BYTES, YamlError, read_text
from clientcheck.i18n import say

MAX_DEPTH = 64
# Each value costs a few hundred bytes once it carries its marks: a 1 MB file of `[0,0,0,...]`
# would take a quarter of a gigabyte. The bundled rules.yaml holds under 2,000 values.
MAX_NODES = 25_000
_budget: ContextVar[list[int] | None] = ContextVar("yaml_node_budget", default=None)


@contextmanager
def node_budget(total: int) -> Iterator[None]:
    """Cap the values of every file parsed inside the block together (a folder of many files)."""
    token = _budget.set([total])
    try:
        yield
    finally:
        _budget.reset(token)


_Parser: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_resolver = Resolver()
_constructor = SafeConstructor()
_TAG = "tag:yaml.org,2002:"
_SCALAR_TAGS = {f"{_TAG}{t}" for t in ("str", "int", "float", "bool", "null", "timestamp")}
_YAML11_BOOL = re.compile(r"^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF)$")


class YMap(dict[str, Any]):
    """A mapping that remembers where it, each key and each value stood."""

    mark: Mark
    key_marks: dict[str, Mark]
    value_marks: dict[str, Mark]
    raw: dict[str, str]  # the source text of plain scalar values, to explain YAML 1.1 surprises

    # Hashable by identity: a mapping written where a name belongs (`severity: {a: 1}`) is then
    # simply not found by every `name in known` check, and reported as a wrong value, instead of
    # raising "unhashable type" wherever a name is looked up.
    __hash__ = object.__hash__  # type: ignore[assignment]

    def at(self, key: str) -> Mark:
        return self.value_marks.get(key, self.mark)

    def key_at(self, key: str) -> Mark:
        return self.key_marks.get(key, self.mark)


class YList(list[Any]):
    """A sequence that remembers where it and each item stood."""

    mark: Mark
    item_marks: list[Mark]
    raw: dict[int, str]

    __hash__ = object.__hash__  # type: ignore[assignment]  # see YMap

    def at(self, index: int) -> Mark:
        return self.item_marks[index] if index < len(self.item_marks) else self.mark


@dataclass
class _Frame:
    container: YMap | YList
    pending_key: str | None = None
    pending_key_mark: Mark | None = None
    seen: dict[str, Mark] = field(default_factory=dict)


def _short(tag: str) -> str:
    return "!!" + tag[len(_TAG) :] if tag.startswith(_TAG) else tag


def _mark(name: str, m: Any) -> Mark:
    return Mark(name, m.line + 1, m.column + 1)


def _scalar(event: Any, mark: Mark) -> Any:
    tag = event.tag
    if tag is None or tag == "!":
        tag = _resolver.resolve(ScalarNode, event.value, event.implicit)  # type: ignore[no-untyped-call]
    elif tag not in _SCALAR_TAGS:
        raise YamlError(say("yaml.tag", tag=_short(tag)), mark)
    if tag == f"{_TAG}timestamp":
        return event.value  # dates stay text: we have no date answers, and str is what the user wrote
    node = ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)
    kind = tag.rsplit(":", 1)[-1]
    try:
        return _constructor.construct_object(node, deep=True)
    except (yaml.YAMLError, ValueError, KeyError, TypeError, OverflowError) as exc:
        # an explicit tag on a value that is not one (`!!bool maybe`, `!!int 1.5`), or a number
        # past Python's digit limit: PyYAML lets these escape as KeyError or ValueError
        value = event.value if len(event.value) <= 40 else event.value[:40] + "…"
        if "digits" in str(exc):
            raise YamlError(say("yaml.digits", value=repr(value)), mark) from None
        raise YamlError(say("yaml.bad_value", kind=kind, value=repr(value)), mark) from None


def parse_text(text: str, name: str) -> Any:
    """Parse one YAML document into plain data (YMap / YList / scalars)."""
    if len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        raise YamlError(say("files.too_big", kb=MAX_BYTES // 1000), Mark(name, 1, 1))
    stack: list[_Frame] = []
    root: Any = None
    documents = 0
    nodes = 0
    shared = _budget.get()
    try:
        for event in yaml.parse(text, Loader=_Parser):
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    raise YamlError(say("yaml.documents"), _mark(name, event.start_mark))
                continue
            if isinstance(event, yaml.AliasEvent):
                raise YamlError(say("yaml.alias"), _mark(name, event.start_mark))
            mark = _mark(name, event.start_mark)
            if isinstance(event, (yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                if event.anchor is not None:
                    raise YamlError(say("yaml.anchor", anchor=event.anchor), mark)
                nodes += 1
                if nodes > MAX_NODES:
                    raise YamlError(say("yaml.nodes", max=MAX_NODES), mark)
                if shared is not None:
                    shared[0] -= 1
                    if shared[0] < 0:
                        raise YamlError(say("yaml.nodes_together"), mark)
            value: Any
            if isinstance(event, yaml.ScalarEvent):
                value = _scalar(event, mark)
            elif isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                tag = event.tag
                expected = f"{_TAG}map" if isinstance(event, yaml.MappingStartEvent) else f"{_TAG}seq"
                if tag not in (None, "!", expected):
                    raise YamlError(say("yaml.tag", tag=_short(tag)), mark)
                if len(stack) >= MAX_DEPTH:
                    raise YamlError(say("yaml.depth", max=MAX_DEPTH), mark)
                container: YMap | YList
                if isinstance(event, yaml.MappingStartEvent):
                    container = YMap()
                    container.key_marks, container.value_marks, container.raw = {}, {}, {}
                else:
                    container = YList()
                    container.item_marks, container.raw = [], {}
                container.mark = mark
                _attach(stack, container, mark, None, name)
                stack.append(_Frame(container))
                continue
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                done = stack.pop().container
                if not stack:
                    root = done
                continue
            else:
                continue
            raw = event.value if not event.style else None  # plain scalars only
            if stack:
                _attach(stack, value, mark, raw, name)
            else:
                root = value
    except yaml.MarkedYAMLError as exc:
        where = exc.problem_mark or exc.context_mark
        problem = _problem(exc.problem or exc.context or "")
        raise YamlError(say("yaml.syntax", problem=problem), _mark(name, where) if where else Mark(name, 1)) from None
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow, at a position
        line = text.count("\n", 0, exc.position) + 1 if isinstance(exc.position, int) else 1
        raise YamlError(say("yaml.character", char=repr(chr(exc.character))), Mark(name, line)) from None
    except yaml.YAMLError as exc:
        first = str(exc).splitlines()[0] if str(exc) else ""
        raise YamlError(say("yaml.syntax", problem=_problem(first)), Mark(name, 1)) from None
    except RecursionError:
        raise YamlError(say("yaml.too_deep"), Mark(name, 1)) from None
    return root


# The parser's own problem texts (libyaml's through CSafeLoader, or PyYAML's), each as a message
# key: English says what the parser said, other languages say it in their own words.
_PROBLEMS = (
    ("yaml.p.mapping_values", r"mapping values are not allowed (?:here|in this context)"),
    ("yaml.p.sequence_entries", r"(?:block )?sequence entries are not allowed (?:here|in this context)"),
    ("yaml.p.mapping_keys", r"mapping keys are not allowed (?:here|in this context)"),
    ("yaml.p.no_colon", r"could not find expected ':'"),
    ("yaml.p.key", r"did not find expected key"),
    ("yaml.p.bad_start", r"found character .*that cannot start any token"),
    ("yaml.p.end", r"found unexpected end of stream"),
    ("yaml.p.separator", r"found unexpected document (?:indicator|separator)"),
    ("yaml.p.escape", r"found unknown escape character.*"),
    ("yaml.p.tag_handle", r"found undefined tag handle.*"),
    ("yaml.p.indentation", r"invalid indentation or unclosed '\[' or '\{'"),
    ("yaml.p.block_end", r"expected <block end>, but found .*"),
    ("yaml.p.flow_mapping", r"(?:did not find expected|expected) ',' or '\}'.*"),
    ("yaml.p.flow_sequence", r"(?:did not find expected|expected) ',' or '\]'.*"),
    ("yaml.p.dash", r"did not find expected '-' indicator"),
    ("yaml.p.node", r"(?:did not find expected node content|expected the node content, but found .*)"),
    ("yaml.p.document_start", r"(?:did not find )?expected '?<document start>'?.*"),
    ("yaml.p.line_end", r"(?:did not find expected|expected a) comment or (?:a )?line break.*"),
    ("yaml.p.space", r"(?:did not find expected whitespace(?: or line break)?|expected ' ', but found .*)"),
    (
        "yaml.p.alnum",
        r"(?:(?:did not find expected|expected) alphabetic or numeric character.*|found unexpected non-alphabetical character)",
    ),
    ("yaml.p.block_scalar", r"expected chomping or indentation indicators, but found .*"),
    (
        "yaml.p.indent_range",
        r"(?:found an indentation indicator equal to 0|expected indentation indicator in the range 1-9.*)",
    ),
    ("yaml.p.tab", r"found a tab character (?:that violates indentation|where an indentation space is expected)"),
    ("yaml.p.control", r"control characters are not allowed"),
    ("yaml.p.incompatible", r"found incompatible YAML document.*"),
    ("yaml.p.colon", r"found unexpected ':'"),
)


def _problem(text: str) -> str:
    """The parser's problem as a sentence of the run's language."""
    for key, pattern in _PROBLEMS:
        if re.fullmatch(pattern, text):
            return say(key, problem=text)
    return say("yaml.p.other", problem=text) if text else say("yaml.p.invalid")


def _attach(stack: list[_Frame], value: Any, mark: Mark, raw: str | None, name: str) -> None:
    if not stack:
        return
    frame = stack[-1]
    target = frame.container
    if isinstance(target, YList):
        target.append(value)
        target.item_marks.append(mark)
        if raw is not None:
            target.raw[len(target) - 1] = raw
        return
    if frame.pending_key is None and frame.pending_key_mark is None:
        if isinstance(value, (YMap, YList)):
            raise YamlError(say("yaml.key_container"), mark)
        if not isinstance(value, str):
            hint = ""
            if raw is not None and _YAML11_BOOL.match(raw):
                hint = say("yaml.key_bool_hint", raw=raw, value=repr(value))
            raise YamlError(say("yaml.key_type", key=raw if raw is not None else value, hint=hint), mark)
        if value in frame.seen:
            raise YamlError(say("yaml.duplicate_key", key=repr(value), line=frame.seen[value].line), mark)
        frame.seen[value] = mark
        frame.pending_key, frame.pending_key_mark = value, mark
        return
    key = frame.pending_key
    assert key is not None and frame.pending_key_mark is not None
    target[key] = value
    target.key_marks[key] = frame.pending_key_mark
    target.value_marks[key] = mark
    if raw is not None:
        target.raw[key] = raw
    frame.pending_key, frame.pending_key_mark = None, None


def parse_document(text: str, name: str) -> Any:
    """parse_text for a rules or questions file, where an empty document is a mistake."""
    tree = parse_text(text, name)
    if tree is None:
        raise YamlError(say("yaml.empty"), Mark(name, 1))
    return tree


def load_file(path: Path, display: str | None = None) -> Any:
    return parse_text(read_text(path, display), display or str(path))
