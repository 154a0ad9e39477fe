"""Records as text for people: a terminal table or Markdown."""
from __future__ import annotations

from .models import Record

COLUMNS = {
    "times": ("text", "value", "type"),
    "places": ("text", "name", "country", "lat", "lon", "level"),
    "figures": ("text", "low", "high", "qualifier", "action", "group", "status", "source"),
    "quotes": ("start", "speaker", "text"),
    "actors": ("text", "type", "country"),
    "events": ("type", "trigger", "date", "place", "country", "status", "attribution"),
}


def _cell(value, width: int = 60) -> str:
    text = "" if value is None else str(value)
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _rows(record: Record, field: str) -> list[list[str]]:
    return [[_cell(getattr(fact, col)) for col in COLUMNS[field]] for fact in getattr(record, field)]


def _title(record: Record) -> str:
    how = {"given": "given", "text": "found in the text", "inferred": "inferred", "none": "unknown"}
    return (f"{record.id or 'report'} — language {record.language}, date {record.published or '?'} "
            f"({how[record.date_source]})")


def table(record: Record) -> str:
    """Fixed-width columns, one block per field."""
    out = [_title(record)] + [f"  ! {w}" for w in record.warnings]
    for field, cols in COLUMNS.items():
        rows = _rows(record, field)
        out.append(f"\n{field} ({len(rows)})")
        if not rows:
            continue
        widths = [max(len(c), *(len(r[i]) for r in rows)) for i, c in enumerate(cols)]
        out.append("  " + "  ".join(c.ljust(w) for c, w in zip(cols, widths)))
        out += ["  " + "  ".join(v.ljust(w) for v, w in zip(r, widths)) for r in rows]
    return "\n".join(out)


def markdown(record: Record) -> str:
    """One Markdown table per field."""
    out = [f"## {_title(record)}"] + [f"> {w}" for w in record.warnings]
    for field, cols in COLUMNS.items():
        rows = _rows(record, field)
        out.append(f"\n### {field.capitalize()} ({len(rows)})\n")
        if rows:
            out.append("| " + " | ".join(cols) + " |")
            out.append("|" + "---|" * len(cols))
            out += ["| " + " | ".join(v.replace("|", "\\|") for v in r) + " |" for r in rows]
    return "\n".join(out)
