"""Finding the stories: the Markdown files under content/, in a stable order, without editor or OS litter."""

from __future__ import annotations

import os
from pathlib import Path

from broadsheet.paths import PAGES_FOLDER, allowed_roots, is_followable, walk_confined
from broadsheet.stamps import RACY_NS, now_ns

MARKDOWN_SUFFIXES = (".md", ".markdown")
DATA_SUFFIXES = (".toml", ".yaml", ".yml", ".json", ".csv")

# A content folder as listed: its (ctime_ns, inode) taken just before, followed through links as the walk goes.
# Adding, removing or renaming an entry, or changing who may read the folder, sets its ctime; None: listed too
# soon after a change for the stat to prove anything (see RACY_NS).
FolderStamp = tuple[int, int] | None


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


def markdown_names(content_dir: Path, folders: dict[str, FolderStamp] | None = None) -> list[str]:
    """find_markdown's files as path strings: what proving by stat that nothing changed needs (100,000 Path
    objects cost a second). Each folder listed is stamped into `folders`, for names_hold next time."""
    found: list[str] = []
    allowed, pages = allowed_roots(content_dir.parent), content_dir / PAGES_FOLDER

    def stamp(folder: str) -> None:
        folders[folder] = folder_stamp(folder)

    for root, _dirs, files, links in walk_confined(
        content_dir, allowed, listing=stamp if folders is not None else None
    ):
        folder = os.fspath(root)
        for name in files if not root.is_relative_to(pages) else ():
            if name.lower().endswith(MARKDOWN_SUFFIXES) and not is_junk(name):
                if name not in links or is_followable(root / name, allowed):
                    found.append(os.path.join(folder, name))
    return found


def pages_folder(content_dir: Path) -> Path:
    return content_dir / PAGES_FOLDER


def find_pages(content_dir: Path) -> list[Path]:
    """List the Markdown files in content/pages/, by name, skipping junk and links leaving the site: those
    directly in it, then those in its subfolders (which load_pages reports rather than leave out unsaid)."""
    top = pages_folder(content_dir)
    nested = [
        root / name
        for root, _dirs, files, _links in walk_confined(top, allowed_roots(content_dir.parent))
        if root != top
        for name in files
        if name.lower().endswith(MARKDOWN_SUFFIXES) and not is_junk(name)
    ]
    return [*files_in(top, MARKDOWN_SUFFIXES, content_dir.parent), *nested]


def data_folder(site_dir: Path) -> Path:
    return site_dir / "data"


def find_data(site_dir: Path) -> list[Path]:
    """List the data files directly in data/, by name, skipping junk and links leaving the site."""
    return files_in(data_folder(site_dir), DATA_SUFFIXES, site_dir)


def extra_files(site_dir: Path) -> list[Path]:
    """List the inputs besides stories, templates and static files: standalone pages and data files."""
    return [*find_pages(site_dir / "content"), *find_data(site_dir)]


def folder_stamp(folder: str) -> FolderStamp:
    """Stamp a content folder before it is listed (None: gone, or changed too recently to trust)."""
    try:
        st = os.stat(folder)
    except OSError:
        return None
    return (st.st_ctime_ns, st.st_ino) if now_ns() - st.st_ctime_ns > RACY_NS else None


def names_hold(folders: dict[str, FolderStamp] | None) -> bool:
    """Tell whether every content folder listed last time still holds the same entries, by stat alone (a
    hundred folder stats instead of listing 100,000 files): then the names listed then are the names now."""
    if not folders:
        return False
    for folder, stamp in folders.items():
        try:
            st = os.stat(folder)
        except OSError:
            return False
        if stamp is None or (st.st_ctime_ns, st.st_ino) != stamp:
            return False
    return True
