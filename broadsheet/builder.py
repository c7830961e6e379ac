"""The build, start to finish: one screen, in the order it runs."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from .assets import plan_assets
from .config import load_config
from .content import Article, load_articles
from .errors import BuildError
from .images import CACHE_DIR, make_images, plan_images
from .output import check_output_dir, list_static, static_collisions, write_output
from .pages import plan_pages, site_view
from .paths import link_problems
from .render import check_templates, make_env, render
from .search import index_search
from .site import build_site
from .theme import add_theme_globals


@dataclass(frozen=True, slots=True)
class BuildOptions:
    site_dir: Path
    out_dir: Path | None  # None: check only, write nothing
    now: datetime
    drafts: bool = False
    future: bool = False
    base_url: str | None = None
    force: bool = False


@dataclass(frozen=True, slots=True)
class BuildResult:
    pages_by_kind: dict[str, int]
    static_files: int
    seconds: float
    next_scheduled: Article | None
    pages_written: int = 0  # files actually (re)written; all of them on a full build


def build(opts: BuildOptions) -> BuildResult:
    """Build the site (or only check it when out_dir is None); raise BuildError on problems."""
    started = time.perf_counter()
    site_dir = opts.site_dir
    out_dir = check_output_dir(opts.out_dir, site_dir, opts.force) if opts.out_dir is not None else None
    config = load_config(site_dir / "site.toml", opts.base_url)
    env = make_env(site_dir / "templates", config)
    template_problems = link_problems(site_dir) + check_templates(env, site_dir / "templates")
    try:
        articles = load_articles(site_dir / "content", config)
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
    files = render(pages, env, site_view(site), site_dir / "templates")
    if collisions := static_collisions(files, {**static, **assets.files, **images.files}):
        raise BuildError(collisions)
    if out_dir is not None:
        static = {**static, **assets.files, **make_images(images)}
        write_output(files, static, out_dir, finish=index_search, keep=config.keep)
    return BuildResult(
        pages_by_kind=dict(Counter(p.kind for p in pages)),
        static_files=len(static),
        seconds=time.perf_counter() - started,
        next_scheduled=site.next_scheduled,
        pages_written=len(files) if opts.out_dir is not None else 0,
    )


class Builder:
    """A long-lived build for watch and serve: keep one, call rebuild() after each batch of changes.

    Today every rebuild is a full build; incremental work plugs in here without the callers changing.
    """

    def __init__(self, opts: BuildOptions):
        self.opts = opts

    def rebuild(self, changed: set[Path] | None = None) -> BuildResult:
        """Rebuild after `changed` files (None: unknown, rebuild everything); raise BuildError."""
        return build(self.opts)
