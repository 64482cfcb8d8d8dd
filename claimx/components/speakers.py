"""claimx_speakers: one entity per speaker of an article, and every claim's speaker resolved to it.

Runs after ``claimx_attribution``, which fills ``Claim.speaker`` / ``Claim.addressee`` with the
mention in the sentence. This component fills ``speaker_resolved``, ``speaker_id`` and
``addressee_resolved`` and sets ``doc._.speakers``. The resolution itself is the coreference
sieve in :mod:`claimx.components.coref`; the words it needs come from ``models/<lang>/``
through the ``claimx.speaker_lexicon.v1`` loader.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from spacy.language import Language
from spacy.tokens import Doc

from ..extensions import register_extensions
from ..schema import Claim, Speaker, SpeakerType
from ..speaker_assets import SpeakerLexicon, load_speaker_lexicon
from .coref import ArticleCoref, Entity


class SpeakerResolver:
    """Resolve claim speakers and addressees to the article's entities.

    >>> nlp = spacy.load("en_core_web_sm")
    >>> resolver = nlp.add_pipe("claimx_speakers")
    >>> doc = nlp("Sen. Jane Roe spoke on Monday. She said the bill would pass.")
    >>> she = TextSpan(31, 34, "She")
    >>> doc._.claims = (Claim(content=..., kind=ContentKind.INDIRECT, speaker=she),)
    >>> resolver(doc)._.claims[0].speaker_resolved
    'Jane Roe'
    """

    def __init__(
        self, name: str = "claimx_speakers", lexicon: SpeakerLexicon | None = None
    ) -> None:
        self.name = name
        self.lexicon = lexicon if lexicon is not None else load_speaker_lexicon()
        register_extensions()

    def __call__(self, doc: Doc) -> Doc:
        claims: Sequence[Claim] = doc._.claims or ()
        try:
            resolved, speakers = resolve_speakers(doc, claims, self.lexicon)
        except Exception as err:  # noqa: BLE001 - one bad article must not lose its claims
            doc._.claimx_error = f"{self.name}: {type(err).__name__}: {err}"
            doc._.speakers = ()
            return doc
        doc._.claims = resolved
        doc._.speakers = speakers
        return doc


def resolve_speakers(
    doc: Doc, claims: Sequence[Claim], lexicon: SpeakerLexicon
) -> tuple[tuple[Claim, ...], tuple[Speaker, ...]]:
    """The claims with speakers and addressees resolved, and the article's speakers."""
    if not claims:
        return tuple(claims), ()
    coref = ArticleCoref(doc, lexicon)
    speaker_entities, addressee_entities = coref.resolve_claims(claims)
    for entity in speaker_entities:
        if entity is not None:
            entity.claim_count += 1
    ids: dict[int, str] = {}
    ordered: list[Entity] = []
    for entity in speaker_entities:
        if entity is not None and entity.name and id(entity) not in ids:
            ids[id(entity)] = f"s{len(ids) + 1}"
            ordered.append(entity)
    out_claims = []
    for claim, speaker, addressee in zip(claims, speaker_entities, addressee_entities):
        named = speaker is not None and speaker.name is not None
        out_claims.append(
            dataclasses.replace(
                claim,
                speaker_resolved=speaker.name if named else None,  # type: ignore[union-attr]
                speaker_id=ids.get(id(speaker)) if named else None,
                addressee_resolved=addressee.name
                if addressee is not None and addressee.name
                else None,
            )
        )
    speakers = tuple(_speaker(entity, ids[id(entity)]) for entity in ordered)
    return tuple(out_claims), speakers


def _speaker(entity: Entity, speaker_id: str) -> Speaker:
    mentions = tuple(sorted(entity.mentions.values(), key=lambda m: (m.start, m.end)))
    return Speaker(
        id=speaker_id,
        name=entity.name or "",
        type=entity.type if isinstance(entity.type, SpeakerType) else SpeakerType.OTHER,
        mentions=mentions,
        title=entity.title,
        affiliation=entity.affiliation,
        claim_count=entity.claim_count,
    )


@Language.factory(
    "claimx_speakers",
    requires=["doc.ents", "token.dep", "token.lemma"],
    assigns=["doc._.claims", "doc._.speakers"],
    default_config={"lexicon": {"@misc": "claimx.speaker_lexicon.v1", "lang": "en"}},
)
def make_speaker_resolver(nlp: Language, name: str, lexicon: SpeakerLexicon) -> SpeakerResolver:
    """The ``claimx_speakers`` component.

    Args:
        lexicon: titles, roles, first names, places and organisation words; by default the
            files in ``models/en/`` (``claimx.speaker_lexicon.v1``).
    """
    return SpeakerResolver(name, lexicon)
