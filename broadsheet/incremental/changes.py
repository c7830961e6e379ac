"""What changed since the last build: one value that decides how far each stage of the next one goes."""

from __future__ import annotations

import enum
import os
from dataclasses import dataclass, replace
from datetime import datetime
from functools import partial
from pathlib import Path

from broadsheet.incremental.deps import META
from broadsheet.incremental.memory import Memory, Summary
from broadsheet.load.article import Article, shape_fields
from broadsheet.load.dates import local_instant
from broadsheet.load.discovery import FolderStamp, markdown_names, names_hold
from broadsheet.load.extras import extra_digests, extra_files
from broadsheet.load.schedule import scheduled_changes
from broadsheet.load.sources import Loaded
from broadsheet.load.static import list_static
from broadsheet.model.site import is_live, is_live_blog
from broadsheet.options import CACHE_DIR, BuildOptions
from broadsheet.output.listing import scan_output
from broadsheet.output.ours import stale_temps
from broadsheet.parallel import meanwhile
from broadsheet.paths import PAGES_FOLDER, read_regular
from broadsheet.render.jinja import template_digests
from broadsheet.stamps import RACY_NS, digest, now_ns, stamp_file


class Change(enum.Flag):
    """A kind of change; a build's changes are any combination."""

    NOTHING = 0
    STORY_FIELDS = enum.auto()  # stories edited in place: each keeps its URL, date, section, bylines, tags...
    CLOCK = enum.auto()  # another `now`, with no story going live or back
    TEMPLATES = enum.auto()
    CONFIG = enum.auto()  # site.toml
    STATIC = enum.auto()  # a file under static/
    STRUCTURE = enum.auto()  # stories came, went, moved, or went live or back: the site is planned again
    OPTIONS = enum.auto()  # drafts, future, base_url: nothing of the last build is reused but parsed stories
    PAGES = enum.auto()  # a file under content/pages/ (a standalone page): the site is planned again
    DATA = enum.auto()  # a file under data/: planned again; only the pages that read the file are drawn


# What an edit of the last plan handles. Templates plan nothing: a template edit keeps the plan, and draws the pages
# that loaded a changed template (incremental/replan.py).
IN_PLACE = Change.STORY_FIELDS | Change.CLOCK | Change.TEMPLATES
EVERYTHING = ~Change.NOTHING

# What decides where a story goes and how it sorts, on every page and in every feed and sitemap: every field
# of Article that its declaration does not mark as edited in place (load/article.py).
SHAPE_FIELDS = shape_fields(Article)


@dataclass(frozen=True, slots=True)
class Changes:
    """What changed, and the story files that may have (None: any of them)."""

    kinds: Change
    touched: frozenset[Path] | None = None  # the only files that may have changed (a watcher saw); None: any
    suspects: frozenset[str] | None = None  # content files to read again; None: check every one
    listing: tuple[Path, ...] | None = None  # the content folder's Markdown files, when already listed
    edits: tuple[tuple[Article, Article], ...] = ()  # (last build's story, its edit), for STORY_FIELDS
    # (the memory's story, the version the last build drew and the file still holds): no page to draw again
    carried: tuple[tuple[Article, Article], ...] = ()
    shown: bool = False  # an edit changed what pages show of a story (a headline), not only its body

    def __bool__(self) -> bool:
        return bool(self.kinds)

    @property
    def in_place(self) -> bool:
        """Tell whether the last build's site and plan can be edited instead of made again."""
        return not self.kinds & ~IN_PLACE


def what_changed(
    opts: BuildOptions,
    memory: Memory | None,
    touched: frozenset[Path] | None = None,
    listing: tuple[Path, ...] | None = None,
) -> Changes:
    """Compare the site folder (or, in a session, the files the watcher saw change) with the last build.

    `touched`: the only files that may have changed, when a session's watcher knows (None: any);
    `listing`: the content folder's Markdown files, if the summary's check already listed them.
    """
    if memory is None or memory.options != opts.key:
        return Changes(EVERYTHING, listing=listing)
    kinds = Change.NOTHING
    if (opts.now if opts.now.tzinfo else local_instant(opts.now, memory.paper.config.timezone)) != memory.paper.now:
        kinds |= Change.CLOCK
    if touched is not None:
        return Changes(
            kinds | touched_kinds(opts.site_dir, touched, memory),
            touched,
            suspects=touched_stories(opts.site_dir, touched),
        )
    if digest_of(opts.site_dir / "site.toml") != memory.config:
        kinds |= Change.CONFIG
    if template_digests(opts.site_dir / "templates", opts.theme / "templates") != memory.templates:
        kinds |= Change.TEMPLATES
    if static_changed(opts.site_dir, opts.theme, memory):
        kinds |= Change.STATIC
    kinds |= extra_kinds(opts.site_dir, memory.extras)
    return Changes(kinds | Change.STORY_FIELDS, listing=listing)  # which stories, loading tells


def extra_kinds(site_dir: Path, before: dict[str, bytes | None]) -> Change:
    """Say whether standalone pages or data files came, went or changed since `before`."""
    now, kinds = extra_digests(site_dir), Change.NOTHING
    for name in now.keys() | before.keys():
        if now.get(name, b"") != before.get(name, b""):
            kinds |= extra_kind(site_dir, Path(name))
    return kinds


def extra_kind(site_dir: Path, path: Path) -> Change:
    """Return the kind of change a file under data/ or content/pages/ makes (NOTHING: it is neither)."""
    rel = Path(os.path.relpath(path, site_dir)).parts
    if rel[:1] == ("data",):
        return Change.DATA
    return Change.PAGES if rel[:2] == ("content", PAGES_FOLDER) else Change.NOTHING


def touched_kinds(site_dir: Path, touched: frozenset[Path], memory: Memory) -> Change:
    """Say what changed among the files a watcher saw change (their stories are read again to tell how)."""
    kinds = Change.NOTHING
    for path in touched:
        rel = os.path.relpath(path, site_dir)
        top, _, inner = rel.partition(os.sep)
        if extra := extra_kind(site_dir, path):
            kinds |= extra
        elif top == "content":
            kinds |= Change.STORY_FIELDS
        elif rel == "site.toml" and digest_of(path) != memory.config:
            kinds |= Change.CONFIG
        elif (
            top == "templates" and digest_of(path) != memory.templates.get(Path(inner).as_posix()) or top == "locales"
        ):  # a gettext catalog: its digest is among the templates' (render/i18n.py)
            kinds |= Change.TEMPLATES
        elif top == "static" and static_file_changed(path, memory):
            kinds |= Change.STATIC
    return kinds


def static_file_changed(path: Path, memory: Memory) -> bool:
    old = memory.static.get(str(path))
    if old is None:
        return path.exists() or path.is_symlink()
    new = stamp_file(path, old)
    return new is None or new.digest != old.digest


def touched_stories(site_dir: Path, touched: frozenset[Path]) -> frozenset[str]:
    content = os.path.join(site_dir, "content")
    return frozenset(
        os.path.join(content, rel)
        for path in touched
        if not (rel := os.path.relpath(path, content)).startswith("..") and Path(rel).parts[:1] != (PAGES_FOLDER,)
    )


def digest_of(path: Path) -> bytes | None:
    try:
        data = read_regular(path)
    except OSError:
        return None
    return None if data is None else digest(data)


def static_changed(site_dir: Path, theme_dir: Path, memory: Memory) -> bool:
    """Tell whether any static file (the site's or the theme's) came, went or changed its bytes."""
    static = list_static(site_dir / "static", theme_dir)
    made = os.path.join(site_dir, CACHE_DIR, "")  # resized images and share cards: made from other inputs
    if {str(src) for src in static.values()} != {src for src in memory.static if not src.startswith(made)}:
        return True
    return any(static_file_changed(src, memory) for src in static.values())


# From this many output files, their stats are checked in a second process while this one checks the rest.
BESIDE_FROM = 20_000


@dataclass(frozen=True, slots=True)
class Checked:
    """What the summary proved by stat alone, before anything else is read."""

    nothing: bool = False  # nothing the last build read or wrote has changed: no build needed
    listing: tuple[Path, ...] | None = None  # the content folder's Markdown files, for a build that reads them all
    # The only files that may have changed, when the rest are proved as the last build read them (the stories
    # whose stat differs, no file come or gone, no other input changed); None: any.
    touched: frozenset[Path] | None = None
    content: dict[str, FolderStamp] | None = None  # the content folders, as stamped when the names were known


def summary_holds(opts: BuildOptions, summary: Summary | None) -> Checked:
    """Tell, by stat alone, whether nothing the last build read or wrote has changed since, or else which
    stories may have (no summary: no proof)."""
    if summary is None:
        return Checked()
    if summary.key != (opts.out_dir, *opts.key):
        return Checked()
    if summary.config != digest_of(opts.site_dir / "site.toml"):
        return Checked()
    if summary.inputs != summary_inputs(opts.site_dir, opts.theme):
        return Checked()
    content: dict[str, FolderStamp] = {}
    if names_hold(summary.content):  # no folder's entries changed: the stories are the ones listed last time
        names, content = [s[0] for s in summary.sources], summary.content
    else:
        names = markdown_names(opts.site_dir / "content", content)

    def listing() -> tuple[Path, ...]:  # made Paths only for a build that goes on to read them
        return tuple(map(Path, names))

    # The output files' stats are checked by another process meanwhile, where the site is large enough to pay.
    outputs = partial(outputs_hold, opts.out_dir, summary.outputs)
    with meanwhile(outputs, beside=opts.jobs > 1 and len(summary.outputs) >= BESIDE_FROM) as outputs_held:
        try:
            sources = tuple((name, (st := os.stat(name)).st_size, st.st_mtime_ns) for name in names)
        except OSError:
            return Checked(listing=listing(), content=content)
        # Stories edited since the memory on disk was written (incremental/drift.py): read again by any build.
        stale = frozenset(map(Path, summary.drift.stale.keys())) if summary.drift is not None else frozenset()
        if sources != summary.sources:  # the usual reason to build: checked before the output folder
            if [s[0] for s in sources] != [s[0] for s in summary.sources]:
                return Checked(listing=listing(), content=content)  # stories came or went
            touched = frozenset(Path(s[0]) for s, t in zip(sources, summary.sources) if s != t)
            return Checked(touched=touched | stale, content=content)  # read from the memory, but these: no listing
        now = opts.now if opts.now.tzinfo else local_instant(opts.now, summary.now.tzinfo)
        same_output = same_output_at(now, summary)
        only_ours = same_output and holds_only_ours(opts.out_dir, summary)
        if not outputs_held():
            return Checked(listing=listing(), content=content)
    if not same_output:
        return Checked(touched=stale, content=content)  # every input as the last build read it: the clock
    if only_ours:
        return Checked(nothing=True)
    return Checked(listing=listing(), content=content)


def outputs_hold(out_dir: Path, outputs: tuple[tuple[str, int, int, int], ...]) -> bool:
    """Tell whether every output file has the stat the summary recorded (size, mtime, inode: not rewritten)."""
    folder = os.fspath(out_dir) + os.sep
    lstat = os.lstat
    try:
        for rel, size, mtime_ns, ino in outputs:
            st = lstat(folder + rel)
            if st.st_mtime_ns != mtime_ns or st.st_size != size or st.st_ino != ino:
                return False
    except OSError:
        return False
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


def holds_only_ours(out_dir: Path, summary: Summary) -> bool:
    """Tell whether the output folder holds nothing but what the last build made (no file dropped in, no
    link, no temporary folder an interrupted build left beside it): a build would have something to remove."""
    if stale_temps(out_dir):
        return False
    listed = scan_output(out_dir, summary.keep, summary.dirs).files
    made = {rel for rel, *_ in summary.outputs} if listed else set()
    return all(rel in made for rel in listed)


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


def classify(changes: Changes, previous: Memory | None, loaded: Loaded, opts: BuildOptions) -> Changes:
    """Say how the stories changed: edited in place (and which), or the site's structure (stories came or went,
    moved, or went live or back at the new clock)."""
    if previous is None or not changes.in_place:
        return replace(changes, kinds=changes.kinds | Change.STRUCTURE)
    if loaded.sources.keys() != previous.sources.keys():
        return replace(changes, kinds=changes.kinds | Change.STRUCTURE)
    edits, carried, shown = [], [], False
    names = loaded.sources if changes.suspects is None else sorted(changes.suspects & loaded.sources.keys())
    # Stories edited by builds since the memory was saved (incremental/drift.py), with the fingerprints of the
    # version last drawn: an edit is a change from that version, which may be the memory's own again.
    drawn = previous.drift.stale if previous.drift is not None else {}
    for name in names:
        source, before = loaded.sources[name], previous.sources[name]
        was = drawn.get(name, before.parts)
        if source.article is before.article and name not in drawn:
            continue
        if shape(before.article) != shape(source.article):
            return replace(changes, kinds=changes.kinds | Change.STRUCTURE)
        if name in drawn and was == source.parts:
            carried.append((before.article, source.article))  # drawn as it is: into the paper, no page drawn
            continue
        shown = shown or was.get(META) != source.parts.get(META)
        edits.append((before.article, source.article))
    kinds = changes.kinds & ~Change.STORY_FIELDS | (Change.STORY_FIELDS if edits or carried else Change.NOTHING)
    if Change.CLOCK in kinds and not clock_moves_in_place(previous, opts.now, opts):
        kinds |= Change.STRUCTURE
    return replace(changes, kinds=kinds, edits=tuple(edits), carried=tuple(carried), shown=shown)


def shape(article: Article) -> str:
    """Describe a story's place in the site: equal shapes, equal plans but for what pages show of it.

    Compared as text: two dates at the same instant in other offsets are equal, yet read differently.
    """
    return repr(tuple(getattr(article, name) for name in SHAPE_FIELDS))


def clock_moves_in_place(previous: Memory, now: datetime, opts: BuildOptions) -> bool:
    """Tell whether the last plan holds at another clock: no story goes live or back, none expires, no banner or
    live blog ends."""
    before = previous.paper.now
    if any(
        s.article.live and is_live_blog(s.article, before) != is_live_blog(s.article, now)
        for s in previous.sources.values()
    ):
        return False  # a live blog ended: it loses its mark, its feed and its LiveBlogPosting
    if now.timestamp() >= before.timestamp():  # the paper knows its first scheduled change after its clock
        change = previous.paper.next_change
        return change is None or change.when.timestamp() > now.timestamp()
    if any(
        is_live(s.article, before, opts.drafts, opts.future) != is_live(s.article, now, opts.drafts, opts.future)
        for s in previous.sources.values()
    ):
        return False
    # A story can go live and expire between the two clocks, live at neither: the next change moved all the same.
    low, high = now.timestamp(), before.timestamp()
    return not any(
        low < t.timestamp() <= high
        for s in previous.sources.values()
        for t, _ in scheduled_changes(s.article, opts.drafts, opts.future)
    )
