"""Shared by scripts/eval_topics.py and scripts/train_topic_classifier.py: the topic dev data and its split.

``topics_dev.jsonl`` is split in two halves by a hash of each record's id, so the split is
stable and needs no list of ids: ``train`` (the classifier learns from it, and the hand-made
terms were checked against it) and ``check`` (kept out of both, for validation).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
EVAL_DIR = ROOT.parent / "shared" / "eval"
TOPICS_DEV = EVAL_DIR / "topics_dev.jsonl"
SCORER = EVAL_DIR / "score_topics.py"
SPLITS = ("train", "check", "all")


def split_of(record_id: str) -> str:
    """``train`` or ``check``: the half of the dev data a record belongs to."""
    digest = hashlib.sha1(record_id.encode("utf-8")).hexdigest()
    return "train" if int(digest[:8], 16) % 2 == 0 else "check"


def read_records(path: Path, split: str = "all") -> Iterator[dict[str, Any]]:
    """The records of a topics JSONL file in one split (``all``: every record)."""
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                record = json.loads(line)
                if split == "all" or split_of(str(record["id"])) == split:
                    yield record


def topic_pipeline(model: str | None = None) -> Any:
    """The claimx pipeline without the claim components: all that topics need."""
    from claimx.pipeline import load_pipeline

    nlp = load_pipeline(model)
    claim_pipes = ("claimx_quotes", "claimx_cues", "claimx_attribution", "claimx_speakers")
    nlp.disable_pipes(*[name for name in claim_pipes if name in nlp.pipe_names])
    return nlp
