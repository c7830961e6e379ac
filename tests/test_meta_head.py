"""Search-engine and social metadata, read back from the built pages with an HTML parser."""

from __future__ import annotations

import json
from pathlib import Path

import lxml.html
import pytest
from support import SITE_TOML, article, build, read, write_site

BASE = "https://gazette.example"


class Head:
    """The parts of a page that crawlers and social networks read."""

    def __init__(self, html: str):
        self.doc = lxml.html.fromstring(html)
        self.head = self.doc.head

    def meta(self, key: str) -> list[str]:
        """Return the content of every <meta property=key> or <meta name=key>, in order."""
        return [m.get("content") for m in self.head.iter("meta") if key in (m.get("property"), m.get("name"))]

    def one(self, key: str) -> str:
        (value,) = self.meta(key)
        return value

    def link(self, rel: str) -> list[str]:
        return [link.get("href") for link in self.head.iter("link") if link.get("rel") == rel]

    def jsonld(self, type_: str) -> dict:
        found = [d for d in self.all_jsonld() if d.get("@type") == type_]
        assert len(found) == 1, [d.get("@type") for d in self.all_jsonld()]
        return found[0]

    def all_jsonld(self) -> list[dict]:
        return [json.loads(s.text) for s in self.doc.iter("script") if s.get("type") == "application/ld+json"]


def head(site: Path, url: str) -> Head:
    return Head(read(site, url))


CORRECTIONS = (
    '\n  - date: 2026-02-11 10:00\n    text: "An earlier version gave the wrong date for the vote."'
    '\n  - date: 2026-02-10T18:00:00-08:00\n    text: "The mayor\'s name is Ana Li, not Anna Lee."'
)


def newsroom(site: Path, logo: bool = True) -> Path:
    return write_site(
        site,
        {
            "site.toml": SITE_TOML + ('logo = "/images/logo.png"\n' if logo else ""),
            "content/national/vote.md": article(
                "Council backs ferry plan",
                author="[Ann Writer, Bo Reporter]",
                date="2026-02-10 08:00",
                updated="2026-02-10T12:00:00-08:00",
                summary="'The vote was 7-2.'",
                tags="[ferries, council]",
                image="ferry.jpg",
                image_alt="'A ferry at dusk'",
                corrections=CORRECTIONS,
            ),
            "content/sports/regatta.md": article(
                "Rowers sweep regatta", section="Sports", date="2026-02-09 07:00", body="The club won all three finals."
            ),
        },
    )


def test_every_page_has_an_absolute_canonical_and_a_description(site):
    assert build(newsroom(site)) == 0
    public = site / "public"
    pages = [p for p in public.rglob("*.html")]
    assert len(pages) > 8
    for path in pages:
        rel = path.relative_to(public).as_posix()
        h = Head(path.read_text(encoding="utf-8"))
        url = BASE + "/" + rel.removesuffix("index.html")
        assert h.link("canonical") == [url], rel
        assert h.one("og:url") == url
        assert h.one("description") and h.one("og:description") == h.one("description") == h.one("twitter:description")
        assert h.doc.get("lang") == "en"
        assert h.one("og:site_name") == "The Test Gazette"


def test_article_open_graph_and_twitter_values(site):
    assert build(newsroom(site)) == 0
    h = head(site, "/national/vote/")
    assert h.one("description") == "The vote was 7-2."
    assert h.one("og:type") == "article"
    assert h.one("og:title") == "Council backs ferry plan"
    assert h.one("og:image") == f"{BASE}/national/vote/ferry.jpg"  # relative to the article, made absolute
    assert h.one("og:image:alt") == "A ferry at dusk"
    assert h.one("article:published_time") == "2026-02-10T08:00:00-08:00"
    assert h.one("article:modified_time") == "2026-02-11T10:00:00-08:00"  # the later correction
    assert h.one("article:section") == "National"
    assert h.meta("article:author") == [f"{BASE}/authors/ann-writer/", f"{BASE}/authors/bo-reporter/"]
    assert h.meta("article:tag") == ["ferries", "council"]
    assert h.one("twitter:card") == "summary_large_image"
    assert h.one("twitter:title") == "Council backs ferry plan"
    assert h.one("twitter:image") == f"{BASE}/national/vote/ferry.jpg"


def test_a_story_without_a_picture_or_logo_shares_the_papers_card_other_pages_none(site):
    assert build(newsroom(site, logo=False)) == 0
    h = head(site, "/sports/regatta/")
    assert h.one("og:type") == "article"
    assert h.one("description") == "The club won all three finals."  # the first paragraph
    assert h.meta("og:image") == h.meta("twitter:image") == [f"{BASE}/share.png"]
    assert h.one("twitter:card") == "summary_large_image"
    section = head(site, "/sports/")
    assert section.one("og:type") == "website" and section.meta("article:section") == []
    assert section.meta("og:image") == [] and section.one("twitter:card") == "summary"


def test_news_article_jsonld(site):
    assert build(newsroom(site)) == 0
    ld = head(site, "/national/vote/").jsonld("NewsArticle")
    url = f"{BASE}/national/vote/"
    assert ld["headline"] == "Council backs ferry plan"
    assert ld["url"] == url
    assert ld["mainEntityOfPage"] == {"@type": "WebPage", "@id": url}
    assert ld["datePublished"] == "2026-02-10T08:00:00-08:00"
    assert ld["dateModified"] == "2026-02-11T10:00:00-08:00"
    assert ld["image"] == [f"{BASE}/national/vote/ferry.jpg"]
    assert [a["name"] for a in ld["author"]] == ["Ann Writer", "Bo Reporter"]
    assert ld["publisher"] == {
        "@type": "NewsMediaOrganization",
        "name": "The Test Gazette",
        "url": f"{BASE}/",
        "logo": {"@type": "ImageObject", "url": f"{BASE}/images/logo.png"},
    }
    assert ld["correction"] == [
        {
            "@type": "CorrectionComment",
            "text": "The mayor's name is Ana Li, not Anna Lee.",
            "datePublished": "2026-02-10T18:00:00-08:00",
        },
        {
            "@type": "CorrectionComment",
            "text": "An earlier version gave the wrong date for the vote.",
            "datePublished": "2026-02-11T10:00:00-08:00",
        },
    ]


def test_breadcrumbs_and_website(site):
    assert build(newsroom(site)) == 0
    crumbs = head(site, "/national/vote/").jsonld("BreadcrumbList")["itemListElement"]
    assert [(c["position"], c["name"], c["item"]) for c in crumbs] == [
        (1, "The Test Gazette", f"{BASE}/"),
        (2, "National", f"{BASE}/national/"),
        (3, "Council backs ferry plan", f"{BASE}/national/vote/"),
    ]
    section = head(site, "/sports/").jsonld("BreadcrumbList")["itemListElement"]
    assert [c["item"] for c in section] == [f"{BASE}/", f"{BASE}/sports/"]
    home = head(site, "/")
    website = home.jsonld("WebSite")
    assert website["url"] == f"{BASE}/" and website["name"] == "The Test Gazette"
    assert website["publisher"]["logo"]["url"] == f"{BASE}/images/logo.png"
    assert home.one("og:type") == "website"
    assert home.one("og:image") == f"{BASE}/images/logo.png"  # the logo stands in where no story has a picture
    assert [d["@type"] for d in head(site, "/authors/").all_jsonld()] == []


def test_publisher_without_logo(site):
    assert build(newsroom(site, logo=False)) == 0
    publisher = head(site, "/national/vote/").jsonld("NewsArticle")["publisher"]
    assert publisher == {"@type": "NewsMediaOrganization", "name": "The Test Gazette", "url": f"{BASE}/"}


def test_corrections_render_dated_at_the_foot_of_the_story(site):
    assert build(newsroom(site)) == 0
    doc = lxml.html.fromstring(read(site, "/national/vote/"))
    (block,) = doc.find_class("corrections")
    assert block.getparent().tag == "article"
    assert block.find("h2").text_content() == "Corrections"
    items = block.find_class("correction")
    assert [i.find("time").get("datetime") for i in items] == ["2026-02-10T18:00:00-08:00", "2026-02-11T10:00:00-08:00"]
    assert "The mayor's name is Ana Li, not Anna Lee." in items[0].text_content()
    # It comes after the story's body.
    body = doc.find_class("story-body")[0]
    assert body.getparent().index(body) < block.getparent().index(block)
    assert doc.find_class("corrections") and not lxml.html.fromstring(read(site, "/sports/regatta/")).find_class(
        "corrections"
    )


HOSTILE = """'"Quotes" & <b>bold</b> </script><script>alert(1)</script> <!-- x'"""


def test_hostile_headline_is_escaped_in_attributes_and_jsonld(site):
    write_site(site, {"content/x.md": article(HOSTILE.strip("'"), summary=HOSTILE, date="2026-02-10 08:00", slug="x")})
    assert build(site) == 0
    raw = HOSTILE.strip("'")
    h = head(site, "/national/x/")
    assert h.one("og:title") == raw and h.one("twitter:title") == raw
    assert h.one("description") == raw
    assert h.jsonld("NewsArticle")["headline"] == raw
    assert h.jsonld("BreadcrumbList")["itemListElement"][2]["name"] == raw
    scripts = [s for s in h.doc.iter("script")]
    # Nothing injected: the two JSON-LD blocks, and the theme's live regions (includes = "client").
    assert [(s.get("type"), s.get("src")) for s in scripts] == [
        ("application/ld+json", None),
        ("application/ld+json", None),
        (None, "/fragments/live.js"),
    ]
    assert not [s for s in scripts if s.get("src") is None and s.get("type") != "application/ld+json"]
    assert h.doc.xpath("//b") == []


@pytest.mark.parametrize(
    "value, message",
    [
        ("'not a list'", "'corrections' must be a list of {date, text} entries"),
        ("[{date: 2026-02-11}]", "correction 1: 'text' must be non-empty text"),
        ("[{text: Fixed.}]", "correction 1: 'date' is missing or not a date"),
        ("[{date: 2026-02-11, text: Fixed., txt: x}]", "correction 1: unknown field 'txt' (did you mean 'text'?)"),
        ("[{date: 2026-01-01, text: Fixed.}]", "a correction is dated before the story's 'date'"),
    ],
)
def test_bad_corrections_are_reported_with_their_line(site, capsys, value, message):
    write_site(site, {"content/a.md": article(date="2026-02-01 09:00", corrections=value)})
    assert build(site) == 1
    err = capsys.readouterr().err
    assert f"a.md:6: {message}" in err  # the line of the corrections field
    assert "Traceback" not in err


def test_404_page_is_not_indexed(site):
    assert build(newsroom(site)) == 0
    assert head(site, "/404.html").meta("robots") == ["noindex"]
    assert head(site, "/").meta("robots") == []
