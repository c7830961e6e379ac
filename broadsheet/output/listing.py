"""Listing the files in an output folder that a build may own."""

from __future__ import annotations

import os
from pathlib import Path

from broadsheet.output.ours import KEEP, MARKER, temp_pattern


def list_output(out_dir: Path, keep: tuple[str, ...] = ()) -> list[str]:
    """List the files in an output folder that a build may own (not the marker, KEEP or keep).

    Links are listed, never followed (a link to a folder is one entry); unreadable folders are skipped.
    """
    skip = set(KEEP) | set(keep) | {MARKER}
    temps = temp_pattern(out_dir)  # the stage of a folder that cannot be renamed is inside it
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
