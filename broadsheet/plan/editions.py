"""A site's editions side by side: which pages are versions of one another, and the language switch (pure).

A page has versions in other editions when it is a story with a `translation_key` that a live story of
another edition shares, or one of the pages every edition has (its front page, its authors and topics).
Each version lists every version (itself included) as an absolute hreflang alternate, and `x-default` names
the default edition's version (else the first one); the language switch goes to the version in each other
edition, else to that edition's front page.
"""

from __future__ import annotations

from dataclasses import dataclass

from broadsheet import urls
from broadsheet.load.config import Config
from broadsheet.model.site import Site
from broadsheet.plan.page import Page

SHARED_KINDS = ("home", "authors", "tags")  # pages every edition has, at the same place in it


@dataclass(frozen=True, slots=True)
class Edition:
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


def editions_of(config: Config) -> tuple[Edition, ...]:
    """Every edition of a site, with its front page: what a page without versions switches to."""
    return tuple(Edition(e.language, language_name(e.language), urls.home(e.edition)) for e in config.editions)


def versions(pages: list[Page], site: Site) -> dict[str, dict[str, str]]:
    """Map the URL of each page that has versions in other editions to {language: the version's URL}."""
    shared: dict[str, dict[str, str]] = {}
    by_language = {e.edition: e.config.language for e in site.editions}
    for page in pages:
        if page.kind in SHARED_KINDS:
            edition = page.view["site"].code
            shared.setdefault(page.kind, {})[by_language[edition]] = page.url
    found: dict[str, dict[str, str]] = {}
    for group in shared.values():
        if len(group) > 1:
            found.update({url: group for url in group.values()})
    for page in pages:
        if page.kind == "article" and (story_versions := site.translations(page.view["article"])):
            found[page.url] = {a.lang: a.url for a in story_versions}
    return found


def alternates(group: dict[str, str], config: Config) -> tuple[Alternate, ...]:
    """Return the hreflang alternates of one group of versions, in the editions' order, then x-default."""
    ordered = [(e.language, group[e.language]) for e in config.editions if e.language in group]
    default = group.get(config.language, ordered[0][1])
    return tuple(Alternate(lang, urls.absolute(config.base_url, url))
                 for lang, url in [*ordered, ("x-default", default)])


def switch(group: dict[str, str] | None, current: str, config: Config) -> tuple[Edition, ...]:
    """Return the language switch of a page in the `current` language: each edition, at the page's version."""
    group = group or {}
    return tuple(Edition(e.language, e.name, group.get(e.language, e.url), e.language == current)
                 for e in editions_of(config))
