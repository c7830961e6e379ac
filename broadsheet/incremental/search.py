"""The search index stage: each shard the plan names (plan/search.py) indexed again only when its key changed.

The files Pagefind makes are staged like pages, so the index goes into place with them, all or nothing;
a shard whose files in the output are not as this stage wrote them is indexed again too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from broadsheet.output.search import Indexing
from broadsheet.plan.search import MANIFEST, SearchPlan, needed, record_of
from broadsheet.stamps import digest

Put = Callable[[str, bytes], None]


@dataclass(frozen=True, slots=True)
class Indexed:
    """One shard as the output holds it: the key it was indexed at, and its files with their digests."""

    key: bytes
    files: dict[str, bytes]  # output path -> digest


@dataclass(frozen=True, slots=True)
class SearchIndex:
    """The whole index after a build: every shard, and which files this build staged."""

    shards: dict[str, Indexed]  # by folder
    written: dict[str, bytes]  # output path -> digest, for the files staged by this build
    plan: SearchPlan | None = None  # what it was made from, for the next build (plan/search.py)

    @property
    def files(self) -> frozenset[str]:
        return frozenset(rel for s in self.shards.values() for rel in s.files)


@contextmanager
def index_search(
    plan: SearchPlan | None, previous: Mapping[str, Indexed] | None, on_disk: Mapping[str, object] | None, where: Path
) -> Iterator[Callable[[Put], SearchIndex]]:
    """Start indexing the shards whose key changed, or whose files are not in the output as written;
    yield `finish(put)`, which waits for Pagefind, stages the new files with `put(rel, data)` and returns
    the whole index. Pagefind works while the pages render (its records come from the stories alone).

    `previous`: the shards as the last build left them; `on_disk`: the output's files with their stamps
    (anything with a `.digest`; None: as the last build left them); `where`: the output folder, which
    problems name.
    """
    if plan is None:
        yield lambda put: SearchIndex({}, {})
        return
    previous = previous or {}
    shards = {s.folder: previous[s.folder] for s in plan.shards if _reusable(previous.get(s.folder), s.key, on_disk)}
    todo = [s for s in plan.shards if s.folder not in shards]
    indexing = Indexing([[record_of(a, plan.language) for a in s.stories] for s in todo], where) if todo else None

    def finish(put: Put) -> SearchIndex:
        written: dict[str, bytes] = {}
        held = output_digests(previous, on_disk)
        for shard, files in zip(todo, indexing.files() if indexing is not None else ()):
            kept = {shard.folder + rel: (data, digest(data)) for rel, data in files.items() if needed(rel, shard)}
            for rel, (data, data_digest) in kept.items():
                if held.get(rel) != data_digest:  # most files of a shard indexed again keep their bytes
                    put(rel, data)
                    written[rel] = data_digest
            shards[shard.folder] = Indexed(shard.key, {rel: d for rel, (_, d) in kept.items()})
        shards[MANIFEST] = Indexed(plan.manifest, {MANIFEST: digest(plan.manifest)})  # a "shard" of one file
        if not _reusable(previous.get(MANIFEST), plan.manifest, on_disk):
            put(MANIFEST, plan.manifest)
            written.update(shards[MANIFEST].files)
        return SearchIndex(shards, written, plan)

    try:
        yield finish
    finally:
        if indexing is not None:
            indexing.close()


def output_digests(previous: Mapping[str, Indexed], on_disk: Mapping[str, object] | None) -> dict[str, bytes]:
    """The digest of each index file the output holds now: as the last build wrote it, or as found on disk."""
    if on_disk is None:
        return {rel: d for shard in previous.values() for rel, d in shard.files.items()}
    return {
        rel: d
        for shard in previous.values()
        for rel in shard.files
        if (d := getattr(on_disk.get(rel), "digest", None)) is not None
    }


def _reusable(old: Indexed | None, key: bytes, on_disk: Mapping[str, object] | None) -> bool:
    """Tell whether what the last build wrote is still right: the same key, and its files in the output as
    written (on_disk None: this process wrote the folder last)."""
    if old is None or old.key != key:
        return False
    return on_disk is None or all(getattr(on_disk.get(rel), "digest", None) == d for rel, d in old.files.items())
