"""The ``doc._`` attributes claimx writes; registered once, at import time.

Values are plain, picklable objects from :mod:`claimx.schema` (never ``Span``),
so docs survive ``nlp.pipe(n_process>1)`` and serialisation. ``None`` means the
component did not run; an empty tuple means it ran and found nothing.
"""

from __future__ import annotations

from typing import Any, Callable

import srsly
from spacy.tokens import Doc

from .schema import RESULT_TYPES

EXTENSIONS = ("claims", "speakers", "topics", "keyphrases", "claimx_error")
_TAG = "__claimx__"


def _encode(obj: Any, chain: Callable[[Any], Any] | None = None) -> Any:
    """msgpack hook: ``nlp.pipe(n_process>1)`` sends docs back with ``Doc.to_bytes``,
    which packs ``doc._`` values with msgpack, not pickle."""
    if type(obj).__name__ in RESULT_TYPES and hasattr(obj, "to_dict"):
        return {_TAG: type(obj).__name__, "data": obj.to_dict()}
    return obj if chain is None else chain(obj)


def _decode(obj: Any, chain: Callable[[Any], Any] | None = None) -> Any:
    if isinstance(obj, dict) and _TAG in obj:
        return RESULT_TYPES[obj[_TAG]].from_dict(obj["data"])
    return obj if chain is None else chain(obj)


srsly.msgpack_encoders.register("claimx", func=_encode)
srsly.msgpack_decoders.register("claimx", func=_decode)


_TEXT_KEY = "claimx_text"


def doc_text(doc: Doc) -> str:
    """``doc.text``, built once per doc and kept in ``doc.user_data``: spaCy rebuilds it
    from every token on each access, which costs claimx's components more than
    most of their own work."""
    text = doc.user_data.get(_TEXT_KEY)
    if isinstance(text, str) and len(text) == _length(doc):
        return text
    text = doc.text
    doc.user_data[_TEXT_KEY] = text
    return text


def _length(doc: Doc) -> int:
    """The length of ``doc.text``, without building it."""
    if not len(doc):
        return 0
    last = doc[-1]
    return last.idx + len(last.text_with_ws)


def register_extensions() -> None:
    for name in EXTENSIONS:
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=None)


register_extensions()
