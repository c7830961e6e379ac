"""A build in a new process proves which stories exist from the content folders' stats, without listing
100,000 files: every story added, removed, renamed or moved since must still be found, and a folder changed
too recently to trust is listed again."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from support import article, build, clean_build, tree_snapshot, write_site

import broadsheet.incremental.summary
import broadsheet.load.discovery

OLD_NS = 1_000_000_000 * 1_000_000_000  # 2001-09-09: sources older than the racy window, so summaries are written


def old(site: Path) -> None:
    for path in site.rglob("*"):
        os.utime(path, ns=(OLD_NS, OLD_NS))


def story(title: str, day: int, section: str = "National") -> str:
    return article(title, section=section, date=f"2026-02-0{day} 09:00", summary="'One line.'", body=f"{title}.")


@pytest.fixture
def listings(monkeypatch) -> list[Path]:
    """Count the builds that list the content folder (the others took its names from the folders' stats)."""
    listed: list[Path] = []
    real = broadsheet.incremental.summary.markdown_names

    def counted(content_dir, folders=None):
        listed.append(content_dir)
        return real(content_dir, folders)

    monkeypatch.setattr(broadsheet.incremental.summary, "markdown_names", counted)
    return listed


@pytest.fixture
def later(monkeypatch) -> None:
    """A clock ten seconds ahead where folders are stamped: folders made by the test are old enough to trust."""
    monkeypatch.setattr(broadsheet.load.discovery, "now_ns", lambda: time.time_ns() + 10_000_000_000)


def papers(site: Path) -> Path:
    write_site(
        site,
        {
            "content/a.md": story("Harbour dredging starts", 1),
            "content/world/b.md": story("Talks resume in Geneva", 2, "Sports"),
            "content/world/deep/c.md": story("Border crossing reopens", 3, "Sports"),
        },
    )
    old(site)
    return site


def stamped(site: Path) -> None:
    """Build, then publish an edit: that build lists the stories and stamps the folders for the next."""
    papers(site)
    assert build(site) == 0  # no summary yet: nothing to prove, the build lists the stories itself
    edited = site / "content/a.md"
    edited.write_text(story("Harbour dredging starts", 1).replace("starts.", "starts today."))
    os.utime(edited, ns=(OLD_NS + 1, OLD_NS + 1))
    assert build(site) == 0


def same_as_clean(site: Path, tmp_path: Path) -> None:
    assert tree_snapshot(site / "public") == clean_build(site, tmp_path)


def test_a_build_with_nothing_changed_does_not_list_the_content_folder(site, listings, later):
    stamped(site)
    assert len(listings) == 1
    assert build(site) == 0
    assert len(listings) == 1  # proved from three folder stats


@pytest.mark.parametrize(
    "change", ["added deep", "added in a new folder", "removed", "renamed", "moved to another folder", "folder removed"]
)
def test_every_story_that_came_or_went_since_is_found(site, tmp_path, listings, later, change):
    stamped(site)
    content = site / "content"
    if change == "added deep":
        (content / "world/deep/d.md").write_text(story("Ferry fares frozen", 4))
    elif change == "added in a new folder":
        (content / "culture").mkdir()
        (content / "culture/e.md").write_text(story("Gallery reopens", 4))
    elif change == "removed":
        (content / "world/deep/c.md").unlink()
    elif change == "renamed":
        (content / "world/deep/c.md").rename(content / "world/deep/c2.md")
    elif change == "moved to another folder":
        (content / "world/deep/c.md").rename(content / "world/c.md")
    else:
        (content / "world/deep/c.md").unlink()
        (content / "world/deep").rmdir()
    assert build(site) == 0
    same_as_clean(site, tmp_path)
    listed = "Ferry fares frozen" in (site / "public/index.html").read_text()
    assert listed == (change == "added deep")


def test_a_folder_changed_too_recently_is_listed_again(site, tmp_path, listings):
    """Without the later clock, the folders were changed seconds ago: their stats prove nothing."""
    stamped(site)
    assert build(site) == 0
    assert len(listings) == 2
    (site / "content/world/f.md").write_text(story("Rail strike called off", 5))
    assert build(site) == 0
    same_as_clean(site, tmp_path)
