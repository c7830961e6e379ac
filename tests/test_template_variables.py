"""Each template gets its documented variables with the values they describe, and an optional one only when it
applies (templates test it with `is defined`): a view that lost a variable, or gave one where it should not,
changes what these templates print."""

from __future__ import annotations

import pytest
from support import SITE_TOML, article, build, read, write_site

# A story's page: every variable docs/templates.md lists for article.html, and the optional ones as present or not.
ARTICLE = (
    "site={{ site.title }}|page={{ page.url }}|article={{ article.title }}|section={{ section.name }}"
    '|more_from={{ more_from|map(attribute="title")|join(",") }}'
    '|related={{ related|map(attribute="title")|join(",") }}'
    '|jsonld={{ jsonld["@type"] }}:{{ jsonld.headline }}|meta={{ meta.title }}:{{ meta.type }}'
    '|live_feed={{ live_feed if live_feed is defined else "absent" }}'
    '|latest_in_section={{ latest_in_section|map(attribute="title")|join(",") if latest_in_section is defined'
    ' else "absent" }}'
    '|languages={{ "present" if languages is defined else "absent" }}'
    '|alternates={{ "present" if alternates is defined else "absent" }}\n'
)
SECTION = (
    "site={{ site.title }}|page={{ page.url }}|section={{ section.name }}"
    '|pager={{ pager.number if pager.number is not none else "front" }}:'
    '{{ pager.items|map(attribute="title")|join(",") }}'
    '|meta={{ meta.title }}:{{ meta.type }}|languages={{ "present" if languages is defined else "absent" }}\n'
)


def gazette(root, includes: str):
    return write_site(
        root,
        {
            "site.toml": SITE_TOML + f'includes = "{includes}"\n',
            "templates/article.html": ARTICLE,
            "templates/section.html": SECTION,
            "content/national/first.md": article("First story", date="2026-02-01 09:00", tags="[Ferry]"),
            "content/national/second.md": article("Second story", date="2026-02-02 09:00", tags="[Ferry]"),
            "content/national/live.md": article(
                "Live story", date="2026-02-12 09:00", live="true", live_until="2026-02-12 18:00"
            ),
        },
    )


@pytest.mark.parametrize("includes", ["client", "static"])
def test_a_story_page_gets_every_documented_variable(tmp_path, includes):
    site = gazette(tmp_path / "site", includes)
    assert build(site) == 0
    latest = "Live story,Second story,First story" if includes == "static" else "absent"
    assert read(site, "/national/second/") == (
        "site=The Test Gazette|page=/national/second/|article=Second story|section=National"
        "|more_from=First story|related=First story|jsonld=NewsArticle:Second story|meta=Second story:article"
        f"|live_feed=absent|latest_in_section={latest}|languages=absent|alternates=absent\n"
    )
    live = read(site, "/national/live/")
    assert "|jsonld=LiveBlogPosting:Live story|" in live
    assert "|live_feed=/national/live/updates.xml|" in live


def test_a_section_page_gets_every_documented_variable(tmp_path):
    site = gazette(tmp_path / "site", "client")
    assert build(site) == 0
    assert read(site, "/national/") == (
        "site=The Test Gazette|page=/national/|section=National"
        "|pager=front:Live story,Second story,First story|meta=National:website|languages=absent\n"
    )
