"""Editing the last build's site and plan when only stories' fields, the clock or templates changed (pure).

When no story changed where it goes or how it sorts (changes.SHAPE_FIELDS), every page keeps its URL
and its list of stories. A body edit touches only the pages that read the body and the feeds that
carry it. Any other edit (a headline, a summary) also touches the pages that show the story
(Page.articles: "the stories whose fields appear on the page"), its own page, its feeds and the news
sitemap, which are planned again; the rest of the plan is not even looked at. A template edit plans nothing
again: the pages that loaded a changed template (or catalog) are drawn again.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from broadsheet.incremental.changes import Change, Changes
from broadsheet.incremental.deps import (
    BODY,
    DAY,
    META,
    NOW,
    SITE,
    YEAR,
    SiteInputs,
    refresh,
    site_dependency,
    story_dependency,
    template_dependency,
)
from broadsheet.incremental.memory import Memory
from broadsheet.model.site import Paper, swap_stories
from broadsheet.plan.live import plan_live_feeds
from broadsheet.plan.page import Page, Plan
from broadsheet.plan.pages import edition_feeds, in_edition, plan_article, plan_news_pages, site_view, with_meta


def update_paper(previous: Memory | None, changes: Changes, now: datetime) -> Paper | None:
    """Return the last build's paper with the edited stories swapped in, at the new clock (None: build it anew)."""
    if previous is None or not changes.in_place:
        return None
    paper = swap_stories(previous.paper, changes.edits + changes.carried)
    return replace(paper, now=now, editions=tuple(replace(e, now=now) for e in paper.editions))


def replan(previous: Memory | None, inputs: SiteInputs, changes: Changes) -> Plan | None:
    """Return the last plan brought up to date with the edits and the clock (None: plan the paper anew).

    Its `stale` pages are those that read something that changed, with the current objects of the inputs in
    them; every other page is as last drawn.
    """
    if previous is None or not changes.in_place:
        return None
    paper = inputs.paper
    urls = {new.url for _, new in changes.edits}
    reads = {story_dependency(url, group) for url in urls for group in ((META, BODY) if changes.shown else (BODY,))}
    if Change.TEMPLATES in changes.kinds:  # a page's record names every template it loaded
        before, now = previous.templates, inputs.templates
        reads |= {template_dependency(name) for name in before.keys() | now.keys() if before.get(name) != now.get(name)}
    if Change.CLOCK in changes.kinds:  # the pages that show the clock: its instant, the edition date, its year
        for edition, before in zip(paper.editions, previous.paper.editions):
            view, was = inputs.objects[(SITE, edition.folder)], site_view(before, previous.paper.config)
            reads |= {
                site_dependency(NOW, edition.folder),
                *([site_dependency(DAY, edition.folder)] if view.day != was.day else []),
                *([site_dependency(YEAR, edition.folder)] if view.year != was.year else []),
            }
    planned = {p.url: p for p in edition_feeds(paper, urls)} if urls else {}
    if changes.shown:  # a live blog's updates feed carries its headline and summary; the story's own page
        views = {e.folder: inputs.objects[(SITE, e.folder)] for e in paper.editions}  # the inputs' own
        planned.update(
            {p.url: with_meta(in_edition(p, views[e.folder])) for e in paper.editions for p in plan_live_feeds(e, urls)}
        )
        planned.update(
            {
                new.url: with_meta(in_edition(plan_article(paper.edition(new.folder), new), views[new.folder]))
                for _, new in changes.edits
            }
        )
    if changes.shown or Change.CLOCK in changes.kinds:
        news = plan_news_pages(paper)
        if [p.url for p in news] != [p.url for p in previous.plan.pages if p.kind == "news-sitemap"]:
            return None  # longer headlines moved where the news sitemap splits
        planned.update({p.url: p for p in news})
    pages, stale = list(previous.plan.pages), set()
    for i, page in enumerate(pages):
        if page.url in planned:  # with the language switch and versions it had: an edit in place moves none
            pages[i] = with_versions(planned.pop(page.url), page)
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


def with_versions(new: Page, old: Page) -> Page:
    """Return a page planned again with the language switch and versions the last plan gave it."""
    languages, versions = old.view.languages, old.view.alternates
    if languages is None and versions is None:
        return new
    return replace(new, view=new.view.but(languages=languages, alternates=versions))
