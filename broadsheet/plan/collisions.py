"""The URL space has one owner per path: two outputs at one path, or a file where another needs a folder, are errors.

Whatever made them (a story, a section, a byline, a tag, a built-in page, a feed, a static file, the search
index), every output is named by its source, so a collision names both.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from broadsheet.errors import Problem
from broadsheet.guard import RESERVED_OUTPUT, OutsideFolder, confined_name
from broadsheet.plan.page import Page
from broadsheet.plan.views import ArticleView, ListView, StandaloneView

NAME_MAX = 255  # bytes in one file or folder name, on every common file system

BUILT_IN = {
    "home": "the home page",
    "authors": "the list of authors",
    "tags": "the list of topics",
    "archives": "the archive",
    "archive": "a month of the archive",
    "search": "the search page",
    "404": "the not-found page",
    "sitemap": "the sitemap",
    "news-sitemap": "the news sitemap",
    "robots": "robots.txt",
}


def owner_of(page: Page, config_path: Path) -> tuple[str, Path]:
    """Describe what makes a page, and the file to blame for it."""
    view, kind = page.view, page.kind
    if kind == "page" and isinstance(view, StandaloneView):
        return f"the page {view.standalone.path.name}", view.standalone.path
    if kind == "article" and isinstance(view, ArticleView):
        return f"the story {view.article.path.name}", view.article.path
    if kind in ("section", "author", "tag") and isinstance(view, ListView):
        group = view.group
        if kind == "section" or not group.articles:
            return f"the section {group.name!r} (site.toml)", config_path
        return f"the {kind} {group.name!r} (named in {group.articles[0].path.name})", group.articles[0].path
    return BUILT_IN.get(page.kind, f"the {page.kind} {page.url}"), config_path


def output_collisions(
    pages: tuple[Page, ...],
    static: Mapping[str, Path],
    folders: Mapping[str, str],
    config_path: Path,
    reserved: tuple[str, ...] = RESERVED_OUTPUT,
) -> list[Problem]:
    """Every pair of outputs that would take one path, or a file where another output needs a folder, and
    every page the output guard refuses (outside the folder, or onto a name kept there: `reserved`).

    `static`: the static files by output path (a static file on a page is reported by static_collisions;
    a site's own static CNAME replaces the old one); `folders`: folders the build fills itself (the search
    index), with who fills them.
    """
    # Who owns each path: a page, described (owner_of) only when it is reported, or (what, file) for the rest.
    owners: dict[str, Page | tuple[str, Path]] = {}
    problems: list[Problem] = []
    lines = {p.view.standalone.path: p.view.standalone.line for p in pages if isinstance(p.view, StandaloneView)}

    def described(owner: Page | tuple[str, Path]) -> tuple[str, Path]:
        return owner_of(owner, config_path) if isinstance(owner, Page) else owner

    def clash(first: Page | tuple[str, Path], second: Page | tuple[str, Path], message: str) -> None:
        # A standalone page is the easiest to rename: blame it, at the line that decides its URL.
        first, second = described(first), described(second)
        blame = next((p for _, p in (second, first) if p in lines), None)
        blame = blame or next((p for _, p in (first, second) if p != config_path), config_path)
        problems.append(Problem(blame, lines.get(blame), message.format(first[0], second[0]) + "; rename one of them"))

    for page in pages:
        path = page.output_path
        try:
            confined_name(path, reserved=reserved)
        except OutsideFolder as e:
            what, blame = owner_of(page, config_path)
            problems.append(Problem(blame, lines.get(blame), f"{what} would write /{path}: {e.reason}"))
        if (other := owners.setdefault(path, page)) is not page:
            clash(other, page, f"two outputs at /{escaped(path)}: {{}} and {{}}")
    for rel, src in static.items():
        owners.setdefault(rel, (f"the static file /{rel}", src))
    for folder, who in folders.items():
        for rel, owner in owners.items():
            if rel == folder or rel.startswith(folder + "/"):
                clash(
                    owner, (who, config_path), f"{{}} would write /{escaped(rel)}, inside /{folder}/, which {{}} fills"
                )
    for rel, owner in owners.items():  # a character is at most 4 bytes: most paths are too short to look at
        if (
            len(rel) * 4 > NAME_MAX
            and (longest := max(len(part.encode("utf-8", "surrogateescape")) for part in rel.split("/"))) > NAME_MAX
        ):
            what, blame = described(owner)
            problems.append(
                Problem(
                    blame,
                    None,
                    f"{what} would write a file or folder named with {longest} "
                    f"bytes, more than the {NAME_MAX} a file system allows; shorten the name",
                )
            )
        parent = rel.rpartition("/")[0]
        while parent:
            if (other := owners.get(parent)) is not None:
                clash(
                    other,
                    owner,
                    f"/{escaped(parent)} would be both a file, from {{}}, and the folder of /{escaped(rel)}, from {{}}",
                )
            parent = parent.rpartition("/")[0]
    return problems


def escaped(path: str) -> str:
    """A path, safe inside a message that is formatted again (with the owners' descriptions)."""
    return path.replace("{", "{{").replace("}", "}}")
