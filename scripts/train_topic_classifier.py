#!/usr/bin/env python
"""Train the naive Bayes topic classifier that ``claimx_topics`` blends with its term lists.

    python scripts/train_topic_classifier.py                 # -> models/en/topics/classifier.json

Learns from the ``train`` half of ``../shared/eval/topics_dev.jsonl`` (see scripts/topic_data.py;
the ``check`` half stays out for validation). Each class is one gold label set: the five BBC
News classes and four AG News classes map onto five IPTC labels, plus AG News "World", whose
loose mapping (politics; conflict; crime; disaster) becomes a class of its own. Features are the
distinct lower-case lemmas of alphabetic non-stop-words (``classifier_words``), kept if they
occur in at least ``--min-df`` training articles. The output holds word statistics only, no text.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections import Counter
from pathlib import Path

from topic_data import ROOT, TOPICS_DEV, read_records, topic_pipeline

#: Words that name the news agency or dateline of a dataset rather than a subject.
SOURCE_WORDS = frozenset({"reuters", "ap", "afp", "bbc"})


def _dumps(model: dict[str, object]) -> str:
    """JSON with one word per line, so a diff of two trainings reads word by word."""
    lines = [
        json.dumps({k: v for k, v in model.items() if k != "words"}, ensure_ascii=False)[:-1]
        + ', "words": {'
    ]
    words = model["words"]
    assert isinstance(words, dict)
    items = [f"  {json.dumps(w, ensure_ascii=False)}: {json.dumps(v)}" for w, v in words.items()]
    return "\n".join(lines) + "\n" + ",\n".join(items) + "\n}}\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--gold", type=Path, default=TOPICS_DEV)
    parser.add_argument(
        "--out", type=Path, default=ROOT / "models" / "en" / "topics" / "classifier.json"
    )
    parser.add_argument(
        "--min-df", type=int, default=3, help="fewest training articles a word occurs in"
    )
    parser.add_argument("--alpha", type=float, default=0.5, help="additive smoothing")
    parser.add_argument("--model", default=None, help="base spaCy pipeline")
    args = parser.parse_args(argv)

    from claimx.components.topics import classifier_words

    records = list(read_records(args.gold, "train"))
    if not records:
        print(f"train_topic_classifier: error: no training records in {args.gold}", file=sys.stderr)
        return 1
    nlp = topic_pipeline(args.model)
    nlp.disable_pipes("claimx_topics")
    doc_freq: dict[tuple[str, ...], Counter[str]] = {}
    docs_per_class: Counter[tuple[str, ...]] = Counter()
    for record, doc in zip(records, nlp.pipe((r["text"] for r in records), batch_size=32)):
        labels = tuple(record["topics"])
        docs_per_class[labels] += 1
        doc_freq.setdefault(labels, Counter()).update(classifier_words(doc) - SOURCE_WORDS)
    classes = sorted(docs_per_class, key=lambda c: (len(c), c))
    total_df: Counter[str] = Counter()
    for counts in doc_freq.values():
        total_df.update(counts)
    vocab = sorted(w for w, n in total_df.items() if n >= args.min_df)
    mass = {c: sum(doc_freq[c][w] for w in vocab) for c in classes}
    words = {}
    for word in vocab:
        logp = [
            math.log((doc_freq[c][word] + args.alpha) / (mass[c] + args.alpha * len(vocab)))
            for c in classes
        ]
        mean = sum(logp) / len(logp)  # centred: a word's mean adds the same to every class
        words[word] = [round(x - mean, 4) for x in logp]
    n_docs = sum(docs_per_class.values())
    out = {
        "//": (
            "Multinomial naive Bayes over distinct lower-case lemmas, trained by "
            "scripts/train_topic_classifier.py on the 'train' half of topics_dev.jsonl "
            f"({n_docs} articles: BBC News and AG News; see README.md for provenance and licence). "
            "weights: log P(word | class), centred per word."
        ),
        "classes": [{"labels": list(c), "articles": docs_per_class[c]} for c in classes],
        "prior": [round(math.log(docs_per_class[c] / n_docs), 4) for c in classes],
        "min_df": args.min_df,
        "alpha": args.alpha,
        "words": words,
    }
    args.out.write_text(_dumps(out), encoding="utf-8")
    print(
        f"{args.out}: {len(classes)} classes, {len(words)} words, from {n_docs} articles",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
