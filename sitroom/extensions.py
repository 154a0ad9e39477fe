"""What sitroom stores on a spaCy Doc, as plain data, so that docs cross processes and DocBins.

Each stage's facts go in `doc.spans["sitroom_<field>"]`: one token-aligned Span per fact,
labelled with the field, whose `span._.fact` is the fact as a plain dict (the model's JSON
dump). `doc._.<field>` rebuilds the pydantic models of sitroom/models.py from those dicts,
and setting it stores models (or dicts) the same way, so this module never names a model's
fields. All of sitroom's `._` extensions are declared here, once.
"""
from __future__ import annotations

import threading
from bisect import bisect_left, bisect_right
from typing import Iterable

from pydantic import BaseModel
from spacy.tokens import Doc, Span

from .models import Actor, Event, Figure, Place, Quote, Time

MODELS: dict[str, type[BaseModel]] = {"times": Time, "places": Place, "figures": Figure,
                                      "actors": Actor, "quotes": Quote, "events": Event}
FIELDS = tuple(MODELS)
PREFIX = "sitroom_"


def key(field: str) -> str:
    """The doc.spans key of a field's facts."""
    return PREFIX + field


def write(doc: Doc, field: str, facts: Iterable[BaseModel | dict] | None) -> None:
    """Store a field's facts on the doc: their dicts in user_data, a covering span each."""
    rows = [f.model_dump(mode="json") if isinstance(f, BaseModel) else dict(f) for f in facts or ()]
    doc.user_data[(PREFIX, field)] = rows
    starts = [t.idx for t in doc]
    doc.spans[key(field)] = [Span(doc, *cover(starts, row["start"], row["end"]), label=field, span_id=n)
                             for n, row in enumerate(rows)]


def rows(doc: Doc, field: str) -> list[dict]:
    """A field's facts as stored: plain dicts, in the order the stage found them (a DocBin
    gives their lists back as tuples)."""
    return doc.user_data.get((PREFIX, field)) or []


def read(doc: Doc, field: str) -> list[BaseModel]:
    """A field's facts as new pydantic models (the caller may change them)."""
    return [MODELS[field].model_validate(row) for row in rows(doc, field)]


def cover(starts: list[int], start: int, end: int) -> tuple[int, int]:
    """The token range covering characters [start, end), given the tokens' start offsets."""
    i = max(bisect_right(starts, start) - 1, 0)
    j = max(bisect_left(starts, end), i + 1) if end > start else i
    return min(i, len(starts)), min(j, len(starts))


def warn(doc: Doc, message: str) -> None:
    """Add a warning to the doc; it reaches the record's `warnings`."""
    doc._.warnings = [*doc._.warnings, message]


# Reading the same doc's facts again (events reads the places once per trigger) reuses the
# models built the first time, as long as the stored list is the same object.
_built: dict[int, tuple[list, list]] = {}
_lock = threading.Lock()
_KEEP = 64


def _cached(doc: Doc, field: str) -> list[BaseModel]:
    stored = doc.user_data.get((PREFIX, field))
    if not stored:
        return []
    with _lock:
        hit = _built.get(id(stored))
        if hit is not None and hit[0] is stored:
            return hit[1]
    models = read(doc, field)
    with _lock:
        if len(_built) >= _KEEP:
            _built.pop(next(iter(_built)))
        _built[id(stored)] = (stored, models)
    return models


def _field_getter(field: str):
    return lambda doc: _cached(doc, field)


def _field_setter(field: str):
    return lambda doc, facts: write(doc, field, facts)


def _fact(span: Span) -> dict | None:
    stored = span.doc.user_data.get((PREFIX, span.label_)) or []
    return stored[span.id] if 0 <= span.id < len(stored) else None


def declare() -> None:
    """Declare sitroom's extensions (once; a second call changes nothing)."""
    for field in FIELDS:
        if not Doc.has_extension(field):
            Doc.set_extension(field, getter=_field_getter(field), setter=_field_setter(field))
    for name, default in (("date", None), ("date_source", "none"), ("lang", None), ("warnings", [])):
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=default)
    if not Span.has_extension("fact"):
        Span.set_extension("fact", getter=_fact)


declare()
