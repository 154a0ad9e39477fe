"""Actor mentions, types and countries, table-driven from tests/data/actors.jsonl."""
import json

import pytest

from sitroom import actors

from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"

CASES = [json.loads(line) for line in (DATA / "actors.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.mark.parametrize("case", CASES, ids=[c["text"][:40] for c in CASES])
def test_actor(nlp, case):
    found = actors.find(nlp(case["text"]), "fr")
    match = [a for a in found if a.name == case["mention"]] or [a for a in found if case["mention"] in a.text]
    assert match, [a.text for a in found]
    assert (match[0].type, match[0].country) == (case["type"], case["country"])


def test_empty(nlp):
    assert actors.find(nlp(""), "fr") == []
