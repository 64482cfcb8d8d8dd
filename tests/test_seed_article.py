"""The article claimx started from: every hand-annotated claim found, with its cue and speaker.

This is the bar of the core and speaker issues, held by the default pipeline (trained
models) and by the rules alone (``--no-trained``).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from spacy.language import Language

import claimx
from claimx.evaluate import read_gold, score

SEED_GOLD = Path(__file__).resolve().parent.parent.parent / "shared" / "eval" / "seed_gold.jsonl"

pytestmark = pytest.mark.skipif(not SEED_GOLD.is_file(), reason="shared/eval/seed_gold.jsonl not beside the checkout")


@pytest.mark.parametrize("pipeline", ["nlp", "rules_nlp"])
def test_seed_article_claims_cues_and_speakers(pipeline: str, request: pytest.FixtureRequest) -> None:
    nlp: Language = request.getfixturevalue(pipeline)
    (gold,) = read_gold(SEED_GOLD)
    article = claimx.extract(gold["text"], nlp, article_id=gold["id"])
    scores = score([gold], [article.to_dict()])
    assert scores["content"]["partial"]["recall"] == 1.0  # all 10 claims
    assert scores["speaker"]["accuracy"] == 1.0 and scores["cue"]["accuracy"] == 1.0
    assert scores["content"]["partial"]["precision"] >= 0.9  # at most one claim beyond them
    assert scores["offset_errors"] == 0
    names = {s.name for s in article.speakers}
    assert {"Pete Hegseth", "Dong Jun", "Marco Rubio", "Wang Yi"} <= names
