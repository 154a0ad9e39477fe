"""Ingest benchmark: reports/s and store size at several corpus sizes (+ reconciliation time).

    python benchmarks/ingest.py --sizes 2000,20000                 # full ingest (extraction dominates)
    python benchmarks/ingest.py --sizes 2000,20000 --pre-extracted # store only: records extracted once
                                                                   # for a small pool, reused
Reports are variations of our own reports (examples/reports and tests/data/situation):
sentences mixed into new reports, with other towns, days and figures. Near-duplicates among
them are linked, not extracted, as in a real feed. When sitroom.situation.reconcile exists,
its reconcile(store) is timed too.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import random
import re
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import OWN, ROOT, _SWAPS  # noqa: E402

SITUATION = ROOT / "tests" / "data" / "situation"


def _pool() -> list[str]:
    texts = [p.read_text(encoding="utf-8") for p in sorted(OWN.glob("*.txt"))]
    texts += [p.read_text(encoding="utf-8") for p in sorted(SITUATION.glob("*.txt"))]
    texts += [json.loads(line)["text"] for line in (SITUATION / "reports.jsonl").open(encoding="utf-8")][:2]
    sentences = re.split(r"(?<=[.»])\s+(?=[«A-ZÀ-Ý])", "\n".join(texts))
    return [s.strip() for s in sentences if len(s.split()) > 6]


PER_DAY = 100                    # reports a day in the simulated stream: a bigger corpus covers more days
START = date(2022, 3, 1)
ISO_DAY = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")


def reports(n: int, seed: int = 11) -> list[dict]:
    """n JSONL-style reports, PER_DAY a day: 4-7 sentences of our reports each, towns, days and figures varied."""
    rng = random.Random(seed)
    pool = _pool()
    out = []
    for i in range(n):
        text = f"Point de situation {i + 1}\n\n" + " ".join(rng.sample(pool, rng.randint(4, 7)))
        for word in _SWAPS["places"]:
            text = text.replace(word, rng.choice(_SWAPS["places"]))
        text = re.sub(r"\b\d{2,3}\b", lambda m: str(max(2, int(m.group()) + rng.randint(-9, 9))), text)
        out.append({"text": text, "source": f"Outlet {i % 37}", "url": f"https://news{i % 37}.example/{i}",
                    "published": (START + timedelta(days=i // PER_DAY)).isoformat()})
    return out


def with_records(items: list[dict], pool_size: int = 64) -> list[dict]:
    """Attach a record to every report, extracting only `pool_size` of them (store-only timing)."""
    from sitroom import extract_many
    recs = [r.model_dump(mode="json") for r in
            extract_many([(None, it["text"], it["published"]) for it in items[:pool_size]], lang="fr")]
    out = []
    for i, it in enumerate(items):
        k = i % len(recs)
        delta = date.fromisoformat(it["published"]) - date.fromisoformat(items[k]["published"])
        out.append(dict(it, record=_shifted(recs[k], delta)))
    return out


def _shifted(record: dict, delta: timedelta) -> dict:
    """The record with every ISO day in it moved by delta (a reused record told on another day)."""
    if not delta:
        return record
    moved = ISO_DAY.sub(lambda m: (date(*map(int, m.groups())) + delta).isoformat(),
                        json.dumps(record, ensure_ascii=False))
    return json.loads(moved)


def run(size: int, pre_extracted: bool, workdir: Path) -> dict:
    from sitroom.situation import Store, ingest
    items = reports(size)
    if pre_extracted:
        items = with_records(items)
    corpus = workdir / f"corpus-{size}.jsonl"
    with open(corpus, "w", encoding="utf-8") as f:
        for it in items:
            f.write(json.dumps(it, ensure_ascii=False) + "\n")
    db = workdir / f"bench-{size}.db"
    with Store(db) as store:
        t0 = time.perf_counter()
        result = ingest([corpus], store, progress=False)
        seconds = time.perf_counter() - t0
        row = dict(size=size, seconds=round(seconds, 1), reports_per_s=round(size / seconds, 1),
                   extracted=result.extracted, duplicates=result.duplicates,
                   store_mb=round((store.size() or 0) / 1e6, 1), **{k: store.counts()[k] for k in ("events", "figures")})
        if importlib.util.find_spec("sitroom.situation.reconcile"):
            from sitroom.situation.reconcile import reconcile
            t0 = time.perf_counter()
            items = store.sourced()
            row["load_sourced_s"] = round(time.perf_counter() - t0, 2)
            t0 = time.perf_counter()
            reconcile(items)
            row["reconcile_s"] = round(time.perf_counter() - t0, 2)
        t0 = time.perf_counter()
        again = ingest([corpus], store, progress=False)
        row["rerun_s"] = round(time.perf_counter() - t0, 1)
        assert again.added == 0
    return row


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="2000,20000", help="comma-separated corpus sizes")
    ap.add_argument("--pre-extracted", action="store_true", help="time the store, not extraction")
    ap.add_argument("--keep", help="keep corpora and stores in this folder")
    args = ap.parse_args()
    workdir = Path(args.keep or tempfile.mkdtemp(prefix="sitroom-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    mode = "pre-extracted records (store only)" if args.pre_extracted else "full ingest with extraction"
    print(f"ingest benchmark, {mode}")
    for size in (int(s) for s in args.sizes.split(",")):
        row = run(size, args.pre_extracted, workdir)
        print("  " + ", ".join(f"{k}={v}" for k, v in row.items()), flush=True)


if __name__ == "__main__":
    main()
