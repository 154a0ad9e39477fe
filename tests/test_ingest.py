"""Ingest: files, folders, HTML, feeds, JSONL into a store; bad input; crashes and concurrency."""
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sitroom.cli import main
from sitroom.situation import Store, ingest
from situation_corpus import SITUATION, write_reports

SITROOM = [sys.executable, "-m", "sitroom.cli"]
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
       b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")


@pytest.fixture(scope="module")
def crisis(tmp_path_factory, nlp):
    """Our own reports about one cyclone, from several outlets, ingested once."""
    path = tmp_path_factory.mktemp("crisis") / "crisis.db"
    store = Store(path)
    result = ingest([SITUATION], store, progress=False)
    yield store, result
    store.close()


def by_origin(store, suffix):
    [row] = [r for r in store.reports(text=True) if r["origin"].endswith(suffix)]
    return row


def test_every_kind_of_input_is_stored(crisis):
    store, result = crisis
    assert (result.added, result.extracted, result.duplicates, result.unreadable, result.skipped) == (8, 6, 1, 1, 0)
    entry = by_origin(store, "feed.xml#2")
    assert entry["source"] == "Radio Atsinanana Info" and entry["published"] == "2024-02-15"
    assert entry["url"].endswith("/fenoarivo") and entry["text"].startswith("Fenoarivo Atsinanana toujours")
    page = by_origin(store, "wire-lavigie.html")
    assert page["published"] == "2024-02-13" and "La Vigie" not in page["text"]     # main text only
    line = by_origin(store, "reports.jsonl:1")
    assert (line["source"], line["published"], line["status"]) == ("Santé Mada", "2024-02-16", "extracted")
    assert store.counts()["events"] > 0 and store.counts()["figures"] > 0


def test_a_report_without_date_is_stored_with_a_null_date(crisis):
    store, _ = crisis
    row = by_origin(store, "courrier-ocean-indien.txt")
    assert row["status"] == "extracted" and row["published"] is None


def test_a_wire_copy_is_linked_to_its_first_copy_and_not_extracted(crisis):
    store, _ = crisis
    first, copy = by_origin(store, "wire-echos-du-sud.txt"), by_origin(store, "wire-lavigie.html")
    assert copy["status"] == "duplicate" and copy["dup_of"] == first["id"]
    assert store.record(copy["id"]) is None and store.events(report_id=copy["id"]) == []


def test_a_report_in_another_language_is_stored_and_flagged(crisis):
    store, _ = crisis
    row = by_origin(store, "reports.jsonl:3")
    assert row["status"] == "unreadable_language" and row["language"] is None
    assert store.record(row["id"]) is None


def test_ingesting_again_changes_nothing(crisis):
    store, _ = crisis
    before = store.counts()
    again = ingest([SITUATION], store, progress=False)
    assert (again.added, again.already, again.ok) == (0, 8, True)
    assert store.counts() == before


def test_malformed_feed_and_html_are_skipped_with_one_line(tmp_path, capsys):
    (tmp_path / "broken.xml").write_text("<?xml version='1.0'?><rss><channel><titl>oups", encoding="utf-8")
    (tmp_path / "empty.html").write_text("<html><body><div><p>\n<script>var x;</script></div>", encoding="utf-8")
    with Store(tmp_path / "s.db") as store:
        result = ingest([tmp_path / "broken.xml", tmp_path / "empty.html"], store, progress=False)
        assert store.counts()["reports"] == 0
    lines = capsys.readouterr().err.strip().splitlines()
    assert result.skipped == 2 and not result.ok and len(lines) == 2
    assert "broken.xml" in lines[0] and "feed" in lines[0]
    assert "empty.html" in lines[1]


def test_a_folder_with_an_image_and_a_bad_jsonl_line(tmp_path, capsys, nlp):
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    (folder / "photo.png").write_bytes(PNG)
    (folder / "sub" / "lines.jsonl").write_text(
        '{"url": "https://x.example/no-text"}\nnot json at all\n'
        '{"text": "Inondations : la préfecture a évacué 300 habitants du quartier des Tanneurs dans la nuit de mardi.", '
        '"source": "Le Veilleur", "published": "2024-03-05"}\n', encoding="utf-8")
    with Store(tmp_path / "s.db") as store:
        result = ingest([folder], store, progress=False)
        assert (result.added, result.extracted, result.skipped) == (1, 1, 3)
        assert store.reports()[0]["source"] == "Le Veilleur"
    err = capsys.readouterr().err
    assert err.count("\n") == 3
    assert "photo.png" in err and "lines.jsonl:1" in err and "lines.jsonl:2" in err


def test_the_command_fails_only_when_nothing_could_be_ingested(tmp_path):
    (tmp_path / "photo.png").write_bytes(PNG)
    assert main(["ingest", str(tmp_path), "--db", str(tmp_path / "s.db"), "--quiet"]) == 1


def _rows(db):
    con = sqlite3.connect(db)
    try:
        return dict(reports=con.execute("SELECT count(*), count(DISTINCT sha256) FROM reports").fetchone(),
                    records=con.execute("SELECT count(*), count(DISTINCT report_id) FROM records").fetchone(),
                    extracted=con.execute("SELECT count(*) FROM reports WHERE status='extracted'").fetchone()[0],
                    pending=con.execute("SELECT count(*) FROM reports WHERE status='pending'").fetchone()[0],
                    events=con.execute("SELECT count(*), count(DISTINCT report_id || '-' || idx) FROM events").fetchone())
    finally:
        con.close()


def test_two_ingests_at_once_store_nothing_twice(tmp_path, nlp):
    """Two processes ingest the same 24 pre-extracted reports into one SQLite file at once."""
    from sitroom import extract_many
    texts = write_reports(tmp_path / "plain.jsonl", 24)
    lines = (tmp_path / "plain.jsonl").read_text(encoding="utf-8").splitlines()
    with open(tmp_path / "extracted.jsonl", "w", encoding="utf-8") as f:
        for line, record in zip(lines, extract_many([(None, t, None) for t in texts], lang="fr")):
            f.write(line[:-1] + ', "record": ' + record.model_dump_json() + "}\n")
    db = tmp_path / "shared.db"
    runs = [subprocess.Popen(SITROOM + ["ingest", str(tmp_path / "extracted.jsonl"), "--db", str(db), "--quiet"],
                             stderr=subprocess.PIPE, text=True) for _ in range(2)]
    errors = [run.communicate(timeout=300)[1] for run in runs]
    assert [run.returncode for run in runs] == [0, 0], errors
    rows = _rows(db)
    assert rows["reports"] == (24, 24) and rows["pending"] == 0
    assert rows["records"][0] == rows["records"][1] == rows["extracted"]
    assert rows["events"][0] == rows["events"][1]
    with Store(db) as store:
        counts = store.counts()
    assert counts["extracted"] + counts["duplicate"] == 24


def test_a_kill_9_mid_ingest_then_a_rerun_stores_every_report_once(tmp_path, nlp):
    texts = write_reports(tmp_path / "many.jsonl", 30)
    db = tmp_path / "killed.db"
    run = subprocess.Popen(SITROOM + ["ingest", str(tmp_path / "many.jsonl"), "--db", str(db),
                                      "--quiet", "--batch-size", "1"], stderr=subprocess.DEVNULL)
    deadline = time.time() + 240
    while time.time() < deadline and run.poll() is None:
        if db.exists() and _count_extracted(db) >= 3:
            break
        time.sleep(0.01)
    run.send_signal(signal.SIGKILL)
    assert run.wait() == -signal.SIGKILL, "the ingest ended before it could be killed"
    killed = _rows(db)
    assert 3 <= killed["extracted"] < len(texts)
    with Store(db) as store:
        result = ingest([tmp_path / "many.jsonl"], store, progress=False)
    rows = _rows(db)
    assert rows["reports"] == (len(texts), len(texts)) and rows["pending"] == 0
    assert rows["records"][0] == rows["records"][1] == rows["extracted"]
    assert result.already + result.added == len(texts)
    assert rows["events"][0] == rows["events"][1]


def _count_extracted(db):
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=0.05)
        try:
            return con.execute("SELECT count(*) FROM reports WHERE status='extracted'").fetchone()[0]
        finally:
            con.close()
    except sqlite3.Error:
        return 0


def test_every_report_skipped_for_its_language_is_named_on_stderr(tmp_path, capsys):
    """Issue 10, minor: the README promises a line on stderr for each of them."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "english.txt").write_text("The storm hit the coast on Tuesday night and thousands of people "
                                          "were evacuated from their homes by the authorities.", encoding="utf-8")
    (folder / "deutsch.txt").write_text("Der Sturm traf in der Nacht zum Dienstag die Küste, und Tausende "
                                          "Menschen wurden von den Behörden aus ihren Häusern evakuiert.",
                                          encoding="utf-8")
    with Store(tmp_path / "s.db") as store:
        result = ingest([folder], store, progress=False)
        assert (result.added, result.unreadable, result.skipped) == (2, 2, 0)
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 2 and "deutsch.txt" in lines[0] and "english.txt" in lines[1]
    assert all("not extracted" in line for line in lines)


def test_sigint_stops_an_ingest_with_one_line_and_status_130(tmp_path):
    """Issue 10, minor: SIGINT used to exit without a word."""
    write_reports(tmp_path / "many.jsonl", 30)
    db = tmp_path / "s.db"
    run = subprocess.Popen(SITROOM + ["ingest", str(tmp_path / "many.jsonl"), "--db", str(db), "--quiet"],
                           stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 120
    while time.time() < deadline and run.poll() is None and not db.exists():
        time.sleep(0.02)
    time.sleep(0.5)
    run.send_signal(signal.SIGINT)
    err = run.communicate(timeout=120)[1]
    assert run.returncode == 130, err
    assert err.strip().splitlines()[-1].startswith("sitroom: ingest: interrupted")
    assert "Traceback" not in err
