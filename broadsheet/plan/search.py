"""The search index, planned: which stories Pagefind indexes, as what records, in which shards.

Pagefind builds an index in one go; it cannot add or remove a page later. So the index is cut into
shards, each a complete Pagefind index of some stories, that the browser merges at query time
(Pagefind's `mergeIndex`). A publish re-indexes only the shards whose stories changed.

Where the cuts fall is a function of the live stories and the clock alone (the same input gives the same
shards, whatever was built before), and stable as stories come and go: stories are taken oldest first,
and a shard ends after a story whose URL hashes to a multiple of the span (or, rarely, after four spans
without one). A new, deleted or edited story therefore changes one shard, not the ones after it. Recent
stories, which change most, are cut into small shards (RECENT_SPAN); older ones into larger ones (SPAN), so
that the browser merges fewer indexes.
"Recent" is since the Monday of the previous week, in the site's time zone: the boundary moves once a week
(and that week's shards of recent stories become one of older ones).

The spans weigh a publish against a reader's first search. At 10,000 stories (benchmarks/README.md), one
index of everything made a cold build 1.4 times as long and needed 1.9 GB; shards of about 512 stories
made the first search fetch 87 files (828 KB) instead of 29 (383 KB); an edit re-indexes one shard, and
Pagefind takes about 2.5 ms a story.

The newest shard of every edition is the *head*, written at `pagefind/` with Pagefind's scripts; the
others go under `pagefind/shards/` without them. `pagefind/shards.json` lists, for each language, the
shards the search page merges into the head (static/js/search.js).

A record is made from the story itself (headline, standfirst, body, live updates, corrections), not read
back from its page: what the index holds is then a function of the story alone, so a shard's key (its
stories' fingerprints) says exactly when it must be indexed again, and a page that changed only around
the story (its "More from" sidebar) never costs a re-index.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta

from broadsheet.load.article import Article
from broadsheet.model.site import Paper

BUNDLE = "pagefind"  # the folder, inside the output, that holds the index and pagefind.js
SHARDS = f"{BUNDLE}/shards"
MANIFEST = f"{BUNDLE}/shards.json"
SPAN = 1024  # the mean number of stories in a shard of older stories
RECENT_SPAN = 64  # the same, for stories since the Monday of the previous week
LONGEST = 4  # a shard ends after this many spans of stories without a cut (1 run in 55 is that long)
# Pagefind's scripts: needed once, at the head; a merged shard runs on the head's.
SCRIPTS = re.compile(r"[^/]*\.(js|css)|wasm\.[^/]*\.pagefind")


@dataclass(frozen=True, slots=True)
class Shard:
    """Some stories of the site, indexed together by Pagefind into `folder`."""

    folder: str  # output path of its folder, ending in "/"
    stories: tuple[Article, ...]  # oldest first
    key: bytes  # changes exactly when what Pagefind would write here changes

    @property
    def head(self) -> bool:
        return self.folder == BUNDLE + "/"


@dataclass(frozen=True, slots=True)
class SearchPlan:
    shards: tuple[Shard, ...]  # the head first
    manifest: bytes  # pagefind/shards.json
    language: str  # the site's: a story's, unless it says otherwise
    since: datetime | None = None  # where recent stories began, which decides the cuts
    version: str = ""  # Pagefind's


def plan_search(
    site: Paper, fingerprint: Callable[[Article], bytes], version: str, last: SearchPlan | None = None
) -> SearchPlan | None:
    """Cut the site's live stories into shards (None: no index, for search is off or there is no story).

    `fingerprint` gives a story's fingerprint (every field a record reads), `version` Pagefind's: a new
    Pagefind re-indexes everything. `last`: the last build's plan, when no story has come, gone or moved
    since (only edits in place): the cuts are the same, and only the shards of edited stories are keyed anew.
    """
    if not site.config.search or not site.articles:
        return None
    recent = _recent_since(site.now.astimezone(site.config.timezone))
    if last is not None and (carried := _carried(last, site, fingerprint, version, recent)) is not None:
        return carried
    by_language: dict[str, list[Article]] = {}
    for article in reversed(site.articles):  # oldest first
        by_language.setdefault(language_of(article, site.config.language), []).append(article)
    heads: list[Article] = []
    shards: list[Shard] = []
    listed: dict[str, list[str]] = {}
    for language in sorted(by_language):
        *older, head = _cut(by_language[language], recent)
        heads += head
        for chunk in older:
            folder = f"{SHARDS}/{language}-{_hash(chunk[0].url)[:12]}/"
            shards.append(_shard(folder, tuple(chunk), fingerprint, version, site.config.language))
            listed.setdefault(language, []).append(folder[len(BUNDLE) + 1 :])
        listed.setdefault(language, [])
    shards.insert(0, _shard(BUNDLE + "/", tuple(heads), fingerprint, version, site.config.language))
    manifest = json.dumps({"languages": {lang: listed[lang][::-1] for lang in sorted(listed)}}, indent=1)
    return SearchPlan(tuple(shards), (manifest + "\n").encode(), site.config.language, recent, version)


def _carried(
    last: SearchPlan, site: Paper, fingerprint: Callable[[Article], bytes], version: str, recent: datetime
) -> SearchPlan | None:
    """The last plan with the site's current stories in its shards, the shards of those edited keyed anew;
    None where the cuts may differ (another week, another Pagefind, a story come or gone). Fingerprinting and
    hashing 100,000 stories to find the same cuts took most of a second."""
    if last.since != recent or last.version != version or last.language != site.config.language:
        return None
    current = {a.url: a for a in site.articles}
    if len(current) != sum(len(shard.stories) for shard in last.shards):
        return None
    shards = []
    for shard in last.shards:
        stories = tuple(current.get(a.url) for a in shard.stories)
        if all(new is old for new, old in zip(stories, shard.stories, strict=True)):
            shards.append(shard)
        elif None in stories:
            return None
        else:
            shards.append(_shard(shard.folder, stories, fingerprint, version, site.config.language))
    return replace(last, shards=tuple(shards))


def language_of(article: Article, default: str) -> str:
    """The language a story is written in (its edition's), as Pagefind names its index."""
    return (getattr(article, "lang", None) or default).lower()


def _recent_since(now: datetime) -> datetime:
    """Midnight on the Monday of the previous week, in the clock's zone (the site's)."""
    monday = (now - timedelta(days=now.weekday() + 7)).date()
    return datetime.combine(monday, time(0), now.tzinfo)


def _cut(stories: list[Article], recent: datetime) -> list[list[Article]]:
    """Cut stories (oldest first) into runs: after a story whose URL hashes to a multiple of the span, and
    where recent stories begin."""
    chunks: list[list[Article]] = [[]]
    boundary = recent.timestamp()
    was_recent = False
    for article in stories:
        is_recent = article.date.timestamp() >= boundary
        if is_recent and not was_recent and chunks[-1]:
            chunks.append([])
        was_recent = is_recent
        chunks[-1].append(article)
        span = RECENT_SPAN if is_recent else SPAN
        if int(_hash(article.url)[:8], 16) % span == 0 or len(chunks[-1]) >= LONGEST * span:
            chunks.append([])
    return [c for c in chunks if c]


def _hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()


def _shard(
    folder: str, stories: tuple[Article, ...], fingerprint: Callable[[Article], bytes], version: str, default: str
) -> Shard:
    h = hashlib.sha256(f"{version}\0{folder}\0{default}\0".encode())
    for article in stories:
        h.update(article.url.encode("utf-8", "surrogatepass") + b"\0" + fingerprint(article))
    return Shard(folder, stories, h.digest())


_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")


def text_of(fragment: str) -> str:
    """The words of an HTML fragment, as a reader sees them."""
    return _SPACE.sub(" ", html.unescape(_TAG.sub(" ", fragment))).strip()


def record_of(article: Article, default: str) -> dict:
    """The Pagefind record of a story: what a search finds it by, and what a result shows."""
    parts = [article.title, article.summary, text_of(article.body_html)]
    parts += (f"{u.title}. {text_of(u.html)}" if u.title else text_of(u.html) for u in article.updates)
    parts += (f"Correction: {text_of(c.text)}" for c in article.corrections)
    return {
        "url": article.url,
        "content": "\n".join(p for p in parts if p),
        "language": language_of(article, default),
        "meta": {"title": article.title, "section": article.section, "date": article.date.date().isoformat()},
        # No filters: Pagefind writes a filter's values in an order that differs from run to run (1.5.2), and
        # the output must be the same bytes for the same stories.
        "filters": {},
        "sort": {"date": article.date.isoformat()},
    }


def needed(rel: str, shard: Shard) -> bool:
    """Tell whether a file Pagefind wrote for a shard goes into the output (its scripts only at the head)."""
    return shard.head or not SCRIPTS.fullmatch(rel)
