"""Bilingual and multilingual editions (issue #16): every page in its language, versions linked."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import SITE_TOML, article, build, read, tree_snapshot, write_site
from lxml import etree

BILINGUAL = SITE_TOML + """
language = "en"

[languages.pa]
title = "ਫ਼ਰੇਜ਼ਰ ਵੈਲੀ ਸਾਂਝ"
sections = ["ਪੰਜਾਬ", "ਕੈਨੇਡਾ"]
"""


def bilingual(root: Path, toml: str = BILINGUAL, **more: str) -> Path:
    return write_site(root, {
        "site.toml": toml,
        "content/ferry.md": article("Ferry fares rise", author="Ann Writer", tags="[ferries]",
                                    translation_key="ferry-fares", body="Fares rise in April."),
        "content/council.md": article("Council meets", section="Sports", date="2026-02-02 09:00"),
        "content/pa-ferry.md": article("ਫੈਰੀ ਦੇ ਕਿਰਾਏ ਵਧੇ", section="ਕੈਨੇਡਾ", author="ਹਰਪ੍ਰੀਤ ਕੌਰ", lang="pa",
                                       translation_key="ferry-fares", slug="ferry-fares", tags="[ਫੈਰੀ]",
                                       body="ਅਪ੍ਰੈਲ ਵਿੱਚ ਕਿਰਾਏ ਵਧਣਗੇ।"),
        "content/pa-farm.md": article("ਕਿਸਾਨਾਂ ਦੀ ਮੀਟਿੰਗ", section="ਪੰਜਾਬ", author="ਹਰਪ੍ਰੀਤ ਕੌਰ", lang="pa",
                                      date="2026-02-03 10:00", slug="farmers", body="ਮੀਟਿੰਗ ਹੋਈ।"),
        **more,
    })


def html_pages(public: Path) -> dict[str, str]:
    return {"/" + p.relative_to(public).as_posix(): p.read_text(encoding="utf-8")
            for p in sorted(public.rglob("*.html")) if "pagefind" not in p.parts}


def test_each_edition_has_its_pages_under_its_folder(site):
    bilingual(site)
    assert build(site) == 0
    public = site / "public"
    for rel in ("index.html", "pa/index.html", "pa/ਕੈਨੇਡਾ/ferry-fares/index.html", "pa/ਪੰਜਾਬ/farmers/index.html",
                "pa/authors/index.html", "pa/tags/index.html", "pa/search/index.html", "pa/404.html",
                "pa/feed.xml", "pa/rss.xml", "pa/ਕੈਨੇਡਾ/feed.xml", "national/ferry/index.html"):
        assert (public / rel).is_file(), rel
    english_home = read(site, "/")
    assert "Ferry fares rise" in english_home and "ਕਿਸਾਨਾਂ" not in english_home
    punjabi_home = read(site, "/pa/")
    assert "ਕਿਸਾਨਾਂ ਦੀ ਮੀਟਿੰਗ" in punjabi_home and "Council meets" not in punjabi_home


def test_every_page_says_its_language(site):
    bilingual(site)
    assert build(site) == 0
    public = site / "public"
    for url, text in html_pages(public).items():
        want = "pa" if url.startswith("/pa/") else "en"
        assert f'<html lang="{want}"' in text, url
        for data in re.findall(r'<script type="application/ld\+json">(.*?)</script>', text):
            found = json.loads(data)
            if "inLanguage" in found:
                assert found["inLanguage"] == want, url
        if 'property="og:locale"' in text or "noindex" not in text:
            assert f'<meta property="og:locale" content="{want}">' in text, url
    news = etree.parse(str(public / "news-sitemap.xml"))
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "n": "http://www.google.com/schemas/sitemap-news/0.9"}
    for url in news.getroot().iterfind("s:url", ns):
        loc = url.findtext("s:loc", namespaces=ns)
        lang = url.findtext("n:news/n:publication/n:language", namespaces=ns)
        assert lang == ("pa" if "/pa/" in loc else "en"), loc
    for feed in public.rglob("*.xml"):
        if feed.name == "feed.xml":
            want = "pa" if feed.relative_to(public).parts[0] == "pa" else "en"
            assert etree.parse(str(feed)).getroot().get("{http://www.w3.org/XML/1998/namespace}lang") == want, feed
        if feed.name == "rss.xml":
            want = "pa" if feed.relative_to(public).parts[0] == "pa" else "en"
            assert etree.parse(str(feed)).getroot().findtext("channel/language") == want, feed


# Words of the theme that must never be left in English on a page of another edition.
ENGLISH_WORDS = ("Skip to content", "Front page", "Our journalists", "Search stories", "min read", "More from",
                 "Latest", "No stories yet", "Page not found", "Topics", " By ", ">By ", "Sections", "Thursday",
                 "February", " AM", " PM")


def visible_text(html: str) -> str:
    """The page's words as a reader and a screen reader meet them: text and the attributes read aloud."""
    html = re.sub(r"<script.*?</script>", "", html, flags=re.DOTALL)
    attributes = " ".join(re.findall(r'(?:aria-label|placeholder|alt|title)="([^"]*)"', html))
    return re.sub(r"<[^>]+>", " ", html) + " " + attributes


def test_punjabi_pages_have_punjabi_words_and_dates(site):
    bilingual(site)
    assert build(site) == 0
    for url, text in html_pages(site / "public").items():
        if not url.startswith("/pa/"):
            continue
        words = visible_text(text)
        for english in ENGLISH_WORDS:
            assert english not in words, (url, english)
    story = read(site, "/pa/ਕੈਨੇਡਾ/ferry-fares/")
    assert "ਵੀਰਵਾਰ, 12 ਫ਼ਰਵਰੀ 2026" in story  # the edition date, by CLDR
    assert "1 ਫ਼ਰ 2026, ਸਵੇਰੇ 9:00" in story  # the dateline
    assert "1 ਮਿੰਟ ਦੀ ਪੜ੍ਹਤ" in story and "ਹਰਪ੍ਰੀਤ ਕੌਰ</a> ਵੱਲੋਂ" in story
    assert "Thursday, February 12, 2026" in read(site, "/national/ferry/")  # English pages stay as they were


def test_plural_forms_follow_each_language(site):
    long_body = " ".join(["word"] * 1200)
    bilingual(site, **{
        "content/long.md": article("A long read", body=long_body, date="2026-02-04 09:00"),
        "content/pa-long.md": article("ਲੰਮੀ ਖ਼ਬਰ", section="ਪੰਜਾਬ", lang="pa", slug="long", body=long_body,
                                      date="2026-02-04 09:00"),
    })
    assert build(site) == 0
    assert "1 min read" in read(site, "/national/ferry/") and "6 min read" in read(site, "/national/long/")
    assert "6 ਮਿੰਟ ਦੀ ਪੜ੍ਹਤ" in read(site, "/pa/ਪੰਜਾਬ/long/")
    author = read(site, "/pa/authors/ਹਰਪ੍ਰੀਤ-ਕੌਰ/")
    assert "ਫ਼ਰੇਜ਼ਰ ਵੈਲੀ ਸਾਂਝ ਲਈ 2 ਖ਼ਬਰਾਂ" in author  # n > 1: the plural
    assert "1 story" in read(site, "/tags/ferries/")


def test_french_and_hindi_catalogs_and_a_sites_own_strings(site):
    toml = SITE_TOML + '\nlanguage = "fr"\n\n[languages.hi]\nsections = ["देश"]\n\n[languages.pa]\nsections = ["ਪੰਜਾਬ"]\n'
    write_site(site, {
        "site.toml": toml,
        "content/a.md": article("Les tarifs augmentent", date="2026-02-01 21:05"),
        "content/b.md": article("किराया बढ़ा", section="देश", lang="hi", slug="kiraya"),
        "content/c.md": article("ਕਿਰਾਇਆ ਵਧਿਆ", section="ਪੰਜਾਬ", lang="pa", slug="kiraya"),
        # The site replaces one of the theme's Punjabi strings, and keeps the rest.
        "locales/pa/LC_MESSAGES/messages.po": 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'
                                              'msgid "Skip to content"\nmsgstr "ਸਿੱਧੇ ਖ਼ਬਰ ’ਤੇ ਜਾਓ"\n',
    })
    assert build(site) == 0
    french = read(site, "/national/a/")
    assert "jeudi 12 février 2026" in french and "1 févr. 2026, 21:05" in french
    assert "Aller au contenu" in french and "1 min de lecture" in french and "Par " in french
    hindi = read(site, "/hi/देश/kiraya/")
    assert "गुरुवार, 12 फ़रवरी 2026" in hindi and "मुख्य सामग्री पर जाएँ" in hindi
    punjabi_home = read(site, "/pa/")
    assert "ਸਿੱਧੇ ਖ਼ਬਰ ’ਤੇ ਜਾਓ" in punjabi_home and "ਮੁੱਖ ਸਮੱਗਰੀ ’ਤੇ ਜਾਓ" not in punjabi_home
    assert "ਮੁੱਖ ਪੰਨਾ" in punjabi_home  # every other string is the theme's


def _story(title: str, section: str, lang: str | None, key: str | None, body: str = "Body.") -> str:
    fields = {"slug": "same"}
    if lang:
        fields["lang"] = lang
    if key:
        fields["translation_key"] = key
    return article(title, section=section, date="2026-02-10 09:00", body=body, **fields)


# Each step rewrites one file: (path under the site, its new text).
INCREMENTAL_STEPS = [
    ("content/a.md", _story("Ferry", "National", None, "k1")),  # given a key: the pa version gains alternates
    ("content/b.md", _story("ਫੈਰੀ", "ਕੈਨੇਡਾ", "pa", None)),  # loses it
    ("content/b.md", _story("ਫੈਰੀ", "ਕੈਨੇਡਾ", "pa", "k1")),  # and gains it back
    ("content/c.md", _story("Council", "National", "pa", None)),  # an English section in the pa edition: an error
    ("content/c.md", _story("ਕੌਂਸਲ", "ਪੰਜਾਬ", "pa", None)),  # the story changes language (and URL)
    ("content/c.md", _story("Council", "Sports", "en", "k1")),  # back, with a key an English story has: an error
    ("content/c.md", _story("Council", "Sports", "en", "k2")),
    ("locales/pa/LC_MESSAGES/messages.po", ('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'
                                            'msgid "Topics"\nmsgstr "ਮਜ਼ਮੂਨ"\n')),  # the site's own catalog
    ("content/a.md", _story("Ferry", "National", None, "k1", body="A new body.")),
    ("site.toml", BILINGUAL.replace("ਫ਼ਰੇਜ਼ਰ ਵੈਲੀ ਸਾਂਝ", "ਸਾਂਝ")),  # the edition's title
    ("content/b.md", _story("ਫੈਰੀ", "ਕੈਨੇਡਾ", "pa", None)),
]


def test_incremental_builds_equal_clean_builds_when_languages_and_keys_change(tmp_path):
    from dataclasses import replace
    from datetime import datetime

    from test_perf_incremental import full_build

    from broadsheet.errors import BuildError
    from broadsheet.options import BuildOptions
    from broadsheet.pipeline import build_with_cache
    from broadsheet.preview.session import Session

    now = datetime.fromisoformat("2026-02-12T12:00:00-08:00")
    site = write_site(tmp_path / "site", {
        "site.toml": BILINGUAL.replace('language = "en"', 'language = "en"\nsearch = false'),
        "content/a.md": _story("Ferry", "National", None, None),
        "content/b.md": _story("ਫੈਰੀ", "ਕੈਨੇਡਾ", "pa", "k1"),
        "content/c.md": _story("Council", "Sports", None, None),
    })
    opts = BuildOptions(site, tmp_path / "live", now, jobs=1)
    session = Session(opts)
    session.rebuild()
    build_with_cache(replace(opts, out_dir=tmp_path / "public"))
    failed = 0
    for rel, text in INCREMENTAL_STEPS:
        path = site / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if rel == "site.toml":
            text = text.replace('language = "en"', 'language = "en"\nsearch = false')
        path.write_text(text, encoding="utf-8")
        try:
            expected = full_build(site, now, tmp_path)
        except BuildError:  # the same error from both incremental builds, and the last output kept
            failed += 1
            with pytest.raises(BuildError):
                session.rebuild({path}, now=now)
            with pytest.raises(BuildError):
                build_with_cache(replace(opts, out_dir=tmp_path / "public"))
            continue
        session.rebuild({path}, now=now)
        build_with_cache(replace(opts, out_dir=tmp_path / "public"))
        assert tree_snapshot(tmp_path / "live") == expected, rel
        assert tree_snapshot(tmp_path / "public") == expected, rel
    session.close()
    assert failed == 2
    assert "ਮਜ਼ਮੂਨ" in (tmp_path / "public/pa/tags/index.html").read_text(encoding="utf-8")
