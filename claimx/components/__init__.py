"""spaCy components of claimx; importing this package registers their factories."""

from . import abbreviations, attribution, cues, quotes, speakers  # noqa: F401
