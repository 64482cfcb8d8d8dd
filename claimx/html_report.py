"""One self-contained HTML page of claims: each article's text with every claim highlighted.

The page needs the text the offsets index, so its writer takes ``(text, record)``
pairs, where ``record`` is the dict of ``Article.to_dict()`` (or an error record).
Like the other writers it needs no spaCy.

What the page promises:

- **Self-contained.** Inline CSS and a few lines of inline JavaScript; no fonts,
  images, scripts or requests from anywhere. A Content-Security-Policy with the
  hashes of the page's own style and script says so to the browser as well, so
  even a bug in escaping could not run anything else.
- **Escaped.** Every value from an article (text, ids, names, topics, errors) goes
  through :func:`html.escape`; nothing from an article reaches the CSS or script.
- **Overlaps.** Spans may nest or overlap (a cue inside another claim's content).
  The text is cut at every span boundary, and each piece is wrapped in one layer
  per role (content, then speaker, then cue) naming every claim that covers it.
- **Readable without colour.** Each claim has a numbered marker, reachable with
  Tab, whose tooltip gives the claim's details as text. Every colour pair used
  has a WCAG contrast ratio of at least 4.5 (see :func:`speaker_colours`).
"""

from __future__ import annotations

import base64
import colorsys
import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from html import escape
from itertools import pairwise
from string import Template
from typing import Any, TextIO

#: One article for the page: the text the offsets index, and its output record.
ArticleText = tuple[str, Mapping[str, Any]]

# Fixed colours of the page. Tests check every text/background pair against WCAG AA.
PAGE_BG = "#ffffff"
PANEL_BG = "#f4f4f1"
TEXT = "#1b1b1b"
MUTED = "#4a4a4a"
LINK = "#0a4f9e"
MARKER_TEXT = "#ffffff"  # claim numbers, on the speaker's ink colour
ERROR_RULE = "#b00020"  # a border only, never text

#: ``(ink, tint)`` of the key, which explains the styles without naming a speaker.
KEY_COLOURS = ("#474747", "#e5e5e5")

#: Foreground colours of text that may sit on any background of the page.
TEXT_COLOURS = (TEXT, MUTED, LINK)
#: Backgrounds that text may sit on, besides the speakers' tints.
BACKGROUNDS = (PAGE_BG, PANEL_BG)

# Hues (degrees) of the first ten speakers, far apart on the colour wheel; each
# further ten take the same hues turned by the next offset, between the first ones.
_BASE_HUES = (212, 28, 130, 285, 355, 175, 48, 320, 95, 250)
_HUE_OFFSETS = (0, 18, 9, 27)
# Inks (speaker text, marker backgrounds) are at most this luminance and tints
# (content backgrounds) at least this one, so any ink on any tint has a contrast
# of (0.78 + 0.05) / (0.12 + 0.05) = 4.9, and white on any ink 6.2.
_INK_MAX_LUMINANCE = 0.12
_TINT_MIN_LUMINANCE = 0.78

_EXCERPT_CHARS = 110
_ROLES = ("content", "speaker", "cue")  # outermost layer first
_PARAGRAPH_BREAK = re.compile(r"\n[^\S\n]*\n\s*")


# ----------------------------------------------------------------------------- colours


def relative_luminance(colour: str) -> float:
    """WCAG 2 relative luminance of a ``#rrggbb`` colour."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _hex(hue: float, lightness: float, saturation: float) -> str:
    r, g, b = colorsys.hls_to_rgb(hue / 360, lightness, saturation)
    return "#{:02x}{:02x}{:02x}".format(*(round(c * 255) for c in (r, g, b)))


def _fit_lightness(hue: float, saturation: float, ok: Any, low: float, high: float) -> str:
    """The colour of ``hue`` whose lightness is nearest ``high`` with ``ok(luminance)`` true.

    Luminance grows with lightness, so a bisection finds the boundary; ``low`` must
    satisfy ``ok``. Checked on the rounded hex value, which is what the page uses.
    """
    best = _hex(hue, low, saturation)
    for _ in range(32):
        mid = (low + high) / 2
        colour = _hex(hue, mid, saturation)
        if ok(relative_luminance(colour)):
            best, low = colour, mid
        else:
            high = mid
    return best


@cache
def _speaker_colour(index: int) -> tuple[str, str]:
    turn, position = divmod(index, len(_BASE_HUES))
    hue = float(_BASE_HUES[position] + _HUE_OFFSETS[turn % len(_HUE_OFFSETS)]) % 360
    ink = _fit_lightness(hue, 0.75, lambda lum: lum <= _INK_MAX_LUMINANCE, 0.0, 0.5)
    tint = _fit_lightness(hue, 0.85, lambda lum: lum >= _TINT_MIN_LUMINANCE, 1.0, 0.5)
    return ink, tint


def speaker_colours(count: int) -> list[tuple[str, str]]:
    """``(ink, tint)`` for the first ``count`` speakers of an article.

    The ink colours a speaker's mentions and claim numbers, the tint the content of
    their claims. The first ten hues are distinct at a glance; past that, colours
    come closer together, and the names in the legend and tooltips tell speakers apart.
    """
    return [_speaker_colour(i) for i in range(count)]


# ----------------------------------------------------------------------------- segments


@dataclass(frozen=True)
class Mark:
    """A highlighted character range: one role (content, speaker, cue) of one claim."""

    start: int
    end: int
    claim: int
    role: str


def segments(
    length: int, marks: Sequence[Mark], cuts: Iterable[int] = ()
) -> list[tuple[int, int, tuple[Mark, ...]]]:
    """Cut ``[0, length)`` at every mark boundary (and at ``cuts``).

    Returns ``(start, end, marks covering it)`` for each piece, in order, with the
    covering marks innermost (shortest) first.
    """
    points = {0, length, *(p for p in cuts if 0 <= p <= length)}
    for mark in marks:
        points.update((mark.start, mark.end))
    ordered = sorted(points)
    starting: dict[int, list[Mark]] = {}
    for mark in marks:
        if mark.start < mark.end:
            starting.setdefault(mark.start, []).append(mark)
    active: list[Mark] = []
    pieces: list[tuple[int, int, tuple[Mark, ...]]] = []
    for start, end in pairwise(ordered):
        active = [m for m in active if m.end > start] + starting.get(start, [])
        covering = sorted(active, key=lambda m: (m.end - m.start, -m.start, m.claim))
        pieces.append((start, end, tuple(covering)))
    return pieces


# ----------------------------------------------------------------------------- article model


@dataclass
class _Voice:
    """Someone the page lists: an entry of ``speakers``, or unresolved claims grouped by mention."""

    key: str
    name: str
    colour: int
    entry: Mapping[str, Any] | None = None
    claims: list[int] = field(default_factory=list)


@dataclass
class _Page:
    """One article, ready to render; ``aid`` prefixes every element id of it."""

    aid: str
    record: Mapping[str, Any]
    text: str
    claims: list[Mapping[str, Any]]
    voices: list[_Voice]
    voice_of: list[_Voice]  # per claim
    marks: list[Mark]
    anchors: list[int]  # per claim: where its number goes in the text

    def claim_id(self, index: int) -> str:
        return f"{self.aid}-c{index + 1}"


def _span(data: Any, text: str, where: str) -> tuple[int, int] | None:
    if not isinstance(data, Mapping):
        return None
    start, end = data.get("start"), data.get("end")
    if not isinstance(start, int) or not isinstance(end, int) or not 0 <= start <= end <= len(text):
        raise ValueError(f"{where}: offsets {start!r}-{end!r} are outside the article text")
    if "text" in data and text[start:end] != data["text"]:
        raise ValueError(
            f"{where}: the text at {start}-{end} is not the span's text; "
            "pass the text the offsets index"
        )
    return (start, end) if start < end else None


def _claim_marks(claim: Mapping[str, Any], index: int, text: str, where: str) -> list[Mark]:
    marks: list[Mark] = []
    content = claim.get("content")
    # an interrupted quote is highlighted piece by piece, not across its attribution
    pieces = (content or {}).get("fragments") or ([content] if content else [])
    for piece in pieces:
        span = _span(piece, text, where)
        if span:
            marks.append(Mark(span[0], span[1], index, "content"))
    for role in ("speaker", "cue"):
        span = _span(claim.get(role), text, where)
        if span:
            marks.append(Mark(span[0], span[1], index, role))
    return marks


def _voices(
    claims: Sequence[Mapping[str, Any]], speakers: Sequence[Mapping[str, Any]]
) -> tuple[list[_Voice], list[_Voice]]:
    voices: dict[str, _Voice] = {}
    for entry in speakers:
        key = f"id:{entry.get('id')}"
        voices.setdefault(key, _Voice(key, str(entry.get("name") or "—"), len(voices), entry))
    voice_of: list[_Voice] = []
    for index, claim in enumerate(claims):
        key = f"id:{claim.get('speaker_id')}"
        if claim.get("speaker_id") is None or key not in voices:
            mention = (claim.get("speaker") or {}).get("text")
            name = claim.get("speaker_resolved") or mention
            key = f"name:{' '.join(str(name).split()).casefold()}" if name else "unknown"
            if key not in voices:
                label = " ".join(str(name).split()) if name else "Unknown speaker"
                voices[key] = _Voice(key, label, len(voices))
        voice = voices[key]
        voice.claims.append(index)
        voice_of.append(voice)
    return list(voices.values()), voice_of


def _prepare(number: int, text: str, record: Mapping[str, Any]) -> _Page:
    aid = f"a{number}"
    where = str(record.get("id", aid))
    claims = list(record.get("claims") or [])
    voices, voice_of = _voices(claims, list(record.get("speakers") or []))
    marks: list[Mark] = []
    anchors: list[int] = []
    for index, claim in enumerate(claims):
        own = _claim_marks(claim, index, text, f"{where}: claim {index + 1}")
        marks.extend(own)
        content = [m.start for m in own if m.role == "content"]
        anchors.append(min(content) if content else min((m.start for m in own), default=0))
    return _Page(aid, record, text, claims, voices, voice_of, marks, anchors)


# ----------------------------------------------------------------------------- rendering


def _attrs(**values: str | None) -> str:
    return "".join(
        f' {name.rstrip("_").replace("_", "-")}="{escape(value)}"'
        for name, value in values.items()
        if value is not None
    )


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _excerpt(value: str, limit: int = _EXCERPT_CHARS) -> str:
    value = " ".join(value.split())
    if len(value) <= limit:
        return value
    cut = value.rfind(" ", 0, limit - 1)
    return value[: cut if cut > limit * 0.6 else limit - 1].rstrip(" ,;:") + "…"


def _topic_labels(topics: Any) -> list[str]:
    labels = []
    for topic in topics or ():
        label = topic.get("label") if isinstance(topic, Mapping) else topic
        if label is not None and str(label).strip():
            labels.append(str(label))
    return labels


def _confidence(value: Any) -> str:
    return f"{value:.2f}" if isinstance(value, (int, float)) else "—"


def _tooltip(page: _Page, index: int) -> str:
    claim = page.claims[index]
    voice = page.voice_of[index]
    entry = voice.entry or {}
    mention = (claim.get("speaker") or {}).get("text")
    resolved = claim.get("speaker_resolved") or (entry.get("name") if entry else None)
    who = resolved or mention or "unknown"
    if mention and resolved and " ".join(mention.split()) != resolved:
        who = f"{resolved} (“{' '.join(mention.split())}”)"
    cue = claim.get("cue") or {}
    cue_text = cue.get("text") or "—"
    if cue.get("lemma") and cue.get("lemma") != cue.get("text"):
        cue_text += f" ({cue['lemma']})"
    rows = [
        ("Speaker", who),
        ("Title", entry.get("title") or "—"),
        ("Affiliation", entry.get("affiliation") or "—"),
    ]
    addressee = claim.get("addressee_resolved") or (claim.get("addressee") or {}).get("text")
    if addressee:
        rows.append(("Said to", addressee))
    rows += [
        ("Cue", cue_text),
        ("Kind", str(claim.get("kind") or "—")),
        ("Confidence", _confidence(claim.get("confidence"))),
        ("Topics", "; ".join(_topic_labels(claim.get("topics"))) or "—"),
    ]
    body = "".join(
        f'<span class="row"><span class="label">{escape(key)}:</span> {escape(str(value))}</span>'
        for key, value in rows
    )
    title = f'<span class="row tip-title">Claim {index + 1}</span>'
    tip_id = f"{page.claim_id(index)}-tip"
    return f'<span class="tip" role="tooltip"{_attrs(id=tip_id)}>{title}{body}</span>'


def _marker(page: _Page, index: int) -> str:
    cid = page.claim_id(index)
    link = (
        f'<a class="marker p{page.voice_of[index].colour}"'
        f"{_attrs(id=cid, href=f'#{cid}-item', data_claim=cid, aria_describedby=f'{cid}-tip')}"
        f' aria-label="Claim {index + 1}">{index + 1}</a>'
    )
    colour = page.voice_of[index].colour
    return f'<span class="claim-ref p{colour}">{link}{_tooltip(page, index)}</span>'


def _piece(page: _Page, text: str, covering: Sequence[Mark]) -> str:
    html = escape(text)
    for role in reversed(_ROLES):  # innermost layer first: cue, speaker, content
        layer = [m for m in covering if m.role == role]
        if not layer:
            continue
        ids: list[str] = []
        for mark in layer:
            cid = page.claim_id(mark.claim)
            if cid not in ids:
                ids.append(cid)
        colour = page.voice_of[layer[0].claim].colour
        html = f'<span class="hl {role} p{colour}"{_attrs(data_claims=" ".join(ids))}>{html}</span>'
    return html


def _paragraphs(text: str) -> list[tuple[int, int]]:
    """Character ranges of the paragraphs (blocks between blank lines), whitespace trimmed."""
    blocks = []
    start = 0
    for separator in [*_PARAGRAPH_BREAK.finditer(text), None]:
        end = separator.start() if separator else len(text)
        block = text[start:end]
        stripped = block.strip()
        if stripped:
            left = start + (len(block) - len(block.lstrip()))
            blocks.append((left, left + len(stripped)))
        if separator:
            start = separator.end()
    return blocks


def _article_text(page: _Page) -> str:
    text = page.text
    blocks = _paragraphs(text)
    block_starts = {start for start, _ in blocks}
    block_ends = {end for _, end in blocks}
    anchored: dict[int, list[int]] = {}
    for index, position in enumerate(page.anchors):
        anchored.setdefault(position, []).append(index)
    cuts = [*block_starts, *block_ends, *anchored]
    out: list[str] = []
    open_block = False
    for start, end, covering in segments(len(text), page.marks, cuts):
        if open_block and start in block_ends:
            out.append("</p>")
            open_block = False
        if start in block_starts:
            out.append("<p>")
            open_block = True
        out.extend(_marker(page, index) for index in anchored.pop(start, ()))
        # between paragraphs only whitespace remains: kept verbatim, never highlighted
        piece = text[start:end]
        out.append(_piece(page, piece, covering) if open_block else escape(piece))
    if open_block:
        out.append("</p>")
    out.extend(_marker(page, index) for indexes in anchored.values() for index in indexes)
    return "".join(out)


def _voice_item(page: _Page, number: int, voice: _Voice) -> str:
    entry = voice.entry
    if entry is not None:
        details = [
            ", ".join(str(v) for v in (entry.get("title"), entry.get("affiliation")) if v),
            str(entry.get("type") or ""),
        ]
    else:
        details = ["not resolved to a named speaker"]
    details.append(_plural(len(voice.claims), "claim"))
    items = []
    for index in voice.claims:
        claim = page.claims[index]
        cid = page.claim_id(index)
        content = str((claim.get("content") or {}).get("text") or "")
        kind = str(claim.get("kind") or "")
        cue = str((claim.get("cue") or {}).get("text") or "")
        said = " · ".join(v for v in (cue, kind) if v)
        items.append(
            f"<li{_attrs(id=f'{cid}-item', data_claim=cid)}><a{_attrs(href=f'#{cid}')}>"
            f'Claim {index + 1}</a> <span class="said">({escape(said)})</span>: '
            f'<span class="excerpt">{escape(_excerpt(content))}</span></li>'
        )
    vid = f"{page.aid}-v{number}"
    return (
        f'<li class="voice{"" if entry is not None else " unresolved"} p{voice.colour}"'
        f"{_attrs(id=vid, data_speaker_id=str(entry.get('id')) if entry is not None else None)}>"
        f'<h4{_attrs(id=f"{vid}-h")}><span class="swatch" aria-hidden="true"></span>'
        f'<span class="name">{escape(voice.name)}</span></h4>'
        f'<p class="details">{escape(" · ".join(d for d in details if d))}</p>'
        f'<ol class="claims"{_attrs(aria_labelledby=f"{vid}-h")}>{"".join(items)}</ol></li>'
    )


def _topics(record: Mapping[str, Any]) -> str:
    items = []
    for topic in record.get("topics") or ():
        if isinstance(topic, Mapping):
            label, score = topic.get("label"), topic.get("score")
        else:
            label, score = topic, None
        if label is None:
            continue
        extra = f' <span class="score">({_confidence(score)})</span>' if score is not None else ""
        items.append(f"<li>{escape(str(label))}{extra}</li>")
    html = '<p class="none">No topics found.</p>'
    if items:
        html = f'<ul class="topics">{"".join(items)}</ul>'
    phrases = "; ".join(
        str(phrase["text"])
        for phrase in record.get("keyphrases") or ()
        if isinstance(phrase, Mapping) and phrase.get("text")
    )
    if phrases:
        html += f'<p class="phrases"><span class="label">Key phrases:</span> {escape(phrases)}</p>'
    return html


_KEY = (
    '<ul class="key">'
    '<li><span class="hl speaker pk">Name</span> the speaker, as mentioned</li>'
    '<li><span class="hl cue pk">said</span> the cue</li>'
    '<li><span class="hl content pk">what was said</span> the content</li>'
    '<li><span class="marker pk" aria-hidden="true">1</span> claim number: point at it, '
    "or reach it with Tab, for the details</li>"
    "</ul>"
    '<p class="note">Each speaker has one colour, shown in the list below. '
    "Escape hides the details.</p>"
)


def _article(page: _Page) -> str:
    record = page.record
    aid = page.aid
    heading = f"<h2{_attrs(id=f'{aid}-h')}>{escape(str(record.get('id', '')))}</h2>"
    if "error" in record:
        return (
            f'<article class="failed"{_attrs(id=aid, aria_labelledby=f"{aid}-h")}>{heading}'
            f'<p class="error">Could not be processed: {escape(str(record["error"]))}</p></article>'
        )
    side_label = f"Speakers and topics of {record.get('id', '')}"
    named = sum(1 for voice in page.voices if voice.entry is not None)
    summary = f"{_plural(len(page.claims), 'claim')}, {_plural(named, 'speaker')}"
    if not page.claims:
        summary = "No attributed claims found."
    voices = "".join(_voice_item(page, n, v) for n, v in enumerate(page.voices, start=1))
    speakers = f'<ul class="voices">{voices}</ul>' if voices else '<p class="none">No speakers.</p>'
    return (
        f"<article{_attrs(id=aid, aria_labelledby=f'{aid}-h')}>{heading}"
        f'<p class="summary">{escape(summary)}</p><div class="layout">'
        f'<section class="text"{_attrs(aria_labelledby=f"{aid}-text")}>'
        f"<h3{_attrs(id=f'{aid}-text')}>Text</h3>"
        f'<div class="article-text">{_article_text(page)}</div></section>'
        f'<aside class="side"{_attrs(aria_label=side_label)}>'
        f"<section{_attrs(aria_labelledby=f'{aid}-key')}><h3{_attrs(id=f'{aid}-key')}>Key</h3>"
        f"{_KEY}</section>"
        f"<section{_attrs(aria_labelledby=f'{aid}-sp')}><h3{_attrs(id=f'{aid}-sp')}>Speakers</h3>"
        f"{speakers}</section>"
        f"<section{_attrs(aria_labelledby=f'{aid}-tp')}><h3{_attrs(id=f'{aid}-tp')}>Topics</h3>"
        f"{_topics(record)}</section></aside></div></article>"
    )


def _contents(pages: Sequence[_Page]) -> str:
    items = []
    for page in pages:
        record = page.record
        note = "could not be processed" if "error" in record else _plural(len(page.claims), "claim")
        items.append(
            f"<li><a{_attrs(href=f'#{page.aid}')}>{escape(str(record.get('id', '')))}</a> "
            f'<span class="count">({escape(note)})</span></li>'
        )
    return (
        '<nav aria-labelledby="contents-h"><h2 id="contents-h">Articles</h2>'
        f'<ol class="contents">{"".join(items)}</ol></nav>'
    )


_CSS = """
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; background: ${page_bg}; color: ${text}; font: 1rem/1.6 system-ui, -apple-system,
  "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
a { color: ${link}; }
:focus-visible { outline: 3px solid ${text}; outline-offset: 2px; }
.skip { position: absolute; left: -999rem; }
.skip:focus { left: 1rem; top: 1rem; background: ${page_bg}; padding: .25rem .5rem; z-index: 20; }
header, main { max-width: 84rem; margin: 0 auto; padding: 0 1.5rem; }
header { padding-top: 1rem; }
h1 { font-size: 1.5rem; margin: .5rem 0; }
h2 { font-size: 1.3rem; margin: 1.5rem 0 .25rem; overflow-wrap: anywhere; }
h3 { font-size: 1rem; margin: 1rem 0 .5rem; }
h4 { font-size: 1rem; margin: 0; display: flex; gap: .5rem; align-items: center; }
.lead, .summary, .details, .note, .count, .said, .score, .none { color: ${muted}; }
.summary { margin: 0 0 .5rem; }
nav { background: ${panel_bg}; padding: .5rem 1.25rem; margin: 1rem 0; border-radius: 6px; }
article { border-top: 1px solid ${muted}; padding-bottom: 1.5rem; }
article.failed .error { border-left: 4px solid ${error_rule}; padding-left: .75rem; }
.layout { display: grid; grid-template-columns: minmax(0, 1fr) 24rem; gap: 2rem;
  align-items: start; }
@media (max-width: 60rem) { .layout { grid-template-columns: minmax(0, 1fr); } }
.article-text { max-width: 46rem; font-size: 1.0625rem; line-height: 1.85; }
.article-text p { white-space: pre-wrap; margin: 0 0 1rem; }
.side { background: ${panel_bg}; padding: 0 1rem 1rem; border-radius: 6px; }
.side ul, .side ol { padding-left: 1.25rem; }
.voices, .key { list-style: none; padding-left: 0 !important; }
.voice { margin: 0 0 1rem; }
.voice .name { color: var(--ink); text-decoration: underline 3px var(--ink);
  text-underline-offset: 3px; }
.details { margin: 0 0 .25rem; font-size: .9rem; }
.claims li { margin: .2rem 0; font-size: .9rem; }
.claims li:target { outline: 2px solid var(--ink); outline-offset: 2px; }
.swatch { display: inline-block; width: 1.1rem; height: 1.1rem; flex: none; border-radius: 3px;
  background: var(--tint); border: 3px solid var(--ink); }
.key li { margin: .35rem 0; }
.hl { box-decoration-break: clone; -webkit-box-decoration-break: clone; }
.hl.content { background: var(--tint); border-radius: 2px; }
.hl.speaker { color: var(--ink); font-weight: 700; text-decoration: underline 3px var(--ink);
  text-underline-offset: 3px; }
.hl.cue { font-style: italic; border: 2px dashed var(--ink); border-radius: 3px; padding: 0 1px; }
.hl.active { outline: 2px solid var(--ink); }
.claim-ref { position: relative; }
.marker { display: inline-block; min-width: 1.5em; margin: 0 .2em; padding: 0 .3em;
  border-radius: 1em;
  background: var(--ink); color: ${marker_text}; font: 700 .75rem/1.5 system-ui, sans-serif;
  text-align: center; text-decoration: none; vertical-align: .15em; font-style: normal; }
.tip { display: none; position: absolute; left: 0; top: 1.9em; z-index: 10; width: max-content;
  max-width: min(26rem, 80vw); white-space: normal; background: ${page_bg}; color: ${text};
  border: 2px solid var(--ink); border-radius: 6px; padding: .5rem .75rem; font-size: .9rem;
  line-height: 1.45; font-style: normal; font-weight: 400;
  box-shadow: 0 4px 14px rgba(0, 0, 0, .18); }
.claim-ref:hover > .tip, .claim-ref:focus-within > .tip, .tip.show { display: block; }
.claim-ref.dismissed > .tip { display: none; }
.tip .row { display: block; }
.tip .label, .phrases .label { font-weight: 700; }
.tip-title { font-weight: 700; border-bottom: 1px solid ${muted}; margin-bottom: .25rem; }
"""

# Hovering any part of a claim shows the tooltip of its number; Escape hides it.
_SCRIPT = """
(function () {
  "use strict";
  var shown = null;
  document.documentElement.setAttribute("data-script", "ready");
  function parts(id) { return document.querySelectorAll('[data-claims~="' + id + '"]'); }
  function claimOf(node) {
    var el = node && node.closest ? node.closest("[data-claim],[data-claims]") : null;
    if (!el) { return null; }
    return el.getAttribute("data-claim") || el.getAttribute("data-claims").split(" ")[0];
  }
  function hide() {
    if (shown === null) { return; }
    var tip = document.getElementById(shown + "-tip");
    if (tip) { tip.classList.remove("show"); }
    parts(shown).forEach(function (el) { el.classList.remove("active"); });
    shown = null;
  }
  function show(id) {
    if (id === shown) { return; }
    hide();
    document.querySelectorAll(".claim-ref.dismissed").forEach(function (el) {
      el.classList.remove("dismissed");
    });
    var tip = document.getElementById(id + "-tip");
    if (!tip) { return; }
    shown = id;
    tip.classList.add("show");
    parts(id).forEach(function (el) { el.classList.add("active"); });
  }
  document.addEventListener("mouseover", function (event) {
    var id = claimOf(event.target) || claimOf(document.activeElement);
    if (id) { show(id); } else { hide(); }
  });
  document.addEventListener("focusin", function (event) {
    var id = claimOf(event.target);
    if (id) { show(id); } else { hide(); }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    hide();
    document.querySelectorAll(".claim-ref:hover, .claim-ref:focus-within").forEach(function (el) {
      el.classList.add("dismissed");
    });
  });
})();
"""


def _css(colours: int) -> str:
    css = Template(_CSS).substitute(
        page_bg=PAGE_BG,
        panel_bg=PANEL_BG,
        text=TEXT,
        muted=MUTED,
        link=LINK,
        marker_text=MARKER_TEXT,
        error_rule=ERROR_RULE,
    )
    rules = ".pk {{ --ink: {}; --tint: {}; }}\n".format(*KEY_COLOURS) + "".join(
        f".p{i} {{ --ink: {ink}; --tint: {tint}; }}\n"
        for i, (ink, tint) in enumerate(speaker_colours(max(colours, 1)))
    )
    return css.lstrip() + rules


def _csp_hash(source: str) -> str:
    digest = hashlib.sha256(source.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def render_html(articles: Iterable[ArticleText], title: str | None = None) -> str:
    """One HTML page showing every article's claims; a contents list when there are several.

    Args:
        articles: ``(text, record)`` pairs: the text the offsets index, and the
            record written for it (``Article.to_dict()``, or an error record).
        title: the page title; by default the article's id, or the number of articles.

    Raises ``ValueError`` if a span's offsets do not match the text given for it.
    """
    pages = [_prepare(n, text, record) for n, (text, record) in enumerate(articles, start=1)]
    if title is None:
        title = (
            f"claimx: {pages[0].record.get('id', '')}"
            if len(pages) == 1
            else f"claimx: {_plural(len(pages), 'article')}"
        )
    css = _css(max((len(page.voices) for page in pages), default=1))
    csp = (
        f"default-src 'none'; style-src {_csp_hash(css)}; script-src {_csp_hash(_SCRIPT)}; "
        "img-src 'none'; base-uri 'none'; form-action 'none'"
    )
    claims = sum(len(page.claims) for page in pages)
    lead = f"{_plural(len(pages), 'article')}, {_plural(claims, 'claim')}."
    body = "".join(_article(page) for page in pages) or '<p class="none">No articles.</p>'
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{escape(csp)}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="generator" content="claimx">\n'
        f"<title>{escape(title)}</title>\n<style>{css}</style>\n</head>\n<body>\n"
        '<a class="skip" href="#main">Skip to the articles</a>\n'
        f'<header><h1>Attributed claims</h1><p class="lead">{escape(lead)} '
        "Speakers, cues and what they said are highlighted in the text.</p>"
        f"{_contents(pages) if len(pages) > 1 else ''}</header>\n"
        f'<main id="main">{body}</main>\n'
        f"<script>{_SCRIPT}</script>\n</body>\n</html>\n"
    )


def write_html(articles: Iterable[ArticleText], out: TextIO, title: str | None = None) -> int:
    """Write the page of :func:`render_html` to ``out``; returns the number of articles.

    The page is written in one piece: its contents list comes before the articles.
    """
    items = list(articles)
    out.write(render_html(items, title=title))
    out.flush()
    return len(items)
