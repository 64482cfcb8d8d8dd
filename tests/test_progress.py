"""Watching a run: the bar only at a terminal, one line per problem, one summary line."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from claimx.batch import Result
from claimx.cli import app
from claimx.progress import RunMonitor

ARTICLE = '"We will rebuild," the mayor said on Monday. Crews told residents the power was back.\n'


def results() -> list[Result]:
    return [
        Result("a", {"id": "a", "claims": [{}, {}]}),
        Result("b", {"id": "b", "error": "empty file"}),
        Result("c", {"id": "c", "claims": [{}]}, note="c: not UTF-8, decoded as cp1252"),
    ]


def plain(drawn: str) -> str:
    return re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", drawn)


def console(terminal: bool) -> tuple[Console, io.StringIO]:
    out = io.StringIO()
    return Console(file=out, force_terminal=terminal, width=120, highlight=False), out


def test_progress_counts_and_reports() -> None:
    stderr, out = console(terminal=False)
    monitor = RunMonitor(stderr, show_bar=False)
    with monitor:
        assert list(monitor.watch(results())) == results()
    assert (monitor.articles, monitor.claims, monitor.errors) == (3, 3, 1)
    assert out.getvalue() == (
        "claimx: error: b: empty file\nclaimx: note: c: not UTF-8, decoded as cp1252\n"
    )


def test_progress_summary_line() -> None:
    monitor = RunMonitor(Console(file=io.StringIO()))
    with monitor:
        list(monitor.watch(results()))
    monitor.started, monitor.finished = 10.0, 12.0
    assert monitor.summary() == "3 articles, 3 claims, 1 error in 2.0 s (1.5 articles/s)"
    assert monitor.summary(skipped=5, skipped_failed=2, output="o.jsonl") == (
        "3 articles, 3 claims, 1 error in 2.0 s (1.5 articles/s); "
        "5 skipped, already in o.jsonl (2 errors among them)"
    )


def test_progress_bar_at_a_terminal() -> None:
    stderr, out = console(terminal=True)
    with RunMonitor(stderr, show_bar=True, total=3) as monitor:
        list(monitor.watch(results()))
    drawn = plain(out.getvalue())
    assert "articles" in drawn and "3/3" in drawn
    assert "3 claims, 1 error" in drawn and "ETA" in drawn and "/s" in drawn


def test_progress_quiet_draws_nothing() -> None:
    stderr, out = console(terminal=True)
    with RunMonitor(stderr, show_bar=True, total=3, quiet=True) as monitor:
        list(monitor.watch(results()))
    assert plain(out.getvalue()) == "claimx: error: b: empty file\n"  # errors are never hidden


@pytest.mark.usefixtures("cli_nlp")
def test_progress_silent_when_stderr_is_not_a_terminal(tmp_path: Path) -> None:
    for name in ("a.txt", "b.txt"):
        (tmp_path / "in" / name).parent.mkdir(exist_ok=True)
        (tmp_path / "in" / name).write_text(ARTICLE, encoding="utf-8")
    out = tmp_path / "claims.jsonl"
    result = CliRunner().invoke(
        app, ["extract", str(tmp_path / "in"), "-o", str(out)], catch_exceptions=False
    )
    assert result.exit_code == 0
    assert re.fullmatch(
        r"claimx: 2 articles, \d+ claims?, 0 errors in \d+\.\d s \(\d[\d,.]* articles/s\)\n",
        result.stderr,
    )
    assert len(out.read_text(encoding="utf-8").splitlines()) == 2
    quiet = CliRunner().invoke(app, ["extract", str(tmp_path / "in"), "-o", str(out), "-q"])
    assert quiet.exit_code == 0 and quiet.stderr == ""
