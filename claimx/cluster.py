"""Running claimx on a Dask cluster: the same results as a local run, in the same order.

:func:`run_dask` reads the records locally, cuts them into partitions of
``partition_size`` and submits each partition as one task. A worker loads the
pipeline once, on its first task, and keeps it for every later task that names
the same model (:func:`worker_pipeline`); the task runs :func:`claimx.batch.run`
over its partition, so a failing article becomes an error record there just as
it does locally. Results come back in input order, and at most ``max_in_flight``
partitions are out at a time, so an input of any size streams through in bounded
memory rather than being collected.

Workers need claimx and the spaCy pipeline installed, like the client::

    dask scheduler                         # on one machine
    dask worker tcp://scheduler:8786 --nthreads 1   # on each worker machine, per core
    claimx extract articles/ -o claims.jsonl --dask tcp://scheduler:8786

Requires the ``dask`` extra: ``pip install 'claimx[dask]'``.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections import deque
from collections.abc import Iterable, Iterator
from contextlib import ExitStack
from typing import Any

from spacy.language import Language

from .batch import Result, available_cores, chunked, run, submit_in_order
from .errors import ClaimxError
from .io import Record
from .pipeline import load_pipeline
from .schema import error_record

#: The ``--dask`` address that starts a cluster on this machine.
LOCAL = "local"
#: Records per task: large enough that scheduling overhead is noise, small
#: enough that a lost worker costs little and results stream steadily.
PARTITION_SIZE = 32


class ClusterError(ClaimxError):
    """The Dask cluster cannot be reached or used."""


# --------------------------------------------------------------------------- worker side

_pipelines: dict[tuple[str | None, bool], tuple[Language, threading.Lock]] = {}
_pipelines_lock = threading.Lock()


def worker_pipeline(model: str | None, trained: bool = True) -> tuple[Language, threading.Lock]:
    """This process's pipeline for ``model``, loaded on first use, with a lock to run it.

    Worker threads share one pipeline per model and take turns with it: spaCy
    holds the GIL for most of its work anyway, and one run at a time keeps
    results independent of the threads' interleaving.
    """
    with _pipelines_lock:
        key = (model, trained)
        if key not in _pipelines:
            _pipelines[key] = (load_pipeline(model, trained=trained), threading.Lock())
        return _pipelines[key]


def process_partition(
    records: list[Record],
    model: str | None,
    batch_size: int,
    include_text: bool,
    trained: bool = True,
) -> list[Result]:
    """The task each worker runs: one result per record of the partition, in order."""
    nlp, lock = worker_pipeline(model, trained)
    with lock:
        return list(run(nlp, records, batch_size=batch_size, include_text=include_text))


# --------------------------------------------------------------------------- client side


def _import_distributed() -> Any:
    try:
        import distributed
    except ModuleNotFoundError:
        raise ClusterError(
            "--dask needs Dask's distributed scheduler; install it with "
            "`pip install 'claimx[dask]'`"
        ) from None
    return distributed


def connect(address: str, n_workers: int | None = None, stack: ExitStack | None = None) -> Any:
    """A ``distributed.Client`` for ``address``, or for a new local cluster if it is ``"local"``.

    A local cluster has ``n_workers`` single-threaded worker processes (default:
    one per core). Cluster and client are closed with ``stack``.
    """
    distributed = _import_distributed()
    stack = stack if stack is not None else ExitStack()
    try:
        if address == LOCAL:
            cluster = stack.enter_context(
                distributed.LocalCluster(
                    n_workers=n_workers or available_cores(),
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=None,
                    silence_logs=logging.ERROR,
                )
            )
            return stack.enter_context(distributed.Client(cluster))
        return stack.enter_context(distributed.Client(address, timeout="30s"))
    except ValueError as err:
        raise ClusterError(
            f"--dask {address}: not a scheduler address ({err}); "
            "give one such as tcp://host:8786, or 'local'"
        ) from None
    except (OSError, TimeoutError) as err:
        raise ClusterError(f"cannot reach the Dask scheduler at {address}: {err}") from None


def _lost_partition(records: list[Record], err: BaseException) -> list[Result]:
    """Error records for a partition the cluster could not process (a worker died ...)."""
    reason = f"processing failed on the Dask cluster: {type(err).__name__}: {err}".strip()
    reason = reason.splitlines()[0]
    return [Result(r.id, error_record(r.id, reason, r.meta or None), r.note) for r in records]


def run_dask(
    records: Iterable[Record],
    client: Any,
    model: str | None = None,
    batch_size: int = 16,
    include_text: bool = False,
    partition_size: int = PARTITION_SIZE,
    trained: bool = True,
    max_in_flight: int | None = None,
) -> Iterator[Result]:
    """Process records on the cluster behind ``client``: one result per record, in order.

    The same contract as :func:`claimx.batch.run`. ``max_in_flight`` partitions
    are submitted ahead of the one being waited for (default: two per worker
    thread), which keeps every worker busy while bounding memory. A partition
    whose task fails as a whole (its worker died twice) becomes error records;
    a claimx error on a worker (the model is not installed there) ends the run.
    """
    if max_in_flight is None:
        threads = sum(client.nthreads().values()) or 1
        max_in_flight = 2 * threads
    run_key = uuid.uuid4().hex[:12]
    in_flight: deque[tuple[list[Record], Any]] = deque()

    def submit(number: int, partition: list[Record]) -> Any:
        return client.submit(
            process_partition,
            partition,
            model,
            batch_size,
            include_text,
            trained,
            key=f"claimx-{run_key}-{number}",
            retries=1,
        )

    try:
        yield from submit_in_order(
            chunked(records, partition_size),
            submit,
            lambda: _collect(*in_flight.popleft()),
            in_flight,
            max_in_flight,
        )
    finally:
        for _, future in in_flight:  # stopped early: drop the work still out
            future.cancel()


def _collect(partition: list[Record], future: Any) -> list[Result]:
    try:
        results: list[Result] = future.result()
    except ClaimxError:
        raise
    except Exception as err:
        return _lost_partition(partition, err)
    if len(results) != len(partition):  # run() promises one each; keep the promise here too
        return _lost_partition(partition, RuntimeError("a partition came back short"))
    return results
