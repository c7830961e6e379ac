"""The stage: a build's changed files, written beside the output folder before any goes into place."""

from __future__ import annotations

import hashlib
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from broadsheet.guard import confined_name

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
        # The stage is a folder this build just made, holding no links: the name alone is judged here, cheaply;
        # the real path is judged again where the file goes into the output folder (roll_forward).
        dest = self.staged(confined_name(rel))
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
