"""Publishing a build: its staged files, with the static files and the search index, put in place at once.

The output folder is described by stamps (stamps.py): what the last build left there, checked against
the disk when this process cannot know what happened to it since. Every file whose bytes changed is
staged; the folder is then patched in place or swapped for a whole new tree (folder.publish_stage).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from broadsheet.output.folder import Stage, discard_stage, list_output, make_stage, publish_stage
from broadsheet.output.search import BUNDLE, index_search
from broadsheet.stamps import Stamp, stamp_file, stamp_written

INDEX = f"{BUNDLE}/"


@dataclass(frozen=True, slots=True)
class Target:
    """The output folder as this build finds it."""

    path: Path
    files: dict[str, Stamp]  # every file a build made there that is still there, as it is now
    strays: tuple[str, ...]  # files there that no build of ours made (dropped in by hand): they go
    keep: tuple[str, ...]  # names never ours (site.toml's `keep`)
    trusted: bool  # `files` are as the last build (in this process) left them, not read from the disk again
    static: Mapping[str, Stamp]  # the static source files last copied in, by source path
    index_lags: bool  # its search index lags its pages (a preview's)


def find_target(out_dir: Path, previous: Mapping[str, Stamp] | None, trusted: bool, keep: tuple[str, ...],
                static: Mapping[str, Stamp], index_lags: bool) -> Target:
    """Describe the output folder: as the last build left it when `trusted`, else as the disk has it now."""
    if trusted and previous is not None:
        return Target(out_dir, dict(previous), (), keep, True, static, index_lags)
    files: dict[str, Stamp] = {}
    strays: tuple[str, ...] = ()
    if out_dir.is_dir():
        root = os.fspath(out_dir)
        listed = list_output(out_dir, keep)
        if previous is None:  # no record of this folder: read what is there
            files = {rel: s for rel in listed if (s := stamp_file(os.path.join(root, rel), None, follow=False))}
        else:
            files = {rel: s for rel, old in previous.items()
                     if (s := stamp_file(os.path.join(root, rel), old, racy=False, follow=False))}
            strays = tuple(sorted(rel for rel in listed if rel not in files and not rel.startswith(INDEX)))
    return Target(out_dir, files, strays, keep, False, static, index_lags)


@contextmanager
def open_stage(target: Target | None) -> Iterator[Stage | None]:
    """Stage a build's files beside the output folder; drop them if the build fails (None: check only)."""
    if target is None:
        yield None
        return
    stage = None
    try:  # made inside the try: Ctrl-C or SIGTERM may land the moment it exists
        stage = make_stage(target.path, target.keep)
        yield stage
    except BaseException:
        if stage is not None:
            discard_stage(stage, target.path)
        raise


@dataclass(frozen=True, slots=True)
class IndexStep:
    """How the search index follows a build."""

    reindex: bool  # index the whole new tree before it goes in
    carry: bool  # keep the old index: carried into a new tree, or left in place by a patch
    patch: bool  # the folder may be patched in place


def index_step(out_dir: Path, search: bool, pages_changed: bool, reindex: bool, lagging: bool) -> IndexStep:
    """Decide how the search index follows a build.

    Any changed page (or an index left behind by a preview) means a fresh index of the whole staged tree,
    unless `reindex` is off. Otherwise the old index is carried into a new tree, or simply left where it
    is by a patch; with search off, an old index must go, so only a whole new tree will do.
    """
    index = out_dir / BUNDLE
    if not search:
        return IndexStep(False, False, not os.path.lexists(index))
    if (reindex and (pages_changed or lagging)) or not index.is_dir():
        return IndexStep(True, False, False)
    return IndexStep(False, True, True)


@dataclass(frozen=True, slots=True)
class Published:
    """What publishing changed: the files written or deleted, and the stamps that describe the folder now."""

    changed: tuple[str, ...]  # output paths, sorted
    files: dict[str, Stamp]
    static: dict[str, Stamp]  # static source path -> stamp
    index_lags: bool  # the search index was kept while pages changed (a preview's)


def publish(stage: Stage, target: Target, pages: Mapping[str, bytes], page_files: frozenset[str],
            static: Mapping[str, Path], search: bool, reindex: bool) -> Published:
    """Stage the changed static files, then put every staged file in place and drop what is no longer made.

    `pages`: the pages staged by the render, with the digests of their bytes; `page_files`: every page's
    output path; `static`: every other file the output gets, by output path.
    """
    out_dir, files, lagging = target.path, target.files, target.index_lags
    produced = page_files | static.keys()
    written = dict(pages)
    stamps = {rel: stamp_file(src, target.static.get(str(src))) for rel, src in static.items()}
    for rel, src in static.items():
        if stamps[rel] is not None and (rel not in files or files[rel].digest != stamps[rel].digest):
            stage.put(rel, src)
            written[rel] = stamps[rel].digest
    gone = files.keys() - produced
    deleted = [*sorted(rel for rel in gone if not (search and rel.startswith(INDEX))), *target.strays]
    unchanged = list(files.keys() & produced - written.keys())
    unstamped = [rel for rel in produced - files.keys() - written.keys() if rel in static]
    for rel in unstamped:  # a static file that could not be stamped: copy it anyway
        stage.put(rel, static[rel])
    pages_changed = any(rel.endswith(".html") for rel in (*written, *deleted))
    step = index_step(out_dir, search, pages_changed, reindex, lagging)
    carry: Callable[[], list[str]] = list
    if step.carry:  # listed only if a whole new tree is made: thousands of files at 10,000 stories
        carry = lambda: [INDEX + rel for rel in list_output(out_dir / BUNDLE)]
    publish_stage(stage, out_dir, [*written, *unstamped], unchanged, deleted,
                  index_search if step.reindex else None, carry, target.keep, step.patch)
    kept = dict(files)
    for rel in gone:
        del kept[rel]
    kept.update({rel: stamp_written(out_dir / rel, d) for rel, d in written.items()})
    return Published(
        changed=tuple(sorted([*written, *deleted])),
        files=kept,
        static={str(src): stamps[rel] for rel, src in static.items() if stamps[rel] is not None},
        index_lags=search and not step.reindex and (lagging or pages_changed),
    )
