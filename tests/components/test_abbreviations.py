"""Short capitalised abbreviations with one full stop stay one token."""

from __future__ import annotations

import pytest
from spacy.language import Language


@pytest.mark.parametrize(
    "text,token",
    [
        ("Wang compared the US. and China to giant ships.", "US."),
        ("US. Defence Secretary Pete Hegseth spoke on Friday.", "US."),
    ],
)
def test_abbreviations_merged_when_the_sentence_goes_on(nlp: Language, text: str, token: str) -> None:
    doc = nlp(text)
    assert token in [t.text for t in doc]
    assert len(list(doc.sents)) == 1


def test_abbreviations_sentence_final_period_kept(nlp: Language) -> None:
    doc = nlp("He lives in the US. He left on Friday.")
    assert [t.text for t in doc][4:6] == ["US", "."]
    assert doc.text == "He lives in the US. He left on Friday."
