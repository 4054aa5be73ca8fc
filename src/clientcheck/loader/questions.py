"""A questions folder (and, through `extends:`, the folder it extends) -> Questions and Sections."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from clientcheck import answers as answers_mod
from clientcheck import extends, units
from clientcheck.bundled import bundled_dir as bundled_dir  # re-exported: part of the loader's API
from clientcheck.bundled import bundled_questions as bundled_questions
from clientcheck.bundled import bundled_rules as bundled_rules
from clientcheck.conditions import VarType, suggest
from clientcheck.errors import Mark
from clientcheck.i18n import detect_language, say
from clientcheck.loader.checker import IDENT, _Checker, _display
from clientcheck.model import (
    CLIENT_KEY,
    QUESTION_TYPES,
    ChecklistItem,
    Choice,
    Question,
    Section,
    Text,
)
from clientcheck.qtypes import TYPES
from clientcheck.schema import optional as optional_fields
from clientcheck.schema import required as required_fields
from clientcheck.yamlsrc import YList, YMap


def _checklists(c: _Checker, trees: list[tuple[str, Any]]) -> dict[str, tuple[Text, Text | None]]:
    """Every file's `checklists`: id -> (its question, its help)."""
    out: dict[str, tuple[Text, Text | None]] = {}
    seen: dict[str, Mark] = {}
    for _, tree in trees:
        groups = tree.get("checklists") if isinstance(tree, YMap) else None
        if groups is None:
            continue
        if not isinstance(groups, YMap):
            c.err(say("cfg.checklists"), tree.at("checklists"))
            continue
        for gid, spec in groups.items():
            if not IDENT.match(gid):
                c.err(say("cfg.checklist_ident", id=gid), groups.key_at(gid))
                continue
            if gid in seen:
                c.err(say("cfg.checklist_duplicate", id=gid, first=seen[gid]), groups.key_at(gid))
                continue
            seen[gid] = groups.key_at(gid)
            what = say("cfg.what.checklist", id=gid)
            if not c.fields(spec, groups.at(gid), what, required_fields("checklist"), optional_fields("checklist")):
                continue
            text = c.text(spec, "text", what)
            if text is not None:
                out[gid] = (text, c.text(spec, "help", what, required=False))
    return out


def _checklist_item(
    c: _Checker, q: YMap, qtype: str, groups: Mapping[str, tuple[Text, Text | None]]
) -> ChecklistItem | None:
    spec = q["checklist"]
    if qtype != "yesno":
        c.err(say("cfg.checklist_yesno", qtype=qtype), q.key_at("checklist"))
        return None
    what = say("cfg.what.checklist_item")
    if not c.fields(
        spec, q.at("checklist"), what, required_fields("checklist_item"), optional_fields("checklist_item")
    ):
        return None
    group = spec.get("group")
    if group not in groups:
        c.err(say("cfg.checklist_unknown", id=group, hint=suggest(str(group), list(groups))), spec.at("group"))
        return None
    item = c.text(spec, "item", what)
    ticked = spec.get("ticked", True)
    if not isinstance(ticked, bool):
        c.err(say("cfg.checklist_ticked"), spec.at("ticked"))
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
    if not c.fields(q, where, say("cfg.what.question"), required_fields("question"), optional_fields("question")):
        if not isinstance(q, YMap) or "id" not in q:
            return None
    qid = c.ident(q, "id", IDENT, say("cfg.what.question_id"))
    qtype = q.get("type")
    if qtype not in QUESTION_TYPES:
        types_ = ", ".join(QUESTION_TYPES)
        c.err(
            say("cfg.question_type", value=qtype, types=types_, hint=suggest(str(qtype), QUESTION_TYPES)), q.at("type")
        )
        return None
    if qid == CLIENT_KEY:
        c.err(say("cfg.client_id", id=CLIENT_KEY), q.at("id"))
        return None
    a_question = say("cfg.what.question")
    text = c.text(q, "text", a_question)
    help_ = c.text(q, "help", a_question, required=False)
    numeric = TYPES[qtype].numeric
    for key in ("unit", "min", "max", "measure"):
        if key in q and not numeric:
            c.err(say("cfg.numeric_only", key=key), q.key_at(key))
    unit, forms = _unit(c, q, a_question) if numeric else (None, ())
    lo, hi = (c.number(q, "min"), c.number(q, "max")) if numeric else (None, None)
    if lo is not None and hi is not None and lo > hi:
        c.err(say("cfg.min_max", lo=lo, hi=hi), q.at("min"))
    measure = q.get("measure") if numeric else None
    if measure is not None and measure not in units.MEASURES:
        c.err(say("cfg.measure", value=measure, measures=", ".join(units.MEASURES)), q.at("measure"))
        measure = None
    seller = q.get("seller", False)
    if not isinstance(seller, bool):
        c.err(say("cfg.seller"), q.at("seller"))
        seller = False
    choices: list[Choice] = []
    if TYPES[qtype].has_choices:
        raw_choices = q.get("choices")
        if not isinstance(raw_choices, YList) or not raw_choices:
            c.err(say("cfg.choices_needed", qtype=qtype), q.at("choices") if "choices" in q else q.mark)
        else:
            seen: set[str] = set()
            for i, ch in enumerate(raw_choices):
                if not c.fields(
                    ch, raw_choices.at(i), say("cfg.what.choice"), required_fields("choice"), optional_fields("choice")
                ):
                    continue
                cid = c.ident(ch, "id", IDENT, say("cfg.what.choice_id"))
                ctext = c.text(ch, "text", say("cfg.what.choice"))
                if cid is None or ctext is None:
                    continue
                if cid in seen:
                    # said once, here; the first stays the choice, so that every later message
                    # listing the choices (conditions, defaults, answers) names each once
                    c.err(say("cfg.duplicate_choice", id=cid), ch.at("id"))
                    continue
                seen.add(cid)
                choices.append(Choice(cid, ctext))
    elif "choices" in q:
        c.err(say("cfg.choices_not_taken", qtype=qtype), q.key_at("choices"))
    when = c.condition(q, "when", types, later) if "when" in q else None
    item = _checklist_item(c, q, qtype, groups or {}) if "checklist" in q else None
    if qid is None or text is None:
        return None
    question = Question(
        qid, qtype, text, section, help_, unit, lo, hi, None, when, tuple(choices), q.mark, measure, seller, item, forms
    )
    if "default" in q:
        try:
            # in the language of the run, as every other problem of the loader (say)
            default = answers_mod.coerce(question, q["default"], q.raw.get("default"), detect_language(None))
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
        c.err(say("cfg.no_questions_dir" if not directory.exists() else "cfg.not_dir"), Mark(shown, 0))
        return questions, sections, files
    if not extends.question_files(directory):
        c.err(say("cfg.no_question_files"), Mark(shown, 0))
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
            tree,
            top,
            say("cfg.what.questions_file"),
            required_fields("questions_file"),
            optional_fields("questions_file"),
        ):
            continue
        sid = c.ident(tree, "section", IDENT, say("cfg.what.section_id"))
        title = c.text(tree, "title", say("cfg.what.questions_file"))
        if sid is not None and sid in section_ids:
            c.err(say("cfg.duplicate_section", id=sid, first=section_ids[sid]), tree.at("section"))
        if sid is not None:
            section_ids[sid] = tree.at("section")
        items = tree["questions"]
        if not isinstance(items, YList):
            c.err(say("cfg.questions_list"), tree.at("questions"))
            continue
        ids: list[str] = []
        for i, raw in enumerate(items):
            later = all_ids[len(types) + 1 :]
            q = _question(c, raw, items.at(i), sid or "", types, later, groups)
            if q is None:
                continue
            if q.id in first_seen:
                c.err(say("cfg.duplicate_question", id=q.id, first=first_seen[q.id]), raw.at("id"))
                continue
            first_seen[q.id] = raw.at("id")
            questions[q.id] = q
            types[q.id] = q.var_type()
            ids.append(q.id)
        if sid is not None and title is not None:
            sections.append(Section(sid, title, tuple(ids)))
    return questions, sections, files


def _unit(c: _Checker, q: YMap, what: str) -> tuple[Text | None, tuple[tuple[str, tuple[str, ...]], ...]]:
    """`unit`: a text, or in a language the word forms that agree with a number, as a list
    (`en: [day, days]`, `ru: [день, дня, дней]`); the last form names the unit where no number does."""
    raw = q.get("unit")
    if not isinstance(raw, YMap) or not any(isinstance(v, YList) for v in raw.values()):
        return c.text(q, "unit", what, required=False), ()
    named = _like(raw, dict(raw))
    forms: list[tuple[str, tuple[str, ...]]] = []
    for lang, value in raw.items():
        if not isinstance(value, YList):
            continue
        words = tuple(w.strip() for w in value if isinstance(w, str) and w.strip())
        if len(words) != len(value) or len(words) != (3 if lang == "ru" else 2):
            c.err(say("cfg.unit_forms.ru" if lang == "ru" else "cfg.unit_forms.other", lang=lang), raw.at(lang))
            del named[lang]
            continue
        forms.append((lang, words))
        named[lang] = words[-1]
    if not named:
        return None, ()
    return c.text(_like(q, {"unit": named}), "unit", what, required=False), tuple(forms)


def _like(m: YMap, items: dict[str, Any]) -> YMap:
    """A mapping of items that reports its problems where m stood."""
    out = YMap(items)
    out.mark, out.key_marks, out.value_marks, out.raw = m.mark, m.key_marks, m.value_marks, m.raw
    return out
