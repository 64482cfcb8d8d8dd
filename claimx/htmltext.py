"""The article text of an HTML page, without its boilerplate.

Pages are reduced with trafilatura, a maintained main-content extractor (it
scores blocks by text density and link density and falls back on readability and
jusText), after pruning what is page furniture by its very markup: ``nav``,
``footer``, ``aside``, forms, the page header and ARIA landmarks other than the
main content. Scripts, styles and comments never reach the text.

Paragraphs (block elements, and ``<br>``) come out separated by a blank line,
the way claimx's plain-text articles are written, so offsets in the output index
this extracted text, not the HTML source.
"""

from __future__ import annotations

import logging
import re
from typing import Any

#: XPath expressions pruned before extraction: boilerplate by its markup.
BOILERPLATE_XPATH = (
    "//nav",
    "//footer",
    "//aside",
    "//form",
    "//header[not(ancestor::article) and not(ancestor::main)]",
    "//*[@role='navigation' or @role='banner' or @role='contentinfo' or @role='complementary']",
    "//*[@aria-hidden='true']",
)

_BODY = re.compile(r"<\s*(body|html)\b", re.IGNORECASE)
_LINE_BREAKS = re.compile(r"[ \t]*\n\s*")

_extract: Any = None


def _extractor() -> Any:
    """trafilatura's ``extract``, imported on first use (it takes a fifth of a second)."""
    global _extract
    if _extract is None:
        # trafilatura logs every page it cannot use; claimx reports those itself
        for name in ("trafilatura", "htmldate", "courlan", "justext", "readability"):
            logging.getLogger(name).addHandler(logging.NullHandler())
            logging.getLogger(name).propagate = False
        from trafilatura import extract

        _extract = extract
    return _extract


def html_to_text(markup: str) -> str | None:
    """The main text of an HTML page or fragment, or None when it has none.

    Deterministic (no cross-document deduplication), so every process and every
    Dask worker gets the same text from the same page.
    """
    if not _BODY.search(markup):
        # a fragment (<p>...</p>) or bare text: trafilatura wants a whole document
        markup = f"<html><body>{markup}</body></html>"
    text = _extractor()(
        markup,
        include_comments=False,  # reader comments are not the article
        include_tables=False,
        include_images=False,
        include_links=False,
        include_formatting=False,
        deduplicate=False,
        prune_xpath=list(BOILERPLATE_XPATH),
    )
    if not text or not any(ch.isalpha() for ch in text):
        return None  # nothing a claim could be made of: stray markup, numbers, punctuation
    # one block per line from trafilatura; claimx reads a blank line as a paragraph break
    return _LINE_BREAKS.sub("\n\n", text.strip()) + "\n"
