"""Guarding the output folder: refuse any folder whose replacement could destroy sources or anything else."""

from __future__ import annotations

import os
from pathlib import Path

from broadsheet.errors import UsageError
from broadsheet.output.ours import KEEP, MARKER
from broadsheet.paths import SOURCE_FOLDERS, is_within, real


def check_output_dir(out_dir: Path, site_dir: Path, force: bool = False) -> Path:
    """Refuse an output folder whose replacement could destroy sources or anything else; return its real path.

    Every comparison is between real paths, folder by folder (os.path.commonpath), so '../site',
    'content/..', a trailing slash, a sibling 'content-old' and symbolic links are all judged by
    where they really lead.
    """
    out = real(out_dir)
    site = real(site_dir)
    if out == Path(out.anchor):
        raise UsageError(f"refusing to use the file system root {out} as the output folder")
    precious = [(site, "the site folder")]
    if (home := home_folder()) is not None:
        precious.append((home, "your home folder"))
    precious += [(real(site_dir / name), f"the site's {name}/ folder") for name in SOURCE_FOLDERS]
    for path, what in precious:
        if is_within(path, out):
            raise UsageError(f"refusing to use {out_dir} as the output folder: it is or contains {what} {path}")
    for name in (*SOURCE_FOLDERS, ".git"):  # the site's own history is as precious as its sources
        if is_within(out, site_dir / name):
            raise UsageError(f"refusing to use {out_dir} as the output folder: it is inside {real(site_dir / name)}")
    given = Path(os.path.abspath(out_dir))
    if given.is_symlink():
        # Replacing a link by a folder would silently move the site; say where it leads instead.
        raise UsageError(
            f"refusing to use {out_dir} as the output folder: it is a symbolic link to {out}; pass --output {out}"
        )
    if out.exists() and not out.is_dir():
        raise UsageError(f"refusing to use {out_dir} as the output folder: it exists and is not a folder")
    if (
        out.is_dir()
        and not force
        and not (out / MARKER).is_file()
        and any(entry.name not in KEEP for entry in out.iterdir())
    ):
        raise UsageError(
            f"refusing to replace {out_dir}: it is not empty and was not made by Broadsheet "
            f"(no {MARKER} file); empty it or pass --force"
        )
    return out


def home_folder() -> Path | None:
    """Return the real home folder, or None when there is none worth guarding (unset, or '/' for daemons)."""
    try:
        home = real(Path.home())
    except (RuntimeError, KeyError):
        return None
    return None if home == Path(home.anchor) else home
