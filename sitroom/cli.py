"""The `sitroom` command: extract facts from reports, score them against gold."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Iterator

from . import render
from .reading import MAX_CHARS, BadInput, prepare, read


def _say(path, message: str) -> None:
    print(f"sitroom: {path}: {message}", file=sys.stderr)


def _jsonl_items(path: Path, max_chars: int, lang: str | None) -> Iterator[tuple]:
    """(id, text, date, warnings) of each good line of a JSONL batch; bad lines are reported."""
    with open(path, encoding="utf-8", errors="replace") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            where = f"{path}:{n}"
            try:
                obj = json.loads(line)
                if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
                    raise BadInput('line has no "text"')
                report = prepare(obj["text"], max_chars, lang)
                day = obj.get("date") or obj.get("published") or report.date
                yield str(obj.get("id", n)), report.text, day, report.warnings, where
            except json.JSONDecodeError:
                _say(where, "not a JSON object")
            except BadInput as e:
                _say(where, str(e))


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
        yield path.stem, report.text, date or report.date, report.warnings, p


def cmd_extract(args) -> int:
    from .extract import extract_many, iso_date
    try:
        date = iso_date(args.date)
    except ValueError:
        _say("--date", f"not a date: {args.date!r} (use YYYY-MM-DD)")
        return 2
    items = list(_file_items(args.reports, date, args.max_chars, args.lang))
    if not items:
        _say("extract", "nothing could be processed")
        return 1
    for *_, warnings, where in items:
        for w in warnings:
            _say(where, w)
    batch = len(args.reports) > 1 or any(Path(p).suffix == ".jsonl" for p in args.reports)
    fmt = args.format or ("jsonl" if batch else "json")
    progress = None
    if sys.stderr.isatty() and len(items) > 1:
        from tqdm import tqdm
        progress = tqdm(total=len(items), unit="report", file=sys.stderr)
    triples = [(i, text, day) for i, text, day, *_ in items]
    lang = args.lang or "fr"
    for (_, _, _, warnings, _), record in zip(items, extract_many(triples, lang=lang, n_process=args.processes)):
        record.warnings = list(warnings)
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
    texts = Path(args.texts) if args.texts else target.parent
    total, per_report = run(target, texts)
    print(format_table(total, per_report, errors=not args.quiet))
    return 0


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="sitroom", description=__doc__)
    sub = ap.add_subparsers(dest="command", required=True)
    ex = sub.add_parser("extract", help="extract the facts of one or more reports")
    ex.add_argument("reports", nargs="+", metavar="REPORT",
                    help="text or HTML files, or a .jsonl of {id, text, date} objects")
    ex.add_argument("--date", help="the reports' date, YYYY-MM-DD (else found or inferred)")
    ex.add_argument("--format", choices=("json", "jsonl", "table", "md"))
    ex.add_argument("--lang", help="the reports' language (default: detected)")
    ex.add_argument("--max-chars", type=int, default=MAX_CHARS, help="read at most this much of a report")
    ex.add_argument("--processes", type=int, default=1, help="parser processes (nlp.pipe n_process)")
    ex.set_defaults(run=cmd_extract)
    ev = sub.add_parser("eval", help="score against gold (JSONL) or a folder of ISO-TimeML files")
    ev.add_argument("gold", metavar="GOLD", help="gold .jsonl, or a folder of .tml files")
    ev.add_argument("--texts", help="folder with ID.txt for each gold report (default: beside GOLD)")
    ev.add_argument("--quiet", action="store_true", help="totals and per-report table only")
    ev.set_defaults(run=cmd_eval)
    return ap


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.run(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
