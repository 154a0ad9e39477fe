"""Extraction over a corpus too big for one process, in resumable shards.

``batch(inputs, out)`` reads the reports of a JSONL file or a folder (as ``ingest`` does),
cuts them into shards of ``shard_size`` reports and extracts each shard on a worker: local
processes by default (each loads the pipeline once), or a Dask cluster given its scheduler
address. Each finished shard is written to ``out`` atomically (temporary file + rename):

  shard-00000.jsonl             one line per report: its metadata, text and record
                                (``sitroom ingest`` loads these without extracting again)
  shard-00000.events.parquet    flat events and figures, when pyarrow is installed
  shard-00000.figures.parquet
  manifest.json                 the run's settings, its input's identity (path, size and
                                sha256 of each file) and every finished shard's fingerprint

A rerun skips every shard whose output is there with the same fingerprint (the content
hashes of its reports), so a killed run resumes without redoing finished shards. A folder
holds the output of one input with one set of settings: another input, or other settings,
is refused unless ``overwrite`` clears the old shards first (a shorter input would
otherwise leave stale shards behind, issue 10 D). Workers return bytes and only the driver
writes, so a Dask cluster needs no shared disk. A local worker exits when its driver dies,
even by kill -9 (issue 10 E).
"""
from __future__ import annotations

import hashlib
import json
import os
import sys
import threading
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import datetime, timezone
from itertools import islice
from pathlib import Path
from typing import Callable, Iterable, Iterator

from ..reading import BadInput
from .ingest import Say, files, read_items, say_stderr
from .store import content_hash, flat_events, flat_figures

SHARD_SIZE = 100
MANIFEST = "manifest.json"
ORPHAN_CHECK = 0.5                   # seconds between a worker's looks for its driver
_ONE_THREAD = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


@dataclass
class BatchResult:
    shards: int = 0              # shards in the input
    done: int = 0                # shards extracted by this run
    skipped: int = 0             # shards finished by an earlier run
    most_in_flight: int = 0      # the most shards read and handed out, not yet finished
    reports: int = 0             # reports extracted by this run
    seconds: float = 0.0
    files: list[str] = field(default_factory=list)

    @property
    def rate(self) -> float:
        """Reports extracted per second by this run."""
        return self.reports / self.seconds if self.seconds else 0.0

    def summary(self) -> str:
        return (f"{self.shards} shard(s): {self.done} extracted now ({self.reports} reports, "
                f"{self.rate:.1f} reports/s), {self.skipped} finished before")


def _payload(item) -> dict:
    return dict(id=item.origin, origin=item.origin, url=item.url, source=item.source,
                title=item.title, published=item.published, sha256=content_hash(item.text),
                text=item.text, warnings=item.warnings)


def shards(items: Iterable, size: int = SHARD_SIZE) -> Iterator[list[dict]]:
    """Successive shards of report payloads (dicts), in input order."""
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield [_payload(item) for item in chunk]


def fingerprint(shard: list[dict]) -> str:
    return hashlib.sha256("\n".join(r["sha256"] for r in shard).encode()).hexdigest()


# -- the work of one shard (runs on a worker) -----------------------------------------------

def warm(lang: str = "fr", driver: int | None = None) -> None:
    """Load the pipeline once in this worker; with ``driver`` (its pid), exit when it dies."""
    if driver is not None:
        threading.Thread(target=_exit_with, args=(driver,), daemon=True,
                         name="sitroom-driver-watch").start()
    from ..pipeline import pipeline
    pipeline(lang)


def _exit_with(driver: int) -> None:
    """Exit this process once ``driver`` is no longer its parent (it died, even by kill -9).

    A worker blocked on its task queue never learns otherwise, and keeps its memory."""
    while os.getppid() == driver:
        time.sleep(ORPHAN_CHECK)
    os._exit(1)


def run_shard(shard: list[dict], lang: str = "fr") -> dict[str, bytes]:
    """Extract one shard; its output files' contents by suffix (.jsonl, .events.parquet…)."""
    from ..extract import extract, extract_many
    from ..reading import language_of
    readable = [r for r in shard if language_of(r["text"]) == lang]
    try:
        records = list(extract_many([(r["id"], r["text"], r["published"]) for r in readable], lang=lang))
    except Exception:                                     # one bad report must not sink the shard
        records = []
        for r in readable:
            try:
                records.append(extract(r["text"], r["published"], lang=lang, id=r["id"]))
            except Exception as e:
                records.append(f"{type(e).__name__}: {e}")
    by_id = {r["id"]: rec for r, rec in zip(readable, records)}
    lines, rows = [], []
    for r in shard:
        rec = by_id.get(r["id"])
        out = {k: v for k, v in r.items() if k != "warnings"}
        if rec is None:
            out["status"] = "unreadable_language"
        elif isinstance(rec, str):
            out.update(status="failed", error=rec)
        else:
            rec.warnings = list(r["warnings"]) + rec.warnings
            out.update(status="extracted", record=rec.model_dump(mode="json"))
            rows.append((r, rec))
        lines.append(json.dumps(out, ensure_ascii=False))
    files = {".jsonl": ("\n".join(lines) + "\n").encode("utf-8")}
    files.update(_parquet(rows))
    return files


def _parquet(rows) -> dict[str, bytes]:
    """Flat events and figures of a shard as Parquet bytes (nothing without pyarrow)."""
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        return {}
    events = [dict(report=r["id"], url=r["url"], outlet=r["source"], published=rec.published, **e)
              for r, rec in rows for e in flat_events(rec)]
    figures = [dict(report=r["id"], url=r["url"], outlet=r["source"], published=rec.published, **f)
               for r, rec in rows for f in flat_figures(rec)]
    out = {}
    for suffix, table, columns in ((".events.parquet", events, EVENT_COLUMNS),
                                   (".figures.parquet", figures, FIGURE_COLUMNS)):
        sink = pa.BufferOutputStream()
        pq.write_table(pa.Table.from_pylist(table, schema=_schema(columns)), sink)
        out[suffix] = sink.getvalue().to_pybytes()
    return out


_META = "report:s url:s outlet:s published:s "
EVENT_COLUMNS = _META + ("idx:i type:s trigger:s date:s place:s country:s lat:f lon:f status:s "
                         "agent:s target:s attribution:s plover:s acled:s figures:l sentence:s "
                         "start:i end:i")
FIGURE_COLUMNS = _META + ("idx:i event_idx:i text:s low:f high:f qualifier:s action:s group:s "
                          "status:s source:s start:i end:i")


def _schema(columns: str):
    """A pyarrow schema from "name:type" words (s string, i int, f float, l list of ints)."""
    import pyarrow as pa
    types = {"s": pa.string(), "i": pa.int64(), "f": pa.float64(), "l": pa.list_(pa.int64())}
    return pa.schema([(name, types[t]) for name, t in (c.split(":") for c in columns.split())])


# -- the driver ------------------------------------------------------------------------------

def write_atomic(path: Path, data: bytes) -> None:
    """Write a file so that it is either whole or absent, even after kill -9."""
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


class OutputInUse(BadInput):
    """The output folder holds the shards of another input or of other settings."""


def input_identity(inputs: list[str]) -> list[dict]:
    """Path, size and sha256 of every file of the input (folders walked as ``read_items`` does)."""
    out = []
    for path in files(inputs, say=lambda where, message: None):     # read_items tells those
        digest = hashlib.sha256()
        with open(path, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                digest.update(block)
        out.append(dict(path=str(path.resolve()), size=path.stat().st_size, sha256=digest.hexdigest()))
    return out


class _Manifest:
    def __init__(self, out: Path, settings: dict, overwrite: bool = False):
        self.path = out / MANIFEST
        old = json.loads(self.path.read_text()) if self.path.exists() else None
        outputs = [p for p in out.glob("shard-*") if p.is_file()]
        if overwrite:
            for p in outputs:
                p.unlink()
        elif old is not None or outputs:
            why = _differs(old or {}, settings)
            if why:
                raise OutputInUse(f"{out} holds the shards of {why}: use --overwrite to replace them, "
                                  f"or another --out")
        keep = old is not None and not overwrite
        self.data = {**settings, "shards": old.get("shards", {}) if keep else {}}

    def finished(self, name: str, fp: str, out: Path) -> bool:
        entry = self.data["shards"].get(name)
        return bool(entry) and entry.get("fingerprint") == fp and (out / f"{name}.jsonl").exists()

    def record(self, name: str, fp: str, reports: int, seconds: float) -> None:
        self.data["shards"][name] = dict(fingerprint=fp, reports=reports, seconds=round(seconds, 3),
                                         finished_at=datetime.now(timezone.utc).isoformat())
        write_atomic(self.path, json.dumps(self.data, indent=1).encode())


def _differs(old: dict, settings: dict) -> str | None:
    """How the run that wrote ``old`` differs from this one (None: it is the same)."""
    if "input" not in old:
        return "an unknown input (no manifest, or one without the input's identity)"
    if old["input"] != settings["input"]:
        was = ", ".join(f"{Path(f['path']).name} ({f['size']} bytes)" for f in old["input"][:3]) or "nothing"
        return f"another input ({was}{', …' if len(old['input']) > 3 else ''})"
    for key in ("shard_size", "lang"):
        if old.get(key) != settings[key]:
            return f"this input with another {key} ({old.get(key)})"
    return None


def batch(inputs: Iterable[str | Path], out: str | Path, *, workers: int | None = None,
          dask: str | None = None, shard_size: int = SHARD_SIZE, lang: str = "fr",
          say: Say = say_stderr, progress: bool | None = None, overwrite: bool = False) -> BatchResult:
    """Extract every report of ``inputs`` into shards under ``out``; see the module doc.

    ``workers``: local processes (default: the number of cores; 0 runs in this process);
    ``dask``: a Dask scheduler address (or a ``distributed.Client``) to run on instead;
    ``overwrite``: replace the output of another input (else ``OutputInUse`` is raised)."""
    inputs = [str(p) for p in ([inputs] if isinstance(inputs, (str, Path)) else inputs)]
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    for stale in out.glob(".*.tmp-*"):                    # left by a killed run
        stale.unlink(missing_ok=True)
    manifest = _Manifest(out, dict(inputs=inputs, input=input_identity(inputs), shard_size=shard_size,
                                   lang=lang), overwrite)
    result = BatchResult()
    started = time.perf_counter()

    def todo() -> Iterator[tuple[str, str, list[dict]]]:
        handed = 0
        for k, shard in enumerate(shards(read_items(inputs, say), shard_size)):
            result.shards += 1
            name, fp = f"shard-{k:05d}", fingerprint(shard)
            if manifest.finished(name, fp, out):
                result.skipped += 1
            else:
                handed += 1
                result.most_in_flight = max(result.most_in_flight, handed - result.done)
                yield name, fp, shard

    def finish(name: str, fp: str, shard: list[dict], files: dict[str, bytes], t0: float) -> None:
        # the .jsonl last, after the manifest entry: a shard whose .jsonl exists is always
        # recorded (a kill in between leaves an entry without its file: that shard is redone)
        for suffix in sorted(files, key=lambda s: s == ".jsonl"):
            if suffix == ".jsonl":
                manifest.record(name, fp, len(shard), time.perf_counter() - t0)
            write_atomic(out / f"{name}{suffix}", files[suffix])
            result.files.append(f"{name}{suffix}")
        result.done += 1
        result.reports += len(shard)
        tick()

    with _bar(progress) as tick:
        if dask is not None:
            _run_dask(dask, todo(), lang, finish)
        elif workers == 0:
            for name, fp, shard in todo():
                t0 = time.perf_counter()
                finish(name, fp, shard, run_shard(shard, lang), t0)
        else:
            _run_local(workers or os.cpu_count() or 1, todo(), lang, finish)
    result.seconds = time.perf_counter() - started
    return result


def _run_local(workers: int, jobs: Iterator, lang: str, finish: Callable) -> None:
    """Shards on local worker processes, at most two in flight per worker."""
    import multiprocessing
    saved = {k: os.environ.get(k) for k in _ONE_THREAD}
    os.environ.update({k: os.environ.get(k) or "1" for k in _ONE_THREAD})   # no BLAS oversubscription
    try:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                                 initializer=warm, initargs=(lang, os.getpid())) as pool:
            running: dict = {}
            for name, fp, shard in jobs:
                running[pool.submit(run_shard, shard, lang)] = (name, fp, shard, time.perf_counter())
                while len(running) >= 2 * workers:
                    _collect(running, finish, wait(running, return_when=FIRST_COMPLETED).done)
            while running:
                _collect(running, finish, wait(running, return_when=FIRST_COMPLETED).done)
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _run_dask(address, jobs: Iterator, lang: str, finish: Callable) -> None:
    """Shards on a Dask distributed cluster (a scheduler address or a Client), at most two
    in flight per worker thread: the input is read, and held, only as fast as it is done."""
    from dask.distributed import Client, as_completed
    client = address if isinstance(address, Client) else Client(address)
    try:
        client.run(warm, lang)
        slots = 2 * max(1, sum(client.nthreads().values()))
        pending = as_completed()
        meta = {}

        def collect(future) -> None:
            name, fp, shard, t0 = meta.pop(future.key)
            finish(name, fp, shard, future.result(), t0)
            future.release()

        for name, fp, shard in jobs:
            future = client.submit(run_shard, shard, lang, pure=False, key=f"sitroom-{name}-{fp[:12]}")
            meta[future.key] = (name, fp, shard, time.perf_counter())
            pending.add(future)
            if len(meta) >= slots:
                collect(next(pending))
        for future in pending:
            collect(future)
    finally:
        if client is not address:
            client.close()


def _collect(running: dict, finish: Callable, done) -> None:
    for future in done:
        name, fp, shard, t0 = running.pop(future)
        finish(name, fp, shard, future.result(), t0)


class _bar:
    """A rich progress line over shards on stderr (when it is a terminal, or when asked)."""

    def __init__(self, enabled: bool | None):
        self.enabled = sys.stderr.isatty() if enabled is None else enabled
        self.bar = None

    def __enter__(self) -> Callable[[], None]:
        if not self.enabled:
            return lambda: None
        from rich.console import Console
        from rich.progress import Progress
        self.bar = Progress(console=Console(stderr=True))
        self.bar.start()
        task = self.bar.add_task("extracting shards", total=None)
        return lambda: self.bar.advance(task)

    def __exit__(self, *exc):
        if self.bar:
            self.bar.stop()
