"""Bilingual and multilingual editions (issue #16): every page in its language, versions linked."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import quote

import pytest
from lxml import etree
from support import BILINGUAL, SITE_TOML, article, bilingual, build, clean_build, read, run, tree_snapshot, write_site


def html_pages(public: Path) -> dict[str, str]:
    return {
        "/" + p.relative_to(public).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(public.rglob("*.html"))
        if "pagefind" not in p.parts
    }


def test_each_edition_has_its_pages_under_its_folder(site):
    bilingual(site)
    assert build(site) == 0
    public = site / "public"
    for rel in (
        "index.html",
        "pa/index.html",
        "pa/ਕੈਨੇਡਾ/ferry-fares/index.html",
        "pa/ਪੰਜਾਬ/farmers/index.html",
        "pa/authors/index.html",
        "pa/tags/index.html",
        "pa/search/index.html",
        "pa/404.html",
        "pa/feed.xml",
        "pa/rss.xml",
        "pa/ਕੈਨੇਡਾ/feed.xml",
        "national/ferry/index.html",
    ):
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
            assert f'<meta property="og:locale" content="{want}_{"IN" if want == "pa" else "US"}">' in text, url
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
ENGLISH_WORDS = (
    "Skip to content",
    "Front page",
    "Our journalists",
    "Search stories",
    "min read",
    "More from",
    "Latest",
    "No stories yet",
    "Page not found",
    "Topics",
    " By ",
    ">By ",
    "Sections",
    "Thursday",
    "February",
    " AM",
    " PM",
)


def visible_text(html: str) -> str:
    """The page's words as a reader and a screen reader meet them: text and the attributes read aloud."""
    html = re.sub(r"<script.*?</script>", "", html, flags=re.DOTALL)
    attributes = " ".join(re.findall(r'(?:aria-label|placeholder|alt|title)="([^"]*)"', html))
    return re.sub(r"<[^>]+>", " ", html) + " " + attributes


def test_punjabi_pages_have_punjabi_words_and_dates(site):
    bilingual(site)
    toml = site / "site.toml"
    toml.write_text('includes = "ssi"\n' + toml.read_text())  # the edition date in a fragment the server includes
    assert build(site) == 0
    for url, text in html_pages(site / "public").items():
        if not url.startswith("/pa/"):
            continue
        words = visible_text(text)
        for english in ENGLISH_WORDS:
            assert english not in words, (url, english)
    story = read(site, "/pa/ਕੈਨੇਡਾ/ferry-fares/")
    assert "ਵੀਰਵਾਰ, 12 ਫ਼ਰਵਰੀ 2026" in read(site, "/pa/fragments/date.html")  # the edition date, by CLDR
    assert "1 ਫ਼ਰ 2026, ਸਵੇਰੇ 9:00" in story  # the dateline
    assert "1 ਮਿੰਟ ਦੀ ਪੜ੍ਹਤ" in story and "ਹਰਪ੍ਰੀਤ ਕੌਰ</a> ਵੱਲੋਂ" in story
    assert "Thursday, February 12, 2026" in read(site, "/fragments/date.html")  # English pages stay as they were
    search = read(site, "/pa/search/")  # the words the search script shows, in Punjabi, one per plural form
    assert 'data-searching="ਖੋਜ ਜਾਰੀ ਹੈ…"' in search and 'data-other="“{q}” ਨਾਲ {n} ਖ਼ਬਰਾਂ ਮਿਲੀਆਂ।"' in search
    assert "data-searching" not in read(site, "/search/")


def test_plural_forms_follow_each_language(site):
    long_body = " ".join(["word"] * 1200)
    bilingual(
        site,
        **{
            "content/long.md": article("A long read", body=long_body, date="2026-02-04 09:00"),
            "content/pa-long.md": article(
                "ਲੰਮੀ ਖ਼ਬਰ", section="ਪੰਜਾਬ", lang="pa", slug="long", body=long_body, date="2026-02-04 09:00"
            ),
        },
    )
    assert build(site) == 0
    assert "1 min read" in read(site, "/national/ferry/") and "6 min read" in read(site, "/national/long/")
    assert "6 ਮਿੰਟ ਦੀ ਪੜ੍ਹਤ" in read(site, "/pa/ਪੰਜਾਬ/long/")
    author = read(site, "/pa/authors/ਹਰਪ੍ਰੀਤ-ਕੌਰ/")
    assert "ਫ਼ਰੇਜ਼ਰ ਵੈਲੀ ਸਾਂਝ ਲਈ 2 ਖ਼ਬਰਾਂ" in author  # n > 1: the plural
    assert "1 story" in read(site, "/tags/ferries/")
    assert "<title>ਪੰਜਾਬ (ਪੰਨਾ 2) | ਫ਼ਰੇਜ਼ਰ ਵੈਲੀ ਸਾਂਝ</title>" not in read(site, "/pa/ਪੰਜਾਬ/")


def test_page_numbers_in_titles_are_translated(site):
    more = {
        f"content/pa-{i}.md": article(f"ਖ਼ਬਰ {i}", section="ਪੰਜਾਬ", lang="pa", slug=f"n{i}", date=f"2026-02-0{i} 10:00")
        for i in range(1, 6)
    }
    bilingual(site, **more)
    assert build(site) == 0
    page_two = read(site, "/pa/ਪੰਜਾਬ/page/2/")
    assert "<title>ਪੰਜਾਬ (ਪੰਨਾ 2) | ਫ਼ਰੇਜ਼ਰ ਵੈਲੀ ਸਾਂਝ</title>" in page_two
    assert '<meta property="og:title" content="ਪੰਜਾਬ (ਪੰਨਾ 2)">' in page_two
    assert "ਪੰਨਾ" in visible_text(page_two) and "(page" not in visible_text(page_two)


def test_french_and_hindi_catalogs_and_a_sites_own_strings(site):
    toml = (
        SITE_TOML
        + '\nlanguage = "fr"\nincludes = "ssi"\n\n[languages.hi]\nsections = ["देश"]\n\n[languages.pa]\nsections = ["ਪੰਜਾਬ"]\n'
    )
    write_site(
        site,
        {
            "site.toml": toml,
            "content/a.md": article("Les tarifs augmentent", date="2026-02-01 21:05"),
            "content/b.md": article("किराया बढ़ा", section="देश", lang="hi", slug="kiraya"),
            "content/c.md": article("ਕਿਰਾਇਆ ਵਧਿਆ", section="ਪੰਜਾਬ", lang="pa", slug="kiraya"),
            # The site replaces one of the theme's Punjabi strings, and keeps the rest.
            "locales/pa/LC_MESSAGES/messages.po": 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'
            'msgid "Skip to content"\nmsgstr "ਸਿੱਧੇ ਖ਼ਬਰ ’ਤੇ ਜਾਓ"\n',
        },
    )
    assert build(site) == 0
    french = read(site, "/national/a/")
    assert "jeudi 12 février 2026" in read(site, "/fragments/date.html") and "1 févr. 2026, 21:05" in french
    assert "Aller au contenu" in french and "1 min de lecture" in french and "Par " in french
    hindi = read(site, "/hi/देश/kiraya/")
    assert "गुरुवार, 12 फ़रवरी 2026" in read(site, "/hi/fragments/date.html") and "मुख्य सामग्री पर जाएँ" in hindi
    punjabi_home = read(site, "/pa/")
    assert "ਸਿੱਧੇ ਖ਼ਬਰ ’ਤੇ ਜਾਓ" in punjabi_home and "ਮੁੱਖ ਸਮੱਗਰੀ ’ਤੇ ਜਾਓ" not in punjabi_home
    assert "ਮੁੱਖ ਪੰਨਾ" in punjabi_home  # every other string is the theme's


def test_the_search_entry_names_the_languages_in_the_same_order_every_build(site):
    # Pagefind lists an index's languages in the order of a hash map; Broadsheet puts them in order of code,
    # so that the same input gives the same bytes (with four, Pagefind's order is this one 1 time in 24).
    toml = (
        SITE_TOML + '\n[languages.hi]\nsections = ["देश"]\n\n[languages.pa]\nsections = ["ਪੰਜਾਬ"]\n'
        '\n[languages.fr]\nsections = ["Monde"]\n'
    )
    write_site(
        site,
        {
            "site.toml": toml,
            "content/a.md": article("Fares rise"),
            "content/b.md": article("किराया बढ़ा", section="देश", lang="hi", slug="kiraya"),
            "content/c.md": article("ਕਿਰਾਇਆ ਵਧਿਆ", section="ਪੰਜਾਬ", lang="pa", slug="kiraya"),
            "content/d.md": article("Les tarifs augmentent", section="Monde", lang="fr", slug="tarifs"),
        },
    )
    assert build(site) == 0
    entry = json.loads((site / "public/pagefind/pagefind-entry.json").read_bytes())
    assert list(entry["languages"]) == ["en", "fr", "hi", "pa"]


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
    (
        "locales/pa/LC_MESSAGES/messages.po",
        ('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\nmsgid "Topics"\nmsgstr "ਮਜ਼ਮੂਨ"\n'),
    ),  # the site's own catalog
    ("content/a.md", _story("Ferry", "National", None, "k1", body="A new body.")),
    ("site.toml", BILINGUAL.replace("ਫ਼ਰੇਜ਼ਰ ਵੈਲੀ ਸਾਂਝ", "ਸਾਂਝ")),  # the edition's title
    ("content/b.md", _story("ਫੈਰੀ", "ਕੈਨੇਡਾ", "pa", None)),
]
FAILING_STEPS = {3, 5}  # the two steps above whose sources are wrong


@pytest.mark.slow
def test_incremental_builds_equal_clean_builds_when_languages_and_keys_change(tmp_path):
    from dataclasses import replace
    from datetime import datetime

    from broadsheet.errors import BuildError
    from broadsheet.options import BuildOptions
    from broadsheet.preview.session import Session
    from broadsheet.run import build_with_cache

    now = datetime.fromisoformat("2026-02-12T12:00:00-08:00")
    site = write_site(
        tmp_path / "site",
        {
            "site.toml": BILINGUAL.replace('language = "en"', 'language = "en"\nsearch = false'),
            "content/a.md": _story("Ferry", "National", None, None),
            "content/b.md": _story("ਫੈਰੀ", "ਕੈਨੇਡਾ", "pa", "k1"),
            "content/c.md": _story("Council", "Sports", None, None),
        },
    )
    opts = BuildOptions(site, tmp_path / "live", now, jobs=1)
    session = Session(opts)
    session.rebuild()
    build_with_cache(replace(opts, out_dir=tmp_path / "public"))
    for n, (rel, text) in enumerate(INCREMENTAL_STEPS):
        path = site / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if rel == "site.toml":
            text = text.replace('language = "en"', 'language = "en"\nsearch = false')
        path.write_text(text, encoding="utf-8")
        expected = clean_build(site, tmp_path, "--jobs", "1", now=now, fails=n in FAILING_STEPS)
        if expected is None:  # the same error from both incremental builds, and the last output kept
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
    assert "ਮਜ਼ਮੂਨ" in (tmp_path / "public/pa/tags/index.html").read_text(encoding="utf-8")


SITEMAP_WITH_LINKS = """<?xml version="1.0" encoding="UTF-8"?>
<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema">
  <xsd:import namespace="http://www.sitemaps.org/schemas/sitemap/0.9" schemaLocation="{sitemap}"/>
  <xsd:import namespace="http://www.w3.org/1999/xhtml" schemaLocation="{xhtml}"/>
</xsd:schema>
"""


def test_hreflang_alternates_are_reciprocal_absolute_and_in_the_sitemap(site):
    from browser import NODE_MODULES, need_node_tool

    bilingual(site)
    assert build(site) == 0
    public = site / "public"
    base = "https://gazette.example"
    found: dict[str, dict[str, str]] = {}
    for url, text in html_pages(public).items():
        links = dict(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', text))
        if links:
            page = base + quote(url.removesuffix("index.html"))
            found[page] = links
            assert all(href.startswith(base + "/") for href in links.values()), url
            assert "x-default" in links and page in links.values(), url
    story_en, story_pa = (
        base + "/national/ferry/",
        base + "/pa/%E0%A8%95%E0%A9%88%E0%A8%A8%E0%A9%87%E0%A8%A1%E0%A8%BE/ferry-fares/",
    )
    assert found[story_en] == {"en": story_en, "pa": story_pa, "x-default": story_en}
    assert {base + "/", base + "/pa/", base + "/authors/", base + "/pa/tags/"} <= set(found)
    assert base + "/sports/council/" not in found  # a story without a translation has no alternates
    for page, links in found.items():  # reciprocal: every version names the same set, itself included
        for lang, href in links.items():
            assert found[href] == links, (page, lang)
    # The switch goes to the translation, else to the other edition's front page.
    assert '<a href="/pa/%E0%A8%95%E0%A9%88%E0%A8%A8%E0%A9%87%E0%A8%A1%E0%A8%BE/ferry-fares/" hreflang="pa"' in read(
        site, "/national/ferry/"
    )
    assert '<a href="/pa/" hreflang="pa"' in read(site, "/sports/council/")
    # sitemap.xml carries the same alternates, and passes the official schema with the xhtml:link one.
    sitemap = etree.parse(str(public / "sitemap.xml"))
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    in_sitemap = {
        u.findtext("s:loc", namespaces=ns): {x.get("hreflang"): x.get("href") for x in u.iterfind("x:link", ns)}
        for u in sitemap.getroot().iterfind("s:url", ns)
    }
    assert {page: links for page, links in in_sitemap.items() if links} == found
    wrapper = site / "sitemap-with-links.xsd"
    wrapper.write_text(
        SITEMAP_WITH_LINKS.format(
            sitemap=need_node_tool(NODE_MODULES / "sitemap" / "schema" / "sitemap.xsd").as_uri(),
            xhtml=(Path(__file__).parent / "schemas" / "xhtml-link.xsd").as_uri(),
        )
    )
    schema = etree.XMLSchema(etree.parse(str(wrapper)))
    assert schema.validate(sitemap), schema.error_log


def test_two_versions_in_one_language_and_wrong_sections_are_errors(site, capsys):
    bilingual(
        site,
        **{
            "content/twin.md": article("Ferry fares, again", translation_key="ferry-fares", slug="twin"),
            "content/wrong.md": article("ਗ਼ਲਤ", section="Panjab", lang="pa", slug="wrong"),
            "content/nowhere.md": article("Nowhere", lang="de", slug="nowhere"),
        },
    )
    assert build(site) != 0
    err = capsys.readouterr().err
    ferry, twin = site / "content" / "ferry.md", site / "content" / "twin.md"
    first, second = sorted([ferry, twin], key=str)
    assert re.search(
        rf"{re.escape(second.name)}:\d+: translation_key 'ferry-fares' is already the key of \S*{re.escape(first.name)}:\d+",
        err,
    )
    assert "unknown section 'Panjab'" in err and "the sections are: ਪੰਜਾਬ, ਕੈਨੇਡਾ" in err
    assert "unknown language 'de'" in err and "the site's editions are: en, pa" in err


def test_bad_language_tables_are_reported(site, capsys):
    write_site(
        site,
        {
            "site.toml": SITE_TOML + '\n[languages.pa]\nsection = ["ਪੰਜਾਬ"]\n\n[languages.national]\n\n'
            '[languages.en]\ntitle = "Again"\n'
        },
    )
    assert build(site) != 0
    err = capsys.readouterr().err
    assert "site.toml:8: [languages.pa]: unknown key 'section' (did you mean 'sections'?)" in err
    assert "[languages.national]: the edition would take the URL /national/" in err
    assert "[languages.en]: 'en' is the site's own language" in err


def test_new_takes_lang_and_move_stays_in_the_edition(site, capsys):
    import frontmatter

    write_site(site, {"site.toml": BILINGUAL})
    assert (
        run(
            "new",
            "ਕਿਸਾਨਾਂ ਦੀ ਮੀਟਿੰਗ",
            "--section",
            "ਪੰਜਾਬ",
            "--lang",
            "pa",
            "--translation-key",
            "farmers",
            "--author",
            "ਹਰਪ੍ਰੀਤ ਕੌਰ",
            "--site",
            site,
            "--now",
            "2026-02-12T20:30:00Z",
        )
        == 0
    )
    path = site / "content/pa/ਪੰਜਾਬ/ਕਿਸਾਨਾਂ-ਦੀ-ਮੀਟਿੰਗ.md"
    post = frontmatter.load(path)
    assert post["lang"] == "pa" and post["section"] == "ਪੰਜਾਬ" and post["translation_key"] == "farmers"
    assert run("new", "Farmers meet", "--section", "ਪੰਜਾਬ", "--site", site) == 2  # the English edition's sections
    assert "unknown section 'ਪੰਜਾਬ'" in capsys.readouterr().err
    assert run("new", "Farmers meet", "--section", "National", "--lang", "pan", "--site", site) == 2
    assert "unknown language 'pan' (did you mean 'pa'?)" in capsys.readouterr().err
    assert run("build", "--site", site, "--drafts", "--now", "2026-02-13T00:00:00Z") == 0
    assert (site / "public/pa/ਪੰਜਾਬ/ਕਿਸਾਨਾਂ-ਦੀ-ਮੀਟਿੰਗ/index.html").is_file()
    assert run("move", str(path), "--section", "ਕੈਨੇਡਾ", "--site", site) == 0
    assert "/pa/" in frontmatter.load(path)["aliases"][0]
    assert run("build", "--site", site, "--drafts", "--now", "2026-02-13T00:00:00Z") == 0
    assert (site / "public/pa/ਕੈਨੇਡਾ/ਕਿਸਾਨਾਂ-ਦੀ-ਮੀਟਿੰਗ/index.html").is_file()
    moved = (site / "public/pa/ਪੰਜਾਬ/ਕਿਸਾਨਾਂ-ਦੀ-ਮੀਟਿੰਗ/index.html").read_text(encoding="utf-8")  # the old URL
    assert '<html lang="pa">' in moved and "ਇਹ ਖ਼ਬਰ ਇੱਥੇ ਚਲੀ ਗਈ ਹੈ:" in moved


def test_a_site_in_one_language_gets_none_of_the_editions_markup(site):
    write_site(site, {"content/a.md": article("Ferry fares rise", translation_key="fares")})
    assert build(site) == 0
    for url, text in html_pages(site / "public").items():
        assert 'class="languages"' not in text and "hreflang" not in text and "og:locale:alternate" not in text, url
    assert "xhtml" not in (site / "public/sitemap.xml").read_text(encoding="utf-8")
    assert "data-searching" not in read(site, "/search/")


def test_a_site_in_a_right_to_left_language_and_a_punjabi_site_alone(tmp_path):
    urdu = write_site(
        tmp_path / "ur",
        {
            "site.toml": SITE_TOML.replace(
                'sections = ["National", "Sports", "Arts & Culture"]', 'sections = ["پاکستان"]'
            )
            + 'language = "ur"\n',
            "content/a.md": article("کرایوں میں اضافہ", section="پاکستان", slug="a"),
        },
    )
    assert build(urdu) == 0
    assert '<html lang="ur" dir="rtl">' in read(urdu, "/")
    punjabi = write_site(
        tmp_path / "pa",
        {
            "site.toml": SITE_TOML.replace('sections = ["National", "Sports", "Arts & Culture"]', 'sections = ["ਪੰਜਾਬ"]')
            + 'language = "pa"\nincludes = "static"\n',
            "content/a.md": article("ਕਿਸਾਨਾਂ ਦੀ ਮੀਟਿੰਗ", section="ਪੰਜਾਬ", slug="a"),
        },
    )
    assert build(punjabi) == 0
    home = read(punjabi, "/")
    assert '<html lang="pa">' in home and "ਵੀਰਵਾਰ, 12 ਫ਼ਰਵਰੀ 2026" in home and "ਮੁੱਖ ਸਮੱਗਰੀ ’ਤੇ ਜਾਓ" in home


@pytest.mark.slow
def test_serve_answers_a_missing_page_of_an_edition_with_its_own_404(site):
    from serve_support import request, start_serve

    bilingual(site)
    proc, port = start_serve(site)
    try:
        punjabi = request(port, "/pa/nowhere/")
        assert punjabi.status == 404 and '<html lang="pa">' in punjabi.text and "ਪੰਨਾ ਨਹੀਂ ਮਿਲਿਆ" in punjabi.text
        english = request(port, "/nowhere/")
        assert english.status == 404 and '<html lang="en">' in english.text and "Page not found" in english.text
    finally:
        proc.interrupt()


@pytest.mark.slow
def test_the_theme_catalogs_are_complete_and_keep_every_placeholder():
    import io

    from babel.messages.extract import extract_from_dir
    from babel.messages.pofile import read_po
    from support import REPO

    method_map = [("templates/**.html", "jinja2.ext.babel_extract"), ("templates/**.xml", "jinja2.ext.babel_extract")]
    options = {
        "extensions": "jinja2.ext.i18n",
        "trim_blocks": "True",
        "lstrip_blocks": "True",
        "newstyle_gettext": "True",
    }
    in_templates = {
        message
        for *_, message, _comments, _context in extract_from_dir(
            str(REPO), method_map, {p: options for p, _ in method_map}
        )
    }
    in_templates = {m if isinstance(m, str) else m[0] for m in in_templates}
    template = read_po(io.BytesIO((REPO / "locales/messages.pot").read_bytes()))
    assert {m.id if isinstance(m.id, str) else m.id[0] for m in template if m.id} == in_templates  # extracted anew
    placeholders = re.compile(r"%\(\w+\)s|\{\w+\}")
    for code in ("en", "pa", "fr", "hi"):
        catalog = read_po(io.BytesIO((REPO / f"locales/{code}/LC_MESSAGES/messages.po").read_bytes()), locale=code)
        for message in template:
            if not message.id:
                continue
            found = catalog.get(message.id)
            assert found is not None, (code, message.id)
            strings = found.string if isinstance(found.string, tuple) else (found.string,)
            ids = message.id if isinstance(message.id, tuple) else (message.id,)
            assert all(strings), (code, message.id)
            wanted = set(placeholders.findall(ids[-1])) - {"%(num)s"}
            for text in strings:
                assert wanted <= set(placeholders.findall(text)), (code, message.id, text)
                assert set(placeholders.findall(text)) <= set(placeholders.findall(" ".join(ids))), (code, text)
