"""The core build, judged from its output files."""

from __future__ import annotations

import json
from html.parser import HTMLParser

import yaml
from support import SITE_TOML, article, build, jpeg, read, run, tree_snapshot, write_site


class Fragments(HTMLParser):
    """Collect the bits of a page that readers' tools look at."""

    def __init__(self) -> None:
        super().__init__()
        self.h1: list[str] = []
        self.jsonld: list[dict] = []
        self.asides: list[str] = []
        self.links: list[tuple[str, str]] = []  # (href, text)
        self.rel: dict[str, str] = {}
        self._stack: list[str] = []
        self._text: list[str] = []
        self._href: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a":
            self._href = a.get("href")
            self._text = []
            if a.get("rel") in ("prev", "next"):
                self.rel[a["rel"]] = a["href"]
        if tag in ("h1", "aside") or (tag == "script" and a.get("type") == "application/ld+json"):
            self._stack.append(tag)
            if tag != "aside":
                self._text = []
            else:
                self.asides.append("")

    def handle_endtag(self, tag):
        if tag == "a" and self._href is not None:
            self.links.append((self._href, "".join(self._text).strip()))
            self._href = None
        if self._stack and self._stack[-1] == tag:
            self._stack.pop()
            if tag == "h1":
                self.h1.append("".join(self._text).strip())
            elif tag == "script":
                self.jsonld.append(json.loads("".join(self._text)))

    def handle_data(self, data):
        self._text.append(data)
        if "aside" in self._stack:
            self.asides[-1] += data


def parse(html: str) -> Fragments:
    f = Fragments()
    f.feed(html)
    return f


def headlines_in_aside(html: str) -> list[str]:
    f = parse(html)
    return [text for href, text in f.links if href.startswith("/") and text and text in f.asides[0]] if f.asides else []


def test_articles_order_by_instant_across_offsets(site):
    # 08:00 in Vancouver is 16:00 UTC; 15:30Z is earlier, 17:00+01:00 (16:00Z) ties, broken by URL.
    write_site(
        site,
        {
            "site.toml": SITE_TOML.replace("per_page = 3", "per_page = 10"),
            "content/van.md": article("Vancouver morning", date="2026-02-10 08:00"),
            "content/utc.md": article("UTC afternoon", date="2026-02-10T15:30:00Z"),
            "content/paris.md": article("Paris evening", date="2026-02-10T17:00:00+01:00"),
            "content/tokyo.md": article("Tokyo next day", date="2026-02-11T09:00:00+09:00"),
        },
    )
    assert build(site) == 0
    html = read(site, "/national/")
    order = [t for t in ("Tokyo next day", "Paris evening", "Vancouver morning", "UTC afternoon")]
    positions = [html.index(t) for t in order]
    assert positions == sorted(positions)
    # Dates are shown in the site's zone: 15:30Z is 07:30 in Vancouver.
    assert "10 Feb, 2026 07:30 AM" in read(site, "/national/utc/")
    assert 'datetime="2026-02-10T07:30:00-08:00"' in read(site, "/national/utc/")


def test_drafts_and_future_stories_appear_nowhere(site, capsys):
    write_site(
        site,
        {
            "content/live.md": article("Live story", date="2026-02-01 09:00", tags="[budget]"),
            "content/draft.md": article("Secret draft", date="2026-02-02 09:00", draft="true", tags="[budget]"),
            "content/later.md": article(
                "Embargoed story", date="2026-03-01 06:00", tags="[budget]", author="Late Writer"
            ),
        },
    )
    assert build(site) == 0
    out = tree_snapshot(site / "public")
    everything = b"".join(out.values())
    assert b"Secret draft" not in everything and b"Embargoed story" not in everything
    assert b"Late Writer" not in everything
    assert "national/draft/index.html" not in out and "national/later/index.html" not in out
    assert "1 story" in read(site, "/tags/budget/")
    assert "Next scheduled story goes live at 2026-03-01T06:00:00-08:00" in capsys.readouterr().out

    assert build(site, "--drafts", "--future") == 0
    assert "Secret draft" in read(site, "/national/")
    assert "Embargoed story" in read(site, "/national/")


def test_story_goes_live_exactly_at_its_time(site):
    write_site(site, {"content/a.md": article("On the hour", date="2026-02-12 12:00")})
    assert build(site, now="2026-02-12T11:59:59-08:00") == 0
    assert "On the hour" not in read(site, "/")
    assert build(site, now="2026-02-12T20:00:00Z") == 0
    assert "On the hour" in read(site, "/")


def test_sidebar_lists_the_stories_of_the_section_published_just_before(site):
    files = {f"content/n{i}.md": article(f"National {i}", date=f"2026-02-0{i} 09:00") for i in range(1, 6)}
    files["content/s1.md"] = article("Only sport", section="Sports", date="2026-02-03 10:00")
    files["content/arts.md"] = article("Arts one", section="Arts & Culture", date="2026-02-03 10:00")
    files["content/arts2.md"] = article("Arts two", section="Arts & Culture", date="2026-02-04 10:00")
    write_site(site, files)
    assert build(site) == 0
    f = parse(read(site, "/national/n5/"))
    aside = next(a for a in f.asides if "More from National" in a)
    # more_from = 2: the two published just before, never itself, never another section.
    assert "National 4" in aside and "National 3" in aside
    assert "National 5" not in aside and "National 2" not in aside and "sport" not in aside
    # The first story of a section has nothing before it: a later story never enters its page.
    first = next(a for a in parse(read(site, "/national/n1/")).asides if "More from National" in a)
    assert not any(f"National {i}" in first for i in range(2, 6)) and "No other stories in National yet." in first
    # A section of one story: the sidebar is there, and empty of stories.
    sport = next(a for a in parse(read(site, "/sports/s1/")).asides if "More from Sports" in a)
    assert "Only sport" not in sport
    # Fewer than more_from before it.
    arts = next(a for a in parse(read(site, "/arts-culture/arts2/")).asides if "More from Arts" in a)
    assert "More from Arts &amp; Culture" in read(site, "/arts-culture/arts2/")
    assert "Arts one" in arts and "Arts two" not in arts


def test_pagination_boundaries_and_rel_chain(site):
    # per_page = 3: 3 stories fit on the front, 7 make the front and three numbered pages, counted from the oldest.
    files = {f"content/n{i}.md": article(f"Nat {i}", date=f"2026-02-0{i} 09:00") for i in range(1, 8)}
    files.update(
        {f"content/s{i}.md": article(f"Sport {i}", section="Sports", date=f"2026-02-0{i} 09:00") for i in range(1, 4)}
    )
    write_site(site, files)
    assert build(site) == 0
    sports = parse(read(site, "/sports/"))
    assert sports.rel == {}
    assert not (site / "public/sports/page").exists()
    seen, url = [], "/national/"
    while url:
        f = parse(read(site, url))
        seen.append([t for h, t in f.links if t.startswith("Nat ")])
        url = f.rel.get("next")
    assert seen == [["Nat 7", "Nat 6", "Nat 5"], ["Nat 6", "Nat 5", "Nat 4"], ["Nat 3", "Nat 2", "Nat 1"]]
    assert parse(read(site, "/national/")).rel == {"next": "/national/page/2/"}
    assert parse(read(site, "/national/page/3/")).rel == {"prev": "/national/", "next": "/national/page/2/"}
    assert parse(read(site, "/national/page/2/")).rel == {"prev": "/national/page/3/", "next": "/national/page/1/"}
    assert parse(read(site, "/national/page/1/")).rel == {"prev": "/national/page/2/"}
    assert [t for h, t in parse(read(site, "/national/page/3/")).links if t.startswith("Nat ")] == ["Nat 7"]


def test_front_page_links_every_section_by_name_and_the_chain_reaches_all_stories(site):
    files = {f"content/n{i}.md": article(f"Nat {i}", date=f"2026-02-0{i} 09:00") for i in range(1, 6)}
    write_site(site, files)
    assert build(site) == 0
    links = {text: href for href, text in parse(read(site, "/")).links}
    assert links["National"] == "/national/" and links["Sports"] == "/sports/"
    assert links["Arts & Culture"] == "/arts-culture/"
    found, url = set(), links["National"]
    while url:
        f = parse(read(site, url))
        found |= {t for h, t in f.links if t.startswith("Nat ")}
        url = f.rel.get("next")
    assert found == {f"Nat {i}" for i in range(1, 6)}


def test_article_page_markup_and_jsonld(site):
    write_site(
        site,
        {
            "content/deep/dive.md": article(
                "Harbour plan approved",
                author="[Ann Writer, Bo Reporter]",
                date="2026-02-03T10:15:00-05:00",
                updated="2026-02-04 08:00",
                source="The Canadian Press",
                image="/img/harbour.jpg",
                image_caption="The harbour at dawn.",
                image_alt="Boats at a pier",
                tags="[harbour, City Hall]",
                summary="Council said yes.",
            ),
            "static/img/harbour.jpg": jpeg(),
        },
    )
    assert build(site) == 0
    html = read(site, "/national/dive/")
    f = parse(html)
    assert f.h1 == ["Harbour plan approved"]
    ld = f.jsonld[0]
    assert ld["@type"] == "NewsArticle" and ld["headline"] == "Harbour plan approved"
    assert ld["articleSection"] == "National"
    assert [a["name"] for a in ld["author"]] == ["Ann Writer", "Bo Reporter"]
    assert ld["author"][1]["url"] == "https://gazette.example/authors/bo-reporter/"
    assert ld["datePublished"] == "2026-02-03T07:15:00-08:00"
    assert ld["dateModified"] == "2026-02-04T08:00:00-08:00"
    assert ld["url"] == "https://gazette.example/national/dive/"
    assert ld["image"] == ["https://gazette.example/img/harbour.jpg"]
    links = dict(f.links)
    assert links["/authors/ann-writer/"] == "Ann Writer" and links["/authors/bo-reporter/"] == "Bo Reporter"
    assert links["/national/"] == "National"
    assert links["/tags/city-hall/"] == "City Hall"
    assert "The Canadian Press" in html and "The harbour at dawn." in html and 'alt="Boats at a pier"' in html
    assert '<time datetime="2026-02-03T07:15:00-08:00">03 Feb, 2026 07:15 AM</time>' in html
    assert "Updated" in html
    assert "ADVT" in html
    assert '<p class="edition-date"><span class="live-region" data-live="date"></span></p>' in html  # filled by live.js
    # The author page lists the story.
    assert "Harbour plan approved" in read(site, "/authors/bo-reporter/")
    assert "Bo Reporter" in read(site, "/authors/")


def test_summary_defaults_to_first_paragraph(site):
    write_site(site, {"content/a.md": article("A", body="## Heading\n\nFirst *para* here.\n\nSecond.")})
    assert build(site) == 0
    assert '<meta name="description" content="First para here.">' in read(site, "/national/a/")


def test_front_matter_text_is_escaped_everywhere(site):
    evil = "<script>alert(1)</script> & \"quoted\" 'single'"
    fields = {
        "title": evil,
        "section": "National",
        "author": ['"<b>Ann</b> & Co"'],
        "date": "2026-02-01 09:00",
        "summary": evil,
        "source": 'A & "B" <i>',
        "image": "/i.jpg",
        "image_alt": '" onmouseover="alert(1)',
        "image_caption": "<em>cap</em>",
        "tags": ["<t>&"],
    }
    write_site(site, {"content/x.md": "---\n" + yaml.safe_dump(fields) + "---\nBody.\n", "static/i.jpg": jpeg()})
    assert build(site) == 0
    html = read(site, "/national/x/")
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#34;quoted&#34;" in html
    assert 'onmouseover="alert' not in html and "&#34; onmouseover=&#34;alert(1)" in html
    assert "<b>Ann</b>" not in html and "<em>cap</em>" not in html and "<i>" not in html
    # JSON-LD cannot be broken out of, and still decodes to the exact headline.
    script = html.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
    assert "<" not in script and "&" not in script.replace("\\u0026", "")
    assert parse(html).jsonld[0]["headline"] == evil
    # And on list pages and the front page.
    for url in ("/", "/national/", "/authors/"):
        assert "<script>alert" not in read(site, url)


def test_unicode_titles_and_section_names(site):
    write_site(
        site,
        {
            "site.toml": 'title = "ਖ਼ਬਰਾਂ"\nbase_url = "https://x.example"\ntimezone = "Asia/Kolkata"\n'
            'sections = ["ਪੰਜਾਬੀ", "Café Society"]\n',
            "content/a.md": article("ਪੰਜਾਬ ਦੀ ਖ਼ਬਰ", section="ਪੰਜਾਬੀ", author="ਗੁਰਪ੍ਰੀਤ ਸਿੰਘ", date="2026-02-01 09:00"),
            "content/b.md": article("Crème brûlée returns", section="Café Society", date="2026-02-01 10:00"),
        },
    )
    assert build(site) == 0
    assert (site / "public/ਪੰਜਾਬੀ/a/index.html").exists()
    assert (site / "public/cafe-society/b/index.html").exists()
    home = parse(read(site, "/"))
    links = {t: h for h, t in home.links}
    assert links["ਪੰਜਾਬੀ"] == "/%E0%A8%AA%E0%A9%B0%E0%A8%9C%E0%A8%BE%E0%A8%AC%E0%A9%80/"
    assert links["Café Society"] == "/cafe-society/"
    page = parse(read(site, "/ਪੰਜਾਬੀ/a/"))
    assert page.h1 == ["ਪੰਜਾਬ ਦੀ ਖ਼ਬਰ"]
    assert page.jsonld[0]["url"].startswith("https://x.example/%E0%A8%AA")


def test_same_input_and_now_give_byte_identical_output(site, tmp_path):
    files = {f"content/n{i}.md": article(f"Nat {i}", date="2026-02-01 09:00", tags="[a, b]") for i in range(6)}
    write_site(site, files)
    assert build(site, "--output", tmp_path / "one") == 0
    assert build(site, "--output", tmp_path / "two") == 0
    assert tree_snapshot(tmp_path / "one") == tree_snapshot(tmp_path / "two")


def test_static_files_are_copied_as_is(site):
    write_site(site, {"static/img/logo.png": b"\x89PNG\r\n\x1a\nbinary", "content/a.md": article()})
    assert build(site) == 0
    assert (site / "public/img/logo.png").read_bytes() == b"\x89PNG\r\n\x1a\nbinary"
    assert (site / "public/404.html").exists()


def test_now_defaults_to_source_date_epoch(site, monkeypatch):
    write_site(
        site,
        {
            "content/a.md": article("Old news", date="2026-01-01 09:00"),
            "content/b.md": article("Newer news", date="2026-03-01 09:00"),
        },
    )
    (site / "site.toml").write_text((site / "site.toml").read_text() + 'includes = "static"\n')  # the date in pages
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1771000000")  # 2026-02-13
    assert run("build", "--site", site) == 0
    home = read(site, "/")
    assert "Old news" in home and "Newer news" not in home and "February 13, 2026" in home
