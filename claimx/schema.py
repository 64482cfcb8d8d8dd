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
SCHEMA_VERSION = "1.1"


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

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TextSpan:
        return TextSpan(int(data["start"]), int(data["end"]), str(data["text"]))


@dataclass(frozen=True)
class Cue(TextSpan):
    """The reporting expression ("said", "called for", "according to")."""

    lemma: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {**super().to_dict(), "lemma": self.lemma}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Cue:
        return Cue(int(data["start"]), int(data["end"]), str(data["text"]), str(data.get("lemma", "")))


@dataclass(frozen=True)
class Content(TextSpan):
    """What was said; ``fragments`` lists the pieces of an interrupted quote."""

    fragments: tuple[TextSpan, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        out = super().to_dict()
        if self.fragments:
            out["fragments"] = [f.to_dict() for f in self.fragments]
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Content:
        return Content(
            int(data["start"]),
            int(data["end"]),
            str(data["text"]),
            tuple(TextSpan.from_dict(f) for f in data.get("fragments") or ()),
        )


@dataclass(frozen=True)
class Topic:
    """What an article or claim is about: a top-level IPTC Media Topic label, scored in [0, 1]."""

    label: str
    score: float

    def to_dict(self) -> dict[str, Any]:
        return {"label": self.label, "score": round(self.score, 3)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Topic:
        return Topic(str(data["label"]), float(data["score"]))


@dataclass(frozen=True)
class Keyphrase:
    """A salient subject named in the text ("South China Sea", "tariffs"), scored in [0, 1]."""

    text: str
    score: float

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "score": round(self.score, 3)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Keyphrase:
        return Keyphrase(str(data["text"]), float(data["score"]))


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
    topics: tuple[Topic, ...] = ()  # what this claim is about, best first
    keyphrases: tuple[Keyphrase, ...] = ()  # subjects named in its content, best first

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
            "topics": [t.to_dict() for t in self.topics],
            "keyphrases": [k.to_dict() for k in self.keyphrases],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Claim:
        def span(key: str) -> TextSpan | None:
            return TextSpan.from_dict(data[key]) if data.get(key) else None

        return Claim(
            content=Content.from_dict(data["content"]),
            kind=ContentKind(data["kind"]),
            cue=Cue.from_dict(data["cue"]) if data.get("cue") else None,
            speaker=span("speaker"),
            speaker_resolved=data.get("speaker_resolved"),
            speaker_id=data.get("speaker_id"),
            addressee=span("addressee"),
            addressee_resolved=data.get("addressee_resolved"),
            confidence=float(data.get("confidence", 0.5)),
            topics=tuple(Topic.from_dict(t) for t in data.get("topics") or ()),
            keyphrases=tuple(Keyphrase.from_dict(k) for k in data.get("keyphrases") or ()),
        )


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

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Speaker:
        return Speaker(
            id=str(data["id"]),
            name=str(data["name"]),
            type=SpeakerType(data["type"]),
            mentions=tuple(TextSpan.from_dict(m) for m in data.get("mentions") or ()),
            title=data.get("title"),
            affiliation=data.get("affiliation"),
            claim_count=int(data.get("claim_count", 0)),
        )


@dataclass(frozen=True)
class Article:
    """The result for one article: its claims and the entities that make them."""

    id: str
    claims: tuple[Claim, ...] = ()
    speakers: tuple[Speaker, ...] = ()
    topics: tuple[Topic, ...] = ()
    keyphrases: tuple[Keyphrase, ...] = ()
    meta: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "schema_version": SCHEMA_VERSION,
            "id": self.id,
            "claims": [c.to_dict() for c in self.claims],
            "speakers": [s.to_dict() for s in self.speakers],
            "topics": [t.to_dict() for t in self.topics],
            "keyphrases": [k.to_dict() for k in self.keyphrases],
        }
        if self.meta:
            out["meta"] = self.meta
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Article:
        """Read back an article written by :meth:`to_dict` (e.g. a line of claimx JSONL)."""
        return Article(
            id=str(data["id"]),
            claims=tuple(Claim.from_dict(c) for c in data.get("claims") or ()),
            speakers=tuple(Speaker.from_dict(s) for s in data.get("speakers") or ()),
            topics=tuple(Topic.from_dict(t) for t in data.get("topics") or ()),
            keyphrases=tuple(Keyphrase.from_dict(k) for k in data.get("keyphrases") or ()),
            meta=dict(data.get("meta") or {}),
        )


#: The result types that travel on ``doc._`` and must survive serialisation.
RESULT_TYPES: dict[str, Any] = {
    cls.__name__: cls for cls in (TextSpan, Cue, Content, Topic, Keyphrase, Claim, Speaker, Article)
}


def error_record(article_id: str, message: str, meta: dict[str, Any] | None = None) -> dict[str, Any]:
    """The output record of an article that could not be processed."""
    out: dict[str, Any] = {"schema_version": SCHEMA_VERSION, "id": article_id, "error": message}
    if meta:
        out["meta"] = meta
    return out
