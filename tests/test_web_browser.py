"""End to end in Debian's Chromium (Playwright for Python): map, timeline, filters, event, reader.

Skipped only when /usr/bin/chromium is absent outside CI; in CI (CI=true) a missing browser fails.
Screenshots land in /tmp/sitroom-web-*.png.
"""
import os
import socket
import threading
import time
from pathlib import Path

import pytest

from web_store import script_report, store_copy

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
SHOTS = Path("/tmp")

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


@pytest.fixture()
def page(browser, server):
    # CSP bypassed so Playwright may evaluate its waits, and so the <script> test checks escaping alone
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, bypass_csp=True)
    pg = context.new_page()
    errors = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    pg.goto(server + "/")
    pg.wait_for_selector("#map circle.event")
    yield pg
    context.close()
    assert not [e for e in errors if "favicon" not in e], errors


def test_map_timeline_and_list(page):
    assert page.locator("#map path.land").count() > 5                         # country outlines
    assert page.locator("#map circle.event").count() >= 3
    assert page.locator("#map circle.event.area").count() >= 1                # an area, not a point
    colours = {page.locator("#map circle.event").nth(i).get_attribute("fill")
               for i in range(page.locator("#map circle.event").count())}
    assert len(colours) >= 2                                                  # coloured by type
    assert page.locator("#timeline .mark").count() >= 3
    assert page.locator("#events li").count() == int(page.locator("#ev-count").inner_text().split()[0])
    page.screenshot(path=str(SHOTS / "sitroom-web-map.png"), full_page=True)


def test_filters(page):
    total = page.locator("#events li").count()
    page.select_option("#f-type", "attack")
    page.wait_for_function(f"document.querySelectorAll('#events li').length < {total}")
    assert all("attack" in t for t in page.locator("#events li b").all_inner_texts())
    page.select_option("#f-type", "")
    page.fill("#f-place", "ML")
    page.press("#f-place", "Enter")
    page.wait_for_function(f"document.querySelectorAll('#events li').length < {total}")
    assert all("Gao" in t or "ML" in t for t in page.locator("#events li").all_inner_texts())
    page.click("button[type=reset]")
    page.wait_for_function(f"document.querySelectorAll('#events li').length === {total}")
    page.fill("#f-from", "2025-03-01")
    page.dispatch_event("#f-from", "change")
    page.wait_for_function(f"document.querySelectorAll('#events li').length < {total}")
    assert page.locator("#timeline .mark").count() == page.locator("#events li").count()
    page.screenshot(path=str(SHOTS / "sitroom-web-filtered.png"), full_page=True)


def test_open_an_event(page):
    page.fill("#f-place", "Gao")
    page.press("#f-place", "Enter")
    page.wait_for_function("[...document.querySelectorAll('#events li')].every(li => li.textContent.includes('Gao'))")
    page.locator("#map circle.event").last.click()
    detail = page.locator("#detail")
    detail.locator("h2").wait_for()
    assert "Gao" in detail.locator("h2").inner_text()
    assert detail.locator(".mentions li").count() >= 1 and detail.locator("blockquote").count() >= 1
    page.locator("#events li", has_text="attack").first.click()
    page.wait_for_selector("#detail .claim")
    text = detail.inner_text()
    assert "Le Courrier du Sahel" in text and "Gao Infos" in text                # sources side by side
    assert detail.locator(".group.conflict").count() >= 1
    page.screenshot(path=str(SHOTS / "sitroom-web-event.png"), full_page=True)
    detail.locator("a.open-report").first.click()                               # its report, highlighted
    page.wait_for_selector("#marked mark.ent")
    assert page.locator("#tab-read").is_visible()


def test_paste_a_report_see_it_highlighted_and_add_it(page, server):
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
    page.screenshot(path=str(SHOTS / "sitroom-web-read.png"), full_page=True)
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
    page.screenshot(path=str(SHOTS / "sitroom-web-report.png"), full_page=True)
