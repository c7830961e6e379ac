"""Watching: editor saves give one batch, storms give one or two, junk gives none, builds never overlap."""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest
from support import NOW, TIMEOUT, article, write_site

from broadsheet.cli import parse_now
from broadsheet.options import BuildOptions
from broadsheet.preview.session import Session
from broadsheet.preview.watch import (
    MAX_WAIT,
    QUIET,
    SETTLED,
    Batch,
    ChangeQueue,
    Rebuilt,
    describe_batch,
    is_watched,
    rebuild_forever,
    report_line,
    run_build,
    start_observer,
    tidy_after_interrupt,
)


class Clock:
    """A test clock: time passes only when the test says so."""

    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class RecordingQueue(ChangeQueue):
    """A queue on a test clock that lets a test wait for the watcher's next event (never for time to pass)."""

    def __init__(self, clock: Clock, **timings: float):
        super().__init__(clock=clock, **timings)
        self.clock_ = clock
        self.events: list[tuple[frozenset[Path], bool, bool]] = []
        self.arrived = threading.Condition()

    def put(self, paths, full=False, finished=False):
        paths = frozenset(paths)
        super().put(paths, full, finished)
        with self.arrived:
            self.events.append((paths, finished, full))
            self.arrived.notify_all()

    def wait_for(self, path: Path, finished: bool | None, after: int) -> int:
        """Wait until an event after the first `after` names path (finished, unfinished, or either: None);
        return how many events have come."""

        def seen() -> bool:
            return any(path in paths and finished in (None, done) for paths, done, _ in self.events[after:])

        with self.arrived:
            what = {True: "finished ", False: "unfinished ", None: ""}[finished]
            assert self.arrived.wait_for(seen, TIMEOUT), f"the watcher never reported a {what}change of {path}"
            return len(self.events)

    def batch_after(self, seconds: float) -> Batch | None:
        """Move the clock on by `seconds` and return the batch then due, if any."""
        self.clock_.advance(seconds)
        return self.poll()


@pytest.fixture
def watched(site):
    """A site with a running watcher whose queue runs on a test clock; yields (site, queue)."""
    write_site(site, {"content/national/a.md": article("First story")})
    (site / "public").mkdir()
    (site / ".broadsheet-cache").mkdir()
    queue = RecordingQueue(Clock())
    observer = start_observer(site, queue, ignore=(site / "public", site / ".broadsheet-cache"))
    yield site, queue
    observer.stop()
    observer.join(timeout=5)


def sentinels(site: Path) -> frozenset[Path]:
    """One source in each place the watcher watches separately (each has its own stream of events)."""
    return frozenset(
        {
            site / "content" / "zz-sentinel.md",
            site / "templates" / "zz-sentinel.html",
            site / "static" / "zz-sentinel.css",
            site / "site.toml",
        }
    )


def sentinel_batch(site: Path, queue: RecordingQueue) -> Batch | None:
    """Save the sentinels, wait for the watcher to report each complete, and return the batch due SETTLED later.

    Each watched place reports its events in order, so every event of earlier saves has reached the queue by
    then: a straggler (a junk file let through, a save reported twice) shows up in this batch beside them.
    """
    seen = len(queue.events)
    for path in sorted(sentinels(site)):
        path.write_text(path.read_text() if path.name == "site.toml" else "/* sentinel */")
    for path in sentinels(site):
        queue.wait_for(path, finished=True, after=seen)
    return queue.batch_after(SETTLED)


def assert_one_batch_of(site: Path, queue: RecordingQueue, *paths: Path) -> None:
    """The save of `paths` is one batch, due as soon as it settles, and nothing else follows it: the next batch
    holds only the sentinels saved afterwards."""
    for path in paths:
        queue.wait_for(path, finished=True, after=0)
    assert queue.batch_after(SETTLED - 0.001) is None  # not before it has settled
    assert queue.batch_after(0.001) == Batch(frozenset(paths))  # complete saves: no waiting for QUIET
    assert sentinel_batch(site, queue) == Batch(sentinels(site))


def test_vim_backup_and_rename_save_is_one_batch(watched):
    site, queue = watched
    md = site / "content" / "national" / "a.md"
    (md.parent / "4913").write_text("")  # vim probes the folder with this name first
    os.unlink(md.parent / "4913")
    os.rename(md, md.parent / "a.md~")
    (md.parent / ".a.md.swp").write_bytes(b"swap")
    md.write_text(article("Edited in vim"))
    os.unlink(md.parent / "a.md~")
    os.unlink(md.parent / ".a.md.swp")
    assert_one_batch_of(site, queue, md)


def save_atomically(md: Path, text: str) -> None:
    """Save as many editors do: write a temp file beside it, then rename it over the file."""
    tmp = md.parent / f".{md.name}.tmp-1234"
    tmp.write_text(text)
    os.replace(tmp, md)


def test_write_to_temp_then_rename_is_one_batch(watched):
    site, queue = watched
    md = site / "content" / "national" / "a.md"
    save_atomically(md, article("Edited atomically"))
    assert_one_batch_of(site, queue, md)


def test_truncate_then_write_is_one_batch(watched):
    site, queue = watched
    md = site / "content" / "national" / "a.md"
    with open(md, "r+") as f:
        f.truncate(0)
        f.flush()
        os.fsync(f.fileno())
        f.write(article("Edited in place"))
    assert_one_batch_of(site, queue, md)


def test_delete_then_create_is_one_batch(watched):
    site, queue = watched
    md = site / "content" / "national" / "a.md"
    md.unlink()
    md.write_text(article("Recreated"))
    assert_one_batch_of(site, queue, md)


def test_templates_static_and_site_toml_are_watched(watched):
    site, queue = watched
    changed = [site / "templates" / "article.html", site / "static" / "css" / "site.css", site / "site.toml"]
    for path in changed:
        path.write_text(path.read_text() + "\n")
    assert_one_batch_of(site, queue, *changed)


def test_editor_junk_output_and_cache_folders_are_ignored(watched):
    site, queue = watched
    folder = site / "content" / "national"
    for name in ("a.md.swp", ".a.md.swp", "a.md~", ".#a.md", "4913", ".DS_Store", "notes.txt"):
        (folder / name).write_text("junk")
    (site / "templates" / ".#base.html").write_text("junk")
    (site / "public" / "index.html").write_text("output")
    (site / ".broadsheet-cache" / "anything").write_text("cache")
    (site / "README.txt").write_text("not a source")
    assert sentinel_batch(site, queue) == Batch(sentinels(site))


def test_a_checkout_of_200_files_is_one_batch_of_those_files(watched):
    site, queue = watched
    paths = [site / "content" / "national" / f"story-{i:03}.md" for i in range(200)]
    for i, path in enumerate(paths):
        path.write_text(article(f"Story {i}"))
    assert_one_batch_of(site, queue, *paths)


def test_a_new_folder_asks_for_a_full_rebuild(watched):
    site, queue = watched
    (site / "content" / "sports").mkdir()
    queue.wait_for(site / "content" / "sports", finished=None, after=0)
    assert queue.batch_after(QUIET - 0.001) is None  # a folder may be filled with files yet: it waits for quiet
    batch = queue.batch_after(0.001)
    assert batch is not None and batch.full and site / "content" / "sports" in batch.paths


def test_a_source_folder_made_after_start_up_is_watched_too(site):
    write_site(site, {"content/national/a.md": article("First story")})
    shutil.rmtree(site / "static")  # the theme's CSS, JS and icon
    queue = RecordingQueue(Clock())
    observer = start_observer(site, queue)
    try:
        (site / "static").mkdir()
        seen = queue.wait_for(site / "static", finished=None, after=0)
        batch = queue.batch_after(QUIET)
        assert batch is not None and batch.full
        (site / "static" / "logo.svg").write_text("<svg/>")
        queue.wait_for(site / "static" / "logo.svg", finished=True, after=seen)
        assert queue.batch_after(SETTLED) == Batch(frozenset({site / "static" / "logo.svg"}))
    finally:
        observer.stop()
        observer.join(timeout=5)


def test_is_watched_knows_sources_from_everything_else(site):
    ok = [
        site / "site.toml",
        site / "content" / "a.md",
        site / "content" / "x" / "b.markdown",
        site / "templates" / "partials" / "card.html",
        site / "static" / "img" / "a.webp",
    ]
    no = [
        site / "public" / "index.html",
        site / ".broadsheet-cache" / "preview" / "index.html",
        site / "content" / "a.md.swp",
        site / "content" / ".#a.md",
        site / "content" / "4913",
        site / "content" / "a.md~",
        site / "static" / ".DS_Store",
        site / "content" / "sedX1y2z3",
        site / ".git" / "index",
        site / "other.toml",
        site.parent / "elsewhere.md",
        site / "static" / "public" / "x.css",
    ]
    assert all(is_watched(p, site) for p in ok)
    assert not any(is_watched(p, site, ignore=(site / "static" / "public",)) for p in no)


@pytest.fixture
def patient(site):
    """A running watcher whose queue (on a test clock) waits a whole minute for quiet."""
    write_site(site, {"content/national/a.md": article("First story")})
    queue = RecordingQueue(Clock(), quiet=60, max_wait=120)
    observer = start_observer(site, queue)
    yield site, queue
    observer.stop()
    observer.join(timeout=5)


def test_a_save_that_closed_its_file_is_built_without_waiting_for_quiet(patient):
    site, queue = patient
    md = site / "content" / "national" / "a.md"
    md.write_text(article("Saved and closed"))  # open, write, close: the save is complete
    queue.wait_for(md, finished=True, after=0)
    assert queue.batch_after(SETTLED) == Batch(frozenset({md}))  # a minute short of quiet


def test_a_save_renamed_into_place_is_built_without_waiting_for_quiet(patient):
    site, queue = patient
    md = site / "content" / "national" / "a.md"
    save_atomically(md, article("Renamed into place"))
    queue.wait_for(md, finished=True, after=0)
    assert queue.batch_after(SETTLED) == Batch(frozenset({md}))


def test_a_file_still_open_or_deleted_waits_for_quiet_and_a_closed_one_does_not(site):
    write_site(site, {"content/national/a.md": article("First story")})
    clock = Clock()
    queue = RecordingQueue(clock)
    observer = start_observer(site, queue)
    md = site / "content" / "national" / "a.md"
    try:
        with open(md, "w") as f:  # written, not yet closed: the editor may still be writing
            f.write(article("Half"))
            f.flush()
            seen = queue.wait_for(md, finished=False, after=0)
            clock.advance(QUIET - 0.001)
            assert queue.poll() is None  # far past SETTLED, short of QUIET
        seen = queue.wait_for(md, finished=True, after=seen)  # closed: now complete
        clock.advance(SETTLED)
        assert queue.poll() == Batch(frozenset({md}))
        md.unlink()  # a deleted file may come back (delete, then create): wait for quiet
        queue.wait_for(md, finished=False, after=seen)
        clock.advance(QUIET - 0.001)
        assert queue.poll() is None
        clock.advance(0.001)
        assert queue.poll() == Batch(frozenset({md}))
    finally:
        observer.stop()
        observer.join(timeout=5)


def test_a_finished_file_does_not_hurry_a_batch_that_holds_an_unfinished_one():
    clock = Clock()
    queue = ChangeQueue(clock=clock)
    queue.put({Path("/s/content/a.md")})  # modified; no close yet
    queue.put({Path("/s/content/b.md")}, finished=True)
    clock.advance(QUIET - 0.001)
    assert queue.poll() is None
    queue.put({Path("/s/content/a.md")}, finished=True)
    clock.advance(SETTLED - 0.001)
    assert queue.poll() is None
    clock.advance(0.001)
    assert queue.poll().paths == frozenset({Path("/s/content/a.md"), Path("/s/content/b.md")})


def test_a_burst_of_puts_is_one_batch_and_a_steady_trickle_is_cut_at_max_wait():
    clock = Clock()
    queue = ChangeQueue(clock=clock)
    for i in range(500):
        queue.put({Path(f"/s/content/{i}.md")})
        clock.advance(0.001)
    assert queue.poll() is None  # still coming in
    clock.advance(QUIET)
    assert len(queue.poll().paths) == 500
    assert queue.poll() is None
    for i in range(30):  # a save every 50 ms, never quiet for QUIET
        queue.put({Path(f"/s/content/t{i}.md")})
        clock.advance(0.05)
        if (batch := queue.poll()) is not None:
            break
    assert batch is not None and MAX_WAIT / 0.05 <= len(batch.paths) <= MAX_WAIT / 0.05 + 1  # float steps


def test_take_returns_a_due_batch_at_once_and_none_when_closed():
    clock = Clock()
    queue = ChangeQueue(clock=clock)
    queue.put({Path("/s/content/a.md")}, finished=True)
    clock.advance(SETTLED)
    assert queue.take(timeout=TIMEOUT).paths == frozenset({Path("/s/content/a.md")})
    queue.close()
    assert queue.take() is None


class BlockingBuilder:
    """A builder whose first rebuild waits for the test, to show what happens to saves during a build."""

    def __init__(self):
        self.opts = BuildOptions(Path("/s"), None, parse_now(NOW))
        self.started = threading.Event()
        self.release = threading.Event()
        self.calls: list[set[Path] | None] = []
        self.running = 0
        self.overlapped = False

    def rebuild(self, changed):
        self.running += 1
        self.overlapped |= self.running > 1
        self.calls.append(changed)
        self.started.set()
        assert self.release.wait(TIMEOUT)
        self.running -= 1

    def seconds_to_next_change(self):
        return None  # its clock stands still: only saves start builds


def test_changes_during_a_build_give_exactly_one_more_build():
    builder = BlockingBuilder()
    queue = ChangeQueue()
    done: list[Rebuilt] = []
    two = threading.Event()

    def on_done(d: Rebuilt) -> None:
        done.append(d)
        if len(done) == 2:
            two.set()

    loop = threading.Thread(target=rebuild_forever, args=(builder, queue, on_done))
    loop.start()
    queue.put({Path("/s/content/a.md")})
    assert builder.started.wait(TIMEOUT)
    for i in range(20):  # saves while the first build runs
        queue.put({Path(f"/s/content/{i}.md")})
    builder.release.set()
    assert two.wait(TIMEOUT)
    queue.close()
    loop.join(TIMEOUT)
    assert not loop.is_alive()
    assert builder.calls == [{Path("/s/content/a.md")}, {Path(f"/s/content/{i}.md") for i in range(20)}]
    assert not builder.overlapped


def test_a_failed_rebuild_reports_its_problems_and_the_loop_goes_on(site):
    write_site(site, {"content/national/a.md": "---\ntitle: [unclosed\n---\nBody\n"})
    builder = Session(BuildOptions(site, site / "public", parse_now(NOW)))
    done = run_build(builder, Batch(frozenset({site / "content" / "national" / "a.md"})))
    assert not done.ok
    assert [(p.path.name, p.line) for p in done.problems] == [("a.md", 3)]
    assert "content/national/a.md: build failed with 1 problem in" in report_line(done)
    assert not (site / "public").exists()


def test_the_rebuild_line_says_what_changed_pages_written_and_time(site):
    write_site(site, {"content/national/a.md": article("First story")})
    builder = Session(BuildOptions(site, site / "public", parse_now(NOW)))
    paths = frozenset({site / "content" / "national" / "a.md", site / "templates" / "base.html"})
    line = report_line(run_build(builder, Batch(paths)))
    assert " content/national/a.md and 1 more: " in line
    assert " pages written in " in line and line.endswith(" s")
    assert describe_batch(Batch(frozenset(), full=True)) == "first build"


def test_tidying_after_ctrl_c_removes_temp_folders_and_puts_back_a_half_swapped_output(tmp_path):
    out = tmp_path / "public"
    (tmp_path / ".public.old-1a2b3c4d").mkdir()
    (tmp_path / ".public.old-1a2b3c4d" / "index.html").write_text("last good build")
    (tmp_path / ".public.tmp-5e6f7a8b" / "national").mkdir(parents=True)
    tidy_after_interrupt(out)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["public"]
    assert (out / "index.html").read_text() == "last good build"
    (tmp_path / ".public.tmp-0badcafe").mkdir()
    tidy_after_interrupt(out)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["public"]


@pytest.mark.parametrize("first", ["the file", "a whole folder"])
def test_a_broken_story_stays_reported_while_other_stories_are_saved(site, first):
    write_site(site, {"content/national/a.md": article("First story"), "content/national/b.md": article("Second")})
    session = Session(BuildOptions(site, site / "public", parse_now(NOW)))
    assert run_build(session, None).ok
    a, b = site / "content/national/a.md", site / "content/national/b.md"
    a.write_text("---\ntitle: [unclosed\n---\nBody\n")
    batch = Batch(frozenset({a})) if first == "the file" else Batch(frozenset({a.parent}), full=True)
    assert not run_build(session, batch).ok
    b.write_text(article("Second, edited"))
    done = run_build(session, Batch(frozenset({b})))  # the watcher names only b; a is still broken
    assert [(p.path.name, p.line) for p in done.problems] == [("a.md", 3)]
    a.write_text(article("First story, fixed"))
    assert run_build(session, Batch(frozenset({a}))).ok
    assert "Second, edited" in (site / "public/national/b/index.html").read_text()
    assert "First story, fixed" in (site / "public/national/a/index.html").read_text()
