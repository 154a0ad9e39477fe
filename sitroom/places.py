"""Places: toponyms found in the text and resolved to GeoNames.

Candidates are token n-grams that name a place in the language's lexicon (countries,
exonyms, regions, seas) or, when they look like a name, in the gazetteer. Each one is
resolved in the light of the report: countries and cities it mentions pull ambiguous
names (Tripoli) towards them, then population decides. Geographic phrases ("province
d'Alep", "le nord syrien", "Alep-Est") resolve to the division, country or city they
name; a neighbourhood or site the gazetteer does not know, which the text places in a
city ("le quartier de X", "le camp de X, à Y"), resolves to that city.
"""
from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

from spacy.tokens import Doc, Span, Token

from .gazetteer import Entry, gazetteer, key, km
from .lang import resource
from .models import Place
from .tokens import where

MAX_NGRAM = 6
NAME_LABELS = {"LOC", "GPE"}
FINE = ("city", "below_city")
NEIGHBOURHOOD_KM = 15.0        # a named neighbourhood lies at most this far from its city's point
HOST_FACTOR = 3                # and its city is at least this many times more populous
FAR_KM = 50.0                  # a neighbourhood's namesake this far from the text's city is another place
HOME_BEATS = 1_000_000         # a foreign namesake this populous still wins over a town of the report's country


# ---------------------------------------------------------------- the language's lexicon

@dataclass
class Lexicon:
    names: dict[str, list[tuple[str, str | None]]]    # key → [(English name, country)]
    adjectives: dict[str, str]                        # key of a country adjective → ISO2
    words: dict[str, frozenset[str]]                  # word lists, lowercased
    not_places: frozenset[str]
    first_words: frozenset[str] = frozenset()
    max_words: int = 1
    endings: tuple = ()


@lru_cache(maxsize=None)
def lexicon(lang: str) -> Lexicon:
    """The language's place knowledge (sitroom/lang/<lang>/places.json), keyed for lookup."""
    data = resource(lang, "places")
    names: dict[str, list] = {}
    for iso, c in data["countries"].items():
        for n in c["names"]:
            names.setdefault(key(n), []).append(("", iso))
    for n, (english, country) in data["names"].items():
        names.setdefault(key(n), []).append((english, country))
    adjectives = {key(a): iso for iso, c in data["countries"].items() for a in c["adjectives"]}
    words = {k: frozenset(w.lower() for w in v) for k, v in data.items()
             if isinstance(v, list) and all(isinstance(w, str) for w in v)}
    first = frozenset(k.split()[0] for k in names)
    longest = max(len(k.split()) for k in names)
    endings = tuple(tuple(pair) for pair in data.get("spelling_endings", ()))
    return Lexicon(names, adjectives, words, frozenset(key(w) for w in data["not_places"]), first, longest, endings)


@lru_cache(maxsize=4096)
def _country(iso: str) -> Entry | None:
    return next((e for e in _countries() if e.country == iso), None)


@lru_cache(maxsize=1)
def _countries() -> tuple[Entry, ...]:
    db = gazetteer()._db()
    return tuple(Entry(*r) for r in db.execute("SELECT * FROM place WHERE level = 'country'"))


def _lexicon_entries(lex: Lexicon, k: str) -> list[Entry]:
    out = []
    for english, country in lex.names.get(k, ()):
        if not english:
            e = _country(country)
        elif country is None:       # a region across countries, before a town of its name ("Middle East")
            e = next((h for h in gazetteer().lookup(english) if h.country is None and key(h.name) == key(english)),
                     None) or gazetteer().find(english)
        else:
            e = gazetteer().find(english, country)
        if e is not None:
            out.append(e)
    return out


# ---------------------------------------------------------------- candidate mentions

@dataclass
class Mention:
    span: Span
    entries: list[Entry]
    source: str                       # lexicon | exact | loose | none
    evidence: set[str] = field(default_factory=set)
    choice: Entry | None = None
    within: str | None = None
    keep: bool = True
    host: Entry | None = None         # the city a named neighbourhood lies in (for an unknown name: its region)


def _capitalised(t: Token) -> bool:
    return t.text[:1].isupper() and any(c.isalpha() for c in t.text)


def _name_prefix(doc: Doc, i: int) -> bool:
    """A capital letter and apostrophe glued to a capitalised word ("N'Djamena", "N'Zérékoré"):
    part of a name, not an elided function word, which would be lower-case or stand alone."""
    t = doc[i]
    return (len(t.text) == 2 and t.text[0].isupper() and t.text[1] in "'’" and not t.whitespace_
            and i + 1 < len(doc) and _capitalised(doc[i + 1]))


def _variants(k: str, lex: Lexicon) -> list[str]:
    """A name key, and the same without a leading article ('la turquie' → 'turquie')."""
    head, _, rest = k.partition(" ")
    if rest and head in lex.words["articles"]:
        return [k, rest]
    for a in lex.words["elided_prefixes"]:
        if k.startswith(a) and len(k) > len(a) + 1:
            return [k, k[len(a):]]
    return [k]


def _lookup(k: str, lex: Lexicon, namelike: bool) -> tuple[list[Entry], str]:
    """Gazetteer entries for a name key, and how they were found."""
    gaz = gazetteer()
    variants = _variants(k, lex)
    if any(v in lex.not_places or v in lex.adjectives and v not in lex.names for v in variants):
        return [], "none"
    for v in variants:
        hits = _lexicon_entries(lex, v)
        if hits:
            return hits, "lexicon"
    if namelike:
        for v in variants:
            hits = list(gaz.lookup(v))
            if hits:
                return hits, "exact"
        hits = list(gaz.lookup_loose(k))
        if hits:
            return hits, "loose"
    return [], "none"


def _runs(tokens: list[Token], caps: list[bool], connectors: frozenset[str]) -> list[int]:
    """For each token, the end of the run of capitalised words (joined by connectors) it is in."""
    ends, end = [0] * len(tokens), len(tokens)
    for i in range(len(tokens) - 1, -1, -1):
        t = tokens[i]
        joins = (t.lower_ in connectors or t.text == "-") and end > i + 1
        if not (caps[i] or joins):
            ends[i] = end = i
            continue
        if "\n" in t.whitespace_:
            end = i + 1
        ends[i] = end
    return ends


def _whole_name(span: Span, run_end: int, lex: Lexicon) -> bool:
    """The span is not a piece of a longer proper name ('Hassan' in 'Hassan Cham')."""
    doc, w = span.doc, lex.words
    common = w["org_nouns"] | w["neighbourhood_nouns"] | w["settlement_nouns"] | w["admin_nouns"]
    outside = [doc[j] for j in range(span.end, run_end)]
    for n, t in enumerate(outside):     # "Kaboul en Afghanistan": a place, then the country it lies in
        if t.lower_ in w["name_connectors"] and key(doc[t.i + 1:run_end].text) in lex.names:
            outside = outside[:n]
            break
    j = span.start - 1
    if j >= 0 and doc[j].lower_ in w["of_connectors"]:
        j = -1                       # "l'usine Zenit de Kherson": a name of its own after "de"
    while j >= 0 and (_capitalised(doc[j]) or doc[j].lower_ in w["name_connectors"]) and "\n" not in doc[j].whitespace_:
        outside.append(doc[j])
        j -= 1
    return all(t.lower_ in w["name_connectors"] or t.lower_ in common or t.is_sent_start and t.is_stop
               or t.pos_ not in ("PROPN", "X") for t in outside)


def _ngram_key(keys: list[str], i: int, j: int) -> str:
    return " ".join(k for k in keys[i:j] if k).replace("' ", "'")


def _ngrams(doc: Doc, lex: Lexicon) -> list[Mention]:
    """Longest lexicon or gazetteer matches, left to right, without overlaps.

    Token facts are read once into lists: spaCy builds a new Token object at every doc[i]."""
    connectors, articles = lex.words["name_connectors"], lex.words["articles"]
    tokens = list(doc)
    caps = [_capitalised(t) for t in tokens]
    run_ends = _runs(tokens, caps, connectors)
    keys = [key(t.text) for t in tokens]
    lowers = [t.lower_ for t in tokens]
    breaks = [("\n" in t.text) or (t.is_punct and t.text != "-") for t in tokens]

    def namelike(a: int, b: int) -> bool:       # _looks_like_name on token indexes, no Span built
        return (caps[a] and caps[b - 1] and not any(c.isdigit() for j in range(a, b) for c in tokens[j].text)
                and all(caps[j] or lowers[j] in connectors for j in range(a + 1, b - 1)))

    mentions, i = [], 0
    while i < len(tokens):
        t = tokens[i]
        capital = caps[i]
        stop = t.is_stop and lowers[i] not in articles
        if breaks[i] or not (capital or keys[i] in lex.first_words or keys[i] in articles) or \
                (stop and (not capital or t.pos_ in ("ADP", "DET", "PRON", "CCONJ", "SCONJ", "ADV"))
                 and not _name_prefix(doc, i)):
            i += 1
            continue
        found = None
        longest = max(run_ends[i] - i, lex.max_words + 1)
        for n in range(min(MAX_NGRAM, longest, len(tokens) - i), 0, -1):
            if any(breaks[i:i + n]):
                continue
            k = _ngram_key(keys, i, i + n)
            entries, source = _lookup(k, lex, False)
            if entries and _case_ok(doc[i:i + n]):
                found = Mention(doc[i:i + n], entries, source)
                break
            if not capital and keys[i] not in articles:
                continue
            first = i + 1 if n > 1 and keys[i] in articles else i
            if not namelike(first, i + n):
                continue
            span, name = doc[i:i + n], doc[first:i + n]
            if _acronym(name) or not _whole_name(name, run_ends[i], lex) or _common_noun(name, lex):
                continue
            entries, source = _lookup(k, lex, True)
            if source == "loose" and name.end != run_ends[i]:
                continue
            if entries:
                found = Mention(span, entries, source)
                break
        if found:
            mentions.append(found)
            i = found.span.end
        else:
            i += 1
    return mentions


def _common_noun(span: Span, lex: Lexicon) -> bool:
    """'Union', 'Conseil', 'Quartier': a capitalised common noun, not a name."""
    w = lex.words
    if len(span) == 1 and span[0].pos_ == "NOUN" and span[0].ent_type_ not in NAME_LABELS:
        return True
    return len(span) == 1 and span[0].lower_ in (w["org_nouns"] | w["neighbourhood_nouns"] | w["settlement_nouns"]
                                                 | w["admin_nouns"] | w["geo_nouns"] | w["directions"])


def _acronym(span: Span) -> bool:
    text = span.text
    return len(text) <= 2 or (text.isupper() and len(text) <= 5)


def _case_ok(span: Span) -> bool:
    """A lexicon name written with a capital where names take one (not 'manche', 'tigre')."""
    return any(_capitalised(t) for t in span)


# ---------------------------------------------------------------- evidence and filters

def _prev_words(span: Span, n: int = 4) -> list[Token]:
    doc = span.doc
    return [doc[j] for j in range(max(span.start - n, span.sent.start), span.start)]


def _cue(span: Span, words: frozenset[str], lex: Lexicon) -> Token | None:
    """A noun of `words` that governs the span ('le quartier de X', 'les camps de X et de Y')
    or stands in apposition to it ('X, quartier sous contrôle…')."""
    head = span.root
    for _ in range(4):
        if head.head is head:
            break
        if head.dep_ not in ("nmod", "conj", "appos", "flat:name", "obl", "obl:mod", "nmod:poss", "compound"):
            break
        head = head.head
        if head.lemma_.lower() in words or head.lower_ in words:
            return head
    for child in span.root.children:
        if child.dep_ == "appos" and (child.lemma_.lower() in words or child.lower_ in words):
            return child
    prev = _prev_words(span, 3)
    if len(prev) >= 2 and prev[-1].lower_ in lex.words["of_connectors"] and \
            (prev[-2].lower_ in words or prev[-2].lemma_.lower() in words):
        return prev[-2]
    if len(span) > 1 and (span[0].lower_ in words or span[0].lemma_.lower() in words):
        return span[0]
    return None


def _evidence(m: Mention, lex: Lexicon) -> None:
    span, w = m.span, lex.words
    labels = {t.ent_type_ for t in span}
    if labels & NAME_LABELS:
        m.evidence.add("ner")
    if "PER" in labels:
        m.evidence.add("per")
    if key(span.text) in _person_parts(span.doc):
        m.evidence.add("person_name")
    if labels & {"ORG", "MISC"}:
        m.evidence.add("org")
    prev = _prev_words(span, 3)
    if len(prev) >= 2 and prev[-1].lower_ in w["of_connectors"] and \
            prev[-2].lower_ in w["locative_before_de"]:
        m.evidence.add("prep")
    if len(prev) == 3 and prev[-1].lower_ in w["articles"] and prev[-2].lower_ in w["of_before_article"] and \
            prev[-3].lower_ in w["locative_before_de"]:
        m.evidence.add("prep")
    prev = prev[-2:]
    if prev and (prev[-1].lower_ in w["locative_words"] or
                 (len(prev) == 2 and prev[-1].lower_ in w["articles"] and prev[-2].lower_ in w["locative_words"])):
        m.evidence.add("prep")
    if prev and (prev[-1].lower_ in w["person_titles"] or prev[-1].lemma_.lower() in w["person_titles"]):
        m.evidence.add("title")
    if any(t.pos_ == "PROPN" for t in span):
        m.evidence.add("propn")
    if _cue(span, w["admin_nouns"], lex) is not None:
        m.evidence.add("admin")
    if _cue(span, w["settlement_nouns"] | w["neighbourhood_nouns"], lex) is not None:
        m.evidence.add("site")
    if _inside_org_name(span, lex):
        m.evidence.add("orgname")
    if _team_pair(span, lex):
        m.evidence.add("team")


def _person_parts(doc: Doc) -> frozenset[str]:
    """Keys of the words of the full person names the report gives ("Florence Aubenas",
    "François Hollande"): alone, they name the person again, not a place."""
    parts = doc.user_data.get("sitroom_person_parts")      # kept as a list: user_data must serialise
    if parts is None:
        names = [e for e in doc.ents if e.label_ == "PER" and len(e) >= 2
                 and all(_capitalised(t) and t.text.replace("-", "").isalpha() for t in e)]
        parts = sorted({key(t.text) for e in names for t in e if len(t.text) > 2})
        doc.user_data["sitroom_person_parts"] = parts
    return frozenset(parts)


def _team_pair(span: Span, lex: Lexicon) -> bool:
    """'le match Maroc-Liberia': hyphen-joined names after a noun for a contest are teams."""
    doc = span.doc
    i, j = span.start, span.end
    hyphen = span[-1].text == "-" or (j < len(doc) and doc[j].text == "-") or (i > 0 and doc[i - 1].text == "-")
    if not hyphen:
        return False
    while i > 0 and span.start - i < 4 and (doc[i - 1].text == "-" or _capitalised(doc[i - 1])):
        i -= 1
    while i > 0 and doc[i - 1].lower_ in lex.words["articles"]:
        i -= 1
    return i > 0 and (doc[i - 1].lower_ in lex.words["team_nouns"] or doc[i - 1].lemma_.lower() in lex.words["team_nouns"])


def _inside_org_name(span: Span, lex: Lexicon) -> bool:
    """'Coupe d'Afrique', 'Police nationale d'Haïti': the place names part of an institution."""
    for ent in span.doc.ents:
        if ent.start < span.start < ent.end and ent[0].lower_ in lex.words["org_nouns"]:
            return True
    prev = _prev_words(span, 4)
    for j, t in enumerate(reversed(prev)):
        if t.lower_ in lex.words["org_nouns"] and _capitalised(t):
            return True
        if not (t.lower_ in lex.words["org_name_links"] or _capitalised(t) or t.pos_ == "ADJ"):
            return False
    return False


def _plausible(m: Mention, ctx: Counter) -> bool:
    """Whether a match is a place here rather than a person, a word or part of an organisation's name."""
    ev, c = m.evidence, m.choice
    if c is None or ev & {"title", "team"}:
        return False
    if "person_name" in ev and not ev & {"site", "admin"}:
        return False
    if "orgname" in ev and all(t.pos_ == "NOUN" for t in m.span if _capitalised(t)):
        return False                     # "ministère de la Défense": a portfolio, not a place
    if "per" in ev and "prep" not in ev and not (len(m.span) == 1 and c.population >= 500_000):
        return False
    if "orgname" in ev and c.level not in FINE:
        return False
    if m.source == "lexicon":
        return True
    if c.level not in FINE:
        return bool(ev & {"ner", "prep", "admin"})
    if "orgname" in ev:
        return c.population >= 15000
    if "org" in ev and not ev & {"prep", "site"}:
        return False
    total = sum(ctx.values()) or 1.0
    if m.source == "loose":
        return "ner" in ev and "propn" in ev and c.country in ctx and (
            ctx[c.country] / total >= 0.2 or bool(ev & {"prep", "site"}))
    if c.country in ctx:
        return bool(ev & {"ner", "prep", "admin", "site"}) or ("propn" in ev and c.population >= 1000)
    return ("prep" in ev and ("ner" in ev or c.population >= 15000)) or ("ner" in ev and c.population >= 1_000_000)


# ---------------------------------------------------------------- resolution

def _votes(m: Mention) -> Counter:
    """The countries a mention points to, if it points to few."""
    if m.source == "loose" or "per" in m.evidence or "title" in m.evidence:
        return Counter()
    countries = {e.country for e in m.entries if e.country and (e.population >= 1000 or e.level not in FINE)}
    if m.source == "lexicon" or len(countries) == 1:
        return Counter({c: 1.0 / len(countries) for c in countries})
    return Counter()


def _context(mentions: list[Mention]) -> Counter:
    """Countries the report is about: its country names and its unambiguous places."""
    ctx: Counter = Counter()
    for m in mentions:
        ctx.update(_votes(m))
    return ctx


def _name_votes(mentions: list[Mention]) -> dict[str, Counter]:
    """The votes each name casts, all its mentions together."""
    votes: dict[str, Counter] = defaultdict(Counter)
    for m in mentions:
        votes[key(m.span.text)].update(_votes(m))
    return votes


def _others(ctx: Counter, own: Counter) -> Counter:
    """The context as the rest of the report gives it: a name does not vote for itself, in
    any of its mentions (else a repeated ambiguous name would elect its own namesake)."""
    rest = ctx.copy()
    rest.subtract(own)
    return +rest


def _home_country(ctx: Counter) -> str | None:
    """The country a report is clearly about: named at least twice as often as any other."""
    top = ctx.most_common(2)
    if not top or top[0][1] < 2 or len(top) > 1 and top[0][1] < 2 * top[1][1]:
        return None
    return top[0][0]


def _home_spellings(m: Mention, lex: Lexicon, home: str) -> list[Entry]:
    """A town of the report's country whose French spelling the gazetteer romanises
    otherwise ('-e' for '-a', '-ah'): its loose matches there, when no candidate is there."""
    if m.source not in ("exact", "loose") or any(e.country == home for e in m.entries):
        return []
    k = key(m.span.text)
    found = []
    for ending, replacement in lex.endings:
        if k.endswith(ending):
            variant = k[: len(k) - len(ending)] + replacement
            found += [e for e in gazetteer().lookup_loose(variant) if e.country == home and e.level in FINE
                      and e not in found]
    return found


def _score(e: Entry, m: Mention, ctx: Counter, total: float, k: str) -> float:
    share = ctx[e.country] / total if total and e.country else 0.0
    s = math.log10(e.population + 100) + 4.0 * share + (1.5 if e.country in ctx else 0.0)
    s += {"continent": 4, "country": 5, "admin1": 1.5, "region": 1.5, "water": 1.5}.get(e.level, 0)
    if key(e.name) == k:
        s += 0.5
    if "admin" in m.evidence and e.level in ("admin1", "region"):
        s += 6
    if "site" in m.evidence and e.level in FINE:
        s += 1
    return s


def _choose(m: Mention, ctx: Counter) -> Entry:
    total = sum(ctx.values())
    k = key(m.span.text)
    score = lambda e: _score(e, m, ctx, total, k)
    best = max(m.entries, key=score)
    home = _home_country(ctx)
    if home and best.country != home and best.level in FINE and best.population < HOME_BEATS:
        local = [e for e in m.entries if e.country == home and e.level in FINE and e.population >= 1000]
        if local:                          # a town of the report's country before a foreign namesake
            return max(local, key=score)
    return best


def _admin_of(m: Mention) -> Entry | None:
    """'la province d'Idleb': the first-level division named after the city Idleb."""
    c = m.choice
    if c is None or c.level not in FINE:
        return c
    gaz = gazetteer()
    for level in ("admin1", "region"):
        e = gaz.find(c.name, c.country, level) or gaz.find(m.span.text, c.country, level)
        if e is not None:
            return e
    return c


def _geo_adjectives(doc: Doc, lex: Lexicon, taken: set[int]) -> list[Mention]:
    """'le nord syrien', 'le territoire libyen': a country named by its adjective."""
    out = []
    for t in (doc[i] for i in where(doc, lambda s: s.islower() and key(s) in lex.adjectives)):
        iso = lex.adjectives.get(key(t.text)) if t.is_lower else None
        if not iso or t.i in taken or t.i == 0:
            continue
        noun = doc[t.i - 1]
        if noun.lower_ in lex.words["geo_adjective_nouns"]:
            e = _country(iso)
            if e is not None:
                m = Mention(doc[noun.i:t.i + 1], [e], "lexicon")
                m.choice = e
                out.append(m)
    return out


def _city_direction(doc: Doc, lex: Lexicon, taken: set[int]) -> list[Mention]:
    """'Alep-Est', 'Beyrouth-Ouest': the city, with the compound as the name within it."""
    out = []
    for t in (doc[i] for i in where(doc, lambda s: "-" in s and s[:1].isupper())):
        if t.i in taken or "-" not in t.text or not _capitalised(t):
            continue
        head, _, tail = t.text.rpartition("-")
        if tail.lower() in lex.words["directions"] and head:
            hits = [e for e in gazetteer().lookup(head) if e.level in FINE] or \
                [e for e in _lexicon_entries(lex, key(head)) if e.level in FINE]
            if hits:
                m = Mention(doc[t.i:t.i + 1], hits, "exact")
                m.within = t.text
                out.append(m)
    return out


def _unresolved(doc: Doc, lex: Lexicon, taken: set[int]) -> list[Mention]:
    """Names the NER calls places, or that a site noun introduces, which no gazetteer knows."""
    out = []
    for ent in list(doc.ents) + _untagged_names(doc):
        span = _before_taken(ent, taken, lex)
        if span is None:
            continue
        while len(span) and not _capitalised(span[0]):
            span = span[1:]
        if not len(span) or ent.label_ not in NAME_LABELS and _cue(span, lex.words["neighbourhood_nouns"], lex) is None:
            continue
        k = key(span.text)
        if k in lex.not_places or k in lex.adjectives or any(c.isdigit() for c in span.text):
            continue
        if span[0].lower_ in lex.words["org_nouns"]:
            continue
        if len(span.text) < 3 or "\n" in span.text:
            continue
        m = Mention(span, [], "none")
        _evidence(m, lex)
        if "title" in m.evidence or "orgname" in m.evidence:
            continue
        out.append(m)
    return out


def _before_taken(ent: Span, taken: set[int], lex: Lexicon) -> Span | None:
    """The entity, or its part before a known place ('Khimprom' in 'Khimprom de Kharkiv')."""
    end = next((t.i for t in ent if t.i in taken), ent.end)
    if end == ent.end:
        return ent
    while end > ent.start and ent.doc[end - 1].lower_ in lex.words["of_connectors"]:
        end -= 1
    return ent.doc[ent.start:end] if end > ent.start else None


def _untagged_names(doc: Doc) -> list[Span]:
    """Proper-noun runs the NER left untagged ('l'usine Zenit'); a site noun must introduce them."""
    out, i = [], 0
    while i < len(doc):
        t = doc[i]
        if t.pos_ != "PROPN" or t.ent_iob_ != "O" or not _capitalised(t) or i and _capitalised(doc[i - 1]):
            i += 1
            continue
        j = i + 1
        while j < len(doc) and doc[j].pos_ == "PROPN" and doc[j].ent_iob_ == "O" and _capitalised(doc[j]):
            j += 1
        out.append(doc[i:j])
        i = j
    return out


def _same_name_as_site(unresolved: list[Mention], resolved: list[Mention]) -> None:
    """A name the text places in a city once ('l'aciérie X de Y') is in that city wherever it recurs."""
    sites = {key(m.span.text): m for m in resolved if m.within and m.source == "none"}
    for m in unresolved:
        site = sites.get(key(m.span.text))
        if site is not None and m.choice is None:
            m.choice, m.within = site.choice, m.span.text


def _after_article(span: Span, lex: Lexicon) -> bool:
    """'la Croisette': an unknown name with an article is more often a street or site than a town."""
    return span.start > 0 and span.doc[span.start - 1].lower_ in lex.words["articles"]


def _city_for(m: Mention, resolved: list[Mention], home: str | None = None) -> Entry | None:
    """The city a site lies in: one named right after it in its sentence, else the last one
    named before — in the report's own country when it has one (a capital quoted as a
    speaker, "Washington a salué…", is not where the report's sites are)."""
    sent = m.span.sent
    after = [r for r in resolved if r.choice and r.choice.level in FINE
             and m.span.end <= r.span.start < min(sent.end, m.span.end + 15) and not _destination(r.span)]
    if after:
        return after[0].choice
    before = [r for r in resolved if r.choice and r.choice.level in FINE and r.span.end <= m.span.start]
    local = [r for r in before if r.choice.country == home] if home else before
    if local or before:
        return (local or before)[-1].choice
    cities = Counter(r.choice for r in resolved if r.choice and r.choice.level in FINE)
    return cities.most_common(1)[0][0] if cities else None


def _destination(span: Span) -> bool:
    """A place named as where people or things go ("vers Idleb", "en direction d'Idleb"): not
    the city a site named before it lies in."""
    words = lexicon(span.doc.lang_).words["destination_words"]
    return any(span.doc[k].lower_.replace("’", "'") in words for k in range(max(span.start - 3, 0), span.start))


def _region_for(m: Mention, resolved: list[Mention], home: str | None) -> Entry | None:
    """The division, region or country the text puts an unknown name in ("X, dans la province
    d'Idleb", "le village de X, en Syrie"): the nearest one named in its sentence, else the
    report's own country."""
    sent = m.span.sent
    near = [r for r in resolved if r.choice and r.choice.level in ("admin1", "region", "country")
            and sent.start <= r.span.start < sent.end and r is not m]
    if near:
        return min(near, key=lambda r: (r.span.start < m.span.start, abs(r.span.start - m.span.start),
                                        r.choice.level == "country")).choice
    return _country(home) if home else None


def _place(m: Mention) -> Place:
    c, span = m.choice, m.span
    if c is None:       # a place no gazetteer knows keeps the text's name, in the region the text names
        r = m.host
        return Place(text=span.text, start=span.start_char, end=span.end_char, resolved=False,
                     within=m.within, name=span.text, country=r.country if r else None,
                     lat=r.lat if r else None, lon=r.lon if r else None,
                     level="admin1" if "admin" in m.evidence else "city" if "site" in m.evidence else None)
    host = m.host
    return Place(text=span.text, start=span.start_char, end=span.end_char, name=c.name, country=c.country,
                 lat=c.lat, lon=c.lon, geonameid=c.geonameid, level="below_city" if host else c.level,
                 resolved=True, within=m.within, city=host.name if host else None)


def _street(span: Span, lex: Lexicon) -> bool:
    """A name right after a street noun ("rue Bichat", "rue de la Fontaine", "place de la
    République"): a street, not the town of that name."""
    w = lex.words
    prev = [t.lower_.replace("’", "'") for t in _prev_words(span, 3)]
    while prev and (prev[-1] in w["articles"] or prev[-1] in w["of_connectors"]):
        prev.pop()
    return bool(prev) and prev[-1] in w["street_nouns"] and len(_prev_words(span, 3)) - len(prev) <= 2


def _in_their_city(resolved: list[Mention], lex: Lexicon, home: str | None) -> None:
    """Streets, and neighbourhoods whose namesake in the gazetteer lies far from every city
    the report names ("le quartier Noailles" of a Marseille report), lie in the city the text
    puts them in."""
    for m in resolved:
        street = _street(m.span, lex)
        cued = not street and m.choice is not None and m.choice.level in FINE and not m.within \
            and _cue(m.span, lex.words["quarter_nouns"], lex) is not None
        if not (street or cued):
            continue
        others = [r for r in resolved if r is not m and not _street(r.span, lex)]
        city = _city_for(m, others, home)
        if city is None or city == m.choice:
            continue
        named = {r.choice for r in others if r.choice and r.choice.level in FINE and r.choice.lat is not None}
        if cued and (m.choice.lat is None or any(
                km((c.lat, c.lon), (m.choice.lat, m.choice.lon)) <= FAR_KM for c in named)):
            continue        # near a city the report names: the gazetteer's own neighbourhood
        m.choice, m.within, m.host = city, m.span.text, None


def _neighbourhoods(resolved: list[Mention], lex: Lexicon) -> None:
    """'le quartier de Saltivka': a locality the text calls a neighbourhood, a few km from a
    city the report names, lies in that city (its own GeoNames name is kept)."""
    cities = Counter(m.choice for m in resolved if m.choice and m.choice.level == "city" and not m.within)
    cued = {id(m) for m in resolved if _cue(m.span, lex.words["neighbourhood_nouns"], lex) is not None}
    named_bare = {m.choice for m in resolved if id(m) not in cued}      # "à Rafah": a city in its own right
    for m in resolved:
        c = m.choice
        if c is None or c.level != "city" or m.within or c.lat is None or id(m) not in cued or c in named_bare:
            continue
        near = [(n, h) for h, n in cities.items() if h != c and h.country == c.country and h.lat is not None
                and km((c.lat, c.lon), (h.lat, h.lon)) <= NEIGHBOURHOOD_KM and h.population >= HOST_FACTOR * max(c.population, 1)]
        if near:
            m.host = max(near, key=lambda x: (x[0], x[1].population))[1]


def find(doc: Doc, lang: str) -> list[Place]:
    """Every mention of a place on Earth, in text order."""
    if not len(doc):
        return []
    lex = lexicon(lang)
    mentions = _ngrams(doc, lex)
    taken = {i for m in mentions for i in range(m.span.start, m.span.end)}
    extra = _city_direction(doc, lex, taken)
    taken |= {i for m in extra for i in range(m.span.start, m.span.end)}
    mentions += extra
    for m in mentions:
        _evidence(m, lex)
    ctx = _context(mentions)
    name_votes = _name_votes(mentions)
    home = _home_country(ctx)
    for m in mentions:
        if home:
            m.entries += _home_spellings(m, lex, home)
        others = _others(ctx, name_votes[key(m.span.text)])
        m.choice = _choose(m, others)
        if "admin" in m.evidence:
            m.choice = _admin_of(m)
        m.keep = _plausible(m, others)
    resolved = sorted((m for m in mentions if m.keep), key=lambda m: m.span.start)
    taken = {i for m in resolved for i in range(m.span.start, m.span.end)}
    adjectives = _geo_adjectives(doc, lex, taken)
    taken |= {i for m in adjectives for i in range(m.span.start, m.span.end)}
    resolved += adjectives
    resolved.sort(key=lambda m: m.span.start)
    _in_their_city(resolved, lex, home)
    unresolved = _unresolved(doc, lex, taken)
    for m in unresolved:
        if "site" in m.evidence:
            city = _city_for(m, resolved, home)
            if city is not None:
                m.choice, m.within = city, m.span.text
    _same_name_as_site(unresolved, unresolved)
    for m in unresolved:
        if m.choice is not None:
            resolved.append(m)
            continue
        needed = {"site", "admin"} if _after_article(m.span, lex) else {"prep", "site", "admin"}
        if m.evidence & needed and not m.evidence & {"per", "team", "person_name"}:
            resolved.append(m)
    resolved.sort(key=lambda m: m.span.start)
    _neighbourhoods(resolved, lex)
    for m in resolved:
        if m.choice is None:
            m.host = _region_for(m, resolved, home)
    return [_place(m) for m in resolved]
