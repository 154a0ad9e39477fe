"""Direct quotations and who spoke them.

A quotation is text between paired marks (« », “ ”, " "). Its speaker comes from the
shared attribution mechanism (sitroom.attribution): the subject of the reporting verb
that governs it or sits in an incise, a "selon X" marker, or the speaker introduced in
the sentence just before. A short verbless phrase in marks that nobody is said to have
uttered is a nickname or title, not a quotation. A quotation in the headline takes the
speaker the body gives for the same words.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from spacy.tokens import Doc, Span

from . import anaphora
from . import attribution as attr
from .lang import resource
from .models import Quote

_SHORT = 6                     # words: a quotation this short without a verb may be a label
_SCARE = 1                     # words: marks around one word, even a verb, may only stress it
_MIN_REPEATED = 3              # content words a headline quotation needs to be found again loosely
_REPEATED_SHARE = 0.75         # share of them a body statement must repeat
_WORD = re.compile(r"\w+", re.UNICODE)


def find(doc: Doc, lang: str) -> list[Quote]:
    """Every attributed or free-standing direct quotation in the document."""
    return [q for q in (_quote(doc, qs, qe, lang) for qs, qe in attr.quote_regions(doc, lang)) if q]


def _quote(doc: Doc, qs: int, qe: int, lang: str) -> Quote | None:
    inner = doc.text[qs + 1:qe - 1].strip()
    if not _WORD.search(inner):
        return None
    tokens = doc.char_span(qs + 1, qe - 1, alignment_mode="expand")
    if tokens is None:
        return None
    label = "name" if _named_by(doc, tokens, qs, lang) else _label_kind(doc, tokens, qs)
    if label == "name":
        return None
    head, rank = attr.attribute(doc, qs, qe, lang, quotes=True)
    if _in_headline(doc, qs) and len(_WORD.findall(inner)) > 1:
        body = _body_speaker(doc, inner, qe, lang)
        head, rank = (body, 1) if body is not None else (head, rank)
    if label == "short" and (rank is None or rank > 1):
        return None
    speaker = _speaker(head, lang)
    return Quote(start=qs, end=qe, text=inner, speaker=speaker.text if speaker else None,
                 speaker_start=speaker.start_char if speaker else None,
                 speaker_end=speaker.end_char if speaker else None)


@lru_cache(maxsize=None)
def _labels(lang: str) -> dict:
    return {k: frozenset(v) for k, v in resource(lang, "reporting")["labels"].items() if not k.startswith("_")}


def _named_by(doc: Doc, tokens: Span, qs: int, lang: str) -> bool:
    """A title or a category, not a quotation: "la campagne « … »", "s'appeler « … »",
    "une enquête pour « homicide involontaire »" (see "labels" in reporting.json)."""
    w = _labels(lang)
    k = tokens.start - 1
    while k >= 0 and (doc[k].is_space or doc[k].is_punct and doc[k].text not in ".!?" or doc[k].pos_ == "ADJ"):
        k -= 1
    if k < 0:
        return False
    before = doc[k]
    phrase = " ".join(t.lower_ for t in doc[max(0, k - 2):k + 1]).replace("' ", "'").replace("’ ", "'")
    if before.pos_ == "NOUN" and (before.lemma_.lower() in w["naming_nouns"] or before.lower_ in w["naming_nouns"]) \
            or any(phrase.endswith(n) for n in w["naming_nouns"] if " " in n):
        return True
    lemma = before.lemma_.lower()
    if before.pos_ in ("VERB", "ADJ") and lemma in w["naming_verbs"]:
        return True
    if before.pos_ == "VERB" and lemma in w["naming_reflexive_verbs"] and \
            any("Reflex=Yes" in str(ch.morph) for ch in before.children if ch.i < before.i):
        return True
    if before.lower_ not in w["label_cases"] or tokens.root.pos_ != "NOUN":
        return False
    k -= 1
    while k >= 0 and doc[k].pos_ == "ADJ":
        k -= 1
    return k >= 0 and doc[k].pos_ == "NOUN" and \
        not any(t.pos_ in ("VERB", "AUX") and "Fin" in t.morph.get("VerbForm") for t in tokens)


def _label_kind(doc: Doc, tokens: Span, qs: int) -> str | None:
    """"name" for a name or title in marks, "short" for a short verbless phrase
    (a quotation only if someone is said to have said it), None for a sentence."""
    words = [t for t in tokens if not t.is_punct and not t.is_space]
    if not words or len(words) > _SHORT:
        return None
    before = _previous_word(doc, qs)
    after_determiner = before is not None and before.pos_ == "DET"   # "la « porte du désert »"
    scare = len(words) <= _SCARE           # one word in marks, verb or not: quoted only if attributed
    if not after_determiner and not scare and any(t.pos_ in ("VERB", "AUX") and "Fin" in t.morph.get("VerbForm") for t in words):
        return None
    if before is not None and before.pos_ in ("NOUN", "PROPN") and words[0].text[:1].isupper():
        return "name"                      # "l'opération « Aube rouge »": apposed name
    content = [t for t in words if t.is_alpha and len(t) > 3] or [t for t in words if t.is_alpha]
    if content and all(t.text[:1].isupper() for t in content) and (len(content) > 1 or words[0].is_upper):
        return "name"                      # a capitalised title
    return "short"


def _previous_word(doc: Doc, char: int):
    span = doc.char_span(char, char + 1, alignment_mode="expand")
    if span is None:
        return None
    k = span.start - 1
    while k >= 0 and (doc[k].is_space or doc[k].is_punct and doc[k].text not in ",:"):
        k -= 1
    return doc[k] if k >= 0 and not doc[k].is_punct else None


def _speaker(head, lang: str) -> Span | None:
    head = anaphora.antecedent(head, lang)
    if head is None or head.pos_ == "PRON" and head.lower_ == head.text:
        return None
    span = attr.speaker_phrase(head)
    if len(span) == 1 and span[0].pos_ == "PROPN":
        span = _full_name(span) or span
    span = _with_kind(span, lang)
    if len(span) > 1 and span[0].lower_.replace("’", "'") in _labels(lang)["dropped_determiners"]:
        span = span[1:]                       # "des réfugiés" -> "réfugiés", as the contract's names
    return anaphora.full_name(span, lang) if len(span) else span


def _with_kind(span: Span, lang: str) -> Span:
    """"le journal Haaretz" -> "journal Haaretz": a medium is named with the noun that
    says what it is (kinds in reporting.json's labels.named_with_kind)."""
    doc = span.doc
    k = span.start - 1
    if k < 0 or doc[k].pos_ != "NOUN" or not span[0].text[:1].isupper():
        return span
    kind = attr._actor_type(doc[k].lemma_.lower(), lang) or attr._actor_type(doc[k].lower_, lang)
    return doc[k:span.end] if kind in _labels(lang)["named_with_kind"] else span


def _full_name(span: Span) -> Span | None:
    """The longest run of proper nouns in the document that ends with this surname."""
    doc, surname = span.doc, _fold(span.text)
    best = None
    for tok in doc:
        if tok.pos_ != "PROPN" or _fold(tok.text) != surname or tok.i == span.start:
            continue
        k = tok.i
        while k > 0 and (doc[k - 1].pos_ == "PROPN" or doc[k - 1].text == "-") and doc[k - 1].text not in ",()":
            k -= 1
        if k < tok.i and (best is None or tok.i + 1 - k > len(best)):
            best = doc[k:tok.i + 1]
    return best


def _in_headline(doc: Doc, char: int) -> bool:
    """The first line of a report, when it is a title (no final full stop, a blank line after)."""
    first_break = doc.text.find("\n")
    if first_break < 0 or char > first_break:
        return False
    return not doc.text[:first_break].rstrip().endswith(".")


def _body_speaker(doc: Doc, inner: str, after: int, lang: str):
    """Who the body credits with the same words (quoted again or not), or with a
    statement that repeats most of them ("Il pleut des bombes sur Gaza" in "il pleut des
    bombes en ce moment dans le nord de Gaza")."""
    pattern = re.compile(r"\W+".join(re.escape(w) for w in _WORD.findall(inner)), re.IGNORECASE)
    match = pattern.search(doc.text, after)
    if match is not None:
        head, _ = attr.attribute(doc, match.start(), match.end(), lang, quotes=False)
        return head
    statement = _repeating_statement(doc, inner, after, lang)
    if statement is None:
        return None
    head, _ = attr.attribute(doc, statement.start_char, statement.end_char, lang, quotes=True)
    return head


def _repeating_statement(doc: Doc, inner: str, after: int, lang: str) -> Span | None:
    """The first body statement holding most of the quotation's content words."""
    words = {_fold(w) for w in _WORD.findall(inner) if len(w) > 2}
    if len(words) < _MIN_REPEATED:
        return None
    start = doc.char_span(after, after + 1, alignment_mode="expand")
    k = start.end if start is not None else len(doc)
    while k < len(doc):
        i, j = attr.statement_window(doc, k, k, lang)
        found = {_fold(t.text) for t in doc[i:j]}
        if len(words & found) >= _REPEATED_SHARE * len(words):
            return doc[i:j]
        k = max(j, k + 1)
    return None


def _fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text.lower()) if not unicodedata.combining(c))
