"""What search engines and social networks read in a page's <head>: canonical, Open Graph, Twitter, JSON-LD (pure)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from broadsheet import urls
from broadsheet.load.article import Article
from broadsheet.load.config import Config
from broadsheet.model.site import Edition
from broadsheet.plan.cards import card_url
from broadsheet.plan.feeds import FeedLink, feed_links, rfc3339
from broadsheet.plan.live import live_jsonld
from broadsheet.plan.page import Page
from broadsheet.plan.views import ArticleView, AuthorView, SectionView

SCHEMA = "https://schema.org"
PAYWALL_CLASS = "paywall"  # article.html puts it on the body of a story with `free: false`


@dataclass(frozen=True, slots=True)
class ArticleMeta:
    """The Open Graph article:* properties."""

    published: str
    modified: str
    section: str
    authors: tuple[str, ...]  # absolute author-page URLs, as Open Graph wants profiles
    tags: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PageMeta:
    """Everything partials/meta.html writes besides the description, which the page templates word."""

    canonical: str  # absolute
    title: str  # og:title
    type: str  # og:type: article or website
    image: str | None  # absolute
    image_alt: str | None
    card: str  # twitter:card
    feeds: tuple[FeedLink, ...]
    article: ArticleMeta | None
    jsonld: tuple[dict[str, Any], ...]  # beside the article's NewsArticle: breadcrumbs, WebSite
    noindex: bool = False


def publisher_jsonld(config: Config) -> dict[str, Any]:
    """Return the publication as a schema.org NewsMediaOrganization, with its logo and the standalone pages
    site.toml's [transparency] maps to its properties (ethicsPolicy…), when configured."""
    data: dict[str, Any] = {
        "@type": "NewsMediaOrganization",
        "name": config.title,
        "url": urls.absolute(config.base_url, "/"),
    }
    if config.logo:
        data["logo"] = {"@type": "ImageObject", "url": urls.resolve(config.base_url, "/", config.logo)}
    for prop, slug in config.transparency:
        data[prop] = urls.absolute(config.base_url, urls.standalone(slug))
    return data


def person_jsonld(name: str, site: Edition) -> dict[str, Any]:
    """Return a byline as a schema.org Person: its author page, and its profile's photo and links elsewhere."""
    base = site.config.base_url
    data: dict[str, Any] = {"@type": "Person", "name": name, "url": urls.absolute(base, site.author_url(name))}
    profile = site.profiles.of(name)
    profile = profile.in_language(site.config.language) if profile is not None else None  # jobTitle in its words
    if profile is not None and profile.photo:
        data["image"] = urls.resolve(base, "/", profile.photo)
    if profile is not None and profile.links:
        data["sameAs"] = list(profile.links)
    if profile is not None and profile.role:
        data["jobTitle"] = profile.role
    return data


def website_jsonld(config: Config) -> dict[str, Any]:
    """Return the schema.org WebSite for the front page."""
    return {
        "@context": SCHEMA,
        "@type": "WebSite",
        "name": config.title,
        "url": urls.absolute(config.base_url, urls.home(config.folder)),
        "inLanguage": config.language,
        "publisher": publisher_jsonld(config),
    }


def breadcrumbs_jsonld(config: Config, trail: list[tuple[str, str]]) -> dict[str, Any]:
    """Return a schema.org BreadcrumbList for (name, site URL) steps from the front page down."""
    return {
        "@context": SCHEMA,
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": n, "name": name, "item": urls.absolute(config.base_url, url)}
            for n, (name, url) in enumerate(trail, 1)
        ],
    }


def page_jsonld(page: Page, site: Edition) -> dict[str, Any]:
    """Return the schema.org NewsArticle of a story's page (a LiveBlogPosting too while it is a live blog)."""
    view = page.view
    assert isinstance(view, ArticleView)
    data = article_jsonld(view.article, site.config, site)
    return live_jsonld(view.article, site.config, data) if view.live_feed is not None else data


def article_jsonld(article: Article, config: Config, site: Edition) -> dict[str, Any]:
    """Return the schema.org NewsArticle for an article page."""
    url = urls.absolute(config.base_url, article.url)
    data: dict[str, Any] = {
        "@context": SCHEMA,
        "@type": "NewsArticle",
        "headline": article.title,
        "articleSection": article.section,
        "author": [person_jsonld(name, site) for name in article.authors]
        or [{"@type": "Organization", "name": article.source}],  # wire copy with only its agency
        "datePublished": rfc3339(article.date, config),
        "dateModified": rfc3339(article.modified, config),
        "url": url,
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "description": article.summary,
        "inLanguage": article.lang or config.language,
        "publisher": publisher_jsonld(config),
    }
    if article.tags:
        data["keywords"] = list(article.tags)
    if image := article_image(article, config):
        credit = article.image_credit
        data["image"] = [
            {"@type": "ImageObject", "url": image, "contentUrl": image, "creditText": credit} if credit else image
        ]
    elif config.logo:  # Google wants an image for every NewsArticle: the paper's logo stands in
        data["image"] = [urls.resolve(config.base_url, "/", config.logo)]
    elif drawn := card_url(article, config):  # no logo either: the paper's card, drawn
        data["image"] = [urls.absolute(config.base_url, drawn)]
    if article.source:
        data["sourceOrganization"] = {"@type": "Organization", "name": article.source}
    if not article.free:  # how Google tells a paywall from cloaking: the selector of the subscribers' part
        data["isAccessibleForFree"] = False
        data["hasPart"] = {"@type": "WebPageElement", "isAccessibleForFree": False, "cssSelector": f".{PAYWALL_CLASS}"}
    if article.corrections:
        data["correction"] = [
            {"@type": "CorrectionComment", "text": c.text, "datePublished": rfc3339(c.date, config)}
            for c in article.corrections
        ]
    return data


def article_image(article: Article, config: Config) -> str | None:
    return urls.resolve(config.base_url, article.url, article.image) if article.image else None


def page_meta(page: Page, site: Edition) -> PageMeta:
    """Describe an HTML page for search engines, social networks and feed readers."""
    config = site.config
    view = page.view
    article = view.article if page.kind == "article" and isinstance(view, ArticleView) else None
    section = view.section if isinstance(view, SectionView | ArticleView) else None
    author = view.author if isinstance(view, AuthorView) else None
    home = (config.title, urls.home(site.folder))
    jsonld: list[dict[str, Any]] = []
    image, image_alt, og_article = None, None, None
    if article is not None:
        image = article_image(article, config)
        image_alt = (article.image_alt or article.image_caption or article.title) if image else None
        og_article = ArticleMeta(
            published=rfc3339(article.date, config),
            modified=rfc3339(article.modified, config),
            section=article.section,
            authors=tuple(urls.absolute(config.base_url, site.author_url(name)) for name in article.authors),
            tags=article.tags,
        )
        jsonld.append(
            breadcrumbs_jsonld(config, [home, (article.section, article.section_url), (article.title, article.url)])
        )
    elif page.kind == "section" and section is not None:
        jsonld.append(breadcrumbs_jsonld(config, [home, (section.name, section.url)]))
    elif page.kind == "home":
        jsonld.append(website_jsonld(config))
    drawn = card_url(article, config) if article is not None else None
    if drawn is not None:  # a story with no picture on a paper with no logo: the paper's card (plan/cards.py)
        image, image_alt = urls.absolute(config.base_url, drawn), config.title
    if image is None and config.logo:  # every page shares with a picture: the story's, else the paper's logo
        image, image_alt = urls.resolve(config.base_url, "/", config.logo), config.title
    return PageMeta(
        canonical=urls.absolute(config.base_url, page.canonical),
        title=article.title if article is not None else page.title,
        type="article" if article is not None else "website",
        image=image,
        image_alt=image_alt,
        # A large card only for a story's own picture: a logo looks wrong stretched across a timeline.
        card="summary_large_image" if article is not None and (article.image or drawn) else "summary",
        feeds=feed_links(site, page.kind, section, author),
        article=og_article,
        jsonld=tuple(jsonld),
        noindex=page.kind in ("404", "search"),
    )
