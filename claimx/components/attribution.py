"""claimx_attribution: turn cue candidates into claims (speaker, cue, content, kind).

For each reporting word proposed by ``claimx_cues`` it reads the parse for the
slot holding the content (see :mod:`claimx.components.frames`), scores the
candidate with the precision learned for that lemma in that slot, finds the
speaker (borrowed from the governing verb for participles and infinitives), and
widens the content to whole quotations: the quote beside the attribution, and
the quote that resumes right after it ("“...,” he said. “...”").

With the trained models (the default), the content tagger
(:mod:`claimx.components.content_tagger`) adds candidates for content no cue
covers, the claim scorer (:mod:`claimx.components.scoring`) decides which
candidates are kept, and the boundary model (:mod:`claimx.components.boundaries`)
redraws a kept claim's content where an alternative fits better; without them,
the learned precision decides and the rules' contents stand.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable

import numpy
from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from ..assets import CueLexicon
from ..extensions import doc_text, register_extensions
from ..schema import Claim, Content, ContentKind, Cue, TextSpan
from .cues import SPAN_KEY as CUE_KEY
from .frames import (
    NOUN_SLOT,
    RELATIVE_PRONOUNS,
    content_slot,
    quote_of_tokens,
    subject_of,
    token_masks,
)
from .boundaries import BoundaryModel
from .content_tagger import CONTENT, ContentTagger
from .scoring import ClaimScorer, candidate_features
from .quotes import OPEN_ENDED
from .quotes import SPAN_KEY as QUOTE_KEY

# Dependents of a content clause that belong to another attribution, not to it
# ("..., warning of ...", "X, he said, Y"); a coordinated verb ("voted for Obama
# and wrote in Ron Paul") stays part of the content.
CHAIN_DEPS = ("advcl", "parataxis")
# A clause with one of these has a subject of its own.
SUBJECT_DEPS = ("nsubj", "nsubjpass", "expl")
# Subordinators of a cue's adverbial clause that carry on what was said ("... if ...").
CONTENT_MARKS = ("if", "unless")
# Punctuation that ends a sentence, whatever the parser's sentence boundaries say.
SENTENCE_ENDS = (".", "!", "?")
# Punctuation that introduces a quotation right after the words it explains.
INTRODUCERS = (":", "--", "\u2013", "\u2014")
# Dependents of the cue that make up the attribution clause, never the content.
ATTRIBUTION_DEPS = (
    "nsubj", "nsubjpass", "aux", "auxpass", "neg", "advmod", "npadvmod", "prt",
    "dative", "agent", "punct", "cc", "mark", "tmod",
)


@dataclass(frozen=True)
class _DocIndex:
    """Per-doc lookups shared by every cue: quotes, paragraphs, cue positions."""

    quotes: list[Span]
    quote_of: list[int]  # token -> quote number, or -1
    para_of: list[int]  # token -> paragraph number
    cue_heads: set[int]
    masks: tuple[numpy.ndarray, numpy.ndarray]  # token -> is a word, breaks a line

    @classmethod
    def build(cls, doc: Doc) -> "_DocIndex":
        quotes = list(doc.spans[QUOTE_KEY]) if QUOTE_KEY in doc.spans else []
        masks = token_masks(doc)
        para_of = numpy.cumsum(masks[1], dtype=numpy.int64).tolist()
        cues = doc.spans[CUE_KEY] if CUE_KEY in doc.spans else ()
        return cls(quotes, quote_of_tokens(doc, quotes), para_of, {s.root.i for s in cues}, masks)


@dataclass
class Draft:
    """A candidate claim before scoring and deduplication (token indices)."""

    cue_head: int
    slot: str
    cue_tokens: list[int]
    lemma: str
    speaker: Span | None
    addressee: Span | None
    content: list[int]
    confidence: float
    prior: float = 0.0  # learned precision of the cue in its slot, before the trained scorer

    def __post_init__(self) -> None:
        self.prior = self.prior or self.confidence


def _noun_phrase(tok: Token) -> Span:
    """The mention headed by ``tok``: its subtree without trailing punctuation."""
    doc = tok.doc
    left, right = tok.left_edge.i, tok.right_edge.i
    while right > left and (doc[right].is_punct or doc[right].is_space):
        right -= 1
    while left < right and (doc[left].is_punct or doc[left].is_space):
        left += 1
    return doc[left : right + 1]


def _noun_phrase_before(tok: Token, stop: Token) -> Span:
    """The mention headed by ``tok`` up to the modifier clause that holds ``stop``."""
    doc = tok.doc
    end = stop.left_edge.i
    while end > tok.i + 1 and (doc[end - 1].is_punct or doc[end - 1].is_space):
        end -= 1
    return doc[tok.left_edge.i : max(end, tok.i + 1)]


def _within_paragraph(span: Span, head: Token, para_of: list[int]) -> Span:
    """Clip a mention to its head's paragraph (a dateline or timestamp is not the speaker)."""
    para = para_of[head.i]
    start, end = span.start, span.end
    while start < head.i and para_of[start] != para:
        start += 1
    while end - 1 > head.i and para_of[end - 1] != para:
        end -= 1
    while start < head.i and (span.doc[start].is_space or span.doc[start].is_punct):
        start += 1
    return span.doc[start:end]


def _subtree_without(head: Token, cut: Iterable[Token]) -> set[int]:
    out = {t.i for t in head.subtree}
    for tok in cut:
        out -= {t.i for t in tok.subtree}
    return out


class Attributor:
    """Build ``doc._.claims`` from cue candidates, quotes and the dependency parse.

    Usage::

        nlp.add_pipe("claimx_quotes"); nlp.add_pipe("claimx_cues")
        nlp.add_pipe("claimx_attribution")
        doc = nlp("Hegseth told Dong that Washington does not seek conflict.")
        doc._.claims[0].content.text   # 'that Washington does not seek conflict'
    """

    def __init__(
        self,
        lexicon: CueLexicon,
        name: str = "claimx_attribution",
        min_confidence: float = 0.35,
        max_attribution_gap: int = 2,
        max_headline_source: int = 5,
        scorer: ClaimScorer | None = None,
        tagger: ContentTagger | None = None,
        base_fits_tagger: Callable[[], bool] | None = None,
        boundaries: BoundaryModel | None = None,
    ) -> None:
        self.scorer = scorer
        self.tagger = tagger
        # reads the tagger's probabilities: runs only where the scorer ran with them
        self.boundaries = boundaries
        # checked once, on first use: the base pipeline's weights load after construction
        self._base_fits_tagger = base_fits_tagger
        self._tagger_fits: bool | None = None
        # tagger runs become candidates from this many words, believed this much,
        # when likely candidates hold at most this share of their words
        self.min_tagged_words = 3
        self.tagged_belief = 0.5
        self.tagged_overlap = 0.3
        self.max_headline_source = max_headline_source
        self.name = name
        self.lexicon = lexicon
        self.min_confidence = min_confidence
        self.max_attribution_gap = max_attribution_gap
        register_extensions()

    # -- scoring ---------------------------------------------------------------
    def frame_confidence(self, lemma: str, slot: str) -> float:
        if slot.startswith(NOUN_SLOT):
            entry = self.lexicon.nouns.get(lemma)
        else:
            entry = self.lexicon.verbs.get(lemma) or self.lexicon.punctuation.get(lemma)
        if entry is None:
            return 0.0
        frame = entry.frames.get(slot)
        if frame is not None:
            return float(frame["precision"])
        return self.lexicon.unseen_frame_precision(entry, slot)

    # -- pipeline entry --------------------------------------------------------
    def __call__(self, doc: Doc) -> Doc:
        try:
            doc._.claims = tuple(self.attribute(doc))
        except Exception as err:  # keep the doc: batch runs report it, never drop it
            doc._.claims = ()
            doc._.claimx_error = f"attribution failed: {type(err).__name__}: {err}"
        return doc

    def scorer_for(self, doc: Doc) -> ClaimScorer | None:
        """The trained scorer, unless it needs the content tagger and the tagger cannot run
        on ``doc`` (no scorer file, or a base pipeline without matching context vectors):
        then the rules decide alone."""
        if self.scorer is None:
            return None
        if self.scorer.needs_tagger and not (self.tagger is not None and self._tagger_ready(doc)):
            return None
        return self.scorer

    def _tagger_ready(self, doc: Doc) -> bool:
        assert self.tagger is not None
        if self._tagger_fits is None:
            self._tagger_fits = self._base_fits_tagger() if self._base_fits_tagger else True
        return self._tagger_fits and self.tagger.usable(doc)

    def attribute(self, doc: Doc) -> list[Claim]:
        index = _DocIndex.build(doc)
        return self._finish(doc, self.kept(doc, index), index)

    def kept(self, doc: Doc, index: _DocIndex) -> list[Draft]:
        """The candidates that pass the scorer's threshold (the rules' without it), their
        content redrawn by the boundary model where it runs."""
        scorer = self.scorer_for(doc)
        threshold = scorer.threshold if scorer is not None else self.min_confidence
        drafts, beliefs = self._scored_candidates(doc, index, None)
        kept = [d for d in drafts if d.confidence >= threshold]
        if self.boundaries is not None and beliefs is not None and beliefs.ndim == 2:
            self.boundaries.redraw(doc, kept, index, beliefs)
        return kept

    def candidates(
        self,
        doc: Doc,
        index: _DocIndex | None = None,
        content_probs: numpy.ndarray | None = None,
    ) -> list[Draft]:
        """Every cue candidate that has a speaker and a content, scored.

        ``content_probs`` (the content tagger's, computed here when the scorer needs
        them) also propose candidates for content the tagger sees that no cue covers:
        one row per token, as :meth:`ContentTagger.probabilities` gives them, or just
        P(content) per token.
        """
        return self._scored_candidates(doc, index or _DocIndex.build(doc), content_probs)[0]

    def _scored_candidates(
        self, doc: Doc, index: _DocIndex, content_probs: numpy.ndarray | None
    ) -> tuple[list[Draft], numpy.ndarray | None]:
        """The candidates, and the tagger's probabilities when the scorer read them."""
        drafts = []
        for span in doc.spans[CUE_KEY] if CUE_KEY in doc.spans else ():
            if span.label_ == ":":
                draft = self._colon_draft(doc, span.root, index)
            elif span.root.pos_ == "NOUN":
                draft = self._noun_draft(doc, span.root, index)
            else:
                draft = self._draft(doc, span.root, index)
            if draft is not None:
                drafts.append(draft)
        self._mark_nested(doc, drafts)
        scorer = self.scorer_for(doc)
        beliefs = content_probs
        if beliefs is None and scorer is not None and scorer.needs_tagger and self.tagger is not None:
            beliefs = self.tagger.probabilities(doc, drafts, index.quote_of)
        probs = beliefs[:, CONTENT] if beliefs is not None and beliefs.ndim == 2 else beliefs
        if probs is not None:
            drafts += self._tagged_drafts(doc, drafts, probs, index)
        if scorer is not None:
            for draft in drafts:
                draft.confidence = scorer.probability(self.features(doc, draft, index, beliefs))
        return drafts, (beliefs if scorer is not None else None)

    def features(
        self, doc: Doc, draft: Draft, index: _DocIndex, beliefs: numpy.ndarray | None
    ) -> list[tuple[str, float]]:
        """What the claim scorer reads of a candidate (training scripts read the same)."""
        speaker = draft.speaker.root if draft.speaker is not None and len(draft.speaker) else None
        source = (
            self.lexicon.source_precision(speaker.lemma_.lower())
            if speaker is not None and speaker.pos_ == "NOUN"
            else None
        )
        quoted = quoted_words(doc, draft.content, index.quote_of)
        return candidate_features(doc, draft, quoted, beliefs, index.masks, source)

    def _tagged_drafts(
        self, doc: Doc, drafts: list[Draft], probs: numpy.ndarray, index: _DocIndex
    ) -> list[Draft]:
        """Candidates for runs of words the tagger believes are content and no likely
        candidate holds: the run's governing word is the cue ("voiced support for
        the bill"), its subject the speaker. The scorer decides which to keep."""
        held: set[int] = set()
        for draft in drafts:
            if draft.prior >= self.min_confidence:
                held.update(draft.content)
        out = []
        is_word = index.masks[0]
        for run in _believed_runs(doc, probs, index.masks, self.min_tagged_words, self.tagged_belief):
            words = [i for i in run if is_word[i]]
            if sum(1 for i in words if i in held) > self.tagged_overlap * len(words):
                continue
            inside = set(run)
            root = next((doc[i] for i in run if doc[i].head.i not in inside and not doc[i].is_punct), None)
            if root is None or root.head.i == root.i:
                continue
            cue, cue_tokens = root.head, [root.head.i]
            if cue.pos_ == "ADP":  # "spoke of ...": the preposition joins the cue
                cue = cue.head
                cue_tokens.insert(0, cue.i)
            if cue.i in inside:
                continue
            subject, _ = subject_of(cue, reporting=index.cue_heads)
            if subject is None:
                continue
            speaker = _within_paragraph(_noun_phrase(subject), subject, index.para_of)
            if speaker.start <= cue.i < speaker.end or inside & set(range(speaker.start, speaker.end)):
                continue
            slot = TAGGED_SLOT + root.dep_
            lemma = cue.lemma_.lower()
            out.append(
                Draft(
                    cue_head=cue.i,
                    slot=slot,
                    cue_tokens=sorted(cue_tokens),  # "of which she spoke": the word order
                    lemma=lemma,
                    speaker=speaker,
                    addressee=None,
                    content=[i for i in run if i not in cue_tokens],
                    confidence=0.0,  # never kept by the rules alone
                    prior=self.frame_confidence(lemma, slot) or 1e-3,
                )
            )
        return out

    def _mark_nested(self, doc: Doc, drafts: list[Draft]) -> None:
        """Re-score candidates whose cue sits inside another claim's content.

        "Hegseth told Dong that Washington does not seek conflict": whether the
        inner "seek" is a claim of its own is a frame with its own learned precision.
        """
        contents = [
            (d.cue_head, set(d.content)) for d in drafts if d.confidence >= self.min_confidence
        ]
        for draft in drafts:
            if any(head != draft.cue_head and draft.cue_head in c for head, c in contents):
                draft.slot += "+n"
                draft.confidence = draft.prior = self.frame_confidence(
                    doc[draft.cue_head].lemma_.lower(), draft.slot
                )

    def _colon_draft(self, doc: Doc, colon: Token, index: _DocIndex) -> Draft | None:
        """Headline attribution by colon: "Kasich: ‘We Are Going All The Way.’"."""
        para = index.para_of[colon.i]
        start = colon.i
        while start > 0 and index.para_of[start - 1] == para and not doc[start - 1].is_space:
            start -= 1
        end = colon.i + 1
        while end < len(doc) and index.para_of[end] == para and "\n" not in doc[end].text:
            end += 1
        source = [t for t in doc[start : colon.i] if not t.is_punct]
        content = [t.i for t in doc[colon.i + 1 : end] if not t.is_space]
        if not source or len(source) > self.max_headline_source:
            return None
        if any(t.pos_ in ("VERB", "AUX") for t in source) or source[-1].pos_ != "PROPN":
            return None
        if sum(1 for i in content if doc[i].is_alpha) < 3:
            return None
        return Draft(
            cue_head=colon.i,
            slot="headline",
            cue_tokens=[colon.i],
            lemma=":",
            speaker=doc[source[0].i : source[-1].i + 1],
            addressee=None,
            content=content,
            confidence=self.frame_confidence(":", "headline"),
        )

    def _noun_draft(self, doc: Doc, noun: Token, index: _DocIndex) -> Draft | None:
        """A reporting noun with its source: "his warning that ...", "Trump's claim of ..."."""
        owner = next((c for c in noun.children if c.dep_ == "poss"), None)
        clause = _noun_clause(noun)
        if owner is None or clause is None:
            return None
        chains = [t for t in clause.subtree if t is not clause and _is_chain(t, index.cue_heads)]
        cue_tokens = [noun.i]
        if clause.dep_ == "prep":
            slot = NOUN_SLOT + "prep:" + clause.lower_
            cue_tokens.append(clause.i)
            content: set[int] = set()
            for child in clause.children:
                if child.dep_ in ("pobj", "pcomp"):
                    content |= _subtree_without(child, chains)
        else:
            slot = NOUN_SLOT + "that"
            content = _subtree_without(clause, chains)
        content = {i for i in content if index.para_of[i] == index.para_of[noun.i]}
        if not any(doc[i].is_alpha for i in content):
            return None
        speaker = doc[owner.left_edge.i : owner.i + 1]
        if owner.lower_ in RELATIVE_PRONOUNS:
            return None
        return Draft(
            cue_head=noun.i,
            slot=slot,
            cue_tokens=cue_tokens,
            lemma=noun.lemma_.lower(),
            speaker=speaker,
            addressee=None,
            content=sorted(content),
            confidence=self.frame_confidence(noun.lemma_.lower(), slot),
        )

    # -- one cue ---------------------------------------------------------------
    def _draft(self, doc: Doc, cue: Token, index: _DocIndex) -> Draft | None:
        cue_heads, quote_of = index.cue_heads, index.quote_of
        slot, slot_head = content_slot(cue)
        cue_tokens = [cue.i] + [c.i for c in cue.children if c.dep_ == "prt"]
        if slot == "according":
            return self._according(doc, cue, slot_head, index)
        lemma = cue.lemma_.lower()
        if slot_head is not None and (slot in ("xcomp", "mark:for") or slot.startswith("prep:")):
            inner = self._inner_cue(slot_head)
            if inner is not None and inner.i in cue_heads:
                # "responded by stressing" vs "called for denying": the more
                # reliable of the two reporting words makes the claim
                inner_slot, _ = content_slot(inner)
                if self.frame_confidence(inner.lemma_.lower(), inner_slot) >= (
                    self.frame_confidence(lemma, slot)
                ):
                    return None
        if slot == "dobj" and slot_head is not None and slot_head.lemma_.lower() in self.lexicon.nouns:
            clause = _noun_clause(slot_head)
            if clause is not None:
                # "raised concerns about ...", "reiterated Beijing's position that ...":
                # the reporting noun's clause is what was said
                slot = "dobj:noun"
                if clause.dep_ == "prep":
                    cue_tokens += list(range(cue.i + 1, clause.i + 1))
        subject, owner = subject_of(cue, reporting=cue_heads)
        if subject is None:
            return None
        speaker = _noun_phrase(subject)
        if speaker.start <= cue.i < speaker.end:
            # the source noun governs the cue ("a statement saying ..."): keep what
            # precedes it, and learn this frame apart from verbs with a subject
            speaker = _noun_phrase_before(subject, cue)
            slot += "+acl"
        if subject.lower_ in RELATIVE_PRONOUNS and owner.dep_ == "relcl":
            speaker = doc[subject.i : subject.i + 1]
        speaker = _within_paragraph(speaker, subject, index.para_of)
        content = self._slot_content(cue, slot, slot_head, cue_heads)
        content -= _trailing_asides(doc, content, index.quote_of)
        # a misparse can hang a clause of another paragraph on the cue
        content = {i for i in content if index.para_of[i] == index.para_of[cue.i]}
        if slot.startswith("prep:") and slot_head is not None:
            cue_tokens.append(slot_head.i)
        if slot == "mark:for" and slot_head is not None:
            cue_tokens += [m.i for m in slot_head.children if m.dep_ == "mark"]
        cue_tokens += self._outer_cue(cue, cue_heads)
        attribution = {
            i
            for i in self._attribution_tokens(cue, speaker, content)
            if not doc[i].is_space and index.para_of[i] == index.para_of[cue.i]
        }
        content, quoted = self._with_quotes(doc, content, attribution, index)
        if quoted:
            # a quotation beside the attribution is its own frame: "“...,” he
            # continued" is reported speech where "tensions ..., and continue" is not
            slot += "+q"
        confidence = self.frame_confidence(lemma, slot)
        content = [i for i in content if i not in attribution or quote_of[i] >= 0]
        if not any(doc[i].is_alpha or doc[i].like_num for i in content):
            return None
        addressee = None
        for child in cue.children:
            if (
                child.dep_ in ("dative", "dobj")
                and child.pos_ in ("PROPN", "NOUN", "PRON")
                and not any(t.i in content for t in child.subtree)
                and child.lemma_.lower() not in self.lexicon.nouns
            ):
                addressee = _noun_phrase(child)
                break
        return Draft(
            cue_head=cue.i,
            slot=slot,
            cue_tokens=sorted(set(cue_tokens)),
            lemma=cue.lemma_.lower(),
            speaker=speaker,
            addressee=addressee,
            content=sorted(content),
            confidence=confidence,
        )

    def _according(
        self, doc: Doc, cue: Token, clause: Token | None, index: _DocIndex
    ) -> Draft | None:
        to = next((c for c in cue.children if c.dep_ == "prep" and c.lower_ == "to"), None)
        source = next((c for c in to.children if c.dep_ == "pobj"), None) if to else None
        if source is None or clause is None:
            return None
        speaker = _noun_phrase(source)
        content = _subtree_without(clause, [cue])
        content -= set(range(speaker.start, speaker.end))
        content = {
            i
            for i in content
            if doc[i].sent.start == cue.sent.start and index.para_of[i] == index.para_of[cue.i]
        }
        if not content:
            return None
        return Draft(
            cue_head=cue.i,
            slot="according",
            cue_tokens=[cue.i, to.i] if to is not None else [cue.i],
            lemma="according to",
            speaker=speaker,
            addressee=None,
            content=sorted(content),
            confidence=self.frame_confidence("accord", "according"),
        )

    @staticmethod
    def _inner_cue(slot_head: Token) -> Token | None:
        if slot_head.pos_ in ("VERB", "AUX"):
            return slot_head
        for child in slot_head.children:
            if child.dep_ == "pcomp" and child.pos_ in ("VERB", "AUX"):
                return child
        return None

    @staticmethod
    def _outer_cue(cue: Token, cue_heads: set[int]) -> list[int]:
        """Words of a governing reporting verb that frame this cue ("responded by stressing")."""
        if cue.dep_ == "pcomp" and cue.head.dep_ == "prep" and cue.head.head.pos_ == "VERB":
            outer = cue.head.head
            if outer.i in cue_heads and outer.i < cue.i:
                return list(range(outer.i, cue.i))
        return []

    def _slot_content(
        self, cue: Token, slot: str, head: Token | None, cue_heads: set[int]
    ) -> set[int]:
        if head is None or slot == "none":
            return set()
        if slot.startswith("^"):
            return _around_parenthetical(cue, head)
        chains = [t for t in head.subtree if t is not head and _is_chain(t, cue_heads)]
        if slot.startswith("prep:"):
            tokens: set[int] = set()
            for child in head.children:
                if child.dep_ in ("pobj", "pcomp"):
                    tokens |= _subtree_without(child, chains)
            # an object the parser split off the phrase ("damage | to supply chains")
            for child in cue.children:
                if child.dep_ == "dobj" and child.i > head.i:
                    tokens |= _subtree_without(child, chains)
            return tokens
        tokens = _subtree_without(head, chains)
        if slot == "mark:for":
            tokens -= {m.i for m in head.children if m.dep_ == "mark"}
        if slot == "dobj:noun":
            clause = _noun_clause(head)
            if clause is not None:
                if clause.dep_ == "prep":
                    return set().union(
                        *(_subtree_without(c, chains) for c in clause.children if c.dep_ in ("pobj", "pcomp"))
                    )
                return _subtree_without(clause, chains)
        # "called for a larger role in Syria to deprive ISIL of its sanctuaries"
        for child in cue.children:
            if child.dep_ == "advcl" and child.i > head.i and _content_clause(child):
                tokens |= _subtree_without(child, chains)
        if slot in ("dobj", "oprd"):
            # "compared the US and China to two ships", "called Trump a liar":
            # complements right of the object
            for child in cue.children:
                if child.i > head.i and child.dep_ in ("prep", "oprd", "xcomp", "ccomp"):
                    tokens |= _subtree_without(child, chains)
        return tokens

    @staticmethod
    def _attribution_tokens(cue: Token, speaker: Span | None, content: set[int]) -> set[int]:
        tokens = {cue.i}
        if speaker is not None:
            tokens |= set(range(speaker.start, speaker.end))
        for child in cue.children:
            if child.dep_ in ATTRIBUTION_DEPS or (
                child.dep_ == "prep" and not (set(t.i for t in child.subtree) & content)
            ):
                if child.dep_ == "punct" and child.text in ("\u201c", "\u201d", '"', "''", "``"):
                    continue
                sub = {t.i for t in child.subtree}
                if not sub & content:
                    tokens |= sub
        return tokens

    def _with_quotes(
        self, doc: Doc, content: set[int], attribution: set[int], index: _DocIndex
    ) -> tuple[set[int], bool]:
        """Widen content to the quotations it touches or that sit beside the attribution.

        Returns the content and whether a quotation sits right beside the attribution.

        A quote left open at the end of its paragraph goes on in the next one
        when that paragraph opens with a quote (news convention), so those join.
        """
        quotes, quote_of = index.quotes, index.quote_of
        content = set(content)
        touched = {quote_of[i] for i in content if quote_of[i] >= 0}
        a_start, a_end = min(attribution), max(attribution)
        before = self._quote_ending_at(doc, a_start, quote_of)
        after = self._quote_starting_at(doc, a_end, quote_of)
        if after is not None and _attributed_after(doc, quotes[after], index):
            after = None  # '..., the mayor said. "It was hard," said Jones.': Jones's words
        adjacent = False
        if before is not None and (not content or before in touched or max(content) < a_start):
            touched.add(before)
            adjacent = True
            if after is not None and after not in touched:
                touched.add(after)
        elif after is not None and (not content or after in touched or min(content) > a_end):
            touched.add(after)
            adjacent = True
        elif after is not None and doc[a_end].text == ":" and all(
            doc[i].pos_ == "PRON" for i in content
        ):
            # "Vasseur put it plainly: “...”": the quote, not the pronoun, is what was said
            content, touched = set(), {after}
            adjacent = True
        elif (
            after is not None
            and content
            and max(content) < a_start
            and all(doc[i].is_punct or doc[i].is_space for i in range(max(content) + 1, a_start))
        ):
            # "Obama felt an obligation, Axelrod said. “This is core stuff for him.”":
            # the quote after the attribution goes on with the paraphrase before it
            touched.add(after)
        introduced = self._quote_introduced_by(doc, content, quote_of)
        if introduced is not None and not _attributed_after(doc, quotes[introduced], index):
            # "... erroneously suggested Curiel was from Mexico: “The judge ...”"
            touched.add(introduced)
        if content:
            follow = self._follow_on_quote(doc, max(max(content), a_end), index)
            if follow is not None:
                touched.add(follow)
        for n in sorted(touched):
            while True:
                quote = quotes[n]
                content |= set(range(quote.start, quote.end))
                if quote.label_ != OPEN_ENDED or n + 1 >= len(quotes):
                    break
                following = quotes[n + 1]
                gap = doc[quote.end : following.start]
                if not all(t.is_space for t in gap) or index.para_of[following.start] == index.para_of[quote.start]:
                    break
                n += 1
        return content, adjacent

    @staticmethod
    def _follow_on_quote(doc: Doc, last: int, index: _DocIndex) -> int | None:
        """A paragraph that is one quotation, with no reporting word of its own,
        right after the paragraph this attribution ends."""
        i = last + 1
        para = index.para_of[last]
        while i < len(doc) and index.para_of[i] == para:
            if not (doc[i].is_punct or doc[i].is_space) or index.quote_of[i] >= 0:
                return None
            i += 1
        while i < len(doc) and doc[i].is_space:
            i += 1
        if i >= len(doc) or index.quote_of[i] < 0:
            return None
        n = index.quote_of[i]
        quote = index.quotes[n]
        j = quote.end
        while j < len(doc) and index.para_of[j] == index.para_of[i]:
            if not (doc[j].is_punct or doc[j].is_space):
                return None
            j += 1
        return n

    @staticmethod
    def _quote_introduced_by(doc: Doc, content: set[int], quote_of: list[int]) -> int | None:
        """The quote that a colon or dash right after the content opens, if any."""
        if not content or quote_of[max(content)] >= 0:
            return None
        i = max(content) + 1
        opened = False
        while i < len(doc) and quote_of[i] < 0 and (doc[i].is_space or doc[i].text in INTRODUCERS):
            opened = opened or doc[i].text in INTRODUCERS
            i += 1
        if not opened or i >= len(doc) or quote_of[i] < 0:
            return None
        return quote_of[i]

    def _quote_ending_at(self, doc: Doc, start: int, quote_of: list[int]) -> int | None:
        i = start - 1
        skipped = 0
        while i >= 0 and quote_of[i] < 0 and (doc[i].is_punct or doc[i].is_space):
            i -= 1
            skipped += 1
            if skipped > self.max_attribution_gap:
                return None
        return quote_of[i] if i >= 0 and quote_of[i] >= 0 else None

    def _quote_starting_at(self, doc: Doc, end: int, quote_of: list[int]) -> int | None:
        i = end + 1
        skipped = 0
        while i < len(doc) and quote_of[i] < 0 and (doc[i].is_punct or doc[i].is_space):
            if doc[i].text == "\n\n" or doc[i].text.count("\n") > 0:
                return None  # a new paragraph is a new statement
            i += 1
            skipped += 1
            if skipped > self.max_attribution_gap:
                return None
        return quote_of[i] if i < len(doc) and quote_of[i] >= 0 else None

    # -- output ----------------------------------------------------------------
    def _finish(self, doc: Doc, drafts: list[Draft], index: _DocIndex) -> list[Claim]:
        best: dict[tuple[int, ...], Draft] = {}
        for draft in drafts:
            key = tuple(draft.content)
            if key not in best or draft.confidence > best[key].confidence:
                best[key] = draft
        text = doc_text(doc)
        claims = [self._claim(doc, text, d, index.quote_of) for d in best.values()]
        claims = [c for c in claims if c is not None]
        claims.sort(key=lambda c: (c.content.start, c.content.end))
        return claims

    def _claim(self, doc: Doc, text: str, draft: Draft, quote_of: list[int]) -> Claim | None:
        fragments = _fragments(doc, draft.content)
        if not fragments:
            return None
        start, end = fragments[0][0], fragments[-1][1]
        content = Content(
            start=start,
            end=end,
            text=text[start:end],
            fragments=tuple(TextSpan(s, e, text[s:e]) for s, e in fragments)
            if len(fragments) > 1
            else (),
        )
        words = sum(1 for i in draft.content if doc[i].is_alpha or doc[i].like_num)
        quoted = quoted_words(doc, draft.content, quote_of)
        kind = (
            ContentKind.DIRECT
            if quoted == words
            else ContentKind.INDIRECT if quoted == 0 else ContentKind.MIXED
        )
        # cue words need not come in order ("For example, his assertion ...": the
        # noun's preposition stands before it)
        cue_start = doc[min(draft.cue_tokens)].idx
        last = doc[max(draft.cue_tokens)]
        cue_end = last.idx + len(last.text)
        return Claim(
            content=content,
            kind=kind,
            cue=Cue(cue_start, cue_end, text[cue_start:cue_end], lemma=draft.lemma),
            speaker=_text_span(draft.speaker),
            addressee=_text_span(draft.addressee),
            confidence=round(draft.confidence, 3),
        )


NOUN_CLAUSE_PREPS = ("about", "over", "of", "on", "that", "for", "regarding")
#: Slot prefix of candidates proposed from the content tagger's runs ("tagged:dobj").
TAGGED_SLOT = "tagged:"


def _believed_runs(
    doc: Doc,
    probs: numpy.ndarray,
    masks: tuple[numpy.ndarray, numpy.ndarray],
    min_words: int,
    belief: float,
) -> list[list[int]]:
    """Maximal runs of tokens within a paragraph whose words the tagger believes
    (p >= ``belief``), punctuation between them included, trailing punctuation cut
    (a closing quotation mark stays)."""
    words, breaks = masks
    believed = words & (probs >= belief)
    stops = numpy.flatnonzero(breaks | (words & ~believed))
    hits = numpy.flatnonzero(believed)
    if len(hits) < min_words:
        return []
    # believed words between the same two stops make one run
    groups = numpy.split(hits, numpy.flatnonzero(numpy.diff(numpy.searchsorted(stops, hits))) + 1)
    out = []
    for group in groups:
        if len(group) < min_words:
            continue
        first, end = int(group[0]), int(group[-1])
        after = numpy.searchsorted(stops, end)
        limit = int(stops[after]) if after < len(stops) else len(doc)
        for j in range(end + 1, limit):
            if doc[j].is_quote:
                end = j
        out.append(list(range(first, end + 1)))
    return out


ASIDE_DEPS = ("relcl", "appos")


def _attributed_after(doc: Doc, quote: Span, index: _DocIndex, reach: int = 8) -> bool:
    """Whether a reporting word follows ``quote`` closely, before its sentence ends
    ('"It was a hard year," said Jones, the treasurer.'): then the quote is that cue's."""
    breaks = index.masks[1]
    for i in range(quote.end, min(len(doc), quote.end + reach)):
        if breaks[i] or index.quote_of[i] >= 0 or doc[i].text in SENTENCE_ENDS:
            return False
        if i in index.cue_heads:
            return True
    return False


def _around_parenthetical(cue: Token, head: Token) -> set[int]:
    """What was said around a cue inside its clause ("X, he said, Y"): the governing
    clause without the attribution.

    A leading clause with a subject of its own that the parser hung on the cue
    ("Though X was smooth, he said, Y") belongs to what was said; a participle
    clause ahead of the cue ("Asked about X, she said, Y") is the occasion.
    """
    tokens = _subtree_without(head, [cue])
    for child in cue.children:
        if (
            child.dep_ == "advcl"
            and child.right_edge.i < cue.i
            and any(c.dep_ in SUBJECT_DEPS for c in child.children)
        ):
            tokens |= {t.i for t in child.subtree}
    for child in head.children:
        if child.dep_ == "advcl" and child.right_edge.i < cue.i and _occasion(child):
            tokens -= {t.i for t in child.subtree}
    return tokens


def _occasion(clause: Token) -> bool:
    """A participle clause without a subject of its own ("Asked about the report,",
    "Speaking to reporters,"): when and how it was said, not what."""
    return clause.tag_ in ("VBN", "VBG") and not any(c.dep_ in SUBJECT_DEPS for c in clause.children)


def _content_clause(clause: Token) -> bool:
    """An adverbial clause of the reporting verb that carries on what was said:
    a purpose ("to deprive ISIL of its sanctuaries") or a condition ("if ...",
    "unless ..."), not the circumstances of saying it ("when asked", "..., adding")."""
    mark = next((m.lower_ for m in clause.children if m.dep_ == "mark"), None)
    if mark is not None:
        return mark in CONTENT_MARKS
    return clause.tag_ == "VB" and any(c.dep_ == "aux" and c.lower_ == "to" for c in clause.children)


def _trailing_asides(doc: Doc, content: set[int], quote_of: list[int]) -> set[int]:
    """A non-restrictive relative clause or apposition that ends the content
    (", which ...", ", the existing alliance ..."): the writer's aside, not what was said."""
    if not content:
        return set()
    last = max(content)
    for i in sorted(content):
        tok = doc[i]
        if tok.dep_ not in ASIDE_DEPS or tok.head.i not in content:
            continue
        if tok.dep_ == "appos" and any(c.dep_ in ("conj", "cc") for c in tok.children):
            continue  # "his parents, his siblings, his wife and ...": a list, not an aside
        sub = [t.i for t in tok.subtree]
        first = sub[0]
        if sub[-1] < last - 1 or first == 0 or doc[first - 1].text != ",":
            continue
        if any(quote_of[j] >= 0 for j in sub):
            continue
        return set(range(first - 1, last + 1)) & content | set(sub)
    return set()


def _noun_clause(noun: Token) -> Token | None:
    """The clause or prepositional phrase a reporting noun introduces, if any."""
    for child in noun.children:
        if child.dep_ in ("acl", "ccomp") and any(
            m.dep_ == "mark" and m.lower_ == "that" for m in child.children
        ):
            return child
        if child.dep_ == "prep" and child.lower_ in NOUN_CLAUSE_PREPS and any(
            c.dep_ in ("pobj", "pcomp") for c in child.children
        ):
            return child
    return None


def quoted_words(doc: Doc, tokens: Iterable[int], quote_of: list[int]) -> int:
    """How many words (not punctuation) of ``tokens`` lie inside quotation marks."""
    return sum(1 for i in tokens if quote_of[i] >= 0 and (doc[i].is_alpha or doc[i].like_num))


def _is_chain(tok: Token, cue_heads: set[int]) -> bool:
    """Whether ``tok`` heads an attribution of its own inside another's content."""
    if tok.i not in cue_heads or tok.dep_ not in CHAIN_DEPS:
        return False
    if tok.dep_ == "parataxis":
        return True
    before = tok.doc[tok.left_edge.i - 1] if tok.left_edge.i > 0 else None
    return tok.tag_ == "VBG" or (before is not None and before.text == ",")


def _text_span(span: Span | None) -> TextSpan | None:
    if span is None or len(span) == 0:
        return None
    return TextSpan(span.start_char, span.end_char, span.text)


def _fragments(doc: Doc, tokens: list[int]) -> list[tuple[int, int]]:
    """Contiguous character ranges of ``tokens``, trimmed of edge punctuation.

    Quotation marks at the edges stay (direct content keeps its marks); gaps made
    only of punctuation or spaces do not split a fragment.
    """
    if not tokens:
        return []
    runs: list[list[int]] = [[tokens[0]]]
    for i in tokens[1:]:
        prev = runs[-1][-1]
        gap = range(prev + 1, i)
        if all(doc[j].is_punct or doc[j].is_space for j in gap) and len(gap) <= 1 and not any(
            "\n" in doc[j].text for j in gap
        ):
            runs[-1].extend(list(gap) + [i])
        else:
            runs.append([i])
    out: list[tuple[int, int]] = []
    for run in runs:
        lo, hi = 0, len(run) - 1
        while lo <= hi and _trim(doc[run[lo]], leading=True):
            lo += 1
        while hi >= lo and _trim(doc[run[hi]], leading=False):
            hi -= 1
        if lo > hi:
            continue
        first, last = doc[run[lo]], doc[run[hi]]
        out.append((first.idx, last.idx + len(last.text)))
    return out


QUOTE_MARKS = {'"', "\u201c", "\u201d", "''", "``", "\u00ab", "\u00bb", "\u201e"}


def _trim(tok: Token, leading: bool) -> bool:
    if tok.is_space or tok.dep_ == "cc":
        return True
    if not tok.is_punct:
        return False
    if tok.text in QUOTE_MARKS:
        # keep a quote mark only where it opens (leading) or closes (trailing) a quote
        return False
    return True


@Language.factory(
    "claimx_attribution",
    requires=["token.dep", "token.lemma", "doc.spans"],
    assigns=["doc._.claims"],
    default_config={
        "lexicon": {"@misc": "claimx.cue_lexicon.v1", "lang": "en"},
        "min_confidence": 0.35,
        "max_attribution_gap": 2,
        "scorer": {"@misc": "claimx.claim_scorer.v1", "lang": "en"},
        "tagger": {"@misc": "claimx.content_tagger.v1", "lang": "en"},
        "boundaries": {"@misc": "claimx.boundary_model.v1", "lang": "en"},
        "use_scorer": True,
    },
)
def make_attributor(
    nlp: Language,
    name: str,
    lexicon: CueLexicon,
    min_confidence: float,
    max_attribution_gap: int,
    scorer: ClaimScorer | None,
    tagger: ContentTagger | None,
    boundaries: BoundaryModel | None,
    use_scorer: bool,
) -> Attributor:
    """Claim builder.

    ``min_confidence``: lowest learned cue precision kept by the rules alone;
    ``max_attribution_gap``: punctuation tokens allowed between a quote and its
    attribution; ``scorer``: the trained candidate scorer (its threshold then
    replaces ``min_confidence``); ``tagger``: the trained content tagger whose
    probabilities the scorer reads; ``boundaries``: the trained model that redraws a kept
    claim's content from the rules' and its alternatives; ``use_scorer``: false for the rules alone (also
    the fallback when no scorer file is shipped, or when the scorer needs the tagger
    and the base pipeline gives no matching context vectors).
    """
    return Attributor(
        lexicon,
        name=name,
        min_confidence=min_confidence,
        max_attribution_gap=max_attribution_gap,
        scorer=scorer if use_scorer else None,
        tagger=tagger if use_scorer else None,
        base_fits_tagger=(lambda: tagger.fits(nlp)) if tagger is not None else None,
        boundaries=boundaries if use_scorer else None,
    )
