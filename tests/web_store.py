"""A small situation store for the web tests, built once per test process from our own reports."""
import json
import shutil
import tempfile
from functools import lru_cache
from pathlib import Path

WEB = Path(__file__).resolve().parent / "data" / "web"


def reports() -> list[dict]:
    return [json.loads(line) for line in (WEB / "reports.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]


def script_report() -> str:
    """A French report whose text carries a <script> and an <img onerror>: must never run."""
    return (WEB / "script.txt").read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def _built() -> Path:
    from sitroom.situation import Store, ingest_items
    path = Path(tempfile.mkdtemp(prefix="sitroom-web-")) / "store.db"
    with Store(path) as store:
        ingest_items(reports(), store, progress=False)
    return path


def store_copy(folder: Path) -> Path:
    """A fresh copy of the built store in ``folder`` (writes in one test leave the others alone)."""
    with __import__("sitroom.situation", fromlist=["Store"]).Store(_built()) as store:
        with store.engine.connect() as conn:                 # fold the WAL into the file first
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    target = Path(folder) / "store.db"
    shutil.copy(_built(), target)
    return target
