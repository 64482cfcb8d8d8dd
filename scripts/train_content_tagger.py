"""Train the content tagger (models/en/content_tagger.bin + .json) on annotated news.

Every token of the training articles is an example with three labels: whether it
lies inside an annotated content span, whether it is the first word of one, and
whether it is the last. The input rows are those claimx builds at run time
(claimx.components.content_tagger.token_features: the base model's context vector,
part of speech, dependency, quotation, and the rules' candidates with their learned
cue precision), so the cue lexicon must be learned first (scripts/learn_cues.py).
The network is fitted with thinc's Adam on 90 % of the articles; the running average
of its weights at the epoch with the best token F1 on the other 10 % is kept. Seeded; a few minutes on a 2-core CPU.

    python scripts/train_content_tagger.py ../shared/eval/train.jsonl models/en \
        [--docs /tmp/train.spacy] [--limit N] [--epochs 12] [--seed 0]

The second argument is the folder the two files are written to. Never train on dev.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path
from typing import Any

import numpy
import spacy
from corpus import add_corpus_arguments, load_corpus, span_tokens
from spacy.tokens import Doc
from thinc.api import Adam, fix_random_seed

from claimx.assets import load_cue_lexicon
from claimx.components.attribution import Attributor, _DocIndex
from claimx.components.content_tagger import (
    CONTENT,
    END,
    OUTPUTS,
    START,
    ContentTagger,
    build_model,
    n_features,
    probe_vector,
    token_features,
)
from claimx.components.cues import CueFinder
from claimx.components.quotes import QuoteFinder

Example = tuple[numpy.ndarray, numpy.ndarray]  # token rows, labels (0/1 per OUTPUTS column)


def _gold_labels(doc: Doc, record: dict[str, Any]) -> numpy.ndarray:
    """Per token: inside an annotated content span (fragments respected), its first
    word, its last word (punctuation is neither)."""
    labels = numpy.zeros((len(doc), len(OUTPUTS)), dtype="f")
    for claim in record["claims"]:
        labels[span_tokens(doc, claim["content"]), CONTENT] = 1.0
        words = span_tokens(doc, claim["content"], words_only=True)
        if words:
            labels[words[0], START] = 1.0
            labels[words[-1], END] = 1.0
    return labels


def examples(records: list[dict[str, Any]], docs: list[Doc], nlp: spacy.Language) -> list[Example]:
    lexicon = load_cue_lexicon()
    quotes, cues, attributor = QuoteFinder(), CueFinder(lexicon), Attributor(lexicon)
    tok2vec = nlp.get_pipe("tok2vec") if "tok2vec" in nlp.pipe_names else None
    out = []
    for record, doc in zip(records, docs):
        if tok2vec is not None and (doc.tensor is None or doc.tensor.shape[0] != len(doc)):
            doc = tok2vec(doc)  # a DocBin keeps no context vectors
        doc = cues(quotes(doc))
        index = _DocIndex.build(doc)
        drafts = attributor.candidates(doc, index)
        out.append((token_features(doc, drafts, index.quote_of), _gold_labels(doc, record)))
    return out


def token_f1(model: Any, data: list[Example]) -> float:
    tp = fp = fn = 0
    for start in range(0, len(data), 16):
        batch = data[start : start + 16]
        for (_, labels), scores in zip(batch, model.predict([x for x, _ in batch])):
            guess, gold = scores[:, CONTENT] >= 0.5, labels[:, CONTENT] == 1
            tp += int((guess & gold).sum())
            fp += int((guess & ~gold).sum())
            fn += int((~guess & gold).sum())
    return 2 * tp / max(1, 2 * tp + fp + fn)


def fit(data: list[Example], args: argparse.Namespace, width: int, label: str) -> tuple[Any, float, int]:
    """A tagger fitted on 90 % of ``data``; the epoch best on the other 10 % is kept."""
    fix_random_seed(args.seed)  # each fit alike, however many fits came before
    articles = list(range(len(data)))
    random.Random(args.seed).shuffle(articles)
    held = set(articles[: max(1, len(articles) // 10)])
    fit_part = [data[a] for a in articles if a not in held]
    held_part = [data[a] for a in sorted(held)]
    model = build_model(n_features(width), width=args.width, depth=args.depth, window=args.window)
    model.initialize(X=[x for x, _ in fit_part[:8]], Y=[y for _, y in fit_part[:8]])
    optimizer = Adam(0.001)
    rng = random.Random(args.seed)
    best = (-1.0, 0, model.to_bytes())
    started = time.time()
    for epoch in range(1, args.epochs + 1):
        rng.shuffle(fit_part)
        for start in range(0, len(fit_part), args.batch):
            batch = fit_part[start : start + args.batch]
            guesses, backprop = model.begin_update([x for x, _ in batch])
            # sigmoid + cross-entropy: the gradient on the scores is guess - truth
            grads = [(g - y) / max(1, len(y)) for g, (_, y) in zip(guesses, batch)]
            backprop(grads)
            model.finish_update(optimizer)
        # the running average of the weights (as spaCy's own training does) is
        # steadier from epoch to epoch than the last step's weights
        with model.use_params(optimizer.averages):
            f1 = token_f1(model, held_part)
            print(f"{label} epoch {epoch}: held-out token F1 {f1:.4f} ({time.time() - started:.0f}s)", file=sys.stderr)
            if f1 > best[0]:
                best = (f1, epoch, model.to_bytes())
    model.from_bytes(best[2])
    return model, best[0], best[1]


def out_of_fold(data: list[Example], args: argparse.Namespace, width: int) -> dict[str, numpy.ndarray]:
    """Token probabilities for every article from a tagger that never saw it.

    The claim scorer learns how far to trust the tagger; on the tagger's own
    training articles it would learn to trust it too much.
    """
    folds = [list(range(k, len(data), args.folds)) for k in range(args.folds)]
    out: dict[str, numpy.ndarray] = {}
    for k, fold in enumerate(folds):
        inside = set(fold)
        model, _, _ = fit([d for a, d in enumerate(data) if a not in inside], args, width, f"fold {k + 1}/{args.folds}")
        for a in fold:
            (scores,) = model.predict([data[a][0]])
            out[str(a)] = numpy.asarray(scores, dtype="f")
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_corpus_arguments(ap)
    ap.add_argument("--epochs", type=int, default=12)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--width", type=int, default=48)
    ap.add_argument("--depth", type=int, default=3)
    ap.add_argument("--window", type=int, default=2)
    ap.add_argument("--batch", type=int, default=8, help="articles per update")
    ap.add_argument("--folds", type=int, default=2, help="folds for the out-of-fold probabilities")
    ap.add_argument(
        "--oof", type=Path, help="also write out-of-fold token probabilities here (.npz) for train_scorer.py"
    )
    args = ap.parse_args()
    started = time.time()
    fix_random_seed(args.seed)
    records, docs = load_corpus(args)
    nlp = spacy.load(args.model)
    data = examples(records, docs, nlp)
    width = data[0][0].shape[1] - n_features(0)
    if args.oof:
        numpy.savez_compressed(args.oof, **out_of_fold(data, args, width))
    model, best_f1, best_epoch = fit(data, args, width, "all")
    tagger = ContentTagger(
        model=model,
        tensor_width=width,
        meta={
            "width": args.width,
            "depth": args.depth,
            "window": args.window,
            "trained_on": args.corpus.name,
            "articles": len(records),
            "epochs": args.epochs,
            "best_epoch": best_epoch,
            "seed": args.seed,
            "held_out_token_f1": round(best_f1, 4),
            "outputs": list(OUTPUTS),
            "base_model": args.model,
            "probe": probe_vector(nlp),
        },
    )
    tagger.to_disk(args.output)
    print(
        f"{sum(len(y) for _, y in data)} tokens; best epoch {best_epoch} (held-out token F1 "
        f"{best_f1:.4f}) -> {args.output} in {time.time() - started:.0f}s",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
