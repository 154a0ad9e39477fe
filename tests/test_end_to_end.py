"""End to end on a report of our own: the facts an analyst needs come out, traceable to the text."""
import json

import pytest

from conftest import ROOT
from sitroom import cli, extract

REPORT = ROOT / "examples" / "reports" / "kharkiv-evacuation.txt"


@pytest.fixture(scope="module")
def record():
    return extract(REPORT.read_text(encoding="utf-8"), lang="fr")


@pytest.fixture(scope="module")
def text():
    return REPORT.read_text(encoding="utf-8")


def test_every_stage_ran_without_a_warning(record):
    assert record.warnings == []


def test_document_date_found_in_the_text(record):
    assert record.published == "2022-03-08"
    assert record.date_source == "text" and record.published_in_text


def test_every_fact_points_back_to_its_words(record, text):
    for field in ("times", "places", "figures", "actors"):
        assert getattr(record, field), field
        for fact in getattr(record, field):
            assert text[fact.start:fact.end] == fact.text, (field, fact)
    assert record.quotes
    for quote in record.quotes:
        assert text[quote.start] in "«“\""


def test_key_facts(record):
    assert {"2022-03-08", "2022-03-07TEV", "2022-03-10"} <= {t.value for t in record.times}
    kharkiv = [p for p in record.places if p.text == "Kharkiv"]
    assert kharkiv and kharkiv[0].country == "UA" and abs(kharkiv[0].lat - 49.98) < 0.2
    evacuated = [f for f in record.figures if f.low == 2300]
    assert evacuated and evacuated[0].action == "evacuated" and evacuated[0].qualifier == "approx"
    assert "préfecture" in (evacuated[0].source or "")
    assert any(q.speaker == "Olena" for q in record.quotes)
    assert any(e.type == "evacuation" and e.place == "Kharkiv" and e.date == "2022-03-08" for e in record.events)
    assert any(e.status == "planned" for e in record.events)


def test_events_carry_plover_and_acled_codes(record):
    attack = next(e for e in record.events if e.type == "attack")
    assert attack.plover and attack.acled


@pytest.mark.parametrize("fmt, marker", [("table", "figures ("), ("md", "### Figures")])
def test_human_formats(capsys, fmt, marker):
    assert cli.main(["extract", str(REPORT), "--format", fmt]) == 0
    assert marker in capsys.readouterr().out


def test_json_record_uses_contract_field_names(capsys):
    assert cli.main(["extract", str(REPORT)]) == 0
    record = json.loads(capsys.readouterr().out)
    assert {"times", "places", "figures", "quotes", "events", "published"} <= set(record)
    assert {"text", "start", "end", "low", "high", "qualifier", "action", "group", "status", "source"} <= set(record["figures"][0])


def test_line_breaks_end_sentences_and_keep_a_dateline_whole(nlp):
    doc = nlp("Soudan : la trêve rompue\n\nPublié le jeudi 4 mai 2023 à 10h15\n\n"
              "08h40 – Les combats reprennent à Omdourman. L'armée dément.")
    sentences = [s.text.strip() for s in doc.sents if s.text.strip()]
    assert sentences[0] == "Soudan : la trêve rompue"
    assert sentences[1] == "Publié le jeudi 4 mai 2023 à 10h15"
    assert "Les combats reprennent à Omdourman." in sentences
