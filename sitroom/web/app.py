"""The sitroom web application: the situation room page and its JSON API (FastAPI).

    from sitroom.web import create_app
    app = create_app(db="sitroom.db")          # then: uvicorn, or `sitroom serve`

Reads: GET /events, /events/{id}, /figures, /situation, /report, /export/{format},
/reports, /reports/{id}, /jobs/{id}, /meta. Writes (a bearer token when one is set):
POST /reports (one report, extracted at once), POST /jobs and /jobs/files (many, in the
background, with progress), POST /extract and /extract/file (read a report without
storing it). The schema is at /openapi.json, the docs at /docs (Swagger UI) and /redoc, both
served from vendored files (static/vendor/), so they work offline.
"""
from __future__ import annotations

import json
import re
import tempfile
import threading
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import date as Date
from enum import Enum
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from fastapi import Depends, FastAPI, File, HTTPException, Path as PathParam, Query, Request, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool
from pydantic import BaseModel, ConfigDict, Field, field_validator

from ..models import EventStatus
from ..reading import MAX_CHARS, BadInput, decode, prepare
from ..situation import Store
from ..situation.export import FORMATS, export
from ..situation.reconcile import interval
from ..situation.report import COLOURS, render_html, render_markdown, restrict, select
from ..situation.store import DEFAULT_DB
from . import security
from .service import DAY, EventFilter, Jobs, SituationCache, Snapshot, ingest_one, item_of

HERE = Path(__file__).parent
STATIC = HERE / "static"
VENDOR = "/static/vendor"                      # static/vendor/README.md: versions and licences
SWAGGER_UI = f"{VENDOR}/swagger-ui-dist-5.35.0"
REDOC = f"{VENDOR}/redoc-2.5.4"
WORLD = HERE.parent / "data" / "world.json"
EVENT_TYPES = HERE.parent / "data" / "event_types.json"
MAX_UPLOAD = 5_000_000
MAX_JOB_REPORTS = 10_000
DATE_PATTERN = DAY.pattern


# -- request and answer shapes ----------------------------------------------------------------

def _plain(value):
    """Text with no lone surrogate ("\\ud800" in JSON): each becomes U+FFFD, so it can be stored."""
    if isinstance(value, str):
        return value.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    return value


def _real_day(value: str | None) -> str | None:
    """A YYYY-MM-DD that is a real day (2024-02-30 is refused)."""
    if value is not None:
        try:
            Date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"{value} is not a day of the calendar") from None
    return value


class ReportIn(BaseModel):
    """A report to store: its text (or HTML), or a URL to fetch when the server allows it."""
    model_config = ConfigDict(extra="forbid")
    _text = field_validator("text", "url", "source", "title", mode="before")(_plain)
    _day = field_validator("published")(_real_day)
    text: str | None = Field(None, description="the report's text or HTML page")
    url: str | None = Field(None, max_length=2000, description="where it was published (fetched only if text is absent and fetching is enabled)")
    source: str | None = Field(None, max_length=300, description="the outlet")
    title: str | None = Field(None, max_length=1000)
    published: str | None = Field(None, pattern=DATE_PATTERN, description="publication date, YYYY-MM-DD")


class JobIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reports: list[ReportIn] = Field(min_length=1, max_length=MAX_JOB_REPORTS)


class ExtractIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str = Field(min_length=1, description="the report's text or HTML page")
    date: str | None = Field(None, pattern=DATE_PATTERN, description="the report's date, YYYY-MM-DD")
    _text = field_validator("text", mode="before")(_plain)
    _day = field_validator("date")(_real_day)


class Page(BaseModel):
    total: int
    offset: int
    limit: int
    items: list[dict[str, Any]]
    undated_hidden: int | None = Field(None, description="undated events a date filter left out")


class Stored(BaseModel):
    id: int | None
    status: str
    created: bool
    events: int = 0
    figures: int = 0
    notes: list[str] = Field(default_factory=list)


class Extracted(BaseModel):
    text: str = Field(description="the text read; every offset in the record points into it")
    record: dict[str, Any]
    warnings: list[str] = Field(default_factory=list)


class JobOut(BaseModel):
    id: str
    state: Literal["queued", "running", "done", "failed"]
    total: int
    done: int
    progress: float
    added: int
    extracted: int
    duplicates: int
    already: int
    unreadable: int
    failed: int
    skipped: int
    error: str | None
    notes: list[str]
    created: str
    finished: str | None


class Error(BaseModel):
    detail: Any


class ExportFormat(str, Enum):
    json = "json"
    geojson = "geojson"
    csv = "csv"
    hxl = "hxl"
    plover = "plover"


assert {f.value for f in ExportFormat} == set(FORMATS)
MEDIA = {"json": ("application/json", "json"), "geojson": ("application/geo+json", "geojson"),
         "csv": ("text/csv; charset=utf-8", "csv"), "hxl": ("text/csv; charset=utf-8", "hxl.csv"),
         "plover": ("application/json", "plover.json")}
E401 = {400: {"model": Error, "description": "unreadable body, or a URL that cannot be fetched"},
        401: {"model": Error, "description": "a bearer token is needed"},
        403: {"model": Error, "description": "cross-origin write refused"},
        413: {"model": Error, "description": "request body too large"}}
E404 = {404: {"model": Error, "description": "not found"}}


def _bad(where: str, name: str, message: str) -> HTTPException:
    """A 422 shaped like FastAPI's own validation errors."""
    return HTTPException(422, detail=[{"loc": [where, name], "msg": message, "type": "value_error"}])


DAY = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")


def _day(name: str, value: str | None) -> str | None:
    if value is not None and (not DAY.fullmatch(value) or interval(value) is None):
        raise _bad("query", name, "not a date (YYYY, YYYY-MM or YYYY-MM-DD)")
    return value


def _bbox(value: str | None) -> tuple[float, float, float, float] | None:
    if value is None:
        return None
    try:
        west, south, east, north = (float(v) for v in value.split(","))
    except ValueError:
        raise _bad("query", "bbox", "bbox is west,south,east,north in degrees") from None
    if not (-180 <= west <= east <= 180 and -90 <= south <= north <= 90):
        raise _bad("query", "bbox", "bbox is west,south,east,north with west <= east, south <= north")
    return west, south, east, north


def event_filter(
        type: str | None = Query(None, max_length=64, description="event type, or its prefix"),
        from_: str | None = Query(None, alias="from", max_length=10, description="on or after (YYYY[-MM[-DD]])"),
        to: str | None = Query(None, max_length=10, description="on or before (YYYY[-MM[-DD]])"),
        place: str | None = Query(None, max_length=200, description="place, first-level division or country code"),
        source: str | None = Query(None, max_length=300, description="an outlet among the event's sources"),
        status: EventStatus | None = Query(None),
        actor: str | None = Query(None, max_length=200, description="an agent or target: canonical label, id or name"),
        bbox: str | None = Query(None, max_length=100, description="west,south,east,north")) -> EventFilter:
    """The event filters that /events and /export share."""
    return EventFilter(type=type, since=_day("from", from_), until=_day("to", to), place=place,
                       source=source, status=status, actor=actor, bbox=_bbox(bbox))


def _place_suggestions(s: Snapshot) -> list[str]:
    """Places the place filter finds events at: their cities, regions and countries by name."""
    from ..actors import _country_names
    names = _country_names()
    return sorted({v for e in s.events for v in (e.place, e.admin1, names.get(e.country or "")) if v})


def _page(items: list, offset: int, limit: int) -> dict:
    return {"total": len(items), "offset": offset, "limit": limit, "items": items[offset:offset + limit]}


def _attachment(name: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{name}"'}


# -- the application --------------------------------------------------------------------------

def create_app(db: str | Path = DEFAULT_DB, token: str | None = None, allow_fetch: bool = False,
               max_upload: int = MAX_UPLOAD, allowed_hosts: list[str] | None = None,
               warm: bool = False, store: Store | None = None) -> FastAPI:
    """The web application on the store ``db``.

    ``token``: writes need ``Authorization: Bearer <token>`` (None: writes are open, which
    ``sitroom serve`` allows on loopback only); ``allow_fetch``: POST /reports may fetch a
    public URL; ``max_upload``: largest request body in bytes; ``allowed_hosts``: Host headers
    accepted (None: any); ``warm``: load the language pipeline at start-up, in the background."""
    store = store or Store(db)
    cache = SituationCache(store)
    jobs = Jobs(store, cache.invalidate)

    @asynccontextmanager
    async def lifespan(app):
        if warm:
            from ..pipeline import pipeline
            threading.Thread(target=pipeline, daemon=True, name="sitroom-warm").start()
        yield
        jobs.close()
        store.close()

    app = FastAPI(title="sitroom", version="0.1.0", lifespan=lifespan, docs_url=None, redoc_url=None,
                  description="The situation room: events, figures and sources reconciled from crisis reports.")
    app.state.store, app.state.cache, app.state.jobs = store, cache, jobs
    bearer = HTTPBearer(auto_error=False, description="needed for writes when the server has a token")

    def writer(request: Request, cred: HTTPAuthorizationCredentials | None = Depends(bearer)) -> None:
        header = f"{cred.scheme} {cred.credentials}" if cred else None
        if not security.token_ok(token, header):
            raise HTTPException(401, "a valid bearer token is needed to write",
                                headers={"WWW-Authenticate": "Bearer"})
        origin = request.headers.get("origin")         # "null": a sandboxed frame or data: page
        if origin and (origin == "null" or urlsplit(origin).netloc != request.headers.get("host")):
            raise HTTPException(403, "cross-origin write refused")

    async def snap() -> Snapshot:
        """The cached situation, without a thread hop when it is fresh (the common case)."""
        return cache.fresh() or await run_in_threadpool(cache.get)

    @app.exception_handler(Exception)
    async def _crash(request: Request, exc: Exception):
        return JSONResponse({"detail": f"internal error ({type(exc).__name__})"}, status_code=500)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError):
        errors = [{k: v for k, v in e.items() if k in ("loc", "msg", "type")} for e in exc.errors()]
        return JSONResponse({"detail": errors}, status_code=422)

    # -- pages ------------------------------------------------------------------------------
    @app.get("/", include_in_schema=False)
    def index():
        return FileResponse(STATIC / "index.html", media_type="text/html",
                            headers={"Content-Security-Policy": security.PAGE_CSP, "Cache-Control": "no-cache"})

    @app.get("/world.json", include_in_schema=False)
    def world():
        return FileResponse(WORLD, media_type="application/json", headers={"Cache-Control": "max-age=86400"})

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon():
        return FileResponse(STATIC / "favicon.svg", media_type="image/svg+xml")

    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/docs", include_in_schema=False)
    def swagger_ui():
        # validatorUrl None: Swagger UI would otherwise send the schema to its online validator
        page = get_swagger_ui_html(openapi_url=app.openapi_url, title="sitroom API",
                                   swagger_js_url=f"{SWAGGER_UI}/swagger-ui-bundle.js",
                                   swagger_css_url=f"{SWAGGER_UI}/swagger-ui.css",
                                   swagger_favicon_url="/favicon.ico",
                                   swagger_ui_parameters={"validatorUrl": None})
        page.headers["Content-Security-Policy"] = security.DOCS_CSP
        return page

    @app.get("/redoc", include_in_schema=False)
    def redoc():
        page = get_redoc_html(openapi_url=app.openapi_url, title="sitroom API",
                              redoc_js_url=f"{REDOC}/redoc.standalone.js",
                              redoc_favicon_url="/favicon.ico", with_google_fonts=False)
        page.headers["Content-Security-Policy"] = security.DOCS_CSP     # keeps ReDoc's CDN logo out
        return page

    # -- reads ------------------------------------------------------------------------------
    @app.get("/healthz", tags=["meta"])
    def healthz() -> dict[str, Any]:
        """Liveness, and what the store holds."""
        return {"ok": True, "counts": store.counts()}

    @app.get("/meta", tags=["meta"])
    def meta(s: Snapshot = Depends(snap)) -> dict[str, Any]:
        """Event types (colour, description), sources and places present, and the server's settings."""
        described = json.loads(EVENT_TYPES.read_text(encoding="utf-8"))
        types = {t: {"colour": COLOURS.get(t, "#555555"), "description": d.get("description")}
                 for t, d in described.items()}
        return {"types": types, "present": s.types, "sources": s.sources, "actors": s.actors,
                "places": _place_suggestions(s),
                "write_needs_token": bool(token), "allow_fetch": allow_fetch,
                "max_upload": max_upload, "counts": store.counts()}

    @app.get("/events", response_model=Page, tags=["situation"])
    async def list_events(keep: EventFilter = Depends(event_filter),
                          offset: int = Query(0, ge=0, le=10_000_000), limit: int = Query(100, ge=1, le=1000),
                          s: Snapshot = Depends(snap)):
        """Reconciled events (one per happening, with every report behind it), filtered and paged."""
        chosen = [e for e in s.events if keep(s, e)]
        page = _page(chosen, offset, limit)
        if keep.since or keep.until:     # say what a date filter leaves out, never hide it silently
            undated = replace(keep, since=None, until=None)        # the same filter, dates aside
            page["undated_hidden"] = sum(1 for e in s.events if not (e.date_start or e.date) and undated(s, e))
        page["items"] = [s.shown[e.id] for e in page["items"]]
        return JSONResponse(page)

    @app.get("/events/{event_id}", tags=["situation"], responses=E404)
    def get_event(event_id: str = PathParam(max_length=64), s: Snapshot = Depends(snap)) -> dict[str, Any]:
        """One event: its mentions (report, sentence), its figure groups with every claim, its conflicts."""
        e = s.situation.event(event_id)
        if e is None:
            raise HTTPException(404, f"no event {event_id}")
        groups = [s.groups[g] for g in e.figure_groups if g in s.groups]
        refs = {e.id} | {g.id for g in groups}
        return {"event": s.shown[e.id], "figures": [s.group_json(g) for g in groups],
                "conflicts": [c.model_dump() for c in s.situation.conflicts if c.ref in refs],
                "reports": [s.reports[r] for r in e.reports if r in s.reports]}

    @app.get("/figures", response_model=Page, tags=["situation"])
    def list_figures(
            action: str | None = Query(None, max_length=16), group: str | None = Query(None, max_length=64),
            event: str | None = Query(None, max_length=64, description="figures of this event id"),
            place: str | None = Query(None, max_length=200),
            conflict: bool | None = Query(None, description="only disputed (true) or undisputed (false) groups"),
            offset: int = Query(0, ge=0, le=10_000_000), limit: int = Query(100, ge=1, le=1000),
            s: Snapshot = Depends(snap)):
        """Figure groups: figures about the same thing side by side, each claim with its source."""
        want = place.casefold() if place else None
        chosen = [g for g in s.situation.figures
                  if (action is None or g.action == action) and (group is None or g.group == group)
                  and (event is None or g.event_id == event) and (conflict is None or g.conflict == conflict)
                  and (want is None or want in ((g.place or "").casefold(), (g.country or "").casefold()))]
        page = _page(chosen, offset, limit)
        page["items"] = [s.group_json(g) for g in page["items"]]
        return page

    @app.get("/situation", tags=["situation"])
    def situation(since: str | None = Query(None, max_length=10, description="reported since (YYYY-MM-DD)"),
                  place: str | None = Query(None, max_length=200), s: Snapshot = Depends(snap)) -> dict[str, Any]:
        """The situation at a glance: counts, conflicts, planned events, places, timeline."""
        sit = select(s.situation, since=_day("since", since), place=place)
        days = sorted(d for e in sit.events for d in (e.date_start or e.date, e.date_end or e.date) if d)
        return {"counts": store.counts(), "reports": len(sit.reports), "events": len(sit.events),
                "figures": len(sit.figures), "span": [days[0], days[-1]] if days else None,
                "types": sorted({e.type for e in sit.events}),
                "sources": sorted({x for e in sit.events for x in e.sources}),
                "conflicts": [c.model_dump() for c in sit.conflicts], "planned": sit.planned,
                "places": [p.model_dump() for p in sit.places], "timeline": sit.timeline}

    @app.get("/report", tags=["situation"], response_class=Response,
             responses={200: {"content": {"text/html": {}, "text/markdown": {}}}})
    def report(format: Literal["html", "md"] = "html",
               since: str | None = Query(None, max_length=10), place: str | None = Query(None, max_length=200),
               download: bool = False, s: Snapshot = Depends(snap)):
        """The situation report (as `sitroom report`), in HTML or Markdown; ``download`` to save it."""
        since = _day("since", since)
        headers = _attachment(f"sitroom-report.{format}") if download else {}
        if format == "md":
            return Response(render_markdown(s.situation, since=since, place=place),
                            media_type="text/markdown; charset=utf-8", headers=headers)
        headers["Content-Security-Policy"] = security.REPORT_CSP
        return Response(render_html(s.situation, since=since, place=place),
                        media_type="text/html; charset=utf-8", headers=headers)

    @app.get("/export/{format}", tags=["situation"], response_class=Response,
             responses={200: {"content": {"application/json": {}, "application/geo+json": {}, "text/csv": {}}}})
    def export_as(format: ExportFormat, keep: EventFilter = Depends(event_filter), s: Snapshot = Depends(snap)):
        """Events and figures as json, geojson, csv (ACLED-like), hxl or plover, as a download;
        the same filters as /events choose the events, and their figures and reports follow."""
        media, ext = MEDIA[format.value]
        situation = s.situation if keep.empty else restrict(s.situation, [e for e in s.events if keep(s, e)])
        return Response(export(situation, format.value), media_type=media,
                        headers=_attachment(f"sitroom.{ext}"))

    @app.get("/reports", response_model=Page, tags=["reports"])
    def list_reports(status: str | None = Query(None, max_length=24), source: str | None = Query(None, max_length=300),
                     offset: int = Query(0, ge=0, le=10_000_000), limit: int = Query(100, ge=1, le=1000)):
        """Stored reports (without their text), oldest first."""
        return _page(store.reports(status=status, source=source), offset, limit)

    @app.get("/reports/{report_id}", tags=["reports"], responses=E404)
    def get_report(report_id: int = PathParam(ge=1, le=2**62)) -> dict[str, Any]:
        """A stored report, its text and its extracted record (offsets point into the text)."""
        row = store.report(report_id)
        if row is None:
            raise HTTPException(404, f"no report {report_id}")
        record = store.record(report_id)
        return {"report": row, "record": record.model_dump(mode="json") if record else None}

    @app.get("/jobs/{job_id}", response_model=JobOut, tags=["reports"], responses=E404)
    def get_job(job_id: str = PathParam(max_length=64)):
        """A background ingest's state and progress."""
        job = jobs.jobs.get(job_id)
        if job is None:
            raise HTTPException(404, f"no job {job_id}")
        return job.json()

    # -- writes -----------------------------------------------------------------------------
    def _item(body: ReportIn):
        text, url = body.text, body.url
        if text is None or not text.strip():
            if not url:
                raise _bad("body", "text", "give the report's text (or a URL, where fetching is enabled)")
            if not allow_fetch:
                raise HTTPException(400, "this server does not fetch URLs: send the report's text")
            try:
                url, text = security.fetch(url, max_upload)
            except security.Refused as e:
                raise HTTPException(400, str(e)) from None
        try:
            item = item_of(text, url=url, source=body.source, title=body.title, published=body.published)
            prepare(item.text)
        except BadInput as e:
            raise _bad("body", "text", str(e)) from None
        return item

    @app.post("/reports", response_model=Stored, status_code=201, tags=["reports"], dependencies=[Depends(writer)],
              responses={200: {"model": Stored, "description": "stored already"}, **E401})
    def post_report(body: ReportIn):
        """Store one report and extract it now (201); 200 when its text is stored already."""
        item = _item(body)
        with jobs.write_lock:
            report_id, result, notes = ingest_one(store, item)
        cache.invalidate()
        row = store.report(report_id, text=False) if report_id else None
        record = store.record(report_id) if report_id else None
        out = {"id": report_id, "status": row["status"] if row else "skipped", "created": bool(result.added),
               "events": len(record.events) if record else 0, "figures": len(record.figures) if record else 0,
               "notes": notes}
        return JSONResponse(out, status_code=201 if result.added else 200)

    @app.post("/jobs", response_model=JobOut, status_code=202, tags=["reports"], dependencies=[Depends(writer)],
              responses=E401)
    def post_job(body: JobIn, request: Request):
        """Ingest many reports in the background (202); follow GET /jobs/{id}."""
        items = [_item(r) for r in body.reports]
        job = jobs.submit(items)
        return JSONResponse(job.json(), status_code=202, headers={"Location": f"/jobs/{job.id}"})

    @app.post("/jobs/files", response_model=JobOut, status_code=202, tags=["reports"],
              dependencies=[Depends(writer)], responses=E401)
    def post_job_files(files: list[UploadFile] = File(description="report files: text, HTML, JSONL, RSS/Atom")):
        """Ingest uploaded files (text, HTML, JSONL of reports, feeds) in the background (202)."""
        from ..situation.ingest import read_items
        notes: list[str] = []
        with tempfile.TemporaryDirectory(prefix="sitroom-upload-") as tmp:
            for n, f in enumerate(files):
                name = Path(f.filename or f"upload-{n}").name or f"upload-{n}"
                (Path(tmp) / f"{n:04d}-{name}").write_bytes(f.file.read())
            items = list(read_items([tmp], say=lambda where, msg: notes.append(f"{Path(where).name}: {msg}")))
        if not items:
            raise _bad("body", "files", "no report in the files: " + "; ".join(notes)[:500])
        job = jobs.submit(items)
        job.notes.extend(notes)
        return JSONResponse(job.json(), status_code=202, headers={"Location": f"/jobs/{job.id}"})

    def _extract(text: str, date: str | None, warnings: list[str]) -> dict:
        from ..extract import extract
        try:
            item = item_of(text)
            report = prepare(item.text)
        except BadInput as e:
            raise _bad("body", "text", str(e)) from None
        record = extract(report.text, date or item.published, lang=report.lang)
        return {"text": report.text, "record": record.model_dump(mode="json"),
                "warnings": warnings + item.warnings + report.warnings}

    @app.post("/extract", response_model=Extracted, tags=["read"], dependencies=[Depends(writer)], responses=E401)
    def post_extract(body: ExtractIn):
        """Read a report without storing it: the text read and its record, to highlight."""
        return _extract(body.text, body.date, [])

    @app.post("/extract/file", response_model=Extracted, tags=["read"], dependencies=[Depends(writer)], responses=E401)
    def post_extract_file(file: UploadFile = File(description="a text or HTML report")):
        """Read an uploaded report file (any encoding, text or HTML) without storing it."""
        try:
            text, note = decode(file.file.read())
        except BadInput as e:
            raise _bad("body", "file", str(e)) from None
        return _extract(text, None, [note] if note else [])

    app.add_middleware(security.BodyLimit, max_bytes=max_upload)
    if allowed_hosts:
        from starlette.middleware.trustedhost import TrustedHostMiddleware
        app.add_middleware(TrustedHostMiddleware, allowed_hosts=allowed_hosts)
    return app


__all__ = ["create_app", "MAX_UPLOAD", "MAX_CHARS"]
