"""The plan's data: a page, a page of a list, what every template knows of the site, and the plan itself."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date, datetime
from typing import Any, ClassVar, Self

from broadsheet import urls
from broadsheet.frozen import values_getter
from broadsheet.load.article import Article, Extra
from broadsheet.load.data import DataFiles
from broadsheet.load.pages import StandalonePage
from broadsheet.load.profiles import NO_PROFILES, Profiles
from broadsheet.model.site import Edition, Section


@dataclass(frozen=True, slots=True)
class SiteView:
    """What every template may know about the site: never the raw config."""

    title: str
    base_url: str
    language: str
    sections: tuple[Section, ...]
    now: datetime  # the build's clock, in the site's time zone
    day: date | None = None  # the edition date, the day of `now` there: what pages show, so a new clock the same
    # day changes none
    year: int = 0  # the year of `now` there (a footer's copyright), apart so that a new day changes no page
    timezone: str = "UTC"  # the site's IANA time zone: a reader's browser dates the edition in it
    includes: str = "client"  # how live regions reach pages (plan/regions.py)
    latest: tuple[Article, ...] = ()  # the newest stories, for the "Latest" live region
    authors_url: str = urls.authors_index()
    tags_url: str = urls.tags_index()
    archive_url: str = urls.archives()
    home_url: str = urls.home()
    search_url: str | None = urls.search()  # None: the site has no search
    params: Extra = field(default_factory=Extra)  # site.toml's [params]
    breaking: tuple[Article, ...] = ()  # the stories whose breaking-news banner shows on every page, newest first
    pages: tuple[StandalonePage, ...] = ()  # content/pages/: About, Contact, policies (the footer links them)
    data: DataFiles = field(default_factory=DataFiles)  # data/: site.data.results is data/results.csv
    profiles: Profiles = NO_PROFILES  # data/authors.toml
    code: str = ""  # the URL folder of this edition: "" for the site's own language (plan/editions.py)
    direction: str = "ltr"  # "rtl" for a language written right to left
    editions: tuple = ()  # with [languages]: every edition (plan.editions.EditionLink), the site's own first

    @property
    def edition(self) -> date | None:
        """The edition date, by the name templates written before `day` use (`site.edition`)."""
        return self.day

    def author_url(self, name: str) -> str:
        """Return the URL of the page a byline name belongs on (another spelling's: its profile's page)."""
        return urls.author(urls.slugify(self.profiles.canonical(name)), folder=self.code)

    def fragment_url(self, name: str) -> str:
        """Return the URL of one of this edition's live-region fragments ('breaking.html', 'live.js')."""
        return urls.fragment(name, self.code)


class Derived:
    """A view value computed from the page itself when it is drawn, not held in the plan.

    Page metadata and JSON-LD are pure functions of the page's own stories, section or author and the
    config: kilobytes a page that the plan need not hold, which add up to most of the plan at 100,000
    stories. Drawing a page records dependencies on those objects (incremental/deps.py `implied`), so
    fingerprints still cover what these values read.
    One object per kind serves every page; the site it reads is the one being drawn.
    """

    __slots__ = ("kind", "make")

    def __init__(self, kind: str, make):
        self.kind, self.make = kind, make

    def value(self, page: Page, site: Edition) -> Any:
        return self.make(page, site)

    def __eq__(self, other: object) -> bool:  # one kind, one function: equal after a trip through the cache
        return type(other) is Derived and other.kind == self.kind

    def __hash__(self) -> int:
        return hash(self.kind)


@dataclass(frozen=True, slots=True, kw_only=True)
class View:
    """What a page's template gets besides `site` and `page`: one subclass per kind of page (plan/views.py).

    Its fields are the template's variables, by name. Those in `OPTIONAL` are left out of the template's
    variables while None (a template tests them with `is defined`); the rest are always there, None or not.
    `site` is the page's edition's view (None: the page belongs to no edition, and gets the default one's).
    `meta` and a story's `jsonld` are `Derived`: computed when the page is drawn.
    """

    OPTIONAL: ClassVar[frozenset[str]] = frozenset({"site", "languages", "alternates", "meta"})

    site: SiteView | None = None
    languages: tuple | None = None  # with several editions: the language switch (plan.editions.EditionLink)
    alternates: tuple | None = None  # the page's versions in other editions (plan.editions.Alternate)
    meta: Derived | None = None  # with_meta: what search engines and social networks read (plan.meta.PageMeta)

    def context(self) -> dict[str, Any]:
        """Return the template's variables: every field, but an optional one that is None."""
        names, optional, _ = _layout(type(self))
        values = _getter(type(self))(self)
        return {n: v for n, v in zip(names, values) if v is not None or n not in optional}

    def but(self, **changes: Any) -> Self:
        """Return a copy with these fields changed: `dataclasses.replace`, without its look at the class's
        fields on every call (planning adds to every page's view two or three times)."""
        cls = type(self)
        names, _, known = _layout(cls)
        if not changes.keys() <= known:
            raise TypeError(f"{cls.__name__} has no field {sorted(changes.keys() - known)[0]!r}")
        new = object.__new__(cls)
        for name, value in zip(names, _getter(cls)(self)):
            _set_field(new, name, changes.get(name, value))
        return new


@dataclass(frozen=True, slots=True, kw_only=True)
class PlainView(View):
    """The view of a page with no variables of its own: the search page, the not-found page."""


_set_field = object.__setattr__  # frozen classes refuse plain assignment
_LAYOUTS: dict[type, tuple[tuple[str, ...], frozenset[str], frozenset[str]]] = {}  # names, optional, both
_GETTERS: dict[type, Any] = {}


def _layout(cls: type) -> tuple[tuple[str, ...], frozenset[str], frozenset[str]]:
    found = _LAYOUTS.get(cls)
    if found is None:
        names = tuple(f.name for f in fields(cls))
        found = _LAYOUTS[cls] = (names, cls.OPTIONAL, frozenset(names))
    return found


def _getter(cls: type):
    getter = _GETTERS.get(cls)
    if getter is None:
        names = _layout(cls)[0]
        getter = values_getter(names)
        _GETTERS[cls] = getter
    return getter


@dataclass(frozen=True, slots=True)
class Pager:
    """One page of a list: its front (`number` None: the newest stories) or a numbered page.

    It holds nothing that another page's stories decide (no count of pages): a numbered page that is full
    keeps its bytes when stories are added to the list.
    """

    number: int | None
    items: tuple[Article, ...]  # newest first
    prev_url: str | None  # newer stories
    next_url: str | None  # older stories


def paginate(items: tuple[Article, ...], per_page: int, url_for) -> list[Pager]:
    """Split a list (newest first) into its front and its numbered pages, counted from the oldest story.

    The front holds the newest `per_page` stories. Numbered page N holds the stories N×per_page - per_page + 1
    to N×per_page in order of publication, so a new story changes the front and the newest numbered page
    only; a list that fits on its front has no numbered pages. `url_for(None)` is the front's URL,
    `url_for(n)` numbered page n's.
    """
    count = len(items)
    oldest_first = items[::-1]
    last = -(-count // per_page) if count > per_page else 0

    def page_of(position: int) -> int:  # the numbered page holding the story at this place from the oldest
        return position // per_page + 1

    front = Pager(None, items[:per_page], None, url_for(page_of(count - per_page - 1)) if last else None)
    pagers = [front]
    for n in range(1, last + 1):
        chunk = oldest_first[(n - 1) * per_page : n * per_page]
        pagers.append(
            Pager(n, chunk[::-1], url_for(n + 1) if n < last else url_for(None), url_for(n - 1) if n > 1 else None)
        )
    return pagers


@dataclass(frozen=True, slots=True)
class Page:
    """One output file: where it goes, how it is drawn, and what it shows.

    `articles` are the stories whose fields appear on the page; with the template
    and the config they are everything the page depends on.
    """

    url: str
    # home, section, article, page, author, authors, tag, tags, archive, archives, 404; feed, sitemap, news-sitemap,
    # robots
    kind: str
    template: str
    title: str
    articles: tuple[Article, ...] = ()
    view: View = field(default_factory=PlainView, compare=False)  # its template's variables (plan/views.py)

    @property
    def canonical(self) -> str:
        return self.url

    @property
    def output_path(self) -> str:
        return urls.output_path(self.url)


@dataclass(frozen=True, slots=True)
class Plan:
    """Every page of the site; with `stale`, the URLs of the only pages that may have changed since the last plan."""

    pages: tuple[Page, ...]
    files: frozenset[str]  # every page's output path
    stale: frozenset[str] | None = None  # None: any page may have changed; check each one's inputs


def plan_of(pages: list[Page] | tuple[Page, ...]) -> Plan:
    """Return the plan of these pages, none known to be unchanged."""
    return Plan(tuple(pages), frozenset(p.output_path for p in pages))
