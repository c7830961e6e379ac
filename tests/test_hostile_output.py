"""The output folder: refused when replacing it could destroy anything, and never anything deleted but ours."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hostile_support import built, fingerprint, refused
from support import NOW, article, run, write_site

from broadsheet.output.deletion import UnsafeDeletion, remove_ours
from broadsheet.output.ours import MARKER, stale_temps
from broadsheet.output.recovery import clean_stale_temps

GOOD = {"content/national/a.md": article("First story"), "content/sports/b.md": article("Match report", "Sports")}


@pytest.fixture
def world(tmp_path: Path, monkeypatch) -> Path:
    """A folder holding the site, a home folder and a bystander, all watched by the tests."""
    write_site(tmp_path / "site", GOOD)
    (tmp_path / "site" / ".git").mkdir()
    (tmp_path / "site" / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (tmp_path / "home").mkdir()
    (tmp_path / "home" / "thesis.txt").write_text("years of work")
    (tmp_path / "bystander").mkdir()
    (tmp_path / "bystander" / "notes.txt").write_text("not yours")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path)
    return tmp_path


# (--output as typed, cwd relative to the world, what the message must name)
REFUSED_OUTPUTS = [
    ("site", ".", "the site folder"),
    ("site/", ".", "the site folder"),
    ("../site", "bystander", "the site folder"),
    (".", "site", "the site folder"),
    ("..", "site/content", "the site folder"),
    ("site/content/..", ".", "the site folder"),
    ("site/content/../", ".", "the site folder"),
    (".", ".", "the site folder"),  # an ancestor of the site
    ("home", ".", "your home folder"),
    ("home/../home/", ".", "your home folder"),
    ("bystander/../home", ".", "your home folder"),
    ("/", ".", "file system root"),
    ("site/content", ".", "content"),
    ("site/content/public", ".", "inside"),
    ("site/templates/out", ".", "inside"),
    ("site/static", ".", "static"),
    ("site/static/", ".", "static"),
    ("site/.git", ".", "inside"),
    ("site/.git/public", ".", "inside"),
]


@pytest.mark.parametrize(("out", "cwd", "why"), REFUSED_OUTPUTS)
def test_output_that_could_destroy_sources_is_refused(world, capsys, out, cwd, why):
    os.chdir(world / cwd)
    err = refused(world, capsys, "--site", world / "site", "--output", out, code=2)
    assert "refusing" in err and why in err


def test_a_home_folder_of_slash_does_not_refuse_every_output(world, capsys, monkeypatch):
    monkeypatch.setenv("HOME", "/")  # daemons and some containers run so
    built(world, world / "site" / "public", capsys, "--site", "site")


def test_force_does_not_unlock_a_dangerous_output(world, capsys):
    for out in ("site", "home", "site/content"):
        err = refused(world, capsys, "--site", "site", "--output", out, "--force", code=2)
        assert "refusing" in err


def test_sibling_named_like_a_source_folder_is_fine(world, capsys):
    built(world, world / "site" / "content-old", capsys, "--site", "site", "--output", "site/content-old")
    assert (world / "site/content-old/national/a/index.html").exists()


def test_output_symlink_into_the_sources_is_judged_by_where_it_leads(world, capsys):
    (world / "public-link").symlink_to(world / "site" / "content")
    err = refused(world, capsys, "--site", "site", "--output", "public-link", code=2)
    assert "content/ folder" in err and str(world / "site" / "content") in err


def test_output_symlink_to_a_harmless_folder_is_refused_with_the_real_path(world, capsys):
    (world / "www").mkdir()
    (world / "public-link").symlink_to(world / "www")
    err = refused(world, capsys, "--site", "site", "--output", "public-link", code=2)
    assert "symbolic link" in err and f"--output {world / 'www'}" in err
    built(world, world / "www", capsys, "--site", "site", "--output", world / "www")
    assert (world / "public-link" / "index.html").exists()


def test_source_folder_linked_elsewhere_is_protected_where_it_really_is(world, capsys):
    (world / "shared-static").mkdir()
    (world / "shared-static" / "logo.svg").write_text("<svg/>")
    os.rename(world / "site" / "static", world / "shared-static" / "static")
    (world / "site" / "static").symlink_to(world / "shared-static" / "static")
    for out in ("shared-static", "shared-static/static/out"):
        err = refused(world, capsys, "--site", "site", "--output", out, code=2)
        assert "static" in err


def test_output_that_is_a_file_is_refused(world, capsys):
    (world / "out.html").write_text("<p>mine</p>")
    err = refused(world, capsys, "--site", "site", "--output", "out.html", code=2)
    assert "not a folder" in err


def test_non_empty_folder_without_our_marker_needs_force(world, capsys):
    (world / "www").mkdir()
    (world / "www" / "notes.txt").write_text("mine")
    err = refused(world, capsys, "--site", "site", "--output", "www", code=2)
    assert MARKER in err and "--force" in err
    built(world, world / "www", capsys, "--site", "site", "--output", "www", "--force")
    assert (world / "www" / MARKER).is_file()


def test_a_fresh_pages_checkout_holding_only_git_and_cname_is_accepted(world, capsys):
    (world / "www" / ".git").mkdir(parents=True)
    (world / "www" / ".git" / "HEAD").write_text("ref: refs/heads/gh-pages\n")
    (world / "www" / "CNAME").write_text("news.example\n")
    built(world, world / "www", capsys, "--site", "site", "--output", "www")
    assert (world / "www" / ".git" / "HEAD").read_text() == "ref: refs/heads/gh-pages\n"
    assert (world / "www" / "CNAME").read_text() == "news.example\n"


def test_git_cname_nojekyll_and_the_keep_list_survive_every_build(world, capsys):
    site = world / "site"
    toml = site / "site.toml"
    toml.write_text(toml.read_text() + 'keep = ["downloads", "verify.txt"]\n')
    built(world, site / "public", capsys, "--site", "site")
    out = site / "public"
    (out / ".git").mkdir()
    (out / ".git" / "config").write_text("[core]\n")
    (out / "CNAME").write_text("news.example\n")
    (out / ".nojekyll").write_text("")
    (out / "downloads").mkdir()
    (out / "downloads" / "report.pdf").write_bytes(b"%PDF-1.7 precious")
    (out / "verify.txt").write_text("google-site-verification")
    (out / "stale.html").write_text("not in the site any more")
    kept = {
        k: v
        for k, v in fingerprint(out).items()
        if k.split("/")[0] in (".git", "CNAME", ".nojekyll", "downloads", "verify.txt")
    }
    for _ in range(2):
        built(world, out, capsys, "--site", "site")
        assert {k: v for k, v in fingerprint(out).items() if k in kept} == kept
    assert not (out / "stale.html").exists()


def test_keep_entry_that_the_build_also_writes_is_an_error_and_nothing_moves(world, capsys):
    site = world / "site"
    built(world, site / "public", capsys, "--site", "site")
    (site / "site.toml").write_text((site / "site.toml").read_text() + 'keep = ["National"]\n')
    (site / "public" / "national" / "mine.txt").write_text("x")
    err = refused(world, capsys, "--site", "site", code=1)
    assert "would write /national/index.html" in err and "'national' is kept on every build" in err


@pytest.mark.parametrize("bad", ["../x", "/etc", "a/b", "..", ".", "", ".broadsheet-output"])
def test_keep_entries_must_be_plain_names(world, capsys, bad):
    toml = world / "site" / "site.toml"
    toml.write_text(toml.read_text() + f"keep = [{bad!r}]\n")
    err = refused(world, capsys, "--site", "site", code=1)
    assert "site.toml:" in err and "'keep' must list plain names" in err


def test_symlinks_inside_the_output_are_removed_never_followed(world, capsys):
    site, out = world / "site", world / "site" / "public"
    built(world, out, capsys, "--site", "site")
    (out / "to-bystander").symlink_to(world / "bystander")
    (out / "national" / "to-content").symlink_to(site / "content")
    (out / "to-thesis.txt").symlink_to(world / "home" / "thesis.txt")
    built(world, out, capsys, "--site", "site")
    assert not any(p.is_symlink() for p in out.rglob("*"))
    assert (world / "bystander" / "notes.txt").read_text() == "not yours"
    assert (world / "home" / "thesis.txt").read_text() == "years of work"
    assert (site / "content" / "national" / "a.md").exists()


def test_next_run_cleans_stale_temporary_folders_and_only_those(world, capsys):
    site = world / "site"
    built(world, site / "public", capsys, "--site", "site")
    for name in (".public.tmp-0123abcd", ".public.old-89abcdef"):
        (site / name / "national").mkdir(parents=True)
        (site / name / "national" / "half.html").write_text("<p>half")
    (site / ".public.tmp-1111aaaa").symlink_to(world / "bystander")  # a link: unlinked, not followed
    (site / ".public.tmp-backup").mkdir()  # not a name we make: left alone
    (site / ".public.tmp-backup" / "keep.txt").write_text("user's")
    assert run("build", "--site", "site", "--now", NOW) == 0
    leftovers = sorted(p.name for p in site.iterdir() if p.name.startswith(".public"))
    assert leftovers == [".public.tmp-backup"]
    assert (world / "bystander" / "notes.txt").read_text() == "not yours"


def test_build_killed_between_the_two_renames_is_repaired_by_the_next_run(world, capsys):
    """The state a SIGKILL leaves inside swap_in: output renamed away, the new tree holding .git."""
    site, out = world / "site", world / "site" / "public"
    built(world, out, capsys, "--site", "site")
    (out / "national" / "a" / "index.html").write_text("previous")
    old, tmp = site / ".public.old-00000001", site / ".public.tmp-00000002"
    tmp.mkdir()
    (tmp / ".git").mkdir()
    (tmp / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    os.rename(out, old)
    clean_stale_temps(out)
    assert (out / "national" / "a" / "index.html").read_text() == "previous"
    assert (out / ".git" / "HEAD").read_text() == "ref: refs/heads/main\n"
    assert stale_temps(out) == []


@pytest.mark.parametrize("victim", ["site", "site/content", "home", "bystander", "/", "site/public"])
def test_the_one_deleting_function_refuses_everything_but_our_temporary_folders(world, capsys, victim):
    built(world, world / "site" / "public", capsys, "--site", "site")
    before = fingerprint(world)
    with pytest.raises(UnsafeDeletion):
        remove_ours(world / victim, world / "site" / "public")
    assert fingerprint(world) == before


def test_the_one_deleting_function_refuses_lookalikes(world):
    out = world / "site" / "public"
    for name in (".public.tmp-backup", ".public.tmp-0123abcd.keep", ".publicx.tmp-0123abcd", ".other.tmp-0123abcd"):
        (world / "site" / name).mkdir()
        with pytest.raises(UnsafeDeletion):
            remove_ours(world / "site" / name, out)
        assert (world / "site" / name).is_dir()
    (world / "bystander" / ".public.tmp-0123abcd").mkdir()  # right name, wrong folder
    with pytest.raises(UnsafeDeletion):
        remove_ours(world / "bystander" / ".public.tmp-0123abcd", out)


def test_the_one_deleting_function_unlinks_a_link_without_following_it(world):
    out = world / "site" / "public"
    link = world / "site" / ".public.old-0123abcd"
    link.symlink_to(world / "bystander")
    remove_ours(link, out)
    assert not link.is_symlink() and (world / "bystander" / "notes.txt").exists()
