"""A rules file that extends another: the merge, `disable:` and `override:` of rules."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from clientcheck.conditions import suggest
from clientcheck.errors import Mark
from clientcheck.extends.base import (
    Reporter,
    _conditions_of,
    _ids,
    _read,
    _unwrap_chain,
    append,
    copy_list,
    copy_map,
    drop_keys,
    new_list,
    put,
    resolve_base,
)
from clientcheck.i18n import say
from clientcheck.schema import OBJECTS, extension
from clientcheck.yamlsrc import YList, YMap


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
