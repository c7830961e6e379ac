"""A build as one process runs it (`broadsheet build`, `check`): options made whole, the output folder locked,
and the cache's summary asked before anything else is read or imported.

A build with nothing to do is the most common of all, and at 100,000 stories its whole cost is proving that
(incremental/summary.py). This module imports only what that proof needs; the stages (pipeline.py), with
Markdown, Jinja and the planner, are imported by a build that has something to do.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from broadsheet.errors import UsageError
from broadsheet.guard import OutsideFolder, confined
from broadsheet.incremental.summary import load_summary, proving, save_summary, unchanged
from broadsheet.options import CACHE_DIR, CHANGED_URLS, BuildOptions, BuildResult
from broadsheet.output.guard import check_output_dir
from broadsheet.output.lock import writing
from broadsheet.parallel import default_jobs
from broadsheet.paths import is_within


def build_with_cache(opts: BuildOptions, on_load: Callable[[], None] | None = None) -> BuildResult:
    """Build as a new process does: from what the site's cache holds (unless opts.cache is off), saving what it
    learns.

    `on_load` runs once the last build's memory is read (the command line freezes it out of garbage collection).
    """
    started = time.perf_counter()
    opts = normalise(opts)
    with writing(opts.out_dir) as writer:  # the cache describes the output folder: both are written under its lock
        summary = load_summary(opts.site_dir) if opts.cache else None
        with proving(opts, summary) as proof:
            if proof.nothing:
                if proof.folders is not None:  # folders listed again, now old enough to trust: not listed next time
                    save_summary(opts.site_dir, replace(summary, dirs=proof.folders))
                return unchanged(opts, summary.outcome, started)
            from broadsheet.pipeline import build_cached  # something to do: the stages are needed, and imported, now

            return build_cached(opts, summary, proof, on_load, writer.published)


def normalise(opts: BuildOptions) -> BuildOptions:
    """Return the options with absolute paths, a checked output folder, a changed-URL file and a number of jobs.

    One spelling of every path, so that `build --site .` and `serve` share the cache's entries; the output
    folder is refused (UsageError) if replacing it could destroy anything that is not ours.
    """
    site_dir = Path(os.path.abspath(opts.site_dir))
    out_dir = check_output_dir(opts.out_dir, site_dir, opts.force) if opts.out_dir is not None else None
    changed = changed_list(opts.changed_file, site_dir, out_dir)
    return replace(opts, site_dir=site_dir, out_dir=out_dir, changed_file=changed, jobs=opts.jobs or default_jobs())


def changed_list(given: Path | None, site_dir: Path, out_dir: Path | None) -> Path:
    """Return where the changed-URL list goes: the cache, or a file the user named outside the site and output.

    Inside the site the list may only go into the cache folder, so that `--changed site.toml` (or a link to a
    template) can never overwrite a source; the guard judges it with its links resolved (UsageError if not).
    """
    try:
        cache = confined(site_dir, CACHE_DIR)
        if given is None:
            return confined(cache, CHANGED_URLS)
        path = Path(os.path.abspath(given))
        if is_within(path, site_dir) and not is_within(path, cache):
            return confined(cache, os.fspath(path))  # refused: inside the site, outside its cache
    except OutsideFolder as e:
        raise UsageError(f"refusing to write the list of changed URLs: {e}") from None
    if out_dir is not None and is_within(path, out_dir):
        raise UsageError(f"refusing to write the list of changed URLs into the output folder {out_dir}")
    return path
