"""claimx_cues: propose reporting words (cue candidates) from the learned lexicon.

Candidates go to ``doc.spans["claimx_cues"]``, one single-token span per word,
labelled with its lemma. A cue word must stand *outside* any quotation: inside
a quote, "said" belongs to the quoted speaker's own narrative. Whether a
candidate becomes a claim is decided by ``claimx_attribution``, which knows the
frame it occurs in.
"""

from __future__ import annotations

import numpy
from spacy.attrs import POS
from spacy.parts_of_speech import IDS
from spacy.language import Language
from spacy.tokens import Doc, Span

from ..assets import CueLexicon
from .quotes import SPAN_KEY as QUOTE_KEY

SPAN_KEY = "claimx_cues"
VERBAL = ("VERB", "AUX")


class CueFinder:
    """Mark words whose lemma is a known reporting word.

    Usage::

        nlp.add_pipe("claimx_quotes"); nlp.add_pipe("claimx_cues")
        doc = nlp("Analysts said the deal was close, according to Reuters.")
        [(s.text, s.label_) for s in doc.spans["claimx_cues"]]
        # [('said', 'say'), ('according', 'accord')]
    """

    def __init__(self, lexicon: CueLexicon, name: str = "claimx_cues") -> None:
        self.name = name
        self.lexicon = lexicon
        self._pos_ids = numpy.array(
            [IDS[pos] for pos in (*VERBAL, "NOUN", "PUNCT")], dtype=numpy.uint64
        )

    def __call__(self, doc: Doc) -> Doc:
        quoted = bytearray(len(doc))
        for quote in doc.spans[QUOTE_KEY] if QUOTE_KEY in doc.spans else ():
            quoted[quote.start : quote.end] = b"\x01" * len(quote)
        spans: list[Span] = []
        verbs = self.lexicon.verbs
        punctuation, nouns = self.lexicon.punctuation, self.lexicon.nouns
        # visit only verbs and punctuation: the part-of-speech column, read once
        wanted = numpy.isin(doc.to_array(POS), self._pos_ids)
        for i in numpy.flatnonzero(wanted).tolist():
            if quoted[i]:
                continue
            tok = doc[i]
            if tok.pos_ in VERBAL:
                lemma = tok.lemma_.lower()
                if lemma in verbs:
                    spans.append(Span(doc, i, i + 1, label=lemma))
            elif tok.pos_ == "NOUN":
                # a reporting noun with its source: "his warning", "Trump's claim"
                lemma = tok.lemma_.lower()
                if lemma in nouns and any(c.dep_ == "poss" for c in tok.children):
                    spans.append(Span(doc, i, i + 1, label=lemma))
            elif tok.text in punctuation:
                spans.append(Span(doc, i, i + 1, label=tok.text))
        doc.spans[SPAN_KEY] = spans
        return doc


@Language.factory(
    "claimx_cues",
    requires=["token.lemma", "token.pos"],
    assigns=["doc.spans"],
    default_config={"lexicon": {"@misc": "claimx.cue_lexicon.v1", "lang": "en"}},
)
def make_cue_finder(nlp: Language, name: str, lexicon: CueLexicon) -> CueFinder:
    """Cue candidate finder. ``lexicon``: the reporting-word lexicon to use."""
    return CueFinder(lexicon, name=name)
