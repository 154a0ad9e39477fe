"""Score sitroom on the real-corpus gold (benchmarks/gold/corpus-{dev,test}.jsonl).

The texts stay in ../shared/corpus (never copied here). `python benchmarks/eval_corpus.py dev`
prints the dev table with its errors; `test` prints the test figures only (we tune on dev and
never read test errors); no argument prints both totals.
"""
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORPUS = HERE.parent.parent / "shared" / "corpus"
FOLDERS = [CORPUS / "wikinews-fr-crisis" / "texts", CORPUS / "globalvoices-fr-crisis" / "texts"]


def main(argv: list[str]) -> int:
    if not CORPUS.is_dir():
        print("../shared/corpus is not here", file=sys.stderr)
        return 1
    from sitroom.evaluate import format_table, run
    parts = argv or ["dev", "test"]
    for part in parts:
        total, per_report = run(HERE / "gold" / f"corpus-{part}.jsonl", FOLDERS)
        table = format_table(total, per_report, errors=(part == "dev" and bool(argv)))
        print(f"== corpus {part} ({len(per_report)} reports)")
        print(table if argv else "\n".join(table.splitlines()[-10:]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
