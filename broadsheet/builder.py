"""The build, start to finish: one screen, in the order it runs."""

from __future__ import annotations

import atexit
import os
import time
import weakref
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from urllib.parse import quote

from .assets import AssetPlan, plan_assets
from .cache import (
    CACHE_DIR,
    RACY_NS,
    PageRecord,
    Source,
    Stamp,
    State,
    Summary,
    digest,
    inputs_digest,
    load_articles_cached,
    load_state,
    load_summary,
    parse_files,
    save_state,
    save_summary,
    stamp_file,
    stamp_written,
)
from .config import Config, load_config
from .content import Article, find_markdown
from .deps import Model, encode, refresh, swap_articles
from .errors import BuildError
from .images import ImagePlan, make_images, plan_images
from .output import (
    check_output_dir,
    discard_stage,
    list_output,
    list_static,
    make_stage,
    publish_stage,
    static_collisions,
)
from .pages import Page, SiteView, plan_article, plan_feeds, plan_news_pages, plan_pages, site_view, with_meta
from .parallel import default_jobs
from .paths import link_problems
from .render import Rendered, check_templates, make_env, render
from .search import BUNDLE, index_search
from .site import Site, build_site, is_live
from .theme import add_theme_globals

CHANGED_URLS = "changed-urls.txt"


@dataclass(frozen=True, slots=True)
class BuildOptions:
    site_dir: Path
    out_dir: Path | None  # None: check only, write nothing
    now: datetime
    drafts: bool = False
    future: bool = False
    base_url: str | None = None
    force: bool = False
    jobs: int | None = None  # worker processes; None: BROADSHEET_JOBS or one per core
    changed_file: Path | None = None  # where to list changed URLs; None: .broadsheet-cache/changed-urls.txt
    cache: bool = True  # read and write <site>/.broadsheet-cache
    # False (serve's preview): once there is a search index, keep it rather than re-index the whole site
    # after every save (20 s at 10,000 stories); `build` always re-indexes.
    reindex_search: bool = True


@dataclass(frozen=True, slots=True)
class BuildResult:
    pages_by_kind: dict[str, int]
    static_files: int
    seconds: float
    next_scheduled: Article | None
    pages_written: int = 0  # files actually (re)written, pages and static files
    pages_rendered: int = 0  # pages drawn; the others were unchanged by their fingerprints
    changed_urls: tuple[str, ...] = ()  # absolute URLs written or deleted, for CDN purges


def build(opts: BuildOptions, state: State | None = None, suspects: set[str] | None = None) -> BuildResult:
    """Build the site (or only check it when out_dir is None), redoing only what changed; raise BuildError.

    `state` is what earlier builds remember (default: the site's cache); `suspects` are the only source
    files that may have changed since (None: any). On success the state is updated in place.
    """
    started = time.perf_counter()
    # One spelling of every path, so that `build --site .` and `serve` (absolute) share the cache's entries.
    opts = replace(opts, site_dir=Path(os.path.abspath(opts.site_dir)))
    site_dir, jobs = opts.site_dir, opts.jobs or default_jobs()
    out_dir = check_output_dir(opts.out_dir, site_dir, opts.force) if opts.out_dir is not None else None
    listing = None  # the content folder's Markdown files, when already listed
    if state is None and opts.cache and out_dir is not None:
        same, listing = nothing_to_do(opts, started)
        if same is not None:
            return same
    own_state = state is None  # a Builder passes its own, and saves it when it closes
    state = state if state is not None else (load_state(site_dir) if opts.cache else State())
    config = load_config(site_dir / "site.toml", opts.base_url)
    resumed, loaded = resume(opts, config, state, listing, jobs) if out_dir is not None else (None, None)
    if resumed is not None:
        if opts.cache and own_state:
            save(opts, state, resumed)
        return resumed
    env, templates, template_problems = environment(site_dir / "templates", config, state.live)
    template_problems = link_problems(site_dir) + template_problems
    try:
        # What resume() already read and parsed is not read again (a bulk edit would parse twice).
        articles, sources = loaded or load_articles_cached(site_dir / "content", config, state.sources, suspects,
                                                           jobs, listing)
    except BuildError as e:
        raise BuildError([*e.problems, *template_problems]) from None
    if template_problems:
        raise BuildError(template_problems)
    now = opts.now if opts.now.tzinfo else opts.now.replace(tzinfo=config.timezone)
    site = build_site(config, articles, now, opts.drafts, opts.future)
    pages = plan_pages(site)
    static = list_static(site_dir / "static")
    assets = plan_assets(static)  # fingerprinted CSS/JS names
    images = plan_images(site.articles, static, config.image_widths, site_dir / CACHE_DIR)
    add_theme_globals(env, assets, images)
    if collisions := static_collisions(dict.fromkeys([p.output_path for p in pages], b""),
                                       {**static, **assets.files, **images.files}):
        raise BuildError(collisions)
    # asset() and image() reach every page through globals: any change to them re-renders all pages.
    theme = encode(repr((sorted(assets.names.items()), sorted(images.sets.items()))))
    known = None if state.live else {id(s.article): (s.article, s.groups) for s in sources.values() if s.groups}
    model = Model(site, site_view(site), templates, encode(config) + theme, state.live and state.live.model, known)
    copied = {**static, **assets.files, **images.files}  # every file the output gets besides pages
    if out_dir is None:
        rendered, changed = render(pages, env, model, state.pages, {}, None, jobs), []
    else:
        copied = {**static, **assets.files, **make_images(images)}
        rendered, changed = publish(pages, copied, env, model, state, out_dir, jobs, config.keep, opts.reindex_search)
        write_changed_urls(opts.changed_file or site_dir / CACHE_DIR / CHANGED_URLS, config, changed)
    learnt = rendered.rendered or changed or not same_entries(sources, state.sources)
    state.sources, state.pages = sources, rendered.records
    state.live = Live(site, pages, env, model, copied, assets, images, (opts.drafts, opts.future))
    result = BuildResult(
        pages_by_kind=dict(Counter(p.kind for p in pages)),
        static_files=len(copied),
        seconds=time.perf_counter() - started,
        next_scheduled=site.next_scheduled,
        pages_written=len(changed),
        pages_rendered=rendered.rendered,
        changed_urls=tuple(url_of(config, rel) for rel in changed),
    )
    if opts.cache and out_dir is not None and own_state:
        save(opts, state, result, learnt)
    return result


def save(opts: BuildOptions, state: State, result: BuildResult, learnt: bool = True) -> None:
    """Write the cache (when anything was learnt) and the summary that lets the next build skip work."""
    if learnt:
        state.snapshot = snapshot(state.live)
        save_state(opts.site_dir, state)
    static = list_static(opts.site_dir / "static")
    save_summary(opts.site_dir, summarise(opts, state, state.live.site, static, result))


def summarise(opts: BuildOptions, state: State, site: Site, static: dict[str, Path], result: BuildResult) -> Summary | None:
    """Describe a finished build so that the next can prove it has nothing to do (None: cannot)."""
    inputs = inputs_digest(opts.site_dir, static)
    fresh = time.time_ns() - RACY_NS
    if inputs is None or any(s.mtime_ns >= fresh or s.seen_ns - s.mtime_ns <= RACY_NS for s in state.sources.values()):
        return None
    outputs = state.outputs[str(Path(os.path.abspath(opts.out_dir)))]
    return Summary(
        key=summary_key(opts),
        inputs=inputs,
        sources=tuple((name, s.size, s.mtime_ns) for name, s in state.sources.items()),
        outputs=tuple((rel, s.size, s.mtime_ns, s.ino) for rel, s in sorted(outputs.items())),
        now=site.now,
        result=(result.pages_by_kind, result.static_files, result.next_scheduled),
    )


def nothing_to_do(opts: BuildOptions, started: float) -> tuple[BuildResult | None, list[Path] | None]:
    """Return the last build's result again if nothing it depends on changed, without loading the cache.

    Also returns the content folder's Markdown files when it had to list them (None: not listed).
    """
    summary = load_summary(opts.site_dir)
    if summary is None or summary.key != summary_key(opts):
        return None, None
    if inputs_digest(opts.site_dir, list_static(opts.site_dir / "static")) != summary.inputs:
        return None, None
    listing = find_markdown(opts.site_dir / "content")
    try:
        sources = [(str(p), (st := os.stat(p)).st_size, st.st_mtime_ns) for p in listing]
    except OSError:
        return None, listing
    if tuple(sources) != summary.sources:  # the usual reason to build: check it before the output folder
        return None, listing
    try:
        out = Path(os.path.abspath(opts.out_dir))
        for rel, size, mtime_ns, ino in summary.outputs:
            st = os.stat(out / rel)
            if (st.st_size, st.st_mtime_ns, st.st_ino) != (size, mtime_ns, ino):
                return None, listing
    except OSError:
        return None, listing
    config = load_config(opts.site_dir / "site.toml", opts.base_url)
    # Any other clock may change what is live, and the plan may show the clock (an empty feed's date).
    if (opts.now if opts.now.tzinfo else opts.now.replace(tzinfo=config.timezone)) != summary.now:
        return None, listing
    write_changed_urls(opts.changed_file or opts.site_dir / CACHE_DIR / CHANGED_URLS, config, [])
    pages_by_kind, static_files, next_scheduled = summary.result
    return BuildResult(pages_by_kind, static_files, time.perf_counter() - started, next_scheduled), listing


def summary_key(opts: BuildOptions) -> tuple:
    return (os.path.abspath(opts.out_dir), opts.drafts, opts.future, opts.base_url)



def publish(
    pages: list[Page], static: dict[str, Path], env, model: Model, state: State, out_dir: Path, jobs: int,
    keep: tuple[str, ...], reindex: bool = True,
) -> tuple[Rendered, list[str]]:
    """Render changed pages and copy changed static files into a new tree beside out_dir, then swap it in.

    Unchanged files are hard-linked from the current output, so they keep their bytes and mtime.
    Returns the render and the output paths written or deleted. Nothing in out_dir changes unless
    the whole build succeeded.
    """
    previous = state.outputs.get(str(out_dir))
    on_disk = stamp_outputs(out_dir, previous, keep)
    known = {rel: s.digest for rel, s in on_disk.items()}
    statics = {rel: stamp_file(src, state.static.get(str(src))) for rel, src in static.items()}
    stage = make_stage(out_dir, keep)
    try:
        rendered = render(pages, env, model, state.pages, known, stage, jobs)
        written = {rel: rendered.records[url].digest for rel, url in rendered.written.items()}
        for rel, src in static.items():
            if statics[rel] is not None and known.get(rel) != statics[rel].digest:
                stage.put(rel, src)
                written[rel] = statics[rel].digest
        produced = {p.output_path for p in pages} | set(static)
        # The search index is not in the plan: search_step below keeps it, renews it or drops it.
        index = f"{BUNDLE}/" if model.view.search_url is not None else None
        deleted = sorted(rel for rel in on_disk if rel not in produced and not (index and rel.startswith(index)))
        if state.live is None and os.path.isdir(out_dir):
            # A new process cannot know what was dropped into the folder since: anything not ours goes too.
            deleted += sorted(rel for rel in list_output(out_dir, keep)
                              if rel not in on_disk and rel not in produced and not rel.startswith(f"{BUNDLE}/"))
        unchanged, unstamped = [], []
        for rel in produced - written.keys():
            if rel in on_disk:
                unchanged.append(rel)
            elif rel in static:  # a static file that could not be stamped: copy it anyway
                stage.put(rel, static[rel])
                unstamped.append(rel)
        finish, carry, patch = search_step(out_dir, [*written, *deleted], model.view, reindex, state)
        publish_stage(stage, out_dir, [*written, *unstamped], unchanged, deleted, finish, carry, keep, patch)
    except BaseException:
        discard_stage(stage, out_dir)
        raise
    note_index(state, out_dir, [*written, *deleted], model.view, finish)
    outputs = {rel: on_disk[rel] for rel in produced if rel in on_disk and rel not in written}
    outputs.update({rel: stamp_written(out_dir / rel, d) for rel, d in written.items()})
    state.outputs = {**{k: v for k, v in state.outputs.items() if k != str(out_dir)}, str(out_dir): outputs}
    state.static = {str(src): statics[rel] for rel, src in static.items() if statics[rel] is not None}
    return rendered, sorted([*written, *deleted])


def search_step(out_dir: Path, changed: list[str], view: SiteView, reindex: bool = True,
                state: State | None = None) -> tuple[Callable | None, Callable[[], list[str]], bool]:
    """Say how the search index follows a build: (what completes a whole new tree, files to carry, may patch).

    The files to carry are listed only if a whole new tree is made (thousands of files at 10,000 stories).

    Any changed page (or an index left behind by a preview) means a fresh index of the whole staged tree,
    unless `reindex` is off. Otherwise the old index is carried into a new tree, or simply left where it
    is by a patch; with search off, an old index must go, so only a whole new tree will do.
    """
    index = out_dir / BUNDLE
    if view.search_url is None:
        return None, list, not os.path.lexists(index)
    behind = any(rel.endswith(".html") for rel in changed) or (state is not None and str(out_dir) in state.stale_index)
    if (reindex and behind) or not index.is_dir():
        return index_search, list, False
    return None, lambda: [f"{BUNDLE}/{rel}" for rel in list_output(index)], True


def note_index(state: State, out_dir: Path, changed: list[str], view: SiteView, finish: Callable | None) -> None:
    """Remember whether out_dir's search index now lags its pages (a preview that kept its index)."""
    if finish is index_search or view.search_url is None:
        state.stale_index.discard(str(out_dir))
    elif any(rel.endswith(".html") for rel in changed):
        state.stale_index.add(str(out_dir))


# What decides where a story goes and how it sorts, on every page and in every feed and sitemap.
SHAPE_FIELDS = ("path", "url", "slug", "date", "updated", "section", "section_slug", "authors", "tags", "draft",
                "corrections", "image")


def shape(article: Article) -> str:
    """Describe a story's place in the site: equal shapes, equal plans but for what pages show of it."""
    return repr(tuple(getattr(article, name) for name in SHAPE_FIELDS))


def same_entries(new: dict, old: dict) -> bool:
    """Tell whether a dict holds the very same entries as before (nothing new was learnt)."""
    return new.keys() == old.keys() and all(new[k] is old[k] for k in new)


def stamp_outputs(out_dir: Path, previous: dict[str, Stamp] | None, keep: tuple[str, ...] = ()) -> dict[str, Stamp]:
    """Return what the output folder holds now: files as recorded, or read when in doubt."""
    if not out_dir.is_dir():
        return {}
    root = os.fspath(out_dir)
    if previous is None:  # no record of this folder: read what is there
        return {rel: s for rel in list_output(out_dir, keep)
                if (s := stamp_file(os.path.join(root, rel), None, follow=False)) is not None}
    return {rel: s for rel, old in previous.items()
            if (s := stamp_file(os.path.join(root, rel), old, racy=False, follow=False))}


def environment(templates_dir: Path, config: Config, live: Live | None) -> tuple[object, dict[str, bytes], list]:
    """Return the Jinja environment, every template's digest, and template problems; reuse the last if unchanged."""
    digests = template_digests(templates_dir)
    if live is not None and live.site.config == config and live.model.templates == digests:
        return live.env, digests, []
    env = make_env(templates_dir, config)
    return env, digests, check_templates(env, templates_dir)


def template_digests(templates_dir: Path) -> dict[str, bytes]:
    """Return every file under templates/ (by relative name) with the digest of its bytes."""
    digests: dict[str, bytes] = {}
    for root, dirs, files in os.walk(templates_dir):
        for name in files:
            path = Path(root) / name
            digests[path.relative_to(templates_dir).as_posix()] = digest(path.read_bytes())
    return digests


def url_of(config: Config, rel: str) -> str:
    """Return the absolute URL that serves an output file."""
    path = rel[: -len("index.html")] if rel == "index.html" or rel.endswith("/index.html") else rel
    return config.base_url + "/" + quote(path)


def write_changed_urls(path: Path, config: Config, changed: list[str]) -> None:
    """List the changed URLs, one per line, for CDN purges."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(url_of(config, rel) + "\n" for rel in changed), encoding="utf-8")


@dataclass(slots=True)
class Live:
    """What the last build had in hand, kept by a Builder for the next rebuild."""

    site: Site
    pages: list[Page]
    env: object
    model: Model
    static: dict[str, Path]
    assets: AssetPlan
    images: ImagePlan
    options: tuple[bool, bool]  # drafts, future


@dataclass(frozen=True, slots=True)
class Snapshot:
    """What the cache keeps of Live, so that a new process can edit in place: everything but Jinja's objects."""

    site: Site
    pages: list[Page]
    static: dict[str, Path]
    assets: AssetPlan
    images: ImagePlan
    options: tuple[bool, bool]
    templates: dict[str, bytes]
    extra: bytes


def snapshot(live: Live | None) -> Snapshot | None:
    if live is None:
        return None
    return Snapshot(live.site, live.pages, live.static, live.assets, live.images, live.options,
                    live.model.templates, live.model.extra)


def resume(opts: BuildOptions, config: Config, state: State, listing: list[Path] | None,
           jobs: int) -> tuple[BuildResult | None, tuple[tuple[Article, ...], dict[str, Source]] | None]:
    """In a new process, edit the last build in place when only stories changed, and kept their shape.

    Returns the result, or None when that is not the case (a template, site.toml or a static file
    changed, a story came, went, moved or went live): the ordinary build then plans the whole site,
    with the articles and sources read here, if any were. The output folder is checked as a full
    build checks it: damaged pages are drawn again and stray files removed.
    """
    snap, out_dir = state.snapshot, Path(os.path.abspath(opts.out_dir))
    if snap is None or state.live is not None or str(out_dir) not in state.outputs:
        return None, None
    if config != snap.site.config or (opts.drafts, opts.future) != snap.options:
        return None, None
    if template_digests(opts.site_dir / "templates") != snap.templates or link_problems(opts.site_dir):
        return None, None
    static = list_static(opts.site_dir / "static")
    for src in static.values():
        old = state.static.get(str(src))
        if old is None or (new := stamp_file(src, old)) is None or new.digest != old.digest:
            return None, None
    if {**static, **snap.assets.files, **snap.images.files} != snap.static:
        return None, None
    loaded = load_articles_cached(opts.site_dir / "content", config, state.sources, None, jobs, listing)
    sources = loaded[1]
    if sources.keys() != state.sources.keys():
        return None, loaded
    edits = [(Path(name), s) for name, s in sources.items() if s.article is not state.sources[name].article]
    env = make_env(opts.site_dir / "templates", config)
    add_theme_globals(env, snap.assets, snap.images)
    known = {id(s.article): (s.article, s.groups) for s in state.sources.values() if s.groups}
    model = Model(snap.site, site_view(snap.site), snap.templates, snap.extra, None, known)
    state.live = Live(snap.site, snap.pages, env, model, snap.static, snap.assets, snap.images, snap.options)
    result = edit_in_place(opts, state, edits, verify=True)
    if result is None:
        state.live = None
        return None, loaded
    state.sources = sources  # with the stamps of files read again and found unchanged
    state.static.update({str(src): stamp_file(src, state.static[str(src)]) for src in static.values()})
    return result, loaded


class Builder:
    """A long-lived build for watch and serve: keep one, call rebuild() after each batch of changes.

    It keeps what it learnt (parsed articles, page fingerprints, what the output folder holds) in
    memory, so a rebuild reads only the changed files and renders only the pages they affect.
    """

    def __init__(self, opts: BuildOptions):
        self.opts = opts = replace(opts, site_dir=Path(os.path.abspath(opts.site_dir)))
        self.state = load_state(opts.site_dir) if opts.cache else State()
        self._dirty = False
        ref = weakref.ref(self)  # save at exit, without keeping every Builder (and its site) alive until then
        atexit.register(lambda: (builder := ref()) is not None and builder.close())

    def rebuild(self, changed: set[Path] | None = None, now: datetime | None = None) -> BuildResult:
        """Rebuild after `changed` files (None: unknown, check everything), at `now`; raise BuildError."""
        if now is not None:
            self.opts = replace(self.opts, now=now)
        if changed is not None and (result := self.rebuild_stories(changed)) is not None:
            self._dirty = True
            return result
        content = Path(os.path.abspath(self.opts.site_dir / "content"))
        suspects = None
        if changed is not None and self.state.sources:
            suspects = set()
            for path in changed:
                rel = os.path.relpath(os.path.abspath(path), content)
                if not rel.startswith(".."):
                    suspects.add(str(self.opts.site_dir / "content" / rel))
        # The first build of a session brings the search index up to date; a preview's later saves keep it.
        opts = self.opts if self.state.live is not None else replace(self.opts, reindex_search=True)
        result = build(opts, self.state, suspects)
        self._dirty = True
        return result

    def rebuild_stories(self, changed: set[Path]) -> BuildResult | None:
        """Handle edits that leave the site's shape alone (see edit_in_place); None: not that case."""
        opts, state = self.opts, self.state
        if state.live is None or opts.out_dir is None or not changed:
            return None
        content, paths = os.path.abspath(opts.site_dir / "content"), []
        for path in changed:
            name = str(opts.site_dir / "content" / os.path.relpath(os.path.abspath(path), content))
            if name not in state.sources or not os.path.isfile(name):
                return None
            paths.append(Path(name))
        parsed = parse_files(paths, state.live.site.config, 1)
        if problems := [p for _, r in parsed if not isinstance(r, Source) for p in r]:
            raise BuildError(problems)
        return edit_in_place(opts, state, parsed)

    def close(self) -> None:
        """Save what the builder learnt, for the next process."""
        if self._dirty and self.opts.cache:
            self.state.snapshot = snapshot(self.state.live)  # the plan that goes with what it saves
            save_state(self.opts.site_dir, self.state)
            self._dirty = False


def clock_moves_in_place(state: State, live: Live, now: datetime) -> bool:
    """Tell whether the last plan holds at another clock: no story goes live or back, no feed is dated by it."""
    drafts, future = live.options
    before = live.site.now
    if any(is_live(s.article, before, drafts, future) != is_live(s.article, now, drafts, future)
           for s in state.sources.values()):
        return False
    return not any(p.kind == "feed" and not p.articles for p in live.pages)  # an empty feed shows the clock


def drawn_since(pages: list[Page], records: dict[str, PageRecord], on_disk: dict[str, Stamp]) -> list[str]:
    """The output files that differ from what their page's last rendering gave (in any output folder)."""
    found = []
    for page in pages:
        record, stamp = records.get(page.url), on_disk.get(rel := page.output_path)
        if record is not None and stamp is not None and stamp.digest != record.digest:
            found.append(rel)
    return found


def edit_in_place(opts: BuildOptions, state: State, edits: list[tuple[Path, Source]], verify: bool = False) -> BuildResult | None:
    """Apply story edits that leave the site's shape alone to the last build (state.live); None: not that case.

    When no story changed where it goes or how it sorts (SHAPE_FIELDS), every page keeps its URL
    and its list of stories. A body edit touches only the pages that read the body and the feeds
    that carry it. Any other edit (a headline, a summary) also touches the pages that show the story
    (Page.articles: "the stories whose fields appear on the page"), its own page, its feeds and the
    news sitemap, which are planned again; the rest of the plan is not even looked at.

    `verify` (a new process, which cannot know what happened to the output folder since): also draw
    again every page whose file is missing or altered, and remove files that are not ours.
    """
    started = time.perf_counter()
    live = state.live
    config = live.site.config
    now = opts.now if opts.now.tzinfo else opts.now.replace(tzinfo=config.timezone)
    moved = now != live.site.now
    if moved and not clock_moves_in_place(state, live, now):
        return None
    swaps, shown = {}, False
    for path, source in edits:
        previous = state.sources[str(path)]
        if shape(previous.article) != shape(source.article):
            return None
        shown = shown or previous.groups.get("m") != source.groups["m"]
        swaps[id(previous.article)] = source.article
    site = replace(swap_articles(live.site, swaps), now=now)
    model = Model(site, site_view(site), live.model.templates, live.model.extra, live.model)
    urls = {a.url for a in swaps.values()}
    reads = {("a", url, group) for url in urls for group in (("m", "b") if shown else ("b",))}
    if moved:  # the pages that show the clock: its exact instant, or the edition date (with the rest of the site)
        reads |= {("site", "now"), *([("site", "m")] if model.view.edition != live.model.view.edition else [])}
    planned = {p.url: p for p in plan_feeds(site, urls)} if urls else {}
    if shown:
        planned.update({a.url: with_meta(plan_article(site, a)) for a in swaps.values()})
    if shown or moved:
        news = plan_news_pages(site)
        if [p.url for p in news] != [p.url for p in live.pages if p.kind == "news-sitemap"]:
            return None  # longer headlines moved where the news sitemap splits
        planned.update({p.url: p for p in news})
    out_dir = Path(os.path.abspath(opts.out_dir))
    outputs = state.outputs.get(str(out_dir), {})
    damaged, strays = set(), []
    if verify:
        # A file is damaged when it is missing, altered, or not what its page's last rendering gave: another
        # output folder (serve's preview) may have drawn the page since, from the same cache.
        on_disk = stamp_outputs(out_dir, outputs, config.keep)
        damaged = {rel for rel, s in outputs.items() if rel not in on_disk or on_disk[rel].digest != s.digest}
        damaged.update(drawn_since(live.pages, state.pages, on_disk))
        strays = sorted(rel for rel in list_output(out_dir, config.keep)
                        if rel not in outputs and not rel.startswith(f"{BUNDLE}/"))
        outputs = on_disk
    plan, pages = list(live.pages), []
    for i, page in enumerate(plan):
        if page.url in planned:
            plan[i] = planned.pop(page.url)
        elif (record := state.pages.get(page.url)) is None:
            return None
        elif (shown and any(a.url in urls for a in page.articles)) or not reads.isdisjoint(record.deps):
            plan[i] = refresh(page, model.objects)
        elif not damaged or page.output_path not in damaged:
            continue
        damaged.discard(page.output_path)
        pages.append(plan[i])
    if planned or damaged:  # a page the last plan did not have, or a static file altered: not for this path
        return None
    known = {p.output_path: s.digest for p in pages
             if (s := stamp_file(out_dir / p.output_path, outputs.get(p.output_path), racy=False))}
    stage = make_stage(out_dir, config.keep)
    try:
        # Every page here reads what changed, or lost its file: checking fingerprints first would only cost.
        rendered = render(pages, live.env, model, state.pages, known, stage, opts.jobs or default_jobs(), check=False)
        changed = [*rendered.written, *strays]
        finish, carry, patch = search_step(out_dir, changed, model.view, opts.reindex_search, state)
        publish_stage(stage, out_dir, list(rendered.written), list(outputs.keys() - rendered.written.keys()), strays,
                      finish, carry, config.keep, patch)
    except BaseException:
        discard_stage(stage, out_dir)
        raise
    note_index(state, out_dir, changed, model.view, finish)
    state.sources.update({str(path): source for path, source in edits})
    state.pages.update(rendered.records)
    outputs.update({rel: stamp_written(out_dir / rel, rendered.records[url].digest)
                    for rel, url in rendered.written.items()})
    state.outputs[str(out_dir)] = outputs
    live.site, live.model, live.pages = site, model, plan
    changed_rels = sorted(changed)
    write_changed_urls(opts.changed_file or opts.site_dir / CACHE_DIR / CHANGED_URLS, config, changed_rels)
    return BuildResult(
        pages_by_kind=dict(Counter(p.kind for p in live.pages)),
        static_files=len(live.static),
        seconds=time.perf_counter() - started,
        next_scheduled=site.next_scheduled,
        pages_written=len(changed_rels),
        pages_rendered=rendered.rendered,
        changed_urls=tuple(url_of(config, rel) for rel in changed_rels),
    )
