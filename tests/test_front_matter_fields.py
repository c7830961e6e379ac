"""Front matter as writers get it wrong and right: near-miss fields, lists, bylines, wire copy, bare dates, feeds."""

from __future__ import annotations

import json
import re

import frontmatter
from support import NOW, article, build, read, run, write_site


def story(title: str = "A story", **fields: str) -> str:
    lines = [f"title: {title!r}", "section: National", *(f"{k}: {v}" for k, v in fields.items())]
    return "---\n" + "\n".join(lines) + "\n---\nBody text.\n"


def test_a_field_one_typo_from_a_known_one_is_a_problem_with_did_you_mean(tmp_path, capsys):
    site = write_site(
        tmp_path / "site",
        {
            "content/national/a.md": (
                "---\ntittle: Ferries return\nsection: National\nauther: Ann Writer\ndate: 2026-02-01 09:00\n"
                "subtitle: A longer headline\nphoto_credit: Jo Lens\n---\nBody.\n"
            )
        },
    )
    assert run("check", "--site", site, "--now", NOW) == 1
    err = capsys.readouterr().err
    assert re.search(r"a\.md:2: unknown field 'tittle' \(did you mean 'title'\?\)", err)
    assert re.search(r"a\.md:4: unknown field 'auther' \(did you mean 'author'\?\)", err)
    assert "subtitle" not in err and "photo_credit" not in err  # the site's own fields, far from Broadsheet's


def test_a_site_field_far_from_every_known_one_still_reaches_extra(tmp_path):
    site = write_site(
        tmp_path / "site",
        {
            "content/national/a.md": article("First", subtitle="'A longer headline'"),
            "templates/partials/byline.html": '<p class="sub">{{ article.extra.subtitle }}</p>\n',
        },
    )
    assert build(site) == 0
    assert '<p class="sub">A longer headline</p>' in read(site, "/national/a/")


def test_tags_written_as_one_text_with_commas_are_several_tags(tmp_path):
    site = write_site(tmp_path / "site", {"content/national/a.md": article("First", tags="ferries, council")})
    assert build(site) == 0
    assert (site / "public/tags/ferries/index.html").is_file() and (site / "public/tags/council/index.html").is_file()
    assert not (site / "public/tags/ferries-council").exists()


def test_an_author_text_with_a_comma_is_an_error_showing_the_list_form(tmp_path, capsys):
    site = write_site(tmp_path / "site", {"content/national/a.md": article("First", author="A One, B Two")})
    assert run("check", "--site", site, "--now", NOW) == 1
    err = capsys.readouterr().err
    assert "'author' is one text with a comma; for several, write a list: author: [A One, B Two]" in err
    (site / "content/national/a.md").write_text(article("First", author="[A One, B Two]"))
    assert build(site) == 0
    assert (site / "public/authors/a-one/index.html").is_file() and (site / "public/authors/b-two/index.html").is_file()


def test_new_keeps_every_author(tmp_path):
    site = write_site(tmp_path / "site", {})
    assert (
        run(
            "new",
            "Ferries return",
            "--section",
            "National",
            "--author",
            "A One",
            "--author",
            "B Two",
            "--site",
            site,
            "--now",
            NOW,
        )
        == 0
    )
    post = frontmatter.load(site / "content/national/ferries-return.md")
    assert post["author"] == ["A One", "B Two"]
    assert run("new", "Council votes", "--section", "National", "--site", site, "--now", NOW) == 0
    assert frontmatter.load(site / "content/national/council-votes.md")["author"] == "Staff"


def test_wire_copy_without_an_author_shows_the_agency_and_makes_no_author_page(tmp_path):
    wire = "---\ntitle: Wire story\nsection: National\nsource: The Canadian Press\ndate: 2026-02-05 09:00\n---\nBody.\n"
    site = write_site(
        tmp_path / "site",
        {"content/national/wire.md": wire, "content/national/a.md": article("Staff story", date="2026-02-01 09:00")},
    )
    assert build(site) == 0
    page = read(site, "/national/wire/")
    assert '<p class="byline"><span class="source">The Canadian Press</span></p>' in page
    assert "By " not in page.split('class="byline"')[1].split("</p>")[0]
    ld = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1))
    assert ld["author"] == [{"@type": "Organization", "name": "The Canadian Press"}]
    assert sorted(p.name for p in (site / "public/authors").iterdir() if p.is_dir()) == ["ann-writer"]
    assert "The Canadian Press &middot;" in read(site, "/")  # the front page's lead
    assert "staff" not in read(site, "/authors/")


def test_a_story_with_neither_author_nor_source_still_needs_an_author(tmp_path, capsys):
    site = write_site(
        tmp_path / "site", {"content/national/a.md": "---\ntitle: X\nsection: National\ndate: 2026-02-01\n---\nB\n"}
    )
    assert run("check", "--site", site, "--now", NOW) == 1
    assert "missing required field 'author'" in capsys.readouterr().err


def test_a_bare_date_shows_as_a_date_and_a_time_as_a_time(tmp_path):
    site = write_site(
        tmp_path / "site",
        {
            "content/national/a.md": article("Dated", date="2026-02-03"),
            "content/national/b.md": article("Quoted", date="'2026-02-04'"),
            "content/national/c.md": article("Timed", date="2026-02-05 09:15"),
        },
    )
    assert build(site) == 0
    for url, shown in (
        ("/national/a/", "03 Feb, 2026"),
        ("/national/b/", "04 Feb, 2026"),
        ("/national/c/", "05 Feb, 2026 09:15 AM"),
    ):
        time_text = re.search(r'<p class="dateline"><time datetime="[^"]+">([^<]+)</time>', read(site, url)).group(1)
        assert time_text == shown, url


def test_a_section_or_author_page_lists_its_own_feed_first(tmp_path):
    site = write_site(tmp_path / "site", {"content/national/a.md": article("First")})
    assert build(site) == 0

    def feeds(url: str) -> list[str]:
        return re.findall(r'<link rel="alternate" type="[^"]+" title="[^"]*" href="([^"]+)"', read(site, url))

    assert feeds("/national/")[:2] == ["https://gazette.example/national/feed.xml", "https://gazette.example/feed.xml"]
    assert feeds("/authors/ann-writer/")[0] == "https://gazette.example/authors/ann-writer/feed.xml"
    assert feeds("/")[0] == "https://gazette.example/feed.xml"
