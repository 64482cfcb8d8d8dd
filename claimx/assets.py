"""Locating and loading the data files under ``models/`` (lexicons, patterns)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any, Iterator

from spacy.util import registry


def models_dir() -> Path:
    """The ``models`` folder: inside the installed wheel, else the source checkout."""
    packaged = Path(str(files("claimx"))) / "models"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / "models"


def read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf8") as lines:
        for line in lines:
            if line.strip() and not line.lstrip().startswith("//"):
                yield json.loads(line)


SOURCE_SMOOTHING = 3.0  # pseudo-counts pulling a rare noun towards the rate over all nouns


@dataclass(frozen=True)
class CueEntry:
    """One reporting lemma and how reliably it introduces a claim."""

    lemma: str
    pos: str  # coarse part of speech the lemma is a cue as: VERB or NOUN
    precision: float  # share of its occurrences annotated as a cue in the training data
    count: int  # times annotated as a cue
    # content slot -> {"precision", "count"} of the candidates claimx builds in that slot
    frames: dict[str, dict[str, float]] = field(default_factory=dict)
    candidate_precision: float = 0.0  # precision over all candidates, for unseen slots


@dataclass(frozen=True)
class CueLexicon:
    """Reporting words (verbs, nouns, the headline colon) with their learned precision."""

    verbs: dict[str, CueEntry]
    nouns: dict[str, CueEntry]
    punctuation: dict[str, CueEntry]  # ":" of headline attributions ("Kasich: ...")
    slot_precision: dict[str, float] = field(default_factory=dict)  # over all lemmas
    overall_precision: float = 0.3
    # common noun -> (times it heads an annotated source, times it is a subject)
    source_nouns: dict[str, tuple[int, int]] = field(default_factory=dict)
    source_rate: float = 0.0  # over all common-noun subjects; 0 when not learned

    def source_precision(self, lemma: str) -> float | None:
        """How likely a common noun that is a subject is a source ("officials" yes,
        "the plan" no), smoothed towards the rate over all nouns; None if not learned."""
        if not self.source_rate:
            return None
        sources, subjects = self.source_nouns.get(lemma, (0, 0))
        return (sources + SOURCE_SMOOTHING * self.source_rate) / (subjects + SOURCE_SMOOTHING)

    def unseen_frame_precision(self, entry: CueEntry, slot: str) -> float:
        """Precision of a lemma in a slot it was never seen in: lemma and slot as independent."""
        slot_rate = self.slot_precision.get(slot, self.overall_precision)
        return min(0.99, entry.candidate_precision * slot_rate / max(self.overall_precision, 1e-6))


@lru_cache(maxsize=8)
def _load_cue_lexicon(lang: str) -> CueLexicon:
    folder = models_dir() / lang
    tables: dict[str, dict[str, CueEntry]] = {"VERB": {}, "NOUN": {}, "PUNCT": {}}
    for rec in read_jsonl(folder / "cues.jsonl"):
        entry = CueEntry(
            lemma=rec["lemma"],
            pos=rec["pos"],
            precision=float(rec["precision"]),
            count=int(rec["count"]),
            frames=dict(rec.get("frames", {})),
            candidate_precision=float(rec.get("candidate_precision", rec["precision"])),
        )
        tables[entry.pos][entry.lemma] = entry
    slots = json.loads((folder / "cue_slots.json").read_text(encoding="utf8"))
    nouns = slots.get("source_nouns", {})
    return CueLexicon(
        verbs=tables["VERB"],
        nouns=tables["NOUN"],
        punctuation=tables["PUNCT"],
        slot_precision={k: float(v) for k, v in slots["slots"].items()},
        overall_precision=float(slots["overall"]),
        source_nouns={k: (int(v[0]), int(v[1])) for k, v in nouns.get("nouns", {}).items()},
        source_rate=float(nouns.get("rate", 0.0)),
    )


@registry.misc("claimx.cue_lexicon.v1")
def load_cue_lexicon(lang: str = "en") -> CueLexicon:
    """The cue lexicon shipped in ``models/<lang>/`` (cached: loaded once per process)."""
    return _load_cue_lexicon(lang)
