"""Where the clients of a batch come from: answers files, folders, JSON Lines and CSV.

Every input is resolved before anything is scored, so a mistyped file name stops the run at
once (exit 2). After that, reading is streaming and record by record: a bad record is reported
with its file and line and skipped, the others go on.

Here: the inputs (Source, resolve), reading bytes, and JSON Lines; csvfile.py: CSV.
"""

from __future__ import annotations

import errno
import io
import os
import stat
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from clientcheck.answers import (
    SURROGATE,
    TOO_MANY_DIGITS,
    DuplicateKey,
    json_number,
    lone_surrogate,
    no_duplicate_keys,
)
from clientcheck.errors import ClientcheckError, Mark, UsageError

_SUFFIXES = {
    ".yaml": "yaml",
    ".yml": "yaml",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".csv": "csv",
    ".parquet": "parquet",  # scored in DuckDB (the sql extra): clientcheck.sql.duck
}
# bytes read at a time: big enough to be cheap, small enough to stream. Not more: a piece, its
# joined output (about three times its size) and the line left over make one batch of large
# blocks a piece, and past glibc's trim threshold (twice the largest block freed, 2 MB with 1 MB
# pieces) freeing them hands the memory back, so every piece faults it in again, page by page:
# 30,000 page faults for 100,000 clients with 1 MB pieces, 6,000 with 256 KB.
CHUNK = 1 << 18
PIECE = 1 << 20  # a worker process's piece (parallel.py): fewer, larger pieces cost less to hand out
MAX_ROW_BYTES = 1_000_000  # a row (or one line of it) longer than this is reported, never held
# a line on standard input that goes on this long has no end in sight (`< /dev/zero`): stop there
MAX_SKIP_BYTES = 64 << 20


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
                # every entry by its name, but folders: one that cannot be read (a dangling link, a
                # loop of links) is a bad input of its own, said in its place, not left out unsaid
                found = sorted(c for c in p.iterdir() if format_of(c.name) is not None and not c.is_dir())
            except OSError as exc:
                raise UsageError(_t("readers.folder_unlisted", path=path, reason=exc.strerror)) from None
            if not found:
                raise UsageError(_t("readers.empty_folder", path=path))
            sources.extend(Source(str(c), str(c), format_of(c.name) or "answers") for c in found)
            continue
        sources.append(Source(path, path, input_format or format_of(path) or "answers"))
    return sources


# ---------------------------------------------------------------- JSON Lines


def may_not_end(source: Source) -> bool:
    """Standard input, a pipe or a device (`/dev/zero`) may never end; a regular file does."""
    return source.path == "-" or not os.path.isfile(source.path)


def endless(source: Source, line: int) -> ClientcheckError:
    """A line on an input that may never end, still going after MAX_SKIP_BYTES: the input stops."""
    return ClientcheckError(_t("readers.endless_line", mb=MAX_SKIP_BYTES >> 20), Mark(source.name, line))


def too_long() -> str:
    """The message for a line over MAX_ROW_BYTES (in the language of the run)."""
    return _t("readers.line_too_long", kb=MAX_ROW_BYTES // 1000)


class ReadError(ClientcheckError):
    """An input could not be read (as opposed to standard output that could not be written)."""


def _regular_size(raw: IO[bytes]) -> int | None:
    """The size of a regular file (None for a pipe, a device, or a stream without a file)."""
    try:
        st = os.fstat(raw.fileno())
    except (OSError, ValueError, AttributeError, io.UnsupportedOperation):
        return None
    return st.st_size if stat.S_ISREG(st.st_mode) else None


class InputStream:
    """A binary input whose read errors are ReadErrors naming the input: an OSError that escapes
    a batch is then always about the output, never the input."""

    __slots__ = ("name", "raw", "size")

    def __init__(self, raw: IO[bytes], name: str) -> None:
        self.raw = raw
        self.name = name
        self.size = _regular_size(raw)  # a regular file's size as it is opened

    def _at_end(self) -> None:
        """At the end of what can be read: a regular file cut down to less than it held when it
        was opened, before the reader got there, has lost what it held after; to the reader it
        just ends, so it is said here (once)."""
        if self.size is None:
            return
        try:
            where = self.raw.tell()
        except (OSError, ValueError, AttributeError, io.UnsupportedOperation):
            return
        now = _regular_size(self.raw)
        if where < self.size and now is not None and now < self.size:
            self.size = None
            raise ReadError(_t("readers.file_shrank", name=self.name))

    def _failed(self, exc: OSError) -> ReadError:
        return ReadError(_t("readers.cannot_read", name=self.name, reason=exc.strerror or exc))

    def read(self, size: int = -1) -> bytes:
        try:
            data = self.raw.read(size)
        except OSError as exc:
            raise self._failed(exc) from None
        if not data and size:
            self._at_end()
        return data

    def read1(self, size: int = -1) -> bytes:
        read = getattr(self.raw, "read1", self.raw.read)
        try:
            data: bytes = read(size)
        except OSError as exc:
            raise self._failed(exc) from None
        if not data and size:
            self._at_end()
        return data

    def readline(self, limit: int = -1) -> bytes:
        try:
            line = self.raw.readline(limit)
        except OSError as exc:
            raise self._failed(exc) from None
        if not line and limit:
            self._at_end()
        return line

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
        from clientcheck.files import widen_pipe

        widen_pipe(buffer)  # a batch reads a piece at a time: see widen_pipe
        return InputStream(buffer, source.name)
    from clientcheck.files import open_input

    # a FIFO without a writer must not hang the run at open(); a pipe or device streams as usual
    fd = open_input(source.path, source.name)
    return InputStream(open(fd, "rb"), source.name)


def chunks(stream: IO[bytes] | InputStream, size: int = CHUNK) -> Iterator[bytes]:
    """The stream in pieces as they arrive: from a pipe, whatever is there, so output keeps up."""
    read = getattr(stream, "read1", stream.read)
    while True:
        data = read(size)
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
        data = json.loads(text, object_pairs_hook=no_duplicate_keys, parse_float=json_number)
    except json.JSONDecodeError as exc:
        raise ClientcheckError(_json_syntax(exc.msg), Mark(name, line, exc.colno)) from None
    except DuplicateKey as exc:
        raise ClientcheckError(_t("answers.duplicate_key", name=exc.key), Mark(name, line)) from None  # as for .json
    except ValueError:  # an integer past Python's digit limit
        raise ClientcheckError(_t(TOO_MANY_DIGITS), Mark(name, line)) from None
    except RecursionError:
        raise ClientcheckError(_t("answers.too_deep"), Mark(name, line)) from None
    if "\\u" in text and lone_surrogate(data):
        raise ClientcheckError(_t(SURROGATE), Mark(name, line))
    return data


BOM = b"\xef\xbb\xbf"  # a UTF-8 byte order mark, which some programs write first


def without_bom(pieces: Iterable[bytes]) -> Iterator[bytes]:
    """The pieces of an input with a byte order mark at its very start taken off, one only (a
    second is the first line's), also when the reads cut it (a slow writer on a pipe)."""
    rest = iter(pieces)
    head = b""
    for piece in rest:
        head += piece
        if len(head) >= len(BOM) or not BOM.startswith(head):
            break
    head = head.removeprefix(BOM)
    if head:
        yield head
    yield from rest


def jsonl_lines(
    pieces: Iterable[bytes], source: Source, line: int = 0, ends: bool = False, start: bool = True
) -> Iterator[tuple[int, list[bytes], int] | ClientcheckError]:
    """A JSON Lines input as its lines: per piece read, (lines before them, the whole lines, the
    bytes read), or the error of a line too long to hold (then skipped up to its end).

    Lists, not one line at a time, so that the batch's loop over them stays tight. `line`: lines
    before the first piece. start: the pieces begin the input, so may begin with a byte order mark
    (not a worker process's piece, which starts inside a file). ends: each whole line
    keeps its b"\n" (the batch's way: a third of the time of bytes.split, which looks at every
    byte in a loop where BytesIO.readlines calls memchr).
    """
    rest = b""
    # inside a line too long to hold: drop it up to its end, and say so then (or that it has no
    # end in sight): one message for one line. skipped: the line's bytes so far, all of them,
    # so that where the reads happen to cut it does not change which is said
    skipping = False
    skipped = 0
    stoppable = may_not_end(source)
    for piece in without_bom(pieces) if start else pieces:
        size = len(piece)
        if skipping:
            end = piece.find(b"\n")
            if end < 0:
                skipped += size
                if skipped > MAX_SKIP_BYTES and stoppable:  # a file ends; a stream may not
                    yield endless(source, line + 1)
                    return
                yield line, [], size
                continue
            if skipped + end > MAX_SKIP_BYTES and stoppable:  # it ends here, but past the bound
                yield endless(source, line + 1)
                return
            skipped = 0
            piece, skipping = piece[end + 1 :], False
            yield ClientcheckError(too_long(), Mark(source.name, line + 1))
            line += 1  # the long line, now over
        data = rest + piece if rest else piece
        if ends:
            lines = io.BytesIO(data).readlines()
            rest = lines.pop() if lines and not lines[-1].endswith(b"\n") else b""
        else:
            lines = data.split(b"\n")
            rest = lines.pop()
        # a whole line too long to hold, read in one piece: reported in its place as when it is
        # read in several (below), wherever the pieces happen to start
        while len(data) > MAX_ROW_BYTES and lines and max(map(len, lines)) > MAX_ROW_BYTES + ends:
            long = next(i for i, one in enumerate(lines) if len(one) > MAX_ROW_BYTES + ends)
            yield line, lines[:long], size
            size = 0
            line += long + 1
            yield ClientcheckError(too_long(), Mark(source.name, line))
            lines = lines[long + 1 :]
        yield line, lines, size
        line += len(lines)
        if len(rest) > MAX_ROW_BYTES:
            rest, skipping, skipped = b"", True, len(rest)
    if skipping:  # the input ended inside the long line
        yield ClientcheckError(too_long(), Mark(source.name, line + 1))
    elif rest.strip():
        yield line, [rest], 0
