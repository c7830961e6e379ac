"""A site published under a path (https://you.github.io/paper/): every link, asset, feed, sitemap, the search
index and the 404 page work there, and `serve` previews it there."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import lxml.html
import pytest
from browser import chromium, serve
from serve_support import request, start_serve
from support import NOW, run
from theme_site import THEME_TOML, write_theme_site

BASE = "https://gazette.example/paper"
LINKCHECKER_RC = """\
[checking]
threads=4
maxrequestspersecond=1000
[filtering]
checkextern=0
# The whole test host is ours: a link that leaves /paper/ for another path on it is checked, and fails.
internlinks=^{host}/
[AnchorCheck]
[output]
verbose=0
"""


@pytest.fixture(scope="module")
def hosted(tmp_path_factory) -> Path:
    """The theme test site built for BASE, and put at /paper/ of a folder a test server serves from its root."""
    root = tmp_path_factory.mktemp("hosted")
    site = write_theme_site(root / "site")
    (site / "site.toml").write_text(THEME_TOML.replace('"https://gazette.example"', f'"{BASE}/"'))
    assert run("build", "--site", site, "--now", NOW) == 0
    shutil.copytree(site / "public", root / "www/paper")
    return root


def linkcheck(www: Path, tmp_path: Path) -> subprocess.CompletedProcess:
    with serve(www) as base:
        rc = tmp_path / "linkcheckerrc"
        rc.write_text(LINKCHECKER_RC.format(host=re.escape(base)))
        return subprocess.run(
            [sys.executable, "-m", "linkcheck", "--config", str(rc), "--no-status", base + "/paper/"],
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )


@pytest.mark.slow
def test_every_site_path_a_page_links_to_or_loads_is_under_the_path(hosted):
    pages = list((hosted / "www/paper").rglob("*.html"))
    assert len(pages) > 20
    for page in pages:
        doc = lxml.html.fromstring(page.read_bytes())
        for element, attribute, link, _ in doc.iterlinks():
            if link.startswith("/"):
                assert link.startswith("/paper/"), f"{page}: <{element.tag} {attribute}={link!r}>"
    srcsets = [s for p in pages for s in lxml.html.fromstring(p.read_bytes()).xpath("//@srcset")]
    assert srcsets and all(re.fullmatch(r"/paper/\S+ \d+w(, /paper/\S+ \d+w)*", s) for s in srcsets)


def test_feeds_sitemaps_and_robots_name_urls_under_the_path(hosted):
    public = hosted / "www/paper"
    feed = (public / "feed.xml").read_text()
    assert f'<link rel="self" type="application/atom+xml" href="{BASE}/feed.xml"/>' in feed
    links = re.findall(r"(?:href|src)=&#34;([^&]+)&#34;|(?:href|src)=&quot;([^&]+)&quot;", feed)
    local = [a or b for a, b in links if (a or b).startswith("https://gazette.example")]
    assert local and all(u.startswith(BASE + "/") for u in local)  # story bodies' own links, made absolute
    assert "tag:gazette.example,2026-02-11:/paper/national/ferry-plan/" in feed
    locs = re.findall(r"<loc>([^<]+)</loc>", (public / "sitemap.xml").read_text())
    assert locs and all(u.startswith(BASE + "/") for u in locs)
    assert f"Sitemap: {BASE}/sitemap.xml" in (public / "robots.txt").read_text()


@pytest.mark.slow
def test_linkchecker_finds_no_broken_links_under_the_path(hosted, tmp_path):
    result = linkcheck(hosted / "www", tmp_path)
    assert result.returncode == 0, result.stdout[-4000:]
    assert int(re.search(r"(\d+) links? in \d+ URLs checked", result.stdout).group(1)) > 50


@pytest.mark.slow
def test_linkchecker_would_catch_a_link_that_leaves_the_path(hosted, tmp_path):
    www = tmp_path / "www"
    shutil.copytree(hosted / "www", www)
    page = www / "paper/index.html"
    page.write_text(page.read_text().replace('href="/paper/sports/"', 'href="/sports/"', 1))
    result = linkcheck(www, tmp_path)
    assert result.returncode == 1 and "/sports/" in result.stdout


@pytest.mark.browser
@pytest.mark.slow
def test_search_and_the_404_page_work_under_the_path(hosted):
    with chromium() as browser, serve(hosted / "www") as base:
        page = browser.new_page()
        page.goto(base + "/paper/")
        page.fill("#masthead-q", "cannery")
        page.press("#masthead-q", "Enter")
        page.wait_for_selector("#search-results li h2 a", timeout=15000)
        assert page.url.startswith(base + "/paper/search/")
        page.click("#search-results h2 a")
        page.wait_for_url("**/paper/arts-culture/festival/")
        assert page.inner_text("h1") == "A winter festival turns the old cannery into a gallery"
        # The 404 page, shown by a host for any missing URL, links and styles itself under the path.
        page.goto(base + "/paper/404.html")
        assert page.evaluate("getComputedStyle(document.body).fontFamily") != "Times New Roman"
        page.click("nav.sections a >> nth=0")
        page.wait_for_url(re.compile(re.escape(base) + r"/paper/[a-z-]+/$"))
        browser.close()


@pytest.mark.slow
def test_serve_previews_the_site_under_its_path(hosted):
    site = hosted / "site"
    proc, port = start_serve(site)
    try:
        assert any(re.search(r"Serving .* at http://127\.0\.0\.1:\d+/paper/ ", line) for line in proc.seen)
        home = request(port, "/paper/")
        assert home.status == 200 and 'href="/paper/national/"' in home.text
        assert request(port, "/paper/national/ferry-plan/").status == 200
        css = re.search(r'href="(/paper/css/site\.[0-9a-f]+\.css)"', home.text).group(1)
        assert request(port, css).status == 200
        root = request(port, "/")
        assert root.status == 301 and root.headers["location"] == "/paper/"
        assert request(port, "/paper").headers["location"] == "/paper/"
        assert request(port, "/paper/national").headers["location"] == "/paper/national/"
        assert request(port, "/national/").status == 404  # outside the path: not the site
    finally:
        proc.interrupt()


def test_base_url_may_carry_a_path_but_not_a_query_or_dots(tmp_path, capsys):
    from support import article, write_site

    site = write_site(tmp_path / "site", {"content/national/a.md": article("First")})
    for bad in ("https://gazette.example/paper/?x=1", "https://gazette.example/a/../b/"):
        assert run("check", "--site", site, "--base-url", bad) == 2  # a bad option is a usage error
        assert "--base-url: 'base_url' must be a host, or a host and a path" in capsys.readouterr().err
    assert run("check", "--site", site, "--base-url", "https://gazette.example/news/") == 0
