"""Python-Markdown's inline pass, skipping each pattern on text that cannot hold a match.

The inline processor tries every inline pattern (about sixteen) on every text node, through a
Python call and a regex search each, even on plain sentences without a single `*`, `[` or `<`.
Each pattern named below cannot match text that lacks all of its trigger strings, so it is
skipped there, exactly as if it had been tried and found nothing: the output is unchanged (a
hypothesis test compares it with stock Python-Markdown). Patterns not named here always run.

The link and image patterns find where each `[` closes with a list over every character of the text, made again
each time the pass changes it; `bracket_ends` makes the same list a run of equal bracket depth at a time.
"""

from __future__ import annotations

import re
from typing import Any

from markdown import Markdown
from markdown.extensions import Extension
from markdown.treeprocessors import InlineProcessor
from markdown.util import AtomicString

# The strings at least one of which every match of a stock pattern contains (see its regex).
TRIGGERS: dict[str, tuple[str, ...]] = {
    "backtick": ("`",),
    "escape": ("\\",),
    "footnote": ("[^",),
    "reference": ("[",),
    "link": ("[",),
    "image_link": ("![",),
    "image_reference": ("![",),
    "short_reference": ("[",),
    "short_image_ref": ("![",),
    "autolink": ("<",),
    "automail": ("<",),
    "linebreak": ("  \n",),
    "html": ("<",),
    "entity": ("&",),
    "em_strong": ("*", "_"),
    "em_strong2": ("_",),
    "not_strong": ("*", "_"),
    "strong": ("*", "_"),
    "emphasis": ("*",),
    "emphasis2": ("_",),
}


# One test per pattern, in C: `in` for a single trigger, one regex search for several.
_TESTS: dict[str, str | re.Pattern] = {
    name: needs[0] if len(needs) == 1 else re.compile("|".join(map(re.escape, needs)))
    for name, needs in TRIGGERS.items()
}


def bracket_ends(data: str) -> list[int | None]:
    """For each index of `data`, the index just past the `]` that closes a `[` before it (None: none does):
    what Python-Markdown's `LinkInlineProcessor._findBracketEnds` returns, filled a run of equal depth at a time
    (a position's depth is that of the brackets before it) instead of a Python step per character."""
    n = len(data)
    ends: list[int | None] = [None] * (n + 1)
    waiting: list[tuple[int, int, int]] = []  # runs (start, stop, depth) whose depth is not yet undercut
    depth = start = 0
    for stop in (*(m.end() for m in _BRACKET.finditer(data)), n + 1):
        while waiting and depth < waiting[-1][2]:  # this run's depth closes the deeper runs before it
            first, last, _ = waiting.pop()
            ends[first:last] = [start] * (last - first)
        waiting.append((start, stop, depth))
        if stop <= n:
            depth += 1 if data[stop - 1] == "[" else -1
        start = stop
    return ends


_BRACKET = re.compile(r"[\[\]]")


class _FastInline(InlineProcessor):
    def run(self, tree: Any, ancestors: list[str] | None = None) -> Any:
        # Looked up once per document: Registry lookups by index are slow, and extensions register early.
        self._patterns = list(self.inlinePatterns)  # iterating sorts the registry by priority
        for pattern in self._patterns:  # this converter's own link and image patterns only
            if hasattr(pattern, "_findBracketEnds"):
                pattern._findBracketEnds = bracket_ends
        self._triggers = [_TESTS.get(item.name) for item in self.inlinePatterns._priority]
        return super().run(tree, ancestors)

    def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> str:
        if isinstance(data, AtomicString):
            return data
        patterns, triggers, apply = self._patterns, self._triggers, self._InlineProcessor__applyPattern
        start, count = 0, len(patterns)
        while patternIndex < count:
            needs = triggers[patternIndex]
            if needs is not None and (needs not in data if type(needs) is str else needs.search(data) is None):
                patternIndex, start = patternIndex + 1, 0  # what a search that found nothing gives
                continue
            data, matched, start = apply(patterns[patternIndex], data, patternIndex, start)
            if not matched:
                patternIndex += 1
        return data


class FastInlineExtension(Extension):
    """Replace the inline processor with one that skips patterns whose triggers are absent."""

    def extendMarkdown(self, md: Markdown) -> None:
        md.treeprocessors.register(_FastInline(md), "inline", 20)
