"""Writing the output folder: all or nothing, and never anything that is not ours."""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Callable
from pathlib import Path

from .content import is_junk
from .errors import BuildError, Problem, UsageError

MARKER = ".broadsheet-output"  # says "Broadsheet made this folder; it may replace it"
KEEP = (".git", "CNAME", ".nojekyll")  # never ours, carried over on every swap
_TEMP_INFIXES = (".tmp-", ".old-")


def check_output_dir(out_dir: Path, site_dir: Path, force: bool = False) -> None:
    """Refuse an output folder whose replacement could destroy sources or anything else."""
    out = Path(os.path.realpath(out_dir))
    site = Path(os.path.realpath(site_dir))
    home = Path(os.path.realpath(Path.home()))

    def within(child: Path, parent: Path) -> bool:
        return os.path.commonpath([child, parent]) == str(parent)

    if out == Path(out.anchor):
        raise UsageError(f"refusing to use the file system root {out} as the output folder")
    for precious, what in ((site, "the site folder"), (home, "your home folder")):
        if within(precious, out):
            raise UsageError(f"refusing to use {out_dir} as the output folder: it is or contains {what} {precious}")
    for name in ("content", "templates", "static"):
        if within(out, site / name):
            raise UsageError(f"refusing to use {out_dir} as the output folder: it is inside {site / name}")
    if out.is_dir() and not force and any(out.iterdir()) and not (out / MARKER).exists():
        raise UsageError(
            f"refusing to replace {out_dir}: it is not empty and was not made by Broadsheet "
            f"(no {MARKER} file); empty it or pass --force"
        )


def list_static(static_dir: Path) -> dict[str, Path]:
    """Map each static file's output path to its source, skipping editor junk."""
    found: dict[str, Path] = {}
    if not static_dir.is_dir():
        return found
    for root, dirs, files in os.walk(static_dir):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if not is_junk(name):
                src = Path(root) / name
                found[src.relative_to(static_dir).as_posix()] = src
    return found


def static_collisions(files: dict[str, bytes], static: dict[str, Path]) -> list[Problem]:
    """Refuse a static file that would overwrite a generated page."""
    return [
        Problem(static[path], None, f"static file would overwrite the generated page /{path}")
        for path in sorted(set(files) & set(static))
    ]


def write_output(files: dict[str, bytes], static: dict[str, Path], out_dir: Path,
                 finish: Callable[[Path], None] | None = None) -> None:
    """Write pages and static files into a fresh folder beside out_dir, call finish(folder), then swap it in."""
    out_dir = Path(os.path.abspath(out_dir))
    parent = out_dir.parent
    parent.mkdir(parents=True, exist_ok=True)
    clean_stale_temps(out_dir)
    tmp = parent / f".{out_dir.name}.tmp-{secrets.token_hex(4)}"
    tmp.mkdir()
    try:
        for rel, src in static.items():
            dest = tmp / rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, dest)
        for rel, data in files.items():
            dest = tmp / rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(data)
        if finish is not None:
            finish(tmp)  # e.g. the search index; if it fails, the old output stays
        (tmp / MARKER).write_text("This folder is written by Broadsheet and replaced on every build.\n")
        swap_in(tmp, out_dir)
    except BaseException:
        remove_ours(tmp, out_dir)
        raise


def swap_in(tmp: Path, out_dir: Path) -> None:
    """Replace out_dir by tmp with renames, carrying over what is not ours (.git, CNAME…)."""
    if not out_dir.exists() and not out_dir.is_symlink():
        os.rename(tmp, out_dir)
        return
    if out_dir.is_symlink() or not out_dir.is_dir():
        raise BuildError([Problem(out_dir, None, "the output path exists and is not a folder")])
    for name in KEEP:
        if (out_dir / name).exists() and not (tmp / name).exists():
            os.rename(out_dir / name, tmp / name)
    old = out_dir.parent / f".{out_dir.name}.old-{secrets.token_hex(4)}"
    os.rename(out_dir, old)
    os.rename(tmp, out_dir)
    remove_ours(old, out_dir)


def clean_stale_temps(out_dir: Path) -> None:
    """Remove temporary folders that an interrupted build left beside out_dir."""
    prefix = f".{out_dir.name}"
    for entry in out_dir.parent.iterdir():
        if entry.name.startswith(prefix) and any(entry.name.startswith(prefix + i) for i in _TEMP_INFIXES):
            remove_ours(entry, out_dir)


def remove_ours(path: Path, out_dir: Path) -> None:
    """Delete one of our temporary folders beside out_dir; the only place that deletes trees."""
    name = path.name
    if path.parent != out_dir.parent or not any(name.startswith(f".{out_dir.name}{i}") for i in _TEMP_INFIXES):
        raise AssertionError(f"refusing to delete {path}: not a Broadsheet temporary folder")
    if path.is_symlink():
        path.unlink()
    elif path.exists():
        shutil.rmtree(path)
