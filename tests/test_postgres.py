"""The store on a real PostgreSQL server: a throwaway cluster started for this test module.

Needs Debian's PostgreSQL server binaries (package postgresql) and psycopg; skipped where
they are absent. As root, the cluster runs as the `postgres` system user.
"""
import glob
import os
import shutil
import socket
import subprocess
import sys
import tempfile

import pytest

from conftest import DATA, ROOT

psycopg = pytest.importorskip("psycopg")
BIN = sorted(glob.glob("/usr/lib/postgresql/*/bin"))[-1:] or [None]
BIN = BIN[0]
pytestmark = pytest.mark.skipif(BIN is None or not os.path.exists(f"{BIN}/initdb"),
                                reason="PostgreSQL server binaries are not installed")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_owner(cmd: list[str]) -> list[str]:
    if os.geteuid() == 0:                      # initdb refuses root: run as the postgres user
        return ["runuser", "-u", "postgres", "--", *cmd]
    return cmd


@pytest.fixture(scope="module")
def pg_url():
    folder = tempfile.mkdtemp(prefix="sitroom-pg-")
    data = os.path.join(folder, "data")
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    port = _free_port()
    subprocess.run(_as_owner([f"{BIN}/initdb", "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8"]),
                   check=True, capture_output=True)
    subprocess.run(_as_owner([f"{BIN}/pg_ctl", "-D", data, "-w", "-l", os.path.join(folder, "log"),
                              "-o", f"-p {port} -k {folder} -c listen_addresses=''", "start"]),
                   check=True, capture_output=True)
    try:
        yield f"postgresql+psycopg://postgres@/postgres?host={folder}&port={port}"
    finally:
        subprocess.run(_as_owner([f"{BIN}/pg_ctl", "-D", data, "-m", "immediate", "stop"]), capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)


def test_ingest_query_and_reconcile_on_postgres(pg_url):
    from sitroom.situation import Store, ingest
    from sitroom.situation.reconcile import reconcile
    folder = DATA / "situation_reconcile"
    with Store(pg_url) as store:
        result = ingest(sorted(folder.glob("*.txt")), store, progress=False)
        assert result.ok and result.extracted == 6
        assert ingest(sorted(folder.glob("*.txt")), store, progress=False).added == 0   # idempotent
        assert store.counts()["events"] > 0
        attacks = store.events(type="attack")
        assert attacks and all(e["type"] == "attack" for e in attacks)
        assert store.figures(action="killed")
        situation = reconcile(store.sourced())
        assert any(len(e.reports) >= 2 for e in situation.events)


@pytest.fixture
def fresh_pg(pg_url, request):
    """A new, empty database on the test server; its URL."""
    import re
    name = "t_" + re.sub(r"\W", "_", request.node.name)[:40].lower()
    dsn = pg_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return pg_url.replace("/postgres?", f"/{name}?")


def _start(code: str, *args: str) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.Popen([sys.executable, "-c", code, *args], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_processes_opening_a_new_store_at_once_all_succeed(fresh_pg):
    """Issue 10 A: the migrations run under an advisory lock, so no process dies on pg_type."""
    code = ("import sys; from sitroom.situation import Store\n"
            "with Store(sys.argv[1]) as s: print(s.version)")
    runs = [_start(code, fresh_pg) for _ in range(6)]
    outcomes = [(run.wait(timeout=120), run.stdout.read().strip(), run.stderr.read()) for run in runs]
    from sitroom.situation import SCHEMA_VERSION, Store
    assert [(rc, out) for rc, out, _ in outcomes] == [(0, str(SCHEMA_VERSION))] * 6, outcomes
    with Store(fresh_pg) as store:
        assert store.version == SCHEMA_VERSION


def test_an_ingest_racing_the_leftovers_step_stores_every_report_once(fresh_pg, tmp_path):
    """Issue 10 B: an ingest, a second ingest of the same file and a process running the
    leftovers step in a loop (as `sitroom serve` did on every POST), all at once."""
    from situation_corpus import write_reports
    corpus = tmp_path / "corpus.jsonl"
    n = 24
    write_reports(corpus, n)
    ingest = ("import sys; from sitroom.situation import Store, ingest\n"
              "with Store(sys.argv[1]) as s:\n"
              "    r = ingest([sys.argv[2]], s, progress=False, batch_size=4)\n"
              "    print(r.extracted + r.resumed)")
    leftovers = ("import sys, time; from sitroom.situation import Store, ingest_items\n"
                 "done, deadline = 0, time.time() + 400\n"
                 "with Store(sys.argv[1]) as s:\n"
                 "    while time.time() < deadline:\n"
                 "        done += ingest_items([], s, progress=False, batch_size=4).resumed\n"
                 "        c = s.counts()\n"
                 f"        if c['reports'] >= {n} and c['pending'] == 0: break\n"
                 "        time.sleep(0.05)\n"
                 "print(done)")
    runs = [_start(ingest, fresh_pg, str(corpus)), _start(ingest, fresh_pg, str(corpus)),
            _start(leftovers, fresh_pg)]
    outcomes = [(run.wait(timeout=600), run.stdout.read().strip(), run.stderr.read()) for run in runs]
    assert [rc for rc, _, _ in outcomes] == [0, 0, 0], outcomes
    assert not any("IntegrityError" in err for _, _, err in outcomes)
    from sitroom.situation import Store
    with Store(fresh_pg) as store:
        counts = store.counts()
        assert (counts["reports"], counts["pending"], counts["failed"]) == (n, 0, 0)
        assert counts["extracted"] + counts["duplicate"] + counts["unreadable_language"] == n
        assert len(list(store.records())) == counts["extracted"]
        assert sum(int(out) for _, out, _ in outcomes) == counts["extracted"]     # each saved once
    assert outcomes[2][1] == "0", "the leftovers step took reports a live ingest held"


def test_threads_saving_one_pending_report_at_once_save_it_once(fresh_pg):
    """Issue 10 B: the save is a guarded UPDATE, not a check then an INSERT."""
    import threading
    from sitroom.models import Record
    from sitroom.situation import Store
    with Store(fresh_pg) as store:
        for n in range(20):
            rid = store.add_report(f"Rapport {n} sur le cyclone.")
            start, saved = threading.Barrier(2), []

            def save():
                start.wait()
                saved.append(store.save_record(rid, Record(published="2024-02-13")))
            threads = [threading.Thread(target=save) for _ in range(2)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            assert sorted(saved) == [False, True], n
