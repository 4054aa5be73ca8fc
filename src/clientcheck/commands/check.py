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
from typing import TYPE_CHECKING, Annotated, Any, NamedTuple

import typer

from clientcheck import formats
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
from clientcheck.cliopts import format_option, profile_option

if TYPE_CHECKING:
    from pathlib import Path

    from clientcheck.formats import Output
    from clientcheck.model import Catalog, Rule
    from clientcheck.readers import Source


# --format's choices are the registry's names (formats.FORMATS): a new format needs no edit here
if TYPE_CHECKING:
    OutputFormat = str
else:
    OutputFormat = StrEnum("OutputFormat", [(name, name) for name in formats.names()])


class InputFormat(StrEnum):
    yaml = "yaml"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"


class Engine(StrEnum):
    python = "python"
    duckdb = "duckdb"


ONE_CLIENT = ("yaml", "json", "answers")  # input formats that hold one client per file


def _rule_ids(ctx: Any, incomplete: str) -> list[Any]:
    from clientcheck.completion import RULE_IDS

    return RULE_IDS(ctx, incomplete)


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
    fmt: Annotated[OutputFormat, format_option("Output format (jsonl: a line per client).", "FORMAT")] = (
        formats.DEFAULT
    ),
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
            help="Processes for big JSON Lines inputs with --format jsonl, csv or tsv (0: one per CPU; 1: no extra; "
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
        profile_option(
            "The seller profile whose answers fill in what a client's answers leave out, in a file or "
            "a batch record (default: $CLIENTCHECK_PROFILE, else 'default' if it exists); see `clientcheck profile`."
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
    options = CheckOptions(
        catalog=catalog,
        chosen=choose_rules(catalog, select, ignore, language),
        format=str(fmt),
        lang=language,
        fail_on=fail_on.value,
        fail_on_reachable=fail_on_reachable,
        color=color.value,
        quiet=quiet,
    )
    sources = resolve(inputs, input_format.value if input_format else None)
    # one answers file named on its own is one client, shown in full; --batch asks for the layout of
    # many whatever the count, so that a script's parser never meets two shapes
    one = not batch and len(inputs) == 1 and len(sources) == 1 and sources[0].path == inputs[0]
    if one and sources[0].format in ONE_CLIENT:
        return check_one(sources[0], options, OneClient(client=client, db=db, no_save=no_save, profile=profile))
    if client is not None:  # a batch names its clients in its records
        from clientcheck.errors import UsageError
        from clientcheck.i18n import t

        raise UsageError(t(options.lang, "check.client_many"))
    return check_many(sources, options, Many(jobs=jobs, engine=engine.value, profile=profile))


class CheckOptions(NamedTuple):
    """What `check` does with every client, one or many: built once by the command from its options.

    (Immutable records are NamedTuples here, as in model.py: a dataclass costs `check` a
    millisecond more to start.)
    """

    catalog: Catalog
    chosen: Sequence[Rule] | None  # the rules --select / --ignore leave; None: all of them
    format: str  # a name in formats.FORMATS
    lang: str
    fail_on: str = "decline"
    fail_on_reachable: bool = False
    color: str = "auto"  # auto | always | never
    quiet: bool = False

    @property
    def rules(self) -> list[Rule]:
        return list(self.catalog.rules if self.chosen is None else self.chosen)

    def output(self, catalog: Catalog | None = None) -> Output:
        """Where and how the format writes: standard output, colour decided for it."""
        from clientcheck.formats import Output
        from clientcheck.terminal import use_color

        color = use_color(self.color, sys.stdout)
        return Output(catalog or self.catalog, self.rules, self.lang, sys.stdout, color)


class OneClient(NamedTuple):
    """What only one client's check takes: its name in the history, and a seller profile."""

    client: str | None = None
    db: Path | None = None
    no_save: bool = False
    profile: str | None = None


class Many(NamedTuple):
    """What only a batch takes: worker processes, and which engine scores."""

    jobs: int = 0  # 0: one per CPU when the input is big enough
    engine: str = "python"  # python | duckdb
    profile: str | None = None  # the seller profile named (None: the default one, if any)


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


def check_one(source: Source, options: CheckOptions, one: OneClient | None = None) -> int:
    """One client, as before there were batches: read, evaluate, show in full."""
    from clientcheck import emit
    from clientcheck import profile as profiles
    from clientcheck.answers import read_answers
    from clientcheck.evaluate import evaluate

    one = one or OneClient()
    catalog, lang = options.catalog, options.lang
    seller = profiles.load_for(catalog, one.profile)
    given = read_answers(source.path, catalog, source.format if source.format in ("yaml", "json") else None, lang)
    catalog, given = profiles.fill(catalog, given, seller)
    facts = None
    if one.client is not None:  # a named client: history fills in what it knows (docs/history.md)
        from clientcheck.commands.client_history import refuse_partial, with_history

        refuse_partial(options.chosen, one.no_save)
        kept = given
        given, facts = with_history(catalog, given, one.client, one.db, lang)
        given = given._replace(note=kept.note, profile=kept.profile)
    verdict = evaluate(catalog, given, options.chosen)
    # the answers and the verdict both exist here, before anything is shown
    emit.show(options.format, verdict, options.output(catalog))
    if facts is not None and not one.no_save:
        from clientcheck.commands.client_history import remember

        remember(verdict, catalog, lang, facts.client, one.db, facts)
    return verdict.exit_code(options.fail_on, options.fail_on_reachable)


def check_many(sources: list[Source], options: CheckOptions, many: Many | None = None) -> int:
    """Many clients: a result per client in input order; bad records reported and skipped."""
    from clientcheck import emit
    from clientcheck.batch import Reporter, Runner, exit_code
    from clientcheck.files import widen_pipe
    from clientcheck.parallel import PARALLEL_FROM, cpus

    many = many or Many()
    catalog, rule_list = options.catalog, options.rules
    duck = many.engine == "duckdb" or any(s.format == "parquet" for s in sources)
    if duck:  # before anything is written
        from clientcheck.sql import require

        require("duckdb", "sqlglot", "pyarrow", what="--engine duckdb (and Parquet input)")
    from clientcheck import profile as profiles

    # the seller profile fills in what a record leaves out, as it does for one client's file
    seller = profiles.load_for(catalog, many.profile)
    out = options.output(profiles.with_currency(catalog, seller.values) if seller is not None else None)
    widen_pipe(out.stream)  # records go out a piece at a time: see widen_pipe
    sink = emit.sink(options.format, out)
    sizes = [s.size for s in sources]
    jsonl_bytes = sum(size or 0 for s, size in zip(sources, sizes, strict=True) if s.format == "jsonl")
    total = jsonl_bytes if all(s.format == "jsonl" and s.size is not None for s in sources) else None
    reporter = Reporter(sys.stderr, options.lang, options.quiet, total)
    judge = (options.fail_on, options.fail_on_reachable)
    if duck:
        from clientcheck.sql.duck import run_check  # issue 14: scored in embedded DuckDB

        return exit_code(run_check(sources, catalog, rule_list, sink, reporter, seller).stats, *judge)
    runner = Runner(catalog, rule_list, sink, reporter, seller=seller)
    jobs = many.jobs
    if jobs == 0:  # automatic: extra processes only where they pay, on files big enough
        jobs = cpus() if jsonl_bytes >= PARALLEL_FROM else 1
    # more processes than CPUs only compete with each other (and thousands would exhaust memory)
    jobs = min(jobs, cpus())
    body = emit.worker_sink(options.format, out) if jobs > 1 else None
    if body is not None:  # only formats whose records stand alone can be written by workers
        runner.use_processes(jobs, body, options.lang)
    runner.run(sources)
    return exit_code(runner.stats, *judge)
