"""Figures, table-driven from tests/data/figures.jsonl (invented sentences about other crises).

Each case lists every figure the sentence should yield, in order: low/high, qualifier and
action always; group and status where the case gives them. An empty list means no figure.
"""
import json

import pytest

from conftest import DATA
from sitroom import figures
from sitroom.extract import make_doc

CASES = [json.loads(line) for line in (DATA / "figures.jsonl").open(encoding="utf-8") if line.strip()]


def _found(nlp, text):
    return nlp(make_doc(text, lang="fr"))._.figures


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_figures(nlp, case):
    found = _found(nlp, case["text"])
    got = [{k: getattr(f, k) for k in ("low", "high", "qualifier", "action", "group", "status")} for f in found]
    want = case["figures"]
    assert len(got) == len(want), got
    for g, w in zip(got, want):
        assert {k: g[k] for k in w} == w


COUNTED = [c for c in CASES if c["figures"]][:8]


@pytest.mark.parametrize("case", COUNTED, ids=[c["id"] for c in COUNTED])
def test_span_points_at_text(nlp, case):
    found = _found(nlp, case["text"])
    assert found and [case["text"][f.start:f.end] for f in found] == [f.text for f in found]


@pytest.mark.parametrize("text", ["", "   ", "\n\n", "42", "Les 12 et 13.", "une vingtaine", "près de"])
def test_odd_input_does_not_raise(nlp, text):
    doc = nlp(make_doc(text, lang="fr"))
    assert doc._.warnings == [] and isinstance(figures.find(doc, "fr"), list)


EVENT_CASES = [c for c in CASES if "events" in c]


@pytest.mark.parametrize("case", EVENT_CASES, ids=[c["id"] for c in EVENT_CASES])
def test_event_carries_its_own_figures(nlp, case):
    """Each event carries the figures of its own clause (listed by their low bound, per type)."""
    doc = nlp(make_doc(case["text"], lang="fr"))
    figs = doc._.figures
    got = {}
    for ev in doc._.events:
        got.setdefault(ev.type, []).extend(int(figs[k].low) for k in ev.figures)
    assert {t: got.get(t, []) for t in case["events"]} == case["events"]


@pytest.mark.parametrize("text, links", [
    ("Deux gardes maliens et trois soldats tchadiens ont été tués jeudi.", [(None, None), (None, 0)]),
    ("Le séisme a fait 80 blessés, dont 12 dans un état grave.", [(None, None), (0, None)]),
    ("Quelque 300 familles ont fui lundi.", [(None, None)]),
])
def test_lists_and_parts_are_linked(nlp, text, links):
    """Figures given as a list share a `listed_with`; a "dont" item points at its whole (`part_of`)."""
    from sitroom import extract
    figures = extract(text, "2024-03-04", lang="fr").figures
    assert [(f.part_of, f.listed_with) for f in figures] == links
