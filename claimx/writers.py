"""Writing results: JSON, JSON Lines (streamed) and Rich tables.

Writers take the plain dicts of ``Article.to_dict()`` / ``error_record()``, so
they need no spaCy and work just as well on results read back from a file.
"""

from __future__ import annotations

import io
import json
import os
from collections.abc import Iterable, Iterator
from typing import Any, TextIO

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

#: Longest content shown in a table cell; the JSON output always has all of it.
TABLE_CONTENT_CHARS = 240


def _dumps(record: dict[str, Any], indent: int | None = None) -> str:
    return json.dumps(record, ensure_ascii=False, indent=indent)


def write_json(records: Iterable[dict[str, Any]], out: TextIO, single: bool | None = None) -> int:
    """Write one record as a JSON object, or several as a JSON array; returns the count.

    ``single=None`` decides by count. An array is streamed item by item, so a
    long run shows results as they come and holds only one in memory.
    """
    items: Iterator[dict[str, Any]] = iter(records)
    if single is None:
        first = list(_take(items, 2))
        single = len(first) == 1
        items = _chain(first, items)
    if single:
        record = next(items, None)
        if record is None:
            return 0
        out.write(_dumps(record, indent=2) + "\n")
        out.flush()
        return 1
    count = 0
    out.write("[")
    for record in items:
        out.write(("," if count else "") + "\n" + _indent(_dumps(record, indent=2)))
        out.flush()
        count += 1
    out.write("\n]\n" if count else "]\n")
    out.flush()
    return count


def write_jsonl(records: Iterable[dict[str, Any]], out: TextIO, durable: bool = False) -> int:
    """Write one record per line, flushed as each is written; returns the count.

    With ``durable``, each line is also synced to disk (``fsync``) before the next
    record is read, so a power loss keeps every line written; outputs that cannot
    be synced (pipes, terminals) are only flushed.
    """
    count = 0
    sync = durable
    for record in records:
        out.write(_dumps(record) + "\n")
        out.flush()
        if sync:
            try:
                os.fsync(out.fileno())
            except (OSError, ValueError, io.UnsupportedOperation):
                sync = False
        count += 1
    return count


def _take(items: Iterator[dict[str, Any]], n: int) -> Iterator[dict[str, Any]]:
    for _ in range(n):
        item = next(items, None)
        if item is None:
            return
        yield item


def _chain(first: list[dict[str, Any]], rest: Iterator[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    yield from first
    yield from rest


def _indent(text: str, prefix: str = "  ") -> str:
    return "\n".join(prefix + line for line in text.splitlines())


def _truncate(text: str, limit: int = TABLE_CONTENT_CHARS) -> str:
    text = " ".join(text.split())  # newlines inside a cell only break the layout
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit - 1)
    return text[: cut if cut > limit * 0.6 else limit - 1].rstrip(" ,;:") + "…"


def _speaker_cell(claim: dict[str, Any]) -> Text:
    speaker = claim.get("speaker") or {}
    mention = speaker.get("text")
    resolved = claim.get("speaker_resolved")
    cell = Text(mention or resolved or "—", style="bold" if mention or resolved else "dim")
    if (
        mention and resolved and resolved not in mention
    ):  # "He" -> Zoë Brandt; not "Zoë Brandt, the minister"
        cell.append("\n→ " + resolved, style="dim")
    return cell


def topics_line(record: dict[str, Any], limit: int = 3) -> str:
    """An article's top topics with their scores: "politics 0.62; conflict, war and peace 0.24"."""
    topics = [t for t in record.get("topics") or [] if isinstance(t, dict)][:limit]
    return "; ".join(
        f"{t.get('label', '')} {t['score']:.2f}"
        if isinstance(t.get("score"), (int, float))
        else str(t.get("label", ""))
        for t in topics
    )


def _content_cell(claim: dict[str, Any]) -> Text:
    content = claim.get("content") or {}
    cell = Text(_truncate(str(content.get("text", ""))))
    phrases = [str(k.get("text", "")) for k in claim.get("keyphrases") or [] if isinstance(k, dict)]
    if phrases:
        cell.append("\n" + " · ".join(phrases), style="dim")
    return cell


def _claims_table(article: dict[str, Any], width: int) -> Table:
    claims = article.get("claims") or []
    speakers = article.get("speakers") or []
    title = Text(str(article.get("id", "")), style="bold")
    caption = f"{len(claims)} claim{'s' * (len(claims) != 1)}"
    if speakers:
        caption += f", {len(speakers)} speaker{'s' * (len(speakers) != 1)}"
    if topics_line(article):
        caption += f"\ntopics: {topics_line(article)}"
    table = Table(title=title, caption=caption, box=box.SIMPLE_HEAD, pad_edge=False, expand=True)
    # Fixed widths for the short columns (a cue fits "according to"), so content,
    # the only ratio column, gets all the rest; Rich's ratios ignore min_width.
    table.add_column("speaker", width=max(12, min(28, width // 6)), overflow="fold")
    table.add_column("cue", width=12, overflow="fold")
    table.add_column("kind", width=8, no_wrap=True)
    table.add_column("content", ratio=1, overflow="fold")
    table.add_column("confidence", justify="right", no_wrap=True)
    for claim in claims:
        cue = claim.get("cue") or {}
        confidence = claim.get("confidence")
        table.add_row(
            _speaker_cell(claim),
            Text(cue.get("text") or "—", style="" if cue else "dim"),
            Text(str(claim.get("kind", ""))),
            _content_cell(claim),
            Text(f"{confidence:.2f}" if isinstance(confidence, (int, float)) else "—"),
        )
    return table


def _article_line(article: dict[str, Any], message: str | Text | tuple[str, str]) -> Text:
    """"<id>: <message>", the id in bold: one line about an article."""
    return Text.assemble((str(article.get("id", "")), "bold"), ": ", message)


def render_topics(articles: Iterable[dict[str, Any]], console: Console) -> int:
    """Print one line per article: its id and top topics (or its error); returns the count."""
    count = 0
    for article in articles:
        count += 1
        if "error" in article:
            line = _article_line(article, (str(article["error"]), "red"))
        else:
            line = _article_line(article, topics_line(article, 5) or "no topics")
        console.print(line, soft_wrap=True)  # one line per article, however long
    return count


def render_table(articles: Iterable[dict[str, Any]], console: Console) -> int:
    """Print a claims table per article (an error line for error records); returns the count."""
    count = 0
    for article in articles:
        count += 1
        if "error" in article:
            console.print(_article_line(article, (str(article["error"]), "red")))
            continue
        if not article.get("claims"):
            console.print(_article_line(article, ("no attributed claims found", "yellow")))
            continue
        console.print(_claims_table(article, console.width))
    if count == 0:
        console.print(Text("No articles to show.", style="yellow"))
    return count
