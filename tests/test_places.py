"""Places: table-driven from tests/data/places.jsonl, plus the gazetteer's disk cache."""
import json
from pathlib import Path

import pytest

from sitroom import gazetteer, places
from sitroom.gazetteer import key

CASES = [json.loads(line) for line in (Path(__file__).parent / "data" / "places.jsonl").open(encoding="utf-8")
         if line.strip()]


@pytest.mark.parametrize("case", CASES, ids=[c["text"][:40] for c in CASES])
def test_places(nlp, case):
    found = places.find(nlp(case["text"]), "fr")
    got = {(p.name, p.country) for p in found if p.resolved}
    for text, name, country in case["expect"]:
        assert (name, country) in got, f"{text!r} → {name} ({country}); got {sorted(got, key=str)}"
    expected = {(name, country) for _, name, country in case["expect"]}
    assert got <= expected, f"unexpected places: {got - expected}"
    assert [p.start for p in found] == sorted(p.start for p in found)


def test_neighbourhood_keeps_its_name(nlp):
    doc = nlp("Les bus ont quitté le quartier de Bab Zouhair pour rejoindre Homs, en Syrie.")
    site = next(p for p in places.find(doc, "fr") if p.text == "Bab Zouhair")
    assert site.name == "Homs" and site.within == "Bab Zouhair"


@pytest.mark.parametrize("text,name,country,level", [
    ("Des frappes ont visé le village de Kafr Zoubeir, dans la province d'Idleb.", "Kafr Zoubeir", "SY", "city"),
    ("Un séisme a secoué la province de Xandaria, dans l'ouest de la Chine.", "Xandaria", "CN", "admin1"),
], ids=["village-in-province", "province-in-country"])
def test_unknown_place_keeps_its_name_and_region(nlp, text, name, country, level):
    """A place no gazetteer knows stays in the record, in the region the text names."""
    place = next(p for p in places.find(nlp(text), "fr") if p.text == name)
    assert not place.resolved and (place.name, place.country, place.level) == (name, country, level)
    assert place.lat is not None


def test_odd_input(nlp):
    assert places.find(nlp(""), "fr") == []
    assert isinstance(places.find(nlp("!!! ... \n\n 12 34"), "fr"), list)


def test_keys():
    assert key("Douar N’Tifa") == key("douar n'tifa")
    assert key("El-Kelaâ") == "el kelaa"
    assert gazetteer.bare("al qaim") == "qaim"
    assert gazetteer.skeleton(key("Chakhtarsk")) == gazetteer.skeleton(key("Shakhtarsk"))


def test_cache_is_rebuilt_when_missing(tmp_path, monkeypatch):
    """A missing index is built (atomically) on first use, from a tiny stand-in of the sources."""
    src = tmp_path / "src"
    src.mkdir()
    (src / "cities500.json").write_text(json.dumps({"1": {
        "geonameid": 1, "name": "Alpha", "latitude": 1.0, "longitude": 2.0, "countrycode": "SY",
        "population": 5000, "admin1code": "01", "alternatenames": ["Alfa", "Аальфа"]}}), encoding="utf-8")
    (src / "countries.json").write_text(json.dumps({"SY": {"geonameid": 163843, "name": "Syria", "iso": "SY",
                                                           "population": 1, "capital": "Alpha"}}), encoding="utf-8")
    (src / "continents.json").write_text("{}", encoding="utf-8")
    monkeypatch.setattr(gazetteer, "SOURCE", src)
    monkeypatch.setenv("SITROOM_CACHE", str(tmp_path / "cache"))
    path = gazetteer.index_path()
    assert not path.exists()
    gaz = gazetteer.Gazetteer(path)
    assert [e.name for e in gaz.lookup("Alfa")] == ["Alpha"]
    assert path.exists() and not list(path.parent.glob("*.tmp"))
    path.unlink()
    assert gazetteer.Gazetteer(path).find("Syria").level == "country"
    assert path.exists()


def test_site_named_again_stays_in_its_city(nlp):
    doc = nlp("Les civils réfugiés dans l'usine Khimprom de Kharkiv ont été évacués vers Poltava. "
              "Les derniers évacués de Khimprom sont arrivés dimanche.")
    sites = [p for p in places.find(doc, "fr") if p.text == "Khimprom"]
    assert len(sites) == 2 and all(p.name == "Kharkiv" and p.within == "Khimprom" for p in sites)


def test_unknown_name_after_article_needs_a_site_noun(nlp):
    doc = nlp("Les festivaliers se sont retrouvés sur la Promenade Zénobie avant le concert à Beyrouth.")
    assert [p.text for p in places.find(doc, "fr")] == ["Beyrouth"]


def test_named_neighbourhood_lies_in_its_city(nlp):
    doc = nlp("Des obus sont tombés sur Kharkiv mardi. Le quartier de Saltivka, dans le nord-est de Kharkiv, "
              "a été le plus touché.")
    saltivka = next(p for p in doc._.places if p.text == "Saltivka")
    assert saltivka.name == "Saltivka" and saltivka.level == "below_city" and saltivka.city == "Kharkiv"
    assert any(e.place == "Kharkiv" for e in doc._.events)


def test_a_city_named_in_its_own_right_is_not_a_neighbourhood(nlp):
    doc = nlp("Les combats continuent à Irpin. Un soldat a été tué près du pont d'Irpin, "
              "selon l'armée, tandis que des familles fuient vers Kiev.")
    assert [(p.text, p.level, p.city) for p in doc._.places] == [("Irpin", "city", None)] * 2 + [("Kiev", "city", None)]
