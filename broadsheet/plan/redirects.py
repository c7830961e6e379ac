"""Redirects: each live story's old URLs (its `aliases`), as pages and as the files hosts read (pure).

Every redirect points straight at the story's current URL, so there are no chains: a story moved twice
lists both old URLs, and both lead to the newest in one hop. An alias that is another story's URL or
alias is refused when the stories are loaded (load/sources.py); one that is any other page's URL is
refused here, once the pages are known.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

from broadsheet import urls
from broadsheet.errors import Problem
from broadsheet.load.sources import line_of
from broadsheet.model.site import Paper
from broadsheet.plan.page import Page
from broadsheet.plan.views import RedirectsView, RedirectView


def plan_redirects(site: Paper) -> list[Page]:
    """Plan a small page at each alias of a live story, and the host files listing them (none without aliases)."""
    moved = tuple(a for a in site.articles if a.aliases)
    if not moved:
        return []
    # The headline is read through the view, not held in the plan: an edit in place refreshes the view's story.
    pages = [
        Page(alias, "redirect", "redirect.html", "Moved", (a,), RedirectView(article=a, target=a.url))
        for a in moved
        for alias in a.aliases
    ]
    pairs = tuple(sorted((alias, a.url) for a in moved for alias in a.aliases))  # each page: (url, target)
    return [
        *pages,
        Page(urls.host_redirects(), "redirects", "_redirects.txt", "Redirects", moved, RedirectsView(redirects=pairs)),
        Page(
            urls.nginx_redirects(),
            "redirects",
            "redirects.nginx.txt",
            "Redirects",
            moved,
            RedirectsView(redirects=pairs, variants=nginx_variants(pairs)),
        ),
    ]


def nginx_variants(pairs: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
    """List each alias as nginx's `$uri` spells it (decoded), with and without a folder's final slash."""
    out: dict[str, str] = {}
    for old, new in pairs:
        decoded = unquote(old)
        key = old if _NGINX_SPECIAL.search(decoded) else decoded  # kept encoded rather than break the file
        out.setdefault(key, new)
        if key.endswith("/"):
            out.setdefault(key.rstrip("/"), new)
    return tuple(sorted(out.items()))


_NGINX_SPECIAL = re.compile(r"[\x00-\x20\x7f\"'\\$;{}<>&]")


def redirect_collisions(pages: list[Page]) -> list[Problem]:
    """Report each alias that is the URL of another page of the site (a section, an author, a feed...)."""
    taken = {p.output_path.casefold(): p for p in pages if p.kind != "redirect"}
    problems = []
    for page in pages:
        if page.kind == "redirect" and (other := taken.get(page.output_path.casefold())) is not None:
            story = page.articles[0]
            problems.append(
                Problem(
                    story.path,
                    line_of(story.path, page.url),
                    f"alias {page.url} is the URL of the site's {other.kind} page {other.title!r}; "
                    "remove it from 'aliases'",
                )
            )
    return problems


def uncovered_moves(before: Paper | None, after: Paper) -> list[Problem]:
    """Warn of each live story whose URL changed since the last build with no alias keeping the old one alive.

    The warning gives the exact `aliases:` line to add (`broadsheet move` writes it for the editor).
    """
    if before is None:
        return []
    # A story read again is a new object; one that was not keeps its URL. Only those are matched by file (a
    # story's file name is made a Path when first read: 1 s for 100,000 stories).
    kept = set(map(id, after.articles)) & set(map(id, before.articles))
    now = {str(a.path): a for a in after.articles if id(a) not in kept}
    taken = {a.url for a in after.articles} | {alias for a in after.articles for alias in a.aliases}
    warnings = []
    for old in before.articles:
        if id(old) in kept:
            continue
        new = now.get(str(old.path))
        if new is None or new.url == old.url or old.url in taken:
            continue
        line = "aliases: [" + ", ".join(f'"{a}"' for a in (*new.aliases, old.url)) + "]"
        warnings.append(
            Problem(
                new.path,
                line_of(new.path, "aliases:") if new.aliases else None,
                f"warning: its URL changed from {old.url} to {new.url}, and the old one is now "
                f"dead; to redirect it, put this line in its front matter: {line}",
            )
        )
    return warnings
