"""The boundary model: which alternatives of a kept claim's content it weighs, and when
an alternative replaces the rules' content."""

from __future__ import annotations

import numpy
import pytest
from spacy.language import Language
from spacy.tokens import Doc

from claimx.components.attribution import Draft, _DocIndex
from claimx.components.boundaries import RULES, BoundaryModel, content_variants
from claimx.components.content_tagger import CONTENT

TEXT = (
    "The mayor said the budget would pass, and the council agreed. Nobody else spoke.\n\n"
    "A new paragraph starts here."
)


def _draft(doc: Doc, content: str) -> Draft:
    start = doc.text.index(content)
    span = doc.char_span(start, start + len(content))
    assert span is not None
    said = next(t for t in doc if t.text == "said")
    return Draft(
        cue_head=said.i,
        slot="ccomp",
        cue_tokens=[said.i],
        lemma="say",
        speaker=doc[0:2],
        addressee=None,
        content=list(range(span.start, span.end)),
        confidence=0.9,
    )


@pytest.fixture(scope="module")
def parsed(rules_nlp: Language) -> tuple[Doc, Draft, _DocIndex]:
    doc = rules_nlp(TEXT)
    return doc, _draft(doc, "the budget would pass"), _DocIndex.build(doc)


def _unbelieved(doc: Doc) -> numpy.ndarray:
    """Tagger probabilities (content, first word, last word) of 0 for every token."""
    return numpy.zeros((len(doc), 3), dtype="f")


def _text(doc: Doc, tokens: list[int]) -> str:
    return " ".join(doc[i].text for i in tokens)


def test_variants_run_to_the_sentence_and_paragraph_end_but_no_further(
    parsed: tuple[Doc, Draft, _DocIndex],
) -> None:
    doc, draft, index = parsed
    variants = content_variants(doc, draft, index, _unbelieved(doc))
    assert next(iter(variants)) == RULES and variants[RULES] == draft.content
    assert _text(doc, variants["to_sentence_end"]).endswith("and the council agreed .")
    assert _text(doc, variants["next_sentences=1"]).endswith("Nobody else spoke .")
    # the next paragraph is another matter
    assert "next_sentences=2" not in variants
    assert not any("paragraph" in _text(doc, tokens) for tokens in variants.values())
    # the speaker and the cue stay out of every alternative
    assert not any({0, 1, draft.cue_head} & set(tokens) for tokens in variants.values())


def test_variants_hold_distinct_words(parsed: tuple[Doc, Draft, _DocIndex]) -> None:
    doc, draft, index = parsed
    variants = content_variants(doc, draft, index, _unbelieved(doc))
    word_sets = [tuple(i for i in tokens if doc[i].is_alpha) for tokens in variants.values()]
    assert len(word_sets) == len(set(word_sets))
    # "from the sentence start" would add only the speaker and cue: nothing of its own
    assert "from_sentence_start" not in variants


def test_variants_cut_at_a_comma_and_follow_the_tagger(rules_nlp: Language) -> None:
    doc = rules_nlp(TEXT)
    draft = _draft(doc, "the budget would pass, and the council agreed")
    index = _DocIndex.build(doc)
    probs = _unbelieved(doc)
    believed = doc.text.index("budget")
    span = doc.char_span(believed, believed + len("budget would pass, and the council"))
    assert span is not None
    probs[span.start : span.end, CONTENT] = 0.9
    variants = content_variants(doc, draft, index, probs)
    assert _text(doc, variants["to_first_cut"]) == "the budget would pass"
    assert _text(doc, variants["from_first_cut"]) == "and the council agreed"
    assert _text(doc, variants["tagger_trimmed"]) == "budget would pass , and the council"


def test_an_alternative_wins_only_by_the_margin(parsed: tuple[Doc, Draft, _DocIndex]) -> None:
    doc, draft, index = parsed
    probs = _unbelieved(doc)
    prefers_the_sentence = {"v=to_sentence_end": 2.0}
    chosen = BoundaryModel(prefers_the_sentence, bias=0.0, margin=1.0).choose(doc, draft, index, probs)
    assert _text(doc, chosen).endswith("the council agreed .")
    kept = BoundaryModel(prefers_the_sentence, bias=0.0, margin=3.0).choose(doc, draft, index, probs)
    assert kept == draft.content


def test_boundary_model_round_trips_through_json() -> None:
    model = BoundaryModel({"v=rules": 0.5, "edge_first": -1.25}, bias=0.1, margin=0.5, meta={"seed": 0})
    assert BoundaryModel.from_json(model.to_json()) == model


def test_boundary_model_ships_with_the_trained_pipeline_only(nlp: Language, rules_nlp: Language) -> None:
    trained = nlp.get_pipe("claimx_attribution").boundaries
    assert trained is not None and trained.weights and trained.margin >= 0.0
    assert rules_nlp.get_pipe("claimx_attribution").boundaries is None


def _claim(doc: Doc, cue: str, speaker: str, content: str, addressee: str | None = None) -> Draft:
    def span(text: str):  # type: ignore[no-untyped-def]
        start = doc.text.index(text)
        found = doc.char_span(start, start + len(text))
        assert found is not None
        return found

    head = span(cue).root
    return Draft(
        cue_head=head.i,
        slot="xcomp",
        cue_tokens=[head.i],
        lemma=head.lemma_,
        speaker=span(speaker),
        addressee=span(addressee) if addressee else None,
        content=list(range(span(content).start, span(content).end)),
        confidence=0.9,
    )


def test_variants_weigh_the_addressee_and_a_leading_phrase(rules_nlp: Language) -> None:
    # annotators count "urged X to Y"'s X in the content about as often as not
    doc = rules_nlp("On Monday the senator urged supporters to monitor polling places.")
    draft = _claim(doc, "urged", "the senator", "to monitor polling places", addressee="supporters")
    variants = content_variants(doc, draft, _DocIndex.build(doc), _unbelieved(doc))
    assert _text(doc, variants["with_addressee"]) == "supporters to monitor polling places"
    doc = rules_nlp("He asked Congress to leave the program intact.")
    draft = _claim(doc, "asked", "He", "Congress to leave the program intact")
    variants = content_variants(doc, draft, _DocIndex.build(doc), _unbelieved(doc))
    assert _text(doc, variants["without_leading_phrase"]) == "to leave the program intact"
    assert "with_addressee" not in variants
