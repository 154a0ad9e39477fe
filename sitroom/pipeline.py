"""sitroom as a spaCy pipeline: each extractor is a registered factory.

`pipeline("fr")` loads the language's spaCy model and appends the sitroom components
`sitroom_times`, `sitroom_places`, `sitroom_figures`, `sitroom_actors`, `sitroom_quotes` and
`sitroom_events`. Each stores its facts as spans and plain data (see extensions.py), read
back as models through `doc._.times` … `doc._.events`. The document date travels in
`doc._.date` (ISO string) and how it was obtained in `doc._.date_source`. The factories
are also exposed through the `spacy_factories` entry point, so a spaCy config can name them.
"""
from __future__ import annotations

import logging
from functools import lru_cache
from typing import Callable

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from . import actors, events, extensions, figures, places, quotes, times
from .errors import Warnings
from .extensions import FIELDS
from .lang import meta

log = logging.getLogger("sitroom")


class Stage:
    """A pipeline component that stores `find(doc, lang)` as the doc's `field` facts.

    A stage that fails on one doc leaves its facts empty (stages needing them see an
    empty list) and a warning on the doc, naming the stage and the cause, which reaches
    the record and the log; the other stages and docs go on.
    """

    def __init__(self, name: str, field: str, find: Callable, lang: str):
        self.name, self.field, self.find, self.lang = name, field, find, lang

    def __call__(self, doc: Doc) -> Doc:
        if doc._.lang is None:
            doc._.lang = self.lang
        try:
            found = self.find(doc, self.lang)
        except Exception as e:      # the one place a stage's failure is caught: it becomes a warning
            found = []
            cause = f"{type(e).__name__}: {e}".splitlines()[0].rstrip(": ")
            message = Warnings.SR201.format(stage=self.name, field=self.field, cause=cause)
            extensions.warn(doc, message)
            log.warning(message)
            log.debug("%s failed", self.name, exc_info=True)
        extensions.write(doc, self.field, found)
        return doc


# what each stage reads of the earlier ones (spaCy checks the order with `requires`)
NEEDS = {
    "figures": ["doc._.times"],
    "events": ["doc._.times", "doc._.places", "doc._.figures", "doc._.actors", "doc._.quotes"],
}


def _register(field: str, find: Callable) -> Callable:
    """Register the factory `sitroom_<field>` and return it (the entry points name it).

    Its config has no default language: a spaCy config naming the component gives `lang`."""
    def make(nlp: Language, name: str, lang: str) -> Stage:
        return Stage(name, field, find, lang)
    make.__name__ = make.__qualname__ = f"make_{field}"
    Language.factory(f"sitroom_{field}", func=make, assigns=[f"doc._.{field}", "doc.spans"],
                     requires=["token.dep", "token.lemma"] + NEEDS.get(field, []))
    return make


make_times = _register("times", times.find)
make_places = _register("places", places.find)
make_figures = _register("figures", figures.find)
make_actors = _register("actors", actors.find)
make_quotes = _register("quotes", quotes.find)
make_events = _register("events", events.find)


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
def pipeline(lang: str) -> Language:
    """The language's spaCy model with the sitroom components appended (and, before its
    parser, line breaks made sentence boundaries)."""
    nlp = spacy.load(meta(lang)["spacy_model"])
    nlp.add_pipe("sitroom_lines", before="parser")
    for field in FIELDS:
        nlp.add_pipe(f"sitroom_{field}", config={"lang": lang})
    return nlp
