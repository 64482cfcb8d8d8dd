"""Watching a run on stderr: a progress bar at a terminal, a line per problem, a summary.

:class:`RunMonitor` sits between the results and the writer: it counts
articles, claims and errors as they stream past, prints each error and note as
one ``claimx: ...`` line, and, when asked to, draws a Rich progress bar
(articles done, articles/s, claims, errors, time left). The bar is for people:
the CLI shows it only when stderr is a terminal, so logs and pipes get the lines
alone. Nothing here touches stdout.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from types import TracebackType

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    SpinnerColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text

from .batch import Result


def say(console: Console, label: str, style: str, message: str) -> None:
    """Print ``claimx: LABEL: message`` as one line (markup in ``message`` is not read)."""
    console.print(Text.assemble((f"claimx: {label}: ", style), message))


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


class _RateColumn(ProgressColumn):
    """Articles per second, over the last half minute."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text(f"{speed:,.1f}/s" if speed else "-/s", style="progress.data.speed")


class _CountsColumn(ProgressColumn):
    def render(self, task: Task) -> Text:
        errors = task.fields.get("errors", 0)
        text = Text(_plural(task.fields.get("claims", 0), "claim"))
        text.append(", ")
        text.append(_plural(errors, "error"), style="red" if errors else "")
        return text


class RunMonitor:
    """Counts a run's results, reports problems, and draws the bar if ``show_bar``.

    Use as a context manager around the run, and pass the results through
    :meth:`watch`. ``total`` (records expected, if known) gives the bar its length
    and the ETA.
    """

    def __init__(
        self,
        console: Console,
        show_bar: bool = False,
        total: int | None = None,
        quiet: bool = False,
    ) -> None:
        self.console = console
        self.quiet = quiet
        self.articles = 0
        self.claims = 0
        self.errors = 0
        self.started = time.perf_counter()
        self.finished: float | None = None
        self._progress: Progress | None = None
        self._task = None
        if show_bar and not quiet:
            self._progress = Progress(
                SpinnerColumn(),
                TextColumn("[progress.description]{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                _RateColumn(),
                _CountsColumn(),
                TimeElapsedColumn(),
                TextColumn("ETA"),
                TimeRemainingColumn(),
                console=console,
                transient=True,  # the summary line replaces it
                redirect_stdout=False,  # stdout carries results; never route them through Rich
                redirect_stderr=False,
            )
            self._task = self._progress.add_task(
                "articles", total=None if total is None else max(total, 0), claims=0, errors=0
            )

    def __enter__(self) -> RunMonitor:
        self.started = time.perf_counter()
        if self._progress is not None:
            self._progress.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.finished = time.perf_counter()
        if self._progress is not None:
            self._progress.stop()

    @property
    def _out(self) -> Console:
        # while the bar is live, lines must go through its console to print above it
        return self._progress.console if self._progress is not None else self.console

    def note(self, message: str) -> None:
        if not self.quiet:
            say(self._out, "note", "yellow", message)

    def watch(self, results: Iterable[Result]) -> Iterator[Result]:
        """Pass results through, counting them and reporting notes and errors."""
        for result in results:
            self.articles += 1
            if result.note:
                self.note(result.note)
            if result.error is not None:
                self.errors += 1
                say(self._out, "error", "bold red", f"{result.id}: {result.error}")
            else:
                self.claims += result.claim_count
            if self._progress is not None and self._task is not None:
                task = self._progress.tasks[0]
                if task.total is not None and self.articles > task.total:
                    task.total = None  # the estimate was short: no ETA rather than a wrong one
                self._progress.update(
                    self._task, completed=self.articles, claims=self.claims, errors=self.errors
                )
            yield result

    @property
    def seconds(self) -> float:
        return (self.finished or time.perf_counter()) - self.started

    def summary(self, skipped: int = 0, skipped_failed: int = 0, output: str | None = None) -> str:
        """The closing line: articles, claims, errors, seconds, and what a resumed run skipped."""
        rate = self.articles / self.seconds if self.seconds > 0 else 0.0
        line = (
            f"{_plural(self.articles, 'article')}, {_plural(self.claims, 'claim')}, "
            f"{_plural(self.errors, 'error')} in {self.seconds:,.1f} s ({rate:,.1f} articles/s)"
        )
        if skipped:
            where = f" in {output}" if output else ""
            line += f"; {skipped:,} skipped, already{where}"
            if skipped_failed:
                line += f" ({_plural(skipped_failed, 'error')} among them)"
        return line
