"""What in and beside an output folder is ours: the marker, the names never ours, the temporary folders."""

from __future__ import annotations

import os
import re
from pathlib import Path

from broadsheet.guard import RESERVED_OUTPUT

MARKER = ".broadsheet-output"  # says "Broadsheet made this folder; it may replace it"
MARKER_TEXT = "This folder is written by Broadsheet and replaced on every build.\n"
KEEP = RESERVED_OUTPUT  # never ours, carried over on every swap


def is_ours(out_dir: Path) -> bool:
    """Tell whether out_dir is a real folder that carries our marker."""
    marker = out_dir / MARKER
    return (
        out_dir.is_dir()
        and not out_dir.is_symlink()
        and marker.is_file()
        and not marker.is_symlink()
        and marker.read_text() == MARKER_TEXT
    )


def fixed(out_dir: Path) -> bool:
    """Tell whether out_dir cannot be renamed: a mount point (a Docker volume), whose files are moved instead."""
    return os.path.isdir(out_dir) and not os.path.islink(out_dir) and os.path.ismount(out_dir)


def present(path: Path) -> bool:
    """Tell whether anything is at path, a dangling link too."""
    return path.exists() or path.is_symlink()


def temp_pattern(out_dir: Path) -> re.Pattern[str]:
    # Exactly what make_stage and swap_in name their folders: .<name>.tmp-<8 hex> and .<name>.old-<8 hex>.
    return re.compile(re.escape(f".{out_dir.name}") + r"\.(?:tmp|old)-[0-9a-f]{8}")


def stale_temps(out_dir: Path) -> list[Path]:
    """List the temporary folders that interrupted builds left beside out_dir."""
    pattern = temp_pattern(out_dir)
    homes = [out_dir.parent, *([out_dir] if fixed(out_dir) else [])]
    return sorted(entry for home in homes for entry in home.iterdir() if pattern.fullmatch(entry.name))
