"""The situation store: schema, idempotence, flat tables and filters, near-duplicate index."""
import os
import sqlite3
import subprocess
import sys
import time

import pytest

from sitroom.models import Event, Figure, Record
from sitroom.situation import SCHEMA_VERSION, Store, content_hash
from sitroom.situation.dedup import DupIndex, signature, to_bytes
from conftest import DATA, ROOT

WIRE = DATA / "situation" / "wire-echos-du-sud.txt"


def _record(day="2024-02-13"):
    figures = [Figure(text="onze morts", start=0, end=10, low=11, high=11, action="killed", source="le BNGRC"),
               Figure(text="8 500 personnes", start=20, end=35, low=8500, high=8500, action="displaced")]
    events = [Event(type="disaster.storm", trigger="cyclone", start=40, end=47, sentence="…", date=day,
                    place="Toamasina", country="MG", lat=-18.15, lon=49.40, figures=[1])]
    return Record(published=day, date_source="given", figures=figures, events=events)


@pytest.fixture
def store(tmp_path):
    with Store(tmp_path / "s.db") as s:
        yield s


def test_schema_is_versioned_and_sqlite_runs_in_wal(store, tmp_path):
    assert store.version == SCHEMA_VERSION
    assert {"reports", "records", "events", "figures", "schema_version"} <= set(store.tables())
    with Store(tmp_path / "s.db") as again:                # reopening does not migrate twice
        assert again.version == SCHEMA_VERSION
    con = sqlite3.connect(tmp_path / "s.db")
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert con.execute("SELECT count(*) FROM schema_version").fetchone()[0] == SCHEMA_VERSION


def test_a_text_is_stored_once_whatever_its_spacing(store):
    first = store.add_report("Un cyclone a frappé Toamasina.", source="A")
    assert first is not None
    assert store.add_report("Un  cyclone a frappé\nToamasina. ", source="B") is None
    assert store.report_id(content_hash("Un cyclone a frappé Toamasina.")) == first
    assert store.counts()["reports"] == 1


def test_a_record_is_flattened_and_saved_once(store):
    rid = store.add_report("Le bilan du cyclone est de onze morts.", url="https://x.example/a")
    assert store.pending()[0]["id"] == rid
    assert store.save_record(rid, _record())
    assert not store.save_record(rid, _record())          # a second extraction is refused
    assert store.report(rid)["status"] == "extracted"
    assert store.record(rid).figures[0].low == 11
    counts = store.counts()
    assert (counts["extracted"], counts["events"], counts["figures"], counts["pending"]) == (1, 1, 2, 0)
    [(got_id, rec)] = list(store.records())
    assert got_id == rid and rec.events[0].place == "Toamasina"


def test_events_and_figures_filters(store):
    for n, day in enumerate(["2024-02-12", "2024-02-14"]):
        store.add_report(f"Rapport numéro {n} sur le cyclone.", source=f"outlet{n}", record=_record(day))
    assert len(store.events(type="disaster")) == 2                    # a prefix of the code
    assert len(store.events(type="disaster.storm", since="2024-02-13")) == 1
    assert len(store.events(until="2024-02-12")) == 1
    assert len(store.events(bbox=(49, -19, 50, -18))) == 2
    assert store.events(country="FR") == []
    killed = store.figures(action="killed")
    assert [f["low"] for f in killed] == [11, 11] and killed[0]["outlet"] == "outlet0"
    displaced = store.figures(action="displaced", since="2024-02-13")
    assert len(displaced) == 1 and displaced[0]["place"] == "Toamasina"       # from its event
    frame = store.figures_frame(action="displaced")
    assert list(frame["high"]) == [8500, 8500]
    assert store.reports(source="outlet1")[0]["published"] == "2024-02-14"


def test_a_report_without_date_keeps_a_null_date(store):
    rid = store.add_report("Un texte sans date.", record=Record())
    assert store.report(rid)["published"] is None


def test_near_duplicates_are_found_and_the_index_rebuilds_from_the_store(store):
    wire = WIRE.read_text(encoding="utf-8")
    copy = "Autre titre pour la même dépêche\n\n" + wire.split("\n", 2)[2] + "\nLu sur un autre site."
    other = (DATA / "situation" / "courrier-ocean-indien.txt").read_text(encoding="utf-8")
    first = store.add_report(wire, signature=to_bytes(signature(wire)))
    store.add_report(other, signature=to_bytes(signature(other)))
    index = DupIndex.from_store(store)
    assert len(index) == 2
    assert index.find(signature(copy)) == first
    assert index.find(signature("Une tout autre histoire, sans rapport avec la dépêche.")) is None


def test_sourced_hands_reconciliation_the_extracted_reports_only(store):
    store.add_report("Premier rapport sur le cyclone.", source="A", published="2024-02-12", record=_record())
    store.add_report("Copie du premier rapport sur le cyclone.", status="duplicate", dup_of=1)
    [item] = store.sourced()
    assert (item.report_id, item.source, item.date) == ("1", "A", "2024-02-12")
    assert item.record.events[0].type == "disaster.storm"


def test_a_store_of_schema_1_opens_migrated_and_its_pending_reports_stay_claimable(tmp_path):
    """Issue 10 B: the claim columns are added to an old store, nothing else changes."""
    path = tmp_path / "old.db"
    with Store(path) as s:
        rid = s.add_report("Un cyclone a frappé Toamasina.", source="A")
    con = sqlite3.connect(path)                          # back to what schema 1 wrote
    con.executescript("ALTER TABLE reports DROP COLUMN claimed_by; ALTER TABLE reports DROP COLUMN lease_until;"
                      "DELETE FROM schema_version WHERE version > 1;")
    con.close()
    with Store(path) as s:
        assert s.version == SCHEMA_VERSION == 2
        assert s.report(rid)["source"] == "A"
        assert [r["id"] for r in s.claim(s.claimant(), limit=5)] == [rid]


def test_a_claimed_report_is_extracted_by_its_holder_only(store):
    """Issue 10 B: claims, not check-then-act."""
    mine, other = store.claimant(), store.claimant()
    rid = store.add_report("Le bilan du cyclone est de onze morts.", claim=mine)
    assert store.claim(other, limit=5) == [] and store.claim(other, ids=[rid]) == []
    assert [r["id"] for r in store.claim(mine, ids=[rid])] == [rid]          # renewed
    assert not store.save_record(rid, _record(), claimant=other)
    assert store.save_record(rid, _record(), claimant=mine)
    assert not store.save_record(rid, _record(), claimant=mine)              # once only
    assert store.report(rid)["status"] == "extracted" and store.claim(other, limit=5) == []


def test_the_reports_of_a_killed_ingest_are_taken_over_at_once(tmp_path):
    """Issue 10 B: a process holding pending reports is killed -9; the next ingest on this
    host sees it gone and extracts them, while the reports of a live ingest are left to it."""
    from sitroom.situation import ingest_items
    db = tmp_path / "s.db"
    code = ("import sys, time; from sitroom.situation import Store\n"
            "s = Store(sys.argv[1]); me = s.claimant()\n"
            "for n in range(3): s.add_report(f'Un cyclone a frappé Toamasina, rapport {n}.', claim=me)\n"
            "print('held', flush=True); time.sleep(600)")
    run = subprocess.Popen([sys.executable, "-c", code, str(db)], stdout=subprocess.PIPE,
                           text=True, env=dict(os.environ, PYTHONPATH=str(ROOT)))
    try:
        assert run.stdout.readline().strip() == "held"
        with Store(db) as store:
            assert ingest_items([], store, progress=False).resumed == 0          # alive: its own
            assert store.counts()["pending"] == 3
    finally:
        run.kill()
        run.wait()
    with Store(db) as store:
        assert ingest_items([], store, progress=False).resumed == 3
        assert store.counts()["pending"] == 0


def test_the_claim_of_another_host_is_taken_over_when_its_lease_runs_out(tmp_path):
    lease = 1.0
    with Store(tmp_path / "s.db", lease=lease) as store:
        rid = store.add_report("Un cyclone a frappé Toamasina.", claim="elsewhere:1:abc")
        assert store.claim(store.claimant(), limit=5) == []
        time.sleep(lease + 0.2)
        mine = store.claimant()
        assert [r["id"] for r in store.claim(mine, limit=5)] == [rid]
        assert store.save_record(rid, _record(), claimant=mine)
        assert not store.save_record(rid, _record(), claimant="elsewhere:1:abc")
