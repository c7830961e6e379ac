"""Date archives: a page per month of stories at /archive/<yyyy>/<mm>/, paginated, and /archive/ listing the months."""

from __future__ import annotations

from dataclasses import dataclass

from broadsheet import urls
from broadsheet.load.content import Article
from broadsheet.model.site import Site
from broadsheet.plan.page import Page, Pager, paginate

# The names pages and titles show; the one place they are worded.
MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
               "November", "December")
ARCHIVE_TITLE = "Archive"


@dataclass(frozen=True, slots=True)
class Month:
    """A month of the archive: its live stories, newest first (dated in the site's time zone)."""

    year: int
    month: int
    name: str  # 'February 2026'
    url: str
    articles: tuple[Article, ...]


def months_of(site: Site) -> tuple[Month, ...]:
    """Group the live stories by the month of their date in the site's time zone, newest month first."""
    zone = site.config.timezone
    groups: dict[tuple[int, int], list[Article]] = {}
    for a in site.articles:  # newest first, so each month's list is too
        local = a.date.astimezone(zone)
        groups.setdefault((local.year, local.month), []).append(a)
    return tuple(Month(y, m, f"{MONTH_NAMES[m - 1]} {y}", urls.archive(y, m), tuple(arts))
                 for (y, m), arts in sorted(groups.items(), reverse=True))


def plan_archives(site: Site) -> list[Page]:
    """Plan /archive/ and each month's pages, paginated as sections are."""
    months = months_of(site)
    pages = [Page(urls.archives(), "archives", "archives.html", ARCHIVE_TITLE, (), {"months": months})]
    for month in months:
        pagers: list[Pager] = paginate(month.articles, site.config.per_page,
                                       lambda n, m=month: urls.archive(m.year, m.month, n))
        for pager in pagers:
            title = month.name if pager.number == 1 else f"{month.name} (page {pager.number})"
            pages.append(Page(urls.archive(month.year, month.month, pager.number), "archive", "archive.html", title,
                              pager.items, {"month": month, "pager": pager}))
    return pages
