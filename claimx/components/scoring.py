"""A trained scorer for claim candidates: logistic regression over parse features.

The rules propose candidates (cue, slot, speaker, content); the learned frame
precision of the cue in its slot is a strong prior, but it cannot see who the
speaker is ("it carried threats" vs "she carried the message"), the verb form,
the length of the content or whether the cue is nested in another claim. The
scorer combines those features with the prior in one log-linear model trained
on annotated news (scripts/train_scorer.py); its output is the claim's
``confidence``, and candidates below its learned threshold are dropped.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy
from spacy.tokens import Doc
from spacy.util import registry

from ..assets import models_dir
from .content_tagger import CONTENT, END, START
from .frames import NOMINAL_SUBJECTS, token_masks
from .linear import Features, bucket, decode, encode, read_model, weighted_sum

if TYPE_CHECKING:  # pragma: no cover
    from .attribution import Draft

SCORER_FILE = "claim_scorer.json"


def _logit(p: float) -> float:
    p = min(max(p, 1e-4), 1 - 1e-4)
    return math.log(p / (1 - p))


def _length_bucket(n: int) -> str:
    for limit, name in ((2, "1-2"), (5, "3-5"), (15, "6-15"), (40, "16-40")):
        if n <= limit:
            return name
    return "41+"


def _speaker_class(doc: Doc, draft: Draft) -> tuple[str, str]:
    """Part of speech and (for pronouns) the word of the speaker's head.

    Deliberately not the entity type: the training news is about people, and a
    weight against places would silence governments ("Washington has warned").
    """
    if draft.speaker is None or len(draft.speaker) == 0:
        return "-", "-"
    root = draft.speaker.root
    word = root.lower_ if root.pos_ == "PRON" else "-"
    return root.pos_, word


def candidate_features(
    doc: Doc,
    draft: Draft,
    quoted_words: int,
    content_probs: numpy.ndarray | None = None,
    masks: tuple[numpy.ndarray, numpy.ndarray] | None = None,
    speaker_precision: float | None = None,
) -> list[tuple[str, float]]:
    """Sparse features of one candidate: (name, value) pairs.

    ``content_probs``: the content tagger's probabilities for every token of ``doc``
    (see :mod:`claimx.components.content_tagger`), when the scorer was trained with
    them: one row per token (content, first word, last word), or P(content) alone.
    ``masks``: :func:`token_masks` of ``doc``, computed once per document by callers
    that score many candidates. ``speaker_precision``: how likely the speaker's head
    noun is a source (:meth:`claimx.assets.CueLexicon.source_precision`), for a common
    noun.
    """
    words_of, breaks = masks if masks is not None else token_masks(doc)
    cue = doc[draft.cue_head]
    lemma = cue.lemma_.lower()
    base = draft.slot.split("+")[0]
    spk_pos, spk_word = _speaker_class(doc, draft)
    content = numpy.asarray(draft.content, dtype=numpy.int64)
    content_words = content[words_of[content]]
    words = len(content_words)
    kind = "direct" if quoted_words == words else "indirect" if quoted_words == 0 else "mixed"
    feats = [
        ("prior", _logit(draft.prior)),
        ("lemma=" + lemma, 1.0),
        ("slot=" + base, 1.0),
        ("slotfull=" + draft.slot, 1.0),
        ("quote=" + str("+q" in draft.slot), 1.0),
        ("nested=" + str("+n" in draft.slot), 1.0),
        ("tag=" + cue.tag_, 1.0),
        ("dep=" + cue.dep_, 1.0),
        ("spk_pos=" + spk_pos, 1.0),
        ("spk_word=" + spk_word, 1.0),
        ("len=" + _length_bucket(words), 1.0),
        ("kind=" + kind, 1.0),
        ("slot|spk=" + base + "|" + spk_pos, 1.0),
        ("slot|len=" + base + "|" + _length_bucket(words), 1.0),
        ("neg=" + str(any(c.dep_ == "neg" for c in cue.children)), 1.0),
        ("lemma|quote=" + lemma + "|" + str("+q" in draft.slot), 1.0),

        ("order=" + _order(draft), 1.0),
        ("clause=" + str(any(doc[i].dep_ in NOMINAL_SUBJECTS for i in draft.content)), 1.0),
        ("first_para=" + str(doc[draft.cue_head].sent.start == 0), 1.0),
        ("spk_len=" + _length_bucket(len(draft.speaker) if draft.speaker is not None else 0), 1.0),
    ]
    if speaker_precision is not None:
        feats += [
            ("spk_noun", _logit(speaker_precision)),
            ("spk_noun=" + bucket(speaker_precision), 1.0),
        ]
    noun = _reporting_object(doc, draft)
    if noun:
        # "raised concerns about" is speech where "raised money for" is not: the
        # light verb's object says which
        feats += [("object=" + noun, 1.0), ("lemma|object=" + lemma + "|" + noun, 1.0)]
    if content_probs is not None:
        beliefs = content_probs if content_probs.ndim == 2 else None
        probs = beliefs[:, CONTENT] if beliefs is not None else content_probs
        feats += _tagger_features(draft, content_words, probs, base, words_of, breaks)
        if beliefs is not None and len(content_words):
            feats += _edge_features(beliefs, content_words)
    return feats


def _edge_features(beliefs: numpy.ndarray, content_words: numpy.ndarray) -> list[tuple[str, float]]:
    """Whether the tagger sees a content begin at the candidate's first word and end at
    its last, and whether it sees one begin or end inside it instead."""
    first, last = int(content_words[0]), int(content_words[-1])
    start, end = float(beliefs[first, START]), float(beliefs[last, END])
    start_within = float(beliefs[content_words[1:], START].max()) if len(content_words) > 1 else 0.0
    end_within = float(beliefs[content_words[:-1], END].max()) if len(content_words) > 1 else 0.0
    return [
        ("tag_start", start),
        ("tag_end", end),
        ("tag_start_within", start_within),
        ("tag_end_within", end_within),
        ("tag_edges=" + bucket(min(start, end)), 1.0),
    ]


def _tagger_features(
    draft: Draft,
    content_words: numpy.ndarray,
    probs: numpy.ndarray,
    base: str,
    words_of: numpy.ndarray,
    breaks: numpy.ndarray,
) -> list[tuple[str, float]]:
    """How much the tagger believes the content, and whether it sees content go on past it."""
    if not len(content_words):
        return []
    inside = probs[content_words]
    belief = float(inside.mean())
    share = float((inside >= 0.5).mean())
    content = set(draft.content)
    edges = []
    for step, start in ((-1, draft.content[0] - 1), (1, draft.content[-1] + 1)):
        i, seen = start, 0
        while 0 <= i < len(words_of) and seen < 3 and not breaks[i]:
            if i not in content and words_of[i]:
                edges.append(i)
                seen += 1
            i += step
    beyond = float(probs[edges].mean()) if edges else 0.0
    return [
        ("tag_in", belief),
        ("tag_share", share),
        ("tag_beyond", beyond),
        ("tag_cue", float(probs[draft.cue_head])),
        ("tag_in=" + bucket(belief), 1.0),
        ("tag_beyond=" + bucket(beyond), 1.0),
        ("slot|tag_in=" + base + "|" + bucket(belief), 1.0),
    ]


def _reporting_object(doc: Doc, draft: Draft) -> str:
    """The lemma of the reporting noun a light verb takes ("raised concerns"), if any."""
    if not draft.slot.startswith("dobj:noun"):
        return ""
    for child in doc[draft.cue_head].children:
        if child.dep_ == "dobj":
            return child.lemma_.lower()
    return ""


def _order(draft: Draft) -> str:
    """Where the content lies relative to the cue."""
    if not draft.content:
        return "none"
    if draft.content[-1] < draft.cue_head:
        return "before"
    if draft.content[0] > draft.cue_head:
        return "after"
    return "around"


@dataclass(frozen=True)
class ClaimScorer:
    """Weights of the log-linear candidate model and the threshold it was tuned with."""

    weights: dict[str, float]
    bias: float
    threshold: float
    meta: dict[str, object] = field(default_factory=dict)
    #: trained with the content tagger's features, so only valid where the tagger runs
    needs_tagger: bool = False

    def probability(self, features: Features) -> float:
        z = weighted_sum(self.weights, self.bias, features)
        return 1.0 / (1.0 + math.exp(-max(min(z, 30.0), -30.0)))

    def to_json(self) -> dict[str, object]:
        return encode(
            self.weights, self.bias, self.meta, threshold=self.threshold, needs_tagger=self.needs_tagger
        )

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ClaimScorer:
        weights, bias, meta = decode(data)
        return cls(
            weights=weights,
            bias=bias,
            threshold=float(data["threshold"]),
            meta=meta,
            needs_tagger=bool(data.get("needs_tagger", False)),
        )


@registry.misc("claimx.claim_scorer.v1")
def load_claim_scorer(lang: str = "en") -> ClaimScorer | None:
    """The trained candidate scorer shipped in ``models/<lang>/`` (None if absent)."""
    return _load(str(models_dir() / lang / SCORER_FILE))


@lru_cache(maxsize=4)
def _load(path: str) -> ClaimScorer | None:
    data = read_model(path)
    return ClaimScorer.from_json(data) if data is not None else None
