"""An output folder that cannot be renamed (a mount point, as a Docker volume is): publishing moves files into it."""

from __future__ import annotations

import json
import subprocess

import pytest
from hostile_support import fingerprint
from support import article, build, clean_build, tree_snapshot, write_site


def mount(folder):
    folder.mkdir()
    proc = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", str(folder)], capture_output=True, text=True
    )
    if proc.returncode != 0:
        pytest.fail(f"this test needs to mount a tmpfs (run it as root): {proc.stderr}")


@pytest.fixture
def mounted(tmp_path):
    """A real mount point for the output folder: renaming it fails with EBUSY, as a Docker volume's does.

    Clean builds to compare with go to a second tmpfs: Pagefind's index depends on the file system's order.
    """
    mount(tmp_path / "public")
    mount(tmp_path / "reference")
    yield tmp_path / "public"
    for name in ("public", "reference"):
        subprocess.run(["umount", "-l", str(tmp_path / name)], check=True)


def comparable(tree: dict[str, bytes]) -> dict[str, bytes]:
    """The tree with Pagefind's index reduced to what it indexes: its bytes follow the order files were written."""
    pages = (
        json.loads(tree["pagefind/pagefind-entry.json"])["languages"]["en"]["page_count"]
        if "pagefind/pagefind-entry.json" in tree
        else None
    )
    return {**{k: v for k, v in tree.items() if not k.startswith("pagefind/")}, "indexed pages": pages}


@pytest.mark.slow
def test_every_kind_of_build_into_a_mount_point_equals_a_clean_build(tmp_path, mounted, capsys):
    site = write_site(tmp_path / "site", {f"content/national/s{i}.md": article(f"Story {i}") for i in range(12)})
    (mounted / ".git").mkdir()
    (mounted / ".git" / "HEAD").write_text("ref: refs/heads/gh-pages\n")
    steps = [
        lambda: None,  # the first build into the empty volume
        lambda: (site / "content/national/s3.md").write_text(article("Story 3, edited")),  # a patch
        lambda: [
            (site / f"static/files/f{i}.txt").parent.mkdir(exist_ok=True)
            or (site / f"static/files/f{i}.txt").write_text(str(i))
            for i in range(40)
        ],  # a whole new tree
        lambda: (site / "content/national/s5.md").unlink(),  # a story goes
        lambda: (site / "site.toml").write_text((site / "site.toml").read_text() + "search = false\n"),
    ]
    for n, step in enumerate(steps):
        step()
        assert build(site, "--output", mounted) == 0, capsys.readouterr().err
        assert comparable(tree_snapshot(mounted)) == {
            **comparable(clean_build(site, tmp_path, output=tmp_path / "reference" / f"clean-{n}")),
            ".git/HEAD": b"ref: refs/heads/gh-pages\n",
        }, n
        assert [p.name for p in mounted.iterdir() if ".tmp-" in p.name or ".old-" in p.name] == []


def test_a_failed_build_leaves_a_mount_point_as_it_was(tmp_path, mounted, capsys):
    site = write_site(tmp_path / "site", {"content/national/a.md": article("Story A")})
    assert build(site, "--output", mounted) == 0
    before = fingerprint(tmp_path)
    (site / "content/national/a.md").write_text(article("Story A, changed"))
    (site / "templates/partials/broken.html").write_text("{% if %}")
    assert build(site, "--output", mounted) == 1
    assert "nothing was written" in capsys.readouterr().err
    after = fingerprint(tmp_path)
    assert {k: v for k, v in after.items() if k != "site/content/national/a.md" and "broken" not in k} == {
        k: v for k, v in before.items() if k != "site/content/national/a.md"
    }


def test_a_file_that_becomes_a_folder_in_a_mount_point_is_refused_before_anything_moves(tmp_path, mounted, capsys):
    site = write_site(tmp_path / "site", {"content/national/a.md": article("Story A"), "static/docs": "a file"})
    assert build(site, "--output", mounted) == 0
    before = tree_snapshot(mounted)
    (site / "static/docs").unlink()
    (site / "static/docs").mkdir()
    (site / "static/docs/guide.txt").write_text("guide")
    for i in range(10):
        (site / f"static/more-{i}.txt").write_text("x")  # enough change for a whole new tree
    assert build(site, "--output", mounted) == 1
    assert "cannot be renamed (a mount point)" in capsys.readouterr().err
    assert tree_snapshot(mounted) == before
    assert [p.name for p in mounted.iterdir() if ".tmp-" in p.name or ".old-" in p.name] == []
