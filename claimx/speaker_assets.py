"""The lexicons speaker resolution reads: titles, names, places, organisations, function words.

All of it is data under ``models/<lang>/`` (see ``models/en/README_speakers.md``); this module only
parses it into lookup tables. ``claimx.speaker_lexicon.v1`` is the registered loader the
``claimx_speakers`` factory uses by default.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from spacy.util import registry

from .assets import models_dir, read_jsonl


@dataclass(frozen=True)
class Pronoun:
    form: str
    gender: str | None  # "m", "f", "n" (non-person) or None (any)
    number: str | None  # "sg", "pl" or None (either)
    person: int  # 1, 2 or 3
    type: str  # personal, possessive, reflexive, relative


@dataclass(frozen=True)
class Honorific:
    """A word written before a name: "Mr.", "Sen.", "President"."""

    form: str
    title: str | None  # None for courtesy titles (Mr., Ms.), which are dropped without trace
    gender: str | None


@dataclass(frozen=True)
class Role:
    """A noun naming a person by role, office or relation: "spokeswoman", "senator", "wife"."""

    form: str
    gender: str | None
    epithet: (
        bool  # generic noun a definite description uses for a salient person ("the businessman")
    )
    also: tuple[
        str, ...
    ] = ()  # other role words a description with this noun matches ("lawmaker" -> senator)
    anonymous: bool = False  # used for unnamed sources ("the source", "an official")
    family: bool = False  # a relative, who shares the surname of the person it belongs to


@dataclass(frozen=True)
class Place:
    name: str  # canonical name, e.g. "the United States"
    short: str  # affiliation form, e.g. "U.S."
    kind: str = "country"  # country, state or union
    classes: tuple[str, ...] = ()  # what "the bloc", "the alliance" may stand for


@dataclass(frozen=True)
class SpeakerLexicon:
    """Lookup tables for ``claimx_speakers``. Keys are lower case, honorifics without dots."""

    pronouns: dict[str, Pronoun]
    honorifics: dict[str, Honorific]
    roles: dict[str, Role]
    title_modifiers: frozenset[str]
    rank_modifiers: frozenset[str]  # "vice", "deputy": a different office from the bare title
    name_particles: frozenset[str]  # "de", "van": lower-case words inside names
    name_suffixes: frozenset[str]
    quantifiers: frozenset[str]
    definites: frozenset[str]
    connectors: frozenset[str]
    owner_nouns: frozenset[str]
    document_nouns: dict[str, str]  # "poll" -> "study", "clip" -> "ad"
    first_names: dict[str, tuple[str, float]]  # name -> (gender, share)
    place_aliases: dict[str, Place]  # "u.s." / "america" -> the United States
    demonyms: dict[str, Place]  # "chinese" -> China
    seats: dict[str, Place]  # "beijing" / "the kremlin" -> China / Russia
    org_nouns: dict[str, tuple[str, ...]]  # "newspaper" -> ("news",)
    org_cues: dict[str, str]  # "Times" -> "news" (case-sensitive name words)
    party_labels: dict[str, str | None]  # "republicans" -> "the Republican Party"
    name_tails: frozenset[str] = frozenset()  # "Circuit": "X for the Sixth Circuit" is one name
    publish_verbs: frozenset[str] = frozenset()  # "ran", "published": the subject issued the object
    naming_verbs: frozenset[str] = frozenset()  # "entitled", "called": the object names a document

    def gender_of_first_name(self, name: str, min_share: float = 0.8) -> str | None:
        """ "m"/"f" when the given name is given to one sex at least ``min_share`` of the time."""
        entry = self.first_names.get(name.lower())
        if entry is None or entry[1] < min_share:
            return None
        return entry[0]

    def honorific(self, word: str) -> Honorific | None:
        return self.honorifics.get(word.lower().rstrip("."))

    def is_seat(self, text: str) -> bool:
        """A seat of government standing for its country: "Washington", "the Kremlin"."""
        return _place_key(text) in self.seats

    def place(self, text: str) -> Place | None:
        """The place a name, demonym or seat of government stands for ("US." -> United States)."""
        key = _place_key(text)
        return self.place_aliases.get(key) or self.demonyms.get(key) or self.seats.get(key)


def _place_key(text: str) -> str:
    key = text.lower().replace("’", "'").strip()
    key = key.removeprefix("the ")
    return key.rstrip(".") if key.count(".") == 1 else key


def _build(records: dict[str, list[dict[str, Any]]]) -> SpeakerLexicon:
    words = records["speaker_words"]

    def kind(rows: list[dict[str, Any]], name: str) -> list[dict[str, Any]]:
        return [r for r in rows if r.get("kind") == name]

    pronouns = {
        r["form"]: Pronoun(r["form"], r["gender"], r["number"], int(r["person"]), r["type"])
        for r in kind(words, "pronoun")
    }
    titles = records["titles"]
    honorifics = {
        r["form"]: Honorific(r["form"], r.get("title"), r.get("gender"))
        for r in kind(titles, "honorific")
    }
    roles = {
        r["form"]: Role(
            r["form"],
            r.get("gender"),
            bool(r.get("epithet")),
            tuple(r.get("also", ())),
            bool(r.get("anonymous")),
            bool(r.get("family")),
        )
        for r in kind(titles, "role")
    }
    place_aliases: dict[str, Place] = {}
    demonyms: dict[str, Place] = {}
    seats: dict[str, Place] = {}
    for r in records["places"]:
        place = Place(r["name"], r["short"], r.get("kind", "country"), tuple(r.get("classes", ())))
        for alias in [r["name"], *r.get("aliases", ())]:
            place_aliases.setdefault(_place_key(alias), place)
        for dem in r.get("demonyms", ()):
            demonyms.setdefault(_place_key(dem), place)
        for seat in r.get("seats", ()):
            seats.setdefault(_place_key(seat), place)
    orgs = records["organisations"]
    return SpeakerLexicon(
        pronouns=pronouns,
        honorifics=honorifics,
        roles=roles,
        title_modifiers=frozenset(r["form"] for r in kind(titles, "modifier")),
        rank_modifiers=frozenset(r["form"] for r in kind(titles, "rank_modifier")),
        name_particles=frozenset(r["form"] for r in kind(words, "name_particle")),
        name_suffixes=frozenset(r["form"] for r in kind(words, "name_suffix")),
        quantifiers=frozenset(r["form"] for r in kind(words, "quantifier")),
        definites=frozenset(r["form"] for r in kind(words, "definite")),
        connectors=frozenset(r["form"] for r in kind(words, "connector")),
        owner_nouns=frozenset(r["form"] for r in kind(words, "owner_noun")),
        document_nouns={r["form"]: r.get("class", "other") for r in kind(words, "document")},
        first_names={r["name"]: (r["gender"], float(r["share"])) for r in records["first_names"]},
        place_aliases=place_aliases,
        demonyms=demonyms,
        seats=seats,
        org_nouns={r["form"]: tuple(r["classes"]) for r in kind(orgs, "noun")},
        org_cues={r["form"]: r["class"] for r in kind(orgs, "name_cue")},
        party_labels={r["form"].lower(): r.get("party") for r in kind(orgs, "party_label")},
        name_tails=frozenset(r["form"] for r in kind(orgs, "name_tail")),
        publish_verbs=frozenset(r["form"] for r in kind(words, "publish_verb")),
        naming_verbs=frozenset(r["form"] for r in kind(words, "naming_verb")),
    )


#: The files under ``models/<lang>/`` the speaker lexicon is built from.
SPEAKER_FILES = ("speaker_words", "titles", "first_names", "places", "organisations")


@lru_cache(maxsize=4)
def _load_speaker_lexicon(lang: str) -> SpeakerLexicon:
    folder = models_dir() / lang
    return _build({name: list(read_jsonl(folder / f"{name}.jsonl")) for name in SPEAKER_FILES})


@registry.misc("claimx.speaker_lexicon.v1")
def load_speaker_lexicon(lang: str = "en") -> SpeakerLexicon:
    """The speaker lexicons shipped in ``models/<lang>/`` (cached: loaded once per process)."""
    return _load_speaker_lexicon(lang)
