"""A site's editions side by side: which pages are versions of one another, and the language switch (pure).

A page has versions in other editions when it is a story with a `translation_key` that a live story of
another edition shares, one of the pages every edition has (its front page, its authors and topics indexes,
its search page), or the page of an author, a topic or a standalone page that another edition has too (the
same slug: a byline under one profile, a topic of the same name, content/pages/pa/about.md for about.md).
Each version lists every version (itself included) as an absolute hreflang alternate, and `x-default` names
the default edition's version (else the first one); the language switch goes to the version in each other
edition, else to that edition's front page. A numbered page
of an author or topic (`/authors/ann/page/2/`) switches to the first page of its versions, and has no
alternates, since the other edition's page 2 holds other stories; nor has the search page (search engines
do not index it).
"""

from __future__ import annotations

from dataclasses import dataclass

from broadsheet import urls
from broadsheet.load.config import Config
from broadsheet.model.site import Paper
from broadsheet.plan.page import Page
from broadsheet.plan.views import ArticleView, ListView, StandaloneView

SHARED_KINDS = ("home", "authors", "tags", "search")  # pages every edition has, at the same place in it
UNLISTED_KINDS = ("search",)  # kept out of search engines (noindex): the switch only, no hreflang alternates
NAMED_KINDS = ("author", "tag")  # pages an edition has for a name: a version is the page of the same slug


@dataclass(frozen=True, slots=True)
class EditionLink:
    """One edition as the language switch names it."""

    language: str  # its code, such as "pa": the hreflang
    name: str  # the language's own name for itself ("ਪੰਜਾਬੀ")
    url: str  # where the switch goes: the version of the page in this edition, else the edition's front page
    current: bool = False  # the edition of the page being drawn


@dataclass(frozen=True, slots=True)
class Alternate:
    """A <link rel="alternate" hreflang>: a version of the page in another language (or x-default)."""

    hreflang: str
    href: str  # absolute


def language_name(language: str) -> str:
    """Return a language's name in itself ("ਪੰਜਾਬੀ", "français"), from CLDR; the code when CLDR has none."""
    from babel import Locale, UnknownLocaleError

    try:
        name = Locale.parse(language.replace("-", "_")).get_display_name()
    except (UnknownLocaleError, ValueError):
        return language
    return name[:1].upper() + name[1:] if name else language


def editions_of(config: Config) -> tuple[EditionLink, ...]:
    """Every edition of a site, with its front page: what a page without versions switches to."""
    return tuple(EditionLink(e.language, language_name(e.language), urls.home(e.folder)) for e in config.editions)


def versions(pages: list[Page], site: Paper) -> tuple[dict[str, dict[str, str]], dict[str, dict[str, str]]]:
    """Map the URL of each page that has versions in other editions to {language: the version's URL}; and the
    URL of each numbered page of an author or topic to the versions of its first page (for the switch only)."""
    shared: dict[tuple[str, ...], dict[str, str]] = {}
    switched: dict[str, tuple[str, ...]] = {}
    by_language = {e.folder: e.config.language for e in site.editions}
    for page in pages:
        if (key := _shared_key(page)) is None:
            continue
        if page.kind in NAMED_KINDS and isinstance(page.view, ListView) and page.view.pager.number is not None:
            switched[page.url] = key
            continue
        shared.setdefault(key, {})[by_language[page.view.site.code]] = page.url
        if page.kind in UNLISTED_KINDS:
            switched[page.url] = key
    found: dict[str, dict[str, str]] = {}
    for key, group in shared.items():
        if len(group) > 1 and key[0] not in UNLISTED_KINDS:
            found.update({url: group for url in group.values()})
    for page in pages:
        view = page.view
        if (
            page.kind == "article"
            and isinstance(view, ArticleView)
            and (story_versions := site.translations(view.article))
        ):
            found[page.url] = {a.lang: a.url for a in story_versions}
    switch_only = {url: group for url, key in switched.items() if len(group := shared.get(key, {})) > 1}
    return found, switch_only


def _shared_key(page: Page) -> tuple[str, ...] | None:
    if page.kind in SHARED_KINDS:
        return (page.kind,)
    view = page.view
    if page.kind in NAMED_KINDS and isinstance(view, ListView):
        return page.kind, view.group.slug
    if page.kind == "page" and isinstance(view, StandaloneView):  # a page and its translation share a slug
        return page.kind, view.standalone.slug  # (content/pages/pa/about.md and about.md)
    return None


def alternates(group: dict[str, str], config: Config) -> tuple[Alternate, ...]:
    """Return the hreflang alternates of one group of versions, in the editions' order, then x-default."""
    ordered = [(e.language, group[e.language]) for e in config.editions if e.language in group]
    default = group.get(config.language, ordered[0][1])
    return tuple(
        Alternate(lang, urls.absolute(config.base_url, url)) for lang, url in [*ordered, ("x-default", default)]
    )


def switch(group: dict[str, str] | None, current: str, config: Config) -> tuple[EditionLink, ...]:
    """Return the language switch of a page in the `current` language: each edition, at the page's version."""
    group = group or {}
    return tuple(
        EditionLink(e.language, e.name, group.get(e.language, e.url), e.language == current)
        for e in editions_of(config)
    )
