"""Where sources may come from: real paths compared by folder, and symbolic links kept inside the site."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import jinja2

from broadsheet.errors import Problem

SOURCE_FOLDERS = ("content", "templates", "static")
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
    """Tell whether a path (a link or not) leads to something that exists inside an allowed folder."""
    if not path.is_symlink():
        return True
    target = real(path)
    return target.exists() and any(is_within(target, root) for root in allowed)


def walk_confined(top: Path, allowed: tuple[Path, ...]) -> Iterator[tuple[Path, list[str], list[str], set[str]]]:
    """Walk like os.walk, sorted, following links only while they stay inside `allowed`, each real folder once.

    Yields (folder, dirs, files, links): every entry name (dot-folders and outside links included, for
    reporting), and which of them are symbolic links; only the followable, non-dot folders are then entered.
    """
    seen: set[str] = set()

    def visit(root: str) -> Iterator[tuple[Path, list[str], list[str], set[str]]]:
        real_root = os.path.realpath(root)
        if real_root in seen:  # a link cycle, or the same folder by two routes
            return
        seen.add(real_root)
        dirs: list[str] = []
        files: list[str] = []
        links: set[str] = set()
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
        except OSError:  # gone, or not a folder: nothing to walk, as with os.walk
            return
        dirs.sort()
        files.sort()
        folder = Path(root)
        yield folder, dirs, files, links
        for d in dirs:
            if not d.startswith(".") and (d not in links or is_followable(folder / d, allowed)):
                yield from visit(os.path.join(root, d))

    yield from visit(os.fspath(top))


def link_problems(site_dir: Path, only: frozenset[Path] | None = None) -> list[Problem]:
    """Report every symbolic link in content/, templates/ or static/ that leads outside the site or nowhere.

    `only`: just these paths (the files a watcher saw change; the others were checked before).
    """
    allowed = allowed_roots(site_dir)
    if only is not None:
        return [_link_problem(path, allowed) for path in sorted(only)
                if path.name[:1] != "." and path.is_symlink() and not is_followable(path, allowed)]
    problems: list[Problem] = []
    for name in SOURCE_FOLDERS:
        top = site_dir / name
        for root, dirs, files, links in walk_confined(top, allowed):
            for entry in sorted(dirs + files):
                if entry.startswith(".") or entry not in links or is_followable(path := root / entry, allowed):
                    continue
                problems.append(_link_problem(path, allowed))
    return problems


def _link_problem(path: Path, allowed: tuple[Path, ...]) -> Problem:
    target = os.path.realpath(path)
    if not os.path.exists(target):
        return Problem(path, None, f"symbolic link to {os.readlink(path)} leads nowhere; remove it")
    return Problem(path, None, f"symbolic link leads outside the site (to {target}); it is not followed")


class ConfinedLoader(jinja2.FileSystemLoader):
    """A template loader that reads only files whose real path lies inside the templates folder."""

    def __init__(self, searchpath: Path):
        super().__init__(str(searchpath), followlinks=False)
        self.root = real(searchpath)

    def get_source(self, environment: jinja2.Environment, template: str):
        source, filename, uptodate = super().get_source(environment, template)
        if not is_within(filename, self.root):
            raise jinja2.TemplateNotFound(template, f"{template} leads outside the templates folder; not read")
        return source, filename, uptodate

    def list_templates(self) -> list[str]:
        return [name for name in super().list_templates() if is_within(os.path.join(self.root, name), self.root)]
