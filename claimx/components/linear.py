"""Sparse log-linear models as claimx ships them: named feature weights in JSON.

The claim scorer and the boundary model are both a bias plus a weight per named
feature, fitted by the training scripts and read back here; only what they do with
the sum differs.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

Features = Iterable[tuple[str, float]]


def weighted_sum(weights: Mapping[str, float], bias: float, features: Features) -> float:
    """The bias plus every feature's value times its weight (unknown features weigh 0)."""
    return bias + sum(weights.get(name, 0.0) * value for name, value in features)


def bucket(p: float) -> str:
    """A probability's fifth ("0" to "4"), for features that cross it with others."""
    return str(min(4, int(p * 5)))


def encode(
    weights: Mapping[str, float], bias: float, meta: Mapping[str, object], **settings: Any
) -> dict[str, Any]:
    """The JSON form: bias, the model's own settings, meta, then the weights sorted by name."""
    return {"bias": bias, **settings, "meta": dict(meta), "weights": dict(sorted(weights.items()))}


def decode(data: Mapping[str, Any]) -> tuple[dict[str, float], float, dict[str, object]]:
    """Weights, bias and meta of a model's JSON form."""
    weights = data["weights"]
    if not isinstance(weights, dict):
        raise TypeError("model file has no weights")
    meta = data.get("meta", {})
    return (
        {str(k): float(v) for k, v in weights.items()},
        float(data["bias"]),
        dict(meta) if isinstance(meta, dict) else {},
    )


def read_model(path: str) -> dict[str, Any] | None:
    """A model file's JSON form (None if the file is absent)."""
    file = Path(path)
    if not file.is_file():
        return None
    data: dict[str, Any] = json.loads(file.read_text(encoding="utf8"))
    return data
