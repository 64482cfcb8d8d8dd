"""The library: typed results, plain picklable values on doc._, model selection."""

from __future__ import annotations

import pickle

import pytest
from spacy.language import Language

import claimx
from claimx.errors import ModelError
from claimx.pipeline import MODEL_ENV, load_pipeline

TEXT = '"We will win," Mayor Jane Smith said. She told reporters that the budget was balanced.'


def test_pipeline_extract_returns_typed_objects(nlp: Language) -> None:
    article = claimx.extract(TEXT, nlp, article_id="a1")
    assert isinstance(article, claimx.Article) and article.id == "a1"
    assert all(isinstance(c, claimx.Claim) for c in article.claims)
    assert {c.kind for c in article.claims} == {claimx.ContentKind.DIRECT, claimx.ContentKind.INDIRECT}
    assert claimx.Article.from_dict(article.to_dict()) == article


def test_pipeline_doc_extensions_are_plain_and_picklable(nlp: Language) -> None:
    doc = nlp(TEXT)
    assert doc._.claims and doc._.speakers is not None
    restored = pickle.loads(pickle.dumps((doc._.claims, doc._.speakers)))
    assert restored == (doc._.claims, doc._.speakers)


def test_pipeline_multiprocess_gives_the_same_claims(nlp: Language) -> None:
    texts = [TEXT, "Police said the suspect was arrested.", "Nothing here."] * 2
    one = [tuple(d._.claims) for d in nlp.pipe(texts)]
    two = [tuple(d._.claims) for d in nlp.pipe(texts, n_process=2, batch_size=2)]
    assert one == two


def test_pipeline_missing_model_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(MODEL_ENV, raising=False)
    with pytest.raises(ModelError, match="pip install"):
        load_pipeline("no_such_pipeline_xyz")


def test_pipeline_model_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(MODEL_ENV, "no_such_pipeline_xyz")
    with pytest.raises(ModelError, match="no_such_pipeline_xyz"):
        load_pipeline()
