"""HTML pages: the article text comes out, page furniture does not; broken pages never crash."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import assert_offsets
from typer.testing import CliRunner

from claimx.cli import app
from claimx.errors import InputError
from claimx.htmltext import html_to_text
from claimx.io import Record, open_inputs, read_html_file

ARTICLE_PARAGRAPHS = [
    "Harbour bridge to reopen in May, mayor says",
    "The harbour bridge will reopen to traffic in May, Mayor Alicia Brandt said on Monday.",
    '"We would rather open it late than open it unsafe," Brandt told reporters at City Hall.',
    "According to the city engineer, the last load tests are scheduled for the end of April.",
]

# Every piece of furniture "says" something, so a leak would show up as a claim.
BOILERPLATE = {
    "script": "the tracking script said hello",
    "style": "font-family",
    "cookie": "The editors said you must accept cookies",
    "nav": "Subscribe today, readers said",
    "aside": "Police said the parade route is closed",
    "comments": "Reader99 said this is a disgrace",
    "footer": "the newsroom said to write in",
}

PAGE = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Bridge | The Ledger</title>
<style>body {{ font-family: serif }}</style>
<script>window.track = {{msg: "{BOILERPLATE["script"]}"}};</script>
</head><body>
<div class="cookie-banner">{BOILERPLATE["cookie"]}. <button>Accept</button></div>
<header><a href="/">The Ledger</a><nav><ul><li><a href="/news">News</a></li>
<li><a href="/subscribe">{BOILERPLATE["nav"]}</a></li></ul></nav></header>
<main><article>
<h1>{ARTICLE_PARAGRAPHS[0]}</h1>
<p>{ARTICLE_PARAGRAPHS[1]}</p>
<p>{ARTICLE_PARAGRAPHS[2].replace('"', "&quot;")}</p>
<p>{ARTICLE_PARAGRAPHS[3]}</p>
</article>
<aside class="related"><h2>Most read</h2>
<ul><li><a href="/b">{BOILERPLATE["aside"]}</a></li></ul></aside>
</main>
<section id="comments"><div class="comment"><p>{BOILERPLATE["comments"]}.</p></div></section>
<footer><p>(c) 2026 The Ledger. Contact: {BOILERPLATE["footer"]}.</p></footer>
</body></html>
"""


def test_htmltext_keeps_the_article_as_paragraphs() -> None:
    assert html_to_text(PAGE) == "\n\n".join(ARTICLE_PARAGRAPHS) + "\n"


@pytest.mark.parametrize("part", sorted(BOILERPLATE))
def test_htmltext_drops_boilerplate(part: str) -> None:
    text = html_to_text(PAGE)
    assert text is not None and BOILERPLATE[part] not in text


@pytest.mark.parametrize(
    ("markup", "expected"),
    [
        # cut off mid-tag, unclosed paragraphs
        (
            "<html><body><nav>Home</nav><article><p>The mayor said the bridge would reopen. "
            "<p>Crews told residents that power would be back by Friday</di",
            "The mayor said the bridge would reopen.\n\n"
            "Crews told residents that power would be back by Friday\n",
        ),
        # a fragment, and bare text saved as .html
        (
            "<p>The mayor said the bridge would reopen in May.</p>",
            "The mayor said the bridge would reopen in May.\n",
        ),
        ("The mayor said the bridge would reopen.", "The mayor said the bridge would reopen.\n"),
    ],
    ids=["truncated", "fragment", "bare-text"],
)
def test_htmltext_reads_broken_markup_as_far_as_it_goes(markup: str, expected: str) -> None:
    assert html_to_text(markup) == expected


@pytest.mark.parametrize(
    "markup",
    [
        "<html><head><script>var said = 'x';</script></head>"
        "<body><nav><a>Home</a></nav></body></html>",
        "<<<<>>>><div<<p>>",
        "<html><body></body></html>",
    ],
    ids=["furniture-only", "garbage", "empty-body"],
)
def test_htmltext_page_without_text_is_none(markup: str) -> None:
    assert html_to_text(markup) is None


def test_htmltext_file_gives_an_error_record_not_a_crash(tmp_path: Path) -> None:
    (tmp_path / "a.html").write_text(PAGE, encoding="utf-8")
    (tmp_path / "b.html").write_text("<html><head><script>x()</script>", encoding="utf-8")
    (tmp_path / "c.htm").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00" + bytes(range(256)))
    records = list(open_inputs([str(tmp_path)]).records)
    assert [(Path(r.id).name, r.error) for r in records] == [
        ("a.html", None),
        ("b.html", "no article text in this HTML (nothing left once markup and boilerplate go)"),
        ("c.htm", "binary file, not text"),
    ]
    assert records[0].text == html_to_text(PAGE)


def test_htmltext_cp1252_page_is_decoded_with_a_note(tmp_path: Path) -> None:
    path = tmp_path / "old.html"
    path.write_bytes("<p>The caf\u00e9 owner said \u201cwe are open\u201d.</p>".encode("cp1252"))
    text, note = read_html_file(path)
    assert text == "The caf\u00e9 owner said \u201cwe are open\u201d.\n"
    assert note == f"{path}: not UTF-8, decoded as cp1252"


def test_htmltext_limit_applies_to_the_text_not_the_markup(tmp_path: Path) -> None:
    path = tmp_path / "a.html"
    path.write_text(PAGE, encoding="utf-8")
    text, _ = read_html_file(path, max_chars=len(html_to_text(PAGE) or ""))  # the page is longer
    assert text.startswith(ARTICLE_PARAGRAPHS[0])
    with pytest.raises(InputError, match="too long"):
        read_html_file(path, max_chars=50)


def test_htmltext_single_html_file_is_one_article(tmp_path: Path) -> None:
    path = tmp_path / "a.html"
    path.write_text(PAGE, encoding="utf-8")
    source = open_inputs([str(path)])
    assert source.single
    assert list(source.records) == [Record(str(path), html_to_text(PAGE) or "")]


@pytest.mark.usefixtures("cli_nlp")
def test_htmltext_cli_claims_come_from_the_article_only(tmp_path: Path, validate: Any) -> None:
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "page.html").write_text(PAGE, encoding="utf-8")
    (tmp_path / "site" / "notes.txt").write_text("The editor said no.\n", encoding="utf-8")
    result = CliRunner().invoke(
        app,
        ["extract", str(tmp_path / "site"), "--glob", "*.html", "-f", "jsonl", "--include-text"],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.stderr
    (line,) = result.stdout.splitlines()
    record = json.loads(line)
    validate(record)
    assert record["id"] == str(tmp_path / "site" / "page.html")
    assert record["text"] == html_to_text(PAGE)
    assert_offsets(record, record["text"])
    said = " ".join(claim["content"]["text"] for claim in record["claims"])
    assert "open it late" in said
    for leak in BOILERPLATE.values():
        assert leak not in said
