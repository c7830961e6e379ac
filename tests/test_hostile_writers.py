"""One writer per output folder: a second one is refused, naming the first; a session notices another's build."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
from hostile_support import PausedBuild, fingerprint, refused
from support import NOW, REPO, article, build, clean_build, tree_snapshot, write_site

from broadsheet.errors import BuildError
from broadsheet.options import BuildOptions
from broadsheet.preview.session import Session

FEB, MAR = "2026-02-12T12:00:00-08:00", "2026-03-12T12:00:00-08:00"

HOLD = """
import sys
from pathlib import Path
from broadsheet.output.lock import writing
with writing(Path(sys.argv[1])):
    print("held", flush=True)
    sys.stdin.read()
"""


class Holder:
    """A real process holding an output folder's lock until it is let go."""

    def __init__(self, out_dir: Path):
        self.proc = subprocess.Popen(
            [sys.executable, "-c", HOLD, str(out_dir)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=REPO,
        )
        assert self.proc.stdout.readline() == "held\n"

    def release(self) -> None:
        self.proc.stdin.close()
        assert self.proc.wait(timeout=30) == 0
        self.proc.stdout.close()


def two_sites(tmp_path: Path) -> tuple[Path, Path]:
    site = write_site(tmp_path / "site", {"content/national/a.md": article("Story A")})
    other = write_site(tmp_path / "other", {"content/national/b.md": article("Story B")})
    return site, other


@pytest.mark.slow
@pytest.mark.parametrize("who", ["the same site", "another site", "another site, through a link"])
def test_a_second_writer_is_refused_naming_the_first(tmp_path, capsys, who):
    site, other = two_sites(tmp_path)
    assert build(site) == 0
    out = site / "public"
    if who == "another site, through a link":
        (tmp_path / "link").symlink_to(site)
    args = {
        "the same site": ("--site", site),
        "another site": ("--site", other, "--output", out, "--force"),
        "another site, through a link": ("--site", other, "--output", tmp_path / "link/public", "--force"),
    }[who]
    holder = Holder(out)
    try:
        err = refused(tmp_path, capsys, *args, code=1)
    finally:
        holder.release()
    assert f"process {holder.proc.pid} (" in err and "is writing this output folder" in err
    assert build(*args[1:2], *args[2:]) == 0  # let go: the next build may write


@pytest.mark.slow
def test_a_session_is_refused_while_another_process_writes_and_recovers_after(tmp_path):
    site, _ = two_sites(tmp_path)
    session = Session(BuildOptions(site, site / "public", datetime.fromisoformat(NOW)))
    holder = Holder(site / "public")
    try:
        with pytest.raises(BuildError) as caught:
            session.rebuild()
    finally:
        holder.release()
    assert f"process {holder.proc.pid}" in str(caught.value)
    session.rebuild()
    assert "Story A" in (site / "public/national/a/index.html").read_text()


@pytest.mark.slow
@pytest.mark.parametrize("first", [FEB, MAR])
def test_concurrent_builds_leave_one_whole_build(tmp_path, first):
    """A second build starts while the first holds the lock with its files half staged: it is refused, naming
    the first, and touches nothing; the output is then exactly the first build, whole."""
    second = MAR if first == FEB else FEB
    site = write_site(
        tmp_path / "site",
        {
            **{f"content/national/s{i}.md": article(f"Story {i}") for i in range(20)},
            "content/national/march.md": article(
                "Out in March", date="2026-03-01 09:00"
            ),  # only the March build has it
            **{f"static/files/f{i:03d}.txt": f"file {i}\n" for i in range(300)},
        },
    )
    expected = {now: clean_build(site, tmp_path / now[:7], now=now) for now in (FEB, MAR)}
    assert expected[FEB] != expected[MAR]
    assert build(site, now=second) == 0  # an output to replace: the March story comes or goes
    before = fingerprint(tmp_path)

    holder = PausedBuild(site, "staging", "--now", first, count=5)  # inside the lock, four new files staged
    try:
        proc = subprocess.run(
            [sys.executable, str(REPO / "build.py"), "build", "--site", str(site), "--now", second],
            capture_output=True,
            text=True,
            timeout=120,
        )
        during = fingerprint(tmp_path)
    finally:
        code, out, err = holder.resume()
    assert proc.returncode == 1, proc.stderr
    assert f"process {holder.proc.pid} (" in proc.stderr and "is writing this output folder" in proc.stderr
    assert {k: v for k, v in during.items() if not k.startswith("site/.public.")} == before  # only the stage and lock
    assert code == 0 and "Traceback" not in err, err
    assert tree_snapshot(site / "public") == expected[first]
    assert [p.name for p in site.iterdir() if p.name.startswith(".public")] == []


def cron_site(tmp_path: Path) -> Path:
    return write_site(
        tmp_path / "site",
        {
            "content/national/a.md": article("Story A", date="2026-02-01 09:00"),
            "content/national/tomorrow.md": article("Tomorrow's story", date="2026-02-13 06:00"),
            "content/national/draft.md": article("A draft", date="2026-02-02 09:00", draft="true"),
        },
    )


@pytest.mark.slow
@pytest.mark.parametrize(
    "cron",
    [
        ("--now", "2026-02-13T12:00:00-08:00"),
        ("--now", NOW, "--drafts"),
        ("--now", NOW, "--base-url", "https://elsewhere.example"),
    ],
)
def test_a_session_notices_that_another_process_rewrote_its_output(tmp_path, cron):
    """A cron build between two saves of a watch session: the session's next save must not mix the two."""
    site = cron_site(tmp_path)
    session = Session(BuildOptions(site, site / "public", datetime.fromisoformat(NOW)))
    session.rebuild()
    proc = subprocess.run(
        [sys.executable, str(REPO / "build.py"), "build", "--site", str(site), *cron],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    (site / "content/national/a.md").write_text(article("Story A, edited"))
    session.rebuild({site / "content/national/a.md"})
    assert build(site, "--output", tmp_path / "clean", "--no-cache") == 0
    assert tree_snapshot(site / "public") == tree_snapshot(tmp_path / "clean")
    assert not os.path.exists(site / ".public.lock")
