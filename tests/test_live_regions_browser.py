"""Live regions as readers get them, with the breaking-news banner up, in every `includes` mode: in Debian's
Chromium (filled, dated by the reader's clock, without layout shift), by the Nu validator and axe, through a real
nginx with server-side includes, and through `serve`."""

from __future__ import annotations

import contextlib
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser import LINKCHECKER_RC, VNU_JAR, axe_context, chromium, describe, need_node_tool, run_axe, serve
from nginx_support import nginx
from serve_support import request, start_serve
from support import REPO, article, run
from theme_site import THEME_TOML, write_theme_site

NOW = "2026-02-12T12:00:00-08:00"
MODES = ["client", "ssi", "esi", "static"]
BANNER = "Storm closes the harbour bridge"
PAGES = {
    "front": "/",
    "section": "/national/",
    "numbered page": "/national/page/1/",
    "article": "/national/budget/",
    "author": "/authors/ann-writer/",
    "tag": "/tags/harbour/",
    "404": "/404.html",
    "search": "/search/",
    "standalone page": "/about/",
}
# The whole of a page's layout shift, once it has loaded and two frames have been drawn since.
CLS = """async () => {
  await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  const entries = performance.getEntriesByType("layout-shift");
  return entries.filter(e => !e.hadRecentInput).reduce((sum, e) => sum + e.value, 0);
}"""


def fenced(language: str) -> list[str]:
    """Every code block of the README in one language, in order."""
    return re.findall(rf"^ *```{language}\n(.*?)^ *```", (REPO / "README.md").read_text(), re.MULTILINE | re.DOTALL)


def build_mode(root: Path, mode: str) -> Path:
    site = root / mode
    write_theme_site(site)
    (site / "site.toml").write_text(THEME_TOML + f'includes = "{mode}"\n')
    (site / "content/national/bridge.md").write_text(
        article(BANNER, date="2026-02-12 09:00", breaking="2026-02-12 18:00", summary="'The bridge is shut.'")
    )
    assert run("build", "--site", site, "--now", NOW) == 0
    return site


@pytest.fixture(scope="module")
def sites(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("modes")
    return {mode: build_mode(root, mode) for mode in MODES}


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


@contextlib.contextmanager
def preview(site: Path) -> Iterator[int]:
    """Run `serve` on the site (at the tests' clock); yield its port."""
    proc, port = start_serve(site)
    try:
        yield port
    finally:
        proc.interrupt()


@contextlib.contextmanager
def served(site: Path, mode: str) -> Iterator[str]:
    """Serve a built site as its host would (yield the base URL): `serve` resolves SSI and ESI itself; any
    static host serves the other modes."""
    if mode in ("ssi", "esi"):
        with preview(site) as port:
            yield f"http://127.0.0.1:{port}"
    else:
        with serve(site / "public") as base:
            yield base


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize("mode", MODES)
def test_every_page_shows_the_banner_and_the_date_and_passes_axe(sites, browser, mode):
    failures = []
    with served(sites[mode], mode) as base:
        for width in (1280, 375):
            context = axe_context(browser, viewport={"width": width, "height": 900})
            context.clock.set_fixed_time(NOW)  # the reader's clock: with includes = "client", their today is shown
            page = context.new_page()
            for kind, url in PAGES.items():
                page.goto(base + url)
                banner = page.locator("aside.breaking")
                assert banner.count() == 1 and BANNER in banner.inner_text(), (mode, kind)
                assert page.locator(".edition-date time").inner_text() == "Thursday, February 12, 2026", (mode, kind)
                if violations := run_axe(page):
                    failures.append(f"{mode} {width} {kind} {url}:\n{describe(violations)}")
            context.close()
    assert not failures, "\n".join(failures)


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize("mode", MODES)
def test_nothing_shifts_as_the_regions_fill(sites, browser, mode):
    """Lighthouse's cumulative layout shift stays at or under 0.1 with the banner up, on a phone and a desktop."""
    with served(sites[mode], mode) as base:
        for width, height in ((1280, 900), (375, 740)):
            page = browser.new_page(viewport={"width": width, "height": height})
            for kind in ("front", "article", "section"):
                page.goto(base + PAGES[kind], wait_until="load")
                assert page.locator("aside.breaking").count() == 1
                assert page.evaluate(CLS) <= 0.1, (mode, width, kind)
            page.close()


@pytest.mark.browser
@pytest.mark.slow
def test_the_edition_date_is_the_readers_today_whenever_the_page_was_written(sites, browser):
    """A page written on the 12th, read on the 14th after 23:00 UTC (still the 14th in Vancouver)."""
    with serve(sites["client"] / "public") as base:
        page = browser.new_page()
        page.clock.set_fixed_time("2026-02-14T23:30:00Z")
        page.goto(base + "/national/budget/")
        date = page.locator(".edition-date time")
        assert date.inner_text() == "Saturday, February 14, 2026" and date.get_attribute("datetime") == "2026-02-14"
        page.clock.set_fixed_time("2026-02-15T08:30:00Z")  # past midnight in UTC, 00:30 in Vancouver
        page.goto(base + "/national/budget/")
        assert page.locator(".edition-date time").get_attribute("datetime") == "2026-02-15"
        page.close()


@pytest.mark.browser
@pytest.mark.slow
def test_the_page_reads_well_without_scripts(sites, browser):
    with serve(sites["client"] / "public") as base:
        context = browser.new_context(java_script_enabled=False)
        page = context.new_page()
        page.goto(base + "/national/budget/")
        assert page.locator("h1").inner_text() == "Province tables a budget with little room for surprises"
        assert page.locator(".story-body p").count() >= 4 and page.locator("aside.more-from").is_visible()
        regions = page.locator(".live-region").all()
        assert len(regions) == 4  # the date, the banner, the section's latest and the site's
        for region in regions:  # empty, and taking no room
            box = region.bounding_box()
            assert region.inner_html() == "" and (box is None or box["width"] == box["height"] == 0)
        context.close()


@pytest.mark.browser
@pytest.mark.slow
def test_the_nu_validator_passes_every_page_as_readers_get_it(sites, browser, tmp_path):
    """The document after the regions are filled (client) or included (ssi, esi), for every mode."""
    assert shutil.which("java"), "java is missing: run ./scripts/test, or apt-get install default-jre-headless"
    out = tmp_path / "pages"
    for mode in MODES:
        with served(sites[mode], mode) as base:
            page = browser.new_page()
            for kind, url in PAGES.items():
                page.goto(base + url)
                (out / mode).mkdir(parents=True, exist_ok=True)
                (out / mode / f"{kind.replace(' ', '-')}.html").write_text(page.content())
            page.close()
    (out / "bad.html").write_text("<!DOCTYPE html><html lang=en><title>x</title><p><div>nested</p>")
    result = subprocess.run(
        ["java", "-jar", str(need_node_tool(VNU_JAR)), "--errors-only", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    errors = [line for line in result.stderr.splitlines() if ": error" in line]
    assert errors and all("/bad.html" in line for line in errors), "\n".join(errors[:40])


@pytest.mark.slow
@pytest.mark.parametrize("mode", MODES)
def test_linkchecker_finds_no_broken_link_with_the_banner_up(sites, mode, tmp_path):
    """Every link of the pages as the host serves them, the fragments' links included where the host includes
    them (ssi, esi; with client the same links are in the pages' lists and in the ssi run)."""
    rc = tmp_path / "linkcheckerrc"
    rc.write_text(LINKCHECKER_RC)
    with served(sites[mode], mode) as base:
        result = subprocess.run(
            ["linkchecker", "--config", str(rc), "--no-status", base + "/"],
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
    assert result.returncode == 0, result.stdout[-4000:]
    checked = int(re.search(r"(\d+) links? in \d+ URLs checked", result.stdout).group(1))
    assert checked > 50  # it crawled the site, not one page


@pytest.mark.slow
def test_nginx_includes_the_fragments_with_the_readmes_ssi_configuration(sites, tmp_path):
    """The README's configuration for includes = "ssi" (its fourth nginx block), in Debian's nginx."""
    public = sites["ssi"] / "public"
    block = next(b for b in fenced("nginx") if "ssi on;" in b).replace("/var/www/valleyvoice", str(public))
    with nginx(tmp_path, block) as port:
        page = request(port, "/national/budget/")
        assert page.status == 200 and "<!--#" not in page.text
        assert BANNER in page.text and "Thursday, February 12, 2026" in page.text
        assert "Latest in National" in page.text
        fragment = request(port, "/fragments/breaking.html")
        assert fragment.headers["cache-control"] == "public, max-age=60" and BANNER in fragment.text


@pytest.mark.slow
def test_serve_shows_esi_and_ssi_pages_as_the_host_would(sites):
    for mode in ("ssi", "esi"):
        with preview(sites[mode]) as port:
            page = request(port, "/national/budget/")
            assert BANNER in page.text and "<esi:include" not in page.text and "<!--#" not in page.text
