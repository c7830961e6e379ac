"""What a build is asked to do, and what it reports."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from broadsheet.load.content import Article
from broadsheet.output.guard import check_output_dir
from broadsheet.parallel import default_jobs

CACHE_DIR = ".broadsheet-cache"  # the build's memory and the preview's output; never watched, never committed
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
    # after every save; `build` always re-indexes.
    reindex_search: bool = True

    @property
    def key(self) -> tuple:
        """What changes the site besides its files: a build with another key starts over."""
        return (self.drafts, self.future, self.base_url)


def normalise(opts: BuildOptions) -> BuildOptions:
    """Return the options with absolute paths, a checked output folder, a changed-URL file and a number of jobs.

    One spelling of every path, so that `build --site .` and `serve` share the cache's entries; the output
    folder is refused (UsageError) if replacing it could destroy anything that is not ours.
    """
    site_dir = Path(os.path.abspath(opts.site_dir))
    out_dir = check_output_dir(opts.out_dir, site_dir, opts.force) if opts.out_dir is not None else None
    changed = Path(os.path.abspath(opts.changed_file)) if opts.changed_file else site_dir / CACHE_DIR / CHANGED_URLS
    return replace(opts, site_dir=site_dir, out_dir=out_dir, changed_file=changed, jobs=opts.jobs or default_jobs())


def at_site_time(opts: BuildOptions, timezone: ZoneInfo) -> BuildOptions:
    """Return the options with an aware clock: a naive one is read in the site's time zone."""
    return opts if opts.now.tzinfo else replace(opts, now=opts.now.replace(tzinfo=timezone))


@dataclass(frozen=True, slots=True)
class BuildResult:
    pages_by_kind: dict[str, int]
    static_files: int
    seconds: float
    next_scheduled: Article | None
    pages_written: int = 0  # files actually (re)written, pages and static files
    pages_rendered: int = 0  # pages drawn; the others were unchanged by their inputs
    changed_urls: tuple[str, ...] = ()  # absolute URLs written or deleted, for CDN purges
