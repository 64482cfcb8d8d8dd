"""A trained token tagger that says how likely each word is part of what someone said.

The rules propose candidate claims one cue at a time; the tagger looks at the whole
document at once. For every token it reads the base model's context vector
(``doc.tensor``), its part of speech and dependency label, whether it sits in a
quotation, and what the rules' candidates say about it (is it a cue, how reliable
are the candidates whose content holds it), and a small convolutional network
(thinc, the library spaCy's own models are built with) turns that into three
probabilities: that the word belongs to an annotated content span, that it is the
first word of one, and that it is the last. The claim scorer reads the first inside
and just outside each candidate's content: a candidate whose words the tagger
believes in is kept, one that cuts a believed span short or runs past it is not.
The boundary model (:mod:`claimx.components.boundaries`) reads all three at the
edges of the alternatives it weighs.

Weights: ``models/<lang>/content_tagger.bin`` with its settings in
``content_tagger.json``; trained by ``scripts/train_content_tagger.py``. The tagger
needs the context vectors of the base pipeline it was trained with (checked on a
probe sentence); without them claimx falls back to the rules.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy
from spacy.attrs import DEP, HEAD, IS_PUNCT, IS_QUOTE, POS, SENT_START
from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import registry
from thinc.api import Maxout, Model, Sigmoid, chain, expand_window, residual, use_ops, with_array
from threadpoolctl import ThreadpoolController

from ..assets import models_dir
from .frames import token_masks

if TYPE_CHECKING:  # pragma: no cover
    from .attribution import Draft

#: A sentence whose context vectors identify the base pipeline the tagger was trained on.
PROBE = "The minister said on Tuesday that the plan would go ahead."
TAGGER_WEIGHTS = "content_tagger.bin"
TAGGER_SETTINGS = "content_tagger.json"
#: Columns of :meth:`ContentTagger.probabilities`: inside a content span, its first word, its last.
CONTENT, START, END = 0, 1, 2
OUTPUTS = ("content", "start", "end")

UPOS = (
    "ADJ", "ADP", "ADV", "AUX", "CCONJ", "DET", "INTJ", "NOUN", "NUM", "PART",
    "PRON", "PROPN", "PUNCT", "SCONJ", "SYM", "VERB", "X",
)
DEPS = (
    "ROOT", "acl", "acomp", "advcl", "advmod", "agent", "amod", "appos", "attr", "aux",
    "auxpass", "case", "cc", "ccomp", "compound", "conj", "csubj", "dative", "dep", "det",
    "dobj", "expl", "intj", "mark", "meta", "neg", "nmod", "npadvmod", "nsubj", "nsubjpass",
    "nummod", "oprd", "parataxis", "pcomp", "pobj", "poss", "preconj", "predet", "prep",
    "prt", "punct", "quantmod", "relcl", "xcomp",
)
_POS_INDEX = {name: i for i, name in enumerate(UPOS)}
_DEP_INDEX = {name: i for i, name in enumerate(DEPS)}
# quote, quote mark, punctuation, line break, sentence start, cue head, cue prior,
# best prior of a candidate holding the token, number of candidates holding it,
# token left of its head
N_FLAGS = 10


def n_features(tensor_width: int) -> int:
    return tensor_width + N_FLAGS + len(UPOS) + len(DEPS) + 1


def token_features(doc: Doc, drafts: Sequence[Draft], quote_of: Sequence[int]) -> numpy.ndarray:
    """One row per token: context vector, flags, candidate evidence, POS and dependency."""
    n = len(doc)
    width = doc.tensor.shape[1] if doc.tensor is not None and doc.tensor.ndim == 2 else 0
    # one array read instead of a Python loop over tokens: this runs on every article
    attrs = doc.to_array([POS, DEP, IS_QUOTE, IS_PUNCT, SENT_START, HEAD])  # uint64
    strings = doc.vocab.strings
    pos_ids = _column_ids(attrs[:, 0], strings, _POS_INDEX, _POS_INDEX["X"])
    dep_ids = _column_ids(attrs[:, 1], strings, _DEP_INDEX, len(DEPS))
    flags = numpy.zeros((n, N_FLAGS), dtype="f")
    flags[:, 0] = numpy.asarray(quote_of) >= 0
    flags[:, 1] = attrs[:, 2]
    flags[:, 2] = attrs[:, 3]
    flags[:, 3] = token_masks(doc)[1]
    flags[:, 4] = attrs[:, 4].astype("int64") == 1
    flags[:, 9] = attrs[:, 5].astype("int64") > 0  # HEAD is relative: the head lies to the right
    pos = numpy.zeros((n, len(UPOS)), dtype="f")
    pos[numpy.arange(n), pos_ids] = 1.0
    dep = numpy.zeros((n, len(DEPS) + 1), dtype="f")
    dep[numpy.arange(n), dep_ids] = 1.0
    for draft in drafts:
        flags[draft.cue_head, 5] = 1.0
        flags[draft.cue_head, 6] = max(flags[draft.cue_head, 6], draft.prior)
        if draft.content:
            index = numpy.asarray(draft.content)
            flags[index, 7] = numpy.maximum(flags[index, 7], draft.prior)
            flags[index, 8] += 1.0 / 3.0
    flags[:, 8] = numpy.minimum(flags[:, 8], 1.0)
    parts = [doc.tensor.astype("f")] if width else []
    return numpy.hstack(parts + [flags, pos, dep])


def _column_ids(
    hashes: numpy.ndarray, strings: Any, index: dict[str, int], default: int
) -> numpy.ndarray:
    """Map a column of string hashes (POS, DEP) to row positions in a one-hot block."""
    table = {h: index.get(strings[h] if h else "", default) for h in set(hashes.tolist())}
    return numpy.fromiter((table[h] for h in hashes.tolist()), dtype="int64", count=len(hashes))


def build_model(n_in: int, width: int = 64, depth: int = 4, window: int = 2) -> Model:
    """Maxout CNN over the token rows, as in spaCy's own tok2vec encoder, then one
    sigmoid per output (:data:`OUTPUTS`: a first word is also inside)."""
    layers = [Maxout(width, n_in, nP=2, normalize=True)]
    for _ in range(depth):
        layers.append(
            residual(chain(expand_window(window), Maxout(width, width * (2 * window + 1), nP=2, normalize=True)))
        )
    layers.append(Sigmoid(len(OUTPUTS), width))
    return with_array(chain(*layers), pad=depth * window)


def probe_vector(nlp: Language) -> list[float] | None:
    """The base pipeline's mean context vector over :data:`PROBE` (None without a tok2vec)."""
    if "tok2vec" not in nlp.pipe_names:
        return None
    doc = nlp.get_pipe("tok2vec")(nlp.make_doc(PROBE))
    if doc.tensor is None or doc.tensor.ndim != 2 or doc.tensor.shape[0] != len(doc):
        return None
    return [round(float(v), 4) for v in doc.tensor.mean(axis=0)]


@dataclass(frozen=True)
class ContentTagger:
    """The trained network and the context-vector width it expects."""

    model: Model
    tensor_width: int
    meta: dict[str, Any]

    def fits(self, nlp: Language) -> bool:
        """Whether ``nlp`` gives the context vectors the tagger was trained on.

        Two pipelines can share a vector width and mean different things, so the
        check is on the vectors of a fixed sentence, not on the width.
        """
        expected = self.meta.get("probe")
        found = probe_vector(nlp)
        if not isinstance(expected, list) or found is None or len(found) != len(expected):
            return False
        return bool(numpy.allclose(found, expected, atol=2e-3))

    def usable(self, doc: Doc) -> bool:
        tensor = doc.tensor
        return tensor is not None and tensor.ndim == 2 and tensor.shape == (len(doc), self.tensor_width)

    def probabilities(self, doc: Doc, drafts: Sequence[Draft], quote_of: Sequence[int]) -> numpy.ndarray:
        """For every token of ``doc`` (rows), P(content), P(first word), P(last word)
        (columns :data:`CONTENT`, :data:`START`, :data:`END`)."""
        if len(doc) == 0:
            return numpy.zeros((0, len(OUTPUTS)), dtype="f")
        rows = token_features(doc, drafts, quote_of)
        with _blas_threads().limit(limits=1, user_api="blas"):
            (scores,) = self.model.predict([self.model.ops.asarray2f(rows)])
        return numpy.asarray(scores, dtype="f")

    def to_disk(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / TAGGER_WEIGHTS).write_bytes(self.model.to_bytes())
        settings = {"tensor_width": self.tensor_width, **self.meta}
        (folder / TAGGER_SETTINGS).write_text(json.dumps(settings, indent=1) + "\n", encoding="utf8")

    @classmethod
    def from_disk(cls, folder: Path) -> ContentTagger | None:
        weights, settings_file = folder / TAGGER_WEIGHTS, folder / TAGGER_SETTINGS
        if not (weights.is_file() and settings_file.is_file()):
            return None
        settings = json.loads(settings_file.read_text(encoding="utf8"))
        width = int(settings["tensor_width"])
        # numpy's BLAS multiplies these small matrices about three times faster than
        # blis, thinc's default on CPU, even on one thread; training keeps blis, so the
        # weights do not change (nor, on dev, a single prediction)
        with use_ops("numpy", use_blis=False):
            model = build_model(
                n_features(width),
                width=int(settings.get("width", 64)),
                depth=int(settings.get("depth", 4)),
                window=int(settings.get("window", 2)),
            )
        model.initialize()
        model.from_bytes(weights.read_bytes())
        return cls(model=model, tensor_width=width, meta=settings)


@lru_cache(maxsize=1)
def _blas_threads() -> ThreadpoolController:
    """The BLAS libraries loaded in this process. claimx runs one process per core, so
    BLAS threads of its own would only fight the other processes for the cores (at 2
    processes, x1.55 instead of x1.9); one scan of the loaded libraries, then a
    limit per call."""
    return ThreadpoolController()


@lru_cache(maxsize=4)
def _load(folder: str) -> ContentTagger | None:
    return ContentTagger.from_disk(Path(folder))


@registry.misc("claimx.content_tagger.v1")
def load_content_tagger(lang: str = "en") -> ContentTagger | None:
    """The trained content tagger shipped in ``models/<lang>/`` (None if absent)."""
    return _load(str(models_dir() / lang))
