"""claimx_speakers (placeholder while resolution is written)."""
from __future__ import annotations
from spacy.language import Language
from spacy.tokens import Doc

class SpeakerResolver:
    def __init__(self, name: str = "claimx_speakers") -> None:
        self.name = name
    def __call__(self, doc: Doc) -> Doc:
        doc._.speakers = ()
        return doc

@Language.factory("claimx_speakers")
def make_speaker_resolver(nlp: Language, name: str) -> SpeakerResolver:
    return SpeakerResolver(name)
