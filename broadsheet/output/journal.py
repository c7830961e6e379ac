"""Patching an output folder in place from a journal: written once every file is staged (the commit point),
then rolled forward, again after an interruption if need be, until every file is in place."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

from broadsheet.guard import confined
from broadsheet.output.deletion import remove_ours
from broadsheet.output.stage import Stage

JOURNAL = ".broadsheet-patch.json"  # in a stage: "this build succeeded; move these files into place"


def commit_journal(stage: Stage, put: list[str], delete: list[str]) -> None:
    """Write the stage's journal, listing the files to put in place and to delete: the commit point of a patch."""
    journal = {"put": put, "delete": delete, "flat": stage.flat}
    part = stage.path / (JOURNAL + ".part")
    part.write_text(json.dumps(journal))
    os.rename(part, stage.path / JOURNAL)  # from here on, the patch is finished even if this process is not


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
        if not all(dirs.get(p, True) for p in parents(rel)):
            return False
    return True


def parents(rel: str) -> list[str]:
    parts = rel.split("/")[:-1]
    return ["/".join(parts[: i + 1]) for i in range(len(parts))]


def roll_forward(stage_path: Path, out_dir: Path) -> None:
    """Finish a patch from its stage's journal: move each staged file into place, move deleted files out.

    Every step can be done again, so a patch interrupted at any point (even in here) is completed by
    calling this once more. Deleted files go to the stage's twin .old- folder, which remove_ours deletes.
    """
    journal = json.loads((stage_path / JOURNAL).read_text())
    stage = Stage(stage_path, flat=journal.get("flat", False))
    trash = stage_path.parent / stage_path.name.replace(".tmp-", ".old-")
    for rel in journal["put"]:
        src = stage.flat_name(rel) if stage.flat else os.fspath(stage.staged(rel))
        dest = os.fspath(confined(out_dir, rel))
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
        emptied.update(parents(rel))
    for rel in sorted(emptied, key=lambda r: -r.count("/")):  # deepest first; only empty folders go
        try:
            os.rmdir(out_dir / rel)
        except OSError:
            pass
    (stage_path / JOURNAL).unlink()
    for path in (stage_path, trash):
        if os.path.lexists(path):
            remove_ours(path, out_dir)
