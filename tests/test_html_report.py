"""The HTML view: escaping, overlapping spans, colours and contrast, the CLI, and a real browser."""

from __future__ import annotations

import json
import re
import shutil
import struct
import subprocess
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from conftest import SAMPLES
from helpers import claim_record, span
from rich.console import Console
from typer.testing import CliRunner

from claimx import html_report
from claimx.cli import app
from claimx.html_report import (
    BACKGROUNDS,
    KEY_COLOURS,
    MARKER_TEXT,
    TEXT_COLOURS,
    Mark,
    render_html,
    segments,
    speaker_colours,
)

CHROMIUM = Path("/usr/bin/chromium")
# Keep the browser off the network and away from any profile: the page must need neither.
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


# --------------------------------------------------------------------------- a small DOM


@dataclass
class Node:
    tag: str
    attrs: dict[str, str | None]
    children: list[Node | str] = field(default_factory=list)

    def iter(self) -> Iterator[Node]:
        yield self
        for child in self.children:
            if isinstance(child, Node):
                yield from child.iter()

    def text(self, skip: str | None = None) -> str:
        """Text content; ``skip`` leaves out subtrees with that class."""
        if skip and skip in self.classes:
            return ""
        return "".join(c if isinstance(c, str) else c.text(skip) for c in self.children)

    @property
    def classes(self) -> list[str]:
        return (self.attrs.get("class") or "").split()

    def find_all(self, tag: str | None = None, cls: str | None = None) -> list[Node]:
        return [
            n
            for n in self.iter()
            if (tag is None or n.tag == tag) and (cls is None or cls in n.classes)
        ]


class DomBuilder(HTMLParser):
    """A tree from HTML, plus every start tag with its raw attribute list."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.stack = [self.root]
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.script_bodies: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))
        node = Node(tag, dict(attrs))
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))
        self.stack[-1].children.append(Node(tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        if self.stack[-1].tag == "script":
            self.script_bodies.append(data)
        self.stack[-1].children.append(data)


def parse(page: str) -> DomBuilder:
    builder = DomBuilder()
    builder.feed(page)
    builder.close()
    return builder


# --------------------------------------------------------------------------- articles


def article(
    article_id: str, claims: list[dict[str, Any]], speakers: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    return {
        "schema_version": "1.0",
        "id": article_id,
        "claims": claims,
        "speakers": speakers or [],
        "topics": [],
    }


def speaker_entry(sid: str, name: str, **extra: Any) -> dict[str, Any]:
    return {
        "id": sid,
        "name": name,
        "type": "person",
        "title": None,
        "affiliation": None,
        "mentions": [],
        "claim_count": 1,
        **extra,
    }


# A cue of one claim ("said") sits inside the content of another, whose speaker
# is in turn inside a third claim's content: nesting and overlap both ways.
NESTED_TEXT = (
    "Ann Lee said that Bob Ray told her the plan was dead.\n\n"
    "Later, Bob Ray said he disagreed, and Ann Lee said nothing more.\n"
)
NESTED = article(
    "nested.txt",
    [
        claim_record(NESTED_TEXT, "Ann Lee", "said", "that Bob Ray told her the plan was dead", "s1"),
        claim_record(NESTED_TEXT, "Bob Ray", "told", "the plan was dead", "s2"),
        {
            **claim_record(NESTED_TEXT, "Ann Lee", "said", "nothing more", "s1"),
            "speaker": span(NESTED_TEXT, "Ann Lee", NESTED_TEXT.index("and Ann")),
            "cue": span(NESTED_TEXT, "said", NESTED_TEXT.index("and Ann"), lemma="say"),
        },
        {
            **claim_record(NESTED_TEXT, "Bob Ray", "said", "he disagreed", None, "Bob Ray"),
            "speaker": span(NESTED_TEXT, "Bob Ray", NESTED_TEXT.index("Later")),
            "cue": span(NESTED_TEXT, "said", NESTED_TEXT.index("Later"), lemma="say"),
        },
    ],
    [speaker_entry("s1", "Ann Lee", title="mayor"), speaker_entry("s2", "Bob Ray")],
)


def claim_parts(dom: Node, cid: str, role: str) -> list[Node]:
    return [
        n
        for n in dom.find_all("span", "hl")
        if role in n.classes and cid in (n.attrs.get("data-claims") or "").split()
    ]


def expected_pieces(claim: dict[str, Any], role: str) -> str:
    if role == "content":
        return "".join(f["text"] for f in claim["content"].get("fragments") or [claim["content"]])
    return str(claim[role]["text"]) if claim.get(role) else ""


# --------------------------------------------------------------------------- escaping


HOSTILE = "<script>alert(1)</script> \"><img src=x onerror=alert(2)> '><b onclick=x>"


def hostile_article() -> tuple[str, dict[str, Any]]:
    text = f"{HOSTILE} said the mayor. The mayor said “{HOSTILE}”.\n"
    claims = [
        claim_record(text, HOSTILE, "said", "the mayor", "s1", resolved=HOSTILE),
        {
            **claim_record(text, "The mayor", "said", f"“{HOSTILE}”", "s1", kind="direct"),
            "cue": span(text, "said", text.index("The mayor"), lemma="say"),
            "topics": [{"label": HOSTILE, "score": 0.5}],
        },
    ]
    speakers = [speaker_entry("s1", HOSTILE, title=HOSTILE, affiliation=HOSTILE)]
    record = article(HOSTILE, claims, speakers)
    record["topics"] = [{"label": HOSTILE, "score": 0.9}]
    record["keyphrases"] = [{"text": HOSTILE, "score": 1.0}]
    return text, record


def test_html_report_article_text_cannot_inject_markup() -> None:
    text, record = hostile_article()
    error = {"schema_version": "1.0", "id": HOSTILE, "error": HOSTILE}
    page = render_html([(text, record), ("", error)], title=HOSTILE)
    parsed = parse(page)
    scripts = [tag for tag, _ in parsed.tags if tag == "script"]
    assert scripts == ["script"]
    assert parsed.script_bodies == [html_report._SCRIPT]
    assert not [tag for tag, _ in parsed.tags if tag in ("img", "b", "iframe", "object")]
    for tag, attrs in parsed.tags:
        names = [name for name, _ in attrs]
        assert len(names) == len(set(names)), (tag, attrs)
        assert not [n for n in names if n.startswith("on") or n in ("src", "srcdoc", "style")]
    # the text is all there, as text
    body = parsed.root.find_all("div", "article-text")[0]
    assert body.text(skip="claim-ref") == text
    assert HOSTILE in parsed.root.find_all("title")[0].text()


def test_html_report_is_self_contained() -> None:
    page = render_html([(NESTED_TEXT, NESTED)])
    assert not re.search(r"https?://|//[a-z]|<link|@import|url\(", page, re.IGNORECASE)
    parsed = parse(page)
    (csp,) = [
        attrs.get("content") or ""
        for tag, attrs in ((t, dict(a)) for t, a in parsed.tags)
        if tag == "meta" and attrs.get("http-equiv") == "Content-Security-Policy"
    ]
    assert "default-src 'none'" in csp
    (style,) = parsed.root.find_all("style")
    assert html_report._csp_hash(style.text()) in csp
    assert html_report._csp_hash(html_report._SCRIPT) in csp


def test_html_report_rejects_text_the_offsets_do_not_index() -> None:
    with pytest.raises(ValueError, match="not the span's text"):
        render_html([(NESTED_TEXT.upper(), NESTED)])
    with pytest.raises(ValueError, match="outside the article text"):
        render_html([(NESTED_TEXT[:10], NESTED)])


# --------------------------------------------------------------------------- segments


@pytest.mark.parametrize(
    ("length", "marks", "expected"),
    [
        (10, [], [(0, 10, ())]),
        # a cue inside another claim's content: three pieces
        (
            20,
            [Mark(2, 18, 0, "content"), Mark(6, 10, 1, "cue")],
            [
                (0, 2, ()),
                (2, 6, ("0content",)),
                (6, 10, ("1cue", "0content")),
                (10, 18, ("0content",)),
                (18, 20, ()),
            ],
        ),
        # two contents overlapping without nesting
        (
            12,
            [Mark(0, 8, 0, "content"), Mark(4, 12, 1, "content")],
            [(0, 4, ("0content",)), (4, 8, ("1content", "0content")), (8, 12, ("1content",))],
        ),
        # one mention, the speaker of two claims; an empty span is ignored
        (
            6,
            [Mark(0, 3, 0, "speaker"), Mark(0, 3, 1, "speaker"), Mark(5, 5, 2, "cue")],
            [(0, 3, ("0speaker", "1speaker")), (3, 5, ()), (5, 6, ())],
        ),
    ],
)
def test_html_report_segments_split_at_every_boundary(
    length: int, marks: list[Mark], expected: list[tuple[int, int, tuple[str, ...]]]
) -> None:
    pieces = segments(length, marks)
    got = [(s, e, tuple(f"{m.claim}{m.role}" for m in cover)) for s, e, cover in pieces]
    assert got == expected


def test_html_report_overlapping_spans_render_each_part_once() -> None:
    parsed = parse(render_html([(NESTED_TEXT, NESTED)]))
    dom = parsed.root
    text_div = dom.find_all("div", "article-text")[0]
    assert text_div.text(skip="claim-ref") == NESTED_TEXT
    assert len(dom.find_all("p")) >= 2  # paragraphs kept
    for number, claim in enumerate(NESTED["claims"], start=1):
        cid = f"a1-c{number}"
        for role in ("content", "speaker", "cue"):
            got = "".join(n.text(skip="claim-ref") for n in claim_parts(dom, cid, role))
            assert got == expected_pieces(claim, role), (cid, role)
    # claim 2's cue "told" is inside claim 1's content: nested, not cut out of it
    (told,) = claim_parts(dom, "a1-c2", "cue")
    (outer,) = [n for n in claim_parts(dom, "a1-c1", "content") if told in list(n.iter())]
    assert "a1-c1" in (outer.attrs.get("data-claims") or "")


def test_html_report_interrupted_quote_highlights_fragments_only() -> None:
    text = "“We will win,” she said, “and soon.”"
    content = span(text, text)
    content["fragments"] = [span(text, "“We will win,”"), span(text, "“and soon.”")]
    claim = {**claim_record(text, "she", "said", text, None, "Jo Ng", kind="direct")}
    claim["content"] = content
    dom = parse(render_html([(text, article("q.txt", [claim]))])).root
    got = [n.text() for n in claim_parts(dom, "a1-c1", "content")]
    assert got == ["“We will win,”", "“and soon.”"]


# --------------------------------------------------------------------------- colours


def css_colours(page: str) -> dict[str, tuple[str, str]]:
    style = re.search(r"<style>(.*?)</style>", page, re.DOTALL)
    assert style
    return {
        m.group(1): (m.group(2), m.group(3))
        for m in re.finditer(
            r"\.(p\d+|pk) \{ --ink: (#[0-9a-f]{6}); --tint: (#[0-9a-f]{6}); \}", style.group(1)
        )
    }


def test_html_report_colours_match_between_legend_and_text() -> None:
    page = render_html([(NESTED_TEXT, NESTED)])
    dom = parse(page).root
    classes = css_colours(page)
    legend: dict[str, str] = {}  # claim id -> colour class of its speaker in the legend
    voices = dom.find_all("li", "voice")
    assert [v.attrs.get("data-speaker-id") for v in voices] == ["s1", "s2", None]
    for voice in voices:
        (colour,) = [c for c in voice.classes if re.fullmatch(r"p\d+", c)]
        for item in voice.find_all("ol")[0].find_all("li"):
            legend[str(item.attrs["data-claim"])] = colour
    assert len({legend[f"a1-c{n}"] for n in (1, 2, 4)}) == 3  # three speakers, three colours
    assert legend["a1-c1"] == legend["a1-c3"]  # Ann Lee, twice
    checked = 0
    for node in dom.find_all("span", "hl") + dom.find_all("a", "marker"):
        cid = (node.attrs.get("data-claims") or node.attrs.get("data-claim") or "").split()
        if not cid:
            continue  # the key
        (colour,) = [c for c in node.classes if re.fullmatch(r"p\d+", c)]
        assert colour == legend[cid[0]], node
        checked += 1
    assert checked > 10
    inks = [classes[f"p{i}"][0] for i in range(3)]
    assert len(set(inks)) == 3 and all(c in classes for c in legend.values())


def wcag_luminance(colour: str) -> float:
    def linear(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)


def contrast(a: str, b: str) -> float:
    high, low = sorted((wcag_luminance(a), wcag_luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_html_report_every_colour_pair_meets_wcag_aa() -> None:
    # an article with 40 speakers, to bring out every palette colour a page could use
    text = " ".join(f"Person{n} said yes{n}." for n in range(40))
    claims = [claim_record(text, f"Person{n} ", "said", f"yes{n}.", f"s{n}") for n in range(40)]
    for claim in claims:
        claim["speaker"] = span(text, claim["speaker"]["text"].strip())
    speakers = [speaker_entry(f"s{n}", f"Person{n}") for n in range(40)]
    claims = [{**c, "cue": span(text, "said", c["speaker"]["end"], lemma="say")} for c in claims]
    page = render_html([(text, article("many.txt", claims, speakers))])
    palette = css_colours(page)
    assert len(palette) == 41
    assert palette["pk"] == KEY_COLOURS
    assert [palette[f"p{i}"] for i in range(40)] == speaker_colours(40)
    inks = [ink for ink, _ in palette.values()]
    tints = [tint for _, tint in palette.values()]
    foregrounds = [*TEXT_COLOURS, *inks]
    backgrounds = [*BACKGROUNDS, *tints]
    worst = min(contrast(fg, bg) for fg in foregrounds for bg in backgrounds)
    assert worst >= 4.5
    assert min(contrast(MARKER_TEXT, ink) for ink in inks) >= 4.5  # claim numbers
    # no colour on the page escapes the check
    used = set(
        re.findall(r"#[0-9a-f]{6}\b", re.search(r"<style>(.*?)</style>", page, re.DOTALL)[1])
    )
    assert used <= {*foregrounds, *backgrounds, MARKER_TEXT, html_report.ERROR_RULE}
    assert len(set(inks[:10])) == 10  # the first ten speakers never share a colour


# --------------------------------------------------------------------------- page structure


def test_html_report_several_articles_get_a_contents_list() -> None:
    error = {"schema_version": "1.0", "id": "broken.bin", "error": "binary file, not text"}
    empty = article("empty.txt", [])
    page = render_html([(NESTED_TEXT, NESTED), ("", error), ("Nothing here.", empty)])
    dom = parse(page).root
    (nav,) = dom.find_all("nav")
    links = [(a.attrs["href"], a.text()) for a in nav.find_all("a")]
    assert links == [("#a1", "nested.txt"), ("#a2", "broken.bin"), ("#a3", "empty.txt")]
    articles = dom.find_all("article")
    assert [a.attrs["id"] for a in articles] == ["a1", "a2", "a3"]
    assert "binary file, not text" in articles[1].text()
    assert "No attributed claims found." in articles[2].text()
    assert len(dom.find_all("main")) == 1 and dom.find_all("h1")


def test_html_report_claims_are_keyboard_reachable_with_text_details() -> None:
    dom = parse(render_html([(NESTED_TEXT, NESTED)])).root
    markers = dom.find_all("a", "marker")
    ids = [m.attrs["id"] for m in markers if m.attrs.get("id")]
    assert ids == [f"a1-c{n}" for n in (1, 2, 4, 3)]  # in text order
    for marker in markers:
        if not marker.attrs.get("id"):
            continue  # the key's sample marker
        assert marker.attrs["href"] == f"#{marker.attrs['id']}-item"
        tip_id = marker.attrs["aria-describedby"]
        (tip,) = [n for n in dom.iter() if n.attrs.get("id") == tip_id]
        assert tip.attrs["role"] == "tooltip"
    (tip,) = [n for n in dom.iter() if n.attrs.get("id") == "a1-c1-tip"]
    details = tip.text()
    for expected in (
        "Speaker: Ann Lee",
        "Title: mayor",
        "Affiliation: —",
        "Cue: said",
        "Kind: indirect",
        "Confidence: 0.80",
        "Topics: —",
    ):
        assert expected in details


# --------------------------------------------------------------------------- command line


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.mark.usefixtures("cli_nlp")
def test_html_report_cli_writes_a_page(runner: CliRunner, tmp_path: Path) -> None:
    sample = str(SAMPLES / "trade_talks.txt")
    target = tmp_path / "page.html"
    result = runner.invoke(app, ["extract", sample, "-o", str(target)], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    page = target.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")  # chosen by the .html name
    text = (SAMPLES / "trade_talks.txt").read_text(encoding="utf-8")
    dom = parse(page).root
    assert dom.find_all("div", "article-text")[0].text(skip="claim-ref") == text
    piped = runner.invoke(app, ["extract", sample, "--format", "html"], catch_exceptions=False)
    assert piped.exit_code == 0 and piped.stdout == page


@pytest.mark.usefixtures("cli_nlp")
def test_html_report_cli_refuses_a_terminal(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(Console, "is_terminal", property(lambda self: True))
    result = runner.invoke(app, ["extract", str(SAMPLES / "trade_talks.txt"), "-f", "html"])
    assert result.exit_code == 2
    assert result.stdout == ""
    message = " ".join(re.sub(r"\x1b\[[0-9;]*m|[│╭╮╰╯─]", " ", result.stderr).split())
    assert "html is a whole web page: write it with -o FILE.html, or pipe it" in message


# --------------------------------------------------------------------------- a real browser


def chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    profile = tmp_path / "chromium-profile"
    profile.mkdir(exist_ok=True)
    return subprocess.run(
        [str(CHROMIUM), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )


def png_pixels_vary(path: Path) -> bool:
    """Whether a PNG is more than one flat colour (decoded just enough to tell)."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    idat = b""
    position = 8
    while position < len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        kind = data[position + 4 : position + 8]
        if kind == b"IDAT":
            idat += data[position + 8 : position + 8 + length]
        position += 12 + length
    return len(set(zlib.decompress(idat))) > 32


@pytest.mark.skipif(
    not CHROMIUM.exists() or shutil.which(str(CHROMIUM)) is None,
    reason="Chromium is not installed at /usr/bin/chromium (.ci/run installs Debian's package)",
)
@pytest.mark.usefixtures("cli_nlp")
def test_html_report_in_headless_chromium(runner: CliRunner, tmp_path: Path) -> None:
    sample = str(SAMPLES / "trade_talks.txt")
    target = tmp_path / "trade_talks.html"
    made = runner.invoke(app, ["extract", sample, "-f", "html", "-o", str(target)])
    assert made.exit_code == 0, made.stderr
    as_json = runner.invoke(app, ["extract", sample, "-f", "json"], catch_exceptions=False)
    record = json.loads(as_json.stdout)
    claims, speakers = record["claims"], record["speakers"]
    assert claims and speakers

    dumped = chromium(tmp_path, "--dump-dom", target.as_uri()).stdout
    parsed = parse(dumped)
    dom = parsed.root
    (root,) = dom.find_all("html")
    assert root.attrs.get("data-script") == "ready"  # the inline script ran under the CSP

    markers = [m for m in dom.find_all("a", "marker") if m.attrs.get("data-claim")]
    assert len(markers) == len(claims)
    for role in ("content", "speaker", "cue"):
        highlighted = {
            cid
            for node in dom.find_all("span", role)
            for cid in (node.attrs.get("data-claims") or "").split()
        }
        assert len(highlighted) == sum(1 for c in claims if expected_pieces(c, role)), role
    for number, claim in enumerate(claims, start=1):
        parts = claim_parts(dom, f"a1-c{number}", "content")
        got = "".join(n.text(skip="claim-ref") for n in parts)
        assert got == expected_pieces(claim, "content")

    listed = dom.find_all("li", "voice")
    named = [v for v in listed if v.attrs.get("data-speaker-id")]
    assert [v.attrs["data-speaker-id"] for v in named] == [s["id"] for s in speakers]
    for voice, speaker in zip(named, speakers):
        assert speaker["name"] in voice.text()
        own = [c for c in claims if c.get("speaker_id") == speaker["id"]]
        assert len(voice.find_all("ol")[0].find_all("li")) == len(own)
    assert sum(len(v.find_all("ol")[0].find_all("li")) for v in listed) == len(claims)

    screenshot = tmp_path / "page.png"
    chromium(tmp_path, f"--screenshot={screenshot}", "--window-size=1280,2000", target.as_uri())
    assert screenshot.exists() and screenshot.stat().st_size > 50_000
    width, height = struct.unpack(">II", screenshot.read_bytes()[16:24])
    assert (width, height) == (1280, 2000)
    assert png_pixels_vary(screenshot)
