"""--resume: an interrupted run, rerun, ends with the same file as a run never interrupted."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from conftest import SAMPLES
from typer.testing import CliRunner

from claimx.cli import app
from claimx.io import Record
from claimx.resume import Resume, ResumeError, load_written

pytestmark = pytest.mark.usefixtures("cli_nlp")


def paragraphs() -> list[str]:
    text = "\n\n".join(p.read_text(encoding="utf-8") for p in sorted(SAMPLES.glob("*.txt")))
    return [p for p in text.split("\n\n") if len(p.split()) > 12]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Twelve short articles from the samples' paragraphs, one of them unreadable."""
    folder = tmp_path_factory.mktemp("corpus")
    pool = paragraphs()
    for i in range(11):
        (folder / f"{i:02}.txt").write_text(
            "\n\n".join(pool[(i + k) % len(pool)] for k in range(2)) + "\n", encoding="utf-8"
        )
    (folder / "05.md").write_bytes(b"")  # an error record among the results
    return folder


@pytest.fixture(scope="module")
def uninterrupted(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> bytes:
    out = tmp_path_factory.mktemp("full") / "claims.jsonl"
    result = CliRunner().invoke(app, ["extract", str(corpus), "-o", str(out)])
    assert result.exit_code == 1, result.stderr  # the empty file
    data = out.read_bytes()
    assert len(data.splitlines()) == 12
    return data


def resume(corpus: Path, out: Path) -> str:
    result = CliRunner().invoke(app, ["extract", str(corpus), "-o", str(out), "--resume"])
    assert result.exit_code == 1, result.stderr  # the empty file, found again or skipped
    return result.stderr


# --------------------------------------------------------------------------- the file


def test_resume_after_a_torn_last_line(corpus: Path, uninterrupted: bytes, tmp_path: Path) -> None:
    lines = uninterrupted.splitlines(keepends=True)
    out = tmp_path / "claims.jsonl"
    out.write_bytes(b"".join(lines[:4]) + lines[4][:37])  # killed while writing line 5
    stderr = resume(corpus, out)
    assert out.read_bytes() == uninterrupted
    assert "cut off an incomplete last line (37 bytes)" in stderr
    assert stderr.rstrip().endswith("4 skipped, already in " + str(out))


@pytest.mark.parametrize(
    "tail",
    [b"", b"\x00" * 300, b'{"schema_version": "1.1", "id": "x", "cla\n'],
    ids=["clean", "zeros-after-power-loss", "half-a-record-with-newline"],
)
def test_resume_cuts_what_a_crash_leaves(
    corpus: Path, uninterrupted: bytes, tmp_path: Path, tail: bytes
) -> None:
    lines = uninterrupted.splitlines(keepends=True)
    out = tmp_path / "claims.jsonl"
    out.write_bytes(b"".join(lines[:7]) + tail)
    resume(corpus, out)
    assert out.read_bytes() == uninterrupted


def test_resume_of_a_finished_run_changes_nothing(
    corpus: Path, uninterrupted: bytes, tmp_path: Path
) -> None:
    out = tmp_path / "claims.jsonl"
    out.write_bytes(uninterrupted)
    stderr = resume(corpus, out)
    assert out.read_bytes() == uninterrupted
    assert "0 articles" in stderr and "12 skipped" in stderr and "(1 error among them)" in stderr


def test_resume_appends_new_articles(corpus: Path, uninterrupted: bytes, tmp_path: Path) -> None:
    out = tmp_path / "claims.jsonl"
    out.write_bytes(uninterrupted)
    extra = tmp_path / "more"
    extra.mkdir()
    (extra / "new.txt").write_text(paragraphs()[0] + "\n", encoding="utf-8")
    result = CliRunner().invoke(
        app, ["extract", str(corpus), str(extra), "-o", str(out), "--resume"]
    )
    assert result.exit_code == 1  # the empty file, skipped but counted
    lines = out.read_bytes().splitlines(keepends=True)
    assert b"".join(lines[:12]) == uninterrupted
    assert [json.loads(line)["id"] for line in lines[12:]] == [str(extra / "new.txt")]


def test_resume_refuses_a_file_that_is_not_claimx_output(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "notes.jsonl"
    out.write_text("my notes\nmore notes\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["extract", str(corpus), "-o", str(out), "--resume"])
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.startswith(f"claimx: error: cannot resume into {out}: line 1 ")
    assert out.read_text(encoding="utf-8") == "my notes\nmore notes\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [(["--resume"], "needs an output file"), (["--resume", "-o", "x.json"], "jsonl only")],
)
def test_resume_usage_errors(corpus: Path, args: list[str], message: str) -> None:
    result = CliRunner().invoke(app, ["extract", str(corpus), *args])
    assert result.exit_code == 2 and message in result.stderr


def test_resume_counts_repeated_ids(tmp_path: Path) -> None:
    out = tmp_path / "o.jsonl"
    out.write_text(
        "".join(
            json.dumps(r) + "\n" for r in [{"id": "a"}, {"id": "b", "error": "x"}, {"id": "a"}]
        ),
        encoding="utf-8",
    )
    skip = Resume(load_written(str(out)))
    records = [Record(i, "t") for i in ["a", "b", "a", "a", "c", "b"]]
    assert [r.id for r in skip(records)] == ["a", "c", "b"]
    assert (skip.skipped, skip.skipped_failed) == (3, 1)


def test_resume_bad_line_in_the_middle_is_an_error(tmp_path: Path) -> None:
    out = tmp_path / "o.jsonl"
    out.write_bytes(b'{"id": "a"}\nnot json\n{"id": "b"}\n')
    with pytest.raises(ResumeError, match="line 2 is not a claimx result"):
        load_written(str(out))


def test_resume_missing_file_is_a_fresh_start(tmp_path: Path) -> None:
    written = load_written(str(tmp_path / "none.jsonl"))
    assert (written.lines, written.dropped_bytes) == (0, 0)


# --------------------------------------------------------------------------- a real kill

# claimx, slowed down so that a test can stop it halfway
SLOW_CLAIMX = textwrap.dedent(
    """
    import sys, time
    import claimx.cli

    real_run = claimx.cli.run

    def slow_run(*args, **kwargs):
        for result in real_run(*args, **kwargs):
            time.sleep(0.15)
            yield result

    claimx.cli.run = slow_run
    sys.argv[0] = "claimx"
    claimx.cli.main()
    """
)


def wait_for_lines(path: Path, count: int, proc: subprocess.Popen[bytes], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists() and path.read_bytes().count(b"\n") >= count:
            return
        if proc.poll() is not None:
            pytest.fail(f"claimx ended before it could be stopped: {proc.stderr.read()!r}")  # type: ignore[union-attr]
        time.sleep(0.02)
    proc.kill()
    pytest.fail(f"no {count} lines in {timeout} s")


@pytest.mark.parametrize("processes", ["1", "2"])
def test_resume_after_sigterm_gives_the_uninterrupted_file(
    corpus: Path, uninterrupted: bytes, tmp_path: Path, processes: str
) -> None:
    out = tmp_path / "claims.jsonl"
    proc = subprocess.Popen(
        [sys.executable, "-c", SLOW_CLAIMX, "extract", str(corpus), "-o", str(out)]
        + ["--n-process", processes, "--batch-size", "2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=dict(os.environ, COLUMNS="200"),
    )
    wait_for_lines(out, 3, proc, timeout=120)
    proc.send_signal(signal.SIGTERM)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 128 + signal.SIGTERM
    assert b"claimx: stopped: after " in stderr and b"--resume" in stderr
    assert b"Traceback" not in stderr
    partial = out.read_bytes()
    assert partial.endswith(b"\n") and 3 <= partial.count(b"\n") < 12
    assert uninterrupted.startswith(partial)  # whole lines, and only those

    resume(corpus, out)
    assert out.read_bytes() == uninterrupted


def test_resume_after_kill_9_and_the_workers_stop_too(
    corpus: Path, uninterrupted: bytes, tmp_path: Path
) -> None:
    psutil = pytest.importorskip("psutil")
    out = tmp_path / "claims.jsonl"
    proc = subprocess.Popen(
        [sys.executable, "-c", SLOW_CLAIMX, "extract", str(corpus), "-o", str(out)]
        + ["--n-process", "2", "--batch-size", "2"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    wait_for_lines(out, 3, proc, timeout=120)
    workers = psutil.Process(proc.pid).children(recursive=True)
    assert workers
    proc.kill()  # no clean-up at all, as in a power cut
    proc.wait(timeout=30)
    _, alive = psutil.wait_procs(workers, timeout=10)
    assert alive == [], "worker processes outlived their parent"
    assert uninterrupted.startswith(out.read_bytes().rsplit(b"\n", 1)[0])

    resume(corpus, out)
    assert out.read_bytes() == uninterrupted
