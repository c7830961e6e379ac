"""Aliases: a story's old URLs redirect to it, as small pages and in the files hosts read."""

from __future__ import annotations

import shutil
import subprocess
from datetime import datetime

import pytest
from browser import serve
from support import NOW, article, build, read, run, tree_snapshot, write_site

from broadsheet.options import BuildOptions
from broadsheet.preview.session import Session


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
    site = write_site(
        tmp_path / "site",
        {
            "content/national/bridge.md": article(
                "Bridge reopens",
                section="Sports",
                slug="bridge-final",
                aliases='["/national/bridge/", "/national/bridge-reopens/"]',
            )
        },
    )
    assert build(site) == 0
    for old in ("/national/bridge/", "/national/bridge-reopens/"):
        assert "url=/sports/bridge-final/" in read(site, old)
    assert set((site / "public/_redirects").read_text().splitlines()[1:]) == {
        "/national/bridge/ /sports/bridge-final/ 301",
        "/national/bridge-reopens/ /sports/bridge-final/ 301",
    }


def test_an_alias_that_is_another_storys_url_names_both_files(tmp_path, capsys):
    site = write_site(
        tmp_path / "site",
        {
            **moved(aliases='["/national/ferry/"]'),
            "content/national/ferry.md": article("Ferry", date="2026-02-02 09:00"),
        },
    )
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


def test_a_url_changed_without_an_alias_is_a_warning_with_the_line_to_add(tmp_path, capsys):
    site = write_site(tmp_path / "site", moved(aliases='["/old/a/"]'))
    assert build(site) == 0
    write_site(
        tmp_path / "site",
        {"content/national/bridge.md": article("Bridge reopens", slug="bridge-final", aliases='["/old/a/"]')},
    )
    capsys.readouterr()
    assert build(site) == 0
    err = capsys.readouterr().err
    assert (
        "content/national/bridge.md:7: warning: its URL changed from /national/bridge-reopens/ to "
        "/national/bridge-final/, and the old one is now dead; to redirect it, put this line in its front "
        'matter: aliases: ["/old/a/", "/national/bridge-reopens/"]'
    ) in err
    assert build(site) == 0 and "warning" not in capsys.readouterr().err  # said once, when it happened


def test_a_url_changed_with_its_alias_is_no_warning(tmp_path, capsys):
    site = write_site(tmp_path / "site", moved())
    assert build(site) == 0
    write_site(
        tmp_path / "site",
        {
            "content/national/bridge.md": article(
                "Bridge reopens", slug="bridge-final", aliases='["/national/bridge-reopens/"]'
            )
        },
    )
    capsys.readouterr()
    assert build(site) == 0
    assert "warning" not in capsys.readouterr().err
    assert "url=/national/bridge-final/" in read(site, "/national/bridge-reopens/")


@pytest.mark.slow
def test_move_renames_a_story_and_keeps_its_old_url_alive(tmp_path, capsys):
    text = article("Bridge reopens", slug="bridge-reopens", aliases='["/old/a/"]', tags="[Transit]")
    text = text.replace("tags:", "# the desk's note stays\ntags:")
    site = write_site(tmp_path / "site", {"content/national/bridge.md": text})
    assert build(site) == 0
    story = site / "content/national/bridge.md"
    assert run("move", story, "--site", site, "--section", "Sports", "--slug", "Bridge Final") == 0
    assert "from /national/bridge-reopens/ to /sports/bridge-final/" in capsys.readouterr().out
    moved_text = story.read_text()
    assert "# the desk's note stays\ntags: [Transit]\n" in moved_text
    assert 'aliases: ["/old/a/", "/national/bridge-reopens/"]' in moved_text
    assert 'section: "Sports"' in moved_text and 'slug: "bridge-final"' in moved_text
    assert build(site) == 0
    assert "warning" not in capsys.readouterr().err
    assert "<h1" in read(site, "/sports/bridge-final/")
    for old in ("/old/a/", "/national/bridge-reopens/"):
        assert "url=/sports/bridge-final/" in read(site, old)
    # Moving back to an old URL takes that alias away: a page cannot redirect to itself.
    assert run("move", story, "--site", site, "--section", "National", "--slug", "bridge-reopens") == 0
    assert 'aliases: ["/old/a/", "/sports/bridge-final/"]' in story.read_text()
    assert build(site) == 0


def test_move_refuses_an_unknown_section_and_leaves_the_file_alone(tmp_path, capsys):
    site = write_site(tmp_path / "site", moved())
    story = site / "content/national/bridge.md"
    before = story.read_bytes()
    assert run("move", story, "--site", site, "--section", "Sprots") == 2
    assert "unknown section 'Sprots' (did you mean 'Sports'?)" in capsys.readouterr().err
    assert story.read_bytes() == before


# Links to the test server count as the site's own, not only those below the old URLs it starts from.
LINKCHECKER_RC = (
    "[checking]\nthreads=2\nmaxrequestspersecond=1000\n[filtering]\ncheckextern=0\n"
    "internlinks=^http://127\\.0\\.0\\.1:\n[output]\nverbose=0\n"
)


def linkcheck(public, tmp_path, *paths: str) -> subprocess.CompletedProcess:
    rc = tmp_path / "linkcheckerrc"
    rc.write_text(LINKCHECKER_RC)
    with serve(public) as base:
        return subprocess.run(
            ["linkchecker", "--config", str(rc), "--no-status", *(base + p for p in paths)],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )


@pytest.mark.slow
def test_linkchecker_follows_each_old_url_to_a_live_page(tmp_path):
    site = write_site(tmp_path / "site", moved(aliases='["/national/bridge/", "/old/2019/bridge.html"]'))
    assert build(site) == 0
    result = linkcheck(site / "public", tmp_path, "/national/bridge/", "/old/2019/bridge.html")
    assert result.returncode == 0, result.stdout[-3000:]
    # The same check fails when the story the redirect names is gone.
    shutil.rmtree(site / "public/national/bridge-reopens")
    result = linkcheck(site / "public", tmp_path, "/national/bridge/")
    assert result.returncode == 1 and "/national/bridge-reopens/" in result.stdout


def test_a_serve_session_warns_of_a_changed_url_on_the_save_that_changed_it(tmp_path):
    site = write_site(tmp_path / "site", moved())
    session = Session(BuildOptions(site, tmp_path / "preview", datetime.fromisoformat(NOW)))
    try:
        assert session.rebuild().warnings == ()
        story = site / "content/national/bridge.md"
        story.write_text(article("Bridge reopens", slug="bridge-final"))
        (warning,) = session.rebuild({story}).warnings
        assert warning.path == story and 'aliases: ["/national/bridge-reopens/"]' in warning.message
    finally:
        session.close()
