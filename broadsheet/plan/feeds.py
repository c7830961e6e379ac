"""Atom feeds (RFC 4287), site-wide, per section and per author, with RSS 2.0 twins (pure)."""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from html.parser import HTMLParser
from urllib.parse import urljoin

from broadsheet import urls
from broadsheet.load.article import Article
from broadsheet.load.config import Config
from broadsheet.model.site import Author, Edition, Section

FEED_TYPE = "application/atom+xml"
RSS_TYPE = "application/rss+xml"
# Attributes whose value is one URL, and the one whose value is a list of "URL width" candidates.
EMPTY_FEED_UPDATED = datetime(1970, 1, 1, tzinfo=UTC)  # a site with no live story at all
_URL_ATTRS = frozenset({"href", "src", "poster", "cite", "action", "formaction", "data", "longdesc"})
_SRCSET_ATTRS = frozenset({"srcset"})
# XML 1.0 forbids most C0 controls, lone surrogates and U+FFFE/U+FFFF even as character references.
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


@dataclass(frozen=True, slots=True)
class Person:
    name: str
    uri: str  # absolute


@dataclass(frozen=True, slots=True)
class Entry:
    """One story as a feed entry: every string XML-safe, every URL absolute."""

    id: str  # a tag: URI fixed at first publication
    title: str
    url: str
    published: str  # RFC 3339 with an offset
    updated: str
    pub_date: str  # RFC 822, for RSS
    authors: tuple[Person, ...]
    categories: tuple[str, ...]  # the section, then the tags
    summary: str
    content_html: str | None  # None when feed_content = "summary"


@dataclass(frozen=True, slots=True)
class Feed:
    """An Atom feed as the feed.xml template draws it."""

    id: str
    title: str
    subtitle: str
    self_url: str
    rss_url: str  # the RSS 2.0 twin
    alternate_url: str  # the HTML page the feed mirrors
    updated: str
    last_build: str  # `updated` in RFC 822, for RSS
    language: str
    author: str  # the publication; each entry names its own writers
    logo: str | None
    entries: tuple[Entry, ...]
    # `subtitle` as a gettext message and its values, for templates to word in the feed's language; () for
    # a subtitle of the site's own words (a live blog's summary).
    subtitle_message: tuple = ()


@dataclass(frozen=True, slots=True)
class FeedLink:
    """A feed to advertise from an HTML page's <head>."""

    title: str
    url: str  # absolute
    type: str = FEED_TYPE


def xml_text(text: str) -> str:
    """Drop the characters XML 1.0 cannot carry, so a stray control code cannot break a feed."""
    return _NOT_XML.sub("", text)


def rfc3339(when: datetime, config: Config) -> str:
    """Format an aware datetime in the site's zone, to the second, with its offset."""
    return when.astimezone(config.timezone).isoformat(timespec="seconds")


def rfc822(when: datetime, config: Config) -> str:
    """Format an aware datetime the way RSS 2.0 wants: 'Wed, 11 Feb 2026 15:00:00 -0800'."""
    return format_datetime(when.astimezone(config.timezone).replace(microsecond=0))


def entry_id(article: Article, config: Config) -> str:
    """Return the entry's permanent id: host, first-publication day and URL, never the headline."""
    day = article.date.astimezone(config.timezone).date().isoformat()
    return urls.tag_uri(config.base_url, day, article.url)


class _Absolutizer(HTMLParser):
    """Re-emit HTML unchanged except for URL attributes, which are resolved against a page URL."""

    def __init__(self, page_url: str, base_url: str):
        super().__init__(convert_charrefs=False)
        self.page_url = page_url
        self.base_url = base_url
        self.out: list[str] = []

    def join(self, ref: str) -> str:
        # A site path belongs under base_url's own path, which a plain urljoin would drop.
        return urls.absolute(self.base_url, ref) if urls.is_local(ref) else urljoin(self.page_url, ref)

    def resolve(self, name: str, value: str) -> str:
        if name in _SRCSET_ATTRS:
            candidates = []
            for candidate in value.split(","):
                parts = candidate.strip().split(None, 1)
                if parts:
                    parts[0] = self.join(parts[0])
                    candidates.append(" ".join(parts))
            return ", ".join(candidates)
        return self.join(value.strip())

    def tag_text(self, tag: str, attrs: list[tuple[str, str | None]], close: str) -> str:
        raw = self.get_starttag_text() or ""
        if not any(name in _URL_ATTRS or name in _SRCSET_ATTRS for name, _ in attrs):
            return raw  # untouched markup keeps its exact bytes
        parts = [tag]
        for name, value in attrs:
            if value is None:
                parts.append(name)
            else:
                if name in _URL_ATTRS or name in _SRCSET_ATTRS:
                    value = self.resolve(name, value)
                parts.append(f'{name}="{html.escape(value, quote=True)}"')
        return "<" + " ".join(parts) + close

    def handle_starttag(self, tag, attrs):
        self.out.append(self.tag_text(tag, attrs, ">"))

    def handle_startendtag(self, tag, attrs):
        self.out.append(self.tag_text(tag, attrs, " />"))

    def handle_endtag(self, tag):
        self.out.append(f"</{tag}>")

    def handle_data(self, data):
        self.out.append(data)

    def handle_entityref(self, name):
        self.out.append(f"&{name};")

    def handle_charref(self, name):
        self.out.append(f"&#{name};")

    def handle_comment(self, data):
        self.out.append(f"<!--{data}-->")

    def handle_decl(self, decl):
        self.out.append(f"<!{decl}>")

    def handle_pi(self, data):
        self.out.append(f"<?{data}>")

    def unknown_decl(self, data):
        self.out.append(f"<![{data}]>")


@functools.lru_cache(maxsize=8192)  # pure, and every plan would otherwise re-parse each feed entry's body
def absolutize_html(body_html: str, page_url: str, base_url: str) -> str:
    """Rewrite every relative link and image in an HTML fragment against the absolute page_url."""
    parser = _Absolutizer(page_url, base_url)
    parser.feed(body_html)
    parser.close()
    return "".join(parser.out)


def entry_content(article: Article, config: Config) -> str:
    """Return the full story as feed HTML: the lead image, then the body, with absolute URLs."""
    page_url = urls.absolute(config.base_url, article.url)
    parts = []
    if article.image:
        src = html.escape(urls.resolve(config.base_url, article.url, article.image), quote=True)
        alt = html.escape(article.image_alt or "", quote=True)
        caption = f"<figcaption>{html.escape(article.image_caption)}</figcaption>" if article.image_caption else ""
        parts.append(f'<figure><img src="{src}" alt="{alt}" />{caption}</figure>\n')
    parts.append(absolutize_html(article.body_html, page_url, config.base_url))
    for c in article.corrections:
        day = c.date.astimezone(config.timezone).date().isoformat()
        parts.append(f"\n<p><strong>Correction ({day}):</strong> {html.escape(c.text)}</p>")
    return xml_text("".join(parts))


def feed_entry(article: Article, config: Config, author_url: Callable[[str], str]) -> Entry:
    """Describe one story as an Atom entry (`author_url`: Edition.author_url)."""
    return Entry(
        id=entry_id(article, config),
        title=xml_text(article.title),
        url=urls.absolute(config.base_url, article.url),
        published=rfc3339(article.date, config),
        updated=rfc3339(article.modified, config),
        pub_date=rfc822(article.date, config),
        authors=tuple(
            Person(xml_text(name), urls.absolute(config.base_url, author_url(name))) for name in article.authors
        ),
        categories=tuple(xml_text(c) for c in dict.fromkeys((article.section, *article.tags))),
        summary=xml_text(article.summary),
        content_html=entry_content(article, config) if config.feed_content == "full" else None,
    )


def make_feed(
    site: Edition,
    where: tuple[str, str],
    title: str,
    subtitle: tuple,
    page_url: str,
    shown: tuple[Article, ...],
    entries: dict[str, Entry],
) -> Feed:
    """Describe the feed at (Atom URL, RSS URL) holding the stories shown, newest first."""
    config = site.config
    url, rss_url = where
    # An empty feed still needs an `updated`: the first story of its edition, which no later publish or clock
    # changes (the clock would rewrite every empty feed on every build); the epoch on a site with none yet.
    newest = max((a.modified for a in shown), default=site.articles[-1].date if site.articles else EMPTY_FEED_UPDATED)
    return Feed(
        id=urls.absolute(config.base_url, url),
        title=xml_text(title),
        subtitle=xml_text(subtitle[0] % dict(subtitle[1])),
        subtitle_message=(subtitle[0], tuple((k, xml_text(v)) for k, v in subtitle[1])),
        self_url=urls.absolute(config.base_url, url),
        rss_url=urls.absolute(config.base_url, rss_url),
        alternate_url=urls.absolute(config.base_url, page_url),
        updated=rfc3339(newest, config),
        last_build=rfc822(newest, config),
        language=config.language,
        author=xml_text(config.title),
        logo=urls.resolve(config.base_url, "/", config.logo) if config.logo else None,
        entries=tuple(entries[a.url] for a in shown),
    )


def site_feeds(site: Edition, only: set[str] | None = None) -> list[tuple[tuple[str, str], Feed, tuple[Article, ...]]]:
    """List every feed (the whole site, each section, each author) as ((Atom URL, RSS URL), feed, its stories).

    With `only` (story URLs), just the feeds that carry one of those stories.
    """
    title, size, ed = site.config.title, site.config.feed_size, site.folder
    # The subtitles are the theme's messages (templates word them in the feed's language; see Feed).
    wanted = [
        (
            (urls.site_feed(folder=ed), urls.site_feed("rss", ed)),
            title,
            ("Latest news from %(title)s", (("title", title),)),
            urls.home(ed),
            site.articles,
        )
    ]
    wanted += [
        (
            (urls.section_feed(s.slug, folder=ed), urls.section_feed(s.slug, "rss", ed)),
            f"{s.name} | {title}",
            ("The latest %(section)s stories from %(title)s", (("section", s.name), ("title", title))),
            s.url,
            s.articles,
        )
        for s in site.sections
    ]
    wanted += [
        (
            (urls.author_feed(a.slug, folder=ed), urls.author_feed(a.slug, "rss", ed)),
            f"{a.name} | {title}",
            ("Stories by %(name)s for %(title)s", (("name", a.name), ("title", title))),
            a.url,
            a.articles,
        )
        for a in site.authors
    ]
    if only is not None:
        wanted = [w for w in wanted if any(a.url in only for a in w[-1][:size])]
    # A story sits in several feeds; describe it once.
    entries = {a.url: feed_entry(a, site.config, site.author_url) for *_, arts in wanted for a in arts[:size]}
    return [
        (pair, make_feed(site, pair, t, sub, page_url, arts[:size], entries), arts[:size])
        for pair, t, sub, page_url, arts in wanted
    ]


def feed_links(
    site: Edition, kind: str, section: Section | None = None, author: Author | None = None
) -> tuple[FeedLink, ...]:
    """Name the feeds a page advertises: the site's, plus its section's or author's (those of its view)."""
    base, title, ed = site.config.base_url, site.config.title, site.folder
    wanted = [(title, lambda fmt: urls.site_feed(fmt, ed))]
    if kind in ("section", "article") and section is not None:
        wanted.append((f"{section.name} | {title}", lambda fmt: urls.section_feed(section.slug, fmt, ed)))
    if kind == "author" and author is not None:
        wanted.append((f"{author.name} | {title}", lambda fmt: urls.author_feed(author.slug, fmt, ed)))
    if kind in ("section", "author"):  # feed readers subscribe to the first: the page's own
        wanted.reverse()
    atom = [FeedLink(name, urls.absolute(base, url_for("atom"))) for name, url_for in wanted]
    rss = [FeedLink(f"{name} (RSS)", urls.absolute(base, url_for("rss")), RSS_TYPE) for name, url_for in wanted]
    return tuple(atom + rss)
