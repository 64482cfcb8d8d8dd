"""The topic taxonomy claimx_topics reads: IPTC labels, the terms that signal them, keyphrase words.

All of it is data under ``models/<lang>/topics/`` (see the card ``models/en/topics/README.md``);
this module only parses it. ``claimx.topic_taxonomy.v1`` is the registered loader the
``claimx_topics`` factory uses by default.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from spacy.util import registry

from .assets import models_dir, read_jsonl


@dataclass(frozen=True)
class TopicLabel:
    """One top-level IPTC Media Topic."""

    qcode: str  # "medtop:15000000"
    label: str  # the IPTC label text, exactly: "sport"
    description: str


@dataclass(frozen=True)
class TermSense:
    """What one occurrence of a term says: evidence ``weight`` for the label at ``label_index``."""

    label_index: int
    weight: float
    pos: frozenset[str] | None = None  # coarse POS the term's last word must have; None: any


@dataclass(frozen=True)
class TopicClassifier:
    """A multinomial naive Bayes model over lower-case lemmas (see ``scripts/train_topic_classifier.py``).

    Each class stands for one or more IPTC labels: a class learned from a loosely mapped
    source label ("World": politics, conflict, crime or disaster) lists them all.
    """

    targets: tuple[tuple[int, ...], ...]  # per class: indices of the IPTC labels it stands for
    prior: np.ndarray  # (classes,) log prior
    rows: dict[str, int]  # word -> row of ``weights``
    weights: np.ndarray  # (words, classes) log P(word | class), centred per word

    def probabilities(self, rows: Sequence[int]) -> np.ndarray | None:
        """Class probabilities for a text given the rows of its distinct known words; None if none."""
        if not rows:
            return None
        scores = self.prior + self.weights[list(rows)].sum(axis=0)
        scores = np.exp(scores - scores.max())
        return np.asarray(scores / scores.sum())


@dataclass(frozen=True)
class TopicTaxonomy:
    """Labels, signal terms and keyphrase word lists for ``claimx_topics``.

    ``terms`` keys are tuples of lower-case words; ``case_terms`` keys keep their
    capitalisation and match only an exact spelling ("Labour" the party).
    """

    labels: tuple[TopicLabel, ...]
    terms: dict[tuple[str, ...], tuple[TermSense, ...]]
    case_terms: dict[tuple[str, ...], tuple[TermSense, ...]]
    entity_types: dict[
        str, tuple[TermSense, ...]
    ]  # NER label -> weak evidence ("MONEY" -> economy)
    generic_nouns: frozenset[str]  # never a keyphrase on their own: "official", "year"
    generic_modifiers: frozenset[str]  # dropped from the front of a keyphrase: "new", "other"
    keyphrase_entity_weights: dict[str, float]  # NER label -> weight of an entity as a keyphrase
    classifier: TopicClassifier | None = None

    @property
    def label_names(self) -> tuple[str, ...]:
        return tuple(t.label for t in self.labels)

    def index(self, label: str) -> int:
        return self.label_names.index(label)


def _build(folder: Path, classifier: bool = True) -> TopicTaxonomy:
    labels = tuple(
        TopicLabel(str(r["qcode"]), str(r["label"]), str(r.get("description", "")))
        for r in read_jsonl(folder / "taxonomy.jsonl")
    )
    index = {t.label: i for i, t in enumerate(labels)}
    terms: dict[tuple[str, ...], list[TermSense]] = {}
    case_terms: dict[tuple[str, ...], list[TermSense]] = {}
    entity_types: dict[str, list[TermSense]] = {}
    for number, rec in enumerate(read_jsonl(folder / "terms.jsonl"), 1):
        if rec["label"] not in index:
            raise ValueError(
                f"{folder / 'terms.jsonl'}: record {number}: unknown label {rec['label']!r}"
            )
        pos = frozenset(rec["pos"]) if rec.get("pos") else None
        sense = TermSense(index[rec["label"]], float(rec["weight"]), pos)
        for ent_type in rec.get("entity_types", ()):
            entity_types.setdefault(ent_type, []).append(sense)
        table = case_terms if rec.get("case") else terms
        for term in rec.get("terms", ()):
            words = tuple(term.split()) if rec.get("case") else tuple(term.lower().split())
            senses = table.setdefault(words, [])
            # a term listed twice for one label keeps its strongest weight
            senses[:] = [
                s for s in senses if s.label_index != sense.label_index or s.weight > sense.weight
            ]
            if not any(s.label_index == sense.label_index for s in senses):
                senses.append(sense)
    words = json.loads((folder / "keyphrases.json").read_text(encoding="utf8"))
    model = folder / "classifier.json"
    return TopicTaxonomy(
        labels=labels,
        terms={k: tuple(v) for k, v in terms.items()},
        case_terms={k: tuple(v) for k, v in case_terms.items()},
        entity_types={k: tuple(v) for k, v in entity_types.items()},
        generic_nouns=frozenset(w.lower() for w in words["generic_nouns"]),
        generic_modifiers=frozenset(w.lower() for w in words["generic_modifiers"]),
        keyphrase_entity_weights={k: float(v) for k, v in words["entity_weights"].items()},
        classifier=_classifier(model, index) if classifier and model.is_file() else None,
    )


def _classifier(path: Path, index: dict[str, int]) -> TopicClassifier:
    data = json.loads(path.read_text(encoding="utf8"))
    words = sorted(data["words"])
    return TopicClassifier(
        targets=tuple(tuple(index[label] for label in c["labels"]) for c in data["classes"]),
        prior=np.array(data["prior"], dtype=np.float64),
        rows={word: i for i, word in enumerate(words)},
        weights=np.array([data["words"][w] for w in words], dtype=np.float64).reshape(
            len(words), -1
        ),
    )


@lru_cache(maxsize=4)
def _load_topic_taxonomy(lang: str, classifier: bool) -> TopicTaxonomy:
    return _build(models_dir() / lang / "topics", classifier)


@registry.misc("claimx.topic_taxonomy.v1")
def load_topic_taxonomy(lang: str = "en", classifier: bool = True) -> TopicTaxonomy:
    """The topic taxonomy shipped in ``models/<lang>/topics/`` (cached: loaded once per process).

    ``classifier=False`` leaves out the trained model (``classifier.json``), so topics come from
    the hand-made terms alone; see the card for why one might.
    """
    return _load_topic_taxonomy(lang, classifier)
