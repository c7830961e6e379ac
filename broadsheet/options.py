"""What a build is asked to do, and what it reports."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from broadsheet.errors import Problem, display_path
from broadsheet.load.schedule import EXPIRES, GOES_LIVE, NextChange
from broadsheet.paths import default_theme

if TYPE_CHECKING:
    from broadsheet.load.article import Article

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
    theme_dir: Path | None = None  # the theme under the site's own files; None: the one Broadsheet ships

    @property
    def theme(self) -> Path:
        """Return the folder holding the theme's templates/ and static/."""
        return self.theme_dir if self.theme_dir is not None else default_theme()

    @property
    def purge_list(self) -> Path | None:
        """Where the build lists the URLs it changed, for CDN purges (None: a check, which writes nothing)."""
        return self.changed_file if self.out_dir is not None else None

    @property
    def key(self) -> tuple:
        """What changes the site besides its files: a build with another key starts over."""
        return (self.drafts, self.future, self.base_url)


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a finished build made, in a few values: reported by it, and again by a build with nothing to do."""

    pages_by_kind: tuple[tuple[str, int], ...]  # (kind, how many), in order of first appearance in the plan
    static_files: int
    next_scheduled: Article | None  # the earliest story still waiting for its time
    next_change: NextChange | None  # the first instant after the clock at which the site changes
    unprofiled: tuple[str, ...]  # bylines with no profile in data/authors.toml, by name


@dataclass(frozen=True, slots=True)
class BuildResult:
    pages_by_kind: dict[str, int]
    static_files: int
    seconds: float
    next_scheduled: Article | None
    pages_written: int = 0  # files actually (re)written, pages and static files
    pages_rendered: int = 0  # pages drawn; the others were unchanged by their inputs
    changed_urls: tuple[str, ...] = ()  # absolute URLs written or deleted, for CDN purges
    warnings: tuple[Problem, ...] = ()  # what the build did but an editor should know (a story's URL changed)
    next_change: NextChange | None = None  # the first instant after the clock at which the site changes
    unprofiled: tuple[str, ...] = ()  # bylines with no profile in data/authors.toml, by name

    @classmethod
    def of(cls, outcome: Outcome, seconds: float, **more) -> BuildResult:
        """Return the report of a build that made `outcome` in `seconds` (`more`: what it drew and wrote)."""
        return cls(
            pages_by_kind=dict(outcome.pages_by_kind),
            static_files=outcome.static_files,
            seconds=seconds,
            next_scheduled=outcome.next_scheduled,
            next_change=outcome.next_change,
            unprofiled=outcome.unprofiled,
            **more,
        )

    def next_change_note(self) -> str | None:
        """Say when the site next changes by itself, and why, so that a scheduler can rebuild exactly then."""
        if (change := self.next_change) is None:
            return None
        a, when = change.article, change.when.isoformat()
        if change.what == GOES_LIVE:
            return f"Next scheduled story goes live at {when}: {a.title!r} ({display_path(a.path)}); rebuild then"
        what = "is taken down" if change.what == EXPIRES else "leaves the breaking-news banner"
        return f"Next change at {when}: {a.title!r} ({display_path(a.path)}) {what}; rebuild then"
