"""A real browser keeps a served article open while its file is edited, broken and fixed on disk."""

from __future__ import annotations

import pytest
from conftest import article, build, tree_snapshot, write_site
from playwright.sync_api import expect, sync_playwright
from serve_support import start_serve

CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
WAIT_MS = 30_000


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def test_an_open_article_follows_edits_errors_and_fixes_without_a_manual_reload(site, browser):
    write_site(site, {
        "content/national/a.md": article("First story", body="The opening paragraph."),
        "content/national/b.md": article("Second story", date="2026-02-02 09:00"),
    })
    md = site / "content" / "national" / "a.md"
    proc, port = start_serve(site)
    page = browser.new_page()
    try:
        page.goto(f"http://127.0.0.1:{port}/national/a/")
        headline = page.locator("h1")
        expect(headline).to_have_text("First story")
        page.evaluate("window.__sameDocument = true")  # gone after any reload: proves the page reloaded itself

        md.write_text(article("Headline edited on disk", body="The opening paragraph."))
        expect(headline).to_have_text("Headline edited on disk", timeout=WAIT_MS)
        assert page.evaluate("window.__sameDocument === undefined")

        md.write_text("---\ntitle: 'Unclosed quote\nsection: National\n---\nBody\n")
        overlay = page.locator("#broadsheet-problems")
        expect(overlay).to_be_visible(timeout=WAIT_MS)
        expect(overlay).to_contain_text("content/national/a.md:")
        expect(overlay).to_contain_text("invalid YAML in front matter")
        expect(headline).to_have_text("Headline edited on disk")  # the last good build, still served

        md.write_text(article("Fixed and back", body="The opening paragraph."))
        expect(headline).to_have_text("Fixed and back", timeout=WAIT_MS)
        expect(overlay).to_have_count(0)
        page.screenshot(path=str(site.parent / "after-fix.png"))
    finally:
        page.close()
        code, _ = proc.interrupt()
    assert code == 0

    assert build(site) == 0  # the deployable build, after all that previewing
    files = tree_snapshot(site / "public")
    assert "national/a/index.html" in files
    assert not any(b"EventSource" in data or b"broadsheet-problems" in data for data in files.values())
