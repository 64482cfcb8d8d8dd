"""Where a reporting word keeps its content and its speaker, read off the parse.

A *frame* (or slot) names the dependency position that holds what was said:
``ccomp`` ("said that ..."), ``dobj`` ("stressed the importance of ..."),
``xcomp`` ("declined to comment"), ``prep:of`` ("warned of ..."), ``mark:for``
("called for the two sides to ..."), ``^parataxis`` ("..., he said, ..."),
``quote`` (a quotation beside the attribution) ... The same function is used
to learn per-frame cue precision from annotated data (scripts/learn_cues.py)
and to decide at run time, so the learned figures describe exactly what runs.
"""

from __future__ import annotations

import numpy
from spacy.attrs import IS_ALPHA, IS_SPACE, LIKE_NUM
from spacy.tokens import Doc, Span, Token

SUBJECTS = ("nsubj", "nsubjpass", "csubj")
#: Subjects that are noun phrases (a speaker can be one; a clause cannot).
NOMINAL_SUBJECTS = ("nsubj", "nsubjpass")
#: Prefix of the slots of reporting nouns ("his warning that ..."): "noun:that", "noun:prep:of".
NOUN_SLOT = "noun:"
# Relations through which a verb without a subject borrows its governor's:
# "..., warning of ...", "declined to say", "responded by stressing", "said X and added".
SUBJECT_BRIDGES = ("advcl", "xcomp", "conj", "pcomp", "prep", "ccomp", "dep")
CONTENT_CHILDREN = ("ccomp", "xcomp", "dobj", "attr", "oprd", "acomp")
PREP_SLOTS = ("of", "about", "for", "on", "to", "as", "against", "that", "with", "in", "by")
# Clause-level modifiers that are part of the attribution, not of what was said.
RELATIVE_PRONOUNS = ("who", "which", "that", "whom")


def quote_of_tokens(doc: Doc, quotes: list[Span]) -> list[int]:
    """For each token, the index of the quote it lies in (marks included), or -1."""
    owner = [-1] * len(doc)
    for n, quote in enumerate(quotes):
        for i in range(quote.start, quote.end):
            owner[i] = n
    return owner


def token_masks(doc: Doc) -> tuple[numpy.ndarray, numpy.ndarray]:
    """For every token of ``doc``: whether it is a word (letters or a number), and
    whether it breaks a line (only whitespace tokens can)."""
    rows = doc.to_array([IS_ALPHA, LIKE_NUM, IS_SPACE]).reshape(len(doc), 3)
    words = numpy.logical_or(rows[:, 0], rows[:, 1])
    breaks = numpy.zeros(len(doc), dtype=bool)
    for i in numpy.flatnonzero(rows[:, 2]).tolist():
        breaks[i] = "\n" in doc[i].text
    return words, breaks


def subject_of(
    verb: Token, max_hops: int = 4, reporting: set[int] | frozenset[int] = frozenset()
) -> tuple[Token | None, Token]:
    """The subject of ``verb``, borrowed from governing verbs when it has none.

    ``reporting`` holds the positions of reporting verbs: a participle that the
    parser hung inside a reported clause ("denied that it had misled investors,
    saying ...") belongs to the reporting verb, not to the reported clause.
    Returns the subject (or None) and the verb that owns it.
    """
    current = verb
    if (
        verb.tag_ == "VBG"
        and verb.dep_ == "advcl"
        and verb.head.dep_ == "ccomp"
        and verb.head.head.i in reporting
    ):
        current = verb.head.head
    for _ in range(max_hops):
        # the subject of an infinitive ("called for the two sides to maintain")
        # is not who speaks in a participle hanging off it ("..., while reiterating")
        infinitive = current is not verb and any(
            c.dep_ == "aux" and c.lower_ == "to" for c in current.children
        )
        for child in current.children:
            if infinitive:
                break
            if child.dep_ in ("nsubj", "csubj") or (
                child.dep_ == "nsubjpass" and current is not verb
            ):
                return child, current
        for child in current.children:
            if child.dep_ == "agent":
                for pobj in child.children:
                    if pobj.dep_ == "pobj":
                        return pobj, current
        if current.dep_ == "relcl" and current is verb:
            return None, current
        if current.dep_ == "acl" and current.head.pos_ in ("NOUN", "PROPN"):
            # "a statement saying that ...", "Romney, the nominee, tweeted": the
            # noun the participle hangs on is the source
            return current.head, current
        if current.dep_ not in SUBJECT_BRIDGES or current.head is current:
            break
        current = current.head
    return None, current


def _prep_slot(prep: Token) -> str | None:
    word = prep.lower_
    if word in PREP_SLOTS and any(c.dep_ in ("pobj", "pcomp") for c in prep.children):
        return "prep:" + word
    return None


def content_slot(cue: Token) -> tuple[str, Token | None]:
    """The slot of ``cue`` that holds its content, and the token heading it.

    Order matters: a that-clause beats an object, an object beats a
    prepositional phrase, and the governing clause ("X, he said") is the
    fallback for a verb with no complement of its own.
    """
    if cue.lower_ == "according" or (cue.lemma_ == "accord" and cue.dep_ == "prep"):
        if cue.head is cue:
            return "according", None
        clause = cue.head
        # "A won 54 percent, and B 46, according to exit polls": the source
        # vouches for the whole sentence, whichever clause the parser hung it on
        while clause.dep_ in ("conj", "ccomp", "advcl") and clause.head is not clause:
            clause = clause.head
        return "according", clause
    children = list(cue.children)
    by_dep: dict[str, Token] = {}
    for child in children:
        by_dep.setdefault(child.dep_, child)
    if "ccomp" in by_dep:
        # "The economy is strong, he said" reads differently from "he said it is"
        clause = by_dep["ccomp"]
        if clause.i > cue.i:
            return "ccomp", clause
        # "X, he said." ends with the attribution; "X, tensions continue to
        # simmer ..." goes on, and is mostly a misparsed coordination
        goes_on = any(c.i > cue.i and c.dep_ in ("xcomp", "dobj", "conj") for c in children)
        return ("ccomp<+" if goes_on else "ccomp<"), clause
    if "xcomp" in by_dep:
        return "xcomp", by_dep["xcomp"]
    for child in children:
        if child.dep_ == "advcl" and any(
            m.dep_ == "mark" and m.lower_ == "for" for m in child.children
        ):
            return "mark:for", child
    prep_slot = None
    for child in children:
        if child.dep_ == "prep" and child.i > cue.i:
            slot = _prep_slot(child)
            if slot:
                prep_slot = (slot, child)
                break
    if "dobj" in by_dep and (prep_slot is None or by_dep["dobj"].i < prep_slot[1].i):
        return "dobj", by_dep["dobj"]
    if prep_slot is not None:
        # "warned of lasting damage to supply chains": the first complement is the argument
        return prep_slot
    for dep in ("attr", "oprd", "acomp"):
        if dep in by_dep:
            return dep, by_dep[dep]
    # a coordinated verb ("tensions re-emerged and continue") never reports its sibling
    if cue.dep_ in ("parataxis", "advcl", "ccomp", "relcl") and cue.head is not cue:
        # the subordinator tells "..., as he said" from "..., if their paths diverge"
        mark = next((c.lower_ for c in children if c.dep_ == "mark"), "")
        head = cue.head
        # "Though X was seamless, he said, replacing him would be ...": the cue hangs
        # in a leading clause and the sentence goes on past it; all of it was said
        while not mark and head.dep_ in ("advcl", "ccomp") and head.head.i > cue.i:
            head = head.head
        return "^" + cue.dep_ + (":" + mark if mark else ""), head
    return "none", None
