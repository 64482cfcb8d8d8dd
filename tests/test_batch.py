"""Batch runs: exactly one result per record, in order, whatever fails."""

from __future__ import annotations

import itertools
import multiprocessing
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import spacy
from conftest import SAMPLES, assert_offsets
from hypothesis import given, settings
from hypothesis import strategies as st
from spacy.language import Language
from spacy.tokens import Doc

from claimx import batch
from claimx.batch import (
    LARGE_INPUT_BYTES,
    MAX_TASKS_PER_PROCESS,
    TASK_SIZE,
    Result,
    default_processes,
    extract_paths,
    run,
)
from claimx.io import Record

BOOM = "BOOM"


@Language.component("test_raise_on_boom")
def raise_on_boom(doc: Doc) -> Doc:
    if BOOM in doc.text:
        raise ValueError(f"cannot handle {BOOM}\nsecond line of detail")
    return doc


@Language.component("test_flag_error")
def flag_error(doc: Doc) -> Doc:
    if "FLAG" in doc.text:
        doc._.claimx_error = "component gave up"
    return doc


@pytest.fixture
def fragile_nlp() -> Language:
    """A fast pipeline that fails on any text containing BOOM."""
    nlp = spacy.blank("en")
    nlp.add_pipe("test_raise_on_boom")
    nlp.add_pipe("test_flag_error")
    return nlp


def records(*texts: str) -> list[Record]:
    return [Record(f"r{i}", text) for i, text in enumerate(texts)]


def ids_and_errors(results: list[Result]) -> list[tuple[str, bool]]:
    return [(r.id, r.ok) for r in results]


def test_batch_one_result_per_record_in_order(fragile_nlp: Language) -> None:
    results = list(run(fragile_nlp, records(*(f"Text {i}." for i in range(37))), batch_size=4))
    assert [r.id for r in results] == [f"r{i}" for i in range(37)]
    assert all(r.ok for r in results)
    assert results[0].data == {
        "schema_version": "1.1",
        "id": "r0",
        "claims": [],
        "speakers": [],
        "topics": [],
        "keyphrases": [],
    }


def test_batch_failing_doc_is_isolated_within_its_batch(fragile_nlp: Language) -> None:
    texts = ["One.", "Two.", f"Three {BOOM}.", "Four.", "Five.", f"Six {BOOM}.", "Seven."]
    results = list(run(fragile_nlp, records(*texts), batch_size=3))
    assert ids_and_errors(results) == [
        ("r0", True),
        ("r1", True),
        ("r2", False),
        ("r3", True),
        ("r4", True),
        ("r5", False),
        ("r6", True),
    ]
    # one line, naming the exception
    assert results[2].error == "processing failed: ValueError: cannot handle BOOM"


def test_batch_read_errors_pass_through_in_place(fragile_nlp: Language) -> None:
    recs = [
        Record.failed("bad0", "binary file, not text"),
        Record("a", "Fine."),
        Record.failed("bad1", "no 'text' field", {"title": "T"}),
        Record("b", "Fine too."),
        Record.failed("bad2", "empty file"),
    ]
    results = list(run(fragile_nlp, recs, batch_size=2))
    assert [r.id for r in results] == ["bad0", "a", "bad1", "b", "bad2"]
    assert results[2].data == {
        "schema_version": "1.1",
        "id": "bad1",
        "error": "no 'text' field",
        "meta": {"title": "T"},
    }


def test_batch_doc_flagged_by_a_component_is_an_error_record(fragile_nlp: Language) -> None:
    results = list(run(fragile_nlp, records("Fine.", "FLAG this.", "Fine.")))
    assert ids_and_errors(results) == [("r0", True), ("r1", False), ("r2", True)]
    assert results[1].error == "processing failed: component gave up"


def test_batch_docs_dropped_by_an_error_handler_are_not_lost(fragile_nlp: Language) -> None:
    """With a non-raising handler spaCy drops failing docs; run() must notice."""
    fragile_nlp.set_error_handler(lambda *args: None)
    texts = ["One.", f"Two {BOOM}.", "Three."]
    results = list(run(fragile_nlp, records(*texts), batch_size=2))
    assert ids_and_errors(results) == [("r0", True), ("r1", False), ("r2", True)]
    assert results[1].error is not None and "dropped" in results[1].error


def test_batch_meta_and_notes_are_carried(fragile_nlp: Language) -> None:
    rec = Record("a", "Text.", meta={"url": "u"}, note="a.txt: not UTF-8, decoded as cp1252")
    (result,) = run(fragile_nlp, [rec])
    assert result.data["meta"] == {"url": "u"}
    assert result.note == rec.note


def test_batch_empty_input(fragile_nlp: Language) -> None:
    assert list(run(fragile_nlp, [])) == []


def test_batch_source_errors_are_raised_after_earlier_results(fragile_nlp: Language) -> None:
    def source() -> Iterator[Record]:
        yield Record("a", "Fine.")
        raise RuntimeError("disk on fire")

    results: list[Result] = []
    with pytest.raises(RuntimeError, match="disk on fire"):
        for result in run(fragile_nlp, source()):
            results.append(result)
    assert [r.id for r in results] == ["a"]


def test_batch_multiprocess_keeps_order_and_isolates_failures(fragile_nlp: Language) -> None:
    texts = [f"Text {i}{' ' + BOOM if i == 5 else ''}." for i in range(12)]
    results = list(run(fragile_nlp, records(*texts), batch_size=2, n_process=2))
    assert [r.id for r in results] == [f"r{i}" for i in range(12)]
    assert [r.ok for r in results] == [i != 5 for i in range(12)]


# --------------------------------------------------------------------------- real pipeline


def test_batch_samples_are_valid_articles(nlp: Language, validate: Any) -> None:
    paths = sorted(str(p) for p in SAMPLES.glob("*.txt"))
    assert len(paths) >= 3
    results = list(extract_paths(nlp, paths))
    assert [r.id for r in results] == paths
    for path, result in zip(paths, results):
        assert result.ok, result.error
        validate(result.data)
        assert_offsets(result.data, Path(path).read_text(encoding="utf-8"))


def test_batch_extract_paths_mixes_files_and_jsonl(
    nlp: Language, tmp_path: Path, validate: Any
) -> None:
    article = tmp_path / "a.txt"
    article.write_text('"We will win," the coach said after the match.', encoding="utf-8")
    corpus = tmp_path / "c.jsonl"
    corpus.write_text(
        '{"id": "x", "text": "Officials said the road would reopen.", "source": "wire"}\n'
        "not json\n",
        encoding="utf-8",
    )
    results = list(extract_paths(nlp, [str(article), str(corpus)]))
    assert [(r.id, r.ok) for r in results] == [
        (str(article), True),
        ("x", True),
        (f"{corpus}:2", False),
    ]
    assert results[1].data["meta"] == {"source": "wire"}
    for result in results:
        validate(result.data)


NEWSY = st.sampled_from(
    [
        '"',
        "“",
        "”",
        "''",
        "``",
        "'",
        ",",
        ".",
        ":",
        " ",
        " ",
        "\n",
        "\n\n",
        "said",
        "told",
        "He",
        "she",
        "according to",
        "Smith",
        "Officials",
        "the minister",
        "that",
        "we",
        "will",
        "win",
        "warning of",
        "—",
    ]
)


@settings(max_examples=60, deadline=None)
@given(st.lists(NEWSY | st.text(max_size=8), max_size=60).map(" ".join))
def test_batch_any_text_gives_one_result_with_valid_offsets(nlp: Language, text: str) -> None:
    (result,) = run(nlp, [Record("h", text)])
    if result.ok:
        assert_offsets(result.data, text)


# --------------------------------------------------------------------------- processes

CRASH = "CRASH"
PARENT = os.getpid()


@Language.component("test_crash_worker")
def crash_worker(doc: Doc) -> Doc:
    if CRASH in doc.text and os.getpid() != PARENT:
        os._exit(3)  # a worker killed outright, as by the out-of-memory killer
    return doc


def test_batch_worker_that_dies_costs_only_its_article(fragile_nlp: Language) -> None:
    fragile_nlp.add_pipe("test_crash_worker")
    marks = {6: " " + CRASH, 9: " " + BOOM}
    texts = [f"Text {i}{marks.get(i, '')}." for i in range(15)]
    results = list(run(fragile_nlp, records(*texts), batch_size=2, n_process=2))
    assert [r.id for r in results] == [f"r{i}" for i in range(15)]
    assert [r.ok for r in results] == [i not in (6, 9) for i in range(15)]
    assert results[6].error is not None and "worker process died" in results[6].error
    assert results[9].error == "processing failed: ValueError: cannot handle BOOM"


def test_batch_stopping_early_stops_the_workers(fragile_nlp: Language) -> None:
    endless = (Record(f"r{i}", f"Text {i}.") for i in itertools.count())
    results = run(fragile_nlp, endless, batch_size=4, n_process=2)
    assert [r.id for r in itertools.islice(results, 5)] == [f"r{i}" for i in range(5)]
    started = time.monotonic()
    results.close()  # as when the reader of the output goes away
    assert time.monotonic() - started < 10
    assert multiprocessing.active_children() == []


def test_batch_source_error_with_processes(fragile_nlp: Language) -> None:
    def source() -> Iterator[Record]:
        yield from records("One.", "Two.", "Three.")
        raise RuntimeError("disk on fire")

    results: list[Result] = []
    with pytest.raises(RuntimeError, match="disk on fire"):
        for result in run(fragile_nlp, source(), batch_size=2, n_process=2):
            results.append(result)
    assert [r.id for r in results] == ["r0", "r1", "r2"]


@pytest.mark.parametrize("n_process", [1, 2])
def test_batch_reads_input_just_ahead_of_output(fragile_nlp: Language, n_process: int) -> None:
    """Bounded memory: an endless input is read only a few batches ahead."""
    read = 0

    def endless() -> Iterator[Record]:
        nonlocal read
        for i in itertools.count():
            read += 1
            yield Record(f"r{i}", f"Text {i}.")

    results = run(fragile_nlp, endless(), batch_size=4, n_process=n_process)
    for _ in itertools.islice(results, 20):
        pass
    # a batch ahead with one process; a few tasks per worker with several
    assert read <= 20 + MAX_TASKS_PER_PROCESS * TASK_SIZE * n_process + 4
    results.close()


@pytest.mark.parametrize(
    ("size", "cores", "expected"), [(None, 8, 1), (1000, 8, 1), (LARGE_INPUT_BYTES, 8, 8)]
)
def test_batch_default_processes(
    monkeypatch: pytest.MonkeyPatch, size: int | None, cores: int, expected: int
) -> None:
    monkeypatch.setattr(batch, "available_cores", lambda: cores)
    assert default_processes(size) == expected
