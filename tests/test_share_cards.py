"""A story without a picture, on a paper without a logo, shares a picture drawn from its headline."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from PIL import Image

from support import SITE_TOML, article, build, jpeg, read, tree_snapshot, write_site
from broadsheet.plan.cards import face, in_face

BASE = "https://gazette.example"


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return tmp_path / "site"


def head_meta(html: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for key, value in re.findall(r'<meta (?:property|name)="([^"]+)" content="([^"]*)">', html):
        found.setdefault(key, []).append(value)
    return found


def news_article(html: str) -> dict:
    found = [json.loads(m) for m in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.DOTALL)]
    return next(d for d in found if d["@type"] == "NewsArticle")


def card(site: Path, url: str) -> Path:
    return site / "public" / url.lstrip("/") / "share.png"


def test_a_story_without_a_picture_shares_a_card_drawn_from_its_headline(site):
    write_site(site, {"static/images/p.jpg": jpeg(),
                      "content/a.md": article("Council backs the ferry plan"),
                      "content/b.md": article("Pictured", image="/images/p.jpg", image_alt="'The harbour'")})
    assert build(site) == 0
    meta = head_meta(read(site, "/national/a/"))
    assert meta["og:image"] == meta["twitter:image"] == [f"{BASE}/national/a/share.png"]
    assert meta["og:image:alt"] == meta["twitter:image:alt"] == ["Council backs the ferry plan"]
    assert meta["twitter:card"] == ["summary_large_image"]
    assert news_article(read(site, "/national/a/"))["image"] == [f"{BASE}/national/a/share.png"]
    with Image.open(card(site, "/national/a/")) as im:
        assert (im.format, im.size) == ("PNG", (1200, 630))
        assert not set(im.info) & {"date:create", "date:modify", "timestamp"}  # no time in the file
    assert not card(site, "/national/b/").exists()  # a story with its own picture shares that
    assert head_meta(read(site, "/national/b/"))["og:image"][0].startswith(f"{BASE}/images/p")


def test_a_paper_with_a_logo_shares_the_logo_and_draws_no_card(site):
    write_site(site, {"site.toml": SITE_TOML + 'logo = "/images/logo.png"\n', "static/images/logo.png": jpeg(),
                      "content/a.md": article("Plain story")})
    assert build(site) == 0
    assert head_meta(read(site, "/national/a/"))["og:image"] == [f"{BASE}/images/logo.png"]
    assert not card(site, "/national/a/").exists()


def test_a_card_is_the_same_bytes_from_a_clean_build_and_changes_only_with_its_headline(site, tmp_path):
    write_site(site, {"content/a.md": article("Ferry plan"), "content/b.md": article("Bridge tolls",
                                                                                        date="2026-02-02 09:00")})
    assert build(site) == 0
    first = card(site, "/national/a/").read_bytes()
    other = card(site, "/national/b/").read_bytes()
    assert build(site, "--no-cache") == 0
    assert card(site, "/national/a/").read_bytes() == first  # drawn again from nothing: the same bytes
    # A new body redraws no card; a new headline draws that story's card only, as a clean build would.
    (site / "content/b.md").write_text(article("Bridge tolls", date="2026-02-02 09:00", body="New body."))
    assert build(site) == 0
    assert card(site, "/national/b/").read_bytes() == other
    (site / "content/a.md").write_text(article("Ferry plan approved"))
    assert build(site) == 0
    assert card(site, "/national/a/").read_bytes() != first
    assert card(site, "/national/b/").read_bytes() == other
    incremental = tree_snapshot(site / "public")
    assert build(site, "--no-cache") == 0
    assert tree_snapshot(site / "public") == incremental


def test_a_story_given_a_picture_later_loses_its_card_as_a_clean_build_would(site):
    write_site(site, {"static/images/p.jpg": jpeg(), "content/a.md": article("Ferry plan")})
    assert build(site) == 0
    assert card(site, "/national/a/").exists()
    (site / "content/a.md").write_text(article("Ferry plan", image="/images/p.jpg", image_alt="'Ferry'"))
    assert build(site) == 0
    assert not card(site, "/national/a/").exists()
    incremental = tree_snapshot(site / "public")
    assert build(site, "--no-cache") == 0
    assert tree_snapshot(site / "public") == incremental


def test_pillow_s_own_face_draws_accents_and_dashes_plainly_and_no_other_script():
    latin = face(None, 40)
    assert in_face(latin, "Council backs the plan") == "Council backs the plan"
    assert in_face(latin, "Café owners — and the fare") == "Cafe owners - and the fare"
    assert in_face(latin, "ਸਰੀ ਵਿੱਚ ਕਬੱਡੀ ਕੱਪ") is None  # Gurmukhi: the card shows the paper's name alone


def test_a_punjabi_story_gets_a_card_too(site):
    toml = SITE_TOML + '\n[languages.pa]\ntitle = "ਸਰੀ ਸਾਂਝ"\nsections = ["ਪੰਜਾਬ"]\n'
    write_site(site, {"site.toml": toml, "content/p.md": article("ਕਬੱਡੀ ਕੱਪ", section="ਪੰਜਾਬ", lang="pa", slug="p")})
    assert build(site) == 0
    page = [u for u in (site / "public" / "pa").rglob("share.png")]
    assert len(page) == 1
    with Image.open(page[0]) as im:
        assert im.size == (1200, 630)
