"""The offset invariant on arbitrary text: no exception, every span is text[start:end]."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from spacy.language import Language

import claimx

PIECES = st.sampled_from(
    [
        "He said", " she told reporters", " that ", "according to the ministry", ", ",
        ". ", "\n\n", '"', "\u201c", "\u201d", "''", "``", ":", " Smith", " the plan failed",
        " warned of", " the risks", " US.", " and", "\u2019", "\t", " ", "\u00e9t\u00e9",
    ]
)
TEXTS = st.one_of(
    st.text(max_size=300),
    st.lists(PIECES, max_size=40).map("".join),
)


def _all_spans(record: dict[str, Any]) -> list[dict[str, Any]]:
    spans = []
    for claim in record["claims"]:
        for key in ("speaker", "cue", "addressee", "content"):
            if claim.get(key):
                spans.append(claim[key])
                spans.extend(claim[key].get("fragments", []))
    for speaker in record["speakers"]:
        spans.extend(speaker["mentions"])
    return spans


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=TEXTS)
def test_offsets_every_span_matches_the_input(nlp: Language, text: str) -> None:
    record = claimx.extract(text, nlp).to_dict()
    for span in _all_spans(record):
        assert 0 <= span["start"] <= span["end"] <= len(text)
        assert text[span["start"] : span["end"]] == span["text"]
    for claim in record["claims"]:
        assert 0.0 <= claim["confidence"] <= 1.0
        assert claim["kind"] in ("direct", "indirect", "mixed")
