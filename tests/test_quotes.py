"""Quotations and their speakers, table-driven from tests/data/quotes.jsonl."""
import json

import pytest

from sitroom import quotes
from sitroom.evaluate import norm

from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"

CASES = [json.loads(line) for line in (DATA / "quotes.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.mark.parametrize("case", CASES, ids=[c["text"][:40] for c in CASES])
def test_quotes(nlp, case):
    doc = nlp(case["text"])
    found = quotes.find(doc, "fr")
    want = [(case["text"].index(q["starts"]), q["speaker"]) for q in case["quotes"]]
    assert [q.start for q in found] == [start for start, _ in want]
    for quote, (_, speaker) in zip(found, want):
        assert norm(quote.speaker) == norm(speaker)
        if quote.speaker is not None:
            assert case["text"][quote.speaker_start:quote.speaker_end] == quote.speaker


def test_empty_and_unpaired(nlp):
    assert quotes.find(nlp(""), "fr") == []
    assert quotes.find(nlp("Il a dit « rien de plus."), "fr") == []
