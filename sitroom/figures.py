"""Figures: counts of people and of things that matter in a crisis.

A figure is a number (digits, words, "une vingtaine", "2,6 millions", a range) whose
counted noun is in the language's group lexicon, or whose noun is elided and recovered
from an antecedent ("onze d'entre eux", "900 autres", "39 des 59 hôpitaux", "le nombre
de morts … entre 18.000 et 20.000"). The parse then gives what happened to the counted
people or things (the governing verb, a participle, the noun itself) and the figure's
status (planned, cumulative, estimated, reported). All French knowledge lives in
lang/<lang>/figures.json and numbers.json.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

from spacy.tokens import Doc, Token

from . import numbers
from .lang import resource
from .models import Figure
from .tokens import using

try:  # attribution is written by another component; figures work without it
    from .attribution import source_for as _source_for
except ImportError:  # pragma: no cover - until sitroom.attribution lands
    _source_for = None

CLAUSE_EDGES = {"ccomp", "acl:relcl", "advcl", "parataxis", "root", "ROOT"}
ARG_ROLES = {"obj": "obj", "nsubj:pass": "pass", "obl:arg": "obj", "iobj": "obj",
             "nsubj": "subj", "obl:agent": "agent", "expl:subj": "subj"}
MAX_CLIMB = 8
FOOTNOTE = re.compile(r"\[\d*\]?$")                     # "personnes[1]" glued by the tokenizer


def _clean(text: str) -> str:
    return text.lower().replace("\u2019", "'")


@dataclass(frozen=True)
class Lexicon:
    """A language's figure knowledge, prepared for lookups."""

    def word(self, text: str) -> str:
        """Lower-case, apostrophe straightened, contractions read in full ("d'" as "de")."""
        t = _clean(text)
        return self.contractions.get(t, t)

    groups: dict
    max_group_words: int
    demonyms: dict
    demonym_group: str
    demonym_endings: tuple
    qualifiers: dict          # tuple of words -> qualifier
    max_qualifier_words: int
    qualifier_verbs: dict
    modal_qualifier_verbs: dict
    modals: frozenset
    range_links: dict
    verbs: dict               # lemma or "lemma particle…" -> (action, role)
    nouns: dict
    states: dict
    movement_verbs: frozenset
    movement_action: dict
    movement_context: frozenset
    presence_verbs: frozenset
    siege_context: frozenset
    after_elided: frozenset
    pronoun_case: frozenset
    partitive: frozenset
    count_nouns: frozenset
    casualty: frozenset
    thing_actions: frozenset
    status: dict
    skip_before: frozenset
    skip_after: frozenset
    contractions: dict
    articles: frozenset
    negations: frozenset
    siege_not_under: frozenset
    collective_link: frozenset
    elided_before: frozenset
    qualifier_words: frozenset
    participle_endings: tuple
    beneficiary_cases: frozenset
    aid_nouns: frozenset
    list_words: frozenset
    count_verbs: frozenset
    verb_forms: dict
    risk_verbs: frozenset
    among: frozenset
    negated: dict
    clitics: frozenset
    sublist_words: tuple


@lru_cache(maxsize=None)
def lexicon(lang: str) -> Lexicon:
    """The language's figures.json, indexed."""
    d = resource(lang, "figures")
    el, st = d["elided"], d["status"]
    contractions = d["contractions"]

    def _norm(w: str) -> str:
        return contractions.get(_clean(w), _clean(w))

    def _words(phrase: str) -> tuple[str, ...]:
        return tuple(_norm(w) for w in phrase.split())

    return Lexicon(
        groups=d["groups"], max_group_words=max(len(k.split()) for k in d["groups"]),
        demonyms=d["demonyms"], demonym_group=d["demonym_group"],
        demonym_endings=tuple(d["demonym_endings"]),
        qualifiers={tuple(_norm(w) for w in k.split()): v for k, v in d["qualifiers"].items()},
        max_qualifier_words=max(len(k.split()) for k in d["qualifiers"]),
        qualifier_verbs=d["qualifier_verbs"], modal_qualifier_verbs=d["modal_qualifier_verbs"],
        modals=frozenset(d["modals"]),
        range_links={_norm(k): frozenset(v) for k, v in d["range_links"].items()},
        verbs={k: tuple(v) for k, v in d["verbs"].items()}, nouns=d["nouns"], states=d["states"],
        movement_verbs=frozenset(d["movement_verbs"]), movement_action=d["movement_action"],
        movement_context=frozenset(d["movement_context"]),
        presence_verbs=frozenset(d["presence_verbs"]), siege_context=frozenset(d["siege_context"]),
        after_elided=frozenset(el["after"]), pronoun_case=frozenset(_words(w) if " " in w else _norm(w) for w in el["pronoun_case"]),
        partitive=frozenset(_norm(w) for w in el["partitive"]), count_nouns=frozenset(el["count_nouns"]),
        casualty=frozenset(d["casualty_actions"]), thing_actions=frozenset(d["thing_actions"]),
        status={k: frozenset(v) for k, v in st.items()},
        skip_before=frozenset(d["skip_before"]), skip_after=frozenset(d["skip_after"]),
        contractions=contractions, articles=frozenset(d["definite_articles"]),
        negations=frozenset(d["negations"]), siege_not_under=frozenset(d["siege_not_under"]),
        collective_link=frozenset(d["collective_link"]),
        elided_before=frozenset(_words(w) for w in el["before"]),
        qualifier_words=frozenset(w for k in d["qualifiers"] for w in _words(k)),
        participle_endings=tuple(sorted(d["participle_endings"].items(), key=lambda kv: -len(kv[0]))),
        beneficiary_cases=frozenset(d["beneficiary"]["cases"]), aid_nouns=frozenset(d["beneficiary"]["aid_nouns"]),
        list_words=frozenset(w for k in d["lists"]["links"] + d["lists"]["sub"] for w in _words(k)),
        count_verbs=frozenset(d["count_verbs"]["verbs"]),
        verb_forms={k: v for k, v in d["verb_forms"].items() if not k.startswith("_")},
        clitics=frozenset(el["clitics"]), risk_verbs=frozenset(d["risk_verbs"]),
        among=frozenset(d["among"]), negated=d["negated_verbs"],
        sublist_words=tuple(" ".join(_words(k)) for k in d["lists"]["sub"]),
    )


class Amount(NamedTuple):
    """A number (or range) found in the tokens [start, end)."""
    start: int
    end: int
    low: float
    high: float
    approx: bool
    is_range: bool
    single: bool              # the article "un"/"une" counting one


class Counted(NamedTuple):
    """What an amount counts: the noun token (None when elided), its lexicon entry, span end."""
    noun: Token | None
    entry: dict
    end: int
    anchor: Token             # the token whose place in the parse decides action and status
    antecedent: Figure | None = None
    total: bool = False       # "59" in "39 des 59 hôpitaux": the whole, not what befell it


@dataclass
class DocContext:
    """Facts about the whole document that a figure's action may need."""
    evacuation: bool
    siege: bool
    figures: list = field(default_factory=list)
    entries: dict = field(default_factory=dict)   # id(figure) -> its lexicon entry
    segments: list = field(default_factory=list)   # token index -> sentence number (see _segments)
    first_token: dict = field(default_factory=dict)  # id(figure) -> index of its first token
    noun_index: dict = field(default_factory=dict)  # counted noun's token index -> its figure
    origin: dict = field(default_factory=dict)  # id(figure) -> where its action came from (see _action)
    governor: dict = field(default_factory=dict)  # id(figure) -> index of its clause's predicate, or None
    provisional: set = field(default_factory=set)  # id() of one-person counts kept only within a list


def find(doc: Doc, lang: str) -> list[Figure]:
    """Every count of people or things that matter in the document."""
    if not len(doc) or not doc.has_annotation("DEP"):
        return []
    lex = lexicon(lang)
    ctx = DocContext(evacuation=_mentions(doc, lex.movement_context), siege=_mentions_siege(doc, lex),
                     segments=_segments(doc))
    i = 0
    while i < len(doc):
        amount = _amount_at(doc, i, lang, lex)
        if amount is None:
            i += 1
            continue
        figure = _figure(doc, amount, lang, lex, ctx)
        if figure is not None:
            ctx.figures.append(figure)
        i = max(amount.end, i + 1)
    _share_actions(doc, lex, ctx)
    return ctx.figures


def _segments(doc: Doc) -> list[int]:
    """A sentence number per token, cut at final punctuation and line breaks: the parser
    sometimes hangs a headline and the next paragraph on one tree, and a figure's verbs
    must not be looked for across that seam."""
    seg, n = [], 0
    for t in doc:
        seg.append(n)
        if t.text in (".", "!", "?") or "\n" in t.text or "\n" in t.whitespace_:
            n += 1
    return seg


def _mentions(doc: Doc, lemmas: frozenset) -> bool:
    """True when the document uses one of these lemmas."""
    return bool(using(doc, lemmas))


def _mentions_siege(doc: Doc, lex: Lexicon) -> bool:
    """True when the document speaks of a siege ("le siège", "assiégée"), not of a seat
    ("le siège du parti") nor of a state of emergency ("l'état de siège")."""
    for t in (doc[i] for i in using(doc, lex.siege_context)):
        if t.pos_ != "NOUN":
            return True
        if not any(c.dep_ == "nmod" for c in t.children) and t.head.dep_ != "nmod" and \
                t.head.lemma_.lower() not in lex.count_nouns and t.dep_ != "nmod":
            return True
        if t.dep_ == "nmod" and t.head.lemma_.lower() not in lex.siege_not_under and \
                not any(c.dep_ == "nmod" for c in t.children):
            return True
    return False


# --- numbers -----------------------------------------------------------------------------

def _number_span(doc: Doc, i: int, lang: str) -> tuple[int, numbers.Number, bool] | None:
    """The longest number starting at token i: (end, number, counts-one-by-article)."""
    t = doc[i]
    if numbers.is_article(t.text, lang):
        return _article_number(doc, i, lang)
    if numbers.approx_value(t.text, lang):
        return None                                   # "dizaine" without its article
    if numbers.is_digits(t.text):
        words, j = _digit_groups(doc, i)
    elif numbers.is_number_word(t.text, lang) and not numbers.is_one(t.text, lang):
        words, j = _number_words(doc, i, lang)
    else:
        return None
    if j < len(doc) and numbers.multiplier(doc[j].text, lang):
        words.append(doc[j].text)
        j += 1
    n = numbers.parse(words, lang)
    return (j, n, False) if n else None


def _article_number(doc: Doc, i: int, lang: str) -> tuple[int, numbers.Number, bool] | None:
    """ "une vingtaine", "le millier", "un million"; or "un"/"une" alone, counting one."""
    t = doc[i]
    if i + 1 < len(doc) and (numbers.approx_value(doc[i + 1].text, lang) or numbers.multiplier(doc[i + 1].text, lang)):
        n = numbers.parse([t.text, doc[i + 1].text], lang)
        return (i + 2, n, False) if n else None
    if numbers.is_one(t.text, lang) and t.pos_ == "DET":
        return i + 1, numbers.Number(1.0, False), True
    return None


def _digit_groups(doc: Doc, i: int) -> tuple[list[str], int]:
    """Digits with the thousands groups the tokenizer split off ("15 000", "350\u00a0000")."""
    words, j = [doc[i].text], i + 1
    while j < len(doc):
        nbsp = doc[j].is_space and len(doc[j].text) == 1 and not doc[j - 1].whitespace_
        k = j + 1 if nbsp else j
        if k < len(doc) and (doc[k - 1].whitespace_ or nbsp) and numbers.is_group_of_three(doc[k].text):
            words.append(doc[k].text)
            j = k + 1
        else:
            break
    return words, j


def _number_words(doc: Doc, i: int, lang: str) -> tuple[list[str], int]:
    """Cardinal words, "mille" and "et" included ("deux mille", "vingt et un")."""
    words, j = [doc[i].text], i + 1
    while j < len(doc):
        w = doc[j].text
        joined = numbers.is_join(w, lang) and j + 1 < len(doc) and numbers.is_number_word(doc[j + 1].text, lang)
        if not (numbers.is_number_word(w, lang) or numbers.multiplier(w, lang) == 1000 or joined):
            break
        words.append(w)
        j += 1
    return words, j


def _amount_at(doc: Doc, i: int, lang: str, lex: Lexicon) -> Amount | None:
    """A number or a range starting at token i."""
    first = _number_span(doc, i, lang)
    if first is None:
        return None
    end, low, single = first
    if single:
        return Amount(i, end, 1.0, 1.0, False, False, True)
    opener = lex.word(doc[i - 1].text) if i > 0 else ""
    links = lex.range_links.get(opener if opener in lex.range_links else "", frozenset())
    if end + 1 < len(doc) and lex.word(doc[end].text) in links:
        second = _number_span(doc, end + 1, lang)
        if second and not second[2]:
            end2, high, _ = second
            lo = low.value
            factor = numbers.multiplier(doc[end2 - 1].text, lang) or 1
            if factor > 1 and not numbers.multiplier(doc[end - 1].text, lang) and lo * factor <= high.value:
                lo *= factor
            if lo < high.value:
                return Amount(i, end2, lo, high.value, low.approx or high.approx, True, False)
    return Amount(i, end, low.value, low.value, low.approx, False, False)


# --- what is counted -----------------------------------------------------------------------

def _group_entry(doc: Doc, k: int, lex: Lexicon) -> tuple[dict, int] | None:
    """The lexicon entry of the noun phrase at token k and the index after it."""
    t = doc[k]
    nominal = t.pos_ in ("NOUN", "PROPN", "ADJ", "VERB")
    for n in range(min(lex.max_group_words, len(doc) - k), 0 if nominal else 1, -1):   # "sans abri"
        words = [FOOTNOTE.sub("", doc[k + m].lower_.replace("\u2019", "'")) for m in range(n)]
        lemmas = [FOOTNOTE.sub("", doc[k + m].lemma_.lower()) for m in range(n)]
        for key in (" ".join(lemmas[:1] + words[1:]), " ".join(lemmas), " ".join(words)):
            if key in lex.groups:
                return lex.groups[key], k + n
    lemma = t.lemma_.lower()
    if t.text[:1].isupper() and (lemma in lex.demonyms or t.lower_.endswith(lex.demonym_endings)):
        if t.ent_type_ not in ("LOC", "ORG") or lemma in lex.demonyms:
            return {"group": lex.demonyms.get(lemma, lex.demonym_group)}, k + 1
    return None


def _counted(doc: Doc, a: Amount, lang: str, lex: Lexicon, ctx: DocContext) -> Counted | None:
    """The noun an amount counts, from the words after it, or an elided noun's antecedent."""
    k = a.end
    sent_end = _phrase_limit(doc, a.end)
    total = a.start >= 2 and lex.word(doc[a.start - 1].text) in lex.partitive and _is_number(doc[a.start - 2], lang)
    # adjectives between number and noun ("douze derniers missionnaires"), "de" after a collective
    while k < sent_end and (doc[k].pos_ == "ADJ" and doc[k].lemma_ not in lex.after_elided
                            and _group_entry(doc, k, lex) is None):
        k += 1
    k = _after_footnote(doc, k, sent_end)             # "20 millions [3] de sans-abri"
    subset = k == a.end and k + 1 < sent_end and lex.word(doc[k].text) in lex.partitive and \
        "Plur" in doc[k + 1].morph.get("Number") and doc[k + 1].pos_ == "NOUN"   # "un des véhicules"
    if k < sent_end and (lex.word(doc[k].text) in lex.collective_link or subset) and k + 1 < sent_end and \
            not _is_number(doc[k + 1], lang):
        k += 1
        if k + 1 < sent_end and doc[k].pos_ == "DET" and "Plur" in doc[k + 1].morph.get("Number"):
            k += 1                                     # "quatre de ses gardes"
    if k < sent_end:
        hit = _group_entry(doc, k, lex)
        if hit:
            entry, end = hit
            return Counted(doc[k], entry, _extend_adjectives(doc, end, sent_end), doc[k], total=total)
    nxt = doc[a.end] if a.end < sent_end else None
    if a.single:
        return None
    if (nxt is None or nxt.is_punct) and _clitic_stands_for(doc, a, lex):
        found = _antecedent(doc, a, lex, ctx, a.end, nouns=False)   # "… et en a blessé une vingtaine"
        if found:
            return found
    if nxt is None:
        return _count_noun(doc, a, lex)
    if lex.word(nxt.text) in lex.partitive and a.end + 1 < sent_end and _is_number(doc[a.end + 1], lang):
        later = _amount_at(doc, a.end + 1, lang, lex)
        if later:
            inner = _counted(doc, later, lang, lex, ctx)
            if inner and inner.noun is not None:
                return Counted(None, inner.entry, a.end, doc[a.start])
        return None
    other = a.end + 1 if lex.word(nxt.text) in lex.collective_link and a.end + 1 < sent_end else a.end
    if doc[other].lemma_.lower() in lex.after_elided or doc[other].lower_ in lex.after_elided:
        after = other + 1                              # "une vingtaine d'autres", "deux autres …"
        state = _group_entry(doc, after, lex) if after < sent_end else None
        if after < sent_end and doc[after].pos_ in ("NOUN", "PROPN") and not (state and state[0].get("action")) \
                and (a.high <= 1 or "Sing" not in doc[after].morph.get("Number")):   # not "huit autres dimanche"
            # "deux autres bâtiments" counts buildings; "cinq autres lieux" counts nothing that matters
            return Counted(doc[after], state[0], state[1], doc[after]) if state else None
        found = _antecedent(doc, a, lex, ctx, after)
        if found and state and state[0].get("action"):       # "neuf tués et douze autres blessés"
            entry = dict(found.entry, action=state[0]["action"])
            return Counted(doc[after], entry, state[1], doc[after], antecedent=found.antecedent)
        return found
    if lex.word(nxt.text) in lex.pronoun_case or (a.end + 1 < sent_end and (
            lex.word(nxt.text), lex.word(doc[a.end + 1].text)) in lex.pronoun_case):
        end = a.end
        while end < sent_end and doc[end].pos_ in ("ADP", "PRON", "DET") and end < a.end + 3:
            end += 1
        return _antecedent(doc, a, lex, ctx, end)
    if nxt.pos_ in ("VERB", "AUX") or _infinitive(nxt, lex) in lex.verbs or _after_list_word(doc, a, lex):
        return _antecedent(doc, a, lex, ctx, a.end, reach=1)   # "… mais une dizaine sont portées disparues"
    return _count_noun(doc, a, lex)


def _after_footnote(doc: Doc, k: int, limit: int) -> int:
    """The token after a footnote mark ("[3]") at k, or k."""
    if k + 2 < limit and doc[k].text == "[" and doc[k + 1].text.isdigit() and doc[k + 2].text == "]":
        return k + 3
    return k


def _clitic_stands_for(doc: Doc, a: Amount, lex: Lexicon) -> bool:
    """True when the amount's verb carries the clitic that stands for a counted noun
    ("les hôpitaux en annoncent 31")."""
    verb = doc[a.end - 1]
    while verb.pos_ not in ("VERB", "AUX") and verb.head.i != verb.i and verb.head.i >= a.start - 8:
        verb = verb.head
    return verb.pos_ in ("VERB", "AUX") and any(lex.word(c.text) in lex.clitics and c.i < a.start
                                                for c in verb.children)


def _after_list_word(doc: Doc, a: Amount, lex: Lexicon) -> bool:
    """True when the amount follows a word opening a sub-count ("dont 40 …")."""
    start = a.start
    while start > 0 and lex.word(doc[start - 1].text) in lex.qualifier_words:
        start -= 1
    return any(tuple(lex.word(t.text) for t in doc[max(0, start - n):start]) in lex.elided_before
               for n in (1, 2))


def _phrase_limit(doc: Doc, k: int, window: int = 8) -> int:
    """Where the words after an amount stop: a full stop or a few tokens on (the parser's
    sentence ends are not trusted here: it sometimes splits "deux mille | corps")."""
    limit = min(len(doc), k + window)
    for j in range(k, limit):
        if doc[j].text in (".", "!", "?", ";", "\n") or "\n\n" in doc[j].text:
            return j
    return limit


def _extend_adjectives(doc: Doc, end: int, limit: int) -> int:
    """Include the adjectives right after the noun ("secouristes espagnols")."""
    while end < limit and doc[end].pos_ == "ADJ" and doc[end].dep_ in ("amod", "acl"):
        end += 1
    return end


def _is_number(t: Token, lang: str) -> bool:
    return numbers.is_digits(t.text) or (t.like_num and not numbers.is_one(t.text, lang))


def _antecedent(doc: Doc, a: Amount, lex: Lexicon, ctx: DocContext, end: int,
                reach: int = 2, nouns: bool = True) -> Counted | None:
    """An elided noun's antecedent: the last figure in this sentence (or, with reach 2, the
    one before), else (with nouns) the last counted noun before it in the sentence."""
    here = ctx.segments[a.start]
    if ctx.figures:
        fig = ctx.figures[-1]
        if here - ctx.segments[ctx.first_token[id(fig)]] < reach:
            entry = dict(ctx.entries.get(id(fig)) or {"group": fig.group})
            return Counted(None, entry, end, doc[a.start], antecedent=fig)
    if not nouns:
        return None
    for t in reversed(doc[max(0, a.start - 30):a.start]):
        if ctx.segments[t.i] != here:
            break
        hit = _group_entry(doc, t.i, lex)
        if hit and t.pos_ == "NOUN":
            return Counted(None, hit[0], end, doc[a.start])
    return None


def _count_noun(doc: Doc, a: Amount, lex: Lexicon) -> Counted | None:
    """A bare amount whose sentence names what it counts: "le nombre de morts … entre 18.000 et 20.000"."""
    if not a.is_range and (a.low >= 1900 and a.low <= 2100 and "." not in doc[a.start].text):
        return None
    sent = doc[a.start].sent
    before = [t for t in sent if t.i < a.start]
    for t in list(reversed(before)) + [t for t in sent if t.i >= a.end]:   # the nearest one first
        if t.lemma_.lower() in lex.count_nouns:
            for child in t.children:
                if child.dep_ == "nmod":
                    hit = _group_entry(doc, child.i, lex)
                    if hit:
                        return Counted(child, hit[0], a.end, child)
    return None


# --- qualifier -----------------------------------------------------------------------------

def _qualifier(doc: Doc, a: Amount, lex: Lexicon) -> tuple[str | None, int]:
    """The qualifier written before the amount and where the figure's text starts."""
    start = a.start
    if a.is_range and start > 0 and lex.word(doc[start - 1].text) in lex.range_links:
        return "range", start - 1
    if a.is_range:
        return "range", start
    if start > 0 and _clean(doc[start - 1].text) in lex.articles and not a.single:
        start -= 1
    words = [lex.word(t.text) for t in doc[max(0, start - lex.max_qualifier_words):start]]
    for n in range(len(words), 0, -1):
        q = lex.qualifiers.get(tuple(words[-n:]))
        if q:
            return q, start - n
    k = start
    while k > 0 and doc[k - 1].pos_ == "ADV":
        k -= 1                                         # "dépasse désormais les 500 morts"
    if k > 0:
        verb = doc[k - 1]
        if verb.lemma_ in lex.qualifier_verbs:
            return lex.qualifier_verbs[verb.lemma_], start
        if verb.lemma_ in lex.modal_qualifier_verbs and k > 1 and doc[k - 2].lemma_ in lex.modals:
            return lex.modal_qualifier_verbs[verb.lemma_], start
    return None, start


# --- action --------------------------------------------------------------------------------

def _negated(t: Token, lex: Lexicon) -> bool:
    return any(c.dep_ == "advmod" and c.morph.get("Polarity") == ["Neg"] or c.lower_ in lex.negations
               for c in t.children)


def _phrase_keys(t: Token) -> list[str]:
    """A predicate's lexicon keys: its lemma, with its preposition ("hors service") or object."""
    lemma = t.lemma_.lower()
    keys = []
    around = list(t.children) + ([t.head] if t.dep_ == "xcomp" else [])
    if any(w.lemma_.lower() == "faire" and w.i < t.i for w in around):      # causative "se faire exploser"
        reflexive = any("Yes" in w.morph.get("Reflex") for w in around) or \
            any("Yes" in w.morph.get("Reflex") for w in t.head.children if t.dep_ == "xcomp")
        keys.append(("se " if reflexive else "") + f"faire {lemma}")
    for c in t.children:
        if c.dep_ in ("case", "fixed") and c.i < t.i:
            keys.append(f"{c.lower_.replace(chr(8217), chr(39))} {lemma}")
            keys.extend(f"{c.lower_} {lemma} {a.lemma_.lower()}" for a in t.children
                        if a.dep_ == "amod" and a.i > t.i)     # "en état critique"
        if c.dep_ in ("obj", "obl:arg", "obl:mod") and c.i > t.i:
            keys.append(f"{lemma} {c.lemma_.lower()}")
            keys.append(f"{lemma} " + " ".join(w.lower_ for w in c.subtree))
    return keys + [lemma]


def _infinitive(t: Token, lex: Lexicon) -> str | None:
    """A participle the tagger took for a noun ("240 enlevées"), read back to its verb."""
    if t.pos_ not in ("NOUN", "ADJ"):
        return None
    for ending, infinitive in lex.participle_endings:
        if t.lower_.endswith(ending):
            return t.lower_[: -len(ending)] + infinitive
    return None


def _verb_action(t: Token, role: str, lex: Lexicon) -> str | None:
    """The action a predicate gives its argument in this role ("n'ont pas survécu": killed)."""
    if _negated(t, lex):
        return lex.negated.get(t.lemma_.lower())
    verb = lex.verb_forms.get(t.lower_) or _infinitive(t, lex)   # "tue" read as "taire"
    if t.lemma_.lower() not in lex.verbs and verb in lex.verbs:
        return lex.verbs[verb][0]
    for key in _phrase_keys(t):
        if key in lex.verbs:
            action, wanted = lex.verbs[key]
            # a passive's agent ("frappées par 60 avions") is its doer, never its patient
            if wanted == "any" or role in ("any", "pass") or wanted == role.replace("agent", "subj") or \
                    _is_participle(t) and role != "agent":
                return action
        if key in lex.states and (t.pos_ in ("ADJ", "NOUN") or _is_participle(t)):
            return lex.states[key]
    return None


def fits_fate(t: Token, action: str, lang: str) -> bool:
    """True when a figure with this action may belong to predicate t: t says no fate, or the
    same one, or harm of the same kind (an attack that "touche" a town kills its people)."""
    lex = lexicon(lang)
    said = _verb_action(t, "any", lex)
    harm = lex.casualty | lex.thing_actions
    return said is None or action in ("none", said) or (action in harm and said in harm)


def _is_participle(t: Token) -> bool:
    return "Part" in t.morph.get("VerbForm") and not any(c.dep_.startswith("aux") for c in t.children)


def _modifier_action(noun: Token, lex: Lexicon) -> str | None:
    """A participle or adjective on the noun: "personnes tuées", "habitations détruites"."""
    for c in noun.children:
        if c.dep_ in ("amod", "acl") and c.i > noun.i:
            action = _verb_action(c, "obj", lex)
            if action:
                return action
        if c.dep_ == "nmod" and c.i > noun.i:          # "personnes en état critique"
            for key in _phrase_keys(c):
                if key in lex.states and " " in key:
                    return lex.states[key]
    return None


def _among_action(head: Token, lex: Lexicon) -> str | None:
    """The fate a clause's "parmi les victimes" gives the figure it introduces
    ("parmi les morts figurent 41 enfants")."""
    for c in head.children:
        if any(lex.word(g.text) in lex.among for g in c.children if g.dep_ == "case"):
            entry = lex.groups.get(c.lemma_.lower()) or lex.groups.get(c.lower_)
            if entry and entry.get("action"):
                return entry["action"]
    return None


def _state_below(verb: Token, skip: Token, lex: Lexicon) -> str | None:
    """A state word in a presence verb's complements: "vivent dans des zones assiégées"."""
    skip_ids = {t.i for t in skip.subtree}
    for t in verb.subtree:
        if t.i in skip_ids or t.i == verb.i:
            continue
        for key in _phrase_keys(t):
            if key in lex.states:
                return lex.states[key]
            if key in lex.verbs and lex.verbs[key][0] in ("besieged", "affected") and _is_participle(t):
                return lex.verbs[key][0]
    return None


def _presence_action(verb: Token, cur: Token, kind: str, lex: Lexicon, ctx: DocContext) -> str:
    """People who live, stay or find themselves somewhere: what the place or their state says
    ("dans des zones inondées", "sans abri"), besieged in a report about a siege, else none."""
    state = _state_below(verb, cur, lex)
    if state in ("besieged", "displaced"):
        return state
    if ctx.siege and kind == "person":
        return "besieged"
    return state or "none"


def _count_subject_action(head: Token, cur: Token, lex: Lexicon) -> str | None:
    """ "le nombre de civils tués atteignait 39 personnes": the figure is the value of a count
    in the subject, and takes the fate of what that count counts."""
    if head.lemma_.lower() not in lex.count_verbs or cur.dep_.startswith("nsubj"):
        return None
    for subj in (c for c in head.children if c.dep_.startswith("nsubj") and c.lemma_.lower() in lex.count_nouns):
        for noun in (c for c in subj.children if c.dep_ == "nmod"):
            entry = lex.groups.get(noun.lemma_.lower()) or lex.groups.get(noun.lower_) or {}
            action = _modifier_action(noun, lex) or _modifier_action(subj, lex) or entry.get("action")
            if action:
                return action
    return None


def _voiced(verb: Token, role: str) -> str:
    """A subject's role under a verb: the patient ("pass") when the verb is passive."""
    if role == "subj" and any(c.dep_ == "aux:pass" for c in verb.children):
        return "pass"
    return role


def _predicate_action(head: Token, cur: Token, role: str, kind: str, lex: Lexicon, ctx: DocContext) -> str | None:
    """The action a verb, adjective or copular predicate gives the figure under it."""
    if _negated(head, lex):
        return lex.negated.get(head.lemma_.lower())
    counted = _count_subject_action(head, cur, lex)
    if counted:
        return counted
    cop = next((c for c in head.children if c.dep_ == "cop"), None)
    # the predicate itself, an infinitive under it ("ont pu sortir"), or an adjective the
    # parser hung elsewhere ("sont libres")
    # a modal or aspectual verb hands its subject to the infinitive under it ("devaient être
    # évacués": the passive makes the subject its patient)
    verbs = [(head, _voiced(head, role))] + [
        (c, _voiced(c, "subj") if role == "subj" else "any") for c in head.children
        if c.dep_ == "xcomp" or (c.dep_ == "acl" and head.pos_ == "VERB" and "Inf" in c.morph.get("VerbForm"))
        or (cop is not None and c.i > cop.i and c.pos_ == "ADJ")
        or c.i == head.i + 1 and c.lemma_.lower() in lex.states]   # "présumés morts"
    among = _among_action(head, lex)
    if among:
        return among
    if head.lemma_.lower() in lex.presence_verbs:
        return _presence_action(head, cur, kind, lex, ctx)
    for verb, verb_role in verbs:
        action = _verb_action(verb, verb_role, lex)
        if action:
            # people at risk of a fate ("risquent de mourir") are affected, not yet its victims
            return "affected" if verb is not head and head.lemma_.lower() in lex.risk_verbs else action
    for verb, _ in verbs:
        lemma = verb.lemma_.lower()
        if lemma in lex.presence_verbs:
            return _presence_action(verb, cur, kind, lex, ctx)
        if lemma in lex.movement_verbs and (kind == "responder" or ctx.evacuation):
            return lex.movement_action.get(kind)
    return None


def _aid_for(doc: Doc, a: Amount, lex: Lexicon, window: int = 6) -> bool:
    """True for the people aid is meant for: "distribuer des vivres pour 80 000 familles"."""
    if a.start == 0 or doc[a.start - 1].lower_ not in lex.beneficiary_cases:
        return False
    return any(t.lemma_.lower() in lex.aid_nouns for t in doc[max(0, a.start - window):a.start - 1])


def _stray_predicate(noun: Token) -> Token | None:
    """A verb the parser conjoined to the counted noun instead of making the noun its subject
    ("640 personnes dont … ont été évacuées" parsed as a noun with a verb conjunct)."""
    if noun.dep_ not in ("ROOT", "root"):
        return None
    for c in noun.children:
        if c.dep_ == "conj" and c.i > noun.i and c.pos_ == "VERB" and \
                not any(g.dep_ in ARG_ROLES for g in c.children):
            return c
    return None


def _climb_action(anchor: Token, kind: str, lex: Lexicon, ctx: DocContext, own: bool = False) -> str | None:
    """Walk up the parse from the counted word to the predicate that says what befell it.
    A noun that names its own fate ("morts", "blessés") takes only its own clause's
    predicate, and only as that predicate's argument, never a verb further up."""
    cur = anchor
    for _ in range(MAX_CLIMB):
        head, dep = cur.head, cur.dep_
        stray = _stray_predicate(cur) if cur.pos_ in ("NOUN", "PROPN") else None
        if stray is not None and ctx.segments[stray.i] == ctx.segments[anchor.i]:
            action = _predicate_action(stray, cur, _voiced(stray, "subj"), kind, lex, ctx)
            if action:
                return action
        if head.i == cur.i or ctx.segments[head.i] != ctx.segments[anchor.i]:
            return None
        if head.i in ctx.noun_index and cur is anchor:
            return None                                # an item of another figure's list: see _share_actions
        if dep == "conj":
            cur = head
            if head.pos_ in ("VERB", "AUX"):
                action = _predicate_action(head, cur, "any", kind, lex, ctx)
                if action:
                    return action
            continue
        if dep == "nmod" and head.pos_ in ("NOUN", "PROPN") and head.lemma_.lower() in lex.nouns \
                and head.i not in ctx.noun_index:              # "l'évacuation de", not "200 morts, dont 120"
            action = lex.nouns[head.lemma_.lower()]
            # an attack "sur deux écoles" harms them; its "29 morts" keep their own fate
            return None if own and action in lex.thing_actions else action
        predicate = head.pos_ in ("VERB", "AUX", "ADJ") or any(c.dep_ == "cop" or c.dep_.startswith("aux")
                                                               for c in head.children)
        if own and not predicate and head.lemma_.lower() in lex.count_nouns:
            return None                                # "arrêter le bilan à 62 morts": what befell the count
        if predicate:
            if own and (dep not in ARG_ROLES or any(c.dep_ == "case" for c in cur.children)):
                return None                            # "a arrêté le chiffre à 62 morts"
            action = _predicate_action(head, cur, ARG_ROLES.get(dep, "any"), kind, lex, ctx)
            if action or own or head.dep_ in CLAUSE_EDGES:
                return action
        cur = head
    return None


def _governor(anchor: Token, ctx: DocContext) -> int | None:
    """The predicate of the figure's clause: the first verb, adjective or copula above it (or a
    verb the parser conjoined to it), None when there is none in its sentence."""
    for t in [anchor, *anchor.ancestors]:
        if ctx.segments[t.i] != ctx.segments[anchor.i]:
            return None
        stray = _stray_predicate(t) if t.pos_ in ("NOUN", "PROPN") else None
        if stray is not None:
            return stray.i
        if t is not anchor and (t.pos_ in ("VERB", "AUX", "ADJ") or
                                any(c.dep_ == "cop" or c.dep_.startswith("aux") for c in t.children)):
            return t.i
    return None


def _list_mate(noun: Token, ctx: DocContext) -> Figure | None:
    """The figure before this one in the same list: the noun it is conjoined to or that it
    details ("17 personnes, dont quatre enfants"), a conjoined sibling, or the subject it
    names ("les deux victimes sont une femme et un enfant")."""
    if any(c.dep_ == "cop" for c in noun.children):
        subj = next((c for c in noun.children if c.dep_ == "nsubj" and c.i in ctx.noun_index), None)
        if subj is not None:
            return ctx.noun_index[subj.i]
    if noun.head.i in ctx.noun_index and noun.head.i < noun.i and \
            noun.dep_ in ("conj", "nmod", "appos", "acl:relcl", "amod"):
        return ctx.noun_index[noun.head.i]
    if noun.dep_ != "conj":
        return None
    doc = noun.doc
    for i in sorted(ctx.noun_index, reverse=True):
        if i < noun.i and doc[i].head.i == noun.head.i:
            return ctx.noun_index[i]
    return None


def _action(doc: Doc, a: Amount, c: Counted, kind: str, lex: Lexicon, ctx: DocContext) -> tuple[str, str]:
    """The figure's action, and where it came from: "parse" (its governing predicate),
    "modifier" (a participle on the noun: "personnes sinistrées"), "own" (the noun itself: "morts"), "settled" (a presence verb or a convention),
    or "default" (a list mate, an antecedent, nothing)."""
    own = c.entry.get("action") if c.noun is not None else None
    found = _modifier_action(c.noun if c.noun is not None else c.anchor, lex)   # "dont 120 dans un état grave"
    if not found and c.noun is not None and c.noun.dep_ == "conj":
        found = _modifier_action(c.noun.head, lex)    # "4 000 maisons inondées, ainsi que 12 écoles"
    direct = _verb_action(doc[a.end], "any", lex) if c.noun is None and a.end < len(doc) else None
    if direct:                                         # "1.200 tuées et 240 enlevées"
        climbed = direct
    elif kind == "person" and _aid_for(doc, a, lex):
        climbed = "affected"
    else:
        climbed = _climb_action(c.anchor, kind, lex, ctx, own=bool(own))
    found = climbed if climbed and (climbed != "none" or not found) else found
    if found and own and own in lex.casualty and found in lex.casualty:
        found = None                                   # "270 tués et 2.600 blessés": each its own
    origin = "parse" if climbed and climbed == found else "modifier"
    action, origin = (found, origin if found != "none" else "settled") if found else (own, "own")
    mate = _list_mate(c.noun, ctx) if c.noun is not None else None
    if not action:
        origin = "default"
    if not action and mate is not None:
        action = mate.action                           # "… inondées, ainsi que 12 dispensaires"
    if not action and c.antecedent is not None:
        action = c.antecedent.action
    if not action:
        action = lex.movement_action.get(kind) if kind == "responder" else None
    if kind == "bodies":
        action, origin = "killed", "settled"
    elif c.total:
        action, origin = "none", "settled"
    return _thing_action(action or "none", kind, lex), origin


def _thing_action(action: str, kind: str, lex: Lexicon) -> str:
    """Things are counted in use (none) unless destroyed or damaged (affected)."""
    return action if kind != "thing" or action in lex.thing_actions else "none"


# --- lists ---------------------------------------------------------------------------------

def _share_actions(doc: Doc, lex: Lexicon, ctx: DocContext) -> None:
    """Figures in one list ("951 personnes dont 200 rebelles ainsi que 108 blessés ont été
    évacuées") share the action their governing predicate gives any of them; the items of a
    sub-list ("29 morts dont 27 policiers") take their head's action when nothing gives them one.
    A one-person count with no fate of its own ("une femme") stays only inside such a list.
    Two figures are in one list when only list words and punctuation stand between them."""
    figs = ctx.figures
    groups, sub = [], {}
    for k, fig in enumerate(figs):
        link = _list_link(doc, figs[k - 1], fig, lex, ctx) if k else None
        if link is None:
            groups.append([k])
            continue
        groups[-1].append(k)
        if link == "sub" or sub.get(k - 1) is not None:
            sub[k] = sub.get(k - 1, groups[-1][0]) if link != "sub" else k - 1
    alone = {k for group in groups if all(id(figs[j]) in ctx.provisional for j in group)
             for k in group}
    for group in groups:
        for k in group:
            # a sub-list's own fate ("40 blessés, dont sept sont morts") is not its head's
            parsed = [j for j in group if ctx.origin[id(figs[j])] == "parse" and (k in sub or j not in sub)
                      and ctx.governor[id(figs[k])] in (None, ctx.governor[id(figs[j])])]
            fig = figs[k]
            origin = ctx.origin[id(fig)]
            kind = ctx.entries[id(fig)].get("kind", "person")
            if origin in ("parse", "modifier", "settled"):
                continue
            if parsed:
                src = figs[min(parsed, key=lambda j: abs(j - k))]
            elif origin == "default" and k in sub:
                src = figs[sub[k]]
            else:
                continue
            fig.action = _thing_action(src.action, kind, lex)
            entry = ctx.entries[id(fig)]
            if entry.get("action") and fig.action != entry["action"]:
                fig.group = entry.get("as_group", fig.group)    # "108 blessés évacués": wounded
    kept = [k for k in range(len(figs)) if k not in alone]
    index = {k: n for n, k in enumerate(kept)}
    for group in groups:
        heads = [k for k in group if k not in sub and k in index]
        for k in group:
            if k in sub and sub[k] in index:
                figs[k].part_of = index[sub[k]]
            elif k in heads[1:]:
                figs[k].listed_with = index[heads[0]]
    ctx.figures = [figs[k] for k in kept]


def _list_link(doc: Doc, prev: Figure, fig: Figure, lex: Lexicon, ctx: DocContext) -> str | None:
    """How two successive figures are linked: "sub" through a sub-list word ("dont"),
    "list" through conjunctions and punctuation, None when other words stand between."""
    between = [t for t in doc.char_span(prev.end, fig.start, alignment_mode="expand") or ()
               if t.idx >= prev.end and t.idx + len(t) <= fig.start] if fig.start > prev.end else []
    if ctx.segments[ctx.first_token[id(fig)]] != ctx.segments[ctx.first_token[id(prev)]]:
        return None
    words = [lex.word(t.text) for t in between if not t.is_space]
    if not all(w in lex.list_words or not w.isalnum() for w in words):
        return None
    text = " ".join(words)
    return "sub" if any(w in text.split() or w in text for w in lex.sublist_words) else "list"


# --- status --------------------------------------------------------------------------------

def _chain(anchor: Token, seg: list[int]) -> list[Token]:
    """The anchor and its ancestors within its sentence, conj-parents included."""
    chain = [anchor]
    for t in anchor.ancestors:
        if seg[t.i] != seg[anchor.i]:
            break
        chain.append(t)
    return chain


def _status(anchor: Token, lex: Lexicon, seg: list[int]) -> str:
    """planned > cumulative > estimated > reported, from the words above the figure."""
    st = lex.status
    chain = _chain(anchor, seg)
    if any(_is_planned(t, st) for t in chain):
        return "planned"
    if _is_cumulative(anchor, chain, st, seg):
        return "cumulative"
    if any(_is_estimate(t, st) for t in chain):
        return "estimated"
    return "reported"


def _tenses(t: Token, feature: str) -> set[str]:
    """A verb's tense or mood, with its auxiliaries'."""
    values = set(t.morph.get(feature))
    for a in t.children:
        if a.dep_.startswith("aux"):
            values.update(a.morph.get(feature))
    return values


def _is_planned(t: Token, st: dict) -> bool:
    """A future, or a verb of planning not in the past ("doit partir", "devrait permettre")."""
    lemma = t.lemma_.lower()
    if "Fut" in _tenses(t, "Tense") or lemma in st["planned_nouns"]:
        return True
    return lemma in st["planned_verbs"] and not (_tenses(t, "Tense") & {"Past", "Imp"})


def _is_estimate(t: Token, st: dict) -> bool:
    """A conditional, a verb of estimating, or a hedge ("présumés") on the way up."""
    if "Cnd" in _tenses(t, "Mood"):
        return True
    lemma = t.lemma_.lower()
    if lemma in st["estimated_verbs"] or lemma in st["estimated_words"]:
        return True
    return any(c.lemma_.lower() in st["estimated_words"] for c in t.children if c.dep_ in ("amod", "advmod", "obl:mod"))


def _is_cumulative(anchor: Token, chain: list[Token], st: dict, seg: list[int]) -> bool:
    """A running total: "depuis le début" on the figure's clause, "en cinq ans"."""
    ids = {t.i for t in chain}
    doc, here = anchor.doc, seg[anchor.i]
    for t in doc[max(0, anchor.i - 40):min(len(doc), anchor.i + 40)]:
        if seg[t.i] != here or t.dep_ != "case":
            continue
        noun = t.head
        governor = noun.head
        lemma = t.lemma_.lower()
        attached = governor.i in ids or seg[governor.i] != here
        if lemma in st["cumulative_cases"] and attached and _is_time(noun, st):
            return True
        if lemma in st["cumulative_span_cases"] and attached and noun.lemma_.lower() in st["cumulative_spans"] and \
                any(c.dep_ == "nummod" or c.like_num for c in noun.children):
            return True
    return any(c.lemma_.lower() in st["cumulative_words"] for c in anchor.children)


def _is_time(t: Token, st: dict) -> bool:
    """True for the start of a running total ("depuis le début", "depuis le 6 mai"), not a place."""
    numeric = [t] + list(t.children)
    if t.lemma_.lower() in st["cumulative_starts"] or any(c.like_num or c.morph.get("NumType") for c in numeric):
        return True
    times = t.doc._.times if t.doc.has_extension("times") else None
    return any(x.start <= t.idx < x.end for x in times or ())


# --- assembling ----------------------------------------------------------------------------

def _figure(doc: Doc, a: Amount, lang: str, lex: Lexicon, ctx: DocContext) -> Figure | None:
    """The figure an amount makes, or None when it counts nothing that matters."""
    if a.start > 0 and doc[a.start - 1].lemma_.lower() in lex.skip_before:
        return None
    if a.end < len(doc) and doc[a.end].lower_.split("/")[0] in lex.skip_after:
        return None                                    # "137 km/h", "40 %"
    if a.low != int(a.low) or a.high != int(a.high):
        return None                                    # "9,7 tués par jour": a rate, not a count
    if _in_time(doc, a):
        return None
    c = _counted(doc, a, lang, lex, ctx)
    if c is None:
        return None
    kind = c.entry.get("kind", "person")
    action, origin = _action(doc, a, c, kind, lex, ctx)
    # one person counts when something befell them ("un adolescent tué", "un mort", "un corps")
    fated = origin in ("parse", "modifier") or kind == "bodies" or (origin == "own" and action in lex.casualty)
    if a.single and kind == "thing" and not (origin == "parse" and action in lex.thing_actions):
        return None                                    # "un camion", but "un autocar a plongé", "un des bus détruit"
    provisional = a.single and not (fated or _linked(c, ctx))   # kept only inside a list of figures
    qualifier, start = _qualifier(doc, a, lex)
    qualifier = qualifier or ("approx" if a.approx else "exact")
    group = c.entry.get("group", "people")
    own = c.entry.get("action")
    if own and action != own and c.noun is not None:
        group = c.entry.get("as_group", group)
    if c.antecedent is not None and c.noun is None:
        ante = ctx.entries.get(id(c.antecedent)) or {}
        group = c.antecedent.group
        if ante.get("action") and action != ante.get("action"):
            group = ante.get("as_group", group)
    end_tok = max(c.end, a.end)
    span = doc[start:end_tok]
    figure = Figure(text=span.text, start=span.start_char, end=span.end_char, low=a.low, high=a.high,
                    qualifier=qualifier, action=action, group=group, status=_status(c.anchor, lex, ctx.segments),
                    source=_source(doc, span.start_char, span.end_char, lang))
    ctx.entries[id(figure)] = c.entry
    ctx.origin[id(figure)] = origin
    ctx.governor[id(figure)] = _governor(c.anchor, ctx)
    if provisional:
        ctx.provisional.add(id(figure))
    ctx.first_token[id(figure)] = start
    if c.noun is not None:
        ctx.noun_index[c.noun.i] = figure
    return figure


def _in_time(doc: Doc, a: Amount) -> bool:
    """True for a number inside a temporal expression ("le 12 juin 2005"): a date, not a count."""
    times = doc._.times if doc.has_extension("times") else None
    start, end = doc[a.start].idx, doc[a.end - 1].idx + len(doc[a.end - 1])
    return any(x.start <= start and end <= x.end and x.type != "DURATION" for x in times or ())


def _linked(c: Counted, ctx: DocContext) -> bool:
    """True when a one-person count stands in a list with other figures ("seize Américains et un Canadien")."""
    if c.noun is None:
        return False
    near = [c.noun.head] + list(c.noun.children) + [c.noun.head.head]
    return any(t.i in ctx.noun_index and id(ctx.noun_index[t.i]) not in ctx.provisional for t in near)


def _source(doc: Doc, start: int, end: int, lang: str) -> str | None:
    if _source_for is None:
        return None
    return _source_for(doc, start, end, lang)
