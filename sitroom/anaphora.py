"""Who an anaphoric speaker is, and the fullest form of a person's name.

A demonstrative or bare definite description ("ce responsable", "la porte-parole", "le
même officier") refers back to the nearest earlier mention with the same head noun (a
definite one only when that mention is named: "les militaires" may be a first mention);
"ce dernier" to the nearest earlier noun or name that agrees with it; "le même officier"
or "ce responsable" with no earlier officer or official to the nearest named person; "le premier
témoin" to the earliest. A mention that a name identifies ("le médecin X", "X, porte-parole
de …", "X, le directeur de …") stands for that name. A name takes its fullest form in the
report ("M. Dupont" -> "Jean Dupont"). Words come from lang/<lang>/reporting.json.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from spacy.tokens import Span, Token

from . import attribution as attr
from .lang import resource

_WINDOW = 400              # tokens searched back for an antecedent
_MAX_DEPTH = 3


@lru_cache(maxsize=None)
def _words(lang: str) -> dict:
    r = resource(lang, "reporting")["anaphora"]
    return {k: frozenset(v) if isinstance(v, list) else v for k, v in r.items() if not k.startswith("_")}


def antecedent(head: Token | None, lang: str, depth: int = 0) -> Token | None:
    """The token a speaker's head stands for: its antecedent's name or head, else itself."""
    if head is None or depth > _MAX_DEPTH:
        return head
    mode = _anaphoric(head, lang)
    if mode is None:
        return named(head, lang)
    found = _search(head, mode, lang)
    if found is None and mode == "same" and _demonstrative(head, lang):
        found = _search(head, "person", lang)
    if found is None:
        return head
    found = antecedent(found, lang, depth + 1)
    if mode == "same" and not _demonstrative(head, lang) and not _is_named(found):
        return head                   # "les militaires" stays itself unless a name was found
    return found


def _is_named(tok: Token) -> bool:
    return tok.pos_ == "PROPN" or tok.ent_type_ == "PER" or attr.name_in(tok) is not None


def _anaphoric(head: Token, lang: str) -> str | None:
    """"latest" ("ce dernier"), "first" ("le premier témoin"), "same" (same head noun), or None."""
    w = _words(lang)
    if head.pos_ not in ("NOUN", "ADJ", "PRON") or head.ent_type_ in ("PER", "ORG"):
        return None
    dets = [ch for ch in head.children if ch.dep_ == "det" and ch.i < head.i]
    demonstrative = _demonstrative(head, lang)
    definite = demonstrative or any("Def" in d.morph.get("Definite") for d in dets)
    if head.lower_ in w["latest"] and (demonstrative or head.pos_ == "PRON"):
        return "latest"
    if head.pos_ != "NOUN" or not definite or not attr.is_agentive(head, lang):
        return None
    mods = [ch for ch in head.children if ch.i > head.i and ch.dep_ in ("nmod", "appos", "acl", "flat:name")]
    adjectives = {ch.lower_ for ch in head.children if ch.dep_ in ("amod", "advmod") or ch.pos_ == "ADJ"}
    if adjectives & w["first"]:
        return "first"
    if demonstrative or adjectives & w["same"] or not mods:
        return "same"
    return None


def _demonstrative(head: Token, lang: str) -> bool:
    """"ce responsable", "le même officier": a description that must point back."""
    w = _words(lang)
    return any(ch.dep_ == "det" and ch.i < head.i and ("Dem" in ch.morph.get("PronType") or ch.lower_ in w["demonstratives"])
               or ch.lower_ in w["same"] for ch in head.children)


def _search(head: Token, mode: str, lang: str) -> Token | None:
    doc = head.doc
    regions = attr.quote_regions(doc, lang)
    lemma = head.lemma_.lower()
    found = None
    for k in range(head.i - 1, max(-1, head.i - _WINDOW), -1):
        cand = doc[k]
        if attr._in_regions(cand.idx, regions) or cand.i in {t.i for t in head.subtree}:
            continue
        if mode == "latest":
            if _mention(cand, lang, agentive=False) and _agrees(cand, head):
                return cand
        elif mode == "person":
            if cand.ent_type_ == "PER" and _mention(cand, lang) and _agrees(cand, head):
                return cand
        elif cand.pos_ == "NOUN" and (cand.lemma_.lower() == lemma or cand.lower_ == head.lower_):
            if mode == "same":
                return cand
            found = cand
    return found


def _mention(tok: Token, lang: str, agentive: bool = True) -> bool:
    """A name's head or a noun (an agentive one if asked), not a place."""
    if tok.ent_type_ in ("LOC", "GPE") or attr._is_place(tok, tagged=False):
        return False
    if tok.pos_ == "PROPN":
        return tok.dep_ not in ("flat:name", "flat") and tok.ent_iob_ != "I"
    return tok.pos_ == "NOUN" and (not agentive or attr.is_agentive(tok, lang))


def _agrees(cand: Token, head: Token) -> bool:
    for feature in ("Number", "Gender"):
        want, have = _feature(head, feature), _feature(cand, feature)
        if feature == "Gender" and cand.pos_ == "PROPN":
            continue
        if want and have and want != have:
            return False
    return True


def _feature(tok: Token, feature: str) -> str | None:
    """A noun's number or gender, from its determiner first (the tagger errs on nouns like "porte-parole")."""
    for ch in tok.children:
        if ch.dep_ == "det" and ch.morph.get(feature):
            return ch.morph.get(feature)[0]
    values = tok.morph.get(feature)
    return values[0] if values else None


def named(tok: Token, lang: str) -> Token:
    """The name a description's mention gives its referent: "X, porte-parole" / "X, le
    directeur de …" / "le porte-parole, le colonel X" -> X; else the token ("le médecin X"
    is read by attribution.name_in)."""
    if tok.pos_ != "NOUN":
        return tok
    if tok.dep_ == "appos" and tok.head.pos_ == "PROPN" and tok.head.i < tok.i:
        return tok.head
    for ch in tok.children:                # "le porte-parole de l'armée, le colonel X"
        if ch.dep_ == "appos" and ch.i > tok.i and ch.pos_ == "NOUN" and tok.doc[ch.left_edge.i - 1].text == ",":
            name = attr.name_in(ch)
            if name is not None and tok.doc[name[0]].ent_type_ == "PER":
                return tok.doc[name[0]]
    left = _left_name(tok)
    return left if left is not None else tok


def _left_name(tok: Token) -> Token | None:
    """"Jean Dupont, le directeur de …": a person's name set off by a comma just before the phrase."""
    doc = tok.doc
    i = tok.left_edge.i
    if i < 2 or doc[i - 1].text != ",":
        return None
    k = i - 2
    if doc[k].ent_type_ != "PER" or doc[k].ent_iob_ == "B" and k + 1 < len(doc) and doc[k + 1].ent_iob_ == "I":
        return None
    while k > 0 and doc[k].ent_iob_ == "I":
        k -= 1
    return doc[k] if doc[k].ent_type_ == "PER" and doc[k].text[:1].isupper() else None


# --------------------------------------------------------------------------- name forms

def full_name(span: Span, lang: str) -> Span:
    """The fullest form the report gives a person's name ("M. Dupont" -> "Jean Dupont")."""
    if not _is_name(span):
        return span
    doc = span.doc
    bare = _strip_title(span.text, lang)
    key = _fold(bare)
    if not key:
        return span
    best = None
    for cand in _names(doc):
        text = _fold(cand.text)
        if not text.endswith(" " + key):
            continue
        if best is None or len(cand.text) > len(best.text):
            best = cand
    if best is not None:
        return best
    if bare != span.text:
        start = span.start_char + span.text.rfind(bare)
        return doc.char_span(start, start + len(bare), alignment_mode="expand") or span
    return span


def _is_name(span: Span) -> bool:
    words = [t for t in span if not t.is_punct]
    return bool(words) and all(t.ent_type_ == "PER" or t.pos_ == "PROPN" for t in words) and \
        all(t.ent_type_ not in ("ORG", "LOC", "GPE", "MISC") for t in words)


def _strip_title(text: str, lang: str) -> str:
    titles = "|".join(re.escape(t) for t in sorted(_words(lang)["titles"], key=len, reverse=True))
    return re.sub(rf"^(?:{titles})(?:\.\s*|\s+)", "", text).strip()


def _names(doc) -> list[Span]:
    """Person mentions: PER entities and runs of proper nouns."""
    spans = [e for e in doc.ents if e.label_ == "PER"]
    k = 0
    while k < len(doc):
        if doc[k].pos_ == "PROPN":
            j = k
            while j + 1 < len(doc) and (doc[j + 1].pos_ == "PROPN" or doc[j + 1].lower_ in ("de", "al", "el", "-")
                                        and j + 2 < len(doc) and doc[j + 2].pos_ == "PROPN"):
                j += 1
            spans.append(doc[k:j + 1])
            k = j + 1
        else:
            k += 1
    return spans


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFD", text.lower().replace("’", "'"))
    return " ".join("".join(c for c in text if not unicodedata.combining(c)).split())
