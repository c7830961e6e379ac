"""The one guard every writer passes its paths through (broadsheet.guard.confined)."""

from __future__ import annotations

import os

import pytest

from broadsheet.guard import RESERVED_OUTPUT, OutsideFolder, confined, confined_name


@pytest.fixture
def world(tmp_path):
    root = tmp_path / "out"
    (root / "inside").mkdir(parents=True)
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "secret.txt").write_text("x")
    os.symlink(tmp_path / "elsewhere", root / "away")  # a folder link leading out
    os.symlink(tmp_path / "secret.txt", root / "secret.txt")  # a final link leading out
    os.symlink(root / "inside", root / "near")  # a link that stays inside
    return root


@pytest.mark.parametrize("relative", ["inside/a.html", "a/b/c.html", "near/x.html", "x/../y.html", "%2e%2e"])
def test_paths_inside_the_folder_are_returned_resolved(world, relative):
    got = confined(world, relative)
    assert got.is_absolute() and os.path.commonpath([got, os.path.realpath(world)]) == os.path.realpath(world)


def test_a_link_inside_is_returned_as_where_it_leads(world):
    assert confined(world, "near/x.html") == world.resolve() / "inside" / "x.html"


@pytest.mark.parametrize(
    "relative,decode",
    [
        ("../site.toml", False),
        ("/%2e%2e/site.toml", True),
        ("/x/%2e%2e/%2E%2E/site.toml", True),
        ("away/x.html", False),
        ("secret.txt", False),
        ("/etc/passwd", False),
        ("inside/../../a", False),
        ("%2e%2e%2fsite.toml", True),
    ],
)
def test_paths_leading_outside_are_refused(world, relative, decode):
    with pytest.raises(OutsideFolder) as e:
        confined(world, relative, decode=decode)
    assert "\n" not in str(e.value) and str(world.resolve()) in str(e.value)


@pytest.mark.parametrize("relative", ["a\x00b", "a%00b/", "a%0ab", "a\x7fb", "a%c2%85b"])
def test_control_characters_are_refused(world, relative):
    with pytest.raises(OutsideFolder, match="control character"):
        confined(world, relative, decode=True)


@pytest.mark.parametrize(
    "relative",
    ["/CNAME", "/cname", "/.nojekyll/", "/.git/config", "/a/.git/x", "/.GIT/config", "/Keep-Me/x", "/x/../CNAME"],
)
def test_reserved_names_and_git_are_refused(world, relative):
    with pytest.raises(OutsideFolder, match=r"kept|\.git"):
        confined(world, relative, decode=True, reserved=(*RESERVED_OUTPUT, "keep-me"))


def test_reserved_names_below_the_top_are_ordinary(world):
    assert confined(world, "/news/CNAME/index.html", decode=True, reserved=RESERVED_OUTPUT).name == "index.html"


def test_percent_escapes_that_are_not_utf8_are_refused(world):
    with pytest.raises(OutsideFolder, match="UTF-8"):
        confined(world, "/caf%e9/", decode=True)


@pytest.mark.parametrize(
    "url,expected",
    [
        ("/old/", "old"),
        ("/x/%2e%2e/", ""),
        ("/a/./b/c.html", "a/b/c.html"),
        ("/news/%C3%A9t%C3%A9/", "news/été"),
        ("/.well-known/x", ".well-known/x"),
    ],
)
def test_a_name_is_judged_before_any_folder_exists(url, expected):
    assert confined_name(url, decode=True, reserved=RESERVED_OUTPUT) == expected


@pytest.mark.parametrize("url", ["/%2e%2e/site.toml", "/a%00b/", "/CNAME", "/.git/config", "/x/../../y"])
def test_a_name_leading_outside_or_onto_a_kept_name_is_refused_before_any_folder_exists(url):
    with pytest.raises(OutsideFolder):
        confined_name(url, decode=True, reserved=RESERVED_OUTPUT)
