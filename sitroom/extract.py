"""One report in, one Record out; many reports through nlp.pipe."""
from __future__ import annotations

from datetime import date as Date, datetime as Datetime
from typing import Iterable, Iterator

from spacy.tokens import Doc

from . import extensions
from .extensions import FIELDS
from .models import Record
from .pipeline import pipeline

CHUNK = 50_000      # characters parsed at once: bounds the parser's memory on long reports


def iso_date(day) -> str | None:
    """A date, datetime or ISO string (YYYY-MM-DD, or a full ISO timestamp) → 'YYYY-MM-DD'
    (None stays None); anything else is a ValueError naming it."""
    if day is None or day == "":
        return None
    if isinstance(day, Date):
        return day.isoformat()[:10]
    if not isinstance(day, str):
        raise TypeError(f"date must be a date or an ISO string, not {type(day).__name__}")
    text = day.strip()
    try:
        parsed = Date.fromisoformat(text) if len(text) == 10 else Datetime.fromisoformat(text).date()
    except ValueError:
        raise ValueError(f"date {day!r} is not YYYY-MM-DD (or an ISO timestamp)") from None
    return parsed.isoformat()


def _checked(text) -> str:
    """A report's text, or a TypeError / ValueError saying what was given instead."""
    if isinstance(text, (bytes, bytearray)):
        raise TypeError("text must be str, not bytes: decode it first (sitroom.reading.decode reads any encoding)")
    if not isinstance(text, str):
        raise TypeError(f"text must be str, not {type(text).__name__}")
    if not text.strip():
        raise ValueError("text is empty: there is no report to extract from")
    return text


def chunks(text: str, size: int = CHUNK) -> list[tuple[int, str]]:
    """(offset, piece) cut at paragraph or line ends, each at most about `size` long."""
    out, start = [], 0
    while len(text) - start > size:
        cut = max(text.rfind("\n\n", start, start + size), text.rfind("\n", start, start + size))
        if cut <= start + size // 2:
            cut = text.rfind(" ", start, start + size)
        cut = cut + 1 if cut > start else start + size
        out.append((start, text[start:cut]))
        start = cut
    out.append((start, text[start:]))
    return out


def make_doc(text: str, date=None, *, lang: str) -> Doc:
    """A tokenised Doc carrying the document date, ready for the pipeline."""
    doc = pipeline(lang).make_doc(text)
    doc._.date = iso_date(date)
    doc._.date_source = "given" if doc._.date else "none"
    doc._.lang = lang
    return doc


def to_record(doc: Doc, id: str | None = None) -> Record:
    """Collect what the sitroom components stored on the doc, and their warnings."""
    facts = {field: extensions.read(doc, field) for field in FIELDS}
    return Record(id=id, language=doc._.lang, published=doc._.date,
                  date_source=doc._.date_source, published_in_text=doc._.date_source == "text",
                  warnings=list(doc._.warnings), **facts)


def _shift(record: Record, offset: int, n_figures: int) -> Record:
    """Move a chunk's offsets (and figure indexes) to the whole text's."""
    for name in FIELDS:
        for fact in getattr(record, name):
            fact.start += offset
            fact.end += offset
            if getattr(fact, "speaker_start", None) is not None:
                fact.speaker_start += offset
                fact.speaker_end += offset
            if name == "events":
                fact.figures = [i + n_figures for i in fact.figures]
            if name == "figures":
                for link in ("part_of", "listed_with"):
                    if getattr(fact, link) is not None:
                        setattr(fact, link, getattr(fact, link) + n_figures)
    return record


def _merge(parts: list[Record]) -> Record:
    first = parts[0]
    for part in parts[1:]:
        for name in FIELDS:
            getattr(first, name).extend(getattr(part, name))
        first.warnings += [w for w in part.warnings if w not in first.warnings]
    return first


def extract(text: str, date=None, *, lang: str, id: str | None = None) -> Record:
    """Extract times, places, figures, quotes, actors and events from one report."""
    return next(extract_many([(id, text, date)], lang=lang))


def extract_many(items: Iterable[tuple[str | None, str, str | None]], *, lang: str,
                 batch_size: int = 32, n_process: int = 1) -> Iterator[Record]:
    """Extract from (id, text, date) triples, in order, batched through nlp.pipe.

    A long text is parsed in chunks; the first chunk's document date (given or
    found in the text) carries over to the rest."""
    nlp = pipeline(lang)
    plan: list[tuple[str | None, int, int]] = []      # (id, chunk offset, chunks left)

    def docs():
        for id_, text, day in items:
            pieces = chunks(_checked(text))
            for k, (offset, piece) in enumerate(pieces):
                plan.append((id_, offset, len(pieces) - k - 1))
                yield make_doc(piece, day, lang=lang)

    parts: list[Record] = []
    n_figures = 0
    for i, doc in enumerate(nlp.pipe(docs(), batch_size=batch_size, n_process=n_process)):
        id_, offset, left = plan[i]
        record = _shift(to_record(doc, id_), offset, n_figures)
        if parts:
            record.published, record.date_source = parts[0].published, parts[0].date_source
        parts.append(record)
        n_figures += len(record.figures)
        if left == 0:
            yield _merge(parts)
            parts, n_figures = [], 0
