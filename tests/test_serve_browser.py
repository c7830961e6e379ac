"""A real browser keeps a served article open while its file is edited, broken and fixed on disk."""

from __future__ import annotations

from pathlib import Path

import pytest
from browser import CHROMIUM_ARGS
from playwright.sync_api import expect, sync_playwright
from serve_support import start_serve
from support import article, build, tree_snapshot, write_site

pytestmark = [pytest.mark.browser, pytest.mark.slow]  # Chromium drives every test here

WAIT_MS = 30_000


@pytest.fixture(scope="module")
def browser():
    assert Path("/usr/bin/chromium").is_file(), (
        "/usr/bin/chromium is missing: run ./scripts/test, or apt-get install chromium"
    )
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def test_an_open_article_follows_edits_errors_and_fixes_without_a_manual_reload(site, browser):
    write_site(
        site,
        {
            "content/national/a.md": article("First story", body="The opening paragraph."),
            "content/national/b.md": article("Second story", date="2026-02-02 09:00"),
        },
    )
    md = site / "content" / "national" / "a.md"
    proc, port = start_serve(site)
    page = browser.new_page()
    try:
        page.goto(f"http://127.0.0.1:{port}/national/a/")
        headline = page.locator("h1")
        expect(headline).to_have_text("First story")
        page.evaluate("window.__sameDocument = true")  # gone after a reload; kept when the page is updated in place

        md.write_text(article("Headline edited on disk", body="The opening paragraph."))
        expect(headline).to_have_text("Headline edited on disk", timeout=WAIT_MS)
        assert page.evaluate("window.__sameDocument === true")  # updated without reloading the tab
        assert page.title().startswith("Headline edited on disk")  # the <head> follows too
        # The live regions (includes = "client") are filled again in the updated page, with the new headline.
        expect(page.locator("aside.latest").last).to_contain_text("Headline edited on disk", timeout=WAIT_MS)

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
        code = proc.interrupt()
    assert code == 0

    assert build(site) == 0  # the deployable build, after all that previewing
    files = tree_snapshot(site / "public")
    assert "national/a/index.html" in files
    assert not any(b"EventSource" in data or b"broadsheet-problems" in data for data in files.values())


def test_a_long_article_keeps_the_readers_place_and_a_new_stylesheet_reloads_the_tab(site, browser):
    paragraphs = "\n\n".join(
        f"Paragraph {i} of a long story, with enough words to fill a line or two." for i in range(120)
    )
    write_site(site, {"content/national/a.md": article("Long story", body=paragraphs)})
    md = site / "content" / "national" / "a.md"
    proc, port = start_serve(site)
    page = browser.new_page(viewport={"width": 1000, "height": 700})
    try:
        page.goto(f"http://127.0.0.1:{port}/national/a/")
        page.evaluate("window.scrollTo(0, 3000)")
        page.wait_for_function("window.scrollY === 3000")
        md.write_text(article("Long story", body=paragraphs.replace("Paragraph 119 of", "Last paragraph of")))
        expect(page.get_by_text("Last paragraph of a long story")).to_have_count(1, timeout=WAIT_MS)
        assert page.evaluate("window.scrollY") == 3000  # still where the editor was reading

        page.evaluate("window.__sameDocument = true")
        css = site / "static" / "css" / "site.css"
        css.write_text(css.read_text() + "\n:root { --preview-probe: seven; }\n")  # a new fingerprinted name in <head>
        page.wait_for_function(
            "getComputedStyle(document.documentElement).getPropertyValue('--preview-probe').trim() === 'seven'",
            timeout=WAIT_MS,
        )
        assert page.evaluate("window.__sameDocument === undefined")  # other stylesheets: the tab was reloaded
    finally:
        page.close()
        code = proc.interrupt()
    assert code == 0


def test_a_template_edit_reaches_the_open_tab_and_every_page_opened_next(site, browser):
    write_site(
        site, {f"content/national/story-{i}.md": article(f"Story {i}", date=f"2026-02-0{i} 09:00") for i in range(1, 7)}
    )
    partial = site / "templates" / "partials" / "byline.html"  # the site's own copy, as `theme eject` makes
    theme = partial.read_text()
    proc, port = start_serve(site)
    page = browser.new_page()
    try:
        page.goto(f"http://127.0.0.1:{port}/national/story-3/")
        page.evaluate("window.__sameDocument = true")
        partial.write_text(theme + '<p class="probe">Edited byline</p>\n')
        # The tab names its page on its event stream: the rebuild draws it first, and tells the tab once it has.
        expect(page.locator("p.probe")).to_have_text("Edited byline", timeout=WAIT_MS)
        assert page.evaluate("window.__sameDocument === true")
        page.goto(f"http://127.0.0.1:{port}/national/story-6/")
        expect(page.locator("p.probe")).to_have_text("Edited byline")  # any other page: the edit, never the old one

        partial.write_text(theme + '<p class="probe">Edited twice</p>\n')  # the updated tab still names its page
        expect(page.locator("p.probe")).to_have_text("Edited twice", timeout=WAIT_MS)
    finally:
        page.close()
        code = proc.interrupt()
    assert code == 0
