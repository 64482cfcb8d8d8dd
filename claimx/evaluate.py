"""Scoring claimx output against annotated articles.

Two scorers live here, each written for claimx but defined exactly like the
project's reference scorers in ``../shared/eval`` so that the figures agree:

* :func:`score` measures claims (content, speaker, cue) the way ``score.py`` does;
* :func:`score_speakers` measures speaker *resolution* the way ``score_speakers.py`` does.

:func:`evaluate_file` runs a pipeline over a gold JSONL file and scores it, and
:func:`report_table` renders the scores for a terminal. Nothing here imports spaCy
at module level: the pipeline is only touched inside :func:`evaluate_file`.

Matching rules, in short (see ``../shared/eval/README.md`` for the rationale):

* Content is compared as a *set of word tokens* of the article (``\\w+`` runs, with
  inner apostrophes), so whitespace, punctuation and quotation marks at the edges
  do not matter, and a discontinuous span counts only the tokens of its fragments.
* **exact**: identical token sets, one-to-one, gold claims in order.
* **partial**: greedy one-to-one matching, best overlap first, where the overlap
  is token Jaccard (or gold coverage) and must reach ``threshold``.
* **token**: citron's overlap of all content tokens of the article.
* **speaker** (on partial matches whose gold speaker is not null): the spans
  overlap, or normalised names are equal, or one is the other's surname; gold and
  predicted ``speaker_resolved`` names and spans count too; pronouns match only by
  overlap.
* **cue** (on partial matches whose gold cue is not null): spans overlap or
  normalised strings are equal.
* **by kind**: recall side by the gold ``kind``, precision side by the predicted
  ``kind`` (or, when absent, the quotation-mark heuristic of :func:`content_kind`).
"""

from __future__ import annotations

import json
import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from rich import box
from rich.table import Table

from .errors import ClaimxError, InputError

if TYPE_CHECKING:
    from spacy.language import Language

JSONDict = Mapping[str, Any]
Range = tuple[int, int]
OverlapMode = Literal["jaccard", "gold"]

KINDS = ("direct", "indirect", "mixed")

#: A word token: a run of word characters, possibly joined by apostrophes ("don't", "O’Brien").
WORD_PATTERN = re.compile(r"\w+(?:['\u2019]\w+)*")

OPENING_QUOTES = frozenset("\u201c\u201e\u00ab")  # “ „ «
CLOSING_QUOTES = frozenset("\u201d\u00bb")  # ” »

PRONOUNS = frozenset(
    "he she they it we i you him her them us me his hers their its who which that this "
    "these those one".split()
)
#: Words dropped from the front of a name before comparing ("Mr. Smith" == "Smith").
NAME_PREFIXES = frozenset(
    "the a an mr mrs ms miss dr sen senator rep gov governor president prof professor gen "
    "general secretary minister mayor judge justice lt col capt sgt rev sir dame lord lady".split()
)
#: Words dropped from the end of a name ("John Roberts Jr." == "John Roberts").
NAME_SUFFIXES = frozenset("jr sr ii iii iv".split())

#: The figures compared between claimx's scorer and the reference scorer.
HEADLINE_PRF = ("exact", "partial", "token")
HEADLINE_KIND_FIELDS = (
    "partial_precision",
    "partial_recall",
    "partial_f1",
    "exact_recall",
    "speaker_accuracy",
)


# ---------------------------------------------------------------------------
# Tokens, quotation marks and spans
# ---------------------------------------------------------------------------


class WordIndex:
    """The word tokens of one article, as sorted character offsets."""

    def __init__(self, text: str) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []
        for match in WORD_PATTERN.finditer(text):
            self.starts.append(match.start())
            self.ends.append(match.end())

    def tokens(self, ranges: Iterable[Range]) -> frozenset[int]:
        """Indices of the tokens that overlap any of ``ranges`` by at least one character."""
        found: set[int] = set()
        for start, end in ranges:
            if end <= start:
                continue
            first = bisect_right(self.ends, start)  # first token ending after `start`
            stop = bisect_left(self.starts, end)  # tokens starting before `end`
            found.update(range(first, stop))
        return frozenset(found)


def quote_mask(text: str) -> list[bool]:
    """For each character of ``text``, whether it lies inside double quotation marks.

    Curly and guillemet quotes open and close; a straight ``"`` and a doubled
    apostrophe ``''`` (NYT archive style) toggle; a doubled backtick opens. A newline closes any
    open quotation so an unbalanced mark cannot run past its paragraph. The marks
    themselves take the state *after* them: an opening mark is inside, a closing one
    outside.
    """
    mask = [False] * len(text)
    inside = False
    i = 0
    while i < len(text):
        char = text[i]
        width = 1
        if char == "\n":
            inside = False
        elif char in OPENING_QUOTES:
            inside = True
        elif char in CLOSING_QUOTES:
            inside = False
        elif char == '"':
            inside = not inside
        elif text.startswith("''", i):
            inside = not inside
            width = 2
        elif text.startswith("``", i):
            inside = True
            width = 2
        for j in range(i, min(i + width, len(text))):
            mask[j] = inside
        i += width
    return mask


def span_ranges(span: JSONDict | None) -> list[Range]:
    """The character ranges a span covers: its fragments if it has any, else its hull."""
    if not span:
        return []
    ranges = [r for r in map(_range_of, span.get("fragments") or ()) if r is not None]
    if ranges:
        return ranges
    hull = _range_of(span)
    return [hull] if hull is not None else []


def _range_of(span: Any) -> Range | None:
    try:
        return int(span["start"]), int(span["end"])
    except (KeyError, TypeError, ValueError):
        return None


def _ranges_overlap(a: Sequence[Range], b: Sequence[Range]) -> bool:
    return any(s1 < e2 and s2 < e1 for s1, e1 in a for s2, e2 in b)


def _is_valid_span(span: Any, text_length: int) -> bool:
    """A span whose offsets are integers inside the text and not empty."""
    if not isinstance(span, Mapping):
        return False
    hull = _range_of(span)
    return hull is not None and 0 <= hull[0] < hull[1] <= text_length


def content_kind(tokens: frozenset[int], words: WordIndex, mask: Sequence[bool]) -> str | None:
    """``direct`` if every token is quoted, ``indirect`` if none is, else ``mixed``.

    ``None`` when the content has no word tokens.
    """
    if not tokens:
        return None
    quoted = sum(1 for t in tokens if mask[words.starts[t]])
    if quoted == len(tokens):
        return "direct"
    return "indirect" if quoted == 0 else "mixed"


# ---------------------------------------------------------------------------
# Speaker and cue matching
# ---------------------------------------------------------------------------


def normalise_name(name: str | None) -> str:
    """A name reduced for comparison: case, possessive, punctuation, titles, suffixes."""
    if not name:
        return ""
    name = unicodedata.normalize("NFKC", name).lower().replace("\u2019", "'")
    name = re.sub(r"'s\b", "", name)
    words = re.sub(r"[^\w\s-]", " ", name).split()
    while words and words[0] in NAME_PREFIXES:
        words.pop(0)
    while words and words[-1] in NAME_SUFFIXES:
        words.pop()
    return " ".join(words)


def surname(normalised: str) -> str:
    """The last word of a normalised name, unless it is a pronoun."""
    words = normalised.split()
    if not words or words[-1] in PRONOUNS:
        return ""
    return words[-1]


def _resolved_names_and_ranges(value: Any) -> tuple[list[str], list[Range]]:
    """``speaker_resolved`` may be a string, a span, or a list of either."""
    names: list[str] = []
    ranges: list[Range] = []
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, str):
            names.append(item)
        elif isinstance(item, Mapping):
            if isinstance(item.get("text"), str):
                names.append(item["text"])
            ranges.extend(span_ranges(item))
    return names, ranges


def speaker_matches(gold_claim: JSONDict, pred_claim: JSONDict) -> bool:
    """Whether the predicted claim names the gold claim's speaker (see module docstring)."""
    gold, pred = gold_claim.get("speaker"), pred_claim.get("speaker")
    if gold is None:
        return pred is None
    if pred is None:
        return False
    gold_names, gold_ranges = [gold.get("text")], span_ranges(gold)
    pred_names, pred_ranges = [pred.get("text")], span_ranges(pred)
    for value in (gold.get("speaker_resolved"), gold_claim.get("speaker_resolved")):
        names, ranges = _resolved_names_and_ranges(value)
        gold_names += names
        gold_ranges += ranges
    for value in (pred.get("speaker_resolved"), pred_claim.get("speaker_resolved")):
        names, ranges = _resolved_names_and_ranges(value)
        pred_names += names
        pred_ranges += ranges
    # One side's mention against the other side's mention or resolved antecedent.
    if _ranges_overlap(span_ranges(gold), pred_ranges) or _ranges_overlap(
        gold_ranges, span_ranges(pred)
    ):
        return True
    gold_set = {normalise_name(n) for n in gold_names if isinstance(n, str)} - {""}
    pred_set = {normalise_name(n) for n in pred_names if isinstance(n, str)} - {""}
    for p in pred_set:
        for g in gold_set:
            if p in PRONOUNS or g in PRONOUNS:
                continue  # "he" elsewhere in the article says nothing: pronouns need overlap
            if p == g or p == surname(g) or surname(p) == g:
                return True
    return False


def cue_matches(gold_claim: JSONDict, pred_claim: JSONDict) -> bool:
    """Whether the predicted cue overlaps the gold cue or reads the same."""
    gold, pred = gold_claim.get("cue"), pred_claim.get("cue")
    if gold is None or pred is None:
        return False
    if _ranges_overlap(span_ranges(gold), span_ranges(pred)):
        return True
    return normalise_name(gold.get("text")) == normalise_name(pred.get("text")) != ""


# ---------------------------------------------------------------------------
# Offsets
# ---------------------------------------------------------------------------

_CLAIM_SPAN_ROLES = ("speaker", "cue", "content", "addressee")


def _iter_spans(article: JSONDict) -> Iterator[tuple[str, Any]]:
    """Every (location, span) of an article dict that promises offsets into its text."""
    for ci, claim in enumerate(article.get("claims") or ()):
        if not isinstance(claim, Mapping):
            continue
        for role in _CLAIM_SPAN_ROLES:
            span = claim.get(role)
            if span is None:
                continue
            yield f"claims[{ci}].{role}", span
            if isinstance(span, Mapping):
                for fi, fragment in enumerate(span.get("fragments") or ()):
                    yield f"claims[{ci}].{role}.fragments[{fi}]", fragment
        resolved = claim.get("speaker_resolved")
        # a resolved name may be a bare {"text": name}; only one with offsets promises them
        if isinstance(resolved, Mapping) and ("start" in resolved or "end" in resolved):
            yield f"claims[{ci}].speaker_resolved", resolved
    for si, speaker in enumerate(article.get("speakers") or ()):
        if isinstance(speaker, Mapping):
            for mi, mention in enumerate(speaker.get("mentions") or ()):
                yield f"speakers[{si}].mentions[{mi}]", mention


def offset_errors(text: str, article: JSONDict) -> list[str]:
    """Locations of the spans of ``article`` that break ``text[start:end] == span["text"]``.

    Every claim span (and fragment) and every speaker mention is checked; a span
    without integer offsets inside the text, or without its text, is an error too.

        >>> cue = {"text": "said", "start": 3, "end": 7}
        >>> offset_errors("He said so.", {"claims": [{"cue": cue}]})
        []
    """
    bad = []
    for where, span in _iter_spans(article):
        hull = _range_of(span)
        if (
            hull is None
            or not 0 <= hull[0] <= hull[1] <= len(text)
            or span.get("text") != text[hull[0] : hull[1]]
        ):
            bad.append(where)
    return bad


# ---------------------------------------------------------------------------
# Claim scoring
# ---------------------------------------------------------------------------


def prf(tp: int, n_pred: int, n_gold: int) -> dict[str, float | int]:
    """Precision, recall and F1 with their counts (0.0 where undefined)."""
    precision = tp / n_pred if n_pred else 0.0
    recall = tp / n_gold if n_gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "tp": tp,
        "fp": n_pred - tp,
        "fn": n_gold - tp,
    }


def accuracy(correct: int, evaluated: int) -> dict[str, float | int]:
    """Accuracy with its counts (0.0 when nothing was evaluated)."""
    return {
        "accuracy": correct / evaluated if evaluated else 0.0,
        "correct": correct,
        "evaluated": evaluated,
    }


@dataclass
class _Tally:
    """Counts summed over documents; ``kinds`` holds one Counter per content kind."""

    totals: Counter[str] = field(default_factory=Counter)
    kinds: dict[str, Counter[str]] = field(default_factory=dict)
    warnings: Counter[str] = field(default_factory=Counter)

    def kind(self, name: str | None) -> Counter[str]:
        return self.kinds.setdefault(name or "unknown", Counter())


def _by_id(docs: Iterable[JSONDict] | Mapping[str, JSONDict]) -> dict[str, JSONDict]:
    """Documents keyed by ``str(id)``; on duplicate ids the last one wins."""
    if isinstance(docs, Mapping):
        return {str(k): v for k, v in docs.items()}
    return {str(doc.get("id")): doc for doc in docs}


def _clean_predictions(
    text: str, pred_doc: JSONDict | None, tally: _Tally
) -> list[dict[str, Any]]:
    """The scorable predicted claims of one document, with warnings counted.

    A claim whose content has no valid offsets is dropped; an invalid speaker or
    cue becomes null.
    """
    claims = []
    for raw in ((pred_doc or {}).get("claims") or ()):
        content = raw.get("content") if isinstance(raw, Mapping) else None
        if not content or not _is_valid_span(content, len(text)):
            tally.warnings["pred_claims_invalid_content"] += 1
            continue
        claim = dict(raw)
        for role in ("speaker", "cue"):
            span = claim.get(role)
            if span is not None and not _is_valid_span(span, len(text)):
                tally.warnings["pred_invalid_speaker_or_cue"] += 1
                claim[role] = None
        for role in ("content", "speaker", "cue"):
            span = claim.get(role)
            if (
                span
                and isinstance(span.get("text"), str)
                and not span.get("fragments")
                and text[int(span["start"]) : int(span["end"])] != span["text"]
            ):
                tally.warnings["pred_span_text_mismatch"] += 1
        claims.append(claim)
    return claims


def _overlap(gold: frozenset[int], pred: frozenset[int], mode: OverlapMode) -> float:
    shared = len(gold & pred)
    if not shared:
        return 0.0
    return shared / len(gold) if mode == "gold" else shared / len(gold | pred)


def _partial_matches(
    gold_tokens: Sequence[frozenset[int]],
    pred_tokens: Sequence[frozenset[int]],
    threshold: float,
    mode: OverlapMode,
) -> dict[int, int]:
    """Greedy one-to-one matching, best overlap first (ties: earlier gold, earlier pred)."""
    candidates = []
    for gi, g in enumerate(gold_tokens):
        for pi, p in enumerate(pred_tokens):
            if g & p:
                value = _overlap(g, p, mode)
                if value >= threshold:
                    candidates.append((-value, gi, pi))
    candidates.sort()
    gold_to_pred: dict[int, int] = {}
    taken: set[int] = set()
    for _, gi, pi in candidates:
        if gi not in gold_to_pred and pi not in taken:
            gold_to_pred[gi] = pi
            taken.add(pi)
    return gold_to_pred


def _score_document(
    gold_doc: JSONDict,
    pred_doc: JSONDict | None,
    tally: _Tally,
    threshold: float,
    mode: OverlapMode,
) -> None:
    text: str = gold_doc.get("text", "")
    words = WordIndex(text)
    gold_claims = [c for c in gold_doc.get("claims") or () if c.get("content")]
    pred_claims = _clean_predictions(text, pred_doc, tally)
    if pred_doc is not None:
        tally.totals["offset_errors"] += len(offset_errors(text, pred_doc))

    gold_tokens = [words.tokens(span_ranges(c["content"])) for c in gold_claims]
    pred_tokens = [words.tokens(span_ranges(c["content"])) for c in pred_claims]
    gold_kinds = [c.get("kind") for c in gold_claims]
    mask: list[bool] | None = None
    pred_kinds = []
    for claim, tokens in zip(pred_claims, pred_tokens):
        kind = claim.get("kind")
        if kind not in KINDS:
            mask = mask if mask is not None else quote_mask(text)
            kind = content_kind(tokens, words, mask)
        pred_kinds.append(kind)

    totals = tally.totals
    totals["gold"] += len(gold_claims)
    totals["pred"] += len(pred_claims)
    for kind in gold_kinds:
        tally.kind(kind)["gold"] += 1
    for kind in pred_kinds:
        tally.kind(kind)["pred"] += 1

    # citron's token overlap: every content token of the article, counted once
    all_gold = frozenset().union(*gold_tokens)
    all_pred = frozenset().union(*pred_tokens)
    totals["tok_gold"] += len(all_gold)
    totals["tok_pred"] += len(all_pred)
    totals["tok_tp"] += len(all_gold & all_pred)

    # exact: gold claims in order, each takes the first unused identical prediction
    used: set[int] = set()
    for gi, tokens in enumerate(gold_tokens):
        if not tokens:
            continue
        pi = next(
            (pi for pi, p in enumerate(pred_tokens) if pi not in used and p == tokens), None
        )
        if pi is not None:
            used.add(pi)
            totals["exact_tp"] += 1
            tally.kind(gold_kinds[gi])["exact_tp_gold"] += 1

    for gi, pi in _partial_matches(gold_tokens, pred_tokens, threshold, mode).items():
        gold, pred = gold_claims[gi], pred_claims[pi]
        totals["partial_tp"] += 1
        tally.kind(gold_kinds[gi])["partial_tp_gold"] += 1
        tally.kind(pred_kinds[pi])["partial_tp_pred"] += 1
        speaker_ok = speaker_matches(gold, pred)
        if gold.get("speaker") is None:
            totals["spk_gold_null"] += 1
        else:
            totals["spk_n"] += 1
            totals["spk_ok"] += int(speaker_ok)
            tally.kind(gold_kinds[gi])["spk_n"] += 1
            tally.kind(gold_kinds[gi])["spk_ok"] += int(speaker_ok)
        totals["cs_tp"] += int(speaker_ok)
        if gold.get("cue") is not None:
            totals["cue_n"] += 1
            totals["cue_ok"] += int(cue_matches(gold, pred))


def score(
    gold_docs: Iterable[JSONDict] | Mapping[str, JSONDict],
    pred_docs: Iterable[JSONDict] | Mapping[str, JSONDict],
    threshold: float = 0.5,
    overlap: OverlapMode = "jaccard",
) -> dict[str, Any]:
    """Score predicted claims against gold claims.

    Args:
        gold_docs: gold articles ``{"id", "text", "claims"}``, as a list or keyed by id.
        pred_docs: predicted articles ``{"id", "claims"}`` (claimx output), offsets into
            the gold text; a gold article without a prediction counts as predicting nothing.
        threshold: the overlap a gold and a predicted content need for a partial match.
        overlap: ``jaccard`` (|G∩P| / |G∪P|) or ``gold`` (|G∩P| / |G|, the Gender Gap
            Tracker convention).

    Returns:
        The same shape as ``../shared/eval/score.py --json`` (``content.exact|partial|token``,
        ``speaker``, ``cue``, ``content_speaker``, ``by_kind``, ``warnings`` ...) plus
        ``offset_errors``: the number of predicted spans whose text is not
        ``text[start:end]`` (see :func:`offset_errors`).
    """
    gold = _by_id(gold_docs)
    pred = _by_id(pred_docs)
    tally = _Tally()
    tally.warnings.update(
        pred_docs_not_in_gold=sum(1 for doc_id in pred if doc_id not in gold),
        gold_docs_without_pred=sum(1 for doc_id in gold if doc_id not in pred),
    )
    for doc_id, gold_doc in gold.items():
        _score_document(gold_doc, pred.get(doc_id), tally, threshold, overlap)

    t = tally.totals
    warning_names = (
        "pred_docs_not_in_gold",
        "gold_docs_without_pred",
        "pred_claims_invalid_content",
        "pred_invalid_speaker_or_cue",
        "pred_span_text_mismatch",
    )
    return {
        "documents": len(gold),
        "gold_claims": t["gold"],
        "pred_claims": t["pred"],
        "settings": {"threshold": threshold, "overlap": overlap},
        "content": {
            "exact": prf(t["exact_tp"], t["pred"], t["gold"]),
            "partial": prf(t["partial_tp"], t["pred"], t["gold"]),
            "token": prf(t["tok_tp"], t["tok_pred"], t["tok_gold"]),
        },
        "speaker": {
            **accuracy(t["spk_ok"], t["spk_n"]),
            "matched_with_null_gold_speaker": t["spk_gold_null"],
        },
        "cue": accuracy(t["cue_ok"], t["cue_n"]),
        "content_speaker": prf(t["cs_tp"], t["pred"], t["gold"]),
        "by_kind": {name: _kind_scores(c) for name, c in sorted(tally.kinds.items())},
        "warnings": {name: tally.warnings[name] for name in warning_names},
        "offset_errors": t["offset_errors"],
    }


def _kind_scores(c: Counter[str]) -> dict[str, float | int]:
    precision = c["partial_tp_pred"] / c["pred"] if c["pred"] else 0.0
    recall = c["partial_tp_gold"] / c["gold"] if c["gold"] else 0.0
    return {
        "gold": c["gold"],
        "pred": c["pred"],
        "partial_precision": precision,
        "partial_recall": recall,
        "partial_f1": (
            2 * precision * recall / (precision + recall) if precision + recall else 0.0
        ),
        "exact_recall": c["exact_tp_gold"] / c["gold"] if c["gold"] else 0.0,
        "speaker_accuracy": c["spk_ok"] / c["spk_n"] if c["spk_n"] else 0.0,
        "speaker_evaluated": c["spk_n"],
    }


def headline_figures(scores: JSONDict) -> dict[str, float]:
    """The headline figures of a :func:`score` result, flat: ``{"content.exact.f1": 0.41, ...}``.

    Works on the output of ``../shared/eval/score.py --json`` too, which makes
    comparing the two scorers a dict comparison.
    """
    out: dict[str, float] = {}
    for name in HEADLINE_PRF:
        for measure in ("precision", "recall", "f1"):
            out[f"content.{name}.{measure}"] = scores["content"][name][measure]
    for measure in ("precision", "recall", "f1"):
        out[f"content_speaker.{measure}"] = scores["content_speaker"][measure]
    out["speaker.accuracy"] = scores["speaker"]["accuracy"]
    out["cue.accuracy"] = scores["cue"]["accuracy"]
    for kind, figures in scores["by_kind"].items():
        for name in HEADLINE_KIND_FIELDS:
            out[f"by_kind.{kind}.{name}"] = figures[name]
    return out


# ---------------------------------------------------------------------------
# Speaker resolution scoring
# ---------------------------------------------------------------------------


def normalise_resolution(name: str | None) -> str:
    """A resolved name reduced for comparison: case, possessive, punctuation, a leading article."""
    s = (name or "").lower().replace("\u2019", "'")
    s = re.sub(r"'s\b", "", s)
    s = re.sub(r"[^a-z0-9 ]", " ", s)
    s = re.sub(r"^(the|a|an) ", "", s.strip())
    return re.sub(r"\s+", " ", s).strip()


def resolution_matches(gold: str | None, pred: str | None, mention: str | None) -> bool:
    """Whether a predicted resolved name stands for the gold one.

    Equal after normalisation, or one is the other's last word (surname), or the
    prediction contains the gold's first and last words. A gold ``None`` (an unnamed
    referent) is matched by ``None``, an empty name, or the mention itself left unresolved.
    """
    g, p = normalise_resolution(gold), normalise_resolution(pred)
    if gold is None:
        return pred is None or p == "" or p == normalise_resolution(mention)
    if not p:
        return False
    if g == p:
        return True
    gold_words, pred_words = g.split(), p.split()
    if not gold_words:
        return False
    if len(pred_words) == 1 and pred_words[0] == gold_words[-1]:
        return True
    if len(gold_words) == 1 and gold_words[0] == pred_words[-1]:
        return True
    return gold_words[-1] in pred_words and gold_words[0] in pred_words


def _claim_for_mention(claims: Iterable[Any], start: int, end: int) -> JSONDict | None:
    """The claim whose speaker span overlaps [start, end) most (the first on ties)."""
    best: JSONDict | None = None
    best_overlap = 0
    for claim in claims:
        speaker = claim.get("speaker") if isinstance(claim, Mapping) else None
        hull = _range_of(speaker) if isinstance(speaker, Mapping) else None
        if hull is None:
            continue
        overlap = min(end, hull[1]) - max(start, hull[0])
        if overlap > best_overlap:
            best, best_overlap = claim, overlap
    return best


def _predicted_name(claim: JSONDict, gold_resolved: str | None) -> str | None:
    name = claim.get("speaker_resolved")
    if isinstance(name, Mapping):
        name = name.get("text") or name.get("name")
    if name is not None and not isinstance(name, str):
        name = None
    if name is None and gold_resolved is not None:
        name = claim["speaker"].get("text")  # left unresolved: the mention stands for itself
    return name


def score_speakers(
    gold_rows: Iterable[JSONDict],
    pred_docs: Iterable[JSONDict] | Mapping[str, JSONDict],
) -> dict[str, dict[str, float | int]]:
    """Score speaker resolution like ``../shared/eval/score_speakers.py``.

    Args:
        gold_rows: one row per gold speaker mention (``dev_speakers.jsonl``):
            ``{"id", "speaker_start", "speaker_end", "speaker_text"?, "resolved",
            "mention_type"}``.
        pred_docs: claimx articles; each claim's ``speaker`` span and ``speaker_resolved``.

    Returns:
        Per mention type (``pronoun``, ``partial``, ``description``, ``full``, ``other``,
        ``unnamed`` for gold ``null`` referents) and ``all``: ``gold``, ``found`` (a predicted
        speaker span overlaps the mention), ``right`` (its resolved name matches, see
        :func:`resolution_matches`), ``accuracy_found`` and ``accuracy_all``.
    """
    preds = {doc_id: doc.get("claims") or [] for doc_id, doc in _by_id(pred_docs).items()}
    counts: dict[str, Counter[str]] = {}
    for row in gold_rows:
        resolved = row.get("resolved")
        mention_type = "unnamed" if resolved is None else row.get("mention_type")
        # score_speakers.py files a row without mention_type under "all" twice; here it counts once.
        keys = {mention_type or "all", "all"}
        claim = _claim_for_mention(
            preds.get(str(row.get("id")), []), int(row["speaker_start"]), int(row["speaker_end"])
        )
        right = False
        if claim is not None:
            mention = row.get("speaker_text") or claim["speaker"].get("text")
            right = resolution_matches(resolved, _predicted_name(claim, resolved), mention)
        for key in keys:
            c = counts.setdefault(key, Counter())
            c["gold"] += 1
            c["found"] += int(claim is not None)
            c["right"] += int(right)
    return {
        key: {
            "gold": c["gold"],
            "found": c["found"],
            "right": c["right"],
            "accuracy_found": c["right"] / c["found"] if c["found"] else 0.0,
            "accuracy_all": c["right"] / c["gold"] if c["gold"] else 0.0,
        }
        for key, c in sorted(counts.items(), key=lambda kv: (kv[0] == "all", kv[0]))
    }


# ---------------------------------------------------------------------------
# Files and the pipeline
# ---------------------------------------------------------------------------


def read_jsonl(path: Path, required: Sequence[str] = ()) -> list[dict[str, Any]]:
    """The JSON objects of a JSONL file (blank lines skipped).

    Raises ``InputError`` naming the file and line for an unreadable file, a line
    that is not a JSON object, or an object missing one of ``required``.
    """
    try:
        # split on "\n" only: str.splitlines() would also break at U+2028 inside JSON strings
        lines = Path(path).read_text(encoding="utf-8-sig").split("\n")
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory, expected a JSONL file") from None
    except UnicodeDecodeError:
        raise InputError(f"{path}: not valid UTF-8; annotated JSONL must be UTF-8") from None
    except OSError as err:
        raise InputError(f"{path}: cannot read ({err.strerror or err})") from None
    records = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as err:
            raise InputError(f"{path}:{number}: not valid JSON ({err.msg})") from None
        if not isinstance(record, dict):
            raise InputError(f"{path}:{number}: expected a JSON object")
        missing = [key for key in required if key not in record]
        if missing:
            raise InputError(f"{path}:{number}: missing {', '.join(map(repr, missing))}")
        records.append(record)
    return records


def read_gold(path: Path) -> list[dict[str, Any]]:
    """Gold articles from an annotated JSONL file (``{"id", "text", "claims"}`` per line)."""
    records = read_jsonl(path, required=("id", "text"))
    for number, record in enumerate(records, 1):
        if not isinstance(record["text"], str):
            raise InputError(f"{path}: record {number} ({record['id']}): \"text\" is not a string")
    return records


def evaluate_file(
    gold_path: Path,
    nlp: Language,
    batch_size: int = 16,
    speakers_path: Path | None = None,
    n_process: int = 1,
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Run ``nlp`` over the texts of a gold JSONL file and score the result.

    Args:
        gold_path: annotated articles in the format of ``../shared/eval/dev.jsonl``.
        nlp: a claimx pipeline (:func:`claimx.pipeline.load_pipeline`).
        batch_size: documents per ``nlp.pipe`` batch.
        speakers_path: optional speaker-resolution gold (``dev_speakers.jsonl``); when
            given, ``scores["speakers"]`` holds :func:`score_speakers`.
        n_process: processes for ``nlp.pipe``.

    Returns:
        ``(scores, predictions)``: the :func:`score` result, and one claimx article dict
        per gold article, in file order.
    """
    from .pipeline import doc_to_article, extract_docs

    gold = read_gold(gold_path)
    speaker_rows = (
        read_jsonl(speakers_path, required=("id", "speaker_start", "speaker_end", "resolved"))
        if speakers_path is not None
        else None
    )
    docs = extract_docs(nlp, (g["text"] for g in gold), batch_size=batch_size, n_process=n_process)
    predictions = [doc_to_article(doc, str(g["id"])).to_dict() for g, doc in zip(gold, docs)]
    if len(predictions) != len(gold):
        # nlp.pipe drops a doc whose component failed under a non-raising error handler
        raise ClaimxError(
            f"{gold_path}: the pipeline returned {len(predictions)} documents for "
            f"{len(gold)} articles; cannot align predictions with the gold"
        )
    scores = score(gold, predictions)
    if speaker_rows is not None:
        scores["speakers"] = score_speakers(speaker_rows, predictions)
    return scores, predictions


# ---------------------------------------------------------------------------
# Reporting
# ---------------------------------------------------------------------------


def _pct(value: float) -> str:
    return f"{value:.3f}"


def report_table(scores: JSONDict) -> Table:
    """A Rich table of a :func:`score` (or :func:`evaluate_file`) result.

    One row per metric (content exact / partial / tokens, content+speaker, speaker,
    cue), then one per content kind and, when present, one per speaker mention type.
    """
    table = Table(
        title=(
            f"claimx evaluation: {scores['documents']} documents, "
            f"{scores['gold_claims']} gold claims, {scores['pred_claims']} predicted"
        ),
        caption=_caption(scores),
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        title_justify="left",
        caption_justify="left",
    )
    table.add_column("metric", no_wrap=True)
    for name in ("P", "R", "F1", "exact R", "acc."):
        table.add_column(name, justify="right", no_wrap=True)
    table.add_column("support", justify="right", no_wrap=True)

    content = scores["content"]
    for label, m in (
        ("content exact", content["exact"]),
        ("content partial", content["partial"]),
        ("content tokens", content["token"]),
        ("content+speaker", scores["content_speaker"]),
    ):
        support = f"{m['tp']}/{m['tp'] + m['fp']}/{m['tp'] + m['fn']}"
        table.add_row(
            label, _pct(m["precision"]), _pct(m["recall"]), _pct(m["f1"]), "", "", support
        )
    for label, m in (("speaker", scores["speaker"]), ("cue", scores["cue"])):
        support = f"{m['correct']}/{m['evaluated']}"
        table.add_row(label, "", "", "", "", _pct(m["accuracy"]), support)

    table.add_section()
    table.add_row("by kind")
    for kind, k in scores["by_kind"].items():
        table.add_row(
            f"  {kind}",
            _pct(k["partial_precision"]),
            _pct(k["partial_recall"]),
            _pct(k["partial_f1"]),
            _pct(k["exact_recall"]),
            _pct(k["speaker_accuracy"]),
            f"{k['gold']}/{k['pred']}",
        )

    if "speakers" in scores:
        table.add_section()
        table.add_row("resolution")
        for mention_type, r in scores["speakers"].items():
            table.add_row(
                f"  {mention_type}", "", _pct(r["accuracy_all"]), "", "",
                _pct(r["accuracy_found"]), f"{r['right']}/{r['found']}/{r['gold']}",
            )
    return table


def _caption(scores: JSONDict) -> str:
    settings = scores.get("settings", {})
    notes = [
        f"partial match: {settings.get('overlap', 'jaccard')} >= "
        f"{settings.get('threshold', 0.5):g}; speaker, cue: accuracy on partial matches",
        "support: tp/predicted/gold (content tokens: in tokens)",
        "by kind: partial P (predicted kind) and R (gold kind), speaker acc.; support gold/pred",
    ]
    if "speakers" in scores:
        notes.append("resolution of speaker mentions: R = right/gold, acc. = right/found")
    notes.append(f"offset errors: {scores.get('offset_errors', 0)}")
    warnings = {k: v for k, v in scores.get("warnings", {}).items() if v}
    if warnings:
        notes.append("warnings: " + ", ".join(f"{k}={v}" for k, v in warnings.items()))
    return "\n".join(notes)
