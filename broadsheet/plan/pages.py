"""Planning the pages: every file the site will have, its template, its view and what it shows (pure)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

from broadsheet import urls
from broadsheet.errors import BuildError
from broadsheet.load.article import Article, Extra
from broadsheet.load.config import Config
from broadsheet.load.pages import StandalonePage
from broadsheet.model.site import Author, Edition, Paper, Section, Tag, earlier, is_live_blog
from broadsheet.plan.admin import plan_admin
from broadsheet.plan.archives import plan_archives
from broadsheet.plan.editions import alternates, editions_of, switch, versions
from broadsheet.plan.feeds import site_feeds
from broadsheet.plan.live import plan_live_feeds
from broadsheet.plan.meta import page_jsonld, page_meta
from broadsheet.plan.page import Derived, Page, Pager, PlainView, Plan, SiteView, paginate, plan_of
from broadsheet.plan.redirects import plan_redirects, redirect_collisions
from broadsheet.plan.regions import FRAGMENT_KIND, LATEST_COUNT, plan_regions
from broadsheet.plan.related import Ranked, related_all, related_index, related_to
from broadsheet.plan.sitemaps import plan_news_sitemap, plan_robots, plan_sitemap
from broadsheet.plan.views import (
    ArticleView,
    AuthorsView,
    AuthorView,
    FeedView,
    HomeView,
    SectionView,
    StandaloneView,
    TagsView,
    TagView,
)

HOME_LATEST = 10
HOME_SECTION_BLOCK = 4
# Fewer top stories than this beside the lead make a thin column: the lead takes the top alone, and those
# stories are in their sections' blocks below it.
HOME_LATEST_MIN = 4


def plan_pages(paper: Paper, ranked: Mapping[str, Ranked] | None = None) -> Plan:
    """Plan every page of the paper, each with its template, its view and the stories it shows (`ranked`: the
    related stories an earlier plan ranked, by edition, which this one may take instead of ranking again)."""
    # Each with its meta (see with_meta), but a fragment, which has no <head>.
    pages = plan_editions(paper, ranked or {})
    pages += plan_machine_readable(paper, pages)
    pages += plan_admin(paper)
    if redirects := plan_redirects(paper):  # a story's old URL says "moved" in the story's language
        views = edition_views(paper)
        pages += [in_edition(p, views[p.view.article.folder]) if p.kind == "redirect" else p for p in redirects]
        if problems := redirect_collisions(pages):
            raise BuildError(problems)
    return plan_of(pages)


def edition_views(paper: Paper) -> dict[str, SiteView]:
    """Return what templates know of each edition, by its URL folder (made once, shared by its pages)."""
    return {e.folder: site_view(e, paper.config) for e in paper.editions}


def in_edition(page: Page, view: SiteView) -> Page:
    """Return the page with `site`, the view of its edition: its words, its language."""
    return replace(page, view=page.view.but(site=view))


def plan_edition(site: Edition, ranked: Ranked | None = None) -> list[Page]:
    """Plan the pages of one edition under its URL folder."""
    config, ed = site.config, site.folder
    pages: list[Page] = [plan_home(site)]
    pages += [p for s in site.sections for p in list_pages("section", s, urls.section, config.per_page, ed)]
    # An edition's stories: related stories are of the story's own edition; both asides are settled lists.
    related = related_all(site, related_index(site), ranked)
    more = {a.url: earlier(s.articles, i, config.more_from) for s in site.sections for i, a in enumerate(s.articles)}
    pages += [plan_article(site, a, more[a.url], related[a.url]) for a in site.articles]
    # Standalone pages: content/pages/ is the default edition's, content/pages/<code>/ that edition's.
    pages += [
        Page(p.url, "page", "page.html", p.title, (), StandaloneView(standalone=p))
        for p in site.pages
        if p.folder == ed
    ]
    pages += plan_live_feeds(site)
    pages.append(
        Page(urls.authors_index(ed), "authors", "authors.html", "Authors", (), AuthorsView(authors=site.authors))
    )
    pages += [p for a in site.authors for p in list_pages("author", a, urls.author, config.per_page, ed)]
    pages.append(Page(urls.tags_index(ed), "tags", "tags.html", "Topics", (), TagsView(tags=site.tags)))
    pages += plan_archives(site)
    pages += [p for t in site.tags for p in list_pages("tag", t, urls.tag, config.per_page, ed)]
    if site.config.search:
        pages.append(Page(urls.search(ed), "search", "search.html", "Search", (), PlainView()))
    pages += plan_regions(site)
    pages.append(Page(urls.not_found(ed), "404", "404.html", "Page not found", (), PlainView()))
    return pages


def list_pages(
    kind: str, group: Section | Author | Tag, url_of: Callable[..., str], per_page: int, folder: str
) -> list[Page]:
    """Plan the pages of a section's, an author's or a topic's list: its front, then its numbered pages."""

    def url(number: int | None) -> str:
        return url_of(group.slug, number, folder)

    return [
        Page(
            url(pager.number),
            kind,
            f"{kind}.html",
            _numbered(group.name, pager),
            pager.items,
            _LIST_VIEWS[kind](pager=pager, **{kind: group}),
        )
        for pager in paginate(group.articles, per_page, url)
    ]


_LIST_VIEWS = {"section": SectionView, "author": AuthorView, "tag": TagView}


def plan_editions(paper: Paper, ranked: Mapping[str, Ranked]) -> list[Page]:
    """Plan every edition's pages, each with its edition's view (`site`) and, but a fragment, its meta; with
    several editions, each page's versions in the others and its language switch."""
    views = edition_views(paper)
    pages = [
        replace(p, view=p.view.but(site=views[e.folder], meta=None if p.kind == FRAGMENT_KIND else META))
        for e in paper.editions
        for p in plan_edition(e, ranked.get(e.folder))
    ]  # in_edition and with_meta at once: one copy of each view
    if len(paper.editions) == 1:
        return pages
    found, switch_only = versions(pages, paper)
    out = []
    for p in pages:
        group = found.get(p.url)
        languages = switch(group or switch_only.get(p.url), p.view.site.language, paper.config)
        versions_of = alternates(group, paper.config) if group else None
        out.append(replace(p, view=p.view.but(languages=languages, alternates=versions_of)))
    return out


def plan_article(
    site: Edition, article: Article, more: tuple[Article, ...] | None = None, related: tuple[Article, ...] | None = None
) -> Page:
    """Plan one story's page (without its meta; see with_meta): its own fields, and the settled lists beside it
    (`more` and `related`, when the caller has made them for every story at once)."""
    more = site.more_from(article) if more is None else more
    related = related_to(article, related_index(site)) if related is None else related
    section = site.section(article.section)
    view = ArticleView(
        article=article,
        section=section,
        more_from=more,
        related=related,
        jsonld=JSONLD,
        # In the plan, so that the page is drawn again when the blog ends.
        live_feed=urls.live_feed(article.url) if is_live_blog(article, site.now) else None,
        # With includes = "static" the live regions are drawn into the page, which changes with them.
        latest_in_section=section.articles[:LATEST_COUNT] if site.config.includes == "static" else None,
    )
    listed = {a.url for a in more}
    shown = (article, *more, *(a for a in related if a.url not in listed))
    return Page(article.url, "article", "article.html", article.title, shown, view)


def with_meta(page: Page) -> Page:
    """Add what search engines, social networks and feed readers read about an HTML page."""
    return replace(page, view=page.view.but(meta=META))


META = Derived("meta", page_meta)
JSONLD = Derived("jsonld", page_jsonld)


def drawn_view(page: Page, paper: Paper) -> dict[str, Any]:
    """The view a template sees: derived values computed for this page of its edition."""
    view = page.view.context()
    if any(type(v) is Derived for v in view.values()):
        site = page.view.site
        edition = paper.edition(site.code) if site is not None else paper.editions[0]
        view = {k: v.value(page, edition) if type(v) is Derived else v for k, v in view.items()}
    return view


def plan_machine_readable(paper: Paper, pages: list[Page]) -> list[Page]:
    """Plan what a newsroom publishes besides pages: feeds, sitemaps and robots.txt."""
    planned = edition_feeds(paper)
    # A sitemap shows no story's fields, only its entries (each page's URL and lastmod, in its view): no headline
    # or body edit reaches it, and the entries say when a story moves a lastmod or a split point.
    planned += [Page(f.url, "sitemap", f.template, "Sitemap", (), f.view) for f in plan_sitemap(pages, paper)]
    planned += plan_news_pages(paper)
    robots = plan_robots(paper.config)
    planned.append(Page(robots.url, "robots", robots.template, "robots.txt", (), robots.view))
    return planned


def edition_feeds(paper: Paper, only: set[str] | None = None) -> list[Page]:
    """Plan each edition's feeds, worded in its language (with `only`, story URLs: just those carrying one)."""
    views = edition_views(paper)
    return [in_edition(p, views[e.folder]) for e in paper.editions for p in plan_feeds(e, only)]


def plan_news_pages(site: Paper) -> list[Page]:
    """Plan the news sitemap: the last 48 hours' stories, their headlines included."""
    return [
        Page(f.url, "news-sitemap", f.template, "News sitemap", site.articles, f.view) for f in plan_news_sitemap(site)
    ]


def plan_feeds(site: Edition, only: set[str] | None = None) -> list[Page]:
    """Plan the Atom and RSS feeds (with `only`, story URLs: just the feeds that carry one of them)."""
    return [
        Page(url, "feed", template, feed.title, shown, FeedView(feed=feed))
        for pair, feed, shown in site_feeds(site, only)
        for url, template in zip(pair, ("feed.xml", "rss.xml"))
    ]


def plan_home(site: Edition) -> Page:
    """Plan the front page: the lead, the top stories beside it, and a block per section without the lead."""
    lead = next((a for a in site.articles if a.featured), site.articles[0] if site.articles else None)
    others = [a for a in site.articles if a is not lead]
    latest = tuple(sorted(others, key=lambda a: -a.priority)[:HOME_LATEST])  # stable: newest first within a priority
    latest = latest if len(latest) >= HOME_LATEST_MIN else ()
    blocks = tuple((s, tuple(a for a in s.articles if a is not lead)[:HOME_SECTION_BLOCK]) for s in site.sections)
    shown = tuple(dict.fromkeys([*([lead] if lead else []), *latest, *(a for _, arts in blocks for a in arts)]))
    return Page(
        urls.home(site.folder),
        "home",
        "home.html",
        site.config.title,
        shown,
        HomeView(lead=lead, latest=latest, section_blocks=blocks),
    )


def _numbered(title: str, pager: Pager) -> str:
    return title if pager.number is None else f"{title} (page {pager.number})"


def site_view(site: Edition, root: Config | None = None) -> SiteView:
    """What templates know of the site: of one edition, with the `root` config that lists every edition."""
    config, ed = site.config, site.folder
    local = site.now.astimezone(config.timezone)  # the clock in the site's time zone: its day and year
    return SiteView(
        title=config.title,
        base_url=config.base_url,
        language=config.language,
        sections=site.sections,
        now=local,
        day=local.date(),
        year=local.year,
        timezone=config.timezone.key,
        includes=config.includes,
        latest=site.articles[:LATEST_COUNT],
        authors_url=urls.authors_index(ed),
        tags_url=urls.tags_index(ed),
        archive_url=urls.archives(ed),
        home_url=urls.home(ed),
        search_url=urls.search(ed) if config.search else None,
        params=Extra.of(config.params),
        breaking=site.breaking,
        pages=footer_pages(site.pages, ed),
        data=site.data,
        profiles=site.profiles,
        code=ed,
        direction=config.direction,
        editions=editions_of(root) if root is not None and root.languages else (),
    )


def footer_pages(pages: tuple[StandalonePage, ...], edition: str) -> tuple[StandalonePage, ...]:
    """The standalone pages an edition's footer links: its own, each in place of the default edition's page of
    the same slug, and the default edition's that it has not translated."""
    own = {p.slug: p for p in pages if p.folder == edition}
    if not edition:
        return tuple(own.values())
    shared = [own.pop(p.slug, p) for p in pages if not p.folder]
    return (*shared, *own.values())
