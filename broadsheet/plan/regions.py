"""Live regions: what must be fresh on every page, drawn once per build into small fragments (pure).

A story's page is final: it carries only what was settled when the story was published. What changes with the
clock or with other stories (the edition date, the breaking-news banner, the latest stories of the site and of
each section) is a live region, drawn once per build per edition and brought into every page by an include:

- `client` (the default, for any static host): each page loads /fragments/live.js, a few kilobytes that hold
  every region and fill them as the page is read; the date is the reader's today in the site's time zone;
- `ssi`: `<!--# include virtual="/fragments/<region>.html" -->`, for nginx and Apache;
- `esi`: `<esi:include src="/fragments/<region>.html"/>`, for Fastly, Akamai and Varnish;
- `static`: drawn into every page, which then changes with the clock and with other stories.

The templates choose by `site.includes` (partials/region.html); this module plans the fragments.
"""

from __future__ import annotations

from broadsheet import urls
from broadsheet.model.site import Edition
from broadsheet.plan.page import Page
from broadsheet.plan.views import FragmentView, LiveScriptView

LATEST_COUNT = 5  # stories in a "Latest" region
DATE, BREAKING, LATEST = "date", "breaking", "latest"  # the regions; each section's latest is "latest-<slug>"
FRAGMENT_KIND = "fragment"


def section_region(slug: str) -> str:
    """Name the region of a section's latest stories."""
    return f"{LATEST}-{slug}"


def plan_regions(site: Edition) -> list[Page]:
    """Plan one edition's fragments for its way of including them (none when regions are drawn into pages)."""
    mode, ed = site.config.includes, site.folder
    if mode == "static":
        return []
    newest = site.articles[:LATEST_COUNT]
    sections = tuple((s, s.articles[:LATEST_COUNT]) for s in site.sections)
    if mode == "client":
        shown = tuple(dict.fromkeys((*site.breaking, *newest, *(a for _, arts in sections for a in arts))))
        return [
            Page(
                urls.fragment("live.js", ed),
                FRAGMENT_KIND,
                "live.js",
                "Live regions",
                shown,
                LiveScriptView(stories=newest, sections=sections),
            )
        ]
    pages = [
        Page(
            urls.fragment(f"{DATE}.html", ed),
            FRAGMENT_KIND,
            "fragment.html",
            "Edition date",
            (),
            FragmentView(region=DATE),
        ),
        Page(
            urls.fragment(f"{BREAKING}.html", ed),
            FRAGMENT_KIND,
            "fragment.html",
            "Breaking news",
            site.breaking,
            FragmentView(region=BREAKING),
        ),
        Page(
            urls.fragment(f"{LATEST}.html", ed),
            FRAGMENT_KIND,
            "fragment.html",
            "Latest",
            newest,
            FragmentView(region=LATEST, stories=newest),
        ),
    ]
    for section, stories in sections:
        pages.append(
            Page(
                urls.fragment(f"{section_region(section.slug)}.html", ed),
                FRAGMENT_KIND,
                "fragment.html",
                f"Latest in {section.name}",
                stories,
                FragmentView(region=LATEST, section=section, stories=stories),
            )
        )
    return pages
