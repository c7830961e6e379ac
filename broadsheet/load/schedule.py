"""When a story changes what the site shows: it goes live, its breaking-news banner ends, it expires."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from broadsheet.load.article import Article


GOES_LIVE = "goes live"
BANNER_ENDS = "banner ends"
EXPIRES = "expires"


@dataclass(frozen=True, slots=True)
class NextChange:
    """The next instant at which what the site shows changes, and the story that changes it."""

    when: datetime  # aware
    what: str  # GOES_LIVE, BANNER_ENDS or EXPIRES
    article: Article


def scheduled_changes(article: Article, drafts: bool = False, future: bool = False) -> tuple[tuple[datetime, str], ...]:
    """Return the instants at which what the site shows of a story changes, with what happens then.

    A banner ending once the story is gone changes nothing; with `future`, a story's date changes nothing.
    """
    if article.draft and not drafts:
        return ()
    changes = [] if future else [(article.date, GOES_LIVE)]
    if article.breaking is not None and (article.expires is None or article.breaking < article.expires):
        changes.append((article.breaking, BANNER_ENDS))
    if article.expires is not None:
        changes.append((article.expires, EXPIRES))
    return tuple(changes)


def next_change(
    articles: tuple[Article, ...], now: datetime, drafts: bool = False, future: bool = False
) -> NextChange | None:
    """Return the first change after `now` among the stories (ties: by URL, so the report is stable)."""
    upcoming = [
        (when, a.url, what, a) for a in articles for when, what in scheduled_changes(a, drafts, future) if when > now
    ]
    if not upcoming:
        return None
    when, _, what, article = min(upcoming, key=lambda c: (c[0], c[1]))
    return NextChange(when, what, article)
