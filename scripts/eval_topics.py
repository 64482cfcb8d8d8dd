#!/usr/bin/env python
"""Topic accuracy of claimx on IPTC-labelled news, scored with the shared scorer.

    python scripts/eval_topics.py                       # the 'check' half of topics_dev.jsonl
    python scripts/eval_topics.py --split all           # every record
    python scripts/eval_topics.py --no-classifier       # hand-made terms only

Runs the claimx pipeline without the claim components (topics need only the parse) over
``../shared/eval/topics_dev.jsonl``, writes ``OUT/topics_pred.jsonl`` (``{"id", "topics":
[{"label", "score"}, ...]}`` per line; ids and labels only) and scores it with ``score_topics.py`` once per source
(``--source "BBC News"`` and ``--source "AG News"``), printing the scorer's tables and a summary.
The classifier is trained on the 'train' half (scripts/train_topic_classifier.py), so only
the 'check' half (the default) and the data held out by the maintainers measure it fairly.
Exits 1 if a figure is below ``--min-bbc-top1``, ``--min-bbc-top3`` or ``--min-ag-top1``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from topic_data import ROOT, SCORER, SPLITS, TOPICS_DEV, read_records, topic_pipeline

SOURCES = ("BBC News", "AG News")


def predict(
    gold: Path, split: str, out: Path, subset: Path, model: str | None, classifier: bool
) -> int:
    """Write the topics of every record of ``split`` to ``out`` and those records to ``subset``."""
    records = list(read_records(gold, split))
    nlp = topic_pipeline(model)
    if not classifier:
        nlp.replace_pipe(
            "claimx_topics",
            "claimx_topics",
            config={
                "taxonomy": {"@misc": "claimx.topic_taxonomy.v1", "lang": "en", "classifier": False}
            },
        )
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8") as pred, subset.open("w", encoding="utf-8") as gold_out:
        for record, doc in zip(records, nlp.pipe((r["text"] for r in records), batch_size=32)):
            topics = [t.to_dict() for t in doc._.topics or ()]
            pred.write(
                json.dumps({"id": record["id"], "topics": topics}, ensure_ascii=False) + "\n"
            )
            gold_out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return len(records)


def score(scorer: Path, gold: Path, pred: Path, source: str) -> dict[str, float]:
    args = [sys.executable, str(scorer), str(gold), str(pred), "--source", source]
    print(subprocess.run(args, check=True, capture_output=True, text=True).stdout)
    report = subprocess.run(args + ["--json"], check=True, capture_output=True, text=True).stdout
    return json.loads(report)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--gold", type=Path, default=TOPICS_DEV, help="topics JSONL (default: %(default)s)"
    )
    parser.add_argument(
        "--scorer", type=Path, default=SCORER, help="score_topics.py (default: %(default)s)"
    )
    parser.add_argument(
        "--split", choices=SPLITS, default="check", help="part of the gold file to run on"
    )
    parser.add_argument(
        "--out", type=Path, default=ROOT / "build" / "eval", help="output directory"
    )
    parser.add_argument("--model", default=None, help="base spaCy pipeline")
    parser.add_argument("--no-classifier", action="store_true", help="hand-made terms only")
    parser.add_argument("--min-bbc-top1", type=float, default=0.85)
    parser.add_argument("--min-bbc-top3", type=float, default=0.95)
    parser.add_argument("--min-ag-top1", type=float, default=0.75)
    args = parser.parse_args(argv)
    for path in (args.gold, args.scorer):
        if not path.is_file():
            print(f"eval_topics: error: {path}: no such file", file=sys.stderr)
            return 1
    pred = args.out / "topics_pred.jsonl"
    # the gold records of the split go to a temporary file: no article text is left behind
    with tempfile.TemporaryDirectory() as tmp:
        subset = Path(tmp) / "gold.jsonl"
        count = predict(args.gold, args.split, pred, subset, args.model, not args.no_classifier)
        print(f"eval_topics: {count} articles ({args.split}) -> {pred}", file=sys.stderr)
        results = {source: score(args.scorer, subset, pred, source) for source in SOURCES}
    bbc, ag = results["BBC News"], results["AG News"]
    figures = {
        "BBC News top-1": (bbc["top1_accuracy"], args.min_bbc_top1),
        "BBC News top-3": (bbc["topk_recall"], args.min_bbc_top3),
        "AG News top-1": (ag["top1_accuracy"], args.min_ag_top1),
        "AG News top-3": (ag["topk_recall"], 0.0),
    }
    failed = False
    for name, (value, target) in figures.items():
        ok = value >= target
        failed |= not ok
        goal = f"  (target >= {target:.2f}: {'ok' if ok else 'BELOW'})" if target else ""
        print(f"{name:16s} {value:.3f}{goal}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
