"""Build a test corpus: a folder of articles made from the paragraphs of samples/, plus bad files.

    python scripts/make_corpus.py /tmp/corpus                 # 990 good + 10 bad = 1,000 files
    python scripts/make_corpus.py /tmp/corpus --articles 200 --seed 7

Each good article is a new combination of the samples' paragraphs (a lead, then
three to seven paragraphs drawn from all four samples), written as .txt (some in
Windows-1252), .md, .html (a whole page with navigation, scripts, a sidebar,
comments and a footer around the article), .htm or .json, spread over ten
section folders. The ten bad files each give one error record: two binary, two
empty, one JSONL line that is not UTF-8, two HTML pages with no article text,
two broken JSON files and one of control characters. Hidden files and a file of
another type sit among them; claimx must skip those. The same seed gives the
same corpus, byte for byte.
"""

from __future__ import annotations

import argparse
import html
import json
import random
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
SECTIONS = 10

PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title} | The Riverside Ledger</title>
<style>body {{ font-family: Georgia, serif }} .nav a {{ color: #333 }}</style>
<script>window.dataLayer = [{{page: "{slug}", note: "analytics said hello"}}];</script>
</head><body>
<div class="cookie-banner">We use cookies, our lawyers said. <button>Accept</button></div>
<header class="masthead"><a href="/">The Riverside Ledger</a>
<nav class="nav"><a href="/news">News</a> <a href="/city">City</a>
<a href="/subscribe">Subscribe, readers said</a></nav>
</header>
<main><article>
<h1>{title}</h1>
{paragraphs}
</article>
<aside class="most-read"><h2>Most read</h2>
<ul><li><a href="/x">Police said the parade route is closed</a></li></ul></aside>
</main>
<section id="comments"><div class="comment"><p>Reader{n} said: first!</p></div></section>
<footer><p>&copy; 2026 The Riverside Ledger. Tips? The newsroom said to write in.</p></footer>
</body></html>
"""

BAD_FILES: dict[str, bytes] = {
    "scan.txt": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4,
    "archive.html": b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bytes(range(256)) * 4,
    "empty.txt": b"",
    "blank.md": b"   \n\t\n  \n",
    "legacy.jsonl": json.dumps(
        {"text": "The caf\u00e9 owner said it was open."}, ensure_ascii=False
    ).encode("cp1252"),
    "furniture-only.html": b"<html><head><script>track()</script></head><body>"
    b"<nav><a href='/'>Home</a></nav><footer>&copy; 2026</footer></body></html>",
    "cut-off.htm": b"<!DOCTYPE html><html><head><title>Breaking</title><script>var a = '",
    "truncated.json": b'{"text": "The mayor said the bridge would',
    "headline-only.json": b'{"title": "Council delays vote", "source": "wire"}\n',
    "controls.md": bytes(range(1, 9)) * 64,
}


def sample_paragraphs() -> list[list[str]]:
    found = []
    for path in sorted(SAMPLES.glob("*.txt")):
        paragraphs = [
            p.strip() for p in path.read_text(encoding="utf-8").split("\n\n") if p.strip()
        ]
        if paragraphs:
            found.append(paragraphs)
    if not found:
        raise SystemExit(f"make_corpus: no samples in {SAMPLES}")
    return found


def compose(rng: random.Random, samples: list[list[str]]) -> list[str]:
    """A lead from one sample, then paragraphs from any sample, none twice."""
    lead_from = rng.choice(samples)
    pool = [p for sample in samples for p in sample[1:]]
    body = rng.sample(pool, k=min(len(pool), rng.randint(3, 7)))
    return [lead_from[0], *body]


def write_article(path_stem: Path, index: int, paragraphs: list[str], rng: random.Random) -> Path:
    kind = index % 10
    text = "\n\n".join(paragraphs) + "\n"
    if kind <= 5:
        path = path_stem.with_suffix(".txt")
        try:
            # now and then a file from an older system: claimx decodes it and says so
            data = text.encode("cp1252") if index % 97 == 0 else text.encode("utf-8")
        except UnicodeEncodeError:
            data = text.encode("utf-8")
        path.write_bytes(data)
    elif kind == 6:
        path = path_stem.with_suffix(".md")
        path.write_text(
            f"# {paragraphs[0]}\n\n" + "\n\n".join(paragraphs[1:]) + "\n", encoding="utf-8"
        )
    elif kind in (7, 9):
        path = path_stem.with_suffix(".html" if kind == 7 else ".htm")
        title = " ".join(paragraphs[0].split()[:9])
        body = "\n".join(f"<p>{html.escape(p, quote=False)}</p>" for p in paragraphs)
        page = PAGE.format(title=html.escape(title), slug=path.stem, paragraphs=body, n=index)
        path.write_text(page, encoding="utf-8")
    else:
        path = path_stem.with_suffix(".json")
        record = {"text": text, "source": "make_corpus", "seed_index": index}
        path.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def make_corpus(out: Path, articles: int, seed: int) -> tuple[int, int]:
    """Write the corpus into ``out`` (emptied first); returns (good files, bad files)."""
    if out.exists():
        shutil.rmtree(out)
    rng = random.Random(seed)
    samples = sample_paragraphs()
    sections = [out / f"section-{k:02}" for k in range(SECTIONS)]
    for folder in sections:
        folder.mkdir(parents=True)
    for index in range(articles):
        folder = sections[index % SECTIONS]
        write_article(folder / f"article-{index:05}", index, compose(rng, samples), rng)
    for number, (name, data) in enumerate(BAD_FILES.items()):
        (sections[number % SECTIONS] / f"bad-{name}").write_bytes(data)
    # what a walk must skip: hidden files and folders, and other file types
    (out / ".index.txt").write_text("not an article\n", encoding="utf-8")
    (out / ".drafts").mkdir()
    (out / ".drafts" / "draft.txt").write_text(
        "The editor said this is not ready.\n", encoding="utf-8"
    )
    (out / "section-00" / "layout.pdf").write_bytes(b"%PDF-1.4\n")
    return articles, len(BAD_FILES)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="folder to create (emptied if it exists)")
    parser.add_argument("--articles", type=int, default=990, help="good articles (990)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (0)")
    args = parser.parse_args(argv)
    good, bad = make_corpus(args.out, args.articles, args.seed)
    print(f"{args.out}: {good + bad:,} files ({good:,} articles, {bad} bad files)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
