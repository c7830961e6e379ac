"""A publish that only edits stories in place saves what it changed beside the memory, not the memory itself:
every build after it, in a new process, must still equal a clean build and list exactly the files it changed."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from support import article, build, clean_build, read, tree_snapshot, write_site

from broadsheet.incremental.memory import STALE_MAX

CACHE = ".broadsheet-cache"
OLD_NS = 1_000_000_000 * 1_000_000_000  # 2001-09-09: sources older than the racy window, so summaries are written


def old(site: Path) -> None:
    """Date every file of the site long ago (one written seconds before a build cannot be proved by its stat)."""
    for path in site.rglob("*"):
        os.utime(path, ns=(OLD_NS, OLD_NS))


def stories(site: Path, n: int = 4) -> Path:
    files = {
        f"content/s{i}.md": article(
            f"Story {i}", date=f"2026-02-0{i + 1} 09:00", summary=f"'Summary {i}.'", body=f"Body {i}."
        )
        for i in range(n)
    }
    write_site(site, files)
    old(site)
    return site


def edit(site: Path, i: int, *, title: str | None = None, body: str | None = None, when: int = 0) -> None:
    path = site / f"content/s{i}.md"
    path.write_text(
        article(
            title or f"Story {i}", date=f"2026-02-0{i + 1} 09:00", summary=f"'Summary {i}.'", body=body or f"Body {i}."
        )
    )
    os.utime(path, ns=(OLD_NS + when, OLD_NS + when))  # another stat than before: the proof sees it


def memory_file(site: Path) -> tuple[int, int]:
    st = (site / CACHE / "memory.pickle").stat()
    return st.st_ino, st.st_mtime_ns


def changed(site: Path) -> list[str]:
    return (site / CACHE / "changed-urls.txt").read_text().splitlines()


def test_an_edit_back_to_the_saved_version_is_drawn_again(site, tmp_path):
    """The memory holds body A; a publish changes it to B without saving the memory; the next puts A back."""
    stories(site)
    assert build(site) == 0
    saved = memory_file(site)
    edit(site, 1, body="Version B.", when=1)
    assert build(site) == 0
    assert memory_file(site) == saved  # only what changed was saved, with the summary
    assert "Version B." in read(site, "/national/s1/")
    edit(site, 1, body="Body 1.", when=2)  # the version the memory on disk holds
    assert build(site) == 0
    assert "Body 1." in read(site, "/national/s1/") and "Version B." not in read(site, "/national/s1/")
    assert "https://gazette.example/national/s1/" in changed(site)
    assert tree_snapshot(site / "public") == clean_build(site, tmp_path)


def test_a_run_of_edits_in_place_equals_a_clean_build_at_every_step(site, tmp_path):
    stories(site)
    assert build(site) == 0
    saved = memory_file(site)
    steps = [
        dict(i=0, title="A new headline"),
        dict(i=2, body="Another body."),
        dict(i=0, title="Story 0"),  # the headline back as the memory has it
        dict(i=3, title="Three, retitled", body="Three, rewritten."),
    ]
    for n, step in enumerate(steps, start=1):
        before = tree_snapshot(site / "public")
        edit(site, **step, when=n)
        assert build(site) == 0
        after = tree_snapshot(site / "public")
        assert after == clean_build(site, tmp_path)
        rewritten = {rel for rel in after.keys() | before.keys() if after.get(rel) != before.get(rel)}
        listed = {u.removeprefix("https://gazette.example/") for u in changed(site)}
        assert {rel.removesuffix("index.html") for rel in rewritten} == listed  # exactly the files changed
    assert memory_file(site) == saved
    assert build(site) == 0 and changed(site) == []  # nothing to do: proved from the summary


def test_a_lost_summary_leaves_an_older_memory_that_is_still_made_right(site, tmp_path):
    stories(site)
    assert build(site) == 0
    edit(site, 1, body="Version B.", when=1)
    assert build(site) == 0
    (site / CACHE / "summary.pickle").unlink()  # what the publish changed is lost with it
    edit(site, 1, body="Body 1.", when=2)
    assert build(site) == 0
    assert "Body 1." in read(site, "/national/s1/")
    assert tree_snapshot(site / "public") == clean_build(site, tmp_path)


@pytest.mark.parametrize("change", ["a new story", "a template"])
def test_anything_but_an_edit_in_place_saves_the_whole_memory(site, tmp_path, change):
    stories(site)
    assert build(site) == 0
    edit(site, 1, body="Version B.", when=1)
    assert build(site) == 0
    saved = memory_file(site)
    if change == "a new story":
        (site / "content/new.md").write_text(article("New", date="2026-02-09 09:00"))
    else:
        path = site / "templates/article.html"
        path.write_text(path.read_text().replace("{% block main %}", "{% block main %}<!-- v2 -->", 1))
        os.utime(path, ns=(OLD_NS, OLD_NS))
    assert build(site) == 0
    assert memory_file(site) != saved
    edit(site, 1, body="Body 1.", when=2)
    assert build(site) == 0
    assert tree_snapshot(site / "public") == clean_build(site, tmp_path)


def test_many_stories_edited_since_the_memory_was_saved_save_it_whole(site, tmp_path):
    n = STALE_MAX + 2
    files = {f"content/t{i}.md": article(f"T {i}", date="2026-02-01 09:00", summary="'S.'") for i in range(n)}
    write_site(site, files)
    old(site)
    assert build(site) == 0
    saved = memory_file(site)
    for i in range(n):
        path = site / f"content/t{i}.md"
        path.write_text(article(f"T {i}", date="2026-02-01 09:00", summary="'S.'", body=f"Edited {i}."))
        os.utime(path, ns=(OLD_NS + i + 1, OLD_NS + i + 1))
        assert build(site) == 0
        if i < STALE_MAX:
            assert memory_file(site) == saved, i
    assert memory_file(site) != saved
    assert tree_snapshot(site / "public") == clean_build(site, tmp_path)
