"""Tests of claimx.evaluate: metric definitions on hand-made articles, and agreement with
the reference scorers in ../shared/eval (score.py, score_speakers.py) on dev.jsonl.

The agreement tests build predictions without spaCy (seeded perturbations of the gold),
plus one variant that runs the real pipeline over a few dev articles.
"""

from __future__ import annotations

import contextlib
import copy
import importlib.util
import io
import json
import random
import re
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from rich.console import Console
from spacy.language import Language

from claimx.errors import InputError
from claimx.evaluate import (
    content_kind,
    cue_matches,
    evaluate_file,
    headline_figures,
    offset_errors,
    quote_mask,
    report_table,
    resolution_matches,
    score,
    score_speakers,
    speaker_matches,
    span_ranges,
    WordIndex,
)

SHARED_EVAL = Path(__file__).resolve().parents[1].parent / "shared" / "eval"
TOLERANCE = 0.005

# ---------------------------------------------------------------------------
# A hand-made article (written for these tests)
# ---------------------------------------------------------------------------

TEXT = (
    "Governor Ana Reyes said the bridge would reopen in May. "
    '"We are not cutting corners," she told reporters. '
    'Engineers argued that the repairs were "far from finished" despite the schedule.\n'
    '"The work is done," said Mr. Tom Okafor. "Mostly."\n'
    "Reyes and Tom Okafor declined to comment further; he left early."
)


def span(sub: str, nth: int = 0, text: str = TEXT) -> dict[str, Any]:
    """The span of the ``nth`` occurrence of ``sub`` in ``text``."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(sub, start + 1)
    return {"text": sub, "start": start, "end": start + len(sub)}


def discontinuous(*parts: str) -> dict[str, Any]:
    fragments = [span(p) for p in parts]
    start, end = fragments[0]["start"], fragments[-1]["end"]
    return {"text": TEXT[start:end], "start": start, "end": end, "fragments": fragments}


def claim(speaker: Any, cue: Any, content: Any, kind: str | None = None, **extra: Any) -> dict:
    out = {"speaker": speaker, "cue": cue, "content": content, **extra}
    if kind is not None:
        out["kind"] = kind
    return out


SHE = dict(span("she"), speaker_resolved="Ana Reyes")
HE = {"text": "he", "start": TEXT.rindex("he left"), "end": TEXT.rindex("he left") + 2}
G_REYES = claim(
    span("Governor Ana Reyes"), span("said"), span("the bridge would reopen in May"), "indirect"
)
G_SHE = claim(SHE, span("told"), span('"We are not cutting corners,"'), "direct")
G_ENGINEERS = claim(
    span("Engineers"),
    span("argued"),
    span('that the repairs were "far from finished" despite the schedule'),
    "mixed",
)
G_OKAFOR = claim(
    span("Mr. Tom Okafor"),
    span("said", 1),
    discontinuous('"The work is done,"', '"Mostly."'),
    "direct",
)
GOLD_CLAIMS = [G_REYES, G_SHE, G_ENGINEERS, G_OKAFOR]
GOLD = [
    {"id": "a1", "text": TEXT, "claims": GOLD_CLAIMS},
    {"id": "a2", "text": "Nothing was attributed here.", "claims": []},
]


def hull(sp: dict) -> dict:
    """A discontinuous span reduced to its hull."""
    return {k: v for k, v in sp.items() if k != "fragments"}


def predict(*claims: dict) -> list[dict]:
    return [{"id": "a1", "claims": list(claims)}, {"id": "a2", "claims": []}]


def figure(scores: dict, path: str) -> Any:
    value: Any = scores
    for key in path.split("."):
        value = value[key]
    return value


# ---------------------------------------------------------------------------
# (a) metric definitions
# ---------------------------------------------------------------------------

CONTENT_CASES = [
    (
        "perfect",
        predict(*GOLD_CLAIMS),
        {
            "content.exact.f1": 1.0,
            "content.partial.f1": 1.0,
            "content.token.f1": 1.0,
            "speaker.accuracy": 1.0,
            "cue.accuracy": 1.0,
            "content_speaker.f1": 1.0,
            "by_kind.mixed.partial_recall": 1.0,
        },
    ),
    (
        "empty",
        predict(),
        {
            "content.exact.f1": 0.0,
            "content.partial.recall": 0.0,
            "content.token.f1": 0.0,
            "speaker.accuracy": 0.0,
            "speaker.evaluated": 0,
            "content.partial.fn": 4,
        },
    ),
    (
        "quote marks ignored",
        predict(claim(None, None, span("We are not cutting corners"))),
        {"content.exact.tp": 1, "content.partial.tp": 1},
    ),
    (
        "edge punctuation ignored",
        predict(claim(None, None, span("the bridge would reopen in May. "))),
        {"content.exact.tp": 1},
    ),
    (
        "one fragment of a discontinuous quote is partial, not exact",
        predict(claim(None, None, span('"The work is done,"'))),
        {"content.exact.tp": 0, "content.partial.tp": 1},  # 4 of 5 tokens
    ),
    (
        "the hull of a discontinuous quote counts the attribution too",
        predict(claim(None, None, hull(G_OKAFOR["content"]))),
        {"content.exact.tp": 0, "content.partial.tp": 1},  # 5 / 9 tokens
    ),
    (
        "fragments predicted as fragments are exact",
        predict(claim(None, None, G_OKAFOR["content"])),
        {"content.exact.tp": 1, "by_kind.direct.exact_recall": 0.5},
    ),
    (
        "jaccard exactly at the threshold matches",
        predict(claim(None, None, span("the bridge would"))),  # 3 / 6
        {"content.partial.tp": 1, "content.exact.tp": 0},
    ),
    (
        "jaccard below the threshold does not",
        predict(claim(None, None, span("the bridge"))),  # 2 / 6
        {"content.partial.tp": 0, "content.token.tp": 2},
    ),
    (
        "one-to-one: a second overlapping prediction is a false positive",
        predict(
            claim(None, None, span("the bridge would reopen")),
            claim(None, None, span("the bridge would reopen in")),
        ),
        {"content.partial.tp": 1, "content.partial.fp": 1, "content.partial.precision": 0.5},
    ),
    (
        "spurious claim lowers precision only",
        predict(*GOLD_CLAIMS, claim(None, None, span("declined to comment further"))),
        {"content.partial.recall": 1.0, "content.partial.precision": 0.8},
    ),
    (
        "kind of a prediction without one comes from quotation marks",
        predict(claim(None, None, span('repairs were "far from finished"'))),
        {"by_kind.mixed.pred": 1, "by_kind.mixed.partial_precision": 1.0},
    ),
]


@pytest.mark.parametrize(
    "pred, expected", [c[1:] for c in CONTENT_CASES], ids=[c[0] for c in CONTENT_CASES]
)
def test_evaluate_content_metrics(pred: list[dict], expected: dict[str, Any]) -> None:
    scores = score(GOLD, pred)
    for path, value in expected.items():
        assert figure(scores, path) == pytest.approx(value), path


@pytest.mark.parametrize(
    "threshold, overlap, partial_tp",
    [(0.5, "jaccard", 0), (0.3, "jaccard", 1), (0.3, "gold", 1), (0.5, "gold", 0)],
)
def test_evaluate_partial_threshold(threshold: float, overlap: str, partial_tp: int) -> None:
    pred = predict(claim(None, None, span("the bridge")))  # 2 of 6 gold tokens, Jaccard 1/3
    scores = score(GOLD, pred, threshold=threshold, overlap=overlap)  # type: ignore[arg-type]
    assert scores["content"]["partial"]["tp"] == partial_tp
    assert scores["settings"] == {"threshold": threshold, "overlap": overlap}


SPEAKER_CASES = [
    ("same span", G_REYES, span("Governor Ana Reyes"), {}, True),
    ("overlapping span", G_REYES, span("Reyes"), {}, True),
    ("surname elsewhere", G_REYES, span("Reyes", 1), {}, True),
    ("title dropped, name elsewhere", G_OKAFOR, span("Tom Okafor", 1), {}, True),
    ("different person", G_REYES, span("Tom Okafor", 1), {}, False),
    ("pronoun gold: surname of the resolved name", G_SHE, span("Reyes", 1), {}, True),
    ("pronoun gold: another pronoun elsewhere", G_SHE, HE, {}, False),
    ("pronoun gold: same pronoun span", G_SHE, SHE, {}, True),
    ("pronoun gold: wrong person", G_SHE, span("Okafor", 1), {}, False),
    ("named gold: pronoun resolved by name", G_REYES, HE, {"r": "Ana Reyes"}, True),
    ("named gold: pronoun resolved to its span", G_REYES, HE, {"r": span("Ana Reyes")}, True),
    ("named gold: unresolved pronoun", G_REYES, HE, {}, False),
    ("named gold: null speaker", G_REYES, None, {}, False),
    ("null gold: null speaker", claim(None, None, G_REYES["content"]), None, {}, True),
    ("null gold: some speaker", claim(None, None, G_REYES["content"]), span("Reyes", 1), {}, False),
]


@pytest.mark.parametrize(
    "gold, pred_speaker, extra, expected",
    [c[1:] for c in SPEAKER_CASES],
    ids=[c[0] for c in SPEAKER_CASES],
)
def test_evaluate_speaker_leniency(
    gold: dict, pred_speaker: dict | None, extra: dict, expected: bool
) -> None:
    pred = {"speaker": pred_speaker, "content": gold["content"]}
    if "r" in extra:
        pred["speaker_resolved"] = extra["r"]
    assert speaker_matches(gold, pred) is expected
    # and through score(): accuracy over the single partial match
    scores = score([{"id": "x", "text": TEXT, "claims": [gold]}], [{"id": "x", "claims": [pred]}])
    if gold["speaker"] is None:
        assert scores["speaker"]["matched_with_null_gold_speaker"] == 1
        assert scores["content_speaker"]["tp"] == int(expected)
    else:
        assert scores["speaker"]["accuracy"] == float(expected)


@pytest.mark.parametrize(
    "pred_cue, expected",
    [
        (span("said"), True),
        (span("said", 1), True),  # same word elsewhere
        (span("Governor Ana Reyes said"), True),  # overlap
        (span("told"), False),
        (None, False),
    ],
    ids=["same", "same word elsewhere", "overlap", "other verb", "null"],
)
def test_evaluate_cue(pred_cue: dict | None, expected: bool) -> None:
    assert cue_matches(G_REYES, {"cue": pred_cue, "content": G_REYES["content"]}) is expected


@pytest.mark.parametrize(
    "text, quoted",
    [
        ('He said "yes now" then', ["yes", "now"]),
        ("He said \u201cyes\u201d then", ["yes"]),
        ("He said ''yes'' then", ["yes"]),
        ("He said ``yes'' then", ["yes"]),
        ("He said \u00abyes\u00bb then", ["yes"]),
        ('He said "yes\nthen more', ["yes"]),  # a newline ends an unbalanced quote
        ("no quotes at all, it's fine", []),
    ],
)
def test_evaluate_quote_mask(text: str, quoted: list[str]) -> None:
    mask = quote_mask(text)
    assert len(mask) == len(text)
    assert [m.group() for m in re.finditer(r"\w+", text) if mask[m.start()]] == quoted


def test_evaluate_content_kind_heuristic() -> None:
    words = WordIndex(TEXT)
    mask = quote_mask(TEXT)
    for gold in GOLD_CLAIMS:
        tokens = words.tokens(span_ranges(gold["content"]))
        assert content_kind(tokens, words, mask) == gold["kind"]
    assert content_kind(frozenset(), words, mask) is None


def contents(content: dict, **extra: Any) -> dict:
    return {"claims": [claim(None, None, content, **extra)]}


BAD_FRAGMENT = dict(
    G_OKAFOR["content"], fragments=[span("Mostly"), {"text": "?", "start": 0, "end": 1}]
)
SHIFTED_REYES = dict(span("Reyes"), start=1)


@pytest.mark.parametrize(
    "article, errors",
    [
        ({"claims": [claim(span("she"), span("told"), span("reporters"))]}, []),
        (contents(dict(span("reporters"), text="Reporters")), ["claims[0].content"]),
        (contents({"text": "x", "start": 5, "end": 10**6}), ["claims[0].content"]),
        (contents({"start": 0, "end": 8}), ["claims[0].content"]),
        (contents(BAD_FRAGMENT), ["claims[0].content.fragments[1]"]),
        (contents(span("May"), speaker_resolved={"text": "Ana Reyes"}), []),  # a name, no offsets
        (contents(span("May"), speaker_resolved=SHIFTED_REYES), ["claims[0].speaker_resolved"]),
        (
            {"speakers": [{"mentions": [span("Reyes"), dict(span("Okafor"), start=0)]}]},
            ["speakers[0].mentions[1]"],
        ),
    ],
    ids=[
        "valid", "wrong text", "out of range", "no text", "bad fragment", "resolved name",
        "resolved span", "speaker mention",
    ],
)
def test_evaluate_offset_errors(article: dict, errors: list[str]) -> None:
    assert offset_errors(TEXT, article) == errors
    assert score(GOLD, [{"id": "a1", **article}])["offset_errors"] == len(errors)


def test_evaluate_warnings() -> None:
    pred = [
        {"id": "a1", "claims": [
            claim(None, None, {"text": "", "start": 10, "end": 10}),  # empty: not scorable
            claim({"start": -1, "end": 3}, None, span("the bridge would reopen in May")),
            claim(None, None, dict(span("reporters"), text="editors")),
        ]},
        {"id": "elsewhere", "claims": []},
    ]
    scores = score(GOLD, pred)
    assert scores["warnings"] == {
        "pred_docs_not_in_gold": 1,
        "gold_docs_without_pred": 1,
        "pred_claims_invalid_content": 1,
        "pred_invalid_speaker_or_cue": 1,
        "pred_span_text_mismatch": 1,
    }
    assert scores["pred_claims"] == 2
    assert scores["speaker"]["correct"] == 0  # the invalid speaker became null


def test_evaluate_accepts_mappings_keyed_by_id() -> None:
    as_lists = score(GOLD, predict(G_REYES))
    as_maps = score({d["id"]: d for d in GOLD}, {"a1": {"claims": [G_REYES]}})
    assert headline_figures(as_lists) == headline_figures(as_maps)


# speaker resolution ---------------------------------------------------------


@pytest.mark.parametrize(
    "gold, pred, mention, expected",
    [
        ("Ana Reyes", "Ana Reyes", "she", True),
        ("Ana Reyes", "ana reyes", "she", True),
        ("Ana Reyes", "Reyes", "she", True),
        ("Reyes", "Ana Reyes", "she", True),
        ("Ana Reyes", "Ana M. Reyes", "she", True),
        ("The Daily Courier", "Daily Courier's", "it", True),
        ("Ana Reyes", "Tom Okafor", "she", False),
        ("Ana Reyes", "she", "she", False),
        ("Ana Reyes", None, "she", False),
        (None, None, "officials", True),
        (None, "officials", "officials", True),
        (None, "Ana Reyes", "officials", False),
    ],
)
def test_evaluate_resolution_matches(
    gold: str | None, pred: str | None, mention: str, expected: bool
) -> None:
    assert resolution_matches(gold, pred, mention) is expected


def test_evaluate_score_speakers() -> None:
    she, reyes, okafor = span("she"), span("Governor Ana Reyes"), span("Mr. Tom Okafor")
    rows = [
        {"id": "a1", "speaker_start": reyes["start"], "speaker_end": reyes["end"],
         "resolved": "Ana Reyes", "mention_type": "full"},
        {"id": "a1", "speaker_start": she["start"], "speaker_end": she["end"],
         "speaker_text": "she", "resolved": "Ana Reyes", "mention_type": "pronoun"},
        {"id": "a1", "speaker_start": okafor["start"], "speaker_end": okafor["end"],
         "resolved": "Tom Okafor", "mention_type": "partial"},
        {"id": "a1", "speaker_start": span("Engineers")["start"],
         "speaker_end": span("Engineers")["end"], "resolved": None, "mention_type": "description"},
    ]
    pred = [{"id": "a1", "claims": [
        claim(span("Ana Reyes"), None, span("May"), speaker_resolved=None),  # name as is
        claim(she, None, span("corners"), speaker_resolved=None),  # unresolved pronoun: wrong
        claim(span("Okafor"), None, span("done"), speaker_resolved={"text": "Tom Okafor"}),
        claim(span("Tom"), None, span("Mostly"), speaker_resolved="Tom Jones"),  # smaller overlap
        claim(span("Engineers"), None, span("repairs"), speaker_resolved=None),
    ]}]
    result = score_speakers(rows, pred)
    assert list(result) == ["full", "partial", "pronoun", "unnamed", "all"]
    assert result["full"] == {
        "gold": 1, "found": 1, "right": 1, "accuracy_found": 1.0, "accuracy_all": 1.0
    }
    assert result["pronoun"]["right"] == 0 and result["pronoun"]["found"] == 1
    assert result["partial"]["right"] == 1  # the larger overlap wins: "Okafor", not "Tom"
    assert result["unnamed"]["right"] == 1
    assert "description" not in result  # a null referent is "unnamed" whatever its type
    assert result["all"]["gold"] == 4 and result["all"]["right"] == 3
    assert score_speakers(rows, [])["all"] == {
        "gold": 4, "found": 0, "right": 0, "accuracy_found": 0.0, "accuracy_all": 0.0
    }


# reporting and files -----------------------------------------------------------


def _render(table: Any) -> str:
    console = Console(record=True, width=200, color_system=None)
    console.print(table)
    return console.export_text()


def test_evaluate_report_table() -> None:
    scores = score(GOLD, predict(*GOLD_CLAIMS))
    scores["speakers"] = score_speakers(
        [{"id": "a1", "speaker_start": 0, "speaker_end": 8, "resolved": "Ana Reyes",
          "mention_type": "full"}],
        predict(*GOLD_CLAIMS),
    )
    out = _render(report_table(scores))
    rows = {line.strip().split("  ")[0] for line in out.splitlines()}
    for label in (
        "content exact", "content partial", "content tokens", "content+speaker", "speaker",
        "cue", "by kind", "direct", "indirect", "mixed", "resolution", "full",
    ):
        assert label in rows, label
    assert "partial match: jaccard >= 0.5" in out
    assert "offset errors: 0" in out
    assert "4/4/4" in out  # content support: tp/predicted/gold


def _write_jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8")
    return path


@pytest.mark.parametrize(
    "content, message",
    [
        (None, "no such file"),
        ('{"id": "a", "text": "x"}\nnot json\n', ":2: not valid JSON"),
        ('{"id": "a"}\n', ":1: missing 'text'"),
        ("[1, 2]\n", ":1: expected a JSON object"),
        (b"\xff\xfe{}", "not valid UTF-8"),
    ],
    ids=["missing", "bad json", "no text", "not an object", "not utf-8"],
)
def test_evaluate_file_bad_gold(tmp_path: Path, content: str | bytes | None, message: str) -> None:
    path = tmp_path / "gold.jsonl"
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content, "utf-8")
    with pytest.raises(InputError, match=re.escape(message)):
        evaluate_file(path, nlp=None)  # type: ignore[arg-type]  (fails before using it)


# ---------------------------------------------------------------------------
# (b) agreement with ../shared/eval/score.py and score_speakers.py
# ---------------------------------------------------------------------------


def _load_reference(name: str) -> ModuleType:
    path = SHARED_EVAL / f"{name}.py"
    if not path.is_file():
        pytest.skip(f"{path} not found")
    spec = importlib.util.spec_from_file_location(f"shared_eval_{name}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def reference() -> ModuleType:
    return _load_reference("score")


@pytest.fixture(scope="module")
def reference_speakers() -> ModuleType:
    return _load_reference("score_speakers")


def _read_shared(name: str) -> list[dict]:
    path = SHARED_EVAL / name
    if not path.is_file():
        pytest.skip(f"{path} not found")
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


@pytest.fixture(scope="module")
def dev() -> list[dict]:
    return _read_shared("dev.jsonl")


@pytest.fixture(scope="module")
def dev_speakers() -> list[dict]:
    return _read_shared("dev_speakers.jsonl")


_WORD = re.compile(r"\w+")
QUOTES = "\"'\u201c\u201d\u2018\u2019`\u00ab\u00bb"


def _sub(text: str, start: int, end: int, **extra: Any) -> dict[str, Any]:
    return {"text": text[start:end], "start": start, "end": end, **extra}


def _trim(text: str, sp: dict, rng: random.Random) -> dict:
    """Move a content boundary by a few words, in or out."""
    start, end = int(sp["start"]), int(sp["end"])
    words = [(m.start() + start, m.end() + start) for m in _WORD.finditer(text[start:end])]
    if len(words) < 3:
        return sp
    how = rng.choice(["head", "tail", "both", "grow"])
    n = rng.randint(1, max(1, len(words) // 3))
    if how in ("head", "both"):
        start = words[n][0]
    if how in ("tail", "both"):
        end = words[-1 - n][1]
    if how == "grow":
        end = min(len(text), end + rng.randint(1, 40))
    return _sub(text, start, max(end, start + 1))


def _strip_quotes(text: str, sp: dict) -> dict:
    start, end = int(sp["start"]), int(sp["end"])
    while start < end and text[start] in QUOTES + " ":
        start += 1
    while end > start and text[end - 1] in QUOTES + " .,":
        end -= 1
    return _sub(text, start, end) if end > start else sp


def _perturb_claim(
    text: str, cl: dict, others: list[dict], rng: random.Random, heavy: bool
) -> dict:
    p = 0.5 if heavy else 0.15
    out = copy.deepcopy(cl)
    content = out["content"]
    if rng.random() < p:
        content = _trim(text, content, rng)
    if rng.random() < p:
        content = _strip_quotes(text, content)
    if content.get("fragments") and rng.random() < p:
        content = rng.choice([content["fragments"][0], hull(content)])
    out["content"] = content
    if rng.random() < p:  # speakers: swap, drop, shrink to last word, surname elsewhere, resolve
        other = rng.choice(others)
        how = rng.choice(["swap", "null", "last word", "elsewhere", "resolved"])
        spk = out.get("speaker")
        if how == "swap":
            out["speaker"] = copy.deepcopy(other.get("speaker"))
        elif how == "null":
            out["speaker"] = None
        elif spk and how == "last word":
            words = list(_WORD.finditer(spk["text"]))
            if words:
                last = words[-1]
                out["speaker"] = _sub(text, spk["start"] + last.start(), spk["start"] + last.end())
        elif spk and how == "elsewhere":
            words = _WORD.findall(spk["text"])
            hits = [m for m in re.finditer(re.escape(words[-1]), text)] if words else []
            if hits:
                m = rng.choice(hits)
                out["speaker"] = _sub(text, m.start(), m.end())
        elif how == "resolved":
            out["speaker"] = copy.deepcopy(other.get("speaker"))
            out["speaker_resolved"] = (spk or {}).get("text") if rng.random() < 0.7 else spk
    if rng.random() < p:
        out["cue"] = rng.choice([None, copy.deepcopy(rng.choice(others).get("cue"))])
    if rng.random() < p:
        out.pop("kind", None)
    elif rng.random() < p / 3:
        out["kind"] = rng.choice(["direct", "indirect", "mixed", "other"])
    if rng.random() < p / 5:
        # an offset error: the text does not match the offsets
        out["content"] = dict(out["content"], text=out["content"]["text"][:-1] + "#")
    if rng.random() < p / 10:
        out["content"] = {"text": "", "start": len(text) + 5, "end": len(text) + 9}  # invalid
    if rng.random() < p / 10:
        out["speaker"] = {"text": "?", "start": -3, "end": 2}  # invalid speaker
    return out


def _spurious(text: str, others: list[dict], rng: random.Random) -> dict:
    words = list(_WORD.finditer(text))
    i = rng.randrange(len(words))
    j = min(len(words) - 1, i + rng.randint(0, 25))
    other = rng.choice(others) if others else {}
    return {
        "speaker": copy.deepcopy(other.get("speaker")),
        "cue": copy.deepcopy(other.get("cue")),
        "content": _sub(text, words[i].start(), words[j].end()),
    }


def perturb(gold: list[dict], seed: int, heavy: bool) -> list[dict]:
    """Predictions derived from the gold: dropped, trimmed, misattributed and spurious claims."""
    rng = random.Random(seed)
    preds = []
    for doc in gold:
        if rng.random() < (0.1 if heavy else 0.02):
            continue  # a document without prediction
        text, claims = doc["text"], doc.get("claims") or []
        out = [
            _perturb_claim(text, cl, claims, rng, heavy)
            for cl in claims
            if rng.random() >= (0.3 if heavy else 0.1)
        ]
        for _ in range(rng.randint(0, 6 if heavy else 2)):
            out.insert(rng.randint(0, len(out)), _spurious(text, claims, rng))
        preds.append({"id": doc["id"], "claims": out})
    preds.append({"id": "not-in-gold", "claims": []})
    return preds


def _predictions(variant: str, dev: list[dict]) -> list[dict]:
    if variant == "perfect":
        return [{"id": d["id"], "claims": d["claims"]} for d in dev]
    if variant == "empty":
        return [{"id": d["id"], "claims": []} for d in dev]
    seed, heavy = {"light-1": (1, False), "heavy-2": (2, True), "heavy-3": (3, True)}[variant]
    return perturb(dev, seed, heavy)


def assert_agree(ours: dict, theirs: dict) -> None:
    mine, ref = headline_figures(ours), headline_figures(theirs)
    assert mine.keys() == ref.keys()
    off = {k: (mine[k], ref[k]) for k in mine if abs(mine[k] - ref[k]) > TOLERANCE}
    assert not off, f"figures differ by more than {TOLERANCE}: {off}"
    # the counts behind them are the same definitions, so they are equal
    for key in ("gold_claims", "pred_claims", "documents", "warnings", "by_kind", "speaker", "cue"):
        assert ours[key] == theirs[key], key
    for name in ("exact", "partial", "token"):
        assert ours["content"][name] == theirs["content"][name], name


@pytest.mark.parametrize("variant", ["perfect", "empty", "light-1", "heavy-2", "heavy-3"])
@pytest.mark.parametrize("threshold, overlap", [(0.5, "jaccard"), (0.3, "gold")])
def test_evaluate_agrees_with_shared_score(
    reference: ModuleType, dev: list[dict], variant: str, threshold: float, overlap: str
) -> None:
    preds = _predictions(variant, dev)
    ours = score(dev, preds, threshold=threshold, overlap=overlap)  # type: ignore[arg-type]
    theirs = reference.score(
        {d["id"]: d for d in dev}, {p["id"]: p for p in preds}, threshold, overlap
    )
    assert_agree(ours, theirs)
    if variant == "perfect":
        assert ours["content"]["exact"]["f1"] == 1.0 and ours["offset_errors"] == 0
    if variant.startswith("heavy"):  # the perturbations really exercise the scorer
        assert 0.2 < ours["content"]["partial"]["f1"] < 0.95
        assert ours["speaker"]["accuracy"] < 1.0 and ours["offset_errors"] > 0


def _reference_speakers(module: ModuleType, rows: list[dict], preds: list[dict], tmp: Path) -> dict:
    gold_path = _write_jsonl(tmp / "speakers.jsonl", rows)
    pred_path = _write_jsonl(tmp / "pred.jsonl", preds)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert module.main([str(gold_path), str(pred_path), "--json"]) == 0
    return json.loads(out.getvalue())


def _with_resolutions(preds: list[dict], rows: list[dict], seed: int) -> list[dict]:
    """Give predicted claims a speaker_resolved: the gold one, a variant of it, or a wrong one."""
    rng = random.Random(seed)
    gold = {(r["id"], r["speaker_start"]): r["resolved"] for r in rows}
    names = [r["resolved"] for r in rows if r["resolved"]]
    out = copy.deepcopy(preds)
    for doc in out:
        for cl in doc["claims"]:
            if cl.get("speaker") is None or cl.get("speaker_resolved") is not None:
                continue
            right = gold.get((doc["id"], cl["speaker"].get("start")))
            choice = rng.random()
            if choice < 0.4:
                cl["speaker_resolved"] = right
            elif choice < 0.55 and right:
                cl["speaker_resolved"] = right.split()[-1].upper()
            elif choice < 0.65:
                cl["speaker_resolved"] = {"text": right} if right else None
            elif choice < 0.8:
                cl["speaker_resolved"] = rng.choice(names)
            # else: left unresolved
    return out


@pytest.mark.parametrize("variant", ["perfect", "empty", "light-1", "heavy-2"])
def test_evaluate_speakers_agree_with_shared_score_speakers(
    reference_speakers: ModuleType,
    dev: list[dict],
    dev_speakers: list[dict],
    variant: str,
    tmp_path: Path,
) -> None:
    preds = _with_resolutions(_predictions(variant, dev), dev_speakers, seed=7)
    theirs = _reference_speakers(reference_speakers, dev_speakers, preds, tmp_path)
    ours = score_speakers(dev_speakers, preds)
    assert ours == theirs
    if variant == "light-1":
        assert 0.2 < ours["all"]["accuracy_found"] < 0.95


# the real pipeline (the session ``nlp`` of conftest.py) on a few dev articles -----


def test_evaluate_file_agrees_with_shared_score_on_pipeline_output(
    nlp: Language,
    reference: ModuleType,
    reference_speakers: ModuleType,
    dev: list[dict],
    dev_speakers: list[dict],
    tmp_path: Path,
) -> None:
    few = dev[:4]
    ids = {d["id"] for d in few}
    rows = [r for r in dev_speakers if r["id"] in ids]
    gold_path = _write_jsonl(tmp_path / "gold.jsonl", few)
    speakers_path = _write_jsonl(tmp_path / "gold_speakers.jsonl", rows)

    ours, preds = evaluate_file(gold_path, nlp, batch_size=2, speakers_path=speakers_path)

    assert [p["id"] for p in preds] == [d["id"] for d in few]
    assert all(isinstance(p["claims"], list) for p in preds)
    assert ours["documents"] == 4 and ours["gold_claims"] == sum(len(d["claims"]) for d in few)
    theirs = reference.score({d["id"]: d for d in few}, {p["id"]: p for p in preds})
    assert_agree(ours, theirs)
    assert ours["offset_errors"] == sum(
        len(offset_errors(d["text"], p)) for d, p in zip(few, preds)
    )
    assert ours["speakers"] == _reference_speakers(reference_speakers, rows, preds, tmp_path)
