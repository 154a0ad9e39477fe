"""Throughput and memory: the full sitroom pipeline against bare fr_core_news_md.

Each is measured in a fresh process, warmed up on --warm other reports, then timed on
the same 200+ reports, alternately and --rounds times, the best run counting: docs/s,
words/s, their ratio, and each process's peak resident memory.
Usage: python benchmarks/throughput.py [--reports N] [--processes N]
"""
from __future__ import annotations

import argparse
import multiprocessing as mp
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import corpus, variations  # noqa: E402

DATE = "2022-03-08"


def peak_mb() -> float:
    """Peak RSS of this process and its children, in MB (Linux reports kB)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, kids) / 1024


def measure(which: str, texts: list[str], warm: list[str], batch_size: int, processes: int, out) -> None:
    """Load, warm up on other reports, then time one pass over `texts` (in a child process).

    The warm-up reports are not the measured ones: a second pass over the same texts
    would find every word's lexeme already made, which a stream of new reports never does."""
    start = time.perf_counter()
    if which == "bare":
        import spacy
        nlp = spacy.load("fr_core_news_md")
        run = lambda docs: nlp.pipe(docs, batch_size=batch_size, n_process=processes)
    else:
        from sitroom import extract_many
        run = lambda docs: extract_many(((str(i), t, DATE) for i, t in enumerate(docs)),
                                        lang="fr", batch_size=batch_size, n_process=processes)
    for _ in run(warm):
        pass
    loaded = time.perf_counter() - start
    start = time.perf_counter()
    for _ in run(texts):
        pass
    out.put((which, loaded, time.perf_counter() - start, peak_mb()))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--reports", type=int, default=220)
    ap.add_argument("--processes", type=int, default=1)
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--rounds", type=int, default=2, help="alternating runs of each; the best counts")
    ap.add_argument("--warm", type=int, default=60, help="other reports each pipeline reads before the timing")
    args = ap.parse_args()

    texts = corpus(args.reports)
    warm = variations(args.warm, seed=99)
    words = sum(len(t.split()) for t in texts)
    print(f"corpus: {len(texts)} reports, {words:,} words, {sum(map(len, texts)):,} characters; "
          f"n_process={args.processes}, batch_size={args.batch_size}")
    ctx = mp.get_context("spawn")
    results: dict[str, tuple] = {}
    for _ in range(args.rounds):            # alternate, keep the fastest: less noise from other load
        for which in ("bare", "sitroom"):
            queue = ctx.Queue()
            proc = ctx.Process(target=measure, args=(which, texts, warm, args.batch_size, args.processes, queue))
            proc.start()
            got = queue.get()
            proc.join()
            if which not in results or got[2] < results[which][2]:
                results[which] = got

    print(f"{'':24}{'load+warm s':>12}{'docs/s':>10}{'words/s':>10}{'peak RSS MB':>13}")
    for which, label in (("bare", "fr_core_news_md (bare)"), ("sitroom", "sitroom (full)")):
        _, loaded, secs, mb = results[which]
        print(f"{label:24}{loaded:12.1f}{len(texts) / secs:10.1f}{words / secs:10,.0f}{mb:13,.0f}")
    ratio = results["bare"][2] / results["sitroom"][2]
    mb = results["sitroom"][3]
    print(f"throughput ratio sitroom/bare: {ratio:.2f} (goal >= 0.70) {'OK' if ratio >= 0.70 else 'BELOW GOAL'}")
    print(f"sitroom peak RSS: {mb:,.0f} MB (goal <= 1536 MB) {'OK' if mb <= 1536 else 'ABOVE GOAL'}")


if __name__ == "__main__":
    main()
