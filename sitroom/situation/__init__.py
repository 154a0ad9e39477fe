"""sitroom situation: many reports in a store, one picture of the crisis out.

    from sitroom.situation import Store, ingest
    with Store("sitroom.db") as store:           # or Store("postgresql://host/db")
        result = ingest(["reports/", "feed.xml"], store)
        store.events(type="displacement", since="2024-02-01")   # list of dicts
        store.figures_frame(action="killed")                     # pandas DataFrame
"""
from .ingest import IngestResult, Item, ingest, ingest_items, read_items
from .store import DEFAULT_DB, SCHEMA_VERSION, Store, content_hash

__all__ = ["Store", "ingest", "ingest_items", "read_items", "Item", "IngestResult",
           "content_hash", "DEFAULT_DB", "SCHEMA_VERSION"]
