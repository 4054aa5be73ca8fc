"""`clientcheck check`: answers -> verdict, for one client or for many (a batch).

One answers file (YAML or JSON, or - for standard input) is one client, shown in full. Several
files, a folder, a JSON Lines or a CSV file make a batch: a result per client, streamed in input
order (batch.py). Only what a path needs is imported, so `check --format json` stays quick to
start and never loads Rich.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any

import typer

from clientcheck.cli import (
    ClientOpt,
    ColorMode,
    ColorOpt,
    DbOpt,
    FailOn,
    LangOpt,
    NoSaveOpt,
    QuestionsOpt,
    QuietOpt,
    RulesOpt,
    app,
    language_for,
    load_catalog_for,
)

if TYPE_CHECKING:
    from pathlib import Path

    from clientcheck.batch import Sink
    from clientcheck.model import Catalog, Rule, Verdict
    from clientcheck.readers import Source


class OutputFormat(StrEnum):
    table = "table"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"
    markdown = "markdown"


class InputFormat(StrEnum):
    yaml = "yaml"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"


class Engine(StrEnum):
    python = "python"
    duckdb = "duckdb"


ONE_CLIENT = ("yaml", "json", "answers")


def _rule_ids(ctx: Any, incomplete: str) -> list[Any]:
    from clientcheck.completion import RULE_IDS

    return RULE_IDS(ctx, incomplete)  # input formats that hold one client per file


@app.command()
def check(
    inputs: Annotated[
        list[str],
        typer.Argument(
            help="Answers to check: an answers file (YAML or JSON), several, a folder of them, a JSON Lines "
            "file (.jsonl, a client per line) or a CSV file with a header row of question ids; - for "
            "standard input.",
            metavar="ANSWERS...",
        ),
    ],
    fmt: Annotated[
        OutputFormat,
        typer.Option("--format", "-f", help="Output format (jsonl: a line per client).", metavar="FORMAT"),
    ] = OutputFormat.table,
    input_format: Annotated[
        InputFormat | None,
        typer.Option(
            "--input-format",
            help="How to read the inputs (default: from the extension; standard input: one YAML or JSON answers "
            "document).",
            metavar="FORMAT",
        ),
    ] = None,
    select: Annotated[
        str | None,
        typer.Option(
            "--select",
            metavar="IDS",
            help="Check only these rules (comma-separated rule ids).",
            autocompletion=_rule_ids,
        ),
    ] = None,
    ignore: Annotated[
        str | None,
        typer.Option(
            "--ignore",
            metavar="IDS",
            help="Leave out these rules (comma-separated rule ids).",
            autocompletion=_rule_ids,
        ),
    ] = None,
    fail_on: Annotated[
        FailOn,
        typer.Option(
            "--fail-on", help="Lowest verdict that makes the exit code 1 (for a batch: any client).", metavar="VERDICT"
        ),
    ] = FailOn.decline,
    fail_on_reachable: Annotated[
        bool,
        typer.Option(
            "--fail-on-reachable",
            help="Judge --fail-on by the worst verdict each client could still reach while answers are "
            "missing: an unsettled GO that could become DECLINE fails too.",
        ),
    ] = False,
    batch: Annotated[
        bool,
        typer.Option(
            "--batch",
            help="Use the many-clients layout even for one answers file: the same output shape whatever a glob "
            "matches (docs/json.md).",
        ),
    ] = False,
    color: ColorOpt = ColorMode.auto,
    quiet: QuietOpt = False,
    jobs: Annotated[
        int,
        typer.Option(
            "--jobs",
            "-j",
            min=0,
            help="Processes for big JSON Lines inputs with --format jsonl or csv (0: one per CPU; 1: no extra; "
            "at most one per CPU).",
        ),
    ] = 0,
    engine: Annotated[
        Engine,
        typer.Option(
            "--engine",
            help="What scores many clients: python, or duckdb (embedded DuckDB on every core; needs the sql "
            "extra). Parquet files always go through DuckDB.",
        ),
    ] = Engine.python,
    client: ClientOpt = None,
    no_save: NoSaveOpt = False,
    db: DbOpt = None,
    lang: LangOpt = None,
    rules: RulesOpt = None,
    questions: QuestionsOpt = None,
    profile: Annotated[
        str | None,
        typer.Option(
            "--profile",
            metavar="NAME",
            help="The seller profile whose answers fill in what one client's answers file leaves out "
            "(default: $CLIENTCHECK_PROFILE, else 'default' if it exists); see `clientcheck profile`.",
        ),
    ] = None,
) -> int:
    """Check answers against the rules and show the verdict.

    One answers file is one client, shown in full; several files, a folder, a JSON Lines or a CSV
    file make a batch: a result per client as it is scored, then a summary.
    """
    from clientcheck.readers import resolve

    language = language_for(lang)
    catalog = load_catalog_for(rules, questions)
    chosen = choose_rules(catalog, select, ignore, language)
    sources = resolve(inputs, input_format.value if input_format else None)
    # one answers file named on its own is one client, shown in full; --batch asks for the layout of
    # many whatever the count, so that a script's parser never meets two shapes
    one = not batch and len(inputs) == 1 and len(sources) == 1 and sources[0].path == inputs[0]
    if one and sources[0].format in ONE_CLIENT:
        return check_one(
            sources[0],
            catalog,
            chosen,
            fmt.value,
            language,
            fail_on.value,
            color.value,
            client,
            db,
            no_save,
            profile,
            fail_on_reachable=fail_on_reachable,
        )
    if client is not None:  # a batch names its clients in its records
        from clientcheck.errors import UsageError

        raise UsageError("--client names one client: give it a single answers file")
    if profile is not None:
        from clientcheck.errors import UsageError

        raise UsageError("--profile fills in one client's answers: give it a single answers file")
    return check_many(
        sources,
        catalog,
        chosen,
        fmt.value,
        language,
        fail_on.value,
        color.value,
        quiet,
        jobs,
        fail_on_reachable=fail_on_reachable,
        engine=engine.value,
    )


def choose_rules(catalog: Catalog, select: str | None, ignore: str | None, lang: str) -> Sequence[Rule] | None:
    """The rules --select / --ignore leave, in catalog order; None when neither is given."""
    if select is None and ignore is None:
        return None
    from clientcheck.conditions import suggest
    from clientcheck.errors import UsageError
    from clientcheck.i18n import t

    known = [r.id for r in catalog.rules]

    def ids(option: str, value: str | None) -> set[str]:
        out: set[str] = set()
        for item in (value or "").split(","):
            rule_id = item.strip()
            if not rule_id:
                continue
            if rule_id not in known:
                raise UsageError(
                    t(lang, "batch.unknown_rule", option=option, id=rule_id) + suggest(rule_id, known, lang)
                )
            out.add(rule_id)
        return out

    selected = ids("--select", select) if select is not None else set(known)
    ignored = ids("--ignore", ignore)
    chosen = [r for r in catalog.rules if r.id in selected and r.id not in ignored]
    if not chosen:
        raise UsageError(t(lang, "batch.no_rules"))
    return chosen


def check_one(
    source: Source,
    catalog: Catalog,
    chosen: Sequence[Rule] | None,
    fmt: str,
    lang: str,
    fail_on: str,
    color: str,
    client: str | None = None,
    db: Path | None = None,
    no_save: bool = False,
    profile: str | None = None,
    *,
    fail_on_reachable: bool = False,
) -> int:
    """One client, as before there were batches: read, evaluate, show in full."""
    from clientcheck import profile as profiles
    from clientcheck.answers import read_answers
    from clientcheck.evaluate import evaluate

    seller = profiles.load_for(catalog, profile)
    given = read_answers(source.path, catalog, source.format if source.format in ("yaml", "json") else None, lang)
    given = profiles.apply(given, seller)
    catalog = profiles.with_currency(catalog, given.values)
    facts = None
    if client is not None:  # a named client: history fills in what it knows (docs/history.md)
        from clientcheck.commands.client_history import refuse_partial, with_history

        refuse_partial(chosen, no_save)
        kept = given
        given, facts = with_history(catalog, given, client, db, lang)
        given = given._replace(note=kept.note, profile=kept.profile)
    verdict = evaluate(catalog, given, chosen)
    # the answers and the verdict both exist here, before anything is shown
    show_one(verdict, catalog, chosen, fmt, lang, color)
    if facts is not None and not no_save:
        from clientcheck.commands.client_history import remember

        remember(verdict, catalog, lang, facts.client, db, facts)
    return verdict.exit_code(fail_on, fail_on_reachable)


def show_one(
    verdict: Verdict, catalog: Catalog, chosen: Sequence[Rule] | None, fmt: str, lang: str, color: str
) -> None:
    from clientcheck.render import get as get_renderer

    if fmt == "table":
        from clientcheck.terminal import rich_color, use_color

        with rich_color(use_color(color, sys.stdout)):
            get_renderer(fmt)(verdict, catalog, lang, sys.stdout)
    elif fmt == "csv":
        from clientcheck.render import csv_out

        csv_out.render(verdict, catalog, lang, sys.stdout, chosen)
    else:
        get_renderer(fmt)(verdict, catalog, lang, sys.stdout)
    sys.stdout.flush()


def check_many(
    sources: list[Source],
    catalog: Catalog,
    chosen: Sequence[Rule] | None,
    fmt: str,
    lang: str,
    fail_on: str,
    color: str,
    quiet: bool,
    jobs: int = 1,
    *,
    fail_on_reachable: bool = False,
    engine: str = "python",
) -> int:
    """Many clients: a result per client in input order; bad records reported and skipped."""
    from functools import partial

    from clientcheck.batch import PARALLEL_FROM, Reporter, Runner, cpus, exit_code

    rule_list = list(catalog.rules if chosen is None else chosen)
    duck = engine == "duckdb" or any(s.format == "parquet" for s in sources)
    if duck:  # before anything is written
        from clientcheck.sql import require

        require("duckdb", "sqlglot", "pyarrow", what="--engine duckdb (and Parquet input)")
    sink = make_sink(fmt, catalog, rule_list, lang, color)
    sizes = [s.size for s in sources]
    jsonl_bytes = sum(size or 0 for s, size in zip(sources, sizes, strict=True) if s.format == "jsonl")
    total = jsonl_bytes if all(s.format == "jsonl" and s.size is not None for s in sources) else None
    reporter = Reporter(sys.stderr, lang, quiet, total)
    if duck:
        from clientcheck.sql.duck import run_check  # issue 14: scored in embedded DuckDB

        return exit_code(run_check(sources, catalog, rule_list, sink, reporter).stats, fail_on, fail_on_reachable)
    runner = Runner(catalog, rule_list, sink, reporter)
    if jobs == 0:  # automatic: extra processes only where they pay, on files big enough
        jobs = cpus() if jsonl_bytes >= PARALLEL_FROM else 1
    # more processes than CPUs only compete with each other (and thousands would exhaust memory)
    jobs = min(jobs, cpus())
    if jobs > 1 and fmt in ("jsonl", "csv"):
        from clientcheck.render import csv_out, jsonl

        body = partial(jsonl.body_sink, catalog) if fmt == "jsonl" else partial(csv_out.body_sink, rule_list)
        runner.use_processes(jobs, body, lang)
    runner.run(sources)
    return exit_code(runner.stats, fail_on, fail_on_reachable)


def make_sink(fmt: str, catalog: Catalog, rules: list[Rule], lang: str, color: str) -> Sink:
    if fmt == "jsonl":
        from clientcheck.batch import stdout_bytes
        from clientcheck.render.jsonl import JsonlSink

        sys.stdout.flush()
        return JsonlSink(catalog, stdout_bytes())
    if fmt == "csv":
        from clientcheck.render.csv_out import CsvSink

        return CsvSink(rules, sys.stdout)
    if fmt == "json":
        from clientcheck.render.json_batch import JsonSink

        return JsonSink(catalog, lang, sys.stdout)
    if fmt == "markdown":
        from clientcheck.render.markdown import MarkdownSink

        return MarkdownSink(lang, sys.stdout)
    from clientcheck.render.batch_table import TableSink
    from clientcheck.terminal import use_color

    return TableSink(lang, sys.stdout, use_color(color, sys.stdout))
