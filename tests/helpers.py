"""Small file helpers shared by the tests (imported as ``helpers``)."""

from __future__ import annotations

import json
from pathlib import Path


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
