"""Atom feeds, read back by feedparser and checked against a RELAX NG schema of RFC 4287."""

from __future__ import annotations

import copy
from datetime import datetime
from pathlib import Path

import feedparser
import lxml.html
import pytest
from lxml import etree
from support import SITE_TOML, article, build, jpeg, read, write_site

ATOM = "{http://www.w3.org/2005/Atom}"
NS = {"a": "http://www.w3.org/2005/Atom"}
BASE = "https://gazette.example"
SCHEMA = Path(__file__).parent / "schemas" / "atom.rng"


@pytest.fixture(scope="module")
def atom_schema() -> etree.RelaxNG:
    return etree.RelaxNG(etree.parse(str(SCHEMA)))


def feed_bytes(site: Path, url: str) -> bytes:
    return (site / "public" / url.lstrip("/")).read_bytes()


def parse_feed(site: Path, url: str) -> feedparser.FeedParserDict:
    parsed = feedparser.parse(feed_bytes(site, url))
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed


def newsroom(site: Path, **toml: str) -> Path:
    extra = "".join(f"{k} = {v}\n" for k, v in toml.items())
    return write_site(
        site,
        {
            "site.toml": SITE_TOML + extra,
            "content/n1.md": article(
                "Ferry fares frozen", author="Ann Writer", date="2026-02-10 08:00", tags="[ferries, transit]"
            ),
            "content/n2.md": article(
                "Council meets",
                author="[Ann Writer, Bo Reporter]",
                date="2026-02-11 09:30",
                updated="2026-02-11T15:00:00-08:00",
            ),
            "content/s1.md": article(
                "Rowers sweep regatta", section="Sports", author="Bo Reporter", date="2026-02-09 07:00"
            ),
            "content/old.md": article("An older story", date="2026-01-05 12:00"),
            "content/draft.md": article("Secret draft", date="2026-02-11 10:00", draft="true"),
            "content/future.md": article("Tomorrow's story", date="2026-02-13 06:00"),
        },
    )


def test_site_feed_lists_live_stories_newest_first_with_rfc3339_dates(site):
    assert build(newsroom(site)) == 0
    feed = parse_feed(site, "/feed.xml")
    assert feed.version == "atom10"
    assert feed.feed.title == "The Test Gazette"
    assert [e.title for e in feed.entries] == [
        "Council meets",
        "Ferry fares frozen",
        "Rowers sweep regatta",
        "An older story",
    ]
    first = feed.entries[0]
    assert first.link == f"{BASE}/national/n2/"
    assert first.published == "2026-02-11T09:30:00-08:00"
    assert first.updated == "2026-02-11T15:00:00-08:00"
    assert [a.name for a in first.authors] == ["Ann Writer", "Bo Reporter"]
    assert first.authors[1].href == f"{BASE}/authors/bo-reporter/"
    assert feed.feed.updated == "2026-02-11T15:00:00-08:00"  # the newest change among its entries
    links = {link.rel: link.href for link in feed.feed.links}
    assert links == {"self": f"{BASE}/feed.xml", "alternate": f"{BASE}/"}
    published = [datetime.fromisoformat(e.published) for e in feed.entries]
    assert published == sorted(published, reverse=True)


def test_drafts_and_future_stories_never_reach_a_feed(site):
    assert build(newsroom(site)) == 0
    for url in ("/feed.xml", "/national/feed.xml", "/authors/ann-writer/feed.xml"):
        titles = [e.title for e in parse_feed(site, url).entries]
        assert "Secret draft" not in titles and "Tomorrow's story" not in titles


def test_section_and_author_feeds_are_scoped(site):
    assert build(newsroom(site)) == 0
    national = parse_feed(site, "/national/feed.xml")
    assert [e.title for e in national.entries] == ["Council meets", "Ferry fares frozen", "An older story"]
    assert {e.tags[0].term for e in national.entries} == {"National"}
    assert national.feed.title == "National | The Test Gazette"
    assert [e.title for e in parse_feed(site, "/sports/feed.xml").entries] == ["Rowers sweep regatta"]
    assert parse_feed(site, "/arts-culture/feed.xml").entries == []  # an empty section still has a valid feed
    bo = parse_feed(site, "/authors/bo-reporter/feed.xml")
    assert [e.title for e in bo.entries] == ["Council meets", "Rowers sweep regatta"]
    assert {link.rel: link.href for link in bo.feed.links}["alternate"] == f"{BASE}/authors/bo-reporter/"


def test_every_feed_is_valid_atom(site, atom_schema):
    assert build(newsroom(site)) == 0
    feeds = sorted((site / "public").rglob("feed.xml"))
    assert len(feeds) == 1 + 3 + 2  # site, three sections, two authors
    for path in feeds:
        doc = etree.parse(str(path))
        assert atom_schema.validate(doc), (path, atom_schema.error_log)


def _without(doc: etree._ElementTree, xpath: str) -> etree._ElementTree:
    broken = copy.deepcopy(doc)
    found = broken.xpath(xpath, namespaces=NS)
    assert found, xpath
    for element in found:
        element.getparent().remove(element)
    return broken


@pytest.mark.parametrize(
    "xpath",
    [
        "/a:feed/a:id",
        "/a:feed/a:title",
        "/a:feed/a:updated",
        "/a:feed/a:link[@rel='self']",
        "/a:feed/a:entry[1]/a:id",
        "/a:feed/a:entry[1]/a:title",
        "/a:feed/a:entry[1]/a:updated",
        "/a:feed/a:author | /a:feed/a:entry[1]/a:author",  # nobody authored the first entry
        "/a:feed/a:entry[1]/a:content | /a:feed/a:entry[1]/a:link",  # neither content nor an alternate link
    ],
)
def test_the_schema_rejects_a_feed_missing_a_required_element(site, atom_schema, xpath):
    assert build(newsroom(site)) == 0
    doc = etree.parse(str(site / "public" / "feed.xml"))
    assert atom_schema.validate(doc)
    assert not atom_schema.validate(_without(doc, xpath))


def test_the_schema_accepts_what_the_rfc_allows(site, atom_schema):
    assert build(newsroom(site)) == 0
    doc = etree.parse(str(site / "public" / "feed.xml"))
    # Authors on every entry make the feed's own author optional; a link makes content optional.
    assert atom_schema.validate(_without(doc, "/a:feed/a:author"))
    assert atom_schema.validate(_without(doc, "/a:feed/a:entry/a:content"))


@pytest.mark.parametrize("bad", ["2026-02-11T09:30:00", "2026-02-11 09:30:00-08:00", "11 Feb 2026"])
def test_the_schema_rejects_dates_that_are_not_rfc3339(site, atom_schema, bad):
    assert build(newsroom(site)) == 0
    doc = etree.parse(str(site / "public" / "feed.xml"))
    doc.find(f"{ATOM}entry/{ATOM}published").text = bad
    assert not atom_schema.validate(doc)


def test_entry_ids_survive_a_headline_edit_and_differ_between_stories(site):
    files = {
        "content/n1.md": article("First headline", date="2026-02-10 08:00"),
        "content/n2.md": article("Other story", date="2026-02-10 08:00"),
    }
    assert build(write_site(site, files)) == 0
    before = {e.link: e.id for e in parse_feed(site, "/feed.xml").entries}
    assert (
        build(
            write_site(
                site,
                {
                    "content/n1.md": article(
                        "Edited: a better headline", date="2026-02-10 08:00", updated="2026-02-10 10:00"
                    )
                },
            )
        )
        == 0
    )
    after = {e.link: e.id for e in parse_feed(site, "/feed.xml").entries}
    assert after == before
    assert len(set(after.values())) == 2
    assert before[f"{BASE}/national/n1/"] == "tag:gazette.example,2026-02-10:/national/n1/"


def test_feed_size_keeps_the_newest(site):
    files = {f"content/a{n}.md": article(f"Story {n}", date=f"2026-02-{n:02d} 08:00") for n in range(1, 8)}
    assert build(write_site(site, {"site.toml": SITE_TOML + "feed_size = 3\n", **files})) == 0
    assert [e.title for e in parse_feed(site, "/feed.xml").entries] == ["Story 7", "Story 6", "Story 5"]


def test_default_feed_size_is_twenty(site):
    files = {f"content/a{n}.md": article(f"Story {n}", date=f"2026-01-{n:02d} 08:00") for n in range(1, 26)}
    assert build(write_site(site, files)) == 0
    entries = parse_feed(site, "/feed.xml").entries
    assert len(entries) == 20 and entries[0].title == "Story 25" and entries[-1].title == "Story 6"


BODY = """See [the vote](../other-story/) and [the council](/national/council/), \
[a footnote](#note), [mail](mailto:desk@gazette.example) and [elsewhere](https://example.org/x?a=1&b=2).

![Ferry](ferry.jpg)

<img src="/images/chart.png" srcset="/images/chart-2x.png 2x, chart-3x.png 3x" alt="Chart">

Tom &amp; Jerry said 5 &lt; 6."""


def content_html(site: Path, url: str) -> lxml.html.HtmlElement:
    doc = etree.fromstring(feed_bytes(site, url))
    text = doc.find(f"{ATOM}entry/{ATOM}content").text
    return lxml.html.fragment_fromstring(text, create_parent="div")


def test_links_and_images_in_full_content_are_absolute(site):
    files = {
        "content/n1.md": article(
            "With links",
            date="2026-02-10 08:00",
            body=BODY,
            slug="with-links",
            image="/images/lead.jpg",
            image_alt="'The lead'",
        ),
        "static/images/lead.jpg": jpeg(),
    }
    assert build(write_site(site, files)) == 0
    div = content_html(site, "/feed.xml")
    page = f"{BASE}/national/with-links/"
    assert [a.get("href") for a in div.iter("a")] == [
        f"{BASE}/national/other-story/",
        f"{BASE}/national/council/",
        page + "#note",
        "mailto:desk@gazette.example",
        "https://example.org/x?a=1&b=2",
    ]
    assert [(i.get("src"), i.get("alt")) for i in div.iter("img")] == [
        (f"{BASE}/images/lead.jpg", "The lead"),
        (page + "ferry.jpg", "Ferry"),
        (f"{BASE}/images/chart.png", "Chart"),
    ]
    assert div.xpath("//img[@alt='Chart']/@srcset") == [f"{BASE}/images/chart-2x.png 2x, {page}chart-3x.png 3x"]
    assert "Tom & Jerry said 5 < 6." in div.text_content()
    # Nothing relative is left anywhere in the feed.
    for value in div.xpath("//@href | //@src"):
        assert value.startswith(("https://", "mailto:")), value


def test_summary_mode_sends_no_body(site, atom_schema):
    files = {
        "site.toml": SITE_TOML + 'feed_content = "summary"\n',
        "content/n1.md": article(
            "Short",
            date="2026-02-10 08:00",
            summary="'Just the gist.'",
            body="The whole story, which stays on the site.",
        ),
    }
    assert build(write_site(site, files)) == 0
    entry = parse_feed(site, "/feed.xml").entries[0]
    assert entry.summary == "Just the gist."
    assert "content" not in entry
    assert b"The whole story" not in feed_bytes(site, "/feed.xml")
    assert atom_schema.validate(etree.parse(str(site / "public" / "feed.xml")))


def test_hostile_and_control_characters_stay_well_formed(site, atom_schema):
    # YAML's "\a" is BEL, a character XML 1.0 cannot carry at all.
    text = (
        '---\ntitle: "</title><script>alert(1)</script> & \\"quotes\\" \\abell"\nsection: National\n'
        "author: Ann\ndate: 2026-02-10 08:00\n---\nBody & <b>bold</b>\n"
    )
    files = {"content/n1.md": text}
    assert build(write_site(site, files)) == 0
    feed = parse_feed(site, "/feed.xml")
    assert feed.entries[0].title == '</title><script>alert(1)</script> & "quotes" bell'
    assert atom_schema.validate(etree.parse(str(site / "public" / "feed.xml")))


def test_pages_advertise_their_feeds(site):
    assert build(newsroom(site)) == 0

    def feeds_on(url: str) -> list[tuple[str, str]]:
        head = lxml.html.fromstring(read(site, url)).head
        return [
            (link.get("title"), link.get("href"))
            for link in head.xpath("link[@rel='alternate'][@type='application/atom+xml']")
        ]

    site_feed = ("The Test Gazette", f"{BASE}/feed.xml")
    assert feeds_on("/") == [site_feed]
    # A section's or author's own page offers its own feed first: feed readers subscribe to the first.
    assert feeds_on("/sports/") == [("Sports | The Test Gazette", f"{BASE}/sports/feed.xml"), site_feed]
    assert feeds_on("/national/n1/") == [site_feed, ("National | The Test Gazette", f"{BASE}/national/feed.xml")]
    assert feeds_on("/authors/bo-reporter/") == [
        ("Bo Reporter | The Test Gazette", f"{BASE}/authors/bo-reporter/feed.xml"),
        site_feed,
    ]
    # Every advertised feed exists.
    for _, href in feeds_on("/authors/bo-reporter/") + feeds_on("/national/n1/"):
        assert (site / "public" / href.removeprefix(BASE + "/")).is_file()


def test_corrections_move_the_entry_updated_time(site):
    files = {
        "content/n1.md": article(
            "Corrected story",
            date="2026-02-10 08:00",
            corrections='[{date: "2026-02-11 09:00", text: "An earlier version misspelled the mayor\'s name."}]',
        )
    }
    assert build(write_site(site, files)) == 0
    entry = parse_feed(site, "/feed.xml").entries[0]
    assert entry.published == "2026-02-10T08:00:00-08:00"
    assert entry.updated == "2026-02-11T09:00:00-08:00"
    assert "misspelled the mayor" in entry.content[0].value


@pytest.mark.parametrize(
    "line, message",
    [
        ("feed_size = 0", "'feed_size' must be at least 1"),
        ('feed_content = "excerpt"', "'feed_content' must be \"full\" or \"summary\", not 'excerpt'"),
        ("feed_size = true", "'feed_size' must be a int, not bool"),
    ],
)
def test_bad_feed_settings_are_reported(site, capsys, line, message):
    write_site(site, {"site.toml": SITE_TOML + line + "\n", "content/a.md": article()})
    assert build(site) == 1
    err = capsys.readouterr().err
    assert f"site.toml:7: {message}" in err
    assert "Traceback" not in err


def test_rss_twins_carry_the_same_entries(site):
    assert build(newsroom(site)) == 0
    for atom_url, rss_url in (
        ("/feed.xml", "/rss.xml"),
        ("/national/feed.xml", "/national/rss.xml"),
        ("/authors/bo-reporter/feed.xml", "/authors/bo-reporter/rss.xml"),
    ):
        atom, rss = parse_feed(site, atom_url), parse_feed(site, rss_url)
        assert rss.version == "rss20"
        assert rss.feed.title == atom.feed.title and rss.feed.link == atom.feed.link
        assert [(e.id, e.title, e.link, e.published_parsed) for e in rss.entries] == [
            (e.id, e.title, e.link, e.published_parsed) for e in atom.entries
        ]
        assert [[a.name for a in e.authors] for e in rss.entries] == [[a.name for a in e.authors] for e in atom.entries]
    first = parse_feed(site, "/rss.xml").entries[0]
    assert first.published == "Wed, 11 Feb 2026 09:30:00 -0800"
    assert first.guidislink is False
    head = lxml.html.fromstring(read(site, "/sports/")).head
    assert head.xpath("link[@type='application/rss+xml']/@href") == [f"{BASE}/sports/rss.xml", f"{BASE}/rss.xml"]
