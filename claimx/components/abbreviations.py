"""claimx_abbreviations: keep "US." and similar abbreviations in one token.

spaCy's tokenizer knows "U.S." and "Sen." but splits a short capitalised
abbreviation written with a single full stop ("US.", "UK.", "EU.") into word +
period, which then ends the sentence in the middle: "compared the US. and China"
becomes two sentences and the parse of both is lost. The period is merged back
when what follows shows the sentence goes on (a lowercase word), or when the
abbreviation opens its line or sentence ("US. Defence Secretary Pete Hegseth").
This must run first, before ``tok2vec``, since it changes tokens.
"""

from __future__ import annotations

import numpy
from spacy.attrs import ORTH
from spacy.language import Language
from spacy.tokens import Doc


class AbbreviationMerger:
    """Merge capitalised abbreviations with the period split off them.

    Usage::

        nlp.add_pipe("claimx_abbreviations", first=True)
        [t.text for t in nlp("Wang compared the US. and China.")]
        # ['Wang', 'compared', 'the', 'US.', 'and', 'China', '.']
    """

    def __init__(self, name: str = "claimx_abbreviations", max_letters: int = 3) -> None:
        self.name = name
        self.max_letters = max_letters

    def _is_abbreviation(self, doc: Doc, i: int) -> bool:
        word = doc[i]
        if not (word.is_upper and word.is_alpha and len(word) <= self.max_letters):
            return False
        if i + 1 >= len(doc) or doc[i + 1].text != "." or word.whitespace_:
            return False
        after = doc[i + 2] if i + 2 < len(doc) else None
        if after is None or after.is_space:
            return False
        if after.text[:1].islower():
            return True
        before = doc[i - 1] if i > 0 else None
        opens_line = before is None or "\n" in before.text or before.text in (".", "!", "?")
        return opens_line and after.is_title

    def __call__(self, doc: Doc) -> Doc:
        # only a word right before a lone "." can be one: look at those alone
        periods = numpy.flatnonzero(doc.to_array(ORTH) == doc.vocab.strings["."]).tolist()
        merges = [i - 1 for i in periods if i > 0 and self._is_abbreviation(doc, i - 1)]
        if merges:
            with doc.retokenize() as retokenizer:
                for i in merges:
                    retokenizer.merge(doc[i : i + 2])
        return doc


@Language.factory("claimx_abbreviations", default_config={"max_letters": 3})
def make_abbreviation_merger(nlp: Language, name: str, max_letters: int) -> AbbreviationMerger:
    """Abbreviation merger. ``max_letters``: longest abbreviation merged ("US", "EU", "UAE")."""
    return AbbreviationMerger(name=name, max_letters=max_letters)
