"""Bilingual and multilingual editions (issue #16): every page in its language, versions linked."""

from __future__ import annotations

import json
import re
from pathlib import Path

from conftest import SITE_TOML, article, build, read, run, tree_snapshot, write_site
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
