"""Hostile text in every front-matter field and in site.toml comes out as text: in HTML text, attributes,
<title>, JSON-LD, feeds and sitemaps, never as markup or script."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree

from hostile_support import built
from support import NOW, SITE_TOML, write_site

PAYLOAD = """</script><script>alert("x")</script>" onmouseover="alert(1)' onfocus='alert(2) &amp; <!-- <b>"""
SECTION = 'Arts <script>alert(3)</script> & "Culture"'
FIELDS = ("title", "summary", "author", "image_caption", "image_alt", "source")


class Page(HTMLParser):
    """What a browser would build from a page: tags, attributes, script bodies, title text, all text."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.attrs: list[tuple[str, str, str]] = []
        self.scripts: list[tuple[dict, str]] = []
        self.comments: list[str] = []
        self.text: list[str] = []
        self.title = ""
        self._open: list[tuple[str, dict]] = []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.attrs += [(tag, k, v or "") for k, v in attrs]
        self._open.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        while self._open:
            name, _ = self._open.pop()
            if name == tag:
                break

    def handle_data(self, data):
        self.text.append(data)
        if self._open and self._open[-1][0] == "script":
            self.scripts.append((self._open[-1][1], data))
        if self._open and self._open[-1][0] == "title":
            self.title += data

    def handle_comment(self, data):
        self.comments.append(data)


def hostile_site(root: Path) -> Path:
    toml = SITE_TOML.replace('title = "The Test Gazette"', f"title = {json.dumps(PAYLOAD)}")
    toml = toml.replace('sections = ["National", "Sports", "Arts & Culture"]', f"sections = [{json.dumps(SECTION)}]")
    fields = {name: PAYLOAD for name in FIELDS}
    fields.update(
        section=SECTION,
        date="2026-02-12T09:00:00-08:00",
        tags=[PAYLOAD, "Harbour"],
        image='https://img.example/a.jpg"onerror="alert(4)',
        hostile_extra=PAYLOAD,
    )
    text = "---\n" + "\n".join(f"{k}: {json.dumps(v)}" for k, v in fields.items()) + "\n---\nBody " + "text.\n"
    other = text.replace(json.dumps(PAYLOAD), json.dumps("A quiet story"), 1).replace(
        "img.example/a.jpg", "img.example/b.jpg"
    )
    return write_site(root, {"site.toml": toml, "content/arts/x.md": text, "content/arts/y.md": other})


def test_hostile_front_matter_is_escaped_in_every_context(tmp_path, capsys):
    site = hostile_site(tmp_path / "site")
    built(tmp_path, site / "public", capsys, "--site", site, now=NOW)
    pages = sorted((site / "public").rglob("*.html"))
    assert len(pages) >= 8
    for path in pages:
        page = Page(path.read_text(encoding="utf-8"))
        where = path.relative_to(site / "public")
        assert not [a for a in page.attrs if a[1].startswith("on")], f"{where}: an event handler got in"
        assert all(attrs.get("type") == "application/ld+json" for attrs, _ in page.scripts), f"{where}: a script got in"
        assert not any("<b>" in c or "alert" in c for c in page.comments), f"{where}: a comment got in"
        assert PAYLOAD in page.title, f"{where}: <title> must show the site title as text"
        for _, body in page.scripts:
            json.loads(body)  # the JSON-LD is whole: no </script> in the data cut it short
    article = Page((site / "public/arts-script-alert-3-script-culture/x/index.html").read_text())
    data = json.loads(next(body for attrs, body in article.scripts))
    assert data["headline"] == PAYLOAD and data["description"] == PAYLOAD
    assert [a["name"] for a in data["author"]] == [PAYLOAD] and data["articleSection"] == SECTION
    assert data["keywords"] == [PAYLOAD, "Harbour"] and data["sourceOrganization"]["name"] == PAYLOAD
    text = "".join(article.text)
    for shown in (PAYLOAD, SECTION):
        assert shown in text
    assert ("img", "alt", PAYLOAD) in article.attrs
    assert ("img", "src", 'https://img.example/a.jpg"onerror="alert(4)') in article.attrs
    assert ("meta", "content", PAYLOAD) in article.attrs  # the description


def test_hostile_front_matter_stays_text_in_feeds_and_sitemaps(tmp_path, capsys):
    site = hostile_site(tmp_path / "site")
    built(tmp_path, site / "public", capsys, "--site", site, now=NOW)
    documents = sorted((site / "public").rglob("*.xml"))
    assert {"feed.xml", "rss.xml", "sitemap.xml", "news-sitemap.xml"} <= {p.name for p in documents}
    texts: dict[str, list[str]] = {}
    for path in documents:
        root = ElementTree.parse(path).getroot()  # well-formed, or this raises
        assert not [e for e in root.iter() if e.tag.rsplit("}", 1)[-1] in ("script", "b")], (
            f"{path.name}: markup got in"
        )
        texts[path.relative_to(site / "public").as_posix()] = [e.text or "" for e in root.iter()]
    assert PAYLOAD in texts["feed.xml"] and PAYLOAD in texts["rss.xml"]  # entry titles, as plain text
    assert PAYLOAD in texts["news-sitemap.xml"]  # news:title
