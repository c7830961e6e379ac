"""A story without a picture, on a paper without a logo, shares its edition's card: the paper's name, drawn."""

from __future__ import annotations

import dataclasses
import json
import re
from collections import OrderedDict
from pathlib import Path

import pytest
from PIL import Image
from support import SITE_TOML, article, build, jpeg, read, tree_snapshot, write_site

from broadsheet.plan import cards
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


def card(site: Path, folder: str = "") -> Path:
    return site / "public" / folder / "share.png"


def test_a_story_without_a_picture_shares_the_papers_card(site):
    write_site(
        site,
        {
            "static/images/p.jpg": jpeg(),
            "content/a.md": article("Council backs the ferry plan"),
            "content/b.md": article("Pictured", image="/images/p.jpg", image_alt="'The harbour'"),
        },
    )
    assert build(site) == 0
    meta = head_meta(read(site, "/national/a/"))
    assert meta["og:image"] == meta["twitter:image"] == [f"{BASE}/share.png"]
    assert meta["og:image:alt"] == meta["twitter:image:alt"] == ["The Test Gazette"]
    assert meta["twitter:card"] == ["summary_large_image"]
    assert news_article(read(site, "/national/a/"))["image"] == [f"{BASE}/share.png"]
    with Image.open(card(site)) as im:
        assert (im.format, im.size) == ("PNG", (1200, 630))
        assert not set(im.info) & {"date:create", "date:modify", "timestamp"}  # no time in the file
    assert head_meta(read(site, "/national/b/"))["og:image"][0].startswith(f"{BASE}/images/p")  # its own picture
    assert [p.name for p in (site / "public").rglob("*.png")] == ["share.png"]  # one card, not one per story


def test_a_paper_with_a_logo_shares_the_logo_and_draws_no_card(site):
    write_site(
        site,
        {
            "site.toml": SITE_TOML + 'logo = "/images/logo.png"\n',
            "static/images/logo.png": jpeg(),
            "content/a.md": article("Plain story"),
        },
    )
    assert build(site) == 0
    assert head_meta(read(site, "/national/a/"))["og:image"] == [f"{BASE}/images/logo.png"]
    assert not card(site).exists()


def test_the_card_is_the_same_bytes_from_a_clean_build_and_changes_with_the_papers_name(site, tmp_path):
    write_site(site, {"content/a.md": article("Ferry plan")})
    assert build(site) == 0
    first = card(site).read_bytes()
    assert build(site, "--no-cache") == 0
    assert card(site).read_bytes() == first  # drawn again from nothing: the same bytes
    (site / "content/a.md").write_text(article("Ferry plan approved"))  # a new headline: the same card
    assert build(site) == 0
    assert card(site).read_bytes() == first
    toml = (site / "site.toml").read_text()
    (site / "site.toml").write_text(toml.replace('title = "The Test Gazette"', 'title = "The Harbour Gazette"'))
    assert build(site) == 0
    assert card(site).read_bytes() != first
    incremental = tree_snapshot(site / "public")
    assert build(site, "--no-cache") == 0
    assert tree_snapshot(site / "public") == incremental


def test_pillow_s_own_face_draws_accents_and_dashes_plainly_and_no_other_script():
    latin = face(None, 40)
    assert in_face(latin, "Council backs the plan") == "Council backs the plan"
    assert in_face(latin, "Café owners — and the fare") == "Cafe owners - and the fare"
    assert in_face(latin, "ਸਰੀ ਵਿੱਚ ਕਬੱਡੀ ਕੱਪ") is None  # Gurmukhi: the card shows the paper's name alone


def test_each_edition_has_its_card_and_a_punjabi_story_shares_its_editions(site):
    toml = SITE_TOML + '\n[languages.pa]\ntitle = "ਸਰੀ ਸਾਂਝ"\nsections = ["ਪੰਜਾਬ"]\n'
    write_site(site, {"site.toml": toml, "content/p.md": article("ਕਬੱਡੀ ਕੱਪ", section="ਪੰਜਾਬ", lang="pa", slug="p")})
    assert build(site) == 0
    with Image.open(card(site, "pa")) as im:
        assert im.size == (1200, 630)
    page = next((site / "public/pa").rglob("p/index.html")).read_text(encoding="utf-8")
    assert head_meta(page)["og:image"] == [f"{BASE}/pa/share.png"]


def test_a_card_drawn_twice_is_the_same_bytes_and_a_process_draws_each_card_once(tmp_path, monkeypatch):
    monkeypatch.setattr(cards, "_DRAWN", OrderedDict())
    drawn: list[str] = []
    real = cards.draw_card
    monkeypatch.setattr(cards, "draw_card", lambda card: drawn.append(card.name) or real(card))
    one = cards.Card("The Test Gazette", "en", False, None, tmp_path / "one" / "c1.png")
    assert cards.card_png(one) == cards.card_png(dataclasses.replace(one, cached=tmp_path / "x" / "c2.png"))
    assert drawn == ["The Test Gazette", "The Test Gazette"]  # named alike in the cache only when they show alike
    monkeypatch.setattr(cards, "DRAWN_KEPT", 1)
    for folder in ("a", "b"):  # two papers of one name in one process: the second copies the first's card
        cards.make_cards({"share.png": dataclasses.replace(one, cached=tmp_path / folder / "c1.png")})
    other = cards.Card("The Harbour Gazette", "en", False, None, tmp_path / "a" / "c3.png")
    cards.make_cards({"share.png": other})
    assert drawn == ["The Test Gazette", "The Test Gazette", "The Harbour Gazette"]
    assert len(cards._DRAWN) == 1  # only the last card drawn is kept: the first is drawn again when asked for
    assert (tmp_path / "a/c1.png").read_bytes() == (tmp_path / "b/c1.png").read_bytes() == cards.card_png(one)
    assert drawn[-1] == "The Test Gazette" and len(drawn) == 4
    assert (tmp_path / "a/c3.png").read_bytes() != cards.card_png(one)
