"""A build that only edited stories in place (or moved the clock) saves what it changed, not the whole memory.

Writing the memory of a large archive costs seconds, however small the edit. When a build edited the last
plan in place, the memory on disk (its `generation`) is still a sound base: the next build can make this
one's paper and plan from it again by reading the stories edited since, which are few. So such a build saves,
with its summary, a Drift: those stories' names, and the pages, output stamps and search shards it changed.
Reading the memory applies it, and the next build reads those stories again as if it had been told they
changed; every page it would draw again only to find the same bytes is proved unchanged by its record.

If the drift is lost (the summary could not be written), the memory is only older than the output: the next
build finds the stories by their stat and each output file by its stat or bytes, as after any build it
cannot trust, and draws again what differs.
"""

from __future__ import annotations

from dataclasses import replace

from broadsheet.incremental.memory import Drift, Memory
from broadsheet.output.listing import DirStamp


def drifted(base: Memory, built: Memory) -> Drift | None:
    """Return how `built` (a memory made by editing `base` in place) differs from the memory on disk that `base`
    was read from (None: base was not read from disk, or pages or output folders came or went)."""
    generation = base.generation
    if (
        generation is None
        or built.sources.keys() != base.sources.keys()
        or built.records.keys() != base.records.keys()
        or built.folders.keys() != base.folders.keys()
    ):
        return None
    last = base.drift or Drift(generation)
    saved = base.sources  # as the memory on disk has them
    edited = {name for name, source in built.sources.items() if saved.get(name) is not source} | last.stale.keys()
    stale = {
        name: source.parts for name in edited if (source := built.sources[name]).article is not saved[name].article
    }
    before = base.records  # most records are the very objects read: compared by identity first
    records = {url: r for url, r in built.records.items() if (b := before.get(url)) is not r and b != r}
    return Drift(
        generation,
        stale,
        {**last.records, **records},
        {
            out: {**last.stamps.get(out, {}), **changed(base.folders.get(out, {}), files)}
            for out, files in built.folders.items()
        },
        {
            out: {**last.search.get(out, {}), **changed(base.search.get(out, {}), shards)}
            for out, shards in built.search.items()
        },
    )


def changed(before: dict, after: dict) -> dict:
    """Return the entries of `after` that differ from `before`, and None for each key it no longer has."""
    out = {key: value for key, value in after.items() if before.get(key) != value}
    out.update(dict.fromkeys(before.keys() - after.keys()))
    return out


def applied(entries: dict, changes: dict) -> dict:
    """Return `entries` with a drift's changes made (a key given None is removed)."""
    if not changes:
        return entries
    out = {**entries, **changes}
    for key, value in changes.items():
        if value is None:
            del out[key]
    return out


def with_drift(memory: Memory, drift: Drift, dirs: dict[str, dict[str, DirStamp] | None]) -> Memory:
    """Return the memory read from disk brought to where the builds of the drift left the output, whose
    folders they left as `dirs` (by output folder)."""
    return replace(
        memory,
        dirs={**memory.dirs, **dirs},
        records=applied(memory.records, drift.records),
        folders={out: applied(files, drift.stamps.get(out, {})) for out, files in memory.folders.items()},
        search={out: applied(shards, drift.search.get(out, {})) for out, shards in memory.search.items()},
        drift=drift,
    )


def kept_in_place(base: Memory | None, built: Memory) -> Memory:
    """Return a memory made by editing `base` in place, with how it drifted from the memory on disk `base` was
    read from, so that saving it writes only that (unchanged when there is no such base)."""
    drift = drifted(base, built) if base is not None else None
    return built if drift is None else replace(built, generation=drift.generation, drift=drift)
