"""The pipeline's structure: facts stored as spans and plain data, stage failures as warnings."""
import json
import logging
import tomllib
from importlib import import_module

import pytest
import spacy
from spacy.language import Language
from spacy.tokens import DocBin
from thinc.api import ConfigValidationError

from conftest import ROOT
from sitroom import cli, extensions
from sitroom.extensions import FIELDS
from sitroom.extract import extract, make_doc, to_record
from sitroom.models import Place, Time

REPORT = ROOT / "examples" / "reports" / "kharkiv-evacuation.txt"


@pytest.fixture(scope="module")
def text():
    return REPORT.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def doc(nlp, text):
    return nlp(make_doc(text, lang="fr"))


def test_every_stage_finds_facts_in_the_report(doc):
    """The report has facts of every kind, so the tests below compare something."""
    assert doc._.warnings == []
    assert all(doc.spans[extensions.key(field)] for field in FIELDS)


@pytest.mark.parametrize("text", ["", " ", "\n\n", "«", "« »", "42", "Le 31 février.", "à à à"])
def test_odd_input_makes_no_stage_fail(nlp, text):
    assert nlp(make_doc(text, "2024-01-01", lang="fr"))._.warnings == []


def test_facts_are_plain_data_on_token_aligned_spans(doc):
    for field in FIELDS:
        spans = doc.spans[extensions.key(field)]
        models = getattr(doc._, field)
        assert len(spans) == len(models) > 0
        for span, model in zip(spans, models):
            assert span._.fact == model.model_dump(mode="json")
            assert span.label_ == field
            assert span.start_char <= model.start and model.end <= span.end_char
            assert span.start_char == doc[span.start].idx


def test_doc_to_bytes_and_docbin_round_trip(nlp, doc):
    """spaCy's E871 came from pydantic objects on doc._: now a doc serialises."""
    stored = DocBin(store_user_data=True)
    stored.add(doc)
    back = next(DocBin(store_user_data=True).from_bytes(stored.to_bytes()).get_docs(nlp.vocab))
    assert to_record(back) == to_record(doc) and to_record(doc).quotes
    for field in FIELDS:
        key = extensions.key(field)
        assert [(s.start, s.end, json.dumps(s._.fact)) for s in back.spans[key]] == \
               [(s.start, s.end, json.dumps(s._.fact)) for s in doc.spans[key]]


def test_pipe_in_two_processes_gives_the_same_docs(nlp):
    texts = ["Mardi, trois civils ont été tués à Kharkiv, selon le maire.",
             "« Nous partirons demain », a déclaré Olena. Deux mille personnes ont été évacuées vers Lviv."]
    alone = [to_record(d) for d in nlp.pipe(make_doc(t, "2022-03-08", lang="fr") for t in texts)]
    two = [to_record(d) for d in nlp.pipe((make_doc(t, "2022-03-08", lang="fr") for t in texts), n_process=2)]
    assert two == alone and alone[1].figures and alone[1].quotes


def test_setting_facts_stores_them_as_spans(nlp):
    doc = nlp.make_doc("Le 3 mai à Kharkiv.")
    doc._.times = [Time(text="3 mai", start=3, end=8, value="2022-05-03", type="DATE")]
    doc._.places = [{"text": "Kharkiv", "start": 11, "end": 18}]
    assert [s.text for s in doc.spans["sitroom_times"]] == ["3 mai"]
    assert doc._.places == [Place(text="Kharkiv", start=11, end=18)]
    assert doc._.events == []


def test_extract_in_two_processes_prints_what_one_prints(capsys):
    reports = sorted(str(p) for p in (ROOT / "examples" / "reports").glob("*.txt"))
    outputs = []
    for n in ("1", "2"):
        assert cli.main(["extract", *reports, "--format", "jsonl", "--processes", n]) == 0
        outputs.append(capsys.readouterr().out)
    records = [json.loads(line) for line in outputs[0].splitlines()]
    assert len(records) == len(reports) >= 3
    assert all(r["times"] and r["quotes"] and r["events"] and not r["warnings"] for r in records)
    assert outputs[1] == outputs[0]


def test_a_failing_stage_becomes_a_warning_on_its_record(nlp, text, monkeypatch, caplog, capsys):
    def boom(doc, lang):
        raise RuntimeError("odd parse")
    monkeypatch.setattr(nlp.get_pipe("sitroom_quotes"), "find", boom)
    monkeypatch.setattr(logging.getLogger("sitroom"), "handlers", [])    # as if no CLI had run here
    with caplog.at_level(logging.WARNING, logger="sitroom"):
        record = extract(text, lang="fr")
    assert record.quotes == []
    [warning] = record.warnings
    assert "[SR201]" in warning and "sitroom_quotes" in warning and "RuntimeError: odd parse" in warning
    assert [r.getMessage() for r in caplog.records if r.name == "sitroom"] == [warning]
    assert record.times and record.places and record.figures and record.actors and record.events
    assert capsys.readouterr() == ("", "")         # the library logs, it does not print


def test_a_stage_needing_a_failed_one_runs_without_its_facts(nlp, text, monkeypatch):
    def boom(doc, lang):
        raise KeyError("value")
    monkeypatch.setattr(nlp.get_pipe("sitroom_times"), "find", boom)
    record = extract(text, lang="fr")
    assert record.times == [] and "sitroom_times" in record.warnings[0]
    assert record.figures and record.events


def test_the_cli_shows_a_failed_stage(nlp, monkeypatch, capsys):
    def boom(doc, lang):
        raise RuntimeError("odd parse")
    monkeypatch.setattr(nlp.get_pipe("sitroom_actors"), "find", boom)
    assert cli.main(["extract", str(REPORT), "--format", "jsonl"]) == 0
    out, err = capsys.readouterr()
    assert "sitroom_actors" in err and "[SR201]" in out and '"actors":[]' in out


def test_factories_need_an_explicit_language():
    with pytest.raises(ConfigValidationError, match="missing required argument: 'lang'"):
        spacy.blank("fr").add_pipe("sitroom_times")
    assert spacy.blank("fr").add_pipe("sitroom_times", config={"lang": "fr"}).lang == "fr"


def test_entry_points_name_every_factory():
    """pyproject's spacy_factories entry points resolve, one per sitroom component."""
    points = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["entry-points"]["spacy_factories"]
    for name, target in points.items():
        module, _, attr = target.partition(":")
        assert callable(getattr(import_module(module), attr)) and Language.has_factory(name)
    registered = {name for name in Language.factories if name.startswith("sitroom_")}
    assert set(points) == registered
