"""The situation store: reports, their extracted records, and flat tables of events and figures.

One SQLAlchemy data layer for every backend: a SQLite file by default (``sitroom.db``),
PostgreSQL or any other database through its SQLAlchemy URL. SQLite runs in WAL mode
with a busy timeout and takes its write lock up front, so that several ingests can share
one file. Every write is its own short transaction: a crash loses nothing committed.

Pending reports are claimed, not checked then acted on (issue 10 B): an ingest claims the
reports it stores (or the ones nobody holds) with a lease, and saves a record only for a
report it still holds; a guarded UPDATE is the check, so two processes never both save
one report. The lease of a killed ingest runs out and its reports are taken over.

Tables
  reports   one row per distinct report text (sha256 unique); ``status`` is one of
            pending | extracted | duplicate | unreadable_language | failed;
            ``dup_of`` links a near-duplicate to its first copy; a pending report is
            claimed by one ingest (``claimed_by``) until ``lease_until``
  records   the full extracted Record of a report, as JSON (one per report)
  events    one row per extracted event, flattened for filtering
  figures   one row per extracted figure, flattened for filtering
  schema_version  the migrations applied
"""
from __future__ import annotations

import gc
import hashlib
import os
import re
import socket
import sqlite3
import time
import uuid
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Iterator

from sqlalchemy import (JSON, Column, DateTime, Float, ForeignKey, Index, Integer, LargeBinary,
                        MetaData, String, Table, Text, create_engine, event, func, inspect, select,
                        update)
from sqlalchemy import text as sql
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import IntegrityError, OperationalError

from ..models import Record

SCHEMA_VERSION = 2
LEASE = 600.0                      # seconds an ingest holds the pending reports it claimed
MIGRATION_LOCK = 0x5174_2003_0a    # PostgreSQL advisory lock key held while migrating
DEFAULT_DB = "sitroom.db"
STATUSES = ("pending", "extracted", "duplicate", "unreadable_language", "failed")

metadata = MetaData()

reports = Table(
    "reports", metadata,
    Column("id", Integer, primary_key=True),
    Column("sha256", String(64), nullable=False, unique=True),
    Column("url", Text),
    Column("source", Text),                 # the outlet
    Column("title", Text),
    Column("published", String(32)),        # ISO date, or null when unknown
    Column("date_source", String(16)),      # given | text | inferred | none
    Column("language", String(8)),          # null when sitroom cannot tell
    Column("text", Text, nullable=False),
    Column("status", String(24), nullable=False, default="pending"),
    Column("dup_of", Integer, ForeignKey("reports.id")),
    Column("signature", LargeBinary),       # MinHash hash values (dedup.py)
    Column("origin", Text),                 # the file (and line) it was read from
    Column("error", Text),
    Column("ingested_at", DateTime(timezone=True), nullable=False),
    Column("extracted_at", DateTime(timezone=True)),
    Column("claimed_by", String(96)),       # the ingest extracting a pending report (v2)
    Column("lease_until", DateTime(timezone=True)),   # ... until then; after, anyone may take it
    Index("ix_reports_status", "status"),
    Index("ix_reports_published", "published"),
    Index("ix_reports_source", "source"),
)

records = Table(
    "records", metadata,
    Column("report_id", Integer, ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True),
    Column("record", JSON, nullable=False),
)

events = Table(
    "events", metadata,
    Column("id", Integer, primary_key=True),
    Column("report_id", Integer, ForeignKey("reports.id", ondelete="CASCADE"), nullable=False),
    Column("idx", Integer, nullable=False),            # index in Record.events
    Column("type", String(64)),
    Column("trigger", Text),
    Column("date", String(32)),
    Column("place", Text),
    Column("country", String(8)),
    Column("lat", Float),
    Column("lon", Float),
    Column("status", String(16)),
    Column("agent", Text),
    Column("target", Text),
    Column("attribution", Text),
    Column("plover", String(32)),
    Column("acled", String(64)),
    Column("figures", JSON),                           # indexes into Record.figures
    Column("sentence", Text),
    Column("start", Integer),
    Column("end", Integer),
    Index("ix_events_report", "report_id", "idx", unique=True),
    Index("ix_events_type_date", "type", "date"),
    Index("ix_events_date", "date"),
    Index("ix_events_country", "country"),
)

figures = Table(
    "figures", metadata,
    Column("id", Integer, primary_key=True),
    Column("report_id", Integer, ForeignKey("reports.id", ondelete="CASCADE"), nullable=False),
    Column("idx", Integer, nullable=False),            # index in Record.figures
    Column("event_idx", Integer),                      # the first event citing it, if any
    Column("text", Text),
    Column("low", Float),
    Column("high", Float),
    Column("qualifier", String(16)),
    Column("action", String(16)),
    Column("group", String(64)),
    Column("status", String(16)),
    Column("source", Text),
    Column("start", Integer),
    Column("end", Integer),
    Index("ix_figures_report", "report_id", "idx", unique=True),
    Index("ix_figures_action", "action", "group"),
)

schema_version = Table(
    "schema_version", metadata,
    Column("version", Integer, primary_key=True),
    Column("applied_at", DateTime(timezone=True), nullable=False),
    Column("note", Text),
)


def _v1(conn: Connection) -> None:
    metadata.create_all(conn, tables=[reports, records, events, figures])


def _v2(conn: Connection) -> None:
    have = {c["name"] for c in inspect(conn).get_columns("reports")}
    for name in ("claimed_by", "lease_until"):          # a new store has them from _v1 already
        if name not in have:
            kind = reports.c[name].type.compile(conn.dialect)
            conn.execute(sql(f"ALTER TABLE reports ADD COLUMN {name} {kind}"))


# version → (note, step); a new schema version is a new entry, never an edit of an old one
MIGRATIONS = {1: ("reports, records, events, figures", _v1),
              2: ("claims on pending reports: reports.claimed_by, reports.lease_until", _v2)}


@contextmanager
def _bulk() -> Iterator[None]:
    """Pause the cyclic garbage collector while many objects are built at once.

    Loading tens of thousands of records makes it rescan every live object again and
    again, which turns a linear load quadratic."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def content_hash(text: str) -> str:
    """sha256 of the text with its whitespace normalised: the identity of a report."""
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()


def now() -> datetime:
    return datetime.now(timezone.utc)


def to_url(db: str | Path) -> str:
    """A SQLAlchemy URL from a URL or a file path (a path means SQLite)."""
    db = str(db)
    if re.match(r"^[a-z][a-z0-9+]*://", db):
        if db.startswith(("postgresql://", "postgres://")) and _has("psycopg") and not _has("psycopg2"):
            db = "postgresql+psycopg://" + db.split("://", 1)[1]       # psycopg 3 when it is the one
        return db
    return f"sqlite:///{Path(db).expanduser().resolve()}"


def _has(module: str) -> bool:
    import importlib.util
    return importlib.util.find_spec(module) is not None


def _switch_to_wal(cursor, patience: float = 60.0) -> None:
    """PRAGMA journal_mode = WAL, retried: switching needs an exclusive lock, and SQLite may
    answer "database is locked" at once (without its busy handler) while another process
    opens the same new store."""
    deadline = time.monotonic() + patience
    while True:
        try:
            cursor.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as e:
            if "locked" not in str(e) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def _sqlite_setup(engine: Engine) -> None:
    """WAL, busy timeout, foreign keys; writes take the lock at BEGIN (no upgrade deadlock)."""
    @event.listens_for(engine, "connect")
    def _connect(dbapi_conn, _):
        dbapi_conn.isolation_level = None          # let SQLAlchemy's BEGIN below rule
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA busy_timeout = 60000")
        _switch_to_wal(cur)
        cur.execute("PRAGMA synchronous = NORMAL")
        cur.execute("PRAGMA foreign_keys = ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn):
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("write")
                             else "BEGIN")


def flat_events(record: Record) -> list[dict]:
    """The record's events as flat rows (without report_id)."""
    return [dict(idx=i, type=e.type, trigger=e.trigger, date=e.date, place=e.place,
                 country=e.country, lat=e.lat, lon=e.lon, status=e.status,
                 agent=e.agent.name if e.agent else None, target=e.target.name if e.target else None, attribution=e.attribution, plover=e.plover, acled=e.acled,
                 figures=list(e.figures), sentence=e.sentence, start=e.start, end=e.end)
            for i, e in enumerate(record.events)]


def flat_figures(record: Record) -> list[dict]:
    """The record's figures as flat rows, each with the first event citing it."""
    cited: dict[int, int] = {}
    for i, e in enumerate(record.events):
        for f in e.figures:
            cited.setdefault(f, i)
    return [dict(idx=i, event_idx=cited.get(i), text=f.text, low=f.low, high=f.high,
                 qualifier=f.qualifier, action=f.action, group=f.group, status=f.status,
                 source=f.source, start=f.start, end=f.end)
            for i, f in enumerate(record.figures)]


_REPORT_COLS = ("id", "sha256", "url", "source", "title", "published", "date_source", "language",
                "status", "dup_of", "origin", "error", "ingested_at", "extracted_at")


class Store:
    """A situation store. ``Store()`` opens (and creates or migrates) ./sitroom.db.

    ``db`` is a file path (SQLite) or any SQLAlchemy URL, e.g. ``postgresql://host/sitroom``.
    Reads return plain dicts (JSON-ready), ``record()`` a pydantic Record, ``*_frame()``
    pandas DataFrames. Use as a context manager or call ``close()``.
    """

    def __init__(self, db: str | Path = DEFAULT_DB, *, echo: bool = False, lease: float = LEASE):
        self.url = to_url(db)
        self.lease = lease
        self.is_sqlite = make_url(self.url).get_backend_name() == "sqlite"
        kwargs: dict[str, Any] = {"echo": echo, "future": True}
        if self.is_sqlite:
            kwargs["connect_args"] = {"timeout": 60, "check_same_thread": False}
        self.engine: Engine = create_engine(self.url, **kwargs)
        if self.is_sqlite:
            _sqlite_setup(self.engine)
        self.migrate()

    # -- plumbing -----------------------------------------------------------------------------
    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """One write transaction (SQLite: BEGIN IMMEDIATE, waits for the lock)."""
        with self.engine.connect() as conn:
            conn.execution_options(write=True)
            with conn.begin():
                yield conn

    @contextmanager
    def read(self) -> Iterator[Connection]:
        with self.engine.connect() as conn:
            with conn.begin():
                yield conn

    def migrate(self) -> int:
        """Bring the schema to SCHEMA_VERSION; safe when several processes open at once.

        The whole check-and-migrate runs under one lock: SQLite's write lock (BEGIN
        IMMEDIATE), PostgreSQL's transaction-level advisory lock. Without it two processes
        creating a new store both create its tables and one dies (issue 10 A)."""
        with self.write() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(sql("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
            schema_version.create(conn, checkfirst=True)
            have = conn.scalar(select(func.max(schema_version.c.version))) or 0
            for version in sorted(v for v in MIGRATIONS if v > have):
                note, step = MIGRATIONS[version]
                step(conn)
                conn.execute(schema_version.insert().values(version=version, applied_at=now(),
                                                            note=note))
        return self.version

    @property
    def version(self) -> int:
        with self.read() as conn:
            return conn.scalar(select(func.max(schema_version.c.version))) or 0

    # -- writes -------------------------------------------------------------------------------
    def add_report(self, text: str, *, sha256: str | None = None, url: str | None = None,
                   source: str | None = None, title: str | None = None,
                   published: str | None = None, language: str | None = None,
                   status: str = "pending", dup_of: int | None = None,
                   signature: bytes | None = None, origin: str | None = None,
                   record: Record | None = None, claim: str | None = None) -> int | None:
        """Store a report (and its record, if given); its id, or None if its text is stored already.

        ``claim``: the claimant (see ``claimant()``) that holds the new pending report."""
        if status not in STATUSES:
            raise ValueError(f"unknown status {status!r}")
        row = dict(sha256=sha256 or content_hash(text), url=url, source=source, title=title,
                   published=published, date_source="given" if published else "none",
                   language=language, text=text, status=status, dup_of=dup_of,
                   signature=signature, origin=origin, ingested_at=now())
        if claim and status == "pending" and record is None:
            row.update(claimed_by=claim, lease_until=now() + timedelta(seconds=self.lease))
        try:
            with self.write() as conn:
                id_ = conn.execute(reports.insert().values(**row)).inserted_primary_key[0]
                if record is not None:
                    self._put_record(conn, id_, record, published)
            return id_
        except IntegrityError:
            return None

    def claimant(self) -> str:
        """A new claimant name, unique across hosts, processes and ingests."""
        return f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:12]}"

    def claim(self, claimant: str, *, ids: list[int] | None = None,
              limit: int | None = None) -> list[dict]:
        """Claim pending reports for ``lease`` seconds: id, text, published and language of each.

        With ``ids``, (re)claims those still pending that ``claimant`` holds or nobody holds;
        otherwise up to ``limit`` pending reports that nobody holds: never claimed, claimed by
        a process of this host that is gone (killed), or whose lease ran out. Oldest first."""
        at = now()
        free = reports.c.claimed_by.is_(None) | (reports.c.lease_until < at)
        if ids is None and (dead := self._dead_claimants(at)):
            free = free | reports.c.claimed_by.in_(dead)
        if ids is not None:
            if not ids:
                return []
            which = reports.c.id.in_(ids) & ((reports.c.claimed_by == claimant) | free)
        else:
            first = select(reports.c.id).where(reports.c.status == "pending", free).order_by(reports.c.id)
            if not self.is_sqlite:                          # claimers pass each other by
                first = first.with_for_update(skip_locked=True)
            which = reports.c.id.in_(first.limit(limit).scalar_subquery()) & free
        q = (update(reports).where(which, reports.c.status == "pending")
             .values(claimed_by=claimant, lease_until=at + timedelta(seconds=self.lease))
             .returning(reports.c.id, reports.c.text, reports.c.published, reports.c.language))
        with self.write() as conn:
            rows = [dict(r) for r in conn.execute(q).mappings()]
        return sorted(rows, key=lambda r: r["id"])

    def _dead_claimants(self, at: datetime) -> list[str]:
        """Claimants of pending reports that were processes of this host and are gone."""
        host = self.claimant().split(":", 1)[0]
        q = (select(reports.c.claimed_by).distinct()
             .where(reports.c.status == "pending", reports.c.lease_until >= at,
                    reports.c.claimed_by.like(f"{host}:%")))
        with self.read() as conn:
            held = list(conn.scalars(q))
        return [c for c in held if not _alive(int(c.split(":")[1]))]

    def save_record(self, report_id: int, record: Record, *, claimant: str | None = None) -> bool:
        """Attach the extracted record to a pending report; False if it was no longer pending
        (or, given a ``claimant``, no longer held by it).

        The guarded UPDATE is the check: on PostgreSQL it locks the row, so a second saver
        waits for the first, then finds the report no longer pending."""
        guard = [reports.c.id == report_id, reports.c.status == "pending"]
        if claimant is not None:
            guard.append(reports.c.claimed_by == claimant)
        with self.write() as conn:
            row = conn.execute(update(reports).where(*guard)
                               .values(status="extracted", claimed_by=None, lease_until=None)
                               .returning(reports.c.published)).first()
            if row is None:
                return False
            self._put_record(conn, report_id, record, row.published)
        return True

    def _put_record(self, conn: Connection, report_id: int, record: Record, published) -> None:
        changes: dict[str, Any] = dict(status="extracted", extracted_at=now(), error=None)
        if not published and record.published:
            changes.update(published=record.published, date_source=record.date_source)
        conn.execute(update(reports).where(reports.c.id == report_id).values(**changes))
        conn.execute(records.insert().values(report_id=report_id, record=record.model_dump(mode="json")))
        rows = flat_events(record)
        if rows:
            conn.execute(events.insert(), [dict(r, report_id=report_id) for r in rows])
        rows = flat_figures(record)
        if rows:
            conn.execute(figures.insert(), [dict(r, report_id=report_id) for r in rows])

    def mark_failed(self, report_id: int, error: str, *, claimant: str | None = None) -> None:
        guard = [reports.c.id == report_id, reports.c.status == "pending"]
        if claimant is not None:
            guard.append(reports.c.claimed_by == claimant)
        with self.write() as conn:
            conn.execute(update(reports).where(*guard)
                         .values(status="failed", error=error[:2000], claimed_by=None, lease_until=None))

    # -- reads --------------------------------------------------------------------------------
    def report_id(self, sha256: str) -> int | None:
        """The id of the report with this content hash, if stored."""
        with self.read() as conn:
            return conn.scalar(select(reports.c.id).where(reports.c.sha256 == sha256))

    def report(self, report_id: int, text: bool = True) -> dict | None:
        """One report's row (without its MinHash signature)."""
        cols = [reports.c[c] for c in _REPORT_COLS] + ([reports.c.text] if text else [])
        with self.read() as conn:
            row = conn.execute(select(*cols).where(reports.c.id == report_id)).mappings().first()
        return _jsonable(row) if row else None

    def reports(self, *, status: str | None = None, source: str | None = None,
                since: str | None = None, until: str | None = None,
                text: bool = False, limit: int | None = None) -> list[dict]:
        """Report rows, oldest first, filtered by status, outlet and published date (ISO, inclusive)."""
        cols = [reports.c[c] for c in _REPORT_COLS] + ([reports.c.text] if text else [])
        q = select(*cols).order_by(reports.c.id)
        if status:
            q = q.where(reports.c.status == status)
        if source:
            q = q.where(reports.c.source == source)
        q = _between(q, reports.c.published, since, until).limit(limit)
        with self.read() as conn:
            return [_jsonable(r) for r in conn.execute(q).mappings()]

    def pending(self) -> list[dict]:
        """Reports stored but not yet extracted, whoever holds them: id, text, published, language.

        To extract them, ``claim()`` them instead: another ingest may be at work on them."""
        q = (select(reports.c.id, reports.c.text, reports.c.published, reports.c.language)
             .where(reports.c.status == "pending").order_by(reports.c.id))
        with self.read() as conn:
            return [dict(r) for r in conn.execute(q).mappings()]

    def record(self, report_id: int) -> Record | None:
        """The extracted Record of a report."""
        with self.read() as conn:
            data = conn.scalar(select(records.c.record).where(records.c.report_id == report_id))
        return Record.model_validate(data) if data is not None else None

    def records(self) -> Iterator[tuple[int, Record]]:
        """(report id, Record) of every extracted report, in ingest order."""
        q = select(records.c.report_id, records.c.record).order_by(records.c.report_id)
        with self.read() as conn:
            for report_id, data in conn.execute(q):
                yield report_id, Record.model_validate(data)

    def sourced(self, *, source: str | None = None, since: str | None = None,
                until: str | None = None) -> list:
        """Every extracted report as a ``Sourced`` (metadata + Record), for reconciliation.

        Near-duplicates and unextracted reports are left out; filters as for ``reports()``."""
        from .sourced import Sourced
        q = (select(reports.c.id, reports.c.source, reports.c.url, reports.c.title,
                    reports.c.published, records.c.record)
             .join(records, records.c.report_id == reports.c.id).order_by(reports.c.id))
        if source:
            q = q.where(reports.c.source == source)
        q = _between(q, reports.c.published, since, until)
        with self.read() as conn, _bulk():
            return [Sourced(report_id=str(r.id), source=r.source, url=r.url, title=r.title,
                            published=r.published, record=Record.model_validate(r.record))
                    for r in conn.execute(q)]

    def events(self, *, type: str | None = None, status: str | None = None,
               country: str | None = None, place: str | None = None,
               since: str | None = None, until: str | None = None,
               bbox: tuple[float, float, float, float] | None = None,
               report_id: int | None = None, limit: int | None = None) -> list[dict]:
        """Event rows joined with their report's source, url and published date.

        ``type`` matches a code or its prefix ("displacement" matches "displacement.evacuation");
        ``since``/``until`` compare ISO dates (inclusive); ``bbox`` is (west, south, east, north)."""
        q = (select(events, reports.c.source, reports.c.url, reports.c.published)
             .join(reports, reports.c.id == events.c.report_id)
             .order_by(events.c.report_id, events.c.idx))
        if type:
            q = q.where((events.c.type == type) | events.c.type.like(f"{type}.%"))
        for col, value in ((events.c.status, status), (events.c.country, country),
                           (events.c.place, place), (events.c.report_id, report_id)):
            if value is not None:
                q = q.where(col == value)
        q = _between(q, events.c.date, since, until)
        if bbox:
            west, south, east, north = bbox
            q = q.where(events.c.lon.between(west, east), events.c.lat.between(south, north))
        with self.read() as conn:
            return [_jsonable(r) for r in conn.execute(q.limit(limit)).mappings()]

    def figures(self, *, action: str | None = None, group: str | None = None,
                status: str | None = None, source: str | None = None,
                since: str | None = None, until: str | None = None,
                report_id: int | None = None, limit: int | None = None) -> list[dict]:
        """Figure rows with their event's type, date and place and their report's outlet and date.

        ``source`` filters on the figure's cited source; ``since``/``until`` on the event's date,
        else the report's published date."""
        ev = events.alias("ev")
        day = func.coalesce(ev.c.date, reports.c.published)
        q = (select(figures, ev.c.type.label("event_type"), ev.c.date.label("date"),
                    ev.c.place, ev.c.country, ev.c.lat, ev.c.lon,
                    reports.c.source.label("outlet"), reports.c.url, reports.c.published)
             .join(reports, reports.c.id == figures.c.report_id)
             .outerjoin(ev, (ev.c.report_id == figures.c.report_id) & (ev.c.idx == figures.c.event_idx))
             .order_by(figures.c.report_id, figures.c.idx))
        for col, value in ((figures.c.action, action), (figures.c.group, group),
                           (figures.c.status, status), (figures.c.source, source),
                           (figures.c.report_id, report_id)):
            if value is not None:
                q = q.where(col == value)
        q = _between(q, day, since, until)
        with self.read() as conn:
            return [_jsonable(r) for r in conn.execute(q.limit(limit)).mappings()]

    def events_frame(self, **filters):
        """``events(**filters)`` as a pandas DataFrame."""
        import pandas as pd
        return pd.DataFrame(self.events(**filters))

    def figures_frame(self, **filters):
        """``figures(**filters)`` as a pandas DataFrame."""
        import pandas as pd
        return pd.DataFrame(self.figures(**filters))

    def signatures(self, after: int = 0) -> Iterator[tuple[int, bytes]]:
        """(id, MinHash signature) of first copies (not duplicates) with id > after."""
        q = (select(reports.c.id, reports.c.signature)
             .where(reports.c.id > after, reports.c.signature.is_not(None),
                    reports.c.dup_of.is_(None))
             .order_by(reports.c.id))
        with self.read() as conn:
            rows = [(i, s) for i, s in conn.execute(q)]
        yield from rows

    def counts(self) -> dict[str, int]:
        """Reports per status, plus the number of events and figures."""
        with self.read() as conn:
            out = {s: 0 for s in STATUSES}
            out.update({status: n for status, n in conn.execute(
                select(reports.c.status, func.count()).group_by(reports.c.status))})
            out["reports"] = sum(out[s] for s in STATUSES)
            out["events"] = conn.scalar(select(func.count()).select_from(events))
            out["figures"] = conn.scalar(select(func.count()).select_from(figures))
        return out

    def size(self) -> int | None:
        """The store's size on disk in bytes (SQLite: file + WAL), None for a server database."""
        if not self.is_sqlite:
            return None
        path = Path(make_url(self.url).database or "")
        return sum(p.stat().st_size for p in (path, Path(f"{path}-wal")) if p.exists())

    def tables(self) -> list[str]:
        return sorted(inspect(self.engine).get_table_names())


def _alive(pid: int) -> bool:
    """Whether a process of this host with this pid exists (a reused pid counts as alive:
    its claims then wait for their lease)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _between(q, col, since, until):
    if since:
        q = q.where(col >= str(since))
    if until:                                  # "2024-02-13" includes "2024-02-13T18:00"
        q = q.where(col <= str(until) + "\uffff")
    return q


def _jsonable(row) -> dict:
    return {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in dict(row).items()}


__all__ = ["Store", "content_hash", "flat_events", "flat_figures", "SCHEMA_VERSION", "STATUSES",
           "DEFAULT_DB", "LEASE", "IntegrityError", "OperationalError"]
