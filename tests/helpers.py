"""Small helpers shared by the tests (imported as ``helpers``): files, and output records."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def write(path: Path, data: str | bytes) -> str:
    """Write text (UTF-8) or bytes to ``path``, making its folder; returns the path as a string."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)
    return str(path)


def jsonl(*items: object) -> str:
    """JSONL text: each item dumped as JSON (strings are taken as lines already)."""
    return "".join((item if isinstance(item, str) else json.dumps(item)) + "\n" for item in items)


def span(text: str, sub: str, start: int = 0, **extra: Any) -> dict[str, Any]:
    """The output span of the first ``sub`` in ``text`` at or after ``start``."""
    begin = text.index(sub, start)
    return {"text": sub, "start": begin, "end": begin + len(sub), **extra}


def claim_record(
    text: str,
    speaker: str,
    cue: str,
    content: str,
    speaker_id: str | None = None,
    resolved: str | None = None,
    kind: str = "indirect",
    confidence: float = 0.8,
    **extra: Any,
) -> dict[str, Any]:
    """A claim as claimx writes it, with its spans found in ``text``."""
    return {
        "speaker": span(text, speaker),
        "speaker_resolved": resolved,
        "speaker_id": speaker_id,
        "cue": span(text, cue, lemma=cue),
        "addressee": None,
        "addressee_resolved": None,
        "content": span(text, content),
        "kind": kind,
        "confidence": confidence,
        **extra,
    }
