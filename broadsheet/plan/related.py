"""Related stories: for each story, earlier stories that share its tags, rare tags counting for more (pure).

A story's page is final when it is published, so its related stories are chosen among the stories published
before it, with each tag weighed over those stories alone: what a later story does never reaches an older
page. A story's score against an earlier one is the sum, over the tags they share, of
log(earlier stories / earlier stories with the tag): a tag on two stories says far more than one on half the
site. Higher scores come first, then newer stories, then those of the same section, then URLs. Front matter
`related: [slug, …]` replaces the ranking.

To stay cheap at 10,000 stories, the candidates are the newest RELATED_CANDIDATES earlier stories of each of
the story's tags: a hundred or two dictionary updates a story, however common its tags.
"""

from __future__ import annotations

import functools
import heapq
import math
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass

from broadsheet import urls
from broadsheet.load.article import Article
from broadsheet.model.site import Edition, Paper
from broadsheet.plan.page import Page

RELATED_COUNT = 4  # stories in the "Related" aside
RELATED_CANDIDATES = 40  # newest earlier stories considered per shared tag


@dataclass(frozen=True, slots=True)
class RelatedIndex:
    """What ranking needs of an edition, made once per plan: each tag's stories, each story by slug, its place
    in the order of publication, and its place in time (stories of one instant share it)."""

    tags: dict[str, tuple[Article, ...]]  # tag slug -> its stories, newest first
    by_slug: dict[str, Article]
    place: dict[str, int]  # by URL: 0 for the newest story, 1 for the next...
    when: dict[str, int]  # by URL: 0 for the newest instant, 1 for the next...


def related_index(site: Edition) -> RelatedIndex:
    by_slug: dict[str, Article] = {}
    place: dict[str, int] = {}
    when: dict[str, int] = {}
    last, step = None, -1
    for i, a in enumerate(site.articles):  # newest first: a slug two sections share names the newest story
        by_slug.setdefault(a.slug, a)
        if (ts := a.date.timestamp()) != last:
            last, step = ts, step + 1
        when[a.url], place[a.url] = step, i
    return RelatedIndex({t.slug: t.articles for t in site.tags}, by_slug, place, when)


def tag_slugs(article: Article) -> tuple[str, ...]:
    return _slugs(article.tags)


def _slugs(tags: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(s for name in tags if (s := urls.slugify(name))))


def related_to(article: Article, index: RelatedIndex) -> tuple[Article, ...]:
    """Return the stories related to one live story, best first (its `related` field, when it has one)."""
    if article.related:
        return named(article, index)
    at = index.place.get(article.url)
    if at is None:  # not live (a draft edited in a preview without --drafts): its page is not planned
        return ()
    before = len(index.place) - 1 - at  # stories published before this one
    weighed = []
    for slug in tag_slugs(article):
        older = [a for a in index.tags.get(slug, ()) if index.place[a.url] > at]
        if older:
            weighed.append((math.log(before / len(older)), older[:RELATED_CANDIDATES]))
    return ranked(article, weighed, index)


@dataclass(frozen=True, slots=True)
class Ranked:
    """An edition's related stories as a plan ranked them: its stories, oldest first, and each one's choice."""

    order: tuple[Article, ...]  # oldest first
    chosen: dict[str, tuple[str, ...]]  # by URL: the URLs of its related stories, best first


def related_all(site: Edition, index: RelatedIndex, last: Ranked | None = None) -> dict[str, tuple[Article, ...]]:
    """Return every live story's related stories by URL: related_to for each, in one pass from the oldest.

    A story's choice is a function of the stories published before it: while the stories from the oldest on
    are those `last` ranked (alike in what ranking reads), their choices are taken from it, not ranked again.
    """
    counts: dict[str, int] = {}
    newest: dict[str, deque[Article]] = {}
    chosen: dict[str, tuple[Article, ...]] = {}
    order = site.articles[::-1]
    same = settled(order, last)
    by_url = {a.url: a for a in order[:same]}
    slugs_of = functools.cache(_slugs)  # a site's stories share a few thousand tags
    for before, article in enumerate(order):
        slugs = slugs_of(article.tags)
        if article.related:
            chosen[article.url] = named(article, index)
        elif before < same:
            chosen[article.url] = tuple(by_url[url] for url in last.chosen[article.url])
        else:
            weighed = [(math.log(before / counts[s]), tuple(newest[s])) for s in slugs if counts.get(s)]
            chosen[article.url] = ranked(article, weighed, index)
        for s in slugs:
            counts[s] = counts.get(s, 0) + 1
            newest.setdefault(s, deque(maxlen=RELATED_CANDIDATES)).appendleft(article)
    return chosen


def settled(order: tuple[Article, ...], last: Ranked | None) -> int:
    """Return how many stories from the oldest on are as `last` ranked them, each with a choice on record."""
    if last is None:
        return 0
    same, old = 0, last.order
    for a, b in zip(order, old, strict=False):
        if (a is not b and _ranked_by(a) != _ranked_by(b)) or (not a.related and a.url not in last.chosen):
            break
        same += 1
    return same


def last_ranked(paper: Paper, pages: Iterable[Page]) -> dict[str, Ranked]:
    """Return what a plan ranked, by edition (URL folder): what the next plan of the paper may take from it."""
    chosen = {p.url: tuple(a.url for a in p.view.related) for p in pages if p.kind == "article"}
    return {e.folder: Ranked(e.articles[::-1], chosen) for e in paper.editions}


def _ranked_by(article: Article) -> tuple:
    """What ranking reads of a story, as the one ranked or as a candidate."""
    return article.url, article.tags, article.section, article.date.timestamp(), article.related


def named(article: Article, index: RelatedIndex) -> tuple[Article, ...]:
    """The stories a `related:` field names, in its order (a slug no story has is reported when loading)."""
    chosen = (index.by_slug.get(s) for s in article.related)
    return tuple(dict.fromkeys(a for a in chosen if a is not None and a.url != article.url))[:RELATED_COUNT]


def ranked(
    article: Article, weighed: list[tuple[float, tuple[Article, ...] | list[Article]]], index: RelatedIndex
) -> tuple[Article, ...]:
    """Rank the candidates of each shared tag by the sum of its weights, best first."""
    scores: dict[str, float] = {}  # by URL, whose hash a string keeps
    stories: dict[str, Article] = {}
    get = scores.get
    for weight, candidates in weighed:
        for other in candidates:
            url = other.url
            scores[url] = get(url, 0.0) + weight
            stories[url] = other
    scores.pop(article.url, None)
    when, section = index.when, article.section
    ranks = [(-score, when[url], stories[url].section != section, url) for url, score in scores.items()]
    return tuple(stories[rank[3]] for rank in heapq.nsmallest(RELATED_COUNT, ranks))
