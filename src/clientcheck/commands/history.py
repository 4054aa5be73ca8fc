"""The client history commands: history, show, diff, paid, rescore and import.

clientcheck.history (and with it sqlite3) and Rich are imported inside the commands, so
`--help` and `check` without a client pay for neither. The shared options (--db, --client,
--no-save) live here for `check` and `interview` to use.
"""

from __future__ import annotations

import sys
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from clientcheck import fmt as fmt_
from clientcheck.cli import (
    ColorMode,
    ColorOpt,
    DbOpt,
    Format,
    LangOpt,
    QuestionsOpt,
    QuietOpt,
    RulesOpt,
    app,
    completer,
    language_for,
    load_catalog_for,
)
from clientcheck.cli import quiet as quiet_mode
from clientcheck.errors import UsageError
from clientcheck.i18n import t

if TYPE_CHECKING:
    from rich.console import Console

    from clientcheck.history import Assessment, Fired, History, Rescored
    from clientcheck.model import Catalog


class ListFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


NARROW = 72  # below this, tables of many columns are shown as blocks (render.table.NARROW)


def _console() -> Console:
    from clientcheck.render.table import console

    return console(sys.stdout)


def _text(text: str, style: str = "") -> Any:
    from clientcheck.render.table import plain_text

    return plain_text(text, style)


def _when(moment: datetime, lang: str = "en") -> str:
    return fmt_.moment(moment, lang)


def _verdict_word(lang: str, verdict: str) -> str:
    return t(lang, f"verdict.{verdict}")


def _verdict_cell(lang: str, verdict: str) -> Any:
    from clientcheck.render.table import COLOURS

    return _text(f" {_verdict_word(lang, verdict)} ", COLOURS.get(verdict, ""))


def _num(x: float) -> str:
    return fmt_.short(x)


def _flags(fired: tuple[Fired, ...], labels: dict[str, str] | None = None) -> str:
    names = labels or {}
    return ", ".join(f"{f.id} ({names.get(f.severity, f.severity)})" if f.severity else f.id for f in fired)


def _severity_labels(lang: str) -> dict[str, str]:
    """Severity ids -> their names in lang, from the rules in effect; ids alone if those cannot load
    (a listing of saved assessments must not fail because today's rules file is broken)."""
    from clientcheck.errors import ClientcheckError

    try:
        catalog = load_catalog_for(None, None)
    except ClientcheckError:
        return {}
    return {name: sev.label.get(lang) for name, sev in catalog.policy.severities.items()}


def _json_out(data: Any) -> None:
    import json

    json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
    sys.stdout.flush()


def _say(message: str) -> None:
    """Notes go to stderr, so stdout stays pure data in every format."""
    sys.stderr.write(message + "\n")
    sys.stderr.flush()


def _open(db: Path | None) -> History | None:
    from clientcheck.history import History

    return History.open(db, create=False, readonly=True)


def _need(db: Path | None, lang: str = "en", readonly: bool = True) -> History:
    """The database for a command that reads stored assessments (or, not readonly, adds to what
    they say); a clear error if there is none."""
    from clientcheck.history import History, HistoryError, resolve_path

    found = History.open(db, create=False, readonly=readonly)
    if found is None:
        from clientcheck.errors import Mark

        raise HistoryError(t(lang, "history.err.no_db"), Mark(str(resolve_path(db)), 0))
    return found


def _find(history: History, rid: int, lang: str = "en") -> Assessment:
    from clientcheck.errors import Mark
    from clientcheck.history import HistoryError

    found = history.assessment(rid)
    if found is None:
        raise HistoryError(t(lang, "history.err.no_assessment", id=rid), Mark(str(history.path), 0))
    return found


def _client_names(ctx: Any, incomplete: str) -> list[Any]:
    from clientcheck.completion import CLIENT

    return CLIENT(ctx, incomplete)


ClientOnly = Annotated[
    str | None,
    typer.Option(
        "--client",
        help="The client's name (the same as the CLIENT argument).",
        metavar="NAME",
        autocompletion=_client_names,
    ),
]


def _one_client(argument: str | None, option: str | None, lang: str) -> str | None:
    """CLIENT or --client: one vocabulary with check and interview, and the short form kept."""
    if argument is not None and option is not None and argument != option:
        raise UsageError(t(lang, "history.err.two_clients", argument=argument, option=option))
    return option if option is not None else argument


# ---------------------------------------------------------------- history


@app.command("history")
def history_cmd(
    client_arg: Annotated[
        str | None,
        typer.Argument(
            help="Only this client (case and spacing do not matter); the same as --client.",
            metavar="CLIENT",
            autocompletion=_client_names,
        ),
    ] = None,
    fmt: Annotated[
        ListFormat, typer.Option("--format", "-f", help="Output format (json: everything, for 'clientcheck import').")
    ] = ListFormat.table,
    client_opt: ClientOnly = None,
    color: ColorOpt = ColorMode.auto,
    quiet: QuietOpt = False,
    db: DbOpt = None,
    lang: LangOpt = None,
) -> int:
    """List saved assessments and a client's payments.

    --format json exports everything, for 'clientcheck import'.
    """
    from clientcheck.history import EXPORT_SCHEMA, resolve_path
    from clientcheck.terminal import rich_color, use_color

    language = language_for(lang)
    client = _one_client(client_arg, client_opt, language)
    path = resolve_path(db)
    history = _open(db)
    if history is None:
        if fmt is ListFormat.json:
            _json_out({"schema": EXPORT_SCHEMA, "assessments": [], "payments": [], "outcomes": []})
        elif fmt is ListFormat.csv:
            _csv([], language)
        else:
            _say(t(language, "history.no_db", path=path))
        return 0
    with history:
        if fmt is ListFormat.json:
            _json_out(history.export(client))
            return 0
        assessments = history.assessments(client)
        if fmt is ListFormat.csv:
            _csv(assessments, language)
            return 0
        payments = history.payments(client) if client else []
        from clientcheck.outcomes import outcomes

        found = outcomes(history, client) if client else []  # issue 15: how it went
    with rich_color(use_color(color.value, sys.stdout)):
        _history_table(assessments, payments, client, str(path), language, quiet)
        if found:
            _outcomes_table(found, language)
    return 0


def _csv(assessments: list[Assessment], lang: str) -> None:
    import csv

    from clientcheck.terminal import spreadsheet_cell

    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(
        ["id", "created_at", "client", "language", "verdict", "score", "red_flags", "good_signs", "rules_sha256"]
    )
    for a in assessments:
        out.writerow(
            [
                a.id,
                fmt_.stamp(a.created_at),
                spreadsheet_cell(a.client),  # a name like "=cmd|..." stays text in a spreadsheet
                a.language,
                a.verdict,
                _num(a.score),
                " ".join(f"{f.id}:{f.severity}" for f in a.red_flags),
                " ".join(f.id for f in a.fired if f.kind == "good-sign"),
                a.rules_digest,
            ]
        )
    sys.stdout.flush()


def _history_table(
    assessments: list[Assessment], payments: list[Any], client: str | None, path: str, lang: str, quiet: bool = False
) -> None:
    from rich.table import Table

    from clientcheck.history import describe_tally

    console = _console()
    if assessments and console.width < NARROW:
        console.print(_stacked_assessments(assessments, lang))
    elif assessments:
        labels = _severity_labels(lang)
        table = Table(title=t(lang, "history.title"), title_justify="left", expand=True)
        table.add_column(t(lang, "history.col.id"), no_wrap=True, justify="right")
        table.add_column(t(lang, "history.col.when"), no_wrap=True)
        table.add_column(t(lang, "history.col.client"), ratio=2)
        table.add_column(t(lang, "history.col.verdict"), no_wrap=True)
        table.add_column(t(lang, "history.col.score"), justify="right", no_wrap=True)
        table.add_column(t(lang, "history.col.flags"), ratio=3)
        table.add_column(t(lang, "history.col.rules"), no_wrap=True, style="dim")
        for a in assessments:
            table.add_row(
                str(a.id),
                _when(a.created_at, lang),
                _text(a.client),
                _verdict_cell(lang, a.verdict),
                _num(a.score),
                _text(_flags(a.red_flags, labels)),
                a.rules_digest[:8],
            )
        console.print(table)
    elif client:
        console.print(_text(t(lang, "history.none.client", client=client, path=path)))
        if not quiet:
            console.print(_text(t(lang, "history.none.hint"), "dim"))
    else:
        console.print(_text(t(lang, "history.none", path=path)))
        if not quiet:
            console.print(_text(t(lang, "history.none.hint"), "dim"))
    if client and payments:
        table = Table(title=t(lang, "history.payments"), title_justify="left")
        table.add_column(t(lang, "history.col.paid_on"), no_wrap=True)
        table.add_column(t(lang, "history.col.payment"))
        for p in payments:
            table.add_row(fmt_.day(p.paid_on, lang), _payment_status(p.late, p.days_late, lang))
        console.print(table)
        window = load_catalog_for(None, None).late_window_days
        console.print(_text(describe_tally(payments[-1].client, payments, window, lang)))


def _outcomes_table(found: list[Any], lang: str) -> None:
    from rich.table import Table

    from clientcheck.render.outcome import table as rows

    table = Table(title=t(lang, "history.outcomes"), title_justify="left")
    for key in ("history.col.on", "history.col.assessment", "history.col.outcome", "history.col.counted"):
        table.add_column(t(lang, key))
    for on, assessment, facts, counted in rows(found, lang):
        table.add_row(on, assessment, _text(facts), counted)
    _console().print(table)


def _stacked_assessments(assessments: list[Assessment], lang: str) -> Any:
    """The assessments as blocks, for a narrow terminal: a table of seven columns would break every
    id and name across lines there."""
    from rich.console import Group

    from clientcheck.render.table import hang

    labels = _severity_labels(lang)
    parts: list[Any] = [_text(t(lang, "history.title"), "bold")]
    for a in assessments:
        head = _text(a.client, "bold")
        head.append(f" · {_when(a.created_at, lang)}", style="dim")
        line = _verdict_cell(lang, a.verdict)
        line.append(f" {t(lang, 'history.col.score').lower()} {_num(a.score)}")
        line.append(f" · {t(lang, 'history.col.rules').lower()} {a.rules_digest[:8]}", style="dim")
        rows = [head, line]
        if a.red_flags:
            rows.append(_text(_flags(a.red_flags, labels)))
        parts.append(hang(f"#{a.id}", *rows))
    return Group(*parts)


def _payment_status(late: bool, days: int | None, lang: str) -> Any:
    if not late:
        return _text(t(lang, "history.on_time"), "green")
    return _text(t(lang, "history.late.days", days=days) if days else t(lang, "history.late"), "red")


# ---------------------------------------------------------------- show


@app.command()
def show(
    assessment_id: Annotated[
        int,
        typer.Argument(
            help="The assessment's number, as 'clientcheck history' lists it.",
            metavar="ID",
            autocompletion=completer("ASSESSMENT"),
        ),
    ],
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.table,
    color: ColorOpt = ColorMode.auto,
    quiet: QuietOpt = False,
    db: DbOpt = None,
    lang: LangOpt = None,
    rules: RulesOpt = None,
    questions: QuestionsOpt = None,
) -> int:
    """Show a saved assessment again."""
    from clientcheck.history import reevaluate

    # the language of this run, like every other command (the stored verdict keeps its own texts)
    language = language_for(lang)
    with _need(db, language) as history:
        a = _find(history, assessment_id, language)
    if fmt is Format.json:
        # the verdict exactly as it was when saved, whatever the rules say today
        _json_out(a.stored_verdict(language))
        return 0
    catalog = load_catalog_for(rules, questions)
    verdict, dropped = reevaluate(a, catalog)
    from clientcheck.render.data import verdict_to_dict

    faithful = a.rules_digest == catalog.digest and verdict_to_dict(verdict, catalog, language) == a.stored_verdict(
        language
    )
    from clientcheck.terminal import rich_color, use_color

    with rich_color(use_color(color.value, sys.stdout)):
        _show_table(a, verdict, dropped, faithful or quiet, catalog, language, quiet)
    return 0


def _show_table(
    a: Assessment,
    verdict: Any,
    dropped: tuple[str, ...],
    faithful: bool,
    catalog: Catalog,
    language: str,
    quiet: bool = False,
) -> None:
    from clientcheck.render import get as get_renderer

    console = _console()
    head = t(language, "history.show.head", id=a.id, client=a.client, when=_when(a.created_at, language))
    console.print(_text(f"{head} · {t(language, 'history.col.rules').lower()} {a.rules_digest[:12]}", "bold"))
    if a.from_history and not quiet:
        console.print(_text(t(language, "history.show.from", keys=", ".join(a.from_history)), "dim"))
    if not faithful:
        console.print(
            _text(
                t(
                    language,
                    "history.show.changed",
                    id=a.id,
                    then=a.rules_digest[:12],
                    now=catalog.digest[:12],
                    was_verdict=_verdict_word(language, a.verdict),
                    now_verdict=_verdict_word(language, verdict.verdict),
                ),
                "yellow",
            )
        )
        if dropped:
            console.print(_text(t(language, "history.dropped", ids=", ".join(dropped)), "yellow"))
    sys.stdout.flush()
    get_renderer("table")(verdict, catalog, language, sys.stdout)
    sys.stdout.flush()


# ---------------------------------------------------------------- diff


@app.command()
def diff(
    refs: Annotated[
        list[str] | None,
        typer.Argument(
            help="A client (their latest two assessments), or two assessment numbers.",
            metavar="CLIENT|ID ID",
            autocompletion=completer("ASSESSMENT_OR_CLIENT"),
        ),
    ] = None,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.table,
    client_opt: ClientOnly = None,
    color: ColorOpt = ColorMode.auto,
    quiet: QuietOpt = False,
    db: DbOpt = None,
    lang: LangOpt = None,
    rules: RulesOpt = None,
    questions: QuestionsOpt = None,
) -> int:
    """Show what changed between two assessments.

    The answers that changed, the red flags and good signs gained and lost, and the verdict.
    """
    from clientcheck.history import diff_assessments

    language = language_for(lang)
    refs = list(refs or [])
    if client_opt is not None:
        if refs:
            raise UsageError(t(language, "history.err.diff_both"))
        refs = [client_opt]
    with _need(db, language) as history:
        if len(refs) == 1:
            found = history.assessments(refs[0])
            if len(found) < 2:
                raise UsageError(t(language, "history.err.diff_count", client=refs[0], count=len(found)))
            before, after = found[-2], found[-1]
        elif len(refs) == 2 and all(r.isdigit() for r in refs):
            before, after = (_find(history, int(r), language) for r in refs)
        else:
            raise UsageError(t(language, "history.err.diff_usage"))
    d = diff_assessments(before, after)
    if fmt is Format.json:
        _json_out(d.to_dict())
        return 0
    from clientcheck.terminal import rich_color, use_color

    catalog = load_catalog_for(rules, questions)
    with rich_color(use_color(color.value, sys.stdout)):
        _diff_table(d, catalog, language)
    return 0


def _title(a: Assessment, rule_id: str, lang: str) -> str:
    data = a.stored_verdict(lang)
    for key in ("findings", "good_signs", "notes"):
        for f in data.get(key, []):
            if f.get("id") == rule_id and f.get("title"):
                return f"{f['title']} ({rule_id})"
    return rule_id


def _severity(catalog: Catalog, name: str | None, lang: str) -> str:
    if name is None:
        return ""
    sev = catalog.policy.severities.get(name)
    return sev.label.get(lang) if sev else name


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


def _diff_table(d: Any, catalog: Catalog, lang: str) -> None:
    from rich.table import Table

    from clientcheck.render.table import COLOURS

    a, b = d.before, d.after
    console = _console()
    from clientcheck.history import client_key

    same = client_key(a.client) == client_key(b.client)
    head = t(
        lang,
        "history.diff.head" if same else "history.diff.head.two",
        client=b.client,
        a_client=a.client,
        b_client=b.client,
        a=a.id,
        a_when=_when(a.created_at, lang),
        b=b.id,
        b_when=_when(b.created_at, lang),
    )
    console.print(_text(head, "bold"))
    line = _text("")
    if a.verdict != b.verdict:
        line.append(t(lang, "history.diff.verdict") + ": ")
        line.append(f" {_verdict_word(lang, a.verdict)} ", COLOURS[a.verdict])
        line.append(" → ")
        line.append(f" {_verdict_word(lang, b.verdict)} ", COLOURS[b.verdict])
    else:
        line.append(t(lang, "history.diff.same_verdict") + ": ")
        line.append(f" {_verdict_word(lang, b.verdict)} ", COLOURS[b.verdict])
    line.append(f"  ({t(lang, 'history.col.score').lower()} {_num(a.score)} → {_num(b.score)})")
    console.print(line)
    if a.rules_digest != b.rules_digest:
        console.print(
            _text(
                t(lang, "history.diff.rules_changed", before=a.rules_digest[:12], after=b.rules_digest[:12]), "yellow"
            )
        )
    mark = f" ({t(lang, 'history.from_history_mark')})"
    if d.answers and console.width < NARROW:  # blocks: question, its id, then was → now
        from rich.console import Group

        from clientcheck.render.table import hang

        blocks: list[Any] = [_text(t(lang, "history.diff.answers"), "bold")]
        for qid in d.answers:
            q = catalog.questions.get(qid)
            change = _text(_shown(catalog, qid, dict(a.answers), lang) + (mark if qid in a.from_history else ""))
            change.append(" → ")
            change.append(_shown(catalog, qid, dict(b.answers), lang) + (mark if qid in b.from_history else ""))
            blocks.append(hang("•", _text(q.text.get(lang) if q else qid), _text(qid, "dim"), change))
        console.print(Group(*blocks))
    elif d.answers:
        table = Table(title=t(lang, "history.diff.answers"), title_justify="left", expand=True)
        table.add_column(t(lang, "col.question"), ratio=2)
        table.add_column(t(lang, "history.col.was"), ratio=2)
        table.add_column(t(lang, "history.col.now"), ratio=2)
        for qid in d.answers:
            q = catalog.questions.get(qid)
            question = _text(q.text.get(lang) + "\n" if q else "")
            question.append(qid, style="dim")
            table.add_row(
                question,
                _text(_shown(catalog, qid, dict(a.answers), lang) + (mark if qid in a.from_history else "")),
                _text(_shown(catalog, qid, dict(b.answers), lang) + (mark if qid in b.from_history else "")),
            )
        console.print(table)
    else:
        if not quiet_mode():  # a hint: with -q, only what changed is printed
            console.print(_text(t(lang, "history.diff.no_answers"), "dim"))
    rows: list[tuple[str, str, str]] = []
    for f in d.flags.gained:
        rows.append((t(lang, "history.diff.gained"), _title(b, f.id, lang), _severity(catalog, f.severity, lang)))
    for old, new in d.flags.moved:
        sev = f"{_severity(catalog, old.severity, lang)} → {_severity(catalog, new.severity, lang)}"
        rows.append((t(lang, "history.diff.moved"), _title(b, new.id, lang), sev))
    for f in d.flags.lost:
        rows.append((t(lang, "history.diff.lost"), _title(a, f.id, lang), _severity(catalog, f.severity, lang)))
    for f in d.good.gained:
        rows.append((t(lang, "history.diff.good_gained"), _title(b, f.id, lang), ""))
    for f in d.good.lost:
        rows.append((t(lang, "history.diff.good_lost"), _title(a, f.id, lang), ""))
    if rows and console.width < NARROW:
        from rich.console import Group

        from clientcheck.render.table import hang

        items = []
        for kind, title, sev in rows:
            line = _text(title)
            if sev:
                line.append(f" · {sev}", style="dim")
            items.append(hang("•", _text(kind, "bold"), line))
        console.print(Group(*items))
    elif rows:
        table = Table(show_header=False, box=None, pad_edge=False)
        table.add_column(style="bold", no_wrap=True)
        table.add_column()
        table.add_column(style="dim")
        for kind, title, sev in rows:
            table.add_row(_text(kind), _text(title), _text(sev))
        console.print(table)
    else:
        if not quiet_mode():
            console.print(_text(t(lang, "history.diff.no_flags"), "dim"))


# ---------------------------------------------------------------- paid


def _parse_date(text: str | None, lang: str = "en") -> date:
    today = date.today()
    if text is None:
        return today
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(t(lang, "history.err.bad_date", example=today.isoformat(), value=text)) from None
    if day > today:
        raise UsageError(t(lang, "history.err.future_date", date=day.isoformat()))
    return day


@app.command()
def paid(
    client_arg: Annotated[
        str | None,
        typer.Argument(help="The client's name; the same as --client.", metavar="CLIENT", autocompletion=_client_names),
    ] = None,
    on_time: Annotated[bool, typer.Option("--on-time", help="The invoice was paid on time.")] = False,
    late: Annotated[bool, typer.Option("--late", help="The invoice was paid late.")] = False,
    days: Annotated[
        int | None, typer.Option("--days", min=1, max=36_500, help="With --late: how many days late.", metavar="N")
    ] = None,
    when: Annotated[
        str | None, typer.Option("--date", help="When it was paid, YYYY-MM-DD (default: today).", metavar="DATE")
    ] = None,
    client_opt: ClientOnly = None,
    quiet: QuietOpt = False,
    db: DbOpt = None,
    lang: LangOpt = None,
) -> int:
    """Record a client's payment, on time or late.

    The late payments answer of 'check --client' and 'interview --client' is counted from these.
    """
    from clientcheck.history import History, check_client_name, describe_tally

    language = language_for(lang)
    client = _one_client(client_arg, client_opt, language)
    if client is None:
        raise UsageError(t(language, "history.err.paid_who"))
    if on_time == late:  # neither, or both
        raise UsageError(t(language, "history.err.paid_how"))
    if days is not None and on_time:
        raise UsageError(t(language, "history.err.days_on_time"))
    name = check_client_name(client)
    day = _parse_date(when, language)
    # the rules in effect load before the payment is written: a broken rules file must fail the
    # command before it records anything, or a retry would record the payment twice
    window = load_catalog_for(None, None).late_window_days
    history = History.open(db)
    assert history is not None
    with history:
        payment = history.record_payment(name, day, late=not on_time, days_late=days)
        payments = history.payments(name)
    status = t(language, "history.on_time") if on_time else t(language, "history.late")
    if days:
        status = t(language, "history.late.days", days=days)
    print(t(language, "history.paid.saved", client=payment.client, status=status, date=fmt_.day(day, language)))
    if not quiet:
        print(describe_tally(payment.client, payments, window, language))
    return 0


# ---------------------------------------------------------------- rescore


@app.command()
def rescore(
    rules: RulesOpt = None,
    questions: QuestionsOpt = None,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.table,
    color: ColorOpt = ColorMode.auto,
    quiet: QuietOpt = False,
    db: DbOpt = None,
    lang: LangOpt = None,
) -> int:
    """List the saved verdicts that the current rules would change.

    Every saved assessment is evaluated again with the rules in effect (or --rules).
    """
    from clientcheck.history import rescore as rescore_all
    from clientcheck.history import resolve_path

    language = language_for(lang)
    catalog = load_catalog_for(rules, questions)
    history = _open(db)
    total = 0
    changed: list[Rescored] = []
    if history is not None:
        with history:
            total, changed = rescore_all(history, catalog)
    if fmt is Format.json:
        _json_out(
            {
                "rules_sha256": catalog.digest,
                "assessments": total,
                "changed": [
                    {
                        "id": r.assessment.id,
                        "client": r.assessment.client,
                        "created_at": fmt_.stamp(r.assessment.created_at),
                        "verdict": {"was": r.assessment.verdict, "now": r.verdict.verdict},
                        "score": {"was": r.assessment.score, "now": r.verdict.score},
                        "flags_gained": [{"id": f.id, "severity": f.severity} for f in r.change.gained],
                        "flags_lost": [{"id": f.id, "severity": f.severity} for f in r.change.lost],
                        "flags_moved": [
                            {"id": new.id, "was": old.severity, "now": new.severity} for old, new in r.change.moved
                        ],
                        "answers_dropped": list(r.dropped),
                    }
                    for r in changed
                ],
            }
        )
        return 0
    from clientcheck.terminal import rich_color, use_color

    with rich_color(use_color(color.value, sys.stdout)):
        console = _console()
        digest = catalog.digest[:12]
        if total == 0:
            console.print(_text(t(language, "history.none", path=str(resolve_path(db)))))
            return 0
        if not changed:
            console.print(_text(t(language, "history.rescore.none", total=total, digest=digest)))
            return 0
        if not quiet:  # the heading: with -q, the changed verdicts only
            some = t(language, "history.rescore.some", changed=len(changed), total=total, digest=digest)
            console.print(_text(some, "bold"))
        from rich.table import Table

        if console.width < NARROW:
            from rich.console import Group

            from clientcheck.render.table import hang

            blocks = []
            for r in changed:
                head = _text(r.assessment.client, "bold")
                head.append(f" · {_when(r.assessment.created_at, language)}", style="dim")
                move = _verdict_cell(language, r.assessment.verdict)
                move.append(" → ")
                move.append_text(_verdict_cell(language, r.verdict.verdict))
                blocks.append(hang(f"#{r.assessment.id}", head, move, _text("\n".join(_why(r, catalog, language)))))
            console.print(Group(*blocks))
            return 0
        table = Table(expand=True)
        table.add_column(t(language, "history.col.id"), justify="right", no_wrap=True)
        table.add_column(t(language, "history.col.when"), no_wrap=True)
        table.add_column(t(language, "history.col.client"), ratio=2)
        table.add_column(t(language, "history.col.was"), no_wrap=True)
        table.add_column(t(language, "history.col.would_be"), no_wrap=True)
        table.add_column(t(language, "history.col.why"), ratio=4)
        for r in changed:
            why = _why(r, catalog, language)
            table.add_row(
                str(r.assessment.id),
                _when(r.assessment.created_at, language),
                _text(r.assessment.client),
                _verdict_cell(language, r.assessment.verdict),
                _verdict_cell(language, r.verdict.verdict),
                _text("\n".join(why)),
            )
        console.print(table)
        return 0


def _why(r: Rescored, catalog: Catalog, language: str) -> list[str]:
    """What would change in one rescored assessment, a line each."""
    why: list[str] = []
    why += [f"+ {f.id} ({_severity(catalog, f.severity, language)})" for f in r.change.gained]
    why += [
        f"~ {new.id} ({_severity(catalog, old.severity, language)} → {_severity(catalog, new.severity, language)})"
        for old, new in r.change.moved
    ]
    why += [f"- {f.id}" for f in r.change.lost]
    if r.dropped:
        why.append(t(language, "history.dropped", ids=", ".join(r.dropped)))
    return why


# ---------------------------------------------------------------- import


@app.command("import")
def import_cmd(
    file: Annotated[
        str,
        typer.Argument(help="A file written by 'clientcheck history --format json', or - for stdin.", metavar="FILE"),
    ],
    db: DbOpt = None,
    lang: LangOpt = None,
) -> int:
    """Take back a history export, e.g. on a new machine.

    Records already present are skipped, so importing twice changes nothing.
    """
    from clientcheck.history import History, read_export, validate_export

    records = validate_export(*read_export(file))  # before the database is created or touched
    load_catalog_for(None, None)  # no command writes before the rules and questions in effect load
    history = History.open(db)
    assert history is not None
    with history:
        result = history.import_records(records)
    print(
        t(
            language_for(lang),
            "history.import.done",
            path=str(history.path),
            assessments=result.assessments,
            payments=result.payments,
            outcomes=result.outcomes,
            skipped=result.skipped,
        )
    )
    return 0
