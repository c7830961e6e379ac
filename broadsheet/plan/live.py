"""Live blogs on the site: their updates feed and their JSON-LD, while they run (pure).

A story with `live: true` is a live blog until `live_until` (model.site.is_live_blog); after it, it is a
plain story: a NewsArticle, with no "Live" mark and no updates feed.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from typing import Any

from broadsheet import urls
from broadsheet.load.article import Article
from broadsheet.load.config import Config
from broadsheet.model.site import Edition, is_live_blog
from broadsheet.plan.feeds import Entry, Feed, Person, absolutize_html, rfc822, rfc3339, xml_text
from broadsheet.plan.page import Page
from broadsheet.plan.views import FeedView

_TAG = re.compile(r"<[^>]+>")


def plan_live_feeds(site: Edition, only: set[str] | None = None) -> list[Page]:
    """Plan an Atom feed of the updates of each running live blog (with `only`, story URLs: just theirs)."""
    return [
        Page(
            urls.live_feed(a.url),
            "updates",
            "feed.xml",
            f"{a.title}: live updates",
            (a,),
            FeedView(feed=updates_feed(a, site.config, site.author_url)),
        )
        for a in site.articles
        if a.live and is_live_blog(a, site.now) and (only is None or a.url in only)
    ]


def updates_feed(article: Article, config: Config, author_url: Callable[[str], str]) -> Feed:
    """Describe a live blog's updates as an Atom feed, newest first, each linking to its anchor."""
    page_url = urls.absolute(config.base_url, article.url)
    self_url = urls.absolute(config.base_url, urls.live_feed(article.url))
    authors = tuple(
        Person(xml_text(name), urls.absolute(config.base_url, author_url(name))) for name in article.authors
    )
    entries = tuple(
        Entry(
            id=urls.tag_uri(config.base_url, u.time.date().isoformat(), f"{article.url}#{u.anchor}"),
            title=xml_text(u.title),
            url=f"{page_url}#{u.anchor}",
            published=rfc3339(u.time, config),
            updated=rfc3339(u.time, config),
            pub_date=rfc822(u.time, config),
            authors=authors,
            categories=(xml_text(article.section),),
            summary=xml_text(plain_text(u.html)),
            content_html=xml_text(absolutize_html(u.html, page_url, config.base_url)),
        )
        for u in article.updates
    )
    newest = max([article.date, *(u.time for u in article.updates)])
    return Feed(
        id=self_url,
        title=xml_text(f"{article.title}: live updates"),
        subtitle=xml_text(article.summary),
        self_url=self_url,
        rss_url=self_url,
        alternate_url=page_url,
        updated=rfc3339(newest, config),
        last_build=rfc822(newest, config),
        language=config.language,
        author=xml_text(config.title),
        logo=urls.resolve(config.base_url, "/", config.logo) if config.logo else None,
        entries=entries,
    )


def live_jsonld(article: Article, config: Config, data: dict[str, Any]) -> dict[str, Any]:
    """Make a story's NewsArticle JSON-LD a LiveBlogPosting: its coverage times and its updates."""
    url = urls.absolute(config.base_url, article.url)
    data = {**data, "@type": "LiveBlogPosting", "coverageStartTime": rfc3339(article.date, config)}
    if article.live_until is not None:
        data["coverageEndTime"] = rfc3339(article.live_until, config)
    data["liveBlogUpdate"] = [
        {
            "@type": "BlogPosting",
            "headline": u.title,
            "datePublished": rfc3339(u.time, config),
            "url": f"{url}#{u.anchor}",
            "articleBody": plain_text(u.html),
        }
        for u in article.updates
    ]
    return data


def plain_text(fragment: str) -> str:
    return " ".join(html.unescape(_TAG.sub(" ", fragment)).split())
