"""Exports: JSON, GeoJSON, ACLED-like CSV, HXL CSV (read back with libhxl), PLOVER JSON, DataFrames."""
import csv
import io
import json

import pytest

from sitroom.situation.export import ACLED_COLUMNS, FORMATS, export
from sitroom.situation.reconcile import Situation, reconcile

from test_reconcile import ituri  # noqa: F401  (fixture)


def test_json_round_trip(ituri):
    sit = reconcile(ituri)
    back = Situation.model_validate_json(export(sit, "json"))
    assert back.model_dump() == sit.model_dump()


def _valid_position(p):
    return len(p) == 2 and -180 <= p[0] <= 180 and -90 <= p[1] <= 90


def test_geojson_is_valid(ituri):
    data = json.loads(export(ituri, "geojson"))
    assert data["type"] == "FeatureCollection" and data["features"]
    for f in data["features"]:
        assert f["type"] == "Feature" and set(f) >= {"geometry", "properties"}
        g = f["geometry"]
        assert g is None or (g["type"] == "Point" and _valid_position(g["coordinates"]))
        assert {"type", "date", "status", "sources", "plover", "acled"} <= set(f["properties"])
    attack = next(f for f in data["features"] if f["properties"]["type"] == "attack"
                  and f["properties"]["place"] == "Bunia")
    assert attack["geometry"]["coordinates"] == [30.2522, 1.5594]
    assert attack["properties"]["plover"] == "ASSAULT" and attack["properties"]["killed"] == 21
    assert len(attack["properties"]["sources"]) == 4


def test_acled_csv(ituri):
    rows = list(csv.DictReader(io.StringIO(export(ituri, "csv"))))
    assert list(rows[0]) == ACLED_COLUMNS
    attack = next(r for r in rows if r["sub_event_type"] == "attack" and r["location"] == "Bunia")
    assert attack["event_type"] and attack["admin1"] == "Ituri" and attack["country"] == "CD"
    assert attack["fatalities"] == "21" and attack["event_id_cnty"].startswith("CD")   # lowest current toll
    assert [r["event_date"] for r in rows if r["event_date"]] == sorted(r["event_date"] for r in rows if r["event_date"])


def test_hxl_read_back_with_libhxl(ituri, tmp_path):
    hxl = pytest.importorskip("hxl")
    path = tmp_path / "situation.csv"
    path.write_text(export(ituri, "hxl"), encoding="utf-8")
    data = hxl.data(str(path), hxl.InputOptions(allow_local=True))
    tags = [c.display_tag for c in data.columns]
    for tag in ("#date", "#event+type", "#country+code", "#adm1+name", "#loc+name", "#geo+lat", "#geo+lon",
                "#affected+killed", "#affected+injured", "#affected+displaced", "#meta+source"):
        assert tag in tags
    rows = list(data)
    attack = next(r for r in rows if r.get("#event+type") == "attack" and r.get("#loc+name") == "Bunia")
    assert attack.get("#affected+killed") == "21" and attack.get("#adm1") == "Ituri"
    assert float(attack.get("#geo+lat")) == pytest.approx(1.5594)
    assert "Journal de Kinshasa" in attack.get("#meta+source")


def test_plover(ituri):
    events = json.loads(export(ituri, "plover"))
    meeting = next(e for e in events if e["context"] == ["meeting"] and e["mode"] == "postponed")
    assert meeting["event_type"] == "CONSULT" and meeting["location"]["name"] == "Djugu"
    assert {"event_type", "mode", "context", "actors", "date", "location", "source"} <= set(meeting)


def test_unknown_format(ituri):
    assert set(FORMATS) == {"json", "geojson", "csv", "hxl", "plover"}
    with pytest.raises(ValueError):
        export(ituri, "xlsx")


def test_frames(ituri):
    pytest.importorskip("pandas")
    from sitroom.situation.frames import events_frame, figures_frame
    ev = events_frame(ituri)
    assert ev.loc[ev["place"] == "Bunia"].shape[0] >= 3 and str(ev["date_start"].dtype).startswith("datetime64")
    fig = figures_frame(ituri)
    killed = fig[(fig.action == "killed") & (fig.place == "Bunia")]
    assert sorted(killed.low) == [7, 12, 21, 26] and killed.disputed.all()
    assert killed.superseded_by.notna().sum() == 2
