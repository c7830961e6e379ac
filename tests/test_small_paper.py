"""A small paper's pages look complete: no thin top-stories column, and More from with each story's summary."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import article, build, read, write_site


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return tmp_path / "site"


def stories(n: int) -> dict[str, str]:
    return {
        f"content/s{i}.md": article(
            f"Story {i}",
            section=("National", "Sports")[i % 2],
            date=f"2026-02-{i + 1:02d} 09:00",
            body=f"Paragraph of story {i}.",
        )
        for i in range(n)
    }


def test_few_stories_beside_the_lead_make_no_latest_column_the_lead_takes_the_top(site):
    write_site(site, stories(4))  # the lead and three others
    assert build(site) == 0
    home = read(site, "/")
    assert 'id="latest-heading"' not in home
    assert 'class="front-top text-lead lead-only"' in home
    for i in range(3):  # every other story is still on the front page, in its section's block
        assert f'href="/{("national", "sports")[i % 2]}/s{i}/"' in home


def test_enough_stories_beside_the_lead_fill_the_latest_column(site):
    write_site(site, stories(5))  # the lead and four others
    assert build(site) == 0
    home = read(site, "/")
    assert 'id="latest-heading"' in home
    assert "lead-only" not in home
    assert home.split('class="latest-list"')[1].split("</ol>")[0].count("<li>") == 4


def test_more_from_shows_each_story_s_summary_under_its_headline(site):
    write_site(
        site,
        {
            "content/a.md": article("Ferry plan", summary="'Council backs the plan.'"),
            "content/b.md": article("Bridge tolls", date="2026-02-02 09:00", body="Tolls rise in May."),
            "content/c.md": article("Budget", date="2026-02-03 09:00"),
        },
    )
    assert build(site) == 0
    aside = read(site, "/national/c/").split('class="rail more-from"')[1].split("</aside>")[0]
    assert '<a href="/national/a/">Ferry plan</a>' in aside
    assert '<p class="more-summary">Council backs the plan.</p>' in aside
    assert '<p class="more-summary">Tolls rise in May.</p>' in aside  # drawn from the body when not written
