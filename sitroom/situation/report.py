"""A situation report in the style of an OCHA flash update, as Markdown or one self-contained HTML file.

Sections: key figures (ranges and sources), a dated timeline, what is planned next,
conflicting claims, places, sources. The HTML version inlines its CSS and draws a map
(points and areas, over Natural Earth country outlines shipped in sitroom/data/world.json)
and a timeline chart as SVG: no CDN, no tile server. All report text is escaped.
"""
from __future__ import annotations

import json
import math
from datetime import date as Date
from functools import lru_cache
from html import escape
from pathlib import Path

from .reconcile import Claim, FigureGroup, Situation, SituationEvent, claim_value
from .sourced import UNNAMED

WORLD = Path(__file__).resolve().parent.parent / "data" / "world.json"
COLOURS = {"attack": "#c0392b", "battle": "#8e44ad", "evacuation": "#2980b9", "displacement": "#d35400",
           "ceasefire": "#27ae60", "agreement": "#16a085", "meeting": "#2c3e50", "statement": "#7f8c8d",
           "aid": "#3498db", "siege": "#a04000", "arrest": "#6c3483", "protest": "#b7950b", "disaster": "#1f618d"}
OUTCOME = {"fulfilled": "took place", "postponed": "postponed", "failed": "did not take place / failed"}


# ----------------------------------------------------------------------------- selection

def select(situation: Situation, since: str | None = None, place: str | None = None) -> Situation:
    """The part of a situation seen since a date (YYYY-MM-DD) and/or about a place (name or country code)."""
    if not since and not place:
        return situation
    want = place.casefold() if place else None

    def at(name: str | None, country: str | None) -> bool:
        return not want or (name or "").casefold() == want or (country or "").casefold() == want

    def recent(day: str | None) -> bool:
        return not since or (day or "") >= since

    events = [e for e in situation.events if at(e.place, e.country) and recent(e.last_seen or e.date_end)]
    ids = {e.id for e in events}
    figures = [g for g in situation.figures
               if (g.event_id in ids if g.event_id else at(g.place, g.country))
               and any(recent(c.published) for c in g.claims)]
    narrowed = restrict(situation, events, figures)
    narrowed.places = [p for p in situation.places if at(p.name, p.country)] if want else situation.places
    narrowed.reports = [r for r in narrowed.reports if recent(r.published)]
    return narrowed


def restrict(situation: Situation, events: list, figures: list | None = None) -> Situation:
    """The situation cut down to some of its events (and by default their figure groups); the
    reports, plans, timeline and conflicts follow, so every count describes what is shown."""
    ids = {e.id for e in events}
    if figures is None:
        figures = [g for g in situation.figures if g.event_id in ids]
    gids = {g.id for g in figures}
    behind = {r for e in events for r in e.reports} | {c.report_id for g in figures for c in g.claims}
    return situation.model_copy(update=dict(
        events=events, figures=figures,
        planned=[i for i in situation.planned if i in ids],
        timeline=[i for i in situation.timeline if i in ids],
        conflicts=[c for c in situation.conflicts if c.ref in ids or c.ref in gids],
        reports=[r for r in situation.reports if r.report_id in behind]))


def key_figures(situation: Situation, limit: int = 12) -> list[FigureGroup]:
    """People counts with an action first, the largest and best-sourced first."""
    order = ("killed", "injured", "missing", "displaced", "evacuated", "affected", "besieged", "detained")

    def rank(g: FigureGroup):
        return (not g.people, order.index(g.action) if g.action in order else len(order),
                -(g.current_high or g.high), -len(g.claims))
    return sorted(situation.figures, key=rank)[:limit]


def _span(situation: Situation) -> str:
    days = sorted(r.published for r in situation.reports if r.published)
    return f"{days[0]} – {days[-1]}" if days else "undated"


def _sources(situation: Situation) -> list[str]:
    return list(dict.fromkeys(r.source or UNNAMED for r in situation.reports))


def _range(g: FigureGroup) -> str:
    cur_lo, cur_hi = g.current_low, g.current_high
    if cur_lo is None:
        return "—"
    now = claim_value(Claim(report_id="", text="", low=cur_lo, high=cur_hi))
    return now


def _claim_line(c: Claim) -> str:
    tail = f", superseded by {c.superseded_by}" if c.superseded_by else ""
    planned = ", planned" if c.status == "planned" else ""
    return f"{claim_value(c)} — {c.voice} ({c.published or 'undated'}{planned}{tail})"


def _where(e: SituationEvent) -> str:
    return ", ".join(x for x in (e.place, e.country) if x) or "place unknown"


def who(e: SituationEvent) -> str:
    """"who": the event's agents and targets by their canonical names ("" when none is known)."""
    names = lambda actors: ", ".join(a.label or a.name for a in actors)
    if not e.agents and not e.targets:
        return ""
    return (names(e.agents) or "unknown") + (f" → {names(e.targets)}" if e.targets else "")


def _who_html(e: SituationEvent) -> str:
    return f'<div class="who">who: {_h(who(e))}</div>' if who(e) else ""


def _when(e: SituationEvent) -> str:
    if not e.date:
        return "undated"
    return e.date + (" (reported)" if e.dated_by == "report" else "")


def _plan_state(e: SituationEvent) -> str:
    if not e.outcome:
        return "pending"
    ev = e.outcome_evidence[0] if e.outcome_evidence else None
    by = f" — per {ev.source or UNNAMED} ({ev.published})" if ev else ""
    moved = f" to {e.rescheduled_to}" if e.rescheduled_to else ""
    return f"{OUTCOME[e.outcome]}{moved}{by}"


# ----------------------------------------------------------------------------- Markdown

def _md(text: str | None) -> str:
    """Report text made safe for a Markdown table cell or list item."""
    return (text or "").replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;").replace("\n", " ").strip()


def render_markdown(situation: Situation, since: str | None = None, place: str | None = None) -> str:
    """The situation report as Markdown."""
    s = select(situation, since, place)
    title = f"Situation report — {place}" if place else "Situation report"
    out = [f"# {_md(title)}", "",
           f"{len(s.reports)} reports from {len(_sources(s))} sources, {_span(s)}"
           + (f" (since {since})" if since else "") + ". "
           f"{len(s.events)} events, {len(s.conflicts)} conflicting claims.", ""]
    out += ["## Key figures", "", "| What | Current | Spread | Reports | Sources |", "|---|---|---|---|---|"]
    for g in key_figures(s):
        flag = " ⚠ disputed" if g.conflict else ""
        spread = claim_value(Claim(report_id="", text="", low=g.low, high=g.high))
        voices = "; ".join(_md(_claim_line(c)) for c in g.claims)
        out.append(f"| {_md(g.label)}{flag} | {_range(g)} | {spread} | {len({c.report_id for c in g.claims})} | {voices} |")
    out += ["", "## Timeline", ""]
    for e in (s.event(i) for i in s.timeline):
        srcs = ", ".join(_md(x) for x in e.sources)
        out.append(f"- **{_when(e)}** — {e.type} ({e.status}), {_md(_where(e))} — "
                   f"{len(e.reports)} report(s): {srcs}. “{_md(e.summary)}”")
        if who(e):
            out.append(f"  - who: {_md(who(e))}")
    undated = [e for e in s.events if not e.date_start]
    if undated:
        out.append(f"- undated: " + "; ".join(f"{e.type}, {_md(_where(e))}" for e in undated[:20]))
    out += ["", "## Planned and next", ""]
    planned = [s.event(i) for i in s.planned]
    if not planned:
        out.append("Nothing announced.")
    for e in planned:
        first = next((m for m in e.mentions if m.status == "planned"), e.mentions[0])
        out.append(f"- **{e.type}**, {_md(_where(e))}, {e.date or 'date unknown'} — announced by "
                   f"{_md(first.source or UNNAMED)} ({first.published}): {_md(_plan_state(e))}. “{_md(first.sentence)}”")
    out += ["", "## Conflicting claims", ""]
    if not s.conflicts:
        out.append("None found.")
    for c in s.conflicts:
        out.append(f"- **{_md(c.subject)}**")
        out += [f"  - {_md(line)}" for line in c.claims]
    out += ["", "## Places", "", "| Place | Country | Level | Reports | Events | Lat | Lon |", "|---|---|---|---|---|---|---|"]
    for p in s.places[:40]:
        lat = f"{p.lat:.3f}" if p.lat is not None else ""
        lon = f"{p.lon:.3f}" if p.lon is not None else ""
        out.append(f"| {_md(p.name)} | {p.country or ''} | {p.level or ''} | {p.reports} | {p.events} | {lat} | {lon} |")
    out += ["", "## Sources", ""]
    for r in s.reports:
        title = f" — {_md(r.title)}" if r.title else ""
        url = f" <{_md(r.url)}>" if r.url else ""
        out.append(f"- {r.published or 'undated'} · {_md(r.source or UNNAMED)}{title}{url}")
    return "\n".join(out) + "\n"


# ----------------------------------------------------------------------------- SVG map

@lru_cache(maxsize=1)
def world() -> list[dict]:
    """Country outlines: [{iso, name, rings: [[(lon, lat)…]…], bbox}] (empty when the file is missing)."""
    try:
        data = json.loads(WORLD.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    out = []
    for f in data.get("features", []):
        rings = [ring for poly in f["geometry"]["coordinates"] for ring in poly]
        xs = [p[0] for r in rings for p in r]
        ys = [p[1] for r in rings for p in r]
        out.append({"iso": f["properties"].get("iso"), "name": f["properties"].get("name"), "rings": rings,
                    "bbox": (min(xs), min(ys), max(xs), max(ys))})
    return out


class _Frame:
    """Equirectangular projection fitted to a bounding box."""

    def __init__(self, lons: list[float], lats: list[float], width: int = 760, height: int = 460):
        lo0, lo1, la0, la1 = min(lons), max(lons), min(lats), max(lats)
        pad = max(lo1 - lo0, la1 - la0) * 0.15 + 1.0
        self.lo0, self.lo1, self.la0, self.la1 = lo0 - pad, lo1 + pad, la0 - pad, la1 + pad
        self.kx = math.cos(math.radians((la0 + la1) / 2))
        span_x, span_y = (self.lo1 - self.lo0) * self.kx, self.la1 - self.la0
        self.scale = min(width / span_x, height / span_y)
        self.w, self.h = width, height
        self.ox = (width - span_x * self.scale) / 2
        self.oy = (height - span_y * self.scale) / 2

    def xy(self, lon: float, lat: float) -> tuple[float, float]:
        return (self.ox + (lon - self.lo0) * self.kx * self.scale, self.oy + (self.la1 - lat) * self.scale)

    def overlaps(self, bbox) -> bool:
        return bbox[0] <= self.lo1 and bbox[2] >= self.lo0 and bbox[1] <= self.la1 and bbox[3] >= self.la0


def _radius(people: float | None, reports: int) -> float:
    return 4 + min(26, math.sqrt(people) / 3) if people else 4 + min(8, reports)


def svg_map(s: Situation) -> str:
    """Inline SVG: country outlines, the involved countries shaded, regions as circles, events and places as points."""
    points = [(p.lon, p.lat) for p in s.places if p.lat is not None and p.level not in ("continent",)]
    points += [(e.lon, e.lat) for e in s.events if e.lat is not None]
    if not points:
        return '<p class="muted">No located place to map.</p>'
    f = _Frame([p[0] for p in points], [p[1] for p in points])
    countries = {e.country for e in s.events if e.country} | {p.country for p in s.places if p.country}
    parts = [f'<svg class="map" viewBox="0 0 {f.w} {f.h}" width="{f.w}" height="{f.h}" role="img" '
             f'aria-label="map of the places in the reports" xmlns="http://www.w3.org/2000/svg">',
             f'<rect width="{f.w}" height="{f.h}" fill="#eaf2f8"/>']
    step = next(d for d in (0.5, 1, 2, 5, 10, 20, 30) if (f.lo1 - f.lo0) / d <= 12)
    grid = []
    for k in range(math.ceil(f.lo0 / step), math.floor(f.lo1 / step) + 1):
        x, _ = f.xy(k * step, 0)
        grid.append(f"M{x:.1f},0V{f.h}")
    for k in range(math.ceil(f.la0 / step), math.floor(f.la1 / step) + 1):
        _, y = f.xy(0, k * step)
        grid.append(f"M0,{y:.1f}H{f.w}")
    for c in world():
        if not f.overlaps(c["bbox"]):
            continue
        d = "".join("M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in (f.xy(*pt) for pt in ring)) + "Z" for ring in c["rings"])
        cls = "land hit" if c["iso"] in countries else "land"
        parts.append(f'<path class="{cls}" d="{d}"><title>{escape(c["name"] or "")}</title></path>')
    parts.append(f'<path class="grid" d="{"".join(grid)}"/>')
    for p in s.places:                                   # areas: regions and countries named in the reports
        if p.lat is None or p.level not in ("admin1", "region", "country"):
            continue
        x, y = f.xy(p.lon, p.lat)
        r = {"country": 60, "admin1": 34, "region": 34}[p.level]
        parts.append(f'<circle class="area" cx="{x:.1f}" cy="{y:.1f}" r="{r}"><title>{escape(p.name)} '
                     f'({escape(p.level)}): {p.reports} report(s)</title></circle>')
    for p in s.places:                                   # named places (no event of their own)
        if p.lat is None or p.level in ("admin1", "region", "country", "continent") or p.events:
            continue
        x, y = f.xy(p.lon, p.lat)
        parts.append(f'<circle class="place" cx="{x:.1f}" cy="{y:.1f}" r="3"><title>{escape(p.name)}: '
                     f'{p.reports} report(s)</title></circle>')
    labelled = set()
    for e in sorted((e for e in s.events if e.lat is not None), key=lambda e: -(e.people or 0)):
        x, y = f.xy(e.lon, e.lat)
        r = _radius(e.people, len(e.reports))
        people = f", ~{e.people:,.0f} people" if e.people else ""
        parts.append(f'<circle class="event" cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" fill="{COLOURS.get(e.type, "#555")}">'
                     f'<title>{escape(e.id)} {escape(e.type)} — {escape(_where(e))}, {escape(_when(e))}'
                     f'{people}, {len(e.reports)} report(s)</title></circle>')
        if e.place and e.place not in labelled:
            labelled.add(e.place)
            parts.append(f'<text x="{x + r + 3:.1f}" y="{y + 4:.1f}">{escape(e.place)}</text>')
    for p in s.places:
        if p.lat is not None and p.level in ("city", "below_city") and p.name not in labelled and len(labelled) < 25:
            labelled.add(p.name)
            x, y = f.xy(p.lon, p.lat)
            parts.append(f'<text class="small" x="{x + 5:.1f}" y="{y + 4:.1f}">{escape(p.name)}</text>')
    parts.append("</svg>")
    return "".join(parts)


# ----------------------------------------------------------------------------- SVG timeline

def svg_timeline(s: Situation, width: int = 760) -> str:
    """Inline SVG: one lane per event type, a mark per dated event sized by its number of reports."""
    events = [s.event(i) for i in s.timeline]
    if not events:
        return '<p class="muted">No dated event.</p>'
    start = min(Date.fromisoformat(e.date_start) for e in events)
    end = max(Date.fromisoformat(e.date_end) for e in events)
    days = max(1, (end - start).days)
    types = list(dict.fromkeys(e.type for e in sorted(events, key=lambda e: e.type)))
    left, lane, top = 110, 28, 10
    height = top + lane * len(types) + 34
    span = width - left - 50

    def x(day: str) -> float:
        return left + 20 + (Date.fromisoformat(day) - start).days / days * span

    parts = [f'<svg class="chart" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
             f'aria-label="timeline of events" xmlns="http://www.w3.org/2000/svg">']
    for k, t in enumerate(types):
        y = top + lane * k + lane / 2
        parts.append(f'<line class="lane" x1="{left}" x2="{width - 10}" y1="{y}" y2="{y}"/>'
                     f'<text x="{left - 8}" y="{y + 4}" text-anchor="end">{escape(t)}</text>')
    axis_y = top + lane * len(types) + 6
    n_ticks = min(days, 6)
    for k in range(n_ticks + 1):
        day = Date.fromordinal(start.toordinal() + round(k * days / n_ticks))
        tx = x(day.isoformat())
        label = day.isoformat() if k in (0, n_ticks) or day.month == 1 and day.day == 1 else day.isoformat()[5:]
        parts.append(f'<line class="tick" x1="{tx:.1f}" x2="{tx:.1f}" y1="{top}" y2="{axis_y}"/>'
                     f'<text class="small" x="{tx:.1f}" y="{axis_y + 14}" text-anchor="middle">{label}</text>')
    for e in events:
        y = top + lane * types.index(e.type) + lane / 2
        x0, x1 = x(e.date_start), x(e.date_end)
        colour = COLOURS.get(e.type, "#555")
        tip = (f"<title>{escape(e.id)} {escape(e.type)}, {escape(_where(e))}, {escape(_when(e))} "
               f"({escape(e.status)}; {len(e.reports)} report(s))</title>")
        if x1 - x0 > 4:
            parts.append(f'<rect x="{x0:.1f}" y="{y - 5}" width="{x1 - x0:.1f}" height="10" rx="4" fill="{colour}" '
                         f'opacity="0.5">{tip}</rect>')
        else:
            r = 4 + min(8, 2 * len(e.reports))
            hollow = e.status == "planned" and e.outcome != "fulfilled"
            fill = "white" if hollow else colour
            parts.append(f'<circle cx="{x0:.1f}" cy="{y}" r="{r}" fill="{fill}" stroke="{colour}" stroke-width="2" '
                         f'opacity="0.85">{tip}</circle>')
    parts.append("</svg>")
    return "".join(parts)


# ----------------------------------------------------------------------------- HTML

CSS = """
body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:0;color:#1c2833;background:#fff}
header{background:#1f4e79;color:#fff;padding:18px 28px}header h1{margin:0 0 4px;font-size:22px}
header p{margin:0;opacity:.9}main{padding:8px 28px 40px;max-width:1100px}
h2{border-bottom:2px solid #1f4e79;color:#1f4e79;font-size:17px;margin:26px 0 10px;padding-bottom:3px}
table{border-collapse:collapse;width:100%;margin:6px 0}th,td{border-bottom:1px solid #d5d8dc;padding:5px 7px;
text-align:left;vertical-align:top}th{background:#f2f4f4}.num{font-weight:600;white-space:nowrap}
.tiles{display:flex;flex-wrap:wrap;gap:10px}.tile{border:1px solid #d5d8dc;border-left:5px solid #1f4e79;
padding:8px 12px;min-width:150px;max-width:220px}.tile b{display:block;font-size:22px}.tile.disputed{border-left-color:#c0392b}
.muted{color:#717d7e}.badge{display:inline-block;padding:0 6px;border-radius:8px;font-size:12px;background:#eaecee}
.badge.disputed{background:#f5b7b1}.badge.fulfilled{background:#abebc6}.badge.postponed,.badge.pending{background:#f9e79f}
.badge.failed{background:#f5b7b1}.superseded{color:#909497;text-decoration:line-through}
ul.claims{margin:2px 0;padding-left:18px}blockquote{margin:2px 0 0;color:#566573;font-style:italic}
svg text{font:11px system-ui,sans-serif;fill:#1c2833}svg text.small{font-size:10px;fill:#566573}
.land{fill:#fdfefe;stroke:#aab7b8;stroke-width:.6}.land.hit{fill:#fcf3cf}.grid{stroke:#d6eaf8;stroke-width:.5;fill:none}
.area{fill:#f5cba7;fill-opacity:.25;stroke:#d35400;stroke-dasharray:4 3}.place{fill:#566573}
.event{fill-opacity:.75;stroke:#fff;stroke-width:1}.lane{stroke:#eaecee}.tick{stroke:#f2f3f4}
.legend span{display:inline-block;margin-right:12px}.legend i{display:inline-block;width:10px;height:10px;border-radius:5px;margin-right:4px}
"""


def _h(text) -> str:
    return escape(str(text if text is not None else ""))


def _tile(g: FigureGroup) -> str:
    cls = "tile disputed" if g.conflict else "tile"
    voices = len({c.voice for c in g.claims})
    flag = ' <span class="badge disputed">disputed</span>' if g.conflict else ""
    return (f'<div class="{cls}"><b>{_h(_range(g))}</b>{_h(g.label)}{flag}<br>'
            f'<span class="muted">{len(g.claims)} figure(s), {voices} voice(s)</span></div>')


def render_html(situation: Situation, since: str | None = None, place: str | None = None) -> str:
    """The situation report as one self-contained HTML page (inline CSS and SVG)."""
    s = select(situation, since, place)
    title = f"Situation report — {place}" if place else "Situation report"
    figures = key_figures(s)
    h = ['<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">',
         '<meta name="viewport" content="width=device-width, initial-scale=1">',
         f"<title>{_h(title)}</title><style>{CSS}</style></head><body>",
         f"<header><h1>{_h(title)}</h1><p>{len(s.reports)} reports from {len(_sources(s))} sources, "
         f"{_h(_span(s))}{_h(f' (since {since})' if since else '')} · {len(s.events)} events · "
         f"{len(s.conflicts)} conflicting claims</p></header><main>"]
    h.append('<h2>Key figures</h2><div class="tiles">' + "".join(_tile(g) for g in figures[:6]) + "</div>")
    h.append("<table><tr><th>What</th><th>Current</th><th>Spread</th><th>By whose account</th></tr>")
    for g in figures:
        spread = claim_value(Claim(report_id="", text="", low=g.low, high=g.high))
        claims = "".join(f'<li class="{"superseded" if c.superseded_by else ""}">{_h(_claim_line(c))}</li>' for c in g.claims)
        flag = ' <span class="badge disputed">disputed</span>' if g.conflict else ""
        h.append(f'<tr><td>{_h(g.label)}{flag}<br><span class="muted">{_h(g.period or "")}</span></td>'
                 f'<td class="num">{_h(_range(g))}</td><td class="num">{_h(spread)}</td>'
                 f'<td><ul class="claims">{claims}</ul></td></tr>')
    h.append("</table>")
    legend = "".join(f'<span><i style="background:{c}"></i>{_h(t)}</span>'
                     for t, c in COLOURS.items() if any(e.type == t for e in s.events))
    h.append(f'<h2>Map</h2><div class="legend">{legend}</div>{svg_map(s)}'
             '<p class="muted">Points: events, sized by the people involved; shaded circles: regions and countries '
             'named; dots: other places. Outlines: Natural Earth (public domain).</p>')
    h.append(f"<h2>Timeline</h2>{svg_timeline(s)}<table><tr><th>Date</th><th>Event</th><th>Where</th>"
             "<th>Reports</th></tr>")
    for e in (s.event(i) for i in s.timeline):
        h.append(f'<tr><td class="num">{_h(_when(e))}</td><td>{_h(e.type)} <span class="badge">{_h(e.status)}</span>'
                 f"{_who_html(e)}<blockquote>{_h(e.summary)}</blockquote></td><td>{_h(_where(e))}</td>"
                 f'<td>{len(e.reports)}: {_h(", ".join(e.sources))}</td></tr>')
    h.append("</table><h2>Planned and next</h2>")
    planned = [s.event(i) for i in s.planned]
    h.append("<p>Nothing announced.</p>" if not planned else
             "<table><tr><th>What</th><th>When</th><th>Where</th><th>Announced</th><th>Now</th></tr>")
    for e in planned:
        first = next((m for m in e.mentions if m.status == "planned"), e.mentions[0])
        state = e.outcome or "pending"
        h.append(f"<tr><td>{_h(e.type)}<blockquote>{_h(first.sentence)}</blockquote></td><td>{_h(e.date or '?')}</td>"
                 f"<td>{_h(_where(e))}</td><td>{_h(first.source or UNNAMED)} ({_h(first.published)})</td>"
                 f'<td><span class="badge {state}">{_h(state)}</span> {_h(_plan_state(e))}</td></tr>')
    if planned:
        h.append("</table>")
    h.append("<h2>Conflicting claims</h2>")
    if not s.conflicts:
        h.append("<p>None found.</p>")
    for c in s.conflicts:
        h.append(f"<p><b>{_h(c.subject)}</b></p><ul class=\"claims\">" + "".join(f"<li>{_h(x)}</li>" for x in c.claims) + "</ul>")
    h.append("<h2>Places</h2><table><tr><th>Place</th><th>Country</th><th>Level</th><th>Reports</th><th>Events</th>"
             "<th>Lat, lon</th></tr>")
    for p in s.places[:40]:
        ll = f"{p.lat:.3f}, {p.lon:.3f}" if p.lat is not None else ""
        h.append(f"<tr><td>{_h(p.name)}</td><td>{_h(p.country)}</td><td>{_h(p.level)}</td><td>{p.reports}</td>"
                 f"<td>{p.events}</td><td>{ll}</td></tr>")
    h.append("</table><h2>Sources</h2><ul>")
    for r in s.reports:
        title = f" — {_h(r.title)}" if r.title else ""
        link = f' <span class="muted">{_h(r.url)}</span>' if r.url else ""
        h.append(f"<li>{_h(r.published or 'undated')} · {_h(r.source or UNNAMED)}{title}{link}</li>")
    h.append('</ul><p class="muted">Generated by sitroom from extracted reports; figures are as reported, '
             "by whose account is given for each.</p></main></body></html>")
    return "\n".join(h)
