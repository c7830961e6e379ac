"""The views of the pages: what each kind of page gives its template besides `site` and `page` (plan/page.py View).

One frozen class per kind of page, or per family of kinds whose templates get exactly the same variables; its
fields are those variables, by name (docs/templates.md). The archive's views are in plan/archives.py, the
sitemaps' and robots.txt's in plan/sitemaps.py, beside the types they hold.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from broadsheet.load.article import Article
from broadsheet.load.pages import StandalonePage
from broadsheet.model.site import Author, Section, Tag
from broadsheet.plan.feeds import Feed
from broadsheet.plan.page import Derived, Pager, View


@dataclass(frozen=True, slots=True, kw_only=True)
class HomeView(View):
    """The front page: the lead, the top stories beside it, and a block per section."""

    lead: Article | None  # None: a site with no story yet
    latest: tuple[Article, ...]
    section_blocks: tuple[tuple[Section, tuple[Article, ...]], ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class ArticleView(View):
    """A story's page: the story, its section, and the settled lists beside it."""

    OPTIONAL: ClassVar[frozenset[str]] = View.OPTIONAL | {"live_feed", "latest_in_section"}

    article: Article
    section: Section
    more_from: tuple[Article, ...]
    related: tuple[Article, ...]
    jsonld: Derived  # its NewsArticle (plan.meta.page_jsonld)
    live_feed: str | None = None  # a running live blog's updates feed
    latest_in_section: tuple[Article, ...] | None = None  # with includes = "static": the region drawn in


@dataclass(frozen=True, slots=True, kw_only=True)
class ListView(View):
    """One page of a list of stories (see Pager): of a section, an author, a topic or a month (plan/archives.py)."""

    pager: Pager

    @property
    def group(self) -> Any:
        """What the list is of (a Section, an Author, a Tag or a Month)."""
        raise NotImplementedError


@dataclass(frozen=True, slots=True, kw_only=True)
class SectionView(ListView):
    section: Section

    @property
    def group(self) -> Section:
        return self.section


@dataclass(frozen=True, slots=True, kw_only=True)
class AuthorView(ListView):
    author: Author

    @property
    def group(self) -> Author:
        return self.author


@dataclass(frozen=True, slots=True, kw_only=True)
class TagView(ListView):
    tag: Tag

    @property
    def group(self) -> Tag:
        return self.tag


@dataclass(frozen=True, slots=True, kw_only=True)
class AuthorsView(View):
    """The index of authors."""

    authors: tuple[Author, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class TagsView(View):
    """The index of topics."""

    tags: tuple[Tag, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class StandaloneView(View):
    """A standalone page (content/pages/): About, Contact, a policy."""

    standalone: StandalonePage


@dataclass(frozen=True, slots=True, kw_only=True)
class FeedView(View):
    """An Atom or RSS feed: the site's, a section's, an author's, or a live blog's updates."""

    feed: Feed


@dataclass(frozen=True, slots=True, kw_only=True)
class LiveScriptView(View):
    """/fragments/live.js: every live region of an edition (includes = "client")."""

    stories: tuple[Article, ...]
    sections: tuple[tuple[Section, tuple[Article, ...]], ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class FragmentView(View):
    """One live region's fragment (includes = "ssi" or "esi")."""

    OPTIONAL: ClassVar[frozenset[str]] = View.OPTIONAL | {"stories", "section"}

    region: str
    stories: tuple[Article, ...] | None = None  # absent for the date and the breaking-news banner
    section: Section | None = None  # only in a section's "Latest" region


@dataclass(frozen=True, slots=True, kw_only=True)
class RedirectView(View):
    """A small page at a story's old URL."""

    article: Article
    target: str


@dataclass(frozen=True, slots=True, kw_only=True)
class RedirectsView(View):
    """A file listing every redirect for a host (_redirects, or nginx's with `variants`)."""

    OPTIONAL: ClassVar[frozenset[str]] = View.OPTIONAL | {"variants"}

    redirects: tuple[tuple[str, str], ...]
    variants: tuple[tuple[str, str], ...] | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class AdminView(View):
    """The browser editor's page, /admin/."""

    decap: dict[str, Any]


@dataclass(frozen=True, slots=True, kw_only=True)
class AdminConfigView(View):
    """The browser editor's /admin/config.yml."""

    config_yml: str
