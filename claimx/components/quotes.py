"""claimx_quotes: find quotations (straight, curly, doubled ``''`` marks) in a doc.

Quotes go to ``doc.spans["claimx_quotes"]``, each span including its quotation
marks. A quote never runs past its paragraph: news style leaves a quote open at
the end of a paragraph when the next paragraph continues it, so an unclosed quote
ends with its paragraph instead of swallowing the rest of the article.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

from spacy.language import Language
from spacy.tokens import Doc, Span

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


def _is_mark_pair(text: str, i: int, pair: str) -> bool:
    return text.startswith(pair, i)


def find_quotes(text: str) -> Iterator[QuoteRange]:
    """Character ranges of quotations in ``text``, in order, never nested.

    Curly marks open and close; straight marks and doubled apostrophes toggle;
    ``````` opens. A newline closes any quote still open, at the last
    non-space character before it.
    """
    start = -1
    last_visible = -1
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        width = 1
        if ch == "\n":
            if start >= 0 and last_visible > start:
                yield QuoteRange(start, last_visible + 1, closed=False)
            start = -1
        elif ch in OPENING or _is_mark_pair(text, i, "``"):
            # a second opening mark inside an open quote means the first was stray
            width = 2 if ch == "`" else 1
            start = i
        elif ch in CLOSING or ch in TOGGLING or _is_mark_pair(text, i, "''"):
            width = 2 if ch == "'" else 1
            if start >= 0:
                if i > start + 1 or width == 2:
                    yield QuoteRange(start, i + width, closed=True)
                start = -1
            elif ch in TOGGLING or width == 2:
                start = i
            # a lone closing curly mark with nothing open is ignored
        if not ch.isspace():
            last_visible = i + width - 1
        i += width
    if start >= 0 and last_visible > start:
        yield QuoteRange(start, last_visible + 1, closed=False)


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
        for quote in find_quotes(doc.text):
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
