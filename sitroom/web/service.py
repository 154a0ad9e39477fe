"""What the web application serves, kept apart from HTTP: the cached situation, filters, jobs.

The reconciled situation is rebuilt only when the store changed (a write through this
server, or an ingest by another process noticed at most every ``RECHECK`` seconds); one
thread rebuilds while the others wait for it. Ingests run one at a time on a single
worker thread, so that writes never compete with each other.
"""
from __future__ import annotations

import re
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timezone

from sqlalchemy import func, select

from ..situation import IngestResult, Store, ingest_items
from ..situation.ingest import Item, text_item
from ..situation.reconcile import FigureGroup, Situation, SituationEvent, interval, reconcile
from ..situation.store import content_hash, records

RECHECK = 1.0                         # seconds between looks for writes by other processes
AREA_LEVELS = {"admin1", "region", "country", "continent"}
DAY = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


class Snapshot:
    """One reconciled situation with the lookups the API needs."""

    def __init__(self, situation: Situation, reports: dict[str, dict]):
        self.situation = situation
        self.reports = reports                                   # report id -> row (no text)
        self.levels = {p.name: p.level for p in situation.places}
        self.countries = {p.country: p for p in situation.places if p.level == "country" and p.lat is not None}
        self.groups = {g.id: g for g in situation.figures}
        self.types = sorted({e.type.split(".")[0] for e in situation.events})
        self.sources = sorted({s for e in situation.events for s in e.sources if s})
        self.actors = sorted({a.label or a.name for e in situation.events for a in e.agents + e.targets})
        self.events = sorted(situation.events, key=lambda e: (e.date_start or e.date or "9999", e.id))
        self.shown = {e.id: self.event_json(e) for e in self.events}     # built once, served many times

    def event_json(self, e: SituationEvent) -> dict:
        """An event as the API shows it: where it is drawn (point or area) and its figures' gist."""
        out = e.model_dump(mode="json")
        lat, lon, area = e.lat, e.lon, self.levels.get(e.place) in AREA_LEVELS
        if lat is None and e.country in self.countries:              # only the country is known
            p = self.countries[e.country]
            lat, lon, area = p.lat, p.lon, True
        out.update(map_lat=lat, map_lon=lon, area=area if lat is not None else None,
                   summary=e.summary, kind=e.type.split(".")[0])
        return out

    def group_json(self, g: FigureGroup) -> dict:
        out = g.model_dump(mode="json")
        out["label"] = g.label
        for claim, c in zip(out["claims"], g.claims):
            claim["voice"] = c.voice
        return out


@dataclass
class EventFilter:
    type: str | None = None
    since: str | None = None
    until: str | None = None
    place: str | None = None
    source: str | None = None
    status: str | None = None
    actor: str | None = None
    bbox: tuple[float, float, float, float] | None = None

    def __post_init__(self):
        self.places = None
        if self.place:                   # a country by name stands for its code ("Ukraine" → UA)
            from ..gazetteer import gazetteer
            country = gazetteer().find(self.place, level="country")
            self.places = {self.place.casefold()} | ({country.country.casefold()} if country else set())

    @property
    def empty(self) -> bool:
        """True when the filter keeps every event."""
        return not any((self.type, self.since, self.until, self.place, self.source, self.status,
                        self.actor, self.bbox))

    def __call__(self, snap: Snapshot, e: SituationEvent) -> bool:
        if self.type and not e.type.startswith(self.type):
            return False
        if self.status and e.status != self.status:
            return False
        if self.source and self.source not in e.sources:
            return False
        if self.actor and not any(self.actor.casefold() in ((a.label or "").casefold(), a.name.casefold(), a.id or "")
                                  for a in e.agents + e.targets):
            return False
        if self.places and not any(v and v.casefold() in self.places for v in (e.place, e.admin1, e.country)):
            return False
        if self.since or self.until:
            span = interval(e.date_start or e.date), interval(e.date_end or e.date)
            if span[0] is None or span[1] is None:
                return False
            lo, hi = span[0][0], span[1][1]
            if self.since and hi < interval(self.since)[0]:
                return False
            if self.until and lo > interval(self.until)[1]:
                return False
        if self.bbox:
            west, south, east, north = self.bbox
            lat, lon = snap.shown[e.id]["map_lat"], snap.shown[e.id]["map_lon"]
            if lat is None or not (south <= lat <= north and west <= lon <= east):
                return False
        return True


class SituationCache:
    """The store's reconciled situation, rebuilt when the store changes."""

    def __init__(self, store: Store):
        self.store = store
        self._lock = threading.Lock()
        self._snap: Snapshot | None = None
        self._mark = None
        self._checked = 0.0
        self._dirty = True

    def invalidate(self) -> None:
        self._dirty = True

    def _fingerprint(self):
        with self.store.read() as conn:
            return tuple(conn.execute(select(func.count(), func.max(records.c.report_id))).one())

    def fresh(self) -> Snapshot | None:
        """The snapshot when it needs no look at the store, else None (then call ``get``)."""
        if self._snap is not None and not self._dirty and time.monotonic() - self._checked < RECHECK:
            return self._snap
        return None

    def get(self) -> Snapshot:
        if (snap := self.fresh()) is not None:
            return snap
        with self._lock:
            if self._snap is not None and not self._dirty and time.monotonic() - self._checked < RECHECK:
                return self._snap
            self._dirty = False
            mark = self._fingerprint()
            self._checked = time.monotonic()
            if self._snap is None or mark != self._mark:
                reports = {str(r["id"]): r for r in self.store.reports()}
                self._snap = Snapshot(reconcile(self.store.sourced()), reports)
                self._mark = mark
            return self._snap


# -- ingesting --------------------------------------------------------------------------------

def item_of(text: str, **meta) -> Item:
    """An ingest Item (HTML turned to text) from a report's text and metadata."""
    return text_item(text, meta.pop("origin", None) or "web", **{k: v for k, v in meta.items() if v})


def ingest_one(store: Store, item: Item) -> tuple[int | None, IngestResult, list[str]]:
    """Store and extract one report; (its id, what happened, messages).

    Only this report: the pending reports of other ingests are left to them (issue 10 B)."""
    notes: list[str] = []
    result = ingest_items([item], store, progress=False, batch_size=1, resume=False,
                          say=lambda where, message: notes.append(message))
    return store.report_id(content_hash(item.text.strip())), result, notes


@dataclass
class Job:
    id: str
    total: int
    state: str = "queued"                    # queued | running | done | failed
    result: IngestResult = field(default_factory=IngestResult)
    error: str | None = None
    notes: list[str] = field(default_factory=list)
    created: str = field(default_factory=lambda: datetime.now(timezone.utc).isoformat())
    finished: str | None = None

    def json(self) -> dict:
        r = self.result
        done = r.already + r.added + r.skipped
        return {"id": self.id, "state": self.state, "total": self.total, "done": min(done, self.total),
                "progress": round(min(done, self.total) / self.total, 3) if self.total else 1.0,
                "added": r.added, "extracted": r.extracted, "duplicates": r.duplicates,
                "already": r.already, "unreadable": r.unreadable, "failed": r.failed,
                "skipped": r.skipped, "error": self.error, "notes": self.notes[-20:],
                "created": self.created, "finished": self.finished}


class Jobs:
    """Background ingests, one at a time, with their progress."""

    KEEP = 200

    def __init__(self, store: Store, on_write):
        self.store, self.on_write = store, on_write
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sitroom-ingest")
        self.jobs: dict[str, Job] = {}
        self.write_lock = threading.Lock()             # one writer at a time, jobs and single posts

    def submit(self, items: list[Item]) -> Job:
        job = Job(id=uuid.uuid4().hex[:12], total=len(items))
        self.jobs[job.id] = job
        while len(self.jobs) > self.KEEP:
            self.jobs.pop(next(iter(self.jobs)))
        if self.pool._shutdown:                        # the app was stopped and started again
            self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sitroom-ingest")
        self.pool.submit(self._run, job, items)
        return job

    def _run(self, job: Job, items: list[Item]) -> None:
        job.state = "running"
        try:
            with self.write_lock:
                ingest_items(_notify(items, self.on_write), self.store, progress=False, batch_size=4,
                             result=job.result, say=lambda where, msg: job.notes.append(f"{where}: {msg}"))
            job.state = "done"
        except Exception as e:                         # reported on the job, never raised
            job.state, job.error = "failed", f"{type(e).__name__}: {e}"
        finally:
            job.finished = datetime.now(timezone.utc).isoformat()
            self.on_write()

    def close(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)


def _notify(items, on_write):
    """The items, telling ``on_write`` as the ingest advances (so readers see new reports soon)."""
    for n, item in enumerate(items):
        if n and n % 4 == 0:
            on_write()
        yield item
