"""Live blogs: updates newest first with times and anchors, LiveBlogPosting JSON-LD, an updates feed, a "Live" mark,
and a plain story once `live_until` has passed."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from datetime import datetime

import pytest
from support import NOW, article, build, clean_build, read, tree_snapshot, write_site

from broadsheet.options import BuildOptions
from broadsheet.preview.session import Session

ATOM = "{http://www.w3.org/2005/Atom}"
BODY = """We are following the storm as it crosses the coast.

## 08:15 Wind picks up

Gusts of 90 km/h at the airport.

## 10:42 Ferry service suspended

All sailings are cancelled until further notice.

## 09:30 Schools close early
"""
LATER = "2026-02-12T20:00:00-08:00"  # after live_until


def storm(**fields: str) -> dict[str, str]:
    fields = {"live": "true", "live_until": "2026-02-12 18:00", **fields}
    return {
        "content/national/storm.md": article("Storm live", date="2026-02-12 08:00", body=BODY, **fields),
        "content/national/older.md": article("Older story", date="2026-02-11 08:00"),
    }


def jsonld(html: str) -> dict:
    return json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))


def test_updates_are_shown_newest_first_each_with_its_time_and_anchor(tmp_path):
    site = write_site(tmp_path / "site", storm())
    assert build(site) == 0
    html = read(site, "/national/storm/")
    ids = re.findall(r'<section class="live-update" id="([^"]+)">', html)
    assert ids == ["update-20260212-1042", "update-20260212-0930", "update-20260212-0815"]
    for anchor in ids:
        assert f'<a class="live-time" href="#{anchor}">' in html
    assert '<time datetime="2026-02-12T10:42:00-08:00">10:42</time></a> Ferry service suspended</h2>' in html
    assert html.index("following the storm") < html.index("update-20260212-1042")  # the introduction first


def test_json_ld_is_a_live_blog_posting_with_its_coverage_and_updates(tmp_path):
    site = write_site(tmp_path / "site", storm())
    assert build(site) == 0
    data = jsonld(read(site, "/national/storm/"))
    assert data["@type"] == "LiveBlogPosting"
    assert data["coverageStartTime"] == "2026-02-12T08:00:00-08:00"
    assert data["coverageEndTime"] == "2026-02-12T18:00:00-08:00"
    updates = data["liveBlogUpdate"]
    assert [u["headline"] for u in updates] == ["Ferry service suspended", "Schools close early", "Wind picks up"]
    assert updates[0] == {
        "@type": "BlogPosting",
        "headline": "Ferry service suspended",
        "datePublished": "2026-02-12T10:42:00-08:00",
        "url": "https://gazette.example/national/storm/#update-20260212-1042",
        "articleBody": "All sailings are cancelled until further notice.",
    }
    assert data["headline"] == "Storm live" and data["author"][0]["name"] == "Ann Writer"


def test_the_updates_feed_lists_each_update_newest_first(tmp_path):
    site = write_site(tmp_path / "site", storm())
    assert build(site) == 0
    feed = ET.fromstring((site / "public/national/storm/updates.xml").read_bytes())
    entries = feed.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == [
        "Ferry service suspended",
        "Schools close early",
        "Wind picks up",
    ]
    assert entries[0].find(f"{ATOM}link").get("href") == "https://gazette.example/national/storm/#update-20260212-1042"
    assert feed.findtext(f"{ATOM}updated") == "2026-02-12T10:42:00-08:00"
    assert '<a href="/national/storm/updates.xml">Follow the updates (Atom feed)</a>' in read(site, "/national/storm/")


def test_the_front_page_marks_a_running_live_blog(tmp_path):
    site = write_site(tmp_path / "site", storm())
    assert build(site) == 0
    home = read(site, "/")
    assert '<strong class="live-mark">Live</strong> <a href="/national/storm/">Storm live</a>' in home
    assert 'Live</strong> <a href="/national/older/">' not in home and "Older story" in home


def test_after_live_until_it_is_a_plain_story(tmp_path):
    site = write_site(tmp_path / "site", storm())
    assert build(site, now=LATER) == 0
    html = read(site, "/national/storm/")
    assert jsonld(html)["@type"] == "NewsArticle" and "liveBlogUpdate" not in jsonld(html)
    assert "live-mark" not in html and "live-mark" not in read(site, "/")
    assert not (site / "public/national/storm/updates.xml").exists()


@pytest.mark.slow
def test_the_blog_ending_between_two_builds_equals_a_clean_build(tmp_path):
    site = write_site(tmp_path / "site", storm())
    assert build(site) == 0
    assert build(site, now=LATER) == 0  # from the cache: the clock passes live_until
    assert tree_snapshot(site / "public") == clean_build(site, tmp_path, now=LATER)


@pytest.mark.slow
def test_a_new_update_saved_between_two_builds_equals_a_clean_build(tmp_path):
    site = write_site(tmp_path / "site", storm())
    assert build(site) == 0
    path = site / "content/national/storm.md"
    path.write_text(path.read_text() + "\n## 11:05 Power out downtown\n\nCrews are on the way.\n")
    assert build(site) == 0
    assert tree_snapshot(site / "public") == clean_build(site, tmp_path)
    assert read(site, "/national/storm/").index("update-20260212-1105") < read(site, "/national/storm/").index("1042")


def test_a_heading_that_is_not_a_time_of_day_is_a_problem_at_its_line(tmp_path, capsys):
    site = write_site(tmp_path / "site", storm())
    path = site / "content/national/storm.md"
    path.write_text(path.read_text().replace("## 09:30", "## 29:30"))
    assert build(site) == 1
    assert "storm.md:19: update heading '## 29:30 Schools close early': not a time of day" in capsys.readouterr().err


def test_a_story_without_live_keeps_its_time_headings_as_they_are(tmp_path):
    site = write_site(tmp_path / "site", {"content/national/a.md": article("Timeline", body=BODY)})
    assert build(site) == 0
    html = read(site, "/national/a/")
    assert "<h2>08:15 Wind picks up</h2>" in html and "live-update" not in html
    assert jsonld(html)["@type"] == "NewsArticle"


def test_a_new_headline_reaches_the_updates_feed_in_a_session_as_in_a_clean_build(tmp_path):
    site = write_site(tmp_path / "site", storm())
    session = Session(BuildOptions(site, tmp_path / "preview", datetime.fromisoformat(NOW)))
    try:
        session.rebuild()
        path = site / "content/national/storm.md"
        path.write_text(path.read_text().replace("title: 'Storm live'", "title: 'Storm live: ferries stop'"))
        session.rebuild({path})
    finally:
        session.close()
    clean = clean_build(site, tmp_path)
    assert tree_snapshot(tmp_path / "preview") == clean
    assert "Storm live: ferries stop: live updates" in clean["national/storm/updates.xml"].decode()
