"""Load questions/*.yaml and rules.yaml into a validated Catalog.

Every problem found is collected with its file:line:col and reported together in one
ConfigError, so a user editing the files fixes them all in one pass.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from clientcheck import answers as answers_mod
from clientcheck import extends, units
from clientcheck.bundled import bundled_dir as bundled_dir  # re-exported: part of the loader's API
from clientcheck.bundled import bundled_questions as bundled_questions
from clientcheck.bundled import bundled_rules as bundled_rules
from clientcheck.conditions import Condition, ConditionError, VarType, compile_condition, suggest
from clientcheck.errors import AnswersError, ClientcheckError, ConfigError, Mark
from clientcheck.files import YamlError, read_text
from clientcheck.model import (
    CLIENT_KEY,
    LANGUAGES,
    QUESTION_TYPES,
    RULE_KINDS,
    VERDICTS,
    Catalog,
    ChecklistItem,
    Choice,
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
from clientcheck.qtypes import TYPES
from clientcheck.schema import optional as optional_fields
from clientcheck.schema import required as required_fields
from clientcheck.yamlsrc import YList, YMap, node_budget, parse_document

# \Z, not $: "$" also matches before a final newline, and "late\n" is not an id
IDENT = re.compile(r"[a-z][a-z0-9_]*\Z")
RULE_ID = re.compile(r"[a-z][a-z0-9-]*\Z")
LANG_CODE = re.compile(r"[a-z]{2}\Z")
MAX_NUMBER = 10**15  # bounds, weights and scores: finite, and exact in every output format
MAX_WINDOW_DAYS = 36_500  # a hundred years of payments
MAX_LOAD_NODES = 60_000  # every rules and questions file of one load together (see yamlsrc.MAX_NODES)


class _Checker:
    """Collects problems while reading one file's YAML tree."""

    def __init__(self) -> None:
        self.problems: list[ClientcheckError] = []
        # (format, tree) of every file as validated (after extends), for lint's warnings
        self.trees: list[tuple[str, Any]] = []

    def err(self, message: str, mark: Mark | None) -> None:
        self.problems.append(ClientcheckError(message, mark))

    def fields(self, m: Any, where: Mark, what: str, required: Iterable[str], optional: Iterable[str]) -> bool:
        """Is m a mapping with all required keys? Reports those missing and every unknown key.

        An unknown key does not make the object unusable: the rest of it is still checked, so one
        typo does not hide the object's other problems or make everything that uses it fail too.
        """
        if not isinstance(m, YMap):
            self.err(f"{what} must be a mapping", where)
            return False
        required = tuple(required)
        known = required + tuple(optional)
        ok = True
        for key in m:
            if key not in known:
                self.err(f"unknown field {key!r} in {what}{suggest(key, known)}", m.key_at(key))
        for key in required:
            if key not in m:
                self.err(f"{what} is missing the field {key!r}", m.mark)
                ok = False
        return ok

    def text(self, m: YMap, key: str, what: str, required: bool = True) -> Text | None:
        if key not in m:
            if required:
                self.err(f"{what} is missing the field {key!r}", m.mark)
            return None
        value = m[key]
        if isinstance(value, str) and value.strip():
            return Text({"en": value})
        if isinstance(value, YMap) and value:
            out: dict[str, str] = {}
            for lang, text in value.items():
                if not LANG_CODE.match(lang):
                    self.err(
                        f"{key}: {lang!r} is not a language code such as {', '.join(LANGUAGES)}", value.key_at(lang)
                    )
                elif not isinstance(text, str) or not text.strip():
                    self.err(f"{key}.{lang}: expected non-empty text", value.at(lang))
                else:
                    out[lang] = text
            return Text(out) if out else None
        raw = m.raw.get(key)
        if isinstance(value, bool) and raw is not None:
            self.err(f'{key}: YAML reads {raw} as {str(value).lower()}; write "{raw}" in quotes', m.at(key))
            return None
        self.err(f"{key}: expected text, or a mapping of language to text ({', '.join(LANGUAGES)})", m.at(key))
        return None

    def ident(self, m: YMap, key: str, pattern: re.Pattern[str], what: str) -> str | None:
        value = m.get(key)
        if isinstance(value, str) and pattern.match(value):
            return value
        raw = m.raw.get(key)
        if isinstance(value, bool) and raw is not None:
            self.err(f'{key}: YAML reads {raw} as {str(value).lower()}; write "{raw}" in quotes', m.at(key))
            return None
        form = "lowercase letters, digits and _" if pattern is IDENT else "lowercase letters, digits and -"
        self.err(f"{key}: {what} must start with a letter and use only {form}, got {value!r}", m.at(key))
        return None

    def number(self, m: YMap, key: str, default: float | None = None) -> float | None:
        if key not in m:
            return default
        value = m[key]
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            if value != value or abs(value) > MAX_NUMBER:  # NaN, ±inf, or digits by the hundred
                shown = repr(value) if isinstance(value, float) else f"a number of {len(str(abs(value)))} digits"
                self.err(f"{key}: expected a number from -{MAX_NUMBER:.0e} to {MAX_NUMBER:.0e}, got {shown}", m.at(key))
                return default
            return value
        self.err(f"{key}: expected a number, got {value!r}", m.at(key))
        return default

    def condition(
        self,
        m: YMap,
        key: str,
        types: dict[str, VarType],
        later: Iterable[str] = (),
        rules: Iterable[str] | None = None,
    ) -> Condition | None:
        source = m.get(key)
        mark = m.at(key)
        if isinstance(source, bool):
            self.err(f"{key}: a condition must be text; write true/false conditions as a comparison", mark)
            return None
        if not isinstance(source, str):
            self.err(f"{key}: expected a condition, got {source!r}", mark)
            return None
        try:
            return compile_condition(source, types, None if rules is None else tuple(rules))
        except ConditionError as exc:
            message = exc.message
            if message.startswith("unknown question"):
                name = message.split("'")[1]
                if name in later:
                    message = f"{name!r} is asked later; 'when' may only use earlier questions"
            # plain scalars start at the mark; quoted ones one character later
            shift = exc.offset + (0 if key in m.raw else 1) if "\n" not in source else 0
            self.err(f"{key}: {message}", mark.shifted(shift))
            return None


def _load_yaml(path: Path, display: str, checker: _Checker) -> tuple[Any, bytes]:
    try:
        text = read_text(path, display)
        return parse_document(text, display), text.encode("utf-8")
    except ClientcheckError as exc:
        checker.problems.append(exc)
        return None, b""


def _display(path: Path) -> str:
    """Paths as the user would type them: relative to the current directory when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return str(path)


# ---------------------------------------------------------------- questions


def _checklists(c: _Checker, trees: list[tuple[str, Any]]) -> dict[str, tuple[Text, Text | None]]:
    """Every file's `checklists`: id -> (its question, its help)."""
    out: dict[str, tuple[Text, Text | None]] = {}
    seen: dict[str, Mark] = {}
    for _, tree in trees:
        groups = tree.get("checklists") if isinstance(tree, YMap) else None
        if groups is None:
            continue
        if not isinstance(groups, YMap):
            c.err("checklists: expected a mapping of checklist id to {text, help}", tree.at("checklists"))
            continue
        for gid, spec in groups.items():
            if not IDENT.match(gid):
                c.err(f"checklist {gid!r}: an id must be a lowercase identifier", groups.key_at(gid))
                continue
            if gid in seen:
                c.err(f"duplicate checklist {gid!r} (first at {seen[gid]})", groups.key_at(gid))
                continue
            seen[gid] = groups.key_at(gid)
            what = f"checklist {gid!r}"
            if not c.fields(spec, groups.at(gid), what, required_fields("checklist"), optional_fields("checklist")):
                continue
            text = c.text(spec, "text", f"checklist {gid!r}")
            if text is not None:
                out[gid] = (text, c.text(spec, "help", f"checklist {gid!r}", required=False))
    return out


def _checklist_item(
    c: _Checker, q: YMap, qtype: str, groups: Mapping[str, tuple[Text, Text | None]]
) -> ChecklistItem | None:
    spec = q["checklist"]
    if qtype != "yesno":
        c.err(f"checklist: only yesno questions can be checklist lines, this one is {qtype}", q.key_at("checklist"))
        return None
    if not c.fields(
        spec,
        q.at("checklist"),
        "a checklist line",
        required_fields("checklist_item"),
        optional_fields("checklist_item"),
    ):
        return None
    group = spec.get("group")
    if group not in groups:
        known = list(groups)
        c.err(f"checklist: unknown checklist {group!r}{suggest(str(group), known)}", spec.at("group"))
        return None
    item = c.text(spec, "item", "a checklist line")
    ticked = spec.get("ticked", True)
    if not isinstance(ticked, bool):
        c.err("ticked: expected true or false", spec.at("ticked"))
        return None
    if item is None:
        return None
    prompt, help_ = groups[group]
    return ChecklistItem(group, prompt, help_, item, ticked)


def _question(
    c: _Checker,
    q: Any,
    where: Mark,
    section: str,
    types: dict[str, VarType],
    later: list[str],
    groups: Mapping[str, tuple[Text, Text | None]] | None = None,
) -> Question | None:
    if not c.fields(q, where, "a question", required_fields("question"), optional_fields("question")):
        if not isinstance(q, YMap) or "id" not in q:
            return None
    qid = c.ident(q, "id", IDENT, "a question id")
    qtype = q.get("type")
    if qtype not in QUESTION_TYPES:
        c.err(
            f"type: {qtype!r} is not a question type ({', '.join(QUESTION_TYPES)}){suggest(str(qtype), QUESTION_TYPES)}",
            q.at("type"),
        )
        return None
    if qid == CLIENT_KEY:
        c.err(f"id: {CLIENT_KEY!r} is reserved for the client's name", q.at("id"))
        return None
    text = c.text(q, "text", "a question")
    help_ = c.text(q, "help", "a question", required=False)
    numeric = TYPES[qtype].numeric
    for key in ("unit", "min", "max", "measure"):
        if key in q and not numeric:
            c.err(f"{key}: only integer and number questions take {key!r}", q.key_at(key))
    unit = c.text(q, "unit", "a question", required=False) if numeric else None
    lo, hi = (c.number(q, "min"), c.number(q, "max")) if numeric else (None, None)
    if lo is not None and hi is not None and lo > hi:
        c.err(f"min ({lo}) is greater than max ({hi})", q.at("min"))
    measure = q.get("measure") if numeric else None
    if measure is not None and measure not in units.MEASURES:
        c.err(f"measure: {measure!r} is not one of {', '.join(units.MEASURES)}", q.at("measure"))
        measure = None
    seller = q.get("seller", False)
    if not isinstance(seller, bool):
        c.err("seller: expected true or false", q.at("seller"))
        seller = False
    choices: list[Choice] = []
    if TYPES[qtype].has_choices:
        raw_choices = q.get("choices")
        if not isinstance(raw_choices, YList) or not raw_choices:
            c.err(
                f"a {qtype} question needs a non-empty list of choices", q.at("choices") if "choices" in q else q.mark
            )
        else:
            seen: set[str] = set()
            for i, ch in enumerate(raw_choices):
                if not c.fields(
                    ch, raw_choices.at(i), "a choice", required_fields("choice"), optional_fields("choice")
                ):
                    continue
                cid = c.ident(ch, "id", IDENT, "a choice id")
                ctext = c.text(ch, "text", "a choice")
                if cid is None or ctext is None:
                    continue
                if cid in seen:
                    c.err(f"duplicate choice id {cid!r}", ch.at("id"))
                seen.add(cid)
                choices.append(Choice(cid, ctext))
    elif "choices" in q:
        c.err(f"choices: only choice and multi questions take choices, this one is {qtype}", q.key_at("choices"))
    when = c.condition(q, "when", types, later) if "when" in q else None
    item = _checklist_item(c, q, qtype, groups or {}) if "checklist" in q else None
    if qid is None or text is None:
        return None
    question = Question(
        qid, qtype, text, section, help_, unit, lo, hi, None, when, tuple(choices), q.mark, measure, seller, item
    )
    if "default" in q:
        try:
            default = answers_mod.coerce(question, q["default"], q.raw.get("default"))
        except ValueError as exc:
            c.err(f"default: {exc}", q.at("default"))
        else:
            question = question._replace(default=default)
    return question


def load_questions(
    directory: Path, c: _Checker, digest: Any, disabled: dict[str, Mark] | None = None
) -> tuple[dict[str, Question], list[Section], list[str]]:
    """Read a questions folder (and, through `extends:`, the folder it extends).

    `disabled`, if given, receives the question ids the folder disables, with where it says so.
    """
    questions: dict[str, Question] = {}
    sections: list[Section] = []
    files: list[str] = []
    shown = _display(directory)
    if not directory.is_dir():
        c.err("no such questions directory" if not directory.exists() else "not a directory", Mark(shown, 0))
        return questions, sections, files
    if not extends.question_files(directory):
        c.err("no question files (*.yaml) in this directory", Mark(shown, 0))
    read, off = extends.read_question_folder(directory, c, _display, bundled_questions(), digest)
    if disabled is not None:
        disabled.update(off)
    files.extend(f.display for f in read)
    # every id in every file, so a `when` naming a later question gets the right message
    trees: list[tuple[str, Any]] = [(f.display, f.tree) for f in read]
    c.trees.extend(("questions", f.tree) for f in read if f.tree is not None)
    all_ids = [
        q["id"]
        for _, tree in trees
        if isinstance(tree, YMap) and isinstance(tree.get("questions"), YList)
        for q in tree["questions"]
        if isinstance(q, YMap) and isinstance(q.get("id"), str)
    ]
    types: dict[str, VarType] = {}
    first_seen: dict[str, Mark | None] = {}
    section_ids: dict[str, Mark] = {}
    groups = _checklists(c, trees)
    for display, tree in trees:
        if tree is None:
            continue
        top = Mark(display, 1, 1)
        if not c.fields(
            tree, top, "a questions file", required_fields("questions_file"), optional_fields("questions_file")
        ):
            continue
        sid = c.ident(tree, "section", IDENT, "a section id")
        title = c.text(tree, "title", "a questions file")
        if sid is not None and sid in section_ids:
            c.err(f"duplicate section {sid!r} (first at {section_ids[sid]})", tree.at("section"))
        if sid is not None:
            section_ids[sid] = tree.at("section")
        items = tree["questions"]
        if not isinstance(items, YList):
            c.err("questions: expected a list of questions", tree.at("questions"))
            continue
        ids: list[str] = []
        for i, raw in enumerate(items):
            later = all_ids[len(types) + 1 :]
            q = _question(c, raw, items.at(i), sid or "", types, later, groups)
            if q is None:
                continue
            if q.id in first_seen:
                c.err(f"duplicate question id {q.id!r} (first at {first_seen[q.id]})", raw.at("id"))
                continue
            first_seen[q.id] = raw.at("id")
            questions[q.id] = q
            types[q.id] = q.var_type()
            ids.append(q.id)
        if sid is not None and title is not None:
            sections.append(Section(sid, title, tuple(ids)))
    return questions, sections, files


# ---------------------------------------------------------------- rules


def _policy(c: _Checker, p: Any, where: Mark) -> Policy | None:
    if not c.fields(p, where, "policy", required_fields("policy"), optional_fields("policy")):
        return None
    severities: dict[str, Severity] = {}
    sev = p["severities"]
    if not isinstance(sev, YMap) or not sev:
        c.err("severities: expected a mapping of severity name to {weight, label}", p.at("severities"))
        return None
    for name, spec in sev.items():
        if not IDENT.match(name):
            c.err(f"severity {name!r} must be a lowercase identifier", sev.key_at(name))
            continue
        if not c.fields(
            spec, sev.at(name), f"severity {name!r}", required_fields("severity"), optional_fields("severity")
        ):
            continue
        weight = c.number(spec, "weight")
        label = c.text(spec, "label", f"severity {name!r}", required=False) or Text({"en": name})
        # a bad weight is reported once; the severity still exists, so rules naming it are not errors too
        severities[name] = Severity(name, weight if weight is not None else 0.0, label)
    thresholds: dict[str, Threshold] = {}
    for key in ("decline_if", "caution_if"):
        spec = p.get(key)
        if spec is None:
            thresholds[key] = Threshold()
            continue
        if not c.fields(spec, p.at(key), key, required_fields("threshold"), optional_fields("threshold")):
            continue
        names = spec.get("any_severity")
        if names is None:
            names = YList()
            names.item_marks, names.raw = [], {}
        elif not isinstance(names, YList):
            c.err("any_severity: expected a list of severity names", spec.at("any_severity"))
            names = YList()
            names.item_marks, names.raw = [], {}
        for i, n in enumerate(names):
            if n not in severities:
                c.err(f"any_severity: unknown severity {n!r}{suggest(str(n), list(severities))}", names.at(i))
        counts: list[tuple[str, int]] = []
        raw_counts = spec.get("count")
        if raw_counts is not None and not isinstance(raw_counts, YMap):
            c.err(
                "count: expected a mapping of severity name to a number of red flags, e.g. {high: 2}", spec.at("count")
            )
        elif raw_counts is not None:
            for sev_name, n in raw_counts.items():
                if sev_name not in severities:
                    c.err(
                        f"count: unknown severity {sev_name!r}{suggest(str(sev_name), list(severities))}",
                        raw_counts.key_at(sev_name),
                    )
                elif not isinstance(n, int) or isinstance(n, bool) or n < 1:
                    c.err(
                        f"count.{sev_name}: expected a whole number of red flags (1 or more), got {n!r}",
                        raw_counts.at(sev_name),
                    )
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
        c.err("examples: expected a list of {answers, fires}", r.at("examples"))
        return ()
    out: list[Example] = []
    for i, ex in enumerate(raw):
        if not c.fields(ex, raw.at(i), "an example", required_fields("example"), optional_fields("example")):
            continue
        expected = ex.get("verdict")
        if "verdict" in ex and expected not in VERDICTS:
            c.err(
                f"verdict: expected one of {', '.join(VERDICTS)}, got {expected!r}{suggest(str(expected), VERDICTS)}",
                ex.at("verdict"),
            )
            continue
        fires = ex["fires"]
        if not isinstance(fires, bool) and fires not in severities:
            allowed = ", ".join(["true", "false", *sorted(severities)])
            c.err(f"fires: expected one of {allowed}, got {fires!r}", ex.at("fires"))
            continue
        data = ex["answers"]
        where_answers = ex.at("answers")
        origin = where_answers.file
        locate = data.key_at if isinstance(data, YMap) else (lambda key, m=where_answers: m)
        try:
            answers = answers_mod.validate(data, catalog_stub, origin, locate)
        except AnswersError as exc:
            c.problems.extend(exc.problems)
            continue
        out.append(Example(answers.values, fires, raw.at(i), expected))
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
    if not c.fields(r, where, "a rule", required_fields("rule"), optional_fields("rule")):
        if not isinstance(r, YMap) or "id" not in r:
            return None
    rid = c.ident(r, "id", RULE_ID, "a rule id")
    kind = r.get("kind")
    if kind not in RULE_KINDS:
        c.err(
            f"kind: {kind!r} is not a rule kind ({', '.join(RULE_KINDS)}){suggest(str(kind), RULE_KINDS)}", r.at("kind")
        )
        return None
    title = c.text(r, "title", "a rule")
    why = c.text(r, "why", "a rule")
    advice = c.text(r, "advice", "a rule")
    source = r.get("source")
    if "source" in r and sources and source not in sources:
        c.err(
            f"source: unknown source {source!r} (sources: {', '.join(sources)}){suggest(str(source), list(sources))}",
            r.at("source"),
        )
    levels: list[Level] = []
    severities = set(policy.severities)

    named: set[str] = set()  # every valid severity the rule names, even on a level that failed

    def severity_of(m: YMap) -> str | None:
        name = m.get("severity")
        if name in policy.severities:
            named.add(str(name))
            return str(name)
        c.err(
            f"severity: {name!r} is not a severity ({', '.join(policy.severities)}){suggest(str(name), list(severities))}",
            m.at("severity") if "severity" in m else m.mark,
        )
        return None

    if kind == "red-flag":
        if "levels" in r:
            for key in ("when", "severity", "weight"):
                if key in r:
                    c.err(f"{key}: a rule with levels sets {key!r} on each level", r.key_at(key))
            raw_levels = r["levels"]
            if not isinstance(raw_levels, YList) or not raw_levels:
                c.err("levels: expected a non-empty list of {when, severity}", r.at("levels"))
            else:
                for i, lv in enumerate(raw_levels):
                    if not c.fields(
                        lv, raw_levels.at(i), "a level", required_fields("level"), optional_fields("level")
                    ):
                        continue
                    cond = c.condition(lv, "when", types, rules=rule_ids)
                    sev = severity_of(lv)
                    if cond is not None and sev is not None:
                        weight = c.number(lv, "weight", policy.severities[sev].weight)
                        assert weight is not None
                        levels.append(Level(cond, sev, weight, c.text(lv, "advice", "a level", required=False)))
        else:
            for key in ("when", "severity"):
                if key not in r:
                    c.err(f"a red flag needs {key!r} (or 'levels')", r.mark)
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
                c.err(f"{key}: a {kind} takes no {key!r}", r.key_at(key))
        if "when" not in r:
            c.err(f"a {kind} needs 'when'", r.mark)
        else:
            cond = c.condition(r, "when", types, rules=rule_ids)
            default = policy.good_sign_weight if kind == "good-sign" else 0.0
            weight = c.number(r, "weight", default) if kind == "good-sign" else 0.0
            if cond is not None:
                levels.append(Level(cond, None, weight if weight is not None else default))
    # the severities the rule names, not only those of levels that compiled: a typo in one
    # level's condition must not also make every example that expects that level an error
    examples = _examples(c, r, stub, named)
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
    if not c.fields(tree, top, "a rules file", required_fields("rules_file"), optional_fields("rules_file")):
        if not isinstance(tree, YMap):
            return [], None, {}, display, DEFAULT_LATE_WINDOW
    if "version" in tree and tree["version"] != 1:
        c.err(f"version: this clientcheck reads version 1, got {tree['version']!r}", tree.at("version"))
    sources: dict[str, Text] = {}
    raw_sources = tree.get("sources")
    if raw_sources is not None:
        if not isinstance(raw_sources, YMap):
            c.err("sources: expected a mapping of source id to its title", tree.at("sources"))
        else:
            for sid in raw_sources:
                t = c.text(raw_sources, sid, "sources")
                if t is not None:
                    sources[sid] = t
    window = _history_settings(c, tree)
    policy = _policy(c, tree["policy"], tree.at("policy")) if "policy" in tree else None
    rules: list[Rule] = []
    raw_rules = tree.get("rules")
    if policy is None:
        return rules, None, sources, display, window
    if not isinstance(raw_rules, YList):
        c.err("rules: expected a list of rules", tree.at("rules") if "rules" in tree else top)
        return rules, policy, sources, display, window
    types = {qid: q.var_type() for qid, q in questions.items()}
    stub = Catalog(questions, tuple(sections), (), policy, sources, "")
    first_seen: dict[str, Mark] = {}
    # every rule id in the file, so that fired() can name a rule that comes later
    rule_ids = tuple(str(r["id"]) for r in raw_rules if isinstance(r, YMap) and isinstance(r.get("id"), str))
    for i, raw in enumerate(raw_rules):
        rule = _rule(c, raw, raw_rules.at(i), types, policy, sources, stub, rule_ids)
        if rule is None:
            continue
        if rule.id in first_seen:
            c.err(f"duplicate rule id {rule.id!r} (first at {first_seen[rule.id]})", raw.at("id"))
            continue
        first_seen[rule.id] = raw.at("id")
        rules.append(rule)
    _check_cycles(c, rules)
    return rules, policy, sources, display, window


def _check_cycles(c: _Checker, rules: list[Rule]) -> None:
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
                    c.err(f"rules read each other through fired() in a loop: {chain}", start.mark)
                break
            if rid in seen or rid not in by_id:
                continue
            seen.add(rid)
            stack.extend((ref, (*path, rid)) for ref in by_id[rid].refs)


DEFAULT_LATE_WINDOW = 365


def _history_settings(c: _Checker, tree: YMap) -> int | None:
    """The late-payments window in days (None: count every late payment ever recorded)."""
    spec = tree.get("history")
    if spec is None or not c.fields(
        spec, tree.at("history"), "history", required_fields("history"), optional_fields("history")
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
    c.err(
        f"{key}: expected a whole number of days from 1 to {MAX_WINDOW_DAYS:,}, or null for no window; got {value!r}",
        spec.at(key),
    )
    return DEFAULT_LATE_WINDOW


@dataclass(frozen=True)
class Loaded:
    """What one load found: the catalog if there was no problem, and every problem otherwise."""

    catalog: Catalog | None
    problems: tuple[ClientcheckError, ...]
    files: tuple[str, ...]
    trees: tuple[tuple[str, Any], ...] = ()  # ("rules" | "questions", YAML tree as validated)


def load(rules_path: Path | None = None, questions_dir: Path | None = None) -> Loaded:
    """Load and validate without raising: for lint, which reports problems next to its own warnings."""
    rules_path = rules_path or bundled_rules()
    questions_dir = questions_dir or bundled_questions()
    c = _Checker()
    digest = hashlib.sha256()
    disabled: dict[str, Mark] = {}
    with node_budget(MAX_LOAD_NODES):
        questions, sections, qfiles = load_questions(questions_dir, c, digest, disabled)
        if questions or not c.problems:
            rules, policy, sources, rfile, window = load_rules(rules_path, questions, sections, c, digest, disabled)
        else:
            # No question could be read: every condition would be an "unknown question". Report
            # only what is wrong with the rules file as a file, and the questions' own problems.
            scratch = _Checker()
            rules, policy, sources, rfile, window = load_rules(
                rules_path, questions, sections, scratch, digest, disabled
            )
            c.problems.extend(p for p in scratch.problems if p.mark is None or isinstance(p, YamlError))
            c.trees.extend(scratch.trees)
            policy = None
    if policy is not None:  # issue 16: client-facing texts, and every placeholder checked
        from clientcheck.placeholders import attach

        rules = attach(c, rules, questions, next((tree for kind, tree in c.trees if kind == "rules"), None))
    files = (rfile, *qfiles)
    if policy is None and not c.problems:  # every way to get here reports why; this is a safety net
        c.err("the rules file has no usable policy", Mark(rfile, 1))
    if c.problems or policy is None:
        return Loaded(None, tuple(c.problems), files, tuple(c.trees))
    catalog = Catalog(questions, tuple(sections), tuple(rules), policy, sources, digest.hexdigest(), files, window)
    return Loaded(catalog, (), files, tuple(c.trees))


def load_catalog(rules_path: Path | None = None, questions_dir: Path | None = None) -> Catalog:
    """Load and validate; raises ConfigError listing every problem found."""
    loaded = load(rules_path, questions_dir)
    if loaded.catalog is None:
        raise ConfigError(list(loaded.problems))
    return loaded.catalog
