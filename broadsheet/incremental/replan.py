"""Editing the last build's site and plan when only stories' fields or the clock changed (pure).

When no story changed where it goes or how it sorts (changes.SHAPE_FIELDS), every page keeps its URL
and its list of stories. A body edit touches only the pages that read the body and the feeds that
carry it. Any other edit (a headline, a summary) also touches the pages that show the story
(Page.articles: "the stories whose fields appear on the page"), its own page, its feeds and the news
sitemap, which are planned again; the rest of the plan is not even looked at.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from broadsheet.incremental.changes import Change, Changes
from broadsheet.incremental.deps import BODY, DAY, META, NOW, YEAR, SiteInputs, refresh, site_dependency, story_dependency
from broadsheet.incremental.memory import Memory
from broadsheet.model.site import Site, swap_stories
from broadsheet.plan.live import plan_live_feeds
from broadsheet.plan.page import Plan
from broadsheet.plan.pages import plan_article, plan_feeds, plan_news_pages, site_view, with_meta


def update_site(previous: Memory | None, changes: Changes, now: datetime) -> Site | None:
    """Return the last build's site with the edited stories swapped in, at the new clock (None: build it anew)."""
    if previous is None or not changes.in_place or previous.site.editions:
        return None  # a site of several editions is grouped and planned anew: fingerprints still spare its pages
    return replace(swap_stories(previous.site, changes.edits), now=now)


def replan(previous: Memory | None, inputs: SiteInputs, changes: Changes) -> Plan | None:
    """Return the last plan brought up to date with the edits and the clock (None: plan the site anew).

    Its `stale` pages are those that read something that changed, with the current objects of the inputs in
    them; every other page is as last drawn.
    """
    if previous is None or not changes.in_place or previous.site.editions:
        return None
    site, view = inputs.site, inputs.view
    urls = {new.url for _, new in changes.edits}
    reads = {story_dependency(url, group) for url in urls for group in ((META, BODY) if changes.shown else (BODY,))}
    if Change.CLOCK in changes.kinds:  # the pages that show the clock: its instant, the edition date, its year
        before = site_view(previous.site)
        reads |= {site_dependency(NOW), *([site_dependency(DAY)] if view.day != before.day else []),
                  *([site_dependency(YEAR)] if view.year != before.year else [])}
    planned = {p.url: p for p in plan_feeds(site, urls)} if urls else {}
    if changes.shown:  # a live blog's updates feed carries its headline and summary
        planned.update({p.url: p for p in plan_live_feeds(site, urls)})
    if changes.shown:
        planned.update({new.url: with_meta(plan_article(site, new)) for _, new in changes.edits})
    if changes.shown or Change.CLOCK in changes.kinds:
        news = plan_news_pages(site)
        if [p.url for p in news] != [p.url for p in previous.plan.pages if p.kind == "news-sitemap"]:
            return None  # longer headlines moved where the news sitemap splits
        planned.update({p.url: p for p in news})
    pages, stale = list(previous.plan.pages), set()
    for i, page in enumerate(pages):
        if page.url in planned:
            pages[i] = planned.pop(page.url)
        elif (record := previous.records.get(page.url)) is None:
            pass  # never drawn: drawn now, as it is
        elif (changes.shown and any(a.url in urls for a in page.articles)) or not reads.isdisjoint(record.deps):
            pages[i] = refresh(page, inputs.objects)
        else:
            continue
        stale.add(page.url)
    if planned:  # a page the last plan did not have
        return None
    return Plan(tuple(pages), previous.plan.files, frozenset(stale))
