"""Swapping a whole new tree in for the output folder, carrying over what is not ours (.git, CNAME…)."""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from pathlib import Path

from broadsheet.errors import BuildError, Problem
from broadsheet.output.deletion import remove_ours
from broadsheet.output.ours import KEEP, present


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
    names = [n for n in dict.fromkeys(KEEP + tuple(keep)) if present(out_dir / n)]
    refuse_keep_clashes(out_dir, keep, lambda n: present(tmp / n))
    moved: list[str] = []
    try:
        for name in names:
            if not present(tmp / name):
                os.rename(out_dir / name, tmp / name)  # a link is moved as a link, never followed
                moved.append(name)
    except BaseException:
        put_back(moved, tmp, out_dir)
        raise
    return moved


def refuse_keep_clashes(out_dir: Path, keep: tuple[str, ...], written: Callable[[str], bool]) -> None:
    """Refuse a configured keep name that the output folder has and the build also writes."""
    clashes = [n for n in dict.fromkeys(keep) if n not in KEEP and written(n) and present(out_dir / n)]
    if clashes:
        raise BuildError(
            [
                Problem(out_dir / n, None, f"'{n}' is listed in keep, but the build also writes it; rename one of them")
                for n in clashes
            ]
        )


def put_back(names: list[str], tmp: Path, out_dir: Path) -> None:
    """Return kept files moved into tmp to out_dir (after a failed swap)."""
    for name in names:
        if present(tmp / name) and not present(out_dir / name):
            os.rename(tmp / name, out_dir / name)
