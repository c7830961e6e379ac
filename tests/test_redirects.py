"""Aliases: a story's old URLs redirect to it, as small pages and in the files hosts read."""

from __future__ import annotations

from conftest import article, build, read, run, tree_snapshot, write_site


def moved(**fields: str) -> dict[str, str]:
    return {"content/national/bridge.md": article("Bridge reopens", slug="bridge-reopens", **fields)}


def test_an_alias_is_a_page_that_sends_readers_and_search_engines_to_the_story(tmp_path):
    site = write_site(tmp_path / "site", moved(aliases='["/national/bridge/", "/old/2019/bridge.html"]'))
    assert build(site) == 0
    page = read(site, "/national/bridge/")
    assert '<meta http-equiv="refresh" content="0; url=/national/bridge-reopens/">' in page
    assert '<link rel="canonical" href="https://gazette.example/national/bridge-reopens/">' in page
    assert '<meta name="robots" content="noindex">' in page
    assert '<a href="/national/bridge-reopens/">Bridge reopens</a>' in page
    assert "url=/national/bridge-reopens/" in (site / "public/old/2019/bridge.html").read_text()


def test_hosts_get_the_same_redirects_as_301s(tmp_path):
    site = write_site(tmp_path / "site", moved(aliases='["/national/bridge", "/old/café/"]'))
    assert build(site) == 0
    lines = (site / "public/_redirects").read_text().splitlines()
    assert "/national/bridge/ /national/bridge-reopens/ 301" in lines
    assert "/old/caf%C3%A9/ /national/bridge-reopens/ 301" in lines
    nginx = (site / "public/redirects.nginx.map").read_text()
    assert "map $uri $broadsheet_redirect {" in nginx
    assert '    "/national/bridge/" "/national/bridge-reopens/";' in nginx
    assert '    "/national/bridge" "/national/bridge-reopens/";' in nginx  # nginx matches $uri exactly
    assert '    "/old/café/" "/national/bridge-reopens/";' in nginx  # $uri is decoded


def test_redirects_are_in_no_sitemap_and_no_search_index_page(tmp_path):
    site = write_site(tmp_path / "site", moved(aliases='["/national/bridge/"]'))
    assert build(site) == 0
    assert "/national/bridge/<" not in read(site, "/sitemap.xml")
    assert "data-pagefind-body" not in read(site, "/national/bridge/")


def test_a_site_without_aliases_has_no_redirect_files(tmp_path):
    site = write_site(tmp_path / "site", moved())
    assert build(site) == 0
    assert not (site / "public/_redirects").exists()
    assert not (site / "public/redirects.nginx.map").exists()


def test_a_story_moved_twice_sends_both_old_urls_straight_to_the_newest(tmp_path):
    site = write_site(tmp_path / "site", {
        "content/national/bridge.md": article("Bridge reopens", section="Sports", slug="bridge-final",
                                              aliases='["/national/bridge/", "/national/bridge-reopens/"]')})
    assert build(site) == 0
    for old in ("/national/bridge/", "/national/bridge-reopens/"):
        assert "url=/sports/bridge-final/" in read(site, old)
    assert set((site / "public/_redirects").read_text().splitlines()[1:]) == {
        "/national/bridge/ /sports/bridge-final/ 301", "/national/bridge-reopens/ /sports/bridge-final/ 301"}


def test_an_alias_that_is_another_storys_url_names_both_files(tmp_path, capsys):
    site = write_site(tmp_path / "site", {
        **moved(aliases='["/national/ferry/"]'),
        "content/national/ferry.md": article("Ferry", date="2026-02-02 09:00"),
    })
    assert build(site) == 1
    err = capsys.readouterr().err
    assert "content/national/bridge.md:7: alias /national/ferry/ is the URL of " in err
    assert "content/national/ferry.md" in err.split("alias /national/ferry/")[1]


def test_a_loop_and_a_shared_alias_are_errors_naming_the_files_and_leave_the_output_alone(tmp_path, capsys):
    files = {
        **moved(aliases='["/national/bridge-reopens/"]'),
        "content/national/ferry.md": article("Ferry", aliases='["/old/x/"]'),
        "content/sports/match.md": article("Match", section="Sports", aliases='["/old/x/"]'),
    }
    site = tmp_path / "site"
    ok = {**files, "content/national/bridge.md": article("Bridge reopens", slug="bridge-reopens")}
    ok["content/sports/match.md"] = article("Match", section="Sports")
    assert build(write_site(tmp_path / "site", ok)) == 0
    before = tree_snapshot(site / "public")
    write_site(tmp_path / "site", files)
    assert build(site) == 1
    err = capsys.readouterr().err
    assert "bridge.md:7: alias /national/bridge-reopens/ is the story's own URL: it would redirect to itself" in err
    assert "match.md:6: alias /old/x/ is also an alias of " in err and "ferry.md" in err.split("/old/x/")[1]
    assert tree_snapshot(site / "public") == before


def test_an_alias_that_is_another_pages_url_is_an_error(tmp_path, capsys):
    site = write_site(tmp_path / "site", moved(aliases='["/sports/"]'))
    assert build(site) == 1
    err = capsys.readouterr().err
    assert "bridge.md:7: alias /sports/ is the URL of the site's section page 'Sports'" in err


def test_an_alias_must_be_a_path_on_this_site(tmp_path, capsys):
    site = write_site(tmp_path / "site", moved(aliases='["https://elsewhere.example/x", "/a/../b/", "old"]'))
    assert build(site) == 1
    err = capsys.readouterr().err
    for bad in ("https://elsewhere.example/x", "/a/../b/", "old"):
        assert f"bridge.md:7: alias '{bad}' must be a path on this site" in err


def test_a_draft_story_has_no_redirects(tmp_path):
    site = write_site(tmp_path / "site", moved(aliases='["/national/bridge/"]', draft="true"))
    assert build(site) == 0
    assert not (site / "public/national/bridge").exists()
    assert not (site / "public/_redirects").exists()


def test_the_same_input_builds_the_same_bytes(tmp_path):
    site = write_site(tmp_path / "site", moved(aliases='["/national/bridge/", "/a/", "/b.html"]'))
    assert build(site) == 0
    first = tree_snapshot(site / "public")
    assert run("build", "--site", site, "--now", "2026-02-12T12:00:00-08:00", "--no-cache") == 0
    assert tree_snapshot(site / "public") == first
