"""Watch mode: notice saves, batch them, and rebuild one batch at a time."""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import TextIO

from watchdog.events import (
    DirCreatedEvent,
    DirDeletedEvent,
    DirMovedEvent,
    FileClosedEvent,
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer

from broadsheet.errors import BuildError, Problem, UsageError, display_path, one_line
from broadsheet.load.discovery import MARKDOWN_SUFFIXES, is_junk
from broadsheet.options import CACHE_DIR, BuildOptions, BuildResult  # the cache and previews: never watched
from broadsheet.output.recovery import clean_stale_temps
from broadsheet.preview.session import Session

WATCHED_DIRS = ("content", "templates", "static", "locales", "data")
WATCHED_FILES = ("site.toml",)
QUIET = 0.1  # a batch closes after this long without a new event
# ...or only this long once every file in it is finished: closed after writing, or renamed into place
# (how editors save). A file deleted, renamed away or still open may come back: that waits for QUIET.
SETTLED = 0.015
MAX_WAIT = 1.0  # ...or this long after its first event, so a steady trickle still gets built
# Waiting for a scheduled change wakes up at least this often to read the clock again (a laptop that slept).
SCHEDULE_RECHECK = 60.0
# Opening and closing without writing are left out on purpose: the build reads every source, and would
# wake itself up. Closing after writing (inotify's IN_CLOSE_WRITE) says a save is complete.
EVENT_TYPES = [
    FileCreatedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileDeletedEvent,
    FileClosedEvent,
    DirCreatedEvent,
    DirMovedEvent,
    DirDeletedEvent,
]


@dataclass(frozen=True, slots=True)
class Batch:
    """The changes to build at once; `full` when a whole folder came or went."""

    paths: frozenset[Path]
    full: bool = False
    scheduled: bool = False  # no file changed: the clock reached an instant at which the site changes


class ChangeQueue:
    """Collect changed paths from the watcher thread and hand them out in quiet batches.

    `clock` says what time it is (monotonic seconds): tests give one of their own to see batching
    without waiting for it.
    """

    def __init__(
        self,
        quiet: float = QUIET,
        max_wait: float = MAX_WAIT,
        settled: float = SETTLED,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.quiet = quiet
        self.max_wait = max_wait
        self.settled = settled
        self.clock = clock
        self._cond = threading.Condition()
        self._paths: set[Path] = set()
        self._unfinished: set[Path] = set()  # changed, and not yet closed or renamed into place
        self._full = False
        self._first = 0.0
        self._last = 0.0
        self._closed = False

    def put(self, paths: Iterable[Path], full: bool = False, finished: bool = False) -> None:
        """Add changes to the open batch; `finished`: those files are complete (closed after writing, or
        renamed into place), so once nothing in the batch is unfinished it need not wait for QUIET."""
        paths = set(paths)
        if not paths and not full:
            return
        with self._cond:
            now = self.clock()
            if not self._paths and not self._full:
                self._first = now
            self._last = now
            self._paths |= paths
            if finished:
                self._unfinished -= paths
            else:
                self._unfinished |= paths
            self._full = self._full or full
            self._cond.notify_all()

    @property
    def closed(self) -> bool:
        return self._closed

    def close(self) -> None:
        """Wake any waiter and make take() return None from now on."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()

    def poll(self) -> Batch | None:
        """Return the open batch if it has gone quiet by the clock, else None; never waits."""
        with self._cond:
            return self._ready(self.clock())[0]

    def _ready(self, now: float) -> tuple[Batch | None, float | None]:
        """Hand out the open batch if it is due at `now`; else say how long until it is (None: no batch)."""
        if not self._paths and not self._full:
            return None, None
        quiet = self.quiet if self._full or self._unfinished else self.settled
        due = min(self._last + quiet, self._first + self.max_wait)
        if now < due:
            return None, due - now
        batch = Batch(frozenset(self._paths), self._full)
        self._paths, self._full, self._unfinished = set(), False, set()
        return batch, None

    def take(self, timeout: float | None = None) -> Batch | None:
        """Wait for a batch that has gone quiet; None on close or timeout."""
        deadline = None if timeout is None else self.clock() + timeout
        with self._cond:
            while not self._closed:
                now = self.clock()
                batch, wait = self._ready(now)
                if batch is not None:
                    return batch
                if deadline is not None:
                    if now >= deadline:
                        return None
                    wait = deadline - now if wait is None else min(wait, deadline - now)
                self._cond.wait(wait)
            return None


def is_watched(path: Path, site_dir: Path, ignore: tuple[Path, ...] = (), is_dir: bool = False) -> bool:
    """Tell whether a change at path can change the site (sources yes; junk, output and caches no)."""
    try:
        rel = path.relative_to(site_dir)
    except ValueError:
        return False
    parts = rel.parts
    if not parts:
        return False
    if len(parts) == 1:
        return parts[0] in WATCHED_FILES or parts[0] in WATCHED_DIRS
    if parts[0] not in WATCHED_DIRS:
        return False
    if any(part.startswith(".") or is_junk(part) for part in parts[1:]):
        return False  # .git, .#lock files, foo.swp, foo~, 4913, .DS_Store, temp files before their rename
    if parts[0] == "content" and not is_dir and not path.name.endswith(MARKDOWN_SUFFIXES):
        return False  # the build reads only Markdown there; `sed -i` and friends leave other temp names
    return not any(path == p or p in path.parents for p in ignore)


class _Forward(FileSystemEventHandler):
    """Pass relevant watchdog events on to a ChangeQueue."""

    def __init__(
        self, site_dir: Path, queue: ChangeQueue, ignore: tuple[Path, ...], watch_folder: Callable[[Path], None]
    ):
        self.site_dir = site_dir
        self.queue = queue
        self.ignore = ignore
        self.watch_folder = watch_folder

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type == "closed" and not event.is_directory:  # written and closed: that save is complete
            path = Path(os.fsdecode(event.src_path))
            if is_watched(path, self.site_dir, self.ignore):
                self.queue.put({path}, finished=True)
            return
        if event.event_type not in ("created", "modified", "moved", "deleted"):
            return
        if event.is_directory and event.event_type == "modified":
            return  # a folder's mtime moves with every file saved in it
        raw = [event.src_path, getattr(event, "dest_path", "") or ""]
        paths = {Path(os.fsdecode(p)) for p in raw if p}
        relevant = {p for p in paths if is_watched(p, self.site_dir, self.ignore, event.is_directory)}
        if event.is_directory and event.event_type in ("created", "moved"):
            for p in paths:
                if p.parent == self.site_dir and p.name in WATCHED_DIRS and p.is_dir():
                    self.watch_folder(p)  # content/, templates/ or static/ appeared after start-up
        # A folder that came, went or moved may hold any number of files: rebuild everything.
        self.queue.put(relevant, full=bool(relevant) and event.is_directory)
        if event.event_type == "moved" and not event.is_directory:
            # Renamed into place (an editor's atomic save): that file is complete. The old name stays
            # unfinished: a file renamed away may come back under it.
            dest = Path(os.fsdecode(event.dest_path))
            if dest in relevant:
                self.queue.put({dest}, finished=True)


def start_observer(site_dir: Path, queue: ChangeQueue, ignore: tuple[Path, ...] = ()) -> Observer:
    """Start watching the site's sources (content/, templates/, static/, data/, site.toml)."""
    observer = Observer()
    observer.daemon = True

    def watch_folder(folder: Path) -> None:
        observer.schedule(handler, str(folder), recursive=True, event_filter=EVENT_TYPES)

    handler = _Forward(site_dir, queue, ignore, watch_folder)
    observer.schedule(handler, str(site_dir), recursive=False, event_filter=EVENT_TYPES)
    for name in WATCHED_DIRS:
        if (site_dir / name).is_dir():
            watch_folder(site_dir / name)
    observer.start()
    return observer


@dataclass(frozen=True, slots=True)
class Rebuilt:
    """The outcome of one rebuild, for the terminal and the preview server."""

    batch: Batch
    result: BuildResult | None
    problems: tuple[Problem, ...] = ()
    seconds: float = 0.0
    site_dir: Path | None = None  # changed files are named relative to it
    finished: datetime = field(default_factory=datetime.now)

    @property
    def ok(self) -> bool:
        return self.result is not None


def run_build(session: Session, batch: Batch | None) -> Rebuilt:
    """Rebuild once; turn every failure into problems instead of an exception."""
    batch = batch or Batch(frozenset(), full=True)
    started = time.perf_counter()
    try:
        changed = set() if batch.scheduled else None if batch.full or not batch.paths else set(batch.paths)
        result = session.rebuild(changed)
        return Rebuilt(batch, result, seconds=time.perf_counter() - started, site_dir=session.opts.site_dir)
    except BuildError as e:
        problems = e.problems
    except UsageError as e:
        problems = (Problem(session.opts.site_dir, None, str(e)),)
    except Exception as e:  # noqa: BLE001 (a bug or a full disk must not stop the preview; show it, carry on)
        traceback.print_exc()
        problems = (Problem(session.opts.site_dir, None, f"internal error: {type(e).__name__}: {e}"),)
    return Rebuilt(batch, None, problems, time.perf_counter() - started, site_dir=session.opts.site_dir)


def describe_batch(batch: Batch, site_dir: Path | None = None) -> str:
    """Name what changed, briefly: 'content/a.md', or 'content/a.md and 3 more'."""
    if not batch.paths:
        return "first build" if batch.full else "scheduled change" if batch.scheduled else "nothing"
    names = sorted(display_path(p, site_dir) for p in batch.paths)
    return names[0] if len(names) == 1 else f"{names[0]} and {len(names) - 1} more"


def report_line(done: Rebuilt) -> str:
    """Return the one terminal line for a rebuild: what changed, pages written, time."""
    stamp = done.finished.strftime("%H:%M:%S")
    what = describe_batch(done.batch, done.site_dir)
    if done.ok:
        n = done.result.pages_written
        return f"{stamp} {what}: {n} page{'s' if n != 1 else ''} written in {done.seconds:.2f} s"
    n = len(done.problems)
    return f"{stamp} {what}: build failed with {n} problem{'s' if n != 1 else ''} in {done.seconds:.2f} s"


def print_rebuilt(done: Rebuilt, out: TextIO | None = None) -> None:
    """Print the rebuild's line, and its problems as path:line: message."""
    out = out or sys.stdout
    print(one_line(report_line(done)), file=out, flush=True)  # a file name may hold escape sequences
    for problem in (*done.problems, *(done.result.warnings if done.ok else ())):
        print(problem.format(), file=out, flush=True)


def rebuild_forever(session: Session, queue: ChangeQueue, on_done: Callable[[Rebuilt], None]) -> None:
    """Build each batch as it comes, one at a time, until the queue is closed; and, when the session has a
    clock, build again at each instant the site changes by itself (a story going live, a banner ending)."""
    # One thread builds, so two builds never overlap; saves during a build collect into the next batch.
    while True:
        wait = session.seconds_to_next_change()
        batch = queue.take(None if wait is None else min(wait, SCHEDULE_RECHECK))
        if batch is None:
            if queue.closed:
                return
            if (wait := session.seconds_to_next_change()) is None or wait > 0:
                continue  # woke to read the clock again, or a save's build moved the next change
            batch = Batch(frozenset(), scheduled=True)
        on_done(run_build(session, batch))


def absolute_options(opts: BuildOptions) -> BuildOptions:
    """Return opts with absolute folders, so build paths and watcher paths agree; the site must exist."""
    if not opts.site_dir.is_dir():
        raise UsageError(f"--site {opts.site_dir}: no such folder")
    out_dir = Path(os.path.abspath(opts.out_dir)) if opts.out_dir is not None else None
    return replace(opts, site_dir=Path(os.path.abspath(opts.site_dir)), out_dir=out_dir)


@contextmanager
def interrupt_on_sigterm() -> Iterator[None]:
    """Treat SIGTERM like Ctrl-C, so `kill` also stops cleanly and removes temporary folders."""

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    if threading.current_thread() is not threading.main_thread():
        yield  # signals reach only the main thread; nothing to install
        return
    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def tidy_after_interrupt(out_dir: Path) -> None:
    """Leave no temporary folder behind, wherever Ctrl-C landed in the last build."""
    if out_dir.parent.is_dir():
        clean_stale_temps(out_dir)  # also puts back an output interrupted between swap_in's renames


def run_watch(opts: BuildOptions, out: TextIO | None = None, clock: Callable[[], datetime] | None = None) -> int:
    """Build, then rebuild on every change and at every scheduled change until Ctrl-C; the `watch` command.

    `clock`: the real time, read at each build (None: every build is at opts.now).
    """
    out = out or sys.stdout
    session = Session(absolute_options(opts), clock)  # a refused output folder is a usage error, not a page
    opts = session.opts
    queue = ChangeQueue()
    observer = start_observer(opts.site_dir, queue, ignore=(opts.out_dir, opts.site_dir / CACHE_DIR))
    try:
        with interrupt_on_sigterm():
            print_rebuilt(run_build(session, None), out)
            print(
                f"Watching {one_line(display_path(opts.site_dir))} for changes; press Ctrl-C to stop",
                file=out,
                flush=True,
            )
            rebuild_forever(session, queue, lambda done: print_rebuilt(done, out))
    except KeyboardInterrupt:
        pass  # the build in progress (if any) has dropped its stage, or finished its patch, on the way out
    finally:
        stop_watching(queue, observer, session)
    print("Stopped.", file=out, flush=True)
    return 0


def stop_watching(queue: ChangeQueue, observer: Observer, session: Session) -> None:
    """End a watch: no more batches, no more file events, no temporary folder left behind, the session saved."""
    queue.close()
    observer.stop()
    observer.join(timeout=1)
    tidy_after_interrupt(session.opts.out_dir)
    session.close()
