"""Inputs of a batch: which files, in what order, and how JSON Lines and CSV records are read."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

from clientcheck.errors import AnswersError, ClientcheckError, UsageError
from clientcheck.loader import load_catalog
from clientcheck.model import Catalog
from clientcheck.readers import Source, chunks, decode_line, resolve
from clientcheck.readers.csvfile import CsvReader, cell_value, sniff_delimiter
from tests.conftest import WriteYaml


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


def test_formats_come_from_the_extension_unless_the_option_says(tmp_path: Path, write_yaml: WriteYaml) -> None:
    paths = [write_yaml(name, "") for name in ("a.yaml", "b.YML", "c.json", "d.jsonl", "e.ndjson", "f.csv", "g.txt")]
    got = [(Path(s.path).name, s.format) for s in resolve([str(p) for p in paths], None)]
    assert got == [
        ("a.yaml", "yaml"),
        ("b.YML", "yaml"),
        ("c.json", "json"),
        ("d.jsonl", "jsonl"),
        ("e.ndjson", "jsonl"),
        ("f.csv", "csv"),
        ("g.txt", "answers"),
    ]
    assert [s.format for s in resolve([str(paths[6]), "-"], "csv")] == ["csv", "csv"]
    assert resolve(["-"], None) == [Source("-", "<stdin>", "answers")]


def test_a_folder_gives_its_answers_files_by_name_without_subfolders(tmp_path: Path, write_yaml: WriteYaml) -> None:
    for name in ("dir/b.json", "dir/a.yaml", "dir/c.csv", "dir/readme.md", "dir/sub/d.yaml"):
        write_yaml(name, "")
    assert [Path(s.path).name for s in resolve([str(tmp_path / "dir")], "jsonl")] == ["a.yaml", "b.json", "c.csv"]
    assert [s.format for s in resolve([str(tmp_path / "dir")], "jsonl")] == ["yaml", "json", "csv"]


def test_unusable_inputs_are_refused_up_front(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=r"^nope\.jsonl: no such file$"):
        resolve(["nope.jsonl"], None)
    with pytest.raises(UsageError, match=r"^standard input \(-\) can be read only once$"):
        resolve(["-", "-"], None)


@pytest.mark.parametrize(
    ("qid", "cell", "value"),
    [
        ("worked_before", "yes", True),
        ("worked_before", "Да", True),
        ("worked_before", "0", False),
        ("worked_before", "НЕТ", False),
        ("worked_before", "maybe", "maybe"),
        ("worked_before", "?", None),
        ("late_payments", "3", 3),
        ("late_payments", "-3", -3),
        ("late_payments", "1,000", "1,000"),
        ("late_payments", "many", "many"),
        ("budget_amount", "1 200 000,50", 1200000.5),
        ("budget_amount", "1\u00a0200\u00a0000", 1200000),
        ("budget_amount", "12.5", 12.5),
        ("budget_amount", "12,5", 12.5),
        ("budget_amount", "1_000", 1000),
        ("budget_amount", "nan", "nan"),
        ("budget_amount", "inf", "inf"),
        (
            "asks",
            "free_sample; discount|free_work,pay_if_liked",
            ["free_sample", "discount", "free_work", "pay_if_liked"],
        ),
        ("asks", "[]", []),
        ("asks", "discount", ["discount"]),
        ("advance", "partial", "partial"),
        ("advance", "?", None),
    ],
)
def test_csv_cells_become_answers(catalog: Catalog, qid: str, cell: str, value: Any) -> None:
    assert cell_value(catalog.questions[qid], cell) == value


@pytest.mark.parametrize(
    ("header", "delimiter"),
    [("client,rude,advance", ","), ("client;rude;advance", ";"), ("client\trude", "\t"), ("client", ",")],
)
def test_the_separator_is_the_one_the_header_uses_most(header: str, delimiter: str) -> None:
    assert sniff_delimiter(header) == delimiter


def rows(catalog: Catalog, text: str) -> list[tuple[int, Any]]:
    reader = CsvReader(io.BytesIO(text.encode("utf-8")), Source("x.csv", "x.csv", "csv"), catalog)
    return [(line, str(r) if isinstance(r, ClientcheckError) else r) for line, r in reader.rows()]


def test_csv_rows_are_answers_with_the_line_they_start_on(catalog: Catalog) -> None:
    text = '\ufeffclient;rude;asks\r\nAcme;нет;discount\r\n\r\n"Two\nlines";?;\r\nExtra;1;;;\r\nShort;yes\r\n'
    assert rows(catalog, text) == [
        (2, {"client": "Acme", "rude": False, "asks": ["discount"]}),
        (4, {"client": "Two\nlines", "rude": None}),
        (6, "x.csv:6: this row has 5 cells, the header has 3"),
        (7, {"client": "Short", "rude": True}),
    ]


def test_a_note_column_is_the_note_as_in_an_answers_file(catalog: Catalog) -> None:
    """`note` was accepted in JSON Lines and refused as a CSV column ("unknown question 'note'")."""
    assert rows(catalog, "client,note,rude\nc,call back in May,yes\n") == [
        (2, {"client": "c", "note": "call back in May", "rude": True})
    ]


def test_a_bad_header_names_every_problem_at_once(catalog: Catalog) -> None:
    with pytest.raises(AnswersError) as err:
        rows(catalog, "client,rudee,advance,advance\nx,1,none,none\n")
    assert str(err.value) == (
        "x.csv:1: header: unknown question 'rudee'; did you mean 'rude'?\nx.csv:1: header: column 'advance' appears twice"
    )


def test_an_empty_csv_has_no_rows(catalog: Catalog) -> None:
    assert rows(catalog, "") == []
    assert rows(catalog, "client,rude\n") == []


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b'{"rude": tru}', "f.jsonl:7:10: JSON syntax error: Expecting value"),
        (b'{"rude": true', "f.jsonl:7:14: JSON syntax error: Expecting ',' delimiter"),
        (b'{"rude": true, "rude": false}', "f.jsonl:7: duplicate key 'rude'"),
        (b'{"client": "\xff"}', "f.jsonl:7: this line is not UTF-8 text"),
    ],
)
def test_a_json_lines_record_that_cannot_be_read_says_where(raw: bytes, message: str) -> None:
    with pytest.raises(ClientcheckError) as err:
        decode_line(raw, "f.jsonl", 7)
    assert str(err.value) == message


def test_a_good_json_lines_record_is_decoded_with_big_numbers_kept() -> None:
    assert decode_line(b'{"n": 123456789012345678901234567890, "s": "\xd1\x8f"}', "f", 1) == {
        "n": 123456789012345678901234567890,
        "s": "я",
    }


def test_a_stream_is_read_in_pieces_as_they_come() -> None:
    class Pipe(io.RawIOBase):
        """Gives at most 5 bytes a read, as a pipe gives what has arrived."""

        def __init__(self, data: bytes) -> None:
            self.data = data

        def readable(self) -> bool:
            return True

        def readinto(self, b: Any) -> int:
            n = min(5, len(self.data), len(b))
            b[:n], self.data = self.data[:n], self.data[n:]
            return n

    pieces = list(chunks(io.BufferedReader(Pipe(b"0123456789abc"), buffer_size=64)))
    assert pieces == [b"01234", b"56789", b"abc"]


def test_an_endless_line_on_standard_input_stops_the_input_a_file_is_read_to_its_end(tmp_path: Path) -> None:
    """`check - --input-format jsonl < /dev/zero` reported the long line, then read forever."""
    from itertools import repeat

    from clientcheck.readers import MAX_SKIP_BYTES, jsonl_lines

    endless = repeat(b"0" * (1 << 20))  # a line with no end, a MB at a time
    got = [item for item in jsonl_lines(endless, Source("-", "<stdin>", "jsonl")) if isinstance(item, ClientcheckError)]
    # one message for the one line (it counted as two bad records)
    assert [str(e) for e in got] == [
        "<stdin>:1: this line goes on past 64 MB without an end: the rest of the input is not read",
    ]
    # a file ends: its long line is skipped to its end, and the next line is read
    pieces = [b"0" * (1 << 20)] * ((MAX_SKIP_BYTES >> 20) + 2) + [b'0\n{"rude": true}\n']
    (tmp_path / "f.jsonl").touch()  # a regular file (its pieces are given here)
    items = list(jsonl_lines(pieces, Source(str(tmp_path / "f.jsonl"), "f.jsonl", "jsonl")))
    assert [str(e) for e in items if isinstance(e, ClientcheckError)] == ["f.jsonl:1: this line is longer than 1000 kB"]
    assert [ln for item in items if not isinstance(item, ClientcheckError) for ln in item[1]] == [b'{"rude": true}']


@pytest.mark.slow
@pytest.mark.parametrize("args", [["-", "--jobs", "2"], ["/dev/stdin"], ["/dev/stdin", "--engine", "duckdb"]])
def test_an_endless_line_stops_every_way_of_reading_a_stream(args: list[str]) -> None:
    """/dev/stdin, a device, and the worker processes' own reading of a stream read /dev/zero forever."""
    import subprocess
    import sys

    if "duckdb" in args:
        pytest.importorskip("duckdb")
    with open("/dev/zero", "rb") as zero:
        ran = subprocess.run(
            [sys.executable, "-m", "clientcheck", "check", *args, "--input-format", "jsonl", "-f", "jsonl"],
            stdin=zero,
            capture_output=True,
            timeout=120,
        )
    name = "<stdin>" if args[0] == "-" else args[0]
    assert (ran.returncode, ran.stdout, ran.stderr.decode().splitlines()) == (
        4,
        b"",
        [
            f"{name}:1: this line goes on past 64 MB without an end: the rest of the input is not read",
            "1 bad record or input (see above); no client was scored",
        ],
    )


class _Endless(io.RawIOBase):
    """A stream that gives its first bytes, then `fill` for ever (no line end ever comes)."""

    def __init__(self, first: bytes, fill: bytes) -> None:
        self.first, self.fill = first, fill

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data, self.first = (self.first or self.fill * len(buffer))[: len(buffer)], b""
        buffer[: len(data)] = data
        return len(data)


@pytest.mark.parametrize("end", [b"\n", b"\r"])
def test_an_endless_csv_row_on_standard_input_stops_the_input_as_jsonl_does(catalog: Catalog, end: bytes) -> None:
    """`check - --input-format csv < /dev/zero`-like input read for ever, printing nothing."""
    stream = io.BufferedReader(_Endless(b"client,rude" + end + b"A,yes" + end, b"a"), 1 << 20)
    rows = list(CsvReader(stream, Source("-", "<stdin>", "csv"), catalog).rows())
    assert [(n, r if isinstance(r, dict) else str(r)) for n, r in rows] == [
        (2, {"client": "A", "rude": True}),
        (3, "<stdin>:3: this line goes on past 64 MB without an end: the rest of the input is not read"),
    ]


def test_an_endless_csv_header_on_standard_input_is_one_error(catalog: Catalog) -> None:
    stream = io.BufferedReader(_Endless(b"client", b"a"), 1 << 20)
    with pytest.raises(AnswersError) as err:
        list(CsvReader(stream, Source("-", "<stdin>", "csv"), catalog).rows())
    assert str(err.value) == "<stdin>:1: this line goes on past 64 MB without an end: the rest of the input is not read"


def _lines_of(length: int, piece: int) -> list[bytes]:
    """A line of `length` bytes, then a record, as a stream would give them, `piece` bytes a read."""
    data = b"0" * length + b'\n{"client": "after"}\n'
    return [data[i : i + piece] for i in range(0, len(data), piece)]


@pytest.mark.parametrize("piece", [1 << 18, 1 << 20, 3_000_001])
def test_whether_a_long_line_is_endless_does_not_depend_on_where_the_reads_cut_it(piece: int) -> None:
    """With 256 KB reads a line ending between 64 and 65 MB was "endless" and stopped the input;
    with 1 MB reads (--jobs 2) it was only "too long": the line's whole length decides now."""
    from clientcheck.readers import MAX_SKIP_BYTES, jsonl_lines

    stdin = Source("-", "<stdin>", "jsonl")

    def said(length: int) -> list[str]:
        got = jsonl_lines(_lines_of(length, piece), stdin, ends=True)
        return [
            str(i) if isinstance(i, ClientcheckError) else repr(i[1]) for i in got if not isinstance(i, tuple) or i[1]
        ]

    assert said(MAX_SKIP_BYTES + 1) == [
        "<stdin>:1: this line goes on past 64 MB without an end: the rest of the input is not read"
    ]
    assert said(MAX_SKIP_BYTES) == [
        "<stdin>:1: this line is longer than 1000 kB",
        '[b\'{"client": "after"}\\n\']',
    ]


@pytest.mark.parametrize("cut", [[1, 1, 1], [2], [1]])
def test_a_byte_order_mark_cut_by_the_reads_is_taken_off_and_only_one(cut: list[int]) -> None:
    """A slow writer on a pipe can give the mark a byte at a time; a second mark is the line's."""
    from clientcheck.readers import BOM, jsonl_lines, without_bom

    data = BOM + b'{"client": "a"}\n'
    pieces, at = [], 0
    for n in cut:
        pieces.append(data[at : at + n])
        at += n
    pieces.append(data[at:])
    got = [item[1] for item in jsonl_lines(pieces, Source("-", "<stdin>", "jsonl"), ends=True) if item[1]]
    assert got == [[b'{"client": "a"}\n']]
    assert b"".join(without_bom([BOM, BOM + b"{}\n"])) == BOM + b"{}\n"
    assert b"".join(without_bom([b"\xef\xbb"])) == b"\xef\xbb"  # the input ended: what there is, as it is
    # a worker process's piece starts inside the input: a mark there is the line's
    assert list(jsonl_lines([BOM + b"{}\n"], Source("f.jsonl", "f.jsonl", "jsonl"), start=False)) == [
        (0, [BOM + b"{}"], 6)
    ]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("data", "expect"),
    [
        # a line that ends just past 64 MB: "endless" both ways (--jobs 2 said "too long" and read on)
        (
            b"0" * ((64 << 20) + 300_000) + b'\n{"client": "after"}\n',
            "<stdin>:1: this line goes on past 64 MB without an end: the rest of the input is not read",
        ),
        # two byte order marks: one is taken off, the second is the line's (--jobs 2 took both off)
        (
            b"\xef\xbb\xbf" * 2 + b'{"client": "a"}\n{"client": "b"}\n',
            "<stdin>:1:1: JSON syntax error: Unexpected UTF-8 BOM (decode using utf-8-sig)",
        ),
    ],
)
def test_one_process_and_two_read_a_stream_alike(data: bytes, expect: str) -> None:
    import subprocess
    import sys

    runs = []
    for jobs in ("1", "2"):
        ran = subprocess.run(
            [sys.executable, "-m", "clientcheck", "check", "-", "--input-format", "jsonl", "-f", "csv", "--jobs", jobs],
            input=data,
            capture_output=True,
            timeout=120,
        )
        runs.append((ran.returncode, ran.stdout, ran.stderr.decode().splitlines()[0]))
    assert runs[0] == runs[1]
    assert (runs[0][0], runs[0][2]) == (4, expect)


@pytest.mark.parametrize("end", [b"\n", b"\r"])
def test_a_csv_row_ending_just_past_64_mb_is_endless_and_one_just_short_is_too_long(
    catalog: Catalog, end: bytes
) -> None:
    """The row's whole length decides, the part read with its end too (that part was not counted)."""
    from clientcheck.readers import MAX_SKIP_BYTES

    def rows(length: int) -> list[Any]:
        data = b"client,rude" + end + b"a" * length + end + b"B,yes" + end
        stream = io.BufferedReader(io.BytesIO(data), 1 << 20)
        return [
            (n, r if isinstance(r, dict) else str(r))
            for n, r in CsvReader(stream, Source("-", "<stdin>", "csv"), catalog).rows()
        ]

    assert rows(MAX_SKIP_BYTES + 1) == [
        (2, "<stdin>:2: this line goes on past 64 MB without an end: the rest of the input is not read")
    ]
    assert rows(MAX_SKIP_BYTES) == [
        (2, "<stdin>:2: this row is longer than 1000 kB"),
        (3, {"client": "B", "rude": True}),
    ]


def test_a_quoted_cell_too_long_over_several_lines_is_one_bad_row(catalog: Catalog) -> None:
    """Its later lines were read again as rows of their own: one became a client named yyyy..."""
    data = ('client,rude\n"' + "z" * 70_000 + "\n" + "y" * 70_000 + '\nx",true\nB,yes\n').encode()
    rows = CsvReader(io.BufferedReader(io.BytesIO(data)), Source("q.csv", "q.csv", "csv"), catalog).rows()
    assert [(n, r if isinstance(r, dict) else str(r)) for n, r in rows] == [
        (2, "q.csv:2: a cell of this row is longer than 131072 characters"),
        (5, {"client": "B", "rude": True}),
    ]


def test_a_too_long_cell_whose_quote_a_later_row_closes_costs_that_row_only(catalog: Catalog) -> None:
    """An even count of quotes over the lines taken in is not one row: B, D and E are clients."""
    data = ('client,rude\nA,"' + "z" * 140_000 + '\nB,yes\nC,"x""y""\nD,yes\nE,no\n').encode()
    rows = CsvReader(io.BufferedReader(io.BytesIO(data)), Source("r.csv", "r.csv", "csv"), catalog).rows()
    assert [(n, r if isinstance(r, dict) else str(r)) for n, r in rows] == [
        (2, "r.csv:2: a cell of this row is longer than 131072 characters"),
        (3, {"client": "B", "rude": True}),
        (4, "r.csv:4: a quote in this row is left open"),
        (5, {"client": "D", "rude": True}),
        (6, {"client": "E", "rude": False}),
    ]


def read_csv(catalog: Catalog, data: bytes) -> list[tuple[int, Any]]:
    rows = CsvReader(io.BufferedReader(io.BytesIO(data)), Source("n.csv", "n.csv", "csv"), catalog).rows()
    return [(n, r if isinstance(r, dict) else str(r)) for n, r in rows]


def test_a_quoted_note_over_many_lines_is_one_row(catalog: Catalog) -> None:
    """A note pasted from a long e-mail: past 100 lines its quote was taken as left open and each
    line after it read as a client of its own."""
    note = "\n".join(f"line {i}, with a comma" for i in range(500))
    data = f'client,rude\n"{note}",yes\nB,no\n'.encode()
    assert read_csv(catalog, data) == [(2, {"client": note, "rude": True}), (502, {"client": "B", "rude": False})]


@pytest.mark.parametrize(
    ("text", "record"),
    [
        ('client,rude,note\nAcme,no,"Asked: rude?\nno, yes, fine\nend"\n', {"rude": False}),
        ('client,late_payments,note\nAcme,1,"He\ncalled, 3, times\nthen paid"\n', {"late_payments": 1}),
        ('client;late_payments;note\nAcme;1;"Ivanov; 3; late again"\n', {"late_payments": 1}),
    ],
)
def test_a_note_whose_lines_look_like_rows_is_still_one_cell(
    catalog: Catalog, text: str, record: dict[str, Any]
) -> None:
    # a closed quoted cell is one cell, as in every CSV reader: taking its lines for rows (a try at
    # catching a stray quote that a later one closes) made up clients named "no" and "called"
    (line, got), *more = rows(catalog, text)
    assert (line, more, {k: got[k] for k in record}, got["client"]) == (2, [], record, "Acme")


def test_a_closed_quoted_cell_past_a_megabyte_over_lines_is_one_row_too_long(catalog: Catalog) -> None:
    """Its lines were read again as 1,100 clients named xxx..., after "a quote ... left open"."""
    cell = "\n".join(["x" * 1000] * 1100)
    data = f'client,rude\nA,no\n"B {cell}",yes\nC,yes\n'.encode()
    assert read_csv(catalog, data) == [
        (2, {"client": "A", "rude": False}),
        (3, "n.csv:3: this row is longer than 1000 kB"),
        (1103, {"client": "C", "rude": True}),
    ]


def test_a_quote_closed_past_a_megabyte_in_a_column_without_lines_gives_its_rows_back(catalog: Catalog) -> None:
    """A quote left open before a yes/no and closed by a later row's: the rows between are clients."""
    data = b'client,rude\nA,"yes\n' + b"".join(b"c%d,no\n" % i for i in range(100_000)) + b'Z,"no\nY,yes\n'
    got = read_csv(catalog, data)
    assert got[0] == (2, "n.csv:2: a quote in this row is left open")
    assert got[1] == (3, {"client": "c0", "rude": False}) and len(got) == 100_003
    assert got[-2:] == [
        (100_003, "n.csv:100003: a quote in this row is left open"),
        (100_004, {"client": "Y", "rude": True}),
    ]


@pytest.mark.slow
def test_a_quote_still_open_after_the_lookahead_gives_its_rows_back(catalog: Catalog) -> None:
    from clientcheck.readers.csvfile import LOOKAHEAD_BYTES

    rows = b"".join(b"c%07d,no\n" % i for i in range(LOOKAHEAD_BYTES // 11 + 10))
    got = read_csv(catalog, b'client,rude\nA,"open\n' + rows + b'Z,"yes"\n')
    assert got[0] == (2, "n.csv:2: a quote in this row is left open (or a quoted cell runs over more than 8000 kB)")
    assert got[1] == (3, {"client": "c0000000", "rude": False})
    assert len(got) == LOOKAHEAD_BYTES // 11 + 12 and got[-1][1] == {"client": "Z", "rude": True}


@pytest.mark.parametrize("end", [b"\n", b"\r"])
def test_a_csv_row_of_exactly_a_megabyte_is_read_whatever_ends_its_lines(catalog: Catalog, end: bytes) -> None:
    """With lines ending in CR, the CR was counted: 1,000,000 bytes was "longer than 1000 kB"."""
    from clientcheck.readers import MAX_ROW_BYTES

    def first(length: int) -> str:
        data = b"client,rude" + end + b"B," + b"x" * (length - 2) + end + b"C,yes" + end
        stream = io.BufferedReader(io.BytesIO(data), 1 << 20)
        return str(next(iter(CsvReader(stream, Source("m.csv", "m.csv", "csv"), catalog).rows()))[1])

    assert first(MAX_ROW_BYTES) == "m.csv:2: a cell of this row is longer than 131072 characters"  # read, then checked
    assert first(MAX_ROW_BYTES + 1) == "m.csv:2: this row is longer than 1000 kB"
