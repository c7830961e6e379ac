"""Subscriber-only stories (`free: false`): the JSON-LD Google documents for paywalled content, and the class it names."""

from __future__ import annotations

import json
import re

from support import article, build, read, write_site


def news_article(html: str) -> dict:
    found = [json.loads(m) for m in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.DOTALL)]
    return next(o for o in found if o.get("@type") == "NewsArticle")


def test_a_story_not_free_is_marked_in_json_ld_and_its_body_carries_the_selector(site):
    write_site(
        site,
        {
            "content/paid.md": article("Paid", date="2026-02-10 09:00", free="false"),
            "content/open.md": article("Open", date="2026-02-10 09:00"),
            "content/said.md": article("Said free", date="2026-02-10 09:00", free="true"),
        },
    )
    assert build(site) == 0
    paid = read(site, "/national/paid/")
    ld = news_article(paid)
    assert ld["isAccessibleForFree"] is False
    assert ld["hasPart"] == {"@type": "WebPageElement", "isAccessibleForFree": False, "cssSelector": ".paywall"}
    assert '<div class="story-body paywall">' in paid  # the element the selector names holds the story
    for url in ("/national/open/", "/national/said/"):
        html = read(site, url)
        assert "isAccessibleForFree" not in news_article(html) and "paywall" not in html


def test_free_must_be_true_or_false(site, capsys):
    write_site(site, {"content/a.md": article("A", free="sometimes")})
    assert build(site) == 1
    assert "content/a.md:6: 'free' must be true or false" in capsys.readouterr().err
