"""Every message about the output is true: failures before the swap leave it as it was, failures after it say so,
and a terminated build leaves no temporary folder."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest
from hostile_support import fingerprint, refused, signalled_at, signalled_build
from support import article, build, read, write_site


def edited_site(tmp_path: Path) -> Path:
    """A site built once, then edited: the next build has something to change."""
    site = write_site(tmp_path / "site", {"content/national/a.md": article("First headline")})
    assert build(site) == 0
    (site / "content/national/a.md").write_text(article("Second headline"))
    return site


@pytest.mark.parametrize("where", ["a folder", "inside a file", "inside a file, deeper"])
def test_a_changed_url_list_that_cannot_be_written_is_refused_before_the_output_changes(tmp_path, capsys, where):
    site = edited_site(tmp_path)
    capsys.readouterr()
    (tmp_path / "plain-file").write_text("x")
    changed = {
        "a folder": tmp_path / "urls-folder",
        "inside a file": tmp_path / "plain-file" / "urls.txt",
        "inside a file, deeper": tmp_path / "plain-file" / "a" / "b" / "urls.txt",
    }[where]
    if where == "a folder":
        changed.mkdir()
    err = refused(tmp_path, capsys, "--site", site, "--changed", changed, code=1)
    assert "the list of changed URLs cannot be written here" in err
    assert "nothing was written" in err
    assert "First headline" in read(site, "/national/a/")


def test_a_failure_after_the_swap_says_the_output_was_updated(tmp_path, capsys):
    """/dev/full takes the open but refuses the write: the one failure no check beforehand can see."""
    site = edited_site(tmp_path)
    capsys.readouterr()
    assert build(site, "--changed", "/dev/full") == 1
    err = capsys.readouterr().err
    assert "No space left on device" in err and "the output folder was already updated" in err
    assert "left as it was" not in err and "nothing was written" not in err and "Traceback" not in err
    assert "Second headline" in read(site, "/national/a/")


def test_file_names_that_are_not_utf8_are_published_and_listed_as_their_bytes(tmp_path, capsys):
    site = write_site(tmp_path / "site", {"content/national/a.md": article("Story")})
    for raw in (b"caf\xe9.txt", b"\xff\xfe.txt", b"na\xefve/r\xe9sum\xe9.txt"):
        path = os.path.join(os.fsencode(site / "static"), raw)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(b"bytes\n")
    assert build(site) == 0, capsys.readouterr().err
    urls = (site / ".broadsheet-cache/changed-urls.txt").read_text(encoding="utf-8").split()
    assert {
        "https://gazette.example/caf%E9.txt",
        "https://gazette.example/%FF%FE.txt",
        "https://gazette.example/na%EFve/r%E9sum%E9.txt",
    } <= set(urls)
    assert os.path.isfile(os.path.join(os.fsencode(site / "public"), b"caf\xe9.txt"))


def bulky_site(root: Path, files: int = 2000) -> Path:
    content = {f"content/national/story-{i}.md": article(f"Story {i}") for i in range(10)}
    content.update({f"static/archive/item-{i:04d}.txt": f"archived item {i}\n" * 50 for i in range(files)})
    return write_site(root, content)


@pytest.mark.slow
@pytest.mark.parametrize("count", [1, 300])
def test_sigterm_stops_a_build_with_the_previous_output_intact_and_no_temporary_folder(tmp_path, count):
    """SIGTERM as the first new file is staged, and as the 300th is: the build stops there, drops its stage and
    leaves everything as it was."""
    site = bulky_site(tmp_path / "site")
    assert build(site) == 0
    for i in range(2000):  # every static file changes: a whole new tree is staged
        (site / f"static/archive/item-{i:04d}.txt").write_text(f"new item {i}\n")
    before = fingerprint(tmp_path)
    proc = signalled_build(site, "staging", signal.SIGTERM, count=count)
    assert signalled_at(proc, "staging"), f"the build never staged {count} files: {proc.stderr}"
    assert proc.returncode == 128 + signal.SIGTERM, proc.stderr
    assert "broadsheet: terminated" in proc.stderr and "Traceback" not in proc.stderr
    assert "files changed" not in proc.stdout  # it stopped mid-build: no report of a finished one
    assert fingerprint(tmp_path) == before, "the previous output (and everything else) must be as it was"
    assert [p.name for p in site.iterdir() if p.name.startswith(".public")] == []
