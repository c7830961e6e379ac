"""Which pages the preview's open tabs and requests wait for, and how far the rebuild in progress has drawn them.

A rebuild that draws many pages (a template edit draws nearly all) draws first the pages open in a tab
and any page requested meanwhile, so that they can be served, and their tabs told to reload, long
before the build is published. Until the rebuild has drawn a page, a request for it waits: it is never
answered with the bytes the rebuild is replacing.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from enum import Enum
from pathlib import Path

from broadsheet.output.stage import Stage


class Phase(Enum):
    IDLE = "idle"  # no rebuild, or its outcome is published: the folder is what is served
    PLANNING = "planning"  # a rebuild started; which pages it will draw is not yet known
    DRAWING = "drawing"  # the rebuild is drawing `todo`; those in `drawn` are done


class PreviewLookout:
    """The rebuild's progress, shared by the build thread and the server's threads (render.draw.Lookout).

    The session calls start() before each build, render calls drawing(), wanted() and ready(), and the
    server's state calls finish() once the build's outcome (success or failure) is published.
    """

    def __init__(self, cond: threading.Condition | None = None):
        self.cond = cond or threading.Condition()
        self._tabs: Counter[str] = Counter()  # the output path of the page each open tab shows
        self._asked: Counter[str] = Counter()  # the pages requests are waiting for
        self._phase = Phase.IDLE
        self._known: frozenset[str] | None = frozenset()  # the last build's pages (None: any path may be one)
        self._todo: frozenset[str] = frozenset()
        self._drawn: dict[str, Path | None] = {}  # drawn so far: the staged file, or None (the bytes are the same)
        self._stage: Stage | None = None
        self._closing = False

    def start(self, known: frozenset[str] | None) -> None:
        """A rebuild starts: until it knows what it draws, requests for `known` pages (or no file) wait."""
        with self.cond:
            self._phase, self._known, self._todo, self._drawn, self._stage = (
                Phase.PLANNING,
                known,
                frozenset(),
                {},
                None,
            )

    def drawing(self, rels: frozenset[str], sink: object) -> None:
        """The rebuild is about to draw these pages, staging their changed bytes in `sink`."""
        with self.cond:
            self._phase, self._todo = Phase.DRAWING, rels
            self._stage = sink if isinstance(sink, Stage) else None
            self.cond.notify_all()

    def wanted(self) -> list[str]:
        """The pages requests wait for, then the pages open tabs show, that are still to be drawn."""
        with self.cond:
            return [rel for rel in (*self._asked, *self._tabs) if rel in self._todo and rel not in self._drawn]

    def ready(self, rel: str, changed: bool) -> None:
        """A page is drawn: its new bytes are staged (`changed`), or the same as the folder's."""
        with self.cond:
            self._drawn[rel] = self._stage.staged(rel) if changed and self._stage is not None else None
            if rel in self._asked or rel in self._tabs:
                self.cond.notify_all()

    def finish(self) -> None:
        """The rebuild's outcome is published (or it failed): the folder is what is served again."""
        with self.cond:
            self._phase, self._todo, self._drawn, self._stage = Phase.IDLE, frozenset(), {}, None
            self.cond.notify_all()

    def close(self) -> None:
        """Release every waiting request: the server is stopping."""
        with self.cond:
            self._closing = True
            self.cond.notify_all()

    def fresh(self, rel: str, exists: bool) -> tuple[bytes | None, bool]:
        """Wait while the rebuild in progress is still to draw the page at `rel` (which `exists` in the folder,
        or not); return its new bytes if they are staged and not yet published (None: the folder's file is
        current), and whether it waited (then the folder may have changed)."""
        with self.cond:
            if not self._holds(rel, exists):
                staged, waited = self._drawn.get(rel), False
            else:
                self._asked[rel] += 1
                self.cond.notify_all()  # a test may wait to see a request waiting; the build asks wanted()
                try:
                    self.cond.wait_for(lambda: not self._holds(rel, exists))
                finally:
                    self._asked[rel] -= 1
                    if not self._asked[rel]:
                        del self._asked[rel]
                staged, waited = self._drawn.get(rel), True
        if staged is None:
            return None, waited
        try:
            return staged.read_bytes(), waited
        except OSError:  # put in place (or dropped, the build failed) meanwhile: the folder has it once published
            self.wait_idle()
            return None, True

    def _holds(self, rel: str, exists: bool) -> bool:
        if self._closing:
            return False
        if self._phase is Phase.PLANNING:
            return self._known is None or rel in self._known or not exists
        if self._phase is Phase.IDLE:
            return False
        if rel in self._todo:  # a page whose template failed is never drawn: it waits for the build's failure
            return rel not in self._drawn
        # No file yet: perhaps one the build publishes with its pages (a stylesheet's new name, which a page drawn
        # early links to).
        return not exists

    def wait_idle(self) -> None:
        """Wait until the rebuild in progress (if any) is published, or has failed."""
        with self.cond:
            self.cond.wait_for(lambda: self._closing or self._phase is Phase.IDLE)

    def shows(self, rel: str) -> bool:
        """Tell whether the rebuild in progress has drawn the page at `rel` (call with `cond` held)."""
        return self._phase is Phase.DRAWING and rel in self._drawn

    @contextmanager
    def watching(self, rel: str | None) -> Iterator[None]:
        """Count a tab as showing the page at `rel` while it holds its event stream open."""
        if rel is None:
            yield
            return
        with self.cond:
            self._tabs[rel] += 1
            self.cond.notify_all()
        try:
            yield
        finally:
            with self.cond:
                self._tabs[rel] -= 1
                if not self._tabs[rel]:
                    del self._tabs[rel]
