"""Sitemaps (sitemaps.org 0.9), the Google News sitemap and robots.txt, described for the page plan (pure)."""

from __future__ import annotations

import operator
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

from markupsafe import escape

from broadsheet import urls
from broadsheet.load.article import Article
from broadsheet.load.config import Config
from broadsheet.model.site import Paper
from broadsheet.plan.feeds import rfc3339, xml_text
from broadsheet.plan.page import Page, View

MAX_URLS = 50_000  # per file, by the sitemaps.org protocol
MAX_BYTES = 50 * 1024 * 1024  # 52,428,800 bytes uncompressed, by the same protocol
NEWS_MAX_URLS = 1_000  # per file, by Google News
NEWS_WINDOW = timedelta(hours=48)
HTML_KINDS = (
    "home",
    "section",
    "article",
    "page",
    "author",
    "authors",
    "tag",
    "tags",
    "archive",
    "archives",
)  # the pages worth indexing
# Bytes reserved per file for the XML declaration and the root element, and per entry for the markup
# around its values: generous, so that a theme's indentation cannot push a file past the limit.
_ENVELOPE = 1024
_ENTRY_MARKUP = 128
_NEWS_MARKUP = 512

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class SitemapEntry:
    """A <url> of a sitemap, or a <sitemap> of an index."""

    loc: str  # absolute
    lastmod: str | None  # W3C datetime, or None when nothing dates the page
    alternates: tuple = ()  # its versions in other editions (plan.editions.Alternate), as xhtml:link


@dataclass(frozen=True, slots=True)
class NewsEntry:
    """A <url> of the Google News sitemap."""

    loc: str
    publication: str  # the site's title
    language: str  # ISO 639, as Google News wants it
    published: str
    title: str


@dataclass(frozen=True, slots=True, kw_only=True)
class EntriesView(View):
    """A sitemap, a part of one, their index, or a news sitemap: its entries, in order."""

    entries: tuple  # of SitemapEntry (a sitemap, an index) or NewsEntry (a news sitemap)


@dataclass(frozen=True, slots=True, kw_only=True)
class RobotsView(View):
    """robots.txt: the sitemaps it names, and the browser editor's path it keeps crawlers out of."""

    sitemaps: tuple[str, ...]  # absolute
    admin: str | None  # None: the site has no [cms]


@dataclass(frozen=True, slots=True)
class XmlFile:
    """One file to plan as a page: its URL, template and view."""

    url: str
    template: str
    view: EntriesView | RobotsView


class Modified:
    """When each story of a paper last changed (Article.modified), worked out once for the sitemap's 127,000 pages
    at 100,000 stories, which name most stories several times."""

    def __init__(self, site: Paper):
        self.site = site
        # Each with its instant as a number first: two aware datetimes compare by their offsets, each time.
        self.when = {id(a): ((m := a.modified).timestamp(), m) for a in site.articles}
        self._newest: datetime | None = None

    def of(self, articles: Sequence[Article]) -> datetime:
        """The newest of these stories' last changes (the first of equal instants)."""
        try:
            return max(map(self.when.__getitem__, map(id, articles)), key=_instant)[1]
        except KeyError:  # a story the paper does not list
            return max(a.modified for a in articles)

    def page(self, page: Page) -> datetime | None:
        """When a page last changed: its story's `updated`/`date`, or the newest story it lists."""
        if page.kind == "article":
            return self.of(page.articles[:1])
        if page.articles:
            return self.of(page.articles)
        if page.kind in ("authors", "tags", "archives") and self.site.articles:
            if self._newest is None:  # their counts change with every story
                self._newest = self.of(self.site.articles)
            return self._newest
        return None


_instant = operator.itemgetter(0)


def sitemap_entries(pages: Sequence[Page], site: Paper) -> list[SitemapEntry]:
    """List every public HTML page with its lastmod: the stories from the oldest, then the rest in plan order.

    A new story is then added at the end, beside the lists that move with it, so a sitemap split into parts
    changes in its last part only: the parts that hold the archive keep their bytes.
    """
    config = site.config
    entries = []
    modified, stamps = Modified(site), {}
    stories = sorted((p for p in pages if p.kind == "article"), key=lambda p: (p.view.article.date.timestamp(), p.url))
    for page in [*stories, *(p for p in pages if p.kind != "article")]:
        if page.kind in HTML_KINDS:
            when = modified.page(page)
            if when is not None and id(when) not in stamps:
                stamps[id(when)] = rfc3339(when, config)
            entries.append(
                SitemapEntry(
                    urls.absolute(config.base_url, page.url),
                    stamps[id(when)] if when else None,
                    page.view.alternates or (),
                )
            )
    return entries


def entry_size(entry: SitemapEntry) -> int:
    """Bound the bytes one entry takes in a sitemap file, from above."""
    return (
        len(str(escape(entry.loc)).encode())
        + len(entry.lastmod or "")
        + _ENTRY_MARKUP
        + sum(len(str(escape(a.href)).encode()) + len(a.hreflang) + _ENTRY_MARKUP for a in entry.alternates)
    )


def news_entry_size(entry: NewsEntry) -> int:
    return sum(len(str(escape(v)).encode()) for v in (entry.loc, entry.publication, entry.title)) + _NEWS_MARKUP


def split_entries(entries: Sequence[T], max_urls: int, max_bytes: int, size: Callable[[T], int]) -> list[tuple[T, ...]]:
    """Cut entries, in order, into runs that each fit one file; there is always at least one run."""
    runs: list[tuple[T, ...]] = []
    current: list[T] = []
    used = _ENVELOPE
    for entry in entries:
        n = size(entry)
        if current and (len(current) >= max_urls or used + n > max_bytes):
            runs.append(tuple(current))
            current, used = [], _ENVELOPE
        current.append(entry)
        used += n
    runs.append(tuple(current))
    return runs


def split_files(
    runs: list[tuple[Any, ...]],
    template: str,
    url_for: Callable[[int], str],
    lastmod_of: Callable[[Any], str | None],
    base_url: str,
) -> list[XmlFile]:
    """Plan one file for a single run, or numbered parts under an index at the unnumbered URL."""
    if len(runs) == 1:
        return [XmlFile(url_for(0), template, EntriesView(entries=runs[0]))]
    parts = [XmlFile(url_for(n), template, EntriesView(entries=run)) for n, run in enumerate(runs, 1)]
    index = tuple(
        SitemapEntry(
            urls.absolute(base_url, part.url),
            max((m for e in run if (m := lastmod_of(e))), key=datetime.fromisoformat, default=None),
        )
        for part, run in zip(parts, runs)
    )
    return [XmlFile(url_for(0), "sitemap-index.xml", EntriesView(entries=index)), *parts]


def plan_sitemap(
    pages: Sequence[Page], site: Paper, max_urls: int = MAX_URLS, max_bytes: int = MAX_BYTES
) -> list[XmlFile]:
    """Plan /sitemap.xml, split into /sitemap-N.xml parts under an index when it is too big for one file."""
    runs = split_entries(sitemap_entries(pages, site), max_urls, max_bytes, entry_size)
    return split_files(runs, "sitemap.xml", urls.sitemap, lambda e: e.lastmod, site.config.base_url)


def news_language(language: str) -> str:
    """Give the ISO 639 code Google News wants: 'en-CA' -> 'en', but 'zh-cn' and 'zh-tw' stay whole."""
    tag = language.strip().lower().replace("_", "-")
    return tag if tag in ("zh-cn", "zh-tw") else tag.split("-")[0]


def news_entries(site: Paper) -> list[NewsEntry]:
    """List the stories published in the 48 hours up to now, newest first."""
    config = site.config
    now = site.now.timestamp()  # instants: arithmetic on a zone's wall clock would stretch a DST night
    since = now - NEWS_WINDOW.total_seconds()
    return [
        NewsEntry(
            loc=urls.absolute(config.base_url, a.url),
            publication=xml_text((config.edition_of(a.lang) or config).title),
            language=news_language(a.lang or config.language),
            published=rfc3339(a.date, config),
            title=xml_text(a.title),
        )
        for a in site.articles
        if since <= a.date.timestamp() <= now  # --future may let later stories onto pages, never into the news sitemap
    ]


def plan_news_sitemap(site: Paper, max_urls: int = NEWS_MAX_URLS) -> list[XmlFile]:
    """Plan /news-sitemap.xml (written even when empty), split under an index past 1,000 stories."""
    runs = split_entries(news_entries(site), max_urls, MAX_BYTES, news_entry_size)
    return split_files(runs, "news-sitemap.xml", urls.news_sitemap, lambda e: e.published, site.config.base_url)


def plan_robots(config: Config) -> XmlFile:
    """Plan /robots.txt: allow everything but the browser editor (/admin/, with [cms]) and name both sitemaps."""
    sitemaps = (urls.absolute(config.base_url, urls.sitemap()), urls.absolute(config.base_url, urls.news_sitemap()))
    admin = urls.base_path(config.base_url) + urls.admin() if config.cms is not None else None
    return XmlFile(urls.robots(), "robots.txt", RobotsView(sitemaps=sitemaps, admin=admin))
