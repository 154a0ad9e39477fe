"""Many distinct short reports for the crash and concurrency tests, made from our own test reports."""
import json
import random
import re

from conftest import DATA

SITUATION = DATA / "situation"


def sentences() -> list[str]:
    texts = [(SITUATION / name).read_text(encoding="utf-8")
             for name in ("courrier-ocean-indien.txt", "wire-echos-du-sud.txt")]
    lines = (SITUATION / "reports.jsonl").read_text(encoding="utf-8").splitlines()
    texts += [json.loads(line)["text"] for line in lines[:2]]
    found = re.split(r"(?<=[.»])\s+(?=[«A-ZÀ-Ý])", "\n".join(texts))
    return [s.strip() for s in found if len(s.split()) > 6]


def write_reports(path, n: int, seed: int = 3) -> list[str]:
    """A JSONL of n short reports, each a different mix of sentences; their texts."""
    rng = random.Random(seed)
    pool = sentences()
    texts = [f"Point de situation numéro {i + 1} sur le cyclone\n\n" + " ".join(rng.sample(pool, 4))
             for i in range(n)]
    with open(path, "w", encoding="utf-8") as f:
        for i, text in enumerate(texts):
            f.write(json.dumps({"text": text, "source": f"Outlet {i % 5}",
                                "published": f"2024-02-{12 + i % 6:02d}"}, ensure_ascii=False) + "\n")
    return texts
