"""Faults mid-write: a real build process killed with SIGKILL, a disk that fills up, a write refused by the OS."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from support import NOW, REPO, article, build, write_site
from hostile_support import fingerprint
from watchdog.events import FileSystemEventHandler
from watchdog.observers import Observer

TEMP = re.compile(r"\.public\.(?:tmp|old)-[0-9a-f]{8}")


def bulky_site(root: Path, files: int = 3000) -> Path:
    """A site whose output takes a noticeable time to write (thousands of static files)."""
    content = {f"content/national/story-{i}.md": article(f"Story {i}") for i in range(20)}
    content.update({f"static/archive/item-{i:04d}.txt": f"archived item {i}\n" * 100 for i in range(files)})
    return write_site(root, content)


def build_process(site: Path, **kwargs) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, str(REPO / "build.py"), "build", "--site", str(site), "--now", NOW],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kwargs,
    )


class KillWhenTempAppears(FileSystemEventHandler):
    """Send SIGKILL to the build the moment its temporary output folder is created."""

    def __init__(self, proc: subprocess.Popen):
        self.proc = proc
        self.killed = threading.Event()

    def on_created(self, event):
        if event.is_directory and TEMP.fullmatch(os.path.basename(event.src_path)) and not self.killed.is_set():
            self.proc.send_signal(signal.SIGKILL)
            self.killed.set()


def test_sigkill_mid_write_leaves_previous_output_and_the_next_run_cleans_up(tmp_path):
    site = bulky_site(tmp_path / "site")
    assert build(site) == 0
    (site / "content/national/story-0.md").write_text(article("A changed headline"))
    before = fingerprint(tmp_path)

    proc = build_process(site)
    handler = KillWhenTempAppears(proc)
    observer = Observer()
    observer.schedule(handler, str(site), recursive=False)
    observer.start()
    try:
        assert handler.killed.wait(timeout=60), "the build never created its temporary folder"
        proc.communicate(timeout=60)
    finally:
        observer.stop()
        observer.join()
    assert proc.returncode == -signal.SIGKILL
    leftovers = [p for p in site.iterdir() if TEMP.fullmatch(p.name)]
    assert leftovers, "the kill should land mid-write, leaving the temporary folder"
    # A killed process cannot remove its lock file either; it is empty, and no longer held by anyone.
    after = {k: v for k, v in fingerprint(tmp_path).items()
             if not any(TEMP.fullmatch(p) for p in k.split("/")) and k != "site/.public.lock"}
    assert after == before, "the previous output (and everything else) must be exactly as it was"

    assert build(site) == 0
    assert [p.name for p in site.iterdir() if p.name.startswith(".public")] == []
    assert "A changed headline" in (site / "public/national/story-0/index.html").read_text()


@pytest.fixture
def small_disk(tmp_path: Path):
    """A 1 MB tmpfs when we may mount one (root), else None."""
    mnt = tmp_path / "disk"
    mnt.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mnt)],
                             capture_output=True, check=False).returncode == 0
    yield mnt if mounted else None
    if mounted:
        subprocess.run(["umount", "-l", str(mnt)], check=True)


def test_disk_full_mid_write_leaves_previous_output_and_no_temporary_folder(tmp_path, small_disk, capsys):
    """ENOSPC from a real, tiny file system; where mounting is not allowed, a file-size limit (EFBIG) instead."""
    site = write_site(tmp_path / "site", {"content/national/a.md": article("First story")})
    out = (small_disk or tmp_path) / "public"
    assert build(site, "--output", out) == 0
    (site / "static/big.bin").write_bytes(os.urandom(1536 * 1024))  # more than the disk holds
    before = fingerprint(tmp_path)
    if small_disk is not None:
        code = build(site, "--output", out)
        err = capsys.readouterr().err
        assert "No space left on device" in err
    else:
        proc = subprocess.run(
            [sys.executable, str(REPO / "build.py"), "build", "--site", str(site), "--now", NOW, "--output", str(out)],
            capture_output=True, text=True, preexec_fn=limit_file_size, timeout=120, check=False,
        )
        code, err = proc.returncode, proc.stderr
        assert "File too large" in err
    assert code == 1 and "Traceback" not in err
    assert "previous output was left as it was" in err
    assert fingerprint(tmp_path) == before
    assert [p.name for p in out.parent.iterdir() if p.name.startswith(".public")] == []


def limit_file_size() -> None:
    """In the child: make any write past 1 MB fail with EFBIG instead of killing the process."""
    import resource

    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (1024 * 1024, 1024 * 1024))


def test_write_refused_by_the_os_leaves_previous_output(tmp_path, capsys):
    """A file-size limit set on a real build process: its write fails with EFBIG, its output is rolled back."""
    site = write_site(tmp_path / "site", {"content/national/a.md": article("First story")})
    assert build(site) == 0
    (site / "static/big.bin").write_bytes(b"\0" * (2 * 1024 * 1024))
    before = fingerprint(tmp_path)
    proc = subprocess.run(
        [sys.executable, str(REPO / "build.py"), "build", "--site", str(site), "--now", NOW],
        capture_output=True, text=True, preexec_fn=limit_file_size, timeout=120, check=False,
    )
    assert proc.returncode == 1, proc.stderr
    assert "File too large" in proc.stderr and "Traceback" not in proc.stderr
    assert fingerprint(tmp_path) == before
