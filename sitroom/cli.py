"""The `sitroom` command: extract the facts of reports, build, report, export and serve the
situation of many, and score extraction against gold."""
from __future__ import annotations

import argparse
import json
import logging
import sys
from itertools import groupby
from pathlib import Path
from typing import Iterator

from . import render
from .reading import MAX_CHARS, BadInput, jsonl_objects, prepare, read


def _say(path, message: str) -> None:
    print(f"sitroom: {path}: {message}", file=sys.stderr)


class _Stderr(logging.Handler):
    """The library's log lines on the standard error of the moment, as `sitroom: …`."""

    def emit(self, record: logging.LogRecord) -> None:
        print(f"sitroom: {self.format(record)}", file=sys.stderr)


def _log(verbose: bool) -> None:
    """Show the "sitroom" logger's warnings (with --verbose, its details too) on stderr."""
    log = logging.getLogger("sitroom")
    if not any(isinstance(h, _Stderr) for h in log.handlers):
        log.addHandler(_Stderr())
    log.setLevel(logging.DEBUG if verbose else logging.WARNING)


def _jsonl_items(path: Path, max_chars: int, lang: str | None) -> Iterator[tuple]:
    """(id, text, date, warnings, where, lang) of each good line of a JSONL batch; bad lines are reported."""
    for n, (where, obj) in enumerate(jsonl_objects(path, _say), 1):
        try:
            report = prepare(obj["text"], max_chars, lang)
        except BadInput as e:
            _say(where, str(e))
            continue
        day = obj.get("date") or obj.get("published") or report.date
        rid = obj.get("id")                     # a null or missing id: the line's place, never "None"
        yield (str(rid) if rid is not None else where.rsplit(":", 1)[-1]), report.text, day, report.warnings, where, report.lang


def _file_items(paths: list[str], date: str | None, max_chars: int, lang: str | None) -> Iterator[tuple]:
    for p in paths:
        path = Path(p)
        if path.suffix == ".jsonl":
            yield from _jsonl_items(path, max_chars, lang)
            continue
        try:
            report = read(path, max_chars, lang)
        except BadInput as e:
            _say(p, str(e))
            continue
        yield path.stem, report.text, date or report.date, report.warnings, p, report.lang


def cmd_extract(args) -> int:
    from .extract import iso_date
    try:
        date = iso_date(args.date)
    except ValueError:
        _say("--date", f"not a date: {args.date!r} (use YYYY-MM-DD)")
        return 2
    items = list(_file_items(args.reports, date, args.max_chars, args.lang))
    if not items:
        _say("extract", "nothing could be processed")
        return 1
    for *_, warnings, where, _ in items:
        for w in warnings:
            _say(where, w)
    batch = len(args.reports) > 1 or any(Path(p).suffix == ".jsonl" for p in args.reports)
    fmt = args.format or ("jsonl" if batch else "json")
    progress = None
    if sys.stderr.isatty() and len(items) > 1:
        from tqdm import tqdm
        progress = tqdm(total=len(items), unit="report", file=sys.stderr)
    for (_, _, _, warnings, _, _), record in _records(items, args.processes):
        record.warnings = list(warnings) + record.warnings
        if fmt == "json":
            print(record.model_dump_json(indent=2))
        elif fmt == "jsonl":
            print(record.model_dump_json())
        elif fmt == "table":
            print(render.table(record) + "\n")
        else:
            print(render.markdown(record) + "\n")
        if progress:
            progress.update()
    if progress:
        progress.close()
    return 0


def _records(items: list[tuple], processes: int) -> Iterator[tuple]:
    """(item, record) in order; each run of reports in one language goes through its pipeline."""
    from .extract import extract_many
    for lang, run in groupby(items, key=lambda item: item[5]):
        run = list(run)
        yield from zip(run, extract_many([item[:3] for item in run], lang=lang, n_process=processes))


def cmd_eval(args) -> int:
    target = Path(args.gold)
    if target.is_dir():
        from .timebank import format_scores, score_timeml
        print(format_scores(score_timeml(target)))
        return 0
    from .evaluate import format_table, run
    if not target.exists():
        _say(target, "no such gold file")
        return 2
    texts = [Path(t) for t in args.texts] if args.texts else [target.parent]
    missing = [t for t in texts if not t.is_dir()]
    if missing:
        _say(missing[0], "no such folder of texts")
        return 2
    total, per_report = run(target, texts)
    print(format_table(total, per_report, errors=not args.quiet))
    return 0


def cmd_ingest(args) -> int:
    from .situation import Store, ingest
    with Store(args.db) as store:
        result = ingest(args.paths, store, lang=args.lang, dedup=not args.no_dedup,
                        batch_size=args.batch_size, n_process=args.processes,
                        progress=False if args.quiet else None)
        _say(args.db, result.summary())
    if not result.ok:
        _say("ingest", "nothing could be ingested")
    return 0 if result.ok else 1


def cmd_batch(args) -> int:
    from .situation.batch import batch
    result = batch(args.input, args.out, workers=args.workers, dask=args.dask,
                   shard_size=args.shard_size, lang=args.lang or "fr", overwrite=args.overwrite)
    _say(args.out, result.summary())
    return 0 if result.shards else 1


def _situation(args):
    """The reconciled situation of an existing store (a mistyped SQLite path is not a new store)."""
    from .situation import Store
    from .situation.reconcile import reconcile
    if "://" not in args.db and not Path(args.db).is_file():
        raise BadInput(f"no store here (run `sitroom ingest ... --db {args.db}` first)")
    with Store(args.db) as store:
        return reconcile(store.sourced())


def _write(args, text: str) -> None:
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")


def cmd_report(args) -> int:
    from .extract import iso_date
    from .situation.report import render_html, render_markdown
    try:
        args.since = iso_date(args.since)
    except ValueError:
        raise BadInput(f"--since {args.since!r} is not a date (use YYYY-MM-DD)") from None
    render = render_html if args.format == "html" else render_markdown
    _write(args, render(_situation(args), since=args.since, place=args.place))
    return 0


def cmd_export(args) -> int:
    from .situation.export import export
    _write(args, export(_situation(args), args.format))
    return 0


def cmd_serve(args) -> int:
    from .web.server import DEMO_DB, load_demo, serve
    db = args.db or (DEMO_DB if args.demo else "sitroom.db")
    if args.demo:
        _say(db, "demo store: " + load_demo(db))
    return serve(db, host=args.host, port=args.port, allow_fetch=args.allow_fetch,
                 max_upload=args.max_upload)


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="sitroom", description=__doc__)
    ap.add_argument("--verbose", "-v", action="store_true", help="log details, such as why a stage failed")
    sub = ap.add_subparsers(dest="command", required=True)
    ex = sub.add_parser("extract", help="extract the facts of one or more reports")
    ex.add_argument("reports", nargs="+", metavar="REPORT",
                    help="text or HTML files, or a .jsonl of {id, text, date} objects")
    ex.add_argument("--date", help="the reports' date, YYYY-MM-DD (else found or inferred)")
    ex.add_argument("--format", choices=("json", "jsonl", "table", "md"))
    ex.add_argument("--lang", help="the reports' language (default: detected)")
    ex.add_argument("--max-chars", type=_count(1), default=MAX_CHARS, help="read at most this much of a report")
    ex.add_argument("--processes", type=_count(1), default=1, help="parser processes (nlp.pipe n_process)")
    ex.set_defaults(run=cmd_extract)
    ev = sub.add_parser("eval", help="score against gold (JSONL) or a folder of ISO-TimeML files")
    ev.add_argument("gold", metavar="GOLD", help="gold .jsonl, or a folder of .tml files")
    ev.add_argument("--texts", action="append", metavar="DIR",
                    help="folder with ID.txt for each gold report (default: beside GOLD); repeat for several")
    ev.add_argument("--quiet", action="store_true", help="totals and per-report table only")
    ev.set_defaults(run=cmd_eval)
    ing = sub.add_parser("ingest", help="store reports, feeds and JSONL in a situation store")
    ing.add_argument("paths", nargs="+", metavar="PATH",
                     help="report files, folders, HTML pages, RSS/Atom feeds, .jsonl of {text, url, source, published}")
    ing.add_argument("--db", default="sitroom.db", help="SQLite file or SQLAlchemy URL (default: sitroom.db)")
    ing.add_argument("--lang", help="accept only reports in this language (default: any sitroom reads)")
    ing.add_argument("--no-dedup", action="store_true", help="do not link near-duplicate reports")
    ing.add_argument("--batch-size", type=_count(1), default=16, help="reports extracted at once")
    ing.add_argument("--processes", type=_count(1), default=1, help="parser processes (nlp.pipe n_process)")
    ing.add_argument("--quiet", action="store_true", help="no progress bar")
    ing.set_defaults(run=cmd_ingest)
    ba = sub.add_parser("batch", help="extract a big corpus into resumable shards (JSONL, Parquet)")
    ba.add_argument("input", nargs="+", metavar="INPUT", help="a .jsonl of reports, or a folder")
    ba.add_argument("--out", required=True, help="folder for the shards and manifest.json")
    ba.add_argument("--workers", type=_count(0), help="local worker processes (default: cores; 0: this process)")
    ba.add_argument("--dask", metavar="ADDRESS", help="run on this Dask scheduler instead")
    ba.add_argument("--shard-size", type=_count(1), default=100, help="reports per shard")
    ba.add_argument("--lang", help="the reports' language (default: fr)")
    ba.add_argument("--overwrite", action="store_true",
                    help="replace what --out holds from another input or other settings")
    ba.set_defaults(run=cmd_batch)
    rp = sub.add_parser("report", help="a situation report (OCHA flash-update style) from the store")
    rp.add_argument("--db", default="sitroom.db", help="SQLite file or SQLAlchemy URL (default: sitroom.db)")
    rp.add_argument("--format", choices=("md", "html"), default="md")
    rp.add_argument("--since", help="only what was reported since this date, YYYY-MM-DD")
    rp.add_argument("--place", help="only events at this place (name) or in this country (ISO code)")
    rp.add_argument("--out", help="write to this file (default: standard output)")
    rp.set_defaults(run=cmd_report)
    xp = sub.add_parser("export", help="events and figures of the store as json, geojson, csv, hxl or plover")
    xp.add_argument("--db", default="sitroom.db", help="SQLite file or SQLAlchemy URL (default: sitroom.db)")
    xp.add_argument("--format", choices=("json", "geojson", "csv", "hxl", "plover"), default="json")
    xp.add_argument("--out", help="write to this file (default: standard output)")
    xp.set_defaults(run=cmd_export)
    sv = sub.add_parser("serve", help="the situation room in a browser, and its JSON API")
    sv.add_argument("--db", help="SQLite file or SQLAlchemy URL (default: sitroom.db; with --demo: sitroom-demo.db)")
    sv.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1; "
                    "beyond loopback SITROOM_TOKEN must be set, and writes need it)")
    sv.add_argument("--port", type=_count(1, 65535), default=8000)
    sv.add_argument("--demo", action="store_true", help="load the example reports into the store first")
    sv.add_argument("--allow-fetch", action="store_true",
                    help="let POST /reports fetch a URL (never a loopback or private address)")
    sv.add_argument("--max-upload", type=_count(1), help="largest request body in bytes (default: 5 MB)")
    sv.set_defaults(run=cmd_serve)
    return ap


def _count(minimum: int, maximum: int | None = None):
    """An argparse type: an integer within bounds."""
    def parse(text: str) -> int:
        value = int(text)
        if value < minimum or (maximum is not None and value > maximum):
            bound = f"from {minimum} to {maximum}" if maximum is not None else f"at least {minimum}"
            raise argparse.ArgumentTypeError(f"{text} is not a number {bound}")
        return value
    parse.__name__ = "number"
    return parse


def _expected_errors() -> tuple[type[BaseException], ...]:
    """What a user's input can cause: a bad store URL or file, an unreadable gold file."""
    from sqlalchemy.exc import SQLAlchemyError
    return SQLAlchemyError, ImportError, OSError, ValueError


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    _log(args.verbose)
    try:
        return args.run(args)
    except KeyboardInterrupt:
        _say(args.command, "interrupted (what was saved is kept; run it again to finish)")
        return 130
    except BrokenPipeError:
        return 0
    except BadInput as e:
        _say(getattr(args, "db", None) or args.command, str(e))
        return 2
    except Exception as e:                       # turned into one line here, at the boundary only
        if not isinstance(e, _expected_errors()):
            raise
        first = (str(e).strip().splitlines() or [type(e).__name__])[0]
        _say(args.command, f"{type(e).__name__}: {first}")
        return 2


if __name__ == "__main__":
    sys.exit(main())
