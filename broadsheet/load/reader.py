"""Reading one story file: its front matter checked field by field, its body converted, into an Article."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from broadsheet import urls
from broadsheet.errors import Problem, did_you_mean
from broadsheet.guard import RESERVED_OUTPUT
from broadsheet.load.aliases import parse_aliases
from broadsheet.load.article import Article, Correction, Extra, front_matter_keys
from broadsheet.load.body import convert_story
from broadsheet.load.config import Config, SectionConfig
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
from broadsheet.load.markdown import MarkdownRenderer, first_paragraph_text
from broadsheet.load.sections import unknown_section

KNOWN_FIELDS = front_matter_keys(Article)
_SLUG_FORBIDDEN = re.compile(r"[/\\\x00-\x1f\x7f%]|\.\.")


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
            f.bad(
                "corrections",
                f"correction {n}: unknown field '{unknown[0]}'{did_you_mean(unknown[0], ['date', 'text'])}",
            )
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
    editorial = read_editorial(f, config, when)
    free = f.flag("free") if fields.get("free", (None, 0))[0] is not None else True  # absent or empty: free

    edition_config, translation_key = read_language(f, config), f.text("translation_key")
    section, slug = read_section(f, section_name, edition_config), read_slug(f, path)
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
        url=urls.article(section.slug, slug, folder=edition_config.folder),
        body_html=body_html,
        summary=summary or first_paragraph_text(body_html),
        updated=updated,
        tags=tags,
        image=image,
        image_caption=image_caption,
        image_alt=image_alt,
        source=source,
        draft=draft,
        corrections=corrections,
        aliases=aliases,
        image_credit=image_credit,
        body_images=body_images(body_html),
        live=live[0],
        live_until=live[1],
        updates=updates,
        featured=editorial.featured,
        priority=editorial.priority,
        expires=editorial.expires,
        breaking=editorial.breaking,
        free=free,
        related=read_related(f),
        lang=edition_config.language,
        folder=edition_config.folder,
        translation_key=translation_key,
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
    return Problem(
        path, line, f"image {src} must be a path on the site, starting with /: did you mean {site_path_hint(src)}?"
    )


def check_after_date(
    f: Fields,
    when: datetime | None,
    updated: datetime | None,
    corrections: tuple[Correction, ...],
    live_until: datetime | None,
) -> None:
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
            f.bad(
                "section", f"'{name}' is the URL slug of the section '{by_slug.name}'; write `section: {by_slug.name}`"
            )
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


@dataclass(frozen=True, slots=True)
class Editorial:
    """Where an editor places a story on the front page, when it is taken down, until when it is breaking."""

    featured: bool
    priority: int  # 0 when absent
    expires: datetime | None
    breaking: datetime | None


def read_editorial(f: Fields, config: Config, when: datetime | None) -> Editorial:
    """Read `featured`, `priority`, `expires` and `breaking`, each checked against the story's date."""
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
    return Editorial(f.flag("featured"), priority, expires, breaking)


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
