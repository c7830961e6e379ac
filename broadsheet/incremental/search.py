"""The search index stage: each shard the plan names (plan/search.py) indexed again only when its key changed.

The files Pagefind makes are staged like pages, so the index goes into place with them, all or nothing;
a shard whose files in the output are not as this stage wrote them is indexed again too.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from broadsheet.output.search import run_pagefind
from broadsheet.plan.search import MANIFEST, SearchPlan, Shard, needed, record_of
from broadsheet.stamps import digest


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

    @property
    def files(self) -> frozenset[str]:
        return frozenset(rel for s in self.shards.values() for rel in s.files)


def index_search(plan: SearchPlan | None, previous: Mapping[str, Indexed] | None,
                 on_disk: Mapping[str, object] | None, put: Callable[[str, bytes], None], where: Path) -> SearchIndex:
    """Index the shards whose key changed, or whose files are not in the output as they were written.

    `previous`: the shards as the last build left them; `on_disk`: the output's files with their stamps
    (anything with a `.digest`; None: as the last build left them); `put(rel, data)` stages one file;
    `where`: the output folder, which problems name.
    """
    if plan is None:
        return SearchIndex({}, {})
    previous = previous or {}
    shards: dict[str, Indexed] = {}
    todo: list[Shard] = []
    for shard in plan.shards:
        old = previous.get(shard.folder)
        if old is not None and old.key == shard.key and _intact(old, on_disk):
            shards[shard.folder] = old
        else:
            todo.append(shard)
    written: dict[str, bytes] = {}
    for shard, files in zip(todo, run_pagefind([[record_of(a, plan.language) for a in s.stories] for s in todo], where) if todo else ()):
        kept = {shard.folder + rel: data for rel, data in files.items() if needed(rel, shard)}
        for rel, data in kept.items():
            put(rel, data)
        shards[shard.folder] = Indexed(shard.key, {rel: digest(data) for rel, data in kept.items()})
        written.update(shards[shard.folder].files)
    manifest = MANIFEST
    shards[manifest] = Indexed(plan.manifest, {manifest: digest(plan.manifest)})
    if not _intact(previous.get(manifest), on_disk) or previous[manifest].key != plan.manifest:
        put(manifest, plan.manifest)
        written[manifest] = shards[manifest].files[manifest]
    return SearchIndex(shards, written)


def _intact(old: Indexed | None, on_disk: Mapping[str, object] | None) -> bool:
    if old is None:
        return False
    if on_disk is None:
        return True
    return all(getattr(on_disk.get(rel), "digest", None) == d for rel, d in old.files.items())


