"""Train the claim candidate scorer (models/en/claim_scorer.json) on annotated news.

Every candidate the rules build on the training articles becomes one example:
positive when an annotated claim has a cue at the candidate's cue word and a
content matching the candidate's (token Jaccard >= 0.5, the partial-match rule
of the evaluation). A logistic regression (L2, Adagrad, seeded) is fitted on all
articles; its acceptance threshold is the one that maximises claim F1 over every
article scored by a model fitted without it (5-fold cross-validation over the
articles: a single held-out tenth gave thresholds that moved by up to 0.04 between
retrainings).

    python scripts/train_scorer.py ../shared/eval/train.jsonl models/en/claim_scorer.json \
        [--docs /tmp/train.spacy] [--limit N] [--epochs 12] [--seed 0] [--folds 5]

The corpus is parsed with the base model unless ``--docs`` gives a DocBin of the
same texts in the same order (scripts/parse_corpus.py). Never train on dev.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
from corpus import add_corpus_arguments, load_corpus, span_tokens
from spacy.tokens import Doc

from claimx.assets import load_cue_lexicon
from claimx.components.attribution import TAGGED_SLOT, Attributor, _DocIndex
from claimx.components.cues import CueFinder
from claimx.components.quotes import QuoteFinder
from claimx.components.scoring import ClaimScorer

Example = tuple[list[tuple[str, float]], int, int, int]  # features, label, article, gold id


def examples(
    records: list[dict[str, Any]],
    docs: Iterable[Doc],
    tagger_probs: dict[str, np.ndarray] | None = None,
) -> tuple[list[Example], int]:
    """Candidates with labels, and the number of annotated claims.

    ``tagger_probs``: out-of-fold content-tagger probabilities per article number
    (scripts/train_content_tagger.py --oof), to train a scorer that reads the tagger.
    """
    lexicon = load_cue_lexicon()
    quotes, cues, attributor = QuoteFinder(), CueFinder(lexicon), Attributor(lexicon)
    out: list[Example] = []
    n_gold = 0
    gold_id = 0
    for article, (record, doc) in enumerate(zip(records, docs)):
        doc = cues(quotes(doc))
        index = _DocIndex.build(doc)
        gold = []
        for claim in record["claims"]:
            gold_id += 1
            # a cue may be punctuation (the colon of "Kasich: ..."); content is words
            cue = set(span_tokens(doc, claim.get("cue")))
            gold.append((gold_id, cue, set(span_tokens(doc, claim["content"], words_only=True))))
        n_gold += len(gold)
        beliefs = tagger_probs[str(article)] if tagger_probs is not None else None
        if beliefs is not None and len(beliefs) != len(doc):
            raise SystemExit(f"tagger probabilities of article {article} do not fit its tokens")
        for draft in attributor.candidates(doc, index, content_probs=beliefs):
            content = {i for i in draft.content if not (doc[i].is_punct or doc[i].is_space)}
            match = 0
            for gid, cue, gold_content in gold:
                union = content | gold_content
                # a tagged candidate's cue is the governing word, which annotators
                # may have drawn wider; what it adds is the content
                cue_ok = draft.cue_head in cue or draft.slot.startswith(TAGGED_SLOT)
                if cue_ok and union and len(content & gold_content) / len(union) >= 0.5:
                    match = gid
                    break
            out.append((attributor.features(doc, draft, index, beliefs), int(match > 0), article, match))
    return out, n_gold


def fit(
    data: list[Example], epochs: int, seed: int, l2: float = 1e-4, rate: float = 0.2
) -> ClaimScorer:
    """Logistic regression by Adagrad over sparse features (deterministic given the seed)."""
    names: dict[str, int] = {}
    rows = []
    for feats, label, _, _ in data:
        rows.append(([names.setdefault(n, len(names)) for n, _ in feats], [v for _, v in feats], label))
    w = np.zeros(len(names))
    g2 = np.full(len(names), 1e-8)
    bias, bias_g2 = 0.0, 1e-8
    order = list(range(len(rows)))
    rng = random.Random(seed)
    for _ in range(epochs):
        rng.shuffle(order)
        for k in order:
            idx, vals, label = rows[k]
            x = np.asarray(vals)
            z = bias + float(w[idx] @ x)
            p = 1.0 / (1.0 + np.exp(-max(min(z, 30.0), -30.0)))
            err = p - label
            grad = err * x + l2 * w[idx]
            g2[idx] += grad * grad
            w[idx] -= rate * grad / np.sqrt(g2[idx])
            bias_g2 += err * err
            bias -= rate * err / np.sqrt(bias_g2)
    weights = {n: round(float(w[i]), 5) for n, i in names.items() if abs(w[i]) >= 1e-4}
    return ClaimScorer(weights=weights, bias=round(bias, 5), threshold=0.5)


def held_out_scores(
    data: list[Example], records: list[dict[str, Any]], folds: int, epochs: int, seed: int
) -> tuple[list[tuple[float, int, int]], int]:
    """(probability, label, gold id) of every example from a model fitted without its
    article, by ``folds``-fold cross-validation over the articles; and the number of
    annotated claims of those articles."""
    articles = sorted({a for _, _, a, _ in data})
    random.Random(seed).shuffle(articles)
    scored: list[tuple[float, int, int]] = []
    for k in range(folds):
        held = set(articles[k::folds])
        scorer = fit([e for e in data if e[2] not in held], epochs, seed)
        scored += [(scorer.probability(f), label, gid) for f, label, a, gid in data if a in held]
    return scored, sum(len(records[a]["claims"]) for a in articles)


def best_threshold(scored: list[tuple[float, int, int]], n_gold: int) -> tuple[float, float]:
    """The threshold maximising claim F1 over held-out scores (a gold claim counts once)."""
    scored = sorted(scored, reverse=True)
    best = (0.0, 0.5)
    found: set[int] = set()
    predicted = 0
    for p, label, gid in scored:
        predicted += 1
        if label:
            found.add(gid)
        precision, recall = len(found) / predicted, len(found) / max(1, n_gold)
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        if f1 > best[0]:
            best = (f1, p)
    return round(best[1], 4), round(best[0], 4)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_corpus_arguments(ap)
    ap.add_argument("--epochs", type=int, default=12)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--folds", type=int, default=5, help="cross-validation folds for the threshold")
    ap.add_argument(
        "--tagger-probs",
        type=Path,
        help="out-of-fold content-tagger probabilities (.npz from train_content_tagger.py --oof)",
    )
    args = ap.parse_args()
    started = time.time()
    records, docs = load_corpus(args)
    tagger_probs = dict(np.load(args.tagger_probs)) if args.tagger_probs else None
    data, _ = examples(records, docs, tagger_probs)
    scored, n_gold = held_out_scores(data, records, args.folds, args.epochs, args.seed)
    threshold, held_f1 = best_threshold(scored, n_gold)
    final = fit(data, args.epochs, args.seed)
    scorer = ClaimScorer(
        weights=final.weights,
        bias=final.bias,
        threshold=threshold,
        needs_tagger=tagger_probs is not None,
        meta={
            "trained_on": args.corpus.name,
            "articles": len(records),
            "candidates": len(data),
            "positives": sum(label for _, label, _, _ in data),
            "epochs": args.epochs,
            "seed": args.seed,
            "threshold_folds": args.folds,
            "held_out_candidate_f1": held_f1,
        },
    )
    args.output.write_text(json.dumps(scorer.to_json(), indent=0, ensure_ascii=False) + "\n", encoding="utf8")
    print(
        f"{len(data)} candidates, {len(final.weights)} weights, threshold {threshold} "
        f"(held-out F1 {held_f1}) -> {args.output} in {time.time() - started:.0f}s",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
