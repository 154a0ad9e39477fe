"""Run the web application with uvicorn: `sitroom serve`."""
from __future__ import annotations

import os
import sys
import threading
import time
from pathlib import Path

from .security import Refused, check_bind, is_loopback

DEMO_DB = "sitroom-demo.db"


def demo_reports() -> list[Path]:
    """The example reports shipped with sitroom (examples/reports/*.txt), here or beside the package."""
    for root in (Path.cwd(), Path(__file__).resolve().parents[2]):
        found = sorted((root / "examples" / "reports").glob("*.txt"))
        if found:
            return found
    return []


def load_demo(db: str) -> str:
    """Ingest the example reports into ``db``; a one-line summary."""
    from ..situation import Store, ingest
    paths = demo_reports()
    if not paths:
        return "no example reports found (examples/reports/*.txt)"
    with Store(db) as store:
        return ingest(paths, store, progress=False).summary()


def serve(db: str, host: str = "127.0.0.1", port: int = 8000, token: str | None = None,
          allow_fetch: bool = False, max_upload: int | None = None, log_level: str = "warning") -> int:
    """Serve ``db`` until interrupted; prints the URL once the server listens. Exit status."""
    import uvicorn
    from .app import MAX_UPLOAD, create_app
    token = token if token is not None else (os.environ.get("SITROOM_TOKEN") or None)
    try:
        check_bind(host, token)
    except Refused as e:
        print(f"sitroom: serve: {e}", file=sys.stderr)
        return 2
    hosts = ["127.0.0.1", "localhost", "::1", "[::1]"] if is_loopback(host) else None
    app = create_app(db=db, token=token, allow_fetch=allow_fetch, max_upload=max_upload or MAX_UPLOAD,
                     allowed_hosts=hosts, warm=True)
    server = uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_level=log_level,
                                           server_header=False, timeout_graceful_shutdown=3))

    def announce():
        while not server.started and not server.should_exit:
            time.sleep(0.05)
        if server.started:
            shown = f"[{host}]" if ":" in host else host
            print(f"sitroom: serving {db} at http://{shown}:{port}/ (Ctrl-C to stop)", flush=True)

    threading.Thread(target=announce, daemon=True).start()
    server.run()
    return 0 if server.started else 1
