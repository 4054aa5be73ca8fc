"""Where the clients of a batch come from: answers files, folders, JSON Lines and CSV.

Every input is resolved before anything is scored, so a mistyped file name stops the run at
once (exit 2). After that, reading is streaming and record by record: a bad record is reported
with its file and line and skipped, the others go on.
"""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from clientcheck import qtypes
from clientcheck.answers import no_duplicate_keys
from clientcheck.conditions import suggest
from clientcheck.errors import AnswersError, ClientcheckError, Mark, UsageError
from clientcheck.model import CLIENT_KEY, Catalog, Question

_SUFFIXES = {
    ".yaml": "yaml",
    ".yml": "yaml",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".csv": "csv",
    ".parquet": "parquet",  # scored in DuckDB (the sql extra): clientcheck.sql.duck
}
CHUNK = 1 << 20  # bytes read at a time: big enough to be cheap, small enough to stream


class Source:
    """One input: a file (or standard input, path "-") and how to read it.

    (A plain class: this module is imported by every `check`, and a dataclass costs a
    millisecond to create.)
    """

    __slots__ = ("format", "name", "path")

    def __init__(self, path: str, name: str, format: str) -> None:
        self.path = path
        self.name = name  # as shown in messages and output
        self.format = format  # yaml | json (one client per file), jsonl, csv, or answers: YAML or JSON by content

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Source):
            return NotImplemented
        return (self.path, self.name, self.format) == (other.path, other.name, other.format)

    def __hash__(self) -> int:
        return hash((self.path, self.name, self.format))

    def __repr__(self) -> str:
        return f"Source({self.path!r}, {self.name!r}, {self.format!r})"

    @property
    def size(self) -> int | None:
        if self.path == "-":
            return None
        try:
            return os.stat(self.path).st_size
        except OSError:
            return None


def format_of(path: str) -> str | None:
    return _SUFFIXES.get(Path(path).suffix.lower())


def resolve(paths: list[str], input_format: str | None) -> list[Source]:
    """The inputs, in order; folders become the files in them that clientcheck reads, by name.

    input_format, when given, applies to every file named (and to standard input); files found
    in a folder are always read by their extension.
    """
    sources: list[Source] = []
    if paths.count("-") > 1:
        raise UsageError("standard input (-) can be read only once")
    for path in paths:
        if path == "-":
            sources.append(Source("-", "<stdin>", input_format or "answers"))
            continue
        p = Path(path)
        if p.is_dir():
            found = sorted(c for c in p.iterdir() if c.is_file() and format_of(c.name) is not None)
            if not found:
                raise UsageError(
                    f"{path}: no answers files in this folder (*.yaml, *.yml, *.json, *.jsonl, *.csv, *.parquet)"
                )
            sources.extend(Source(str(c), str(c), format_of(c.name) or "answers") for c in found)
            continue
        if not p.exists():
            raise UsageError(f"{path}: no such file")
        sources.append(Source(path, path, input_format or format_of(path) or "answers"))
    return sources


# ---------------------------------------------------------------- JSON Lines


def open_binary(source: Source) -> IO[bytes]:
    if source.path == "-":
        if sys.stdin is None:
            raise UsageError("no standard input to read answers from")
        buffer: IO[bytes] | None = getattr(sys.stdin, "buffer", None)
        if buffer is None:  # a text stream without bytes underneath (tests): encode what it gives
            return io.BytesIO(sys.stdin.read().encode("utf-8"))
        return buffer
    try:
        return open(source.path, "rb")  # closed by the caller, after streaming
    except OSError as exc:
        raise ClientcheckError(f"{source.name}: cannot read: {exc.strerror}") from None


def chunks(stream: IO[bytes]) -> Iterator[bytes]:
    """The stream in pieces as they arrive: from a pipe, whatever is there, so output keeps up."""
    read = getattr(stream, "read1", stream.read)
    while True:
        data = read(CHUNK)
        if not data:
            return
        yield data


def decode_line(raw: bytes, name: str, line: int) -> Any:
    """One JSON Lines record with the standard library: the careful path, with exact messages.

    The fast path (orjson) gives up on anything unusual and lands here, so the messages match
    those for a .json answers file, placed at the line (and column) of the file.
    """
    import json

    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ClientcheckError("this line is not UTF-8 text", Mark(name, line)) from None
    try:
        return json.loads(text, object_pairs_hook=no_duplicate_keys)
    except json.JSONDecodeError as exc:
        raise ClientcheckError(f"JSON syntax error: {exc.msg}", Mark(name, line, exc.colno)) from None
    except ValueError as exc:  # a duplicate key
        raise ClientcheckError(str(exc), Mark(name, line)) from None
    except RecursionError:
        raise ClientcheckError("JSON is nested too deeply", Mark(name, line)) from None


# ---------------------------------------------------------------- CSV

DONT_KNOW = "?"


def cell_value(q: Question, cell: str) -> Any:
    """A CSV cell as the answer it stands for; left as text when it cannot be, so that the
    answers check says what is wrong with it, in its usual words."""
    if cell == DONT_KNOW:
        return None
    return qtypes.of(q).from_cell(q, cell)


def sniff_delimiter(header: str) -> str:
    """Comma, semicolon (spreadsheets in many locales) or tab: whichever the header uses most."""
    counts = {d: header.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


class CsvReader:
    """Rows of a CSV file with a header row of question ids (and optionally `client`)."""

    def __init__(self, stream: IO[str], source: Source, catalog: Catalog) -> None:
        self.stream = stream
        self.source = source
        self.catalog = catalog

    def header(self, first: str) -> list[Question | None]:
        """The question of each column (None for `client`); every problem with the header at once."""
        import csv

        delimiter = sniff_delimiter(first)
        names = next(csv.reader([first], delimiter=delimiter), [])
        self.delimiter = delimiter
        columns: list[Question | None] = []
        problems: list[ClientcheckError] = []
        seen: set[str] = set()
        mark = Mark(self.source.name, 1)
        for raw in names:
            name = raw.strip()
            if name in seen:
                problems.append(ClientcheckError(f"header: column {name!r} appears twice", mark))
            seen.add(name)
            if name == CLIENT_KEY:
                columns.append(None)
                continue
            q = self.catalog.questions.get(name)
            if q is None:
                hint = suggest(name, list(self.catalog.questions))
                problems.append(ClientcheckError(f"header: unknown question {name!r}{hint}", mark))
            columns.append(q)
        if problems:
            raise AnswersError(problems)
        return columns

    def rows(self) -> Iterator[tuple[int, dict[str, Any] | ClientcheckError]]:
        """(line where the row starts, answers) per row, or the problem with the row."""
        stream = self.stream
        first = stream.readline()
        if not first:
            return
        columns = self.header(first.lstrip("\ufeff").rstrip("\r\n"))
        import csv

        # strict: a quote that is never closed is an error, not a cell holding the rest of the file
        reader = csv.reader(stream, delimiter=self.delimiter, strict=True)
        end = 1
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                where = Mark(self.source.name, end + 1)
                yield end + 1, ClientcheckError(f"CSV: {exc} (is a quote in this row left open?)", where)
                return
            line, end = end + 1, reader.line_num + 1  # +1: the header was read before the reader
            if not cells or (len(cells) == 1 and not cells[0].strip()):
                continue  # an empty line
            if len(cells) > len(columns):
                yield (
                    line,
                    ClientcheckError(
                        f"this row has {len(cells)} cells, the header has {len(columns)}", Mark(self.source.name, line)
                    ),
                )
                continue
            record: dict[str, Any] = {}
            for q, cell in zip(columns, cells, strict=False):
                cell = cell.strip()
                if not cell:
                    continue  # not answered
                if q is None:
                    record[CLIENT_KEY] = cell
                else:
                    record[q.id] = cell_value(q, cell)
            yield line, record
