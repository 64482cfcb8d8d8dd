"""The model card's dev figures are what the evaluation command gives today.

`claimx evaluate ../shared/eval/dev.jsonl` (and `--no-trained`) must reproduce the
table in models/en/README.md to the digit; a change that moves them must update the card.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from spacy.language import Language

from claimx.evaluate import evaluate_file

ROOT = Path(__file__).resolve().parent.parent
CARD = ROOT / "models" / "en" / "README.md"
DEV = ROOT.parent / "shared" / "eval" / "dev.jsonl"

pytestmark = pytest.mark.skipif(not DEV.is_file(), reason="shared/eval/dev.jsonl not beside the checkout")


def _card_row(label: str) -> list[float]:
    """Exact F1, partial F1, speaker and cue accuracy of the card row starting with ``label``."""
    for line in CARD.read_text(encoding="utf8").splitlines():
        if line.startswith("| " + label):
            cells = [float(cell) for cell in re.findall(r"\| (0\.\d{3}) ", line + " ")]
            assert len(cells) == 4, line
            return cells
    raise AssertionError(f"no row '{label}' in {CARD}")


def _figures(nlp: Language) -> list[float]:
    scores, _ = evaluate_file(DEV, nlp)
    return [
        round(scores["content"]["exact"]["f1"], 3),
        round(scores["content"]["partial"]["f1"], 3),
        round(scores["speaker"]["accuracy"], 3),
        round(scores["cue"]["accuracy"], 3),
    ]


def test_model_card_figures_of_the_default_pipeline(nlp: Language) -> None:
    assert _figures(nlp) == _card_row("content tagger + claim scorer + boundary model (default)")


def test_model_card_figures_of_the_rules_alone(rules_nlp: Language) -> None:
    assert _figures(rules_nlp) == _card_row("rules + learned lexicon (`--no-trained`)")
