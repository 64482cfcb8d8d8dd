"""Quotation finding: marks of every kind, and no quote running past its paragraph."""

from __future__ import annotations

import pytest
from spacy.language import Language

from claimx.components.quotes import SPAN_KEY, find_quotes

CASES = [
    ('He said "yes" and "no".', ['"yes"', '"no"']),
    ("\u201cCurly,\u201d she said.", ["\u201cCurly,\u201d"]),
    ("''Doubled,'' he said.", ["''Doubled,''"]),
    ("``Backticks,'' he said.", ["``Backticks,''"]),
    ("\u00abGuillemets\u00bb, she said.", ["\u00abGuillemets\u00bb"]),
    ("No quotes at all, it's a plain sentence.", []),
]


@pytest.mark.parametrize("text,expected", CASES)
def test_quotes_find_every_kind_of_mark(text: str, expected: list[str]) -> None:
    assert [text[q.start : q.end] for q in find_quotes(text)] == expected


def test_quotes_unclosed_quote_ends_with_its_paragraph() -> None:
    text = 'She said "we will go on.\n\nNext paragraph, no quotes.'
    (quote,) = find_quotes(text)
    assert text[quote.start : quote.end] == '"we will go on.'
    assert not quote.closed


@pytest.mark.parametrize("text", ['"', '""', "\u201d\u201d\u201c", "'' '' ''", "\n\"\n\"\n"])
def test_quotes_degenerate_marks_do_not_crash(text: str) -> None:
    for quote in find_quotes(text):
        assert 0 <= quote.start < quote.end <= len(text)


def test_quotes_component_sets_span_group(nlp: Language) -> None:
    doc = nlp('He said: "We will win." Then he left.')
    assert [s.text for s in doc.spans[SPAN_KEY]] == ['"We will win."']
