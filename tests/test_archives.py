"""Date archives: /archive/<yyyy>/<mm>/ paginated like sections, /archive/ listing the months, and the links to them."""

from __future__ import annotations

import re

from support import SITE_TOML, article, build, read, write_site


def test_each_month_has_its_page_paginated_and_the_index_lists_them_newest_first(site):
    files = {f"content/jan{i}.md": article(f"January {i}", date=f"2026-01-{10 + i:02d} 09:00") for i in range(4)}
    files["content/feb.md"] = article("February story", section="Sports", date="2026-02-02 09:00")
    # 23:30 in Vancouver on 31 December is 2026 in UTC: the month is the site's.
    files["content/eve.md"] = article("New Year's Eve", date="2025-12-31 23:30")
    write_site(site, files)
    assert build(site) == 0
    index = read(site, "/archive/")
    months = re.findall(r'<li><a href="(/archive/\d{4}/\d\d/)">([^<]+)</a> <span class="count">(\d+)</span>', index)
    assert months == [
        ("/archive/2026/02/", "February 2026", "1"),
        ("/archive/2026/01/", "January 2026", "4"),
        ("/archive/2025/12/", "December 2025", "1"),
    ]
    first = read(site, "/archive/2026/01/")  # per_page = 3
    assert '<h1 class="page-title">January 2026</h1>' in first
    main = first.split('<main id="main">', 1)[1].split("</main>", 1)[0]
    positions = [main.find(f"/national/jan{i}/") for i in (3, 2, 1)]
    assert -1 not in positions and positions == sorted(positions) and "/national/jan0/" not in main
    # Numbered pages count from the oldest: page 1 holds the month's first three stories, page 2 the fourth.
    assert 'rel="next" href="/archive/2026/01/page/1/"' in first
    oldest = read(site, "/archive/2026/01/page/1/")
    assert "/national/jan0/" in oldest and 'rel="prev" href="/archive/2026/01/page/2/"' in oldest
    newest = read(site, "/archive/2026/01/page/2/")
    assert "/national/jan3/" in newest and "/national/jan0/" not in newest
    assert 'rel="prev" href="/archive/2026/01/"' in newest and 'rel="next" href="/archive/2026/01/page/1/"' in newest
    assert "/national/eve/" in read(site, "/archive/2025/12/")
    sitemap = read(site, "/sitemap.xml")
    assert (
        "https://gazette.example/archive/2026/01/page/2/" in sitemap and "https://gazette.example/archive/" in sitemap
    )


def test_section_pages_and_the_footer_link_the_archive(site):
    write_site(site, {"content/a.md": article("A story", date="2026-02-10 09:00")})
    assert build(site) == 0
    assert '<a href="/archive/">' in read(site, "/national/").split("<footer", 1)[0]
    assert '<a href="/archive/">Archive</a>' in read(site, "/national/a/").split('<footer class="site-footer">', 1)[1]


def test_an_empty_site_still_has_its_archive_index(site):
    write_site(site, {})
    assert build(site) == 0
    assert "No stories yet." in read(site, "/archive/")


def test_a_section_cannot_take_the_archive_url(site, capsys):
    write_site(site, {"site.toml": SITE_TOML.replace('"Arts & Culture"]', '"Arts & Culture", "Archive"]')})
    assert build(site) == 1
    assert "section 'Archive' would take the reserved URL /archive/" in capsys.readouterr().err
