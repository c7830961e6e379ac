"""What one build leaves for the next: the stages' results, each safe to act on only after checking it.

A session (serve, watch) keeps it in memory between saves; `build` keeps it in <site>/.broadsheet-cache
(store.py), with a small summary that can prove, without loading the rest, that nothing changed.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from broadsheet.incremental.deps import Values
from broadsheet.incremental.search import Indexed
from broadsheet.load.discovery import FolderStamp
from broadsheet.load.sources import Source
from broadsheet.model.site import Paper
from broadsheet.options import Outcome
from broadsheet.output.listing import DirStamp
from broadsheet.plan.page import Plan
from broadsheet.plan.search import SearchPlan
from broadsheet.plan.static import StaticPlan
from broadsheet.render.draw import PageRecord
from broadsheet.render.jinja import Templates
from broadsheet.stamps import Stamp

STALE_MAX = 32  # edited stories a drift may name before the memory is saved whole
RECORDS_MAX = 4096  # pages drawn again a drift may carry


@dataclass(frozen=True, slots=True)
class Drift:
    """What the builds since the memory on disk (`generation`) changed, each of them in place."""

    generation: bytes
    # Story files whose memory entry is older than the version last drawn (read again by every build), with
    # that version's fingerprints (Source.parts): what its pages show now.
    stale: dict[str, dict[str, bytes]] = field(default_factory=dict)
    records: dict[str, PageRecord] = field(default_factory=dict)  # pages drawn since, by URL
    stamps: dict[str, dict[str, Stamp | None]] = field(default_factory=dict)  # by output folder; None: removed
    search: dict[str, dict[str, Indexed | None]] = field(default_factory=dict)  # shards, by output folder

    @property
    def small(self) -> bool:
        """Whether it is cheap for the next build to apply (else the memory is saved whole)."""
        return len(self.stale) <= STALE_MAX and len(self.records) <= RECORDS_MAX


@dataclass(frozen=True, slots=True)
class Memory:
    """Everything a build learnt that the next may reuse."""

    options: tuple  # BuildOptions.key
    config: bytes | None  # the digest of site.toml
    templates: dict[str, bytes]  # the digest of each file under templates/
    static: dict[str, Stamp]  # each static source file, by path
    sources: dict[str, Source]  # each story file, by path, with what it parsed to
    paper: Paper
    plan: Plan
    files: StaticPlan
    records: dict[str, PageRecord]  # each page as last drawn, by URL
    folders: dict[str, dict[str, Stamp]]  # each output folder written, by path: the files a build made there
    search: dict[str, dict[str, Indexed]] = field(default_factory=dict)  # each output folder's search shards
    extras: dict[str, bytes | None] = field(default_factory=dict)  # each standalone page and data file's digest
    dirs: dict[str, dict[str, DirStamp] | None] = field(default_factory=dict)  # each output folder's folders
    content: dict[str, FolderStamp] | None = None  # the content folders, as stamped when the names were known
    search_plan: SearchPlan | None = None  # the search index's shards as last cut (plan/search.py)
    # Only in the memory of a live process, never saved:
    environment: Templates | None = None
    values: Values = field(default_factory=dict)  # fingerprints of the site's objects (incremental/deps.py)
    here: frozenset[str] = frozenset()  # output folders this process wrote: it knows what they hold
    generation: bytes | None = None  # of the memory on disk this one was read from (None: not read from disk)
    drift: Drift | None = None  # how it differs from that one, when only by edits in place (incremental/drift.py)

    def outcome(self) -> Outcome:
        """Return what the build made, to report."""
        return Outcome(
            tuple(Counter(p.kind for p in self.plan.pages).items()),
            len(self.files.files),
            self.paper.next_scheduled,
            self.paper.next_change,
            tuple(a.name for a in self.paper.authors if a.profile is None),
        )
