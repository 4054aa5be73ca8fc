"""files.widen_pipe: a batch's pipes hold a piece of records at once, and nothing else is touched."""

from __future__ import annotations

import fcntl
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from clientcheck.files import PIPE_BYTES, widen_pipe

pytestmark = pytest.mark.skipif(not hasattr(fcntl, "F_SETPIPE_SZ"), reason="pipe sizes are Linux's")


def pipe_size(fd: int) -> int:
    return fcntl.fcntl(fd, fcntl.F_GETPIPE_SZ)


def test_a_pipe_is_widened_to_a_megabyte_once() -> None:
    r, w = os.pipe()
    with os.fdopen(r, "rb") as reader, os.fdopen(w, "wb") as writer:
        assert pipe_size(w) < PIPE_BYTES
        assert widen_pipe(writer) is True
        assert pipe_size(w) == PIPE_BYTES
        assert pipe_size(reader.fileno()) == PIPE_BYTES  # one pipe, whichever end was given
        assert widen_pipe(reader) is False  # wide enough already: no second call


def test_a_file_or_a_stream_without_a_descriptor_is_left_alone(tmp_path: Path) -> None:
    with open(tmp_path / "out.jsonl", "wb") as f:
        assert widen_pipe(f) is False
    assert widen_pipe(io.StringIO()) is False
    assert widen_pipe(object()) is False


def test_a_closed_stream_is_left_alone() -> None:
    r, w = os.pipe()
    os.close(r)
    writer = os.fdopen(w, "wb")
    writer.close()
    assert widen_pipe(writer) is False


@pytest.mark.slow
def test_a_batch_widens_the_pipes_it_reads_and_writes(tmp_path: Path) -> None:
    """End to end: the pipe into `check -` and the one out of it are 1 MB wide afterwards."""
    lines = b"".join(json.dumps({"client": f"c{i}"}).encode() + b"\n" for i in range(50))
    r, w = os.pipe()  # the read end stays open here too, so its size can be read after the run
    child = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "clientcheck",
            "check",
            "-",
            "--input-format",
            "jsonl",
            "--format",
            "jsonl",
            "--jobs",
            "1",
        ],
        stdin=r,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=tmp_path,
        env={**os.environ, "CLIENTCHECK_NO_CACHE": "1"},
    )
    assert child.stdout is not None
    try:
        os.write(w, lines)
        os.close(w)
        out = child.stdout.read()
        sizes = pipe_size(r), pipe_size(child.stdout.fileno())
    finally:
        child.wait(timeout=60)
        os.close(r)
        child.stdout.close()
        assert child.stderr is not None
        child.stderr.close()
    assert out.count(b"\n") == 50
    assert sizes == (PIPE_BYTES, PIPE_BYTES)
