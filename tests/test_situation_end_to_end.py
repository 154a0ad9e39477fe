"""Issue 3, end to end: many reports ingested into a real store give one reconciled picture.

The store gets our own crisis told by five outlets (tests/data/situation_reconcile) and,
when ../shared is here, the seed and development reports of other crises. Then the
picture is checked, and the report and exports are written through the command line.
"""
import json

import pytest

from conftest import DATA, SHARED
from sitroom import cli
from sitroom.situation import Store, ingest
from sitroom.situation.reconcile import reconcile

ITURI = DATA / "situation_reconcile"


def _write_batch(path):
    """One JSONL of {text, url, source, published, title}: our crisis, plus shared examples if present."""
    lines = []
    for line in (ITURI / "meta.jsonl").read_text(encoding="utf-8").splitlines():
        meta = json.loads(line)
        lines.append(dict(text=(ITURI / meta["file"]).read_text(encoding="utf-8"), url=meta["url"],
                          source=meta["source"], published=meta["published"], title=meta["title"]))
    shared = []
    for gold_file in sorted((SHARED / "examples").glob("*/gold.jsonl")) if (SHARED / "examples").is_dir() else []:
        for g in map(json.loads, gold_file.read_text(encoding="utf-8").splitlines()):
            text = (gold_file.parent / f"{g['id']}.txt").read_text(encoding="utf-8")
            lines.append(dict(text=text, url=f"https://shared.example/{g['id']}", source=g["id"],
                              published=g["published"]))
            shared.append(g["id"])
    path.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n", encoding="utf-8")
    return shared


@pytest.fixture(scope="module")
def store_path(tmp_path_factory):
    folder = tmp_path_factory.mktemp("situation")
    batch = folder / "reports.jsonl"
    shared = _write_batch(batch)
    db = folder / "sitroom.db"
    with Store(db) as store:
        result = ingest([batch], store, progress=False)
        assert result.ok and result.extracted == 6 + len(shared)
        again = ingest([batch], store, progress=False)          # idempotent by content hash
        assert again.added == 0
    return db


@pytest.fixture(scope="module")
def situation(store_path):
    with Store(store_path) as store:
        return reconcile(store.sourced())


def test_one_attack_told_by_several_outlets_is_one_event(situation):
    attacks = [e for e in situation.events if e.type == "attack" and e.country == "CD"
               and any(m.report_id for m in e.mentions)]
    biggest = max(attacks, key=lambda e: len(e.reports))
    assert len(biggest.reports) >= 3 and len(biggest.sources) >= 3


def test_reports_of_different_crises_never_merge(situation, store_path):
    with Store(store_path) as store:
        shared_ids = {str(r["id"]) for r in store.reports() if (r.get("url") or "").startswith("https://shared.")}
    for event in situation.events:
        assert len(set(event.reports) & shared_ids) <= 1, (event.type, event.place, event.reports)


def test_conflicting_tolls_side_by_side_with_their_sources(situation):
    killed = [g for g in situation.figures if g.action == "killed" and g.country == "CD"
              and len({c.report_id for c in g.claims}) >= 2]
    assert killed
    claims = max(killed, key=lambda g: len(g.claims)).claims
    assert len({c.source for c in claims}) >= 2 and len({(c.low, c.high) for c in claims}) >= 2
    assert any(c.superseded_by for c in claims)          # an earlier toll replaced, still listed


def test_report_and_exports_through_the_command_line(store_path, tmp_path, capsys):
    md, html, geojson, hxl = (tmp_path / n for n in ("report.md", "report.html", "events.geojson", "events.csv"))
    assert cli.main(["report", "--db", str(store_path), "--out", str(md)]) == 0
    assert cli.main(["report", "--db", str(store_path), "--format", "html", "--out", str(html)]) == 0
    assert cli.main(["export", "--db", str(store_path), "--format", "geojson", "--out", str(geojson)]) == 0
    assert cli.main(["export", "--db", str(store_path), "--format", "hxl", "--out", str(hxl)]) == 0
    assert "Bunia" in md.read_text(encoding="utf-8")
    assert html.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    collection = json.loads(geojson.read_text(encoding="utf-8"))
    assert collection["type"] == "FeatureCollection" and collection["features"]
    located = [f for f in collection["features"] if f["geometry"] is not None]   # null: unlocated (RFC 7946)
    assert located
    for feature in located:
        assert feature["geometry"]["type"] == "Point"
        lon, lat = feature["geometry"]["coordinates"]
        assert -180 <= lon <= 180 and -90 <= lat <= 90
    hxl_lib = pytest.importorskip("hxl")
    rows = list(hxl_lib.data(str(hxl), hxl_lib.InputOptions(allow_local=True)))
    assert rows and any(r.get("#loc+name") == "Bunia" for r in rows)


def test_no_event_joins_reports_of_different_places(situation):
    """The mentions of a merged event name places within the merging distance of each other, or
    none; a placeless mention joins only its own report's event."""
    from sitroom.evaluate import km
    from sitroom.gazetteer import gazetteer
    from sitroom.situation.reconcile import NEAR_KM
    for event in situation.events:
        places = {m.place for m in event.mentions if m.place}
        points = [{"lat": p.lat, "lon": p.lon} for p in map(gazetteer().find, places) if p]
        assert len(places) <= 1 or (len(points) == len(places) and
                                     max(km(a, b) for a in points for b in points) <= NEAR_KM), (event.id, places)
        placed = {m.report_id for m in event.mentions if m.place}
        for m in event.mentions:
            assert m.place or not placed or m.report_id in placed, (event.id, m.report_id)


def test_every_claim_names_its_outlet(situation):
    voices = [c for g in situation.figures for c in g.claims]
    assert voices and all(c.source and not c.source.isdigit() for c in voices)
