"""Check a large run end to end: nothing lost, and an interrupted run resumes to the same file.

    python scripts/check_corpus.py                    # builds /tmp/claimx-corpus (1,000 files)
    python scripts/check_corpus.py --corpus DIR --signal KILL --n-process 2

Steps, each with the real ``claimx`` command line in a subprocess:

1. ``scripts/make_corpus.py`` builds 990 articles and 10 bad files (unless ``--corpus``
   names an existing folder).
2. ``claimx extract CORPUS -o full.jsonl``: must write 1,000 lines, 990 results and 10
   error records, and exit 1 (some records failed).
3. The same command into ``part.jsonl``, stopped with SIGTERM (or ``--signal KILL``:
   no clean-up at all) once half the lines are written; then rerun with ``--resume``.
   ``part.jsonl`` must then be byte for byte ``full.jsonl``.

Prints what it finds and exits 0 only if every check holds.
"""

from __future__ import annotations

import argparse
import json
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

from make_corpus import make_corpus  # noqa: E402  (after the path is set)


def claimx(*args: str) -> list[str]:
    return [sys.executable, "-m", "claimx", "extract", *args, "--quiet"]


def count(path: Path) -> tuple[int, int]:
    """(lines, error records) of a JSONL output."""
    lines = errors = 0
    with path.open(encoding="utf-8") as stream:
        for line in stream:
            lines += 1
            errors += "error" in json.loads(line)
    return lines, errors


def check(ok: bool, message: str) -> bool:
    print(f"{'ok  ' if ok else 'FAIL'} {message}", flush=True)
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, help="an existing corpus folder to use")
    parser.add_argument("--work", type=Path, help="folder for the outputs (default: a temp dir)")
    parser.add_argument("--signal", choices=["TERM", "INT", "KILL"], default="TERM")
    parser.add_argument("--n-process", default=None, help="passed to claimx (default: its own)")
    args = parser.parse_args(argv)

    work = args.work or Path(tempfile.mkdtemp(prefix="claimx-check-"))
    work.mkdir(parents=True, exist_ok=True)
    corpus = args.corpus
    if corpus is None:
        corpus = work / "corpus"
        make_corpus(corpus, articles=990, seed=0)
    extra = ["--n-process", args.n_process] if args.n_process else []
    full, part = work / "full.jsonl", work / "part.jsonl"
    part.unlink(missing_ok=True)
    good = True

    started = time.perf_counter()
    done = subprocess.run(claimx(str(corpus), "-o", str(full), *extra), capture_output=True)
    seconds = time.perf_counter() - started
    lines, errors = count(full)
    good &= check(lines == 1000, f"uninterrupted run: {lines:,} lines in {seconds:.0f} s")
    good &= check(errors == 10, f"{lines - errors:,} results and {errors} error records")
    good &= check(done.returncode == 1, f"exit status {done.returncode} (1: some records failed)")

    proc = subprocess.Popen(claimx(str(corpus), "-o", str(part), *extra), stderr=subprocess.PIPE)
    while proc.poll() is None and (
        not part.exists() or part.read_bytes().count(b"\n") < lines // 2
    ):
        time.sleep(0.05)
    proc.send_signal(getattr(signal, f"SIG{args.signal}"))
    proc.wait(timeout=120)
    written = part.read_bytes()
    kept = written.count(b"\n")
    good &= check(
        0 < kept < lines,
        f"stopped with SIG{args.signal} after {kept:,} lines (exit status {proc.returncode})",
    )
    good &= check(
        full.read_bytes().startswith(written.rsplit(b"\n", 1)[0]),
        "every line written before the stop is whole and in place",
    )
    resumed = subprocess.run(claimx(str(corpus), "-o", str(part), "--resume", *extra))
    same = part.read_bytes() == full.read_bytes()
    good &= check(
        same, f"--resume (exit status {resumed.returncode}): same file as the uninterrupted run"
    )
    print(f"outputs in {work}", file=sys.stderr)
    return 0 if good else 1


if __name__ == "__main__":
    sys.exit(main())
