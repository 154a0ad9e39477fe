"""Times: table-driven checks on invented sentences (tests/data/times.jsonl)."""
import json
from pathlib import Path

import pytest

from sitroom import times
from sitroom.extract import make_doc

CASES = [json.loads(line) for line in (Path(__file__).parent / "data" / "times.jsonl").open(encoding="utf-8")]


def tag(nlp, text, date=None):
    """Run only spaCy's own components, then the time tagger."""
    native = [name for name in nlp.pipe_names if not name.startswith("sitroom_")]
    with nlp.select_pipes(enable=native):
        doc = nlp(make_doc(text, date, lang="fr"))
    return doc, times.find(doc, "fr")


@pytest.mark.parametrize("case", CASES, ids=[c["text"][:40] for c in CASES])
def test_sentence(nlp, case):
    _, found = tag(nlp, case["text"], case["date"])
    assert [[t.text, t.value, t.type] for t in found] == case["expected"]


def test_offsets_point_at_text(nlp):
    text = "Les combats ont repris mardi soir, la veille de la trêve."
    _, found = tag(nlp, text, "2024-03-06")
    assert [text[t.start:t.end] for t in found] == [t.text for t in found] == ["mardi soir", "la veille"]


def test_dateline_sets_document_date(nlp):
    doc, found = tag(nlp, "Publié le 04/03/2021 à 09h20\n\nHier, deux villages ont été inondés.")
    assert doc._.date == "2021-03-04" and doc._.date_source == "text"
    assert [(t.value, t.type) for t in found] == [("2021-03-04T09:20", "TIME"), ("2021-03-03", "DATE")]


def test_given_date_wins_over_dateline(nlp):
    doc, _ = tag(nlp, "KABOUL, 22 juin 2022 (AFP) - Le séisme a frappé mercredi.", "2022-06-23")
    assert doc._.date == "2022-06-23" and doc._.date_source == "given"


def test_date_inferred_from_weekday_day_month(nlp):
    text = ("Les pompiers luttaient encore ce samedi 9 juillet contre les flammes. "
            "En 2020, un incendie avait déjà ravagé la forêt. Vendredi, le vent a tourné.")
    doc, found = tag(nlp, text)
    assert doc._.date == "2022-07-09" and doc._.date_source == "inferred"
    assert ("2022-07-08", "DATE") in [(t.value, t.type) for t in found]


DATE_CASES = [json.loads(line) for line in
              (Path(__file__).parent / "data" / "times_document_dates.jsonl").open(encoding="utf-8")]


@pytest.mark.parametrize("case", DATE_CASES, ids=[c["text"][:40] for c in DATE_CASES])
def test_document_date(nlp, case):
    """With no date given: a publication line in the header, else a weekday and date whose
    year agrees with the years the text tells as past."""
    doc, _ = tag(nlp, case["text"])
    assert doc._.date == case["expected"]


SEED = Path(__file__).resolve().parents[2] / "shared" / "examples" / "seed" / "seed-alep-est.txt"


@pytest.mark.skipif(not SEED.is_file(), reason="../shared/examples is not here")
def test_seed_dated_from_its_stated_years(nlp):
    doc, _ = tag(nlp, SEED.read_text(encoding="utf-8"))
    assert doc._.date == "2016-12-15"


def test_no_date_leaves_relative_times_unanchored(nlp):
    doc, found = tag(nlp, "Les secours sont arrivés jeudi soir, après le 3 avril.")
    assert doc._.date is None
    assert [(t.value, t.anchored) for t in found] == [("XXXX-WXX-4TEV", False), ("XXXX-04-03", False)]


@pytest.mark.parametrize("text", ["", "   ", "Pour le moment, rien.", "jusque-là " * 3])
def test_odd_input(nlp, text):
    _, found = tag(nlp, text, "2024-01-01")
    assert found == []


def lexicon_entries(value) -> set[str]:
    """Every string of a times.json value: keys, list items, string values."""
    if isinstance(value, dict):
        return set(value) | set().union(*map(lexicon_entries, value.values()))
    if isinstance(value, list):
        return set().union(*map(lexicon_entries, value))
    return {value} if isinstance(value, str) else set()


def test_french_lexicon_loads_and_is_documented():
    from sitroom.lang import resource
    data = resource("fr", "times")
    documented = {key for keys in data["_doc"] for key in keys.split(" / ")}
    assert documented == set(data) - {"_doc"}
    lex = times.lexicon("fr")
    assert lex.clock_re.match("9h30") and "mi" in lex.triggers and ("vers", "de") in lex.clock_preps


def test_no_french_word_in_times_code():
    """French lives in sitroom/lang/fr/times.json: no string literal of times.py is one of its entries."""
    import ast
    from sitroom.lang import resource
    entries = lexicon_entries([v for k, v in resource("fr", "times").items() if k != "_doc"])
    french = {w for w in entries if w.islower()} - {"aux"}     # 'aux' is also a dependency label
    tree = ast.parse(Path(times.__file__).read_text(encoding="utf-8"))
    docstrings = {id(node.value) for node in ast.walk(tree) if isinstance(node, ast.Expr)}
    literals = {node.value for node in ast.walk(tree)
                if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings}
    assert not literals & french
