"""CSV inputs: a header row of question ids, then one client per row, read row by row from bytes."""

from __future__ import annotations

import io
from array import array
from collections import deque
from collections.abc import Callable, Iterator
from typing import IO, Any

from clientcheck import qtypes
from clientcheck.conditions import suggest
from clientcheck.errors import AnswersError, ClientcheckError, Mark
from clientcheck.model import CLIENT_KEY, NOTE_KEY, Catalog, Question
from clientcheck.readers import (
    BOM,
    CHUNK,
    MAX_ROW_BYTES,
    MAX_SKIP_BYTES,
    InputStream,
    Source,
    _lang,
    _t,
    endless,
    may_not_end,
)

DONT_KNOW = "?"


class _Endless(Exception):
    """A line too long to hold that goes on past MAX_SKIP_BYTES of an input that may never end."""


class _Held:
    """The lines taken in after a row whose quote is open, to be read again if it was left open by
    mistake: one buffer and where each line ends (a million short lines as tuples of their own
    would cost a hundred megabytes), given back in order, numbered from the line after the row's."""

    __slots__ = ("at", "data", "ends", "first", "tail")

    def __init__(self, first: int) -> None:
        self.first = first
        self.data = bytearray()
        self.ends = array("q")
        self.tail = False  # the last line taken was one too long to hold (read again as None)
        self.at = 0  # how many lines were given back

    def add(self, part: bytes | None) -> None:
        if part is None:
            self.tail = True
        else:
            self.data += part
            self.ends.append(len(self.data))

    def __len__(self) -> int:
        return len(self.ends) + self.tail

    def next(self) -> tuple[int, bytes | None] | None:
        at, ends = self.at, self.ends
        if at >= len(self):
            return None
        self.at = at + 1
        if at == len(ends):
            return self.first + at, None
        return self.first + at, bytes(self.data[ends[at - 1] if at else 0 : ends[at]])


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


MAX_CELL = 131_072  # characters in one cell, as Python's csv module allows in a quoted one
# How far a quote still open at the end of a line is followed to see where it closes: the lines
# are held until then, since a quote left open by mistake gives them back as rows of their own.
LOOKAHEAD_BYTES = 8 * MAX_ROW_BYTES


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
        self.columns: list[Question | str] = []
        self.empty = False  # no bytes at all: no header, no clients (a failed export, most often)

    def header(self, first: str) -> list[Question | str]:
        """The question of each column (the key for `client` and `note`, as an answers file has
        them); every problem with the header at once."""
        import csv

        delimiter = sniff_delimiter(first)
        try:
            names = next(csv.reader([first], delimiter=delimiter), [])
        except csv.Error as exc:  # a name past the csv module's limit: one line about the header
            detail = str(exc)
            key = "readers.header_cell_too_long" if "field larger than field limit" in detail else "readers.csv_error"
            raise AnswersError(
                [ClientcheckError(_t(key, max=MAX_CELL, problem=detail), Mark(self.source.name, 1))]
            ) from None
        self.delimiter = delimiter
        columns: list[Question | str] = []
        problems: list[ClientcheckError] = []
        seen: set[str] = set()
        mark = Mark(self.source.name, 1)
        for raw in names:
            name = raw.strip()
            if name in seen:
                problems.append(ClientcheckError(_t("readers.column_twice", name=name), mark))
            seen.add(name)
            if name == CLIENT_KEY or (name == NOTE_KEY and NOTE_KEY not in self.catalog.questions):
                columns.append(name)
                continue
            q = self.catalog.questions.get(name)
            if q is None:
                hint = suggest(name, [CLIENT_KEY, NOTE_KEY, *self.catalog.questions], _lang())
                problems.append(ClientcheckError(_t("readers.unknown_column", name=name) + hint, mark))
                continue  # the header is refused: its columns are not read
            columns.append(q)
        if problems:
            raise AnswersError(problems)
        return columns

    def _lines(self) -> Iterator[bytes | None]:
        """The file's lines with their endings; None for a line too long to hold (then skipped to
        its end). Raises _Endless when that end has not come after MAX_SKIP_BYTES of an input that
        may never end (`< /dev/zero`), as jsonl_lines stops."""
        readline = self.stream.readline
        line = readline(MAX_ROW_BYTES + 1)
        if b"\r" in line.rstrip(b"\r\n"):  # lines that end in CR alone (old Mac spreadsheets)
            yield from self._cr_lines(line)
            return
        stoppable = may_not_end(self.source)
        while line:
            if len(line) > MAX_ROW_BYTES and not line.endswith(b"\n"):
                skipped = len(line)  # the line's bytes, all of them, however the reads cut it
                while True:
                    more = readline(CHUNK)
                    ended = not more or more.endswith(b"\n")
                    skipped += len(more) - more.endswith(b"\n")  # the line end is not the line
                    if skipped > MAX_SKIP_BYTES and stoppable:
                        raise _Endless  # said instead of "too long": one message for one line
                    if ended:
                        break
                yield None
            else:
                yield line
            line = readline(MAX_ROW_BYTES + 1)

    def _cr_lines(self, start: bytes) -> Iterator[bytes | None]:
        """_lines for a file whose lines end in CR (or CR LF), read in chunks."""
        read = getattr(self.stream, "read1", self.stream.read)
        buffer, skipping, skipped = start, False, 0
        while True:
            end = buffer.find(b"\r")
            if end < 0 or end == len(buffer) - 1:  # no line end yet, or a CR that an LF may follow
                more = read(CHUNK)
                if not more:
                    if skipping:  # the input ended inside the long line
                        yield None
                    elif buffer:
                        yield buffer
                    return
                buffer += more
                if len(buffer) > MAX_ROW_BYTES and b"\r" not in buffer:
                    if not skipping:
                        skipped = 0
                    skipped += len(buffer)
                    if skipped > MAX_SKIP_BYTES and may_not_end(self.source):
                        raise _Endless
                    buffer, skipping = b"", True
                continue
            if skipping and skipped + end > MAX_SKIP_BYTES and may_not_end(self.source):
                raise _Endless  # it ends here, but past the bound: as jsonl_lines says it
            long = end > MAX_ROW_BYTES  # the line, its end not counted (as readline's cap does not count an LF)
            end += 2 if buffer[end + 1 : end + 2] == b"\n" else 1
            if skipping:  # the long line is over: said now, once
                skipping = False
                yield None
            elif long:
                yield None
            else:
                yield buffer[:end]
            buffer = buffer[end:]

    def _parse(self, text: str) -> list[list[str]]:
        """The rows the csv module reads in this text (strict: a stray quote is its csv.Error)."""
        import csv

        return list(csv.reader(io.StringIO(text, newline=""), delimiter=self.delimiter, strict=True))

    def _one_row(self, text: str, lines: bool, limit: int = MAX_ROW_BYTES) -> bool:
        """Is this text one well-formed row when a cell may be as long as `limit`?"""
        import csv

        before = csv.field_size_limit(limit)
        try:
            rows = self._parse(text)
        except csv.Error:
            return False
        finally:
            csv.field_size_limit(before)
        return len(rows) == 1 and not (lines and self._spills(rows[0])) and not _bare_quote(text, self.delimiter)

    def _bad(self, line: int, message: str) -> tuple[int, ClientcheckError]:
        return line, ClientcheckError(message, Mark(self.source.name, line))

    def rows(self) -> Iterator[tuple[int, dict[str, Any] | ClientcheckError]]:
        """(line where the row starts, answers) per row, or the problem with the row."""
        source = self._lines()
        empty = object()
        try:
            first = next(source, empty)
        except _Endless:  # the header line itself (`< /dev/zero`)
            raise AnswersError([endless(self.source, 1)]) from None
        if first is empty:
            self.empty = True  # the batch says so: zero rows is an answer, a missing header is not
            return
        if not isinstance(first, bytes):  # None: the header line is over the cap
            raise AnswersError(
                [ClientcheckError(_t("readers.header_too_long", kb=MAX_ROW_BYTES // 1000), Mark(self.source.name, 1))]
            )
        first = first.removeprefix(BOM)
        try:
            head = first.decode("utf-8")
        except UnicodeDecodeError:
            raise AnswersError([ClientcheckError(_t("readers.header_not_utf8"), Mark(self.source.name, 1))]) from None
        columns = self.columns = self.header(head.rstrip("\r\n"))
        delimiter = self.delimiter
        pending: deque[tuple[int, bytes | None] | _Held] = deque()  # lines read ahead for a quoted cell, to read again
        number = 1

        def take() -> tuple[int, bytes | None] | None:
            nonlocal number
            while pending:
                head = pending[0]
                if isinstance(head, tuple):
                    pending.popleft()
                    return head
                got = head.next()
                if got is not None:
                    return got
                pending.popleft()
            for raw in source:  # the next line, if there is one
                number += 1
                return number, raw
            return None

        while True:
            try:
                got = take()
            except _Endless:  # the next line has no end in sight: the input stops there
                yield number + 1, endless(self.source, number + 1)
                return
            if got is None:
                return
            line, raw = got
            if raw is None:
                yield self._bad(line, _t("readers.row_too_long", kb=MAX_ROW_BYTES // 1000))
                continue
            if b'"' not in raw:  # the common row: no quotes, so the delimiter splits it
                try:
                    text = raw.decode("utf-8")
                except UnicodeDecodeError:
                    yield self._bad(line, _t("readers.row_not_utf8"))
                    continue
                cells = text.rstrip("\r\n").split(delimiter)
                if len(raw) > MAX_CELL and max(len(c) for c in cells) > MAX_CELL:
                    yield self._bad(line, _t("readers.cell_too_long", max=MAX_CELL))
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
                yield self._bad(line, _t("readers.row_cells", cells=len(cells), columns=len(columns)))
                continue
            record: dict[str, Any] = {}
            for q, cell in zip(columns, cells, strict=False):
                cell = cell.strip()
                if not cell:
                    continue  # not answered
                if isinstance(q, str):
                    record[q] = cell
                else:
                    record[q.id] = cell_value(q, cell)
            yield line, record

    def _spills(self, cells: list[str]) -> bool:
        """Does a cell that runs over several lines sit in a column that cannot hold lines?

        Only text (a text answer, the client's name) can; a quote left open before a number or a
        choice, closed by another one lines later, must not swallow the rows in between.
        """
        for column, cell in zip(self.columns, cells, strict=False):
            if ("\n" in cell or "\r" in cell) and not isinstance(column, str) and column.type != "text":
                return True
        return False

    def _quoted(
        self,
        line: int,
        raw: bytes,
        take: Callable[[], tuple[int, bytes | None] | None],
        pending: deque[tuple[int, bytes | None] | _Held],
    ) -> list[str] | tuple[int, ClientcheckError]:
        """The cells of a row with quotes, which may run over several lines; or its problem.

        A quote still open at the end of the line takes in the next lines until it closes (their
        quotes are counted, the text is parsed once it has closed), for up to LOOKAHEAD_BYTES. A
        row that closes well-formed is read, or reported as too long past MAX_ROW_BYTES, its lines
        spent; a quote that does not close, or closes into something that is not one row, was
        left open by mistake: this line is reported and the lines after it are read again as rows.
        """
        import csv

        taken = _Held(line + 1)
        record = raw
        while True:
            try:
                text = record.decode("utf-8")
            except UnicodeDecodeError:
                pending.appendleft(taken)
                return self._bad(line, _t("readers.row_not_utf8"))
            # the problem as a message key; worded only when the row is given up on
            detail = ""  # the csv module's own words, for a problem it alone can name
            try:
                rows = self._parse(text)
                problem = None if len(rows) == 1 else "readers.quote_open"
            except csv.Error as exc:
                rows, problem, detail = [], "readers.csv_error", str(exc)
                if "field larger than field limit" in detail:
                    problem = "readers.cell_too_long"
                elif "unexpected end of data" in detail:
                    problem = "readers.quote_open"
                elif "expected after" in detail:
                    problem = "readers.after_quote"

            if problem is None and taken and self._spills(rows[0]):
                problem = "readers.quote_open"  # and a later one closed it: not one row
            if problem is None and _bare_quote(text, self.delimiter):
                problem = "readers.bare_quote"
            if problem is None and len(record) <= MAX_ROW_BYTES:
                return rows[0]
            if problem == "readers.bare_quote" and not taken:
                # the csv module read one whole row: an odd `12"` opens no quoted cell, so the lines
                # after it are rows of their own and the bare quote is what to report
                return self._bad(line, _t(problem))
            if problem == "readers.quote_open" and not taken and record.count(b'"') % 2:
                closed = self._follow(taken, take)
                if closed is not True:  # the input ended (or a line too long came) first, or the bound did
                    pending.appendleft(taken)
                    key = "readers.quote_open" if closed is None else "readers.quote_open_long"
                    return self._bad(line, _t(key, kb=LOOKAHEAD_BYTES // 1000))
                record = raw + taken.data
                continue
            # a cell (or the row) too long, in a row that is whole once the caps are lifted: its
            # lines are that row's, not rows (and clients) of their own. An even count of quotes
            # alone does not say so: a quote left open and closed by a later row's makes it even too.
            long = len(record) > MAX_ROW_BYTES
            whole = problem is None or (
                problem == "readers.cell_too_long"
                and self._one_row(text, bool(taken), LOOKAHEAD_BYTES if long else MAX_ROW_BYTES)
            )
            if not whole:
                pending.appendleft(taken)
                if taken and problem == "readers.cell_too_long":
                    problem = "readers.quote_open"  # the lines it swallowed made the cell long
            if problem is None or (whole and long):
                problem = "readers.row_too_long"
            return self._bad(line, _t(problem, max=MAX_CELL, problem=detail, kb=MAX_ROW_BYTES // 1000))

    @staticmethod
    def _follow(taken: _Held, take: Callable[[], tuple[int, bytes | None] | None]) -> bool | None:
        """Take lines until the quote open at the end of the row's first closes: True when it did,
        False when LOOKAHEAD_BYTES came first, None when the input ended or a line too long to
        hold came (that line is taken too, to be read again)."""
        while True:
            nxt = take()
            if nxt is None:
                return None
            part = nxt[1]
            taken.add(part)
            if part is None:
                return None
            if part.count(b'"') % 2:
                return True
            if len(taken.data) > LOOKAHEAD_BYTES:
                return False
