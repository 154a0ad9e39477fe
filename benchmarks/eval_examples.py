"""Score sitroom on ../shared/examples (seed + dev together), as the before-stop hook does."""
import shutil
import sys
import tempfile
from pathlib import Path

SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "examples"


def main() -> int:
    if not SHARED.is_dir():
        print("../shared/examples is not here", file=sys.stderr)
        return 1
    from sitroom.cli import main as cli
    with tempfile.TemporaryDirectory() as tmp:
        gold = Path(tmp) / "gold.jsonl"
        with gold.open("w", encoding="utf-8") as out:
            for part in sorted(SHARED.glob("*/gold.jsonl")):
                out.write(part.read_text(encoding="utf-8"))
                for txt in part.parent.glob("*.txt"):
                    shutil.copy(txt, tmp)
        return cli(["eval", str(gold), "--texts", tmp] + sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
