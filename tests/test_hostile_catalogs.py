"""A site's own translations (locales/…/messages.po) reach feeds and sitemaps escaped as XML, and a catalog
whose placeholders a page cannot fill is reported at the .po file's line. Each case drives the real CLI."""

from __future__ import annotations

import pytest
from hostile_support import refused
from lxml import etree
from support import SITE_TOML, article, build, write_site

HEADER = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'


def catalog(*pairs: tuple[str, str]) -> str:
    return HEADER + "".join(f'#, python-format\nmsgid "{i}"\nmsgstr "{s}"\n\n' for i, s in pairs)


def site_with(tmp_path, po: str, toml: str = SITE_TOML):
    return write_site(
        tmp_path / "site",
        {"site.toml": toml, "content/national/a.md": article("First"), "locales/en/LC_MESSAGES/messages.po": po},
    )


@pytest.mark.parametrize(
    "words",
    [
        "News & views from %(title)s",
        "<b>Latest</b> from %(title)s",
        "Latest from %(title)s &amp; more",
        "Latest\x01 from %(title)s",
    ],
)
def test_a_translation_with_markup_characters_leaves_every_feed_and_sitemap_well_formed(tmp_path, capsys, words):
    po = catalog(
        ("Latest news from %(title)s", words),
        ("Latest stories in %(section)s from %(title)s", words),
        ("Stories by %(name)s from %(title)s", words),
    )
    site = site_with(tmp_path, po, SITE_TOML.replace('"The Test Gazette"', '"Fish & Chips <Daily>"'))
    assert build(site) == 0, capsys.readouterr().err
    xml_files = sorted((site / "public").rglob("*.xml"))
    assert len(xml_files) > 5
    for path in xml_files:
        etree.parse(str(path), etree.XMLParser(resolve_entities=False))  # raises on malformed XML
    subtitle = etree.parse(str(site / "public" / "feed.xml")).find("{http://www.w3.org/2005/Atom}subtitle").text
    assert subtitle == words.replace("\x01", "") % {"title": "Fish & Chips <Daily>"}


@pytest.mark.parametrize(
    "words,what",
    [("Latest from %(titel)s", "%(titel)s"), ("Latest 100% from %(title)s", "'%'"), ("Latest from %(title)", "'%'")],
)
def test_a_broken_placeholder_names_the_catalog_and_its_line(tmp_path, capsys, words, what):
    po = catalog(("About us", "About us"), ("Latest news from %(title)s", words))
    site = site_with(tmp_path, po)
    err = refused(tmp_path, capsys, "--site", site, code=1)
    assert "locales/en/LC_MESSAGES/messages.po:10: " in err and what in err
