"""Typed results of claim extraction: plain, frozen, picklable values.

Nothing here imports spaCy or does I/O. Every span is a character-offset
``TextSpan`` into the article text, so ``text[span.start:span.end] == span.text``
always holds and a spaCy ``Span`` can be recovered with ``doc.char_span``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any

#: Version of the JSON shape written by ``Article.to_dict``; bump on any change.
SCHEMA_VERSION = "1.0"


class ContentKind(str, Enum):
    """How the content of a claim is reported."""

    DIRECT = "direct"  # entirely inside quotation marks
    INDIRECT = "indirect"  # reported speech, no quotation marks
    MIXED = "mixed"  # paraphrase carrying a quoted fragment


class SpeakerType(str, Enum):
    PERSON = "person"
    ORGANISATION = "organisation"
    PLACE = "place"  # governments named by place: "Washington", "Beijing"
    GROUP = "group"  # unnamed or labelled groups: "analysts", "Republicans"
    OTHER = "other"  # documents, polls, unnamed individuals


@dataclass(frozen=True)
class TextSpan:
    """A character range of the article text, end exclusive."""

    start: int
    end: int
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "start": self.start, "end": self.end}


@dataclass(frozen=True)
class Cue(TextSpan):
    """The reporting expression ("said", "called for", "according to")."""

    lemma: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {**super().to_dict(), "lemma": self.lemma}


@dataclass(frozen=True)
class Content(TextSpan):
    """What was said; ``fragments`` lists the pieces of an interrupted quote."""

    fragments: tuple[TextSpan, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        out = super().to_dict()
        if self.fragments:
            out["fragments"] = [f.to_dict() for f in self.fragments]
        return out


@dataclass(frozen=True)
class Claim:
    """One attributed statement."""

    content: Content
    kind: ContentKind
    cue: Cue | None = None
    speaker: TextSpan | None = None
    speaker_resolved: str | None = None
    speaker_id: str | None = None
    addressee: TextSpan | None = None
    addressee_resolved: str | None = None
    confidence: float = 0.5

    def to_dict(self) -> dict[str, Any]:
        return {
            "speaker": self.speaker.to_dict() if self.speaker else None,
            "speaker_resolved": self.speaker_resolved,
            "speaker_id": self.speaker_id,
            "cue": self.cue.to_dict() if self.cue else None,
            "addressee": self.addressee.to_dict() if self.addressee else None,
            "addressee_resolved": self.addressee_resolved,
            "content": self.content.to_dict(),
            "kind": self.kind.value,
            "confidence": round(self.confidence, 3),
        }


@dataclass(frozen=True)
class Speaker:
    """One speaking entity of an article, with every mention of it."""

    id: str
    name: str
    type: SpeakerType
    mentions: tuple[TextSpan, ...] = ()
    title: str | None = None
    affiliation: str | None = None
    claim_count: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "type": self.type.value,
            "title": self.title,
            "affiliation": self.affiliation,
            "mentions": [m.to_dict() for m in self.mentions],
            "claim_count": self.claim_count,
        }


@dataclass(frozen=True)
class Topic:
    label: str
    score: float

    def to_dict(self) -> dict[str, Any]:
        return {"label": self.label, "score": round(self.score, 3)}


@dataclass(frozen=True)
class Article:
    """The result for one article: its claims and the entities that make them."""

    id: str
    claims: tuple[Claim, ...] = ()
    speakers: tuple[Speaker, ...] = ()
    topics: tuple[Topic, ...] = ()
    meta: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "schema_version": SCHEMA_VERSION,
            "id": self.id,
            "claims": [c.to_dict() for c in self.claims],
            "speakers": [s.to_dict() for s in self.speakers],
            "topics": [t.to_dict() for t in self.topics],
        }
        if self.meta:
            out["meta"] = self.meta
        return out


def error_record(article_id: str, message: str, meta: dict[str, Any] | None = None) -> dict[str, Any]:
    """The output record of an article that could not be processed."""
    out: dict[str, Any] = {"schema_version": SCHEMA_VERSION, "id": article_id, "error": message}
    if meta:
        out["meta"] = meta
    return out
