"""A trained choice of where a kept claim's content begins and ends.

The rules draw content along the parse; annotators often draw it one clause
longer or shorter than the parse suggests ("... to threaten Moscow or even
directly declare it responsible", "... the corrupting influence of super PACs,
including the one supporting Bush"). For every kept claim the rules' content and
a few alternatives are scored: the content run on to the end (or back to the
start) of its sentence, one or two more sentences of the paragraph, the content
cut at a comma, and the content grown or trimmed to the words the content tagger
believes; the content with the addressee that stands before it ("urged
supporters to ..."), or without the phrase that opens it. A log-linear model
over what each alternative adds or removes (how much the tagger believes those
words, whether it sees a content begin and end at the alternative's edges, how
the words hang in the parse) chooses among them; an alternative replaces the
rules' content only when it scores higher by the learned margin.

Weights: ``models/<lang>/content_boundaries.json``, trained by
``scripts/train_boundaries.py`` on the claims the trained scorer keeps. The
model reads the tagger's probabilities, so it runs only where the tagger does.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy
from spacy.attrs import DEP, HEAD, IS_PUNCT, IS_SPACE, ORTH, POS, SENT_START
from spacy.tokens import Doc
from spacy.util import registry

from ..assets import models_dir
from .content_tagger import CONTENT, END, START
from .frames import NOMINAL_SUBJECTS
from .linear import Features, bucket, decode, encode, read_model, weighted_sum

if TYPE_CHECKING:  # pragma: no cover
    from .attribution import Draft, _DocIndex

BOUNDARIES_FILE = "content_boundaries.json"
#: The rules' own content, always among the variants.
RULES = "rules"
#: Punctuation at which a content may be cut.
CUT_MARKS = (",", ";", "--", "\u2014", "\u2013", ":")
BELIEVED = 0.5


@dataclass(frozen=True)
class TokenTable:
    """What the variants and their features read of every token, read off a doc once
    (a Python loop over ``doc[i]`` per variant costs more than the whole model)."""

    text: list[str]
    pos: list[str]
    dep: list[str]
    head: list[int]
    space: list[bool]
    punct: list[bool]
    sent_start: list[int]  # token -> first token of its sentence
    sent_end: list[int]  # token -> one past the last token of its sentence
    word: list[bool]  # letters or a number
    line_break: list[bool]
    belief: list[float]  # the content tagger's P(content)
    start: list[float]  # its P(first word of a content)
    end: list[float]  # its P(last word of a content)

    @classmethod
    def of(
        cls, doc: Doc, probs: numpy.ndarray, masks: tuple[numpy.ndarray, numpy.ndarray]
    ) -> TokenTable:
        n = len(doc)
        rows = doc.to_array([ORTH, POS, DEP, HEAD, IS_SPACE, IS_PUNCT, SENT_START])
        rows = rows.reshape(n, 7)
        strings = doc.vocab.strings
        names: dict[int, str] = {}

        def column(k: int) -> list[str]:
            hashes = rows[:, k].tolist()
            for h in set(hashes) - names.keys():
                names[h] = strings[h] if h else ""
            return [names[h] for h in hashes]

        positions = numpy.arange(n)
        starts = rows[:, 6].astype("int64") == 1
        if n:
            starts[0] = True
        sent_start = numpy.maximum.accumulate(numpy.where(starts, positions, 0))
        # one past the end of token i's sentence: the first sentence start after i
        next_start = numpy.append(numpy.where(starts, positions, n)[1:], n)
        sent_end = numpy.minimum.accumulate(next_start[::-1])[::-1]
        return cls(
            text=column(0),
            pos=column(1),
            dep=column(2),
            head=(positions + rows[:, 3].astype("int64")).tolist(),
            space=rows[:, 4].astype(bool).tolist(),
            punct=rows[:, 5].astype(bool).tolist(),
            sent_start=sent_start.tolist(),
            sent_end=sent_end.tolist(),
            word=masks[0].tolist(),
            line_break=masks[1].tolist(),
            belief=probs[:, CONTENT].tolist(),
            start=probs[:, START].tolist(),
            end=probs[:, END].tolist(),
        )


def content_variants(
    doc: Doc,
    draft: Draft,
    index: _DocIndex,
    probs: numpy.ndarray,
    table: TokenTable | None = None,
) -> dict[str, list[int]]:
    """The rules' content and its alternatives, by name (token positions, sorted).

    The rules' content is always the first. Alternatives never take in the claim's
    own speaker or cue, never cross a paragraph, and are left out when they hold no
    word or the same words as one named before.
    ``probs``: the content tagger's probabilities, one row per token
    (:meth:`ContentTagger.probabilities`); ``table``: :meth:`TokenTable.of` the doc,
    for callers with many claims per doc.
    """
    tab = table or TokenTable.of(doc, probs, index.masks)
    content = sorted(draft.content)
    attribution = set(draft.cue_tokens)
    if draft.speaker is not None:
        attribution.update(range(draft.speaker.start, draft.speaker.end))
    out: dict[str, list[int]] = {RULES: content}
    out.update(_sentence_variants(tab, content, attribution, index.para_of))
    out.update(_cut_variants(doc, tab, draft, content))
    out["first_sentence"] = [i for i in content if i < tab.sent_end[content[0]]]
    out["last_sentence"] = [i for i in content if i >= tab.sent_start[content[-1]]]
    out.update(_tagger_variants(tab, content, attribution))
    # one variant per distinct set of words: that is what the choice is about
    distinct: dict[str, list[int]] = {}
    seen: set[tuple[int, ...]] = set()
    for name, tokens in out.items():
        key = tuple(i for i in tokens if tab.word[i])
        if name == RULES or (key and key not in seen):
            seen.add(key)
            distinct[name] = tokens
    return distinct


def _stretch(tab: TokenTable, start: int, end: int, attribution: set[int]) -> set[int]:
    """Tokens from ``start`` to ``end`` (inclusive), the attribution and spaces left out."""
    return {i for i in range(start, end + 1) if i not in attribution and not tab.space[i]}


def _sentence_variants(
    tab: TokenTable, content: list[int], attribution: set[int], para: list[int]
) -> dict[str, list[int]]:
    """The content run on to its sentence's end or back to its start, and one or two
    more sentences of the paragraph or the one before."""
    first, last = content[0], content[-1]
    held = set(content)
    first_start, last_end = tab.sent_start[first], tab.sent_end[last]
    to_end = held | _stretch(tab, last + 1, last_end - 1, attribution)
    from_start = held | _stretch(tab, first_start, first - 1, attribution)
    out = {"to_sentence_end": sorted(to_end), "from_sentence_start": sorted(from_start)}
    grown, following = to_end, last_end
    for n in (1, 2):
        if following >= len(tab.text) or para[following] != para[last]:
            break
        end = tab.sent_end[following]
        # a sentence keeps the line break after it, which counts to the next paragraph
        if para[_last_non_space(tab, end - 1)] != para[last]:
            break
        grown = grown | _stretch(tab, following, end - 1, attribution)
        out[f"next_sentences={n}"] = sorted(grown)
        following = end
    before = _last_non_space(tab, first_start - 1)
    if before >= 0 and para[before] == para[first]:
        previous = _stretch(tab, tab.sent_start[before], before, attribution)
        out["previous_sentence"] = sorted(from_start | previous)
    return out


def _cut_variants(
    doc: Doc, tab: TokenTable, draft: Draft, content: list[int]
) -> dict[str, list[int]]:
    """Either side of the first or last punctuation cut inside the content; the content
    with the addressee right before it, or without the phrase that opens it."""
    first, last = content[0], content[-1]
    held = set(content)
    out = {}
    cuts = [i for i in content if first < i < last and tab.text[i] in CUT_MARKS]
    if cuts:
        out["to_first_cut"] = [i for i in content if i < cuts[0]]
        out["to_last_cut"] = [i for i in content if i < cuts[-1]]
        out["from_first_cut"] = [i for i in content if i > cuts[0]]
        out["from_last_cut"] = [i for i in content if i > cuts[-1]]
    addressee = draft.addressee
    if addressee is not None and 0 <= first - addressee.end <= 1:
        # "urged supporters to monitor polling places": annotators often count them in
        out["with_addressee"] = sorted(held | set(range(addressee.start, addressee.end)))
    leading = _leading_phrase(doc, content, held)
    if leading is not None:
        # "Congress to leave the program intact", "that Obama has long called for ..."
        out["without_leading_phrase"] = [i for i in content if i > leading]
    return out


def _tagger_variants(
    tab: TokenTable, content: list[int], attribution: set[int]
) -> dict[str, list[int]]:
    """The content grown to the words around it the tagger believes, and trimmed to the
    first and last word inside it the tagger believes."""
    first, last = content[0], content[-1]
    words, belief = tab.word, tab.belief

    def open_to(i: int) -> bool:
        """Whether growing to the tagger's run may take in token ``i``."""
        return (
            0 <= i < len(words)
            and not tab.line_break[i]
            and (belief[i] >= BELIEVED or not words[i])
            and i not in attribution
        )

    start, end = first, last
    while open_to(start - 1):
        start -= 1
    while open_to(end + 1):
        end += 1
    grown = set(content) | _stretch(tab, start, first, attribution)
    grown |= _stretch(tab, last, end, attribution)
    out = {"tagger_grown": sorted(grown)}
    inside = [i for i in content if words[i] and belief[i] >= BELIEVED]
    if inside:
        out["tagger_trimmed"] = [i for i in content if inside[0] <= i <= inside[-1]]
    return out


def _leading_phrase(doc: Doc, content: list[int], held: set[int]) -> int | None:
    """The last token of the widest phrase that opens the content without being all of
    it (the subject or object before an infinitive, a leading "that"), with the
    punctuation right after it; None if there is none."""
    first = next((i for i in content if not (doc[i].is_punct or doc[i].is_space)), None)
    if first is None:
        return None
    phrase = doc[first]
    while phrase.head.i in held and phrase.head.left_edge.i == first and phrase.head.i != phrase.i:
        if phrase.head.right_edge.i >= content[-1]:
            break  # the head's phrase is the whole content
        phrase = phrase.head
    end = phrase.right_edge.i
    if end >= content[-1] or phrase.left_edge.i != first:
        return None
    while end + 1 <= content[-1] and doc[end + 1].is_punct:
        end += 1
    return end


def _last_non_space(table: TokenTable, i: int) -> int:
    """The last token at or before ``i`` that is not whitespace (-1 if none)."""
    while i >= 0 and table.space[i]:
        i -= 1
    return i


def _length(n: int) -> str:
    for limit in (0, 1, 2, 4, 8, 16, 32):
        if n <= limit:
            return str(limit)
    return "64"


@dataclass(frozen=True)
class _RulesView:
    """What every variant of one claim compares itself with: the rules' content."""

    tokens: list[int]
    held: set[int]
    words: list[int]
    kind: str  # direct, indirect or mixed
    slot: str  # without its markers
    tail: tuple[str, str, str]  # last word's part of speech and dependency, what follows


def _rules_view(tab: TokenTable, draft: Draft, rules: list[int], index: _DocIndex) -> _RulesView:
    ruled_words = [i for i in rules if tab.word[i]]
    quoted = sum(1 for i in ruled_words if index.quote_of[i] >= 0)
    kind = "direct" if quoted == len(ruled_words) else "indirect" if quoted == 0 else "mixed"
    tail = ("", "", "")
    if ruled_words:
        last, after = ruled_words[-1], rules[-1] + 1
        if after >= len(tab.text):
            following = "END"
        else:
            following = tab.text[after] if tab.punct[after] else tab.pos[after]
        tail = (tab.pos[last], tab.dep[last], following)
    return _RulesView(rules, set(rules), ruled_words, kind, draft.slot.split("+")[0], tail)


def variant_features(
    doc: Doc,
    draft: Draft,
    name: str,
    tokens: list[int],
    rules: list[int],
    index: _DocIndex,
    probs: numpy.ndarray,
    table: TokenTable | None = None,
    view: _RulesView | None = None,
) -> list[tuple[str, float]]:
    """Sparse features of one variant (``tokens``) of a claim whose rules' content is ``rules``.

    ``table`` and ``view`` (the same for every variant of a claim) are computed here
    when not given.
    """
    tab = table or TokenTable.of(doc, probs, index.masks)
    ruled = view or _rules_view(tab, draft, rules, index)
    words, belief = tab.word, tab.belief
    variant = set(tokens)
    added = [i for i in sorted(variant - ruled.held) if words[i]]
    removed = [i for i in sorted(ruled.held - variant) if words[i]]
    feats: list[tuple[str, float]] = [
        ("v=" + name, 1.0),
        (f"v|slot={name}|{ruled.slot}", 1.0),
        (f"v|kind={name}|{ruled.kind}", 1.0),
        (f"v|added={name}|{_length(len(added))}", 1.0),
        (f"v|removed={name}|{_length(len(removed))}", 1.0),
        (f"v|length={name}|{_length(len(ruled.words))}", 1.0),
    ]
    feats += _edge_features(tokens, tab)
    if name == RULES:
        return feats
    if added:
        seen = [belief[i] for i in added]
        mean = sum(seen) / len(seen)
        feats += [("tag_added", mean), ("tag_added_min", min(seen))]
        feats.append((f"v|tag_added={name}|{bucket(mean)}", 1.0))
        seam = added[0] if added[0] > rules[-1] else added[-1]
        feats += [
            (f"v|seam_dep={name}|{tab.dep[seam]}", 1.0),
            (f"v|added_quote={name}|{any(index.quote_of[i] >= 0 for i in added)}", 1.0),
            (f"v|added_cue={name}|{any(i in index.cue_heads for i in added)}", 1.0),
            (f"v|added_subject={name}|{_any_subject(tab, added)}", 1.0),
        ]
        gap = rules[-1] + 1
        if added[0] > rules[-1] and gap < len(tab.text):
            feats.append((f"v|gap={name}|{tab.text[gap] if tab.punct[gap] else tab.pos[gap]}", 1.0))
    if removed:
        seen = [belief[i] for i in removed]
        mean = sum(seen) / len(seen)
        feats += [("tag_removed", mean), ("tag_removed_max", max(seen))]
        feats.append((f"v|tag_removed={name}|{bucket(mean)}", 1.0))
        seam = removed[0]
        feats += [
            (f"v|removed_dep={name}|{tab.dep[seam]}", 1.0),
            (f"v|removed_cue={name}|{any(i in index.cue_heads for i in removed)}", 1.0),
            (f"v|removed_subject={name}|{_any_subject(tab, removed)}", 1.0),
        ]
    feats += _attachment_features(tab, draft, name, variant, ruled.held)
    if ruled.words:
        last_pos, last_dep, following = ruled.tail
        feats += [
            (f"v|rules_last={name}|{last_pos}", 1.0),
            (f"v|rules_last_dep={name}|{last_dep}", 1.0),
            (f"v|rules_next={name}|{following}", 1.0),
        ]
    return feats


def _any_subject(tab: TokenTable, tokens: list[int]) -> bool:
    return any(tab.dep[i] in NOMINAL_SUBJECTS for i in tokens)


def _edge_features(tokens: list[int], tab: TokenTable) -> list[tuple[str, float]]:
    """How much the tagger believes the variant's first and last words, and the words
    just outside them."""
    words, breaks, belief = tab.word, tab.line_break, tab.belief
    inside = [belief[i] for i in tokens if words[i]]
    if not inside:
        return []
    first = next(i for i in tokens if words[i])
    last = next(i for i in reversed(tokens) if words[i])
    before = first - 1
    while before >= 0 and not words[before] and not breaks[before]:
        before -= 1
    after = last + 1
    while after < len(words) and not words[after] and not breaks[after]:
        after += 1
    outside_before = belief[before] if before >= 0 and words[before] else 0.0
    outside_after = belief[after] if after < len(words) and words[after] else 0.0
    contrast = min(belief[first], belief[last]) - max(outside_before, outside_after)
    starts_within = [tab.start[i] for i in tokens if words[i] and i != first]
    ends_within = [tab.end[i] for i in tokens if words[i] and i != last]
    return [
        ("edge_start", tab.start[first]),
        ("edge_end", tab.end[last]),
        ("edge_end_before", tab.end[before] if before >= 0 and words[before] else 0.0),
        ("edge_start_after", tab.start[after] if after < len(words) and words[after] else 0.0),
        ("start_within", max(starts_within, default=0.0)),
        ("end_within", max(ends_within, default=0.0)),
        ("edge_first", belief[first]),
        ("edge_before", outside_before),
        ("edge_last", belief[last]),
        ("edge_after", outside_after),
        ("edge_contrast", contrast),
        ("edge_contrast=" + bucket(max(0.0, contrast)), 1.0),
        ("tag_mean", sum(inside) / len(inside)),
        ("tag_min", min(inside)),
    ]


def _attachment_features(
    tab: TokenTable, draft: Draft, name: str, variant: set[int], ruled: set[int]
) -> list[tuple[str, float]]:
    """Where the words a variant adds or removes hang in the parse: on the content kept,
    on the cue, on the speaker, or outside the claim."""
    cue = set(draft.cue_tokens) | {draft.cue_head}
    speaker = set()
    if draft.speaker is not None:
        speaker = set(range(draft.speaker.start, draft.speaker.end))

    def place(i: int) -> str:
        if i in cue:
            return "cue"
        if i in speaker:
            return "speaker"
        if i in ruled:
            return "both" if i in variant else "rules"
        return "variant" if i in variant else "out"

    feats = []
    for side, region in (("added", variant - ruled), ("removed", ruled - variant)):
        roots = sorted(
            i for i in region if tab.head[i] not in region and not (tab.punct[i] or tab.space[i])
        )
        for i in roots[:3]:
            where = place(tab.head[i])
            feats.append((f"v|{side}_root={name}|{tab.dep[i]}|{where}", 1.0))
            feats.append((f"v|{side}_root_pos={name}|{tab.dep[i]}|{tab.pos[i]}|{where}", 1.0))
        feats.append((f"v|{side}_roots={name}|{min(len(roots), 3)}", 1.0))
    return feats


@dataclass(frozen=True)
class BoundaryModel:
    """Weights of the log-linear variant model and the margin a variant must win by."""

    weights: dict[str, float]
    bias: float
    margin: float
    meta: dict[str, object] = field(default_factory=dict)

    def score(self, features: Features) -> float:
        return weighted_sum(self.weights, self.bias, features)

    def choose(
        self,
        doc: Doc,
        draft: Draft,
        index: _DocIndex,
        probs: numpy.ndarray,
        table: TokenTable | None = None,
    ) -> list[int]:
        """The content the claim should have: the best variant, if it beats the rules'."""
        if not draft.content:
            return draft.content
        tab = table or TokenTable.of(doc, probs, index.masks)
        variants = content_variants(doc, draft, index, probs, tab)
        rules = variants[RULES]
        view = _rules_view(tab, draft, rules, index)
        best_name, best = RULES, -math.inf
        rules_score = self.score(
            variant_features(doc, draft, RULES, rules, rules, index, probs, tab, view)
        )
        for name, tokens in variants.items():
            if name == RULES:
                continue
            features = variant_features(doc, draft, name, tokens, rules, index, probs, tab, view)
            value = self.score(features)
            if value > best:
                best_name, best = name, value
        if best_name != RULES and best > rules_score + self.margin:
            return variants[best_name]
        return draft.content

    def redraw(self, doc: Doc, drafts: list[Draft], index: _DocIndex, probs: numpy.ndarray) -> None:
        """Give every draft of ``doc`` its chosen content."""
        if not drafts:
            return
        table = TokenTable.of(doc, probs, index.masks)
        for draft in drafts:
            draft.content = self.choose(doc, draft, index, probs, table)

    def to_json(self) -> dict[str, object]:
        return encode(self.weights, self.bias, self.meta, margin=self.margin)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> BoundaryModel:
        weights, bias, meta = decode(data)
        return cls(weights=weights, bias=bias, margin=float(data["margin"]), meta=meta)


@lru_cache(maxsize=4)
def _load(path: str) -> BoundaryModel | None:
    data = read_model(path)
    return BoundaryModel.from_json(data) if data is not None else None


@registry.misc("claimx.boundary_model.v1")
def load_boundary_model(lang: str = "en") -> BoundaryModel | None:
    """The trained boundary model shipped in ``models/<lang>/`` (None if absent)."""
    return _load(str(models_dir() / lang / BOUNDARIES_FILE))
