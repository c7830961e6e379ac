"""The site model: which stories are live, in what order, and how they group (pure)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

from broadsheet import urls
from broadsheet.frozen import FrozenDict
from broadsheet.load.article import Article
from broadsheet.load.config import Config
from broadsheet.load.data import DataFiles
from broadsheet.load.pages import StandalonePage
from broadsheet.load.profiles import NO_PROFILES, AuthorProfile, Profiles
from broadsheet.load.schedule import NextChange, next_change


@dataclass(frozen=True, slots=True)
class Section:
    """A configured section and its live stories, newest first."""

    name: str
    slug: str
    url: str
    articles: tuple[Article, ...]


@dataclass(frozen=True, slots=True)
class Author:
    name: str  # the profile's name, for a byline in another spelling of it
    slug: str
    url: str
    articles: tuple[Article, ...]
    profile: AuthorProfile | None = None  # data/authors.toml's entry


@dataclass(frozen=True, slots=True)
class Tag:
    name: str
    slug: str
    url: str
    articles: tuple[Article, ...]


@dataclass(frozen=True, slots=True)
class Edition:
    """One language's paper: its live stories, sections, authors and tags, under its URL folder."""

    config: Config  # the site's, with this edition's language, title and sections ([languages.<code>])
    now: datetime
    articles: tuple[Article, ...]  # live stories, newest first
    sections: tuple[Section, ...]  # in configured (navigation) order
    authors: tuple[Author, ...]  # by name
    tags: tuple[Tag, ...]  # by name
    next_scheduled: Article | None  # the earliest story still waiting for its time
    breaking: tuple[Article, ...] = ()  # live stories whose breaking-news banner shows at `now`, newest first
    next_change: NextChange | None = None  # the first instant after `now` at which what the edition shows changes
    pages: tuple[StandalonePage, ...] = ()  # content/pages/, by file name (every edition's: see plan/pages.py)
    data: DataFiles = field(default_factory=DataFiles)  # data/, by file stem
    profiles: Profiles = NO_PROFILES  # data/authors.toml: who has a profile, and other spellings of their names
    folder: str = ""  # the URL folder of this edition ("" for the site's own language)

    def section(self, name: str) -> Section:
        return next(s for s in self.sections if s.name == name)

    def author(self, name: str) -> Author:
        slug = urls.slugify(self.profiles.canonical(name))
        return next(a for a in self.authors if a.slug == slug)

    def author_url(self, name: str) -> str:
        """Return the URL of the page a byline name belongs on (another spelling's: its profile's page)."""
        return urls.author(urls.slugify(self.profiles.canonical(name)), folder=self.folder)

    def tag(self, name: str) -> Tag:
        slug = urls.slugify(name)
        return next(t for t in self.tags if t.slug == slug)

    def more_from(self, article: Article) -> tuple[Article, ...]:
        """Return the stories of the article's section published just before it, newest first, for its sidebar.

        Settled when the story is published: a later story never enters it (unless backdated into it).
        """
        articles = self.section(article.section).articles
        at = next((i for i, a in enumerate(articles) if a.url == article.url), len(articles))
        return earlier(articles, at, self.config.more_from)


@dataclass(frozen=True, slots=True)
class Paper:
    """Everything the pages are planned from: one edition per language (a one-language site is a paper of
    one), and what they share. Its lists hold every edition's, the default edition's first."""

    config: Config  # site.toml: the default edition's, listing every other ([languages])
    now: datetime
    editions: tuple[Edition, ...]  # the site's own language first, then [languages] in site.toml's order
    articles: tuple[Article, ...]  # every edition's live stories, newest first
    sections: tuple[Section, ...]
    authors: tuple[Author, ...]
    tags: tuple[Tag, ...]
    next_scheduled: Article | None  # the earliest story of any edition still waiting for its time
    breaking: tuple[Article, ...] = ()
    next_change: NextChange | None = None  # the first instant after `now` at which what the paper shows changes
    pages: tuple[StandalonePage, ...] = ()  # content/pages/, by file name
    data: DataFiles = field(default_factory=DataFiles)  # data/, by file stem
    profiles: Profiles = NO_PROFILES  # data/authors.toml
    versions: FrozenDict = field(default_factory=FrozenDict, compare=False)  # translation_key -> its live versions

    def edition(self, folder: str) -> Edition:
        """Return the edition in this URL folder ("" for the site's own language)."""
        return next((e for e in self.editions if e.folder == folder), self.editions[0])

    def translations(self, article: Article) -> tuple[Article, ...]:
        """Return the live versions of a story in every edition (itself included), in the editions' order;
        () when it has none in another edition."""
        found = self.versions.get(article.translation_key) if article.translation_key else None
        return found if found and len(found) > 1 else ()


def earlier(articles: tuple[Article, ...], at: int, n: int) -> tuple[Article, ...]:
    """Return the n stories of a newest-first list published before the one at `at`, newest first."""
    return articles[at + 1 : at + 1 + n]


def newest_first(articles: list[Article] | tuple[Article, ...]) -> tuple[Article, ...]:
    """Order by publication instant, newest first; ties break on URL so output is stable."""
    by_url = sorted(articles, key=lambda a: a.url)
    # By timestamp: Python compares two times of one zone by their wall clocks, which a DST change reorders.
    return tuple(sorted(by_url, key=lambda a: a.date.timestamp(), reverse=True))


def is_live(article: Article, now: datetime, drafts: bool = False, future: bool = False) -> bool:
    """Tell whether a story may appear anywhere on the site at `now`.

    An expired story is gone whatever the flags: it was taken down, often for a reason no preview should undo.
    """
    return (
        (drafts or not article.draft)
        and (future or article.date.timestamp() <= now.timestamp())
        and not is_expired(article, now)
    )


def is_expired(article: Article, now: datetime) -> bool:
    """Tell whether a story has been taken down by its `expires` instant."""
    return article.expires is not None and article.expires.timestamp() <= now.timestamp()


def is_breaking(article: Article, now: datetime) -> bool:
    """Tell whether a story's breaking-news banner shows at `now` (if the story is live)."""
    return article.breaking is not None and now.timestamp() < article.breaking.timestamp()


def is_live_blog(article: Article, now: datetime) -> bool:
    """Tell whether a story is a running live blog at `now` (after `live_until`, a plain story)."""
    return article.live and (article.live_until is None or now.timestamp() < article.live_until.timestamp())


def build_paper(
    config: Config,
    articles: tuple[Article, ...],
    now: datetime,
    drafts: bool = False,
    future: bool = False,
    pages: tuple[StandalonePage, ...] = (),
    data: DataFiles | None = None,
    profiles: Profiles = NO_PROFILES,
) -> Paper:
    """Group each edition's live stories into its sections, authors and tags; beside them, the standalone
    pages and data, shared by every edition."""
    shared = {"pages": pages, "data": data or DataFiles(), "profiles": profiles}
    several = bool(config.languages)
    editions = tuple(
        build_edition(
            e,
            tuple(a for a in articles if a.lang == e.language) if several else articles,
            now,
            drafts,
            future,
            **shared,
        )
        for e in config.editions
    )
    if not several:  # a paper of one edition holds its very lists
        return Paper(
            config=config, now=now, editions=editions, **{n: getattr(editions[0], n) for n in _SHARED}, **shared
        )
    live = newest_first([a for e in editions for a in e.articles])
    versions: dict[str, list[Article]] = {}
    for e in editions:
        for a in e.articles:
            if a.translation_key:
                versions.setdefault(a.translation_key, []).append(a)
    waiting = [e.next_scheduled for e in editions if e.next_scheduled is not None]
    return Paper(
        config=config,
        now=now,
        editions=editions,
        articles=live,
        sections=tuple(s for e in editions for s in e.sections),
        authors=tuple(x for e in editions for x in e.authors),
        tags=tuple(x for e in editions for x in e.tags),
        next_scheduled=min(waiting, key=lambda a: (a.date.timestamp(), a.url)) if waiting else None,
        breaking=tuple(a for a in live if is_breaking(a, now)),
        next_change=next_change(articles, now, drafts, future),
        versions=FrozenDict({k: tuple(v) for k, v in versions.items()}),
        **shared,
    )


def build_edition(
    config: Config,
    articles: tuple[Article, ...],
    now: datetime,
    drafts: bool = False,
    future: bool = False,
    pages: tuple[StandalonePage, ...] = (),
    data: DataFiles | None = None,
    profiles: Profiles = NO_PROFILES,
) -> Edition:
    """Group one edition's live stories into its sections, authors and tags (a byline in another spelling of a
    profile's name, in any script, is the profile's author in this edition)."""
    ed = config.folder
    live = newest_first([a for a in articles if is_live(a, now, drafts, future)])
    waiting = [a for a in articles if not a.draft and a.date.timestamp() > now.timestamp() and not future]
    next_scheduled = min(waiting, key=lambda a: (a.date.timestamp(), a.url)) if waiting else None

    sections = tuple(
        Section(
            s.name, s.slug, urls.section(s.slug, folder=config.folder), tuple(a for a in live if a.section == s.name)
        )
        for s in config.sections
    )
    return Edition(
        config=config,
        now=now,
        articles=live,
        sections=sections,
        authors=tuple(
            Author(
                p.name if (p := profiles.by_slug.get(s)) else n,
                s,
                urls.author(s, folder=ed),
                arts,
                p.in_language(config.language) if p else None,
            )
            for n, s, arts in _group(live, lambda a: dict.fromkeys(map(profiles.canonical, a.authors)))
        ),
        tags=tuple(Tag(n, s, urls.tag(s, folder=ed), arts) for n, s, arts in _group(live, lambda a: a.tags)),
        next_scheduled=next_scheduled,
        breaking=tuple(a for a in live if is_breaking(a, now)),
        next_change=next_change(articles, now, drafts, future),
        pages=pages,
        data=data or DataFiles(),
        profiles=profiles,
        folder=config.folder,
    )


def _group(live: tuple[Article, ...], names_of) -> list[tuple[str, str, tuple[Article, ...]]]:
    """Group stories by slug of each name they carry; the first spelling seen names the group."""
    groups: dict[str, tuple[str, list[Article]]] = {}
    for a in live:
        for name in names_of(a):
            slug = urls.slugify(name)
            if slug:
                groups.setdefault(slug, (name, []))[1].append(a)
    ordered = sorted(groups.items(), key=lambda kv: (kv[1][0].casefold(), kv[0]))
    return [(name, slug, tuple(arts)) for slug, (name, arts) in ordered]


def swap_stories(paper: Paper, edits: tuple[tuple[Article, Article], ...]) -> Paper:
    """Return the paper with each edited story (old, new) swapped in for the very old one, in every edition,
    sharing what did not change.

    Every list is searched by identity in C (a list of ids, not dataclass equality): walking the lists in
    Python would cost each edit in a live session more than the rest of it (benchmarks/README.md).
    """
    if not edits:
        return paper
    new = {id(old): article for old, article in edits}  # the old objects are held by `edits` while this runs
    editions = tuple(_swapped_in(e, new, groups=True) for e in paper.editions)
    if len(editions) == 1:  # a paper of one edition holds its very lists
        only = editions[0]
        return replace(paper, editions=editions, **{name: getattr(only, name) for name in _SHARED})
    changes = _changes(paper, new, groups=False)
    for name in ("sections", "authors", "tags"):  # the paper's groups are its editions' own, end to end
        changes[name] = tuple(g for e in editions for g in getattr(e, name))
    if paper.versions:
        changes["versions"] = FrozenDict({k: _swapped(v, new) for k, v in paper.versions.items()})
    return replace(paper, editions=editions, **changes)


_SHARED = ("articles", "sections", "authors", "tags", "next_scheduled", "breaking", "next_change")


def _swapped_in(edition: Edition, new: dict[int, Article], groups: bool) -> Edition:
    changes = _changes(edition, new, groups)
    return replace(edition, **changes) if changes else edition


def _changes(holder: Edition | Paper, new: dict[int, Article], groups: bool) -> dict:
    """The fields of an edition (or a paper) that hold one of the old stories, with the new ones in."""
    changes = {}
    if groups:
        for name in ("sections", "authors", "tags"):
            old = getattr(holder, name)
            out = tuple(g if (a := _swapped(g.articles, new)) is g.articles else replace(g, articles=a) for g in old)
            if any(a is not b for a, b in zip(out, old)):
                changes[name] = out
    for name in ("articles", "breaking"):
        if (v := _swapped(getattr(holder, name), new)) is not getattr(holder, name):
            changes[name] = v
    if holder.next_scheduled is not None and id(holder.next_scheduled) in new:
        changes["next_scheduled"] = new[id(holder.next_scheduled)]
    if holder.next_change is not None and id(holder.next_change.article) in new:
        changes["next_change"] = replace(holder.next_change, article=new[id(holder.next_change.article)])
    return changes


def _swapped(articles: tuple[Article, ...], new: dict[int, Article]) -> tuple[Article, ...]:
    ids = list(map(id, articles))
    out = None
    for old, article in new.items():
        if old in ids:
            out = out or list(articles)
            out[ids.index(old)] = article
    return articles if out is None else tuple(out)
