"""Articles: find the Markdown files, read their front matter, and check every field."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from broadsheet import urls
from broadsheet.errors import Problem, did_you_mean
from broadsheet.guard import RESERVED_OUTPUT
from broadsheet.load.aliases import parse_aliases
from broadsheet.load.config import Config, SectionConfig
from broadsheet.load.sections import unknown_section
from broadsheet.load.dates import to_datetime
from broadsheet.load.fields import Fields, describe_value
from broadsheet.load.figures import body_images, relative_images, site_path_hint
from broadsheet.load.frontmatter import (
    CONTROLS,
    INVISIBLE_TITLE,
    UNREADABLE,
    clip,
    decode,
    near_misses,
    parse_yaml_fields,
    read_limited,
    split_front_matter,
    visible,
)
from broadsheet.load.languages import read_language
from broadsheet.load.live import Update, render_story
from broadsheet.load.markdown import MarkdownRenderer, MarkdownTimeout, first_paragraph_text, time_limit
from broadsheet.paths import PAGES_FOLDER, allowed_roots, is_followable, walk_confined

MARKDOWN_SUFFIXES = (".md", ".markdown")
KNOWN_FIELDS = (
    "title", "section", "author", "date", "updated", "summary", "tags", "slug",
    "image", "image_caption", "image_alt", "source", "draft", "corrections", "aliases",
    "image_credit", "live", "live_until", "featured", "priority", "expires", "breaking", "free",
    "related", "lang", "translation_key",
)
_SLUG_FORBIDDEN = re.compile(r"[/\\\x00-\x1f\x7f%]|\.\.")


@dataclass(frozen=True, slots=True)
class Correction:
    """A dated correction the newsroom appended to a published story."""

    date: datetime  # aware
    text: str


class Extra(dict):
    """Free-form keys a template reads (front matter's unknown keys, site.toml's [params]): a missing one is
    falsy in a template (render/jinja.py), as a theme must work for stories without a site's own keys."""

    @classmethod
    def of(cls, value: Any) -> Any:
        """Return value with every table in it, nested ones too, as an Extra."""
        return cls({k: cls.of(v) for k, v in value.items()}) if isinstance(value, dict) else value


@dataclass(frozen=True, slots=True)
class Article:
    """One story, with every front-matter field checked and typed."""

    path: Path  # the source file
    title: str
    section: str  # the configured section name
    section_slug: str
    authors: tuple[str, ...]
    date: datetime  # aware
    slug: str
    url: str
    body_html: str
    summary: str  # as written, else the body's first paragraph (for lists, feeds and descriptions)
    updated: datetime | None = None
    tags: tuple[str, ...] = ()
    image: str | None = None
    image_caption: str | None = None
    image_alt: str | None = None
    source: str | None = None
    draft: bool = False
    corrections: tuple[Correction, ...] = ()  # oldest first
    aliases: tuple[str, ...] = ()  # old URLs of the story, each redirected to `url`
    image_credit: str | None = None  # who made the lead image
    body_images: tuple[str, ...] = ()  # the site images the body shows (load/figures.py), resized like the lead
    live: bool = False  # a live blog (load/live.py) until `live_until`, if it has one
    live_until: datetime | None = None
    updates: tuple[Update, ...] = ()  # a live blog's updates, newest first
    featured: bool = False  # the newest live featured story leads the front page
    priority: int = 0  # orders the front page's top stories: higher first, then newest first
    expires: datetime | None = None  # aware; from this instant the story appears nowhere, as a draft
    breaking: datetime | None = None  # aware; until this instant the story is the site-wide breaking-news banner
    free: bool = True  # False: for subscribers only (JSON-LD isAccessibleForFree, and the body's paywall class)
    related: tuple[str, ...] = ()  # slugs of the stories its "Related" aside shows, instead of the ranking
    lang: str = ""  # the story's language, a code such as "pa": its edition's (load/languages.py)
    edition: str = ""  # the URL folder of that edition: "" for the site's own language, else the code
    translation_key: str | None = None  # links the versions of one story across editions
    translation_line: int | None = None  # where the front matter gives it, for the error naming two versions
    extra: dict[str, Any] = field(default_factory=dict, compare=False)
    standfirst: str | None = None  # the summary as written: a summary drawn from the body is not shown twice

    @property
    def section_url(self) -> str:
        return urls.section(self.section_slug, edition=self.edition)

    @property
    def author_links(self) -> tuple[tuple[str, str], ...]:
        """Return (name, author page URL) for each byline name, by its own spelling (site.author_url(name) also
        follows data/authors.toml's other spellings to the profile's page)."""
        return tuple((name, urls.author(urls.slugify(name), edition=self.edition)) for name in self.authors)

    @property
    def tag_links(self) -> tuple[tuple[str, str], ...]:
        return tuple((name, urls.tag(urls.slugify(name), edition=self.edition)) for name in self.tags)

    @property
    def modified(self) -> datetime:
        """Return when the story last changed: `updated`, else `date`, or a later correction."""
        return max([self.updated or self.date, *(c.date for c in self.corrections)], key=datetime.timestamp)


def files_in(folder: Path, suffixes: tuple[str, ...], site_dir: Path) -> list[Path]:
    """List the files directly in folder with one of suffixes, by name, skipping junk and links leaving the site."""
    try:
        names = sorted(p.name for p in folder.iterdir())
    except OSError:
        return []
    allowed = allowed_roots(site_dir)
    return [folder / n for n in names if n.lower().endswith(suffixes) and not is_junk(n)
            and is_followable(folder / n, allowed) and (folder / n).is_file()]


def is_junk(name: str) -> bool:
    """Tell whether a file name is editor or OS litter rather than content."""
    return (
        name.startswith((".", "~"))
        or name.endswith(("~", ".swp", ".swx", ".tmp"))
        or name in ("4913", "Thumbs.db")
    )


def find_markdown(content_dir: Path) -> list[Path]:
    """List the stories' Markdown files under content/ (not content/pages/), in a stable order, skipping junk.

    Symbolic links are followed only while they stay inside the site (paths.link_problems reports
    the others), and a folder reached twice through links is read once.
    """
    found: list[Path] = []
    allowed, pages = allowed_roots(content_dir.parent), content_dir / PAGES_FOLDER
    for root, _dirs, files, links in walk_confined(content_dir, allowed):
        for name in files if not root.is_relative_to(pages) else ():
            if name.lower().endswith(MARKDOWN_SUFFIXES) and not is_junk(name):
                path = root / name
                if name not in links or is_followable(path, allowed):
                    found.append(path)
    return found


def read_corrections(f: Fields, config: Config) -> tuple[Correction, ...]:
    """Read `corrections: [{date, text}, ...]`, oldest first."""
    if "corrections" not in f.fields or f.fields["corrections"][0] is None:
        return ()
    value = f.fields["corrections"][0]
    if not isinstance(value, list):
        f.bad("corrections", f"'corrections' must be a list of {{date, text}} entries, not {describe_value(value)}")
        return ()
    found: list[Correction] = []
    for n, item in enumerate(value, 1):
        if not isinstance(item, dict):
            f.bad("corrections", f"correction {n} must be a mapping with 'date' and 'text', not {describe_value(item)}")
            continue
        if unknown := sorted(str(k) for k in item if k not in ("date", "text")):
            f.bad("corrections", f"correction {n}: unknown field '{unknown[0]}'{did_you_mean(unknown[0], ['date', 'text'])}")
        when = to_datetime(item.get("date"), config)
        text = item.get("text")
        if when is None:
            f.bad("corrections", f"correction {n}: 'date' is missing or not a date: {item.get('date')!r}")
        if not isinstance(text, str) or not text.strip():
            f.bad("corrections", f"correction {n}: 'text' must be non-empty text")
        elif when is not None:
            found.append(Correction(when, text.strip()))
    return tuple(sorted(found, key=lambda c: c.date.timestamp()))


def is_safe_link(url: str) -> bool:
    """Tell whether a front-matter URL is a site path, a relative path or an http(s) URL."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    # urlsplit drops tab and newline the way browsers do, so "java\tscript:" is seen as javascript:.
    return parts.scheme in ("", "http", "https")


def read_article(path: Path, config: Config, renderer: MarkdownRenderer) -> Article | list[Problem]:
    """Read and check one Markdown file."""
    data = read_limited(path, config.max_file_size)
    if isinstance(data, Problem):
        return [data]
    return article_from_bytes(path, data, config, renderer)


def article_from_bytes(path: Path, data: bytes, config: Config, renderer: MarkdownRenderer) -> Article | list[Problem]:
    """Check one Markdown file's bytes, already read within max_file_size."""
    text = decode(path, data)
    if isinstance(text, Problem):
        return [text]
    text = CONTROLS.sub("", text)
    split = split_front_matter(path, text)
    if isinstance(split, Problem):
        return [split]
    fm, body = split
    fields, problems = parse_yaml_fields(path, fm)
    if not fields and problems:
        return problems
    return parse_article(path, fields, body, config, renderer, problems)


def render_body(path: Path, body: str, renderer: MarkdownRenderer) -> str | Problem:
    """Convert a body that is not a live blog within the time limit, turning a failure into a Problem."""
    return convert_story(path, body, renderer, False)[0]  # the HTML, or the one problem


def convert_story(path: Path, body: str, renderer: MarkdownRenderer, live_since: datetime | bool,
                  tz: ZoneInfo | None = None) -> tuple[str, tuple[Update, ...]] | list[Problem]:
    """Convert a story's body, a live blog's text and every update, all within one `markdown_time_limit`.

    A limit per update would let a live blog of many updates run without bound.
    """
    try:
        with time_limit(renderer.time_limit):
            return render_story(path, body, lambda t: convert_part(path, t, renderer), live_since,
                                tz or ZoneInfo("UTC"))
    except MarkdownTimeout as e:
        advice = ("split the live blog, or simplify it (its text and every update share the limit)" if live_since
                  else "simplify the body (long runs of '[' or '<![' do this)")
        return [Problem(path, None, f"Markdown {e} to convert; {advice}")]


def convert_part(path: Path, text: str, renderer: MarkdownRenderer) -> str | Problem:
    """Convert a body or one update, turning a crashing conversion into a Problem (a timeout ends the story)."""
    try:
        return renderer.render(text)
    except MarkdownTimeout:
        raise
    except RecursionError:
        return Problem(path, None, "Markdown body is nested too deeply to convert")
    except Exception as e:  # noqa: BLE001 -- a bug in Python-Markdown must cost one article, not the build's error report
        return Problem(path, None, f"Markdown could not convert the body: {type(e).__name__}: {e}")


def parse_article(
    path: Path,
    fields: dict[str, tuple[Any, int]],
    body: str,
    config: Config,
    renderer: MarkdownRenderer,
    problems: list[Problem],
) -> Article | list[Problem]:
    """Turn checked front-matter fields and a body into an Article."""
    f = Fields(path, fields)
    title = f.text("title", required=True)
    if title is not None and not visible(title):
        f.bad("title", INVISIBLE_TITLE)
    section_name = f.text("section", required=True)
    source = f.text("source")
    authors = f.names("author", required=source is None)  # wire copy may carry only its agency
    when = f.when("date", config, required=True)
    updated, summary = f.when("updated", config), f.text("summary")
    tags, image = f.names("tags"), read_image(f)
    image_caption, image_alt, image_credit = (f.text(k) for k in ("image_caption", "image_alt", "image_credit"))
    draft = f.flag("draft")
    corrections, aliases = read_corrections(f, config), read_aliases(f, config)
    live = f.flag("live"), f.when("live_until", config)
    featured, priority, expires, breaking = read_editorial(f, config, when)
    free = f.flag("free") if fields.get("free", (None, 0))[0] is not None else True  # absent or empty: free

    edition, translation_key = read_language(f, config), f.text("translation_key")
    section, slug = read_section(f, section_name, edition), read_slug(f, path)
    check_after_date(f, when, updated, corrections, live[1])

    problems = problems + near_misses(path, fields, KNOWN_FIELDS) + f.problems
    if problems:
        return problems
    assert title and section and when
    rendered = convert_story(path, body, renderer, live[0] and when, config.timezone)
    if isinstance(rendered, list):
        return rendered
    body_html, updates = rendered
    if relative := relative_images(body_html):
        return [relative_image_problem(path, src) for src in relative]
    return Article(
        path=path,
        title=title,
        section=section.name,
        section_slug=section.slug,
        authors=authors,
        date=when,
        slug=slug,
        url=urls.article(section.slug, slug, edition=edition.edition),
        body_html=body_html, summary=summary or first_paragraph_text(body_html), updated=updated, tags=tags,
        image=image, image_caption=image_caption, image_alt=image_alt, source=source, draft=draft,
        corrections=corrections,
        aliases=aliases, image_credit=image_credit, body_images=body_images(body_html),
        live=live[0], live_until=live[1], updates=updates,
        featured=featured, priority=priority, expires=expires, breaking=breaking, free=free,
        related=read_related(f), lang=edition.language, edition=edition.edition, translation_key=translation_key,
        translation_line=f.line("translation_key") if translation_key else None,
        extra=Extra.of({k: v for k, (v, _) in fields.items() if k not in KNOWN_FIELDS and v is not UNREADABLE}),
        standfirst=summary,
    )


def relative_image_problem(path: Path, src: str) -> Problem:
    """Report a body image given by a path relative to the page, at the line that shows it."""
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        lines = []
    line = next((n for n, text in enumerate(lines, 1) if f"({src}" in text), None)
    return Problem(path, line, f"image {src} must be a path on the site, starting with /: "
                               f"did you mean {site_path_hint(src)}?")


def check_after_date(f: Fields, when: datetime | None, updated: datetime | None,
                     corrections: tuple[Correction, ...], live_until: datetime | None) -> None:
    """Report the instants a story gives that come before its own date."""
    if updated and when and updated.timestamp() < when.timestamp():
        f.bad("updated", "'updated' is before 'date'")
    if when and any(c.date < when for c in corrections):
        f.bad("corrections", "a correction is dated before the story's 'date'")
    if when and live_until and live_until.timestamp() < when.timestamp():
        f.bad("live_until", "'live_until' is before 'date'")


def read_section(f: Fields, name: str | None, config: Config) -> SectionConfig | None:
    """Return the configured section a story names (None: none, or an unknown one, reported)."""
    if name is None:
        return None
    section = config.section_named(name)
    if section is None:
        if (by_slug := config.section_called(name)) is not None:  # its URL slug: the story names it as readers see it
            f.bad("section", f"'{name}' is the URL slug of the section '{by_slug.name}'; write `section: {by_slug.name}`")
        else:
            f.bad("section", unknown_section(config.sections, name))
    return section


def read_slug(f: Fields, path: Path) -> str:
    """Return the story's URL slug: its `slug` field, else its file name."""
    slug_text = f.text("slug")
    if slug_text is not None and _SLUG_FORBIDDEN.search(slug_text):
        f.bad("slug", f"'slug' must be a plain name, not {slug_text!r}")
        slug_text = None
    slug = urls.slugify(slug_text or path.stem)
    if not slug:
        f.bad("slug" if slug_text else "title", f"cannot make a URL from {(slug_text or path.stem)!r}; set a 'slug'")
    return slug


def read_aliases(f: Fields, config: Config) -> tuple[str, ...]:
    """Return the story's old URLs (`aliases: ["/old/path/", ...]`), each reported if it is not a site path."""
    value = f.get("aliases", False)
    if value is None:
        return ()
    aliases, messages = parse_aliases(value, (*RESERVED_OUTPUT, *config.keep))
    for message in messages:
        f.bad("aliases", message)
    return aliases


def read_image(f: Fields) -> str | None:
    """Return the story's lead image: a path on the site or an http(s) URL."""
    image = f.text("image")
    if image is not None and not is_safe_link(image):
        f.bad("image", f"'image' must be a path on the site (/images/x.jpg) or an http(s) URL, not {clip(image)!r}")
    elif image is not None and (hint := site_path_hint(image)):
        f.bad("image", f"'image' must be a path on the site, starting with /: {clip(image)!r} (did you mean {hint}?)")
        return None
    return image


def read_editorial(f: Fields, config: Config,
                   when: datetime | None) -> tuple[bool, int, datetime | None, datetime | None]:
    """Return where an editor places the story on the front page (`featured`, `priority`: 0 when absent), when
    it is taken down (`expires`) and until when it is breaking news (`breaking`)."""
    priority = f.get("priority", False)
    if priority is None:
        priority = 0
    elif isinstance(priority, bool) or not isinstance(priority, int):
        f.bad("priority", f"'priority' must be a whole number (higher comes first), not {describe_value(priority)}")
        priority = 0
    expires = f.when("expires", config)
    if expires and when and expires.timestamp() <= when.timestamp():
        f.bad("expires", "'expires' must be after 'date': the story would never be shown")
    breaking = f.when("breaking", config)
    if breaking and when and breaking.timestamp() <= when.timestamp():
        f.bad("breaking", "'breaking' must be after 'date': the banner would never be shown")
    return f.flag("featured"), priority, expires, breaking


def read_related(f: Fields) -> tuple[str, ...]:
    """Return the slugs `related: [slug, …]` names (load/sources.py checks that each is a story's)."""
    value = f.get("related", False)
    if value is None:
        return ()
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(i, str) and i.strip() for i in items):
        f.bad("related", f"'related' must be a list of story slugs, not {describe_value(value)}")
        return ()
    return tuple(dict.fromkeys(urls.slugify(i.strip().strip("/").rpartition("/")[2]) for i in items))
