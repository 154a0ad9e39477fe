"""End to end in Debian's Chromium (Playwright for Python): map, timeline, filters, event, reader,
the map's behaviour (clusters, panning, zoom to an event, labels), a phone's screen, offline docs.

Skipped only when /usr/bin/chromium is absent outside CI; in CI (CI=true) a missing browser fails.
Screenshots land in pytest's temporary folder; the two of the whole page, at 1440x900 and
390x844, are also copied to /tmp/sitroom-shots/ to look at.
"""
import os
import re
import shutil
import socket
import threading
import time
from contextlib import contextmanager
from datetime import date as Date
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from web_store import script_report, store_copy

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
LOOK = Path("/tmp/sitroom-shots")
DESKTOP, PHONE = {"width": 1440, "height": 900}, {"width": 390, "height": 844}

if not CHROMIUM.exists():
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        raise RuntimeError("/usr/bin/chromium is missing: run scripts/install-system-deps.sh (as root)")
    pytest.skip("no /usr/bin/chromium (scripts/install-system-deps.sh installs it)", allow_module_level=True)

sync_api = pytest.importorskip("playwright.sync_api")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    import uvicorn
    from sitroom.web import create_app
    db = store_copy(tmp_path_factory.mktemp("web-browser"))
    port = free_port()
    app = create_app(db=db, allowed_hosts=["127.0.0.1", "localhost"])
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    for _ in range(200):
        if srv.started:
            break
        time.sleep(0.05)
    assert srv.started, "the server did not start"
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(10)


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("screenshots")


def shoot(pg, shots: Path, name: str, look: bool = False, full_page: bool = True) -> Path:
    """A screenshot in pytest's folder (and in /tmp/sitroom-shots/ when ``look``)."""
    path = shots / f"sitroom-{name}.png"
    pg.screenshot(path=str(path), full_page=full_page)
    if look:
        LOOK.mkdir(exist_ok=True)
        shutil.copy(path, LOOK / path.name)
    return path


@contextmanager
def room(browser, server, viewport, bypass_csp=True, events=None, touch=False):
    """The situation room open at ``viewport``, its map drawn; no page error nor console error.
    ``events``: /events items to answer with instead of the store's (filtered by from and to)."""
    # CSP bypassed so Playwright may evaluate its waits, and so the <script> test checks escaping alone
    context = browser.new_context(viewport=viewport, bypass_csp=bypass_csp, has_touch=touch, is_mobile=touch)
    try:
        pg = context.new_page()
        errors = []
        pg.on("pageerror", lambda e: errors.append(str(e)))
        pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        if events is not None:
            pg.route("**/events?*", lambda route: answer_events(route, events))
        pg.goto(server + "/")
        pg.wait_for_selector("#map .ev-cluster, #map .ev-marker")
        pg.wait_for_selector("#map .map-label")
        settled(pg)
        yield pg
    finally:
        context.close()
    assert not [e for e in errors if "favicon" not in e], errors


def answer_events(route, events):
    query = parse_qs(urlsplit(route.request.url).query)
    since, until = query.get("from", ["0000"])[0], query.get("to", ["9999"])[0]
    items = [e for e in events if e["date_end"] >= since and e["date_start"] <= until]
    route.fulfill(json={"total": len(items), "offset": 0, "limit": 1000, "items": items})


@pytest.fixture()
def page(browser, server):
    with room(browser, server, DESKTOP) as pg:
        yield pg


@pytest.fixture()
def phone(browser, server):
    with room(browser, server, PHONE) as pg:
        yield pg


def test_map_timeline_and_list(page, shots):
    assert page.locator("#map path.land").count() > 5                         # country outlines
    assert page.locator("#map .ev-cluster, #map .ev-marker").count() >= 2
    assert page.locator("#map path.ev-area").count() >= 1                     # an area, not a point
    assert page.locator("#timeline .mark").count() >= 3
    assert page.locator("#events li").count() == int(page.locator("#ev-count").inner_text().split()[0])
    shoot(page, shots, "map-1440x900", look=True)
    page.locator("#map .ev-cluster").first.click()                            # spread out: one dot per event
    page.wait_for_selector("#map .ev-marker")
    colours = set(page.eval_on_selector_all("#map .ev-marker", "ns => ns.map(n => n.style.background)"))
    assert len(colours) >= 2                                                  # coloured by type


def test_filters(page, shots):
    total = page.locator("#events li").count()
    page.select_option("#f-type", "attack")
    page.wait_for_function(f"document.querySelectorAll('#events li').length < {total} && "
                           "[...document.querySelectorAll('#events li b')].every(b => b.textContent.includes('attack'))")
    page.select_option("#f-type", "")
    page.fill("#f-place", "ML")
    page.press("#f-place", "Enter")
    # the list may pass through the unfiltered one first: wait for the place filter's answer itself
    page.wait_for_function("[...document.querySelectorAll('#events li')].every(li => /Gao|ML/.test(li.textContent))")
    assert 0 < page.locator("#events li").count() < total
    assert page.locator("a[data-export=csv]").get_attribute("href").startswith("/export/csv?place=ML")  # exports follow
    page.click("button[type=reset]")
    page.wait_for_function(f"document.querySelectorAll('#events li').length === {total}")
    page.fill("#f-from", "2025-03-01")
    page.dispatch_event("#f-from", "change")
    page.wait_for_function(f"document.querySelectorAll('#events li').length < {total}")
    assert page.locator("#timeline .mark.in").count() == page.locator("#events li").count()
    shoot(page, shots, "filtered")


def test_open_an_event(page, shots):
    page.fill("#f-place", "Gao")
    page.press("#f-place", "Enter")
    page.wait_for_function("[...document.querySelectorAll('#events li')].every(li => li.textContent.includes('Gao'))")
    if page.locator("#map .ev-cluster").count():                               # events at one spot: spread out
        page.locator("#map .ev-cluster").first.click()
    page.locator("#map .ev-marker").last.click()
    detail = page.locator("#detail")
    detail.locator("h2").wait_for()
    assert "Gao" in detail.locator("h2").inner_text()
    assert detail.locator(".mentions li").count() >= 1 and detail.locator("blockquote").count() >= 1
    page.locator("#events li", has_text="attack").first.click()
    page.wait_for_selector("#detail .claim")
    text = detail.inner_text()
    assert "Le Courrier du Sahel" in text and "Gao Infos" in text                # sources side by side
    assert detail.locator(".group.conflict").count() >= 1
    shoot(page, shots, "event")
    detail.locator("a.open-report").first.click()                               # its report, highlighted
    page.wait_for_selector("#marked mark.ent")
    assert page.locator("#tab-read").is_visible()


# -- the map (issue 9): clusters, panning, zoom to an event, labels, time brush --------------------

def boxes(pg, selector: str) -> list[dict]:
    return pg.eval_on_selector_all(selector, """ns => ns.map(n => n.getBoundingClientRect())
        .filter(r => r.width > 0 && r.height > 0).map(r => ({x0: r.left, y0: r.top, x1: r.right, y1: r.bottom}))""")


def overlap(a: dict, b: dict) -> bool:
    return a["x0"] < b["x1"] and b["x0"] < a["x1"] and a["y0"] < b["y1"] and b["y0"] < a["y1"]


def settled(pg):
    """Wait until the map has stopped moving and its labels are placed again (350 ms after)."""
    pg.wait_for_timeout(450)                        # markercluster moves its icons for 300 ms
    for _ in range(50):                             # polled: a page under its CSP cannot run wait_for_function
        if not pg.locator("#map.leaflet-zoom-anim, #map .leaflet-cluster-anim").count():
            break
        pg.wait_for_timeout(100)
    pg.wait_for_timeout(450)


def centre(box: dict) -> tuple[float, float]:
    return (box["x0"] + box["x1"]) / 2, (box["y0"] + box["y1"]) / 2


def test_markers_cluster_with_their_counts(page, server):
    window = f"from={page.input_value('#f-from')}&to={page.input_value('#f-to')}"
    items = page.request.get(f"{server}/events?{window}&limit=1000").json()["items"]
    points = [e for e in items if e["map_lat"] is not None and not e["area"]]
    counts = [int(t) for t in page.locator("#map .ev-cluster").all_inner_texts()]
    assert counts and all(n >= 2 for n in counts)                            # events at one spot: one cluster
    assert sum(counts) + page.locator("#map .ev-marker").count() == len(points)
    for _ in range(3):
        page.click("#map .leaflet-control-zoom-out")
    settled(page)
    zoomed_out = [int(t) for t in page.locator("#map .ev-cluster").all_inner_texts()]
    assert zoomed_out and max(zoomed_out) >= max(counts) and sum(zoomed_out) <= len(points)   # clusters only grow


def test_the_map_frames_the_events_not_the_world(page):
    assert float(page.get_attribute("#map", "data-zoom")) >= 3                # Mali to Mozambique, not the globe
    map_box = boxes(page, "#map")[0]
    for b in boxes(page, "#map .ev-cluster, #map .ev-marker"):
        assert map_box["x0"] <= b["x0"] and b["x1"] <= map_box["x1"] and map_box["y0"] <= b["y0"] and b["y1"] <= map_box["y1"]


def test_dragging_pans_the_map(page):
    before, spot = page.get_attribute("#map", "data-center"), boxes(page, "#map .ev-cluster")[0]
    x, y = centre(boxes(page, "#map")[0])
    page.mouse.move(x, y)
    page.mouse.down()
    for i in range(1, 11):
        page.mouse.move(x - 18 * i, y - 10 * i)
    page.mouse.up()
    settled(page)
    assert page.get_attribute("#map", "data-center") != before
    moved = boxes(page, "#map .ev-cluster")[0]
    assert spot["x0"] - moved["x0"] >= 175 and spot["y0"] - moved["y0"] >= 95    # with the drag (and its inertia)


def test_the_wheel_zooms_the_map(page):
    before = float(page.get_attribute("#map", "data-zoom"))
    page.mouse.move(*centre(boxes(page, "#map")[0]))
    page.mouse.wheel(0, -400)
    page.wait_for_function(f"parseFloat(document.querySelector('#map').dataset.zoom) > {before}")


def test_opening_an_event_zooms_to_it(page):
    before = float(page.get_attribute("#map", "data-zoom"))
    page.locator("#events li", has_text="attack").filter(has_text="Gao").first.click()
    page.wait_for_selector("#detail h2")
    page.wait_for_selector("#map .ev-marker.selected")
    settled(page)
    assert float(page.get_attribute("#map", "data-zoom")) >= max(before + 1, 7)
    lat, lon = (float(v) for v in page.get_attribute("#map", "data-center").split(","))
    assert abs(lat - 16.27) < 1 and abs(lon + 0.04) < 1                       # Gao, in the middle
    chosen, frame = boxes(page, "#map .ev-marker.selected")[0], boxes(page, "#map")[0]
    cx, cy = centre(chosen)
    assert frame["x0"] < cx < frame["x1"] and frame["y0"] < cy < frame["y1"]   # on screen, not in a cluster


def assert_labels_clear(pg):
    labels = boxes(pg, "#map .map-label")
    assert labels, "no label shown"
    markers = boxes(pg, "#map .leaflet-marker-icon")
    for i, a in enumerate(labels):
        assert not any(overlap(a, b) for b in labels[i + 1:]), "two labels overlap"
        assert not any(overlap(a, m) for m in markers), "a label overlaps a marker"


@pytest.mark.parametrize("wheel", [0, -500, 300], ids=["fit", "closer", "farther"])
def test_no_label_overlaps_another_or_a_marker(page, wheel):
    if wheel:                                        # zoom about a cluster, so that it stays in view
        page.mouse.move(*centre(boxes(page, "#map .ev-cluster")[0]))
        page.mouse.wheel(0, wheel)
        settled(page)
    assert_labels_clear(page)


def test_opens_on_the_latest_30_days_newest_first(page, server):
    items = page.request.get(f"{server}/events?limit=1000").json()["items"]
    last = max(e["date_end"] or e["date"] for e in items if e["date_end"] or e["date"])
    assert page.input_value("#f-to") == last
    assert (Date.fromisoformat(last) - Date.fromisoformat(page.input_value("#f-from"))).days == 29
    days = [re.search(r"\d{4}-\d{2}-\d{2}", t).group() for t in page.locator("#events li").all_inner_texts()]
    assert days == sorted(days, reverse=True)


def test_the_time_brush_filters_the_map_and_the_list(page):
    total = page.locator("#events li").count()
    plot, edge = boxes(page, "#timeline .plot")[0], boxes(page, "#timeline .brush-handle[data-edge=from]")[0]
    x, y = centre(edge)                                  # the brush's left edge, dragged to 60 %
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 20, y)
    page.mouse.move(plot["x0"] + (plot["x1"] - plot["x0"]) * 0.6, y)
    page.mouse.up()
    page.wait_for_function(f"document.querySelectorAll('#events li').length < {total}")
    assert page.input_value("#f-from") >= "2025-02-20"
    shown = page.locator("#events li").count()
    assert shown == page.locator("#timeline .mark.in").count() >= 1
    assert all("Gao" in t for t in page.locator("#events li").all_inner_texts())
    settled(page)
    on_map = sum(int(t) for t in page.locator("#map .ev-cluster").all_inner_texts()) + page.locator("#map .ev-marker").count()
    assert on_map == shown
    page.click("#tl-all")
    page.wait_for_function(f"document.querySelectorAll('#events li').length >= {total}")


# -- a crowded map: many places near each other, and one statement dated decades earlier ----------

CITIES = [("Kharkiv", 49.99, 36.23), ("Izioum", 49.21, 37.26), ("Koupiansk", 49.71, 37.61), ("Balakliia", 49.46, 36.86),
          ("Tchouhouïv", 49.84, 36.69), ("Lozova", 48.89, 36.32), ("Kramatorsk", 48.72, 37.56), ("Sloviansk", 48.85, 37.60),
          ("Bakhmout", 48.60, 38.00), ("Donetsk", 48.00, 37.80), ("Marioupol", 47.10, 37.55), ("Zaporijjia", 47.84, 35.14),
          ("Dnipro", 48.46, 35.05), ("Poltava", 49.59, 34.55), ("Soumy", 50.91, 34.80), ("Kyiv", 50.45, 30.52),
          ("Odessa", 46.48, 30.72), ("Kherson", 46.64, 32.61), ("Mykolaïv", 46.97, 31.99)]
KINDS = ["attack", "displacement", "evacuation", "disaster"]


def crowded_events() -> list[dict]:
    def event(n, kind, place, lat, lon, day, area=False, admin1=None):
        return {"id": f"UA{n:04d}", "type": kind, "kind": kind, "status": "occurred", "place": place, "admin1": admin1,
                "country": "UA", "map_lat": lat, "map_lon": lon, "area": area, "people": (n * 37) % 900 or None,
                "date": day, "date_start": day, "date_end": day, "reports": [str(n)], "sources": ["Agence"],
                "agents": [], "targets": []}
    events = [event(n, KINDS[n % 4], name, lat, lon, f"2024-03-{1 + (n * 5) % 28:02d}")
              for n, (name, lat, lon) in enumerate(CITIES * 3, start=1)]
    events.append(event(90, "displacement", None, 48.2, 37.7, "2024-03-10", area=True, admin1="Donetsk Oblast"))
    events.append(event(91, "evacuation", None, 49.0, 31.4, "2024-03-12", area=True))
    events.append(event(92, "attack", "Kyiv", 50.45, 30.52, "1987-04-26"))           # a statement about 1987
    return events


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1440x900", "390x844"])
def test_a_crowded_map_keeps_its_labels_apart_and_its_timeline_readable(browser, server, shots, viewport):
    with room(browser, server, viewport, events=crowded_events()) as pg:
        assert pg.input_value("#f-to") == max(e["date_end"] for e in crowded_events())
        assert pg.locator("#map .ev-cluster").count() >= 2
        assert_labels_clear(pg)
        ticks = pg.locator("#timeline .tick-label").all_text_contents()
        assert ticks and not any("1987" in t or "199" in t for t in ticks), ticks     # the 1987 one set aside…
        assert all(re.fullmatch(r"\d{1,2} [A-Z][a-z]{2}( \d{4})?", t) for t in ticks), ticks   # …ticks on days
        assert "1 earlier event(s), from 1987" in pg.locator("#tl-earlier").inner_text()
        shoot(pg, shots, f"crowded-{viewport['width']}", look=True)
        for wheel in (-600, 900):
            pg.mouse.move(*centre(boxes(pg, "#map .ev-cluster")[0]))
            pg.mouse.wheel(0, wheel)
            settled(pg)
            assert_labels_clear(pg)


# -- a phone's screen (390 px) ------------------------------------------------------------------

SMALL_TEXT = """(root) => {
  const small = [];
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, host = node.parentElement;
    if (!node.textContent.trim() || !host || !host.getClientRects().length) continue;
    const svg = host.closest('svg');
    const scale = svg && svg.viewBox.baseVal && svg.viewBox.baseVal.width ? svg.getBoundingClientRect().width / svg.viewBox.baseVal.width : 1;
    const px = parseFloat(getComputedStyle(host).fontSize) * scale;
    if (px < 11.95) small.push(`${node.textContent.trim().slice(0, 30)}: ${px.toFixed(1)} px`);
  }
  return small;
}"""


def assert_fits_the_phone(pg):
    assert pg.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], "the page is wider than the phone"
    small = pg.evaluate(SMALL_TEXT, pg.query_selector("main"))
    assert not small, small


def test_pinching_zooms_the_map(browser, server):
    with room(browser, server, PHONE, touch=True) as pg:
        before = float(pg.get_attribute("#map", "data-zoom"))
        x, y = centre(boxes(pg, "#map")[0])
        cdp = pg.context.new_cdp_session(pg)

        def touch(kind, spread):
            points = [{"x": x - spread, "y": y, "id": 1}, {"x": x + spread, "y": y, "id": 2}] if spread else []
            cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": points})
        touch("touchStart", 30)
        for i in range(1, 13):
            touch("touchMove", 30 + 8 * i)
        touch("touchEnd", 0)
        settled(pg)
        assert float(pg.get_attribute("#map", "data-zoom")) > before


def test_usable_on_a_phone(phone, shots):
    assert_fits_the_phone(phone)
    assert_labels_clear(phone)
    shoot(phone, shots, "map-390x844", look=True)
    phone.locator("#events li", has_text="attack").first.click()
    phone.wait_for_selector("#detail .claim")
    settled(phone)
    assert_fits_the_phone(phone)
    phone.locator("#detail a.open-report").first.click()                  # the facts table of its report
    phone.wait_for_selector("#facts table")
    assert_fits_the_phone(phone)
    facts = phone.eval_on_selector("#facts", "n => [n.scrollWidth, n.clientWidth]")
    assert facts[0] <= facts[1], "the facts table overflows"
    shoot(phone, shots, "read-390x844")


# -- served as the CSP demands, and the API docs offline -------------------------------------------

def test_the_map_runs_under_the_page_csp(browser, server):
    with room(browser, server, DESKTOP, bypass_csp=False) as pg:
        assert pg.locator("#map path.land").count() > 5


@pytest.mark.parametrize("path, ready", [("/docs", ".swagger-ui .opblock"), ("/redoc", "[role=menuitem]")],
                         ids=["swagger-ui", "redoc"])
def test_api_docs_render_offline(browser, server, shots, path, ready):
    context = browser.new_context(viewport=DESKTOP)
    pg = context.new_page()
    asked, blocked = [], set()
    pg.on("request", lambda r: asked.append(r.url))
    pg.on("requestfailed", lambda r: blocked.add(r.url) if r.failure == "csp" else None)   # never sent
    # offline: anything not for our server is refused, and recorded above
    pg.route("**/*", lambda route: route.continue_() if route.request.url.startswith(server)
             or route.request.url.startswith(("data:", "blob:")) else route.abort())
    try:
        pg.goto(server + path)
        pg.wait_for_selector(ready, timeout=20_000)
        assert pg.locator(ready).count() >= 3
        shoot(pg, shots, path.strip("/"), full_page=False)
    finally:
        context.close()
    away = [u for u in asked if not u.startswith(("http://127.0.0.1:", "data:", "blob:")) and u not in blocked]
    assert not away, away


# -- last, as it adds a report to the module's store ------------------------------------------------

def test_paste_a_report_see_it_highlighted_and_add_it(page, server, shots):
    page.click("nav [data-tab=read]")
    page.fill("#read-text", script_report())
    page.fill("#read-date", "2025-03-20")
    page.fill("#read-source", "<b>Tchad Info</b>")
    page.click("#read-go")
    page.wait_for_selector("#marked mark.ent-place")
    for kind in ("time", "place", "figure", "event"):
        assert page.locator(f"#marked mark.ent-{kind}").count() >= 1, kind
    assert page.locator("#marked mark.ent-place .lbl").first.inner_text().startswith("PLACE")
    marked = page.locator("#marked").inner_text()
    assert "<script>window.__pwned = 1</script>" in marked                     # shown as text…
    assert page.evaluate("window.__pwned") is None                             # …never run
    assert page.locator("#marked script, #marked img").count() == 0
    shoot(page, shots, "read")
    page.click("#read-add")
    page.wait_for_function("document.querySelector('#read-status').textContent.includes('Added')")
    page.click("nav [data-tab=situation]")
    page.wait_for_function("[...document.querySelectorAll('#f-source option')].some(o => o.value === '<b>Tchad Info</b>')")
    page.select_option("#f-source", "<b>Tchad Info</b>")
    page.wait_for_function("document.querySelectorAll('#events li').length > 0 && "
                           "[...document.querySelectorAll('#events li')].every(li => li.textContent.includes('TD') || li.textContent.includes('Djamena'))")
    page.locator("#events li").first.click()
    page.wait_for_selector("#detail .mentions li")
    assert "<b>Tchad Info</b>" in page.locator("#detail").inner_text()
    assert page.locator("#detail b b").count() == 0 and page.evaluate("window.__pwned") is None
    page.click("nav [data-tab=report]")
    frame = page.frame_locator("#report-frame")
    frame.locator("svg").first.wait_for()
    assert page.evaluate("window.__pwned") is None
    shoot(page, shots, "report")
