"""Running the pipeline over many records: one result per record, in order, whatever fails.

spaCy's own error handling is not enough here: with a non-raising error handler
``nlp.pipe`` silently drops the doc that failed, and with the default handler one
bad doc aborts the whole run. :func:`run` instead numbers every record it hands
to spaCy and, when a batch raises, processes that batch's records one at a time,
so only the culprit becomes an error record and nothing goes missing.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, BinaryIO

from spacy.language import Language
from spacy.tokens import Doc

from .io import MAX_CHARS, Record, open_inputs
from .pipeline import doc_to_article
from .schema import error_record


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


def _error_result(record: Record, reason: str) -> Result:
    return Result(record.id, error_record(record.id, reason, record.meta or None), record.note)


def _doc_result(record: Record, doc: Doc) -> Result:
    failure = doc._.claimx_error
    if failure:
        return _error_result(record, f"processing failed: {failure}")
    article = doc_to_article(doc, record.id, record.meta or None)
    return Result(record.id, article.to_dict(), record.note)


def _describe(err: BaseException) -> str:
    message = str(err).strip().splitlines()[0] if str(err).strip() else ""
    return f"processing failed: {type(err).__name__}" + (f": {message}" if message else "")


def _process_one(nlp: Language, record: Record) -> Result:
    try:
        doc = nlp(record.text)
    except Exception as err:  # one bad doc must not end the run
        return _error_result(record, _describe(err))
    return _doc_result(record, doc)


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
) -> Iterator[Result]:
    """Process records with ``nlp``, yielding exactly one :class:`Result` per record, in order.

    Records with ``error`` set pass through as error records; a record whose
    processing raises, or whose doc carries ``doc._.claimx_error``, becomes one.
    """
    feed = _Feed(records)
    while not feed.exhausted:
        try:
            for doc, index in nlp.pipe(
                feed.texts(), as_tuples=True, batch_size=batch_size, n_process=n_process
            ):
                for record in feed.release_until(index):
                    yield _unanswered(record)
                _, record = feed.pending.popleft()
                yield _doc_result(record, doc)
        except Exception:
            # The batch in flight failed as a whole: redo its records one by one
            # so the bad one is found; then resume with a fresh nlp.pipe.
            while feed.pending:
                _, record = feed.pending.popleft()
                yield _process_one(nlp, record) if record.error is None else _unanswered(record)
            continue
        for record in feed.release_until(feed.count):
            yield _unanswered(record)
    if feed.source_error is not None:
        raise feed.source_error


def extract_paths(
    nlp: Language,
    inputs: Sequence[str],
    jsonl: bool = False,
    max_chars: int = MAX_CHARS,
    batch_size: int = 16,
    n_process: int = 1,
    stdin: BinaryIO | None = None,
) -> Iterator[Result]:
    """Results for command-line style inputs (files, directories, ``-``), in order.

    The library form of ``claimx extract``: see :func:`claimx.io.open_inputs`.
    """
    source = open_inputs(inputs, jsonl=jsonl, max_chars=max_chars, stdin=stdin)
    return run(nlp, source.records, batch_size=batch_size, n_process=n_process)
