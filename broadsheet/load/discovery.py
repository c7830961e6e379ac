"""Finding the stories: the Markdown files under content/, in a stable order, without editor or OS litter."""

from __future__ import annotations

import os
from pathlib import Path

from broadsheet.paths import PAGES_FOLDER, allowed_roots, is_followable, walk_confined

MARKDOWN_SUFFIXES = (".md", ".markdown")


def files_in(folder: Path, suffixes: tuple[str, ...], site_dir: Path) -> list[Path]:
    """List the files directly in folder with one of suffixes, by name, skipping junk and links leaving the site."""
    try:
        names = sorted(p.name for p in folder.iterdir())
    except OSError:
        return []
    allowed = allowed_roots(site_dir)
    return [
        folder / n
        for n in names
        if n.lower().endswith(suffixes)
        and not is_junk(n)
        and is_followable(folder / n, allowed)
        and (folder / n).is_file()
    ]


def is_junk(name: str) -> bool:
    """Tell whether a file name is editor or OS litter rather than content."""
    return name.startswith((".", "~")) or name.endswith(("~", ".swp", ".swx", ".tmp")) or name in ("4913", "Thumbs.db")


def find_markdown(content_dir: Path) -> list[Path]:
    """List the stories' Markdown files under content/ (not content/pages/), in a stable order, skipping junk.

    Symbolic links are followed only while they stay inside the site (paths.link_problems reports
    the others), and a folder reached twice through links is read once.
    """
    return [Path(name) for name in markdown_names(content_dir)]


def markdown_names(content_dir: Path) -> list[str]:
    """find_markdown's files as path strings: what proving by stat that nothing changed needs (100,000 Path
    objects cost a second)."""
    found: list[str] = []
    allowed, pages = allowed_roots(content_dir.parent), content_dir / PAGES_FOLDER
    for root, _dirs, files, links in walk_confined(content_dir, allowed):
        folder = os.fspath(root)
        for name in files if not root.is_relative_to(pages) else ():
            if name.lower().endswith(MARKDOWN_SUFFIXES) and not is_junk(name):
                if name not in links or is_followable(root / name, allowed):
                    found.append(os.path.join(folder, name))
    return found
