"""spaCy components of claimx; importing this package registers their factories."""

from . import abbreviations, attribution, cues, quotes, speakers, topics  # noqa: F401
