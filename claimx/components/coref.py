"""A deterministic coreference sieve for the speakers of one article.

The passes, in order (each only links what the earlier ones left):

1. **Names.** Every PERSON / ORG / GPE / NORP / FAC span spaCy's NER finds becomes a mention
   (an organisation's name runs on over "for the Sixth Circuit" when the lexicon says so).
   Full person names are clustered first (same first name + surname, titles and middle initials
   dropped); names on title-case lines (headlines, captions) only count as partial names; a lone
   given name coordinated with a full name shares its surname ("Donald and Ivana Trump"). Then
   surnames, first names and title + surname ("Mr. Trump", "Sen. Grassley") join the person they
   match -- those with Mr./Mrs. first, so "Mr. Obama" decides which Obama "President Obama" is --
   with the nearest full mention breaking ties, and a surname one letter off joins the only
   person it can be ("Scheiderman"). An exact-string pass adds the surnames NER missed.
   Organisations match on their key, acronym ("the AP"), or short form ("The Post", "Peabody"
   for Peabody Energy); places through the alias table ("U.S." = "the United States").
2. **Descriptions of persons.** Title, affiliation and role words are read around every person
   mention (pre-nominal titles, appositives, "of Maryland", "Chinese officials, notably X"; a
   plural title before coordinated names is everyone's: "Senators Grassley and Leahy").
3. **Documents.** Named documents outside claims become antecedents: by title ("a memoir
   entitled X"), by publisher ("The Washington Post ran a feature") or by the name they hold.
4. **Claim mentions, in text order.** A speaker or addressee span is a name (-> its cluster), a
   coordination of names (-> a group), a definite description (-> the entity whose title, role or
   class matches: "the senator", "the newspaper", "the campaign"; a relative by the owner's
   surname: "his ex-wife"; members by their body: "top black lawmakers"), a pronoun (-> the most
   salient entity that agrees in gender and number; the speaker of a recent claim weighs most,
   so "he" follows whoever has been speaking, but the subject of the sentence just before beats
   an older speaker, and no one named inside the claim itself speaks it), a relative pronoun (->
   its antecedent), or an unnamed group or individual ("critics", "a spokesman"), which stays
   unresolved but can still be the antecedent of a later "they" / "he".
5. **First person.** "I" / "we" inside a quote -> the speaker of that quote; "my father" in an
   op-ed -> the author's relative.
6. **Cataphora.** A description still unnamed that the next sentences name takes that name, and
   everything resolved to it follows: "A spokeswoman for X says ... Jane Roe, X's spokeswoman",
   a headline's "Former DNC chairman" -> the chairman the story introduces.

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
from spacy.attrs import DEP, IDX, IS_SPACE, LEMMA, LOWER, ORTH, SENT_START
from spacy.tokens import Doc, Span, Token

from ..extensions import doc_text
from ..schema import Claim, SpeakerType, TextSpan
from ..speaker_assets import Place, SpeakerLexicon
from .speaker_names import (
    Description,
    NameParts,
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
BONUS_DECAY = 0.35  # per sentence: the bonus fades faster than salience, so the subject of the
# sentence just before beats a speaker two sentences back ("Mr. Obama dismissed ... , he said")
UNKNOWN_GENDER = 0.6  # factor for persons of unknown gender under he/she
PARTIAL_FIRST = False
CATAPHORA_WINDOW = 3  # sentences after an unnamed description where its name is looked for
CATAPHORA_HEADLINE = 6  # the same for a description in the headline
CATAPHORA_LOOSE = 2  # sentences where the next new speaker may be an unmatched description
_INTRODUCERS = {"a", "an", "one", "another"}  # an indefinite that may be named next
_LASTING_DOCUMENTS = {"article", "book", "film", "study", "ad"}  # a story may be about one
_DOCUMENT_DEPS = {"dobj", "pobj", "nsubj", "nsubjpass", "attr", "appos"}
_LINE_MAX = 30  # tokens on either side of a name for its line to count as a caption
_TITLE_SMALL_WORDS = {"of", "the", "a", "an", "and", "for", "to", "in", "on", "at", "or", "with"}

_SUBJECT_DEPS = {"nsubj", "nsubjpass", "csubj"}
_QUOTE_TOKENS = ('"', "“", "”", "„", "‟", "«", "»", "''", "``")
_OPENERS = {"“", "„", "‟", "«", "``"}
_CLOSERS = {"”", "»", "''"}


#: Entity classes of places and the governments that stand for them.
PLACE_CLASSES = frozenset({"government", "country", "state", "city"})


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
    gender_rank: float = 0  # 3 honorific, 2 role noun, 1 first name or he/she, 0.5 lone name
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

    def set_gender(self, gender: str | None, rank: float) -> None:
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
    char: int = 0


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
        arrays = doc.to_array([SENT_START, DEP, LOWER, LEMMA, ORTH, IDX, IS_SPACE])
        self._dep, self._lower, self._lemma = arrays[:, 1], arrays[:, 2], arrays[:, 3]
        self._idx: list[int] = arrays[:, 5].tolist()
        self._own_content = (0, 0)  # content of the claim whose speaker is being resolved
        self._ids = lambda words: numpy.array([strings[w] for w in words], dtype=arrays.dtype)
        starts = arrays[:, 0] == 1
        # A paragraph break always ends a sentence, whatever the parser decided.
        self._newlines = [
            i for i in numpy.flatnonzero(arrays[:, 6]).tolist() if "\n" in doc[i].text
        ]
        for i in self._newlines:
            if i + 1 < len(doc):
                starts[i + 1] = True
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
        self._forward: dict[int, Token] = {}  # id(unnamed entity) -> its description's root
        self.headline_end = 0  # first token after the headline line (0: no headline)
        self._names()

    # ------------------------------------------------------------------ set-up

    @cached_property
    def text(self) -> str:
        """The article text (only rare paths need it)."""
        return doc_text(self.doc)

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
                if q not in _CLOSERS or q == "''":  # '' opens quotes too in some wire copy
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
                tok,
                self.sent_of[tok] if tok < len(self.sent_of) else 0,
                weight,
                entity,
                speaker,
                self._idx[tok] if tok < len(self._idx) else 0,
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
        full: list[tuple[Span, NameParts]] = []
        single: list[tuple[Span, NameParts]] = []
        other: list[Span] = []
        for ent in self._joined_names(doc):
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
        self.headline_end = headline + 1 if headline else 0
        if headline_end > 0 and self._title_case(doc[: headline + 1].text):
            single += [(ent, parts) for ent, parts in full if ent.end_char <= headline_end]
            full = [(ent, parts) for ent, parts in full if ent.end_char > headline_end]
        # The same for title-case lines in the body: captions, subheads ("[Video: President
        # Obama Speech at Black Caucus Foundation ...]")
        captions = [(ent, parts) for ent, parts in full if self._in_title_line(ent)]
        if captions:
            single += captions
            full = [item for item in full if item not in captions]
        completed = self._shared_surnames(single)
        single = [item for item in single if item not in completed]
        full += completed
        # Longest names first, so that "Suu Kyi" can join "Aung San Suu Kyi".
        full.sort(key=lambda item: (-len(item[1].core), item[0].start))
        for ent, parts in full:
            parts.gender = parts.gender or self._honorific_gender(ent.start)
            entity = self.person_keys.get((parts.core[0], parts.core[-1]))
            if entity is None:
                entity = self._longer_name(parts.core, parts.gender)
                if (
                    entity is not None
                    and lex.gender_of_first_name(parts.core[0])
                    and not lex.gender_of_first_name(entity.core[0])
                ):
                    # "Crooked Hillary Clinton" (a nickname in a quoted tweet) is Hillary Clinton
                    entity.name, entity.core = parts.text, parts.core
                    self.person_keys[(parts.core[0], parts.core[-1])] = entity
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
            self._shared_title(ent, entity)
        for entity in self.persons:
            entity.set_gender(lex.gender_of_first_name(entity.core[0]), 1)
        # Partial names with Mr./Mrs. first: "Mr. Obama" tells which Obama a later (or earlier)
        # "President Obama" is when the article also names Michelle Obama.
        single.sort(
            key=lambda item: (
                not (item[1].gender or self._honorific_gender(item[0].start)),
                item[0].start,
            )
        )
        for ent, parts in single:
            gender = parts.gender or self._honorific_gender(ent.start)
            entity = self.match_person(parts.core, gender, ent.start)
            for word in parts.core if entity is None and len(parts.core) > 1 else ():
                entity = self.match_person((word,), gender, ent.start)
                if entity is not None:
                    given = lex.gender_of_first_name(parts.core[0])
                    if len(entity.core) == 1 and entity.core[0] == parts.core[-1] and given:
                        # a headline's "Hillary Clinton" completes the body's lone "Clinton"
                        entity.name, entity.core = parts.text, parts.core
                        entity.set_gender(given, 1)
                    break
            if entity is None:
                entity = self._org_match(org_key(parts.text))
            if entity is None and len(parts.core) == 1:
                entity = self._misspelt(parts.core[0], gender)
            if entity is None:
                entity = self._new(SpeakerType.PERSON, parts.text, ent.start, core=parts.core)
                self.persons.append(entity)
                # a person named by one word only ("Melanie", "Kevin"): a given name's gender,
                # weaker than he/she evidence since the word may be a surname ("Clinton")
                entity.set_gender(lex.gender_of_first_name(parts.core[0]), 0.5)
            if entity.is_person:
                entity.set_gender(gender, 3)
                entity.absorb(describe_person(ent, lex, self.ent_at))
            self._link(ent, entity, parts.last)
        for ent in other:
            entity = self._other_entity(ent)
            if entity is not None:
                self._link(ent, entity)
        self._surnames_missed()
        self._pronoun_gender()
        self._campaign_mentions()

    def _shared_surnames(
        self, single: list[tuple[Span, NameParts]]
    ) -> list[tuple[Span, NameParts]]:
        """ "Donald and Ivana Trump", "my parents, James and Olive Meehan": a lone given name
        coordinated with a full name shares its surname. The second name is added as a person
        when NER missed it. Returns the completed (span, name) pairs."""
        doc, lex = self.doc, self.lex
        out = []
        for ent, parts in single:
            i = ent.end
            if len(parts.core) != 1 or i + 2 >= len(doc) or doc[i].lower_ != "and":
                continue
            if parts.gender or parts.titles or not lex.gender_of_first_name(parts.core[0]):
                continue
            if self._honorific_gender(ent.start) or lex.honorific(doc[ent.start - 1].text):
                continue
            given, surname = doc[i + 1], doc[i + 2]
            if not (
                given.is_title
                and surname.is_title
                and given.pos_ == surname.pos_ == "PROPN"
                and lex.gender_of_first_name(given.text)
                and surname.lower_ not in lex.pronouns
            ):
                continue
            parts.words = (*parts.words, surname.text)
            parts.core = (*parts.core, surname.lower_)
            out.append((ent, parts))
            if surname.i not in self.ent_at:
                span = doc[given.i : surname.i + 1]
                second = person_name(list(span), lex)
                if second is not None:
                    out.append((span, second))
        return out

    def _shared_title(self, ent: Span, entity: Entity) -> None:
        """A plural title before coordinated names is everyone's: "Senators Charles E. Grassley,
        Republican of Iowa, and Patrick J. Leahy" makes Leahy a senator too."""
        head = ent.root
        while head.dep_ == "conj" and head.head.i < head.i:
            head = head.head
        first = self.ent_at.get(head.i)
        if first is None or first.start == ent.start or first.start == 0:
            return
        word = self.doc[first.start - 1]
        hon = self.lex.honorific(word.text)
        role = self.lex.roles.get(word.lemma_.lower()) if word.tag_ in ("NNS", "NNPS") else None
        if hon is not None and hon.title and word.lower_.rstrip(".").endswith("s"):
            entity.roles.add(hon.title.lower())
            entity.title = entity.title or hon.title
        elif role is not None:
            entity.roles.add(role.form)
            entity.title = entity.title or role.form

    def _surnames_missed(self) -> None:
        """Exact-string pass: a known person's surname NER did not tag ("Lynch speaks more ...")."""
        surnames = {e.core[-1] for e in self.persons if e.core}
        if not surnames:
            return
        doc = self.doc
        for i in numpy.flatnonzero(numpy.isin(self._lower, self._ids(surnames))).tolist():
            tok = doc[i]
            if i in self.ent_at or not tok.is_title or tok.dep_ in ("compound", "amod"):
                continue
            entity = self.match_person((tok.lower_,), self._honorific_gender(i), i)
            if entity is None:
                continue
            span = doc[i : i + 1]
            given = doc[i - 1] if i > 0 else None
            if (
                given is not None
                and given.i not in self.ent_at
                and given.is_title
                and given.pos_ == "PROPN"
                and (given.dep_ == "compound" and given.head.i == i)
                and self.lex.honorific(given.text) is None
                and given.lower_ not in self.lex.roles
                and given.lower_ not in self.lex.title_modifiers
                and self.lex.place(given.text) is None
            ):
                # "Rahm Emanuel" untagged in the body, "Emanuel" tagged in the headline
                span = doc[i - 1 : i + 1]
                if len(entity.core) == 1:
                    entity.name, entity.core = span.text, (given.lower_, tok.lower_)
                    entity.set_gender(self.lex.gender_of_first_name(given.text), 1)
                elif entity.core[0] != given.lower_:
                    continue  # another person with that surname
            for n in range(span.start, span.end):
                self.ent_at[n] = span
            self._link(span, entity)

    def _joined_names(self, doc: Doc) -> list[Span]:
        """NER spans, with an organisation's name continued over "for the ... Circuit" when
        the lexicon says the continuation's last word ends a name ("the U.S. Court of Appeals
        for the Sixth Circuit"), whether or not NER tagged the continuation."""
        ents = list(doc.ents)
        tails = self.lex.name_tails
        if not tails:
            return ents
        out: list[Span] = []
        end = -1
        for ent in ents:
            if ent.start < end:
                continue  # swallowed by the name before
            end = ent.end
            if ent.label_ == "ORG" and end + 2 < len(doc) and doc[end].lower_ in ("for", "of"):
                i = end + 1 + (doc[end + 1].lower_ == "the")
                last = -1
                while i < min(len(doc), end + 9) and (
                    doc[i].is_title or doc[i].lower_ in ("of", "and") and last < i
                ):
                    if doc[i].text in tails:
                        last = i  # the longest: "for the District of Columbia Circuit"
                    i += 1
                if last > 0:
                    ent = Span(doc, ent.start, last + 1, label=ent.label)
                    end = last + 1
            out.append(ent)
        return out

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
        forms: dict[int, str] = {
            self.doc.vocab.strings[p.form]: p.gender for p in gendered if p.gender
        }
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
        for person, genders in votes.items():
            if len(set(genders)) == 1:
                people[person].set_gender(genders[0], 1)

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

    def _misspelt(self, word: str, gender: str | None) -> Entity | None:
        """The one person whose surname is this word with one letter wrong, missing or extra
        ("Scheiderman" for Schneiderman, "McLenney" for McClenney); short words never match."""
        if len(word) < 5:
            return None
        found = [
            e
            for e in self.persons
            if len(e.core) >= 2
            and e.core[-1][:1] == word[:1]
            and _one_edit(e.core[-1], word)
            and not (gender and e.gender and e.gender != gender)
        ]
        return found[0] if len(found) == 1 else None

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

    def _in_title_line(self, ent: Span) -> bool:
        """The name sits on a short title-case line (a caption or subhead)."""
        n = bisect.bisect_left(self._newlines, ent.start)
        start = self._newlines[n - 1] + 1 if n > 0 else 0
        end = self._newlines[n] if n < len(self._newlines) else len(self.doc)
        if end - start > 2 * _LINE_MAX:
            return False
        return self._title_case(self.doc[start:end].text)

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
            return self._place_entity(place, ent.start)
        # A one-word ORG / NORP that is the surname of a known person ("Wang compared ..."),
        # maybe misspelt ("Scheiderman" for Schneiderman)
        if ent.label_ in ("ORG", "NORP") and len(tokens) == 1 and tokens[0].text[:1].isupper():
            gender = self._honorific_gender(ent.start)
            person = self.match_person((tokens[0].lower_,), gender, ent.start) or self._misspelt(
                tokens[0].lower_, gender
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

    @cached_property
    def _cue_words(self) -> set[str]:
        return {w.lower().rstrip(".") for w in self.lex.org_cues}

    def _org_short_form(self, key: str) -> Entity | None:
        """ "The Post" -> "The New York Post": a short form ending one known name."""
        words = key.split()
        if not words or len(words) > 2:
            return None
        cues = self._cue_words
        found = [
            e
            for e in self.entities
            if e.type == SpeakerType.ORGANISATION
            and len(e.key.split()) > len(words)
            and (
                e.key.endswith(" " + key)
                # "Peabody" -> "Peabody Energy": the name without its class word
                or e.key.startswith(key + " ")
                and set(e.key.split()[len(words) :]) <= cues
            )
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
                    # the owner may well be named in the claim ("her campaign" said ... she)
                    own, self._own_content = self._own_content, (0, 0)
                    resolved = self._pronoun(child)
                    self._own_content = own
                    if resolved is _DEFER and self.in_quote(child.idx) is None:
                        resolved = self._author(child.idx)  # "my father" in an op-ed
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
            if self._own_content[0] <= ev.char < self._own_content[1] and ev.weight < W_SUBJECT:
                # a speaker is not someone his own claim names ("People like Scott, he said");
                # a subject there is rather the speaker, with the claim's span drawn too wide
                continue
            factor = accept(ev.entity)
            if factor <= 0:
                continue
            score = ev.weight * factor * DECAY**distance
            if score > scores.get(ev.entity, 0.0):
                scores[ev.entity] = score
            if ev.speaker and last_speaker is None:
                last_speaker = ev.entity
                if distance <= 3:
                    scores[ev.entity] += LAST_SPEAKER_BONUS * factor * BONUS_DECAY**distance
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
        self._document_mentions(order)
        walk = sorted(
            [
                *((s, e, True) for s, e in order),
                *((s, e, False) for s, e in self._subject_mentions() if (s, e) not in claim_spans),
            ]
        )
        contents = {
            (c.speaker.start, c.speaker.end): (c.content.start, c.content.end)
            for c in claims
            if c.speaker is not None
        }
        deferred = []
        for start, end, is_claim in walk:
            self._own_content = contents.get((start, end), (0, 0))
            result = self.resolve_span(start, end)
            self._own_content = (0, 0)
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
        self._cataphora()
        speakers: list[Entity | None] = []
        addressees: list[Entity | None] = []
        for claim in claims:
            speakers.append(self._entity_for(claim.speaker))
            addressees.append(self._entity_for(claim.addressee))
        return speakers, addressees

    def _cataphora(self) -> None:
        """Descriptions left unnamed that the next sentences name: "A spokeswoman for Hillary
        Clinton says ... Jennifer Palmieri said", a headline's "Former DNC chairman" -> the
        chairman the story introduces. Everything that pointed to the unnamed entity follows."""
        named: dict[int, Entity] = {}
        for result in self._cache.values():
            if not isinstance(result, Entity) or id(result) in named:
                continue
            root = self._forward.get(id(result))
            if root is None:
                continue
            target = self._named_after(root, result)
            if target is not None:
                named[id(result)] = target
        if named:
            for key, result in self._cache.items():
                if isinstance(result, Entity) and id(result) in named:
                    self._cache[key] = named[id(result)]

    def _named_after(self, root: Token, unnamed: Entity) -> Entity | None:
        """The first named entity after ``root`` in the next sentences that fits its noun."""
        lemma = root.lemma_.lower()
        role = self.lex.roles.get(lemma)
        if role is not None:
            wanted = {lemma, *role.also}
            mods = self._modifier_words(root) - {"former", "then", "new", "top", "current"}

            def fits(e: Entity) -> bool:
                if not e.is_person or not e.name or not (e.roles & wanted):
                    return False
                if role.gender and e.gender and e.gender != role.gender:
                    return False
                return self._modifier_fit(mods, e) > 0

        elif lemma in self.lex.org_nouns:
            classes = set(self.lex.org_nouns[lemma])
            places = bool(classes & PLACE_CLASSES)
            # "an appeals court" is not the Supreme Court: noun modifiers must be in the name
            nouns = {
                c.lower_
                for c in root.lefts
                if c.dep_ in ("compound", "nmod") and c.pos_ in ("NOUN", "PROPN")
            }

            named_places = self._named_places(root)

            def fits(e: Entity) -> bool:
                if e.is_person or not e.name or e.type in (SpeakerType.GROUP, SpeakerType.OTHER):
                    return False
                if e.type == SpeakerType.PLACE and not places:
                    return False
                if named_places and e.classes & PLACE_CLASSES:
                    # "the German government" is not the United States named next
                    return self._place_name(e) in named_places
                if nouns and not nouns & e.modifiers:
                    return False
                return lemma in e.modifiers or bool(e.classes & classes)

        elif lemma in self.lex.document_nouns:

            def fits(e: Entity) -> bool:
                return (
                    e.type == SpeakerType.OTHER
                    and bool(e.name)
                    and not e.plural
                    and bool(e.classes & unnamed.classes)
                    and not (e.owner is not None and e.name == e.owner.name)
                )

        else:
            return None
        sent = self.sent_of[root.i]
        headline = root.i < self.headline_end
        window = CATAPHORA_HEADLINE if headline else CATAPHORA_WINDOW
        start = bisect.bisect_right(self._event_toks, root.i)
        i = start
        while i < len(self._events):
            ev = self._events[i]
            if ev.sent - sent > window:
                break
            if ev.entity is not unnamed and fits(ev.entity):
                return ev.entity
            i += 1
        # Looser: the story names the one it described as its next new speaker or subject
        # ("Connecticut's tax commissioner says ... Kevin Sullivan says he ..."), provided no
        # other role or affiliation says it is someone else.
        first = root.left_edge
        opens = first.i == 0 or first.is_sent_start or "\n" in self.doc[first.i - 1].text
        if unnamed.type == SpeakerType.GROUP or not (headline or opens):
            return None  # only a headline or a sentence that opens with the description
        owners = self._affiliation_words(root)
        window = CATAPHORA_HEADLINE if headline else CATAPHORA_LOOSE
        i = start
        while i < len(self._events):
            ev = self._events[i]
            if ev.sent - sent > window:
                break
            i += 1
            e = ev.entity
            if e is unnamed or not e.name or e.first < root.i:
                continue
            if not (ev.speaker or ev.weight >= W_SUBJECT):
                continue
            if role is not None:
                if not e.is_person or role.gender and e.gender and e.gender != role.gender:
                    continue
                if owners & e.modifiers:
                    return e  # "A spokeswoman for Hillary Clinton": "Clinton ... director X"
                if role.anonymous or e.roles and not e.roles & wanted:
                    continue
                return e
            if lemma in self.lex.org_nouns and not e.is_person and e.type != SpeakerType.GROUP:
                if e.classes and not e.classes & classes and lemma not in e.modifiers:
                    continue
                return e
        return None

    def _affiliation_words(self, root: Token) -> set[str]:
        """Name words of what a description belongs to: "a spokeswoman for Hillary Clinton"."""
        words: set[str] = set()
        for prep in root.rights:
            if prep.dep_ == "prep" and prep.lower_ in ("for", "of", "at", "with"):
                for c in prep.children:
                    e = self.tok_entity.get(c.i)
                    if e is not None and e.name:
                        words.update(w.lower().strip(".,") for w in e.name.split())
        return words - self.lex.definites

    def _document_mentions(self, claim_spans: list[tuple[int, int]]) -> None:
        """Documents outside claims that later descriptions refer to: "The Washington Post ran
        a feature ... The piece used ...", "an article in the journal Science ... The research".
        Only those the text names or gives an issuer become antecedents."""
        lex = self.lex
        starts = [s for s, _ in claim_spans]
        for i in numpy.flatnonzero(numpy.isin(self._lemma, self._ids(lex.document_nouns))).tolist():
            tok = self.doc[i]
            if tok.pos_ != "NOUN" or tok.tag_ == "NNS" or tok.dep_ not in _DOCUMENT_DEPS:
                continue
            n = bisect.bisect_right(starts, tok.idx) - 1
            if n >= 0 and tok.idx < claim_spans[n][1] or self.in_quote(tok.idx) is not None:
                continue
            name, issuer = self._document_name(tok)
            if name is None:
                continue
            entity = self._new(SpeakerType.OTHER, name, tok.i, head=tok.lemma_.lower())
            entity.owner = issuer
            entity.classes.add(lex.document_nouns[tok.lemma_.lower()])
            self._add_event(tok.i, entity, W_OTHER)

    def _document_name(self, root: Token) -> tuple[str | None, Entity | None]:
        """A document's name: its title ("a memoir entitled X"), its publisher ("X ran a
        feature") or its own words when they hold a name ("an article in the journal Science")."""
        lex = self.lex
        title = self._title_after(root)
        if title is not None:
            return title, None
        verb = root.head
        if root.dep_ == "dobj" and verb.lemma_ in lex.publish_verbs:
            subject = next((c for c in verb.children if c.dep_ == "nsubj"), None)
            issuer = self.tok_entity.get(subject.i) if subject is not None else None
            if issuer is not None and issuer.name and not issuer.plural:
                return f"{issuer.name} {root.text}", issuer
        words = self._document_words(root, list(root.subtree))
        if len(words) > 12 or not any(self._named_at(t.i) for t in words if t.i != root.i):
            return None, None
        if words[0].lower_ in lex.quantifiers | lex.definites:
            words = words[1:]
        return self._text(words), None

    def _title_after(self, root: Token) -> str | None:
        """ "a memoir of her time at the White House entitled The White House Doctor: My
        Patients Were Presidents": the capitalised (or quoted) title after a naming verb that
        follows the document noun in its sentence. Read off the words, not the parse, which
        rarely survives a title."""
        doc = self.doc
        end = min(len(doc), root.i + 14)
        verb = next(
            (t for t in doc[root.i + 1 : end] if t.lemma_.lower() in self.lex.naming_verbs),
            None,
        )
        if (
            verb is None
            or verb.tag_ not in ("VBN", "VBD")
            or any(c.dep_ == "nsubj" for c in verb.children)
        ):
            return None  # "entitled X", "called X", not "the union called Clinton a champion"
        if any(t.is_sent_start for t in doc[root.i + 1 : verb.i + 1]):
            return None
        words: list[Token] = []
        for tok in doc[verb.i + 1 : verb.i + 16]:
            if tok.text in _QUOTE_TOKENS or tok.text in ("‘", "’"):
                if words:
                    break
                continue
            if tok.is_sent_start and words or tok.is_space:
                break
            if (
                tok.text[:1].isupper()
                or tok.like_num
                or tok.text == ":"
                or (words and tok.lower_ in _TITLE_SMALL_WORDS)
            ):
                words.append(tok)
            else:
                break
        while words and (words[-1].lower_ in _TITLE_SMALL_WORDS or words[-1].text == ":"):
            words.pop()
        return self._text(words) if words else None

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
        heads = [t for t in tokens if t.head.i not in idx or t.head.i == t.i]
        # a hyphen the parser took for a head ("His ex - wife") is not the noun; of adjacent
        # words parsed as sibling heads, the last is the noun of the phrase
        words = [t for t in heads if not t.is_punct]
        flat = len(words) > 1 and all(
            t.head == words[0].head and t.dep_ == words[0].dep_ and t.pos_ == "NOUN" for t in words
        )
        flat = flat and all(
            t in heads or t.is_punct for t in self.doc[words[0].i : words[-1].i + 1]
        )
        root = words[-1] if flat else (words or heads or tokens)[0]
        named = [
            t
            for t in words
            if (e := self.tok_entity.get(t.i)) is not None and e.name and e.is_person
        ]
        if len(words) > 1 and named and root not in named:
            # "Oscar-winning actress Susan Sarandon" parsed as two appositions: the name
            root = named[0]
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
        appositives = [  # "A spokeswoman, Jennifer Palmieri, said"; a person before "(D-Va.)"
            named
            for child in root.children
            if child.dep_ == "appos"
            and child.i in idx
            and (named := self.tok_entity.get(child.i)) is not None
            and named.name
        ]
        if appositives:
            return next((e for e in appositives if e.is_person), appositives[0])
        if root.dep_ == "appos" and root.pos_ == "NOUN" and root.head.i not in idx and not entity:
            # "Walter Energy, another mining company": the name the description is in apposition
            # to, or a name in apposition to the same noun ("his daughter, Ellie, a senior")
            head = root.head
            named = self.tok_entity.get(head.i) or next(
                (
                    self.tok_entity[c.i]
                    for c in head.children
                    if c.dep_ == "appos" and c.i < root.i and c.i in self.tok_entity
                ),
                None,
            )
            if named is not None and named.name and named.type != SpeakerType.GROUP:
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
        names = [e.name if e is not None and e.name else text for e, text in parts]
        name = ", ".join(names[:-1]) + " and " + names[-1]
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
        result = self._describe(root, tokens)
        if result is not None and result.name is None and not result.plural:
            first = tokens[0].lower_
            document = root.lemma_.lower() in self.lex.document_nouns
            introduced = first in _INTRODUCERS or root.i < self.headline_end
            if introduced or first not in self.lex.quantifiers and not document:
                self._forward[id(result)] = root  # may be named in the next sentences
        return result

    def _describe(self, root: Token, tokens: list[Token]) -> Entity | None:
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
        if owner is None:
            poss = next((t for t in tokens if t.dep_ == "poss" and t.i < root.i), None)
            owner = self._owner(poss.head) if poss is not None else None
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
            if pair is None and person_noun and not indefinite:
                pair = self._members_body(root)
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
            return self._person_description(root, owner is None and not role.anonymous, owner)
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
        """ "both men", "the two countries", "The two Republican presidents" -> the two in play;
        "the senators", "the candidates" -> the two the article gives that role, when only two."""
        words = {t.lower_ for t in root.lefts} | {t.lower_ for t in tokens[:1]}
        lemma = root.lemma_.lower()
        if lemma in self.lex.document_nouns:
            return None
        counted = bool({"two", "both", "pair"} & words) or lemma == "pair"
        role = self.lex.roles.get(lemma)
        if not counted and (role is None or tokens[0].lower_ != "the" or len(tokens) > 3):
            return None  # uncounted, only a definite plural of a role ("the senators")
        if person_noun or lemma in ("man", "woman", "leader", "candidate"):
            gender = role.gender if role else None
            wanted = {lemma, *(role.also if role else ())}

            def accept(e: Entity) -> float:
                if not e.is_person or not e.name or (gender and e.gender and e.gender != gender):
                    return 0.0
                if e.roles & wanted:
                    return 1.5
                return 1.0 if counted and (e.gender or e.full_count) else 0.0

        elif self.lex.org_nouns.get(lemma) and counted:
            classes = set(self.lex.org_nouns[lemma])

            def accept(e: Entity) -> float:
                return 1.0 if e.name and not e.is_person and e.classes & classes else 0.0

        else:
            return None
        scores = self._salience(root.i, accept, window=4)
        if not counted or len(scores) < 2:
            # the two named holders of the role in the last paragraphs, if there are two
            scores = self._salience(root.i, lambda e: max(accept(e) - 1.0, 0.0), window=12)
            if len(scores) != 2:
                return None
        best = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0].first))[:2]
        members = sorted((e for e, _ in best), key=lambda e: e.first)
        return self._group(members, tokens)

    def _members_body(self, root: Token) -> Entity | None:
        """ "top black lawmakers" -> the Congressional Black Caucus: members described by the
        words of a named body's name stand for that body."""
        mods = {
            c.lower_
            for c in root.lefts
            if c.dep_ in ("amod", "compound") and c.lower_ not in self.lex.title_modifiers
        } - {"top", "senior", "former", "other", "many", "some", "several"}
        if not mods or any(m in self.lex.party_labels for m in mods):
            return None  # "Democratic leaders" are not the Democratic National Committee
        if not mods:
            return None
        bodies = [
            e
            for e in self.entities
            if e.type == SpeakerType.ORGANISATION
            and e.name
            and "committee" in e.classes
            and mods <= e.modifiers
        ]
        return min(bodies, key=lambda e: abs(e.first - root.i), default=None)

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

    def _person_description(
        self, root: Token, fallback: bool, owner: Entity | None = None
    ) -> Entity | None:
        """ "the senator", "The Indiana governor", "the Republican nominee", "the businessman";
        with an owner, "his ex-wife", "Keith Lamont Scott's wife"."""
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
        if not scores and role is not None and role.family and owner is not None and owner.core:
            # a relative of a named person shares the surname: "Keith Lamont Scott's wife" is
            # Rakeyia Scott, Donald Trump's "ex-wife" Ivana Trump
            surname = owner.core[-1]

            def relative(e: Entity) -> float:
                if e is owner or not e.is_person or not e.name or not e.core:
                    return 0.0
                if gender and e.gender and e.gender != gender:
                    return 0.0
                return 1.0 if e.core[-1] == surname and len(e.core) > 1 else 0.0

            scores = self._salience(root.i, relative, window=12)
            for e in self.persons if not scores else ():
                if relative(e):
                    scores[e] = 0.05 * (1.0 if e.first < root.i else 0.8)
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
                g.ent_type_ in ("ORG", "PERSON") and g.lower_ not in self.lex.title_modifiers
                for g in child.subtree
            ):
                return True  # "the director of the FBI", but not "the secretary of State"
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
            party = self.lex.party_labels.get(word)
            if word in e.modifiers or word in e.roles or party and party.lower() in e.modifiers:
                fit += 1.0
            elif word in self.lex.party_labels or self.lex.place(word) is not None:
                # a place or party the entity is not known for ("the Vermont senator", Grassley);
                # a party says nothing against a place ("the California congressman", a Democrat)
                is_party = word in self.lex.party_labels
                known = {
                    m
                    for m in e.modifiers
                    if (m in self.lex.party_labels if is_party else self.lex.place(m) is not None)
                }
                if known:
                    return 0.0
        return fit

    def _place_entity(self, place: Place, start: int) -> Entity:
        """The entity of a country or state, made on first mention."""
        key = "place:" + place.name
        entity = self.org_keys.get(key)
        if entity is None:
            entity = self._new(SpeakerType.PLACE, place.name, start, key=key)
            entity.classes.update(("state",) if place.kind == "state" else ("country", "government"))
            entity.classes.update(place.classes)
            entity.modifiers.update(
                w.lower().strip(".") for w in (place.name + " " + place.short).split()
            )
            self.org_keys[key] = entity
        return entity

    def _named_places(self, root: Token) -> set[str]:
        """Places a description names ("the German government" -> Germany)."""
        return {p.name for m in self._modifier_words(root) if (p := self.lex.place(m)) is not None}

    def _place_name(self, e: Entity) -> str | None:
        """The place an entity is or governs ("Washington" -> United States)."""
        for text in (e.name, e.affiliation):
            place = self.lex.place(text) if text else None
            if place is not None:
                return place.name
        return None

    def _org_description(self, root: Token, classes: tuple[str, ...]) -> Entity | None:
        """ "the newspaper", "the commission", "the agency", "the government", "the city"."""
        for prep in root.rights:  # "A three-judge panel of the U.S. Court of Appeals"
            if prep.dep_ == "prep" and prep.lower_ == "of":
                body = next((self.tok_entity.get(c.i) for c in prep.children), None)
                if body is not None and body.name and body.type == SpeakerType.ORGANISATION:
                    return body
        lemma = root.lemma_.lower()
        mods = self._modifier_words(root)
        wanted = set(classes)
        generic = bool(wanted & {"company", "organisation", "agency", "bank"})
        # "the union": a union ("Mine Workers") before any organisation
        specific = wanted - {"organisation"} if "organisation" in wanted else set()

        named_places = self._named_places(root)

        def accept(e: Entity) -> float:
            if e.is_person or e.type == SpeakerType.GROUP or not e.name:
                return 0.0
            if named_places and e.classes & PLACE_CLASSES:
                return 3.0 if self._place_name(e) in named_places else 0.0
            if lemma in e.modifiers:
                return 1.5 + 0.5 * len(mods & e.modifiers)
            if e.classes & specific:
                return 2.0 + 0.5 * len(mods & e.modifiers)
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
        elif specific and all(accept(e) < 1.0 for e in scores):
            # only a guess in play: a body of the very class named further back ("the union")
            further = {
                e: 0.05 * accept(e) * (1.0 if e.first < root.i else 0.8)
                for e in self.entities
                if e.classes & specific and e.full_count
            }
            scores = further or scores
        # a noun modifier that names one of them decides ("the appeals court": not the Supreme
        # Court, when the Court of Appeals is in play)
        nouns = {
            c.lower_
            for c in root.lefts
            if c.dep_ in ("compound", "nmod") and c.pos_ in ("NOUN", "PROPN")
        }
        named = {e: v for e, v in scores.items() if nouns & e.modifiers}
        if nouns and not named:
            named = {
                e: accept(e) * (1.0 if e.first < root.i else 0.8)
                for e in self.entities
                if nouns & e.modifiers and accept(e) >= 1.0 and e.full_count
            }
        best = self._best(named or scores)
        if best is None and len(named_places) == 1 and wanted & PLACE_CLASSES:
            # "the German government" with Germany never named: the country itself
            (name,) = named_places
            place = self.lex.place(name)
            if place is not None:
                return self._place_entity(place, root.i)
        return best

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
        owner_toks = sorted(  # "USA TODAY's super PAC tally": the possessive is the issuer
            (c for c in root.children if c.dep_ in ("poss", "compound") and c.i < root.i),
            key=lambda c: c.dep_ != "poss",
        )
        if owner is None:
            owner = next(
                (e for c in owner_toks if (e := self.tok_entity.get(c.i)) is not None and e.name),
                None,
            )
        if owner is not None and owner.name and owner_toks:
            rest = [
                t
                for t in self._document_words(root, tokens)
                if t.i > max(c.i for c in owner_toks) and t.text not in ("'s", "’s", "'")
            ]
            name = f"{owner.name}'s {self._text(rest)}" if rest else owner.name
            entity = self._new(SpeakerType.OTHER, name, root.i, head=lemma)
            entity.owner = owner
            entity.classes.add(cls)
            self._add_event(root.i, entity, W_OTHER)
            return entity
        # A name in the noun phrase ("a recent Reuters survey of voter lists", "a web video by
        # the Republican National Committee"): named by its words, never those of a relative
        # clause or of an aside after the noun
        words = self._document_words(root, tokens)
        plural = root.tag_ in ("NNS", "NNPS")
        called = self._title_after(root) if root.i + 1 < len(self.doc) else None
        if called is not None and not plural:  # "A contentious visa program ..., called EB-5"
            name = f"{called} {root.text}" if len(called.split()) == 1 else called
            entity = self._new(SpeakerType.OTHER, name, root.i, head=lemma)
            entity.classes.add(cls)
            self._add_event(root.i, entity, W_OTHER)
            return entity
        definite = tokens[0].lower_ in self.lex.definites
        if (definite or not plural) and any(self._named_at(t.i) for t in words if t.i != root.i):
            # "the results of the latest Quinnipiac University poll", not "some polls in Florida"
            if words[0].lower_ in self.lex.quantifiers | self.lex.definites:
                words = words[1:]
            entity = self._new(SpeakerType.OTHER, self._text(words), root.i, head=lemma)
            entity.classes.add(cls)
            self._add_event(root.i, entity, W_OTHER)
            return entity
        if not indefinite and not plural and any(c.dep_ == "det" for c in root.children):

            def accept(e: Entity) -> float:
                if e.type != SpeakerType.OTHER or e.plural:
                    return 0.0
                return 1.2 if e.head == lemma else 1.0 if cls in e.classes else 0.0

            best = self._best(self._salience(root.i, accept, 12))
            if best is None:
                # a story about one document keeps calling it "the article" long after
                earlier = [
                    e
                    for e in self.entities
                    if e.name
                    and e.first < root.i
                    and (e.head == lemma or cls in _LASTING_DOCUMENTS and accept(e))
                ]
                best = max(earlier, key=lambda e: (accept(e), e.first), default=None)
            if best is not None:
                return best
        entity = self._unnamed(root, SpeakerType.OTHER, plural)
        entity.classes.add(cls)
        return entity

    def _named_at(self, i: int) -> bool:
        entity = self.tok_entity.get(i)
        return entity is not None and bool(entity.name)

    def _document_words(self, root: Token, tokens: list[Token]) -> list[Token]:
        """The words of a document mention up to the first aside after its noun: a comma or
        dash, or a relative clause ("the study -- which notes ...")."""
        clause = {t.i for c in root.rights if c.dep_ in ("relcl", "appos") for t in c.subtree}
        out = []
        for t in tokens:
            if t.i > root.i and (t.is_punct and t.text not in ("-", "/", "'s") or t.i in clause):
                break
            out.append(t)
        return out

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

            # nobody of that gender lately: the last one further back (short lines of tweets
            # or captions stretch the distance)
            return self._best(
                self._salience(tok.i, accept) or self._salience(tok.i, accept, 2 * WINDOW)
            )

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


def _one_edit(a: str, b: str) -> bool:
    """``a`` and ``b`` differ by exactly one substituted, inserted or deleted letter."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    return a[i + (len(a) == len(b)) :] == b[i + 1 :]


def named_entities(entities: Iterable[Entity]) -> list[Entity]:
    return [e for e in entities if e.name]
