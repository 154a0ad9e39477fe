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
from bisect import bisect_right
from collections import Counter
from datetime import date as Date
from functools import cached_property, lru_cache
from pathlib import Path

from .lang import resource
from .models import Event
from .roles import roles
from .tokens import using

from .attribution import inside_quote as _inside_quote, source_for as _source_for, subject_of as _subject_of

DATA = Path(__file__).parent / "data"
CITY_LEVELS = {"city", "below_city"}
DATE_VALUE = re.compile(r"^(\d{4})(-\d{2})?(-\d{2})?")
DISCOURSE_TIME = DISCOURSE_PLACE = True   # carry a paragraph's last time / city to an event lacking its own
LINE = re.compile(r"[^\n]+")
WEEK_VALUE = re.compile(r"^(\d{4})-W(\d{2})")


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
            "excluded_place_preps", "people_nouns", "place_or_bare", "not_reflexive", "reflexive_words",
            "distance_words", "direction_words", "direction_preps", "clause_deps", "frame_preps",
            "target_place_preps", "target_types", "locative_preps", "impersonal_subjects", "announce_verbs", "person_words", "destination_words",
            "non_anchor_time_preps", "one_off_types", "experiencer_verbs", "complementizers", "state_types", "movement_verbs", "arrival_verbs",
            "person_object_if_any", "generic_words", "statistic_words", "way_words", "official_words",
            "etre_verbs", "quantity_nouns", "wide_area", "contact_verbs", "said_deps", "official_subject",
            "official_actor_types", "blast_words", "attack_cues")}
        classes = {k: set(v) for k, v in lex.get("argument_classes", {}).items()}
        self.needs_subject = {k: classes[c] for k, c in lex.get("needs_subject", {}).items()}
        self.blocked_subjects = {k: classes[c] for k, c in lex.get("blocked_subjects", {}).items()}
        self.part_of = {k: set(v) for k, v in lex.get("part_of", {}).items()}
        self.place_patient_type = lex.get("place_patient_type", {})
        self.reporting = set(resource(lang, "reporting").get("verbs", [])) | self.sets["contact_verbs"]
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

    @cached_property
    def trigger_words(self) -> frozenset:
        """Every lemma and form that may be a trigger (a prefilter for lemma_of)."""
        return frozenset(self.lemma_type) | frozenset(self.form_lemma)

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

ORG_ACTORS = {"government", "igo", "ngo", "military", "armed_group", "party", "media", "company", "organisation"}


def _distance(a, b) -> int:
    """Number of dependency edges between two tokens of the same sentence."""
    chain = {t.i: n for n, t in enumerate([a, *a.ancestors])}
    for n, t in enumerate([b, *b.ancestors]):
        if t.i in chain:
            return n + chain[t.i]
    return 99


def _descent(a, b) -> list:
    """The tokens on the way down from the common ancestor of a and b to b (ancestor excluded)."""
    up = {t.i for t in [a, *a.ancestors]}
    path = []
    for t in [b, *b.ancestors]:
        if t.i in up:
            return path
        path.append(t)
    return path


def _finite(verb) -> bool:
    return "Fin" in verb.morph.get("VerbForm") or any(c.dep_.startswith("aux") for c in verb.children)


def _crosses_clause(trigger, root, lex: Lexicon, finite_only: bool = False) -> bool:
    """Whether reaching `root` from the trigger enters another clause (a relative clause,
    reported speech, a subordinate clause) that the trigger does not head."""
    path = _descent(trigger, root)
    if not path:
        return False
    top = path[-1].head
    for t in path:
        if t.dep_ in lex.sets["clause_deps"] and (not finite_only or _finite(t)):
            if top.i == trigger.i and t.dep_ == "acl:relcl" and t.head.i == trigger.i:
                continue        # a clause describing the trigger itself ("l'explosion, survenue mardi")
            return True
    return False


def _root(doc, start: int, end: int):
    span = doc.char_span(start, end, alignment_mode="expand")
    return span.root if span is not None and len(span) else None


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
    """A TIMEX3 value reduced to the day or coarser ISO date (a week to its month), else None."""
    if not value:
        return None
    w = WEEK_VALUE.match(value)
    if w:
        try:
            return Date.fromisocalendar(int(w.group(1)), int(w.group(2)), 4).isoformat()[:7]
        except ValueError:
            return w.group(1)
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


def _prep(root) -> str:
    """The preposition of a phrase; a conjunct without one shares its first conjunct's."""
    cases = [c.lower_ for c in root.children if c.dep_ == "case"]
    if not cases and root.dep_ == "conj" and root.head.i != root.i:
        return _prep(root.head)
    return cases[0] if cases else ""


def _in_quote(doc, token, lang) -> bool:
    return _inside_quote(doc, token.idx, token.idx + len(token), lang) is not None


def _subject(token, lang):
    """Who acts through a verb trigger, as the attribution stage finds it."""
    return _subject_of(token, lang)


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


def _inside_entity(token, lex: Lexicon) -> bool:
    """Inside a name ("Haut-Commissariat pour les réfugiés"), unless the trigger is a common
    noun that opens the name ("la tempête Daniel", "le cyclone Idai")."""
    if token.ent_type_ not in lex.sets["skip_inside_entities"]:
        return False
    return not (token.ent_iob_ == "B" and token.text[:1].islower())


def _acceptable(token, lemma: str, lex: Lexicon, place_tokens: dict, lang: str) -> bool:
    """Whether a token bearing a trigger lemma really names a happening here."""
    if token.pos_ in ("PROPN", "DET", "ADP", "PRON", "PUNCT", "NUM"):
        return False
    if _inside_entity(token, lex):
        return False
    if lemma in lex.sets["noun_only"] and token.pos_ not in ("NOUN",):
        return False
    if lemma in lex.sets["verb_only"] and token.pos_ not in ("VERB", "ADJ", "AUX"):
        return False
    if lemma in lex.context:
        near = {c.lemma_.lower() for c in token.children} | {c.lower_ for c in token.children}
        if token.dep_ in ("xcomp", "acl") and token.pos_ == "ADJ":
            near |= {c.lower_ for c in token.head.children}
        if not near & lex.context[lemma]:
            return False
    if lemma in lex.sets["not_reflexive"] and any(
            c.lower_ in lex.sets["reflexive_words"] for c in token.children if c.dep_.startswith("expl")):
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
    if lemma in lex.sets["place_or_bare"] and any(
            c.dep_ == "det" and "Yes" in c.morph.get("Poss") for c in token.children):
        return False            # "son siège de Londres": a headquarters
    if lemma in lex.sets["place_or_bare"]:
        nmods = [c for c in token.children if c.dep_ == "nmod" and _prep(c) in lex.sets["origin_preps"]]
        if any(not any(t.i in place_tokens for t in c.subtree) for c in nmods):
            return False        # "le siège du parti": a seat, not a siege
    people = lex.sets["people_nouns"]
    if (lemma in people or lex.form_lemma.get(token.lower_) in people or token.lemma_.lower() in people) \
            and _names_people(token, place_tokens):
        return False
    if not _subject_fits(token, lemma, lex):
        return False
    if lemma in lex.sets["person_object_if_any"] and any(
            not _is_person(o, lex) for o in objects if o.dep_ in ("obj", "nsubj:pass")):
        return False        # "rassembler des informations": things gathered, not people
    if lemma in lex.sets["official_subject"] and not _official_subject(token, lex):
        return False        # "des jeunes se rendent dans les zones sinistrées": a trip, not a visit
    if lemma in lex.sets["needs_person_object"]:
        if token.pos_ == "VERB" and not objects and token.dep_ not in ("acl", "amod", "advcl"):
            return False
        patients = [c for c in token.children if c.dep_ in ("obj", "nsubj:pass")]
        if token.dep_ in ("acl", "amod"):
            patients.append(token.head)
        if token.pos_ == "NOUN":        # "la libération de X": X is what is freed
            patients += [c for c in token.children if c.dep_ == "nmod" and _prep(c) in ("de", "d'", "du", "des")]
        if patients and not any(_is_person(p, lex) and p.i not in place_tokens for p in patients):
            return False        # "libérant une vague": a thing set free, not people
    if lex.lemma_type.get(lemma) == "statement" and not _is_statement(token, lemma, lex, lang):
        return False
    if lex.lemma_type.get(lemma) != "statement" and _generic(token, lex):
        return False
    if lemma in lex.sets["needs_plural_or_det"] and token.pos_ == "NOUN":
        if "Plur" not in token.morph.get("Number") and not any(c.dep_ == "det" for c in token.children):
            return False
    return True


def _generic(token, lex: Lexicon) -> bool:
    """A happening spoken of as a kind, in a statistic or a habit ("ces accidents surviennent
    fréquemment", "une moyenne de dix morts par jour"), not one that took place."""
    if token.pos_ == "NOUN" and any(c.dep_ == "nummod" and _count(c) >= 50 for c in token.children):
        return True         # "quelque 400 000 accidents": a tally of many, not one happening
    doc, clause = token.doc, [token, *token.ancestors]
    words = {c for t in clause for c in t.children} | set(clause)
    lowers = {t.lower_ for t in words} | {f"{t.lower_} {doc[t.i + 1].lower_}" for t in words if t.i + 1 < len(doc)}
    if lowers & lex.sets["generic_words"]:
        return True
    sent = token.sent
    pairs = {f"{a.lower_} {b.lower_}" for a, b in zip(sent, sent[1:])} | {t.lower_ for t in sent}
    return bool(pairs & lex.sets["statistic_words"])


def _count(token) -> float:
    """The value of a number written in digits ("426 000", "1.200"), else 0."""
    digits = "".join(ch for ch in token.text if ch.isdigit())
    plain = token.text.replace("\u202f", "").replace(" ", "").replace(".", "")
    return float(digits) if digits and plain.isdigit() else 0


def _patients(token) -> list:
    """Who or what a verb or participle acts on: its object, its passive subject, or the noun
    a participle describes."""
    out = [c for c in token.children if c.dep_ in ("obj", "nsubj:pass")]
    if token.dep_ in ("acl", "amod") and token.head.i != token.i:
        out.append(token.head)
    return out


def _subjects(token) -> list:
    """Who or what does or undergoes an intransitive verb: its subject, the antecedent of a
    relative "qui", or the noun a participle describes."""
    subj = [c for c in token.children if c.dep_ in ("nsubj", "nsubj:pass")]
    if token.dep_ in ("acl", "amod", "acl:relcl") and token.head.i != token.i and (
            not subj or any("Rel" in c.morph.get("PronType") for c in subj)):
        return [token.head]
    if not subj and token.head.i != token.i and (token.dep_ in ("xcomp", "conj") or (
            token.dep_ == "advcl" and "Inf" in token.morph.get("VerbForm"))):
        return _subjects(token.head)         # "… a quitté la route avant de s'écraser"
    return subj


def _subject_fits(token, lemma: str, lex: Lexicon) -> bool:
    """Whether the subject is of the class the trigger needs ("un immeuble s'effondre", "un
    train percute…") and not of a class it excludes ("la pluie s'est abattue")."""
    need, blocked = lex.needs_subject.get(lemma), lex.blocked_subjects.get(lemma)
    if need is None and blocked is None:
        return True
    subjects = _subjects(token)
    if not subjects:       # a subject the parse lost: the words of the clause before the verb
        subjects = [t for t in token.sent if t.i < token.i and t.pos_ == "NOUN"]
    words = {w for s in subjects for w in (s.lemma_.lower(), s.lower_)}
    if need is not None and not words & need:
        return False
    return not (blocked is not None and words & blocked)


def _official_subject(token, lex: Lexicon) -> bool:
    """A subject that is a government, an army or an international body (an official visit)."""
    doc = token.doc
    for s in _subjects(token):
        if s.lemma_.lower() in lex.sets["official_words"] or s.lower_ in lex.sets["official_words"]:
            return True
        lo, hi = s.left_edge.idx, s.right_edge.idx + len(s.right_edge)
        if any(a.type in lex.sets["official_actor_types"] and lo <= a.start < hi for a in doc._.actors or []):
            return True
    return False


def _is_person(token, lex: Lexicon) -> bool:
    """A noun phrase for people: a name, a pronoun, a counted group or a word for people."""
    if token.pos_ in ("PROPN", "PRON") or token.ent_type_ == "PER":
        return True
    if any(c.pos_ == "NUM" or c.like_num for c in token.children):
        return True
    if token.lemma_.lower() in lex.sets["quantity_nouns"]:      # "des centaines de migrants"
        return any(c.dep_ == "nmod" and _is_person(c, lex) for c in token.children)
    return token.lemma_.lower() in lex.sets["person_words"] or token.lower_ in lex.sets["person_words"]


def _names_people(token, place_tokens) -> bool:
    """A word for people ("les déplacés", "un camp de réfugiés") rather than for their flight:
    used as a noun, with no place they came from, or as the modifier of another noun."""
    nominal = token.pos_ in ("NOUN", "PRON") or any(c.dep_ == "det" for c in token.children) \
        or token.dep_ in ("nsubj", "obj", "nmod", "obl", "obl:arg", "nsubj:pass")
    if not nominal:
        return False
    if token.dep_ == "nmod" and token.head.pos_ == "NOUN":
        return True
    return not any(t.i in place_tokens for t in token.subtree if t.i != token.i)


def _is_statement(token, lemma: str, lex: Lexicon, lang: str) -> bool:
    """An accusation, demand, denial or claim someone makes — not reported speech inside a
    quotation, a participle used as an adjective, an infinitive of purpose, or a source
    merely giving news or a toll."""
    doc = token.doc
    if _in_quote(doc, token, lang):
        return False
    reporting = lemma in lex.sets["claim_verbs"] or lemma in lex.sets["announce_verbs"]
    if token.pos_ == "NOUN":
        return not reporting
    if token.dep_ in ("acl", "amod") or token.dep_ == "acl:relcl" and not any(
            c.dep_ == "nsubj" and "Rel" in c.morph.get("PronType") for c in token.children):
        return False            # a participle describing a noun; a relative clause not said by its antecedent
    if "Inf" in token.morph.get("VerbForm") and token.dep_ in ("advcl", "acl", "obl", "nmod"):
        return False
    subj = _speaker(token, lang)
    if subj is None or subj.lower_ in lex.sets["impersonal_subjects"]:
        return False
    subject = {t.i for t in subj.subtree}
    if lemma in lex.sets["announce_verbs"] and not any(
            c.dep_ == "obj" and c.pos_ == "NOUN" and c.i not in subject for c in token.children):
        return False            # news reported ("…, a annoncé l'ONU"), not a decision announced
    if lemma in lex.sets["claim_verbs"]:
        if any(c.dep_.startswith("expl") for c in token.children):
            return False
        said = [t for c in token.children if c.i != subj.i and _said_clause(c, lex) for t in c.subtree]
        if not said:
            return _after_quote(token, lang)
        lo, hi = min(t.idx for t in said), max(t.idx + len(t) for t in said)
        if any(lo <= f.start < hi for f in doc._.figures or []):
            return False        # a source giving a toll, not a claim
    return True


def _said_clause(child, lex: Lexicon) -> bool:
    """What a reporting verb says: its object or complement clause, also when the parse
    takes a "que" clause for an adverbial one."""
    if child.dep_ in ("obj", "ccomp", "xcomp"):
        return True
    return child.dep_ == "advcl" and any(
        c.dep_ == "mark" and c.lower_.replace("’", "'") in lex.sets["complementizers"] for c in child.children)


def _after_quote(token, lang) -> bool:
    """A verb in the incise right after a direct quotation ("« … », a assuré le porte-parole")."""
    text = token.doc.text
    for q in token.doc._.quotes or []:
        if 0 <= token.idx - q.end <= 12 and text[q.end:token.idx].strip(" ,\u00a0»\"”").split() in ([], ["a"], ["ont"]):
            return True
    return False


def _speaker(token, lang):
    """Who speaks through a statement verb; a verb coordinated with another shares its subject."""
    if token.pos_ == "ADJ" and token.dep_ in ("xcomp", "acl"):     # "s'est dit indigné"
        return _speaker(token.head, lang)
    subjects = [c for c in token.children if c.dep_ in ("nsubj", "nsubj:pass")]
    if token.dep_ == "conj" and token.head.pos_ == "VERB" and (not subjects or (
            all(c.i > token.i for c in subjects) and not any(c.dep_.startswith("aux") for c in token.children))):
        return _speaker(token.head, lang)   # "a qualifié … et exigé le retrait": a shared subject
    subj = _subject(token, lang)
    if subj is None and token.pos_ not in ("VERB", "AUX") and token.head.i == token.i - 1 \
            and token.head.pos_ == "PROPN":
        return token.head       # a verb the tagger missed ("Kigali dément."): the name before it
    return subj


def _triggers(doc, text, lex: Lexicon, lang: str) -> list[tuple]:
    """[(token, type, lemma-or-phrase)] in text order, one per trigger token."""
    found, covered = _phrase_triggers(doc, text, lex)
    place_tokens = _place_roots(doc)
    for token in (doc[i] for i in using(doc, lex.trigger_words)):
        if token.i in covered or token.i in place_tokens:
            continue
        lemma = lex.lemma_of(token)
        if lemma and _acceptable(token, lemma, lex, place_tokens, lang):
            found.append((token, lex.lemma_type[lemma], lemma))
        elif lemma in lex.place_patient_type and _place_patient(token, place_tokens):
            found.append((token, lex.place_patient_type[lemma], lemma))   # "la libération de Mossoul": its capture
    found += _vehicle_triggers(doc, lex, found, {t.i for t, _, _ in found} | covered)
    found.sort(key=lambda f: f[0].i)
    return _drop_nested(_retype_blasts(doc, found, lex), lex)


def _part_of(lemma: str, found: list, lex: Lexicon) -> bool:
    """A consequence (a building that collapses, an "accident") of a happening of another kind
    the report tells (an earthquake, a strike) is part of it, not an event of its own."""
    causes = lex.part_of.get(lemma)
    return bool(causes) and any(typ in causes and other not in lex.part_of and other not in lex.sets["blast_words"]
                                for _, typ, other in found)


def _retype_blasts(doc, found: list, lex: Lexicon) -> list:
    """An explosion is the attack the report speaks of (a bombing, a suicide attack), a part of
    the fighting its paragraph tells (detonations heard during combat), else an accident; a
    consequence of another happening is part of it."""
    blasts = lex.sets["blast_words"]
    if not any(lemma in blasts or lemma in lex.part_of for _, _, lemma in found):
        return found
    words = {t.lower_ for t in doc} | {t.lemma_.lower() for t in doc}
    attack = bool(words & lex.sets["attack_cues"]) or any(
        typ == "attack" and lemma not in blasts for _, typ, lemma in found)
    paras = _paragraphs(doc.text)
    fighting = {paras[bisect_right(paras, t.idx) - 1] for t, typ, _ in found if typ == "battle"}
    out = []
    for token, typ, lemma in found:
        if _part_of(lemma, found, lex):
            continue
        if lemma in blasts:
            if attack:
                typ = "attack"
            elif paras[bisect_right(paras, token.idx) - 1] in fighting:
                continue
        out.append((token, typ, lemma))
    return out


def _place_patient(token, place_tokens: dict) -> bool:
    """Whether what the trigger acts on is a place (its object, passive subject, "de" noun or
    the noun it describes)."""
    heads = _patients(token) + [c for c in token.children if c.dep_ == "nmod" and _prep(c) in ("de", "d'", "du", "des")]
    return any(t.i in place_tokens for t in heads)


def _vehicle_triggers(doc, lex: Lexicon, found: list, taken: set[int]) -> list[tuple]:
    """A convoy, lorry, bus or ship that sets off or arrives ("les camions sont entrés dans X",
    "un convoi doit partir jeudi de Y"): aid or an evacuation, told by its cargo, by the kind of
    vehicle, else by which of the two the report speaks of more."""
    vehicles, cargo = lex.raw.get("vehicles", {}), lex.raw.get("cargo_words", {})
    if not vehicles:
        return []
    counts = Counter(typ for _, typ, _ in found if typ in cargo)
    dominant = counts.most_common(1)[0][0] if counts else None
    out = []
    for verb in doc:
        if verb.pos_ != "VERB" or verb.i in taken or verb.lemma_.lower() not in lex.sets["arrival_verbs"]:
            continue
        near = [*verb.children, *(verb.head.children if verb.dep_ == "xcomp" else [])]   # "doit partir"
        movers = [c for c in near if c.i < verb.i and c.pos_ == "NOUN"
                  and c.lemma_.lower() in vehicles and not any(g.dep_ == "case" for g in c.children)]
        if not movers or any(c.dep_ == "obj" and c.lemma_.lower() in lex.sets["way_words"] for c in verb.children):
            continue        # "le car a quitté la route": an accident, not a departure
        carried = [t for m in movers for t in m.subtree]
        typ = _cargo_type(carried, cargo) or next(
            (vehicles[t.lemma_.lower()] for t in carried if vehicles.get(t.lemma_.lower())), None) \
            or _cargo_type(list(verb.subtree), cargo) or dominant
        if typ:
            out.append((verb, typ, verb.lemma_.lower()))
    return out


def _cargo_type(tokens, cargo: dict) -> str | None:
    """The type whose cargo words (aid supplies, people) the tokens name."""
    words = {t.lemma_.lower() for t in tokens} | {t.lower_ for t in tokens}
    return next((typ for typ, nouns in cargo.items() if words & set(nouns)), None)


def _drop_nested(found: list, lex: Lexicon) -> list:
    """One trigger per happening in a clause: a trigger within two edges below another of
    its type ("a tiré une salve de roquettes") is the same happening; one below a trigger
    that absorbs its type is part of it ("une frappe suivie d'un incendie") or its topic
    ("des négociations sur une trêve")."""
    by_i = {t.i: typ for t, typ, _ in found}
    absorbs = lex.raw.get("absorbs", {})
    out = []
    for token, typ, lemma in found:
        heads = [token.head, token.head.head, token.head.head.head]
        if typ != "statement" and any(h.i != token.i and by_i.get(h.i) == typ for h in heads[:2]):
            continue
        if any(h.i != token.i and typ in absorbs.get(by_i.get(h.i), ()) for h in heads):
            continue
        out.append((token, typ, lemma))
    return out


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


def _frames(trigger, rivals, lex: Lexicon) -> list:
    """Rivals that only frame the trigger in time and place ("lors d'un sommet vendredi à
    Harare, ils ont réclamé…")."""
    out = []
    doc = trigger.doc
    for r in rivals:
        if trigger.i not in (r.head.i, r.head.head.i):
            continue
        lo = r.left_edge.i
        words = {doc[k].lower_.replace("’", "'") for k in range(max(lo - 2, 0), lo + 1)}
        two = {f"{doc[k].lower_} {doc[k + 1].lower_}".replace("’", "'") for k in range(max(lo - 3, 0), lo + 1)}
        if (words | two) & lex.sets["frame_preps"]:
            out.append(r)
    return out


def _date_for(trigger, typ, times, rivals, lex: Lexicon, kinds: dict) -> tuple[str | None, object]:
    """The trigger's own time; else a time governing its clause (inherited)."""
    usable = [(t, r) for t, r in times if t.type in ("DATE", "TIME") and _day(t.value)]
    frames = _frames(trigger, rivals, lex)
    near = [r for r in rivals if r not in frames]
    reachable = [(t, r) for t, r in usable if not _crosses_clause(trigger, r, lex, finite_only=True)]
    time = _nearest(trigger, reachable, near)
    if time is not None:
        return _day(time.value), time
    levels = {}
    for n, a in enumerate(trigger.ancestors):
        if kinds.get(a.i) == "statement" and typ != "statement":
            continue            # when an accusation was made is not when the act happened
        levels[a.i] = n
    inherited = [(levels[r.head.i], t) for t, r in usable if r.head.i in levels]
    if inherited:
        time = min(inherited, key=lambda x: x[0])[1]
        return _day(time.value), time
    return None, None


def _reference_point(root, lex: Lexicon) -> bool:
    """A place named only to locate another ("à 30 km de Damas", "au nord de la capitale",
    "près de Kidal")."""
    if any(c.lower_ in lex.sets["distance_words"] for c in root.head.children if c.dep_ == "advmod"):
        return True
    t = root
    for _ in range(3):
        t = t.head
        word = t.lower_
        if word in lex.sets["distance_words"]:
            return True
        if word in lex.sets["direction_words"] and _prep(t) in lex.sets["direction_preps"]:
            return True
        if t.head.i == t.i:
            break
    return False


def _inside_org(place, actors) -> bool:
    """A place word inside an organisation's name ("le ministère de la Défense")."""
    for a in actors:
        if a.type in ORG_ACTORS and a.start <= place.start and place.end <= a.end and (a.end - a.start) > (place.end - place.start):
            if a.country is None or a.text.lower().find(place.text.lower()) > 0:
                return True
    return False


def _agent_places(trigger, lang) -> set[int]:
    """Tokens of the subject that acts ("l'Égypte a envoyé de l'aide"): a country there is an agent."""
    verb = trigger if trigger.pos_ == "VERB" else (trigger.head if trigger.dep_ == "obj" else None)
    if verb is None:
        return set()
    subj = [c for c in verb.children if c.dep_ in ("nsubj", "obl:agent")]
    return {t.i for s in subj for t in s.subtree}


def _acting_root(root, lex: Lexicon) -> bool:
    """A place standing for who acts: the agent of a passive or participle ("initiée par
    Moscou"), or the subject of a verb with an object or a clause ("Paris a réclamé …")."""
    if root.dep_ == "obl:agent":
        return True
    if root.dep_ != "nsubj" or root.head.pos_ not in ("VERB", "AUX"):
        return False
    verb = root.head
    if verb.lemma_.lower() in lex.sets["experiencer_verbs"]:
        return False
    return verb.lemma_.lower() in lex.lemma_type and lex.lemma_type[verb.lemma_.lower()] == "statement" \
        or any(c.dep_ in ("obj", "ccomp", "xcomp") for c in verb.children)


def _agent_roots(sent_places, lex: Lexicon) -> set[int]:
    """Root tokens of the places that stand for an actor, with the places coordinated to
    them by the parse or by the surface ("par Moscou et Ankara")."""
    agents = {r.i for _, r in sent_places if _acting_root(r, lex)}
    doc = sent_places[0][1].doc if sent_places else None
    for p, r in sorted(sent_places, key=lambda pr: pr[1].i):
        first = r
        while first.dep_ == "conj" and first.head.i != first.i:
            first = first.head
        if first.i in agents:
            agents.add(r.i)
            continue
        span = doc.char_span(p.start, p.end, alignment_mode="expand")
        k = span.start - 1 if span is not None else r.i - 1
        if k >= 1 and (doc[k].pos_ == "CCONJ" or doc[k].text == ","):
            if doc[k - 1].i in agents or doc[k - 1].head.i in agents:
                agents.add(r.i)
    return agents


def _usable_places(trigger, typ, places, lex: Lexicon, actors, lang) -> list:
    agents = _agent_places(trigger, lang) if typ != "statement" else set()
    acting = _agent_roots(places, lex) if typ != "statement" else set()
    out = []
    for p, r in places:
        if p.level in ("continent", "water") or not (p.name or p.country):
            continue
        if _inside_org(p, actors) or _reference_point(r, lex):
            continue
        prep = _prep(r)
        if typ != "statement" and prep in lex.sets["excluded_place_preps"]:
            if not (typ in lex.sets["target_types"] and prep in lex.sets["target_place_preps"]
                    and p.level in CITY_LEVELS):
                continue
        if typ == "aid" and prep not in lex.sets["locative_preps"]:
            continue
        if p.level == "country" and r.i in agents or r.i in acting:
            continue
        if typ != "statement" and (_crosses_clause(trigger, r, lex) or _reported_from(r, trigger, lex)):
            continue
        if typ in lex.sets["origin_types"] and _toward(trigger, r, lex):
            continue            # people are evacuated or flee from a place, not to it
        if typ not in lex.sets["origin_types"] and _moved_from(trigger, r, lex):
            continue
        out.append((p, r))
    return out


def _reported_from(root, trigger, lex: Lexicon) -> bool:
    """Where a source speaks or is reached from ("a déclaré à Genève", "joint depuis Amman",
    "le porte-parole, depuis son siège de Londres"), not where what it tells happened: the
    first verb above the place reports, the place is not in what it says, and the verb does
    not take a happening as its object ("des combats ont été signalés à X")."""
    t, prev = root, root
    for _ in range(6):
        if t.head.i == t.i:
            return False
        prev, t = t, t.head
        if trigger is not None and t.i == trigger.i:
            return False
        reports = t.lemma_.lower() in lex.reporting or t.lower_ in lex.reporting
        if t.pos_ in ("VERB", "AUX") or reports:
            happening = any(c.dep_ in ("obj", "nsubj:pass") and lex.lemma_of(c) for c in t.children)
            return reports and not happening and prev.dep_ not in lex.sets["said_deps"] \
                and not prev.dep_.startswith(("nsubj", "obl:agent"))
    return False


def _spoken_from(doc, place, lex: Lexicon) -> bool:
    """A place named as where a source speaks or was reached from ("joint depuis Amman")."""
    root = _root(doc, place.start, place.end)
    return root is not None and _reported_from(root, None, lex)


def _dateline(place, text: str) -> bool:
    """A dateline's city ("AMMAN (AFP) –"): written in capitals at the start of a line."""
    line_start = text.rfind("\n", 0, place.start) + 1
    return place.text.isupper() and not text[line_start:place.start].strip()


def _moved_from(trigger, root, lex: Lexicon) -> bool:
    """A place something came from, on another verb ("arrivé la veille de Benghazi"): not where
    the trigger happens."""
    if _prep(root) not in lex.sets["origin_preps"]:
        return False
    t = root
    for _ in range(3):
        if t.head.i == t.i:
            return False
        t = t.head
        if t.i == trigger.i:
            return False
        if t.pos_ == "VERB":
            return t.head.i != trigger.i and (t is root.head and root.dep_.startswith("obl")
                                              or t.lemma_.lower() in lex.sets["movement_verbs"])
    return False


def _bare_actor(root) -> bool:
    """A place name with no preposition as a subject or a sentence of its own ("Kiev et Moscou
    s'accusant…"): a government standing for its capital, not a location."""
    first = root
    while first.dep_ == "conj" and first.head.i != first.i:
        first = first.head
    return first.dep_ in ("nsubj", "ROOT") and first.pos_ == "PROPN" and not any(
        c.dep_ == "case" for c in first.children)


def _destination(root, lex: Lexicon) -> bool:
    """A place people or things go to ("vers Idleb", "en direction d'Idleb")."""
    return _prep(root) in lex.sets["destination_preps"] or (
        root.head.lower_ in lex.sets["destination_words"] and _prep(root.head) != "")


def _toward(trigger, root, lex: Lexicon) -> bool:
    """Whether a place lies on a destination phrase ("transférés vers des hôpitaux de Saïda")."""
    for t in _descent(trigger, root):
        if _prep(t) in lex.sets["destination_preps"]:
            return True
    return False


def _place_for(trigger, typ, usable, rivals, lex: Lexicon):
    def bonus(place, root):
        prep = _prep(root)
        b = 0.5 if place.level in CITY_LEVELS else 0
        if typ in lex.sets["origin_types"]:
            b += 1 if prep in lex.sets["origin_preps"] else 0
            b -= 3 if _toward(trigger, root, lex) else 0
        return b

    frames = _frames(trigger, rivals, lex)
    rivals = [r for r in rivals if r not in frames]
    best = _nearest(trigger, usable, rivals, bonus)
    if best is not None and best.level not in CITY_LEVELS and best.country:
        # "à Antalya, en Turquie": the country only says where the city is
        within = [(p, r) for p, r in usable if p.level in CITY_LEVELS and p.country == best.country]
        best = _nearest(trigger, within, rivals, bonus) or best
    return best


def _conj_places(place, usable, locative) -> list:
    """Other cities coordinated with the chosen one ("à Kassala et à Gedaref")."""
    roots = {id(p): r for p, r in usable}
    root = roots.get(id(place))
    if root is None or place.level not in CITY_LEVELS:
        return []
    return [p for p, r in usable if r.dep_ == "conj" and r.head.i == root.i and p.level in CITY_LEVELS
            and p.name and p.name != place.name and _prep(r) in locative]


def _main_places(doc, lex: Lexicon) -> tuple[object, str | None]:
    """The report's most-mentioned city (datelines and where sources speak from aside) and
    most-mentioned country."""
    places = doc._.places or []
    told = [p for p in places if not _spoken_from(doc, p, lex)]      # a city only spoken from is not the scene
    cities = Counter(p.name for p in places if p.level == "city" and p.name and not p.within
                     and not p.text.isupper() and any(q.name == p.name for q in told))
    countries = Counter(p.country for p in places if p.country and any(q.country == p.country for q in told))
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
    future = any(_future(t, lex) for t in chain[:3])
    date = _day(time.value) if time is not None else None
    window = {t.lower_ for t in sent if abs(t.i - trigger.i) <= 12}
    if (future or time_words & st["planning_words"] or (words | window) & st["planning_words"]
            or {t.lemma_.lower() for t in chain[1:4]} & st["planning_verbs"]
            or (date and doc_date and len(date) == 10 and date > doc_date)):
        return "planned"
    if time_words & st["ongoing_words"] or words & st["ongoing_words"]:
        return "ongoing"
    return lex.default_status.get(typ, "occurred")


def _future(verb, lex: Lexicon) -> bool:
    """A future or a conditional; a past conditional ("seraient morts", "aurait explosé") is the
    reportative conditional of news, a past happening told at second hand."""
    auxes = [c for c in verb.children if c.pos_ == "AUX"]
    if "Fin" not in verb.morph.get("VerbForm") and verb.pos_ != "AUX" and any("Cnd" in a.morph.get("Mood") and (
            a.dep_ == "aux:tense" or verb.lemma_.lower() in lex.sets["etre_verbs"]) for a in auxes):
        return any("Fut" in a.morph.get("Tense") for a in auxes)
    return any("Fut" in t.morph.get("Tense") or "Cnd" in t.morph.get("Mood") for t in [verb, *auxes])


# ------------------------------------------------------------------ roles

def _speaker_tokens(token, lang) -> list:
    subj = _speaker(token, lang) if token.pos_ != "NOUN" else None
    if subj is None:
        subj_list = [c for c in token.children if c.dep_ in ("nsubj", "obl:agent")]
        if token.pos_ == "NOUN":
            subj_list += [c for c in token.children if c.dep_ == "nmod" and _prep(c) in ("de", "d'", "du", "des")]
        return [t for s in subj_list for t in s.subtree]
    return list(subj.subtree)


def _speaker_country(doc, span_tokens, actors) -> str | None:
    """Country of who speaks: an actor in the subject phrase, else a country-level place there."""
    if not span_tokens:
        return None
    lo, hi = min(t.idx for t in span_tokens), max(t.idx + len(t) for t in span_tokens)
    for actor in actors:
        if actor.country and lo <= actor.start < hi:
            return actor.country
    for place in doc._.places or []:
        if place.country and lo <= place.start < hi:
            return place.country
    return None


def _statement_place(doc, token, place, actors, main_country, lex, lang):
    """A statement's place only when the text puts the speaker or the speaking there."""
    speaker = _speaker_tokens(token, lang)
    country = _speaker_country(doc, speaker, actors)
    spoken = {t.i for t in speaker}
    subj = _speaker(token, lang) if token.pos_ != "NOUN" else None
    if subj is not None:            # "Kigali dément", "Paris a appelé au calme"
        for p in doc._.places or []:
            if p.start <= subj.idx < p.end and p.level in CITY_LEVELS and p.name:
                return _city(p), p.country
    for p in doc._.places or []:     # "un responsable joint à Port-Soudan"
        root = _root(doc, p.start, p.end)
        if root is not None and root.i in spoken and p.level in CITY_LEVELS and p.name \
                and _prep(root) in lex.sets["locative_preps"] and not _inside_org(p, actors):
            return _city(p), p.country or country
    if place is not None and place.level in CITY_LEVELS and place.name:
        root = _root(doc, place.start, place.end)
        said = {t.i for c in token.children if c.dep_ in ("obj", "ccomp", "xcomp") for t in c.subtree}
        if root is not None and root.i not in said and root.i not in spoken and _distance(token, root) <= 2:
            return _city(place), place.country or country
    return None, country or main_country


def _frame_place(token, rivals, places, lex: Lexicon):
    """The city of a happening that frames a statement ("lors d'un sommet à Harare, ils ont réclamé")."""
    for frame in _frames(token, rivals, lex):
        inside = {t.i for t in frame.subtree}
        for p, r in places:
            if r.i in inside and p.level in CITY_LEVELS and p.name:
                return _city(p), p.country
    return None


# ------------------------------------------------------------------ main

def find(doc, lang: str) -> list[Event]:
    """The events the report describes, one per distinct happening."""
    return _find(doc, lang)


class _Mention:
    """One trigger's event with what is known about how its facts were found."""
    __slots__ = ("event", "heading", "para", "sent", "date_guessed", "place_guessed", "speaker")

    def __init__(self, event, heading, para, sent, date_guessed, place_guessed, speaker=None):
        self.event, self.heading, self.para, self.sent = event, heading, para, sent
        self.date_guessed, self.place_guessed, self.speaker = date_guessed, place_guessed, speaker


def _heading_lines(text, lex: Lexicon) -> list[tuple[int, int]]:
    """Character ranges of the lines that do not end like a sentence (titles, subheadings)."""
    ends = tuple(lex.raw.get("sentence_end", "."))
    return [(m.start(), m.end()) for m in LINE.finditer(text) if m.group().strip()
            and not m.group().rstrip().endswith(ends)]


def _paragraphs(text) -> list[int]:
    """Start offsets of the paragraphs (blocks separated by blank lines)."""
    return [0] + [m.end() for m in re.finditer(r"\n\s*\n", text)]


def _discourse(items, segment_start, para_start, heading_ranges):
    """The last item before the segment in its paragraph, outside headings (discourse anchor)."""
    best = None
    for item, root in items:
        if para_start <= item.start < segment_start and not any(a <= item.start < b for a, b in heading_ranges):
            best = (item, root)
    return best


def _find(doc, lang: str) -> list[Event]:
    if not len(doc):
        return []
    lex = lexicon(lang)
    codes = event_types()
    text = doc.text
    times_all = doc._.times or []
    places_all = doc._.places or []
    actors = doc._.actors or []
    figures = doc._.figures or []
    doc_date = doc._.date
    main_city, main_country = _main_places(doc, lex)
    triggers = _triggers(doc, text, lex, lang)
    if not triggers:
        return []
    sents = {t.i: t.sent for t, _, _ in triggers}
    kinds = {t.i: typ for t, typ, _ in triggers}
    paras = _paragraphs(text)
    time_roots = [(t, r) for t, r in _anchors(doc, times_all, doc[:])
                  if t.type in ("DATE", "TIME") and _day(t.value)]
    place_roots = _anchors(doc, places_all, doc[:])
    by_sent: dict[int, list] = {}
    for p, r in place_roots:
        by_sent.setdefault(r.sent.start, []).append((p, r))
    acting_roots = set().union(*(_agent_roots(v, lex) for v in by_sent.values()))
    by_segment: dict[tuple, list] = {}
    for trig in triggers:
        sent = sents[trig[0].i]
        key = (sent.start, text.count("\n", sent.start_char, trig[0].idx))
        by_segment.setdefault(key, []).append(trig)
    segments = {k: _segment(doc, text, v[0][0], sents[v[0][0].i]) for k, v in by_segment.items()}
    heading_ranges = _heading_lines(text, lex)
    mentions: list[_Mention] = []
    for key, trigs in by_segment.items():
        sent = segments[key]
        para_start = paras[bisect_right(paras, sent.start_char) - 1]
        times = _anchors(doc, times_all, sent)
        places = _anchors(doc, places_all, sent)
        tokens = [t for t, _, _ in trigs]
        heading = _is_heading(text, sent, lex)
        spoken = set()
        for token, typ, lemma in trigs:
            rivals = [t for t in tokens if t is not token]
            date, time = _date_for(token, typ, times, rivals, lex, kinds)
            if date is None and not heading and DISCOURSE_TIME:
                anchor = _discourse([(t, r) for t, r in time_roots if _prep(r) not in lex.sets["non_anchor_time_preps"]
                                     and t.text.split()[0].lower() not in lex.sets["non_anchor_time_preps"]],
                                    sent.start_char, para_start, heading_ranges)
                if anchor is not None:
                    time = anchor[0]
                    date = _day(time.value)
            status = "occurred" if typ == "statement" else _status(token, typ, time, sent, lex, doc_date)
            usable = _usable_places(token, typ, places, lex, actors, lang)
            place = _place_for(token, typ, usable, rivals, lex)
            place_guessed = False
            speaker = None
            if typ == "statement":
                speaker = _speaker(token, lang) if token.pos_ != "NOUN" else None
                skey = speaker.i if speaker is not None else -1
                if skey in spoken:
                    continue
                spoken.add(skey)
                name, country = _statement_place(doc, token, place, actors, main_country, lex, lang)
                if name is None:
                    name, country = _frame_place(token, rivals, places, lex) or (name, country)
            else:
                wide = lemma in lex.sets["wide_area"]   # a quake strikes a region, not the city last named
                if place is None and not heading and DISCOURSE_PLACE and not wide:
                    cand = [(p, r) for p, r in place_roots if p.level in CITY_LEVELS
                            and not (r.dep_ == "nsubj" and kinds.get(r.head.i) == "statement")
                            and r.i not in acting_roots and not _destination(r, lex) and not _bare_actor(r)
                            and not _reported_from(r, None, lex) and not _dateline(p, text)]
                    cand = _usable_places(token, typ, cand, lex, actors, lang)
                    anchor = _discourse(cand, sent.start_char, para_start, heading_ranges)
                    if anchor is not None:
                        place = anchor[0]
                        place_guessed = True
                name, country = _event_place(place, None if wide else main_city, main_country)
                place_guessed = place_guessed or place is None
            guessed = date is None or _state_only(token, typ, time, lex)
            if guessed and status in ("occurred", "ongoing", "failed", "denied") and doc_date:
                date = doc_date
            own_figures = _figures_for(doc, token, figures, rivals, sent)
            agent, target = roles(token, typ, actors, lang, country or main_country, speaker,
                                  [figures[k] for k in own_figures])
            places_here = [(name, country, place)]
            if typ != "statement" and place is not None and not place_guessed:
                places_here += [(p.name, p.country, p) for p in _conj_places(place, usable, lex.sets["locative_preps"])]
            for name, country, where in places_here:
                lat = lon = None
                if where is not None and name == where.name:
                    lat, lon = where.lat, where.lon
                elif name and main_city is not None and name == main_city.name:
                    lat, lon = main_city.lat, main_city.lon
                ev = Event(
                    type=typ, trigger=token.text if " " not in lemma else lemma,
                    start=token.idx, end=token.idx + len(token), sentence=sent.text.strip(), date=date,
                    place=name, country=country, lat=lat, lon=lon, status=status, agent=agent, target=target,
                    figures=own_figures,
                    plover=lex.plover.get(lemma) or codes.get(typ, {}).get("plover"),
                    acled=codes.get(typ, {}).get("acled"))
                mentions.append(_Mention(ev, heading, para_start, sent.start_char, guessed, place_guessed,
                                         speaker))
    merged = _merge(mentions, lex)
    for ev in merged:
        ev.attribution = _attribution(doc, ev.start, ev.end, lang)
    return merged


def _state_only(token, typ, time, lex: Lexicon) -> bool:
    """A participle describing a place's lasting state ("des zones assiégées"): the sentence's
    time does not date it, unless the time belongs to the participle ("assiégée depuis juillet")."""
    if typ not in lex.sets["state_types"] or token.dep_ not in ("acl", "amod", "appos"):
        return False
    if token.pos_ not in ("VERB", "ADJ") and "Part" not in token.morph.get("VerbForm") \
            and not token.lower_.endswith(tuple(lex.raw.get("participle_endings", []))):
        return False
    root = _root(token.doc, time.start, time.end) if time is not None else None
    return root is None or token not in root.ancestors


def _city(place) -> str:
    """The city an event at this place is placed in (a known neighbourhood: its city)."""
    return place.city or place.name


def _event_place(place, main_city, main_country):
    if place is not None and place.level in CITY_LEVELS and place.name:
        return _city(place), place.country
    if place is not None and place.country:
        return None, place.country
    if main_city is not None:
        return main_city.name, main_city.country
    return None, main_country


def _figures_for(doc, token, figures, rivals, sent) -> list[int]:
    """The figures of the trigger's own clause: each figure of the sentence goes to the nearest
    trigger in the parse that could have done it. A trigger that itself says a fate ("ont fui":
    displaced) does not take a figure with another fate, which goes to the next one (the attack
    carries its toll)."""
    from .figures import fits_fate

    def fits(trigger, fig) -> bool:
        return fits_fate(trigger, fig.action, doc.lang_)

    out = []
    for n, fig in enumerate(figures):
        if sent.start_char <= fig.start < sent.end_char:
            root = _root(doc, fig.start, fig.end)
            if root is None:
                continue
            near = min((_distance(t, root) for t in [token, *rivals] if fits(t, fig)), default=None)
            if fits(token, fig) and _distance(token, root) == near:
                out.append(n)
    return out


def _attribution(doc, start: int, end: int, lang: str) -> str | None:
    """Who the report attributes the event to."""
    return _source_for(doc, start, end, lang)


def _dates_agree(a: _Mention, b: _Mention, one_off: bool) -> bool:
    da, db = a.event.date, b.event.date
    if a.date_guessed or b.date_guessed or not da or not db:
        return True
    if da.startswith(db) or db.startswith(da):
        return True
    if one_off and len(da) == len(db) == 10:
        try:
            return abs((Date.fromisoformat(da) - Date.fromisoformat(db)).days) <= 2
        except ValueError:
            return False
    return False


def _places_agree(a: _Mention, b: _Mention, one_off: bool = False) -> bool:
    pa, pb = a.event, b.event
    if (pa.place, pa.country) == (pb.place, pb.country):
        return True
    if (pa.place is None or pb.place is None) and (a.place_guessed or b.place_guessed or one_off):
        return (pa.country or pb.country) == (pb.country or pa.country)
    return False


def _absorb(kept: _Mention, new: _Mention) -> None:
    """Fill what the kept mention only guessed with what the new one states."""
    k, n = kept.event, new.event
    k.figures = sorted(set(k.figures) | set(n.figures))
    k.agent, k.target = k.agent or n.agent, k.target or n.target
    if (kept.date_guessed and not new.date_guessed) or (
            not new.date_guessed and k.date and n.date and len(n.date) > len(k.date)):
        k.date, kept.date_guessed = n.date, False
    elif not new.date_guessed and k.date and n.date and len(n.date) == len(k.date) and n.date < k.date:
        k.date = n.date
    if kept.place_guessed and not new.place_guessed and (n.place or n.country != k.country):
        k.place, k.country, k.lat, k.lon = n.place, n.country, n.lat, n.lon
        kept.place_guessed = False      # a stated city, or another country, beats a guessed city
    elif k.place is None and n.place and not new.place_guessed and n.country == k.country:
        k.place, k.lat, k.lon = n.place, n.lat, n.lon   # a city within the region stated


def _blast(ev: Event, lex: Lexicon) -> bool:
    return (lex.form_lemma.get(ev.trigger.lower()) or ev.trigger.lower()) in lex.sets["blast_words"]


def _merge(mentions: list[_Mention], lex: Lexicon) -> list[Event]:
    """One event per happening: mentions of the same type whose dates and places agree are
    merged; a statement merges with the previous one of the same speaker country and date
    in the same paragraph; a headline merges into the body event it announces."""
    body = [m for m in mentions if not m.heading]
    order = sorted(body, key=lambda m: (m.date_guessed + m.place_guessed, m.event.start))
    kept: list[_Mention] = []
    for m in order:
        ev = m.event
        if ev.type == "statement":
            continue
        one_off = ev.type in lex.sets["one_off_types"] or _blast(ev, lex)   # the explosion of the attack told
        same = next((k for k in kept if k.event.type == ev.type and _dates_agree(k, m, one_off)
                     and _places_agree(k, m, one_off)), None)
        if same is not None:
            _absorb(same, m)
            continue
        kept.append(m)
    statements = sorted((m for m in body if m.event.type == "statement"), key=lambda m: m.event.start)
    for m in statements:
        last = next((k for k in reversed(kept) if k.event.type == "statement"), None)
        if (last is not None and last.para == m.para and last.event.country == m.event.country
                and last.event.place == m.event.place and _dates_agree(last, m, False)):
            continue
        kept.append(m)
    for m in (m for m in mentions if m.heading):
        ev = m.event
        if any(k.event.type == ev.type and _dates_agree(k, m, True) and (
                ev.place is None or ev.place == k.event.place) and ev.country in (k.event.country, None)
               for k in kept):
            continue
        kept.append(m)
    out = [m.event for m in kept]
    out.sort(key=lambda ev: ev.start)
    return out
