"""Writing the output folder: all or nothing, and never anything that is not ours."""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import shutil
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from broadsheet.errors import BuildError, Problem
from broadsheet.guard import RESERVED_OUTPUT
from broadsheet.paths import real

MARKER = ".broadsheet-output"  # says "Broadsheet made this folder; it may replace it"
JOURNAL = ".broadsheet-patch.json"  # in a stage: "this build succeeded; move these files into place"
PATCH_SHARE = 4  # patch the output in place when at most 1 in PATCH_SHARE of its files change
KEEP = RESERVED_OUTPUT  # never ours, carried over on every swap


class UnsafeDeletion(RuntimeError):
    """Something asked remove_ours to delete a path that is not one of our temporary folders."""


FLAT = ".broadsheet-staged"  # in a flat stage, the folder that holds every staged file under a name of its own


@dataclass(frozen=True, slots=True)
class Stage:
    """The new output tree, built beside out_dir and swapped in only once the whole build succeeded.

    A flat stage (for an output folder that is already ours, which a few changed files usually patch)
    keeps every staged file in one folder: creating the folders of a nested tree costs more than
    writing the files. settle() nests them when the whole tree is swapped in after all.
    """

    path: Path
    flat: bool = False

    def staged(self, rel: str) -> Path:
        """Where a staged file is, until it goes into place."""
        if self.flat:
            return Path(self.flat_name(rel))
        return self.path / rel

    def flat_name(self, rel: str) -> str:
        return f"{self.path}/{FLAT}/{hashlib.sha1(rel.encode('utf-8', 'surrogatepass')).hexdigest()}"

    def put(self, rel: str, data: bytes | Path) -> None:
        """Stage one changed file: bytes, or a file to copy."""
        dest = self.staged(rel)
        if not self.flat:
            dest.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, Path):
            shutil.copyfile(data, dest)
        else:
            dest.write_bytes(data)

    def link(self, rel: str, out_dir: Path) -> None:
        """Carry an unchanged file over from out_dir as a hard link: same bytes, same mtime, no copy."""
        dest = self.path / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(out_dir / rel, dest)
        except OSError:  # a file system without hard links
            shutil.copy2(out_dir / rel, dest)

    def settle(self, rels: list[str]) -> None:
        """Move flat-staged files to their places in the tree, for a whole-tree swap."""
        if not self.flat:
            return
        for rel in rels:
            dest = self.path / rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            os.rename(self.staged(rel), dest)
        os.rmdir(self.path / FLAT)


def make_stage(out_dir: Path, keep: tuple[str, ...] = ()) -> Stage:
    """Create the empty stage folder beside out_dir (same file system, so the swap is a rename)."""
    out_dir = Path(os.path.abspath(out_dir))
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    clean_stale_temps(out_dir, keep)
    # A folder that cannot be renamed (a mount point) is never swapped: its stage is inside it, on its file system.
    home = out_dir if fixed(out_dir) else out_dir.parent
    stage = Stage(home / f".{out_dir.name}.tmp-{secrets.token_hex(4)}", flat=_ours(out_dir))
    try:
        stage.path.mkdir()
        if stage.flat:
            (stage.path / FLAT).mkdir()
    except BaseException:  # an interrupt the moment it exists: the caller never got the stage to drop
        if os.path.lexists(stage.path):
            remove_ours(stage.path, out_dir)
        raise
    return stage


def commit_stage(stage: Stage, out_dir: Path, keep: tuple[str, ...] = (), staged: list[str] = ()) -> None:
    """Mark the staged tree ours and swap it in; on failure drop it.

    `staged` lists the files put into the stage (a flat stage needs them to nest them).
    """
    out_dir = Path(os.path.abspath(out_dir))
    try:
        stage.settle(list(staged))
        old_marker = out_dir / MARKER
        if old_marker.is_file() and not old_marker.is_symlink() and old_marker.read_text() == _MARKER_TEXT:
            stage.link(MARKER, out_dir)  # unchanged: keep its mtime like any other unchanged file
        else:
            (stage.path / MARKER).write_text(_MARKER_TEXT)
        swap_in(stage.path, out_dir, keep)
    except BaseException:
        if stage.path.exists():
            remove_ours(stage.path, out_dir)
        raise


def publish_stage(stage: Stage, out_dir: Path, changed: list[str], unchanged: list[str], deleted: list[str],
                  keep: tuple[str, ...] = (), patch: bool = True) -> None:
    """Put a build's staged files (`changed`) into out_dir, with `unchanged` kept and `deleted` gone.

    When few files change, out_dir is patched in place: each staged file is renamed over the old one, so an
    unchanged file is never touched. Otherwise (or when patch is False) the unchanged files are hard-linked
    into the stage and the whole tree is swapped in.
    Either way it is all or nothing: a patch starts only once everything is staged, and a patch
    interrupted halfway is completed by the next run (see roll_forward).
    """
    out_dir = Path(os.path.abspath(out_dir))
    if fixed(out_dir):
        return sync_stage(stage, out_dir, changed, unchanged, deleted, keep, patch)
    if patch and patchable(out_dir, changed, deleted, len(unchanged)):
        if keep:
            tops = {rel.split("/", 1)[0] for rel in (*changed, *unchanged)}
            refuse_keep_clashes(out_dir, keep, tops.__contains__)
        journal = {"put": changed, "delete": deleted, "flat": stage.flat}
        (stage.path / (JOURNAL + ".part")).write_text(json.dumps(journal))
        os.rename(stage.path / (JOURNAL + ".part"), stage.path / JOURNAL)  # the commit point
        roll_forward(stage.path, out_dir)
        return
    for rel in unchanged:
        stage.link(rel, out_dir)
    commit_stage(stage, out_dir, keep, changed)


def fixed(out_dir: Path) -> bool:
    """Tell whether out_dir cannot be renamed: a mount point (a Docker volume), whose files are moved instead."""
    return os.path.isdir(out_dir) and not os.path.islink(out_dir) and os.path.ismount(out_dir)


def sync_stage(stage: Stage, out_dir: Path, changed: list[str], unchanged: list[str], deleted: list[str],
               keep: tuple[str, ...], patch: bool) -> None:
    """Publish into a folder that cannot be renamed: the whole new tree (or a patch) moved in file by file.

    The same journal as a patch makes it all or nothing; anything that could stop a move (a file where a folder
    must go) is refused before the journal is written, so a refusal leaves the folder as it was.
    """
    try:
        if not (patch and _ours(out_dir)):
            for rel in unchanged:
                stage.link(rel, out_dir)
            stage.settle(list(changed))
            stage = Stage(stage.path)
            (stage.path / MARKER).write_text(_MARKER_TEXT)
            new = set(list_output(stage.path))
            changed = [*new, MARKER]
            deleted = sorted(set(list_output(out_dir, keep)) - new)
        refuse_keep_clashes(out_dir, keep, {rel.split("/", 1)[0] for rel in changed}.__contains__)
        if not fits(out_dir, changed):
            raise BuildError([Problem(out_dir, None, "the output folder cannot be renamed (a mount point), and this "
                                                     "build puts a file where it has a folder or the other way round; "
                                                     "empty the folder once, then build again")])
        journal = {"put": changed, "delete": deleted, "flat": stage.flat}
        (stage.path / (JOURNAL + ".part")).write_text(json.dumps(journal))
        os.rename(stage.path / (JOURNAL + ".part"), stage.path / JOURNAL)  # the commit point
    except BaseException:
        if not (stage.path / JOURNAL).is_file():
            remove_ours(stage.path, out_dir)
        raise
    roll_forward(stage.path, out_dir)


def patchable(out_dir: Path, changed: list[str], deleted: list[str], unchanged: int) -> bool:
    """Tell whether out_dir is ours, few enough files change, and each staged file can go where it belongs."""
    if PATCH_SHARE * (len(changed) + len(deleted)) > unchanged + len(changed) or not _ours(out_dir):
        return False
    return fits(out_dir, changed)


def fits(out_dir: Path, changed: list[str]) -> bool:
    """Tell whether each staged file can be moved where it belongs: no folder or link in its place, and only
    folders (or nothing) on the way."""
    dirs: dict[str, bool] = {}
    root = os.fspath(out_dir)
    for rel in changed:
        try:
            if not stat.S_ISREG(os.lstat(f"{root}/{rel}").st_mode):
                return False  # a folder, a link or anything else where the file goes
        except (FileNotFoundError, NotADirectoryError):
            pass
        parent = os.path.dirname(rel)
        while parent and parent not in dirs:  # each folder on the way must be a real folder, or absent
            try:
                dirs[parent] = stat.S_ISDIR(os.lstat(f"{root}/{parent}").st_mode)
            except (FileNotFoundError, NotADirectoryError):
                dirs[parent] = True
            parent = os.path.dirname(parent)
        if not all(dirs.get(p, True) for p in _parents(rel)):
            return False
    return True


def _parents(rel: str) -> list[str]:
    parts = rel.split("/")[:-1]
    return ["/".join(parts[: i + 1]) for i in range(len(parts))]


def _ours(out_dir: Path) -> bool:
    marker = out_dir / MARKER
    return (out_dir.is_dir() and not out_dir.is_symlink() and marker.is_file() and not marker.is_symlink()
            and marker.read_text() == _MARKER_TEXT)


def roll_forward(stage_path: Path, out_dir: Path) -> None:
    """Finish a patch from its stage's journal: move each staged file into place, move deleted files out.

    Every step can be done again, so a patch interrupted at any point (even in here) is completed by
    calling this once more. Deleted files go to the stage's twin .old- folder, which remove_ours deletes.
    """
    journal = json.loads((stage_path / JOURNAL).read_text())
    stage = Stage(stage_path, flat=journal.get("flat", False))
    trash = stage_path.parent / stage_path.name.replace(".tmp-", ".old-")
    root = os.fspath(out_dir)
    for rel in journal["put"]:
        src = stage.flat_name(rel) if stage.flat else os.fspath(stage.staged(rel))
        dest = f"{root}/{rel}"
        try:
            os.rename(src, dest)
        except FileNotFoundError:
            if not os.path.lexists(src):
                continue  # moved already, by the run this one completes
            os.makedirs(os.path.dirname(dest), exist_ok=True)  # a new folder (a new story's)
            os.rename(src, dest)
    emptied: set[str] = set()
    for rel in journal["delete"]:
        if os.path.isfile(out_dir / rel) or os.path.islink(out_dir / rel):
            (trash / rel).parent.mkdir(parents=True, exist_ok=True)
            os.rename(out_dir / rel, trash / rel)
        emptied.update(_parents(rel))
    for rel in sorted(emptied, key=lambda r: -r.count("/")):  # deepest first; only empty folders go
        try:
            os.rmdir(out_dir / rel)
        except OSError:
            pass
    (stage_path / JOURNAL).unlink()
    for path in (stage_path, trash):
        if os.path.lexists(path):
            remove_ours(path, out_dir)


def discard_stage(stage: Stage, out_dir: Path) -> None:
    """Drop a stage that will not be swapped in; a patch already under way is finished instead."""
    out_dir = Path(os.path.abspath(out_dir))
    if (stage.path / JOURNAL).is_file():
        roll_forward(stage.path, out_dir)
    elif stage.path.exists():
        remove_ours(stage.path, out_dir)


def list_output(out_dir: Path, keep: tuple[str, ...] = ()) -> list[str]:
    """List the files in an output folder that a build may own (not the marker, KEEP or keep).

    Links are listed, never followed (a link to a folder is one entry); unreadable folders are skipped.
    """
    skip = set(KEEP) | set(keep) | {MARKER}
    temps = _temp_pattern(out_dir)  # the stage of a folder that cannot be renamed is inside it
    found: list[str] = []

    def walk(folder: str, prefix: str) -> None:
        try:
            with os.scandir(folder) as entries:
                listed = [(e.name, e.path, e.is_dir(follow_symlinks=False)) for e in entries]
        except OSError:
            return
        for name, path, is_dir in listed:
            if prefix or (name not in skip and not temps.fullmatch(name)):
                if is_dir:
                    walk(path, f"{prefix}{name}/")
                else:
                    found.append(prefix + name)

    walk(os.fspath(out_dir), "")
    return found


_MARKER_TEXT = "This folder is written by Broadsheet and replaced on every build.\n"


def swap_in(tmp: Path, out_dir: Path, keep: tuple[str, ...] = ()) -> None:
    """Replace out_dir by tmp with renames, carrying over what is not ours (.git, CNAME…)."""
    if not out_dir.exists() and not out_dir.is_symlink():
        os.rename(tmp, out_dir)
        return
    if out_dir.is_symlink() or not out_dir.is_dir():
        raise BuildError([Problem(out_dir, None, "the output path exists and is not a folder")])
    moved = carry_over(out_dir, tmp, keep)
    old = out_dir.parent / f".{out_dir.name}.old-{secrets.token_hex(4)}"
    try:
        os.rename(out_dir, old)
        try:
            os.rename(tmp, out_dir)
        except BaseException:
            os.rename(old, out_dir)
            raise
    except BaseException:
        put_back(moved, tmp, out_dir)  # the caller deletes tmp: what we moved into it must not go too
        raise
    remove_ours(old, out_dir)


def carry_over(out_dir: Path, tmp: Path, keep: tuple[str, ...] = ()) -> list[str]:
    """Move what is not ours (.git, CNAME, .nojekyll and the configured `keep`) from out_dir into tmp.

    A built-in name the build itself writes (a CNAME in static/) is replaced by the new one; a configured
    name the build writes is an error, found before anything moves. Return the names moved.
    """
    names = [n for n in dict.fromkeys(KEEP + tuple(keep)) if _present(out_dir / n)]
    refuse_keep_clashes(out_dir, keep, lambda n: _present(tmp / n))
    moved: list[str] = []
    try:
        for name in names:
            if not _present(tmp / name):
                os.rename(out_dir / name, tmp / name)  # a link is moved as a link, never followed
                moved.append(name)
    except BaseException:
        put_back(moved, tmp, out_dir)
        raise
    return moved


def refuse_keep_clashes(out_dir: Path, keep: tuple[str, ...], written: Callable[[str], bool]) -> None:
    """Refuse a configured keep name that the output folder has and the build also writes."""
    clashes = [n for n in dict.fromkeys(keep) if n not in KEEP and written(n) and _present(out_dir / n)]
    if clashes:
        raise BuildError([Problem(out_dir / n, None, f"'{n}' is listed in keep, but the build also writes it; "
                                                     "rename one of them") for n in clashes])


def put_back(names: list[str], tmp: Path, out_dir: Path) -> None:
    """Return kept files moved into tmp to out_dir (after a failed swap)."""
    for name in names:
        if _present(tmp / name) and not _present(out_dir / name):
            os.rename(tmp / name, out_dir / name)


def _present(path: Path) -> bool:
    return path.exists() or path.is_symlink()


def recover_interrupted(out_dir: Path, keep: tuple[str, ...] = ()) -> None:
    """Undo what a build killed mid-swap left: restore the previous output and rescue kept files."""
    temps = stale_temps(out_dir)
    if out_dir.is_dir() and not out_dir.is_symlink():
        for temp in temps:  # killed while patching: the build had succeeded, so finish the patch
            if ".tmp-" in temp.name and (temp / JOURNAL).is_file() and not temp.is_symlink():
                roll_forward(temp, out_dir)
        temps = stale_temps(out_dir)
    olds = [t for t in temps if ".old-" in t.name and t.is_dir() and not t.is_symlink()]
    if not _present(out_dir) and olds:
        # Killed between the two renames of swap_in: the previous output is the .old- folder.
        newest = max(olds, key=lambda t: t.stat().st_mtime_ns)
        os.rename(newest, out_dir)
        temps.remove(newest)
    if out_dir.is_dir() and not out_dir.is_symlink():
        for temp in temps:
            if temp.is_dir() and not temp.is_symlink():
                put_back([n for n in dict.fromkeys(KEEP + tuple(keep))], temp, out_dir)


def stale_temps(out_dir: Path) -> list[Path]:
    """List the temporary folders that interrupted builds left beside out_dir."""
    pattern = _temp_pattern(out_dir)
    homes = [out_dir.parent, *([out_dir] if fixed(out_dir) else [])]
    return sorted(entry for home in homes for entry in home.iterdir() if pattern.fullmatch(entry.name))


def clean_stale_temps(out_dir: Path, keep: tuple[str, ...] = ()) -> None:
    """Remove temporary folders that an interrupted build left beside out_dir, rescuing what was ours to keep."""
    recover_interrupted(out_dir, keep)
    for entry in stale_temps(out_dir):
        remove_ours(entry, out_dir)


def _temp_pattern(out_dir: Path) -> re.Pattern[str]:
    # Exactly what make_stage and swap_in name their folders: .<name>.tmp-<8 hex> and .<name>.old-<8 hex>.
    return re.compile(re.escape(f".{out_dir.name}") + r"\.(?:tmp|old)-[0-9a-f]{8}")


def remove_ours(path: Path, out_dir: Path) -> None:
    """Delete one of our temporary folders beside out_dir (or in it); the only function that deletes anything.

    It refuses every other path, so no guard can be bypassed by a caller passing the wrong one;
    a symbolic link is removed as a link, and links inside the tree are unlinked, never followed.
    """
    path = Path(os.path.abspath(path))
    out = Path(os.path.abspath(out_dir))
    homes = (real(out.parent), *([real(out)] if fixed(out) else []))  # a mount point's stage is inside it
    if real(path.parent) not in homes or not _temp_pattern(out).fullmatch(path.name):
        raise UnsafeDeletion(f"refusing to delete {path}: it is not a Broadsheet temporary folder beside {out}")
    if path.is_symlink() or path.is_file():
        path.unlink()
    elif path.is_dir():
        shutil.rmtree(path)  # on Linux rmtree works on file descriptors and does not follow links
