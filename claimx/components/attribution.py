"""claimx_attribution (placeholder while the rules are written)."""
from __future__ import annotations
from spacy.language import Language
from spacy.tokens import Doc

class Attributor:
    def __init__(self, name: str = "claimx_attribution") -> None:
        self.name = name
    def __call__(self, doc: Doc) -> Doc:
        doc._.claims = ()
        return doc

@Language.factory("claimx_attribution")
def make_attributor(nlp: Language, name: str) -> Attributor:
    return Attributor(name)
