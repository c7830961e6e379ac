"""Loading the static files: everything under static/ that the output gets as it is."""

from __future__ import annotations

from pathlib import Path

from broadsheet.load.discovery import is_junk
from broadsheet.paths import THEME_STATIC_SKIPPED, allowed_roots, is_followable, is_regular, walk_confined


def list_static(static_dir: Path, theme_dir: Path | None = None) -> dict[str, Path]:
    """Map each static file's output path to its source: the site's own, then the theme's it does not replace."""
    found = _list(static_dir)
    if theme_dir is not None:
        for rel, src in _list(theme_dir / "static").items():
            if not rel.startswith(THEME_STATIC_SKIPPED):
                found.setdefault(rel, src)
    return found


def _list(static_dir: Path) -> dict[str, Path]:
    """Map each file under one static folder to its source, skipping editor junk."""
    found: dict[str, Path] = {}
    if not static_dir.is_dir():
        return found
    allowed = allowed_roots(static_dir.parent)
    # Links to folders inside the site are followed, as in content/; paths.link_problems reports the rest.
    for root, _dirs, files, links in walk_confined(static_dir, allowed, once=False):
        for name in files:
            src = root / name
            if not is_junk(name) and (name not in links or is_followable(src, allowed)) and is_regular(src):
                found[src.relative_to(static_dir).as_posix()] = src
    return found
