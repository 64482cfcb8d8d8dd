"""claimx_quotes: find quotations (straight, curly, doubled ``''`` marks) in a doc.

Quotes go to ``doc.spans["claimx_quotes"]``, each span including its quotation
marks. A quote never runs past its paragraph: news style leaves a quote open at
the end of a paragraph when the next paragraph continues it, so an unclosed quote
ends with its paragraph instead of swallowing the rest of the article.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator

from spacy.language import Language
from spacy.tokens import Doc, Span

from ..extensions import doc_text

SPAN_KEY = "claimx_quotes"

OPENING = {"\u201c", "\u201e", "\u00ab", "\u201f"}  # “ „ « ‟
CLOSING = {"\u201d", "\u00bb"}  # ” »
TOGGLING = {'"', "\uff02"}  # " ＂
# Labels on the quote spans: whether the closing mark was found.
CLOSED, OPEN_ENDED = "closed", "open_ended"


@dataclass(frozen=True)
class QuoteRange:
    start: int  # offset of the opening mark
    end: int  # offset just past the closing mark (or the paragraph end)
    closed: bool


_MARKS = re.compile("\n|``|''|[" + "".join(sorted(OPENING | CLOSING | TOGGLING)) + "]")


def _open_until(text: str, start: int, stop: int) -> QuoteRange | None:
    """An unclosed quote from ``start``, ending at the last visible character before ``stop``."""
    end = start + len(text[start:stop].rstrip())
    return QuoteRange(start, end, closed=False) if end > start + 1 else None


def find_quotes(text: str) -> Iterator[QuoteRange]:
    """Character ranges of quotations in ``text``, in order, never nested.

    Curly marks open and close; straight marks and doubled apostrophes toggle;
    ``````` opens. A newline closes any quote still open, at the last
    non-space character before it. Only the marks are visited, not every character.
    """
    start = -1
    for match in _MARKS.finditer(text):
        mark, i = match.group(), match.start()
        if mark == "\n":
            if start >= 0 and (quote := _open_until(text, start, i)) is not None:
                yield quote
            start = -1
        elif mark in OPENING or mark == "``":
            # a second opening mark inside an open quote means the first was stray
            start = i
        elif start >= 0:
            if i > start + 1 or len(mark) == 2:
                yield QuoteRange(start, match.end(), closed=True)
            start = -1
        elif mark in TOGGLING or mark == "''":
            start = i
        # a lone closing curly mark with nothing open is ignored
    if start >= 0 and (quote := _open_until(text, start, len(text))) is not None:
        yield quote


class QuoteFinder:
    """Mark quotations as spans in ``doc.spans["claimx_quotes"]``.

    Usage::

        nlp.add_pipe("claimx_quotes")
        doc = nlp('He said: "We will win." Then he left.')
        [s.text for s in doc.spans["claimx_quotes"]]   # ['"We will win."']
    """

    def __init__(self, name: str = "claimx_quotes", min_words: int = 1) -> None:
        self.name = name
        self.min_words = min_words

    def __call__(self, doc: Doc) -> Doc:
        spans: list[Span] = []
        for quote in find_quotes(doc_text(doc)):
            span = doc.char_span(quote.start, quote.end, alignment_mode="expand")
            if span is None or len(span) == 0:
                continue
            if sum(1 for t in span if t.is_alpha or t.like_num) < self.min_words:
                continue
            span.label_ = CLOSED if quote.closed else OPEN_ENDED
            spans.append(span)
        doc.spans[SPAN_KEY] = spans
        return doc


@Language.factory(
    "claimx_quotes",
    assigns=["doc.spans"],
    default_config={"min_words": 1},
)
def make_quote_finder(nlp: Language, name: str, min_words: int) -> QuoteFinder:
    """Quotation finder. ``min_words``: fewest words for a quote to count."""
    return QuoteFinder(name=name, min_words=min_words)
