"""Inter-annotator agreement on the real corpus: the second annotator's gold
(benchmarks/gold/corpus-second-annotator.jsonl, 20 texts) scored against the first's
(corpus-dev/test.jsonl) with sitroom's own scorer, one annotation as gold, the other as system."""
import json
import sys
from pathlib import Path

from sitroom.evaluate import Score, format_table, read_jsonl, score_report

GOLD = Path(__file__).resolve().parent / "gold"


def main() -> int:
    first = {r["id"]: r for part in ("dev", "test") for r in read_jsonl(GOLD / f"corpus-{part}.jsonl")}
    total, per_report = Score(), {}
    for second in read_jsonl(GOLD / "corpus-second-annotator.jsonl"):
        per_report[second["id"]] = score_report(first[second["id"]], second)
        total.add(per_report[second["id"]])
    print(format_table(total, per_report, errors="--errors" in sys.argv))
    return 0


if __name__ == "__main__":
    sys.exit(main())
