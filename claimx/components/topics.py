"""claimx_topics: what an article and each of its claims is about.

Topics are the top-level IPTC Media Topics. Evidence for a label is the weighted sum of the
signal terms of ``models/<lang>/topics/terms.jsonl`` found in the text (longest match over
lower-case words and lemmas, damped per term so one repeated word cannot carry an article),
plus weak evidence from entity types; an article's scores blend these term shares with a
small naive Bayes classifier (``classifier.json``) where the taxonomy has one. Keyphrases are
noun phrases and named entities, trimmed and normalised ("the new tariffs" -> "tariffs"),
merged by lemma and ranked by how often, how early and in what role they occur. A claim's
topics weigh the terms of its content and sentence against the article's topics; its
keyphrases are the article's candidates that lie inside its content.

Runs after ``claimx_speakers`` and reads token attributes through ``Doc.to_array`` (no walk
over Token objects), so it costs a few percent of the base pipeline at most.
"""

from __future__ import annotations

import dataclasses
import math
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from spacy.attrs import (
    DEP,
    ENT_IOB,
    ENT_TYPE,
    HEAD,
    IDX,
    IS_ALPHA,
    IS_PUNCT,
    IS_SPACE,
    IS_STOP,
    LEMMA,
    LENGTH,
    LOWER,
    ORTH,
    POS,
    SENT_START,
    SPACY,
    TAG,
)
from spacy.language import Language
from spacy.parts_of_speech import IDS as POS_IDS
from spacy.strings import get_string_id
from spacy.tokens import Doc

from ..extensions import register_extensions
from ..schema import Claim, Keyphrase, Topic
from ..topic_assets import TermSense, TopicTaxonomy, load_topic_taxonomy

_END = -1  # trie key holding the senses of the term that ends at a node (hashes are never negative)
#: Parts of speech trimmed from the edges of a candidate keyphrase.
_EDGE_POS = frozenset(
    {"DET", "PRON", "NUM", "PUNCT", "PART", "CCONJ", "ADP", "SCONJ", "SYM", "SPACE", "AUX"}
)
_NOUNS = frozenset({"NOUN", "PROPN"})
_POSSESSIVE = frozenset({"'s", "’s", "'", "’"})
#: Dependencies of a phrase that acts rather than is acted on.
_AGENT_DEPS = frozenset({"nsubj", "nsubjpass", "poss", "agent"})
# the same sets as ids and hashes, for work on ``to_array`` columns
_POS = POS_IDS
_EDGE_POS_IDS = frozenset(POS_IDS[p] for p in _EDGE_POS)
_TAIL_POS_IDS = frozenset(POS_IDS[p] for p in _EDGE_POS - {"NUM"})
_NOUN_IDS = frozenset(POS_IDS[p] for p in _NOUNS)
_POSSESSIVE_IDS = frozenset(get_string_id(p) for p in _POSSESSIVE)
_INNER_PUNCT = frozenset(get_string_id(p) for p in ("-", ".", "&", "'", "’"))
_AGENT_DEP_IDS = frozenset(get_string_id(d) for d in _AGENT_DEPS)
_HYPHEN = get_string_id("-")
_TAG_POS = get_string_id("POS")
_COMPOUND = get_string_id("compound")
_IOB_INSIDE, _IOB_OUTSIDE, _IOB_BEGIN = 1, 2, 3  # ENT_IOB codes
_RUN_POS_IDS = np.array([POS_IDS[p] for p in ("ADJ", "NOUN", "PROPN")], dtype=np.uint64)
#: Longest keyphrase kept, in words.
MAX_PHRASE_WORDS = 4


@dataclass(frozen=True)
class _Match:
    start: int  # token index
    end: int
    term: int  # identity of the matched term (its trie node)
    label: int
    weight: float


@dataclass(frozen=True)
class _Candidate:
    """One occurrence of a possible keyphrase."""

    start: int  # token indices
    end: int
    start_char: int
    end_char: int
    key: str  # merge key: lower-case lemmas
    weight: float
    agent: bool = (
        False  # the phrase is a subject or possessor: "Washington says", "Beijing's position"
    )
    name: bool = False  # ends in a proper noun


class _Tokens:
    """Token attributes of a doc as plain lists: one ``to_array`` call, no Token objects."""

    ATTRS = (
        ORTH,
        LOWER,
        LEMMA,
        POS,
        TAG,
        DEP,
        HEAD,
        ENT_IOB,
        SPACY,
        SENT_START,
        IS_SPACE,
        IS_PUNCT,
        IS_ALPHA,
        IS_STOP,
        IDX,
        ENT_TYPE,
        LENGTH,
    )

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        arr = (
            doc.to_array(list(self.ATTRS))
            if len(doc)
            else np.zeros((0, len(self.ATTRS)), dtype=np.uint64)
        )
        self.array = arr
        (
            self.orth,
            self.lower,
            self.lemma,
            self.pos,
            self.tag,
            self.dep,
            _,
            self.iob,
            self.space,
            self.sent_start,
            self.is_space,
            self.is_punct,
            self.is_alpha,
            self.is_stop,
            self.idx,
            self.ent_type,
            self.length,
        ) = arr.T.tolist() if len(doc) else [[] for _ in self.ATTRS]
        self.head = (np.arange(len(doc)) + arr[:, 6].astype(np.int64)).tolist()
        self.sentences = [i for i, flag in enumerate(self.sent_start) if flag == 1] or [0]
        self._pos = arr[:, 3]
        self._attached_hyphen = (arr[:, 1] == _HYPHEN) & (arr[:, 8] == 0)
        self._iob = arr[:, 7]

    def end_char(self, i: int) -> int:
        return self.idx[i] + self.length[i]

    def entities(self) -> list[tuple[int, int, int]]:
        """(start, end, label id) of every named entity, from the IOB column (no Span objects)."""
        starts = np.flatnonzero(self._iob == _IOB_BEGIN)
        if not len(starts):
            return []
        outside = np.flatnonzero(self._iob != _IOB_INSIDE)  # where an entity can have ended
        after = np.searchsorted(outside, starts, side="right")
        ends = np.where(
            after < len(outside), outside[np.minimum(after, len(outside) - 1)], len(self._iob)
        )
        return [(a, b, self.ent_type[a]) for a, b in zip(starts.tolist(), ends.tolist())]

    def token_at(self, char: int) -> int:
        """The token a character offset falls in (or the last one starting before it)."""
        return max(0, bisect_right(self.idx, char) - 1)

    def sentence(self, i: int) -> tuple[int, int]:
        """Token range of the sentence token i is in."""
        k = bisect_right(self.sentences, i) - 1
        end = self.sentences[k + 1] if k + 1 < len(self.sentences) else len(self.pos)
        return self.sentences[max(k, 0)], end

    def noun_runs(self) -> list[tuple[int, int]]:
        """Maximal runs of adjectives and nouns ("economic strangulation", "South China Sea").

        A cheap stand-in for noun chunks (no walk over the parse): determiners, numbers,
        possessives and prepositions end a run, and ``_normalise`` trims what is left.
        """
        n = len(self._pos)
        if n == 0:
            return []
        inside = np.isin(self._pos, _RUN_POS_IDS)
        hyphen = self._attached_hyphen.copy()  # "high-level", "Asia-Pacific"
        hyphen[0] = hyphen[-1] = False
        inside |= hyphen & np.roll(inside, 1) & np.roll(inside, -1)
        edges = np.flatnonzero(np.diff(np.concatenate(([0], inside.astype(np.int8), [0]))))
        return list(zip(edges[::2].tolist(), edges[1::2].tolist()))


_ALPHA_COLUMN = _Tokens.ATTRS.index(IS_ALPHA)
_IOB_COLUMN = _Tokens.ATTRS.index(ENT_IOB)
_ENT_TYPE_COLUMN = _Tokens.ATTRS.index(ENT_TYPE)
_STOP_COLUMN = _Tokens.ATTRS.index(IS_STOP)


class _ClaimContext:
    """What every claim of a doc looks up: term matches, article scores, keyphrase candidates."""

    def __init__(
        self,
        matches: Sequence[_Match],
        scores: Sequence[float],
        candidates: Sequence[_Candidate],
        salience: dict[str, float],
    ) -> None:
        self.matches = matches
        self.match_starts = [m.start for m in matches]
        total = sum(scores)
        self.prior = [x / total for x in scores] if total > 0 else [0.0] * len(scores)
        self.candidates = candidates
        self.candidate_starts = [c.start_char for c in candidates]
        self.salience = salience


class _TermTrie:
    """Signal terms keyed by word hashes; finds the longest term at each position."""

    def __init__(self, terms: dict[tuple[str, ...], tuple[TermSense, ...]]) -> None:
        self.root: dict[int, Any] = {}
        for words, senses in terms.items():
            node = self.root
            for word in words:
                node = node.setdefault(get_string_id(word), {})
            node[_END] = tuple(
                (s.label_index, s.weight, frozenset(POS_IDS[p] for p in s.pos) if s.pos else None)
                for s in senses
            )
        self.first = np.array(sorted(k for k in self.root), dtype=np.uint64)

    def starts(self, *columns: np.ndarray) -> list[int]:
        """Positions where some column holds the first word of a term (a vectorised look-up)."""
        if not len(self.first):
            return []
        hit = np.zeros(len(columns[0]), dtype=bool)
        for column in columns:
            index = np.minimum(np.searchsorted(self.first, column), len(self.first) - 1)
            hit |= self.first[index] == column
        return np.flatnonzero(hit).tolist()

    def find(
        self, first: Sequence[int], second: Sequence[int], pos: Sequence[int], starts: Iterable[int]
    ) -> list[_Match]:
        """Longest, non-overlapping matches; token j may match as word hash ``first[j]`` or ``second[j]``."""
        out: list[_Match] = []
        n = len(first)
        free = 0
        for i in starts:
            if i < free:
                continue
            nodes = [self.root]
            best: tuple[int, Any, int] | None = None
            j = i
            while nodes and j < n:
                nxt = []
                a, b = first[j], second[j]
                for node in nodes:
                    child = node.get(a)
                    if child is not None:
                        nxt.append(child)
                    if b != a:
                        child = node.get(b)
                        if child is not None:  # distinct keys never share a child
                            nxt.append(child)
                j += 1
                for node in nxt:
                    if _END in node:
                        best = (j, node[_END], id(node))
                nodes = nxt
            if best is None:
                continue
            end, senses, term = best
            last_pos = pos[end - 1]
            hit = False
            for label, weight, pos_ids in senses:
                if pos_ids is None or last_pos in pos_ids:
                    out.append(_Match(i, end, term, label, weight))
                    hit = True
            if hit:
                free = end
        return out


class TopicTagger:
    """Set ``doc._.topics`` and ``doc._.keyphrases``, and each claim's ``topics`` and ``keyphrases``.

    >>> nlp = claimx.load_pipeline()   # claimx_topics runs last
    >>> doc = nlp("The striker scored twice as the champions won the cup final.")
    >>> doc._.topics[0].label
    'sport'
    >>> [k.text for k in doc._.keyphrases][:2]
    ['striker', 'champions']
    """

    def __init__(
        self,
        name: str = "claimx_topics",
        taxonomy: TopicTaxonomy | None = None,
        max_topics: int = 5,
        min_topic_score: float = 0.05,
        max_keyphrases: int = 15,
        claim_max_topics: int = 3,
        claim_min_topic_score: float = 0.12,
        claim_max_keyphrases: int = 5,
        title_boost: float = 2.0,
        claim_prior: float = 5.0,
        classifier_weight: float = 0.35,
    ) -> None:
        self.name = name
        self.taxonomy = taxonomy if taxonomy is not None else load_topic_taxonomy()
        self.labels = self.taxonomy.label_names
        self.max_topics = max_topics
        self.min_topic_score = min_topic_score
        self.max_keyphrases = max_keyphrases
        self.claim_max_topics = claim_max_topics
        self.claim_min_topic_score = claim_min_topic_score
        self.claim_max_keyphrases = claim_max_keyphrases
        self.title_boost = title_boost
        self.claim_prior = claim_prior
        self.classifier_weight = classifier_weight
        self._modifiers = frozenset(get_string_id(w) for w in self.taxonomy.generic_modifiers)
        self._generic = frozenset(get_string_id(w) for w in self.taxonomy.generic_nouns)
        self._row_cache: dict[int, int] = {}  # lemma hash -> classifier row (-1: unknown word)
        self._entity_weights = {
            get_string_id(label): weight
            for label, weight in self.taxonomy.keyphrase_entity_weights.items()
        }
        self._lemma_keys: dict[int, str] = {}  # lemma hash -> its part of a keyphrase key
        self._unnamed_entities = frozenset(
            get_string_id(label)
            for label, weight in self.taxonomy.keyphrase_entity_weights.items()
            if weight <= 0
        )
        self._terms = _TermTrie(self.taxonomy.terms)
        self._case_terms = _TermTrie(self.taxonomy.case_terms)
        self._entity_senses = {
            get_string_id(ent_type): tuple((s.label_index, s.weight) for s in senses)
            for ent_type, senses in self.taxonomy.entity_types.items()
        }
        register_extensions()

    def __call__(self, doc: Doc) -> Doc:
        try:
            self.set_annotations(doc)
        except Exception as err:  # noqa: BLE001 - topics must never cost an article its claims
            doc._.claimx_error = doc._.claimx_error or f"{self.name}: {type(err).__name__}: {err}"
            doc._.topics = ()
            doc._.keyphrases = ()
        return doc

    def set_annotations(self, doc: Doc) -> None:
        tokens = _Tokens(doc)
        matches = self.match_terms(doc, tokens.array)
        scores = self.article_scores(doc, matches, tokens.array)
        doc._.topics = self._rank(scores, self.max_topics, self.min_topic_score)
        candidates = self.candidates(doc, tokens)
        salience = self._salience(tokens, candidates)
        by_key: dict[str, list[_Candidate]] = {}
        for cand in candidates:
            by_key.setdefault(cand.key, []).append(cand)
        doc._.keyphrases = tuple(
            Keyphrase(self._display(tokens, by_key[key]), round(score, 3))
            for key, score in list(salience.items())[: self.max_keyphrases]
        )
        claims: Sequence[Claim] = doc._.claims or ()
        if claims:
            context = _ClaimContext(matches, scores, candidates, salience)
            doc._.claims = tuple(self._claim(tokens, claim, context) for claim in claims)

    # -------------------------------------------------------------------------- topics

    def match_terms(self, doc: Doc, arr: np.ndarray | None = None) -> list[_Match]:
        """Every signal term in the doc (longest match), in text order."""
        if len(doc) == 0:
            return []
        if arr is None:
            arr = _token_array(doc)
        pos = arr[:, 3].tolist()
        lower, lemma = arr[:, 1], arr[:, 2]
        matches = self._terms.find(
            lower.tolist(), lemma.tolist(), pos, self._terms.starts(lower, lemma)
        )
        case_starts = self._case_terms.starts(arr[:, 0])
        if case_starts:
            orth = arr[:, 0].tolist()
            matches.extend(self._case_terms.find(orth, orth, pos, case_starts))
            matches.sort(key=lambda m: m.start)
        return matches

    def article_evidence(
        self, doc: Doc, matches: Sequence[_Match], arr: np.ndarray | None = None
    ) -> list[float]:
        """Evidence per label: each term counts log2(1 + occurrences), a title occurrence more."""
        title_end = _title_end(doc)
        counts: dict[tuple[int, int], list[float]] = {}
        for m in matches:
            slot = counts.setdefault((m.term, m.label), [m.weight, 0.0])
            slot[1] += self.title_boost if m.start < title_end else 1.0
        evidence = [0.0] * len(self.labels)
        for (_, label), (weight, count) in counts.items():
            evidence[label] += weight * math.log2(1.0 + count)
        if self._entity_senses and len(doc):
            arr = arr if arr is not None else _token_array(doc)
            begins = arr[:, _IOB_COLUMN] == _IOB_BEGIN
            ent_counts = Counter(arr[begins, _ENT_TYPE_COLUMN].tolist())
            for ent_type, count in ent_counts.items():
                for label, weight in self._entity_senses.get(ent_type, ()):
                    evidence[label] += weight * math.log2(1.0 + count)
        return evidence

    def article_scores(
        self, doc: Doc, matches: Sequence[_Match], arr: np.ndarray | None = None
    ) -> list[float]:
        """A score in [0, 1] per label (they sum to at most 1): term evidence, blended with the classifier."""
        evidence = self.article_evidence(doc, matches, arr)
        # a little prior mass keeps a text with one weak match from scoring near 1
        denominator = sum(evidence) + 1.0
        scores = [e / denominator for e in evidence]
        model = self.taxonomy.classifier
        if model is None or self.classifier_weight <= 0:
            return scores
        probabilities = model.probabilities(
            self._classifier_rows(doc, arr if arr is not None else _token_array(doc))
        )
        if probabilities is None:
            return scores
        share = self.classifier_weight
        blended = [(1.0 - share) * s for s in scores]
        for targets, p in zip(model.targets, probabilities.tolist()):
            # a loose class ("World") goes to whichever of its labels the terms favour
            best = max(targets, key=lambda i: scores[i])
            blended[best] += share * p
        return blended

    def _classifier_rows(self, doc: Doc, arr: np.ndarray) -> list[int]:
        """Classifier rows of the doc's distinct content words (lower-case lemmas, as in training)."""
        model = self.taxonomy.classifier
        assert model is not None
        keep = (arr[:, _ALPHA_COLUMN] == 1) & (arr[:, _STOP_COLUMN] == 0)
        rows = set()
        strings = doc.vocab.strings
        for lemma in np.unique(arr[keep, 2]).tolist():
            row = self._row_cache.get(lemma)
            if row is None:
                row = model.rows.get(strings[lemma].lower(), -1)
                if len(self._row_cache) < 500_000:
                    self._row_cache[lemma] = row
            if row >= 0:
                rows.add(row)
        return sorted(rows)

    def _rank(self, scores: Sequence[float], limit: int, min_score: float) -> tuple[Topic, ...]:
        ranked = sorted(range(len(scores)), key=lambda i: -scores[i])
        out: list[Topic] = []
        for i in ranked[:limit]:
            if scores[i] <= 0 or (out and scores[i] < min_score):
                break
            out.append(Topic(self.labels[i], round(min(1.0, scores[i]), 3)))
        return tuple(out)

    # -------------------------------------------------------------------------- keyphrases

    def candidates(self, doc: Doc, tokens: _Tokens | None = None) -> list[_Candidate]:
        """Keyphrase candidates from named entities and noun phrases, in text order."""
        tokens = tokens if tokens is not None else _Tokens(doc)
        weights = self._entity_weights
        entities = []
        for start, end, label in tokens.entities():
            weight = weights.get(label, 1.0)
            if weight > 0:
                cand = self._normalise(tokens, start, end, weight, require_noun=False)
                if cand is not None:
                    entities.append(cand)
        found: dict[tuple[int, int], _Candidate] = {}
        # per token, the noun phrase it is in: (start, end, names a thing on its own, its keyphrase)
        chunk_of: dict[int, tuple[int, int, bool, tuple[int, int] | None]] = {}
        entity_keys = {c.key for c in entities}
        propn = _POS["PROPN"]
        nouns = _NOUN_IDS
        for start, end in tokens.noun_runs():
            if tokens.pos[end - 1] not in nouns:
                continue  # "clear", "new and bigger": no noun at the end, no keyphrase
            cand = self._normalise(tokens, start, end, 1.0, require_noun=True)
            if cand is not None:
                found[(cand.start, cand.end)] = cand
            proper = all(tokens.pos[i] == propn for i in range(start, end))
            named = proper or (cand is not None and cand.key in entity_keys)
            entry = (start, end, named, (cand.start, cand.end) if cand is not None else None)
            for i in range(start, end):
                chunk_of[i] = entry
        for cand in entities:
            # A name inside a longer name is no subject of its own: "Defence" in "Defence Secretary
            # Pete Hegseth", "South China" in "the South China sea" when "South China Sea" is a name
            # elsewhere. The head of the longer name ("Pete Hegseth") stays.
            last = cand.end - 1
            head = tokens.head[last]
            if (
                tokens.dep[last] == _COMPOUND
                and head >= cand.end
                and tokens.pos[head] == _POS["PROPN"]
            ):
                continue
            chunk = chunk_of.get(cand.start)
            if chunk is not None and chunk[2] and chunk[0] <= cand.start and cand.end < chunk[1]:
                continue
            same = found.get((cand.start, cand.end))
            if same is None or same.weight < cand.weight:
                found[(cand.start, cand.end)] = cand
            # ... and a name with its titles in front is the name: "President Donald Trump"
            phrase = chunk[3] if chunk is not None else None
            if (
                phrase is not None
                and phrase[1] == cand.end
                and phrase[0] < cand.start
                and all(tokens.pos[i] == _POS["PROPN"] for i in range(phrase[0], cand.start))
            ):
                found.pop(phrase, None)
        return sorted(found.values(), key=lambda c: (c.start, c.end))

    def _normalise(
        self, t: _Tokens, start: int, end: int, weight: float, require_noun: bool
    ) -> _Candidate | None:
        """The keyphrase a span of tokens makes, trimmed to its content words; None if it makes none."""
        for i in range(end - 1, start - 1, -1):  # "China's opposition" -> "opposition"
            within_name = i + 1 < end and t.iob[i + 1] == _IOB_INSIDE  # "People's Republic"
            if t.tag[i] == _TAG_POS and t.lower[i] in _POSSESSIVE_IDS and not within_name:
                if i + 1 < end:
                    start = i + 1
                else:
                    end = i
                break
        modifiers = self._modifiers
        while start < end and (t.pos[start] in _EDGE_POS_IDS or t.lower[start] in modifiers):
            if end - start > 1 and not t.space[start] and t.lower[start + 1] == _HYPHEN:
                break  # "high-level talks" keeps "high"
            start += 1
        while start < end and (
            t.pos[end - 1] in _TAIL_POS_IDS or t.lower[end - 1] in _POSSESSIVE_IDS
        ):
            end -= 1
        if start >= end or end - start > MAX_PHRASE_WORDS:
            return None
        for i in range(start, end):
            if t.is_space[i] or (t.is_punct[i] and t.lower[i] not in _INNER_PUNCT):
                return None
        last = end - 1
        if require_noun and t.pos[last] not in _NOUN_IDS:
            return None
        if t.lower[last] in self._generic or t.lemma[last] in self._generic:
            return None
        if not any(t.is_alpha[start:end]) or all(t.is_stop[start:end]):
            return None
        if (
            t.ent_type[start] in self._unnamed_entities
            and t.ent_type[last] in self._unnamed_entities
        ):
            return None  # "10th June", "two years"
        key = " ".join(self._lemma_key(t, i) for i in range(start, end))
        if len(key) < 2:
            return None
        root = next(
            (i for i in range(start, end) if not start <= t.head[i] < end or t.head[i] == i), last
        )
        return _Candidate(
            start=start,
            end=end,
            start_char=int(t.idx[start]),
            end_char=t.end_char(last),
            key=key,
            weight=weight,
            agent=t.dep[root] in _AGENT_DEP_IDS or (end < len(t.pos) and t.tag[end] == _TAG_POS),
            name=t.pos[last] == _POS["PROPN"],
        )

    def _lemma_key(self, t: _Tokens, i: int) -> str:
        lemma = t.lemma[i]
        key = self._lemma_keys.get(lemma)
        if key is None:
            key = t.doc.vocab.strings[lemma].lower().replace(".", "")
            if len(self._lemma_keys) < 500_000:
                self._lemma_keys[lemma] = key
        return key

    @staticmethod
    def _text(t: _Tokens, cand: _Candidate) -> str:
        """The surface form of a candidate, in sentence case only where it is not a name."""
        strings = t.doc.vocab.strings
        words = []
        for i in range(cand.start, cand.end):
            text = strings[t.orth[i]]
            if (
                t.sent_start[i] == 1
                and t.pos[i] != _POS["PROPN"]
                and t.iob[i] == _IOB_OUTSIDE
                and not text.isupper()
            ):
                text = text.lower()  # "Tariffs rose" -> "tariffs"
            words.append(text + (" " if t.space[i] else ""))
        return " ".join("".join(words).split())

    def _display(self, t: _Tokens, occurrences: Sequence[_Candidate]) -> str:
        """The commonest form of a keyphrase; between equals, the more capitalised ("South China Sea")."""
        forms = Counter(self._text(t, cand) for cand in occurrences)
        return max(forms.items(), key=lambda kv: (kv[1], sum(c.isupper() for c in kv[0])))[0]

    def _salience(self, t: _Tokens, candidates: Sequence[_Candidate]) -> dict[str, float]:
        """Keyphrase keys, best first, with a salience in [0, 1] (1 for the best)."""
        if not candidates:
            return {}
        n = max(len(t.pos), 1)
        title_end = _title_end(t.doc)
        # who speaks is not what is spoken about: "Washington has raised concerns"
        speakers = sorted(
            {
                (c.speaker.start, c.speaker.end)
                for c in t.doc._.claims or ()
                if c.speaker is not None
            }
        )
        speaker_starts = [start for start, _ in speakers]
        raw: dict[str, float] = {}
        names: set[str] = set()
        inner: Counter[str] = (
            Counter()
        )  # lemmas seen inside longer phrases: "tariff" in "tariff threats"
        for cand in candidates:
            position = (
                self.title_boost if cand.start < title_end else 1.0 + 0.5 * (1.0 - cand.start / n)
            )
            k = bisect_right(speaker_starts, cand.start_char) - 1
            speaking = k >= 0 and cand.end_char <= speakers[k][1]
            role = 0.3 if speaking else 0.6 if cand.agent else 1.0  # who acts is less the subject
            raw[cand.key] = raw.get(cand.key, 0.0) + cand.weight * position * role
            if cand.name:
                names.add(cand.key)
            if cand.end - cand.start > 1:
                inner.update(set(cand.key.split()))
        for key in raw:
            if key in inner:
                raw[key] += 0.5 * inner[key]
            words = key.split()
            if any((word,) in self.taxonomy.terms for word in words):
                raw[key] *= 1.3  # names a subject the topic terms know: "tariffs", "war"
            elif len(words) == 1 and key not in names:
                raw[key] *= 0.7  # a lone common noun ("opposition") says less than a name
            if len(words) > 1:
                raw[key] *= 1.15  # a specific phrase over a single word of equal frequency
        # "rare direct virtual talks" counts as "virtual talks" when that is a keyphrase too
        for key in sorted(raw, key=lambda k: -k.count(" ")):
            words = key.split()
            for cut in range(1, len(words)):
                shorter = " ".join(words[cut:])
                if shorter in raw:
                    raw[shorter] += raw.pop(key)
                    break
        top = max(raw.values())
        return {
            key: value / top for key, value in sorted(raw.items(), key=lambda kv: (-kv[1], kv[0]))
        }

    # -------------------------------------------------------------------------- claims

    def _claim(self, t: _Tokens, claim: Claim, context: _ClaimContext) -> Claim:
        content = claim.content
        if not t.pos or content.end <= content.start:
            return claim
        first, last = t.token_at(content.start), t.token_at(content.end - 1)
        sent_start, sent_end = t.sentence(first)[0], t.sentence(last)[1]
        local = [0.0] * len(self.labels)
        matches = context.matches
        for k in range(
            bisect_left(context.match_starts, sent_start),
            bisect_left(context.match_starts, sent_end),
        ):
            m = matches[k]
            local[m.label] += m.weight * (1.0 if first <= m.start <= last else 0.5)
        local_total = sum(local)
        mixed = [
            (lo + self.claim_prior * p) / (local_total + self.claim_prior)
            for lo, p in zip(local, context.prior)
        ]
        topics = self._rank_scores(mixed)
        seen: dict[str, tuple[float, _Candidate]] = {}
        candidates = context.candidates
        for piece in content.fragments or (content,):
            begin = bisect_left(context.candidate_starts, piece.start)
            for k in range(begin, bisect_left(context.candidate_starts, piece.end)):
                cand = candidates[k]
                if cand.end_char <= piece.end:
                    score, occurrence = seen.get(cand.key, (0.0, cand))
                    seen[cand.key] = (score + context.salience.get(cand.key, 0.0) + 0.1, occurrence)
        phrases = sorted(seen.items(), key=lambda kv: (-kv[1][0], kv[0]))[
            : self.claim_max_keyphrases
        ]
        keyphrases = tuple(
            Keyphrase(self._text(t, cand), round(min(1.0, score), 3))
            for _, (score, cand) in phrases
        )
        return dataclasses.replace(claim, topics=topics, keyphrases=keyphrases)

    def _rank_scores(self, scores: Sequence[float]) -> tuple[Topic, ...]:
        ranked = sorted(range(len(scores)), key=lambda i: -scores[i])[: self.claim_max_topics]
        return tuple(
            Topic(self.labels[i], round(scores[i], 3))
            for i in ranked
            if scores[i] >= self.claim_min_topic_score
        )


def _token_array(doc: Doc) -> np.ndarray:
    """The columns of ``_Tokens.ATTRS`` for a doc."""
    return _Tokens(doc).array


def classifier_words(doc: Doc) -> set[str]:
    """The words the topic classifier reads: distinct lower-case lemmas of alphabetic non-stop-words."""
    return {t.lemma_.lower() for t in doc if t.is_alpha and not t.is_stop}


def _title_end(doc: Doc, longest: int = 30) -> int:
    """Token index where a headline ends: the first line, when it is short and followed by a break."""
    for token in doc[: longest + 1]:
        if "\n" in token.text_with_ws:
            return token.i if token.is_space else token.i + 1
    return 0


@Language.factory(
    "claimx_topics",
    requires=["token.lemma", "token.pos", "token.dep", "doc.ents"],
    assigns=["doc._.topics", "doc._.keyphrases", "doc._.claims"],
    default_config={
        "taxonomy": {"@misc": "claimx.topic_taxonomy.v1", "lang": "en"},
        "max_topics": 5,
        "min_topic_score": 0.05,
        "max_keyphrases": 15,
        "claim_max_topics": 3,
        "claim_min_topic_score": 0.12,
        "claim_max_keyphrases": 5,
        "title_boost": 2.0,
        "claim_prior": 5.0,
        "classifier_weight": 0.35,
    },
)
def make_topic_tagger(
    nlp: Language,
    name: str,
    taxonomy: TopicTaxonomy,
    max_topics: int,
    min_topic_score: float,
    max_keyphrases: int,
    claim_max_topics: int,
    claim_min_topic_score: float,
    claim_max_keyphrases: int,
    title_boost: float,
    claim_prior: float,
    classifier_weight: float,
) -> TopicTagger:
    """The ``claimx_topics`` component.

    Args:
        taxonomy: IPTC labels, signal terms and keyphrase word lists; by default the files in
            ``models/en/topics/`` (``claimx.topic_taxonomy.v1``).
        max_topics: most article topics kept.
        min_topic_score: article topics below this score are dropped (the first is always kept).
        max_keyphrases: most article keyphrases kept.
        claim_max_topics: most topics per claim.
        claim_min_topic_score: claim topics below this score are dropped.
        claim_max_keyphrases: most keyphrases per claim.
        title_boost: how much more a term counts in the headline (a short first line).
        claim_prior: how many units of term evidence the article's topics are worth in a claim's.
        classifier_weight: share of an article's topic scores given to the trained classifier
            (``classifier.json``), if the taxonomy has one; the rest comes from the terms.
    """
    return TopicTagger(
        name,
        taxonomy,
        max_topics=max_topics,
        min_topic_score=min_topic_score,
        max_keyphrases=max_keyphrases,
        claim_max_topics=claim_max_topics,
        claim_min_topic_score=claim_min_topic_score,
        claim_max_keyphrases=claim_max_keyphrases,
        title_boost=title_boost,
        claim_prior=claim_prior,
        classifier_weight=classifier_weight,
    )
