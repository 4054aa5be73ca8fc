"""`clientcheck lint`: every problem of the files in effect, and the warnings on top of them.

Errors are the loader's own (the same messages a `check` would refuse with). Warnings are
things that load but probably do not do what the author meant: a question no rule uses, a
text missing in a language the other texts have, a YAML 1.1 reading such as `no` -> false,
a rule or a level that can never fire, a question that is never asked, an example of a rule
that depends on today's date without a `today:` of its own (it would pass one day and fail the next).
Errors do not hide warnings: whatever loaded is checked, and what did not is named in the report.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from itertools import product
from pathlib import Path
from typing import Any, Literal

from clientcheck import qtypes
from clientcheck.answers import yaml11_base
from clientcheck.conditions import BoolOp, Compare, Condition, ListLit, Lit, Name, Neg, Node, Not, walk
from clientcheck.errors import Mark
from clientcheck.evaluate import rule_outcome
from clientcheck.i18n import t
from clientcheck.model import Catalog, Question, Rule
from clientcheck.schema import OBJECTS
from clientcheck.yamlsrc import YList, YMap

Level = Literal["error", "warning"]
MAX_COMBINATIONS = 20_000  # per rule: beyond this the search is skipped, never guessed
_ABSENT = object()

_YAML11_BOOL = {"y", "yes", "n", "no", "on", "off"}


@dataclass(frozen=True)
class Diagnostic:
    level: Level
    message: str
    mark: Mark | None

    def __str__(self) -> str:
        where = f"{self.mark}: " if self.mark else ""
        return f"{where}{self.level}: {self.message}"

    def as_dict(self) -> dict[str, Any]:
        m = self.mark
        return {
            "file": m.file if m else None,
            "line": m.line if m and m.line else None,
            "col": m.col if m and m.col else None,
            "level": self.level,
            "message": self.message,
        }


@dataclass(frozen=True)
class Report:
    diagnostics: tuple[Diagnostic, ...]
    files: tuple[str, ...]
    # rules and questions whose errors kept them from loading: the warnings that need a loaded
    # rule or question (unused, never fires, no reply text, an example's today) wait for the fix
    unchecked_rules: tuple[str, ...] = ()
    unchecked_questions: tuple[str, ...] = ()

    @property
    def errors(self) -> int:
        return sum(d.level == "error" for d in self.diagnostics)

    @property
    def warnings(self) -> int:
        return sum(d.level == "warning" for d in self.diagnostics)


def lint(rules_path: Path | None, questions_dir: Path | None, lang: str = "en") -> Report:
    from clientcheck.loader import load

    loaded = load(rules_path, questions_dir)
    found: list[Diagnostic] = []
    for p in loaded.problems:
        if p.mark is None and ": " in p.message:
            # "file: no such file": the file is the place
            name, _, rest = p.message.partition(": ")
            found.append(Diagnostic("error", rest, Mark(name, 0)))
        else:
            found.append(Diagnostic("error", p.message, p.mark))
    warnings: list[Diagnostic] = []
    warnings += _yaml11(loaded.trees, lang)
    warnings += _languages(loaded.trees, lang)
    # Errors or not, every rule and question that loaded is checked: one mistake must not hide
    # the warnings about the rest. Only what did not load waits (and the report names it).
    catalog = loaded.partial
    rule_ids, question_ids = _ids(loaded.trees)
    if catalog is not None:
        # with errors, a rule or question may have loaded without the part in error (a level whose
        # condition does not parse): every `when` in the files then counts, loaded or not
        whole = ({r.id for r in catalog.rules}, set(catalog.questions)) if not found else (set(), set())
        also_used = _names_in_whens(loaded.trees, *whole)
        warnings += _unused(catalog, lang, also_used)
        warnings += _no_reply(catalog, lang, _partly_loaded(loaded.trees, catalog))
        warnings += _drifting_examples(catalog, lang)
        warnings += _unreachable(catalog, loaded.trees, lang)
        rule_ids = [r for r in rule_ids if catalog.rule(r) is None]
        question_ids = [q for q in question_ids if q not in catalog.questions]
    taken = {(str(d.mark)) for d in found}
    warnings = [w for w in warnings if str(w.mark) not in taken]  # an error at the same place says it already
    warnings += _yaml11_choice_errors(loaded.trees, lang)  # says more than the error at its place
    unchecked = (tuple(dict.fromkeys(rule_ids)), tuple(dict.fromkeys(question_ids))) if found else ((), ())
    return Report((*found, *_sorted(warnings)), loaded.files, *unchecked)


def _ids(trees: tuple[tuple[str, Any], ...]) -> tuple[list[str], list[str]]:
    """The ids of every rule and question the files write (those that load and those that do not)."""
    found: dict[str, list[str]] = {"rules": [], "questions": []}
    for fmt, tree in trees:
        items = tree.get(fmt) if isinstance(tree, YMap) else None
        if isinstance(items, YList):
            found[fmt] += [str(i["id"]) for i in items if isinstance(i, YMap) and isinstance(i.get("id"), str)]
    return found["rules"], found["questions"]


_WORD = re.compile(r"[a-z][a-z0-9_]*")


def _names_in_whens(trees: tuple[tuple[str, Any], ...], rules: set[str], questions: set[str]) -> set[str]:
    """Every word in the `when` of a rule or question that did not load: a question it names is not unused.

    The condition could not be compiled, so its words are all the names there are; a word that
    is not a question id (a function, `and`) matches nothing, and one inside quotes at worst
    keeps a question from being called unused."""
    out: set[str] = set()
    for fmt, tree in trees:
        items = tree.get(fmt) if isinstance(tree, YMap) else None
        loaded = rules if fmt == "rules" else questions
        for item in items if isinstance(items, YList) else ():
            if not isinstance(item, YMap) or item.get("id") in loaded:
                continue
            levels = item.get("levels")
            for part in [item, *(levels if isinstance(levels, YList) else ())]:
                when = part.get("when") if isinstance(part, YMap) else None
                if isinstance(when, str):
                    out.update(_WORD.findall(when))
    return out


def _sorted(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    def key(d: Diagnostic) -> tuple[str, int, int]:
        m = d.mark
        return (m.file, m.line, m.col) if m else ("", 0, 0)

    return sorted(dict.fromkeys(diagnostics), key=key)


# ---------------------------------------------------------------- walking the trees


def _walk(value: Any) -> Iterator[YMap | YList]:
    stack = [value]
    while stack:
        v = stack.pop()
        if isinstance(v, YMap):
            yield v
            stack.extend(v.values())
        elif isinstance(v, YList):
            yield v
            stack.extend(v)


def _yaml11(trees: tuple[tuple[str, Any], ...], lang: str) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    for fmt, tree in trees:
        for node in _walk(tree):
            items: list[tuple[Any, str, Mark]]
            if isinstance(node, YMap):
                items = [(node[k], raw, node.at(k)) for k, raw in node.raw.items() if k in node]
            else:
                items = [(node[i], raw, node.at(i)) for i, raw in node.raw.items() if i < len(node)]
            for value, raw, mark in items:
                if isinstance(value, bool) and raw.lower() in _YAML11_BOOL:
                    word = "true" if value else "false"
                    out.append(Diagnostic("warning", t(lang, "lint.yaml11_bool", raw=raw, value=word), mark))
                elif isinstance(value, int) and not isinstance(value, bool) and yaml11_base(raw) is not None:
                    out.append(Diagnostic("warning", t(lang, "lint.yaml11_number", raw=raw, value=value), mark))
        if fmt == "questions" and isinstance(tree, YMap) and isinstance(tree.get("questions"), YList):
            for q in tree["questions"]:
                choices = q.get("choices") if isinstance(q, YMap) else None
                if not isinstance(choices, YList):
                    continue
                for ch in choices:
                    cid = ch.get("id") if isinstance(ch, YMap) else None
                    if isinstance(cid, str) and cid.lower() in _YAML11_BOOL:
                        out.append(Diagnostic("warning", t(lang, "lint.yaml11_choice", id=cid), ch.at("id")))
    return out


def _yaml11_choice_errors(trees: tuple[tuple[str, Any], ...], lang: str) -> list[Diagnostic]:
    """An unquoted `id: yes` is an error ("write it in quotes"); quoting it would only bring the
    warning that a choice id `yes` is a trap in answers files. Said in the same run."""
    out: list[Diagnostic] = []
    for fmt, tree in trees:
        items = tree.get("questions") if fmt == "questions" and isinstance(tree, YMap) else None
        for q in items if isinstance(items, YList) else ():
            choices = q.get("choices") if isinstance(q, YMap) else None
            for ch in choices if isinstance(choices, YList) else ():
                raw = ch.raw.get("id") if isinstance(ch, YMap) else None
                if raw is not None and raw.lower() in _YAML11_BOOL and isinstance(ch.get("id"), bool):
                    out.append(Diagnostic("warning", t(lang, "lint.yaml11_choice", id=raw), ch.at("id")))
    return out


def _texts(value: Any, schema: Mapping[str, Any], key: str, found: list[tuple[str, YMap]]) -> None:
    """Every multilingual text in a tree, found through the field table (so no field is missed)."""
    ref = schema.get("$ref", "")
    name = ref.rsplit("/", 1)[-1]
    if name == "text":
        if isinstance(value, YMap):
            found.append((key, value))
        return
    if name in OBJECTS:
        if isinstance(value, YMap):
            for f in OBJECTS[name]:
                if f.name in value:
                    _texts(value[f.name], f.schema, f.name, found)
        return
    if isinstance(value, YList) and "items" in schema:
        for item in value:
            _texts(item, schema["items"], key, found)
    elif isinstance(value, YMap) and isinstance(schema.get("additionalProperties"), dict):
        for k, v in value.items():
            _texts(v, schema["additionalProperties"], f"{key}.{k}", found)


def _languages(trees: tuple[tuple[str, Any], ...], lang: str) -> list[Diagnostic]:
    found: list[tuple[str, YMap]] = []
    for fmt, tree in trees:
        _texts(tree, {"$ref": f"#/$defs/{fmt}_file"}, "", found)
    everywhere = {code for _, m in found for code in m}
    out: list[Diagnostic] = []
    for key, m in found:
        missing = sorted(everywhere - set(m))
        if missing:
            codes = ", ".join(missing)
            out.append(Diagnostic("warning", t(lang, "lint.missing_language", field=key, langs=codes), m.mark))
    return out


# ---------------------------------------------------------------- unused questions


def _unused(catalog: Catalog, lang: str, also_used: set[str]) -> list[Diagnostic]:
    used: set[str] = {n for r in catalog.rules for n in r.names} | also_used
    used |= {n for q in catalog.questions.values() if q.when is not None for n in q.when.names}
    return [
        Diagnostic("warning", t(lang, "lint.unused", id=q.id), q.mark)
        for q in catalog.questions.values()
        if q.id not in used and q.type != "text"  # text answers are for the record, not for rules
    ]


def _partly_loaded(trees: tuple[tuple[str, Any], ...], catalog: Catalog) -> set[str]:
    """Rules that loaded without a level in error: their levels' texts are not known to be missing."""
    out: set[str] = set()
    for fmt, tree in trees:
        items = tree.get("rules") if fmt == "rules" and isinstance(tree, YMap) else None
        for item in items if isinstance(items, YList) else ():
            levels = item.get("levels") if isinstance(item, YMap) else None
            if isinstance(levels, YList):
                rule = catalog.rule(str(item.get("id")))
                if rule is not None and len(rule.levels) != len(levels):
                    out.add(rule.id)
    return out


def _no_reply(catalog: Catalog, lang: str, partly: set[str]) -> list[Diagnostic]:
    """Red flags and good signs that `clientcheck reply` would leave out: no client-facing text."""
    out: list[Diagnostic] = []
    for rule in catalog.rules:
        if rule.kind == "note" or rule.client_reason is not None or rule.client_offer is not None:
            continue
        if rule.id in partly:  # its texts wait for the level in error to be fixed
            continue
        bare = [i + 1 for i, lv in enumerate(rule.levels) if lv.client_reason is None and lv.client_offer is None]
        if len(bare) == len(rule.levels):
            out.append(Diagnostic("warning", t(lang, "lint.no_reply", id=rule.id), rule.mark))
        elif bare:
            levels = ", ".join(str(n) for n in bare)
            out.append(Diagnostic("warning", t(lang, "lint.no_reply_levels", id=rule.id, levels=levels), rule.mark))
    return out


def _drifting_examples(catalog: Catalog, lang: str) -> list[Diagnostic]:
    """Examples without `today:` of rules whose outcome depends on the day (also through fired())."""
    from clientcheck.rulestest import dated_rules

    dated = dated_rules(catalog)
    return [
        Diagnostic("warning", t(lang, "lint.example_drifts", id=rule.id), ex.mark)
        for rule in catalog.rules
        if rule.id in dated
        for ex in rule.examples
        if ex.today is None
    ]


# ---------------------------------------------------------------- rules that can never fire


def _simple(node: Node) -> bool:
    """Conditions the search below decides exactly: every comparison is a question against literals."""
    if isinstance(node, (Lit, Name)):
        return True
    if isinstance(node, Not):
        return _simple(node.operand)
    if isinstance(node, BoolOp):
        return all(_simple(o) for o in node.operands)
    if isinstance(node, Compare):
        sides = (node.left, node.right)
        names = [s for s in sides if isinstance(s, Name)]
        literal = [s for s in sides if _literal(s) is not None or isinstance(s, ListLit)]
        return len(names) + len(literal) == 2 and len(names) >= 1
    return False


def _literal(node: Node) -> float | str | bool | None:
    if isinstance(node, Lit) and isinstance(node.value, (bool, int, float, str)):
        return node.value
    if isinstance(node, Neg) and isinstance(node.operand, Lit) and isinstance(node.operand.value, (int, float)):
        return -node.operand.value
    return None


def _literals(tree: Node, out: dict[str, set[Any]]) -> None:
    """The literals each question is compared with, anywhere in the tree (inside count() too)."""
    for node in walk(tree):
        if not isinstance(node, Compare):
            continue
        for side, other in ((node.left, node.right), (node.right, node.left)):
            if isinstance(side, Name):
                if isinstance(other, ListLit):
                    out.setdefault(side.name, set()).update(i.value for i in other.items)
                value = _literal(other)
                if value is not None:
                    out.setdefault(side.name, set()).add(value)


def _domain(q: Question, literals: set[Any]) -> list[Any] | None:
    values = qtypes.of(q).domain(q, literals)
    return None if values is None else [_ABSENT, *values]


@dataclass(frozen=True)
class _Search:
    order: tuple[str, ...]  # question ids, in interview order
    domains: tuple[list[Any], ...]


def _search_space(catalog: Catalog, conditions: list[Condition]) -> _Search | None:
    names: set[str] = set()
    todo = [n for c in conditions for n in c.names]
    gates: list[Condition] = []
    while todo:
        n = todo.pop()
        if n in names:
            continue
        names.add(n)
        gate = catalog.questions[n].when
        if gate is not None:
            gates.append(gate)
            todo.extend(gate.names)
    every = [*conditions, *gates]
    if any(c.refs for c in every):
        return None  # another rule's outcome: not a search over this rule's answers
    # Two kinds of condition are searched exactly: questions compared with literals (the
    # literals say which answers differ), or anything at all over questions whose answers are
    # few (yes/no, choices): every answer is tried.
    finite = all(catalog.questions[n].type in ("yesno", "choice", "multi") for n in names)
    if not finite and not all(_simple(c.tree) for c in every):
        return None
    literals: dict[str, set[Any]] = {}
    for c in every:
        _literals(c.tree, literals)
    if finite and not all(_simple(c.tree) for c in every):
        # count(multi) and friends see every choice, not only those named in the conditions
        for n in names:
            literals.setdefault(n, set()).update(catalog.questions[n].choice_ids)
    order = tuple(q for q in catalog.questions if q in names)
    domains: list[list[Any]] = []
    size = 1
    for qid in order:
        d = _domain(catalog.questions[qid], literals.get(qid, set()))
        if d is None:
            return None
        size *= len(d)
        if size > MAX_COMBINATIONS:
            return None
        domains.append(d)
    return _Search(order, tuple(domains))


def _envs(catalog: Catalog, space: _Search, gated: bool) -> Iterator[dict[str, Any]]:
    """Every distinct situation the answers can make, as the rules see it (evaluate.effective)."""
    for combo in product(*space.domains):
        env: dict[str, Any] = {}
        for qid, value in zip(space.order, combo, strict=True):
            if value is _ABSENT:
                continue
            gate = catalog.questions[qid].when
            if gated and gate is not None and gate(env) is False:
                continue
            env[qid] = value
        yield env


def _level_marks(trees: tuple[tuple[str, Any], ...]) -> dict[str, list[Mark]]:
    out: dict[str, list[Mark]] = {}
    for fmt, tree in trees:
        if fmt != "rules" or not isinstance(tree, YMap) or not isinstance(tree.get("rules"), YList):
            continue
        for r in tree["rules"]:
            if isinstance(r, YMap) and isinstance(r.get("levels"), YList):
                out.setdefault(str(r.get("id")), [r["levels"].at(i) for i in range(len(r["levels"]))])
    return out


def _unreachable(catalog: Catalog, trees: tuple[tuple[str, Any], ...], lang: str) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    level_marks = _level_marks(trees)
    for rule in catalog.rules:
        out += _rule_reach(catalog, rule, level_marks.get(rule.id, []), lang)
    for q in catalog.questions.values():
        if q.when is None:
            continue
        space = _search_space(catalog, [q.when])
        if space is not None and not any(q.when(env) is True for env in _envs(catalog, space, True)):
            out.append(Diagnostic("warning", t(lang, "lint.never_asked", id=q.id, when=q.when.source), q.mark))
    return out


def _rule_reach(catalog: Catalog, rule: Rule, marks: list[Mark], lang: str) -> list[Diagnostic]:
    conditions = [lv.when for lv in rule.levels]
    space = _search_space(catalog, conditions)
    if space is None:
        return []
    first: set[int] = set()  # levels that fire in some situation
    alone: set[int] = set()  # levels whose condition is true in some situation
    for env in _envs(catalog, space, True):
        # which level fires is the engine's to say (a level waits for earlier undecided ones)
        outcome = rule_outcome(catalog, rule, env)
        if outcome.status == "fired" and outcome.level is not None:
            first.add(outcome.level)
        alone.update(i for i, c in enumerate(conditions) if c(env) is True)
    if not first:
        ungated = any(any(c(env) is True for c in conditions) for env in _envs(catalog, space, False))
        if ungated:
            gates = {n: q.when for n in rule.names if (q := catalog.questions[n]).when is not None}
            needs = "; ".join(t(lang, "lint.asked_only_when", id=n, when=w.source) for n, w in gates.items() if w)
            return [Diagnostic("warning", t(lang, "lint.never_fires_gated", id=rule.id, needs=needs), rule.mark)]
        return [Diagnostic("warning", t(lang, "lint.never_fires", id=rule.id), rule.mark)]
    out: list[Diagnostic] = []
    if len(conditions) > 1:
        for i in range(len(conditions)):
            if i in first:
                continue
            mark = marks[i] if i < len(marks) else rule.mark
            key = "lint.level_shadowed" if i in alone else "lint.level_never_true"
            out.append(Diagnostic("warning", t(lang, key, n=i + 1, id=rule.id), mark))
    return out
