"""CSV export: one row per claim; Python's csv module reads back the same claims as the JSON."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from conftest import SAMPLES
from typer.testing import CliRunner

from claimx.cli import app
from claimx.csv_export import CSV_FIELDS, claim_rows, write_csv

TEXT = 'Zoë Brandt, the minister, said "prices, taxes\nand ""rents"" will fall".'


def span(sub: str, **extra: Any) -> dict[str, Any]:
    start = TEXT.index(sub)
    return {"text": sub, "start": start, "end": start + len(sub), **extra}


ARTICLE: dict[str, Any] = {
    "schema_version": "1.0",
    "id": "news/a,b.txt",
    "claims": [
        {
            "speaker": span("Zoë Brandt, the minister"),
            "speaker_resolved": "Zoë Brandt",
            "speaker_id": "s1",
            "cue": span("said", lemma="say"),
            "addressee": None,
            "addressee_resolved": None,
            "content": span('"prices, taxes\nand ""rents"" will fall"'),
            "kind": "direct",
            "confidence": 0.875,
            "topics": [
                {"label": "economy, business and finance", "score": 0.7},
                {"label": "politics", "score": 0.2},
            ],
        },
        {
            "speaker": None,
            "speaker_resolved": None,
            "speaker_id": None,
            "cue": None,
            "addressee": None,
            "addressee_resolved": None,
            "content": span("prices"),
            "kind": "indirect",
            "confidence": 0.5,
        },
    ],
    "speakers": [
        {
            "id": "s1",
            "name": "Zoë Brandt",
            "type": "person",
            "title": "minister",
            "affiliation": "Ruritania",
            "mentions": [span("Zoë Brandt")],
            "claim_count": 1,
        }
    ],
    "topics": [{"label": "economy, business and finance", "score": 0.9}],
}
EMPTY: dict[str, Any] = {**ARTICLE, "id": "empty.txt", "claims": [], "speakers": []}
ERROR: dict[str, Any] = {"schema_version": "1.0", "id": "c.bin", "error": "binary file, not text"}


def read(data: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data, newline="")))


def test_csv_rows_are_flat_and_quoted() -> None:
    out = io.StringIO(newline="")
    assert write_csv([ARTICLE, EMPTY, ERROR], out) == 3
    rows = read(out.getvalue())
    assert list(rows[0]) == list(CSV_FIELDS)
    assert len(rows) == 3  # two claims, nothing for the empty article, one error row
    first, second, error = rows
    assert first["article_id"] == "news/a,b.txt"
    assert first["content"] == '"prices, taxes\nand ""rents"" will fall"'
    assert (first["speaker"], first["speaker_resolved"], first["title"], first["affiliation"]) == (
        "Zoë Brandt, the minister",
        "Zoë Brandt",
        "minister",
        "Ruritania",
    )
    assert (first["cue"], first["cue_lemma"], first["kind"]) == ("said", "say", "direct")
    assert first["topics"] == "economy, business and finance; politics"
    assert first["article_topics"] == "economy, business and finance"
    content = ARTICLE["claims"][0]["content"]
    assert int(first["content_start"]) == content["start"]
    assert int(first["content_end"]) == content["end"]
    assert TEXT[int(first["cue_start"]) : int(first["cue_end"])] == "said"
    assert float(first["confidence"]) == 0.875
    assert first["error"] == ""
    # missing parts are empty cells, not "None"
    assert [second[k] for k in ("speaker", "cue", "speaker_start", "topics")] == ["", "", "", ""]
    assert error["article_id"] == "c.bin" and error["error"] == "binary file, not text"
    assert all(error[name] == "" for name in CSV_FIELDS if name not in ("article_id", "error"))


def test_csv_header_only_without_claims() -> None:
    out = io.StringIO(newline="")
    write_csv([EMPTY], out)
    assert out.getvalue() == ",".join(CSV_FIELDS) + "\r\n"
    assert list(claim_rows(EMPTY)) == []


@pytest.mark.usefixtures("cli_nlp")
def test_csv_round_trips_with_the_same_claims_as_the_json(tmp_path: Path) -> None:
    runner = CliRunner()
    as_jsonl = runner.invoke(app, ["extract", str(SAMPLES), "-f", "jsonl"], catch_exceptions=False)
    records = [json.loads(line) for line in as_jsonl.stdout.splitlines()]
    target = tmp_path / "claims.csv"
    made = runner.invoke(app, ["extract", str(SAMPLES), "-o", str(target)], catch_exceptions=False)
    assert made.exit_code == 0, made.stderr
    with open(target, encoding="utf-8", newline="") as stream:  # csv chosen by the .csv name
        rows = list(csv.DictReader(stream))
    assert len(records) == len(list(SAMPLES.glob("*.txt")))
    assert len(rows) == sum(len(r["claims"]) for r in records) > 20
    by_article: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        by_article.setdefault(row["article_id"], []).append(row)
    for record in records:
        got = by_article.get(record["id"], [])
        speakers = {s["id"]: s for s in record["speakers"]}
        numbers = [str(n) for n in range(1, len(record["claims"]) + 1)]
        assert [row["claim"] for row in got] == numbers
        for row, claim in zip(got, record["claims"]):
            assert row["content"] == claim["content"]["text"]
            assert int(row["content_start"]) == claim["content"]["start"]
            assert int(row["content_end"]) == claim["content"]["end"]
            speaker = claim["speaker"] or {}
            assert row["speaker"] == speaker.get("text", "")
            assert row["speaker_start"] == str(speaker.get("start", ""))
            cue = claim["cue"] or {}
            assert row["cue"] == cue.get("text", "")
            assert row["cue_start"] == str(cue.get("start", ""))
            assert row["speaker_resolved"] == (claim["speaker_resolved"] or "")
            entry = speakers.get(claim["speaker_id"]) or {}
            assert row["title"] == (entry.get("title") or "")
            assert row["affiliation"] == (entry.get("affiliation") or "")
            assert row["kind"] == claim["kind"]
            assert float(row["confidence"]) == claim["confidence"]
