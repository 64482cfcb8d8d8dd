"""claimx_cues (placeholder while the lexicon is learned)."""
from __future__ import annotations
from spacy.language import Language
from spacy.tokens import Doc

class CueFinder:
    def __init__(self, name: str = "claimx_cues") -> None:
        self.name = name
    def __call__(self, doc: Doc) -> Doc:
        doc.spans["claimx_cues"] = []
        return doc

@Language.factory("claimx_cues")
def make_cue_finder(nlp: Language, name: str) -> CueFinder:
    return CueFinder(name)
