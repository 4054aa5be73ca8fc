"""--format jsonl: one compact JSON object per client and line, schema "clientcheck.result/1".

The layout is documented in docs/json.md. It keeps the key names and meanings of the one-client
layout ("clientcheck.verdict/2") and leaves out what is the same for every client (rule titles,
explanations, advice, question texts) or is derived (evidence, ask_next), so that a million
clients make a file of ids and numbers. A record is built from bytes prepared once per rule level,
which is what lets the batch keep ahead of `jq -c .` on its own input.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import orjson

from clientcheck.formats import (
    BaseSink,
    BinaryOut,
    FindingView,
    InputView,
    OpenView,
    Output,
    ResultView,
    StatsView,
    whole_file,
)
from clientcheck.model import VERDICTS, Catalog
from clientcheck.terminal import escape_bidi_bytes

SCHEMA = "clientcheck.result/2"
Piece = TypeVar("Piece", FindingView, OpenView)
CACHE_LIMIT = 20_000  # prepared pieces kept; a shape seen after that is encoded each time

_dumps = orjson.dumps
_SURROGATE = re.compile("[\ud800-\udfff]")


def _dumps_text(value: Any) -> bytes:
    """A value from the input (a client's name, a file name) as JSON, bidi controls escaped."""
    try:
        data = _dumps(value)
    except TypeError:  # a file name that was not UTF-8 holds lone surrogates (os.fsdecode's): as \u escapes
        text = json.dumps(value, ensure_ascii=False)
        data = _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text).encode("utf-8")
    return escape_bidi_bytes(data)


def _finding(f: FindingView) -> bytes:
    out: dict[str, Any] = {"id": f.id}
    if f.kind == "red-flag":
        out["severity"] = f.severity
    if f.kind != "note":
        out["weight"] = f.weight
    return _dumps(out)


def _open(u: OpenView) -> bytes:
    return _dumps(
        {
            "id": u.id,
            "kind": u.kind,
            "max_severity": u.max_severity,
            "severities": list(u.severities),
            "ask": list(u.ask),
        }
    )


_TEMPLATE = (
    b'%s%d,"client":%s,%s,"score":%s,'
    b'"findings":[%s],"good_signs":[%s],"notes":[%s],'
    b'"undecided":[%s],"ignored_answers":%s%s'
)
# the verdict, its range and settled: by 9 * verdict + 3 * worst + best (indexes in VERDICTS)
VERDICT_PARTS = tuple(
    b'"verdict":"%s","range":{"best":"%s","worst":"%s"},"settled":%s'
    % (v.encode(), best.encode(), worst.encode(), b"true" if best == worst else b"false")
    for v in VERDICTS
    for worst in VERDICTS
    for best in VERDICTS
)
_NO_LINE = _TEMPLATE.replace(b"%s%d,", b"%snull,", 1)  # a YAML or JSON file holds one client: no line


class Encoder:
    """Turns results into JSON Lines records; remembers the pieces every client shares.

    Also the RecordFormat the compiled path fills in directly (compiled.Engine.record_scorer),
    so that both paths write byte-identical records. The compiled path shares one FindingInfo
    per rule level and one OpenRule per shape of an undecided rule, so their JSON is made once
    (they hash by identity; the cache holds them alive, so an identity is never reused while it
    is a key).
    """

    template = _TEMPLATE
    verdicts = VERDICT_PARTS

    def __init__(self, catalog: Catalog) -> None:
        self.tail = b',"rules_sha256":' + _dumps(catalog.digest) + b"}\n"
        self._pieces: dict[object, bytes] = {}

    quick = staticmethod(_dumps)
    escape = staticmethod(escape_bidi_bytes)
    finding = staticmethod(_finding)
    open_rule = staticmethod(_open)

    def head(self, name: str) -> bytes:
        """The start of every record from one input, up to the line number."""
        return b'{"schema":"' + SCHEMA.encode() + b'","input":' + _dumps_text(name) + b',"line":'

    def _finding_piece(self, item: FindingView) -> bytes:
        piece = _finding(item)
        if item.fixed is None and len(self._pieces) < CACHE_LIMIT:  # fixed: from evaluate(), one of a kind
            self._pieces[item] = piece
        return piece

    def _open_piece(self, item: OpenView) -> bytes:
        piece = _open(item)
        if len(self._pieces) < CACHE_LIMIT:
            self._pieces[item] = piece
        return piece

    def _join(self, items: Sequence[Piece], make: Callable[[Piece], bytes]) -> bytes:
        if not items:
            return b""
        pieces = self._pieces
        try:
            return b",".join([pieces[item] for item in items])
        except KeyError:
            return b",".join([pieces.get(item) or make(item) for item in items])

    def join(self, items: Sequence[FindingView]) -> bytes:
        return self._join(items, self._finding_piece)

    def join_open(self, items: Sequence[OpenView]) -> bytes:
        return self._join(items, self._open_piece)

    def encode(self, r: ResultView, head: bytes, line: int | None) -> bytes:
        ignored = _dumps(tuple(r.ignored)) if r.ignored else b"[]"
        index = VERDICTS.index
        parts = (
            _dumps_text(r.client),
            VERDICT_PARTS[9 * index(r.verdict) + 3 * index(r.worst) + index(r.best)],
            _dumps(r.score),
            self.join(r.red),
            self.join(r.good),
            self.join(r.notes),
            self.join_open(r.undecided),
            ignored,
            self.tail,
        )
        if line is None:
            return _NO_LINE % (head, *parts)
        return _TEMPLATE % (head, line, *parts)


class JsonlSink(BaseSink):
    def __init__(self, catalog: Catalog, stream: BinaryOut) -> None:
        self.encoder = Encoder(catalog)
        self.record_format = self.encoder  # the compiled path writes this sink's records itself, into .buffer
        self.stream = stream
        self.buffer = []
        self.whole_file = False

    def begin(self, source: InputView) -> None:
        self.head = self.encoder.head(source.name)
        self.whole_file = whole_file(source)

    def add(self, r: ResultView, line: int) -> None:
        buffer = self.buffer
        buffer.append(self.encoder.encode(r, self.head, None if self.whole_file else line))
        if len(buffer) >= 512:
            self.flush()

    def flush(self) -> None:
        if self.buffer:
            self.stream.write(b"".join(self.buffer))
            self.buffer.clear()
        self.stream.flush()

    def write(self, out: Any) -> None:
        if self.buffer:  # what came before, in its place; the stream keeps the order, unflushed
            self.stream.write(b"".join(self.buffer))
            self.buffer.clear()
        self.stream.write(out)

    def finish(self, stats: StatsView) -> None:
        self.flush()


def sink(out: Output) -> JsonlSink:
    return JsonlSink(out.catalog, out.binary())


def worker_sink(out: Output) -> tuple[io.BytesIO, JsonlSink]:
    """A sink writing to memory, for a worker process (batch.Runner.use_processes)."""
    buffer = io.BytesIO()
    return buffer, JsonlSink(out.catalog, buffer)
