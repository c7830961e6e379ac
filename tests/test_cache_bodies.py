"""The stories' bodies live in the cache's table, apart from its memory: read back only when a page shows them."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from support import SITE_TOML, article, build, clean_build, read, tree_snapshot, write_site

CACHE = ".broadsheet-cache"


def stories(site: Path) -> Path:
    return write_site(
        site,
        {
            "content/a.md": article("Alpha", date="2026-02-01 09:00", summary="'Alpha.'", body="It says *quince*."),
            "content/b.md": article("Bravo", date="2026-02-02 09:00", summary="'Bravo.'", body="It says *medlar*."),
            "content/c.md": article(
                "Charlie", date="2026-02-03 09:00", section="Sports", summary="'Charlie.'", body="It says sloe."
            ),
        },
    )


def redraw_every_story(site: Path) -> None:
    """Change the story template, so that a build draws every story's page again (from its cached body)."""
    path = site / "templates/article.html"
    path.write_text(path.read_text().replace("{% block main %}", "{% block main %}<!-- v2 -->", 1))
    assert "<!-- v2 -->" in path.read_text()


def rows(site: Path) -> int:
    with sqlite3.connect(site / CACHE / "bodies.sqlite") as db:
        return db.execute("SELECT count(*) FROM bodies").fetchone()[0]


def test_bodies_are_kept_apart_and_pages_drawn_from_them_are_right(site, tmp_path):
    stories(site)
    (site / "site.toml").write_text(SITE_TOML + 'feed_content = "summary"\n')  # the plan holds no body for feeds
    assert build(site) == 0
    memory = (site / CACHE / "memory.pickle").read_bytes()
    assert b"quince" not in memory and b"medlar" not in memory  # the memory names the bodies...
    assert rows(site) == 3  # ...which the table holds
    redraw_every_story(site)
    assert build(site) == 0  # a new process: every story page drawn again with the body it reads from the table
    assert "<!-- v2 -->" in read(site, "/national/a/") and "<em>quince</em>" in read(site, "/national/a/")
    assert tree_snapshot(site / "public") == clean_build(site, tmp_path)


def test_bodies_no_story_names_are_dropped(site):
    stories(site)
    assert build(site) == 0
    for n in range(6):  # six versions of one body, each saved by a build in a new process
        (site / "content/a.md").write_text(article("Alpha", date="2026-02-01 09:00", body=f"Version {n}."))
        assert build(site) == 0
        # Never all seven versions: the bodies the memory names (three, and the version before, which a page
        # planned in the last build may still hold) and at most a quarter more before unnamed ones are dropped.
        assert rows(site) <= 5
    assert "Version 5." in read(site, "/national/a/")


def remove_table(site: Path) -> None:
    (site / CACHE / "bodies.sqlite").unlink()


def garble_table(site: Path) -> None:
    (site / CACHE / "bodies.sqlite").write_bytes(b"not a database at all" * 100)


def lose_a_body(site: Path) -> None:
    """Delete one body and nothing else: the table still claims the memory's generation."""
    with sqlite3.connect(site / CACHE / "bodies.sqlite") as db:
        db.execute("DELETE FROM bodies WHERE html LIKE '%medlar%'")
    assert rows(site) == 2


@pytest.mark.parametrize("damage", [remove_table, garble_table, lose_a_body])
def test_a_lost_or_damaged_table_of_bodies_costs_only_a_full_build(site, tmp_path, damage):
    stories(site)
    assert build(site) == 0
    damage(site)
    redraw_every_story(site)
    assert build(site) == 0
    assert "<em>medlar</em>" in read(site, "/national/b/") and "<!-- v2 -->" in read(site, "/national/b/")
    assert tree_snapshot(site / "public") == clean_build(site, tmp_path)
    assert rows(site) == 3  # the next build finds a whole table again
    redraw_every_story(site)
    assert build(site) == 0
    assert tree_snapshot(site / "public") == clean_build(site, tmp_path)
