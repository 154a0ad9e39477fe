"""The HTTP API (FastAPI TestClient): reads, filters, paging, writes, jobs, errors and guards."""
import time

import pytest
from fastapi.testclient import TestClient

from sitroom.web import create_app
from sitroom.web import security
from web_store import reports, script_report, store_copy

TOKEN = "s3cret-token"


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    return store_copy(tmp_path_factory.mktemp("web-api"))


@pytest.fixture(scope="module")
def client(db):
    with TestClient(create_app(db=db)) as c:
        yield c


@pytest.fixture()
def fresh(tmp_path):
    """A client on a store of its own (for writes)."""
    with TestClient(create_app(db=store_copy(tmp_path))) as c:
        yield c


# -- reads ------------------------------------------------------------------------------------

def test_events_are_reconciled_and_located(client):
    page = client.get("/events").json()
    assert page["total"] == len(page["items"]) > 0
    types = {e["kind"] for e in page["items"]}
    assert {"attack", "disaster"} <= types
    located = [e for e in page["items"] if e["map_lat"] is not None]
    assert located and all(isinstance(e["area"], bool) for e in located)
    beira = [e for e in page["items"] if e["place"] == "Beira"]
    assert beira and any(len(e["sources"]) > 1 for e in beira)      # two outlets, one happening


@pytest.mark.parametrize("query, check", [
    ("type=attack", lambda e: e["type"].split(".")[0] == "attack"),
    ("from=2025-03-01", lambda e: (e["date_end"] or e["date"]) >= "2025-03-01"),
    ("to=2025-02-28", lambda e: (e["date_start"] or e["date"]) <= "2025-02-28"),
    ("place=ML", lambda e: e["country"] == "ML"),
    ("place=beira", lambda e: e["place"] == "Beira"),
    ("source=Gao Infos", lambda e: "Gao Infos" in e["sources"]),
    ("bbox=-5,10,5,20", lambda e: -5 <= e["map_lon"] <= 5 and 10 <= e["map_lat"] <= 20),
])
def test_event_filters(client, query, check):
    page = client.get("/events?" + query).json()
    assert page["items"], query
    assert all(check(e) for e in page["items"]), query
    assert page["total"] < client.get("/events").json()["total"]


def test_paging(client):
    everything = client.get("/events").json()["items"]
    first = client.get("/events?limit=2&offset=0").json()
    second = client.get("/events?limit=2&offset=2").json()
    assert [e["id"] for e in first["items"] + second["items"]] == [e["id"] for e in everything[:4]]
    assert client.get("/events?offset=1000").json()["items"] == []


def test_event_detail_has_reports_sentences_figures_and_sides(client):
    gao = client.get("/events?place=Gao&type=attack").json()["items"][0]
    d = client.get(f"/events/{gao['id']}").json()
    assert d["event"]["id"] == gao["id"]
    assert {m["sentence"] for m in d["event"]["mentions"]} and d["reports"]
    claims = [c for g in d["figures"] for c in g["claims"]]
    assert {c["source"] for c in claims} >= {"Le Courrier du Sahel", "Gao Infos"}
    assert all(c["voice"] for c in claims)
    assert any(g["conflict"] for g in d["figures"])                   # 9 dead or 17: side by side


def test_figures_and_situation(client):
    groups = client.get("/figures?action=killed").json()["items"]
    assert groups and all(g["action"] == "killed" for g in groups)
    assert client.get("/figures?conflict=true").json()["total"] >= 1
    s = client.get("/situation").json()
    assert s["events"] > 0 and s["reports"] == len(reports()) and s["span"][0] <= s["span"][1]
    assert "Agence Australe" in s["sources"]


@pytest.mark.parametrize("fmt, media", [("json", "application/json"), ("geojson", "application/geo+json"),
                                        ("csv", "text/csv"), ("hxl", "text/csv"), ("plover", "application/json")])
def test_exports_download(client, fmt, media):
    r = client.get(f"/export/{fmt}")
    assert r.status_code == 200 and r.headers["content-type"].startswith(media)
    assert r.headers["content-disposition"].startswith("attachment")
    assert len(r.content) > 100


def test_report_rendered_and_downloadable(client):
    r = client.get("/report")
    assert r.status_code == 200 and "<svg" in r.text and "script-src" not in r.headers["content-security-policy"]
    md = client.get("/report?format=md&download=true")
    assert md.headers["content-disposition"] == 'attachment; filename="sitroom-report.md"' and "#" in md.text


def test_stored_report_and_page(client):
    d = client.get("/reports/1").json()
    assert d["report"]["text"] and d["record"]["events"]
    r = client.get("/")
    assert r.status_code == 200 and "app.js" in r.text
    assert "script-src 'self'" in r.headers["content-security-policy"]
    assert r.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize("path, asset", [("/docs", "/static/vendor/swagger-ui-dist-"),
                                         ("/redoc", "/static/vendor/redoc-")], ids=["swagger-ui", "redoc"])
def test_api_docs_load_vendored_files_only(client, path, asset):
    import re
    page = client.get(path)
    assert page.status_code == 200 and asset in page.text
    assert not re.search(r"(src|href)=[\"']?(https?:)?//", page.text)         # no CDN, no web font
    for url in re.findall(r"(?:src|href)=[\"']?(/static/[^\"'\s>]+)", page.text):
        assert client.get(url).status_code == 200, url


def test_map_libraries_are_served_with_their_licences(client):
    page = client.get("/").text
    for url in ("/static/vendor/leaflet-1.9.4/leaflet.js", "/static/vendor/leaflet-1.9.4/leaflet.css",
                "/static/vendor/leaflet.markercluster-1.5.3/leaflet.markercluster.js"):
        assert url in page and client.get(url).status_code == 200
    assert client.get("/static/vendor/leaflet-1.9.4/LICENSE").status_code == 200
    assert client.get("/static/vendor/leaflet.markercluster-1.5.3/MIT-LICENCE.txt").status_code == 200


# -- errors -----------------------------------------------------------------------------------

@pytest.mark.parametrize("method, path, body, status", [
    ("get", "/events?from=2025-02-31", None, 422),
    ("get", "/events?from=2025-3-1", None, 422),
    ("get", "/events?to=yesterday", None, 422),
    ("get", "/events?bbox=1,2,3", None, 422),
    ("get", "/events?bbox=10,0,-10,5", None, 422),
    ("get", "/events?limit=0", None, 422),
    ("get", "/events/XX9999", None, 404),
    ("get", "/reports/99999", None, 404),
    ("get", "/jobs/nope", None, 404),
    ("get", "/export/pdf", None, 422),
    ("get", "/no/such/page", None, 404),
    ("post", "/reports", {}, 422),
    ("post", "/reports", {"text": "   "}, 422),
    ("post", "/reports", {"text": "The weather is nice today and nothing happened in the town."}, 422),
    ("post", "/reports", {"text": "Un séisme a frappé la ville.", "published": "hier"}, 422),
    ("post", "/reports", {"text": "Un séisme a frappé la ville.", "color": "red"}, 422),
    ("post", "/reports", {"url": "http://example.org/news"}, 400),
    ("post", "/jobs", {"reports": []}, 422),
    ("post", "/extract", {"text": ""}, 422),
])
def test_bad_requests_get_json_errors(client, method, path, body, status):
    r = getattr(client, method)(path, **({"json": body} if body is not None else {}))
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/json") and "detail" in r.json()


def test_malformed_json_is_422(client):
    r = client.post("/reports", content=b"{not json", headers={"content-type": "application/json"})
    assert r.status_code == 422 and "detail" in r.json()


# -- writes -----------------------------------------------------------------------------------

def test_post_report_stores_extracts_and_shows(fresh):
    before = fresh.get("/events").json()["total"]
    body = {"text": script_report(), "source": "Tchad <i>Info</i>", "published": "2025-03-20"}
    r = fresh.post("/reports", json=body)
    assert r.status_code == 201, r.text
    assert r.json()["created"] and r.json()["status"] == "extracted" and r.json()["events"] > 0
    assert fresh.post("/reports", json=body).status_code == 200                 # stored already
    assert fresh.get("/events").json()["total"] > before                         # the cache saw it
    assert any(e["country"] == "TD" for e in fresh.get("/events?source=Tchad <i>Info</i>").json()["items"])


def test_job_ingests_in_background_with_progress(fresh):
    texts = [f"Des pluies diluviennes ont fait {n} morts mardi à Tuléar, dans le sud de Madagascar, "
             f"a annoncé la police. Quelque {n * 100} habitants ont été évacués." for n in (3, 5, 8)]
    r = fresh.post("/jobs", json={"reports": [{"text": t, "source": "Midi Océan", "published": "2025-01-0" + str(i + 2)}
                                              for i, t in enumerate(texts)]})
    assert r.status_code == 202 and r.headers["location"] == f"/jobs/{r.json()['id']}"
    for _ in range(200):
        job = fresh.get(r.headers["location"]).json()
        if job["state"] in ("done", "failed"):
            break
        assert 0 <= job["progress"] <= 1
        time.sleep(0.05)
    assert job["state"] == "done" and job["total"] == 3 and job["done"] == 3 and job["progress"] == 1
    assert job["added"] >= 1                                # near-duplicates are linked, not lost
    assert fresh.get("/events?source=Midi Océan").json()["total"] >= 1


def test_job_from_uploaded_files(fresh):
    jsonl = "\n".join(__import__("json").dumps({"text": t, "source": "Radio Nord"}) for t in [
        "Des affrontements ont fait 4 morts dimanche à Goma, a indiqué la Monusco."])
    r = fresh.post("/jobs/files", files=[("files", ("batch.jsonl", jsonl.encode(), "application/x-ndjson"))])
    assert r.status_code == 202
    for _ in range(200):
        job = fresh.get(f"/jobs/{r.json()['id']}").json()
        if job["state"] in ("done", "failed"):
            break
        time.sleep(0.05)
    assert job["state"] == "done" and job["added"] == 1


def test_extract_without_storing(fresh):
    n = fresh.get("/healthz").json()["counts"]["reports"]
    d = fresh.post("/extract", json={"text": "Un glissement de terrain a fait 7 morts samedi à Bukavu.",
                                     "date": "2025-05-04"}).json()
    assert d["record"]["figures"] and d["text"][d["record"]["figures"][0]["start"]:].startswith("7")
    up = fresh.post("/extract/file", files={"file": ("r.html", b"<html><body><p>Un incendie a fait 3 morts "
                                                             b"lundi dans un camp de Cox's Bazar, selon les pompiers.</p></body></html>")})
    assert up.status_code == 200 and "<p>" not in up.json()["text"]
    assert fresh.get("/healthz").json()["counts"]["reports"] == n


# -- guards -----------------------------------------------------------------------------------

def test_writes_need_the_token_when_set(db):
    with TestClient(create_app(db=db, token=TOKEN)) as c:
        body = {"text": "Un séisme a fait 2 morts jeudi à Oran, selon la protection civile."}
        assert c.post("/reports", json=body).status_code == 401
        assert c.post("/reports", json=body, headers={"Authorization": "Bearer wrong"}).status_code == 401
        assert c.post("/jobs", json={"reports": [body]}).status_code == 401
        assert c.post("/extract", json=body).status_code == 401
        assert c.get("/events").status_code == 200                               # reads stay open
        assert c.get("/meta").json()["write_needs_token"] is True
        ok = c.post("/extract", json=body, headers={"Authorization": f"Bearer {TOKEN}"})
        assert ok.status_code == 200


@pytest.mark.parametrize("origin", ["http://evil.example", "null"])
def test_cross_origin_writes_are_refused(client, origin):
    r = client.post("/extract", json={"text": "Un séisme a fait 2 morts."}, headers={"Origin": origin})
    assert r.status_code == 403


def test_upload_size_limit(db):
    with TestClient(create_app(db=db, max_upload=10_000)) as c:
        big = "Un séisme a fait 2 morts à Oran. " * 1000
        assert c.post("/extract", json={"text": big}).status_code == 413
        r = c.post("/extract/file", files={"file": ("big.txt", big.encode())})
        assert r.status_code == 413 and r.json()["detail"]

        def chunks():                                          # no Content-Length: counted as it comes
            for _ in range(20):
                yield b"x" * 1000
        r = c.post("/extract", content=chunks(), headers={"content-type": "application/json"})
        assert r.status_code == 413


def test_serving_beyond_loopback_needs_a_token():
    security.check_bind("127.0.0.1", None)
    security.check_bind("localhost", None)
    security.check_bind("::1", None)
    security.check_bind("0.0.0.0", "t")
    with pytest.raises(security.Refused):
        security.check_bind("0.0.0.0", None)
    with pytest.raises(security.Refused):
        security.check_bind("192.168.1.20", "")


def test_host_header_checked_on_loopback(db):
    with TestClient(create_app(db=db, allowed_hosts=["127.0.0.1", "localhost"]), base_url="http://127.0.0.1") as c:
        assert c.get("/healthz").status_code == 200
        assert c.get("/healthz", headers={"Host": "attacker.example"}).status_code == 400


@pytest.mark.parametrize("ip, public", [
    ("127.0.0.1", False), ("10.1.2.3", False), ("172.16.0.9", False), ("192.168.1.1", False),
    ("169.254.169.254", False), ("0.0.0.0", False), ("::1", False), ("fe80::1", False), ("fd00::1", False),
    ("::ffff:127.0.0.1", False), ("100.64.0.1", False), ("224.0.0.1", False),
    ("2002:7f00:1::", False), ("fec0::1", False),
    ("93.184.216.34", True), ("2606:4700::1111", True),
])
def test_only_public_addresses_are_fetched(ip, public):
    assert security.public_address(ip) is public


@pytest.mark.parametrize("url", ["http://127.0.0.1/", "http://localhost:8000/admin", "http://[::1]/",
                                 "http://169.254.169.254/latest/meta-data/", "http://10.0.0.1/",
                                 "file:///etc/passwd", "ftp://example.org/x", "http://2130706433/",
                                 "http://example.org:99999/"])
def test_fetching_private_urls_is_refused(db, url):
    with pytest.raises(security.Refused):
        security.resolve_public(url)
    with TestClient(create_app(db=db, allow_fetch=True)) as c:
        r = c.post("/reports", json={"url": url})
        assert r.status_code == 400 and r.json()["detail"]


# -- input the API must survive (issue 9) ------------------------------------------------------

def test_a_lone_surrogate_is_stored_not_a_500(fresh):
    r = fresh.post("/reports", content=b'{"text": "Des tirs ont vis\\u00e9 Bunia mardi \\ud800.", "source": "Radio"}',
                   headers={"content-type": "application/json"})
    assert r.status_code in (200, 201), r.text


def test_an_impossible_date_is_refused_not_stored(fresh):
    r = fresh.post("/reports", json={"text": "Des tirs ont visé Bunia mardi.", "published": "2024-02-30"})
    assert r.status_code == 422 and "2024-02-30" in r.text
    assert fresh.post("/extract", json={"text": "Des tirs mardi.", "date": "2023-02-29"}).status_code == 422


def test_exports_defuse_spreadsheet_formulas(fresh):
    body = {"text": "Des tirs ont fait trois morts mardi à Bunia, en Ituri.", "source": "=cmd|' /C calc'!A0",
            "published": "2025-03-20"}
    assert fresh.post("/reports", json=body).status_code == 201
    for fmt in ("csv", "hxl"):
        text = fresh.get(f"/export/{fmt}").text
        assert "=cmd" in text and ",=cmd" not in text and "\n=cmd" not in text and "'=cmd" in text


def test_a_fetch_that_trickles_is_cut_by_its_overall_deadline(monkeypatch):
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Trickle(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            try:
                for _ in range(40):
                    self.wfile.write(b"x" * 10)
                    self.wfile.flush()
                    time.sleep(0.1)
            except (BrokenPipeError, ConnectionResetError):
                pass                          # the client gave up, as it should

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Trickle)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setattr(security, "resolve_public", lambda url: ("127.0.0.1", "127.0.0.1", server.server_port))
    try:
        started = time.monotonic()
        with pytest.raises(security.Refused, match="took over"):
            security.fetch(f"http://127.0.0.1:{server.server_port}/slow", max_bytes=10_000, timeout=2, total=1)
        assert time.monotonic() - started < 3
    finally:
        server.shutdown()


def test_filters_say_what_they_do(client):
    every = client.get("/events").json()["items"]
    country = next(e["country"] for e in every if e["country"])
    by_code = client.get(f"/events?place={country}").json()["total"]
    assert by_code > 0
    from sitroom.actors import _country_names
    assert client.get(f"/events?place={_country_names()[country]}").json()["total"] == by_code
    kind = every[0]["type"]
    assert client.get(f"/events?type={kind[:3]}").json()["total"] >= 1
    assert client.get("/events?status=bogus").status_code == 422
    dated = client.get("/events?from=1900").json()
    undated = sum(1 for e in every if not (e["date_start"] or e["date"]))
    assert dated["undated_hidden"] == undated and dated["total"] + undated == len(every)


def test_a_place_filter_narrows_the_report_count(client):
    every = client.get("/situation").json()
    country = next(e["country"] for e in client.get("/events").json()["items"] if e["country"])
    there = client.get(f"/situation?place={country}").json()
    assert 0 < there["reports"] < every["reports"]
    assert there["events"] < every["events"]


def test_exports_take_the_current_filters(client):
    import csv
    import io
    every = client.get("/events").json()["items"]
    kind = every[0]["type"]
    rows = list(csv.DictReader(io.StringIO(client.get(f"/export/csv?type={kind}").text)))
    assert rows and {r["sub_event_type"] or r["event_type"] for r in rows} and len(rows) == sum(
        1 for e in every if e["type"] == kind)
    geo = client.get(f"/export/geojson?type={kind}").json()
    assert {f["properties"]["type"] for f in geo["features"]} == {kind}
    assert len(client.get("/export/json").json()["events"]) == len(every)
    assert client.get("/export/csv?status=bogus").status_code == 422


def test_every_place_suggestion_finds_events(client):
    places = client.get("/meta").json()["places"]
    assert places
    empty = [p for p in places if not client.get("/events", params={"place": p}).json()["total"]]
    assert not empty
