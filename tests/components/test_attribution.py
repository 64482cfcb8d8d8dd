"""Layouts of attribution news uses, as a table of (text, expected claims).

Each expected claim names the speaker mention, a word of the cue, the content
text (exact, or a prefix when it ends with "...") and the kind. Texts are short
sentences written for these tests.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from spacy.language import Language

import claimx
from claimx.components import scoring
from claimx.components.attribution import Draft, _DocIndex
from claimx.schema import Article, Claim

LAYOUTS: list[tuple[str, str, list[tuple[str, str, str, str]]]] = [
    (
        "speaker-cue-content",
        "Mayor Jane Smith said the budget was balanced.",
        [("Mayor Jane Smith", "said", "the budget was balanced", "indirect")],
    ),
    (
        "content-cue-speaker",
        '"We will not raise taxes," the mayor said.',
        [("the mayor", "said", '"We will not raise taxes,"', "direct")],
    ),
    (
        "cue inversion",
        '"The talks were useful," said Rubio.',
        [("Rubio", "said", '"The talks were useful,"', "direct")],
    ),
    (
        "colon introduction",
        'The minister said: "We will rebuild every school."',
        [("The minister", "said", '"We will rebuild every school."', "direct")],
    ),
    (
        "colon introduction after a pronoun object",
        "Vasseur put it plainly: \u201cWe did not come here to manage a trade war.\u201d",
        [("Vasseur", "put", "\u201cWe did not come here to manage a trade war.\u201d", "direct")],
    ),
    (
        "quote over several sentences",
        "\u201cWe lost everything. The water came too fast,\u201d she said.",
        [("she", "said", "\u201cWe lost everything. The water came too fast,\u201d", "direct")],
    ),
    (
        "according to, first",
        "According to the ministry, the dam is safe and will hold through the spring floods.",
        [
            (
                "the ministry",
                "According to",
                "the dam is safe and will hold through the spring floods",
                "indirect",
            )
        ],
    ),
    (
        "according to, last",
        "The dam is safe and will hold through the spring floods, according to the ministry.",
        [
            (
                "the ministry",
                "according to",
                "The dam is safe and will hold through the spring floods",
                "indirect",
            )
        ],
    ),
    (
        "verb + that-clause with addressee",
        "Hegseth told Dong that Washington does not seek conflict.",
        [("Hegseth", "told", "that Washington does not seek conflict", "indirect")],
    ),
    (
        "verb + object",
        "Rubio stressed the importance of open communication channels.",
        [("Rubio", "stressed", "the importance of open communication channels", "indirect")],
    ),
    (
        "verb + infinitive",
        "He called for the two sides to maintain stable communications.",
        [("He", "called for", "the two sides to maintain stable communications", "indirect")],
    ),
    (
        "participial chain",
        "Wang compared the two countries to giant ships, warning of the risks of collision.",
        [
            ("Wang", "compared", "the two countries to giant ships", "indirect"),
            ("Wang", "warning of", "the risks of collision", "indirect"),
        ],
    ),
    (
        "participle hung inside the reported clause",
        "The company denied that it had misled investors, saying the figures were accurate.",
        [
            ("The company", "denied", "that it had misled investors", "indirect"),
            ("The company", "saying", "the figures were accurate", "indirect"),
        ],
    ),
    (
        "verb + by + participle",
        "Dong responded by stressing China's opposition to external interference.",
        [
            (
                "Dong",
                "responded by stressing",
                "China's opposition to external interference",
                "indirect",
            )
        ],
    ),
    (
        "government as speaker",
        "Beijing has warned that it will respond to any provocation.",
        [("Beijing", "warned", "that it will respond to any provocation", "indirect")],
    ),
    (
        "government as speaker, verb + object + of",
        "Washington accused Beijing of supporting Russia's war in Ukraine.",
        [("Washington", "accused", "Beijing of supporting Russia's war in Ukraine", "indirect")],
    ),
    (
        "group as speaker, belief",
        "Analysts see the recent contacts as part of an effort to lay groundwork for a summit.",
        [("Analysts", "see", "the recent contacts as part of an effort to ...", "indirect")],
    ),
    (
        "reporting noun with its source",
        "His claim that the election had been stolen was false.",
        [("His", "claim", "that the election had been stolen", "indirect")],
    ),
    (
        "organisation as speaker",
        "Police said the suspect was arrested on Tuesday.",
        [("Police", "said", "the suspect was arrested on Tuesday", "indirect")],
    ),
    (
        "mixed: paraphrase with a quoted fragment",
        'Critics argued that the plan was "a fantasy" built on optimistic forecasts.',
        [
            (
                "Critics",
                "argued",
                'that the plan was "a fantasy" built on optimistic forecasts',
                "mixed",
            )
        ],
    ),
    (
        "doubled apostrophes as quotation marks",
        "''We are ready,'' the coach said.",
        [("the coach", "said", "''We are ready,''", "direct")],
    ),
    (
        "curly quotes, speaker with a description",
        "\u201cWe have no comment,\u201d a spokeswoman for the company told Reuters.",
        [
            (
                "a spokeswoman for the company",
                "told",
                "\u201cWe have no comment,\u201d",
                "direct",
            )
        ],
    ),
    (
        "headline attribution by colon",
        "Kasich: 'We Are Going All The Way To Cleveland.'\n\nThe governor spoke on Tuesday.",
        [("Kasich", ":", "We Are Going All The Way To Cleveland", "indirect")],
    ),
]


def _matches(claim: Claim, expected: tuple[str, str, str, str]) -> bool:
    speaker, cue, content, kind = expected
    if claim.speaker is None or claim.speaker.text != speaker:
        return False
    if claim.cue is None or claim.cue.text != cue:
        return False
    if content.endswith("..."):
        if not claim.content.text.startswith(content[:-3]):
            return False
    elif claim.content.text != content:
        return False
    return claim.kind.value == kind


def _spans(claim: Claim) -> list[Any]:
    spans: list[Any] = [claim.content, *claim.content.fragments]
    spans += [s for s in (claim.speaker, claim.cue, claim.addressee) if s is not None]
    return spans


@pytest.mark.parametrize("layout,text,expected", LAYOUTS, ids=[row[0] for row in LAYOUTS])
def test_attribution_finds_layout(
    nlp: Language, layout: str, text: str, expected: list[tuple[str, str, str, str]]
) -> None:
    article = claimx.extract(text, nlp)
    claims = list(article.claims)
    for want in expected:
        assert any(_matches(c, want) for c in claims), (want, [c.to_dict() for c in claims])
    assert len(claims) == len(expected), [c.to_dict() for c in claims]
    for claim in claims:
        for span in _spans(claim):
            assert text[span.start : span.end] == span.text


def test_attribution_light_verb_with_reporting_noun(nlp: Language) -> None:
    text = "Washington has raised concerns about Beijing's support for Russia."
    (claim,) = claimx.extract(text, nlp).claims
    assert (claim.speaker.text if claim.speaker else None) == "Washington"
    assert claim.cue is not None and claim.cue.text == "raised concerns about"
    assert claim.content.text == "Beijing's support for Russia"


def test_attribution_trained_scorer_is_the_default(nlp: Language, rules_nlp: Language) -> None:
    assert nlp.get_pipe("claimx_attribution").scorer is not None
    assert rules_nlp.get_pipe("claimx_attribution").scorer is None


def test_attribution_falls_back_to_rules_without_a_scorer_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(scoring, "models_dir", lambda: tmp_path)
    scoring._load.cache_clear()
    try:
        without = claimx.load_pipeline()
        assert without.get_pipe("claimx_attribution").scorer is None
        (claim,) = claimx.extract("Hegseth told Dong that Washington does not seek conflict.", without).claims
        assert claim.content.text == "that Washington does not seek conflict"
    finally:
        scoring._load.cache_clear()


@pytest.mark.parametrize("layout,text,expected", LAYOUTS[:8], ids=[row[0] for row in LAYOUTS[:8]])
def test_attribution_rules_alone_keep_the_plain_layouts(
    rules_nlp: Language, layout: str, text: str, expected: list[tuple[str, str, str, str]]
) -> None:
    claims = claimx.extract(text, rules_nlp).claims
    for want in expected:
        assert any(_matches(c, want) for c in claims), (want, [c.to_dict() for c in claims])
    for claim in claims:
        assert 0.0 <= claim.confidence <= 1.0


def test_attribution_joins_a_quote_interrupted_by_its_attribution(nlp: Language) -> None:
    text = '"It is finished," said Tom Jones, "and we start again."'
    (claim,) = claimx.extract(text, nlp).claims
    assert [f.text for f in claim.content.fragments] == ['"It is finished,"', '"and we start again."']
    assert claim.speaker is not None and claim.speaker.text == "Tom Jones"
    assert claim.kind.value == "direct"


def test_attribution_continues_a_quote_after_the_attribution_sentence(nlp: Language) -> None:
    text = "\u201cIt is finished,\u201d Tom Jones said. \u201cWe start again tomorrow.\u201d"
    (claim,) = claimx.extract(text, nlp).claims
    assert len(claim.content.fragments) == 2
    assert claim.content.fragments[1].text == "\u201cWe start again tomorrow.\u201d"


def test_attribution_follows_a_quote_left_open_into_the_next_paragraph(nlp: Language) -> None:
    text = (
        'The coach said: "We will fight on.\n\n'
        '"We will not give up, whatever the table says."\n\nThe club was relegated.'
    )
    (claim,) = claimx.extract(text, nlp).claims
    assert claim.content.text.endswith('whatever the table says."')
    assert "relegated" not in claim.content.text


def test_attribution_records_the_addressee(nlp: Language) -> None:
    (claim,) = claimx.extract("Hegseth told Dong that Washington does not seek conflict.", nlp).claims
    assert claim.addressee is not None and claim.addressee.text == "Dong"


@pytest.mark.parametrize(
    "text",
    [
        'He said "we are ready. Then he left.\n\nThe next paragraph has no quotes at all.',
        "\u201cWe will win,\u201d he said.\n\nShe said \u201cnothing at all.\n\nA third paragraph.",
        '"" said "" he "',
        "\u201d\u201d\u201c closing marks first, he said \u201c",
    ],
)
def test_attribution_unbalanced_quotes_stay_in_their_paragraph(nlp: Language, text: str) -> None:
    article: Article = claimx.extract(text, nlp)
    for claim in article.claims:
        assert "\n\n" not in claim.content.text or claim.content.fragments
        for span in _spans(claim):
            assert text[span.start : span.end] == span.text


@pytest.mark.parametrize(
    "text",
    [
        "The river flooded the valley and the town was evacuated.",
        "Prices rose by four percent in March.",
        "\u201cThe Road Home\u201d is a novel about a family.",
    ],
)
def test_attribution_finds_nothing_without_attribution(nlp: Language, text: str) -> None:
    assert claimx.extract(text, nlp).claims == ()


def test_attribution_confidence_is_a_probability(nlp: Language) -> None:
    article = claimx.extract(
        '"We will win," she said. Analysts see a long fight ahead, according to the report.', nlp
    )
    assert article.claims
    for claim in article.claims:
        assert isinstance(claim.confidence, float) and 0.0 <= claim.confidence <= 1.0


def test_attribution_cue_span_runs_forward_whatever_the_order_of_its_words(nlp: Language) -> None:
    doc = nlp("For example, his assertion that the plan failed was wrong.")
    attribution = nlp.get_pipe("claimx_attribution")
    index = _DocIndex.build(doc)
    noun = next(t.i for t in doc if t.text == "assertion")
    draft = Draft(
        cue_head=noun,
        slot="noun:that",
        cue_tokens=[noun, 0],  # a preposition left of its noun, as the parser may attach it
        lemma="assertion",
        speaker=doc[noun - 1 : noun],
        addressee=None,
        content=list(range(noun + 1, noun + 6)),
        confidence=0.9,
    )
    claim = attribution._claim(doc, doc.text, draft, index.quote_of)
    assert claim is not None and claim.cue is not None
    assert 0 <= claim.cue.start < claim.cue.end
    assert doc.text[claim.cue.start : claim.cue.end] == claim.cue.text == "For example, his assertion"


@pytest.mark.parametrize(
    "text,content",
    [
        (
            "Officials said the deal would help Boeing, which builds the planes.",
            "the deal would help Boeing",
        ),
        (
            "The minister said the money should be spent with NATO, the existing military alliance.",
            "the money should be spent with NATO",
        ),
        # restrictive: no comma, part of what was said
        (
            "Officials said the deal would help firms that build planes.",
            "the deal would help firms that build planes",
        ),
    ],
)
def test_attribution_leaves_the_writers_trailing_aside_out(
    rules_nlp: Language, text: str, content: str
) -> None:
    (claim,) = claimx.extract(text, rules_nlp).claims
    assert claim.content.text == content


@pytest.mark.parametrize(
    "text,content,fragments",
    [
        (
            # the source vouches for the whole sentence, not the clause it hangs on
            "Smith won 54 percent of the vote, and Jones won 46 percent, according to exit polls.",
            "Smith won 54 percent of the vote, and Jones won 46 percent",
            [],
        ),
        (
            # a list of objects, not an object and its aside
            "The senator thanked his parents, his siblings, his wife and his children.",
            "his parents, his siblings, his wife and his children",
            [],
        ),
        (
            # a quotation that a colon opens right after the content
            'He suggested the judge was biased: "He has been very unfair to me."',
            'the judge was biased: "He has been very unfair to me."',
            [],
        ),
        (
            # a quotation right after the attribution goes on with the paraphrase before it
            'The budget was balanced, the mayor said. "We did it without new taxes."',
            'The budget was balanced, the mayor said. "We did it without new taxes."',
            ["The budget was balanced", '"We did it without new taxes."'],
        ),
        (
            # a paragraph that is one quotation, with no attribution of its own
            'The mayor said the budget was balanced.\n\n"We did it without raising a single tax."'
            "\n\nThe council meets on Monday.",
            'the budget was balanced.\n\n"We did it without raising a single tax."',
            ["the budget was balanced", '"We did it without raising a single tax."'],
        ),
        (
            # an attribution in the middle of the sentence: both sides were said
            "Though the transition was smooth, he said, replacing the coach would be much harder.",
            "Though the transition was smooth, he said, replacing the coach would be much harder",
            ["Though the transition was smooth", "replacing the coach would be much harder"],
        ),
        (
            # the occasion of the statement is not part of it
            "Asked about the report, she said, the numbers were wrong.",
            "the numbers were wrong",
            [],
        ),
    ],
)
@pytest.mark.parametrize("pipeline", ["nlp", "rules_nlp"])
def test_attribution_content_runs_as_far_as_what_was_said(
    request: pytest.FixtureRequest, pipeline: str, text: str, content: str, fragments: list[str]
) -> None:
    claims = claimx.extract(text, request.getfixturevalue(pipeline)).claims
    found = [c for c in claims if c.content.text == content]
    assert found, [c.content.text for c in claims]
    assert [f.text for f in found[0].content.fragments] == fragments
    # no other claim holds a piece of the same statement
    assert all(c is found[0] or c.content.end <= found[0].content.start for c in claims)


@pytest.mark.parametrize("pipeline", ["nlp", "rules_nlp"])
@pytest.mark.parametrize(
    "first",
    ['"The budget is balanced," the mayor said.', "The budget was balanced, the mayor said."],
)
def test_attribution_leaves_the_next_speakers_quote_to_them(
    request: pytest.FixtureRequest, pipeline: str, first: str
) -> None:
    text = first + ' "It was a hard year," said Jones, the treasurer.'
    claims = claimx.extract(text, request.getfixturevalue(pipeline)).claims
    by_speaker = {c.speaker.text: c.content.text for c in claims if c.speaker is not None}
    assert "hard year" not in by_speaker["the mayor"]
    assert by_speaker["Jones, the treasurer"] == '"It was a hard year,"'
