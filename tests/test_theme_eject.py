"""`broadsheet theme eject`: one theme file copied into the site to edit, and `check` telling of upgrades."""

from __future__ import annotations

import shutil
import tomllib

from support import NOW, REPO, article, build, read, run, write_site

from broadsheet.paper import eject, ejected_warnings


def bare(tmp_path):
    return write_site(tmp_path / "site", {"content/national/a.md": article("First")}, templates=False)


def test_eject_copies_one_theme_file_and_an_edit_of_it_is_picked_up(tmp_path, capsys):
    site = bare(tmp_path)
    assert build(site) == 0
    assert run("theme", "eject", "partials/byline.html", "--site", site) == 0
    copied = site / "templates/partials/byline.html"
    assert copied.read_bytes() == (REPO / "templates/partials/byline.html").read_bytes()
    assert sorted(p.relative_to(site).as_posix() for p in (site / "templates").rglob("*")) == [
        "templates/partials",
        "templates/partials/byline.html",
    ]
    record = tomllib.loads((site / "ejected.toml").read_text())["files"]
    assert list(record) == ["templates/partials/byline.html"] and record["templates/partials/byline.html"].startswith(
        "sha256:"
    )
    copied.write_text('<p class="byline">Filed by {{ article.authors|join(" & ") }}</p>\n')
    assert build(site) == 0
    assert '<p class="byline">Filed by Ann Writer</p>' in read(site, "/national/a/")


def test_eject_takes_static_files_and_never_overwrites(tmp_path, capsys):
    site = bare(tmp_path)
    assert run("theme", "eject", "static/css/print.css", "--site", site) == 0
    assert (site / "static/css/print.css").read_bytes() == (REPO / "static/css/print.css").read_bytes()
    (site / "static/css/print.css").write_text("/* mine */\n")
    capsys.readouterr()
    assert run("theme", "eject", "css/print.css", "--site", site) == 2
    assert "already exists" in capsys.readouterr().err
    assert (site / "static/css/print.css").read_text() == "/* mine */\n"


def test_eject_of_a_file_the_theme_lacks_lists_the_theme_files(tmp_path, capsys):
    site = bare(tmp_path)
    assert run("theme", "eject", "partials/nope.html", "--site", site) == 2
    err = capsys.readouterr().err
    assert "the theme has no file 'partials/nope.html'" in err and "templates/partials/byline.html" in err
    assert run("theme", "eject", "../site.toml", "--site", site) == 2
    assert (
        run("theme", "eject", "static/images/ballot-box-vote.jpg", "--site", site) == 2
    )  # the sample's, not the theme's
    assert not (site / "templates").exists() and not (site / "ejected.toml").exists()


def test_check_is_quiet_while_the_theme_is_as_ejected_and_warns_once_it_changed(tmp_path, capsys):
    site = bare(tmp_path)
    assert run("theme", "eject", "templates/article.html", "--site", site) == 0
    capsys.readouterr()
    assert run("check", "--site", site, "--now", NOW) == 0
    assert "warning" not in capsys.readouterr().err
    # As after an upgrade: the fingerprint recorded at ejection no longer matches the theme's file.
    record = site / "ejected.toml"
    record.write_text(record.read_text().replace("sha256:", "sha256:0", 1))
    assert run("check", "--site", site, "--now", NOW) == 0
    err = capsys.readouterr().err
    assert "article.html: warning: the theme's templates/article.html changed since it was ejected" in err


def test_an_upgraded_theme_file_makes_check_warn_and_the_site_copy_still_wins(tmp_path):
    theme = tmp_path / "theme"
    shutil.copytree(REPO / "templates", theme / "templates")
    shutil.copytree(REPO / "static", theme / "static")
    site = bare(tmp_path)
    eject(site, theme, "partials/byline.html")
    assert ejected_warnings(site, theme) == []
    original = theme / "templates/partials/byline.html"
    original.write_text(original.read_text() + "<!-- upgraded -->\n")
    (warning,) = ejected_warnings(site, theme)
    assert warning.path == site / "templates/partials/byline.html"
    assert "changed since it was ejected" in warning.message and str(original) in warning.message
    original.unlink()
    (warning,) = ejected_warnings(site, theme)
    assert "the theme no longer has templates/partials/byline.html" in warning.message
