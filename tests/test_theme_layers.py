"""The default theme ships in the package; a site's own templates/ and static/ replace it file by file."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from support import NOW, REPO, article, build, read, run, tree_snapshot, write_site

from broadsheet import BuildError
from broadsheet.options import BuildOptions
from broadsheet.run import build_with_cache

STORIES = {
    "content/national/a.md": article("Ferries return", date="2026-02-01 09:00"),
    "content/national/b.md": article("Council votes", date="2026-02-02 09:00", author="Bo Reporter"),
    "content/sports/c.md": article("Herons win", section="Sports", date="2026-02-03 09:00"),
}
ARTICLE_URLS = {"/national/a/", "/national/b/", "/sports/c/"}


def bare_site(root: Path, extra: dict[str, str] | None = None) -> Path:
    """Write a site of only site.toml and content/ (plus `extra`): no templates/, no static/."""
    return write_site(root, {**STORIES, **(extra or {})}, templates=False)


def copy_theme(dest: Path) -> Path:
    """Copy the packaged theme somewhere a test may change it, as an upgrade of Broadsheet would."""
    shutil.copytree(REPO / "templates", dest / "templates")
    shutil.copytree(REPO / "static", dest / "static", ignore=shutil.ignore_patterns("images"))
    return dest


def build_with_theme(site: Path, theme: Path, out: Path | None = None):
    opts = BuildOptions(site_dir=site, out_dir=out or site / "public", now=datetime.fromisoformat(NOW), theme_dir=theme)
    return build_with_cache(opts)


def test_a_site_of_only_site_toml_and_content_builds_with_the_packaged_theme(tmp_path):
    site = bare_site(tmp_path / "site")
    assert build(site) == 0
    page = read(site, "/national/a/")
    assert "<h1" in page and "Ferries return" in page
    css = [p.name for p in (site / "public" / "css").iterdir()]
    assert "site.css" in css and any(n.startswith("site.") and n != "site.css" for n in css)
    assert (site / "public" / "favicon.svg").read_bytes() == (REPO / "static" / "favicon.svg").read_bytes()
    assert not (site / "public" / "images").exists()  # the sample site's photographs are not the theme's


def test_a_site_with_the_whole_theme_copied_in_builds_as_one_without_it(tmp_path):
    copied = write_site(tmp_path / "copied", STORIES)
    bare = bare_site(tmp_path / "bare")
    assert build(copied) == 0 and build(bare) == 0
    assert tree_snapshot(copied / "public") == tree_snapshot(bare / "public")


def test_one_overridden_partial_changes_only_the_pages_that_include_it(tmp_path):
    site = bare_site(tmp_path / "site")
    assert build(site) == 0
    before = tree_snapshot(site / "public")
    byline = (REPO / "templates/partials/byline.html").read_text(encoding="utf-8")
    (site / "templates/partials").mkdir(parents=True)
    (site / "templates/partials/byline.html").write_text('<p class="house-byline">Our own byline</p>\n' + byline)
    assert build(site) == 0
    after = tree_snapshot(site / "public")
    changed = {rel for rel in after if after[rel] != before.get(rel)}
    assert changed == {f"{url.strip('/')}/index.html" for url in ARTICLE_URLS}
    assert "Our own byline" in read(site, "/national/a/") and "Ferries return" in read(site, "/national/a/")


def test_a_site_static_file_replaces_the_theme_file_of_the_same_name(tmp_path):
    site = bare_site(tmp_path / "site", {"static/css/print.css": "/* our print sheet */\n"})
    assert build(site) == 0
    assert (site / "public/css/print.css").read_text() == "/* our print sheet */\n"
    assert (site / "public/css/site.css").read_bytes() == (REPO / "static/css/site.css").read_bytes()


@pytest.mark.slow
def test_a_changed_theme_file_redraws_exactly_the_pages_that_use_it(tmp_path):
    theme = copy_theme(tmp_path / "theme")
    site = bare_site(tmp_path / "site")
    build_with_theme(site, theme)
    before = tree_snapshot(site / "public")
    partial = theme / "templates/partials/byline.html"
    partial.write_text("<p>Upgraded byline</p>\n" + partial.read_text(encoding="utf-8"))
    result = build_with_theme(site, theme)  # a new process after an upgrade: from the cache on disk
    after = tree_snapshot(site / "public")
    changed = {rel for rel in after if after[rel] != before.get(rel)}
    assert changed == {f"{url.strip('/')}/index.html" for url in ARTICLE_URLS}
    assert result.pages_rendered == len(ARTICLE_URLS)
    clean = bare_site(tmp_path / "clean")
    build_with_theme(clean, theme)
    assert tree_snapshot(clean / "public") == after


def test_a_changed_theme_stylesheet_is_copied_on_the_next_build(tmp_path):
    theme = copy_theme(tmp_path / "theme")
    site = bare_site(tmp_path / "site")
    build_with_theme(site, theme)
    (theme / "static/css/print.css").write_text("/* upgraded */\n")
    build_with_theme(site, theme)
    assert (site / "public/css/print.css").read_text() == "/* upgraded */\n"


def test_errors_name_the_site_file_or_the_theme_file_they_came_from(tmp_path):
    theme = copy_theme(tmp_path / "theme")
    broken = theme / "templates/partials/corrections.html"
    broken.write_text("{{ article.no_such_field }}\n" + broken.read_text(encoding="utf-8"))
    site = bare_site(tmp_path / "site", {"templates/partials/byline.html": "{% if %}\n"})
    with pytest.raises(BuildError) as e:
        build_with_theme(site, theme)
    paths = {p.path for p in e.value.problems}
    assert site / "templates/partials/byline.html" in paths
    (site / "templates/partials/byline.html").unlink()
    with pytest.raises(BuildError) as e:
        build_with_theme(site, theme)
    assert {p.path for p in e.value.problems} == {broken}


def test_check_names_the_site_file_with_a_syntax_error(tmp_path, capsys):
    site = bare_site(tmp_path / "site", {"templates/article.html": "{% extends 'base.html' %}\n{% block x %}\n"})
    assert run("check", "--site", site, "--now", NOW) == 1
    err = capsys.readouterr().err
    assert f"{os.path.join('templates', 'article.html')}:" in err and "template syntax error" in err


@pytest.mark.slow
def test_a_wheel_carries_the_theme_and_the_installed_package_finds_it_outside_the_repo(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    for name in ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md"):
        shutil.copy(REPO / name, src / name)
    for name in ("broadsheet", "templates", "static", "locales"):
        shutil.copytree(REPO / name, src / name, ignore=shutil.ignore_patterns("__pycache__"))
    # Offline, with the setuptools the test extra installs.
    built = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-build-isolation",
            "--no-deps",
            "--no-index",
            "-q",
            str(src),
            "-w",
            str(tmp_path / "dist"),
        ],
        capture_output=True,
        text=True,
    )
    assert built.returncode == 0, built.stderr
    (wheel,) = (tmp_path / "dist").glob("broadsheet-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for rel in [
        *(p.relative_to(REPO).as_posix() for p in (REPO / "templates").rglob("*") if p.is_file()),
        "static/css/site.css",
        "static/css/print.css",
        "static/js/search.js",
        "static/favicon.svg",
        *(f"locales/{code}/LC_MESSAGES/messages.po" for code in ("en", "pa", "fr", "hi")),
    ]:
        assert f"broadsheet/theme/{rel}" in names
    assert not any(n.startswith("broadsheet/theme/static/images/") for n in names)
    installed = tmp_path / "installed"
    zipfile.ZipFile(wheel).extractall(installed)
    site = bare_site(tmp_path / "site")
    code = (
        "import sys, broadsheet, broadsheet.cli; print(broadsheet.__file__, file=sys.stderr); "
        "sys.exit(broadsheet.cli.main(sys.argv[1:]))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, "build", "--now", NOW],
        cwd=site,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(installed)},
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr.startswith(str(installed))
    assert (site / "public/css/site.css").read_bytes() == (REPO / "static/css/site.css").read_bytes()
