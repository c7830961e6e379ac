"""The Article type: one story, every field typed, each declared once with what changing it does to the site.

A field is structural unless its declaration says otherwise: changing it (its URL, date, section…) makes the
next build plan the site again. Only a field marked EDITED_IN_PLACE lets the last plan be edited instead, so a
new field is safe until someone shows it only changes what pages show of the story. A field's front-matter key
is its name, unless it declares another (`author` for `authors`) or none (DERIVED: the loader works it out).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import datetime
from pathlib import Path
from typing import Any

from broadsheet import urls
from broadsheet.frozen import FrozenDict, held_elsewhere
from broadsheet.load.live import Update

EDITED_IN_PLACE = {"in_place": True}  # changing it changes only what pages show of the story, not where it goes
DERIVED = {"key": None}  # not a front-matter key: the loader works it out (from the file, the body, the config)


def key(name: str) -> dict[str, str]:
    """Declare the front-matter key a field is read from, when it is not the field's own name."""
    return {"key": name}


@dataclass(frozen=True, slots=True)
class Correction:
    """A dated correction the newsroom appended to a published story."""

    date: datetime  # aware
    text: str


class Extra(FrozenDict):
    """Free-form keys a template reads (front matter's unknown keys, site.toml's [params]): a missing one is
    falsy in a template (render/jinja.py), as a theme must work for stories without a site's own keys."""

    @classmethod
    def of(cls, value: Any) -> Any:
        """Return value with every table in it, nested ones too, as an Extra."""
        return cls({k: cls.of(v) for k, v in value.items()}) if isinstance(value, dict) else value


@dataclass(frozen=True, slots=True)
class Article:
    """One story, with every front-matter field checked and typed."""

    path: Path = field(metadata=DERIVED)  # the source file
    title: str = field(metadata=EDITED_IN_PLACE)
    section: str  # the configured section name
    section_slug: str = field(metadata=DERIVED)
    authors: tuple[str, ...] = field(metadata=key("author"))
    date: datetime  # aware
    slug: str
    url: str = field(metadata=DERIVED)
    body_html: str = field(metadata=DERIVED | EDITED_IN_PLACE)
    # As written, else the body's first paragraph (for lists, feeds and descriptions).
    summary: str = field(metadata=EDITED_IN_PLACE)
    updated: datetime | None = None
    tags: tuple[str, ...] = ()
    image: str | None = None
    image_caption: str | None = field(default=None, metadata=EDITED_IN_PLACE)
    image_alt: str | None = field(default=None, metadata=EDITED_IN_PLACE)
    source: str | None = field(default=None, metadata=EDITED_IN_PLACE)
    draft: bool = False
    corrections: tuple[Correction, ...] = ()  # oldest first
    aliases: tuple[str, ...] = ()  # old URLs of the story, each redirected to `url`
    image_credit: str | None = field(default=None, metadata=EDITED_IN_PLACE)  # who made the lead image
    # The site images the body shows (load/figures.py), resized like the lead.
    body_images: tuple[str, ...] = field(default=(), metadata=DERIVED)
    live: bool = False  # a live blog (load/live.py) until `live_until`, if it has one
    live_until: datetime | None = None
    updates: tuple[Update, ...] = field(default=(), metadata=DERIVED)  # a live blog's updates, newest first
    featured: bool = False  # the newest live featured story leads the front page
    priority: int = 0  # orders the front page's top stories: higher first, then newest first
    expires: datetime | None = None  # aware; from this instant the story appears nowhere, as a draft
    breaking: datetime | None = None  # aware; until this instant the story is the site-wide breaking-news banner
    # False: for subscribers only (JSON-LD isAccessibleForFree, and the body's paywall class).
    free: bool = field(default=True, metadata=EDITED_IN_PLACE)
    # Slugs of the stories its "Related" aside shows, instead of the ranking.
    related: tuple[str, ...] = field(default=(), metadata=EDITED_IN_PLACE)
    lang: str = ""  # the story's language, a code such as "pa": its edition's (load/languages.py)
    # The URL folder of that edition: "" for the site's own language, else the code.
    folder: str = field(default="", metadata=DERIVED)  # the URL folder of its edition
    translation_key: str | None = None  # links the versions of one story across editions
    # Where the front matter gives it, for the error naming two versions.
    translation_line: int | None = field(default=None, metadata=DERIVED | EDITED_IN_PLACE)
    extra: Extra = field(default_factory=lambda: Extra(), compare=False, metadata=DERIVED | EDITED_IN_PLACE)
    # The summary as written: a summary drawn from the body is not shown twice.
    standfirst: str | None = field(default=None, metadata=DERIVED | EDITED_IN_PLACE)

    @property
    def edition(self) -> str:
        """The URL folder of its edition, by the name templates written before `folder` use."""
        return self.folder

    @property
    def section_url(self) -> str:
        return urls.section(self.section_slug, folder=self.folder)

    @property
    def author_links(self) -> tuple[tuple[str, str], ...]:
        """Return (name, author page URL) for each byline name, by its own spelling (site.author_url(name) also
        follows data/authors.toml's other spellings to the profile's page)."""
        return tuple((name, urls.author(urls.slugify(name), folder=self.folder)) for name in self.authors)

    @property
    def tag_links(self) -> tuple[tuple[str, str], ...]:
        return tuple((name, urls.tag(urls.slugify(name), folder=self.folder)) for name in self.tags)

    @property
    def modified(self) -> datetime:
        """Return when the story last changed: `updated`, else `date`, or a later correction."""
        return max([self.updated or self.date, *(c.date for c in self.corrections)], key=datetime.timestamp)


# A story's body is most of its weight and is read only by the pages that show it: the cache keeps it apart
# (incremental/bodies.py) and a story read back from there fetches it when a page first reads it. Its file name
# is kept as a string, made a Path when first read.
held_elsewhere(Article, "body_html", "path")


def shape_fields(cls: type = Article) -> tuple[str, ...]:
    """Name the fields that decide a story's place in the site: every field not marked EDITED_IN_PLACE."""
    return tuple(f.name for f in fields(cls) if not f.metadata.get("in_place", False))


def front_matter_keys(cls: type = Article) -> tuple[str, ...]:
    """Name the front-matter keys the fields are read from (a DERIVED field has none)."""
    return tuple(k for f in fields(cls) if (k := f.metadata.get("key", f.name)) is not None)
