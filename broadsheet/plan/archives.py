"""Date archives: a page per month of stories at /archive/<yyyy>/<mm>/, paginated, and /archive/ listing the months."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from babel import Locale, UnknownLocaleError
from babel.dates import format_date

from broadsheet import urls
from broadsheet.load.article import Article
from broadsheet.model.site import Edition
from broadsheet.plan.page import Page, Pager, View, paginate
from broadsheet.plan.views import ListView

ARCHIVE_TITLE = "Archive"  # the plan's title; archives.html words it in the page's language


@dataclass(frozen=True, slots=True)
class Month:
    """A month of the archive: its live stories, newest first (dated in the site's time zone)."""

    year: int
    month: int
    name: str  # 'February 2026'
    url: str
    articles: tuple[Article, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class ArchivesView(View):
    """/archive/: the months of stories."""

    months: tuple[Month, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class ArchiveView(ListView):
    """One page of a month's stories."""

    month: Month

    @property
    def group(self) -> Month:
        return self.month


def months_of(site: Edition) -> tuple[Month, ...]:
    """Group the live stories by the month of their date in the site's time zone, newest month first."""
    zone = site.config.timezone
    groups: dict[tuple[int, int], list[Article]] = {}
    for a in site.articles:  # newest first, so each month's list is too
        local = a.date.astimezone(zone)
        groups.setdefault((local.year, local.month), []).append(a)
    language, ed = site.config.language, site.folder
    return tuple(
        Month(y, m, month_name(y, m, language), urls.archive(y, m, folder=ed), tuple(arts))
        for (y, m), arts in sorted(groups.items(), reverse=True)
    )


def month_name(year: int, month: int, language: str) -> str:
    """Name a month and its year in a language, as CLDR words it standing alone ('February 2026', 'ਫ਼ਰਵਰੀ 2026');
    a language CLDR does not know gets English."""
    try:
        locale = Locale.parse(language.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        locale = Locale("en")
    return format_date(date(year, month, 1), "LLLL y", locale=locale)


def plan_archives(site: Edition) -> list[Page]:
    """Plan /archive/ and each month's pages, paginated as sections are."""
    months, ed = months_of(site), site.folder
    pages = [Page(urls.archives(ed), "archives", "archives.html", ARCHIVE_TITLE, (), ArchivesView(months=months))]
    for month in months:
        pagers: list[Pager] = paginate(
            month.articles, site.config.per_page, lambda n, m=month: urls.archive(m.year, m.month, n, ed)
        )
        for pager in pagers:
            title = month.name if pager.number is None else f"{month.name} (page {pager.number})"
            pages.append(
                Page(
                    urls.archive(month.year, month.month, pager.number, ed),
                    "archive",
                    "archive.html",
                    title,
                    pager.items,
                    ArchiveView(month=month, pager=pager),
                )
            )
    return pages
