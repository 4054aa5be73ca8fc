"""A rules file (and, through `extends:`, the file it extends) -> the Policy and the Rules."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from clientcheck import answers as answers_mod
from clientcheck import extends, fmt
from clientcheck.bundled import bundled_dir as bundled_dir  # re-exported: part of the loader's API
from clientcheck.bundled import bundled_questions as bundled_questions
from clientcheck.bundled import bundled_rules as bundled_rules
from clientcheck.conditions import VarType, suggest
from clientcheck.conditions.syntax import closest
from clientcheck.errors import AnswersError, Mark
from clientcheck.functions import parse_date
from clientcheck.i18n import detect_language, say
from clientcheck.loader.checker import IDENT, MAX_WINDOW_DAYS, RULE_ID, _Checker, _display, _load_yaml
from clientcheck.model import (
    LATE_WINDOW_DAYS,
    RULE_KINDS,
    VERDICTS,
    Catalog,
    Example,
    Level,
    Policy,
    Question,
    Rule,
    Section,
    Severity,
    Text,
    Threshold,
)
from clientcheck.schema import optional as optional_fields
from clientcheck.schema import required as required_fields
from clientcheck.yamlsrc import YList, YMap


def _policy(c: _Checker, p: Any, where: Mark) -> Policy | None:
    if not c.fields(p, where, say("cfg.what.policy"), required_fields("policy"), optional_fields("policy")):
        return None
    severities: dict[str, Severity] = {}
    sev = p["severities"]
    if not isinstance(sev, YMap) or not sev:
        c.err(say("cfg.severities"), p.at("severities"))
        return None
    for name, spec in sev.items():
        if not IDENT.match(name):
            c.err(say("cfg.severity_ident", name=name), sev.key_at(name))
            severities[name] = Severity(name, 0.0, Text({"en": name}))  # reported once (see below)
            continue
        if not c.fields(
            spec,
            sev.at(name),
            say("cfg.what.severity", name=name),
            required_fields("severity"),
            optional_fields("severity"),
        ):
            # reported once: the severity still exists, or every rule and threshold naming it
            # would add an "unknown severity" line derived from this one mistake
            severities[name] = Severity(name, 0.0, Text({"en": name}))
            continue
        weight = c.number(spec, "weight")
        label = c.text(spec, "label", say("cfg.what.severity", name=name), required=False) or Text({"en": name})
        # a bad weight is reported once; the severity still exists, so rules naming it are not errors too
        severities[name] = Severity(name, weight if weight is not None else 0.0, label)
    thresholds: dict[str, Threshold] = {}
    for key in ("decline_if", "caution_if"):
        spec = p.get(key)
        if spec is None:
            thresholds[key] = Threshold()
            continue
        if not c.fields(
            spec,
            p.at(key),
            say("cfg.what.threshold", key=key),
            required_fields("threshold"),
            optional_fields("threshold"),
        ):
            continue
        names = spec.get("any_severity")
        if names is None:
            names = YList()
            names.item_marks, names.raw = [], {}
        elif not isinstance(names, YList):
            c.err(say("cfg.any_severity_list"), spec.at("any_severity"))
            names = YList()
            names.item_marks, names.raw = [], {}
        for i, n in enumerate(names):
            if n not in severities:
                c.err(
                    say("cfg.unknown_severity", key="any_severity", name=n, hint=suggest(str(n), list(severities))),
                    names.at(i),
                )
        counts: list[tuple[str, int]] = []
        raw_counts = spec.get("count")
        if raw_counts is not None and not isinstance(raw_counts, YMap):
            c.err(say("cfg.count_map"), spec.at("count"))
        elif raw_counts is not None:
            for sev_name, n in raw_counts.items():
                if sev_name not in severities:
                    hint = suggest(str(sev_name), list(severities))
                    c.err(
                        say("cfg.unknown_severity", key="count", name=sev_name, hint=hint), raw_counts.key_at(sev_name)
                    )
                elif not isinstance(n, int) or isinstance(n, bool) or n < 1:
                    c.err(say("cfg.count_n", name=sev_name, value=n), raw_counts.at(sev_name))
                else:
                    counts.append((sev_name, n))
        thresholds[key] = Threshold(tuple(str(n) for n in names), c.number(spec, "min_score"), tuple(counts))
    return Policy(
        severities,
        c.number(p, "good_sign_weight", 1.0) or 0.0,
        thresholds.get("decline_if", Threshold()),
        thresholds.get("caution_if", Threshold()),
    )


def _examples(c: _Checker, r: YMap, catalog_stub: Catalog, severities: set[str]) -> tuple[Example, ...]:
    raw = r.get("examples")
    if raw is None:
        return ()
    if not isinstance(raw, YList):
        c.err(say("cfg.examples_list"), r.at("examples"))
        return ()
    out: list[Example] = []
    for i, ex in enumerate(raw):
        if not c.fields(ex, raw.at(i), say("cfg.what.example"), required_fields("example"), optional_fields("example")):
            continue
        expected = ex.get("verdict")
        if "verdict" in ex and expected not in VERDICTS:
            hint = suggest(str(expected), VERDICTS)
            c.err(say("cfg.verdict", verdicts=", ".join(VERDICTS), value=expected, hint=hint), ex.at("verdict"))
            continue
        fires = ex["fires"]
        if not isinstance(fires, bool) and fires not in severities:
            allowed = ", ".join(["true", "false", *sorted(severities)])
            c.err(say("cfg.fires", allowed=allowed, value=fires), ex.at("fires"))
            continue
        data = ex["answers"]
        where_answers = ex.at("answers")
        origin = where_answers.file
        locate = data.key_at if isinstance(data, YMap) else (lambda key, m=where_answers: m)
        try:
            answers = answers_mod.validate(data, catalog_stub, origin, locate, detect_language(None))
        except AnswersError as exc:
            c.problems.extend(exc.problems)
            continue
        pinned = parse_date(ex.get("today")) if "today" in ex else None
        if "today" in ex and pinned is None:
            c.err(say("cfg.example_today", value=ex["today"]), ex.at("today"))
            continue
        out.append(Example(answers.values, fires, raw.at(i), expected, pinned))
    return tuple(out)


def _rule(
    c: _Checker,
    r: Any,
    where: Mark,
    types: dict[str, VarType],
    policy: Policy,
    sources: dict[str, Text],
    stub: Catalog,
    rule_ids: tuple[str, ...] = (),
) -> Rule | None:
    if not c.fields(r, where, say("cfg.what.rule"), required_fields("rule"), optional_fields("rule")):
        if not isinstance(r, YMap) or "id" not in r:
            return None
    rid = c.ident(r, "id", RULE_ID, say("cfg.what.rule_id"))
    kind = r.get("kind")
    if kind not in RULE_KINDS:
        hint = suggest(str(kind), RULE_KINDS)
        c.err(say("cfg.rule_kind", value=kind, kinds=", ".join(RULE_KINDS), hint=hint), r.at("kind"))
        return None
    a_rule = say("cfg.what.rule")
    title = c.text(r, "title", a_rule)
    why = c.text(r, "why", a_rule)
    advice = c.text(r, "advice", a_rule)
    source = r.get("source")
    if "source" in r and sources and source not in sources:
        hint = suggest(str(source), list(sources))
        c.err(say("cfg.unknown_source", value=source, sources=", ".join(sources), hint=hint), r.at("source"))
    levels: list[Level] = []
    severities = set(policy.severities)

    named: set[str] = set()  # every valid severity the rule names, even on a level that failed
    misnamed: set[str] = set()  # severities it names that are not severities (reported once, there)

    def severity_of(m: YMap) -> str | None:
        name = m.get("severity")
        if name in policy.severities:
            named.add(str(name))
            return str(name)
        misnamed.add(str(name))
        valid = [n for n in policy.severities if IDENT.match(n)]  # a misnamed one is reported already
        hint = suggest(str(name), [n for n in severities if IDENT.match(n)])
        message = say("cfg.not_severity", value=name, names=", ".join(valid), hint=hint)
        c.err(message, m.at("severity") if "severity" in m else m.mark)
        return None

    if kind == "red-flag":
        if "levels" in r:
            for key in ("when", "severity", "weight"):
                if key in r:
                    c.err(say("cfg.levels_sets", key=key), r.key_at(key))
            raw_levels = r["levels"]
            if not isinstance(raw_levels, YList) or not raw_levels:
                c.err(say("cfg.levels_list"), r.at("levels"))
            else:
                for i, lv in enumerate(raw_levels):
                    if not c.fields(
                        lv, raw_levels.at(i), say("cfg.what.level"), required_fields("level"), optional_fields("level")
                    ):
                        continue
                    cond = c.condition(lv, "when", types, rules=rule_ids)
                    sev = severity_of(lv)
                    if cond is not None and sev is not None:
                        weight = c.number(lv, "weight", policy.severities[sev].weight)
                        assert weight is not None
                        levels.append(
                            Level(cond, sev, weight, c.text(lv, "advice", say("cfg.what.level"), required=False))
                        )
        else:
            fields = (*required_fields("rule"), *optional_fields("rule"))
            # `severty:` was reported as an unknown field with its did-you-mean: one mistake, one line
            meant = {closest(str(k), fields) for k in r if k not in fields}
            for key in ("when", "severity"):
                if key not in r and key not in meant:
                    c.err(say("cfg.red_flag_needs", key=key), r.mark)
            if "when" in r and "severity" in r:
                cond = c.condition(r, "when", types, rules=rule_ids)
                sev = severity_of(r)
                if cond is not None and sev is not None:
                    weight = c.number(r, "weight", policy.severities[sev].weight)
                    assert weight is not None
                    levels.append(Level(cond, sev, weight))
    else:
        for key in ("severity", "levels") + (("weight",) if kind == "note" else ()):
            if key in r:
                c.err(say("cfg.kind_takes_no", key=key, kind=kind), r.key_at(key))
        if "when" not in r:
            c.err(say("cfg.kind_needs_when", kind=kind), r.mark)
        else:
            cond = c.condition(r, "when", types, rules=rule_ids)
            default = policy.good_sign_weight if kind == "good-sign" else 0.0
            weight = c.number(r, "weight", default) if kind == "good-sign" else 0.0
            if cond is not None:
                levels.append(Level(cond, None, weight if weight is not None else default))
    # the severities the rule names, not only those of levels that compiled: a typo in one
    # level's condition must not also make every example that expects that level an error. A
    # misnamed severity may have meant any of them: its examples are not second-guessed.
    examples = _examples(c, r, stub, named | set(policy.severities) if misnamed else named)
    if rid is None or title is None or why is None or advice is None or not levels:
        return None
    return Rule(rid, kind, title, why, advice, str(source), tuple(levels), examples, r.mark)


def load_rules(
    path: Path,
    questions: dict[str, Question],
    sections: list[Section],
    c: _Checker,
    digest: Any,
    disabled: dict[str, Mark] | None = None,
) -> tuple[list[Rule], Policy | None, dict[str, Text], str, int | None]:
    display = _display(path)
    tree, data = _load_yaml(path, display, c)
    digest.update(b"rules\0" + data)
    ctx = extends.RulesContext(_display, bundled_rules(), digest, disabled or {})
    tree = extends.merge_rules(tree, path, c, ctx)
    if tree is not None:
        c.trees.append(("rules", tree))
    if tree is None:
        return [], None, {}, display, DEFAULT_LATE_WINDOW
    top = Mark(display, 1, 1)
    if isinstance(tree, YMap):
        extends.drop_rules_using(tree.get("rules"), ctx.disabled_questions, c)
    if not c.fields(
        tree, top, say("cfg.what.rules_file"), required_fields("rules_file"), optional_fields("rules_file")
    ):
        if not isinstance(tree, YMap):
            return [], None, {}, display, DEFAULT_LATE_WINDOW
    if "version" in tree and tree["version"] != 1:
        c.err(say("cfg.version", value=tree["version"]), tree.at("version"))
    sources: dict[str, Text] = {}
    raw_sources = tree.get("sources")
    if raw_sources is not None:
        if not isinstance(raw_sources, YMap):
            c.err(say("cfg.sources_map"), tree.at("sources"))
        else:
            for sid in raw_sources:
                t = c.text(raw_sources, sid, say("cfg.what.sources"))
                if t is not None:
                    sources[sid] = t
    window = _history_settings(c, tree)
    policy = _policy(c, tree["policy"], tree.at("policy")) if "policy" in tree else None
    rules: list[Rule] = []
    raw_rules = tree.get("rules")
    if policy is None:
        return rules, None, sources, display, window
    if not isinstance(raw_rules, YList):
        c.err(say("cfg.rules_list"), tree.at("rules") if "rules" in tree else top)
        return rules, policy, sources, display, window
    types = {qid: q.var_type() for qid, q in questions.items()}
    stub = Catalog(questions, tuple(sections), (), policy, sources, "")
    first_seen: dict[str, Mark] = {}
    # every rule id in the file, so that fired() can name a rule that comes later
    rule_ids = tuple(str(r["id"]) for r in raw_rules if isinstance(r, YMap) and isinstance(r.get("id"), str))
    for i, raw in enumerate(raw_rules):
        rule = _rule(c, raw, raw_rules.at(i), types, policy, sources, stub, rule_ids)
        # by the id as written, not the rule as built: a duplicate is said even when either rule
        # has mistakes of its own, in the same run as they are
        rid = raw.get("id") if isinstance(raw, YMap) else None
        if isinstance(rid, str) and rid in first_seen:
            c.err(say("cfg.duplicate_rule", id=rid, first=first_seen[rid]), raw.at("id"))
            continue
        if isinstance(rid, str):
            first_seen[rid] = raw.at("id")
        if rule is not None:
            rules.append(rule)
    _check_cycles(c, rules, _when_marks(raw_rules))
    return rules, policy, sources, display, window


def _when_marks(raw_rules: YList) -> dict[str, list[Mark | None]]:
    """Where each rule's conditions are written, one per level (after extends: an override's own)."""
    out: dict[str, list[Mark | None]] = {}
    for r in raw_rules:
        if not isinstance(r, YMap) or not isinstance(r.get("id"), str) or r["id"] in out:
            continue
        levels = r.get("levels")
        if isinstance(levels, YList):
            out[r["id"]] = [lv.at("when") if isinstance(lv, YMap) and "when" in lv else None for lv in levels]
        elif "when" in r:
            out[r["id"]] = [r.at("when")]
    return out


def _cycle_mark(path: tuple[str, ...], by_id: dict[str, Rule], whens: dict[str, list[Mark | None]]) -> Mark | None:
    """Where the loop is closed by an override: the `when` (in another file than its rule) that
    names the next rule of the loop. None when every link is written with its rule."""
    for i, rid in enumerate(path):
        rule, nxt = by_id[rid], path[(i + 1) % len(path)]
        marks = whens.get(rid, [])
        for level, mark in zip(rule.levels, marks, strict=False):
            if mark is not None and nxt in level.when.refs and rule.mark is not None and mark.file != rule.mark.file:
                return mark
    return None


def _check_cycles(c: _Checker, rules: list[Rule], whens: dict[str, list[Mark | None]] | None = None) -> None:
    """fired() references must not loop: a rule cannot wait for itself."""
    by_id = {r.id: r for r in rules}
    reported: set[frozenset[str]] = set()
    for start in rules:
        # depth-first search for a path from start back to start
        stack: list[tuple[str, tuple[str, ...]]] = [(ref, (start.id,)) for ref in start.refs]
        seen: set[str] = set()
        while stack:
            rid, path = stack.pop()
            if rid == start.id:
                loop = frozenset(path)
                if loop not in reported:
                    reported.add(loop)
                    chain = " -> ".join((*path, start.id))
                    where = _cycle_mark(path, by_id, whens or {}) or start.mark
                    c.err(say("cfg.cycle", chain=chain), where)
                break
            if rid in seen or rid not in by_id:
                continue
            seen.add(rid)
            stack.extend((ref, (*path, rid)) for ref in by_id[rid].refs)


DEFAULT_LATE_WINDOW = LATE_WINDOW_DAYS


def _history_settings(c: _Checker, tree: YMap) -> int | None:
    """The late-payments window in days (None: count every late payment ever recorded)."""
    spec = tree.get("history")
    if spec is None or not c.fields(
        spec, tree.at("history"), say("cfg.what.history"), required_fields("history"), optional_fields("history")
    ):
        return DEFAULT_LATE_WINDOW
    key = "late_payments_window_days"
    if key not in spec:
        return DEFAULT_LATE_WINDOW
    value = spec[key]
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_WINDOW_DAYS:
        return value
    c.err(say("cfg.window", key=key, max=fmt.number(MAX_WINDOW_DAYS, detect_language(None)), value=value), spec.at(key))
    return DEFAULT_LATE_WINDOW
