"""The summary of the last build (<site>/.broadsheet-cache/summary.pickle): proving by stat alone that nothing
changed, before anything else is read or imported.

A build with nothing to do is the most common build of all (cron, a deploy hook, an editor saving twice). At
100,000 stories its whole cost is knowing that: the summary read, and the stories, the output's folders and its
files stat'd. So this module and what it imports stay light: no Markdown, no Jinja, no planner, none of the
stage modules. The summary holds its stats as one string of names and one array of numbers each (half a
million tuples take a third of a second to unpickle; these, a hundredth), and a drift (incremental/drift.py)
as the few names the proof needs, with the rest still pickled for the build that reads the memory.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import hashlib
import os
import pickle
import sys
import time
from array import array
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, tzinfo
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from broadsheet.guard import OutsideFolder, confined
from broadsheet.incremental.bodies import TABLE, generation
from broadsheet.load.dates import local_instant
from broadsheet.load.discovery import FolderStamp, extra_files, markdown_names, names_hold
from broadsheet.load.markdown import RENDERER_VERSION
from broadsheet.load.static import list_static
from broadsheet.options import CACHE_DIR, BuildOptions, BuildResult, Outcome
from broadsheet.output.changed import write_changed_urls
from broadsheet.output.listing import DirStamp, changed_folders, scan_output
from broadsheet.output.ours import stale_temps
from broadsheet.parallel import meanwhile
from broadsheet.paths import read_regular
from broadsheet.render.digests import template_digests
from broadsheet.stamps import RACY_NS, Stamp, digest, now_ns

if TYPE_CHECKING:
    from broadsheet.incremental.memory import Drift, Memory

FORMAT = 17  # bump when the layout of Memory or Summary changes (the code fingerprint would catch it anyway)
PACKAGE = Path(__file__).resolve().parent.parent
# From this many output files, their stats are checked in a second process while this one checks the rest.
BESIDE_FROM = 20_000


@dataclass(frozen=True, slots=True)
class Stats:
    """Files' stats, `width` numbers per name, kept as one string of names and one array of numbers."""

    names: str  # joined by NUL, which no path holds
    numbers: array
    width: int

    @classmethod
    def of(cls, rows: Iterable[tuple], width: int) -> Stats:
        names, numbers = [], array("q")
        for name, *values in rows:
            names.append(name)
            numbers.extend(values)
        return cls("\0".join(names), numbers, width)

    def paths(self) -> list[str]:
        return self.names.split("\0") if self.names else []

    def rows(self) -> Iterator[tuple]:
        """Each (name, number, ...)."""
        columns = (self.numbers[i :: self.width] for i in range(self.width))
        return zip(self.paths(), *columns, strict=True)

    def __len__(self) -> int:
        return len(self.numbers) // self.width if self.width else 0


@dataclass(frozen=True, slots=True)
class Drifted:
    """A drift as the summary holds it: what the proof needs, and the rest pickled for the memory read back."""

    generation: bytes  # of the memory on disk the drift applies to
    stale: tuple[str, ...]  # the stories edited since: read again by any build
    pickled: bytes  # the Drift itself

    @classmethod
    def of(cls, drift: Drift) -> Drifted:
        return cls(drift.generation, tuple(drift.stale), pickle.dumps(drift, protocol=pickle.HIGHEST_PROTOCOL))

    def load(self) -> Drift:
        return pickle.loads(self.pickled)


@dataclass(frozen=True, slots=True)
class Summary:
    """The last successful build in a few numbers: enough to prove, cheaply, that the next has nothing to do."""

    key: tuple  # the output folder and BuildOptions.key
    config: bytes | None  # the digest of site.toml
    inputs: bytes  # every template (by content) and static file (by stat)
    sources: Stats  # (path, size, mtime_ns) in walk order
    outputs: Stats  # (output path, size, mtime_ns, inode), by output path
    now: datetime  # the build's clock; any other may change what is live
    outcome: Outcome  # to report again
    keep: tuple[str, ...] = ()  # names in the output folder that are never ours (site.toml's `keep`)
    # Whether the output is the same at a later clock of the same day, until `holds_until` (None: ever): no
    # page reads the instant, only the edition date, and nothing is scheduled to appear, end or leave a list.
    clock_free: bool = False
    holds_until: datetime | None = None
    zone: tzinfo | None = None  # the site's time zone, where the edition date is read
    dirs: Stats | None = None  # the output's folders as the build left them: (folder, mtime_ns, inode)
    drift: Drifted | None = None  # what the builds since the memory on disk changed (incremental/drift.py)
    content: dict[str, FolderStamp] | None = None  # the content folders, as stamped (load/discovery.py)

    def folder_stamps(self) -> Iterator[tuple[str, DirStamp]]:
        """Each of the output's folders with its stamp, as output/listing.py keeps them (`dirs` known)."""
        numbers = self.dirs.numbers
        return zip(self.dirs.paths(), zip(numbers[::2], numbers[1::2]), strict=True)

    def folders(self) -> dict[str, DirStamp] | None:
        """The output's folders, by path (None: not known)."""
        return None if self.dirs is None else dict(self.folder_stamps())


@dataclass(frozen=True, slots=True)
class Previous:
    """What the last build left: a session's memory, or the cache's summary and the means to read the rest.

    The summary alone can prove that nothing changed; only a build with something to do reads the memory.
    """

    summary: Summary | None = None
    memory: Memory | None = None  # kept in a session's memory
    read: Callable[[], Memory | None] | None = None  # reads the memory from the cache on disk

    @property
    def in_memory(self) -> bool:
        return self.memory is not None

    def load(self) -> Memory | None:
        """Return the last build's memory, reading the cache if that is where it is (None: no usable one)."""
        return self.read() if self.read is not None else self.memory


def _proved() -> bool:
    return True


def _unproved() -> bool:
    return False


@dataclass(frozen=True, slots=True)
class Checked:
    """What the summary proved by stat alone, before anything else is read."""

    nothing: bool = False  # nothing the last build read or wrote has changed: no build needed
    listing: tuple[Path, ...] | None = None  # the content folder's Markdown files, for a build that reads them all
    # The only files that may have changed, when the rest are proved as the last build read them (the stories
    # whose stat differs, no file come or gone, no other input changed); None: any.
    touched: frozenset[Path] | None = None
    content: dict[str, FolderStamp] | None = None  # the content folders, as stamped when the names were known
    # Whether the output folder is as the summary describes it: every file's stat and every folder's as
    # recorded, and nothing else in it (then the memory's stamps of it are trusted, as by the process that
    # wrote it). Asked when needed, and once.
    output: Callable[[], bool] = _unproved
    folders: Stats | None = None  # the output's folders, stamped anew where the summary's were too fresh


@contextmanager
def proving(opts: BuildOptions, summary: Summary | None) -> Iterator[Checked]:
    """Tell, by stat alone, whether nothing the last build read or wrote has changed since, or else which
    stories may have (no summary: no proof); a build with something to do goes on inside the block.

    The output files' stats are checked by another process meanwhile, where the site is large enough to pay.
    When stories changed, the answer is asked only when the build describes the output (Checked.output,
    after it has read the memory), so the two overlap.
    """
    if summary is None or summary.key != (opts.out_dir, *opts.key):
        yield Checked()
        return
    if summary.config != digest_of(opts.site_dir / "site.toml") or summary.inputs != summary_inputs(
        opts.site_dir, opts.theme
    ):
        yield Checked()
        return
    outputs = partial(outputs_hold, opts.out_dir, summary.outputs)
    beside = opts.jobs > 1 and len(summary.outputs) >= BESIDE_FROM
    with contextlib.ExitStack() as later, meanwhile(outputs, beside=beside) as outputs_held:

        def folders_beside() -> Callable[[], bool]:  # a build that goes on to read the memory: in a third process
            return later.enter_context(meanwhile(partial(folders_hold, opts.out_dir, summary), beside=beside))

        yield checked(opts, summary, outputs_held, folders_beside)


def folders_hold(out_dir: Path, summary: Summary) -> bool:
    return output_holds(out_dir, summary)[0]


def checked(
    opts: BuildOptions,
    summary: Summary,
    outputs_held: Callable[[], bool],
    folders_beside: Callable[[], Callable[[], bool]],
) -> Checked:
    """What the stories' and (when none changed) the output folders' stats prove; see proving."""
    content: dict[str, FolderStamp] = {}
    known = summary.sources.paths()
    if names_hold(summary.content):  # no folder's entries changed: the stories are the ones listed last time
        names, content = known, summary.content
    else:
        names = markdown_names(opts.site_dir / "content", content)

    def listing() -> tuple[Path, ...]:  # made Paths only for a build that goes on to read them all
        return tuple(map(Path, names))

    def later() -> Callable[[], bool]:  # the output as the summary describes it: asked by a build with work to do
        folders_held = folders_beside()
        return functools.cache(lambda: folders_held() and outputs_held())

    try:
        sizes = stat_numbers(names)
    except OSError:
        return Checked(listing=listing(), content=content, output=later())
    if names != known:  # stories came or went
        return Checked(listing=listing(), content=content, output=later())
    # Stories edited since the memory on disk was written (incremental/drift.py): read again by any build.
    stale = frozenset(map(Path, summary.drift.stale)) if summary.drift is not None else frozenset()
    if sizes != summary.sources.numbers:  # the usual reason to build: these stories are read again
        was = summary.sources.numbers
        touched = frozenset(Path(n) for i, n in enumerate(names) if sizes[2 * i : 2 * i + 2] != was[2 * i : 2 * i + 2])
        return Checked(touched=touched | stale, content=content, output=later())  # the others: from the memory
    ours, folders = output_holds(opts.out_dir, summary)  # asked now: the answer may be that nothing changed
    if not (ours and outputs_held()):
        return Checked(listing=listing(), content=content)
    now = opts.now if opts.now.tzinfo else local_instant(opts.now, summary.now.tzinfo)
    if not same_output_at(now, summary):
        return Checked(touched=stale, content=content, output=_proved)  # every input as the last build read it
    return Checked(nothing=True, folders=folders)


def describes(summary: Summary | None, files: Mapping[str, Stamp] | None) -> bool:
    """Tell whether the summary's output files are exactly `files` (a memory's stamps), stat for stat."""
    if summary is None or files is None or len(files) != len(summary.outputs):
        return False
    for rel, size, mtime_ns, ino in summary.outputs.rows():
        s = files.get(rel)
        if s is None or s.size != size or s.mtime_ns != mtime_ns or s.ino != ino:
            return False
    return True


def unchanged(opts: BuildOptions, outcome: Outcome, started: float) -> BuildResult:
    """Report the last build again: nothing it read or wrote has changed (no URL to purge)."""
    write_changed_urls(opts.purge_list, ())
    return BuildResult.of(outcome, time.perf_counter() - started)


def stat_numbers(names: list[str]) -> array:
    """Return each story file's (size, mtime_ns), in order, as Stats numbers; raise OSError if one is gone."""
    numbers, stat_of = array("q"), os.stat
    add = numbers.extend
    for name in names:
        st = stat_of(name)
        add((st.st_size, st.st_mtime_ns))
    return numbers


def outputs_hold(out_dir: Path, outputs: Stats) -> bool:
    """Tell whether every output file has the stat the summary recorded (size, mtime, inode: not rewritten)."""
    lstat = os.lstat
    try:
        folder = os.open(out_dir, os.O_RDONLY | os.O_DIRECTORY)  # each path looked up from here: 10% faster
    except OSError:
        return False
    try:
        for rel, size, mtime_ns, ino in outputs.rows():
            st = lstat(rel, dir_fd=folder)
            if st.st_mtime_ns != mtime_ns or st.st_size != size or st.st_ino != ino:
                return False
    except OSError:
        return False
    finally:
        os.close(folder)
    return True


def same_output_at(now: datetime, summary: Summary) -> bool:
    """Tell whether the last build's output is the output at `now`: its own clock, or a later one the same day
    when no page reads the instant and nothing scheduled (a story going live or leaving the news sitemap, a
    banner or a live blog ending) happens in between."""
    if now == summary.now:
        return True
    if not summary.clock_free or summary.zone is None or now.timestamp() < summary.now.timestamp():
        return False
    if now.astimezone(summary.zone).date() != summary.now.astimezone(summary.zone).date():
        return False  # another edition date
    return summary.holds_until is None or now.timestamp() < summary.holds_until.timestamp()


def output_holds(out_dir: Path, summary: Summary) -> tuple[bool, Stats | None]:
    """Tell whether the output folder holds nothing but what the last build made (no file dropped in, no
    link, no temporary folder an interrupted build left beside it): a build would have something to remove.

    Also return its folders' stamps as found now, when a folder was listed again and can now be trusted (one
    the last build had just written, too fresh then): saved with the summary, the next build need not list it
    (None: the summary's stand).
    """
    if stale_temps(out_dir):
        return False, None
    if summary.dirs is None:
        listing, relisted = scan_output(out_dir, summary.keep), None
    else:
        changed = changed_folders(os.fspath(out_dir) + os.sep, summary.folder_stamps())
        if not changed:
            return True, None  # every folder as the last build left it: nothing came or went in any
        listing, relisted = scan_output(out_dir, summary.keep, summary.folders(), changed), [rel for rel, _ in changed]
    made = set(summary.outputs.paths()) if listing.files else set()
    if not all(rel in made for rel in listing.files):
        return False, None
    if relisted is not None and all(listing.dirs.get(rel, (-1,))[0] == -1 for rel in relisted):
        return True, None  # every folder listed again is still too fresh to trust: nothing to save
    return True, folder_stats(listing.dirs)


def folder_stats(dirs: Mapping[str, DirStamp]) -> Stats:
    """The output's folders as the summary keeps them: (folder, mtime_ns, inode)."""
    return Stats.of(((rel, *stamp) for rel, stamp in dirs.items()), 2)


def summary_inputs(site_dir: Path, theme_dir: Path) -> bytes | None:
    """Fingerprint the templates (by content), and the static files, standalone pages and data files (by stat);
    None if one is too fresh to trust."""
    parts = [repr(sorted(template_digests(site_dir / "templates", theme_dir / "templates").items())).encode()]
    now = now_ns()
    try:
        for src in extra_files(site_dir):
            st = os.stat(src)
            if now - st.st_mtime_ns <= RACY_NS:
                return None
            parts.append(f"\0{src}\0{st.st_size}\0{st.st_mtime_ns}\0{st.st_ino}".encode())
        for rel, src in sorted(list_static(site_dir / "static", theme_dir).items()):
            st = os.stat(src)
            if now - st.st_mtime_ns <= RACY_NS:
                return None
            parts.append(f"\0{rel}\0{st.st_size}\0{st.st_mtime_ns}\0{st.st_ino}".encode())
    except OSError:
        return None
    return digest(b"".join(parts))


def digest_of(path: Path) -> bytes | None:
    try:
        data = read_regular(path)
    except OSError:
        return None
    return None if data is None else digest(data)


def cache_header() -> tuple:
    """Return what a cache must have been written by to be trusted: this very code, this renderer."""
    return (FORMAT, RENDERER_VERSION, sys.version_info[:2], code_digest())


@functools.cache
def code_digest() -> bytes:
    """Fingerprint Broadsheet's own source, every module of the package: any change voids the cache."""
    h = hashlib.blake2b(digest_size=16)
    for path in sorted(PACKAGE.rglob("*.py")):
        h.update(path.relative_to(PACKAGE).as_posix().encode() + b"\0" + path.read_bytes())
    return h.digest()


@contextlib.contextmanager
def paused_gc():
    """Hold off the cycle collector while (un)pickling, which would otherwise traverse the cache many times."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def load_summary(site_dir: Path) -> Summary | None:
    """Read the summary (None: missing, damaged, from other code, or of a drift from another memory than the
    one on disk, which proves nothing)."""
    try:
        with open(site_dir / CACHE_DIR / "summary.pickle", "rb") as f, paused_gc():
            if pickle.load(f) != cache_header():
                return None
            summary = pickle.load(f)
    except Exception:  # noqa: BLE001 (missing or damaged: just no shortcut)
        return None
    if not isinstance(summary, Summary):
        return None
    if summary.drift is not None and summary.drift.generation != table_generation(site_dir):
        return None
    return summary


def table_generation(site_dir: Path) -> bytes | None:
    """Return the generation of the memory on disk, which its bodies' table carries (None: none)."""
    return generation(os.fspath(site_dir / CACHE_DIR / TABLE))


def save_summary(site_dir: Path, summary: Summary | None) -> None:
    """Write (or, given None, remove) the summary; it must never outlive a build it does not describe."""
    try:
        path = confined(site_dir, f"{CACHE_DIR}/summary.pickle")
        if summary is None:
            path.unlink(missing_ok=True)
            return
        tmp = path.with_name(f"summary.pickle.tmp-{os.getpid()}")
        with open(tmp, "wb") as f:
            pickle.dump(cache_header(), f, protocol=pickle.HIGHEST_PROTOCOL)
            pickle.dump(summary, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except (OSError, OutsideFolder):
        pass
