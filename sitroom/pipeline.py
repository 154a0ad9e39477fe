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


@lru_cache(maxsize=None)
def pipeline(lang: str = "fr") -> Language:
    """The language's spaCy model with the sitroom components appended."""
    nlp = spacy.load(meta(lang)["spacy_model"])
    for field in FIELDS:
        nlp.add_pipe(f"sitroom_{field}", config={"lang": lang})
    return nlp
