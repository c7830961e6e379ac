"""Deleting: only our temporary folders beside the output folder, by the one function that deletes anything."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from broadsheet.output.ours import fixed, temp_pattern
from broadsheet.paths import real


class UnsafeDeletion(RuntimeError):
    """Something asked remove_ours to delete a path that is not one of our temporary folders."""


def remove_ours(path: Path, out_dir: Path) -> None:
    """Delete one of our temporary folders beside out_dir (or in it); the only function that deletes anything.

    It refuses every other path, so no guard can be bypassed by a caller passing the wrong one;
    a symbolic link is removed as a link, and links inside the tree are unlinked, never followed.
    """
    path = Path(os.path.abspath(path))
    out = Path(os.path.abspath(out_dir))
    homes = (real(out.parent), *([real(out)] if fixed(out) else []))  # a mount point's stage is inside it
    if real(path.parent) not in homes or not temp_pattern(out).fullmatch(path.name):
        raise UnsafeDeletion(f"refusing to delete {path}: it is not a Broadsheet temporary folder beside {out}")
    if path.is_symlink() or path.is_file():
        path.unlink()
    elif path.is_dir():
        shutil.rmtree(path)  # on Linux rmtree works on file descriptors and does not follow links
