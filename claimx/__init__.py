"""claimx: attributed claims (who said what, how) from news text, on spaCy.

    >>> import claimx
    >>> article = claimx.extract('"We will win," Mayor Jane Smith said.')
    >>> article.claims[0].speaker.text
    'Mayor Jane Smith'
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from .pipeline import extract, load_pipeline
from .schema import (
    SCHEMA_VERSION,
    Article,
    Claim,
    Content,
    ContentKind,
    Cue,
    Speaker,
    SpeakerType,
    TextSpan,
    Topic,
)

try:
    __version__ = version("claimx")
except PackageNotFoundError:  # running from a checkout without installing
    __version__ = "0.0.0+unknown"

__all__ = [
    "SCHEMA_VERSION",
    "Article",
    "Claim",
    "Content",
    "ContentKind",
    "Cue",
    "Speaker",
    "SpeakerType",
    "TextSpan",
    "Topic",
    "extract",
    "load_pipeline",
    "__version__",
]
