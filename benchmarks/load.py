"""Load test of `sitroom serve`, on loopback only: many readers of /events while a writer posts reports.

    python benchmarks/load.py [--clients 50] [--requests 20] [--writes 6]

Starts the server in a subprocess on a free 127.0.0.1 port with a fresh store in a temporary
folder, seeds it with the web test reports, then runs ``--clients`` concurrent readers, each
making ``--requests`` GET /events calls (various filters and pages), while one writer POSTs
``--writes`` new reports. Prints the error count and the p50/p95/max read latency. Bounded:
clients x requests reads in all; the server is stopped at the end. Exit status 1 on any error.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "tests" / "data" / "web" / "reports.jsonl"
QUERIES = ["", "type=attack", "from=2025-02-10", "to=2025-02-28", "place=MZ", "bbox=-10,-30,40,25",
           "limit=3&offset=2", "source=Radio Zambeze", "type=displacement&from=2025-01-01"]
TOWNS = ["Tuléar", "Morondava", "Mahajanga", "Toamasina", "Fianarantsoa", "Antsirabe", "Manakara", "Ambovombe"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def new_report(n: int) -> dict:
    town = TOWNS[n % len(TOWNS)]
    return {"text": f"Madagascar : {3 + n} morts dans des inondations à {town}\n\n"
                    f"Antananarivo, {10 + n} janvier 2025 - Au moins {3 + n} personnes ont été tuées et "
                    f"{200 * (n + 1)} autres ont été évacuées après des pluies diluviennes à {town}, "
                    f"a annoncé le bureau national de gestion des risques.",
            "source": f"Écho du Sud {n % 3}", "published": f"2025-01-{10 + n:02d}"}


async def wait_ready(base: str, proc: subprocess.Popen, timeout: float = 90) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=5) as c:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if proc.poll() is not None:
                raise SystemExit(f"the server exited ({proc.returncode})")
            try:
                if (await c.get("/healthz")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.2)
    raise SystemExit("the server did not start")


async def seed(c: httpx.AsyncClient) -> None:
    reports = [json.loads(line) for line in SEED.read_text(encoding="utf-8").splitlines() if line.strip()]
    job = (await c.post("/jobs", json={"reports": reports})).json()
    while job["state"] in ("queued", "running"):
        await asyncio.sleep(0.3)
        job = (await c.get(f"/jobs/{job['id']}")).json()
    if job["state"] != "done":
        raise SystemExit(f"seeding failed: {job}")


async def reader(c: httpx.AsyncClient, n: int, rng: random.Random, latencies: list, errors: list) -> None:
    for _ in range(n):
        query = rng.choice(QUERIES)
        t = time.perf_counter()
        try:
            r = await c.get("/events?" + query)
            if r.status_code != 200 or "items" not in r.json():
                errors.append(f"GET /events?{query}: {r.status_code}")
        except httpx.HTTPError as e:
            errors.append(f"GET /events?{query}: {type(e).__name__}")
        latencies.append(time.perf_counter() - t)


async def writer(c: httpx.AsyncClient, n: int, times: list, errors: list, stop: asyncio.Event) -> None:
    for i in range(n):
        if stop.is_set():
            break
        t = time.perf_counter()
        try:
            r = await c.post("/reports", json=new_report(i))
            if r.status_code not in (200, 201):
                errors.append(f"POST /reports: {r.status_code} {r.text[:200]}")
        except httpx.HTTPError as e:
            errors.append(f"POST /reports: {type(e).__name__}")
        times.append(time.perf_counter() - t)


def pct(values: list[float], p: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1] if len(values) > 1 else values[0]


async def run(args) -> int:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory(prefix="sitroom-load-") as tmp:
        env = dict(os.environ)
        env.pop("SITROOM_TOKEN", None)
        proc = subprocess.Popen([sys.executable, "-m", "sitroom.cli", "serve", "--db", str(Path(tmp) / "load.db"),
                                 "--host", "127.0.0.1", "--port", str(port)], env=env, cwd=ROOT,
                                stdout=subprocess.DEVNULL)
        try:
            await wait_ready(base, proc)
            limits = httpx.Limits(max_connections=args.clients + 2, max_keepalive_connections=args.clients + 2)
            async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as c:
                t0 = time.perf_counter()
                await seed(c)
                print(f"seeded {SEED.name} in {time.perf_counter() - t0:.1f} s "
                      f"({(await c.get('/events')).json()['total']} events)")
                latencies: list[float] = []
                errors: list[str] = []
                write_times: list[float] = []
                stop = asyncio.Event()
                rng = random.Random(7)
                t0 = time.perf_counter()
                write = asyncio.create_task(writer(c, args.writes, write_times, errors, stop))
                await asyncio.gather(*(reader(c, args.requests, random.Random(rng.random()), latencies, errors)
                                       for _ in range(args.clients)))
                elapsed = time.perf_counter() - t0
                stop.set()
                await write
                after = (await c.get("/events")).json()["total"]
        finally:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()
    print(f"{len(latencies)} reads of /events by {args.clients} concurrent clients in {elapsed:.1f} s "
          f"({len(latencies) / elapsed:.0f} req/s), {len(write_times)} report(s) posted meanwhile "
          f"({after} events after)")
    print(f"read latency: p50 {pct(latencies, 50) * 1000:.0f} ms, p95 {pct(latencies, 95) * 1000:.0f} ms, "
          f"max {max(latencies) * 1000:.0f} ms")
    if write_times:
        print(f"write latency (POST /reports, extraction included): median {statistics.median(write_times) * 1000:.0f} ms, "
              f"max {max(write_times) * 1000:.0f} ms")
    print(f"errors: {len(errors)}")
    for e in errors[:10]:
        print("  " + e)
    return 1 if errors else 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--requests", type=int, default=20, help="reads per client")
    ap.add_argument("--writes", type=int, default=6, help="reports posted during the reads")
    return asyncio.run(run(ap.parse_args()))


if __name__ == "__main__":
    sys.exit(main())
