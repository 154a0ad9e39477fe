"""One extracted report with what is known of where it came from.

`Sourced` is the plain in-memory unit that reconciliation, the situation report and
the exports work on: the store hands back a list of them (`store.sourced()`), and a
notebook user can build them by hand from `sitroom.extract(...)` results.
"""
from __future__ import annotations

from urllib.parse import urlsplit

from pydantic import BaseModel

from ..models import Record


class Sourced(BaseModel):
    """A report's metadata plus the Record extracted from it.

    report_id: unique id of the report in the store (or any unique string).
    source:    the outlet or publisher ("AFP", "Le Monde"); None when unknown.
    url, title: where the report was read, and its headline, when known.
    published: the publication date, ISO 8601 (YYYY-MM-DD or longer); when None the
               record's own document date (`record.published`) stands in.
    """
    report_id: str
    source: str | None = None
    url: str | None = None
    title: str | None = None
    published: str | None = None
    record: Record

    @property
    def date(self) -> str | None:
        """The report's day, YYYY-MM-DD, from `published` or else the record's date."""
        day = self.published or self.record.published
        return day[:10] if day else None

    @property
    def outlet(self) -> str:
        """The outlet by name: its source, else its site, else "unnamed source"."""
        return outlet_name(self.source, self.url)

    @classmethod
    def of(cls, record: Record, source: str | None = None, **meta) -> "Sourced":
        """Wrap a Record, taking its id as the report id unless one is given."""
        meta.setdefault("report_id", record.id or f"report-{id(record)}")
        return cls(record=record, source=source, **meta)


UNNAMED = "unnamed source"


def outlet_name(source: str | None, url: str | None = None) -> str:
    """Who published a report, never a report number: the source given, else the site the
    URL names ("www.example.org" → "example.org"), else "unnamed source"."""
    if source and source.strip():
        return source.strip()
    host = urlsplit(url).hostname if url else None
    if host:
        return host[4:] if host.startswith("www.") else host
    return UNNAMED
