"""A build in a new process lists only the output folders that changed since the last, and still finds
everything dropped into any of them."""

from __future__ import annotations

import os
from pathlib import Path

from support import article, build, read, write_site

OLD_NS = 1_000_000_000 * 1_000_000_000  # 2001-09-09: long before the racy window


def stories(site: Path) -> None:
    write_site(
        site,
        {
            "content/a.md": article("Alpha", date="2026-02-01 09:00"),
            "content/b.md": article("Bravo", date="2026-02-02 09:00", section="Sports"),
        },
    )


def age_folders(out: Path) -> None:
    """Make every folder of the output old, so that its stat is trusted once a build has recorded it."""
    for folder in [out, *(p for p in out.rglob("*") if p.is_dir() and not p.is_symlink())]:
        os.utime(folder, ns=(OLD_NS, OLD_NS))


def built_and_recorded(site: Path) -> Path:
    """Build, age the output's folders, and build again: the second build records them as trusted."""
    stories(site)
    assert build(site) == 0
    out = site / "public"
    age_folders(out)
    assert build(site) == 0
    return out


def test_a_file_dropped_deep_into_a_trusted_folder_is_removed(tmp_path):
    out = built_and_recorded(tmp_path / "site")
    stray = out / "national" / "a" / "dropped.html"
    stray.write_text("not ours")
    assert build(tmp_path / "site") == 0
    assert not stray.exists()
    assert "Alpha" in read(tmp_path / "site", "/national/a/")


def test_a_folder_dropped_into_a_trusted_folder_is_removed_with_what_it_holds(tmp_path):
    out = built_and_recorded(tmp_path / "site")
    (out / "sports" / "extra" / "deeper").mkdir(parents=True)
    (out / "sports" / "extra" / "deeper" / "x.txt").write_text("not ours")
    assert build(tmp_path / "site") == 0
    assert not (out / "sports" / "extra").exists()


def test_a_trusted_folder_replaced_by_a_link_is_never_followed(tmp_path):
    out = built_and_recorded(tmp_path / "site")
    outside = tmp_path / "outside"
    (outside / "a").mkdir(parents=True)
    (outside / "a" / "index.html").write_text("someone else's")
    (outside / "keep.txt").write_text("someone else's")
    national = out / "national"
    os.rename(national, tmp_path / "moved-away")
    national.symlink_to(outside, target_is_directory=True)
    assert build(tmp_path / "site") == 0
    assert not national.is_symlink() and "Alpha" in read(tmp_path / "site", "/national/a/")
    assert (outside / "a" / "index.html").read_text() == "someone else's"
    assert (outside / "keep.txt").read_text() == "someone else's"


def test_a_stray_dropped_while_a_publish_touches_its_folder_is_still_found(tmp_path):
    """A folder the publish wrote into is trusted next time only if it held nothing but ours."""
    site = tmp_path / "site"
    out = built_and_recorded(site)
    (out / "national" / "dropped.html").write_text("not ours")
    (site / "content" / "c.md").write_text(article("Charlie", date="2026-02-03 09:00"))
    assert build(site) == 0
    assert not (out / "national" / "dropped.html").exists()
    (out / "national" / "dropped-again.html").write_text("not ours")
    age_folders(out)  # its stat now looks as old as the ones recorded
    assert build(site) == 0
    assert not (out / "national" / "dropped-again.html").exists()
