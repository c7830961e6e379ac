"""A publish costs what it changes: final story pages, live regions in every `includes` mode, stable pages of
lists, settled "More from" and "Related", and a changed-URL list that names exactly the changed files."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from support import NOW, SITE_TOML, article, build, read, run, tree_snapshot, write_site

from broadsheet.preview.includes import expand_includes

DAY2 = "2026-02-13T06:00:00-08:00"  # the next morning, in the site's time zone
MODES = ["client", "ssi", "esi", "static"]


def paper(root: Path, includes: str | None = None, extra: dict[str, str] | None = None) -> Path:
    """Seven National stories a day apart, two in Sports, tags shared unevenly."""
    files = {
        f"content/n{i}.md": article(
            f"National {i}", date=f"2026-02-0{i} 09:00", tags="[harbour, council]" if i % 2 else "[harbour]"
        )
        for i in range(1, 8)
    }
    files.update(
        {
            f"content/s{i}.md": article(f"Sport {i}", section="Sports", date=f"2026-02-0{i} 10:00", tags="[harbour]")
            for i in (2, 4)
        }
    )
    site = write_site(root / "site", {**files, **(extra or {})})
    if includes is not None:
        (site / "site.toml").write_text(SITE_TOML + f'includes = "{includes}"\n')
    return site


def hashes(out: Path) -> dict[str, str]:
    return {rel: hashlib.sha256(data).hexdigest() for rel, data in tree_snapshot(out).items()}


def changed_files(before: dict[str, str], after: dict[str, str]) -> set[str]:
    return {rel for rel in before.keys() | after.keys() if before.get(rel) != after.get(rel)}


def listed(site: Path) -> set[str]:
    """The output files named by the changed-URL list of the last build."""
    out = set()
    for url in (site / ".broadsheet-cache" / "changed-urls.txt").read_text().split():
        path = urlsplit(url).path.lstrip("/")
        out.add(path + "index.html" if path == "" or path.endswith("/") else path)
    return out


def story_pages(out: Path) -> dict[str, str]:
    """Every story page of the output (the theme marks them <article class="story">) with its digest."""
    return {
        rel: digest
        for rel, digest in hashes(out).items()
        if rel.endswith("index.html") and '<article class="story">' in (out / rel).read_text()
    }


@pytest.mark.parametrize("includes", MODES)
def test_each_mode_brings_the_live_regions_into_the_page_its_own_way(tmp_path, includes):
    banner = {
        "content/flash.md": article("Flood closes the causeway", date="2026-02-12 08:00", breaking="2026-02-12 18:00")
    }
    site = paper(tmp_path, includes, banner)
    assert build(site) == 0
    page = read(site, "/national/n3/")
    fragments = site / "public" / "fragments"
    if includes == "static":
        assert "Flood closes the causeway" in page and "Thursday, February 12, 2026" in page
        # The section's latest stories, never the site's: those would rewrite every story with each new one.
        assert 'id="latest-section-heading"' in page and 'id="latest-heading"' not in page
        assert not fragments.exists()
    elif includes == "client":
        assert '<script src="/fragments/live.js" data-live-regions></script>' in page
        assert 'data-live="breaking"' in page and 'data-live="date"' in page and 'data-live="latest-national"' in page
        assert "Flood closes the causeway" not in page and "February 12, 2026" not in page
        assert "Flood closes the causeway" in (fragments / "live.js").read_text()
        assert sorted(p.name for p in fragments.iterdir()) == ["live.js"]
    else:
        directive = (
            '<!--# include virtual="/fragments/breaking.html" -->'
            if includes == "ssi"
            else '<esi:include src="/fragments/breaking.html"/>'
        )
        assert directive in page and "Flood closes the causeway" not in page
        assert sorted(p.name for p in fragments.iterdir()) == [
            "breaking.html",
            "date.html",
            "latest-arts-culture.html",
            "latest-national.html",
            "latest-sports.html",
            "latest.html",
        ]
        shown = expand_includes(page.encode(), lambda url: (site / "public" / url.lstrip("/")).read_bytes()).decode()
        assert "Flood closes the causeway" in shown and "Thursday, February 12, 2026" in shown
        assert 'href="/national/flash/"' in (fragments / "latest-national.html").read_text()
        assert "fragments" not in read(site, "/sitemap.xml")


def test_an_unknown_includes_mode_is_reported_with_its_line(tmp_path, capsys):
    site = paper(tmp_path)
    (site / "site.toml").write_text(SITE_TOML + 'includes = "edge"\n')
    assert build(site) == 1
    assert (
        "site.toml:7: 'includes' must be one of 'client', 'ssi', 'esi', 'static', not 'edge'" in capsys.readouterr().err
    )


@pytest.mark.slow
@pytest.mark.parametrize("includes", ["client", "ssi", "esi"])
def test_a_story_page_is_final_whatever_else_is_published(tmp_path, includes):
    """A new day, another story, a banner going up and coming down: no existing story page changes."""
    site = paper(tmp_path, includes)
    assert build(site) == 0
    before = story_pages(site / "public")
    steps = [
        ({}, DAY2),
        ({"content/n8.md": article("National 8", date="2026-02-13 05:00", tags="[harbour, council]")}, DAY2),
        (
            {"content/flash.md": article("Storm warning", date="2026-02-13 05:30", breaking="2026-02-13 09:00")},
            "2026-02-13T07:00:00-08:00",
        ),
        ({}, "2026-02-13T10:00:00-08:00"),  # the banner ends by the clock
    ]
    for files, now in steps:
        for rel, text in files.items():
            (site / rel).write_text(text)
        assert build(site, now=now) == 0
        after = story_pages(site / "public")
        assert {rel: d for rel, d in after.items() if rel in before} == before, (files, now)
    if includes == "ssi":
        assert "Storm warning" not in (site / "public/fragments/breaking.html").read_text()


def test_a_story_page_changes_when_a_story_it_shows_is_edited(tmp_path):
    site = paper(tmp_path)
    assert build(site) == 0
    n5 = read(site, "/national/n5/")
    (site / "content/n4.md").write_text(article("National 4, retitled", date="2026-02-04 09:00", tags="[harbour]"))
    assert build(site) == 0
    assert "National 4, retitled" in read(site, "/national/n5/") and "National 4, retitled" not in n5


def test_more_from_lists_the_stories_published_just_before(tmp_path):
    site = paper(tmp_path)  # more_from = 2
    assert build(site) == 0
    aside = more_from(read(site, "/national/n7/"))
    assert titles(aside) == ["National 6", "National 5"]
    assert titles(more_from(read(site, "/national/n3/"))) == ["National 2", "National 1"]
    assert titles(more_from(read(site, "/national/n1/"))) == []
    assert "No other stories in National yet." in more_from(read(site, "/national/n1/"))
    # A story backdated into an older page's list enters it; a later one never does.
    (site / "content/n25.md").write_text(article("National 2.5", date="2026-02-02 21:00"))
    (site / "content/n9.md").write_text(article("National 9", date="2026-02-09 09:00"))
    assert build(site) == 0
    assert titles(more_from(read(site, "/national/n3/"))) == ["National 2.5", "National 2"]
    assert titles(more_from(read(site, "/national/n7/"))) == ["National 6", "National 5"]
    assert titles(more_from(read(site, "/national/n9/"))) == ["National 7", "National 6"]


def more_from(page: str) -> str:
    return page.split('<aside class="rail more-from"', 1)[1].split("</aside>", 1)[0]


def related(page: str) -> str:
    return page.split('<aside class="rail related"', 1)[1].split("</aside>", 1)[0] if "rail related" in page else ""


def titles(html: str) -> list[str]:
    """The stories a list links to (in <li>s), in order."""
    return re.findall(r'<li>\s*(?:<div class="more-thumb">.*?</div>\s*)?<a href="/[^"]+/">([^<]+)</a>', html, re.S)


def test_related_is_chosen_among_earlier_stories_with_weights_counted_over_them(tmp_path):
    files = {
        "content/a.md": article("Alpha", date="2026-02-01 09:00", tags="[ferry, budget]"),
        "content/b.md": article("Bravo", date="2026-02-02 09:00", tags="[budget]"),
        "content/c.md": article("Charlie", date="2026-02-03 09:00", tags="[ferry]"),
        "content/d.md": article("Delta", date="2026-02-04 09:00", tags="[ferry, budget]"),
    }
    site = write_site(tmp_path / "site", files)
    assert build(site) == 0
    assert titles(related(read(site, "/national/a/"))) == []  # nothing was published before it
    # Before Delta, "budget" is on two of three stories and "ferry" on two: Alpha shares both.
    assert titles(related(read(site, "/national/d/"))) == ["Alpha", "Charlie", "Bravo"]
    # Before Charlie, "ferry" is on Alpha alone: later stories never enter.
    assert titles(related(read(site, "/national/c/"))) == ["Alpha"]
    # Many later stories tagged "ferry" make it common, but what Delta's page shows was settled.
    delta = read(site, "/national/d/")
    for i in range(5):
        (site / f"content/later{i}.md").write_text(article(f"Later {i}", date=f"2026-02-1{i} 09:00", tags="[ferry]"))
    assert build(site) == 0
    assert read(site, "/national/d/") == delta


def numbered(site: Path, base: str) -> dict[str, list[str]]:
    """Each numbered page of a list (its URL -> the stories it lists), from the output folder."""
    folder = site / "public" / base.strip("/") / "page"
    return {
        p.name: cards(p.joinpath("index.html").read_text()) for p in sorted(folder.iterdir(), key=lambda p: int(p.name))
    }


def cards(page: str) -> list[str]:
    part = page.split('<div class="story-list">', 1)[1].split('<nav class="pager"', 1)[0]
    return re.findall(r'<a href="/national/[^"]+/">([^<]+)</a>', part)


def test_numbered_pages_hold_fixed_sets_counted_from_the_oldest(tmp_path):
    site = paper(tmp_path)  # per_page = 3, seven National stories
    assert build(site) == 0
    assert cards(read(site, "/national/")) == ["National 7", "National 6", "National 5"]
    assert numbered(site, "/national/") == {
        "1": ["National 3", "National 2", "National 1"],
        "2": ["National 6", "National 5", "National 4"],
        "3": ["National 7"],
    }
    front = read(site, "/national/")
    assert '<a rel="next" href="/national/page/2/">' in front and 'rel="prev"' not in front.split("<main", 1)[1]
    page3 = read(site, "/national/page/3/")
    assert '<a rel="prev" href="/national/">' in page3 and '<a rel="next" href="/national/page/2/">' in page3
    assert '<a rel="prev" href="/national/page/3/">' in read(site, "/national/page/2/")
    assert 'rel="next"' not in read(site, "/national/page/1/").split("<main", 1)[1]
    before = hashes(site / "public")
    (site / "content/n8.md").write_text(article("National 8", date="2026-02-08 09:00", tags="[harbour]"))
    assert build(site) == 0
    changed = changed_files(before, hashes(site / "public"))
    assert {c for c in changed if c.startswith("national/page/")} == {"national/page/3/index.html"}
    assert numbered(site, "/national/")["3"] == ["National 8", "National 7"]


def test_a_list_that_fits_on_its_front_has_no_numbered_pages(tmp_path):
    site = write_site(tmp_path / "site", {"content/a.md": article("Alone")})
    assert build(site) == 0
    assert not (site / "public/national/page").exists()
    assert '<nav class="pager"' not in read(site, "/national/")


@pytest.mark.slow
@pytest.mark.parametrize("includes", MODES)
def test_the_changed_url_list_names_exactly_the_changed_files(tmp_path, includes):
    site = paper(tmp_path, includes)
    assert build(site) == 0
    steps = [
        ({}, DAY2),
        ({"content/n8.md": article("National 8", date="2026-02-13 05:00", tags="[harbour]")}, DAY2),
        (
            {"content/n8.md": article("National 8", date="2026-02-13 05:00", tags="[harbour]", body="Fixed.")},
            "2026-02-13T06:10:00-08:00",
        ),
        (
            {"content/flash.md": article("Storm warning", date="2026-02-13 05:30", breaking="2026-02-13 09:00")},
            "2026-02-13T07:00:00-08:00",
        ),
        ({}, "2026-02-13T10:00:00-08:00"),
        (
            {
                "content/n2.md": article(
                    "National 2",
                    date="2026-02-02 09:00",
                    tags="[harbour]",
                    corrections='[{date: "2026-02-13 10:30", text: "An earlier version erred."}]',
                )
            },
            "2026-02-13T10:30:00-08:00",
        ),
    ]
    for files, now in steps:
        before = hashes(site / "public")
        for rel, text in files.items():
            (site / rel).write_text(text)
        assert build(site, now=now) == 0
        assert listed(site) == changed_files(before, hashes(site / "public")), (files, now)


def test_a_new_day_changes_no_page_by_default(tmp_path):
    site = paper(tmp_path)
    assert build(site) == 0
    before = hashes(site / "public")
    assert build(site, now=DAY2) == 0
    assert changed_files(before, hashes(site / "public")) == set()
    assert run("build", "--site", site, "--now", DAY2) == 0
    assert listed(site) == set()


def test_the_edition_date_is_written_into_the_date_fragment_for_ssi(tmp_path):
    site = paper(tmp_path, "ssi")
    assert build(site, now=NOW) == 0
    assert "Thursday, February 12, 2026" in (site / "public/fragments/date.html").read_text()
    assert build(site, now=DAY2) == 0
    assert "Friday, February 13, 2026" in (site / "public/fragments/date.html").read_text()
