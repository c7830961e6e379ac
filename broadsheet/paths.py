"""Where sources may come from: real paths compared by folder, and symbolic links kept inside the site."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

from broadsheet.errors import Problem

SOURCE_FOLDERS = ("content", "templates", "static", "data")
PAGES_FOLDER = "pages"  # content/pages/: standalone pages (load/pages.py), never stories
CMS_MEDIA_FOLDER = "static/images"  # where the browser editor puts pictures, a folder per year and month
# The repository's static/images/ holds the sample site's photographs, not part of the theme.
THEME_STATIC_SKIPPED = ("images/",)


def default_theme() -> Path:
    """Return the folder holding the default theme's templates/ and static/.

    An installed wheel carries them as broadsheet/theme/ (setup.py copies them there); a checkout, or an
    editable install of one, reads them where they are kept: the repository's top level.
    """
    package = Path(__file__).resolve().parent
    packaged = package / "theme"
    return packaged if packaged.is_dir() else package.parent


def real(path: Path | str) -> Path:
    """Return the absolute path with every symbolic link resolved."""
    return Path(os.path.realpath(path))


def is_within(child: Path | str, parent: Path | str) -> bool:
    """Tell whether child is parent or lies under it, comparing real paths folder by folder."""
    c, p = real(child), real(parent)
    try:
        return os.path.commonpath([c, p]) == str(p)
    except ValueError:  # different drives on Windows
        return False


def allowed_roots(site_dir: Path) -> tuple[Path, ...]:
    """Return the folders links may lead into: the site, and each source folder wherever it really is."""
    return (real(site_dir), *(real(site_dir / name) for name in SOURCE_FOLDERS))


def is_followable(path: Path, allowed: tuple[Path, ...]) -> bool:
    """Tell whether a path (a link or not) leads to something that exists inside an allowed folder, not into .git."""
    if not path.is_symlink():
        return True
    target = real(path)
    return target.exists() and any(is_within(target, root) and not _in_git(target, root) for root in allowed)


def _in_git(target: Path, root: Path) -> bool:
    # A repository's own files (a CI checkout token in .git/config) are never a source, even inside the site.
    return ".git" in target.relative_to(root).parts


def is_regular(path: Path | str) -> bool:
    """Tell whether a path (through links) is a regular file: a FIFO, socket or device would hang or never end."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return False


def read_regular(path: Path | str) -> bytes | None:
    """Read a regular file's bytes; None for anything else (opened without blocking, so a FIFO cannot hang it)."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    with os.fdopen(fd, "rb") as f:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        return f.read()


def walk_confined(
    top: Path,
    allowed: tuple[Path, ...],
    unreadable: Callable[[Path, OSError], None] | None = None,
    once: bool = True,
    listing: Callable[[str], None] | None = None,
) -> Iterator[tuple[Path, list[str], list[str], set[str]]]:
    """Walk like os.walk, sorted, following links only while they stay inside `allowed`, each real folder once.

    Yields (folder, dirs, files, links): every entry name (dot-folders and outside links included, for
    reporting), and which of them are symbolic links; only the followable, non-dot folders are then entered.
    `unreadable` hears of each folder that exists but cannot be listed. With `once` off, a folder reached by
    two routes is walked along each (static files are published wherever a link puts them); only a link
    cycle stops the walk. `listing` hears of each folder just before it is listed.
    """
    seen: set[str] = set()

    def visit(root: str, chain: tuple[str, ...] = ()) -> Iterator[tuple[Path, list[str], list[str], set[str]]]:
        real_root = os.path.realpath(root)
        if real_root in (seen if once else chain):  # a link cycle, or (once) the same folder by two routes
            return
        seen.add(real_root)
        dirs: list[str] = []
        files: list[str] = []
        links: set[str] = set()
        if listing is not None:
            listing(root)
        try:
            with os.scandir(root) as entries:
                for entry in entries:
                    try:
                        is_dir = entry.is_dir()  # through a link, as os.walk(followlinks=True) sorts them
                    except OSError:
                        is_dir = False
                    (dirs if is_dir else files).append(entry.name)
                    if entry.is_symlink():
                        links.add(entry.name)
        except OSError as e:  # gone, or not a folder: nothing to walk, as with os.walk; unreadable: say so
            if unreadable is not None and os.path.isdir(root):
                unreadable(Path(root), e)
            return
        dirs.sort()
        files.sort()
        folder = Path(root)
        yield folder, dirs, files, links
        for d in dirs:
            if not d.startswith(".") and (d not in links or is_followable(folder / d, allowed)):
                yield from visit(os.path.join(root, d), (*chain, real_root))

    yield from visit(os.fspath(top))


def link_problems(site_dir: Path, only: frozenset[Path] | None = None) -> list[Problem]:
    """Report what the build must not silently skip or read in content/, templates/ or static/: a link that
    leads outside the site, into .git or nowhere; a FIFO, socket or device; a folder or file it cannot read.

    `only`: just these paths (the files a watcher saw change; the others were checked before).
    """
    allowed = allowed_roots(site_dir)
    if only is not None:
        return [p for path in sorted(only) if path.name[:1] != "." and (p := _entry_problem(path, allowed, True))]
    problems: list[Problem] = []

    def unreadable(folder: Path, e: OSError) -> None:
        problems.append(Problem(folder, None, f"cannot read this folder ({e.strerror}); its files would be left out"))

    for name in SOURCE_FOLDERS:
        top = site_dir / name
        for root, dirs, files, links in walk_confined(top, allowed, unreadable):
            folder = os.fspath(root)  # each entry's path as a string: a Path is made only for a problem
            for entry in sorted(dirs + files):
                if not entry.startswith(".") and (
                    problem := _entry_problem(os.path.join(folder, entry), allowed, entry in links)
                ):
                    problems.append(problem)
    return problems


def _entry_problem(path: Path | str, allowed: tuple[Path, ...], link: bool) -> Problem | None:
    if link and not is_followable(Path(path), allowed):
        return _link_problem(Path(path), allowed)
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return None  # gone since it was listed
    if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
        return Problem(Path(path), None, "not a regular file (a FIFO, socket or device); it is not read; remove it")
    if stat.S_ISREG(mode) and not os.access(path, os.R_OK):
        return Problem(Path(path), None, "cannot read this file (permission denied)")
    return None


def _link_problem(path: Path, allowed: tuple[Path, ...]) -> Problem:
    target = os.path.realpath(path)
    if not os.path.exists(target):
        return Problem(path, None, f"symbolic link to {os.readlink(path)} leads nowhere; remove it")
    if any(is_within(target, root) for root in allowed):
        return Problem(path, None, f"symbolic link leads into a .git folder (to {target}); it is not followed")
    return Problem(path, None, f"symbolic link leads outside the site (to {target}); it is not followed")
