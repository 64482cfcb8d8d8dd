"""Throughput of claimx next to bare spaCy, over the same documents in the same run.

    python scripts/benchmark.py                         # texts of ../shared/eval/dev.jsonl
    python scripts/benchmark.py --input corpus.jsonl --limit 40 --repeat 5
    python scripts/benchmark.py --n-process 1 --json    # one process only, as JSON
    python scripts/benchmark.py --check                 # exit 1 if a target below is missed

One run prints: bare spaCy words/s; claimx at one process, words/s and its ratio to
bare spaCy (target >= 0.85); claimx at ``--n-process`` processes (default: every core,
2 on a 2-core machine) and its speed-up over one process (target >= 1.6 on 2 cores);
and the peak memory of each process (target <= 600 MB).

"bare" is the base spaCy pipeline claimx builds on, loaded the way claimx loads it
(``--model``, ``$CLAIMX_MODEL``, then the defaults), run with ``nlp.pipe``. "claimx" is
the full pipeline (``claimx.pipeline.load_pipeline``) run the way ``claimx extract``
runs it: ``claimx.batch.run`` over records, with the same batch size, every doc turned
into its output record, and at several processes its forked worker pool. Both are
warmed up first, then each round times every configuration back to back in a rotating
order; the best of ``--repeat`` rounds is kept, which filters out noise from other
processes, and the medians of the per-round ratios are printed as a check. Words are
the non-whitespace tokens of the spaCy tokenizer, counted once.
Peak memory is the peak resident set size (``ru_maxrss``) of this process, which holds
both pipelines, and of the largest worker process.

Without ``--input`` the documents are the texts of ``../shared/eval/dev.jsonl`` when
that file exists, else ``samples/*.txt`` repeated to at least 50 documents. Results go
to stdout (a table, or JSON with ``--json``), progress to stderr.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

from claimx.errors import ClaimxError

ROOT = Path(__file__).resolve().parents[1]
DEV_JSONL = ROOT.parent / "shared" / "eval" / "dev.jsonl"
SAMPLES = ROOT / "samples"
MIN_SAMPLE_DOCS = 50
WARMUP_DOCS = 8
#: The targets of the scale issue, checked with --check.
MIN_RATIO = 0.85
MIN_SPEEDUP = 1.6
MAX_RSS_MIB = 600 * 1000 * 1000 / 2**20  # 600 MB


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def fail(message: str) -> NoReturn:
    print(f"benchmark: error: {message}", file=sys.stderr)
    raise SystemExit(1)


def read_texts(path: Path) -> list[str]:
    """Texts of a JSONL file (``{"text": ...}`` per line) or of one plain-text file."""
    try:
        content = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        fail(f"{path}: cannot read ({err})")
    if path.suffix != ".jsonl":
        return [content]
    texts = []
    for number, line in enumerate(content.split("\n"), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as err:
            fail(f"{path}:{number}: not valid JSON ({err.msg})")
        if not isinstance(record, dict) or not isinstance(record.get("text"), str):
            fail(f'{path}:{number}: expected an object with a "text" string')
        texts.append(record["text"])
    return texts


def default_texts() -> tuple[list[str], str]:
    if DEV_JSONL.is_file():
        return read_texts(DEV_JSONL), str(DEV_JSONL)
    samples = [p.read_text(encoding="utf-8") for p in sorted(SAMPLES.glob("*.txt"))]
    if not samples:
        fail(f"no documents: {DEV_JSONL} is absent and {SAMPLES} has no *.txt; use --input")
    copies = -(-MIN_SAMPLE_DOCS // len(samples))  # ceiling division
    return samples * copies, f"{SAMPLES}/*.txt x{copies}"


def peak_rss_mib() -> dict[str, float | None]:
    """Peak resident memory of this process and of its largest finished child process."""
    try:
        import resource
    except ImportError:  # not on POSIX
        return {"main": None, "largest_worker": None}
    # ru_maxrss is in KiB on Linux and in bytes on macOS
    unit = 1 / 1024 / 1024 if sys.platform == "darwin" else 1 / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {
        "main": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * unit,
        "largest_worker": children * unit if children else None,
    }


def elapsed(run: Callable[[], None]) -> float:
    """Seconds one run takes, after a garbage collection."""
    gc.collect()
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def benchmark(
    texts: Sequence[str],
    model: str | None,
    batch_size: int,
    repeat: int,
    n_process: int,
    trained: bool = True,
) -> dict[str, Any]:
    """Time bare spaCy and claimx over ``texts``; the result is what ``--json`` prints."""
    from claimx.batch import run
    from claimx.io import Record
    from claimx.pipeline import _load_base, load_pipeline

    log("loading pipelines ...")
    bare = _load_base(model)
    full = load_pipeline(model, trained=trained)
    words = sum(
        sum(1 for token in doc if not token.is_space) for doc in bare.tokenizer.pipe(texts)
    )

    def run_bare() -> None:
        for _ in bare.pipe(texts, batch_size=batch_size):
            pass

    records = [Record(f"doc{i}", text) for i, text in enumerate(texts)]

    def run_claimx(processes: int) -> Callable[[], None]:
        def run_all() -> None:
            for result in run(full, records, batch_size=batch_size, n_process=processes):
                if not result.ok:
                    raise RuntimeError(f"{result.id}: {result.error}")

        return run_all

    log(f"warming up on {min(WARMUP_DOCS, len(texts))} documents ...")
    list(bare.pipe(texts[:WARMUP_DOCS], batch_size=batch_size))
    list(full.pipe(texts[:WARMUP_DOCS], batch_size=batch_size))

    # Every round times each configuration back to back, in a rotating order, so
    # the ratios compare runs that shared the machine's load.
    timings: dict[str, list[float]] = {"bare": [], "claimx": [], "parallel": []}
    runs = {"bare": run_bare, "claimx": run_claimx(1)}
    if n_process > 1:
        runs["parallel"] = run_claimx(n_process)
    parallel_error = None
    names = list(runs)
    for round_ in range(repeat):
        order = names[round_ % len(names) :] + names[: round_ % len(names)]
        for name in order:
            if name == "parallel" and parallel_error is not None:
                continue
            try:
                timings[name].append(elapsed(runs[name]))
            except Exception as err:  # report it and keep the one-process figures
                if name != "parallel":
                    raise
                lines = [line for line in str(err).splitlines() if line.strip()]
                parallel_error = lines[-1] if lines else repr(err)
                log(f"claimx at {n_process} processes failed: {parallel_error}")
        log(
            f"round {round_ + 1}/{repeat}: "
            + ", ".join(
                f"{'claimx x' + str(n_process) if name == 'parallel' else name} "
                f"{timings[name][-1]:.2f}s"
                for name in names
                if timings[name]
            )
        )
    results = [
        _run_record("bare", 1, words, timings["bare"]),
        _run_record("claimx", 1, words, timings["claimx"]),
    ]
    if timings["parallel"] and parallel_error is None:
        results.append(_run_record("claimx", n_process, words, timings["parallel"]))

    bare_wps = results[0]["words_per_second"]
    claimx_wps = results[1]["words_per_second"]
    out: dict[str, Any] = {
        "model": f"{bare.meta.get('lang')}_{bare.meta.get('name')}-{bare.meta.get('version')}",
        "documents": len(texts),
        "words": words,
        "batch_size": batch_size,
        "repeat": repeat,
        "cpus": os.cpu_count(),
        "runs": results,
        "ratio_claimx_to_bare": claimx_wps / bare_wps if bare_wps else None,
        # rounds are timed back to back, so each pair shares the machine's load
        "ratio_paired_median": statistics.median(
            b / c for b, c in zip(timings["bare"], timings["claimx"])
        ),
        "peak_rss_mib": peak_rss_mib(),
    }
    if parallel_error is not None:
        out["n_process_error"] = {"n_process": n_process, "error": parallel_error}
    elif n_process > 1:
        out["speedup"] = {
            "n_process": n_process,
            "claimx_vs_one_process": results[2]["words_per_second"] / claimx_wps,
            "paired_median": statistics.median(
                one / many for one, many in zip(timings["claimx"], timings["parallel"])
            ),
        }
    return out


def _run_record(pipeline: str, n_process: int, words: int, seconds: list[float]) -> dict[str, Any]:
    best = min(seconds)
    return {
        "pipeline": pipeline,
        "n_process": n_process,
        "seconds": best,
        "words_per_second": words / best if best else 0.0,
        "all_seconds": seconds,
    }


def print_table(result: dict[str, Any], source: str) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(
        title=(
            f"Throughput on {result['documents']} documents ({source})\n"
            f"base {result['model']}; best of {result['repeat']}, "
            f"batch size {result['batch_size']}"
        ),
        title_justify="left",
    )
    for column, justify in (
        ("pipeline", "left"),
        ("processes", "right"),
        ("words", "right"),
        ("seconds", "right"),
        ("words/s", "right"),
        ("vs bare", "right"),
    ):
        table.add_column(column, justify=justify)  # type: ignore[arg-type]
    bare_wps = result["runs"][0]["words_per_second"]
    for run in result["runs"]:
        name = "bare spaCy" if run["pipeline"] == "bare" else "claimx"
        table.add_row(
            name,
            str(run["n_process"]),
            f"{result['words']:,}",
            f"{run['seconds']:.2f}",
            f"{run['words_per_second']:,.0f}",
            f"{run['words_per_second'] / bare_wps:.2f}" if bare_wps else "-",
        )
    console = Console()
    console.print(table)
    console.print(
        f"claimx / bare spaCy: {result['ratio_claimx_to_bare']:.3f} (best rounds), "
        f"{result['ratio_paired_median']:.3f} (median of paired rounds)"
    )
    if "n_process_error" in result:
        e = result["n_process_error"]
        console.print(f"claimx at {e['n_process']} processes failed: {e['error']}")
    if "speedup" in result:
        s = result["speedup"]
        console.print(
            f"claimx at {s['n_process']} processes: x{s['claimx_vs_one_process']:.2f} "
            f"over one process (best rounds), x{s['paired_median']:.2f} (median of paired "
            f"rounds); {result['cpus']} CPUs"
        )
    rss = result["peak_rss_mib"]
    if rss["main"] is not None:
        worker = f"{rss['largest_worker']:.0f} MiB" if rss["largest_worker"] else "-"
        console.print(
            f"peak RSS: main process {rss['main']:.0f} MiB (both pipelines loaded), "
            f"largest worker {worker}"
        )
    marks = {True: "met", False: "MISSED", None: "not measured"}
    console.print(
        "targets: " + "; ".join(f"{name}: {marks[met]}" for name, met in targets(result).items())
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Words per second of claimx next to bare spaCy nlp.pipe, same documents.",
    )
    parser.add_argument("--input", type=Path, help="JSONL with a 'text' per line, or a .txt file")
    parser.add_argument("--limit", type=int, default=None, help="use the first N documents")
    parser.add_argument("--repeat", type=int, default=5, help="timed rounds; the best counts")
    parser.add_argument("--batch-size", type=int, default=16, help="nlp.pipe batch size (both)")
    parser.add_argument(
        "--n-process",
        type=int,
        default=None,
        help="also time claimx at N processes (default: every core; 1 skips it)",
    )
    parser.add_argument("--model", default=None, help="base spaCy pipeline (name or path)")
    parser.add_argument("--json", action="store_true", help="print a JSON object")
    parser.add_argument(
        "--no-trained", action="store_true", help="time claimx without its trained models, as `claimx --no-trained`"
    )
    parser.add_argument(
        "--min-ratio", type=float, default=None, help="exit 1 if claimx/bare is below this"
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help=f"exit 1 unless ratio >= {MIN_RATIO}, speed-up >= {MIN_SPEEDUP} and memory <= 600 MB",
    )
    args = parser.parse_args(argv)
    if args.n_process is None:
        from claimx.batch import available_cores

        args.n_process = available_cores()
    for option in ("limit", "repeat", "batch_size", "n_process"):
        value = getattr(args, option)
        if value is not None and value < 1:
            parser.error(f"--{option.replace('_', '-')} must be at least 1")

    if args.input is not None:
        texts, source = read_texts(args.input), str(args.input)
    else:
        texts, source = default_texts()
    texts = texts[: args.limit] if args.limit else texts
    if not texts:
        fail(f"{source}: no documents")

    try:
        result = benchmark(
            texts, args.model, args.batch_size, args.repeat, args.n_process, trained=not args.no_trained
        )
    except ClaimxError as err:  # a missing or unusable model
        fail(str(err))
    result["source"] = source
    result["targets"] = targets(result)
    if args.json:
        sys.stdout.write(json.dumps(result, indent=2) + "\n")
    else:
        print_table(result, source)
    if args.min_ratio is not None and result["ratio_claimx_to_bare"] < args.min_ratio:
        log(
            f"benchmark: claimx/bare {result['ratio_claimx_to_bare']:.3f} "
            f"is below --min-ratio {args.min_ratio}"
        )
        return 1
    if args.check:
        missed = [name for name, met in targets(result).items() if met is False]
        if missed:
            log(f"benchmark: targets missed: {', '.join(missed)}")
            return 1
    return 0


def targets(result: dict[str, Any]) -> dict[str, bool | None]:
    """Each target of the issue: met, missed, or None when this run could not measure it."""
    rss = result["peak_rss_mib"]
    peaks = [v for v in (rss["main"], rss["largest_worker"]) if v is not None]
    speedup = result.get("speedup", {}).get("claimx_vs_one_process")
    return {
        f"claimx/bare >= {MIN_RATIO}": result["ratio_claimx_to_bare"] >= MIN_RATIO,
        f"speed-up >= {MIN_SPEEDUP}": None if speedup is None else speedup >= MIN_SPEEDUP,
        "peak memory <= 600 MB": None if not peaks else max(peaks) <= MAX_RSS_MIB,
    }


if __name__ == "__main__":
    sys.exit(main())
