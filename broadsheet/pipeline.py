"""The build, start to finish: one pipeline, in the order it runs.

It is the same for a cold build, a build in a new process (`previous` read from the cache), a save in
a session (`previous` kept in memory) and `check` (no output folder). Each stage takes its inputs plus
what the last build left, and does only what the changes reach; docs/architecture.md maps it.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, replace
from pathlib import Path
from zoneinfo import ZoneInfo

from broadsheet import urls
from broadsheet.errors import BuildError, OutputChanged, Problem
from broadsheet.guard import RESERVED_OUTPUT
from broadsheet.incremental.bodies import CacheDamaged
from broadsheet.incremental.changes import Change, Changes, classify, what_changed
from broadsheet.incremental.deps import STORY, SiteInputs, describe_story, encode
from broadsheet.incremental.drift import kept_in_place
from broadsheet.incremental.memory import Memory
from broadsheet.incremental.replan import replan, update_paper
from broadsheet.incremental.search import Put, SearchIndex, index_search
from broadsheet.incremental.store import recall, save
from broadsheet.incremental.summary import (
    Checked,
    Previous,
    Summary,
    describes,
    digest_of,
    paused_gc,
    proving,
    unchanged,
)
from broadsheet.load.article import Article
from broadsheet.load.config import Config, load_config, placeholder_warnings
from broadsheet.load.dates import local_instant
from broadsheet.load.extras import Extras, load_extras
from broadsheet.load.sources import Loaded, load_articles
from broadsheet.load.static import list_static
from broadsheet.model.site import Paper, build_paper
from broadsheet.options import CACHE_DIR, BuildOptions, BuildResult
from broadsheet.output.changed import write_changed_urls
from broadsheet.output.lock import wrote_last
from broadsheet.output.publish import (
    NOWHERE,
    Nowhere,
    Published,
    Target,
    find_target,
    open_stage,
    publish,
    stamp_static,
)
from broadsheet.output.search import pagefind_version
from broadsheet.paths import link_problems
from broadsheet.plan.cards import make_cards
from broadsheet.plan.collisions import output_collisions
from broadsheet.plan.images import make_images
from broadsheet.plan.page import Plan
from broadsheet.plan.pages import plan_pages
from broadsheet.plan.redirects import uncovered_moves
from broadsheet.plan.related import last_ranked
from broadsheet.plan.search import BUNDLE, plan_search
from broadsheet.plan.static import StaticPlan, plan_static, static_collisions
from broadsheet.render.draw import Lookout, Rendered, render
from broadsheet.render.jinja import Templates, load_templates
from broadsheet.render.theme import add_theme_globals


def build(
    opts: BuildOptions,
    previous: Previous | None = None,
    touched: frozenset[Path] | None = None,
    lookout: Lookout | None = None,
    proof: Checked | None = None,
) -> tuple[BuildResult, Memory | None]:
    """Build the site (or only check it), redoing only what changed since `previous`; raise BuildError.
    Return what to report, and what this build leaves for the next (None: nothing new).

    `opts` are normalised (run.normalise); `touched`: the only files that may have changed since (a session's
    watcher knows; None: any); `lookout`: who waits for which pages (a preview's tabs), drawn first; `proof`:
    what the summary proved (incremental/summary.py), when asked already."""
    started = time.perf_counter()
    previous = previous or Previous()
    if proof is None:  # asked here: the build goes on inside the proof, whose answer on the output comes later
        with proving(opts, previous.summary) as proof:
            return build(opts, previous, touched, lookout, proof)
    if proof.nothing:
        return unchanged(opts, previous.summary.outcome, started), None
    last = previous.load()
    changes = what_changed(opts, last, touched if previous.in_memory else proof.touched, proof.listing)
    if not changes:
        return unchanged(opts, last.outcome(), started), None
    config = load_config(opts.site_dir / "site.toml", opts.base_url)
    opts = at_site_time(opts, config.timezone)
    sources = read_sources(opts, config, last, changes)
    changes = classify(changes, last, sources.stories, opts)
    paper = update_paper(last, changes, opts.now) or build_paper(
        config,
        sources.stories.articles,
        opts.now,
        opts.drafts,
        opts.future,
        sources.extras.pages,
        sources.extras.data,
        sources.extras.profiles,
    )
    static = static_files(opts, paper, last, changes, sources.stories.articles)
    # Profiles reach bylines, feeds and JSON-LD on every page: a page depends on them all (an edit draws every page).
    inputs = SiteInputs(
        paper, sources.templates.digests, encode((config, static.names, paper.profiles)), carried(last, sources.stories)
    )
    edited = replan(last, inputs, changes)  # the last plan, edited in place (None: planned anew)
    plan = edited or plan_anew(paper, last, static, config)
    add_theme_globals(sources.templates.env, static.assets, static.images)
    target = output_target(opts, config, last, proof, previous.summary)  # the output folder, or nowhere (a check)
    refuse_unwritable(opts)
    make_static(static, last, target)
    stamps = stamp_static(target, static.files)  # as planned: a file saved while pages are drawn is seen next time
    with open_stage(target) as stage, search_index(paper, inputs, last, target, changes) as finish_index:
        records, planned = (last.records, last.plan.pages) if last else ({}, ())
        rendered = render(
            plan,
            sources.templates.env,
            inputs,
            records,
            target.files,
            stage,
            opts.jobs,
            target.trusted,
            planned,
            lookout,
        )
        index = finish_index(stage.put)
        written = {**rendered.written, **index.written}
        published = publish(stage, target, written, plan.files | index.files, static.files, stamps)
    warnings = (
        *placeholder_warnings(config),
        *(uncovered_moves(last and last.paper, paper) if Change.STRUCTURE in changes.kinds else ()),
    )
    try:  # the output is in place: no failure from here on may claim that it was left as it was
        built = Built(paper, plan, static, inputs, rendered)
        memory = replace(remember(opts, last, sources, built, published, index), content=proof.content)
        memory = kept_in_place(last, memory) if edited and Change.TEMPLATES not in changes.kinds else memory
        return replace(report(opts, config, memory, rendered, published, started), warnings=warnings), memory
    except Exception as e:
        if target is NOWHERE:  # only checking: nothing was written
            raise
        raise OutputChanged(len(published.changed), e) from e


@dataclass(frozen=True, slots=True)
class Sources:
    """What the build read from the site folder: templates, stories, standalone pages and data files."""

    templates: Templates
    stories: Loaded
    extras: Extras


@dataclass(frozen=True, slots=True)
class Built:
    """What the build made of its sources: the paper, its plan, its static files, and the pages drawn."""

    paper: Paper
    plan: Plan
    static: StaticPlan
    inputs: SiteInputs
    rendered: Rendered


def read_sources(opts: BuildOptions, config: Config, last: Memory | None, changes: Changes) -> Sources:
    """Read what changed of the templates, stories, pages and data (the rest is the last build's); raise
    BuildError with every problem found in any of them."""
    templates = load_templates(
        (opts.site_dir / "templates", opts.theme / "templates"),
        config,
        last and (last.environment or last.templates),
        changed=Change.TEMPLATES in changes.kinds,
    )
    stories = load_articles(
        opts.site_dir / "content",
        config,
        last and last.sources,
        changes.suspects,
        opts.jobs,
        describe_story,
        changes.listing,
    )
    extras = (
        Extras(last.paper.pages, last.paper.data, last.extras, profiles=last.paper.profiles)
        if last and changes.in_place
        else load_extras(opts.site_dir, config)
    )  # pages and data files: the last build's if none changed
    links = link_problems(opts.site_dir, changes.touched)
    if problems := [*links, *templates.problems, *stories.problems, *extras.problems]:
        raise BuildError(problems)
    return Sources(templates, stories, extras)


def search_index(
    paper: Paper, inputs: SiteInputs, previous: Memory | None, target: Target | Nowhere, changes: Changes
) -> AbstractContextManager[Callable[[Put], SearchIndex]]:
    """Start indexing the search shards whose stories changed (or whose files in the output did)."""
    if target is NOWHERE:  # only checking
        return nullcontext(lambda put: SearchIndex({}, {}))
    cut = previous.search_plan if previous is not None and changes.in_place else None  # the same cuts
    plan = plan_search(paper, inputs.story_value, pagefind_version() if paper.config.search else "", cut)
    last = previous.search.get(str(target.path)) if previous is not None else None
    return index_search(plan, last, None if target.trusted else target.files, target.path)


def at_site_time(opts: BuildOptions, timezone: ZoneInfo) -> BuildOptions:
    """Return the options with an aware clock: a naive one is read in the site's time zone, as stories are."""
    return opts if opts.now.tzinfo else replace(opts, now=local_instant(opts.now, timezone))


def build_cached(
    opts: BuildOptions,
    summary: Summary | None,
    proof: Checked,
    on_load: Callable[[], None] | None,
    published: Callable[[], None],
) -> BuildResult:
    """Build from what the site's cache holds, its `summary` read and asked already (`proof`: not nothing),
    and save what the build learns; run.build_with_cache calls it under the output folder's lock.

    `on_load` runs once the memory is read; `published` once the output is written (output/lock.py).
    """
    try:
        result, memory = build(opts, recall(opts.site_dir, summary, on_load) if opts.cache else Previous(), proof=proof)
    except CacheDamaged:  # a story's body the cache names is gone: build as if there were no cache
        result, memory = build(opts, Previous())
    if memory is not None:
        published()
    if memory is not None and opts.cache and opts.out_dir is not None:
        save(opts.site_dir, memory, opts.out_dir, opts.theme, summary)
    return result


def static_files(
    opts: BuildOptions, paper: Paper, previous: Memory | None, changes: Changes, stories: tuple[Article, ...]
) -> StaticPlan:
    """Plan the files copied into the output (the last build's, when only stories' fields changed)."""
    if previous is not None and changes.in_place:
        return previous.files
    return plan_static(paper, list_static(opts.site_dir / "static", opts.theme), opts.site_dir / CACHE_DIR, stories)


def make_static(static: StaticPlan, last: Memory | None, target: Target | Nowhere) -> None:
    """Resize the stories' pictures and draw the share cards into the cache, whence they are copied: only for a
    build that writes, once its plan is known to be sound (a refused build leaves the cache as it was)."""
    if target is NOWHERE or (last is not None and static is last.files):
        return
    make_images(static.images)
    make_cards(static.cards)


def carried(previous: Memory | None, stories: Loaded) -> dict:
    """What the fingerprints of the site's objects the last build (or the parse) already computed."""
    if previous is not None and previous.values:
        return previous.values
    return {(STORY, s.article.url): (s.article, s.parts) for s in stories.sources.values() if s.parts}


def plan_anew(paper: Paper, last: Memory | None, static: StaticPlan, config: Config) -> Plan:
    """Plan the paper anew, taking the related stories the last plan ranked where they still hold."""
    # A plan of 100,000 stories is a million objects and no cycle: collections while it is made find nothing,
    # and took 2.7 s of a new story's 9 s of planning, each going over every page planned so far.
    with paused_gc():
        return checked(plan_pages(paper, last and last_ranked(last.paper, last.plan.pages)), static, config)


def checked(plan: Plan, static: StaticPlan, config: Config) -> Plan:
    """Refuse a plan in which two outputs take one path (a static file over a page, a section over a built-in page)."""
    folders = {BUNDLE: "the search index (search = true)"} if config.search else {}
    collisions = static_collisions(plan.files, static.files)
    collisions += output_collisions(
        plan.pages,
        {r: p for r, p in static.files.items() if r not in plan.files},
        folders,
        config.path,
        (*RESERVED_OUTPUT, *config.keep),
    )
    if collisions:
        raise BuildError(collisions)
    return plan


def output_target(
    opts: BuildOptions, config: Config, previous: Memory | None, proof: Checked, summary: Summary | None
) -> Target | Nowhere:
    """Describe the output folder (nowhere: only checking). A folder this process wrote is as it left it, and
    so is one the summary's `proof` found unchanged, by stat, since the build the memory describes."""
    if opts.out_dir is None:
        return NOWHERE
    out = str(opts.out_dir)
    if previous is None:
        return find_target(opts.out_dir, None, False, config.keep, {})
    # Trusted only if this process wrote the folder last (a cron build between two saves rewrote it), or if
    # every file and folder in it is proved as the memory recorded them.
    trusted = (
        out in previous.here
        and wrote_last(opts.out_dir)
        or (proof.output() and describes(summary, previous.folders.get(out)))
    )
    return find_target(
        opts.out_dir, previous.folders.get(out), trusted, config.keep, previous.static, previous.dirs.get(out)
    )


def remember(
    opts: BuildOptions, last: Memory | None, sources: Sources, built: Built, published: Published, index: SearchIndex
) -> Memory:
    """Return what this build leaves for the next (a check: nothing of the output folder)."""
    folders, dirs, search, here = (
        (last.folders, last.dirs, last.search, last.here) if last else ({}, {}, {}, frozenset())
    )
    static_stamps = last.static if last else {}
    if opts.out_dir is not None:
        out = str(opts.out_dir)
        folders = {**folders, out: published.files}
        dirs = {**dirs, out: published.dirs}
        search = {**search, out: index.shards}
        here, static_stamps = here | {out}, published.static
    return Memory(
        options=opts.key,
        config=digest_of(opts.site_dir / "site.toml"),
        templates=sources.templates.digests,
        static=static_stamps,
        sources=sources.stories.sources,
        paper=built.paper,
        plan=Plan(built.plan.pages, built.plan.files),
        files=built.static,
        records=built.rendered.records,
        folders=folders,
        dirs=dirs,
        search=search,
        extras=sources.extras.digests,
        environment=sources.templates,
        values=built.inputs.values,
        here=frozenset(here),
        search_plan=index.plan,
    )


def report(
    opts: BuildOptions, config: Config, memory: Memory, rendered: Rendered, published: Published, started: float
) -> BuildResult:
    """Say what the build did, and list the changed URLs for CDN purges."""
    changed = published.changed
    changed_urls = tuple(urls.of_output(config.base_url, rel) for rel in changed)
    write_changed_urls(opts.purge_list, changed_urls)
    return BuildResult.of(
        memory.outcome(),
        time.perf_counter() - started,
        pages_written=len(changed),
        pages_rendered=rendered.drawn,
        changed_urls=changed_urls,
    )


def refuse_unwritable(opts: BuildOptions) -> None:
    """Refuse, before the output changes, a changed-URL list that could not be written afterwards."""
    if opts.out_dir is None:
        return
    path = opts.changed_file
    folder = path.parent
    while not os.path.lexists(folder) and folder != folder.parent:
        folder = folder.parent
    if os.path.isdir(path):
        why = "it is a folder"
    elif not os.path.isdir(folder):
        why = f"{folder} is not a folder"
    elif os.path.lexists(path) and not os.access(path, os.W_OK):
        why = "it is not writable"
    elif not os.path.lexists(path) and not os.access(folder, os.W_OK | os.X_OK):
        why = f"{folder} is not writable"
    else:
        return
    raise BuildError([Problem(path, None, f"the list of changed URLs cannot be written here: {why}")])
