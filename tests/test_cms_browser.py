"""Editors in Chromium, through the real Decap CMS bundle and `serve`'s local backend: write, illustrate,
schedule, retitle and correct a story, and write another edition's version of it; every file builds."""

from __future__ import annotations

import re

import pytest
from cms_support import admin_page, field, publish, upload_picture, write_body
from playwright.sync_api import expect
from serve_support import request, start_serve
from support import SITE_TOML, article, jpeg, run, write_site

pytestmark = [pytest.mark.browser, pytest.mark.slow]  # Chromium drives every test here

NOW = "2026-02-12T12:00:00-08:00"
LIVE_AT = "2026-02-12T15:00:00-08:00"  # the story's scheduled time, three hours after serve's clock


def unexpected(errors: list[str]) -> list[str]:
    """The errors but one kind: Decap's preview pane asks for a picture just uploaded at its public path before
    the rebuild that the save started has published it (a 404, and Chromium's console line for it)."""
    late = sum(1 for e in errors if re.fullmatch(r"HTTP 404: http://127\.0\.0\.1:\d+/images/.*\.jpg", e))
    rest = [e for e in errors if not e.startswith("HTTP 404: ") or not e.endswith(".jpg")]
    console = [e for e in rest if "status of 404" in e][:late]
    return [e for e in rest if e not in console] if console else rest


def test_the_admin_lists_a_section_and_a_story_opened_from_it_keeps_its_body_with_no_console_error(tmp_path):
    site = write_site(
        tmp_path / "site", {"site.toml": SITE_TOML + "\n[cms]\n", "content/national/first.md": article("First story")}
    )
    errors: list[str] = []
    proc, port = start_serve(site, "--now", NOW)
    try:
        with admin_page(port, errors) as page:
            page.get_by_text("First story").wait_for()
            assert page.locator("script[src*='decap-cms']").get_attribute("integrity").startswith("sha384-")
            # The list has each story's front matter only; the story opened from it is read whole.
            page.get_by_text("First story").click()
            expect(field(page, "title")).to_have_value("First story")
            expect(page.locator("[data-slate-editor='true']").first).to_contain_text("Body text.")
            field(page, "title").fill("First story, retitled")
            publish(page)
            proc.wait_line(r"content/national/first\.md")
        assert errors == []
        text = (site / "content/national/first.md").read_text(encoding="utf-8")
        assert "title: First story, retitled" in text
        assert text.split("\n---\n", 1)[1].strip() == "Body text.", text
    finally:
        proc.interrupt()


def test_an_admin_the_failed_build_left_out_is_reported_at_once_not_waited_for(tmp_path):
    """A failed first build leaves the preview without /admin/: opening it says why, with the build's problem,
    instead of waiting for a Login button that never comes (how a benchmark on a broken corpus looked stuck)."""
    site = write_site(
        tmp_path / "site",
        {
            "site.toml": SITE_TOML + "\n[cms]\n",
            "content/national/first.md": article("First", image="/images/none.jpg", image_alt="Nothing"),
        },
    )
    proc, port = start_serve(site, "--now", NOW)
    try:
        with pytest.raises(AssertionError, match=r"(?s)/admin/ answered 404.*first\.md:\d+: image /images/none\.jpg"):
            with admin_page(port, []):
                pass
    finally:
        proc.interrupt()


def test_an_editor_writes_illustrates_schedules_retitles_and_corrects_a_story(tmp_path):
    site = write_site(
        tmp_path / "site", {"site.toml": SITE_TOML + "\n[cms]\n", "content/national/first.md": article("First story")}
    )
    picture = tmp_path / "ferry.jpg"
    picture.write_bytes(jpeg(320, 180))
    errors: list[str] = []
    proc, port = start_serve(site, "--now", NOW)
    try:
        with admin_page(port, errors) as page:
            page.get_by_text("First story").wait_for()
            page.goto(f"http://127.0.0.1:{port}/admin/#/collections/national/new")
            field(page, "title").fill("Ferry returns to the harbour")
            field(page, "author").fill("Ann Writer")
            field(page, "date").fill("2026-02-12T15:00")
            field(page, "tags").fill("ferries")
            upload_picture(page, picture)
            field(page, "image_alt").fill("The ferry at the dock")
            write_body(page, "The ferry is back after a winter of repairs.")
            publish(page)
            proc.wait_line(r"content/national/ferry-returns-to-the-harbour\.md")
            story = site / "content/national/ferry-returns-to-the-harbour.md"
            text = story.read_text(encoding="utf-8")
            assert "title: Ferry returns to the harbour" in text
            assert re.search(r"date: '?2026-02-12 15:00'?\n", text)
            assert "- ferries" in text and "image_alt: The ferry at the dock" in text
            image = re.search(r"image: (/images/\d{4}/\d{2}/ferry\.jpg)\n", text)
            assert image, text
            assert (site / "static" / image.group(1).lstrip("/")).read_bytes() == jpeg(320, 180)
            # Scheduled: serve at 12:00 shows it nowhere.
            assert request(port, "/national/ferry-returns-to-the-harbour/").status == 404
            assert "Ferry returns" not in request(port, "/national/").text

            field(page, "title").fill("Ferry returns to Harbour Town")
            publish(page)
            proc.wait_line(r"content/national/ferry-returns-to-the-harbour\.md")
            page.get_by_role("button", name="Add correction").click()
            field(page, "text").fill("An earlier version gave the wrong day for the first sailing.")
            page.locator("[id^='date-field-']").last.fill("2026-02-12T16:00")
            publish(page)
            proc.wait_line(r"content/national/ferry-returns-to-the-harbour\.md")
        text = story.read_text(encoding="utf-8")
        assert "title: Ferry returns to Harbour Town" in text
        assert "An earlier version gave the wrong day" in text
        assert sorted(p.name for p in site.rglob("*.md") if "content" in p.parts) == [
            "ferry-returns-to-the-harbour.md",
            "first.md",
        ]
        assert unexpected(errors) == [], errors
    finally:
        proc.interrupt()
    assert run("check", "--site", site, "--now", LIVE_AT) == 0
    proc, port = start_serve(site, "--now", LIVE_AT)  # the clock at the scheduled time: now it is live
    try:
        page = request(port, "/national/ferry-returns-to-harbour-town/")
        if page.status == 404:
            page = request(port, "/national/ferry-returns-to-the-harbour/")
        assert page.status == 200
        assert "<h1" in page.text and "Ferry returns to Harbour Town" in page.text
        assert "An earlier version gave the wrong day" in page.text
        assert 'alt="The ferry at the dock"' in page.text
        assert "Ferry returns to Harbour Town" in request(port, "/national/").text
        assert "/admin/" not in page.text and "decap" not in page.text.lower()
    finally:
        proc.interrupt()


BILINGUAL = (
    SITE_TOML.replace('sections = ["National", "Sports", "Arts & Culture"]', 'sections = ["National", "Punjab"]')
    + """
[languages.pa]
title = "ਗਜ਼ਟ"
sections = ["ਪੰਜਾਬ", "ਕੈਨੇਡਾ"]

[cms]
"""
)


def test_an_editor_writes_the_punjabi_version_of_an_english_story(tmp_path):
    site = write_site(
        tmp_path / "site",
        {"site.toml": BILINGUAL, "content/national/ferry.md": article("Ferry returns", date="2026-02-10 09:00")},
    )
    errors: list[str] = []
    proc, port = start_serve(site, "--now", NOW)
    try:
        with admin_page(port, errors) as page:
            page.goto(f"http://127.0.0.1:{port}/admin/#/collections/national/entries/ferry")
            expect(field(page, "title")).to_have_value("Ferry returns")  # the entry is loaded
            field(page, "translation_key").fill("ferry")
            publish(page)
            proc.wait_line(r"content/national/ferry\.md")
            slug = "ਕੈਨੇਡਾ"
            page.goto(f"http://127.0.0.1:{port}/admin/#/collections/pa-{slug}/new")
            # The English story's form stays until Decap draws the new one: a field filled before would be lost.
            page.get_by_text(f"Writing in {slug} (pa) collection").wait_for()
            field(page, "title").fill("ਫੈਰੀ ਵਾਪਸ ਆਈ")
            field(page, "author").fill("ਐਨ ਰਾਈਟਰ")
            field(page, "date").fill("2026-02-10T10:00")
            field(page, "translation_key").fill("ferry")
            write_body(page, "ਫੈਰੀ ਸਰਦੀਆਂ ਦੀ ਮੁਰੰਮਤ ਤੋਂ ਬਾਅਦ ਵਾਪਸ ਆ ਗਈ ਹੈ।")
            publish(page)
            proc.wait_line(r"content/pa\b")
        written = [p for p in (site / "content/pa").rglob("*.md")]
        assert len(written) == 1, written
        text = written[0].read_text(encoding="utf-8")
        assert "lang: pa" in text and "translation_key: ferry" in text and "section: ਕੈਨੇਡਾ" in text
        english = request(port, "/national/ferry/").text
        assert 'hreflang="pa"' in english
        assert unexpected(errors) == [], errors
    finally:
        proc.interrupt()
    assert run("check", "--site", site, "--now", NOW) == 0
