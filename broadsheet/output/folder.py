"""Writing the output folder: all or nothing, patched in place or swapped whole, never anything not ours."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from broadsheet.errors import BuildError, Problem
from broadsheet.output.deletion import remove_ours
from broadsheet.output.journal import JOURNAL, commit_journal, fits, roll_forward
from broadsheet.output.listing import list_output
from broadsheet.output.ours import MARKER, MARKER_TEXT, fixed, is_ours
from broadsheet.output.recovery import clean_stale_temps
from broadsheet.output.stage import FLAT, Stage
from broadsheet.output.swap import refuse_keep_clashes, swap_in

PATCH_SHARE = 4  # patch the output in place when at most 1 in PATCH_SHARE of its files change


def make_stage(out_dir: Path, keep: tuple[str, ...] = ()) -> Stage:
    """Create the empty stage folder beside out_dir (same file system, so the swap is a rename)."""
    out_dir = Path(os.path.abspath(out_dir))
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    clean_stale_temps(out_dir, keep)
    # A folder that cannot be renamed (a mount point) is never swapped: its stage is inside it, on its file system.
    home = out_dir if fixed(out_dir) else out_dir.parent
    stage = Stage(home / f".{out_dir.name}.tmp-{secrets.token_hex(4)}", flat=is_ours(out_dir))
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
        if old_marker.is_file() and not old_marker.is_symlink() and old_marker.read_text() == MARKER_TEXT:
            stage.link(MARKER, out_dir)  # unchanged: keep its mtime like any other unchanged file
        else:
            (stage.path / MARKER).write_text(MARKER_TEXT)
        swap_in(stage.path, out_dir, keep)
    except BaseException:
        if stage.path.exists():
            remove_ours(stage.path, out_dir)
        raise


def publish_stage(
    stage: Stage,
    out_dir: Path,
    changed: list[str],
    unchanged: list[str],
    deleted: list[str],
    keep: tuple[str, ...] = (),
    patch: bool = True,
) -> None:
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
        commit_journal(stage, changed, deleted)
        roll_forward(stage.path, out_dir)
        return
    for rel in unchanged:
        stage.link(rel, out_dir)
    commit_stage(stage, out_dir, keep, changed)


def sync_stage(
    stage: Stage,
    out_dir: Path,
    changed: list[str],
    unchanged: list[str],
    deleted: list[str],
    keep: tuple[str, ...],
    patch: bool,
) -> None:
    """Publish into a folder that cannot be renamed: the whole new tree (or a patch) moved in file by file.

    The same journal as a patch makes it all or nothing; anything that could stop a move (a file where a folder
    must go) is refused before the journal is written, so a refusal leaves the folder as it was.
    """
    try:
        if not (patch and is_ours(out_dir)):
            for rel in unchanged:
                stage.link(rel, out_dir)
            stage.settle(list(changed))
            stage = Stage(stage.path)
            (stage.path / MARKER).write_text(MARKER_TEXT)
            new = set(list_output(stage.path))
            changed = [*new, MARKER]
            deleted = sorted(set(list_output(out_dir, keep)) - new)
        refuse_keep_clashes(out_dir, keep, {rel.split("/", 1)[0] for rel in changed}.__contains__)
        if not fits(out_dir, changed):
            raise BuildError(
                [
                    Problem(
                        out_dir,
                        None,
                        "the output folder cannot be renamed (a mount point), and this "
                        "build puts a file where it has a folder or the other way round; "
                        "empty the folder once, then build again",
                    )
                ]
            )
        commit_journal(stage, changed, deleted)
    except BaseException:
        if not (stage.path / JOURNAL).is_file():
            remove_ours(stage.path, out_dir)
        raise
    roll_forward(stage.path, out_dir)


def patchable(out_dir: Path, changed: list[str], deleted: list[str], unchanged: int) -> bool:
    """Tell whether out_dir is ours, few enough files change, and each staged file can go where it belongs."""
    if PATCH_SHARE * (len(changed) + len(deleted)) > unchanged + len(changed) or not is_ours(out_dir):
        return False
    return fits(out_dir, changed)


def discard_stage(stage: Stage, out_dir: Path) -> None:
    """Drop a stage that will not be swapped in; a patch already under way is finished instead."""
    out_dir = Path(os.path.abspath(out_dir))
    if (stage.path / JOURNAL).is_file():
        roll_forward(stage.path, out_dir)
    elif stage.path.exists():
        remove_ours(stage.path, out_dir)
