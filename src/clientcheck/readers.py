"""Where the clients of a batch come from: answers files, folders, JSON Lines and CSV.

Every input is resolved before anything is scored, so a mistyped file name stops the run at
once (exit 2). After that, reading is streaming and record by record: a bad record is reported
with its file and line and skipped, the others go on.
"""

from __future__ import annotations

import errno
import io
import os
import stat
import sys
from collections import deque
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

from clientcheck import qtypes
from clientcheck.answers import SURROGATE, TOO_MANY_DIGITS, DuplicateKey, lone_surrogate, no_duplicate_keys
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


def _t(key: str, **fields: object) -> str:
    """A message in the language of the run (these reach the user as they are)."""
    from clientcheck.i18n import detect_language, t

    return t(detect_language(None), key, **fields)


def _lang() -> str:
    from clientcheck.i18n import detect_language

    return detect_language(None)


def _json_syntax(problem: str) -> str:
    from clientcheck.i18n import detect_language, t

    lang = detect_language(None)
    # json's own wording is English only: elsewhere the place (FILE:LINE:COL) says where to look
    return t(lang, "answers.json_syntax", problem=problem) if lang == "en" else t(lang, "answers.json_syntax")


def format_of(path: str) -> str | None:
    return _SUFFIXES.get(Path(path).suffix.lower())


def resolve(paths: list[str], input_format: str | None) -> list[Source]:
    """The inputs, in order; folders become the files in them that clientcheck reads, by name.

    input_format, when given, applies to every file named (and to standard input); files found
    in a folder are always read by their extension.
    """
    sources: list[Source] = []
    if paths.count("-") > 1:
        raise UsageError(_t("readers.stdin_twice"))
    for path in paths:
        if path == "-":
            sources.append(Source("-", "<stdin>", input_format or "answers"))
            continue
        p = Path(path)
        try:
            kind = os.stat(p).st_mode
        except FileNotFoundError:
            raise UsageError(_t("files.missing", path=path)) from None
        except OSError as exc:
            reason = _t("files.link_loop") if exc.errno == errno.ELOOP else exc.strerror
            raise UsageError(_t("files.cannot_read", path=path, reason=reason)) from None
        if stat.S_ISDIR(kind):
            try:
                found = sorted(c for c in p.iterdir() if c.is_file() and format_of(c.name) is not None)
            except OSError as exc:
                raise UsageError(f"{path}: cannot list this folder: {exc.strerror}") from None
            if not found:
                raise UsageError(_t("readers.empty_folder", path=path))
            sources.extend(Source(str(c), str(c), format_of(c.name) or "answers") for c in found)
            continue
        sources.append(Source(path, path, input_format or format_of(path) or "answers"))
    return sources


# ---------------------------------------------------------------- JSON Lines


class ReadError(ClientcheckError):
    """An input could not be read (as opposed to standard output that could not be written)."""


class InputStream:
    """A binary input whose read errors are ReadErrors naming the input: an OSError that escapes
    a batch is then always about the output, never the input."""

    __slots__ = ("name", "raw")

    def __init__(self, raw: IO[bytes], name: str) -> None:
        self.raw = raw
        self.name = name

    def _failed(self, exc: OSError) -> ReadError:
        return ReadError(f"{self.name}: cannot read: {exc.strerror or exc}")

    def read(self, size: int = -1) -> bytes:
        try:
            return self.raw.read(size)
        except OSError as exc:
            raise self._failed(exc) from None

    def read1(self, size: int = -1) -> bytes:
        read = getattr(self.raw, "read1", self.raw.read)
        try:
            data: bytes = read(size)
            return data
        except OSError as exc:
            raise self._failed(exc) from None

    def readline(self, limit: int = -1) -> bytes:
        try:
            return self.raw.readline(limit)
        except OSError as exc:
            raise self._failed(exc) from None

    def close(self) -> None:
        self.raw.close()


def open_binary(source: Source) -> InputStream:
    """The input as bytes; the caller closes it (unless it is standard input)."""
    if source.path == "-":
        if sys.stdin is None:
            raise UsageError(_t("answers.no_stdin"))
        buffer: IO[bytes] | None = getattr(sys.stdin, "buffer", None)
        if buffer is None:  # a text stream without bytes underneath (tests): encode what it gives
            return InputStream(io.BytesIO(sys.stdin.read().encode("utf-8")), source.name)
        return InputStream(buffer, source.name)
    from clientcheck.files import open_input

    # a FIFO without a writer must not hang the run at open(); a pipe or device streams as usual
    fd = open_input(source.path, source.name)
    return InputStream(open(fd, "rb"), source.name)


def chunks(stream: IO[bytes] | InputStream) -> Iterator[bytes]:
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
        raise ClientcheckError(_t("readers.line_not_utf8"), Mark(name, line)) from None
    try:
        data = json.loads(text, object_pairs_hook=no_duplicate_keys)
    except json.JSONDecodeError as exc:
        raise ClientcheckError(_json_syntax(exc.msg), Mark(name, line, exc.colno)) from None
    except DuplicateKey as exc:
        raise ClientcheckError(str(exc), Mark(name, line)) from None
    except ValueError:  # an integer past Python's digit limit
        raise ClientcheckError(TOO_MANY_DIGITS, Mark(name, line)) from None
    except RecursionError:
        raise ClientcheckError(_t("answers.too_deep"), Mark(name, line)) from None
    if "\\u" in text and lone_surrogate(data):
        raise ClientcheckError(SURROGATE, Mark(name, line))
    return data


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


MAX_ROW_BYTES = 1_000_000  # a row (or one line of it) longer than this is reported, never held
MAX_CELL = 131_072  # characters in one cell, as Python's csv module allows in a quoted one
MAX_ROW_LINES = 100  # lines a quoted cell may run over before its quote counts as left open


def _bare_quote(text: str, delimiter: str) -> bool:
    """Does a quote stand inside a cell that does not start with one (`12"`)? Python's csv keeps it
    as text even when strict, but it is what is left of a broken row more often than not."""
    quoted = False
    start = True  # at the start of a cell
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if quoted:
            if c == '"':
                if i + 1 < n and text[i + 1] == '"':
                    i += 2
                    continue
                quoted = False
        elif c == '"':
            if not start:
                return True
            quoted, start = True, False
        else:
            start = c == delimiter or c in "\r\n"
        i += 1
    return False


class CsvReader:
    """Rows of a CSV file with a header row of question ids (and optionally `client`).

    Read record by record from the bytes, so that whatever is wrong with one row (a byte that
    is not UTF-8, a quote left open, a huge cell) costs that row only: it is reported at its
    line and reading goes on at the next one.
    """

    def __init__(self, stream: IO[bytes] | InputStream, source: Source, catalog: Catalog) -> None:
        self.stream = stream
        self.source = source
        self.catalog = catalog
        self.delimiter = ","
        self.columns: list[Question | None] = []

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
                problems.append(ClientcheckError(_t("readers.column_twice", name=name), mark))
            seen.add(name)
            if name == CLIENT_KEY:
                columns.append(None)
                continue
            q = self.catalog.questions.get(name)
            if q is None:
                hint = suggest(name, list(self.catalog.questions), _lang())
                problems.append(ClientcheckError(_t("readers.unknown_column", name=name) + hint, mark))
            columns.append(q)
        if problems:
            raise AnswersError(problems)
        return columns

    def _lines(self) -> Iterator[bytes | None]:
        """The file's lines with their endings; None for a line too long to hold (skipped to its end)."""
        readline = self.stream.readline
        line = readline(MAX_ROW_BYTES + 1)
        if b"\r" in line.rstrip(b"\r\n"):  # lines that end in CR alone (old Mac spreadsheets)
            yield from self._cr_lines(line)
            return
        while line:
            if len(line) > MAX_ROW_BYTES and not line.endswith(b"\n"):
                while True:
                    more = readline(CHUNK)
                    if not more or more.endswith(b"\n"):
                        break
                yield None
            else:
                yield line
            line = readline(MAX_ROW_BYTES + 1)

    def _cr_lines(self, start: bytes) -> Iterator[bytes | None]:
        """_lines for a file whose lines end in CR (or CR LF), read in chunks."""
        read = getattr(self.stream, "read1", self.stream.read)
        buffer, skipping = start, False
        while True:
            end = buffer.find(b"\r")
            if end < 0 or end == len(buffer) - 1:  # no line end yet, or a CR that an LF may follow
                more = read(CHUNK)
                if not more:
                    if buffer and not skipping:
                        yield buffer
                    return
                buffer += more
                if len(buffer) > MAX_ROW_BYTES and b"\r" not in buffer:
                    if not skipping:
                        yield None
                    buffer, skipping = b"", True
                continue
            end += 2 if buffer[end + 1 : end + 2] == b"\n" else 1
            if skipping:
                skipping = False
            elif end > MAX_ROW_BYTES:
                yield None
            else:
                yield buffer[:end]
            buffer = buffer[end:]

    def _bad(self, line: int, message: str) -> tuple[int, ClientcheckError]:
        return line, ClientcheckError(message, Mark(self.source.name, line))

    def rows(self) -> Iterator[tuple[int, dict[str, Any] | ClientcheckError]]:
        """(line where the row starts, answers) per row, or the problem with the row."""
        source = self._lines()
        empty = object()
        first = next(source, empty)
        if first is empty:
            return  # an empty file: no rows
        if not isinstance(first, bytes):  # None: the header line is over the cap
            raise AnswersError([ClientcheckError("header: longer than 1000 kB", Mark(self.source.name, 1))])
        if first.startswith(b"\xef\xbb\xbf"):
            first = first[3:]
        try:
            head = first.decode("utf-8")
        except UnicodeDecodeError:
            raise AnswersError([ClientcheckError("header: not UTF-8 text", Mark(self.source.name, 1))]) from None
        columns = self.columns = self.header(head.rstrip("\r\n"))
        delimiter = self.delimiter
        pending: deque[tuple[int, bytes | None]] = deque()  # lines read ahead for a quoted cell, to read again
        number = 1

        def take() -> tuple[int, bytes | None] | None:
            nonlocal number
            if pending:
                return pending.popleft()
            for raw in source:  # the next line, if there is one
                number += 1
                return number, raw
            return None

        while True:
            got = take()
            if got is None:
                return
            line, raw = got
            if raw is None:
                yield self._bad(line, f"this row is longer than {MAX_ROW_BYTES // 1000} kB")
                continue
            if b'"' not in raw:  # the common row: no quotes, so the delimiter splits it
                try:
                    text = raw.decode("utf-8")
                except UnicodeDecodeError:
                    yield self._bad(line, "this row is not UTF-8 text")
                    continue
                cells = text.rstrip("\r\n").split(delimiter)
                if len(raw) > MAX_CELL and max(len(c) for c in cells) > MAX_CELL:
                    yield self._bad(line, f"a cell of this row is longer than {MAX_CELL} characters")
                    continue
            else:
                parsed = self._quoted(line, raw, take, pending)
                if isinstance(parsed, tuple):
                    yield parsed
                    continue
                cells = parsed
            if not cells or (len(cells) == 1 and not cells[0].strip()):
                continue  # an empty line
            if len(cells) > len(columns):
                yield self._bad(line, f"this row has {len(cells)} cells, the header has {len(columns)}")
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

    def _spills(self, cells: list[str]) -> bool:
        """Does a cell that runs over several lines sit in a column that cannot hold lines?

        Only text (a text answer, the client's name) can; a quote left open before a number or a
        choice, closed by another one lines later, must not swallow the rows in between.
        """
        for column, cell in zip(self.columns, cells, strict=False):
            if ("\n" in cell or "\r" in cell) and column is not None and column.type != "text":
                return True
        return False

    def _quoted(
        self,
        line: int,
        raw: bytes,
        take: Callable[[], tuple[int, bytes | None] | None],
        pending: deque[tuple[int, bytes | None]],
    ) -> list[str] | tuple[int, ClientcheckError]:
        """The cells of a row with quotes, which may run over several lines; or its problem.

        A quote still open at the end of the line takes in the next lines, up to MAX_ROW_LINES
        and MAX_ROW_BYTES. If it is still open then (or the lines taken in do not make one row),
        the quote was left open by mistake: this line is reported and the lines after it are
        read again as rows of their own.
        """
        import csv

        taken: list[tuple[int, bytes | None]] = []
        record = raw
        while True:
            try:
                text = record.decode("utf-8")
            except UnicodeDecodeError:
                pending.extendleft(reversed(taken))
                return self._bad(line, "this row is not UTF-8 text")
            try:
                rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=self.delimiter, strict=True))
                problem = None if len(rows) == 1 else "a quote in this row is left open"
            except csv.Error as exc:
                rows, problem = [], f"CSV: {exc}"
                if "field larger than field limit" in str(exc):
                    problem = f"a cell of this row is longer than {MAX_CELL} characters"
                elif "unexpected end of data" in str(exc):
                    problem = "a quote in this row is left open"
                elif "expected after" in str(exc):
                    problem = 'text after the quote that closes a cell (write the cell in quotes, each " doubled)'

            if problem is None and taken and self._spills(rows[0]):
                problem = "a quote in this row is left open"  # and a later one closed it: not one row
            if problem is None and _bare_quote(text, self.delimiter):
                problem = (
                    'a quote inside a cell that does not start with one (write the cell in quotes, each " doubled)'
                )
            if problem is None:
                return rows[0]
            open_quote = record.count(b'"') % 2 == 1
            if not open_quote or len(taken) >= MAX_ROW_LINES or len(record) > MAX_ROW_BYTES:
                pending.extendleft(reversed(taken))
                if open_quote:
                    problem = "a quote in this row is left open (or a quoted cell runs over too many lines)"
                return self._bad(line, problem)
            nxt = take()
            if nxt is None or nxt[1] is None:
                if nxt is not None:
                    taken.append(nxt)
                pending.extendleft(reversed(taken))
                return self._bad(line, "a quote in this row is left open")
            taken.append(nxt)
            record += nxt[1]
