"""Reports in: files, folders, HTML pages, RSS/Atom feeds and JSONL into a situation store.

``ingest(paths, store)`` reads every report it can find, stores each one in its own
transaction and extracts the new ones in batches. A report whose text is stored already
is a no-op; a near-duplicate is linked to its first copy and not extracted; a report in a
language sitroom cannot read is stored and flagged, not extracted; anything that is not a
report is skipped with one line on stderr. Nothing is fetched from the network.

An ingest holds the reports it stores, until it has extracted them, by a claim with a lease
(see ``store.py``). A crash between storing and extracting leaves reports "pending": once
their lease has run out, the next ingest (of anything, even nothing new) claims and
extracts them. Reports another live ingest holds are left to it.
"""
from __future__ import annotations

import json
import re
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Callable, Iterable, Iterator

from ..models import Record
from ..reading import BadInput, decode, html_to_report, jsonl_objects, language_of, looks_like_html, prepare
from .dedup import DupIndex, signature, to_bytes
from .store import Store, content_hash

JSONL = {".jsonl", ".ndjson"}
_FEED = re.compile(rb"<(rss|feed|rdf:RDF)\b", re.I)
_BLOCK_END = re.compile(r"(?i)<\s*(br\s*/?|/p|/div|/li|/h\d|/blockquote)\s*>")

Say = Callable[[str, str], None]


def say_stderr(where: str, message: str) -> None:
    print(f"sitroom: {where}: {message}", file=sys.stderr)


@dataclass
class Item:
    """One report found in the input, before it is stored."""
    text: str
    origin: str                         # file, or file:line / file#entry, for messages
    url: str | None = None
    source: str | None = None           # the outlet
    title: str | None = None
    published: str | None = None        # ISO date, or None
    record: Record | None = None        # already extracted (e.g. `sitroom batch` output)
    warnings: list[str] = field(default_factory=list)


@dataclass
class IngestResult:
    """What an ingest did, report by report."""
    seen: int = 0                # reports found in the input
    added: int = 0               # new reports stored
    extracted: int = 0           # ... of which extracted now (or given pre-extracted)
    duplicates: int = 0          # ... of which linked to a first copy
    unreadable: int = 0          # ... of which in a language sitroom cannot read
    failed: int = 0              # ... of which extraction failed
    already: int = 0             # reports whose text was stored before: no-op
    resumed: int = 0             # pending reports of an interrupted ingest, extracted now
    skipped: int = 0             # inputs that are not reports

    @property
    def ok(self) -> bool:
        """Something could be ingested (new or stored before)."""
        return self.added + self.already > 0

    def summary(self) -> str:
        parts = [f"{self.added} new report(s)", f"{self.extracted} extracted",
                 f"{self.duplicates} near-duplicate(s)", f"{self.unreadable} in an unreadable language",
                 f"{self.already} already stored", f"{self.skipped} skipped"]
        if self.failed:
            parts.append(f"{self.failed} failed")
        if self.resumed:
            parts.append(f"{self.resumed} resumed from an interrupted ingest")
        return ", ".join(parts)


# -- reading inputs -------------------------------------------------------------------------

def iso_day(value) -> str | None:
    """An ISO date, ISO datetime or RFC 822 date → 'YYYY-MM-DD'; None when not a date."""
    if value is None or str(value).strip() == "":
        return None
    s = str(value).strip()
    try:
        return datetime.fromisoformat(s.replace("Z", "+00:00")).date().isoformat()
    except ValueError:
        pass
    try:
        return datetime.fromisoformat(s[:10]).date().isoformat()
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(s).date().isoformat()
    except (TypeError, ValueError, IndexError):
        return None


def files(paths: Iterable[str | Path], say: Say = say_stderr) -> Iterator[Path]:
    """The files named, folders walked recursively (sorted, hidden entries left out)."""
    for p in paths:
        path = Path(p)
        if path.is_dir():
            for f in sorted(path.rglob("*")):
                rel = f.relative_to(path).parts
                if f.is_file() and not any(part.startswith(".") for part in rel):
                    yield f
        elif path.is_file():
            yield path
        else:
            say(str(p), "no such file or folder")


def read_items(paths: Iterable[str | Path], say: Say = say_stderr) -> Iterator[Item]:
    """Every report in the files and folders given; what is not a report is named on ``say``."""
    for path in files(paths, say):
        if path.suffix.lower() in JSONL:
            yield from jsonl_items(path, say)
            continue
        if path.suffix.lower() == ".json":
            yield from json_items(path, say)
            continue
        try:
            data = path.read_bytes()
        except OSError as e:
            say(str(path), f"cannot read: {e.strerror or e}")
            continue
        if _FEED.search(data[:4096]) and not path.suffix.lower().startswith(".htm"):
            yield from feed_items(data, str(path), say)
            continue
        try:
            text, note = decode(data)
            item = text_item(text, str(path))
        except BadInput as e:
            say(str(path), str(e))
            continue
        if note:
            item.warnings.insert(0, note)
        yield item


def text_item(text: str, origin: str, **meta) -> Item:
    """An Item from text or HTML (main text, title and date pulled from the page)."""
    if looks_like_html(text):
        return html_item(text, origin, **meta)
    return Item(text=text.strip(), origin=origin, **meta)


def html_item(html: str, origin: str, **meta) -> Item:
    try:
        page = html_to_report(html)
    except BadInput:
        raise
    except Exception as e:                            # a page trafilatura chokes on
        raise BadInput(f"unreadable HTML page ({type(e).__name__})") from None
    published = meta.pop("published", None) or iso_day(page.date) or _html_date(html)
    return Item(text=page.text.strip(), origin=origin, title=meta.pop("title", None) or page.title,
                published=published, warnings=list(page.warnings), **meta)


def _html_date(html: str) -> str | None:
    """The page's publication date by htmldate (never fetches: given the markup itself)."""
    try:
        from htmldate import find_date
        return iso_day(find_date(html, original_date=True, extensive_search=False))
    except Exception:
        return None


def jsonl_items(path: Path, say: Say = say_stderr) -> Iterator[Item]:
    """Items of a JSONL file of {"text", "url", "source", "published", "title", "record"}."""
    for where, obj in jsonl_objects(path, say):
        meta = {k: str(obj[k]) for k in ("url", "source", "title") if obj.get(k)}
        meta["published"] = iso_day(obj.get("published") or obj.get("date"))
        try:
            item = text_item(obj["text"], where, **meta)
        except BadInput as e:
            say(where, str(e))
            continue
        if isinstance(obj.get("record"), dict):
            try:
                item.record = Record.model_validate(obj["record"])
            except ValueError:
                say(where, "its record is not a sitroom record: extracting again")
        yield item


def json_items(path: Path, say: Say = say_stderr) -> Iterator[Item]:
    """Items of a JSON file holding a list of report objects (any other JSON is not a report)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8", errors="replace"))
    except (OSError, ValueError):
        data = None
    if not (isinstance(data, list) and data and all(isinstance(o, dict) and "text" in o for o in data)):
        say(str(path), "JSON file that holds no list of reports")
        return
    for n, obj in enumerate(data, 1):
        where = f"{path}[{n}]"
        try:
            item = _item_from_dict(obj, where)
        except BadInput as e:
            say(where, str(e))
            continue
        if item.text:
            yield item
        else:
            say(where, 'object has no "text"')


def feed_items(data: bytes, origin: str, say: Say = say_stderr) -> Iterator[Item]:
    """Entries of an RSS or Atom feed (parsed from its bytes: never fetched)."""
    import feedparser
    feed = feedparser.parse(data)
    entries = feed.get("entries") or []
    if not entries:
        reason = feed.get("bozo_exception")
        say(origin, f"malformed feed ({reason})" if reason else "feed with no entries")
        return
    outlet = feed.get("feed", {}).get("title") or None
    for n, entry in enumerate(entries, 1):
        where = f"{origin}#{n}"
        body = _fragment_text((entry.get("content") or [{}])[0].get("value") or entry.get("summary") or "")
        title = (entry.get("title") or "").strip() or None
        if not body.strip():
            say(where, "feed entry with no text")
            continue
        text = f"{title}\n\n{body}" if title and not body.startswith(title) else body
        day = entry.get("published_parsed") or entry.get("updated_parsed")
        published = datetime(*day[:6], tzinfo=timezone.utc).date().isoformat() if day else None
        yield Item(text=text.strip(), origin=where, url=entry.get("link"), source=outlet,
                   title=title, published=published)


def _fragment_text(fragment: str) -> str:
    """Plain text of an HTML fragment, paragraphs kept apart."""
    if "<" not in fragment:
        return fragment
    import lxml.html
    try:
        node = lxml.html.fromstring(f"<div>{_BLOCK_END.sub(lambda m: m.group() + chr(10) * 2, fragment)}</div>")
    except Exception:
        return re.sub(r"<[^>]+>", " ", fragment)
    return re.sub(r"\n{3,}", "\n\n", node.text_content()).strip()


# -- storing and extracting -----------------------------------------------------------------

def ingest(paths: Iterable[str | Path], store: Store, **options) -> IngestResult:
    """Ingest report files, folders, HTML pages, feeds and JSONL into ``store``.

    Options as for ``ingest_items``; skipped inputs are told on ``say`` (stderr)."""
    say = options.get("say") or say_stderr
    result = IngestResult()

    def counted(message_to: Say) -> Say:
        def told(where, message):
            result.skipped += 1
            message_to(where, message)
        return told

    return ingest_items(read_items(paths, counted(say)), store, result=result, **options)


def ingest_items(items: Iterable[Item | dict], store: Store, *, lang: str | None = None,
                 dedup: bool = True, batch_size: int = 16, n_process: int = 1,
                 progress: bool | None = None, say: Say | None = None,
                 result: IngestResult | None = None, resume: bool = True) -> IngestResult:
    """Store and extract reports given as Items or dicts {"text", "url", "source", "published"}.

    ``lang``: the only language to accept (default: any sitroom reads); ``dedup``: link
    near-duplicates; ``batch_size``: reports extracted at once (each saved in its own
    transaction); ``progress``: a rich progress bar (default: when stderr is a terminal);
    ``resume``: then extract the pending reports nobody holds (left by a killed ingest)."""
    say = say or say_stderr
    result = result or IngestResult()
    index = DupIndex.from_store(store) if dedup else None
    work = _Work(store, store.claimant(), result, batch_size, n_process, say)
    todo: list[tuple] = []
    with _progress(progress) as advance:
        for item in items:
            if isinstance(item, dict):
                item = _item_from_dict(item)
            result.seen += 1
            todo_item = _admit(item, store, index, lang, result, work.claimant, say)
            if todo_item:
                todo.append(todo_item)
            if len(todo) >= batch_size:
                work.extract(todo)
                todo = []
            advance(result)
        work.extract(todo)
        if resume:
            before = result.extracted
            while leftovers := store.claim(work.claimant, limit=batch_size):
                work.extract([(r["id"], r["text"], r["published"], r["language"] or "fr", [])
                              for r in leftovers], claimed=True)
            result.resumed = result.extracted - before
            result.extracted = before
        advance(result)
    return result


def _item_from_dict(obj: dict, origin: str | None = None) -> Item:
    meta = {k: str(obj[k]) for k in ("url", "source", "title") if obj.get(k)}
    return text_item(str(obj.get("text") or ""), origin or str(obj.get("id") or obj.get("url") or "<item>"),
                     published=iso_day(obj.get("published") or obj.get("date")), **meta)


def _admit(item: Item, store: Store, index: DupIndex | None, lang: str | None,
           result: IngestResult, claimant: str, say: Say) -> tuple | None:
    """Store one report; what is left to extract (id, text, date, lang, warnings), or None."""
    text = item.text.strip()
    if not text:
        result.skipped += 1
        say_stderr(item.origin, "empty report")  # noqa: the reader keeps empty texts out
        return None
    sha = content_hash(text)
    if store.report_id(sha) is not None:
        result.already += 1
        return None
    meta = dict(sha256=sha, url=item.url, source=item.source, title=item.title,
                published=item.published, origin=item.origin)
    found = language_of(text)
    if found is None or (lang and found != lang):
        if _added(store.add_report(text, status="unreadable_language", **meta), result, "unreadable"):
            say(item.origin, f"in {found}, not {lang}: stored, not extracted" if found else
                "not in a language sitroom reads: stored, not extracted")
        return None
    report = prepare(text, lang=found)
    sig = signature(report.text) if index is not None else None
    meta.update(language=found, signature=to_bytes(sig) if sig is not None else None)
    if index is not None:
        index.refresh(store)
        first = index.find(sig)
        if first is not None:
            _added(store.add_report(report.text, status="duplicate", dup_of=first, **meta),
                   result, "duplicates")
            return None
    if item.record is not None:
        item.record.warnings = item.warnings + [w for w in item.record.warnings if w not in item.warnings]
        report_id = _added(store.add_report(report.text, status="pending", record=item.record, **meta),
                           result, "extracted")
        if report_id is not None and index is not None:
            index.add(report_id, sig)
        return None
    report_id = _added(store.add_report(report.text, status="pending", claim=claimant, **meta),
                       result, None)
    if report_id is None:
        return None
    if index is not None:
        index.add(report_id, sig)
    return report_id, report.text, item.published, found, item.warnings + report.warnings


def _added(report_id: int | None, result: IngestResult, counter: str | None):
    """Count a stored report; a None id means another ingest stored the same text first."""
    if report_id is None:
        result.already += 1
        return None
    result.added += 1
    if counter:
        setattr(result, counter, getattr(result, counter) + 1)
    return report_id


@dataclass
class _Work:
    """The extraction of one ingest: the reports it claimed, saved each in its own transaction."""
    store: Store
    claimant: str
    result: IngestResult
    batch_size: int
    n_process: int
    say: Say

    def extract(self, todo: list[tuple], claimed: bool = False) -> None:
        """Extract pending reports (id, text, date, lang, warnings) that this ingest holds.

        Unless just ``claimed``, the claims are renewed first: a report whose lease ran out
        and that another ingest took over is left to it."""
        if not todo:
            return
        if not claimed:
            held = {r["id"] for r in self.store.claim(self.claimant, ids=[t[0] for t in todo])}
            todo = [t for t in todo if t[0] in held]
        from ..extract import extract, extract_many
        by_lang: dict[str, list[tuple]] = defaultdict(list)
        for t in todo:
            by_lang[t[3]].append(t)
        for lang, group in by_lang.items():
            triples = [(str(id_), text, day) for id_, text, day, _, _ in group]
            try:
                records = list(extract_many(triples, lang=lang, batch_size=self.batch_size,
                                            n_process=self.n_process))
            except Exception:                                   # find the report at fault
                records = []
                for id_, text, day in triples:
                    try:
                        records.append(extract(text, day, lang=lang, id=id_))
                    except Exception as e:
                        records.append(e)
            for (report_id, *_, warnings), record in zip(group, records):
                self._save(report_id, record, warnings)

    def _save(self, report_id: int, record: Record | Exception, warnings: list[str]) -> None:
        if isinstance(record, Exception):
            self.store.mark_failed(report_id, f"{type(record).__name__}: {record}", claimant=self.claimant)
            self.say(f"report {report_id}", f"extraction failed: {record}")
            self.result.failed += 1
            return
        record.warnings = list(warnings) + record.warnings
        if self.store.save_record(report_id, record, claimant=self.claimant):
            self.result.extracted += 1


class _progress:
    """A rich progress line on stderr (only when asked, or when stderr is a terminal)."""

    def __init__(self, enabled: bool | None):
        self.enabled = sys.stderr.isatty() if enabled is None else enabled
        self.bar = None

    def __enter__(self):
        if not self.enabled:
            return lambda result: None
        from rich.console import Console
        from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
        self.bar = Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                            TextColumn("{task.completed} reports"), TimeElapsedColumn(),
                            console=Console(stderr=True), transient=False)
        self.bar.start()
        task = self.bar.add_task("ingesting", total=None)

        def advance(result: IngestResult):
            self.bar.update(task, completed=result.seen,
                            description=f"ingesting: {result.extracted} extracted, "
                                        f"{result.duplicates} duplicates, {result.already} known")
        return advance

    def __exit__(self, *exc):
        if self.bar:
            self.bar.stop()
