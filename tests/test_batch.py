"""sitroom batch: shards written atomically, a killed run resumed, a Dask cluster."""
import glob
import json
import os
import signal
import subprocess
import sys
import time

import pytest

from sitroom.situation import Store, ingest
from sitroom.situation.batch import batch
from situation_corpus import SITUATION, write_reports

SITROOM = [sys.executable, "-m", "sitroom.cli"]


def test_shards_manifest_and_ingest_of_the_output(tmp_path, nlp):
    out = tmp_path / "out"
    result = batch([SITUATION], out, workers=0, shard_size=3, progress=False)
    assert (result.shards, result.done, result.reports) == (3, 3, 8)
    lines = [json.loads(line) for f in sorted(out.glob("shard-*.jsonl")) for line in f.open(encoding="utf-8")]
    assert len(lines) == 8
    assert {line["status"] for line in lines} == {"extracted", "unreadable_language"}
    manifest = json.loads((out / "manifest.json").read_text())
    assert sorted(manifest["shards"]) == ["shard-00000", "shard-00001", "shard-00002"]
    pytest.importorskip("pyarrow")
    import pandas as pd
    events = pd.concat(pd.read_parquet(f) for f in sorted(out.glob("*.events.parquet")))
    assert len(events) > 0 and {"type", "date", "place", "outlet"} <= set(events.columns)
    # the shards load into a store without extracting again; the wire copy is still linked
    with Store(tmp_path / "s.db") as store:
        loaded = ingest(sorted(out.glob("shard-*.jsonl")), store, progress=False)
        assert (loaded.added, loaded.extracted, loaded.duplicates, loaded.unreadable) == (8, 6, 1, 1)
        copy = events["report"].str.endswith("wire-lavigie.html")       # batch does not deduplicate
        assert store.counts()["events"] == len(events[~copy])


def test_a_killed_run_resumes_without_redoing_finished_shards(tmp_path, nlp):
    corpus = tmp_path / "corpus.jsonl"
    write_reports(corpus, 16)
    out = tmp_path / "out"
    run = subprocess.Popen(SITROOM + ["batch", str(corpus), "--out", str(out), "--workers", "1",
                                      "--shard-size", "2"],
                           stderr=subprocess.DEVNULL, start_new_session=True)
    first = out / "shard-00000.jsonl"
    deadline = time.time() + 240
    while time.time() < deadline and run.poll() is None and not first.exists():
        time.sleep(0.02)
    os.killpg(run.pid, signal.SIGKILL)                  # the driver and its worker, as in a crash
    assert run.wait() == -signal.SIGKILL, "the batch ended before it could be killed"
    finished = sorted(out.glob("shard-*.jsonl"))
    assert 1 <= len(finished) < 8
    stamps = {f.name: f.stat().st_mtime_ns for f in finished}
    result = batch([corpus], out, workers=0, shard_size=2, progress=False)
    assert result.shards == 8 and result.skipped >= len(finished) and result.done == 8 - result.skipped
    assert {f.name: f.stat().st_mtime_ns for f in finished} == stamps      # not rewritten
    assert len(list(out.glob("shard-*.jsonl"))) == 8 and not list(out.glob(".*tmp-*"))
    again = batch([corpus], out, workers=0, shard_size=2, progress=False)
    assert (again.done, again.skipped) == (0, 8)


def test_batch_on_a_dask_cluster(tmp_path, nlp):
    distributed = pytest.importorskip("dask.distributed")
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        result = batch([SITUATION], tmp_path / "out", dask=client, shard_size=4, progress=False)
        assert (result.shards, result.done, result.reports) == (2, 2, 8)
        again = batch([SITUATION], tmp_path / "out", dask=cluster.scheduler_address, shard_size=4,
                      progress=False)
        assert (again.done, again.skipped) == (0, 2)
    lines = [line for f in (tmp_path / "out").glob("shard-*.jsonl") for line in f.open(encoding="utf-8")]
    assert len(lines) == 8


def test_a_dask_cluster_gets_its_shards_with_bounded_look_ahead(tmp_path, nlp):
    """Issue 10: the Dask path submitted every shard (and held them all) before collecting any."""
    distributed = pytest.importorskip("dask.distributed")
    corpus = tmp_path / "corpus.jsonl"
    write_reports(corpus, 7)
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        result = batch([corpus], tmp_path / "out", dask=client, shard_size=1, progress=False)
    assert (result.shards, result.done) == (7, 7)
    assert result.most_in_flight == 2                   # two per worker thread


def test_another_input_into_the_same_out_is_refused_unless_overwrite(tmp_path, nlp):
    """Issue 10 D: a shorter input used to leave the old run's last shards behind."""
    longer, shorter, out = tmp_path / "longer.jsonl", tmp_path / "shorter.jsonl", tmp_path / "out"
    write_reports(longer, 6)
    write_reports(shorter, 4)                                  # the same first 4 reports
    assert batch([longer], out, workers=0, shard_size=2, progress=False).shards == 3
    manifest = json.loads((out / "manifest.json").read_text())
    [identity] = manifest["input"]
    assert identity["path"] == str(longer) and identity["size"] == longer.stat().st_size
    assert len(identity["sha256"]) == 64
    refused = subprocess.run(SITROOM + ["batch", str(shorter), "--out", str(out), "--workers", "0",
                                        "--shard-size", "2"], capture_output=True, text=True)
    assert refused.returncode == 2 and len(refused.stderr.strip().splitlines()) == 1, refused.stderr
    assert "another input (longer.jsonl" in refused.stderr and "--overwrite" in refused.stderr
    assert len(list(out.glob("shard-*.jsonl"))) == 3                     # untouched
    result = batch([shorter], out, workers=0, shard_size=2, progress=False, overwrite=True)
    assert (result.shards, result.done, result.skipped) == (2, 2, 0)
    lines = [line for f in out.glob("shard-*.jsonl") for line in f.open(encoding="utf-8")]
    assert len(lines) == 4 and not list(out.glob("shard-00002*"))
    assert json.loads((out / "manifest.json").read_text())["input"][0]["path"] == str(shorter)


def _children(pid: int) -> list[int]:
    """The pids whose parent is ``pid`` (from /proc)."""
    found = []
    for stat in glob.glob("/proc/[0-9]*/stat"):
        try:
            with open(stat) as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.split("/")[2]))
    return found


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_workers_exit_when_their_driver_is_killed(tmp_path):
    """Issue 10 E: kill -9 of the driver alone; its workers must not stay blocked forever."""
    corpus = tmp_path / "corpus.jsonl"
    write_reports(corpus, 8)
    run = subprocess.Popen(SITROOM + ["batch", str(corpus), "--out", str(tmp_path / "out"), "--workers", "2",
                                      "--shard-size", "2"],
                           stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline, workers = time.time() + 120, []
        while time.time() < deadline and run.poll() is None and len(workers) < 2:
            workers = [p for p in _children(run.pid)
                       if "spawn_main" in open(f"/proc/{p}/cmdline").read()]
            time.sleep(0.05)
        assert len(workers) == 2, "the workers did not start"
        time.sleep(1.0)                                       # into their initializer
        os.kill(run.pid, signal.SIGKILL)
        assert run.wait() == -signal.SIGKILL
        deadline = time.time() + 30
        while time.time() < deadline and any(_alive(p) for p in workers):
            time.sleep(0.1)
        assert not any(_alive(p) for p in workers), "orphaned workers"
    finally:
        try:
            os.killpg(run.pid, signal.SIGKILL)                # whatever is left of the group
        except ProcessLookupError:
            pass
