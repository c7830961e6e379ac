"""What changed since the last build: one value that decides how far each stage of the next one goes."""

from __future__ import annotations

import enum
import os
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from broadsheet.incremental.deps import META
from broadsheet.incremental.memory import Memory
from broadsheet.incremental.summary import digest_of
from broadsheet.load.article import Article, shape_fields
from broadsheet.load.dates import local_instant
from broadsheet.load.extras import extra_digests
from broadsheet.load.schedule import scheduled_changes
from broadsheet.load.sources import Loaded
from broadsheet.load.static import list_static
from broadsheet.model.site import is_live, is_live_blog
from broadsheet.options import CACHE_DIR, BuildOptions
from broadsheet.paths import PAGES_FOLDER
from broadsheet.render.digests import template_digests
from broadsheet.stamps import stamp_file


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


def static_changed(site_dir: Path, theme_dir: Path, memory: Memory) -> bool:
    """Tell whether any static file (the site's or the theme's) came, went or changed its bytes."""
    static = list_static(site_dir / "static", theme_dir)
    made = os.path.join(site_dir, CACHE_DIR, "")  # resized images and share cards: made from other inputs
    if {str(src) for src in static.values()} != {src for src in memory.static if not src.startswith(made)}:
        return True
    return any(static_file_changed(src, memory) for src in static.values())


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
