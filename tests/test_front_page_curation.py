"""Front-page curation: what leads and in what order (featured, priority), stories that expire, the breaking-news
banner, and the next change. (Language editions are tested in test_editions.py.)"""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import pytest
from support import article, build, jpeg, read, tree_snapshot, write_site

from broadsheet.preview.includes import expand_includes


def lead_url(html: str) -> str:
    return re.search(r'id="lead-headline" class="lead-headline"><a href="([^"]+)"', html).group(1)


def top_urls(html: str) -> list[str]:
    listing = html.split('<ol class="latest-list">', 1)[1].split("</ol>", 1)[0]
    return re.findall(r'<h3 class="latest-headline"><a href="([^"]+)"', listing)


def block_urls(html: str) -> list[str]:
    grid = html.split('<div class="section-grid">', 1)[1]
    return re.findall(r'<a href="(/[a-z-]+/[a-z0-9-]+/)"', grid)


def story(title: str, date: str, **fields: str) -> str:
    return article(title, date=date, **fields)


# name: (featured, priority, picture, date); the expected lead and top stories (URL slugs), newest...
CASES = {
    "no flags: the newest leads": (
        {
            "a": (False, 0, False, "2026-02-10 09:00"),
            "b": (False, 0, True, "2026-02-11 09:00"),
            "c": (False, 0, False, "2026-02-12 09:00"),
        },
        "c",
        ["b", "a"],
    ),
    "an older featured story leads": (
        {
            "a": (True, 0, True, "2026-02-10 09:00"),
            "b": (False, 0, False, "2026-02-11 09:00"),
            "c": (False, 0, False, "2026-02-12 09:00"),
        },
        "a",
        ["c", "b"],
    ),
    "the newest of two featured stories leads": (
        {
            "a": (True, 0, False, "2026-02-10 09:00"),
            "b": (True, 0, False, "2026-02-11 09:00"),
            "c": (False, 0, True, "2026-02-12 09:00"),
        },
        "b",
        ["c", "a"],
    ),
    "priority does not choose the lead": (
        {"a": (False, 5, False, "2026-02-10 09:00"), "b": (False, 0, True, "2026-02-11 09:00")},
        "b",
        ["a"],
    ),
    "higher priority first among the top stories, however old": (
        {
            "a": (False, 2, False, "2026-02-01 09:00"),
            "b": (False, 1, False, "2026-02-05 09:00"),
            "c": (False, 0, False, "2026-02-11 09:00"),
            "d": (False, 0, False, "2026-02-12 09:00"),
            "e": (False, 1, True, "2026-02-06 09:00"),
        },
        "d",
        ["a", "e", "b", "c"],
    ),
    "a negative priority sinks a story": (
        {
            "a": (False, -1, False, "2026-02-11 09:00"),
            "b": (False, 0, False, "2026-02-10 09:00"),
            "c": (False, 0, False, "2026-02-12 09:00"),
        },
        "c",
        ["b", "a"],
    ),
    "a featured story not yet live does not lead": (
        {
            "a": (True, 3, True, "2026-03-01 09:00"),
            "b": (False, 0, False, "2026-02-11 09:00"),
            "c": (False, 0, False, "2026-02-10 09:00"),
        },
        "b",
        ["c"],
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_featured_leads_and_priority_orders_the_top_stories(site, case):
    stories, lead, top = CASES[case]
    files = {"static/images/p.jpg": jpeg()}
    for name, (featured, priority, picture, date) in stories.items():
        fields = {"featured": "true"} if featured else {}
        if priority:
            fields["priority"] = str(priority)
        if picture:
            fields |= {"image": "/images/p.jpg", "image_alt": "'A picture'"}
        files[f"content/{name}.md"] = story(f"Story {name}", date, **fields)
    # Older stories that sink below the rest, so that the top stories fill their column (a few make none).
    fillers = [f"filler{i}" for i in range(4)]
    for i, name in enumerate(fillers):
        files[f"content/{name}.md"] = story(f"Filler {i}", f"2026-01-0{i + 1} 09:00", section="Sports", priority="-9")
    write_site(site, files)
    assert build(site) == 0
    home = read(site, "/")
    assert lead_url(home) == f"/national/{lead}/"
    assert top_urls(home) == [f"/national/{n}/" for n in top] + [f"/sports/{n}/" for n in reversed(fillers)]
    # The lead is not repeated below it: not in the top stories, not in its section's block.
    assert f"/national/{lead}/" not in top_urls(home) + block_urls(home)
    assert block_urls(home)[0] != f"/national/{lead}/"
    # A lead without a picture gets the layout without the gap beside it.
    has_picture = stories[lead][2]
    assert ('<div class="front-top text-lead">' in home) == (not has_picture)
    assert ('<div class="front-top">' in home) == has_picture


def test_section_block_shows_the_next_stories_when_the_lead_is_left_out(site):
    write_site(site, {f"content/s{i}.md": story(f"Story {i}", f"2026-02-0{i} 09:00") for i in range(1, 7)})
    assert build(site) == 0
    home = read(site, "/")
    assert lead_url(home) == "/national/s6/"
    national = [u for u in block_urls(home) if u.startswith("/national/")]
    assert national == ["/national/s5/", "/national/s4/", "/national/s3/", "/national/s2/"]


def test_bad_featured_and_priority_are_reported_with_their_lines(site, capsys):
    write_site(
        site,
        {
            "content/a.md": story("A", "2026-02-10 09:00", featured="'yes'"),
            "content/b.md": story("B", "2026-02-10 09:00", priority="high"),
            "content/c.md": story("C", "2026-02-10 09:00", priority="1.5"),
        },
    )
    assert build(site) == 1
    err = capsys.readouterr().err
    content = site / "content"
    assert f"{content / 'a.md'}:6: 'featured' must be true or false, not str 'yes'" in err
    assert f"{content / 'b.md'}:6: 'priority' must be a whole number (higher comes first), not str 'high'" in err
    assert f"{content / 'c.md'}:6: 'priority' must be a whole number (higher comes first), not float 1.5" in err


def test_same_input_and_now_give_the_same_curated_front_page(site, tmp_path):
    write_site(
        site,
        {
            "content/a.md": story("A", "2026-02-10 09:00", featured="true", priority="2"),
            "content/b.md": story("B", "2026-02-11 09:00"),
        },
    )
    assert build(site) == 0
    first = tree_snapshot(site / "public")
    assert build(site, "--no-cache") == 0
    assert tree_snapshot(site / "public") == first


EXPIRING = {
    "content/gone.md": story(
        "Vanishing headline",
        "2026-02-10 09:00",
        tags="[ferries]",
        author="Gone Writer",
        expires="2026-02-12 12:00",
        body="Quokka sightings rise.",
    ),
    "content/stays.md": story("Staying headline", "2026-02-09 09:00", tags="[ferries]", body="Harbour news."),
}


def test_an_expired_story_is_gone_exactly_as_a_draft_is_search_index_included(site, tmp_path):
    write_site(site, EXPIRING)
    assert build(site, now="2026-02-12T11:59:59-08:00") == 0
    assert "Vanishing headline" in read(site, "/") and "Vanishing headline" in read(site, "/feed.xml")
    before = len(list((site / "public/pagefind/fragment").glob("*.pf_fragment")))

    assert build(site, now="2026-02-12T12:00:00-08:00") == 0  # taken down at the very instant
    expired = tree_snapshot(site / "public")
    everything = b"".join(expired.values())
    assert b"Vanishing headline" not in everything and b"Gone Writer" not in everything
    assert b"/national/gone/" not in everything and "national/gone/index.html" not in expired
    assert len(list((site / "public/pagefind/fragment").glob("*.pf_fragment"))) == before - 1
    fragments = b"".join(gzip.decompress(data) for rel, data in expired.items() if rel.endswith(".pf_fragment"))
    assert b"Quokka" not in fragments and b"Harbour" in fragments

    draft = write_site(
        tmp_path / "draft",
        {
            **EXPIRING,
            "content/gone.md": EXPIRING["content/gone.md"].replace("expires: 2026-02-12 12:00", "draft: true"),
        },
    )
    assert build(draft, now="2026-02-12T12:00:00-08:00") == 0
    assert tree_snapshot(draft / "public") == expired


def test_an_expired_story_stays_gone_with_drafts_and_future(site):
    write_site(site, EXPIRING)
    assert build(site, "--drafts", "--future", now="2026-02-13T00:00:00-08:00") == 0
    assert "Vanishing headline" not in read(site, "/") and "Staying headline" in read(site, "/")


def test_bad_expires_is_reported_with_its_line(site, capsys):
    write_site(
        site,
        {
            "content/a.md": story("A", "2026-02-10 09:00", expires="2026-02-10 09:00"),
            "content/b.md": story("B", "2026-02-10 09:00", expires="'next week'"),
        },
    )
    assert build(site) == 1
    err = capsys.readouterr().err
    content = site / "content"
    assert f"{content / 'a.md'}:6: 'expires' must be after 'date': the story would never be shown" in err
    assert f"{content / 'b.md'}:6: 'expires': cannot read 'next week' as a date" in err


BREAKING = {
    "content/flash.md": story("Flash flood warning", "2026-02-12 09:00", breaking="2026-02-12 15:00"),
    "content/second.md": story("Bridge closed", "2026-02-12 10:00", breaking="2026-02-12T23:30:00Z"),
    "content/calm.md": story("Calm story", "2026-02-11 09:00", tags="[weather]"),
}
HTML_PAGES = (
    "/",
    "/national/",
    "/national/calm/",
    "/national/flash/",
    "/authors/",
    "/authors/ann-writer/",
    "/tags/",
    "/tags/weather/",
    "/search/",
    "/404.html",
)


def with_ssi(site: Path) -> Path:
    """Have the live regions (the banner among them) included by the server, as nginx does with `ssi on`."""
    (site / "site.toml").write_text((site / "site.toml").read_text() + 'includes = "ssi"\n')
    return site


def shown_page(site: Path, url: str) -> str:
    """A page of the output as the server shows it, its includes resolved."""
    return expand_includes(read(site, url).encode(), lambda u: (site / "public" / u.lstrip("/")).read_bytes()).decode()


def banner(html: str) -> list[str]:
    if '<aside class="breaking" aria-label="Breaking news">' not in html:
        return []
    part = html.split('<aside class="breaking" aria-label="Breaking news">', 1)[1].split("</aside>", 1)[0]
    return re.findall(r'<li><a href="([^"]+)">', part)


@pytest.mark.parametrize(
    ("now", "shown"),
    [
        ("2026-02-12T09:30:00-08:00", ["/national/flash/"]),  # the second story is not live yet
        ("2026-02-12T12:00:00-08:00", ["/national/second/", "/national/flash/"]),  # newest first
        ("2026-02-12T15:00:00-08:00", ["/national/second/"]),  # the first banner ends at its very instant
        ("2026-02-12T15:30:00-08:00", []),  # 23:30 UTC is 15:30 in Vancouver
    ],
)
def test_breaking_banner_shows_on_every_page_until_its_instant(site, now, shown):
    with_ssi(write_site(site, BREAKING))
    assert build(site, now=now) == 0
    for url in HTML_PAGES:
        assert banner(shown_page(site, url)) == shown, url
    assert "Flash flood warning" in read(site, "/feed.xml")  # a banner ending takes nothing down


def test_breaking_banner_never_shows_a_story_that_is_not_live(site):
    write_site(
        site,
        {
            "content/draft.md": story("Draft flash", "2026-02-12 09:00", breaking="2026-02-13 09:00", draft="true"),
            "content/gone.md": story(
                "Gone flash", "2026-02-12 09:00", breaking="2026-02-13 09:00", expires="2026-02-12 11:00"
            ),
            "content/calm.md": story("Calm story", "2026-02-11 09:00"),
        },
    )
    with_ssi(site)
    assert build(site) == 0
    assert banner(shown_page(site, "/")) == [] and "flash" not in shown_page(site, "/national/calm/")


def test_bad_breaking_is_reported_with_its_line(site, capsys):
    write_site(
        site,
        {
            "content/a.md": story("A", "2026-02-10 09:00", breaking="2026-02-09 09:00"),
            "content/b.md": story("B", "2026-02-10 09:00", breaking="true"),
        },
    )
    assert build(site) == 1
    err = capsys.readouterr().err
    content = site / "content"
    assert f"{content / 'a.md'}:6: 'breaking' must be after 'date': the banner would never be shown" in err
    assert f"{content / 'b.md'}:6: 'breaking': cannot read True as a date" in err


SCHEDULE = {
    "content/soon.md": story("Embargoed report", "2026-02-13 06:00"),
    "content/flash.md": story("Flash flood warning", "2026-02-12 09:00", breaking="2026-02-12 15:00"),
    "content/recall.md": story("Recalled story", "2026-02-11 09:00", expires="2026-02-12 18:00"),
    # Neither of these is announced: a banner ending after its story is gone, and a draft's schedule.
    "content/late.md": story(
        "Late banner", "2026-02-11 09:00", breaking="2026-02-12 13:00", expires="2026-02-12 12:30"
    ),
    "content/draft.md": story("Draft flash", "2026-02-12 09:00", breaking="2026-02-12 12:15", draft="true"),
}
ANNOUNCED = [  # each clock, and the line announcing the next change after it
    ("2026-02-12T12:00:00-08:00", "Next change at 2026-02-12T12:30:00-08:00: 'Late banner' ({}) is taken down"),
    ("2026-02-12T12:20:00-08:00", "Next change at 2026-02-12T12:30:00-08:00: 'Late banner' ({}) is taken down"),
    (
        "2026-02-12T12:30:00-08:00",
        ("Next change at 2026-02-12T15:00:00-08:00: 'Flash flood warning' ({}) leaves the breaking-news banner"),
    ),
    ("2026-02-12T15:00:00-08:00", "Next change at 2026-02-12T18:00:00-08:00: 'Recalled story' ({}) is taken down"),
    (
        "2026-02-12T18:00:00-08:00",
        ("Next scheduled story goes live at 2026-02-13T06:00:00-08:00: 'Embargoed report' ({})"),
    ),
    ("2026-02-13T06:00:00-08:00", None),
]
FILES = {
    "Late banner": "late.md",
    "Flash flood warning": "flash.md",
    "Recalled story": "recall.md",
    "Embargoed report": "soon.md",
}


def announced(out: str) -> str | None:
    lines = [line for line in out.splitlines() if line.startswith("Next ")]
    assert len(lines) <= 1
    return lines[0] if lines else None


@pytest.mark.slow
@pytest.mark.parametrize("cache", [True, False], ids=["from the cache", "clean"])
def test_build_announces_the_next_change_of_any_kind(site, capsys, cache):
    write_site(site, SCHEDULE)
    for now, line in ANNOUNCED:
        assert build(site, *([] if cache else ["--no-cache"]), now=now) == 0
        out = announced(capsys.readouterr().out)
        if line is None:
            assert out is None
        else:
            title = re.search(r"'([^']+)'", line).group(1)
            assert out == line.format(site / "content" / FILES[title]) + "; rebuild then"


@pytest.mark.slow
def test_the_announced_instant_is_when_the_output_changes(site, capsys):
    # A story in every section: an empty feed is dated by the clock, which would change at any instant.
    write_site(
        site,
        {
            **SCHEDULE,
            "content/match.md": article("Match report", section="Sports"),
            "content/film.md": article("Film review", section="Arts & Culture"),
        },
    )
    assert build(site, now="2026-02-12T14:00:00-08:00") == 0
    assert "15:00:00-08:00" in announced(capsys.readouterr().out)
    first = tree_snapshot(site / "public")
    assert build(site, "--no-cache", now="2026-02-12T14:59:59-08:00") == 0
    assert tree_snapshot(site / "public") == first  # nothing changes before the announced instant
    assert build(site, "--no-cache", now="2026-02-12T15:00:00-08:00") == 0
    assert banner(read(site, "/")) == []


def test_a_headline_edit_in_place_is_announced_with_the_new_headline(site, capsys):
    with_ssi(write_site(site, SCHEDULE))
    assert build(site, now="2026-02-12T14:00:00-08:00") == 0
    flash = site / "content/flash.md"
    flash.write_text(flash.read_text().replace("Flash flood warning", "Flood warning extended"))
    capsys.readouterr()
    assert build(site, now="2026-02-12T14:00:00-08:00") == 0
    assert announced(capsys.readouterr().out).startswith(
        "Next change at 2026-02-12T15:00:00-08:00: 'Flood warning extended'"
    )
    assert banner(shown_page(site, "/")) == ["/national/flash/"]
    assert "Flood warning extended" in shown_page(site, "/national/recall/")  # in its banner
