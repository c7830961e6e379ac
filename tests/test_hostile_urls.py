"""The URL space has one owner per path: any two outputs at one path, or a file where another needs a folder,
are a collision naming both sources, in `check` as in `build`."""

from __future__ import annotations

import pytest
from hostile_support import refused
from support import NOW, SITE_TOML, article, build, read, run, write_site

CASES = {
    "a section named Search": (
        {"site.toml": SITE_TOML.replace('"Arts & Culture"', '"Search"')},
        "site.toml: two outputs at /search/index.html: the section 'Search' (site.toml) and the search page",
    ),
    "a section named Pagefind": (
        {"site.toml": SITE_TOML.replace('"Arts & Culture"', '"Pagefind"')},
        "site.toml: the section 'Pagefind' (site.toml) would write /pagefind/index.html, inside /pagefind/, "
        "which the search index (search = true) fills",
    ),
    "a static file where a section needs its folder": (
        {"static/national": "a file"},
        "static/national: /national would be both a file, from the static file /national, and the folder of "
        "/national/index.html, from the section 'National' (site.toml)",
    ),
    "a static folder named like the sitemap": (
        {"static/sitemap.xml/x.txt": "x"},
        "static/sitemap.xml/x.txt: /sitemap.xml would be both a file, from the sitemap, and the folder of "
        "/sitemap.xml/x.txt, from the static file /sitemap.xml/x.txt",
    ),
    "a static file inside the search index": (
        {"static/pagefind/pagefind.js": "alert(1)"},
        "the static file /pagefind/pagefind.js would write /pagefind/pagefind.js, inside /pagefind/",
    ),
    "a static file where a story needs its folder": (
        {"static/national/a": "a file"},
        "/national/a would be both a file, from the static file /national/a, and the folder of "
        "/national/a/index.html, from the story a.md",
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_two_outputs_at_one_path_are_a_collision_naming_both(tmp_path, capsys, case):
    files, expected = CASES[case]
    site = write_site(tmp_path / "site", {"content/national/a.md": article("A story"), **files})
    err = refused(tmp_path, capsys, "--site", site, code=1)
    assert expected in err, err
    assert run("check", "--site", site, "--now", NOW) == 1  # check agrees with build
    assert expected in capsys.readouterr().err


def test_a_previous_output_is_not_replaced_by_a_colliding_section(tmp_path, capsys):
    site = write_site(tmp_path / "site", {"content/national/a.md": article("A story")})
    assert build(site) == 0
    search_page = read(site, "/search/")
    (site / "site.toml").write_text(SITE_TOML.replace('"Arts & Culture"', '"Search"'))
    err = refused(tmp_path, capsys, "--site", site, code=1)
    assert "two outputs at /search/index.html" in err
    assert read(site, "/search/") == search_page


def test_a_section_named_search_is_fine_when_there_is_no_search_page(tmp_path, capsys):
    toml = SITE_TOML.replace('"Arts & Culture"', '"Search"') + "search = false\n"
    site = write_site(
        tmp_path / "site", {"site.toml": toml, "content/search/a.md": article("Looking for answers", section="Search")}
    )
    assert build(site) == 0, capsys.readouterr().err
    assert "Looking for answers" in read(site, "/search/")
