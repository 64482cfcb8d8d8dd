"""A deterministic coreference sieve for the speakers of one article.

The passes, in order (each only links what the earlier ones left):

1. **Names.** Every PERSON / ORG / GPE / NORP / FAC span spaCy's NER finds becomes a mention.
   Full person names are clustered first (same first name + surname, titles and middle initials
   dropped); then surnames, first names and title + surname ("Mr. Trump", "Sen. Grassley") join
   the person they match, with Mr./Mrs. gender and the nearest full mention breaking ties;
   organisations match on their key, acronym ("the AP" = "The Associated Press") or short form
   ("The Post"); places through the alias table ("U.S." = "the United States").
2. **Descriptions of persons.** Title, affiliation and role words are read around every person
   mention (pre-nominal titles, appositives, "of Maryland", "Chinese officials, notably X").
3. **Claim mentions, in text order.** A speaker or addressee span is a name (-> its cluster), a
   coordination of names (-> a group), a definite description (-> the entity whose title, role or
   class matches: "the senator", "the newspaper", "the campaign"), a pronoun (-> the most salient
   entity that agrees in gender and number; the speaker of a recent claim weighs most, so "he"
   follows whoever has been speaking), a relative pronoun (-> its antecedent), or an unnamed
   group or individual ("critics", "a spokesman"), which stays unresolved but can still be the
   antecedent of a later "they" / "he".
4. **First person.** "I" / "we" inside a quote -> the speaker of that quote.

Everything is one left-to-right walk over the doc plus look-ups in small tables, so the cost is
linear in the length of the article.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy
from spacy.attrs import DEP, IDX, LEMMA, LOWER, ORTH, SENT_START
from spacy.tokens import Doc, Span, Token

from ..schema import Claim, SpeakerType, TextSpan
from ..speaker_assets import SpeakerLexicon
from .speaker_names import (
    Description,
    acronym,
    clean_org_name,
    describe_person,
    org_key,
    person_name,
    strip_possessive,
)

#: Salience of a mention by its role in the sentence.
W_SPEAKER = 3.0  # speaker of a claim
W_SUBJECT = 2.0  # grammatical subject
W_OTHER = 1.0
W_IN_QUOTE = 0.5  # factor for mentions inside quotation marks
DECAY = 0.5  # per sentence of distance
WINDOW = 6  # sentences looked back for pronoun antecedents
LAST_SPEAKER_BONUS = 2.0  # the speaker of the nearest preceding claim
UNKNOWN_GENDER = 0.6  # factor for persons of unknown gender under he/she
PARTIAL_FIRST = False

_SUBJECT_DEPS = {"nsubj", "nsubjpass", "csubj"}
_QUOTE_TOKENS = ('"', "“", "”", "„", "‟", "«", "»", "''", "``")
_OPENERS = {"“", "„", "‟", "«", "``"}
_CLOSERS = {"”", "»", "''"}


@dataclass(eq=False)
class Entity:
    """One referent of the article; ``name`` is None for unnamed ones ("a spokesman", "critics")."""

    type: SpeakerType
    name: str | None
    first: int  # token index of the first mention
    core: tuple[str, ...] = ()  # person: lower-case name words without suffix
    key: str = ""  # organisation / place comparison key
    acronym: str = ""
    gender: str | None = None
    gender_rank: int = 0  # 3 honorific, 2 role noun, 1 first name
    plural: bool = False
    title: str | None = None
    affiliation: str | None = None
    roles: set[str] = field(default_factory=set)
    modifiers: set[str] = field(default_factory=set)
    classes: set[str] = field(default_factory=set)
    head: str = ""  # head noun of an unnamed / document entity
    mentions: dict[tuple[int, int], TextSpan] = field(default_factory=dict)
    full_count: int = 0
    claim_count: int = 0
    owner: Entity | None = None  # campaign / document owner

    @property
    def is_person(self) -> bool:
        return self.type == SpeakerType.PERSON

    def add_mention(self, start: int, end: int, text: str) -> None:
        self.mentions.setdefault((start, end), TextSpan(start, end, text))

    def set_gender(self, gender: str | None, rank: int) -> None:
        if gender in ("m", "f") and rank > self.gender_rank:
            self.gender, self.gender_rank = gender, rank

    def absorb(self, desc: Description) -> None:
        if self.title is None and desc.title:
            self.title = desc.title
        if self.affiliation is None and desc.affiliation:
            self.affiliation = desc.affiliation
        self.roles |= desc.roles
        self.modifiers |= desc.modifiers
        self.set_gender(desc.gender, 2)


@dataclass
class _Event:
    """A mention of an entity at a position, for salience."""

    tok: int
    sent: int
    weight: float
    entity: Entity
    speaker: bool = False


_DEFER = object()  # first person in a quote: resolved after the quotes' speakers


class ArticleCoref:
    """The entities of one parsed article and the resolution of its claim mentions.

    >>> coref = ArticleCoref(doc, lexicon)
    >>> speakers, addressees = coref.resolve_claims(doc._.claims)
    """

    def __init__(self, doc: Doc, lex: SpeakerLexicon) -> None:
        self.doc = doc
        self.lex = lex
        self.entities: list[Entity] = []
        # Token attributes as arrays: walking every token in Python would cost more than the rest.
        strings = doc.vocab.strings
        arrays = doc.to_array([SENT_START, DEP, LOWER, LEMMA, ORTH, IDX])
        self._dep, self._lower, self._lemma = arrays[:, 1], arrays[:, 2], arrays[:, 3]
        self._ids = lambda words: numpy.array([strings[w] for w in words], dtype=arrays.dtype)
        starts = arrays[:, 0] == 1
        self.sent_of: list[int] = (
            (numpy.cumsum(starts) - 1).clip(min=0).tolist() if starts.any() else [0] * len(doc)
        )
        self.ent_at: dict[int, Span] = {}  # token -> NER span
        self.tok_entity: dict[int, Entity] = {}  # token -> entity of the NER span covering it
        self.persons: list[Entity] = []
        self.person_keys: dict[tuple[str, str], Entity] = {}
        self.org_keys: dict[str, Entity] = {}
        self.campaigns: dict[int, Entity] = {}  # id(owner) -> campaign entity
        self.groups: dict[tuple[int, ...], Entity] = {}
        self._event_toks: list[int] = []
        self._events: list[_Event] = []
        self.quotes = self._quote_regions(doc, arrays[:, 4], arrays[:, 5])
        self._cache: dict[tuple[int, int], Entity | None | object] = {}
        self._names()

    # ------------------------------------------------------------------ set-up

    @cached_property
    def text(self) -> str:
        """The article text (spaCy rebuilds it on each access; only rare paths need it)."""
        return self.doc.text

    def _quote_regions(
        self, doc: Doc, orth: numpy.ndarray, idx: numpy.ndarray
    ) -> list[tuple[int, int]]:
        """Character ranges inside quotation marks (straight quotes pair up in order)."""
        regions: list[tuple[int, int]] = []
        open_at: int | None = None
        for i in numpy.flatnonzero(numpy.isin(orth, self._ids(_QUOTE_TOKENS))).tolist():
            q = doc[i].text
            start = int(idx[i])
            if open_at is None:
                if q not in _CLOSERS:
                    open_at = start + len(q)
            elif q not in _OPENERS:
                regions.append((open_at, start))
                open_at = None
            else:
                open_at = start + len(q)
        return regions

    def in_quote(self, char: int) -> tuple[int, int] | None:
        i = bisect.bisect_right(self.quotes, (char, 1 << 62)) - 1
        if i >= 0 and self.quotes[i][0] <= char < self.quotes[i][1]:
            return self.quotes[i]
        return None

    def _new(self, type_: SpeakerType, name: str | None, first: int, **kw: object) -> Entity:
        entity = Entity(type_, name, first, **kw)  # type: ignore[arg-type]
        self.entities.append(entity)
        return entity

    def _add_event(self, tok: int, entity: Entity, weight: float, speaker: bool = False) -> None:
        i = bisect.bisect_right(self._event_toks, tok)
        self._event_toks.insert(i, tok)
        self._events.insert(
            i,
            _Event(
                tok, self.sent_of[tok] if tok < len(self.sent_of) else 0, weight, entity, speaker
            ),
        )

    def _weight_at(self, span: Span) -> float:
        weight = W_SUBJECT if span.root.dep_ in _SUBJECT_DEPS else W_OTHER
        if self.in_quote(span.start_char) is not None:
            weight *= W_IN_QUOTE
        return weight

    # ------------------------------------------------------------------ pass 1: names

    def _names(self) -> None:
        doc, lex = self.doc, self.lex
        full, single, other = [], [], []
        for ent in doc.ents:
            for i in range(ent.start, ent.end):
                self.ent_at[i] = ent
            if ent.label_ == "PERSON":
                parts = person_name(self._with_hyphen_tail(ent), lex)
                if parts is not None:
                    (full if len(parts.core) >= 2 else single).append((ent, parts))
            elif ent.label_ in ("ORG", "GPE", "NORP", "FAC", "WORK_OF_ART"):
                other.append(ent)
        # A title-case headline runs names into other words ("Derelict Obama and Clinton"): its
        # "full names" only count as partial names of people the body introduces.
        headline = next((t.i for t in doc[:80] if "\n" in t.text_with_ws), 0)
        headline_end = doc[headline].idx if headline else 0
        if headline_end > 0 and self._title_case(doc[: headline + 1].text):
            single += [(ent, parts) for ent, parts in full if ent.end_char <= headline_end]
            full = [(ent, parts) for ent, parts in full if ent.end_char > headline_end]
        # Longest names first, so that "Suu Kyi" can join "Aung San Suu Kyi".
        full.sort(key=lambda item: (-len(item[1].core), item[0].start))
        for ent, parts in full:
            parts.gender = parts.gender or self._honorific_gender(ent.start)
            entity = self.person_keys.get((parts.core[0], parts.core[-1]))
            if entity is None:
                entity = self._longer_name(parts.core, parts.gender)
            if entity is None:
                entity = self._new(SpeakerType.PERSON, parts.text, ent.start, core=parts.core)
                self.person_keys[(parts.core[0], parts.core[-1])] = entity
                self.persons.append(entity)
            elif len(parts.words) > len((entity.name or "").split()):
                entity.name, entity.core = parts.text, parts.core
            entity.full_count += 1
            entity.set_gender(parts.gender, 3)
            self._link(ent, entity, parts.last)
        for ent, _ in full:  # titles and gendered roles before partial names are matched
            entity = self.tok_entity[ent.start]
            entity.absorb(describe_person(ent, lex, self.ent_at))
        for entity in self.persons:
            entity.set_gender(lex.gender_of_first_name(entity.core[0]), 1)
        for ent, parts in single:
            gender = parts.gender or self._honorific_gender(ent.start)
            entity = self.match_person(parts.core, gender, ent.start)
            for word in parts.core if entity is None and len(parts.core) > 1 else ():
                entity = self.match_person((word,), gender, ent.start)
                if entity is not None:
                    break
            if entity is None:
                entity = self._org_match(org_key(parts.text))
            if entity is None:
                entity = self._new(SpeakerType.PERSON, parts.text, ent.start, core=parts.core)
                self.persons.append(entity)
            if entity.is_person:
                entity.set_gender(gender, 3)
                entity.absorb(describe_person(ent, lex, self.ent_at))
            self._link(ent, entity, parts.last)
        for ent in other:
            entity = self._other_entity(ent)
            if entity is not None:
                self._link(ent, entity)
        self._pronoun_gender()
        self._campaign_mentions()

    def _pronoun_gender(self) -> None:
        """Gender of persons the tables don't know ("Oz"), from he/she in sentences where they
        are the only person and the subject: "Oz has been dogged by charges that he has ..."."""
        votes: dict[int, list[str]] = {}
        people: dict[int, Entity] = {}
        in_sentence: dict[int, dict[int, Entity]] = {}
        subject_at: dict[tuple[int, int], int] = {}
        subject_deps = self._ids(_SUBJECT_DEPS)
        for i, entity in self.tok_entity.items():
            if entity.is_person:
                sent = self.sent_of[i]
                in_sentence.setdefault(sent, {})[id(entity)] = entity
                if self._dep[i] in subject_deps:
                    key = (sent, id(entity))
                    subject_at[key] = min(i, subject_at.get(key, i))
        gendered = [
            p for p in self.lex.pronouns.values() if p.gender in ("m", "f") and p.person == 3
        ]
        forms = {self.doc.vocab.strings[p.form]: p.gender for p in gendered}
        for i in numpy.flatnonzero(
            numpy.isin(self._lower, self._ids(p.form for p in gendered))
        ).tolist():
            sent = self.sent_of[i]
            persons = in_sentence.get(sent, {})
            if len(persons) != 1:
                continue
            entity = next(iter(persons.values()))
            if entity.gender_rank >= 2 or subject_at.get((sent, id(entity)), i) >= i:
                continue
            if self.in_quote(self.doc[i].idx) is None:
                votes.setdefault(id(entity), []).append(forms[int(self._lower[i])])
                people[id(entity)] = entity
        for key, genders in votes.items():
            if len(set(genders)) == 1:
                people[key].set_gender(genders[0], 1)

    def _with_hyphen_tail(self, ent: Span) -> list[Token]:
        """NER often stops inside a hyphenated name: "Ban Ki" of "Ban Ki-moon"."""
        tokens = list(ent)
        doc = self.doc
        end = ent.end
        while (
            end + 1 < len(doc)
            and not doc[end - 1].whitespace_
            and doc[end].text == "-"
            and doc[end + 1].is_alpha
        ):
            tokens += [doc[end], doc[end + 1]]
            end += 2
        return tokens

    def _longer_name(self, core: tuple[str, ...], gender: str | None) -> Entity | None:
        """A known person whose name ends with this multi-word name ("Suu Kyi")."""
        n = len(core)
        found = [
            e
            for e in self.persons
            if len(e.core) > n
            and e.core[-n:] == core
            and not (gender and e.gender and e.gender != gender)
        ]
        return found[0] if len(found) == 1 else None

    @staticmethod
    def _title_case(line: str) -> bool:
        words = [w for w in line.split() if w[:1].isalpha() and len(w) > 3]
        return len(words) >= 3 and sum(w[0].isupper() for w in words) >= 0.8 * len(words)

    def _link(self, ent: Span, entity: Entity, last: int = -1) -> None:
        if 0 <= last < ent.end - 1:
            ent = self.doc[ent.start : last + 1]  # the name ended before the NER span did
        tokens = strip_possessive(list(ent))
        if not tokens:
            return
        for i in range(ent.start, ent.end):
            self.tok_entity[i] = entity
        start, end = tokens[0].idx, tokens[-1].idx + len(tokens[-1])
        entity.add_mention(start, end, self.doc[tokens[0].i : tokens[-1].i + 1].text)
        self._add_event(ent.start, entity, self._weight_at(ent))

    def _honorific_gender(self, start: int) -> str | None:
        """Gender of a Mr./Mrs./Ms. written just before token ``start``."""
        doc = self.doc
        for i in (start - 1, start - 2):
            if i < 0:
                return None
            tok = doc[i]
            if tok.text == ".":
                continue
            hon = self.lex.honorific(tok.text)
            return hon.gender if hon is not None else None
        return None

    def match_person(self, core: Sequence[str], gender: str | None, tok: int) -> Entity | None:
        """The person a partial name refers to: surname > first name > middle name; ties by
        Mr./Ms. gender, then a mention in the last two sentences, then who came first (the
        article's "Clinton" is the Clinton it introduced first)."""
        best: tuple[float, ...] | None = None
        best_entity = None
        n = len(core)
        sent = self.sent_of[tok] if tok < len(self.sent_of) else 0
        for entity in self.persons:
            ec = entity.core
            if not ec:
                continue
            if tuple(core) == ec:
                kind = 4.0
            elif n < len(ec) and tuple(ec[-n:]) == tuple(core):
                kind = 3.0
            elif n == 1 and ec[0] == core[0]:
                kind = 0.5 if gender else 2.0  # "Mr. Ban" (Ban Ki-moon), but rather a surname
            elif n == 1 and core[0] in ec[1:-1]:
                kind = 1.0
            else:
                continue
            if gender and entity.gender and gender != entity.gender:
                continue
            local = 1.0 if self._mentioned_near(entity, tok, sent) else 0.0
            score = (kind, local, -entity.first)
            if best is None or score > best:
                best, best_entity = score, entity
        return best_entity

    def _mentioned_near(self, entity: Entity, tok: int, sent: int) -> bool:
        i = bisect.bisect_left(self._event_toks, tok) - 1
        while i >= 0:
            ev = self._events[i]
            if sent - ev.sent > 2:
                return False
            if ev.entity is entity:
                return True
            i -= 1
        return False

    def _org_match(self, key: str) -> Entity | None:
        if not key:
            return None
        entity = self.org_keys.get(key)
        if entity is not None:
            return entity
        compact = key.replace(" ", "")
        if " " not in key and 2 <= len(compact) <= 6:
            for entity in self.entities:
                if entity.acronym == compact and entity.type != SpeakerType.PERSON:
                    return entity
        return None

    def _other_entity(self, ent: Span) -> Entity | None:
        lex = self.lex
        tokens = strip_possessive(list(ent))
        if not tokens:
            return None
        text = clean_org_name(tokens)
        # "The FBI said" -> "the FBI", but "The Washington Post" keeps the article of its title
        news = any(lex.org_cues.get(w) == "news" for w in text.split()[1:])
        if text.startswith("The ") and tokens[0].is_sent_start and not news:
            text = "the " + text[4:]
        plural = tokens[-1].tag_ in ("NNS", "NNPS")
        if ent.label_ == "WORK_OF_ART":  # "13th", a book title: a document the article names
            key = "work:" + org_key(text)
            entity = self.org_keys.get(key)
            if entity is None:
                entity = self._new(SpeakerType.OTHER, text.strip("\"“”'‘’"), ent.start, key=key)
                entity.classes.update(set(lex.document_nouns.values()))
                self.org_keys[key] = entity
            return entity
        place = lex.place(text)
        if ent.label_ == "NORP" or (
            place is not None and text.lower().strip(".") in lex.demonyms and not plural
        ):
            if not plural or self._quantified(tokens[-1]):
                return None  # an adjective ("Chinese officials") or a subset ("some Democrats")
            key = "group:" + text.lower()
            entity = self.org_keys.get(key)
            if entity is None:
                entity = self._new(
                    SpeakerType.GROUP, text[0].upper() + text[1:], ent.start, key=key, plural=True
                )
                entity.modifiers.add(text.lower())
                party = lex.party_labels.get(text.lower())
                if party:
                    entity.modifiers.add(party.lower())
                self.org_keys[key] = entity
            return entity
        if place is not None:
            if lex.is_seat(text):
                key = "seat:" + org_key(text)
                entity = self.org_keys.get(key)
                if entity is None:
                    type_ = SpeakerType.PLACE if ent.label_ == "GPE" else SpeakerType.ORGANISATION
                    entity = self._new(type_, text, ent.start, key=key)
                    entity.affiliation = place.short
                    entity.classes.add("government")
                    self.org_keys[key] = entity
                return entity
            key = "place:" + place.name
            entity = self.org_keys.get(key)
            if entity is None:
                entity = self._new(SpeakerType.PLACE, place.name, ent.start, key=key)
                entity.classes.update(
                    ("state",) if place.kind == "state" else ("country", "government")
                )
                entity.modifiers.update(
                    w.lower().strip(".") for w in (place.name + " " + place.short).split()
                )
                self.org_keys[key] = entity
            return entity
        # A one-word ORG / NORP that is the surname of a known person ("Wang compared ...")
        if ent.label_ in ("ORG", "NORP") and len(tokens) == 1 and tokens[0].text[:1].isupper():
            person = self.match_person(
                (tokens[0].lower_,), self._honorific_gender(ent.start), ent.start
            )
            if person is not None:
                return person
        key = org_key(text)
        if not key:
            return None
        entity = self._org_match(key) or self._org_short_form(key)
        if entity is None:
            acr = acronym(text)
            for other in self.entities:
                if (
                    other.type != SpeakerType.PERSON
                    and other.key
                    and other.key.replace(" ", "") == acr
                ):
                    entity = (
                        other  # "the S.E.C." first, "the Securities and Exchange Commission" later
                    )
                    break
        if entity is None:
            type_ = SpeakerType.PLACE if ent.label_ == "GPE" else SpeakerType.ORGANISATION
            entity = self._new(type_, text, ent.start, key=key, acronym=acronym(text))
            if ent.label_ == "GPE":
                entity.classes.add("city")  # states and countries are in the place table
        elif len(key.split()) > len(entity.key.split()):
            entity.name, entity.key, entity.acronym = text, key, acronym(text) or entity.acronym
        self.org_keys.setdefault(key, entity)
        for word in text.replace("’", "'").split():
            cls = lex.org_cues.get(word.strip(".,'"))
            if cls:
                entity.classes.add(cls)
            entity.modifiers.add(word.lower().strip(".,'"))
        entity.full_count += 1
        return entity

    def _org_short_form(self, key: str) -> Entity | None:
        """ "The Post" -> "The New York Post": a short form ending one known name."""
        words = key.split()
        if not words or len(words) > 2:
            return None
        found = [
            e
            for e in self.entities
            if e.type == SpeakerType.ORGANISATION
            and e.key.endswith(" " + key)
            and len(e.key.split()) > len(words)
        ]
        return found[0] if len(found) == 1 else None

    def _campaign_mentions(self) -> None:
        """ "the Clinton campaign", "Trump's campaign" outside claims are antecedents too."""
        nouns = self._ids(
            n for n, classes in self.lex.org_nouns.items() if classes == ("campaign",)
        )
        for i in numpy.flatnonzero(numpy.isin(self._lemma, nouns)).tolist():
            tok = self.doc[i]
            if tok.pos_ == "NOUN":
                owner = self._owner(tok)
                if owner is not None and owner.is_person and owner.name:
                    campaign = self._campaign(owner, tok.i)
                    self._add_event(tok.i, campaign, W_OTHER)

    def _campaign(self, owner: Entity, tok: int, noun: str = "campaign") -> Entity:
        """ "the Clinton campaign" (or administration) of a person."""
        campaign = self.campaigns.get(hash((id(owner), noun)))
        if campaign is None:
            surname = (owner.name or "").split()
            if len(surname) > 1 and surname[-1].lower().rstrip(".") in self.lex.name_suffixes:
                surname = surname[:-1]
            campaign = self._new(
                SpeakerType.ORGANISATION,
                f"the {surname[-1]} {noun}",
                tok,
                key=f"{noun}:{owner.name}",
            )
            campaign.classes.add("campaign" if noun == "campaign" else "government")
            campaign.owner = owner
            self.campaigns[hash((id(owner), noun))] = campaign
        return campaign

    def _owner(self, noun: Token) -> Entity | None:
        """The named owner of a noun: "Trump's campaign", "the Clinton campaign", "her campaign"."""
        for child in noun.children:
            if child.dep_ == "compound" and child.text[:1].isupper() and child.i < noun.i:
                entity = self.tok_entity.get(child.i) or self.match_person(
                    (child.lower_,), None, child.i
                )
                if entity is not None and entity.is_person:
                    return entity
            if child.dep_ == "poss":
                entity = self.tok_entity.get(child.i)
                if entity is None and child.text[:1].isupper():
                    entity = self.match_person((child.lower_,), None, child.i)
                if entity is not None:
                    return entity
                if child.dep_ == "poss" and child.lower_ in self.lex.pronouns:
                    resolved = self._pronoun(child)
                    return resolved if isinstance(resolved, Entity) else None
        return None

    # ------------------------------------------------------------------ salience

    def _salience(
        self, tok: int, accept: Callable[[Entity], float], window: int = WINDOW
    ) -> dict[Entity, float]:
        """Score of each acceptable entity mentioned in the ``window`` sentences up to ``tok``."""
        sent = self.sent_of[tok] if tok < len(self.sent_of) else 0
        scores: dict[Entity, float] = {}
        last_speaker: Entity | None = None
        i = bisect.bisect_left(self._event_toks, tok) - 1
        while i >= 0:
            ev = self._events[i]
            distance = sent - ev.sent
            if distance > window:
                break
            i -= 1
            factor = accept(ev.entity)
            if factor <= 0:
                continue
            score = ev.weight * factor * DECAY**distance
            if score > scores.get(ev.entity, 0.0):
                scores[ev.entity] = score
            if ev.speaker and last_speaker is None:
                last_speaker = ev.entity
                if distance <= 3:
                    scores[ev.entity] += LAST_SPEAKER_BONUS * factor * DECAY**distance
        return scores

    @staticmethod
    def _best(scores: dict[Entity, float]) -> Entity | None:
        if not scores:
            return None
        return max(scores.items(), key=lambda kv: (kv[1], -kv[0].first))[0]

    # ------------------------------------------------------------------ claims

    def resolve_claims(
        self, claims: Sequence[Claim]
    ) -> tuple[list[Entity | None], list[Entity | None]]:
        """The entity of each claim's speaker and addressee (None: absent or unresolved)."""
        order = sorted(
            {(s.start, s.end) for c in claims for s in (c.speaker, c.addressee) if s is not None}
        )
        speaker_spans = {(c.speaker.start, c.speaker.end) for c in claims if c.speaker is not None}
        claim_spans = set(order)
        walk = sorted(
            [
                *((s, e, True) for s, e in order),
                *((s, e, False) for s, e in self._subject_mentions() if (s, e) not in claim_spans),
            ]
        )
        deferred = []
        for start, end, is_claim in walk:
            result = self.resolve_span(start, end)
            if result is _DEFER:
                if is_claim:
                    deferred.append((start, end))
                continue
            if not isinstance(result, Entity):
                continue
            span = self.doc.char_span(start, end, alignment_mode="expand")
            if span is None:
                continue
            if (start, end) in speaker_spans:
                self._add_event(span.start, result, W_SPEAKER, speaker=True)
            elif not is_claim:
                self._add_event(span.start, result, W_SUBJECT)
        for start, end in deferred:
            self._cache[(start, end)] = self._first_person(start, end, claims)
        speakers: list[Entity | None] = []
        addressees: list[Entity | None] = []
        for claim in claims:
            speakers.append(self._entity_for(claim.speaker))
            addressees.append(self._entity_for(claim.addressee))
        return speakers, addressees

    def _subject_mentions(self) -> list[tuple[int, int]]:
        """Subjects outside quotes that keep salience chains going between claims: "he" / "she" /
        "they" / "it" and definite role descriptions ("the president appeared cowed")."""
        out = []
        lex = self.lex
        for i in numpy.flatnonzero(numpy.isin(self._dep, self._ids(_SUBJECT_DEPS))).tolist():
            tok = self.doc[i]
            low = tok.lower_
            pron = lex.pronouns.get(low)
            named = self.tok_entity.get(tok.i)
            if (
                named is not None
                and named.is_person
                and any(self.tok_entity.get(c.i) for c in tok.conjuncts)
            ):
                # "Senators Grassley and Leahy see ...": the pair is an antecedent for "they"
                last = max(tok.conjuncts, key=lambda c: c.i)
                start, end = tok.left_edge.idx, last.idx + len(last)
            elif pron is not None:
                if pron.person != 3 or pron.type != "personal":
                    continue
                start, end = tok.idx, tok.idx + len(tok)
            elif tok.pos_ == "NOUN" and tok.lemma_.lower() in lex.roles and tok.tag_ == "NN":
                if not any(c.dep_ == "det" and c.lower_ == "the" for c in tok.children):
                    continue
                start, end = tok.left_edge.idx, tok.idx + len(tok)
            else:
                continue
            if self.in_quote(start) is None:
                out.append((start, end))
        return out

    def _entity_for(self, span: TextSpan | None) -> Entity | None:
        if span is None:
            return None
        result = self._cache.get((span.start, span.end))
        if isinstance(result, Entity):
            result.add_mention(span.start, span.end, span.text)
            return result
        return None

    def resolve_span(self, start: int, end: int) -> Entity | None | object:
        key = (start, end)
        if key not in self._cache:
            span = self.doc.char_span(start, end, alignment_mode="expand")
            tokens = strip_possessive(list(span)) if span is not None else []
            tokens = [t for t in tokens if not t.is_space]
            self._cache[key] = self._analyse(tokens) if tokens else None
        return self._cache[key]

    def _analyse(self, tokens: list[Token]) -> Entity | None | object:
        """What a mention (its tokens) refers to."""
        lex = self.lex
        if len(tokens) == 1 and tokens[0].lower_ in lex.pronouns:
            return self._pronoun(tokens[0])
        idx = {t.i for t in tokens}
        root = next((t for t in tokens if t.head.i not in idx or t.head.i == t.i), tokens[0])
        if root.pos_ == "PRON" and root.lower_ in lex.pronouns:
            return self._pronoun(root)
        if root.pos_ in ("VERB", "AUX"):
            # annotation artefact: the span is the cue ("said"); its subject speaks
            for child in root.children:
                if child.dep_ in _SUBJECT_DEPS:
                    return self._analyse([t for t in child.subtree if not t.is_punct])
            return None
        coordinated = self._coordination(root, idx, tokens)
        if coordinated is not None:
            return coordinated
        entity = self.tok_entity.get(root.i)
        if entity is not None and entity.type != SpeakerType.GROUP:
            return entity
        if (
            root.ent_type_ == "NORP"
            or root.lower_ in lex.party_labels
            or root.lemma_.lower() in lex.party_labels
        ):
            return self._label(root, entity)
        for child in root.children:  # "A spokeswoman, Jennifer Palmieri, said"
            if (
                child.dep_ == "appos"
                and child.i in idx
                and self.tok_entity.get(child.i) is not None
            ):
                named = self.tok_entity[child.i]
                if named.name:
                    return named
        if root.text[:1].isupper() and entity is None:
            common = (
                root.lemma_.lower() in lex.org_nouns
                or root.lemma_.lower() in lex.roles
                or root.lemma_.lower() in lex.document_nouns
            )
            if root.pos_ == "PROPN" and not common:
                return self._unknown_name(root, tokens)
            known = self.match_person((root.lower_,), None, root.i)  # a name tagged as a noun
            if known is not None and root.lemma_.lower() not in lex.roles:
                return known
        return self._description(root, tokens)

    def _conjoined(self, root: Token, idx: set[int]) -> list[Entity]:
        """Named entities coordinated with the root inside the mention ("Obama and Clinton")."""
        heads = [root, *[t for t in root.conjuncts if t.i in idx]]
        if len(heads) < 2:
            return []
        out: list[Entity] = []
        for head in heads:
            entity = self.tok_entity.get(head.i)
            if entity is not None and entity.name and entity not in out:
                out.append(entity)
        return out if len(out) == len(heads) else []

    def _coordination(self, root: Token, idx: set[int], tokens: list[Token]) -> Entity | None:
        """ "Obama and Clinton" -> a group of the two; "Trump and his aides", "RT and its defenders"
        -> a mixed group named with the canonical names of its named members."""
        heads = [root, *[t for t in root.conjuncts if t.i in idx and t.i > root.i]]
        if len(heads) < 2:
            return None
        parts: list[tuple[Entity | None, str]] = []
        for n, head in enumerate(heads):
            end = heads[n + 1].i if n + 1 < len(heads) else tokens[-1].i + 1
            start = head.left_edge.i if n == 0 else max(head.left_edge.i, heads[n - 1].i + 1)
            words = [
                t
                for t in self.doc[start:end]
                if t.i in idx and t.dep_ not in ("cc", "punct", "preconj")
            ]
            while words and words[-1].dep_ in ("cc", "punct"):
                words = words[:-1]
            if not words:
                continue
            found = self.tok_entity.get(head.i)
            if found is None and head.pos_ in ("NOUN", "PROPN"):
                result = self._analyse([t for t in words if t.i <= head.i] or words)
                found = result if isinstance(result, Entity) else None
            parts.append(
                (
                    found if found is not None and found.name else None,
                    " ".join(t.text for t in words),
                )
            )
        named = [e for e, _ in parts if e is not None]
        if not named:
            return None
        if len(named) == len(parts):
            return self._group(named, tokens)
        names = [e.name if e is not None else text for e, text in parts]
        name = ", ".join(names[:-1]) + " and " + names[-1]  # type: ignore[operator]
        return self._new(SpeakerType.GROUP, name, tokens[0].i, plural=True)

    def _group(self, members: list[Entity], tokens: list[Token]) -> Entity:
        key = tuple(id(m) for m in members)
        group = self.groups.get(key)
        if group is None:
            names = [m.name or "" for m in members]
            name = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
            group = self._new(SpeakerType.GROUP, name, tokens[0].i, plural=True)
            self.groups[key] = group
        return group

    def _label(self, root: Token, entity: Entity | None) -> Entity | None:
        """Party and nationality labels: "Republicans" (a group) but not "some Republicans"."""
        plural = root.tag_ in ("NNS", "NNPS") or root.text.endswith("s")
        place = self.lex.demonyms.get(root.lower_)
        if place is not None and not plural and not list(root.children):  # "American (commitments)"
            return self.org_keys.get("place:" + place.name) or self._new(
                SpeakerType.PLACE, place.name, root.i
            )
        if not plural and any(c.dep_ == "det" and c.lower_ == "the" for c in root.children):
            return self._person_description(root, True)  # "The Republican is also encouraging ..."
        if not plural or self._quantified(root):
            return self._unnamed(root, SpeakerType.GROUP if plural else SpeakerType.PERSON, plural)
        if entity is not None:
            return entity
        key = "group:" + root.text.lower()
        group = self.org_keys.get(key)
        if group is None:
            group = self._new(
                SpeakerType.GROUP,
                root.text[0].upper() + root.text[1:],
                root.i,
                key=key,
                plural=True,
            )
            self.org_keys[key] = group
        return group

    def _quantified(self, root: Token) -> bool:
        """ "some Democrats", "several Republicans", "senior Republicans", "two officials"."""
        lex = self.lex
        for child in root.children:
            if (
                child.dep_ in ("det", "predet", "nummod", "quantmod")
                and child.lower_ not in lex.definites
            ):
                return True
            if (
                child.dep_ in ("amod", "acl", "relcl", "prep", "compound", "nmod")
                and child.lower_ not in lex.definites
            ):
                return True
        prev = root.doc[root.left_edge.i - 2 : root.left_edge.i]
        return prev.text.lower() in ("some of", "many of", "most of", "one of", "none of", "all of")

    def _unknown_name(self, root: Token, tokens: list[Token]) -> Entity | None:
        """A capitalised name spaCy's NER missed."""
        names = [t for t in tokens if t.pos_ == "PROPN" and t.text[:1].isupper()]
        parts = person_name(names, self.lex)
        if parts is None:
            return None
        entity = self.match_person(parts.core, parts.gender, root.i) or self._org_match(
            org_key(parts.text)
        )
        if entity is not None:
            return entity
        if parts.gender or parts.titles or self.lex.gender_of_first_name(parts.core[0]):
            entity = self._new(SpeakerType.PERSON, parts.text, root.i, core=parts.core)
            entity.set_gender(parts.gender, 3)
            self.persons.append(entity)
        else:
            key = org_key(parts.text)
            entity = self._new(
                SpeakerType.ORGANISATION, parts.text, root.i, key=key, acronym=acronym(parts.text)
            )
            self.org_keys[key] = entity
        return entity

    def _unnamed(self, root: Token, type_: SpeakerType, plural: bool) -> Entity:
        role = self.lex.roles.get(root.lemma_.lower())
        entity = self._new(type_, None, root.i, plural=plural, head=root.lemma_.lower())
        if role is not None:
            entity.set_gender(role.gender, 2)
        return entity

    # ------------------------------------------------------------------ descriptions

    def _description(self, root: Token, tokens: list[Token]) -> Entity | None:
        lex = self.lex
        lemma = root.lemma_.lower()
        plural = root.tag_ in ("NNS", "NNPS")
        children = list(root.children)
        dets = [c.lower_ for c in children if c.dep_ in ("det", "predet")]
        first = tokens[0].lower_
        indefinite = (
            any(d in lex.quantifiers for d in dets)
            or any(c.dep_ == "nummod" for c in children)
            or first in lex.quantifiers
            or " ".join(t.lower_ for t in tokens[:2]) in lex.quantifiers
        )
        owner = self._owner(root)
        role = lex.roles.get(lemma)
        org_classes = lex.org_nouns.get(lemma)
        person_noun = role is not None
        if owner is not None and lemma in lex.owner_nouns:
            return owner
        if lemma == "administration" and owner is not None and owner.is_person and owner.name:
            return self._campaign(owner, root.i, "administration")  # "the Obama administration"
        if org_classes is not None and "campaign" in org_classes:
            if owner is not None and owner.is_person and owner.name:
                return self._campaign(owner, root.i)
            if not indefinite and not plural:
                return self._the_campaign(root.i)
        if lemma in lex.document_nouns and not person_noun:
            return self._document(root, tokens, owner, indefinite)
        if plural:
            pair = self._pair(root, tokens, person_noun)
            return pair if pair is not None else self._unnamed(root, SpeakerType.GROUP, True)
        if indefinite:
            if person_noun and owner is None and tokens[0].lower_ in ("a", "an"):
                named = self._named_next(
                    root
                )  # "A New York judge ..." then "Judge Frank Nervo ..."
                if named is not None:
                    return named
            return self._unnamed(
                root, SpeakerType.PERSON if person_noun else SpeakerType.OTHER, False
            )
        if person_noun and role is not None:
            # "his lawyer", "the ad's narrator": someone's relation or employee is only taken to be
            # a person the article describes with that role, never merely the salient one
            return self._person_description(root, owner is None and not role.anonymous)
        if org_classes is not None:
            return self._org_description(root, org_classes) or self._unnamed(
                root, SpeakerType.ORGANISATION, False
            )
        return self._unnamed(root, SpeakerType.OTHER, False)

    def _named_next(self, root: Token) -> Entity | None:
        """Cataphora: the person with this role first named in the next two sentences."""
        lemma = root.lemma_.lower()
        wanted = {lemma, *self._also(lemma)}
        sent = self.sent_of[root.i]
        for e in self.persons:
            if not e.name or e.first <= root.i or not (e.roles & wanted):
                continue
            if self.sent_of[e.first] - sent <= 2:
                return e
        return None

    def _pair(self, root: Token, tokens: list[Token], person_noun: bool) -> Entity | None:
        """ "both men", "the two countries", "The two Republican presidents" -> the two in play."""
        words = {t.lower_ for t in tokens[:3]}
        if not ({"two", "both", "pair"} & words) or root.lemma_.lower() in self.lex.document_nouns:
            return None
        lemma = root.lemma_.lower()
        role = self.lex.roles.get(lemma)
        if person_noun or lemma in ("man", "woman", "leader", "candidate"):
            gender = role.gender if role else None

            def accept(e: Entity) -> float:
                if not e.is_person or not e.name or (gender and e.gender and e.gender != gender):
                    return 0.0
                return 1.5 if lemma in e.roles else 1.0

        elif self.lex.org_nouns.get(lemma):
            classes = set(self.lex.org_nouns[lemma])

            def accept(e: Entity) -> float:
                return 1.0 if e.name and not e.is_person and e.classes & classes else 0.0

        else:
            return None
        scores = self._salience(root.i, accept, window=4)
        if len(scores) < 2:
            return None
        best = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0].first))[:2]
        members = sorted((e for e, _ in best), key=lambda e: e.first)
        return self._group(members, tokens)

    def _modifier_words(self, root: Token) -> set[str]:
        words: set[str] = set()
        for child in root.lefts:
            if child.dep_ in ("amod", "compound", "nmod", "npadvmod", "poss"):
                for t in child.subtree:
                    low = t.lower_.strip(".")
                    if t.is_alpha and low not in self.lex.definites:
                        words.add(low)
                        party = self.lex.party_labels.get(low)
                        if party:
                            words.add(party.lower())
        return words

    def _person_description(self, root: Token, fallback: bool) -> Entity | None:
        """ "the senator", "The Indiana governor", "the Republican nominee", "the businessman"."""
        lemma = root.lemma_.lower()
        wanted = {lemma, *self._also(lemma)}
        mods = self._modifier_words(root) - {"former", "then", "new", "top", "current", "longtime"}
        role = self.lex.roles.get(lemma)
        gender = role.gender if role else None

        def accept(e: Entity) -> float:
            if not e.is_person or not e.name or (gender and e.gender and e.gender != gender):
                return 0.0
            if not (e.roles & wanted):
                return 0.0
            return self._modifier_fit(mods, e)

        scores = self._salience(root.i, accept, window=12)
        if not scores:
            # cataphora or a distant antecedent: any person with that role in the article
            for e in self.persons:
                fit = accept(e)
                if fit > 0:
                    scores[e] = 0.05 * fit * (1.0 if e.first < root.i else 0.8)
        if not scores and fallback and not self._names_other(root, mods):
            # "the Republican nominee" in an article that never gives him that title:
            # the person in play
            def in_play(e: Entity) -> float:
                if not e.is_person or not e.name or (gender and e.gender and e.gender != gender):
                    return 0.0
                return self._modifier_fit(mods, e) if mods else 1.0

            scores = self._salience(root.i, in_play, window=4)
        best = self._best(scores)
        return best if best is not None else self._unnamed(root, SpeakerType.PERSON, False)

    def _names_other(self, root: Token, mods: set[str]) -> bool:
        """A description tied to a named body or place ("The FBI director", "the Ohio governor")."""
        for child in root.children:
            if (
                child.dep_ in ("compound", "nmod", "poss", "amod")
                and (child.ent_type_ in ("ORG", "PERSON") or child.pos_ == "PROPN")
                and (
                    child.ent_type_ not in ("NORP", "GPE")
                    and child.lower_ not in self.lex.party_labels
                )
            ):
                return True
            if child.dep_ == "prep" and any(
                g.ent_type_ in ("ORG", "PERSON") for g in child.subtree
            ):
                return True
        return False

    def _also(self, lemma: str) -> tuple[str, ...]:
        role = self.lex.roles.get(lemma)
        return role.also if role is not None else ()

    def _modifier_fit(self, mods: set[str], e: Entity) -> float:
        ranks = self.lex.rank_modifiers
        if (e.modifiers & ranks) - mods - {"former"}:
            return 0.0  # "the Democratic presidential nominee" is not the vice-presidential one
        if not mods:
            return 1.0
        fit = 1.0
        for word in mods:
            if word in e.modifiers or word in e.roles:
                fit += 1.0
            elif self.lex.place(word) is not None or word in self.lex.party_labels:
                # a place or party the entity is not known for ("the Vermont senator", Grassley)
                known = {
                    m
                    for m in e.modifiers
                    if self.lex.place(m) is not None or m in self.lex.party_labels
                }
                if known:
                    return 0.0
        return fit

    def _org_description(self, root: Token, classes: tuple[str, ...]) -> Entity | None:
        """ "the newspaper", "the commission", "the agency", "the government", "the city"."""
        lemma = root.lemma_.lower()
        mods = self._modifier_words(root)
        wanted = set(classes)
        generic = bool(wanted & {"company", "organisation", "agency", "bank"})

        def accept(e: Entity) -> float:
            if e.is_person or e.type == SpeakerType.GROUP or not e.name:
                return 0.0
            if lemma in e.modifiers:
                return 1.5 + 0.5 * len(mods & e.modifiers)
            if e.classes & wanted:
                return 1.0 + 0.5 * len(mods & e.modifiers)
            if generic and e.type == SpeakerType.ORGANISATION and not e.classes:
                return 0.4
            return 0.0

        scores = self._salience(root.i, accept, window=10)
        if not scores:
            for e in self.entities:
                fit = accept(e)
                if fit >= 1.0 and e.full_count:
                    scores[e] = 0.05 * fit * (1.0 if e.first < root.i else 0.8)
        return self._best(scores)

    def _the_campaign(self, tok: int) -> Entity | None:
        """ "the campaign": the campaign in play, else the campaign of the most salient person."""
        scores = self._salience(tok, lambda e: 1.0 if "campaign" in e.classes else 0.0, window=20)
        if scores:
            return self._best(scores)
        person = self._best(
            self._salience(tok, lambda e: 1.0 if e.is_person and e.name else 0.0, window=4)
        )
        if person is None:
            return None
        return self._campaign(person, tok)

    def _document(
        self, root: Token, tokens: list[Token], owner: Entity | None, indefinite: bool
    ) -> Entity | None:
        """Polls, reports, ads: named after their issuer when the article gives one ("DNC rules",
        "A web video by the Republican National Committee"); "the clip" refers back to a document
        of the same class."""
        lemma = root.lemma_.lower()
        cls = self.lex.document_nouns.get(lemma, "other")
        owner_toks = [c for c in root.children if c.dep_ in ("poss", "compound") and c.i < root.i]
        if owner is None:
            owner = next(
                (e for c in owner_toks if (e := self.tok_entity.get(c.i)) is not None and e.name),
                None,
            )
        if owner is not None and owner.name and owner_toks:
            rest = [
                t
                for t in tokens
                if t.i > max(c.i for c in owner_toks) and t.text not in ("'s", "’s", "'")
            ]
            name = f"{owner.name}'s {self._text(rest)}" if rest else owner.name
            entity = self._new(SpeakerType.OTHER, name, root.i, head=lemma)
            entity.owner = owner
            entity.classes.add(cls)
            self._add_event(root.i, entity, W_OTHER)
            return entity
        if any(
            (e := self.tok_entity.get(t.i)) is not None and e.name for t in tokens if t.i != root.i
        ):
            words = (
                tokens[1:]
                if tokens[0].lower_ in self.lex.quantifiers | self.lex.definites
                else tokens
            )
            entity = self._new(SpeakerType.OTHER, self._text(words), root.i, head=lemma)
            entity.classes.add(cls)
            self._add_event(root.i, entity, W_OTHER)
            return entity
        plural = root.tag_ in ("NNS", "NNPS")
        if not indefinite and not plural and any(c.dep_ == "det" for c in root.children):

            def accept(e: Entity) -> float:
                if e.type != SpeakerType.OTHER or e.plural:
                    return 0.0
                return 1.2 if e.head == lemma else 1.0 if cls in e.classes else 0.0

            best = self._best(self._salience(root.i, accept, 12))
            if best is not None:
                return best
        entity = self._unnamed(root, SpeakerType.OTHER, plural)
        entity.classes.add(cls)
        return entity

    def _text(self, tokens: Sequence[Token]) -> str:
        """The article text the tokens cover, as written."""
        if not tokens:
            return ""
        return self.doc[tokens[0].i : tokens[-1].i + 1].text

    # ------------------------------------------------------------------ pronouns

    def _pronoun(self, tok: Token) -> Entity | None | object:
        pron = self.lex.pronouns[tok.lower_]
        if pron.person == 2:
            return None
        if pron.person == 1:
            return _DEFER
        if pron.type == "relative":
            return self._relative(tok)
        if pron.gender in ("m", "f"):
            gender = pron.gender

            def accept(e: Entity) -> float:
                if e.plural or e.type not in (SpeakerType.PERSON,):
                    return 0.0
                if e.gender is None:
                    return UNKNOWN_GENDER
                return 1.0 if e.gender == gender else 0.0

        elif pron.gender == "n":

            def accept(e: Entity) -> float:
                if e.plural or e.is_person or e.type == SpeakerType.GROUP:
                    return 0.0
                return 1.0

        else:

            def accept(e: Entity) -> float:
                if e.plural:
                    return 1.0
                if e.type == SpeakerType.ORGANISATION:
                    return 0.7
                return 0.0

        return self._best(self._salience(tok.i, accept))

    def _relative(self, tok: Token) -> Entity | None | object:
        """ "Cruz, who said ..." -> Cruz: the noun the relative clause hangs on."""
        verb = tok.head
        doc = self.doc
        noun: Token | None = (
            verb.head if verb.dep_ in ("relcl", "acl") and verb.head.i < tok.i else None
        )
        # "Stevie Wonder, who": the name right before the comma beats the parser's attachment
        left = tok.i - 2 if tok.i >= 2 and doc[tok.i - 1].text == "," else tok.i - 1
        person = tok.lower_ in ("who", "whom", "whose")
        if left >= 0:
            adjacent = self.tok_entity.get(left)
            if (
                adjacent is not None
                and (adjacent.is_person or not person)
                and adjacent.type != SpeakerType.PLACE
            ):
                ent = self.ent_at[left]
                if ent.root.dep_ == "conj":
                    head = ent.root.head
                    members = self._conjoined(head, {t.i for t in head.subtree})
                    if len(members) > 1:
                        return self._group(members, [head])
                return adjacent
            if noun is None and doc[left].pos_ in ("NOUN", "PROPN", "PRON"):
                noun = doc[left]
        if noun is None:
            return None
        entity = self.tok_entity.get(noun.i)
        if entity is not None:
            members = self._conjoined(noun, {t.i for t in noun.subtree})
            return self._group(members, [noun]) if len(members) > 1 else entity
        # "Heather Samuelson, a Clinton campaign staffer who"; "Kaine is a former lawyer who"
        if noun.dep_ == "appos" or noun.dep_ == "attr" and noun.head.lemma_ == "be":
            anchor = (
                noun.head
                if noun.dep_ == "appos"
                else next((c for c in noun.head.children if c.dep_ in _SUBJECT_DEPS), None)
            )
            if anchor is not None:
                named = self.tok_entity.get(anchor.i)
                if named is not None:
                    members = self._conjoined(anchor, {t.i for t in anchor.subtree})
                    return self._group(members, [anchor]) if len(members) > 1 else named
        if noun.pos_ in ("PRON",) and noun.lower_ in self.lex.pronouns:
            return self._pronoun(noun)
        clause = {t.i for t in verb.subtree} if verb.dep_ in ("relcl", "acl") else set()
        tokens = [t for t in noun.subtree if t.i not in clause and not t.is_punct]
        return self._analyse(tokens) if tokens else None

    def _first_person(self, start: int, end: int, claims: Sequence[Claim]) -> Entity | None:
        """ "I" / "we" in a quote: the speaker of the claim whose content holds it."""
        best: tuple[int, Claim] | None = None
        for claim in claims:
            if claim.speaker is None or (claim.speaker.start, claim.speaker.end) == (start, end):
                continue
            ranges = [(f.start, f.end) for f in claim.content.fragments] or [
                (claim.content.start, claim.content.end)
            ]
            if any(s <= start and end <= e for s, e in ranges):
                size = claim.content.end - claim.content.start
                if best is None or size < best[0]:
                    best = (size, claim)
        if best is None:
            region = self.in_quote(start)
            if region is not None:
                for claim in claims:
                    c = claim.content
                    speaker = claim.speaker
                    overlaps = c.start < region[1] and region[0] < c.end
                    if (
                        speaker is not None
                        and overlaps
                        and (speaker.start, speaker.end) != (start, end)
                    ):
                        best = (0, claim)
                        break
        if best is None or best[1].speaker is None:
            return self._author(start) if self.in_quote(start) is None else None
        result = self._cache.get((best[1].speaker.start, best[1].speaker.end))
        return result if isinstance(result, Entity) else None

    # ------------------------------------------------------------------ authors

    def _paragraphs(self) -> list[tuple[int, int]]:
        out = []
        pos = 0
        for m in re.finditer(r"\n\s*\n|$", self.text):
            if self.text[pos : m.start()].strip():
                out.append((pos, m.start()))
            pos = m.end()
        return out

    def _author(self, start: int) -> Entity | None:
        """ "I" outside quotes: the writer of a letter (signature paragraph after it) or of an
        op-ed (closing tagline "NAME is a playwright ..."); None when the article names no one."""
        paragraphs = self._paragraphs()
        here = next((n for n, (s, e) in enumerate(paragraphs) if s <= start < e), None)
        if here is None:
            return None
        for s, e in paragraphs[here + 1 : here + 5]:
            signature = self._signature(s, e)
            if signature is not None:
                return signature
        for s, e in paragraphs[-2:]:
            span = self.doc.char_span(s, e, alignment_mode="expand")
            if span is None or len(span) < 4:
                continue
            entity = self.tok_entity.get(span[0].i)
            if entity is not None and entity.is_person:
                ent = self.ent_at[span[0].i]
                after = self.doc[ent.end : ent.end + 2]
                if len(after) == 2 and after[0].lemma_ == "be":
                    return entity
        return None

    def _signature(self, start: int, end: int) -> Entity | None:
        """A letter's signature: a paragraph that is only a name or a handle ("Chris Smith.")."""
        text = self.text[start:end].strip().rstrip(".")
        words = text.split()
        if not words or len(words) > 4 or not (text[0].isupper() or text[0] == "@"):
            return None
        span = self.doc.char_span(start, end, alignment_mode="expand")
        if span is None:
            return None
        for tok in span:
            entity = self.tok_entity.get(tok.i)
            if entity is not None and entity.is_person:
                return entity
        if text.startswith("@") and len(words) == 1:
            key = "handle:" + text.lower()
            entity = self.org_keys.get(key)
            if entity is None:
                entity = self._new(SpeakerType.PERSON, text, span.start, key=key)
                self.org_keys[key] = entity
            return entity
        if (
            all(w[:1].isupper() for w in words)
            and len(words) >= 2
            and not any(t.pos_ == "VERB" for t in span)
        ):
            parts = person_name([t for t in span if not t.is_space], self.lex)
            if parts is not None and len(parts.core) >= 2:
                entity = self.match_person(parts.core, None, span.start)
                if entity is None:
                    entity = self._new(SpeakerType.PERSON, parts.text, span.start, core=parts.core)
                    self.persons.append(entity)
                return entity
        return None


def named_entities(entities: Iterable[Entity]) -> list[Entity]:
    return [e for e in entities if e.name]
