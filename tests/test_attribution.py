"""Source attribution of a statement, table-driven from tests/data/attribution.jsonl."""
import json

import pytest

from sitroom.attribution import source_for
from sitroom.evaluate import norm

from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"

CASES = [json.loads(line) for line in (DATA / "attribution.jsonl").read_text(encoding="utf-8").splitlines()
         if line.strip()]


@pytest.mark.parametrize("case", CASES, ids=[c["text"][:40] for c in CASES])
def test_source_for(nlp, case):
    doc = nlp(case["text"])
    start = case["text"].index(case["span"])
    assert norm(source_for(doc, start, start + len(case["span"]), "fr")) == norm(case["source"])


def test_odd_spans(nlp):
    doc = nlp("Bonjour.")
    assert source_for(doc, 0, 0, "fr") is None
    assert source_for(doc, 50, 60, "fr") is None
