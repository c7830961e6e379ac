"""sitemap.xml against the official sitemaps.org XSD, the Google News sitemap, and robots.txt."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import feedparser
import lxml.html
import pytest
from browser import NODE_MODULES, need_node_tool
from lxml import etree
from support import NOW, REPO, SITE_TOML, article, build, read, run, write_site

from broadsheet.cli import parse_now
from broadsheet.load.config import load_config
from broadsheet.load.sources import load_articles
from broadsheet.model.site import build_paper
from broadsheet.plan import sitemaps
from broadsheet.plan.pages import Page, plan_pages, site_view
from broadsheet.render.draw import render_page
from broadsheet.render.jinja import make_env

BASE = "https://gazette.example"
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"
INDEX_XSD = Path(__file__).parent / "schemas" / "sitemapindex.xsd"


@pytest.fixture(scope="session")
def xsd_dir() -> Path:
    """The official sitemap.xsd, from the npm package `sitemap` pinned in package-lock.json (scripts/test installs it)."""
    return need_node_tool(NODE_MODULES / "sitemap" / "schema" / "sitemap.xsd").parent


@pytest.fixture(scope="session")
def urlset_schema(xsd_dir: Path) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(xsd_dir / "sitemap.xsd")))


@pytest.fixture(scope="session")
def index_schema(xsd_dir: Path) -> etree.XMLSchema:
    return etree.XMLSchema(etree.fromstring(INDEX_XSD.read_bytes(), base_url=str(xsd_dir) + "/"))


def xml(site: Path, url: str) -> etree._Element:
    return etree.fromstring((site / "public" / url.lstrip("/")).read_bytes())


def locs(root: etree._Element) -> list[str]:
    return [e.text for e in root.iter(f"{SM}loc")]


def lastmods(root: etree._Element) -> dict[str, str | None]:
    return {u.findtext(f"{SM}loc"): u.findtext(f"{SM}lastmod") for u in root}


def html_urls(public: Path) -> set[str]:
    """The URL of every HTML page in the output except the 404 and search pages."""
    found = set()
    for path in public.rglob("*.html"):
        rel = path.relative_to(public).as_posix()
        if rel not in ("404.html", "search/index.html"):  # neither is worth a search engine's visit
            found.add(BASE + "/" + rel.removesuffix("index.html"))
    return found


def newsroom(site: Path) -> Path:
    return write_site(
        site,
        {
            "content/n1.md": article("Plain story", date="2026-02-01 09:00"),
            "content/n2.md": article("Updated story", date="2026-02-02 09:00", updated="2026-02-05T10:30:00-08:00"),
            "content/s1.md": article(
                "Sports story", section="Sports", author="Bo Reporter", date="2026-01-20 18:00", tags="[rowing]"
            ),
            "content/draft.md": article("Draft", date="2026-02-03 09:00", draft="true"),
            "content/future.md": article("Future", date="2026-03-01 09:00"),
        },
    )


def test_sitemap_lists_every_public_page_and_is_valid(site, urlset_schema):
    assert build(newsroom(site)) == 0
    root = xml(site, "/sitemap.xml")
    assert urlset_schema.validate(root), urlset_schema.error_log
    listed = locs(root)
    assert len(listed) == len(set(listed))
    assert set(listed) == html_urls(site / "public")
    assert f"{BASE}/national/draft/" not in listed and f"{BASE}/national/future/" not in listed
    assert f"{BASE}/404.html" not in listed


def test_lastmod_comes_from_updated_else_date(site):
    assert build(newsroom(site)) == 0
    lastmod = lastmods(xml(site, "/sitemap.xml"))
    assert lastmod[f"{BASE}/national/n1/"] == "2026-02-01T09:00:00-08:00"
    assert lastmod[f"{BASE}/national/n2/"] == "2026-02-05T10:30:00-08:00"
    assert lastmod[f"{BASE}/national/"] == "2026-02-05T10:30:00-08:00"  # its newest change
    assert lastmod[f"{BASE}/sports/"] == "2026-01-20T18:00:00-08:00"
    assert lastmod[f"{BASE}/tags/rowing/"] == "2026-01-20T18:00:00-08:00"
    assert lastmod[f"{BASE}/arts-culture/"] is None  # nothing dates an empty section


def test_a_correction_moves_lastmod(site):
    corrections = '[{date: "2026-02-07 08:00", text: "Fixed a date."}]'
    assert (
        build(write_site(site, {"content/n1.md": article("S", date="2026-02-01 09:00", corrections=corrections)})) == 0
    )
    assert lastmods(xml(site, "/sitemap.xml"))[f"{BASE}/national/n1/"] == "2026-02-07T08:00:00-08:00"


def test_robots_txt_names_both_sitemaps(site):
    assert build(newsroom(site)) == 0
    lines = read(site, "/robots.txt").splitlines()
    assert "User-agent: *" in lines
    assert [line for line in lines if line.startswith("Sitemap:")] == [
        f"Sitemap: {BASE}/sitemap.xml",
        f"Sitemap: {BASE}/news-sitemap.xml",
    ]


# The news sitemap: NOW is 2026-02-12T12:00:00-08:00, so the window opens at 2026-02-10 12:00 local.
def test_news_sitemap_holds_exactly_the_last_48_hours(site):
    write_site(
        site,
        {
            "content/edge-in.md": article("Exactly 48 hours old", date="2026-02-10 12:00"),
            "content/edge-out.md": article("A minute too old", date="2026-02-10 11:59"),
            "content/utc.md": article("Filed in UTC", date="2026-02-12T19:30:00Z", section="Sports"),  # 11:30 local
            "content/now.md": article("Published at now", date="2026-02-12 12:00"),
            "content/later.md": article("A minute in the future", date="2026-02-12 12:01"),
            "content/draft.md": article("Recent draft", date="2026-02-12 08:00", draft="true"),
        },
    )
    assert build(site) == 0
    root = xml(site, "/news-sitemap.xml")
    assert root.tag == f"{SM}urlset"
    titles = [u.findtext(f"{NEWS}news/{NEWS}title") for u in root]
    assert titles == ["Published at now", "Filed in UTC", "Exactly 48 hours old"]


def test_news_sitemap_fields(site):
    write_site(
        site,
        {
            "site.toml": SITE_TOML + 'language = "en-CA"\n',
            "content/n1.md": article("Harbour & ferry <news>", date="2026-02-12 08:15", slug="harbour"),
        },
    )
    assert build(site) == 0
    (url,) = xml(site, "/news-sitemap.xml")
    news = url.find(f"{NEWS}news")
    assert url.findtext(f"{SM}loc") == f"{BASE}/national/harbour/"
    assert news.findtext(f"{NEWS}publication/{NEWS}name") == "The Test Gazette"
    assert news.findtext(f"{NEWS}publication/{NEWS}language") == "en"  # ISO 639, as Google News wants
    assert news.findtext(f"{NEWS}publication_date") == "2026-02-12T08:15:00-08:00"
    assert news.findtext(f"{NEWS}title") == "Harbour & ferry <news>"


def test_an_empty_news_sitemap_is_still_written(site):
    assert build(write_site(site, {"content/old.md": article("Old", date="2025-12-01 09:00")})) == 0
    root = xml(site, "/news-sitemap.xml")
    assert root.tag == f"{SM}urlset" and len(root) == 0


@pytest.mark.slow
def test_news_sitemap_splits_past_1000_stories(site):
    now = parse_now(NOW)
    files = {
        f"content/n{i}.md": article(f"Story {i}", date=(now - timedelta(minutes=2 * i)).isoformat(), body="x")
        for i in range(1001)
    }
    assert build(write_site(site, files)) == 0
    index = xml(site, "/news-sitemap.xml")
    assert index.tag == f"{SM}sitemapindex"
    assert locs(index) == [f"{BASE}/news-sitemap-1.xml", f"{BASE}/news-sitemap-2.xml"]
    parts = [xml(site, f"/news-sitemap-{n}.xml") for n in (1, 2)]
    assert [len(p) for p in parts] == [1000, 1]
    assert [e.findtext(f"{SM}lastmod") for e in index] == [now.isoformat(), (now - timedelta(minutes=2000)).isoformat()]
    assert sorted(locs(parts[0]) + locs(parts[1])) == sorted(f"{BASE}/national/n{i}/" for i in range(1001))


# Splitting: the rule with small limits, then a real site past 50,000 URLs.
def test_split_entries_respects_both_limits():
    entries = [sitemaps.SitemapEntry(f"{BASE}/s/{i}/", None) for i in range(7)]
    runs = sitemaps.split_entries(entries, 3, 10**9, sitemaps.entry_size)
    assert [len(r) for r in runs] == [3, 3, 1]
    assert [e for r in runs for e in r] == entries
    size = sitemaps.entry_size(entries[0])
    runs = sitemaps.split_entries(entries, 100, 1024 + 2 * size, sitemaps.entry_size)
    assert [len(r) for r in runs] == [2, 2, 2, 1]
    assert sitemaps.split_entries([], 3, 10**9, sitemaps.entry_size) == [()]


def render_plan(site_dir: Path, **limits: int) -> dict[str, bytes]:
    """Plan a built site's sitemap with smaller limits and render it through the real templates."""
    config = load_config(site_dir / "site.toml")
    model = build_paper(config, load_articles(site_dir / "content", config).articles, parse_now(NOW))
    env = make_env(site_dir / "templates", config)
    pages = plan_pages(model).pages
    files = {}
    for f in sitemaps.plan_sitemap(pages, model, **limits):
        files[f.url] = render_page(
            env, Page(f.url, "sitemap", f.template, "Sitemap", (), f.view), model, site_view(model.editions[0], config)
        )
    return files


def test_sitemap_split_by_count_gives_a_valid_index(site, urlset_schema, index_schema):
    assert build(newsroom(site)) == 0
    files = render_plan(site, max_urls=4)
    expected = sorted(html_urls(site / "public"))
    n = -(-len(expected) // 4)
    assert sorted(files) == sorted(["/sitemap.xml", *(f"/sitemap-{i}.xml" for i in range(1, n + 1))])
    index = etree.fromstring(files["/sitemap.xml"])
    assert index_schema.validate(index), index_schema.error_log
    assert locs(index) == [f"{BASE}/sitemap-{i}.xml" for i in range(1, n + 1)]
    listed = []
    for i in range(1, n + 1):
        part = etree.fromstring(files[f"/sitemap-{i}.xml"])
        assert urlset_schema.validate(part), urlset_schema.error_log
        assert 1 <= len(part) <= 4
        listed += locs(part)
        # Each index entry's lastmod is the newest lastmod in its part.
        part_times = [datetime.fromisoformat(t) for t in lastmods(part).values() if t]
        entry = index[i - 1].findtext(f"{SM}lastmod")
        assert (datetime.fromisoformat(entry) if entry else None) == (max(part_times) if part_times else None)
    assert sorted(listed) == expected


def test_sitemap_split_by_size_keeps_each_file_under_the_limit(site, urlset_schema):
    assert build(newsroom(site)) == 0
    files = render_plan(site, max_bytes=1800)
    parts = {url: data for url, data in files.items() if url != "/sitemap.xml"}
    assert len(parts) > 2
    assert all(len(data) <= 1800 for data in parts.values()), {u: len(d) for u, d in parts.items()}
    listed = [loc for data in parts.values() for loc in locs(etree.fromstring(data))]
    assert sorted(listed) == sorted(html_urls(site / "public"))


@pytest.mark.slow
def test_a_site_past_50000_urls_gets_a_sitemap_index(site, urlset_schema, index_schema):
    # 500 stories with 101 topics each: 50,500 topic pages. Tiny page templates keep the build quick;
    # the sitemap templates are the real ones.
    tiny = {
        f"templates/{name}": "{{ page.title }}\n"
        for name in (
            "base.html",
            "home.html",
            "section.html",
            "article.html",
            "author.html",
            "authors.html",
            "tag.html",
            "tags.html",
            "404.html",
            "search.html",
        )
    }
    real = {
        f"templates/{p.name}": p.read_text(encoding="utf-8")
        for p in sorted((REPO / "templates").iterdir())
        if p.suffix in (".xml", ".txt")
    }
    stories = {}
    for i in range(500):
        tags = ", ".join(f"t{i}-{j}" for j in range(101))
        stories[f"content/a{i}.md"] = (
            f"---\ntitle: S{i}\nsection: National\nauthor: A\ndate: 2026-01-01 00:00\ntags: [{tags}]\n---\nx\n"
        )
    assert build(write_site(site, {**tiny, **real, **stories}, templates=False)) == 0
    public = site / "public"
    index = xml(site, "/sitemap.xml")
    assert index.tag == f"{SM}sitemapindex"
    assert index_schema.validate(index), index_schema.error_log
    assert locs(index) == [f"{BASE}/sitemap-1.xml", f"{BASE}/sitemap-2.xml"]
    parts = [xml(site, f"/sitemap-{n}.xml") for n in (1, 2)]
    for part in parts:
        assert urlset_schema.validate(part), urlset_schema.error_log
    assert len(parts[0]) == 50_000
    listed = locs(parts[0]) + locs(parts[1])
    assert len(listed) > 50_000
    assert set(listed) == html_urls(public) and len(listed) == len(set(listed))


@pytest.mark.slow
def test_the_sample_site_publishes_valid_feeds_sitemaps_and_metadata(tmp_path, urlset_schema):
    """The bundled sample site, which none of these tests wrote, checked end to end."""
    config = load_config(REPO / "site.toml")
    stories = [a for a in load_articles(REPO / "content", config).articles if not a.draft]
    now = max(a.date for a in stories) + timedelta(hours=1)
    out = tmp_path / "public"
    assert run("build", "--site", REPO, "--output", out, "--now", now.isoformat()) == 0
    base = config.base_url

    atom = etree.RelaxNG(etree.parse(str(Path(__file__).parent / "schemas" / "atom.rng")))
    feeds = sorted(out.rglob("feed.xml"))
    assert len(feeds) >= 1 + len(config.sections)
    for path in feeds:
        assert atom.validate(etree.parse(str(path))), (path, atom.error_log)
        parsed = feedparser.parse(path.read_bytes())
        assert not parsed.bozo
        published = [datetime.fromisoformat(e.published) for e in parsed.entries]
        assert published == sorted(published, reverse=True)
        assert all(e.link.startswith(base + "/") for e in parsed.entries)
    section_feed = feedparser.parse((out / config.sections[0].slug / "feed.xml").read_bytes())
    assert {e.tags[0].term for e in section_feed.entries} <= {config.sections[0].name}

    sitemap = etree.parse(str(out / "sitemap.xml"))
    assert urlset_schema.validate(sitemap), urlset_schema.error_log
    listed = set(locs(sitemap.getroot()))
    pages = {
        base + "/" + p.relative_to(out).as_posix().removesuffix("index.html")
        for p in out.rglob("*.html")
        if p.relative_to(out).as_posix() not in ("404.html", "search/index.html")
    }
    assert listed == pages

    news = etree.parse(str(out / "news-sitemap.xml")).getroot()
    expected = {base + a.url for a in stories if now - timedelta(hours=48) <= a.date <= now}
    assert expected and set(locs(news)) == expected

    for path in out.rglob("*.html"):
        doc = lxml.html.fromstring(path.read_text(encoding="utf-8"))
        canonical = doc.head.xpath("link[@rel='canonical']/@href")
        assert canonical == doc.head.xpath("meta[@property='og:url']/@content") and canonical[0].startswith(base)
        if doc.head.xpath("meta[@property='og:type']/@content") == ["article"]:
            (ld,) = [
                d
                for s in doc.xpath("//script[@type='application/ld+json']")
                if (d := json.loads(s.text))["@type"] == "NewsArticle"
            ]
            assert ld["@type"] == "NewsArticle" and ld["url"] == canonical[0]
            assert ld["headline"] == doc.xpath("//h1")[0].text_content().strip()
            assert doc.head.xpath("meta[@property='og:title']/@content") == [ld["headline"]]
