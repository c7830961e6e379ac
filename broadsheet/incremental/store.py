"""The cache on disk: <site>/.broadsheet-cache/memory.pickle and summary.pickle, trusted only from this very code."""

from __future__ import annotations

import contextlib
import copyreg
import os
import pickle
import sqlite3
from array import array
from bisect import bisect_left
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from broadsheet.guard import OutsideFolder, confined
from broadsheet.incremental.bodies import TABLE, CacheDamaged, Keeper
from broadsheet.incremental.deps import NOW, site_dependency
from broadsheet.incremental.drift import with_drift
from broadsheet.incremental.memory import Drift, Memory
from broadsheet.incremental.pickling import register
from broadsheet.incremental.summary import (
    Drifted,
    Previous,
    Stats,
    Summary,
    cache_header,
    folder_stats,
    paused_gc,
    save_summary,
    summary_inputs,
    table_generation,
)
from broadsheet.load.article import Article, Correction
from broadsheet.load.sources import Source
from broadsheet.model.site import Author, Edition, Paper, Section, Tag
from broadsheet.options import CACHE_DIR
from broadsheet.plan.archives import ArchivesView, ArchiveView
from broadsheet.plan.page import Page, Pager, PlainView
from broadsheet.plan.search import SearchPlan, Shard
from broadsheet.plan.sitemaps import NEWS_WINDOW, EntriesView, RobotsView, SitemapEntry
from broadsheet.plan.views import (
    AdminConfigView,
    AdminView,
    ArticleView,
    AuthorsView,
    AuthorView,
    FeedView,
    FragmentView,
    HomeView,
    LiveScriptView,
    RedirectsView,
    RedirectView,
    SectionView,
    StandaloneView,
    TagsView,
    TagView,
)
from broadsheet.render.draw import PageRecord
from broadsheet.stamps import RACY_NS, Stamp, now_ns

register(Article, Correction, Source, Paper, Edition, Section, Author, Tag, Page, Pager, PageRecord, SitemapEntry)
register(SearchPlan, Shard)
register(  # the pages' views, one class per kind of page
    PlainView,
    HomeView,
    ArticleView,
    SectionView,
    AuthorView,
    TagView,
    ArchiveView,
    ArchivesView,
    AuthorsView,
    TagsView,
    StandaloneView,
    FeedView,
    LiveScriptView,
    FragmentView,
    RedirectView,
    RedirectsView,
    AdminView,
    AdminConfigView,
    EntriesView,
    RobotsView,
)


def recall(site_dir: Path, summary: Summary | None, on_load: Callable[[], None] | None = None) -> Previous:
    """Return what the last build left in the site's cache: its summary (load_summary), the means to read its
    memory.

    `on_load` runs once the memory is loaded (the command line freezes it out of later garbage collections).
    """

    def load() -> Memory | None:
        with paused_gc():  # until on_load: a collection in between would traverse every object just read
            memory = load_memory(site_dir)
            if memory is not None and summary is not None:
                # The output's folders are the summary's: as the last build left them (a drift carries no
                # folders), or as a build with nothing to do found them since (run.py).
                folders = {str(summary.key[0]): summary.folders()}
                if summary.drift is not None:
                    memory = with_drift(memory, summary.drift.load(), folders)
                else:
                    memory = replace(memory, dirs={**memory.dirs, **folders})
            if on_load is not None:
                on_load()
        return memory

    return Previous(summary=summary, read=load)


def load_memory(site_dir: Path) -> Memory | None:
    """Read the cache; None if it is missing, stale or unreadable (a damaged cache is only a slower build)."""
    try:
        with open(site_dir / CACHE_DIR / "memory.pickle", "rb") as f, paused_gc():
            if pickle.load(f) != cache_header():
                return None
            if (written := pickle.load(f)) != table_generation(site_dir):
                return None  # the bodies' table was not written with this memory
            memory, records, folders, dirs = pickle.load(f), pickle.load(f), pickle.load(f), pickle.load(f)
    except Exception:  # noqa: BLE001
        return None
    if not all(isinstance(d, dict) for d in (records, folders, dirs)) or not isinstance(memory, Memory):
        return None
    folders = {out: {rel: Stamp._make(s) for rel, s in files.items()} for out, files in folders.items()}
    return replace(memory, records=records, folders=folders, dirs=dirs, generation=written)


def save(site_dir: Path, memory: Memory, out_dir: Path | None, theme_dir: Path, last: Summary | None = None) -> None:
    """Write the cache atomically, and the summary that describes out_dir; failing to only costs speed next time.
    `last`: the summary the build started from (see summarise)."""
    with paused_gc():  # the many small objects saving makes would set off collections over the whole memory
        drift = memory.drift  # how it differs from the memory on disk, when only by edits in place
        if drift is not None and drift.small and drift.generation == table_generation(site_dir):
            save_summary(site_dir, None)  # never the last build's summary beside this build's output
            if summary := summarise(site_dir, memory, out_dir, theme_dir, drift, last):
                save_summary(site_dir, summary)  # the memory on disk and this drift: this build
                return
        if write_memory(site_dir, memory):
            save_summary(site_dir, summarise(site_dir, memory, out_dir, theme_dir))


def write_memory(site_dir: Path, memory: Memory) -> bool:
    """Write the memory and its bodies' table; False if they could not be written (the last are gone then)."""
    try:
        folder = confined(site_dir, CACHE_DIR)
        folder.mkdir(exist_ok=True)
        if not (folder / ".gitignore").exists():
            (folder / ".gitignore").write_text("*\n")
        tmp = folder / f"memory.pickle.tmp-{os.getpid()}"
        keeper = Keeper(os.fspath(confined(folder, TABLE)))
        with open(tmp, "wb") as f:
            pickle.dump(cache_header(), f, protocol=pickle.HIGHEST_PROTOCOL)
            pickle.dump(keeper.generation, f, protocol=pickle.HIGHEST_PROTOCOL)
            # Three pickles, each with its own memo (freed when it is done): the stories, site and plan, which
            # share objects; the page records, which share their dependencies; and the output stamps, as plain
            # tuples that share nothing. One pickle of all three holds one memo table for everything at once.
            # The stories name their bodies, which go to the table (bodies.py).
            kept = replace(
                memory,
                records={},
                folders={},
                dirs={},
                environment=None,
                values={},
                here=frozenset(),
                generation=None,
                drift=None,
            )
            stories = pickle.Pickler(f, protocol=pickle.HIGHEST_PROTOCOL)
            stories.dispatch_table = {**copyreg.dispatch_table, Article: keeper.reduce}
            stories.dump(kept)
            pickle.dump(memory.records, f, protocol=pickle.HIGHEST_PROTOCOL)
            stamps = pickle.Pickler(f, protocol=pickle.HIGHEST_PROTOCOL)
            stamps.fast = True  # no memo at all
            stamps.dump(
                {
                    out: {rel: (s.size, s.mtime_ns, s.ino, s.seen_ns, s.digest) for rel, s in files.items()}
                    for out, files in memory.folders.items()
                }
            )
            stamps.dump(memory.dirs)
        save_summary(site_dir, None)  # a summary must never describe another build than the memory beside it
        keeper.commit()  # from here the last memory no longer matches the table: it is replaced next
        os.replace(tmp, confined(folder, "memory.pickle"))
    except (OSError, OutsideFolder, sqlite3.Error, CacheDamaged):  # a body of another table, gone
        with contextlib.suppress(OSError, NameError):
            os.unlink(tmp)  # a memory its table does not match is of no use
        return False
    keeper.settle()
    return True


def summarise(
    site_dir: Path,
    memory: Memory,
    out_dir: Path | None,
    theme_dir: Path,
    drift: Drift | None = None,
    last: Summary | None = None,
) -> Summary | None:
    """Describe a finished build so that the next can prove it has nothing to do (None: cannot). `last`: the
    summary the build started from, which a build that only edited in place brings forward (carried_forward)."""
    inputs = summary_inputs(site_dir, theme_dir)
    fresh = now_ns() - RACY_NS
    sources = memory.sources.values()
    if (
        out_dir is None
        or inputs is None
        or str(out_dir) not in memory.folders
        or any(s.mtime_ns >= fresh or s.seen_ns - s.mtime_ns <= RACY_NS for s in sources)
    ):
        return None
    outputs = memory.folders[str(out_dir)]
    carried = carried_forward(last, memory, str(out_dir), drift)
    if carried is None:
        carried = (
            Stats.of(((rel, s.size, s.mtime_ns, s.ino) for rel, s in sorted(outputs.items())), 3),
            not reads_the_instant(memory, memory.records.values()),
            clock_holds_until(memory, sources),
        )
    return Summary(
        key=(out_dir, *memory.options),
        config=memory.config,
        inputs=inputs,
        sources=Stats.of(((name, s.size, s.mtime_ns) for name, s in memory.sources.items()), 2),
        outputs=carried[0],
        now=memory.paper.now,
        outcome=memory.outcome(),
        keep=memory.paper.config.keep,
        clock_free=carried[1],
        holds_until=carried[2],
        zone=memory.paper.config.timezone,
        dirs=None if (dirs := memory.dirs.get(str(out_dir))) is None else folder_stats(dirs),
        drift=None if drift is None else Drifted.of(drift),
        content=memory.content,
    )


def carried_forward(
    last: Summary | None, memory: Memory, out: str, drift: Drift | None
) -> tuple[Stats, bool, datetime | None] | None:
    """Bring `last`'s output stats, clock_free and holds_until forward to `memory`, made from the same memory on
    disk by edits in place at the same clock: only the files, pages and stories the drift names can differ.
    Sorting and stating 231,000 files and asking 127,000 pages anew took a second at 100,000 stories.

    None (work them out anew): no such summary, or another clock or base.
    """
    if last is None or drift is None or last.now != memory.paper.now or str(last.key[0]) != out:
        return None
    if last.drift is None:  # written with the memory on disk: it describes that very memory
        changed = drift.stamps.get(out, {}).keys()
    elif last.drift.generation == drift.generation:  # that memory and its own drift: either may name a file
        changed = drift.stamps.get(out, {}).keys() | last.drift.load().stamps.get(out, {}).keys()
    else:
        return None
    files, paths = memory.folders[out], last.outputs.paths()
    numbers = array("q", last.outputs.numbers)
    for rel in sorted(changed):  # a few: each written, rewritten or removed since
        i, stamp = bisect_left(paths, rel), files.get(rel)
        if i < len(paths) and paths[i] == rel:
            del paths[i], numbers[3 * i : 3 * i + 3]
        if stamp is not None:
            paths.insert(i, rel)
            numbers[3 * i : 3 * i] = array("q", (stamp.size, stamp.mtime_ns, stamp.ino))
    if len(paths) != len(files):
        return None  # the drift does not account for every file: never the case, but then work it out anew
    stories = [memory.sources[name] for name in drift.stale if name in memory.sources]
    return (
        Stats("\0".join(paths), numbers, 3),
        last.clock_free and not reads_the_instant(memory, drift.records.values()),
        clock_holds_until(memory, stories, [last.holds_until] if last.holds_until is not None else []),
    )


def reads_the_instant(memory: Memory, records: Iterable[PageRecord]) -> bool:
    """Tell whether any of these pages read the build's exact clock (not only its date): a later one may redraw
    it."""
    instants = {site_dependency(NOW, edition.folder) for edition in memory.paper.editions}
    return any(not instants.isdisjoint(record.deps) for record in records)  # no set of all deps


def clock_holds_until(memory: Memory, sources: Iterable[Source], also: list[datetime] | None = None) -> datetime | None:
    """Return the first instant after the build's clock at which a later clock may change what is shown (None:
    never): a scheduled change, a live blog of these stories ending, one of them entering or leaving the news
    sitemap's window, or an instant `also` (already found of the others)."""
    now = memory.paper.now.timestamp()
    change = memory.paper.next_change
    instants = [*(also or ()), *([change.when] if change is not None else [])]
    for source in sources:
        story = source.article
        instants += [t for t in (story.date, story.date + NEWS_WINDOW) if t.timestamp() > now]
        if story.live and story.live_until is not None and story.live_until.timestamp() > now:
            instants.append(story.live_until)
    return min(instants, key=datetime.timestamp, default=None)
