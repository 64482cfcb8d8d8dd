"""Reading names, titles and affiliations off spaCy tokens (no coreference here).

These helpers turn a name mention into its normalised words ("Sen. Charles E. Grassley" ->
``("Charles", "Grassley")`` plus title "Senator") and read the title and affiliation written
around a person's name: pre-nominal ("Chinese Foreign Minister Wang Yi"), appositive ("Hugh
Hill, a doctor,"), post-modifier ("Rep. Elijah Cummings of Maryland") and the member-of-group
pattern ("Chinese counterparts, notably Defence Minister Dong Jun").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span, Token

from ..speaker_assets import SpeakerLexicon

_INITIAL = re.compile(r"^[A-Z]\.?$")
_INITIALS = re.compile(r"^([A-Z]\.)+$")
_POSSESSIVE = {"'s", "’s", "'", "’"}
_AFFILIATION_PREPS = {"of", "for", "at", "with", "from"}
_ZONE_MAX = 8


@dataclass
class NameParts:
    """A person name with the honorifics in front of it read off."""

    words: tuple[str, ...]  # as written, honorifics and middle initials dropped, suffix kept
    core: tuple[str, ...]  # lower case, suffix dropped: what partial matches compare
    gender: str | None = None  # from Mr./Mrs./Ms.
    titles: list[str] = field(default_factory=list)  # from Sen., President, ...
    last: int = -1  # index of the last token of the name (NER spans can run past it)

    @property
    def text(self) -> str:
        return " ".join(self.words)


def strip_possessive(tokens: list[Token]) -> list[Token]:
    while tokens and (tokens[-1].text in _POSSESSIVE or tokens[-1].is_punct or tokens[-1].is_space):
        tokens = tokens[:-1]
    while tokens and (tokens[0].is_punct or tokens[0].is_space):
        tokens = tokens[1:]
    return tokens


def person_name(tokens: list[Token], lex: SpeakerLexicon) -> NameParts | None:
    """Normalise the tokens of a person's name; None when no name word is left."""
    tokens = strip_possessive(tokens)
    gender: str | None = None
    titles: list[str] = []
    # Honorifics and titles written in front: "Mr.", "Sen.", "President", "Former Gov.".
    while len(tokens) > 1:
        first = tokens[0]
        hon = lex.honorific(first.text)
        if first.lower_ in lex.definites:
            tokens = tokens[1:]
        elif hon is not None and (first.text[0].isupper() or first.text.endswith(".")):
            gender = hon.gender or gender
            if hon.title:
                titles.append(hon.title)
            tokens = tokens[1:]
        elif (
            first.lower_ in lex.title_modifiers and tokens[1].text[0].isupper() and len(tokens) > 2
        ):
            tokens = tokens[1:]
        else:
            break
    # NER runs names into the next sentence ("Dong Jun. Hegseth") and, in title-case headlines,
    # into verbs ("Obama Says ...", "Warren Hammers ...")
    for n, tok in enumerate(tokens):
        if n and (tok.is_sent_start or tok.is_punct and tok.text not in ("-", "'", "’", ".")):
            tokens = tokens[:n]
            break
        if n and tok.text == "." and n + 1 < len(tokens):
            tokens = tokens[:n]
            break
        if (
            n + 1 < len(tokens)
            and len(tok.text) > 2
            and tok.text.endswith(".")
            and not _INITIALS.match(tok.text)
            and lex.honorific(tok.text) is None
        ):
            tokens = tokens[: n + 1]  # "Dong Jun. Hegseth": the tokenizer took "Jun." for June
            break
        if (
            n
            and tokens[n - 1].whitespace_
            and (
                tok.tag_.startswith("VB")
                or tok.is_lower
                and not tok.is_punct
                and tok.text not in lex.name_particles
            )
        ):
            tokens = tokens[:n]
            break
    tokens = strip_possessive(tokens)
    words = _words([t for t in tokens if t.text != ","])
    if len(words) > 4 or not tokens:
        return None
    if (
        len(words) > 1
        and words[-1].endswith(".")
        and words[-1].lower().rstrip(".") not in lex.name_suffixes
    ):
        words[-1] = words[-1].rstrip(".")
    if not words or not any(ch.isalpha() for ch in "".join(words)):
        return None
    # Drop middle initials ("James B. Comey"), keep a leading one ("G.K. Butterfield").
    if len(words) > 2:
        words = [words[0], *[w for w in words[1:-1] if not _INITIAL.match(w)], words[-1]]
    core = [w.lower().replace("’", "'") for w in words]  # "O’Neill" is "O'Neill"
    if len(core) > 1 and core[-1].rstrip(".") in lex.name_suffixes:
        core = core[:-1]
    return NameParts(tuple(words), tuple(core), gender, titles, tokens[-1].i)


def _words(tokens: list[Token]) -> list[str]:
    """Whitespace-separated words of the tokens ("Fraga", "-", "Rosenfeld" -> "Fraga-Rosenfeld")."""
    words: list[str] = []
    glue = False
    for tok in tokens:
        if glue and words:
            words[-1] += tok.text
        else:
            words.append(tok.text)
        glue = not tok.whitespace_
    return words


def org_key(text: str) -> str:
    """Comparison key of an organisation or place name: "The F.B.I.'s" -> "fbi"."""
    key = text.replace("’", "'").strip()
    key = re.sub(r"'s?$", "", key)
    key = re.sub(r"^(the|a|an)\s+", "", key, flags=re.IGNORECASE)
    key = key.replace(".", "").replace("&", "and").lower()
    key = re.sub(r"[^a-z0-9 ]+", " ", key)
    return re.sub(r"\s+", " ", key).strip()


_ACRONYM_SKIP = {"of", "and", "the", "for", "on", "in", "to", "&", "at"}


def acronym(text: str) -> str:
    """Initials of the capitalised words: "Securities and Exchange Commission" -> "sec"."""
    words = [w for w in re.split(r"[\s\-]+", text.replace("’", "'")) if w]
    if words and words[0].lower() == "the":
        words = words[1:]
    letters = [w[0] for w in words if w.lower() not in _ACRONYM_SKIP and w[0].isalpha()]
    return "".join(letters).lower() if len(letters) >= 2 else ""


def clean_org_name(tokens: list[Token]) -> str:
    """The written name of an organisation mention, possessive dropped."""
    tokens = strip_possessive(tokens)
    if not tokens:
        return ""
    doc = tokens[0].doc
    return doc[tokens[0].i : tokens[-1].i + 1].text


@dataclass
class Description:
    """Title, affiliation and descriptor words found around one person mention."""

    title: str | None = None
    affiliation: str | None = None
    roles: set[str] = field(default_factory=set)  # role nouns: "secretary", "senator", "doctor"
    modifiers: set[str] = field(
        default_factory=set
    )  # other words: "defence", "indiana", "republican"
    gender: str | None = None  # from a gendered role noun ("spokeswoman")


def _is_title_token(tok: Token, lex: SpeakerLexicon) -> bool:
    low = tok.lower_
    if lex.honorific(tok.text) is not None or low in lex.roles or tok.lemma_.lower() in lex.roles:
        return True
    return low in lex.title_modifiers


def _zone_left(doc: Doc, start: int, lex: SpeakerLexicon) -> list[Token]:
    """The title zone written directly before a name: "US. Defence Secretary" [Pete Hegseth]."""
    zone: list[Token] = []
    i = start - 1
    while i >= 0 and len(zone) < _ZONE_MAX:
        tok = doc[i]
        if tok.is_space:
            break
        if (
            tok.text == "."
            and i > 0
            and not doc[i - 1].is_space
            and lex.place(doc[i - 1].text + ".") is not None
        ):
            # "US. Defence Secretary": the abbreviation's stop (spaCy may end a sentence there)
            zone[:0] = [doc[i - 1], tok]
            i -= 2
            continue
        if tok.is_punct:
            if (
                tok.text == "."
                and zone == []
                and i > 0
                and lex.honorific(doc[i - 1].text + ".") is not None
            ):
                i -= 1
                continue
            break
        if tok.ent_type_ == "PERSON":
            break
        if tok.lower_ == "of" and zone and i > 0 and doc[i - 1].text[:1].isupper():
            zone.insert(0, tok)
            i -= 1
            continue
        if (
            (
                tok.text[:1].isupper()
                and tok.pos_ in ("PROPN", "NOUN", "ADJ")
                and tok.lower_ not in lex.definites
            )
            or tok.text[:1].isupper()
            and _is_title_token(tok, lex)
        ):
            zone.insert(0, tok)
        elif (
            tok.is_lower
            and (_is_title_token(tok, lex) or tok.dep_ in ("compound", "amod"))
            and tok.pos_
            in (
                "NOUN",
                "ADJ",
                "PROPN",
                "VERB",
            )
        ):
            if tok.pos_ == "VERB" and tok.dep_ not in ("amod", "compound"):
                break
            zone.insert(0, tok)
        else:
            break
        i -= 1
    return zone


def _title_text(tokens: list[Token], lex: SpeakerLexicon) -> str:
    parts: list[str] = []
    for tok in tokens:
        hon = lex.honorific(tok.text)
        if hon is not None and hon.title and tok.text.endswith("."):
            parts.append(hon.title)
        else:
            parts.append(tok.text)
    return " ".join(parts)


def _affiliation_of(tokens: list[Token], lex: SpeakerLexicon) -> tuple[str | None, int]:
    """Affiliation at the start of a title zone, and how many tokens it takes."""
    if len(tokens) < 2:
        return None, 0
    doc = tokens[0].doc
    # A place name or demonym that leaves a title after it: "U.S.", "US.", "Chinese"
    for n in range(min(3, len(tokens) - 1), 0, -1):
        text = doc[tokens[0].i : tokens[n - 1].i + 1].text
        if lex.place(text) is not None:
            return place_affiliation(text, lex), n
    # A named organisation that is not itself part of the title ("White House press secretary")
    first = tokens[0]
    if first.ent_type_ in ("ORG", "GPE", "NORP", "FAC") and first.ent_iob_ == "B":
        n = 1
        while n < len(tokens) and tokens[n].ent_iob_ == "I":
            n += 1
        ent_tokens = tokens[:n]
        if n < len(tokens) and not all(t.lower_ in lex.title_modifiers for t in ent_tokens):
            if first.ent_type_ == "NORP" and first.lower_ in lex.party_labels:
                return None, 0
            return place_affiliation(doc[first.i : first.i + n].text, lex), n
    return None, 0


def place_affiliation(text: str, lex: SpeakerLexicon) -> str:
    """How an affiliation is written: countries by their short form ("U.S."), others as written."""
    place = lex.place(text)
    if place is None or lex.is_seat(text):
        return text
    return place.short


def describe_zone(zone: list[Token], lex: SpeakerLexicon, desc: Description) -> None:
    """Read affiliation and title from a pre-nominal zone into ``desc``."""
    if not zone:
        return
    affiliation, n = _affiliation_of(zone, lex)
    rest = zone[n:]
    while rest and rest[0].lower_ in lex.definites:
        rest = rest[1:]
    has_title = any(_is_role(t, lex) for t in rest)
    if affiliation and desc.affiliation is None and (has_title or not rest):
        desc.affiliation = affiliation
    if has_title:
        if desc.title is None:
            desc.title = _title_text(rest, lex)
        _collect_words(rest, lex, desc)
    if affiliation:
        desc.modifiers.update(w.lower().strip(".") for w in affiliation.split())
        for tok in zone[:n]:
            desc.modifiers.add(tok.lower_.strip("."))


def _is_role(tok: Token, lex: SpeakerLexicon) -> bool:
    """A word that makes a zone a title: a role noun or a titled honorific ("Sen.", "President")."""
    if tok.lower_ in lex.roles or tok.lemma_.lower() in lex.roles:
        return True
    hon = lex.honorific(tok.text)
    return hon is not None and hon.title is not None


def _collect_words(tokens: list[Token], lex: SpeakerLexicon, desc: Description) -> None:
    for tok in tokens:
        low = tok.lower_.strip(".")
        hon = lex.honorific(tok.text)
        role = lex.roles.get(low) or lex.roles.get(tok.lemma_.lower())
        if role is not None:
            desc.roles.add(role.form)
            if role.gender and desc.gender is None:
                desc.gender = role.gender
        elif hon is not None and hon.title:
            desc.roles.add(hon.title.lower())
            if hon.gender and desc.gender is None:
                desc.gender = hon.gender
        if low.isalpha() and low not in lex.definites:
            desc.modifiers.add(low)
        party = lex.party_labels.get(low)
        if party:
            desc.modifiers.add(party.lower())


def describe_appositive(
    noun: Token, lex: SpeakerLexicon, desc: Description, ent_index: dict[int, Span]
) -> None:
    """Title and affiliation from an appositive: "a doctor", "the chairwoman of the DNC"."""
    role = lex.roles.get(noun.lemma_.lower()) or lex.roles.get(noun.lower_)
    if role is None:
        return
    left = [
        t for t in noun.lefts if t.dep_ not in ("det", "poss", "punct", "predet", "nummod", "case")
    ]
    words = sorted([*[t for part in left for t in part.subtree], noun], key=lambda t: t.i)
    words = [t for t in words if t.dep_ not in ("det", "poss", "case", "punct")]
    if desc.title is None and len(words) <= 5:
        desc.title = " ".join(t.text for t in words)
    _collect_words(words, lex, desc)
    for prep in noun.rights:
        if prep.dep_ == "prep" and prep.lower_ in _AFFILIATION_PREPS:
            for pobj in prep.children:
                if pobj.dep_ == "pobj" and pobj.ent_type_ in (
                    "ORG",
                    "GPE",
                    "NORP",
                    "PERSON",
                    "FAC",
                ):
                    span = ent_index.get(pobj.i)
                    if span is not None and desc.affiliation is None:
                        desc.affiliation = place_affiliation(clean_org_name(list(span)), lex)
                        desc.modifiers.update(w.lower() for w in span.text.split())


def describe_person(ent: Span, lex: SpeakerLexicon, ent_index: dict[int, Span]) -> Description:
    """Title, affiliation and descriptor words written around one person-name mention."""
    doc = ent.doc
    desc = Description()
    # Honorifics the NER span swallowed ("President Obama" as one PERSON span) count as zone words.
    inner: list[Token] = []
    for tok in ent[:-1]:
        if lex.honorific(tok.text) is None and tok.lower_ not in lex.title_modifiers:
            break
        inner.append(tok)
    zone = _zone_left(doc, ent.start, lex) + inner
    describe_zone(zone, lex, desc)
    root = ent.root
    for child in root.rights:
        if (
            child.dep_ == "appos"
            and child.pos_ in ("NOUN", "PROPN")
            and child.ent_type_ != "PERSON"
        ):
            describe_appositive(child, lex, desc, ent_index)
        elif child.dep_ == "prep" and child.lower_ in ("of", "from") and desc.affiliation is None:
            for pobj in child.children:
                if pobj.dep_ == "pobj" and pobj.ent_type_ in ("GPE", "ORG"):
                    span = ent_index.get(pobj.i)
                    if span is not None:
                        desc.affiliation = place_affiliation(clean_org_name(list(span)), lex)
                        desc.modifiers.update(w.lower() for w in span.text.split())
    if root.dep_ == "appos" and root.head.pos_ == "NOUN":
        describe_appositive(root.head, lex, desc, ent_index)
    elif (
        root.dep_ == "appos"
        and root.head.dep_ == "pobj"
        and root.head.head.dep_ == "prep"
        and root.head.head.head.pos_ == "NOUN"
    ):
        # "An attorney for Pagliano, Mark MacDougall": the parser hangs the name on "Pagliano"
        describe_appositive(root.head.head.head, lex, desc, ent_index)
    if desc.affiliation is None:
        desc.affiliation = _group_affiliation(doc, ent.start - len(zone), lex)
    return desc


def _group_affiliation(doc: Doc, start: int, lex: SpeakerLexicon) -> str | None:
    """ "their Chinese counterparts, notably [Defence Minister Dong Jun]" -> China."""
    i = start - 1
    if i >= 0 and doc[i].is_punct:
        i -= 1
    if i < 0:
        return None
    two = doc[i - 1 : i + 1].text.lower() if i >= 1 else ""
    if two in lex.connectors:
        i -= 2
    elif doc[i].lower_ in lex.connectors:
        i -= 1
    else:
        return None
    if i >= 0 and doc[i].is_punct:
        i -= 1
    if i < 0 or doc[i].pos_ not in ("NOUN", "PROPN"):
        return None
    noun = doc[i]
    for child in noun.lefts:
        is_place = child.ent_type_ in ("NORP", "GPE") and lex.place(child.text) is not None
        if child.dep_ in ("amod", "compound", "nmod") and is_place:
            return place_affiliation(child.text, lex)
        if child.dep_ in ("compound", "nmod") and child.ent_type_ == "ORG":
            return child.text
    return None
