"""Many extracted reports in, one reconciled situation out.

- Events from different reports that are the same happening (same type, compatible
  dates, nearby places, overlapping actors) become one SituationEvent that lists every
  report and source behind it. Candidates are found by blocking on (type, country, day)
  and (type, country, month) buckets, so the cost grows linearly with the number of reports.
- Figures about the same thing (same event or, failing that, same action, group,
  country and period) are grouped side by side with their sources and dates; the
  spread is shown, disagreements flagged, and a later cumulative toll supersedes an
  earlier one without deleting it.
- Planned events are marked fulfilled / postponed / failed when a later report says so.
"""
from __future__ import annotations

import heapq
import math
import re
from collections import Counter, defaultdict
from datetime import date as Date, timedelta
from functools import lru_cache
from itertools import islice
from typing import Iterable, Literal

from pydantic import BaseModel, Field

from ..gazetteer import km
from ..lang import resource
from ..models import Event, EventActor, Figure, Record
from .sourced import UNNAMED, Sourced

NEAR_KM = 50.0                   # two city-level places closer than this are "the same place"
TOLERANCE = 0.10                 # relative slack before two figures are said to disagree
APPROX = 0.20                    # how far an "approx" figure may stray from its value
PLAN_WINDOW = 120                # days after a planned date where its outcome is looked for
MAX_CANDIDATES = 200             # clusters compared at most per mention (keeps coarse dates cheap)
CASUALTIES = {"killed", "injured", "missing"}
# counts that grow as a crisis unfolds: a higher count on a later day is progress, not a dispute
RUNNING = CASUALTIES | {"evacuated", "displaced", "detained", "released", "rescued", "returned", "affected"}
NEEDS_ACTORS = {"statement"}     # types merged only when their actors overlap
POINT_LEVELS = {"city", "below_city", None}          # places whose coordinates are a point, not a centroid
Outcome = Literal["fulfilled", "postponed", "failed"]
ANY = "*"                        # the bucket key under which every cluster is also filed


# ----------------------------------------------------------------------------- models

class ReportInfo(BaseModel):
    report_id: str
    source: str | None = None
    url: str | None = None
    title: str | None = None
    published: str | None = None


class Mention(BaseModel):
    """One report's sentence about a situation event."""
    report_id: str
    source: str | None = None
    published: str | None = None
    index: int                          # the event's index in the report's record
    trigger: str
    sentence: str
    date: str | None = None
    status: str = "occurred"
    place: str | None = None
    agent: EventActor | None = None
    target: EventActor | None = None
    attribution: str | None = None


class Claim(BaseModel):
    """One report's figure, as a voice in a figure group."""
    report_id: str
    source: str | None = None           # the outlet
    attributed_to: str | None = None    # who the outlet cites for the figure
    published: str | None = None
    text: str
    low: float
    high: float
    qualifier: str = "exact"
    status: str = "reported"
    superseded_by: str | None = None    # report id of the later toll that replaced it

    @property
    def voice(self) -> str:
        """Who says it: 'outlet' or 'outlet, citing X'."""
        who = self.source or UNNAMED
        return f"{who}, citing {self.attributed_to}" if self.attributed_to else who

    def bounds(self) -> tuple[float, float]:
        """The interval the claim allows, widened by its qualifier."""
        low, high = self.low, max(self.high, self.low)
        if self.qualifier == "approx":
            return low * (1 - APPROX), high * (1 + APPROX)
        if self.qualifier in ("at_least", "more_than"):
            return low, math.inf
        if self.qualifier in ("at_most", "less_than"):
            return 0.0, high
        return low, high


class FigureGroup(BaseModel):
    """Figures about the same thing, side by side."""
    id: str
    action: str
    group: str
    event_id: str | None = None
    place: str | None = None
    country: str | None = None
    period: str | None = None
    people: bool = True                 # counts people (not vehicles, tents…)
    claims: list[Claim] = Field(default_factory=list)
    low: float = 0.0                    # spread over every claim
    high: float = 0.0
    current_low: float | None = None    # spread over the claims not superseded nor planned
    current_high: float | None = None
    conflict: bool = False

    @property
    def current(self) -> list[Claim]:
        return [c for c in self.claims if not c.superseded_by and c.status != "planned"]

    @property
    def label(self) -> str:
        what = self.group if self.action == "none" else f"{self.group} {self.action}"
        return f"{what} ({self.place})" if self.place else what


class SituationEvent(BaseModel):
    id: str
    type: str
    status: str
    date: str | None = None             # the most specific date the reports give
    date_start: str | None = None
    date_end: str | None = None
    dated_by: Literal["text", "report"] | None = None   # "report": no date in the text, the report's day
    place: str | None = None
    admin1: str | None = None           # the first-level division its reports name in the same country
    country: str | None = None
    lat: float | None = None
    lon: float | None = None
    agents: list[EventActor] = Field(default_factory=list)     # canonical, one per actor
    targets: list[EventActor] = Field(default_factory=list)
    plover: str | None = None
    acled: str | None = None
    mentions: list[Mention] = Field(default_factory=list)
    reports: list[str] = Field(default_factory=list)
    sources: list[str] = Field(default_factory=list)
    first_seen: str | None = None
    last_seen: str | None = None
    figure_groups: list[str] = Field(default_factory=list)
    people: float | None = None         # the largest current count of people involved
    planned: bool = False               # announced ahead by at least one report
    outcome: Outcome | None = None
    outcome_evidence: list[Mention] = Field(default_factory=list)
    rescheduled_to: str | None = None

    @property
    def summary(self) -> str:
        """The sentence of the earliest mention."""
        return self.mentions[0].sentence if self.mentions else ""


class Conflict(BaseModel):
    kind: Literal["figures", "status"]
    ref: str                            # figure group id or event id
    subject: str
    claims: list[str]                   # "value — voice (date)" lines


class PlaceSummary(BaseModel):
    name: str
    country: str | None = None
    lat: float | None = None
    lon: float | None = None
    level: str | None = None
    mentions: int = 0
    reports: int = 0
    events: int = 0
    people: float | None = None


class Situation(BaseModel):
    reports: list[ReportInfo] = Field(default_factory=list)
    events: list[SituationEvent] = Field(default_factory=list)
    figures: list[FigureGroup] = Field(default_factory=list)
    planned: list[str] = Field(default_factory=list)      # event ids announced ahead
    conflicts: list[Conflict] = Field(default_factory=list)
    places: list[PlaceSummary] = Field(default_factory=list)
    timeline: list[str] = Field(default_factory=list)     # ids of dated events, by date

    def event(self, id: str) -> SituationEvent | None:
        return next((e for e in self.events if e.id == id), None)

    def figure_group(self, id: str) -> FigureGroup | None:
        return next((g for g in self.figures if g.id == id), None)


# ----------------------------------------------------------------------------- dates

_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
_WEEK = re.compile(r"^(\d{4})-W(\d{2})")


@lru_cache(maxsize=4096)
def interval(value: str | None) -> tuple[Date, Date] | None:
    """The days a TIMEX3-like date value covers: '2016-12-15', '2016-12', '2016', '2016-W50'."""
    if not value:
        return None
    try:
        if m := _WEEK.match(value):
            start = Date.fromisocalendar(int(m[1]), int(m[2]), 1)
            return start, start + timedelta(days=6)
        if not (m := _DATE.match(value)):
            return None
        year = int(m[1])
        if m[3]:
            day = Date(year, int(m[2]), int(m[3]))
            return day, day
        if m[2]:
            month = int(m[2])
            nxt = Date(year + month // 12, month % 12 + 1, 1)
            return Date(year, month, 1), nxt - timedelta(days=1)
        return Date(year, 1, 1), Date(year, 12, 31)
    except ValueError:
        return None


def _contains(a: tuple[Date, Date], b: tuple[Date, Date]) -> bool:
    return a[0] <= b[0] and b[1] <= a[1]


def dates_agree(a, b) -> bool:
    """Same day, or one period containing the other."""
    return a == b or _contains(a, b) or _contains(b, a)


def _months(span: tuple[Date, Date]) -> list[tuple[int, int]]:
    y, m = span[0].year, span[0].month
    out = []
    while (y, m) <= (span[1].year, span[1].month) and len(out) < 13:
        out.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


# ----------------------------------------------------------------------------- places, actors

def actor_keys(*actors: EventActor | None) -> frozenset[str]:
    """Canonical ids of actors (the same actor named two ways by two reports has one)."""
    return frozenset(a.id or a.name for a in actors if a)


def agents_clash(a: Iterable[EventActor], b: Iterable[EventActor]) -> bool:
    """Two sets of agents that cannot be the same party: both given, none shared, and
    differing in a way names cannot bridge (a known organisation or state on either side,
    or different types)."""
    a, b = [x for x in a if x], [x for x in b if x]
    if not a or not b or actor_keys(*a) & actor_keys(*b):
        return False
    known = lambda x: bool(x.id) and not x.id.startswith(f"{x.type}:")
    return any(known(x) or known(y) or x.type != y.type for x in a for y in b)


# ----------------------------------------------------------------------------- clustering

SOFT_BEFORE = 7                  # an undated "occurred" mention: up to this many days before its report
SOFT_AFTER = 30                  # an undated "planned" mention: up to this many days after its report
SLACK = 1                        # day-precise dates this close agree (overnight events, time zones)
DAY_FILING = 31                  # intervals up to this long are filed day by day, longer ones by month


def _overlap(a: tuple[Date, Date], b: tuple[Date, Date]) -> bool:
    return a[0] <= b[1] and b[0] <= a[1]


def _days(span: tuple[Date, Date]) -> list[Date]:
    n = (span[1] - span[0]).days
    return [span[0] + timedelta(days=k) for k in range(n + 1)]


def _explicit(event: Event, record: Record, day: str | None) -> bool:
    """Does the event's date come from a time expression of its own sentence (not the report date)?"""
    if not day or event.date != day:
        return True
    at = event.sentence.find(event.trigger)
    begin = event.start - at if at >= 0 else event.start - len(event.sentence)
    end = begin + len(event.sentence)
    return any(t.type in ("DATE", "TIME") and begin <= t.start < end for t in record.times)


class _Item:
    """An event mention with the facts used to match it."""
    __slots__ = ("sourced", "event", "index", "span", "soft", "point", "country", "name", "actors", "agents", "day")

    @property
    def placeless(self) -> bool:
        """Neither a place, a point nor a country: the mention could be anywhere."""
        return not (self.country or self.name or self.point)

    def __init__(self, sourced: Sourced, event: Event, index: int, levels: dict):
        self.sourced, self.event, self.index = sourced, event, index
        self.day = sourced.date
        self.span = interval(event.date)
        self.soft = None                 # the window a defaulted date stands for
        if self.span and not _explicit(event, sourced.record, self.day):
            d = self.span[0]
            self.soft = ((d, d + timedelta(days=SOFT_AFTER)) if event.status == "planned"
                         else (d - timedelta(days=SOFT_BEFORE), d))
            self.span = None
        self.country = event.country
        self.name = event.place
        level = levels.get(event.place)
        has_point = event.lat is not None and event.lon is not None and level in POINT_LEVELS
        self.point = (event.lat, event.lon) if has_point else None
        self.actors = actor_keys(event.agent, event.target)
        self.agents = [event.agent] if event.agent else []

    @property
    def reach(self) -> tuple[Date, Date] | None:
        """The days this mention may be about."""
        return self.span or self.soft


class _Cluster:
    __slots__ = ("type", "items", "span", "soft", "days", "first", "last", "ongoing", "countries", "points", "names",
                 "actors", "agents", "filed")

    def __init__(self, item: _Item):
        self.type = item.event.type
        self.items: list[_Item] = []
        self.span = None                 # narrowest explicit date
        self.days: set[Date] = set()     # the explicit single days its mentions give
        self.first = self.last = None    # their earliest and latest
        self.filed: list = []            # the buckets it is in
        self.ongoing = False
        self.soft = None                 # intersection of the defaulted windows
        self.countries: set[str] = set()
        self.points: list[tuple[float, float]] = []
        self.names: set[str] = set()
        self.actors: set[str] = set()
        self.agents: list[EventActor] = []
        self.add(item)

    @property
    def reach(self) -> tuple[Date, Date] | None:
        return self.span or self.soft

    def add(self, item: _Item) -> None:
        self.items.append(item)
        if item.span and (self.span is None or _contains(self.span, item.span)):
            self.span = item.span
        if item.span and item.span[0] == item.span[1]:
            d = item.span[0]
            self.days.add(d)
            self.first = d if self.first is None else min(self.first, d)
            self.last = d if self.last is None else max(self.last, d)
        self.ongoing = self.ongoing or item.event.status == "ongoing"
        if item.soft:
            s = self.soft
            self.soft = item.soft if s is None else (max(s[0], item.soft[0]), min(s[1], item.soft[1]))
            if self.soft[0] > self.soft[1]:
                self.soft = item.soft
        if item.country:
            self.countries.add(item.country)
        if item.point and len(self.points) < 8 and item.point not in self.points:
            self.points.append(item.point)
        if item.name:
            self.names.add(item.name)
        self.actors |= item.actors
        self.agents += [a for a in item.agents if a.id not in actor_keys(*self.agents)]

    def _dates_agree(self, item: _Item) -> bool | None:
        """True / False, or None when either side has no date at all."""
        if item.span and self.span:
            a, b = item.span, self.span
            if a[0] == a[1] and b[0] == b[1]:
                d = a[0]
                if self.ongoing or item.event.status == "ongoing":
                    return (self.first - d).days <= SOFT_BEFORE and (d - self.last).days <= SOFT_BEFORE
                if d in self.days:
                    return True
                lo, hi = min(self.first, d), max(self.last, d)
                return (hi - lo).days <= 2 * SLACK and any(abs((d - x).days) <= SLACK for x in self.days)
            return dates_agree(a, b)
        mine, theirs = item.reach, self.reach
        if mine and theirs:
            return _overlap(mine, theirs)
        return None

    def score(self, item: _Item) -> int | None:
        """How well the mention fits this happening (None: it does not)."""
        if item.country and self.countries and item.country not in self.countries:
            return None
        if (item.placeless or not (self.countries or self.names or self.points)) and \
                item.sourced.report_id not in {i.sourced.report_id for i in self.items}:
            return None                   # where is unknown: only the same report can tell it is the same
        named = item.name is not None and item.name in self.names
        near = named or bool(item.point and self.points and any(km(item.point, p) <= NEAR_KM for p in self.points))
        if item.point and self.points and not near:
            return None
        dated = self._dates_agree(item)
        if dated is False:
            return None
        same_place = near or named
        shared = bool(item.actors & self.actors)
        if item.actors and self.actors and not shared and not same_place:
            return None
        if agents_clash(item.agents, self.agents):
            return None
        if self.type in NEEDS_ACTORS and not (actor_keys(*item.agents) & actor_keys(*self.agents)):
            return None
        if dated is None and not (same_place and (shared or not (item.actors and self.actors))):
            return None                   # undated: needs strong evidence
        exact = bool(item.span and self.span and item.span == self.span)
        return 4 * same_place + 2 * shared + exact


class _Blocks:
    """Clusters filed by (type, country, day) — or (type, country, month) for long periods —
    so a mention meets only the latest few clusters of its type, country and dates; each
    lookup is bounded by MAX_CANDIDATES, so the cost stays linear in the number of mentions.

    Buckets are insertion-ordered dicts: refiling a cluster is O(1), and the newest
    clusters of a bucket are read from its end. A cluster is filed under each of its
    countries and under ANY, where mentions with no country look."""

    def __init__(self):
        self.days: dict[tuple, dict[int, _Cluster]] = defaultdict(dict)
        self.months: dict[tuple, dict[int, _Cluster]] = defaultdict(dict)     # clusters with long periods
        self.by_month: dict[tuple, dict[int, _Cluster]] = defaultdict(dict)   # every dated cluster
        self.undated: dict[tuple, dict[int, _Cluster]] = defaultdict(dict)
        self.all: list[_Cluster] = []

    def _keys(self, t: str, countries, reach, ongoing: bool = False) -> list[tuple[dict, tuple]]:
        keys = []
        for c in countries:
            if reach is None:
                keys.append((self.undated, (t, c)))
                continue
            if (reach[1] - reach[0]).days < DAY_FILING:
                # an ongoing happening stays findable for SOFT_BEFORE days after its date
                end = reach[1] + timedelta(days=SOFT_BEFORE) if ongoing else reach[1]
                keys += [(self.days, (t, c, d)) for d in _days((reach[0], end))]
            else:
                keys += [(self.months, (t, c, y, m)) for y, m in _months(reach)]
            keys += [(self.by_month, (t, c, y, m)) for y, m in _months(reach)]
        return keys

    @staticmethod
    def _newest(index: dict, keys: Iterable[tuple]) -> list[_Cluster]:
        out: list[_Cluster] = []
        for key in keys:
            bucket = index.get(key)
            if bucket:
                out += islice(reversed(bucket.values()), MAX_CANDIDATES)
        return out

    def candidates(self, item: _Item) -> list[_Cluster]:
        t, reach = item.event.type, item.reach
        looks = (item.country, None) if item.country else (ANY,)
        if reach is None:
            found = self._newest(self.undated, ((t, c) for c in looks))
        elif (reach[1] - reach[0]).days < DAY_FILING:
            back = SOFT_BEFORE if item.event.status == "ongoing" else SLACK
            span = (reach[0] - timedelta(days=back), reach[1] + timedelta(days=SLACK))
            found = self._newest(self.days, ((t, c, d) for c in looks for d in _days(span)))
            found += self._newest(self.months, ((t, c, y, m) for c in looks for y, m in _months(reach)))
        else:
            found = self._newest(self.by_month, ((t, c, y, m) for c in looks for y, m in _months(reach)))
        return list(dict.fromkeys(found))[:MAX_CANDIDATES]

    def file(self, cluster: _Cluster) -> None:
        """(Re)file a cluster under the buckets of its current countries and dates."""
        for index, key in cluster.filed:
            index.get(key, {}).pop(id(cluster), None)
        countries = (cluster.countries or {None}) | {ANY}
        cluster.filed = self._keys(cluster.type, countries, cluster.reach, cluster.ongoing)
        for index, key in cluster.filed:
            index[key][id(cluster)] = cluster


def _levels(record: Record) -> dict[str | None, str | None]:
    return {p.name: p.level for p in record.places if p.name}


def cluster_events(items: list[Sourced]) -> list[_Cluster]:
    """Group the event mentions of all reports into happenings."""
    blocks = _Blocks()
    ordered = sorted(items, key=lambda s: (s.date or "", s.report_id))
    for sourced in ordered:
        levels = _levels(sourced.record)
        for i, event in enumerate(sourced.record.events):
            item = _Item(sourced, event, i, levels)
            best, home = -1, None
            for c in blocks.candidates(item):
                score = c.score(item)
                if score is not None and score > best:
                    best, home = score, c
            if home is None:
                home = _Cluster(item)
                blocks.all.append(home)
                blocks.file(home)
                continue
            old = (home.reach, home.ongoing, len(home.countries))
            home.add(item)
            if (home.reach, home.ongoing, len(home.countries)) != old:
                blocks.file(home)
    return blocks.all


# ----------------------------------------------------------------------------- building events

def _mention(item: _Item) -> Mention:
    e, s = item.event, item.sourced
    return Mention(report_id=s.report_id, source=s.outlet, published=s.date, index=item.index,
                   trigger=e.trigger, sentence=e.sentence, date=e.date, status=e.status, place=e.place,
                   agent=e.agent, target=e.target, attribution=e.attribution)


def _distinct(actors: Iterable[EventActor | None]) -> list[EventActor]:
    """One entry per canonical actor, in order of first mention."""
    out: dict[str, EventActor] = {}
    for a in actors:
        if a is not None:
            out.setdefault(a.id or a.name, a)
    return list(out.values())


def _most_common(values: Iterable) -> object:
    counts = Counter(v for v in values if v)
    return counts.most_common(1)[0][0] if counts else None


def _best_date(cluster: _Cluster) -> tuple[str | None, str | None, str | None, str | None]:
    """(date, start, end, dated_by): the most specific date the texts give, else the first report's day."""
    dated = [(i.span[1] - i.span[0], -len(i.event.date), i.event.date) for i in cluster.items if i.span]
    if dated:
        span = cluster.span
        return min(dated)[2], span[0].isoformat(), span[1].isoformat(), "text"
    days = sorted(i.event.date for i in cluster.items if i.soft)
    if days:
        return days[0], days[0], days[0], "report"
    return None, None, None, None


def _status(cluster: _Cluster) -> str:
    """The status told by the latest report (ties: the most frequent)."""
    last = max((i.day or "") for i in cluster.items)
    return _most_common(i.event.status for i in cluster.items if (i.day or "") == last) or "occurred"


def _build_event(cluster: _Cluster, id: str) -> SituationEvent:
    items = cluster.items
    placed = [i for i in items if i.event.place] or items
    where = Counter((i.event.place, i.event.country) for i in placed).most_common(1)[0][0]
    located = next((i.event for i in placed if (i.event.place, i.event.country) == where
                    and i.event.lat is not None), None)
    country = where[1] or _most_common(i.country for i in items)
    types = resource_types()
    days = sorted(i.day for i in items if i.day)
    date, start, end, dated_by = _best_date(cluster)
    return SituationEvent(
        id=id, type=cluster.type, status=_status(cluster), date=date, date_start=start, date_end=end,
        dated_by=dated_by,
        place=where[0], country=country,
        lat=located.lat if located else None, lon=located.lon if located else None,
        agents=_distinct(i.event.agent for i in items),
        targets=_distinct(i.event.target for i in items),
        plover=_most_common(i.event.plover for i in items) or types.get(cluster.type, {}).get("plover"),
        acled=_most_common(i.event.acled for i in items) or types.get(cluster.type, {}).get("acled"),
        mentions=[_mention(i) for i in items],
        reports=list(dict.fromkeys(i.sourced.report_id for i in items)),
        sources=list(dict.fromkeys(i.sourced.outlet for i in items)),
        first_seen=days[0] if days else None, last_seen=days[-1] if days else None,
        planned=any(i.event.status == "planned" for i in items),
        admin1=_most_common(p.name for i in items for p in i.sourced.record.places
                            if p.level == "admin1" and p.country == country) if country else None)


@lru_cache(maxsize=1)
def resource_types() -> dict:
    import json
    from pathlib import Path
    path = Path(__file__).resolve().parent.parent / "data" / "event_types.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _event_ids(clusters: list[_Cluster]) -> list[tuple[_Cluster, str]]:
    """Stable, ACLED-like ids (country code + number) in date order."""
    def key(c: _Cluster):
        return (c.reach[0].isoformat() if c.reach else "9999", c.type, min(i.day or "" for i in c.items),
                min(i.sourced.report_id for i in c.items), min(i.index for i in c.items))
    out, counter = [], Counter()
    for c in sorted(clusters, key=key):
        cc = _most_common(i.country for i in c.items) or "XX"
        counter[cc] += 1
        out.append((c, f"{cc}{counter[cc]:04d}"))
    return out


# ----------------------------------------------------------------------------- planned events

@lru_cache(maxsize=8)
def _cues(lang: str) -> dict[str, re.Pattern]:
    try:
        words = resource(lang, "situation")
    except LookupError:
        return {}
    return {k: re.compile(r"(?<!\w)(?:" + "|".join(re.escape(w) for w in sorted(v, key=len, reverse=True)) + r")(?!\w)")
            for k, v in words.items() if k in ("postponed", "failed") and v}


def _cue(mention_sentence: str, lang: str) -> Outcome | None:
    text = mention_sentence.lower().replace("’", "'")
    for outcome, pattern in _cues(lang).items():
        if pattern.search(text):
            return outcome   # type: ignore[return-value]
    return None


def _outcome_within(event: SituationEvent, lang_of: dict[str, str]) -> None:
    """A planned event whose own cluster holds later mentions that it happened, was put off or failed."""
    announced = min((m.published or "") for m in event.mentions if m.status == "planned")
    for m in event.mentions:
        if (m.published or "") <= announced:
            continue
        cue = _cue(m.sentence, lang_of.get(m.report_id, "fr"))
        if cue:
            outcome = cue
        elif m.status in ("failed", "denied"):
            outcome = "failed"
        elif m.status in ("occurred", "ongoing"):
            outcome = "fulfilled"
        else:
            continue
        event.outcome = outcome
        event.outcome_evidence.append(m)


def _same_plan(a: SituationEvent, b: SituationEvent) -> bool:
    if a.country and b.country and a.country != b.country:
        return False
    if a.place and b.place and a.place != b.place:
        return False
    actors_a, actors_b = actor_keys(*a.agents, *a.targets), actor_keys(*b.agents, *b.targets)
    if actors_a and actors_b:
        return bool(actors_a & actors_b)
    return bool(a.place and a.place == b.place)


def track_planned(events: list[SituationEvent], lang_of: dict[str, str]) -> None:
    """Mark planned events fulfilled / postponed / failed from later reports."""
    by_type: dict[tuple, list[SituationEvent]] = defaultdict(list)   # blocked by type and country
    for e in events:
        by_type[e.type, e.country].append(e)
    for e in events:
        if not e.planned:
            continue
        _outcome_within(e, lang_of)
        if e.outcome:
            continue
        announced = min((m.published or "") for m in e.mentions if m.status == "planned")
        start = interval(e.date_start)
        others = by_type[e.type, e.country] + (by_type[e.type, None] if e.country else [])
        for other in others:
            if other is e or not (other.first_seen and other.first_seen > announced) or not _same_plan(e, other):
                continue
            o_start = interval(other.date_start)
            if start and o_start and not (start[0] <= o_start[0] <= start[0] + timedelta(days=PLAN_WINDOW)):
                continue
            later = [m for m in other.mentions if (m.published or "") > announced]
            cue = next((c for m in later if (c := _cue(m.sentence, lang_of.get(m.report_id, "fr")))), None)
            if other.status == "planned" and o_start and start and o_start[0] > start[1]:
                e.outcome, e.rescheduled_to = "postponed", other.date
            elif cue:
                e.outcome = cue
            elif other.status in ("failed", "denied"):
                e.outcome = "failed"
            elif other.status in ("occurred", "ongoing") and (not start or not o_start or dates_agree(start, o_start)):
                e.outcome = "fulfilled"
            if e.outcome:
                e.outcome_evidence = later[:3]
                break


# ----------------------------------------------------------------------------- figures

@lru_cache(maxsize=8)
def thing_groups(lang: str) -> frozenset[str]:
    """Groups that count things, not people (from the language's figure lexicon)."""
    try:
        groups = resource(lang, "figures").get("groups", {})
    except LookupError:
        return frozenset()
    return frozenset(v["group"] for v in groups.values() if isinstance(v, dict) and v.get("kind") == "thing")


def _main_country(record: Record) -> str | None:
    return _most_common(p.country for p in record.places if p.country)


def _main_city(record: Record) -> str | None:
    """The city a report is mostly about (a figure with no event is placed there)."""
    return _most_common(p.city or p.name for p in record.places if p.name and p.level in ("city", "below_city"))


def _claim(s: Sourced, f: Figure) -> Claim:
    return Claim(report_id=s.report_id, source=s.outlet, attributed_to=f.source, published=s.date,
                 text=f.text, low=f.low, high=f.high, qualifier=f.qualifier, status=f.status)


# which event types a figure of each action may belong to (for figures the extractor left unlinked)
CARRIERS = {
    "killed": {"attack", "battle", "disaster", "protest"}, "injured": {"attack", "battle", "disaster", "protest"},
    "missing": {"disaster", "attack", "battle"}, "affected": {"disaster", "attack", "battle"},
    "displaced": {"displacement", "disaster", "attack", "battle"}, "evacuated": {"evacuation"},
    "detained": {"arrest"}, "released": {"arrest", "agreement"}, "besieged": {"siege"},
    "rescued": {"disaster", "evacuation"}, "returned": {"displacement"}, "deployed": {"aid", "battle"},
}
GENERIC = {"people", "civilians", "residents", "persons"}     # groups compared as one toll


def _carrier(k: int, f: Figure, record: Record, report_id: str,
             event_of: dict[tuple[str, int], SituationEvent]) -> SituationEvent | None:
    """The situation event a figure belongs to: the one that lists it, else the nearest mention
    of a type that carries the figure's action."""
    for i, event in enumerate(record.events):
        if k in event.figures and (report_id, i) in event_of:
            return event_of[(report_id, i)]
    fits = CARRIERS.get(f.action, ())
    near = [(abs(e.start - f.start), i) for i, e in enumerate(record.events)
            if e.type in fits and e.status != "planned" and (report_id, i) in event_of]
    return event_of[(report_id, min(near)[1])] if near else None


def group_figures(items: list[Sourced], event_of: dict[tuple[str, int], SituationEvent]) -> list[FigureGroup]:
    """Figures about the same thing side by side: keyed by event (or country and period), action, group."""
    groups: dict[tuple, FigureGroup] = {}
    for s in items:
        record = s.record
        things = thing_groups(record.language or "fr")
        mine: dict[tuple, Claim] = {}
        keys: dict[int, tuple] = {}
        for k, f in enumerate(record.figures):
            ev = _carrier(k, f, record, s.report_id, event_of)
            kind = "people" if f.group in GENERIC else f.group
            if ev:
                key = ("event", ev.id, f.action, kind)
                where = dict(event_id=ev.id, place=ev.place, country=ev.country, period=ev.date)
            else:
                country, city = _main_country(record), _main_city(record)
                period = None if f.status == "cumulative" else s.date
                key = ("free", country, city, period, f.action, kind)
                where = dict(place=city, country=country, period=period)
            keys[k] = key
            if f.part_of is not None and keys.get(f.part_of) == key:
                continue                      # "40 blessés dont 7 graves": the whole is the claim
            sibling = mine.get(("list", f.listed_with)) if f.listed_with is not None else None
            if sibling is not None and keys.get(f.listed_with) == key and sibling.attributed_to == f.source:
                _add_part(sibling, f)         # "2 Français et 3 Allemands": one claim of 5
                continue
            twin = mine.get(key + (f.low, f.high))
            if twin:                          # the same figure repeated in the report
                twin.attributed_to = twin.attributed_to or f.source
                continue
            g = groups.get(key)
            if g is None:
                g = groups[key] = FigureGroup(id=f"F{len(groups) + 1:04d}", action=f.action, group=kind,
                                              people=f.group not in things, **where)
            claim = mine[key + (f.low, f.high)] = mine[("list", k)] = _claim(s, f)
            g.claims.append(claim)
    for g in groups.values():
        _settle(g)
    return list(groups.values())


def _add_part(claim: Claim, f: Figure) -> None:
    """Fold a list mate into its list's claim: parts of a whole add up."""
    claim.low, claim.high = claim.low + f.low, claim.high + f.high
    claim.text = f"{claim.text} + {f.text}"
    if claim.qualifier == "exact" or f.qualifier == "approx":
        claim.qualifier = f.qualifier


def _settle(g: FigureGroup) -> None:
    """Order claims, mark superseded tolls, compute spreads and flag disagreement.

    A claim is superseded by the first later-published claim that is a cumulative
    toll, or (for running counts: tolls, evacuees, displaced…) whose low bound exceeds the
    claim's high bound: a progression, not a conflict. One pass
    over the claims in date order, earlier ones waiting in a heap by their high bound."""
    g.claims.sort(key=lambda c: (c.published or "", c.report_id))
    waiting: list[tuple[float, int, Claim]] = []     # (high, order, claim) published before `day`
    ready: list[tuple[float, int, Claim]] = []       # published on `day`: wait for a later date
    day = None
    for n, later in enumerate(g.claims):
        if later.published != day:
            for entry in ready:
                heapq.heappush(waiting, entry)
            ready, day = [], later.published
        if later.published and later.status != "planned":
            if later.status == "cumulative":
                for _, _, earlier in waiting:
                    earlier.superseded_by = later.report_id
                waiting = []
            elif g.action in RUNNING:
                while waiting and waiting[0][0] < later.low:
                    heapq.heappop(waiting)[2].superseded_by = later.report_id
        if later.status != "planned" and not later.superseded_by:
            ready.append((max(later.high, later.low), n, later))
    g.low = min(c.low for c in g.claims)
    g.high = max(max(c.high, c.low) for c in g.claims)
    current = g.current
    if current:
        g.current_low = min(c.low for c in current)
        g.current_high = max(max(c.high, c.low) for c in current)
    voices = {c.voice for c in current}
    if len(voices) > 1:
        lows, highs = zip(*(c.bounds() for c in current))
        g.conflict = max(lows) > min(highs) * (1 + TOLERANCE)


def _fmt(v: float) -> str:
    return f"{v:,.0f}".replace(",", " ") if v == int(v) else f"{v:g}"


def claim_value(c: Claim) -> str:
    """'951', '13–20', '~10', '>200'."""
    sign = {"approx": "~", "at_least": "≥", "more_than": ">", "at_most": "≤", "less_than": "<"}.get(c.qualifier, "")
    if c.high > c.low:
        return f"{_fmt(c.low)}–{_fmt(c.high)}"
    return sign + _fmt(c.low)


# ----------------------------------------------------------------------------- places

def summarise_places(items: list[Sourced], events: list[SituationEvent]) -> list[PlaceSummary]:
    """Distinct resolved places with how often they are named, by how many reports, and events there."""
    places: dict[tuple, PlaceSummary] = {}
    reports: dict[tuple, set] = defaultdict(set)
    for s in items:
        for p in s.record.places:
            if not p.name:
                continue
            key = (p.name, p.country)
            ps = places.get(key)
            if ps is None:
                ps = places[key] = PlaceSummary(name=p.name, country=p.country, lat=p.lat, lon=p.lon, level=p.level)
            ps.mentions += 1
            reports[key].add(s.report_id)
    for e in events:
        if not e.place:
            continue
        key = (e.place, e.country)
        ps = places.get(key)
        if ps is None:
            ps = places[key] = PlaceSummary(name=e.place, country=e.country, lat=e.lat, lon=e.lon)
        ps.events += 1
        if e.people:
            ps.people = max(ps.people or 0, e.people)
        reports[key].update(e.reports)
    for key, ps in places.items():
        ps.reports = len(reports[key])
    return sorted(places.values(), key=lambda p: (-p.reports, -p.mentions, p.name))


# ----------------------------------------------------------------------------- the whole

def reconcile(items: list[Sourced]) -> Situation:
    """One reconciled situation from many extracted reports."""
    items = [s for s in items if s is not None]
    clusters = cluster_events(items)
    events: list[SituationEvent] = []
    event_of: dict[tuple[str, int], SituationEvent] = {}
    for cluster, id in _event_ids(clusters):
        ev = _build_event(cluster, id)
        events.append(ev)
        for i in cluster.items:
            event_of[(i.sourced.report_id, i.index)] = ev
    lang_of = {s.report_id: s.record.language or "fr" for s in items}
    track_planned(events, lang_of)
    figures = group_figures(items, event_of)
    conflicts = []
    by_id = {e.id: e for e in events}
    for g in figures:
        if g.event_id:
            ev = by_id[g.event_id]
            ev.figure_groups.append(g.id)
            if g.people and g.current_high is not None and g.action != "none":
                ev.people = max(ev.people or 0, g.current_high)
        if g.conflict:
            conflicts.append(Conflict(kind="figures", ref=g.id, subject=g.label + (f", {g.period}" if g.period else ""),
                                      claims=[f"{claim_value(c)} — {c.voice} ({c.published or 'undated'})"
                                              for c in g.current]))
    conflicts += _status_conflicts(events)
    report_info = [ReportInfo(report_id=s.report_id, source=s.outlet, url=s.url, title=s.title, published=s.date)
                   for s in sorted(items, key=lambda s: (s.date or "", s.report_id))]
    timeline = [e.id for e in sorted((e for e in events if e.date_start), key=lambda e: (e.date_start, e.date_end, e.id))]
    return Situation(reports=report_info, events=events, figures=figures,
                     planned=[e.id for e in events if e.planned], conflicts=conflicts,
                     places=summarise_places(items, events), timeline=timeline)


def _status_conflicts(events: list[SituationEvent]) -> list[Conflict]:
    """Same happening, same day of reporting, told as occurred by one voice and denied by another."""
    out = []
    for e in events:
        statuses = {m.status for m in e.mentions}
        if "denied" in statuses and statuses & {"occurred", "ongoing"}:
            out.append(Conflict(kind="status", ref=e.id, subject=f"{e.type} {e.place or ''} {e.date or ''}".strip(),
                                claims=[f"{m.status} — {m.source or UNNAMED} ({m.published or 'undated'})"
                                        for m in e.mentions if m.status in ("denied", "occurred", "ongoing")]))
    return out
