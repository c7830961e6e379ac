"""Small changes patch the output folder in place, all or nothing, and an interrupted patch is finished next run."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from support import article, build, clean_build, tree_snapshot, write_site

from broadsheet.output import folder as output_module
from broadsheet.output import publish as publish_module
from broadsheet.output.journal import JOURNAL
from broadsheet.output.ours import stale_temps

STORIES = {
    f"content/s{i}.md": article(
        f"Story {i}",
        date=f"2026-01-{1 + i // 2:02d} {10 + i % 2}:00",
        section=["National", "Sports"][i % 2],
        author=f"Writer {i % 6}",
    )
    for i in range(60)
}


def no_search(site: Path) -> None:
    with open(site / "site.toml", "a") as f:
        f.write("search = false\n")


@pytest.fixture
def built_site(tmp_path: Path) -> Path:
    site = write_site(tmp_path / "site", STORIES)
    no_search(site)
    assert build(site) == 0
    return site


def edit(site: Path) -> None:
    (site / "content/s59.md").write_text(
        article("Story 59", date="2026-01-30 11:00", section="Sports", author="Writer 5", body="A corrected body.")
    )
    (site / "content/s58.md").unlink()  # the newest National story: lists count their pages from the oldest


@pytest.mark.slow
def test_a_small_edit_patches_the_folder_in_place_and_equals_a_clean_build(built_site, tmp_path):
    out = built_site / "public"
    folder, untouched = out.stat().st_ino, (out / "national/s2/index.html").stat()
    edit(built_site)
    assert build(built_site) == 0
    assert out.stat().st_ino == folder  # the same folder, patched: not a new tree swapped in
    same = (out / "national/s2/index.html").stat()
    assert (same.st_ino, same.st_mtime_ns) == (untouched.st_ino, untouched.st_mtime_ns)
    assert not (out / "national/s58").exists()  # a deleted story's folder goes with it
    assert tree_snapshot(out) == clean_build(built_site, tmp_path)
    assert stale_temps(out) == []


def interrupt_second_move(monkeypatch, error: BaseException) -> None:
    """Make the patch's second move of a staged file into place raise `error`, once."""
    real_rename, moves = os.rename, []

    def rename(src, dst):
        if ".public.tmp-" in str(src) and not str(src).endswith(".part"):
            moves.append(dst)
            if len(moves) == 2:
                raise error
        return real_rename(src, dst)

    monkeypatch.setattr(output_module.os, "rename", rename)


@pytest.mark.slow
def test_a_patch_interrupted_by_ctrl_c_is_finished_before_the_build_stops(built_site, tmp_path, monkeypatch):
    out = built_site / "public"
    edit(built_site)
    interrupt_second_move(monkeypatch, KeyboardInterrupt())
    assert build(built_site) == 130
    monkeypatch.undo()
    assert tree_snapshot(out) == clean_build(built_site, tmp_path)
    assert stale_temps(out) == []


@pytest.mark.slow
def test_a_patch_killed_halfway_is_finished_by_the_next_run(built_site, tmp_path, monkeypatch):
    out = built_site / "public"
    before = tree_snapshot(out)
    edit(built_site)
    interrupt_second_move(monkeypatch, SystemExit("killed"))  # stands for SIGKILL: nothing after it runs
    monkeypatch.setattr(publish_module, "discard_stage", lambda stage, out_dir: None)  # a killed process cleans nothing
    with pytest.raises(SystemExit):
        build(built_site)
    monkeypatch.undo()
    half = tree_snapshot(out)
    assert half != before and any((t / JOURNAL).is_file() for t in stale_temps(out))
    assert build(built_site) == 0
    assert tree_snapshot(out) == clean_build(built_site, tmp_path)
    assert stale_temps(out) == []


@pytest.mark.slow
def test_a_large_change_swaps_in_a_whole_new_tree(built_site):
    out = built_site / "public"
    folder = out.stat().st_ino
    (built_site / "site.toml").write_text((built_site / "site.toml").read_text().replace("Test Gazette", "Test Herald"))
    assert build(built_site) == 0
    assert out.stat().st_ino != folder
    assert "Test Herald" in (out / "index.html").read_text()


def test_a_file_dropped_into_the_output_goes_even_when_patching(built_site):
    out = built_site / "public"
    (out / "national" / "dropped.html").write_text("not ours")
    os.symlink("/etc", out / "to-etc")
    folder = out.stat().st_ino
    edit(built_site)
    assert build(built_site) == 0
    assert out.stat().st_ino == folder
    assert not (out / "national" / "dropped.html").exists() and not os.path.lexists(out / "to-etc")
    assert os.path.isdir("/etc")
