"""Faults mid-write: a real build process killed with SIGKILL, a disk that fills up, a write refused by the OS."""

from __future__ import annotations

import errno
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from hostile_support import fingerprint, signalled_at, signalled_build
from support import NOW, REPO, article, build, clean_build, tree_snapshot, write_site

from broadsheet.output.folder import JOURNAL, Stage

TEMP = re.compile(r"\.public\.(?:tmp|old)-[0-9a-f]{8}")


def bulky_site(root: Path, files: int = 3000) -> Path:
    """A site whose output takes a noticeable time to write (thousands of static files)."""
    content = {f"content/national/story-{i}.md": article(f"Story {i}") for i in range(20)}
    content.update({f"static/archive/item-{i:04d}.txt": f"archived item {i}\n" * 100 for i in range(files)})
    return write_site(root, content)


@pytest.mark.slow
@pytest.mark.parametrize("point", ["staging", "journal written"])
def test_sigkill_mid_write_leaves_previous_output_and_the_next_run_cleans_up(tmp_path, point):
    """SIGKILL with five new files staged (nothing in place yet), and just after the commit point of the patch
    (the journal written, nothing moved yet): the output is as it was, and the next run ends as a clean build."""
    site = bulky_site(tmp_path / "site")
    assert build(site) == 0
    (site / "content/national/story-0.md").write_text(article("A changed headline"))
    before = fingerprint(tmp_path)

    proc = signalled_build(site, point, signal.SIGKILL, count=5 if point == "staging" else 1)
    assert signalled_at(proc, point), f"the build never reached {point}: {proc.stderr}"
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    leftovers = [p for p in site.iterdir() if TEMP.fullmatch(p.name)]
    assert len(leftovers) == 1, "a killed build cannot remove its stage"
    assert (leftovers[0] / JOURNAL).is_file() == (point == "journal written")
    # A killed process cannot remove its lock file either; it is empty, and no longer held by anyone.
    after = {
        k: v
        for k, v in fingerprint(tmp_path).items()
        if not any(TEMP.fullmatch(p) for p in k.split("/")) and k != "site/.public.lock"
    }
    assert after == before, "the previous output (and everything else) must be exactly as it was"

    assert build(site) == 0  # drops the stage, or finishes the patch its journal describes
    assert [p.name for p in site.iterdir() if p.name.startswith(".public")] == []
    assert "A changed headline" in (site / "public/national/story-0/index.html").read_text()
    assert tree_snapshot(site / "public") == clean_build(site, tmp_path)


def test_disk_full_mid_write_leaves_previous_output_and_no_temporary_folder(site, capsys, monkeypatch):
    """The disk fills up halfway through staging a file: ENOSPC from the write, raised where the OS would."""
    write_site(site, {"content/national/a.md": article("First story")})
    assert build(site) == 0
    (site / "static/big.bin").write_bytes(os.urandom(1536 * 1024))
    (site / "content/national/a.md").write_text(article("A changed story"))
    before = fingerprint(site.parent)
    real_put, full = Stage.put, []

    def put_until_the_disk_is_full(stage: Stage, rel: str, data: bytes | Path) -> None:
        if rel != "big.bin":
            return real_put(stage, rel, data)
        full.append(rel)
        with open(stage.staged(rel), "wb") as f:  # half of it fits
            f.write(data.read_bytes()[: 768 * 1024])
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(stage.staged(rel)))

    monkeypatch.setattr(Stage, "put", put_until_the_disk_is_full)
    code = build(site)
    err = capsys.readouterr().err
    assert full == ["big.bin"], "the build never got to write the file that fills the disk"
    assert code == 1 and "No space left on device" in err and "Traceback" not in err
    assert "previous output was left as it was" in err
    assert fingerprint(site.parent) == before
    assert [p.name for p in site.iterdir() if p.name.startswith(".public")] == []


@pytest.fixture
def small_disk(tmp_path: Path):
    """A real 1 MB file system (tmpfs); mounting one needs root."""
    mnt = tmp_path / "disk"
    mnt.mkdir()
    proc = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mnt)], capture_output=True, text=True, check=False
    )
    if proc.returncode != 0:
        pytest.fail(f"this test needs to mount a 1 MB tmpfs (run it as root): {proc.stderr.strip()}")
    yield mnt
    subprocess.run(["umount", "-l", str(mnt)], check=True)


def test_a_real_full_file_system_leaves_previous_output_and_no_temporary_folder(tmp_path, small_disk, capsys):
    """ENOSPC from the kernel: the output folder on a tiny file system that a new file does not fit on."""
    site = write_site(tmp_path / "site", {"content/national/a.md": article("First story")})
    out = small_disk / "public"
    assert build(site, "--output", out) == 0
    (site / "static/big.bin").write_bytes(os.urandom(1536 * 1024))  # more than the disk holds
    before = fingerprint(tmp_path)
    code = build(site, "--output", out)
    err = capsys.readouterr().err
    assert code == 1 and "No space left on device" in err and "Traceback" not in err
    assert "previous output was left as it was" in err
    assert fingerprint(tmp_path) == before
    assert [p.name for p in out.parent.iterdir() if p.name.startswith(".public")] == []


def limit_file_size() -> None:
    """In the child: make any write past 1 MB fail with EFBIG instead of killing the process."""
    import resource

    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (1024 * 1024, 1024 * 1024))


@pytest.mark.slow
def test_write_refused_by_the_os_leaves_previous_output(tmp_path, capsys):
    """A file-size limit set on a real build process: its write fails with EFBIG, its output is rolled back."""
    site = write_site(tmp_path / "site", {"content/national/a.md": article("First story")})
    assert build(site) == 0
    (site / "static/big.bin").write_bytes(b"\0" * (2 * 1024 * 1024))
    before = fingerprint(tmp_path)
    proc = subprocess.run(
        [sys.executable, str(REPO / "build.py"), "build", "--site", str(site), "--now", NOW],
        capture_output=True,
        text=True,
        preexec_fn=limit_file_size,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 1, proc.stderr
    assert "File too large" in proc.stderr and "Traceback" not in proc.stderr
    assert fingerprint(tmp_path) == before
