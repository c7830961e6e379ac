"""Editions in a browser and a validator: both editions of a bilingual site, and a right-to-left one, are valid
HTML and pass axe; the drop cap and the phone's section row behave in each script."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from urllib.parse import quote

import pytest
from browser import VNU_JAR, axe_context, chromium, describe, need_node_tool, run_axe, serve
from support import SITE_TOML, article, bilingual, build, write_site

URDU = (
    SITE_TOML
    + """
language = "en"

[languages.ur]
title = "وادی کی خبریں"
sections = ["پاکستان", "دنیا"]
"""
)


@pytest.fixture(scope="module")
def two(tmp_path_factory) -> Path:
    site = bilingual(
        tmp_path_factory.mktemp("two") / "site",
        **{
            "content/more.md": article(
                "Harbour festival returns",
                section="Arts & Culture",
                date="2026-02-05 09:00",
                body="The festival is back on the water this summer.\n\nMore to come.",
            )
        },
    )
    assert build(site) == 0
    return site / "public"


@pytest.fixture(scope="module")
def rtl(tmp_path_factory) -> Path:
    site = write_site(
        tmp_path_factory.mktemp("rtl") / "site",
        {
            "site.toml": URDU,
            "content/a.md": article("Ferry fares rise", translation_key="fares", body="Fares rise in April."),
            "content/b.md": article(
                "کرایوں میں اضافہ",
                section="پاکستان",
                author="عائشہ خان",
                lang="ur",
                slug="fares",
                translation_key="fares",
                tags="[سفر]",
                body="اپریل میں کرائے بڑھیں گے۔\n\nمزید تفصیل۔",
            ),
        },
    )
    assert build(site) == 0
    return site / "public"


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


def pages_of(public: Path, folder: str) -> list[str]:
    """Every HTML page of one edition ('' the default, 'pa' another), as URLs."""
    root = public / folder if folder else public
    found = []
    for path in sorted(root.rglob("*.html")):
        rel = path.relative_to(public).as_posix()
        if "pagefind" in rel or (not folder and rel.split("/")[0] in ("pa", "ur")):
            continue
        found.append("/" + quote(rel.removesuffix("index.html")))
    return found


@pytest.mark.slow
def test_nu_validator_finds_no_errors_on_either_edition_or_the_rtl_one(two, rtl, tmp_path):
    assert shutil.which("java"), "java is missing: run ./scripts/test, or apt-get install default-jre-headless"
    (tmp_path / "bad.html").write_text("<!DOCTYPE html><html lang=en><title>x</title><p><div>nested</p>")
    result = subprocess.run(
        [
            "java",
            "-jar",
            str(need_node_tool(VNU_JAR)),
            "--errors-only",
            "--skip-non-html",
            str(two),
            str(rtl),
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    errors = [line for line in result.stderr.splitlines() if ": error" in line]
    assert errors and all("/bad.html" in line for line in errors), "\n".join(errors[:40])
    assert len(list((two / "pa").rglob("*.html"))) >= 8


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize("width", [1280, 375])
def test_axe_finds_no_violations_on_both_editions_and_the_rtl_one(browser, two, rtl, width):
    failures = []
    for public, folders in ((two, ("", "pa")), (rtl, ("ur",))):
        with serve(public) as base:
            context = axe_context(browser, viewport={"width": width, "height": 900})
            page = context.new_page()
            for folder in folders:
                for url in pages_of(public, folder):
                    page.goto(base + url)
                    if violations := run_axe(page):
                        failures.append(f"{url}:\n{describe(violations)}")
            context.close()
    assert not failures, "\n".join(failures)


@pytest.mark.browser
@pytest.mark.slow
def test_rtl_edition_reads_right_to_left(browser, rtl):
    story = (rtl / "ur" / "پاکستان" / "fares" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="ur" dir="rtl">' in story
    assert '<html lang="en">' in (rtl / "index.html").read_text(encoding="utf-8")
    with serve(rtl) as base:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(base + "/" + quote("ur/پاکستان/fares/"))
        assert page.evaluate("getComputedStyle(document.querySelector('.story-body p')).direction") == "rtl"
        # No drop cap in a joined script: the first letter is the paragraph's own size.
        sizes = page.evaluate("""() => { const p = document.querySelector('.story-body p');
            return [getComputedStyle(p, '::first-letter').fontSize, getComputedStyle(p).fontSize]; }""")
        assert sizes[0] == sizes[1]
        page.close()


@pytest.mark.browser
@pytest.mark.slow
def test_drop_cap_only_where_the_script_allows_it_and_the_section_row_shows_it_scrolls(browser, two):
    with serve(two) as base:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        first_letter = """() => { const p = document.querySelector('.story-body p');
            return [getComputedStyle(p, '::first-letter').fontSize, getComputedStyle(p).fontSize]; }"""
        page.goto(base + "/national/ferry/")
        english = page.evaluate(first_letter)
        assert english[0] != english[1]  # the English story keeps its drop cap
        page.goto(base + "/" + quote("pa/ਕੈਨੇਡਾ/ferry-fares/"))
        punjabi = page.evaluate(first_letter)
        assert punjabi[0] == punjabi[1]  # a Gurmukhi syllable is never split
        page.close()
        phone = browser.new_page(viewport={"width": 320, "height": 700})
        phone.goto(base + "/")
        row = phone.evaluate("""() => { const ul = document.querySelector('.sections ul'); const s = getComputedStyle(ul);
            return [ul.scrollWidth > ul.clientWidth, s.overflowX, s.backgroundImage]; }""")
        assert row[0] and row[1] == "auto", row  # the sections do not fit: the row scrolls
        assert row[2].count("gradient") == 4, row  # and shades its edges where more sections wait
        phone.close()
