"""Related stories: for each story, the others that share its tags, rare tags counting for more (pure).

A story's score against another is the sum, over the tags they share, of log(live stories / stories with the
tag): a tag on two stories says far more than one on half the site. Higher scores come first, then newer
stories, then those of the same section, then URLs. Front matter `related: [slug, …]` replaces the ranking.

To stay cheap at 10,000 stories, the candidates are the newest RELATED_CANDIDATES stories of each of the
story's tags (every tag's list is newest first): a few hundred dictionary updates a story, however common
its tags.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from broadsheet import urls
from broadsheet.load.content import Article
from broadsheet.model.site import Site, Tag

RELATED_COUNT = 4  # stories in the "Related" aside
RELATED_CANDIDATES = 100  # newest stories considered per shared tag


@dataclass(frozen=True, slots=True)
class RelatedIndex:
    """What ranking needs of a site, made once per plan: each tag by slug with its weight, each story by slug."""

    tags: dict[str, tuple[Tag, float]]
    by_slug: dict[str, Article]


def related_index(site: Site) -> RelatedIndex:
    n = max(len(site.articles), 1)
    tags = {t.slug: (t, math.log(n / len(t.articles))) for t in site.tags if t.articles}
    by_slug: dict[str, Article] = {}
    for a in site.articles:  # newest first: a slug two sections share names the newest story
        by_slug.setdefault(a.slug, a)
    return RelatedIndex(tags, by_slug)


def related_to(article: Article, index: RelatedIndex) -> tuple[Article, ...]:
    """Return the stories related to a live story, best first (its `related` field, when it has one)."""
    if article.related:
        chosen = (index.by_slug.get(s) for s in article.related)
        return tuple(dict.fromkeys(a for a in chosen if a is not None and a.url != article.url))[:RELATED_COUNT]
    scores: dict[str, float] = {}
    stories: dict[str, Article] = {}
    for name in dict.fromkeys(article.tags):
        entry = index.tags.get(urls.slugify(name))
        if entry is None:
            continue
        tag, weight = entry
        for other in tag.articles[:RELATED_CANDIDATES]:
            if other.url != article.url:
                scores[other.url] = scores.get(other.url, 0.0) + weight
                stories[other.url] = other
    ranked = sorted(stories.values(), key=lambda o: (-round(scores[o.url], 9), -o.date.timestamp(),
                                                     o.section != article.section, o.url))
    return tuple(ranked[:RELATED_COUNT])
