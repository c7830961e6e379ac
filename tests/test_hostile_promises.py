"""Every message about the output is true: failures before the swap leave it as it was, failures after it say so,
and a terminated build leaves no temporary folder."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from support import NOW, REPO, article, build, read, tree_snapshot, write_site
from hostile_support import fingerprint, refused
from watchdog.events import FileSystemEventHandler
from watchdog.observers import Observer

TEMP = re.compile(r"\.public\.(?:tmp|old)-[0-9a-f]{8}")


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
    changed = {"a folder": tmp_path / "urls-folder", "inside a file": tmp_path / "plain-file" / "urls.txt",
               "inside a file, deeper": tmp_path / "plain-file" / "a" / "b" / "urls.txt"}[where]
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
    assert {"https://gazette.example/caf%E9.txt", "https://gazette.example/%FF%FE.txt",
            "https://gazette.example/na%EFve/r%E9sum%E9.txt"} <= set(urls)
    assert os.path.isfile(os.path.join(os.fsencode(site / "public"), b"caf\xe9.txt"))


def bulky_site(root: Path, files: int = 2000) -> Path:
    content = {f"content/national/story-{i}.md": article(f"Story {i}") for i in range(10)}
    content.update({f"static/archive/item-{i:04d}.txt": f"archived item {i}\n" * 50 for i in range(files)})
    return write_site(root, content)


class SignalWhenStaging(FileSystemEventHandler):
    """Send SIGTERM to a build once `after` files exist in its temporary folder (0: when the folder appears)."""

    def __init__(self, proc: subprocess.Popen, after: int):
        self.proc, self.after, self.seen = proc, after, 0
        self.sent = threading.Event()

    def on_created(self, event):
        parts = Path(event.src_path).parts
        if self.sent.is_set() or not any(TEMP.fullmatch(p) for p in parts):
            return
        if not TEMP.fullmatch(parts[-1]):
            self.seen += 1
        if self.seen >= self.after:
            self.proc.send_signal(signal.SIGTERM)
            self.sent.set()


@pytest.mark.parametrize("after", [0, 300])
def test_sigterm_stops_a_build_with_the_previous_output_intact_and_no_temporary_folder(tmp_path, after):
    site = bulky_site(tmp_path / "site")
    assert build(site) == 0
    for i in range(2000):  # every static file changes: a whole new tree is staged
        (site / f"static/archive/item-{i:04d}.txt").write_text(f"new item {i}\n")
    before = fingerprint(tmp_path)
    expected = tmp_path.parent / f"{tmp_path.name}-expected"  # the same build, uninterrupted
    shutil.copytree(site, expected, symlinks=True)
    assert build(expected) == 0
    proc = subprocess.Popen([sys.executable, str(REPO / "build.py"), "build", "--site", str(site), "--now", NOW],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    handler = SignalWhenStaging(proc, after)
    observer = Observer()
    observer.schedule(handler, str(site), recursive=True)
    observer.start()
    try:
        assert handler.sent.wait(timeout=120), "the build never staged its files"
        out, err = proc.communicate(timeout=120)
    finally:
        observer.stop()
        observer.join()
    assert proc.returncode == 128 + signal.SIGTERM, err
    assert "broadsheet: terminated" in err and "Traceback" not in err
    if fingerprint(tmp_path) != before:
        # On a loaded machine the watcher's events can arrive after the new tree is in place: then the signal
        # found the build done, and the output must be the whole new build, never a mix of the two.
        assert "files changed" in out, "the previous output (and everything else) must be as it was"
        assert tree_snapshot(site / "public") == tree_snapshot(expected / "public")
    assert [p.name for p in site.iterdir() if p.name.startswith(".public")] == []
