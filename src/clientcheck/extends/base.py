"""What rules and questions extending share: copying YAML trees with their marks, and where an
`extends:` may lead (never outside the folder of the file that says it)."""

from __future__ import annotations

import errno
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, Protocol

from clientcheck.conditions import ConditionError, suggest, tokenize
from clientcheck.errors import ClientcheckError, Mark
from clientcheck.files import read_text
from clientcheck.i18n import say
from clientcheck.yamlsrc import YList, YMap, parse_document

BUILTIN = "builtin"
MAX_CHAIN = 4  # a file that extends a file that extends ... ; deeper chains are refused
MAX_QUESTION_FILES = 200


class Reporter(Protocol):
    problems: list[ClientcheckError]

    def err(self, message: str, mark: Mark | None) -> None: ...

    def fields(self, m: Any, where: Mark, what: str, required: Iterable[str], optional: Iterable[str]) -> bool: ...


# ---------------------------------------------------------------- copying trees with their marks


def copy_map(m: YMap) -> YMap:
    out = YMap(m)
    out.mark, out.key_marks, out.value_marks, out.raw = m.mark, dict(m.key_marks), dict(m.value_marks), dict(m.raw)
    return out


def copy_list(items: YList, keep: Callable[[int, Any], bool] = lambda i, v: True) -> YList:
    out = YList()
    out.mark, out.item_marks, out.raw = items.mark, [], {}
    for i, value in enumerate(items):
        if keep(i, value):
            if i in items.raw:
                out.raw[len(out)] = items.raw[i]
            out.append(value)
            out.item_marks.append(items.at(i))
    return out


def new_list(mark: Mark) -> YList:
    out = YList()
    out.mark, out.item_marks, out.raw = mark, [], {}
    return out


def append(target: YList, source: YList, index: int) -> None:
    if index in source.raw:
        target.raw[len(target)] = source.raw[index]
    target.append(source[index])
    target.item_marks.append(source.at(index))


def put(target: YMap, key: str, source: YMap) -> None:
    """target[key] = source[key], with the key's and the value's marks from source."""
    target[key] = source[key]
    target.key_marks[key] = source.key_at(key)
    target.value_marks[key] = source.at(key)
    if key in source.raw:
        target.raw[key] = source.raw[key]
    else:
        target.raw.pop(key, None)


def drop_keys(m: YMap, keys: Iterable[str]) -> None:
    for key in keys:
        m.pop(key, None)
        m.key_marks.pop(key, None)
        m.value_marks.pop(key, None)
        m.raw.pop(key, None)


def condition_names(source: Any) -> set[str]:
    """The names a condition mentions (empty if it is not a condition; the loader reports that)."""
    if not isinstance(source, str):
        return set()
    try:
        return {t.text for t in tokenize(source) if t.kind == "name"}
    except ConditionError:
        return set()


def _conditions_of(item: YMap) -> set[str]:
    names = condition_names(item.get("when"))
    levels = item.get("levels")
    if isinstance(levels, YList):
        for level in levels:
            if isinstance(level, YMap):
                names |= condition_names(level.get("when"))
    return names


def _ids(items: Any) -> dict[str, int]:
    if not isinstance(items, YList):
        return {}
    return {item["id"]: i for i, item in enumerate(items) if isinstance(item, YMap) and isinstance(item.get("id"), str)}


# ---------------------------------------------------------------- where the extended file is


def resolve_base(value: Any, mark: Mark, home: Path, builtin: Path, what: str, c: Reporter) -> Path | None:
    """The file or folder an `extends:` value names, or None (reported) if it may not be read."""
    home_display = str(home) if str(home) not in ("", ".") else say("ext.this_folder")
    if value == BUILTIN:
        return builtin
    what = say(what)
    if not isinstance(value, str) or not value.strip():
        c.err(say("ext.value", what=what, value=value, hint=suggest(str(value), [BUILTIN])), mark)
        return None
    normal = os.path.normpath(value)
    if os.path.isabs(value) or value.startswith("~") or normal == ".." or normal.startswith(".." + os.sep):
        c.err(say("ext.outside", value=value, home=home_display, what=what), mark)
        return None
    target = home / normal
    try:
        os.stat(target)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            c.err(say("ext.link_loop", value=value), mark)
            return None
        return target  # missing: reading it says so
    # A symbolic link may point anywhere: where it really leads must be inside the folder too,
    # checked before the file is read, so nothing of an outside file reaches a message.
    real, real_home = os.path.realpath(target), os.path.realpath(home)
    if os.path.commonpath([real, real_home]) != real_home:
        c.err(say("ext.outside_link", value=value, home=home_display, what=what), mark)
        return None
    return target


def _unwrap_chain(path: Path, seen: tuple[Path, ...], mark: Mark, c: Reporter) -> bool:
    """Refuse cycles and overlong chains; True when path may be read."""
    real = path.resolve()
    if real in seen:
        c.err(say("ext.cycle", path=path), mark)
        return False
    if len(seen) > MAX_CHAIN:
        c.err(say("ext.chain", max=MAX_CHAIN), mark)
        return False
    return True


def _read(path: Path, display: str, c: Reporter, digest: Any) -> Any:
    try:
        text = read_text(path, display)
        tree = parse_document(text, display)
    except ClientcheckError as exc:
        c.problems.append(exc)
        return None
    digest.update(b"base\0" + display.encode() + b"\0" + text.encode("utf-8"))
    return tree
