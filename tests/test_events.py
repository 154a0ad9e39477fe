"""Events: table-driven from tests/data/events.jsonl (own sentences, times/places given)."""
import json
from pathlib import Path

import pytest

from sitroom import events
from sitroom.models import Place, Time

DATA = Path(__file__).resolve().parent / "data"

CASES = [json.loads(line) for line in (DATA / "events.jsonl").open(encoding="utf-8") if line.strip()]


def _spans(text, rows, make):
    """Models for (mention, …) rows, placed at successive occurrences in the text."""
    out, cursor = [], {}
    for row in rows:
        start = text.find(row[0], cursor.get(row[0], 0))
        cursor[row[0]] = start + len(row[0])
        out.append(make(row, start, start + len(row[0])))
    return out


def _doc(nlp, case):
    text = case["text"]
    doc = nlp(text)
    doc._.date = case["date"]
    doc._.times = _spans(text, case["times"], lambda r, s, e: Time(
        text=r[0], start=s, end=e, value=r[1], type=r[2]))
    doc._.places = _spans(text, case["places"], lambda r, s, e: Place(
        text=r[0], start=s, end=e, name=r[1], country=r[2], level=r[3]))
    doc._.actors, doc._.figures = [], []
    return doc


@pytest.mark.parametrize("case", CASES, ids=[c["text"][:40] or "empty" for c in CASES])
def test_events(nlp, case):
    found = events.find(_doc(nlp, case), "fr")
    for want in case.get("expect", []):
        hits = [ev for ev in found if all(getattr(ev, k) == v for k, v in want.items())]
        assert hits, f"{want} not in {[ev.model_dump(include={'type', 'status', 'date', 'place', 'country'}) for ev in found]}"
    for typ in case.get("absent", []):
        assert not [ev for ev in found if ev.type == typ]
    if "absent_place" in case:
        assert not [ev for ev in found if ev.place == case["absent_place"]]
    for typ, n in case.get("count", {}).items():
        assert len([ev for ev in found if ev.type == typ]) == n


def test_codes_cover_every_type():
    types = events.event_types()
    for typ in events.lexicon("fr").lemma_type.values():
        assert typ in types
    assert types["attack"]["plover"] == "ASSAULT"
