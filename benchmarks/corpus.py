"""Benchmark corpora: the Wikinews pages in ../shared (when present) and our own reports."""
from __future__ import annotations

import random
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
OWN = ROOT / "examples" / "reports"

_SWAPS = {
    "places": ["Kharkiv", "Kherson", "Mykolaïv", "Soumy", "Tchernihiv", "Dnipro", "Zaporijjia", "Odessa"],
    "weekdays": ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"],
}


def wikinews() -> list[str]:
    """Main text of each Wikinews page (HTML → text), or [] without ../shared."""
    from sitroom.reading import BadInput, html_to_report
    folder = SHARED / "benchmarks" / "wikinews-fr-2012"
    texts = []
    for page in sorted(folder.glob("*.html")):
        try:
            texts.append(html_to_report(page.read_text(encoding="utf-8", errors="replace")).text)
        except BadInput:
            pass
    return texts


def own_reports() -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted(OWN.glob("*.txt"))]


def variations(n: int, seed: int = 7) -> list[str]:
    """n realistic variants of our own reports: other towns, days and figures."""
    rng = random.Random(seed)
    base = own_reports()
    out = []
    for i in range(n):
        text = base[i % len(base)]
        for word in _SWAPS["places"]:
            text = text.replace(word, rng.choice(_SWAPS["places"]))
        for word in _SWAPS["weekdays"]:
            text = re.sub(rf"\b{word}\b", rng.choice(_SWAPS["weekdays"]), text)
        text = re.sub(r"\b\d{2,3}\b", lambda m: str(max(2, int(m.group()) + rng.randint(-9, 9))), text)
        out.append(text)
    return out


def corpus(size: int = 220) -> list[str]:
    """Wikinews pages first, topped up with variants of our own reports."""
    texts = wikinews()
    return texts + variations(max(0, size - len(texts)))
