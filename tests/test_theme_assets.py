"""Fingerprinted CSS/JS, reading time, the print stylesheet, search indexing and the page contract."""

from __future__ import annotations

import re

from support import article, build, read, write_site

from broadsheet import urls
from broadsheet.render.theme import reading_minutes


def stylesheet_urls(html: str) -> list[str]:
    return re.findall(r'<link rel="stylesheet" href="([^"]+)"', html)


def test_css_is_served_under_a_content_hash_that_changes_with_the_file(site):
    write_site(site, {"content/a.md": article("A")})
    assert build(site) == 0
    first = stylesheet_urls(read(site, "/national/a/"))
    assert re.fullmatch(r"/css/site\.[0-9a-f]{10}\.css", first[0]) and re.fullmatch(
        r"/css/print\.[0-9a-f]{10}\.css", first[1]
    )
    assert (site / "public" / first[0].lstrip("/")).read_bytes() == (site / "static/css/site.css").read_bytes()
    with open(site / "static/css/site.css", "a") as fh:
        fh.write("\nbody { color: red; }\n")
    assert build(site) == 0
    second = stylesheet_urls(read(site, "/national/a/"))
    assert second[0] != first[0] and second[1] == first[1]
    assert (site / "public" / second[0].lstrip("/")).exists() and not (site / "public" / first[0].lstrip("/")).exists()
    assert stylesheet_urls(read(site, "/")) == second  # every page follows


def test_search_page_script_is_fingerprinted(site):
    write_site(site, {"content/a.md": article("A")})
    assert build(site) == 0
    script = re.search(r'<script type="module" src="([^"]+)"', read(site, "/search/")).group(1)
    assert re.fullmatch(r"/js/search\.[0-9a-f]{10}\.js", script) and (site / "public" / script.lstrip("/")).exists()


def test_asset_naming_a_missing_file_is_a_template_problem(site, capsys):
    write_site(
        site,
        {
            "content/a.md": article("A"),
            "templates/404.html": '{% extends "base.html" %}{% block main %}'
            "<link href=\"{{ asset('css/gone.css') }}\">{% endblock %}",
        },
    )
    assert build(site) == 1
    assert "templates/404.html:1: asset('css/gone.css'): no file static/css/gone.css" in capsys.readouterr().err


def test_fingerprinted_names_keep_folders_and_extensions():
    assert urls.fingerprinted("css/site.css", "0123456789abcdef") == "/css/site.0123456789.css"
    assert urls.fingerprinted("js/app.min.js", "fedcba9876543210") == "/js/app.min.fedcba9876.js"


def test_reading_time_counts_words_not_markup():
    assert reading_minutes("<p>" + "word " * 10 + "</p>") == 1
    assert reading_minutes("<p>" + "word " * 231 + "</p>") == 2
    assert reading_minutes('<p><a href="/a-very-long-url-that-is-not-words">one</a> two</p>') == 1


def test_article_shows_reading_time_and_print_stylesheet(site):
    write_site(site, {"content/a.md": article("Long read", body=("Sentence of several words here. " * 120))})
    assert build(site) == 0
    html = read(site, "/national/a/")
    assert "3 min read" in html  # 600 words at 230 a minute
    print_css = re.search(r'<link rel="stylesheet" href="([^"]+)" media="print">', html).group(1)
    css = (site / "public" / print_css.lstrip("/")).read_text()
    assert ".rail" in css and ".ad-slot" in css and "display: none" in css


def test_search_index_is_built_into_the_output(site):
    write_site(site, {"content/a.md": article("Harbour ferry plan", body="The gulls were unimpressed.")})
    assert build(site) == 0
    public = site / "public"
    assert (public / "pagefind" / "pagefind.js").is_file()
    assert list((public / "pagefind" / "fragment").glob("*.pf_fragment"))  # one fragment per indexed page
    # The masthead box sends its query to the search page.
    assert '<form class="search-box" role="search" aria-label="Site search" action="/search/" method="get">' in read(
        site, "/"
    )


def test_only_one_fragment_per_article_is_indexed(site):
    write_site(site, {f"content/{n}.md": article(f"Story {n}", date=f"2026-02-0{n} 09:00") for n in (1, 2, 3)})
    assert build(site) == 0
    # Stories are indexed, not lists, author, tag, search or 404 pages.
    assert len(list((site / "public/pagefind").rglob("*.pf_fragment"))) == 3  # in whichever shards hold them


def test_front_page_links_every_section_by_name_and_article_keeps_the_contract(site):
    write_site(site, {"content/a.md": article("Headline here"), "content/b.md": article("Other", date="2026-01-01")})
    assert build(site) == 0
    home = read(site, "/")
    for name, slug in (("National", "national"), ("Sports", "sports"), ("Arts &amp; Culture", "arts-culture")):
        assert f'<a href="/{slug}/">{name}</a>' in home
    page = read(site, "/national/a/")
    assert page.count("<h1>") == 1 and "<h1>Headline here</h1>" in page
    aside = page.split('<aside class="rail more-from"', 1)[1].split("</aside>", 1)[0]
    assert "More from National</h2>" in aside and "Other" in aside
    assert '"@type": "NewsArticle"' in page


def test_a_site_without_stories_builds_without_an_index(site):
    write_site(site, {})
    assert build(site) == 0
    assert not (site / "public/pagefind").exists()
    write_site(site, {"content/a.md": article("A")})
    assert build(site) == 0
    assert (site / "public/pagefind/pagefind-entry.json").exists()
