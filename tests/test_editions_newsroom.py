"""Issue #17's newsroom features in a bilingual paper: profiles across scripts, archives and related stories
per edition, standalone pages once, and their words in the edition's language."""

from __future__ import annotations

import json
import re

import pytest
from support import BILINGUAL, article, bilingual, build, read

AUTHORS = """\
["Harpreet Kaur"]
role = "Surrey correspondent"
bio = "Harpreet covers Surrey and the Fraser Valley."
names = ["ਹਰਪ੍ਰੀਤ ਕੌਰ"]
"""


def newsroom(site):
    return bilingual(
        site,
        **{
            "data/authors.toml": AUTHORS,
            "content/en-surrey.md": "---\ntitle: Surrey budget\nsection: National\nauthor: Harpreet Kaur\n"
            "date: 2026-01-20 09:00\ntags: [ferries]\n---\nThe budget.\n",
            "content/pages/about.md": "---\ntitle: About us\n---\nWho we are.\n",
        },
    )


def test_a_punjabi_byline_under_an_english_profile_links_its_page_in_the_punjabi_edition(site):
    newsroom(site)
    assert build(site) == 0
    story = read(site, "/pa/ਕੈਨੇਡਾ/ferry-fares/")
    assert 'href="/pa/authors/harpreet-kaur/"' in story
    assert ">ਹਰਪ੍ਰੀਤ ਕੌਰ</a>" in story  # the byline keeps its own spelling
    page = read(site, "/pa/authors/harpreet-kaur/")
    assert "Surrey correspondent" in page and "ਹਰਪ੍ਰੀਤ ਕੌਰ ਬਾਰੇ" not in page  # the profile's name heads it
    assert 'aria-label="Harpreet Kaur ਬਾਰੇ"' in page  # the edition's words around it
    assert "ਕਿਸਾਨਾਂ ਦੀ ਮੀਟਿੰਗ" in page and "Surrey budget" not in page  # the edition's own stories
    assert not (site / "public/pa/authors" / "ਹਰਪ੍ਰੀਤ-ਕੌਰ").exists()
    english = read(site, "/authors/harpreet-kaur/")
    assert "Surrey budget" in english and "ਕਿਸਾਨਾਂ" not in english
    people = [
        p
        for m in re.findall(r'<script type="application/ld\+json">(.*?)</script>', story, re.S)
        for p in json.loads(m).get("author", [])
    ]
    assert people and people[0]["url"].endswith("/pa/authors/harpreet-kaur/")


def test_each_edition_has_its_date_archive_in_its_language(site):
    newsroom(site)
    assert build(site) == 0
    months = read(site, "/pa/archive/")
    assert "ਪੁਰਾਲੇਖ" in months and 'href="/pa/archive/2026/02/"' in months
    february = read(site, "/pa/archive/2026/02/")
    assert "ਫ਼ਰਵਰੀ 2026" in february and "ਕਿਸਾਨਾਂ ਦੀ ਮੀਟਿੰਗ" in february and "Council meets" not in february
    assert not (site / "public/pa/archive/2026/01").exists()  # the Surrey budget is an English story
    english = read(site, "/archive/2026/02/")
    assert "February 2026" in english and "Council meets" in english and "ਕਿਸਾਨਾਂ" not in english
    assert 'href="/pa/archive/"' in read(site, "/pa/")  # the footer links the edition's archive


def test_related_stories_are_of_the_same_edition_and_pages_are_the_sites(site):
    newsroom(site)
    assert build(site) == 0
    english = read(site, "/national/ferry/")
    related = english.split('id="related-heading"', 1)[1].split("</aside>", 1)[0]
    assert "Surrey budget" in related and "ਫੈਰੀ" not in related
    assert "ferry-fares" not in related
    assert (site / "public/about/index.html").is_file() and not (site / "public/pa/about").exists()
    punjabi = read(site, "/pa/")
    assert 'href="/about/"' in punjabi and 'aria-label="ਸਾਡੇ ਬਾਰੇ"' in punjabi


def test_the_switch_on_author_topic_and_search_pages_goes_to_the_same_page_in_the_other_edition(site):
    toml = BILINGUAL.replace("[languages.pa]\n", "[languages.pa]\nper_page = 1\n")
    bilingual(
        site,
        toml,
        **{
            "data/authors.toml": AUTHORS,
            "content/en-surrey.md": article(
                "Surrey budget", author="Harpreet Kaur", date="2026-01-20 09:00", tags="[ferries, budget]"
            ),
            "content/pa-budget.md": article(
                "ਬਜਟ",
                section="ਕੈਨੇਡਾ",
                author="ਹਰਪ੍ਰੀਤ ਕੌਰ",
                lang="pa",
                date="2026-01-21 09:00",
                slug="budget",
                tags="[budget]",
            ),
        },
    )
    assert build(site) == 0

    def switch_to(url: str, lang: str) -> str:
        return re.search(rf'<a href="([^"]+)" hreflang="{lang}" lang="{lang}">', read(site, url)).group(1)

    assert switch_to("/authors/harpreet-kaur/", "pa") == "/pa/authors/harpreet-kaur/"
    assert switch_to("/pa/authors/harpreet-kaur/", "en") == "/authors/harpreet-kaur/"
    assert switch_to("/tags/budget/", "pa") == "/pa/tags/budget/"
    assert switch_to("/pa/tags/budget/", "en") == "/tags/budget/"
    assert switch_to("/search/", "pa") == "/pa/search/" and switch_to("/pa/search/", "en") == "/search/"
    # Without a version in the other edition, the switch goes to its front page.
    assert switch_to("/authors/ann-writer/", "pa") == "/pa/"
    assert switch_to("/tags/ferries/", "pa") == "/pa/"
    # The versions name one another as hreflang alternates; a numbered page switches to the first page only.
    assert '<link rel="alternate" hreflang="pa" href="https://gazette.example/pa/authors/harpreet-kaur/">' in read(
        site, "/authors/harpreet-kaur/"
    )
    numbered = next((site / "public/pa/authors/harpreet-kaur/page").glob("*/index.html"))
    url = "/" + numbered.relative_to(site / "public").parent.as_posix() + "/"
    assert switch_to(url, "en") == "/authors/harpreet-kaur/" and 'hreflang="x-default"' not in read(site, url)


def test_an_editions_own_standalone_pages_replace_the_sites_in_its_footer(site, capsys):
    newsroom(site)
    (site / "content/pages/ethics.md").write_text("---\ntitle: Ethics policy\n---\nOur rules.\n", encoding="utf-8")
    (site / "content/pages/pa").mkdir()
    (site / "content/pages/pa/about.md").write_text("---\ntitle: ਸਾਡੇ ਬਾਰੇ ਜਾਣੋ\n---\nਅਸੀਂ ਕੌਣ ਹਾਂ।\n", encoding="utf-8")
    (site / "content/pages/pa/contact.md").write_text("---\ntitle: ਸੰਪਰਕ\n---\nਸਾਨੂੰ ਲਿਖੋ।\n", encoding="utf-8")
    assert build(site) == 0
    page = read(site, "/pa/about/")
    assert '<html lang="pa"' in page and "ਅਸੀਂ ਕੌਣ ਹਾਂ।" in page
    footer = read(site, "/pa/ਕੈਨੇਡਾ/ferry-fares/").split('<nav aria-label="ਸਾਡੇ ਬਾਰੇ">', 1)[1].split("</nav>", 1)[0]
    assert re.findall(r'<a href="([^"]+)">([^<]+)</a>', footer) == [
        ("/pa/about/", "ਸਾਡੇ ਬਾਰੇ ਜਾਣੋ"),
        ("/ethics/", "Ethics policy"),
        ("/pa/contact/", "ਸੰਪਰਕ"),
    ]
    english = read(site, "/national/ferry/")
    assert 'href="/about/">About us</a>' in english and "/pa/about/" not in english.split("<footer", 1)[1]
    # The versions of a page switch to one another; a page only one edition has switches to the front page.
    assert '<a href="/pa/about/" hreflang="pa"' in read(site, "/about/")
    assert '<a href="/about/" hreflang="en"' in page
    assert '<a href="/" hreflang="en"' in read(site, "/pa/contact/")
    (site / "content/pages/pan").mkdir()
    (site / "content/pages/pan/x.md").write_text("---\ntitle: X\n---\nX.\n", encoding="utf-8")
    assert build(site) == 1
    assert (
        "x.md: a page in a subfolder of content/pages/ is not published (pan/ is no edition's folder "
        "(did you mean 'pa'?)" in capsys.readouterr().err
    )


def test_a_profile_gives_its_role_and_bio_in_each_editions_language(site, capsys):
    newsroom(site)
    (site / "data/authors.toml").write_text(
        AUTHORS + '\n["Harpreet Kaur".pa]\nrole = "ਸਰੀ ਪੱਤਰਕਾਰ"\nbio = "ਹਰਪ੍ਰੀਤ ਸਰੀ ਅਤੇ ਫ਼ਰੇਜ਼ਰ ਵੈਲੀ ਦੀਆਂ ਖ਼ਬਰਾਂ ਲਿਖਦੀ ਹੈ।"\n',
        encoding="utf-8",
    )
    assert build(site) == 0
    punjabi = read(site, "/pa/authors/harpreet-kaur/")
    assert "ਸਰੀ ਪੱਤਰਕਾਰ" in punjabi and "ਹਰਪ੍ਰੀਤ ਸਰੀ ਅਤੇ ਫ਼ਰੇਜ਼ਰ ਵੈਲੀ" in punjabi
    assert "Surrey correspondent" not in punjabi and "Harpreet covers Surrey" not in punjabi
    english = read(site, "/authors/harpreet-kaur/")
    assert "Surrey correspondent" in english and "ਸਰੀ ਪੱਤਰਕਾਰ" not in english
    story = read(site, "/pa/ਕੈਨੇਡਾ/ferry-fares/")
    people = [
        p
        for m in re.findall(r'<script type="application/ld\+json">(.*?)</script>', story, re.S)
        for p in json.loads(m).get("author", [])
    ]
    assert people[0]["jobTitle"] == "ਸਰੀ ਪੱਤਰਕਾਰ"
    (site / "data/authors.toml").write_text(
        AUTHORS + '\n["Harpreet Kaur".pan]\nrole = "x"\n\n["Harpreet Kaur".pa]\nrol = "ਸਰੀ ਪੱਤਰਕਾਰ"\n', encoding="utf-8"
    )
    assert build(site) == 1
    err = capsys.readouterr().err
    assert (
        "authors.toml:1: 'Harpreet Kaur': [\"Harpreet Kaur\".pan] is for the edition 'pan', which the site "
        "does not have (did you mean 'pa'?); the other editions are: pa" in err
    )
    assert "'Harpreet Kaur': [\"Harpreet Kaur\".pa]: unknown key 'rol' (did you mean 'role'?)" in err


@pytest.mark.slow
def test_an_editions_page_and_profile_words_added_later_build_as_a_clean_build(tmp_path):
    from support import clean_build, tree_snapshot

    site = newsroom(tmp_path / "site")
    assert build(site) == 0
    (site / "content/pages/pa").mkdir()
    (site / "content/pages/pa/about.md").write_text("---\ntitle: ਸਾਡੇ ਬਾਰੇ ਜਾਣੋ\n---\nਅਸੀਂ ਕੌਣ ਹਾਂ।\n", encoding="utf-8")
    (site / "data/authors.toml").write_text(AUTHORS + '\n["Harpreet Kaur".pa]\nrole = "ਸਰੀ ਪੱਤਰਕਾਰ"\n', encoding="utf-8")
    assert build(site) == 0  # from the cache the first build left
    assert tree_snapshot(site / "public") == clean_build(site, tmp_path)
    assert "ਸਰੀ ਪੱਤਰਕਾਰ" in read(site, "/pa/authors/harpreet-kaur/") and 'href="/pa/about/"' in read(site, "/pa/")
