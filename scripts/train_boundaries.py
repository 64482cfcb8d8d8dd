"""Train the content boundary model (models/en/content_boundaries.json) on annotated news.

Every claim the trained scorer keeps on the training articles, and whose cue word
an annotated claim shares, gives one group of examples: the rules' content and
its alternatives (claimx.components.boundaries.content_variants), each positive
when it holds exactly the words of that annotated content. A conditional logit (a
softmax over each group's variants: the model learns to choose, not to judge
variants one by one; L2, Adagrad, seeded) is fitted on the groups that have a
positive; the margin by which an alternative must outscore the rules' content is
the one that gets the most contents exactly right over the articles scored by a
model fitted without them (5-fold cross-validation).

    python scripts/train_boundaries.py ../shared/eval/train.jsonl models/en/content_boundaries.json \
        --tagger-probs build/train/tagger_oof.npz [--docs build/train/train.spacy] \
        [--scorer models/en/claim_scorer.json] [--limit N] [--epochs 12] [--seed 0] [--folds 5]

Needs the cue lexicon, the claim scorer and the tagger's out-of-fold probabilities
(scripts/train.sh runs it last). Never train on dev.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
from corpus import add_corpus_arguments, load_corpus, span_tokens
from spacy.tokens import Doc

from claimx.assets import load_cue_lexicon, models_dir
from claimx.components.attribution import TAGGED_SLOT, Attributor, _DocIndex
from claimx.components.boundaries import (
    RULES,
    BoundaryModel,
    TokenTable,
    content_variants,
    variant_features,
)
from claimx.components.cues import CueFinder
from claimx.components.quotes import QuoteFinder
from claimx.components.scoring import ClaimScorer

Variant = tuple[str, list[tuple[str, float]], int]  # name, features, exactly right
Group = tuple[int, list[Variant]]  # article, the variants of one kept claim
MARGINS = (0.0, 0.25, 0.5, 1.0, 1.5, 2.0)


def _words(doc: Doc, tokens: list[int]) -> frozenset[int]:
    return frozenset(i for i in tokens if not (doc[i].is_punct or doc[i].is_space))


def groups(
    records: list[dict[str, Any]], docs: list[Doc], scorer: ClaimScorer, tagger_probs: dict[str, np.ndarray]
) -> list[Group]:
    """The variant groups of every kept claim whose cue an annotated claim shares."""
    lexicon = load_cue_lexicon()
    quotes, cues, attributor = QuoteFinder(), CueFinder(lexicon), Attributor(lexicon)
    out: list[Group] = []
    for article, (record, doc) in enumerate(zip(records, docs)):
        beliefs = tagger_probs[str(article)]
        if len(beliefs) != len(doc):
            raise SystemExit(f"tagger probabilities of article {article} do not fit its tokens")
        doc = cues(quotes(doc))
        index = _DocIndex.build(doc)
        table = TokenTable.of(doc, beliefs, index.masks)
        gold = [
            (set(span_tokens(doc, claim.get("cue"))), frozenset(span_tokens(doc, claim["content"], words_only=True)))
            for claim in record["claims"]
        ]
        for draft in attributor.candidates(doc, index, content_probs=beliefs):
            if scorer.probability(attributor.features(doc, draft, index, beliefs)) < scorer.threshold:
                continue
            tagged = draft.slot.startswith(TAGGED_SLOT)
            targets = [g for cue, g in gold if g and (draft.cue_head in cue or tagged)]
            if not targets or not draft.content:
                continue
            variants = content_variants(doc, draft, index, beliefs, table)
            rules = variants[RULES]
            out.append(
                (
                    article,
                    [
                        (
                            name,
                            variant_features(doc, draft, name, tokens, rules, index, beliefs, table),
                            int(_words(doc, tokens) in targets),
                        )
                        for name, tokens in variants.items()
                    ],
                )
            )
    return out


def fit_choice(
    data: list[Group], epochs: int, seed: int, l2: float = 1e-4, rate: float = 0.2
) -> BoundaryModel:
    """A softmax over each group's variants, fitted by Adagrad to put the probability
    on the exactly right ones (deterministic given the seed)."""
    names: dict[str, int] = {}
    groups = []
    for _, variants in data:
        if not any(label for _, _, label in variants):
            continue  # nothing to choose: every variant is wrong
        groups.append(
            [
                (
                    np.asarray([names.setdefault(n, len(names)) for n, _ in feats], dtype=np.int64),
                    np.asarray([v for _, v in feats]),
                    float(label),
                )
                for _, feats, label in variants
            ]
        )
    w = np.zeros(len(names))
    g2 = np.full(len(names), 1e-8)
    order = list(range(len(groups)))
    rng = random.Random(seed)
    for _ in range(epochs):
        rng.shuffle(order)
        for k in order:
            rows = groups[k]
            z = np.asarray([float(w[idx] @ x) for idx, x, _ in rows])
            p = np.exp(z - z.max())
            p /= p.sum()
            truth = np.asarray([label for _, _, label in rows])
            truth /= truth.sum()
            for (idx, x, _), guess, target in zip(rows, p, truth):
                grad = (guess - target) * x + l2 * w[idx]
                # a feature may repeat within a variant's list: add, do not overwrite
                np.add.at(g2, idx, grad * grad)
                np.subtract.at(w, idx, rate * grad / np.sqrt(g2[idx]))
    weights = {n: round(float(w[i]), 5) for n, i in names.items() if abs(w[i]) >= 1e-4}
    # a softmax over one group is blind to a bias: every variant would get it
    return BoundaryModel(weights=weights, bias=0.0, margin=0.0)


def exactly_right(model: BoundaryModel, data: list[Group], margin: float) -> int:
    """How many groups get an exactly right content when ``model`` chooses with ``margin``."""
    right = 0
    for _, variants in data:
        scores = [model.score(feats) for _, feats, _ in variants]
        rules = next(k for k, (name, _, _) in enumerate(variants) if name == RULES)
        others = [k for k in range(len(variants)) if k != rules]
        best = max(others, key=scores.__getitem__) if others else rules
        chosen = best if best != rules and scores[best] > scores[rules] + margin else rules
        right += variants[chosen][2]
    return right


def held_out_margin(data: list[Group], folds: int, epochs: int, seed: int) -> tuple[float, dict[float, int]]:
    """The margin with the most exactly right contents over articles held out in turn."""
    articles = sorted({a for a, _ in data})
    random.Random(seed).shuffle(articles)
    right = dict.fromkeys(MARGINS, 0)
    for k in range(folds):
        held = set(articles[k::folds])
        model = fit_choice([g for g in data if g[0] not in held], epochs, seed)
        part = [g for g in data if g[0] in held]
        for margin in MARGINS:
            right[margin] += exactly_right(model, part, margin)
    # ties go to the larger margin: the rules' content is the safer default
    best = max(MARGINS, key=lambda m: (right[m], m))
    return best, right


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_corpus_arguments(ap)
    ap.add_argument(
        "--tagger-probs",
        type=Path,
        required=True,
        help="out-of-fold content-tagger probabilities (.npz from train_content_tagger.py --oof)",
    )
    ap.add_argument("--scorer", type=Path, default=models_dir() / "en" / "claim_scorer.json")
    ap.add_argument("--epochs", type=int, default=12)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--folds", type=int, default=5, help="cross-validation folds for the margin")
    args = ap.parse_args()
    started = time.time()
    records, docs = load_corpus(args)
    scorer = ClaimScorer.from_json(json.loads(args.scorer.read_text(encoding="utf8")))
    data = groups(records, docs, scorer, dict(np.load(args.tagger_probs)))
    margin, right = held_out_margin(data, args.folds, args.epochs, args.seed)
    rules_right = sum(label for _, variants in data for name, _, label in variants if name == RULES)
    final = fit_choice(data, args.epochs, args.seed)
    model = BoundaryModel(
        weights=final.weights,
        bias=final.bias,
        margin=margin,
        meta={
            "trained_on": args.corpus.name,
            "articles": len(records),
            "claims": len(data),
            "epochs": args.epochs,
            "seed": args.seed,
            "margin_folds": args.folds,
            "held_out_exact": {"rules": rules_right, **{str(m): n for m, n in right.items()}},
        },
    )
    args.output.write_text(json.dumps(model.to_json(), indent=0, ensure_ascii=False) + "\n", encoding="utf8")
    print(
        f"{len(data)} kept claims, {len(final.weights)} weights, margin {margin}: held-out exact "
        f"{right[margin]} against {rules_right} for the rules -> {args.output} in {time.time() - started:.0f}s",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
