"""`sitroom batch` throughput: 1 worker against 2 (goal: 2 workers ≥ 1.7× one on 2 cores).

    python benchmarks/batch.py --reports 1000 --shard-size 25

Prints, for each worker count, the wall-clock rate (worker start and pipeline load
included) and the steady rate (from the moment every worker had finished one shard).
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ingest import reports  # noqa: E402


def steady_rate(out: Path, workers: int) -> float:
    """Reports per second after the first shard of each worker finished."""
    shards = json.loads((out / "manifest.json").read_text())["shards"].values()
    done = sorted((datetime.fromisoformat(s["finished_at"]).timestamp(), s["reports"]) for s in shards)
    if len(done) <= workers:
        return float("nan")
    t0 = done[workers - 1][0]
    return sum(n for _, n in done[workers:]) / (done[-1][0] - t0)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--reports", type=int, default=1000)
    ap.add_argument("--shard-size", type=int, default=25)
    ap.add_argument("--workers", default="1,2")
    args = ap.parse_args()
    from sitroom.situation.batch import batch
    work = Path(tempfile.mkdtemp(prefix="sitroom-batch-"))
    corpus = work / "corpus.jsonl"
    with open(corpus, "w", encoding="utf-8") as f:
        for it in reports(args.reports):
            f.write(json.dumps(it, ensure_ascii=False) + "\n")
    rates = {}
    for n in (int(w) for w in args.workers.split(",")):
        out = work / f"out-{n}"
        t0 = time.perf_counter()
        result = batch([corpus], out, workers=n, shard_size=args.shard_size, progress=False)
        wall = time.perf_counter() - t0
        rates[n] = (result.reports / wall, steady_rate(out, n))
        print(f"  {n} worker(s): {result.reports} reports in {wall:.1f} s: "
              f"{rates[n][0]:.1f} reports/s wall-clock, {rates[n][1]:.1f} reports/s steady", flush=True)
    if 1 in rates and 2 in rates:
        print(f"  2 workers / 1 worker: {rates[2][0] / rates[1][0]:.2f}x wall-clock, "
              f"{rates[2][1] / rates[1][1]:.2f}x steady (goal 1.7x)")


if __name__ == "__main__":
    main()
