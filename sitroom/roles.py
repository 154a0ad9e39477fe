"""Who did what to whom: each event's agent and target, from the trigger's own clause.

The agent is the subject of a verb trigger (or its passive agent, or the subject it
shares through a chain or a coordination), the possessor or "par" complement of a noun
trigger ("l'offensive de l'armée"), the subject of a support verb whose object the noun
trigger is ("l'armée a lancé une offensive"), a country adjective on it ("des frappes
russes"), and for a statement its speaker. The target is the object, the passive
subject, the complement of "contre"/"sur", the people an evacuation moves, else the
people the event's own figures count. Relative and personal pronouns and "ce dernier"
are resolved to their antecedent. Each role becomes an `EventActor` with the report's
most informative name for it, a type, a country and a canonical id (actors.canonical).
Dependency labels and words come from lang/<lang>/roles.json.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from spacy.tokens import Doc, Token

from . import actors as actor_lexicon
from . import attribution as attr
from .lang import resource
from .models import Actor, EventActor
from .numbers import approx_value, is_digits, is_number_word, is_vague

MAX_NAME_TOKENS = 8


@dataclass(frozen=True)
class Grammar:
    """A language's role data, as sets."""
    deps: dict
    agent_preps: frozenset
    target_preps: frozenset
    recipient_preps: dict
    possessor_preps: frozenset
    patient_types: frozenset
    support_verbs: frozenset
    demonym_types: dict
    anaphors: dict
    place_target_types: frozenset
    default_agents: dict
    undergoer_subject_types: frozenset
    undergo_verbs: frozenset

    def is_(self, tok: Token, role: str) -> bool:
        return tok.dep_ in self.deps[role]


@lru_cache(maxsize=None)
def grammar(lang: str) -> Grammar:
    r = resource(lang, "roles")
    return Grammar({k: frozenset(v) for k, v in r["deps"].items()}, frozenset(r["agent_preps"]),
                   frozenset(r["target_preps"]),
                   {k: frozenset(v) for k, v in r["recipient_preps"].items()}, frozenset(r["possessor_preps"]),
                   frozenset(r["patient_nominal_types"]), frozenset(r["support_verbs"]),
                   r["demonym_types"], r["anaphors"], frozenset(r["place_target_types"]), r["default_agents"],
                   frozenset(r["undergoer_subject_types"]), frozenset(r["undergo_verbs"]))


def roles(trigger: Token, typ: str, actors: list[Actor], lang: str, home: str | None,
          speaker: Token | None = None, figures: list | None = None) -> tuple[EventActor | None, EventActor | None]:
    """(agent, target) of the event the trigger names. `home`: the country a state actor
    with no stated nationality belongs to (where the event happens)."""
    g = grammar(lang)
    agent_tok, target_tok = _role_tokens(trigger, typ, g, lang)
    if typ == "statement" and speaker is not None:
        agent_tok = speaker
    agent = _actor(agent_tok, actors, lang, home) if agent_tok is not None else None
    if agent is None and typ == "statement":             # "selon X", an incise, the clause before
        source = attr.source_head(trigger.doc, trigger.idx, trigger.idx + len(trigger), lang)
        agent = _actor(source, actors, lang, home) if source is not None else None
    if agent is None and trigger.pos_ == "NOUN":
        agent = _demonym_actor(trigger, typ, g, lang)
    target = _actor(target_tok, actors, lang, home, places=typ in g.place_target_types) \
        if target_tok is not None else None
    if target is None and typ != "statement" and figures:
        target = _counted(figures, trigger.doc, actors, lang, home)
    if target is not None and agent is not None and target.name == agent.name:
        target = None
    if agent is None and typ in g.default_agents:
        agent = actor_lexicon.canonical(EventActor(**g.default_agents[typ]), lang)
    return agent, target


# ------------------------------------------------------------------ where the roles are

def _role_tokens(trigger: Token, typ: str, g: Grammar, lang: str) -> tuple[Token | None, Token | None]:
    if trigger.pos_ in ("VERB", "AUX") or "Part" in trigger.morph.get("VerbForm"):
        agent, target = _verb_roles(trigger, typ, g, lang)
        if typ in g.undergoer_subject_types and agent is not None and g.is_(agent, "subject"):
            agent, target = None, agent                 # "les habitants fuient": they are moved
    else:
        agent, target = _noun_roles(trigger, typ, g, lang)
    return agent, target


def _verb_roles(verb: Token, typ: str, g: Grammar, lang: str) -> tuple[Token | None, Token | None]:
    agent = target = None
    recipient = g.recipient_preps.get(typ, frozenset())
    for ch in verb.children:
        if g.is_(ch, "passive_agent") and agent is None:
            agent = ch
        elif g.is_(ch, "subject") and agent is None:
            agent = ch
        elif (g.is_(ch, "object") or g.is_(ch, "passive_subject")) and target is None:
            target = ch
        elif g.is_(ch, "oblique") and target is None and _prep(ch, g) in g.target_preps | recipient:
            target = ch
    if g.is_(verb, "participle") and verb.head.pos_ in ("NOUN", "PROPN") and target is None:
        target = verb.head                          # "le convoi visé par des tirs"
    up = verb.head
    shares = g.is_(verb, "chain") or g.is_(verb, "conjunct") or g.is_(verb, "adverbial_clause") and not _finite(verb)
    if shares and up.i != verb.i and up.pos_ in ("VERB", "AUX") and not any(
            g.is_(ch, "subject") or g.is_(ch, "passive_subject") for ch in verb.children):
        subject = next((ch for ch in up.children if g.is_(ch, "subject") or g.is_(ch, "passive_subject")), None)
        if subject is not None:                     # "libéré après avoir été enlevé": the same person
            if _passive(verb, g):
                target = target or subject
            elif agent is None and g.is_(subject, "subject"):
                agent = subject
    return agent, target


def _finite(verb: Token) -> bool:
    return "Fin" in verb.morph.get("VerbForm") or any(
        "Fin" in ch.morph.get("VerbForm") for ch in verb.children if ch.pos_ == "AUX")


def _passive(verb: Token, g: Grammar) -> bool:
    return any(g.is_(ch, "passive_aux") for ch in verb.children)


def _noun_roles(noun: Token, typ: str, g: Grammar, lang: str) -> tuple[Token | None, Token | None]:
    agent = target = None
    recipient = g.recipient_preps.get(typ, frozenset())
    for ch in noun.children:
        if g.is_(ch, "participle") and agent is None:      # "l'offensive menée par l'armée"
            agent = next((c for c in ch.children if g.is_(c, "passive_agent")), None)
        if not g.is_(ch, "noun_complement") or ch.i < noun.i:
            continue
        prep = _prep(ch, g)
        if prep in g.agent_preps and agent is None:
            agent = ch
        elif prep in g.target_preps | recipient and target is None:
            target = ch
        elif prep in g.possessor_preps and attr.is_agentive(ch, lang):
            if typ in g.patient_types and target is None:
                target = ch
            elif typ not in g.patient_types and agent is None:
                agent = ch
    head = noun.head
    if target is None and recipient:
        target = next((ch for ch in head.children if g.is_(ch, "oblique") and _prep(ch, g) in recipient
                       and head.pos_ in ("VERB", "AUX")), None)
    if target is None and head.lemma_.lower() in g.undergo_verbs and g.is_(noun, "object"):
        target = next((ch for ch in head.children if g.is_(ch, "subject")), None)   # "le convoi a essuyé des tirs"
    elif agent is None and head.lemma_.lower() in g.support_verbs and (
            g.is_(noun, "object") or g.is_(noun, "oblique") and not _prep(noun, g)):
        agent, other = _verb_roles(head, typ, g, lang)
        target = target or (other if other is not None and other.i != noun.i else None)
    if target is None and g.is_(noun, "subject") and head.pos_ in ("VERB", "AUX"):
        target = next((ch for ch in head.children if g.is_(ch, "object")), None)   # "l'attaque a tué N soldats"
    if agent is None and actor_lexicon._head_type(noun, actor_lexicon.lexicon(lang)):
        agent = noun                                # the trigger names who acts: "des manifestants"
    return agent, target


def _prep(tok: Token, g: Grammar) -> str:
    cases = [c.lower_ for c in tok.children if g.is_(c, "case")]
    return " ".join(cases) if cases else ""


# ------------------------------------------------------------------ who the tokens are

def _antecedent(tok: Token, g: Grammar, lang: str) -> Token:
    """A relative pronoun's noun, a personal pronoun's or "ce dernier"'s antecedent."""
    cues = attr.cues(lang)
    word = tok.lower_.replace("’", "'")
    if tok.pos_ == "PRON" and ("Rel" in tok.morph.get("PronType") or word in cues.relative_pronouns):
        verb = tok.head
        if not g.is_(verb, "relative_clause"):
            return tok
        tok = verb.head
    if tok.i > 0 and f"{tok.doc[tok.i - 1].lower_} {word}" in g.anaphors:      # "ce dernier"
        return _latest_named(tok, g) or tok
    if tok.pos_ == "PRON":
        return attr.resolve(tok, lang)
    counted = next((ch for ch in tok.children if g.is_(ch, "noun_complement") and ch.i > tok.i
                    and _prep(ch, g) in g.possessor_preps), None)
    if counted is not None and (approx_value(tok.lower_, lang) or is_vague(tok.lower_, lang)):
        tok = counted                                   # "des milliers d'habitants" → habitants
    return attr.corefer(tok, lang) if tok.pos_ == "NOUN" else tok


def _latest_named(tok: Token, g: Grammar) -> Token | None:
    """"ce dernier": the last agentive noun phrase head before it (a name, or a person noun)."""
    lang = tok.doc._.lang
    for k in range(tok.i - 2, max(-1, tok.i - 40), -1):
        cand = tok.doc[k]
        if cand.pos_ in ("NOUN", "PROPN") and attr.is_agentive(cand, lang) and not g.is_(cand, "determiner"):
            while cand.dep_.startswith("flat") and cand.head.i < cand.i:
                cand = cand.head                          # the name's first word
            return cand
    return None


def _actor(tok: Token, actors: list[Actor], lang: str, home: str | None, places: bool = True) -> EventActor | None:
    """The actor a role token names (None when it names no one). `places`: may a place
    stand for its state here ("Moscou accuse", not "ont bombardé Alep")?"""
    g = grammar(lang)
    tok = _antecedent(tok, g, lang)
    if tok.pos_ == "PRON":
        return None
    lex = actor_lexicon.lexicon(lang)
    named = _named_person(tok, lex, g)
    if named is not None:
        return actor_lexicon.canonical(named, lang)
    mention = next((a for a in actors if a.start <= tok.idx < a.end), None)
    org = _organisation(tok, lex)
    if org is not None:
        kind, name, country = org, _compound(tok), actor_lexicon._country(tok.doc[tok.i:tok.right_edge.i + 1], lex)
    elif mention is not None:
        kind = None if mention.type == "other" else mention.type
        name, country = _informative(mention.name, actors), mention.country
    else:
        kind = _place_actor(tok, lex)
        if kind is not None and not places:
            return None
        if kind is not None:
            name, country = tok.text, lex["places"].get(tok.text.lower())
        else:
            kind = actor_lexicon._head_type(tok, lex) or ("person" if tok.ent_type_ == "PER" else None) \
                or _people(tok)
            if kind is None:
                return _owner(tok, actors, lang, home, places)
            name, country = _short(tok, g), actor_lexicon._country(tok.doc[tok.i:tok.i + 1], lex)
    name = _without_count(name, lang)
    if kind == "person" and country is None:
        country = _person_country(tok, g, lex)
    if country is None and kind in actor_lexicon.STATE_TYPES:
        country = home
    return actor_lexicon.canonical(EventActor(name=name, type=kind, country=country), lang)


def _named_person(tok: Token, lex: dict, g: Grammar) -> EventActor | None:
    """A description with a person's name ("le président français Emmanuel Macron"): the
    name, a person, of the country its title gives."""
    span = attr.name_in(tok) if tok.pos_ in ("NOUN", "PROPN") else None
    if span is None:
        return None
    doc = tok.doc
    first = doc[span[0]]
    if not (first.ent_type_ == "PER" or tok.ent_type_ == "PER"):
        return None
    title = doc[min(tok.i, span[0]):max(tok.i + 1, span[0])]
    country = actor_lexicon._country(title, lex) if len(title) else None
    return EventActor(name=doc[span[0]:span[1]].text, type="person",
                      country=country or _person_country(first, g, lex))


def _compound(tok: Token) -> str:
    """A hyphenated name the tokeniser split ("Croissant-Rouge"), with its adjectives."""
    doc = tok.doc
    i, j = attr.phrase(tok, "none", describe=True)
    while i < tok.i and (doc[i].pos_ in ("DET", "ADP") or doc[i].is_punct):
        i += 1
    return doc[i:j].text if j - i <= MAX_NAME_TOKENS else tok.text


def _organisation(tok: Token, lex: dict) -> str | None:
    """The type of a known organisation named by the phrase tok heads ("le groupe État
    islamique", "Croissant-Rouge" split by the tokeniser)."""
    doc = tok.doc
    i, j = attr.phrase(tok, "none", describe=True)
    words = [t.text for t in doc[i:j]]
    for n in range(len(words), 0, -1):
        for k in range(len(words) - n + 1):
            glued = "".join(w + doc[i + k + m].whitespace_ for m, w in enumerate(words[k:k + n])).strip()
            kind = lex["orgs"].get(glued.lower())
            if kind and (len(glued) > 3 or glued.isupper()):
                return kind
    return None


def _people(tok: Token) -> str | None:
    """A capitalised plural noun inside a sentence names a people ("les Yézidis")."""
    if tok.is_sent_start or not tok.text[:1].isupper() or tok.ent_type_ in ("LOC", "ORG"):
        return None
    return "civilians" if "Plur" in tok.morph.get("Number") or tok.text.endswith("s") and tok.pos_ == "NOUN" else None


def _without_count(name: str, lang: str) -> str:
    """"Douze personnes" → "personnes": an actor's name is not its count."""
    words = name.split()
    while len(words) > 1 and (is_number_word(words[0].lower(), lang) or is_digits(words[0])
                              or approx_value(words[0].lower(), lang)):
        words = words[1:]
    return " ".join(words)


def _owner(tok: Token, actors: list[Actor], lang: str, home: str | None, places: bool) -> EventActor | None:
    """Whose a thing is, when the role names a thing: "des hélicoptères de l'armée" → the
    army; "un drone israélien" → Israel's military."""
    g = grammar(lang)
    if tok.pos_ != "NOUN":
        return None
    for ch in tok.children:
        if ch.i > tok.i and g.is_(ch, "noun_complement") and _prep(ch, g) in g.possessor_preps:
            found = _actor(ch, actors, lang, home, places)
            if found is not None:
                return found
    lex = actor_lexicon.lexicon(lang)
    for ch in tok.children:
        if g.is_(ch, "adjective"):
            for form in (ch.lower_, ch.lemma_.lower()):
                if form in lex["adjectives"]:
                    return actor_lexicon.canonical(EventActor(name=ch.text, type="military",
                                                              country=lex["adjectives"][form]), lang)
    return None


def _place_actor(tok: Token, lex: dict) -> str | None:
    """A country named as an actor is its state; a capital, its government ("Damas")."""
    places = tok.doc._.places if Doc.has_extension("places") else None
    for p in places or ():
        if p.start <= tok.idx < p.end and tok.text.lower() in lex["places"]:
            return "state" if p.level == "country" else "government"
    return None


def _short(tok: Token, g: Grammar) -> str:
    """The noun phrase without its determiner, relative clauses or long tails."""
    i, j = attr.phrase(tok, "names", describe=True)
    doc = tok.doc
    while i < j and (g.is_(doc[i], "determiner") or g.is_(doc[i], "case") or doc[i].like_num
                     or g.is_(doc[i], "number") or doc[i].is_punct):
        i += 1
    if j - i > MAX_NAME_TOKENS or i >= j:
        return tok.text
    return doc[i:j].text


def _informative(name: str, actors: list[Actor]) -> str:
    """An acronym or a surname → the fuller name the report gives ("FSR" → "Forces de
    soutien rapide (FSR)", "Lavrov" → "Sergueï Lavrov")."""
    for a in actors:
        full = a.name
        if full == name or len(full) <= len(name):
            continue
        if full.endswith(f"({name})") or full.split()[-1] == name and full[:1].isupper():
            return full
    return name


def _person_country(tok: Token, g: Grammar, lex: dict) -> str | None:
    """A person's country from the title before the name or in apposition to it
    ("le président syrien Bachar al-Assad", "Sergueï Lavrov, le ministre russe")."""
    doc = tok.doc
    words = []
    for k in range(tok.i - 1, max(-1, tok.i - 6), -1):
        if doc[k].pos_ in ("VERB", "AUX") or doc[k].is_punct and doc[k].text != ",":
            break
        words.append(doc[k])
    for ch in tok.children:
        if g.is_(ch, "apposition"):
            words += list(ch.subtree)
    if g.is_(tok, "apposition"):
        words.append(tok.head)
        words += [c for c in tok.head.children if g.is_(c, "adjective")]
    for t in words:
        for form in (t.lower_, t.lemma_.lower()):
            if form in lex["adjectives"]:
                return lex["adjectives"][form]
    return None


def _demonym_actor(noun: Token, typ: str, g: Grammar, lang: str) -> EventActor | None:
    """"des frappes russes": a country adjective on a noun trigger names that state's forces."""
    lex = actor_lexicon.lexicon(lang)
    for ch in noun.children:
        if g.is_(ch, "adjective"):
            for form in (ch.lower_, ch.lemma_.lower()):
                if form in lex["adjectives"]:
                    kind = g.demonym_types.get(typ, g.demonym_types["default"])
                    return actor_lexicon.canonical(EventActor(name=ch.text, type=kind,
                                                              country=lex["adjectives"][form]), lang)
    return None


def _counted(figures: list, doc: Doc, actors: list[Actor], lang: str, home: str | None) -> EventActor | None:
    """The people the event's own figures count ("951 personnes" evacuated, "91 personnes" killed)."""
    for fig in figures:
        span = doc.char_span(fig.start, fig.end, alignment_mode="expand")
        if span is None:
            continue
        heads = [t for t in span if t.pos_ == "NOUN" and not t.like_num]
        if heads:
            found = _actor(heads[0], actors, lang, home)
            if found is not None and found.type in ("civilians", "military", "armed_group", "police", "person"):
                return found
    return None
