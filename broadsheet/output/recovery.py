"""Recovering from an interrupted build: finish its patch, or restore the previous output, and rescue kept files."""

from __future__ import annotations

import os
from pathlib import Path

from broadsheet.output.deletion import remove_ours
from broadsheet.output.journal import JOURNAL, roll_forward
from broadsheet.output.ours import KEEP, present, stale_temps
from broadsheet.output.swap import put_back


def recover_interrupted(out_dir: Path, keep: tuple[str, ...] = ()) -> None:
    """Undo what a build killed mid-swap left: restore the previous output and rescue kept files."""
    temps = stale_temps(out_dir)
    if out_dir.is_dir() and not out_dir.is_symlink():
        for temp in temps:  # killed while patching: the build had succeeded, so finish the patch
            if ".tmp-" in temp.name and (temp / JOURNAL).is_file() and not temp.is_symlink():
                roll_forward(temp, out_dir)
        temps = stale_temps(out_dir)
    olds = [t for t in temps if ".old-" in t.name and t.is_dir() and not t.is_symlink()]
    if not present(out_dir) and olds:
        # Killed between the two renames of swap_in: the previous output is the .old- folder.
        newest = max(olds, key=lambda t: t.stat().st_mtime_ns)
        os.rename(newest, out_dir)
        temps.remove(newest)
    if out_dir.is_dir() and not out_dir.is_symlink():
        for temp in temps:
            if temp.is_dir() and not temp.is_symlink():
                put_back([n for n in dict.fromkeys(KEEP + tuple(keep))], temp, out_dir)


def clean_stale_temps(out_dir: Path, keep: tuple[str, ...] = ()) -> None:
    """Remove temporary folders that an interrupted build left beside out_dir, rescuing what was ours to keep."""
    recover_interrupted(out_dir, keep)
    for entry in stale_temps(out_dir):
        remove_ours(entry, out_dir)
