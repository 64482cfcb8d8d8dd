"""claimx_topics: IPTC topics and keyphrases for articles and claims."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import spacy
from spacy.language import Language
from spacy.tokens import Doc

import claimx
from claimx.assets import models_dir
from claimx.components.topics import TopicTagger
from claimx.pipeline import doc_to_article
from claimx.schema import Article, Keyphrase, Topic
from claimx.topic_assets import TopicTaxonomy, _build, load_topic_taxonomy

#: The 17 top-level IPTC Media Topics, as IPTC spells them.
IPTC_LABELS = {
    "arts, culture, entertainment and media",
    "conflict, war and peace",
    "crime, law and justice",
    "disaster, accident and emergency incident",
    "economy, business and finance",
    "education",
    "environment",
    "health",
    "human interest",
    "labour",
    "lifestyle and leisure",
    "politics",
    "religion",
    "science and technology",
    "society",
    "sport",
    "weather",
}

# Short texts written for these tests, one per subject: (expected top topic, text).
SUBJECTS = [
    (
        "health",
        (
            "Doctors at the city hospital say a new vaccine halved flu infections among elderly "
            "patients, according to a clinical trial published on Monday."
        ),
    ),
    (
        "environment",
        (
            "Rising carbon emissions are speeding up the melting of glaciers, environmental groups "
            "warned, urging governments to protect endangered wildlife and cut pollution."
        ),
    ),
    (
        "crime, law and justice",
        (
            "Police arrested two men on suspicion of murder after a stabbing outside a nightclub; "
            "the suspects will appear before magistrates on Friday."
        ),
    ),
    (
        "disaster, accident and emergency incident",
        (
            "A magnitude 7.1 earthquake struck the coast overnight, collapsing buildings and killing "
            "at least 40 people as rescuers searched the rubble for survivors."
        ),
    ),
    (
        "sport",
        (
            "The striker scored twice as the champions beat their rivals 3-1 to reach the cup final, "
            "the coach said after the match."
        ),
    ),
    (
        "science and technology",
        (
            "Engineers unveiled a faster computer chip that lets smartphones run artificial "
            "intelligence software without an internet connection."
        ),
    ),
    (
        "science and technology",
        (
            "Astronomers using a space telescope have found water vapour on a planet orbiting a "
            "distant star, scientists said."
        ),
    ),
    (
        "economy, business and finance",
        (
            "Shares fell sharply on Wall Street after the central bank raised interest rates and "
            "warned that inflation would slow economic growth."
        ),
    ),
    (
        "politics",
        (
            "The prime minister faces a confidence vote in parliament next week after opposition "
            "parties accused the government of breaking its election pledges."
        ),
    ),
    (
        "conflict, war and peace",
        (
            "Troops and rebels exchanged artillery fire near the border overnight, and the army said "
            "airstrikes had destroyed militant positions despite the ceasefire."
        ),
    ),
    (
        "education",
        (
            "Teachers at hundreds of schools say pupils are struggling with the new exams, and "
            "universities warn that fewer students are applying for degree courses."
        ),
    ),
    (
        "labour",
        (
            "Unions called a strike over pay after the employer refused to raise wages, and thousands "
            "of workers walked out at the factory."
        ),
    ),
    (
        "religion",
        (
            "The pope led prayers for peace at the Vatican, and church leaders met Muslim clerics to "
            "promote dialogue between faiths."
        ),
    ),
    (
        "weather",
        (
            "Forecasters warned of heavy rain and gale-force winds this weekend, with snow expected "
            "on high ground as temperatures fall below freezing."
        ),
    ),
    (
        "arts, culture, entertainment and media",
        (
            "The film won best picture at the Oscars, and its lead actress thanked the director and "
            "the rest of the cast."
        ),
    ),
    (
        "lifestyle and leisure",
        (
            "Chefs shared their favourite recipes for a summer barbecue, and gardening experts "
            "suggested plants for a relaxing weekend in the garden."
        ),
    ),
    (
        "society",
        (
            "Charities say poverty and homelessness are rising, and campaigners are calling for more "
            "help for disabled people and families on welfare."
        ),
    ),
    (
        "human interest",
        (
            "A dog that went missing three years ago has been reunited with its family, who "
            "celebrated the return of their beloved pet."
        ),
    ),
]

TRADE = (
    "Trade ministers meet in Geneva\n\n"
    "Trade ministers from twenty countries met in Geneva on Tuesday to discuss new tariffs on "
    "steel. The minister, Ana Ruiz, said the tariffs would hurt exporters in Brazil. "
    "\u201cWe cannot accept a trade war over steel,\u201d she told reporters. Officials said "
    "talks on farm subsidies would resume next month."
)


@pytest.fixture(scope="module")
def subject_docs(nlp: Language) -> list[Doc]:
    return list(nlp.pipe(text for _, text in SUBJECTS))


@pytest.fixture(scope="module")
def trade_doc(nlp: Language) -> Doc:
    return nlp(TRADE)


# --------------------------------------------------------------------------- taxonomy


def test_topics_taxonomy_has_the_iptc_top_level() -> None:
    taxonomy = load_topic_taxonomy()
    assert set(taxonomy.label_names) == IPTC_LABELS
    assert len(taxonomy.labels) == 17
    for label in taxonomy.labels:
        assert re.fullmatch(r"medtop:\d{8}", label.qcode)
        assert label.description
    assert len({label.qcode for label in taxonomy.labels}) == 17


def test_topics_taxonomy_loads_from_the_packaged_models_dir() -> None:
    folder = models_dir() / "en" / "topics"
    for name in (
        "taxonomy.jsonl",
        "terms.jsonl",
        "keyphrases.json",
        "classifier.json",
        "README.md",
    ):
        assert (folder / name).is_file(), name
    loader = spacy.registry.misc.get("claimx.topic_taxonomy.v1")
    taxonomy = loader(lang="en")
    assert isinstance(taxonomy, TopicTaxonomy)
    assert taxonomy.terms and taxonomy.case_terms and taxonomy.classifier is not None
    # every label the classifier can give is an IPTC label too
    assert {i for targets in taxonomy.classifier.targets for i in targets} <= set(range(17))
    assert loader(lang="en", classifier=False).classifier is None


def test_topics_every_label_has_terms() -> None:
    taxonomy = load_topic_taxonomy()
    covered = {s.label_index for senses in taxonomy.terms.values() for s in senses}
    assert covered == set(range(len(taxonomy.labels)))


def test_topics_unknown_label_in_terms_is_an_error(tmp_path: Path) -> None:
    source = models_dir() / "en" / "topics"
    for name in ("taxonomy.jsonl", "keyphrases.json"):
        (tmp_path / name).write_text((source / name).read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "terms.jsonl").write_text(
        '{"label": "politics and stuff", "weight": 1.0, "terms": ["vote"]}\n', encoding="utf-8"
    )
    with pytest.raises(ValueError, match="unknown label 'politics and stuff'"):
        _build(tmp_path)


# --------------------------------------------------------------------------- article topics


@pytest.mark.parametrize(
    ("index", "expected"), [(i, label) for i, (label, _) in enumerate(SUBJECTS)]
)
def test_topics_subject_table(subject_docs: list[Doc], index: int, expected: str) -> None:
    topics = subject_docs[index]._.topics
    assert topics, SUBJECTS[index][1]
    assert topics[0].label == expected, [(t.label, round(t.score, 2)) for t in topics]


def test_topics_labels_and_scores_are_valid(subject_docs: list[Doc]) -> None:
    for doc in subject_docs:
        topics = doc._.topics
        assert all(isinstance(t, Topic) and t.label in IPTC_LABELS for t in topics)
        assert all(0.0 <= t.score <= 1.0 for t in topics)
        assert [t.score for t in topics] == sorted((t.score for t in topics), reverse=True)
        assert len({t.label for t in topics}) == len(topics) <= 5


@pytest.mark.parametrize("text", ["", "   ", "Hello.", "\u201c\u201d", "1 2 3"])
def test_topics_text_without_subject(nlp: Language, text: str) -> None:
    doc = nlp(text)
    assert doc._.topics is not None and doc._.keyphrases is not None
    assert doc._.claimx_error is None


def test_topics_case_sensitive_terms(nlp: Language) -> None:
    party = nlp("Labour and the Conservatives clashed over the budget in the Commons.")
    assert party._.topics[0].label == "politics"
    work = nlp("Cheap labour and long hours in the mills drove workers to form a trade union.")
    assert work._.topics[0].label == "labour"


def test_topics_without_the_classifier(nlp: Language) -> None:
    tagger = TopicTagger(taxonomy=load_topic_taxonomy(classifier=False))
    with nlp.select_pipes(disable=["claimx_topics"]):
        doc = nlp(SUBJECTS[4][1])
    assert tagger(doc)._.topics[0].label == "sport"


# --------------------------------------------------------------------------- keyphrases


def test_topics_keyphrases_are_normalised_and_merged(trade_doc: Doc) -> None:
    phrases = [k.text for k in trade_doc._.keyphrases]
    assert "tariffs" in phrases  # "new tariffs", "the tariffs": one keyphrase, no determiner
    assert "steel" in phrases and "Geneva" in phrases
    assert len(phrases) == len({p.lower() for p in phrases})
    assert all(isinstance(k, Keyphrase) and 0.0 < k.score <= 1.0 for k in trade_doc._.keyphrases)
    assert trade_doc._.keyphrases[0].score == 1.0
    assert not {"officials", "reporters", "month", "the tariffs"} & set(phrases)


def test_topics_keyphrase_variants_merge(nlp: Language) -> None:
    doc = nlp(
        "Tensions rose in the South China Sea. Patrols in the South China sea doubled, "
        "and the South China Sea dispute dominated the summit."
    )
    phrases = [k.text for k in doc._.keyphrases]
    assert phrases[0] == "South China Sea"
    assert "South China sea" not in phrases and "South China" not in phrases


def test_topics_claims_get_topics_and_keyphrases_from_their_content(trade_doc: Doc) -> None:
    claims = trade_doc._.claims
    assert claims
    for claim in claims:
        assert claim.topics and all(t.label in IPTC_LABELS for t in claim.topics)
        assert all(0.0 <= t.score <= 1.0 for t in claim.topics)
        content = claim.content.text.lower()
        for phrase in claim.keyphrases:
            assert phrase.text.lower() in content, (phrase.text, claim.content.text)
    tariffs = next(c for c in claims if "tariffs would hurt" in c.content.text)
    assert {"tariffs", "exporters", "Brazil"} <= {k.text for k in tariffs.keyphrases}
    assert tariffs.topics[0].label == "economy, business and finance"


def test_topics_seed_style_article(nlp: Language) -> None:
    text = (
        "Defence chiefs hold talks amid tensions\n\n"
        "The defence ministers of two rival powers held rare talks on Tuesday amid tensions over "
        "tariffs, Taiwan and the South China Sea. The minister told his counterpart that his "
        "country did not seek conflict, and warned of military escalation in the South China Sea. "
        "Officials raised concerns about support for Russia's war in Ukraine."
    )
    doc = nlp(text)
    labels = [t.label for t in doc._.topics[:3]]
    assert "conflict, war and peace" in labels and "politics" in labels
    phrases = {k.text for k in doc._.keyphrases}
    assert {"South China Sea", "Taiwan", "tariffs", "Ukraine"} <= phrases


# --------------------------------------------------------------------------- output


def test_topics_article_output_is_valid(trade_doc: Doc, validate: Any) -> None:
    article = doc_to_article(trade_doc, "trade.txt")
    record = article.to_dict()
    validate(record)
    assert record["topics"] and record["keyphrases"]
    assert all(set(c) >= {"topics", "keyphrases"} for c in record["claims"])
    assert Article.from_dict(record).to_dict() == record


def test_topics_survive_doc_serialisation(trade_doc: Doc) -> None:
    # nlp.pipe(n_process>1) sends docs back with Doc.to_bytes (msgpack, not pickle)
    restored = Doc(trade_doc.vocab).from_bytes(trade_doc.to_bytes())
    assert list(restored._.topics) == list(trade_doc._.topics)
    assert list(restored._.keyphrases) == list(trade_doc._.keyphrases)
    assert [c.to_dict() for c in restored._.claims] == [c.to_dict() for c in trade_doc._.claims]


def test_topics_library_extract() -> None:
    article = claimx.extract(SUBJECTS[11][1])
    assert article.topics[0].label == "labour"
    assert any(k.text == "wages" for k in article.keyphrases)


# --------------------------------------------------------------------------- table and CLI


def test_topics_table_shows_article_topics_and_claim_keyphrases(trade_doc: Doc) -> None:
    import io

    from rich.console import Console

    from claimx.writers import render_table

    record = doc_to_article(trade_doc, "trade.txt").to_dict()
    out = io.StringIO()
    render_table([record], Console(file=out, width=160, no_color=True))
    table = out.getvalue()
    top = record["topics"][0]
    assert f"topics: {top['label']} {top['score']:.2f}" in table
    assert "tariffs · " in table or " · tariffs" in table


def test_topics_cli_topics_only(cli_nlp: Language, tmp_path: Path) -> None:
    import json

    from typer.testing import CliRunner

    from claimx.cli import app

    path = tmp_path / "trade.txt"
    path.write_text(TRADE, encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(
        app, ["extract", str(path), "--topics-only", "-f", "json"], catch_exceptions=False
    )
    assert result.exit_code == 0
    record = json.loads(result.stdout)
    assert set(record) == {"id", "topics"}
    labels = {t["label"] for t in record["topics"]}
    assert labels == {"politics", "economy, business and finance"}  # trade talks between ministers
    table = runner.invoke(app, ["extract", str(path), "--topics-only", "-f", "table"])
    assert table.exit_code == 0
    first = record["topics"][0]
    assert table.stdout.startswith(f"{path}: {first['label']} {first['score']:.2f}")
    bad = runner.invoke(app, ["extract", str(path), "--topics-only", "-f", "csv"])
    assert bad.exit_code == 2
