"""Standalone pages: content/pages/*.md (About, Contact, Ethics policy…), each at /<slug>/, outside every list;
content/pages/<code>/*.md, another edition's, at /<code>/<slug>/."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from broadsheet import urls
from broadsheet.errors import Problem, did_you_mean
from broadsheet.load.article import Extra
from broadsheet.load.body import render_body
from broadsheet.load.config import Config
from broadsheet.load.discovery import find_pages, pages_folder
from broadsheet.load.frontmatter import (
    CONTROLS,
    INVISIBLE_TITLE,
    UNREADABLE,
    decode,
    near_misses,
    parse_yaml_fields,
    read_limited,
    split_front_matter,
    visible,
)
from broadsheet.load.markdown import MarkdownRenderer, first_paragraph_text
from broadsheet.paths import PAGES_FOLDER

PAGE_FIELDS = ("title", "slug", "summary")
_SLUG_FORBIDDEN = re.compile(r"[/\\\x00-\x1f\x7f%]|\.\.")


@dataclass(frozen=True, slots=True)
class StandalonePage:
    """A page that belongs to no section and has no byline or date: About, Contact, a policy."""

    path: Path  # the source file
    title: str
    slug: str
    url: str
    body_html: str
    summary: str
    line: int = 1  # the line that decides the URL (`slug`, else `title`): named when the URL collides
    folder: str = ""  # the URL folder of its edition (content/pages/<code>/): "" for the site's own language
    extra: Extra = field(default_factory=lambda: Extra(), compare=False)

    @property
    def edition(self) -> str:
        """The URL folder of its edition, by the name templates written before `folder` use."""
        return self.folder


def load_pages(content_dir: Path, config: Config) -> tuple[tuple[StandalonePage, ...], list[Problem]]:
    """Read every standalone page, collecting every problem (two pages at one URL among them)."""
    renderer = MarkdownRenderer(sanitize=config.sanitize, time_limit=config.markdown_time_limit)
    pages: list[StandalonePage] = []
    problems: list[Problem] = []
    top = pages_folder(content_dir)
    codes = [e.folder for e in config.languages]
    for path in find_pages(content_dir):
        edition = "" if path.parent == top else path.parent.name
        if path.parent not in (top, top / edition) or (edition and edition not in codes):
            problems.append(Problem(path, None, misplaced(path.relative_to(top).parts[0], codes)))
            continue
        result = read_page(path, config, renderer, edition)
        if isinstance(result, StandalonePage):
            pages.append(result)
        else:
            problems.extend(result)
    by_url: dict[str, StandalonePage] = {}
    for page in pages:
        other = by_url.setdefault(page.url.casefold(), page)
        if other is not page:
            problems.append(Problem(page.path, page.line, f"the page URL {page.url} is also that of {other.path}"))
    return tuple(pages), problems


def misplaced(folder: str, codes: list[str]) -> str:
    """Say why a page in a subfolder of content/pages/ is not published, and where it belongs."""
    editions = (
        (
            f" ({folder}/ is no edition's folder{did_you_mean(folder, codes)}: content/{PAGES_FOLDER}/"
            f"{codes[0]}/ holds the pages of the edition '{codes[0]}')"
        )
        if codes
        else ""
    )
    return (
        f"a page in a subfolder of content/{PAGES_FOLDER}/ is not published{editions}; move it into "
        f"content/{PAGES_FOLDER}/ itself (a page's URL is /<slug>/, whatever folder it is in)"
    )


def read_page(
    path: Path, config: Config, renderer: MarkdownRenderer, edition: str = ""
) -> StandalonePage | list[Problem]:
    """Read and check one standalone page (of `edition`: "" for the site's own language)."""
    data = read_limited(path, config.max_file_size)
    if isinstance(data, Problem):
        return [data]
    return page_from_bytes(path, data, config, renderer, edition)


def page_from_bytes(
    path: Path, data: bytes, config: Config, renderer: MarkdownRenderer, edition: str = ""
) -> StandalonePage | list[Problem]:
    """Check one standalone page's bytes, already read within max_file_size."""
    text = decode(path, data)
    if isinstance(text, Problem):
        return [text]
    split = split_front_matter(path, CONTROLS.sub("", text))
    if isinstance(split, Problem):
        return [split]
    fields, problems = parse_yaml_fields(path, split[0])
    if not fields and problems:
        return problems
    values: dict[str, str | None] = {}
    for key in PAGE_FIELDS:
        value, line = fields.get(key, (None, 1))
        if value is not None and value is not UNREADABLE and (not isinstance(value, str) or not value.strip()):
            problems.append(Problem(path, line, f"'{key}' must be text, not {value!r}; put it in quotes"))
            value = None
        values[key] = value.strip() if isinstance(value, str) else None
    if values["title"] is None and "title" not in fields:
        problems.append(Problem(path, 1, "missing required field 'title'"))
    elif values["title"] is not None and not visible(values["title"]):
        problems.append(Problem(path, fields["title"][1], INVISIBLE_TITLE))
    slug_line = fields.get("slug", fields.get("title", (None, 1)))[1]
    if values["slug"] is not None and _SLUG_FORBIDDEN.search(values["slug"]):
        problems.append(Problem(path, slug_line, f"'slug' must be a plain name, not {values['slug']!r}"))
    slug = urls.slugify(values["slug"] or path.stem)
    if not slug:
        problems.append(
            Problem(path, slug_line, f"cannot make a URL from {(values['slug'] or path.stem)!r}; set a 'slug'")
        )
    problems += near_misses(path, fields, PAGE_FIELDS)
    body_html = render_body(path, split[1], renderer)
    if isinstance(body_html, Problem):
        problems.append(body_html)
    if problems:
        return problems
    assert values["title"] is not None and isinstance(body_html, str)
    return StandalonePage(
        path=path,
        title=values["title"],
        slug=slug,
        url=urls.standalone(slug, edition),
        body_html=body_html,
        summary=values["summary"] or first_paragraph_text(body_html),
        line=slug_line,
        extra=Extra.of({k: v for k, (v, _) in fields.items() if k not in PAGE_FIELDS and v is not UNREADABLE}),
        folder=edition,
    )
