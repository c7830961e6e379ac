"""A session: the pipeline run again after each batch of saves, with the last build kept in memory."""

from __future__ import annotations

import gc
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from broadsheet.incremental.bodies import CacheDamaged
from broadsheet.incremental.memory import Memory
from broadsheet.incremental.store import recall, save
from broadsheet.incremental.summary import Previous, load_summary
from broadsheet.options import BuildOptions, BuildResult
from broadsheet.output.lock import writing
from broadsheet.pipeline import build
from broadsheet.preview.lookout import PreviewLookout
from broadsheet.run import normalise


class Session:
    """The last build of a long-lived preview (serve, watch): rebuild() after each batch of changes.

    The first build starts from the cache on disk; later ones from what the last one left in memory, so a
    rebuild reads only the changed files and draws only the pages they reach. close() saves it for the
    next process.
    """

    def __init__(
        self, opts: BuildOptions, clock: Callable[[], datetime] | None = None, lookout: PreviewLookout | None = None
    ):
        self.opts = normalise(opts)
        self.clock = clock  # the real time, read at each build (None: the build's clock stays opts.now)
        self.lookout = lookout  # serve's: which pages tabs and requests wait for, drawn first
        self.previous = (
            recall(self.opts.site_dir, load_summary(self.opts.site_dir), gc.freeze) if self.opts.cache else Previous()
        )
        self.memory: Memory | None = None  # what the last good build left, once there is one
        self.pending: set[Path] | None = set()  # files failed builds were given (None: all of them)
        self._unsaved = False

    def rebuild(self, changed: set[Path] | None = None, now: datetime | None = None) -> BuildResult:
        """Rebuild after `changed` files (None: unknown, check everything), at `now` (else the session's clock,
        if it has one); raise BuildError."""
        now = now if now is not None or self.clock is None else self.clock()
        if now is not None:
            self.opts = replace(self.opts, now=now)
        known = changed is not None and self.memory is not None and self.pending is not None
        touched = frozenset({*changed, *self.pending}) if known else None
        opts = self.opts
        if self.lookout is not None:  # requests for pages wait until the build knows which it draws
            self.lookout.start(self.memory.plan.files if self.memory is not None else None)
        try:
            with writing(opts.out_dir) as writer:  # held only while building: a cron `build` may run between saves
                try:
                    result, memory = build(opts, self.previous, touched, self.lookout)
                except CacheDamaged:  # a story's body the cache names is gone: build as if there were no cache
                    self.previous, touched = Previous(), None
                    result, memory = build(opts, self.previous, touched, self.lookout)
                if memory is not None:
                    writer.published()
        except BaseException:
            # What a failed build was given may still differ from memory: the next build looks at it again
            # (at everything, when it was given everything).
            self.pending = None if changed is None or self.pending is None else self.pending | changed
            raise
        self.pending = set()
        if memory is not None:
            self._unsaved = True
        elif self.memory is None:  # nothing to do, proved from the cache's summary: keep its memory
            memory = self.previous.load()
        if memory is not None:
            self.memory, self.previous = memory, Previous(memory=memory)
        return result

    def seconds_to_next_change(self) -> float | None:
        """Say how long until the site changes by itself: a story going live or expiring, a banner ending
        (0: due now; None: nothing is scheduled, no build has succeeded yet, or the session's clock stands still)."""
        if self.clock is None or self.memory is None or self.memory.paper.next_change is None:
            return None
        return max(0.0, self.memory.paper.next_change.when.timestamp() - self.clock().timestamp())

    def close(self) -> None:
        """Save what the session learnt, for the next process."""
        if self._unsaved and self.opts.cache and self.memory is not None:
            save(self.opts.site_dir, self.memory, self.opts.out_dir, self.opts.theme)
            self._unsaved = False
