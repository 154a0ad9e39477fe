"""Who a report attributes a statement to: one mechanism for figures, quotes and events.

A statement is attributed by the parse, not by surface patterns: the subject of a
reporting verb (lexicon in lang/<lang>/reporting.json) that governs the clause or sits
in an incise next to it ("…, a indiqué X", "« … » a-t-il dit"), or the noun governed by a
source marker ("selon X", "d'après X"). A pronoun subject is resolved to the nearest
agreeing subject before it. `source_for` returns the source as written (with its
apposition: "Le maire, Jean Dupont"); `speaker_for` returns the short name a quote
takes: the person's name when the phrase names one, the organisation the text names for
a collective description ("les rebelles", `corefer`), else the description less its
circumstances ("joint par téléphone" once "un membre du convoi" has identified him).
"""
from __future__ import annotations

from dataclasses import dataclass
from bisect import bisect_left
from functools import lru_cache

from spacy.tokens import Doc, Span, Token

from .errors import Errors, SitroomError
from .lang import resource

_SUBJECT_DEPS = ("nsubj", "csubj")
_AGENT_DEPS = ("obl:agent",)
_INVERTED_DEPS = ("obj", "nsubj", "nsubj:pass", "flat:name", "appos", "dep", "iobj", "nmod", "obl:arg")
_NP_SKIP_DEPS = {"acl:relcl", "parataxis", "dep", "cop", "aux", "aux:tense", "aux:pass", "nsubj",
                 "mark", "advcl", "ccomp", "xcomp", "expl:subj", "expl:comp", "reparandum"}
_OPEN_BRACKETS, _CLOSE_BRACKETS = "([", ")]"
_PARTICIPLE_DEPS = ("obj", "xcomp", "cop", "obl:arg", "iobj", "ccomp", "advmod")
_NOMINAL = ("NOUN", "PROPN", "PRON", "NUM", "X")
_PRONOUN_WINDOW = 250          # tokens searched back for a pronoun's antecedent
_MARKER_REACH = 8              # tokens after a quotation within which "selon X" attributes it


@dataclass(frozen=True)
class Cues:
    """A language's attribution cues, prepared for lookups."""
    verbs: frozenset
    quote_verbs: frozenset
    phrasal: dict              # verb lemma -> set of particle lemmas ("faire" -> {"état"})
    lemma_endings: tuple       # endings the lemmatiser may drop from a verb lemma
    markers: tuple             # tuples of lower-case token texts
    marker_next: tuple         # markers whose source is the marker's last word itself
    not_sources: frozenset
    documents: frozenset
    adjuncts: tuple
    pronouns: dict
    non_referring: frozenset
    quote_marks: tuple
    strong: frozenset
    incise_left: frozenset
    locative_cases: frozenset = frozenset()
    of_cases: frozenset = frozenset()
    place_nouns: frozenset = frozenset()
    collective_nouns: frozenset = frozenset()
    relative_pronouns: frozenset = frozenset()
    quote_openers: frozenset = frozenset()
    determined_of_cases: frozenset = frozenset()
    incise_marks: frozenset = frozenset()


def _bare(lemma: str, reflexives: tuple) -> str:
    for prefix in reflexives:
        if lemma.startswith(prefix):
            return lemma[len(prefix):]
    return lemma


@lru_cache(maxsize=None)
def cues(lang: str) -> Cues:
    """The language's reporting cues (cached)."""
    r = resource(lang, "reporting")
    simple, quote_simple, phrasal = set(), set(), {}
    reflexives = tuple(r["reflexive_prefixes"])
    for kind, entries in (("all", r["verbs"]), ("quote", r["quote_verbs"])):
        for entry in entries:
            words = _bare(entry, reflexives).split()
            if len(words) > 1:
                phrasal.setdefault(words[0], set()).add(words[-1])
            else:
                (simple if kind == "all" else quote_simple).add(words[0])
    norm = lambda seq: tuple(w.replace("’", "'") for w in seq)
    return Cues(frozenset(simple), frozenset(quote_simple), phrasal, tuple(r["infinitive_endings"]),
                tuple(norm(m) for m in r["markers"]), tuple(norm(m) for m in r["marker_head_is_next"]),
                frozenset(r["not_sources"]), frozenset(r["document_nouns"]),
                tuple(r.get("adjunct_prepositions", ())),
                r["pronouns"], frozenset(r["non_referring_pronouns"]),
                tuple(tuple(p) for p in r["quote_marks"]), frozenset(r["strong_punct"]),
                frozenset(r["incise_left"]), frozenset(r.get("locative_cases", ())),
                frozenset(r.get("of_cases", ())), frozenset(r.get("place_nouns", ())),
                frozenset(r.get("collective_nouns", ())), frozenset(r["relative_pronouns"]),
                frozenset(r["quote_openers"]), frozenset(r["determined_of_cases"]),
                frozenset(r.get("incise_marks", ())))


# --------------------------------------------------------------------------- quotations

def quote_regions(doc: Doc, lang: str) -> list[tuple[int, int]]:
    """Character ranges (opening mark, end after closing mark) of paired quotation marks."""
    key = ("sitroom_quote_regions", lang)
    if key not in doc.user_data:
        doc.user_data[key] = _pair_marks(doc.text, cues(lang).quote_marks)
    return doc.user_data[key]


def _pair_marks(text: str, pairs: tuple) -> list[tuple[int, int]]:
    regions = []
    opening = {o: c for o, c in pairs}
    pos, n = 0, len(text)
    while pos < n:
        ch = text[pos]
        close = opening.get(ch)
        if close is None:
            pos += 1
            continue
        end = _closing(text, pos, ch, close)
        if end is None:
            pos += 1
            continue
        regions.append((pos, end + 1))
        pos = end + 1
    return regions


def _closing(text: str, pos: int, open_mark: str, close_mark: str) -> int | None:
    """Offset of the mark closing the one at `pos`, within the same paragraph."""
    limit = text.find("\n\n", pos)
    limit = len(text) if limit < 0 else limit
    end = text.find(close_mark, pos + 1, limit)
    if end < 0:
        return None
    if open_mark != close_mark:
        reopen = text.find(open_mark, pos + 1, end)
        if reopen >= 0:
            return None
    return end


def inside_quote(doc: Doc, start_char: int, end_char: int, lang: str) -> tuple[int, int] | None:
    """The quotation region that contains the character span, if any."""
    for qs, qe in quote_regions(doc, lang):
        if qs <= start_char and end_char <= qe:
            return qs, qe
        if qs > start_char:
            break
    return None


# --------------------------------------------------------------------------- windows

def statement_window(doc: Doc, first: int, last: int, lang: str) -> tuple[int, int]:
    """Token range [i, j) of the statement around tokens first..last.

    Bounded by sentence-final punctuation or line breaks outside quotations, so a
    parser sentence split inside "…, a indiqué X." does not cut the statement.
    """
    bounds = _boundaries(doc, lang)
    k = bisect_left(bounds, first)
    i = bounds[k - 1] + 1 if k else 0
    k = bisect_left(bounds, last + 1)
    j = bounds[k] if k < len(bounds) else len(doc)
    return i, min(j + 1, len(doc))


def _boundaries(doc: Doc, lang: str) -> list[int]:
    """Indexes of the tokens that end a statement (computed once per doc)."""
    key = ("sitroom_statement_bounds", lang)
    if key not in doc.user_data:
        c, regions = cues(lang), quote_regions(doc, lang)
        doc.user_data[key] = [
            tok.i for tok in doc
            if ("\n" in tok.text or "\n" in tok.whitespace_ or tok.text in c.strong)
            and not _in_regions(tok.idx, regions)]
    return doc.user_data[key]


def _in_regions(char: int, regions: list) -> bool:
    for qs, qe in regions:
        if qs < char < qe - 1:
            return True
        if qs > char:
            return False
    return False


def previous_window(doc: Doc, window: tuple[int, int], lang: str) -> tuple[int, int] | None:
    """The statement window just before `window`, skipping blank tokens."""
    k = window[0] - 1
    while k >= 0 and (doc[k].is_space or doc[k].text in cues(lang).strong):
        k -= 1
    return statement_window(doc, k, k, lang) if k >= 0 else None


# --------------------------------------------------------------------------- cues in the parse

def is_reporting(tok: Token, lang: str, quotes: bool = False) -> bool:
    """True when the token is a reporting verb (phrasal ones included)."""
    if tok.pos_ not in ("VERB", "AUX"):
        if not (quotes and tok.pos_ in ("NOUN", "ADJ", "PROPN") and _after_incise_mark(tok, lang)):
            return False
    c = cues(lang)
    lemma = tok.lemma_.lower()
    for form in (lemma, *(lemma + e for e in c.lemma_endings)):   # the lemmatiser may drop the ending
        if form in c.verbs or (quotes and form in c.quote_verbs):
            return True
    particles = c.phrasal.get(lemma)
    return bool(particles) and any(ch.lemma_.lower() in particles for ch in tok.children)


def _after_incise_mark(tok: Token, lang: str) -> bool:
    """The word right after "», " — where a mistagged reporting verb usually sits."""
    k = tok.i - 1
    while k >= 0 and (tok.doc[k].is_space or tok.doc[k].pos_ == "AUX" or tok.doc[k].dep_.startswith("expl")):
        k -= 1
    return k >= 0 and tok.doc[k].text in cues(lang).incise_left


@lru_cache(maxsize=None)
def _markers_by_first_word(lang: str) -> dict[str, tuple]:
    """The source markers grouped by their first word, in the lexicon's order."""
    groups: dict[str, list] = {}
    for marker in cues(lang).markers:
        groups.setdefault(marker[0], []).append(marker)
    return {w: tuple(ms) for w, ms in groups.items()}


def markers_in(doc: Doc, i: int, j: int, lang: str) -> list[tuple[Token, Token]]:
    """(marker's first token, source head) for each source marker in tokens i..j."""
    c = cues(lang)
    by_first = _markers_by_first_word(lang)
    found = []
    lower = [t.lower_.replace("’", "'") for t in doc[i:j]]
    for k in range(len(lower)):
        for marker in by_first.get(lower[k], ()):
            if tuple(lower[k:k + len(marker)]) != marker:
                continue
            first, last = doc[i + k], doc[i + k + len(marker) - 1]
            head = last if marker in c.marker_next else _marker_head(first, last)
            if head is not None:
                found.append((first, head))
            break
    return found


def _marker_head(first: Token, last: Token) -> Token | None:
    for tok in (first, last):
        if tok.dep_ in ("case", "fixed", "mark") and tok.head.i > last.i:
            head = tok.head
            while head.dep_ == "fixed" and head.head.i > last.i:
                head = head.head
            return head
    nxt = last.doc[last.i + 1] if last.i + 1 < len(last.doc) else None
    while nxt is not None and nxt.pos_ in ("DET", "ADJ", "NUM") and nxt.head.i > nxt.i:
        nxt = nxt.head
    return nxt if nxt is not None and nxt.pos_ in _NOMINAL else None


def _own_children(verb: Token, lang: str) -> list[Token]:
    """The verb's dependents, less those inside a quotation the verb is not in."""
    regions = quote_regions(verb.doc, lang)
    lo, hi = statement_window(verb.doc, verb.i, verb.i, lang)
    children = [ch for ch in verb.children if lo <= ch.i < hi]
    if _in_regions(verb.idx, regions):
        return children
    return [ch for ch in children if not _in_regions(ch.idx, regions)]


def subject_of(verb: Token, lang: str) -> Token | None:
    """The token heading who speaks through `verb`: subject, agent, or inverted subject."""
    children = _own_children(verb, lang)
    for ch in children:                     # "…, écrit-elle, …": the inverted clitic is the subject
        if ch.pos_ == "PRON" and ch.text.startswith("-") and _clean(ch) in cues(lang).pronouns \
                and 0 < ch.i - verb.i <= 2:
            return ch
    for ch in children:
        if ch.dep_ in _SUBJECT_DEPS:
            if ch.pos_ == "PRON" and "Rel" in ch.morph.get("PronType") or \
                    _clean(ch) in cues(lang).relative_pronouns:
                return verb.head if verb.dep_ == "acl:relcl" else None
            return ch
    for ch in children:
        if ch.dep_ in _AGENT_DEPS and is_agentive(ch, lang):
            return ch
    expl = [ch for ch in children if ch.dep_ == "expl:subj" and _clean(ch) not in cues(lang).non_referring]
    if expl:
        return expl[-1]
    if _in_incise(verb, lang):
        inverted = _inverted_subject(verb, lang)
        if inverted is not None:
            return inverted
    lo, hi = statement_window(verb.doc, verb.i, verb.i, lang)
    if verb.dep_ in ("conj", "xcomp", "advcl") and verb.head.pos_ in ("VERB", "AUX") and verb.head.i != verb.i \
            and lo <= verb.head.i < hi:
        inherited = subject_of(verb.head, lang)
        if inherited is not None:
            return inherited
    return _left_subject(verb, lang)


def _inverted_subject(verb: Token, lang: str) -> Token | None:
    """In an incise ("…, a déclaré à la presse un responsable"), the first agentive
    noun after the verb that no preposition introduces."""
    doc = verb.doc
    _, hi = statement_window(doc, verb.i, verb.i, lang)
    c = cues(lang)
    for tok in doc[verb.i + 1:hi]:
        if tok.text in c.strong or tok.text in c.quote_openers or tok.pos_ in ("VERB",) and tok.dep_ != "acl":
            return None
        if tok.pos_ not in ("NOUN", "PROPN", "PRON") or _is_non_referring(tok, lang):
            continue
        if any(ch.dep_ == "case" and ch.pos_ == "ADP" for ch in tok.children) or doc[tok.i - 1].pos_ == "ADP":
            continue
        if is_agentive(tok, lang) or _bare_argument(tok, verb):
            return tok
    return None


def _bare_argument(tok: Token, verb: Token) -> bool:
    """"…, a déclaré le centre d'alerte": a determined noun the parser hangs on the verb
    itself, not a place or a time."""
    return tok.head.i == verb.i and tok.dep_ in ("nsubj", "obj") and tok.pos_ == "NOUN" \
        and any(g.dep_ == "det" for g in tok.children) and not _is_place(tok) and not _is_time(tok)


def _left_subject(verb: Token, lang: str) -> Token | None:
    """A subject the parser failed to attach: the nearest free subject, or a name just before."""
    doc = verb.doc
    lo, _ = statement_window(doc, verb.i, verb.i, lang)
    regions = quote_regions(doc, lang)
    named = _name_before(verb, lo)
    if named is not None:
        return named
    for k in range(verb.i - 1, lo - 1, -1):
        cand = doc[k]
        if cand.dep_ != "nsubj" or cand.pos_ not in _NOMINAL or _in_regions(cand.idx, regions):
            continue
        if cand.head.pos_ in ("VERB", "AUX") and cand.i < cand.head.i < verb.i \
                and not (cand.head.dep_.startswith("aux") and cand.head.head.i == verb.i):
            continue
        if _is_non_referring(cand, lang):
            return None
        return cand
    return _dislocated_subject(doc, lo, verb)


def _dislocated_subject(doc: Doc, lo: int, verb: Token) -> Token | None:
    """"La France, qui …, a condamné": a clause-initial noun set off by a comma."""
    k = lo
    while k < verb.i and (doc[k].is_space or doc[k].pos_ in ("DET", "PUNCT")):
        k -= -1
    if k >= verb.i or doc[k].pos_ not in ("NOUN", "PROPN"):
        return None
    j = k
    while j + 1 < verb.i and doc[j + 1].pos_ in ("PROPN", "ADJ") or j + 1 < verb.i and doc[j + 1].ent_iob_ == "I":
        j += 1
    if j + 1 < verb.i and doc[j + 1].text == "," and is_agentive(doc[k], cues_lang(doc)):
        return doc[k]
    return None


def cues_lang(doc: Doc) -> str:
    """The doc's language, which sitroom's pipeline sets (never a silent default)."""
    if not doc._.lang:
        raise SitroomError(Errors.SR105)
    return doc._.lang


def _name_before(verb: Token, lo: int) -> Token | None:
    """The named entity written just before the verb ("… Amnesty International dit …")."""
    doc = verb.doc
    k = verb.i - 1
    while k >= lo and (doc[k].head.i == verb.i and doc[k].pos_ in ("AUX", "ADV", "PART")
                       or doc[k].text in _CLOSE_BRACKETS):
        k -= 1
    entity = _entity_at(doc, k) if k >= lo else None
    if entity is None or entity.label_ not in ("ORG", "PER"):
        return None
    if entity.start - 2 >= lo and doc[entity.start - 1].text in _OPEN_BRACKETS:
        entity = _entity_at(doc, entity.start - 2) or entity
    return entity[0] if entity.start >= lo else None


def _entity_at(doc: Doc, k: int) -> Span | None:
    for ent in doc.ents:
        if ent.start <= k < ent.end:
            return ent
    return None


def _in_incise(verb: Token, lang: str) -> bool:
    """The verb opens an incise: only auxiliaries, clitics or adverbs between it and a comma/quote."""
    for ch in _own_children(verb, lang):
        if ch.dep_ in _SUBJECT_DEPS or ch.i > verb.i and ch.dep_ in ("ccomp", "xcomp") and (
                ch.pos_ in ("VERB", "AUX") or any(g.dep_ == "mark" for g in ch.children)):
            return False
    if verb.dep_ == "acl:relcl":
        return False
    if any(ch.dep_ == "mark" and ch.lower_ in cues(lang).incise_marks for ch in verb.children):
        return True                           # "…, comme l'a répété le groupe"
    left = cues(lang).incise_left
    k = verb.i - 1
    doc = verb.doc
    while k >= 0 and (doc[k].head.i == verb.i and (doc[k].pos_ in ("AUX", "ADV") or doc[k].dep_.startswith("expl"))
                      or doc[k].is_space):
        k -= 1
    return k < 0 or doc[k].text in left or doc[k].dep_ == "punct" and doc[k].text in left


@lru_cache(maxsize=None)
def agent_nouns(lang: str) -> frozenset:
    """Lemmas of nouns that name people, groups or institutions (from the actor lexicon)."""
    lexicon = resource(lang, "actors")["head_nouns"]
    return frozenset(word.split()[0] for words in lexicon.values() for word in words)


def is_agentive(tok: Token, lang: str) -> bool:
    """Can this token head a speaker: a name, a pronoun, or a person/institution noun."""
    if tok.pos_ in ("PROPN", "PRON") or tok.ent_type_ in ("PER", "ORG", "LOC"):
        return True
    return tok.lemma_.lower() in agent_nouns(lang) or tok.lower_ in agent_nouns(lang)


def _clean(tok: Token) -> str:
    return tok.lower_.lstrip("-").replace("’", "'")


def _is_non_referring(tok: Token, lang: str) -> bool:
    return tok.pos_ == "PRON" and _clean(tok) in cues(lang).non_referring


# --------------------------------------------------------------------------- finding the source

def attribute(doc: Doc, start_char: int, end_char: int, lang: str,
              quotes: bool = False) -> tuple[Token | None, int | None]:
    """(resolved source head, how it was found) for the statement at [start_char, end_char).

    The second item ranks the cue: 0 a reporting verb or marker governing the
    statement, 1 an incise attached to it, 2 another cue in the same sentence,
    3 (quotations only) a speaker introduced in the sentence before.
    """
    span = doc.char_span(start_char, end_char, alignment_mode="expand")
    if span is None or len(span) == 0:
        return None, None
    window = statement_window(doc, span.start, span.end - 1, lang)
    head, rank = _governing_source(doc, span, window, lang, quotes)
    if head is None and not quotes:
        outer = inside_quote(doc, start_char, end_char, lang)
        if outer and outer != (start_char, end_char):
            return attribute(doc, outer[0], outer[1], lang, quotes=True)
    if head is None and quotes:
        head, rank = _labelled_speaker(doc, span, window, lang), 1
    if head is None and quotes:
        head, rank = _speaker_before(doc, span, window, lang), 3
    if head is None:
        return None, None
    return resolve(head, lang), rank[0] if isinstance(rank, tuple) else rank


def source_head(doc: Doc, start_char: int, end_char: int, lang: str, quotes: bool = False) -> Token | None:
    """Head token of the phrase the statement at [start_char, end_char) is attributed to."""
    return attribute(doc, start_char, end_char, lang, quotes)[0]


def _governing_source(doc: Doc, span: Span, window: tuple[int, int], lang: str,
                      quotes: bool) -> tuple[Token | None, tuple | None]:
    inside = set(range(span.start, span.end))
    regions = quote_regions(doc, lang)
    root = span.root
    ancestors = [root] + list(root.ancestors)
    ancestor_ids = {t.i for t in ancestors}
    best, best_rank = None, None

    def offer(rank: tuple, head: Token | None) -> None:
        nonlocal best, best_rank
        if head is None or head.i in inside or _is_non_referring(head, lang) or _not_a_source(head, lang):
            return
        head = _behind_document(head, lang)
        if head.lemma_.lower() in cues(lang).documents:      # a document nobody is said to issue
            rank = (rank[0] + 1, *rank[1:])                     # yields to a cue that names someone
        if _in_regions(head.idx, regions) and not _in_regions(span.start_char, regions):
            return
        if best_rank is None or rank < best_rank:
            best, best_rank = head, rank

    lo, hi = window
    for tok in doc[lo:hi]:
        if tok.i in inside and not (tok.i == root.i and not quotes):
            continue
        if quotes and _in_regions(tok.idx, regions):
            continue
        if not is_reporting(tok, lang, quotes):
            continue
        distance = min(abs(tok.i - span.start), abs(tok.i - (span.end - 1)))
        if tok.i in ancestor_ids:
            rank = (0, distance)
        elif tok.head.i in ancestor_ids and tok.dep_ in ("parataxis", "conj", "dep", "advcl", "ccomp"):
            rank = (1, distance)
        else:
            rank = (2, distance)
        offer(rank, subject_of(tok, lang))
    for first, head in markers_in(doc, lo, hi, lang):
        if first.i in inside:
            continue
        distance = min(abs(first.i - span.start), abs(first.i - (span.end - 1)))
        governs = head.head.i in ancestor_ids or head.i in ancestor_ids
        adjacent = 0 <= first.i - span.end < _MARKER_REACH      # "une « révolution », selon X"
        offer((0 if governs else 1 if adjacent else 2, -1 if governs else distance), head)
    return best, best_rank


def _not_a_source(head: Token, lang: str) -> bool:
    """"de source indépendante" and the like say nobody confirmed, not who said."""
    words = " ".join(t.lower_ for t in head.subtree if not t.is_punct)
    return any(phrase_ in words for phrase_ in cues(lang).not_sources)


def _behind_document(head: Token, lang: str) -> Token:
    """"un bilan du ministère" -> "ministère": a document stands for whoever issued it
    ("le bilan", for the issuer of the same document named before)."""
    c = cues(lang)
    if head.lemma_.lower() not in c.documents:
        return head
    for ch in head.children:
        if ch.dep_ == "nmod" and ch.i > head.i and ch.pos_ in ("NOUN", "PROPN"):
            cases = [g.lower_ for g in ch.children if g.dep_ == "case"]
            determined = ch.pos_ == "PROPN" or any(g.dep_ == "det" for g in ch.children) or \
                any(case in c.determined_of_cases for case in cases)
            if cases and cases[0].replace("’", "'") in c.of_cases and determined:
                return ch
    for ch in head.children:                 # "un rapport publié par l'ONG": its agent issued it
        if ch.dep_ == "acl" and ch.i > head.i and "Part" in ch.morph.get("VerbForm"):
            agent = next((g for g in ch.children if g.dep_ in _AGENT_DEPS and is_agentive(g, lang)), None)
            if agent is not None:
                return agent
    if any(g.dep_ == "det" and "Def" in g.morph.get("Definite") for g in head.children):
        earlier = _earlier_mention(head, lang)       # "selon le communiqué": the one named before
        if earlier is not None:
            return _behind_document(earlier, lang)
    return head


def _earlier_mention(head: Token, lang: str) -> Token | None:
    """The nearest earlier noun with the same lemma, outside quotations."""
    regions = quote_regions(head.doc, lang)
    for k in range(head.i - 1, max(-1, head.i - _PRONOUN_WINDOW), -1):
        cand = head.doc[k]
        if cand.pos_ == "NOUN" and cand.lemma_.lower() == head.lemma_.lower() and not _in_regions(cand.idx, regions):
            return cand
    return None


def resolve(tok: Token, lang: str, depth: int = 0) -> Token:
    """A pronoun's antecedent: in its statement, then in each of the two before, the
    nearest agreeing subject (or incise speaker), else the nearest named person; else the
    nearest agreeing subject further back; else the token."""
    c = cues(lang)
    agreement = c.pronouns.get(_clean(tok)) if tok.pos_ == "PRON" else None
    if agreement is None or depth > 3:
        return tok
    doc = tok.doc
    spans, window, last = [], statement_window(doc, tok.i, tok.i, lang), tok.i
    for _ in range(3):                      # this statement and the two before: subjects, then names
        spans += [(window[0], last, False), (window[0], last, True)]
        last, window = window[0], previous_window(doc, window, lang)
        if window is None:
            break
    spans.append((max(0, tok.i - _PRONOUN_WINDOW), last, False))
    for first, last, person in spans:
        for k in range(last - 1, first - 1, -1):
            found = _antecedent_at(doc[k], tok, agreement, lang, person)
            if found is not None:
                return resolve(found, lang, depth + 1) if found.pos_ == "PRON" else found
    return tok


def _antecedent_at(cand: Token, tok: Token, agreement: dict, lang: str, person: bool) -> Token | None:
    """`cand` if it can be the pronoun's antecedent: a subject, or (`person`) a named person."""
    c = cues(lang)
    if _in_regions(cand.idx, quote_regions(cand.doc, lang)) or cand.head.i == tok.head.i and cand.i != tok.i:
        return None
    if person:
        named = cand.ent_type_ == "PER" and cand.ent_iob_ == "B" and cand.pos_ == "PROPN"
        return cand if named and _agrees(cand, agreement) else None
    if cand.dep_ not in ("nsubj", "nsubj:pass") and not _inverted_speaker(cand, lang):
        return None
    if cand.pos_ == "PRON" and _clean(cand) in c.relative_pronouns and cand.head.dep_ == "acl:relcl":
        cand = cand.head.head                 # "des réfugiés qui ont dénombré …"
        ok = cand.pos_ in ("NOUN", "PROPN") and _agrees(cand, agreement) and is_agentive(cand, lang)
        return cand if ok else None
    if cand.pos_ == "PRON":
        ok = _clean(cand) in c.pronouns and _agrees(cand, agreement, c.pronouns[_clean(cand)])
        return cand if ok else None
    ok = cand.pos_ in ("NOUN", "PROPN") and _agrees(cand, agreement) and is_agentive(cand, lang)
    return cand if ok else None


def _inverted_speaker(cand: Token, lang: str) -> bool:
    """The subject of an incise after its verb ("…, a annoncé une porte-parole")."""
    verb = cand.head
    return cand.i > verb.i and cand.dep_ in _INVERTED_DEPS and is_reporting(verb, lang, quotes=True) \
        and _in_incise(verb, lang) and getattr(subject_of(verb, lang), "i", None) == cand.i


def corefer(head: Token, lang: str) -> Token:
    """A definite collective description ("les rebelles", "le mouvement") -> the
    organisation it stands for, when the text names it: in a participial modifier of
    the description ("les militaires, regroupés au sein du Comité X"), else as the
    subject or agent of the statement before, if its actor type fits. Else the head."""
    c = cues(lang)
    if head.pos_ != "NOUN" or head.lemma_.lower() not in c.collective_nouns and head.lower_ not in c.collective_nouns:
        return head
    if not any(g.dep_ == "det" and "Def" in g.morph.get("Definite") for g in head.children):
        return head
    if any(_named(t) for t in head.subtree if t.i != head.i and t.dep_ != "acl" and t.head.i == head.i):
        return head                           # "les rebelles du M23" names them already
    for ch in head.children:
        if ch.dep_ == "acl" and ch.i > head.i:
            inner = _name_inside(ch)
            if inner is not None:
                return inner
    return _named_before(head, lang) or head


def _named(tok: Token) -> bool:
    """A token that carries a name: a proper noun, or a capitalised word inside an entity."""
    if tok.ent_type_ == "PER" or not tok.text[:1].isupper():
        return False
    return tok.pos_ == "PROPN" or tok.ent_type_ in ("ORG", "LOC", "MISC") and tok.pos_ == "NOUN"


def _name_inside(acl: Token) -> Token | None:
    """The highest named token in a participial modifier, not as its agent."""
    for tok in acl.subtree:
        if tok.ent_type_ != "ORG" or not _named(tok) or _named(tok.head):
            continue
        path, up = [], tok
        while up.i != acl.i and up.head.i != up.i:
            path.append(up)
            up = up.head
        if not any(t.dep_ == "obl:agent" for t in path):
            return tok
    return None


def _named_before(head: Token, lang: str) -> Token | None:
    """The nearest named subject or agent, in this statement or the two before, whose
    actor type fits the description's."""
    doc = head.doc
    regions = quote_regions(doc, lang)
    window = statement_window(doc, head.i, head.i, lang)
    start = window[0]
    for _ in range(2):
        prev = previous_window(doc, (start, start), lang)
        if prev is None:
            break
        start = prev[0]
    wanted = _actor_type(head.lemma_.lower(), lang) or _actor_type(head.lower_, lang)
    for k in range(head.i - 1, start - 1, -1):
        tok = doc[k]
        role = tok.dep_ if tok.dep_ != "appos" else tok.head.dep_
        if role not in ("nsubj", "nsubj:pass", "obl:agent") or not _named(tok) or _named(tok.head) and tok.head.i != tok.i:
            continue
        if tok.i == window[0] or _in_regions(tok.idx, regions) or _is_place(tok, tagged=False):
            continue
        if _fits(tok, wanted):
            return tok
    return None


def _actor_type(word: str, lang: str) -> str | None:
    return _actor_types(lang).get(word)


@lru_cache(maxsize=None)
def _actor_types(lang: str) -> dict:
    """Actor-lexicon head noun -> its actor type."""
    return {w: kind for kind, words in resource(lang, "actors")["head_nouns"].items() for w in words}


def _fits(tok: Token, wanted: str | None) -> bool:
    """The actor the token names is of the wanted type, or of no known type."""
    actors = tok.doc._.actors if Doc.has_extension("actors") else None
    for actor in actors or ():
        if actor.start <= tok.idx < actor.end:
            return actor.type in (wanted, "other") or wanted is None
    return True


def _det_feature(tok: Token, feature: str) -> list:
    """A noun's gender or number as its determiner shows it ("une porte-parole")."""
    return next((ch.morph.get(feature) for ch in tok.children if ch.dep_ == "det" and ch.morph.get(feature)), [])


def _agrees(cand: Token, agreement: dict, cand_features: dict | None = None) -> bool:
    feats = cand_features or {f: _det_feature(cand, f) or cand.morph.get(f) for f in ("Number", "Gender")}
    for feature in ("Number", "Gender"):
        want = agreement.get(feature)
        have = feats.get(feature)
        if isinstance(have, list):
            have = have[0] if have else None
        if feature == "Gender" and cand.pos_ == "PROPN":
            continue              # the tagger's gender on names is unreliable
        if want and have and want != have:
            return False
    if agreement.get("Number") == "Plur" and cand.pos_ == "PROPN" and not feats.get("Number"):
        return True
    return True


# --------------------------------------------------------------------------- phrases

def phrase(head: Token, appositions: str = "names", describe: bool = False) -> tuple[int, int]:
    """Token range [i, j) of the noun phrase headed by `head`, as written.

    Keeps determiners, adjectives, complements, participial modifiers, coordinated
    nouns and bracketed acronyms; drops relative clauses. `appositions`: "names" keeps
    an apposition only when it is a proper name, "none" drops all of them. `describe`
    also drops what is circumstance rather than description (see `_circumstantial`).
    """
    keep = {head.i}
    stack = [head]
    while stack:
        tok = stack.pop()
        for ch in tok.children:
            if not _keep_child(tok, ch, head, appositions):
                continue
            if describe and _circumstantial(tok, ch, head):
                continue
            keep.add(ch.i)
            stack.append(ch)
    doc = head.doc
    i = j = head.i
    while i - 1 in keep:
        i -= 1
    while j + 1 in keep or (j + 2 in keep and (doc[j + 1].text == "-" or
                                               doc[j + 1].text == "," and doc[j + 2].dep_ == "appos")):
        j += 1
    if head.ent_iob_ in ("B", "I"):
        while j + 1 < len(doc) and doc[j + 1].ent_iob_ == "I":
            j += 1
    verb = head.head
    if head.dep_ == "nsubj" and verb.i == j + 1 and "Part" in verb.morph.get("VerbForm") \
            and "Pres" in verb.morph.get("Tense"):        # "un homme affirmant être …"
        extent = {verb.i} | {t.i for ch in verb.children if ch.i > verb.i and ch.dep_ in _PARTICIPLE_DEPS
                             for t in ch.subtree}
        while j + 1 in extent:
            j += 1
    j = _extend_right(doc, j, appositions)
    return _trim(doc, i, j + 1)


def _extend_right(doc: Doc, j: int, appositions: str) -> int:
    """Take in a bracketed acronym "(OMS)" and, if wanted, a comma-set name ", Jean Dupont,"."""
    n = len(doc)
    if j + 3 < n and doc[j + 1].text in _OPEN_BRACKETS and doc[j + 3].text in _CLOSE_BRACKETS \
            and doc[j + 2].pos_ in ("PROPN", "NOUN", "X") and doc[j + 2].text[:1].isupper():
        j += 3
    if appositions == "names" and j + 2 < n and doc[j + 1].text == "," and \
            doc[j + 2].ent_type_ == "PER" and doc[j + 2].ent_iob_ == "B":
        k = j + 2
        while k + 1 < n and doc[k + 1].ent_iob_ == "I":
            k += 1
        if k + 1 >= n or doc[k + 1].is_punct or doc[k + 1].is_space:
            j = k
    return j


def _keep_child(parent: Token, ch: Token, head: Token, appositions: str) -> bool:
    if ch.is_space or ch.dep_ == "acl:relcl" or parent.i == head.i and ch.dep_ in _NP_SKIP_DEPS:
        return False
    if ch.i > head.i and (_adjunct(ch) or _is_time(ch)):
        return False
    if parent.i == head.i and ch.dep_ in ("case", "mark", "fixed") and ch.i < head.i:
        return False
    if ch.dep_ == "punct":
        return ch.text in _OPEN_BRACKETS + _CLOSE_BRACKETS + "-'’" or (
            ch.text == "," and parent.dep_ == "appos" and ch.i < parent.i and appositions != "none")
    if ch.dep_ == "appos" and ch.i > head.i:
        if _bracketed(ch):
            return True
        if appositions == "none":         # but a close apposition names: "du ministre X", "l'ONG X"
            return ch.pos_ == "PROPN" and ch.left_edge.i == parent.i + 1 and \
                (parent.i != head.i or ch.ent_type_ != "PER")
        return ch.pos_ == "PROPN" and (parent.i == head.i or ch.ent_type_ == "PER")
    if parent.i == head.i and ch.dep_ in ("obl", "obl:mod", "obl:arg", "advmod", "nummod:gov") and head.pos_ in ("VERB",):
        return False
    if parent.i == head.i and ch.i > head.i and ch.dep_ in ("conj", "cc"):
        return head.pos_ in ("NOUN", "PROPN")
    return True


def _circumstantial(parent: Token, ch: Token, head: Token) -> bool:
    """Not who the speaker is but where they are or how they were reached, once a
    complement has identified them: "un infirmier de l'hôpital [joint par téléphone]", "un
    élu [joint par une agence]", "un responsable de la protection civile [à Kherson]"."""
    if ch.i < head.i:
        return False
    if ch.dep_ == "acl" and ch.pos_ == "VERB" and "Part" in ch.morph.get("VerbForm") \
            and "Past" in ch.morph.get("Tense"):
        return _identified(head, ch.i) or any(_determined(g) for g in ch.children if g.dep_ == "obl:agent")
    if ch.dep_ != "nmod" or not _identified(head, ch.i) or not _in_complement_chain(parent, head):
        return False
    c = cues(cues_lang(ch.doc))
    case = next((g.lower_.replace("’", "'") for g in ch.children if g.dep_ == "case" and g.i < ch.i), None)
    if case in c.locative_cases:               # "le comité de soutien à X et Y" names people, not a place
        return _is_place(ch) and not any(t.dep_ == "conj" and t.ent_type_ == "PER" and not _is_place(t, tagged=False)
                                         for t in ch.subtree)
    return case in c.of_cases and (ch.lemma_.lower() in c.place_nouns or ch.lower_ in c.place_nouns)


def _identified(head: Token, before: int) -> bool:
    """The head has a "de" complement ("un membre du convoi") before token `before`."""
    of_cases = cues(cues_lang(head.doc)).of_cases
    return any(t.dep_ == "nmod" and any(g.dep_ == "case" and g.lower_.replace("’", "'") in of_cases
                                        for g in t.children)
               for t in head.subtree if head.i < t.i < before)


def _in_complement_chain(tok: Token, head: Token) -> bool:
    """`tok` is the head or reached from it through "de" complements and name parts."""
    c = cues(cues_lang(tok.doc))
    for _ in range(8):
        if tok.i == head.i:
            return True
        cases = [g.lower_.replace("’", "'") for g in tok.children if g.dep_ == "case" and g.i < tok.i]
        if cases and cases[0] not in c.of_cases or not cases and tok.pos_ != "PROPN":
            return False
        tok = tok.head
    return False


def _determined(tok: Token) -> bool:
    return tok.pos_ == "PROPN" or any(g.dep_ == "det" for g in tok.children)


def _is_place(tok: Token, tagged: bool = True) -> bool:
    """A place name: found by the places stage, or (if `tagged`) tagged as one."""
    if tagged and tok.ent_type_ in ("LOC", "GPE"):
        return True
    places = tok.doc._.places if Doc.has_extension("places") else None
    return any(p.start <= tok.idx < p.end for p in places or ())


def _is_time(tok: Token) -> bool:
    """A complement that is a time expression ("au matin du 12 juin"), found by the times stage."""
    times = tok.doc._.times if Doc.has_extension("times") else None
    return any(t.start <= tok.idx < t.end for t in times or ())


def _adjunct(tok: Token) -> bool:
    """A prepositional adjunct of time or setting ("dans la ville", "lors d'un point de presse")."""
    adjuncts = cues(cues_lang(tok.doc)).adjuncts
    if tok.lower_ in adjuncts:
        return True
    cases = [c for c in tok.children if c.dep_ == "case" and c.i < tok.i]
    if not cases:
        return False
    words = " ".join(c.lower_ for c in cases).replace("’", "'")
    first = tok.doc[cases[0].i:tok.i].text.lower().replace("’", "'")
    return any(words == p or first.startswith(p + " ") for p in adjuncts)


def _bracketed(tok: Token) -> bool:
    doc = tok.doc
    return tok.i > 0 and doc[tok.left_edge.i - 1].text in _OPEN_BRACKETS if tok.left_edge.i > 0 else False


def _trim(doc: Doc, i: int, j: int) -> tuple[int, int]:
    """Drop leading/trailing punctuation and spaces (keeping balanced brackets)."""
    while i < j and (doc[i].is_space or doc[i].is_punct and doc[i].text not in _OPEN_BRACKETS):
        i += 1
    while j > i and (doc[j - 1].is_space or doc[j - 1].is_punct and doc[j - 1].text not in _CLOSE_BRACKETS):
        j -= 1
    text = doc[i:j].text
    while j > i and text.count("(") < text.count(")") and doc[j - 1].text == ")":
        j -= 1
        text = doc[i:j].text
    if text.count("(") > text.count(")") and j < len(doc) and doc[j].text == ")":
        j += 1
    return i, j


def name_in(head: Token) -> tuple[int, int] | None:
    """Token range of the proper name a phrase gives for its head ("le président X" -> X)."""
    doc = head.doc
    if head.pos_ == "PROPN":
        return _proper_run(doc, head.i)
    i, j = phrase(head, "names")
    for k in range(head.i + 1, j):
        tok = doc[k]
        person = tok.ent_type_ == "PER" and tok.ent_iob_ == "B"       # a name the tagger calls NOUN
        if not (tok.pos_ == "PROPN" or person) or not tok.text[:1].isupper() or \
                tok.ent_type_ in ("LOC", "ORG") and doc[k - 1].text != ",":
            continue
        if doc[k - 1].text == "," or not any(doc[m].pos_ == "ADP" or doc[m].is_punct for m in range(head.i + 1, k)):
            return _proper_run(doc, k, j)
    return None


def _proper_run(doc: Doc, k: int, limit: int | None = None) -> tuple[int, int]:
    """The whole name around token k: its entity, or the run of proper nouns, plus "(ACRONYM)"."""
    limit = len(doc) if limit is None else limit
    entity = _entity_at(doc, k)
    i, j = (entity.start, entity.end) if entity is not None and entity.label_ in ("PER", "ORG") else (k, k + 1)
    if entity is None or entity.label_ not in ("PER", "ORG"):
        keep = {t.i for t in doc[k].subtree if t.dep_ in ("flat:name", "flat", "flat:foreign", "nmod")
                and t.pos_ == "PROPN"} | {k}
        while j in keep:
            j += 1
    while j < limit and (doc[j].pos_ == "PROPN" and doc[j].text not in ",()"
                         or doc[j].text == "-" and j + 1 < limit and doc[j + 1].pos_ == "PROPN"):
        j += 1
    j = _extend_right(doc, j - 1, "none") + 1
    return _trim(doc, i, j)


def source_span(doc: Doc, start_char: int, end_char: int, lang: str) -> Span | None:
    """The phrase (as written, with a proper-name apposition) the statement is attributed to."""
    head = source_head(doc, start_char, end_char, lang)
    if head is None or head.pos_ == "PRON" and _clean(head) in cues(lang).pronouns:
        return None
    i, j = phrase(head, "names")
    return doc[i:j] if j > i else None


def source_for(doc: Doc, start_char: int, end_char: int, lang: str) -> str | None:
    """Who the report attributes the statement containing [start_char, end_char) to."""
    span = source_span(doc, start_char, end_char, lang)
    return span.text if span is not None else None


def speaker_span(doc: Doc, start_char: int, end_char: int, lang: str) -> Span | None:
    """The speaker of the quotation at [start_char, end_char): a person's name when given."""
    head, _ = attribute(doc, start_char, end_char, lang, quotes=True)
    if head is None or head.pos_ == "PRON" and _clean(head) in cues(lang).pronouns:
        return None
    return speaker_phrase(head)


def speaker_phrase(head: Token) -> Span:
    """The short form of a speaker: the name if the phrase has one, else the description."""
    doc = head.doc
    named = corefer(head, cues_lang(doc))
    if named.i != head.i:
        i, j = phrase(named, "none")
        while i < j and not doc[i].text[:1].isupper():
            i += 1
        return doc[i:j]
    name = name_in(head)
    i, j = name if name else phrase(head, "none", describe=True)
    return doc[i:j]


def _labelled_speaker(doc: Doc, span: Span, window: tuple[int, int], lang: str) -> Token | None:
    """"Un réfugié syrien : « … »": a verbless noun phrase that a colon joins to the
    quotation names its speaker (a place there is a topic: "Syrie : « … »")."""
    k = span.start - 1
    while k >= window[0] and doc[k].is_space:
        k -= 1
    if k <= window[0] or doc[k].text != ":":
        return None
    label = doc[window[0]:k]
    if any(t.pos_ in ("VERB", "AUX") and "Fin" in t.morph.get("VerbForm") for t in label):
        return None
    for tok in label:
        if tok.pos_ in ("NOUN", "PROPN") and not (tok.i > 0 and doc[tok.i - 1].pos_ == "ADP"):
            if _is_place(tok) or not is_agentive(tok, lang):
                return None
            return tok
    return None


def _speaker_before(doc: Doc, span: Span, window: tuple[int, int], lang: str) -> Token | None:
    """A quotation standing alone: the speaker introduced just before ("X a déclaré :"),
    past up to two verbless lines between (a handle, a date: "@compte", "12 mars 2014")."""
    prev = previous_window(doc, window, lang)
    for _ in range(2):
        if prev is None or any(t.pos_ in ("VERB", "AUX") for t in doc[prev[0]:prev[1]]):
            break
        prev = previous_window(doc, prev, lang)
    if prev is None:
        return None
    regions = quote_regions(doc, lang)
    for tok in reversed(doc[prev[0]:prev[1]]):
        if _in_regions(tok.idx, regions):
            continue
        if is_reporting(tok, lang, quotes=True):
            subject = subject_of(tok, lang)
            if subject is not None and not _is_non_referring(subject, lang):
                return subject
    return None


def speaker_for(doc: Doc, start_char: int, end_char: int, lang: str) -> str | None:
    """Text of `speaker_span`."""
    span = speaker_span(doc, start_char, end_char, lang)
    return span.text if span is not None else None
