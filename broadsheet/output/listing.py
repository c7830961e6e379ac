"""Listing the files in an output folder that a build may own.

A build in a new process must find what was dropped into the output folder since the last one. Listing every
folder of a 100,000-story site costs seconds; a folder's stat changes whenever an entry is added, removed or
renamed in it, so a folder whose stat is as the last build left it (and old enough to trust, see RACY_NS)
holds what it held then, and is not listed again: only its stat is taken.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from broadsheet.output.ours import KEEP, MARKER, temp_pattern
from broadsheet.stamps import RACY_NS, now_ns

DirStamp = tuple[int, int]  # a folder's (mtime_ns, inode) when last listed


@dataclass(frozen=True, slots=True)
class Listing:
    """What was found in an output folder: the files of every folder listed, and every folder's stamp."""

    files: list[str]  # the files in the folders that were listed (every folder, unless some were known)
    dirs: dict[str, DirStamp]  # every folder in it, as "" (itself) or "a/b/", parents before children


def list_output(out_dir: Path, keep: tuple[str, ...] = ()) -> list[str]:
    """List the files in an output folder that a build may own (not the marker, KEEP or keep).

    Links are listed, never followed (a link to a folder is one entry); unreadable folders are skipped.
    """
    return scan_output(out_dir, keep).files


def scan_output(
    out_dir: Path,
    keep: tuple[str, ...] = (),
    known: Mapping[str, DirStamp] | None = None,
    changed: list[tuple[str, os.stat_result | None]] | None = None,
) -> Listing:
    """List the files a build may own in the folders of out_dir that changed since they were `known` (None:
    every folder). A folder gone or no longer a folder is forgotten, and with it every folder below it: its
    parent changed too, and the parent's listing says what is there now (a link is an entry, never followed).
    `changed`: the known folders that changed, when already found (changed_folders)."""
    skip = set(KEEP) | set(keep) | {MARKER}
    temps = temp_pattern(out_dir)  # the stage of a folder that cannot be renamed is inside it
    root = os.fspath(out_dir)
    files: list[str] = []
    dirs: dict[str, DirStamp] = {}

    def look(rel: str, st: os.stat_result) -> None:
        """List one folder (stat taken first: an entry added meanwhile changes it again), and its new folders."""
        if (listed := entries_of(os.path.join(root, rel))) is None:
            dirs[rel] = look_again(st)
            return
        dirs[rel] = dir_stamp(st)
        for name, is_dir in listed:
            if rel or (name not in skip and not temps.fullmatch(name)):
                if not is_dir:
                    files.append(rel + name)
                elif known is None or f"{rel}{name}/" not in known:
                    look_at(f"{rel}{name}/")

    def look_at(rel: str) -> None:
        if (st := folder_stat(os.path.join(root, rel))) is not None:
            look(rel, st)

    if known is None or "" not in known:
        look_at("")
        return Listing(files, dirs)
    if changed is None:
        changed = changed_folders(root + os.sep, known.items())
    if not changed:
        return Listing(files, dict(known))  # every folder as known: none to list
    dirs.update(known)
    for rel, st in changed:
        if st is None:  # gone, or no longer a folder: so is every folder below it, and its parent changed with it
            del dirs[rel]
        else:
            look(rel, st)
    return Listing(files, dict(sorted(dirs.items())))


def changed_folders(prefix: str, known: Iterable[tuple[str, DirStamp]]) -> list[tuple[str, os.stat_result | None]]:
    """Return the known folders, given as (folder, stamp), whose stat is not as known, each with its stat (None:
    gone, or no longer a real folder). One stat each (no join per folder: 127,000 of them at 100,000 stories)
    and nothing more: this is the whole cost when nothing changed."""
    lstat, isdir = os.lstat, stat.S_ISDIR
    changed: list[tuple[str, os.stat_result | None]] = []
    for rel, stamp in known:
        try:
            st = lstat(prefix + rel)
        except OSError:
            changed.append((rel, None))
            continue
        if not isdir(st.st_mode):
            changed.append((rel, None))
        elif (st.st_mtime_ns, st.st_ino) != stamp:
            changed.append((rel, st))
    return changed


def entries_of(path: str) -> list[tuple[str, bool]] | None:
    """Return a folder's entries, each with whether it is a folder (a link never is); None: unreadable."""
    try:
        with os.scandir(path) as entries:
            return [(e.name, e.is_dir(follow_symlinks=False)) for e in entries]
    except OSError:
        return None


def folder_stat(path: str) -> os.stat_result | None:
    """Return the stat of a real folder (None: gone, or a link or file in its place)."""
    try:
        st = os.lstat(path)
    except OSError:
        return None
    return st if stat.S_ISDIR(st.st_mode) else None


def dir_stamp(st: os.stat_result) -> DirStamp:
    """Return a folder's stamp, or look_again if it changed too recently for its stat to prove anything."""
    return (st.st_mtime_ns, st.st_ino) if now_ns() - st.st_mtime_ns > RACY_NS else look_again(st)


def look_again(st: os.stat_result) -> DirStamp:
    """Return the stamp of a folder to list next time (too fresh to trust, unreadable, or holding something not
    ours): no mtime matches it, and its inode is kept, so that a tree swapped in is told from it (restamp)."""
    return (-1, st.st_ino)


def parent(rel: str) -> str:
    """Return the folder holding a folder ("a/b/" -> "a/", "a/" -> "")."""
    head = rel[:-1].rpartition("/")[0]
    return f"{head}/" if head else ""


def restamp(
    out_dir: Path,
    before: Mapping[str, DirStamp] | None,
    changed: Iterable[str],
    files: Mapping[str, object],
    keep: tuple[str, ...] = (),
) -> dict[str, DirStamp] | None:
    """Return the folders' stamps after a publish wrote or deleted `changed` (None: no folder). Each folder it
    touched is listed again (all of them, after a swap put a new tree in place): it is trusted next time only
    if it holds nothing but `files` and folders of ours (anything else was dropped in meanwhile)."""
    root = os.fspath(out_dir)
    top = folder_stat(root)
    if top is None:
        return None
    if before is None or "" not in before or top.st_ino != before[""][1]:  # a new tree: list it all, once
        listing = scan_output(out_dir, keep)
        dirs = listing.dirs
        for rel in listing.files:
            if rel not in files and (folder := rel.rpartition("/")[0] + "/" if "/" in rel else "") in dirs:
                dirs[folder] = (-1, dirs[folder][1])
        return dirs
    skip = set(KEEP) | set(keep) | {MARKER}
    temps = temp_pattern(out_dir)
    touched = {""}
    for rel in changed:
        head = rel.rpartition("/")[0]
        while head and f"{head}/" not in touched:
            touched.add(f"{head}/")
            head = head.rpartition("/")[0]
    after = dict(before)
    for rel in sorted(touched):  # parents first
        st = folder_stat(os.path.join(root, rel)) if not rel or parent(rel) in after else None
        if st is None:  # gone (emptied), or no longer a folder
            after.pop(rel, None)
            continue
        if (listed := entries_of(os.path.join(root, rel))) is None:
            after[rel] = look_again(st)
            continue
        ours = all(
            (f"{rel}{name}/" in after or f"{rel}{name}/" in touched) if is_dir else f"{rel}{name}" in files
            for name, is_dir in listed
            if rel or (name not in skip and not temps.fullmatch(name))
        )
        after[rel] = dir_stamp(st) if ours else look_again(st)
    return after
