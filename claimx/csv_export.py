"""Claims as CSV, one row per claim, for spreadsheets.

Rows are flat: the claim's parts, its speaker's title and affiliation (from the
article's ``speakers`` entry the claim's ``speaker_id`` names), topics joined
with ``"; "``, and every offset. Values are written as they are in the JSON
(numbers as numbers, missing values as empty cells), with Python's :mod:`csv`
quoting, so a cell may hold commas, quotes and newlines.

An article with no claims has no row. An error record has one row, with only
``article_id`` and ``error`` filled in. Like the other writers this needs no spaCy.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, TextIO

#: The columns, in order. ``claim`` numbers the claims of an article from 1.
CSV_FIELDS = (
    "article_id",
    "claim",
    "speaker",
    "speaker_resolved",
    "speaker_id",
    "title",
    "affiliation",
    "addressee",
    "addressee_resolved",
    "cue",
    "cue_lemma",
    "kind",
    "content",
    "topics",
    "article_topics",
    "content_start",
    "content_end",
    "speaker_start",
    "speaker_end",
    "cue_start",
    "cue_end",
    "confidence",
    "error",
)

#: Between the labels of several topics in one cell.
TOPIC_SEPARATOR = "; "


def _labels(topics: Any) -> str:
    labels = []
    for topic in topics or ():
        label = topic.get("label") if isinstance(topic, Mapping) else topic
        if label is not None:
            labels.append(str(label))
    return TOPIC_SEPARATOR.join(labels)


def _part(span: Any, key: str) -> Any:
    return span.get(key) if isinstance(span, Mapping) else None


def claim_rows(article: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
    """The CSV rows of one output record (``Article.to_dict()`` or an error record)."""
    article_id = article.get("id")
    if "error" in article:
        yield {"article_id": article_id, "error": article["error"]}
        return
    speakers = {s.get("id"): s for s in article.get("speakers") or () if isinstance(s, Mapping)}
    article_topics = _labels(article.get("topics"))
    for number, claim in enumerate(article.get("claims") or (), start=1):
        speaker, cue, content = claim.get("speaker"), claim.get("cue"), claim.get("content")
        entry = speakers.get(claim.get("speaker_id")) or {}
        yield {
            "article_id": article_id,
            "claim": number,
            "speaker": _part(speaker, "text"),
            "speaker_resolved": claim.get("speaker_resolved"),
            "speaker_id": claim.get("speaker_id"),
            "title": entry.get("title"),
            "affiliation": entry.get("affiliation"),
            "addressee": _part(claim.get("addressee"), "text"),
            "addressee_resolved": claim.get("addressee_resolved"),
            "cue": _part(cue, "text"),
            "cue_lemma": _part(cue, "lemma"),
            "kind": claim.get("kind"),
            "content": _part(content, "text"),
            "topics": _labels(claim.get("topics")),
            "article_topics": article_topics,
            "content_start": _part(content, "start"),
            "content_end": _part(content, "end"),
            "speaker_start": _part(speaker, "start"),
            "speaker_end": _part(speaker, "end"),
            "cue_start": _part(cue, "start"),
            "cue_end": _part(cue, "end"),
            "confidence": claim.get("confidence"),
        }


def write_csv(articles: Iterable[Mapping[str, Any]], out: TextIO) -> int:
    """Write a header row, then one row per claim; returns the number of articles.

    Rows are flushed article by article, so a long run streams. Open a file for
    it with ``newline=""`` (the :mod:`csv` module writes its own line endings).
    """
    writer = csv.DictWriter(out, fieldnames=CSV_FIELDS, restval="", extrasaction="raise")
    writer.writeheader()
    count = 0
    for article in articles:
        writer.writerows(claim_rows(article))
        out.flush()
        count += 1
    return count
