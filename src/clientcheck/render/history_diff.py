"""`clientcheck diff`: what changed between two assessments, as tables (blocks on a narrow terminal)."""

from __future__ import annotations

from typing import Any

from clientcheck import fmt
from clientcheck.history.compare import Diff
from clientcheck.history.location import client_key
from clientcheck.history.records import Assessment
from clientcheck.i18n import t
from clientcheck.model import Catalog
from clientcheck.render.history_cells import console, text, when
from clientcheck.render.names import severity_name, verdict_word


def _title(a: Assessment, rule_id: str, lang: str) -> str:
    data = a.stored_verdict(lang)
    for key in ("findings", "good_signs", "notes"):
        for f in data.get(key, []):
            if f.get("id") == rule_id and f.get("title"):
                return f"{f['title']} ({rule_id})"
    return rule_id


def _shown(catalog: Catalog, qid: str, stored: dict[str, Any], lang: str) -> str:
    from clientcheck.answers import coerce
    from clientcheck.render.table import show_answer

    if qid not in stored:
        return t(lang, "history.not_answered")
    q = catalog.questions.get(qid)
    value = stored[qid]
    if q is not None:
        try:
            value = coerce(q, value)
        except ValueError:
            return str(value)
    return show_answer(catalog, qid, value, lang)


def print_diff(d: Diff, catalog: Catalog, lang: str, quiet: bool = False) -> None:
    """Heading, the verdict (and whether the rules changed), the answers that changed, the rules that moved."""
    from rich.console import Group
    from rich.table import Table

    from clientcheck.render.table import COLOURS, NARROW, hang

    a, b = d.before, d.after
    out = console()
    same = client_key(a.client) == client_key(b.client)
    head = t(
        lang,
        "history.diff.head" if same else "history.diff.head.two",
        client=b.client,
        a_client=a.client,
        b_client=b.client,
        a=a.id,
        a_when=when(a.created_at, lang),
        b=b.id,
        b_when=when(b.created_at, lang),
    )
    out.print(text(head, "bold"))
    line = text("")
    if a.verdict != b.verdict:
        line.append(t(lang, "history.diff.verdict") + ": ")
        line.append(f" {verdict_word(lang, a.verdict)} ", COLOURS[a.verdict])
        line.append(" → ")
        line.append(f" {verdict_word(lang, b.verdict)} ", COLOURS[b.verdict])
    else:
        line.append(t(lang, "history.diff.same_verdict") + ": ")
        line.append(f" {verdict_word(lang, b.verdict)} ", COLOURS[b.verdict])
    line.append(f"  ({t(lang, 'history.col.score').lower()} {fmt.short(a.score)} → {fmt.short(b.score)})")
    out.print(line)
    if a.rules_digest != b.rules_digest:
        out.print(
            text(t(lang, "history.diff.rules_changed", before=a.rules_digest[:12], after=b.rules_digest[:12]), "yellow")
        )
    mark = f" ({t(lang, 'history.from_history_mark')})"
    if d.answers and out.width < NARROW:  # blocks: question, its id, then was → now
        blocks: list[Any] = [text(t(lang, "history.diff.answers"), "bold")]
        for qid in d.answers:
            q = catalog.questions.get(qid)
            change = text(_shown(catalog, qid, dict(a.answers), lang) + (mark if qid in a.from_history else ""))
            change.append(" → ")
            change.append(_shown(catalog, qid, dict(b.answers), lang) + (mark if qid in b.from_history else ""))
            blocks.append(hang("•", text(q.text.get(lang) if q else qid), text(qid, "dim"), change))
        out.print(Group(*blocks))
    elif d.answers:
        table = Table(title=t(lang, "history.diff.answers"), title_justify="left", expand=True)
        table.add_column(t(lang, "col.question"), ratio=2)
        table.add_column(t(lang, "history.col.was"), ratio=2)
        table.add_column(t(lang, "history.col.now"), ratio=2)
        for qid in d.answers:
            q = catalog.questions.get(qid)
            question = text(q.text.get(lang) + "\n" if q else "")
            question.append(qid, style="dim")
            table.add_row(
                question,
                text(_shown(catalog, qid, dict(a.answers), lang) + (mark if qid in a.from_history else "")),
                text(_shown(catalog, qid, dict(b.answers), lang) + (mark if qid in b.from_history else "")),
            )
        out.print(table)
    elif not quiet:  # a hint: with -q, only what changed is printed
        out.print(text(t(lang, "history.diff.no_answers"), "dim"))
    rows: list[tuple[str, str, str]] = []
    for f in d.flags.gained:
        rows.append((t(lang, "history.diff.gained"), _title(b, f.id, lang), severity_name(catalog, f.severity, lang)))
    for old, new in d.flags.moved:
        sev = f"{severity_name(catalog, old.severity, lang)} → {severity_name(catalog, new.severity, lang)}"
        rows.append((t(lang, "history.diff.moved"), _title(b, new.id, lang), sev))
    for f in d.flags.lost:
        rows.append((t(lang, "history.diff.lost"), _title(a, f.id, lang), severity_name(catalog, f.severity, lang)))
    for f in d.good.gained:
        rows.append((t(lang, "history.diff.good_gained"), _title(b, f.id, lang), ""))
    for f in d.good.lost:
        rows.append((t(lang, "history.diff.good_lost"), _title(a, f.id, lang), ""))
    if rows and out.width < NARROW:
        items = []
        for kind, title, sev in rows:
            line = text(title)
            if sev:
                line.append(f" · {sev}", style="dim")
            items.append(hang("•", text(kind, "bold"), line))
        out.print(Group(*items))
    elif rows:
        table = Table(show_header=False, box=None, pad_edge=False)
        table.add_column(style="bold", no_wrap=True)
        table.add_column()
        table.add_column(style="dim")
        for kind, title, sev in rows:
            table.add_row(text(kind), text(title), text(sev))
        out.print(table)
    elif not quiet:
        out.print(text(t(lang, "history.diff.no_flags"), "dim"))
