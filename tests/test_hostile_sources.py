"""Nothing the build cannot read is silently dropped, nothing outside is silently read: unreadable folders,
links into .git or out of the site, links to folders inside it, and FIFOs wherever the build reads."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hostile_support import refused
from support import NOW, REPO, article, build, write_site

# Root reads every folder; without these two capabilities chmod 000 binds it as it binds anyone.
WITHOUT_OVERRIDE = [
    "setpriv",
    "--inh-caps=-dac_override,-dac_read_search",
    "--bounding-set=-dac_override,-dac_read_search",
]


def build_bound_by_permissions(site: Path) -> subprocess.CompletedProcess:
    """Build in a real process for which chmod 000 means something."""
    prefix = WITHOUT_OVERRIDE if os.geteuid() == 0 else []
    return subprocess.run(
        [*prefix, sys.executable, str(REPO / "build.py"), "build", "--site", str(site), "--now", NOW],
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.slow
@pytest.mark.parametrize(
    "folder", ["content/national/archive", "static/downloads", "templates/partials/extra", "content/national"]
)
def test_an_unreadable_folder_is_reported_not_dropped(tmp_path, folder):
    site = write_site(
        tmp_path / "site",
        {
            "content/national/a.md": article("Story A"),
            "content/national/archive/old.md": article("Old story"),
            "static/downloads/report.pdf": "pdf",
            "templates/partials/extra/x.html": "x",
        },
    )
    (site / folder).chmod(0o000)
    proc = build_bound_by_permissions(site)
    (site / folder).chmod(0o755)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert f"{folder}: cannot read this folder (Permission denied); its files would be left out" in proc.stderr
    assert "Traceback" not in proc.stderr and not (site / "public").exists()


@pytest.mark.parametrize(
    "link, target",
    [
        ("static/config", "../.git/config"),
        ("static/repo", "../.git"),
        ("static/deep/hooks", "../../.git/hooks"),
        ("content/national/git.md", "../../.git/HEAD"),
        ("templates/partials/git.html", "../../.git/config"),
        ("static/nested-git", "../vendor/lib/.git"),
    ],
)
def test_a_link_into_git_is_reported_and_never_published(tmp_path, capsys, link, target):
    site = write_site(
        tmp_path / "site",
        {
            "content/national/a.md": article(),
            ".git/config": "[http]\n\textraheader = AUTHORIZATION: basic SECRET\n",
            ".git/HEAD": "ref: refs/heads/main\n",
            ".git/hooks/pre-commit": "SECRET",
            "vendor/lib/.git/config": "SECRET",
        },
    )
    (site / link).parent.mkdir(parents=True, exist_ok=True)
    (site / link).symlink_to(target)
    err = refused(tmp_path, capsys, "--site", site, code=1)
    assert f"{link}: symbolic link leads into a .git folder" in err


def test_a_link_to_a_folder_elsewhere_in_the_site_is_followed(tmp_path, capsys):
    site = write_site(
        tmp_path / "site",
        {"content/national/a.md": article(), "docs/guide/index.txt": "guide", "static/files/own.txt": "own"},
    )
    (site / "static/guide").symlink_to("../docs/guide")
    (site / "static/again").symlink_to("files")  # a folder of static/ itself, published under both names
    (site / "static/loop").symlink_to(".")  # a cycle: walked once
    assert build(site) == 0, capsys.readouterr().err
    assert (site / "public/guide/index.txt").read_text() == "guide"
    assert (site / "public/again/own.txt").read_text() == (site / "public/files/own.txt").read_text() == "own"
    assert not (site / "public/loop").exists()


@pytest.mark.slow
@pytest.mark.parametrize(
    "where",
    [
        "templates/partials/pipe.html",
        "templates/pipe.txt",
        "static/pipe.css",
        "static/sub/pipe",
        "content/pipe.txt",
        "content/national/pipe.md",
    ],
)
def test_a_fifo_anywhere_the_build_reads_is_reported_without_hanging(tmp_path, where):
    site = write_site(tmp_path / "site", {"content/national/a.md": article()})
    (site / where).parent.mkdir(parents=True, exist_ok=True)
    os.mkfifo(site / where)
    for command in ("build", "check"):
        proc = subprocess.run(
            [sys.executable, str(REPO / "build.py"), command, "--site", str(site), "--now", NOW],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert proc.returncode == 1 and "not a regular file" in proc.stderr and where in proc.stderr, proc.stderr
        assert "Traceback" not in proc.stderr


@pytest.mark.slow
def test_a_site_toml_that_is_a_fifo_is_reported_without_hanging(tmp_path):
    site = write_site(tmp_path / "site", {"content/national/a.md": article()})
    (site / "site.toml").unlink()
    os.mkfifo(site / "site.toml")
    proc = subprocess.run(
        [sys.executable, str(REPO / "build.py"), "build", "--site", str(site), "--now", NOW],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 1 and "site.toml: not a regular file" in proc.stderr, proc.stderr
