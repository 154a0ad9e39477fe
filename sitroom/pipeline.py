"""sitroom as a spaCy pipeline: each extractor is a registered factory.

`pipeline("fr")` loads the language's spaCy model and appends the sitroom
components, which fill `doc._.times`, `doc._.places`, `doc._.figures`,
`doc._.actors`, `doc._.quotes` and `doc._.events`. The document date travels in
`doc._.date` (ISO string) and how it was obtained in `doc._.date_source`.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Callable

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from . import actors, events, figures, places, quotes, times
from .lang import meta

FIELDS = ("times", "places", "figures", "actors", "quotes", "events")
for _name in FIELDS:
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=None)
for _name, _default in (("date", None), ("date_source", "none"), ("lang", "fr")):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=_default)


class Stage:
    """A pipeline component that stores `find(doc, lang)` in `doc._.<field>`."""

    def __init__(self, field: str, find: Callable, lang: str):
        self.field, self.find, self.lang = field, find, lang

    def __call__(self, doc: Doc) -> Doc:
        setattr(doc._, self.field, self.find(doc, self.lang))
        return doc


STAGES = {
    "times": times.find,
    "places": places.find,
    "figures": figures.find,
    "actors": actors.find,
    "quotes": quotes.find,
    "events": events.find,
}
# what each stage reads of the earlier ones (spaCy checks the order with `requires`)
NEEDS = {
    "figures": ["doc._.times"],
    "events": ["doc._.times", "doc._.places", "doc._.figures", "doc._.actors", "doc._.quotes"],
}

for _field, _find in STAGES.items():
    def _factory(nlp: Language, name: str, lang: str, _field=_field, _find=_find):
        return Stage(_field, _find, lang)
    Language.factory(f"sitroom_{_field}", default_config={"lang": "fr"}, func=_factory,
                     assigns=[f"doc._.{_field}"], requires=["token.dep", "token.lemma"] + NEEDS.get(_field, []))


@Language.component("sitroom_lines", assigns=["token.is_sent_start"])
def line_breaks(doc: Doc) -> Doc:
    """A line break ends a sentence: headlines, datelines and live-blog time stamps stand on
    their own lines, and the parser would otherwise run them into the next sentence. A line
    with no sentence-final punctuation (a headline, a dateline) is kept whole; within other
    lines the parser decides."""
    start = 0
    for i in range(1, len(doc) + 1):
        if i < len(doc) and not ("\n" in doc[i - 1].whitespace_ or "\n" in doc[i - 1].text):
            continue
        words = [t for t in doc[start:i] if not t.is_space]
        if words:
            words[0].is_sent_start = True
            if not any(t.text in SENTENCE_ENDS for t in words):
                for t in words[1:]:
                    t.is_sent_start = False
        start = i
    return doc


SENTENCE_ENDS = {".", "!", "?", "…", ";"}


@lru_cache(maxsize=None)
def pipeline(lang: str = "fr") -> Language:
    """The language's spaCy model with the sitroom components appended (and, before its
    parser, line breaks made sentence boundaries)."""
    nlp = spacy.load(meta(lang)["spacy_model"])
    nlp.add_pipe("sitroom_lines", before="parser")
    for field in FIELDS:
        nlp.add_pipe(f"sitroom_{field}", config={"lang": lang})
    return nlp
