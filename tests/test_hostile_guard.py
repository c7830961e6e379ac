"""Every path a command writes passes one guard (broadsheet.guard): aliases, --changed, new, move, theme eject, init.

Each refusal fingerprints the whole temporary world before and after: nothing is written anywhere.
"""

from __future__ import annotations

import os

import pytest
from hostile_support import built, refused, refused_command
from support import NOW, article, build, run, write_site


@pytest.fixture
def world(tmp_path):
    write_site(tmp_path / "site", {"content/national/a.md": article("First")})
    (tmp_path / "bystander").mkdir()
    (tmp_path / "bystander" / "notes.txt").write_text("not yours")
    return tmp_path


def with_alias(world, alias: str) -> None:
    (world / "site" / "content/national/b.md").write_text(article("Moved", aliases=f"[{alias!r}]"))


@pytest.mark.parametrize(
    "alias",
    [
        "/%2e%2e/site.toml",
        "/%2E%2E/%2e%2e/bystander/notes.txt",
        "/x/%2e%2e/",
        "/a/%2e%2e/%2e%2e/site.toml",
        "/%2e%2e%2fsite.toml",
        "/CNAME",
        "/cname",
        "/.nojekyll",
        "/.git/config",
        "/news/.git/hooks/post-checkout",
        "/Mine/x/",
        "/a%00b/",
        "/a%0ab/",
        "/caf%e9/",
    ],
)
def test_an_alias_that_would_write_outside_or_onto_a_kept_name_is_a_problem_at_its_line(world, capsys, alias):
    site = world / "site"
    (site / "site.toml").write_text((site / "site.toml").read_text() + 'keep = ["mine"]\n')
    built(world, site / "public", capsys, "--site", site)
    for name in ("CNAME", ".nojekyll", "mine"):
        (site / "public" / name).write_text("kept")
    with_alias(world, alias)
    err = refused(world, capsys, "--site", site, code=1)
    assert "b.md:6: alias" in err


def test_a_changed_url_list_naming_a_source_is_refused_before_anything_is_written(world, capsys):
    site = world / "site"
    built(world, site / "public", capsys, "--site", site)
    (site / "content/national/a.md").write_text(article("Second"))
    os.symlink(site / "templates" / "base.html", world / "innocent.txt")
    (site / ".broadsheet-cache" / "changed-urls.txt").unlink()
    os.symlink(site / "site.toml", site / ".broadsheet-cache" / "changed-urls.txt")
    for changed in (
        site / "site.toml",
        site / "templates" / "article.html",
        site / "content/national/a.md",
        world / "innocent.txt",
        site / "public" / "urls.txt",
        None,
    ):
        extra = ("--changed", changed) if changed else ()
        err = refused(world, capsys, "--site", site, *extra, code=2)
        assert "refusing to write the list of changed URLs" in err


def test_a_changed_url_list_in_the_cache_or_outside_the_site_is_written(world, capsys):
    site = world / "site"
    for n, changed in enumerate((site / ".broadsheet-cache" / "purge.txt", world / "purge.txt")):
        (site / "content/national/a.md").write_text(article(f"Edition {n}"))
        assert build(site, "--changed", changed) == 0
        assert "https://gazette.example/national/a/" in changed.read_text().splitlines()


def test_new_refuses_a_section_folder_that_is_a_link_outside(world, capsys):
    site = world / "site"
    os.symlink(world / "bystander", site / "content" / "sports")
    err = refused_command(world, capsys, "new", "Scores", "--section", "Sports", "--site", site, "--now", NOW, code=2)
    assert "outside" in err


def test_new_never_writes_a_story_into_the_standalone_pages_folder(world, capsys):
    site = world / "site"
    toml = site / "site.toml"
    toml.write_text(toml.read_text().replace('"Arts & Culture"]', '"Arts & Culture", "Pages"]'))
    assert run("new", "Front pages of the week", "--section", "Pages", "--site", site, "--now", NOW) == 0
    assert not (site / "content" / "pages").exists()
    story = next((site / "content").rglob("front-pages-of-the-week.md"))
    story.write_text(story.read_text().replace("draft: true", "draft: false"))
    assert build(site) == 0
    story_page = site / "public" / "pages" / "front-pages-of-the-week" / "index.html"
    assert "Front pages of the week" in story_page.read_text()
    assert "front-pages-of-the-week" not in (site / "public" / "index.html").read_text().split("<footer")[-1]


@pytest.mark.parametrize("how", ["outside the site", "through a link in content", "a folder", "missing"])
def test_move_refuses_what_is_not_a_story_file_in_content_with_a_usage_error(world, capsys, how):
    site = world / "site"
    (world / "bystander" / "b.md").write_text(article("Elsewhere"))
    os.symlink(world / "bystander" / "b.md", site / "content" / "national" / "b.md")
    given = {
        "outside the site": world / "bystander" / "b.md",
        "through a link in content": site / "content" / "national" / "b.md",
        "a folder": site / "content" / "national",
        "missing": site / "content" / "nope.md",
    }[how]
    err = refused_command(world, capsys, "move", given, "--slug", "new-slug", "--site", site, code=2)
    assert "previous output" not in err


@pytest.mark.parametrize("link", ["templates/partials", "ejected.toml"])
def test_theme_eject_never_writes_through_a_link_leading_outside(world, capsys, link):
    site = world / "site"
    target = world / "bystander" / ("ejected.toml" if link == "ejected.toml" else "theme")
    if link != "ejected.toml":
        target.mkdir()
    else:
        target.write_text("# not yours\n")
    (site / "templates/partials/byline.html").unlink()
    path = site / link
    if path.is_dir():
        for p in sorted(path.rglob("*"), reverse=True):
            p.unlink() if p.is_file() else p.rmdir()
        path.rmdir()
    os.symlink(target, path)
    err = refused_command(world, capsys, "theme", "eject", "partials/byline.html", "--site", site, code=2)
    assert "outside" in err


@pytest.mark.parametrize("how", ["a file", "a dangling content link", "content link outside", "a file in the way"])
def test_init_checks_everything_before_writing_anything(world, capsys, how):
    paper = world / "paper"
    if how == "a file":
        paper.write_text("not a folder")
    elif how == "a dangling content link":
        paper.mkdir()
        os.symlink(world / "nowhere", paper / "content")
    elif how == "content link outside":
        paper.mkdir()
        os.symlink(world / "bystander", paper / "content")
    else:
        paper.mkdir()
        (paper / "templates").write_text("a file where a folder goes")
    err = refused_command(world, capsys, "init", paper, "--title", "The Valley Voice", "--now", NOW, code=2)
    assert "previous output" not in err
    if how != "a file":  # nothing half-written: a second init, once the way is clear, succeeds
        for name in ("content", "templates"):
            if os.path.lexists(paper / name):
                os.unlink(paper / name)
        assert run("init", paper, "--title", "The Valley Voice", "--now", NOW) == 0
