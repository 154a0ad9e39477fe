"""Events: what happened, when, where, and whether it really did.

Triggers are verb and noun lemmas (plus a few multi-word phrases) listed per
event type in lang/<lang>/events.json. Each trigger is linked, through the
dependency parse, to the nearest time (doc._.times) and place (doc._.places) of
its sentence; its status (planned, failed, denied…) comes from the tense, mood
and the cue words around it. Mentions of the same happening are merged.
"""
from __future__ import annotations

import json
import re
from collections import Counter
from functools import lru_cache
from pathlib import Path

from .lang import resource
from .models import Event

try:  # attribution lands later; events work without it
    from .attribution import source_for as _source_for
except Exception:  # pragma: no cover - optional stage
    _source_for = None

DATA = Path(__file__).parent / "data"
CITY_LEVELS = {"city", "below_city"}
DATE_VALUE = re.compile(r"^(\d{4})(-\d{2})?(-\d{2})?")


# ----------------------------------------------------------------- resources

@lru_cache(maxsize=None)
def event_types() -> dict:
    """Language-neutral codes per sitroom event type (PLOVER, ACLED)."""
    with (DATA / "event_types.json").open(encoding="utf-8") as f:
        return json.load(f)


class Lexicon:
    """The language's trigger and cue words, prepared for fast lookup."""

    def __init__(self, lang: str):
        lex = resource(lang, "events")
        self.raw = lex
        self.lemma_type: dict[str, str] = {}
        self.form_lemma: dict[str, str] = {}
        for typ, lemmas in lex["triggers"].items():
            for lemma in lemmas:
                self.lemma_type[lemma] = typ
                self.form_lemma[lemma] = lemma
                for forms in self._inflect(lemma, lex.get("inflections", {})):
                    self.form_lemma.setdefault(forms, lemma)
                self.form_lemma.setdefault(lemma + "s", lemma)
        for form, lemma in lex.get("extra_forms", {}).items():
            if lemma in self.lemma_type:
                self.form_lemma[form] = lemma
        phrases = sorted(lex.get("phrases", {}).items(), key=lambda kv: -len(kv[0]))
        self.phrase_type = {p: t for p, t in phrases}
        self.phrase_re = re.compile(
            r"(?<!\w)(" + "|".join(re.escape(p) for p, _ in phrases) + r")(?!\w)") if phrases else None
        st = lex.get("status", {})
        self.status = {k: set(v) for k, v in st.items()}
        self.sets = {k: set(lex.get(k, [])) for k in (
            "needs_place_object", "needs_person_object", "noun_only", "verb_only", "skip_inside_entities",
            "origin_preps", "destination_preps", "origin_types", "needs_plural_or_det", "claim_verbs",
            "excluded_place_preps")}
        self.blocked = {k: set(v) for k, v in lex.get("blocked_objects", {}).items()}
        self.context = {k: set(v) for k, v in lex.get("needs_context", {}).items()}
        self.plover = lex.get("plover_by_lemma", {})
        self.default_status = lex.get("default_status", {})

    @staticmethod
    def _inflect(lemma: str, table: dict) -> list[str]:
        """Inflected forms of a lemma, from the longest ending of the table it has."""
        for ending in sorted(table, key=len, reverse=True):
            if lemma.endswith(ending):
                stem = lemma[: -len(ending)]
                if len(stem) < 2:
                    return []
                return [stem + suffix for suffix in table[ending]]
        return []

    def lemma_of(self, token) -> str | None:
        """The lexicon lemma this token stands for, if any."""
        lemma = token.lemma_.lower()
        if lemma in self.lemma_type:
            return lemma
        return self.form_lemma.get(token.lower_)


@lru_cache(maxsize=None)
def lexicon(lang: str) -> Lexicon:
    return Lexicon(lang)


# ------------------------------------------------------------------ helpers

def _distance(a, b) -> int:
    """Number of dependency edges between two tokens of the same sentence."""
    chain = {t.i: n for n, t in enumerate([a, *a.ancestors])}
    for n, t in enumerate([b, *b.ancestors]):
        if t.i in chain:
            return n + chain[t.i]
    return 99


def _root(doc, start: int, end: int):
    span = doc.char_span(start, end, alignment_mode="expand")
    return span.root if span is not None and len(span) else None


def _segment_key(text, sent, token) -> tuple[int, int]:
    """The sentence and the line a token lies in (titles are lines of their own)."""
    return sent.start, text.count("\n", sent.start_char, token.idx)


def _is_heading(text, segment, lex) -> bool:
    """A title or subheading: a line that does not end like a sentence."""
    end = text.find("\n", segment.start_char)
    line = text[segment.start_char: end if end != -1 else len(text)].rstrip()
    return bool(line) and line[-1] not in lex.raw.get("sentence_end", ".")


def _segment(doc, text, token, sent):
    """The part of the token's sentence that lies on the token's line."""
    lo = text.rfind("\n", sent.start_char, token.idx) + 1 or sent.start_char
    hi = text.find("\n", token.idx, sent.end_char)
    span = doc.char_span(max(lo, sent.start_char), hi if hi != -1 else sent.end_char, alignment_mode="expand")
    return span if span is not None and len(span) else sent


def _day(value: str | None) -> str | None:
    """A TIMEX3 value reduced to the day or coarser ISO date, else None."""
    if not value:
        return None
    m = DATE_VALUE.match(value)
    if not m:
        return None
    return "".join(g for g in m.groups() if g)


def _clause_words(token) -> set[str]:
    """Lemmas and forms of the trigger, its governors up to the clause root, and their dependents."""
    words = set()
    for t in [token, *token.ancestors]:
        words.add(t.lemma_.lower())
        words.add(t.lower_)
        for c in t.children:
            words.add(c.lemma_.lower())
            words.add(c.lower_)
    return words


# ------------------------------------------------------------------ triggers

def _phrase_triggers(doc, text, lex: Lexicon) -> tuple[list, set[int]]:
    """Multi-word triggers (and blocked phrases): [(token, type, text)], covered token ids."""
    found, covered = [], set()
    if lex.phrase_re is None:
        return found, covered
    for m in lex.phrase_re.finditer(text.lower().replace("’", "'")):
        span = doc.char_span(m.start(), m.end(), alignment_mode="expand")
        if span is None or not len(span):
            continue
        covered.update(t.i for t in span)
        typ = lex.phrase_type.get(m.group(1))
        if typ:
            found.append((span.root if span.root.pos_ != "ADP" else span[0], typ, span.text))
    return found, covered


def _place_roots(doc) -> dict[int, object]:
    """Token index -> place for every token inside a place mention."""
    out = {}
    for place in doc._.places or []:
        span = doc.char_span(place.start, place.end, alignment_mode="expand")
        if span is not None:
            for t in span:
                out[t.i] = place
    return out


def _acceptable(token, lemma: str, lex: Lexicon, place_tokens: dict) -> bool:
    """Whether a token bearing a trigger lemma really names a happening here."""
    if token.pos_ in ("PROPN", "DET", "ADP", "PRON", "PUNCT", "NUM"):
        return False
    if token.ent_type_ in lex.sets["skip_inside_entities"]:
        return False
    if lemma in lex.sets["noun_only"] and token.pos_ not in ("NOUN",):
        return False
    if lemma in lex.sets["verb_only"] and token.pos_ not in ("VERB", "ADJ", "AUX"):
        return False
    if lemma in lex.context:
        near = {c.lemma_.lower() for c in token.children} | {c.lower_ for c in token.children}
        if not near & lex.context[lemma]:
            return False
    objects = [c for c in token.children if c.dep_ in ("obj", "nmod", "obl:arg", "nsubj:pass", "obl")]
    if lemma in lex.blocked and any(o.lemma_.lower() in lex.blocked[lemma] for o in objects):
        return False
    if lemma in lex.sets["needs_place_object"]:
        heads = [o for o in objects if o.dep_ in ("obj", "nmod", "nsubj:pass")]
        reach = heads + [c for o in heads for c in o.children
                         if c.dep_ in ("nmod", "flat:name", "appos") and _prep(c) in ("de", "d'", "")]
        if not any(t.i in place_tokens for t in reach):
            return False
    if lemma in lex.sets["needs_person_object"]:
        if token.pos_ == "VERB" and not objects and token.dep_ not in ("acl", "amod", "advcl"):
            return False
    if lemma in lex.sets["claim_verbs"] and not _is_claim(token):
        return False
    if lemma in lex.sets["needs_plural_or_det"] and token.pos_ == "NOUN":
        if "Plur" not in token.morph.get("Number") and not any(c.dep_ == "det" for c in token.children):
            return False
    return True


def _is_claim(token) -> bool:
    """A reporting verb that makes a claim: finite, with a speaker, giving no count."""
    if token.pos_ != "VERB" or token.dep_ in ("acl", "amod", "acl:relcl"):
        return False
    if any(c.dep_.startswith("expl") for c in token.children):
        return False
    if not any(c.dep_ in ("nsubj", "obl:agent") and c.lower_ != "on" for c in token.children):
        return False
    return not any(t.like_num or t.pos_ == "NUM" for t in token.subtree)


def _triggers(doc, text, lex: Lexicon) -> list[tuple]:
    """[(token, type, lemma-or-phrase)] in text order, one per trigger token."""
    found, covered = _phrase_triggers(doc, text, lex)
    place_tokens = _place_roots(doc)
    for token in doc:
        if token.i in covered or token.i in place_tokens:
            continue
        lemma = lex.lemma_of(token)
        if lemma and _acceptable(token, lemma, lex, place_tokens):
            found.append((token, lex.lemma_type[lemma], lemma))
    found.sort(key=lambda f: f[0].i)
    return found


# ------------------------------------------------------------------ linking

def _anchors(doc, items, sent) -> list[tuple]:
    """(item, root token) for items whose text lies in the sentence."""
    out = []
    for item in items:
        if item.start >= sent.start_char and item.end <= sent.end_char:
            root = _root(doc, item.start, item.end)
            if root is not None:
                out.append((item, root))
    return out


def _nearest(trigger, anchors, rivals, bonus=None):
    """The anchored item closest to the trigger that no rival trigger is strictly closer to."""
    best, best_key = None, None
    for item, root in anchors:
        d = _distance(trigger, root)
        if any(_distance(r, root) < d for r in rivals):
            continue
        key = (d - (bonus(item, root) if bonus else 0), abs(trigger.i - root.i))
        if best_key is None or key < best_key:
            best, best_key = item, key
    return best


def _prep(root) -> str:
    cases = [c.lower_ for c in root.children if c.dep_ == "case"]
    return cases[0] if cases else ""


def _date_for(trigger, times, rivals) -> tuple[str | None, object]:
    usable = [(t, r) for t, r in times if t.type in ("DATE", "TIME") and _day(t.value)]
    time = _nearest(trigger, usable, rivals)
    return (_day(time.value) if time else None), time


def _place_for(trigger, typ, places, rivals, lex: Lexicon):
    usable = [(p, r) for p, r in places if p.level not in ("continent", "water") and (p.name or p.country)
              and (typ == "statement" or _prep(r) not in lex.sets["excluded_place_preps"])]

    def bonus(place, root):
        prep = _prep(root)
        b = 0.5 if place.level in CITY_LEVELS else 0
        if typ in lex.sets["origin_types"]:
            b += 1 if prep in lex.sets["origin_preps"] else -1 if prep in lex.sets["destination_preps"] else 0
        return b

    return _nearest(trigger, usable, rivals, bonus)


def _main_places(doc) -> tuple[object, str | None]:
    """The report's most-mentioned city and most-mentioned country."""
    places = doc._.places or []
    cities = Counter(p.name for p in places if p.level == "city" and p.name and not p.within)
    countries = Counter(p.country for p in places if p.country)
    city = None
    if cities:
        name = cities.most_common(1)[0][0]
        city = next(p for p in places if p.name == name)
    return city, (countries.most_common(1)[0][0] if countries else None)


# ------------------------------------------------------------------ status

def _status(trigger, typ, time, sent, lex: Lexicon, doc_date) -> str:
    st = lex.status
    words = _clause_words(trigger)
    sent_words = {t.lemma_.lower() for t in sent} | {t.lower_ for t in sent}
    time_words = set(time.text.lower().split()) if time is not None else set()
    chain = [trigger, *trigger.ancestors]
    if typ != "statement" and sent_words & st["denial_words"] and not (
            trigger.lemma_.lower() in st["denial_words"]):
        return "denied"
    negated = any(c.lower_ in st["negation"] for t in chain[:3] for c in t.children)
    if words & st["failure_words"] or (negated and {t.lemma_.lower() for t in chain[:3]} & st["failure_if_negated"]):
        return "failed"
    if words & st["hypothetical_words"] or ("Cnd" in trigger.morph.get("Mood") and
                                            {c.lemma_.lower() for c in trigger.children} & st["hypothetical_modal"]):
        return "hypothetical"
    future = any("Fut" in t.morph.get("Tense") or "Cnd" in t.morph.get("Mood")
                 for t in chain[:3] for t in [t, *[c for c in t.children if c.pos_ == "AUX"]])
    date = _day(time.value) if time is not None else None
    window = {t.lower_ for t in sent if abs(t.i - trigger.i) <= 12}
    if (future or time_words & st["planning_words"] or (words | window) & st["planning_words"]
            or {t.lemma_.lower() for t in chain[1:4]} & st["planning_verbs"]
            or (date and doc_date and len(date) == 10 and date > doc_date)):
        return "planned"
    if time_words & st["ongoing_words"] or words & st["ongoing_words"]:
        return "ongoing"
    return lex.default_status.get(typ, "occurred")


# ------------------------------------------------------------------ roles

def _role_text(token, actors) -> str | None:
    for actor in actors:
        if actor.start <= token.idx < actor.end:
            return actor.name
    words = [t for t in token.subtree if t.dep_ not in ("punct",)]
    text = token.doc[words[0].i: words[-1].i + 1].text if words else token.text
    return text if len(text) <= 80 else token.text


def _roles(trigger, actors) -> tuple[str | None, str | None]:
    agent = target = None
    for c in trigger.children:
        if c.dep_ in ("nsubj", "obl:agent") and agent is None:
            agent = _role_text(c, actors)
        elif c.dep_ in ("obj", "nsubj:pass") and target is None:
            target = _role_text(c, actors)
    return agent, target


def _speaker_country(doc, trigger, actors) -> str | None:
    """Country of who speaks: an actor in the subject phrase, else a country-level place there."""
    subj = [c for c in trigger.children if c.dep_ in ("nsubj", "obl:agent")]
    span_tokens = [t for s in subj for t in s.subtree] or [trigger]
    lo, hi = min(t.idx for t in span_tokens), max(t.idx + len(t) for t in span_tokens)
    for actor in actors:
        if actor.country and lo <= actor.start < hi:
            return actor.country
    for place in doc._.places or []:
        if place.country and lo <= place.start < hi:
            return place.country
    return None


# ------------------------------------------------------------------ main

def find(doc, lang: str) -> list[Event]:
    """The events the report describes, one per distinct happening."""
    try:
        return _find(doc, lang)
    except Exception:  # never let one odd document break the pipeline
        return []


def _find(doc, lang: str) -> list[Event]:
    if not len(doc):
        return []
    lex = lexicon(lang)
    codes = event_types()
    times_all = doc._.times or []
    places_all = doc._.places or []
    actors = doc._.actors or []
    figures = doc._.figures or []
    doc_date = doc._.date
    main_city, main_country = _main_places(doc)
    events: list[Event] = []
    headings: list[bool] = []
    text = doc.text
    triggers = _triggers(doc, text, lex)
    sents = {t.i: s for s in doc.sents for t in s} if triggers else {}
    by_segment: dict[tuple, list] = {}
    for trig in triggers:
        by_segment.setdefault(_segment_key(text, sents[trig[0].i], trig[0]), []).append(trig)
    for trigs in by_segment.values():
        sent = _segment(doc, text, trigs[0][0], sents[trigs[0][0].i])
        times = _anchors(doc, times_all, sent)
        places = _anchors(doc, places_all, sent)
        tokens = [t for t, _, _ in trigs]
        heading = _is_heading(text, sent, lex)
        seen_statement = False
        for token, typ, lemma in trigs:
            rivals = [t for t in tokens if t is not token]
            date, time = _date_for(token, times, rivals)
            status = "occurred" if typ == "statement" else _status(token, typ, time, sent, lex, doc_date)
            place = _place_for(token, typ, places, rivals, lex)
            if typ == "statement":
                if seen_statement:
                    continue
                seen_statement = True
                name, country = _statement_place(doc, token, place, actors, main_country)
            else:
                name, country = _event_place(place, main_city, main_country)
            guessed = date is None
            if guessed and status in ("occurred", "ongoing", "failed", "denied") and doc_date:
                date = doc_date
            agent, target = _roles(token, actors)
            lat = lon = None
            if place is not None and name == place.name:
                lat, lon = place.lat, place.lon
            elif name and main_city is not None and name == main_city.name:
                lat, lon = main_city.lat, main_city.lon
            headings.append((heading, guessed))
            events.append(Event(
                type=typ, trigger=token.text if " " not in lemma else lemma,
                start=token.idx, end=token.idx + len(token), sentence=sent.text.strip(), date=date,
                place=name, country=country, lat=lat, lon=lon, status=status, agent=agent, target=target,
                figures=_figures_for(doc, token, figures, rivals, sent),
                plover=lex.plover.get(lemma) or codes.get(typ, {}).get("plover"),
                acled=codes.get(typ, {}).get("acled")))
    body = {(ev.type, ev.place or ev.country) for ev, (h, _) in zip(events, headings) if not h}
    kept = [(ev, g) for ev, (h, g) in zip(events, headings)
            if not h or (ev.type, ev.place or ev.country) not in body]
    merged = _merge(kept)
    for ev in merged:
        ev.attribution = _attribution(doc, ev.start, ev.end, lang)
    return merged


def _event_place(place, main_city, main_country):
    if place is not None and place.level in CITY_LEVELS and place.name:
        return place.name, place.country
    if place is not None and place.country:
        return None, place.country
    if main_city is not None:
        return main_city.name, main_city.country
    return None, main_country


def _statement_place(doc, token, place, actors, main_country):
    """A statement's place only when the text puts the speaker or the speaking there."""
    country = _speaker_country(doc, token, actors)
    if place is not None and place.level in CITY_LEVELS and place.name:
        root = _root(doc, place.start, place.end)
        said = {t.i for c in token.children if c.dep_ in ("obj", "ccomp", "xcomp") for t in c.subtree}
        if root is not None and root.i not in said and _distance(token, root) <= 2:
            return place.name, place.country or country
    return None, country or main_country


def _figures_for(doc, token, figures, rivals, sent) -> list[int]:
    out = []
    for n, fig in enumerate(figures):
        if sent.start_char <= fig.start < sent.end_char:
            root = _root(doc, fig.start, fig.end)
            if root is not None and not any(_distance(r, root) < _distance(token, root) for r in rivals):
                out.append(n)
    return out


def _attribution(doc, start: int, end: int, lang: str) -> str | None:
    """Who the report attributes the event to, when the attribution stage is there."""
    if _source_for is None:
        return None
    try:
        return _source_for(doc, start, end, lang)
    except Exception:
        return None


def _merge(events: list[tuple[Event, bool]]) -> list[Event]:
    """One event per type + date + place; a mention with a guessed date joins an event
    of the same type and place; statements are kept apart."""
    kept: list[Event] = []
    index: dict[tuple, Event] = {}
    by_place: dict[tuple, Event] = {}
    for ev, guessed in sorted(events, key=lambda eg: eg[1]):
        if ev.type == "statement":
            kept.append(ev)
            continue
        where = (ev.type, ev.place or ev.country)
        first = by_place.get(where) if guessed else index.get((ev.type, ev.date, where))
        if first is not None:
            first.figures = sorted(set(first.figures) | set(ev.figures))
            continue
        index[(ev.type, ev.date, where)] = ev
        by_place.setdefault(where, ev)
        kept.append(ev)
    kept.sort(key=lambda ev: ev.start)
    return kept
