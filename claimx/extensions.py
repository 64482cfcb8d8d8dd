"""The ``doc._`` attributes claimx writes; registered once, at import time.

Values are plain, picklable objects from :mod:`claimx.schema` (never ``Span``),
so docs survive ``nlp.pipe(n_process>1)`` and serialisation. ``None`` means the
component did not run; an empty tuple means it ran and found nothing.
"""

from __future__ import annotations

from spacy.tokens import Doc

EXTENSIONS = ("claims", "speakers", "topics", "claimx_error")


def register_extensions() -> None:
    for name in EXTENSIONS:
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=None)


register_extensions()
