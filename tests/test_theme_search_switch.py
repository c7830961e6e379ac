"""`search = false` in site.toml: no index, no search page, and no link to one."""

from support import SITE_TOML, article, build, read, write_site


def test_search_off_builds_no_index_and_links_nowhere(site):
    write_site(site, {"site.toml": SITE_TOML + "search = false\n", "content/a.md": article("A story")})
    assert build(site) == 0
    out = site / "public"
    assert not (out / "pagefind").exists() and not (out / "search").exists()
    for url in ("/", "/national/a/", "/404.html"):
        assert "/search/" not in read(site, url)


def test_search_on_by_default_indexes_and_links(site):
    write_site(site, {"content/a.md": article("A story")})
    assert build(site) == 0
    assert (site / "public/pagefind").is_dir() and (site / "public/search/index.html").exists()
    assert 'action="/search/"' in read(site, "/national/a/")
