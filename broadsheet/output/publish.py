"""Publishing a build: its staged files, with the static files and the search index, put in place at once.

The output folder is described by stamps (stamps.py): what the last build left there, checked against
the disk when this process cannot know what happened to it since. Every file whose bytes changed is
staged; the folder is then patched in place or swapped for a whole new tree (folder.publish_stage).
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from broadsheet.output.folder import discard_stage, make_stage, publish_stage
from broadsheet.output.listing import DirStamp, restamp, scan_output
from broadsheet.output.stage import Stage
from broadsheet.stamps import Stamp, stamp_file, stamp_written


@dataclass(frozen=True, slots=True)
class Target:
    """The output folder as this build finds it."""

    path: Path
    files: dict[str, Stamp]  # every file a build made there that is still there, as it is now
    strays: tuple[str, ...]  # files there that no build of ours made (dropped in by hand): they go
    keep: tuple[str, ...]  # names never ours (site.toml's `keep`)
    trusted: bool  # `files` are as the last build (in this process) left them, not read from the disk again
    static: Mapping[str, Stamp]  # the static source files last copied in, by source path
    dirs: dict[str, DirStamp] | None = None  # its folders as found (output/listing.py); None: not known


def find_target(
    out_dir: Path,
    previous: Mapping[str, Stamp] | None,
    trusted: bool,
    keep: tuple[str, ...],
    static: Mapping[str, Stamp],
    dirs: Mapping[str, DirStamp] | None = None,
) -> Target:
    """Describe the output folder: as the last build left it when `trusted`, else as the disk has it now
    (only the folders changed since `dirs` listed)."""
    if trusted and previous is not None:
        return Target(out_dir, dict(previous), (), keep, True, static, dict(dirs) if dirs is not None else None)
    files: dict[str, Stamp] = {}
    strays: tuple[str, ...] = ()
    found = None
    if out_dir.is_dir():
        root = os.fspath(out_dir)
        listing = scan_output(out_dir, keep, dirs if previous is not None else None)
        listed, found = listing.files, listing.dirs
        if previous is None:  # no record of this folder: read what is there
            files = {rel: s for rel in listed if (s := stamp_file(os.path.join(root, rel), None, follow=False))}
        else:
            files = restamped(root + os.sep, previous)
            strays = tuple(sorted(rel for rel in listed if rel not in files))
    return Target(out_dir, files, strays, keep, False, static, found)


def restamped(prefix: str, previous: Mapping[str, Stamp]) -> dict[str, Stamp]:
    """Stamp each file a build recorded under prefix (231,000 at 100,000 stories: no join per file), keeping its
    recorded stamp while its stat is the same (gone, or not a file: left out)."""
    return {rel: s for rel, old in previous.items() if (s := stamp_file(prefix + rel, old, racy=False, follow=False))}


@contextmanager
def open_stage(target: Target | Nowhere) -> Iterator[Stage | Nowhere]:
    """Stage a build's files beside the output folder; drop them if the build fails (nowhere: nothing staged)."""
    if target is NOWHERE:
        yield NOWHERE
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
class Published:
    """What publishing changed: the files written or deleted, and the stamps that describe the folder now."""

    changed: tuple[str, ...]  # output paths, sorted
    files: dict[str, Stamp]
    static: dict[str, Stamp]  # static source path -> stamp
    dirs: dict[str, DirStamp] | None = None  # the output's folders as left (output/listing.py); None: not known


class Nowhere:
    """Where `check` writes: nothing is held there, so every page is drawn (and its mistakes found), and
    whatever is put there is dropped. It stands for both the output folder and its stage."""

    path = None
    files = None  # nothing to compare a page's bytes with
    trusted = False

    def put(self, rel: str, data: bytes | Path) -> None:
        pass


NOWHERE = Nowhere()
NOTHING_PUBLISHED = Published((), {}, {})


def stamp_static(target: Target | Nowhere, static: Mapping[str, Path]) -> dict[str, Stamp | None]:
    """Stamp the files to copy in, by output path, as the build planned with them (before its pages are drawn)."""
    if target is NOWHERE:
        return {}
    return {rel: stamp_file(src, target.static.get(str(src))) for rel, src in static.items()}


def publish(
    stage: Stage | Nowhere,
    target: Target | Nowhere,
    digests: Mapping[str, bytes],
    page_files: frozenset[str],
    static: Mapping[str, Path],
    stamps: Mapping[str, Stamp | None] | None = None,
) -> Published:
    """Stage the changed static files, then put every staged file in place and drop what is no longer made.

    `digests`: the digest of the bytes of each file the render and the search index staged, by output path;
    `page_files`: the output path of every page and index file; `static`: every file copied in, by output path;
    `stamps`: theirs, taken before the pages were drawn (stamp_static; None: now). A file saved while the pages
    were drawn (a stylesheet, whose name the pages carry) keeps its older stamp, so the next build sees the save.
    Nowhere (a check): nothing is published.
    """
    if target is NOWHERE:
        return NOTHING_PUBLISHED
    out_dir, files = target.path, target.files
    produced = page_files | static.keys()
    written = dict(digests)
    stamps = stamps if stamps is not None else stamp_static(target, static)
    for rel, src in static.items():
        if stamps[rel] is not None and (rel not in files or files[rel].digest != stamps[rel].digest):
            stage.put(rel, src)
            written[rel] = stamps[rel].digest
    gone = files.keys() - produced
    deleted = [*sorted(gone), *target.strays]
    unchanged = list(files.keys() & produced - written.keys())
    unstamped = [rel for rel in produced - files.keys() - written.keys() if rel in static]
    for rel in unstamped:  # a static file that could not be stamped: copy it anyway
        stage.put(rel, static[rel])
    publish_stage(stage, out_dir, [*written, *unstamped], unchanged, deleted, keep=target.keep)
    kept = dict(files)
    for rel in gone:
        del kept[rel]
    kept.update({rel: stamp_written(out_dir / rel, d) for rel, d in written.items()})
    changed = tuple(sorted([*written, *deleted]))
    return Published(
        changed=changed,
        files=kept,
        static={str(src): stamps[rel] for rel, src in static.items() if stamps[rel] is not None},
        dirs=restamp(out_dir, target.dirs, [*changed, *unstamped], kept, target.keep),
    )
