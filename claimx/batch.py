"""Running the pipeline over many records: one result per record, in order, whatever fails.

spaCy's own error handling is not enough here: with a non-raising error handler
``nlp.pipe`` silently drops the doc that failed, and with the default handler one
bad doc aborts the whole run. :func:`run` instead numbers every record it hands
to spaCy and, when a batch raises, processes that batch's records one at a time,
so only the culprit becomes an error record and nothing goes missing. With
several processes the same holds per chunk of records, and a worker process
that dies costs only the article that killed it.
"""

from __future__ import annotations

import contextlib
import itertools
import multiprocessing as mp
import os
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any, BinaryIO

from spacy.language import Language
from spacy.tokens import Doc

from .io import MAX_CHARS, Record, open_inputs
from .pipeline import doc_to_article
from .schema import error_record

#: Bytes of input from which ``n_process`` defaults to every core: below it,
#: starting worker processes costs more than it saves.
LARGE_INPUT_BYTES = 500_000


def available_cores() -> int:
    """Cores this process may run on (its CPU affinity, not the machine's count)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def default_processes(input_bytes: int | None) -> int:
    """Processes for a run over ``input_bytes`` of input: every core for large inputs, else 1.

    A stream of unknown length (``None``) gets one process: pass ``n_process``
    explicitly to spread a stream over cores.
    """
    if input_bytes is None or input_bytes < LARGE_INPUT_BYTES:
        return 1
    return available_cores()


@dataclass(frozen=True)
class Result:
    """The output record for one input: an article dict, or an error record."""

    id: str
    data: dict[str, Any]
    note: str | None = None  # reading note to pass on to the user (e.g. the encoding used)

    @property
    def error(self) -> str | None:
        error = self.data.get("error")
        return str(error) if error is not None else None

    @property
    def ok(self) -> bool:
        return "error" not in self.data

    @property
    def claim_count(self) -> int:
        """How many claims the article has (0 for an error record)."""
        return len(self.data.get("claims") or ())


def _error_result(record: Record, reason: str) -> Result:
    return Result(record.id, error_record(record.id, reason, record.meta or None), record.note)


def _doc_result(record: Record, doc: Doc, include_text: bool = False) -> Result:
    failure = doc._.claimx_error
    if failure:
        return _error_result(record, f"processing failed: {failure}")
    data = doc_to_article(doc, record.id, record.meta or None).to_dict()
    if include_text:
        # the text the offsets index: for HTML, the extracted article text
        data["text"] = record.text
    return Result(record.id, data, record.note)


def _describe(err: BaseException) -> str:
    message = str(err).strip().splitlines()[0] if str(err).strip() else ""
    return f"processing failed: {type(err).__name__}" + (f": {message}" if message else "")


def _process_one(nlp: Language, record: Record, include_text: bool = False) -> Result:
    try:
        doc = nlp(record.text)
    except Exception as err:  # one bad doc must not end the run
        return _error_result(record, _describe(err))
    return _doc_result(record, doc, include_text)


class _Feed:
    """Hands records to spaCy as ``(text, index)`` and remembers those not yet answered.

    Records that already failed to read are queued but never sent, so they come
    out in their place. An exception from the record source itself is kept
    aside rather than raised inside ``nlp.pipe``, where it would pass for a
    spaCy failure.
    """

    def __init__(self, records: Iterable[Record]) -> None:
        self.source = iter(records)
        self.pending: deque[tuple[int, Record]] = deque()
        self.count = 0
        self.exhausted = False
        self.source_error: BaseException | None = None

    def texts(self) -> Iterator[tuple[str, int]]:
        while True:
            try:
                record = next(self.source)
            except StopIteration:
                self.exhausted = True
                return
            except Exception as err:
                self.source_error = err
                self.exhausted = True
                return
            index = self.count
            self.count += 1
            self.pending.append((index, record))
            if record.error is None:
                yield record.text, index

    def release_until(self, index: int) -> Iterator[Record]:
        """Pop pending records before ``index`` (read errors, or docs spaCy dropped)."""
        while self.pending and self.pending[0][0] < index:
            yield self.pending.popleft()[1]


def _unanswered(record: Record) -> Result:
    if record.error is not None:
        return _error_result(record, record.error)
    # only possible with a non-raising error handler set on nlp: spaCy dropped it
    return _error_result(record, "processing failed: the pipeline dropped this document")


def run(
    nlp: Language,
    records: Iterable[Record],
    batch_size: int = 16,
    n_process: int = 1,
    include_text: bool = False,
) -> Iterator[Result]:
    """Process records with ``nlp``, yielding exactly one :class:`Result` per record, in order.

    Records with ``error`` set pass through as error records; a record whose
    processing raises, or whose doc carries ``doc._.claimx_error``, becomes one.
    ``records`` is read lazily, at most a few batches ahead of the results, so a
    stream of any length runs in bounded memory. ``include_text`` adds the text
    the offsets index to each article (``"text"``).
    """
    if n_process > 1 and _FORK is not None:
        yield from _run_in_processes(nlp, records, batch_size, n_process, include_text)
        return
    # one process, or no fork on this platform: spaCy's own n_process
    feed = _Feed(records)
    while not feed.exhausted:
        try:
            for doc, index in nlp.pipe(
                feed.texts(), as_tuples=True, batch_size=batch_size, n_process=n_process
            ):
                for record in feed.release_until(index):
                    yield _unanswered(record)
                _, record = feed.pending.popleft()
                yield _doc_result(record, doc, include_text)
        except Exception:
            # The batch in flight failed as a whole: redo its records one by one
            # so the bad one is found; then resume with a fresh nlp.pipe.
            while feed.pending:
                _, record = feed.pending.popleft()
                if record.error is None:
                    yield _process_one(nlp, record, include_text)
                else:
                    yield _unanswered(record)
            continue
        for record in feed.release_until(feed.count):
            yield _unanswered(record)
    if feed.source_error is not None:
        raise feed.source_error


# --------------------------------------------------------------------------- processes
#
# Several processes run as a pool of forked workers, each handed a chunk of
# records and returning its results, rather than through nlp.pipe(n_process):
# spaCy's workers block for ever when the run stops early (a closed pipe, Ctrl-C,
# a failing batch) while they still hold a large doc to send, and they send whole
# docs back where a result dict is much smaller. Forked workers inherit the
# loaded pipeline, so nothing is loaded twice.

_FORK = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else None
#: Records a worker process takes at a time.
TASK_SIZE = 4
#: Tasks out per worker process: enough that none waits while the oldest finishes.
MAX_TASKS_PER_PROCESS = 4
#: The pipeline forked workers use; set in the parent just before the pool forks.
_worker_nlp: Language | None = None


def _init_worker(parent: int) -> None:
    # The parent handles Ctrl-C and stops the pool itself; SIGTERM (how the
    # parent stops a worker) must end it at once, whatever handler it inherited.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    threading.Thread(target=_exit_with_parent, args=(parent,), daemon=True).start()


def _exit_with_parent(parent: int) -> None:
    """A parent killed outright (SIGKILL, a crash) cannot stop its workers: they stop themselves."""
    while True:
        time.sleep(1)
        if os.getppid() != parent:
            os._exit(1)


def _run_chunk(records: list[Record], batch_size: int, include_text: bool) -> list[Result]:
    assert _worker_nlp is not None, "the worker was not forked from a claimx run"
    return list(run(_worker_nlp, records, batch_size=batch_size, include_text=include_text))


class _Pool:
    """Forked worker processes that run chunks of records; restartable after a crash."""

    def __init__(self, nlp: Language, n_process: int) -> None:
        self.nlp = nlp
        self.n_process = n_process
        self.executor = self._start()

    def _start(self) -> ProcessPoolExecutor:
        global _worker_nlp
        _worker_nlp = self.nlp
        return ProcessPoolExecutor(
            self.n_process, mp_context=_FORK, initializer=_init_worker, initargs=(os.getpid(),)
        )

    def submit(self, chunk: list[Record], batch_size: int, include_text: bool) -> Future[Any]:
        return self.executor.submit(_run_chunk, chunk, batch_size, include_text)

    def restart(self) -> None:
        self.close(kill=True)
        self.executor = self._start()

    def close(self, kill: bool = False) -> None:
        """Shut the pool down; ``kill`` stops work in progress instead of waiting for it."""
        if kill:
            # no public way to stop running tasks before Python 3.14
            for process in list(getattr(self.executor, "_processes", {}).values()):
                with contextlib.suppress(Exception):
                    process.terminate()
        self.executor.shutdown(wait=True, cancel_futures=True)


def chunked(records: Iterable[Record], size: int) -> Iterator[list[Record]]:
    """Lists of ``size`` records (the last may be shorter), read lazily.

    If reading fails, the records read so far still come out as a last chunk
    before the error is raised.
    """
    source = iter(records)
    while True:
        chunk: list[Record] = []
        try:
            for record in source:
                chunk.append(record)
                if len(chunk) == size:
                    break
        except Exception:
            if chunk:
                yield chunk
            raise
        if not chunk:
            return
        yield chunk


def submit_in_order(
    chunks: Iterator[list[Record]],
    submit: Callable[[int, list[Record]], Any],
    collect: Callable[[], list[Result]],
    in_flight: deque[tuple[list[Record], Any]],
    limit: int,
) -> Iterator[Result]:
    """Submit chunks as they are read, at most ``limit`` out at a time; results in order.

    ``submit(number, chunk)`` starts a task and returns its future; ``collect()``
    waits for the oldest task in ``in_flight`` and returns its results. If reading
    the input fails, what was read is finished first, then the error is raised.
    """
    source_error: BaseException | None = None
    for number in itertools.count():
        try:
            chunk = next(chunks)
        except StopIteration:
            break
        except Exception as err:  # reading failed: finish what was read, then raise
            source_error = err
            break
        in_flight.append((chunk, submit(number, chunk)))
        while len(in_flight) >= limit:
            yield from collect()
    while in_flight:
        yield from collect()
    if source_error is not None:
        raise source_error


def _chunk_failed(chunk: list[Record], reason: str) -> list[Result]:
    return [_error_result(record, reason) for record in chunk]


def _run_in_processes(
    nlp: Language, records: Iterable[Record], batch_size: int, n_process: int, include_text: bool
) -> Iterator[Result]:
    """:func:`run` over ``n_process`` forked workers, in order.

    Workers take :data:`TASK_SIZE` records at a time (fewer if ``batch_size`` is
    smaller): small tasks keep every worker busy to the end of the input, and
    cost little, as spaCy runs no faster on larger batches on a CPU. At most
    four tasks per worker are out at a time, so the input is read just ahead of
    the output, and a long article holds up no other worker. If a worker dies (a
    crash, the out-of-memory killer), every task in flight fails with it; their
    records are then redone one at a time in a fresh pool, so only the record
    that kills a worker is lost to an error record, and the run goes on.
    """
    pool = _Pool(nlp, n_process)
    in_flight: deque[tuple[list[Record], Any]] = deque()
    done = False

    def collect() -> list[Result]:
        chunk, future = in_flight.popleft()
        try:
            results: list[Result] = future.result()
        except BrokenProcessPool:
            suspects = chunk + [record for pending, _ in in_flight for record in pending]
            in_flight.clear()
            pool.restart()
            return [_isolated(pool, record, include_text) for record in suspects]
        except Exception as err:  # the chunk as a whole failed (not one article)
            return _chunk_failed(chunk, _describe(err))
        return results

    try:
        yield from submit_in_order(
            chunked(records, min(batch_size, TASK_SIZE)),
            lambda _, chunk: pool.submit(chunk, batch_size, include_text),
            collect,
            in_flight,
            MAX_TASKS_PER_PROCESS * n_process,
        )
        done = True
    finally:
        pool.close(kill=not done)


def _isolated(pool: _Pool, record: Record, include_text: bool) -> Result:
    """One record alone in the pool: an error record if its worker dies."""
    try:
        results: list[Result] = pool.submit([record], 1, include_text).result()
    except BrokenProcessPool:
        pool.restart()
        return _error_result(
            record, "processing failed: the worker process died on this article (out of memory?)"
        )
    return results[0]


def extract_paths(
    nlp: Language,
    inputs: Sequence[str],
    jsonl: bool = False,
    max_chars: int = MAX_CHARS,
    batch_size: int = 16,
    n_process: int = 1,
    stdin: BinaryIO | None = None,
    patterns: Sequence[str] = (),
    include_text: bool = False,
) -> Iterator[Result]:
    """Results for command-line style inputs (files, directories, ``-``), in order.

    The library form of ``claimx extract``: see :func:`claimx.io.open_inputs`.
    """
    source = open_inputs(inputs, jsonl=jsonl, max_chars=max_chars, stdin=stdin, patterns=patterns)
    return run(
        nlp,
        source.records,
        batch_size=batch_size,
        n_process=n_process,
        include_text=include_text,
    )
