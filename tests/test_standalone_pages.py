"""Standalone pages (content/pages/*.md) and the transparency pages site.toml names in the publisher's JSON-LD."""

from __future__ import annotations

import json
import re

import pytest
from support import SITE_TOML, article, build, read, write_site

ABOUT = "---\ntitle: About the Gazette\nsummary: Who we are.\n---\nWe cover the harbour.\n"
ETHICS = "---\ntitle: Ethics policy\nslug: ethics\n---\nWe correct our mistakes.\n"
TRANSPARENCY = '\n[transparency]\nethicsPolicy = "ethics"\npublishingPrinciples = "about"\n'


def ld_objects(html: str) -> list[dict]:
    return [json.loads(m) for m in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.DOTALL)]


def test_a_standalone_page_is_at_its_slug_with_no_section_byline_or_date(site):
    write_site(
        site,
        {
            "content/pages/about.md": ABOUT,
            "content/pages/ethics-policy.md": ETHICS,
            "content/a.md": article("A story", date="2026-02-12 09:00"),
        },
    )
    assert build(site) == 0
    about = read(site, "/about/")
    assert '<h1 class="page-title">About the Gazette</h1>' in about
    assert "<p>We cover the harbour.</p>" in about
    assert 'content="Who we are."' in about  # the summary is the description
    assert "We correct our mistakes." in read(site, "/ethics/")  # `slug` decides the URL
    main = about.split('<main id="main">', 1)[1].split("</main>", 1)[0]
    assert 'class="byline' not in main and "<time" not in main and 'class="kicker"' not in main


def test_standalone_pages_are_in_the_footer_and_sitemap_but_no_list_feed_or_news_sitemap(site):
    write_site(
        site,
        {
            "content/pages/about.md": ABOUT,
            "content/a.md": article("A story", date="2026-02-12 09:00", tags="[Harbour]"),
        },
    )
    assert build(site) == 0
    for url in ("/", "/national/a/", "/authors/ann-writer/", "/tags/", "/404.html"):
        footer = read(site, url).split('<footer class="site-footer">', 1)[1]
        assert '<a href="/about/">About the Gazette</a>' in footer, url
    assert "https://gazette.example/about/" in read(site, "/sitemap.xml")
    for url in (
        "/feed.xml",
        "/rss.xml",
        "/national/feed.xml",
        "/news-sitemap.xml",
        "/national/",
        "/tags/harbour/",
        "/authors/ann-writer/",
    ):
        assert "About the Gazette" not in read(site, url).split('<footer class="site-footer">', 1)[0], url
    assert "/about/" not in read(site, "/news-sitemap.xml")


def test_a_page_whose_url_another_output_takes_is_a_problem_at_its_line(site, capsys):
    write_site(
        site,
        {
            "content/pages/national.md": "---\ntitle: National desk\n---\nx\n",
            "content/pages/team.md": "---\ntitle: Team\nsummary: s\nslug: authors\n---\nx\n",
        },
    )
    assert build(site) == 1
    err = capsys.readouterr().err
    assert re.search(r"content/pages/national\.md:2: two outputs at /national/index\.html: the section 'National'", err)
    assert re.search(r"content/pages/team\.md:4: two outputs at /authors/index\.html", err)


def test_page_problems_are_collected_with_the_story_problems(site, capsys):
    write_site(
        site,
        {
            "content/pages/a.md": "---\nsummary: no title\n---\nx\n",
            "content/pages/b.md": "---\ntitle: [1, 2]\n---\nx\n",
            "content/pages/c.md": "---\ntitle: C\nslug: a/b\n---\nx\n",
            "content/pages/d.md": "---\ntitle: D\nslug: a\n---\nx\n",
            "content/bad.md": article("Bad", section="Nowhere"),
        },
    )
    assert build(site) == 1
    err = capsys.readouterr().err
    assert "content/pages/a.md:1: missing required field 'title'" in err
    assert "content/pages/b.md:2: 'title' must be text" in err
    assert "content/pages/c.md:3: 'slug' must be a plain name" in err
    assert "content/bad.md:3: unknown section 'Nowhere'" in err


def test_two_pages_at_one_url_name_both(site, capsys):
    write_site(site, {"content/pages/about.md": ABOUT, "content/pages/us.md": "---\ntitle: Us\nslug: about\n---\nx\n"})
    assert build(site) == 1
    assert re.search(
        r"content/pages/us\.md:3: the page URL /about/ is also that of \S*content/pages/about\.md",
        capsys.readouterr().err,
    )


def test_transparency_pages_are_named_in_the_publisher_json_ld_with_absolute_urls(site):
    write_site(
        site,
        {
            "site.toml": SITE_TOML + TRANSPARENCY,
            "content/pages/about.md": ABOUT,
            "content/pages/ethics-policy.md": ETHICS,
            "content/a.md": article("A story", date="2026-02-12 09:00"),
        },
    )
    assert build(site) == 0
    story = next(o for o in ld_objects(read(site, "/national/a/")) if o.get("@type") == "NewsArticle")
    publisher = story["publisher"]
    assert publisher["@type"] == "NewsMediaOrganization"
    assert publisher["ethicsPolicy"] == "https://gazette.example/ethics/"
    assert publisher["publishingPrinciples"] == "https://gazette.example/about/"
    website = next(o for o in ld_objects(read(site, "/")) if o.get("@type") == "WebSite")
    assert website["publisher"]["ethicsPolicy"] == "https://gazette.example/ethics/"


def test_transparency_must_name_known_properties_and_existing_pages(site, capsys):
    toml = SITE_TOML + '\n[transparency]\nethicsPolice = "ethics"\ncorrectionsPolicy = "corrections"\n'
    write_site(site, {"site.toml": toml, "content/pages/ethics-policy.md": ETHICS})
    assert build(site) == 1
    assert (
        "site.toml:9: [transparency]: unknown property 'ethicsPolice' (did you mean 'ethicsPolicy'?)"
        in capsys.readouterr().err
    )
    write_site(site, {"site.toml": SITE_TOML + '\n[transparency]\ncorrectionsPolicy = "corrections"\n'})
    assert build(site) == 1
    assert (
        "site.toml:9: [transparency] correctionsPolicy names the page 'corrections', but content/pages/ has "
        "no page with that slug (the pages: ethics)"
    ) in capsys.readouterr().err


@pytest.mark.slow
def test_editing_a_page_redraws_it_and_the_footers_without_a_clean_build(site):
    write_site(site, {"content/pages/about.md": ABOUT, "content/a.md": article("A story", date="2026-02-12 09:00")})
    assert build(site) == 0
    (site / "content/pages/about.md").write_text(ABOUT.replace("About the Gazette", "Who we are"))
    assert build(site) == 0
    assert '<a href="/about/">Who we are</a>' in read(site, "/national/a/")
    (site / "content/pages/about.md").unlink()
    assert build(site) == 0
    assert not (site / "public/about/index.html").exists()
    assert "/about/" not in read(site, "/national/a/")
