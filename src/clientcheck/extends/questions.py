"""A questions folder that extends another: the files in effect, `disable:` and `override:` of questions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from clientcheck.conditions import suggest
from clientcheck.errors import ClientcheckError, Mark
from clientcheck.extends.base import (
    MAX_QUESTION_FILES,
    Reporter,
    _ids,
    _unwrap_chain,
    condition_names,
    copy_list,
    copy_map,
    drop_keys,
    put,
    resolve_base,
)
from clientcheck.files import note, read_text
from clientcheck.i18n import say
from clientcheck.schema import OBJECTS, extension
from clientcheck.yamlsrc import YList, YMap, parse_document


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
