"""Streams: stdin JSONL is read a line at a time, and a closed pipe ends claimx quietly."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import tracemalloc
from itertools import islice
from pathlib import Path

import pytest
from spacy.language import Language

from claimx.batch import MAX_TASKS_PER_PROCESS, TASK_SIZE, run
from claimx.io import open_inputs

LINE = json.dumps({"text": "The mayor said on Monday that the bridge would reopen in May."}) + "\n"


class EndlessJsonl(io.RawIOBase):
    """A stdin that never ends, counting the bytes claimx takes from it."""

    def __init__(self) -> None:
        self.taken = 0
        self.pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        while len(self.pending) < len(buffer):
            self.pending += LINE.encode()
        n = len(buffer)
        buffer[:n] = self.pending[:n]
        self.pending = self.pending[n:]
        self.taken += n
        return n


@pytest.mark.parametrize("n_process", [1, 2])
def test_stream_stdin_jsonl_in_bounded_memory(blank_nlp: Language, n_process: int) -> None:
    stdin = EndlessJsonl()
    source = open_inputs(["-"], stdin=io.BufferedReader(stdin, buffer_size=8192))
    results = run(blank_nlp, source.records, batch_size=8, n_process=n_process)
    ids = [r.id for r in islice(results, 50)]
    results.close()
    assert ids == [f"-:{i}" for i in range(1, 51)]
    # 50 results out: the input read is those lines, a few batches ahead, and a buffer
    assert (
        stdin.taken <= (50 + MAX_TASKS_PER_PROCESS * TASK_SIZE * n_process + 8) * len(LINE) + 8192
    )


def test_stream_jsonl_file_is_never_held_whole(tmp_path: Path) -> None:
    path = tmp_path / "big.jsonl"
    path.write_text(LINE * 50_000, encoding="utf-8")  # 4 MB
    records = open_inputs([str(path)]).records
    tracemalloc.start()
    try:
        assert sum(1 for _ in records) == 50_000
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 1_000_000


@pytest.mark.parametrize("n_process", ["1", "2"])
def test_stream_closed_pipe_ends_claimx_quietly(n_process: str) -> None:
    """`... | claimx extract - -f jsonl | head -n 2`: no traceback, no hang."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "claimx", "extract", "-", "-f", "jsonl", "--n-process", n_process],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdin is not None and proc.stdout is not None and proc.stderr is not None
    proc.stdin.write((LINE * 400).encode())
    proc.stdin.close()
    first = [proc.stdout.readline() for _ in range(2)]
    proc.stdout.close()  # what `head` does once it has its lines
    proc.wait(timeout=120)
    assert [json.loads(line)["id"] for line in first] == ["-:1", "-:2"]
    assert proc.stderr.read() == b""
    assert proc.returncode == 1
