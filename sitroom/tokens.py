"""Fast token lookups over a parsed Doc.

spaCy builds a new Token object at every `doc[i]` and in every iteration; on a long
report, scanning all tokens for a handful of words costs more than the search itself.
These helpers read spaCy's arrays and test each distinct string once.
"""
from __future__ import annotations

from typing import Callable

from spacy.attrs import LEMMA, LOWER, ORTH
from spacy.tokens import Doc


def where(doc: Doc, test: Callable[[str], object], attr: int = ORTH) -> list[int]:
    """Indexes of the tokens whose `attr` string (ORTH: the text itself) passes `test`."""
    if not len(doc):
        return []
    strings = doc.vocab.strings
    values = doc.to_array([attr]).tolist()
    hits = {h for h in set(values) if test(strings[h])}
    return [i for i, h in enumerate(values) if h in hits]


def using(doc: Doc, words: frozenset | set) -> list[int]:
    """Indexes of the tokens whose lower-case lemma or lower-case form is one of `words`."""
    found = set(where(doc, lambda s: s.lower() in words, LEMMA)) | set(where(doc, words.__contains__, LOWER))
    return sorted(found)
