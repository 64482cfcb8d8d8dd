"""Shared fixtures: the real pipeline (loaded once per session), cheap vocab-only
objects for rule tests, and helpers that check output records."""

from __future__ import annotations

import json
from collections.abc import Iterator
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest
import spacy
from jsonschema import Draft202012Validator
from spacy.language import Language
from spacy.vocab import Vocab

import claimx
from claimx import cli

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


@pytest.fixture(scope="session")
def rules_nlp() -> Language:
    """The pipeline without the trained scorer (``--no-trained``): rules and cue lexicon."""
    return claimx.load_pipeline(trained=False)


@pytest.fixture(scope="session")
def nlp() -> Language:
    """The default claimx pipeline, trained scorer included; loaded once per session."""
    return claimx.load_pipeline()


@pytest.fixture(scope="session")
def blank_nlp() -> Language:
    """A tokenizer-only English pipeline, for tests that need no parser."""
    return spacy.blank("en")


@pytest.fixture(scope="session")
def en_vocab(blank_nlp: Language) -> Vocab:
    """For hand-built docs: ``Doc(en_vocab, words=..., heads=..., deps=...)``."""
    return blank_nlp.vocab


@pytest.fixture(scope="session")
def article_schema() -> dict[str, Any]:
    """The JSON Schema shipped in the package (read as package data, as users would)."""
    return json.loads((files("claimx") / "article.schema.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def validate(article_schema: dict[str, Any]) -> Any:
    """``validate(record)`` raises unless the record matches the shipped JSON Schema."""
    Draft202012Validator.check_schema(article_schema)
    validator = Draft202012Validator(article_schema)

    def check(record: dict[str, Any]) -> None:
        validator.validate(record)

    return check


@pytest.fixture
def cli_nlp(nlp: Language, rules_nlp: Language, monkeypatch: pytest.MonkeyPatch) -> Language:
    """Make the CLI reuse the session pipelines when no other model is asked for."""
    real = cli.load_pipeline

    def load(model: str | None = None, trained: bool = True) -> Language:
        import os

        if model is None and not os.environ.get("CLAIMX_MODEL"):
            return nlp if trained else rules_nlp
        return real(model, trained=trained)

    monkeypatch.setattr(cli, "load_pipeline", load)
    return nlp


def iter_spans(record: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every span of an article record: claim parts, content fragments, speaker mentions."""
    for claim in record.get("claims", []):
        for key in ("speaker", "cue", "addressee", "content"):
            if claim.get(key):
                yield claim[key]
        yield from claim["content"].get("fragments", [])
    for speaker in record.get("speakers", []):
        yield from speaker.get("mentions", [])


def assert_offsets(record: dict[str, Any], text: str) -> None:
    """The output promise: ``text[start:end] == span["text"]`` for every span."""
    for span in iter_spans(record):
        assert 0 <= span["start"] <= span["end"] <= len(text), span
        assert text[span["start"] : span["end"]] == span["text"], span
