"""Situation events and figures in the formats analysts exchange.

- json:    the whole reconciled situation (events, figure groups, planned, conflicts, places).
- geojson: a FeatureCollection of events, Point geometry (null when unlocated).
- csv:     ACLED-like columns, one row per event (fatalities: the lowest current toll, as ACLED does).
- hxl:     the same rows under an HXL hashtag row (#date, #adm1+name, #geo+lat, #affected+killed…), for HDX tools.
- plover:  PLOVER-style JSON objects (event_type, mode, context, actors, date, location, source) for POLECAT users.
"""
from __future__ import annotations

import csv
import io
import json
from typing import Iterable

from ..models import EventActor
from .reconcile import FigureGroup, Situation, SituationEvent, reconcile
from .sourced import Sourced

FORMATS = ("json", "geojson", "csv", "hxl", "plover")
ACLED_COLUMNS = ["event_id_cnty", "event_date", "year", "event_type", "sub_event_type", "actor1", "inter1", "actor2",
                 "inter2", "country", "admin1", "location", "latitude", "longitude", "geo_precision", "source",
                 "source_scale", "notes", "fatalities", "injured", "displaced", "status", "plover"]
HXL = [("Date", "#date"), ("Event id", "#event+id"), ("Event type", "#event+type"),
       ("ACLED type", "#event+type+acled"), ("PLOVER", "#event+type+plover"), ("Status", "#status"),
       ("Country code", "#country+code"), ("Admin 1", "#adm1+name"), ("Location", "#loc+name"),
       ("Latitude", "#geo+lat"), ("Longitude", "#geo+lon"), ("Killed", "#affected+killed"),
       ("Injured", "#affected+injured"), ("Displaced", "#affected+displaced"),
       ("Evacuated", "#affected+evacuated"), ("Actor", "#org+name+actor1"), ("Reports", "#meta+count"),
       ("Sources", "#meta+source"), ("Notes", "#description")]


# ACLED's interaction codes by actor type: 1 state forces, 2 rebel groups, 6 protesters,
# 7 civilians, 8 external/other forces (3 militias, 4 identity militias and 5 rioters need
# more than a type to tell)
INTER = {"state": 1, "government": 1, "military": 1, "police": 1, "armed_group": 2, "civilians": 7,
         "igo": 8, "ngo": 8, "media": 8, "person": 8}


def inter(actor: EventActor | None, event_type: str) -> int | str:
    """The ACLED interaction code of an actor in an event of this type ("" when unknown)."""
    if actor is None or actor.type not in INTER:
        return ""
    if actor.type == "civilians" and event_type == "protest":
        return 6
    return INTER[actor.type]


def _actor(actors: list[EventActor]) -> EventActor | None:
    return actors[0] if actors else None


def _label(actor: EventActor | None) -> str:
    return (actor.label or actor.name) if actor else ""


def _situation(situation_or_items) -> Situation:
    if isinstance(situation_or_items, Situation):
        return situation_or_items
    return reconcile(list(situation_or_items))


def _groups(s: Situation, e: SituationEvent) -> list[FigureGroup]:
    index = {g.id: g for g in s.figures}
    return [index[i] for i in e.figure_groups if i in index]


def toll(s: Situation, e: SituationEvent, action: str, lowest: bool = True) -> int | None:
    """The event's current count of people for an action (lowest bound by default), None when not reported."""
    values = [g.current_low if lowest else g.current_high for g in _groups(s, e)
              if g.action == action and g.people and g.current_low is not None]
    return int(max(values)) if values else None


def _notes(e: SituationEvent) -> str:
    return " ".join(e.summary.split())[:500]


def geojson(s: Situation) -> dict:
    """A GeoJSON FeatureCollection of the situation's events."""
    features = []
    for e in s.events:
        geometry = {"type": "Point", "coordinates": [e.lon, e.lat]} if e.lat is not None and e.lon is not None else None
        features.append({"type": "Feature", "id": e.id, "geometry": geometry, "properties": {
            "id": e.id, "type": e.type, "date": e.date, "date_start": e.date_start, "date_end": e.date_end,
            "status": e.status, "outcome": e.outcome, "place": e.place, "admin1": e.admin1, "country": e.country,
            "plover": e.plover, "acled": e.acled, "agents": [_label(a) for a in e.agents],
            "targets": [_label(a) for a in e.targets],
            "killed": toll(s, e, "killed"), "injured": toll(s, e, "injured"), "displaced": toll(s, e, "displaced"),
            "people": e.people, "reports": e.reports, "sources": e.sources, "first_seen": e.first_seen,
            "last_seen": e.last_seen, "summary": e.summary}})
    return {"type": "FeatureCollection", "features": features}


def rows(s: Situation) -> Iterable[dict]:
    """ACLED-like rows, one per event, in timeline order then undated."""
    order = s.timeline + [e.id for e in s.events if e.id not in set(s.timeline)]
    index = {e.id: e for e in s.events}
    for i in order:
        e = index[i]
        yield {"event_id_cnty": e.id, "event_date": e.date_start or "", "year": (e.date_start or "")[:4],
               "event_type": e.acled or "", "sub_event_type": e.type, "actor1": _label(_actor(e.agents)),
               "inter1": inter(_actor(e.agents), e.type), "actor2": _label(_actor(e.targets)),
               "inter2": inter(_actor(e.targets), e.type), "country": e.country or "", "admin1": e.admin1 or "",
               "location": e.place or "", "latitude": "" if e.lat is None else round(e.lat, 5),
               "longitude": "" if e.lon is None else round(e.lon, 5),
               "geo_precision": 1 if e.lat is not None and e.place else (3 if e.country else ""),
               "source": "; ".join(e.sources), "source_scale": len(e.reports), "notes": _notes(e),
               "fatalities": toll(s, e, "killed") or 0, "injured": toll(s, e, "injured") or "",
               "displaced": toll(s, e, "displaced") or "", "status": e.outcome or e.status, "plover": e.plover or ""}


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value):
    """A text cell a spreadsheet would run as a formula ("=cmd|…") is quoted with a leading '."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _csv(header: list[str], extra: list[str] | None, data: Iterable[list]) -> str:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(header)
    if extra:
        w.writerow(extra)
    w.writerows([_cell(v) for v in row] for row in data)
    return out.getvalue()


def acled_csv(s: Situation) -> str:
    return _csv(ACLED_COLUMNS, None, ([r[c] for c in ACLED_COLUMNS] for r in rows(s)))


def hxl_csv(s: Situation) -> str:
    """CSV with an HXL hashtag row under the header."""
    def line(r: dict, e: SituationEvent) -> list:
        return [r["event_date"], r["event_id_cnty"], r["sub_event_type"], r["event_type"], r["plover"], r["status"],
                r["country"], r["admin1"], r["location"], r["latitude"], r["longitude"],
                toll(s, e, "killed") if toll(s, e, "killed") is not None else "", r["injured"], r["displaced"],
                toll(s, e, "evacuated") or "", r["actor1"], r["source_scale"], r["source"], r["notes"]]
    index = {e.id: e for e in s.events}
    return _csv([h for h, _ in HXL], [t for _, t in HXL], (line(r, index[r["event_id_cnty"]]) for r in rows(s)))


def plover(s: Situation) -> list[dict]:
    """PLOVER-style event objects (POLECAT field names where they exist)."""
    out = []
    for e in s.events:
        mode = e.outcome or ("planned" if e.status == "planned" else None)
        out.append({
            "id": e.id, "event_type": e.plover, "mode": mode, "context": [e.type],
            "actors": {"actor": [_plover_actor(a) for a in e.agents],
                       "recipient": [_plover_actor(a) for a in e.targets]},
            "date": e.date_start, "date_end": e.date_end, "status": e.status,
            "location": {"name": e.place, "admin1": e.admin1, "country": e.country, "lat": e.lat, "lon": e.lon},
            "source": e.sources, "reports": e.reports, "text": e.summary,
            "figures": [{"action": g.action, "group": g.group, "low": g.current_low, "high": g.current_high,
                         "disputed": g.conflict} for g in _groups(s, e)]})
    return out


def _plover_actor(a: EventActor) -> dict:
    return {"name": _label(a), "id": a.id, "type": a.type, "country": a.country, "as_named": a.name}


def export(situation_or_items: Situation | list[Sourced], format: str = "json") -> str:
    """The situation (or the reconciled list of Sourced reports) in one of FORMATS, as text."""
    s = _situation(situation_or_items)
    if format == "json":
        return s.model_dump_json(indent=2)
    if format == "geojson":
        return json.dumps(geojson(s), ensure_ascii=False, indent=1)
    if format == "csv":
        return acled_csv(s)
    if format == "hxl":
        return hxl_csv(s)
    if format == "plover":
        return json.dumps(plover(s), ensure_ascii=False, indent=1)
    raise ValueError(f"unknown format {format!r}; choose one of {', '.join(FORMATS)}")
