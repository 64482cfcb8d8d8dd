"""Writers: JSON object or array, JSON Lines streamed, Rich tables."""

from __future__ import annotations

import ast
import io
import json
from pathlib import Path
from typing import Any

import pytest
from helpers import claim_record
from rich.console import Console

import claimx.writers
from claimx.writers import TABLE_CONTENT_CHARS, render_table, write_json, write_jsonl

TEXT = "“Prices will fall,” he said. Zoë Brandt, the minister, told reporters that taxes would not rise."


def claim(
    speaker: str, cue: str, content: str, kind: str, confidence: float, resolved: str | None = None
) -> dict[str, Any]:
    return claim_record(
        TEXT, speaker, cue, content, resolved=resolved, kind=kind, confidence=confidence,
        topics=[{"label": "economy, business and finance", "score": 0.8}],
        keyphrases=[{"text": "taxes", "score": 1.0}],
    )


ARTICLE: dict[str, Any] = {
    "schema_version": "1.1",
    "id": "news/a.txt",
    "claims": [
        claim("he", "said", "“Prices will fall,”", "direct", 0.9, resolved="Zoë Brandt"),
        claim(
            "Zoë Brandt, the minister",
            "told",
            "that taxes would not rise",
            "indirect",
            0.75,
            resolved="Zoë Brandt",
        ),
    ],
    "speakers": [],
    "topics": [],
    "keyphrases": [],
}
EMPTY: dict[str, Any] = {
    "schema_version": "1.1",
    "id": "b.txt",
    "claims": [],
    "speakers": [],
    "topics": [],
    "keyphrases": [],
}
ERROR: dict[str, Any] = {"schema_version": "1.1", "id": "c.bin", "error": "binary file, not text"}


class FlushCounter(io.StringIO):
    def __init__(self) -> None:
        super().__init__()
        self.flushed_at: list[int] = []

    def flush(self) -> None:
        self.flushed_at.append(len(self.getvalue()))


def test_writers_articles_are_valid(validate: Any) -> None:
    for record in (ARTICLE, EMPTY, ERROR):
        validate(record)


def test_writers_json_single_is_an_object() -> None:
    out = io.StringIO()
    assert write_json([ARTICLE], out, single=True) == 1
    assert json.loads(out.getvalue()) == ARTICLE
    assert "Zoë" in out.getvalue()  # UTF-8, not \u escapes


@pytest.mark.parametrize("records", [[ARTICLE, EMPTY, ERROR], [ARTICLE], []])
def test_writers_json_array(records: list[dict[str, Any]]) -> None:
    out = io.StringIO()
    assert write_json(records, out, single=False) == len(records)
    assert json.loads(out.getvalue()) == records
    assert out.getvalue().endswith("]\n")


@pytest.mark.parametrize(
    ("records", "expected"), [([ARTICLE], ARTICLE), ([ARTICLE, EMPTY], [ARTICLE, EMPTY])]
)
def test_writers_json_decides_by_count(records: list[dict[str, Any]], expected: Any) -> None:
    out = io.StringIO()
    write_json(iter(records), out)
    assert json.loads(out.getvalue()) == expected


def test_writers_json_array_is_streamed() -> None:
    out = FlushCounter()
    write_json([ARTICLE, EMPTY, ERROR], out, single=False)
    assert len(out.flushed_at) >= 3


def test_writers_jsonl_one_line_per_record_flushed() -> None:
    out = FlushCounter()
    assert write_jsonl([ARTICLE, EMPTY, ERROR], out) == 3
    lines = out.getvalue().splitlines()
    assert [json.loads(line) for line in lines] == [ARTICLE, EMPTY, ERROR]
    assert "Zoë" in lines[0]
    assert out.flushed_at == [len("\n".join(lines[: i + 1])) + 1 for i in range(3)]


def render(records: list[dict[str, Any]], width: int = 120) -> str:
    out = io.StringIO()
    console = Console(file=out, width=width, no_color=True, force_terminal=False)
    render_table(records, console)
    return out.getvalue()


def test_writers_table_has_the_columns_and_values() -> None:
    table = render([ARTICLE])
    for header in ("speaker", "cue", "kind", "content", "confidence"):
        assert header in table
    for value in (
        "news/a.txt",
        "told",
        "indirect",
        "that taxes would not rise",
        "0.75",
        "0.90",
        "2 claims",
    ):
        assert value in table


def test_writers_table_shows_the_resolved_name_under_the_mention() -> None:
    lines = render([ARTICLE]).splitlines()
    row = next(i for i, line in enumerate(lines) if line.lstrip().startswith("he "))
    assert lines[row + 1].lstrip().startswith("→ Zoë Brandt")
    # a mention that already holds the name is not repeated
    assert sum("→" in line for line in lines) == 1


def test_writers_table_truncates_long_content() -> None:
    text = "word " * 200
    long = dict(
        ARTICLE,
        claims=[dict(ARTICLE["claims"][1], content={"text": text, "start": 0, "end": len(text)})],
    )
    table = render([long], width=200)
    assert "…" in table
    assert table.count("word") < TABLE_CONTENT_CHARS / 5 + 1


def test_writers_table_empty_and_error_messages() -> None:
    table = render([EMPTY, ERROR])
    assert "b.txt: no attributed claims found" in table
    assert "c.bin: binary file, not text" in table
    assert "No articles" in render([])


def test_writers_table_escapes_markup() -> None:
    text = "[bold]not markup[/bold] said the bot."
    article = dict(
        EMPTY,
        claims=[dict(ARTICLE["claims"][1], content={"text": text, "start": 0, "end": len(text)})],
    )
    assert "[bold]not markup[/bold]" in render([article])


def test_writers_import_no_spacy() -> None:
    tree = ast.parse(Path(claimx.writers.__file__).read_text(encoding="utf-8"))
    imported = {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    } | {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert not {name for name in imported if name.split(".")[0] in ("spacy", "thinc", "claimx")}
    assert not any(isinstance(node, ast.ImportFrom) and node.level for node in ast.walk(tree))
