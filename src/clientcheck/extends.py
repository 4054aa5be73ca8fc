"""Extending without copying: `extends:`, `disable:` and `override:` in rules and questions files.

The merge happens on the YAML trees, before the loader validates anything: the extended
file's tree is copied, the extending file's overrides are written into the copy *with their
own marks*, and the loader then checks the merged tree as if it had been written in one piece.
So a bad value in an override is reported at the line of the user's file that says it, and
everything inherited keeps pointing at the file it came from.

A path in `extends` is relative to the folder that holds the rules file (for questions: the
folder that holds the questions folder) and may not leave it: a rules file received from
someone else must not be able to make clientcheck read files elsewhere on the machine.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from clientcheck.conditions import ConditionError, suggest, tokenize
from clientcheck.errors import ClientcheckError, Mark
from clientcheck.files import note, read_text
from clientcheck.i18n import say
from clientcheck.schema import OBJECTS, extension
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


# ---------------------------------------------------------------- rules


@dataclass
class RulesContext:
    display: Callable[[Path], str]
    builtin: Path
    digest: Any
    disabled_questions: dict[str, Mark] = field(default_factory=dict)


def merge_rules(tree: Any, path: Path, c: Reporter, ctx: RulesContext, seen: tuple[Path, ...] = ()) -> Any:
    """The rules tree to validate: tree itself, or the extended tree with tree's changes applied."""
    if not isinstance(tree, YMap):
        return tree
    if "extends" not in tree:
        present = [k for k in extension("rules_file") if k in tree]
        for key in present:
            c.err(say("ext.needs_extends", key=key), tree.key_at(key))
        drop_keys(tree, present)
        return tree
    names = [f.name for f in OBJECTS["rules_file"]]
    c.fields(
        tree,
        tree.mark,
        say("cfg.what.rules_file_extending"),
        ("version", "extends"),
        [n for n in names if n not in ("version", "extends")],
    )
    seen = (*seen, path.resolve())
    base_path = resolve_base(tree["extends"], tree.at("extends"), path.parent, ctx.builtin, "ext.what.rules_file", c)
    if base_path is None or not _unwrap_chain(base_path, seen, tree.at("extends"), c):
        return None
    base = _read(base_path, ctx.display(base_path), c, ctx.digest)
    base = merge_rules(base, base_path, c, ctx, seen)
    if not isinstance(base, YMap):
        if base is not None:
            c.err(say("ext.rules_mapping"), Mark(ctx.display(base_path), 1, 1))
        return None
    merged = copy_map(base)
    for key in ("version", "extends"):
        if key in tree:
            put(merged, key, tree)
    drop_keys(merged, ["extends"])
    if "sources" in tree:
        _merge_mapping(merged, tree, "sources", c)
    if "history" in tree:
        _merge_mapping(merged, tree, "history", c)
    if "policy" in tree:
        _merge_policy(merged, tree, c)
    rules = merged.get("rules")
    if isinstance(rules, YList):
        rules = _apply_rule_changes(rules, tree, c, ctx)
        added = tree.get("rules")
        if added is not None and not isinstance(added, YList):
            c.err(say("cfg.rules_list"), tree.at("rules"))
        elif isinstance(added, YList):
            for i in range(len(added)):
                append(rules, added, i)
        merged["rules"] = rules
    return merged


def _merge_mapping(merged: YMap, tree: YMap, key: str, c: Reporter) -> None:
    mine, theirs = tree[key], merged.get(key)
    if not isinstance(mine, YMap):
        c.err(say("ext.mapping", key=key), tree.at(key))
        return
    if not isinstance(theirs, YMap):
        put(merged, key, tree)
        return
    out = copy_map(theirs)
    for name in mine:
        put(out, name, mine)
    merged[key] = out


def _merge_policy(merged: YMap, tree: YMap, c: Reporter) -> None:
    patch = tree["policy"]
    if not c.fields(patch, tree.at("policy"), say("cfg.what.policy"), (), [f.name for f in OBJECTS["policy"]]):
        return
    base = merged.get("policy")
    if not isinstance(base, YMap):
        put(merged, "policy", tree)
        return
    out = copy_map(base)
    for key in patch:
        if key not in {f.name for f in OBJECTS["policy"]}:
            continue
        if key == "severities":
            _merge_mapping(out, patch, "severities", c)
        else:
            put(out, key, patch)
    merged["policy"] = out


def _apply_rule_changes(rules: YList, tree: YMap, c: Reporter, ctx: RulesContext) -> YList:
    ids = _ids(rules)
    disabled: set[int] = set()
    raw_disable = tree.get("disable")
    if raw_disable is not None and not isinstance(raw_disable, YList):
        c.err(say("ext.disable_rules"), tree.at("disable"))
    elif isinstance(raw_disable, YList):
        for i, rid in enumerate(raw_disable):
            if rid not in ids:
                c.err(say("ext.no_rule_disable", id=rid, hint=suggest(str(rid), list(ids))), raw_disable.at(i))
            else:
                disabled.add(ids[rid])
    out = copy_list(rules)
    # inherited examples cannot use questions the user's questions folder disabled
    for i, rule in enumerate(out):
        if isinstance(rule, YMap) and ctx.disabled_questions:
            out[i] = _strip_answers(rule, ctx.disabled_questions)
    overrides = tree.get("override")
    if overrides is not None and not isinstance(overrides, YMap):
        c.err(say("ext.override_rules"), tree.at("override"))
    elif isinstance(overrides, YMap):
        allowed = [f.name for f in OBJECTS["rule_override"]]
        for rid, patch in overrides.items():
            if rid not in ids:
                c.err(say("ext.no_rule_override", id=rid, hint=suggest(rid, list(ids))), overrides.key_at(rid))
                continue
            if ids[rid] in disabled:
                c.err(say("ext.override_disabled", id=rid), overrides.key_at(rid))
                continue
            if not c.fields(patch, overrides.at(rid), say("cfg.what.override", id=rid), (), allowed):
                continue
            out[ids[rid]] = _override_rule(out[ids[rid]], rid, patch, c)
    return copy_list(out, lambda i, v: i not in disabled)


def _strip_answers(rule: YMap, disabled: dict[str, Mark]) -> YMap:
    examples = rule.get("examples")
    if not isinstance(examples, YList):
        return rule
    rule = copy_map(rule)
    new = copy_list(examples)
    for i, ex in enumerate(new):
        if isinstance(ex, YMap) and isinstance(ex.get("answers"), YMap):
            answers = ex["answers"]
            if any(q in answers for q in disabled):
                kept = copy_map(answers)
                drop_keys(kept, [q for q in disabled if q in kept])
                ex = copy_map(ex)
                ex["answers"] = kept
                new[i] = ex
    rule["examples"] = new
    return rule


def _override_rule(rule: YMap, rid: str, patch: YMap, c: Reporter) -> YMap:
    out = copy_map(rule)
    new_condition = "when" in patch
    new_severity = "severity" in patch
    allowed = {f.name for f in OBJECTS["rule_override"]}
    for key in patch:
        if key == "examples" or key not in allowed:
            continue
        if key != "levels":
            put(out, key, patch)
            continue
        levels, changes = rule.get("levels"), patch["levels"]
        if not isinstance(levels, YList):
            c.err(say("ext.no_levels", id=rid), patch.key_at("levels"))
            continue
        if not isinstance(changes, YList) or len(changes) != len(levels):
            c.err(say("ext.levels_count", id=rid, n=len(levels)), patch.at("levels"))
            continue
        new_levels = copy_list(levels)
        allowed_level = [f.name for f in OBJECTS["level_override"]]
        for i, change in enumerate(changes):
            if not c.fields(change, changes.at(i), say("cfg.what.level_override"), (), allowed_level):
                continue
            if not isinstance(levels[i], YMap):
                continue
            level = copy_map(levels[i])
            for name in change:
                if name in allowed_level:
                    put(level, name, change)
            new_condition = new_condition or "when" in change
            new_severity = new_severity or "severity" in change
            new_levels[i] = level
        out["levels"] = new_levels
    # Inherited examples describe the rule as it was: after a new condition they no longer
    # apply; after a new severity only whether the rule fires is still worth checking.
    examples = new_list(patch.mark)
    old = rule.get("examples")
    if isinstance(old, YList) and not new_condition:
        for i, ex in enumerate(old):
            if new_severity and isinstance(ex, YMap) and isinstance(ex.get("fires"), str):
                ex = copy_map(ex)
                ex["fires"] = True
            examples.append(ex)
            examples.item_marks.append(old.at(i))
    added = patch.get("examples")
    if added is not None and not isinstance(added, YList):
        c.err(say("cfg.examples_list"), patch.at("examples"))
    elif isinstance(added, YList):
        for i in range(len(added)):
            append(examples, added, i)
    if examples or "examples" in out:
        out["examples"] = examples
    return out


def drop_rules_using(rules: Any, disabled: dict[str, Mark], c: Reporter) -> None:
    """A rule that still uses a disabled question: said once, at the user's `disable`."""
    if not isinstance(rules, YList) or not disabled:
        return
    keep: list[int] = []
    for i, rule in enumerate(rules):
        used = _conditions_of(rule) & set(disabled) if isinstance(rule, YMap) else set()
        for qid in sorted(used):
            c.err(say("ext.rule_uses_disabled", qid=qid, id=rule.get("id"), where=rule.mark), disabled[qid])
        if not used:
            keep.append(i)
    kept = copy_list(rules, lambda i, v: i in keep)
    rules[:] = kept
    rules.item_marks = kept.item_marks
    rules.raw = kept.raw


# ---------------------------------------------------------------- questions


@dataclass(eq=False)
class QuestionFile:
    name: str  # the file name: files of a folder and of the folder it extends are read in name order
    display: str
    tree: Any


def question_files(directory: Path) -> list[Path]:
    note(directory)  # a file added to or removed from the folder changes the catalog
    return sorted(p for p in directory.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())


def read_question_folder(
    directory: Path,
    c: Reporter,
    display: Callable[[Path], str],
    builtin: Path,
    digest: Any,
    seen: tuple[Path, ...] = (),
) -> tuple[list[QuestionFile], dict[str, Mark]]:
    """The question files in effect, in interview order, and the question ids disabled (with where)."""
    paths = question_files(directory)
    if len(paths) > MAX_QUESTION_FILES:
        c.err(say("ext.too_many_files", max=MAX_QUESTION_FILES), Mark(display(directory), 0))
        paths = paths[:MAX_QUESTION_FILES]
    files: list[QuestionFile] = []
    for path in paths:
        shown = display(path)
        try:
            text = read_text(path, shown)
            parsed: Any = parse_document(text, shown)
        except ClientcheckError as exc:
            c.problems.append(exc)
            parsed, text = None, ""
        digest.update(path.name.encode() + b"\0" + text.encode("utf-8") + b"\0")
        files.append(QuestionFile(path.name, shown, parsed))
    extending = [f for f in files if isinstance(f.tree, YMap) and "extends" in f.tree]
    for f in files:
        if isinstance(f.tree, YMap) and f not in extending:
            present = [k for k in extension("questions_file") if k in f.tree]
            for key in present:
                c.err(say("ext.needs_extends", key=key), f.tree.key_at(key))
            drop_keys(f.tree, present)
    if not extending:
        return files, {}
    for extra in extending[1:]:
        c.err(say("ext.one_extends", file=extending[0].display), extra.tree.key_at("extends"))
    ext = extending[0]
    tree: YMap = ext.tree
    names = [f.name for f in OBJECTS["questions_file"] if f.name != "extends"]
    c.fields(tree, tree.mark, say("cfg.what.questions_file_extending"), ("extends",), names)
    for key in ("section", "title", "questions"):
        if key not in tree and any(k in tree for k in ("section", "title", "questions")):
            c.err(say("ext.section_needs", key=key), tree.mark)
    seen = (*seen, directory.resolve())
    base_dir = resolve_base(
        tree["extends"], tree.at("extends"), directory.parent, builtin, "ext.what.questions_folder", c
    )
    if base_dir is None or not _unwrap_chain(base_dir, seen, tree.at("extends"), c):
        return [], {}
    if not base_dir.is_dir():
        c.err(say("ext.not_questions_folder", path=display(base_dir)), tree.at("extends"))
        return [], {}
    base, base_disabled = read_question_folder(base_dir, c, display, builtin, digest, seen)
    disabled = _disable_questions(base, tree, c)
    _override_questions(base, tree, c)
    _drop_whens_using(base, disabled, c)
    own = [f for f in files if f is not ext or "section" in tree]
    drop_keys(tree, extension("questions_file"))
    merged = sorted([*base, *own], key=lambda f: f.name)  # stable: the extended folder's file first on a tie
    return merged, {**base_disabled, **disabled}


def _question_index(files: list[QuestionFile]) -> dict[str, tuple[QuestionFile, int]]:
    out: dict[str, tuple[QuestionFile, int]] = {}
    for f in files:
        if isinstance(f.tree, YMap):
            for qid, i in _ids(f.tree.get("questions")).items():
                out.setdefault(qid, (f, i))
    return out


def _disable_questions(base: list[QuestionFile], tree: YMap, c: Reporter) -> dict[str, Mark]:
    raw = tree.get("disable")
    if raw is None:
        return {}
    if not isinstance(raw, YList):
        c.err(say("ext.disable_questions"), tree.at("disable"))
        return {}
    index = _question_index(base)
    disabled: dict[str, Mark] = {}
    for i, qid in enumerate(raw):
        if qid not in index:
            c.err(say("ext.no_question_disable", id=qid, hint=suggest(str(qid), list(index))), raw.at(i))
            continue
        disabled[qid] = raw.at(i)
    for f in base:
        if isinstance(f.tree, YMap) and isinstance(f.tree.get("questions"), YList):
            f.tree = copy_map(f.tree)
            f.tree["questions"] = copy_list(
                f.tree["questions"], lambda i, q: not (isinstance(q, YMap) and q.get("id") in disabled)
            )
    # a section left with no questions is no section at all
    base[:] = [f for f in base if not (isinstance(f.tree, YMap) and f.tree.get("questions") == [])]
    return disabled


def _override_questions(base: list[QuestionFile], tree: YMap, c: Reporter) -> None:
    raw = tree.get("override")
    if raw is None:
        return
    if not isinstance(raw, YMap):
        c.err(say("ext.override_questions"), tree.at("override"))
        return
    allowed = [f.name for f in OBJECTS["question_override"]]
    for qid, patch in raw.items():
        index = _question_index(base)
        if qid not in index:
            c.err(say("ext.no_question_override", id=qid, hint=suggest(qid, list(index))), raw.key_at(qid))
            continue
        if not c.fields(patch, raw.at(qid), say("cfg.what.override", id=qid), (), allowed):
            continue
        f, i = index[qid]
        assert isinstance(f.tree, YMap)
        f.tree = copy_map(f.tree)
        questions = copy_list(f.tree["questions"])
        question = copy_map(questions[i])
        for key in patch:
            if key in allowed:
                put(question, key, patch)
        questions[i] = question
        f.tree["questions"] = questions


def _drop_whens_using(base: list[QuestionFile], disabled: dict[str, Mark], c: Reporter) -> None:
    for f in base:
        if not isinstance(f.tree, YMap) or not isinstance(f.tree.get("questions"), YList):
            continue
        questions = f.tree["questions"]
        for i, q in enumerate(questions):
            if not isinstance(q, YMap):
                continue
            used = condition_names(q.get("when")) & set(disabled)
            for qid in sorted(used):
                message = say("ext.question_uses_disabled", qid=qid, id=q.get("id"), where=q.mark)
                c.err(message, disabled[qid])
            if used:
                q = copy_map(q)
                drop_keys(q, ["when"])
                questions[i] = q
