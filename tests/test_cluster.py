"""Dask: a cluster of two workers writes the same bytes as a local run, in the same order."""

from __future__ import annotations

import io
import itertools
import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import SAMPLES
from spacy.language import Language
from typer.testing import CliRunner

from claimx import cluster
from claimx.batch import Result, run
from claimx.cli import app
from claimx.errors import ModelError
from claimx.io import Record
from claimx.writers import write_jsonl

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    """Two single-threaded workers in this process: quick to start, real scheduling."""
    with (
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=False,
            dashboard_address=None,
            silence_logs=logging.ERROR,
        ) as local,
        distributed.Client(local) as dask_client,
    ):
        yield dask_client


def sample_records() -> list[Record]:
    texts = [p.read_text(encoding="utf-8") for p in sorted(SAMPLES.glob("*.txt"))]
    paragraphs = [p for text in texts for p in text.split("\n\n") if p.strip()]
    records = [Record(f"a{i}", "\n\n".join(paragraphs[i : i + 3]) + "\n") for i in range(0, 21, 3)]
    records.insert(3, Record.failed("bad", "binary file, not text"))
    return records


def jsonl_bytes(results: Iterator[Result] | list[Result]) -> bytes:
    out = io.StringIO()
    write_jsonl((r.data for r in results), out)
    return out.getvalue().encode()


def test_cluster_gives_byte_identical_results(client: Any, nlp: Language) -> None:
    records = sample_records()
    local = jsonl_bytes(run(nlp, records, include_text=True))
    on_dask = jsonl_bytes(run_dask_list(records, client))
    assert on_dask == local
    assert sum(1 for r in on_dask.splitlines() if b'"error"' in r) == 1


def run_dask_list(records: list[Record], client: Any) -> list[Result]:
    return list(cluster.run_dask(records, client, partition_size=3, include_text=True))


def test_cluster_loads_the_pipeline_once_per_worker(client: Any) -> None:
    run_dask_list(sample_records(), client)
    loaded = client.run(lambda: sorted(map(str, cluster._pipelines)))
    # in-process workers share this module's cache: one pipeline for the default model
    assert all(models == ["(None, True)"] for models in loaded.values())


def test_cluster_keeps_few_partitions_in_flight(client: Any) -> None:
    read = 0

    def endless() -> Iterator[Record]:
        nonlocal read
        for i in itertools.count():
            read += 1
            yield Record(f"r{i}", "The mayor said the bridge would reopen.")

    results = cluster.run_dask(endless(), client, partition_size=2, max_in_flight=3)
    assert [r.id for r in itertools.islice(results, 4)] == ["r0", "r1", "r2", "r3"]
    results.close()
    assert read <= 4 + 3 * 2 + 2


class FailingFuture:
    def __init__(self, error: BaseException) -> None:
        self.error = error

    def result(self) -> Any:
        raise self.error

    def cancel(self) -> None:
        pass


class FailingClient:
    """A cluster whose every task fails as a whole, as when its workers keep dying."""

    def __init__(self, error: BaseException) -> None:
        self.error = error

    def nthreads(self) -> dict[str, int]:
        return {"w1": 1}

    def submit(self, *args: Any, **kwargs: Any) -> FailingFuture:
        return FailingFuture(self.error)


def test_cluster_lost_partition_becomes_error_records() -> None:
    records = [Record("a", "A."), Record("b", "B.", meta={"src": "x"})]
    results = list(cluster.run_dask(records, FailingClient(RuntimeError("worker died"))))
    assert [(r.id, r.error) for r in results] == [
        ("a", "processing failed on the Dask cluster: RuntimeError: worker died"),
        ("b", "processing failed on the Dask cluster: RuntimeError: worker died"),
    ]
    assert results[1].data["meta"] == {"src": "x"}


def test_cluster_model_missing_on_a_worker_ends_the_run() -> None:
    with pytest.raises(ModelError, match="not installed"):
        list(cluster.run_dask([Record("a", "A.")], FailingClient(ModelError("x is not installed"))))


@pytest.mark.usefixtures("cli_nlp")
def test_cluster_cli_writes_what_a_local_run_writes(
    client: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text(
        "".join(
            json.dumps({"id": r.id, "text": r.text}) + "\n"
            for r in sample_records()
            if r.error is None
        ),
        encoding="utf-8",
    )
    monkeypatch.setattr(cluster, "connect", lambda address, n_workers=None, stack=None: client)
    local, on_dask = tmp_path / "local.jsonl", tmp_path / "dask.jsonl"
    runner = CliRunner()
    assert runner.invoke(app, ["extract", str(corpus), "-o", str(local)]).exit_code == 0
    result = runner.invoke(
        app, ["extract", str(corpus), "-o", str(on_dask), "--dask", "tcp://scheduler:8786"]
    )
    assert result.exit_code == 0, result.stderr
    assert on_dask.read_bytes() == local.read_bytes()


@pytest.mark.usefixtures("cli_nlp")
def test_cluster_bad_address_is_one_line(tmp_path: Path) -> None:
    corpus = tmp_path / "c.jsonl"
    corpus.write_text('{"text": "The mayor said so."}\n', encoding="utf-8")
    result = CliRunner().invoke(app, ["extract", str(corpus), "--dask", "nonsense"])
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.startswith("claimx: error: --dask nonsense: not a scheduler address")
    assert result.stderr.count("\n") == 1
