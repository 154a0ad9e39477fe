"""The situation report: Markdown and one self-contained HTML page (escaped, rendered in Chromium)."""
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from sitroom.situation.reconcile import reconcile
from sitroom.situation.report import render_html, render_markdown, select

from test_reconcile import ev, fig, ituri, report  # noqa: F401  (ituri is a fixture)

EVIL = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_markdown_sections(ituri):
    md = render_markdown(reconcile(ituri))
    for heading in ("## Key figures", "## Timeline", "## Planned and next", "## Conflicting claims", "## Places",
                    "## Sources"):
        assert heading in md
    assert "people killed (Bunia) ⚠ disputed | 21–26 | 7–26" in md
    assert "superseded by r3" in md and "Journal de Kinshasa, citing le ministère de l'Intérieur" in md
    assert "postponed to 2024-03-19 — per Radio Bunia Matin (2024-03-12)" in md
    assert "took place — per Le Courrier des Grands Lacs (2024-03-09)" in md
    assert md.index("**2024-03-07**") < md.index("**2024-03-12**")


def test_filters(ituri):
    sit = reconcile(ituri)
    later = select(sit, since="2024-03-12")
    assert {r.report_id for r in later.reports} == {"r5", "r6"}
    assert all(e.last_seen >= "2024-03-12" for e in later.events)
    djugu = select(sit, place="djugu")
    assert {e.place for e in djugu.events} == {"Djugu"} and len(djugu.events) == 2
    assert "Mahagi" not in render_markdown(sit, place="Djugu").split("## Places")[0]


def evil_situation():
    a = report("e1", EVIL, "2024-03-08", [ev("attack", "2024-03-08", f"Attaque {EVIL} à Bunia.", figures=[0],
                                               agent=EVIL)],
               [fig(5, source=EVIL)])
    b = report("e2", "Autre | source", "2024-03-09", [ev("attack", "2024-03-08", "Attaque à Bunia.", figures=[0])],
               [fig(50, source="x")])
    a.title = a.url = EVIL
    return reconcile([a, b])


def test_html_escapes_report_text():
    page = render_html(evil_situation())
    assert "<script" not in page.lower() and "onerror=alert" not in page.replace("onerror=alert(1)&gt;", "")
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert not re.search(r"<img\b", page)
    md = render_markdown(evil_situation())
    assert "<script" not in md and "Autre \\| source" in md


def test_html_is_self_contained(ituri):
    page = render_html(reconcile(ituri))
    assert page.startswith("<!DOCTYPE html>") and page.count("<svg") == 2
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)     # nothing fetched
    assert 'class="land' in page and 'class="event"' in page and "Bunia" in page


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(not CHROMIUM, reason="chromium is not installed")
def test_html_renders_in_headless_chromium(ituri, tmp_path):
    page = tmp_path / "report.html"
    page.write_text(render_html(reconcile(ituri)), encoding="utf-8")
    shot = tmp_path / "report.png"
    profile = tempfile.mkdtemp()
    try:
        subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                        "--disable-component-update", "--disable-sync", "--no-first-run",
                        f"--user-data-dir={profile}", f"--screenshot={shot}", "--window-size=1200,1600",
                        page.as_uri()], capture_output=True, timeout=90)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 50_000      # a real, non-blank picture
