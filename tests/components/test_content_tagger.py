"""The content tagger: its input rows, the shipped weights, and the fallback to the rules."""

from __future__ import annotations

import dataclasses

import numpy
from spacy.language import Language
from thinc.api import use_ops

import claimx
from claimx.components.attribution import TAGGED_SLOT, _believed_runs, _DocIndex
from claimx.components.content_tagger import (
    CONTENT,
    END,
    START,
    UPOS,
    ContentTagger,
    build_model,
    n_features,
    token_features,
)

QUOTED = '"We will win the title this year," the coach said after training on Monday.'


def _prepared(nlp: Language, text: str):  # type: ignore[no-untyped-def]
    doc = nlp.make_doc(text)
    for name, pipe in nlp.pipeline:
        if name == "claimx_attribution":
            break
        doc = pipe(doc)
    return doc


def test_content_tagger_rows_describe_each_token(nlp: Language) -> None:
    doc = _prepared(nlp, QUOTED)
    attribution = nlp.get_pipe("claimx_attribution")
    index = _DocIndex.build(doc)
    drafts = attribution.candidates(doc, index)
    rows = token_features(doc, drafts, index.quote_of)
    width = doc.tensor.shape[1]
    assert rows.shape == (len(doc), n_features(width))
    flags = rows[:, width:]
    win = next(t.i for t in doc if t.text == "win")
    said = next(t.i for t in doc if t.text == "said")
    assert flags[win, 0] == 1.0 and flags[said, 0] == 0.0  # inside the quotation or not
    assert flags[said, 5] == 1.0 and flags[said, 6] > 0.5  # a cue, and a reliable one
    assert flags[win, 7] > 0.5  # held by a reliable candidate's content
    pos = rows[:, width + 10 : width + 10 + len(UPOS)]
    assert pos[said, UPOS.index("VERB")] == 1.0 and pos.sum(axis=1).tolist() == [1.0] * len(doc)


def test_content_tagger_ships_and_believes_the_quotation(nlp: Language) -> None:
    tagger = nlp.get_pipe("claimx_attribution").tagger
    assert isinstance(tagger, ContentTagger)
    doc = _prepared(nlp, QUOTED)
    assert tagger.usable(doc)
    index = _DocIndex.build(doc)
    beliefs = tagger.probabilities(doc, nlp.get_pipe("claimx_attribution").candidates(doc, index), index.quote_of)
    assert beliefs.shape == (len(doc), 3) and ((beliefs >= 0) & (beliefs <= 1)).all()
    probs = beliefs[:, CONTENT]
    quoted = [t.i for t in doc if index.quote_of[t.i] >= 0 and t.is_alpha]
    attribution = [t.i for t in doc if t.text in ("coach", "said", "Monday")]
    assert probs[quoted].mean() > 0.5 > probs[attribution].mean()
    # the quotation's first and last words are where a content begins and ends
    first, last = quoted[0], quoted[-1]
    assert beliefs[first, START] > 0.5 > beliefs[quoted[1:], START].max()
    assert beliefs[last, END] > 0.5 > beliefs[quoted[:-1], END].max()


def test_attribution_falls_back_to_rules_without_context_vectors(nlp: Language, rules_nlp: Language) -> None:
    text = "Hegseth told Dong that Washington does not seek conflict with China."
    doc = _prepared(nlp, text)
    attribution = nlp.get_pipe("claimx_attribution")
    assert attribution.scorer_for(doc) is attribution.scorer
    doc.tensor = numpy.zeros((len(doc), 7), dtype="f")  # another base model's vectors
    assert attribution.scorer_for(doc) is None
    claims = attribution(doc)._.claims
    expected = claimx.extract(text, rules_nlp).claims
    assert [c.content.text for c in claims] == [c.content.text for c in expected]
    assert [c.confidence for c in claims] == [c.confidence for c in expected]



def test_content_tagger_knows_its_base_pipeline(nlp: Language) -> None:
    tagger = nlp.get_pipe("claimx_attribution").tagger
    assert tagger.fits(nlp)
    # same vector width, other vectors: another base pipeline must not feed the tagger
    stranger = dataclasses.replace(tagger, meta={**tagger.meta, "probe": [0.5] * tagger.tensor_width})
    assert not stranger.fits(nlp)


def test_attribution_proposes_candidates_from_believed_runs(nlp: Language, rules_nlp: Language) -> None:
    # "pursue" + object is rarely reported speech, so no likely rules candidate holds it
    text = "Several senators pursued a new border security bill on Monday."
    doc = _prepared(nlp, text)
    attribution = nlp.get_pipe("claimx_attribution")
    index = _DocIndex.build(doc)
    believed = numpy.zeros(len(doc), dtype="f")
    start = next(t.i for t in doc if t.text == "a")
    bill = next(t.i for t in doc if t.text == "bill")
    believed[start : bill + 1] = 0.9  # as if the tagger saw content there
    drafts = attribution.candidates(doc, index, content_probs=believed)
    tagged = [d for d in drafts if d.slot.startswith(TAGGED_SLOT)]
    assert tagged, [(d.slot, d.lemma) for d in drafts]
    (draft,) = tagged
    assert draft.lemma == "pursue" and draft.slot == TAGGED_SLOT + "dobj"
    assert draft.speaker is not None and draft.speaker.text == "Several senators"
    assert doc[draft.content[0] : draft.content[-1] + 1].text == "a new border security bill"
    assert 0.0 < draft.confidence < 1.0  # the scorer decides
    rules = rules_nlp.get_pipe("claimx_attribution").candidates(doc, index, content_probs=believed)
    (alone,) = [d for d in rules if d.slot.startswith(TAGGED_SLOT)]
    assert alone.confidence == 0.0  # below any threshold: the rules alone never keep it


def test_believed_runs_stop_at_unbelieved_words_and_line_breaks(rules_nlp: Language) -> None:
    doc = rules_nlp.make_doc('She said the plan, "will work well" today.\n\nIt rained all day long')
    words = [t.text for t in doc]
    probs = numpy.full(len(doc), 0.9, dtype="f")
    probs[words.index("said")] = 0.1  # an unbelieved word ends a run
    probs[words.index("today")] = 0.2
    runs = _believed_runs(doc, probs, _DocIndex.build(doc).masks, min_words=3, belief=0.5)
    texts = [doc[run[0] : run[-1] + 1].text for run in runs]
    # leading "She" is one word, too short; the closing quotation mark stays, the
    # trailing punctuation before "today" does not; the paragraph break ends a run
    assert texts == ['the plan, "will work well"', "It rained all day long"]
    assert _believed_runs(doc, probs, _DocIndex.build(doc).masks, min_words=6, belief=0.5) == []


def test_content_tagger_predicts_as_it_was_trained(nlp: Language) -> None:
    # trained with thinc's blis, run with numpy's BLAS (faster): the same probabilities
    tagger = nlp.get_pipe("claimx_attribution").tagger
    assert isinstance(tagger, ContentTagger) and tagger.model.ops.use_blis is False
    doc = _prepared(nlp, QUOTED)
    index = _DocIndex.build(doc)
    drafts = nlp.get_pipe("claimx_attribution").candidates(doc, index)
    settings = tagger.meta
    with use_ops("numpy", use_blis=True):
        trained = build_model(
            n_features(tagger.tensor_width),
            width=int(settings["width"]),
            depth=int(settings["depth"]),
            window=int(settings["window"]),
        )
    trained.initialize()
    trained.from_bytes(tagger.model.to_bytes())
    (expected,) = trained.predict([token_features(doc, drafts, index.quote_of)])
    assert numpy.allclose(tagger.probabilities(doc, drafts, index.quote_of), expected, atol=1e-5)
