"""The default theme on whole built sites, checked by the tools readers' software trusts.

The bundled sample site and a small site these tests write themselves are each built once, then checked by
the W3C Nu validator, linkchecker over HTTP on 127.0.0.1, and axe-core in Debian's Chromium (light and dark),
plus a search that a reader types and the layout from 320 px up.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from browser import LINKCHECKER_RC, VNU_JAR, WCAG_AA, axe_context, chromium, describe, need_node_tool, run_axe, serve
from serve_support import start_serve
from support import REPO, run
from theme_site import write_theme_site

SAMPLE_NOW = "2026-11-25T12:00:00-08:00"
THEME_NOW = "2026-02-12T12:00:00-08:00"


def build_copy(src: Path, dest: Path, now: str) -> Path:
    """Copy a site's sources (not its output or cache) into dest, build it, and return the output folder."""
    for name in (
        "site.toml",
        "content",
        "static",
        "templates",
        "data",
        ".broadsheet-cache",
    ):  # resized images are reusable
        if (src / name).is_dir():
            shutil.copytree(src / name, dest / name)
        elif (src / name).exists():
            shutil.copy(src / name, dest / name)
    assert run("build", "--site", dest, "--now", now) == 0
    return dest / "public"


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    """The bundled sample site, built with the default theme."""
    return build_copy(REPO, tmp_path_factory.mktemp("sample"), SAMPLE_NOW)


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> Path:
    """A small site the sample never saw: other sections, other photos, pagination."""
    root = tmp_path_factory.mktemp("small") / "site"
    write_theme_site(root)
    assert run("build", "--site", root, "--now", THEME_NOW) == 0
    return root / "public"


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


def sample_pages(public: Path) -> dict[str, str]:
    """Pick one page of each kind from a built site, reading the URLs off its own pages."""
    home = (public / "index.html").read_text(encoding="utf-8")
    section = re.search(r'<nav class="sections".*?<a href="([^"]+)"', home, re.DOTALL).group(1)
    articles = sorted(p.parent for p in public.glob("*/*/index.html") if '<article class="story"' in p.read_text())
    with_image = next(p for p in articles if '<figure class="lead-image"' in (p / "index.html").read_text())
    without_image = next(p for p in articles if '<figure class="lead-image"' not in (p / "index.html").read_text())
    author = min(public.glob("authors/*/index.html")).parent
    tag = min(public.glob("tags/*/index.html")).parent

    def url(folder: Path) -> str:
        return "/" + folder.relative_to(public).as_posix() + "/"

    return {
        "front": "/",
        "section": section,
        "article with image": url(with_image),
        "article without image": url(without_image),
        "author": url(author),
        "tag": url(tag),
        "404": "/404.html",
        "search": "/search/",
        "standalone page": "/about/",
    }


# ---- Validators -------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_nu_validator_finds_no_errors_on_any_page(sample, small, tmp_path):
    # A deliberately broken page rides along, to show that this run would report errors (one JVM start-up).
    (tmp_path / "bad.html").write_text("<!DOCTYPE html><html lang=en><title>x</title><p><div>nested</p>")
    assert shutil.which("java"), "java is missing: run ./scripts/test, or apt-get install default-jre-headless"
    result = subprocess.run(
        [
            "java",
            "-jar",
            str(need_node_tool(VNU_JAR)),
            "--errors-only",
            "--skip-non-html",
            str(sample),
            str(small),
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    errors = [line for line in result.stderr.splitlines() if ": error" in line]
    assert errors and all("/bad.html" in line for line in errors), "\n".join(errors[:40])
    assert len(list(sample.rglob("*.html"))) > 100


def linkcheck(public: Path, tmp_path: Path) -> subprocess.CompletedProcess:
    rc = tmp_path / "linkcheckerrc"
    rc.write_text(LINKCHECKER_RC)
    with serve(public) as base:
        return subprocess.run(
            ["linkchecker", "--config", str(rc), "--no-status", base + "/"],
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )


@pytest.mark.slow
def test_linkchecker_finds_no_broken_links_over_http(sample, small, tmp_path):
    for public in (sample, small):
        result = linkcheck(public, tmp_path)
        assert result.returncode == 0, result.stdout[-4000:]
        checked = int(re.search(r"(\d+) links? in \d+ URLs checked", result.stdout).group(1))
        assert checked > 50  # it crawled the site, not one page


@pytest.mark.slow
def test_linkchecker_would_catch_a_broken_link(small, tmp_path):
    broken = tmp_path / "public"
    shutil.copytree(small, broken)
    page = broken / "index.html"
    page.write_text(page.read_text().replace('href="/sports/"', 'href="/sportz/"', 1))
    result = linkcheck(broken, tmp_path)
    assert result.returncode == 1 and "/sportz/" in result.stdout


@pytest.mark.slow
def test_every_srcset_and_fragment_target_exists(sample, small):
    # linkchecker reads <img srcset> but not <source srcset>, nor same-page #fragments: check those here.
    for public in (sample, small):
        for page in public.rglob("*.html"):
            html = page.read_text(encoding="utf-8")
            for srcset in re.findall(r'srcset="([^"]+)"', html):
                for candidate in srcset.split(","):
                    url = candidate.split()[0]
                    assert (public / url.lstrip("/")).is_file(), (page, url)
            ids = set(re.findall(r'\bid="([^"]+)"', html))
            for fragment in re.findall(r'href="#([^"]+)"', html):
                assert fragment in ids, (page, fragment)


# ---- Accessibility in a real browser ----------------------------------------------------------------------


AXE_RUNS = [  # contrast differs by scheme; layout by width, where one site is enough
    pytest.param("light", 1280, ("sample", "small"), id="light-1280"),
    pytest.param("dark", 1280, ("sample", "small"), id="dark-1280"),
    pytest.param("light", 375, ("sample",), id="light-375"),
    pytest.param("dark", 375, ("sample",), id="dark-375"),
]


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize(("scheme", "width", "sites"), AXE_RUNS)
def test_axe_finds_no_wcag_aa_violations(request, browser, scheme, width, sites):
    failures = []
    for name in sites:
        public = request.getfixturevalue(name)
        with serve(public) as base:
            context = axe_context(browser, viewport={"width": width, "height": 900}, color_scheme=scheme)
            page = context.new_page()
            for kind, url in sample_pages(public).items():
                page.goto(base + url)
                assert page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches") == (scheme == "dark")
                if violations := run_axe(page):
                    failures.append(f"{name} {kind} {url}:\n{describe(violations)}")
            context.close()
    assert not failures, "\n".join(failures)


@pytest.mark.browser
@pytest.mark.slow
def test_axe_would_catch_poor_contrast_and_a_missing_alt(small, browser):
    with serve(small) as base:
        page = browser.new_page()
        page.goto(base + "/")
        page.evaluate("""() => {
            const p = document.createElement('p'); p.textContent = 'Faint'; p.style.color = '#ccc';
            p.style.background = '#fff'; document.querySelector('main').append(p);
            document.querySelector('main img').removeAttribute('alt');
        }""")
        found = {v["id"] for v in run_axe(page, WCAG_AA)}
        page.close()
    assert {"color-contrast", "image-alt"} <= found


# ---- Search, as a reader uses it --------------------------------------------------------------------------


def search_from_masthead(page, base: str, word: str) -> list[str]:
    page.goto(base + "/")
    page.fill("#masthead-q", word)
    page.press("#masthead-q", "Enter")
    page.wait_for_selector("#search-results li h2 a", timeout=15000)
    return page.eval_on_selector_all("#search-results h2 a", "links => links.map(a => a.textContent)")


@pytest.mark.browser
@pytest.mark.slow
def test_search_finds_a_sample_article_by_a_word_in_its_body(sample, browser):
    with serve(sample) as base:
        page = browser.new_page()
        titles = search_from_masthead(page, base, "Oyelaran")  # a composer named only in the symphony review
        assert page.url.endswith("/search/?q=Oyelaran")
        assert titles == ["Review: Kestrel Sound Symphony opens its season with a storm and a surprise"]
        assert "1 story matches" in page.inner_text("#search-status")
        page.click("#search-results h2 a")
        page.wait_for_url("**/arts-culture/symphony-season-opener/")
        assert page.inner_text("h1").startswith("Review: Kestrel Sound Symphony")
        page.close()


@pytest.mark.browser
@pytest.mark.slow
def test_search_indexes_headlines_and_bodies_only(small, browser):
    with serve(small) as base:
        page = browser.new_page()
        titles = search_from_masthead(page, base, "cannery")
        assert titles == ["A winter festival turns the old cannery into a gallery"]
        # Typing on the search page searches again, and says when nothing matches.
        page.fill("#search-q", "xylophone")
        page.wait_for_function("document.querySelector('#search-status').textContent.includes('No stories')")
        contents = page.evaluate("""async () => {
            const pf = await import('/pagefind/pagefind.js');
            const found = await pf.search(null);
            return Promise.all(found.results.map(async (r) => (await r.data()).content));
        }""")
        page.close()
    assert len(contents) == 8  # every article, and nothing else
    for text in contents:
        for chrome in ("More from", "ADVT", "Advertisement", "Skip to content", "Topics", "min read", "By "):
            assert chrome not in text


@pytest.mark.browser
@pytest.mark.slow
def test_search_works_in_the_preview_server(tmp_path, browser):
    site = write_theme_site(tmp_path / "site")
    proc, port = start_serve(site)
    try:
        page = browser.new_page()
        titles = search_from_masthead(page, f"http://127.0.0.1:{port}", "cannery")
        page.close()
    finally:
        code = proc.interrupt()
    assert titles == ["A winter festival turns the old cannery into a gallery"]
    assert code == 0


# ---- Layout and screenshots -------------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize("width", [320, 375, 768, 1280])
def test_layout_holds_without_sideways_scrolling(sample, browser, width, tmp_path):
    pages = sample_pages(sample)
    with serve(sample) as base:
        context = browser.new_context(viewport={"width": width, "height": 800})
        page = context.new_page()
        for kind in ("front", "section", "article with image", "search"):
            page.goto(base + pages[kind])
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"{kind} at {width}px scrolls sideways by {overflow}px"
            if width in (375, 1280) and kind in ("front", "article with image"):
                shot = tmp_path / f"{kind}-{width}.png"
                page.screenshot(path=str(shot))
                assert shot.stat().st_size > 10_000  # a real rendering, not a blank page
        # The lead image is painted at its laid-out size, with no shift once it loads.
        page.goto(base + pages["article with image"])
        box = page.evaluate("""() => { const i = document.querySelector('.lead-image img');
            return [i.clientWidth, i.clientHeight, i.complete && i.naturalWidth > 0]; }""")
        assert box[2] and abs(box[1] - box[0] * 9 / 16) <= 2
        context.close()


@pytest.mark.browser
@pytest.mark.slow
def test_dark_mode_follows_the_system(small, browser):
    with serve(small) as base:
        colours = {}
        for scheme in ("light", "dark"):
            context = browser.new_context(color_scheme=scheme)
            page = context.new_page()
            page.goto(base + "/")
            colours[scheme] = page.evaluate("getComputedStyle(document.body).backgroundColor")
            context.close()
    assert colours == {"light": "rgb(251, 249, 244)", "dark": "rgb(20, 20, 20)"}


@pytest.mark.browser
@pytest.mark.slow
def test_print_hides_everything_but_the_story(sample, browser):
    pages = sample_pages(sample)
    with serve(sample) as base:
        page = browser.new_page()
        page.goto(base + pages["article with image"])
        page.emulate_media(media="print")
        hidden = page.evaluate("""() => ['.sections', '.rail', '.search-box', '.site-footer nav']
            .map(s => getComputedStyle(document.querySelector(s)).display)""")
        shown = page.evaluate("getComputedStyle(document.querySelector('.story-body')).display")
        page.close()
    assert hidden == ["none"] * 4 and shown == "block"
