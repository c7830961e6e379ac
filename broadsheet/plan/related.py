"""Related stories: for each story, the others that share its tags, rare tags counting for more (pure).

A story's score against another is the sum, over the tags they share, of log(live stories / stories with the
tag): a tag on two stories says far more than one on half the site. Higher scores come first, then newer
stories, then those of the same section, then URLs. Front matter `related: [slug, …]` replaces the ranking.

To stay cheap at 10,000 stories, the candidates are the newest RELATED_CANDIDATES stories of each of the
story's tags (every tag's list is newest first): a hundred or two dictionary updates a story, however
common its tags.
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass

from broadsheet import urls
from broadsheet.load.content import Article
from broadsheet.model.site import Site

RELATED_COUNT = 4  # stories in the "Related" aside
RELATED_CANDIDATES = 40  # newest stories considered per shared tag


@dataclass(frozen=True, slots=True)
class RelatedIndex:
    """What ranking needs of a site, made once per plan: each tag's weight and newest stories, each story by
    slug, and each story's place in time (stories of one instant share it)."""

    tags: dict[str, tuple[float, tuple[Article, ...]]]
    by_slug: dict[str, Article]
    when: dict[str, int]  # by URL: 0 for the newest instant, 1 for the next...


def related_index(site: Site) -> RelatedIndex:
    n = max(len(site.articles), 1)
    tags = {t.slug: (math.log(n / len(t.articles)), t.articles[:RELATED_CANDIDATES]) for t in site.tags if t.articles}
    by_slug: dict[str, Article] = {}
    when: dict[str, int] = {}
    last, step = None, -1
    for a in site.articles:  # newest first: a slug two sections share names the newest story
        by_slug.setdefault(a.slug, a)
        if (ts := a.date.timestamp()) != last:
            last, step = ts, step + 1
        when[a.url] = step
    return RelatedIndex(tags, by_slug, when)


def related_to(article: Article, index: RelatedIndex) -> tuple[Article, ...]:
    """Return the stories related to a live story, best first (its `related` field, when it has one)."""
    if article.related:
        chosen = (index.by_slug.get(s) for s in article.related)
        return tuple(dict.fromkeys(a for a in chosen if a is not None and a.url != article.url))[:RELATED_COUNT]
    scores: dict[str, float] = {}  # by URL, whose hash a string keeps
    stories: dict[str, Article] = {}
    get = scores.get
    for name in dict.fromkeys(article.tags):
        entry = index.tags.get(urls.slugify(name))
        if entry is not None:
            weight, newest = entry
            for other in newest:
                url = other.url
                scores[url] = get(url, 0.0) + weight
                stories[url] = other
    scores.pop(article.url, None)
    when, section = index.when, article.section

    def rank(url: str) -> tuple:
        return -scores[url], when[url], stories[url].section != section, url

    return tuple(stories[url] for url in heapq.nsmallest(RELATED_COUNT, scores, key=rank))
